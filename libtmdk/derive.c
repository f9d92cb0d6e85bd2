/*
 * Derived artifacts: documents built from several parsed files (a merged
 * compose project, a built kustomization). The derived artifact owns its
 * sources; each node copied into it carries the origin of the file that set
 * it (see tmdk__node_source), and the scanner reports findings there.
 * Normalizing the derived documents is parse.c's job
 * (tmdk__artifact_finish_derived).
 */
#include "internal.h"
#include "array.h"

#include <string.h>

int tmdk__artifact_new_derived(tmdk_artifact **out, const char *name, tmdk_kind kind,
	const tmdk_parse_options *limits, tmdk_error *err)
{
	int rc = tmdk__artifact_new(out, name, "", 0, limits, err);
	if (rc == TMDK_OK)
		(*out)->kind = kind;
	return rc;
}

int tmdk__artifact_add_source(tmdk_artifact *a, tmdk_artifact *src, uint32_t *origin_out)
{
	if (!a || !src || src->source_count || a->source_count >= UINT32_MAX - 1)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(a->sources, a->source_count, a->source_cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	a->sources[a->source_count++] = src;
	*origin_out = (uint32_t)a->source_count;
	return TMDK_OK;
}

const tmdk_artifact *tmdk__node_source(const tmdk_artifact *owner, const tmdk_node *n)
{
	if (!owner || !n || n->origin == 0 || n->origin > owner->source_count)
		return owner;
	return owner->sources[n->origin - 1];
}

tmdk_node *tmdk__node_copy(tmdk_artifact *dst, const tmdk_node *n, uint32_t origin, size_t *count)
{
	const tmdk_artifact *src = origin && origin <= dst->source_count ? dst->sources[origin - 1] : NULL;
	const tmdk__text_map *m;
	tmdk_node *c;
	size_t i;

	if (!n)
		return NULL;
	c = tmdk__arena_alloc(&dst->arena, sizeof(*c));
	if (!c)
		return NULL;
	tmdk__node_assign(c, n);
	c->origin = origin;
	if (count)
		(*count)++;
	switch (n->type) {
	case TMDK_NODE_SCALAR:
		/* the text stays in the source, which dst owns */
		m = src ? tmdk__artifact_text_map(src, n) : NULL;
		if (m && tmdk__artifact_map_text(dst, c, m->segs, m->count, m->base) != TMDK_OK)
			return NULL;
		return c;
	case TMDK_NODE_SEQUENCE:
		c->u.seq.items = NULL;
		c->u.seq.count = c->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.count; i++) {
			tmdk_node *item = tmdk__node_copy(dst, n->u.seq.items[i], origin, count);
			if (!item || tmdk__node_seq_push(&dst->arena, c, item) != TMDK_OK)
				return NULL;
		}
		return c;
	case TMDK_NODE_MAP:
		c->u.map.keys = c->u.map.values = NULL;
		c->u.map.count = c->u.map.cap = 0;
		for (i = 0; i < n->u.map.count; i++) {
			tmdk_node *k = tmdk__node_copy(dst, n->u.map.keys[i], origin, count);
			tmdk_node *v = k ? tmdk__node_copy(dst, n->u.map.values[i], origin, count) : NULL;
			if (!v || tmdk__node_map_append(&dst->arena, c, k, v) != TMDK_OK)
				return NULL;
		}
		return c;
	default:
		return c;
	}
}

size_t tmdk_artifact_source_count(const tmdk_artifact *a)
{
	return a ? a->source_count : 0;
}

const tmdk_artifact *tmdk_artifact_source(const tmdk_artifact *a, size_t index)
{
	return a && index < a->source_count ? a->sources[index] : NULL;
}

const tmdk_artifact *tmdk_artifact_node_source(const tmdk_artifact *a, const tmdk_node *node)
{
	return tmdk__node_source(a, node);
}

