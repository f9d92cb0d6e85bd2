/*
 * tmdk-scan: scan a project's container artifacts and print its threat
 * model. See man/tmdk-scan.1 and README.md. Built on the public API only:
 * load the catalogs, walk the paths, parse and scan on worker threads,
 * render the report, and exit 0 (clean), 1 (findings at or above the
 * threshold) or 2 (usage error, or an input or catalog that could not be read
 * or parsed — every one of them reported, the rest still scanned).
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- catalogs --------------------------------------------------------------------- */

static int print_diagnostic(const tmdk_diagnostic *d, void *payload)
{
	const scan_config *cfg = payload;
	if (d->level == TMDK_DIAG_WARNING && !cfg->verbose)
		return 0;
	fprintf(stderr, "%s:%u:%u: %s: %s%s%s%s\n", d->file ? d->file : "<catalog>", d->line, d->column,
		d->level == TMDK_DIAG_ERROR ? "error" : "warning", d->pattern_id ? "[" : "",
		d->pattern_id ? d->pattern_id : "", d->pattern_id ? "] " : "", d->message);
	return 0;
}

/* The --catalog argument a diagnostic's file comes from, or -1 (the built-in catalog). */
static long catalog_of(const scan_config *cfg, const char *file)
{
	size_t i;
	for (i = 0; file && i < cfg->catalog_count; i++) {
		size_t n = strlen(cfg->catalogs[i]);
		if (strncmp(file, cfg->catalogs[i], n) == 0 && (file[n] == '\0' || file[n] == '/' || cfg->catalogs[i][n - 1] == '/'))
			return (long)i;
	}
	return -1;
}

/* Compile the built-in catalog (unless --no-builtin) and the --catalog sources not marked bad. */
static int compile(tmdk_catalog **out, const scan_config *cfg, unsigned char *bad, tmdk_compiler **cout,
	tmdk_report *report, int first_try)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_error err;
	size_t i;

	*out = NULL;
	apply_compile_limits(&o, cfg);
	if (cfg->explain)
		o.flags |= TMDK_COMPILE_KEEP_EXAMPLES; /* --explain shows them */
	if (first_try) {
		o.diagnostic_cb = print_diagnostic;
		o.diagnostic_payload = (void *)cfg;
	}
	if (tmdk_compiler_new(&c, &o, &err) != TMDK_OK) {
		fprintf(stderr, "%s: %s\n", PROGRAM, err.message);
		return -1;
	}
	*cout = c;
	if (cfg->builtin && tmdk_compiler_add_builtin(c, &err) != TMDK_OK) {
		fprintf(stderr, "%s: built-in catalog: %s\n", PROGRAM, err.message);
		return -1;
	}
	for (i = 0; i < cfg->catalog_count; i++) {
		if (bad[i])
			continue;
		if (tmdk_compiler_add_path(c, cfg->catalogs[i], &err) != TMDK_OK) {
			const char *path = err.source[0] ? err.source : cfg->catalogs[i];
			print_error(path, err.line, err.column, err.message);
			tmdk_report_add_error(report, path, err.line, err.column, err.code, err.message);
			bad[i] = 1;
		}
	}
	return tmdk_compiler_compile(out, c, &err) == TMDK_OK ? 0 : 1;
}

/*
 * Load the catalogs. A --catalog source with errors is reported and left
 * out (the others are still used); an error in the built-in catalog, or
 * nothing left to run, is fatal. @return 0, 1 (some source left out) or -1.
 */
static int load_catalogs(tmdk_catalog **out, const scan_config *cfg, tmdk_report *report)
{
	unsigned char *bad = calloc(cfg->catalog_count + 1, 1);
	tmdk_compiler *c = NULL;
	int rc, dropped = 0;
	size_t i;

	if (!bad)
		return -1;
	rc = compile(out, cfg, bad, &c, report, 1);
	for (i = 0; i < cfg->catalog_count; i++)
		dropped |= bad[i];
	if (rc == 1) {
		for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++) {
			const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
			char message[TMDK_ERROR_MESSAGE_MAX + 64];
			long k;
			if (d->level != TMDK_DIAG_ERROR)
				continue;
			snprintf(message, sizeof(message), "%s%s%s%s", d->pattern_id ? "[" : "", d->pattern_id ? d->pattern_id : "",
				d->pattern_id ? "] " : "", d->message);
			tmdk_report_add_error(report, d->file ? d->file : "<catalog>", d->line, d->column, d->code, message);
			k = catalog_of(cfg, d->file);
			if (k < 0) {
				rc = -1; /* the built-in catalog itself */
				continue;
			}
			bad[k] = 1;
			dropped = 1;
		}
		tmdk_compiler_free(c);
		c = NULL;
		if (rc == 1)
			rc = compile(out, cfg, bad, &c, report, 0);
		if (rc == 1)
			rc = -1;
	}
	tmdk_compiler_free(c);
	free(bad);
	if (rc == 0 && tmdk_catalog_pattern_count(*out) == 0) {
		fprintf(stderr, "%s: no pattern left to run (every catalog failed to load)\n", PROGRAM);
		rc = -1;
	}
	if (rc != 0) {
		tmdk_catalog_free(*out);
		*out = NULL;
		if (rc == -1)
			fprintf(stderr, "%s: the catalogs could not be loaded\n", PROGRAM);
		return -1;
	}
	return dropped;
}

/* ---- report facts ------------------------------------------------------------------ */

/* Today in UTC, or the date of SOURCE_DATE_EPOCH (reproducible builds). */
static void report_date(char *buf, size_t size)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;
	if (epoch && *epoch) {
		char *end;
		long long v = strtoll(epoch, &end, 10);
		if (!*end && v >= 0)
			t = (time_t)v;
	}
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "unknown");
}

/* The paths scanned, "." shown as the current folder's name. */
static int report_scope(tmdk_report *report, const scan_config *cfg)
{
	char scope[4096], cwd[4096];
	size_t i, n = 0;

	scope[0] = '\0';
	for (i = 0; i < cfg->path_count && n < sizeof(scope); i++) {
		const char *p = cfg->paths[i];
		if (strcmp(p, ".") == 0 && getcwd(cwd, sizeof(cwd))) {
			const char *slash = strrchr(cwd, '/');
			p = slash && slash[1] ? slash + 1 : cwd;
		} else if (strcmp(p, "-") == 0) {
			p = cfg->stdin_name ? cfg->stdin_name : "standard input";
		}
		n += (size_t)snprintf(scope + n, sizeof(scope) - n, "%s%s", i ? ", " : "", p);
	}
	return tmdk_report_set_scope(report, scope);
}

static int use_color(const scan_config *cfg)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
	if (cfg->format != TMDK_REPORT_TEXT || cfg->color == COLOR_NEVER)
		return 0;
	if (cfg->color == COLOR_ALWAYS)
		return 1;
	if (no_color && *no_color)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return !cfg->output && isatty(STDOUT_FILENO);
}

static int write_file(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : -1;
}

static int write_report(const scan_config *cfg, const tmdk_report *report, FILE *out)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;

	o.format = cfg->format;
	o.min_severity = cfg->min_severity;
	o.tool_name = PROGRAM;
	if (use_color(cfg))
		o.flags |= TMDK_REPORT_COLOR;
	if (cfg->verbose)
		o.flags |= TMDK_REPORT_SHOW_SKIPPED | TMDK_REPORT_SHOW_SUPPRESSED; /* and findings in the baseline */
	if (tmdk_report_write(report, &o, write_file, out, &err) != TMDK_OK || fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "%s: cannot write the report to %s: %s\n", PROGRAM, cfg->output ? cfg->output : "standard output",
			err.code == TMDK_EIO || err.code == 0 ? strerror(errno) : err.message);
		return -1;
	}
	return 0;
}

static double seconds_between(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}

static void verbose_stats(const scan_config *cfg, const run_stats *s, const tmdk_report *report)
{
	if (!cfg->verbose)
		return;
	fprintf(stderr, "%s: %zu inputs read, %zu artifacts (%zu documents); parsed in %.3f s, scanned in %.3f s "
		"on %u thread%s; %zu findings, %zu suppressed, %zu errors\n", PROGRAM, s->files_parsed, s->artifacts,
		s->documents, s->parse_seconds, s->scan_seconds, cfg->jobs, cfg->jobs == 1 ? "" : "s",
		tmdk_report_finding_count(report, TMDK_SEVERITY_INFO), tmdk_report_suppressed_count(report),
		tmdk_report_error_count(report));
	fprintf(stderr, "%s: seconds: walk %.3f, parse %.3f, units %.3f (deciding %.3f), models %.3f, match %.3f, "
		"report %.3f, write %.3f\n", PROGRAM, s->walk_seconds, s->parse_seconds, s->units_seconds,
		s->decide_seconds, s->model_seconds, s->match_seconds, s->fill_seconds, s->write_seconds);
}

/* --write-baseline FILE: the JSON report (every finding, its fingerprint), whatever the format. */
static int write_baseline(const scan_config *cfg, const tmdk_report *report)
{
	scan_config json = *cfg;
	FILE *f = fopen(cfg->write_baseline, "w");
	int status;
	if (!f) {
		fprintf(stderr, "%s: cannot open %s for writing: %s\n", PROGRAM, cfg->write_baseline, strerror(errno));
		return -1;
	}
	json.format = TMDK_REPORT_JSON;
	json.output = cfg->write_baseline;
	json.min_severity = TMDK_SEVERITY_INFO;
	status = write_report(&json, report, f);
	if (fclose(f) != 0 && status == 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", PROGRAM, cfg->write_baseline, strerror(errno));
		status = -1;
	}
	return status;
}

/* --baseline FILE (or the configuration's `baseline`): an earlier JSON report or SARIF log. */
static int load_baseline(const scan_config *cfg, tmdk_report *report)
{
	FILE *f;
	char *data;
	size_t len = 0, cap = 65536;
	tmdk_error err;

	if (!cfg->baseline)
		return 0;
	if (!(f = fopen(cfg->baseline, "rb"))) {
		fprintf(stderr, "%s: cannot read the baseline %s: %s\n", PROGRAM, cfg->baseline, strerror(errno));
		return -1;
	}
	data = malloc(cap);
	while (data) {
		size_t n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			char *p = cap < TMDK_DEFAULT_MAX_INPUT_BYTES ? realloc(data, cap * 2) : NULL;
			if (!p) {
				free(data);
				data = NULL;
				break;
			}
			data = p;
			cap *= 2;
		}
	}
	if (!data || ferror(f)) {
		fprintf(stderr, "%s: cannot read the baseline %s: %s\n", PROGRAM, cfg->baseline,
			data ? strerror(errno) : "out of memory or larger than the input limit");
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	if (tmdk_report_load_baseline(report, cfg->baseline, data, len, &err) != TMDK_OK) {
		print_error(cfg->baseline, err.line, err.column, err.message);
		free(data);
		return -1;
	}
	free(data);
	return 0;
}

/* ---- main ---------------------------------------------------------------------- */

static char report_buffer[1u << 16];

static int scan(const scan_config *cfg, const tmdk_catalog *catalog, tmdk_report *report, int trouble)
{
	input_list inputs;
	run_stats stats;
	tmdk_scan_options so;
	FILE *out = stdout;
	char date[32];
	struct timespec t0, t1;
	double walk_seconds;
	int n, status;

	if (cfg->output && !(out = fopen(cfg->output, "w"))) {
		fprintf(stderr, "%s: cannot open %s for writing: %s\n", PROGRAM, cfg->output, strerror(errno));
		return EXIT_TROUBLE;
	}
	/* A report is megabytes on a large tree: written 64 KB at a time, not in
	 * stdio's 4 KB (a system call each, on the one thread left at the end).
	 * glibc takes the size only with a buffer; stdout's must last to exit. */
	if (out != stdout || !isatty(fileno(stdout)))
		(void)setvbuf(out, report_buffer, _IOFBF, sizeof(report_buffer));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = collect_inputs(cfg, &inputs, report);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	walk_seconds = seconds_between(&t0, &t1);
	if (n >= 0) {
		trouble += n;
		n = run_scan(cfg, catalog, &inputs, report, &stats, cfg->model_json ? out : NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	scan_options_from_config(&so, cfg);
	report_date(date, sizeof(date));
	if (n < 0 || tmdk_report_set_catalog(report, catalog, &so, NULL) != TMDK_OK || report_scope(report, cfg) != TMDK_OK ||
	    tmdk_report_set_date(report, date) != TMDK_OK) {
		run_scan_finish();
		free_inputs(&inputs);
		if (out != stdout)
			fclose(out);
		return EXIT_TROUBLE;
	}
	trouble += n;
	tmdk_report_set_duration(report, seconds_between(&t0, &t1));
	stats.walk_seconds = walk_seconds;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = cfg->model_json ? 0 : write_report(cfg, report, out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats.write_seconds = seconds_between(&t0, &t1);
	run_scan_finish();
	free_inputs(&inputs);
	if (out != stdout && fclose(out) != 0 && status == 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", PROGRAM, cfg->output, strerror(errno));
		status = -1;
	}
	if (status == 0 && cfg->write_baseline)
		status = write_baseline(cfg, report);
	verbose_stats(cfg, &stats, report);
	if (status != 0 || trouble)
		return EXIT_TROUBLE;
	if (cfg->threshold != NO_THRESHOLD && tmdk_report_finding_count(report, (tmdk_severity)cfg->threshold) > 0)
		return EXIT_FINDINGS;
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	scan_config cfg;
	tmdk_catalog *catalog = NULL;
	tmdk_report *report = NULL;
	tmdk_error err;
	int rc = parse_options(&cfg, argc, argv), dropped;

	/* A batch run: parse everything, keep it, free it all at the end. */
	(void)tmdk_set_huge_regions(1);
	if (rc >= 0) {
		free_options(&cfg);
		return rc;
	}
	if (tmdk_report_new(&report, &err) != TMDK_OK) {
		fprintf(stderr, "%s: %s\n", PROGRAM, err.message);
		free_options(&cfg);
		return EXIT_TROUBLE;
	}
	if (cfg.print_config) {
		rc = config_print(&cfg, stdout);
		tmdk_report_free(report);
		free_options(&cfg);
		return rc;
	}
	dropped = load_catalogs(&catalog, &cfg, report);
	if (dropped < 0 || config_check_ids(&cfg, catalog) != 0 || load_baseline(&cfg, report) != 0)
		rc = EXIT_TROUBLE;
	else if (cfg.list_patterns)
		rc = list_patterns(&cfg, catalog, stdout) == 0 && !dropped ? EXIT_CLEAN : EXIT_TROUBLE;
	else if (cfg.explain)
		rc = explain_pattern(catalog, cfg.explain, stdout) == EXIT_CLEAN && !dropped ? EXIT_CLEAN : EXIT_TROUBLE;
	else
		rc = scan(&cfg, catalog, report, dropped);
	tmdk_report_free(report);
	tmdk_catalog_free(catalog);
	free_options(&cfg);
	return rc;
}
