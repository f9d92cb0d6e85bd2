/*
 * bench_set: what cross-document patterns cost as a scan set grows.
 *
 *   bench_set [-n ROUNDS] [-s FIRST_SIZE] [-m MAX_DOCUMENTS]
 *
 * Generates Kubernetes streams of FIRST_SIZE (default 625) to MAX_DOCUMENTS
 * documents (default 10,000), doubling each time: Pods and Deployments spread over 50
 * namespaces with their own service accounts, and one NetworkPolicy,
 * LimitRange and ServiceAccount per namespace, so that every cross-document
 * pattern of the built-in catalog has work to do. Each size is parsed once
 * and scanned ROUNDS times with the built-in catalog (best round kept):
 * with the planned evaluation (cached $set selections, join indexes), and,
 * up to 2,500 documents, the naive one (every $set element visited from
 * every document) as the baseline, in the same run. Prints documents,
 * MB, the scan time, the time per document (flat = linear) and the
 * naive / planned ratio, then the peak RSS.
 *
 * Links the library's internal archive for tmdk__scanner_set_naive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "scan_int.h"

#define NAIVE_MAX 2500

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, size_t i, size_t j)
{
	int n;
	for (;;) {
		n = snprintf(b->p + b->len, b->cap - b->len, fmt, i, j);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			fprintf(stderr, "bench_set: out of memory\n");
			exit(1);
		}
	}
	b->len += (size_t)n;
}

static char *stream(size_t docs, size_t *len)
{
	buf b = { NULL, 0, 0 };
	size_t i;
	put(&b, "", 0, 0);
	for (i = 0; i < docs; i++) {
		size_t ns = i % 50;
		if (i)
			put(&b, "---\n", 0, 0);
		if (i < 150 && i % 3 == 0)
			put(&b, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np%zu, namespace: ns%zu}\n"
				"spec: {podSelector: {}}\n", i, ns);
		else if (i < 150 && i % 3 == 1)
			put(&b, "apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr%zu, namespace: ns%zu}\n"
				"spec: {limits: [{type: Container, default: {memory: 1Gi}}]}\n", i, ns);
		else if (i < 150)
			put(&b, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa%zu, namespace: ns%zu}\n"
				"automountServiceAccountToken: false\n", i % 7, ns);
		else if (i % 2)
			put(&b, "apiVersion: v1\nkind: Pod\nmetadata: {name: pod%zu, namespace: ns%zu}\n"
				"spec:\n  serviceAccountName: sa3\n  containers:\n  - name: app\n    image: registry.example/app:1.2\n"
				"    resources: {limits: {memory: 128Mi}}\n", i, ns);
		else
			put(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web%zu, namespace: ns%zu}\n"
				"spec:\n  template:\n    spec:\n      serviceAccountName: sa2\n      containers:\n      - name: web\n"
				"        image: registry.example/web:2.0\n", i, ns);
	}
	*len = b.len;
	return b.p;
}

static double scan_once(const tmdk_catalog *cat, const tmdk_artifact *a, int naive, size_t *findings)
{
	tmdk_scanner *s;
	tmdk_error err;
	double t;
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;

	o.max_set_visits = (size_t)-1 / 2; /* measure, do not stop */
	o.max_findings = (size_t)-1 / 2;
	if (tmdk_scanner_new(&s, cat, &o, &err) != TMDK_OK) {
		fprintf(stderr, "bench_set: %s\n", err.message);
		exit(1);
	}
	tmdk__scanner_set_naive(s, naive);
	t = now();
	if (tmdk_scanner_scan(s, a, NULL, NULL, &err) != TMDK_OK) {
		fprintf(stderr, "bench_set: scan: %s\n", err.message);
		exit(1);
	}
	t = now() - t;
	*findings = tmdk_scanner_finding_count(s);
	tmdk_scanner_free(s);
	return t;
}

int main(int argc, char **argv)
{
	int rounds = 3, i, r;
	size_t max_docs = 10000, first = 625, docs;
	tmdk_catalog *cat;
	tmdk_error err;
	struct rusage ru;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			max_docs = (size_t)atol(argv[++i]);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			first = (size_t)atol(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_set [-n ROUNDS] [-s FIRST_SIZE] [-m MAX_DOCUMENTS]\n");
			return 2;
		}
	}
	if (rounds < 1)
		rounds = 1;
	if (first < 1)
		first = 1;
	if (tmdk_catalog_load_builtin(&cat, &err) != TMDK_OK) {
		fprintf(stderr, "bench_set: %s\n", err.message);
		return 1;
	}
	printf("cross-document scan cost, built-in catalog, best of %d\n", rounds);
	printf("%9s %7s %10s %12s %10s %12s %7s %9s\n", "documents", "MB", "planned s", "us/document", "naive s",
		"us/document", "ratio", "findings");
	for (docs = first; docs <= max_docs; docs *= 2) {
		size_t len, findings = 0, naive_findings = 0;
		char *text = stream(docs, &len);
		tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a;
		double best = 1e9, best_naive = 1e9;

		po.kind = TMDK_KIND_KUBERNETES;
		po.max_documents = (unsigned int)docs + 1;
		if (tmdk_artifact_parse_buffer(&a, "set.yaml", text, len, &po, &err) != TMDK_OK) {
			fprintf(stderr, "bench_set: parse: %s\n", err.message);
			return 1;
		}
		for (r = 0; r < rounds; r++) {
			double t = scan_once(cat, a, 0, &findings);
			if (t < best)
				best = t;
			if (docs <= NAIVE_MAX) {
				t = scan_once(cat, a, 1, &naive_findings);
				if (t < best_naive)
					best_naive = t;
			}
		}
		if (docs <= NAIVE_MAX && naive_findings != findings) {
			fprintf(stderr, "bench_set: planned and naive findings differ (%zu, %zu)\n", findings, naive_findings);
			return 1;
		}
		if (docs <= NAIVE_MAX)
			printf("%9zu %7.2f %10.3f %12.1f %10.3f %12.1f %6.1fx %9zu\n", docs, (double)len / 1e6, best,
				best / (double)docs * 1e6, best_naive, best_naive / (double)docs * 1e6, best_naive / best, findings);
		else
			printf("%9zu %7.2f %10.3f %12.1f %10s %12s %7s %9zu\n", docs, (double)len / 1e6, best,
				best / (double)docs * 1e6, "-", "-", "-", findings);
		fflush(stdout);
		tmdk_artifact_free(a);
		free(text);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	tmdk_catalog_free(cat);
	return 0;
}
