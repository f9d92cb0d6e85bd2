/*
 * The fast YAML loader (libtmdk/yaml_fast.c) against the libyaml loader
 * (libtmdk/yaml_load.c): what the fast one accepts it must load exactly as
 * libyaml's events load it (every node, position, style, document number,
 * comment and text map; tests/yaml_compare.h), and what it cannot read it
 * must decline, leaving the artifact untouched. Hand-written cases for both,
 * 20,000 mutations of them, and every YAML/JSON file of ../shared/corpus
 * (skipped when the corpus is absent).
 */
#include "helpers.h"
#include "yaml_compare.h"

#include <dirent.h>
#include <sys/stat.h>

static int compare(const char *text, char **why)
{
	return ycmp_compare(text, strlen(text), NULL, why);
}

/* The fast loader reads text exactly as libyaml does (YCMP_SAME), or
 * declines it (YCMP_DECLINED). */
static void expect(const char *text, int wanted)
{
	static const char *const names[] = {"read alike", "declined", "different"};
	char *why = NULL;
	int r = compare(text, &why);
	cr_expect_eq(r, wanted, "%s, not %s\n---- input:\n%s\n---- %s", names[r], names[wanted], text,
		why ? why : "");
	free(why);
}

#define expect_same(text) expect((text), YCMP_SAME)
#define expect_declined(text) expect((text), YCMP_DECLINED)

/* ---- what the fast loader reads ------------------------------------------ */

Test(yaml_fast, block_maps_and_sequences)
{
	expect_same("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\n");
	expect_same("a:\n  - x\n  - y\nb:\n- 1\n- 2\nc: 3\n");
	expect_same("- name: a\n  image: x\n-   name: b\n    ports:\n    - containerPort: 80\n");
	expect_same("- - a\n  - b\n- - c\n");
	expect_same("a:\nb: 1\nc:\n");
	expect_same("-\n- x\n-\n  y\n");
	expect_same("a : 1\n\"b c\": 2\n'd''e': 3\n");
	expect_same("  indented: root\n  second: key\n");
	expect_same("key:    # comment\n  value\n");
	expect_same("a: 1\n\n\n# comment\n   # indented comment\nb: 2\n");
	expect_same("list:\n- a # one\n- b#not a comment\n- 'c' # quoted\n");
	expect_same("a: b:c\nd: http://x:8080/y\ne: -1\nf: ?x\ng: :y\n");
}

Test(yaml_fast, scalar_types)
{
	expect_same("a: ~\nb: null\nc: true\nd: False\ne: 12\nf: -3.5\ng: .inf\nh: 0x1F\ni: 1e3\nj: '12'\nk: \"true\"\n"
		    "l: 0o17\nm: +7\nn: nan\no: .NaN\np:\n");
	expect_same("- 1\n- 1.0\n- 1_000\n- 08\n- 2001-12-14\n- yes\n- off\n");
}

Test(yaml_fast, quoted_scalars)
{
	expect_same("a: \"tab\\there\\nnewline \\\"q\\\" \\\\ \\/ \\x41 \\u00e9 \\U0001F600 \\0 \\e \\N \\_ \\L \\P\"\n");
	expect_same("a: 'it''s \\n not an escape'\nb: ''\nc: \"\"\n");
	expect_same("a: 'one\n  two\n\n  three'\nb: \"x \\\n   y\"\nc: \"p  \n\n\n  q\"\n");
	expect_same("a: \"trailing   \n   lead\"\n");
	expect_same("\"quoted key\": v\n'k#1': \"v #2\" # real comment\n");
}

Test(yaml_fast, plain_scalars_over_lines)
{
	expect_same("a: one\n  two\n   three\nb: x\n");
	expect_same("a: one\n\n  two\n\n\n  three\n");
	expect_same("- item one\n  continued - with dash\n- x [not, flow] here\n");
	expect_same("description: Operation contains information about a requested or running\n"
		    "  operation # and a comment\nnext: 1\n");
	expect_same("root scalar\ncontinued at column 0\n");
}

Test(yaml_fast, block_scalars)
{
	expect_same("a: |\n  line 1\n    more\n  line 3\nb: 2\n");
	expect_same("a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: |\n  z\n\n");
	expect_same("a: >\n  folded\n  text\n\n  para\n    indented\n  back\nb: >-\n  x\n  y\n");
	expect_same("a: >+\n  k\n\n");
	expect_same("a: |  # header comment\n  # not a comment\n  text # neither\n# a comment\nb: 1\n");
	expect_same("a: |\n\n  after blank\n");
	expect_same("a: |\n  ends without newline");
	expect_same("a: |\n  spaces   \n     \n  x\n");
	expect_same("- |\n  in a sequence\n- >\n  folded\n  item\n");
	expect_same("a: |\nb: 1\n");
}

Test(yaml_fast, flow_collections)
{
	expect_same("a: []\nb: {}\nc: [1, two, \"three\", 'four']\nd: {x: 1, y: [a, b], z: {q: r}}\n");
	expect_same("command: [\n  \"sh\", \"-c\",\n  # a comment\n  \"echo hi\",\n]\n");
	expect_same("{\"apiVersion\": \"v1\", \"kind\": \"List\",\n \"items\": [\n  {\"a\":1},\n  {\"b\":\"c\"}\n ]\n}\n");
	expect_same("[a, b]\n");
	expect_same("a: [x,y,z]   # c\n");
}

Test(yaml_fast, documents)
{
	expect_same("a: 1\n---\nb: 2\n---\n---\n# only a comment\n---\nc: 3\n");
	expect_same("# leading comment\n---\na: 1\n--- # c\nb: 2\n---\n");
	expect_same("---\n");
	expect_same("");
	expect_same("# nothing but comments\n\n");
	expect_same("---\n- a\n---\nscalar root\n");
}

Test(yaml_fast, line_ends_and_characters)
{
	expect_same("a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\nc: |\r\n  z\r\n  w\r\n");
	expect_same("name: caf\xC3\xA9\n\xC3\xA9t\xC3\xA9: \"\xE2\x82\xAC\" # \xE2\x9C\x93\nk: [\xC3\xA9, b]\n");
	expect_same("a: x\tin the middle\nb: trailing tab\t\n");
	expect_same("a: 1");
}

/* ---- what it leaves to libyaml ---------------------------------------------- */

Test(yaml_fast, declines_what_it_does_not_read)
{
	expect_declined("a: &x 1\nb: *x\n");
	expect_declined("a: !!str 1\n");
	expect_declined("base: &b {x: 1}\nc:\n  <<: *b\n");
	expect_declined("a: 1\na: 2\n");
	expect_declined("? complex\n: key\n");
	expect_declined("%YAML 1.2\n---\na: 1\n");
	expect_declined("a: 1\n...\n");
	expect_declined("a:\n\tb: 1\n");
	expect_declined("\xEF\xBB\xBF" "a: 1\n");
	expect_declined("a: x\xC2\x85y\n");
	expect_declined("a: \x01\n");
	expect_declined("a: |2\n   x\n");
	expect_declined("'multi\n line key': v\n");
	expect_declined("--- |\n  root block\n");
	expect_declined("a: \"\\q\"\n");
	expect_declined("a: \"\\ud800\"\n");
	expect_declined("a: x\rb: y\n");
}

Test(yaml_fast, declines_what_libyaml_rejects)
{
	expect_declined("a: b: c\n");
	expect_declined("- a\nb: c\n");
	expect_declined("a: 'unterminated\n");
	expect_declined("a: [1, 2\n");
	expect_declined("a: 1\n  b: 2\n");
	expect_declined("a:\n  b: 1\n c: 2\n");
	expect_declined("a: \"x\"y\n");
	expect_declined("{{ .Values.x }}\n");
	expect_declined("a: 1\nb\n");
	expect_declined("key: - item\n");
	expect_declined("a: [b: c]\n");
	expect_declined("a: {b}\n");
	expect_declined("@at: 1\n");
}

Test(yaml_fast, declining_leaves_the_arena_as_it_was)
{
	static const char text[] = "a: 1\nb:\n  c: [x, y]\n  d: |\n    z\n  e: &anchor 2\n";
	tmdk_artifact *a = ycmp_artifact(text, sizeof(text) - 1, NULL);
	size_t before = a->arena.total;

	cr_assert_eq(tmdk__yaml_load_fast(a), TMDK__YAML_DECLINED);
	cr_expect_eq(a->arena.total, before);
	cr_expect_eq(a->doc_count, 0);
	cr_expect_eq(a->text_map_count, 0);
	cr_expect_null(a->comments);
	tmdk_artifact_free(a);
}

Test(yaml_fast, limits_are_left_to_libyaml)
{
	tmdk_parse_options o;
	char *why = NULL;
	tmdk_parse_options_init(&o, TMDK_PARSE_OPTIONS_VERSION);
	o.max_depth = 2;
	cr_expect_eq(ycmp_compare("a:\n  b:\n    c: 1\n", 17, &o, &why), YCMP_DECLINED);
	free(why);
	o.max_depth = 0;
	o.max_documents = 2;
	cr_expect_eq(ycmp_compare("a\n---\nb\n---\nc\n", 14, &o, &why), YCMP_DECLINED);
	free(why);
}

Test(yaml_fast, the_libyaml_only_flag)
{
	static const char text[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # c\ndata:\n  a: |\n    b\n";
	tmdk_parse_options o;
	tmdk_artifact *fast = NULL, *slow = NULL;
	tmdk_error err;
	char *d_fast, *d_slow;

	tmdk_parse_options_init(&o, TMDK_PARSE_OPTIONS_VERSION);
	cr_assert_eq(tmdk_artifact_parse_buffer(&fast, "cm.yaml", text, sizeof(text) - 1, &o, &err), TMDK_OK);
	o.flags = TMDK_PARSE_LIBYAML_ONLY;
	cr_assert_eq(tmdk_artifact_parse_buffer(&slow, "cm.yaml", text, sizeof(text) - 1, &o, &err), TMDK_OK);
	d_fast = ycmp_dump(fast);
	d_slow = ycmp_dump(slow);
	cr_expect_str_eq(d_fast, d_slow);
	free(d_fast);
	free(d_slow);
	tmdk_artifact_free(fast);
	tmdk_artifact_free(slow);

	o.flags = 0x80;
	cr_expect_eq(tmdk_artifact_parse_buffer(&slow, "cm.yaml", text, sizeof(text) - 1, &o, &err), TMDK_EINVAL);
	cr_expect(strstr(err.message, "flags") != NULL, "%s", err.message);
}

/* ---- mutations ---------------------------------------------------------------- */

static const char *const bases[] = {
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # c\nspec:\n  template:\n    spec:\n"
	"      containers:\n      - name: app\n        image: \"nginx:1.25\"\n        args: [\"-c\", 'x y']\n"
	"        command:\n        - sh\n        - -c\n        - |\n          echo hi\n          exit 0\n",
	"services:\n  web:\n    image: x\n    ports:\n      - \"8080:80\"\n    environment:\n      A: 1\n"
	"      B: >\n        folded\n        text\n---\nother: doc\n",
	"a: 'one\n  two'\nb: plain\n  more\nc: {x: [1, 2], y: \"z\\tw\"}\n",
	"- a\n- - b\n  - c: d\n    e: |+\n      f\n\n- >-\n  g\n   h\n\n  i\n- \"j\\\n  k\"\n--- # doc\nl: [m, {n: o},\n  p]\n",
};

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static unsigned int next_random(unsigned int bound)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % bound);
}

Test(yaml_fast, mutations_never_differ, .timeout = 300)
{
	static const char alphabet[] = " \n-:#'\"[]{},|>&*!?\t\\x0~.\r";
	size_t same = 0, declined = 0, round, rounds = 20000;
	const char *more = getenv("TMDK_YAML_MUTATIONS"); /* a longer run by hand */
	char buf[4096];

	if (more && atol(more) > 0)
		rounds = (size_t)atol(more);
	for (round = 0; round < rounds; round++) {
		const char *base = bases[round % (sizeof(bases) / sizeof(bases[0]))];
		size_t len = strlen(base), edits = 1 + next_random(3), e;
		char *why = NULL;
		int r;
		memcpy(buf, base, len);
		for (e = 0; e < edits; e++) {
			size_t at = next_random((unsigned int)len + 1);
			char c = alphabet[next_random(sizeof(alphabet) - 1)];
			switch (next_random(3)) {
			case 0: /* insert */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
				break;
			case 1: /* delete */
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			default: /* replace */
				if (at < len)
					buf[at] = c;
				break;
			}
		}
		r = ycmp_compare(buf, len, NULL, &why);
		cr_assert_neq(r, YCMP_DIFFERENT, "mutation %zu differs:\n---- input:\n%.*s\n---- %s", round, (int)len,
			buf, why ? why : "");
		free(why);
		same += r == YCMP_SAME;
		declined += r == YCMP_DECLINED;
	}
	cr_log_info("mutations: %zu read by the fast loader, %zu declined", same, declined);
	cr_expect_gt(same, 2000, "the fast loader should read many mutations (%zu)", same);
}

/* ---- the corpus ------------------------------------------------------------------ */

typedef struct corpus_tally {
	size_t same, declined, different, bytes_same, bytes_all;
} corpus_tally;

static int is_yaml_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 || strcmp(dot, ".json") == 0);
}

/* The whole public parse (line index, detection, views) with and without
 * TMDK_PARSE_LIBYAML_ONLY: the same documents and the same outcome. */
static int public_parse_differs(const char *path, const char *data, size_t len)
{
	tmdk_parse_options o;
	tmdk_artifact *fast = NULL, *slow = NULL;
	tmdk_error e1, e2;
	int rc_fast, rc_slow, differs = 0;

	tmdk_parse_options_init(&o, TMDK_PARSE_OPTIONS_VERSION);
	rc_fast = tmdk_artifact_parse_buffer(&fast, path, data, len, &o, &e1);
	o.flags = TMDK_PARSE_LIBYAML_ONLY;
	rc_slow = tmdk_artifact_parse_buffer(&slow, path, data, len, &o, &e2);
	if (rc_fast != rc_slow) {
		differs = 1;
	} else if (rc_fast == TMDK_OK) {
		char *d_fast = ycmp_dump(fast), *d_slow = ycmp_dump(slow);
		differs = strcmp(d_fast, d_slow) != 0 || tmdk_artifact_kind(fast) != tmdk_artifact_kind(slow);
		free(d_fast);
		free(d_slow);
	}
	tmdk_artifact_free(fast);
	tmdk_artifact_free(slow);
	return differs;
}

static void compare_file(const char *path, corpus_tally *t)
{
	size_t len = 0;
	char *data = read_file(path, &len), *why = NULL;
	int r;

	if (!data)
		return;
	if (public_parse_differs(path, data, len)) {
		t->different++;
		cr_log_error("%s: the public parse differs with TMDK_PARSE_LIBYAML_ONLY", path);
	}
	r = ycmp_compare(data, len, NULL, &why);
	t->bytes_all += len;
	if (r == YCMP_SAME) {
		t->same++;
		t->bytes_same += len;
	} else if (r == YCMP_DECLINED) {
		t->declined++;
	} else {
		t->different++;
		cr_log_error("%s: the loaders differ\n%s", path, why ? why : "");
	}
	free(why);
	free(data);
}

static void compare_tree(const char *dir, corpus_tally *t, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d || depth > 12) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			compare_tree(path, t, depth + 1);
		else if (S_ISREG(st.st_mode) && is_yaml_name(e->d_name))
			compare_file(path, t);
	}
	closedir(d);
}

Test(yaml_fast, corpus_loads_alike, .timeout = 300)
{
	const char *corpus = corpus_dir();
	char k8s[4096];
	corpus_tally all = {0, 0, 0, 0, 0}, kube = {0, 0, 0, 0, 0};

	if (!corpus)
		cr_skip_test("no corpus folder");
	snprintf(k8s, sizeof(k8s), "%s/kubernetes", corpus);
	compare_tree(corpus, &all, 0);
	compare_tree(k8s, &kube, 0);
	cr_log_info("corpus: %zu files read alike, %zu declined, %zu different", all.same, all.declined, all.different);
	cr_log_info("kubernetes: %.1f%% of the bytes through the fast loader",
		kube.bytes_all ? 100.0 * (double)kube.bytes_same / (double)kube.bytes_all : 0.0);
	cr_expect_eq(all.different, 0);
	cr_expect_gt(all.same, 0);
	/* The point of the loader: nearly all of a manifest corpus goes through it. */
	cr_expect_geq(kube.bytes_same * 100, kube.bytes_all * 95, "%zu of %zu bytes", kube.bytes_same, kube.bytes_all);
}
