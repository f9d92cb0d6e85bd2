/*
 * A temporary tree for the tests that walk one (test_walk, test_unit,
 * test_scan_listings): /tmp/tmdk-NAME-PID with files, folders and links
 * made by path, removed whole. One tree per test program.
 */
#ifndef TMDK_TESTS_TEMP_TREE_H
#define TMDK_TESTS_TEMP_TREE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tree[256];

static inline void tree_create(const char *name)
{
	snprintf(tree, sizeof(tree), "/tmp/tmdk-%s-%ld", name, (long)getpid());
	cr_assert_eq(mkdir(tree, 0755), 0, "mkdir %s: %s", tree, strerror(errno));
}

/* tree/rel (the last four stay valid). */
static inline const char *at(const char *rel)
{
	static char path[4][600];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", tree, rel);
	return p;
}

/* tree/rel: a file with `content`, or a folder when content is NULL; the folders on the way are made. */
static inline void mkpath(const char *rel, const char *content)
{
	char path[600], *p;
	snprintf(path, sizeof(path), "%s", at(rel));
	for (p = path + strlen(tree) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (content) {
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f, "cannot write %s", path);
		fputs(content, f);
		fclose(f);
	} else {
		mkdir(path, 0755);
	}
}

static inline void remove_tree(void)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", tree, tree);
	cr_expect_eq(system(cmd), 0);
}

#endif
