/*
 * Kind detection: file-name patterns, content rules, Dockerfile sniffing,
 * and the traps (files that look close to an artifact but are not one).
 */
#include "helpers.h"
#include "failing_alloc.h"

typedef struct name_case {
	const char *name;
	tmdk_kind kind;
	int yaml_like;
} name_case;

static const name_case name_cases[] = {
	{ "Dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "Containerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "Dockerfile.prod", TMDK_KIND_DOCKERFILE, 0 },
	{ "Dockerfile.alpine-3.19", TMDK_KIND_DOCKERFILE, 0 },
	{ "Containerfile.fedora", TMDK_KIND_DOCKERFILE, 0 },
	{ "api.Dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "api.dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "api.containerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "src/app/Dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "C:\\src\\Dockerfile", TMDK_KIND_DOCKERFILE, 0 },
	{ "compose.yaml", TMDK_KIND_COMPOSE, 0 },
	{ "compose.yml", TMDK_KIND_COMPOSE, 0 },
	{ "docker-compose.yml", TMDK_KIND_COMPOSE, 0 },
	{ "docker-compose.yaml", TMDK_KIND_COMPOSE, 0 },
	{ "docker-compose.override.yml", TMDK_KIND_COMPOSE, 0 },
	{ "docker-compose.prod.yaml", TMDK_KIND_COMPOSE, 0 },
	{ "docker-compose-dev.yml", TMDK_KIND_COMPOSE, 0 },
	{ "compose.override.yaml", TMDK_KIND_COMPOSE, 0 },
	{ "deploy/compose.prod.yml", TMDK_KIND_COMPOSE, 0 },
	{ "daemon.json", TMDK_KIND_DAEMON_JSON, 0 },
	{ "/etc/docker/daemon.json", TMDK_KIND_DAEMON_JSON, 0 },
	/* content decides */
	{ "deployment.yaml", TMDK_KIND_UNKNOWN, 1 },
	{ "values.yml", TMDK_KIND_UNKNOWN, 1 },
	{ "inspect.json", TMDK_KIND_UNKNOWN, 1 },
	{ "MANIFEST.YAML", TMDK_KIND_UNKNOWN, 1 },
	{ "docker-compose.json", TMDK_KIND_UNKNOWN, 1 },
	{ "compose.json", TMDK_KIND_UNKNOWN, 1 },
	/* not ours */
	{ "Dockerfile.dockerignore", TMDK_KIND_UNKNOWN, 0 },
	{ "api.Dockerfile.dockerignore", TMDK_KIND_UNKNOWN, 0 },
	{ "DOCKERFILE", TMDK_KIND_UNKNOWN, 0 },
	{ "Dockerfile.", TMDK_KIND_UNKNOWN, 0 },
	{ ".dockerfile", TMDK_KIND_UNKNOWN, 0 },
	{ "README.md", TMDK_KIND_UNKNOWN, 0 },
	{ "docker-compose.txt", TMDK_KIND_UNKNOWN, 0 },
	{ "mydaemon.json", TMDK_KIND_UNKNOWN, 1 },
	{ "", TMDK_KIND_UNKNOWN, 0 },
};

Test(detect, name_patterns)
{
	size_t i;
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		int yaml_like = -1;
		tmdk_kind k = tmdk__kind_from_name(name_cases[i].name, &yaml_like);
		cr_expect_eq(k, name_cases[i].kind, "%s: kind %s, expected %s", name_cases[i].name,
			tmdk_kind_name(k), tmdk_kind_name(name_cases[i].kind));
		cr_expect_eq(yaml_like, name_cases[i].yaml_like, "%s: yaml_like %d", name_cases[i].name, yaml_like);
	}
}

Test(detect, null_name_is_unknown)
{
	int yaml_like = -1;
	cr_assert_eq(tmdk__kind_from_name(NULL, &yaml_like), TMDK_KIND_UNKNOWN);
	cr_assert_eq(yaml_like, 0);
}

Test(detect, names_decide_before_content)
{
	const char *k8s = "apiVersion: v1\nkind: Pod\n";
	cr_assert_eq(tmdk_detect_kind("docker-compose.yml", k8s, strlen(k8s)), TMDK_KIND_COMPOSE);
	cr_assert_eq(tmdk_detect_kind("Dockerfile", k8s, strlen(k8s)), TMDK_KIND_DOCKERFILE);
	cr_assert_eq(tmdk_detect_kind("daemon.json", "{}", 2), TMDK_KIND_DAEMON_JSON);
	cr_assert_eq(tmdk_detect_kind("pod.yaml", k8s, strlen(k8s)), TMDK_KIND_KUBERNETES);
}

/* ---- Dockerfile sniffing -------------------------------------------- */

static int sniff(const char *s)
{
	return tmdk__looks_like_dockerfile(s, strlen(s));
}

Test(detect, dockerfile_sniffing)
{
	cr_expect(sniff("FROM alpine\n"));
	cr_expect(sniff("from alpine\n"));
	cr_expect(sniff("ARG BASE=alpine\nFROM $BASE\n"));
	cr_expect(sniff("\xEF\xBB\xBF# syntax=docker/dockerfile:1\n\n  # comment\r\n\tFROM\tscratch\n"));
	cr_expect(sniff("# escape=`\nFROM windows"));
	cr_expect(!sniff("RUN echo hi\nFROM alpine\n"), "first instruction must be FROM or ARG");
	cr_expect(!sniff("FROM\n"), "keyword must be followed by whitespace");
	cr_expect(!sniff("FROMAGE: cheese\n"));
	cr_expect(!sniff("apiVersion: v1\n"));
	cr_expect(!sniff("# only a comment\n\n"));
	cr_expect(!sniff(""));
	cr_expect(!tmdk__looks_like_dockerfile(NULL, 0));
	cr_expect(!tmdk__looks_like_dockerfile("FROM alpine", 4), "length is respected");
}

Test(detect, nameless_dockerfile_content)
{
	const char *df = "# syntax=docker/dockerfile:1\nFROM alpine:3.19\nRUN true\n";
	cr_assert_eq(tmdk_detect_kind(NULL, df, strlen(df)), TMDK_KIND_DOCKERFILE);
	cr_assert_eq(tmdk_detect_kind("Containerfile.build", df, strlen(df)), TMDK_KIND_DOCKERFILE);
}

/* ---- content rules, through the public API ------------------------------ */

/* Detect a fixture under a neutral name, so only the content decides. */
static tmdk_kind detect_fixture(const char *rel, const char *as_name)
{
	size_t len = 0;
	char *data = read_file(fixture(rel), &len);
	tmdk_kind k;
	cr_assert_not_null(data, "missing fixture %s", rel);
	k = tmdk_detect_kind(as_name, data, len);
	free(data);
	return k;
}

/* Parse a fixture under a name and return the artifact's kind. */
static tmdk_kind parse_kind(const char *rel, const char *as_name)
{
	size_t len = 0;
	char *data = read_file(fixture(rel), &len);
	tmdk_artifact *a = NULL;
	tmdk_error err;
	tmdk_kind k;
	int rc;

	cr_assert_not_null(data, "missing fixture %s", rel);
	rc = tmdk_artifact_parse_buffer(&a, as_name, data, len, NULL, &err);
	free(data);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", rel, err.source, err.line, err.column, err.message);
	k = tmdk_artifact_kind(a);
	if (k == TMDK_KIND_UNKNOWN)
		cr_expect_eq(tmdk_artifact_document_count(a), 0, "an unknown artifact has no documents");
	tmdk_artifact_free(a);
	return k;
}

Test(detect, kubernetes_by_content)
{
	cr_expect_eq(detect_fixture("kubernetes/workloads.yaml", "x.yaml"), TMDK_KIND_KUBERNETES);
	cr_expect_eq(detect_fixture("kubernetes/lists.yaml", "x.yml"), TMDK_KIND_KUBERNETES);
	cr_expect_eq(detect_fixture("kubernetes/deployment.json", "x.json"), TMDK_KIND_KUBERNETES);
	cr_expect_eq(detect_fixture("detect/k8s-multi.yaml", "x.yaml"), TMDK_KIND_KUBERNETES,
		"empty documents do not count");
	cr_expect_eq(detect_fixture("detect/k8s-list.json", "x.json"), TMDK_KIND_KUBERNETES);
	cr_expect_eq(detect_fixture("detect/k8s-mixed.yaml", "x.yaml"), TMDK_KIND_UNKNOWN,
		"every document must be a Kubernetes object");
	cr_expect_eq(parse_kind("kubernetes/workloads.yaml", "deploy/app"), TMDK_KIND_KUBERNETES,
		"extensionless names are sniffed too");
}

Test(detect, compose_by_content)
{
	cr_expect_eq(detect_fixture("detect/compose-by-content.yaml", "stack.yaml"), TMDK_KIND_COMPOSE);
	cr_expect_eq(detect_fixture("compose/merge.yaml", "positive1.yaml"), TMDK_KIND_COMPOSE);
	cr_expect_eq(detect_fixture("detect/legacy-compose.yml", "fig.yml"), TMDK_KIND_COMPOSE,
		"version 1 compose: top-level services with image or build");
	cr_expect_eq(detect_fixture("compose/legacy-v1.yml", "v1.yml"), TMDK_KIND_COMPOSE);
}

Test(detect, daemon_json_by_content)
{
	cr_expect_eq(detect_fixture("detect/daemon-by-content.json", "docker.json"), TMDK_KIND_DAEMON_JSON);
	cr_expect_eq(detect_fixture("docker/daemon.json", "dockerd.json"), TMDK_KIND_DAEMON_JSON);
	cr_expect_eq(detect_fixture("detect/one-daemon-key.json", "config.json"), TMDK_KIND_UNKNOWN,
		"one daemon key is not enough without the daemon.json name");
	cr_expect_eq(detect_fixture("detect/one-daemon-key.json", "daemon.json"), TMDK_KIND_DAEMON_JSON);
	cr_expect_eq(detect_fixture("detect/yaml-daemon-keys.yaml", "config.yaml"), TMDK_KIND_UNKNOWN,
		"daemon.json is JSON");
}

Test(detect, inspect_by_content)
{
	cr_expect_eq(detect_fixture("docker/inspect.json", "web.json"), TMDK_KIND_DOCKER_INSPECT);
	cr_expect_eq(detect_fixture("detect/inspect-array.json", "out.json"), TMDK_KIND_DOCKER_INSPECT);
	cr_expect_eq(detect_fixture("detect/not-inspect-array.json", "out.json"), TMDK_KIND_UNKNOWN,
		"every element needs Id and Config or HostConfig");
	cr_expect_eq(tmdk_detect_kind("empty.json", "[]", 2), TMDK_KIND_UNKNOWN);
}

Test(detect, traps_are_unknown)
{
	cr_expect_eq(parse_kind("detect/helm-values.yaml", "values.yaml"), TMDK_KIND_UNKNOWN,
		"Helm values: `services` map beside non-compose keys");
	cr_expect_eq(parse_kind("detect/helm-components.yaml", "values.yaml"), TMDK_KIND_UNKNOWN,
		"every entry has an image, but keys are not compose keys");
	cr_expect_eq(parse_kind("detect/github-workflow.yml", "ci.yml"), TMDK_KIND_UNKNOWN,
		"a workflow's job services are not compose");
	cr_expect_eq(parse_kind("detect/gitlab-ci.yml", ".gitlab-ci.yml"), TMDK_KIND_UNKNOWN,
		"`services:` as a list");
	cr_expect_eq(parse_kind("detect/package.json", "package.json"), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("notes.yaml", "just text\n", 10), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("list.yaml", "- a\n- b\n", 8), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("empty.yaml", "", 0), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("nulls.yaml", "---\n---\n", 8), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("s.yaml", "services:\n  web: 3\n", 19), TMDK_KIND_UNKNOWN,
		"a service must be a map");
	cr_expect_eq(tmdk_detect_kind("k.yaml", "apiVersion: v1\nkind: ''\n", 24), TMDK_KIND_UNKNOWN,
		"kind must not be empty");
	cr_expect_eq(tmdk_detect_kind("k.yaml", "apiVersion: v1\nkind: [Pod]\n", 27), TMDK_KIND_UNKNOWN);
}

Test(detect, broken_content_is_unknown)
{
	const char *bad = "key: [unclosed\n";
	cr_expect_eq(tmdk_detect_kind("bad.yaml", bad, strlen(bad)), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind("bad.yaml", NULL, 5), TMDK_KIND_UNKNOWN);
	cr_expect_eq(tmdk_detect_kind(NULL, NULL, 0), TMDK_KIND_UNKNOWN);
}

/* Random bytes never crash detection and always give a valid kind. */
Test(detect, random_garbage)
{
	unsigned int seed = 12345;
	char buf[512];
	int round;
	size_t i;

	for (round = 0; round < 300; round++) {
		size_t len = (size_t)(round * 7 % (int)sizeof(buf));
		tmdk_kind k;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly YAML punctuation and letters, sometimes any byte */
			buf[i] = (seed >> 24) % 4 ? "ab:- \n{}[]\"'#&*!|>%@`,?"[(seed >> 16) % 24] : (char)(seed >> 16);
		}
		k = tmdk_detect_kind(round % 2 ? "x.yaml" : NULL, buf, len);
		cr_assert(k >= TMDK_KIND_UNKNOWN && k <= TMDK_KIND_DOCKER_INSPECT);
		(void)tmdk__looks_like_dockerfile(buf, len);
	}
}

/* ---- random documents through detection and every normalizer ---------- */

typedef struct gen {
	unsigned int seed;
	char *buf;
	size_t len, cap;
} gen;

static unsigned int gen_next(gen *g, unsigned int n)
{
	g->seed = g->seed * 1103515245u + 12345u;
	return (g->seed >> 16) % n;
}

static void gen_put(gen *g, const char *s)
{
	size_t n = strlen(s);
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		g->buf = realloc(g->buf, g->cap);
		cr_assert_not_null(g->buf);
	}
	memcpy(g->buf + g->len, s, n + 1);
	g->len += n;
}

/* Keys and values the normalizers look at, in every shape. */
static const char *const gen_keys[] = { "apiVersion", "kind", "metadata", "name", "namespace",
	"labels", "annotations", "spec", "template", "jobTemplate", "containers", "initContainers",
	"ephemeralContainers", "image", "items", "rules", "subjects", "roleRef", "services",
	"version", "volumes", "ports", "environment", "env_file", "path", "build", "type", "source",
	"target", "read_only", "published", "host_ip", "protocol", "networks", "secrets", "configs",
	"hosts", "tlsverify", "log-driver", "Id", "Config", "HostConfig", "Env", "Binds", "Mounts",
	"Privileged", "User", "Image", "Name", "x-ext" };
static const char *const gen_values[] = { "'Pod'", "'Deployment'", "'CronJob'", "'List'",
	"'ConfigMapList'", "'PodTemplate'", "'Role'", "'RoleBinding'", "'v1'", "''", "'a:b:c:d'",
	"'/x:/y:ro'", "'[::1]:80:80/udp'", "'127.0.0.1::53'", "':'", "'::'", "'/'", "'KEY=v'",
	"'KEY'", "'='", "'C:\\x:/y'", "'\\\\.\\pipe\\p:/p'", "80", "true", "false", "null", "~",
	"'tcp://0.0.0.0:2375'", "'a-b:c-d'", "'ro'" };

static void gen_value(gen *g, int depth)
{
	unsigned int i, n, what = depth >= 4 ? 2 : gen_next(g, 5);

	if (what == 0) {
		gen_put(g, "{");
		n = gen_next(g, 5);
		for (i = 0; i < n; i++) {
			gen_put(g, i ? ", " : "");
			gen_put(g, gen_keys[gen_next(g, sizeof(gen_keys) / sizeof(gen_keys[0]))]);
			gen_put(g, ": ");
			gen_value(g, depth + 1);
		}
		gen_put(g, "}");
	} else if (what == 1) {
		gen_put(g, "[");
		n = gen_next(g, 4);
		for (i = 0; i < n; i++) {
			gen_put(g, i ? ", " : "");
			gen_value(g, depth + 1);
		}
		gen_put(g, "]");
	} else {
		gen_put(g, gen_values[gen_next(g, sizeof(gen_values) / sizeof(gen_values[0]))]);
	}
}

Test(detect, random_documents_through_every_normalizer)
{
	static const tmdk_kind kinds[] = { TMDK_KIND_AUTO, TMDK_KIND_KUBERNETES, TMDK_KIND_COMPOSE,
		TMDK_KIND_DAEMON_JSON, TMDK_KIND_DOCKER_INSPECT };
	gen g = { 42, NULL, 0, 0 };
	int round;
	size_t k, d;

	for (round = 0; round < 400; round++) {
		unsigned int docs = 1 + gen_next(&g, 3), i;
		g.len = 0;
		for (i = 0; i < docs; i++) {
			gen_put(&g, "---\n");
			gen_value(&g, 0);
			gen_put(&g, "\n");
		}
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
			tmdk_artifact *a = NULL;
			tmdk_error err;
			int rc;
			o.kind = kinds[k];
			rc = tmdk_artifact_parse_buffer(&a, "r.yaml", g.buf, g.len, &o, &err);
			cr_assert_eq(rc, TMDK_OK, "%s\n%s:%u:%u: %s", g.buf, err.source, err.line, err.column, err.message);
			for (d = 0; d < tmdk_artifact_document_count(a); d++)
				cr_assert_eq(tmdk_node_get_type(view_of(a, d)), TMDK_NODE_MAP, "no view:\n%s", g.buf);
			tmdk_artifact_free(a);
		}
	}
	free(g.buf);
}

/* ---- out of memory at every allocation ----------------------------------- */


/* Fail the 1st, 2nd, … allocation of a parse until it succeeds: each
 * failure is TMDK_ENOMEM, with no artifact and nothing left allocated. */
static void parse_under_memory_pressure(const char *rel, const char *name)
{
	size_t len = 0;
	char *data = read_file(fixture(rel), &len);
	long n;

	cr_assert_not_null(data, "missing fixture %s", rel);
	failing_install(1);
	for (n = 0; n < 100000; n++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc;
		failing_left = n;
		failing_live = 0;
		rc = tmdk_artifact_parse_buffer(&a, name, data, len, NULL, &err);
		if (rc == TMDK_OK) {
			cr_expect_neq(tmdk_artifact_kind(a), TMDK_KIND_UNKNOWN, "%s", rel);
			tmdk_artifact_free(a);
			cr_expect_eq(failing_live, 0, "%s: %ld blocks leaked", rel, failing_live);
			break;
		}
		cr_assert_eq(rc, TMDK_ENOMEM, "%s, allocation %ld failing: rc %d: %s", rel, n, rc, err.message);
		cr_assert_eq(err.code, TMDK_ENOMEM);
		cr_assert_null(a);
		cr_assert_eq(failing_live, 0, "%s, allocation %ld failing: %ld blocks leaked", rel, n, failing_live);
	}
	tmdk_set_allocator(NULL, NULL, NULL);
	free(data);
	cr_assert_gt(n, 0, "%s: no allocation failed: is the allocator in use?", rel);
}

Test(detect, out_of_memory_at_every_allocation, .timeout = 120)
{
	parse_under_memory_pressure("kubernetes/workloads.yaml", "w.yaml");
	parse_under_memory_pressure("kubernetes/lists.yaml", "l.yaml");
	parse_under_memory_pressure("kubernetes/scripts.yaml", "s.yaml"); /* literal blocks: text maps */
	parse_under_memory_pressure("compose/volumes.yaml", "compose.yaml");
	parse_under_memory_pressure("compose/ports.yaml", "compose.yaml");
	parse_under_memory_pressure("compose/environment.yaml", "compose.yaml");
	parse_under_memory_pressure("compose/env-file.yaml", "compose.yaml");
	parse_under_memory_pressure("compose/legacy-v1.yml", "docker-compose.yml");
	parse_under_memory_pressure("docker/daemon.json", "daemon.json");
	parse_under_memory_pressure("docker/daemon-string-host.json", "daemon.json");
	parse_under_memory_pressure("docker/inspect.json", "inspect.json");
}
