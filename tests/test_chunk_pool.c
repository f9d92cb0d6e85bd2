/*
 * Where arena chunks come from (libtmdk/chunk_pool.c): huge-page regions
 * when a program asked for them (tmdk_set_huge_regions) and the C library's
 * allocator is in use, the application's allocator otherwise, malloc when a
 * region cannot be mapped or none were asked for; regions go back to the
 * system when their last chunk does, except the one being cut. Each test
 * runs in its own process, so each starts with no region mapped.
 */
#include "helpers.h"

#include "internal.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
# include <valgrind/valgrind.h>
#endif

#define MB ((size_t)1 << 20)

static size_t maps_asked;

static void *counting_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	maps_asked++;
	return p == MAP_FAILED ? NULL : p;
}

static void *failing_map(size_t size)
{
	(void)size;
	maps_asked++;
	return NULL;
}

/* The pool is compiled in (not under ASan) and not stepped aside (valgrind). */
static void need_pool(void)
{
	if (!tmdk__region_map) {
		cr_expect_eq(tmdk_set_huge_regions(1), TMDK_ERROR);
		cr_skip_test("no chunk pool in this build (AddressSanitizer or not Linux)");
	}
	cr_assert_eq(tmdk_set_huge_regions(1), TMDK_OK);
#ifdef RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND)
		cr_skip_test("the chunk pool steps aside under valgrind");
#endif
}

/* Fill an arena with `bytes` in blocks of `block`, each block holding its
 * own index, and check them all: chunks must not overlap. */
static void fill_and_check(tmdk__arena *a, size_t bytes, size_t block)
{
	size_t i, n = bytes / block;
	unsigned char **blocks = calloc(n, sizeof(*blocks));
	cr_assert(blocks);
	for (i = 0; i < n; i++) {
		blocks[i] = tmdk__arena_alloc_raw(a, block, 1);
		cr_assert(blocks[i], "block %zu of %zu", i, n);
		memset(blocks[i], (int)(i & 0xff), block);
	}
	for (i = 0; i < n; i++)
		cr_assert(blocks[i][0] == (i & 0xff) && blocks[i][block - 1] == (i & 0xff), "block %zu overwritten", i);
	free(blocks);
}

Test(chunk_pool, no_regions_unless_asked_for)
{
	tmdk__arena a;

	tmdk__region_map = tmdk__region_map ? counting_map : NULL;
	tmdk__arena_init(&a);
	fill_and_check(&a, 12 * MB, 1000);
	cr_expect_eq(maps_asked, 0);
	cr_expect_eq(tmdk__chunk_pool_regions(), 0);
	tmdk__arena_release(&a);
	if (tmdk__region_map) {                 /* and once asked for, off again */
		cr_assert_eq(tmdk_set_huge_regions(1), TMDK_OK);
		cr_assert_eq(tmdk_set_huge_regions(0), TMDK_OK);
		tmdk__arena_init(&a);
		fill_and_check(&a, MB, 1000);
		cr_expect_eq(maps_asked, 0);
		tmdk__arena_release(&a);
	}
}

Test(chunk_pool, chunks_come_from_regions_given_back_when_empty)
{
	tmdk__arena a[4];
	size_t i;

	need_pool();
	tmdk__region_map = counting_map;
	cr_expect_eq(tmdk__chunk_pool_regions(), 0);
	for (i = 0; i < 4; i++) {
		tmdk__arena_init(&a[i]);
		fill_and_check(&a[i], 6 * MB, 1000);   /* 24 MB in all: more than two regions */
	}
	cr_expect_geq(maps_asked, 3, "24 MB of chunks from %zu regions", maps_asked);
	cr_expect_eq(tmdk__chunk_pool_regions(), maps_asked);
	for (i = 0; i < 4; i++)
		tmdk__arena_release(&a[i]);
	/* Every full region went back; the one being cut stays for the next arena. */
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
	tmdk__arena_init(&a[0]);
	fill_and_check(&a[0], MB, 100);
	cr_expect_eq(tmdk__chunk_pool_regions(), 1, "the empty region is cut again");
	tmdk__arena_release(&a[0]);
}

Test(chunk_pool, an_arena_grows_in_place)
{
	tmdk__arena a;
	char *prev = NULL, *p;
	size_t i, apart = 0;

	need_pool();
	tmdk__arena_init(&a);
	for (i = 0; i < 4000; i++) {             /* 4 MB: 8 KB, then grown 16 KB at a time */
		p = tmdk__arena_alloc_raw(&a, 1000, 1);
		cr_assert(p);
		apart += prev && p != prev + 1000;
		prev = p;
	}
	cr_expect_eq(apart, 0, "%zu blocks did not follow the one before", apart);
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
	tmdk__arena_release(&a);
}

/* A complete arena gives back the end of its last chunk: the next chunk is
 * cut just past its last byte, and the arena still takes allocations after
 * (in a chunk of their own, once another was cut behind it). */
Test(chunk_pool, a_complete_arena_gives_back_its_tail)
{
	tmdk__arena a, b;
	tmdk__region *r;
	char *p, *q, *next, *more;
	size_t i;

	need_pool();
	tmdk__arena_init(&a);
	p = tmdk__arena_alloc_raw(&a, 1000, 1);    /* a chunk of 8 KB */
	cr_assert(p);
	cr_assert_eq(tmdk__arena_alloc_raw(&a, 19000, 1), p + 1000, "grown in place by 16 KB: 4.5 KB unused");
	memset(p, 'a', 20000);
	tmdk__arena_trim(&a);
	q = tmdk__chunk_get(64, &r);
	cr_assert(q && r);
	cr_expect_geq(q, p + 20000, "the next chunk does not overlap the arena");
	cr_expect_lt(q, p + 20000 + 64, "the next chunk is cut at the arena's end, not %td bytes on",
		q - (p + 20000));
	memset(q, 'q', 64);
	more = tmdk__arena_alloc_raw(&a, 5000, 1); /* no room left: a chunk after q */
	cr_assert(more);
	cr_expect(more >= q + 64 || more + 5000 <= p, "the arena's new block overlaps the chunk cut after it");
	memset(more, 'm', 5000);
	for (i = 0; i < 20000; i++)
		cr_assert_eq(p[i], 'a', "byte %zu of the first block", i);
	for (i = 0; i < 64; i++)
		cr_assert_eq(q[i], 'q', "byte %zu of the chunk cut after the arena", i);
	tmdk__arena_trim(&a);                      /* its last chunk again, trimmed once more */
	tmdk__chunk_put(q, r);

	/* Not the last one cut any more: nothing is given back, nothing moves. */
	tmdk__arena_init(&b);
	p = tmdk__arena_alloc_raw(&b, 100, 1);
	cr_assert(p);
	q = tmdk__chunk_get(64, &r);
	cr_assert(q);
	tmdk__arena_trim(&b);
	next = tmdk__arena_alloc_raw(&b, 100, 1);
	cr_expect_eq(next, p + 100, "the untrimmed chunk still has its room");
	tmdk__chunk_put(q, r);
	tmdk__arena_release(&b);
	tmdk__arena_release(&a);
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
}

/* Without the pool (malloc's chunks), trimming changes nothing. */
Test(chunk_pool, trimming_a_chunk_from_malloc_changes_nothing)
{
	tmdk__arena a;
	char *p, *next;

	cr_assert_eq(tmdk_set_huge_regions(0), tmdk__region_map ? TMDK_OK : TMDK_ERROR);
	tmdk__arena_init(&a);
	p = tmdk__arena_alloc_raw(&a, 100, 1);
	cr_assert(p);
	tmdk__arena_trim(&a);
	next = tmdk__arena_alloc_raw(&a, 100, 1);
	cr_expect_eq(next, p + 100);
	tmdk__arena_release(&a);
	tmdk__arena_init(&a);
	tmdk__arena_trim(&a);                      /* an empty arena */
	tmdk__arena_release(&a);
}

/* Pages of [p, p + len) in memory, by mincore; -1 when it cannot say. */
static long resident_pages(const void *p, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = len / page, i;
	unsigned char *vec = malloc(n);
	long count = 0;
	cr_assert(vec);
	if (mincore((void *)(uintptr_t)p, len, vec) != 0) {
		free(vec);
		return -1;
	}
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

/* A region is faulted in a huge page at a time as it is cut, not chunk by
 * chunk: a growth that stays inside a faulted huge page asks nothing of
 * the kernel, and one that crosses into the next faults all of it. */
Test(chunk_pool, regions_are_faulted_a_huge_page_at_a_time)
{
	tmdk__region *r;
	size_t size = 16 * 1024, i, page = (size_t)sysconf(_SC_PAGESIZE);
	char *chunk;
	long resident;

	need_pool();
	chunk = tmdk__chunk_get(size, &r);
	cr_assert(chunk && r);
	cr_expect_eq(tmdk__region_populated(r), 2 * MB);
	for (i = 0; i < 100; i++)                  /* 1.6 MB more, in place */
		size = tmdk__chunk_extend(chunk, size, 16 * 1024, r);
	cr_assert_gt(size, 1600 * 1024);
	cr_expect_eq(tmdk__region_populated(r), 2 * MB, "growth inside the first huge page faults nothing more");
	for (i = 0; i < 40; i++)                   /* past 2 MB */
		size = tmdk__chunk_extend(chunk, size, 16 * 1024, r);
	cr_expect_eq(tmdk__region_populated(r), 4 * MB);
	resident = resident_pages((char *)r + 2 * MB, 2 * MB);
	if (resident >= 0)
		cr_expect_eq((size_t)resident, 2 * MB / page, "the second huge page is in memory before it is written");
	memset(chunk, 1, size);
	tmdk__chunk_put(chunk, r);
	cr_expect_eq(tmdk__region_populated(NULL), 0);
}

/* A manifest of `bytes` bytes or a little more: one long list of names. */
static char *big_manifest(size_t bytes, size_t *len)
{
	char *text = malloc(bytes + 64), *at = text;
	size_t i = 0;
	cr_assert(text);
	at += sprintf(at, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
	while ((size_t)(at - text) < bytes)
		at += sprintf(at, "  key%06zu: value\n", i++);
	*len = (size_t)(at - text);
	return text;
}

struct fifo_writer {
	const char *path, *text;
	size_t len;
};

static void *write_fifo(void *arg)
{
	const struct fifo_writer *w = arg;
	FILE *f = fopen(w->path, "w");
	if (f) {
		fwrite(w->text, 1, w->len, f);
		fclose(f);
	}
	return NULL;
}

/* A file's text comes from the regions too (tmdk__read_file), and stays
 * whole when it has to grow while read: a FIFO has no size to start from. */
Test(chunk_pool, file_text_comes_from_the_regions)
{
	char dir[] = "/tmp/tmdk-pool-XXXXXX", file[64], fifo[64];
	size_t len;
	char *text = big_manifest(300 * 1024, &len);
	struct fifo_writer w;
	tmdk_artifact *a;
	tmdk_error err;
	pthread_t t;
	FILE *f;

	cr_assert(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/big.yaml", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.yaml", dir);
	cr_assert((f = fopen(file, "w")) && fwrite(text, 1, len, f) == len && fclose(f) == 0);
	/* off: the allocator's */
	cr_assert_eq(tmdk_artifact_parse_file(&a, file, NULL, &err), TMDK_OK, "%s", err.message);
	cr_expect_null(tmdk__text_region(a->heap_text));
	cr_expect_eq(a->text_len, len);
	tmdk_artifact_free(a);
	need_pool();
	cr_assert_eq(tmdk_artifact_parse_file(&a, file, NULL, &err), TMDK_OK, "%s", err.message);
	cr_expect_not_null(tmdk__text_region(a->heap_text));
	cr_expect_eq(memcmp(a->text, text, len), 0);
	tmdk_artifact_free(a);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	w.path = fifo;
	w.text = text;
	w.len = len;
	cr_assert_eq(pthread_create(&t, NULL, write_fifo, &w), 0);
	cr_assert_eq(tmdk_artifact_parse_file(&a, fifo, NULL, &err), TMDK_OK, "%s", err.message);
	pthread_join(t, NULL);
	cr_expect_not_null(tmdk__text_region(a->heap_text));
	cr_expect_eq(a->text_len, len);
	cr_expect_eq(memcmp(a->text, text, len), 0, "the text survives its moves to larger blocks");
	cr_expect_eq(tmdk_artifact_document_count(a), 1);
	tmdk_artifact_free(a);
	unlink(fifo);
	unlink(file);
	rmdir(dir);
	free(text);
}

Test(chunk_pool, rewinding_gives_chunks_back)
{
	tmdk__arena a;
	tmdk__arena_mark m;

	need_pool();
	tmdk__region_map = counting_map;
	tmdk__arena_init(&a);
	fill_and_check(&a, 100, 10);
	m = tmdk__arena_get_mark(&a);
	fill_and_check(&a, 20 * MB, 4096);
	cr_expect_geq(tmdk__chunk_pool_regions(), 3);
	tmdk__arena_rewind(&a, m);
	/* The first region holds the chunk of the mark; the last is being cut. */
	cr_expect_eq(tmdk__chunk_pool_regions(), 2);
	tmdk__arena_release(&a);
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
}

Test(chunk_pool, a_region_that_cannot_be_mapped_means_malloc)
{
	tmdk__arena a;
	tmdk_artifact *art = NULL;
	tmdk_error err;
	const char *yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

	need_pool();
	tmdk__region_map = failing_map;
	tmdk__arena_init(&a);
	fill_and_check(&a, 12 * MB, 1000);      /* more than a region: none can be had */
	cr_expect_geq(maps_asked, 1);
	cr_expect_eq(tmdk__chunk_pool_regions(), 0);
	tmdk__arena_release(&a);
	cr_assert_eq(tmdk_artifact_parse_buffer(&art, "pod.yaml", yaml, strlen(yaml), NULL, &err), TMDK_OK, "%s",
		err.message);
	cr_expect_eq(tmdk_artifact_kind(art), TMDK_KIND_KUBERNETES);
	tmdk_artifact_free(art);
	tmdk__region_map = counting_map;
}

Test(chunk_pool, large_chunks_come_from_malloc)
{
	tmdk__arena a;
	void *big;

	need_pool();
	tmdk__region_map = counting_map;
	tmdk__arena_init(&a);
	big = tmdk__arena_alloc(&a, 3 * MB);    /* over a quarter of a region */
	cr_assert(big);
	cr_expect_eq(((unsigned char *)big)[3 * MB - 1], 0, "zeroed");
	cr_expect_eq(maps_asked, 0);
	tmdk__arena_release(&a);
}

static size_t app_allocations;

static void *app_malloc(size_t n)
{
	app_allocations++;
	return malloc(n);
}

Test(chunk_pool, the_applications_allocator_gets_every_chunk)
{
	tmdk__arena a;

	tmdk__region_map = tmdk__region_map ? counting_map : NULL;
	(void)tmdk_set_huge_regions(1);
	cr_assert_eq(tmdk_set_allocator(app_malloc, realloc, free), TMDK_OK);
	tmdk__arena_init(&a);
	fill_and_check(&a, 2 * MB, 1000);
	cr_expect_geq(app_allocations, 8, "%zu chunks from the application", app_allocations);
	cr_expect_eq(maps_asked, 0);
	tmdk__arena_release(&a);
	tmdk_set_allocator(NULL, NULL, NULL);
}

static pthread_barrier_t all_cutting;

/* Arenas made and freed, every byte checked; the live arena of each round
 * is kept across the barrier so that every thread holds a region at once. */
static void *churn(void *arg)
{
	size_t round;
	int wait = arg != NULL;
	for (round = 0; round < 40; round++) {
		tmdk__arena a;
		size_t i;
		tmdk__arena_init(&a);
		for (i = 0; i < 200; i++) {
			unsigned char *p = tmdk__arena_alloc_raw(&a, 1500, 1);
			if (!p)
				return (void *)1;
			memset(p, (int)i, 1500);
			if (p[0] != (unsigned char)i || p[1499] != (unsigned char)i)
				return (void *)1;
		}
		if (round == 0 && wait)
			pthread_barrier_wait(&all_cutting);
		tmdk__arena_release(&a);
	}
	return NULL;
}

static void run_threads(size_t n, int together)
{
	pthread_t t[4];
	size_t i;
	void *failed;

	for (i = 0; i < n; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, churn, together ? &all_cutting : NULL), 0);
	for (i = 0; i < n; i++) {
		cr_assert_eq(pthread_join(t[i], &failed), 0);
		cr_expect_null(failed, "thread %zu saw a chunk it did not write", i);
	}
}

Test(chunk_pool, threads_cut_their_own_regions_and_pass_them_on)
{
	need_pool();
	tmdk__region_map = counting_map;
	cr_assert_eq(pthread_barrier_init(&all_cutting, NULL, 4), 0);
	run_threads(4, 1);
	cr_expect_eq(maps_asked, 4, "four threads cutting at once: four regions, not %zu", maps_asked);
	/* One region is kept for the next thread; the others went with theirs. */
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
	run_threads(1, 0);
	cr_expect_eq(maps_asked, 4, "the next thread went on with the kept region");
	cr_expect_eq(tmdk__chunk_pool_regions(), 1);
	pthread_barrier_destroy(&all_cutting);
}

Test(chunk_pool, threads_share_the_allocator_when_there_is_no_pool)
{
	tmdk__region_map = tmdk__region_map ? failing_map : NULL;
	(void)tmdk_set_huge_regions(1);
	run_threads(4, 0);
	cr_expect_eq(tmdk__chunk_pool_regions(), 0);
}
