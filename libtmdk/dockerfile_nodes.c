/*
 * Dockerfile model: the node builders dockerfile_model.c (the document and
 * its stages) and dockerfile_instr.c (one instruction) both call. They set
 * the model's `oom` instead of failing, so callers check once at the end.
 */
#include "dockerfile_model.h"
#include "array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tmdk_node *tmdk__df_str_node(tmdk__df_model *m, const char *s, size_t n, unsigned int line, unsigned int column)
{
	tmdk_node *x = m->oom ? NULL : tmdk__node_scalar(m->arena, s, n, TMDK_SCALAR_STRING, line, column);
	if (!x)
		m->oom = 1;
	return x;
}

tmdk_node *tmdk__df_int_node(tmdk__df_model *m, long long v, unsigned int line, unsigned int column)
{
	tmdk_node *x = m->oom ? NULL : tmdk__node_int(m->arena, v, line, column);
	if (!x)
		m->oom = 1;
	return x;
}

tmdk_node *tmdk__df_bool_node(tmdk__df_model *m, int v, unsigned int line, unsigned int column)
{
	tmdk_node *x = m->oom ? NULL : tmdk__node_bool(m->arena, v, line, column);
	if (!x)
		m->oom = 1;
	return x;
}

void tmdk__df_put(tmdk__df_model *m, tmdk_node *map, const char *key, tmdk_node *value)
{
	if (m->oom || !map || !value || tmdk__node_map_put(m->arena, map, key, value) != TMDK_OK)
		m->oom = 1;
}

void tmdk__df_push(tmdk__df_model *m, tmdk_node *seq, tmdk_node *item)
{
	if (m->oom || !seq || !item || tmdk__node_seq_push(m->arena, seq, item) != TMDK_OK)
		m->oom = 1;
}

void tmdk__df_entry_add(tmdk__df_model *m, tmdk__df_entry **e, size_t *n, size_t *cap, const char *key, tmdk_node *value)
{
	if (m->oom || !key || !value) {
		m->oom = 1;
		return;
	}
	if (TMDK__ARRAY_RESERVE(*e, *n, *cap, 8) != TMDK_OK) {
		m->oom = 1;
		return;
	}
	(*e)[*n].key = key;
	(*e)[*n].value = value;
	(*e)[*n].order = *n;
	(*n)++;
}

static int by_key_then_order(const void *x, const void *y)
{
	const tmdk__df_entry *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->order > b->order) - (a->order < b->order);
}

static int by_order(const void *x, const void *y)
{
	const tmdk__df_entry *a = x, *b = y;
	return (a->order > b->order) - (a->order < b->order);
}

void tmdk__df_put_all(tmdk__df_model *m, tmdk_node *map, tmdk__df_entry *e, size_t n)
{
	size_t i, kept = 0;
	if (m->oom || !map || n == 0)
		return;
	qsort(e, n, sizeof(*e), by_key_then_order);
	for (i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && strcmp(e[j + 1].key, e[i].key) == 0)
			j++;
		e[kept].key = e[i].key;
		e[kept].order = e[i].order;  /* the first place … */
		e[kept].value = e[j].value;  /* … the last value */
		kept++;
		i = j + 1;
	}
	qsort(e, kept, sizeof(*e), by_order);
	for (i = 0; i < kept && !m->oom; i++) {
		tmdk_node *k = tmdk__df_str_node(m, e[i].key, strlen(e[i].key), e[i].value->line, e[i].value->column);
		if (k && tmdk__node_map_append(m->arena, map, k, e[i].value) != TMDK_OK)
			m->oom = 1;
	}
}

void tmdk__df_map_text(tmdk__df_model *m, const tmdk_node *node, const tmdk__df_instr *in, const tmdk__df_str *s)
{
	/* Only text copied verbatim from the logical line, and only when that
	 * line joined several: elsewhere the node's own position is exact. */
	if (!node || in->seg_count < 2 || s->off == TMDK__DF_NOPOS || s->off < in->raw.off ||
	    s->p != in->raw.p + (s->off - in->raw.off))
		return;
	if (tmdk__artifact_map_text(m->p->a, node, in->segs, in->seg_count, s->off) != TMDK_OK)
		m->oom = 1;
}

tmdk_node *tmdk__df_arg_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *s)
{
	unsigned int line, column;
	tmdk_node *node;
	tmdk__df_position(in, s->off, &line, &column);
	node = tmdk__df_str_node(m, s->p, s->n, line, column);
	tmdk__df_map_text(m, node, in, s);
	return node;
}

void tmdk__df_warn(tmdk__df_model *m, unsigned int line, unsigned int column, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (tmdk__artifact_warn(m->p->a, line, column, "%s", buf) != TMDK_OK)
		m->oom = 1;
}

tmdk_node *tmdk__df_word_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *s,
	tmdk_node *raw, const tmdk__df_lookup *scope, int *unresolved)
{
	tmdk__df_lex lx;
	tmdk__df_words w;
	unsigned int line, column;
	tmdk_node *node;
	size_t i;
	int rc;

	/* nothing to lex: the word is its own value */
	for (i = 0; i < s->n; i++) {
		char c = s->p[i];
		if (c == '$' || c == '\'' || c == '"' || c == m->p->escape)
			break;
	}
	if (i == s->n && raw)
		return raw;
	tmdk__df_position(in, s->off, &line, &column);
	if (i == s->n)
		return tmdk__df_str_node(m, s->p, s->n, line, column);
	lx.escape = m->p->escape;
	lx.raw_quotes = 0;
	lx.raw_escapes = 0;
	lx.vars = scope;
	rc = tmdk__df_lex_text(&lx, s->p, s->n, &w);
	if (rc == TMDK_ENOMEM) {
		m->oom = 1;
		return NULL;
	}
	if (rc != TMDK_OK) {
		tmdk__df_warn(m, line, column, "cannot expand \"%.*s\": %s; kept as written",
			(int)(s->n > 64 ? 64 : s->n), s->p, w.error);
		if (unresolved)
			*unresolved = 1;
		return raw ? raw : tmdk__df_str_node(m, s->p, s->n, line, column);
	}
	if (unresolved && w.unresolved && scope)
		*unresolved = 1;
	if (raw && w.len == s->n && memcmp(w.text, s->p, s->n) == 0)
		node = raw;
	else
		node = tmdk__df_str_node(m, w.text, w.len, line, column);
	tmdk__df_words_free(&w);
	return node;
}
