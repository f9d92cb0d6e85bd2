/*
 * libtmdk — growable arrays, as libgit2's git_array_t: a typed pointer, a
 * count and a capacity, grown by doubling with every size checked for
 * overflow. Private to the library.
 *
 *	tmdk_document *docs; size_t doc_count, doc_cap;
 *	if (TMDK__ARRAY_RESERVE(a->docs, a->doc_count, a->doc_cap, 4) != TMDK_OK)
 *		return TMDK_ENOMEM;
 *	a->docs[a->doc_count++] = d;
 *
 * On failure the array, its count and its capacity are left as they were.
 * The macros evaluate their arguments more than once: pass plain lvalues.
 * Heap arrays are freed with tmdk__free; arena arrays go with their arena
 * (growing one copies it to a larger block and leaves the old one there).
 */
#ifndef TMDK_ARRAY_H
#define TMDK_ARRAY_H

#include "internal.h"

/**
 * Make *cap at least count + extra elements of `elem` bytes each in the heap
 * array whose pointer is at `slot` (the address of a `T *`): the capacity
 * doubles, starting from `min`. @return TMDK_OK, or TMDK_ENOMEM when the
 * allocation fails or a size would overflow.
 */
int tmdk__array_grow(void *slot, size_t *cap, size_t count, size_t extra, size_t elem, size_t min);

/** The same for an array in `arena`: the first `count` elements are copied. */
int tmdk__array_grow_arena(tmdk__arena *arena, void *slot, size_t *cap, size_t count, size_t extra,
	size_t elem, size_t min);

/** Room for one more element in heap array `arr` (lvalues: `arr`, `cap`). */
#define TMDK__ARRAY_RESERVE(arr, count, cap, min) \
	((count) < (cap) ? TMDK_OK : tmdk__array_grow(&(arr), &(cap), (count), 1, sizeof(*(arr)), (min)))

/** Room for `n` more elements in heap array `arr`. */
#define TMDK__ARRAY_RESERVE_N(arr, count, cap, n, min) \
	((n) <= (cap) - (count) ? TMDK_OK : tmdk__array_grow(&(arr), &(cap), (count), (n), sizeof(*(arr)), (min)))

/** Room for one more element in arena array `arr`. */
#define TMDK__ARRAY_RESERVE_ARENA(arena, arr, count, cap, min) \
	((count) < (cap) ? TMDK_OK : \
	 tmdk__array_grow_arena((arena), &(arr), &(cap), (count), 1, sizeof(*(arr)), (min)))

#endif /* TMDK_ARRAY_H */
