/*
 * Evaluating a compiled catalog's language against documents: selectors
 * (pushing the selected nodes on the scanner's node stack), conditions
 * (predicates on the selected nodes, combinators, quantified sub-scopes, and
 * what made a condition true: the witness, which locates the finding) and
 * message templates. Parsing them is selector.c's and condition.c's job.
 */
#include "catalog_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const tmdk_node *current(const tmdk__eval *ev)
{
	return ev->scopes[ev->depth].node;
}

/* A scalar's numeric value: ints, floats, and strings that are numbers. */
static int number_of(const tmdk_node *n, double *out)
{
	const char *t;
	char *end;
	if (tmdk_node_as_double(n, out) == TMDK_OK)
		return 1;
	t = tmdk_node_text(n, NULL);
	if (!t || !*t)
		return 0;
	*out = strtod(t, &end);
	return *end == '\0';
}

static int text_equal(const char *a, size_t alen, const char *b, size_t blen, int ignore_case)
{
	if (alen != blen)
		return 0;
	return ignore_case ? strncasecmp(a, b, alen) == 0 : memcmp(a, b, alen) == 0;
}

static int is_word(const tmdk_node *n, const char *const *words)
{
	const char *t = tmdk_node_text(n, NULL);
	for (; t && *words; words++)
		if (strcasecmp(t, *words) == 0)
			return 1;
	return 0;
}

static const char *const true_words[] = { "true", "yes", "on", "1", NULL };
static const char *const false_words[] = { "false", "no", "off", "0", NULL };

/* Does a document scalar equal a catalog value? Types compare leniently:
 * true matches true/yes/on, numbers compare numerically. */
static int value_equals(const tmdk__value *v, const tmdk_node *n, int ignore_case)
{
	size_t len;
	const char *t = tmdk_node_text(n, &len);
	double d;

	if (!t)
		return 0;
	switch (v->type) {
	case TMDK_SCALAR_BOOL:
		return is_word(n, v->boolean ? true_words : false_words) && strcmp(t, v->boolean ? "1" : "0") != 0;
	case TMDK_SCALAR_INT:
	case TMDK_SCALAR_FLOAT:
		return number_of(n, &d) && d == v->number;
	case TMDK_SCALAR_NULL:
		return tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL;
	default:
		return text_equal(t, len, v->text, v->len, ignore_case);
	}
}

static int any_value_equals(const tmdk__cond *c, const tmdk_node *n)
{
	size_t i;
	for (i = 0; i < c->value_count; i++)
		if (value_equals(&c->values[i], n, c->ignore_case))
			return 1;
	return 0;
}

static int substring(const char *hay, size_t hlen, const char *needle, size_t nlen, int ignore_case)
{
	size_t i;
	if (nlen == 0)
		return 1;
	for (i = 0; i + nlen <= hlen; i++)
		if (text_equal(hay + i, nlen, needle, nlen, ignore_case))
			return 1;
	return 0;
}

static int contains(const tmdk__cond *c, const tmdk_node *n)
{
	size_t i, j, len;
	const char *t;
	if (tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE) {
		for (i = 0; i < tmdk_node_size(n); i++)
			if (any_value_equals(c, tmdk_node_at(n, i)))
				return 1;
		return 0;
	}
	t = tmdk_node_text(n, &len);
	if (!t)
		return 0;
	for (j = 0; j < c->value_count; j++)
		if (c->values[j].text && substring(t, len, c->values[j].text, c->values[j].len, c->ignore_case))
			return 1;
	return 0;
}

static int type_is(const char *name, const tmdk_node *n)
{
	tmdk_node_type t = tmdk_node_get_type(n);
	tmdk_scalar_type s = tmdk_node_scalar_type(n);
	if (!strcmp(name, "map")) return t == TMDK_NODE_MAP;
	if (!strcmp(name, "sequence")) return t == TMDK_NODE_SEQUENCE;
	if (t != TMDK_NODE_SCALAR) return 0;
	if (!strcmp(name, "scalar")) return 1;
	if (!strcmp(name, "string")) return s == TMDK_SCALAR_STRING;
	if (!strcmp(name, "int")) return s == TMDK_SCALAR_INT;
	if (!strcmp(name, "float")) return s == TMDK_SCALAR_FLOAT;
	if (!strcmp(name, "number")) return s == TMDK_SCALAR_INT || s == TMDK_SCALAR_FLOAT;
	if (!strcmp(name, "bool")) return s == TMDK_SCALAR_BOOL;
	if (!strcmp(name, "null")) return s == TMDK_SCALAR_NULL;
	return 0;
}

static int regex_test(tmdk__eval *ev, const tmdk__cond *c, const tmdk_node *n, tmdk__witness *w)
{
	size_t len, start, end;
	const char *t = tmdk_node_text(n, &len);
	int r;
	if (!t)
		return -1; /* not a scalar: neither matches nor not-matches */
	if (ev->limit_hit)
		return -1; /* a regex of this pattern hit its limit: the scanner gives up on it */
	r = tmdk__regex_match(c->regex, ev->rx, t, len, &start, &end);
	if (r < 0) {
		ev->limit_hit = r;
		return -1;
	}
	if (r == 1 && w) {
		w->match_start = start;
		w->match_end = end;
		w->has_match = 1;
	}
	return r;
}

static int same_as(tmdk__eval *ev, const tmdk__cond *c, const tmdk_node *n)
{
	size_t first, i, len, olen;
	const char *t = tmdk_node_text(n, &len);
	int r = 0;
	if (!t || tmdk__select(ev, c->other, &first) != 0)
		return 0;
	for (i = first; i < ev->top && !r; i++) {
		const char *o = tmdk_node_text(ev->stack[i], &olen);
		r = o && text_equal(t, len, o, olen, c->ignore_case);
	}
	ev->top = first;
	return r;
}

static int compare(tmdk__pred pred, const tmdk__value *v, const tmdk_node *n)
{
	double d;
	if (!number_of(n, &d))
		return 0;
	switch (pred) {
	case TMDK__PRED_GT: return d > v->number;
	case TMDK__PRED_GTE: return d >= v->number;
	case TMDK__PRED_LT: return d < v->number;
	default: return d <= v->number;
	}
}

/* One selected node against the predicate: 1 yes, 0 no. */
static int node_satisfies(tmdk__eval *ev, const tmdk__cond *c, const tmdk_node *n, tmdk__witness *w)
{
	int r;
	switch (c->pred) {
	case TMDK__PRED_EQUALS: return tmdk_node_get_type(n) == TMDK_NODE_SCALAR && any_value_equals(c, n);
	case TMDK__PRED_NOT_EQUALS: return tmdk_node_get_type(n) != TMDK_NODE_SCALAR || !any_value_equals(c, n);
	case TMDK__PRED_ONE_OF: return any_value_equals(c, n);
	case TMDK__PRED_NOT_ONE_OF: return tmdk_node_get_type(n) == TMDK_NODE_SCALAR && !any_value_equals(c, n);
	case TMDK__PRED_MATCHES: return regex_test(ev, c, n, w) == 1;
	case TMDK__PRED_NOT_MATCHES: r = regex_test(ev, c, n, NULL); return r == 0;
	case TMDK__PRED_GT: case TMDK__PRED_GTE: case TMDK__PRED_LT: case TMDK__PRED_LTE:
		return compare(c->pred, &c->values[0], n);
	case TMDK__PRED_CONTAINS: return contains(c, n);
	case TMDK__PRED_NOT_CONTAINS:
		return (tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE || tmdk_node_text(n, NULL)) && !contains(c, n);
	case TMDK__PRED_SAME_AS: return same_as(ev, c, n);
	case TMDK__PRED_TYPE: return type_is(c->values[0].text, n);
	case TMDK__PRED_TRUTHY: return is_word(n, true_words);
	case TMDK__PRED_FALSY: return tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL || is_word(n, false_words);
	default: return 0;
	}
}

static void witness_at(tmdk__witness *w, const tmdk_node *n)
{
	memset(w, 0, sizeof(*w));
	w->node = n;
}

/* Characters two keys share from their start ("log-driver" and "log-opts": 4). */
static size_t common_prefix(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = 0;
	while (n < alen && n < blen && a[n] == b[n])
		n++;
	return n;
}

/* A key as written in the file (a normalized view adds keys positioned at the map itself). */
static int written_key(const tmdk_node *map, size_t i)
{
	const tmdk_node *k = tmdk_node_key_at(map, i);
	return tmdk_node_line(k) != tmdk_node_line(map) || tmdk_node_column(k) != tmdk_node_column(map);
}

/* The written key of `map` most like `key` (a common start of 3 characters or more), or NULL. */
static const tmdk_node *related_key(const tmdk_node *map, const char *key, size_t key_len)
{
	size_t i, best_len = 2;
	const tmdk_node *best = NULL;
	for (i = 0; i < tmdk_node_size(map); i++) {
		size_t len;
		const char *t = written_key(map, i) ? tmdk_node_text(tmdk_node_key_at(map, i), &len) : NULL;
		size_t n = t ? common_prefix(t, len, key, key_len) : 0;
		if (n > best_len) {
			best_len = n;
			best = tmdk_node_key_at(map, i);
		}
	}
	return best;
}

/*
 * Where a path found absent is reported. Usually the scope (the container,
 * the document), whose first line names it. But a map written with its
 * opening brace on a line of its own (a JSON file such as daemon.json) would
 * put the finding at `{` (no key is on the map's first line): then point
 * at the deepest part of the path that
 * exists, at the key most like the missing one (log-opts for log-driver), or
 * at the map's last key, so the line and its evidence say where to add it.
 */
static const tmdk_node *absent_witness(const tmdk__eval *ev, const tmdk__selector *sel)
{
	const tmdk_node *scope, *n, *parent_key = NULL;
	size_t i;
	if (sel->root == TMDK__ROOT_CURRENT)
		scope = current(ev);
	else if (sel->root == TMDK__ROOT_SCOPE && sel->scope <= ev->depth)
		scope = ev->scopes[sel->scope].node;
	else
		return current(ev);
	/* Only a document's top level (inside it, a map's first line names it: a container, a port), and only
	 * when the document as written opens with a line that holds no key. */
	if (scope != ev->scopes[0].node || tmdk_node_get_type(scope) != TMDK_NODE_MAP || !tmdk_node_size(scope) ||
	    tmdk_node_get_type(ev->raw) != TMDK_NODE_MAP)
		return current(ev);
	for (i = 0; i < tmdk_node_size(ev->raw); i++)
		if (tmdk_node_line(tmdk_node_key_at(ev->raw, i)) == tmdk_node_line(ev->raw))
			return current(ev);
	n = scope;
	for (i = 0; i < sel->step_count && sel->steps[i].kind == TMDK__STEP_KEY; i++) {
		const tmdk__step *st = &sel->steps[i];
		const tmdk_node *next = tmdk_node_getn(n, st->key, st->key_len), *related;
		size_t k;
		if (!next || tmdk_node_get_type(next) != TMDK_NODE_MAP) {
			if ((related = related_key(n, st->key, st->key_len)) != NULL)
				return related;
			break;
		}
		for (k = 0; k < tmdk_node_size(n); k++)
			if (tmdk_node_at(n, k) == next)
				parent_key = tmdk_node_key_at(n, k);
		n = next;
	}
	if (parent_key)
		return parent_key;
	for (i = tmdk_node_size(scope); i > 0; i--)
		if (written_key(scope, i - 1))
			return tmdk_node_key_at(scope, i - 1);
	return current(ev);
}

static int eval_test(tmdk__eval *ev, const tmdk__cond *c, tmdk__witness *w)
{
	size_t first, i, count;
	int r = 0;

	if (tmdk__select(ev, c->sel, &first) != 0)
		return 0;
	count = ev->top - first;
	switch (c->pred) {
	case TMDK__PRED_EXISTS:
		r = count > 0;
		witness_at(w, r ? ev->stack[first] : current(ev));
		break;
	case TMDK__PRED_ABSENT:
		r = count == 0;
		witness_at(w, r ? absent_witness(ev, c->sel) : current(ev));
		break;
	case TMDK__PRED_COUNT_GT:
	case TMDK__PRED_COUNT_LT:
		r = c->pred == TMDK__PRED_COUNT_GT ? (double)count > c->values[0].number : (double)count < c->values[0].number;
		/* Point at the node that makes the count too high, else at the scope. */
		witness_at(w, c->pred == TMDK__PRED_COUNT_GT && count ? ev->stack[ev->top - 1] : current(ev));
		break;
	case TMDK__PRED_FALSY:
		/* Absent counts as false; with values, all must be false-like. */
		r = 1;
		witness_at(w, count ? ev->stack[first] : current(ev));
		for (i = first; i < first + count && r; i++)
			r = node_satisfies(ev, c, ev->stack[i], NULL);
		break;
	default:
		if (c->every) {
			r = count > 0;
			witness_at(w, count ? ev->stack[first] : current(ev));
			for (i = first; i < first + count && r; i++)
				r = node_satisfies(ev, c, ev->stack[i], NULL);
		} else {
			for (i = first; i < first + count && !r; i++) {
				witness_at(w, ev->stack[i]);
				r = node_satisfies(ev, c, ev->stack[i], w);
			}
		}
		break;
	}
	ev->top = first;
	return r;
}

static int eval_quantified(tmdk__eval *ev, const tmdk__cond *c, tmdk__witness *w)
{
	size_t first, i, count;
	int hits = 0, all = 1;
	tmdk__witness cw;

	if (ev->depth + 1 > TMDK__MAX_SCOPES)
		return 0;
	if (c->plan && ev->set_cache ? tmdk__set_plan_select(ev, c, &first) : tmdk__select(ev, c->sel, &first))
		return 0;
	count = ev->top - first;
	witness_at(w, current(ev));
	for (i = 0; i < count; i++) {
		int r;
		if (c->sel->root == TMDK__ROOT_SET && !tmdk__set_charge(ev, 1))
			break; /* the pattern is being dropped: its result no longer matters */
		ev->depth++;
		ev->scopes[ev->depth].node = ev->stack[first + i];
		memset(&cw, 0, sizeof(cw));
		r = tmdk__cond_eval(ev, c->where, &cw);
		ev->depth--;
		if (r) {
			if (!hits && c->kind == TMDK__COND_SOME)
				*w = cw;
			hits++;
			if (c->kind == TMDK__COND_SOME)
				break;
		} else {
			all = 0;
			if (c->kind == TMDK__COND_EVERY)
				break;
		}
	}
	ev->top = first;
	switch (c->kind) {
	case TMDK__COND_SOME: return hits > 0;
	case TMDK__COND_NONE: return hits == 0;
	default: return all; /* every: true for an empty selection */
	}
}

int tmdk__cond_eval(tmdk__eval *ev, const tmdk__cond *c, tmdk__witness *w)
{
	size_t i;
	tmdk__witness cw;

	switch (c->kind) {
	case TMDK__COND_TRUE:
		witness_at(w, current(ev));
		return 1;
	case TMDK__COND_ALL: {
		int have = 0;
		witness_at(w, current(ev));
		for (i = 0; i < c->child_count; i++) {
			memset(&cw, 0, sizeof(cw));
			if (!tmdk__cond_eval(ev, c->children[i], &cw))
				return 0;
			/* The first child that points somewhere specific locates the finding. */
			if (!have && cw.node && cw.node != current(ev)) {
				*w = cw;
				have = 1;
			}
		}
		return 1;
	}
	case TMDK__COND_ANY:
		for (i = 0; i < c->child_count; i++) {
			memset(&cw, 0, sizeof(cw));
			if (tmdk__cond_eval(ev, c->children[i], &cw)) {
				*w = cw;
				return 1;
			}
		}
		witness_at(w, current(ev));
		return 0;
	case TMDK__COND_NOT:
		memset(&cw, 0, sizeof(cw));
		witness_at(w, current(ev));
		return !tmdk__cond_eval(ev, c->children[0], &cw);
	case TMDK__COND_TEST:
		return eval_test(ev, c, w);
	default:
		return eval_quantified(ev, c, w);
	}
}

/* ---- selectors ------------------------------------------------------------ */

int tmdk__eval_push(tmdk__eval *ev, const tmdk_node *n)
{
	if (TMDK__ARRAY_RESERVE(ev->stack, ev->top, ev->cap, 256) != TMDK_OK) {
		ev->nomem = 1;
		return TMDK_ENOMEM;
	}
	ev->stack[ev->top++] = n;
	return 0;
}

/* tmdk__eval_push without a call while the stack has room: selectors push
 * every node they step through. */
static inline int push(tmdk__eval *ev, const tmdk_node *n)
{
	if (ev->top < ev->cap) {
		ev->stack[ev->top++] = n;
		return 0;
	}
	return tmdk__eval_push(ev, n);
}

static void push_children(tmdk__eval *ev, const tmdk_node *n)
{
	size_t i, count = tmdk_node_size(n);
	for (i = 0; i < count; i++)
		if (push(ev, tmdk_node_at(n, i)) != 0)
			return;
}

/* Does the element pass the filter? The element is the scope for it. */
static int filter_passes(tmdk__eval *ev, const tmdk__cond *filter, const tmdk_node *element)
{
	tmdk__witness w;
	int r;
	if (ev->depth + 1 > TMDK__MAX_SCOPES)
		return 0;
	ev->depth++;
	ev->scopes[ev->depth].node = element;
	memset(&w, 0, sizeof(w));
	r = tmdk__cond_eval(ev, filter, &w);
	ev->depth--;
	return r;
}

/* tmdk_node_getn, without going through the library's exported entry:
 * every key step of every selector comes here. */
static const tmdk_node *key_value(const tmdk_node *map, const char *key, size_t len)
{
	long i = key ? tmdk__node_map_find(map, key, len) : -1;
	return i < 0 ? NULL : map->u.map.values[i];
}

static void apply_step(tmdk__eval *ev, const tmdk__step *st, const tmdk_node *n)
{
	size_t i, count;
	switch (st->kind) {
	case TMDK__STEP_KEY: {
		const tmdk_node *v = key_value(n, st->key, st->key_len);
		if (v)
			push(ev, v);
		break;
	}
	case TMDK__STEP_ALL:
		push_children(ev, n);
		break;
	case TMDK__STEP_KEYS:
		count = tmdk_node_get_type(n) == TMDK_NODE_MAP ? tmdk_node_size(n) : 0;
		for (i = 0; i < count; i++)
			if (push(ev, tmdk_node_key_at(n, i)) != 0)
				return;
		break;
	case TMDK__STEP_DESCEND: {
		size_t from = ev->top;
		push(ev, n);
		for (i = from; i < ev->top && !ev->nomem; i++)
			push_children(ev, ev->stack[i]);
		break;
	}
	case TMDK__STEP_INDEX: {
		long idx = st->index;
		count = tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE ? tmdk_node_size(n) : 0;
		if (idx < 0)
			idx += (long)count;
		if (idx >= 0 && (size_t)idx < count)
			push(ev, tmdk_node_at(n, (size_t)idx));
		break;
	}
	case TMDK__STEP_FILTER:
		if (tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE) {
			count = tmdk_node_size(n);
			for (i = 0; i < count; i++) {
				const tmdk_node *item = tmdk_node_at(n, i);
				if (filter_passes(ev, st->filter, item))
					push(ev, item);
			}
		} else if (filter_passes(ev, st->filter, n)) {
			push(ev, n);
		}
		break;
	}
}

int tmdk__select(tmdk__eval *ev, const tmdk__selector *sel, size_t *first)
{
	if (sel->cache_slot && ev->set_cache)
		return tmdk__set_cache_select(ev, sel, first);
	return tmdk__select_nodes(ev, sel, first);
}

int tmdk__select_nodes(tmdk__eval *ev, const tmdk__selector *sel, size_t *first)
{
	size_t begin = ev->top, end, i, s;
	const tmdk_node *root = NULL;

	*first = begin;
	switch (sel->root) {
	case TMDK__ROOT_CURRENT: root = ev->scopes[ev->depth].node; break;
	case TMDK__ROOT_SCOPE: root = sel->scope <= ev->depth ? ev->scopes[sel->scope].node : NULL; break;
	case TMDK__ROOT_RAW: root = ev->raw; break;
	case TMDK__ROOT_SET:
		/* Walking the set is the cross-document cost the budget bounds. */
		root = tmdk__set_charge(ev, tmdk_node_size(ev->set)) ? ev->set : NULL;
		break;
	case TMDK__ROOT_MODEL: root = tmdk_model_root(tmdk__eval_model(ev)); break;
	case TMDK__ROOT_FACTS: root = tmdk__eval_facts(ev); break;
	}
	if (!root)
		return 0;
	if (push(ev, root) != 0)
		return TMDK_ENOMEM;
	for (s = 0; s < sel->step_count; s++) {
		end = ev->top;
		for (i = begin; i < end && !ev->nomem; i++)
			apply_step(ev, &sel->steps[s], ev->stack[i]);
		/* Move this step's results down over its input. */
		if (ev->top > end)
			memmove((void *)(ev->stack + *first), ev->stack + end, (ev->top - end) * sizeof(*ev->stack));
		ev->top = *first + (ev->top - end);
		begin = *first;
		if (ev->top == begin)
			break;
	}
	return ev->nomem ? TMDK_ENOMEM : 0;
}

/* ---- message templates ---------------------------------------------------- */

typedef struct buf {
	char *p;
	size_t len, cap;
	int nomem;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	/* n bytes and the NUL */
	if (n == SIZE_MAX || TMDK__ARRAY_RESERVE_N(b->p, b->len, b->cap, n + 1, 64) != TMDK_OK) {
		b->nomem = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void put_node(buf *b, const tmdk_node *n)
{
	size_t len, i;
	const char *t = tmdk_node_text(n, &len);
	if (t) {
		put(b, t, len);
		return;
	}
	if (tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE) {
		for (i = 0; i < tmdk_node_size(n); i++) {
			if (i)
				put(b, ", ", 2);
			t = tmdk_node_text(tmdk_node_at(n, i), &len);
			put(b, t ? t : "…", t ? len : strlen("…"));
		}
		return;
	}
	put(b, "…", strlen("…"));
}

char *tmdk__template_render(tmdk__eval *ev, const tmdk__template *t, const tmdk__witness *w)
{
	buf b = { NULL, 0, 0, 0 };
	size_t i, first;

	put(&b, "", 0);
	for (i = 0; i < t->part_count; i++) {
		const tmdk__template_part *p = &t->parts[i];
		if (p->literal) {
			put(&b, p->literal, p->len);
		} else if (!p->sel) {
			size_t len;
			const char *text = tmdk_node_text(w->node, &len);
			if (text && w->has_match && w->match_end <= len) {
				/* The matched text, without the line breaks and blanks a
				 * regex may take in at its ends. */
				size_t from = w->match_start, to = w->match_end;
				while (from < to && tmdk__is_blank(text[from]))
					from++;
				while (to > from && tmdk__is_blank(text[to - 1]))
					to--;
				put(&b, text + from, to - from);
			}
			else
				put_node(&b, w->node);
		} else if (tmdk__select(ev, p->sel, &first) == 0) {
			if (ev->top > first)
				put_node(&b, ev->stack[first]);
			else
				put(&b, "?", 1);
			ev->top = first;
		}
	}
	if (b.nomem || ev->nomem) {
		tmdk__free(b.p);
		return NULL;
	}
	return b.p;
}
