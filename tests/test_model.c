/*
 * The system model's container: building, facts lookup, the $model and
 * $facts selector roots, and a model given to the scanner. What each part
 * of the model derives is tested with that part.
 */
#include <criterion/criterion.h>
#include "catalog_helpers.h"

static const char *const two_docs =
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n"
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\n";

Test(model, empty_set_has_a_versioned_root)
{
	tmdk_model *m = NULL;
	tmdk_error err;
	const tmdk_node *root, *v;
	cr_assert_eq(tmdk_model_new(&m, NULL, 0, &err), TMDK_OK);
	root = tmdk_model_root(m);
	cr_assert_not_null(root);
	cr_assert_eq(tmdk_node_get_type(root), TMDK_NODE_MAP);
	v = tmdk_node_get(root, "version");
	cr_assert_not_null(v);
	cr_assert_str_eq(tmdk_node_text(v, NULL), "1");
	tmdk_model_free(m);
}

Test(model, invalid_arguments)
{
	tmdk_model *m = NULL;
	tmdk_error err;
	cr_assert_eq(tmdk_model_new(NULL, NULL, 0, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_model_new(&m, NULL, 2, &err), TMDK_EINVAL);
	cr_assert_str_eq(err.message, "invalid argument");
	cr_assert_null(m);
	cr_assert_null(tmdk_model_root(NULL));
	cr_assert_null(tmdk_model_facts(NULL, NULL));
	tmdk_model_free(NULL);
}

Test(model, facts_of_every_document_are_a_map)
{
	tmdk_artifact *a = parse_as("sa.yaml", two_docs, TMDK_KIND_KUBERNETES);
	const tmdk_artifact *set[] = { a, NULL };
	tmdk_model *m = NULL;
	tmdk_error err;
	size_t d;
	cr_assert_eq(tmdk_model_new(&m, set, 2, &err), TMDK_OK, "%s", err.message);
	for (d = 0; d < tmdk_artifact_document_count(a); d++) {
		const tmdk_node *f = tmdk_model_facts(m, tmdk_artifact_document(a, d));
		cr_assert_not_null(f);
		cr_assert_eq(tmdk_node_get_type(f), TMDK_NODE_MAP);
	}
	cr_assert_null(tmdk_model_facts(m, NULL));
	tmdk_model_free(m);
	tmdk_artifact_free(a);
}

Test(model, selector_roots)
{
	/* $model is the model of the set; $facts of a document without facts selects an empty map. */
	cr_assert_eq(count_matches("kubernetes", "{path: $model.version, equals: 1}", TMDK_KIND_KUBERNETES, two_docs), 2);
	cr_assert_eq(count_matches("kubernetes", "{path: $facts, type: map}", TMDK_KIND_KUBERNETES, two_docs), 2);
	cr_assert_eq(count_matches("kubernetes", "{path: $facts.no_such_part, exists: true}", TMDK_KIND_KUBERNETES, two_docs), 0);
	cr_assert_eq(count_matches("kubernetes", "{path: $model.nothing, exists: true}", TMDK_KIND_KUBERNETES, two_docs), 0);
}

Test(model, unknown_root_is_a_compile_error)
{
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = compile_text(CATALOG_HEADER
		"  - {id: TEST-001, title: t, question: what-can-go-wrong, risk: privilege-escalation, severity: high,\n"
		"     description: d, mitigation: m, applies-to: [kubernetes], message: m,\n"
		"     match: {path: $models.version, exists: true}}\n", &c);
	size_t i;
	int found = 0;
	cr_assert_null(cat);
	for (i = 0; i < tmdk_compiler_diagnostic_count(c); i++)
		found |= strstr(tmdk_compiler_diagnostic(c, i)->message, "unknown scope $models") != NULL;
	cr_assert(found, "no 'unknown scope $models' diagnostic");
	tmdk_compiler_free(c);
}

static int count_cb(const tmdk_finding *f, void *payload)
{
	(void)f;
	++*(size_t *)payload;
	return 0;
}

Test(model, scanner_uses_the_given_model_for_every_call)
{
	tmdk_catalog *cat = one_pattern("kubernetes", "{path: $model.version, equals: 1}", "m");
	tmdk_artifact *a = parse_as("sa.yaml", two_docs, TMDK_KIND_KUBERNETES);
	const tmdk_artifact *set[] = { a };
	tmdk_scanner *s = NULL;
	tmdk_model *m = NULL;
	tmdk_error err;
	size_t n = 0;
	cr_assert_eq(tmdk_model_new(&m, set, 1, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_new(&s, cat, NULL, &err), TMDK_OK);
	tmdk_scanner_set_model(s, m);
	cr_assert_eq(tmdk_scanner_scan_set(s, set, 1, count_cb, &n, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_scanner_scan_range(s, set, 1, 0, 1, count_cb, &n, &err), TMDK_OK);
	/* Back to a model derived per call: the same findings. */
	tmdk_scanner_set_model(s, NULL);
	cr_assert_eq(tmdk_scanner_scan_set(s, set, 1, count_cb, &n, &err), TMDK_OK);
	cr_assert_eq(n, 6);
	tmdk_scanner_set_model(NULL, m);
	tmdk_scanner_free(s);
	tmdk_model_free(m);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}
