/*
 * Selectors: paths into the document model with wildcards, indexes,
 * filters, scope roots ($, $doc, $raw, $set, $model, $facts, $outer, $name) and named entry
 * points (@containers …): parsing, once at catalog compile time. Selecting
 * nodes with them is evaluation, in matcher.c beside the conditions.
 */
#include "catalog_int.h"
#include "array.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Named entry points: shorthands for the normalized views' lists. */
static const struct { const char *name, *expansion; } entry_points[] = {
	{ "containers", "$doc.containers[*]" },
	{ "pod-spec", "$doc.pod_spec" },
	{ "pod-metadata", "$doc.pod_metadata" },
	{ "services", "$doc.services[*]" },
	{ "stages", "$doc.stages[*]" },
	{ "final-stage", "$doc.stages[?final == true]" },
	{ "instructions", "$doc.instructions[*]" },
	{ "env", "$doc.env[*]" },
	{ "binds", "$doc.binds[*]" },
	{ "mounts", "$doc.mounts[*]" },
	{ NULL, NULL }
};

static const char *const dockerfile_keywords[] = {
	"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label",
	"maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir", NULL
};

typedef struct parser {
	tmdk__cctx *cc;
	const tmdk_node *at;
	const char *text;
	const char *p;
	int failed;              /* the code of the diagnostic reported, or 0 */
} parser;

static void fail(parser *ps, const char *fmt, const char *detail)
{
	if (ps->failed)
		return;
	ps->failed = TMDK_ESCHEMA;
	ps->cc->report(ps->cc, TMDK_DIAG_ERROR, TMDK_ESCHEMA, ps->at,
		"bad selector '%s' at offset %zu: %s%s", ps->text, (size_t)(ps->p - ps->text), fmt, detail ? detail : "");
}

/* Out of memory is reported as such (the compile then fails with
 * TMDK_ENOMEM), never as a bad selector, even after a syntax error. */
static void fail_nomem(parser *ps)
{
	ps->failed = TMDK_ENOMEM;
	ps->cc->report(ps->cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, ps->at, "out of memory");
}

/* The code to return once a step failed (its diagnostic is reported). */
static int failure(const parser *ps)
{
	return ps->failed ? ps->failed : TMDK_ESCHEMA;
}

static void skip_blanks(parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int is_key_char(char c)
{
	return c && !strchr(".[]*$@ \t\"'=!<>~?)", c);
}

static tmdk__step *add_step(parser *ps, tmdk__selector *sel, size_t *cap)
{
	if (TMDK__ARRAY_RESERVE_ARENA(ps->cc->arena, sel->steps, sel->step_count, *cap, 4) != TMDK_OK) {
		fail_nomem(ps);
		return NULL;
	}
	return &sel->steps[sel->step_count++];
}

/* A quoted string: "..." or '...', with \" and \\ escapes. */
static char *parse_quoted(parser *ps, size_t *len)
{
	char q = *ps->p++;
	const char *start = ps->p;
	char *out, *o;
	while (*ps->p && *ps->p != q) {
		if (*ps->p == '\\' && ps->p[1])
			ps->p++;
		ps->p++;
	}
	if (*ps->p != q) {
		fail(ps, "unterminated quoted key or value", NULL);
		return NULL;
	}
	out = tmdk__arena_alloc(ps->cc->arena, (size_t)(ps->p - start) + 1);
	if (!out) {
		fail_nomem(ps);
		return NULL;
	}
	for (o = out; start < ps->p; start++) {
		/* Only \" \' and \\ are escapes: regexes keep their \. \d \s … */
		if (*start == '\\' && start + 1 < ps->p && (start[1] == q || start[1] == '\\'))
			start++;
		*o++ = *start;
	}
	*o = '\0';
	*len = (size_t)(o - out);
	ps->p++;
	return out;
}

static int parse_selector_into(parser *ps, tmdk__selector *sel, int depth);

/* [?path op literal] — a one-test condition on each element. */
static tmdk__cond *parse_filter(parser *ps, int depth)
{
	tmdk__cond *c = tmdk__arena_alloc(ps->cc->arena, sizeof(*c));
	tmdk__selector *sel = tmdk__arena_alloc(ps->cc->arena, sizeof(*sel));
	static const struct { const char *op; tmdk__pred pred; } ops[] = {
		{ "==", TMDK__PRED_EQUALS }, { "!=", TMDK__PRED_NOT_EQUALS }, { "=~", TMDK__PRED_MATCHES },
		{ "!~", TMDK__PRED_NOT_MATCHES }, { "<=", TMDK__PRED_LTE }, { ">=", TMDK__PRED_GTE },
		{ "<", TMDK__PRED_LT }, { ">", TMDK__PRED_GT }, { NULL, 0 }
	};
	int negate = 0, i;

	if (!c || !sel) {
		fail_nomem(ps);
		return NULL;
	}
	c->kind = TMDK__COND_TEST;
	c->sel = sel;
	c->pred = TMDK__PRED_EXISTS;
	skip_blanks(ps);
	if (*ps->p == '!' && ps->p[1] != '=' && ps->p[1] != '~') {
		negate = 1;
		ps->p++;
	}
	if (parse_selector_into(ps, sel, depth) != 0)
		return NULL;
	skip_blanks(ps);
	if (*ps->p == ']') {
		c->pred = negate ? TMDK__PRED_ABSENT : TMDK__PRED_EXISTS;
		return c;
	}
	for (i = 0; ops[i].op; i++)
		if (strncmp(ps->p, ops[i].op, strlen(ops[i].op)) == 0)
			break;
	if (!ops[i].op || negate) {
		fail(ps, "expected ==, !=, =~, !~, <, <=, > or >= in a filter", NULL);
		return NULL;
	}
	c->pred = ops[i].pred;
	ps->p += strlen(ops[i].op);
	skip_blanks(ps);
	c->values = tmdk__arena_alloc(ps->cc->arena, sizeof(*c->values));
	if (!c->values) {
		fail_nomem(ps);
		return NULL;
	}
	c->value_count = 1;
	if (*ps->p == '"' || *ps->p == '\'') {
		size_t len;
		char *s = parse_quoted(ps, &len);
		if (!s)
			return NULL;
		c->values[0].type = TMDK_SCALAR_STRING;
		c->values[0].text = s;
		c->values[0].len = len;
	} else {
		const char *start = ps->p;
		char *s;
		while (*ps->p && *ps->p != ']' && *ps->p != ' ')
			ps->p++;
		if (ps->p == start) {
			fail(ps, "expected a value after the operator", NULL);
			return NULL;
		}
		s = tmdk__arena_strndup(ps->cc->arena, start, (size_t)(ps->p - start));
		if (!s) {
			fail_nomem(ps);
			return NULL;
		}
		c->values[0].text = s;
		c->values[0].len = strlen(s);
		c->values[0].type = tmdk__scalar_resolve(s, c->values[0].len);
		c->values[0].number = strtod(s, NULL);
		c->values[0].boolean = s[0] == 't' || s[0] == 'T';
	}
	if (c->pred == TMDK__PRED_MATCHES || c->pred == TMDK__PRED_NOT_MATCHES) {
		int rc = tmdk__cctx_regex(ps->cc, &c->regex, c->values[0].text, c->values[0].len, ps->at, ps->text);
		if (rc != TMDK_OK) {
			ps->failed = rc; /* reported */
			return NULL;
		}
	} else if ((c->pred == TMDK__PRED_LT || c->pred == TMDK__PRED_LTE || c->pred == TMDK__PRED_GT ||
		    c->pred == TMDK__PRED_GTE) && c->values[0].type != TMDK_SCALAR_INT &&
		   c->values[0].type != TMDK_SCALAR_FLOAT) {
		fail(ps, "a numeric comparison needs a number", NULL);
		return NULL;
	}
	skip_blanks(ps);
	return c;
}

static int parse_bracket(parser *ps, tmdk__selector *sel, size_t *cap, int depth)
{
	tmdk__step *st = add_step(ps, sel, cap);
	if (!st)
		return failure(ps);
	ps->p++; /* [ */
	skip_blanks(ps);
	if (*ps->p == '*') {
		st->kind = TMDK__STEP_ALL;
		ps->p++;
	} else if (*ps->p == '?') {
		ps->p++;
		st->kind = TMDK__STEP_FILTER;
		st->filter = parse_filter(ps, depth + 1);
		if (!st->filter)
			return failure(ps);
	} else if (*ps->p == '"' || *ps->p == '\'') {
		st->kind = TMDK__STEP_KEY;
		st->key = parse_quoted(ps, &st->key_len);
		if (!st->key)
			return failure(ps);
	} else {
		char *end;
		errno = 0;
		st->kind = TMDK__STEP_INDEX;
		st->index = strtol(ps->p, &end, 10);
		if (end == ps->p || errno) {
			fail(ps, "expected an index, *, ?filter or a quoted key inside [ ]", NULL);
			return failure(ps);
		}
		ps->p = end;
	}
	skip_blanks(ps);
	if (*ps->p != ']') {
		fail(ps, "missing ]", NULL);
		return failure(ps);
	}
	ps->p++;
	return 0;
}

static int parse_dotted(parser *ps, tmdk__selector *sel, size_t *cap)
{
	tmdk__step *st = add_step(ps, sel, cap);
	const char *start = ps->p;
	if (!st)
		return failure(ps);
	if (ps->p[0] == '*' && ps->p[1] == '*') {
		st->kind = TMDK__STEP_DESCEND;
		ps->p += 2;
		return 0;
	}
	if (*ps->p == '*') {
		st->kind = TMDK__STEP_ALL;
		ps->p++;
		return 0;
	}
	if (*ps->p == '~') {
		st->kind = TMDK__STEP_KEYS;
		ps->p++;
		return 0;
	}
	while (is_key_char(*ps->p))
		ps->p++;
	if (ps->p == start) {
		fail(ps, "expected a key", NULL);
		return failure(ps);
	}
	st->kind = TMDK__STEP_KEY;
	st->key = tmdk__arena_strndup(ps->cc->arena, start, (size_t)(ps->p - start));
	st->key_len = (size_t)(ps->p - start);
	if (!st->key) {
		fail_nomem(ps);
		return failure(ps);
	}
	return 0;
}

static int find_scope(tmdk__cctx *cc, const char *name, size_t len, int depth)
{
	int d;
	for (d = depth; d >= 0; d--)
		if (cc->scopes[d] && strlen(cc->scopes[d]) == len && strncmp(cc->scopes[d], name, len) == 0)
			return d;
	return -1;
}

/* $, $doc, $raw, $set, $model, $facts, $outer, $name */
static int parse_root(parser *ps, tmdk__selector *sel, int depth)
{
	const char *start;
	size_t len;
	ps->p++; /* $ */
	start = ps->p;
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '-')
		ps->p++;
	len = (size_t)(ps->p - start);
	if (len == 0) {
		sel->root = TMDK__ROOT_CURRENT;
	} else if (len == 3 && strncmp(start, "raw", 3) == 0) {
		sel->root = TMDK__ROOT_RAW;
	} else if (len == 3 && strncmp(start, "set", 3) == 0) {
		sel->root = TMDK__ROOT_SET;
	} else if (len == 5 && strncmp(start, "model", 5) == 0) {
		sel->root = TMDK__ROOT_MODEL;
	} else if (len == 5 && strncmp(start, "facts", 5) == 0) {
		sel->root = TMDK__ROOT_FACTS;
	} else if (len == 3 && strncmp(start, "doc", 3) == 0) {
		sel->root = TMDK__ROOT_SCOPE;
		sel->scope = 0;
	} else if (len == 5 && strncmp(start, "outer", 5) == 0) {
		if (depth < 1) {
			fail(ps, "$outer used outside a nested scope", NULL);
			return failure(ps);
		}
		sel->root = TMDK__ROOT_SCOPE;
		sel->scope = depth - 1;
	} else {
		int d = find_scope(ps->cc, start, len, depth);
		if (d < 0) {
			char name[64];
			snprintf(name, sizeof(name), "%.*s", (int)(len < 60 ? len : 60), start);
			fail(ps, "unknown scope $", name);
			return failure(ps);
		}
		sel->root = TMDK__ROOT_SCOPE;
		sel->scope = d;
	}
	return 0;
}

/* @name: expand to the entry point's selector and parse that instead. */
static int parse_entry_point(parser *ps, tmdk__selector *sel, int depth)
{
	const char *start = ++ps->p;
	size_t len, i;
	char buf[64];
	parser sub;

	while (isalnum((unsigned char)*ps->p) || *ps->p == '-')
		ps->p++;
	len = (size_t)(ps->p - start);
	for (i = 0; entry_points[i].name; i++)
		if (strlen(entry_points[i].name) == len && strncmp(entry_points[i].name, start, len) == 0)
			break;
	if (entry_points[i].name) {
		sub = *ps;
		sub.text = sub.p = entry_points[i].expansion;
		return parse_selector_into(&sub, sel, depth) == 0 && !sub.failed ? 0 : failure(&sub);
	}
	for (i = 0; dockerfile_keywords[i]; i++)
		if (strlen(dockerfile_keywords[i]) == len && strncmp(dockerfile_keywords[i], start, len) == 0)
			break;
	if (!dockerfile_keywords[i]) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < 40 ? len : 40), start);
		fail(ps, "unknown entry point @", buf);
		return failure(ps);
	}
	{
		/* @run, @copy …: the instructions with that keyword. */
		char *exp = tmdk__arena_printf(ps->cc->arena, "$doc.instructions[?keyword == \"%.*s\"]", (int)len, start);
		char *u;
		if (!exp) {
			fail_nomem(ps);
			return failure(ps);
		}
		for (u = strchr(exp, '"') + 1; *u != '"'; u++)
			*u = (char)toupper((unsigned char)*u);
		sub = *ps;
		sub.text = sub.p = exp;
		return parse_selector_into(&sub, sel, depth) == 0 && !sub.failed ? 0 : failure(&sub);
	}
}

static int parse_selector_into(parser *ps, tmdk__selector *sel, int depth)
{
	size_t cap = sel->step_count;
	int first = 1;

	skip_blanks(ps);
	if (*ps->p == '$') {
		if (parse_root(ps, sel, depth) != 0)
			return failure(ps);
		first = 0;
	} else if (*ps->p == '@') {
		if (parse_entry_point(ps, sel, depth) != 0)
			return failure(ps);
		cap = sel->step_count;
		first = 0;
	}
	while (*ps->p && !ps->failed) {
		if (*ps->p == '[') {
			if (parse_bracket(ps, sel, &cap, depth) != 0)
				return failure(ps);
		} else if (*ps->p == '.' || first) {
			if (*ps->p == '.')
				ps->p++;
			if (parse_dotted(ps, sel, &cap) != 0)
				return failure(ps);
		} else {
			break;
		}
		first = 0;
	}
	return ps->failed;
}

/* Filters that look only at the element they test (no $doc, $outer …):
 * the selection is the same from whatever scope it is made. */
static int steps_scope_free(const tmdk__selector *sel)
{
	size_t i;
	for (i = 0; i < sel->step_count; i++) {
		const tmdk__cond *f = sel->steps[i].filter;
		if (sel->steps[i].kind == TMDK__STEP_FILTER &&
		    (f->kind != TMDK__COND_TEST || f->other || !tmdk__selector_scope_free(f->sel)))
			return 0;
	}
	return 1;
}

int tmdk__selector_scope_free(const tmdk__selector *sel)
{
	return sel->root == TMDK__ROOT_CURRENT && steps_scope_free(sel);
}

tmdk__selector *tmdk__selector_parse(tmdk__cctx *cc, const char *text, const tmdk_node *at)
{
	parser ps;
	tmdk__selector *sel = tmdk__arena_alloc(cc->arena, sizeof(*sel));

	memset(&ps, 0, sizeof(ps));
	ps.cc = cc;
	ps.at = at;
	text = tmdk__arena_strdup(cc->arena, text); /* the catalog outlives its sources */
	if (!text)
		sel = NULL;
	else
		ps.text = text;
	ps.p = text;
	if (!sel) {
		ps.text = ps.p = "";
		fail_nomem(&ps);
		return NULL;
	}
	sel->text = text;
	if (!*text) {
		fail(&ps, "empty selector", NULL);
		return NULL;
	}
	if (parse_selector_into(&ps, sel, cc->depth) != 0)
		return NULL;
	skip_blanks(&ps);
	if (*ps.p) {
		fail(&ps, "unexpected character", NULL);
		return NULL;
	}
	if (sel->root == TMDK__ROOT_SET && steps_scope_free(sel))
		sel->cache_slot = ++cc->catalog->set_slot_count;
	return sel;
}
