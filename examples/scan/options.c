/*
 * tmdk-scan's command line. Long options take their value as `--opt VALUE`
 * or `--opt=VALUE`; short ones as `-j 4` or `-j4`. Repeatable list options
 * (--catalog, --question, --risk, --ignore, --limit) also accept comma-separated
 * values. Every option here is documented in man/tmdk-scan.1, and
 * tests/check-man.sh checks that --help and the man page list the same ones.
 */
#include "tmdk-scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: tmdk-scan [OPTIONS] PATH...\n"
	"Scan Dockerfiles, compose files, Kubernetes manifests, daemon.json and docker inspect\n"
	"output for the threats of the OWASP Docker and Kubernetes Threat Modeling Cheat Sheet.\n"
	"PATH is a file, a folder (walked recursively) or - for standard input.\n"
	"\n"
	"Output:\n"
	"  -f, --format FORMAT         text (default), json, sarif, markdown or html; model: the\n"
	"                              system model of each unit as JSON (docs/system-model.md)\n"
	"  -o, --output FILE           write the report to FILE instead of standard output\n"
	"      --min-severity LEVEL    only run and show patterns of LEVEL or above\n"
	"                              (info, low, medium, high, critical; default info)\n"
	"      --color WHEN            auto (default), always or never; NO_COLOR turns auto off\n"
	"  -v, --verbose               list skipped files with their reasons, warnings and timing;\n"
	"                              the text report also lists suppressed and baseline findings\n"
	"\n"
	"Patterns:\n"
	"  -c, --catalog PATH          also load a catalog file or folder (repeatable)\n"
	"      --no-builtin            do not load the built-in catalog\n"
	"      --question Q            only patterns of question Q: a slug or 1-4 (repeatable)\n"
	"      --risk SLUG             only patterns of this risk (repeatable)\n"
	"      --ignore ID             never run pattern ID (repeatable)\n"
	"      --no-inline-ignores     disregard tmdk:ignore comments and tmdk.io/ignore annotations\n"
	"      --report-unused-ignores report inline ignores that suppress nothing (TMDK-META-003)\n"
	"      --list-patterns         list the patterns that would run, then exit\n"
	"      --explain ID            describe pattern ID with its mitigation, references and\n"
	"                              examples, then exit\n"
	"\n"
	"Scanning:\n"
	"      --kind KIND             the kind of standard input and of files named on the command\n"
	"                              line: dockerfile, compose, kubernetes, daemon-json,\n"
	"                              docker-inspect (default: detected)\n"
	"      --exclude GLOB          never read paths matching GLOB (repeatable): gitignore-like,\n"
	"                              relative to the scanned folder, e.g. 'test/**', '*.json',\n"
	"                              '**/fixtures/**'; a folder name excludes all under it\n"
	"      --unparseable MODE      a YAML or JSON file that does not parse and whose name does\n"
	"                              not mark it as an artifact: skip (default; listed with -v)\n"
	"                              or error (exit 2)\n"
	"      --stdin-name NAME       the path shown for standard input, also used to detect\n"
	"                              its kind by name (e.g. deploy/compose.yaml)\n"
	"      --helm PATH             render Helm charts with this helm (default: helm on PATH,\n"
	"                              else a note per chart); auto, never, or required (helm\n"
	"                              on PATH, a chart that cannot be rendered is an error)\n"
	"  -j, --jobs N                worker threads (default: the number of CPUs)\n"
	"      --limit NAME=N          change a resource limit of the library (repeatable), e.g.\n"
	"                              max_input_bytes, max_documents, max_findings,\n"
	"                              max_set_visits: see the README's Limits table\n"
	"      --severity-threshold LEVEL\n"
	"                              exit 1 when a finding is at LEVEL or above\n"
	"                              (default low; none: never)\n"
	"\n"
	"Configuration and baseline:\n"
	"      --config FILE           read settings from FILE (default: .tmdk.yaml at the scan root)\n"
	"      --no-config             read no configuration file\n"
	"      --print-config          print the effective settings as a configuration file, then exit\n"
	"      --baseline FILE         findings of FILE (an earlier JSON or SARIF report) are reported as\n"
	"                              unchanged and do not count for the exit status\n"
	"      --write-baseline FILE   also write the JSON report to FILE, to be used as --baseline\n"
	"\n"
	"      --version               print the version and exit\n"
	"  -h, --help                  print this help and exit\n"
	"\n"
	"Exit status: 0 no finding at or above the threshold, 1 findings at or above it,\n"
	"2 usage error, or an input or catalog that could not be read or parsed.\n";

enum opt_id {
	OPT_FORMAT, OPT_OUTPUT, OPT_MIN_SEVERITY, OPT_COLOR, OPT_VERBOSE, OPT_CATALOG, OPT_NO_BUILTIN,
	OPT_QUESTION, OPT_RISK, OPT_IGNORE, OPT_NO_INLINE_IGNORES, OPT_LIST_PATTERNS, OPT_EXPLAIN,
	OPT_KIND, OPT_EXCLUDE, OPT_UNPARSEABLE, OPT_STDIN_NAME, OPT_HELM, OPT_JOBS, OPT_LIMIT, OPT_THRESHOLD, OPT_VERSION, OPT_HELP,
	OPT_CONFIG, OPT_NO_CONFIG, OPT_PRINT_CONFIG, OPT_BASELINE, OPT_WRITE_BASELINE, OPT_REPORT_UNUSED
};

typedef struct option_spec {
	const char *name;
	char short_name;
	int has_arg;
	enum opt_id id;
} option_spec;

static const option_spec options[] = {
	{ "format", 'f', 1, OPT_FORMAT },
	{ "output", 'o', 1, OPT_OUTPUT },
	{ "min-severity", 0, 1, OPT_MIN_SEVERITY },
	{ "color", 0, 1, OPT_COLOR },
	{ "verbose", 'v', 0, OPT_VERBOSE },
	{ "catalog", 'c', 1, OPT_CATALOG },
	{ "no-builtin", 0, 0, OPT_NO_BUILTIN },
	{ "question", 0, 1, OPT_QUESTION },
	{ "risk", 0, 1, OPT_RISK },
	{ "ignore", 0, 1, OPT_IGNORE },
	{ "no-inline-ignores", 0, 0, OPT_NO_INLINE_IGNORES },
	{ "list-patterns", 0, 0, OPT_LIST_PATTERNS },
	{ "explain", 0, 1, OPT_EXPLAIN },
	{ "kind", 0, 1, OPT_KIND },
	{ "exclude", 0, 1, OPT_EXCLUDE },
	{ "unparseable", 0, 1, OPT_UNPARSEABLE },
	{ "stdin-name", 0, 1, OPT_STDIN_NAME },
	{ "helm", 0, 1, OPT_HELM },
	{ "jobs", 'j', 1, OPT_JOBS },
	{ "limit", 0, 1, OPT_LIMIT },
	{ "severity-threshold", 0, 1, OPT_THRESHOLD },
	{ "version", 0, 0, OPT_VERSION },
	{ "help", 'h', 0, OPT_HELP },
	{ "config", 0, 1, OPT_CONFIG },
	{ "no-config", 0, 0, OPT_NO_CONFIG },
	{ "print-config", 0, 0, OPT_PRINT_CONFIG },
	{ "baseline", 0, 1, OPT_BASELINE },
	{ "write-baseline", 0, 1, OPT_WRITE_BASELINE },
	{ "report-unused-ignores", 0, 0, OPT_REPORT_UNUSED },
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", PROGRAM);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", PROGRAM);
	return EXIT_TROUBLE;
}

static int push(const char ***list, size_t *count, const char *value)
{
	const char **p = realloc((void *)*list, (*count + 1) * sizeof(**list));
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		return EXIT_TROUBLE;
	}
	p[(*count)++] = value;
	*list = p;
	return -1;
}

static int parse_severity(int *out, const char *text, int allow_none)
{
	tmdk_severity s;
	if (allow_none && strcasecmp(text, "none") == 0) {
		*out = NO_THRESHOLD;
		return 0;
	}
	if (tmdk_severity_from_name(&s, text) != TMDK_OK)
		return -1;
	*out = (int)s;
	return 0;
}

/* Each comma-separated item of `value` through `one`; -1 to go on, or an exit status. */
static int each_item(scan_config *cfg, char *value, int (*one)(scan_config *, const char *))
{
	char *save = NULL, *item;
	for (item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		int rc = one(cfg, item);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

static int add_question(scan_config *cfg, const char *item)
{
	tmdk_question q;
	if (item[0] >= '1' && item[0] <= '4' && !item[1])
		q = (tmdk_question)(item[0] - '1');
	else if (tmdk_question_from_slug(&q, item) != TMDK_OK)
		return usage_error("unknown question '%s' (expected 1-4, what-are-we-building, what-can-go-wrong, "
			"what-are-we-going-to-do or did-we-do-enough)", item);
	cfg->questions |= 1u << q;
	return -1;
}

static int add_risk(scan_config *cfg, const char *item)
{
	tmdk_risk r;
	if (tmdk_risk_from_slug(&r, item) != TMDK_OK)
		return usage_error("unknown risk '%s' (see the risk slugs in README.md or --list-patterns)", item);
	cfg->risks |= 1ul << r;
	return -1;
}

static int add_ignore(scan_config *cfg, const char *item)
{
	return push(&cfg->ignores, &cfg->ignore_count, item);
}

static int add_catalog(scan_config *cfg, const char *item)
{
	return push(&cfg->catalogs, &cfg->catalog_count, item);
}

static int parse_jobs(scan_config *cfg, const char *value)
{
	char *end;
	long n = strtol(value, &end, 10);
	if (*end || n < 1 || n > 256)
		return usage_error("invalid number of jobs '%s' (expected 1 to 256)", value);
	cfg->jobs = (unsigned int)n;
	return -1;
}

static int apply(scan_config *cfg, enum opt_id id, char *value)
{
	int level;
	switch (id) {
	case OPT_FORMAT:
		/* The system model is not a report of findings: JSON of its own (docs/system-model.md). */
		cfg->model_json = strcmp(value, "model") == 0;
		if (cfg->model_json) {
			cfg->format = TMDK_REPORT_JSON;
			return -1;
		}
		if (tmdk_report_format_from_name(&cfg->format, value) != TMDK_OK)
			return usage_error("unknown format '%s' (expected text, json, sarif, markdown, html or model)", value);
		return -1;
	case OPT_OUTPUT: cfg->output = value; return -1;
	case OPT_MIN_SEVERITY:
		if (parse_severity(&level, value, 0) != 0)
			return usage_error("unknown severity '%s' (expected info, low, medium, high or critical)", value);
		cfg->min_severity = (tmdk_severity)level;
		return -1;
	case OPT_THRESHOLD:
		if (parse_severity(&cfg->threshold, value, 1) != 0)
			return usage_error("unknown severity '%s' (expected info, low, medium, high, critical or none)", value);
		return -1;
	case OPT_COLOR:
		if (strcmp(value, "auto") == 0)
			cfg->color = COLOR_AUTO;
		else if (strcmp(value, "always") == 0)
			cfg->color = COLOR_ALWAYS;
		else if (strcmp(value, "never") == 0)
			cfg->color = COLOR_NEVER;
		else
			return usage_error("invalid --color '%s' (expected auto, always or never)", value);
		return -1;
	case OPT_VERBOSE: cfg->verbose = 1; return -1;
	case OPT_CATALOG: return each_item(cfg, value, add_catalog);
	case OPT_NO_BUILTIN: cfg->builtin = 0; return -1;
	case OPT_QUESTION: return each_item(cfg, value, add_question);
	case OPT_RISK: return each_item(cfg, value, add_risk);
	case OPT_IGNORE: return each_item(cfg, value, add_ignore);
	case OPT_NO_INLINE_IGNORES: cfg->inline_ignores = 0; return -1;
	case OPT_LIST_PATTERNS: cfg->list_patterns = 1; return -1;
	case OPT_EXPLAIN: cfg->explain = value; return -1;
	case OPT_KIND:
		if (tmdk_kind_from_name(&cfg->kind, value) != TMDK_OK || cfg->kind == TMDK_KIND_UNKNOWN)
			return usage_error("unknown kind '%s' (expected dockerfile, compose, kubernetes, daemon-json "
				"or docker-inspect)", value);
		return -1;
	case OPT_EXCLUDE:
		if (!*value)
			return usage_error("%s", "--exclude needs a glob");
		return push(&cfg->excludes, &cfg->exclude_count, value);
	case OPT_UNPARSEABLE:
		if (strcmp(value, "skip") == 0)
			cfg->unparseable_error = 0;
		else if (strcmp(value, "error") == 0)
			cfg->unparseable_error = 1;
		else
			return usage_error("invalid --unparseable '%s' (expected skip or error)", value);
		return -1;
	case OPT_STDIN_NAME:
		if (!*value)
			return usage_error("%s", "--stdin-name needs a name");
		cfg->stdin_name = value;
		return -1;
	case OPT_HELM:
		if (!*value)
			return usage_error("%s", "--helm needs a program (a path, or auto, never, required)");
		cfg->helm = value;
		return -1;
	case OPT_JOBS: return parse_jobs(cfg, value);
	case OPT_LIMIT: return each_item(cfg, value, parse_limit);
	case OPT_VERSION:
		printf("%s (libtmdk) %s\n", PROGRAM, tmdk_version(NULL, NULL, NULL));
		return EXIT_CLEAN;
	case OPT_HELP:
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	case OPT_CONFIG: case OPT_NO_CONFIG: return -1; /* read first: see prescan */
	case OPT_PRINT_CONFIG: cfg->print_config = 1; return -1;
	case OPT_BASELINE: cfg->baseline = value; return -1;
	case OPT_WRITE_BASELINE: cfg->write_baseline = value; return -1;
	case OPT_REPORT_UNUSED: cfg->report_unused_ignores = 1; return -1;
	}
	return -1;
}

static const option_spec *find_long(const char *name, size_t len)
{
	size_t i;
	for (i = 0; i < OPTION_COUNT; i++)
		if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const option_spec *find_short(char c)
{
	size_t i;
	for (i = 0; i < OPTION_COUNT; i++)
		if (options[i].short_name == c)
			return &options[i];
	return NULL;
}

/* One option at argv[*i]; consumes its value. -1 to go on, or an exit status. */
static int parse_one(scan_config *cfg, int argc, char **argv, int *i)
{
	char *arg = argv[*i], *value = NULL;
	const option_spec *spec;

	if (arg[1] == '-') {
		char *eq = strchr(arg + 2, '=');
		spec = find_long(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (!spec)
			return usage_error("unknown option '%s'", arg);
		if (eq && !spec->has_arg)
			return usage_error("option '--%s' takes no value", spec->name);
		value = eq ? eq + 1 : NULL;
	} else {
		spec = find_short(arg[1]);
		if (!spec)
			return usage_error("unknown option '%s'", arg);
		if (arg[2] && !spec->has_arg)
			return usage_error("option '%s' takes no value (options cannot be combined)", arg);
		value = arg[2] ? arg + 2 : NULL;
	}
	if (spec->has_arg && !value) {
		if (*i + 1 >= argc)
			return usage_error("option '%s' needs a value", arg);
		value = argv[++*i];
	}
	return apply(cfg, spec->id, value);
}

static unsigned int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1u : (n > 64 ? 64u : (unsigned int)n);
}

/*
 * Before the command line proper: find --config/--no-config and the paths,
 * and read the configuration file, so that the options then override it.
 * Nothing is read for --help and --version; errors in the options are left
 * to the second pass.
 */
static int prescan(scan_config *cfg, int argc, char **argv)
{
	const char *config = NULL, **paths = NULL;
	size_t path_count = 0;
	int i, only_paths = 0, none = 0, rc;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *value = NULL;
		const option_spec *spec = NULL;
		if (!only_paths && strcmp(arg, "--") == 0) {
			only_paths = 1;
			continue;
		}
		if (only_paths || arg[0] != '-' || arg[1] == '\0') {
			if (push(&paths, &path_count, arg) >= 0) {
				free((void *)paths);
				return EXIT_TROUBLE;
			}
			continue;
		}
		if (arg[1] == '-') {
			eq = strchr(arg + 2, '=');
			spec = find_long(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
			value = eq ? eq + 1 : NULL;
			if (spec && spec->has_arg && !eq && i + 1 < argc)
				value = argv[++i];
		} else {
			spec = find_short(arg[1]);
			if (spec && spec->has_arg && !arg[2] && i + 1 < argc)
				value = argv[++i];
		}
		if (!spec)
			continue;
		if (spec->id == OPT_HELP || spec->id == OPT_VERSION) {
			free((void *)paths);
			return -1;
		}
		if (spec->id == OPT_CONFIG && value)
			config = value;
		if (spec->id == OPT_NO_CONFIG)
			none = 1;
	}
	if (config && none)
		rc = usage_error("%s", "--config and --no-config cannot be used together");
	else
		rc = config_locate(cfg, config, none, paths, path_count);
	free((void *)paths);
	return rc;
}

int parse_options(scan_config *cfg, int argc, char **argv)
{
	int i, only_paths = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->format = TMDK_REPORT_TEXT;
	cfg->builtin = 1;
	cfg->threshold = TMDK_SEVERITY_LOW;
	cfg->min_severity = TMDK_SEVERITY_INFO;
	cfg->inline_ignores = 1;
	cfg->kind = TMDK_KIND_AUTO;
	cfg->color = COLOR_AUTO;
	if ((i = prescan(cfg, argc, argv)) >= 0)
		return i;
	for (i = 1; i < argc; i++) {
		int rc;
		if (!only_paths && strcmp(argv[i], "--") == 0) {
			only_paths = 1;
			continue;
		}
		if (only_paths || argv[i][0] != '-' || argv[i][1] == '\0')
			rc = push(&cfg->paths, &cfg->path_count, argv[i]);
		else
			rc = parse_one(cfg, argc, argv, &i);
		if (rc >= 0)
			return rc;
	}
	if (!cfg->jobs)
		cfg->jobs = cpu_count();
	cfg->echo_errors = cfg->format != TMDK_REPORT_TEXT || cfg->output != NULL;
	if (!cfg->builtin && !cfg->catalog_count)
		return usage_error("%s", "--no-builtin leaves no pattern to run: add --catalog PATH");
	if (!cfg->path_count && !cfg->list_patterns && !cfg->explain && !cfg->print_config)
		return usage_error("%s", "no PATH to scan (use . for the current folder, - for standard input)");
	return -1;
}

void free_options(scan_config *cfg)
{
	free((void *)cfg->paths);
	config_free(cfg);
}

void scan_options_from_config(tmdk_scan_options *o, const scan_config *cfg)
{
	tmdk_scan_options_init(o, TMDK_SCAN_OPTIONS_VERSION);
	o->min_severity = cfg->min_severity;
	o->questions = cfg->questions;
	o->risks = cfg->risks;
	o->ignore_ids = cfg->ignores;
	o->ignore_count = cfg->ignore_count;
	if (!cfg->inline_ignores)
		o->flags |= TMDK_SCAN_NO_INLINE_IGNORES;
	if (cfg->report_unused_ignores)
		o->flags |= TMDK_SCAN_REPORT_UNUSED_IGNORES;
	apply_scan_limits(o, cfg);
}
