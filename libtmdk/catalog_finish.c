/*
 * Finishing a catalog: the structures derived from its patterns (pattern
 * positions, the by-kind index, the $set cache slots, the cross-document
 * plans). The compiler calls it after sorting the patterns it compiled, the
 * compiled-catalog loader after decoding them: one function, so that a
 * loaded catalog is exactly the catalog the compiler would have made, and
 * the compiled format never has to store (or trust) a derived structure.
 */
#include "catalog_int.h"

#include <string.h>

typedef struct finisher {
	tmdk__cctx cc;               /* for tmdk__set_plan_make */
	int nomem;
} finisher;

static void finish_report(tmdk__cctx *cc, tmdk_diag_level level, int code, const tmdk_node *at, const char *fmt, ...)
{
	(void)level;
	(void)at;
	(void)fmt;
	if (code == TMDK_ENOMEM)
		((finisher *)cc->owner)->nomem = 1;
	cc->errors++;
}

static void finish_cond(finisher *f, tmdk__cond *c, int depth);

/* `depth`: the scope depth the selector is evaluated at (its filters one deeper). */
static void finish_selector(finisher *f, tmdk__selector *sel, int depth)
{
	size_t i;
	if (!sel)
		return;
	for (i = 0; i < sel->step_count; i++)
		if (sel->steps[i].kind == TMDK__STEP_FILTER)
			finish_cond(f, sel->steps[i].filter, depth + 1);
	sel->cache_slot = tmdk__selector_cacheable(sel) ? ++f->cc.catalog->set_slot_count : 0;
}

static void finish_cond(finisher *f, tmdk__cond *c, int depth)
{
	size_t i;
	if (!c)
		return;
	finish_selector(f, c->sel, depth);
	finish_selector(f, c->other, depth);
	for (i = 0; i < c->child_count; i++)
		finish_cond(f, c->children[i], depth);
	c->plan = NULL;
	if (c->where) {
		finish_cond(f, c->where, depth + 1);
		if (tmdk__set_plan_make(&f->cc, c, depth + 1, NULL) != 0)
			f->nomem = 1;
	}
}

/* @return the innermost scope depth of the chain (what its message sees). */
static int finish_match(finisher *f, tmdk__match *m, int depth)
{
	for (; m; m = m->then) {
		if (m->for_each) {
			finish_selector(f, m->for_each, depth);
			depth++;
		}
		finish_cond(f, m->where, depth);
	}
	return depth;
}

int tmdk__catalog_finish(tmdk_catalog *cat)
{
	finisher f;
	size_t i, j;

	memset(&f, 0, sizeof(f));
	f.cc.arena = &cat->arena;
	f.cc.catalog = cat;
	f.cc.report = finish_report;
	f.cc.owner = &f;
	cat->set_slot_count = 0;
	cat->plan_slot_count = 0;
	for (i = 0; i < cat->pattern_count && !f.nomem; i++) {
		tmdk_pattern *p = cat->patterns[i];
		int depth;
		p->index = i;
		p->catalog = cat;
		depth = finish_match(&f, p->match, 0);
		for (j = 0; j < p->message.part_count; j++)
			finish_selector(&f, p->message.parts[j].sel, depth);
	}
	if (f.nomem)
		return TMDK_ENOMEM;
	return tmdk__catalog_index_build(cat);
}
