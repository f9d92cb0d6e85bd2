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
#include <sys/stat.h>
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
	char *helm_stream;           /* standard input that is a rendered Helm stream (split later) */
	size_t helm_len;
} parsed;

typedef struct range {
	size_t unit;                 /* index in run_ctx.units */
	size_t first, count;         /* within the unit's set */
	tmdk_findings *findings;
	int nomem;                   /* set by the worker that owns the range */
} range;

/* A file a unit uses that the walk did not give (a kustomize base outside the scanned folder). */
typedef struct extra {
	char *path;
	tmdk_artifact *artifact;     /* NULL when it failed or is no artifact */
	int failed;
	tmdk_error err;
} extra;

/* One deployment unit to scan: its artifacts are one set ($set sees them, nothing else). */
typedef struct unit_scan {
	const tmdk_unit *unit;       /* NULL: the inputs named on the command line */
	const char *kind, *path;
	const tmdk_artifact **set;
	const char **set_path;       /* the member path of each set item (for scan errors) */
	size_t set_count;
	unsigned char *scan_failed;  /* per set item */
	tmdk_error *scan_err;
	char **notes;                /* notes of the run (Helm), besides the library's */
	size_t note_count;
	int failed;                  /* the unit could not be rendered: err */
	tmdk_error err;
	tmdk_artifact **owned;       /* artifacts this unit made (rendered Helm templates) */
	size_t owned_count;
	tmdk_artifact *derived;      /* a merged compose project (project.h) or built kustomization (kustomize.h) */
	int built;                   /* a kustomization built natively: its warnings are the notes */
	tmdk_model *model;           /* the system model of the set ($model, $facts; reports) */
	tmdk_report_picture *picture; /* its picture, made with it on the workers (NULL: out of memory) */
	int model_failed;            /* unit_model failed: model_err says why */
	tmdk_error model_err;
	/* Built ahead on the workers (prebuild_unit): the merged compose project of
	 * pre_path, or the kustomization; pre_rc is what the library returned. */
	int prebuilt, pre_rc;
	const char *pre_path;
} unit_scan;

typedef struct run_ctx {
	const scan_config *cfg;
	const input_list *inputs;
	parsed *parsed;
	tmdk_units *decided;         /* the library's units of the walked files */
	double decide_seconds;       /* in tmdk_units_decide, on the main thread */
	unit_scan *units;
	size_t unit_count;
	extra *extras;
	size_t extra_count, extra_cap;
	size_t *parse_order;         /* input indexes, largest file first (NULL: input order) */
	const size_t *walked_input;  /* while deciding units: the library's input index -> ours */
	range *ranges;
	size_t range_count, set_total;
	tmdk_scanner **scanners;     /* one per worker */
	struct context_project {     /* compose projects read as a Dockerfile unit's model context */
		char *path;              /* main file, spelled like the Dockerfiles below it */
		tmdk_artifact *artifact; /* NULL: it could not be loaded */
	} *context;
	size_t context_count, context_cap;
	struct context_folder {      /* what dockerfile_context asked of a folder */
		char *dir;               /* spelled as a unit's folder is */
		char *real;              /* its realpath, NULL when it has none (or until asked) */
		int real_asked;
		int main;                /* index of its first main compose file, -1: none */
		int git;                 /* it holds .git */
	} *folders;
	size_t folder_count, folder_cap;
	pthread_mutex_t context_lock; /* models are built on the workers: guards context and folders */
	unit_scan **model_order;     /* units, largest set first */
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
static int parse_stdin(tmdk_artifact **out, int *skipped, parsed *p, const input *in, const scan_config *cfg,
	tmdk_error *err)
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
	if ((cfg->kind == TMDK_KIND_AUTO || cfg->kind == TMDK_KIND_KUBERNETES) && helm_is_stream(data, len)) {
		/* `helm template CHART | tmdk-scan --stdin-name CHART -`: one artifact per template, later */
		p->helm_stream = data;
		p->helm_len = len;
		return TMDK_OK;
	}
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
	const input *in = &ctx->inputs->items[ctx->parse_order ? ctx->parse_order[item] : item];
	parsed *p = &ctx->parsed[ctx->parse_order ? ctx->parse_order[item] : item];
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_candidate_status status;
	int rc;

	(void)worker;
	apply_parse_limits(&o, ctx->cfg);
	if (in->is_stdin) {
		rc = parse_stdin(&p->artifact, &p->skipped, p, in, ctx->cfg, &p->err);
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
	if (p->skipped || p->helm_stream)
		return;
	p->kind = tmdk_artifact_kind(p->artifact);
	if (p->kind == TMDK_KIND_UNKNOWN) {
		tmdk_artifact_free(p->artifact);
		p->artifact = NULL;
	}
}

/*
 * Workers take the largest files first: one big manifest taken last would
 * leave the other threads idle while it is parsed (argo-cd's install.yaml
 * is a quarter of the Kubernetes corpus). Results stay per input, so the
 * order changes nothing else. NULL (input order) when out of memory.
 */
static const off_t *sort_sizes;

static int larger_first(const void *a, const void *b)
{
	off_t x = sort_sizes[*(const size_t *)a], y = sort_sizes[*(const size_t *)b];
	if (x != y)
		return x > y ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static size_t *largest_first(const input_list *inputs)
{
	off_t *sizes = calloc(inputs->count + 1, sizeof(*sizes));
	size_t *order = malloc((inputs->count + 1) * sizeof(*order)), i;
	if (!sizes || !order) {
		free(sizes);
		free(order);
		return NULL;
	}
	for (i = 0; i < inputs->count; i++) {
		struct stat st;
		order[i] = i;
		if (!inputs->items[i].is_stdin && stat(inputs->items[i].path, &st) == 0)
			sizes[i] = st.st_size;
	}
	sort_sizes = sizes;  /* qsort has no payload; this runs before any thread */
	qsort(order, inputs->count, sizeof(*order), larger_first);
	sort_sizes = NULL;
	free(sizes);
	return order;
}

/* ---- deployment units ----------------------------------------------------------------- */

static int is_folder_path(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A file a unit follows outside the walked files: parsed once, as a Kubernetes manifest. */
static extra *get_extra(run_ctx *ctx, const char *path)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_candidate_status status;
	extra *e;
	size_t i;

	for (i = 0; i < ctx->extra_count; i++)
		if (strcmp(ctx->extras[i].path, path) == 0)
			return &ctx->extras[i];
	if (ctx->extra_count == ctx->extra_cap) {
		size_t cap = ctx->extra_cap ? ctx->extra_cap * 2 : 16;
		extra *grown = realloc(ctx->extras, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		ctx->extras = grown;
		ctx->extra_cap = cap;
	}
	e = &ctx->extras[ctx->extra_count];
	memset(e, 0, sizeof(*e));
	if (!(e->path = strdup(path)))
		return NULL;
	ctx->extra_count++;
	apply_parse_limits(&o, ctx->cfg);
	o.kind = TMDK_KIND_KUBERNETES;   /* kustomize resources are Kubernetes manifests */
	if (tmdk_candidate_parse_file(&e->artifact, &status, path, TMDK_CANDIDATE_NAMED, &o, &e->err) != TMDK_OK) {
		e->failed = 1;
		e->artifact = NULL;
	} else if (status != TMDK_CANDIDATE_ARTIFACT) {
		tmdk_artifact_free(e->artifact);
		e->artifact = NULL;
	}
	return e;
}

static int unit_add_artifact(unit_scan *u, const tmdk_artifact *a, const char *path)
{
	const tmdk_artifact **set = realloc((void *)u->set, (u->set_count + 1) * sizeof(*set));
	const char **paths;
	if (!set)
		return -1;
	u->set = set;
	paths = realloc((void *)u->set_path, (u->set_count + 1) * sizeof(*paths));
	if (!paths)
		return -1;
	u->set_path = paths;
	u->set[u->set_count] = a;
	u->set_path[u->set_count++] = path;
	return 0;
}

static int unit_add_note(unit_scan *u, const char *text)
{
	char **notes = realloc(u->notes, (u->note_count + 1) * sizeof(*notes));
	if (!notes)
		return -1;
	u->notes = notes;
	if (!(u->notes[u->note_count] = strdup(text)))
		return -1;
	u->note_count++;
	return 0;
}

static int unit_take_artifacts(unit_scan *u, tmdk_artifact **arts, size_t n)
{
	size_t i;
	u->owned = arts;
	u->owned_count = n;
	for (i = 0; i < n; i++)
		if (unit_add_artifact(u, arts[i], tmdk_artifact_name(arts[i])) != 0)
			return -1;
	return 0;
}

/*
 * A chart: rendered with helm when it can be (each template one artifact),
 * else a note saying how to render it. A helm that fails is a note, or an
 * error when the configuration asks for rendering (--helm PATH, `helm:`).
 */
static int helm_unit(run_ctx *ctx, unit_scan *u)
{
	const scan_config *cfg = ctx->cfg;
	char why[1024], text[1400];
	tmdk_artifact **arts;
	size_t len, n;
	char *data;
	int rc = helm_render(cfg, u->path, &data, &len, why, sizeof(why));

	if (rc < 0)
		return -1;
	if (rc == 0) {
		rc = helm_split(cfg, u->path, data, len, &arts, &n, &u->err);
		free(data);
		if (rc == TMDK_ENOMEM)
			return -1;
		if (rc == TMDK_OK)
			return unit_take_artifacts(u, arts, n);
		snprintf(why, sizeof(why), "`helm template %s` gave output tmdk-scan cannot read: %s%s%u", u->path,
			u->err.message, u->err.line ? " at line " : "", u->err.line);
		if (!u->err.line)
			why[strlen(why) - 1] = '\0';
		rc = 2;
	}
	if (rc == 2 && helm_required(cfg)) {
		tmdk_error_clear(&u->err);
		u->err.code = TMDK_EIO;
		snprintf(u->err.message, sizeof(u->err.message), "chart not rendered: %.230s", why);
		u->failed = 1;
		return 0;
	}
	if (rc == 1 && helm_required(cfg) && strcmp(cfg->helm, "never") != 0) {
		tmdk_error_clear(&u->err);
		u->err.code = TMDK_EIO;
		snprintf(u->err.message, sizeof(u->err.message), "chart not rendered (the configuration asks for it): %.200s",
			why);
		u->failed = 1;
		return 0;
	}
	snprintf(text, sizeof(text), "Helm chart not rendered (%s): its templates are not scanned; "
		"render it with `helm template %s | tmdk-scan --stdin-name %s -`", why, u->path, u->path);
	return unit_add_note(u, text);
}

/* A rendered Helm stream on standard input: one artifact per `# Source:` template. */
static int stdin_helm_stream(run_ctx *ctx, unit_scan *u)
{
	size_t i;
	for (i = 0; i < ctx->inputs->count; i++) {
		parsed *p = &ctx->parsed[i];
		tmdk_artifact **arts;
		size_t n;
		int rc;
		if (!p->helm_stream)
			continue;
		rc = helm_split(ctx->cfg, ctx->cfg->stdin_name ? ctx->cfg->stdin_name : "<stdin>", p->helm_stream,
			p->helm_len, &arts, &n, &p->err);
		free(p->helm_stream);
		p->helm_stream = NULL;
		if (rc == TMDK_ENOMEM)
			return -1;
		if (rc != TMDK_OK) {
			p->failed = 1;
			continue;
		}
		if (u->owned) {   /* standard input is read once: one stream at most */
			for (i = 0; i < n; i++)
				tmdk_artifact_free(arts[i]);
			free(arts);
			return 0;
		}
		if (unit_take_artifacts(u, arts, n) != 0)
			return -1;
	}
	return 0;
}

/*
 * A compose project: the library merges the main file with its overrides,
 * `extends` and `include` (tmdk_compose_project_load); the merged project
 * is scanned instead of the main file, each finding naming the file that
 * set the value. Overrides named by `compose_overrides:` are passed on; the
 * default override is the loader's own. A project that cannot be merged is
 * an error of the unit, and its main file is scanned as it is.
 */
static int compose_unit(run_ctx *ctx, unit_scan *u, const tmdk_artifact *main_artifact, const char *main_path)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	const char **overrides = calloc(tmdk_unit_member_count(u->unit) + 1, sizeof(*overrides));
	size_t m, n = 0;
	int rc;

	if (!overrides)
		return -1;
	for (m = 0; m < tmdk_unit_member_count(u->unit); m++) {
		tmdk_unit_role role;
		const char *path = tmdk_unit_member(u->unit, m, &role), *slash = strrchr(path, '/');
		const char *base = slash ? slash + 1 : path;
		if (role == TMDK_UNIT_MEMBER_OVERRIDE && !tmdk_compose_is_override_name(base))
			overrides[n++] = base;   /* relative to the main file's folder, where the unit found it */
	}
	apply_parse_limits(&po, ctx->cfg);
	o.parse = &po;
	o.override_files = overrides;
	o.override_count = n;
	if (u->prebuilt && u->pre_path && strcmp(u->pre_path, main_path) == 0) {
		rc = u->pre_rc;   /* merged ahead by a worker (prebuild_unit) */
		u->prebuilt = 0;
	} else {
		rc = tmdk_compose_project_load(&u->derived, main_path, &o, &u->err);
	}
	free((void *)overrides);
	if (rc == TMDK_ENOMEM)
		return -1;
	if (rc != TMDK_OK) {
		u->derived = NULL;
		u->failed = 1;
		return unit_add_artifact(u, main_artifact, main_path);
	}
	return unit_add_artifact(u, u->derived, main_path);
}

/*
 * A kustomization: built natively (tmdk_kustomization_build) into one
 * derived artifact whose values keep the file that set them (a base, a
 * patch, the kustomization); its warnings (what is not supported) are the
 * unit's notes. A kustomization that cannot be built is an error of the
 * unit, and its resources are scanned as written instead. @return 1 built,
 * 0 not built, -1 out of memory.
 */
static int kustomize_unit(run_ctx *ctx, unit_scan *u)
{
	tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	size_t i;
	int rc;

	apply_parse_limits(&po, ctx->cfg);
	o.parse = &po;
	if (u->prebuilt)
		rc = u->pre_rc;   /* built ahead by a worker (prebuild_unit) */
	else
		rc = tmdk_kustomization_build(&u->derived, u->path, &o, &u->err);
	if (rc == TMDK_ENOMEM)
		return -1;
	if (rc != TMDK_OK) {
		u->derived = NULL;
		u->failed = 1;
		return 0;
	}
	u->built = 1;
	for (i = 0; i < tmdk_artifact_warning_count(u->derived); i++) {
		unsigned int line = 0, column = 0;
		const char *message = tmdk_artifact_warning(u->derived, i, &line, &column);
		char text[1200];
		snprintf(text, sizeof(text), "%s", message);
		if (unit_add_note(u, text) != 0)
			return -1;
	}
	return unit_add_artifact(u, u->derived, u->path) != 0 ? -1 : 1;
}

/* The main file of a compose project unit, as fill_unit finds it; NULL when none. */
static const char *compose_main(const run_ctx *ctx, const unit_scan *u)
{
	size_t m;
	for (m = 0; m < tmdk_unit_member_count(u->unit); m++) {
		tmdk_unit_role role;
		const char *path = tmdk_unit_member(u->unit, m, &role);
		size_t idx = tmdk_unit_member_input(u->unit, m);
		if (role != TMDK_UNIT_MEMBER_SCANNED || idx == (size_t)-1)
			continue;
		idx = ctx->walked_input[idx];
		if (ctx->parsed[idx].artifact && ctx->parsed[idx].kind == TMDK_KIND_COMPOSE)
			return path;
	}
	return NULL;
}

/*
 * On the workers, before the units are filled in order: what costs a unit
 * its time, merging a compose project or building a kustomization (both
 * read and parse files again), touching that unit only. fill_unit then
 * takes the result as if it had made it, so the output is the same. This
 * was most of the main thread's work: the part of a scan -j2 did not share.
 */
static void prebuild_unit(run_ctx *ctx, size_t item, unsigned int worker)
{
	unit_scan *u = &ctx->units[item];
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;

	(void)worker;
	apply_parse_limits(&po, ctx->cfg);
	if (tmdk_unit_get_kind(u->unit) == TMDK_UNIT_KUSTOMIZATION) {
		tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
		o.parse = &po;
		u->pre_rc = tmdk_kustomization_build(&u->derived, u->path, &o, &u->err);
		u->prebuilt = 1;
	} else if (tmdk_unit_get_kind(u->unit) == TMDK_UNIT_COMPOSE_PROJECT && (u->pre_path = compose_main(ctx, u))) {
		tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
		const char **overrides = calloc(tmdk_unit_member_count(u->unit) + 1, sizeof(*overrides));
		size_t m, n = 0;
		if (!overrides)
			return; /* fill_unit merges it, and says when memory runs out */
		for (m = 0; m < tmdk_unit_member_count(u->unit); m++) {
			tmdk_unit_role role;
			const char *path = tmdk_unit_member(u->unit, m, &role), *slash = strrchr(path, '/');
			const char *base = slash ? slash + 1 : path;
			if (role == TMDK_UNIT_MEMBER_OVERRIDE && !tmdk_compose_is_override_name(base))
				overrides[n++] = base;   /* as compose_unit */
		}
		o.parse = &po;
		o.override_files = overrides;
		o.override_count = n;
		u->pre_rc = tmdk_compose_project_load(&u->derived, u->pre_path, &o, &u->err);
		u->prebuilt = 1;
		free((void *)overrides);
	}
}

/* The set of a library unit: its scanned members, parsed (walked_input maps the library's indexes). */
static int fill_unit(run_ctx *ctx, unit_scan *u, const size_t *walked_input)
{
	size_t m;
	if (tmdk_unit_get_kind(u->unit) == TMDK_UNIT_KUSTOMIZATION) {
		int rc = kustomize_unit(ctx, u);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	for (m = 0; m < tmdk_unit_member_count(u->unit); m++) {
		tmdk_unit_role role;
		const char *path = tmdk_unit_member(u->unit, m, &role);
		size_t idx = tmdk_unit_member_input(u->unit, m);
		if (role != TMDK_UNIT_MEMBER_SCANNED)
			continue;
		if (idx != (size_t)-1) {
			idx = walked_input[idx];
			if (ctx->parsed[idx].artifact && ctx->parsed[idx].kind == TMDK_KIND_COMPOSE &&
			    tmdk_unit_get_kind(u->unit) == TMDK_UNIT_COMPOSE_PROJECT) {
				if (compose_unit(ctx, u, ctx->parsed[idx].artifact, path) != 0)
					return -1;
			} else if (ctx->parsed[idx].artifact && unit_add_artifact(u, ctx->parsed[idx].artifact, path) != 0) {
				return -1;
			}
		} else {
			extra *e = get_extra(ctx, path);
			if (!e)
				return -1;
			if (e->artifact && unit_add_artifact(u, e->artifact, e->path) != 0)
				return -1;
		}
	}
	if (u->kind && strcmp(u->kind, "helm-chart") == 0)
		return helm_unit(ctx, u);
	return 0;
}

/*
 * The units: those the library decides for the walked files, then (last)
 * one unit of the files named on the command line and standard input,
 * scanned together as before units existed.
 */
static int decide_units(run_ctx *ctx)
{
	const input_list *inputs = ctx->inputs;
	tmdk_unit_input *walked = calloc(inputs->count + 1, sizeof(*walked));
	size_t *walked_input = calloc(inputs->count + 1, sizeof(*walked_input));
	const char **roots = calloc(ctx->cfg->path_count + 1, sizeof(*roots));
	const char **overrides = ctx->cfg->compose_overrides;
	tmdk_units_options o = TMDK_UNITS_OPTIONS_INIT;
	tmdk_error err;
	size_t i, n = 0, root_count = 0, named = 0, count;
	int rc = -1, decided;

	if (!walked || !walked_input || !roots)
		goto out;
	for (i = 0; i < ctx->cfg->path_count; i++)
		if (strcmp(ctx->cfg->paths[i], "-") != 0 && is_folder_path(ctx->cfg->paths[i]))
			roots[root_count++] = ctx->cfg->paths[i];
	for (i = 0; i < inputs->count; i++) {
		if (inputs->items[i].named) {
			named++;
			continue;
		}
		walked[n].path = inputs->items[i].path;
		walked[n].kind = ctx->parsed[i].artifact ? ctx->parsed[i].kind : TMDK_KIND_UNKNOWN;
		walked_input[n++] = i;
	}
	o.compose_overrides = overrides;
	o.compose_override_count = ctx->cfg->compose_override_count;
	if (inputs->listings) { /* the walk's listings answer for the folders it listed: no stat of each name */
		o.lookup = listings_lookup;
		o.lookup_payload = inputs->listings;
	}
	ctx->decide_seconds = now();
	decided = tmdk_units_decide(&ctx->decided, roots, root_count, walked, n, &o, &err);
	ctx->decide_seconds = now() - ctx->decide_seconds;
	listings_forget(inputs->listings); /* asked while deciding only */
	if (decided != TMDK_OK) {
		fprintf(stderr, "%s: %s\n", PROGRAM, err.message);
		goto out;
	}
	count = tmdk_units_count(ctx->decided) + (named ? 1 : 0);
	if (!(ctx->units = calloc(count + 1, sizeof(*ctx->units))))
		goto out;
	for (i = 0; i < tmdk_units_count(ctx->decided); i++) {
		unit_scan *u = &ctx->units[ctx->unit_count++];
		u->unit = tmdk_units_at(ctx->decided, i);
		u->kind = tmdk_unit_kind_name(tmdk_unit_get_kind(u->unit));
		u->path = tmdk_unit_path(u->unit);
	}
	ctx->walked_input = walked_input;
	if (ctx->cfg->jobs > 1 && ctx->unit_count > 1 &&
	    run_pool(ctx, prebuild_unit, ctx->unit_count, 1, ctx->unit_count, ctx->cfg->jobs, "prepared", now()) != 0)
		goto out;
	for (i = 0; i < ctx->unit_count; i++)
		if (fill_unit(ctx, &ctx->units[i], walked_input) != 0)
			goto out;
	if (named) {
		unit_scan *u = &ctx->units[ctx->unit_count++];
		u->kind = "files";
		u->path = "(command line)";
		for (i = 0; i < inputs->count; i++)
			if (inputs->items[i].named && ctx->parsed[i].artifact &&
			    unit_add_artifact(u, ctx->parsed[i].artifact, inputs->items[i].path) != 0)
				goto out;
		if (stdin_helm_stream(ctx, u) != 0)
			goto out;
	}
	rc = 0;
out:
	free(walked);
	free(walked_input);
	free((void *)roots);
	return rc;
}

/* ---- phase 2: scanning ------------------------------------------------------------- */

typedef struct collect_ctx {
	const scan_config *cfg;
	tmdk_findings *list;
} collect_ctx;

/* A finding into the range's list, suppressed when a `paths:` rule of the
 * configuration covers it: done here, on the workers, so that the report
 * takes the lists whole (report_unit). */
static int collect_finding(const tmdk_finding *f, void *payload)
{
	const collect_ctx *c = payload;
	const config_ignore *rule = tmdk_finding_suppressed(f) ? NULL : config_path_ignore(c->cfg, f);
	char text[1024];
	if (!rule)
		return tmdk_findings_append(c->list, f);
	snprintf(text, sizeof(text), "configuration %s (line %u): %s", rule->file, rule->line, rule->reason);
	return tmdk_findings_append_suppressed(c->list, f, text);
}

static void scan_range_item(run_ctx *ctx, size_t item, unsigned int worker)
{
	range *r = &ctx->ranges[item];
	unit_scan *u = &ctx->units[r->unit];
	tmdk_scanner *s = ctx->scanners[worker];
	collect_ctx c;
	tmdk_error err;
	size_t i;

	if (tmdk_findings_new(&r->findings) != TMDK_OK) {
		r->nomem = 1;
		return;
	}
	tmdk_scanner_set_model(s, u->model);
	c.cfg = ctx->cfg;
	c.list = r->findings;
	if (tmdk_scanner_scan_range(s, u->set, u->set_count, r->first, r->count, collect_finding, &c, &err) == TMDK_OK)
		return;
	/* Something failed (a limit): scan the range's artifacts one by one to keep the others' findings. */
	tmdk_findings_free(r->findings);
	if (tmdk_findings_new(&r->findings) != TMDK_OK) {
		r->findings = NULL;
		r->nomem = 1;
		return;
	}
	c.list = r->findings;
	for (i = r->first; i < r->first + r->count; i++) {
		if (tmdk_scanner_scan_range(s, u->set, u->set_count, i, 1, collect_finding, &c, &u->scan_err[i]) != TMDK_OK)
			u->scan_failed[i] = 1;
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

/* Two spellings of one path ("./a/b" and "a/b"). */
static int same_file(const char *a, const char *b)
{
	while (a[0] == '.' && a[1] == '/')
		a += 2;
	while (b[0] == '.' && b[1] == '/')
		b += 2;
	return strcmp(a, b) == 0;
}

static int report_unit(run_ctx *ctx, tmdk_report *report, size_t index, size_t *range_at, int *failures)
{
	unit_scan *u = &ctx->units[index];
	size_t m;

	if (tmdk_report_begin_unit(report, u->kind, u->path) != TMDK_OK)
		return -1;
	/* The unit's picture and the exposure of its components (Markdown, HTML, pr-comment). */
	if (u->model && (!u->picture || tmdk_report_add_picture(report, u->path, &u->picture) != TMDK_OK))
		return -1;
	if (u->unit) {
		for (m = 0; m < tmdk_unit_member_count(u->unit); m++) {
			tmdk_unit_role role;
			const char *path = tmdk_unit_member(u->unit, m, &role);
			if (tmdk_report_add_unit_member(report, path, tmdk_unit_role_name(role)) != TMDK_OK)
				return -1;
		}
		/* The library's notes say what the plain set leaves out: a built kustomization has its own. */
		for (m = 0; !u->built && m < tmdk_unit_note_count(u->unit); m++)
			if (tmdk_report_add_unit_note(report, tmdk_unit_note(u->unit, m)) != TMDK_OK)
				return -1;
	}
	for (m = 0; m < u->owned_count; m++)
		if (tmdk_report_add_unit_member(report, tmdk_artifact_name(u->owned[m]), "template") != TMDK_OK)
			return -1;
	/* Files the compose merge or kustomize build read besides the unit's (`extends`, `include`, generators). */
	for (m = 0; u->derived && m < tmdk_artifact_source_count(u->derived); m++) {
		const char *name = tmdk_artifact_name(tmdk_artifact_source(u->derived, m));
		const char *role = "include";
		size_t k;
		int known = 0;
		for (k = 0; k < tmdk_unit_member_count(u->unit) && !known; k++)
			known = same_file(tmdk_unit_member(u->unit, k, NULL), name);
		if (u->built)
			switch (tmdk_kustomization_file_role(u->derived, m)) {
			case TMDK_KUSTOMIZE_GENERATOR: role = "generator"; break;
			case TMDK_KUSTOMIZE_PATCH: role = "patch"; break;
			case TMDK_KUSTOMIZE_KUSTOMIZATION: role = "config"; break;
			default: role = "scanned"; break;
			}
		if (!known && name && tmdk_report_add_unit_member(report, name, role) != TMDK_OK)
			return -1;
	}
	for (m = 0; m < u->note_count; m++)
		if (tmdk_report_add_unit_note(report, u->notes[m]) != TMDK_OK)
			return -1;
	/* The ranges' findings, suppressed or not already (collect_finding), moved whole. */
	for (; *range_at < ctx->range_count && ctx->ranges[*range_at].unit == index; (*range_at)++) {
		const range *r = &ctx->ranges[*range_at];
		if (r->nomem || tmdk_report_take_findings(report, r->findings) != TMDK_OK)
			return -1;
	}
	if (u->failed) {
		if (record_error(ctx, report, u->path, &u->err) != TMDK_OK)
			return -1;
		(*failures)++;
	}
	for (m = 0; m < u->set_count; m++) {
		if (!u->scan_failed[m])
			continue;
		if (record_error(ctx, report, u->set_path[m], &u->scan_err[m]) != TMDK_OK)
			return -1;
		(*failures)++;
	}
	tmdk_report_end_unit(report);
	return 0;
}

static int fill_report(run_ctx *ctx, tmdk_report *report, run_stats *stats)
{
	const input_list *inputs = ctx->inputs;
	size_t i, range_at = 0;
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
	/* Helm templates: skipped with the reason, unless their chart was rendered (they are then its members). */
	for (i = 0; i < inputs->helm_template_count; i++) {
		const char *path = inputs->helm_templates[i], *bare = path;
		size_t k, n;
		int rendered = 0;
		while (bare[0] == '.' && bare[1] == '/')
			bare += 2;   /* unit paths are lexically normal */
		for (k = 0; k < ctx->unit_count && !rendered; k++) {
			const unit_scan *u = &ctx->units[k];
			n = strlen(u->path);
			rendered = u->unit && u->owned_count && tmdk_unit_get_kind(u->unit) == TMDK_UNIT_HELM_CHART &&
				strncmp(bare, u->path, n) == 0 && bare[n] == '/';
		}
		if (rendered)
			continue;
		if (ctx->cfg->verbose && ctx->cfg->format != TMDK_REPORT_TEXT)
			fprintf(stderr, "%s: skipped %s (%s)\n", PROGRAM, path, HELM_TEMPLATE_REASON);
		if (tmdk_report_add_skipped(report, path, 0, 0, HELM_TEMPLATE_REASON) != TMDK_OK)
			return -1;
	}
	/* Files followed outside the walked ones (kustomize bases): scanned, or errors. */
	for (i = 0; i < ctx->extra_count; i++) {
		const extra *e = &ctx->extras[i];
		int rc;
		if (e->failed) {
			rc = record_error(ctx, report, e->path, &e->err);
			failures++;
		} else {
			rc = tmdk_report_add_file(report, e->path, e->artifact ? tmdk_artifact_kind(e->artifact) : TMDK_KIND_UNKNOWN);
		}
		if (rc != TMDK_OK)
			return -1;
	}
	for (i = 0; i < ctx->unit_count; i++) {
		size_t k;
		for (k = 0; k < ctx->units[i].owned_count; k++)
			if (tmdk_report_add_file(report, tmdk_artifact_name(ctx->units[i].owned[k]), TMDK_KIND_KUBERNETES) != TMDK_OK)
				return -1;
	}
	for (i = 0; i < ctx->unit_count; i++)
		if (report_unit(ctx, report, i, &range_at, &failures) != 0)
			return -1;
	for (i = 0; i < inputs->count; i++)
		if (ctx->parsed[i].artifact) {
			stats->artifacts++;
			stats->documents += tmdk_artifact_document_count(ctx->parsed[i].artifact);
		}
	stats->errors = (size_t)failures;
	return failures;
}

/* ---- the whole run ------------------------------------------------------------------- */

/* ---- the system model of a unit ------------------------------------------------------ */

/* "a/b/c" is at or under folder "a/b" ("." holds everything). Paths as walked. */
static int under(const char *path, const char *folder, size_t len)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (len == 0 || (len == 1 && folder[0] == '.'))
		return 1;
	return strncmp(path, folder, len) == 0 && path[len] == '/';
}

static size_t folder_len(const char *path, int is_file)
{
	const char *slash;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!is_file)
		return strlen(path);
	slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static const char *bare(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static int add_context(const tmdk_artifact ***set, size_t *n, size_t *cap, const tmdk_artifact *a)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if ((*set)[i] == a)
			return 0;
	if (*n == *cap) {
		const tmdk_artifact **grown = realloc((void *)*set, (*cap * 2 + 8) * sizeof(**set));
		if (!grown)
			return -1;
		*set = grown;
		*cap = *cap * 2 + 8;
	}
	(*set)[(*n)++] = a;
	return 0;
}

/* The compose project whose main file is `path` (spelled as a Dockerfile above it is), loaded once per run. */
static const tmdk_artifact *context_project_locked(run_ctx *ctx, const char *path)
{
	tmdk_error err;
	size_t i;
	for (i = 0; i < ctx->context_count; i++)
		if (strcmp(ctx->context[i].path, path) == 0)
			return ctx->context[i].artifact;
	if (ctx->context_count == ctx->context_cap) {
		struct context_project *grown = realloc(ctx->context, (ctx->context_cap * 2 + 4) * sizeof(*grown));
		if (!grown)
			return NULL;
		ctx->context = grown;
		ctx->context_cap = ctx->context_cap * 2 + 4;
	}
	if (!(ctx->context[ctx->context_count].path = strdup(path)))
		return NULL;
	/* One that does not load is no context (its own unit reports it). */
	if (tmdk_compose_project_load(&ctx->context[ctx->context_count].artifact, path, NULL, &err) != TMDK_OK)
		ctx->context[ctx->context_count].artifact = NULL;
	return ctx->context[ctx->context_count++].artifact;
}

/* The compose project at `path`, loaded once for every Dockerfile unit under it. */
static const tmdk_artifact *context_project(run_ctx *ctx, const char *path)
{
	const tmdk_artifact *a;
	pthread_mutex_lock(&ctx->context_lock);
	a = context_project_locked(ctx, path);
	pthread_mutex_unlock(&ctx->context_lock);
	return a;
}

/* The folder above `dir`, spelled like it ("a/b" -> "a", "a" -> ".",
 * "." -> "..", "../x" -> "..", ".." -> "../..", "/a" -> "/"). dir is
 * lexically normal (a unit's path). */
static void lexical_parent(char *dir, size_t size)
{
	char *slash = strrchr(dir, '/');
	const char *last = slash ? slash + 1 : dir;
	size_t len = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return;
	if (strcmp(dir, ".") == 0)
		snprintf(dir, size, "..");
	else if (strcmp(last, "..") == 0) {
		if (len + 4 <= size)
			memcpy(dir + len, "/..", 4);
	} else if (!slash)
		snprintf(dir, size, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

static const char *const compose_mains[] = { "compose.yaml", "compose.yml", "docker-compose.yaml",
	"docker-compose.yml" };

/* "dir/name", or "name" in ".", into file. */
static void folder_file(char *file, size_t size, const char *dir, const char *name)
{
	const char *prefix = strcmp(dir, ".") == 0 ? "" : dir;
	const char *sep = !*prefix || strcmp(prefix, "/") == 0 ? "" : "/";
	snprintf(file, size, "%s%s%s", prefix, sep, name);
}

/*
 * The facts of one folder that dockerfile_context reads, asked of the disk
 * once per run: the Dockerfiles of a tree share their folders, and each
 * asked five stats of every folder up to its root (the models of a folder
 * of 329 Dockerfiles took 13 ms with them, 2 ms without). The realpath (a
 * readlink per component) only when `want_real`. *out is a copy (real
 * borrowed until the run ends). @return 0, or -1 out of memory.
 */
static int folder_facts(run_ctx *ctx, const char *dir, int want_real, struct context_folder *out)
{
	struct context_folder *f = NULL;
	char file[4200 + 16];
	struct stat st;
	size_t i;

	pthread_mutex_lock(&ctx->context_lock);
	for (i = ctx->folder_count; i-- > 0 && !f;)
		if (strcmp(ctx->folders[i].dir, dir) == 0)
			f = &ctx->folders[i];
	if (!f && ctx->folder_count == ctx->folder_cap) {
		struct context_folder *grown = realloc(ctx->folders, (ctx->folder_cap * 2 + 16) * sizeof(*grown));
		if (!grown)
			goto nomem;
		ctx->folders = grown;
		ctx->folder_cap = ctx->folder_cap * 2 + 16;
	}
	if (!f) {
		f = &ctx->folders[ctx->folder_count];
		if (!(f->dir = strdup(dir)))
			goto nomem;
		f->real = NULL;
		f->real_asked = 0;
		f->main = -1;
		for (i = 0; i < sizeof(compose_mains) / sizeof(compose_mains[0]) && f->main < 0; i++) {
			folder_file(file, sizeof(file), dir, compose_mains[i]);
			if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
				f->main = (int)i;
		}
		folder_file(file, sizeof(file), dir, ".git");
		f->git = stat(file, &st) == 0;
		ctx->folder_count++;
	}
	if (want_real && !f->real_asked) {
		f->real = realpath(dir, NULL);
		f->real_asked = 1;
	}
	*out = *f;
	pthread_mutex_unlock(&ctx->context_lock);
	return 0;
nomem:
	pthread_mutex_unlock(&ctx->context_lock);
	return -1;
}

/*
 * A Dockerfile's unit: the compose projects of the folders above it (the
 * first main compose file of each, up to the folder holding .git), read
 * from the disk whatever the scan's root, as units read folders above the
 * roots, so the Dockerfile's findings do not depend on where a scan starts.
 * Their paths are spelled like the Dockerfile's ("../app/compose.yaml" for
 * "../app/Dockerfile"), so that a `build:` context names the Dockerfile as
 * the scan does; the real path only says when the root is reached.
 */
static int dockerfile_context(run_ctx *ctx, const char *path, const tmdk_artifact ***set, size_t *n, size_t *cap)
{
	char dir[4096], real[4096], file[4200 + 16], *slash;
	struct context_folder facts;

	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if (folder_facts(ctx, dir, 1, &facts) != 0)
		return -1;
	if (!facts.real)
		return 0;
	snprintf(real, sizeof(real), "%s", facts.real);
	for (;;) {
		if (facts.main >= 0) {
			const tmdk_artifact *a;
			folder_file(file, sizeof(file), dir, compose_mains[facts.main]);
			if ((a = context_project(ctx, file)) && add_context(set, n, cap, a) != 0)
				return -1;
		}
		if (facts.git || strcmp(real, "/") == 0)
			return 0;
		lexical_parent(dir, sizeof(dir));
		slash = strrchr(real, '/');
		if (slash == real)
			real[1] = '\0';
		else
			*slash = '\0';
		if (folder_facts(ctx, dir, 0, &facts) != 0)
			return -1;
	}
}

/*
 * The files named on the command line: each Dockerfile among them sees the
 * compose projects above it, as in its own unit of a walk, so that a
 * pre-commit run on a changed Dockerfile finds what a scan of the tree
 * finds. Not when a compose file is named too: the set then has its own
 * project (and a second copy would double its components).
 */
static int named_dockerfiles_context(run_ctx *ctx, const unit_scan *u, const tmdk_artifact ***set, size_t *n,
	size_t *cap)
{
	struct stat st;
	size_t i;
	for (i = 0; i < u->set_count; i++)
		if (tmdk_artifact_kind(u->set[i]) == TMDK_KIND_COMPOSE)
			return 0;
	for (i = 0; i < u->set_count; i++)
		if (tmdk_artifact_kind(u->set[i]) == TMDK_KIND_DOCKERFILE && u->set_path && u->set_path[i] &&
		    stat(u->set_path[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    dockerfile_context(ctx, u->set_path[i], set, n, cap) != 0)
			return -1;
	return 0;
}

/*
 * The model of a unit sees its set and, as context (never scanned with it),
 * what links its images to their Dockerfiles: a unit of the tree gets the
 * walked Dockerfiles under its folder (compose `build:` contexts, skaffold
 * artifacts); a Dockerfile's own unit gets the compose projects above it
 * (dockerfile_context), so `$facts.deployed_as` says who deploys it.
 */
static int unit_model(run_ctx *ctx, unit_scan *u, tmdk_error *err)
{
	const tmdk_artifact **set;
	size_t n = 0, cap = u->set_count + 8, i, len;
	int is_dockerfile_unit, rc;
	if (!(set = calloc(cap, sizeof(*set))))
		return -1;
	for (i = 0; i < u->set_count; i++)
		set[n++] = u->set[i];
	is_dockerfile_unit = u->unit && tmdk_unit_get_kind(u->unit) == TMDK_UNIT_FILE && u->set_count == 1 &&
		tmdk_artifact_kind(u->set[0]) == TMDK_KIND_DOCKERFILE;
	if (u->unit && !is_dockerfile_unit && tmdk_unit_get_kind(u->unit) != TMDK_UNIT_FILE) {
		len = folder_len(u->path, tmdk_unit_get_kind(u->unit) == TMDK_UNIT_COMPOSE_PROJECT);
		/* Dockerfiles by their own units' paths: lexically normal like
		 * u->path, where the walked path may read "build/../src/demo". */
		for (i = 0; i < ctx->unit_count; i++) {
			const unit_scan *d = &ctx->units[i];
			if (d->unit && tmdk_unit_get_kind(d->unit) == TMDK_UNIT_FILE && d->set_count == 1 &&
			    tmdk_artifact_kind(d->set[0]) == TMDK_KIND_DOCKERFILE &&
			    under(tmdk_unit_path(d->unit), bare(u->path), len) && add_context(&set, &n, &cap, d->set[0]) != 0)
				goto nomem;
		}
	} else if (is_dockerfile_unit && dockerfile_context(ctx, u->path, &set, &n, &cap) != 0) {
		goto nomem;
	} else if (!u->unit && named_dockerfiles_context(ctx, u, &set, &n, &cap) != 0) {
		goto nomem;
	}
	rc = tmdk_model_new(&u->model, set, n, err);
	free((void *)set);
	return rc == TMDK_OK ? 0 : -1;
nomem:
	free((void *)set);
	err->code = TMDK_ENOMEM;
	snprintf(err->message, sizeof(err->message), "out of memory");
	return -1;
}

static int write_file_out(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : -1;
}

/* --format model: every unit's model, in the order units are reported. */
static int write_models(run_ctx *ctx, FILE *out)
{
	const tmdk_model **models = calloc(ctx->unit_count + 1, sizeof(*models));
	const char **names = calloc(ctx->unit_count + 1, sizeof(*names));
	const char **kinds = calloc(ctx->unit_count + 1, sizeof(*kinds));
	tmdk_error err;
	size_t i;
	int rc = -1;
	if (models && names && kinds) {
		for (i = 0; i < ctx->unit_count; i++) {
			models[i] = ctx->units[i].model;
			names[i] = ctx->units[i].path ? ctx->units[i].path : "";
			kinds[i] = ctx->units[i].kind ? ctx->units[i].kind : "files";
		}
		rc = tmdk_models_write_json(models, names, kinds, ctx->unit_count, PROGRAM, write_file_out, out, &err);
		if (rc != TMDK_OK)
			fprintf(stderr, "%s: cannot write the model: %s\n", PROGRAM, err.message);
		rc = rc == TMDK_OK && fflush(out) == 0 && !ferror(out) ? 0 : -1;
	}
	free((void *)models);
	free((void *)names);
	free((void *)kinds);
	return rc;
}

/* Once per unit, shared by every worker scanning one of its ranges. */
static void model_item(run_ctx *ctx, size_t item, unsigned int worker)
{
	unit_scan *u = ctx->model_order ? ctx->model_order[item] : &ctx->units[item];
	(void)worker;
	u->model_failed = unit_model(ctx, u, &u->model_err) != 0;
	/* Its picture here too, not while the report is filled on one thread;
	 * without memory for it, report_unit fails. */
	if (!u->model_failed && tmdk_report_picture_new(&u->picture, tmdk_model_root(u->model)) != TMDK_OK)
		u->picture = NULL;
}

static int larger_set_first(const void *a, const void *b)
{
	const unit_scan *x = *(const unit_scan *const *)a, *y = *(const unit_scan *const *)b;
	if (x->set_count != y->set_count)
		return x->set_count > y->set_count ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The units' models on the workers, the largest sets first so that the
 * longest build starts at once. */
static int build_models(run_ctx *ctx)
{
	size_t i;
	if (ctx->cfg->jobs > 1 && ctx->unit_count > 1 &&
	    (ctx->model_order = calloc(ctx->unit_count, sizeof(*ctx->model_order))) != NULL) {
		for (i = 0; i < ctx->unit_count; i++)
			ctx->model_order[i] = &ctx->units[i];
		qsort((void *)ctx->model_order, ctx->unit_count, sizeof(*ctx->model_order), larger_set_first);
	}
	return run_pool(ctx, model_item, ctx->unit_count, 1, ctx->unit_count, ctx->cfg->jobs, "modelled", now());
}

static int prepare_scan(run_ctx *ctx, const tmdk_catalog *catalog)
{
	tmdk_scan_options o;
	tmdk_error err;
	size_t i, count = 0, at = 0;

	ctx->scanners = calloc(ctx->cfg->jobs, sizeof(*ctx->scanners));
	if (!ctx->scanners)
		return -1;
	if (build_models(ctx) != 0)
		return -1;
	for (i = 0; i < ctx->unit_count; i++) {
		unit_scan *u = &ctx->units[i];
		u->scan_failed = calloc(u->set_count + 1, 1);
		u->scan_err = calloc(u->set_count + 1, sizeof(*u->scan_err));
		if (!u->scan_failed || !u->scan_err)
			return -1;
		if (u->model_failed) {
			fprintf(stderr, "%s: %s\n", PROGRAM, u->model_err.message);
			return -1;
		}
		count += (u->set_count + RANGE_SIZE - 1) / RANGE_SIZE;
		ctx->set_total += u->set_count;
	}
	ctx->ranges = calloc(count + 1, sizeof(*ctx->ranges));
	if (!ctx->ranges)
		return -1;
	for (i = 0; i < ctx->unit_count; i++) {
		size_t first;
		for (first = 0; first < ctx->units[i].set_count; first += RANGE_SIZE) {
			size_t left = ctx->units[i].set_count - first;
			ctx->ranges[at].unit = i;
			ctx->ranges[at].first = first;
			ctx->ranges[at++].count = left < RANGE_SIZE ? left : RANGE_SIZE;
		}
	}
	ctx->range_count = at;
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
	size_t i, k;
	/* Models point into the artifacts: they go first. */
	for (i = 0; i < ctx->unit_count; i++) {
		tmdk_model_free(ctx->units[i].model);
		tmdk_report_picture_free(ctx->units[i].picture);
	}
	for (i = 0; i < ctx->context_count; i++) {
		free(ctx->context[i].path);
		tmdk_artifact_free(ctx->context[i].artifact);
	}
	free(ctx->context);
	for (i = 0; i < ctx->folder_count; i++) {
		free(ctx->folders[i].dir);
		free(ctx->folders[i].real);
	}
	free(ctx->folders);
	free((void *)ctx->model_order);
	pthread_mutex_destroy(&ctx->context_lock);
	for (i = 0; ctx->parsed && i < ctx->inputs->count; i++) {
		tmdk_artifact_free(ctx->parsed[i].artifact);
		free(ctx->parsed[i].helm_stream);
	}
	for (i = 0; ctx->ranges && i < ctx->range_count; i++)
		tmdk_findings_free(ctx->ranges[i].findings);
	for (i = 0; ctx->scanners && i < ctx->cfg->jobs; i++)
		tmdk_scanner_free(ctx->scanners[i]);
	for (i = 0; i < ctx->unit_count; i++) {
		unit_scan *u = &ctx->units[i];
		free((void *)u->set);
		free((void *)u->set_path);
		free(u->scan_failed);
		free(u->scan_err);
		for (k = 0; k < u->note_count; k++)
			free(u->notes[k]);
		free(u->notes);
		for (k = 0; k < u->owned_count; k++)
			tmdk_artifact_free(u->owned[k]);
		free(u->owned);
		tmdk_artifact_free(u->derived);
	}
	for (i = 0; i < ctx->extra_count; i++) {
		free(ctx->extras[i].path);
		tmdk_artifact_free(ctx->extras[i].artifact);
	}
	free(ctx->extras);
	free(ctx->units);
	tmdk_units_free(ctx->decided);
	free(ctx->parsed);
	free(ctx->parse_order);
	free(ctx->ranges);
	free(ctx->scanners);
}

/*
 * With several threads, the parsed artifacts, models and findings (the
 * scan's memory, some 50-120 MB) are freed on a thread of their own while
 * the main thread writes the report, which owns copies of all it shows: the
 * teardown was serial time -j2 could not share. run_scan_finish waits for it.
 */
static pthread_t reaper;
static int reaping;

static void *reap(void *arg)
{
	free_ctx(arg);
	free(arg);
	return NULL;
}

static void release_ctx(run_ctx *ctx)
{
	if (ctx->cfg->jobs > 1 && pthread_create(&reaper, NULL, reap, ctx) == 0) {
		reaping = 1;
		return;
	}
	free_ctx(ctx);
	free(ctx);
}

void run_scan_finish(void)
{
	if (reaping)
		pthread_join(reaper, NULL);
	reaping = 0;
}

int run_scan(const scan_config *cfg, const tmdk_catalog *catalog, const input_list *inputs, tmdk_report *report,
	run_stats *stats, FILE *model_out)
{
	run_ctx *ctx = calloc(1, sizeof(*ctx));
	double started = now(), t;
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		return -1;
	}
	ctx->cfg = cfg;
	ctx->inputs = inputs;
	pthread_mutex_init(&ctx->context_lock, NULL);
	ctx->parsed = calloc(inputs->count + 1, sizeof(*ctx->parsed));
	if (!ctx->parsed)
		goto done;
	if (cfg->jobs > 1)
		ctx->parse_order = largest_first(inputs);
	if (run_pool(ctx, parse_one, inputs->count, 1, inputs->count, cfg->jobs, "parsed", started) != 0)
		goto done;
	t = now();
	stats->files_parsed = inputs->count;
	stats->parse_seconds = t - started;
	if (decide_units(ctx) != 0)
		goto done;
	stats->units_seconds = now() - t;
	stats->decide_seconds = ctx->decide_seconds;
	if (prepare_scan(ctx, catalog) != 0)
		goto done;
	stats->model_seconds = now() - t - stats->units_seconds;
	if (run_pool(ctx, scan_range_item, ctx->range_count, RANGE_SIZE, ctx->set_total, cfg->jobs, "scanned", started) != 0)
		goto done;
	stats->scan_seconds = now() - t;
	stats->match_seconds = stats->scan_seconds - stats->units_seconds - stats->model_seconds;
	t = now();
	rc = fill_report(ctx, report, stats);
	stats->fill_seconds = now() - t;
	if (rc >= 0 && model_out && write_models(ctx, model_out) != 0)
		rc = -1;
done:
	if (rc < 0)
		fprintf(stderr, "%s: out of memory or no thread could be started\n", PROGRAM);
	release_ctx(ctx);
	return rc;
}
