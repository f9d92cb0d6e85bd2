/*
 * Failure behaviour under memory pressure, jansson-style: a counting
 * allocator fails the 1st, 2nd, 3rd … allocation of an operation until the
 * operation succeeds. Every failed run must return TMDK_ENOMEM with a
 * filled error record, and leave exactly as many blocks allocated as before.
 * The parsers are covered the same way in test_detect.c (YAML kinds) and
 * test_dockerfile.c; here: catalog compilation, scanning, kustomize builds,
 * deciding deployment units and walking a tree.
 *
 * Under valgrind (make check-valgrind sets TMDK_VALGRIND) every 7th
 * allocation is failed instead of every one, to keep the run short.
 */
#include "catalog_helpers.h"
#include "failing_alloc.h"

/* ---- the allocator --------------------------------------------------------- */


/* ---- the driver ------------------------------------------------------------ */

/* An operation: returns a tmdk code, and frees everything it made when it
 * succeeds (its results go to ctx). */
typedef int (*operation)(void *ctx, tmdk_error *err);

static long stride(void)
{
	const char *v = getenv("TMDK_VALGRIND");
	return v && *v && strcmp(v, "0") != 0 ? 7 : 1;
}

/*
 * Run op with allocation 1, 2, … failing until it returns `expected`; returns
 * the number of allocation points tried.
 */
static long fail_each_allocation(const char *what, operation op, void *ctx, int expected)
{
	long n, step = stride();

	for (n = 0;; n += step) {
		long before = failing_live;
		tmdk_error err;
		int rc;

		failing_left = n;
		rc = op(ctx, &err);
		failing_left = -1;
		if (rc == expected) {
			cr_assert_eq(failing_live, before, "%s: %ld blocks leaked by the run that succeeded", what, failing_live - before);
			return n + 1;
		}
		cr_assert_eq(rc, TMDK_ENOMEM, "%s, allocation %ld failing: code %d, expected TMDK_ENOMEM: %s",
			what, n + 1, rc, err.message);
		cr_assert_eq(err.code, TMDK_ENOMEM, "%s, allocation %ld: err.code %d", what, n + 1, err.code);
		cr_assert(err.message[0], "%s, allocation %ld: no message", what, n + 1);
		cr_assert_eq(failing_live, before, "%s, allocation %ld failing: %ld blocks leaked", what, n + 1, failing_live - before);
		cr_assert_lt(n, 5000000, "%s never succeeded", what);
	}
}

/* ---- compiling ------------------------------------------------------------- */

struct compile_job {
	const char *path;      /* a catalog file, or NULL for the built-in catalog */
	const char *text;      /* or catalog text */
	unsigned int flags;
	size_t patterns;       /* result: patterns compiled */
	size_t diagnostics;    /* result: diagnostics reported */
};

static int compile_op(void *ctx, tmdk_error *err)
{
	struct compile_job *job = ctx;
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = NULL;
	int rc;

	o.flags = job->flags;
	rc = tmdk_compiler_new(&c, &o, err);
	if (rc != TMDK_OK) {
		cr_assert_null(c);
		return rc;
	}
	if (job->text)
		rc = tmdk_compiler_add_buffer(c, "oom.yaml", job->text, strlen(job->text), err);
	else if (job->path)
		rc = tmdk_compiler_add_path(c, job->path, err);
	else
		rc = tmdk_compiler_add_builtin(c, err);
	if (rc == TMDK_OK)
		rc = tmdk_compiler_compile(&cat, c, err);
	if (rc != TMDK_OK)
		cr_assert_null(cat, "no catalog on failure");
	job->patterns = tmdk_catalog_pattern_count(cat);
	job->diagnostics = tmdk_compiler_diagnostic_count(c);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	return rc;
}

Test(oom, compiling_the_builtin_catalog)
{
	struct compile_job job = { NULL, NULL, 0, 0, 0 }, ref;
	tmdk_error err;
	long points;

	failing_install(0);
	cr_assert_eq(compile_op(&job, &err), TMDK_OK, "%s", err.message);
	ref = job;
	points = fail_each_allocation("built-in catalog", compile_op, &job, TMDK_OK);
	cr_assert_eq(job.patterns, ref.patterns, "the run that succeeded compiled every pattern (%zu of %zu)", job.patterns, ref.patterns);
	cr_assert_gt(points, 10);
	cr_log_info("built-in catalog: %ld allocation points, %zu patterns", points, job.patterns);
	tmdk_set_allocator(NULL, NULL, NULL);
}

Test(oom, compiling_a_catalog_file_and_checking_its_examples)
{
	struct compile_job job = { NULL, NULL, TMDK_COMPILE_CHECK_EXAMPLES, 0, 0 };
	tmdk_error err;
	long points;

	job.path = fixture("scan/catalog.yaml");
	failing_install(0);
	cr_assert_eq(compile_op(&job, &err), TMDK_OK, "%s", err.message);
	points = fail_each_allocation("catalog with examples", compile_op, &job, TMDK_OK);
	cr_assert_gt(job.patterns, 1);
	cr_log_info("catalog with examples: %ld allocation points", points);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* A catalog full of mistakes: the diagnostics are allocated too. */
Test(oom, compiling_a_catalog_with_errors)
{
	static const char text[] = CATALOG_HEADER
		"  - id: BAD-1\n"
		"    title: t\n"
		"    question: what-can-go-wrong\n"
		"    risk: no-such-risk\n"
		"    severity: extreme\n"
		"    description: d\n"
		"    mitigation: m\n"
		"    applies-to: [kubernetes, nothing]\n"
		"    match: {path: \"a[\", matches: \"(unclosed\"}\n"
		"    message: \"{\"\n"
		"    typo: 1\n"
		"  - id: BAD-1\n"
		"    title: duplicate\n";
	struct compile_job job = { NULL, text, TMDK_COMPILE_STRICT, 0, 0 };
	tmdk_error err;

	failing_install(0);
	cr_assert_eq(compile_op(&job, &err), TMDK_ESCHEMA, "%s", err.message);
	cr_assert_gt(job.diagnostics, 3);
	fail_each_allocation("catalog with errors", compile_op, &job, TMDK_ESCHEMA);
	cr_assert_gt(job.diagnostics, 3, "every diagnostic is still reported");
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- scanning -------------------------------------------------------------- */

struct scan_job {
	const tmdk_catalog *catalog;
	const tmdk_artifact *set[8];
	size_t count;
	size_t findings;      /* result */
	size_t suppressed;    /* result */
};

static int scan_op(void *ctx, tmdk_error *err)
{
	struct scan_job *job = ctx;
	tmdk_scanner *s = NULL;
	tmdk_findings *list = NULL;
	size_t i;
	int rc;

	rc = tmdk_findings_new(&list);
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, "tmdk_findings_new failed");
	rc = tmdk_scanner_new(&s, job->catalog, NULL, err);
	if (rc == TMDK_OK)
		rc = tmdk_scanner_scan_set(s, job->set, job->count, tmdk_findings_collect, list, err);
	tmdk_scanner_free(s);
	tmdk_findings_sort(list);
	job->findings = tmdk_findings_count(list);
	job->suppressed = 0;
	for (i = 0; i < job->findings; i++)
		job->suppressed += tmdk_finding_suppressed(tmdk_findings_at(list, i)) != 0;
	tmdk_findings_free(list);
	return rc;
}

static const tmdk_artifact *parse_fixture(const char *rel, const char *name)
{
	size_t len = 0;
	char *data = read_file(fixture(rel), &len);
	tmdk_artifact *a;
	tmdk_error err;
	cr_assert_not_null(data, "missing fixture %s", rel);
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, name, data, len, NULL, &err), TMDK_OK, "%s: %s", rel, err.message);
	free(data);
	return a;
}

/* A copy of a fixture in which every finding is suppressed by one
 * `# tmdk:ignore-file=` comment naming every pattern of the catalog. */
static const tmdk_artifact *parse_suppressed(const tmdk_catalog *cat, const char *rel, const char *name)
{
	size_t len = 0, i, n = tmdk_catalog_pattern_count(cat), cap;
	char *data = read_file(fixture(rel), &len), *text, *p;
	tmdk_artifact *a;
	tmdk_error err;

	cr_assert_not_null(data, "missing fixture %s", rel);
	cap = len + n * 64 + 64;
	p = text = malloc(cap);
	cr_assert_not_null(text);
	p += sprintf(p, "# tmdk:ignore-file=");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", tmdk_pattern_id(tmdk_catalog_pattern(cat, i)));
	p += sprintf(p, " accepted for this test\n");
	memcpy(p, data, len);
	p += len;
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, name, text, (size_t)(p - text), NULL, &err), TMDK_OK, "%s", err.message);
	free(text);
	free(data);
	return a;
}

/* What the cross-document plans index and precompute (set_cache.c):
 * service accounts, namespaces with and without a NetworkPolicy or a
 * LimitRange, a binding naming a role. */
static const char cross_document_set[] =
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"
	"automountServiceAccountToken: false\n"
	"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n"
	"spec: {podSelector: {}}\n"
	"---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\n"
	"spec: {limits: [{type: Container, default: {memory: 1Gi}, defaultRequest: {cpu: 10m}}]}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n"
	"spec: {serviceAccountName: api, containers: [{name: c, image: app:1}]}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\n"
	"spec: {serviceAccountName: api, containers: [{name: c, image: app:1}]}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\n"
	"spec: {containers: [{name: c, image: app:1}]}\n"
	"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
	"rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [list]}]\n"
	"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: rb}\n"
	"roleRef: {kind: ClusterRole, name: reader, apiGroup: rbac.authorization.k8s.io}\n"
	"subjects: [{kind: ServiceAccount, name: api, namespace: shop}]\n";

Test(oom, scanning_with_the_builtin_catalog)
{
	struct scan_job job;
	tmdk_catalog *cat;
	tmdk_error err;
	size_t i, ref_findings, ref_suppressed;
	long points;

	failing_install(0);
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	memset(&job, 0, sizeof(job));
	job.catalog = cat;
	job.set[job.count++] = parse_fixture("kubernetes/workloads.yaml", "workloads.yaml");
	job.set[job.count++] = parse_fixture("kubernetes/rbac.yaml", "rbac.yaml");
	job.set[job.count++] = parse_fixture("compose/volumes.yaml", "compose.yaml");
	job.set[job.count++] = parse_fixture("docker/daemon.json", "daemon.json");
	job.set[job.count++] = parse_fixture("docker/inspect.json", "inspect.json");
	job.set[job.count++] = parse_fixture("dockerfile/multistage.Dockerfile", "Dockerfile");
	job.set[job.count++] = parse_suppressed(cat, "kubernetes/workloads.yaml", "suppressed.yaml");
	job.set[job.count++] = parse_as("crossdoc.yaml", cross_document_set, TMDK_KIND_KUBERNETES);

	cr_assert_eq(scan_op(&job, &err), TMDK_OK, "%s", err.message);
	ref_findings = job.findings;
	ref_suppressed = job.suppressed;
	cr_assert_gt(ref_findings, 0);
	cr_assert_gt(ref_suppressed, 0);
	points = fail_each_allocation("scan", scan_op, &job, TMDK_OK);
	cr_assert_eq(job.findings, ref_findings, "the run that succeeded found everything");
	cr_assert_eq(job.suppressed, ref_suppressed, "suppressed %zu of %zu, after %ld allocation points", job.suppressed, ref_suppressed, points);
	cr_log_info("scan: %ld allocation points, %zu findings (%zu suppressed)", points, ref_findings, ref_suppressed);

	for (i = 0; i < job.count; i++)
		tmdk_artifact_free((tmdk_artifact *)job.set[i]);
	tmdk_catalog_free(cat);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* A finding list copied out of a scan (every other finding suppressed by a
 * policy) keeps its catalog alive; a report takes the copy whole. */
static int append_op(void *ctx, tmdk_error *err)
{
	const tmdk_findings *src = ctx;
	tmdk_findings *copy = NULL;
	tmdk_report *r = NULL;
	size_t i;
	int rc = tmdk_findings_new(&copy);
	for (i = 0; rc == TMDK_OK && i < tmdk_findings_count(src); i++)
		rc = i % 2 ? tmdk_findings_append(copy, tmdk_findings_at(src, i))
			: tmdk_findings_append_suppressed(copy, tmdk_findings_at(src, i), "policy");
	if (rc == TMDK_OK && (rc = tmdk_report_new(&r, err)) == TMDK_OK &&
	    (rc = tmdk_report_begin_unit(r, "files", "u")) == TMDK_OK && (rc = tmdk_report_take_findings(r, copy)) == TMDK_OK)
		cr_assert_eq(tmdk_findings_count(copy), 0);
	else if (r)
		cr_assert_eq(tmdk_findings_count(copy), tmdk_findings_count(src), "a failed take leaves the list");
	tmdk_report_free(r);
	tmdk_findings_free(copy);
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, "copying findings failed");
	return TMDK_OK;
}

Test(oom, copying_findings)
{
	tmdk_catalog *cat;
	tmdk_findings *list;
	tmdk_error err;
	const tmdk_artifact *a;

	failing_install(0);
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	a = parse_fixture("kubernetes/workloads.yaml", "workloads.yaml");
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	cr_assert_gt(tmdk_findings_count(list), 0);
	fail_each_allocation("findings copy", append_op, list, TMDK_OK);
	tmdk_findings_free(list);
	tmdk_artifact_free((tmdk_artifact *)a);
	tmdk_catalog_free(cat);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- suppression hygiene and baselines ---------------------------------------- */

struct hygiene_job {
	const tmdk_catalog *catalog;
	const tmdk_artifact *a;
	size_t findings;       /* result */
};

/* Unknown ids (with suggestions), reason-less and unused inline ignores, TMDK_SCAN_REPORT_UNUSED_IGNORES on. */
static int hygiene_op(void *ctx, tmdk_error *err)
{
	struct hygiene_job *job = ctx;
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	tmdk_scanner *s = NULL;
	tmdk_findings *list = NULL;
	int rc;

	o.flags = TMDK_SCAN_REPORT_UNUSED_IGNORES;
	rc = tmdk_findings_new(&list);
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, "tmdk_findings_new failed");
	rc = tmdk_scanner_new(&s, job->catalog, &o, err);
	if (rc == TMDK_OK)
		rc = tmdk_scanner_scan(s, job->a, tmdk_findings_collect, list, err);
	tmdk_scanner_free(s);
	job->findings = tmdk_findings_count(list);
	tmdk_findings_free(list);
	return rc;
}

Test(oom, suppression_hygiene)
{
	static const char text[] =
		"# tmdk:ignore-file=TMDK-K8S-01,TMDK-NOPE-1 typos\n"
		"# tmdk:ignore-file=TMDK-DF-001 unused here\n"
		"apiVersion: v1\nkind: Pod\n"
		"metadata: {name: p, annotations: {tmdk.io/ignore: \"TMDK-DC-017 not here either\"}}\n"
		"spec:\n"
		"  containers:\n"
		"    - name: a  # tmdk:ignore=TMDK-K8S-001\n"
		"      image: x\n";
	struct hygiene_job job;
	tmdk_catalog *cat;
	tmdk_error err;
	size_t ref;

	failing_install(0);
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	memset(&job, 0, sizeof(job));
	job.catalog = cat;
	job.a = parse_as("p.yaml", text, TMDK_KIND_KUBERNETES);
	cr_assert_eq(hygiene_op(&job, &err), TMDK_OK, "%s", err.message);
	ref = job.findings;
	fail_each_allocation("hygiene", hygiene_op, &job, TMDK_OK);
	cr_assert_eq(job.findings, ref);
	tmdk_artifact_free((tmdk_artifact *)job.a);
	tmdk_catalog_free(cat);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

struct baseline_job {
	const tmdk_findings *list;
	const char *base;
};

static int baseline_op(void *ctx, tmdk_error *err)
{
	struct baseline_job *job = ctx;
	tmdk_report *r = NULL;
	int rc = tmdk_report_new(&r, err);
	if (rc == TMDK_OK && (rc = tmdk_report_add_findings(r, job->list)) != TMDK_OK)
		tmdk__error_set(err, rc, NULL, 0, 0, "adding findings failed");
	if (rc == TMDK_OK)
		rc = tmdk_report_load_baseline(r, "base", job->base, strlen(job->base), err);
	tmdk_report_free(r);
	return rc;
}

Test(oom, loading_baselines)
{
	tmdk_report_options ro = TMDK_REPORT_OPTIONS_INIT;
	struct baseline_job job;
	tmdk_findings *list;
	tmdk_catalog *cat;
	tmdk_report *r;
	tmdk_error err;
	const tmdk_artifact *a;
	char *rendered[2];
	int f;

	failing_install(0);
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	a = parse_fixture("kubernetes/workloads.yaml", "workloads.yaml");
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_assert_eq(tmdk_report_add_findings(r, list), TMDK_OK);
	for (f = 0; f < 2; f++) {
		ro.format = f ? TMDK_REPORT_SARIF : TMDK_REPORT_JSON;
		cr_assert_eq(tmdk_report_render(&rendered[f], NULL, r, &ro, &err), TMDK_OK, "%s", err.message);
		job.list = list;
		job.base = rendered[f];
		fail_each_allocation(f ? "SARIF baseline" : "JSON baseline", baseline_op, &job, TMDK_OK);
		tmdk_report_string_free(rendered[f]);
	}
	tmdk_report_free(r);
	tmdk_findings_free(list);
	tmdk_artifact_free((tmdk_artifact *)a);
	tmdk_catalog_free(cat);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- rendering reports -------------------------------------------------------- */

struct render_job {
	const tmdk_findings *list;
	const tmdk_catalog *catalog;
	const tmdk_model *model;
	const char *base;            /* a baseline (a JSON report), or NULL */
	char *expected[TMDK_REPORT_FORMAT_COUNT]; /* NULL: kept here (heap); else compared */
	int differs;                 /* result: bit f: format f did not render as expected */
};

static int render_fail(tmdk_error *err, int rc, const char *what)
{
	return tmdk__error_set(err, rc, NULL, 0, 0, "%s failed", what);
}

static int render_formats(struct render_job *job, const tmdk_report *r, tmdk_error *err)
{
	tmdk_report_options ro = TMDK_REPORT_OPTIONS_INIT;
	int f, rc = TMDK_OK;
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT && rc == TMDK_OK; f++) {
		char *out = NULL;
		ro.format = (tmdk_report_format)f;
		if ((rc = tmdk_report_render(&out, NULL, r, &ro, err)) != TMDK_OK)
			break;
		if (!job->expected[f]) {
			job->expected[f] = out;
			continue;
		}
		/* HTML's pictures are laid out by Graphviz, which may lay out
		 * differently when a drawing lost its memory: not compared. */
		if (f != TMDK_REPORT_HTML && strcmp(out, job->expected[f]) != 0)
			job->differs |= 1 << f;
		tmdk_report_string_free(out);
	}
	return rc;
}

/* A report with a unit, its picture (made apart) and a baseline, in every format. */
static int render_op(void *ctx, tmdk_error *err)
{
	struct render_job *job = ctx;
	tmdk_report_picture *picture = NULL;
	tmdk_report *r = NULL;
	int rc = tmdk_report_new(&r, err);

	if (rc == TMDK_OK)
		rc = tmdk_report_set_catalog(r, job->catalog, NULL, err);
	if (rc == TMDK_OK && (rc = tmdk_report_begin_unit(r, "files", "u")) != TMDK_OK)
		render_fail(err, rc, "beginning a unit");
	if (rc == TMDK_OK && (rc = tmdk_report_picture_new(&picture, tmdk_model_root(job->model))) != TMDK_OK)
		render_fail(err, rc, "making a picture");
	if (rc == TMDK_OK && (rc = tmdk_report_add_picture(r, "u", &picture)) != TMDK_OK)
		render_fail(err, rc, "adding a picture");
	if (rc == TMDK_OK && (rc = tmdk_report_add_findings(r, job->list)) != TMDK_OK)
		render_fail(err, rc, "adding findings");
	if (rc == TMDK_OK && job->base)
		rc = tmdk_report_load_baseline(r, "base", job->base, strlen(job->base), err);
	if (rc == TMDK_OK)
		rc = render_formats(job, r, err);
	tmdk_report_picture_free(picture);
	tmdk_report_free(r);
	return rc;
}

Test(oom, rendering_reports)
{
	struct render_job job;
	tmdk_findings *list;
	tmdk_catalog *cat;
	tmdk_model *model;
	tmdk_error err;
	const tmdk_artifact *a;
	char *base;
	int f;

	failing_install(0);
	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	a = parse_fixture("kubernetes/workloads.yaml", "workloads.yaml");
	cr_assert_eq(tmdk_model_new(&model, &a, 1, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	memset(&job, 0, sizeof(job));
	job.list = list;
	job.catalog = cat;
	job.model = model;
	cr_assert_eq(render_op(&job, &err), TMDK_OK, "%s", err.message);
	/* Again with the JSON report as baseline (every finding unchanged): the outputs to expect. */
	base = job.expected[TMDK_REPORT_JSON];
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT; f++)
		if (f != TMDK_REPORT_JSON)
			tmdk_report_string_free(job.expected[f]);
	memset(job.expected, 0, sizeof(job.expected));
	job.base = base;
	cr_assert_eq(render_op(&job, &err), TMDK_OK, "%s", err.message);
	cr_assert(strstr(job.expected[TMDK_REPORT_JSON], "\"baseline_state\": \"unchanged\""));
	fail_each_allocation("rendering", render_op, &job, TMDK_OK);
	cr_assert_not(job.differs, "a report rendered under memory pressure differs: %x", job.differs);
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT; f++)
		tmdk_report_string_free(job.expected[f]);
	tmdk_report_string_free(base);
	tmdk_findings_free(list);
	tmdk_model_free(model);
	tmdk_artifact_free((tmdk_artifact *)a);
	tmdk_catalog_free(cat);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- compose projects --------------------------------------------------------- */

struct project_job {
	const char *main;
	tmdk_catalog *catalog;
	size_t findings;
};

/* Load a compose project and scan the merged model. */
static int project_op(void *ctx, tmdk_error *err)
{
	struct project_job *job = ctx;
	tmdk_artifact *a = NULL;
	tmdk_findings *list = NULL;
	int rc = tmdk_compose_project_load(&a, job->main, NULL, err);
	if (rc != TMDK_OK) {
		cr_assert_null(a);
		return rc;
	}
	rc = tmdk_findings_new(&list);
	if (rc != TMDK_OK) {
		err->code = rc;
		snprintf(err->message, sizeof(err->message), "out of memory");
	} else
		rc = tmdk_catalog_scan(job->catalog, a, NULL, tmdk_findings_collect, list, err);
	job->findings = tmdk_findings_count(list);
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	return rc;
}

Test(oom, loading_and_scanning_compose_projects)
{
	static const char *const projects[] = { "compose-merge/extends/compose.yaml", "compose-merge/include/compose.yaml",
		"compose-merge/volumes/compose.yaml", "compose-merge/ports/compose.yaml", "compose-merge/env-labels/compose.yaml",
		"compose-merge/depends-on/compose.yaml", "compose-merge/secrets/compose.yaml",
		"compose-merge/reset-override/compose.yaml", "compose-merge/sequences/compose.yaml", NULL };
	struct project_job job;
	char path[4096];
	tmdk_error err;
	size_t i;

	failing_install(0);
	memset(&job, 0, sizeof(job));
	cr_assert_eq(tmdk_catalog_load_builtin(&job.catalog, &err), TMDK_OK, "%s", err.message);
	for (i = 0; projects[i]; i++) {
		size_t want;
		long points;
		snprintf(path, sizeof(path), "%s", fixture(projects[i]));
		job.main = path;
		cr_assert_eq(project_op(&job, &err), TMDK_OK, "%s: %s", projects[i], err.message);
		want = job.findings;
		points = fail_each_allocation(projects[i], project_op, &job, TMDK_OK);
		cr_assert_eq(job.findings, want);
		cr_log_info("%s: %ld allocation points", projects[i], points);
	}
	tmdk_catalog_free(job.catalog);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- building a kustomization ------------------------------------------------ */

struct kustomize_job {
	const char *path;
	size_t objects;        /* result */
};

static int kustomize_op(void *ctx, tmdk_error *err)
{
	struct kustomize_job *job = ctx;
	tmdk_artifact *a = NULL;
	int rc = tmdk_kustomization_build(&a, job->path, NULL, err);
	if (rc != TMDK_OK)
		cr_assert_null(a, "no artifact on failure");
	job->objects = tmdk_artifact_document_count(a);
	tmdk_artifact_free(a);
	return rc;
}

Test(oom, building_kustomizations)
{
	static const char *const dirs[] = {"kustomize/overlay/prod", "kustomize/modern/app", "kustomize/basic"};
	static const size_t objects[] = {5, 4, 4};
	char paths[3][4200];
	size_t i;

	failing_install(0);
	for (i = 0; i < 3; i++) {
		struct kustomize_job job = {paths[i], 0};
		snprintf(paths[i], sizeof(paths[i]), "%s", fixture(dirs[i]));
		/* Few allocations since the fast YAML loader (arena chunks, no
		 * per-token strings), but every one of them is made to fail. */
		cr_assert_gt(fail_each_allocation(dirs[i], kustomize_op, &job, TMDK_OK), 5);
		cr_assert_eq(job.objects, objects[i], "%s: %zu objects", dirs[i], job.objects);
	}
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- deciding deployment units ------------------------------------------------ */

struct units_job {
	const char *root;
	const tmdk_unit_input *files;
	size_t file_count;
	size_t units;          /* result */
};

static int units_op(void *ctx, tmdk_error *err)
{
	struct units_job *job = ctx;
	tmdk_units *units = NULL;
	int rc = tmdk_units_decide(&units, &job->root, 1, job->files, job->file_count, NULL, err);
	if (rc != TMDK_OK)
		cr_assert_null(units);
	job->units = tmdk_units_count(units);
	tmdk_units_free(units);
	return rc;
}

Test(oom, deciding_units)
{
	static const char *const rel[] = { "compose/app/compose.yaml", "compose/app/compose.override.yaml",
		"compose/lone/docker-compose.override.yml", "kustomize/overlay/kustomization.yaml", "kustomize/overlay/patch.yaml",
		"kustomize/base/kustomization.yaml", "kustomize/base/deploy.yaml", "kustomize/comp/netpol.yaml",
		"chart/mychart/Chart.yaml", "chart/mychart/crds/crd.yaml", "plain/pod.yaml" };
	static const tmdk_kind kinds[] = { TMDK_KIND_COMPOSE, TMDK_KIND_COMPOSE, TMDK_KIND_COMPOSE, TMDK_KIND_KUBERNETES,
		TMDK_KIND_KUBERNETES, TMDK_KIND_KUBERNETES, TMDK_KIND_KUBERNETES, TMDK_KIND_KUBERNETES, TMDK_KIND_UNKNOWN,
		TMDK_KIND_KUBERNETES, TMDK_KIND_KUBERNETES };
	char paths[11][8400], root[4200];
	tmdk_unit_input files[11];
	struct units_job job;
	tmdk_error err;
	size_t i, want;

	failing_install(0);
	snprintf(root, sizeof(root), "%s", fixture("units"));
	for (i = 0; i < 11; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", root, rel[i]);
		files[i].path = paths[i];
		files[i].kind = kinds[i];
	}
	job.root = root;
	job.files = files;
	job.file_count = 11;
	cr_assert_eq(units_op(&job, &err), TMDK_OK, "%s", err.message);
	want = job.units;
	cr_assert_eq(want, 6);
	cr_assert_gt(fail_each_allocation("units", units_op, &job, TMDK_OK), 50);
	cr_assert_eq(job.units, want);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- walking a tree ------------------------------------------------------------- */

struct walk_job {
	const char *root;
	size_t entries;        /* result */
};

static int count_entry(const tmdk_walk_entry *e, void *payload)
{
	(void)e;
	((struct walk_job *)payload)->entries++;
	return 0;
}

static int walk_op(void *ctx, tmdk_error *err)
{
	struct walk_job *job = ctx;
	job->entries = 0;
	return tmdk_walk(job->root, NULL, count_entry, job, err);
}

Test(oom, walking)
{
	char root[4200];
	struct walk_job job;
	tmdk_error err;
	size_t want;

	failing_install(0);
	snprintf(root, sizeof(root), "%s", fixture("units"));
	job.root = root;
	cr_assert_eq(walk_op(&job, &err), TMDK_OK, "%s", err.message);
	want = job.entries;
	cr_assert_gt(want, 15);
	/* The folder listings and the one path buffer of the walk. */
	cr_assert_gt(fail_each_allocation("walk", walk_op, &job, TMDK_OK), 10);
	cr_assert_eq(job.entries, want);
	cr_assert_eq(failing_live, 0, "%ld blocks leaked", failing_live);
	tmdk_set_allocator(NULL, NULL, NULL);
}
