/*
 * The model's RBAC and NetworkPolicy parts (model_rbac*.c, model_network.c),
 * through tmdk_model_new: facts of roles, bindings, ServiceAccounts and
 * workloads, $model.rbac and $model.network.
 */
#include "helpers.h"
#include "tmdk/model.h"

typedef struct world {
	tmdk_artifact *a;
	tmdk_model *m;
} world;

static void build(world *w, const char *yaml)
{
	const tmdk_artifact *set[1];
	tmdk_error err;

	w->a = parse_as("set.yaml", yaml, TMDK_KIND_KUBERNETES);
	set[0] = w->a;
	cr_assert_eq(tmdk_model_new(&w->m, set, 1, &err), TMDK_OK, "%s", err.message);
}

static void unbuild(world *w)
{
	tmdk_model_free(w->m);
	tmdk_artifact_free(w->a);
}

/* The fact at `path` of document k. */
static const tmdk_node *fact(const world *w, size_t k, const char *path)
{
	return tmdk_node_path(tmdk_model_facts(w->m, tmdk_artifact_document(w->a, k)), path);
}

static int truthy(const tmdk_node *n)
{
	int v = 0;

	cr_assert_not_null(n, "missing fact");
	cr_assert_eq(tmdk_node_as_bool(n, &v), TMDK_OK);
	return v;
}

/* Does a sequence of scalars hold `text`? */
static int holds(const tmdk_node *seq, const char *text)
{
	size_t i;

	for (i = 0; i < tmdk_node_size(seq); i++)
		if (tmdk_node_text_equals(tmdk_node_at(seq, i), text))
			return 1;
	return 0;
}

#define ROLE_SECRETS \
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\n" \
	"rules:\n- apiGroups: ['']\n  resources: [secrets]\n  verbs: [list]\n" \
	"- apiGroups: ['']\n  resources: [nodes/proxy]\n  verbs: [get]\n"

Test(model_rbac, workload_runs_as_an_account_bound_cluster_wide)
{
	world w;

	build(&w, ROLE_SECRETS
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: web-secrets}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n"
		"subjects: [{kind: ServiceAccount, name: web, namespace: shop}]\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
		"spec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers: [{name: w, image: web:1}]\n"
		"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n");
	/* the role: grants, answers at the rule that grants them, what binds it */
	cr_assert(truthy(fact(&w, 0, "rbac.can.list_secrets")));
	cr_assert_eq(tmdk_node_line(fact(&w, 0, "rbac.can.list_secrets")), 6);
	cr_assert(truthy(fact(&w, 0, "rbac.can.proxy_nodes")));
	cr_assert_eq(tmdk_node_line(fact(&w, 0, "rbac.can.proxy_nodes")), 9);
	cr_assert_not(truthy(fact(&w, 0, "rbac.can.exec_pods")));
	cr_assert_eq(tmdk_node_size(fact(&w, 0, "rbac.grants")), 2);
	cr_assert(holds(fact(&w, 0, "rbac.bound_to"), "ServiceAccount:shop/web"));
	cr_assert(holds(fact(&w, 0, "rbac.bound_by"), "ClusterRoleBinding/web-secrets"));
	cr_assert(truthy(fact(&w, 0, "rbac.bound_cluster_wide")));
	/* the binding */
	cr_assert(truthy(fact(&w, 1, "rbac.role_found")));
	cr_assert(truthy(fact(&w, 1, "rbac.can.read_secrets")));
	/* the workload: its account's answers, at serviceAccountName */
	cr_assert(tmdk_node_text_equals(fact(&w, 2, "rbac.service_account"), "web"));
	cr_assert(truthy(fact(&w, 2, "rbac.can.read_secrets")));
	cr_assert(truthy(fact(&w, 2, "rbac.cluster_wide.list_secrets")));
	cr_assert(truthy(fact(&w, 2, "rbac.token_mounted")));
	cr_assert_eq(tmdk_node_line(fact(&w, 2, "rbac.can.read_secrets")), 24);
	cr_assert(holds(fact(&w, 2, "rbac.via"), "ClusterRoleBinding/web-secrets \xe2\x86\x92 ClusterRole/secret-reader"));
	/* the ServiceAccount document */
	cr_assert(holds(fact(&w, 3, "rbac.used_by"), "k8s:shop/Deployment/web"));
	cr_assert(truthy(fact(&w, 3, "rbac.can.proxy_nodes")));
	cr_assert_not(truthy(fact(&w, 3, "rbac.builtin")));
	unbuild(&w);
}

Test(model_rbac, rolebinding_scopes_a_clusterrole_to_its_namespace)
{
	world w;

	/* subject without namespace: the RoleBinding's; the workload names the deprecated serviceAccount */
	build(&w, ROLE_SECRETS
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n"
		"subjects: [{kind: ServiceAccount, name: web}]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
		"spec: {serviceAccount: web, automountServiceAccountToken: false, containers: [{name: c, image: x}]}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: other}\n"
		"spec: {serviceAccountName: web, containers: [{name: c, image: x}]}\n");
	cr_assert(truthy(fact(&w, 2, "rbac.can.read_secrets")));
	cr_assert_not(truthy(fact(&w, 2, "rbac.cluster_wide.read_secrets")));
	cr_assert_not(truthy(fact(&w, 2, "rbac.can.proxy_nodes")), "nodes are cluster-scoped");
	cr_assert_not(truthy(fact(&w, 2, "rbac.token_mounted")));
	cr_assert_not(truthy(fact(&w, 3, "rbac.can.read_secrets")), "another namespace's web");
	cr_assert_not(truthy(fact(&w, 1, "rbac.can.proxy_nodes")));
	cr_assert_not(truthy(fact(&w, 0, "rbac.bound_cluster_wide")));
	unbuild(&w);
}

Test(model_rbac, aggregated_clusterroles)
{
	world w;

	build(&w,
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: monitoring}\n"
		"aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {example.com/aggregate-to-monitoring: 'true'}\n"
		"  - matchExpressions: [{key: tier, operator: In, values: [debug]}]\n"
		"rules: []\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
		"metadata: {name: exec-part, labels: {example.com/aggregate-to-monitoring: 'true'}}\n"
		"rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
		"metadata: {name: debug-part, labels: {tier: debug}}\n"
		"rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
		"metadata: {name: other, labels: {example.com/aggregate-to-monitoring: 'false'}}\n"
		"rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
		"metadata: {name: ns-role, namespace: x, labels: {tier: debug}}\n"
		"rules: [{apiGroups: [''], resources: [pods], verbs: [create]}]\n");
	cr_assert(truthy(fact(&w, 0, "rbac.can.exec_pods")));
	cr_assert(truthy(fact(&w, 0, "rbac.can.read_secrets")));
	cr_assert_not(truthy(fact(&w, 0, "rbac.can.all_resources")), "labels that do not match");
	cr_assert_not(truthy(fact(&w, 0, "rbac.can.create_pods")), "a Role is never aggregated");
	cr_assert(holds(fact(&w, 0, "rbac.aggregated_from"), "exec-part"));
	cr_assert(holds(fact(&w, 0, "rbac.aggregated_from"), "debug-part"));
	cr_assert_eq(tmdk_node_size(fact(&w, 0, "rbac.aggregated_from")), 2);
	/* positioned at the aggregation rule, in the aggregated role's own document */
	cr_assert_eq(tmdk_node_line(fact(&w, 0, "rbac.can.exec_pods")), 6);
	unbuild(&w);
}

Test(model_rbac, groups_default_accounts_and_builtin_roles)
{
	world w;

	build(&w,
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: all-sa-edit, namespace: shop}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\n"
		"subjects: [{kind: Group, name: 'system:serviceaccounts:shop', apiGroup: rbac.authorization.k8s.io}]\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
		"spec: {template: {spec: {containers: [{name: c, image: x}]}}}\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ghost, namespace: shop}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}\n"
		"subjects: [{kind: User, name: alice}]\n"
		"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: bad}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: anything}\n"
		"subjects: [{kind: User, name: bob}]\n");
	cr_assert(truthy(fact(&w, 0, "rbac.builtin")));
	cr_assert(truthy(fact(&w, 0, "rbac.can.read_secrets")));
	cr_assert(tmdk_node_text_equals(fact(&w, 1, "rbac.service_account"), "default"));
	cr_assert(truthy(fact(&w, 1, "rbac.can.exec_pods")), "held through system:serviceaccounts:shop");
	cr_assert(holds(fact(&w, 1, "rbac.via"),
		"RoleBinding/all-sa-edit (group system:serviceaccounts:shop) \xe2\x86\x92 ClusterRole/edit"));
	cr_assert_not(truthy(fact(&w, 2, "rbac.role_found")));
	cr_assert_not(truthy(fact(&w, 2, "rbac.can.read_secrets")));
	cr_assert(truthy(fact(&w, 3, "rbac.builtin")));
	cr_assert(holds(fact(&w, 3, "rbac.used_by"), "k8s:shop/Deployment/api"));
	cr_assert_not(truthy(fact(&w, 4, "rbac.role_found")), "a ClusterRoleBinding cannot name a Role");
	unbuild(&w);
}

Test(model_rbac, model_lists_roles_and_subjects)
{
	world w;
	const tmdk_node *root, *subjects;

	build(&w, ROLE_SECRETS
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b1}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n"
		"subjects: [{kind: User, name: zed}, {kind: Group, name: ops}, {kind: User, name: amy}]\n");
	root = tmdk_model_root(w.m);
	cr_assert_eq(tmdk_node_size(tmdk_node_path(root, "rbac.roles")), 1);
	cr_assert(tmdk_node_text_equals(tmdk_node_path(root, "rbac.roles[0].file"), "set.yaml"));
	subjects = tmdk_node_path(root, "rbac.subjects");
	cr_assert_eq(tmdk_node_size(subjects), 3);
	/* sorted by kind, namespace, name */
	cr_assert(tmdk_node_text_equals(tmdk_node_path(subjects, "[0].name"), "ops"));
	cr_assert(tmdk_node_text_equals(tmdk_node_path(subjects, "[1].name"), "amy"));
	cr_assert(tmdk_node_text_equals(tmdk_node_path(subjects, "[2].name"), "zed"));
	cr_assert(tmdk_node_text_equals(tmdk_node_path(subjects, "[1].bindings[0].role"), "ClusterRole/secret-reader"));
	cr_assert(truthy(tmdk_node_path(subjects, "[1].can.list_secrets")));
	unbuild(&w);
}

#define POD(name, ns, labels) \
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " name ", namespace: " ns "}\n" \
	"spec: {template: {metadata: {labels: " labels "}, spec: {containers: [{name: c, image: x}]}}}\n"

Test(model_network, isolation_by_selection)
{
	world w;
	const tmdk_node *ns;

	build(&w,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-in, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: lb}}}]}]\n"
		POD("web", "shop", "{app: web}")
		POD("api", "shop", "{app: api}")
		POD("web2", "other", "{app: web}")
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ghost, namespace: shop}\n"
		"spec: {podSelector: {matchExpressions: [{key: app, operator: In, values: [nothing]}]}}\n");
	cr_assert(truthy(fact(&w, 1, "network.ingress_isolated")));
	cr_assert_not(truthy(fact(&w, 1, "network.egress_isolated")));
	cr_assert(holds(fact(&w, 1, "network.policies"), "web-in"));
	cr_assert_not(truthy(fact(&w, 2, "network.ingress_isolated")), "a policy selecting other pods");
	cr_assert_not(truthy(fact(&w, 3, "network.ingress_isolated")), "a policy of another namespace");
	cr_assert(holds(fact(&w, 0, "network.selects"), "k8s:shop/Deployment/web"));
	cr_assert_not(truthy(fact(&w, 0, "network.selects_nothing")));
	cr_assert(truthy(fact(&w, 4, "network.selects_nothing")));
	cr_assert_not(truthy(fact(&w, 0, "network.default_deny_ingress")));
	/* what the namespace has, for patterns that only speak where policies are in use */
	cr_assert(tmdk_node_text_equals(fact(&w, 2, "network.namespace_policies"), "2"));
	cr_assert(tmdk_node_text_equals(fact(&w, 3, "network.namespace_policies"), "0"));
	cr_assert(truthy(fact(&w, 2, "network.namespace_has_ingress_policies")));
	cr_assert_not(truthy(fact(&w, 2, "network.namespace_has_egress_policies")));
	cr_assert(tmdk_node_text_equals(fact(&w, 0, "network.namespace_workloads"), "2"));
	cr_assert(truthy(fact(&w, 0, "network.first_in_namespace")));
	cr_assert_not(truthy(fact(&w, 4, "network.first_in_namespace")));
	ns = tmdk_node_path(tmdk_model_root(w.m), "network.namespaces");
	cr_assert_eq(tmdk_node_size(ns), 2);
	cr_assert(tmdk_node_text_equals(tmdk_node_path(ns, "[0].name"), "other"));
	cr_assert_eq(tmdk_node_size(tmdk_node_path(tmdk_model_root(w.m), "network.workloads")), 3);
	unbuild(&w);
}

Test(model_network, policy_types_default_deny_and_allow_all)
{
	world w;

	build(&w,
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n"
		"spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - {}\n"
		"  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: narrow, namespace: shop}\n"
		"spec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: 80}]\n"
		"  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}, {namespaceSelector: {}, podSelector: {matchLabels: {a: b}}}]\n"
		POD("web", "shop", "{app: web}"));
	cr_assert(truthy(fact(&w, 0, "network.default_deny_ingress")));
	cr_assert(truthy(fact(&w, 0, "network.default_deny_egress")));
	cr_assert(truthy(fact(&w, 1, "network.default_deny_egress")));
	cr_assert(truthy(fact(&w, 1, "network.selects_all")));
	cr_assert(holds(fact(&w, 2, "network.types"), "Egress"), "egress rules imply the Egress type");
	cr_assert(truthy(fact(&w, 2, "network.allows_all_ingress")));
	cr_assert_eq(tmdk_node_line(fact(&w, 2, "network.allows_all_ingress")), 16);
	cr_assert(truthy(fact(&w, 2, "network.allows_all_egress")));
	cr_assert_not(truthy(fact(&w, 3, "network.allows_all_ingress")), "ports, an exception, a pod selector");
	cr_assert_not(holds(fact(&w, 3, "network.types"), "Egress"));
	cr_assert(truthy(fact(&w, 4, "network.ingress_isolated")));
	cr_assert(truthy(fact(&w, 4, "network.egress_isolated")));
	cr_assert_eq(tmdk_node_size(fact(&w, 4, "network.policies")), 3);
	cr_assert(truthy(fact(&w, 4, "network.namespace_default_deny_egress")));
	cr_assert(truthy(fact(&w, 3, "network.namespace_default_deny_ingress")));
	unbuild(&w);
}

/* Same set, same model: compare two builds node by node. */
static int same_tree(const tmdk_node *a, const tmdk_node *b)
{
	size_t i, la, lb;
	const char *ta, *tb;

	if (tmdk_node_get_type(a) != tmdk_node_get_type(b) || tmdk_node_line(a) != tmdk_node_line(b) ||
	    tmdk_node_column(a) != tmdk_node_column(b) || tmdk_node_size(a) != tmdk_node_size(b))
		return 0;
	if (tmdk_node_get_type(a) == TMDK_NODE_SCALAR) {
		ta = tmdk_node_text(a, &la);
		tb = tmdk_node_text(b, &lb);
		return la == lb && memcmp(ta, tb, la) == 0;
	}
	for (i = 0; i < tmdk_node_size(a); i++)
		if (!same_tree(tmdk_node_at(a, i), tmdk_node_at(b, i)) ||
		    (tmdk_node_get_type(a) == TMDK_NODE_MAP && !same_tree(tmdk_node_key_at(a, i), tmdk_node_key_at(b, i))))
			return 0;
	return 1;
}

Test(model_rbac, deterministic)
{
	world w1, w2;
	const char *set = ROLE_SECRETS
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b1}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n"
		"subjects: [{kind: User, name: zed}, {kind: ServiceAccount, name: a, namespace: n}]\n"
		POD("web", "n", "{app: web}");

	build(&w1, set);
	build(&w2, set);
	cr_assert(same_tree(tmdk_model_root(w1.m), tmdk_model_root(w2.m)));
	unbuild(&w1);
	unbuild(&w2);
}

Test(model_rbac, malformed_objects_are_skipped)
{
	world w;

	build(&w,
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: [x]}\nrules: 7\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: [x]\n"
		"subjects: 3\n"
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b2}\n"
		"roleRef: {kind: ClusterRole, name: view}\nsubjects: [7, {kind: Robot, name: r}, {kind: User}]\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: [1]\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np2}\n"
		"spec: {podSelector: {app: web}, policyTypes: Ingress, ingress: 5}\n"
		POD("web", "default", "{app: web}"));
	cr_assert_null(fact(&w, 0, "rbac"));
	cr_assert_null(fact(&w, 1, "rbac"));
	cr_assert(truthy(fact(&w, 2, "rbac.builtin")));
	cr_assert_eq(tmdk_node_size(tmdk_node_path(tmdk_model_root(w.m), "rbac.subjects")), 0);
	cr_assert(truthy(fact(&w, 4, "network.selects_nothing")), "labels without matchLabels select nothing");
	cr_assert_not(truthy(fact(&w, 5, "network.ingress_isolated")));
	unbuild(&w);
}

Test(model_rbac, a_role_defined_twice_is_one_object)
{
	world w;
	const char *role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: x}\n"
		"rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]\n---\n";
	const char *binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: x}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: a}]\n---\n";
	char text[2048];

	/* a base file and an install bundle of the same project, scanned together */
	snprintf(text, sizeof(text), "%s%s%s%s" "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\n"
		"spec: {serviceAccountName: a, containers: [{name: c, image: i}]}\n", role, binding, role, binding);
	build(&w, text);
	cr_assert_eq(tmdk_node_size(fact(&w, 0, "rbac.bound_by")), 1);
	cr_assert_eq(tmdk_node_size(fact(&w, 2, "rbac.bound_by")), 1, "the second definition is bound too");
	cr_assert(tmdk_node_text_equals(fact(&w, 2, "rbac.binding_summary"), "bound to ServiceAccount:x/a by RoleBinding/x/rb"));
	cr_assert_eq(tmdk_node_size(fact(&w, 4, "rbac.via")), 1);
	unbuild(&w);
}

Test(model_network, policies_for_pods_made_elsewhere)
{
	world w;

	build(&w,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: prom, namespace: m}\n"
		"spec: {podSelector: {matchLabels: {app: prometheus}}}\n"
		"---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: m, labels: {app: prometheus}}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: typo, namespace: m}\n"
		"spec: {podSelector: {matchLabels: {app: grafanna}}}\n"
		POD("grafana", "m", "{app: grafana}"));
	cr_assert(truthy(fact(&w, 0, "network.selects_nothing")));
	cr_assert(truthy(fact(&w, 0, "network.labelled_objects")));
	cr_assert(truthy(fact(&w, 2, "network.selects_nothing")));
	cr_assert_not(truthy(fact(&w, 2, "network.labelled_objects")));
	unbuild(&w);
}
