/*
 * Artifacts: reading the bytes, choosing the parser, and the public
 * accessors. The flow is one way: bytes -> kind -> parser -> normalizer.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const kind_names[] = {
	"unknown", "dockerfile", "compose", "kubernetes", "daemon-json", "docker-inspect"
};

const char *tmdk_kind_name(tmdk_kind kind)
{
	if ((int)kind < 0 || (size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unknown";
	return kind_names[kind];
}

int tmdk_kind_from_name(tmdk_kind *out, const char *name)
{
	size_t i;
	if (!out || !name)
		return TMDK_EINVAL;
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (tmdk_kind)i;
			return TMDK_OK;
		}
	}
	return TMDK_EINVAL;
}

int tmdk_parse_options_init(tmdk_parse_options *opts, unsigned int version)
{
	tmdk_parse_options init = TMDK_PARSE_OPTIONS_INIT;
	if (!opts || version != TMDK_PARSE_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

void tmdk__parse_options_fill(tmdk_parse_options *o)
{
	if (!o->max_input_bytes)
		o->max_input_bytes = TMDK_DEFAULT_MAX_INPUT_BYTES;
	if (!o->max_depth)
		o->max_depth = TMDK_DEFAULT_MAX_DEPTH;
	if (!o->max_alias_nodes)
		o->max_alias_nodes = TMDK_DEFAULT_MAX_ALIAS_NODES;
	if (!o->max_documents)
		o->max_documents = TMDK_DEFAULT_MAX_DOCUMENTS;
	if (!o->max_line_length)
		o->max_line_length = TMDK_DEFAULT_MAX_LINE_LENGTH;
	if (!o->max_instructions)
		o->max_instructions = TMDK_DEFAULT_MAX_INSTRUCTIONS;
	if (!o->max_heredoc_bytes)
		o->max_heredoc_bytes = TMDK_DEFAULT_MAX_HEREDOC_BYTES;
}

/* ---- building an artifact ------------------------------------------- */

tmdk_document *tmdk__artifact_add_document(tmdk_artifact *a)
{
	tmdk_document *d;
	if (a->doc_count == a->doc_cap) {
		size_t cap = a->doc_cap ? a->doc_cap * 2 : 4;
		tmdk_document *p = tmdk__realloc(a->docs, cap * sizeof(*p));
		if (!p)
			return NULL;
		a->docs = p;
		a->doc_cap = cap;
	}
	d = &a->docs[a->doc_count++];
	memset(d, 0, sizeof(*d));
	d->item_index = -1;
	return d;
}

int tmdk__artifact_warn(tmdk_artifact *a, unsigned int line, unsigned int column, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	tmdk__warning *w;

	if (a->warning_count == a->warning_cap) {
		size_t cap = a->warning_cap ? a->warning_cap * 2 : 4;
		tmdk__warning *p = tmdk__realloc(a->warnings, cap * sizeof(*p));
		if (!p)
			return TMDK_ENOMEM;
		a->warnings = p;
		a->warning_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w = &a->warnings[a->warning_count];
	w->message = tmdk__arena_strdup(&a->arena, buf);
	if (!w->message)
		return TMDK_ENOMEM;
	w->line = line;
	w->column = column;
	a->warning_count++;
	return TMDK_OK;
}

int tmdk__artifact_set_comment(tmdk_artifact *a, unsigned int line, const char *text, size_t len)
{
	if (line == 0 || line > a->line_count)
		return TMDK_EINVAL;
	if (!a->comments) {
		a->comments = tmdk__arena_alloc(&a->arena, (a->line_count + 1) * sizeof(*a->comments));
		if (!a->comments)
			return TMDK_ENOMEM;
	}
	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	a->comments[line] = tmdk__arena_strndup(&a->arena, text, len);
	return a->comments[line] ? TMDK_OK : TMDK_ENOMEM;
}

static int index_lines(tmdk_artifact *a)
{
	size_t cap = 64;
	const char *p = a->text, *end = a->text + a->text_len, *nl;
	a->line_starts = tmdk__malloc(cap * sizeof(size_t));
	if (!a->line_starts)
		return TMDK_ENOMEM;
	a->line_starts[0] = 0;
	a->line_count = a->text_len ? 1 : 0;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL && nl + 1 < end) {
		if (a->line_count == cap) {
			size_t *q = tmdk__realloc(a->line_starts, cap * 2 * sizeof(size_t));
			if (!q)
				return TMDK_ENOMEM;
			a->line_starts = q;
			cap *= 2;
		}
		a->line_starts[a->line_count++] = (size_t)(nl + 1 - a->text);
		p = nl + 1;
	}
	return TMDK_OK;
}

static int is_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcmp(name + n - e, ext) == 0;
}

/* Which parser to run when the caller did not say. */
static tmdk_kind choose_kind(const tmdk_artifact *a, int *yaml_like, int *strict)
{
	tmdk_kind k = tmdk__kind_from_name(a->name, yaml_like);
	const char *base = strrchr(a->name, '/');

	base = base ? base + 1 : a->name;
	*strict = 1;
	if (k != TMDK_KIND_UNKNOWN || *yaml_like)
		return k;
	if (!*base) {
		/* No name (standard input): the content decides, errors are reported. */
		*yaml_like = !tmdk__looks_like_dockerfile(a->text, a->text_len);
		return *yaml_like ? TMDK_KIND_UNKNOWN : TMDK_KIND_DOCKERFILE;
	}
	if (strchr(base, '.') && !is_ext(base, ".txt"))
		return TMDK_KIND_UNKNOWN; /* some other file type: skip without reading */
	/* No extension: sniff quietly; failures mean "not ours". */
	*strict = 0;
	if (tmdk__looks_like_dockerfile(a->text, a->text_len))
		return TMDK_KIND_DOCKERFILE;
	*yaml_like = 1;
	return TMDK_KIND_UNKNOWN;
}

/*
 * A view is the raw document overlaid with the normalizer's facts: every
 * top-level entry of the raw map (shared), then the normalized entries,
 * which win on a clash (compose `services` becomes the normalized list;
 * the raw map stays reachable as $raw.services). Rules then read raw paths
 * (spec.hostNetwork) and normalized facts (containers) from one place.
 */
static int overlay_view(tmdk_artifact *a, tmdk_document *d)
{
	tmdk_node *merged;
	size_t i;

	if (!d->root || !d->view || d->root == d->view || d->root->type != TMDK_NODE_MAP ||
	    d->view->type != TMDK_NODE_MAP)
		return TMDK_OK;
	merged = tmdk__node_map(&a->arena, d->view->line, d->view->column);
	if (!merged)
		return TMDK_ENOMEM;
	for (i = 0; i < d->root->u.map.count; i++)
		if (tmdk__node_map_append(&a->arena, merged, d->root->u.map.keys[i], d->root->u.map.values[i]) != TMDK_OK)
			return TMDK_ENOMEM;
	for (i = 0; i < d->view->u.map.count; i++) {
		const tmdk_node *k = d->view->u.map.keys[i];
		long at = k->type == TMDK_NODE_SCALAR ? tmdk__node_map_find(merged, k->u.scalar.text, k->u.scalar.len) : -1;
		if (at >= 0)
			merged->u.map.values[at] = d->view->u.map.values[i];
		else if (tmdk__node_map_append(&a->arena, merged, d->view->u.map.keys[i], d->view->u.map.values[i]) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	d->view = merged;
	return TMDK_OK;
}

static int normalize(tmdk_artifact *a, tmdk_error *err)
{
	size_t i;
	int rc;

	switch (a->kind) {
	case TMDK_KIND_KUBERNETES: rc = tmdk__normalize_kubernetes(a, err); break;
	case TMDK_KIND_COMPOSE: rc = tmdk__normalize_compose(a, err); break;
	case TMDK_KIND_DAEMON_JSON: rc = tmdk__normalize_daemon_json(a, err); break;
	case TMDK_KIND_DOCKER_INSPECT: rc = tmdk__normalize_docker_inspect(a, err); break;
	default: return TMDK_OK;
	}
	for (i = 0; i < a->doc_count && rc == TMDK_OK; i++)
		if (overlay_view(a, &a->docs[i]) != TMDK_OK)
			rc = tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	return rc;
}

static void drop_documents(tmdk_artifact *a)
{
	a->doc_count = 0;
}

static int parse_structured(tmdk_artifact *a, tmdk_kind named, int strict, tmdk_error *err)
{
	int rc = tmdk__yaml_load(a, err);
	if (rc != TMDK_OK) {
		if (strict || rc == TMDK_ENOMEM)
			return rc;
		tmdk_error_clear(err);
		drop_documents(a);
		a->kind = TMDK_KIND_UNKNOWN;
		return TMDK_OK;
	}
	a->kind = named != TMDK_KIND_UNKNOWN ? named : tmdk__kind_from_documents(a);
	if (a->kind == TMDK_KIND_UNKNOWN) {
		drop_documents(a);
		return TMDK_OK;
	}
	return normalize(a, err);
}

static int parse_artifact(tmdk_artifact *a, tmdk_error *err)
{
	int yaml_like = 0, strict = 1;
	tmdk_kind k = a->limits.kind;

	if (k == TMDK_KIND_AUTO) {
		k = choose_kind(a, &yaml_like, &strict);
		if (k == TMDK_KIND_UNKNOWN && !yaml_like) {
			a->kind = TMDK_KIND_UNKNOWN;
			return TMDK_OK;
		}
	}
	if (k == TMDK_KIND_DOCKERFILE) {
		a->kind = TMDK_KIND_DOCKERFILE;
		return tmdk__dockerfile_parse(a, err);
	}
	return parse_structured(a, k, strict, err);
}

/* Allocate an artifact holding a copy of the bytes and their line index. */
static int artifact_new(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a;
	char *text;

	*out = NULL;
	if (!data && len)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	if (opts && opts->version != TMDK_PARSE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0,
			"unsupported tmdk_parse_options version %u (expected %u)",
			opts->version, TMDK_PARSE_OPTIONS_VERSION);
	if (opts && ((int)opts->kind < 0 || opts->kind > TMDK_KIND_DOCKER_INSPECT))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "unknown artifact kind %d", (int)opts->kind);

	a = tmdk__calloc(1, sizeof(*a));
	if (!a)
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	tmdk__arena_init(&a->arena);
	if (opts)
		a->limits = *opts;
	else
		tmdk_parse_options_init(&a->limits, TMDK_PARSE_OPTIONS_VERSION);
	tmdk__parse_options_fill(&a->limits);

	if (len > a->limits.max_input_bytes) {
		size_t max = a->limits.max_input_bytes;
		tmdk_artifact_free(a);
		return tmdk__error_set(err, TMDK_ELIMIT, name, 0, 0,
			"input is %zu bytes, over the limit of %zu bytes (max_input_bytes)", len, max);
	}
	a->name = tmdk__arena_strdup(&a->arena, name ? name : "");
	text = a->name ? tmdk__arena_strndup(&a->arena, data, len) : NULL;
	a->text = text;
	a->text_len = len;
	if (!text || index_lines(a) != TMDK_OK) {
		tmdk_artifact_free(a);
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	}
	*out = a;
	return TMDK_OK;
}

static int finish(tmdk_artifact **out, tmdk_artifact *a, int rc, const char *name, tmdk_error *err)
{
	if (rc != TMDK_OK) {
		if (err && !err->source[0] && name)
			snprintf(err->source, sizeof(err->source), "%s", name);
		tmdk_artifact_free(a);
		return rc;
	}
	*out = a;
	return TMDK_OK;
}

int tmdk_artifact_parse_buffer(tmdk_artifact **out, const char *name,
	const void *data, size_t len, const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a;
	int rc;

	tmdk_error_clear(err);
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	*out = NULL;
	rc = artifact_new(&a, name, data, len, opts, err);
	if (rc != TMDK_OK)
		return rc;
	return finish(out, a, parse_artifact(a, err), name, err);
}

int tmdk__artifact_load_yaml(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a;
	int rc;

	tmdk_error_clear(err);
	*out = NULL;
	rc = artifact_new(&a, name, data, len, opts, err);
	if (rc != TMDK_OK)
		return rc;
	return finish(out, a, tmdk__yaml_load(a, err), name, err);
}

int tmdk_artifact_parse_file(tmdk_artifact **out, const char *path,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	size_t max = opts && opts->max_input_bytes ? opts->max_input_bytes : TMDK_DEFAULT_MAX_INPUT_BYTES;
	size_t len;
	char *buf;
	int rc;

	if (out)
		*out = NULL;
	tmdk_error_clear(err);
	if (!out || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	rc = tmdk__read_file(path, max, "max_input_bytes", &buf, &len, err);
	if (rc != TMDK_OK)
		return rc;
	rc = tmdk_artifact_parse_buffer(out, path, buf, len, opts, err);
	tmdk__free(buf);
	return rc;
}

void tmdk_artifact_free(tmdk_artifact *a)
{
	if (!a)
		return;
	tmdk__free(a->docs);
	tmdk__free(a->warnings);
	tmdk__free(a->text_maps);
	tmdk__free(a->line_starts);
	tmdk__arena_release(&a->arena);
	tmdk__free(a);
}

/* ---- accessors ------------------------------------------------------ */

tmdk_kind tmdk_artifact_kind(const tmdk_artifact *a)
{
	return a ? a->kind : TMDK_KIND_UNKNOWN;
}

const char *tmdk_artifact_name(const tmdk_artifact *a)
{
	return a ? a->name : NULL;
}

size_t tmdk_artifact_document_count(const tmdk_artifact *a)
{
	return a ? a->doc_count : 0;
}

const tmdk_document *tmdk_artifact_document(const tmdk_artifact *a, size_t index)
{
	return a && index < a->doc_count ? &a->docs[index] : NULL;
}

size_t tmdk_artifact_line_count(const tmdk_artifact *a)
{
	return a ? a->line_count : 0;
}

const char *tmdk_artifact_line(const tmdk_artifact *a, unsigned int line, size_t *len_out)
{
	size_t start, end;
	if (len_out)
		*len_out = 0;
	if (!a || line == 0 || line > a->line_count)
		return NULL;
	start = a->line_starts[line - 1];
	end = line < a->line_count ? a->line_starts[line] - 1 : a->text_len;
	if (end > start && a->text[end - 1] == '\n')
		end--;
	if (end > start && a->text[end - 1] == '\r')
		end--;
	if (len_out)
		*len_out = end - start;
	return a->text + start;
}

const char *tmdk_artifact_line_comment(const tmdk_artifact *a, unsigned int line)
{
	if (!a || !a->comments || line == 0 || line > a->line_count)
		return NULL;
	return a->comments[line];
}

size_t tmdk_artifact_warning_count(const tmdk_artifact *a)
{
	return a ? a->warning_count : 0;
}

const char *tmdk_artifact_warning(const tmdk_artifact *a, size_t index,
	unsigned int *line_out, unsigned int *column_out)
{
	if (!a || index >= a->warning_count)
		return NULL;
	if (line_out)
		*line_out = a->warnings[index].line;
	if (column_out)
		*column_out = a->warnings[index].column;
	return a->warnings[index].message;
}

size_t tmdk_document_index(const tmdk_document *doc)
{
	return doc ? doc->index : 0;
}

long tmdk_document_item_index(const tmdk_document *doc)
{
	return doc ? doc->item_index : -1;
}

const tmdk_node *tmdk_document_root(const tmdk_document *doc)
{
	return doc ? doc->root : NULL;
}

const tmdk_node *tmdk_document_view(const tmdk_document *doc)
{
	return doc ? doc->view : NULL;
}

unsigned int tmdk_document_line(const tmdk_document *doc)
{
	return doc ? doc->line : 0;
}
