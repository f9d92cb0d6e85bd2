/*
 * libtmdk — Kubernetes label selectors (metav1.LabelSelector semantics):
 * matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed.
 */
#include "label_selector.h"

#include <string.h>

/* A null scalar (`~`, empty): the same as an absent field. */
static int is_null(const tmdk_node *n)
{
	return n && n->type == TMDK_NODE_SCALAR && tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL;
}

/* Scalar text equality (label values are strings; `version: 1` compares as "1"). */
static int scalar_eq(const tmdk_node *a, const tmdk_node *b)
{
	return a && b && a->type == TMDK_NODE_SCALAR && b->type == TMDK_NODE_SCALAR &&
	       a->u.scalar.len == b->u.scalar.len &&
	       memcmp(a->u.scalar.text, b->u.scalar.text, a->u.scalar.len) == 0;
}

/* The value of label `key` (a scalar node), or NULL when absent. */
static const tmdk_node *label_value(const tmdk_node *labels, const tmdk_node *key)
{
	long i;

	if (!labels || labels->type != TMDK_NODE_MAP || !key || key->type != TMDK_NODE_SCALAR)
		return NULL;
	i = tmdk__node_map_find(labels, key->u.scalar.text, key->u.scalar.len);
	return i < 0 ? NULL : labels->u.map.values[i];
}

int tmdk__label_map_matches(const tmdk_node *sel_map, const tmdk_node *labels)
{
	size_t i;

	if (!sel_map || sel_map->type != TMDK_NODE_MAP)
		return 0;
	for (i = 0; i < sel_map->u.map.count; i++) {
		const tmdk_node *want = sel_map->u.map.values[i];
		const tmdk_node *have = label_value(labels, sel_map->u.map.keys[i]);

		if (!want || want->type != TMDK_NODE_SCALAR || !scalar_eq(want, have))
			return 0;
	}
	return 1;
}

/* Is `v` one of the scalars of the sequence `values`? -1 when `values` is malformed. */
static int in_values(const tmdk_node *values, const tmdk_node *v)
{
	size_t i;
	int found = 0;

	if (!values || values->type != TMDK_NODE_SEQUENCE || values->u.seq.count == 0)
		return -1;
	for (i = 0; i < values->u.seq.count; i++) {
		const tmdk_node *item = values->u.seq.items[i];

		if (!item || item->type != TMDK_NODE_SCALAR)
			return -1;
		if (scalar_eq(item, v))
			found = 1;
	}
	return found;
}

/* One requirement {key, operator, values}: 1 holds, 0 does not (malformed: 0). */
static int requirement_holds(const tmdk_node *req, const tmdk_node *labels)
{
	const tmdk_node *key = tmdk_node_get(req, "key");
	const tmdk_node *op = tmdk_node_get(req, "operator");
	const tmdk_node *values = tmdk_node_get(req, "values");
	const tmdk_node *have;
	int in;

	if (!req || req->type != TMDK_NODE_MAP || !key || key->type != TMDK_NODE_SCALAR ||
	    !op || op->type != TMDK_NODE_SCALAR)
		return 0;
	have = label_value(labels, key);
	if (tmdk_node_text_equals(op, "Exists") || tmdk_node_text_equals(op, "DoesNotExist")) {
		int exists = have != NULL;

		if (values && !(values->type == TMDK_NODE_SEQUENCE && values->u.seq.count == 0) && !is_null(values))
			return 0; /* values must be empty: the API server rejects it */
		return tmdk_node_text_equals(op, "Exists") ? exists : !exists;
	}
	if (!tmdk_node_text_equals(op, "In") && !tmdk_node_text_equals(op, "NotIn"))
		return 0;
	in = in_values(values, have);
	if (in < 0)
		return 0;
	if (tmdk_node_text_equals(op, "In"))
		return have != NULL && in;
	return !in; /* NotIn: also holds when the label is absent */
}

/* Only matchLabels and matchExpressions: `podSelector: {app: web}` (labels
 * without matchLabels) is rejected by the API server, never "select all". */
static int only_selector_keys(const tmdk_node *sel)
{
	size_t i;

	for (i = 0; i < sel->u.map.count; i++) {
		const tmdk_node *k = sel->u.map.keys[i];

		if (!tmdk_node_text_equals(k, "matchLabels") && !tmdk_node_text_equals(k, "matchExpressions"))
			return 0;
	}
	return 1;
}

int tmdk__label_selector_matches(const tmdk_node *sel, const tmdk_node *labels)
{
	const tmdk_node *ml, *me;
	size_t i;

	if (!sel)
		return 1;
	if (sel->type != TMDK_NODE_MAP || !only_selector_keys(sel))
		return 0;
	ml = tmdk_node_get(sel, "matchLabels");
	me = tmdk_node_get(sel, "matchExpressions");
	if (ml && !is_null(ml) && !tmdk__label_map_matches(ml, labels))
		return 0;
	if (!me || is_null(me))
		return 1;
	if (me->type != TMDK_NODE_SEQUENCE)
		return 0;
	for (i = 0; i < me->u.seq.count; i++)
		if (!requirement_holds(me->u.seq.items[i], labels))
			return 0;
	return 1;
}

/* An entry that selects nothing in particular: absent, null, or an empty collection. */
static int empty_part(const tmdk_node *n)
{
	if (!n || n->type == TMDK_NODE_SCALAR)
		return !n || is_null(n);
	return n->type == TMDK_NODE_MAP ? n->u.map.count == 0 : n->u.seq.count == 0;
}

int tmdk__label_selector_is_empty(const tmdk_node *sel)
{
	if (!sel || is_null(sel))
		return 1;
	return sel->type == TMDK_NODE_MAP && only_selector_keys(sel) && empty_part(tmdk_node_get(sel, "matchLabels")) &&
	       empty_part(tmdk_node_get(sel, "matchExpressions"));
}
