/*
 * Parsing and scanning on worker threads. Two phases over a shared work
 * queue: every input is parsed (artifacts are immutable once parsed), then
 * the artifacts are scanned as ONE set — so cross-document patterns see the
 * whole project — split into ranges (tmdk_scanner_scan_range), one scanner
 * per thread, all sharing the catalog. Results are stored per input and per
 * range and only then added to the report in input order, so the output is
 * the same whatever -j is. The main thread waits and, on a terminal, draws
 * a progress line once the scan has taken more than a second.
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RANGE_SIZE 8
#define PROGRESS_AFTER 1.0

typedef struct parsed {
	tmdk_artifact *artifact;     /* NULL when the input failed or was not an artifact */
	tmdk_kind kind;
	int failed;
	int skipped;                 /* skipped for the reason in err (not an error) */
	tmdk_error err;
} parsed;

typedef struct range {
	size_t first, count;
	tmdk_findings *findings;
	int nomem;                   /* set by the worker that owns the range */
} range;

typedef struct run_ctx {
	const scan_config *cfg;
	const input_list *inputs;
	parsed *parsed;
	const tmdk_artifact **set;   /* the parsed artifacts, in input order */
	size_t set_count;
	size_t *set_input;           /* input index of each set member */
	range *ranges;
	size_t range_count;
	tmdk_scanner **scanners;     /* one per worker */
	unsigned char *scan_failed;  /* per set member */
	tmdk_error *scan_err;
} run_ctx;

void print_error(const char *path, unsigned int line, unsigned int column, const char *message)
{
	if (line)
		fprintf(stderr, "%s:%u:%u: error: %s\n", path, line, column, message);
	else
		fprintf(stderr, "%s: error: %s\n", path, message);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a small work queue ------------------------------------------------------------ */

typedef struct pool pool;
typedef void (*work_fn)(run_ctx *ctx, size_t item, unsigned int worker);

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t finished;
	size_t next, total, done;
	size_t per_item, files;      /* for the progress line */
	unsigned int running;
	work_fn work;
	run_ctx *ctx;
};

typedef struct worker_arg {
	pool *pool;
	unsigned int id;
} worker_arg;

static void *worker_main(void *arg)
{
	worker_arg *w = arg;
	pool *p = w->pool;

	for (;;) {
		size_t item;
		pthread_mutex_lock(&p->lock);
		if (p->next >= p->total) {
			if (--p->running == 0)
				pthread_cond_signal(&p->finished);
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		item = p->next++;
		pthread_mutex_unlock(&p->lock);
		p->work(p->ctx, item, w->id);
		pthread_mutex_lock(&p->lock);
		p->done++;
		pthread_mutex_unlock(&p->lock);
	}
}

/* Items are files when parsing, ranges of RANGE_SIZE files when scanning: shown as files. */
static void progress_line(const char *what, size_t done, size_t per_item, size_t files)
{
	size_t n = done * per_item;
	fprintf(stderr, "\r\033[K%s: %s %zu/%zu files", PROGRAM, what, n < files ? n : files, files);
	fflush(stderr);
}

/* Wait for the workers; on a terminal, show progress after PROGRESS_AFTER seconds. */
static void wait_for(pool *p, const char *what, double started)
{
	int tty = isatty(STDERR_FILENO), shown = 0;

	pthread_mutex_lock(&p->lock);
	while (p->running > 0) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->finished, &p->lock, &until);
		if (tty && p->running > 0 && now() - started > PROGRESS_AFTER) {
			progress_line(what, p->done, p->per_item, p->files);
			shown = 1;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (shown)
		fputs("\r\033[K", stderr);
}

/* Run work(item) for every item on `jobs` threads. @return 0, or -1 if no thread could start. */
static int run_pool(run_ctx *ctx, work_fn work, size_t total, size_t per_item, size_t files, unsigned int jobs,
	const char *what, double started)
{
	pthread_t threads[256];
	worker_arg args[256];
	pool p;
	unsigned int i, started_threads = 0;

	if (jobs > total)
		jobs = total ? (unsigned int)total : 1;
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.finished, NULL);
	p.total = total;
	p.per_item = per_item;
	p.files = files;
	p.work = work;
	p.ctx = ctx;
	p.running = jobs;
	for (i = 0; i < jobs; i++) {
		args[i].pool = &p;
		args[i].id = i;
		if (pthread_create(&threads[i], NULL, worker_main, &args[i]) != 0)
			break;
		started_threads++;
	}
	if (started_threads < jobs) {
		/* Fewer threads than asked: those that started do all the work. */
		pthread_mutex_lock(&p.lock);
		p.running -= jobs - started_threads;
		pthread_mutex_unlock(&p.lock);
		if (!started_threads) {
			pthread_mutex_destroy(&p.lock);
			pthread_cond_destroy(&p.finished);
			return -1;
		}
	}
	wait_for(&p, what, started);
	for (i = 0; i < started_threads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.finished);
	return 0;
}

/* ---- phase 1: parsing ------------------------------------------------------------- */

static void set_error(tmdk_error *err, int code, const char *message)
{
	tmdk_error_clear(err);
	err->code = code;
	snprintf(err->message, sizeof(err->message), "%s", message);
}

/* Standard input, whole, up to one byte over the parser's limit (which then reports it). */
static char *read_stdin(size_t limit, size_t *len_out, tmdk_error *err)
{
	size_t len = 0, cap = 65536, max = limit < SIZE_MAX ? limit + 1 : SIZE_MAX;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, stdin);
		len += n;
		if (n == 0 || len >= max)
			break;
		if (len == cap) {
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (!buf) {
		set_error(err, TMDK_ENOMEM, "out of memory");
		return NULL;
	}
	if (ferror(stdin)) {
		char message[256];
		snprintf(message, sizeof(message), "read error: %s", strerror(errno));
		set_error(err, TMDK_EIO, message);
		free(buf);
		return NULL;
	}
	*len_out = len;
	return buf;
}

/* The candidate flags of the configuration. */
static unsigned int candidate_flags(const scan_config *cfg, const input *in)
{
	return in->flags | (cfg->unparseable_error ? TMDK_CANDIDATE_UNPARSEABLE_ERROR : 0u);
}

/*
 * Standard input: --kind, or detection by content with errors reported; with
 * --stdin-name, a candidate like a file of that name.
 */
static int parse_stdin(tmdk_artifact **out, int *skipped, const input *in, const scan_config *cfg, tmdk_error *err)
{
	const char *name = in->path;
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_kind kind = cfg->kind;
	size_t len = 0;
	char *data;
	int rc;

	*out = NULL;
	apply_parse_limits(&o, cfg);
	/* Read as far as the limit --limit set, not the default: past it the input would be cut silently. */
	data = read_stdin(o.max_input_bytes ? o.max_input_bytes : TMDK_DEFAULT_MAX_INPUT_BYTES, &len, err);
	if (!data)
		return err->code;
	if (cfg->stdin_name) {
		tmdk_candidate_status status;
		o.kind = kind;
		rc = tmdk_candidate_parse_buffer(out, &status, name, data, len, candidate_flags(cfg, in), &o, err);
		*skipped = status == TMDK_CANDIDATE_SKIPPED;
		free(data);
		return rc;
	}
	if (kind == TMDK_KIND_AUTO) {
		/* Without a name the parser detects strictly: a YAML error is an error. */
		rc = tmdk_artifact_parse_buffer(out, NULL, data, len, &o, err);
		if (rc == TMDK_OK) {
			kind = tmdk_artifact_kind(*out);
			tmdk_artifact_free(*out);
			*out = NULL;
		}
		if (rc == TMDK_OK && kind == TMDK_KIND_UNKNOWN) {
			set_error(err, TMDK_EPARSE, "not a Dockerfile, compose file, Kubernetes manifest, daemon.json or "
				"docker inspect output (use --kind to say which)");
			rc = TMDK_EPARSE;
		}
		if (rc != TMDK_OK) {
			free(data);
			return rc;
		}
	}
	o.kind = kind;
	rc = tmdk_artifact_parse_buffer(out, name, data, len, &o, err);
	free(data);
	return rc;
}

static void parse_one(run_ctx *ctx, size_t item, unsigned int worker)
{
	const input *in = &ctx->inputs->items[item];
	parsed *p = &ctx->parsed[item];
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_candidate_status status;
	int rc;

	(void)worker;
	apply_parse_limits(&o, ctx->cfg);
	if (in->is_stdin) {
		rc = parse_stdin(&p->artifact, &p->skipped, in, ctx->cfg, &p->err);
	} else {
		if (in->named)
			o.kind = ctx->cfg->kind;
		rc = tmdk_candidate_parse_file(&p->artifact, &status, in->path, candidate_flags(ctx->cfg, in), &o,
			&p->err);
		p->skipped = rc == TMDK_OK && status == TMDK_CANDIDATE_SKIPPED;
	}
	if (rc != TMDK_OK) {
		p->failed = 1;
		p->artifact = NULL;
		return;
	}
	if (p->skipped)
		return;
	p->kind = tmdk_artifact_kind(p->artifact);
	if (p->kind == TMDK_KIND_UNKNOWN) {
		tmdk_artifact_free(p->artifact);
		p->artifact = NULL;
	}
}

/* ---- phase 2: scanning ------------------------------------------------------------- */

static void scan_range_item(run_ctx *ctx, size_t item, unsigned int worker)
{
	range *r = &ctx->ranges[item];
	tmdk_scanner *s = ctx->scanners[worker];
	tmdk_error err;
	size_t i;

	if (tmdk_findings_new(&r->findings) != TMDK_OK) {
		r->nomem = 1;
		return;
	}
	if (tmdk_scanner_scan_range(s, ctx->set, ctx->set_count, r->first, r->count, tmdk_findings_collect,
		    r->findings, &err) == TMDK_OK)
		return;
	/* Something failed (a limit): scan the range's artifacts one by one to keep the others' findings. */
	tmdk_findings_free(r->findings);
	if (tmdk_findings_new(&r->findings) != TMDK_OK) {
		r->findings = NULL;
		r->nomem = 1;
		return;
	}
	for (i = r->first; i < r->first + r->count; i++) {
		if (tmdk_scanner_scan_range(s, ctx->set, ctx->set_count, i, 1, tmdk_findings_collect, r->findings,
			    &ctx->scan_err[i]) != TMDK_OK)
			ctx->scan_failed[i] = 1;
	}
}

/* ---- putting results into the report ----------------------------------------------- */

static void print_warnings(const tmdk_artifact *a)
{
	size_t i;
	for (i = 0; i < tmdk_artifact_warning_count(a); i++) {
		unsigned int line = 0, column = 0;
		const char *message = tmdk_artifact_warning(a, i, &line, &column);
		fprintf(stderr, "%s:%u:%u: warning: %s\n", tmdk_artifact_name(a), line, column, message);
	}
}

static int record_error(run_ctx *ctx, tmdk_report *report, const char *path, const tmdk_error *err)
{
	if (ctx->cfg->echo_errors)
		print_error(path, err->line, err->column, err->message);
	return tmdk_report_add_error(report, path, err->line, err->column, err->code, err->message);
}

/* A finding, suppressed when a `paths:` rule of the configuration covers it. */
static int add_finding(const scan_config *cfg, tmdk_report *report, const tmdk_finding *f)
{
	const config_ignore *rule = tmdk_finding_suppressed(f) ? NULL : config_path_ignore(cfg, f);
	char text[1024];
	if (!rule)
		return tmdk_report_add_finding(report, f);
	snprintf(text, sizeof(text), "configuration %s (line %u): %s", rule->file, rule->line, rule->reason);
	return tmdk_report_add_suppressed(report, f, text);
}

static int fill_report(run_ctx *ctx, tmdk_report *report, run_stats *stats)
{
	const input_list *inputs = ctx->inputs;
	size_t i;
	int failures = 0;

	for (i = 0; i < inputs->count; i++) {
		const input *in = &inputs->items[i];
		const parsed *p = &ctx->parsed[i];
		int rc;
		if (p->failed) {
			rc = record_error(ctx, report, in->path, &p->err);
			failures++;
		} else if (p->skipped) {
			/* Listed in the report (text: with -v); on stderr when the report is not text. */
			if (ctx->cfg->verbose && ctx->cfg->format != TMDK_REPORT_TEXT)
				fprintf(stderr, "%s: skipped %s (%s)\n", PROGRAM, in->path, p->err.message);
			rc = tmdk_report_add_skipped(report, in->path, p->err.line, p->err.column, p->err.message);
		} else {
			rc = tmdk_report_add_file(report, in->path, p->kind);
			if (!p->artifact && ctx->cfg->verbose)
				fprintf(stderr, "%s: skipped %s (not a recognised artifact)\n", PROGRAM, in->path);
			if (p->artifact && ctx->cfg->verbose)
				print_warnings(p->artifact);
		}
		if (rc != TMDK_OK)
			return -1;
	}
	for (i = 0; i < ctx->range_count; i++) {
		size_t k;
		if (ctx->ranges[i].nomem)
			return -1;
		for (k = 0; k < tmdk_findings_count(ctx->ranges[i].findings); k++)
			if (add_finding(ctx->cfg, report, tmdk_findings_at(ctx->ranges[i].findings, k)) != TMDK_OK)
				return -1;
	}
	for (i = 0; i < ctx->set_count; i++) {
		stats->documents += tmdk_artifact_document_count(ctx->set[i]);
		if (!ctx->scan_failed[i])
			continue;
		if (record_error(ctx, report, inputs->items[ctx->set_input[i]].path, &ctx->scan_err[i]) != TMDK_OK)
			return -1;
		failures++;
	}
	stats->artifacts = ctx->set_count;
	stats->errors = (size_t)failures;
	return failures;
}

/* ---- the whole run ------------------------------------------------------------------- */

static int prepare_scan(run_ctx *ctx, const tmdk_catalog *catalog)
{
	const input_list *inputs = ctx->inputs;
	tmdk_scan_options o;
	tmdk_error err;
	size_t i;

	ctx->set = calloc(inputs->count + 1, sizeof(*ctx->set));
	ctx->set_input = calloc(inputs->count + 1, sizeof(*ctx->set_input));
	ctx->scan_failed = calloc(inputs->count + 1, 1);
	ctx->scan_err = calloc(inputs->count + 1, sizeof(*ctx->scan_err));
	ctx->scanners = calloc(ctx->cfg->jobs, sizeof(*ctx->scanners));
	if (!ctx->set || !ctx->set_input || !ctx->scan_failed || !ctx->scan_err || !ctx->scanners)
		return -1;
	for (i = 0; i < inputs->count; i++)
		if (ctx->parsed[i].artifact) {
			ctx->set_input[ctx->set_count] = i;
			ctx->set[ctx->set_count++] = ctx->parsed[i].artifact;
		}
	ctx->range_count = (ctx->set_count + RANGE_SIZE - 1) / RANGE_SIZE;
	ctx->ranges = calloc(ctx->range_count + 1, sizeof(*ctx->ranges));
	if (!ctx->ranges)
		return -1;
	for (i = 0; i < ctx->range_count; i++) {
		ctx->ranges[i].first = i * RANGE_SIZE;
		ctx->ranges[i].count = ctx->set_count - i * RANGE_SIZE < RANGE_SIZE ? ctx->set_count - i * RANGE_SIZE : RANGE_SIZE;
	}
	scan_options_from_config(&o, ctx->cfg);
	for (i = 0; i < ctx->cfg->jobs; i++)
		if (tmdk_scanner_new(&ctx->scanners[i], catalog, &o, &err) != TMDK_OK) {
			fprintf(stderr, "%s: %s\n", PROGRAM, err.message);
			return -1;
		}
	return 0;
}

static void free_ctx(run_ctx *ctx)
{
	size_t i;
	for (i = 0; ctx->parsed && i < ctx->inputs->count; i++)
		tmdk_artifact_free(ctx->parsed[i].artifact);
	for (i = 0; ctx->ranges && i < ctx->range_count; i++)
		tmdk_findings_free(ctx->ranges[i].findings);
	for (i = 0; ctx->scanners && i < ctx->cfg->jobs; i++)
		tmdk_scanner_free(ctx->scanners[i]);
	free(ctx->parsed);
	free((void *)ctx->set);
	free(ctx->set_input);
	free(ctx->ranges);
	free(ctx->scanners);
	free(ctx->scan_failed);
	free(ctx->scan_err);
}

int run_scan(const scan_config *cfg, const tmdk_catalog *catalog, const input_list *inputs, tmdk_report *report,
	run_stats *stats)
{
	run_ctx ctx;
	double started = now(), t;
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.inputs = inputs;
	ctx.parsed = calloc(inputs->count + 1, sizeof(*ctx.parsed));
	if (!ctx.parsed)
		goto done;
	if (run_pool(&ctx, parse_one, inputs->count, 1, inputs->count, cfg->jobs, "parsed", started) != 0)
		goto done;
	t = now();
	stats->files_parsed = inputs->count;
	stats->parse_seconds = t - started;
	if (prepare_scan(&ctx, catalog) != 0)
		goto done;
	if (run_pool(&ctx, scan_range_item, ctx.range_count, RANGE_SIZE, ctx.set_count, cfg->jobs, "scanned", started) != 0)
		goto done;
	stats->scan_seconds = now() - t;
	rc = fill_report(&ctx, report, stats);
done:
	if (rc < 0)
		fprintf(stderr, "%s: out of memory or no thread could be started\n", PROGRAM);
	free_ctx(&ctx);
	return rc;
}
