/*
 * Fingerprints and baselines (tmdk_report_load_baseline, _add_baseline,
 * _baseline_count, _add_suppressed), and suppression hygiene in the
 * scanner: unknown ids (TMDK-META-002 with a suggestion), unused ignores
 * (TMDK-META-003 with TMDK_SCAN_REPORT_UNUSED_IGNORES), tmdk_catalog_suggest.
 */
#include "catalog_helpers.h"

#define KK TMDK_KIND_KUBERNETES

static const char pods[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
	"spec:\n"
	"  containers:\n"
	"    - {name: a, image: x, securityContext: {privileged: true}}\n"
	"    - {name: b, image: y, securityContext: {privileged: true}}\n";

static tmdk_catalog *priv(void)
{
	return one_pattern("kubernetes", "{for-each: \"@containers\", where: {path: spec.securityContext.privileged, truthy: true}}",
		"privileged");
}

static tmdk_report *report_of(const tmdk_catalog *cat, const char *name, const char *text, unsigned int flags)
{
	tmdk_artifact *a = parse_as(name, text, KK);
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_report *r;
	tmdk_error err;
	o.flags = flags;
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, &o, tmdk_report_collect, r, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	return r;
}

static char *render(const tmdk_report *r, tmdk_report_format format)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *out = NULL;
	o.format = format;
	cr_assert_eq(tmdk_report_render(&out, NULL, r, &o, &err), TMDK_OK, "%s", err.message);
	return out;
}

static int load(tmdk_report *r, const char *text, tmdk_error *err)
{
	return tmdk_report_load_baseline(r, "base.json", text, strlen(text), err);
}

Test(baseline, fingerprints_do_not_move_with_lines_and_count_duplicates)
{
	tmdk_catalog *cat = priv();
	char twice[1024], moved[1100];
	tmdk_report *r1, *r2;
	char *j1, *j2, *p1, *p2;

	/* The same pod twice: identical findings (object, evidence) told apart by their occurrence. */
	snprintf(twice, sizeof(twice), "%s---\n%s", pods, pods);
	r1 = report_of(cat, "p.yaml", twice, 0);
	snprintf(moved, sizeof(moved), "# a comment\n\n%s", twice);
	r2 = report_of(cat, "p.yaml", moved, 0);
	j1 = render(r1, TMDK_REPORT_JSON);
	j2 = render(r2, TMDK_REPORT_JSON);
	p1 = strstr(j1, "\"fingerprint\": \"");
	p2 = strstr(j2, "\"fingerprint\": \"");
	cr_assert(p1 && p2);
	cr_assert_eq(strncmp(p1, p2, 50), 0, "same fingerprint after lines moved");
	cr_assert_not_null(strstr(j1, ":1\""));
	cr_assert_not_null(strstr(j1, ":2\""), "identical findings are numbered");
	cr_assert_null(strstr(j1, "baseline_state"), "no baseline: no state");
	tmdk_report_string_free(j1);
	tmdk_report_string_free(j2);
	tmdk_report_free(r1);
	tmdk_report_free(r2);
	tmdk_catalog_free(cat);
}

Test(baseline, json_and_sarif_reports_round_trip)
{
	tmdk_catalog *cat = priv();
	tmdk_report *first = report_of(cat, "p.yaml", pods, 0), *again;
	tmdk_report_format formats[] = { TMDK_REPORT_JSON, TMDK_REPORT_SARIF };
	tmdk_error err;
	size_t i;

	cr_assert_eq(tmdk_report_finding_count(first, TMDK_SEVERITY_INFO), 2);
	for (i = 0; i < 2; i++) {
		char *base = render(first, formats[i]), *out;
		again = report_of(cat, "p.yaml", pods, 0);
		cr_assert_eq(tmdk_report_load_baseline(again, "base", base, strlen(base), &err), TMDK_OK, "%s", err.message);
		cr_assert_eq(tmdk_report_finding_count(again, TMDK_SEVERITY_INFO), 0, "every finding is in the baseline");
		cr_assert_eq(tmdk_report_baseline_count(again), 2);
		out = render(again, formats[i]);
		cr_assert_not_null(strstr(out, formats[i] == TMDK_REPORT_JSON ? "\"baseline_state\": \"unchanged\""
			: "\"baselineState\": \"unchanged\""));
		tmdk_report_string_free(out);
		out = render(again, TMDK_REPORT_TEXT);
		cr_assert_not_null(strstr(out, "No new findings (2 in the baseline)."), "%s", out);
		tmdk_report_string_free(out);
		tmdk_report_string_free(base);
		tmdk_report_free(again);
	}
	tmdk_report_free(first);
	tmdk_catalog_free(cat);
}

Test(baseline, one_baseline_finding_covers_one_finding)
{
	tmdk_catalog *cat = priv();
	tmdk_report *r = report_of(cat, "p.yaml", pods, 0);
	tmdk_error err;
	char *json, *text;
	const char *one;

	json = render(r, TMDK_REPORT_JSON);
	one = strstr(json, "\"fingerprint\": \"") + 16;
	{
		char fp[40];
		snprintf(fp, sizeof(fp), "%.*s", (int)(strchr(one, '"') - one), one);
		tmdk_report_free(r);
		r = report_of(cat, "p.yaml", pods, 0);
		cr_assert_eq(tmdk_report_add_baseline(r, fp), TMDK_OK);
	}
	cr_assert_eq(tmdk_report_finding_count(r, TMDK_SEVERITY_INFO), 1);
	cr_assert_eq(tmdk_report_baseline_count(r), 1);
	text = render(r, TMDK_REPORT_TEXT);
	cr_assert_not_null(strstr(text, "(1 new, 1 in the baseline)"), "%s", text);
	tmdk_report_string_free(text);
	tmdk_report_string_free(json);
	cr_assert_eq(load(r, "{\"findings\": []}", &err), TMDK_OK, "an empty baseline");
	cr_assert_eq(tmdk_report_add_baseline(NULL, "x"), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_baseline(r, NULL), TMDK_EINVAL);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

Test(baseline, reports_without_fingerprints_are_hashed_the_same_way)
{
	tmdk_catalog *cat = priv();
	tmdk_report *r = report_of(cat, "p.yaml", pods, 0);
	tmdk_error err;
	char *json = render(r, TMDK_REPORT_JSON), *p;
	/* An older report: no fingerprint, which is computed from the keys it is made of. */
	while ((p = strstr(json, "\"fingerprint\"")) != NULL)
		memcpy(p, "\"fingerprinT\"", 13);
	cr_assert_eq(load(r, json, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_report_baseline_count(r), 2, "%zu", tmdk_report_baseline_count(r));
	tmdk_report_string_free(json);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

Test(baseline, bad_baselines_are_errors_with_positions)
{
	static const struct { const char *text; int code; unsigned int line, column; const char *message; } cases[] = {
		{ "{\"findings\": [", TMDK_EPARSE, 0, 0, NULL },
		{ "[]", TMDK_EPARSE, 1, 1, "a baseline is a tmdk-scan JSON report or a SARIF log" },
		{ "", TMDK_EPARSE, 1, 1, "a baseline is" },
		{ "{\"version\": 1}", TMDK_EPARSE, 1, 1, "with `findings`" },
		{ "{\"findings\": {}}", TMDK_EPARSE, 1, 14, "expected an array of findings" },
		{ "{\"findings\": [1]}", TMDK_EPARSE, 1, 15, "expected a finding" },
		{ "{\"findings\": [{\"path\": \"x\"}]}", TMDK_EPARSE, 1, 15, "needs pattern_id and path" },
		{ "{\"findings\": [{\"fingerprint\": {}}]}", TMDK_EPARSE, 1, 31, "a fingerprint must be a string" },
		{ "{\"findings\": [{\"fingerprint\": \"0123456789012345678901234567890123456789\"}]}", TMDK_EPARSE, 1, 31,
		  "at most 39" },
		{ "{\"findings\": [], \"suppressed\": 3}", TMDK_EPARSE, 1, 32, "expected an array" },
		{ "{\"runs\": {}}", TMDK_EPARSE, 1, 10, "`runs` must be an array" },
		{ "{\"runs\": [{\"results\": {}}]}", TMDK_EPARSE, 1, 23, "`results` must be an array" },
		{ "{\"runs\": [{\"results\": [1]}]}", TMDK_EPARSE, 1, 24, "expected a SARIF result" },
		{ "{\"runs\": [{\"results\": [{\"ruleId\": \"X\"}]}]}", TMDK_EPARSE, 1, 24, "needs ruleId and a location uri" },
		{ "{\"runs\": [{\"results\": [{\"partialFingerprints\": {\"tmdkFindingHash/v1\": []}}]}]}", TMDK_EPARSE, 1, 71,
		  "a fingerprint must be a string" },
	};
	tmdk_report *r;
	tmdk_error err;
	size_t i;

	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = load(r, cases[i].text, &err);
		cr_assert_eq(rc, cases[i].code, "case %zu: %d (%s)", i, rc, err.message);
		cr_assert_str_eq(err.source, "base.json");
		if (cases[i].line)
			cr_assert_eq(err.line, cases[i].line, "case %zu: line %u", i, err.line);
		if (cases[i].column)
			cr_assert_eq(err.column, cases[i].column, "case %zu: column %u (%s)", i, err.column, err.message);
		if (cases[i].message)
			cr_assert_not_null(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
	}
	cr_assert_eq(tmdk_report_load_baseline(NULL, "x", "{}", 2, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_load_baseline(r, "x", NULL, 2, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_load_baseline(r, NULL, "{\"findings\": []}", 16, &err), TMDK_OK);
	tmdk_report_free(r);
}

Test(baseline, sarif_uris_are_decoded_to_paths)
{
	tmdk_catalog *cat = priv();
	tmdk_report *r = report_of(cat, "my dir/p.yaml", pods, 0), *again;
	tmdk_error err;
	char *sarif = render(r, TMDK_REPORT_SARIF), *p;
	/* Drop the fingerprints (a key renamed is a key absent): they are computed from the result. */
	while ((p = strstr(sarif, "tmdkFindingHash/v1")) != NULL)
		memcpy(p, "otherFindingHash/1", 18);
	cr_assert_not_null(strstr(sarif, "my%20dir/p.yaml"));
	again = report_of(cat, "my dir/p.yaml", pods, 0);
	cr_assert_eq(tmdk_report_load_baseline(again, "b.sarif", sarif, strlen(sarif), &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_report_baseline_count(again), 2);
	tmdk_report_string_free(sarif);
	tmdk_report_free(r);
	tmdk_report_free(again);
	tmdk_catalog_free(cat);
}

Test(baseline, caller_suppressions)
{
	tmdk_catalog *cat = priv();
	tmdk_findings *list = scan_text(cat, KK, "p.yaml", pods);
	tmdk_report *r;
	tmdk_error err;
	char *json;
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_suppressed(r, tmdk_findings_at(list, 0), "configuration .tmdk.yaml (line 3): lab"), TMDK_OK);
	cr_assert_eq(tmdk_report_add_finding(r, tmdk_findings_at(list, 1)), TMDK_OK);
	cr_assert_eq(tmdk_report_add_suppressed(r, NULL, "x"), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_suppressed(r, tmdk_findings_at(list, 0), NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_finding_count(r, TMDK_SEVERITY_INFO), 1);
	cr_assert_eq(tmdk_report_suppressed_count(r), 1);
	json = render(r, TMDK_REPORT_JSON);
	cr_assert_not_null(strstr(json, "\"suppression\": \"configuration .tmdk.yaml (line 3): lab\""));
	tmdk_report_string_free(json);
	tmdk_report_free(r);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

/* ---- suppression hygiene ---------------------------------------------------------- */

static const tmdk_finding *first_of(const tmdk_findings *list, const char *id)
{
	size_t i;
	for (i = 0; i < tmdk_findings_count(list); i++)
		if (!strcmp(tmdk_pattern_id(tmdk_finding_pattern(tmdk_findings_at(list, i))), id))
			return tmdk_findings_at(list, i);
	return NULL;
}

static tmdk_findings *scan_flags(const tmdk_catalog *cat, const char *text, unsigned int flags)
{
	tmdk_artifact *a = parse_as("p.yaml", text, KK);
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_findings *list;
	tmdk_error err;
	o.flags = flags;
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, &o, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	return list;
}

Test(hygiene, unknown_ids_are_reported_where_written_with_a_suggestion)
{
	tmdk_catalog *cat = priv();
	tmdk_findings *list = scan_flags(cat,
		"# tmdk:ignore-file=TEST-01 reason\n"
		"apiVersion: v1\nkind: Pod\n"
		"metadata: {name: p, annotations: {tmdk.io/ignore: \"NOPE-NOPE-NOPE reason\"}}\n"
		"spec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}\n", 0);
	const tmdk_finding *f = first_of(list, "TMDK-META-002");
	cr_assert_eq(tmdk_findings_count(list), 3, "the finding and two unknown ids");
	cr_assert_not_null(f);
	cr_assert_eq(tmdk_finding_line(f), 1);
	cr_assert_eq(tmdk_finding_column(f), 20);
	cr_assert_str_eq(tmdk_finding_message(f), "suppression of an unknown pattern `TEST-01` (did you mean `TEST-001`?)");
	f = tmdk_findings_at(list, 1);
	cr_assert_str_eq(tmdk_pattern_id(tmdk_finding_pattern(f)), "TMDK-META-002");
	cr_assert_eq(tmdk_finding_line(f), 4);
	cr_assert_str_eq(tmdk_finding_message(f), "suppression of an unknown pattern `NOPE-NOPE-NOPE`");
	cr_assert_not(tmdk_finding_suppressed(first_of(list, "TEST-001")));
	tmdk_findings_free(list);
	list = scan_flags(cat, "apiVersion: v1\nkind: Pod  # tmdk:ignore=TEST-0001 r\nmetadata: {name: p}\n",
		TMDK_SCAN_NO_INLINE_IGNORES);
	cr_assert_eq(tmdk_findings_count(list), 0, "inline ignores off: not looked at");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(hygiene, unused_ignores_only_when_asked)
{
	tmdk_catalog *cat = priv();
	static const char text[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		"  annotations: {tmdk.io/ignore: \"TEST-001 not privileged any more\"}\n"   /* 5: unused */
		"spec:\n"
		"  containers:\n"
		"    - {name: a, image: x}  # tmdk:ignore=TEST-001,TMDK-META-001 stale\n";    /* 8: unused */
	tmdk_findings *list = scan_flags(cat, text, 0);
	size_t i, n = 0;
	cr_assert_eq(tmdk_findings_count(list), 0);
	tmdk_findings_free(list);
	list = scan_flags(cat, text, TMDK_SCAN_REPORT_UNUSED_IGNORES);
	for (i = 0; i < tmdk_findings_count(list); i++) {
		const tmdk_finding *f = tmdk_findings_at(list, i);
		cr_assert_str_eq(tmdk_pattern_id(tmdk_finding_pattern(f)), "TMDK-META-003");
		cr_assert_str_eq(tmdk_finding_message(f), "suppression of `TEST-001` suppresses nothing here: remove it");
		n++;
	}
	cr_assert_eq(n, 2, "the annotation and the comment (meta ids are never unused)");
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 0)), 5);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 1)), 8);
	tmdk_findings_free(list);
	/* A used one is not reported; a reason-less one is META-001 only. */
	list = scan_flags(cat, pods, TMDK_SCAN_REPORT_UNUSED_IGNORES);
	cr_assert_eq(tmdk_findings_count(list), 2);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(hygiene, unused_ignores_of_patterns_that_did_not_run_are_not_reported)
{
	tmdk_catalog *cat = priv();
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	const char *ignore[] = { "TEST-001" };
	tmdk_artifact *a = parse_as("p.yaml", "apiVersion: v1\nkind: Pod  # tmdk:ignore=TEST-001 r\nmetadata: {name: p}\n", KK);
	tmdk_findings *list;
	tmdk_error err;
	o.flags = TMDK_SCAN_REPORT_UNUSED_IGNORES;
	o.ignore_ids = ignore;
	o.ignore_count = 1;
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, &o, tmdk_findings_collect, list, &err), TMDK_OK);
	cr_assert_eq(tmdk_findings_count(list), 0, "the pattern was not run: its ignore cannot be judged");
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

Test(hygiene, reasonless_ignores_do_not_suppress)
{
	tmdk_catalog *cat = priv();
	tmdk_findings *list = scan_flags(cat,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}  # tmdk:ignore=TEST-001\n",
		TMDK_SCAN_REPORT_UNUSED_IGNORES);
	cr_assert_eq(tmdk_findings_count(list), 2, "the finding (active) and META-001, no META-003");
	cr_assert_not(tmdk_finding_suppressed(first_of(list, "TEST-001")));
	cr_assert_not_null(first_of(list, "TMDK-META-001"));
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(hygiene, suggestions)
{
	tmdk_catalog *cat = priv();
	cr_assert_str_eq(tmdk_catalog_suggest(cat, "TEST-01"), "TEST-001");
	cr_assert_str_eq(tmdk_catalog_suggest(cat, "test-001"), "TEST-001", "case ignored");
	cr_assert_str_eq(tmdk_catalog_suggest(cat, "TMDK-META-01"), "TMDK-META-001");
	cr_assert_null(tmdk_catalog_suggest(cat, "TMDK-NOPE-1"));
	cr_assert_null(tmdk_catalog_suggest(cat, "x"));
	cr_assert_null(tmdk_catalog_suggest(cat, NULL));
	cr_assert_null(tmdk_catalog_suggest(NULL, "TEST-001"));
	tmdk_catalog_free(cat);
}
