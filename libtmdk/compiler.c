/*
 * The catalog compiler: collects sources, validates every pattern (reporting
 * all problems with file, line, column and pattern id), and builds the
 * immutable catalog. Example checking lives in catalog_examples.c.
 */
#include "catalog_int.h"
#include "catalog_load.h"
#include "array.h"
#include "walk_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tmdk_compile_options_init(tmdk_compile_options *opts, unsigned int version)
{
	tmdk_compile_options init = TMDK_COMPILE_OPTIONS_INIT;
	if (!opts || version != TMDK_COMPILE_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

static void fill_defaults(tmdk_compile_options *o)
{
	if (!o->max_catalog_bytes)
		o->max_catalog_bytes = TMDK_DEFAULT_MAX_CATALOG_BYTES;
	if (!o->max_patterns)
		o->max_patterns = TMDK_DEFAULT_MAX_PATTERNS;
	if (!o->regex_match_limit)
		o->regex_match_limit = TMDK_DEFAULT_REGEX_MATCH_LIMIT;
	if (!o->regex_depth_limit)
		o->regex_depth_limit = TMDK_DEFAULT_REGEX_DEPTH_LIMIT;
	if (!o->max_regex_length)
		o->max_regex_length = TMDK_DEFAULT_MAX_REGEX_LENGTH;
}

int tmdk_compiler_new(tmdk_compiler **out, const tmdk_compile_options *opts, tmdk_error *err)
{
	tmdk_compiler *c;
	tmdk_error_clear(err);
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	if (opts && opts->version != TMDK_COMPILE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"unsupported tmdk_compile_options version %u (expected %u)", opts->version, TMDK_COMPILE_OPTIONS_VERSION);
	c = tmdk__calloc(1, sizeof(*c));
	if (!c)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	tmdk__arena_init(&c->arena);
	if (opts)
		c->opts = *opts;
	else
		tmdk_compile_options_init(&c->opts, TMDK_COMPILE_OPTIONS_VERSION);
	fill_defaults(&c->opts);
	*out = c;
	return TMDK_OK;
}

void tmdk_compiler_free(tmdk_compiler *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->source_count; i++)
		tmdk_artifact_free(c->sources[i].artifact);
	tmdk__free(c->sources);
	tmdk__free(c->diags);
	tmdk__arena_release(&c->arena);
	tmdk__free(c);
}

/* ---- diagnostics ------------------------------------------------------------ */

void tmdk__compiler_diag(tmdk_compiler *c, tmdk_diag_level level, int code, const char *file,
	unsigned int line, unsigned int column, const char *pattern_id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	tmdk_diagnostic *d;

	if (level == TMDK_DIAG_WARNING && (c->opts.flags & TMDK_COMPILE_STRICT))
		level = TMDK_DIAG_ERROR;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level == TMDK_DIAG_ERROR)
		c->error_count++;
	if (TMDK__ARRAY_RESERVE(c->diags, c->diag_count, c->diag_cap, 16) != TMDK_OK) {
		c->nomem = 1;
		return;
	}
	d = &c->diags[c->diag_count];
	d->level = level;
	d->code = code;
	d->file = file ? tmdk__arena_strdup(&c->arena, file) : NULL;
	d->line = line;
	d->column = column;
	d->pattern_id = pattern_id ? tmdk__arena_strdup(&c->arena, pattern_id) : NULL;
	d->message = tmdk__arena_strdup(&c->arena, msg);
	if (!d->message || (file && !d->file) || (pattern_id && !d->pattern_id)) {
		c->nomem = 1;
		return;
	}
	c->diag_count++;
	if (c->opts.diagnostic_cb && !c->callback_stopped)
		c->callback_stopped = c->opts.diagnostic_cb(d, c->opts.diagnostic_payload) != 0;
}

size_t tmdk_compiler_diagnostic_count(const tmdk_compiler *c)
{
	return c ? c->diag_count : 0;
}

const tmdk_diagnostic *tmdk_compiler_diagnostic(const tmdk_compiler *c, size_t index)
{
	return c && index < c->diag_count ? &c->diags[index] : NULL;
}

size_t tmdk_compiler_error_count(const tmdk_compiler *c)
{
	return c ? c->error_count : 0;
}

/* ---- sources ---------------------------------------------------------------- */

static int add_source(tmdk_compiler *c, const char *name, const void *data, size_t len, tmdk_error *err)
{
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error perr;
	int rc;

	if (c->compiled)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "the compiler was already used; create a new one");
	if (len > c->opts.max_catalog_bytes) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ELIMIT, name, 0, 0, NULL,
			"catalog is %zu bytes, over the limit of %zu (max_catalog_bytes)", len, c->opts.max_catalog_bytes);
		return TMDK_OK;
	}
	po.max_input_bytes = c->opts.max_catalog_bytes;
	rc = tmdk__artifact_load_yaml(&a, name, data, len, &po, &perr);
	if (rc == TMDK_ENOMEM)
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	if (rc != TMDK_OK) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, rc, name, perr.line, perr.column, NULL, "%s", perr.message);
		return TMDK_OK;
	}
	if (TMDK__ARRAY_RESERVE(c->sources, c->source_count, c->source_cap, 8) != TMDK_OK) {
		tmdk_artifact_free(a);
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	}
	c->sources[c->source_count].artifact = a;
	c->source_count++;
	return TMDK_OK;
}

int tmdk_compiler_add_buffer(tmdk_compiler *c, const char *name, const void *data, size_t len, tmdk_error *err)
{
	tmdk_error_clear(err);
	if (!c || (!data && len))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	return add_source(c, name ? name : "<buffer>", data, len, err);
}

static int has_yaml_ext(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int add_file(tmdk_compiler *c, const char *path, tmdk_error *err)
{
	char *buf;
	size_t len;
	int rc = tmdk__read_file(path, c->opts.max_catalog_bytes, "max_catalog_bytes", &buf, &len, err);

	if (rc == TMDK_ELIMIT) {
		/* Too big is a problem in the catalog, reported like the others. */
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ELIMIT, path, 0, 0, NULL,
			"catalog is over the limit of %zu bytes (max_catalog_bytes)", c->opts.max_catalog_bytes);
		tmdk_error_clear(err);
		return TMDK_OK;
	}
	if (rc != TMDK_OK)
		return rc;
	rc = add_source(c, path, buf, len, err);
	tmdk__text_free(buf);
	return rc;
}

static int add_dir(tmdk_compiler *c, const char *dir, int depth, tmdk_error *err)
{
	tmdk__listing l;
	size_t i;
	int rc;

	if (depth > 32)
		return tmdk__error_set(err, TMDK_ELIMIT, dir, 0, 0, "catalog folders nested deeper than 32 levels");
	/* Byte order (strcmp), never the locale: the listing tmdk_walk uses. */
	rc = tmdk__list_folder(dir, &l, err);
	if (rc == TMDK_EIO)
		return tmdk__error_set(err, TMDK_EIO, dir, 0, 0, "cannot read catalog folder: %s",
			strchr(err->message, ':') ? strchr(err->message, ':') + 2 : err->message);
	if (rc != TMDK_OK)
		return rc;
	for (i = 0; i < l.count && rc == TMDK_OK; i++) {
		const char *base = l.entries[i].name;
		char *child;
		struct stat st;
		if (base[0] == '.')
			continue;
		child = tmdk__arena_printf(&c->arena, "%s/%s", dir, base);
		if (!child)
			rc = tmdk__error_set(err, TMDK_ENOMEM, dir, 0, 0, "out of memory");
		else if (stat(child, &st) == 0 && S_ISDIR(st.st_mode))
			rc = add_dir(c, child, depth + 1, err);
		else if (has_yaml_ext(base))
			rc = add_file(c, child, err);
	}
	tmdk__listing_free(&l);
	return rc;
}

int tmdk_compiler_add_path(tmdk_compiler *c, const char *path, tmdk_error *err)
{
	struct stat st;
	tmdk_error_clear(err);
	if (!c || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	if (stat(path, &st) != 0)
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "cannot open catalog: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return add_dir(c, path, 0, err);
	return add_file(c, path, err);
}

int tmdk_compiler_add_builtin(tmdk_compiler *c, tmdk_error *err)
{
	size_t i;
	int rc = TMDK_OK;

	tmdk_error_clear(err);
	if (!c)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	if (c->compiled)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "the compiler was already used; create a new one");
	/* The precompiled form (patterns/compile-builtin made it from the same
	 * files), unless the examples are to be checked: that reads the YAML
	 * sources, to report problems at their positions. */
	if (tmdk__builtin_compiled_len && !(c->opts.flags & TMDK_COMPILE_CHECK_EXAMPLES)) {
		c->builtin_compiled++;
		return TMDK_OK;
	}
	for (i = 0; i < tmdk__builtin_catalog_count && rc == TMDK_OK; i++) {
		const tmdk__embedded *e = &tmdk__builtin_catalog[i];
		rc = add_source(c, e->name, e->text, e->len, err);
	}
	return rc;
}

/* ---- compiling ---------------------------------------------------------------- */

static int compare_patterns(const void *a, const void *b)
{
	const tmdk_pattern *pa = *(const tmdk_pattern *const *)a, *pb = *(const tmdk_pattern *const *)b;
	return strcmp(pa->id, pb->id);
}

static void report_duplicates(tmdk_compiler *c, tmdk_pattern **sorted, size_t n)
{
	size_t i;
	for (i = 1; i < n; i++) {
		const tmdk_pattern *a = sorted[i - 1], *b = sorted[i];
		if (strcmp(a->id, b->id) != 0)
			continue;
		/* Report at the later definition, pointing at the earlier one. */
		if (strcmp(a->file, b->file) > 0 || (strcmp(a->file, b->file) == 0 && a->line > b->line)) {
			const tmdk_pattern *t = a;
			a = b;
			b = t;
		}
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, b->file, b->line, b->column, b->id,
			"duplicate pattern id '%s' (first defined at %s:%u)", b->id, a->file, a->line);
	}
}

/* The precompiled built-in catalog's patterns, before the sources'. It was
 * made from patterns/ by this very build, so a failure is the library's. */
static void add_builtin_compiled(tmdk_compiler *c, tmdk_catalog *cat)
{
	tmdk__decode_options o;
	tmdk_error err;
	int rc;

	memset(&o, 0, sizeof(o));
	o.name = "<built-in>";
	o.keep_examples = (c->opts.flags & TMDK_COMPILE_KEEP_EXAMPLES) != 0;
	o.max_patterns = c->opts.max_patterns;
	o.max_regex_length = c->opts.max_regex_length;
	rc = tmdk__catalog_decode(cat, tmdk__builtin_compiled, tmdk__builtin_compiled_len, &o, &err);
	if (rc == TMDK_ENOMEM)
		c->nomem = 1;
	else if (rc != TMDK_OK)
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, rc, "<built-in>", 0, 0, NULL, "%s", err.message);
}

static int set_first_error(tmdk_compiler *c, tmdk_error *err)
{
	size_t i;
	for (i = 0; i < c->diag_count; i++) {
		const tmdk_diagnostic *d = &c->diags[i];
		if (d->level != TMDK_DIAG_ERROR)
			continue;
		tmdk__error_set(err, TMDK_ESCHEMA, d->file, d->line, d->column, "%s%s%s (%zu error%s in all)",
			d->pattern_id ? d->pattern_id : "", d->pattern_id ? ": " : "", d->message,
			c->error_count, c->error_count == 1 ? "" : "s");
		return TMDK_ESCHEMA;
	}
	return tmdk__error_set(err, TMDK_ESCHEMA, NULL, 0, 0, "catalog has errors");
}

int tmdk_compiler_compile(tmdk_catalog **out, tmdk_compiler *c, tmdk_error *err)
{
	tmdk_catalog *cat;
	size_t i;
	int rc;

	tmdk_error_clear(err);
	if (!out || !c)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	if (c->compiled)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "the compiler was already used; create a new one");
	c->compiled = 1;
	rc = tmdk__catalog_new(&cat, c->opts.regex_match_limit, c->opts.regex_depth_limit);
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, "out of memory");
	for (i = 0; i < c->builtin_compiled && !c->nomem; i++)
		add_builtin_compiled(c, cat);
	for (i = 0; i < c->source_count && !c->nomem; i++)
		tmdk__compile_source(c, cat, &c->sources[i]);
	if (!c->nomem && tmdk__catalog_add_meta_patterns(cat) != TMDK_OK)
		c->nomem = 1;
	if (c->nomem) {
		tmdk_catalog_free(cat);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (cat->pattern_count > c->opts.max_patterns)
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ELIMIT, NULL, 0, 0, NULL,
			"%zu patterns, over the limit of %u (max_patterns)", cat->pattern_count, c->opts.max_patterns);
	qsort(cat->patterns, cat->pattern_count, sizeof(*cat->patterns), compare_patterns);
	report_duplicates(c, cat->patterns, cat->pattern_count);
	if (tmdk__catalog_finish(cat) != TMDK_OK) {
		tmdk_catalog_free(cat);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (!c->error_count && (c->opts.flags & TMDK_COMPILE_CHECK_EXAMPLES))
		tmdk__check_examples(c, cat);
	if (c->nomem) {
		tmdk_catalog_free(cat);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (c->error_count) {
		tmdk_catalog_free(cat);
		return set_first_error(c, err);
	}
	*out = cat;
	return TMDK_OK;
}

int tmdk_catalog_load_builtin(tmdk_catalog **out, tmdk_error *err)
{
	tmdk_compiler *c;
	int rc;
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	rc = tmdk_compiler_new(&c, NULL, err);
	if (rc != TMDK_OK)
		return rc;
	rc = tmdk_compiler_add_builtin(c, err);
	if (rc == TMDK_OK)
		rc = tmdk_compiler_compile(out, c, err);
	tmdk_compiler_free(c);
	return rc;
}
