/*
 * libtmdk — the RBAC part's output: $model.rbac (roles, subjects) and the
 * "rbac" facts of Roles, ClusterRoles, bindings, ServiceAccounts and
 * workloads (model-schema.md). Facts are positioned in the document they
 * describe: a role's answers at the resource that grants them, an
 * aggregated role's at its aggregationRule, a workload's at its
 * serviceAccountName (or pod spec).
 */
#include "model_rbac_int.h"

#include <stdlib.h>
#include <string.h>

/* Put value (NULL: out of memory) under key. */
static int put(tmdk__arena *a, tmdk_node *map, const char *key, tmdk_node *value)
{
	return value ? tmdk__node_map_put(a, map, key, value) : TMDK_ENOMEM;
}

static int push(tmdk__arena *a, tmdk_node *seq, tmdk_node *item)
{
	return item ? tmdk__node_seq_push(a, seq, item) : TMDK_ENOMEM;
}

/* Does a sequence of strings hold text? (short lists: a role's bindings, an account's) */
static int seq_has(const tmdk_node *seq, const char *text)
{
	size_t i;

	for (i = 0; i < seq->u.seq.count; i++)
		if (tmdk_node_text_equals(seq->u.seq.items[i], text))
			return 1;
	return 0;
}

static int put_str(tmdk__arena *a, tmdk_node *map, const char *key, const char *text, const tmdk_node *at)
{
	return put(a, map, key, text ? tmdk__k8s_string(a, text, at) : NULL);
}

/* The CAN map: every question, true ones at the grant that answers them
 * when `grants` positions may be used (a role's own rules), else at `at`. */
static tmdk_node *can_map(tmdk__arena *a, const unsigned char *can, const size_t *answer,
	const tmdk__rbac_grants *grants, const tmdk_node *at)
{
	tmdk_node *m = tmdk__k8s_map(a, at);
	int q;

	for (q = 0; m && q < TMDK__CAN_COUNT; q++) {
		const tmdk_node *where = at;
		int yes = answer ? answer[q] != 0 : can[q];

		if (answer && answer[q] && grants && grants->items[answer[q] - 1].at)
			where = grants->items[answer[q] - 1].at;
		if (put(a, m, tmdk__rbac_question_name(q), tmdk__k8s_bool(a, yes, where)) != TMDK_OK)
			return NULL;
	}
	return m;
}

static tmdk_node *grant_node(tmdk__arena *a, const tmdk__rbac_grant *g, const tmdk_node *at)
{
	tmdk_node *m = tmdk__k8s_map(a, at), *names = tmdk__k8s_seq(a, at);
	size_t i;

	if (!m || !names || put_str(a, m, "api_group", g->api_group, at) != TMDK_OK ||
	    put_str(a, m, "resource", g->resource, at) != TMDK_OK ||
	    put(a, m, "subresource", g->subresource ? tmdk__k8s_string(a, g->subresource, at) :
			tmdk__node_from(tmdk__node_null(a, at->line, at->column), at)) != TMDK_OK ||
	    put_str(a, m, "verb", g->verb, at) != TMDK_OK || put(a, m, "resource_names", names) != TMDK_OK)
		return NULL;
	for (i = 0; g->names && i < g->names->u.seq.count; i++) {
		const tmdk_node *n = g->names->u.seq.items[i];
		int oom = 0;
		const char *t = tmdk__k8s_text(a, n, &oom);

		if (oom || (t && push(a, names, tmdk__k8s_string(a, t, at)) != TMDK_OK))
			return NULL;
	}
	return m;
}

/* "ServiceAccount:ns/name", "User:alice" */
static const char *subject_text(tmdk__arena *a, const tmdk__rbac_subject *s)
{
	return *s->ns ? tmdk__arena_printf(a, "%s:%s/%s", s->kind, s->ns, s->name) :
		tmdk__arena_printf(a, "%s:%s", s->kind, s->name);
}

/* "ClusterRoleBinding/x → ClusterRole/y", with the group it came through */
static const char *via_text(tmdk__arena *a, const tmdk__rbac_binding *x, const char *group)
{
	if (group)
		return tmdk__arena_printf(a, "%s/%s (group %s) \xe2\x86\x92 %s/%s", x->kind, x->name, group,
			x->role_kind ? x->role_kind : "?", x->role_name ? x->role_name : "?");
	return tmdk__arena_printf(a, "%s/%s \xe2\x86\x92 %s/%s", x->kind, x->name,
		x->role_kind ? x->role_kind : "?", x->role_name ? x->role_name : "?");
}

/* ---- roles ---------------------------------------------------------- */

/* Which bindings and subjects name each role: index ranges by role, built
 * once (counting sort) so that writing every role stays linear. */
typedef struct role_index {
	size_t *bind_start, *binds;   /* bindings of role k: binds[bind_start[k] .. bind_start[k+1]) */
	size_t *subj_start, *subjs;   /* subject entries of role k, in subject order */
} role_index;

static int index_by_role(const tmdk__rbac_ctx *c, size_t *start, size_t **items, int subjects)
{
	size_t n = subjects ? c->subject_count : c->binding_count, i, *fill;

	memset(start, 0, (c->role_count + 1) * sizeof(size_t));
	if (!(*items = tmdk__calloc(n ? n : 1, sizeof(size_t))) || !(fill = tmdk__calloc(c->role_count + 1, sizeof(size_t))))
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		const tmdk__rbac_role *r = c->bindings[subjects ? c->subjects[i].binding : i].role;

		if (r)
			start[(size_t)(r - c->roles) + 1]++;
	}
	for (i = 0; i < c->role_count; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n; i++) {
		const tmdk__rbac_role *r = c->bindings[subjects ? c->subjects[i].binding : i].role;

		if (r) {
			size_t k = (size_t)(r - c->roles);

			(*items)[start[k] + fill[k]++] = i;
		}
	}
	tmdk__free(fill);
	return TMDK_OK;
}

/* "bound to User:alice, ServiceAccount:web/api by RoleBinding/web/x", or "not bound in the scanned files". */
static tmdk_node *binding_summary(tmdk__arena *a, const tmdk_node *to, const tmdk_node *by, const tmdk_node *at)
{
	const tmdk_node *lists[2] = {to, by};
	char *text = tmdk__arena_strdup(a, "bound to ");
	size_t k, i;

	if (!by->u.seq.count)
		return tmdk__k8s_string(a, "not bound in the scanned files", at);
	for (k = 0; text && k < 2; k++) {
		if (k == 1)
			text = tmdk__arena_printf(a, "%s%sby ", text, to->u.seq.count ? " " : "");
		for (i = 0; text && i < lists[k]->u.seq.count; i++)
			text = tmdk__arena_printf(a, "%s%s%.*s", text, i ? ", " : "", (int)lists[k]->u.seq.items[i]->u.scalar.len,
				lists[k]->u.seq.items[i]->u.scalar.text);
	}
	return text ? tmdk__k8s_string(a, text, at) : NULL;
}

/* Subjects bound to role k, the bindings that bind it, and whether one is cluster-wide. */
static int role_bindings(tmdk__rbac_ctx *c, const role_index *ix, size_t k, tmdk_node *facts, const tmdk_node *at)
{
	tmdk__arena *a = c->b->arena;
	tmdk_node *to = tmdk__k8s_seq(a, at), *by = tmdk__k8s_seq(a, at);
	int cluster = 0;
	size_t i;

	if (!to || !by)
		return TMDK_ENOMEM;
	k = c->roles[k].canon;
	for (i = ix->bind_start[k]; i < ix->bind_start[k + 1]; i++) {
		const tmdk__rbac_binding *x = &c->bindings[ix->binds[i]];
		const char *t = x->cluster ? tmdk__arena_printf(a, "%s/%s", x->kind, x->name) :
			tmdk__arena_printf(a, "%s/%s/%s", x->kind, x->ns, x->name);

		cluster |= x->cluster;
		if (!t)
			return TMDK_ENOMEM;
		if (seq_has(by, t))
			continue; /* the same binding defined twice in the set */
		if (push(a, by, tmdk__k8s_string(a, t, at)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = ix->subj_start[k]; i < ix->subj_start[k + 1]; i++) {
		const char *t = subject_text(a, &c->subjects[ix->subjs[i]]);

		if (!t)
			return TMDK_ENOMEM;
		if (seq_has(to, t))
			continue;
		if (push(a, to, tmdk__k8s_string(a, t, at)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	if (put(a, facts, "bound_to", to) != TMDK_OK || put(a, facts, "bound_by", by) != TMDK_OK ||
	    put(a, facts, "binding_summary", binding_summary(a, to, by, at)) != TMDK_OK ||
	    put(a, facts, "bound_cluster_wide", tmdk__k8s_bool(a, cluster, at)) != TMDK_OK)
		return TMDK_ENOMEM;
	return TMDK_OK;
}

static int write_role(tmdk__rbac_ctx *c, const role_index *ix, size_t k, tmdk_node *roles)
{
	tmdk__model_builder *b = c->b;
	tmdk__arena *a = b->arena;
	const tmdk__rbac_role *r = &c->roles[k];
	const tmdk_node *view = b->docs[r->doc].view, *rules = tmdk_node_get(view, "rules");
	const tmdk_node *at = r->aggregation ? r->aggregation : rules ? rules : view;
	const tmdk__rbac_grants *own = r->aggregation ? NULL : &r->grants;
	size_t answer[TMDK__CAN_COUNT], i;
	tmdk_node *facts, *rf = tmdk__k8s_map(a, at), *grants = tmdk__k8s_seq(a, at), *from = tmdk__k8s_seq(a, at);
	tmdk_node *entry = tmdk__k8s_map(a, view), *can;

	if (!rf || !grants || !from || !entry || !(facts = tmdk__model_facts(b, r->doc, view)))
		return TMDK_ENOMEM;
	tmdk__rbac_can(&r->grants, strcmp(r->kind, "ClusterRole") == 0, answer);
	if (!(can = can_map(a, NULL, answer, own, at)))
		return TMDK_ENOMEM;
	for (i = 0; i < r->grants.count; i++) {
		const tmdk_node *gat = own && r->grants.items[i].at ? r->grants.items[i].at : at;

		if (push(a, grants, grant_node(a, &r->grants.items[i], gat)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = 0; i < r->from_count; i++)
		if (push(a, from, tmdk__k8s_string(a, c->roles[r->from[i]].name, at)) != TMDK_OK)
			return TMDK_ENOMEM;
	if (put(a, rf, "grants", grants) != TMDK_OK || put(a, rf, "can", can) != TMDK_OK ||
	    put(a, rf, "aggregated_from", from) != TMDK_OK || role_bindings(c, ix, k, rf, view) != TMDK_OK ||
	    put(a, facts, "rbac", rf) != TMDK_OK)
		return TMDK_ENOMEM;
	if (put_str(a, entry, "kind", r->kind, view) != TMDK_OK || put_str(a, entry, "name", r->name, view) != TMDK_OK ||
	    put_str(a, entry, "namespace", r->ns, view) != TMDK_OK ||
	    put_str(a, entry, "file", tmdk__k8s_file(&b->docs[r->doc], view), view) != TMDK_OK ||
	    put(a, entry, "line", tmdk__k8s_int(a, view->line, view)) != TMDK_OK ||
	    put(a, entry, "aggregated_from", from) != TMDK_OK || put(a, entry, "grants", grants) != TMDK_OK ||
	    put(a, entry, "can", can) != TMDK_OK)
		return TMDK_ENOMEM;
	return push(a, roles, entry);
}

/* ---- bindings --------------------------------------------------------- */

static int write_binding(tmdk__rbac_ctx *c, const tmdk__rbac_binding *x)
{
	tmdk__arena *a = c->b->arena;
	size_t answer[TMDK__CAN_COUNT];
	static const tmdk__rbac_grants none = {NULL, 0, 0};
	tmdk_node *facts = tmdk__model_facts(c->b, x->doc, c->b->docs[x->doc].view);
	tmdk_node *rf = tmdk__k8s_map(a, x->ref);

	if (!facts || !rf)
		return TMDK_ENOMEM;
	tmdk__rbac_can(x->grants ? x->grants : &none, x->cluster, answer);
	if (put(a, rf, "role_found", tmdk__k8s_bool(a, x->role || x->builtin, x->ref)) != TMDK_OK ||
	    put(a, rf, "builtin", tmdk__k8s_bool(a, x->builtin, x->ref)) != TMDK_OK ||
	    put(a, rf, "can", can_map(a, NULL, answer, NULL, x->ref)) != TMDK_OK)
		return TMDK_ENOMEM;
	return put(a, facts, "rbac", rf);
}

/* ---- subjects --------------------------------------------------------- */

static tmdk_node *via_seq(tmdk__rbac_ctx *c, const tmdk__rbac_effective *eff, const tmdk_node *at)
{
	tmdk__arena *a = c->b->arena;
	tmdk_node *seq = tmdk__k8s_seq(a, at);
	size_t i;

	for (i = 0; seq && i < eff->via_count; i++) {
		const char *t = via_text(a, &c->bindings[eff->via[i].binding], eff->via[i].group);

		if (!t)
			return NULL;
		if (seq_has(seq, t))
			continue; /* the same binding defined twice in the set */
		if (push(a, seq, tmdk__k8s_string(a, t, at)) != TMDK_OK)
			return NULL;
	}
	return seq;
}

static int write_subject(tmdk__rbac_ctx *c, size_t first, size_t end, tmdk_node *subjects)
{
	tmdk__arena *a = c->b->arena;
	const tmdk__rbac_subject *s = &c->subjects[first];
	tmdk__rbac_effective eff;
	tmdk_node *entry = tmdk__k8s_map(a, s->at), *bindings = tmdk__k8s_seq(a, s->at);
	size_t i;
	int rc;

	if (!entry || !bindings)
		return TMDK_ENOMEM;
	memset(&eff, 0, sizeof(eff));
	rc = tmdk__rbac_effective_of(c, &eff, s->kind, s->ns, s->name);
	if (rc == TMDK_OK && (put_str(a, entry, "kind", s->kind, s->at) != TMDK_OK ||
	    put_str(a, entry, "name", s->name, s->at) != TMDK_OK || put_str(a, entry, "namespace", s->ns, s->at) != TMDK_OK ||
	    put(a, entry, "bindings", bindings) != TMDK_OK ||
	    put(a, entry, "can", can_map(a, eff.can, NULL, NULL, s->at)) != TMDK_OK ||
	    put(a, entry, "cluster_wide", can_map(a, eff.cluster_wide, NULL, NULL, s->at)) != TMDK_OK))
		rc = TMDK_ENOMEM;
	for (i = first; rc == TMDK_OK && i < end; i++) {
		const tmdk__rbac_binding *x = &c->bindings[c->subjects[i].binding];
		tmdk_node *m = tmdk__k8s_map(a, s->at);

		if (!m || put_str(a, m, "kind", x->kind, s->at) != TMDK_OK || put_str(a, m, "name", x->name, s->at) != TMDK_OK ||
		    put_str(a, m, "namespace", x->ns, s->at) != TMDK_OK ||
		    put_str(a, m, "role", tmdk__arena_printf(a, "%s/%s", x->role_kind ? x->role_kind : "?",
				x->role_name ? x->role_name : "?"), s->at) != TMDK_OK ||
		    push(a, bindings, m) != TMDK_OK)
			rc = TMDK_ENOMEM;
	}
	tmdk__rbac_effective_free(&eff);
	return rc == TMDK_OK ? push(a, subjects, entry) : rc;
}

/* ---- workloads and ServiceAccounts ------------------------------------ */

typedef struct sa_use {
	const char *ns, *name;       /* the service account */
	size_t doc;                  /* the workload */
	const tmdk_node *at;         /* serviceAccountName, the pod spec or the view */
	int automount;               /* the pod spec's automountServiceAccountToken: 1, 0, -1 unset */
} sa_use;

static int cmp_use(const void *pa, const void *pb)
{
	const sa_use *a = pa, *b = pb;
	int c = strcmp(a->ns, b->ns);

	if (c == 0 && (c = strcmp(a->name, b->name)) == 0)
		c = a->doc < b->doc ? -1 : a->doc > b->doc;
	return c;
}

static int bool_field(const tmdk_node *map, const char *key)
{
	int v;

	return tmdk_node_as_bool(tmdk_node_get(map, key), &v) == TMDK_OK ? v : -1;
}

/* The service account of every workload of the set, sorted by (ns, name, doc). */
static int collect_uses(tmdk__rbac_ctx *c, sa_use **out, size_t *count)
{
	tmdk__model_builder *b = c->b;
	size_t i, cap = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; i < b->doc_count; i++) {
		const tmdk_node *view = b->docs[i].view, *spec, *n;
		sa_use u;
		int oom = 0;

		if (!tmdk__k8s_is_object(&b->docs[i]) || !tmdk__k8s_is_workload(view))
			continue;
		spec = tmdk_node_get(view, "pod_spec");
		/* serviceAccount is the deprecated spelling; serviceAccountName wins */
		n = tmdk_node_get(spec, "serviceAccountName");
		if (!n || !tmdk__k8s_text(b->arena, n, &oom))
			n = tmdk_node_get(spec, "serviceAccount");
		u.name = tmdk__k8s_text(b->arena, n, &oom);
		u.ns = tmdk__k8s_namespace(b->arena, view);
		if (oom || !u.ns)
			return TMDK_ENOMEM;
		if (!u.name || !*u.name) {
			u.name = "default";
			n = NULL;
		}
		u.doc = i;
		u.at = n ? n : spec ? spec : view;
		u.automount = bool_field(spec, "automountServiceAccountToken");
		if (TMDK__ARRAY_RESERVE(*out, *count, cap, 16) != TMDK_OK)
			return TMDK_ENOMEM;
		(*out)[(*count)++] = u;
	}
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), cmp_use);
	return TMDK_OK;
}

/* The ServiceAccount document (ns, name) of the set, or -1. Linear in ServiceAccounts: called per distinct account. */
static long find_sa_doc(const tmdk__rbac_ctx *c, const size_t *sas, size_t n, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const tmdk_node *v = c->b->docs[sas[i]].view;
		const char *vns = tmdk__k8s_namespace(c->b->arena, v);

		if (vns && strcmp(vns, ns) == 0 && tmdk_node_text_equals(tmdk_node_get(v, "name"), name))
			return (long)sas[i];
	}
	return -1;
}

static int write_workload(tmdk__rbac_ctx *c, const sa_use *u, const tmdk__rbac_effective *eff, int sa_automount)
{
	tmdk__arena *a = c->b->arena;
	tmdk_node *facts = tmdk__model_facts(c->b, u->doc, c->b->docs[u->doc].view);
	tmdk_node *rf = tmdk__k8s_map(a, u->at);
	/* the pod's own setting wins over its service account's; mounted by default */
	int mounted = u->automount >= 0 ? u->automount : sa_automount >= 0 ? sa_automount : 1;

	if (!facts || !rf || put_str(a, rf, "service_account", u->name, u->at) != TMDK_OK ||
	    put_str(a, rf, "namespace", u->ns, u->at) != TMDK_OK ||
	    put(a, rf, "token_mounted", tmdk__k8s_bool(a, mounted, u->at)) != TMDK_OK ||
	    put(a, rf, "can", can_map(a, eff->can, NULL, NULL, u->at)) != TMDK_OK ||
	    put(a, rf, "cluster_wide", can_map(a, eff->cluster_wide, NULL, NULL, u->at)) != TMDK_OK ||
	    put(a, rf, "via", via_seq(c, eff, u->at)) != TMDK_OK)
		return TMDK_ENOMEM;
	return put(a, facts, "rbac", rf);
}

static int write_sa_doc(tmdk__rbac_ctx *c, size_t doc, const tmdk__rbac_effective *eff, const sa_use *uses,
	size_t n)
{
	tmdk__arena *a = c->b->arena;
	const tmdk_node *view = c->b->docs[doc].view;
	tmdk_node *facts = tmdk__model_facts(c->b, doc, view), *rf = tmdk__k8s_map(a, view);
	tmdk_node *used = tmdk__k8s_seq(a, view);
	size_t i;

	if (!facts || !rf || !used)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *id = tmdk__k8s_component_id(a, c->b->docs[uses[i].doc].view);

		if (!id || push(a, used, tmdk__k8s_string(a, id, view)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	/* Kubernetes creates `default` in every namespace: it is not the user's */
	if (put(a, rf, "builtin", tmdk__k8s_bool(a, tmdk_node_text_equals(tmdk_node_get(view, "name"), "default"),
			view)) != TMDK_OK ||
	    put(a, rf, "can", can_map(a, eff->can, NULL, NULL, view)) != TMDK_OK ||
	    put(a, rf, "cluster_wide", can_map(a, eff->cluster_wide, NULL, NULL, view)) != TMDK_OK ||
	    put(a, rf, "via", via_seq(c, eff, view)) != TMDK_OK || put(a, rf, "used_by", used) != TMDK_OK)
		return TMDK_ENOMEM;
	return put(a, facts, "rbac", rf);
}

/* The ServiceAccount documents of the set, in set order. */
static int collect_sa_docs(tmdk__rbac_ctx *c, size_t **out, size_t *count)
{
	size_t i, cap = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; i < c->b->doc_count; i++) {
		if (!tmdk__k8s_is_object(&c->b->docs[i]) || !tmdk__k8s_kind_is(c->b->docs[i].view, "ServiceAccount") ||
		    !tmdk_node_get(c->b->docs[i].view, "name"))
			continue;
		if (TMDK__ARRAY_RESERVE(*out, *count, cap, 8) != TMDK_OK)
			return TMDK_ENOMEM;
		(*out)[(*count)++] = i;
	}
	return TMDK_OK;
}

static int write_accounts(tmdk__rbac_ctx *c)
{
	sa_use *uses = NULL;
	size_t *sas = NULL, n_uses = 0, n_sas = 0, i, j;
	int rc = collect_uses(c, &uses, &n_uses);

	if (rc == TMDK_OK)
		rc = collect_sa_docs(c, &sas, &n_sas);
	/* workloads, one service account at a time */
	for (i = 0; rc == TMDK_OK && i < n_uses; i = j) {
		tmdk__rbac_effective eff;
		long sa = find_sa_doc(c, sas, n_sas, uses[i].ns, uses[i].name);
		int sa_automount = sa >= 0 ? bool_field(tmdk_document_root(c->b->docs[sa].doc),
			"automountServiceAccountToken") : -1;

		for (j = i; j < n_uses && strcmp(uses[j].ns, uses[i].ns) == 0 && strcmp(uses[j].name, uses[i].name) == 0; j++)
			;
		memset(&eff, 0, sizeof(eff));
		rc = tmdk__rbac_effective_of(c, &eff, "ServiceAccount", uses[i].ns, uses[i].name);
		for (size_t k = i; rc == TMDK_OK && k < j; k++)
			rc = write_workload(c, &uses[k], &eff, sa_automount);
		tmdk__rbac_effective_free(&eff);
	}
	/* ServiceAccount documents, with the workloads that use them */
	for (i = 0; rc == TMDK_OK && i < n_sas; i++) {
		const tmdk_node *v = c->b->docs[sas[i]].view;
		tmdk__rbac_effective eff;
		const char *ns = tmdk__k8s_namespace(c->b->arena, v);
		int oom = 0;
		const char *name = tmdk__k8s_text(c->b->arena, tmdk_node_get(v, "name"), &oom);
		size_t lo, hi;

		if (!ns || oom) {
			rc = TMDK_ENOMEM;
			break;
		}
		if (!name)
			continue;
		for (lo = 0; lo < n_uses && (strcmp(uses[lo].ns, ns) < 0 ||
				(strcmp(uses[lo].ns, ns) == 0 && strcmp(uses[lo].name, name) < 0)); lo++)
			;
		for (hi = lo; hi < n_uses && strcmp(uses[hi].ns, ns) == 0 && strcmp(uses[hi].name, name) == 0; hi++)
			;
		memset(&eff, 0, sizeof(eff));
		rc = tmdk__rbac_effective_of(c, &eff, "ServiceAccount", ns, name);
		if (rc == TMDK_OK)
			/* uses is NULL when no workload names a service account */
			rc = write_sa_doc(c, sas[i], &eff, uses ? uses + lo : NULL, hi - lo);
		tmdk__rbac_effective_free(&eff);
	}
	tmdk__free(uses);
	tmdk__free(sas);
	return rc;
}

int tmdk__rbac_write(tmdk__rbac_ctx *c)
{
	tmdk__arena *a = c->b->arena;
	const tmdk_node *at = c->b->root;
	tmdk_node *rbac = tmdk__k8s_map(a, at), *roles = tmdk__k8s_seq(a, at), *subjects = tmdk__k8s_seq(a, at);
	role_index ix = {NULL, NULL, NULL, NULL};
	size_t i, j;
	int rc = TMDK_OK;

	if (!rbac || !roles || !subjects)
		return TMDK_ENOMEM;
	if (!(ix.bind_start = tmdk__calloc(c->role_count + 1, sizeof(size_t))) ||
	    !(ix.subj_start = tmdk__calloc(c->role_count + 1, sizeof(size_t))) ||
	    index_by_role(c, ix.bind_start, &ix.binds, 0) != TMDK_OK ||
	    index_by_role(c, ix.subj_start, &ix.subjs, 1) != TMDK_OK)
		rc = TMDK_ENOMEM;
	for (i = 0; rc == TMDK_OK && i < c->role_count; i++)
		rc = write_role(c, &ix, i, roles);
	tmdk__free(ix.bind_start);
	tmdk__free(ix.binds);
	tmdk__free(ix.subj_start);
	tmdk__free(ix.subjs);
	if (rc != TMDK_OK)
		return rc;
	for (i = 0; i < c->binding_count; i++)
		if (write_binding(c, &c->bindings[i]) != TMDK_OK)
			return TMDK_ENOMEM;
	for (i = 0; i < c->subject_count; i = j) {
		const tmdk__rbac_subject *s = &c->subjects[i];

		for (j = i; j < c->subject_count && tmdk__rbac_same_subject(&c->subjects[j], s->kind, s->ns, s->name); j++)
			;
		if (write_subject(c, i, j, subjects) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	if (write_accounts(c) != TMDK_OK || put(a, rbac, "roles", roles) != TMDK_OK ||
	    put(a, rbac, "subjects", subjects) != TMDK_OK)
		return TMDK_ENOMEM;
	return tmdk__node_map_put(a, c->b->root, "rbac", rbac);
}
