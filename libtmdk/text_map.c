/*
 * Positions inside scalars that span several source lines. A Dockerfile
 * instruction's text joins its continuation lines, and a heredoc body holds
 * many lines, yet their nodes have one position: where they start. A regex
 * that matches on the fourth line of a RUN would be reported on its first.
 * The parsers record here where such texts come from, and the scanner asks
 * for the position of the matched offset. (YAML literal block scalars, whose
 * lines are the source lines, are mapped here from the source text.)
 */
#include "internal.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

int tmdk__artifact_map_text(tmdk_artifact *a, const tmdk_node *node, const tmdk__text_seg *segs, size_t count,
	size_t base)
{
	tmdk__text_map *m;
	if (!node || !count)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(a->text_maps, a->text_map_count, a->text_map_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	m = &a->text_maps[a->text_map_count++];
	m->node = node;
	m->segs = segs;
	m->count = count;
	m->base = base;
	return TMDK_OK;
}

/* Source line `line` (from 1): its text and length, without the newline. */
static const char *source_line(const tmdk_artifact *a, size_t line, size_t *len)
{
	size_t start, end;
	if (line < 1 || line > a->line_count)
		return NULL;
	start = a->line_starts[line - 1];
	end = line < a->line_count ? a->line_starts[line] - 1 : a->text_len;
	*len = end - start;
	return a->text + start;
}

/* The indentation of a literal block: that of its first line with text.
 * -1 when there is none. */
static long block_indent(const tmdk_artifact *a, size_t first_line)
{
	size_t line, len = 0, i;
	for (line = first_line; line <= a->line_count; line++) {
		const char *t = source_line(a, line, &len);
		if (!t)
			break;
		for (i = 0; i < len && t[i] == ' '; i++)
			;
		if (i < len && t[i] != '\r')
			return (long)i;
	}
	return -1;
}

/* An explicit indentation indicator (`|2`) on the header line: the block's
 * indentation is then not its first line's, and it is not mapped. */
static int has_indent_indicator(const tmdk_artifact *a, size_t header_line)
{
	size_t len = 0, i;
	const char *t = source_line(a, header_line, &len);
	const char *bar = t ? memchr(t, '|', len) : NULL;
	if (!bar)
		return 1;
	for (i = (size_t)(bar - t) + 1; i < len && (t[i] == '-' || t[i] == '+' || (t[i] >= '0' && t[i] <= '9')); i++)
		if (t[i] >= '0' && t[i] <= '9')
			return 1;
	return 0;
}

int tmdk__artifact_map_block(tmdk_artifact *a, const tmdk_node *node, unsigned int header_line)
{
	size_t len, count = 0, k, off;
	const char *text = tmdk_node_text(node, &len), *nl;
	tmdk__text_seg *segs;
	long indent;

	for (nl = text; nl && (nl = memchr(nl, '\n', len - (size_t)(nl - text))) != NULL && (size_t)(nl - text) + 1 < len;
	     nl++)
		count++;
	if (!text || count == 0 || has_indent_indicator(a, header_line) ||
	    (indent = block_indent(a, (size_t)header_line + 1)) < 0)
		return TMDK_OK; /* one line (its position is exact), or not a plain literal block */
	segs = tmdk__arena_alloc_raw(&a->arena, (count + 1) * sizeof(*segs), sizeof(void *)); /* filled whole below */
	if (!segs)
		return TMDK_ENOMEM;
	for (k = 0, off = 0; k <= count; k++) {
		segs[k].off = off;
		segs[k].line = header_line + 1 + (unsigned int)k;
		segs[k].column = (unsigned int)indent + 1;
		nl = memchr(text + off, '\n', len - off);
		off = nl ? (size_t)(nl - text) + 1 : len;
	}
	return tmdk__artifact_map_text(a, node, segs, count + 1, 0);
}

static int compare_maps(const void *pa, const void *pb)
{
	const tmdk__text_map *a = pa, *b = pb;
	/* Addresses of distinct objects are ordered through uintptr_t. */
	uintptr_t x = (uintptr_t)a->node, y = (uintptr_t)b->node;
	return (x > y) - (x < y);
}

void tmdk__artifact_index_text_maps(tmdk_artifact *a)
{
	if (a->text_map_count > 1)
		qsort(a->text_maps, a->text_map_count, sizeof(*a->text_maps), compare_maps);
}

static const tmdk__text_map *find_map(const tmdk_artifact *a, const tmdk_node *node)
{
	size_t lo = 0, hi = a->text_map_count;
	uintptr_t key = (uintptr_t)node;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t at = (uintptr_t)a->text_maps[mid].node;
		if (at == key)
			return &a->text_maps[mid];
		if (at < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const tmdk__text_map *tmdk__artifact_text_map(const tmdk_artifact *a, const tmdk_node *node)
{
	return a ? find_map(a, node) : NULL;
}

int tmdk__text_position(const tmdk__text_seg *segs, size_t count, size_t pos, unsigned int *line,
	unsigned int *column)
{
	size_t lo = 0, hi = count;
	if (!count || segs[0].off > pos)
		return 0;
	/* the last segment starting at or before pos */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (segs[mid].off <= pos)
			lo = mid;
		else
			hi = mid;
	}
	*line = segs[lo].line;
	*column = segs[lo].column + (unsigned int)(pos - segs[lo].off);
	return 1;
}

int tmdk__artifact_locate(const tmdk_artifact *a, const tmdk_node *node, size_t off, unsigned int *line,
	unsigned int *column)
{
	const tmdk__text_map *m = a ? find_map(a, node) : NULL;
	return m && tmdk__text_position(m->segs, m->count, m->base + off, line, column);
}
