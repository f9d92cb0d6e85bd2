/*
 * libtmdk — the components of the system: compose services (each service of
 * each compose file or merged project of the set) and Kubernetes workloads
 * (every document whose view has a pod spec; a control-plane Pod is a static
 * pod). Each gets its identity (service account, grants from the rbac facts)
 * and its host crossings (privileged, host namespaces, hostPath, the Docker
 * socket, dangerous capabilities). Images and users are later steps.
 */
#include "model_system_int.h"
#include "array.h"

#include <string.h>
#include <strings.h>

/* Capabilities that reach the node (CIS 5.3 / 5.2.8-9 and container escapes). */
static const char *const dangerous_caps[] = { "ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE",
	"DAC_READ_SEARCH", "SYS_RAWIO", "BPF", "PERFMON", "SYS_BOOT", NULL };

static int cap_dangerous(const char *cap)
{
	size_t i;
	if (!cap)
		return 0;
	if (strncmp(cap, "CAP_", 4) == 0)
		cap += 4;
	for (i = 0; dangerous_caps[i]; i++)
		if (strcasecmp(cap, dangerous_caps[i]) == 0)
			return 1;
	return 0;
}

/* A container runtime's control socket: the host's root, whatever the mount mode. */
static int runtime_socket(const char *path)
{
	static const char *const socks[] = { "docker.sock", "containerd.sock", "crio.sock", "podman.sock", NULL };
	size_t i;
	if (!path)
		return 0;
	for (i = 0; socks[i]; i++)
		if (strstr(path, socks[i]))
			return 1;
	return strcmp(path, "/var/run") == 0 || strcmp(path, "/run") == 0 || strcmp(path, "/var/run/") == 0;
}

static int add_host(tmdk__sys *s, tmdk__comp *c, tmdk_node *host, const char *kind, const char *detail,
	const tmdk_node *at)
{
	tmdk_node *h = tmdk__sys_map(s, at);
	if (!h || tmdk__sys_put_str(s, h, "kind", kind, at) != TMDK_OK ||
	    tmdk__sys_put_str(s, h, "detail", detail, at) != TMDK_OK)
		return TMDK_ENOMEM;
	if (strcmp(kind, "privileged") == 0)
		c->privileged = 1;
	return tmdk__node_seq_push(s->b->arena, host, h);
}

static tmdk__comp *new_comp(tmdk__sys *s)
{
	tmdk__comp *c;
	if (TMDK__ARRAY_RESERVE(s->comps, s->comp_count, s->comp_cap, 16) != TMDK_OK)
		return NULL;
	c = &s->comps[s->comp_count++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* The fields every component has, in the schema's order; later steps replace
 * the placeholders (images, user) and append the rest. */
static int start_node(tmdk__sys *s, tmdk__comp *c, const char *kind, const char *workload_kind,
	const char *file)
{
	const tmdk_node *at = c->anchor;
	int rc = TMDK_OK;
	if (!(c->node = tmdk__sys_map(s, at)) || !(c->images = tmdk__sys_seq(s, at)) ||
	    !(c->exposures = tmdk__sys_seq(s, at)) || !(c->networks = tmdk__sys_seq(s, at)) ||
	    !(c->data = tmdk__sys_seq(s, at)))
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put_str(s, c->node, "id", c->id, at);
	rc |= tmdk__sys_put_str(s, c->node, "name", c->name, at);
	rc |= tmdk__sys_put_str(s, c->node, "kind", kind, at);
	rc |= tmdk__sys_put_str(s, c->node, "workload_kind", workload_kind, at);
	rc |= tmdk__sys_put_str(s, c->node, "namespace", c->ns && c->ns[0] ? c->ns : NULL, at);
	rc |= tmdk__sys_put_str(s, c->node, "file", file, at);
	rc |= tmdk__sys_put(s, c->node, "line", tmdk__sys_int(s, at ? at->line : 0, at));
	rc |= tmdk__sys_put(s, c->node, "images", c->images);
	rc |= tmdk__sys_put(s, c->node, "service_account", tmdk__sys_null(s, at));
	rc |= tmdk__sys_put(s, c->node, "can", tmdk__sys_null(s, at));
	rc |= tmdk__sys_put(s, c->node, "user", tmdk__sys_null(s, at));
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

/* ---- Kubernetes ---- */

static int k8s_host(tmdk__sys *s, tmdk__comp *c, tmdk_node *host)
{
	static const struct { const char *field, *kind; } ns_fields[] = {
		{ "hostNetwork", "host-network" }, { "hostPID", "host-pid" }, { "hostIPC", "host-ipc" } };
	const tmdk_node *vols = tmdk_node_get(c->pod_spec, "volumes"), *ctrs = tmdk_node_get(c->view, "containers");
	size_t i, j;
	for (i = 0; i < sizeof(ns_fields) / sizeof(ns_fields[0]); i++) {
		const tmdk_node *v = tmdk_node_get(c->pod_spec, ns_fields[i].field);
		if (tmdk__sys_true(v) && add_host(s, c, host, ns_fields[i].kind, ns_fields[i].field, v) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = 0; i < tmdk_node_size(vols); i++) {
		const tmdk_node *p = tmdk_node_path(tmdk_node_at(vols, i), "hostPath.path");
		const char *path = tmdk__sys_text(p);
		if (path && add_host(s, c, host, runtime_socket(path) ? "docker-socket" : "host-path", path, p) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *sc = tmdk_node_path(tmdk_node_at(ctrs, i), "spec.securityContext");
		const tmdk_node *priv = tmdk_node_get(sc, "privileged");
		const tmdk_node *add = tmdk_node_path(sc, "capabilities.add");
		if (tmdk__sys_true(priv) &&
		    add_host(s, c, host, "privileged", tmdk__sys_text(tmdk_node_get(tmdk_node_at(ctrs, i), "name")), priv) != TMDK_OK)
			return TMDK_ENOMEM;
		for (j = 0; j < tmdk_node_size(add); j++) {
			const tmdk_node *cap = tmdk_node_at(add, j);
			if (cap_dangerous(tmdk__sys_text(cap)) &&
			    add_host(s, c, host, "capability", tmdk__sys_text(cap), cap) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

/* The ServiceAccount document named so in the set (its automount setting), or NULL. */
static const tmdk_node *find_service_account(tmdk__sys *s, const char *ns, const char *name)
{
	size_t i;
	for (i = 0; i < s->sa_count; i++) {
		const tmdk_node *v = s->b->docs[s->sa_docs[i]].view;
		const char *vns = tmdk__sys_text(tmdk_node_get(v, "namespace"));
		if (tmdk_node_text_equals(tmdk_node_get(v, "kind"), "ServiceAccount") &&
		    tmdk_node_text_equals(tmdk_node_get(v, "name"), name) && strcmp(vns ? vns : "", ns) == 0)
			return v;
	}
	return NULL;
}

static int k8s_identity(tmdk__sys *s, tmdk__comp *c)
{
	const tmdk_node *san = tmdk_node_get(c->pod_spec, "serviceAccountName");
	const tmdk_node *auto_pod = tmdk_node_get(c->pod_spec, "automountServiceAccountToken");
	const tmdk_node *rbac = tmdk__model_facts_find(s->b, c->doc, "rbac"), *can, *sa_doc;
	const char *name;
	const tmdk_node *at = c->anchor;
	tmdk_node *sa;
	int automount = 1, rc = TMDK_OK;
	if (!san)
		san = tmdk_node_get(c->pod_spec, "serviceAccount");
	name = tmdk__sys_text(san) ? tmdk__sys_text(san) : "default";
	if (auto_pod && tmdk_node_scalar_type(auto_pod) == TMDK_SCALAR_BOOL)
		automount = tmdk__sys_true(auto_pod);
	else if ((sa_doc = find_service_account(s, c->ns, name)) &&
	    tmdk_node_scalar_type(tmdk_node_path(sa_doc, "automountServiceAccountToken")) == TMDK_SCALAR_BOOL)
		automount = tmdk__sys_true(tmdk_node_path(sa_doc, "automountServiceAccountToken"));
	if (!(sa = tmdk__sys_map(s, san ? san : at)))
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put_str(s, sa, "name", name, san ? san : at);
	rc |= tmdk__sys_put_str(s, sa, "namespace", c->ns[0] ? c->ns : NULL, san ? san : at);
	rc |= tmdk__sys_put(s, sa, "automount", tmdk__sys_bool(s, automount, auto_pod ? auto_pod : at));
	rc |= tmdk__sys_put(s, c->node, "service_account", sa);
	/* The rbac part's facts are positioned in this document already: share them. */
	can = tmdk_node_get(rbac, "can");
	if (tmdk_node_get_type(can) == TMDK_NODE_MAP) {
		c->can = (tmdk_node *)can;
		c->can_read_secrets = tmdk__sys_true(tmdk_node_get(can, "read_secrets")) ||
			tmdk__sys_true(tmdk_node_get(can, "list_secrets"));
		rc |= tmdk__sys_put(s, c->node, "can", c->can);
	}
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

static int is_static_pod(const tmdk_node *view, const char *ns, const char *file)
{
	if (!tmdk_node_text_equals(tmdk_node_get(view, "kind"), "Pod") || strcmp(ns, "kube-system") != 0)
		return 0;
	return tmdk_node_text_equals(tmdk_node_path(view, "labels.tier"), "control-plane") ||
		strstr(file, "manifests/") != NULL;
}

static int add_workload(tmdk__sys *s, size_t d)
{
	const tmdk__model_doc *md = &s->b->docs[d];
	const tmdk_node *v = md->view, *kind = tmdk_node_get(v, "kind");
	const char *k = tmdk__sys_text(kind), *name = tmdk__sys_text(tmdk_node_get(v, "name"));
	const char *ns = tmdk__sys_text(tmdk_node_get(v, "namespace"));
	const char *file = tmdk_artifact_name(tmdk_artifact_node_source(md->artifact, kind));
	tmdk__comp *c;
	tmdk_node *host;
	if (!k || !name)
		return TMDK_OK;          /* malformed: skipped */
	if (!(c = new_comp(s)))
		return TMDK_ENOMEM;
	c->doc = d;
	c->anchor = kind;
	c->view = v;
	c->pod_spec = tmdk_node_get(v, "pod_spec");
	c->pod_labels = tmdk_node_path(v, "pod_metadata.labels");
	c->name = name;
	c->ns = ns ? ns : "";
	c->file = tmdk_artifact_name(md->artifact);
	c->kind = is_static_pod(v, c->ns, file) ? TMDK__COMP_STATIC_POD : TMDK__COMP_WORKLOAD;
	if (!(c->id = tmdk__arena_printf(s->b->arena, "k8s:%s/%s/%s", ns ? ns : "-", k, name)))
		return TMDK_ENOMEM;
	if (start_node(s, c, c->kind == TMDK__COMP_STATIC_POD ? "static-pod" : "workload", k, file) != TMDK_OK ||
	    k8s_identity(s, c) != TMDK_OK || !(host = tmdk__sys_seq(s, kind)) || k8s_host(s, c, host) != TMDK_OK)
		return TMDK_ENOMEM;
	if (c->kind == TMDK__COMP_STATIC_POD)
		s->any_control_plane = 1;
	if (tmdk__sys_put(s, c->node, "privileged", tmdk__sys_bool(s, c->privileged, kind)) != TMDK_OK)
		return TMDK_ENOMEM;
	return tmdk__sys_put(s, c->node, "host", host);
}

/* ---- compose ---- */

static int compose_host(tmdk__sys *s, tmdk__comp *c, tmdk_node *host)
{
	static const struct { const char *field, *kind; } modes[] = {
		{ "network_mode", "host-network" }, { "pid", "host-pid" }, { "ipc", "host-ipc" } };
	const tmdk_node *spec = tmdk_node_get(c->service, "spec"), *priv = tmdk_node_get(spec, "privileged");
	const tmdk_node *caps = tmdk_node_get(spec, "cap_add"), *vols = tmdk_node_get(c->service, "volumes");
	size_t i;
	if (tmdk__sys_true(priv) && add_host(s, c, host, "privileged", c->name, priv) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const tmdk_node *m = tmdk_node_get(spec, modes[i].field);
		if (tmdk_node_text_equals(m, "host") && add_host(s, c, host, modes[i].kind, modes[i].field, m) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = 0; i < tmdk_node_size(caps); i++) {
		const tmdk_node *cap = tmdk_node_at(caps, i);
		if (cap_dangerous(tmdk__sys_text(cap)) && add_host(s, c, host, "capability", tmdk__sys_text(cap), cap) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (i = 0; i < tmdk_node_size(vols); i++) {
		const tmdk_node *v = tmdk_node_at(vols, i), *src = tmdk_node_get(v, "source");
		const char *path = tmdk__sys_text(src);
		if (!path || !tmdk_node_text_equals(tmdk_node_get(v, "type"), "bind"))
			continue;
		if (add_host(s, c, host, runtime_socket(path) ? "docker-socket" : "host-path", path, v) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* The project name compose gives: the top-level `name`, else the main file's folder. */
static const char *project_name(tmdk__sys *s, const tmdk__model_doc *md)
{
	const char *name = tmdk__sys_text(tmdk_node_get(tmdk_document_root(md->doc), "name"));
	const char *dir, *slash;
	if (name)
		return name;
	dir = tmdk__sys_dirname(s, tmdk_artifact_name(md->artifact));
	if (!dir || !dir[0] || strcmp(dir, ".") == 0)
		return "project";
	slash = strrchr(dir, '/');
	return slash ? slash + 1 : dir;
}

static int add_service(tmdk__sys *s, size_t d, const tmdk_node *svc, const char *project, size_t compose_index)
{
	const tmdk__model_doc *md = &s->b->docs[d];
	const tmdk_node *name = tmdk_node_get(svc, "name");
	tmdk__comp *c;
	tmdk_node *host;
	if (!tmdk__sys_text(name))
		return TMDK_OK;
	if (!(c = new_comp(s)))
		return TMDK_ENOMEM;
	c->kind = TMDK__COMP_COMPOSE;
	c->doc = d;
	c->anchor = svc;
	c->service = svc;
	c->name = tmdk__sys_text(name);
	c->file = tmdk_artifact_name(md->artifact);
	c->project = project;
	c->compose_index = compose_index;
	if (!(c->id = tmdk__arena_printf(s->b->arena, "compose:%s#%s", c->file, c->name)))
		return TMDK_ENOMEM;
	if (start_node(s, c, "compose-service", NULL, tmdk_artifact_name(tmdk_artifact_node_source(md->artifact, name))) != TMDK_OK ||
	    !(host = tmdk__sys_seq(s, svc)) || compose_host(s, c, host) != TMDK_OK ||
	    tmdk__sys_put(s, c->node, "privileged", tmdk__sys_bool(s, c->privileged, svc)) != TMDK_OK)
		return TMDK_ENOMEM;
	return tmdk__sys_put(s, c->node, "host", host);
}

int tmdk__sys_components(tmdk__sys *s)
{
	size_t d, i, compose_files = 0;
	for (d = 0; d < s->b->doc_count; d++)
		if (tmdk_node_text_equals(tmdk_node_get(s->b->docs[d].view, "kind"), "ServiceAccount") &&
		    tmdk_artifact_kind(s->b->docs[d].artifact) == TMDK_KIND_KUBERNETES) {
			if (TMDK__ARRAY_RESERVE(s->sa_docs, s->sa_count, s->sa_cap, 8) != TMDK_OK)
				return TMDK_ENOMEM;
			s->sa_docs[s->sa_count++] = d;
		}
	for (d = 0; d < s->b->doc_count; d++) {
		const tmdk__model_doc *md = &s->b->docs[d];
		tmdk_kind kind = tmdk_artifact_kind(md->artifact);
		if (kind == TMDK_KIND_COMPOSE) {
			const tmdk_node *svcs = tmdk_node_get(md->view, "services");
			const char *project = project_name(s, md);
			if (!project)
				return TMDK_ENOMEM;
			for (i = 0; i < tmdk_node_size(svcs); i++)
				if (add_service(s, d, tmdk_node_at(svcs, i), project, compose_files) != TMDK_OK)
					return TMDK_ENOMEM;
			compose_files++;
		} else if (kind == TMDK_KIND_KUBERNETES && tmdk__sys_true(tmdk_node_get(md->view, "workload")) &&
		    tmdk_node_get_type(tmdk_node_get(md->view, "pod_spec")) == TMDK_NODE_MAP) {
			if (add_workload(s, d) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}
