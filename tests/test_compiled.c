/*
 * Compiled catalogs (tmdk_catalog_save, tmdk_catalog_load_compiled, the
 * precompiled built-in catalog): a saved and loaded catalog finds exactly
 * what the catalog compiled from YAML finds, on the fixtures and the corpus;
 * saving is stable; and every way a compiled catalog can be wrong (magic,
 * format version, library version, checksum, sizes, counts, enum values,
 * scopes, truncation at every offset, any byte changed) is a TMDK error,
 * never a crash.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_helpers.h"
#include "catalog_format.h"
#include "catalog_load.h"

/* ---- helpers ----------------------------------------------------------------- */

typedef struct text {
	char *p;
	size_t len, cap;
} text;

static void text_add(text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		cr_assert_not_null(t->p);
	}
	memcpy(t->p + t->len, s, n + 1);
	t->len += n;
}

static int fingerprint(const tmdk_finding *f, void *payload)
{
	char line[8192];
	snprintf(line, sizeof(line), "%s|%s|%zu|%u:%u|%s|%s\n", tmdk_pattern_id(tmdk_finding_pattern(f)),
		tmdk_finding_path(f) ? tmdk_finding_path(f) : "", tmdk_finding_document(f), tmdk_finding_line(f),
		tmdk_finding_column(f), tmdk_finding_message(f) ? tmdk_finding_message(f) : "",
		tmdk_finding_evidence(f) ? tmdk_finding_evidence(f) : "");
	text_add(payload, line);
	return 0;
}

static tmdk_catalog *compile_patterns_folder(void)
{
	const char *src = getenv("TMDK_SRCDIR");
	char path[4096];
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	snprintf(path, sizeof(path), "%s/patterns", src ? src : ".");
	o.flags = TMDK_COMPILE_KEEP_EXAMPLES;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_path(c, path, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_OK, "%s", err.message);
	tmdk_compiler_free(c);
	return cat;
}

static tmdk_catalog *round_trip(const tmdk_catalog *cat)
{
	void *data;
	size_t len;
	tmdk_catalog *out;
	tmdk_error err;
	cr_assert_eq(tmdk_catalog_save(&data, &len, cat, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_catalog_load_compiled(&out, data, len, NULL, &err), TMDK_OK, "%s", err.message);
	tmdk_catalog_save_free(data);
	return out;
}

/* The files to scan, collected by nftw. */
static char **files;
static size_t file_count, file_cap;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (file_count == file_cap) {
		file_cap = file_cap * 2 + 64;
		files = realloc(files, file_cap * sizeof(*files));
		cr_assert_not_null(files);
	}
	files[file_count++] = strdup(path);
	return 0;
}

static void free_files(void)
{
	size_t i;
	for (i = 0; i < file_count; i++)
		free(files[i]);
	free(files);
	files = NULL;
	file_count = file_cap = 0;
}

/* Findings of every catalog on every file that parses: all the same. */
static void assert_same_findings(tmdk_catalog **cats, size_t n, const char *root)
{
	size_t i, k, scanned = 0;
	text *t = calloc(n, sizeof(*t));
	cr_assert_eq(nftw(root, collect, 16, FTW_PHYS), 0, "cannot walk %s", root);
	for (i = 0; i < file_count; i++) {
		tmdk_artifact *a;
		tmdk_error err;
		if (tmdk_artifact_parse_file(&a, files[i], NULL, &err) != TMDK_OK)
			continue;
		scanned++;
		for (k = 0; k < n; k++) {
			text_add(&t[k], files[i]);
			text_add(&t[k], "\n");
			tmdk_catalog_scan(cats[k], a, NULL, fingerprint, &t[k], &err);
		}
		tmdk_artifact_free(a);
	}
	cr_assert_gt(scanned, 0, "nothing scanned under %s", root);
	cr_assert_not_null(t[0].p);
	cr_assert(strchr(t[0].p, '|') != NULL, "no findings at all under %s: the comparison would be vacuous", root);
	for (k = 1; k < n; k++)
		cr_assert(t[k].len == t[0].len && memcmp(t[k].p, t[0].p, t[0].len) == 0,
			"catalog %zu finds differently under %s", k, root);
	fprintf(stderr, "compiled: %zu files scanned under %s, %zu bytes of findings, identical for %zu catalogs\n",
		scanned, root, t[0].len, n);
	for (k = 0; k < n; k++)
		free(t[k].p);
	free(t);
	free_files();
}

/* ---- round trips ---------------------------------------------------------------- */

/* No .timeout (it runs in a second): Criterion 2.4 leaks a record when two
 * timed tests overlap, which LeakSanitizer reports in the ASan build. */
Test(compiled, round_trip_finds_what_the_yaml_catalog_finds_on_the_fixtures)
{
	tmdk_catalog *cats[3];
	tmdk_error err;
	cats[0] = compile_patterns_folder();
	cats[1] = round_trip(cats[0]);
	cr_assert_eq(tmdk_catalog_load_builtin(&cats[2], &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_catalog_pattern_count(cats[1]), tmdk_catalog_pattern_count(cats[0]));
	cr_assert_eq(tmdk_catalog_pattern_count(cats[2]), tmdk_catalog_pattern_count(cats[0]));
	/* The derived structures are rebuilt the same way. */
	cr_assert_eq(cats[1]->set_slot_count, cats[0]->set_slot_count);
	cr_assert_eq(cats[1]->plan_slot_count, cats[0]->plan_slot_count);
	cr_assert_eq(cats[2]->plan_slot_count, cats[0]->plan_slot_count);
	cr_assert_gt(cats[0]->plan_slot_count, 0);
	assert_same_findings(cats, 3, getenv("TMDK_TEST_DATA") ? getenv("TMDK_TEST_DATA") : "tests/fixtures");
	tmdk_catalog_free(cats[0]);
	tmdk_catalog_free(cats[1]);
	tmdk_catalog_free(cats[2]);
}

Test(compiled, round_trip_finds_what_the_yaml_catalog_finds_on_the_corpus, .timeout = 600)
{
	tmdk_catalog *cats[2];
	if (!corpus_dir())
		cr_skip_test("corpus not found: set TMDK_CORPUS to ../shared/corpus");
	cats[0] = compile_patterns_folder();
	cats[1] = round_trip(cats[0]);
	assert_same_findings(cats, 2, corpus_dir());
	tmdk_catalog_free(cats[0]);
	tmdk_catalog_free(cats[1]);
}

Test(compiled, every_field_of_every_pattern_survives)
{
	tmdk_catalog *a = compile_patterns_folder(), *b = round_trip(a);
	size_t i, j;
	for (i = 0; i < tmdk_catalog_pattern_count(a); i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(a, i), *q = tmdk_catalog_pattern(b, i);
		cr_assert_str_eq(tmdk_pattern_id(p), tmdk_pattern_id(q));
		cr_assert_str_eq(tmdk_pattern_title(p), tmdk_pattern_title(q));
		cr_assert_str_eq(tmdk_pattern_description(p), tmdk_pattern_description(q));
		cr_assert_str_eq(tmdk_pattern_mitigation(p), tmdk_pattern_mitigation(q));
		cr_assert_str_eq(tmdk_pattern_message(p), tmdk_pattern_message(q));
		cr_assert_str_eq(tmdk_pattern_file(p), tmdk_pattern_file(q));
		cr_assert_eq(tmdk_pattern_line(p), tmdk_pattern_line(q));
		cr_assert_eq(tmdk_pattern_risk(p), tmdk_pattern_risk(q));
		cr_assert_eq(tmdk_pattern_question(p), tmdk_pattern_question(q));
		cr_assert_eq(tmdk_pattern_severity(p), tmdk_pattern_severity(q));
		cr_assert_eq(p->kinds, q->kinds);
		cr_assert_eq(tmdk_pattern_stride_count(p), tmdk_pattern_stride_count(q));
		cr_assert_eq(tmdk_pattern_reference_count(p), tmdk_pattern_reference_count(q));
		for (j = 0; j < tmdk_pattern_reference_count(p); j++) {
			const tmdk_reference *r = tmdk_pattern_reference(p, j), *s = tmdk_pattern_reference(q, j);
			cr_assert_str_eq(r->type, s->type);
			cr_assert((r->url == NULL) == (s->url == NULL));
			cr_assert((r->benchmark == NULL) == (s->benchmark == NULL));
		}
		cr_assert_eq(tmdk_pattern_example_count(p), tmdk_pattern_example_count(q));
		for (j = 0; j < tmdk_pattern_example_count(p); j++) {
			cr_assert_str_eq(tmdk_pattern_example(p, j)->content, tmdk_pattern_example(q, j)->content);
			cr_assert_eq(tmdk_pattern_example(p, j)->positive, tmdk_pattern_example(q, j)->positive);
			cr_assert_eq(tmdk_pattern_example(p, j)->line, tmdk_pattern_example(q, j)->line);
		}
		cr_assert_str_eq(tmdk_pattern_catalog_name(p), tmdk_pattern_catalog_name(q));
	}
	tmdk_catalog_free(a);
	tmdk_catalog_free(b);
}

Test(compiled, saving_a_loaded_catalog_gives_the_same_bytes)
{
	tmdk_catalog *a = compile_patterns_folder(), *b;
	void *d1, *d2;
	size_t l1, l2;
	tmdk_error err;
	cr_assert_eq(tmdk_catalog_save(&d1, &l1, a, &err), TMDK_OK);
	cr_assert_eq(tmdk_catalog_load_compiled(&b, d1, l1, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_catalog_save(&d2, &l2, b, &err), TMDK_OK);
	cr_assert_eq(l1, l2);
	cr_assert(memcmp(d1, d2, l1) == 0);
	tmdk_catalog_save_free(d1);
	tmdk_catalog_save_free(d2);
	tmdk_catalog_free(a);
	tmdk_catalog_free(b);
}

Test(compiled, the_builtin_catalog_is_precompiled_and_keeps_examples_on_request)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *lean, *full;
	tmdk_error err;
	const tmdk_pattern *p;
	cr_assert_gt(tmdk__builtin_compiled_len, TMDK__CATFMT_HEADER_SIZE);
	cr_assert_eq(tmdk_catalog_load_builtin(&lean, &err), TMDK_OK);
	o.flags = TMDK_COMPILE_KEEP_EXAMPLES;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_builtin(c, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&full, c, &err), TMDK_OK);
	tmdk_compiler_free(c);
	p = tmdk_catalog_find(full, "TMDK-K8S-001");
	cr_assert_not_null(p);
	cr_assert_gt(tmdk_pattern_example_count(p), 0);
	cr_assert_eq(tmdk_pattern_example_count(tmdk_catalog_find(lean, "TMDK-K8S-001")), 0);
	/* Positions read as from the YAML sources. */
	cr_assert(strncmp(tmdk_pattern_file(p), "patterns/", 9) == 0, "%s", tmdk_pattern_file(p));
	cr_assert_gt(tmdk_pattern_line(p), 1);
	tmdk_catalog_free(lean);
	tmdk_catalog_free(full);
}

Test(compiled, the_builtin_catalog_and_a_file_catalog_mix_and_clash)
{
	static const char dup[] = CATALOG_HEADER
		"  - {id: TMDK-K8S-001, title: t, question: what-are-we-going-to-do, risk: privilege-escalation,\n"
		"     severity: high, description: d, mitigation: m, applies-to: [kubernetes],\n"
		"     match: {path: kind, exists: true}, message: m}\n";
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_builtin(c, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "mine.yaml", dup, strlen(dup), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert(strstr(err.message, "duplicate pattern id 'TMDK-K8S-001'"), "%s", err.message);
	tmdk_compiler_free(c);
}

/* ---- a small catalog, and its ways to be wrong ------------------------------------------- */

static const char small[] = CATALOG_HEADER
	"  - id: SMALL-001\n"
	"    title: small\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: privilege-escalation\n"
	"    severity: high\n"
	"    stride: [elevation-of-privilege]\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    references: [{url: 'https://example.com', title: ex}]\n"
	"    applies-to: [kubernetes]\n"
	"    match:\n"
	"      for-each: $doc.containers[?name =~ \"^we\"]\n"
	"      as: c\n"
	"      where:\n"
	"        all:\n"
	"          - {path: image, matches: 'zzimage[0-9]+'}\n"
	"          - {some: '$set[*]', where: {path: kind, same-as: $doc.kind}}\n"
	"    message: \"{$c.name} runs {$match}\"\n"
	"    examples:\n"
	"      - {kind: kubernetes, expect: positive, content: \"kind: Pod\\nspec: {containers: [{name: web, image: zzimage1}]}\\n\"}\n"
	"      - {kind: kubernetes, expect: negative, content: \"kind: Pod\\nspec: {containers: [{name: web, image: nginx}]}\\n\"}\n";

static const char small_doc[] = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: web, image: zzimage1}]}\n";

static unsigned char *blob_of(const char *yaml, unsigned int flags, size_t *len)
{
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(yaml, flags, &c, &err);
	void *data;
	unsigned char *copy;
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat, "%s", err.message);
	tmdk_compiler_free(c);
	cr_assert_eq(tmdk_catalog_save(&data, len, cat, &err), TMDK_OK);
	copy = malloc(*len);
	memcpy(copy, data, *len);
	tmdk_catalog_save_free(data);
	tmdk_catalog_free(cat);
	return copy;
}

static unsigned char *small_blob(size_t *len)
{
	return blob_of(small, TMDK_COMPILE_CHECK_EXAMPLES | TMDK_COMPILE_STRICT, len);
}

static void put32(unsigned char *b, unsigned long v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

/* Make the header agree with a changed payload: size and checksum. */
static void reseal(unsigned char *b, size_t len)
{
	unsigned long long sum = tmdk__fnv1a64(b + TMDK__CATFMT_HEADER_SIZE, len - TMDK__CATFMT_HEADER_SIZE);
	put32(b + 32, (unsigned long)(len - TMDK__CATFMT_HEADER_SIZE));
	put32(b + 36, 0);
	put32(b + 40, (unsigned long)(sum & 0xffffffffu));
	put32(b + 44, (unsigned long)(sum >> 32));
}

static size_t find(const unsigned char *b, size_t len, const char *s)
{
	size_t i, n = strlen(s);
	for (i = 0; i + n <= len; i++)
		if (memcmp(b + i, s, n) == 0)
			return i;
	cr_assert_fail("'%s' not in the compiled catalog", s);
	return 0;
}

/* Load; the result must be `code`, with `needle` in the message (when given). */
static void expect(const unsigned char *b, size_t len, int code, const char *needle)
{
	tmdk_catalog *cat = (tmdk_catalog *)1;
	tmdk_error err;
	int rc = tmdk_catalog_load_compiled(&cat, b, len, NULL, &err);
	cr_assert_eq(rc, code, "rc %d (%s), expected %d", rc, err.message, code);
	if (code != TMDK_OK) {
		cr_assert_null(cat);
		cr_assert_eq(err.code, code);
	}
	if (needle)
		cr_assert(strstr(err.message, needle), "'%s' not in: %s", needle, err.message);
	tmdk_catalog_free(code == TMDK_OK ? cat : NULL);
}

Test(compiled, a_small_catalog_loads_and_finds)
{
	size_t len;
	unsigned char *b = small_blob(&len);
	tmdk_catalog *cat;
	tmdk_findings *list;
	tmdk_error err;
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, b, len, NULL, &err), TMDK_OK, "%s", err.message);
	free(b); /* the catalog has its own copy */
	list = scan_text(cat, TMDK_KIND_KUBERNETES, "pod.yaml", small_doc);
	cr_assert_eq(tmdk_findings_count(list), 1);
	cr_assert_str_eq(tmdk_finding_message(tmdk_findings_at(list, 0)), "web runs zzimage1");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(compiled, a_wrong_header_is_a_format_error)
{
	size_t len;
	unsigned char *b = small_blob(&len);
	b[0] ^= 1;
	expect(b, len, TMDK_EFORMAT, "bad magic at offset 0");
	b[0] ^= 1;
	b[8] = 2;
	expect(b, len, TMDK_EFORMAT, "format version 2 at offset 8");
	b[8] = TMDK__CATFMT_VERSION;
	b[12] = 65;
	expect(b, len, TMDK_EFORMAT, "header size 65 at offset 12");
	b[12] = TMDK__CATFMT_HEADER_SIZE;
	memcpy(b + 16, "0.0.1-foreign\0\0\0", 16);
	expect(b, len, TMDK_EFORMAT, "written by libtmdk '0.0.1-foreign'");
	memset(b + 16, 0, 16);
	memcpy(b + 16, TMDK_VERSION, strlen(TMDK_VERSION));
	b[31] = 'x';
	expect(b, len, TMDK_EFORMAT, "not NUL-padded at offset 31");
	b[31] = 0;
	b[len - 1] ^= 0x40;
	expect(b, len, TMDK_EFORMAT, "checksum mismatch (offset 40)");
	b[len - 1] ^= 0x40;
	b[52] = 1;
	expect(b, len, TMDK_EFORMAT, "unknown flags 0x1 at offset 52");
	b[52] = 0;
	b[60] = 1;
	expect(b, len, TMDK_EFORMAT, "reserved field not zero at offset 56");
	b[60] = 0;
	expect(b, len, TMDK_OK, NULL);
	free(b);
}

Test(compiled, truncation_at_every_offset_is_a_format_error)
{
	size_t len, n;
	unsigned char *b = small_blob(&len), *t = malloc(len);
	for (n = 0; n < len; n++) {
		memcpy(t, b, n);
		expect(t, n, TMDK_EFORMAT, "compiled catalog: ");
		/* The same with a header that agrees: the payload reader sees the cut. */
		if (n >= TMDK__CATFMT_HEADER_SIZE) {
			reseal(t, n);
			expect(t, n, TMDK_EFORMAT, n == TMDK__CATFMT_HEADER_SIZE ? "truncated: 0 of 1 patterns" : " at offset ");
		}
	}
	/* and one byte too many */
	t = realloc(t, len + 1);
	memcpy(t, b, len);
	t[len] = 0;
	expect(t, len + 1, TMDK_EFORMAT, "truncated or padded");
	reseal(t, len + 1);
	expect(t, len + 1, TMDK_EFORMAT, "1 bytes left after the last pattern");
	free(t);
	free(b);
}

Test(compiled, oversize_counts_and_sizes_are_format_errors)
{
	size_t len, at;
	unsigned char *b = small_blob(&len);
	/* patterns in the header: over max_patterns, or more than there are */
	put32(b + 48, 1000000);
	expect(b, len, TMDK_ELIMIT, "max_patterns");
	put32(b + 48, 2);
	expect(b, len, TMDK_EFORMAT, "truncated: 1 of 2 patterns");
	put32(b + 48, 1);
	/* the first string's size (the id), past the end */
	put32(b + 64, 0x7ffffff0);
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "pattern id of 2147483632 bytes runs past the end at offset 64");
	put32(b + 64, 9);
	/* the STRIDE list's count: 5 strings and 3 numbers in */
	at = find(b, len, "elevation-of-privilege") - 8;
	put32(b + at, 0xfffffff0);
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "STRIDE category count 4294967280 is more than the");
	put32(b + at, 1);
	reseal(b, len);
	expect(b, len, TMDK_OK, NULL);
	free(b);
}

Test(compiled, bad_values_inside_are_format_errors)
{
	size_t len, sel;
	unsigned char *b = small_blob(&len);
	/* the for-each selector: root, scope, then its text */
	sel = find(b, len, "$doc.containers[?name") - 12;
	put32(b + sel, 99);
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "selector root 99 out of range");
	put32(b + sel, TMDK__ROOT_SCOPE);
	put32(b + sel + 4, 3);
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "selector scope 3 deeper than the 0 scopes open there");
	put32(b + sel + 4, 0);
	/* the STRIDE category's text */
	b[find(b, len, "elevation-of-privilege")] = 'E';
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "unknown STRIDE category 'Elevation-of-privilege'");
	b[find(b, len, "Elevation-of-privilege")] = 'e';
	/* a string's NUL */
	b[find(b, len, "SMALL-001") + 9] = 'x';
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "pattern id not NUL-terminated at offset 77");
	b[find(b, len, "SMALL-001") + 9] = 0;
	reseal(b, len);
	expect(b, len, TMDK_OK, NULL);
	free(b);
}

/* Ids the YAML compiler refuses are refused in a compiled catalog too, at
 * the offset of the pattern: two patterns with one id, and an id of the
 * library's own patterns (found by fuzz-compiled). */
Test(compiled, a_duplicate_or_library_pattern_id_is_a_format_error_at_its_offset)
{
	static const char two[] = CATALOG_HEADER
		"  - {id: PAIR-001, title: t, question: what-are-we-going-to-do, risk: privilege-escalation,\n"
		"     severity: high, description: d, mitigation: m, applies-to: [kubernetes],\n"
		"     match: {path: kind, exists: true}, message: m}\n"
		"  - {id: PAIR-002, title: t, question: what-are-we-going-to-do, risk: privilege-escalation,\n"
		"     severity: high, description: d, mitigation: m, applies-to: [kubernetes],\n"
		"     match: {path: kind, exists: true}, message: m}\n"
		"  - {id: TMDK-MXTA-001, title: t, question: what-are-we-going-to-do, risk: privilege-escalation,\n"
		"     severity: high, description: d, mitigation: m, applies-to: [kubernetes],\n"
		"     match: {path: kind, exists: true}, message: m}\n";
	size_t len, first, second, meta;
	char needle[128];
	unsigned char *b = blob_of(two, 0, &len);
	expect(b, len, TMDK_OK, NULL);
	/* each pattern starts with its id's length (u32), then the id */
	first = find(b, len, "PAIR-001") - 4;
	second = find(b, len, "PAIR-002") - 4;
	meta = find(b, len, "TMDK-MXTA-001") - 4;
	b[second + 4 + 7] = '1';
	reseal(b, len);
	snprintf(needle, sizeof(needle), "pattern id 'PAIR-001' twice (first at offset %zu) at offset %zu", first, second);
	expect(b, len, TMDK_EFORMAT, needle);
	b[second + 4 + 7] = '2';
	b[meta + 4 + 6] = 'E';
	reseal(b, len);
	snprintf(needle, sizeof(needle), "pattern id 'TMDK-META-001' is one of the library's own patterns at offset %zu",
		meta);
	expect(b, len, TMDK_EFORMAT, needle);
	b[meta + 4 + 6] = 'X';
	reseal(b, len);
	expect(b, len, TMDK_OK, NULL);
	free(b);
}

/* Every selector root the language has is stored and read back; one past
 * the last is refused. Generic over the enum: a new root needs no change
 * here, only TMDK__ROOT_LAST in step (catalog_int.h). */
Test(compiled, every_selector_root_loads_and_one_past_the_last_does_not)
{
	size_t len, sel;
	unsigned char *b = small_blob(&len);
	int root;
	sel = find(b, len, "$doc.containers[?name") - 12;
	for (root = 0; root <= TMDK__ROOT_LAST; root++) {
		put32(b + sel, (unsigned long)root);
		reseal(b, len);
		expect(b, len, TMDK_OK, NULL);
	}
	put32(b + sel, TMDK__ROOT_LAST + 1);
	reseal(b, len);
	expect(b, len, TMDK_EFORMAT, "selector root");
	free(b);
}

Test(compiled, model_and_facts_selectors_round_trip)
{
	static const char yaml[] = CATALOG_HEADER
		"  - {id: MODEL-001, title: t, question: what-are-we-going-to-do, risk: privilege-escalation,\n"
		"     severity: high, description: d, mitigation: m, applies-to: [kubernetes],\n"
		"     match: {all: [{path: $facts.rbac.can.read_secrets, truthy: true}, {path: '$model.*', exists: true}]},\n"
		"     message: 'reads secrets: {$facts.rbac.can.read_secrets}'}\n";
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *a = compile_text_flags(yaml, 0, &c, &err), *b;
	const tmdk__cond *wa, *wb;
	if (!a)
		dump_diagnostics(c);
	cr_assert_not_null(a, "%s", err.message);
	tmdk_compiler_free(c);
	b = round_trip(a);
	wa = tmdk_catalog_find(a, "MODEL-001")->match->where;
	wb = tmdk_catalog_find(b, "MODEL-001")->match->where;
	cr_assert_eq(wa->children[0]->sel->root, TMDK__ROOT_FACTS);
	cr_assert_eq(wb->children[0]->sel->root, TMDK__ROOT_FACTS);
	cr_assert_eq(wb->children[1]->sel->root, TMDK__ROOT_MODEL);
	cr_assert_str_eq(wb->children[1]->sel->text, "$model.*");
	cr_assert_eq(tmdk_catalog_find(b, "MODEL-001")->message.parts[1].sel->root, TMDK__ROOT_FACTS);
	tmdk_catalog_free(a);
	tmdk_catalog_free(b);
}

Test(compiled, limits_and_arguments)
{
	size_t len;
	unsigned char *b = small_blob(&len);
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_catalog *cat;
	tmdk_error err;
	void *data;
	cr_assert_eq(tmdk_catalog_load_compiled(NULL, b, len, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, NULL, len, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_catalog_save(&data, NULL, NULL, &err), TMDK_EINVAL);
	o.version = 99;
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, b, len, &o, &err), TMDK_EINVAL);
	o.version = TMDK_COMPILE_OPTIONS_VERSION;
	o.max_catalog_bytes = len - 1;
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, b, len, &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_catalog_bytes"), "%s", err.message);
	o.max_catalog_bytes = 0;
	o.max_regex_length = 4;
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, b, len, &o, &err), TMDK_EFORMAT);
	cr_assert(strstr(err.message, "max_regex_length"), "%s", err.message);
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, "", 0, NULL, &err), TMDK_EFORMAT);
	tmdk_catalog_save_free(NULL);
	free(b);
}

/* A regex that does not compile can only come from a forged file (the
 * checksum is recomputed here): it loads, and the pattern stops on it with
 * the scanner's error for a regex that cannot match, like a limit. */
Test(compiled, a_forged_regex_stops_its_pattern_not_the_scan)
{
	size_t len;
	unsigned char *b = small_blob(&len);
	size_t value = find(b, len, "zzimage[0-9]+"), source; /* the value, then the regex source */
	tmdk_catalog *cat;
	tmdk_artifact *a = parse_as("pod.yaml", small_doc, TMDK_KIND_KUBERNETES);
	tmdk_findings *list = NULL;
	tmdk_error err;
	source = value + 14 + find(b + value + 14, len - value - 14, "zzimage[0-9]+");
	b[source + 7] = '('; /* zzimage(0-9]+: a parenthesis never closed */
	reseal(b, len);
	cr_assert_eq(tmdk_catalog_load_compiled(&cat, b, len, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "SMALL-001"), "%s", err.message);
	cr_assert_eq(tmdk_findings_count(list), 0);
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
	free(b);
}

/* Any one byte of the payload changed (checksum recomputed): an error or a
 * catalog that scans; never a crash (the sanitizer build checks memory). */
Test(compiled, any_byte_changed_is_an_error_or_a_catalog, .timeout = 300)
{
	static const unsigned char values[] = { 0x00, 0x01, 0x07, 0x7f, 0xff };
	size_t len, i, v, ok = 0, bad = 0;
	unsigned char *b = small_blob(&len), *t = malloc(len);
	for (i = TMDK__CATFMT_HEADER_SIZE; i < len; i++)
		for (v = 0; v < sizeof(values); v++) {
			tmdk_catalog *cat;
			tmdk_error err;
			int rc;
			if (b[i] == values[v])
				continue;
			memcpy(t, b, len);
			t[i] = values[v];
			reseal(t, len);
			rc = tmdk_catalog_load_compiled(&cat, t, len, NULL, &err);
			if (rc == TMDK_OK) {
				tmdk_artifact *a = parse_as("pod.yaml", small_doc, TMDK_KIND_KUBERNETES);
				tmdk_findings *list = NULL;
				cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
				rc = tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err);
				cr_assert(rc == TMDK_OK || rc == TMDK_ELIMIT, "byte %zu = %u: scan rc %d", i, values[v], rc);
				tmdk_findings_free(list);
				tmdk_artifact_free(a);
				tmdk_catalog_free(cat);
				ok++;
			} else {
				cr_assert(rc == TMDK_EFORMAT || rc == TMDK_ELIMIT, "byte %zu = %u: rc %d (%s)", i, values[v], rc,
					err.message);
				cr_assert(strstr(err.message, "offset") || strstr(err.message, "max_"), "%s", err.message);
				bad++;
			}
		}
	cr_assert_gt(ok, 0);
	cr_assert_gt(bad, 0);
	fprintf(stderr, "compiled: %zu changed catalogs refused, %zu loaded and scanned\n", bad, ok);
	free(t);
	free(b);
}
