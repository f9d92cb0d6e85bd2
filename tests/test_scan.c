/* Scanning: findings and their fields, callbacks, options, suppressions, limits, threads. */
#include "catalog_helpers.h"

#include <dirent.h>
#include <pthread.h>

#define KK TMDK_KIND_KUBERNETES

static const char two_patterns[] = CATALOG_HEADER
	"  - id: S-PRIV\n"
	"    title: privileged\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: run-equals-access\n"
	"    severity: critical\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: spec.securityContext.privileged, truthy: true}}\n"
	"    message: \"container `{name}` is privileged\"\n"
	"  - id: S-LATEST\n"
	"    title: latest\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: latest-tag\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [kubernetes]\n"
	"    match: {for-each: \"@containers\", where: {path: image, not-matches: \":[^/]+$\"}}\n"
	"    message: \"container `{name}` uses an untagged image\"\n";

static const char deploy[] =
	"apiVersion: apps/v1\n"                 /* 1 */
	"kind: Deployment\n"                    /* 2 */
	"metadata: {name: web, namespace: prod}\n" /* 3 */
	"spec:\n"                               /* 4 */
	"  template:\n"                         /* 5 */
	"    spec:\n"                           /* 6 */
	"      containers:\n"                   /* 7 */
	"        - name: app\n"                 /* 8 */
	"          image: nginx\n"              /* 9 */
	"          securityContext:\n"          /* 10 */
	"            privileged: true  # tmdk:ignore=S-PRIV needed for the CNI\n" /* 11 */
	"        - name: helper\n"              /* 12 */
	"          # tmdk:ignore=S-LATEST\n"    /* 13 */
	"          image: busybox\n"            /* 14 */
	"          securityContext: {privileged: true}\n"; /* 15 */

static tmdk_catalog *two(void)
{
	tmdk_compiler *c;
	tmdk_catalog *cat = compile_text(two_patterns, &c);
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	return cat;
}

static const tmdk_finding *find(const tmdk_findings *list, const char *id, unsigned int line)
{
	size_t i;
	for (i = 0; i < tmdk_findings_count(list); i++) {
		const tmdk_finding *f = tmdk_findings_at(list, i);
		if (!strcmp(tmdk_pattern_id(tmdk_finding_pattern(f)), id) && tmdk_finding_line(f) == line)
			return f;
	}
	return NULL;
}

Test(scan, findings_carry_everything_a_report_needs)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, "deploy.yaml", deploy);
	const tmdk_finding *f = find(list, "S-PRIV", 15);
	cr_assert_not_null(f);
	cr_assert_str_eq(tmdk_finding_path(f), "deploy.yaml");
	cr_assert_eq(tmdk_finding_kind(f), KK);
	cr_assert_eq(tmdk_finding_document(f), 0);
	cr_assert_eq(tmdk_finding_column(f), 41);
	cr_assert_str_eq(tmdk_finding_message(f), "container `helper` is privileged");
	cr_assert_str_eq(tmdk_finding_object(f), "Deployment prod/web, container helper");
	cr_assert_str_eq(tmdk_finding_evidence(f), "securityContext: {privileged: true}");
	cr_assert_eq(tmdk_finding_suppressed(f), 0);
	cr_assert_null(tmdk_finding_suppression(f));
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(scan, inline_suppressions_with_and_without_reason)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, "deploy.yaml", deploy);
	const tmdk_finding *f;

	f = find(list, "S-PRIV", 11);
	cr_assert_not_null(f);
	cr_assert(tmdk_finding_suppressed(f), "same-line comment suppresses");
	cr_assert_str_eq(tmdk_finding_suppression(f), "comment (line 11): needed for the CNI");
	f = find(list, "S-LATEST", 14);
	cr_assert_not_null(f);
	cr_assert_not(tmdk_finding_suppressed(f), "a line-above comment without a reason does not suppress");
	cr_assert_null(tmdk_finding_suppression(f));
	f = find(list, "TMDK-META-001", 13);
	cr_assert_not_null(f, "a suppression without a reason is reported");
	cr_assert_eq(tmdk_finding_suppressed(f), 0);
	cr_assert_not_null(find(list, "S-LATEST", 9), "unsuppressed finding stays");
	cr_assert_eq(tmdk_findings_count(list), 5);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(scan, file_wide_and_annotation_suppressions)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, NULL,
		"# tmdk:ignore-file=S-LATEST,S-PRIV -- lab cluster only\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}\n");
	size_t i;
	cr_assert_eq(tmdk_findings_count(list), 2);
	for (i = 0; i < 2; i++) {
		cr_assert(tmdk_finding_suppressed(tmdk_findings_at(list, i)));
		cr_assert_str_eq(tmdk_finding_suppression(tmdk_findings_at(list, i)), "file comment (line 1): lab cluster only");
	}
	tmdk_findings_free(list);

	list = scan_text(cat, KK, NULL,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
		"spec:\n  template:\n    metadata:\n      annotations: {tmdk.io/ignore: \"S-PRIV accepted by security team\"}\n"
		"    spec: {containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}\n");
	cr_assert_eq(tmdk_findings_count(list), 1);
	cr_assert(tmdk_finding_suppressed(tmdk_findings_at(list, 0)));
	cr_assert_str_eq(tmdk_finding_suppression(tmdk_findings_at(list, 0)),
		"annotation tmdk.io/ignore (line 7): accepted by security team");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(scan, suppressions_only_match_whole_ids)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, NULL,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]} # tmdk:ignore=S-PRIVX,S-PRI reason\n");
	cr_assert_eq(tmdk_findings_count(list), 3, "the finding and two unknown ids");
	cr_assert_eq(tmdk_finding_suppressed(find(list, "S-PRIV", 4)), 0);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 1)), 0);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

struct counter {
	int calls, stop_at, abort_at, abort_rc, suppressed;
};

static int counting_cb(const tmdk_finding *f, void *payload)
{
	struct counter *c = payload;
	c->calls++;
	c->suppressed += tmdk_finding_suppressed(f);
	if (c->stop_at && c->calls == c->stop_at)
		return TMDK_STOP;
	if (c->abort_at && c->calls == c->abort_at)
		return c->abort_rc ? c->abort_rc : -42;
	return 0;
}

Test(scan, callback_contract_continue_stop_abort)
{
	tmdk_catalog *cat = two();
	tmdk_artifact *a = parse_as("d.yaml", deploy, KK);
	tmdk_scanner *s;
	tmdk_error err;
	struct counter c = { 0, 0, 0, 0, 0 };

	cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_scan(s, a, counting_cb, &c, &err), TMDK_OK);
	cr_assert_eq(c.calls, 5);
	cr_assert_eq(c.suppressed, 1);
	cr_assert_eq(tmdk_scanner_finding_count(s), 4);
	cr_assert_eq(tmdk_scanner_suppressed_count(s), 1);

	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	cr_assert_eq(tmdk_scanner_scan(s, a, counting_cb, &c, &err), TMDK_OK, "TMDK_STOP is not an error");
	cr_assert_eq(c.calls, 2);

	memset(&c, 0, sizeof(c));
	c.abort_at = 3;
	cr_assert_eq(tmdk_scanner_scan(s, a, counting_cb, &c, &err), -42, "a negative value aborts and is returned");
	cr_assert_eq(c.calls, 3);
	cr_assert_eq(err.code, -42);

	/* -1 (TMDK_ERROR) and -2 are the callback's own values too: not "out of memory". */
	memset(&c, 0, sizeof(c));
	c.abort_at = 1;
	c.abort_rc = -1;
	cr_assert_eq(tmdk_scanner_scan(s, a, counting_cb, &c, &err), -1, "a callback's -1 is returned as is");
	cr_assert_eq(err.code, -1);
	cr_assert_not(strstr(err.message, "out of memory"), "%s", err.message);
	memset(&c, 0, sizeof(c));
	c.abort_at = 2;
	c.abort_rc = TMDK_ENOMEM;
	cr_assert_eq(tmdk_scanner_scan(s, a, counting_cb, &c, &err), TMDK_ENOMEM);
	cr_assert(strstr(err.message, "callback"), "%s", err.message);

	cr_assert_eq(tmdk_scanner_scan(s, a, NULL, NULL, &err), TMDK_OK, "no callback: only counts");
	cr_assert_eq(tmdk_scanner_finding_count(s), 4);
	tmdk_scanner_free(s);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

static size_t scan_count(const tmdk_catalog *cat, const tmdk_scan_options *o, int *suppressed)
{
	tmdk_artifact *a = parse_as("d.yaml", deploy, KK);
	struct counter c = { 0, 0, 0, 0, 0 };
	tmdk_error err;
	cr_assert_eq(tmdk_catalog_scan(cat, a, o, counting_cb, &c, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	if (suppressed)
		*suppressed = c.suppressed;
	return (size_t)c.calls;
}

Test(scan, options_filter_what_is_evaluated)
{
	tmdk_catalog *cat = two();
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	const char *ignore[] = { "S-PRIV", "TMDK-META-001" };
	int sup;

	cr_assert_eq(scan_count(cat, &o, &sup), 5);
	o.min_severity = TMDK_SEVERITY_HIGH;
	cr_assert_eq(scan_count(cat, &o, &sup), 2, "only S-PRIV (critical) remains");
	o.min_severity = TMDK_SEVERITY_INFO;
	o.risks = 1ul << TMDK_R_LATEST_TAG;
	cr_assert_eq(scan_count(cat, &o, &sup), 2, "S-LATEST only, no meta (documentation)");
	o.risks = 0;
	o.questions = 1u << TMDK_Q_DID_WE_DO_ENOUGH;
	cr_assert_eq(scan_count(cat, &o, &sup), 0);
	o.questions = 0;
	o.ignore_ids = ignore;
	o.ignore_count = 2;
	cr_assert_eq(scan_count(cat, &o, &sup), 2);
	o.ignore_count = 0;
	o.flags = TMDK_SCAN_NO_INLINE_IGNORES;
	cr_assert_eq(scan_count(cat, &o, &sup), 4);
	cr_assert_eq(sup, 0);
	o.flags = TMDK_SCAN_SKIP_SUPPRESSED;
	cr_assert_eq(scan_count(cat, &o, &sup), 4);
	cr_assert_eq(sup, 0);
	tmdk_catalog_free(cat);
}

Test(scan, bad_options_are_refused)
{
	tmdk_catalog *cat = two();
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_scanner *s = NULL;
	tmdk_error err;
	o.version = 0;
	cr_assert_eq(tmdk_scanner_new(&s, cat, &o, &err), TMDK_EINVAL);
	cr_assert_null(s);
	cr_assert_eq(tmdk_scan_options_init(&o, 3), TMDK_EINVAL);
	tmdk_scan_options_init(&o, TMDK_SCAN_OPTIONS_VERSION);
	o.min_severity = (tmdk_severity)12;
	cr_assert_eq(tmdk_scanner_new(&s, cat, &o, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_scanner_new(&s, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_scanner_scan(NULL, NULL, NULL, NULL, &err), TMDK_EINVAL);
	tmdk_scanner_free(NULL);
	tmdk_catalog_free(cat);
}

Test(scan, max_findings_is_a_reported_limit)
{
	tmdk_catalog *cat = two();
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_artifact *a = parse_as("d.yaml", deploy, KK);
	tmdk_error err;
	o.max_findings = 2;
	cr_assert_eq(tmdk_catalog_scan(cat, a, &o, NULL, NULL, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_findings"), "%s", err.message);
	cr_assert_str_eq(err.source, "d.yaml");
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

Test(scan, catastrophic_regex_finishes_with_a_reported_limit)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{path: name, matches: \"^(a+)+$\"}", "m");
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_artifact *a;
	tmdk_error err;
	char text[256];
	struct counter calls = { 0, 0, 0, 0, 0 };
	snprintf(text, sizeof(text), "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
	a = parse_as(NULL, text, KK);
	o.regex_match_limit = 10000;
	cr_assert_eq(tmdk_catalog_scan(cat, a, &o, counting_cb, &calls, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "TEST-001") && strstr(err.message, "regex_match_limit"), "%s", err.message);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

Test(scan, lists_sort_deterministically)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, "d.yaml", deploy);
	size_t i;
	tmdk_findings_sort(list);
	for (i = 1; i < tmdk_findings_count(list); i++)
		cr_assert_leq(tmdk_finding_line(tmdk_findings_at(list, i - 1)), tmdk_finding_line(tmdk_findings_at(list, i)));
	cr_assert_null(tmdk_findings_at(list, 99));
	cr_assert_eq(tmdk_findings_append(NULL, NULL), TMDK_EINVAL);
	tmdk_findings_free(list);
	tmdk_findings_free(NULL);
	tmdk_catalog_free(cat);
}

/* A list's copy keeps every string of the finding (in one block of its
 * own, NULL where the finding has none), and outlives the list it was
 * copied from; a suppressed copy carries its reason. */
Test(scan, copies_keep_their_strings)
{
	tmdk_catalog *cat = two();
	tmdk_findings *list = scan_text(cat, KK, "d.yaml", deploy), *copies;
	const tmdk_finding *f, *c;
	char path[64], message[512], object[256], evidence[256], component[256];

	cr_assert_gt(tmdk_findings_count(list), 0);
	f = tmdk_findings_at(list, 0);
	cr_assert_eq(tmdk_findings_new(&copies), TMDK_OK);
	cr_assert_eq(tmdk_findings_append(copies, f), TMDK_OK);
	cr_assert_eq(tmdk_findings_append_suppressed(copies, f, "accepted risk"), TMDK_OK);
	snprintf(path, sizeof(path), "%s", tmdk_finding_path(f));
	snprintf(message, sizeof(message), "%s", tmdk_finding_message(f));
	snprintf(object, sizeof(object), "%s", tmdk_finding_object(f) ? tmdk_finding_object(f) : "(none)");
	snprintf(evidence, sizeof(evidence), "%s", tmdk_finding_evidence(f) ? tmdk_finding_evidence(f) : "(none)");
	snprintf(component, sizeof(component), "%s", tmdk_finding_component(f) ? tmdk_finding_component(f) : "(none)");
	tmdk_findings_free(list);
	c = tmdk_findings_at(copies, 0);
	cr_assert_str_eq(tmdk_finding_path(c), path);
	cr_assert_str_eq(tmdk_finding_message(c), message);
	cr_assert_str_eq(tmdk_finding_object(c) ? tmdk_finding_object(c) : "(none)", object);
	cr_assert_str_eq(tmdk_finding_evidence(c) ? tmdk_finding_evidence(c) : "(none)", evidence);
	cr_assert_str_eq(tmdk_finding_component(c) ? tmdk_finding_component(c) : "(none)", component);
	cr_assert_null(tmdk_finding_suppression(c));
	cr_assert_not(tmdk_finding_suppressed(c));
	c = tmdk_findings_at(copies, 1);
	cr_assert(tmdk_finding_suppressed(c));
	cr_assert_str_eq(tmdk_finding_suppression(c), "accepted risk");
	cr_assert_str_eq(tmdk_finding_message(c), message);
	tmdk_findings_free(copies);
	tmdk_catalog_free(cat);
}

Test(scan, scan_set_orders_by_artifact_then_line)
{
	tmdk_catalog *cat = two();
	tmdk_artifact *as[2];
	tmdk_findings *list;
	tmdk_error err;
	as[0] = parse_as("b.yaml", deploy, KK);
	as[1] = parse_as("a.yaml", deploy, KK);
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	{
		tmdk_scanner *s;
		cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
		cr_assert_eq(tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)as, 2, tmdk_findings_collect, list, &err), TMDK_OK);
		tmdk_scanner_free(s);
	}
	cr_assert_eq(tmdk_findings_count(list), 10);
	cr_assert_str_eq(tmdk_finding_path(tmdk_findings_at(list, 0)), "b.yaml", "artifact order first");
	cr_assert_str_eq(tmdk_finding_path(tmdk_findings_at(list, 5)), "a.yaml");
	tmdk_artifact_free(as[0]);
	tmdk_artifact_free(as[1]);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

/* ---- threads: one catalog, many scanners --------------------------------- */

struct corpus_run {
	const tmdk_catalog *cat;
	tmdk_artifact **artifacts;
	size_t count;
	size_t from, step;
	unsigned long long digest;
	size_t findings;
};

static int digest_cb(const tmdk_finding *f, void *payload)
{
	struct corpus_run *r = payload;
	const char *s;
	r->findings++;
	for (s = tmdk_finding_message(f); *s; s++)
		r->digest = r->digest * 131 + (unsigned char)*s;
	r->digest += tmdk_finding_line(f) * 7919u;
	return 0;
}

static void *scan_worker(void *arg)
{
	struct corpus_run *r = arg;
	tmdk_scanner *s;
	tmdk_error err;
	size_t i;
	if (tmdk_scanner_new(&s, r->cat, NULL, &err) != TMDK_OK)
		return NULL;
	for (i = r->from; i < r->count; i += r->step) {
		/* Digests are added per artifact so the order of artifacts does not matter. */
		struct corpus_run one = *r;
		one.digest = 0;
		one.findings = 0;
		tmdk_scanner_scan(s, r->artifacts[i], digest_cb, &one, &err);
		r->digest += one.digest;
		r->findings += one.findings;
	}
	tmdk_scanner_free(s);
	return NULL;
}

static size_t load_folder(const char *corpus, const char *sub, tmdk_artifact ***artifacts, size_t count)
{
	char path[4096];
	struct dirent **names;
	int n, i;

	snprintf(path, sizeof(path), "%s/%s", corpus, sub);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return count;
	*artifacts = realloc(*artifacts, (count + (size_t)n) * sizeof(**artifacts));
	for (i = 0; i < n; i++) {
		char file[8192];
		tmdk_error err;
		if (names[i]->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			if (tmdk_artifact_parse_file(&(*artifacts)[count], file, NULL, &err) == TMDK_OK)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

Test(scan, four_threads_share_one_catalog_and_agree_with_one_thread)
{
	const char *corpus = corpus_dir();
	tmdk_artifact **artifacts = NULL;
	tmdk_catalog *cat = NULL, *cold = NULL;
	struct corpus_run single, multi[4];
	pthread_t th[4];
	size_t count = 0, i, total = 0;
	unsigned long long digest = 0;
	tmdk_error err;

	if (!corpus)
		cr_skip_test("corpus not found: set TMDK_CORPUS");
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	/* The threads scan with a catalog nobody has matched with yet: they race
	 * to JIT-compile its regexes on first use (libtmdk/regex.c). */
	cr_assert_eq(tmdk_catalog_load_builtin(&cold, &err), TMDK_OK, "%s", err.message);
	count = load_folder(corpus, "kubernetes", &artifacts, count);
	count = load_folder(corpus, "dockerfiles", &artifacts, count);
	count = load_folder(corpus, "compose", &artifacts, count);
	cr_assert_gt(count, 0);

	memset(&single, 0, sizeof(single));
	single.cat = cat;
	single.artifacts = artifacts;
	single.count = count;
	single.step = 1;
	scan_worker(&single);
	cr_assert_gt(single.findings, 0);
	for (i = 0; i < 4; i++) {
		multi[i] = single;
		multi[i].cat = cold;
		multi[i].from = i;
		multi[i].step = 4;
		multi[i].digest = 0;
		multi[i].findings = 0;
		pthread_create(&th[i], NULL, scan_worker, &multi[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		digest += multi[i].digest;
		total += multi[i].findings;
	}
	cr_assert_eq(total, single.findings);
	cr_assert_eq(digest, single.digest);
	cr_log_info("threads: %zu artifacts, %zu findings with the built-in catalog, same digest with 1 and 4 threads",
		count, total);
	for (i = 0; i < count; i++)
		tmdk_artifact_free(artifacts[i]);
	free(artifacts);
	tmdk_catalog_free(cat);
	tmdk_catalog_free(cold);
}

Test(scan, dockerfile_comments_suppress_the_next_instruction)
{
	tmdk_catalog *cat = one_pattern("dockerfile", "{for-each: \"@from\"}", "from {from.raw}");
	tmdk_findings *list = scan_text(cat, TMDK_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine AS a\n"
		"# tmdk:ignore=TEST-001 pinned by the build system\n"
		"FROM debian\n");
	cr_assert_eq(tmdk_findings_count(list), 2);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 0)), 0);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 1)), 1);
	cr_assert_str_eq(tmdk_finding_suppression(tmdk_findings_at(list, 1)), "comment (line 2): pinned by the build system");
	cr_assert_str_eq(tmdk_finding_object(tmdk_findings_at(list, 1)), "stage 1 (FROM debian)");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

/* ---- where a match inside a multi-line text is reported ---------------------------- */

static void assert_at(const tmdk_findings *list, size_t i, unsigned int line, unsigned int column, const char *message)
{
	const tmdk_finding *f = tmdk_findings_at(list, i);
	cr_assert_not_null(f, "no finding %zu", i);
	cr_assert_eq(tmdk_finding_line(f), line, "finding %zu: line %u, expected %u", i, tmdk_finding_line(f), line);
	cr_assert_eq(tmdk_finding_column(f), column, "finding %zu: column %u, expected %u", i, tmdk_finding_column(f),
		column);
	if (message)
		cr_assert_str_eq(tmdk_finding_message(f), message);
}

Test(scan, matches_in_continued_instructions_and_heredocs_are_located_on_their_line)
{
	tmdk_catalog *cat = one_pattern("dockerfile", "{for-each: \"@run\", where: {any: ["
		"{path: command, matches: \"wget\\\\b[^|]*\"}, {path: \"heredocs[*].body\", matches: \"wget\\\\b[^|]*\"}]}}",
		"{$match}");
	tmdk_findings *list = scan_text(cat, TMDK_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine:3.20\n"
		"RUN apk add ca-certificates && \\\n"
		"    echo ok && \\\n"
		"      wget -q https://x.example/a.tgz\n"          /* line 4, column 7 */
		"RUN <<EOF\n"
		"set -e\n"
		"  wget https://x.example/b.tgz\n"                /* line 7, column 3 */
		"EOF\n"
		"RUN <<-EOT\n"
		"\t\techo tabs are stripped\n"
		"\t\twget https://x.example/c.tgz\n"              /* line 11, column 3 (after the tabs) */
		"\tEOT\n"
		"RUN wget https://x.example/d.tgz\n");            /* line 13, column 5: one line */
	cr_assert_eq(tmdk_findings_count(list), 4);
	assert_at(list, 0, 4, 7, "wget -q https://x.example/a.tgz");
	assert_at(list, 1, 7, 3, "wget https://x.example/b.tgz");
	assert_at(list, 2, 11, 3, "wget https://x.example/c.tgz");
	assert_at(list, 3, 13, 5, "wget https://x.example/d.tgz");
	/* The evidence is the line of the match, not the instruction's first. */
	cr_assert_str_eq(tmdk_finding_evidence(tmdk_findings_at(list, 0)), "wget -q https://x.example/a.tgz");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(scan, suppressions_above_a_continued_instruction_still_apply)
{
	tmdk_catalog *cat = one_pattern("dockerfile", "{for-each: \"@run\", where: {path: command, matches: \"wget\"}}", "m");
	tmdk_findings *list = scan_text(cat, TMDK_KIND_DOCKERFILE, "Dockerfile",
		"FROM alpine:3.20\n"
		"# tmdk:ignore=TEST-001 mirrored and checked by the build system\n"
		"RUN apk add ca-certificates && \\\n"
		"    wget -q https://x.example/a.tgz\n"
		"RUN apk add git && \\\n"
		"    # tmdk:ignore=TEST-001 this one too, said where it happens\n"
		"    wget -q https://x.example/b.tgz\n"
		"RUN apk add jq && \\\n"
		"    wget -q https://x.example/c.tgz\n");
	cr_assert_eq(tmdk_findings_count(list), 3);
	assert_at(list, 0, 4, 5, NULL);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 0)), 1, "comment above the instruction");
	cr_assert_str_eq(tmdk_finding_suppression(tmdk_findings_at(list, 0)),
		"comment (line 2): mirrored and checked by the build system");
	assert_at(list, 1, 7, 5, NULL);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 1)), 1, "comment above the line, inside the instruction");
	assert_at(list, 2, 9, 5, NULL);
	cr_assert_eq(tmdk_finding_suppressed(tmdk_findings_at(list, 2)), 0);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(scan, matches_in_yaml_literal_blocks_are_located_on_their_line)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{for-each: \"@containers\", where: "
		"{path: \"spec.args[*]\", matches: \"\\\\s*curl [^|]*\"}}", "{$match}");
	tmdk_findings *list = scan_text(cat, KK, "pod.yaml",
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata: {name: p}\n"
		"spec:\n"
		"  containers:\n"
		"  - name: literal\n"
		"    image: a:1\n"
		"    args:\n"
		"    - |  # a comment on the header\n"
		"      set -e\n"
		"\n"
		"        curl -s https://x.example/a\n"      /* line 12, column 9 */
		"  - name: folded\n"
		"    image: a:1\n"
		"    args:\n"
		"    - >\n"                                   /* folded: lines are joined, the scalar's own position */
		"      set -e;\n"
		"      curl -s https://x.example/b\n"
		"  - name: indicator\n"
		"    image: a:1\n"
		"    args:\n"
		"    - |2\n"                                  /* explicit indentation: the scalar's own position */
		"        set -e\n"
		"        curl -s https://x.example/c\n"
		"  - name: quoted\n"
		"    image: a:1\n"
		"    args: [\"curl -s https://x.example/d\"]\n");
	cr_assert_eq(tmdk_findings_count(list), 4);
	assert_at(list, 0, 12, 9, "curl -s https://x.example/a");
	assert_at(list, 1, 16, 7, "curl -s https://x.example/b");
	assert_at(list, 2, 22, 7, "curl -s https://x.example/c");
	assert_at(list, 3, 27, 12, "curl -s https://x.example/d");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}
