/*
 * The picture's copy of a system model (diagram_int.h): components, the
 * trust zones drawn around them, exposures and flows, read from any tree
 * shaped as docs/model.md describes, tolerating missing or mistyped keys.
 * Also the helpers the DOT, Mermaid and SVG writers share: label clipping,
 * severity colours, the collapsed drawing of large models.
 */
#include "diagram_int.h"
#include "report_int.h"
#include "array.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define NONE ((size_t)-1)

static const char *text_of(tmdk__diagram *d, const tmdk_node *n, int *nomem)
{
	const char *t;
	size_t len;
	char *copy;
	if (tmdk_node_get_type(n) != TMDK_NODE_SCALAR || tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL)
		return NULL;
	t = tmdk_node_text(n, &len);
	if (!t)
		return NULL;
	if (!(copy = tmdk__arena_strndup(&d->arena, t, len)))
		*nomem = 1;
	return copy;
}

static const char *key_text(tmdk__diagram *d, const tmdk_node *map, const char *key, int *nomem)
{
	return text_of(d, tmdk_node_get(map, key), nomem);
}

static int key_true(const tmdk_node *map, const char *key)
{
	int b = 0;
	return tmdk_node_as_bool(tmdk_node_get(map, key), &b) == TMDK_OK && b;
}

int tmdk__diagram_zone_is_cluster(const char *kind)
{
	return kind && (strcmp(kind, "namespace") == 0 || strcmp(kind, "compose-network") == 0 ||
		strcmp(kind, "compose-project") == 0);
}

size_t tmdk__diagram_find(const tmdk__diagram *d, const char *id)
{
	size_t i;
	/* Linear: diagrams are drawn for hundreds of components at most, and each is looked up a few times. */
	for (i = 0; id && i < d->comp_count; i++)
		if (strcmp(d->comps[i].id, id) == 0)
			return i;
	return NONE;
}

static size_t find_zone(const tmdk__diagram *d, const char *id)
{
	size_t i;
	for (i = 0; id && i < d->zone_count; i++)
		if (strcmp(d->zones[i].id, id) == 0)
			return i;
	return NONE;
}

/* "a, b, c" of the texts in `seq` (or of the `kind` of its maps), each once. */
static const char *joined(tmdk__diagram *d, const tmdk_node *seq, const char *first, int *nomem)
{
	char buf[256];
	size_t i, used = 0;
	buf[0] = '\0';
	if (first) {
		snprintf(buf, sizeof(buf), "%s", first);
		used = strlen(buf);
	}
	for (i = 0; i < tmdk_node_size(seq) && tmdk_node_get_type(seq) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *item = tmdk_node_at(seq, i);
		const char *t = tmdk_node_get_type(item) == TMDK_NODE_MAP ? tmdk_node_text(tmdk_node_get(item, "kind"), NULL)
			: tmdk_node_text(item, NULL);
		char *at;
		if (!t || !*t)
			continue;
		at = strstr(buf, t);
		if (at && (at == buf || at[-1] == ' ') && (at[strlen(t)] == ',' || at[strlen(t)] == '\0'))
			continue;
		if (used + strlen(t) + 3 >= sizeof(buf))
			break;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", t);
	}
	if (!used)
		return NULL;
	{
		char *copy = tmdk__arena_strdup(&d->arena, buf);
		if (!copy)
			*nomem = 1;
		return copy;
	}
}

/* What an identity can do that reaches into the control plane (CAN keys, model-schema). */
static const char *rbac_summary(tmdk__diagram *d, const tmdk_node *can, int *nomem)
{
	static const char *const keys[] = { "all_resources", "escalate", "bind", "impersonate", "modify_rbac",
		"read_secrets", "list_secrets", "exec_pods", "create_pods", "create_workloads", "create_tokens",
		"proxy_nodes", "modify_admission", "approve_csr" };
	char buf[256];
	size_t i, used = 0;
	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_true(can, keys[i]) && used + strlen(keys[i]) + 3 < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", keys[i]);
	if (!used)
		return NULL;
	{
		char *copy = tmdk__arena_strdup(&d->arena, buf);
		if (!copy)
			*nomem = 1;
		return copy;
	}
}

static int add_zones(tmdk__diagram *d, const tmdk_node *zones, int *nomem)
{
	size_t i;
	for (i = 0; i < tmdk_node_size(zones) && tmdk_node_get_type(zones) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *z = tmdk_node_at(zones, i);
		tmdk__dzone *dz;
		const char *id = key_text(d, z, "id", nomem);
		if (!id || find_zone(d, id) != NONE)
			continue;
		if (TMDK__ARRAY_RESERVE_ARENA(&d->arena, d->zones, d->zone_count, d->zone_cap, 8) != TMDK_OK)
			return TMDK_ENOMEM;
		dz = &d->zones[d->zone_count++];
		memset(dz, 0, sizeof(*dz));
		dz->id = id;
		dz->kind = key_text(d, z, "kind", nomem);
		dz->name = key_text(d, z, "name", nomem);
		if (dz->kind && (strcmp(dz->kind, "namespace") == 0 || strcmp(dz->kind, "control-plane") == 0))
			d->has_kubernetes = 1;
	}
	return TMDK_OK;
}

/* The Dockerfiles that build the component's images: findings in them concern it. */
static int add_dockerfiles(tmdk__diagram *d, tmdk__dcomp *c, const tmdk_node *images, int *nomem)
{
	size_t i, n = tmdk_node_get_type(images) == TMDK_NODE_SEQUENCE ? tmdk_node_size(images) : 0;
	if (!n)
		return TMDK_OK;
	if (!(c->dockerfiles = tmdk__arena_alloc(&d->arena, n * sizeof(*c->dockerfiles))))
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *file = key_text(d, tmdk_node_get(tmdk_node_at(images, i), "dockerfile"), "file", nomem);
		if (file)
			c->dockerfiles[c->dockerfile_count++] = file;
	}
	return TMDK_OK;
}

static int add_components(tmdk__diagram *d, const tmdk_node *comps, int *nomem)
{
	size_t i;
	for (i = 0; i < tmdk_node_size(comps) && tmdk_node_get_type(comps) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *c = tmdk_node_at(comps, i);
		const char *id = key_text(d, c, "id", nomem);
		tmdk__dcomp *dc;
		long long line = 0;
		if (!id || tmdk__diagram_find(d, id) != NONE)
			continue;
		if (TMDK__ARRAY_RESERVE_ARENA(&d->arena, d->comps, d->comp_count, d->comp_cap, 16) != TMDK_OK)
			return TMDK_ENOMEM;
		dc = &d->comps[d->comp_count++];
		memset(dc, 0, sizeof(*dc));
		dc->id = id;
		dc->name = key_text(d, c, "name", nomem);
		dc->kind = key_text(d, c, "kind", nomem);
		dc->workload_kind = key_text(d, c, "workload_kind", nomem);
		dc->namespace = key_text(d, c, "namespace", nomem);
		dc->file = key_text(d, c, "file", nomem);
		dc->zone = key_text(d, c, "zone", nomem);
		if (tmdk_node_as_int(tmdk_node_get(c, "line"), &line) == TMDK_OK && line > 0 && line < (long long)UINT_MAX)
			dc->line = (unsigned int)line;
		dc->exposed = key_true(c, "exposed");
		dc->internet_exposed = key_true(c, "internet_exposed");
		dc->privileged = key_true(c, "privileged");
		dc->host = joined(d, tmdk_node_get(c, "host"), dc->privileged ? "privileged" : NULL, nomem);
		dc->rbac = rbac_summary(d, tmdk_node_get(c, "can"), nomem);
		dc->zone_index = NONE;
		if (add_dockerfiles(d, dc, tmdk_node_get(c, "images"), nomem) != TMDK_OK)
			return TMDK_ENOMEM;
		if (dc->kind && (strcmp(dc->kind, "workload") == 0 || strcmp(dc->kind, "static-pod") == 0))
			d->has_kubernetes = 1;
	}
	return TMDK_OK;
}

/* Each component inside one cluster: its own `zone`, else the first cluster zone listing it, else its namespace. */
static int place_components(tmdk__diagram *d, const tmdk_node *zones, int *nomem)
{
	size_t i, k;
	for (i = 0; i < d->comp_count; i++) {
		size_t z = find_zone(d, d->comps[i].zone);
		if (z != NONE && tmdk__diagram_zone_is_cluster(d->zones[z].kind))
			d->comps[i].zone_index = z;
	}
	for (i = 0; i < tmdk_node_size(zones) && tmdk_node_get_type(zones) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *z = tmdk_node_at(zones, i), *members = tmdk_node_get(z, "components");
		size_t zi = find_zone(d, tmdk_node_text(tmdk_node_get(z, "id"), NULL));
		if (zi == NONE || !tmdk__diagram_zone_is_cluster(d->zones[zi].kind))
			continue;
		for (k = 0; k < tmdk_node_size(members) && tmdk_node_get_type(members) == TMDK_NODE_SEQUENCE; k++) {
			size_t c = tmdk__diagram_find(d, tmdk_node_text(tmdk_node_at(members, k), NULL));
			if (c != NONE && d->comps[c].zone_index == NONE)
				d->comps[c].zone_index = zi;
		}
	}
	for (i = 0; i < d->comp_count; i++) {
		tmdk__dcomp *c = &d->comps[i];
		char *id;
		size_t z;
		if (c->zone_index != NONE || !c->namespace)
			continue;
		if (!(id = tmdk__arena_printf(&d->arena, "namespace:%s", c->namespace))) {
			*nomem = 1;
			return TMDK_ENOMEM;
		}
		if ((z = find_zone(d, id)) == NONE) {
			if (TMDK__ARRAY_RESERVE_ARENA(&d->arena, d->zones, d->zone_count, d->zone_cap, 8) != TMDK_OK)
				return TMDK_ENOMEM;
			z = d->zone_count++;
			memset(&d->zones[z], 0, sizeof(d->zones[z]));
			d->zones[z].id = id;
			d->zones[z].kind = "namespace";
			d->zones[z].name = c->namespace;
		}
		c->zone_index = z;
	}
	for (i = 0; i < d->comp_count; i++)
		if (d->comps[i].zone_index != NONE)
			d->zones[d->comps[i].zone_index].members++;
	return TMDK_OK;
}

static int add_exposures(tmdk__diagram *d, const tmdk_node *list, int *nomem)
{
	size_t i;
	for (i = 0; i < tmdk_node_size(list) && tmdk_node_get_type(list) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *e = tmdk_node_at(list, i);
		size_t c = tmdk__diagram_find(d, tmdk_node_text(tmdk_node_get(e, "component"), NULL));
		tmdk__dexposure *de;
		if (c == NONE)
			continue;
		if (TMDK__ARRAY_RESERVE_ARENA(&d->arena, d->exposures, d->exposure_count, d->exposure_cap, 16) != TMDK_OK)
			return TMDK_ENOMEM;
		de = &d->exposures[d->exposure_count++];
		de->component = c;
		de->kind = key_text(d, e, "kind", nomem);
		de->port = key_text(d, e, "port", nomem);
		de->host = key_text(d, e, "host", nomem);
		de->internet = key_true(e, "internet");
		if (de->internet)
			d->comps[c].internet_exposed = 1;
		d->comps[c].exposed = 1;
	}
	return TMDK_OK;
}

static int add_flows(tmdk__diagram *d, const tmdk_node *list, int *nomem)
{
	size_t i;
	for (i = 0; i < tmdk_node_size(list) && tmdk_node_get_type(list) == TMDK_NODE_SEQUENCE; i++) {
		const tmdk_node *f = tmdk_node_at(list, i);
		size_t from = tmdk__diagram_find(d, tmdk_node_text(tmdk_node_get(f, "from"), NULL));
		size_t to = tmdk__diagram_find(d, tmdk_node_text(tmdk_node_get(f, "to"), NULL));
		tmdk__dflow *df;
		if (from == NONE || to == NONE || from == to)
			continue;
		if (TMDK__ARRAY_RESERVE_ARENA(&d->arena, d->flows, d->flow_count, d->flow_cap, 16) != TMDK_OK)
			return TMDK_ENOMEM;
		df = &d->flows[d->flow_count++];
		df->from = from;
		df->to = to;
		df->kind = key_text(d, f, "kind", nomem);
		df->port = key_text(d, f, "port", nomem);
		df->crosses = key_true(f, "crosses_boundary");
	}
	return TMDK_OK;
}

tmdk__diagram *tmdk__diagram_new(const tmdk_node *model)
{
	tmdk__diagram *d = tmdk__calloc(1, sizeof(*d));
	const tmdk_node *zones = tmdk_node_get(model, "zones");
	int nomem = 0;
	if (!d)
		return NULL;
	tmdk__arena_init(&d->arena);
	if (add_zones(d, zones, &nomem) != TMDK_OK ||
	    add_components(d, tmdk_node_get(model, "components"), &nomem) != TMDK_OK ||
	    place_components(d, zones, &nomem) != TMDK_OK ||
	    add_exposures(d, tmdk_node_get(model, "exposures"), &nomem) != TMDK_OK ||
	    add_flows(d, tmdk_node_get(model, "flows"), &nomem) != TMDK_OK || nomem) {
		tmdk__diagram_free(d);
		return NULL;
	}
	return d;
}

void tmdk__diagram_free(tmdk__diagram *d)
{
	if (!d)
		return;
	tmdk__arena_release(&d->arena);
	tmdk__free(d);
}

/* ---- shared by the writers ------------------------------------------------------ */

int tmdk__diagram_collapsed(const tmdk__diagram *d, const tmdk__diagram_style *s)
{
	unsigned int max = s && s->max_components ? s->max_components : 80;
	return d->comp_count > max;
}

void tmdk__diagram_clip(char *buf, size_t size, const char *text, unsigned int width)
{
	size_t i = 0, len = text ? strlen(text) : 0, used = 0;
	unsigned int chars = 0;
	if (!size)
		return;
	if (!width)
		width = 28;
	while (i < len) {
		uint32_t cp;
		size_t n = tmdk__utf8_decode(text + i, len - i, &cp);
		if (chars + 1 == width && i + n < len) {
			if (used + 4 <= size - 1) {
				memcpy(buf + used, "\xe2\x80\xa6", 3);
				used += 3;
			}
			break;
		}
		if (used + 4 > size - 1)
			break;
		if (cp < 0x20 || cp == 0x7f) {
			buf[used++] = ' ';
		} else if (cp == 0xFFFD && n == 1) {
			memcpy(buf + used, "\xef\xbf\xbd", 3);
			used += 3;
		} else {
			memcpy(buf + used, text + i, n);
			used += n;
		}
		chars++;
		i += n;
	}
	buf[used] = '\0';
}

static const char *const fills[TMDK_SEVERITY_COUNT] = { "#f3f4f6", "#dbeafe", "#fef3c7", "#ffedd5", "#fee2e2" };
static const char *const strokes[TMDK_SEVERITY_COUNT] = { "#6b7280", "#2563eb", "#d97706", "#ea580c", "#b91c1c" };

const char *tmdk__diagram_fill(int severity)
{
	return severity >= 0 && severity < TMDK_SEVERITY_COUNT ? fills[severity] : "#ecfdf5";
}

const char *tmdk__diagram_stroke(int severity)
{
	return severity >= 0 && severity < TMDK_SEVERITY_COUNT ? strokes[severity] : "#16a34a";
}

int tmdk__diagram_zone_severity(const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone)
{
	size_t i;
	int worst = -1;
	for (i = 0; s && s->severity && i < d->comp_count; i++)
		if (d->comps[i].zone_index == zone && s->severity[i] > worst)
			worst = s->severity[i];
	return worst;
}
