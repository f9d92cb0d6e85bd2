/*
 * Derived artifacts ("origins"): documents built from several parsed files
 * (a merged compose project, a built kustomization) keep, for each node, the
 * file that set it. Findings on a derived artifact name that file, its line
 * and evidence, and a `tmdk:ignore` comment written there applies.
 */
#include "catalog_helpers.h"
#include "catalog_int.h"

#define KC TMDK_KIND_COMPOSE

static const char base_text[] =
	"services:\n"                  /* 1 */
	"  web:\n"                     /* 2 */
	"    image: nginx\n"           /* 3 */
	"    environment:\n"           /* 4 */
	"      - DEBUG=1\n";           /* 5 */

static const char override_text[] =
	"# an override\n"                                   /* 1 */
	"services:\n"                                       /* 2 */
	"  web:\n"                                          /* 3 */
	"    privileged: true  # tmdk:ignore=O-PRIV lab only\n" /* 4 */
	"    environment:\n"                                /* 5 */
	"      - TOKEN=abc\n"                               /* 6 */
	"    command: |\n"                                  /* 7 */
	"      set -e\n"                                    /* 8 */
	"        curl http://x.example\n"                   /* 9 */
	"    cap_add: [ALL]  # tmdk:ignore=O-CAP\n";        /* 10 */

static const char catalog_text[] = CATALOG_HEADER
	"  - id: O-IMG\n"
	"    title: untagged\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: latest-tag\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [compose]\n"
	"    match: {for-each: \"@services\", where: {path: image, not-matches: \":\"}}\n"
	"    message: \"untagged\"\n"
	"  - id: O-PRIV\n"
	"    title: privileged\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: run-equals-access\n"
	"    severity: high\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [compose]\n"
	"    match: {for-each: \"@services\", where: {path: spec.privileged, truthy: true}}\n"
	"    message: \"privileged\"\n"
	"  - id: O-ENV\n"
	"    title: token\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: latest-tag\n"
	"    severity: medium\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [compose]\n"
	"    match: {for-each: \"@services\", then: {for-each: \"environment[*]\", where: {path: name, matches: TOKEN}}}\n"
	"    message: \"token\"\n"
	"  - id: O-CURL\n"
	"    title: curl\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: latest-tag\n"
	"    severity: low\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [compose]\n"
	"    match: {for-each: \"@services\", where: {path: spec.command, matches: \"curl [^\\\\n]*\"}}\n"
	"    message: \"{$match}\"\n"
	"  - id: O-CAP\n"
	"    title: caps\n"
	"    question: what-are-we-going-to-do\n"
	"    risk: run-equals-access\n"
	"    severity: high\n"
	"    description: d\n"
	"    mitigation: m\n"
	"    applies-to: [compose]\n"
	"    match: {for-each: \"@services\", where: {path: \"spec.cap_add[*]\", matches: ALL}}\n"
	"    message: \"caps\"\n";

/* Append a copy of every entry of the map `from` (of source `origin`) to `to`;
 * entries whose key `to` has and whose values are both maps or both
 * sequences are merged one level (map entries appended, items appended). */
static void merge_into(tmdk_artifact *d, tmdk_node *to, const tmdk_node *from, uint32_t origin)
{
	size_t i, j;
	for (i = 0; i < from->u.map.count; i++) {
		const tmdk_node *k = from->u.map.keys[i], *v = from->u.map.values[i];
		long at = tmdk__node_map_find(to, k->u.scalar.text, k->u.scalar.len);
		tmdk_node *mine = at >= 0 ? to->u.map.values[at] : NULL;
		if (mine && mine->type == TMDK_NODE_MAP && v->type == TMDK_NODE_MAP) {
			merge_into(d, mine, v, origin);
		} else if (mine && mine->type == TMDK_NODE_SEQUENCE && v->type == TMDK_NODE_SEQUENCE) {
			for (j = 0; j < v->u.seq.count; j++) {
				tmdk_node *c = tmdk__node_copy(d, v->u.seq.items[j], origin, NULL);
				cr_assert_not_null(c);
				cr_assert_eq(tmdk__node_seq_push(&d->arena, mine, c), TMDK_OK);
			}
		} else {
			tmdk_node *ck = tmdk__node_copy(d, k, origin, NULL), *cv = tmdk__node_copy(d, v, origin, NULL);
			cr_assert(ck && cv);
			cr_assert_eq(tmdk__node_map_append(&d->arena, to, ck, cv), TMDK_OK);
		}
	}
}

/* The project base + override as one derived artifact named "project". */
static tmdk_artifact *derived_project(void)
{
	tmdk_artifact *base = parse_as("compose.yaml", base_text, KC);
	tmdk_artifact *over = parse_as("compose.override.yaml", override_text, KC);
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *d = NULL;
	tmdk_document *doc;
	tmdk_error err;
	uint32_t ob, oo;
	size_t copied = 0;

	tmdk__parse_options_fill(&o);
	cr_assert_eq(tmdk__artifact_new_derived(&d, "project", KC, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk__artifact_add_source(d, base, &ob), TMDK_OK);
	cr_assert_eq(tmdk__artifact_add_source(d, over, &oo), TMDK_OK);
	cr_assert_eq(ob, 1);
	cr_assert_eq(oo, 2);
	doc = tmdk__artifact_add_document(d);
	cr_assert_not_null(doc);
	doc->root = tmdk__node_copy(d, tmdk_document_root(tmdk_artifact_document(base, 0)), ob, &copied);
	cr_assert_not_null(doc->root);
	cr_assert_gt(copied, 8);
	doc->line = doc->root->line;
	merge_into(d, doc->root, tmdk_document_root(tmdk_artifact_document(over, 0)), oo);
	cr_assert_eq(tmdk__artifact_finish_derived(d, &err), TMDK_OK, "%s", err.message);
	return d;
}

static const tmdk_finding *by_id(const tmdk_findings *list, const char *id)
{
	size_t i;
	for (i = 0; i < tmdk_findings_count(list); i++)
		if (!strcmp(tmdk_pattern_id(tmdk_finding_pattern(tmdk_findings_at(list, i))), id))
			return tmdk_findings_at(list, i);
	cr_assert_fail("no %s finding", id);
	return NULL;
}

static void assert_finding(const tmdk_finding *f, const char *path, unsigned int line, unsigned int col,
	const char *evidence, int suppressed)
{
	cr_assert_str_eq(tmdk_finding_path(f), path);
	cr_assert_eq(tmdk_finding_line(f), line, "%s: line %u", tmdk_pattern_id(tmdk_finding_pattern(f)),
		tmdk_finding_line(f));
	if (col)
		cr_assert_eq(tmdk_finding_column(f), col, "%s: column %u", tmdk_pattern_id(tmdk_finding_pattern(f)),
			tmdk_finding_column(f));
	cr_assert_str_eq(tmdk_finding_evidence(f), evidence);
	cr_assert_eq(tmdk_finding_suppressed(f), suppressed, "%s", tmdk_pattern_id(tmdk_finding_pattern(f)));
}

Test(origin, node_keeps_its_source_file)
{
	tmdk_artifact *d = derived_project();
	const tmdk_node *view = tmdk_document_view(tmdk_artifact_document(d, 0));
	const tmdk_node *svc = tmdk_node_at(tmdk_node_get(view, "services"), 0);
	const tmdk_node *env = tmdk_node_get(svc, "environment");

	cr_assert_eq(tmdk_artifact_source_count(d), 2);
	cr_assert_str_eq(tmdk_artifact_name(tmdk_artifact_source(d, 0)), "compose.yaml");
	cr_assert_str_eq(tmdk_artifact_name(tmdk_artifact_source(d, 1)), "compose.override.yaml");
	cr_assert_null(tmdk_artifact_source(d, 2));
	cr_assert_str_eq(tmdk_artifact_name(d), "project");
	cr_assert_eq(tmdk_artifact_kind(d), KC);
	cr_assert_eq(tmdk_node_size(env), 2);
	/* a normalizer's derived node (the {name, value} of "TOKEN=abc") is in the override */
	cr_assert_eq(tmdk_artifact_node_source(d, tmdk_node_get(tmdk_node_at(env, 0), "name")),
		tmdk_artifact_source(d, 0));
	cr_assert_eq(tmdk_artifact_node_source(d, tmdk_node_get(tmdk_node_at(env, 1), "name")),
		tmdk_artifact_source(d, 1));
	cr_assert_eq(tmdk_node_line(tmdk_node_get(tmdk_node_at(env, 1), "value")), 6);
	cr_assert_eq(tmdk_artifact_node_source(d, tmdk_node_get(svc, "image")), tmdk_artifact_source(d, 0));
	/* a parsed artifact is its own source */
	cr_assert_eq(tmdk_artifact_node_source(tmdk_artifact_source(d, 0), svc), tmdk_artifact_source(d, 0));
	cr_assert_eq(tmdk_artifact_source_count(tmdk_artifact_source(d, 0)), 0);
	cr_assert_eq(tmdk_artifact_source_count(NULL), 0);
	cr_assert_null(tmdk_artifact_source(NULL, 0));
	tmdk_artifact_free(d);
}

Test(origin, findings_point_at_the_file_that_set_the_value)
{
	tmdk_compiler *c;
	tmdk_error cerr;
	tmdk_catalog *cat = compile_text_flags(catalog_text, 0, &c, &cerr);
	tmdk_artifact *d;
	tmdk_findings *list = NULL;
	tmdk_error err;

	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	d = derived_project();
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, d, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	assert_finding(by_id(list, "O-IMG"), "compose.yaml", 3, 12, "image: nginx", 0);
	assert_finding(by_id(list, "O-PRIV"), "compose.override.yaml", 4, 17,
		"privileged: true  # tmdk:ignore=O-PRIV lab only", 1);
	cr_assert(strstr(tmdk_finding_suppression(by_id(list, "O-PRIV")), "lab only"));
	assert_finding(by_id(list, "O-ENV"), "compose.override.yaml", 6, 9, "- TOKEN=abc", 0);
	/* inside a literal block: the line of the match in the override */
	assert_finding(by_id(list, "O-CURL"), "compose.override.yaml", 9, 9, "curl http://x.example", 0);
	/* a suppression without a reason keeps the finding and is reported where it is written */
	assert_finding(by_id(list, "O-CAP"), "compose.override.yaml", 10, 15, "cap_add: [ALL]  # tmdk:ignore=O-CAP", 0);
	tmdk_findings_free(list);
	tmdk_artifact_free(d);
	tmdk_catalog_free(cat);
}

Test(origin, unknown_ignores_in_a_source_are_reported_there)
{
	static const char cat_text[] = CATALOG_HEADER
		"  - id: O-IMG\n"
		"    title: untagged\n"
		"    question: what-are-we-going-to-do\n"
		"    risk: latest-tag\n"
		"    severity: low\n"
		"    description: d\n"
		"    mitigation: m\n"
		"    applies-to: [compose]\n"
		"    match: {for-each: \"@services\", where: {path: image, not-matches: \":\"}}\n"
		"    message: \"untagged\"\n";
	tmdk_compiler *c;
	tmdk_catalog *cat = compile_text_flags(cat_text, 0, &c, &(tmdk_error){0});
	tmdk_artifact *d;
	tmdk_findings *list = NULL;
	tmdk_scan_options so = TMDK_SCAN_OPTIONS_INIT;
	tmdk_error err;
	size_t i, unknown = 0, unused = 0;

	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	/* the builtin meta patterns are part of every catalog: O-PRIV and O-CAP are unknown here */
	d = derived_project();
	so.flags = TMDK_SCAN_REPORT_UNUSED_IGNORES;
	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, d, &so, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	for (i = 0; i < tmdk_findings_count(list); i++) {
		const tmdk_finding *f = tmdk_findings_at(list, i);
		const char *id = tmdk_pattern_id(tmdk_finding_pattern(f));
		if (!strcmp(id, TMDK__UNKNOWN_IGNORE_PATTERN_ID)) {
			unknown++;
			cr_assert_str_eq(tmdk_finding_path(f), "compose.override.yaml");
			cr_assert(tmdk_finding_line(f) == 4 || tmdk_finding_line(f) == 10);
		}
		if (!strcmp(id, TMDK__UNUSED_IGNORE_PATTERN_ID))
			unused++;
	}
	cr_assert_eq(unknown, 2, "%zu unknown-ignore findings", unknown);
	cr_assert_eq(unused, 0);
	tmdk_findings_free(list);
	tmdk_artifact_free(d);
	tmdk_catalog_free(cat);
}

Test(origin, add_source_refuses_a_derived_artifact)
{
	tmdk_artifact *d = derived_project(), *d2 = NULL;
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	uint32_t origin = 0;
	tmdk__parse_options_fill(&o);
	cr_assert_eq(tmdk__artifact_new_derived(&d2, "p2", KC, &o, NULL), TMDK_OK);
	cr_assert_eq(tmdk__artifact_add_source(d2, d, &origin), TMDK_EINVAL);
	cr_assert_eq(tmdk__artifact_add_source(d2, NULL, &origin), TMDK_EINVAL);
	cr_assert_eq(tmdk__node_source(d2, NULL), d2);
	tmdk_artifact_free(d2);
	tmdk_artifact_free(d);
}
