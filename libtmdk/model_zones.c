/*
 * libtmdk — trust zones. Every component lives in one zone (its namespace,
 * its compose project, or the control plane for a static pod) and sits in
 * the compose networks it joins. Three more zones hold the components that
 * cross into them: "internet" (internet-exposed), "host" (privileged, host
 * namespaces, hostPath, the Docker socket, dangerous capabilities) and
 * "control-plane" (static pods). Zone ids: "internet", "host",
 * "control-plane", "namespace:<ns or ->", "compose:<file>",
 * "compose:<file>#network:<name>". Order: those three, then by first use.
 */
#include "model_system_int.h"
#include "array.h"

#include <string.h>

typedef struct zone {
	const char *id;
	tmdk_node *node, *members;
} zone;

typedef struct zones_ctx {
	tmdk__sys *s;
	zone *zones;
	size_t count, cap;
} zones_ctx;

static zone *get_zone(zones_ctx *zc, const char *id, const char *kind, const char *name)
{
	tmdk__sys *s = zc->s;
	zone *z;
	size_t i;
	int rc = TMDK_OK;
	for (i = 0; i < zc->count; i++)
		if (strcmp(zc->zones[i].id, id) == 0)
			return &zc->zones[i];
	if (TMDK__ARRAY_RESERVE(zc->zones, zc->count, zc->cap, 8) != TMDK_OK)
		return NULL;
	z = &zc->zones[zc->count++];
	z->id = id;
	if (!(z->node = tmdk__sys_map(s, NULL)) || !(z->members = tmdk__sys_seq(s, NULL)))
		return NULL;
	rc |= tmdk__sys_put_str(s, z->node, "id", id, NULL);
	rc |= tmdk__sys_put_str(s, z->node, "kind", kind, NULL);
	rc |= tmdk__sys_put_str(s, z->node, "name", name, NULL);
	rc |= tmdk__sys_put(s, z->node, "components", z->members);
	return rc ? NULL : z;
}

static int join(zones_ctx *zc, zone *z, const tmdk__comp *c)
{
	if (!z)
		return TMDK_ENOMEM;
	return tmdk__sys_push_unique(zc->s, z->members, c->id, NULL);
}

/* The compose networks a service joins: `networks` (list or map), else
 * "default" unless network_mode takes it elsewhere. */
static int compose_networks(zones_ctx *zc, tmdk__comp *c)
{
	tmdk__sys *s = zc->s;
	const tmdk_node *spec = tmdk_node_get(c->service, "spec"), *nets = tmdk_node_get(spec, "networks");
	size_t i, n = tmdk_node_size(nets);
	if (!n && tmdk_node_get(spec, "network_mode"))
		return TMDK_OK;
	for (i = 0; i < n || (i == 0 && n == 0); i++) {
		const tmdk_node *k = n == 0 ? NULL : tmdk_node_get_type(nets) == TMDK_NODE_MAP ? tmdk_node_key_at(nets, i) :
			tmdk_node_at(nets, i);
		const char *name = n == 0 ? "default" : tmdk__sys_text(k);
		const char *id, *label;
		if (!name)
			continue;
		if (!(id = tmdk__arena_printf(s->b->arena, "compose:%s#network:%s", c->file, name)) ||
		    !(label = tmdk__arena_printf(s->b->arena, "%s_%s", c->project, name)) ||
		    join(zc, get_zone(zc, id, "compose-network", label), c) != TMDK_OK ||
		    tmdk__sys_push_unique(s, c->networks, id, k ? k : c->anchor) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

static int home_zone(zones_ctx *zc, tmdk__comp *c)
{
	tmdk__sys *s = zc->s;
	zone *z;
	if (c->kind == TMDK__COMP_STATIC_POD) {
		c->zone = "control-plane";
		return join(zc, get_zone(zc, "control-plane", "control-plane", "control plane"), c);
	}
	if (c->kind == TMDK__COMP_COMPOSE) {
		const char *id = tmdk__arena_printf(s->b->arena, "compose:%s", c->file);
		if (!id || !(z = get_zone(zc, id, "compose-project", c->project)))
			return TMDK_ENOMEM;
		c->zone = z->id;
		return join(zc, z, c) == TMDK_OK ? compose_networks(zc, c) : TMDK_ENOMEM;
	} else {
		const char *id = tmdk__arena_printf(s->b->arena, "namespace:%s", c->ns[0] ? c->ns : "-");
		if (!id || !(z = get_zone(zc, id, "namespace", c->ns[0] ? c->ns : "(not set in the manifests)")))
			return TMDK_ENOMEM;
		c->zone = z->id;
		return join(zc, z, c);
	}
}

int tmdk__sys_zones(tmdk__sys *s)
{
	zones_ctx zc;
	size_t i;
	int rc = TMDK_OK;
	memset(&zc, 0, sizeof(zc));
	zc.s = s;
	/* The three fixed zones first, when anything is in them. */
	if (s->any_internet && !get_zone(&zc, "internet", "internet", "internet"))
		rc = TMDK_ENOMEM;
	for (i = 0; i < s->comp_count && rc == TMDK_OK; i++)
		if (tmdk_node_size(tmdk_node_get(s->comps[i].node, "host")) > 0)
			s->any_host = 1;
	if (rc == TMDK_OK && s->any_host && !get_zone(&zc, "host", "host", "host (node)"))
		rc = TMDK_ENOMEM;
	if (rc == TMDK_OK && s->any_control_plane && !get_zone(&zc, "control-plane", "control-plane", "control plane"))
		rc = TMDK_ENOMEM;
	for (i = 0; i < s->comp_count && rc == TMDK_OK; i++) {
		tmdk__comp *c = &s->comps[i];
		if (c->internet_exposed)
			rc = join(&zc, get_zone(&zc, "internet", "internet", "internet"), c);
		if (rc == TMDK_OK && tmdk_node_size(tmdk_node_get(c->node, "host")) > 0)
			rc = join(&zc, get_zone(&zc, "host", "host", "host (node)"), c);
		if (rc == TMDK_OK)
			rc = home_zone(&zc, c);
	}
	for (i = 0; i < zc.count && rc == TMDK_OK; i++)
		rc = tmdk__node_seq_push(s->b->arena, s->zones, zc.zones[i].node);
	tmdk__free(zc.zones);
	return rc;
}
