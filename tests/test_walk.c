/* Globs (tmdk_glob_match), the tree walk and candidate classification. */
#include "helpers.h"

#include "tmdk/walk.h"

#define MATCH(g, p) cr_expect_eq(tmdk_glob_match(g, p), 1, "'%s' should match '%s'", g, p)
#define NO_MATCH(g, p) cr_expect_eq(tmdk_glob_match(g, p), 0, "'%s' should not match '%s'", g, p)

/* ---- globs ------------------------------------------------------------------ */

Test(glob, name_without_slash_matches_at_any_depth)
{
	MATCH("*.json", "a.json");
	MATCH("*.json", "x/y/a.json");
	NO_MATCH("*.json", "a.jsonc");
	NO_MATCH("*.json", "a.yaml");
	MATCH("tsconfig.json", "web/tsconfig.json");
	NO_MATCH("tsconfig.json", "web/tsconfig.json.bak");
	MATCH("Dockerfile", "Dockerfile");
	NO_MATCH("Dockerfile", "Dockerfile.dev");
}

Test(glob, folder_name_excludes_everything_under_it)
{
	MATCH("testdata", "testdata");
	MATCH("testdata", "testdata/a.yaml");
	MATCH("testdata", "x/testdata/b/c.yaml");
	NO_MATCH("testdata", "x/testdata2/c.yaml");
	MATCH("testdata/", "x/testdata/c.yaml");
	MATCH("charts/app", "charts/app/x.yaml");
	NO_MATCH("charts/app", "charts/application/x.yaml");
	MATCH("*.d", "conf.d/a.yaml");
}

Test(glob, star_and_question_mark_stay_inside_a_segment)
{
	NO_MATCH("*", "");
	MATCH("*", "a/b"); /* no '/': the name "a" matches, and b is under it */
	MATCH("deploy/*.yaml", "deploy/a.yaml");
	NO_MATCH("deploy/*.yaml", "deploy/sub/a.yaml");
	NO_MATCH("deploy/*.yaml", "x/deploy/a.yaml");
	MATCH("a?c", "abc");
	NO_MATCH("a?c", "ac");
	NO_MATCH("a/?/c", "a//c");
	NO_MATCH("a?c", "a/c");
	MATCH("a*c", "ac");
	MATCH("a*b*c", "axxbyyc");
	NO_MATCH("a*b*c", "axxbyy");
	MATCH("*x*y*", "..x..x..y..");
	NO_MATCH("a*", "b/ca");
}

Test(glob, double_star_spans_folders)
{
	MATCH("test/**", "test/a");
	MATCH("test/**", "test/a/b/c.yaml");
	NO_MATCH("test/**", "test");
	NO_MATCH("test/**", "src/test/a");
	MATCH("**/fixtures/**", "fixtures/a.yaml");
	MATCH("**/fixtures/**", "tests/fixtures/a.yaml");
	MATCH("**/fixtures/**", "a/b/fixtures/c/d.yaml");
	NO_MATCH("**/fixtures/**", "a/fixtures");
	NO_MATCH("**/fixtures/**", "a/fixtures2/b");
	MATCH("**/*.json", "a.json");
	MATCH("**/*.json", "a/b/c.json");
	NO_MATCH("**/*.json", "a/b/c.yaml");
	MATCH("a/**/b", "a/b");
	MATCH("a/**/b", "a/x/y/b");
	MATCH("a/**/b", "a/x/b/c.yaml");
	NO_MATCH("a/**/b", "a/x/c");
	MATCH("**", "x/y");
	MATCH("**/**/x", "a/b/x");
	/* '**' inside a segment is two '*' */
	MATCH("a**z", "abcz");
	NO_MATCH("a**z", "ab/cz");
}

Test(glob, classes)
{
	MATCH("[abc].yaml", "b.yaml");
	NO_MATCH("[abc].yaml", "d.yaml");
	MATCH("[a-c].yaml", "c.yaml");
	NO_MATCH("[a-c].yaml", "C.yaml");
	MATCH("[!a-c].yaml", "d.yaml");
	MATCH("[^a-c].yaml", "d.yaml");
	NO_MATCH("[!a-c].yaml", "a.yaml");
	MATCH("[]].yaml", "].yaml");
	MATCH("[]a].yaml", "a.yaml");
	MATCH("x[.]y", "x.y");
	MATCH("[\\]]", "]");
	/* an unclosed class is a literal '[' */
	MATCH("a[b", "a[b");
	NO_MATCH("a[b", "ab");
	/* a class never matches '/' */
	NO_MATCH("a[/]b", "a/b");
	MATCH("a[/]b", "a[/]b");
	/* bytes, not characters: no locale */
	MATCH("caf?", "caf\xc3");
	NO_MATCH("caf?", "caf\xc3\xa9");
	MATCH("caf??", "caf\xc3\xa9");
	MATCH("[\x80-\xff]*", "\xc3\xa9.yaml");
}

Test(glob, escapes_anchors_and_dot_slash)
{
	MATCH("\\*.yaml", "*.yaml");
	NO_MATCH("\\*.yaml", "a.yaml");
	MATCH("/Dockerfile", "Dockerfile");
	NO_MATCH("/Dockerfile", "a/Dockerfile");
	MATCH("/a", "a/b.yaml");
	MATCH("./a/*.yaml", "a/b.yaml");
	MATCH("a/*.yaml", "./a/b.yaml");
	MATCH("*.yaml", "./b.yaml");
}

Test(glob, null_and_empty)
{
	NO_MATCH("", "a");
	NO_MATCH("", "");
	cr_expect_eq(tmdk_glob_match(NULL, "a"), 0);
	cr_expect_eq(tmdk_glob_match("a", NULL), 0);
	NO_MATCH("a", "");
}

Test(glob, pathological_patterns_end_quickly)
{
	char path[4096];
	size_t i;
	for (i = 0; i < sizeof(path) - 1; i++)
		path[i] = (i % 8 == 7) ? '/' : 'a';
	path[sizeof(path) - 1] = '\0';
	/* Many '**' segments against hundreds of folders: (segments x folders), not exponential. */
	NO_MATCH("**/**/**/**/**/**/**/**/**/**/**/**/b", path);
	NO_MATCH("**/a*/**/a*/**/a*/**/a*/**/a*/**/b", path);
	MATCH("**/a*/**/a*/**/a*/**/a*/**/aaaaaaa", path);
	NO_MATCH("*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}
