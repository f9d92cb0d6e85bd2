/* The catalog compiler: the format, every diagnostic, examples, the catalog object. */
#include "catalog_helpers.h"

#include <sys/stat.h>

#define PATTERN(id, extra) \
	"  - id: " id "\n" \
	"    title: t\n" \
	"    question: what-are-we-going-to-do\n" \
	"    risk: privilege-escalation\n" \
	"    severity: high\n" \
	"    description: d\n" \
	"    mitigation: m\n" \
	"    applies-to: [kubernetes]\n" \
	"    message: msg\n" \
	extra

#define MATCH "    match: {path: kind, equals: Pod}\n"

/* Compile text expecting failure; returns the compiler for inspection. */
static tmdk_compiler *compile_fails(const char *text)
{
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(text, TMDK_COMPILE_CHECK_EXAMPLES, &c, &err);
	cr_assert_null(cat, "catalog should not compile");
	cr_assert_eq(err.code, TMDK_ESCHEMA);
	cr_assert_gt(tmdk_compiler_error_count(c), 0);
	return c;
}

/* The diagnostic whose message contains `needle`, or fail. */
static const tmdk_diagnostic *diag_with(const tmdk_compiler *c, const char *needle)
{
	size_t i;
	for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++) {
		const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
		if (strstr(d->message, needle))
			return d;
	}
	dump_diagnostics(c);
	cr_assert_fail("no diagnostic mentions '%s'", needle);
	return NULL;
}

static void expect_error(const char *text, const char *needle, unsigned int line, unsigned int column)
{
	tmdk_compiler *c = compile_fails(text);
	const tmdk_diagnostic *d = diag_with(c, needle);
	cr_assert_eq(d->level, TMDK_DIAG_ERROR);
	cr_assert_str_eq(d->file, "test.yaml");
	if (line)
		cr_assert_eq(d->line, line, "'%s' reported at line %u, expected %u", needle, d->line, line);
	if (column)
		cr_assert_eq(d->column, column, "'%s' reported at column %u, expected %u", needle, d->column, column);
	tmdk_compiler_free(c);
}

Test(catalog, a_valid_pattern_compiles_with_its_metadata)
{
	tmdk_compiler *c;
	tmdk_catalog *cat = compile_text(CATALOG_HEADER PATTERN("X-1",
		"    stride: [elevation-of-privilege, tampering]\n"
		"    references:\n"
		"      - cis-kubernetes: \"5.2.2\"\n"
		"      - cis-docker: \"5.4\"\n"
		"        benchmark: v1.5.0\n"
		"      - {url: \"https://example.com\", title: Example}\n"
		MATCH
		"    examples:\n"
		"      - {kind: kubernetes, expect: positive, line: 2, content: \"apiVersion: v1\\nkind: Pod\\n\"}\n"
		"      - {kind: kubernetes, expect: negative, content: \"apiVersion: v1\\nkind: Job\\n\"}\n"), &c);
	const tmdk_pattern *p;
	const tmdk_reference *r;
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	cr_assert_eq(tmdk_compiler_diagnostic_count(c), 0);
	tmdk_compiler_free(c);
	p = tmdk_catalog_find(cat, "X-1");
	cr_assert_not_null(p);
	cr_assert_str_eq(tmdk_pattern_title(p), "t");
	cr_assert_eq(tmdk_pattern_question(p), TMDK_Q_WHAT_ARE_WE_GOING_TO_DO);
	cr_assert_eq(tmdk_pattern_risk(p), TMDK_R_PRIVILEGE_ESCALATION);
	cr_assert_eq(tmdk_pattern_severity(p), TMDK_SEVERITY_HIGH);
	cr_assert_eq(tmdk_pattern_stride_count(p), 2);
	cr_assert_str_eq(tmdk_pattern_stride(p, 1), "tampering");
	cr_assert_eq(tmdk_pattern_reference_count(p), 3);
	r = tmdk_pattern_reference(p, 0);
	cr_assert_str_eq(r->type, "cis-kubernetes");
	cr_assert_str_eq(r->id, "5.2.2");
	cr_assert_str_eq(r->benchmark, "CIS Kubernetes Benchmark v1.10.0");
	cr_assert_str_eq(tmdk_pattern_reference(p, 1)->benchmark, "CIS Docker Benchmark v1.5.0");
	cr_assert_str_eq(tmdk_pattern_reference(p, 2)->url, "https://example.com");
	cr_assert(tmdk_pattern_applies_to(p, TMDK_KIND_KUBERNETES));
	cr_assert(!tmdk_pattern_applies_to(p, TMDK_KIND_DOCKERFILE));
	cr_assert_eq(tmdk_pattern_example_count(p), 2);
	cr_assert_eq(tmdk_pattern_example(p, 0)->positive, 1);
	cr_assert_eq(tmdk_pattern_example(p, 0)->line, 2);
	cr_assert_str_eq(tmdk_pattern_file(p), "test.yaml");
	cr_assert_eq(tmdk_pattern_line(p), 3);
	cr_assert_str_eq(tmdk_pattern_catalog_name(p), "test");
	cr_assert_not_null(tmdk_catalog_find(cat, "TMDK-META-001"), "the meta pattern is always present");
	cr_assert_null(tmdk_catalog_find(cat, "nope"));
	cr_assert_eq(tmdk_catalog_pattern_count(cat), 4, "the pattern and the meta patterns TMDK-META-001 to 003");
	cr_assert_str_eq(tmdk_pattern_id(tmdk_catalog_pattern(cat, 0)), "TMDK-META-001", "sorted by id");
	tmdk_catalog_free(cat);
}

Test(catalog, every_error_is_reported_not_just_the_first)
{
	tmdk_compiler *c = compile_fails(CATALOG_HEADER
		PATTERN("A-1", "    severity2: x\n" MATCH)
		PATTERN("A-2", "    match: {path: \"a[\", equals: 1}\n")
		PATTERN("A-3", "    match: {path: a, matches: \"(unclosed\"}\n"));
	cr_assert_geq(tmdk_compiler_error_count(c), 3);
	cr_assert_str_eq(diag_with(c, "unknown key 'severity2'")->pattern_id, "A-1");
	cr_assert_str_eq(diag_with(c, "bad selector")->pattern_id, "A-2");
	cr_assert_str_eq(diag_with(c, "does not compile")->pattern_id, "A-3");
	tmdk_compiler_free(c);
}

Test(catalog, diagnostics)
{
	expect_error(CATALOG_HEADER PATTERN("A-1", "    colour: red\n" MATCH), "unknown key 'colour' in a pattern", 12, 5);
	expect_error(CATALOG_HEADER "  - id: A-1\n    title: t\n", "missing required key 'question'", 3, 5);
	expect_error(CATALOG_HEADER "  - id: A-1\n    title: t\n", "missing required key 'match'", 3, 5);
	expect_error(CATALOG_HEADER "  - id: A-1\n    title: t\n", "missing required key 'applies-to'", 0, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, title: t, question: what-now, risk: latest-tag}\n", "unknown question 'what-now'", 3, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, title: t, question: what-are-we-going-to-do, risk: bad-risk}\n", "unknown risk 'bad-risk'", 3, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, title: t, question: what-are-we-building, risk: latest-tag}\n",
		"risk 'latest-tag' belongs to question 'what-are-we-going-to-do'", 3, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, severity: huge}\n", "unknown severity 'huge'", 3, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    stride: [sneaking]\n" MATCH), "unknown STRIDE category 'sneaking'", 0, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, applies-to: [helm]}\n", "unknown artifact kind 'helm'", 3, 0);
	expect_error(CATALOG_HEADER "  - {id: A-1, applies-to: kubernetes}\n", "'applies-to' expects a list", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    references: [{cis-docker: \"1\", cis-kubernetes: \"2\"}]\n" MATCH),
		"names one CIS item", 0, 0);
	expect_error("catalog: {name: n, version: '1'}\npatterns:\n" PATTERN("A-1", "    references: [{cis-docker: \"4.1\"}]\n" MATCH),
		"CIS reference without a benchmark version", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    references: [{title: x}]\n" MATCH), "needs cis-docker, cis-kubernetes or url", 0, 0);
	expect_error("patterns: []\n", "missing 'catalog' header", 1, 1);
	expect_error("catalog: {version: '1'}\npatterns: []\n", "missing required key 'name'", 1, 10);
	expect_error("catalog: {name: x, version: '1', owner: me}\npatterns: []\n", "unknown key 'owner' in the catalog header", 1, 34);
	expect_error("catalog: {name: x, version: '1'}\n", "'patterns' expects a list", 0, 0);
	expect_error("- a\n", "a catalog is a map", 1, 1);
	expect_error("catalog: {name: x, version: '1'}\npatterns: []\n---\na: 1\n", "exactly one YAML document", 1, 1);
	expect_error("catalog: {name: x, version: '1'\n", "", 0, 0); /* YAML syntax error */
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, equals: Pod, matches: x}\n"), "has one predicate", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind}\n"), "has no predicate", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {equals: Pod}\n"), "has no 'path'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, equalz: Pod}\n"), "unknown key 'equalz' in a condition", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, gt: big}\n"), "'gt' expects a number", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, count-gt: many}\n"), "'count-gt' expects a number", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, type: blob}\n"), "unknown type 'blob'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, absent: false}\n"), "means nothing", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, one-of: []}\n"), "at least one value", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: kind, equals: [a, b]}\n"), "found a list", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {all: {path: kind, exists: true}}\n"), "non-empty list", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {all: [], path: x}\n"), "must be alone", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {not: {path: x, exists: true}, path: y}\n"), "'not' must be alone", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {some: \"a[*]\", where: {path: x, exists: true}, with: 1}\n"),
		"unknown key 'with' in a some/none/every", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {then: {path: x, exists: true}}\n"), "'then' needs a 'for-each'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {for-each: x, colour: 1}\n"), "unknown key 'colour' in a match", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"$nosuch.x\", exists: true}\n"), "unknown scope $nosuch", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"$outer.x\", exists: true}\n"), "$outer used outside", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"@nosuch\", exists: true}\n"), "unknown entry point @nosuch", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"a[?b ~~ c]\", exists: true}\n"), "expected ==", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"a[?b < c]\", exists: true}\n"), "needs a number", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"a[?b =~ '(']\", exists: true}\n"), "does not compile at offset", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"a['b]\", exists: true}\n"), "unterminated quoted", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"a b\", exists: true}\n"), "unexpected character", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: {path: \"\", exists: true}\n"), "empty selector", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("A-1", "    match: 5\n"), "'match' expects a map", 0, 0);
	expect_error(CATALOG_HEADER "  - id: A-1\n    title: t\n    question: what-are-we-going-to-do\n    risk: privilege-escalation\n"
		"    severity: high\n    description: d\n    mitigation: m\n    applies-to: [kubernetes]\n"
		"    match: {path: kind, exists: true}\n    message: \"{unclosed\"\n", "unterminated '{'", 0, 0);
}

Test(catalog, regex_errors_carry_pcre2_offset)
{
	tmdk_compiler *c = compile_fails(CATALOG_HEADER PATTERN("A-1", "    match: {path: a, matches: \"ab(c\"}\n"));
	const tmdk_diagnostic *d = diag_with(c, "at offset 4");
	cr_assert_eq(d->code, TMDK_EREGEX);
	cr_assert(strstr(d->message, "missing closing parenthesis"), "%s", d->message);
	cr_assert_eq(d->line, 12);
	tmdk_compiler_free(c);
}

Test(catalog, duplicate_ids_are_reported_across_catalogs)
{
	tmdk_compiler *c;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	const char *one = CATALOG_HEADER PATTERN("DUP-1", MATCH);
	const tmdk_diagnostic *d;
	cr_assert_eq(tmdk_compiler_new(&c, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "a.yaml", one, strlen(one), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "b.yaml", one, strlen(one), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_null(cat);
	d = diag_with(c, "duplicate pattern id 'DUP-1' (first defined at a.yaml:3)");
	cr_assert_str_eq(d->file, "b.yaml");
	cr_assert_eq(d->line, 3);
	cr_assert(strstr(err.message, "DUP-1"), "err: %s", err.message);
	cr_assert_str_eq(err.source, "b.yaml");
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_EINVAL, "a compiler is single-use");
	cr_assert_eq(tmdk_compiler_add_buffer(c, "c.yaml", one, strlen(one), &err), TMDK_EINVAL);
	tmdk_compiler_free(c);
}

Test(catalog, examples_that_misbehave_are_errors)
{
	tmdk_compiler *c = compile_fails(CATALOG_HEADER PATTERN("E-1", MATCH
		"    examples:\n"
		"      - {kind: kubernetes, expect: positive, content: \"apiVersion: v1\\nkind: Job\\n\"}\n"
		"      - {kind: kubernetes, expect: negative, content: \"apiVersion: v1\\nkind: Pod\\n\"}\n"
		"      - {kind: kubernetes, expect: positive, line: 7, content: \"apiVersion: v1\\nkind: Pod\\n\"}\n"
		"      - {kind: kubernetes, expect: negative, content: \"a: [\\n\"}\n"));
	diag_with(c, "positive example 1 produced no finding");
	diag_with(c, "negative example 2 produced 1 finding(s), at line(s) 2");
	diag_with(c, "positive example 3 should report line 7, reported line(s) 2");
	diag_with(c, "example 4 (kubernetes) does not parse: line");
	tmdk_compiler_free(c);
}

Test(catalog, example_format_is_checked)
{
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: helm, expect: positive, content: x}]\n"), "example needs 'kind'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: maybe, content: x}]\n"), "'expect': positive or negative", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, line: 3, content: x}]\n"), "expected finding line", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative}]\n"), "missing required key 'content'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: x, extra: 1}]\n"), "unknown key 'extra' in an example", 0, 0);
}

Test(catalog, example_with_files_are_checked)
{
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: x, with: 3}]\n"),
		"'with' expects a list of files", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: x, with: [{kind: dockerfile, content: y}]}]\n"),
		"missing required key 'name'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: x, with: [{kind: helm, name: a, content: y}]}]\n"),
		"a 'with' file needs 'kind'", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: x, with: [{kind: dockerfile, name: a, content: y, line: 2}]}]\n"),
		"unknown key 'line' in an example file", 0, 0);
	expect_error(CATALOG_HEADER PATTERN("E-1", MATCH "    examples: [{kind: kubernetes, expect: negative, content: \"apiVersion: v1\\nkind: Service\\n\", with: [{kind: kubernetes, name: b.yaml, content: \"a: [\\n\"}]}]\n"),
		"example 1: file b.yaml (kubernetes) does not parse", 0, 0);
}

/* The `with` files are scanned in the same set ($set sees them), and only the
 * example's own findings count. */
Test(catalog, example_with_files_form_one_set)
{
	static const char text[] = CATALOG_HEADER PATTERN("E-1",
		"    match:\n"
		"      all:\n"
		"        - {path: kind, equals: Pod}\n"
		"        - some: \"$set[?kind == \\\"Service\\\"]\"\n")
		"    examples:\n"
		"      - kind: kubernetes\n"
		"        expect: positive\n"
		"        name: pod.yaml\n"
		"        content: \"apiVersion: v1\\nkind: Pod\\n\"\n"
		"        with: [{kind: kubernetes, name: svc.yaml, content: \"apiVersion: v1\\nkind: Service\\n\"}]\n"
		"      - kind: kubernetes\n"
		"        expect: negative\n"
		"        description: the Pod that fires is the other file's\n"
		"        name: svc.yaml\n"
		"        content: \"apiVersion: v1\\nkind: Service\\n\"\n"
		"        with: [{kind: kubernetes, name: pod.yaml, content: \"apiVersion: v1\\nkind: Pod\\n\"}]\n"
		"      - kind: kubernetes\n"
		"        expect: negative\n"
		"        content: \"apiVersion: v1\\nkind: Pod\\n\"\n";
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(text, TMDK_COMPILE_CHECK_EXAMPLES, &c, &err);
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat, "%s", err.message);
	cr_assert_eq(tmdk_pattern_example(tmdk_catalog_find(cat, "E-1"), 0)->with_count, 1);
	cr_assert_str_eq(tmdk_pattern_example(tmdk_catalog_find(cat, "E-1"), 0)->with_files[0].name, "svc.yaml");
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
}

Test(catalog, missing_examples_are_warnings_and_strict_makes_them_errors)
{
	tmdk_compiler *c;
	tmdk_error err;
	tmdk_catalog *cat = compile_text(CATALOG_HEADER PATTERN("W-1", MATCH), &c);
	cr_assert_not_null(cat);
	cr_assert_eq(tmdk_compiler_error_count(c), 0);
	cr_assert_eq(tmdk_compiler_diagnostic(c, 0)->level, TMDK_DIAG_WARNING);
	cr_assert(strstr(tmdk_compiler_diagnostic(c, 0)->message, "no examples"));
	tmdk_compiler_free(c);
	tmdk_catalog_free(cat);
	cat = compile_text_flags(CATALOG_HEADER PATTERN("W-1", MATCH), TMDK_COMPILE_STRICT, &c, &err);
	cr_assert_null(cat);
	cr_assert_eq(tmdk_compiler_diagnostic(c, 0)->level, TMDK_DIAG_ERROR);
	tmdk_compiler_free(c);
}

static int count_cb(const tmdk_diagnostic *d, void *payload)
{
	(void)d;
	return ++*(int *)payload >= 2;
}

Test(catalog, diagnostic_callback_sees_each_and_can_stop)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	int seen = 0;
	const char *text = CATALOG_HEADER PATTERN("A-1", "    x: 1\n    y: 2\n    z: 3\n" MATCH);
	o.diagnostic_cb = count_cb;
	o.diagnostic_payload = &seen;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "t.yaml", text, strlen(text), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_eq(seen, 2, "the callback stopped after two");
	cr_assert_geq(tmdk_compiler_diagnostic_count(c), 3, "all are still kept");
	tmdk_compiler_free(c);
}

Test(catalog, limits)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	char big[600];
	const char *two = CATALOG_HEADER PATTERN("L-1", MATCH) PATTERN("L-2", MATCH);

	o.max_patterns = 2; /* two patterns plus the meta pattern */
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "t.yaml", two, strlen(two), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_eq(diag_with(c, "max_patterns")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);

	o.max_patterns = 0;
	o.max_catalog_bytes = 100;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "t.yaml", two, strlen(two), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_eq(diag_with(c, "max_catalog_bytes")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);

	o.max_catalog_bytes = 0;
	o.max_regex_length = 10;
	snprintf(big, sizeof(big), CATALOG_HEADER PATTERN("L-1", "    match: {path: a, matches: \"aaaaaaaaaaaa\"}\n"));
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "t.yaml", big, strlen(big), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_eq(diag_with(c, "max_regex_length")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);

	/* The same limit for a regex in a selector filter: one path for every regex. */
	snprintf(big, sizeof(big), CATALOG_HEADER PATTERN("L-1", "    match: {path: \"a[?b =~ 'aaaaaaaaaaaaaaaaaaaa']\", exists: true}\n"));
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_buffer(c, "t.yaml", big, strlen(big), &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_ESCHEMA);
	cr_assert_eq(diag_with(c, "max_regex_length")->code, TMDK_ELIMIT);
	tmdk_compiler_free(c);
}

Test(catalog, options_and_arguments_are_checked)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c = NULL;
	tmdk_error err;
	o.version = 7;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_EINVAL);
	cr_assert_null(c);
	cr_assert_eq(tmdk_compile_options_init(&o, 2), TMDK_EINVAL);
	cr_assert_eq(tmdk_compiler_new(NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_compiler_add_buffer(NULL, "x", "", 0, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_compiler_add_path(NULL, "x", &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_compiler_add_builtin(NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_compiler_compile(NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_null(tmdk_compiler_diagnostic(NULL, 0));
	tmdk_compiler_free(NULL);
	tmdk_catalog_free(NULL);
	cr_assert_eq(tmdk_catalog_pattern_count(NULL), 0);
	cr_assert_null(tmdk_pattern_id(NULL));
}

Test(catalog, paths_files_and_folders)
{
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	char dir[] = "/tmp/tmdk-cat-XXXXXX", path[256];
	FILE *f;
	const char *text = CATALOG_HEADER PATTERN("F-1", MATCH);

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sub/one.yaml", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("not a catalog", f);
	fclose(f);

	cr_assert_eq(tmdk_compiler_new(&c, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_path(c, dir, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_path(c, "/nonexistent.yaml", &err), TMDK_EIO);
	cr_assert(strstr(err.message, "cannot open"), "%s", err.message);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_OK, "%s", err.message);
	cr_assert_not_null(tmdk_catalog_find(cat, "F-1"));
	cr_assert(strstr(tmdk_pattern_file(tmdk_catalog_find(cat, "F-1")), "sub/one.yaml"));
	tmdk_compiler_free(c);
	tmdk_catalog_free(cat);
}

Test(catalog, outlives_its_compiler_and_is_reference_counted)
{
	tmdk_compiler *c;
	tmdk_catalog *cat = compile_text(CATALOG_HEADER PATTERN("R-1", "    match: {path: \"metadata[?name =~ '^w']\", exists: true}\n"), &c);
	tmdk_findings *list;
	cr_assert_not_null(cat);
	tmdk_compiler_free(c); /* the YAML sources are gone now */
	cr_assert_eq(tmdk_catalog_ref(cat), cat);
	tmdk_catalog_free(cat);
	list = scan_text(cat, TMDK_KIND_KUBERNETES, NULL, "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n");
	cr_assert_eq(tmdk_findings_count(list), 1);
	cr_assert_str_eq(tmdk_finding_message(tmdk_findings_at(list, 0)), "msg");
	tmdk_catalog_free(cat);
	/* The list holds a reference: its findings stay valid. */
	cr_assert_str_eq(tmdk_pattern_id(tmdk_finding_pattern(tmdk_findings_at(list, 0))), "R-1");
	tmdk_findings_free(list);
}

Test(catalog, taxonomy_names)
{
	tmdk_question q;
	tmdk_risk r;
	tmdk_severity s;
	int i;
	for (i = 0; i < TMDK_RISK_COUNT; i++) {
		cr_assert_eq(tmdk_risk_from_slug(&r, tmdk_risk_slug((tmdk_risk)i)), TMDK_OK);
		cr_assert_eq((int)r, i);
		cr_assert_not_null(tmdk_risk_title((tmdk_risk)i));
	}
	cr_assert_eq(tmdk_risk_question(TMDK_R_AUDIT_LOGGING), TMDK_Q_DID_WE_DO_ENOUGH);
	cr_assert_eq(tmdk_question_from_slug(&q, "what-can-go-wrong"), TMDK_OK);
	cr_assert_eq(q, TMDK_Q_WHAT_CAN_GO_WRONG);
	cr_assert_str_eq(tmdk_question_title(q), "What can go wrong?");
	cr_assert_eq(tmdk_severity_from_name(&s, "HIGH"), TMDK_OK);
	cr_assert_eq(s, TMDK_SEVERITY_HIGH);
	cr_assert_eq(tmdk_severity_from_name(&s, "urgent"), TMDK_EINVAL);
	cr_assert_null(tmdk_severity_name((tmdk_severity)9));
	cr_assert_null(tmdk_risk_slug((tmdk_risk)18));
	cr_assert(tmdk_stride_is_valid("tampering"));
	cr_assert(!tmdk_stride_is_valid("Tampering"));
}

Test(catalog, builtin_loads_without_examples_unless_asked)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c;
	tmdk_catalog *lean, *full;
	tmdk_error err;
	size_t i, with = 0;

	cr_assert_eq(tmdk_catalog_load_builtin(&lean, &err), TMDK_OK, "%s", err.message);
	o.flags = TMDK_COMPILE_KEEP_EXAMPLES;
	cr_assert_eq(tmdk_compiler_new(&c, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_builtin(c, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_compile(&full, c, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_diagnostic_count(c), 0, "the built-in catalog has no warnings");
	tmdk_compiler_free(c);
	cr_assert_eq(tmdk_catalog_pattern_count(lean), tmdk_catalog_pattern_count(full));
	cr_assert_gt(tmdk_catalog_pattern_count(lean), 90);
	for (i = 0; i < tmdk_catalog_pattern_count(lean); i++) {
		const tmdk_pattern *l = tmdk_catalog_pattern(lean, i), *f = tmdk_catalog_pattern(full, i);
		cr_assert_str_eq(tmdk_pattern_id(l), tmdk_pattern_id(f));
		cr_assert_eq(tmdk_pattern_line(l), tmdk_pattern_line(f), "line numbers survive the stripping");
		cr_assert_eq(tmdk_pattern_example_count(l), 0);
		with += tmdk_pattern_example_count(f) > 0;
	}
	cr_assert_eq(with, tmdk_catalog_pattern_count(full) - 3, "every pattern but the meta ones has examples");
	tmdk_catalog_free(lean);
	tmdk_catalog_free(full);
}
