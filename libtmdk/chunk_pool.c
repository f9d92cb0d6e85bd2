/*
 * Where arena chunks come from: regions of 8 MB, aligned on 2 MB and marked
 * for transparent huge pages, cut into chunks one after the other.
 *
 * Why: a scan holds every parsed artifact until its report is written, some
 * 50 MB for the 7 MB of the Kubernetes corpus, most of it nodes in arena
 * chunks. Taken from malloc in 4 KB pages, that memory cost one trap per
 * page and a TLB miss on nearly every node visited. With the same build,
 * regions on and off, interleaved runs on this project's 2-vCPU machine:
 * tmdk-scan -j1 over the Kubernetes corpus 158 -> 145 ms (median of 41,
 * system time 40 -> 28 ms), -j2 over the whole corpus 254 -> 219 ms (median
 * of 21, system time 139 -> 75 ms). malloc cannot give huge pages: its heap
 * grows a page at a time and is never 2 MB aligned.
 *
 * A chunk that is the last one cut from the region being cut grows in
 * place (tmdk__chunk_extend): an arena filled by one thread is then one
 * block that wastes only its tail, where a chain of chunks that double
 * wasted a quarter of what they held. When the arena is complete (a parsed
 * artifact, a model), that tail goes back too (tmdk__chunk_shrink): the
 * next chunk is cut where the arena's last byte ends, on pages already
 * faulted in, instead of up to 16 KB further on fresh ones (the whole
 * corpus at -j1: peak RSS 105 -> 89 MB).
 *
 * The rules that keep it safe for a long-running process:
 *   - each thread cuts a region of its own (a thread-specific key), so that
 *     one thread's chunks follow one another;
 *   - a region counts its live chunks; a region no thread cuts any more (it
 *     was full, or its thread ended) is unmapped when its last chunk goes
 *     back;
 *   - the region of a thread that ends goes to the next thread that needs
 *     one (one such region is kept; tmdk-scan starts workers per phase);
 *   - a region being cut, once empty, is cut again from its start (so a
 *     program that parses and frees one file after another reuses the same
 *     pages) and stays mapped: at most one empty region per live thread,
 *     and the one kept from an ended thread;
 *   - one lock, taken once per chunk or growth (16 KB to 1 MB at a time).
 *
 * The pool is off until a program asks for it (tmdk_set_huge_regions):
 * because a region stays while any chunk of it lives, a long-running program
 * that keeps a few artifacts among many it frees would keep whole regions.
 * It steps aside, and every chunk comes from tmdk__malloc, when the
 * application has installed its own allocator (tmdk_set_allocator: all of
 * the library's memory must then go through it), under AddressSanitizer or
 * valgrind (they must see each chunk as one block), for a chunk larger than
 * a quarter of a region, and whenever a region cannot be mapped.
 */
#include "internal.h"

#include <string.h>
#if defined(__linux__)
# include <pthread.h>
# include <sys/mman.h>
#endif
#ifdef HAVE_VALGRIND_VALGRIND_H
# include <valgrind/valgrind.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
# define TMDK__UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TMDK__UNDER_ASAN 1
# endif
#endif

#if defined(__linux__) && defined(MAP_ANONYMOUS) && !defined(TMDK__UNDER_ASAN)
# define TMDK__POOL 1
#endif

#ifdef TMDK__POOL

#define HUGE_PAGE ((size_t)2 << 20)
#define REGION_SIZE ((size_t)8 << 20)
#define REGION_HEADER ((sizeof(tmdk__region) + 63) & ~(size_t)63)

struct tmdk__region {
	size_t live;             /* chunks handed out and not yet put back */
	size_t cut;              /* bytes cut from the region, header included */
	size_t populated;        /* bytes from its start faulted in (whole huge pages) */
	int cutting;             /* a thread's region being cut */
};

/* Each thread cuts its own region, so that its chunks follow one another
 * and grow in place; the key's destructor lets the region go with the thread. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t current_key;
static int key_made;
static size_t mapped;           /* regions mapped now */
static int enabled;             /* tmdk_set_huge_regions */
static tmdk__region *orphan;    /* the region of a thread that ended, for the next one */

static void *map_anonymous(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void unmap(void *p, size_t size)
{
	(void)munmap(p, size);
}

/* The seam the tests use to make mapping fail (the pool then steps aside). */
void *(*tmdk__region_map)(size_t size) = map_anonymous;

/* A new region: mapped one huge page larger, then trimmed to alignment. */
static tmdk__region *region_new(void)
{
	char *raw = tmdk__region_map(REGION_SIZE + HUGE_PAGE), *start;
	uintptr_t aligned;
	tmdk__region *r;

	if (!raw)
		return NULL;
	aligned = ((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	start = (char *)aligned;
	if (start > raw)
		unmap(raw, (size_t)(start - raw));
	if (raw + HUGE_PAGE > start)
		unmap(start + REGION_SIZE, (size_t)(raw + HUGE_PAGE - start));
#ifdef MADV_HUGEPAGE
	(void)madvise(start, REGION_SIZE, MADV_HUGEPAGE); /* a hint: without it, 4 KB pages */
#endif
	mapped++;
	r = (tmdk__region *)start;
	r->live = 0;
	r->cut = REGION_HEADER;
	r->populated = 0;
	r->cutting = 1;
	return r;
}

/*
 * Called with the lock held, after r->cut grew: the part of r to fault in
 * now (*len 0: none), whole huge pages up to the new cut. Faulting each
 * chunk or growth as it came was a system call every 16 KB (3,000 on the
 * whole corpus) for pages the first one's huge page already held; a region
 * is never given back piecemeal, so what was faulted stays.
 */
static void *region_to_populate(tmdk__region *r, size_t *len)
{
	size_t end = (r->cut + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	char *from = (char *)r + r->populated;

	*len = 0;
	if (r->cut <= r->populated)
		return NULL;
	if (end > REGION_SIZE)
		end = REGION_SIZE;
	*len = end - r->populated;
	r->populated = end;
	return from;
}

static int under_valgrind(void)
{
#ifdef RUNNING_ON_VALGRIND
	return RUNNING_ON_VALGRIND ? 1 : 0;
#else
	return 0;
#endif
}

/* Called with the lock held: r stops being cut; gone with its last chunk. */
static void region_retire(tmdk__region *r)
{
	r->cutting = 0;
	if (r->live == 0) {
		mapped--;
		unmap(r, REGION_SIZE);
	}
}

/* A thread ends: the next thread to need a region goes on cutting its
 * region (tmdk-scan starts its workers afresh for each phase). */
static void thread_gone(void *r)
{
	pthread_mutex_lock(&pool_lock);
	if (!orphan)
		orphan = r;
	else
		region_retire(r);
	pthread_mutex_unlock(&pool_lock);
}

static void make_key(void)
{
	key_made = pthread_key_create(&current_key, thread_gone) == 0 && !under_valgrind();
}

/* Called with the lock held: this thread's region to cut `size` bytes from, or NULL. */
static tmdk__region *region_with_room(size_t size)
{
	tmdk__region *r;
	if (!key_made)
		return NULL;
	r = pthread_getspecific(current_key);
	if (r && REGION_SIZE - r->cut < size) {
		if (r->live == 0) {
			r->cut = REGION_HEADER;   /* empty: cut it again */
		} else {
			region_retire(r);
			r = NULL;
		}
	}
	if (!r && orphan) {
		r = orphan;
		orphan = NULL;
		if (REGION_SIZE - r->cut < size && r->live == 0)
			r->cut = REGION_HEADER;
		if (REGION_SIZE - r->cut < size || pthread_setspecific(current_key, r) != 0) {
			region_retire(r);
			r = NULL;
		}
	}
	if (!r && (r = region_new()) != NULL && pthread_setspecific(current_key, r) != 0) {
		region_retire(r);
		r = NULL;
	}
	if (!r)
		(void)pthread_setspecific(current_key, NULL);
	return r && REGION_SIZE - r->cut >= size ? r : NULL;
}

void *tmdk__chunk_get(size_t size, tmdk__region **from)
{
	void *p = NULL, *fault = NULL;
	size_t fault_len = 0;

	*from = NULL;
	if (enabled && size <= REGION_SIZE / 4 && tmdk__allocator_is_default()) {
		tmdk__region *r;
		size = (size + 63) & ~(size_t)63;
		pthread_once(&key_once, make_key);
		pthread_mutex_lock(&pool_lock);
		if ((r = region_with_room(size)) != NULL) {
			p = (char *)r + r->cut;
			r->cut += size;
			r->live++;
			*from = r;
			fault = region_to_populate(r, &fault_len);
		}
		pthread_mutex_unlock(&pool_lock);
		if (p) {
			tmdk__prefault(fault, fault_len);
			return p;
		}
	}
	p = tmdk__malloc(size);
	if (p)
		tmdk__prefault(p, size);
	return p;
}

size_t tmdk__chunk_extend(void *chunk, size_t size, size_t more, tmdk__region *from)
{
	size_t have = (size + 63) & ~(size_t)63, grown = 0, fault_len = 0;
	void *fault = NULL;

	if (!from || more > REGION_SIZE)
		return 0;
	more = (more + 63) & ~(size_t)63;
	pthread_mutex_lock(&pool_lock);
	if (from == pthread_getspecific(current_key) && (char *)chunk + have == (char *)from + from->cut &&
	    REGION_SIZE - from->cut >= more) {
		from->cut += more;
		grown = have + more;
		fault = region_to_populate(from, &fault_len);
	}
	pthread_mutex_unlock(&pool_lock);
	tmdk__prefault(fault, fault_len);
	return grown;
}

size_t tmdk__chunk_shrink(void *chunk, size_t size, size_t keep, tmdk__region *from)
{
	size_t have = (size + 63) & ~(size_t)63, kept = 0;

	if (!from || keep > size)
		return 0;
	keep = (keep + 63) & ~(size_t)63;
	pthread_mutex_lock(&pool_lock);
	if (from == pthread_getspecific(current_key) && (char *)chunk + have == (char *)from + from->cut) {
		from->cut -= have - keep;
		kept = keep;
	}
	pthread_mutex_unlock(&pool_lock);
	return kept;
}

void tmdk__chunk_put(void *chunk, tmdk__region *from)
{
	int gone = 0;

	if (!from) {
		tmdk__free(chunk);
		return;
	}
	pthread_mutex_lock(&pool_lock);
	if (--from->live == 0) {
		if (from->cutting)
			from->cut = REGION_HEADER;   /* its thread cuts it again from the start */
		else
			gone = 1;
	}
	mapped -= (size_t)gone;
	pthread_mutex_unlock(&pool_lock);
	if (gone)
		unmap(from, REGION_SIZE);
}

int tmdk_set_huge_regions(int enable)
{
	enabled = enable != 0;
	return TMDK_OK;
}

size_t tmdk__region_populated(const tmdk__region *r)
{
	size_t n;
	if (!r)
		return 0;
	pthread_mutex_lock(&pool_lock);
	n = r->populated;
	pthread_mutex_unlock(&pool_lock);
	return n;
}

size_t tmdk__chunk_pool_regions(void)
{
	size_t n;
	pthread_mutex_lock(&pool_lock);
	n = mapped;
	pthread_mutex_unlock(&pool_lock);
	return n;
}

#else /* no pool: every chunk from the library's allocator */

int tmdk_set_huge_regions(int enable)
{
	(void)enable;
	return TMDK_ERROR;
}

size_t tmdk__chunk_pool_regions(void)
{
	return 0;
}

size_t tmdk__region_populated(const tmdk__region *r)
{
	(void)r;
	return 0;
}

void *(*tmdk__region_map)(size_t size) = NULL;

void *tmdk__chunk_get(size_t size, tmdk__region **from)
{
	void *p = tmdk__malloc(size);
	*from = NULL;
	if (p)
		tmdk__prefault(p, size);
	return p;
}

size_t tmdk__chunk_extend(void *chunk, size_t size, size_t more, tmdk__region *from)
{
	(void)chunk;
	(void)size;
	(void)more;
	(void)from;
	return 0;
}

size_t tmdk__chunk_shrink(void *chunk, size_t size, size_t keep, tmdk__region *from)
{
	(void)chunk;
	(void)size;
	(void)keep;
	(void)from;
	return 0;
}

void tmdk__chunk_put(void *chunk, tmdk__region *from)
{
	(void)from;
	tmdk__free(chunk);
}

#endif
