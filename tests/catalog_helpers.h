/*
 * Helpers for the catalog tests: compile a catalog from text, compile a
 * one-pattern catalog from a match expression, scan text into a list.
 */
#ifndef TMDK_TESTS_CATALOG_HELPERS_H
#define TMDK_TESTS_CATALOG_HELPERS_H

#include "helpers.h"

#define CATALOG_HEADER \
	"catalog: {name: test, version: '1', benchmarks: {cis-docker: v1.6.0, cis-kubernetes: v1.10.0}}\n" \
	"patterns:\n"

/* Compile text; on failure returns NULL and leaves the compiler in *cout (if given). */
static inline tmdk_catalog *compile_text_flags(const char *text, unsigned int flags, tmdk_compiler **cout, tmdk_error *err)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = NULL;
	o.flags = flags;
	cr_assert_eq(tmdk_compiler_new(&c, &o, err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "test.yaml", text, strlen(text), err), TMDK_OK);
	if (tmdk_compiler_compile(&cat, c, err) != TMDK_OK)
		cat = NULL;
	if (cout)
		*cout = c;
	else
		tmdk_compiler_free(c);
	return cat;
}

static inline tmdk_catalog *compile_text(const char *text, tmdk_compiler **cout)
{
	tmdk_error err;
	return compile_text_flags(text, TMDK_COMPILE_CHECK_EXAMPLES, cout, &err);
}

/* Print every diagnostic (for failing assertions). */
static inline void dump_diagnostics(const tmdk_compiler *c)
{
	size_t i;
	for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++) {
		const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
		fprintf(stderr, "%s:%u:%u: %s: [%s] %s\n", d->file ? d->file : "?", d->line, d->column,
			d->level == TMDK_DIAG_ERROR ? "error" : "warning", d->pattern_id ? d->pattern_id : "-", d->message);
	}
}

/* A catalog with one pattern TEST-001 made of the given match and message (flow YAML). */
static inline tmdk_catalog *one_pattern(const char *kinds, const char *match, const char *message)
{
	char buf[8192];
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat;
	snprintf(buf, sizeof(buf), CATALOG_HEADER
		"  - id: TEST-001\n"
		"    title: test pattern\n"
		"    question: what-are-we-going-to-do\n"
		"    risk: privilege-escalation\n"
		"    severity: high\n"
		"    description: d\n"
		"    mitigation: m\n"
		"    applies-to: [%s]\n"
		"    match: %s\n"
		"    message: \"%s\"\n", kinds, match, message);
	cat = compile_text(buf, &c);
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat, "pattern did not compile: %s", match);
	tmdk_compiler_free(c);
	return cat;
}

/* Scan text of a kind; returns a list of findings (caller frees). */
static inline tmdk_findings *scan_text(const tmdk_catalog *cat, tmdk_kind kind, const char *name, const char *text)
{
	tmdk_artifact *a = parse_as(name, text, kind);
	tmdk_findings *list = NULL;
	tmdk_error err;
	int rc;
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	rc = tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err);
	cr_assert_eq(rc, TMDK_OK, "scan failed: %s", err.message);
	tmdk_artifact_free(a);
	return list;
}

/* Number of (unsuppressed) findings of a one-pattern catalog on text. */
static inline size_t count_matches(const char *kinds, const char *match, tmdk_kind kind, const char *text)
{
	tmdk_catalog *cat = one_pattern(kinds, match, "m");
	tmdk_findings *list = scan_text(cat, kind, NULL, text);
	size_t i, n = 0;
	for (i = 0; i < tmdk_findings_count(list); i++)
		n += !tmdk_finding_suppressed(tmdk_findings_at(list, i));
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
	return n;
}

#endif
