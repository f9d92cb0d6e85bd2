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
	}
	return r;
}

static int annotation_on(const tmdk_node *annotations, const char *id, tmdk__suppression *out)
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

int tmdk__find_suppression(const tmdk_artifact *a, const tmdk_node *view, const char *id,
	unsigned int line, unsigned int anchor, const unsigned int *file_lines, size_t file_line_count,
	tmdk__suppression *out)
{
	size_t l;
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = comment_near(a, line, id, out)) != 0 || (anchor != line && (r = comment_near(a, anchor, id, out)) != 0))
		return r;
	for (l = 0; l < file_line_count; l++) {
		const char *c = tmdk_artifact_line_comment(a, file_lines[l]);
		if (c && (r = text_suppresses(c, "tmdk:ignore-file=", id, out)) != 0) {
			out->line = file_lines[l];
			out->source = "file comment";
			return r;
		}
	}
	if (tmdk_artifact_kind(a) == TMDK_KIND_KUBERNETES &&
	    ((r = annotation_on(tmdk_node_get(view, "annotations"), id, out)) != 0 ||
	     (r = annotation_on(tmdk_node_path(view, "pod_metadata.annotations"), id, out)) != 0))
		return r;
	return 0;
}
