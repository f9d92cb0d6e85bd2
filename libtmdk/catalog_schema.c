/*
 * Validating a catalog file against the catalog format (patterns/README.md)
 * and compiling each pattern. Every problem becomes a diagnostic with its
 * position; one bad pattern does not stop the others from being checked.
 */
#include "compiler_int.h"

#include <stdio.h>
#include <string.h>

typedef struct schema {
	tmdk_compiler *c;
	tmdk_catalog *cat;
	const tmdk_artifact *src;
	int without_examples;          /* built-in source loaded lean: no warning for missing examples */
	const char *file;
	const char *pattern_id;
	const char *catalog_name, *catalog_version;
	const char *cis_docker, *cis_kubernetes;  /* benchmark versions from the header */
	tmdk__cctx cc;
} schema;

static const char *text_of(const tmdk_node *n)
{
	return tmdk_node_get_type(n) == TMDK_NODE_SCALAR ? tmdk_node_text(n, NULL) : NULL;
}

static void report(schema *s, tmdk_diag_level level, int code, const tmdk_node *at, const char *fmt, ...)
	TMDK__PRINTF(5, 6);

/* Catalog memory. A failure marks the compiler out of memory, so that the
 * compile returns TMDK_ENOMEM instead of silently dropping the pattern. */
static void *s_alloc(schema *s, size_t size)
{
	void *p = tmdk__arena_alloc(&s->cat->arena, size);
	if (!p)
		s->c->nomem = 1;
	return p;
}

static char *s_strdup(schema *s, const char *t)
{
	char *p = tmdk__arena_strdup(&s->cat->arena, t);
	if (!p)
		s->c->nomem = 1;
	return p;
}

static void report(schema *s, tmdk_diag_level level, int code, const tmdk_node *at, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tmdk__compiler_diag(s->c, level, code, s->file, tmdk_node_line(at), tmdk_node_column(at), s->pattern_id, "%s", msg);
}

/* The compile context's report hook, used by the language parsers. */
static void cc_report(tmdk__cctx *cc, tmdk_diag_level level, int code, const tmdk_node *at, const char *fmt, ...)
{
	schema *s = cc->owner;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (code == TMDK_ENOMEM)
		s->c->nomem = 1;
	tmdk__compiler_diag(s->c, level, code, s->file, tmdk_node_line(at), tmdk_node_column(at), s->pattern_id, "%s", msg);
}

static int check_keys(schema *s, const tmdk_node *map, const char *const *allowed, const char *what)
{
	size_t i, j;
	int bad = 0;
	for (i = 0; i < tmdk_node_size(map); i++) {
		const tmdk_node *k = tmdk_node_key_at(map, i);
		const char *key = text_of(k);
		for (j = 0; key && allowed[j]; j++)
			if (!strcmp(key, allowed[j]))
				break;
		if (!key || !allowed[j]) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, k, "unknown key '%s' in %s", key ? key : "?", what);
			bad = 1;
		}
	}
	return bad ? TMDK_ESCHEMA : 0;
}

/* A required or optional string field; NULL (after a diagnostic when required). */
static const char *string_field(schema *s, const tmdk_node *map, const char *key, int required)
{
	const tmdk_node *n = tmdk_node_get(map, key);
	const char *t;
	if (!n) {
		if (required)
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, map, "missing required key '%s'", key);
		return NULL;
	}
	t = text_of(n);
	if (!t || tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL || !*t) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'%s' expects non-empty text", key);
		return NULL;
	}
	return s_strdup(s, t);
}

/* ---- header ------------------------------------------------------------------ */

static void parse_header(schema *s, const tmdk_node *root)
{
	static const char *const keys[] = { "name", "version", "description", "benchmarks", NULL };
	static const char *const bench_keys[] = { "cis-docker", "cis-kubernetes", NULL };
	const tmdk_node *h = tmdk_node_get(root, "catalog"), *b;

	if (!h) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, root, "missing 'catalog' header (name, version, description)");
		return;
	}
	if (tmdk_node_get_type(h) != TMDK_NODE_MAP) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, h, "'catalog' expects a map with name, version, description");
		return;
	}
	check_keys(s, h, keys, "the catalog header");
	s->catalog_name = string_field(s, h, "name", 1);
	s->catalog_version = string_field(s, h, "version", 1);
	string_field(s, h, "description", 0);
	b = tmdk_node_get(h, "benchmarks");
	if (b) {
		if (tmdk_node_get_type(b) != TMDK_NODE_MAP) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, b, "'benchmarks' expects a map: cis-docker: v1.6.0, cis-kubernetes: v1.10.0");
			return;
		}
		check_keys(s, b, bench_keys, "'benchmarks'");
		s->cis_docker = string_field(s, b, "cis-docker", 0);
		s->cis_kubernetes = string_field(s, b, "cis-kubernetes", 0);
	}
}

/* ---- pattern fields ------------------------------------------------------------ */

static int parse_enum_field(schema *s, const tmdk_node *p, const char *key, int which, int *out)
{
	const tmdk_node *n = tmdk_node_get(p, key);
	const char *t = text_of(n);
	int rc;
	if (!n) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p, "missing required key '%s'", key);
		return TMDK_ESCHEMA;
	}
	if (!t) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'%s' expects a name", key);
		return TMDK_ESCHEMA;
	}
	if (which == 0)
		rc = tmdk_question_from_slug((tmdk_question *)out, t);
	else if (which == 1)
		rc = tmdk_risk_from_slug((tmdk_risk *)out, t);
	else
		rc = tmdk_severity_from_name((tmdk_severity *)out, t);
	if (rc != TMDK_OK) {
		static const char *const expected[] = {
			"what-are-we-building, what-can-go-wrong, what-are-we-going-to-do, did-we-do-enough",
			"one of the 18 risk slugs of DESIGN.md (e.g. privilege-escalation, latest-tag)",
			"critical, high, medium, low, info"
		};
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "unknown %s '%s'; expected %s", key, t, expected[which]);
		return TMDK_ESCHEMA;
	}
	return 0;
}

static int parse_kinds(schema *s, tmdk_pattern *pt, const tmdk_node *p)
{
	const tmdk_node *n = tmdk_node_get(p, "applies-to");
	size_t i;
	if (!n) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p, "missing required key 'applies-to' (artifact kinds)");
		return TMDK_ESCHEMA;
	}
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE || tmdk_node_size(n) == 0) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n,
			"'applies-to' expects a list of kinds: dockerfile, compose, kubernetes, daemon-json, docker-inspect");
		return TMDK_ESCHEMA;
	}
	for (i = 0; i < tmdk_node_size(n); i++) {
		tmdk_kind k;
		const char *t = text_of(tmdk_node_at(n, i));
		if (!t || tmdk_kind_from_name(&k, t) != TMDK_OK || k == TMDK_KIND_UNKNOWN) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_at(n, i),
				"unknown artifact kind '%s'; expected dockerfile, compose, kubernetes, daemon-json or docker-inspect",
				t ? t : "?");
			return TMDK_ESCHEMA;
		}
		pt->kinds |= 1u << k;
	}
	return 0;
}

static int parse_stride(schema *s, tmdk_pattern *pt, const tmdk_node *p)
{
	const tmdk_node *n = tmdk_node_get(p, "stride");
	size_t i;
	if (!n)
		return 0;
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'stride' expects a list");
		return TMDK_ESCHEMA;
	}
	pt->stride = s_alloc(s, (tmdk_node_size(n) + 1) * sizeof(char *));
	if (!pt->stride)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(n); i++) {
		const char *t = text_of(tmdk_node_at(n, i));
		if (!tmdk_stride_is_valid(t)) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_at(n, i),
				"unknown STRIDE category '%s'; expected spoofing, tampering, repudiation, "
				"information-disclosure, denial-of-service or elevation-of-privilege", t ? t : "?");
			return TMDK_ESCHEMA;
		}
		if (!(pt->stride[pt->stride_count++] = s_strdup(s, t)))
			return TMDK_ENOMEM;
	}
	return 0;
}

static int parse_reference(schema *s, tmdk_reference *r, const tmdk_node *n)
{
	static const char *const keys[] = { "cis-docker", "cis-kubernetes", "url", "title", "benchmark", NULL };
	const tmdk_node *cd = tmdk_node_get(n, "cis-docker"), *ck = tmdk_node_get(n, "cis-kubernetes");
	const char *version;

	if (tmdk_node_get_type(n) != TMDK_NODE_MAP) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "a reference is a map: {cis-docker: \"5.4\"} or {url: https://…, title: …}");
		return TMDK_ESCHEMA;
	}
	if (check_keys(s, n, keys, "a reference") != 0)
		return TMDK_ESCHEMA;
	r->url = string_field(s, n, "url", 0);
	r->title = string_field(s, n, "title", 0);
	if (cd && ck) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "a reference names one CIS item; split it in two");
		return TMDK_ESCHEMA;
	}
	if (cd || ck) {
		r->type = cd ? "cis-docker" : "cis-kubernetes";
		r->id = string_field(s, n, r->type, 1);
		version = tmdk_node_get(n, "benchmark") ? string_field(s, n, "benchmark", 1) : cd ? s->cis_docker : s->cis_kubernetes;
		if (!version) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n,
				"CIS reference without a benchmark version: add 'benchmark: v…' or set catalog.benchmarks.%s", r->type);
			return TMDK_ESCHEMA;
		}
		r->benchmark = tmdk__arena_printf(&s->cat->arena, "CIS %s Benchmark %s", cd ? "Docker" : "Kubernetes", version);
		if (!r->benchmark)
			s->c->nomem = 1;
		if (!r->id)
			return TMDK_ESCHEMA; /* reported */
		return r->benchmark ? 0 : TMDK_ENOMEM;
	}
	if (!r->url) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "a reference needs cis-docker, cis-kubernetes or url");
		return TMDK_ESCHEMA;
	}
	r->type = "url";
	return 0;
}

static int parse_references(schema *s, tmdk_pattern *pt, const tmdk_node *p)
{
	const tmdk_node *n = tmdk_node_get(p, "references");
	size_t i;
	int bad = 0;
	if (!n)
		return 0;
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'references' expects a list");
		return TMDK_ESCHEMA;
	}
	pt->refs = s_alloc(s, (tmdk_node_size(n) + 1) * sizeof(*pt->refs));
	if (!pt->refs)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(n); i++) {
		if (parse_reference(s, &pt->refs[pt->ref_count], tmdk_node_at(n, i)) == 0)
			pt->ref_count++;
		else
			bad = 1;
	}
	return bad ? TMDK_ESCHEMA : 0;
}

/* `with`: the other files of the example's set, each {kind, name, content}. */
static int parse_example_with(schema *s, tmdk_example *ex, const tmdk_node *n)
{
	static const char *const keys[] = { "kind", "name", "content", NULL };
	tmdk_example_file *files;
	size_t i;
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE || !tmdk_node_size(n)) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'with' expects a list of files: kind, name, content");
		return TMDK_ESCHEMA;
	}
	if (!(files = s_alloc(s, tmdk_node_size(n) * sizeof(*files))))
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(n); i++) {
		const tmdk_node *f = tmdk_node_at(n, i), *kind = tmdk_node_get(f, "kind");
		if (tmdk_node_get_type(f) != TMDK_NODE_MAP || check_keys(s, f, keys, "an example file") != 0) {
			if (tmdk_node_get_type(f) != TMDK_NODE_MAP)
				report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, f, "a 'with' file is a map: kind, name, content");
			return TMDK_ESCHEMA;
		}
		if (!kind || tmdk_kind_from_name(&files[i].kind, text_of(kind) ? text_of(kind) : "") != TMDK_OK ||
		    files[i].kind == TMDK_KIND_UNKNOWN) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, kind ? kind : f,
				"a 'with' file needs 'kind': dockerfile, compose, kubernetes, daemon-json or docker-inspect");
			return TMDK_ESCHEMA;
		}
		files[i].name = string_field(s, f, "name", 1);
		files[i].content = string_field(s, f, "content", 1);
		if (!files[i].name || !files[i].content)
			return TMDK_ESCHEMA;
	}
	ex->with_files = files;
	ex->with_count = tmdk_node_size(n);
	return 0;
}

static int parse_example(schema *s, tmdk_example *ex, const tmdk_node *n)
{
	static const char *const keys[] = { "kind", "expect", "line", "name", "description", "content", "with", NULL };
	const tmdk_node *kind = tmdk_node_get(n, "kind"), *expect = tmdk_node_get(n, "expect");
	const tmdk_node *line = tmdk_node_get(n, "line");
	long long l;

	if (tmdk_node_get_type(n) != TMDK_NODE_MAP) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "an example is a map: kind, expect, content");
		return TMDK_ESCHEMA;
	}
	if (check_keys(s, n, keys, "an example") != 0)
		return TMDK_ESCHEMA;
	if (!kind || tmdk_kind_from_name(&ex->kind, text_of(kind) ? text_of(kind) : "") != TMDK_OK ||
	    ex->kind == TMDK_KIND_UNKNOWN) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, kind ? kind : n,
			"example needs 'kind': dockerfile, compose, kubernetes, daemon-json or docker-inspect");
		return TMDK_ESCHEMA;
	}
	if (!expect || (!tmdk_node_text_equals(expect, "positive") && !tmdk_node_text_equals(expect, "negative"))) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, expect ? expect : n, "example needs 'expect': positive or negative");
		return TMDK_ESCHEMA;
	}
	ex->positive = tmdk_node_text_equals(expect, "positive");
	if (line) {
		if (tmdk_node_as_int(line, &l) != TMDK_OK || l < 1 || l > 1000000 || !ex->positive) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, line,
				"'line' is the expected finding line (a positive number) of a positive example");
			return TMDK_ESCHEMA;
		}
		ex->line = (unsigned int)l;
	}
	ex->name = string_field(s, n, "name", 0);
	ex->description = string_field(s, n, "description", 0);
	ex->content = string_field(s, n, "content", 1);
	if (tmdk_node_get(n, "with") && parse_example_with(s, ex, tmdk_node_get(n, "with")) != 0)
		return TMDK_ESCHEMA;
	return ex->content ? 0 : TMDK_ESCHEMA; /* reported */
}

static int parse_examples(schema *s, tmdk_pattern *pt, const tmdk_node *p)
{
	const tmdk_node *n = tmdk_node_get(p, "examples");
	size_t i;
	int bad = 0, pos = 0, neg = 0;
	if (!n) {
		if (!s->without_examples)
			report(s, TMDK_DIAG_WARNING, TMDK_ESCHEMA, p, "pattern has no examples (add a positive and a negative one)");
		return 0;
	}
	if (tmdk_node_get_type(n) != TMDK_NODE_SEQUENCE) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, n, "'examples' expects a list");
		return TMDK_ESCHEMA;
	}
	pt->examples = s_alloc(s, (tmdk_node_size(n) + 1) * sizeof(*pt->examples));
	if (!pt->examples)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(n); i++) {
		tmdk_example *ex = &pt->examples[pt->example_count];
		if (parse_example(s, ex, tmdk_node_at(n, i)) != 0) {
			bad = 1;
			continue;
		}
		if (!(pt->kinds & (1u << ex->kind)))
			report(s, TMDK_DIAG_WARNING, TMDK_ESCHEMA, tmdk_node_at(n, i),
				"example of kind %s, which the pattern does not apply to", tmdk_kind_name(ex->kind));
		pos += ex->positive;
		neg += !ex->positive;
		pt->example_count++;
	}
	if (!bad && (!pos || !neg))
		report(s, TMDK_DIAG_WARNING, TMDK_ESCHEMA, n, "pattern has no %s example", pos ? "negative" : "positive");
	return bad ? TMDK_ESCHEMA : 0;
}

static int parse_match(schema *s, tmdk_pattern *pt, const tmdk_node *p)
{
	const tmdk_node *m = tmdk_node_get(p, "match"), *msg = tmdk_node_get(p, "message");
	int errors = (int)s->c->error_count;

	memset(&s->cc.scopes, 0, sizeof(s->cc.scopes));
	s->cc.scopes[0] = "doc";
	s->cc.depth = 0;
	s->cc.pattern_id = s->pattern_id;
	s->cc.kinds = pt->kinds;
	if (!m) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p, "missing required key 'match'");
		return TMDK_ESCHEMA;
	}
	pt->match = tmdk__match_parse(&s->cc, m);
	if (!msg) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p, "missing required key 'message'");
		return TMDK_ESCHEMA;
	}
	/* Templates see the innermost for-each scope (left pushed by the match parser). */
	if (pt->match && tmdk__template_parse(&s->cc, &pt->message, msg) == 0)
		pt->message_text = s_strdup(s, text_of(msg));
	return (int)s->c->error_count == errors && pt->match && pt->message_text ? 0 : TMDK_ESCHEMA;
}

static void parse_pattern(schema *s, const tmdk_node *p)
{
	static const char *const keys[] = { "id", "title", "question", "risk", "severity", "stride", "description",
		"mitigation", "references", "applies-to", "match", "message", "examples", NULL };
	tmdk_pattern *pt;
	int bad = 0, q, r, sev;

	s->pattern_id = NULL;
	if (tmdk_node_get_type(p) != TMDK_NODE_MAP) {
		report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p, "a pattern is a map (id, title, question, risk, …)");
		return;
	}
	pt = tmdk__arena_alloc(&s->cat->arena, sizeof(*pt));
	if (!pt) {
		s->c->nomem = 1;
		return;
	}
	pt->id = string_field(s, p, "id", 1);
	s->pattern_id = pt->id;
	bad |= check_keys(s, p, keys, "a pattern") != 0;
	bad |= !pt->id;
	bad |= !(pt->title = string_field(s, p, "title", 1));
	bad |= !(pt->description = string_field(s, p, "description", 1));
	bad |= !(pt->mitigation = string_field(s, p, "mitigation", 1));
	{
		int q_bad = parse_enum_field(s, p, "question", 0, &q) != 0;
		int r_bad = parse_enum_field(s, p, "risk", 1, &r) != 0;
		if (!q_bad && !r_bad && tmdk_risk_question((tmdk_risk)r) != (tmdk_question)q) {
			report(s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, tmdk_node_get(p, "risk"),
				"risk '%s' belongs to question '%s', not '%s'", tmdk_risk_slug((tmdk_risk)r),
				tmdk_question_slug(tmdk_risk_question((tmdk_risk)r)), tmdk_question_slug((tmdk_question)q));
			r_bad = 1;
		}
		bad |= q_bad | r_bad;
	}
	bad |= parse_enum_field(s, p, "severity", 2, &sev) != 0;
	pt->question = (tmdk_question)q;
	pt->risk = (tmdk_risk)r;
	pt->severity = (tmdk_severity)sev;
	bad |= parse_stride(s, pt, p) != 0;
	bad |= parse_references(s, pt, p) != 0;
	bad |= parse_kinds(s, pt, p) != 0;
	bad |= parse_match(s, pt, p) != 0;
	bad |= parse_examples(s, pt, p) != 0;
	if (bad)
		return;
	pt->file = s->file;
	pt->line = tmdk_node_line(p);
	pt->column = tmdk_node_column(p);
	pt->catalog_name = s->catalog_name;
	pt->catalog_version = s->catalog_version;
	pt->catalog = s->cat;
	if (tmdk__catalog_append(s->cat, pt) != TMDK_OK)
		s->c->nomem = 1;
}

void tmdk__compile_source(tmdk_compiler *c, tmdk_catalog *cat, const tmdk__source *source)
{
	const tmdk_artifact *src = source->artifact;
	static const char *const keys[] = { "catalog", "patterns", NULL };
	const tmdk_document *doc;
	const tmdk_node *root, *patterns;
	schema s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.cat = cat;
	s.src = src;
	s.without_examples = source->without_examples;
	s.file = tmdk__arena_strdup(&cat->arena, tmdk_artifact_name(src));
	s.cc.arena = &cat->arena;
	s.cc.catalog = cat;
	s.cc.file = s.file;
	s.cc.max_regex_length = c->opts.max_regex_length;
	s.cc.report = cc_report;
	s.cc.owner = &s;
	if (!s.file) {
		c->nomem = 1;
		return;
	}
	if (tmdk_artifact_document_count(src) != 1) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, s.file, 1, 1, NULL,
			"a catalog file holds exactly one YAML document (found %zu)", tmdk_artifact_document_count(src));
		return;
	}
	doc = tmdk_artifact_document(src, 0);
	root = tmdk_document_root(doc);
	if (tmdk_node_get_type(root) != TMDK_NODE_MAP) {
		report(&s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, root, "a catalog is a map with 'catalog' and 'patterns'");
		return;
	}
	check_keys(&s, root, keys, "the catalog (expected catalog, patterns)");
	parse_header(&s, root);
	patterns = tmdk_node_get(root, "patterns");
	if (!patterns || tmdk_node_get_type(patterns) != TMDK_NODE_SEQUENCE) {
		report(&s, TMDK_DIAG_ERROR, TMDK_ESCHEMA, patterns ? patterns : root, "'patterns' expects a list of patterns");
		return;
	}
	for (i = 0; i < tmdk_node_size(patterns) && !c->nomem; i++)
		parse_pattern(&s, tmdk_node_at(patterns, i));
}
