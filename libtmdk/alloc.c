/* The library's allocator, replaceable once by tmdk_set_allocator. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static tmdk_malloc_fn do_malloc = malloc;
static tmdk_realloc_fn do_realloc = realloc;
static tmdk_free_fn do_free = free;

int tmdk_set_allocator(tmdk_malloc_fn m, tmdk_realloc_fn r, tmdk_free_fn f)
{
	if (!m && !r && !f) {
		do_malloc = malloc;
		do_realloc = realloc;
		do_free = free;
		return TMDK_OK;
	}
	if (!m || !r || !f)
		return TMDK_EINVAL;
	do_malloc = m;
	do_realloc = r;
	do_free = f;
	return TMDK_OK;
}

int tmdk__allocator_is_default(void)
{
	return do_malloc == malloc;
}

void *tmdk__malloc(size_t size)
{
	return do_malloc(size ? size : 1);
}

void *tmdk__calloc(size_t count, size_t size)
{
	void *p;
	if (size && count > SIZE_MAX / size)
		return NULL;
	p = tmdk__malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *tmdk__realloc(void *ptr, size_t size)
{
	return do_realloc(ptr, size ? size : 1);
}

void tmdk__free(void *ptr)
{
	if (ptr)
		do_free(ptr);
}

char *tmdk__strndup(const char *s, size_t n)
{
	char *p = tmdk__malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tmdk__strdup(const char *s)
{
	return tmdk__strndup(s, strlen(s));
}
