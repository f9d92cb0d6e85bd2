/*
 * libtmdk on several threads: one compiled catalog shared by every thread,
 * one scanner per thread. The files are parsed first (artifacts are
 * immutable, so any thread may read them), then scanned as ONE set: each
 * thread takes its own range of the set with tmdk_scanner_scan_range, and
 * cross-document patterns still see every file. The ranges' findings are
 * joined in order, so the output is the same for any number of threads.
 * Public header only.
 *
 *   cc threads.c $(pkg-config --cflags --libs tmdk) -lpthread -o threads
 *   ./threads 4 Dockerfile compose.yaml deploy.yaml
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <tmdk.h>

#define MAX_THREADS 64

typedef struct worker {
	pthread_t thread;
	const tmdk_catalog *catalog;
	const tmdk_artifact *const *set;   /* every artifact */
	size_t set_count, first, count;    /* this thread's range */
	tmdk_findings *findings;           /* owned copies, collected here */
	int rc;
	tmdk_error err;
} worker;

static void *scan_range(void *arg)
{
	worker *w = arg;
	tmdk_scanner *s;

	w->rc = tmdk_scanner_new(&s, w->catalog, NULL, &w->err);
	if (w->rc != TMDK_OK)
		return NULL;
	w->rc = tmdk_scanner_scan_range(s, w->set, w->set_count, w->first, w->count, tmdk_findings_collect,
		w->findings, &w->err);
	tmdk_scanner_free(s);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 0, i, status = 0;
	size_t n = 0, per, k;
	tmdk_artifact **set;
	tmdk_catalog *catalog;
	worker w[MAX_THREADS];
	tmdk_error err;

	if (argc < 3 || threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "usage: %s THREADS FILE...\n", argv[0]);
		return 2;
	}
	if (tmdk_catalog_load_builtin(&catalog, &err) != TMDK_OK) {
		fprintf(stderr, "cannot load the catalog: %s\n", err.message);
		return 2;
	}
	if (!(set = calloc((size_t)argc, sizeof(*set))))
		return 2;
	for (i = 2; i < argc; i++) {
		if (tmdk_artifact_parse_file(&set[n], argv[i], NULL, &err) == TMDK_OK)
			n++;
		else {
			fprintf(stderr, "%s:%u:%u: error: %s\n", argv[i], err.line, err.column, err.message);
			status = 2;
		}
	}
	per = (n + (size_t)threads - 1) / (size_t)threads;
	for (i = 0; i < threads; i++) {
		w[i].catalog = catalog;
		w[i].set = (const tmdk_artifact *const *)set;
		w[i].set_count = n;
		w[i].first = (size_t)i * per < n ? (size_t)i * per : n;
		w[i].count = w[i].first + per < n ? per : n - w[i].first;
		w[i].rc = tmdk_findings_new(&w[i].findings);
		if (w[i].rc != TMDK_OK || pthread_create(&w[i].thread, NULL, scan_range, &w[i]) != 0) {
			fprintf(stderr, "cannot start thread %d\n", i);
			return 2;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].rc != TMDK_OK) {
			fprintf(stderr, "thread %d: %s\n", i, w[i].err.message);
			status = 2;
		}
		for (k = 0; k < tmdk_findings_count(w[i].findings); k++) {
			const tmdk_finding *f = tmdk_findings_at(w[i].findings, k);
			printf("%s:%u:%u: [%s] %s%s\n", tmdk_finding_path(f), tmdk_finding_line(f), tmdk_finding_column(f),
				tmdk_pattern_id(tmdk_finding_pattern(f)), tmdk_finding_message(f),
				tmdk_finding_suppressed(f) ? " (suppressed)" : "");
		}
		tmdk_findings_free(w[i].findings);
	}
	for (k = 0; k < n; k++)
		tmdk_artifact_free(set[k]);
	free(set);
	tmdk_catalog_free(catalog);
	return status;
}
