/*
 * Reports that hold a system model (tmdk_report_add_model): the Markdown and
 * HTML threat model open with the picture and the top risks (critical and
 * high first, exposed components first), group one pattern's findings and
 * sort them by severity inside each risk; the pull-request comment stays
 * under TMDK_REPORT_COMMENT_MAX for any number of findings and lists the
 * findings new since a baseline.
 */
#include "catalog_helpers.h"
#include "model_trees.h"
#include "tmdk/model.h"

#include "diagram_int.h"   /* tmdk__gvc_library */

#define KK TMDK_KIND_KUBERNETES

static const char catalog_text[] = CATALOG_HEADER
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
	"  - id: TEST-AAA-ROOT\n"
	"    title: May run as root\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: privilege-escalation\n"
	"    severity: medium\n"
	"    description: d\n"
	"    mitigation: Set runAsNonRoot.\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: spec.securityContext.runAsNonRoot, absent: true}}\n"
	"    message: \"container `{name}` may run as root\"\n"
	"  - id: TEST-MEM\n"
	"    title: No memory limit\n"
	"    question: did-we-do-enough\n"
	"    risk: health-and-limits\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: Set limits.\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: spec.resources.limits.memory, absent: true}}\n"
	"    message: \"container `{name}` has no memory limit\"\n";

/* n pods in one manifest, pod i at line 1 + 9 * i; every third privileged. */
static char *pods(size_t n)
{
	tree_text t = { NULL, 0, 0 };
	size_t i;
	t.cap = 4096;
	t.data = malloc(t.cap);
	for (i = 0; i < n; i++)
		tree_put(&t, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: pod-%zu, namespace: team-%zu}\nspec:\n"
			"  containers:\n    - name: app-%zu\n      image: nginx:1.25\n      securityContext: {privileged: %s}\n",
			i, i / 8, i, i % 3 == 0 ? "true" : "false");
	return t.data;
}

/* The model of those pods: pod 6 internet-exposed, pod 9 exposed, others not. */
static char *pods_model(size_t n)
{
	tree_text t = { NULL, 0, 0 };
	size_t i;
	t.cap = 4096;
	t.data = malloc(t.cap);
	tree_put(&t, "{\"version\": 1, \"components\": [");
	for (i = 0; i < n; i++)
		tree_put(&t, "%s{\"id\": \"k8s:team-%zu/Pod/pod-%zu\", \"name\": \"pod-%zu\", \"kind\": \"workload\", "
			"\"workload_kind\": \"Pod\", \"namespace\": \"team-%zu\", \"file\": \"k8s/pods.yaml\", \"line\": %zu, "
			"\"exposed\": %s, \"internet_exposed\": %s}", i ? "," : "", i / 8, i, i, i / 8, 2 + 9 * i,
			i == 6 || i == 9 ? "true" : "false", i == 6 ? "true" : "false");
	tree_put(&t, "], \"exposures\": [");
	if (n > 9)
		tree_put(&t, "{\"component\": \"k8s:team-0/Pod/pod-6\", \"kind\": \"load-balancer\", \"port\": 443, \"internet\": true},"
			"{\"component\": \"k8s:team-1/Pod/pod-9\", \"kind\": \"node-port\", \"port\": 30080, \"internet\": false}");
	tree_put(&t, "]}");
	return t.data;
}

typedef struct fixture_report {
	tmdk_report *r;
	tmdk_catalog *cat;
} fixture_report;

static fixture_report scanned(size_t n, int with_model)
{
	fixture_report f;
	tmdk_compiler *c = NULL;
	char *text = pods(n), *model = pods_model(n);
	tmdk_artifact *a = parse_as("k8s/pods.yaml", text, KK);
	tmdk_artifact *m = parse_as("model.json", model, TMDK_KIND_DAEMON_JSON);
	tmdk_error err;

	f.cat = compile_text(catalog_text, &c);
	if (!f.cat)
		dump_diagnostics(c);
	cr_assert_not_null(f.cat);
	tmdk_compiler_free(c);
	cr_assert_eq(tmdk_report_new(&f.r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_begin_unit(f.r, "files", "k8s"), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(f.cat, a, NULL, tmdk_report_collect, f.r, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_report_set_catalog(f.r, f.cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_file(f.r, "k8s/pods.yaml", KK), TMDK_OK);
	if (with_model) {
		cr_assert_eq(tmdk_report_add_model(f.r, "k8s", tmdk_document_root(tmdk_artifact_document(m, 0))), TMDK_OK);
		cr_assert_eq(tmdk_report_model_count(f.r), 1);
	}
	/* the report keeps its own copy of the model */
	tmdk_artifact_free(m);
	tmdk_artifact_free(a);
	free(text);
	free(model);
	return f;
}

static void fixture_free(fixture_report f)
{
	tmdk_report_free(f.r);
	tmdk_catalog_free(f.cat);
}

static char *render(const tmdk_report *r, tmdk_report_format format)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *out = NULL;
	size_t len = 0;
	o.format = format;
	o.tool_name = "tmdk-test";
	cr_assert_eq(tmdk_report_render(&out, &len, r, &o, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(strlen(out), len);
	return out;
}

static const char *after(const char *hay, const char *a, const char *b)
{
	const char *pa = strstr(hay, a), *pb = strstr(hay, b);
	cr_assert_not_null(pa, "missing %s", a);
	cr_assert_not_null(pb, "missing %s", b);
	cr_assert_lt(pa, pb, "%s comes before %s", a, b);
	return pb;
}

Test(report_model, markdown_opens_with_picture_and_top_risks)
{
	fixture_report f = scanned(12, 1);
	char *md = render(f.r, TMDK_REPORT_MARKDOWN);
	const char *top;

	after(md, "## System model", "```mermaid\nflowchart LR\n");
	after(md, "```mermaid", "## Top risks");
	after(md, "## Top risks", "## Summary");
	after(md, "## Summary", "## What are we building?");
	cr_assert(strstr(md, "12 components, 2 exposed (1 to the internet)"), "%s", md);
	/* pods 0, 3, 6, 9 are privileged: one entry, at pod-6 (internet-exposed), not pod-0 (first in the file) */
	top = strstr(md, "## Top risks");
	cr_assert(strstr(top, "1. **CRITICAL** `TEST-PRIV` Privileged container · component **pod-6** (internet-exposed)  \n"
		"   k8s/pods.yaml:63 — container `app-6` is privileged (and 3 other places)\n"), "%s", top);
	cr_assert_null(strstr(top, "2. **"), "only critical and high: the medium findings are not top risks");
	/* colours: privileged pods critical (sev5), the others medium (sev3) */
	cr_assert(strstr(md, "  class c0,c3,c6,c9 sev5\n"), "%s", md);
	/* one group per pattern, the critical pattern before the medium one (not by id) */
	after(md, "- **CRITICAL** `TEST-PRIV` Privileged container — 4 findings", "- **MEDIUM** `TEST-AAA-ROOT` May run as root — 12 findings");
	cr_assert(strstr(md, "  <details><summary>12 objects</summary>\n\n  - k8s/pods.yaml:"), "%s", md);
	free(md);
	fixture_free(f);
}

Test(report_model, markdown_without_a_model)
{
	fixture_report f = scanned(4, 0);
	char *md = render(f.r, TMDK_REPORT_MARKDOWN);
	cr_assert_null(strstr(md, "## System model"));
	cr_assert(strstr(md, "## Top risks"));
	cr_assert(strstr(md, "1. **CRITICAL** `TEST-PRIV` Privileged container  \n"), "no component named: %s", md);
	free(md);
	fixture_free(f);
}

/* A project's tests and archives come after what it ships, whatever their
 * size: the microservices-demo's istio test overlay had opened its comment,
 * and kubernetes-examples' _archived folder its own. */
Test(report_model, pictures_of_test_and_archive_folders_come_last)
{
	static const char *const units[] = { "app/kustomize/tests/mesh", "app/kustomize/base", "app/e2e/fixtures-not",
		"app/Tests/big", "app/_archived/nfs" };
	static const size_t sizes[] = { 5, 2, 3, 9, 4 };
	fixture_report f = scanned(4, 0);
	char *md, summary[128];
	const char *at[5];
	size_t i;
	for (i = 0; i < 5; i++) {
		char *json = generated_model(sizes[i]);
		tmdk_artifact *m = parse_as("model.json", json, TMDK_KIND_DAEMON_JSON);
		cr_assert_eq(tmdk_report_add_model(f.r, units[i], tmdk_document_root(tmdk_artifact_document(m, 0))), TMDK_OK);
		tmdk_artifact_free(m);
		free(json);
	}
	md = render(f.r, TMDK_REPORT_MARKDOWN);
	for (i = 0; i < 5; i++) {
		snprintf(summary, sizeof(summary), "<summary>%s: %zu components", units[i], sizes[i]);
		cr_assert_not_null(at[i] = strstr(md, summary), "no %s in: %.3000s", summary, md);
	}
	/* shipped units first (base), then the test and archive folders by size;
	 * "e2e" is a test folder too */
	cr_assert_lt(at[1], at[3]);
	cr_assert_lt(at[3], at[0]);
	cr_assert_lt(at[0], at[4]);
	cr_assert_lt(at[4], at[2]);
	cr_assert(strstr(md, "<details open>\n<summary>app/kustomize/base:"), "the shipped unit opens: %.3000s", md);
	free(md);
	fixture_free(f);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* Eight pictures one by one, the rest in one folded block: the top risks
 * stay near the top however many units a repository has. */
Test(report_model, pictures_past_eight_fold_into_one_block)
{
	fixture_report f = scanned(4, 0);
	char *md, *html, unit[32];
	size_t i;
	for (i = 0; i < 11; i++) {
		char *json = generated_model(2);
		tmdk_artifact *m = parse_as("model.json", json, TMDK_KIND_DAEMON_JSON);
		snprintf(unit, sizeof(unit), "app/unit-%02zu", i);
		cr_assert_eq(tmdk_report_add_model(f.r, unit, tmdk_document_root(tmdk_artifact_document(m, 0))), TMDK_OK);
		tmdk_artifact_free(m);
		free(json);
	}
	md = render(f.r, TMDK_REPORT_MARKDOWN);
	html = render(f.r, TMDK_REPORT_HTML);
	cr_assert(strstr(md, "<details>\n<summary>3 more units</summary>\n"), "%.4000s", md);
	after(md, "app/unit-07: 2 components", "3 more units");
	after(md, "3 more units", "app/unit-08: 2 components");
	after(md, "app/unit-10: 2 components", "## Top risks");
	cr_assert_eq(count_of(md, "<details"), count_of(md, "</details>"));
	cr_assert(strstr(html, "<summary>3 more units</summary>"));
	after(html, "3 more units", "app/unit-08");
	cr_assert_eq(count_of(html, "<details"), count_of(html, "</details>"));
	free(md);
	free(html);
	fixture_free(f);
}

Test(report_model, html_opens_with_picture_and_top_risks)
{
	fixture_report f = scanned(12, 1);
	char *html = render(f.r, TMDK_REPORT_HTML);
	after(html, "<section id=\"system-model\" data-components=\"12\" data-exposed=\"2\">", "<section id=\"top-risks\" data-risks=\"1\">");
	after(html, "<section id=\"top-risks\"", "<svg id=\"chart-questions\"");
	if (tmdk_model_diagram_has_svg())
		cr_assert(strstr(html, "<div class=\"picture\" data-model=\"0\">\n<svg"), "laid out by Graphviz");
	else
		cr_assert(strstr(html, "<pre class=\"diagram-src\" data-model=\"0\">flowchart LR"), "Mermaid text without Graphviz");
	cr_assert(strstr(html, "<li class=\"top-risk\" data-severity=\"critical\"><span class=\"sev sev-critical\">CRITICAL</span> "
		"<code>TEST-PRIV</code> <strong>Privileged container</strong><br><span class=\"object component\">component "
		"<strong>pod-6</strong></span> <span class=\"exposure\">internet-exposed</span>"), "%s", strstr(html, "top-risks"));
	cr_assert(strstr(html, "<tr class=\"finding group\" data-severity=\"critical\" data-count=\"4\">"));
	cr_assert(strstr(html, "<details class=\"objects\"><summary><strong>12 findings</strong>"));
	after(html, "data-severity=\"critical\" data-count=\"4\"", "data-severity=\"medium\" data-count=\"12\"");
	free(html);
	fixture_free(f);
}

/* Graphviz gone at run time: the HTML report shows the picture's Mermaid text. */
Test(report_model, html_without_the_graphviz_library_shows_the_diagram_text)
{
	fixture_report f;
	char *html;
	if (!tmdk__gvc_library)
		cr_skip_test("built without Graphviz (configure found no libgvc)");
	tmdk__gvc_library = "libtmdk-test-no-such-graphviz.so.0";
	f = scanned(3, 1);
	html = render(f.r, TMDK_REPORT_HTML);
	cr_assert(strstr(html, "<pre class=\"diagram-src\" data-model=\"0\">flowchart LR"), "Mermaid text");
	cr_assert_null(strstr(html, "<div class=\"picture\" data-model=\"0\">\n<svg"));
	free(html);
	fixture_free(f);
}

Test(report_model, pr_comment_is_short_whatever_the_size)
{
	fixture_report f = scanned(3000, 1);
	char *c = render(f.r, TMDK_REPORT_PR_COMMENT), *md = render(f.r, TMDK_REPORT_MARKDOWN);
	cr_assert_gt(strlen(md), 1000000, "the full report is large (%zu)", strlen(md));
	cr_assert_lt(strlen(c), TMDK_REPORT_COMMENT_MAX, "comment of %zu characters", strlen(c));
	cr_assert(!strncmp(c, "## Threat model\n\n**7000 findings** (1000 critical, 3000 medium, 3000 low)", 70), "%.200s", c);
	after(c, "_The system model is too large to draw in a comment", "## Top risks");
	after(c, "## Top risks", "## Findings by pattern");
	/* a group lists 20 objects, then counts the rest */
	cr_assert(strstr(c, "  - … 980 more in the full report\n"), "%s", c);
	cr_assert(strstr(c, "  - … 2980 more in the full report\n"), "%s", c);
	free(c);
	free(md);
	fixture_free(f);
}

Test(report_model, pr_comment_draws_and_lists_new_findings)
{
	fixture_report base = scanned(6, 1), f = scanned(12, 1);
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *json, *c;
	size_t len;

	/* the baseline: the scan of pods 0 to 5; the findings on pods 6 to 11 are new */
	o.format = TMDK_REPORT_JSON;
	cr_assert_eq(tmdk_report_render(&json, &len, base.r, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_load_baseline(f.r, "base.json", json, len, &err), TMDK_OK, "%s", err.message);
	c = render(f.r, TMDK_REPORT_PR_COMMENT);
	cr_assert(strstr(c, ", **14 new** since the baseline"), "%.400s", c);
	after(c, "```mermaid\nflowchart LR\n", "## Top risks");
	after(c, "## Top risks", "## New since the baseline\n\n");
	cr_assert_null(strstr(c, "## Findings by pattern"));
	after(c, "## New since the baseline", "- **CRITICAL** `TEST-PRIV` Privileged container — 2 findings");
	cr_assert(strstr(strstr(c, "## New since"), "Pod team-0/pod-7,") && !strstr(strstr(c, "## New since"), "Pod team-0/pod-1,"),
		"pod-7 is new, pod-1 is not: %s", c);
	free(c);
	tmdk_report_string_free(json);
	fixture_free(base);
	fixture_free(f);
}

/* A picture made ahead (on another thread, in tmdk-scan) renders as the model added. */
Test(report_model, picture_made_ahead_renders_as_the_model)
{
	fixture_report f = scanned(12, 1), g = scanned(12, 0);
	char *model = pods_model(12), *a, *b;
	tmdk_artifact *m = parse_as("model.json", model, TMDK_KIND_DAEMON_JSON);
	tmdk_report_picture *p = NULL;
	cr_assert_eq(tmdk_report_picture_new(&p, tmdk_document_root(tmdk_artifact_document(m, 0))), TMDK_OK);
	tmdk_artifact_free(m); /* the picture has its own copy */
	free(model);
	cr_assert_eq(tmdk_report_add_picture(g.r, "k8s", &p), TMDK_OK);
	cr_assert_null(p, "the report took it");
	cr_assert_eq(tmdk_report_model_count(g.r), 1);
	a = render(f.r, TMDK_REPORT_MARKDOWN);
	b = render(g.r, TMDK_REPORT_MARKDOWN);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	fixture_free(f);
	fixture_free(g);
}

Test(report_model, picture_errors)
{
	tmdk_report *r;
	tmdk_error err;
	tmdk_artifact *a = parse_as("m.json", "[1]", TMDK_KIND_DAEMON_JSON);
	tmdk_report_picture *p = (tmdk_report_picture *)&err;
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_picture_new(&p, tmdk_document_root(tmdk_artifact_document(a, 0))), TMDK_EINVAL);
	cr_assert_null(p);
	cr_assert_eq(tmdk_report_picture_new(&p, NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_picture_new(NULL, NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_picture(r, "u", &p), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_picture(r, "u", NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_model_count(r), 0);
	tmdk_report_picture_free(NULL);
	tmdk_report_free(r);
	tmdk_artifact_free(a);
}

Test(report_model, add_model_errors)
{
	tmdk_report *r;
	tmdk_error err;
	tmdk_artifact *a = parse_as("m.json", "[1]", TMDK_KIND_DAEMON_JSON);
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_model(r, "u", tmdk_document_root(tmdk_artifact_document(a, 0))), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_model(r, "u", NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_add_model(NULL, "u", NULL), TMDK_EINVAL);
	cr_assert_eq(tmdk_report_model_count(r), 0);
	cr_assert_eq(tmdk_report_model_count(NULL), 0);
	tmdk_report_free(r);
	tmdk_artifact_free(a);
}

/* 400 patterns, each hitting every pod: the groups themselves no longer fit, the least severe go first. */
Test(report_model, pr_comment_cuts_by_severity)
{
	static const char *const sev[] = { "info", "low", "medium", "high", "critical" };
	tree_text t = { NULL, 0, 0 };
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat;
	tmdk_report *r;
	tmdk_error err;
	char *text = pods(30), *out, *cut;
	tmdk_artifact *a = parse_as("k8s/pods.yaml", text, KK);
	size_t i;

	t.cap = 65536;
	t.data = malloc(t.cap);
	tree_put(&t, CATALOG_HEADER);
	for (i = 0; i < 400; i++)
		tree_put(&t, "  - id: GEN-%03zu\n    title: Generated pattern %zu\n    question: what-can-go-wrong\n"
			"    risk: sensitive-data\n    severity: %s\n    description: d\n    mitigation: m\n"
			"    applies-to: [kubernetes]\n    match: {for-each: \"@containers\", where: {path: name, matches: app}}\n"
			"    message: \"container `{name}` matched %zu\"\n", i, i, sev[i % 5], i);
	cat = compile_text_flags(t.data, 0, &c, &err);
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_report_collect, r, &err), TMDK_OK);
	out = render(r, TMDK_REPORT_PR_COMMENT);
	cr_assert_lt(strlen(out), TMDK_REPORT_COMMENT_MAX, "%zu", strlen(out));
	cut = strstr(out, "more findings in the full report** (the least severe are left out first)");
	cr_assert_not_null(cut, "%s", out + strlen(out) - 500);
	/* every critical group is in; the last groups written are less severe than the first */
	cr_assert(strstr(out, "`GEN-004`"), "a critical pattern is kept");
	cr_assert_null(strstr(out, "`GEN-000`"), "an info pattern is cut");
	free(out);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
	tmdk_artifact_free(a);
	free(text);
	free(t.data);
}
