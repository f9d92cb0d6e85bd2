/*
 * Cross-document work at scan time. A pattern that looks at `$set` (the
 * other documents of the scanned set) is evaluated once per document, so
 * done naively its cost is the square of the set's size. Here:
 *
 *  - a `$set[...]` selection whose filters look only at the element tested
 *    is the same from every scope: it is computed once per scan call;
 *  - a some/none over such a selection visits only the candidates its plan
 *    (set_plan.c) leaves: join indexes and element tests are built once per
 *    scan call, guards are evaluated on the spot;
 *  - every visit of a set document is counted against max_set_visits per
 *    pattern and scan call; past it the pattern is dropped and reported.
 *
 * Results are identical to the naive evaluation: the cache holds the same
 * nodes in the same order, and plans only skip elements whose `where` is
 * false anyway.
 */
#include "catalog_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct join_entry {
	const char *text;
	size_t len;
	size_t item;                 /* index in the cached selection */
} join_entry;

typedef struct cached_selection {
	int ready;
	const tmdk_node **items;
	size_t count;
} cached_selection;

/* A plan's per-scan data: a join index, or the elements passing a test. */
typedef struct plan_data {
	int ready;
	join_entry *entries;         /* JOIN: sorted by text, then item */
	size_t *items;               /* ELEMENT_TEST: passing items, ascending */
	size_t count;
	int ignore_case;
} plan_data;

struct tmdk__set_cache {
	tmdk__arena *arena;
	cached_selection *selections;
	plan_data *plans;
};

/* A candidate list: ascending item indexes without repeats, or every item. */
typedef struct candidates {
	int all;
	size_t *items;               /* heap */
	size_t count, cap;
} candidates;

/* ---- the budget -------------------------------------------------------------- */

int tmdk__set_charge(tmdk__eval *ev, size_t n)
{
	if (ev->set_limit_hit)
		return 0;
	if (ev->max_set_visits && n > ev->max_set_visits - ev->set_visits) {
		ev->set_limit_hit = 1;
		ev->limit_hit = TMDK_ELIMIT;
		return 0;
	}
	ev->set_visits += n;
	return 1;
}

/* ---- per scan call --------------------------------------------------------------- */

int tmdk__set_cache_init(tmdk__eval *ev, tmdk__arena *arena, const tmdk_catalog *catalog)
{
	struct tmdk__set_cache *c = tmdk__arena_alloc(arena, sizeof(*c));
	ev->set_cache = NULL;
	if (!c)
		return -1;
	c->arena = arena;
	if (catalog->set_slot_count) {
		c->selections = tmdk__arena_alloc(arena, catalog->set_slot_count * sizeof(*c->selections));
		if (!c->selections)
			return -1;
	}
	if (catalog->plan_slot_count) {
		c->plans = tmdk__arena_alloc(arena, catalog->plan_slot_count * sizeof(*c->plans));
		if (!c->plans)
			return -1;
	}
	ev->set_cache = c;
	return 0;
}

static cached_selection *selection_of(tmdk__eval *ev, const tmdk__selector *sel)
{
	cached_selection *cs = &ev->set_cache->selections[sel->cache_slot - 1];
	size_t first, count;

	if (cs->ready)
		return cs;
	if (tmdk__select_nodes(ev, sel, &first) != 0)
		return NULL;
	count = ev->top - first;
	/* A selection cut short by the budget or a regex limit is not kept: the
	 * pattern is being dropped and must not leave a partial answer behind. */
	if (ev->limit_hit) {
		ev->top = first;
		return NULL;
	}
	if (count) {
		cs->items = tmdk__arena_alloc(ev->set_cache->arena, count * sizeof(*cs->items));
		if (!cs->items) {
			ev->nomem = 1;
			ev->top = first;
			return NULL;
		}
		memcpy((void *)cs->items, ev->stack + first, count * sizeof(*cs->items));
	}
	cs->count = count;
	cs->ready = 1;
	ev->top = first;
	return cs;
}

int tmdk__set_cache_select(tmdk__eval *ev, const tmdk__selector *sel, size_t *first)
{
	const cached_selection *cs = selection_of(ev, sel);
	size_t i;

	*first = ev->top;
	if (!cs)
		return ev->nomem ? -1 : 0;
	for (i = 0; i < cs->count; i++)
		if (tmdk__eval_push(ev, cs->items[i]) != 0)
			return -1;
	return 0;
}


/* ---- candidate lists ----------------------------------------------------------- */

static int add_item(candidates *c, size_t item)
{
	if (c->count == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		size_t *n = tmdk__realloc(c->items, ncap * sizeof(*n));
		if (!n)
			return -1;
		c->items = n;
		c->cap = ncap;
	}
	c->items[c->count++] = item;
	return 0;
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

/* into = into ∪ from (both sorted); from is consumed. */
static int unite(candidates *into, candidates *from)
{
	size_t i;
	int rc = 0;
	if (into->all || from->all) {
		into->all = 1;
		into->count = 0;
	} else {
		for (i = 0; i < from->count && rc == 0; i++)
			rc = add_item(into, from->items[i]);
		sort_unique(into);
	}
	tmdk__free(from->items);
	memset(from, 0, sizeof(*from));
	return rc;
}

/* into = into ∩ from (both sorted); from is consumed. */
static void intersect(candidates *into, candidates *from)
{
	size_t i = 0, j = 0, n = 0;
	if (from->all) {
		tmdk__free(from->items);
		return;
	}
	if (into->all) {
		tmdk__free(into->items);
		*into = *from;
		return;
	}
	while (i < into->count && j < from->count) {
		if (into->items[i] < from->items[j])
			i++;
		else if (into->items[i] > from->items[j])
			j++;
		else
			into->items[n++] = into->items[i++], j++;
	}
	into->count = n;
	tmdk__free(from->items);
}

/* ---- join indexes and element tests, once per scan call ---------------------------- */

static int compare_text(const char *a, size_t alen, const char *b, size_t blen, int ignore_case)
{
	size_t i, n = alen < blen ? alen : blen;
	for (i = 0; i < n; i++) {
		int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
		if (ignore_case) {
			ca = tolower(ca);
			cb = tolower(cb);
		}
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen;
}

static int compare_entries_exact(const void *pa, const void *pb)
{
	const join_entry *a = pa, *b = pb;
	int r = compare_text(a->text, a->len, b->text, b->len, 0);
	return r ? r : (a->item > b->item) - (a->item < b->item);
}

static int compare_entries_nocase(const void *pa, const void *pb)
{
	const join_entry *a = pa, *b = pb;
	int r = compare_text(a->text, a->len, b->text, b->len, 1);
	return r ? r : (a->item > b->item) - (a->item < b->item);
}

static int add_entry(join_entry **v, size_t *count, size_t *cap, const char *t, size_t len, size_t item)
{
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		join_entry *n = tmdk__realloc(*v, ncap * sizeof(*n));
		if (!n)
			return -1;
		*v = n;
		*cap = ncap;
	}
	(*v)[*count].text = t;
	(*v)[*count].len = len;
	(*v)[*count].item = item;
	(*count)++;
	return 0;
}

/* Enter each element's scope in turn, as the quantifier would. */
static void enter(tmdk__eval *ev, const tmdk_node *element)
{
	ev->depth++;
	ev->scopes[ev->depth].node = element;
}

/* The join test's element-side values, each with its element. */
static int build_join(tmdk__eval *ev, const tmdk__cond *key, const cached_selection *cs, plan_data *pd)
{
	join_entry *v = NULL;
	size_t count = 0, cap = 0, i, j, first;
	int rc = 0;

	for (i = 0; i < cs->count && rc == 0; i++) {
		enter(ev, cs->items[i]);
		rc = tmdk__select(ev, key->sel, &first);
		for (j = first; j < ev->top && rc == 0; j++) {
			size_t len;
			const char *t = tmdk_node_text(ev->stack[j], &len);
			if (t)
				rc = add_entry(&v, &count, &cap, t, len, i);
		}
		ev->top = first;
		ev->depth--;
	}
	pd->ignore_case = key->ignore_case;
	if (rc == 0 && count > 1)
		qsort(v, count, sizeof(*v), pd->ignore_case ? compare_entries_nocase : compare_entries_exact);
	if (rc == 0 && count) {
		pd->entries = tmdk__arena_alloc(ev->set_cache->arena, count * sizeof(*v));
		if (pd->entries)
			memcpy(pd->entries, v, count * sizeof(*v));
		else
			rc = -1;
	}
	pd->count = count;
	tmdk__free(v);
	return rc;
}

static int build_element_test(tmdk__eval *ev, const tmdk__cond *test, const cached_selection *cs, plan_data *pd)
{
	candidates pass;
	size_t i;
	int rc = 0;

	memset(&pass, 0, sizeof(pass));
	for (i = 0; i < cs->count && rc == 0; i++) {
		tmdk__witness w;
		int r;
		memset(&w, 0, sizeof(w));
		enter(ev, cs->items[i]);
		r = tmdk__cond_eval(ev, test, &w);
		ev->depth--;
		if (r)
			rc = add_item(&pass, i);
	}
	if (rc == 0 && pass.count) {
		pd->items = tmdk__arena_alloc(ev->set_cache->arena, pass.count * sizeof(*pd->items));
		if (pd->items)
			memcpy(pd->items, pass.items, pass.count * sizeof(*pd->items));
		else
			rc = -1;
	}
	pd->count = pass.count;
	tmdk__free(pass.items);
	return rc;
}

/* The plan's per-scan data, built on first use. NULL: out of memory, or a
 * limit was hit (the pattern is being dropped; nothing partial is kept). */
static plan_data *data_of(tmdk__eval *ev, const tmdk__plan *plan, const cached_selection *cs)
{
	plan_data *pd = &ev->set_cache->plans[plan->slot - 1];
	int rc;

	if (pd->ready)
		return pd;
	if (ev->depth + 1 > TMDK__MAX_SCOPES || !tmdk__set_charge(ev, cs->count))
		return NULL;
	rc = plan->kind == TMDK__PLAN_JOIN ? build_join(ev, plan->cond, cs, pd) : build_element_test(ev, plan->cond, cs, pd);
	if (rc != 0)
		ev->nomem = 1;
	if (rc != 0 || ev->limit_hit || ev->nomem) {
		memset(pd, 0, sizeof(*pd));
		return NULL;
	}
	pd->ready = 1;
	return pd;
}

/* First entry whose text is not below t. */
static size_t lower_bound(const plan_data *pd, const char *t, size_t len)
{
	size_t lo = 0, hi = pd->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_text(pd->entries[mid].text, pd->entries[mid].len, t, len, pd->ignore_case) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Elements whose key equals one of the outer values. The outer side names
 * an enclosing scope, which is the same inside the quantifier: select it
 * from here. */
static int join_candidates(tmdk__eval *ev, const tmdk__cond *key, const plan_data *pd, candidates *out)
{
	size_t vfirst, i, e;
	int rc = 0;

	if (tmdk__select(ev, key->other, &vfirst) != 0)
		return -1;
	for (i = vfirst; i < ev->top && rc == 0; i++) {
		size_t len;
		const char *t = tmdk_node_text(ev->stack[i], &len);
		if (!t)
			continue;
		for (e = lower_bound(pd, t, len); rc == 0 && e < pd->count &&
		     compare_text(pd->entries[e].text, pd->entries[e].len, t, len, pd->ignore_case) == 0; e++)
			rc = add_item(out, pd->entries[e].item);
	}
	ev->top = vfirst;
	sort_unique(out);
	return rc;
}

static int plan_candidates(tmdk__eval *ev, const tmdk__plan *plan, const cached_selection *cs, candidates *out)
{
	const plan_data *pd;
	tmdk__witness w;
	size_t i;

	memset(out, 0, sizeof(*out));
	switch (plan->kind) {
	case TMDK__PLAN_GUARD:
		memset(&w, 0, sizeof(w));
		out->all = tmdk__cond_eval(ev, plan->cond, &w);
		return ev->nomem ? -1 : 0;
	case TMDK__PLAN_JOIN:
	case TMDK__PLAN_ELEMENT_TEST:
		if (!(pd = data_of(ev, plan, cs)))
			return ev->nomem ? -1 : 0;
		if (plan->kind == TMDK__PLAN_JOIN)
			return join_candidates(ev, plan->cond, pd, out);
		for (i = 0; i < pd->count; i++)
			if (add_item(out, pd->items[i]) != 0)
				return -1;
		return 0;
	case TMDK__PLAN_UNION:
	case TMDK__PLAN_INTERSECT:
		out->all = plan->kind == TMDK__PLAN_INTERSECT;
		for (i = 0; i < plan->part_count; i++) {
			candidates part;
			int rc = plan_candidates(ev, plan->parts[i], cs, &part);
			if (rc == 0 && plan->kind == TMDK__PLAN_UNION)
				rc = unite(out, &part);
			else if (rc == 0)
				intersect(out, &part);
			else
				tmdk__free(part.items);
			if (rc != 0)
				return -1;
			if (!out->all && out->count == 0 && plan->kind == TMDK__PLAN_INTERSECT)
				break; /* nothing can pass */
		}
		return 0;
	default:
		out->all = 1;
		return 0;
	}
}

int tmdk__set_plan_select(tmdk__eval *ev, const tmdk__cond *c, size_t *first)
{
	const cached_selection *cs = selection_of(ev, c->sel);
	candidates cand;
	size_t i;
	int rc;

	*first = ev->top;
	if (!cs)
		return ev->nomem ? -1 : 0;
	rc = plan_candidates(ev, c->plan, cs, &cand);
	if (rc != 0 || ev->limit_hit) {
		ev->nomem |= rc != 0;
		tmdk__free(cand.items);
		return rc;
	}
	if (cand.all)
		for (i = 0; i < cs->count && rc == 0; i++)
			rc = tmdk__eval_push(ev, cs->items[i]);
	else
		for (i = 0; i < cand.count && rc == 0; i++)
			rc = tmdk__eval_push(ev, cs->items[cand.items[i]]);
	tmdk__free(cand.items);
	return rc;
}
