/*
 * Cross-document work at scan time, once per scan call. A pattern that
 * looks at `$set` (the other documents of the scanned set) is evaluated
 * once per document, so done naively its cost is the square of the set's
 * size. Here:
 *
 *  - a `$set[...]` selection whose filters look only at the element tested
 *    is the same from every scope: it is computed once per scan call;
 *  - the join indexes and element tests of the plans over it (set_plan.c)
 *    are built once per scan call too; set_candidates.c combines them;
 *  - every visit of a set document is counted against max_set_visits per
 *    pattern and scan call; past it the pattern is dropped and reported.
 *
 * Results are identical to the naive evaluation: the cache holds the same
 * nodes in the same order, and plans only skip elements whose `where` is
 * false anyway.
 */
#include "set_int.h"
#include "array.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct tmdk__set_cache {
	tmdk__arena *arena;
	tmdk__set_selection *selections;
	tmdk__plan_data *plans;
};

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

/*
 * The scanner keeps the cache across scan calls over the same set (a
 * tmdk-scan worker scans a set range by range). The budget stays per scan
 * call as if each call had computed the cache itself: the first use in a
 * call charges what computing it charged. 1 go on, 0 the budget is spent.
 */
static int replay(tmdk__eval *ev, unsigned long *paid, size_t cost)
{
	if (*paid == ev->set_call)
		return 1;
	if (!tmdk__set_charge(ev, cost))
		return 0; /* not paid: the next pattern to use it pays, as it would compute it */
	*paid = ev->set_call;
	return 1;
}

/* ---- per scan call --------------------------------------------------------------- */

int tmdk__set_cache_init(tmdk__eval *ev, tmdk__arena *arena, const tmdk_catalog *catalog)
{
	struct tmdk__set_cache *c = tmdk__arena_alloc(arena, sizeof(*c));
	ev->set_cache = NULL;
	if (!c)
		return TMDK_ENOMEM;
	c->arena = arena;
	if (catalog->set_slot_count) {
		c->selections = tmdk__arena_alloc(arena, catalog->set_slot_count * sizeof(*c->selections));
		if (!c->selections)
			return TMDK_ENOMEM;
	}
	if (catalog->plan_slot_count) {
		c->plans = tmdk__arena_alloc(arena, catalog->plan_slot_count * sizeof(*c->plans));
		if (!c->plans)
			return TMDK_ENOMEM;
	}
	ev->set_cache = c;
	return 0;
}

const tmdk__set_selection *tmdk__set_selection_of(tmdk__eval *ev, const tmdk__selector *sel)
{
	tmdk__set_selection *cs = &ev->set_cache->selections[sel->cache_slot - 1];
	size_t first, count;

	size_t before = ev->set_visits;

	if (cs->ready)
		return replay(ev, &cs->paid, cs->cost) ? cs : NULL;
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
	cs->cost = ev->set_visits - before;
	cs->paid = ev->set_call;
	ev->top = first;
	return cs;
}

int tmdk__set_cache_select(tmdk__eval *ev, const tmdk__selector *sel, size_t *first)
{
	const tmdk__set_selection *cs = tmdk__set_selection_of(ev, sel);
	size_t i;

	*first = ev->top;
	if (!cs)
		return ev->nomem ? TMDK_ENOMEM : 0;
	for (i = 0; i < cs->count; i++)
		if (tmdk__eval_push(ev, cs->items[i]) != 0)
			return TMDK_ENOMEM;
	return 0;
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
	const tmdk__join_entry *a = pa, *b = pb;
	int r = compare_text(a->text, a->len, b->text, b->len, 0);
	return r ? r : (a->item > b->item) - (a->item < b->item);
}

static int compare_entries_nocase(const void *pa, const void *pb)
{
	const tmdk__join_entry *a = pa, *b = pb;
	int r = compare_text(a->text, a->len, b->text, b->len, 1);
	return r ? r : (a->item > b->item) - (a->item < b->item);
}

static int add_entry(tmdk__join_entry **v, size_t *count, size_t *cap, const char *t, size_t len, size_t item)
{
	if (TMDK__ARRAY_RESERVE(*v, *count, *cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
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
static int build_join(tmdk__eval *ev, const tmdk__cond *key, const tmdk__set_selection *cs, tmdk__plan_data *pd)
{
	tmdk__join_entry *v = NULL;
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
			rc = TMDK_ENOMEM;
	}
	pd->count = count;
	tmdk__free(v);
	return rc;
}

static int build_element_test(tmdk__eval *ev, const tmdk__cond *test, const tmdk__set_selection *cs,
	tmdk__plan_data *pd)
{
	size_t i, n = 0;

	pd->items = cs->count ? tmdk__arena_alloc(ev->set_cache->arena, cs->count * sizeof(*pd->items)) : NULL;
	if (cs->count && !pd->items)
		return TMDK_ENOMEM;
	for (i = 0; i < cs->count; i++) {
		tmdk__witness w;
		int r;
		memset(&w, 0, sizeof(w));
		enter(ev, cs->items[i]);
		r = tmdk__cond_eval(ev, test, &w);
		ev->depth--;
		if (r)
			pd->items[n++] = i;
	}
	pd->count = n;
	return 0;
}

/* The plan's per-scan data, built on first use. NULL: out of memory, or a
 * limit was hit (the pattern is being dropped; nothing partial is kept). */
const tmdk__plan_data *tmdk__set_plan_data(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *cs)
{
	tmdk__plan_data *pd = &ev->set_cache->plans[plan->slot - 1];
	size_t before = ev->set_visits;
	int rc;

	if (pd->ready)
		return replay(ev, &pd->paid, pd->cost) ? pd : NULL;
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
	pd->cost = ev->set_visits - before;
	pd->paid = ev->set_call;
	return pd;
}


/* ---- lookups ------------------------------------------------------------------------ */

/* First entry not below (t, item). */
static size_t lower_bound(const tmdk__plan_data *pd, const char *t, size_t len, size_t item)
{
	size_t lo = 0, hi = pd->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const tmdk__join_entry *e = &pd->entries[mid];
		int r = compare_text(e->text, e->len, t, len, pd->ignore_case);
		if (r < 0 || (r == 0 && e->item < item))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void tmdk__set_join_range(const tmdk__plan_data *pd, const char *t, size_t len, size_t *from, size_t *to)
{
	*from = lower_bound(pd, t, len, 0);
	*to = lower_bound(pd, t, len, (size_t)-1); /* no item index is SIZE_MAX */
}

int tmdk__set_range_has(const tmdk__plan_data *pd, size_t from, size_t to, size_t item)
{
	size_t lo = from, hi = to;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pd->entries[mid].item < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < to && pd->entries[lo].item == item;
}

int tmdk__set_test_has(const tmdk__plan_data *pd, size_t item)
{
	size_t lo = 0, hi = pd->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pd->items[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pd->count && pd->items[lo] == item;
}
