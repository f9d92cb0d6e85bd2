/*
 * libtmdk — which component a finding concerns (tmdk_finding_component):
 * the one component of a workload document; in a compose file the service
 * whose subtree (its view, or its component facts) holds the node the
 * finding points at. NULL when the document has no component or the node
 * is outside every service (top-level `networks`, `x-` keys).
 */
#include "model_system_int.h"

#include <string.h>

static int holds(const tmdk_node *tree, const tmdk_node *at, unsigned int depth)
{
	size_t i, n;
	if (!tree || depth > TMDK_DEFAULT_MAX_DEPTH)
		return 0;
	if (tree == at)
		return 1;
	n = tmdk_node_size(tree);
	for (i = 0; i < n; i++) {
		if (tmdk_node_get_type(tree) == TMDK_NODE_MAP && tmdk_node_key_at(tree, i) == at)
			return 1;
		if (holds(tmdk_node_at(tree, i), at, depth + 1))
			return 1;
	}
	return 0;
}

const char *tmdk__model_component_of(const tmdk_node *facts, const tmdk_node *view, const tmdk_node *at)
{
	const tmdk_node *comps = tmdk_node_get(facts, "components"), *svcs;
	size_t i, j;
	if (tmdk_node_size(comps) == 1)
		return tmdk__sys_text(tmdk_node_get(tmdk_node_at(comps, 0), "id"));
	if (!at || !tmdk_node_size(comps))
		return NULL;
	svcs = tmdk_node_get(view, "services");
	for (i = 0; i < tmdk_node_size(comps); i++) {
		const tmdk_node *c = tmdk_node_at(comps, i);
		const tmdk_node *name = tmdk_node_get(c, "name");
		if (holds(c, at, 0))
			return tmdk__sys_text(tmdk_node_get(c, "id"));
		for (j = 0; j < tmdk_node_size(svcs); j++) {
			const tmdk_node *svc = tmdk_node_at(svcs, j);
			if (tmdk_node_text_equals(tmdk_node_get(svc, "name"), tmdk__sys_text(name)) && holds(svc, at, 0))
				return tmdk__sys_text(tmdk_node_get(c, "id"));
		}
	}
	return NULL;
}
