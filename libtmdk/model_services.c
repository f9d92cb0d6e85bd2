/*
 * libtmdk — Kubernetes Services and the workloads they select (their
 * `selector` against the pod template's labels, in the same namespace; a
 * Service without a selector selects nothing). Exposures, ingress routes and
 * flows all go through this table.
 */
#include "model_system_int.h"
#include "array.h"

#include <string.h>

const struct tmdk__sys_svc *tmdk__sys_service(const tmdk__sys *s, const char *ns, const char *name)
{
	size_t i;
	for (i = 0; name && i < s->svc_count; i++)
		if (strcmp(s->svcs[i].name, name) == 0 && strcmp(s->svcs[i].ns, ns) == 0)
			return &s->svcs[i];
	return NULL;
}

static int add_service(tmdk__sys *s, size_t d)
{
	const tmdk_node *v = s->b->docs[d].view, *root = tmdk_document_root(s->b->docs[d].doc);
	const char *name = tmdk__sys_text(tmdk_node_get(v, "name")), *ns = tmdk__sys_text(tmdk_node_get(v, "namespace"));
	const tmdk_node *spec = tmdk_node_get(root, "spec"), *selector = tmdk_node_get(spec, "selector");
	struct tmdk__sys_svc *svc;
	size_t first, n, i;
	if (!name || tmdk_node_get_type(spec) != TMDK_NODE_MAP)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(s->svcs, s->svc_count, s->svc_cap, 8) != TMDK_OK)
		return TMDK_ENOMEM;
	svc = &s->svcs[s->svc_count++];
	memset(svc, 0, sizeof(*svc));
	svc->doc = d;
	svc->name = name;
	svc->ns = ns ? ns : "";
	svc->spec = spec;
	if (!(svc->id = tmdk__arena_printf(s->b->arena, "k8s:%s/Service/%s", ns ? ns : "-", name)))
		return TMDK_ENOMEM;
	n = tmdk__sys_ns_range(s, svc->ns, &first);
	if (!(svc->sel = tmdk__calloc(n + 1, sizeof(*svc->sel))))
		return TMDK_ENOMEM;
	for (i = first; i < first + n; i++)
		if (tmdk__sys_selects(selector, s->comps[s->by_ns[i]].pod_labels, 1))
			svc->sel[svc->sel_count++] = s->by_ns[i];
	/* Set order (by_ns keeps it inside a namespace), so output is stable. */
	return TMDK_OK;
}

int tmdk__sys_services(tmdk__sys *s)
{
	size_t d;
	for (d = 0; d < s->b->doc_count; d++)
		if (tmdk_artifact_kind(s->b->docs[d].artifact) == TMDK_KIND_KUBERNETES &&
		    tmdk_node_text_equals(tmdk_node_get(s->b->docs[d].view, "kind"), "Service") &&
		    add_service(s, d) != TMDK_OK)
			return TMDK_ENOMEM;
	return TMDK_OK;
}
