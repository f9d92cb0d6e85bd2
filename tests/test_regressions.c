/*
 * Regressions: inputs that once crashed, leaked, hung or misbehaved, found
 * by the fuzzers (tests/fuzz/) or the hardening work. Each test names the
 * harness or the audit that found it and what went wrong. They matter most
 * in the sanitizer build (--enable-sanitizers) and under valgrind, where the
 * original failure would be reported.
 */
#include "catalog_helpers.h"
#include "failing_alloc.h"

#include <time.h>

/* Parse (and, when it parses, scan with the built-in catalog) the way the
 * fuzz_scan harness does; returns the parse code. */
static int parse_and_scan(const char *name, const char *text, size_t len, tmdk_kind kind)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_catalog *cat;
	tmdk_findings *list;
	tmdk_error err;
	int rc, src;

	o.kind = kind;
	rc = tmdk_artifact_parse_buffer(&a, name, text, len, &o, &err);
	if (rc != TMDK_OK) {
		cr_assert_null(a);
		cr_assert_eq(err.code, rc);
		cr_assert(rc == TMDK_EPARSE || rc == TMDK_ELIMIT, "code %d: %s", rc, err.message);
		return rc;
	}
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	src = tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err);
	cr_assert(src == TMDK_OK || src == TMDK_ELIMIT, "scan: code %d: %s", src, err.message);
	tmdk_findings_sort(list);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
	tmdk_artifact_free(a);
	return rc;
}

#define PARSE_AND_SCAN(name, text, kind) parse_and_scan(name, text, sizeof(text) - 1, kind)

/* fuzz_dockerfile: HEALTHCHECK without arguments formed &args[0] on a NULL
 * args array (UBSan: applying zero offset to null pointer). */
Test(regressions, healthcheck_without_arguments)
{
	static const char text[] = "FROM a\nHEALTHCHECK\n";
	tmdk_artifact *a;
	const tmdk_node *hc;

	cr_assert_eq(PARSE_AND_SCAN("Dockerfile", text, TMDK_KIND_DOCKERFILE), TMDK_OK);
	cr_assert_eq(PARSE_AND_SCAN("Dockerfile", "HEALTHCHECK", TMDK_KIND_DOCKERFILE), TMDK_OK);
	a = parse_as("Dockerfile", text, TMDK_KIND_DOCKERFILE);
	hc = tmdk_node_path(view_of(a, 0), "instructions[1]");
	cr_assert(tmdk_node_text_equals(tmdk_node_get(hc, "keyword"), "HEALTHCHECK"));
	cr_assert_eq(tmdk_node_size(tmdk_node_get(hc, "args")), 0);
	cr_assert_null(tmdk_node_get(hc, "type"), "no type without arguments");
	tmdk_artifact_free(a);
}

/* fuzz_dockerfile (minimized by libFuzzer): a variable that expands to
 * nothing in a word of its own ("$R", R set to "") added a word from the
 * still-unallocated buffer: NULL + 0 (UBSan: applying zero offset to null
 * pointer) in dockerfile_subst.c. */
Test(regressions, variable_expanding_to_nothing_in_its_own_word)
{
	tmdk_artifact *a;
	const tmdk_node *pairs;

	cr_assert_eq(PARSE_AND_SCAN("Dockerfile", "ARG R= $R", TMDK_KIND_DOCKERFILE), TMDK_OK);
	cr_assert_eq(PARSE_AND_SCAN("Dockerfile", "ARG R=\nFROM a\nARG R\nENV X=$R\nARG S= $R\nCOPY $R /x\n",
		TMDK_KIND_DOCKERFILE), TMDK_OK);
	a = parse_as("Dockerfile", "ARG R= $R\n", TMDK_KIND_DOCKERFILE);
	pairs = tmdk_node_path(view_of(a, 0), "instructions[0].pairs");
	cr_assert_eq(tmdk_node_size(pairs), 2, "R= and an empty word");
	cr_assert(tmdk_node_text_equals(tmdk_node_path(pairs, "[0].key"), "R"));
	tmdk_artifact_free(a);
}

/* Audit of the regex limits: a catastrophic regex hit regex_match_limit on
 * every one of many subjects, each time after a million steps, so 2,000
 * containers took 6 s of CPU (and a 64 MiB input hours). The scanner now
 * gives up on a pattern for the rest of the call once one of its regexes
 * hits a limit. */
Test(regressions, catastrophic_regex_on_many_subjects_finishes_quickly)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{for-each: \"@containers\", where: {path: name, matches: \"^(a+)+$\"}}", "m");
	size_t i, n = 2000;
	char *text = malloc(n * 64 + 256), *p = text;
	struct timespec t0, t1;
	tmdk_artifact *a;
	tmdk_error err;
	double secs;

	cr_assert_not_null(text);
	p += sprintf(p, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "  - name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n");
	a = parse_as("pod.yaml", text, TMDK_KIND_KUBERNETES);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, NULL, NULL, &err), TMDK_ELIMIT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert(strstr(err.message, "TEST-001") && strstr(err.message, "regex_match_limit"), "%s", err.message);
	cr_log_info("2,000 catastrophic subjects: %.3f s", secs);
	/* One subject's worth of backtracking (a million steps), not 2,000. */
	cr_assert_lt(secs, 5.0, "took %.3f s", secs);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
	free(text);
}

/* The same across documents: the pattern is dropped for the whole call. */
Test(regressions, catastrophic_regex_on_many_documents_finishes_quickly)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{path: metadata.name, matches: \"^(a+)+$\"}", "m");
	size_t i, n = 2000;
	char *text = malloc(n * 96 + 16), *p = text;
	tmdk_artifact *a;
	tmdk_error err;
	clock_t c0;

	cr_assert_not_null(text);
	for (i = 0; i < n; i++)
		p += sprintf(p, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab}\n");
	a = parse_as("pods.yaml", text, TMDK_KIND_KUBERNETES);
	c0 = clock();
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert_lt((double)(clock() - c0) / CLOCKS_PER_SEC, 5.0);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
	free(text);
}

/* A new scan call starts afresh: the pattern given up on is evaluated again. */
Test(regressions, giving_up_on_a_regex_lasts_one_scan_call)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{path: metadata.name, matches: \"^(a+)+$\"}", "m");
	tmdk_artifact *bad = parse_as("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab}\n",
		TMDK_KIND_KUBERNETES);
	tmdk_artifact *good = parse_as("good.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: aaaa}\n", TMDK_KIND_KUBERNETES);
	tmdk_scanner *s;
	tmdk_error err;

	cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_scan(s, bad, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert_eq(tmdk_scanner_scan(s, good, NULL, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_scanner_finding_count(s), 1, "the pattern fires again in the next call");
	tmdk_scanner_free(s);
	tmdk_artifact_free(bad);
	tmdk_artifact_free(good);
	tmdk_catalog_free(cat);
}

/* ---- out of memory in the Dockerfile model ----------------------------------- */


/*
 * valgrind (make check-valgrind), in test_dockerfile's allocation-failure
 * test: when the arena ran out while ARG or ENV built a {key, value} pair,
 * pair_node returned before setting the key and value it passes back, and
 * ARG read them uninitialised; ARG name=value also dereferenced the NULL
 * node of a key it could not allocate. Arena chunks fail only where one
 * fills up, so lines of every length move that point across the pair code.
 */
Test(regressions, dockerfile_arg_and_env_pairs_out_of_memory)
{
	char *text = malloc(200 * 160 + 64), *p;
	size_t width, i;
	long n;

	cr_assert_not_null(text);
	failing_install(0);
	for (width = 1; width <= 48; width++) {
		p = text + sprintf(text, "ARG G=1\nFROM a\n");
		for (i = 0; i < 200; i++)
			p += sprintf(p, "%s k%zu=%.*s\n", i % 2 ? "ARG" : "ENV", i, (int)width,
				"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv");
		for (n = 0;; n++) {
			tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
			tmdk_artifact *a = NULL;
			tmdk_error err;
			int rc;
			o.kind = TMDK_KIND_DOCKERFILE;
			failing_live = 0;
			failing_left = n;
			rc = tmdk_artifact_parse_buffer(&a, "Dockerfile", text, strlen(text), &o, &err);
			failing_left = -1;
			if (rc == TMDK_OK) {
				tmdk_artifact_free(a);
				cr_assert_eq(failing_live, 0);
				break;
			}
			cr_assert_eq(rc, TMDK_ENOMEM, "width %zu, allocation %ld: code %d: %s", width, n + 1, rc, err.message);
			cr_assert_eq(failing_live, 0, "width %zu, allocation %ld: %ld blocks leaked", width, n + 1, failing_live);
		}
	}
	tmdk_set_allocator(NULL, NULL, NULL);
	free(text);
}
