/*
 * The YAML/JSON loader: libyaml's event parser -> document-model nodes.
 *
 * libyaml's own document loader is not used: it copies every alias (so a
 * "billion laughs" input expands in memory), keeps no comments and has no
 * depth limit. Here the tree is built from events on a heap stack of open
 * collections; an alias shares the anchored node (the tree is a DAG) and
 * costs the size of that subtree against max_alias_nodes; merge keys (`<<`)
 * are resolved when their map ends; duplicate keys are warnings (the last
 * value wins). Everything temporary lives in the loader and is freed on
 * every path; nodes go to the artifact's arena, which the caller owns.
 */
#include "yaml_load.h"
#include "array.h"

#include <string.h>
#include <yaml.h>

#define MERGE_TAG "tag:yaml.org,2002:merge"
/* Maps with more keys than this get a hash set for duplicate detection. */
#define KEYSET_THRESHOLD 16u
/* Longest key quoted in a duplicate-key warning. */
#define WARN_KEY_MAX 64

/* An open collection. */
typedef struct frame {
	tmdk_node *node;
	tmdk_node *key;          /* map: the key waiting for its value, or NULL */
	int key_is_merge;        /* that key is `<<` */
	size_t size;             /* nodes of the subtree so far, aliases expanded */
	long anchor;             /* anchor table index, or -1 */
	unsigned long anchor_serial;
	size_t merge_base;       /* loader->merge_count when the map started */
	tmdk__yaml_keyset keys;  /* storage reused by later maps at this depth */
} frame;

/* A map to merge into the open map that owns it, and where the merge was asked. */
typedef struct merge_source {
	const tmdk_node *map;
	unsigned int line, column;
} merge_source;

typedef struct loader {
	tmdk_artifact *a;
	tmdk_error *err;
	frame *stack;
	size_t depth, stack_cap;
	tmdk__yaml_anchors anchors;
	merge_source *merges;
	size_t merge_count, merge_cap;
	tmdk__yaml_span *spans;  /* scalars holding a '#', for the comment scanner */
	size_t span_count, span_cap;
	int want_spans;
	int utf16;               /* the source lines are not the text's bytes: no text maps */
	tmdk__yaml_cursor cursor;
	size_t alias_nodes;      /* nodes reached through aliases and merges so far */
	size_t documents;        /* documents started, empty ones included */
	tmdk_node *root;         /* root of the current document, once complete */
	uint64_t seed;           /* hash seed of the tables */
} loader;

/* ---- errors ------------------------------------------------------------ */

static int fail_at(loader *L, int code, unsigned int line, unsigned int column, const char *fmt, ...)
	TMDK__PRINTF(5, 6);

static int fail_at(loader *L, int code, unsigned int line, unsigned int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tmdk__error_setv(L->err, code, L->a->name, line, column, fmt, ap);
	va_end(ap);
	return code;
}

static int nomem(loader *L)
{
	return fail_at(L, TMDK_ENOMEM, 0, 0, "out of memory");
}

static unsigned int mark_line(const yaml_mark_t *m)
{
	return (unsigned int)(m->line + 1);
}

static unsigned int mark_column(const yaml_mark_t *m)
{
	return (unsigned int)(m->column + 1);
}

static size_t add_sat(size_t x, size_t y)
{
	return x > SIZE_MAX - y ? SIZE_MAX : x + y;
}

static const char *type_name(const tmdk_node *n)
{
	if (n->type == TMDK_NODE_MAP)
		return "map";
	if (n->type == TMDK_NODE_SEQUENCE)
		return "sequence";
	return "scalar";
}

/* Count nodes reached through an alias or a merge against max_alias_nodes. */
static int count_alias_nodes(loader *L, size_t n, unsigned int line, unsigned int column)
{
	L->alias_nodes = add_sat(L->alias_nodes, n);
	if (L->alias_nodes > L->a->limits.max_alias_nodes)
		return fail_at(L, TMDK_ELIMIT, line, column,
			"aliases expand to more than %zu nodes (max_alias_nodes)",
			L->a->limits.max_alias_nodes);
	return TMDK_OK;
}

/* A libyaml failure: position from its marks (or byte offset for reader
 * errors), message from its problem and context. */
static int parser_error(loader *L, const yaml_parser_t *p)
{
	unsigned int line = mark_line(&p->problem_mark), column = mark_column(&p->problem_mark);
	const char *problem = p->problem ? p->problem : "invalid YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return nomem(L);
	case YAML_READER_ERROR:
		tmdk__yaml_offset_position(L->a, p->problem_offset, &line, &column);
		if (p->problem_value != -1)
			return fail_at(L, TMDK_EPARSE, line, column, "%s (found U+%04X)",
				problem, (unsigned int)p->problem_value);
		return fail_at(L, TMDK_EPARSE, line, column, "%s", problem);
	default:
		break;
	}
	if (!p->context)
		return fail_at(L, TMDK_EPARSE, line, column, "%s", problem);
	if (p->context_mark.line != p->problem_mark.line || p->context_mark.column != p->problem_mark.column)
		return fail_at(L, TMDK_EPARSE, line, column, "%s, %s (which starts at line %u, column %u)",
			problem, p->context, mark_line(&p->context_mark), mark_column(&p->context_mark));
	return fail_at(L, TMDK_EPARSE, line, column, "%s, %s", problem, p->context);
}

/* ---- maps: keys, duplicates, merges ------------------------------------- */

static int is_merge_key(const tmdk_node *k)
{
	if (k->type != TMDK_NODE_SCALAR)
		return 0;
	if (k->tag)
		return strcmp(k->tag, MERGE_TAG) == 0;
	return !(k->flags & TMDK__NODE_QUOTED) && k->u.scalar.len == 2 && memcmp(k->u.scalar.text, "<<", 2) == 0;
}

static long find_key(const frame *f, const char *text, size_t len)
{
	const tmdk_node *map = f->node;
	size_t i;

	if (f->keys.cap)
		return tmdk__yaml_keyset_find(&f->keys, map, text, len);
	for (i = 0; i < map->u.map.count; i++) {
		const tmdk_node *k = map->u.map.keys[i];
		if (k->type == TMDK_NODE_SCALAR && k->u.scalar.len == len && memcmp(k->u.scalar.text, text, len) == 0)
			return (long)i;
	}
	return -1;
}

/* Append an entry whose key is known not to be in the map yet. */
static int append_entry(loader *L, frame *f, tmdk_node *key, tmdk_node *value)
{
	tmdk_node *map = f->node;
	size_t index = map->u.map.count;
	int rc = tmdk__node_map_append(&L->a->arena, map, key, value);

	if (rc != TMDK_OK || key->type != TMDK_NODE_SCALAR)
		return rc;
	if (f->keys.cap)
		return tmdk__yaml_keyset_add(&f->keys, map, index);
	if (map->u.map.count > KEYSET_THRESHOLD)
		return tmdk__yaml_keyset_build(&f->keys, map);
	return TMDK_OK;
}

static int map_add(loader *L, frame *f, tmdk_node *key, tmdk_node *value)
{
	if (key->type == TMDK_NODE_SCALAR) {
		long i = find_key(f, key->u.scalar.text, key->u.scalar.len);
		if (i >= 0) {
			int shown = key->u.scalar.len > WARN_KEY_MAX ? WARN_KEY_MAX : (int)key->u.scalar.len;
			f->node->u.map.values[i] = value;
			return tmdk__artifact_warn(L->a, key->line, key->column,
				"duplicate key '%.*s%s' (the last value wins)", shown, key->u.scalar.text,
				(size_t)shown < key->u.scalar.len ? "..." : "");
		}
	}
	return append_entry(L, f, key, value);
}

static int push_merge(loader *L, const tmdk_node *map, unsigned int line, unsigned int column)
{
	if (TMDK__ARRAY_RESERVE(L->merges, L->merge_count, L->merge_cap, 16) != TMDK_OK)
		return nomem(L);
	L->merges[L->merge_count].map = map;
	L->merges[L->merge_count].line = line;
	L->merges[L->merge_count].column = column;
	L->merge_count++;
	return TMDK_OK;
}

/* The value of a `<<` key: a map, or a sequence of maps (aliases or inline). */
static int add_merge(loader *L, const tmdk_node *value, unsigned int line, unsigned int column)
{
	size_t i;

	if (value->type == TMDK_NODE_MAP)
		return push_merge(L, value, line, column);
	if (value->type != TMDK_NODE_SEQUENCE)
		return fail_at(L, TMDK_EPARSE, line, column,
			"merge key '<<' expects a map or a sequence of maps, found a %s", type_name(value));
	for (i = 0; i < value->u.seq.count; i++) {
		const tmdk_node *item = value->u.seq.items[i];
		int rc;
		if (item->type != TMDK_NODE_MAP)
			return fail_at(L, TMDK_EPARSE, line, column,
				"merge key '<<' expects a map or a sequence of maps, found a %s as item %zu",
				type_name(item), i + 1);
		rc = push_merge(L, item, line, column);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

/* Insert the entries of the map's merge sources whose keys it lacks:
 * explicit keys win, then earlier sources over later ones. */
static int resolve_merges(loader *L, frame *f)
{
	size_t i, j;

	for (i = f->merge_base; i < L->merge_count; i++) {
		const merge_source *src = &L->merges[i];
		const tmdk_node *m = src->map;
		int rc = count_alias_nodes(L, m->u.map.count, src->line, src->column);
		if (rc != TMDK_OK)
			return rc;
		for (j = 0; j < m->u.map.count; j++) {
			tmdk_node *k = m->u.map.keys[j];
			if (k->type == TMDK_NODE_SCALAR && find_key(f, k->u.scalar.text, k->u.scalar.len) >= 0)
				continue;
			rc = append_entry(L, f, k, m->u.map.values[j]);
			if (rc != TMDK_OK)
				return rc == TMDK_ENOMEM ? nomem(L) : rc;
		}
		f->size = add_sat(f->size, m->u.map.count);
	}
	L->merge_count = f->merge_base;
	return TMDK_OK;
}

/* ---- building ----------------------------------------------------------- */

/* A node is complete: attach it to the open collection, or make it the
 * document's root. (line, column) is where it occurs (for an alias, the
 * alias, not the anchored node). */
static int node_done(loader *L, tmdk_node *n, size_t size, unsigned int line, unsigned int column)
{
	frame *f;
	tmdk_node *key;
	int rc;

	if (L->depth == 0) {
		L->root = n;
		return TMDK_OK;
	}
	f = &L->stack[L->depth - 1];
	f->size = add_sat(f->size, size);
	if (f->node->type == TMDK_NODE_SEQUENCE)
		rc = tmdk__node_seq_push(&L->a->arena, f->node, n);
	else if (!f->key) {
		f->key = n;
		f->key_is_merge = is_merge_key(n);
		return TMDK_OK;
	} else {
		key = f->key;
		f->key = NULL;
		if (f->key_is_merge)
			return add_merge(L, n, line, column);
		rc = map_add(L, f, key, n);
	}
	return rc == TMDK_ENOMEM ? nomem(L) : rc;
}

static int set_tag(loader *L, tmdk_node *n, const yaml_char_t *tag)
{
	if (!tag)
		return TMDK_OK;
	n->tag = tmdk__arena_strdup(&L->a->arena, (const char *)tag);
	return n->tag ? TMDK_OK : nomem(L);
}

/* Core-schema type of a scalar: explicit standard tags decide, then
 * quoting (quoted and block scalars are strings), then the plain text. */
static tmdk_scalar_type scalar_type(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	static const struct { const char *tag; tmdk_scalar_type type; } tags[] = {
		{ YAML_STR_TAG, TMDK_SCALAR_STRING }, { "!", TMDK_SCALAR_STRING },
		{ YAML_INT_TAG, TMDK_SCALAR_INT }, { YAML_FLOAT_TAG, TMDK_SCALAR_FLOAT },
		{ YAML_BOOL_TAG, TMDK_SCALAR_BOOL }, { YAML_NULL_TAG, TMDK_SCALAR_NULL },
	};
	size_t i;

	if (tag)
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strcmp(tag, tags[i].tag) == 0)
				return tags[i].type;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return TMDK_SCALAR_STRING;
	return tmdk__yaml_plain_type((const char *)ev->data.scalar.value, ev->data.scalar.length);
}

/* Remember where a scalar holding '#' sits, so its '#' is not a comment. */
static int note_span(loader *L, const yaml_event_t *ev)
{
	const char *text = L->a->text;
	size_t start, end;

	if (!L->want_spans || !memchr(ev->data.scalar.value, '#', ev->data.scalar.length))
		return TMDK_OK;
	start = tmdk__yaml_cursor_offset(&L->cursor, ev->start_mark.index);
	end = tmdk__yaml_cursor_offset(&L->cursor, ev->end_mark.index);
	if (ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE || ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE) {
		/* The header line (`| # comment`) may hold a real comment. */
		const char *nl = memchr(text + start, '\n', end - start);
		start = nl ? (size_t)(nl - text) + 1 : end;
	}
	if (L->span_count && L->spans[L->span_count - 1].end > start)
		return TMDK_OK; /* out of order: cannot happen with libyaml's marks */
	if (TMDK__ARRAY_RESERVE(L->spans, L->span_count, L->span_cap, 64) != TMDK_OK)
		return nomem(L);
	L->spans[L->span_count].start = start;
	L->spans[L->span_count].end = end;
	L->span_count++;
	return TMDK_OK;
}

static int on_scalar(loader *L, const yaml_event_t *ev)
{
	unsigned int line = mark_line(&ev->start_mark), column = mark_column(&ev->start_mark);
	tmdk_node *n = tmdk__node_scalar(&L->a->arena, (const char *)ev->data.scalar.value,
		ev->data.scalar.length, scalar_type(ev), line, column);
	int rc;

	if (!n)
		return nomem(L);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		n->flags |= TMDK__NODE_QUOTED;
	if ((rc = set_tag(L, n, ev->data.scalar.tag)) != TMDK_OK || (rc = note_span(L, ev)) != TMDK_OK)
		return rc;
	/* A script in a literal block: matches in it are located on their line. */
	if (ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE && !L->utf16 &&
	    tmdk__artifact_map_block(L->a, n, line) != TMDK_OK)
		return nomem(L);
	if (ev->data.scalar.anchor &&
	    tmdk__yaml_anchor_define(&L->anchors, (const char *)ev->data.scalar.anchor, n, 1, 0) < 0)
		return nomem(L);
	return node_done(L, n, 1, line, column);
}

static int on_alias(loader *L, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	unsigned int line = mark_line(&ev->start_mark), column = mark_column(&ev->start_mark);
	const tmdk__yaml_anchor *an = tmdk__yaml_anchor_find(&L->anchors, name);
	int rc;

	if (!an)
		return fail_at(L, TMDK_EPARSE, line, column,
			"undefined alias '*%s' (no anchor '&%s' before it in this document)", name, name);
	if (an->pending)
		return fail_at(L, TMDK_EPARSE, line, column,
			"alias '*%s' refers to a collection that contains it (recursive structures are not supported)",
			name);
	rc = count_alias_nodes(L, an->size, line, column);
	if (rc != TMDK_OK)
		return rc;
	return node_done(L, an->node, an->size, line, column);
}

static frame *push_frame(loader *L)
{
	frame *f;
	if (L->depth == L->stack_cap) {
		size_t old_cap = L->stack_cap;
		if (TMDK__ARRAY_RESERVE(L->stack, L->depth, L->stack_cap, 32) != TMDK_OK)
			return NULL;
		memset(L->stack + old_cap, 0, (L->stack_cap - old_cap) * sizeof(*L->stack));
	}
	f = &L->stack[L->depth++];
	f->key = NULL;
	f->key_is_merge = 0;
	f->size = 1;
	f->anchor = -1;
	f->anchor_serial = 0;
	f->merge_base = L->merge_count;
	f->keys.seed = L->seed;
	tmdk__yaml_keyset_clear(&f->keys);
	return f;
}

static int on_collection_start(loader *L, const yaml_event_t *ev, int is_map)
{
	unsigned int line = mark_line(&ev->start_mark), column = mark_column(&ev->start_mark);
	const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	tmdk_node *n;
	frame *f;
	int rc;

	if (L->depth >= L->a->limits.max_depth)
		return fail_at(L, TMDK_ELIMIT, line, column, "YAML nesting deeper than %u levels (max_depth)",
			L->a->limits.max_depth);
	n = is_map ? tmdk__node_map(&L->a->arena, line, column) : tmdk__node_seq(&L->a->arena, line, column);
	if (!n)
		return nomem(L);
	if ((rc = set_tag(L, n, tag)) != TMDK_OK)
		return rc;
	f = push_frame(L);
	if (!f)
		return nomem(L);
	f->node = n;
	if (anchor) {
		f->anchor = tmdk__yaml_anchor_define(&L->anchors, (const char *)anchor, n, 0, 1);
		if (f->anchor < 0)
			return nomem(L);
		f->anchor_serial = L->anchors.serial;
	}
	return TMDK_OK;
}

static int on_collection_end(loader *L)
{
	frame *f = &L->stack[L->depth - 1];
	int rc;

	if (f->node->type == TMDK_NODE_MAP && L->merge_count > f->merge_base) {
		rc = resolve_merges(L, f);
		if (rc != TMDK_OK)
			return rc;
	}
	if (f->anchor >= 0) {
		tmdk__yaml_anchor *an = &L->anchors.items[f->anchor];
		if (an->serial == f->anchor_serial) { /* not redefined inside */
			an->size = f->size;
			an->pending = 0;
		}
	}
	L->depth--;
	return node_done(L, f->node, f->size, f->node->line, f->node->column);
}

/* ---- documents ------------------------------------------------------------ */

static int on_document_start(loader *L, const yaml_event_t *ev)
{
	L->documents++;
	if (L->documents > L->a->limits.max_documents)
		return fail_at(L, TMDK_ELIMIT, mark_line(&ev->start_mark), mark_column(&ev->start_mark),
			"YAML stream has more than %u documents (max_documents)", L->a->limits.max_documents);
	tmdk__yaml_anchors_reset(&L->anchors);
	L->root = NULL;
	return TMDK_OK;
}

/* `---` followed by nothing (or only comments) yields an empty plain scalar. */
static int is_empty_root(const tmdk_node *n)
{
	return n->type == TMDK_NODE_SCALAR && n->u.scalar.len == 0 && !n->tag && !(n->flags & TMDK__NODE_QUOTED);
}

static int on_document_end(loader *L)
{
	tmdk_document *d;

	if (!L->root || is_empty_root(L->root))
		return TMDK_OK;
	d = tmdk__artifact_add_document(L->a);
	if (!d)
		return nomem(L);
	d->index = L->documents - 1;
	d->line = L->root->line;
	d->root = L->root;
	L->root = NULL;
	return TMDK_OK;
}

static int on_event(loader *L, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT: return on_document_start(L, ev);
	case YAML_DOCUMENT_END_EVENT: return on_document_end(L);
	case YAML_SCALAR_EVENT: return on_scalar(L, ev);
	case YAML_ALIAS_EVENT: return on_alias(L, ev);
	case YAML_SEQUENCE_START_EVENT: return on_collection_start(L, ev, 0);
	case YAML_MAPPING_START_EVENT: return on_collection_start(L, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: return on_collection_end(L);
	default: return TMDK_OK;
	}
}

/* ---- the stream ------------------------------------------------------------ */

static int is_utf16(const tmdk_artifact *a)
{
	const unsigned char *t = (const unsigned char *)a->text;
	return a->text_len >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) || (t[0] == 0xFE && t[1] == 0xFF));
}

static int check_utf8(loader *L)
{
	size_t bad = tmdk__utf8_validate(L->a->text, L->a->text_len);
	unsigned int line, column;

	if (bad == L->a->text_len)
		return TMDK_OK;
	tmdk__yaml_offset_position(L->a, bad, &line, &column);
	return fail_at(L, TMDK_EPARSE, line, column,
		"invalid UTF-8 (byte 0x%02X): the input must be UTF-8, or UTF-16 with a byte-order mark",
		(unsigned int)(unsigned char)L->a->text[bad]);
}

static int parse_stream(loader *L, yaml_parser_t *parser)
{
	yaml_event_t ev;

	for (;;) {
		int rc, last;
		if (!yaml_parser_parse(parser, &ev))
			return parser_error(L, parser);
		rc = on_event(L, &ev);
		last = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (rc != TMDK_OK)
			return rc;
		if (last)
			return TMDK_OK;
	}
}

static void loader_free(loader *L)
{
	size_t i;
	for (i = 0; i < L->stack_cap; i++)
		tmdk__yaml_keyset_free(&L->stack[i].keys);
	tmdk__free(L->stack);
	tmdk__yaml_anchors_free(&L->anchors);
	tmdk__free(L->merges);
	tmdk__free(L->spans);
}

int tmdk__yaml_load_events(tmdk_artifact *a, tmdk_error *err)
{
	yaml_parser_t parser;
	loader L;
	int utf16 = is_utf16(a), rc;

	memset(&L, 0, sizeof(L));
	L.a = a;
	L.err = err;
	/* Hash seed: addresses vary from run to run (ASLR) and cost nothing. */
	L.seed = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&parser;
	L.anchors.seed = L.seed;
	if (!utf16 && (rc = check_utf8(&L)) != TMDK_OK)
		return rc;
	L.want_spans = !utf16 && memchr(a->text, '#', a->text_len) != NULL;
	if (L.want_spans)
		tmdk__yaml_cursor_init(&L.cursor, a->text, a->text_len);
	if (!yaml_parser_initialize(&parser))
		return nomem(&L);
	yaml_parser_set_input_string(&parser, (const unsigned char *)a->text, a->text_len);
	L.utf16 = utf16;
	rc = parse_stream(&L, &parser);
	yaml_parser_delete(&parser);
	if (rc == TMDK_OK)
		tmdk__artifact_index_text_maps(a);
	if (rc == TMDK_OK && L.want_spans) {
		rc = tmdk__yaml_scan_comments(a, L.spans, L.span_count);
		if (rc != TMDK_OK)
			rc = nomem(&L);
	}
	loader_free(&L);
	return rc;
}

/* Valid UTF-8 in the subset yaml_fast.c reads (most manifests) is loaded
 * there; everything else, and every error, through libyaml. */
int tmdk__yaml_load(tmdk_artifact *a, tmdk_error *err)
{
	if (!(a->limits.flags & TMDK_PARSE_LIBYAML_ONLY) && !is_utf16(a) &&
	    (a->plain_ascii || tmdk__utf8_validate(a->text, a->text_len) == a->text_len) &&
	    tmdk__yaml_load_fast(a) == TMDK_OK)
		return TMDK_OK;
	return tmdk__yaml_load_events(a, err);
}
