/* The match language: selectors, predicates, combinators, scopes, templates. */
#include "catalog_helpers.h"

#define K8S "kubernetes"
#define KK TMDK_KIND_KUBERNETES

static const char pod[] =
	"apiVersion: v1\n"                          /* 1 */
	"kind: Pod\n"                               /* 2 */
	"metadata:\n"                               /* 3 */
	"  name: web\n"                             /* 4 */
	"  namespace: prod\n"                       /* 5 */
	"  labels: {app: web, tier: front}\n"       /* 6 */
	"spec:\n"                                   /* 7 */
	"  securityContext: {runAsNonRoot: true}\n" /* 8 */
	"  containers:\n"                           /* 9 */
	"    - name: app\n"                         /* 10 */
	"      image: nginx:1.25\n"                 /* 11 */
	"      ports: [{containerPort: 80}, {containerPort: 22}]\n" /* 12 */
	"      securityContext: {privileged: true, capabilities: {add: [NET_ADMIN, SYS_TIME]}}\n" /* 13 */
	"      env:\n"                              /* 14 */
	"        - {name: DB_PASSWORD, value: hunter2}\n" /* 15 */
	"        - {name: MODE, value: \"0\"}\n"    /* 16 */
	"    - name: sidecar\n"                     /* 17 */
	"      image: busybox\n"                    /* 18 */
	"      securityContext: {runAsNonRoot: false, privileged: \"yes\"}\n"; /* 19 */

Test(match, for_each_yields_one_finding_per_element)
{
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\"}", KK, pod), 2);
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: name, equals: app}}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: name, equals: nope}}", KK, pod), 0);
}

Test(match, bare_condition_yields_one_finding_per_document)
{
	cr_assert_eq(count_matches(K8S, "{path: kind, equals: Pod}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: kind, equals: Deployment}", KK, pod), 0);
}

Test(match, equals_is_lenient_for_booleans_and_numbers)
{
	/* privileged: true (bool) and privileged: "yes" (string) both count as true */
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: spec.securityContext.privileged, equals: true}}", KK, pod), 2);
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: \"spec.env[?name == MODE].value\", equals: 0}}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: \"spec.ports[*].containerPort\", equals: \"22\"}}", KK, pod), 1,
		"a string value compares with the text of any scalar");
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {path: \"spec.ports[*].containerPort\", equals: 22}}", KK, pod), 1);
}

Test(match, predicates)
{
	cr_assert_eq(count_matches(K8S, "{path: metadata.namespace, one-of: [prod, staging]}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: metadata.namespace, not-one-of: [prod, staging]}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: metadata.name, not-equals: web}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].image\", matches: \"^nginx:\"}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].image\", not-matches: \"^busybox\"}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].ports[*].containerPort\", gt: 80}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].ports[*].containerPort\", lt: 80}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].ports[*].containerPort\", gte: 80}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].ports[*].containerPort\", lte: 21}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].securityContext.capabilities.add\", contains: SYS_TIME}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].securityContext.capabilities.add\", contains: [ALL, SYS_ADMIN]}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].securityContext.capabilities.add\", not-contains: ALL}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].image\", contains: \"nx:1\"}", KK, pod), 1, "substring");
	cr_assert_eq(count_matches(K8S, "{path: metadata.labels, type: map}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].ports[0].containerPort\", type: number}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].ports[0].containerPort\", type: string}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: spec.securityContext.runAsNonRoot, truthy: true}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: spec.hostNetwork, falsy: true}", KK, pod), 1, "absent is falsy");
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[1].securityContext.runAsNonRoot\", falsy: true}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: metadata.name, equals: WEB, ignore-case: true}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: metadata.name, equals: WEB}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: metadata.uid, exists: false}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*]\", count-gt: 1}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*]\", count-gt: 2}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*]\", count-lt: 3}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.nothing[*]\", count-lt: 1}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: metadata.uid, absent: true}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: metadata.name, exists: true}", KK, pod), 1);
}

Test(match, every_item_requires_all_selected_nodes)
{
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].image\", matches: \":\", every-item: true}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[*].name\", matches: \"^[a-z]+$\", every-item: true}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.nothing[*]\", equals: x, every-item: true}", KK, pod), 0,
		"every-item over nothing does not hold");
}

Test(match, selectors)
{
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[-1].name\", equals: sidecar}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[5].name\", exists: true}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"metadata.labels.*\", equals: front}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"$raw.**.containerPort\", equals: 22}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?name == 'sidecar'].image\", equals: busybox}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?image =~ '^nginx'].name\", equals: app}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?ports].name\", equals: sidecar}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?!ports].name\", equals: sidecar}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[0].ports[?containerPort >= 22].containerPort\", lt: 80}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"metadata[\\\"namespace\\\"]\", equals: prod}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"$doc[?kind == Pod].name\", equals: web}", KK, pod), 1, "filter on a map tests the map");
	cr_assert_eq(count_matches(K8S, "{path: \"metadata.labels.~\", equals: tier}", KK, pod), 1, "~ selects the keys of a map");
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?image =~ 'nginx:1\\\\.25'].name\", equals: app}", KK, pod), 1,
		"a backslash before anything but a quote stays in the regex");
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?image =~ 'nginx:1\\\\.2\\\\d'].name\", equals: app}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{path: \"spec.containers[?image =~ 'nginx.1\\\\.\\\\s'].name\", exists: true}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{path: \"metadata.labels.~\", equals: front}", KK, pod), 0, "keys, not values");
	cr_assert_eq(count_matches(K8S, "{path: \"metadata.name.~\", exists: true}", KK, pod), 0, "a scalar has no keys");
}

Test(match, combinators)
{
	cr_assert_eq(count_matches(K8S, "{all: [{path: kind, equals: Pod}, {path: metadata.name, equals: web}]}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{all: [{path: kind, equals: Pod}, {path: metadata.name, equals: x}]}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{any: [{path: kind, equals: Job}, {path: metadata.name, equals: web}]}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{any: [{path: kind, equals: Job}, {path: metadata.name, equals: x}]}", KK, pod), 0);
	cr_assert_eq(count_matches(K8S, "{not: {path: kind, equals: Job}}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "[{path: kind, equals: Pod}, {path: apiVersion, equals: v1}]", KK, pod), 1, "a list means all");
}

Test(match, parents_are_reached_through_scopes)
{
	/* A container without its own runAsNonRoot is covered by the pod's; sidecar overrides it with false. */
	const char *m = "{for-each: \"@containers\", where: {any: ["
		"{path: spec.securityContext.runAsNonRoot, equals: false},"
		"{all: [{path: spec.securityContext.runAsNonRoot, absent: true}, {path: $doc.pod_spec.securityContext.runAsNonRoot, falsy: true}]}]}}";
	tmdk_catalog *cat = one_pattern(K8S, m, "{name}");
	tmdk_findings *list = scan_text(cat, KK, NULL, pod);
	cr_assert_eq(tmdk_findings_count(list), 1);
	cr_assert_str_eq(tmdk_finding_message(tmdk_findings_at(list, 0)), "sidecar");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(match, quantifiers_and_named_scopes)
{
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", as: c, where: {some: \"spec.env[*]\", where: {path: name, matches: PASSWORD}}}", KK, pod), 1);
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {none: \"spec.env[*]\"}}", KK, pod), 1, "sidecar has no env");
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {every: \"spec.env[*]\", where: {path: value, exists: true}}}", KK, pod), 2,
		"every is true for an empty selection");
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", as: c, where: {some: \"$doc.containers[*]\", where: {all: ["
		"{path: name, not-equals: x}, {path: image, same-as: $c.image}]}}}", KK, pod), 2, "named scope and same-as");
	cr_assert_eq(count_matches(K8S, "{for-each: \"@containers\", where: {some: \"spec.env[*]\", where: {path: $outer.name, equals: app}}}", KK, pod), 1,
		"$outer is the container");
}

Test(match, nested_for_each_reports_the_innermost_element)
{
	tmdk_catalog *cat = one_pattern(K8S, "{for-each: \"@containers\", as: c, then: {for-each: \"spec.env[*]\", where: {path: name, matches: \"(?i)pass\"}}}",
		"{$c.name}: {name} = {value}");
	tmdk_findings *list = scan_text(cat, KK, NULL, pod);
	const tmdk_finding *f;
	cr_assert_eq(tmdk_findings_count(list), 1);
	f = tmdk_findings_at(list, 0);
	cr_assert_str_eq(tmdk_finding_message(f), "app: DB_PASSWORD = hunter2");
	cr_assert_eq(tmdk_finding_line(f), 15);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(match, location_is_the_most_specific_node)
{
	tmdk_catalog *cat = one_pattern(K8S, "{for-each: \"@containers\", where: {all: [{path: name, equals: app}, {path: spec.securityContext.privileged, equals: true}]}}", "x");
	tmdk_findings *list = scan_text(cat, KK, NULL, pod);
	const tmdk_finding *f = tmdk_findings_at(list, 0);
	cr_assert_eq(tmdk_findings_count(list), 1);
	/* `all` points at its first child that matched something specific: the name. */
	cr_assert_eq(tmdk_finding_line(f), 10);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);

	cat = one_pattern(K8S, "{for-each: \"@containers\", where: {path: spec.securityContext.privileged, truthy: true}}", "x");
	list = scan_text(cat, KK, NULL, pod);
	cr_assert_eq(tmdk_findings_count(list), 2);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 0)), 13);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 1)), 19);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);

	/* Something absent: the element that lacks it. */
	cat = one_pattern(K8S, "{for-each: \"@containers\", where: {path: spec.resources, absent: true}}", "x");
	list = scan_text(cat, KK, NULL, pod);
	cr_assert_eq(tmdk_findings_count(list), 2);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 0)), 10);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 1)), 17);
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(match, templates_interpolate_captures)
{
	tmdk_catalog *cat = one_pattern(K8S, "{for-each: \"@containers\", where: {path: image, matches: \"[^:]+$\"}}",
		"container `{name}` of {$doc.kind} {$doc.name} uses {image} ({$match}); adds {spec.securityContext.capabilities.add}; {{literal}} {missing}");
	tmdk_findings *list = scan_text(cat, KK, NULL, pod);
	cr_assert_eq(tmdk_findings_count(list), 2);
	cr_assert_str_eq(tmdk_finding_message(tmdk_findings_at(list, 0)),
		"container `app` of Pod web uses nginx:1.25 (1.25); adds NET_ADMIN, SYS_TIME; {literal} ?");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(match, cross_document_conditions_see_the_scan_set)
{
	static const char rbac[] =
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
		"rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [list]}]\n"
		"---\n"
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: unbound}\n"
		"rules: [{apiGroups: [\"\"], resources: [\"*\"], verbs: [\"*\"]}]\n"
		"---\n"
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
		"roleRef: {kind: ClusterRole, name: reader}\nsubjects: [{kind: User, name: bob}]\n";
	const char *m = "{for-each: \"$doc[?kind == ClusterRole]\", as: role, where: {all: ["
		"{some: \"$raw.rules[*]\", where: {all: [{path: \"resources[*]\", one-of: [secrets, \"*\"]}, {path: \"verbs[*]\", one-of: [list, \"*\"]}]}},"
		"{some: \"$set[?kind == ClusterRoleBinding]\", where: {path: \"$raw.roleRef.name\", same-as: $role.name}}]}}";
	/* $raw inside the set refers to the scanned document, so compare through the binding's view. */
	const char *m2 = "{for-each: \"$doc[?kind == ClusterRole]\", as: role, where: {all: ["
		"{some: \"$raw.rules[*]\", where: {all: [{path: \"resources[*]\", one-of: [secrets, \"*\"]}, {path: \"verbs[*]\", one-of: [list, \"*\"]}]}},"
		"{some: \"$set[?kind == ClusterRoleBinding]\", where: {path: role_ref.name, same-as: $role.name}}]}}";
	tmdk_catalog *cat = one_pattern(K8S, m2, "{name}");
	tmdk_findings *list = scan_text(cat, KK, NULL, rbac);
	(void)m;
	cr_assert_eq(tmdk_findings_count(list), 1);
	cr_assert_str_eq(tmdk_finding_message(tmdk_findings_at(list, 0)), "reader");
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

Test(match, patterns_only_see_their_kinds)
{
	cr_assert_eq(count_matches("dockerfile", "{path: kind, exists: true}", KK, pod), 0);
}

/* Where an absent key is reported. */
static void absent_at(const char *kind_name, tmdk_kind kind, const char *match, const char *text, unsigned int line,
	const char *evidence)
{
	tmdk_catalog *cat = one_pattern(kind_name, match, "m");
	tmdk_findings *list = scan_text(cat, kind, NULL, text);
	const tmdk_finding *f;
	cr_assert_eq(tmdk_findings_count(list), 1, "%s", match);
	f = tmdk_findings_at(list, 0);
	cr_assert_eq(tmdk_finding_line(f), line, "%s: line %u, expected %u", match, tmdk_finding_line(f), line);
	cr_assert(strstr(tmdk_finding_evidence(f), evidence), "%s: evidence '%s'", match, tmdk_finding_evidence(f));
	tmdk_findings_free(list);
	tmdk_catalog_free(cat);
}

/* A JSON document opening with `{` on a line of its own: an absent key is reported at the closest
 * related key, else at the last key, never at `{`; documents whose first line holds a key keep it. */
Test(match, absent_keys_never_point_at_an_opening_brace)
{
	static const char daemon[] =
		"{\n"
		"  \"log-driver\": \"json-file\",\n"
		"  \"log-opts\": {\"max-file\": \"3\"},\n"
		"  \"icc\": false\n"
		"}\n";
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{path: userns-remap, absent: true}", daemon, 4, "\"icc\": false");
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{path: log-opts.max-size, absent: true}", daemon, 3, "max-file");
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{path: log-format, absent: true}", daemon, 2, "log-driver");
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{all: [{path: icc, exists: true}, {path: live-restore, absent: true}]}",
		daemon, 4, "\"icc\": false");
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{path: $doc.tlscert, absent: true}", daemon, 4, "\"icc\"");
	/* a key on the first line: that line names the document */
	absent_at("daemon-json", TMDK_KIND_DAEMON_JSON, "{path: userns-remap, absent: true}",
		"{\"icc\": false,\n \"debug\": true}\n", 1, "\"icc\": false");
	/* YAML: the document's first line, as before */
	absent_at("kubernetes", TMDK_KIND_KUBERNETES, "{path: spec.hostUsers, absent: true}",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a}]\n", 1, "apiVersion");
}
