/*
 * The Kubernetes normalizer: identity fields, every workload kind's pod spec
 * and containers, List expansion and its limit, RBAC conveniences, JSON
 * manifests, and odd-but-valid shapes.
 */
#include "node_asserts.h"

/* Parse a fixture under tests/fixtures/kubernetes (kind detected). */
static tmdk_artifact *load(const char *file)
{
	char rel[256];
	size_t len = 0;
	char *data;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	snprintf(rel, sizeof(rel), "kubernetes/%s", file);
	data = read_file(fixture(rel), &len);
	cr_assert_not_null(data, "missing fixture %s", rel);
	rc = tmdk_artifact_parse_buffer(&a, file, data, len, NULL, &err);
	free(data);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", file, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_KUBERNETES);
	return a;
}

static int view_bool(const tmdk_node *view, const char *key)
{
	int b = -1;
	cr_assert_eq(tmdk_node_as_bool(tmdk_node_get(view, key), &b), TMDK_OK, "%s is not a bool", key);
	return b;
}

/* The view's containers as "list/index/name/image" lines. */
static void expect_containers(const tmdk_node *view, const char *const *want, size_t n)
{
	const tmdk_node *cs = tmdk_node_get(view, "containers");
	size_t i;

	cr_assert_eq(tmdk_node_get_type(cs), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_size(cs), n, "%zu containers, expected %zu", tmdk_node_size(cs), n);
	for (i = 0; i < n; i++) {
		const tmdk_node *c = tmdk_node_at(cs, i);
		long long index = -1;
		char got[256];
		cr_assert_eq(tmdk_node_as_int(tmdk_node_get(c, "index"), &index), TMDK_OK);
		snprintf(got, sizeof(got), "%s/%lld/%s/%s", tmdk_node_text(tmdk_node_get(c, "list"), NULL), index,
			tmdk_node_text(tmdk_node_get(c, "name"), NULL), tmdk_node_text(tmdk_node_get(c, "image"), NULL));
		cr_expect_str_eq(got, want[i]);
		/* the entry sits at its container, and spec is that container */
		cr_expect_eq(tmdk_node_line(c), tmdk_node_line(tmdk_node_get(c, "spec")));
		cr_expect_eq(tmdk_node_get(tmdk_node_get(c, "spec"), "image"), tmdk_node_get(c, "image"));
	}
}

Test(kubernetes, pod_identity_and_all_container_lists)
{
	tmdk_artifact *a = load("workloads.yaml");
	const tmdk_document *d = tmdk_artifact_document(a, 0);
	const tmdk_node *v = tmdk_document_view(d), *root = tmdk_document_root(d);
	static const char *const want[] = {
		"initContainers/0/init/busybox:1.36", "containers/0/app/nginx:latest",
		"containers/1/sidecar/envoy", "ephemeralContainers/0/debugger/busybox",
	};

	expect_text(tmdk_node_get(v, "apiVersion"), "v1", "apiVersion");
	expect_text(tmdk_node_get(v, "kind"), "Pod", "kind");
	expect_text(tmdk_node_get(v, "name"), "debug-pod", "name");
	expect_text(tmdk_node_get(v, "namespace"), "tools", "namespace");
	expect_at(tmdk_node_get(v, "name"), 5, 9, "name");
	expect_text(tmdk_node_get(tmdk_node_get(v, "labels"), "app"), "debug", "labels.app");
	expect_text(tmdk_node_path(v, "annotations.owner"), "team-a", "annotations.owner");
	cr_expect_eq(view_bool(v, "workload"), 1);
	/* shared, not copied */
	cr_expect_eq(tmdk_node_get(v, "pod_spec"), tmdk_node_get(root, "spec"));
	cr_expect_eq(tmdk_node_get(v, "pod_metadata"), tmdk_node_get(root, "metadata"));
	cr_expect_eq(tmdk_node_get(v, "labels"), tmdk_node_path(root, "metadata.labels"));
	expect_containers(v, want, 4);
	expect_at(tmdk_node_path(v, "containers[1]"), 16, 7, "containers[1]");
	expect_at(tmdk_node_path(v, "containers[1].name"), 16, 13, "containers[1].name");
	expect_at(tmdk_node_path(v, "containers[3]"), 21, 7, "ephemeral container");
	tmdk_artifact_free(a);
}

Test(kubernetes, every_workload_kind_reaches_its_pod_spec)
{
	tmdk_artifact *a = load("workloads.yaml");
	static const char *const kinds[] = { "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
		"Job", "CronJob", "ReplicationController", "PodTemplate" };
	static const char *const templates[] = { "spec.template", "spec.template", "spec.template",
		"spec.template", "spec.template", "spec.jobTemplate.spec.template", "spec.template", "template" };
	static const char *const images[] = { "web:1.0", "rs:1", "postgres:16", "agent:2",
		"migrate:3", "backup:4", "legacy:5", "tmpl:6" };
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), 10);
	for (i = 0; i < 8; i++) {
		const tmdk_document *d = tmdk_artifact_document(a, i + 1);
		const tmdk_node *v = tmdk_document_view(d), *root = tmdk_document_root(d);
		const tmdk_node *tmpl = tmdk_node_path(root, templates[i]);
		expect_text(tmdk_node_get(v, "kind"), kinds[i], "kind");
		cr_expect_eq(view_bool(v, "workload"), 1, "%s is a workload", kinds[i]);
		cr_expect_not_null(tmdk_node_get(tmpl, "spec"));
		cr_expect_eq(tmdk_node_get(v, "pod_spec"), tmdk_node_get(tmpl, "spec"), "%s pod_spec", kinds[i]);
		/* template metadata, when the template has one */
		cr_expect_eq(tmdk_node_get(v, "pod_metadata"), tmdk_node_get(tmpl, "metadata"), "%s pod_metadata", kinds[i]);
		expect_text(tmdk_node_path(v, "containers[-1].image"), images[i], kinds[i]);
	}
	tmdk_artifact_free(a);
}

Test(kubernetes, cronjob_nesting_and_init_containers)
{
	tmdk_artifact *a = load("workloads.yaml");
	const tmdk_node *v = view_of(a, 6);
	static const char *const want[] = { "initContainers/0/prepare/prep:1", "containers/0/backup/backup:4" };

	expect_text(tmdk_node_get(v, "kind"), "CronJob", "kind");
	expect_text(tmdk_node_path(v, "pod_metadata.labels.job"), "nightly", "template labels");
	expect_containers(v, want, 2);
	expect_at(tmdk_node_path(v, "containers[1].image"), 101, 22, "backup image");
	tmdk_artifact_free(a);
}

Test(kubernetes, non_workloads_and_empty_documents)
{
	tmdk_artifact *a = load("workloads.yaml");
	const tmdk_document *svc = tmdk_artifact_document(a, 9);
	const tmdk_node *v = tmdk_document_view(svc);

	/* the empty document between `---` and `---` counts in the stream */
	cr_expect_eq(tmdk_document_index(svc), 10);
	cr_expect_eq(tmdk_document_item_index(svc), -1);
	expect_text(tmdk_node_get(v, "kind"), "Service", "kind");
	cr_expect_eq(view_bool(v, "workload"), 0);
	expect_at(tmdk_node_get(v, "workload"), 129, 7, "workload flag sits at kind");
	cr_expect_null(tmdk_node_get(v, "containers"));
	cr_expect_null(tmdk_node_get(v, "pod_spec"));
	cr_expect_null(tmdk_node_get(v, "namespace"), "absent facts are absent keys");
	tmdk_artifact_free(a);
}

Test(kubernetes, list_items_become_documents)
{
	tmdk_artifact *a = load("lists.yaml");
	static const size_t index[] = { 0, 1, 1, 2, 2, 3 };
	static const long item[] = { -1, 0, 1, 0, 1, -1 };
	static const char *const names[] = { "first", "sa-one", "listed", "cm-a", "cm-b", "last" };
	static const unsigned int lines[] = { 1, 9, 13, 27, 33, 38 };
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), 6);
	for (i = 0; i < 6; i++) {
		const tmdk_document *d = tmdk_artifact_document(a, i);
		cr_expect_eq(tmdk_document_index(d), index[i], "doc %zu index", i);
		cr_expect_eq(tmdk_document_item_index(d), item[i], "doc %zu item", i);
		cr_expect_eq(tmdk_document_line(d), lines[i], "doc %zu line", i);
		expect_text(tmdk_node_get(tmdk_document_view(d), "name"), names[i], "name");
	}
	/* the item document's root is the item itself */
	expect_text(tmdk_node_get(tmdk_document_root(tmdk_artifact_document(a, 2)), "kind"), "Deployment", "item root");
	expect_text(tmdk_node_path(view_of(a, 2), "containers[0].image"), "listed:1", "List item workload");
	expect_text(tmdk_node_get(view_of(a, 3), "kind"), "ConfigMap", "ConfigMapList item");
	tmdk_artifact_free(a);
}

Test(kubernetes, list_items_count_against_max_documents)
{
	size_t len = 0;
	char *data = read_file(fixture("kubernetes/lists.yaml"), &len);
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;

	cr_assert_not_null(data);
	o.max_documents = 4; /* 4 stream documents, 6 with the List items */
	cr_assert_eq(parse_fails("lists.yaml", data, len, &o, &err), TMDK_ELIMIT);
	cr_expect(strstr(err.message, "max_documents") != NULL, "%s", err.message);
	cr_expect(strstr(err.message, "6 documents") != NULL, "%s", err.message);
	cr_expect_str_eq(err.source, "lists.yaml");
	/* the fifth document is cm-b, the second ConfigMapList item */
	cr_expect_eq(err.line, 33);
	cr_expect_eq(err.column, 5);

	o.max_documents = 6;
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "lists.yaml", data, len, &o, &err), TMDK_OK, "%s", err.message);
	cr_expect_eq(tmdk_artifact_document_count(a), 6);
	tmdk_artifact_free(a);
	free(data);
}

Test(kubernetes, rbac_conveniences)
{
	tmdk_artifact *a = load("rbac.yaml");
	const tmdk_node *role = view_of(a, 0), *binding = view_of(a, 2), *rb = view_of(a, 3);

	cr_expect_eq(tmdk_node_get(role, "rules"), tmdk_node_get(tmdk_document_root(tmdk_artifact_document(a, 0)), "rules"));
	expect_text(tmdk_node_path(role, "rules[0].verbs[0]"), "*", "ClusterRole verbs");
	expect_text(tmdk_node_path(view_of(a, 1), "rules[0].resources[0]"), "secrets", "Role rules");
	expect_text(tmdk_node_path(binding, "subjects[0].name"), "system:authenticated", "subjects");
	expect_text(tmdk_node_path(binding, "role_ref.name"), "cluster-admin", "role_ref");
	expect_text(tmdk_node_path(rb, "role_ref.kind"), "Role", "RoleBinding role_ref");
	cr_expect_null(tmdk_node_get(role, "subjects"));
	cr_expect_null(tmdk_node_get(binding, "rules"));
	cr_expect_eq(view_bool(binding, "workload"), 0);
	tmdk_artifact_free(a);
}

Test(kubernetes, json_manifest)
{
	tmdk_artifact *a = load("deployment.json");
	const tmdk_node *v = view_of(a, 0);

	expect_text(tmdk_node_get(v, "name"), "json-web", "name");
	expect_text(tmdk_node_get(v, "namespace"), "prod", "namespace");
	expect_text(tmdk_node_path(v, "containers[0].image"), "nginx:1.25", "image");
	expect_at(tmdk_node_path(v, "containers[0].image"), 15, 37, "image position");
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_path(v, "containers[0].spec.securityContext.privileged")),
		TMDK_SCALAR_BOOL);
	tmdk_artifact_free(a);
}

Test(kubernetes, odd_shapes_are_ignored_not_fatal)
{
	tmdk_artifact *a = load("odd-shapes.yaml");
	const tmdk_node *pod = view_of(a, 0), *dep = view_of(a, 1), *list = view_of(a, 2), *cron = view_of(a, 3);
	const tmdk_node *c;

	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	/* metadata is a list: no name, labels or annotations */
	cr_expect_null(tmdk_node_get(pod, "name"));
	cr_expect_null(tmdk_node_get(pod, "labels"));
	cr_expect_null(tmdk_node_get(pod, "pod_metadata"));
	/* a scalar container is skipped, the index stays the source position */
	cr_assert_eq(tmdk_node_size(tmdk_node_get(pod, "containers")), 1);
	c = tmdk_node_path(pod, "containers[0]");
	expect_text(tmdk_node_get(c, "name"), "real", "container name");
	expect_text(tmdk_node_get(c, "index"), "1", "container index");
	cr_expect_null(tmdk_node_get(c, "image"), "a non-scalar image is left out");
	/* spec is a string: still a workload, no pod spec, no containers */
	cr_expect_eq(view_bool(dep, "workload"), 1);
	cr_expect_null(tmdk_node_get(dep, "pod_spec"));
	cr_expect_eq(tmdk_node_size(tmdk_node_get(dep, "containers")), 0);
	/* a List without an items sequence stays one document */
	expect_text(tmdk_node_get(list, "kind"), "List", "kind");
	cr_expect_eq(tmdk_document_item_index(tmdk_artifact_document(a, 2)), -1);
	cr_expect_eq(view_bool(cron, "workload"), 1);
	cr_expect_null(tmdk_node_get(cron, "pod_spec"));
	tmdk_artifact_free(a);
}

Test(kubernetes, forced_kind_on_non_kubernetes_content)
{
	tmdk_artifact *a = parse_as("x.yaml", "- a\n- b\n---\nfoo: bar\n---\nkind: [x]\n", TMDK_KIND_KUBERNETES);
	size_t i;

	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_KUBERNETES);
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_node *v = view_of(a, i);
		cr_expect_eq(tmdk_node_get_type(v), TMDK_NODE_MAP, "every document has a view");
		cr_expect_null(tmdk_node_get(v, "containers"));
	}
	tmdk_artifact_free(a);
}

Test(kubernetes, empty_list_leaves_no_document)
{
	tmdk_artifact *a = parse_as("l.yaml", "apiVersion: v1\nkind: List\nitems: []\n", TMDK_KIND_AUTO);
	cr_expect_eq(tmdk_artifact_kind(a), TMDK_KIND_KUBERNETES);
	cr_expect_eq(tmdk_artifact_document_count(a), 0);
	tmdk_artifact_free(a);
}

/* Control-plane and kubelet flags, in every spelling, become a map per container. */
Test(kubernetes, container_flags_in_every_spelling)
{
	tmdk_artifact *a = parse_as("kube-apiserver.yaml",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver, namespace: kube-system}\n"
		"spec:\n  containers:\n  - name: kube-apiserver\n    image: k8s/kube-apiserver:v1.30.0\n"
		"    command:\n    - kube-apiserver\n    - --anonymous-auth=true\n    - --profiling\n"
		"    - --authorization-mode\n    - AlwaysAllow\n    - --anonymous-auth=false\n"
		"    args: [\"--token-auth-file=/etc/tokens.csv\", \"-v=2\", \"kube-apiserver --x=1\"]\n",
		TMDK_KIND_AUTO);
	const tmdk_node *flags = tmdk_node_path(view_of(a, 0), "containers[0].flags");
	cr_assert_eq(tmdk_node_get_type(flags), TMDK_NODE_MAP);
	cr_assert(tmdk_node_text_equals(tmdk_node_get(flags, "anonymous-auth"), "false"), "the last occurrence wins");
	cr_assert_eq(tmdk_node_line(tmdk_node_get(flags, "anonymous-auth")), 14);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(flags, "profiling")), TMDK_SCALAR_BOOL);
	cr_assert(tmdk_node_text_equals(tmdk_node_get(flags, "authorization-mode"), "AlwaysAllow"));
	cr_assert_eq(tmdk_node_line(tmdk_node_get(flags, "authorization-mode")), 13, "value positioned at its own word");
	cr_assert(tmdk_node_text_equals(tmdk_node_get(flags, "token-auth-file"), "/etc/tokens.csv"));
	cr_assert(tmdk_node_text_equals(tmdk_node_get(flags, "v"), "2"));
	cr_assert(tmdk_node_text_equals(tmdk_node_get(flags, "x"), "1"), "words inside a string are split on blanks");
	tmdk_artifact_free(a);
	a = parse_as("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b, command: [run]}]}\n",
		TMDK_KIND_AUTO);
	cr_assert_null(tmdk_node_path(view_of(a, 0), "containers[0].flags"), "no flags, no key");
	tmdk_artifact_free(a);
}

/* ---- pod templates in every workload kind ---------------------------------------- */

typedef struct template_case {
	const char *kind;
	const char *shape;     /* workload_shape, NULL: not a workload */
	const char *pod_spec;  /* path of the pod spec in the root, NULL: none */
	size_t count;
	const char *containers[6];
} template_case;

Test(kubernetes, every_kind_that_carries_a_pod_template_is_a_workload)
{
	static const template_case cases[] = {
		{ "DeploymentConfig", "known", "spec.template.spec", 1, { "containers/0/app/dc:1" } },
		{ "Service", "known", "spec.template.spec", 1, { "containers/0/user-container/ksvc:1" } },
		{ "Configuration", "known", "spec.template.spec", 1, { "containers/0/c/kconf:1" } },
		{ "Revision", "known", "spec", 1, { "containers/0/r/krev:1" } },
		{ "Rollout", "known", "spec.template.spec", 1, { "containers/0/ro/ro:1" } },
		{ "Workflow", "known", "spec", 6, { "initContainers/0/fetch/git:1", "templates/1/build/build:1",
			"sidecars/0/cache/redis:7", "templates/2/test/python:3.12", "templates/3/one/one:1",
			"templates/3/two/two:1" } },
		{ "CronWorkflow", "known", "spec.workflowSpec", 1, { "templates/0/tick/tick:1" } },
		{ "ScaledJob", "known", "spec.jobTargetRef.template.spec", 1, { "containers/0/worker/worker:1" } },
		{ "Task", "known", NULL, 2, { "steps/0/compile/golang:1.22", "sidecars/0/docker/docker:dind" } },
		{ "TaskRun", "known", NULL, 1, { "steps/0/echo/alpine:3" } },
		{ "Pipeline", "known", NULL, 2, { "steps/0/lint/lint:1", "steps/0/notify/curl:8" } },
		{ "Widget", "shape", "spec.template.spec", 1, { "containers/0/w/widget:1" } },
		{ "Service", NULL, NULL, 0, { NULL } },   /* a core Service: a template-like field is no pod */
		{ "Gadget", NULL, NULL, 0, { NULL } },    /* a template without containers is no pod */
	};
	tmdk_artifact *a = load("pod-templates.yaml");
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), sizeof(cases) / sizeof(cases[0]));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const template_case *t = &cases[i];
		const tmdk_document *d = tmdk_artifact_document(a, i);
		const tmdk_node *v = tmdk_document_view(d), *root = tmdk_document_root(d);
		expect_text(tmdk_node_get(v, "kind"), t->kind, "kind");
		cr_expect_eq(view_bool(v, "workload"), t->shape != NULL, "document %zu (%s) workload", i, t->kind);
		if (!t->shape) {
			cr_expect_null(tmdk_node_get(v, "workload_shape"));
			cr_expect_null(tmdk_node_get(v, "containers"));
			continue;
		}
		expect_text(tmdk_node_get(v, "workload_shape"), t->shape, t->kind);
		if (t->pod_spec)
			cr_expect_eq(tmdk_node_get(v, "pod_spec"), tmdk_node_path(root, t->pod_spec), "%s pod_spec", t->kind);
		else
			cr_expect_null(tmdk_node_get(v, "pod_spec"), "%s has no pod spec", t->kind);
		expect_containers(v, t->containers, t->count);
	}
	tmdk_artifact_free(a);
}

/* ---- the same pod in another workload kind gets the same findings ---------------- */

static const char deployment_text[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: web, namespace: shop}\n"
	"spec:\n"
	"  replicas: 2\n"
	"  template:\n"
	"    metadata: {labels: {app: web}}\n"
	"    spec:\n"
	"      hostPID: true\n"
	"      containers:\n"
	"        - name: web\n"
	"          image: nginx:latest\n"
	"          securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}\n"
	"          env: [{name: DB_PASSWORD, value: hunter2hunter2}]\n"
	"          volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]\n"
	"      volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]\n";

static int collect_cb(const tmdk_finding *f, void *payload)
{
	char *text = payload, line[128];
	snprintf(line, sizeof(line), "%s@%u:%u\n", tmdk_pattern_id(tmdk_finding_pattern(f)),
		tmdk_finding_line(f), tmdk_finding_column(f));
	strncat(text, line, 8191 - strlen(text));
	return 0;
}

/* The findings of one manifest as "ID@line:col" lines, in scan order. */
static void findings_of(const char *text, char out[8192])
{
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_scanner *s;
	tmdk_artifact *a;
	tmdk_error err;

	out[0] = '\0';
	cr_assert_eq(tmdk_compiler_new(&c, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_builtin(c, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "w.yaml", text, strlen(text), NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_scan(s, a, collect_cb, out, &err), TMDK_OK, "%s", err.message);
	tmdk_scanner_free(s);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
}

/* The Deployment above with its apiVersion and kind replaced (same lines). */
static void as_kind(char *out, size_t size, const char *api_version, const char *kind)
{
	const char *rest = strstr(deployment_text, "metadata:");
	snprintf(out, size, "apiVersion: %s\nkind: %s\n%s", api_version, kind, rest);
}

Test(kubernetes, deploymentconfig_rollout_and_shaped_crds_get_the_deployments_findings)
{
	static const char *const kinds[][2] = {
		{ "apps.openshift.io/v1", "DeploymentConfig" }, { "v1", "DeploymentConfig" },
		{ "argoproj.io/v1alpha1", "Rollout" }, { "serving.knative.dev/v1", "Configuration" },
		{ "example.com/v1", "Widget" },
	};
	static char want[8192], got[8192], text[2048];
	size_t i;

	findings_of(deployment_text, want);
	cr_assert(strstr(want, "TMDK-K8S-030@") && strstr(want, "TMDK-K8S-031@") && strstr(want, "TMDK-K8S-023@"),
		"the Deployment's own findings: %s", want);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		as_kind(text, sizeof(text), kinds[i][0], kinds[i][1]);
		findings_of(text, got);
		cr_expect_str_eq(got, want, "%s gets other findings than the Deployment", kinds[i][1]);
	}
}

/* ---- Service selection and ConfigMap entries --------------------------------------- */

Test(kubernetes, service_selector_and_pod_label_sets_join)
{
	tmdk_artifact *a = load("selection.yaml");
	const tmdk_node *w = view_of(a, 0), *svc = view_of(a, 1), *cm = view_of(a, 2);
	static const char *const sets[] = { "app=cache", "tier=data", "version=v1", "app=cache,tier=data",
		"app=cache,version=v1", "tier=data,version=v1", "app=cache,tier=data,version=v1" };
	const tmdk_node *got = tmdk_node_get(w, "pod_label_sets");
	size_t i;

	cr_assert_eq(tmdk_node_size(got), 7);
	for (i = 0; i < 7; i++)
		expect_text(tmdk_node_at(got, i), sets[i], "pod label set");
	/* keys sorted, whatever the order written */
	expect_text(tmdk_node_get(svc, "selector_key"), "app=cache,tier=data", "selector_key");
	expect_at(tmdk_node_get(svc, "selector_key"), 15, 13, "selector_key at the selector");
	expect_text(tmdk_node_get(svc, "service_type"), "LoadBalancer", "service_type");
	cr_expect_null(tmdk_node_get(svc, "pod_label_sets"));
	cr_expect_null(tmdk_node_get(w, "selector_key"));
	/* ConfigMap entries: key and value are the source nodes */
	cr_assert_eq(tmdk_node_size(tmdk_node_get(cm, "entries")), 2);
	expect_text(tmdk_node_path(cm, "entries[0].key"), "DB_PASSWORD", "key");
	expect_text(tmdk_node_path(cm, "entries[0].value"), "hunter2", "value");
	expect_at(tmdk_node_path(cm, "entries[1]"), 23, 3, "entry at its key");
	tmdk_artifact_free(a);
}
