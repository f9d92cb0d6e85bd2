/*
 * The candidates of a planned some/none (set_plan.c): the elements of its
 * cached $set selection that can satisfy its `where`, in selection order.
 *
 * An `all` starts from its most selective part, by a cheap estimate, and
 * keeps the items the other parts admit through index lookups, so a broad
 * part (every workload with the same service account) costs nothing when a
 * narrow one (the same namespace) comes with it. An `any` merges its parts'
 * lists. Lists are ascending item indexes without repeats.
 */
#include "set_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

typedef struct candidates {
	int all;                     /* every item of the selection */
	size_t *items;               /* heap */
	size_t count, cap;
} candidates;

static int add_item(candidates *c, size_t item)
{
	if (TMDK__ARRAY_RESERVE(c->items, c->count, c->cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	c->items[c->count++] = item;
	return 0;
}

static void drop(candidates *c)
{
	tmdk__free(c->items);
	memset(c, 0, sizeof(*c));
}

static int compare_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

static void sort_unique(candidates *c)
{
	size_t i, n = 0;
	if (c->count > 1)
		qsort(c->items, c->count, sizeof(*c->items), compare_size);
	for (i = 0; i < c->count; i++)
		if (n == 0 || c->items[n - 1] != c->items[i])
			c->items[n++] = c->items[i];
	c->count = n;
}

/* into ∪= from, both ascending; from is consumed. */
static int merge(candidates *into, candidates *from)
{
	candidates out;
	size_t i = 0, j = 0;
	int rc = 0;

	if (into->all || from->all) {
		drop(into);
		drop(from);
		into->all = 1;
		return 0;
	}
	memset(&out, 0, sizeof(out));
	while (rc == 0 && (i < into->count || j < from->count)) {
		size_t a = i < into->count ? into->items[i] : (size_t)-1, b = j < from->count ? from->items[j] : (size_t)-1;
		rc = add_item(&out, a < b ? a : b);
		i += a <= b;
		j += b <= a;
	}
	drop(into);
	drop(from);
	*into = out;
	return rc;
}

/* A GUARD looks at the enclosing scopes only: evaluate it from here. */
static int guard_holds(tmdk__eval *ev, const tmdk__plan *plan)
{
	tmdk__witness w;
	memset(&w, 0, sizeof(w));
	return tmdk__cond_eval(ev, plan->cond, &w);
}

/* The join's outer values, pushed on ev->stack from *first. The outer side
 * names an enclosing scope, which is the same inside the quantifier. */
static int outer_values(tmdk__eval *ev, const tmdk__plan *plan, size_t *first)
{
	return tmdk__select(ev, plan->cond->other, first);
}

/* At most how many items the part yields. */
static size_t estimate(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *cs)
{
	const tmdk__plan_data *pd;
	size_t n = 0, i, first, from, to;

	switch (plan->kind) {
	case TMDK__PLAN_GUARD:
		return guard_holds(ev, plan) ? cs->count : 0;
	case TMDK__PLAN_ELEMENT_TEST:
	case TMDK__PLAN_JOIN:
		if (!(pd = tmdk__set_plan_data(ev, plan, cs)))
			return 0;
		if (plan->kind == TMDK__PLAN_ELEMENT_TEST || outer_values(ev, plan, &first) != 0)
			return pd->count;
		for (i = first; i < ev->top; i++) {
			size_t len;
			const char *t = tmdk_node_text(ev->stack[i], &len);
			if (t) {
				tmdk__set_join_range(pd, t, len, &from, &to);
				n += to - from;
			}
		}
		ev->top = first;
		return n;
	case TMDK__PLAN_UNION:
		for (i = 0; i < plan->part_count && n < cs->count; i++)
			n += estimate(ev, plan->parts[i], cs);
		return n < cs->count ? n : cs->count;
	case TMDK__PLAN_INTERSECT:
		n = cs->count;
		for (i = 0; i < plan->part_count && n; i++) {
			size_t e = estimate(ev, plan->parts[i], cs);
			n = e < n ? e : n;
		}
		return n;
	default:
		return cs->count;
	}
}

static int materialize(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *cs, candidates *out);

/* Keep the items of c whose key equals an outer value. Each value's range
 * in the index is found once; an item is then looked up in the ranges by
 * its index alone (a range's items are ascending). */
static int keep_joined(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__plan_data *pd, candidates *c)
{
	size_t first, v, i, r, n = 0, ranges = 0, *bounds;

	if (outer_values(ev, plan, &first) != 0)
		return TMDK_ENOMEM;
	bounds = tmdk__malloc((ev->top - first + 1) * 2 * sizeof(*bounds));
	if (!bounds) {
		ev->top = first;
		return TMDK_ENOMEM;
	}
	for (v = first; v < ev->top; v++) {
		size_t len;
		const char *t = tmdk_node_text(ev->stack[v], &len);
		if (t) {
			tmdk__set_join_range(pd, t, len, &bounds[2 * ranges], &bounds[2 * ranges + 1]);
			ranges += bounds[2 * ranges] < bounds[2 * ranges + 1];
		}
	}
	ev->top = first;
	for (i = 0; i < c->count; i++) {
		for (r = 0; r < ranges && !tmdk__set_range_has(pd, bounds[2 * r], bounds[2 * r + 1], c->items[i]); r++)
			;
		if (r < ranges)
			c->items[n++] = c->items[i];
	}
	c->count = n;
	tmdk__free(bounds);
	return 0;
}

/* Keep the items of c that the part admits. */
static int keep(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *cs, candidates *c)
{
	const tmdk__plan_data *pd;
	size_t i, n = 0;
	int rc = 0;

	if (c->all) {
		drop(c);
		return materialize(ev, plan, cs, c);
	}
	switch (plan->kind) {
	case TMDK__PLAN_GUARD:
		if (!guard_holds(ev, plan))
			c->count = 0;
		return ev->nomem ? TMDK_ENOMEM : 0;
	case TMDK__PLAN_ELEMENT_TEST:
	case TMDK__PLAN_JOIN:
		if (!(pd = tmdk__set_plan_data(ev, plan, cs))) {
			c->count = 0;
			return ev->nomem ? TMDK_ENOMEM : 0;
		}
		if (plan->kind == TMDK__PLAN_JOIN)
			return keep_joined(ev, plan, pd, c);
		for (i = 0; i < c->count; i++)
			if (tmdk__set_test_has(pd, c->items[i]))
				c->items[n++] = c->items[i];
		c->count = n;
		return 0;
	case TMDK__PLAN_INTERSECT:
		for (i = 0; i < plan->part_count && rc == 0 && c->count; i++)
			rc = keep(ev, plan->parts[i], cs, c);
		return rc;
	case TMDK__PLAN_UNION: {
		/* Each part keeps its share of c; the shares are merged. */
		candidates all;
		memset(&all, 0, sizeof(all));
		for (i = 0; i < plan->part_count && rc == 0; i++) {
			candidates share;
			memset(&share, 0, sizeof(share));
			for (n = 0; n < c->count && rc == 0; n++)
				rc = add_item(&share, c->items[n]);
			if (rc == 0)
				rc = keep(ev, plan->parts[i], cs, &share);
			if (rc == 0)
				rc = merge(&all, &share);
			else
				drop(&share);
		}
		drop(c);
		*c = all;
		return rc;
	}
	default:
		return 0;
	}
}

static int join_items(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__plan_data *pd, candidates *out)
{
	size_t first, v, e, from, to, values = 0;
	int rc = 0;

	if (outer_values(ev, plan, &first) != 0)
		return TMDK_ENOMEM;
	for (v = first; v < ev->top && rc == 0; v++) {
		size_t len;
		const char *t = tmdk_node_text(ev->stack[v], &len);
		if (!t)
			continue;
		values++;
		tmdk__set_join_range(pd, t, len, &from, &to);
		for (e = from; e < to && rc == 0; e++)
			if (out->count == 0 || out->items[out->count - 1] != pd->entries[e].item)
				rc = add_item(out, pd->entries[e].item);
	}
	ev->top = first;
	/* One value's range is already ascending; several need sorting. */
	if (values > 1)
		sort_unique(out);
	return rc;
}

static int materialize(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *cs, candidates *out)
{
	const tmdk__plan_data *pd;
	size_t i, best = 0, best_estimate = (size_t)-1;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	switch (plan->kind) {
	case TMDK__PLAN_GUARD:
		out->all = guard_holds(ev, plan);
		return ev->nomem ? TMDK_ENOMEM : 0;
	case TMDK__PLAN_ELEMENT_TEST:
	case TMDK__PLAN_JOIN:
		if (!(pd = tmdk__set_plan_data(ev, plan, cs)))
			return ev->nomem ? TMDK_ENOMEM : 0;
		if (plan->kind == TMDK__PLAN_JOIN)
			return join_items(ev, plan, pd, out);
		for (i = 0; i < pd->count && rc == 0; i++)
			rc = add_item(out, pd->items[i]);
		return rc;
	case TMDK__PLAN_UNION:
		for (i = 0; i < plan->part_count && rc == 0 && !out->all; i++) {
			candidates part;
			rc = materialize(ev, plan->parts[i], cs, &part);
			if (rc == 0)
				rc = merge(out, &part);
			else
				drop(&part);
		}
		return rc;
	case TMDK__PLAN_INTERSECT:
		for (i = 0; i < plan->part_count; i++) {
			size_t e = estimate(ev, plan->parts[i], cs);
			if (e < best_estimate) {
				best_estimate = e;
				best = i;
			}
		}
		if (best_estimate == 0 || ev->limit_hit || ev->nomem)
			return ev->nomem ? TMDK_ENOMEM : 0;
		rc = materialize(ev, plan->parts[best], cs, out);
		for (i = 0; i < plan->part_count && rc == 0 && (out->all || out->count); i++)
			if (i != best)
				rc = keep(ev, plan->parts[i], cs, out);
		return rc;
	default:
		out->all = 1;
		return 0;
	}
}

int tmdk__set_plan_select(tmdk__eval *ev, const tmdk__cond *c, size_t *first)
{
	const tmdk__set_selection *cs = tmdk__set_selection_of(ev, c->sel);
	candidates cand;
	size_t i;
	int rc;

	*first = ev->top;
	if (!cs)
		return ev->nomem ? TMDK_ENOMEM : 0;
	rc = materialize(ev, c->plan, cs, &cand);
	if (rc != 0 || ev->limit_hit) {
		ev->nomem |= rc != 0;
		drop(&cand);
		return rc;
	}
	if (cand.all)
		for (i = 0; i < cs->count && rc == 0; i++)
			rc = tmdk__eval_push(ev, cs->items[i]);
	else
		for (i = 0; i < cand.count && rc == 0; i++)
			rc = tmdk__eval_push(ev, cs->items[cand.items[i]]);
	drop(&cand);
	return rc;
}
