/*
 * libtmdk — the allocator.
 *
 * The library allocates through one set of functions. A program may replace
 * them once, before any other libtmdk call (for example to count memory or to
 * inject failures in tests); it then gets every allocation. A batch program
 * may also ask for huge-page regions under the artifacts' nodes and the text
 * of the files it reads (tmdk_set_huge_regions). The allocator and those
 * regions are the library's only global state.
 */
#ifndef TMDK_ALLOC_H
#define TMDK_ALLOC_H

#include "common.h"

TMDK_BEGIN_DECL

typedef void *(*tmdk_malloc_fn)(size_t size);
typedef void *(*tmdk_realloc_fn)(void *ptr, size_t size);
typedef void (*tmdk_free_fn)(void *ptr);

/**
 * Replace the allocator. Passing NULL for all three restores malloc,
 * realloc and free. Not thread-safe: call it before anything else.
 * @return TMDK_OK, or TMDK_EINVAL if only some functions are given.
 */
TMDK_API int tmdk_set_allocator(tmdk_malloc_fn m, tmdk_realloc_fn r, tmdk_free_fn f);

/**
 * Take the nodes and strings of parsed artifacts, and the text of the files
 * the library reads, from 8 MB regions libtmdk maps itself, aligned for
 * transparent huge pages, instead of from malloc (off by default). For
 * batch programs that parse many files, keep them, then free them all
 * (tmdk-scan turns it on): fewer page faults and TLB
 * misses. A region goes back to the system only when every chunk cut from
 * it has, so a long-running program that keeps a few artifacts among many
 * it frees should leave it off. Ignored while a replaced allocator is in
 * place, under AddressSanitizer and valgrind. Not thread-safe: call it
 * before anything else (see "Where the memory comes from" in
 * docs/document-model.md).
 * @return TMDK_OK, or TMDK_ERROR where this build has no regions (not Linux,
 *         AddressSanitizer builds); nothing changes then.
 */
TMDK_API int tmdk_set_huge_regions(int enable);

TMDK_END_DECL

#endif /* TMDK_ALLOC_H */
