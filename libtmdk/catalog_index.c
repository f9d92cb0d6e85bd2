/*
 * The pattern index: which patterns a document can meet.
 *
 * A catalog of a thousand patterns should not cost a document a thousand
 * evaluations when it can only match a few of them. At compile time (or
 * after loading a compiled catalog) every pattern gets a *guard*: a
 * property of the document's view without which the pattern cannot produce
 * a finding, read off its compiled form:
 *
 *   - `kind == X` (or `kind` one of X, Y) on the document: a filter on the
 *     view (`$doc[?kind == ClusterRole].rules[*]`) or a test in a `where`
 *     that must hold (`all:` branches, a test on `$doc`, or a relative path
 *     when the pattern has no for-each);
 *   - else a key present at the view's root, that a for-each, a test or a
 *     `some` must select something under (`@containers` reads
 *     `$doc.containers`, `$doc.pod_spec.hostNetwork` reads `pod_spec`).
 *
 * Only necessary conditions are used: tests that an empty selection can
 * satisfy (absent, falsy, count-lt, every, none) and branches of `any`/`not`
 * give no guard. Patterns without a guard are always run. Per artifact
 * kind, patterns are bucketed by guard in a hash table; the scanner looks up
 * the view's `kind` value and each of its root keys, and runs the union in
 * catalog order, so findings, their order and the limits (max_findings,
 * a regex giving up) are exactly what running every pattern gives. A view
 * that is not a map gets every pattern of its kind.
 *
 * The same function builds tmdk_catalog.by_kind: call
 * tmdk__catalog_index_build once the patterns are final and numbered (the
 * compiler does; so must a loader of compiled catalogs).
 */
#include "catalog_int.h"
#include "array.h"

#include <string.h>

/* A bucket: patterns guarded by a root key, or by a value of `kind`. */
typedef struct bucket {
	const char *text;            /* NULL: an empty slot */
	size_t len;
	int is_kind;                 /* text is a value of the view's `kind` */
	size_t *patterns;            /* ascending pattern indexes; arena */
	size_t count, cap;
} bucket;

typedef struct kind_index {
	size_t *always;              /* patterns without a guard, ascending */
	size_t always_count;
	bucket *buckets;             /* open addressing, mask + 1 slots */
	size_t mask;
} kind_index;

struct tmdk__catalog_index {
	kind_index kinds[TMDK_KIND_COUNT];
};

/* What a pattern needs of the view. */
typedef struct guard {
	const tmdk__cond *kind_test; /* kind == X / one of: its string values */
	const char *key;             /* a root key that must be present */
	size_t key_len;
	int key_is_weak;             /* kind / apiVersion: present in nearly every document */
} guard;

static const char KIND[] = "kind";

static size_t hash(const char *s, size_t len, int is_kind)
{
	size_t h = 1469598103934665603ull ^ (size_t)is_kind;
	size_t i;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* ---- guards from the compiled match -------------------------------------- */

static void cond_guard(const tmdk__cond *c, int at_doc, guard *g);

static void note_key(guard *g, const char *key, size_t len)
{
	int weak = (len == 4 && !memcmp(key, KIND, 4)) || (len == 10 && !memcmp(key, "apiVersion", 10));
	if (g->key && (!g->key_is_weak || weak))
		return; /* keep the first strong key */
	g->key = key;
	g->key_len = len;
	g->key_is_weak = weak;
}

/* Does sel start at the document's view? at_doc: the scope it is evaluated
 * in is the document itself (a relative path then starts there too). */
static int starts_at_doc(const tmdk__selector *sel, int at_doc)
{
	return (sel->root == TMDK__ROOT_SCOPE && sel->scope == 0) || (sel->root == TMDK__ROOT_CURRENT && at_doc);
}

/* A selection from the view that must not be empty: its leading filters
 * apply to the view itself (a map), its first key must be there. */
static void selection_guard(const tmdk__selector *sel, int at_doc, guard *g)
{
	size_t i;
	if (!sel || !starts_at_doc(sel, at_doc))
		return;
	for (i = 0; i < sel->step_count; i++) {
		const tmdk__step *st = &sel->steps[i];
		if (st->kind == TMDK__STEP_FILTER) {
			cond_guard(st->filter, 1, g);
			continue;
		}
		if (st->kind == TMDK__STEP_KEY)
			note_key(g, st->key, st->key_len);
		break;
	}
}

/* Predicates that are false on an empty selection (eval_test in matcher.c). */
static int needs_a_node(const tmdk__cond *c)
{
	switch (c->pred) {
	case TMDK__PRED_ABSENT:
	case TMDK__PRED_FALSY:
	case TMDK__PRED_COUNT_LT:
		return 0;
	case TMDK__PRED_COUNT_GT:
		return c->value_count && c->values[0].number >= 0;
	default:
		return 1;
	}
}

/* `kind == X` / `kind` one of [X, Y] on the view, with string values compared exactly. */
static int is_kind_test(const tmdk__cond *c, int at_doc)
{
	size_t i;
	if ((c->pred != TMDK__PRED_EQUALS && c->pred != TMDK__PRED_ONE_OF) || c->ignore_case || !c->value_count ||
	    !starts_at_doc(c->sel, at_doc) || c->sel->step_count != 1 || c->sel->steps[0].kind != TMDK__STEP_KEY ||
	    c->sel->steps[0].key_len != 4 || memcmp(c->sel->steps[0].key, KIND, 4) != 0)
		return 0;
	for (i = 0; i < c->value_count; i++)
		if (c->values[i].type != TMDK_SCALAR_STRING || !c->values[i].text)
			return 0;
	return 1;
}

/* What must hold of the view for c to be true. */
static void cond_guard(const tmdk__cond *c, int at_doc, guard *g)
{
	size_t i;
	if (!c)
		return;
	switch (c->kind) {
	case TMDK__COND_ALL:
		for (i = 0; i < c->child_count; i++)
			cond_guard(c->children[i], at_doc, g);
		break;
	case TMDK__COND_TEST:
		if (!needs_a_node(c))
			break;
		if (!g->kind_test && is_kind_test(c, at_doc))
			g->kind_test = c;
		selection_guard(c->sel, at_doc, g);
		break;
	case TMDK__COND_SOME:
		selection_guard(c->sel, at_doc, g);
		break;
	default:
		break; /* any, not, none, every: true without the selection */
	}
}

static void pattern_guard(const tmdk_pattern *p, guard *g)
{
	const tmdk__match *m = p->match, *t;
	memset(g, 0, sizeof(*g));
	if (!m)
		return;
	if (!m->for_each) {
		cond_guard(m->where, 1, g);
		return;
	}
	/* Each for-each level must select something, and its where hold; only
	 * the first level is evaluated from the document. */
	selection_guard(m->for_each, 1, g);
	cond_guard(m->where, 0, g);
	for (t = m->then; t; t = t->then) {
		if (t->for_each)
			selection_guard(t->for_each, 0, g);
		cond_guard(t->where, 0, g);
		if (!t->for_each)
			break; /* a level without for-each ends the chain (run_match) */
	}
}

/* ---- building ------------------------------------------------------------- */

static bucket *bucket_find(const kind_index *ki, const char *text, size_t len, int is_kind)
{
	size_t i;
	if (!ki->buckets)
		return NULL;
	for (i = hash(text, len, is_kind) & ki->mask;; i = (i + 1) & ki->mask) {
		bucket *b = &ki->buckets[i];
		if (!b->text)
			return NULL;
		if (b->is_kind == is_kind && b->len == len && memcmp(b->text, text, len) == 0)
			return b;
	}
}

/* The bucket, made when new (the table is sized so that it never fills). */
static bucket *bucket_get(kind_index *ki, const char *text, size_t len, int is_kind)
{
	size_t i;
	for (i = hash(text, len, is_kind) & ki->mask;; i = (i + 1) & ki->mask) {
		bucket *b = &ki->buckets[i];
		if (!b->text) {
			b->text = text;
			b->len = len;
			b->is_kind = is_kind;
			return b;
		}
		if (b->is_kind == is_kind && b->len == len && memcmp(b->text, text, len) == 0)
			return b;
	}
}

static int bucket_add(tmdk__arena *arena, bucket *b, size_t pattern)
{
	if (b->count && b->patterns[b->count - 1] == pattern)
		return TMDK_OK; /* `kind` one of [X, X] */
	if (TMDK__ARRAY_RESERVE_ARENA(arena, b->patterns, b->count, b->cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	b->patterns[b->count++] = pattern;
	return TMDK_OK;
}

static int build_kind(tmdk_catalog *cat, kind_index *ki, const size_t *list, size_t n, const guard *guards)
{
	size_t i, j, slots = 16, buckets = 0;

	/* At most one bucket per value of a kind test or per key: size for all of them. */
	for (i = 0; i < n; i++) {
		const guard *g = &guards[list[i]];
		buckets += g->kind_test ? g->kind_test->value_count : g->key ? 1 : 0;
	}
	while (slots < 2 * buckets + 2)
		slots *= 2;
	ki->mask = slots - 1;
	ki->buckets = tmdk__arena_alloc(&cat->arena, slots * sizeof(*ki->buckets));
	ki->always = tmdk__arena_alloc(&cat->arena, (n + 1) * sizeof(*ki->always));
	if (!ki->buckets || !ki->always)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		const guard *g = &guards[list[i]];
		if (g->kind_test) {
			for (j = 0; j < g->kind_test->value_count; j++) {
				const tmdk__value *v = &g->kind_test->values[j];
				if (bucket_add(&cat->arena, bucket_get(ki, v->text, v->len, 1), list[i]) != TMDK_OK)
					return TMDK_ENOMEM;
			}
		} else if (g->key) {
			if (bucket_add(&cat->arena, bucket_get(ki, g->key, g->key_len, 0), list[i]) != TMDK_OK)
				return TMDK_ENOMEM;
		} else {
			ki->always[ki->always_count++] = list[i];
		}
	}
	return TMDK_OK;
}

static int index_by_kind(tmdk_catalog *cat)
{
	size_t i, k;
	for (k = 0; k < TMDK_KIND_COUNT; k++) {
		cat->by_kind[k] = tmdk__arena_alloc(&cat->arena, (cat->pattern_count + 1) * sizeof(size_t));
		if (!cat->by_kind[k])
			return TMDK_ENOMEM;
		cat->by_kind_count[k] = 0;
		for (i = 0; i < cat->pattern_count; i++)
			if (cat->patterns[i]->kinds & (1u << k))
				cat->by_kind[k][cat->by_kind_count[k]++] = i;
	}
	return TMDK_OK;
}

int tmdk__catalog_index_build(tmdk_catalog *cat)
{
	struct tmdk__catalog_index *ix;
	guard *guards;
	size_t i, k;
	int rc;

	cat->index = NULL;
	if ((rc = index_by_kind(cat)) != TMDK_OK)
		return rc;
	ix = tmdk__arena_alloc(&cat->arena, sizeof(*ix));
	guards = tmdk__calloc(cat->pattern_count + 1, sizeof(*guards));
	if (!ix || !guards) {
		tmdk__free(guards);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < cat->pattern_count; i++)
		pattern_guard(cat->patterns[i], &guards[i]);
	for (k = 0; k < TMDK_KIND_COUNT; k++) {
		rc = build_kind(cat, &ix->kinds[k], cat->by_kind[k], cat->by_kind_count[k], guards);
		if (rc != TMDK_OK) {
			tmdk__free(guards);
			return rc;
		}
	}
	tmdk__free(guards);
	cat->index = ix;
	return TMDK_OK;
}

/* ---- looking up ------------------------------------------------------------ */

/* Merge the ascending list (m entries) into the ascending buf[0..n), which
 * has room for both: from the back, so nothing is overwritten before it is
 * read, and without dropping repeats (the caller does). Each list is
 * ascending already: merging them costs less than sorting their union. */
static size_t merge_in(size_t *buf, size_t n, const size_t *list, size_t m)
{
	size_t i = n, j = m, k = n + m;
	while (j > 0) {
		if (i > 0 && buf[i - 1] > list[j - 1])
			buf[--k] = buf[--i];
		else
			buf[--k] = list[--j];
	}
	return n + m;
}

const size_t *tmdk__catalog_candidates(const tmdk_catalog *cat, tmdk_kind kind, const tmdk_node *view, size_t *buf,
	size_t cap, size_t *count)
{
	const kind_index *ki;
	const bucket *b;
	const tmdk_node *kv;
	size_t i, j, n, lists;

	if (!cat->index || !view || view->type != TMDK_NODE_MAP)
		goto every_pattern;
	ki = &cat->index->kinds[kind];
	if (ki->always_count > cap)
		goto every_pattern;
	/* Catalog order, as without the index: each list is merged in. */
	memcpy(buf, ki->always, ki->always_count * sizeof(*buf));
	n = ki->always_count;
	lists = n > 0;
	kv = tmdk_node_getn(view, KIND, 4);
	if (kv && kv->type == TMDK_NODE_SCALAR && (b = bucket_find(ki, kv->u.scalar.text, kv->u.scalar.len, 1))) {
		if (b->count > cap - n)
			goto every_pattern;
		n = merge_in(buf, n, b->patterns, b->count);
		lists++;
	}
	for (i = 0; i < view->u.map.count; i++) {
		const tmdk_node *key = view->u.map.keys[i];
		if (!key || key->type != TMDK_NODE_SCALAR ||
		    !(b = bucket_find(ki, key->u.scalar.text, key->u.scalar.len, 0)))
			continue;
		if (b->count > cap - n)
			goto every_pattern; /* a view repeating its keys: do without the index */
		n = merge_in(buf, n, b->patterns, b->count);
		lists++;
	}
	if (lists > 1) {
		/* Once each (a pattern under two keys, a key written twice). */
		for (i = j = 0; i < n; i++)
			if (!j || buf[j - 1] != buf[i])
				buf[j++] = buf[i];
		n = j;
	}
	*count = n;
	return buf;
every_pattern:
	*count = cat->by_kind_count[kind];
	return cat->by_kind[kind];
}
