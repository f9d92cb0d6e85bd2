/*
 * libtmdk — the allocator.
 *
 * The library allocates through one set of functions. A program may replace
 * them once, before any other libtmdk call (for example to count memory or to
 * inject failures in tests); it then gets every allocation. While they are
 * the C library's own (the default), the nodes and strings of parsed
 * artifacts come from 8 MB regions libtmdk maps itself, aligned for
 * transparent huge pages (see "Where the memory comes from" in
 * docs/document-model.md). The allocator and those regions are the
 * library's only global state.
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

TMDK_END_DECL

#endif /* TMDK_ALLOC_H */
