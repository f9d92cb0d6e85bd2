/*
 * The match language's conditions, for-each chains and message templates:
 * from catalog YAML nodes to their compiled form. Every problem is reported
 * through the compile context with its position; parsing goes on so that
 * one run reports as many problems as possible.
 */
#include "catalog_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

static const char *text_of(const tmdk_node *n)
{
	return tmdk_node_get_type(n) == TMDK_NODE_SCALAR ? tmdk_node_text(n, NULL) : NULL;
}

static const struct { const char *key; tmdk__pred pred; int arity; } predicates[] = {
	/* arity: 0 = flag (must be true), 1 = one scalar, 2 = list of scalars (or one),
	 * 3 = regex, 4 = number, 5 = selector, 6 = bool */
	{ "exists", TMDK__PRED_EXISTS, 6 },
	{ "absent", TMDK__PRED_ABSENT, 0 },
	{ "equals", TMDK__PRED_EQUALS, 1 },
	{ "not-equals", TMDK__PRED_NOT_EQUALS, 1 },
	{ "one-of", TMDK__PRED_ONE_OF, 2 },
	{ "not-one-of", TMDK__PRED_NOT_ONE_OF, 2 },
	{ "matches", TMDK__PRED_MATCHES, 3 },
	{ "not-matches", TMDK__PRED_NOT_MATCHES, 3 },
	{ "gt", TMDK__PRED_GT, 4 },
	{ "gte", TMDK__PRED_GTE, 4 },
	{ "lt", TMDK__PRED_LT, 4 },
	{ "lte", TMDK__PRED_LTE, 4 },
	{ "contains", TMDK__PRED_CONTAINS, 2 },
	{ "not-contains", TMDK__PRED_NOT_CONTAINS, 2 },
	{ "same-as", TMDK__PRED_SAME_AS, 5 },
	{ "type", TMDK__PRED_TYPE, 1 },
	{ "truthy", TMDK__PRED_TRUTHY, 0 },
	{ "falsy", TMDK__PRED_FALSY, 0 },
	{ "count-gt", TMDK__PRED_COUNT_GT, 4 },
	{ "count-lt", TMDK__PRED_COUNT_LT, 4 },
	{ NULL, 0, 0 }
};

static const char *const type_names[] = {
	"map", "sequence", "scalar", "string", "int", "float", "number", "bool", "null", NULL
};

#define COND_KEYS "all, any, not, some, none, every, path (with a predicate), where, as, every-item, ignore-case"

static void *alloc(tmdk__cctx *cc, size_t size, const tmdk_node *at)
{
	void *p = tmdk__arena_alloc(cc->arena, size);
	if (!p)
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, at, "out of memory");
	return p;
}

static int value_from_node(tmdk__cctx *cc, tmdk__value *v, const tmdk_node *n)
{
	if (tmdk_node_get_type(n) != TMDK_NODE_SCALAR) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "expected a scalar value, found a %s",
			tmdk_node_get_type(n) == TMDK_NODE_MAP ? "map" : "sequence");
		return TMDK_ESCHEMA;
	}
	v->type = tmdk_node_scalar_type(n);
	v->text = tmdk_node_text(n, &v->len);
	v->text = tmdk__arena_strndup(cc->arena, v->text, v->len); /* the catalog outlives its sources */
	if (!v->text) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, n, "out of memory");
		return TMDK_ENOMEM;
	}
	if (v->type == TMDK_SCALAR_INT || v->type == TMDK_SCALAR_FLOAT)
		tmdk_node_as_double(n, &v->number);
	if (v->type == TMDK_SCALAR_BOOL)
		tmdk_node_as_bool(n, &v->boolean);
	return 0;
}

static int parse_values(tmdk__cctx *cc, tmdk__cond *c, const tmdk_node *n, int list_ok)
{
	size_t i, count = 1;
	int rc;
	if (tmdk_node_get_type(n) == TMDK_NODE_SEQUENCE) {
		if (!list_ok) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "expected one scalar value, found a list");
			return TMDK_ESCHEMA;
		}
		count = tmdk_node_size(n);
		if (count == 0) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "expected at least one value");
			return TMDK_ESCHEMA;
		}
	}
	c->values = alloc(cc, count * sizeof(*c->values), n);
	if (!c->values)
		return TMDK_ENOMEM;
	c->value_count = count;
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE)
		return value_from_node(cc, &c->values[0], n);
	for (i = 0; i < count; i++)
		if ((rc = value_from_node(cc, &c->values[i], tmdk_node_at(n, i))) != 0)
			return rc;
	return 0;
}

static int parse_regex(tmdk__cctx *cc, tmdk__cond *c, const tmdk_node *n)
{
	size_t len;
	const char *src = text_of(n);
	int rc;

	if (!src || tmdk_node_scalar_type(n) != TMDK_SCALAR_STRING) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "expected a regular expression (a string)");
		return TMDK_ESCHEMA;
	}
	tmdk_node_text(n, &len);
	if ((rc = tmdk__cctx_regex(cc, &c->regex, src, len, n, NULL)) != TMDK_OK)
		return rc;
	return parse_values(cc, c, n, 0);
}

static int parse_flag(tmdk__cctx *cc, const tmdk_node *n, const char *key, int *out)
{
	if (tmdk_node_as_bool(n, out) != TMDK_OK) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'%s' expects true or false", key);
		return TMDK_ESCHEMA;
	}
	return 0;
}

static int parse_predicate(tmdk__cctx *cc, tmdk__cond *c, int index, const tmdk_node *n)
{
	int flag, rc;
	c->pred = predicates[index].pred;
	switch (predicates[index].arity) {
	case 0:
		if ((rc = parse_flag(cc, n, predicates[index].key, &flag)) != 0)
			return rc;
		if (!flag) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'%s: false' means nothing; use not: or the opposite predicate",
				predicates[index].key);
			return TMDK_ESCHEMA;
		}
		return 0;
	case 6:
		if ((rc = parse_flag(cc, n, predicates[index].key, &flag)) != 0)
			return rc;
		c->pred = flag ? TMDK__PRED_EXISTS : TMDK__PRED_ABSENT;
		return 0;
	case 1:
		if ((rc = parse_values(cc, c, n, 0)) != 0)
			return rc;
		if (c->pred == TMDK__PRED_TYPE) {
			int i;
			for (i = 0; type_names[i]; i++)
				if (strcmp(type_names[i], c->values[0].text) == 0)
					return 0;
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n,
				"unknown type '%s'; expected map, sequence, scalar, string, int, float, number, bool or null",
				c->values[0].text);
			return TMDK_ESCHEMA;
		}
		return 0;
	case 2:
		return parse_values(cc, c, n, 1);
	case 3:
		return parse_regex(cc, c, n);
	case 4:
		if ((rc = parse_values(cc, c, n, 0)) != 0)
			return rc;
		if (c->values[0].type != TMDK_SCALAR_INT && c->values[0].type != TMDK_SCALAR_FLOAT) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'%s' expects a number", predicates[index].key);
			return TMDK_ESCHEMA;
		}
		return 0;
	case 5:
		if (!text_of(n)) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'same-as' expects a selector");
			return TMDK_ESCHEMA;
		}
		c->other = tmdk__selector_parse(cc, text_of(n), n);
		return c->other ? 0 : TMDK_ESCHEMA; /* reported, with its exact code */
	}
	return TMDK_ESCHEMA;
}

static int find_predicate(const char *key)
{
	int i;
	for (i = 0; predicates[i].key; i++)
		if (strcmp(predicates[i].key, key) == 0)
			return i;
	return -1;
}

static tmdk__cond *parse_children(tmdk__cctx *cc, tmdk__cond *c, const tmdk_node *list)
{
	size_t i, n = tmdk_node_size(list);
	if (tmdk_node_get_type(list) != TMDK_NODE_SEQUENCE || n == 0) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, list,
			"'%s' expects a non-empty list of conditions", c->kind == TMDK__COND_ALL ? "all" : "any");
		return NULL;
	}
	c->children = alloc(cc, n * sizeof(*c->children), list);
	if (!c->children)
		return NULL;
	c->child_count = n;
	for (i = 0; i < n; i++)
		if (!(c->children[i] = tmdk__cond_parse(cc, tmdk_node_at(list, i))))
			return NULL;
	return c;
}

/* some / none / every: selector + where, with an optional scope name. */
static tmdk__cond *parse_quantified(tmdk__cctx *cc, tmdk__cond *c, const tmdk_node *node, const tmdk_node *selnode)
{
	const tmdk_node *where = tmdk_node_get(node, "where");
	const tmdk_node *as = tmdk_node_get(node, "as");

	if (!text_of(selnode)) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, selnode, "expected a selector");
		return NULL;
	}
	c->sel = tmdk__selector_parse(cc, text_of(selnode), selnode);
	if (!c->sel)
		return NULL;
	if (cc->depth + 1 >= TMDK__MAX_SCOPES) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ELIMIT, node, "scopes nested deeper than %d", TMDK__MAX_SCOPES);
		return NULL;
	}
	if (as && !text_of(as)) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, as, "'as' expects a name");
		return NULL;
	}
	cc->scopes[++cc->depth] = as ? text_of(as) : "";
	if (where) {
		c->where = tmdk__cond_parse(cc, where);
	} else {
		c->where = alloc(cc, sizeof(*c->where), node);
		if (c->where)
			c->where->kind = TMDK__COND_TRUE;
	}
	/* Its candidate plan is made by tmdk__catalog_finish. */
	cc->scopes[cc->depth--] = NULL;
	return c->where ? c : NULL;
}

static int check_keys(tmdk__cctx *cc, const tmdk_node *node, const char *const *allowed, const char *what)
{
	size_t i, j;
	int ok = 0;
	for (i = 0; i < tmdk_node_size(node); i++) {
		const char *k = text_of(tmdk_node_key_at(node, i));
		for (j = 0; k && allowed[j]; j++)
			if (strcmp(k, allowed[j]) == 0)
				break;
		if (!k || !allowed[j]) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_key_at(node, i),
				"unknown key '%s' in %s", k ? k : "?", what);
			ok = TMDK_ESCHEMA;
		}
	}
	return ok;
}

static tmdk__cond *parse_test(tmdk__cctx *cc, tmdk__cond *c, const tmdk_node *node)
{
	const tmdk_node *path = tmdk_node_get(node, "path");
	size_t i;
	int found = -1, bad = 0;

	for (i = 0; i < tmdk_node_size(node); i++) {
		const char *k = text_of(tmdk_node_key_at(node, i));
		int p;
		if (!k || !strcmp(k, "path") || !strcmp(k, "every-item") || !strcmp(k, "ignore-case"))
			continue;
		p = find_predicate(k);
		if (p < 0) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_key_at(node, i),
				"unknown key '%s' in a condition; expected a predicate (exists, absent, equals, not-equals, "
				"one-of, not-one-of, matches, not-matches, gt, gte, lt, lte, contains, not-contains, same-as, "
				"type, truthy, falsy, count-gt, count-lt) or one of: " COND_KEYS, k);
			bad = 1;
		} else if (found >= 0) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_key_at(node, i),
				"a condition has one predicate; found '%s' and '%s' (combine with all:)",
				predicates[found].key, k);
			bad = 1;
		} else if (parse_predicate(cc, c, p, tmdk_node_at(node, i)) != 0) {
			bad = 1;
			found = p;
		} else {
			found = p;
		}
	}
	if (bad)
		return NULL;
	if (!path || !text_of(path)) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, path ? path : node,
			path ? "'path' expects a selector" : "condition has no 'path' (or all/any/not/some/none/every)");
		return NULL;
	}
	if (found < 0) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "condition on '%s' has no predicate", text_of(path));
		return NULL;
	}
	c->sel = tmdk__selector_parse(cc, text_of(path), path);
	if (!c->sel)
		return NULL;
	if (tmdk_node_get(node, "every-item") && parse_flag(cc, tmdk_node_get(node, "every-item"), "every-item", &c->every) != 0)
		return NULL;
	if (tmdk_node_get(node, "ignore-case") && parse_flag(cc, tmdk_node_get(node, "ignore-case"), "ignore-case", &c->ignore_case) != 0)
		return NULL;
	c->kind = TMDK__COND_TEST;
	return c;
}

tmdk__cond *tmdk__cond_parse(tmdk__cctx *cc, const tmdk_node *node)
{
	static const char *const quantified_keys[] = { "some", "none", "every", "where", "as", NULL };
	tmdk__cond *c = alloc(cc, sizeof(*c), node);
	const tmdk_node *v;

	if (!c)
		return NULL;
	c->line = tmdk_node_line(node);
	c->column = tmdk_node_column(node);
	if (tmdk_node_get_type(node) == TMDK_NODE_SEQUENCE) {
		c->kind = TMDK__COND_ALL; /* a bare list means all of them */
		return parse_children(cc, c, node);
	}
	if (tmdk_node_get_type(node) != TMDK_NODE_MAP) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "expected a condition (a map), found '%s'",
			text_of(node) ? text_of(node) : "?");
		return NULL;
	}
	if ((v = tmdk_node_get(node, "all")) || (v = tmdk_node_get(node, "any"))) {
		c->kind = tmdk_node_get(node, "all") ? TMDK__COND_ALL : TMDK__COND_ANY;
		if (tmdk_node_size(node) != 1) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node,
				"'%s' must be alone in its map; put other tests inside its list", c->kind == TMDK__COND_ALL ? "all" : "any");
			return NULL;
		}
		return parse_children(cc, c, v);
	}
	if ((v = tmdk_node_get(node, "not"))) {
		if (tmdk_node_size(node) != 1) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "'not' must be alone in its map");
			return NULL;
		}
		c->kind = TMDK__COND_NOT;
		c->children = alloc(cc, sizeof(*c->children), node);
		if (!c->children)
			return NULL;
		c->child_count = 1;
		c->children[0] = tmdk__cond_parse(cc, v);
		return c->children[0] ? c : NULL;
	}
	if ((v = tmdk_node_get(node, "some")) || (v = tmdk_node_get(node, "none")) || (v = tmdk_node_get(node, "every"))) {
		c->kind = tmdk_node_get(node, "some") ? TMDK__COND_SOME :
			tmdk_node_get(node, "none") ? TMDK__COND_NONE : TMDK__COND_EVERY;
		if (check_keys(cc, node, quantified_keys, "a some/none/every condition") != 0)
			return NULL;
		return parse_quantified(cc, c, node, v);
	}
	return parse_test(cc, c, node);
}

/* ---- for-each chains ---------------------------------------------------- */

tmdk__match *tmdk__match_parse(tmdk__cctx *cc, const tmdk_node *node)
{
	static const char *const match_keys[] = { "for-each", "as", "where", "then", NULL };
	tmdk__match *m = alloc(cc, sizeof(*m), node);
	const tmdk_node *fe, *as, *where, *then;

	if (!m)
		return NULL;
	if (tmdk_node_get_type(node) == TMDK_NODE_SEQUENCE) {
		m->where = tmdk__cond_parse(cc, node); /* a bare list of conditions: all of them */
		return m->where ? m : NULL;
	}
	if (tmdk_node_get_type(node) != TMDK_NODE_MAP) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "'match' expects a map (for-each / where / then, or a condition)");
		return NULL;
	}
	fe = tmdk_node_get(node, "for-each");
	where = tmdk_node_get(node, "where");
	then = tmdk_node_get(node, "then");
	as = tmdk_node_get(node, "as");
	if ((!fe && !where && !then && !as) || tmdk_node_get(node, "some") || tmdk_node_get(node, "none") ||
	    tmdk_node_get(node, "every")) {
		/* A bare condition: the document is the scope. */
		m->where = tmdk__cond_parse(cc, node);
		return m->where ? m : NULL;
	}
	if (check_keys(cc, node, match_keys, "a match (expected for-each, as, where, then)") != 0)
		return NULL;
	if (then && !fe) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, then, "'then' needs a 'for-each' at the same level");
		return NULL;
	}
	if (as && !fe) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, as, "'as' needs a 'for-each' at the same level");
		return NULL;
	}
	if (fe) {
		if (!text_of(fe)) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, fe, "'for-each' expects a selector");
			return NULL;
		}
		m->for_each = tmdk__selector_parse(cc, text_of(fe), fe);
		if (!m->for_each)
			return NULL;
		if (as && !text_of(as)) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, as, "'as' expects a name");
			return NULL;
		}
		if (cc->depth + 1 >= TMDK__MAX_SCOPES) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ELIMIT, fe, "for-each nested deeper than %d", TMDK__MAX_SCOPES - 1);
			return NULL;
		}
		m->as = as ? tmdk__arena_strdup(cc->arena, text_of(as)) : "";
		if (!m->as) {
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, as, "out of memory");
			return NULL;
		}
		cc->scopes[++cc->depth] = m->as; /* stays pushed: templates see the innermost scope */
	}
	if (where && !(m->where = tmdk__cond_parse(cc, where)))
		return NULL;
	if (then && !(m->then = tmdk__match_parse(cc, then)))
		return NULL;
	return m;
}

/* ---- message templates ---------------------------------------------------- */

static int add_part(tmdk__cctx *cc, tmdk__template *t, size_t *cap, const tmdk_node *at)
{
	if (TMDK__ARRAY_RESERVE_ARENA(cc->arena, t->parts, t->part_count, *cap, 8) != TMDK_OK) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, at, "out of memory");
		return TMDK_ENOMEM;
	}
	memset(&t->parts[t->part_count], 0, sizeof(t->parts[0]));
	t->part_count++;
	return 0;
}

int tmdk__template_parse(tmdk__cctx *cc, tmdk__template *t, const tmdk_node *node)
{
	const char *s = text_of(node), *p;
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	if (!s) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "'message' expects text");
		return TMDK_ESCHEMA;
	}
	for (p = s; *p;) {
		const char *lit = p;
		char *text;
		size_t n = 0;
		/* Literal run, with {{ and }} unescaped. */
		text = alloc(cc, strlen(p) + 1, node);
		if (!text)
			return TMDK_ENOMEM;
		while (*p && !(*p == '{' && p[1] != '{')) {
			if ((*p == '{' || *p == '}') && p[1] == *p)
				p++;
			text[n++] = *p++;
		}
		if (n) {
			if (add_part(cc, t, &cap, node) != 0)
				return TMDK_ENOMEM;
			t->parts[t->part_count - 1].literal = text;
			t->parts[t->part_count - 1].len = n;
		}
		(void)lit;
		if (*p == '{') {
			const char *end = strchr(p, '}');
			char *expr;
			if (!end) {
				cc->report(cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, node, "unterminated '{' in message template");
				return TMDK_ESCHEMA;
			}
			expr = tmdk__arena_strndup(cc->arena, p + 1, (size_t)(end - p - 1));
			if (!expr) {
				cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, node, "out of memory");
				return TMDK_ENOMEM;
			}
			if (add_part(cc, t, &cap, node) != 0)
				return TMDK_ENOMEM;
			if (strcmp(expr, "$match") != 0) {
				t->parts[t->part_count - 1].sel = tmdk__selector_parse(cc, expr, node);
				if (!t->parts[t->part_count - 1].sel)
					return TMDK_ESCHEMA; /* reported, with its exact code */
			}
			p = end + 1;
		}
	}
	return 0;
}
