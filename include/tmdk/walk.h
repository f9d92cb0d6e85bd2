/*
 * libtmdk — walking a tree: which files are candidates, in what order, and
 * which paths are excluded.
 */
#ifndef TMDK_WALK_H
#define TMDK_WALK_H

#include "common.h"

TMDK_BEGIN_DECL

/**
 * Match a path against a glob, as .gitignore does (and as `--exclude` does).
 *
 * - Paths are relative and '/'-separated ("deploy/k8s/app.yaml"); a leading
 *   "./" is ignored, on the path and on the glob.
 * - '*' matches any run of bytes and '?' one byte, never a '/'.
 * - '**' as a whole segment matches any number of folders, none included.
 *   (The examples below put a space between '/' and '*', which a C comment
 *   cannot hold; there is none in the globs.) "test/ **" matches everything
 *   under test, "** / fixtures/ **" everything under any folder named
 *   fixtures, "** / *.json" every .json file at any depth.
 * - '[abc]', '[a-z]', '[!abc]' (or '[^abc]') match one byte of (not of) the
 *   class; a '[' without its ']' is literal; '\' makes the next byte literal.
 * - A glob without '/' (or with only a trailing one: "testdata/") matches a
 *   file or folder name at any depth: "*.json", "testdata", "node_modules".
 *   A glob with a '/' elsewhere is anchored at the root of the relative path
 *   ("deploy/ *.yaml" matches "deploy/a.yaml", not "x/deploy/a.yaml"); a
 *   leading '/' anchors too and is otherwise ignored.
 * - A glob that matches a folder matches everything under it: "testdata"
 *   matches "a/testdata/b/c.yaml", "charts/app" matches "charts/app/x.yaml".
 * - Bytes are compared as they are: case-sensitive, no locale, no UTF-8
 *   decoding (a '?' matches one byte of a multi-byte character).
 *
 * @return 1 when the path matches, 0 when not (or when either is NULL or
 * the glob is empty).
 */
TMDK_API int tmdk_glob_match(const char *glob, const char *path);

TMDK_END_DECL

#endif /* TMDK_WALK_H */
