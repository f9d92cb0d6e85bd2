/*
 * Helpers shared by the normalizers (normalize_*.c) and detection: looking
 * up raw nodes, adding entries to views, and the two small string syntaxes
 * that both compose and `docker inspect` use ("KEY=value" environment
 * entries and "source:target:mode" volume specs).
 *
 * A view is built from the raw tree without copying it: view entries that
 * stand for a source node point at that node; derived facts are new nodes
 * carrying the position of the source they were derived from.
 */
#ifndef TMDK_NORMALIZE_H
#define TMDK_NORMALIZE_H

#include "internal.h"

#include <string.h>

/* The raw value for `key` in a map node (NULL if absent or not a map). */
static inline tmdk_node *tmdk__get(const tmdk_node *map, const char *key)
{
	long i = tmdk__node_map_find(map, key, strlen(key));
	return i < 0 ? NULL : map->u.map.values[i];
}

static inline int tmdk__is_map(const tmdk_node *n)
{
	return n && n->type == TMDK_NODE_MAP;
}

static inline int tmdk__is_seq(const tmdk_node *n)
{
	return n && n->type == TMDK_NODE_SEQUENCE;
}

static inline int tmdk__is_scalar(const tmdk_node *n)
{
	return n && n->type == TMDK_NODE_SCALAR;
}

/* A scalar with text (not null, not empty). */
static inline int tmdk__is_text(const tmdk_node *n)
{
	return tmdk__is_scalar(n) && n->scalar_type != TMDK_SCALAR_NULL && n->u.scalar.len > 0;
}

/* An empty document: no root, or a null scalar (`---` alone, `~`). */
static inline int tmdk__is_empty_root(const tmdk_node *n)
{
	return !n || (n->type == TMDK_NODE_SCALAR && n->scalar_type == TMDK_SCALAR_NULL);
}

/* A field of the wrong type is left out of a view: these answer NULL then. */
static inline tmdk_node *tmdk__scalar_or_null(tmdk_node *n)
{
	return tmdk__is_scalar(n) ? n : NULL;
}

static inline tmdk_node *tmdk__map_or_null(tmdk_node *n)
{
	return tmdk__is_map(n) ? n : NULL;
}

static inline tmdk_node *tmdk__seq_or_null(tmdk_node *n)
{
	return tmdk__is_seq(n) ? n : NULL;
}

/* Put `value` under `key` when it exists; absent facts stay absent keys. */
static inline int tmdk__put(tmdk__arena *a, tmdk_node *map, const char *key, tmdk_node *value)
{
	return value ? tmdk__node_map_put(a, map, key, value) : TMDK_OK;
}

/* The item sequence a document stands for (a List's items), or NULL. */
typedef tmdk_node *(*tmdk__items_fn)(const tmdk_node *root);

/**
 * Replace each document for which items_of() answers a sequence by one
 * document per item (index kept, item_index = the item's position), in
 * stream order. The total counts against max_documents (TMDK_ELIMIT, `what`
 * names the things counted in the message). Implemented in
 * normalize_kubernetes.c (Kubernetes Lists), also used for inspect arrays.
 */
int tmdk__expand_items(tmdk_artifact *a, tmdk__items_fn items_of, const char *what, tmdk_error *err);

/**
 * An entry {name, value} for a "KEY=value" scalar: name and value are new
 * string nodes at the scalar's position; value is null for "KEY".
 * Returns NULL on ENOMEM.
 */
tmdk_node *tmdk__env_entry_from_text(tmdk__arena *a, const tmdk_node *item);

/**
 * The short volume syntax "[source:]target[:mode]" (compose `volumes:`,
 * `docker run -v`, inspect `HostConfig.Binds`) as a map {type, source,
 * target, read_only, mode, raw}, every derived node at the item's position.
 * Returns NULL on ENOMEM.
 */
tmdk_node *tmdk__volume_from_short(tmdk__arena *a, tmdk_node *item);

#endif /* TMDK_NORMALIZE_H */
