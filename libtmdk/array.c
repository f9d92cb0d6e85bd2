/* Growable arrays (array.h): the one place an array's capacity is grown. */
#include "array.h"

#include <string.h>

/* The capacity to grow to: doubled from max(cap, min) until it holds
 * count + extra elements of `elem` bytes; 0 when a size would overflow. */
static size_t next_cap(size_t cap, size_t count, size_t extra, size_t elem, size_t min)
{
	size_t need, ncap = cap > min ? cap : (min ? min : 1);

	if (extra > SIZE_MAX - count)
		return 0;
	need = count + extra;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return 0;
		ncap *= 2;
	}
	if (elem && ncap > SIZE_MAX / elem)
		return 0;
	return ncap;
}

/* `slot` holds a `T *`: read and written with memcpy, so that no `T *` is
 * accessed through a `void *` lvalue. */
int tmdk__array_grow(void *slot, size_t *cap, size_t count, size_t extra, size_t elem, size_t min)
{
	size_t ncap = next_cap(*cap, count, extra, elem, min);
	void *old, *p;

	if (!ncap)
		return TMDK_ENOMEM;
	if (ncap <= *cap)
		return TMDK_OK;
	memcpy(&old, slot, sizeof(old));
	p = tmdk__realloc(old, ncap * elem);
	if (!p)
		return TMDK_ENOMEM;
	memcpy(slot, &p, sizeof(p));
	*cap = ncap;
	return TMDK_OK;
}

int tmdk__array_grow_arena(tmdk__arena *arena, void *slot, size_t *cap, size_t count, size_t extra,
	size_t elem, size_t min)
{
	size_t ncap = next_cap(*cap, count, extra, elem, min);
	void *old, *p;

	if (!ncap)
		return TMDK_ENOMEM;
	if (ncap <= *cap)
		return TMDK_OK;
	p = tmdk__arena_alloc(arena, ncap * elem);
	if (!p)
		return TMDK_ENOMEM;
	memcpy(&old, slot, sizeof(old));
	if (count)
		memcpy(p, old, count * elem);
	memcpy(slot, &p, sizeof(p));
	*cap = ncap;
	return TMDK_OK;
}
