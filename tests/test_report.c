/*
 * The report writers: each format's structure on a small fixed set of
 * findings, escaping of hostile text, empty reports, the errors section,
 * options and failures; and tmdk_scanner_scan_range, which tmdk-scan uses
 * to scan one set on many threads. JSON and SARIF output is read back with
 * the library's own YAML/JSON loader.
 */
#include "catalog_helpers.h"
#include "report_int.h"
#include "scan_int.h"

#define KK TMDK_KIND_KUBERNETES

static const char catalog_text[] = CATALOG_HEADER
	"  - id: TEST-AUTH\n"
	"    title: Image by mutable tag\n"
	"    question: what-are-we-building\n"
	"    risk: information-disclosure\n"
	"    severity: high\n"
	"    stride: [spoofing, information-disclosure]\n"
	"    description: The image may change under you.\n"
	"    mitigation: Pin `image` by digest.\n"
	"    references: [{cis-kubernetes: \"5.5.1\"}, {url: \"https://example.com/pin?a=1&b=(2)\", title: Pinning}]\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: image, matches: \"latest\"}}\n"
	"    message: \"container `{name}` uses {image}\"\n"
	"  - id: TEST-PRIV\n"
	"    title: Privileged container\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: privilege-escalation\n"
	"    severity: critical\n"
	"    description: d\n"
	"    mitigation: Drop privileged.\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: spec.securityContext.privileged, truthy: true}}\n"
	"    message: \"container `{name}` is privileged\"\n"
	"  - id: TEST-MEM\n"
	"    title: No memory limit\n"
	"    question: did-we-do-enough\n"
	"    risk: health-and-limits\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: Set limits.\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: spec.resources.limits.memory, absent: true}}\n"
	"    message: \"container `{name}` has no memory limit\"\n"
	"  - id: TEST-CLEAN\n"
	"    title: Secret object committed\n"
	"    question: what-can-go-wrong\n"
	"    risk: sensitive-data\n"
	"    severity: medium\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [kubernetes]\n"
	"    match: {path: kind, equals: Secret}\n"
	"    message: \"a Secret\"\n"
	"  - id: TEST-DF\n"
	"    title: Dockerfile pattern\n"
	"    question: what-can-go-wrong\n"
	"    risk: dangerous-boot-commands\n"
	"    severity: info\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [dockerfile]\n"
	"    match: {path: stages, absent: true}\n"
	"    message: \"never\"\n";

static const char pod[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata: {name: web}\n"
	"spec:\n"
	"  containers:\n"
	"    - name: app\n"
	"      image: nginx:latest\n"
	"      securityContext: {privileged: true}\n"
	"    # tmdk:ignore=TEST-MEM the sidecar keeps no state\n"
	"    - name: side\n"
	"      image: busybox:1.36\n";

/* ---- fixtures -------------------------------------------------------------------- */

static tmdk_catalog *test_catalog(void)
{
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = compile_text(catalog_text, &c);
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	return cat;
}

/* The pod scanned into a report, with the catalog set and one extra file. */
static tmdk_report *sample_report(tmdk_catalog **cat_out)
{
	tmdk_catalog *cat = test_catalog();
	tmdk_artifact *a = parse_as("deploy/pod.yaml", pod, KK);
	tmdk_report *r;
	tmdk_error err;

	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_report_collect, r, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_report_add_file(r, "deploy/pod.yaml", KK), TMDK_OK);
	cr_assert_eq(tmdk_report_add_file(r, "README.md", TMDK_KIND_UNKNOWN), TMDK_OK);
	cr_assert_eq(tmdk_report_set_catalog(r, cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_set_scope(r, "deploy"), TMDK_OK);
	cr_assert_eq(tmdk_report_set_date(r, "2024-05-01"), TMDK_OK);
	tmdk_artifact_free(a);
	if (cat_out)
		*cat_out = cat;
	else
		tmdk_catalog_free(cat);
	return r;
}

static char *render(const tmdk_report *r, tmdk_report_format format, unsigned int flags)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	size_t len = 0;
	char *out = NULL;
	o.format = format;
	o.flags = flags;
	o.tool_name = "tmdk-test";
	cr_assert_eq(tmdk_report_render(&out, &len, r, &o, &err), TMDK_OK, "%s", err.message);
	cr_assert_not_null(out);
	cr_assert_eq(strlen(out), len);
	cr_assert_eq(tmdk__utf8_validate(out, len), len, "output is valid UTF-8");
	return out;
}

/* Load JSON output back into a node tree (JSON is YAML); the artifact owns it. */
static tmdk_artifact *load_json(const char *text)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc = tmdk__artifact_load_yaml(&a, "out.json", text, strlen(text), NULL, &err);
	cr_assert_eq(rc, TMDK_OK, "output is not valid JSON: %u:%u: %s\n%s", err.line, err.column, err.message, text);
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	return a;
}

static const tmdk_node *root_of(const tmdk_artifact *a)
{
	return tmdk_document_root(tmdk_artifact_document(a, 0));
}

static const char *text_at(const tmdk_node *n, const char *path)
{
	const char *t = tmdk_node_text(tmdk_node_path(n, path), NULL);
	cr_assert_not_null(t, "no scalar at %s", path);
	return t;
}

static long long int_at(const tmdk_node *n, const char *path)
{
	long long v = -1;
	cr_assert_eq(tmdk_node_as_int(tmdk_node_path(n, path), &v), TMDK_OK, "no integer at %s", path);
	return v;
}

/* Position of `needle` in `hay`, failing when absent. */
static size_t pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	cr_assert_not_null(p, "missing: %s", needle);
	return (size_t)(p - hay);
}

/* ---- formats ------------------------------------------------------------------- */

/* A report that takes lists (filled on other threads in tmdk-scan) renders
 * as one that copies the findings one by one; the lists are left empty. */
Test(report, taking_lists_renders_as_adding_copies)
{
	tmdk_catalog *cat = test_catalog();
	tmdk_artifact *a = parse_as("deploy/pod.yaml", pod, KK);
	tmdk_report *r[2];
	tmdk_findings *list[2], *empty;
	tmdk_error err;
	char *out[2];
	int k;
	size_t i, n;

	cr_assert_eq(tmdk_findings_new(&list[0]), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list[0], &err), TMDK_OK, "%s", err.message);
	n = tmdk_findings_count(list[0]);
	cr_assert_gt(n, 1);
	cr_assert_eq(tmdk_findings_new(&list[1]), TMDK_OK);
	for (i = 0; i < n; i++) /* every other one suppressed by "our policy" */
		cr_assert_eq(i % 2 ? tmdk_findings_append(list[1], tmdk_findings_at(list[0], i))
			: tmdk_findings_append_suppressed(list[1], tmdk_findings_at(list[0], i), "policy"), TMDK_OK);
	cr_assert_eq(tmdk_findings_append_suppressed(list[1], NULL, "x"), TMDK_EINVAL);
	cr_assert_eq(tmdk_findings_append_suppressed(list[1], tmdk_findings_at(list[0], 0), NULL), TMDK_EINVAL);
	cr_assert_str_eq(tmdk_finding_suppression(tmdk_findings_at(list[1], 0)), "policy");
	for (k = 0; k < 2; k++) {
		cr_assert_eq(tmdk_report_new(&r[k], &err), TMDK_OK);
		cr_assert_eq(tmdk_report_set_catalog(r[k], cat, NULL, &err), TMDK_OK);
		cr_assert_eq(tmdk_report_begin_unit(r[k], "files", "deploy"), TMDK_OK);
	}
	for (i = 0; i < n; i++) /* copies, suppressed ones with their reasons */
		cr_assert_eq(tmdk_report_add_finding(r[0], tmdk_findings_at(list[1], i)), TMDK_OK);
	cr_assert_eq(tmdk_findings_new(&empty), TMDK_OK);
	cr_assert_eq(tmdk_report_take_findings(r[1], empty), TMDK_OK, "a list never filled, into a report with none");
	cr_assert_eq(tmdk_report_finding_count(r[1], TMDK_SEVERITY_INFO), 0);
	tmdk_findings_free(empty);
	cr_assert_eq(tmdk_report_take_findings(r[1], list[1]), TMDK_OK);
	cr_assert_eq(tmdk_findings_count(list[1]), 0, "the report took them");
	cr_assert_eq(tmdk_report_take_findings(r[1], list[1]), TMDK_OK, "an empty list adds nothing");
	cr_assert_eq(tmdk_report_take_findings(NULL, list[1]), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_take_findings(r[1], NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_suppressed_count(r[1]), tmdk_report_suppressed_count(r[0]));
	cr_assert_geq(tmdk_report_suppressed_count(r[1]), (n + 1) / 2);
	for (k = 0; k < TMDK_REPORT_FORMAT_COUNT; k++) {
		out[0] = render(r[0], (tmdk_report_format)k, TMDK_REPORT_SHOW_SUPPRESSED);
		out[1] = render(r[1], (tmdk_report_format)k, TMDK_REPORT_SHOW_SUPPRESSED);
		cr_assert_str_eq(out[0], out[1], "%s", tmdk_report_format_name((tmdk_report_format)k));
		tmdk_report_string_free(out[0]);
		tmdk_report_string_free(out[1]);
	}
	for (k = 0; k < 2; k++) {
		tmdk_report_free(r[k]);
		tmdk_findings_free(list[k]);
	}
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

Test(report, format_names_round_trip)
{
	int f;
	tmdk_report_format out;
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT; f++) {
		cr_assert_eq(tmdk_report_format_from_name(&out, tmdk_report_format_name((tmdk_report_format)f)), TMDK_OK);
		cr_assert_eq((int)out, f);
	}
	cr_assert_eq(tmdk_report_format_from_name(&out, "md"), TMDK_OK);
	cr_assert_eq(out, TMDK_REPORT_MARKDOWN);
	cr_assert_eq(tmdk_report_format_from_name(&out, "xml"), TMDK_EINVAL);
	cr_assert_null(tmdk_report_format_name((tmdk_report_format)9));
}

Test(report, counts_findings_by_severity_and_suppression)
{
	tmdk_report *r = sample_report(NULL);
	/* app: TEST-AUTH (high), TEST-PRIV (critical), TEST-MEM (low); side: TEST-MEM suppressed */
	cr_assert_eq(tmdk_report_finding_count(r, TMDK_SEVERITY_INFO), 3);
	cr_assert_eq(tmdk_report_finding_count(r, TMDK_SEVERITY_HIGH), 2);
	cr_assert_eq(tmdk_report_finding_count(r, TMDK_SEVERITY_CRITICAL), 1);
	cr_assert_eq(tmdk_report_suppressed_count(r), 1);
	cr_assert_eq(tmdk_report_error_count(r), 0);
	tmdk_report_free(r);
}

Test(report, text_groups_by_question_then_risk_with_evidence_and_summary)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_TEXT, 0);
	size_t q1 = pos(t, "What are we building?\n"), q3 = pos(t, "What are we going to do about that?\n");
	size_t q4 = pos(t, "Did we do a good enough job?\n");

	cr_assert(q1 < q3 && q3 < q4, "questions in order:\n%s", t);
	cr_assert(strstr(t, "What can go wrong?\n") == NULL, "no heading for a question without findings");
	pos(t, "  Information Disclosure [information-disclosure, 1]\n");
	pos(t, "    deploy/pod.yaml:7:14  HIGH      TEST-AUTH  container `app` uses nginx:latest\n");
	pos(t, "          7 | image: nginx:latest\n");
	pos(t, "    deploy/pod.yaml:8:37  CRITICAL  TEST-PRIV  container `app` is privileged\n");
	cr_assert_null(strstr(t, "side"), "suppressed findings are not listed by default");
	cr_assert_null(strstr(t, "\033["), "no colour unless asked");
	pos(t, "\nSummary\n");
	pos(t, "  what-are-we-building            0        1        0        0        0        1\n");
	pos(t, "  all                             1        1        0        1        0        3\n");
	pos(t, "3 findings in 1 file scanned (1 skipped), 1 suppressed, 0 errors, 4 patterns checked\n");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, text_colour_and_suppressed_on_request)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_TEXT, TMDK_REPORT_COLOR | TMDK_REPORT_SHOW_SUPPRESSED);
	pos(t, "\033[1;35mCRITICAL\033[0m");
	pos(t, "\nSuppressed\n");
	pos(t, "TEST-MEM  container `side` has no memory limit");
	pos(t, "      suppressed: ");
	pos(t, "the sidecar keeps no state");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, json_has_the_contract_fields_and_the_rest)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_JSON, 0);
	tmdk_artifact *a = load_json(t);
	const tmdk_node *root = root_of(a), *f0;

	cr_assert_eq(int_at(root, "format_version"), 1);
	cr_assert_str_eq(text_at(root, "tool.name"), "tmdk-test");
	cr_assert_str_eq(text_at(root, "scope"), "deploy");
	cr_assert_str_eq(text_at(root, "date"), "2024-05-01");
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "findings")), 3);
	cr_assert_str_eq(text_at(root, "findings[0].pattern_id"), "TEST-MEM", "sorted by line: the container's line first");
	f0 = tmdk_node_path(root, "findings[1]");
	cr_assert_str_eq(text_at(f0, "pattern_id"), "TEST-AUTH");
	cr_assert_str_eq(text_at(f0, "title"), "Image by mutable tag");
	cr_assert_str_eq(text_at(f0, "question"), "what-are-we-building");
	cr_assert_str_eq(text_at(f0, "risk"), "information-disclosure");
	cr_assert_str_eq(text_at(f0, "severity"), "high");
	cr_assert_str_eq(text_at(f0, "path"), "deploy/pod.yaml");
	cr_assert_str_eq(text_at(f0, "kind"), "kubernetes");
	cr_assert_eq(int_at(f0, "line"), 7);
	cr_assert_eq(int_at(f0, "column"), 14);
	cr_assert_str_eq(text_at(f0, "message"), "container `app` uses nginx:latest");
	cr_assert_str_eq(text_at(f0, "evidence"), "image: nginx:latest");
	cr_assert_not_null(strstr(text_at(f0, "object"), "app"));
	cr_assert_null(tmdk_node_get(f0, "suppression"));
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "suppressed")), 1);
	cr_assert_not_null(strstr(text_at(root, "suppressed[0].suppression"), "the sidecar keeps no state"));
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "errors")), 0);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "files")), 1);
	cr_assert_str_eq(text_at(root, "files[0].kind"), "kubernetes");
	/* metadata of the three patterns that reported something */
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "patterns")), 3);
	cr_assert_str_eq(text_at(root, "patterns[0].id"), "TEST-AUTH");
	cr_assert_str_eq(text_at(root, "patterns[0].stride[1]"), "information-disclosure");
	cr_assert_str_eq(text_at(root, "patterns[0].references[0].label"), "CIS Kubernetes Benchmark v1.10.0 5.5.1");
	cr_assert_str_eq(text_at(root, "patterns[0].references[1].url"), "https://example.com/pin?a=1&b=(2)");
	cr_assert_str_eq(text_at(root, "patterns[0].catalog.name"), "test");
	cr_assert_eq(int_at(root, "stats.files_scanned"), 1);
	cr_assert_eq(int_at(root, "stats.files_skipped"), 1);
	cr_assert_eq(int_at(root, "stats.findings"), 3);
	cr_assert_eq(int_at(root, "stats.suppressed"), 1);
	cr_assert_eq(int_at(root, "stats.patterns_checked"), 4, "TEST-DF does not apply to the files");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_path(root, "stats.duration_ms")), TMDK_SCALAR_NULL);
	cr_assert_eq(int_at(root, "stats.by_severity.critical"), 1);
	cr_assert_eq(int_at(root, "stats.by_question.did-we-do-enough"), 1);
	cr_assert_eq(int_at(root, "stats.by_risk.privilege-escalation"), 1);
	tmdk_artifact_free(a);
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, sarif_has_rules_results_fingerprints_and_suppressions)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_SARIF, 0);
	tmdk_artifact *a = load_json(t);
	const tmdk_node *root = root_of(a), *run = tmdk_node_path(root, "runs[0]"), *rules, *res;
	size_t i;

	cr_assert_str_eq(text_at(root, "version"), "2.1.0");
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root, "runs")), 1);
	cr_assert_str_eq(text_at(run, "tool.driver.name"), "tmdk-test");
	rules = tmdk_node_path(run, "tool.driver.rules");
	cr_assert_eq(tmdk_node_size(rules), 4, "the checked patterns, sorted by id");
	cr_assert_str_eq(text_at(rules, "[0].id"), "TEST-AUTH");
	cr_assert_str_eq(text_at(rules, "[0].name"), "ImageByMutableTag");
	cr_assert_str_eq(text_at(rules, "[0].shortDescription.text"), "Image by mutable tag");
	cr_assert_str_eq(text_at(rules, "[0].fullDescription.text"), "The image may change under you.");
	cr_assert_not_null(strstr(text_at(rules, "[0].help.text"), "Pin `image` by digest."));
	cr_assert_not_null(strstr(text_at(rules, "[0].help.text"), "CIS Kubernetes Benchmark v1.10.0 5.5.1"));
	cr_assert_not_null(strstr(text_at(rules, "[0].help.markdown"), "[Pinning](https://example.com/pin?a=1&b=%282%29)"));
	cr_assert_str_eq(text_at(rules, "[0].helpUri"), "https://example.com/pin?a=1&b=(2)");
	cr_assert_str_eq(text_at(rules, "[0].properties[\"security-severity\"]"), "8.0");
	cr_assert_str_eq(text_at(rules, "[0].defaultConfiguration.level"), "error");
	cr_assert_eq(tmdk_node_size(tmdk_node_path(rules, "[0].properties.tags")), 4,
		"security, question, risk, spoofing; information-disclosure once");
	cr_assert_str_eq(text_at(rules, "[1].properties[\"security-severity\"]"), "5.5");
	res = tmdk_node_get(run, "results");
	cr_assert_eq(tmdk_node_size(res), 4, "3 results and 1 suppressed");
	cr_assert_str_eq(text_at(res, "[1].ruleId"), "TEST-AUTH");
	cr_assert_eq(int_at(res, "[1].ruleIndex"), 0);
	cr_assert_eq(int_at(res, "[0].ruleIndex"), 2, "TEST-MEM");
	cr_assert_str_eq(text_at(res, "[1].level"), "error");
	cr_assert_str_eq(text_at(res, "[0].level"), "note");
	cr_assert_str_eq(text_at(res, "[1].locations[0].physicalLocation.artifactLocation.uri"), "deploy/pod.yaml");
	cr_assert_eq(int_at(res, "[1].locations[0].physicalLocation.region.startLine"), 7);
	cr_assert_eq(int_at(res, "[1].locations[0].physicalLocation.region.startColumn"), 14);
	cr_assert_str_eq(text_at(res, "[1].locations[0].physicalLocation.region.snippet.text"), "image: nginx:latest");
	for (i = 0; i < 4; i++) {
		char path[64];
		snprintf(path, sizeof(path), "[%zu].partialFingerprints[\"tmdkFindingHash/v1\"]", i);
		cr_assert_eq(strlen(text_at(res, path)), 18, "16 hex digits and :1");
	}
	cr_assert_str_eq(text_at(res, "[3].ruleId"), "TEST-MEM");
	cr_assert_str_eq(text_at(res, "[3].suppressions[0].kind"), "inSource");
	cr_assert_not_null(strstr(text_at(res, "[3].suppressions[0].justification"), "the sidecar keeps no state"));
	cr_assert_eq(tmdk_node_size(tmdk_node_path(run, "invocations[0].toolExecutionNotifications")), 0);
	cr_assert_str_eq(text_at(run, "properties.scope"), "deploy");
	tmdk_artifact_free(a);
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, sarif_fingerprints_ignore_line_moves)
{
	tmdk_catalog *cat = test_catalog();
	char moved[1024];
	tmdk_artifact *a = parse_as("p.yaml", pod, KK), *b;
	tmdk_report *r1, *r2;
	tmdk_error err;
	char *s1, *s2;
	const char *fp = "[0].partialFingerprints[\"tmdkFindingHash/v1\"]";
	tmdk_artifact *j1, *j2;

	snprintf(moved, sizeof(moved), "# a comment\n\n%s", pod);
	b = parse_as("p.yaml", moved, KK);
	cr_assert_eq(tmdk_report_new(&r1, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_new(&r2, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_report_collect, r1, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, b, NULL, tmdk_report_collect, r2, &err), TMDK_OK);
	s1 = render(r1, TMDK_REPORT_SARIF, 0);
	s2 = render(r2, TMDK_REPORT_SARIF, 0);
	j1 = load_json(s1);
	j2 = load_json(s2);
	cr_assert_neq(int_at(tmdk_node_path(root_of(j1), "runs[0].results"), "[0].locations[0].physicalLocation.region.startLine"),
		int_at(tmdk_node_path(root_of(j2), "runs[0].results"), "[0].locations[0].physicalLocation.region.startLine"));
	cr_assert_str_eq(text_at(tmdk_node_path(root_of(j1), "runs[0].results"), fp),
		text_at(tmdk_node_path(root_of(j2), "runs[0].results"), fp));
	tmdk_artifact_free(j1);
	tmdk_artifact_free(j2);
	tmdk_report_string_free(s1);
	tmdk_report_string_free(s2);
	tmdk_report_free(r1);
	tmdk_report_free(r2);
	tmdk_artifact_free(a);
	tmdk_artifact_free(b);
	tmdk_catalog_free(cat);
}

Test(report, markdown_is_a_threat_model_document)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_MARKDOWN, 0);
	size_t q1, q2, q3, q4;

	cr_assert_eq(pos(t, "# Threat model: deploy\n"), 0);
	pos(t, "| **Date** | 2024-05-01 |\n");
	pos(t, "| **Findings** | 3 (1 critical, 1 high, 1 low); 1 suppressed |\n");
	pos(t, "| [What are we building?](#what-are-we-building) | 0 | 1 | 0 | 0 | 0 | **1** |\n");
	q1 = pos(t, "\n## What are we building?\n");
	q2 = pos(t, "\n## What can go wrong?\n");
	q3 = pos(t, "\n## What are we going to do about that?\n");
	q4 = pos(t, "\n## Did we do a good enough job?\n");
	cr_assert(q1 < q2 && q2 < q3 && q3 < q4);
	pos(t, "### Information Disclosure\n\n`information-disclosure` · 1 finding · 1 pattern checked\n\n**Found**\n\n");
	pos(t, "- **HIGH** `TEST-AUTH` container `app` uses nginx:latest\n  - deploy/pod.yaml:7:14");
	pos(t, "  - `image: nginx:latest`\n");
	pos(t, "- `TEST-AUTH` Image by mutable tag: Pin `image` by digest. References: CIS Kubernetes Benchmark "
		"v1.10.0 5.5.1, [Pinning](https://example.com/pin?a=1&b=%282%29).\n");
	pos(t, "### Sensitive Data\n\n`sensitive-data` · 0 findings · 1 pattern checked\n\nNothing found.\n\n"
		"<details>\n<summary>Checked and clean (1)</summary>\n\n- `TEST-CLEAN` Secret object committed\n\n</details>\n");
	pos(t, "### Dangerous commands on boot\n\n`dangerous-boot-commands` · 0 findings · 0 patterns checked\n\n"
		"_Not checked");
	pos(t, "\n## Accepted risks (suppressed)\n");
	pos(t, "  - suppressed: ");
	pos(t, "<summary>Files scanned (1)</summary>");
	cr_assert_null(strstr(t, "## Errors"));
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, html_is_self_contained_with_charts_and_details)
{
	tmdk_report *r = sample_report(NULL);
	char *t = render(r, TMDK_REPORT_HTML, 0);

	cr_assert_eq(pos(t, "<!DOCTYPE html>\n"), 0);
	pos(t, "<title>Threat model: deploy</title>");
	pos(t, "id=\"count-findings\" data-count=\"3\"");
	pos(t, "id=\"count-critical\" data-count=\"1\"");
	pos(t, "id=\"count-suppressed\" data-count=\"1\"");
	pos(t, "<svg id=\"chart-questions\"");
	pos(t, "<svg id=\"chart-risks\"");
	pos(t, "<title>1 critical</title>");
	pos(t, "<details class=\"risk\" id=\"risk-information-disclosure\" data-findings=\"1\" open>");
	pos(t, "<details class=\"risk\" id=\"risk-insufficient-authentication\" data-findings=\"0\">");
	pos(t, "<details class=\"risk\" id=\"risk-sensitive-data\" data-findings=\"0\">");
	pos(t, "container <code>app</code> uses nginx:latest");
	pos(t, "<a href=\"https://example.com/pin?a=1&b=%282%29\" rel=\"noreferrer noopener\">Pinning</a>");
	pos(t, "</html>\n");
	cr_assert_null(strstr(t, "<script"), "no script");
	cr_assert_null(strstr(t, "src=\"http"), "no external asset");
	cr_assert_null(strstr(t, "<link"), "no external stylesheet");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, min_severity_hides_findings_and_patterns_below)
{
	tmdk_report *r = sample_report(NULL);
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *t;
	o.format = TMDK_REPORT_JSON;
	o.min_severity = TMDK_SEVERITY_HIGH;
	cr_assert_eq(tmdk_report_render(&t, NULL, r, &o, &err), TMDK_OK);
	{
		tmdk_artifact *a = load_json(t);
		cr_assert_eq(tmdk_node_size(tmdk_node_get(root_of(a), "findings")), 2);
		cr_assert_eq(tmdk_node_size(tmdk_node_get(root_of(a), "suppressed")), 0, "the suppressed one is low");
		cr_assert_eq(int_at(root_of(a), "stats.patterns_checked"), 2);
		tmdk_artifact_free(a);
	}
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

Test(report, catalog_filters_decide_what_was_checked)
{
	tmdk_catalog *cat;
	tmdk_report *r = sample_report(&cat);
	tmdk_scan_options so = TMDK_SCAN_OPTIONS_INIT;
	const char *ignore[] = { "TEST-CLEAN" };
	tmdk_error err;
	char *t;

	so.ignore_ids = ignore;
	so.ignore_count = 1;
	cr_assert_eq(tmdk_report_set_catalog(r, cat, &so, &err), TMDK_OK);
	t = render(r, TMDK_REPORT_MARKDOWN, 0);
	pos(t, "`sensitive-data` · 0 findings · 0 patterns checked");
	tmdk_report_string_free(t);
	so.version = 99;
	cr_assert_eq(tmdk_report_set_catalog(r, cat, &so, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_set_catalog(r, NULL, NULL, &err), TMDK_EINVAL);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

/* ---- empty reports and errors ------------------------------------------------------ */

Test(report, empty_report_renders_in_every_format)
{
	tmdk_report *r;
	tmdk_error err;
	int f;

	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT; f++) {
		char *t = render(r, (tmdk_report_format)f, 0);
		cr_assert_gt(strlen(t), 10);
		if (f == TMDK_REPORT_JSON || f == TMDK_REPORT_SARIF) {
			tmdk_artifact *a = load_json(t);
			if (f == TMDK_REPORT_JSON) {
				cr_assert_eq(tmdk_node_get_type(tmdk_node_get(root_of(a), "findings")), TMDK_NODE_SEQUENCE);
				cr_assert_eq(tmdk_node_size(tmdk_node_get(root_of(a), "findings")), 0);
				cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(root_of(a), "scope")), TMDK_SCALAR_NULL);
			} else {
				cr_assert_eq(tmdk_node_size(tmdk_node_path(root_of(a), "runs[0].results")), 0);
			}
			tmdk_artifact_free(a);
		}
		if (f == TMDK_REPORT_TEXT)
			cr_assert_eq(pos(t, "No findings.\n"), 0);
		if (f == TMDK_REPORT_HTML)
			pos(t, "id=\"count-findings\" data-count=\"0\"");
		tmdk_report_string_free(t);
	}
	tmdk_report_free(r);
}

Test(report, errors_section_in_every_format)
{
	tmdk_report *r = sample_report(NULL);
	char *t;
	tmdk_artifact *a;

	cr_assert_eq(tmdk_report_add_error(r, "bad.yaml", 3, 7, TMDK_EPARSE, "mapping values are not allowed here"), TMDK_OK);
	cr_assert_eq(tmdk_report_add_error(r, "a/unreadable", 0, 0, TMDK_EIO, "cannot open: Permission denied"), TMDK_OK);
	cr_assert_eq(tmdk_report_error_count(r), 2);

	t = render(r, TMDK_REPORT_TEXT, 0);
	pos(t, "\nErrors\n  a/unreadable: error: cannot open: Permission denied\n  bad.yaml:3:7: error: mapping values");
	pos(t, ", 2 errors,");
	tmdk_report_string_free(t);

	t = render(r, TMDK_REPORT_JSON, 0);
	a = load_json(t);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root_of(a), "errors")), 2);
	cr_assert_str_eq(text_at(root_of(a), "errors[1].path"), "bad.yaml");
	cr_assert_eq(int_at(root_of(a), "errors[1].line"), 3);
	cr_assert_eq(int_at(root_of(a), "errors[1].column"), 7);
	cr_assert_str_eq(text_at(root_of(a), "errors[1].code"), tmdk_strerror(TMDK_EPARSE));
	cr_assert_str_eq(text_at(root_of(a), "errors[1].message"), "mapping values are not allowed here");
	cr_assert_eq(int_at(root_of(a), "errors[0].line"), 0);
	cr_assert_eq(int_at(root_of(a), "stats.errors"), 2);
	tmdk_artifact_free(a);
	tmdk_report_string_free(t);

	t = render(r, TMDK_REPORT_SARIF, 0);
	a = load_json(t);
	{
		const tmdk_node *n = tmdk_node_path(root_of(a), "runs[0].invocations[0].toolExecutionNotifications");
		cr_assert_eq(tmdk_node_size(n), 2);
		cr_assert_str_eq(text_at(n, "[1].level"), "error");
		cr_assert_eq(int_at(n, "[1].locations[0].physicalLocation.region.startLine"), 3);
		cr_assert_null(tmdk_node_path(n, "[0].locations[0].physicalLocation.region"), "no line: no region");
	}
	tmdk_artifact_free(a);
	tmdk_report_string_free(t);

	t = render(r, TMDK_REPORT_MARKDOWN, 0);
	pos(t, "\n## Errors\n");
	pos(t, "- bad.yaml:3:7: mapping values are not allowed here\n");
	tmdk_report_string_free(t);

	t = render(r, TMDK_REPORT_HTML, 0);
	pos(t, "id=\"count-errors\" data-count=\"2\"");
	pos(t, "<li class=\"error\"><code>bad.yaml:3:7</code> mapping values are not allowed here</li>");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
}

/* ---- hostile text ------------------------------------------------------------------- */

static const char hostile[] = "q\"uote' back\\slash <script>alert(1)</script> &amp; tab\tnl\ncr\r"
	" esc\x1b[31m bell\x07 del\x7f bad\xff\xfe utf8 \xc3\xa9 bidi\xe2\x80\xae `code` [x](javascript:alert(1)) | *b* _i_";

/* A finding whose every text field is hostile. */
static tmdk_report *hostile_report(tmdk_catalog **cat_out)
{
	tmdk_catalog *cat = test_catalog();
	tmdk_report *r;
	tmdk_error err;
	tmdk_finding f;

	memset(&f, 0, sizeof(f));
	f.pattern = tmdk_catalog_find(cat, "TEST-PRIV");
	f.path = hostile;
	f.kind = KK;
	f.line = 3;
	f.column = 5;
	f.object = (char *)hostile;
	f.evidence = (char *)hostile;
	f.message = (char *)hostile;
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_finding(r, &f), TMDK_OK);
	f.suppressed = 1;
	f.suppression = (char *)hostile;
	cr_assert_eq(tmdk_report_add_finding(r, &f), TMDK_OK);
	cr_assert_eq(tmdk_report_add_error(r, hostile, 1, 1, TMDK_EPARSE, hostile), TMDK_OK);
	cr_assert_eq(tmdk_report_set_scope(r, hostile), TMDK_OK);
	cr_assert_eq(tmdk_report_set_date(r, hostile), TMDK_OK);
	*cat_out = cat;
	return r;
}

static void assert_no_raw_controls(const char *t)
{
	const char *p;
	for (p = t; *p; p++)
		cr_assert(*p == '\n' || *p == '\t' || (unsigned char)*p >= 0x20, "raw control character 0x%02x at %zu",
			(unsigned)(unsigned char)*p, (size_t)(p - t));
	cr_assert_null(strstr(t, "\x7f"));
}

Test(report, hostile_text_is_escaped_in_json_and_sarif)
{
	tmdk_catalog *cat;
	tmdk_report *r = hostile_report(&cat);
	int f;

	for (f = TMDK_REPORT_JSON; f <= TMDK_REPORT_SARIF; f++) {
		char *t = render(r, (tmdk_report_format)f, 0);
		tmdk_artifact *a;
		const char *msg;
		assert_no_raw_controls(t);
		a = load_json(t);
		msg = f == TMDK_REPORT_JSON ? text_at(root_of(a), "findings[0].message")
			: text_at(root_of(a), "runs[0].results[0].message.text");
		/* Everything round-trips except the invalid bytes, which became U+FFFD. */
		cr_assert_not_null(strstr(msg, "q\"uote' back\\slash <script>"));
		cr_assert_not_null(strstr(msg, "esc\x1b[31m bell\x07 del\x7f bad\xef\xbf\xbd\xef\xbf\xbd utf8 \xc3\xa9"));
		cr_assert_not_null(strstr(t, "\\u001b"));
		tmdk_artifact_free(a);
		tmdk_report_string_free(t);
	}
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

Test(report, hostile_text_is_escaped_in_html)
{
	tmdk_catalog *cat;
	tmdk_report *r = hostile_report(&cat);
	char *t = render(r, TMDK_REPORT_HTML, 0);

	assert_no_raw_controls(t);
	cr_assert_null(strstr(t, "<script"));
	cr_assert_null(strstr(t, "javascript:alert(1)\""), "no link made of scanned text");
	pos(t, "q&quot;uote&#39; back\\slash &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;");
	pos(t, "<code>code</code>");
	pos(t, "bad\xef\xbf\xbd\xef\xbf\xbd");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

Test(report, hostile_text_is_escaped_in_markdown)
{
	tmdk_catalog *cat;
	tmdk_report *r = hostile_report(&cat);
	char *t = render(r, TMDK_REPORT_MARKDOWN, 0);

	assert_no_raw_controls(t);
	{
		const char *p;
		/* Every < is escaped, ours (<details>), or inside the evidence's code span (literal on GitHub). */
		for (p = strchr(t, '<'); p; p = strchr(p + 1, '<')) {
			const char *line = p;
			while (line > t && line[-1] != '\n')
				line--;
			cr_assert(p > t && (p[-1] == '\\' || strncmp(p, "<details>", 9) == 0 || strncmp(p, "</details>", 10) == 0 ||
				strncmp(p, "<summary>", 9) == 0 || strncmp(p, "</summary>", 10) == 0 ||
				strncmp(line, "  - ``", 6) == 0), "unescaped < at %zu: %.60s", (size_t)(p - t), line);
		}
		pos(t, "  - ``q\"uote' back\\slash <script>alert(1)</script>");
	}
	{
		const char *p;
		for (p = strstr(t, "](javascript"); p; p = strstr(p + 1, "](javascript")) {
			const char *line = p;
			while (line > t && line[-1] != '\n')
				line--;
			cr_assert(p[-1] == '\\' || strncmp(line, "  - ``", 6) == 0, "no link made of scanned text");
		}
	}
	pos(t, "back\\\\slash \\<script\\>alert(1)\\</script\\> \\&amp; tab nl cr  esc\xef\xbf\xbd");
	pos(t, "`code` \\[x\\](javascript:alert(1)) \\| \\*b\\* \\_i\\_");
	pos(t, "bidi\xef\xbf\xbd");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

Test(report, hostile_text_cannot_drive_the_terminal)
{
	tmdk_catalog *cat;
	tmdk_report *r = hostile_report(&cat);
	char *t = render(r, TMDK_REPORT_TEXT, TMDK_REPORT_SHOW_SUPPRESSED);
	const char *p;

	for (p = t; *p; p++)
		cr_assert(*p == '\n' || *p == '\t' || (unsigned char)*p >= 0x20, "raw control character at %zu", (size_t)(p - t));
	pos(t, "esc\\x1b[31m bell\\x07 del\\x7f bad\xef\xbf\xbd");
	pos(t, "nl\\x0acr\\x0d");
	pos(t, "bidi\\u202e");
	tmdk_report_string_free(t);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
}

/* ---- options, callbacks and failures ------------------------------------------- */

Test(report, options_are_checked)
{
	tmdk_report *r = sample_report(NULL);
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *t = (char *)0x1;

	cr_assert_eq(tmdk_report_options_init(&o, 2), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_options_init(&o, TMDK_REPORT_OPTIONS_VERSION), TMDK_OK);
	o.version = 7;
	cr_assert_eq(tmdk_report_render(&t, NULL, r, &o, &err), TMDK_EINVAL);
	cr_assert_null(t);
	cr_assert(strstr(err.message, "tmdk_report_options version 7"), "%s", err.message);
	o.version = TMDK_REPORT_OPTIONS_VERSION;
	o.format = (tmdk_report_format)TMDK_REPORT_FORMAT_COUNT;
	cr_assert_eq(tmdk_report_render(&t, NULL, r, &o, &err), TMDK_EINVAL);
	cr_assert(strstr(err.message, "unknown report format 6"), "%s", err.message);
	o.format = TMDK_REPORT_TEXT;
	o.min_severity = (tmdk_severity)9;
	cr_assert_eq(tmdk_report_render(&t, NULL, r, &o, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_render(NULL, NULL, r, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_write(r, NULL, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_new(NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_file(r, "x", (tmdk_kind)42), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_finding(r, NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_set_scope(NULL, "x"), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_set_scope(r, NULL), TMDK_OK, "NULL clears");
	cr_assert_eq(tmdk_report_finding_count(NULL, TMDK_SEVERITY_INFO), 0);
	tmdk_report_set_duration(r, 1.5);
	cr_assert_eq(tmdk_report_render(&t, NULL, r, NULL, &err), TMDK_OK);
	pos(t, ", 1.500 s\n");
	tmdk_report_string_free(t);
	tmdk_report_string_free(NULL);
	tmdk_report_free(r);
	tmdk_report_free(NULL);
}

struct sink_state {
	size_t calls, fail_at, bytes;
};

static int counting_write(const char *data, size_t len, void *payload)
{
	struct sink_state *s = payload;
	(void)data;
	s->bytes += len;
	return ++s->calls == s->fail_at ? -1 : 0;
}

Test(report, write_callback_failure_stops_the_writer)
{
	tmdk_report *r = sample_report(NULL);
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	struct sink_state s = { 0, 0, 0 };
	tmdk_error err;

	o.format = TMDK_REPORT_HTML;
	cr_assert_eq(tmdk_report_write(r, &o, counting_write, &s, &err), TMDK_OK);
	cr_assert_gt(s.calls, 1, "large output is written in pieces");
	s.calls = s.bytes = 0;
	s.fail_at = 1;
	cr_assert_eq(tmdk_report_write(r, &o, counting_write, &s, &err), TMDK_EIO);
	cr_assert_eq(s.calls, 1, "no call after the failure");
	cr_assert(strstr(err.message, "write callback failed"), "%s", err.message);
	tmdk_report_free(r);
}

static size_t alloc_budget;
static void *budget_malloc(size_t n) { return alloc_budget && alloc_budget-- ? malloc(n) : NULL; }
static void *budget_realloc(void *p, size_t n) { return alloc_budget && alloc_budget-- ? realloc(p, n) : NULL; }

Test(report, out_of_memory_is_reported_in_every_format)
{
	tmdk_report *r = sample_report(NULL);
	int f;

	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT; f++) {
		size_t budget;
		for (budget = 0;; budget++) {
			tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
			tmdk_error err;
			char *t = NULL;
			int rc;
			o.format = (tmdk_report_format)f;
			alloc_budget = budget;
			cr_assert_eq(tmdk_set_allocator(budget_malloc, budget_realloc, free), TMDK_OK);
			rc = tmdk_report_render(&t, NULL, r, &o, &err);
			tmdk_set_allocator(NULL, NULL, NULL);
			if (rc == TMDK_OK) {
				tmdk_report_string_free(t);
				break;
			}
			cr_assert_eq(rc, TMDK_ENOMEM, "format %d, budget %zu: %s", f, budget, err.message);
			cr_assert_null(t);
		}
	}
	tmdk_report_free(r);
}

Test(report, findings_lists_and_deterministic_order)
{
	tmdk_catalog *cat = test_catalog();
	tmdk_artifact *a = parse_as("b.yaml", pod, KK), *b = parse_as("a.yaml", pod, KK);
	tmdk_findings *list;
	tmdk_report *r1, *r2;
	tmdk_error err;
	char *t1, *t2;

	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_report_new(&r1, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_new(&r2, &err), TMDK_OK);
	/* The same findings added in opposite orders render identically. */
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_report_collect, r1, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, b, NULL, tmdk_report_collect, r1, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, b, NULL, tmdk_findings_collect, list, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_findings(r2, list), TMDK_OK);
	t1 = render(r1, TMDK_REPORT_JSON, 0);
	t2 = render(r2, TMDK_REPORT_JSON, 0);
	cr_assert_str_eq(t1, t2);
	cr_assert_lt(pos(t1, "\"path\": \"a.yaml\""), pos(t1, "\"path\": \"b.yaml\""));
	tmdk_report_string_free(t1);
	tmdk_report_string_free(t2);
	/* Without files added, the files are those the findings name. */
	t1 = render(r1, TMDK_REPORT_TEXT, 0);
	pos(t1, "6 findings in 2 files scanned");
	tmdk_report_string_free(t1);
	tmdk_report_free(r1);
	tmdk_report_free(r2);
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	tmdk_artifact_free(b);
	tmdk_catalog_free(cat);
}

/* ---- escaping helpers --------------------------------------------------------------- */

static char *escaped(void (*fn)(tmdk__out *, const char *), const char *s)
{
	tmdk__sink sink = { NULL, 0, 0 };
	tmdk__out o;
	tmdk__out_init(&o, tmdk__sink_write, &sink);
	fn(&o, s);
	cr_assert_eq(tmdk__out_flush(&o), 0);
	return sink.data ? sink.data : strdup("");
}

Test(escape, markdown_code_spans_outlast_backticks)
{
	char *t = escaped(tmdk__out_markdown_code, "a ``b`` c");
	cr_assert_str_eq(t, "```a ``b`` c```");
	tmdk__free(t);
	t = escaped(tmdk__out_markdown_code, "`x`");
	cr_assert_str_eq(t, "`` `x` ``");
	tmdk__free(t);
	t = escaped(tmdk__out_markdown_prose, "use `a|b` and ``x`y`` then `open");
	cr_assert_str_eq(t, "use `a|b` and ``x`y`` then \\`open");
	tmdk__free(t);
}

Test(escape, uris_and_urls)
{
	char *t = escaped(tmdk__out_uri, "./dir/a b%c\xc3\xa9.yaml");
	cr_assert_str_eq(t, "dir/a%20b%25c%C3%A9.yaml");
	tmdk__free(t);
	t = escaped(tmdk__out_uri, "/abs/Dockerfile");
	cr_assert_str_eq(t, "file:///abs/Dockerfile");
	tmdk__free(t);
	t = escaped(tmdk__out_url, "https://x/a b\"><script>");
	cr_assert_str_eq(t, "https://x/a%20b%22%3E%3Cscript%3E");
	tmdk__free(t);
	cr_assert(tmdk__is_web_url("https://x"));
	cr_assert(!tmdk__is_web_url("javascript:alert(1)"));
	cr_assert(!tmdk__is_web_url(NULL));
}

Test(escape, utf8_decoder_rejects_overlongs_and_surrogates)
{
	uint32_t cp;
	cr_assert_eq(tmdk__utf8_decode("\xc0\xaf", 2, &cp), 1);
	cr_assert_eq(cp, 0xFFFD);
	cr_assert_eq(tmdk__utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	cr_assert_eq(cp, 0xFFFD);
	cr_assert_eq(tmdk__utf8_decode("\xf4\x90\x80\x80", 4, &cp), 1);
	cr_assert_eq(cp, 0xFFFD);
	cr_assert_eq(tmdk__utf8_decode("\xe2\x82", 2, &cp), 1, "truncated");
	cr_assert_eq(tmdk__utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	cr_assert_eq(cp, 0x1F600);
}

/* ---- tmdk_scanner_scan_range ------------------------------------------------------ */

static const char set_catalog[] = CATALOG_HEADER
	"  - id: TEST-SET\n"
	"    title: ConfigMap beside a namespace\n"
	"    question: did-we-do-enough\n"
	"    risk: policy-enforcement\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"$doc[?kind == \\\"ConfigMap\\\"]\", where: {some: \"$set[?kind == \\\"Namespace\\\"]\"}}\n"
	"    message: \"config map with a namespace in the set\"\n";

Test(scan_range, sees_the_whole_set_and_reports_the_range)
{
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = compile_text(set_catalog, &c);
	tmdk_artifact *as[3];
	tmdk_scanner *s;
	tmdk_findings *all, *parts;
	tmdk_error err;
	size_t i;

	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	as[0] = parse_as("cm1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", KK);
	as[1] = parse_as("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n", KK);
	as[2] = parse_as("cm2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n", KK);
	cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_findings_new(&all), TMDK_OK);
	cr_assert_eq(tmdk_findings_new(&parts), TMDK_OK);

	cr_assert_eq(tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)as, 3, tmdk_findings_collect, all, &err), TMDK_OK);
	cr_assert_eq(tmdk_findings_count(all), 2);
	for (i = 0; i < 3; i++)
		cr_assert_eq(tmdk_scanner_scan_range(s, (const tmdk_artifact *const *)as, 3, i, 1, tmdk_findings_collect, parts,
			&err), TMDK_OK);
	cr_assert_eq(tmdk_findings_count(parts), 2, "the namespace is seen from every range");
	for (i = 0; i < 2; i++) {
		cr_assert_str_eq(tmdk_finding_path(tmdk_findings_at(all, i)), tmdk_finding_path(tmdk_findings_at(parts, i)));
		cr_assert_eq(tmdk_finding_line(tmdk_findings_at(all, i)), tmdk_finding_line(tmdk_findings_at(parts, i)));
	}
	cr_assert_eq(tmdk_scanner_finding_count(s), 1, "statistics of the last call");

	/* Alone, the config map sees no namespace. */
	cr_assert_eq(tmdk_scanner_scan_range(s, (const tmdk_artifact *const *)as, 1, 0, 1, NULL, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_finding_count(s), 0);
	cr_assert_eq(tmdk_scanner_scan_range(s, (const tmdk_artifact *const *)as, 3, 2, 2, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert(strstr(err.message, "range 2+2 is outside the set of 3"), "%s", err.message);
	cr_assert_eq(tmdk_scanner_scan_range(s, (const tmdk_artifact *const *)as, 3, 4, 0, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_scanner_scan_range(s, NULL, 0, 0, 0, NULL, NULL, &err), TMDK_OK, "an empty set");
	cr_assert_eq(tmdk_scanner_scan_range(NULL, NULL, 0, 0, 0, NULL, NULL, &err), TMDK_EINVAL);

	tmdk_findings_free(all);
	tmdk_findings_free(parts);
	tmdk_scanner_free(s);
	for (i = 0; i < 3; i++)
		tmdk_artifact_free(as[i]);
	tmdk_catalog_free(cat);
}
