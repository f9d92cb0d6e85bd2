/*
 * Resource limits of catalogs and scans (the README's "Limits" table): each
 * has a default, an option that changes it, and a TMDK_ELIMIT error or
 * diagnostic that names the option. The parse limits are tested with their
 * parsers (test_core.c, test_yaml.c, test_dockerfile.c, test_kubernetes.c);
 * this file covers the catalog and scan limits and the fixed limits of the
 * catalog language.
 */
#include "catalog_helpers.h"

#include <sys/stat.h>
#include <unistd.h>

/* A catalog of one Kubernetes pattern with the given match (flow YAML). */
static char *catalog_with_match(const char *match)
{
	static const char fmt[] = CATALOG_HEADER
		"  - id: LIM-001\n"
		"    title: limit test\n"
		"    question: what-are-we-going-to-do\n"
		"    risk: privilege-escalation\n"
		"    severity: high\n"
		"    description: d\n"
		"    mitigation: m\n"
		"    applies-to: [kubernetes]\n"
		"    match: %s\n"
		"    message: m\n";
	size_t n = sizeof(fmt) + strlen(match);
	char *t = malloc(n);
	cr_assert_not_null(t);
	snprintf(t, n, fmt, match);
	return t;
}

/* Compile text with options; returns the compiler (caller frees) and the code. */
static tmdk_compiler *compile_opts(const char *text, size_t len, const tmdk_compile_options *o,
	tmdk_catalog **cat, int *rc)
{
	tmdk_compiler *c = NULL;
	tmdk_error err;
	*cat = NULL;
	cr_assert_eq(tmdk_compiler_new(&c, o, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "limits.yaml", text, len, &err), TMDK_OK, "%s", err.message);
	*rc = tmdk_compiler_compile(cat, c, &err);
	return c;
}

/* The diagnostic whose message contains text (the test fails without one). */
static const tmdk_diagnostic *diag_containing(const tmdk_compiler *c, const char *text)
{
	size_t i;
	for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++) {
		const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
		if (strstr(d->message, text))
			return d;
	}
	dump_diagnostics(c);
	cr_assert_fail("no diagnostic mentions \"%s\"", text);
	return NULL;
}

/* Scan text (Kubernetes) with a catalog and options; returns the code and fills err. */
static int scan_k8s(const tmdk_catalog *cat, const char *text, const tmdk_scan_options *o, size_t *findings,
	tmdk_error *err)
{
	tmdk_artifact *a = parse_as("pod.yaml", text, TMDK_KIND_KUBERNETES);
	tmdk_findings *list;
	int rc;
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	rc = tmdk_catalog_scan(cat, a, o, tmdk_findings_collect, list, err);
	if (findings)
		*findings = tmdk_findings_count(list);
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	return rc;
}

/* A Pod whose one container is named by `n` copies of 'a' and a final '!'. */
static char *pod_named(size_t n)
{
	char *t = malloc(n + 128), *p = t;
	cr_assert_not_null(t);
	p += sprintf(p, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: ");
	memset(p, 'a', n);
	strcpy(p + n, "!\n");
	return t;
}

/* ---- catalog size ------------------------------------------------------------ */

Test(limits, max_catalog_bytes_default_and_option)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	char *text = catalog_with_match("{path: name, exists: true}");
	size_t len = strlen(text), big = TMDK_DEFAULT_MAX_CATALOG_BYTES + 1;
	char *huge = malloc(big);
	const tmdk_diagnostic *d;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	int rc;

	/* Default: 8 MiB. The size is checked before anything is parsed. */
	cr_assert_not_null(huge);
	memset(huge, '#', big);
	c = compile_opts(huge, big, NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	d = diag_containing(c, "(max_catalog_bytes)");
	cr_assert_eq(d->code, TMDK_ELIMIT);
	cr_assert(strstr(d->message, "8388609 bytes, over the limit of 8388608"), "%s", d->message);
	cr_assert_str_eq(d->file, "limits.yaml");
	tmdk_compiler_free(c);
	free(huge);

	/* The option: a catalog of exactly the limit compiles, one byte less does not. */
	o.max_catalog_bytes = len;
	c = compile_opts(text, len, &o, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	o.max_catalog_bytes = len - 1;
	c = compile_opts(text, len, &o, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	cr_assert_eq(diag_containing(c, "(max_catalog_bytes)")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
	free(text);
}

/* Write text to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text, size_t len)
{
	static char path[64];
	int fd;
	snprintf(path, sizeof(path), "/tmp/tmdk-limits-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void expect_file_over_limit(const char *path, size_t limit, const char *message)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	const tmdk_diagnostic *d;

	o.max_catalog_bytes = limit;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_path(c, path, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	d = diag_containing(c, message);
	cr_assert_eq(d->code, TMDK_ELIMIT);
	cr_assert_str_eq(d->file, path);
	cr_assert(strstr(err.message, "max_catalog_bytes"), "err describes the first diagnostic: %s", err.message);
	tmdk_compiler_free(c);
}

Test(limits, max_catalog_bytes_applies_to_files)
{
	char *text = catalog_with_match("{path: name, exists: true}");
	char *big = malloc(40000);
	const char *path;

	/* A small file is read, then measured; a large one is stopped while read. */
	path = temp_file(text, strlen(text));
	expect_file_over_limit(path, 100, "over the limit of 100 bytes (max_catalog_bytes)");
	unlink(path);
	cr_assert_not_null(big);
	memset(big, '#', 40000);
	path = temp_file(big, 40000);
	expect_file_over_limit(path, 100, "catalog is over the limit of 100 bytes (max_catalog_bytes)");
	unlink(path);
	free(big);
	free(text);
}

/* ---- patterns ---------------------------------------------------------------- */

Test(limits, max_patterns_default)
{
	/* 10,001 patterns are over the default of 10,000 (the option itself is
	 * tested in test_catalog.c). Flow maps keep the text small. */
	size_t n = TMDK_DEFAULT_MAX_PATTERNS + 1, i, cap = n * 220 + 1024;
	char *t = malloc(cap), *p = t;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	int rc;

	cr_assert_not_null(t);
	p += sprintf(p, CATALOG_HEADER);
	for (i = 0; i < n; i++)
		p += sprintf(p, "  - {id: P-%zu, title: t, question: what-are-we-going-to-do, risk: privilege-escalation, "
			"severity: low, description: d, mitigation: m, applies-to: [kubernetes], "
			"match: {path: name, exists: true}, message: m}\n", i);
	c = compile_opts(t, strlen(t), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	cr_assert_eq(diag_containing(c, "over the limit of 10000 (max_patterns)")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
	free(t);
}

/* ---- regular expressions --------------------------------------------------------- */

Test(limits, max_regex_length_default)
{
	char re[TMDK_DEFAULT_MAX_REGEX_LENGTH + 2], match[TMDK_DEFAULT_MAX_REGEX_LENGTH + 64];
	tmdk_compiler *c;
	tmdk_catalog *cat;
	char *text;
	int rc;

	memset(re, 'a', sizeof(re) - 1);
	re[sizeof(re) - 1] = '\0';            /* 4,097 bytes: one over */
	snprintf(match, sizeof(match), "{path: name, matches: \"%s\"}", re);
	text = catalog_with_match(match);
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	cr_assert_eq(diag_containing(c, "4097 bytes is over the limit of 4096 (max_regex_length)")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
	free(text);

	re[sizeof(re) - 2] = '\0';            /* 4,096 bytes: at the limit */
	snprintf(match, sizeof(match), "{path: name, matches: \"%s\"}", re);
	text = catalog_with_match(match);
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	free(text);
}

#define CATASTROPHIC "{path: \"containers[*].name\", matches: \"^(a+)+$\"}"

Test(limits, regex_match_limit_default_and_compile_option)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	char *text = catalog_with_match(CATASTROPHIC);
	char *short_name = pod_named(10), *long_name = pod_named(40);
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	int rc;

	/* Default (1,000,000): 2^10 steps pass, 2^40 do not. */
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	cr_assert_eq(scan_k8s(cat, short_name, NULL, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(scan_k8s(cat, long_name, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "pattern LIM-001") && strstr(err.message, "(regex_match_limit, regex_depth_limit)"),
		"%s", err.message);
	cr_assert_str_eq(err.source, "pod.yaml");
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);

	/* The catalog's option: 100 steps stop even the short one. */
	o.regex_match_limit = 100;
	c = compile_opts(text, strlen(text), &o, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	cr_assert_eq(scan_k8s(cat, short_name, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "regex_match_limit"), "%s", err.message);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	free(text);
	free(short_name);
	free(long_name);
}

/* ^(?:(a)|b)*$ backtracks one level per character: depth grows with the subject. */
#define DEEP "{path: \"containers[*].name\", matches: \"^(?:(a)|b)*$\"}"

Test(limits, regex_depth_limit_default_and_options)
{
	tmdk_compile_options co = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_scan_options so = TMDK_SCAN_OPTIONS_INIT;
	char *text = catalog_with_match(DEEP);
	char *medium = pod_named(2000), *deep = pod_named(200000);
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	int rc;

	/* Default (10,000 levels): 2,000 characters pass, 200,000 do not. */
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	cr_assert_eq(scan_k8s(cat, medium, NULL, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(scan_k8s(cat, deep, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "regex_depth_limit"), "%s", err.message);
	/* The scan's override: 100 levels stop the medium one. */
	so.regex_depth_limit = 100;
	cr_assert_eq(scan_k8s(cat, medium, &so, NULL, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "regex_depth_limit"), "%s", err.message);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);

	/* The catalog's option. */
	co.regex_depth_limit = 100;
	c = compile_opts(text, strlen(text), &co, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	cr_assert_eq(scan_k8s(cat, medium, NULL, NULL, &err), TMDK_ELIMIT);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	free(text);
	free(medium);
	free(deep);
}

/* ---- findings ------------------------------------------------------------------------ */

Test(limits, max_findings_default)
{
	/* One finding per container: 100,000 pass the default, 100,001 do not. */
	char *text = catalog_with_match("{for-each: \"@containers\"}");
	size_t n = TMDK_DEFAULT_MAX_FINDINGS, i, found = 0;
	char *pod = malloc(n * 12 + 256), *p = pod, *end;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	int rc;

	cr_assert_not_null(pod);
	p += sprintf(p, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "  - name: c\n");
	end = p;
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_OK);
	cr_assert_eq(scan_k8s(cat, pod, NULL, &found, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(found, n);
	strcpy(end, "  - name: c\n");
	found = 0;
	cr_assert_eq(scan_k8s(cat, pod, NULL, &found, &err), TMDK_ELIMIT);
	cr_assert_eq(found, n, "the findings up to the limit are still reported");
	cr_assert_str_eq(err.message, "more than 100000 findings (max_findings)");
	cr_assert_str_eq(err.source, "pod.yaml");
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	free(pod);
	free(text);
}

/* ---- fixed limits of the catalog language ------------------------------------------- */

Test(limits, nested_for_each_and_scopes)
{
	char match[1024] = "{for-each: \"@containers\"", *p = match + strlen(match);
	tmdk_compiler *c;
	tmdk_catalog *cat;
	char *text;
	int rc, i;

	/* for-each ... then: for-each ..., eight levels deep: one too many. */
	for (i = 0; i < 7; i++)
		p += sprintf(p, ", then: {for-each: \"env[*]\"");
	for (i = 0; i < 8; i++)
		*p++ = '}';
	*p = '\0';
	text = catalog_with_match(match);
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	cr_assert_eq(diag_containing(c, "for-each nested deeper than 7")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
	free(text);

	/* some: ... where: some: ..., nested past the 8 scopes. */
	p = match;
	for (i = 0; i < 9; i++)
		p += sprintf(p, "{some: \"env[*]\", where: ");
	p += sprintf(p, "{path: name, exists: true}");
	for (i = 0; i < 9; i++)
		*p++ = '}';
	*p = '\0';
	text = catalog_with_match(match);
	c = compile_opts(text, strlen(text), NULL, &cat, &rc);
	cr_assert_eq(rc, TMDK_ESCHEMA);
	cr_assert_eq(diag_containing(c, "scopes nested deeper than 8")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
	free(text);
}

Test(limits, catalog_folders_nested_too_deep)
{
	char root[] = "/tmp/tmdk-nest-XXXXXX", path[4096];
	tmdk_compiler *c;
	tmdk_error err;
	size_t len;
	int i;

	cr_assert_not_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s", root);
	for (i = 0; i < 34; i++) {
		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/d");
		cr_assert_eq(mkdir(path, 0700), 0);
	}
	cr_assert_eq(tmdk_compiler_new(&c, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_path(c, root, &err), TMDK_ELIMIT);
	cr_assert_str_eq(err.message, "catalog folders nested deeper than 32 levels");
	tmdk_compiler_free(c);
	for (i = 0; i < 34; i++) {
		rmdir(path);
		*strrchr(path, '/') = '\0';
	}
	rmdir(root);
}
