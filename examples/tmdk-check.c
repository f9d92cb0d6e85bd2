/*
 * tmdk-check: validate risk-pattern catalogs and run their examples.
 *
 *   tmdk-check [--strict] [--no-examples] [--builtin] [--quiet] [--compile -o FILE] PATH...
 *
 * Diagnostics are printed GCC-style (file:line:col: error: [ID] message),
 * then a coverage matrix: question x risk x artifact kind, with pattern
 * counts. With --compile, a clean catalog is also saved in the compiled
 * form (tmdk_catalog_save) to FILE. A PATH that is a compiled catalog is
 * loaded and checked as such. Exit status: 0 clean, 1 errors (or warnings
 * with --strict), 2 usage or unreadable input. Built on the public API only.
 */
#include <errno.h>
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
	"  --compile      save the checked catalog, compiled, to the file of -o\n"
	"  -o, --output FILE  where --compile writes (replaced only on success)\n"
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

/* The magic number that starts a compiled catalog (include/tmdk/catalog.h). */
static const char compiled_magic[8] = { '\x89', 'T', 'M', 'D', 'K', '\r', '\n', '\x1a' };

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;
	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len == cap) {
			char *grown = realloc(buf, cap = cap * 2 + 65536);
			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int is_compiled(const char *path)
{
	char head[8];
	FILE *f = fopen(path, "rb");
	int yes = f && fread(head, 1, sizeof(head), f) == sizeof(head) && !memcmp(head, compiled_magic, sizeof(head));
	if (f)
		fclose(f);
	return yes;
}

/* A compiled catalog given as PATH: does it load? @return 0, 1 (it does not) or 2 (unreadable). */
static int check_compiled(const char *path, int quiet)
{
	size_t len;
	char *data = read_all(path, &len);
	tmdk_catalog *cat;
	tmdk_error err;
	int rc;
	if (!data) {
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		return 2;
	}
	rc = tmdk_catalog_load_compiled(&cat, data, len, NULL, &err);
	free(data);
	if (rc != TMDK_OK) {
		fprintf(stderr, "%s: error: %s\n", path, err.message);
		return rc == TMDK_ENOMEM ? 2 : 1;
	}
	if (!quiet)
		printf("%s: compiled catalog of %zu patterns (with the engine's own), loads\n", path,
			tmdk_catalog_pattern_count(cat));
	tmdk_catalog_free(cat);
	return 0;
}

/* Save the catalog compiled: to FILE.tmp, then renamed over FILE. */
static int save_compiled(const tmdk_catalog *cat, const char *path)
{
	char tmp[4096];
	void *data;
	size_t len;
	tmdk_error err;
	FILE *f;
	int ok;
	if (tmdk_catalog_save(&data, &len, cat, &err) != TMDK_OK) {
		fprintf(stderr, "tmdk-check: %s\n", err.message);
		return 2;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	tmdk_catalog_save_free(data);
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
		remove(tmp);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	tmdk_compile_options opts = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	int i, quiet = 0, builtin = 0, paths = 0, io_errors = 0, compiled_bad = 0, compile = 0, sources = 0, rc;
	const char *output = NULL;

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
		} else if (!strcmp(argv[i], "--compile")) {
			compile = 1;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tmdk-check: %s needs a file\n%s", argv[i], usage);
				return 2;
			}
			output = argv[++i];
			argv[i - 1] = argv[i] = NULL; /* not a PATH */
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
	if (compile != (output != NULL)) {
		fprintf(stderr, "tmdk-check: %s\n%s", compile ? "--compile needs -o FILE" : "-o needs --compile", usage);
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
		if (!argv[i] || (argv[i][0] == '-' && argv[i][1]))
			continue;
		if (is_compiled(argv[i])) {
			int st = compile ? (fprintf(stderr, "%s: error: already compiled\n", argv[i]), 1) :
				check_compiled(argv[i], quiet);
			io_errors += st == 2;
			compiled_bad += st == 1;
			continue;
		}
		sources++;
		if (tmdk_compiler_add_path(c, argv[i], &err) != TMDK_OK) {
			fprintf(stderr, "%s: error: %s\n", err.source[0] ? err.source : argv[i], err.message);
			io_errors++;
		}
	}
	if (!sources && !builtin) { /* compiled catalogs only: checked above */
		tmdk_compiler_free(c);
		return io_errors ? 2 : compiled_bad ? 1 : 0;
	}
	rc = tmdk_compiler_compile(&cat, c, &err);
	if (rc == TMDK_OK && !quiet)
		print_matrix(cat);
	if (rc == TMDK_OK && !io_errors && !compiled_bad && compile) {
		io_errors += save_compiled(cat, output) != 0;
		if (!io_errors && !quiet)
			printf("\ncompiled catalog written to %s\n", output);
	}
	if (!quiet) {
		size_t warnings = tmdk_compiler_diagnostic_count(c) - tmdk_compiler_error_count(c);
		printf("\n%s: %zu error%s, %zu warning%s%s\n", rc == TMDK_OK && !io_errors && !compiled_bad ? "OK" : "FAILED",
			tmdk_compiler_error_count(c) + (size_t)compiled_bad,
			tmdk_compiler_error_count(c) + (size_t)compiled_bad == 1 ? "" : "s",
			warnings, warnings == 1 ? "" : "s",
			(opts.flags & TMDK_COMPILE_CHECK_EXAMPLES) && rc == TMDK_OK ? "; every example behaves as declared" : "");
	}
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
	if (io_errors)
		return 2;
	return rc == TMDK_OK && !compiled_bad ? 0 : (rc == TMDK_ENOMEM ? 2 : 1);
}
