/*
 * Inline suppressions: `# tmdk:ignore=ID[,ID] reason` on the finding's line
 * or the line above (or on the first line of the multi-line instruction or
 * text it is in, or the line above that), `# tmdk:ignore-file=ID[,ID] reason` anywhere in the
 * file, and for Kubernetes objects the annotation `tmdk.io/ignore: "ID[,ID]
 * reason"` on the object or its pod template.
 */
#include "scan_int.h"
#include "array.h"

#include <ctype.h>
#include <string.h>

#define ANNOTATION "tmdk.io/ignore"

/* Does the id list starting at p name `id`? Sets *rest to the reason text. */
static int list_names(const char *p, const char *id, const char **rest)
{
	size_t idlen = strlen(id);
	int found = 0;
	for (;;) {
		const char *start = p;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
			p++;
		if ((size_t)(p - start) == idlen && strncmp(start, id, idlen) == 0)
			found = 1;
		if (*p != ',')
			break;
		p++;
		while (*p == ' ')
			p++;
	}
	*rest = p;
	return found;
}

/* Copy the reason into out->reason: 1, or TMDK_ENOMEM (which must
 * not pass for "no reason given"). */
static int reason_of(const char *rest, tmdk__suppression *out)
{
	while (*rest == ' ' || *rest == '\t' || *rest == '-' || *rest == ':' || *rest == '#')
		rest++;
	out->reason = *rest ? tmdk__strdup(rest) : NULL;
	return *rest && !out->reason ? TMDK_ENOMEM : 1;
}

/* Look for `directive=` in text naming id: 1 found, 0 not, TMDK_ENOMEM. */
static int text_suppresses(const char *text, const char *directive, const char *id, tmdk__suppression *out)
{
	const char *p = text;
	size_t dlen = strlen(directive);
	while (p && (p = strstr(p, directive)) != NULL) {
		const char *rest;
		p += dlen;
		if (list_names(p, id, &rest)) {
			out->found = 1;
			return reason_of(rest, out);
		}
	}
	return 0;
}

static int comment_at(const tmdk_artifact *a, unsigned int line, const char *id, tmdk__suppression *out)
{
	const char *c = tmdk_artifact_line_comment(a, line);
	int r = c ? text_suppresses(c, "tmdk:ignore=", id, out) : 0;
	if (r > 0) {
		out->line = line;
		out->source = "comment";
		out->where = a;
	}
	return r;
}

static int annotation_on(const tmdk_artifact *a, const tmdk_node *annotations, const char *id,
	tmdk__suppression *out)
{
	const tmdk_node *v = tmdk_node_get(annotations, ANNOTATION);
	const char *t = tmdk_node_text(v, NULL), *rest;
	if (!t)
		return 0;
	while (*t == ' ')
		t++;
	if (!list_names(t, id, &rest))
		return 0;
	out->found = 1;
	out->line = tmdk_node_line(v);
	out->source = "annotation " ANNOTATION;
	out->where = tmdk__node_source(a, v);
	return reason_of(rest, out);
}

int tmdk__file_suppression_lines(const tmdk_artifact *a, unsigned int **out, size_t *count)
{
	size_t l, n = 0, cap = 0, lines = tmdk_artifact_line_count(a);
	*out = NULL;
	*count = 0;
	for (l = 1; l <= lines; l++) {
		const char *c = tmdk_artifact_line_comment(a, (unsigned int)l);
		if (c && strstr(c, "tmdk:ignore-file=")) {
			if (TMDK__ARRAY_RESERVE(*out, n, cap, 4) != TMDK_OK) {
				tmdk__free(*out);
				*out = NULL;
				return TMDK_ENOMEM;
			}
			(*out)[n++] = (unsigned int)l;
		}
	}
	*count = n;
	return TMDK_OK;
}

/* A comment on the line or the line above. */
static int comment_near(const tmdk_artifact *a, unsigned int line, const char *id, tmdk__suppression *out)
{
	int r;
	if (!line)
		return 0;
	if ((r = comment_at(a, line, id, out)) != 0)
		return r;
	return line > 1 ? comment_at(a, line - 1, id, out) : 0;
}

int tmdk__find_suppression(const tmdk_artifact *a, const tmdk_artifact *text, const tmdk_node *view, const char *id,
	unsigned int line, unsigned int anchor, const unsigned int *file_lines, size_t file_line_count,
	tmdk__suppression *out)
{
	size_t l;
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = comment_near(text, line, id, out)) != 0 ||
	    (anchor != line && (r = comment_near(text, anchor, id, out)) != 0))
		return r;
	for (l = 0; l < file_line_count; l++) {
		const char *c = tmdk_artifact_line_comment(text, file_lines[l]);
		if (c && (r = text_suppresses(c, "tmdk:ignore-file=", id, out)) != 0) {
			out->line = file_lines[l];
			out->source = "file comment";
			out->where = text;
			return r;
		}
	}
	if (tmdk_artifact_kind(a) == TMDK_KIND_KUBERNETES &&
	    ((r = annotation_on(a, tmdk_node_get(view, "annotations"), id, out)) != 0 ||
	     (r = annotation_on(a, tmdk_node_path(view, "pod_metadata.annotations"), id, out)) != 0))
		return r;
	return 0;
}

/* ---- every inline suppression of an artifact (unknown ids, unused ones) ---- */

static int push_ignore(tmdk__ignores *list, const char *id, size_t len, unsigned int line, unsigned int column,
	int has_reason, size_t doc, const tmdk_artifact *where)
{
	tmdk__ignore *e;
	if (TMDK__ARRAY_RESERVE(list->items, list->count, list->cap, 8) != TMDK_OK)
		return TMDK_ENOMEM;
	e = &list->items[list->count];
	memset(e, 0, sizeof(*e));
	if (!(e->id = tmdk__strndup(id, len)))
		return TMDK_ENOMEM;
	e->line = line;
	e->column = column;
	e->has_reason = has_reason;
	e->document = doc;
	e->where = where;
	list->count++;
	return TMDK_OK;
}

/* The ids of a list at p (as list_names reads them), each pushed with its column. */
static int push_list(tmdk__ignores *list, const char *p, const char *line_start, unsigned int line, unsigned int col0,
	size_t doc, const tmdk_artifact *where)
{
	const char *ids[64];
	size_t lens[64], n = 0, i;
	const char *rest;
	for (;;) {
		const char *start = p;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
			p++;
		if (p > start && n < 64) {
			ids[n] = start;
			lens[n++] = (size_t)(p - start);
		}
		if (*p != ',')
			break;
		p++;
		while (*p == ' ')
			p++;
	}
	rest = p;
	while (*rest == ' ' || *rest == '\t' || *rest == '-' || *rest == ':' || *rest == '#')
		rest++;
	for (i = 0; i < n; i++) {
		unsigned int col = line_start ? col0 + (unsigned int)(ids[i] - line_start) : col0;
		if (push_ignore(list, ids[i], lens[i], line, col, *rest != '\0', doc, where) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* Column (from 1) of the comment text c in the raw line, or 1. */
static unsigned int comment_column(const tmdk_artifact *a, unsigned int line, const char *c)
{
	size_t len, clen = strlen(c), i;
	const char *raw = tmdk_artifact_line(a, line, &len);
	if (!raw || clen > len)
		return 1;
	for (i = len - clen + 1; i-- > 0;)
		if (memcmp(raw + i, c, clen) == 0)
			return (unsigned int)i + 1;
	return 1;
}

static int scan_comment(tmdk__ignores *list, const tmdk_artifact *a, unsigned int line, const char *c)
{
	static const char *const directives[] = { "tmdk:ignore=", "tmdk:ignore-file=" };
	unsigned int col = comment_column(a, line, c);
	size_t d;
	for (d = 0; d < 2; d++) {
		const char *p = c;
		size_t dlen = strlen(directives[d]);
		while ((p = strstr(p, directives[d])) != NULL) {
			p += dlen;
			if (push_list(list, p, c, line, col, (size_t)-1, a) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

static int scan_annotation(tmdk__ignores *list, const tmdk_artifact *a, const tmdk_node *annotations, size_t doc)
{
	const tmdk_node *v = tmdk_node_get(annotations, ANNOTATION);
	const char *t = tmdk_node_text(v, NULL);
	if (!t)
		return TMDK_OK;
	while (*t == ' ')
		t++;
	return push_list(list, t, NULL, tmdk_node_line(v), tmdk_node_column(v), doc, tmdk__node_source(a, v));
}

/* The comment directives of one file. */
static int collect_comments(tmdk__ignores *out, const tmdk_artifact *a)
{
	size_t l, lines = tmdk_artifact_line_count(a);
	for (l = 1; l <= lines; l++) {
		const char *c = tmdk_artifact_line_comment(a, (unsigned int)l);
		if (c && strstr(c, "tmdk:ignore") && scan_comment(out, a, (unsigned int)l, c) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

int tmdk__collect_ignores(const tmdk_artifact *a, tmdk__ignores *out)
{
	size_t d, i;
	memset(out, 0, sizeof(*out));
	if (collect_comments(out, a) != TMDK_OK)
		goto nomem;
	for (i = 0; i < tmdk_artifact_source_count(a); i++)
		if (collect_comments(out, tmdk_artifact_source(a, i)) != TMDK_OK)
			goto nomem;
	if (tmdk_artifact_kind(a) == TMDK_KIND_KUBERNETES)
		for (d = 0; d < tmdk_artifact_document_count(a); d++) {
			const tmdk_node *view = tmdk_document_view(tmdk_artifact_document(a, d));
			if (scan_annotation(out, a, tmdk_node_get(view, "annotations"), d) != TMDK_OK ||
			    scan_annotation(out, a, tmdk_node_path(view, "pod_metadata.annotations"), d) != TMDK_OK)
				goto nomem;
		}
	return TMDK_OK;
nomem:
	tmdk__ignores_free(out);
	return TMDK_ENOMEM;
}

void tmdk__ignores_free(tmdk__ignores *list)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		tmdk__free(list->items[i].id);
	tmdk__free(list->items);
	memset(list, 0, sizeof(*list));
}

void tmdk__ignores_mark_used(tmdk__ignores *list, const char *id, unsigned int line, const tmdk_artifact *where)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		if (list->items[i].line == line && list->items[i].where == where && strcmp(list->items[i].id, id) == 0)
			list->items[i].used = 1;
}

/* ---- the nearest known id ---------------------------------------------------- */

/* Edit distance (insertions, deletions, substitutions; case-insensitive), capped at 255. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[65];
	if (la > 64 || lb > 64)
		return 255;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *tmdk_catalog_suggest(const tmdk_catalog *cat, const char *id)
{
	const char *best = NULL;
	size_t i, best_d = (size_t)-1, n = tmdk_catalog_pattern_count(cat), len;
	if (!cat || !id)
		return NULL;
	len = strlen(id);
	for (i = 0; i < n; i++) {
		const char *cand = tmdk_pattern_id(tmdk_catalog_pattern(cat, i));
		size_t d = distance(id, cand);
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	/* Close enough to be the same id mistyped: at most a third of it changed (and 1 at least). */
	return best && best_d * 3 <= (len > 3 ? len : 3) ? best : NULL;
}
