/*
 * Kustomize's built-in transformers on the objects of a build: namespace,
 * name prefix/suffix, labels (with selectors and templates, as kustomize's
 * commonLabels field specs say), annotations, images, replicas, generated
 * names' content hash, and the name references that follow renames.
 * A value a transformer sets takes the position (and origin) of the
 * kustomization entry that asked for it.
 */
#include "kustomize_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int str_is(const char *s, const char *t)
{
	return s && strcmp(s, t) == 0;
}

static const char *kind_of(const tmdk_node *root)
{
	return tmdk__kz_str(root, "kind");
}

int tmdk__kz_cluster_scoped(const char *kind)
{
	static const char *const kinds[] = {
		"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
		"PersistentVolume", "StorageClass", "PriorityClass", "PodSecurityPolicy",
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
		"Node", "CSIDriver", "CSINode", "RuntimeClass", "VolumeAttachment", "IngressClass",
		"ComponentStatus", "CertificateSigningRequest", "ClusterIssuer", NULL
	};
	size_t i;
	for (i = 0; kind && kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

/* map[key] = value; the key node is a copy of key_at (a kustomization key), or made. */
static int put_at(tmdk__arena *a, tmdk_node *map, const tmdk_node *key_at, const char *key, tmdk_node *value)
{
	long i = tmdk__node_map_find(map, key, strlen(key));
	tmdk_node *k;
	if (i >= 0) {
		map->u.map.values[i] = value;
		return TMDK_OK;
	}
	k = key_at ? (tmdk_node *)key_at : tmdk__kz_string_at(a, key, value);
	if (!k)
		return TMDK_ENOMEM;
	return tmdk__node_map_append(a, map, k, value);
}

static tmdk_node *metadata(tmdk__arena *a, tmdk_node *root, const tmdk_node *at)
{
	return tmdk__kz_path_map(a, root, "metadata", at);
}

int tmdk__kz_set_namespace(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *ns)
{
	size_t i, j;
	for (i = 0; i < rm->count; i++) {
		tmdk_node *root = rm->items[i].root, *md, *subjects;
		const char *kind = kind_of(root);
		if (!tmdk__kz_cluster_scoped(kind) && !tmdk__kz_path_blocked(root, "metadata")) {
			md = metadata(a, root, ns);
			if (!md || put_at(a, md, NULL, "namespace", (tmdk_node *)ns) != TMDK_OK)
				return TMDK_ENOMEM;
		}
		/* ServiceAccounts bound by (Cluster)RoleBindings move with their namespace. */
		subjects = str_is(kind, "RoleBinding") || str_is(kind, "ClusterRoleBinding") ?
			tmdk__kz_get(root, "subjects") : NULL;
		for (j = 0; subjects && subjects->type == TMDK_NODE_SEQUENCE && j < subjects->u.seq.count; j++) {
			tmdk_node *s = subjects->u.seq.items[j];
			const char *sname = tmdk__kz_str(s, "name");
			size_t k;
			if (!str_is(tmdk__kz_str(s, "kind"), "ServiceAccount") || !sname)
				continue;
			for (k = 0; k < rm->count; k++)
				if (str_is(kind_of(rm->items[k].root), "ServiceAccount") &&
				    str_is(tmdk__kz_str(tmdk__kz_get(rm->items[k].root, "metadata"), "name"), sname)) {
					if (put_at(a, s, NULL, "namespace", (tmdk_node *)ns) != TMDK_OK)
						return TMDK_ENOMEM;
					break;
				}
		}
	}
	return TMDK_OK;
}

int tmdk__kz_name_affix(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *prefix, const tmdk_node *suffix)
{
	const char *p = prefix && prefix->type == TMDK_NODE_SCALAR ? prefix->u.scalar.text : "";
	const char *s = suffix && suffix->type == TMDK_NODE_SCALAR ? suffix->u.scalar.text : "";
	size_t i;
	if (!*p && !*s)
		return TMDK_OK;
	for (i = 0; i < rm->count; i++) {
		tmdk_node *root = rm->items[i].root, *md = tmdk__kz_get(root, "metadata");
		const char *name = tmdk__kz_str(md, "name"), *kind = kind_of(root);
		tmdk_node *v;
		char *text;
		if (!name || str_is(kind, "CustomResourceDefinition") || str_is(kind, "Namespace"))
			continue;
		text = tmdk__arena_printf(a, "%s%s%s", p, name, s);
		v = text ? tmdk__kz_string_at(a, text, *p ? prefix : suffix) : NULL;
		if (!v || put_at(a, md, NULL, "name", v) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* ---- labels and annotations ------------------------------------------- */

static int put_pairs(tmdk__arena *a, tmdk_node *root, const char *dotted, const tmdk_node *pairs, int create)
{
	tmdk_node *m;
	size_t i;
	if (tmdk__kz_path_blocked(root, dotted))
		return TMDK_OK; /* a scalar or list where a map belongs: left alone */
	m = create ? tmdk__kz_path_map(a, root, dotted, pairs) : tmdk__kz_path(root, dotted);
	if (!m)
		return create ? TMDK_ENOMEM : TMDK_OK;
	if (m->type != TMDK_NODE_MAP)
		return TMDK_OK;
	for (i = 0; i < pairs->u.map.count; i++) {
		const tmdk_node *k = pairs->u.map.keys[i];
		if (k->type == TMDK_NODE_SCALAR &&
		    put_at(a, m, k, k->u.scalar.text, pairs->u.map.values[i]) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

static int is_workload(const char *kind)
{
	return str_is(kind, "Deployment") || str_is(kind, "ReplicaSet") || str_is(kind, "DaemonSet") ||
		str_is(kind, "StatefulSet");
}

int tmdk__kz_labels(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *pairs, int selectors, int templates)
{
	size_t i;
	int rc = TMDK_OK;
	if (!pairs || pairs->type != TMDK_NODE_MAP)
		return TMDK_OK;
	for (i = 0; i < rm->count && rc == TMDK_OK; i++) {
		tmdk_node *r = rm->items[i].root;
		const char *kind = kind_of(r);
		rc = put_pairs(a, r, "metadata.labels", pairs, 1);
		if (rc == TMDK_OK && selectors) {
			if (str_is(kind, "Service") || str_is(kind, "ReplicationController"))
				rc = put_pairs(a, r, "spec.selector", pairs, 1);
			else if (is_workload(kind))
				rc = put_pairs(a, r, "spec.selector.matchLabels", pairs, 1);
			else if (str_is(kind, "Job") || str_is(kind, "PodDisruptionBudget"))
				rc = put_pairs(a, r, "spec.selector.matchLabels", pairs, 0);
			else if (str_is(kind, "NetworkPolicy"))
				rc = put_pairs(a, r, "spec.podSelector.matchLabels", pairs, 0);
			else if (str_is(kind, "CronJob"))
				rc = put_pairs(a, r, "spec.jobTemplate.spec.selector.matchLabels", pairs, 0);
		}
		if (rc == TMDK_OK && (selectors || templates)) {
			if (is_workload(kind) || str_is(kind, "Job") || str_is(kind, "ReplicationController"))
				rc = put_pairs(a, r, "spec.template.metadata.labels", pairs, 1);
			else if (str_is(kind, "CronJob")) {
				rc = put_pairs(a, r, "spec.jobTemplate.metadata.labels", pairs, 1);
				if (rc == TMDK_OK)
					rc = put_pairs(a, r, "spec.jobTemplate.spec.template.metadata.labels", pairs, 1);
			}
		}
	}
	return rc;
}

int tmdk__kz_annotations(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *pairs)
{
	size_t i;
	int rc = TMDK_OK;
	if (!pairs || pairs->type != TMDK_NODE_MAP)
		return TMDK_OK;
	for (i = 0; i < rm->count && rc == TMDK_OK; i++) {
		tmdk_node *r = rm->items[i].root;
		const char *kind = kind_of(r);
		rc = put_pairs(a, r, "metadata.annotations", pairs, 1);
		if (rc == TMDK_OK && (is_workload(kind) || str_is(kind, "Job") || str_is(kind, "ReplicationController")))
			rc = put_pairs(a, r, "spec.template.metadata.annotations", pairs, 1);
		else if (rc == TMDK_OK && str_is(kind, "CronJob")) {
			rc = put_pairs(a, r, "spec.jobTemplate.metadata.annotations", pairs, 1);
			if (rc == TMDK_OK)
				rc = put_pairs(a, r, "spec.jobTemplate.spec.template.metadata.annotations", pairs, 1);
		}
	}
	return rc;
}

/* ---- pod specs ---------------------------------------------------------- */

static tmdk_node *pod_spec(tmdk_node *root)
{
	const char *kind = kind_of(root);
	if (str_is(kind, "Pod"))
		return tmdk__kz_get(root, "spec");
	if (str_is(kind, "CronJob"))
		return tmdk__kz_path(root, "spec.jobTemplate.spec.template.spec");
	if (str_is(kind, "PodTemplate"))
		return tmdk__kz_path(root, "template.spec");
	return tmdk__kz_path(root, "spec.template.spec");
}

typedef int (*container_fn)(tmdk__arena *a, tmdk_node *container, const void *arg);

static int each_container(tmdk__arena *a, tmdk_node *spec, container_fn fn, const void *arg)
{
	static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
	size_t l, i;
	for (l = 0; spec && l < 3; l++) {
		tmdk_node *cs = tmdk__kz_get(spec, lists[l]);
		for (i = 0; cs && cs->type == TMDK_NODE_SEQUENCE && i < cs->u.seq.count; i++) {
			int rc = fn(a, cs->u.seq.items[i], arg);
			if (rc != TMDK_OK)
				return rc;
		}
	}
	return TMDK_OK;
}

/* ---- images ------------------------------------------------------------- */

static int image_one(tmdk__arena *a, tmdk_node *c, const void *arg)
{
	const tmdk_node *e = arg;
	const tmdk_node *newName = tmdk__kz_get(e, "newName"), *newTag = tmdk__kz_get(e, "newTag");
	const tmdk_node *digest = tmdk__kz_get(e, "digest"), *suffix = tmdk__kz_get(e, "tagSuffix");
	const char *want = tmdk__kz_str(e, "name"), *image = tmdk__kz_str(c, "image");
	const char *slash, *at, *colon, *tag = "", *dig = "", *name_end, *nn, *nt, *nd, *ns;
	tmdk_node *v;
	const tmdk_node *pos;
	char *text;

	if (!want || !image)
		return TMDK_OK;
	at = strchr(image, '@');
	slash = strrchr(image, '/');
	colon = strrchr(image, ':');
	if (colon && slash && colon < slash)
		colon = NULL;
	if (colon && at && colon > at)
		colon = NULL;
	name_end = colon ? colon : at ? at : image + strlen(image);
	if (strlen(want) != (size_t)(name_end - image) || memcmp(want, image, (size_t)(name_end - image)))
		return TMDK_OK;
	if (colon) {
		size_t n = (at ? (size_t)(at - colon) : strlen(colon)) - 1;
		tag = tmdk__arena_strndup(a, colon + 1, n);
	}
	if (at)
		dig = at + 1;
	nn = newName && newName->type == TMDK_NODE_SCALAR ? newName->u.scalar.text : want;
	nt = newTag && newTag->type == TMDK_NODE_SCALAR ? newTag->u.scalar.text : NULL;
	nd = digest && digest->type == TMDK_NODE_SCALAR ? digest->u.scalar.text : NULL;
	ns = suffix && suffix->type == TMDK_NODE_SCALAR ? suffix->u.scalar.text : "";
	if (!tag)
		return TMDK_ENOMEM;
	if (nd)
		text = tmdk__arena_printf(a, "%s@%s", nn, nd);
	else if (nt || *ns)
		text = tmdk__arena_printf(a, "%s:%s%s", nn, nt ? nt : tag, ns);
	else
		text = tmdk__arena_printf(a, "%s%s%s%s%s", nn, *tag ? ":" : "", tag, *dig ? "@" : "", dig);
	pos = digest ? digest : newTag ? newTag : suffix ? suffix : newName ? newName : e;
	v = text ? tmdk__kz_string_at(a, text, pos) : NULL;
	return v && put_at(a, c, NULL, "image", v) == TMDK_OK ? TMDK_OK : TMDK_ENOMEM;
}

int tmdk__kz_image(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *entry)
{
	size_t i;
	for (i = 0; i < rm->count; i++) {
		int rc = each_container(a, pod_spec(rm->items[i].root), image_one, entry);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

int tmdk__kz_replicas(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *entry)
{
	const char *name = tmdk__kz_str(entry, "name");
	tmdk_node *count = tmdk__kz_get(entry, "count");
	size_t i;
	if (!name || !count)
		return TMDK_OK;
	for (i = 0; i < rm->count; i++) {
		tmdk_node *r = rm->items[i].root, *spec;
		const char *kind = kind_of(r);
		const char *cur = tmdk__kz_str(tmdk__kz_get(r, "metadata"), "name");
		if (!(str_is(kind, "Deployment") || str_is(kind, "ReplicaSet") || str_is(kind, "StatefulSet") ||
		      str_is(kind, "ReplicationController")))
			continue;
		if (!str_is(cur, name) && !str_is(rm->items[i].orig_name, name))
			continue;
		if (tmdk__kz_path_blocked(r, "spec"))
			continue;
		spec = tmdk__kz_path_map(a, r, "spec", count);
		if (!spec || put_at(a, spec, NULL, "replicas", count) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* ---- name references ---------------------------------------------------- */

typedef struct ref_ctx {
	tmdk__kz_resmap *rm;
	int rc;
} ref_ctx;

/* Rename node map[key] when it names an object of `kind` renamed in the build. */
static void ref_fix(tmdk__arena *a, ref_ctx *rc, tmdk_node *map, const char *key, const char *kind)
{
	long i;
	const tmdk_node *v;
	size_t k;
	if (!map || map->type != TMDK_NODE_MAP || rc->rc != TMDK_OK)
		return;
	i = tmdk__node_map_find(map, key, strlen(key));
	if (i < 0)
		return;
	v = map->u.map.values[i];
	if (v->type != TMDK_NODE_SCALAR)
		return;
	for (k = 0; k < rc->rm->count; k++) {
		const tmdk__kz_res *r = &rc->rm->items[k];
		const char *now = tmdk__kz_str(tmdk__kz_get(r->root, "metadata"), "name");
		if (str_is(kind_of(r->root), kind) && str_is(r->orig_name, v->u.scalar.text) && now &&
		    strcmp(now, r->orig_name)) {
			tmdk_node *nv = tmdk__arena_alloc(a, sizeof(*nv));
			if (!nv) {
				rc->rc = TMDK_ENOMEM;
				return;
			}
			tmdk__node_assign(nv, v);
			nv->u.scalar.text = now;
			nv->u.scalar.len = strlen(now);
			map->u.map.values[i] = nv;
			return;
		}
	}
}

static int ref_container(tmdk__arena *a, tmdk_node *c, const void *arg)
{
	ref_ctx *rc = (ref_ctx *)arg;
	tmdk_node *env = tmdk__kz_get(c, "env"), *envFrom = tmdk__kz_get(c, "envFrom");
	size_t i;
	for (i = 0; env && env->type == TMDK_NODE_SEQUENCE && i < env->u.seq.count; i++) {
		tmdk_node *vf = tmdk__kz_get(env->u.seq.items[i], "valueFrom");
		ref_fix(a, rc, tmdk__kz_get(vf, "configMapKeyRef"), "name", "ConfigMap");
		ref_fix(a, rc, tmdk__kz_get(vf, "secretKeyRef"), "name", "Secret");
	}
	for (i = 0; envFrom && envFrom->type == TMDK_NODE_SEQUENCE && i < envFrom->u.seq.count; i++) {
		ref_fix(a, rc, tmdk__kz_get(envFrom->u.seq.items[i], "configMapRef"), "name", "ConfigMap");
		ref_fix(a, rc, tmdk__kz_get(envFrom->u.seq.items[i], "secretRef"), "name", "Secret");
	}
	return rc->rc;
}

int tmdk__kz_fix_references(tmdk__arena *a, tmdk__kz_resmap *rm)
{
	ref_ctx rc = {rm, TMDK_OK};
	size_t i, j, k;
	for (i = 0; i < rm->count && rc.rc == TMDK_OK; i++) {
		tmdk_node *r = rm->items[i].root, *spec = pod_spec(r), *list;
		const char *kind = kind_of(r);
		if (str_is(kind, "RoleBinding") || str_is(kind, "ClusterRoleBinding")) {
			tmdk_node *ref = tmdk__kz_get(r, "roleRef");
			const char *rk = tmdk__kz_str(ref, "kind");
			if (rk)
				ref_fix(a, &rc, ref, "name", rk);
			list = tmdk__kz_get(r, "subjects");
			for (j = 0; list && list->type == TMDK_NODE_SEQUENCE && j < list->u.seq.count; j++)
				if (str_is(tmdk__kz_str(list->u.seq.items[j], "kind"), "ServiceAccount"))
					ref_fix(a, &rc, list->u.seq.items[j], "name", "ServiceAccount");
		}
		if (str_is(kind, "StatefulSet"))
			ref_fix(a, &rc, tmdk__kz_get(r, "spec"), "serviceName", "Service");
		if (!spec || spec->type != TMDK_NODE_MAP || str_is(kind, "Service"))
			continue;
		ref_fix(a, &rc, spec, "serviceAccountName", "ServiceAccount");
		ref_fix(a, &rc, spec, "serviceAccount", "ServiceAccount");
		list = tmdk__kz_get(spec, "imagePullSecrets");
		for (j = 0; list && list->type == TMDK_NODE_SEQUENCE && j < list->u.seq.count; j++)
			ref_fix(a, &rc, list->u.seq.items[j], "name", "Secret");
		list = tmdk__kz_get(spec, "volumes");
		for (j = 0; list && list->type == TMDK_NODE_SEQUENCE && j < list->u.seq.count; j++) {
			tmdk_node *v = list->u.seq.items[j], *src;
			ref_fix(a, &rc, tmdk__kz_get(v, "configMap"), "name", "ConfigMap");
			ref_fix(a, &rc, tmdk__kz_get(v, "secret"), "secretName", "Secret");
			ref_fix(a, &rc, tmdk__kz_get(v, "persistentVolumeClaim"), "claimName", "PersistentVolumeClaim");
			src = tmdk__kz_path(v, "projected.sources");
			for (k = 0; src && src->type == TMDK_NODE_SEQUENCE && k < src->u.seq.count; k++) {
				ref_fix(a, &rc, tmdk__kz_get(src->u.seq.items[k], "configMap"), "name", "ConfigMap");
				ref_fix(a, &rc, tmdk__kz_get(src->u.seq.items[k], "secret"), "name", "Secret");
			}
		}
		if (rc.rc == TMDK_OK)
			each_container(a, spec, ref_container, &rc);
	}
	return rc.rc;
}

/* ---- the content hash of generated objects ------------------------------- */

typedef struct sbuf {
	tmdk__arena *a;
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;
		while (cap < b->len + n + 1)
			cap *= 2;
		np = tmdk__arena_alloc(b->a, cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		if (b->len)
			memcpy(np, b->p, b->len);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* A JSON string as Go's encoding/json writes it (HTML characters escaped). */
static void sb_json(sbuf *b, const char *s, size_t n)
{
	size_t i;
	char esc[8];
	sb_put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			sb_put(b, esc, 2);
		} else if (ch == '\n') {
			sb_put(b, "\\n", 2);
		} else if (ch == '\r') {
			sb_put(b, "\\r", 2);
		} else if (ch == '\t') {
			sb_put(b, "\\t", 2);
		} else if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&') {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			sb_put(b, esc, 6);
		} else if (ch == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			sb_put(b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			i += 2;
		} else {
			sb_put(b, s + i, 1);
		}
	}
	sb_put(b, "\"", 1);
}

static int cmp_keys(const void *x, const void *y)
{
	const tmdk_node *const *a = x, *const *b = y;
	size_t n = (*a)->u.scalar.len < (*b)->u.scalar.len ? (*a)->u.scalar.len : (*b)->u.scalar.len;
	int c = memcmp((*a)->u.scalar.text, (*b)->u.scalar.text, n);
	return c ? c : ((*a)->u.scalar.len > (*b)->u.scalar.len) - ((*a)->u.scalar.len < (*b)->u.scalar.len);
}

/* A string map's JSON with sorted keys ({} when absent). */
static int sb_map(sbuf *b, const tmdk_node *m)
{
	const tmdk_node **keys;
	size_t i, n = m && m->type == TMDK_NODE_MAP ? m->u.map.count : 0;
	sb_put(b, "{", 1);
	keys = n ? tmdk__arena_alloc(b->a, n * sizeof(*keys)) : NULL;
	if (n && !keys)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		if (m->u.map.keys[i]->type != TMDK_NODE_SCALAR)
			return TMDK_EINVAL;
		keys[i] = m->u.map.keys[i];
	}
	if (n)
		qsort(keys, n, sizeof(*keys), cmp_keys);
	for (i = 0; i < n; i++) {
		const tmdk_node *v = tmdk__kz_get(m, keys[i]->u.scalar.text);
		if (i)
			sb_put(b, ",", 1);
		sb_json(b, keys[i]->u.scalar.text, keys[i]->u.scalar.len);
		sb_put(b, ":", 1);
		if (v && v->type == TMDK_NODE_SCALAR)
			sb_json(b, v->u.scalar.text, v->u.scalar.len);
		else
			sb_put(b, "\"\"", 2);
	}
	sb_put(b, "}", 1);
	return b->oom ? TMDK_ENOMEM : TMDK_OK;
}

int tmdk__kz_hash_names(tmdk__arena *a, tmdk__kz_resmap *rm)
{
	size_t i, j;
	for (i = 0; i < rm->count; i++) {
		tmdk_node *r = rm->items[i].root, *md = tmdk__kz_get(r, "metadata"), *name, *v;
		const char *kind = kind_of(r), *type = tmdk__kz_str(r, "type");
		const tmdk_node *bin = tmdk__kz_get(r, "binaryData");
		sbuf b = {a, NULL, 0, 0, 0};
		char hex[65], *text;
		int secret = str_is(kind, "Secret");

		name = tmdk__kz_get(md, "name");
		if (!rm->items[i].needs_hash || !name || name->type != TMDK_NODE_SCALAR)
			continue;
		sb_put(&b, "{", 1);
		if (!secret && bin && bin->type == TMDK_NODE_MAP && bin->u.map.count) {
			sb_put(&b, "\"binaryData\":", 13);
			if (sb_map(&b, bin) == TMDK_ENOMEM)
				return TMDK_ENOMEM;
			sb_put(&b, ",", 1);
		}
		sb_put(&b, "\"data\":", 7);
		if (sb_map(&b, tmdk__kz_get(r, "data")) == TMDK_ENOMEM)
			return TMDK_ENOMEM;
		sb_put(&b, ",\"kind\":", 8);
		sb_json(&b, secret ? "Secret" : "ConfigMap", secret ? 6 : 9);
		/* kustomize (4.x, 5.x) hashes with an empty name: the hash only
		 * depends on the content, so equal objects get equal suffixes */
		sb_put(&b, ",\"name\":\"\"", 10);
		if (secret) {
			sb_put(&b, ",\"type\":", 8);
			sb_json(&b, type ? type : "Opaque", strlen(type ? type : "Opaque"));
		}
		sb_put(&b, "}", 1);
		if (b.oom)
			return TMDK_ENOMEM;
		tmdk__sha256_hex(b.p, b.len, hex);
		hex[10] = '\0';
		for (j = 0; j < 10; j++)
			switch (hex[j]) {
			case '0': hex[j] = 'g'; break;
			case '1': hex[j] = 'h'; break;
			case '3': hex[j] = 'k'; break;
			case 'a': hex[j] = 'm'; break;
			case 'e': hex[j] = 't'; break;
			default: break;
			}
		text = tmdk__arena_printf(a, "%s-%s", name->u.scalar.text, hex);
		v = tmdk__arena_alloc(a, sizeof(*v));
		if (!text || !v)
			return TMDK_ENOMEM;
		tmdk__node_assign(v, name);
		v->u.scalar.text = text;
		v->u.scalar.len = strlen(text);
		if (put_at(a, md, NULL, "name", v) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* ---- SHA-256 (FIPS 180-4), for the content hash ------------------------- */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], s[8], t1, t2;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7] +
			(ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	memcpy(s, h, sizeof(s));
	for (i = 0; i < 64; i++) {
		t1 = s[7] + (ROR(s[4], 6) ^ ROR(s[4], 11) ^ ROR(s[4], 25)) + ((s[4] & s[5]) ^ (~s[4] & s[6])) + K256[i] + w[i];
		t2 = (ROR(s[0], 2) ^ ROR(s[0], 13) ^ ROR(s[0], 22)) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		memmove(s + 1, s, 7 * sizeof(uint32_t));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += s[i];
}

void tmdk__sha256_hex(const void *data, size_t len, char out[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *p = data;
	unsigned char tail[128];
	size_t rest = len % 64, n = len - rest, tl, i;
	uint64_t bits = (uint64_t)len * 8;

	for (i = 0; i < n; i += 64)
		sha256_block(h, p + i);
	memset(tail, 0, sizeof(tail));
	if (rest)
		memcpy(tail, p + n, rest);
	tail[rest] = 0x80;
	tl = rest < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha256_block(h, tail);
	if (tl == 128)
		sha256_block(h, tail + 64);
	for (i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", (unsigned)h[i]);
}
