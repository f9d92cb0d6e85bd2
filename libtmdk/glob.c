/*
 * Gitignore-like globs over '/'-separated relative paths (include/tmdk/walk.h):
 * '*' and '?' stay inside one path segment, '**' as a whole segment spans any
 * number of folders, '[...]' classes compare bytes, a glob without '/'
 * matches the base name (or any folder's name) at any depth, and a glob that
 * matches a folder matches everything under it. No locale, no allocation,
 * no recursion deeper than the number of '**' segments.
 */
#include "internal.h"

#include <string.h>

#include "tmdk/walk.h"

/* One '[...]' class at *pp (just after '['), against byte c. Sets *pp past ']'.
 * @return 1/0, or -1 when the class is not closed (then '[' is literal). */
static int class_match(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int negate = 0, matched = 0;

	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		matched = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		unsigned char lo, hi;
		if (*p == '/')
			return -1;
		if (*p == '\\' && p[1])
			p++;
		lo = hi = (unsigned char)*p;
		if (p[1] == '-' && p[2] && p[2] != ']' && p[2] != '/') {
			p += 2;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p;
		}
		if (c >= lo && c <= hi)
			matched = 1;
		p++;
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return matched != negate;
}

/* Match one segment pattern [p, pe) against one segment [s, se): '*', '?',
 * classes, '\' escapes; classic backtracking on the last '*'. */
static int segment_match(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star_p = NULL, *star_s = NULL;

	while (s < se) {
		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (p < pe) {
			const char *q = p;
			int ok;
			if (*p == '?') {
				ok = 1;
				q = p + 1;
			} else if (*p == '[') {
				q = p + 1;
				ok = class_match(&q, (unsigned char)*s);
				if (ok < 0 || q > pe) { /* unclosed: a literal '[' */
					ok = *s == '[';
					q = p + 1;
				}
			} else if (*p == '\\' && p + 1 < pe) {
				ok = p[1] == *s;
				q = p + 2;
			} else {
				ok = *p == *s;
				q = p + 1;
			}
			if (ok) {
				p = q;
				s++;
				continue;
			}
		}
		if (!star_p)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

static const char *segment_end(const char *s)
{
	const char *e = strchr(s, '/');
	return e ? e : s + strlen(s);
}

static const char *next_segment(const char *s)
{
	const char *e = segment_end(s);
	return *e ? e + 1 : e;
}

static int is_double_star(const char *p)
{
	return p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0');
}

/*
 * The glob's segments against the path's segments, with the single-star
 * backtracking of segment_match one level up: a '**' segment is the star,
 * every other segment matches exactly one path segment. That keeps the cost
 * at (glob segments x path segments) segment comparisons, whatever the
 * number of '**'. A trailing '**' needs one segment at least (it is "what is
 * inside"), and once the glob is used up the rest of the path lies under a
 * matched folder: a match. `unanchored` starts with an implicit '**'.
 */
static int path_match(const char *p, const char *s, int unanchored)
{
	const char *star_p = NULL, *star_s = NULL;

	if (unanchored) {
		star_p = p;
		star_s = s;
	}
	for (;;) {
		if (*p == '\0')
			return 1;
		if (is_double_star(p) && *next_segment(p) != '\0') {
			p = next_segment(p);
			star_p = p;
			star_s = s;
			continue;
		}
		if (*s == '\0') /* a trailing '**' or any other segment needs one more */
			return 0;
		if (is_double_star(p) || segment_match(p, segment_end(p), s, segment_end(s))) {
			p = next_segment(p);
			s = next_segment(s);
			continue;
		}
		if (!star_p || *star_s == '\0')
			return 0;
		star_s = next_segment(star_s);
		p = star_p;
		s = star_s;
	}
}

TMDK_API int tmdk_glob_match(const char *glob, const char *path)
{
	const char *slash;
	int unanchored;

	if (!glob || !path)
		return 0;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	while (glob[0] == '.' && glob[1] == '/')
		glob += 2;
	if (!*glob || !*path)
		return 0;
	/* No '/' but a trailing one: a name at any depth. A leading '/' anchors. */
	slash = strchr(glob, '/');
	unanchored = !slash || slash[1] == '\0';
	if (glob[0] == '/')
		glob++;
	if (!*glob)
		return 0;
	return path_match(glob, path, unanchored);
}
