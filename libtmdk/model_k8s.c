/*
 * libtmdk — helpers the model's Kubernetes parts share (see model_k8s.h).
 */
#include "model_k8s.h"

#include <string.h>

int tmdk__k8s_is_object(const tmdk__model_doc *d)
{
	return d->artifact && tmdk_artifact_kind(d->artifact) == TMDK_KIND_KUBERNETES && d->view &&
	       tmdk_node_get(d->view, "kind") != NULL;
}

const char *tmdk__k8s_text(tmdk__arena *arena, const tmdk_node *n, int *oom)
{
	char *s;

	if (!n || n->type != TMDK_NODE_SCALAR || tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL)
		return NULL;
	s = tmdk__arena_strndup(arena, n->u.scalar.text, n->u.scalar.len);
	if (!s && oom)
		*oom = 1;
	return s;
}

int tmdk__k8s_kind_is(const tmdk_node *view, const char *kind)
{
	return tmdk_node_text_equals(tmdk_node_get(view, "kind"), kind);
}

const char *tmdk__k8s_namespace(tmdk__arena *arena, const tmdk_node *view)
{
	int oom = 0;
	const char *ns = tmdk__k8s_text(arena, tmdk_node_get(view, "namespace"), &oom);

	if (oom)
		return NULL;
	return ns && *ns ? ns : "default";
}

const char *tmdk__k8s_component_id(tmdk__arena *arena, const tmdk_node *view)
{
	int oom = 0;
	const char *ns = tmdk__k8s_text(arena, tmdk_node_get(view, "namespace"), &oom);
	const char *kind = tmdk__k8s_text(arena, tmdk_node_get(view, "kind"), &oom);
	const char *name = tmdk__k8s_text(arena, tmdk_node_get(view, "name"), &oom);

	if (oom)
		return NULL;
	return tmdk__arena_printf(arena, "k8s:%s/%s/%s", ns && *ns ? ns : "-", kind ? kind : "-",
		name && *name ? name : "-");
}

int tmdk__k8s_is_workload(const tmdk_node *view)
{
	int v = 0;

	return tmdk_node_as_bool(tmdk_node_get(view, "workload"), &v) == TMDK_OK && v;
}

const char *tmdk__k8s_file(const tmdk__model_doc *d, const tmdk_node *n)
{
	const tmdk_artifact *src = tmdk__node_source(d->artifact, n);

	return tmdk_artifact_name(src ? src : d->artifact);
}

tmdk_node *tmdk__k8s_string(tmdk__arena *arena, const char *text, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_string(arena, text, at->line, at->column), at);
}

tmdk_node *tmdk__k8s_bool(tmdk__arena *arena, int value, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_bool(arena, value, at->line, at->column), at);
}

tmdk_node *tmdk__k8s_int(tmdk__arena *arena, long long value, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_int(arena, value, at->line, at->column), at);
}

tmdk_node *tmdk__k8s_map(tmdk__arena *arena, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_map(arena, at->line, at->column), at);
}

tmdk_node *tmdk__k8s_seq(tmdk__arena *arena, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_seq(arena, at->line, at->column), at);
}
