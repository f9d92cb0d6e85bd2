/*
 * A counting allocator for the allocation-failure tests (jansson-style),
 * installed with tmdk_set_allocator: it fails the allocation after
 * `failing_left` more have succeeded (and, when `failing_sticky`, every one
 * after it too), and counts the blocks alive, so a test can check that an
 * operation failing anywhere returns TMDK_ENOMEM and leaks nothing.
 */
#ifndef TMDK_TESTS_FAILING_ALLOC_H
#define TMDK_TESTS_FAILING_ALLOC_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include <tmdk.h>

static long failing_left = -1; /* allocations that succeed before the failure; -1: never fail */
static int failing_sticky;     /* once one fails, every later one fails too */
static long failing_live;      /* blocks allocated and not yet freed */

static int failing_now(void)
{
	if (failing_left < 0)
		return 0;
	if (failing_left > 0) {
		failing_left--;
		return 0;
	}
	if (!failing_sticky)
		failing_left = -1;
	return 1;
}

static void *failing_malloc(size_t n)
{
	void *p;
	if (failing_now())
		return NULL;
	p = malloc(n);
	failing_live += p != NULL;
	return p;
}

static void *failing_realloc(void *old, size_t n)
{
	void *p;
	if (failing_now())
		return NULL;
	p = realloc(old, n);
	failing_live += p && !old;
	return p;
}

static void failing_free(void *p)
{
	failing_live -= p != NULL;
	free(p);
}

static void failing_install(int sticky)
{
	failing_sticky = sticky;
	cr_assert_eq(tmdk_set_allocator(failing_malloc, failing_realloc, failing_free), TMDK_OK);
}

#endif
