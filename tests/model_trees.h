/*
 * Model-shaped trees for the diagram and report tests, written as JSON and
 * parsed by the library (as a daemon.json, whose document root is the map
 * itself): `n` components in namespaces of 8 (plus one compose project every
 * tenth), every fifth exposed (every tenth to the internet), every seventh
 * privileged or mounting the Docker socket; flows from each namespace's
 * first component to the others, and across namespaces from the first one. Deterministic.
 */
#ifndef TMDK_TESTS_MODEL_TREES_H
#define TMDK_TESTS_MODEL_TREES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tree_text {
	char *data;
	size_t len, cap;
} tree_text;

static void tree_put(tree_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tree_put(tree_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->data + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 256;
		t->data = realloc(t->data, t->cap);
		if (!t->data)
			abort();
	}
	t->len += (size_t)n;
}

static const char *tree_id(char *buf, size_t size, size_t i)
{
	if (i % 10 == 9)
		snprintf(buf, size, "compose:deploy/compose.yaml#svc-%zu", i);
	else
		snprintf(buf, size, "k8s:team-%zu/Deployment/service-number-%zu-with-a-long-name", i / 8, i);
	return buf;
}

/* The JSON of a generated model of n components (free the result). */
__attribute__((unused)) static char *generated_model(size_t n)
{
	tree_text t = { NULL, 0, 0 };
	char id[128], to[128];
	size_t i, first = 1;
	t.cap = 1024;
	t.data = malloc(t.cap);
	tree_put(&t, "{\"version\": 1, \"components\": [");
	for (i = 0; i < n; i++) {
		int compose = i % 10 == 9;
		char ns[64], name[96], zone[96];
		if (compose) {
			snprintf(ns, sizeof(ns), "null");
			snprintf(name, sizeof(name), "svc-%zu", i);
			snprintf(zone, sizeof(zone), "compose-network:deploy/default");
		} else {
			snprintf(ns, sizeof(ns), "\"team-%zu\"", i / 8);
			snprintf(name, sizeof(name), "service-number-%zu-with-a-long-name", i);
			snprintf(zone, sizeof(zone), "namespace:team-%zu", i / 8);
		}
		tree_put(&t, "%s\n{\"id\": \"%s\", \"name\": \"%s\", \"kind\": \"%s\", \"workload_kind\": %s, "
			"\"namespace\": %s, \"file\": \"%s\", \"line\": %zu, \"zone\": \"%s\", \"exposed\": %s, "
			"\"internet_exposed\": %s, \"privileged\": %s, \"host\": [%s], \"can\": {\"read_secrets\": %s}, "
			"\"images\": [{\"ref\": \"img%zu\", \"dockerfile\": {\"file\": \"src/app%zu/Dockerfile\"}}]}",
			i ? "," : "", tree_id(id, sizeof(id), i), name, compose ? "compose-service" : "workload",
			compose ? "null" : "\"Deployment\"", ns, compose ? "deploy/compose.yaml" : "k8s/all.yaml", i * 20 + 1,
			zone, i % 5 == 0 ? "true" : "false", i % 10 == 0 ? "true" : "false", i % 14 == 6 ? "true" : "false",
			i % 7 == 3 ? "{\"kind\": \"docker-socket\", \"detail\": \"/var/run/docker.sock\"}" : "",
			i % 11 == 4 ? "true" : "false", i, i % 12);
	}
	tree_put(&t, "], \"exposures\": [");
	for (i = 0; i < n; i += 5) {
		tree_put(&t, "%s{\"id\": \"x%zu\", \"component\": \"%s\", \"kind\": \"%s\", \"port\": %zu, \"internet\": %s}",
			i ? "," : "", i, tree_id(id, sizeof(id), i), i % 10 == 0 ? "load-balancer" : "node-port", 8000 + i,
			i % 10 == 0 ? "true" : "false");
	}
	tree_put(&t, "], \"zones\": [");
	for (i = 0; i * 8 < n; i++)
		tree_put(&t, "%s{\"id\": \"namespace:team-%zu\", \"kind\": \"namespace\", \"name\": \"team-%zu\", "
			"\"components\": []}", i ? "," : "", i, i);
	tree_put(&t, ", {\"id\": \"compose-network:deploy/default\", \"kind\": \"compose-network\", \"name\": \"default\"}");
	tree_put(&t, "], \"flows\": [");
	/* Each namespace's first component talks to the others of its namespace; the first one of all to the
	 * first of every other namespace (crossing a boundary); compose services to the one before. */
	for (i = 1; i < n; i++) {
		size_t from = i % 10 == 9 ? i - 1 : i % 8 ? i - i % 8 : 0;
		if (from == i)
			continue;
		tree_put(&t, "%s{\"from\": \"%s\", ", first ? "" : ",", tree_id(id, sizeof(id), from));
		tree_put(&t, "\"to\": \"%s\", \"kind\": \"network\", \"port\": %zu, \"crosses_boundary\": %s}",
			tree_id(to, sizeof(to), i), 80 + i, i % 8 == 0 || i % 10 == 9 ? "true" : "false");
		first = 0;
	}
	tree_put(&t, "]}\n");
	return t.data;
}

/*
 * The Kubernetes manifest the generated model's workloads describe
 * (k8s/all.yaml): Deployment i at line 20 * i + 1, each exactly 20 lines,
 * every third privileged, every fourth on hostNetwork, so findings land on
 * the components and colour them. Compose services (every tenth) get a
 * placeholder of the same length. Free the result.
 */
__attribute__((unused)) static char *generated_manifest(size_t n)
{
	tree_text t = { NULL, 0, 0 };
	size_t i;
	t.cap = 4096;
	t.data = malloc(t.cap);
	for (i = 0; i < n; i++) {
		if (i % 10 == 9) {
			size_t k;
			tree_put(&t, "---\n");
			for (k = 1; k < 20; k++)
				tree_put(&t, "# svc-%zu is a compose service\n", i);
			continue;
		}
		tree_put(&t, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: service-number-%zu-with-a-long-name\n"
			"  namespace: team-%zu\nspec:\n  selector: {matchLabels: {app: s%zu}}\n  template:\n"
			"    metadata: {labels: {app: s%zu}}\n    spec:\n      hostNetwork: %s\n      containers:\n"
			"        - name: app\n          image: registry.example/app%zu:1.0\n          securityContext:\n"
			"            privileged: %s\n            runAsNonRoot: true\n"
			"          resources: {limits: {memory: 128Mi, cpu: 100m}}\n# end of service %zu\n---\n",
			i, i / 8, i, i, i % 4 == 1 ? "true" : "false", i % 12, i % 3 == 0 ? "true" : "false", i);
	}
	return t.data;
}

#endif
