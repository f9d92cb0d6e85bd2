/*
 * Kubernetes label selectors (libtmdk/label_selector.c): the one matcher of
 * ClusterRole aggregation, NetworkPolicy and Service selection.
 */
#include "helpers.h"
#include "label_selector.h"

/* Plain YAML, no detection. */
static tmdk_artifact *load_yaml(const char *text)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;

	cr_assert_eq(tmdk__artifact_load_yaml(&a, "x.yaml", text, strlen(text), NULL, &err), TMDK_OK, "%s", err.message);
	return a;
}

/* Does the selector (flow YAML) select the labels (flow YAML)? */
static int sel(const char *selector, const char *labels)
{
	char text[2048];
	tmdk_artifact *a;
	const tmdk_node *root;
	int r;

	snprintf(text, sizeof(text), "s: %s\nl: %s\n", selector, labels);
	a = load_yaml(text);
	root = tmdk_document_root(tmdk_artifact_document(a, 0));
	r = tmdk__label_selector_matches(tmdk_node_get(root, "s"), tmdk_node_get(root, "l"));
	tmdk_artifact_free(a);
	return r;
}

Test(label_selector, empty_selects_everything)
{
	cr_assert(sel("{}", "{app: web}"));
	cr_assert(sel("{}", "~"));
	cr_assert(sel("{matchLabels: {}}", "{app: web}"));
	cr_assert(sel("{matchLabels: ~, matchExpressions: []}", "{}"));
}

Test(label_selector, match_labels)
{
	cr_assert(sel("{matchLabels: {app: web}}", "{app: web, tier: front}"));
	cr_assert_not(sel("{matchLabels: {app: web}}", "{app: api}"));
	cr_assert_not(sel("{matchLabels: {app: web}}", "~"));
	cr_assert(sel("{matchLabels: {version: 1}}", "{version: '1'}"), "label values compare as text");
	cr_assert_not(sel("{matchLabels: {app: web, tier: db}}", "{app: web}"));
}

Test(label_selector, match_expressions)
{
	cr_assert(sel("{matchExpressions: [{key: app, operator: In, values: [web, api]}]}", "{app: api}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: In, values: [web]}]}", "{tier: x}"));
	cr_assert(sel("{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", "{app: web}"));
	cr_assert(sel("{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", "{}"),
		"NotIn holds when the label is absent");
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", "{app: db}"));
	cr_assert(sel("{matchExpressions: [{key: app, operator: Exists}]}", "{app: ''}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: Exists}]}", "{}"));
	cr_assert(sel("{matchExpressions: [{key: app, operator: DoesNotExist}]}", "{tier: x}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: DoesNotExist}]}", "{app: x}"));
	/* ANDed with matchLabels */
	cr_assert_not(sel("{matchLabels: {tier: front}, matchExpressions: [{key: app, operator: Exists}]}",
		"{app: web}"));
}

Test(label_selector, malformed_selects_nothing)
{
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: Equals, values: [web]}]}", "{app: web}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: In}]}", "{app: web}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: In, values: []}]}", "{app: web}"));
	cr_assert_not(sel("{matchExpressions: [{key: app, operator: Exists, values: [x]}]}", "{app: web}"));
	cr_assert_not(sel("{matchExpressions: {key: app}}", "{app: web}"));
	cr_assert_not(sel("{matchExpressions: [42]}", "{app: web}"));
	cr_assert_not(sel("[app]", "{app: web}"));
	cr_assert_not(sel("{matchLabels: [app]}", "{app: web}"));
	cr_assert_not(sel("{matchLabels: {app: {x: 1}}}", "{app: web}"));
	/* labels without matchLabels: rejected by the API server, never "everything" */
	cr_assert_not(sel("{app: web}", "{app: web}"));
	cr_assert_not(sel("{app: web}", "{app: api}"));
}

Test(label_selector, plain_maps_and_emptiness)
{
	tmdk_artifact *a = load_yaml("m: {app: web}\nl: {app: web, x: y}\ne: {}\nn: [1]\n"
		"s1: {matchLabels: {}}\ns2: {app: web}\n");
	const tmdk_node *r = tmdk_document_root(tmdk_artifact_document(a, 0));

	cr_assert(tmdk__label_map_matches(tmdk_node_get(r, "m"), tmdk_node_get(r, "l")));
	cr_assert_not(tmdk__label_map_matches(tmdk_node_get(r, "l"), tmdk_node_get(r, "m")));
	cr_assert(tmdk__label_map_matches(tmdk_node_get(r, "e"), tmdk_node_get(r, "m")));
	cr_assert_not(tmdk__label_map_matches(tmdk_node_get(r, "n"), tmdk_node_get(r, "m")));
	cr_assert_not(tmdk__label_map_matches(NULL, tmdk_node_get(r, "m")));
	cr_assert(tmdk__label_selector_is_empty(NULL));
	cr_assert(tmdk__label_selector_is_empty(tmdk_node_get(r, "e")));
	cr_assert(tmdk__label_selector_is_empty(tmdk_node_get(r, "s1")));
	cr_assert_not(tmdk__label_selector_is_empty(tmdk_node_get(r, "s2")));
	cr_assert_not(tmdk__label_selector_is_empty(tmdk_node_get(r, "m")));
	tmdk_artifact_free(a);
}
