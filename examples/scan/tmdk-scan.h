/*
 * tmdk-scan: the scanner CLI, built on libtmdk's public API only.
 * options.c parses the command line, walk.c turns paths into inputs,
 * run.c parses and scans them on worker threads, patterns.c prints
 * --list-patterns and --explain, main.c puts it together.
 */
#ifndef TMDK_SCAN_CLI_H
#define TMDK_SCAN_CLI_H

/* POSIX.1-2008 with XSI: strtok_r, strcasecmp, clock_gettime, gmtime_r. */
#ifndef _XOPEN_SOURCE
# define _XOPEN_SOURCE 700
#endif

#include <stddef.h>
#include <stdio.h>

#include <tmdk.h>

#define PROGRAM "tmdk-scan"

/* Exit codes of DESIGN.md §5. */
#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2

#define NO_THRESHOLD (-1)

enum color_mode { COLOR_AUTO = 0, COLOR_ALWAYS, COLOR_NEVER };

/* The library limits --limit can set (limits.c). */
#define LIMIT_COUNT 14

/* A pattern id named in the configuration file, where it is written. */
typedef struct config_ignore {
	const char *id, *reason;
	const char *file;
	unsigned int line, column;
} config_ignore;

/* `paths:` of the configuration: findings under a glob with these ids are suppressed. */
typedef struct path_rule {
	const char *glob;
	config_ignore *ids;
	size_t id_count;
} path_rule;

typedef struct scan_config {
	tmdk_report_format format;
	int model_json;              /* --format model: the units' system models as JSON instead of a report */
	const char *output;          /* NULL: standard output */
	const char **catalogs;       /* --catalog, in order */
	size_t catalog_count;
	int builtin;                 /* 0 with --no-builtin */
	int threshold;               /* a tmdk_severity, or NO_THRESHOLD */
	tmdk_severity min_severity;
	unsigned int questions;      /* bits, 0: all */
	unsigned long risks;         /* bits, 0: all */
	const char **ignores;
	size_t ignore_count;
	int inline_ignores;
	unsigned int jobs;
	int list_patterns;
	const char *explain;
	enum color_mode color;
	tmdk_kind kind;              /* --kind, TMDK_KIND_AUTO when not given */
	int verbose;
	int echo_errors;             /* also print errors on stderr (the report is not text on stdout) */
	const char **paths;
	size_t path_count;
	size_t limits[LIMIT_COUNT];  /* --limit values, 0: the library's default */
	const char **excludes;       /* --exclude globs (and the config file's), paths never read */
	size_t exclude_count;
	int unparseable_error;       /* --unparseable error: every unparseable YAML/JSON candidate is an error */
	const char *stdin_name;      /* --stdin-name: the path of standard input, also for detection */
	/* The configuration file (config.c), baselines, suppression hygiene. */
	const char *config_used;     /* the configuration file read, or NULL */
	const char *scan_root;       /* the single folder scanned, or NULL (the current folder) */
	int print_config;            /* --print-config */
	const char *baseline;        /* --baseline FILE */
	const char *write_baseline;  /* --write-baseline FILE */
	int report_unused_ignores;   /* --report-unused-ignores */
	int strict;                  /* the configuration's `strict` */
	config_ignore *config_ignores; /* `ignore:` of the configuration (also in ignores) */
	size_t config_ignore_count;
	path_rule *path_rules;       /* `paths:` of the configuration */
	size_t path_rule_count;
	/* Deployment units (unit.h): compose overrides and Helm. */
	const char **compose_overrides; /* `compose_overrides:` globs: overrides of their folder's main compose file */
	size_t compose_override_count;
	const char *helm;            /* --helm PATH, `helm:` (auto, never, required, PATH); NULL: auto */
	const char **helm_values;    /* `helm_values:` files, relative to each chart */
	size_t helm_value_count;
	char **owned;                /* strings the configuration allocated */
	size_t owned_count;
} scan_config;

/* options.c */
/** Fill cfg from argv. @return -1 to go on, or the exit status (0 after --help/--version). */
int parse_options(scan_config *cfg, int argc, char **argv);
void free_options(scan_config *cfg);
/** The scanner options the configuration asks for. */
void scan_options_from_config(tmdk_scan_options *o, const scan_config *cfg);

/* config.c */
/** Parse a configuration's text into cfg (errors to errs, which may be NULL). @return -1 to go on, or 2. */
int config_parse(scan_config *cfg, const char *path, const char *data, size_t len, FILE *errs);
/** Read and parse a configuration file. @return -1 to go on, or 2. */
int config_load(scan_config *cfg, const char *path);
/** --config FILE, --no-config, or .tmdk.yaml at the scan root. @return -1 to go on, or 2. */
int config_locate(scan_config *cfg, const char *explicit_path, int none, const char *const *paths, size_t count);
/** Free what the configuration allocated and the lists both it and the command line fill (not `paths`). */
void config_free(scan_config *cfg);
/** Every pattern id of --ignore and of the configuration exists. @return 0, or 2 (each reported). */
int config_check_ids(const scan_config *cfg, const tmdk_catalog *catalog);
/** A finding's path relative to the scan root, '/'-separated. */
const char *config_relative_path(const scan_config *cfg, const char *path);
/** The `paths:` ignore covering a finding, or NULL. */
const config_ignore *config_path_ignore(const scan_config *cfg, const tmdk_finding *f);
/** --print-config: the effective settings as a configuration file. @return 0, or 2 on a write error. */
int config_print(const scan_config *cfg, FILE *out);

/* limits.c */
/** One NAME=N of --limit. @return -1 to go on, or the exit status. */
int parse_limit(scan_config *cfg, const char *item);
void apply_parse_limits(tmdk_parse_options *o, const scan_config *cfg);
void apply_compile_limits(tmdk_compile_options *o, const scan_config *cfg);
void apply_scan_limits(tmdk_scan_options *o, const scan_config *cfg);

/* listings.c */
/** What the walk listed, for deciding the units without asking the file system again. */
typedef struct listings listings;
/** A record for walks with these TMDK_WALK_* flags. @return NULL when out of memory (decide without). */
listings *listings_new(unsigned int walk_flags);
/** A walk of the folder `root` (borrowed until the next) starts: its entries follow. */
void listings_walk(listings *l, const char *root);
/** Record an entry of the walk (tmdk_walk's callback). Out of memory, the record is forgotten. */
void listings_add(listings *l, const tmdk_walk_entry *e);
/** The walks are done: sort for lookups. */
void listings_finish(listings *l);
/** Forget all (a walk that did not end, or the units are decided): lookups say -1. l may be NULL. */
void listings_forget(listings *l);
void listings_free(listings *l);
/** tmdk_units_options.lookup, payload a finished listings. */
int listings_lookup(const char *folder, const char *name, int want, void *payload);

/* walk.c */
typedef struct input {
	char *path;                  /* as shown and opened ("<stdin>" for -) */
	int is_stdin;
	int named;                   /* named on the command line (not found by walking) */
	unsigned int flags;          /* TMDK_CANDIDATE_* from the walk */
} input;

typedef struct input_list {
	input *items;
	size_t count, cap;
	char **helm_templates;       /* skipped as "Helm template (not rendered)": reported unless their chart is rendered */
	size_t helm_template_count;
	listings *listings;          /* what the walk listed, for deciding the units (NULL: nothing) */
} input_list;

#define HELM_TEMPLATE_REASON "Helm template (not rendered)"

/**
 * Expand the paths into inputs, sorted within each folder; folders that are
 * unreadable are recorded in the report as errors. @return the number of
 * such errors, or -1 when out of memory.
 */
int collect_inputs(const scan_config *cfg, input_list *out, tmdk_report *report);
void free_inputs(input_list *list);

/* run.c */
typedef struct run_stats {
	size_t files_parsed, artifacts, documents, errors;
	double parse_seconds, scan_seconds; /* scan: units, models and matching */
	/* where the time went, for -v: walking the roots, making the units
	 * (deciding them: tmdk_units_decide, one thread whatever -j says),
	 * building their models, matching, filling and writing the report */
	double walk_seconds, units_seconds, decide_seconds, model_seconds, match_seconds, fill_seconds, write_seconds;
} run_stats;

/**
 * Parse every candidate input and scan all artifacts as one set on
 * cfg->jobs threads; findings, files and errors go into the report in a
 * deterministic order; with model_out, the units' system models are written
 * there as JSON (--format model). @return the number of inputs or scans that failed,
 * or -1 on a fatal error (out of memory, threads).
 */
int run_scan(const scan_config *cfg, const tmdk_catalog *catalog, const input_list *inputs,
	tmdk_report *report, run_stats *stats, FILE *model_out);
/** Wait until the memory of the last run_scan is freed (with several jobs it
 *  is freed while the report is written); inputs must live until then. */
void run_scan_finish(void);
/** Print "path:line:col: error: message" to stderr. */
void print_error(const char *path, unsigned int line, unsigned int column, const char *message);

/* helm.c */
/** The text is a rendered Helm stream (its first line that is not blank or `---` is a `# Source:` comment). */
int helm_is_stream(const char *data, size_t len);
/**
 * Split a rendered stream by its `# Source: CHART/PATH` comments into one
 * Kubernetes artifact per template, named CHART_DIR/PATH. @return TMDK_OK,
 * TMDK_EPARSE (a bad stream, err says where), TMDK_ENOMEM, or a parse error.
 */
int helm_split(const scan_config *cfg, const char *chart_dir, const char *data, size_t len, tmdk_artifact ***out,
	size_t *count, tmdk_error *err);
/** @return 0 rendered (*out, malloc'd), 1 no helm (why), 2 helm failed (why), -1 out of memory. */
int helm_render(const scan_config *cfg, const char *chart, char **out, size_t *len_out, char *why, size_t why_size);
/** The configuration asks for rendering (`helm: required` or a helm named): failures are errors. */
int helm_required(const scan_config *cfg);

/* patterns.c */
/** 1 if the pattern passes the --question/--risk/--ignore/--min-severity filters. */
int pattern_selected(const scan_config *cfg, const tmdk_pattern *p);
int list_patterns(const scan_config *cfg, const tmdk_catalog *catalog, FILE *out);
/** @return 0, or 2 when the pattern does not exist. */
int explain_pattern(const tmdk_catalog *catalog, const char *id, FILE *out);

#endif
