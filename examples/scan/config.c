/*
 * The configuration file of tmdk-scan: `.tmdk.yaml` at the scan root, or
 * `--config FILE`; `--no-config` reads none. It is read before the command
 * line, so options given there win (list settings add up). Keys (README,
 * "Use on an existing repository", and man/tmdk-scan.1 document each):
 *
 *   version: 1                          optional; the only version
 *   exclude: [GLOB, ...]                files and folders not scanned
 *   severity_threshold: LEVEL|none      exit 1 at LEVEL or above
 *   min_severity: LEVEL
 *   questions: [Q, ...]   risks: [SLUG, ...]
 *   ignore: [{id: ID, reason: TEXT}]    patterns never run; a reason is required
 *   catalogs: [PATH, ...]               relative to the file's folder
 *   builtin: true|false
 *   paths: {GLOB: {ignore: [ID | {id, reason}], reason: TEXT}}
 *   unparseable: skip|error
 *   format: FORMAT   output: FILE       (relative to the file's folder)
 *   baseline: FILE                      (relative to the file's folder)
 *   inline_ignores: true|false
 *   report_unused_ignores: true|false
 *   strict: true|false                  report_unused_ignores and
 *                                       unparseable: error unless set
 *
 * Unknown keys, wrong types and bad values are errors at their position
 * (`FILE:line:col: error: …`, exit 2), as in catalogs. Pattern ids are
 * checked once the catalogs are loaded (config_check_ids). Parsed with
 * libyaml's document API; nothing here but the public libtmdk API.
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

#define CONFIG_NAME ".tmdk.yaml"
#define CONFIG_MAX_BYTES (1024 * 1024)

typedef struct parser {
	scan_config *cfg;
	const char *path;            /* as shown in messages */
	const char *dir;             /* folder of the file, for relative paths ("" for none) */
	yaml_document_t *doc;
	FILE *errs;
	int strict_set, unparseable_set, unused_set;
} parser;

#if defined(__GNUC__)
static int error_at(parser *p, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

static int error_at(parser *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	if (!p->errs)
		return EXIT_TROUBLE;
	fprintf(p->errs, "%s:%lu:%lu: error: ", p->path, n ? (unsigned long)n->start_mark.line + 1 : 1ul,
		n ? (unsigned long)n->start_mark.column + 1 : 1ul);
	va_start(ap, fmt);
	vfprintf(p->errs, fmt, ap);
	va_end(ap);
	fputc('\n', p->errs);
	return EXIT_TROUBLE;
}

static int nomem(parser *p)
{
	if (p->errs)
		fprintf(p->errs, "%s: out of memory\n", PROGRAM);
	return EXIT_TROUBLE;
}

/* ---- owned strings and growable arrays --------------------------------------- */

static char *own(scan_config *cfg, char *s)
{
	char **o;
	if (!s)
		return NULL;
	o = realloc(cfg->owned, (cfg->owned_count + 1) * sizeof(*o));
	if (!o) {
		free(s);
		return NULL;
	}
	o[cfg->owned_count++] = s;
	cfg->owned = o;
	return s;
}

static const char *own_copy(scan_config *cfg, const char *s)
{
	return own(cfg, strdup(s));
}

static int append(void **items, size_t *count, size_t size, const void *item)
{
	char *p = realloc(*items, (*count + 1) * size);
	if (!p)
		return -1;
	memcpy(p + *count * size, item, size);
	*items = p;
	(*count)++;
	return 0;
}

/* ---- node helpers ---------------------------------------------------------------- */

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain (unquoted) scalar, for true/false/null. */
static int plain(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_null(const yaml_node_t *n)
{
	const char *t = scalar(n);
	return plain(n) && (!*t || !strcmp(t, "null") || !strcmp(t, "~"));
}

static int want_string(parser *p, const yaml_node_t *n, const char *key, const char **out)
{
	const char *t = scalar(n);
	if (!t || is_null(n) || !*t)
		return error_at(p, n, "`%s` must be a non-empty string", key);
	if (strlen(t) != n->data.scalar.length)
		return error_at(p, n, "`%s` must not contain a NUL character", key);
	*out = t;
	return -1;
}

static int want_bool(parser *p, const yaml_node_t *n, const char *key, int *out)
{
	const char *t = scalar(n);
	if (plain(n) && !strcmp(t, "true"))
		*out = 1;
	else if (plain(n) && !strcmp(t, "false"))
		*out = 0;
	else
		return error_at(p, n, "`%s` must be true or false", key);
	return -1;
}

/* Items of a sequence, or a single scalar as a list of one. */
static size_t list_size(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 1;
}

static yaml_node_t *list_item(parser *p, yaml_node_t *n, size_t i)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return yaml_document_get_node(p->doc, n->data.sequence.items.start[i]);
	return n;
}

static int want_list(parser *p, const yaml_node_t *n, const char *key)
{
	if (n->type == YAML_MAPPING_NODE || is_null(n))
		return error_at(p, n, "`%s` must be a list (or one value)", key);
	return -1;
}

/* A path of the file, relative to its folder. */
static const char *relative(parser *p, const char *value)
{
	char *joined;
	size_t n;
	if (value[0] == '/' || !p->dir[0])
		return own_copy(p->cfg, value);
	n = strlen(p->dir) + strlen(value) + 2;
	joined = malloc(n);
	if (joined)
		snprintf(joined, n, "%s/%s", p->dir, value);
	return own(p->cfg, joined);
}

/* Map keys: a scalar each, no duplicates. Calls one(p, key, value) for each pair. */
typedef int (*pair_fn)(parser *p, const char *key, yaml_node_t *knode, yaml_node_t *value, void *arg);

static int each_pair(parser *p, yaml_node_t *map, const char *what, pair_fn one, void *arg)
{
	yaml_node_pair_t *a, *b;
	if (map->type != YAML_MAPPING_NODE)
		return error_at(p, map, "%s must be a map", what);
	for (a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, a->key), *v = yaml_document_get_node(p->doc, a->value);
		const char *key = scalar(k);
		int rc;
		if (!key || !v)
			return error_at(p, k, "keys of %s must be strings", what);
		for (b = map->data.mapping.pairs.start; b < a; b++)
			if (!strcmp(scalar(yaml_document_get_node(p->doc, b->key)) ? scalar(yaml_document_get_node(p->doc, b->key))
				: "", key))
				return error_at(p, k, "duplicate key `%s`", key);
		if ((rc = one(p, key, k, v, arg)) >= 0)
			return rc;
	}
	return -1;
}

/* ---- ignores ------------------------------------------------------------------------ */

static int push_ignore(parser *p, config_ignore **list, size_t *count, const char *id, const char *reason,
	const yaml_node_t *at)
{
	config_ignore e;
	e.id = own_copy(p->cfg, id);
	e.reason = reason ? own_copy(p->cfg, reason) : NULL;
	e.file = p->path;
	e.line = (unsigned int)at->start_mark.line + 1;
	e.column = (unsigned int)at->start_mark.column + 1;
	if (!e.id || (reason && !e.reason) || append((void **)list, count, sizeof(e), &e) != 0)
		return nomem(p);
	return -1;
}

typedef struct ignore_item {
	const char *id, *reason;
	yaml_node_t *id_node;
} ignore_item;

static int ignore_item_pair(parser *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	ignore_item *it = arg;
	if (!strcmp(key, "id")) {
		it->id_node = v;
		return want_string(p, v, "id", &it->id);
	}
	if (!strcmp(key, "reason"))
		return want_string(p, v, "reason", &it->reason);
	return error_at(p, k, "unknown key `%s` in an ignore item (expected id and reason)", key);
}

/* One item of an ignore list: {id, reason}, or in `paths` an id alone when the entry has a reason. */
static int ignore_entry(parser *p, yaml_node_t *n, const char *entry_reason, config_ignore **list, size_t *count)
{
	ignore_item it;
	int rc;
	memset(&it, 0, sizeof(it));
	if (n->type == YAML_SCALAR_NODE && entry_reason) {
		if ((rc = want_string(p, n, "ignore", &it.id)) >= 0)
			return rc;
		return push_ignore(p, list, count, it.id, entry_reason, n);
	}
	if (n->type != YAML_MAPPING_NODE)
		return error_at(p, n, entry_reason ? "an ignore item is a pattern id or {id: ID, reason: TEXT}"
			: "an ignore item is {id: ID, reason: TEXT}: a reason is required");
	if ((rc = each_pair(p, n, "an ignore item", ignore_item_pair, &it)) >= 0)
		return rc;
	if (!it.id)
		return error_at(p, n, "an ignore item needs an `id`");
	if (!it.reason && !entry_reason)
		return error_at(p, n, "ignoring %s needs a `reason`: say why the pattern does not apply", it.id);
	return push_ignore(p, list, count, it.id, it.reason ? it.reason : entry_reason, it.id_node);
}

typedef struct path_entry {
	yaml_node_t *ignore;
	const char *reason;
} path_entry;

static int path_entry_pair(parser *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	path_entry *e = arg;
	if (!strcmp(key, "ignore")) {
		e->ignore = v;
		return want_list(p, v, "ignore");
	}
	if (!strcmp(key, "reason"))
		return want_string(p, v, "reason", &e->reason);
	return error_at(p, k, "unknown key `%s` in a `paths` entry (expected ignore and reason)", key);
}

static int path_pair(parser *p, const char *glob, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	path_rule rule;
	path_entry e;
	size_t i;
	int rc;
	(void)arg;
	memset(&e, 0, sizeof(e));
	memset(&rule, 0, sizeof(rule));
	if (!*glob)
		return error_at(p, k, "a `paths` glob must not be empty");
	if ((rc = each_pair(p, v, "a `paths` entry", path_entry_pair, &e)) >= 0)
		return rc;
	if (!e.ignore || !list_size(e.ignore)) /* an empty list would suppress nothing */
		return error_at(p, e.ignore ? e.ignore : v, "a `paths` entry needs `ignore: [ID, ...]`");
	rule.glob = own_copy(p->cfg, glob);
	if (!rule.glob)
		return nomem(p);
	for (i = 0; i < list_size(e.ignore); i++)
		if ((rc = ignore_entry(p, list_item(p, e.ignore, i), e.reason, &rule.ids, &rule.id_count)) >= 0) {
			free(rule.ids);
			return rc;
		}
	if (append((void **)&p->cfg->path_rules, &p->cfg->path_rule_count, sizeof(rule), &rule) != 0) {
		free(rule.ids);
		return nomem(p);
	}
	return -1;
}

/* ---- top-level keys ------------------------------------------------------------------- */

static int push_string(const char ***list, size_t *count, const char *value)
{
	return append((void **)list, count, sizeof(*list[0]), &value);
}

static int severity(parser *p, yaml_node_t *v, const char *key, int allow_none, int *out)
{
	const char *t;
	tmdk_severity s;
	int rc;
	if ((rc = want_string(p, v, key, &t)) >= 0)
		return rc;
	if (allow_none && !strcasecmp(t, "none")) {
		*out = NO_THRESHOLD;
		return -1;
	}
	if (tmdk_severity_from_name(&s, t) != TMDK_OK)
		return error_at(p, v, "unknown severity `%s` for `%s` (expected info, low, medium, high, critical%s)", t, key,
			allow_none ? " or none" : "");
	*out = (int)s;
	return -1;
}

static const char *const keys[] = { "version", "exclude", "severity_threshold", "min_severity", "questions", "risks",
	"ignore", "catalogs", "builtin", "paths", "unparseable", "format", "output", "baseline", "inline_ignores",
	"report_unused_ignores", "strict", "helm", "helm_values", "compose_overrides" };

/* Edit distance, '-' and '_' alike (a dash where the key has an underscore is a typo too). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[33];
	if (la > 32 || lb > 32)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			char ca = a[i - 1] == '-' ? '_' : a[i - 1], cb = b[j - 1] == '-' ? '_' : b[j - 1];
			best = diag + (ca != cb);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *nearest_key(const char *key)
{
	size_t i, d, best_d = 99;
	const char *best = NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((d = distance(key, keys[i])) < best_d) {
			best_d = d;
			best = keys[i];
		}
	return best && best_d * 3 <= strlen(key) ? best : NULL;
}

static int top_pair(parser *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	scan_config *cfg = p->cfg;
	const char *t, *near;
	size_t i;
	int rc, level;
	(void)arg;

	if (!strcmp(key, "version")) {
		if (!plain(v) || strcmp(scalar(v), "1") != 0)
			return error_at(p, v, "unsupported `version` (expected 1)");
		return -1;
	}
	if (!strcmp(key, "severity_threshold"))
		return severity(p, v, key, 1, &cfg->threshold);
	if (!strcmp(key, "min_severity")) {
		if ((rc = severity(p, v, key, 0, &level)) < 0)
			cfg->min_severity = (tmdk_severity)level;
		return rc;
	}
	if (!strcmp(key, "format")) {
		if ((rc = want_string(p, v, key, &t)) >= 0)
			return rc;
		cfg->model_json = strcmp(t, "model") == 0;
		if (cfg->model_json)
			cfg->format = TMDK_REPORT_JSON;
		else if (tmdk_report_format_from_name(&cfg->format, t) != TMDK_OK)
			return error_at(p, v, "unknown format `%s` (expected text, json, sarif, markdown, html or model)", t);
		return -1;
	}
	if (!strcmp(key, "output") || !strcmp(key, "baseline")) {
		if ((rc = want_string(p, v, key, &t)) >= 0)
			return rc;
		if (!(t = relative(p, t)))
			return nomem(p);
		*(key[0] == 'o' ? &cfg->output : &cfg->baseline) = t;
		return -1;
	}
	if (!strcmp(key, "unparseable")) {
		if ((rc = want_string(p, v, key, &t)) >= 0)
			return rc;
		if (strcmp(t, "skip") && strcmp(t, "error"))
			return error_at(p, v, "`unparseable` must be skip or error");
		cfg->unparseable_error = !strcmp(t, "error");
		p->unparseable_set = 1;
		return -1;
	}
	if (!strcmp(key, "builtin"))
		return want_bool(p, v, key, &cfg->builtin);
	if (!strcmp(key, "inline_ignores"))
		return want_bool(p, v, key, &cfg->inline_ignores);
	if (!strcmp(key, "report_unused_ignores")) {
		p->unused_set = 1;
		return want_bool(p, v, key, &cfg->report_unused_ignores);
	}
	if (!strcmp(key, "strict")) {
		p->strict_set = 1;
		return want_bool(p, v, key, &cfg->strict);
	}
	if (!strcmp(key, "exclude") || !strcmp(key, "catalogs") || !strcmp(key, "questions") || !strcmp(key, "risks")) {
		if ((rc = want_list(p, v, key)) >= 0)
			return rc;
		for (i = 0; i < list_size(v); i++) {
			yaml_node_t *item = list_item(p, v, i);
			tmdk_question q;
			tmdk_risk r;
			if ((rc = want_string(p, item, key, &t)) >= 0)
				return rc;
			if (key[0] == 'q') {
				if (t[0] >= '1' && t[0] <= '4' && !t[1])
					q = (tmdk_question)(t[0] - '1');
				else if (tmdk_question_from_slug(&q, t) != TMDK_OK)
					return error_at(p, item, "unknown question `%s` (expected 1-4, what-are-we-building, "
						"what-can-go-wrong, what-are-we-going-to-do or did-we-do-enough)", t);
				cfg->questions |= 1u << q;
			} else if (key[0] == 'r') {
				if (tmdk_risk_from_slug(&r, t) != TMDK_OK)
					return error_at(p, item, "unknown risk `%s` (see the risk slugs in README.md)", t);
				cfg->risks |= 1ul << r;
			} else if (key[0] == 'e') {
				if (!(t = own_copy(cfg, t)) || push_string(&cfg->excludes, &cfg->exclude_count, t) != 0)
					return nomem(p);
			} else {
				if (!(t = relative(p, t)) || push_string(&cfg->catalogs, &cfg->catalog_count, t) != 0)
					return nomem(p);
			}
		}
		return -1;
	}
	if (!strcmp(key, "ignore")) {
		if ((rc = want_list(p, v, key)) >= 0)
			return rc;
		for (i = 0; i < list_size(v); i++)
			if ((rc = ignore_entry(p, list_item(p, v, i), NULL, &cfg->config_ignores, &cfg->config_ignore_count)) >= 0)
				return rc;
		return -1;
	}
	if (!strcmp(key, "paths"))
		return each_pair(p, v, "`paths`", path_pair, NULL);
	if (!strcmp(key, "helm")) {
		if ((rc = want_string(p, v, key, &t)) >= 0)
			return rc;
		if (!*t)
			return error_at(p, v, "`helm` must be auto, never, required or the path of a helm program");
		if (strchr(t, '/') ? !(t = relative(p, t)) : !(t = own_copy(cfg, t)))
			return nomem(p);
		cfg->helm = t;
		return -1;
	}
	if (!strcmp(key, "helm_values") || !strcmp(key, "compose_overrides")) {
		if ((rc = want_list(p, v, key)) >= 0)
			return rc;
		for (i = 0; i < list_size(v); i++) {
			yaml_node_t *item = list_item(p, v, i);
			if ((rc = want_string(p, item, key, &t)) >= 0)
				return rc;
			if (!*t)
				return error_at(p, item, "an empty name in `%s`", key);
			if (key[0] == 'c' && strchr(t, '/'))
				return error_at(p, item, "`compose_overrides` holds file-name globs (e.g. compose.*.yaml), "
					"not paths: `%s` has a /", t);
			if (key[0] == 'h' && t[0] == '/')
				return error_at(p, item, "`helm_values` paths are relative to each chart: `%s` is absolute", t);
			if (!(t = own_copy(cfg, t)))
				return nomem(p);
			if (key[0] == 'c' ? push_string(&cfg->compose_overrides, &cfg->compose_override_count, t) != 0
				: push_string(&cfg->helm_values, &cfg->helm_value_count, t) != 0)
				return nomem(p);
		}
		return -1;
	}
	near = nearest_key(key);
	if (near)
		return error_at(p, k, "unknown key `%s` (did you mean `%s`?)", key, near);
	return error_at(p, k, "unknown key `%s` (expected version, exclude, severity_threshold, min_severity, questions, "
		"risks, ignore, catalogs, builtin, paths, unparseable, format, output, baseline, inline_ignores, "
		"report_unused_ignores, strict, helm, helm_values or compose_overrides)", key);
}

int config_parse(scan_config *cfg, const char *path, const char *data, size_t len, FILE *errs)
{
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root;
	parser p;
	char *dir = strdup(path), *slash;
	int rc = -1;

	if (!dir)
		return EXIT_TROUBLE;
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		dir[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.path = path;
	p.dir = dir;
	p.errs = errs;
	p.doc = &doc;
	if (!yaml_parser_initialize(&yp)) {
		free(dir);
		return nomem(&p);
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)data, len);
	if (!yaml_parser_load(&yp, &doc)) {
		if (errs)
			fprintf(errs, "%s:%lu:%lu: error: %s%s%s\n", path, (unsigned long)yp.problem_mark.line + 1,
				(unsigned long)yp.problem_mark.column + 1, yp.problem ? yp.problem : "invalid YAML",
				yp.context ? " " : "", yp.context ? yp.context : "");
		yaml_parser_delete(&yp);
		free(dir);
		return EXIT_TROUBLE;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && !is_null(root))
		rc = each_pair(&p, root, "the configuration", top_pair, NULL);
	if (rc < 0) {
		/* A second document would be silently ignored: refuse it. */
		yaml_document_t next;
		if (yaml_parser_load(&yp, &next)) {
			if (yaml_document_get_root_node(&next))
				rc = error_at(&p, yaml_document_get_root_node(&next), "a configuration file holds one YAML document");
			yaml_document_delete(&next);
		}
	}
	if (rc < 0) {
		size_t i;
		for (i = 0; i < cfg->config_ignore_count && rc < 0; i++)
			if (push_string(&cfg->ignores, &cfg->ignore_count, cfg->config_ignores[i].id) != 0)
				rc = nomem(&p);
	}
	if (rc < 0 && cfg->strict) {
		if (!p.unused_set)
			cfg->report_unused_ignores = 1;
		if (!p.unparseable_set)
			cfg->unparseable_error = 1;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	free(dir);
	return rc;
}

int config_load(scan_config *cfg, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t len;
	int rc;

	if (!f) {
		fprintf(stderr, "%s: cannot read the configuration %s: %s\n", PROGRAM, path, strerror(errno));
		return EXIT_TROUBLE;
	}
	data = malloc(CONFIG_MAX_BYTES + 1);
	len = data ? fread(data, 1, CONFIG_MAX_BYTES + 1, f) : 0;
	if (!data || ferror(f) || len > CONFIG_MAX_BYTES) {
		fprintf(stderr, "%s: cannot read the configuration %s: %s\n", PROGRAM, path,
			!data ? "out of memory" : len > CONFIG_MAX_BYTES ? "larger than 1 MiB" : strerror(errno));
		fclose(f);
		free(data);
		return EXIT_TROUBLE;
	}
	fclose(f);
	cfg->config_used = own_copy(cfg, path);
	rc = cfg->config_used ? config_parse(cfg, cfg->config_used, data, len, stderr) : EXIT_TROUBLE;
	free(data);
	return rc;
}

/*
 * Which file: --config FILE; none with --no-config; else .tmdk.yaml in the
 * scan root when it exists: the folder when a single folder is scanned,
 * otherwise (several paths, a file, standard input) the current folder.
 */
int config_locate(scan_config *cfg, const char *explicit_path, int none, const char *const *paths, size_t count)
{
	struct stat st;
	char *found;
	size_t n;

	if (count == 1 && strcmp(paths[0], "-") != 0 && stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode))
		cfg->scan_root = paths[0];
	if (none)
		return -1;
	if (explicit_path)
		return config_load(cfg, explicit_path);
	if (cfg->scan_root) {
		n = strlen(paths[0]) + sizeof(CONFIG_NAME) + 1;
		if (!(found = malloc(n)))
			return EXIT_TROUBLE;
		snprintf(found, n, "%s%s%s", paths[0], paths[0][strlen(paths[0]) - 1] == '/' ? "" : "/", CONFIG_NAME);
		if (stat(found, &st) != 0) {
			free(found);
			return -1;
		}
		cfg->config_used = own(cfg, found);
	} else {
		if (stat(CONFIG_NAME, &st) != 0)
			return -1;
		cfg->config_used = own_copy(cfg, CONFIG_NAME);
	}
	return cfg->config_used ? config_load(cfg, cfg->config_used) : EXIT_TROUBLE;
}

void config_free(scan_config *cfg)
{
	size_t i;
	/* The lists the command line and the configuration both fill. */
	free((void *)cfg->catalogs);
	free((void *)cfg->ignores);
	free((void *)cfg->excludes);
	free((void *)cfg->compose_overrides);
	free((void *)cfg->helm_values);
	for (i = 0; i < cfg->path_rule_count; i++)
		free(cfg->path_rules[i].ids);
	free(cfg->path_rules);
	free(cfg->config_ignores);
	for (i = 0; i < cfg->owned_count; i++)
		free(cfg->owned[i]);
	free(cfg->owned);
}

/* ---- checking pattern ids against the loaded catalogs ------------------------------------ */

static int check_one(const tmdk_catalog *catalog, const config_ignore *e)
{
	const char *near;
	if (tmdk_catalog_find(catalog, e->id))
		return 0;
	near = tmdk_catalog_suggest(catalog, e->id);
	fprintf(stderr, "%s:%u:%u: error: unknown pattern id `%s`%s%s%s\n", e->file, e->line, e->column, e->id,
		near ? " (did you mean `" : "", near ? near : "", near ? "`?)" : "");
	return 1;
}

int config_check_ids(const scan_config *cfg, const tmdk_catalog *catalog)
{
	size_t i, k;
	int bad = 0;
	for (i = 0; i < cfg->ignore_count; i++) {
		const char *near;
		int from_file = 0;
		for (k = 0; k < cfg->config_ignore_count; k++)
			from_file |= cfg->config_ignores[k].id == cfg->ignores[i];
		if (from_file || tmdk_catalog_find(catalog, cfg->ignores[i]))
			continue;
		near = tmdk_catalog_suggest(catalog, cfg->ignores[i]);
		fprintf(stderr, "%s: --ignore: unknown pattern id '%s'%s%s%s\nTry '%s --list-patterns' for the known ids.\n",
			PROGRAM, cfg->ignores[i], near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", PROGRAM);
		bad = 1;
	}
	for (i = 0; i < cfg->config_ignore_count; i++)
		bad |= check_one(catalog, &cfg->config_ignores[i]);
	for (i = 0; i < cfg->path_rule_count; i++)
		for (k = 0; k < cfg->path_rules[i].id_count; k++)
			bad |= check_one(catalog, &cfg->path_rules[i].ids[k]);
	return bad ? EXIT_TROUBLE : 0;
}

/* ---- --print-config --------------------------------------------------------------------- */

/*
 * A double-quoted YAML scalar that reads back as s: escapes for quotes,
 * backslashes, control characters (C0, DEL, C1 with NEL) and the characters
 * YAML treats as line breaks or refuses (U+2028, U+2029, U+FEFF, U+FFFE,
 * U+FFFF). s is valid UTF-8: libyaml checked it.
 */
static void yaml_string(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	fputc('"', out);
	for (; u && *u; u++) {
		unsigned char c = *u;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else if (c == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			fprintf(out, "\\x%02x", *++u);
		else if (c == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9)) {
			fprintf(out, "\\u20%02x", u[2] == 0xa8 ? 0x28 : 0x29);
			u += 2;
		} else if (c == 0xef && ((u[1] == 0xbb && u[2] == 0xbf) || (u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf)))) {
			fprintf(out, "\\u%s", u[1] == 0xbb ? "FEFF" : u[2] == 0xbe ? "FFFE" : "FFFF");
			u += 2;
		} else
			fputc(c, out);
	}
	fputc('"', out);
}

static void string_list(FILE *out, const char *key, const char *const *items, size_t n)
{
	size_t i;
	fprintf(out, "%s: [", key);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		yaml_string(out, items[i]);
	}
	fputs("]\n", out);
}

static void ignore_item_out(FILE *out, const char *id, const char *reason)
{
	fputs("{id: ", out);
	yaml_string(out, id);
	fputs(", reason: ", out);
	yaml_string(out, reason ? reason : "given on the command line");
	fputs("}", out);
}

int config_print(const scan_config *cfg, FILE *out)
{
	size_t i, k;
	int q, n;

	const char *c;

	fprintf(out, "# tmdk-scan: effective settings (%s", cfg->config_used ? "configuration " : "no configuration file");
	for (c = cfg->config_used; c && *c; c++)
		fputc((unsigned char)*c < 0x20 ? '?' : *c, out); /* a comment cannot hold a line break */
	fputs(" and the command line); paths as seen from the current folder\nversion: 1\n", out);
	fprintf(out, "format: %s\n", cfg->model_json ? "model" : tmdk_report_format_name(cfg->format));
	if (cfg->output) {
		fputs("output: ", out);
		yaml_string(out, cfg->output);
		fputc('\n', out);
	}
	fprintf(out, "severity_threshold: %s\n", cfg->threshold == NO_THRESHOLD ? "none"
		: tmdk_severity_name((tmdk_severity)cfg->threshold));
	fprintf(out, "min_severity: %s\n", tmdk_severity_name(cfg->min_severity));
	fputs("questions: [", out);
	for (q = 0, n = 0; q < TMDK_QUESTION_COUNT; q++)
		if (cfg->questions & (1u << q))
			fprintf(out, "%s%s", n++ ? ", " : "", tmdk_question_slug((tmdk_question)q));
	fputs("]\nrisks: [", out);
	for (q = 0, n = 0; q < TMDK_RISK_COUNT; q++)
		if (cfg->risks & (1ul << q))
			fprintf(out, "%s%s", n++ ? ", " : "", tmdk_risk_slug((tmdk_risk)q));
	fputs("]\nignore:", out);
	if (!cfg->ignore_count)
		fputs(" []", out);
	fputc('\n', out);
	for (i = 0; i < cfg->ignore_count; i++) {
		const char *reason = NULL;
		for (k = 0; k < cfg->config_ignore_count; k++)
			if (cfg->config_ignores[k].id == cfg->ignores[i])
				reason = cfg->config_ignores[k].reason;
		fputs("  - ", out);
		ignore_item_out(out, cfg->ignores[i], reason);
		fputc('\n', out);
	}
	string_list(out, "catalogs", cfg->catalogs, cfg->catalog_count);
	fprintf(out, "builtin: %s\n", cfg->builtin ? "true" : "false");
	string_list(out, "exclude", cfg->excludes, cfg->exclude_count);
	fputs("paths:", out);
	if (!cfg->path_rule_count)
		fputs(" {}", out);
	fputc('\n', out);
	for (i = 0; i < cfg->path_rule_count; i++) {
		fputs("  ", out);
		yaml_string(out, cfg->path_rules[i].glob);
		fputs(":\n    ignore:\n", out);
		for (k = 0; k < cfg->path_rules[i].id_count; k++) {
			fputs("      - ", out);
			ignore_item_out(out, cfg->path_rules[i].ids[k].id, cfg->path_rules[i].ids[k].reason);
			fputc('\n', out);
		}
	}
	fprintf(out, "unparseable: %s\n", cfg->unparseable_error ? "error" : "skip");
	if (cfg->baseline) {
		fputs("baseline: ", out);
		yaml_string(out, cfg->baseline);
		fputc('\n', out);
	}
	fprintf(out, "inline_ignores: %s\n", cfg->inline_ignores ? "true" : "false");
	fprintf(out, "report_unused_ignores: %s\n", cfg->report_unused_ignores ? "true" : "false");
	fprintf(out, "strict: %s\n", cfg->strict ? "true" : "false");
	fputs("helm: ", out);
	yaml_string(out, cfg->helm ? cfg->helm : "auto");
	fputc('\n', out);
	string_list(out, "helm_values", cfg->helm_values, cfg->helm_value_count);
	string_list(out, "compose_overrides", cfg->compose_overrides, cfg->compose_override_count);
	return ferror(out) ? EXIT_TROUBLE : EXIT_CLEAN;
}

/* ---- per-path ignores ---------------------------------------------------------------------- */

const char *config_relative_path(const scan_config *cfg, const char *path)
{
	size_t n;
	if (cfg->scan_root && strcmp(cfg->scan_root, ".") != 0 && strcmp(cfg->scan_root, "./") != 0) {
		n = strlen(cfg->scan_root);
		while (n > 1 && cfg->scan_root[n - 1] == '/')
			n--;
		if (strncmp(path, cfg->scan_root, n) == 0 && path[n] == '/')
			path += n + 1;
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

const config_ignore *config_path_ignore(const scan_config *cfg, const tmdk_finding *f)
{
	const char *id = tmdk_pattern_id(tmdk_finding_pattern(f)), *rel;
	size_t i, k;
	if (!cfg->path_rule_count)
		return NULL;
	rel = config_relative_path(cfg, tmdk_finding_path(f));
	for (i = 0; i < cfg->path_rule_count; i++)
		for (k = 0; k < cfg->path_rules[i].id_count; k++)
			if (!strcmp(cfg->path_rules[i].ids[k].id, id) && tmdk_glob_match(cfg->path_rules[i].glob, rel))
				return &cfg->path_rules[i].ids[k];
	return NULL;
}
