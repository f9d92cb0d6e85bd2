/*
 * libtmdk — private declarations of the YAML/JSON loader, shared by
 * yaml_load.c (events -> nodes), yaml_tables.c (anchor table, key sets)
 * and yaml_comments.c (positions in the raw text, comment scanner).
 */
#ifndef TMDK_YAML_LOAD_H
#define TMDK_YAML_LOAD_H

#include "internal.h"

#include <string.h>

/* ---- anchors (yaml_tables.c) ----------------------------------------- */

typedef struct tmdk__yaml_anchor {
	char *name;              /* heap */
	tmdk_node *node;
	size_t size;             /* nodes of the subtree, aliases inside it expanded */
	unsigned long serial;    /* order of definition in the document */
	int pending;             /* a collection whose end has not been seen yet */
} tmdk__yaml_anchor;

/* Anchor name -> latest definition, for one document. Heap memory. */
typedef struct tmdk__yaml_anchors {
	tmdk__yaml_anchor *items;
	size_t count, cap;
	uint32_t *slots;         /* open addressing: item index + 1, 0 = empty */
	size_t slot_cap;         /* a power of two, or 0 */
	unsigned long serial;
	uint64_t seed;           /* hash seed, set by the loader */
} tmdk__yaml_anchors;

void tmdk__yaml_anchors_free(tmdk__yaml_anchors *t);
/** Forget every anchor (a new document starts); keeps memory proportional to use. */
void tmdk__yaml_anchors_reset(tmdk__yaml_anchors *t);
/** Define (or redefine: the latest wins) an anchor. @return its index, or TMDK_ENOMEM. */
long tmdk__yaml_anchor_define(tmdk__yaml_anchors *t, const char *name, tmdk_node *node,
	size_t size, int pending);
/** The latest definition of name, or NULL. */
tmdk__yaml_anchor *tmdk__yaml_anchor_find(const tmdk__yaml_anchors *t, const char *name);

/* ---- key sets: duplicate detection in large maps (yaml_tables.c) ----- */

/* Indexes of a map's scalar keys, hashed by text. Storage is kept between
 * uses (a loader frame reuses it for the next map at the same depth). */
typedef struct tmdk__yaml_keyset {
	uint64_t *slots;         /* hash tag | map entry index + 1; 0 = empty */
	size_t cap;              /* slots in use: a power of two, or 0 (not built) */
	size_t alloc;            /* slots allocated */
	size_t used;
	uint64_t seed;           /* hash seed, set by the loader */
} tmdk__yaml_keyset;

/** (Re)build the set from every scalar key of map. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__yaml_keyset_build(tmdk__yaml_keyset *s, const tmdk_node *map);
/** Add the key of entry `index` (a scalar) of map. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__yaml_keyset_add(tmdk__yaml_keyset *s, const tmdk_node *map, size_t index);
/** Index of the scalar key text[0..len) in map, or -1. */
long tmdk__yaml_keyset_find(const tmdk__yaml_keyset *s, const tmdk_node *map,
	const char *text, size_t len);
/** Forget the keys (cap 0), keeping the storage. */
void tmdk__yaml_keyset_clear(tmdk__yaml_keyset *s);
void tmdk__yaml_keyset_free(tmdk__yaml_keyset *s);

/* ---- positions and comments (yaml_comments.c) ------------------------ */

/* A byte range [start, end) of the text that holds a scalar. */
typedef struct tmdk__yaml_span {
	size_t start, end;
} tmdk__yaml_span;

/* Converts libyaml mark indexes (characters, byte-order mark not counted)
 * into byte offsets, moving forward through the text. */
typedef struct tmdk__yaml_cursor {
	const char *text;
	size_t len;
	size_t bom;              /* bytes of a UTF-8 byte-order mark */
	int ascii;               /* no byte >= 0x80: index == offset - bom */
	size_t chars, bytes;     /* the cursor */
} tmdk__yaml_cursor;

void tmdk__yaml_cursor_init(tmdk__yaml_cursor *c, const char *text, size_t len);
size_t tmdk__yaml_cursor_offset(tmdk__yaml_cursor *c, size_t char_index);

/** 1-based line and column (in characters) of byte offset off of a->text. */
void tmdk__yaml_offset_position(const tmdk_artifact *a, size_t off,
	unsigned int *line, unsigned int *column);

/**
 * Record the comment of every line that has one. `spans` (sorted, not
 * overlapping) are the scalars whose text holds a '#': a '#' inside them
 * does not start a comment.
 */
int tmdk__yaml_scan_comments(tmdk_artifact *a, const tmdk__yaml_span *spans, size_t count);

/* ---- the two loaders ------------------------------------------------- */

/* Every core-schema null, bool, int and float starts with one of these
 * (tmdk__scalar_resolve decides; this only lets most strings skip it). */
#define TMDK__YAML_NON_STRING_FIRST "0123456789+-.~nNtTfF"

/** Type of an untagged plain scalar. */
static inline tmdk_scalar_type tmdk__yaml_plain_type(const char *text, size_t len)
{
	if (len && !strchr(TMDK__YAML_NON_STRING_FIRST, text[0]))
		return TMDK_SCALAR_STRING; /* most keys and values: skip the resolver */
	return tmdk__scalar_resolve(text, len);
}

/* tmdk__yaml_load_fast left the artifact as it was: use libyaml. */
#define TMDK__YAML_DECLINED 1

/**
 * The fast loader (yaml_fast.c): the block-structured subset of YAML, read
 * from the bytes of a UTF-8 text already validated. @return TMDK_OK with
 * the same documents, comments and text maps tmdk__yaml_load_events would
 * give, or TMDK__YAML_DECLINED with the artifact untouched.
 */
int tmdk__yaml_load_fast(tmdk_artifact *a);
/** The libyaml loader (yaml_load.c), for any YAML or JSON and every error. */
int tmdk__yaml_load_events(tmdk_artifact *a, tmdk_error *err);

#endif /* TMDK_YAML_LOAD_H */
