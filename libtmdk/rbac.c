/*
 * libtmdk — RBAC semantics: PolicyRules → grants, and the questions the
 * catalog asks answered over grants (see rbac.h for the matching rules).
 */
#include "rbac.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

static const char *const QUESTION_NAMES[TMDK__CAN_COUNT] = {
	"read_secrets", "list_secrets", "exec_pods", "attach_pods", "portforward_pods",
	"create_pods", "create_workloads", "escalate", "bind", "impersonate", "approve_csr",
	"proxy_nodes", "read_pod_logs", "delete_pods", "modify_rbac", "create_tokens",
	"modify_admission", "create_persistentvolumes", "all_resources",
};

const char *tmdk__rbac_question_name(int q)
{
	return q >= 0 && q < TMDK__CAN_COUNT ? QUESTION_NAMES[q] : NULL;
}

/* ---- rules → grants ------------------------------------------------ */

static int push(tmdk__rbac_grants *out, const tmdk__rbac_grant *g)
{
	if (TMDK__ARRAY_RESERVE(out->items, out->count, out->cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	out->items[out->count++] = *g;
	return TMDK_OK;
}

/* A NUL-terminated arena copy of a scalar's text, or NULL (not a scalar, or ENOMEM: *oom set). */
static const char *scalar_copy(tmdk__arena *arena, const tmdk_node *n, int *oom)
{
	char *s;

	if (!n || n->type != TMDK_NODE_SCALAR || tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL)
		return NULL;
	s = tmdk__arena_strndup(arena, n->u.scalar.text, n->u.scalar.len);
	if (!s)
		*oom = 1;
	return s;
}

/* The items of a sequence field of a rule, or none (a missing or malformed field grants nothing). */
static size_t seq_items(const tmdk_node *rule, const char *key, tmdk_node *const **items)
{
	const tmdk_node *n = tmdk_node_get(rule, key);

	if (!n || n->type != TMDK_NODE_SEQUENCE) {
		*items = NULL;
		return 0;
	}
	*items = n->u.seq.items;
	return n->u.seq.count;
}

/* Split `pods/exec` into resource and subresource (arena copies). */
static int split_resource(tmdk__arena *arena, const char *text, const char **res, const char **sub)
{
	const char *slash = strchr(text, '/');

	*sub = NULL;
	*res = text;
	if (!slash)
		return TMDK_OK;
	*res = tmdk__arena_strndup(arena, text, (size_t)(slash - text));
	*sub = slash + 1;
	return *res ? TMDK_OK : TMDK_ENOMEM;
}

static int add_rule(tmdk__rbac_grants *out, tmdk__arena *arena, const tmdk_node *rule)
{
	tmdk_node *const *groups, *const *resources, *const *verbs;
	size_t ng = seq_items(rule, "apiGroups", &groups);
	size_t nr = seq_items(rule, "resources", &resources);
	size_t nv = seq_items(rule, "verbs", &verbs);
	const tmdk_node *names = tmdk_node_get(rule, "resourceNames");
	size_t gi, ri, vi;
	int oom = 0;

	if (!names || names->type != TMDK_NODE_SEQUENCE || names->u.seq.count == 0)
		names = NULL;
	for (ri = 0; ri < nr; ri++) {
		const char *rtext = scalar_copy(arena, resources[ri], &oom), *res, *sub;

		if (!rtext || split_resource(arena, rtext, &res, &sub) != TMDK_OK)
			goto next_resource;
		for (gi = 0; gi < ng; gi++) {
			const char *group = scalar_copy(arena, groups[gi], &oom);

			/* apiGroups: [""] is the core group; a null item is the core group too */
			if (!group && !oom && groups[gi] && groups[gi]->type == TMDK_NODE_SCALAR)
				group = "";
			if (!group)
				continue;
			for (vi = 0; vi < nv; vi++) {
				tmdk__rbac_grant g;

				g.verb = scalar_copy(arena, verbs[vi], &oom);
				if (!g.verb)
					continue;
				g.api_group = group;
				g.resource = res;
				g.subresource = sub;
				g.names = names;
				g.at = resources[ri];
				if (push(out, &g) != TMDK_OK)
					return TMDK_ENOMEM;
			}
		}
next_resource:
		if (oom)
			return TMDK_ENOMEM;
	}
	return oom ? TMDK_ENOMEM : TMDK_OK;
}

int tmdk__rbac_add_rules(tmdk__rbac_grants *out, tmdk__arena *arena, const tmdk_node *rules)
{
	size_t i;

	if (!rules || rules->type != TMDK_NODE_SEQUENCE)
		return TMDK_OK;
	for (i = 0; i < rules->u.seq.count; i++) {
		const tmdk_node *rule = rules->u.seq.items[i];

		if (rule && rule->type == TMDK_NODE_MAP && add_rule(out, arena, rule) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

int tmdk__rbac_add_grants(tmdk__rbac_grants *out, const tmdk__rbac_grants *src)
{
	size_t i;

	if (!src->count)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE_N(out->items, out->count, out->cap, src->count, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < src->count; i++)
		out->items[out->count++] = src->items[i];
	return TMDK_OK;
}

void tmdk__rbac_grants_free(tmdk__rbac_grants *g)
{
	tmdk__free(g->items);
	g->items = NULL;
	g->count = g->cap = 0;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Source order of two nodes; NULL (built-in) first. */
static int cmp_pos(const tmdk_node *a, const tmdk_node *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column != b->column ? (a->column < b->column ? -1 : 1) : 0;
}

/* Order by what a grant allows; resourceNames lists by position (deterministic). */
static int cmp_key(const tmdk__rbac_grant *a, const tmdk__rbac_grant *b)
{
	int c;

	if ((c = cmp_str(a->api_group, b->api_group)) != 0 || (c = cmp_str(a->resource, b->resource)) != 0)
		return c;
	if ((a->subresource == NULL) != (b->subresource == NULL))
		return a->subresource == NULL ? -1 : 1;
	if ((c = cmp_str(a->subresource, b->subresource)) != 0 || (c = cmp_str(a->verb, b->verb)) != 0)
		return c;
	return cmp_pos(a->names, b->names);
}

static int cmp_grant(const void *pa, const void *pb)
{
	const tmdk__rbac_grant *a = pa, *b = pb;
	int c = cmp_key(a, b);

	return c ? c : cmp_pos(a->at, b->at);
}

void tmdk__rbac_grants_dedupe(tmdk__rbac_grants *g)
{
	size_t i, n = 0;

	if (g->count < 2)
		return;
	/* equal grants: the first in source order keeps its position */
	qsort(g->items, g->count, sizeof(*g->items), cmp_grant);
	for (i = 0; i < g->count; i++)
		if (n == 0 || cmp_key(&g->items[n - 1], &g->items[i]) != 0)
			g->items[n++] = g->items[i];
	g->count = n;
}

/* ---- the built-in ClusterRoles --------------------------------------- */

/* Bootstrap policy of the API server (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
 * reduced to what the questions read; each role includes the ones before it. */
typedef struct builtin_rule {
	const char *groups, *resources, *verbs;   /* space-separated */
} builtin_rule;

#define RW "create delete deletecollection patch update"
#define RO "get list watch"
static const builtin_rule VIEW[] = {
	{"", "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers "
	     "replicationcontrollers/scale serviceaccounts services services/status bindings events limitranges "
	     "namespaces namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas "
	     "resourcequotas/status", RO},
	{"apps", "controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status "
	         "replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status", RO},
	{"batch", "cronjobs cronjobs/status jobs jobs/status", RO},
	{"autoscaling", "horizontalpodautoscalers horizontalpodautoscalers/status", RO},
	{"policy", "poddisruptionbudgets poddisruptionbudgets/status", RO},
	{"networking.k8s.io", "ingresses ingresses/status networkpolicies", RO},
	{NULL, NULL, NULL},
};
static const builtin_rule EDIT[] = {
	{"", "pods pods/attach pods/exec pods/portforward pods/proxy", RW},
	{"", "configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets "
	     "serviceaccounts services services/proxy", RW},
	{"", "serviceaccounts/token", "create"},
	{"", "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy", RO},
	{"", "serviceaccounts", "impersonate"},
	{"apps", "daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale "
	         "statefulsets statefulsets/scale", RW},
	{"batch", "cronjobs jobs", RW},
	{"autoscaling", "horizontalpodautoscalers", RW},
	{"policy", "poddisruptionbudgets", RW},
	{"networking.k8s.io", "ingresses networkpolicies", RW},
	{NULL, NULL, NULL},
};
static const builtin_rule ADMIN[] = {
	{"rbac.authorization.k8s.io", "roles rolebindings", RW " get list watch"},
	{"authorization.k8s.io", "localsubjectaccessreviews", "create"},
	{NULL, NULL, NULL},
};
static const builtin_rule CLUSTER_ADMIN[] = {
	{"*", "*", "*"},
	{NULL, NULL, NULL},
};
#undef RW
#undef RO

/* The next space-separated word of *s (an arena copy), or NULL at the end. */
static const char *next_word(tmdk__arena *arena, const char **s, int *oom)
{
	const char *p = *s, *start;
	char *w;

	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	start = p;
	while (*p && *p != ' ')
		p++;
	*s = p;
	w = tmdk__arena_strndup(arena, start, (size_t)(p - start));
	if (!w)
		*oom = 1;
	return w;
}

static int add_builtin_rules(tmdk__rbac_grants *out, tmdk__arena *arena, const builtin_rule *rules)
{
	int oom = 0;

	for (; rules->groups; rules++) {
		const char *rs = rules->resources, *res;

		while ((res = next_word(arena, &rs, &oom)) != NULL) {
			const char *vs = rules->verbs, *verb, *r, *sub;

			if (split_resource(arena, res, &r, &sub) != TMDK_OK)
				return TMDK_ENOMEM;
			while ((verb = next_word(arena, &vs, &oom)) != NULL) {
				/* one group per rule: the table never lists several */
				tmdk__rbac_grant g = {rules->groups, r, sub, verb, NULL, NULL};

				if (push(out, &g) != TMDK_OK)
					return TMDK_ENOMEM;
			}
			if (oom)
				return TMDK_ENOMEM;
		}
		if (oom)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

int tmdk__rbac_add_builtin(tmdk__rbac_grants *out, tmdk__arena *arena, const char *name, int *known)
{
	static const struct { const char *name; const builtin_rule *const parts[4]; } ROLES[] = {
		{"cluster-admin", {CLUSTER_ADMIN, NULL, NULL, NULL}},
		{"admin", {VIEW, EDIT, ADMIN, NULL}},
		{"edit", {VIEW, EDIT, NULL, NULL}},
		{"view", {VIEW, NULL, NULL, NULL}},
	};
	size_t i, p;

	*known = 0;
	for (i = 0; i < sizeof(ROLES) / sizeof(ROLES[0]); i++) {
		if (strcmp(ROLES[i].name, name) != 0)
			continue;
		*known = 1;
		for (p = 0; p < 4 && ROLES[i].parts[p]; p++)
			if (add_builtin_rules(out, arena, ROLES[i].parts[p]) != TMDK_OK)
				return TMDK_ENOMEM;
		return TMDK_OK;
	}
	return TMDK_OK;
}

/* ---- matching ------------------------------------------------------- */

/* The questions compare every grant of a subject with each of some forty
 * requirements: these two keep that to a byte or two per grant that does
 * not match, without a call. */
static int is_star(const char *s)
{
	return s[0] == '*' && s[1] == '\0';
}

static int same(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

int tmdk__rbac_cluster_scoped(const char *group, const char *resource)
{
	static const char *const CORE[] = {
		"nodes", "persistentvolumes", "namespaces", "componentstatuses", NULL,
	};
	static const char *const NAMED[] = {
		"rbac.authorization.k8s.io", "clusterroles", "rbac.authorization.k8s.io", "clusterrolebindings",
		"certificates.k8s.io", "certificatesigningrequests", "certificates.k8s.io", "signers",
		"admissionregistration.k8s.io", "*", "apiextensions.k8s.io", "customresourcedefinitions",
		"storage.k8s.io", "storageclasses", NULL,
	};
	size_t i;

	if (!*group) {
		for (i = 0; CORE[i]; i++)
			if (same(CORE[i], resource))
				return 1;
		return 0;
	}
	for (i = 0; NAMED[i]; i += 2)
		if (same(NAMED[i], group) && (is_star(NAMED[i + 1]) || same(NAMED[i + 1], resource)))
			return 1;
	return 0;
}

/* rbac/v1 ResourceMatches: `*` is everything, else an exact match of
 * resource[/subresource], or `*` + subresource for any resource's subresource. */
static int resource_matches(const tmdk__rbac_grant *g, const char *resource, const char *sub)
{
	if (is_star(g->resource) && !g->subresource)
		return 1;
	if (!g->subresource)
		return !sub && same(g->resource, resource);
	return sub && same(g->subresource, sub) && (same(g->resource, resource) || is_star(g->resource));
}

/* resourceNames: none means every object; a name must be listed. */
static int names_match(const tmdk__rbac_grant *g, const char *name)
{
	size_t i;

	if (!g->names)
		return 1;
	if (!name)
		return 0;
	for (i = 0; i < g->names->u.seq.count; i++)
		if (tmdk_node_text_equals(g->names->u.seq.items[i], name))
			return 1;
	return 0;
}

static int grant_matches(const tmdk__rbac_grant *g, const char *group, const char *resource, const char *sub,
	const char *verb)
{
	/* the resource first: it tells most grants apart */
	return resource_matches(g, resource, sub) && (is_star(g->verb) || same(g->verb, verb)) &&
	       (is_star(g->api_group) || same(g->api_group, group));
}

size_t tmdk__rbac_allows(const tmdk__rbac_grants *g, int cluster_scope, const char *group,
	const char *resource, const char *subresource, const char *verb, const char *name)
{
	size_t i;

	if (!cluster_scope && tmdk__rbac_cluster_scoped(group, resource))
		return 0;
	for (i = 0; i < g->count; i++)
		if (grant_matches(&g->items[i], group, resource, subresource, verb) && names_match(&g->items[i], name))
			return i + 1;
	return 0;
}

/* ---- the questions ------------------------------------------------- */

/* How resourceNames are read for a requirement: the grant must cover every
 * object, or any listed name will do (one object is enough: escalate on one
 * role the subject holds), or it must cover every object or one of the
 * question's dangerous names (bind to cluster-admin, approve for the client
 * signer, impersonate system:masters). */
enum { NAMES_ALL, NAMES_ANY, NAMES_DANGEROUS };

typedef struct requirement {
	int question;
	int clause;                  /* a question holds when each of its clauses has a requirement that holds */
	const char *group, *resource, *sub;
	const char *verbs[6];
	int names;
} requirement;

#define CORE ""
#define RBAC "rbac.authorization.k8s.io"
#define CERTS "certificates.k8s.io"
#define ADMREG "admissionregistration.k8s.io"
#define CHANGE {"create", "update", "patch", "delete", "deletecollection", NULL}
#define RUN {"create", "update", "patch", NULL}
static const requirement REQUIREMENTS[] = {
	{TMDK__CAN_READ_SECRETS, 0, CORE, "secrets", NULL, {"get", "list", "watch", NULL}, NAMES_ALL},
	{TMDK__CAN_LIST_SECRETS, 0, CORE, "secrets", NULL, {"list", "watch", NULL}, NAMES_ALL},
	/* get: exec over a WebSocket needed only get before Kubernetes 1.35 */
	{TMDK__CAN_EXEC_PODS, 0, CORE, "pods", "exec", {"create", "get", NULL}, NAMES_ALL},
	/* an ephemeral debug container is a new process in the pod, as exec is */
	{TMDK__CAN_EXEC_PODS, 0, CORE, "pods", "ephemeralcontainers", {"update", "patch", NULL}, NAMES_ALL},
	{TMDK__CAN_ATTACH_PODS, 0, CORE, "pods", "attach", {"create", "get", NULL}, NAMES_ALL},
	{TMDK__CAN_PORTFORWARD_PODS, 0, CORE, "pods", "portforward", {"create", "get", NULL}, NAMES_ALL},
	{TMDK__CAN_CREATE_PODS, 0, CORE, "pods", NULL, {"create", NULL}, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "apps", "deployments", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "apps", "daemonsets", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "apps", "statefulsets", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "apps", "replicasets", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "batch", "jobs", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, "batch", "cronjobs", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_CREATE_WORKLOADS, 0, CORE, "replicationcontrollers", NULL, RUN, NAMES_ALL},
	{TMDK__CAN_ESCALATE, 0, RBAC, "roles", NULL, {"escalate", NULL}, NAMES_ANY},
	{TMDK__CAN_ESCALATE, 0, RBAC, "clusterroles", NULL, {"escalate", NULL}, NAMES_ANY},
	{TMDK__CAN_BIND, 0, RBAC, "roles", NULL, {"bind", NULL}, NAMES_DANGEROUS},
	{TMDK__CAN_BIND, 0, RBAC, "clusterroles", NULL, {"bind", NULL}, NAMES_DANGEROUS},
	{TMDK__CAN_IMPERSONATE, 0, CORE, "users", NULL, {"impersonate", NULL}, NAMES_DANGEROUS},
	{TMDK__CAN_IMPERSONATE, 0, CORE, "groups", NULL, {"impersonate", NULL}, NAMES_DANGEROUS},
	{TMDK__CAN_IMPERSONATE, 0, CORE, "serviceaccounts", NULL, {"impersonate", NULL}, NAMES_DANGEROUS},
	/* approving takes both: update on the approval subresource and approve on the signer */
	{TMDK__CAN_APPROVE_CSR, 0, CERTS, "certificatesigningrequests", "approval", {"update", "patch", NULL}, NAMES_ALL},
	{TMDK__CAN_APPROVE_CSR, 1, CERTS, "signers", NULL, {"approve", NULL}, NAMES_DANGEROUS},
	{TMDK__CAN_PROXY_NODES, 0, CORE, "nodes", "proxy", {"get", "create", "update", "patch", "delete", NULL}, NAMES_ALL},
	{TMDK__CAN_READ_POD_LOGS, 0, CORE, "pods", "log", {"get", NULL}, NAMES_ALL},
	{TMDK__CAN_DELETE_PODS, 0, CORE, "pods", NULL, {"delete", "deletecollection", NULL}, NAMES_ALL},
	{TMDK__CAN_MODIFY_RBAC, 0, RBAC, "roles", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_RBAC, 0, RBAC, "rolebindings", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_RBAC, 0, RBAC, "clusterroles", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_RBAC, 0, RBAC, "clusterrolebindings", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_CREATE_TOKENS, 0, CORE, "serviceaccounts", "token", {"create", NULL}, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "mutatingwebhookconfigurations", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "validatingwebhookconfigurations", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "validatingadmissionpolicies", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "validatingadmissionpolicybindings", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "mutatingadmissionpolicies", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_MODIFY_ADMISSION, 0, ADMREG, "mutatingadmissionpolicybindings", NULL, CHANGE, NAMES_ALL},
	{TMDK__CAN_CREATE_PERSISTENTVOLUMES, 0, CORE, "persistentvolumes", NULL, {"create", NULL}, NAMES_ALL},
};
#undef CORE
#undef RBAC
#undef CERTS
#undef ADMREG
#undef CHANGE
#undef RUN

/* The names that make a name-limited grant as dangerous as an unlimited one. */
static const char *const *dangerous_names(int question)
{
	static const char *const BIND[] = {"cluster-admin", "admin", "edit", NULL};
	static const char *const IMPERSONATE[] = {"system:masters", "system:admin", NULL};
	/* the client signers: a certificate for any user or group, or any node */
	static const char *const SIGNERS[] = {"kubernetes.io/kube-apiserver-client",
		"kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/*", NULL};

	switch (question) {
	case TMDK__CAN_BIND: return BIND;
	case TMDK__CAN_IMPERSONATE: return IMPERSONATE;
	case TMDK__CAN_APPROVE_CSR: return SIGNERS;
	default: return NULL;
	}
}

/* Could grant x meet requirement r, with some verb? Its resource and group fit. */
static int fits(const tmdk__rbac_grant *x, const requirement *r)
{
	return resource_matches(x, r->resource, r->sub) && (is_star(x->api_group) || same(x->api_group, r->group));
}

/* The index + 1 of the first grant that fits r and allows verb on `name`
 * (NULL: on every object; any_name: on some object), or 0. `fit` lists the
 * grants that fit, in order (n of them); NULL: try all of g's n grants. */
static size_t first_allowing(const tmdk__rbac_grants *g, const size_t *fit, size_t n, const requirement *r,
	const char *verb, const char *name, int any_name)
{
	size_t k;

	for (k = 0; k < n; k++) {
		size_t i = fit ? fit[k] : k;
		const tmdk__rbac_grant *x = &g->items[i];

		if ((is_star(x->verb) || same(x->verb, verb)) && (any_name || names_match(x, name)) && (fit || fits(x, r)))
			return i + 1;
	}
	return 0;
}

/* Grants a requirement is looked up in at once; a subject with more is read without the list. */
#define FIT_MAX 128

/* The index + 1 of a grant meeting one requirement, or 0: the first grant
 * (for the first verb that has one) that tmdk__rbac_allows would answer.
 * The grants whose resource and group fit are listed once, then read for
 * each verb and name: most grants of a subject fit none of the forty
 * requirements of tmdk__rbac_can. */
static size_t requirement_met(const tmdk__rbac_grants *g, int cluster_scope, const requirement *r)
{
	const char *const *names = dangerous_names(r->question);
	size_t fit[FIT_MAX], n = 0, i, v, hit;
	const size_t *list = NULL;

	if (!cluster_scope && tmdk__rbac_cluster_scoped(r->group, r->resource))
		return 0;
	if (g->count <= FIT_MAX) {
		for (i = 0; i < g->count; i++)
			if (fits(&g->items[i], r))
				fit[n++] = i;
		list = fit;
	} else {
		n = g->count;
	}
	for (v = 0; r->verbs[v]; v++) {
		if ((hit = first_allowing(g, list, n, r, r->verbs[v], NULL, 0)))
			return hit;
		if (r->names == NAMES_ANY) {
			if ((hit = first_allowing(g, list, n, r, r->verbs[v], NULL, 1)))
				return hit;
		} else if (r->names == NAMES_DANGEROUS) {
			for (i = 0; names && names[i]; i++)
				if ((hit = first_allowing(g, list, n, r, r->verbs[v], names[i], 0)))
					return hit;
		}
	}
	return 0;
}

/* `*` verbs on `*` resources of the core or of every group, for every object. */
static size_t all_resources(const tmdk__rbac_grants *g)
{
	size_t i;

	for (i = 0; i < g->count; i++) {
		const tmdk__rbac_grant *x = &g->items[i];

		if (!x->names && !x->subresource && strcmp(x->verb, "*") == 0 && strcmp(x->resource, "*") == 0 &&
		    (strcmp(x->api_group, "*") == 0 || !*x->api_group))
			return i + 1;
	}
	return 0;
}

void tmdk__rbac_can(const tmdk__rbac_grants *g, int cluster_scope, size_t answer[TMDK__CAN_COUNT])
{
	size_t clause_hit[TMDK__CAN_COUNT][2];
	size_t i;
	int q;

	memset(clause_hit, 0, sizeof(clause_hit));
	for (i = 0; i < sizeof(REQUIREMENTS) / sizeof(REQUIREMENTS[0]); i++) {
		const requirement *r = &REQUIREMENTS[i];

		if (!clause_hit[r->question][r->clause])
			clause_hit[r->question][r->clause] = requirement_met(g, cluster_scope, r);
	}
	for (q = 0; q < TMDK__CAN_COUNT; q++)
		answer[q] = clause_hit[q][0];
	/* two-clause questions: both must hold */
	if (!clause_hit[TMDK__CAN_APPROVE_CSR][1])
		answer[TMDK__CAN_APPROVE_CSR] = 0;
	answer[TMDK__CAN_ALL_RESOURCES] = all_resources(g);
}
