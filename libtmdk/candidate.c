/*
 * What a candidate file is: an artifact, another kind of file, skipped for a
 * reason, or an error (include/tmdk/walk.h has the rule and the wording).
 *
 * JSON with comments is skipped rather than read: the files that carry them
 * (tsconfig.json, .vscode/, devcontainer.json) are never container artifacts,
 * and dockerd itself rejects comments in daemon.json (a named artifact, so
 * there it is an error). UTF-16/32 is skipped rather than transcoded: Docker
 * reads Dockerfiles as UTF-8 only, and findings point at UTF-8 lines.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "tmdk/walk.h"

#define BINARY_SNIFF_BYTES 8000 /* as git and diff do */

static const char *base_name(const char *name)
{
	const char *s = name ? strrchr(name, '/') : NULL;
	return s ? s + 1 : (name ? name : "");
}

static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext), i;
	if (n <= e)
		return 0;
	for (i = 0; i < e; i++) {
		char c = name[n - e + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return 0;
	}
	return 1;
}

static int is_blank_text(const unsigned char *p, size_t len)
{
	size_t i = 0;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

static int is_wide_text(const unsigned char *p, size_t len)
{
	if (len >= 4 && ((p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) ||
		(p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0)))
		return 1;
	return len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF));
}

static int has_nul(const unsigned char *p, size_t len)
{
	return memchr(p, 0, len < BINARY_SNIFF_BYTES ? len : BINARY_SNIFF_BYTES) != NULL;
}

/* A // or block comment outside strings: JSON with comments. */
static int has_json_comment(const char *p, size_t len)
{
	size_t i;
	int in_string = 0;
	for (i = 0; i < len; i++) {
		char c = p[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '/' && i + 1 < len && (p[i + 1] == '/' || p[i + 1] == '*')) {
			return 1;
		}
	}
	return 0;
}

static int has_braces(const char *p, size_t len)
{
	size_t i;
	for (i = 0; i + 1 < len; i++)
		if (p[i] == '{' && p[i + 1] == '{')
			return 1;
	return 0;
}

/* The byte at line:column (1-based, columns in bytes), or -1. */
static int byte_at(const char *p, size_t len, unsigned int line, unsigned int column)
{
	size_t i = 0;
	unsigned int l = 1;
	if (!line || !column)
		return -1;
	while (l < line && i < len) {
		if (p[i++] == '\n')
			l++;
	}
	if (l != line || i + column - 1 >= len)
		return -1;
	return (unsigned char)p[i + column - 1];
}

/* Whether a tab starts the error's line or sits where the parser stopped. */
static int tab_at_error(const char *p, size_t len, const tmdk_error *e)
{
	return byte_at(p, len, e->line, e->column) == '\t' || byte_at(p, len, e->line, 1) == '\t';
}

static void set_reason(tmdk_error *err, const char *name, unsigned int line, unsigned int column,
	const char *reason, const char *detail)
{
	if (detail && *detail)
		tmdk__error_set(err, TMDK_EPARSE, name, line, column, "%s: %s", reason, detail);
	else
		tmdk__error_set(err, TMDK_EPARSE, name, line, column, "%s", reason);
}

const char *tmdk_candidate_status_name(tmdk_candidate_status status)
{
	switch (status) {
	case TMDK_CANDIDATE_ARTIFACT: return "artifact";
	case TMDK_CANDIDATE_OTHER: return "other";
	case TMDK_CANDIDATE_SKIPPED: return "skipped";
	case TMDK_CANDIDATE_ERROR: return "error";
	}
	return NULL;
}

/* heap: data is a heap buffer (NUL-terminated at len) the artifact may take
 * over (*taken set, see tmdk__artifact_parse_heap), else NULL. */
static int candidate_parse(tmdk_artifact **out, tmdk_candidate_status *status, const char *name,
	const void *data, size_t len, char *heap, int *taken, unsigned int flags, const tmdk_parse_options *opts,
	tmdk_error *err)
{
	const unsigned char *bytes = data;
	const char *base = base_name(name);
	int yaml_like = 0, named, rc;
	char message[sizeof(err->message)];
	tmdk_error perr;

	if (taken)
		*taken = 0;
	tmdk_error_clear(err);
	if (out)
		*out = NULL;
	if (status)
		*status = TMDK_CANDIDATE_ERROR;
	if (!out || !status || (!data && len))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	named = tmdk__kind_from_name(name ? name : "", &yaml_like) != TMDK_KIND_UNKNOWN ||
		(opts && opts->kind != TMDK_KIND_AUTO);

	*status = TMDK_CANDIDATE_SKIPPED;
	if (!named && (flags & TMDK_CANDIDATE_HELM_TEMPLATE)) {
		set_reason(err, name, 0, 0, "Helm template (not rendered)", NULL);
		return TMDK_OK;
	}
	if (is_wide_text(bytes, len)) {
		/* libyaml would read UTF-16, Docker does not: one rule for every kind. */
		if (named || (flags & TMDK_CANDIDATE_UNPARSEABLE_ERROR)) {
			*status = TMDK_CANDIDATE_ERROR;
			return tmdk__error_set(err, TMDK_EPARSE, name, 1, 1, "UTF-16 text (libtmdk reads UTF-8)");
		}
		set_reason(err, name, 0, 0, "UTF-16 text (libtmdk reads UTF-8)", NULL);
		return TMDK_OK;
	}
	if (len && has_nul(bytes, len) && !named && !(flags & TMDK_CANDIDATE_UNPARSEABLE_ERROR)) {
		/* When it is an error, the parser says where. */
		set_reason(err, name, 0, 0, "binary file (contains NUL bytes)", NULL);
		return TMDK_OK;
	}
	if (!named && is_blank_text(bytes, len)) {
		set_reason(err, name, 0, 0, "empty file", NULL);
		return TMDK_OK;
	}

	if (heap)
		rc = tmdk__artifact_parse_heap(out, taken, name, heap, len, opts, &perr);
	else
		rc = tmdk_artifact_parse_buffer(out, name, data, len, opts, &perr);
	if (rc == TMDK_OK) {
		*status = tmdk_artifact_kind(*out) == TMDK_KIND_UNKNOWN ? TMDK_CANDIDATE_OTHER : TMDK_CANDIDATE_ARTIFACT;
		if (*status == TMDK_CANDIDATE_OTHER) {
			tmdk_artifact_free(*out);
			*out = NULL;
		}
		return TMDK_OK;
	}
	if (rc != TMDK_EPARSE || named || (flags & TMDK_CANDIDATE_UNPARSEABLE_ERROR)) {
		*status = TMDK_CANDIDATE_ERROR;
		*err = perr;
		return rc;
	}
	/* A YAML or JSON file that is not ours and does not parse: say why, skip it. */
	snprintf(message, sizeof(message), "%s", perr.message);
	if (has_ext(base, ".json") && has_json_comment(data, len))
		set_reason(err, name, perr.line, perr.column, "JSON with comments (JSONC), not JSON", NULL);
	else if (strncmp(message, "invalid UTF-8", 13) == 0)
		set_reason(err, name, perr.line, perr.column, "not UTF-8 text (another encoding?)", message);
	else if (tab_at_error(data, len, &perr))
		set_reason(err, name, perr.line, perr.column, "YAML indented with tabs, not valid YAML", message);
	else if (has_braces(data, len))
		set_reason(err, name, perr.line, perr.column, "template syntax ({{ }}), not valid YAML until rendered",
			message);
	else
		set_reason(err, name, perr.line, perr.column,
			has_ext(base, ".json") ? "not valid JSON" : "not valid YAML", message);
	return TMDK_OK;
}

int tmdk_candidate_parse_buffer(tmdk_artifact **out, tmdk_candidate_status *status, const char *name,
	const void *data, size_t len, unsigned int flags, const tmdk_parse_options *opts, tmdk_error *err)
{
	return candidate_parse(out, status, name, data, len, NULL, NULL, flags, opts, err);
}

int tmdk_candidate_parse_file(tmdk_artifact **out, tmdk_candidate_status *status, const char *path,
	unsigned int flags, const tmdk_parse_options *opts, tmdk_error *err)
{
	size_t max = opts && opts->max_input_bytes ? opts->max_input_bytes : TMDK_DEFAULT_MAX_INPUT_BYTES;
	size_t len;
	char *buf;
	int rc, taken = 0;

	tmdk_error_clear(err);
	if (out)
		*out = NULL;
	if (status)
		*status = TMDK_CANDIDATE_ERROR;
	if (!out || !status || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	if ((flags & TMDK_CANDIDATE_HELM_TEMPLATE) && !(opts && opts->kind != TMDK_KIND_AUTO)) {
		int yaml_like = 0;
		if (tmdk__kind_from_name(path, &yaml_like) == TMDK_KIND_UNKNOWN) {
			/* Not read: the reason does not depend on the bytes. */
			*status = TMDK_CANDIDATE_SKIPPED;
			set_reason(err, path, 0, 0, "Helm template (not rendered)", NULL);
			return TMDK_OK;
		}
	}
	rc = tmdk__read_file(path, max, "max_input_bytes", &buf, &len, err);
	if (rc != TMDK_OK)
		return rc;
	/* The artifact takes the buffer over when it parses: the file is not copied again. */
	rc = candidate_parse(out, status, path, buf, len, buf, &taken, flags, opts, err);
	if (!taken)
		tmdk__text_free(buf);
	return rc;
}
