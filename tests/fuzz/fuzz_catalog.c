/*
 * libFuzzer harness: the catalog compiler. The first byte holds the compile
 * flags (bit 0: TMDK_COMPILE_CHECK_EXAMPLES, which also parses and scans
 * every embedded example; bit 1: TMDK_COMPILE_STRICT); the rest is the
 * catalog text. A catalog that compiles is read back through every pattern
 * accessor and scanned against a fixed set of artifacts of every kind, so
 * fuzzed selectors, conditions and regexes run through the matcher too, and
 * its findings with the cross-document plans must equal those of the naive
 * evaluation.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const struct { const char *name; const char *text; } fixed_inputs[] = {
	{ "Dockerfile",
	  "# syntax=docker/dockerfile:1\nFROM node:latest AS build\nARG TOKEN=abc\n"
	  "ENV PASSWORD=hunter2 PATH=/x:$PATH\nRUN curl -sL https://x.io/i.sh | bash\n"
	  "COPY --chown=1:1 . /app\nADD https://x.io/a.tgz /tmp/\nRUN <<EOF\napt-get update\nEOF\n"
	  "FROM scratch\nCOPY --from=build /app /app\nUSER root\nEXPOSE 22 80/tcp\n"
	  "HEALTHCHECK NONE\nCMD [\"/app/run\", \"--debug\"]\n" },
	{ "compose.yaml",
	  "services:\n  web:\n    image: nginx:latest\n    privileged: true\n    network_mode: host\n"
	  "    ports: [\"80:80\", \"0.0.0.0:2375:2375\"]\n    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n"
	  "    environment: {DB_PASSWORD: secret}\n    cap_add: [SYS_ADMIN]\n  db:\n    image: postgres\n"
	  "    security_opt: [\"seccomp:unconfined\"]\n" },
	{ "deploy.yaml",
	  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default, annotations: {a: b}}\n"
	  "spec:\n  template:\n    spec:\n      hostPID: true\n      hostNetwork: true\n"
	  "      volumes: [{name: h, hostPath: {path: /}}]\n      containers:\n"
	  "      - name: web\n        image: web:latest\n        securityContext: {privileged: true, runAsUser: 0}\n"
	  "        env: [{name: API_KEY, value: abc}]\n        ports: [{containerPort: 22}]\n"
	  "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
	  "rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n"
	  "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
	  "roleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: Group, name: system:anonymous}]\n"
	  "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\n"
	  "automountServiceAccountToken: false\n"
	  "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n"
	  "spec: {podSelector: {}}\n"
	  "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: lr, namespace: shop}\n"
	  "spec: {limits: [{type: Container, default: {memory: 1Gi}}]}\n"
	  "---\napiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop}\n"
	  "spec: {serviceAccountName: Web, containers: [{name: api, image: api:1}]}\n"
	  "---\napiVersion: v1\nkind: Pod\nmetadata: {name: api2}\n"
	  "spec: {serviceAccountName: web, containers: [{name: api, image: api:1}]}\n" },
	{ "daemon.json",
	  "{\"hosts\": [\"tcp://0.0.0.0:2375\"], \"icc\": true, \"userns-remap\": \"\", \"insecure-registries\": [\"r:5000\"]}\n" },
	{ "inspect.json",
	  "[{\"Id\": \"abc\", \"Name\": \"/web\", \"Config\": {\"User\": \"\", \"Env\": [\"SECRET=x\"], \"Image\": \"web:latest\"},\n"
	  "  \"HostConfig\": {\"Privileged\": true, \"NetworkMode\": \"host\", \"Binds\": [\"/:/host\"], \"CapAdd\": [\"ALL\"]},\n"
	  "  \"Mounts\": [{\"Source\": \"/var/run/docker.sock\", \"Destination\": \"/var/run/docker.sock\"}]}]\n" },
};
#define FIXED_COUNT (sizeof(fixed_inputs) / sizeof(fixed_inputs[0]))

static tmdk_artifact *fixed[FIXED_COUNT];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;
	(void)argc;
	(void)argv;
	for (i = 0; i < FIXED_COUNT; i++) {
		tmdk_error err;
		int rc = tmdk_artifact_parse_buffer(&fixed[i], fixed_inputs[i].name, fixed_inputs[i].text,
			strlen(fixed_inputs[i].text), NULL, &err);
		FUZZ_ASSERT(rc == TMDK_OK, "fixed input %s: %s:%u:%u: %s", fixed_inputs[i].name,
			err.source, err.line, err.column, err.message);
	}
	return 0;
}

static void read_patterns(const tmdk_catalog *cat)
{
	size_t i, j, n = tmdk_catalog_pattern_count(cat);
	for (i = 0; i < n; i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(cat, i);
		FUZZ_ASSERT(p != NULL && tmdk_pattern_id(p) != NULL, "pattern %zu", i);
		FUZZ_ASSERT(tmdk_catalog_find(cat, tmdk_pattern_id(p)) == p, "find %s", tmdk_pattern_id(p));
		(void)tmdk_pattern_title(p);
		(void)tmdk_question_slug(tmdk_pattern_question(p));
		(void)tmdk_risk_slug(tmdk_pattern_risk(p));
		(void)tmdk_severity_name(tmdk_pattern_severity(p));
		(void)tmdk_pattern_description(p);
		(void)tmdk_pattern_mitigation(p);
		(void)tmdk_pattern_message(p);
		(void)tmdk_pattern_file(p);
		(void)tmdk_pattern_line(p);
		(void)tmdk_pattern_catalog_name(p);
		(void)tmdk_pattern_catalog_version(p);
		(void)tmdk_pattern_applies_to(p, TMDK_KIND_KUBERNETES);
		for (j = 0; j < tmdk_pattern_stride_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_stride(p, j) != NULL, "stride %zu", j);
		for (j = 0; j < tmdk_pattern_reference_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_reference(p, j) != NULL, "reference %zu", j);
		for (j = 0; j < tmdk_pattern_example_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_example(p, j) != NULL, "example %zu", j);
	}
}

static int read_finding(const tmdk_finding *f, void *payload)
{
	(void)payload;
	FUZZ_ASSERT(tmdk_finding_pattern(f) != NULL, "finding without pattern");
	(void)tmdk_finding_path(f);
	(void)tmdk_finding_line(f);
	(void)tmdk_finding_column(f);
	(void)tmdk_finding_object(f);
	(void)tmdk_finding_evidence(f);
	FUZZ_ASSERT(tmdk_finding_message(f) != NULL, "finding without message");
	(void)tmdk_finding_suppression(f);
	return 0;
}

static void scan_fixed(const tmdk_catalog *cat)
{
	tmdk_scanner *s = NULL;
	tmdk_error err;
	int rc = tmdk_scanner_new(&s, cat, NULL, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "scanner: %s", err.message);
	rc = tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)fixed, FIXED_COUNT, read_finding, NULL, &err);
	if (rc != TMDK_OK) {
		fuzz_check_error(rc, &err);
		/* A fuzzed regex may backtrack past its limits; nothing else may fail. */
		FUZZ_ASSERT(rc == TMDK_ELIMIT || rc == TMDK_EREGEX, "scan: rc %d: %s", rc, err.message);
	}
	tmdk_scanner_free(s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	size_t i;
	int rc;

	if (size == 0)
		return 0;
	if (data[0] & 1)
		o.flags |= TMDK_COMPILE_CHECK_EXAMPLES;
	if (data[0] & 2)
		o.flags |= TMDK_COMPILE_STRICT;
	rc = tmdk_compiler_new(&c, &o, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "compiler_new: %s", err.message);
	rc = tmdk_compiler_add_buffer(c, "fuzz.yaml", data + 1, size - 1, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "add_buffer: rc %d: %s", rc, err.message);
	rc = tmdk_compiler_compile(&cat, c, &err);
	for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++) {
		const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
		FUZZ_ASSERT(d != NULL && d->message != NULL && d->message[0], "diagnostic %zu", i);
		FUZZ_ASSERT(d->code != TMDK_ENOMEM, "out of memory: %s", d->message);
	}
	if (rc == TMDK_OK) {
		FUZZ_ASSERT(cat != NULL, "no catalog with TMDK_OK");
		FUZZ_ASSERT(tmdk_compiler_error_count(c) == 0, "compiled with errors");
		read_patterns(cat);
		scan_fixed(cat);
		fuzz_same_as_naive(cat, (const tmdk_artifact *const *)fixed, FIXED_COUNT);
		tmdk_catalog_free(cat);
	} else {
		FUZZ_ASSERT(cat == NULL, "catalog returned with rc %d", rc);
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == TMDK_ESCHEMA, "unexpected code %d: %s", rc, err.message);
	}
	tmdk_compiler_free(c);
	return 0;
}
