/*
 * The YAML/JSON loader (libtmdk/yaml_load.c): scalars and their types,
 * positions, streams, JSON, anchors and aliases, merge keys, duplicate keys,
 * limits, errors, comments, robustness and allocation failures.
 *
 * Most tests call tmdk__yaml_load on an artifact built here, so they test the
 * raw tree (document roots) whatever the normalizers and detection do; a few
 * go through tmdk_artifact_parse_buffer to check the public error path.
 */
#include "helpers.h"
#include "yaml_compare.h"

#include <time.h>

/* ---- helpers ------------------------------------------------------------ */

/* An artifact as tmdk_artifact_parse_buffer prepares it before parsing. */
static tmdk_artifact *artifact_new(const char *text, size_t len, const tmdk_parse_options *opts)
{
	tmdk_artifact *a = ycmp_artifact(text, len, opts);
	a->name = "test.yaml";
	return a;
}

/* Load; on failure the artifact is freed and NULL returned. */
static int load_n(tmdk_artifact **out, const char *text, size_t len,
	const tmdk_parse_options *opts, tmdk_error *err)
{
	tmdk_artifact *a = artifact_new(text, len, opts);
	int rc;

	tmdk_error_clear(err);
	rc = tmdk__yaml_load(a, err);
	if (rc != TMDK_OK) {
		tmdk_artifact_free(a);
		a = NULL;
	}
	*out = a;
	return rc;
}

static tmdk_artifact *load_ok(const char *text)
{
	tmdk_artifact *a;
	tmdk_error err;
	int rc = load_n(&a, text, strlen(text), NULL, &err);
	cr_assert_eq(rc, TMDK_OK, "load failed: %u:%u: %s", err.line, err.column, err.message);
	return a;
}

/* Expect a failure with `code` at line:column whose message contains `what`. */
static void expect_error(const char *text, size_t len, const tmdk_parse_options *opts,
	int code, unsigned int line, unsigned int column, const char *what)
{
	tmdk_artifact *a;
	tmdk_error err;
	int rc = load_n(&a, text, len, opts, &err);

	cr_assert_eq(rc, code, "expected code %d, got %d (%s)", code, rc, err.message);
	cr_assert_eq(err.code, code);
	cr_assert_null(a);
	cr_assert_str_eq(err.source, "test.yaml");
	cr_assert(strstr(err.message, what), "message '%s' lacks '%s'", err.message, what);
	cr_assert_eq(err.line, line, "line %u, expected %u (%s)", err.line, line, err.message);
	cr_assert_eq(err.column, column, "column %u, expected %u (%s)", err.column, column, err.message);
}

static const tmdk_node *root_of(const tmdk_artifact *a, size_t i)
{
	const tmdk_document *d = tmdk_artifact_document(a, i);
	cr_assert_not_null(d, "no document %zu", i);
	return tmdk_document_root(d);
}

#define assert_pos(node, l, c) do { \
	const tmdk_node *n_ = (node); \
	cr_assert_not_null(n_); \
	cr_assert_eq(tmdk_node_line(n_), (l), "line %u, expected %u", tmdk_node_line(n_), (unsigned)(l)); \
	cr_assert_eq(tmdk_node_column(n_), (c), "column %u, expected %u", tmdk_node_column(n_), (unsigned)(c)); \
} while (0)

#define assert_text(node, t) do { \
	const char *s_ = tmdk_node_text((node), NULL); \
	cr_assert_not_null(s_); \
	cr_assert_str_eq(s_, (t)); \
} while (0)

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- scalars ------------------------------------------------------------ */

Test(yaml, plain_scalars_resolve_with_the_core_schema)
{
	static const struct { char text[16]; tmdk_scalar_type type; } cases[] = {
		{ "~", TMDK_SCALAR_NULL }, { "null", TMDK_SCALAR_NULL }, { "NULL", TMDK_SCALAR_NULL },
		{ "true", TMDK_SCALAR_BOOL }, { "False", TMDK_SCALAR_BOOL }, { "TRUE", TMDK_SCALAR_BOOL },
		{ "12", TMDK_SCALAR_INT }, { "-3", TMDK_SCALAR_INT }, { "+7", TMDK_SCALAR_INT },
		{ "0o17", TMDK_SCALAR_INT }, { "0x1F", TMDK_SCALAR_INT },
		{ "1.5", TMDK_SCALAR_FLOAT }, { "-1e3", TMDK_SCALAR_FLOAT }, { ".5", TMDK_SCALAR_FLOAT },
		{ ".inf", TMDK_SCALAR_FLOAT }, { "-.Inf", TMDK_SCALAR_FLOAT }, { ".NaN", TMDK_SCALAR_FLOAT },
		{ "yes", TMDK_SCALAR_STRING }, { "on", TMDK_SCALAR_STRING }, { "0x", TMDK_SCALAR_STRING },
		{ "1_000", TMDK_SCALAR_STRING }, { "500m", TMDK_SCALAR_STRING }, { "nginx", TMDK_SCALAR_STRING },
		{ "1.2.3", TMDK_SCALAR_STRING }, { "-x", TMDK_SCALAR_STRING }, { "tRue", TMDK_SCALAR_STRING },
	};
	char text[1024] = "";
	tmdk_artifact *a;
	const tmdk_node *seq;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcat(text, "- ");
		strcat(text, cases[i].text);
		strcat(text, "\n");
	}
	strcat(text, "- \n"); /* empty: null */
	a = load_ok(text);
	seq = root_of(a, 0);
	cr_assert_eq(tmdk_node_size(seq), sizeof(cases) / sizeof(cases[0]) + 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const tmdk_node *n = tmdk_node_at(seq, i);
		assert_text(n, cases[i].text);
		cr_assert_eq(tmdk_node_scalar_type(n), cases[i].type, "'%s': type %d, expected %d",
			cases[i].text, tmdk_node_scalar_type(n), cases[i].type);
		cr_assert_eq(n->flags & TMDK__NODE_QUOTED, 0);
		cr_assert_null(tmdk_node_tag(n));
	}
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(seq, i)), TMDK_SCALAR_NULL);
	assert_text(tmdk_node_at(seq, i), "");
	tmdk_artifact_free(a);
}

Test(yaml, quoted_and_block_scalars_are_strings)
{
	tmdk_artifact *a = load_ok(
		"a: \"12\"\n"
		"b: 'true'\n"
		"c: \"\"\n"
		"d: |\n"
		"  123\n"
		"e: >-\n"
		"  null\n"
		"f: \"tab\\there\"\n");
	const tmdk_node *r = root_of(a, 0);
	const char *keys[] = { "a", "b", "c", "d", "e", "f" };
	size_t i, len;

	for (i = 0; i < 6; i++) {
		const tmdk_node *n = tmdk_node_get(r, keys[i]);
		cr_assert_eq(tmdk_node_scalar_type(n), TMDK_SCALAR_STRING, "key %s", keys[i]);
		cr_assert_neq(n->flags & TMDK__NODE_QUOTED, 0, "key %s not flagged quoted", keys[i]);
	}
	assert_text(tmdk_node_get(r, "a"), "12");
	assert_text(tmdk_node_get(r, "d"), "123\n");
	assert_text(tmdk_node_get(r, "e"), "null");
	assert_text(tmdk_node_get(r, "f"), "tab\there");
	cr_assert_str_eq(tmdk_node_text(tmdk_node_get(r, "c"), &len), "");
	cr_assert_eq(len, 0);
	/* A quoted empty string at the top is a document, not an empty one. */
	tmdk_artifact_free(a);
	a = load_ok("--- \"\"\n");
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	tmdk_artifact_free(a);
}

Test(yaml, scalars_may_hold_nul_bytes)
{
	tmdk_artifact *a = load_ok("k: \"a\\0b\"\n");
	size_t len;
	const char *t = tmdk_node_text(tmdk_node_get(root_of(a, 0), "k"), &len);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(t, "a\0b", 3), 0);
	tmdk_artifact_free(a);
}

Test(yaml, explicit_tags_are_kept_and_standard_ones_set_the_type)
{
	tmdk_artifact *a = load_ok(
		"- !!str 12\n"
		"- !!int \"12\"\n"
		"- !!bool 'true'\n"
		"- !!float 1\n"
		"- !!null ''\n"
		"- !custom 42\n"
		"- ! 42\n"
		"- !Ref \"x\"\n"
		"- !!map {a: 1}\n"
		"- !!seq [1]\n"
		"- !<tag:example.com,2024:thing> x\n");
	const tmdk_node *s = root_of(a, 0);

	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 0)), "tag:yaml.org,2002:str");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 0)), TMDK_SCALAR_STRING);
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 1)), "tag:yaml.org,2002:int");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 1)), TMDK_SCALAR_INT);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 2)), TMDK_SCALAR_BOOL);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 3)), TMDK_SCALAR_FLOAT);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 4)), TMDK_SCALAR_NULL);
	/* Application tags keep the core resolution of plain text. */
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 5)), "!custom");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 5)), TMDK_SCALAR_INT);
	/* The non-specific tag `!` forces a string. */
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 6)), "!");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_at(s, 6)), TMDK_SCALAR_STRING);
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 7)), "!Ref");
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 8)), "tag:yaml.org,2002:map");
	cr_assert_eq(tmdk_node_get_type(tmdk_node_at(s, 8)), TMDK_NODE_MAP);
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 9)), "tag:yaml.org,2002:seq");
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_at(s, 10)), "tag:example.com,2024:thing");
	tmdk_artifact_free(a);
}

/* ---- positions ---------------------------------------------------------- */

Test(yaml, positions_of_keys_values_and_items)
{
	tmdk_artifact *a = load_ok(
		"apiVersion: v1\n"               /* 1 */
		"spec:\n"                        /* 2 */
		"  containers:\n"                /* 3 */
		"  - name: web\n"                /* 4 */
		"    image: nginx\n"             /* 5 */
		"  - name: db\n"                 /* 6 */
		"  ports: [80, {p: 443}]\n"      /* 7 */
		"  é: ü\n");                     /* 8: columns count characters */
	const tmdk_node *r = root_of(a, 0);
	const tmdk_node *spec = tmdk_node_get(r, "spec");
	const tmdk_node *cs = tmdk_node_get(spec, "containers");
	const tmdk_node *ports = tmdk_node_get(spec, "ports");

	assert_pos(r, 1, 1);
	assert_pos(tmdk_node_key_at(r, 0), 1, 1);
	assert_pos(tmdk_node_get(r, "apiVersion"), 1, 13);
	assert_pos(tmdk_node_key_at(r, 1), 2, 1);
	assert_pos(spec, 3, 3);
	assert_pos(cs, 4, 3);
	assert_pos(tmdk_node_at(cs, 0), 4, 5);
	assert_pos(tmdk_node_key_at(tmdk_node_at(cs, 0), 1), 5, 5);
	assert_pos(tmdk_node_path(r, "spec.containers[0].image"), 5, 12);
	assert_pos(tmdk_node_at(cs, 1), 6, 5);
	assert_pos(tmdk_node_path(r, "spec.containers[1].name"), 6, 11);
	assert_pos(ports, 7, 10);
	assert_pos(tmdk_node_at(ports, 0), 7, 11);
	assert_pos(tmdk_node_at(ports, 1), 7, 15);
	assert_pos(tmdk_node_path(ports, "[1].p"), 7, 19);
	assert_pos(tmdk_node_get(spec, "é"), 8, 6);
	cr_assert_eq(tmdk_document_line(tmdk_artifact_document(a, 0)), 1);
	tmdk_artifact_free(a);
}

Test(yaml, positions_after_a_byte_order_mark_and_crlf)
{
	tmdk_artifact *a = load_ok("\xEF\xBB\xBF" "a: 1\r\nb: x # c\r\n");
	const tmdk_node *r = root_of(a, 0);
	assert_pos(tmdk_node_get(r, "a"), 1, 4);
	assert_pos(tmdk_node_get(r, "b"), 2, 4);
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 2), "c");
	tmdk_artifact_free(a);
}

/* ---- streams -------------------------------------------------------------- */

Test(yaml, multi_document_streams_skip_empty_documents_but_count_them)
{
	tmdk_artifact *a = load_ok(
		"a: 1\n"          /* 1: document 0 */
		"---\n"           /* 2: document 1, empty */
		"---\n"           /* 3: document 2, only a comment */
		"# nothing\n"     /* 4 */
		"---\n"           /* 5: document 3 */
		"b: 2\n"          /* 6 */
		"...\n"           /* 7 */
		"---\n"           /* 8: document 4 */
		"\n"
		"[1, 2]\n"        /* 10 */
		"--- ~\n");       /* 11: document 5, a null is not empty */
	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	cr_assert_eq(tmdk_document_index(tmdk_artifact_document(a, 0)), 0);
	cr_assert_eq(tmdk_document_index(tmdk_artifact_document(a, 1)), 3);
	cr_assert_eq(tmdk_document_index(tmdk_artifact_document(a, 2)), 4);
	cr_assert_eq(tmdk_document_index(tmdk_artifact_document(a, 3)), 5);
	cr_assert_eq(tmdk_document_line(tmdk_artifact_document(a, 0)), 1);
	cr_assert_eq(tmdk_document_line(tmdk_artifact_document(a, 1)), 6);
	cr_assert_eq(tmdk_document_line(tmdk_artifact_document(a, 2)), 10);
	cr_assert_eq(tmdk_document_line(tmdk_artifact_document(a, 3)), 11);
	assert_text(tmdk_node_get(root_of(a, 1), "b"), "2");
	cr_assert_eq(tmdk_node_get_type(root_of(a, 2)), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_scalar_type(root_of(a, 3)), TMDK_SCALAR_NULL);
	cr_assert_null(tmdk_document_view(tmdk_artifact_document(a, 0)));
	cr_assert_eq(tmdk_document_item_index(tmdk_artifact_document(a, 0)), -1);
	tmdk_artifact_free(a);
}

Test(yaml, empty_input_and_only_comments_have_no_documents)
{
	tmdk_artifact *a = load_ok("");
	cr_assert_eq(tmdk_artifact_document_count(a), 0);
	tmdk_artifact_free(a);
	a = load_ok("# just a comment\n\n   # another\n");
	cr_assert_eq(tmdk_artifact_document_count(a), 0);
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 1), "just a comment");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 3), "another");
	tmdk_artifact_free(a);
}

Test(yaml, yaml_directives_1_1_and_1_2)
{
	tmdk_artifact *a = load_ok("%YAML 1.2\n---\na: 1\n---\nb: 2\n");
	cr_assert_eq(tmdk_artifact_document_count(a), 2);
	tmdk_artifact_free(a);
	a = load_ok("%YAML 1.1\n%TAG !e! tag:example.com,2024:\n---\n!e!x a: 1\n");
	cr_assert_str_eq(tmdk_node_tag(tmdk_node_key_at(root_of(a, 0), 0)), "tag:example.com,2024:x");
	tmdk_artifact_free(a);
}

/* ---- JSON ------------------------------------------------------------------ */

Test(yaml, json_object_with_tabs)
{
	tmdk_artifact *a = load_ok(
		"{\n"
		"\t\"name\": \"web\",\n"
		"\t\"replicas\": 3,\n"
		"\t\"ratio\": 0.5,\n"
		"\t\"on\": true,\n"
		"\t\"none\": null,\n"
		"\t\"tags\": [\"a\",\t\"b\"],\n"
		"\t\"nested\": {\"k\":1,\"e\":{}}\n"
		"}\n");
	const tmdk_node *r = root_of(a, 0);
	cr_assert_eq(tmdk_node_get_type(r), TMDK_NODE_MAP);
	cr_assert_eq(tmdk_node_size(r), 7);
	assert_text(tmdk_node_get(r, "name"), "web");
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(r, "name")), TMDK_SCALAR_STRING);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(r, "replicas")), TMDK_SCALAR_INT);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(r, "ratio")), TMDK_SCALAR_FLOAT);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(r, "on")), TMDK_SCALAR_BOOL);
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_get(r, "none")), TMDK_SCALAR_NULL);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(r, "tags")), 2);
	assert_text(tmdk_node_path(r, "nested.k"), "1");
	cr_assert_eq(tmdk_node_size(tmdk_node_path(r, "nested.e")), 0);
	assert_pos(tmdk_node_get(r, "name"), 2, 10);
	assert_pos(tmdk_node_key_at(r, 0), 2, 2);
	tmdk_artifact_free(a);
}

Test(yaml, json_array_at_top_level)
{
	tmdk_artifact *a = load_ok("[\n\t{\"Id\": \"abc\", \"Config\": {\"Env\": [\"A=1\"]}},\n\t{\"Id\": \"def\"}\n]");
	const tmdk_node *r = root_of(a, 0);
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	cr_assert_eq(tmdk_node_get_type(r), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_size(r), 2);
	assert_text(tmdk_node_path(r, "[0].Config.Env[0]"), "A=1");
	assert_text(tmdk_node_path(r, "[1].Id"), "def");
	assert_pos(tmdk_node_at(r, 1), 3, 2);
	tmdk_artifact_free(a);
}

/* ---- anchors and aliases ------------------------------------------------------ */

Test(yaml, aliases_share_the_anchored_node)
{
	tmdk_artifact *a = load_ok(
		"base: &b {cpu: 1, mem: 2}\n"
		"name: &n web\n"
		"x: *b\n"
		"y: [*b, *n]\n"
		"*n : key-from-alias\n");
	const tmdk_node *r = root_of(a, 0);
	const tmdk_node *b = tmdk_node_get(r, "base");

	cr_assert_eq(tmdk_node_get(r, "x"), b);
	cr_assert_eq(tmdk_node_path(r, "y[0]"), b);
	cr_assert_eq(tmdk_node_path(r, "y[1]"), tmdk_node_get(r, "name"));
	assert_text(tmdk_node_get(r, "web"), "key-from-alias");
	/* The shared node keeps the anchor's position. */
	assert_pos(tmdk_node_get(r, "x"), 1, 7);
	tmdk_artifact_free(a);
}

Test(yaml, a_redefined_anchor_refers_to_its_latest_definition)
{
	tmdk_artifact *a = load_ok(
		"a: &x first\n"
		"b: *x\n"
		"c: &x second\n"
		"d: *x\n"
		"e: &y [&y inner, 1]\n"
		"f: *y\n");
	const tmdk_node *r = root_of(a, 0);
	assert_text(tmdk_node_get(r, "b"), "first");
	assert_text(tmdk_node_get(r, "d"), "second");
	/* The inner &y appears after the outer one: it is the latest. */
	assert_text(tmdk_node_get(r, "f"), "inner");
	tmdk_artifact_free(a);
}

Test(yaml, undefined_alias_is_an_error_with_its_position)
{
	const char *t = "a: 1\nb:\n  - *nope\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 3, 5, "undefined alias '*nope'");
}

Test(yaml, anchors_do_not_cross_documents)
{
	const char *t = "a: &x 1\n---\nb: *x\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 3, 4, "undefined alias '*x'");
}

Test(yaml, recursive_alias_is_an_error)
{
	const char *t = "a: &r\n  b: *r\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 2, 6, "recursive structures are not supported");
}

/* ---- merge keys ------------------------------------------------------------------ */

Test(yaml, merge_key_single_map)
{
	tmdk_artifact *a = load_ok(
		"base: &b\n"
		"  image: nginx\n"
		"  restart: always\n"
		"svc:\n"
		"  <<: *b\n"
		"  ports: [80]\n");
	const tmdk_node *svc = tmdk_node_get(root_of(a, 0), "svc");
	cr_assert_eq(tmdk_node_size(svc), 3);
	cr_assert_null(tmdk_node_get(svc, "<<"));
	assert_text(tmdk_node_get(svc, "image"), "nginx");
	assert_text(tmdk_node_get(svc, "restart"), "always");
	/* Merged entries are the anchored nodes themselves. */
	assert_pos(tmdk_node_get(svc, "image"), 2, 10);
	tmdk_artifact_free(a);
}

Test(yaml, merge_key_list_earlier_maps_win)
{
	tmdk_artifact *a = load_ok(
		"one: &one {a: 1, b: 1}\n"
		"two: &two {b: 2, c: 2}\n"
		"m:\n"
		"  <<: [*one, *two]\n");
	const tmdk_node *m = tmdk_node_get(root_of(a, 0), "m");
	cr_assert_eq(tmdk_node_size(m), 3);
	assert_text(tmdk_node_get(m, "a"), "1");
	assert_text(tmdk_node_get(m, "b"), "1");
	assert_text(tmdk_node_get(m, "c"), "2");
	cr_assert_eq(tmdk_artifact_warning_count(a), 0);
	tmdk_artifact_free(a);
}

Test(yaml, merge_key_explicit_keys_win_before_and_after)
{
	tmdk_artifact *a = load_ok(
		"b: &b {x: 1, y: 1, z: 1}\n"
		"m:\n"
		"  x: 10\n"
		"  <<: *b\n"
		"  y: 20\n");
	const tmdk_node *m = tmdk_node_get(root_of(a, 0), "m");
	cr_assert_eq(tmdk_node_size(m), 3);
	assert_text(tmdk_node_get(m, "x"), "10");
	assert_text(tmdk_node_get(m, "y"), "20");
	assert_text(tmdk_node_get(m, "z"), "1");
	cr_assert_eq(tmdk_artifact_warning_count(a), 0);
	tmdk_artifact_free(a);
}

Test(yaml, merge_key_nested_and_inline)
{
	tmdk_artifact *a = load_ok(
		"l1: &l1 {a: 1}\n"
		"l2: &l2\n"
		"  <<: *l1\n"
		"  b: 2\n"
		"top:\n"
		"  <<: [*l2, {c: 3, a: 9}]\n"
		"  inner:\n"
		"    <<: {d: 4}\n"
		"'<<': quoted keys are not merges\n");
	const tmdk_node *r = root_of(a, 0);
	const tmdk_node *top = tmdk_node_get(r, "top");
	assert_text(tmdk_node_get(top, "a"), "1");
	assert_text(tmdk_node_get(top, "b"), "2");
	assert_text(tmdk_node_get(top, "c"), "3");
	assert_text(tmdk_node_path(top, "inner.d"), "4");
	cr_assert_eq(tmdk_node_size(top), 4);
	assert_text(tmdk_node_get(r, "<<"), "quoted keys are not merges");
	tmdk_artifact_free(a);
}

Test(yaml, merge_of_a_scalar_is_an_error)
{
	const char *t = "s: &s text\nm:\n  <<: *s\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 3, 7, "merge key '<<' expects a map or a sequence of maps, found a scalar");
}

Test(yaml, merge_of_a_sequence_item_that_is_not_a_map_is_an_error)
{
	const char *t = "a: &a {x: 1}\nm:\n  <<: [*a, [1]]\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 3, 7, "found a sequence as item 2");
}

Test(yaml, merged_entries_count_toward_the_alias_limit)
{
	/* The alias reaches the 81 nodes of m0 (map, 40 keys, 40 values); the
	 * merge then inserts 40 entries: 121 in total. */
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	char t[2048], *p = t;
	tmdk_artifact *a;
	tmdk_error err;
	int k;

	p += sprintf(p, "m0: &m0 {");
	for (k = 0; k < 40; k++)
		p += sprintf(p, "%sk%d: %d", k ? ", " : "", k, k);
	p += sprintf(p, "}\nm1: {<<: *m0}\n");
	o.max_alias_nodes = 121;
	cr_assert_eq(load_n(&a, t, strlen(t), &o, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(root_of(a, 0), "m1")), 40);
	tmdk_artifact_free(a);
	o.max_alias_nodes = 120;
	expect_error(t, strlen(t), &o, TMDK_ELIMIT, 2, 10, "aliases expand to more than 120 nodes (max_alias_nodes)");
	o.max_alias_nodes = 80;
	expect_error(t, strlen(t), &o, TMDK_ELIMIT, 2, 10, "aliases expand to more than 80 nodes (max_alias_nodes)");
}

/* ---- duplicate keys, complex keys, large maps ---------------------------------- */

Test(yaml, duplicate_keys_warn_and_the_last_value_wins)
{
	tmdk_artifact *a = load_ok(
		"image: a\n"
		"name: x\n"
		"image: b\n"
		"flow: {k: 1, k: 2}\n");
	const tmdk_node *r = root_of(a, 0);
	unsigned int line, column;

	cr_assert_eq(tmdk_node_size(r), 3);
	assert_text(tmdk_node_get(r, "image"), "b");
	assert_text(tmdk_node_at(r, 0), "b"); /* the first entry keeps its place */
	assert_text(tmdk_node_path(r, "flow.k"), "2");
	cr_assert_eq(tmdk_artifact_warning_count(a), 2);
	cr_assert_str_eq(tmdk_artifact_warning(a, 0, &line, &column), "duplicate key 'image' (the last value wins)");
	cr_assert_eq(line, 3);
	cr_assert_eq(column, 1);
	cr_assert_str_eq(tmdk_artifact_warning(a, 1, &line, &column), "duplicate key 'k' (the last value wins)");
	cr_assert_eq(line, 4);
	cr_assert_eq(column, 14);
	tmdk_artifact_free(a);
}

Test(yaml, complex_keys_are_kept)
{
	tmdk_artifact *a = load_ok("? [a, b]\n: 1\n? {x: 1}\n: 2\n[a, b]: 3\nplain: 4\n");
	const tmdk_node *r = root_of(a, 0);
	cr_assert_eq(tmdk_node_size(r), 4);
	cr_assert_eq(tmdk_node_get_type(tmdk_node_key_at(r, 0)), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_get_type(tmdk_node_key_at(r, 1)), TMDK_NODE_MAP);
	assert_text(tmdk_node_get(r, "plain"), "4");
	cr_assert_eq(tmdk_artifact_warning_count(a), 0);
	tmdk_artifact_free(a);
}

Test(yaml, large_map_with_duplicates_is_linear)
{
	const int keys = 20000;
	char *t = malloc((size_t)keys * 32 + 64), *p = t;
	struct timespec t0;
	tmdk_artifact *a;
	const tmdk_node *r;
	double secs;
	int i;

	for (i = 0; i < keys; i++)
		p += sprintf(p, "key%d: %d\n", i, i);
	p += sprintf(p, "key%d: again\nkey0: last\n", keys / 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = load_ok(t);
	secs = seconds_since(&t0);
	r = root_of(a, 0);
	cr_assert_eq(tmdk_node_size(r), (size_t)keys);
	assert_text(tmdk_node_get(r, "key0"), "last");
	assert_text(tmdk_node_get(r, "key10000"), "again");
	assert_text(tmdk_node_get(r, "key19999"), "19999");
	cr_assert_eq(tmdk_artifact_warning_count(a), 2);
	cr_log_info("20,000-key map loaded in %.1f ms", secs * 1e3);
	cr_assert_lt(secs, 2.0);
	tmdk_artifact_free(a);
	free(t);
}

Test(yaml, large_map_merges_use_the_key_set)
{
	/* A 100-key anchor merged into a map that overrides 50 of them. */
	char *t = malloc(20000), *p = t;
	tmdk_artifact *a;
	const tmdk_node *m;
	int i;

	p += sprintf(p, "base: &b\n");
	for (i = 0; i < 100; i++)
		p += sprintf(p, "  k%d: base\n", i);
	p += sprintf(p, "m:\n");
	for (i = 0; i < 100; i += 2)
		p += sprintf(p, "  k%d: mine\n", i);
	p += sprintf(p, "  <<: *b\n");
	a = load_ok(t);
	m = tmdk_node_get(root_of(a, 0), "m");
	cr_assert_eq(tmdk_node_size(m), 100);
	assert_text(tmdk_node_get(m, "k0"), "mine");
	assert_text(tmdk_node_get(m, "k1"), "base");
	assert_text(tmdk_node_get(m, "k98"), "mine");
	assert_text(tmdk_node_get(m, "k99"), "base");
	cr_assert_eq(tmdk_artifact_warning_count(a), 0);
	tmdk_artifact_free(a);
	free(t);
}

/* ---- limits ---------------------------------------------------------------------------- */

Test(yaml, depth_limit)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a;
	tmdk_error err;
	const char *ok = "a:\n  b:\n    c: [[x]]\n";          /* 5 levels */
	const char *deep = "a:\n  b:\n    c: [[{d: 1}]]\n";   /* 6 levels */

	o.max_depth = 5;
	cr_assert_eq(load_n(&a, ok, strlen(ok), &o, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	expect_error(deep, strlen(deep), &o, TMDK_ELIMIT, 3, 10, "YAML nesting deeper than 5 levels (max_depth)");
}

Test(yaml, default_depth_limit_on_deep_flow_nesting)
{
	char t[20001];
	memset(t, '[', 20000);
	t[20000] = '\0';
	expect_error(t, strlen(t), NULL, TMDK_ELIMIT, 1, 257, "YAML nesting deeper than 256 levels (max_depth)");
}

/* Levels of `n` aliases to the previous level: n^levels nodes once expanded. */
static char *billion_laughs(int levels, int n)
{
	char *t = malloc(64 * 1024), *p = t;
	int i, k;

	p += sprintf(p, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (i = 1; i < levels; i++) {
		p += sprintf(p, "l%d: &l%d [", i, i);
		for (k = 0; k < n; k++)
			p += sprintf(p, "%s*l%d", k ? ", " : "", i - 1);
		p += sprintf(p, "]\n");
	}
	return t;
}

Test(yaml, billion_laughs_fails_fast_on_the_alias_limit)
{
	char *t = billion_laughs(10, 10);
	struct timespec t0;
	tmdk_artifact *a;
	tmdk_error err;
	double secs;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = load_n(&a, t, strlen(t), NULL, &err);
	secs = seconds_since(&t0);
	cr_assert_eq(rc, TMDK_ELIMIT, "%s", err.message);
	cr_assert_str_eq(err.message, "aliases expand to more than 1000000 nodes (max_alias_nodes)");
	/* Aliases in l1..l4 reach 123,440 nodes; in l5 each alias of l4 adds
	 * 111,111: the 8th crosses 1,000,000. */
	cr_assert_eq(err.line, 6);
	cr_assert_eq(err.column, 10 + 7 * 5);
	cr_log_info("billion laughs rejected in %.3f ms", secs * 1e3);
	cr_assert_lt(secs, 1.0);
	free(t);
}

Test(yaml, alias_limit_is_configurable)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a;
	tmdk_error err;
	char *t = billion_laughs(3, 10); /* l2 expands to 1 + 10 * 11 = 111 nodes */

	/* Aliases: 10 to l0 (11 nodes each) in l1, 10 to l1 (111 each) in l2: 1,220 in total. */
	o.max_alias_nodes = 1220;
	cr_assert_eq(load_n(&a, t, strlen(t), &o, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	o.max_alias_nodes = 1219;
	expect_error(t, strlen(t), &o, TMDK_ELIMIT, 3, 10 + 9 * 5, "more than 1219 nodes (max_alias_nodes)");
	free(t);
}

Test(yaml, documents_limit)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a;
	tmdk_error err;
	const char *three = "a: 1\n---\nb: 2\n---\nc: 3\n";
	const char *four = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";

	o.max_documents = 3;
	cr_assert_eq(load_n(&a, three, strlen(three), &o, &err), TMDK_OK, "%s", err.message);
	tmdk_artifact_free(a);
	expect_error(four, strlen(four), &o, TMDK_ELIMIT, 6, 1, "YAML stream has more than 3 documents (max_documents)");
}

/* ---- errors ------------------------------------------------------------------------------ */

Test(yaml, invalid_utf8_reports_line_and_column)
{
	const char *t = "a: ok\nb: é\xC3(\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 2, 5, "invalid UTF-8 (byte 0xC3)");
	t = "x: \xC0\xAF\n"; /* overlong '/' */
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 1, 4, "invalid UTF-8 (byte 0xC0)");
	t = "x:\n  - \xED\xA0\x80\n"; /* surrogate U+D800 */
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 2, 5, "invalid UTF-8 (byte 0xED)");
	t = "x: \xF4\x90\x80\x80\n"; /* above U+10FFFF */
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 1, 4, "invalid UTF-8");
	t = "x: abc\xE2\x82"; /* truncated at the end */
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 1, 7, "invalid UTF-8");
}

Test(yaml, utf8_validation)
{
	static const struct { char s[8]; size_t len, bad; } cases[] = {
		{ "abc", 3, 3 }, { "\xC3\xA9", 2, 2 }, { "\xE2\x82\xAC", 3, 3 }, { "\xF0\x9F\x98\x80", 4, 4 },
		{ "\xF4\x8F\xBF\xBF", 4, 4 },   /* U+10FFFF */
		{ "\xEF\xBB\xBF", 3, 3 },       /* BOM */
		{ "a\x80", 2, 1 },              /* stray continuation */
		{ "\xC1\xBF", 2, 0 },           /* overlong */
		{ "\xE0\x9F\xBF", 3, 0 },       /* overlong */
		{ "\xF0\x8F\xBF\xBF", 4, 0 },   /* overlong */
		{ "\xED\xBF\xBF", 3, 0 },       /* surrogate */
		{ "\xF4\x90\x80\x80", 4, 0 },   /* > U+10FFFF */
		{ "\xF5\x80\x80\x80", 4, 0 },
		{ "\xFF", 1, 0 },
		{ "ab\xE2\x82", 4, 2 },         /* truncated */
		{ "\xC3(", 2, 0 },              /* bad continuation */
		{ { 'a', 0, 'b' }, 3, 3 },      /* NUL is valid UTF-8 */
	};
	char long_text[100];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(tmdk__utf8_validate(cases[i].s, cases[i].len), cases[i].bad, "case %zu", i);
	memset(long_text, 'x', sizeof(long_text));
	long_text[77] = (char)0x80;
	cr_assert_eq(tmdk__utf8_validate(long_text, sizeof(long_text)), 77);
	cr_assert_eq(tmdk__utf8_validate(long_text, 77), 77);
	cr_assert_eq(tmdk__utf8_validate("", 0), 0);
}

Test(yaml, control_characters_are_rejected)
{
	const char *t = "a: 1\nb: x\x01y\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 2, 5, "control characters are not allowed (found U+0001)");
	/* A NUL byte inside the buffer. */
	expect_error("a: 1\n\0", 6, NULL, TMDK_EPARSE, 2, 1, "control characters are not allowed (found U+0000)");
}

Test(yaml, tab_indentation_is_an_error)
{
	const char *t = "a:\n\tb: 1\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 2, 1,
		"found character that cannot start any token, while scanning for the next token");
}

Test(yaml, unterminated_quote_is_an_error)
{
	const char *t = "a: 1\nb: \"abc\nc: 2\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 4, 1,
		"found unexpected end of stream, while scanning a quoted scalar (which starts at line 2, column 4)");
}

Test(yaml, structural_errors_name_the_problem)
{
	const char *t = "a: [1, 2\nb: 3\n";
	tmdk_artifact *a;
	tmdk_error err;
	cr_assert_eq(load_n(&a, t, strlen(t), NULL, &err), TMDK_EPARSE);
	cr_assert(strstr(err.message, "while parsing a flow sequence"), "%s", err.message);
	cr_assert_gt(err.line, 0);
	t = "a: b: c\n";
	expect_error(t, strlen(t), NULL, TMDK_EPARSE, 1, 5, "mapping values are not allowed in this context");
	t = "key: value\n- item\n";
	cr_assert_eq(load_n(&a, t, strlen(t), NULL, &err), TMDK_EPARSE);
	cr_assert_eq(err.line, 2);
}

Test(yaml, errors_reach_the_public_api)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	const char *t = "apiVersion: v1\nkind: Pod\nspec: *missing\n";

	o.kind = TMDK_KIND_KUBERNETES;
	parse_fails("pod.yaml", t, strlen(t), &o, &err);
	cr_assert_eq(err.code, TMDK_EPARSE);
	cr_assert_str_eq(err.source, "pod.yaml");
	cr_assert_eq(err.line, 3);
	cr_assert_eq(err.column, 7);
}

Test(yaml, utf16_with_a_bom_never_crashes)
{
	/* "a: 1\n" in UTF-16LE and UTF-16BE with byte-order marks. */
	static const char le[] = "\xFF\xFE" "a\0:\0 \0" "1\0\n\0";
	static const char be[] = "\xFE\xFF" "\0a\0:\0 \0" "1\0\n";
	tmdk_artifact *a;
	tmdk_error err;
	int rc;

	rc = load_n(&a, le, sizeof(le) - 1, NULL, &err);
	cr_assert(rc == TMDK_OK || (rc == TMDK_EPARSE && err.message[0]));
	if (rc == TMDK_OK) {
		assert_text(tmdk_node_get(root_of(a, 0), "a"), "1");
		tmdk_artifact_free(a);
	}
	rc = load_n(&a, be, sizeof(be) - 1, NULL, &err);
	cr_assert(rc == TMDK_OK || (rc == TMDK_EPARSE && err.message[0]));
	if (rc == TMDK_OK)
		tmdk_artifact_free(a);
	/* Odd length: a truncated UTF-16 character. */
	rc = load_n(&a, le, sizeof(le) - 2, NULL, &err);
	cr_assert(rc == TMDK_OK || err.message[0]);
	if (rc == TMDK_OK)
		tmdk_artifact_free(a);
}

/* ---- comments ------------------------------------------------------------------------------ */

Test(yaml, comments_per_line)
{
	tmdk_artifact *a = load_ok(
		"# whole line\n"                                   /* 1 */
		"image: nginx # tmdk:ignore=TMDK-K8S-001\n"       /* 2 */
		"command: \"echo # not a comment\"\n"             /* 3 */
		"single: 'it''s # not either'\n"                  /* 4 */
		"script: |   # header comment\n"                  /* 5 */
		"  echo hi # inside the block\n"                  /* 6 */
		"  # still inside\n"                              /* 7 */
		"# after the block\n"                             /* 8 */
		"url: http://x/#frag\n"                           /* 9 */
		"flow: [a, b] #flow\n"                            /* 10 */
		"multi: \"line one\n"                             /* 11 */
		"  # line two\"\n"                                /* 12 */
		"empty: x #\n"                                    /* 13 */
		"tabs: x\t#\ttabbed  \r\n"                        /* 14 */
		"  # indented\n");                                /* 15 */
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 1), "whole line");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 2), "tmdk:ignore=TMDK-K8S-001");
	cr_assert_null(tmdk_artifact_line_comment(a, 3));
	cr_assert_null(tmdk_artifact_line_comment(a, 4));
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 5), "header comment");
	cr_assert_null(tmdk_artifact_line_comment(a, 6));
	cr_assert_null(tmdk_artifact_line_comment(a, 7));
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 8), "after the block");
	cr_assert_null(tmdk_artifact_line_comment(a, 9));
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 10), "flow");
	cr_assert_null(tmdk_artifact_line_comment(a, 11));
	cr_assert_null(tmdk_artifact_line_comment(a, 12));
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 13), "");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 14), "tabbed");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 15), "indented");
	assert_text(tmdk_node_get(root_of(a, 0), "script"), "echo hi # inside the block\n# still inside\n");
	tmdk_artifact_free(a);
}

Test(yaml, comments_with_multibyte_text_before_them)
{
	tmdk_artifact *a = load_ok(
		"名前: \"値 # 引用\"   # コメント\n"
		"b: |\n"
		"  ü # block\n"
		"c: d # ok\n");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 1), "コメント");
	cr_assert_null(tmdk_artifact_line_comment(a, 3));
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 4), "ok");
	tmdk_artifact_free(a);
}

Test(yaml, fixture_manifest)
{
	size_t len;
	char *t = read_file(fixture("yaml/deployment.yaml"), &len);
	tmdk_artifact *a;
	tmdk_error err;
	const tmdk_node *dep, *cs;

	cr_assert_not_null(t, "missing fixture yaml/deployment.yaml");
	cr_assert_eq(load_n(&a, t, len, NULL, &err), TMDK_OK, "%u:%u: %s", err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_document_count(a), 3);
	cr_assert_eq(tmdk_document_index(tmdk_artifact_document(a, 2)), 3);
	dep = root_of(a, 1);
	cs = tmdk_node_path(dep, "spec.template.spec.containers");
	cr_assert_eq(tmdk_node_size(cs), 2);
	assert_text(tmdk_node_path(dep, "spec.template.metadata.labels.tier"), "frontend");
	assert_text(tmdk_node_path(dep, "spec.template.metadata.labels.version"), "v2");
	cr_assert_eq(tmdk_node_path(cs, "[0].resources"), tmdk_node_path(cs, "[1].resources"));
	cr_assert_eq(tmdk_node_scalar_type(tmdk_node_path(cs, "[0].securityContext.privileged")), TMDK_SCALAR_BOOL);
	assert_pos(tmdk_node_path(cs, "[0].image"), 34, 18);
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 34), "tmdk:ignore=TMDK-K8S-001");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 20), "anchors are per document: this one is new");
	cr_assert_str_eq(tmdk_artifact_line_comment(a, 6), "tmdk:ignore=TMDK-K8S-010");
	cr_assert_null(tmdk_artifact_line_comment(a, 12));
	cr_assert_null(tmdk_artifact_line_comment(a, 13));
	cr_assert_null(tmdk_artifact_line_comment(a, 14));
	cr_assert_null(tmdk_artifact_line_comment(a, 35));
	tmdk_artifact_free(a);
	free(t);
}

/* ---- robustness -------------------------------------------------------------------------------- */

/* xorshift: deterministic, so a failure can be replayed. */
static uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void mutate(char *t, size_t *len, size_t cap, uint32_t *seed)
{
	static const char pieces[] = "#:-[]{},&*!|>'\"\t\n ?%@`\\<\x01\xC3\xFF";
	int edits = 1 + (int)(next_random(seed) % 4), i;

	for (i = 0; i < edits && *len; i++) {
		size_t at = next_random(seed) % *len;
		char c = (next_random(seed) & 1) ? pieces[next_random(seed) % (sizeof(pieces) - 1)]
			: (char)(next_random(seed) & 0xFF);
		switch (next_random(seed) % 3) {
		case 0: /* replace */
			t[at] = c;
			break;
		case 1: /* insert */
			if (*len + 1 < cap) {
				memmove(t + at + 1, t + at, *len - at);
				t[at] = c;
				(*len)++;
			}
			break;
		default: /* delete */
			memmove(t + at, t + at + 1, *len - at - 1);
			(*len)--;
			break;
		}
	}
}

Test(yaml, random_mutations_parse_or_fail_with_a_position)
{
	size_t len, base_len;
	char *base = read_file(fixture("yaml/deployment.yaml"), &base_len);
	char *t;
	uint32_t seed = 0x2545F491u;
	int i, ok = 0, failed = 0;

	cr_assert_not_null(base);
	t = malloc(base_len + 64);
	for (i = 0; i < 2000; i++) {
		tmdk_artifact *a;
		tmdk_error err;
		int rc;
		memcpy(t, base, base_len);
		len = base_len;
		mutate(t, &len, base_len + 64, &seed);
		rc = load_n(&a, t, len, NULL, &err);
		if (rc == TMDK_OK) {
			ok++;
			tmdk_artifact_free(a);
			continue;
		}
		failed++;
		cr_assert(rc == TMDK_EPARSE || rc == TMDK_ELIMIT, "mutation %d: code %d", i, rc);
		cr_assert(err.message[0], "mutation %d: no message", i);
		cr_assert_gt(err.line, 0, "mutation %d: no line (%s)", i, err.message);
		cr_assert_gt(err.column, 0, "mutation %d: no column (%s)", i, err.message);
	}
	cr_log_info("2,000 mutations: %d parsed, %d rejected", ok, failed);
	free(t);
	free(base);
}

Test(yaml, random_bytes_never_crash)
{
	uint32_t seed = 12345;
	char t[512];
	int i;

	for (i = 0; i < 2000; i++) {
		size_t len = next_random(&seed) % sizeof(t), k;
		tmdk_artifact *a;
		tmdk_error err;
		for (k = 0; k < len; k++) /* mostly YAML punctuation and letters */
			t[k] = "ab:- \n[]{}&*!#'\"|>,?\t"[next_random(&seed) % 21];
		if (load_n(&a, t, len, NULL, &err) == TMDK_OK)
			tmdk_artifact_free(a);
		else
			cr_assert(err.message[0] && err.line > 0, "input %d: %s", i, err.message);
	}
}

/* ---- allocation failures -------------------------------------------------------------------------- */

static long alloc_budget;

static void *failing_malloc(size_t n)
{
	return alloc_budget-- > 0 ? malloc(n) : NULL;
}

static void *failing_realloc(void *p, size_t n)
{
	return alloc_budget-- > 0 ? realloc(p, n) : NULL;
}

Test(yaml, every_allocation_failure_is_reported_cleanly)
{
	/* Anchors, merges, a large map (key set), comments and a warning. */
	char *t = malloc(16384), *p = t;
	long budget;
	int i, succeeded = 0;

	p += sprintf(p, "# comment\nb: &b {x: 1}\nd: 1\nd: 2\n");
	for (i = 0; i < 40; i++) /* grows the anchor table */
		p += sprintf(p, "a%d: &a%d %d\n", i, i, i);
	p += sprintf(p, "m:\n  <<: *b\n  s: \"# x\"\n");
	for (i = 0; i < 300; i++) /* grows the key set and the arena */
		p += sprintf(p, "  k%d: %d # c\n", i, i);
	for (budget = 0; budget < 200 && !succeeded; budget++) {
		tmdk_artifact *a = artifact_new(t, strlen(t), NULL);
		tmdk_error err;
		int rc;
		alloc_budget = budget;
		tmdk_set_allocator(failing_malloc, failing_realloc, free);
		rc = tmdk__yaml_load(a, &err);
		tmdk_set_allocator(NULL, NULL, NULL);
		cr_assert(rc == TMDK_OK || rc == TMDK_ENOMEM, "budget %ld: code %d", budget, rc);
		if (rc == TMDK_ENOMEM)
			cr_assert_str_eq(err.message, "out of memory");
		else
			succeeded = 1;
		tmdk_artifact_free(a);
	}
	cr_assert(succeeded, "never succeeded within 200 allocations");
	cr_assert_gt(budget, 10, "too few allocations to be a meaningful test");
	cr_log_info("allocation failure injected at each of the first %ld allocations", budget - 1);
	free(t);
}

/* ---- the public corpus ------------------------------------------------------------------------------ */

Test(yaml, large_corpus_manifest)
{
	const char *dir = corpus_dir();
	char path[4096];
	char *t;
	size_t len;
	tmdk_artifact *a;
	tmdk_error err;
	struct timespec t0;
	double secs;

	if (!dir)
		cr_skip_test("corpus not found: set TMDK_CORPUS");
	snprintf(path, sizeof(path), "%s/kubernetes/argoproj__argo-cd__manifests__install.yaml", dir);
	t = read_file(path, &len);
	if (!t)
		cr_skip_test("corpus not found: %s", path);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(load_n(&a, t, len, NULL, &err), TMDK_OK, "%u:%u: %s", err.line, err.column, err.message);
	secs = seconds_since(&t0);
	cr_assert_gt(tmdk_artifact_document_count(a), 10);
	cr_log_info("%zu bytes, %zu documents in %.1f ms", len, tmdk_artifact_document_count(a), secs * 1e3);
	tmdk_artifact_free(a);
	free(t);
}
