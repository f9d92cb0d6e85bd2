/* Globs (tmdk_glob_match), the tree walk and candidate classification. */
#include "helpers.h"
#include "temp_tree.h"

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

/* ---- walking a tree --------------------------------------------------------------- */

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk_int.h"

typedef struct walk_log {
	char lines[256][600];
	size_t count;
	int stop_after;              /* > 0: stop (return 7) at that entry */
} walk_log;

static const char *status_letter(tmdk_walk_status s)
{
	switch (s) {
	case TMDK_WALK_CANDIDATE: return "C";
	case TMDK_WALK_OTHER: return "O";
	case TMDK_WALK_SKIPPED: return "S";
	case TMDK_WALK_IGNORED: return "I";
	case TMDK_WALK_ERROR: return "E";
	}
	return "?";
}

/* Each entry as "STATUS relative [named] [helm] [- reason]". */
static int log_entry(const tmdk_walk_entry *e, void *payload)
{
	walk_log *l = payload;
	cr_assert_lt(l->count, 256);
	snprintf(l->lines[l->count++], sizeof(l->lines[0]), "%s %s%s%s%s%s", status_letter(e->status), e->relative,
		(e->flags & TMDK_CANDIDATE_NAMED) ? " named" : "", (e->flags & TMDK_CANDIDATE_HELM_TEMPLATE) ? " helm" : "",
		e->reason[0] ? " - " : "", e->reason);
	return l->stop_after && (int)l->count >= l->stop_after ? 7 : 0;
}

static void make_tree(void)
{
	tree_create("walk");
	mkpath("Dockerfile", "FROM alpine\n");
	mkpath("B.yaml", "a: 1\n");
	mkpath("a.yaml", "a: 1\n");
	mkpath("_x.json", "{}\n");
	mkpath("z/c.yml", "a: 1\n");
	mkpath("z.yaml", "a: 1\n");
	mkpath("README.md", "hi\n");
	mkpath("Makefile", "all:\n");
	mkpath(".travis.yml", "a: 1\n");
	mkpath(".git/config.yaml", "a: 1\n");
	mkpath("node_modules/m/package.json", "{}\n");
	mkpath("vendor/v.yaml", "a: 1\n");
	mkpath("chart/Chart.yaml", "apiVersion: v2\n");
	mkpath("chart/values.yaml", "a: 1\n");
	mkpath("chart/templates/deploy.yaml", "{{ x }}\n");
	mkpath("chart/templates/sub/svc.yaml", "{{ x }}\n");
	mkpath("chart/templates/Dockerfile", "FROM alpine\n");
	mkpath("templates/not-helm.yaml", "a: 1\n");
}

static void expect_log(const walk_log *l, const char *const *want, size_t n)
{
	size_t i;
	for (i = 0; i < l->count && i < n; i++)
		cr_expect_str_eq(l->lines[i], want[i], "entry %zu", i);
	cr_expect_eq(l->count, n, "%zu entries, expected %zu", l->count, n);
}

static const char *const whole_tree[] = {
	"I .git - folder skipped by default",
	"C .travis.yml",
	"C B.yaml",
	"C Dockerfile named",
	"C Makefile",
	"O README.md - not an artifact name",
	"C _x.json",
	"C a.yaml",
	"C chart/Chart.yaml",
	"C chart/templates/Dockerfile named helm",
	"S chart/templates/deploy.yaml helm - Helm template (not rendered)",
	"S chart/templates/sub/svc.yaml helm - Helm template (not rendered)",
	"C chart/values.yaml",
	"I node_modules - folder skipped by default",
	"C templates/not-helm.yaml",
	"I vendor - folder skipped by default",
	"C z/c.yml",
	"C z.yaml",
};
#define WHOLE_TREE (sizeof(whole_tree) / sizeof(whole_tree[0]))

TestSuite(walk, .init = make_tree, .fini = remove_tree);

Test(walk, byte_order_default_folders_helm_templates_and_candidates)
{
	walk_log l;
	tmdk_error err;
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(tree, NULL, log_entry, &l, &err), TMDK_OK, "%s", err.message);
	expect_log(&l, whole_tree, WHOLE_TREE);
}

static int check_path(const tmdk_walk_entry *e, void *payload)
{
	const char *root = payload;
	char want[1024];
	if (strcmp(root, ".") == 0)
		snprintf(want, sizeof(want), "%s", e->relative);
	else
		snprintf(want, sizeof(want), "%s/%s", root, e->relative);
	cr_expect_str_eq(e->path, want);
	return 0;
}

Test(walk, path_is_the_root_joined_with_the_relative_path)
{
	tmdk_error err;
	char cwd[4096];
	cr_assert_eq(tmdk_walk(tree, NULL, check_path, tree, &err), TMDK_OK);
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(tree), 0);
	cr_expect_eq(tmdk_walk(".", NULL, check_path, ".", &err), TMDK_OK); /* "Dockerfile", not "./Dockerfile" */
	cr_assert_eq(chdir(cwd), 0);
}

Test(walk, all_folders_and_no_links)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	walk_log l;
	tmdk_error err;
	size_t i;
	int git = 0, link = 0;

	cr_assert_eq(symlink("z", at("zlink")), 0);
	memset(&l, 0, sizeof(l));
	o.flags = TMDK_WALK_ALL_FOLDERS | TMDK_WALK_NO_FOLLOW_LINKS;
	cr_assert_eq(tmdk_walk(tree, &o, log_entry, &l, &err), TMDK_OK);
	for (i = 0; i < l.count; i++) {
		git |= strcmp(l.lines[i], "C .git/config.yaml") == 0;
		link |= strcmp(l.lines[i], "I zlink - symbolic link (not followed)") == 0;
	}
	cr_expect(git && link);
}

Test(walk, excluded_paths_are_reported_and_never_opened)
{
	static const char *const globs[] = { "chart", "**/*.json", "z/*.yml", "README.md" };
	static const char *const expected[] = {
		"I .git - folder skipped by default",
		"C .travis.yml",
		"C B.yaml",
		"C Dockerfile named",
		"C Makefile",
		"I README.md - excluded (README.md)",
		"I _x.json - excluded (**/*.json)",
		"C a.yaml",
		"I chart - excluded (chart)",
		"I locked.json - excluded (**/*.json)",
		"I node_modules - folder skipped by default",
		"C templates/not-helm.yaml",
		"I vendor - folder skipped by default",
		"I z/c.yml - excluded (z/*.yml)",
		"C z.yaml",
	};
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	walk_log l;
	tmdk_error err;

	/* Unreadable: opened, it would be an error (for root too: a folder without x). */
	mkpath("locked.json/x.yaml", "a: [\n");
	cr_assert_eq(chmod(at("locked.json"), 0), 0);
	memset(&l, 0, sizeof(l));
	o.excludes = globs;
	o.exclude_count = 4;
	cr_assert_eq(tmdk_walk(tree, &o, log_entry, &l, &err), TMDK_OK, "%s", err.message);
	expect_log(&l, expected, sizeof(expected) / sizeof(expected[0]));
}

Test(walk, unreadable_folders_are_errors_and_the_walk_goes_on)
{
	walk_log l;
	tmdk_error err;
	size_t i;
	int error = 0, after = 0;

	if (geteuid() == 0) {
		remove_tree(); /* a skipped test does not run .fini */
		cr_skip_test("root reads every folder");
	}
	mkpath("locked/x.yaml", "a: 1\n");
	cr_assert_eq(chmod(at("locked"), 0), 0);
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(tree, NULL, log_entry, &l, &err), TMDK_OK);
	for (i = 0; i < l.count; i++) {
		if (strcmp(l.lines[i], "E locked - cannot open folder: Permission denied") == 0)
			error = 1;
		else if (error && strcmp(l.lines[i], "C z.yaml") == 0)
			after = 1;
	}
	cr_expect(error && after);
}

Test(walk, link_loops_end_and_broken_links_are_ignored)
{
	walk_log l;
	tmdk_error err;
	size_t i;
	int loop = 0, broken = 0, cycle = 0;

	cr_assert_eq(symlink("..", at("z/up")), 0);
	cr_assert_eq(symlink("nowhere.yaml", at("ghost.yaml")), 0);
	cr_assert_eq(symlink("self.yaml", at("self.yaml")), 0);
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(tree, NULL, log_entry, &l, &err), TMDK_OK);
	for (i = 0; i < l.count; i++) {
		loop |= strcmp(l.lines[i], "I z/up - folder already walked (symbolic link loop?)") == 0;
		broken |= strcmp(l.lines[i], "I ghost.yaml - broken symbolic link") == 0;
		cycle |= strcmp(l.lines[i], "I self.yaml - symbolic link loop") == 0;
	}
	cr_expect(loop && broken && cycle);
}

Test(walk, a_root_inside_a_chart_templates_folder)
{
	walk_log l;
	tmdk_error err;
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(at("chart/templates/sub"), NULL, log_entry, &l, &err), TMDK_OK);
	cr_assert_eq(l.count, 1);
	cr_expect_str_eq(l.lines[0], "S svc.yaml helm - Helm template (not rendered)");
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(at("templates"), NULL, log_entry, &l, &err), TMDK_OK);
	cr_expect_str_eq(l.lines[0], "C not-helm.yaml");
}

Test(walk, an_empty_folder_has_no_entries)
{
	walk_log l;
	tmdk_error err;
	mkpath("empty", NULL);
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(at("empty"), NULL, log_entry, &l, &err), TMDK_OK);
	cr_expect_eq(l.count, 0);
}

Test(walk, a_file_root_is_one_candidate)
{
	walk_log l;
	tmdk_error err;
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(at("README.md"), NULL, log_entry, &l, &err), TMDK_OK);
	cr_assert_eq(l.count, 1);
	cr_expect_str_eq(l.lines[0], "C README.md");
	memset(&l, 0, sizeof(l));
	cr_assert_eq(tmdk_walk(at("Dockerfile"), NULL, log_entry, &l, &err), TMDK_OK);
	cr_expect_str_eq(l.lines[0], "C Dockerfile named");
}

Test(walk, the_callback_stops_the_walk)
{
	walk_log l;
	tmdk_error err;
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	cr_expect_eq(tmdk_walk(tree, NULL, log_entry, &l, &err), 7);
	cr_expect_eq(l.count, 3);
	cr_expect_eq(err.code, TMDK_EUSER);
}

Test(walk, bad_arguments)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	walk_log l;
	tmdk_error err;

	memset(&l, 0, sizeof(l));
	cr_expect_eq(tmdk_walk(NULL, NULL, log_entry, &l, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_walk("", NULL, log_entry, &l, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_walk(tree, NULL, NULL, &l, &err), TMDK_EINVAL);
	o.version = 99;
	cr_expect_eq(tmdk_walk(tree, &o, log_entry, &l, &err), TMDK_EINVAL);
	cr_expect(strstr(err.message, "version 99") != NULL);
	o.version = TMDK_WALK_OPTIONS_VERSION;
	o.exclude_count = 1;
	cr_expect_eq(tmdk_walk(tree, &o, log_entry, &l, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_walk(at("no-such"), NULL, log_entry, &l, &err), TMDK_EIO);
	cr_expect(strstr(err.message, "cannot open: No such file") != NULL, "%s", err.message);
	cr_expect_eq(l.count, 0);
	cr_expect_eq(tmdk_walk_options_init(&o, 99), TMDK_EINVAL);
	cr_expect_eq(tmdk_walk_options_init(NULL, TMDK_WALK_OPTIONS_VERSION), TMDK_EINVAL);
	cr_expect_eq(tmdk_walk_options_init(&o, TMDK_WALK_OPTIONS_VERSION), TMDK_OK);
	cr_expect_eq(o.exclude_count, 0);
}

Test(walk, folder_listing_is_in_byte_order)
{
	tmdk__listing l;
	tmdk_error err;
	mkpath("s/\xc3\xa9.yaml", "a: 1\n");
	mkpath("s/e.yaml", "a: 1\n");
	mkpath("s/E.yaml", "a: 1\n");
	mkpath("s/_.yaml", "a: 1\n");
	mkpath("s/e-1.yaml", "a: 1\n");
	mkpath("s/d/x.yaml", "a: 1\n");
	cr_assert_eq(tmdk__list_folder(at("s"), &l, &err), TMDK_OK);
	cr_assert_eq(l.count, 6);
	cr_expect_str_eq(l.entries[0].name, "E.yaml");
	cr_expect_str_eq(l.entries[1].name, "_.yaml");
	cr_expect_str_eq(l.entries[2].name, "d");
	cr_expect_str_eq(l.entries[3].name, "e-1.yaml");
	cr_expect_str_eq(l.entries[4].name, "e.yaml");
	cr_expect_str_eq(l.entries[5].name, "\xc3\xa9.yaml");
	/* Types as readdir gives them, or unknown where the file system does not say. */
	cr_expect(l.entries[2].type == TMDK__ENTRY_FOLDER || l.entries[2].type == TMDK__ENTRY_UNKNOWN);
	cr_expect(l.entries[0].type == TMDK__ENTRY_FILE || l.entries[0].type == TMDK__ENTRY_UNKNOWN);
	tmdk__listing_free(&l);
	cr_expect_eq(tmdk__list_folder(at("nope"), &l, &err), TMDK_EIO);
	cr_expect_eq(l.count, 0);
	cr_expect(strncmp(err.message, "cannot open folder: ", 20) == 0);
}

/* ---- candidates ----------------------------------------------------------------- */

typedef struct outcome {
	tmdk_candidate_status status;
	int rc;
	tmdk_error err;
	tmdk_kind kind;
} outcome;

static outcome candidate(const char *name, const char *data, size_t len, unsigned int flags)
{
	outcome o;
	tmdk_artifact *a = (tmdk_artifact *)0x1;
	o.rc = tmdk_candidate_parse_buffer(&a, &o.status, name, data, len, flags, NULL, &o.err);
	o.kind = a ? tmdk_artifact_kind(a) : TMDK_KIND_UNKNOWN;
	cr_assert((a != NULL) == (o.status == TMDK_CANDIDATE_ARTIFACT), "%s: artifact out only for artifacts", name);
	cr_assert((o.rc == TMDK_OK) == (o.status != TMDK_CANDIDATE_ERROR), "%s: rc and status agree", name);
	tmdk_artifact_free(a);
	return o;
}

#define SKIP(name, text, reason_prefix, l, c) do { \
	outcome o_ = candidate(name, text, sizeof(text) - 1, 0); \
	cr_expect_eq(o_.status, TMDK_CANDIDATE_SKIPPED, "%s: status %d (%s)", name, o_.status, o_.err.message); \
	cr_expect(strncmp(o_.err.message, reason_prefix, strlen(reason_prefix)) == 0, "%s: reason '%s'", name, \
		o_.err.message); \
	cr_expect_eq(o_.err.line, l, "%s: line", name); \
	cr_expect_eq(o_.err.column, c, "%s: column", name); \
	o_ = candidate(name, text, sizeof(text) - 1, TMDK_CANDIDATE_UNPARSEABLE_ERROR); \
	if (strcmp(reason_prefix, "empty file") != 0 && strcmp(reason_prefix, "Helm") != 0) \
		cr_expect_eq(o_.status, TMDK_CANDIDATE_ERROR, "%s: an error with the strict flag", name); \
} while (0)

Test(candidate, every_skip_reason)
{
	/* Where the YAML parser stopped. (JSONC that happens to be valid YAML, as
	 * "{ // c }", is read as YAML: a map of another kind.) */
	SKIP("web/tsconfig.json", "{\n  // comment\n  \"a\": 1\n}\n", "JSON with comments (JSONC), not JSON", 3, 6);
	SKIP("web/tsconfig.json", "{\n  \"a\": 1, /* c */\n  \"b\": [1, 2]\n}\n", "JSON with comments (JSONC), not JSON", 3, 6);
	SKIP(".travis.yml", "a:\n\tb: 1\n", "YAML indented with tabs, not valid YAML: found character", 2, 1);
	SKIP("t.yaml", "kind: Pod\n{{- if .x }}\nx: [\n", "template syntax ({{ }}), not valid YAML until rendered: ", 3, 1);
	SKIP("a.yaml", "a: [1\n", "not valid YAML: did not find expected", 2, 1);
	SKIP("a.json", "{\"a\": [1}\n", "not valid JSON: did not find expected", 1, 9);
	SKIP("a.yaml", "a: caf\xe9\n", "not UTF-8 text (another encoding?): invalid UTF-8 (byte 0xE9)", 1, 7);
	SKIP("a.yaml", "\xff\xfe" "a\0:\0 \0" "1\0", "UTF-16 text (libtmdk reads UTF-8)", 0, 0);
	SKIP("a.yaml", "\xfe\xff" "\0a", "UTF-16 text (libtmdk reads UTF-8)", 0, 0);
	SKIP("a.json", "{\"a\": \"\0\"}", "binary file (contains NUL bytes)", 0, 0);
	SKIP("a.yaml", "", "empty file", 0, 0);
	SKIP("a.yaml", " \r\n\t\n", "empty file", 0, 0);
	SKIP("a.yaml", "\xef\xbb\xbf\n", "empty file", 0, 0);
}

Test(candidate, helm_templates_are_skipped_without_reading)
{
	outcome o = candidate("chart/templates/a.yaml", "apiVersion: v1\nkind: Pod\n", 25, TMDK_CANDIDATE_HELM_TEMPLATE);
	tmdk_artifact *a = NULL;
	tmdk_candidate_status st;
	tmdk_error err;
	cr_expect_eq(o.status, TMDK_CANDIDATE_SKIPPED);
	cr_expect_str_eq(o.err.message, "Helm template (not rendered)");
	/* Never an error, even with the strict flag; the file is not even opened. */
	cr_expect_eq(tmdk_candidate_parse_file(&a, &st, "/no/such/chart/templates/x.yaml",
		TMDK_CANDIDATE_HELM_TEMPLATE | TMDK_CANDIDATE_UNPARSEABLE_ERROR, NULL, &err), TMDK_OK);
	cr_expect_eq(st, TMDK_CANDIDATE_SKIPPED);
	cr_expect_null(a);
	/* A named artifact there is parsed as any other. */
	o = candidate("chart/templates/Dockerfile", "FROM alpine:3.19\n", 17, TMDK_CANDIDATE_HELM_TEMPLATE);
	cr_expect_eq(o.status, TMDK_CANDIDATE_ARTIFACT);
}

Test(candidate, named_artifacts_that_do_not_parse_are_errors)
{
	static const struct { const char *name, *text; } cases[] = {
		{ "compose.yaml", "services: [\n" },
		{ "docker-compose.yml", "services:\n\tweb: {}\n" },
		{ "daemon.json", "{\n  // c\n  \"debug\": true\n}\n" },
		{ "Dockerfile", "FROM alpine\nRUN <<EOF\nx\n" },
		{ "Dockerfile", "" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		outcome o = candidate(cases[i].name, cases[i].text, strlen(cases[i].text), 0);
		cr_expect_eq(o.status, TMDK_CANDIDATE_ERROR, "%s", cases[i].name);
		cr_expect_eq(o.rc, TMDK_EPARSE, "%s", cases[i].name);
		cr_expect_eq(o.err.code, TMDK_EPARSE);
	}
	{
		outcome o = candidate("Dockerfile", "\xff\xfe" "F\0R\0", 6, 0);
		cr_expect_eq(o.status, TMDK_CANDIDATE_ERROR);
		cr_expect_str_eq(o.err.message, "UTF-16 text (libtmdk reads UTF-8)");
	}
	{
		/* A forced kind makes any input named. */
		tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a = NULL;
		tmdk_candidate_status st;
		tmdk_error err;
		po.kind = TMDK_KIND_KUBERNETES;
		cr_expect_eq(tmdk_candidate_parse_buffer(&a, &st, "x.yaml", "a: [\n", 5, 0, &po, &err), TMDK_EPARSE);
		cr_expect_eq(st, TMDK_CANDIDATE_ERROR);
	}
}

Test(candidate, bom_and_crlf_parse_as_artifacts)
{
	static const struct { const char *name, *text; tmdk_kind kind; } cases[] = {
		{ "Dockerfile", "\xef\xbb\xbf" "FROM alpine:3.19\r\nUSER app\r\n", TMDK_KIND_DOCKERFILE },
		{ "compose.yaml", "\xef\xbb\xbf" "services:\r\n  web:\r\n    image: nginx\r\n", TMDK_KIND_COMPOSE },
		{ "k8s/pod.yaml", "\xef\xbb\xbf" "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\n", TMDK_KIND_KUBERNETES },
		{ "k8s/pod.json", "\xef\xbb\xbf{\"apiVersion\": \"v1\",\r\n \"kind\": \"Pod\"}\r\n", TMDK_KIND_KUBERNETES },
		{ "daemon.json", "\xef\xbb\xbf{\"debug\": true}\r\n", TMDK_KIND_DAEMON_JSON },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		outcome o = candidate(cases[i].name, cases[i].text, strlen(cases[i].text), 0);
		cr_expect_eq(o.status, TMDK_CANDIDATE_ARTIFACT, "%s: %s", cases[i].name, o.err.message);
		cr_expect_eq(o.kind, cases[i].kind, "%s", cases[i].name);
	}
}

Test(candidate, other_files_and_arguments)
{
	outcome o = candidate("values.yaml", "replicas: 2\n", 12, 0);
	tmdk_artifact *a = NULL;
	tmdk_candidate_status st;
	tmdk_error err;
	char path[600];

	cr_expect_eq(o.status, TMDK_CANDIDATE_OTHER);
	o = candidate("package.json", "{\"name\": \"x\"}\n", 14, TMDK_CANDIDATE_UNPARSEABLE_ERROR);
	cr_expect_eq(o.status, TMDK_CANDIDATE_OTHER);
	cr_expect_eq(tmdk_candidate_parse_buffer(NULL, &st, "a", "", 0, 0, NULL, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_candidate_parse_buffer(&a, NULL, "a", "", 0, 0, NULL, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_candidate_parse_buffer(&a, &st, "a", NULL, 3, 0, NULL, &err), TMDK_EINVAL);
	cr_expect_eq(st, TMDK_CANDIDATE_ERROR);
	cr_expect_eq(tmdk_candidate_parse_file(&a, &st, NULL, 0, NULL, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_candidate_parse_file(&a, &st, "/no/such/file.yaml", 0, NULL, &err), TMDK_EIO);
	cr_expect_eq(st, TMDK_CANDIDATE_ERROR);
	cr_expect(strstr(err.message, "cannot open") != NULL);
	/* A file: the same rule. */
	snprintf(path, sizeof(path), "/tmp/tmdk-cand-%ld.json", (long)getpid());
	{
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f);
		fputs("{\n  // c\n  \"a\": 1\n}\n", f);
		fclose(f);
	}
	cr_expect_eq(tmdk_candidate_parse_file(&a, &st, path, 0, NULL, &err), TMDK_OK);
	cr_expect_eq(st, TMDK_CANDIDATE_SKIPPED);
	cr_expect_str_eq(err.message, "JSON with comments (JSONC), not JSON");
	cr_expect_str_eq(err.source, path);
	cr_expect_eq(tmdk_candidate_parse_file(&a, &st, path, TMDK_CANDIDATE_UNPARSEABLE_ERROR, NULL, &err), TMDK_EPARSE);
	unlink(path);
	cr_expect_str_eq(tmdk_candidate_status_name(TMDK_CANDIDATE_SKIPPED), "skipped");
	cr_expect_str_eq(tmdk_candidate_status_name(TMDK_CANDIDATE_ARTIFACT), "artifact");
	cr_expect_str_eq(tmdk_candidate_status_name(TMDK_CANDIDATE_OTHER), "other");
	cr_expect_str_eq(tmdk_candidate_status_name(TMDK_CANDIDATE_ERROR), "error");
	cr_expect_null(tmdk_candidate_status_name((tmdk_candidate_status)9));
}

/* ---- skipped files in the report ---------------------------------------------------- */

static char *render(const tmdk_report *r, tmdk_report_format format, unsigned int flags)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *s = NULL;
	o.format = format;
	o.flags = flags;
	cr_assert_eq(tmdk_report_render(&s, NULL, r, &o, &err), TMDK_OK, "%s", err.message);
	return s;
}

Test(report_skipped, every_format_counts_and_lists_them)
{
	tmdk_report *r;
	tmdk_error err;
	char *s;

	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	cr_expect_eq(tmdk_report_add_skipped(r, "web/tsconfig.json", 3, 3, "JSON with comments (JSONC), not JSON"), TMDK_OK);
	cr_expect_eq(tmdk_report_add_skipped(r, "chart/templates/a.yaml", 0, 7, "Helm template (not rendered)"), TMDK_OK);
	cr_expect_eq(tmdk_report_add_file(r, "README.md", TMDK_KIND_UNKNOWN), TMDK_OK);
	cr_expect_eq(tmdk_report_add_skipped(NULL, "x", 0, 0, "y"), TMDK_EINVAL);
	cr_expect_eq(tmdk_report_add_skipped(r, NULL, 0, 0, "y"), TMDK_EINVAL);
	cr_expect_eq(tmdk_report_skipped_count(r), 2);
	cr_expect_eq(tmdk_report_skipped_count(NULL), 0);
	cr_expect_eq(tmdk_report_error_count(r), 0);

	s = render(r, TMDK_REPORT_JSON, 0);
	cr_expect(strstr(s, "\"skipped\": [\n    {\n      \"path\": \"chart/templates/a.yaml\",\n"
		"      \"reason\": \"Helm template (not rendered)\",\n      \"line\": 0,\n      \"column\": 0\n    },\n"
		"    {\n      \"path\": \"web/tsconfig.json\",\n      \"reason\": \"JSON with comments (JSONC), not JSON\",\n"
		"      \"line\": 3,\n      \"column\": 3\n    }\n  ]") != NULL, "%s", s);
	cr_expect(strstr(s, "\"files_skipped\": 3,") != NULL, "%s", s);
	cr_expect(strstr(s, "\"skipped\": 2,") != NULL, "%s", s);
	tmdk_report_string_free(s);

	s = render(r, TMDK_REPORT_TEXT, 0);
	cr_expect(strstr(s, "(3 skipped, 2 of them with a reason: -v lists them)") != NULL, "%s", s);
	cr_expect(strstr(s, "skipped: ") == NULL, "%s", s);
	tmdk_report_string_free(s);
	s = render(r, TMDK_REPORT_TEXT, TMDK_REPORT_SHOW_SKIPPED);
	cr_expect(strstr(s, "\nSkipped\n  chart/templates/a.yaml: skipped: Helm template (not rendered)\n"
		"  web/tsconfig.json:3:3: skipped: JSON with comments (JSONC), not JSON\n") != NULL, "%s", s);
	cr_expect(strstr(s, "(3 skipped, 2 of them with a reason)") != NULL, "%s", s);
	tmdk_report_string_free(s);

	s = render(r, TMDK_REPORT_SARIF, 0);
	cr_expect(strstr(s, "\"level\": \"note\"") != NULL, "%s", s);
	cr_expect(strstr(s, "skipped: JSON with comments (JSONC), not JSON") != NULL, "%s", s);
	cr_expect(strstr(s, "\"skipped\": 2") != NULL, "%s", s);
	tmdk_report_string_free(s);

	s = render(r, TMDK_REPORT_MARKDOWN, 0);
	cr_expect(strstr(s, "3 other files skipped, 2 with a reason (see [Skipped files](#skipped-files))") != NULL, "%s", s);
	cr_expect(strstr(s, "## Skipped files") != NULL);
	cr_expect(strstr(s, "web/tsconfig.json:3:3: JSON with comments (JSONC), not JSON") != NULL, "%s", s);
	tmdk_report_string_free(s);

	s = render(r, TMDK_REPORT_HTML, 0);
	cr_expect(strstr(s, "<section id=\"skipped\">") != NULL);
	cr_expect(strstr(s, "<code>web/tsconfig.json:3:3</code> JSON with comments (JSONC), not JSON") != NULL);
	tmdk_report_string_free(s);
	tmdk_report_free(r);
}

Test(report_skipped, no_skips_no_section)
{
	tmdk_report *r;
	tmdk_error err;
	char *s;
	cr_assert_eq(tmdk_report_new(&r, &err), TMDK_OK);
	s = render(r, TMDK_REPORT_JSON, 0);
	cr_expect(strstr(s, "\"skipped\": []") != NULL, "%s", s);
	tmdk_report_string_free(s);
	s = render(r, TMDK_REPORT_MARKDOWN, 0);
	cr_expect(strstr(s, "Skipped") == NULL);
	tmdk_report_string_free(s);
	s = render(r, TMDK_REPORT_TEXT, TMDK_REPORT_SHOW_SKIPPED);
	cr_expect(strstr(s, "Skipped") == NULL);
	tmdk_report_string_free(s);
	tmdk_report_free(r);
}

/* ---- allocation failures: TMDK_ENOMEM, nothing leaked ------------------------------- */

#include "failing_alloc.h"

typedef int (*oom_op)(void *ctx, tmdk_error *err);

/* Fail allocation 1, 2, … until op returns TMDK_OK; every failure must be TMDK_ENOMEM. */
static void fail_each_allocation(const char *what, oom_op op, void *ctx)
{
	long n;
	for (n = 0;; n++) {
		long before = failing_live;
		tmdk_error err;
		int rc;
		memset(&err, 0, sizeof(err));
		failing_left = n;
		rc = op(ctx, &err);
		failing_left = -1;
		cr_assert_eq(failing_live, before, "%s, allocation %ld failing: %ld blocks leaked", what, n + 1,
			failing_live - before);
		if (rc == TMDK_OK)
			return;
		cr_assert_eq(rc, TMDK_ENOMEM, "%s, allocation %ld failing: code %d (%s)", what, n + 1, rc, err.message);
		cr_assert_eq(err.code, TMDK_ENOMEM, "%s: err.code", what);
		cr_assert_lt(n, 100000, "%s never succeeded", what);
	}
}

static int walk_op(void *ctx, tmdk_error *err)
{
	static const char *const globs[] = { "z" };
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	walk_log *l = ctx;
	memset(l, 0, sizeof(*l));
	o.excludes = globs;
	o.exclude_count = 1;
	return tmdk_walk(tree, &o, log_entry, l, err);
}

Test(walk, out_of_memory_anywhere)
{
	walk_log *l = calloc(1, sizeof(*l));
	cr_assert_not_null(l);
	failing_install(0);
	fail_each_allocation("tmdk_walk", walk_op, l);
	cr_expect_eq(l->count, WHOLE_TREE); /* "I z - excluded (z)" instead of "C z/c.yml" */
	free(l);
}

struct candidate_job {
	const char *name, *text;
	tmdk_candidate_status want;
};

static int candidate_op(void *ctx, tmdk_error *err)
{
	const struct candidate_job *job = ctx;
	tmdk_artifact *a = NULL;
	tmdk_candidate_status st;
	int rc = tmdk_candidate_parse_buffer(&a, &st, job->name, job->text, strlen(job->text), 0, NULL, err);
	if (rc == TMDK_OK)
		cr_assert_eq(st, job->want, "%s: status", job->name);
	tmdk_artifact_free(a);
	return rc;
}

Test(candidate, out_of_memory_anywhere)
{
	static const struct candidate_job jobs[] = {
		{ "k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: b}]\n",
		  TMDK_CANDIDATE_ARTIFACT },
		{ "tsconfig.json", "{\n  // c\n  \"a\": 1\n}\n", TMDK_CANDIDATE_SKIPPED },
		{ "values.yaml", "a: 1\n", TMDK_CANDIDATE_OTHER },
		{ ".travis.yml", "a:\n\tb: 1\n", TMDK_CANDIDATE_SKIPPED },
	};
	size_t i;
	failing_install(0);
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++)
		fail_each_allocation(jobs[i].name, candidate_op, (void *)&jobs[i]);
}

static int report_op(void *ctx, tmdk_error *err)
{
	tmdk_report *r = NULL;
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	char *s = NULL;
	int rc, f;
	(void)ctx;
	rc = tmdk_report_new(&r, err);
	if (rc != TMDK_OK)
		return rc;
	if ((rc = tmdk_report_add_skipped(r, "b.json", 3, 6, "JSON with comments (JSONC), not JSON")) != TMDK_OK ||
	    (rc = tmdk_report_add_skipped(r, "a.yaml", 0, 0, "empty file")) != TMDK_OK) {
		tmdk_report_free(r);
		tmdk_error_clear(err);
		err->code = rc;
		snprintf(err->message, sizeof(err->message), "out of memory");
		return rc;
	}
	for (f = 0; f < TMDK_REPORT_FORMAT_COUNT && rc == TMDK_OK; f++) {
		o.format = (tmdk_report_format)f;
		o.flags = TMDK_REPORT_SHOW_SKIPPED;
		rc = tmdk_report_render(&s, NULL, r, &o, err);
		tmdk_report_string_free(s);
		s = NULL;
	}
	tmdk_report_free(r);
	return rc;
}

Test(report_skipped, out_of_memory_anywhere)
{
	failing_install(0);
	fail_each_allocation("report with skipped files", report_op, NULL);
}
