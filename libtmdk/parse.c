/*
 * Parsing an artifact: the one way from bytes to documents. Validate the
 * options, make the container (artifact.c), choose the kind (detect.c), run
 * the parser (dockerfile_*.c, yaml_load.c), normalize (normalize_*.c) and
 * overlay the normalized facts on the raw documents.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

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

/* ---- choosing the parser -------------------------------------------- */

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
	merged = tmdk__node_from(tmdk__node_map(&a->arena, d->view->line, d->view->column), d->view);
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

int tmdk__artifact_finish_derived(tmdk_artifact *a, tmdk_error *err)
{
	tmdk__artifact_index_text_maps(a);
	return normalize(a, err);
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

/* The effective options: `opts` checked, defaults filled in. */
static int effective_options(tmdk_parse_options *out, const tmdk_parse_options *opts, const char *name,
	tmdk_error *err)
{
	if (opts && opts->version != TMDK_PARSE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0,
			"unsupported tmdk_parse_options version %u (expected %u)",
			opts->version, TMDK_PARSE_OPTIONS_VERSION);
	if (opts && ((int)opts->kind < 0 || (int)opts->kind >= TMDK_KIND_COUNT))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "unknown artifact kind %d", (int)opts->kind);
	if (opts && (opts->flags & ~TMDK_PARSE_LIBYAML_ONLY))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "unknown tmdk_parse_options flags 0x%x",
			opts->flags & ~TMDK_PARSE_LIBYAML_ONLY);
	if (opts)
		*out = *opts;
	else
		tmdk_parse_options_init(out, TMDK_PARSE_OPTIONS_VERSION);
	tmdk__parse_options_fill(out);
	return TMDK_OK;
}

static int artifact_new_borrowed(tmdk_artifact **out, const char *name, const char *data, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_parse_options limits;
	int rc;

	*out = NULL;
	rc = effective_options(&limits, opts, name, err);
	if (rc != TMDK_OK)
		return rc;
	return tmdk__artifact_new_borrowed(out, name, data, len, &limits, err);
}

static int artifact_new(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_parse_options limits;
	int rc;

	*out = NULL;
	if (!data && len)
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	rc = effective_options(&limits, opts, name, err);
	if (rc != TMDK_OK)
		return rc;
	return tmdk__artifact_new(out, name, data, len, &limits, err);
}

static int finish(tmdk_artifact **out, tmdk_artifact *a, int rc, const char *name, tmdk_error *err)
{
	if (rc != TMDK_OK) {
		if (err && !err->source[0] && name)
			snprintf(err->source, sizeof(err->source), "%s", name);
		tmdk_artifact_free(a);
		return rc;
	}
	tmdk__arena_trim(&a->arena);
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

int tmdk__artifact_parse_heap(tmdk_artifact **out, int *taken, const char *name, char *buf, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a;
	int rc;

	*taken = 0;
	tmdk_error_clear(err);
	*out = NULL;
	rc = artifact_new_borrowed(&a, name, buf, len, opts, err);
	if (rc != TMDK_OK)
		return rc;
	/* Parsed as a copy would be; a failed parse frees a, never buf. */
	rc = finish(out, a, parse_artifact(a, err), name, err);
	if (rc == TMDK_OK) {
		a->heap_text = buf;
		*taken = 1;
	}
	return rc;
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
	int rc, taken;

	if (out)
		*out = NULL;
	tmdk_error_clear(err);
	if (!out || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	rc = tmdk__read_file(path, max, "max_input_bytes", &buf, &len, err);
	if (rc != TMDK_OK)
		return rc;
	rc = tmdk__artifact_parse_heap(out, &taken, path, buf, len, opts, err);
	if (!taken)
		tmdk__text_free(buf);
	return rc;
}

/* ---- detection by a trial parse -------------------------------------- */

tmdk_kind tmdk_detect_kind(const char *name, const void *data, size_t len)
{
	tmdk_artifact *a = NULL;
	tmdk_kind k;
	int yaml_like = 0;

	k = tmdk__kind_from_name(name, &yaml_like);
	if (k != TMDK_KIND_UNKNOWN || (!data && len))
		return k;
	/* The parser runs the same name and content rules as a real parse. */
	if (tmdk_artifact_parse_buffer(&a, name, data, len, NULL, NULL) == TMDK_OK) {
		k = tmdk_artifact_kind(a);
		tmdk_artifact_free(a);
		return k;
	}
	/* A Dockerfile with a syntax error is still a Dockerfile. */
	if (!yaml_like && tmdk__looks_like_dockerfile(data, len))
		return TMDK_KIND_DOCKERFILE;
	return TMDK_KIND_UNKNOWN;
}
