/*
 * libtmdk — entry points: how each component can be reached from outside.
 *
 *   published-port  compose `ports` (a port without a published one gets an
 *                   ephemeral host port: still published); the interface is
 *                   host_ip, "0.0.0.0" when none; internet unless loopback
 *   load-balancer   a LoadBalancer Service → its workloads; internet unless an
 *                   internal-load-balancer annotation says otherwise
 *   node-port       NodePort (and LoadBalancer) node ports: exposed, not internet
 *   external-ip     a Service's externalIPs: internet
 *   ingress         Ingress rule → Service → workloads, with the host: internet
 *   gateway-route   HTTPRoute/GRPCRoute/TLSRoute/TCPRoute/UDPRoute backendRefs
 *                   → Service → workloads, with the first hostname: internet
 *   host-network    hostNetwork / network_mode: host: the container's ports on
 *                   the node's interfaces: exposed
 *   host-port       a container port with hostPort: exposed
 *
 * An internet exposure also adds a flow from the "internet" zone.
 */
#include "model_system_int.h"

#include <string.h>
#include <strings.h>

typedef struct expo {
	const char *kind, *source, *protocol, *interface, *host;
	const tmdk_node *port;       /* a scalar, or NULL */
	int internet;
	const tmdk_node *at;
} expo;

static int add_exposure(tmdk__sys *s, size_t ci, const expo *e)
{
	tmdk__comp *c = &s->comps[ci];
	const char *port = tmdk__sys_text(e->port);
	const char *id = strcmp(e->source, c->id) == 0 ?
		tmdk__arena_printf(s->b->arena, "%s:%s@%s", e->kind, port ? port : "-", c->id) :
		tmdk__arena_printf(s->b->arena, "%s:%s:%s@%s", e->kind, e->source, port ? port : "-", c->id);
	tmdk_node *m, *pn;
	size_t i;
	int rc = TMDK_OK;
	if (!id)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(c->exposures); i++)
		if (tmdk_node_text_equals(tmdk_node_at(c->exposures, i), id))
			return TMDK_OK;
	if (!(m = tmdk__sys_map(s, e->at)))
		return TMDK_ENOMEM;
	{
		long long v;
		if (tmdk_node_scalar_type(e->port) == TMDK_SCALAR_INT && tmdk_node_as_int(e->port, &v) == TMDK_OK)
			pn = tmdk__sys_int(s, v, e->port);
		else
			pn = port ? tmdk__sys_str(s, port, e->port) : tmdk__sys_null(s, e->at);
	}
	rc |= tmdk__sys_put_str(s, m, "id", id, e->at);
	rc |= tmdk__sys_put_str(s, m, "component", c->id, e->at);
	rc |= tmdk__sys_put_str(s, m, "kind", e->kind, e->at);
	rc |= tmdk__sys_put_str(s, m, "source", e->source, e->at);
	rc |= tmdk__sys_put(s, m, "port", pn);
	rc |= tmdk__sys_put_str(s, m, "protocol", e->protocol, e->at);
	rc |= tmdk__sys_put_str(s, m, "interface", e->interface, e->at);
	rc |= tmdk__sys_put_str(s, m, "host", e->host, e->at);
	rc |= tmdk__sys_put(s, m, "internet", tmdk__sys_bool(s, e->internet, e->at));
	rc |= tmdk__node_seq_push(s->b->arena, s->exposures, m);
	rc |= tmdk__sys_push_unique(s, c->exposures, id, c->anchor);
	if (rc)
		return TMDK_ENOMEM;
	c->exposed = 1;
	if (e->internet) {
		c->internet_exposed = 1;
		s->any_internet = 1;
		return tmdk__sys_flow(s, "internet", c->id,
			strcmp(e->kind, "ingress") == 0 || strcmp(e->kind, "gateway-route") == 0 ? "ingress" :
			strcmp(e->kind, "published-port") == 0 ? "network" : "service", e->port, e->at);
	}
	return TMDK_OK;
}

static int loopback(const char *ip)
{
	return ip && (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 || strcmp(ip, "localhost") == 0);
}

/* ---- compose ---- */

static int compose_exposures(tmdk__sys *s, size_t ci)
{
	const tmdk__comp *c = &s->comps[ci];
	const tmdk_node *ports = tmdk_node_get(c->service, "ports");
	const tmdk_node *mode = tmdk_node_path(c->service, "spec.network_mode");
	size_t i;
	for (i = 0; i < tmdk_node_size(ports); i++) {
		const tmdk_node *p = tmdk_node_at(ports, i);
		const char *ip = tmdk__sys_text(tmdk_node_get(p, "host_ip"));
		expo e;
		memset(&e, 0, sizeof(e));
		e.kind = "published-port";
		e.source = c->id;
		e.port = tmdk_node_get(p, "published") ? tmdk_node_get(p, "published") : tmdk_node_get(p, "target");
		e.protocol = tmdk__sys_text(tmdk_node_get(p, "protocol")) ? tmdk__sys_text(tmdk_node_get(p, "protocol")) : "tcp";
		e.interface = ip && ip[0] ? ip : "0.0.0.0";
		e.internet = !loopback(e.interface);
		e.at = p;
		if (add_exposure(s, ci, &e) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	if (tmdk_node_text_equals(mode, "host")) {
		expo e;
		memset(&e, 0, sizeof(e));
		e.kind = "host-network";
		e.source = c->id;
		e.interface = "0.0.0.0";
		e.at = mode;
		return add_exposure(s, ci, &e);
	}
	return TMDK_OK;
}

/* ---- Kubernetes: the pod itself ---- */

static int pod_exposures(tmdk__sys *s, size_t ci)
{
	const tmdk__comp *c = &s->comps[ci];
	const tmdk_node *ctrs = tmdk_node_get(c->view, "containers");
	const tmdk_node *hostnet = tmdk_node_get(c->pod_spec, "hostNetwork");
	int on_host = tmdk__sys_true(hostnet), any = 0;
	size_t i, j;
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *ports = tmdk_node_path(tmdk_node_at(ctrs, i), "spec.ports");
		for (j = 0; j < tmdk_node_size(ports); j++) {
			const tmdk_node *p = tmdk_node_at(ports, j), *hp = tmdk_node_get(p, "hostPort");
			const char *ip = tmdk__sys_text(tmdk_node_get(p, "hostIP"));
			expo e;
			if (!on_host && !hp)
				continue;
			memset(&e, 0, sizeof(e));
			e.kind = hp ? "host-port" : "host-network";
			e.source = c->id;
			e.port = hp ? hp : tmdk_node_get(p, "containerPort");
			e.protocol = tmdk__sys_text(tmdk_node_get(p, "protocol")) ? tmdk__sys_text(tmdk_node_get(p, "protocol")) : "TCP";
			e.interface = ip ? ip : "0.0.0.0";
			e.at = p;
			any = 1;
			if (add_exposure(s, ci, &e) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	if (on_host && !any) {
		expo e;
		memset(&e, 0, sizeof(e));
		e.kind = "host-network";
		e.source = c->id;
		e.interface = "0.0.0.0";
		e.at = hostnet;
		return add_exposure(s, ci, &e);
	}
	return TMDK_OK;
}

/* ---- Kubernetes: Services ---- */

static int internal_lb(const tmdk_node *annotations)
{
	static const char *const keys[] = { "service.beta.kubernetes.io/aws-load-balancer-internal",
		"networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type",
		"service.beta.kubernetes.io/azure-load-balancer-internal",
		"service.beta.kubernetes.io/oci-load-balancer-internal", "service.beta.kubernetes.io/aws-load-balancer-scheme",
		NULL };
	size_t i;
	for (i = 0; keys[i]; i++) {
		const char *v = tmdk__sys_text(tmdk_node_get(annotations, keys[i]));
		if (v && (strcasecmp(v, "true") == 0 || strcasecmp(v, "internal") == 0 || strcmp(v, "0.0.0.0/0") == 0))
			return 1;
	}
	return 0;
}

static int service_exposures(tmdk__sys *s, const struct tmdk__sys_svc *svc)
{
	const char *type = tmdk__sys_text(tmdk_node_get(svc->spec, "type"));
	const tmdk_node *ports = tmdk_node_get(svc->spec, "ports"), *ext = tmdk_node_get(svc->spec, "externalIPs");
	const tmdk_node *view = s->b->docs[svc->doc].view;
	int lb = type && strcmp(type, "LoadBalancer") == 0, np = type && strcmp(type, "NodePort") == 0;
	size_t i, j, k;
	if (!lb && !np && !tmdk_node_size(ext))
		return TMDK_OK;
	for (k = 0; k < svc->sel_count; k++)
		for (i = 0; i < tmdk_node_size(ports) || (i == 0 && !tmdk_node_size(ports)); i++) {
			const tmdk_node *p = tmdk_node_at(ports, i);
			expo e;
			memset(&e, 0, sizeof(e));
			e.source = svc->id;
			e.protocol = tmdk__sys_text(tmdk_node_get(p, "protocol")) ? tmdk__sys_text(tmdk_node_get(p, "protocol")) : "TCP";
			e.at = p ? p : svc->spec;
			if (lb) {
				e.kind = "load-balancer";
				e.port = tmdk_node_get(p, "port");
				e.interface = "0.0.0.0";
				e.internet = !internal_lb(tmdk_node_get(view, "annotations"));
				if (add_exposure(s, svc->sel[k], &e) != TMDK_OK)
					return TMDK_ENOMEM;
			}
			if (lb || np) {
				e.kind = "node-port";
				e.port = tmdk_node_get(p, "nodePort") ? tmdk_node_get(p, "nodePort") : tmdk_node_get(p, "port");
				e.interface = "0.0.0.0";
				e.internet = 0;
				if (add_exposure(s, svc->sel[k], &e) != TMDK_OK)
					return TMDK_ENOMEM;
			}
			for (j = 0; j < tmdk_node_size(ext); j++) {
				e.kind = "external-ip";
				e.port = tmdk_node_get(p, "port");
				e.interface = tmdk__sys_text(tmdk_node_at(ext, j));
				e.internet = 1;
				if (add_exposure(s, svc->sel[k], &e) != TMDK_OK)
					return TMDK_ENOMEM;
			}
		}
	return TMDK_OK;
}

/* ---- Kubernetes: Ingress and Gateway API routes ---- */

static int route_to_service(tmdk__sys *s, const char *kind, const char *source, const char *ns, const char *name,
	const tmdk_node *port, const char *host, const tmdk_node *at)
{
	const struct tmdk__sys_svc *svc = tmdk__sys_service(s, ns, name);
	size_t k;
	for (k = 0; svc && k < svc->sel_count; k++) {
		expo e;
		memset(&e, 0, sizeof(e));
		e.kind = kind;
		e.source = source;
		e.port = port;
		e.protocol = "HTTP";
		e.host = host;
		e.internet = 1;
		e.at = at;
		if (add_exposure(s, svc->sel[k], &e) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* networking.k8s.io/v1 `service: {name, port: {number|name}}`, or v1beta1 `serviceName`/`servicePort`. */
static int ingress_backend(tmdk__sys *s, const char *source, const char *ns, const tmdk_node *backend,
	const char *host)
{
	const tmdk_node *svc = tmdk_node_get(backend, "service");
	const char *name = tmdk__sys_text(svc ? tmdk_node_get(svc, "name") : tmdk_node_get(backend, "serviceName"));
	const tmdk_node *port = svc ? tmdk_node_path(svc, "port.number") : tmdk_node_get(backend, "servicePort");
	if (svc && !port)
		port = tmdk_node_path(svc, "port.name");
	if (!backend || !name)
		return TMDK_OK;
	return route_to_service(s, "ingress", source, ns, name, port, host, backend);
}

static int ingress_exposures(tmdk__sys *s, size_t d, const char *ns, const char *source)
{
	const tmdk_node *spec = tmdk_node_get(tmdk_document_root(s->b->docs[d].doc), "spec");
	const tmdk_node *rules = tmdk_node_get(spec, "rules"), *def = tmdk_node_get(spec, "defaultBackend");
	size_t i, j;
	if (ingress_backend(s, source, ns, def ? def : tmdk_node_get(spec, "backend"), NULL) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < tmdk_node_size(rules); i++) {
		const tmdk_node *r = tmdk_node_at(rules, i), *paths = tmdk_node_path(r, "http.paths");
		const char *host = tmdk__sys_text(tmdk_node_get(r, "host"));
		for (j = 0; j < tmdk_node_size(paths); j++)
			if (ingress_backend(s, source, ns, tmdk_node_get(tmdk_node_at(paths, j), "backend"), host) != TMDK_OK)
				return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

static int route_exposures(tmdk__sys *s, size_t d, const char *ns, const char *source)
{
	const tmdk_node *spec = tmdk_node_get(tmdk_document_root(s->b->docs[d].doc), "spec");
	const tmdk_node *rules = tmdk_node_get(spec, "rules");
	const char *host = tmdk__sys_text(tmdk_node_at(tmdk_node_get(spec, "hostnames"), 0));
	size_t i, j;
	for (i = 0; i < tmdk_node_size(rules); i++) {
		const tmdk_node *refs = tmdk_node_get(tmdk_node_at(rules, i), "backendRefs");
		for (j = 0; j < tmdk_node_size(refs); j++) {
			const tmdk_node *ref = tmdk_node_at(refs, j);
			const char *kind = tmdk__sys_text(tmdk_node_get(ref, "kind"));
			const char *rns = tmdk__sys_text(tmdk_node_get(ref, "namespace"));
			if (kind && strcmp(kind, "Service") != 0)
				continue;
			if (route_to_service(s, "gateway-route", source, rns ? rns : ns, tmdk__sys_text(tmdk_node_get(ref, "name")),
			    tmdk_node_get(ref, "port"), host, ref) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

static int is_route_kind(const char *k)
{
	return strcmp(k, "HTTPRoute") == 0 || strcmp(k, "GRPCRoute") == 0 || strcmp(k, "TLSRoute") == 0 ||
		strcmp(k, "TCPRoute") == 0 || strcmp(k, "UDPRoute") == 0;
}

int tmdk__sys_exposures(tmdk__sys *s)
{
	size_t i, d;
	for (i = 0; i < s->comp_count; i++)
		if ((s->comps[i].kind == TMDK__COMP_COMPOSE ? compose_exposures(s, i) : pod_exposures(s, i)) != TMDK_OK)
			return TMDK_ENOMEM;
	for (i = 0; i < s->svc_count; i++)
		if (service_exposures(s, &s->svcs[i]) != TMDK_OK)
			return TMDK_ENOMEM;
	for (d = 0; d < s->b->doc_count; d++) {
		const tmdk_node *v = s->b->docs[d].view;
		const char *k = tmdk__sys_text(tmdk_node_get(v, "kind")), *name = tmdk__sys_text(tmdk_node_get(v, "name"));
		const char *ns = tmdk__sys_text(tmdk_node_get(v, "namespace")), *source;
		int ingress;
		if (tmdk_artifact_kind(s->b->docs[d].artifact) != TMDK_KIND_KUBERNETES || !k || !name)
			continue;
		ingress = strcmp(k, "Ingress") == 0;
		if (!ingress && !is_route_kind(k))
			continue;
		if (!(source = tmdk__arena_printf(s->b->arena, "k8s:%s/%s/%s", ns ? ns : "-", k, name)))
			return TMDK_ENOMEM;
		if ((ingress ? ingress_exposures(s, d, ns ? ns : "", source) : route_exposures(s, d, ns ? ns : "", source)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}
