/*
 * RBAC semantics (libtmdk/rbac.c): PolicyRules → grants, and the questions
 * the catalog asks, answered with the API server's matching rules.
 */
#include "helpers.h"
#include "rbac.h"

typedef struct fixture_t {
	tmdk_artifact *a;
	tmdk__arena arena;
	tmdk__rbac_grants g;
	size_t can[TMDK__CAN_COUNT];
} fixture_t;

/* The grants of the rules of a ClusterRole whose `rules:` is `rules_yaml` (flow YAML). */
static void load(fixture_t *f, const char *rules_yaml, int cluster_scope)
{
	char text[4096];
	const tmdk_document *d;

	snprintf(text, sizeof(text),
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: %s\n",
		rules_yaml);
	memset(f, 0, sizeof(*f));
	f->a = parse_as("role.yaml", text, TMDK_KIND_KUBERNETES);
	tmdk__arena_init(&f->arena);
	d = tmdk_artifact_document(f->a, 0);
	cr_assert_not_null(d);
	cr_assert_eq(tmdk__rbac_add_rules(&f->g, &f->arena, tmdk_node_get(tmdk_document_view(d), "rules")), TMDK_OK);
	tmdk__rbac_can(&f->g, cluster_scope, f->can);
}

static void unload(fixture_t *f)
{
	tmdk__rbac_grants_free(&f->g);
	tmdk__arena_release(&f->arena);
	tmdk_artifact_free(f->a);
}

#define CAN(f, q) ((f).can[TMDK__CAN_##q] != 0)

Test(rbac, grants_are_groups_times_resources_times_verbs)
{
	fixture_t f;

	load(&f, "[{apiGroups: ['', apps], resources: [pods, pods/exec, deployments], verbs: [get, create]}]", 1);
	cr_assert_eq(f.g.count, 12);
	cr_assert_str_eq(f.g.items[0].api_group, "");
	cr_assert_str_eq(f.g.items[0].resource, "pods");
	cr_assert_null(f.g.items[0].subresource);
	cr_assert_str_eq(f.g.items[0].verb, "get");
	cr_assert_str_eq(f.g.items[2].api_group, "apps");
	cr_assert_str_eq(f.g.items[4].resource, "pods");
	cr_assert_str_eq(f.g.items[4].subresource, "exec");
	cr_assert_eq(tmdk_node_line(f.g.items[4].at), 4);
	unload(&f);
}

Test(rbac, star_resource_covers_resources_and_subresources)
{
	fixture_t f;

	/* the inconsistency of the old catalog: `*` counted for secrets, not for pods/exec */
	load(&f, "[{apiGroups: [''], resources: ['*'], verbs: [get]}]", 1);
	cr_assert(CAN(f, READ_SECRETS));
	cr_assert(CAN(f, EXEC_PODS));
	cr_assert(CAN(f, READ_POD_LOGS));
	cr_assert(CAN(f, PROXY_NODES));
	cr_assert_not(CAN(f, LIST_SECRETS));
	cr_assert_not(CAN(f, CREATE_PODS));
	cr_assert_not(CAN(f, ALL_RESOURCES));
	unload(&f);
}

Test(rbac, star_slash_subresource_and_resource_slash_star)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: ['*/exec'], verbs: [create]}]", 1);
	cr_assert(CAN(f, EXEC_PODS));
	cr_assert_not(CAN(f, CREATE_PODS), "*/exec is the subresource only");
	unload(&f);
	/* the authorizer compares a pods-slash-star resource literally: it grants no subresource */
	load(&f, "[{apiGroups: [''], resources: ['pods/*'], verbs: ['*']}]", 1);
	cr_assert_not(CAN(f, EXEC_PODS));
	cr_assert_not(CAN(f, READ_POD_LOGS));
	cr_assert_not(CAN(f, CREATE_PODS));
	unload(&f);
}

Test(rbac, star_group_and_star_verb)
{
	fixture_t f;

	load(&f, "[{apiGroups: ['*'], resources: [secrets, pods/exec], verbs: ['*']}]", 1);
	cr_assert(CAN(f, READ_SECRETS));
	cr_assert(CAN(f, LIST_SECRETS));
	cr_assert(CAN(f, EXEC_PODS));
	cr_assert_not(CAN(f, ALL_RESOURCES));
	unload(&f);
	load(&f, "[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]", 0);
	cr_assert(CAN(f, ALL_RESOURCES));
	cr_assert(CAN(f, ESCALATE));
	cr_assert(CAN(f, BIND));
	cr_assert(CAN(f, IMPERSONATE));
	cr_assert_not(CAN(f, PROXY_NODES), "a namespace scope grants no cluster-scoped resource");
	unload(&f);
}

Test(rbac, approving_csrs_takes_both_halves_and_star_counts)
{
	fixture_t f;

	load(&f, "[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}]", 1);
	cr_assert_not(CAN(f, APPROVE_CSR), "no approve on a signer");
	unload(&f);
	load(&f, "[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]},"
		" {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve],"
		"  resourceNames: [kubernetes.io/kube-apiserver-client]}]", 1);
	cr_assert(CAN(f, APPROVE_CSR));
	unload(&f);
	load(&f, "[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]},"
		" {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve],"
		"  resourceNames: [kubernetes.io/kubelet-serving]}]", 1);
	cr_assert_not(CAN(f, APPROVE_CSR), "the kubelet-serving signer mints no client identity");
	unload(&f);
	load(&f, "[{apiGroups: [certificates.k8s.io], resources: ['*'], verbs: ['*']}]", 1);
	cr_assert(CAN(f, APPROVE_CSR));
	unload(&f);
	load(&f, "[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]", 1);
	cr_assert(CAN(f, APPROVE_CSR));
	cr_assert(CAN(f, ALL_RESOURCES));
	unload(&f);
}

Test(rbac, ephemeral_containers_are_exec)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: [pods/ephemeralcontainers], verbs: [patch]}]", 0);
	cr_assert(CAN(f, EXEC_PODS));
	unload(&f);
}

Test(rbac, a_shared_verb_is_not_an_intent_about_each_resource)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: [pods, pods/exec, pods/log], verbs: [delete]}]", 1);
	cr_assert(CAN(f, DELETE_PODS));
	cr_assert_not(CAN(f, EXEC_PODS));
	cr_assert_not(CAN(f, READ_POD_LOGS));
	unload(&f);
}

Test(rbac, resource_names_limit_the_grant)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: [secrets], resourceNames: [app-tls], verbs: [get, list]},"
		" {apiGroups: [''], resources: [pods], resourceNames: [web], verbs: [create]}]", 1);
	cr_assert_not(CAN(f, READ_SECRETS));
	cr_assert_not(CAN(f, CREATE_PODS), "create cannot be limited by name: it grants nothing");
	cr_assert_eq(tmdk__rbac_allows(&f.g, 1, "", "secrets", NULL, "get", "app-tls"), 1);
	cr_assert_eq(tmdk__rbac_allows(&f.g, 1, "", "secrets", NULL, "get", "other"), 0);
	cr_assert_eq(tmdk__rbac_allows(&f.g, 1, "", "secrets", NULL, "get", NULL), 0);
	unload(&f);
}

Test(rbac, bind_escalate_impersonate_by_name)
{
	fixture_t f;

	load(&f, "[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind],"
		" resourceNames: [cluster-admin]}]", 1);
	cr_assert(CAN(f, BIND), "binding cluster-admin by name is binding cluster-admin");
	unload(&f);
	load(&f, "[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind],"
		" resourceNames: [pod-reader]}]", 1);
	cr_assert_not(CAN(f, BIND));
	unload(&f);
	load(&f, "[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate],"
		" resourceNames: [pod-reader]}]", 0);
	cr_assert(CAN(f, ESCALATE), "escalating one role that one holds is enough");
	unload(&f);
	load(&f, "[{apiGroups: [''], resources: [groups], verbs: [impersonate], resourceNames: ['system:masters']}]", 1);
	cr_assert(CAN(f, IMPERSONATE));
	unload(&f);
	load(&f, "[{apiGroups: [''], resources: [serviceaccounts], verbs: [get, list]}]", 1);
	cr_assert_not(CAN(f, IMPERSONATE));
	unload(&f);
}

Test(rbac, groups_are_compared)
{
	fixture_t f;

	/* `pods` of metrics.k8s.io is PodMetrics; `secrets` of another group is not core */
	load(&f, "[{apiGroups: [metrics.k8s.io], resources: [pods], verbs: [create]},"
		" {apiGroups: [secrets.hashicorp.com], resources: [secrets], verbs: [list]},"
		" {apiGroups: [custom.metrics.k8s.io], resources: ['*'], verbs: ['*']}]", 1);
	cr_assert_not(CAN(f, CREATE_PODS));
	cr_assert_not(CAN(f, READ_SECRETS));
	cr_assert_not(CAN(f, ALL_RESOURCES));
	unload(&f);
	load(&f, "[{apiGroups: [extensions, apps], resources: [deployments], verbs: [patch]}]", 0);
	cr_assert(CAN(f, CREATE_WORKLOADS));
	unload(&f);
}

Test(rbac, cluster_scoped_resources_need_a_cluster_scope)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: [nodes/proxy, persistentvolumes], verbs: [get, create]},"
		" {apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}]", 0);
	cr_assert_not(CAN(f, PROXY_NODES));
	cr_assert_not(CAN(f, CREATE_PERSISTENTVOLUMES));
	cr_assert_not(CAN(f, MODIFY_ADMISSION));
	tmdk__rbac_can(&f.g, 1, f.can);
	cr_assert(CAN(f, PROXY_NODES));
	cr_assert(CAN(f, CREATE_PERSISTENTVOLUMES));
	cr_assert(CAN(f, MODIFY_ADMISSION));
	unload(&f);
}

Test(rbac, malformed_rules_grant_nothing)
{
	fixture_t f;

	load(&f, "[42, {verbs: [create]}, {apiGroups: '', resources: [pods], verbs: [create]},"
		" {apiGroups: [''], resources: [[pods]], verbs: [create]},"
		" {nonResourceURLs: ['*'], verbs: ['*']}]", 1);
	cr_assert_eq(f.g.count, 0);
	cr_assert_not(CAN(f, CREATE_PODS));
	unload(&f);
	load(&f, "{apiGroups: [''], resources: [pods], verbs: [create]}", 1);
	cr_assert_eq(f.g.count, 0, "rules that are not a sequence");
	unload(&f);
}

Test(rbac, builtin_roles)
{
	tmdk__arena arena;
	tmdk__rbac_grants g = {0};
	size_t can[TMDK__CAN_COUNT];
	int known;

	tmdk__arena_init(&arena);
	cr_assert_eq(tmdk__rbac_add_builtin(&g, &arena, "edit", &known), TMDK_OK);
	cr_assert(known);
	tmdk__rbac_can(&g, 0, can);
	cr_assert(can[TMDK__CAN_READ_SECRETS] && can[TMDK__CAN_EXEC_PODS] && can[TMDK__CAN_CREATE_PODS]);
	cr_assert(can[TMDK__CAN_IMPERSONATE] && can[TMDK__CAN_CREATE_TOKENS] && can[TMDK__CAN_CREATE_WORKLOADS]);
	cr_assert(!can[TMDK__CAN_MODIFY_RBAC] && !can[TMDK__CAN_ALL_RESOURCES]);
	tmdk__rbac_grants_free(&g);
	cr_assert_eq(tmdk__rbac_add_builtin(&g, &arena, "view", &known), TMDK_OK);
	tmdk__rbac_can(&g, 0, can);
	cr_assert(!can[TMDK__CAN_READ_SECRETS] && !can[TMDK__CAN_EXEC_PODS] && can[TMDK__CAN_READ_POD_LOGS]);
	tmdk__rbac_grants_free(&g);
	cr_assert_eq(tmdk__rbac_add_builtin(&g, &arena, "admin", &known), TMDK_OK);
	tmdk__rbac_can(&g, 0, can);
	cr_assert(can[TMDK__CAN_MODIFY_RBAC] && !can[TMDK__CAN_BIND]);
	tmdk__rbac_grants_free(&g);
	cr_assert_eq(tmdk__rbac_add_builtin(&g, &arena, "cluster-admin", &known), TMDK_OK);
	tmdk__rbac_can(&g, 1, can);
	cr_assert(can[TMDK__CAN_ALL_RESOURCES] && can[TMDK__CAN_APPROVE_CSR] && can[TMDK__CAN_PROXY_NODES]);
	tmdk__rbac_grants_free(&g);
	cr_assert_eq(tmdk__rbac_add_builtin(&g, &arena, "my-role", &known), TMDK_OK);
	cr_assert_not(known);
	cr_assert_eq(g.count, 0);
	tmdk__arena_release(&arena);
}

Test(rbac, dedupe_keeps_the_first_in_source_order)
{
	fixture_t f;

	load(&f, "[{apiGroups: [''], resources: [secrets], verbs: [get]},\n"
		"  {apiGroups: [''], resources: [secrets, configmaps], verbs: [get]}]", 1);
	cr_assert_eq(f.g.count, 3);
	tmdk__rbac_grants_dedupe(&f.g);
	cr_assert_eq(f.g.count, 2);
	cr_assert_str_eq(f.g.items[1].resource, "secrets");
	cr_assert_eq(tmdk_node_line(f.g.items[1].at), 4);
	unload(&f);
}

Test(rbac, question_names)
{
	cr_assert_str_eq(tmdk__rbac_question_name(TMDK__CAN_READ_SECRETS), "read_secrets");
	cr_assert_str_eq(tmdk__rbac_question_name(TMDK__CAN_ALL_RESOURCES), "all_resources");
	cr_assert_null(tmdk__rbac_question_name(TMDK__CAN_COUNT));
	cr_assert_null(tmdk__rbac_question_name(-1));
}
