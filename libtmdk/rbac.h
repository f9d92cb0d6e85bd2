/*
 * libtmdk — RBAC semantics, private to the library: the rules of a Role or
 * ClusterRole as grants, and the questions the catalog asks about them
 * ("can it read Secrets? exec into pods? escalate?") answered by one
 * function with the API server's matching rules (rbac/v1 RuleAllows):
 *
 *   - a verb, API group or resource `*` matches everything; a resource `*`
 *     also matches every subresource;
 *   - `pods/exec` is resource `pods`, subresource `exec`; a `*` resource with
 *     a subresource (star-slash-scale) is that subresource of every resource.
 *     A `*` subresource (pods-slash-star) is NOT a wildcard for the pod
 *     subresources: the authorizer compares it literally, so it grants
 *     nothing (kept as written, never answering a question);
 *   - resourceNames limit a grant to those objects: a question about "all
 *     Secrets" is not answered by a grant on named Secrets, and `create`
 *     can never be limited by name (the request has no name yet), so a
 *     `create` with resourceNames grants nothing;
 *   - a Role, or a ClusterRole bound by a RoleBinding, grants nothing on
 *     cluster-scoped resources (nodes, CSRs, webhooks, PersistentVolumes,
 *     ClusterRoles).
 */
#ifndef TMDK_RBAC_H
#define TMDK_RBAC_H

#include "internal.h"

typedef struct tmdk__rbac_grant {
	const char *api_group;       /* "" core, "*" every group */
	const char *resource;        /* "pods", "*" */
	const char *subresource;     /* "exec", or NULL for the resource itself */
	const char *verb;            /* "get", "*" */
	const tmdk_node *names;      /* resourceNames (a non-empty sequence) or NULL: every object */
	const tmdk_node *at;         /* the resources item it came from, for positions (NULL: built-in) */
} tmdk__rbac_grant;

typedef struct tmdk__rbac_grants {
	tmdk__rbac_grant *items;     /* heap */
	size_t count, cap;
} tmdk__rbac_grants;

/* The questions, in the order of the CAN map (model-schema). */
typedef enum tmdk__rbac_question {
	TMDK__CAN_READ_SECRETS = 0,
	TMDK__CAN_LIST_SECRETS,
	TMDK__CAN_EXEC_PODS,
	TMDK__CAN_ATTACH_PODS,
	TMDK__CAN_PORTFORWARD_PODS,
	TMDK__CAN_CREATE_PODS,
	TMDK__CAN_CREATE_WORKLOADS,
	TMDK__CAN_ESCALATE,
	TMDK__CAN_BIND,
	TMDK__CAN_IMPERSONATE,
	TMDK__CAN_APPROVE_CSR,
	TMDK__CAN_PROXY_NODES,
	TMDK__CAN_READ_POD_LOGS,
	TMDK__CAN_DELETE_PODS,
	TMDK__CAN_MODIFY_RBAC,
	TMDK__CAN_CREATE_TOKENS,
	TMDK__CAN_MODIFY_ADMISSION,
	TMDK__CAN_CREATE_PERSISTENTVOLUMES,
	TMDK__CAN_ALL_RESOURCES,
	TMDK__CAN_COUNT
} tmdk__rbac_question;

/** The CAN key of a question ("read_secrets"), or NULL out of range. */
const char *tmdk__rbac_question_name(int q);

/**
 * Append the grants of a `rules` sequence (PolicyRules): apiGroups ×
 * resources × verbs, each with the rule's resourceNames. Strings are copied
 * into `arena`. Malformed rules and items (not maps, not scalars) are
 * skipped; nonResourceURLs rules grant no resource.
 * @return TMDK_OK or TMDK_ENOMEM.
 */
int tmdk__rbac_add_rules(tmdk__rbac_grants *out, tmdk__arena *arena, const tmdk_node *rules);

/** Append a copy of every grant of src. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__rbac_add_grants(tmdk__rbac_grants *out, const tmdk__rbac_grants *src);

/**
 * Append the grants of a built-in ClusterRole the API server creates
 * (cluster-admin, admin, edit, view; their bootstrap rules, aggregated
 * additions included). *known is set to 1 when `name` is one of them.
 * @return TMDK_OK or TMDK_ENOMEM.
 */
int tmdk__rbac_add_builtin(tmdk__rbac_grants *out, tmdk__arena *arena, const char *name, int *known);

void tmdk__rbac_grants_free(tmdk__rbac_grants *g);

/** Sort and drop duplicate grants (same group, resource, subresource, verb and names text). */
void tmdk__rbac_grants_dedupe(tmdk__rbac_grants *g);

/**
 * Does some grant allow `verb` on (group, resource, subresource) for every
 * object (name NULL) or for the object `name`? cluster_scope 0: the grants
 * apply inside a namespace, so cluster-scoped resources are never allowed.
 * @return the index + 1 of the first grant that allows it, 0 when none.
 */
size_t tmdk__rbac_allows(const tmdk__rbac_grants *g, int cluster_scope, const char *group,
	const char *resource, const char *subresource, const char *verb, const char *name);

/**
 * Answer every question over the grants: answer[q] is the index + 1 of a
 * grant that answers question q (where to point a finding), 0 for "no".
 * cluster_scope as for tmdk__rbac_allows.
 */
void tmdk__rbac_can(const tmdk__rbac_grants *g, int cluster_scope, size_t answer[TMDK__CAN_COUNT]);

/** Is `resource` (a plural, core or named group) cluster-scoped, as far as the questions know? */
int tmdk__rbac_cluster_scoped(const char *group, const char *resource);

#endif
