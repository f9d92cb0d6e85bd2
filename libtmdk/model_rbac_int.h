/*
 * libtmdk — private to the model's RBAC part: what model_rbac.c resolves
 * (roles, bindings, subjects) and model_rbac_write.c turns into $model.rbac
 * and facts.
 */
#ifndef TMDK_MODEL_RBAC_INT_H
#define TMDK_MODEL_RBAC_INT_H

#include "model_k8s.h"
#include "rbac.h"
#include "label_selector.h"
#include "array.h"

typedef struct tmdk__rbac_role {
	size_t doc;                  /* index in b->docs */
	const char *kind;            /* "Role" or "ClusterRole" */
	const char *name, *ns;       /* ns "" for a ClusterRole */
	const tmdk_node *labels;
	const tmdk_node *aggregation; /* aggregationRule.clusterRoleSelectors, or NULL */
	tmdk__rbac_grants grants;    /* its rules, or the aggregation's union */
	size_t *from;                /* aggregated from these roles (indices), heap */
	size_t from_count, from_cap;
	int state;                   /* aggregation: 0 to do, 1 in progress, 2 done */
	size_t canon;                /* the first definition of the same (kind, ns, name): the one bindings resolve to */
} tmdk__rbac_role;

typedef struct tmdk__rbac_binding {
	size_t doc;
	int cluster;                 /* ClusterRoleBinding */
	const char *kind, *name, *ns; /* ns "" for a ClusterRoleBinding */
	const char *role_kind, *role_name; /* NULL when roleRef lacks them */
	const tmdk_node *ref;        /* the roleRef map */
	const tmdk__rbac_role *role; /* the set's role, or NULL */
	int builtin;                 /* resolved to a built-in ClusterRole */
	tmdk__rbac_grants builtin_grants;
	const tmdk__rbac_grants *grants; /* what it grants, NULL when nothing is known */
} tmdk__rbac_binding;

/* One subject of one binding; sorted by (kind, ns, name, binding). */
typedef struct tmdk__rbac_subject {
	const char *kind, *name, *ns; /* ns "" for users and groups */
	size_t binding;
	const tmdk_node *at;         /* the subject map */
} tmdk__rbac_subject;

typedef struct tmdk__rbac_ctx {
	tmdk__model_builder *b;
	tmdk__rbac_role *roles;      /* set order */
	size_t role_count, role_cap;
	size_t *role_order;          /* roles sorted by (kind, ns, name, doc) */
	tmdk__rbac_binding *bindings; /* set order */
	size_t binding_count, binding_cap;
	tmdk__rbac_subject *subjects;
	size_t subject_count, subject_cap;
} tmdk__rbac_ctx;

/* What a subject holds, through which bindings. */
typedef struct tmdk__rbac_via {
	size_t binding;
	const char *group;           /* held through this group, or NULL */
} tmdk__rbac_via;

typedef struct tmdk__rbac_effective {
	tmdk__rbac_grants cluster;   /* through ClusterRoleBindings */
	tmdk__rbac_grants namespaced; /* through RoleBindings */
	tmdk__rbac_via *via;
	size_t via_count, via_cap;
	unsigned char can[TMDK__CAN_COUNT];
	unsigned char cluster_wide[TMDK__CAN_COUNT];
} tmdk__rbac_effective;

const tmdk__rbac_role *tmdk__rbac_find_role(const tmdk__rbac_ctx *c, const char *kind, const char *ns,
	const char *name);
size_t tmdk__rbac_find_subject(const tmdk__rbac_ctx *c, const char *kind, const char *ns, const char *name);
int tmdk__rbac_same_subject(const tmdk__rbac_subject *a, const char *kind, const char *ns, const char *name);

/** What subject (kind, ns, name) holds (a ServiceAccount: its groups' bindings too). eff zeroed first. */
int tmdk__rbac_effective_of(const tmdk__rbac_ctx *c, tmdk__rbac_effective *eff, const char *kind,
	const char *ns, const char *name);
void tmdk__rbac_effective_free(tmdk__rbac_effective *eff);

/** model_rbac_write.c: $model.rbac and the facts. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__rbac_write(tmdk__rbac_ctx *c);

#endif
