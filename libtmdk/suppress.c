/*
 * Inline suppressions: `# tmdk:ignore=ID[,ID] reason` on the finding's line
 * or the line above, `# tmdk:ignore-file=ID[,ID] reason` anywhere in the
 * file, and for Kubernetes objects the annotation `tmdk.io/ignore: "ID[,ID]
 * reason"` on the object or its pod template.
 */
#include "scan_int.h"

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

static char *reason_of(const char *rest)
{
	while (*rest == ' ' || *rest == '\t' || *rest == '-' || *rest == ':' || *rest == '#')
		rest++;
	return *rest ? tmdk__strdup(rest) : NULL;
}

/* Look for `directive=` in text naming id. */
static int text_suppresses(const char *text, const char *directive, const char *id, tmdk__suppression *out)
{
	const char *p = text;
	size_t dlen = strlen(directive);
	while (p && (p = strstr(p, directive)) != NULL) {
		const char *rest;
		p += dlen;
		if (list_names(p, id, &rest)) {
			out->found = 1;
			out->reason = reason_of(rest);
			return 1;
		}
	}
	return 0;
}

static int comment_at(const tmdk_artifact *a, unsigned int line, const char *id, tmdk__suppression *out)
{
	const char *c = tmdk_artifact_line_comment(a, line);
	if (c && text_suppresses(c, "tmdk:ignore=", id, out)) {
		out->line = line;
		out->source = "comment";
		return 1;
	}
	return 0;
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
	out->reason = reason_of(rest);
	out->line = tmdk_node_line(v);
	out->source = "annotation " ANNOTATION;
	return 1;
}

size_t tmdk__file_suppression_lines(const tmdk_artifact *a, unsigned int **out)
{
	size_t l, n = 0, lines = tmdk_artifact_line_count(a);
	*out = NULL;
	for (l = 1; l <= lines; l++) {
		const char *c = tmdk_artifact_line_comment(a, (unsigned int)l);
		if (c && strstr(c, "tmdk:ignore-file=")) {
			unsigned int *p = tmdk__realloc(*out, (n + 1) * sizeof(**out));
			if (!p)
				return n;
			*out = p;
			(*out)[n++] = (unsigned int)l;
		}
	}
	return n;
}

int tmdk__find_suppression(const tmdk_artifact *a, const tmdk_node *view, const char *id,
	unsigned int line, const unsigned int *file_lines, size_t file_line_count, tmdk__suppression *out)
{
	size_t l;
	memset(out, 0, sizeof(*out));
	if (line && (comment_at(a, line, id, out) || (line > 1 && comment_at(a, line - 1, id, out))))
		return 1;
	for (l = 0; l < file_line_count; l++) {
		const char *c = tmdk_artifact_line_comment(a, file_lines[l]);
		if (c && text_suppresses(c, "tmdk:ignore-file=", id, out)) {
			out->line = file_lines[l];
			out->source = "file comment";
			return 1;
		}
	}
	if (tmdk_artifact_kind(a) == TMDK_KIND_KUBERNETES &&
	    (annotation_on(tmdk_node_get(view, "annotations"), id, out) ||
	     annotation_on(tmdk_node_path(view, "pod_metadata.annotations"), id, out)))
		return 1;
	return 0;
}
