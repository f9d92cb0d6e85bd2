/*
 * Shared by tests/test_yaml_fast.c and tests/fuzz/fuzz_yaml_fast.c: load one
 * text with both YAML loaders and compare everything they leave in the
 * artifact (documents, every node with its type, style, tag, text, line and
 * column, warnings, comments, literal-block text maps). Internal API.
 */
#ifndef TMDK_TESTS_YAML_COMPARE_H
#define TMDK_TESTS_YAML_COMPARE_H

#include "libtmdk/yaml_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ycmp_buf {
	char *data;
	size_t len, cap;
} ycmp_buf;

static inline void ycmp_add(ycmp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static inline void ycmp_text(ycmp_buf *b, const char *s, size_t len)
{
	size_t i;
	ycmp_add(b, "\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F)
			ycmp_add(b, "\\x%02X", c);
		else
			ycmp_add(b, "%c", c);
	}
	ycmp_add(b, "\"");
}

static inline void ycmp_node(ycmp_buf *b, const tmdk_node *n, int depth)
{
	size_t i;
	ycmp_add(b, "%*s%u:%u t%d s%d f%d o%u", depth * 2, "", n->line, n->column, n->type, n->scalar_type,
		n->flags, n->origin);
	if (n->tag)
		ycmp_add(b, " !%s", n->tag);
	if (n->type == TMDK_NODE_SCALAR) {
		ycmp_add(b, " ");
		ycmp_text(b, n->u.scalar.text, n->u.scalar.len);
		ycmp_add(b, "\n");
	} else if (n->type == TMDK_NODE_SEQUENCE) {
		ycmp_add(b, " [%zu]\n", n->u.seq.count);
		for (i = 0; i < n->u.seq.count; i++)
			ycmp_node(b, n->u.seq.items[i], depth + 1);
	} else {
		ycmp_add(b, " {%zu}\n", n->u.map.count);
		for (i = 0; i < n->u.map.count; i++) {
			ycmp_node(b, n->u.map.keys[i], depth + 1);
			ycmp_node(b, n->u.map.values[i], depth + 2);
		}
	}
}

static inline int ycmp_by_position(const void *x, const void *y)
{
	const tmdk__text_map *a = x, *b = y;
	if (a->node->line != b->node->line)
		return a->node->line < b->node->line ? -1 : 1;
	return (a->node->column > b->node->column) - (a->node->column < b->node->column);
}

/* Everything a loader leaves in the artifact, as text. Text maps are kept
 * in node address order: shown in source order instead. */
static inline char *ycmp_dump(const tmdk_artifact *a)
{
	ycmp_buf b = { NULL, 0, 0 };
	tmdk__text_map *maps;
	size_t i, k;
	ycmp_add(&b, "documents %zu\n", a->doc_count);
	for (i = 0; i < a->doc_count; i++) {
		ycmp_add(&b, "document %zu line %u item %ld\n", a->docs[i].index, a->docs[i].line, a->docs[i].item_index);
		ycmp_node(&b, a->docs[i].root, 1);
	}
	for (i = 0; i < a->warning_count; i++)
		ycmp_add(&b, "warning %s\n", a->warnings[i].message);
	if (a->comments)
		for (i = 0; i <= a->line_count; i++)
			if (a->comments[i])
				ycmp_add(&b, "comment %zu %s\n", i, a->comments[i]);
	maps = malloc((a->text_map_count + 1) * sizeof(*maps));
	if (!maps)
		abort();
	if (a->text_map_count)
		memcpy(maps, a->text_maps, a->text_map_count * sizeof(*maps));
	qsort(maps, a->text_map_count, sizeof(*maps), ycmp_by_position);
	for (i = 0; i < a->text_map_count; i++) {
		const tmdk__text_map *m = &maps[i];
		ycmp_add(&b, "text map %u:%u base %zu:", m->node->line, m->node->column, m->base);
		for (k = 0; k < m->count; k++)
			ycmp_add(&b, " %zu@%u:%u", m->segs[k].off, m->segs[k].line, m->segs[k].column);
		ycmp_add(&b, "\n");
	}
	free(maps);
	return b.data;
}

/* An artifact as tmdk_artifact_parse_buffer prepares it before parsing. */
static inline tmdk_artifact *ycmp_artifact(const char *text, size_t len, const tmdk_parse_options *opts)
{
	tmdk_artifact *a = tmdk__calloc(1, sizeof(*a));
	size_t i, cap = 16;

	if (!a)
		abort();
	tmdk__arena_init(&a->arena);
	if (opts)
		a->limits = *opts;
	else
		tmdk_parse_options_init(&a->limits, TMDK_PARSE_OPTIONS_VERSION);
	tmdk__parse_options_fill(&a->limits);
	a->name = "compare.yaml";
	a->text = tmdk__arena_strndup(&a->arena, text, len);
	a->text_len = len;
	for (i = 0; i < len; i++)
		cap += text[i] == '\n';
	a->line_starts = tmdk__arena_alloc_raw(&a->arena, cap * sizeof(size_t), sizeof(size_t)); /* as index_lines */
	if (!a->text || !a->line_starts)
		abort();
	a->line_starts[0] = 0;
	a->line_count = len ? 1 : 0;
	for (i = 0; i + 1 < len; i++)
		if (text[i] == '\n')
			a->line_starts[a->line_count++] = i + 1;
	return a;
}

enum { YCMP_SAME, YCMP_DECLINED, YCMP_DIFFERENT };

/*
 * Load text with both loaders. @return YCMP_DECLINED when the fast loader
 * declined (and left the artifact untouched), YCMP_SAME when both loaded it
 * alike, YCMP_DIFFERENT otherwise; *why (malloc'd, or NULL) shows the two
 * dumps of a difference.
 */
static inline int ycmp_compare(const char *text, size_t len, const tmdk_parse_options *opts, char **why)
{
	tmdk_artifact *slow = ycmp_artifact(text, len, opts), *quick = ycmp_artifact(text, len, opts);
	tmdk_error err;
	int rc_slow, rc_fast, result;
	char *d_slow = NULL, *d_fast;

	memset(&err, 0, sizeof(err));
	*why = NULL;
	rc_slow = tmdk__yaml_load_events(slow, &err);
	rc_fast = tmdk__utf8_validate(text, len) == len ? tmdk__yaml_load_fast(quick) : TMDK__YAML_DECLINED;
	if (rc_fast == TMDK__YAML_DECLINED) {
		d_fast = ycmp_dump(quick);
		result = quick->doc_count || quick->text_map_count || quick->comments ? YCMP_DIFFERENT : YCMP_DECLINED;
		if (result == YCMP_DIFFERENT)
			*why = d_fast;
		else
			free(d_fast);
	} else if (rc_slow != TMDK_OK) {
		ycmp_buf b = { NULL, 0, 0 };
		ycmp_add(&b, "fast loader accepted what libyaml rejects (%d): %s at %u:%u", rc_slow, err.message,
			err.line, err.column);
		*why = b.data;
		result = YCMP_DIFFERENT;
	} else {
		d_slow = ycmp_dump(slow);
		d_fast = ycmp_dump(quick);
		result = strcmp(d_slow, d_fast) == 0 && rc_fast == TMDK_OK ? YCMP_SAME : YCMP_DIFFERENT;
		if (result == YCMP_DIFFERENT) {
			ycmp_buf b = { NULL, 0, 0 };
			ycmp_add(&b, "libyaml:\n%s\nfast (rc %d):\n%s", d_slow, rc_fast, d_fast);
			*why = b.data;
		}
		free(d_slow);
		free(d_fast);
	}
	tmdk_artifact_free(slow);
	tmdk_artifact_free(quick);
	return result;
}

#endif /* TMDK_TESTS_YAML_COMPARE_H */
