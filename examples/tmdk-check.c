/*
 * tmdk-check: validate risk-pattern catalogs and run their examples.
 *
 *   tmdk-check [--strict] [--no-examples] [--builtin] [--quiet] PATH...
 *
 * Diagnostics are printed GCC-style (file:line:col: error: [ID] message),
 * then a coverage matrix: question x risk x artifact kind, with pattern
 * counts. Exit status: 0 clean, 1 errors (or warnings with --strict),
 * 2 usage or unreadable input. Built on the public API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tmdk.h>

static const char usage[] =
	"usage: tmdk-check [OPTIONS] PATH...\n"
	"Validate risk-pattern catalogs (files or folders of *.yaml) and run their examples.\n"
	"\n"
	"  --strict       treat warnings as errors\n"
	"  --no-examples  do not run the patterns' examples\n"
	"  --builtin      also load the built-in catalog (checks id clashes with it)\n"
	"  --quiet        print diagnostics only, no summary or matrix\n"
	"  --version      print the version and exit\n"
	"  --help         print this help and exit\n"
	"\n"
	"Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or I/O error.\n";

static int print_diag(const tmdk_diagnostic *d, void *payload)
{
	(void)payload;
	fprintf(stderr, "%s:%u:%u: %s: %s%s%s%s\n", d->file ? d->file : "<catalog>", d->line, d->column,
		d->level == TMDK_DIAG_ERROR ? "error" : "warning", d->pattern_id ? "[" : "",
		d->pattern_id ? d->pattern_id : "", d->pattern_id ? "] " : "", d->message);
	return 0;
}

static void print_matrix(const tmdk_catalog *cat)
{
	static const tmdk_kind kinds[] = { TMDK_KIND_DOCKERFILE, TMDK_KIND_COMPOSE, TMDK_KIND_KUBERNETES,
		TMDK_KIND_DAEMON_JSON, TMDK_KIND_DOCKER_INSPECT };
	size_t i, k, n = tmdk_catalog_pattern_count(cat), examples = 0;
	int r, q;

	size_t own = 0;
	for (i = 0; i < n; i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(cat, i);
		examples += tmdk_pattern_example_count(p);
		own += strcmp(tmdk_pattern_file(p), "<built-in>") != 0; /* not the engine's meta patterns */
	}
	printf("%zu patterns, %zu examples\n\n", own, examples);
	printf("%-26s %-30s %6s", "question", "risk", "total");
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		printf(" %10.10s", tmdk_kind_name(kinds[k]));
	printf("\n");
	for (q = 0; q < TMDK_QUESTION_COUNT; q++) {
		for (r = 0; r < TMDK_RISK_COUNT; r++) {
			size_t total = 0, per[5] = { 0, 0, 0, 0, 0 };
			if (tmdk_risk_question((tmdk_risk)r) != (tmdk_question)q)
				continue;
			for (i = 0; i < n; i++) {
				const tmdk_pattern *p = tmdk_catalog_pattern(cat, i);
				if (tmdk_pattern_risk(p) != (tmdk_risk)r || !strcmp(tmdk_pattern_file(p), "<built-in>"))
					continue;
				total++;
				for (k = 0; k < 5; k++)
					per[k] += (size_t)tmdk_pattern_applies_to(p, kinds[k]);
			}
			printf("%-26s %-30s %6zu", tmdk_question_slug((tmdk_question)q), tmdk_risk_slug((tmdk_risk)r), total);
			for (k = 0; k < 5; k++)
				printf(" %10zu", per[k]);
			printf("\n");
		}
	}
}

int main(int argc, char **argv)
{
	tmdk_compile_options opts = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	int i, quiet = 0, builtin = 0, paths = 0, io_errors = 0, rc;

	opts.flags = TMDK_COMPILE_CHECK_EXAMPLES;
	opts.diagnostic_cb = print_diag;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--strict")) {
			opts.flags |= TMDK_COMPILE_STRICT;
		} else if (!strcmp(argv[i], "--no-examples")) {
			opts.flags &= ~TMDK_COMPILE_CHECK_EXAMPLES;
		} else if (!strcmp(argv[i], "--builtin")) {
			builtin = 1;
		} else if (!strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--version")) {
			printf("tmdk-check (libtmdk) %s\n", tmdk_version(NULL, NULL, NULL));
			return 0;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "tmdk-check: unknown option '%s'\n%s", argv[i], usage);
			return 2;
		} else {
			paths++;
		}
	}
	if (!paths && !builtin) {
		fputs(usage, stderr);
		return 2;
	}
	if (tmdk_compiler_new(&c, &opts, &err) != TMDK_OK) {
		fprintf(stderr, "tmdk-check: %s\n", err.message);
		return 2;
	}
	if (builtin && tmdk_compiler_add_builtin(c, &err) != TMDK_OK) {
		fprintf(stderr, "tmdk-check: built-in catalog: %s\n", err.message);
		io_errors++;
	}
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		if (tmdk_compiler_add_path(c, argv[i], &err) != TMDK_OK) {
			fprintf(stderr, "%s: error: %s\n", err.source[0] ? err.source : argv[i], err.message);
			io_errors++;
		}
	}
	rc = tmdk_compiler_compile(&cat, c, &err);
	if (rc == TMDK_OK && !quiet)
		print_matrix(cat);
	if (!quiet) {
		size_t warnings = tmdk_compiler_diagnostic_count(c) - tmdk_compiler_error_count(c);
		printf("\n%s: %zu error%s, %zu warning%s%s\n", rc == TMDK_OK && !io_errors ? "OK" : "FAILED",
			tmdk_compiler_error_count(c), tmdk_compiler_error_count(c) == 1 ? "" : "s",
			warnings, warnings == 1 ? "" : "s",
			(opts.flags & TMDK_COMPILE_CHECK_EXAMPLES) && rc == TMDK_OK ? "; every example behaves as declared" : "");
	}
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	if (io_errors)
		return 2;
	return rc == TMDK_OK ? 0 : (rc == TMDK_ENOMEM ? 2 : 1);
}
