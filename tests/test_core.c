/* Core: error records, options, version, allocator, arena, growable arrays, path maps, nodes and paths. */
#include "helpers.h"
#include "array.h"
#include "path_map.h"

#include <math.h>
#include <unistd.h>

/* ---- errors and version ------------------------------------------------ */

Test(errors, strerror_names_every_code)
{
	int code;
	for (code = TMDK_ENOTFOUND; code <= TMDK_OK; code++)
		cr_assert_str_neq(tmdk_strerror(code), "unknown error", "code %d has no name", code);
	cr_assert_str_eq(tmdk_strerror(-999), "unknown error");
	cr_assert_str_eq(tmdk_strerror(TMDK_ELIMIT), "limit exceeded");
}

Test(errors, set_fills_every_field_and_accepts_null)
{
	tmdk_error err;
	cr_assert_eq(tmdk__error_set(NULL, TMDK_EPARSE, "x", 1, 2, "ignored"), TMDK_EPARSE);
	cr_assert_eq(tmdk__error_set(&err, TMDK_EPARSE, "deploy.yaml", 3, 7, "bad %s", "thing"), TMDK_EPARSE);
	cr_assert_eq(err.code, TMDK_EPARSE);
	cr_assert_eq(err.line, 3);
	cr_assert_eq(err.column, 7);
	cr_assert_str_eq(err.source, "deploy.yaml");
	cr_assert_str_eq(err.message, "bad thing");
	tmdk_error_clear(&err);
	cr_assert_eq(err.code, 0);
	cr_assert_str_eq(err.message, "");
	tmdk_error_clear(NULL);
}

Test(errors, long_messages_are_truncated_not_overflowed)
{
	tmdk_error err;
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tmdk__error_set(&err, TMDK_ERROR, big, 0, 0, "%s", big);
	cr_assert_eq(strlen(err.message), TMDK_ERROR_MESSAGE_MAX - 1);
	cr_assert_eq(strlen(err.source), TMDK_ERROR_SOURCE_MAX - 1);
}

Test(version, runtime_matches_headers)
{
	int major = -1, minor = -1, patch = -1;
	char expect[64];
	const char *v = tmdk_version(&major, &minor, &patch);
	cr_assert_eq(major, TMDK_VERSION_MAJOR);
	cr_assert_eq(minor, TMDK_VERSION_MINOR);
	cr_assert_eq(patch, TMDK_VERSION_PATCH);
	snprintf(expect, sizeof(expect), "%d.%d.%d", major, minor, patch);
	cr_assert_str_eq(v, expect);
	cr_assert_str_eq(v, TMDK_VERSION);
	cr_assert_str_eq(tmdk_version(NULL, NULL, NULL), PACKAGE_VERSION);
	cr_assert_eq(TMDK_VERSION_NUM, (major << 16) | (minor << 8) | patch);
}

/* ---- options -------------------------------------------------------------- */

Test(options, init_sets_version_and_zero_limits)
{
	tmdk_parse_options o;
	memset(&o, 0xff, sizeof(o));
	cr_assert_eq(tmdk_parse_options_init(&o, TMDK_PARSE_OPTIONS_VERSION), TMDK_OK);
	cr_assert_eq(o.version, TMDK_PARSE_OPTIONS_VERSION);
	cr_assert_eq(o.kind, TMDK_KIND_AUTO);
	cr_assert_eq(o.max_depth, 0);
	cr_assert_eq(tmdk_parse_options_init(&o, 0), TMDK_EINVAL);
	cr_assert_eq(tmdk_parse_options_init(&o, 99), TMDK_EINVAL);
	cr_assert_eq(tmdk_parse_options_init(NULL, TMDK_PARSE_OPTIONS_VERSION), TMDK_EINVAL);
}

Test(options, fill_uses_documented_defaults)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	o.max_depth = 7;
	tmdk__parse_options_fill(&o);
	cr_assert_eq(o.max_depth, 7, "explicit values are kept");
	cr_assert_eq(o.max_input_bytes, TMDK_DEFAULT_MAX_INPUT_BYTES);
	cr_assert_eq(o.max_alias_nodes, TMDK_DEFAULT_MAX_ALIAS_NODES);
	cr_assert_eq(o.max_documents, TMDK_DEFAULT_MAX_DOCUMENTS);
	cr_assert_eq(o.max_line_length, TMDK_DEFAULT_MAX_LINE_LENGTH);
	cr_assert_eq(o.max_instructions, TMDK_DEFAULT_MAX_INSTRUCTIONS);
	cr_assert_eq(o.max_heredoc_bytes, TMDK_DEFAULT_MAX_HEREDOC_BYTES);
}

Test(options, zero_version_is_rejected_by_parse)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	o.version = 0;
	parse_fails("x.yaml", "a: 1\n", 5, &o, &err);
	cr_assert_eq(err.code, TMDK_EINVAL);
	cr_assert(strstr(err.message, "version 0"), "message: %s", err.message);
}

Test(options, unknown_kind_is_rejected)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	o.kind = (tmdk_kind)42;
	parse_fails("x.yaml", "a: 1\n", 5, &o, &err);
	cr_assert_eq(err.code, TMDK_EINVAL);
	cr_assert(strstr(err.message, "kind 42"), "message: %s", err.message);
}

Test(options, input_size_limit_names_the_limit)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	o.max_input_bytes = 4;
	parse_fails("big.yaml", "a: 12345\n", 9, &o, &err);
	cr_assert_eq(err.code, TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_input_bytes"), "message: %s", err.message);
	cr_assert_str_eq(err.source, "big.yaml");
}

/* ---- kinds ------------------------------------------------------------- */

Test(kinds, names_round_trip)
{
	tmdk_kind k, out;
	for (k = TMDK_KIND_UNKNOWN; k <= TMDK_KIND_DOCKER_INSPECT; k++) {
		cr_assert_eq(tmdk_kind_from_name(&out, tmdk_kind_name(k)), TMDK_OK);
		cr_assert_eq(out, k);
	}
	cr_assert_str_eq(tmdk_kind_name(TMDK_KIND_DAEMON_JSON), "daemon-json");
	cr_assert_str_eq(tmdk_kind_name((tmdk_kind)77), "unknown");
	cr_assert_eq(tmdk_kind_from_name(&out, "helm"), TMDK_EINVAL);
	cr_assert_eq(tmdk_kind_from_name(&out, NULL), TMDK_EINVAL);
}

/* ---- allocator ----------------------------------------------------------- */

static size_t live_allocs;
static void *count_malloc(size_t n) { live_allocs++; return malloc(n); }
static void *count_realloc(void *p, size_t n) { if (!p) live_allocs++; return realloc(p, n); }
static void count_free(void *p) { if (p) live_allocs--; free(p); }

Test(alloc, replacement_sees_every_allocation)
{
	tmdk__arena arena;
	int i;
	cr_assert_eq(tmdk_set_allocator(count_malloc, NULL, count_free), TMDK_EINVAL);
	cr_assert_eq(tmdk_set_allocator(count_malloc, count_realloc, count_free), TMDK_OK);
	tmdk__arena_init(&arena);
	for (i = 0; i < 10000; i++)
		cr_assert_not_null(tmdk__arena_alloc(&arena, 100));
	cr_assert_gt(live_allocs, 1);
	tmdk__arena_release(&arena);
	cr_assert_eq(live_allocs, 0, "arena release frees every chunk");
	cr_assert_eq(tmdk_set_allocator(NULL, NULL, NULL), TMDK_OK);
}

static void *failing_malloc(size_t n) { (void)n; return NULL; }
static void *failing_realloc(void *p, size_t n) { (void)p; (void)n; return NULL; }

Test(alloc, parse_reports_out_of_memory)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	cr_assert_eq(tmdk_set_allocator(failing_malloc, failing_realloc, free), TMDK_OK);
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "x.yaml", "a: 1\n", 5, NULL, &err), TMDK_ENOMEM);
	cr_assert_null(a);
	cr_assert_eq(err.code, TMDK_ENOMEM);
	tmdk_set_allocator(NULL, NULL, NULL);
}

/* ---- arena ---------------------------------------------------------------- */

Test(arena, allocations_are_zeroed_aligned_and_large_blocks_work)
{
	tmdk__arena arena;
	char *big;
	void *p;
	int i;
	tmdk__arena_init(&arena);
	for (i = 1; i < 200; i++) {
		p = tmdk__arena_alloc(&arena, (size_t)i);
		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % sizeof(void *), 0);
		cr_assert_eq(((unsigned char *)p)[i - 1], 0);
	}
	big = tmdk__arena_alloc(&arena, 5 * 1024 * 1024);
	cr_assert_not_null(big);
	big[5 * 1024 * 1024 - 1] = 'x';
	cr_assert_str_eq(tmdk__arena_strndup(&arena, "hello world", 5), "hello");
	cr_assert_str_eq(tmdk__arena_printf(&arena, "%s-%d", "a", 42), "a-42");
	cr_assert_null(tmdk__arena_alloc(&arena, SIZE_MAX - 4), "overflow is refused");
	tmdk__arena_release(&arena);
	tmdk__arena_release(&arena);
}

/* ---- growable arrays ------------------------------------------------------ */

static int realloc_fails;
static void *array_realloc(void *p, size_t n) { return realloc_fails ? NULL : realloc(p, n); }

Test(array, grows_by_doubling_and_keeps_the_elements)
{
	long *v = NULL;
	size_t count = 0, cap = 0, i;
	for (i = 0; i < 1000; i++) {
		cr_assert_eq(TMDK__ARRAY_RESERVE(v, count, cap, 4), TMDK_OK);
		v[count++] = (long)i;
	}
	cr_assert_eq(cap, 1024, "4, 8, … 1024");
	for (i = 0; i < count; i++)
		cr_assert_eq(v[i], (long)i);
	cr_assert_eq(TMDK__ARRAY_RESERVE_N(v, count, cap, 24, 4), TMDK_OK);
	cr_assert_eq(cap, 1024, "room enough: unchanged");
	cr_assert_eq(TMDK__ARRAY_RESERVE_N(v, count, cap, 5000, 4), TMDK_OK);
	cr_assert_eq(cap, 8192, "doubled until count + n fits");
	tmdk__free(v);
}

Test(array, overflow_and_failure_leave_the_array_unchanged)
{
	char *b = NULL;
	long *v = NULL;
	size_t count = 0, cap = 0;
	cr_assert_eq(TMDK__ARRAY_RESERVE(v, count, cap, 8), TMDK_OK);
	v[count++] = 7;
	/* count + n overflows size_t */
	cr_assert_eq(TMDK__ARRAY_RESERVE_N(v, count, cap, SIZE_MAX, 8), TMDK_ENOMEM);
	/* the capacity cannot double any more */
	cr_assert_eq(tmdk__array_grow(&b, &cap, SIZE_MAX / 2 + 2, 1, 1, 1), TMDK_ENOMEM);
	/* the capacity fits, its size in bytes does not */
	cr_assert_eq(TMDK__ARRAY_RESERVE_N(v, count, cap, SIZE_MAX / sizeof(long), 8), TMDK_ENOMEM);
	cr_assert_eq(cap, 8);
	cr_assert_null(b);
	/* the allocator fails */
	cr_assert_eq(tmdk_set_allocator(malloc, array_realloc, free), TMDK_OK);
	realloc_fails = 1;
	cr_assert_eq(TMDK__ARRAY_RESERVE_N(v, count, cap, 100, 8), TMDK_ENOMEM);
	realloc_fails = 0;
	cr_assert_eq(tmdk_set_allocator(NULL, NULL, NULL), TMDK_OK);
	cr_assert_eq(cap, 8);
	cr_assert_eq(count, 1);
	cr_assert_eq(v[0], 7);
	tmdk__free(v);
}

Test(array, arena_arrays_copy_what_they_hold)
{
	tmdk__arena arena;
	int *v = NULL;
	size_t count = 0, cap = 0, i;
	tmdk__arena_init(&arena);
	for (i = 0; i < 100; i++) {
		cr_assert_eq(TMDK__ARRAY_RESERVE_ARENA(&arena, v, count, cap, 2), TMDK_OK);
		v[count++] = (int)i * 3;
	}
	cr_assert_eq(cap, 128);
	for (i = 0; i < count; i++)
		cr_assert_eq(v[i], (int)i * 3);
	cr_assert_eq(tmdk__array_grow_arena(&arena, &v, &cap, count, SIZE_MAX, sizeof(*v), 2), TMDK_ENOMEM);
	cr_assert_eq(cap, 128);
	tmdk__arena_release(&arena);
}

/* ---- path maps ------------------------------------------------------------- */

Test(path_map, finds_every_key_after_growing_and_no_other)
{
	static char keys[1000][16];
	tmdk__path_map m = TMDK__PATH_MAP_INIT;
	size_t i, v;

	cr_expect_eq(tmdk__path_map_get(&m, "a", &v), 0); /* empty: no slots yet */
	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "dir/%zu", i);
		cr_assert_eq(tmdk__path_map_add(&m, keys[i], i * 3), TMDK_OK);
	}
	cr_expect_eq(m.count, 1000);
	cr_expect_geq(m.slot_count, 2000);
	for (i = 0; i < 1000; i++) {
		char probe[16];
		snprintf(probe, sizeof(probe), "dir/%zu", i); /* equal text, another pointer */
		cr_assert_eq(tmdk__path_map_get(&m, probe, &v), 1, "%s", probe);
		cr_expect_eq(v, i * 3);
	}
	cr_expect_eq(tmdk__path_map_get(&m, "dir/1000", &v), 0);
	cr_expect_eq(tmdk__path_map_get(&m, "dir/", &v), 0);
	cr_expect_eq(tmdk__path_map_get(&m, "", &v), 0);
	tmdk__path_map_free(&m);
	cr_expect_eq(m.count, 0);
	cr_expect_eq(tmdk__path_map_get(&m, "dir/1", &v), 0);
}

/* ---- nodes -------------------------------------------------------------- */

static tmdk__arena arena;

static void arena_setup(void) { tmdk__arena_init(&arena); }
static void arena_teardown(void) { tmdk__arena_release(&arena); }

/* { spec: { containers: [ {name: a, image: nginx}, {name: b} ] }, "a.b": 1 } */
static tmdk_node *sample_tree(void)
{
	tmdk_node *root = tmdk__node_map(&arena, 1, 1);
	tmdk_node *spec = tmdk__node_map(&arena, 2, 3);
	tmdk_node *list = tmdk__node_seq(&arena, 3, 5);
	tmdk_node *c1 = tmdk__node_map(&arena, 3, 7);
	tmdk_node *c2 = tmdk__node_map(&arena, 5, 7);
	cr_assert_eq(tmdk__node_map_put(&arena, c1, "name", tmdk__node_string(&arena, "a", 3, 13)), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, c1, "image", tmdk__node_string(&arena, "nginx", 4, 14)), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, c2, "name", tmdk__node_string(&arena, "b", 5, 13)), TMDK_OK);
	cr_assert_eq(tmdk__node_seq_push(&arena, list, c1), TMDK_OK);
	cr_assert_eq(tmdk__node_seq_push(&arena, list, c2), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, spec, "containers", list), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, root, "spec", spec), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, root, "a.b", tmdk__node_plain(&arena, "1", 1, 6, 8)), TMDK_OK);
	return root;
}

TestSuite(node, .init = arena_setup, .fini = arena_teardown);

Test(node, accessors_report_type_size_and_position)
{
	const tmdk_node *root = sample_tree();
	const tmdk_node *list = tmdk_node_path(root, "spec.containers");
	cr_assert_eq(tmdk_node_get_type(root), TMDK_NODE_MAP);
	cr_assert_eq(tmdk_node_get_type(list), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_size(list), 2);
	cr_assert_eq(tmdk_node_size(root), 2);
	cr_assert_eq(tmdk_node_line(list), 3);
	cr_assert_eq(tmdk_node_column(list), 5);
	cr_assert_str_eq(tmdk_node_text(tmdk_node_key_at(root, 0), NULL), "spec");
	cr_assert_null(tmdk_node_key_at(list, 0), "sequences have no keys");
	cr_assert_null(tmdk_node_at(list, 2));
	cr_assert_null(tmdk_node_text(list, NULL));
}

Test(node, null_nodes_answer_nothing)
{
	size_t len = 99;
	long long i;
	cr_assert_eq(tmdk_node_get_type(NULL), TMDK_NODE_NONE);
	cr_assert_eq(tmdk_node_size(NULL), 0);
	cr_assert_null(tmdk_node_get(NULL, "x"));
	cr_assert_null(tmdk_node_at(NULL, 0));
	cr_assert_null(tmdk_node_text(NULL, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(tmdk_node_line(NULL), 0);
	cr_assert_null(tmdk_node_path(NULL, "a"));
	cr_assert_null(tmdk_node_tag(NULL));
	cr_assert_eq(tmdk_node_as_int(NULL, &i), TMDK_EINVAL);
	cr_assert_eq(tmdk_node_text_equals(NULL, "x"), 0);
}

Test(node, path_lookup_handles_indexes_quotes_and_errors)
{
	const tmdk_node *root = sample_tree();
	cr_assert_str_eq(tmdk_node_text(tmdk_node_path(root, "spec.containers[0].image"), NULL), "nginx");
	cr_assert_str_eq(tmdk_node_text(tmdk_node_path(root, "spec.containers[-1].name"), NULL), "b");
	cr_assert_str_eq(tmdk_node_text(tmdk_node_path(root, "[\"a.b\"]"), NULL), "1");
	cr_assert_str_eq(tmdk_node_text(tmdk_node_path(root, "['a.b']"), NULL), "1");
	cr_assert_eq(tmdk_node_path(root, ""), root);
	cr_assert_null(tmdk_node_path(root, "spec.containers[2]"));
	cr_assert_null(tmdk_node_path(root, "spec.containers[-3]"));
	cr_assert_null(tmdk_node_path(root, "spec.containers[x]"));
	cr_assert_null(tmdk_node_path(root, "spec.containers[0"));
	cr_assert_null(tmdk_node_path(root, "spec..containers"));
	cr_assert_null(tmdk_node_path(root, "spec."));
	cr_assert_null(tmdk_node_path(root, "spec[0]"), "index into a map");
	cr_assert_null(tmdk_node_path(root, "[\"a.b"));
	cr_assert_null(tmdk_node_path(root, "nope.x"));
}

Test(node, map_put_replaces_existing_keys)
{
	tmdk_node *m = tmdk__node_map(&arena, 1, 1);
	cr_assert_eq(tmdk__node_map_put(&arena, m, "k", tmdk__node_string(&arena, "one", 1, 4)), TMDK_OK);
	cr_assert_eq(tmdk__node_map_put(&arena, m, "k", tmdk__node_string(&arena, "two", 2, 4)), TMDK_OK);
	cr_assert_eq(tmdk_node_size(m), 1);
	cr_assert(tmdk_node_text_equals(tmdk_node_get(m, "k"), "two"));
	cr_assert_eq(tmdk__node_map_find(m, "zz", 2), -1);
}

Test(node, many_entries_grow_correctly)
{
	tmdk_node *m = tmdk__node_map(&arena, 1, 1);
	tmdk_node *s = tmdk__node_seq(&arena, 1, 1);
	char key[32];
	int i;
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(tmdk__node_map_append(&arena, m, tmdk__node_string(&arena, key, 1, 1),
			tmdk__node_int(&arena, i, 1, 1)), TMDK_OK);
		cr_assert_eq(tmdk__node_seq_push(&arena, s, tmdk__node_int(&arena, -i, 1, 1)), TMDK_OK);
	}
	cr_assert_eq(tmdk_node_size(m), 3000);
	cr_assert(tmdk_node_text_equals(tmdk_node_get(m, "k2999"), "2999"));
	cr_assert(tmdk_node_text_equals(tmdk_node_at(s, 1234), "-1234"));
}

struct resolve_case { char text[24]; tmdk_scalar_type type; };

Test(node, scalar_resolution_follows_the_core_schema)
{
	static const struct resolve_case cases[] = {
		{ "", TMDK_SCALAR_NULL }, { "~", TMDK_SCALAR_NULL }, { "null", TMDK_SCALAR_NULL },
		{ "NULL", TMDK_SCALAR_NULL }, { "true", TMDK_SCALAR_BOOL }, { "False", TMDK_SCALAR_BOOL },
		{ "yes", TMDK_SCALAR_STRING }, { "on", TMDK_SCALAR_STRING }, { "0", TMDK_SCALAR_INT },
		{ "-12", TMDK_SCALAR_INT }, { "+7", TMDK_SCALAR_INT }, { "0x1F", TMDK_SCALAR_INT },
		{ "0o17", TMDK_SCALAR_INT }, { "0o19", TMDK_SCALAR_STRING }, { "1.5", TMDK_SCALAR_FLOAT },
		{ "-1e3", TMDK_SCALAR_FLOAT }, { ".5", TMDK_SCALAR_FLOAT }, { "1e", TMDK_SCALAR_STRING },
		{ ".inf", TMDK_SCALAR_FLOAT }, { "-.Inf", TMDK_SCALAR_FLOAT }, { ".nan", TMDK_SCALAR_FLOAT },
		{ "1.2.3", TMDK_SCALAR_STRING }, { "-", TMDK_SCALAR_STRING }, { "nginx", TMDK_SCALAR_STRING },
		{ "0x", TMDK_SCALAR_STRING }, { "12abc", TMDK_SCALAR_STRING },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(tmdk__scalar_resolve(cases[i].text, strlen(cases[i].text)), cases[i].type,
			"'%s' resolves to %d, expected %d", cases[i].text,
			tmdk__scalar_resolve(cases[i].text, strlen(cases[i].text)), cases[i].type);
}

Test(node, typed_accessors_convert_or_refuse)
{
	long long i;
	double d;
	int b;
	cr_assert_eq(tmdk_node_as_int(tmdk__node_plain(&arena, "0x1F", 4, 1, 1), &i), TMDK_OK);
	cr_assert_eq(i, 31);
	cr_assert_eq(tmdk_node_as_int(tmdk__node_plain(&arena, "0o17", 4, 1, 1), &i), TMDK_OK);
	cr_assert_eq(i, 15);
	cr_assert_eq(tmdk_node_as_int(tmdk__node_plain(&arena, "99999999999999999999", 20, 1, 1), &i), TMDK_EINVAL,
		"overflow is refused");
	cr_assert_eq(tmdk_node_as_int(tmdk__node_plain(&arena, "1.5", 3, 1, 1), &i), TMDK_EINVAL);
	cr_assert_eq(tmdk_node_as_double(tmdk__node_plain(&arena, "1.5", 3, 1, 1), &d), TMDK_OK);
	cr_assert_float_eq(d, 1.5, 1e-9);
	cr_assert_eq(tmdk_node_as_double(tmdk__node_plain(&arena, "42", 2, 1, 1), &d), TMDK_OK);
	cr_assert_float_eq(d, 42.0, 1e-9);
	cr_assert_eq(tmdk_node_as_double(tmdk__node_plain(&arena, "-.inf", 5, 1, 1), &d), TMDK_OK);
	cr_assert(isinf(d) && d < 0);
	cr_assert_eq(tmdk_node_as_double(tmdk__node_plain(&arena, ".nan", 4, 1, 1), &d), TMDK_OK);
	cr_assert(isnan(d));
	cr_assert_eq(tmdk_node_as_double(tmdk__node_string(&arena, "x", 1, 1), &d), TMDK_EINVAL);
	cr_assert_eq(tmdk_node_as_bool(tmdk__node_plain(&arena, "TRUE", 4, 1, 1), &b), TMDK_OK);
	cr_assert_eq(b, 1);
	cr_assert_eq(tmdk_node_as_bool(tmdk__node_bool(&arena, 0, 1, 1), &b), TMDK_OK);
	cr_assert_eq(b, 0);
	cr_assert_eq(tmdk_node_as_bool(tmdk__node_string(&arena, "true", 1, 1), &b), TMDK_EINVAL,
		"a quoted \"true\" is a string");
	cr_assert_eq(tmdk_node_scalar_type(tmdk__node_null(&arena, 1, 1)), TMDK_SCALAR_NULL);
}

/* Text shorter than the node's inline room is kept in the node, longer text
 * in the arena; either way a copy ending in NUL. A node assigned by value
 * reads its own copy. */
Test(node, short_scalars_live_in_their_node)
{
	static const char source[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static const size_t lengths[] = { 0, 1, 14, 15, 16, 17, 36 };
	size_t i;
	tmdk_node copy;

	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i];
		const tmdk_node *n = tmdk__node_scalar(&arena, source, len, TMDK_SCALAR_STRING, 1, 1);
		const char *t = n->u.scalar.text;
		int inside = t >= (const char *)n && t < (const char *)(n + 1);
		cr_assert_eq(n->u.scalar.len, len);
		cr_assert_eq(memcmp(t, source, len), 0);
		cr_assert_eq(t[len], '\0');
		cr_assert_eq(inside, len < sizeof(n->u.scalar.inl), "length %zu kept %s the node", len,
			inside ? "in" : "out of");
		tmdk__node_assign(&copy, n);
		cr_assert_eq(copy.u.scalar.text == copy.u.scalar.inl, inside);
		cr_assert_eq(memcmp(copy.u.scalar.text, source, len), 0);
	}
}

Test(node, scalars_may_hold_nul_bytes)
{
	size_t len;
	const tmdk_node *n = tmdk__node_scalar(&arena, "a\0b", 3, TMDK_SCALAR_STRING, 1, 1);
	const char *t = tmdk_node_text(n, &len);
	cr_assert_eq(len, 3);
	cr_assert_eq(t[2], 'b');
	cr_assert_eq(tmdk_node_text_equals(n, "a"), 0);
}

/* ---- artifacts ------------------------------------------------------------ */

Test(artifact, unknown_file_types_are_skipped_without_error)
{
	tmdk_artifact *a = parse_as("README.md", "# Title\nsome: text\n", TMDK_KIND_AUTO);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_UNKNOWN);
	cr_assert_eq(tmdk_artifact_document_count(a), 0);
	cr_assert_str_eq(tmdk_artifact_name(a), "README.md");
	tmdk_artifact_free(a);
}

Test(artifact, lines_are_indexed_without_their_endings)
{
	tmdk_artifact *a = parse_as("notes.txt.md", "one\r\ntwo\n\nfour", TMDK_KIND_AUTO);
	size_t len;
	const char *line;
	cr_assert_eq(tmdk_artifact_line_count(a), 4);
	line = tmdk_artifact_line(a, 1, &len);
	cr_assert_eq(len, 3, "CR is not part of the line");
	cr_assert_eq(strncmp(line, "one", len), 0);
	tmdk_artifact_line(a, 3, &len);
	cr_assert_eq(len, 0);
	line = tmdk_artifact_line(a, 4, &len);
	cr_assert_eq(len, 4);
	cr_assert_eq(strncmp(line, "four", 4), 0);
	cr_assert_null(tmdk_artifact_line(a, 0, NULL));
	cr_assert_null(tmdk_artifact_line(a, 5, NULL));
	cr_assert_null(tmdk_artifact_line_comment(a, 1));
	cr_assert_null(tmdk_artifact_warning(a, 0, NULL, NULL));
	tmdk_artifact_free(a);
}

/* The line breaks are counted sixteen bytes at a time in byte-wide
 * counters that are summed before they wrap (every 255 blocks): a text of
 * line breaks only fills every counter to the brim. */
Test(artifact, line_breaks_are_counted_past_a_byte_counter)
{
	size_t breaks = 255 * 16 * 3 + 37, len;
	char *text = malloc(breaks + 3);
	tmdk_artifact *a;
	const char *line;

	cr_assert_not_null(text);
	memset(text, '\n', breaks);
	memcpy(text + breaks, "xy", 3);
	a = parse_as("many.md", text, TMDK_KIND_AUTO);
	cr_assert_eq(tmdk_artifact_line_count(a), breaks + 1);
	cr_assert(a->plain_ascii);
	line = tmdk_artifact_line(a, (unsigned int)breaks + 1, &len);
	cr_assert_eq(len, 2);
	cr_assert_eq(strncmp(line, "xy", 2), 0);
	tmdk_artifact_free(a);
	/* a byte that is not plain ASCII, past the first counters' run */
	text[255 * 16 * 2 + 5] = (char)0xC3;
	a = parse_as("many.md", text, TMDK_KIND_AUTO);
	cr_assert_eq(tmdk_artifact_line_count(a), breaks);
	cr_assert_not(a->plain_ascii);
	tmdk_artifact_free(a);
	free(text);
}

Test(artifact, empty_input_has_no_lines)
{
	tmdk_artifact *a = parse_as("x.md", "", TMDK_KIND_AUTO);
	cr_assert_eq(tmdk_artifact_line_count(a), 0);
	tmdk_artifact_free(a);
}

Test(artifact, invalid_arguments_are_refused)
{
	tmdk_artifact *a;
	tmdk_error err;
	cr_assert_eq(tmdk_artifact_parse_buffer(NULL, "x", "a", 1, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "x", NULL, 1, NULL, &err), TMDK_EINVAL);
	cr_assert_null(a);
	cr_assert_eq(tmdk_artifact_parse_file(&a, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_artifact_kind(NULL), TMDK_KIND_UNKNOWN);
	cr_assert_eq(tmdk_artifact_document_count(NULL), 0);
	cr_assert_null(tmdk_artifact_document(NULL, 0));
	cr_assert_null(tmdk_document_root(NULL));
	cr_assert_eq(tmdk_document_item_index(NULL), -1);
	tmdk_artifact_free(NULL);
}

Test(artifact, missing_files_and_folders_are_io_errors)
{
	tmdk_artifact *a;
	tmdk_error err;
	cr_assert_eq(tmdk_artifact_parse_file(&a, "/nonexistent/Dockerfile", NULL, &err), TMDK_EIO);
	cr_assert_null(a);
	cr_assert_str_eq(err.source, "/nonexistent/Dockerfile");
	cr_assert(strstr(err.message, "cannot open"), "message: %s", err.message);
	cr_assert_eq(tmdk_artifact_parse_file(&a, "/", NULL, &err), TMDK_EIO);
	cr_assert(strstr(err.message, "directory"), "message: %s", err.message);
}

/* A file that opens but cannot be read: /proc/self/mem at offset 0 (an
 * address nothing maps) reads EIO on Linux. */
Test(artifact, unreadable_files_are_read_errors)
{
	tmdk_artifact *a;
	tmdk_error err;
	if (access("/proc/self/mem", R_OK) != 0)
		cr_skip_test("no /proc/self/mem here");
	cr_assert_eq(tmdk_artifact_parse_file(&a, "/proc/self/mem", NULL, &err), TMDK_EIO);
	cr_assert_null(a);
	cr_assert_str_eq(err.source, "/proc/self/mem");
	cr_assert(strstr(err.message, "read error: "), "message: %s", err.message);
}

Test(artifact, file_size_limit_is_enforced_while_reading)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a;
	tmdk_error err;
	char path[] = "/tmp/tmdk-test-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("apiVersion: v1\nkind: Pod\n", f);
	fclose(f);
	o.max_input_bytes = 10;
	cr_assert_eq(tmdk_artifact_parse_file(&a, path, &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_input_bytes"), "message: %s", err.message);
	unlink(path);
}
