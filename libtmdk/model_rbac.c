/*
 * libtmdk — the model's RBAC part ($model.rbac, facts key "rbac"): Roles and
 * ClusterRoles as grants (aggregated ClusterRoles resolved), bindings
 * resolved to their roles and subjects, every subject's effective answers
 * to the questions of rbac.h, and workloads and ServiceAccounts linked to
 * what their service account can do.
 *
 * Namespaces: an object without one lands in "default" (kubectl apply
 * without -n); a RoleBinding's ServiceAccount subject without a namespace is
 * in the binding's. A RoleBinding grants its role (a Role of its namespace,
 * or a ClusterRole) inside its namespace only; a ClusterRoleBinding grants a
 * ClusterRole everywhere. A service account also holds what is bound to the
 * groups system:serviceaccounts, system:serviceaccounts:<ns> and
 * system:authenticated. Bindings to cluster-admin, admin, edit and view
 * resolve to the API server's built-in roles unless the set defines them.
 */
#include "model_rbac_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- collecting the objects ----------------------------------------- */

static int cmp_role_key(const char *kind, const char *ns, const char *name, const tmdk__rbac_role *r)
{
	int c = strcmp(kind, r->kind);

	if (c == 0)
		c = strcmp(ns, r->ns);
	return c ? c : strcmp(name, r->name);
}

/* qsort has no context argument and models may be built on several threads
 * at once: roles are sorted as pointers, which need no context. */
static int cmp_role_ptr(const void *pa, const void *pb)
{
	const tmdk__rbac_role *a = *(const tmdk__rbac_role *const *)pa;
	const tmdk__rbac_role *b = *(const tmdk__rbac_role *const *)pb;
	int c = cmp_role_key(a->kind, a->ns, a->name, b);

	/* the first definition in set order wins a duplicate */
	return c ? c : (a->doc < b->doc ? -1 : a->doc > b->doc);
}

const tmdk__rbac_role *tmdk__rbac_find_role(const tmdk__rbac_ctx *c, const char *kind, const char *ns,
	const char *name)
{
	size_t lo = 0, hi = c->role_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = cmp_role_key(kind, ns, name, &c->roles[c->role_order[mid]]);

		if (cmp > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->role_count && cmp_role_key(kind, ns, name, &c->roles[c->role_order[lo]]) == 0)
		return &c->roles[c->role_order[lo]];
	return NULL;
}

static int collect_role(tmdk__rbac_ctx *c, size_t i)
{
	tmdk__model_builder *b = c->b;
	const tmdk_node *view = b->docs[i].view;
	int cluster = tmdk__k8s_kind_is(view, "ClusterRole"), oom = 0;
	tmdk__rbac_role *r;
	const tmdk_node *agg;

	if (TMDK__ARRAY_RESERVE(c->roles, c->role_count, c->role_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	r = &c->roles[c->role_count];
	memset(r, 0, sizeof(*r));
	r->doc = i;
	r->kind = cluster ? "ClusterRole" : "Role";
	r->name = tmdk__k8s_text(b->arena, tmdk_node_get(view, "name"), &oom);
	r->ns = cluster ? "" : tmdk__k8s_namespace(b->arena, view);
	if (oom || !r->ns)
		return TMDK_ENOMEM;
	if (!r->name)
		return TMDK_OK; /* a role without a name cannot be bound */
	r->labels = tmdk_node_get(view, "labels");
	agg = tmdk_node_path(tmdk_document_root(b->docs[i].doc), "aggregationRule.clusterRoleSelectors");
	if (cluster && agg && agg->type == TMDK_NODE_SEQUENCE)
		r->aggregation = agg;
	c->role_count++;
	if (r->aggregation)
		return TMDK_OK; /* its rules are replaced by the aggregation (resolved below) */
	if (tmdk__rbac_add_rules(&r->grants, b->arena, tmdk_node_get(view, "rules")) != TMDK_OK)
		return TMDK_ENOMEM;
	tmdk__rbac_grants_dedupe(&r->grants);
	return TMDK_OK;
}

static int collect_binding(tmdk__rbac_ctx *c, size_t i)
{
	tmdk__model_builder *b = c->b;
	const tmdk_node *view = b->docs[i].view, *ref = tmdk_node_get(view, "role_ref");
	tmdk__rbac_binding *x;
	int oom = 0;

	if (!ref || ref->type != TMDK_NODE_MAP)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(c->bindings, c->binding_count, c->binding_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	x = &c->bindings[c->binding_count];
	memset(x, 0, sizeof(*x));
	x->doc = i;
	x->cluster = tmdk__k8s_kind_is(view, "ClusterRoleBinding");
	x->kind = x->cluster ? "ClusterRoleBinding" : "RoleBinding";
	x->name = tmdk__k8s_text(b->arena, tmdk_node_get(view, "name"), &oom);
	x->ns = x->cluster ? "" : tmdk__k8s_namespace(b->arena, view);
	x->role_kind = tmdk__k8s_text(b->arena, tmdk_node_get(ref, "kind"), &oom);
	x->role_name = tmdk__k8s_text(b->arena, tmdk_node_get(ref, "name"), &oom);
	x->ref = ref;
	if (oom || !x->ns)
		return TMDK_ENOMEM;
	if (!x->name)
		x->name = "";
	c->binding_count++;
	return TMDK_OK;
}

static int collect(tmdk__rbac_ctx *c)
{
	size_t i;

	for (i = 0; i < c->b->doc_count; i++) {
		const tmdk__model_doc *d = &c->b->docs[i];
		int rc = TMDK_OK;

		if (!tmdk__k8s_is_object(d))
			continue;
		if (tmdk__k8s_kind_is(d->view, "Role") || tmdk__k8s_kind_is(d->view, "ClusterRole"))
			rc = collect_role(c, i);
		else if (tmdk__k8s_kind_is(d->view, "RoleBinding") || tmdk__k8s_kind_is(d->view, "ClusterRoleBinding"))
			rc = collect_binding(c, i);
		if (rc != TMDK_OK)
			return rc;
	}
	if (c->role_count) {
		const tmdk__rbac_role **by_key = tmdk__calloc(c->role_count, sizeof(*by_key));
		if (!by_key || !(c->role_order = tmdk__calloc(c->role_count, sizeof(size_t)))) {
			tmdk__free((void *)by_key);
			return TMDK_ENOMEM;
		}
		for (i = 0; i < c->role_count; i++)
			by_key[i] = &c->roles[i];
		qsort((void *)by_key, c->role_count, sizeof(*by_key), cmp_role_ptr);
		for (i = 0; i < c->role_count; i++)
			c->role_order[i] = (size_t)(by_key[i] - c->roles);
		tmdk__free((void *)by_key);
	}
	/* a role defined twice (a base and an install bundle of the same set)
	 * is one object: every definition is bound by its bindings */
	for (i = 0; i < c->role_count; i++) {
		const tmdk__rbac_role *first = &c->roles[c->role_order[i]];

		c->roles[c->role_order[i]].canon = c->role_order[i];
		if (i && cmp_role_key(first->kind, first->ns, first->name, &c->roles[c->role_order[i - 1]]) == 0)
			c->roles[c->role_order[i]].canon = c->roles[c->role_order[i - 1]].canon;
	}
	return TMDK_OK;
}

/* ---- aggregation ---------------------------------------------------- */

static int selected_by_any(const tmdk_node *selectors, const tmdk_node *labels)
{
	size_t i;

	for (i = 0; i < selectors->u.seq.count; i++)
		if (tmdk__label_selector_matches(selectors->u.seq.items[i], labels))
			return 1;
	return 0;
}

/* The aggregation controller sets an aggregated ClusterRole's rules to the
 * union of the rules of every ClusterRole its selectors match (aggregated
 * ones included: it converges); a cycle adds what is resolved so far. */
static int aggregate(tmdk__rbac_ctx *c, size_t k)
{
	tmdk__rbac_role *r = &c->roles[k];
	size_t j;

	if (!r->aggregation || r->state)
		return TMDK_OK;
	r->state = 1;
	for (j = 0; j < c->role_count; j++) {
		tmdk__rbac_role *m = &c->roles[j];

		if (j == k || strcmp(m->kind, "ClusterRole") != 0 || !selected_by_any(r->aggregation, m->labels))
			continue;
		if (aggregate(c, j) != TMDK_OK)
			return TMDK_ENOMEM;
		if (tmdk__rbac_add_grants(&r->grants, &m->grants) != TMDK_OK)
			return TMDK_ENOMEM;
		if (TMDK__ARRAY_RESERVE(r->from, r->from_count, r->from_cap, 4) != TMDK_OK)
			return TMDK_ENOMEM;
		r->from[r->from_count++] = j;
	}
	tmdk__rbac_grants_dedupe(&r->grants);
	r->state = 2;
	return TMDK_OK;
}

/* ---- bindings → roles → subjects ------------------------------------ */

/* The grants a binding's role gives (the set's role, or a built-in one). */
static int resolve_binding(tmdk__rbac_ctx *c, tmdk__rbac_binding *x)
{
	const tmdk__rbac_role *r;
	int known = 0;

	/* a ClusterRoleBinding can only name a ClusterRole; anything else grants nothing */
	if (!x->role_kind || !x->role_name || (x->cluster && strcmp(x->role_kind, "ClusterRole") != 0) ||
	    (strcmp(x->role_kind, "ClusterRole") != 0 && strcmp(x->role_kind, "Role") != 0))
		return TMDK_OK;
	r = tmdk__rbac_find_role(c, x->role_kind, strcmp(x->role_kind, "Role") == 0 ? x->ns : "", x->role_name);
	if (r) {
		x->role = r;
		x->grants = &r->grants;
		return TMDK_OK;
	}
	if (strcmp(x->role_kind, "ClusterRole") != 0)
		return TMDK_OK;
	if (tmdk__rbac_add_builtin(&x->builtin_grants, c->b->arena, x->role_name, &known) != TMDK_OK)
		return TMDK_ENOMEM;
	x->builtin = known;
	if (known)
		x->grants = &x->builtin_grants;
	return TMDK_OK;
}

static int cmp_subject(const void *pa, const void *pb)
{
	const tmdk__rbac_subject *a = pa, *b = pb;
	int c = strcmp(a->kind, b->kind);

	if (c == 0 && (c = strcmp(a->ns, b->ns)) == 0 && (c = strcmp(a->name, b->name)) == 0)
		c = a->binding < b->binding ? -1 : a->binding > b->binding;
	return c;
}

static int add_subject(tmdk__rbac_ctx *c, size_t bi, const tmdk_node *s)
{
	tmdk__model_builder *b = c->b;
	const tmdk__rbac_binding *x = &c->bindings[bi];
	tmdk__rbac_subject *e;
	const char *kind, *name, *ns;
	int oom = 0;

	kind = tmdk__k8s_text(b->arena, tmdk_node_get(s, "kind"), &oom);
	name = tmdk__k8s_text(b->arena, tmdk_node_get(s, "name"), &oom);
	ns = tmdk__k8s_text(b->arena, tmdk_node_get(s, "namespace"), &oom);
	if (oom)
		return TMDK_ENOMEM;
	if (!kind || !name || (strcmp(kind, "ServiceAccount") != 0 && strcmp(kind, "User") != 0 &&
			strcmp(kind, "Group") != 0))
		return TMDK_OK;
	if (strcmp(kind, "ServiceAccount") != 0)
		ns = "";                        /* users and groups are not namespaced */
	else if (!ns || !*ns)
		ns = x->cluster ? "default" : x->ns;
	if (TMDK__ARRAY_RESERVE(c->subjects, c->subject_count, c->subject_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	e = &c->subjects[c->subject_count++];
	e->kind = kind;
	e->name = name;
	e->ns = ns;
	e->binding = bi;
	e->at = s;
	return TMDK_OK;
}

static int resolve(tmdk__rbac_ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->role_count; i++)
		if (aggregate(c, i) != TMDK_OK)
			return TMDK_ENOMEM;
	for (i = 0; i < c->binding_count; i++) {
		const tmdk_node *subjects = tmdk_node_get(c->b->docs[c->bindings[i].doc].view, "subjects");

		if (resolve_binding(c, &c->bindings[i]) != TMDK_OK)
			return TMDK_ENOMEM;
		if (!subjects || subjects->type != TMDK_NODE_SEQUENCE)
			continue;
		for (j = 0; j < subjects->u.seq.count; j++)
			if (subjects->u.seq.items[j]->type == TMDK_NODE_MAP &&
			    add_subject(c, i, subjects->u.seq.items[j]) != TMDK_OK)
				return TMDK_ENOMEM;
	}
	if (c->subject_count > 1)
		qsort(c->subjects, c->subject_count, sizeof(*c->subjects), cmp_subject);
	return TMDK_OK;
}

/* The first entry of subject (kind, ns, name) in the sorted entries, or subject_count. */
size_t tmdk__rbac_find_subject(const tmdk__rbac_ctx *c, const char *kind, const char *ns, const char *name)
{
	size_t lo = 0, hi = c->subject_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const tmdk__rbac_subject *e = &c->subjects[mid];
		int cmp = strcmp(kind, e->kind);

		if (cmp == 0 && (cmp = strcmp(ns, e->ns)) == 0)
			cmp = strcmp(name, e->name);
		if (cmp > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int tmdk__rbac_same_subject(const tmdk__rbac_subject *a, const char *kind, const char *ns, const char *name)
{
	return strcmp(a->kind, kind) == 0 && strcmp(a->ns, ns) == 0 && strcmp(a->name, name) == 0;
}

/* Add the grants of every binding of subject (kind, ns, name) to *eff. */
static int gather(const tmdk__rbac_ctx *c, tmdk__rbac_effective *eff, const char *kind, const char *ns,
	const char *name)
{
	size_t k;

	for (k = tmdk__rbac_find_subject(c, kind, ns, name);
	     k < c->subject_count && tmdk__rbac_same_subject(&c->subjects[k], kind, ns, name); k++) {
		const tmdk__rbac_binding *x = &c->bindings[c->subjects[k].binding];

		if (TMDK__ARRAY_RESERVE(eff->via, eff->via_count, eff->via_cap, 4) != TMDK_OK)
			return TMDK_ENOMEM;
		eff->via[eff->via_count].binding = c->subjects[k].binding;
		eff->via[eff->via_count++].group = strcmp(kind, "Group") == 0 ? name : NULL;
		if (x->grants &&
		    tmdk__rbac_add_grants(x->cluster ? &eff->cluster : &eff->namespaced, x->grants) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

int tmdk__rbac_effective_of(const tmdk__rbac_ctx *c, tmdk__rbac_effective *eff, const char *kind,
	const char *ns, const char *name)
{
	size_t q, ans_cluster[TMDK__CAN_COUNT], ans_ns[TMDK__CAN_COUNT];
	int rc = gather(c, eff, kind, ns, name);

	/* what every service account holds through its groups */
	if (rc == TMDK_OK && strcmp(kind, "ServiceAccount") == 0) {
		char *group = tmdk__arena_printf(c->b->arena, "system:serviceaccounts:%s", ns);

		if (!group)
			return TMDK_ENOMEM;
		rc = gather(c, eff, "Group", "", "system:serviceaccounts");
		if (rc == TMDK_OK)
			rc = gather(c, eff, "Group", "", group);
		if (rc == TMDK_OK)
			rc = gather(c, eff, "Group", "", "system:authenticated");
	}
	if (rc != TMDK_OK)
		return rc;
	tmdk__rbac_can(&eff->cluster, 1, ans_cluster);
	tmdk__rbac_can(&eff->namespaced, 0, ans_ns);
	for (q = 0; q < TMDK__CAN_COUNT; q++) {
		eff->cluster_wide[q] = ans_cluster[q] != 0;
		eff->can[q] = ans_cluster[q] || ans_ns[q];
	}
	return TMDK_OK;
}

void tmdk__rbac_effective_free(tmdk__rbac_effective *eff)
{
	tmdk__rbac_grants_free(&eff->cluster);
	tmdk__rbac_grants_free(&eff->namespaced);
	tmdk__free(eff->via);
	memset(eff, 0, sizeof(*eff));
}

static void ctx_free(tmdk__rbac_ctx *c)
{
	size_t i;

	for (i = 0; i < c->role_count; i++) {
		tmdk__rbac_grants_free(&c->roles[i].grants);
		tmdk__free(c->roles[i].from);
	}
	for (i = 0; i < c->binding_count; i++)
		tmdk__rbac_grants_free(&c->bindings[i].builtin_grants);
	tmdk__free(c->roles);
	tmdk__free(c->role_order);
	tmdk__free(c->bindings);
	tmdk__free(c->subjects);
}

int tmdk__model_build_rbac(tmdk__model_builder *b)
{
	tmdk__rbac_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.b = b;
	rc = collect(&c);
	if (rc == TMDK_OK)
		rc = resolve(&c);
	if (rc == TMDK_OK)
		rc = tmdk__rbac_write(&c);
	ctx_free(&c);
	if (rc != TMDK_OK)
		return tmdk__error_set(b->err, TMDK_ENOMEM, NULL, 0, 0, "out of memory building the RBAC model");
	return TMDK_OK;
}
