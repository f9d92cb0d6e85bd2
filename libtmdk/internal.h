/*
 * libtmdk — private declarations shared by the library's source files.
 * Never installed. Functions named tmdk__* are internal: they match the
 * version script's tmdk_* pattern but are hidden by -fvisibility=hidden.
 */
#ifndef TMDK_INTERNAL_H
#define TMDK_INTERNAL_H

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tmdk.h"

#if defined(__GNUC__)
# define TMDK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
# define TMDK__PRINTF(f, a)
#endif

/* ---- allocation (alloc.c) ------------------------------------------ */
void *tmdk__malloc(size_t size);
void *tmdk__calloc(size_t count, size_t size);
void *tmdk__realloc(void *ptr, size_t size);
void tmdk__free(void *ptr);
char *tmdk__strdup(const char *s);
char *tmdk__strndup(const char *s, size_t n);

/* ---- errors (error.c) ---------------------------------------------- */
/** Fill err (may be NULL) and return code. */
int tmdk__error_set(tmdk_error *err, int code, const char *source,
	unsigned int line, unsigned int column, const char *fmt, ...) TMDK__PRINTF(6, 7);
int tmdk__error_setv(tmdk_error *err, int code, const char *source,
	unsigned int line, unsigned int column, const char *fmt, va_list ap);

/* ---- files (file.c) ----------------------------------------------- */
/** Read a whole file (a NUL-terminated copy, freed with tmdk__text_free); over `max` bytes is
 *  TMDK_ELIMIT naming limit_name. */
int tmdk__read_file(const char *path, size_t max, const char *limit_name, char **buf_out, size_t *len_out,
	tmdk_error *err);
/** Free a buffer of tmdk__read_file (NULL is fine). */
void tmdk__text_free(char *buf);
typedef struct tmdk__region tmdk__region;
/** The huge-page region a buffer of tmdk__read_file lies in, NULL when it
 *  came from the allocator: for the tests. */
tmdk__region *tmdk__text_region(const char *buf);

/* ---- arena (arena.c) ----------------------------------------------- */
typedef struct tmdk__arena_chunk tmdk__arena_chunk;
typedef struct tmdk__arena {
	tmdk__arena_chunk *head;
	size_t total;            /* bytes handed out, for statistics */
} tmdk__arena;

void tmdk__arena_init(tmdk__arena *arena);
/** Zeroed memory, aligned for any type; NULL when out of memory. */
void *tmdk__arena_alloc(tmdk__arena *arena, size_t size);
/** Memory NOT zeroed, aligned to `align` (a power of two, at most 16): for
 *  what the caller fills whole (strings, nodes). NULL when out of memory. */
void *tmdk__arena_alloc_raw(tmdk__arena *arena, size_t size, size_t align);
/** A NUL-terminated copy of n bytes. */
char *tmdk__arena_strndup(tmdk__arena *arena, const char *s, size_t n);
char *tmdk__arena_strdup(tmdk__arena *arena, const char *s);
char *tmdk__arena_printf(tmdk__arena *arena, const char *fmt, ...) TMDK__PRINTF(2, 3);
void tmdk__arena_release(tmdk__arena *arena);
/* A point in an arena's history, to go back to when work is abandoned. */
typedef struct tmdk__arena_mark {
	tmdk__arena_chunk *head;
	size_t used, total;
} tmdk__arena_mark;
tmdk__arena_mark tmdk__arena_get_mark(const tmdk__arena *arena);
/** Free everything allocated since mark (pointers into it become invalid). */
void tmdk__arena_rewind(tmdk__arena *arena, tmdk__arena_mark mark);
/** The arena is complete for now: the unused end of its last chunk goes back
 *  to the region it was cut from, when it can (tmdk__chunk_shrink). It still
 *  takes allocations after. */
void tmdk__arena_trim(tmdk__arena *arena);
/* Arena chunks (chunk_pool.c): from huge-page regions when the default
 * allocator is in use, else from tmdk__malloc. *from says which, for the
 * put; both fault the chunk's pages in at once (tmdk__prefault), a region
 * a huge page at a time as it is cut. */
void *tmdk__chunk_get(size_t size, tmdk__region **from);
void tmdk__chunk_put(void *chunk, tmdk__region *from);
/** Grow a chunk of `size` bytes by at least `more` in place, when it is the
 *  last one cut from the region being cut. @return its new size, or 0 (not
 *  grown: the caller takes a new chunk). */
size_t tmdk__chunk_extend(void *chunk, size_t size, size_t more, tmdk__region *from);
/** Give back the end of a chunk of `size` bytes past its first `keep`, when
 *  it is still the last one cut from the region being cut. @return its new
 *  size (keep, rounded up), or 0 (nothing given back: it stays as it was). */
size_t tmdk__chunk_shrink(void *chunk, size_t size, size_t keep, tmdk__region *from);
/** Regions mapped now (0 where there is no pool): for the tests. */
size_t tmdk__chunk_pool_regions(void);
/** Bytes of region r faulted in so far (0 for NULL): for the tests. */
size_t tmdk__region_populated(const tmdk__region *r);
/** How regions are mapped (NULL where there is no pool); tests replace it. */
extern void *(*tmdk__region_map)(size_t size);
/** Whether tmdk_set_allocator left the C library's allocator in place. */
int tmdk__allocator_is_default(void);
/** About to fill p[0..size) whole (an arena chunk, a file's buffer): fault its
 *  pages in at once when it is large (arena.c). Only a hint; never fails. */
void tmdk__prefault(void *p, size_t size);

/* ---- nodes (node.c) ------------------------------------------------ */
struct tmdk_node {
	uint8_t type;            /* tmdk_node_type */
	uint8_t scalar_type;     /* tmdk_scalar_type, scalars only */
	uint16_t flags;          /* TMDK__NODE_* */
	unsigned int line;
	unsigned int column;
	uint32_t origin;         /* 0: the owning artifact; k: source k-1 of a derived artifact */
	const char *tag;         /* explicit tag or NULL */
	union {
		/* text up to 15 bytes lives in `inl` (text points there): no string
		 * of its own in the arena, and a key compares within its node */
		struct { const char *text; size_t len; char inl[2 * sizeof(void *)]; } scalar;
		struct { tmdk_node **items; size_t count, cap; } seq;
		struct { tmdk_node **keys; tmdk_node **values; size_t count, cap; } map;
	} u;
};

#define TMDK__NODE_QUOTED 0x1    /* scalar was quoted (or a block scalar) in the source */

/* `origin` lives in the padding after `column`: nodes did not grow. */
typedef char tmdk__node_origin_fits[sizeof(void *) != 8 ||
	sizeof(struct tmdk_node) == 24 + 4 * sizeof(void *) ? 1 : -1];

/** *dst = *src, with dst reading its own copy of inline text. (A plain
 *  copy reads src's, valid as long as src, as arena text was before: this
 *  keeps a copied node whole where its source may go first.) @return dst. */
static inline tmdk_node *tmdk__node_assign(tmdk_node *dst, const tmdk_node *src)
{
	*dst = *src;
	if (src->type == TMDK_NODE_SCALAR && src->u.scalar.text == src->u.scalar.inl)
		dst->u.scalar.text = dst->u.scalar.inl;
	return dst;
}

/** Give n the origin of the node whose position it was given (a node derived
 *  from `at` in a normalizer). @return n. */
static inline tmdk_node *tmdk__node_from(tmdk_node *n, const tmdk_node *at)
{
	if (n && at)
		n->origin = at->origin;
	return n;
}

/** A space, tab or line break. */
static inline int tmdk__is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/** Resolve an untagged plain scalar's type (YAML 1.2 core schema). */
tmdk_scalar_type tmdk__scalar_resolve(const char *text, size_t len);

/** A scalar holding a copy of text[0..len). */
tmdk_node *tmdk__node_scalar(tmdk__arena *a, const char *text, size_t len,
	tmdk_scalar_type type, unsigned int line, unsigned int column);
/** A string scalar holding a copy of text. */
tmdk_node *tmdk__node_string(tmdk__arena *a, const char *text, unsigned int line, unsigned int column);
/** A scalar whose type is resolved from its text (as if unquoted). */
tmdk_node *tmdk__node_plain(tmdk__arena *a, const char *text, size_t len, unsigned int line, unsigned int column);
tmdk_node *tmdk__node_bool(tmdk__arena *a, int value, unsigned int line, unsigned int column);
tmdk_node *tmdk__node_int(tmdk__arena *a, long long value, unsigned int line, unsigned int column);
tmdk_node *tmdk__node_null(tmdk__arena *a, unsigned int line, unsigned int column);
tmdk_node *tmdk__node_seq(tmdk__arena *a, unsigned int line, unsigned int column);
tmdk_node *tmdk__node_map(tmdk__arena *a, unsigned int line, unsigned int column);
/** Append to a sequence. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__node_seq_push(tmdk__arena *a, tmdk_node *seq, tmdk_node *item);
/** Append an entry to a map (no duplicate check). @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__node_map_append(tmdk__arena *a, tmdk_node *map, tmdk_node *key, tmdk_node *value);
/** Set a string-keyed entry; the key node takes the value's position. Replaces an existing key. */
int tmdk__node_map_put(tmdk__arena *a, tmdk_node *map, const char *key, tmdk_node *value);
/** Index of a scalar key in a map, or -1. */
long tmdk__node_map_find(const tmdk_node *map, const char *key, size_t key_len);

/* ---- artifacts (artifact.c) ---------------------------------------- */
typedef struct tmdk__warning {
	unsigned int line, column;
	char *message;
} tmdk__warning;

struct tmdk_document {
	size_t index;            /* position in the stream, empty documents counted */
	long item_index;         /* position in a List's items, or -1 */
	unsigned int line;
	tmdk_node *root;
	tmdk_node *view;
};

/* Where a scalar's text came from when it spans several source lines (a
 * Dockerfile instruction with continuation lines, a heredoc body): text
 * offset `base + i` lies in the last segment whose `off` is not above it,
 * `base + i - off` columns into it. */
typedef struct tmdk__text_seg {
	size_t off;
	unsigned int line, column;
} tmdk__text_seg;

typedef struct tmdk__text_map {
	const tmdk_node *node;
	const tmdk__text_seg *segs; /* arena */
	size_t count, base;
} tmdk__text_map;

struct tmdk_artifact {
	tmdk__arena arena;       /* every node, string and array below */
	uint64_t serial;         /* unique in the process, never reused: lets a scanner know a set
	                          * it scanned before (its $set caches stay valid) */
	const char *name;
	tmdk_kind kind;
	tmdk_parse_options limits; /* effective options, defaults filled in */
	const char *text;        /* the input, NUL-terminated (BOM kept) */
	size_t text_len;
	char *heap_text;         /* text, when it is a buffer the artifact took over (a file read by
	                          * tmdk_candidate_parse_file or tmdk_artifact_parse_file) rather
	                          * than a copy in the arena; tmdk__text_free'd with the artifact */
	size_t *line_starts;     /* line_starts[i] = offset of line i+1; arena */
	size_t line_count;
	int plain_ascii;         /* 1: the text is printable ASCII, tabs and '\n' only (so valid
	                          * UTF-8 with nothing libyaml reads differently), found while
	                          * indexing lines; 0: not known */
	const char **comments;   /* comments[line] or NULL; arena, line_count+1 slots */
	tmdk_document *docs;     /* heap array */
	size_t doc_count, doc_cap;
	tmdk__warning *warnings; /* heap array */
	size_t warning_count, warning_cap;
	tmdk__text_map *text_maps; /* heap array, sorted by node once parsed (text_map.c) */
	size_t text_map_count, text_map_cap;
	/* A derived artifact (a merged compose project, a built kustomization):
	 * the parsed artifacts its nodes come from, owned; node origin k is
	 * sources[k - 1]. Empty for a parsed artifact. */
	tmdk_artifact **sources;   /* heap array */
	size_t source_count, source_cap;
	unsigned char *source_roles; /* arena, one per source, or NULL: what each source is to a
	                              * built kustomization (tmdk_kustomize_role) */
};

/** A new artifact holding a copy of data[0..len) and its line index; `limits`
 *  are the effective options (defaults filled in). @return TMDK_OK,
 *  TMDK_ELIMIT (max_input_bytes) or TMDK_ENOMEM, err filled. */
int tmdk__artifact_new(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *limits, tmdk_error *err);
/** The same over data[0..len) itself, NUL-terminated at len, which the
 *  artifact only borrows (text, not heap_text) until the caller hands it
 *  over. @return as tmdk__artifact_new. */
int tmdk__artifact_new_borrowed(tmdk_artifact **out, const char *name, const char *data, size_t len,
	const tmdk_parse_options *limits, tmdk_error *err);
/** Append a document. @return the document (zeroed, item_index -1) or NULL on ENOMEM. */
tmdk_document *tmdk__artifact_add_document(tmdk_artifact *a);
/** Record a non-fatal problem. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__artifact_warn(tmdk_artifact *a, unsigned int line, unsigned int column,
	const char *fmt, ...) TMDK__PRINTF(4, 5);
/** Index (0-based) of the line holding byte `off` of the text: the last line
 *  start not above it (0 when the text has no line). The one offset -> line search. */
size_t tmdk__artifact_line_index(const tmdk_artifact *a, size_t off);
/** Record the comment of a line (text is copied into the arena). */
int tmdk__artifact_set_comment(tmdk_artifact *a, unsigned int line, const char *text, size_t len);
/* text_map.c: positions inside multi-line scalars. */
/** Say where node's text comes from. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__artifact_map_text(tmdk_artifact *a, const tmdk_node *node, const tmdk__text_seg *segs, size_t count,
	size_t base);
/** A YAML literal block scalar (`|`, header on line header_line): its lines
 *  are the source lines below. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__artifact_map_block(tmdk_artifact *a, const tmdk_node *node, unsigned int header_line);
/** Position of offset pos in text made of segs: 1 (set), or 0 when before the first. */
int tmdk__text_position(const tmdk__text_seg *segs, size_t count, size_t pos, unsigned int *line,
	unsigned int *column);
/** Once the parse is complete: make the maps searchable. */
void tmdk__artifact_index_text_maps(tmdk_artifact *a);
/** The source position of offset `off` of node's text: 1 when node has a map
 *  (*line and *column set), 0 when its own position is all there is. */
int tmdk__artifact_locate(const tmdk_artifact *a, const tmdk_node *node, size_t off, unsigned int *line,
	unsigned int *column);

/* ---- derived artifacts (derive.c, parse.c) -------------------------- */
/** An empty derived artifact of `kind` named `name` (the unit: the compose
 *  project's main file, the kustomization); `limits` are effective options.
 *  @return TMDK_OK or TMDK_ENOMEM, err filled. */
int tmdk__artifact_new_derived(tmdk_artifact **out, const char *name, tmdk_kind kind,
	const tmdk_parse_options *limits, tmdk_error *err);
/** Make the parsed artifact src a source of the derived artifact a, which
 *  takes ownership on success (on failure the caller still owns src). src
 *  must not be derived itself. *origin_out is the origin of its nodes.
 *  @return TMDK_OK, TMDK_EINVAL (src derived) or TMDK_ENOMEM. */
int tmdk__artifact_add_source(tmdk_artifact *a, tmdk_artifact *src, uint32_t *origin_out);
/** The artifact whose text node n was written in: owner's source for a
 *  derived node, owner itself for origin 0. */
const tmdk_artifact *tmdk__node_source(const tmdk_artifact *owner, const tmdk_node *n);
/** Deep-copy n (a node of source `origin` of dst, origin >= 1) into dst's
 *  arena: every copy keeps its line and column and gets `origin`; scalar
 *  text and tags point into the source (owned by dst); text maps of the
 *  source's multi-line scalars are carried over. *count is increased by the
 *  number of nodes copied (may be NULL). @return the copy, NULL on ENOMEM. */
tmdk_node *tmdk__node_copy(tmdk_artifact *dst, const tmdk_node *n, uint32_t origin, size_t *count);
/** Normalize the documents (roots) added to a derived artifact with its
 *  kind's normalizer, as a parse would. Call once, after the last document.
 *  @return TMDK_OK or the normalizer's error, err filled. */
int tmdk__artifact_finish_derived(tmdk_artifact *a, tmdk_error *err);
/** text_map.c: the text map of node, or NULL. */
const tmdk__text_map *tmdk__artifact_text_map(const tmdk_artifact *a, const tmdk_node *node);

/* ---- parsing an artifact (parse.c) ---------------------------------- */
/** Parse YAML/JSON without detection or normalization (catalogs). Documents have roots only. */
int tmdk__artifact_load_yaml(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err);
/** tmdk_artifact_parse_buffer over a heap buffer (NUL-terminated at len)
 *  that the artifact takes over when the parse succeeds (*taken = 1: the
 *  caller must not free it, the artifact does): no copy of a file read
 *  whole. On failure the caller still owns buf. */
int tmdk__artifact_parse_heap(tmdk_artifact **out, int *taken, const char *name, char *buf, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err);
/** Fill 0 fields of opts with defaults. */
void tmdk__parse_options_fill(tmdk_parse_options *opts);

/* ---- detection (detect.c) ------------------------------------------ */
/** Kind from a file name alone; sets *yaml_like when the name says YAML/JSON. */
tmdk_kind tmdk__kind_from_name(const char *name, int *yaml_like);
/** Kind of loaded YAML/JSON documents (a->docs roots), from their content. */
tmdk_kind tmdk__kind_from_documents(const tmdk_artifact *a);
/** True if the bytes look like a Dockerfile (first instruction is FROM, ARG …). */
int tmdk__looks_like_dockerfile(const char *data, size_t len);

/* ---- parsers -------------------------------------------------------- */
/** UTF-8 validation: offset of the first bad byte, or len when valid. */
size_t tmdk__utf8_validate(const char *s, size_t len);
/** n hex digits at s into *out. @return 0 if one is not a hex digit. */
int tmdk__hex_digits(const char *s, int n, unsigned long *out);
/** The UTF-8 bytes of code point cp (at most U+10FFFF). @return their count. */
size_t tmdk__utf8_encode(char out[4], unsigned long cp);
/** Load a YAML or JSON stream into a->docs (roots only), comments into a->comments. */
int tmdk__yaml_load(tmdk_artifact *a, tmdk_error *err);
/** Parse a->text as a Dockerfile into one document (root == view). */
int tmdk__dockerfile_parse(tmdk_artifact *a, tmdk_error *err);

/* ---- normalization: raw documents -> views ------------------------- */
int tmdk__normalize_kubernetes(tmdk_artifact *a, tmdk_error *err);
int tmdk__normalize_compose(tmdk_artifact *a, tmdk_error *err);
int tmdk__normalize_daemon_json(tmdk_artifact *a, tmdk_error *err);
int tmdk__normalize_docker_inspect(tmdk_artifact *a, tmdk_error *err);

#endif /* TMDK_INTERNAL_H */
