/*
 * Helpers shared by the Criterion tests: parse a literal, find fixtures and
 * the public corpus, read files.
 */
#ifndef TMDK_TESTS_HELPERS_H
#define TMDK_TESTS_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Parse a NUL-terminated literal as `kind` (TMDK_KIND_AUTO to detect). */
static inline tmdk_artifact *parse_as(const char *name, const char *text, tmdk_kind kind)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	o.kind = kind;
	rc = tmdk_artifact_parse_buffer(&a, name, text, strlen(text), &o, &err);
	cr_assert_eq(rc, TMDK_OK, "parse of %s failed: %s:%u:%u: %s", name ? name : "(buffer)",
		err.source, err.line, err.column, err.message);
	cr_assert_not_null(a);
	return a;
}

/* Parse expecting failure; returns the code and fills err. */
static inline int parse_fails(const char *name, const char *text, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a = (tmdk_artifact *)0x1;
	int rc = tmdk_artifact_parse_buffer(&a, name, text, len, opts, err);
	cr_assert_lt(rc, 0, "expected %s to fail", name ? name : "(buffer)");
	cr_assert_null(a, "out must be NULL on failure");
	cr_assert_eq(err->code, rc);
	return rc;
}

/* The public corpus folder (../shared/corpus), or NULL when absent. */
static inline const char *corpus_dir(void)
{
	static char path[4096];
	const char *env = getenv("TMDK_CORPUS");
	FILE *f;
	if (!env || !*env)
		return NULL;
	snprintf(path, sizeof(path), "%s/SOURCES.md", env);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fclose(f);
	return env;
}

/* A fixture path under tests/fixtures. */
static inline const char *fixture(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("TMDK_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", rel);
	return path;
}

/* Read a whole file into a malloc'd, NUL-terminated buffer. */
static inline char *read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	if (len_out)
		*len_out = buf ? (size_t)n : 0;
	return buf;
}

/* The single document's view of an artifact. */
static inline const tmdk_node *view_of(const tmdk_artifact *a, size_t i)
{
	return tmdk_document_view(tmdk_artifact_document(a, i));
}

#endif
