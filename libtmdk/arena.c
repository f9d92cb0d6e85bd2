/*
 * A bump allocator: every node and string of an artifact lives in one arena,
 * released with a single call. Chunks grow geometrically so that a large
 * manifest costs few allocations.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#if defined(__linux__)
# include <sys/mman.h>
# include <unistd.h>
#endif

#define ARENA_MIN_CHUNK 8192u
#define ARENA_MAX_CHUNK (1024u * 1024u)
#define ARENA_ALIGN (sizeof(void *) > sizeof(long double) ? sizeof(void *) : 16u)

struct tmdk__arena_chunk {
	tmdk__arena_chunk *next;
	tmdk__region *region;    /* where it came from (chunk_pool.c) */
	size_t size, used;
	/* data follows, aligned */
};

#define CHUNK_HEADER ((sizeof(tmdk__arena_chunk) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

void tmdk__arena_init(tmdk__arena *arena)
{
	arena->head = NULL;
	arena->total = 0;
}

/* Blocks this large are prefaulted in one system call. */
#define ARENA_POPULATE_MIN (16u * 1024u)

/*
 * A chunk of a large artifact is filled to the end, page after page: fault
 * its pages in with one madvise(MADV_POPULATE_WRITE) instead of one trap per
 * page (page faults were a fifth of the cycles of a scan; a trap costs more
 * than the page, most of all in a virtual machine). Only the whole pages
 * inside the chunk are touched, the memory is ours whatever the allocator;
 * a kernel without it (before 5.14) says EINVAL and nothing changes.
 */
void tmdk__prefault(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
	static size_t page;
	uintptr_t from, to;
	if (size < ARENA_POPULATE_MIN)
		return;
	if (!page) {
		long ps = sysconf(_SC_PAGESIZE);
		page = ps > 0 ? (size_t)ps : 4096;
	}
	from = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	to = ((uintptr_t)p + size) & ~(uintptr_t)(page - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}

static tmdk__arena_chunk *arena_grow(tmdk__arena *arena, size_t need)
{
	size_t size = arena->head ? arena->head->size * 2 : ARENA_MIN_CHUNK;
	tmdk__arena_chunk *c;
	tmdk__region *region;

	if (size > ARENA_MAX_CHUNK)
		size = ARENA_MAX_CHUNK;
	if (size < need)
		size = need;
	if (size > SIZE_MAX - CHUNK_HEADER)
		return NULL;
	c = tmdk__chunk_get(CHUNK_HEADER + size, &region);
	if (!c)
		return NULL;
	c->region = region;
	c->size = size;
	c->used = 0;
	c->next = arena->head;
	arena->head = c;
	return c;
}

/* Steps in which a chunk grows in place: its tail is what an arena wastes. */
#define ARENA_EXTEND_STEP (16u * 1024u)

/* Make room for `need` more bytes in the head chunk, in place; 0 when it cannot. */
static int arena_extend(tmdk__arena *arena, size_t need)
{
	tmdk__arena_chunk *c = arena->head;
	size_t grown;

	if (!c || !c->region || need > SIZE_MAX - ARENA_EXTEND_STEP)
		return 0;
	grown = tmdk__chunk_extend(c, CHUNK_HEADER + c->size, need < ARENA_EXTEND_STEP ? ARENA_EXTEND_STEP : need,
		c->region);
	if (!grown)
		return 0;
	c->size = grown - CHUNK_HEADER;
	return 1;
}

/*
 * The one bump: `size` bytes at an `align`ment (a power of two up to
 * ARENA_ALIGN), not zeroed. Strings ask for 1 and nodes for a pointer's
 * alignment, so that they pack tightly: the fewer pages a large manifest
 * touches, the fewer page faults it pays for (they were a fifth of a scan).
 */
void *tmdk__arena_alloc_raw(tmdk__arena *arena, size_t size, size_t align)
{
	tmdk__arena_chunk *c = arena->head;
	size_t off = 0;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	if (c)
		off = (c->used + align - 1) & ~(align - 1);
	if (!c || off > c->size || c->size - off < size) {
		if (c && arena_extend(arena, size + align)) {
			off = (c->used + align - 1) & ~(align - 1);
		} else {
			/* A new chunk's data starts ARENA_ALIGN-aligned. */
			c = arena_grow(arena, size);
			if (!c)
				return NULL;
			off = 0;
		}
	}
	p = (char *)c + CHUNK_HEADER + off;
	arena->total += size + (off - c->used);
	c->used = off + size;
	return p;
}

void *tmdk__arena_alloc(tmdk__arena *arena, size_t size)
{
	void *p = tmdk__arena_alloc_raw(arena, size, ARENA_ALIGN);
	if (p)
		memset(p, 0, size);
	return p;
}

char *tmdk__arena_strndup(tmdk__arena *arena, const char *s, size_t n)
{
	/* Copied over at once: no need to zero it first. */
	char *p = n < SIZE_MAX ? tmdk__arena_alloc_raw(arena, n + 1, 1) : NULL;
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tmdk__arena_strdup(tmdk__arena *arena, const char *s)
{
	return tmdk__arena_strndup(arena, s, strlen(s));
}

char *tmdk__arena_printf(tmdk__arena *arena, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = tmdk__arena_alloc(arena, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

tmdk__arena_mark tmdk__arena_get_mark(const tmdk__arena *arena)
{
	tmdk__arena_mark m;
	m.head = arena->head;
	m.used = arena->head ? arena->head->used : 0;
	m.total = arena->total;
	return m;
}

void tmdk__arena_rewind(tmdk__arena *arena, tmdk__arena_mark mark)
{
	while (arena->head && arena->head != mark.head) {
		tmdk__arena_chunk *next = arena->head->next;
		tmdk__chunk_put(arena->head, arena->head->region);
		arena->head = next;
	}
	if (arena->head)
		arena->head->used = mark.used;
	arena->total = mark.total;
}

void tmdk__arena_trim(tmdk__arena *arena)
{
	tmdk__arena_chunk *c = arena->head;
	size_t kept;

	if (!c || !c->region)
		return;
	kept = tmdk__chunk_shrink(c, CHUNK_HEADER + c->size, CHUNK_HEADER + c->used, c->region);
	if (kept)
		c->size = kept - CHUNK_HEADER;
}

void tmdk__arena_release(tmdk__arena *arena)
{
	tmdk__arena_chunk *c = arena->head;
	while (c) {
		tmdk__arena_chunk *next = c->next;
		tmdk__chunk_put(c, c->region);
		c = next;
	}
	arena->head = NULL;
	arena->total = 0;
}
