/*
 * bench_catalog: what setting up the built-in catalog costs, compiled from
 * its YAML sources against loaded from its compiled form, in one run.
 *
 *   bench_catalog [-n ROUNDS]
 *
 * Each way is timed ROUNDS times (default 50) and the median printed, in
 * milliseconds of wall-clock time in this process:
 *   yaml           a compiler given the embedded YAML sources (with their
 *                  examples), as every load was before the compiled form
 *   builtin        tmdk_catalog_load_builtin (the compiled form, in place)
 *   load-compiled  tmdk_catalog_load_compiled on a saved copy (copied, checked)
 *   first-scan     then one scan of a small Dockerfile and compose file with
 *                  each catalog (regexes compile lazily on first use)
 * and the sizes of the two embedded forms.
 *
 * Links the library's internal archive for the embedded sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog_load.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, const tmdk_error *err)
{
	fprintf(stderr, "bench_catalog: %s: %s\n", what, err->message);
	exit(1);
}

static tmdk_catalog *from_yaml(void)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	size_t i;
	o.flags = TMDK_COMPILE_KEEP_EXAMPLES;
	if (tmdk_compiler_new(&c, &o, &err) != TMDK_OK)
		die("compiler", &err);
	for (i = 0; i < tmdk__builtin_catalog_count; i++)
		if (tmdk_compiler_add_buffer(c, tmdk__builtin_catalog[i].name, tmdk__builtin_catalog[i].text,
			    tmdk__builtin_catalog[i].len, &err) != TMDK_OK)
			die("add", &err);
	if (tmdk_compiler_compile(&cat, c, &err) != TMDK_OK)
		die("compile", &err);
	tmdk_compiler_free(c);
	return cat;
}

static void *saved;
static size_t saved_len;

static tmdk_catalog *from_builtin(void)
{
	tmdk_catalog *cat;
	tmdk_error err;
	if (tmdk_catalog_load_builtin(&cat, &err) != TMDK_OK)
		die("load_builtin", &err);
	return cat;
}

static tmdk_catalog *from_compiled(void)
{
	tmdk_catalog *cat;
	tmdk_error err;
	if (tmdk_catalog_load_compiled(&cat, saved, saved_len, NULL, &err) != TMDK_OK)
		die("load_compiled", &err);
	return cat;
}

static const char dockerfile[] = "FROM node:latest\nUSER root\nRUN curl -k https://x | sh\nADD . /app\n";
static const char compose[] = "services:\n  web:\n    image: nginx\n    privileged: true\n"
	"    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n    ports: [\"80:80\"]\n";

static size_t first_scan(const tmdk_catalog *cat)
{
	static const char *const names[] = { "Dockerfile", "docker-compose.yml" };
	const char *texts[] = { dockerfile, compose };
	size_t i, n = 0;
	for (i = 0; i < 2; i++) {
		tmdk_artifact *a;
		tmdk_scanner *s;
		tmdk_error err;
		if (tmdk_artifact_parse_buffer(&a, names[i], texts[i], strlen(texts[i]), NULL, &err) != TMDK_OK)
			die("parse", &err);
		if (tmdk_scanner_new(&s, cat, NULL, &err) != TMDK_OK || tmdk_scanner_scan(s, a, NULL, NULL, &err) != TMDK_OK)
			die("scan", &err);
		n += tmdk_scanner_finding_count(s);
		tmdk_scanner_free(s);
		tmdk_artifact_free(a);
	}
	return n;
}

static void run(const char *name, tmdk_catalog *(*load)(void), int rounds)
{
	double *t = malloc(sizeof(double) * (size_t)rounds), *s = malloc(sizeof(double) * (size_t)rounds);
	size_t findings = 0;
	int i;
	for (i = 0; i < rounds; i++) {
		double t0 = now(), t1;
		tmdk_catalog *cat = load();
		t1 = now();
		findings = first_scan(cat);
		s[i] = (now() - t1) * 1e3;
		t[i] = (t1 - t0) * 1e3;
		tmdk_catalog_free(cat);
	}
	qsort(t, (size_t)rounds, sizeof(*t), cmp);
	qsort(s, (size_t)rounds, sizeof(*s), cmp);
	printf("%-14s set-up %8.3f ms   first-scan %7.3f ms   (%zu findings, median of %d)\n", name,
		t[rounds / 2], s[rounds / 2], findings, rounds);
	free(t);
	free(s);
}

int main(int argc, char **argv)
{
	int rounds = 50;
	size_t i, yaml_bytes = 0;
	tmdk_catalog *cat;
	tmdk_error err;

	if (argc == 3 && strcmp(argv[1], "-n") == 0)
		rounds = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
	cat = from_yaml();
	if (tmdk_catalog_save(&saved, &saved_len, cat, &err) != TMDK_OK)
		die("save", &err);
	for (i = 0; i < tmdk__builtin_catalog_count; i++)
		yaml_bytes += tmdk__builtin_catalog[i].len;
	printf("%zu patterns; embedded YAML sources %zu bytes, embedded compiled form %zu bytes\n",
		tmdk_catalog_pattern_count(cat), yaml_bytes, tmdk__builtin_compiled_len);
	tmdk_catalog_free(cat);
	run("yaml", from_yaml, rounds);
	run("builtin", from_builtin, rounds);
	run("load-compiled", from_compiled, rounds);
	tmdk_catalog_save_free(saved);
	return 0;
}
