/*
 * libtmdk — the data of the system and who uses it:
 *
 *   Kubernetes: Secrets and ConfigMaps (mounted: "file"; env valueFrom and
 *   envFrom: "env"; readable through the workload's RBAC grants in its
 *   namespace: "rbac"), PersistentVolumeClaims and StatefulSet claim
 *   templates ("volume"), hostPath volumes (host-path, "volume"); the Secret,
 *   ConfigMap and PVC documents of the set even when nothing uses them.
 *   Compose: named volumes, bind mounts (host-path), secrets and configs
 *   (top-level ones even when unused).
 *
 * Ids: "k8s:<ns>/<Kind>/<name>", "compose:<file>#<volume|secret|config>:<name>",
 * "host:<path>". Items are looked up in a small hash table (ids are unique).
 */
#include "model_system_int.h"

#include <stdint.h>
#include <string.h>

typedef struct item {
	const char *id;
	tmdk_node *node, *used_by;
	const char *ns;              /* Kubernetes secrets: for the RBAC pass */
	int secret;
} item;

typedef struct data_ctx {
	tmdk__sys *s;
	item *items;                 /* hash table, open addressing */
	size_t cap, count;
	size_t *order;               /* slot of each item in creation order */
} data_ctx;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static item *slot(data_ctx *dc, const char *id)
{
	size_t i = hash(id) & (dc->cap - 1);
	while (dc->items[i].id && strcmp(dc->items[i].id, id) != 0)
		i = (i + 1) & (dc->cap - 1);
	return &dc->items[i];
}

static int grow(data_ctx *dc)
{
	data_ctx bigger = *dc;
	size_t i;
	bigger.cap = dc->cap ? dc->cap * 2 : 64;
	if (!(bigger.items = tmdk__calloc(bigger.cap, sizeof(*bigger.items))) ||
	    !(bigger.order = tmdk__calloc(bigger.cap, sizeof(*bigger.order)))) {
		tmdk__free(bigger.items);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < dc->count; i++) {
		item *to = slot(&bigger, dc->items[dc->order[i]].id);
		*to = dc->items[dc->order[i]];
		bigger.order[i] = (size_t)(to - bigger.items);
	}
	tmdk__free(dc->items);
	tmdk__free(dc->order);
	*dc = bigger;
	return TMDK_OK;
}

/* The item `id`, created {id, kind, name, namespace, used_by: []} on first use. */
static item *get_item(data_ctx *dc, const char *kind, const char *name, const char *ns, const char *id,
	const tmdk_node *at)
{
	tmdk__sys *s = dc->s;
	item *it;
	int rc = TMDK_OK;
	if ((dc->count + 1) * 2 > dc->cap && grow(dc) != TMDK_OK)
		return NULL;
	it = slot(dc, id);
	if (it->id)
		return it;
	if (!(it->id = tmdk__arena_strdup(s->b->arena, id)) || !(it->node = tmdk__sys_map(s, at)) ||
	    !(it->used_by = tmdk__sys_seq(s, at)))
		return NULL;
	it->ns = ns;
	it->secret = strcmp(kind, "secret") == 0 && ns;
	rc |= tmdk__sys_put_str(s, it->node, "id", id, at);
	rc |= tmdk__sys_put_str(s, it->node, "kind", kind, at);
	rc |= tmdk__sys_put_str(s, it->node, "name", name, at);
	rc |= tmdk__sys_put_str(s, it->node, "namespace", ns && ns[0] ? ns : NULL, at);
	rc |= tmdk__sys_put(s, it->node, "used_by", it->used_by);
	rc |= tmdk__node_seq_push(s->b->arena, s->data, it->node);
	if (rc)
		return NULL;
	dc->order[dc->count++] = (size_t)(it - dc->items);
	return it;
}

static int use(data_ctx *dc, item *it, tmdk__comp *c, const char *how, const tmdk_node *at)
{
	tmdk__sys *s = dc->s;
	tmdk_node *u;
	size_t i;
	int rc = TMDK_OK;
	if (!it)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(it->used_by); i++) {
		const tmdk_node *e = tmdk_node_at(it->used_by, i);
		if (tmdk_node_text_equals(tmdk_node_get(e, "component"), c->id) &&
		    tmdk_node_text_equals(tmdk_node_get(e, "how"), how))
			return TMDK_OK;
	}
	if (!(u = tmdk__sys_map(s, at)))
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put_str(s, u, "component", c->id, at);
	rc |= tmdk__sys_put_str(s, u, "how", how, at);
	rc |= tmdk__node_seq_push(s->b->arena, it->used_by, u);
	rc |= tmdk__sys_push_unique(s, c->data, it->id, c->anchor);
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

static item *k8s_item(data_ctx *dc, const char *kind, const char *k8s_kind, const char *ns, const char *name,
	const tmdk_node *at)
{
	const char *id = tmdk__arena_printf(dc->s->b->arena, "k8s:%s/%s/%s", ns[0] ? ns : "-", k8s_kind, name);
	return id ? get_item(dc, kind, name, ns, id, at) : NULL;
}

static int k8s_ref(data_ctx *dc, tmdk__comp *c, const char *kind, const char *k8s_kind, const tmdk_node *name,
	const char *how)
{
	if (!tmdk__sys_text(name))
		return TMDK_OK;
	return use(dc, k8s_item(dc, kind, k8s_kind, c->ns, tmdk__sys_text(name), name), c, how, name);
}

static int host_path(data_ctx *dc, tmdk__comp *c, const char *path, const tmdk_node *at)
{
	const char *id = tmdk__arena_printf(dc->s->b->arena, "host:%s", path);
	return id ? use(dc, get_item(dc, "host-path", path, NULL, id, at), c, "volume", at) : TMDK_ENOMEM;
}

static int k8s_volumes(data_ctx *dc, tmdk__comp *c)
{
	const tmdk_node *vols = tmdk_node_get(c->pod_spec, "volumes");
	size_t i, j;
	for (i = 0; i < tmdk_node_size(vols); i++) {
		const tmdk_node *v = tmdk_node_at(vols, i), *srcs = tmdk_node_path(v, "projected.sources");
		const char *hp = tmdk__sys_text(tmdk_node_path(v, "hostPath.path"));
		if (k8s_ref(dc, c, "secret", "Secret", tmdk_node_path(v, "secret.secretName"), "file") != TMDK_OK ||
		    k8s_ref(dc, c, "configmap", "ConfigMap", tmdk_node_path(v, "configMap.name"), "file") != TMDK_OK ||
		    k8s_ref(dc, c, "pvc", "PersistentVolumeClaim", tmdk_node_path(v, "persistentVolumeClaim.claimName"), "volume") != TMDK_OK ||
		    (hp && host_path(dc, c, hp, tmdk_node_path(v, "hostPath.path")) != TMDK_OK))
			return TMDK_ENOMEM;
		for (j = 0; j < tmdk_node_size(srcs); j++) {
			const tmdk_node *p = tmdk_node_at(srcs, j);
			if (k8s_ref(dc, c, "secret", "Secret", tmdk_node_path(p, "secret.name"), "file") != TMDK_OK ||
			    k8s_ref(dc, c, "configmap", "ConfigMap", tmdk_node_path(p, "configMap.name"), "file") != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	vols = tmdk_node_path(tmdk_document_root(dc->s->b->docs[c->doc].doc), "spec.volumeClaimTemplates");
	for (i = 0; i < tmdk_node_size(vols); i++)
		if (k8s_ref(dc, c, "pvc", "PersistentVolumeClaim", tmdk_node_path(tmdk_node_at(vols, i), "metadata.name"), "volume") != TMDK_OK)
			return TMDK_ENOMEM;
	return TMDK_OK;
}

static int k8s_env(data_ctx *dc, tmdk__comp *c)
{
	const tmdk_node *ctrs = tmdk_node_get(c->view, "containers");
	size_t i, j;
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *spec = tmdk_node_get(tmdk_node_at(ctrs, i), "spec");
		const tmdk_node *env = tmdk_node_get(spec, "env"), *from = tmdk_node_get(spec, "envFrom");
		for (j = 0; j < tmdk_node_size(env); j++) {
			const tmdk_node *vf = tmdk_node_get(tmdk_node_at(env, j), "valueFrom");
			if (k8s_ref(dc, c, "secret", "Secret", tmdk_node_path(vf, "secretKeyRef.name"), "env") != TMDK_OK ||
			    k8s_ref(dc, c, "configmap", "ConfigMap", tmdk_node_path(vf, "configMapKeyRef.name"), "env") != TMDK_OK)
				return TMDK_ENOMEM;
		}
		for (j = 0; j < tmdk_node_size(from); j++) {
			const tmdk_node *f = tmdk_node_at(from, j);
			if (k8s_ref(dc, c, "secret", "Secret", tmdk_node_path(f, "secretRef.name"), "env") != TMDK_OK ||
			    k8s_ref(dc, c, "configmap", "ConfigMap", tmdk_node_path(f, "configMapRef.name"), "env") != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

static int compose_ref(data_ctx *dc, tmdk__comp *c, const char *kind, const char *what, const char *name,
	const char *how, const tmdk_node *at)
{
	const char *id = tmdk__arena_printf(dc->s->b->arena, "compose:%s#%s:%s", c->file, what, name);
	return id ? use(dc, get_item(dc, kind, name, NULL, id, at), c, how, at) : TMDK_ENOMEM;
}

static int compose_data(data_ctx *dc, tmdk__comp *c)
{
	static const struct { const char *key, *kind, *what; } files[] = {
		{ "secrets", "secret", "secret" }, { "configs", "configmap", "config" } };
	const tmdk_node *vols = tmdk_node_get(c->service, "volumes"), *spec = tmdk_node_get(c->service, "spec");
	size_t i, j;
	for (i = 0; i < tmdk_node_size(vols); i++) {
		const tmdk_node *v = tmdk_node_at(vols, i), *src = tmdk_node_get(v, "source");
		const char *type = tmdk__sys_text(tmdk_node_get(v, "type")), *path = tmdk__sys_text(src);
		int rc = TMDK_OK;
		if (!type || !path)
			continue;
		if (strcmp(type, "volume") == 0)
			rc = compose_ref(dc, c, "named-volume", "volume", path, "volume", v);
		else if (strcmp(type, "bind") == 0) {
			const char *full = path[0] == '.' ? tmdk__sys_path_join(dc->s, tmdk__sys_dirname(dc->s, c->file), path) : path;
			rc = full ? host_path(dc, c, full, v) : TMDK_ENOMEM;
		}
		if (rc != TMDK_OK)
			return rc;
	}
	for (j = 0; j < sizeof(files) / sizeof(files[0]); j++) {
		const tmdk_node *list = tmdk_node_get(spec, files[j].key);
		for (i = 0; i < tmdk_node_size(list); i++) {
			const tmdk_node *e = tmdk_node_at(list, i);
			const tmdk_node *name = tmdk_node_get_type(e) == TMDK_NODE_MAP ? tmdk_node_get(e, "source") : e;
			if (tmdk__sys_text(name) &&
			    compose_ref(dc, c, files[j].kind, files[j].what, tmdk__sys_text(name), "file", name) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

/* Secrets, ConfigMaps and claims of the set, used or not; top-level compose volumes, secrets, configs. */
static int declared(data_ctx *dc)
{
	static const struct { const char *k8s, *kind; } kinds[] = {
		{ "Secret", "secret" }, { "ConfigMap", "configmap" }, { "PersistentVolumeClaim", "pvc" } };
	static const struct { const char *key, *kind, *what; } top[] = {
		{ "volumes", "named-volume", "volume" }, { "secrets", "secret", "secret" }, { "configs", "configmap", "config" } };
	tmdk__sys *s = dc->s;
	size_t d, k, i;
	for (d = 0; d < s->b->doc_count; d++) {
		const tmdk_node *v = s->b->docs[d].view;
		tmdk_kind kind = tmdk_artifact_kind(s->b->docs[d].artifact);
		if (kind == TMDK_KIND_KUBERNETES) {
			const char *name = tmdk__sys_text(tmdk_node_get(v, "name")), *ns = tmdk__sys_text(tmdk_node_get(v, "namespace"));
			for (k = 0; name && k < sizeof(kinds) / sizeof(kinds[0]); k++)
				if (tmdk_node_text_equals(tmdk_node_get(v, "kind"), kinds[k].k8s) &&
				    !k8s_item(dc, kinds[k].kind, kinds[k].k8s, ns ? ns : "", name, tmdk_node_get(v, "kind")))
					return TMDK_ENOMEM;
		} else if (kind == TMDK_KIND_COMPOSE) {
			const char *file = tmdk_artifact_name(s->b->docs[d].artifact);
			for (k = 0; k < sizeof(top) / sizeof(top[0]); k++) {
				const tmdk_node *m = tmdk_node_get(v, top[k].key);
				for (i = 0; i < tmdk_node_size(m); i++) {
					const tmdk_node *key = tmdk_node_key_at(m, i);
					const char *name = tmdk__sys_text(key), *id;
					if (!name)
						continue;
					if (!(id = tmdk__arena_printf(s->b->arena, "compose:%s#%s:%s", file, top[k].what, name)) ||
					    !get_item(dc, top[k].kind, name, NULL, id, key))
						return TMDK_ENOMEM;
				}
			}
		}
	}
	return TMDK_OK;
}

/* A workload whose grants read Secrets reads every Secret of its namespace the model knows. */
static int rbac_readers(data_ctx *dc)
{
	size_t i, k;
	for (i = 0; i < dc->count; i++) {
		item *it = &dc->items[dc->order[i]];
		size_t first, n;
		if (!it->secret)
			continue;
		n = tmdk__sys_ns_range(dc->s, it->ns, &first);
		for (k = first; k < first + n; k++) {
			tmdk__comp *c = &dc->s->comps[dc->s->by_ns[k]];
			if (c->can_read_secrets && use(dc, it, c, "rbac", c->anchor) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

int tmdk__sys_data(tmdk__sys *s)
{
	data_ctx dc;
	size_t i;
	int rc = TMDK_OK;
	memset(&dc, 0, sizeof(dc));
	dc.s = s;
	for (i = 0; i < s->comp_count && rc == TMDK_OK; i++) {
		tmdk__comp *c = &s->comps[i];
		if (c->kind == TMDK__COMP_COMPOSE)
			rc = compose_data(&dc, c);
		else if ((rc = k8s_volumes(&dc, c)) == TMDK_OK)
			rc = k8s_env(&dc, c);
	}
	if (rc == TMDK_OK)
		rc = declared(&dc);
	if (rc == TMDK_OK)
		rc = rbac_readers(&dc);
	tmdk__free(dc.items);
	tmdk__free(dc.order);
	return rc;
}
