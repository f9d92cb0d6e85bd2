/*
 * Planning cross-document quantifiers at compile time. For
 * `some`/`none: $set[…]  where: W`, evaluated once per document, visiting
 * every element of the set would cost the square of the set's size. The
 * plan says which elements can possibly satisfy W, from W's shape alone:
 *
 *   W looks at the element only        -> ELEMENT_TEST: computed once per scan
 *   W looks at enclosing scopes only   -> GUARD: all elements or none
 *   W is `path same-as $doc.path`      -> JOIN: looked up in a sorted index
 *   W is all: [...]                    -> INTERSECT of the children's plans
 *   W is any: [...]                    -> UNION of the children's plans
 *   anything else                      -> ANY_ELEMENT (no pruning)
 *
 * Each plan yields a superset of the elements for which W holds, so the
 * quantifier, which still evaluates W on every candidate, gives the same
 * answer as visiting them all. set_cache.c carries plans out.
 */
#include "catalog_int.h"

#include <string.h>

/* What a condition inside W depends on. */
enum {
	DEP_ELEMENT = 1,             /* the element being tested */
	DEP_OUTER = 2,               /* enclosing scopes, the raw document, the set */
	DEP_UNKNOWN = 4              /* nested quantifiers, scoped filters: not analysed */
};

static int selector_deps(const tmdk__selector *sel, int where_depth)
{
	size_t i;
	for (i = 0; i < sel->step_count; i++) {
		const tmdk__cond *f = sel->steps[i].filter;
		if (sel->steps[i].kind == TMDK__STEP_FILTER &&
		    (f->kind != TMDK__COND_TEST || f->other || !tmdk__selector_scope_free(f->sel)))
			return DEP_UNKNOWN;
	}
	switch (sel->root) {
	case TMDK__ROOT_CURRENT: return DEP_ELEMENT;
	case TMDK__ROOT_SCOPE: return sel->scope >= where_depth ? DEP_ELEMENT : DEP_OUTER;
	default: return DEP_OUTER; /* $raw, $set: fixed while the quantifier runs */
	}
}

static int cond_deps(const tmdk__cond *c, int where_depth)
{
	size_t i;
	int deps = 0;
	switch (c->kind) {
	case TMDK__COND_TRUE:
		return 0;
	case TMDK__COND_TEST:
		deps = selector_deps(c->sel, where_depth);
		if (c->other)
			deps |= selector_deps(c->other, where_depth);
		return deps;
	case TMDK__COND_ALL:
	case TMDK__COND_ANY:
	case TMDK__COND_NOT:
		for (i = 0; i < c->child_count; i++)
			deps |= cond_deps(c->children[i], where_depth);
		return deps;
	default:
		return DEP_UNKNOWN;
	}
}

/* `path same-as $outer.path`: the element's side relative, the other side
 * an enclosing scope; neither with filters that could look elsewhere. */
static int is_join(const tmdk__cond *t, int where_depth)
{
	return t->kind == TMDK__COND_TEST && t->pred == TMDK__PRED_SAME_AS && !t->every &&
		tmdk__selector_scope_free(t->sel) && t->other->root == TMDK__ROOT_SCOPE &&
		selector_deps(t->other, where_depth) == DEP_OUTER;
}

static tmdk__plan *new_plan(tmdk__cctx *cc, tmdk__plan_kind kind, const tmdk__cond *c)
{
	tmdk__plan *p = tmdk__arena_alloc(cc->arena, sizeof(*p));
	if (!p)
		return NULL;
	p->kind = kind;
	p->cond = c;
	if (kind == TMDK__PLAN_JOIN || kind == TMDK__PLAN_ELEMENT_TEST)
		p->slot = ++cc->catalog->plan_slot_count;
	return p;
}

static tmdk__plan *plan_of(tmdk__cctx *cc, const tmdk__cond *c, int where_depth, int *nomem);

/* all: every prunable child narrows the candidates; any: each child adds
 * its own, and one child that cannot be pruned makes the whole unprunable. */
static tmdk__plan *plan_children(tmdk__cctx *cc, const tmdk__cond *c, int where_depth, int *nomem)
{
	int is_all = c->kind == TMDK__COND_ALL;
	tmdk__plan *p, **parts, *only = NULL;
	size_t i, n = 0;

	parts = tmdk__arena_alloc(cc->arena, (c->child_count ? c->child_count : 1) * sizeof(*parts));
	if (!parts) {
		*nomem = 1;
		return NULL;
	}
	for (i = 0; i < c->child_count; i++) {
		tmdk__plan *child = plan_of(cc, c->children[i], where_depth, nomem);
		if (*nomem)
			return NULL;
		if (!child && !is_all)
			return NULL;
		if (child)
			parts[n++] = only = child;
	}
	if (n == 0)
		return NULL;
	if (n == 1)
		return only;
	p = new_plan(cc, is_all ? TMDK__PLAN_INTERSECT : TMDK__PLAN_UNION, c);
	if (!p) {
		*nomem = 1;
		return NULL;
	}
	p->parts = parts;
	p->part_count = n;
	return p;
}

/* NULL: no pruning possible (any element may satisfy c). */
static tmdk__plan *plan_of(tmdk__cctx *cc, const tmdk__cond *c, int where_depth, int *nomem)
{
	int deps = cond_deps(c, where_depth);
	tmdk__plan_kind kind;
	tmdk__plan *p;

	if (deps == 0 && c->kind == TMDK__COND_TRUE)
		return NULL;
	if (deps == DEP_ELEMENT)
		kind = TMDK__PLAN_ELEMENT_TEST;
	else if (deps == DEP_OUTER || deps == 0)
		kind = TMDK__PLAN_GUARD;
	else if (is_join(c, where_depth))
		kind = TMDK__PLAN_JOIN;
	else if (c->kind == TMDK__COND_ALL || c->kind == TMDK__COND_ANY)
		return plan_children(cc, c, where_depth, nomem);
	else
		return NULL;
	p = new_plan(cc, kind, c);
	if (!p)
		*nomem = 1;
	return p;
}

int tmdk__set_plan_make(tmdk__cctx *cc, tmdk__cond *c, int where_depth, const tmdk_node *at)
{
	int nomem = 0;
	if ((c->kind != TMDK__COND_SOME && c->kind != TMDK__COND_NONE) || !c->sel->cache_slot)
		return 0;
	c->plan = plan_of(cc, c->where, where_depth, &nomem);
	if (nomem) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, at, "out of memory");
		return TMDK_ENOMEM;
	}
	return 0;
}
