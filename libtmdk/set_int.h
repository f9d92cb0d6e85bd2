/*
 * libtmdk — private to the cross-document evaluation: what set_cache.c
 * computes once per scan call (cached $set selections, join indexes,
 * element tests) and set_candidates.c combines into the candidates of a
 * planned some/none.
 */
#ifndef TMDK_SET_INT_H
#define TMDK_SET_INT_H

#include "catalog_int.h"

typedef struct tmdk__set_selection {
	int ready;
	size_t cost;                 /* set visits its computation charged */
	unsigned long paid;          /* the scan call (ev->set_call) that last paid cost */
	const tmdk_node **items;
	size_t count;
} tmdk__set_selection;

typedef struct tmdk__join_entry {
	const char *text;
	size_t len;
	size_t item;                 /* index in the cached selection */
} tmdk__join_entry;

/* A plan's per-scan data: a join index, or the elements passing a test. */
typedef struct tmdk__plan_data {
	int ready;
	size_t cost;                 /* as in tmdk__set_selection */
	unsigned long paid;
	tmdk__join_entry *entries;   /* JOIN: sorted by text, then item */
	size_t *items;               /* ELEMENT_TEST: passing items, ascending */
	size_t count;
	int ignore_case;
} tmdk__plan_data;

/** The cached selection of sel (cache_slot set), computed on first use.
 *  NULL when out of memory (ev->nomem) or a limit was hit (ev->limit_hit). */
const tmdk__set_selection *tmdk__set_selection_of(tmdk__eval *ev, const tmdk__selector *sel);
/** The JOIN or ELEMENT_TEST plan's data over `sel`, built on first use; NULL as above. */
const tmdk__plan_data *tmdk__set_plan_data(tmdk__eval *ev, const tmdk__plan *plan, const tmdk__set_selection *sel);

/** Entries of a join index whose text equals t: [*from, *to), ascending items. */
void tmdk__set_join_range(const tmdk__plan_data *pd, const char *t, size_t len, size_t *from, size_t *to);
/** Does the range [from, to) of a join index (one text) hold item? */
int tmdk__set_range_has(const tmdk__plan_data *pd, size_t from, size_t to, size_t item);
/** Does the element test pass for item? */
int tmdk__set_test_has(const tmdk__plan_data *pd, size_t item);

#endif
