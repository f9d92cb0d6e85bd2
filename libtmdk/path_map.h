/*
 * libtmdk — an index of strings (paths) to numbers, hashed: for caches
 * keyed by a path that are asked once per file and ancestor, where a
 * linear search grows with the square of the tree. Private to the library.
 *
 *	tmdk__path_map at = TMDK__PATH_MAP_INIT;
 *	if (tmdk__path_map_get(&at, path, &i))
 *		return items[i];
 *	... (items[n] made, its path copied)
 *	if (tmdk__path_map_add(&at, items[n]->path, n) != TMDK_OK)
 *		return NULL;
 *
 * Keys are not copied: each must stay as it was while the map is used.
 */
#ifndef TMDK_PATH_MAP_H
#define TMDK_PATH_MAP_H

#include <stddef.h>

typedef struct tmdk__path_slot tmdk__path_slot;

typedef struct tmdk__path_map {
	tmdk__path_slot *slots;      /* NULL until the first add */
	size_t slot_count;           /* a power of two, at least twice count */
	size_t count;
} tmdk__path_map;

#define TMDK__PATH_MAP_INIT { NULL, 0, 0 }

/** @return 1 and *value when key is in the map, else 0. */
int tmdk__path_map_get(const tmdk__path_map *m, const char *key, size_t *value);

/**
 * Add a key that is not in the map yet. @return TMDK_OK, or TMDK_ENOMEM
 * (the map is left as it was).
 */
int tmdk__path_map_add(tmdk__path_map *m, const char *key, size_t value);

void tmdk__path_map_free(tmdk__path_map *m);

#endif /* TMDK_PATH_MAP_H */
