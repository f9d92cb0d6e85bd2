/*
 * The native kustomize build (libtmdk/kustomize*.c): each feature on the
 * fixtures under tests/fixtures/kustomize/, positions and origins of built
 * values, notes and errors, the in-memory file provider, and the strategic
 * merge / JSON 6902 cases that kubectl kustomize does not exercise here.
 * tests/check-kustomize.sh compares whole builds with kubectl kustomize.
 */
#include "node_asserts.h"
#include "../libtmdk/internal.h"

static tmdk_artifact *build(const char *rel)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	char path[4200];
	int rc;
	snprintf(path, sizeof(path), "%s", fixture(rel));
	rc = tmdk_kustomization_build(&a, path, NULL, &err);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", rel, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_KUBERNETES);
	return a;
}

/* The built object of kind and name (the document root). */
static const tmdk_node *object(const tmdk_artifact *a, const char *kind, const char *name, size_t *index)
{
	size_t i;
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_node *r = tmdk_document_root(tmdk_artifact_document(a, i));
		if (tmdk_node_text_equals(tmdk_node_get(r, "kind"), kind) &&
		    tmdk_node_text_equals(tmdk_node_path(r, "metadata.name"), name)) {
			if (index)
				*index = i;
			return r;
		}
	}
	cr_assert_fail("no %s %s in the build", kind, name);
	return NULL;
}

/* The file (base name after the fixture root) a built node comes from. */
static const char *from_file(const tmdk_artifact *a, const tmdk_node *n)
{
	const char *name = tmdk_artifact_name(tmdk_artifact_node_source(a, n));
	const char *k = strstr(name, "fixtures/kustomize/");
	return k ? k + strlen("fixtures/kustomize/") : name;
}

#define assert_from(a, n, file, l, c) do { \
	const tmdk_node *n_ = (n); \
	cr_assert_not_null(n_); \
	cr_assert_str_eq(from_file((a), n_), (file)); \
	cr_assert_eq(tmdk_node_line(n_), (l), "line %u, expected %u", tmdk_node_line(n_), (unsigned)(l)); \
	if ((c) > 0) cr_assert_eq(tmdk_node_column(n_), (unsigned)(c), "column %u, expected %u", tmdk_node_column(n_), (unsigned)(c)); \
} while (0)

Test(kustomize, basic_transformers)
{
	tmdk_artifact *a = build("kustomize/basic");
	const tmdk_node *d = object(a, "Deployment", "dev-web-v1", NULL);
	const tmdk_node *s = object(a, "Service", "dev-web-v1", NULL);
	const tmdk_node *crb = object(a, "ClusterRoleBinding", "dev-web-view-v1", NULL);

	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	expect_text(tmdk_node_path(d, "metadata.namespace"), "shop", "value");
	assert_from(a, tmdk_node_path(d, "metadata.namespace"), "basic/kustomization.yaml", 3, 12);
	expect_text(tmdk_node_get(tmdk_node_path(d, "spec.selector.matchLabels"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_get(tmdk_node_path(d, "spec.template.metadata.labels"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_get(tmdk_node_path(s, "spec.selector"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_path(d, "metadata.annotations.team"), "payments", "value");
	/* images: newTag, and newName + digest */
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "image"), "nginx:1.25", "value");
	assert_from(a, tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "image"),
		"basic/kustomization.yaml", 16, 11);
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 1), "image"),
		"registry.example.com/api@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3", "image");
	/* a value nobody changed keeps the base file's position */
	assert_from(a, tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "name"),
		"basic/deployment.yaml", 17, 15);
	/* references follow renames; cluster-scoped objects get no namespace */
	expect_text(tmdk_node_path(d, "spec.template.spec.serviceAccountName"), "dev-web-v1", "value");
	cr_assert_null(tmdk_node_path(crb, "metadata.namespace"));
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(crb, "subjects"), 0), "namespace"), "shop", "value");
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(crb, "subjects"), 0), "name"), "dev-web-v1", "value");
	/* the normalized view exists, as for a parsed manifest */
	cr_assert_not_null(tmdk_node_get(tmdk_document_view(tmdk_artifact_document(a, 3)), "containers"));
	tmdk_artifact_free(a);
}

Test(kustomize, overlay_patches_generators_and_origins)
{
	tmdk_artifact *a = build("kustomize/overlay/prod");
	const tmdk_node *d = object(a, "Deployment", "prod-app", NULL);
	const tmdk_node *cs = tmdk_node_path(d, "spec.template.spec.containers");
	const tmdk_node *app = tmdk_node_at(cs, 0), *env = tmdk_node_get(app, "env");
	const tmdk_node *sec = object(a, "Secret", "prod-db-gfhb874mbf", NULL);
	const tmdk_node *cm = object(a, "ConfigMap", "prod-extra-5c8gf58gtf", NULL);
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), 5);
	/* the sidecar was deleted by `$patch: delete`, DEBUG too, MODE merged by name */
	cr_assert_eq(tmdk_node_size(cs), 1);
	cr_assert_eq(tmdk_node_size(env), 1);
	expect_text(tmdk_node_get(tmdk_node_at(env, 0), "value"), "prod", "MODE");
	assert_from(a, tmdk_node_get(tmdk_node_at(env, 0), "value"), "overlay/prod/patch-app.yaml", 12, 18);
	/* a key the patch did not touch keeps the base's position */
	assert_from(a, tmdk_node_get(app, "image"), "overlay/base/app.yaml", 18, 16);
	/* null deleted limits.memory; the patch set privileged and cpu */
	cr_assert_null(tmdk_node_path(app, "resources.limits.memory"));
	assert_from(a, tmdk_node_path(app, "resources.limits.cpu"), "overlay/prod/patch-app.yaml", 20, 18);
	assert_from(a, tmdk_node_path(app, "securityContext.privileged"), "overlay/prod/patch-app.yaml", 16, 23);
	/* JSON 6902: values from the ops file */
	assert_from(a, tmdk_node_path(d, "spec.replicas"), "overlay/prod/json-patch.yaml", 3, 10);
	assert_from(a, tmdk_node_path(d, "spec.template.spec.hostNetwork"), "overlay/prod/json-patch.yaml", 13, 10);
	expect_text(tmdk_node_path(d, "metadata.labels.app"), "app-prod", "label");
	cr_assert_null(tmdk_node_path(d, "metadata.annotations"));
	/* the reference to the generated ConfigMap follows its name */
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(app, "envFrom"), 0), "configMapRef.name"),
		"prod-app-config-hf678c7m2b", "envFrom");
	/* secret literals: base64 at the literal's line of the kustomization */
	expect_text(tmdk_node_path(sec, "data.password"), "aHVudGVyMg==", "password");
	assert_from(a, tmdk_node_path(sec, "data.password"), "overlay/prod/kustomization.yaml", 24, 5);
	expect_text(tmdk_node_get(sec, "type"), "Opaque", "type");
	/* files and env files: each value where it is written */
	assert_from(a, tmdk_node_get(tmdk_node_get(cm, "data"), "settings.conf"), "overlay/prod/settings.conf", 1, 1);
	assert_from(a, tmdk_node_get(tmdk_node_get(cm, "data"), "TIER"), "overlay/prod/app.env", 4, 6);
	/* the files of the build and their roles */
	cr_assert_eq(tmdk_kustomization_file_count(a), tmdk_artifact_source_count(a));
	for (i = 0; i < tmdk_kustomization_file_count(a); i++) {
		const char *f = tmdk_kustomization_file(a, i);
		tmdk_kustomize_role r = tmdk_kustomization_file_role(a, i);
		if (strstr(f, "patch-app.yaml") || strstr(f, "json-patch.yaml"))
			cr_assert_eq(r, TMDK_KUSTOMIZE_PATCH, "%s", f);
		else if (strstr(f, "kustomization.yaml"))
			cr_assert_eq(r, TMDK_KUSTOMIZE_KUSTOMIZATION, "%s", f);
		else if (strstr(f, "app.yaml"))
			cr_assert_eq(r, TMDK_KUSTOMIZE_RESOURCE, "%s", f);
		else
			cr_assert_eq(r, TMDK_KUSTOMIZE_GENERATOR, "%s", f);
	}
	cr_assert_eq(tmdk_kustomization_file_count(a), 7);
	cr_assert_eq(tmdk_kustomization_file_role(a, 99), TMDK_KUSTOMIZE_NONE);
	cr_assert_null(tmdk_kustomization_file(a, 99));
	cr_assert(strstr(tmdk_artifact_name(a), "overlay/prod/kustomization.yaml"));
	tmdk_artifact_free(a);
}

Test(kustomize, components_inline_patches_labels_replicas)
{
	tmdk_artifact *a = build("kustomize/modern/app");
	const tmdk_node *d = object(a, "Deployment", "api", NULL);
	const tmdk_node *cj = object(a, "CronJob", "report", NULL);
	const tmdk_node *np = object(a, "NetworkPolicy", "deny-all", NULL);
	const tmdk_node *c0 = tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0);

	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	/* the component's resource and patch */
	expect_text(tmdk_node_path(np, "metadata.namespace"), "prod", "ns");
	assert_from(a, tmdk_node_get(tmdk_node_at(tmdk_node_get(c0, "env"), 0), "value"), "modern/comp/kustomization.yaml", 18, 22);
	/* an inline SMP with a label-selector target: at its line in the kustomization */
	assert_from(a, tmdk_node_path(d, "spec.template.spec.hostPID"), "modern/app/kustomization.yaml", 31, 20);
	/* the target's name is kept, not the patch's */
	expect_text(tmdk_node_path(d, "metadata.name"), "api", "name");
	/* inline JSON 6902 on a regex-named target */
	assert_from(a, tmdk_node_path(tmdk_node_at(tmdk_node_path(cj, "spec.jobTemplate.spec.template.spec.containers"), 0),
		"securityContext.runAsUser"), "modern/app/kustomization.yaml", 39, 20);
	/* labels: templates, not selectors */
	expect_text(tmdk_node_path(d, "spec.template.metadata.labels.env"), "prod", "template label");
	cr_assert_null(tmdk_node_path(d, "spec.selector.matchLabels.env"));
	expect_text(tmdk_node_path(cj, "spec.jobTemplate.spec.template.metadata.labels.env"), "prod", "cron label");
	/* replicas and images */
	assert_from(a, tmdk_node_path(d, "spec.replicas"), "modern/app/kustomization.yaml", 15, 10);
	expect_text(tmdk_node_get(c0, "image"), "example/api:2.0", "image");
	/* secretGenerator without hash */
	expect_text(tmdk_node_path(object(a, "Secret", "api-token", NULL), "data.token"), "czNjcjN0LXZhbHVl", "token");
	tmdk_artifact_free(a);
}

/* The built-in catalog finds the generated secret at the kustomization's
 * literal, and a patched-in privileged container at the patch. */
Test(kustomize, findings_point_at_kustomization_and_patch)
{
	tmdk_artifact *a = build("kustomize/overlay/prod");
	tmdk_catalog *cat = NULL;
	tmdk_findings *list = NULL;
	tmdk_error err;
	size_t i;
	int secret = 0, priv = 0;

	cr_assert_eq(tmdk_catalog_load_builtin(&cat, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	for (i = 0; i < tmdk_findings_count(list); i++) {
		const tmdk_finding *f = tmdk_findings_at(list, i);
		const char *id = tmdk_pattern_id(tmdk_finding_pattern(f));
		if (!strcmp(id, "TMDK-K8S-014")) {
			secret++;
			cr_assert(strstr(tmdk_finding_path(f), "overlay/prod/kustomization.yaml"), "%s", tmdk_finding_path(f));
			cr_assert_eq(tmdk_finding_line(f), 24, "line %u", tmdk_finding_line(f));
		}
		if (strstr(tmdk_finding_path(f), "patch-app.yaml") && tmdk_finding_line(f) == 16)
			priv++;
	}
	cr_assert_eq(secret, 1);
	cr_assert(priv >= 1, "no finding on the patched privileged: true");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
	tmdk_artifact_free(a);
}

static void build_fails(const char *rel, int code, const char *file, unsigned int line, const char *msg)
{
	tmdk_artifact *a = (tmdk_artifact *)1;
	tmdk_error err;
	int rc = tmdk_kustomization_build(&a, fixture(rel), NULL, &err);
	cr_assert_eq(rc, code, "%s: rc %d: %s", rel, rc, err.message);
	cr_assert_null(a);
	cr_assert(strstr(err.source, file), "%s: source %s", rel, err.source);
	cr_assert_eq(err.line, line, "%s: line %u", rel, err.line);
	cr_assert(strstr(err.message, msg), "%s: %s", rel, err.message);
}

Test(kustomize, errors_name_file_and_line)
{
	build_fails("kustomize/errors/missing", TMDK_ENOTFOUND, "errors/missing/kustomization.yaml", 3, "absent.yaml");
	build_fails("kustomize/errors/cycle-a", TMDK_EINVAL, "errors/cycle-b/kustomization.yaml", 2, "cycle");
	build_fails("kustomize/errors/badtest", TMDK_EPARSE, "errors/badtest/kustomization.yaml", 7, "test failed");
	build_fails("kustomize", TMDK_ENOTFOUND, "kustomize", 0, "no kustomization");
}

Test(kustomize, unsupported_features_are_notes)
{
	tmdk_artifact *a = build("kustomize/errors/notes");
	unsigned int line;
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	cr_assert_eq(tmdk_artifact_warning_count(a), 3);
	cr_assert(strstr(tmdk_artifact_warning(a, 0, &line, NULL), "helmCharts"));
	cr_assert_eq(line, 4);
	cr_assert(strstr(tmdk_artifact_warning(a, 1, &line, NULL), "replacements"));
	cr_assert(strstr(tmdk_artifact_warning(a, 2, &line, NULL), "remote resource not fetched"));
	cr_assert(strstr(tmdk_artifact_warning(a, 2, NULL, NULL), "errors/notes/kustomization.yaml:3:3"));
	tmdk_artifact_free(a);
}

/* ---- the in-memory provider -------------------------------------------- */

typedef struct mem_file {
	const char *path, *text;
} mem_file;

static int mem_read(const char *path, const char **data, size_t *len, void *payload)
{
	const mem_file *f;
	for (f = payload; f->path; f++)
		if (!strcmp(f->path, path)) {
			*data = f->text;
			*len = strlen(f->text);
			return TMDK_OK;
		}
	return TMDK_ENOTFOUND;
}

static tmdk_artifact *build_mem(const mem_file *files, int expect_rc, tmdk_error *err)
{
	tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	int rc;
	o.read = mem_read;
	o.read_payload = (void *)files;
	rc = tmdk_kustomization_build(&a, "app", &o, err);
	cr_assert_eq(rc, expect_rc, "rc %d: %s:%u:%u: %s", rc, err->source, err->line, err->column, err->message);
	return a;
}

static const char deploy[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {a: b}}\n"
	"spec:\n  template:\n    spec:\n      securityContext: {runAsUser: 1, fsGroup: 2}\n"
	"      containers:\n      - name: c\n        image: nginx\n        ports: [{containerPort: 80}, {containerPort: 81}]\n"
	"        args: [a, b]\n";

Test(kustomize, smp_directives)
{
	mem_file files[] = {
		{"app/kustomization.yaml", "resources: [d.yaml]\npatchesStrategicMerge: [p.yaml]\n"},
		{"app/d.yaml", deploy},
		{"app/p.yaml",
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {a: null, c: d}}\n"
			"spec:\n  template:\n    spec:\n      securityContext: {$patch: replace, runAsNonRoot: true}\n"
			"      containers:\n      - name: c\n        ports: [{containerPort: 81, $patch: delete}, {containerPort: 90}]\n"
			"        args: [z]\n"
			"        $retainKeys: [name, ports, args]\n"},
		{NULL, NULL}
	};
	tmdk_error err;
	tmdk_artifact *a = build_mem(files, TMDK_OK, &err);
	const tmdk_node *d = object(a, "Deployment", "web", NULL);
	const tmdk_node *c = tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0);
	const tmdk_node *sc = tmdk_node_path(d, "spec.template.spec.securityContext");

	cr_assert_null(tmdk_node_path(d, "metadata.labels.a"));
	expect_text(tmdk_node_path(d, "metadata.labels.c"), "d", "label c");
	cr_assert_eq(tmdk_node_size(sc), 1);
	cr_assert_not_null(tmdk_node_get(sc, "runAsNonRoot"));
	cr_assert_eq(tmdk_node_size(tmdk_node_get(c, "ports")), 2);
	expect_text(tmdk_node_get(tmdk_node_at(tmdk_node_get(c, "ports"), 0), "containerPort"), "90", "patch first");
	expect_text(tmdk_node_get(tmdk_node_at(tmdk_node_get(c, "ports"), 1), "containerPort"), "80", "then base");
	cr_assert_eq(tmdk_node_size(tmdk_node_get(c, "args")), 1);
	cr_assert_null(tmdk_node_get(c, "image")); /* $retainKeys */
	cr_assert(strstr(tmdk_artifact_name(a), "app/kustomization.yaml"));
	tmdk_artifact_free(a);
}

Test(kustomize, json6902_operations)
{
	mem_file files[] = {
		{"app/kustomization.yaml",
			"resources: [d.yaml]\n"
			"patches:\n- target: {kind: Deployment}\n  patch: |\n"
			"    [{\"op\": \"move\", \"from\": \"/spec/template/spec/containers/0/args\", \"path\": \"/spec/args\"},\n"
			"     {\"op\": \"copy\", \"from\": \"/metadata/labels\", \"path\": \"/metadata/annotations\"},\n"
			"     {\"op\": \"add\", \"path\": \"/metadata/labels/x~1y\", \"value\": \"z\"},\n"
			"     {\"op\": \"remove\", \"path\": \"/spec/template/spec/containers/0/ports/0\"},\n"
			"     {\"op\": \"add\", \"path\": \"/spec/template/spec/containers/0\", \"value\": {\"name\": \"init\"}},\n"
			"     {\"op\": \"test\", \"path\": \"/spec/args/1\", \"value\": \"b\"}]\n"
			"images:\n- {name: nginx, newName: mirror/nginx, newTag: '2'}\n"},
		{"app/d.yaml", deploy},
		{NULL, NULL}
	};
	tmdk_error err;
	tmdk_artifact *a = build_mem(files, TMDK_OK, &err);
	const tmdk_node *d = object(a, "Deployment", "web", NULL);
	const tmdk_node *cs = tmdk_node_path(d, "spec.template.spec.containers");

	cr_assert_eq(tmdk_node_size(tmdk_node_path(d, "spec.args")), 2);
	cr_assert_null(tmdk_node_get(tmdk_node_at(cs, 1), "args"));
	expect_text(tmdk_node_path(d, "metadata.annotations.a"), "b", "copy");
	expect_text(tmdk_node_get(tmdk_node_path(d, "metadata.labels"), "x/y"), "z", "escaped pointer");
	cr_assert_eq(tmdk_node_size(cs), 2);
	expect_text(tmdk_node_get(tmdk_node_at(cs, 0), "name"), "init", "inserted");
	cr_assert_eq(tmdk_node_size(tmdk_node_get(tmdk_node_at(cs, 1), "ports")), 1);
	expect_text(tmdk_node_get(tmdk_node_at(cs, 1), "image"), "mirror/nginx:2", "image");
	/* an inline flow patch: all its values at the patch's position */
	cr_assert_eq(tmdk_node_line(tmdk_node_get(tmdk_node_at(cs, 0), "name")), 9);
	tmdk_artifact_free(a);
}

Test(kustomize, bad_patches_and_limits)
{
	mem_file nomatch[] = {
		{"app/kustomization.yaml", "resources: [d.yaml]\npatchesStrategicMerge:\n- |\n  kind: Deployment\n  metadata: {name: other}\n"},
		{"app/d.yaml", deploy}, {NULL, NULL}
	};
	mem_file badop[] = {
		{"app/kustomization.yaml", "resources: [d.yaml]\npatchesJson6902:\n- target: {kind: Deployment, name: web}\n  path: ops.yaml\n"},
		{"app/d.yaml", deploy},
		{"app/ops.yaml", "- op: replace\n  path: /spec/nothing/here\n  value: 1\n"}, {NULL, NULL}
	};
	mem_file dup[] = {
		{"app/kustomization.yaml", "resources: [d.yaml, e.yaml]\n"},
		{"app/d.yaml", deploy}, {"app/e.yaml", deploy}, {NULL, NULL}
	};
	mem_file deep[] = {
		{"app/kustomization.yaml", "resources: [../b]\n"},
		{"b/kustomization.yaml", "resources: [../c]\n"},
		{"c/kustomization.yaml", "resources: [d.yaml]\n"},
		{"c/d.yaml", deploy}, {NULL, NULL}
	};
	mem_file comp[] = {
		{"app/kustomization.yaml", "resources: [c]\n"},
		{"app/c/kustomization.yaml", "kind: Component\n"}, {NULL, NULL}
	};
	tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;

	build_mem(nomatch, TMDK_EPARSE, &err);
	cr_assert(strstr(err.message, "matches no resource"));
	cr_assert_eq(err.line, 4);
	build_mem(badop, TMDK_EPARSE, &err);
	cr_assert_str_eq(err.source, "app/ops.yaml");
	cr_assert_eq(err.line, 1);
	cr_assert(strstr(err.message, "no such path: /spec/nothing/here"), "%s", err.message);
	build_mem(dup, TMDK_EINVAL, &err);
	cr_assert(strstr(err.message, "duplicate"), "%s", err.message);
	a = build_mem(deep, TMDK_OK, &err);
	tmdk_artifact_free(a);
	o.read = mem_read;
	o.read_payload = deep;
	o.max_depth = 2;
	cr_assert_eq(tmdk_kustomization_build(&a, "app", &o, &err), TMDK_ELIMIT);
	o.max_depth = 0;
	o.max_files = 3;
	cr_assert_eq(tmdk_kustomization_build(&a, "app", &o, &err), TMDK_ELIMIT);
	o.max_files = 0;
	o.max_bytes = 1000;
	cr_assert_eq(tmdk_kustomization_build(&a, "app", &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_bytes"), "%s", err.message);
	build_mem(comp, TMDK_EINVAL, &err);
	cr_assert(strstr(err.message, "Component"), "%s", err.message);
	o.version = 99;
	cr_assert_eq(tmdk_kustomization_build(&a, "app", &o, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_kustomization_build(NULL, "app", NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_kustomize_options_init(&o, 99), TMDK_EINVAL);
	cr_assert_eq(tmdk_kustomize_options_init(&o, TMDK_KUSTOMIZE_OPTIONS_VERSION), TMDK_OK);
}

Test(kustomize, tag_suffix_and_paths_outside_the_folder)
{
	mem_file files[] = {
		{"deploy/overlays/app/kustomization.yaml",
			"resources: [../../../shared/./base/]\n"
			"images:\n- name: nginx\n  newTag: v2\n  tagSuffix: -slim\n"},
		{"shared/base/kustomization.yaml", "resources:\n- d.yaml\n"},
		{"shared/base/d.yaml", deploy}, {NULL, NULL}
	};
	tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	o.read = mem_read;
	o.read_payload = files;
	cr_assert_eq(tmdk_kustomization_build(&a, "deploy/overlays/app/kustomization.yaml", &o, &err), TMDK_OK,
		"%s", err.message);
	expect_text(tmdk_node_get(tmdk_node_at(tmdk_node_path(object(a, "Deployment", "web", NULL),
		"spec.template.spec.containers"), 0), "image"), "nginx:v2-slim", "tagSuffix");
	cr_assert_str_eq(tmdk_kustomization_file(a, 1), "shared/base/kustomization.yaml");
	tmdk_artifact_free(a);
}

Test(kustomize, lists_generator_merge_env_secrets_and_references)
{
	tmdk_artifact *a = build("kustomize/more/app");
	const tmdk_node *sts = object(a, "StatefulSet", "db-blue", NULL);
	const tmdk_node *c0 = tmdk_node_at(tmdk_node_path(sts, "spec.template.spec.containers"), 0);
	const tmdk_node *sec = NULL, *cm = NULL;
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), 10);
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_node *r = tmdk_document_root(tmdk_artifact_document(a, i));
		if (tmdk_node_text_equals(tmdk_node_get(r, "kind"), "Secret"))
			sec = r;
		if (tmdk_node_text_equals(tmdk_node_get(r, "kind"), "ConfigMap"))
			cm = r;
	}
	/* an env-file secret value points at its line of the env file */
	assert_from(a, tmdk_node_path(sec, "data.PASSWORD"), "more/base/creds.env", 2, 10);
	/* behavior: merge: B from the overlay, A from the base */
	assert_from(a, tmdk_node_path(cm, "data.B"), "more/app/kustomization.yaml", 13, 5);
	assert_from(a, tmdk_node_path(cm, "data.A"), "more/base/kustomization.yaml", 6, 5);
	/* references follow suffix + hash */
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(c0, "env"), 1), "valueFrom.secretKeyRef.name"),
		tmdk_node_text(tmdk_node_path(sec, "metadata.name"), NULL), "secretKeyRef");
	expect_text(tmdk_node_path(sts, "spec.serviceName"), "db-blue", "serviceName");
	expect_text(tmdk_node_path(sts, "spec.template.spec.serviceAccountName"), "runner-blue", "sa");
	/* $patch: replace on a map; the ports value from the inline JSON patch */
	cr_assert_eq(tmdk_node_size(tmdk_node_path(c0, "resources")), 1);
	assert_from(a, tmdk_node_get(tmdk_node_at(tmdk_node_get(c0, "ports"), 0), "containerPort"),
		"more/app/kustomization.yaml", 28, 14);
	/* a List's items are objects of the build */
	expect_text(tmdk_node_path(object(a, "Job", "migrate-blue", NULL), "metadata.namespace"), "team-a", "ns");
	tmdk_artifact_free(a);
}
