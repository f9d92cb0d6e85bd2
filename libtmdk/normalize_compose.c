/*
 * Compose files: one view listing the services, each with its environment,
 * volumes and ports in a single shape whatever syntax the file used (list
 * or map environment, short or long volumes and ports). Merge keys were
 * already resolved by the YAML loader. The short-syntax parsers here are
 * also used for `docker inspect` (HostConfig.Binds, Config.Env).
 * See docs/document-model.md, section "Compose".
 */
#include "normalize.h"

#include <string.h>

/* ---- "KEY=value" -------------------------------------------------- */

/* "KEY=value" split: value is NULL when there is no '='. */
typedef struct env_split {
	const char *name, *value;
	size_t name_len, value_len;
} env_split;

static void env_split_text(const char *text, size_t len, env_split *out)
{
	const char *eq = memchr(text, '=', len);

	out->name = text;
	if (!eq) {
		out->name_len = len;
		out->value = NULL;
		out->value_len = 0;
		return;
	}
	out->name_len = (size_t)(eq - text);
	out->value = eq + 1;
	out->value_len = len - out->name_len - 1;
}

tmdk_node *tmdk__env_entry_from_text(tmdk__arena *a, const tmdk_node *item)
{
	env_split sp;
	tmdk_node *e = tmdk__node_from(tmdk__node_map(a, item->line, item->column), item);
	tmdk_node *name, *value;

	if (!e)
		return NULL;
	env_split_text(item->u.scalar.text, item->u.scalar.len, &sp);
	name = tmdk__node_from(tmdk__node_scalar(a, sp.name, sp.name_len, TMDK_SCALAR_STRING, item->line, item->column), item);
	if (sp.value)
		value = tmdk__node_from(tmdk__node_scalar(a, sp.value, sp.value_len, TMDK_SCALAR_STRING, item->line, item->column), item);
	else
		value = tmdk__node_from(tmdk__node_null(a, item->line, item->column), item);
	if (!name || !value || tmdk__put(a, e, "name", name) || tmdk__put(a, e, "value", value))
		return NULL;
	return e;
}

/* ---- short volume syntax ------------------------------------------ */

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_windows_drive(const char *s, size_t len)
{
	return len >= 2 && is_letter(s[0]) && s[1] == ':';
}

/* bind, npipe or volume, by the shape of a volume source (as compose-go). */
static const char *volume_source_type(const char *src, size_t len)
{
	if (len >= 9 && (memcmp(src, "\\\\.\\pipe\\", 9) == 0 || memcmp(src, "//./pipe/", 9) == 0))
		return "npipe";
	if (len && (src[0] == '/' || src[0] == '.' || src[0] == '~' || src[0] == '$' || src[0] == '\\'))
		return "bind";
	if (is_windows_drive(src, len))
		return "bind";
	return "volume";
}

/* "ro" among the comma-separated options of a mode ("ro,z", "Z,ro"). */
static int mode_is_read_only(const char *mode, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && mode[j] != ',')
			j++;
		if (j - i == 2 && memcmp(mode + i, "ro", 2) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

/*
 * Split "[source:]target[:mode]" the way compose-go does: a colon right
 * after a single leading letter is a Windows drive ("C:\data:/data"), not a
 * separator. Anything past the second separator is the mode.
 */
typedef struct volume_parts {
	const char *field[3];
	size_t len[3];
	int count;
} volume_parts;

static void split_volume(const char *s, size_t len, volume_parts *p)
{
	size_t start = 0, i;
	int braces = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < len && p->count < 2; i++) {
		/* Colons inside ${VAR:-default} interpolations do not separate fields. */
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{')
			braces++;
		else if (s[i] == '}' && braces)
			braces--;
		if (s[i] != ':' || braces || (i == start + 1 && is_letter(s[start])))
			continue;
		p->field[p->count] = s + start;
		p->len[p->count++] = i - start;
		start = i + 1;
	}
	p->field[p->count] = s + start;
	p->len[p->count++] = len - start;
}

static int put_string(tmdk__arena *a, tmdk_node *map, const char *key,
	const char *text, size_t len, const tmdk_node *at)
{
	tmdk_node *n = tmdk__node_from(tmdk__node_scalar(a, text, len, TMDK_SCALAR_STRING, at->line, at->column), at);
	return n ? tmdk__put(a, map, key, n) : TMDK_ENOMEM;
}

tmdk_node *tmdk__volume_from_short(tmdk__arena *a, tmdk_node *item)
{
	tmdk_node *v = tmdk__node_from(tmdk__node_map(a, item->line, item->column), item), *ro;
	const char *type;
	volume_parts p;
	int has_source, has_mode;

	if (!v || !tmdk__is_scalar(item))
		return v;
	split_volume(item->u.scalar.text, item->u.scalar.len, &p);
	/* One field is a target alone: an anonymous volume. */
	has_source = p.count > 1;
	has_mode = p.count == 3;
	type = has_source ? volume_source_type(p.field[0], p.len[0]) : "volume";
	ro = tmdk__node_from(tmdk__node_bool(a, has_mode && mode_is_read_only(p.field[2], p.len[2]), item->line, item->column), item);
	if (!ro || put_string(a, v, "type", type, strlen(type), item) ||
	    (has_source && put_string(a, v, "source", p.field[0], p.len[0], item)) ||
	    put_string(a, v, "target", p.field[has_source], p.len[has_source], item) ||
	    tmdk__put(a, v, "read_only", ro) ||
	    (has_mode && put_string(a, v, "mode", p.field[2], p.len[2], item)) ||
	    tmdk__put(a, v, "raw", item))
		return NULL;
	return v;
}

/* The long volume syntax: {type, source, target, read_only, …} as written. */
static tmdk_node *volume_from_long(tmdk__arena *a, tmdk_node *item)
{
	tmdk_node *v = tmdk__node_from(tmdk__node_map(a, item->line, item->column), item);
	tmdk_node *type = tmdk__get(item, "type"), *source = tmdk__get(item, "source");
	tmdk_node *ro = tmdk__get(item, "read_only");

	if (!v)
		return NULL;
	if (!tmdk__is_text(type)) {
		/* No type given: infer it from the source, like the short syntax. */
		const char *t = tmdk__is_text(source)
			? volume_source_type(source->u.scalar.text, source->u.scalar.len) : "volume";
		type = tmdk__node_from(tmdk__node_string(a, t, item->line, item->column), item);
	}
	if (!ro || ro->type != TMDK_NODE_SCALAR || ro->scalar_type != TMDK_SCALAR_BOOL)
		ro = tmdk__node_from(tmdk__node_bool(a, 0, item->line, item->column), item);
	if (!type || !ro ||
	    tmdk__put(a, v, "type", type) || tmdk__put(a, v, "source", source) ||
	    tmdk__put(a, v, "target", tmdk__get(item, "target")) ||
	    tmdk__put(a, v, "read_only", ro) || tmdk__put(a, v, "raw", item))
		return NULL;
	return v;
}

/* ---- ports ------------------------------------------------------------ */

/* An all-digit port is an int node; a range or variable stays a string. */
static int put_port(tmdk__arena *a, tmdk_node *map, const char *key,
	const char *text, size_t len, const tmdk_node *at)
{
	size_t i;
	int digits = len > 0;
	tmdk_node *n;

	if (!len)
		return TMDK_OK; /* "127.0.0.1::80": no published port */
	for (i = 0; i < len; i++)
		digits &= text[i] >= '0' && text[i] <= '9';
	n = tmdk__node_from(tmdk__node_scalar(a, text, len, digits && len < 10 ? TMDK_SCALAR_INT : TMDK_SCALAR_STRING,
		at->line, at->column), at);
	return n ? tmdk__put(a, map, key, n) : TMDK_ENOMEM;
}

/*
 * "[[host_ip:]published:]target[/protocol]" as Docker's ParsePortSpec reads
 * it: the last field is the target, the one before it the published port,
 * everything before that the host IP (IPv6 in brackets or not).
 */
static tmdk_node *port_from_short(tmdk__arena *a, tmdk_node *item)
{
	tmdk_node *p = tmdk__node_from(tmdk__node_map(a, item->line, item->column), item);
	const char *s = item->u.scalar.text, *slash, *last, *prev = NULL, *ip = NULL;
	size_t len = item->u.scalar.len, ip_len = 0;

	if (!p)
		return NULL;
	slash = memchr(s, '/', len);
	if (slash)
		len = (size_t)(slash - s);
	for (last = s + len; last > s && last[-1] != ':'; last--)
		;
	if (last > s)
		for (prev = last - 1; prev > s && prev[-1] != ':'; prev--)
			;
	if (prev && prev > s) {
		ip = s;
		ip_len = (size_t)(prev - 1 - s);
		if (ip_len >= 2 && ip[0] == '[' && ip[ip_len - 1] == ']') {
			ip++;
			ip_len -= 2;
		}
	}
	if ((ip_len && put_string(a, p, "host_ip", ip, ip_len, item)) ||
	    (prev && put_port(a, p, "published", prev, (size_t)(last - 1 - prev), item)) ||
	    put_port(a, p, "target", last, len - (size_t)(last - s), item) ||
	    (slash && item->u.scalar.len > len + 1 &&
	     put_string(a, p, "protocol", slash + 1, item->u.scalar.len - len - 1, item)) ||
	    tmdk__put(a, p, "raw", item))
		return NULL;
	return p;
}

static tmdk_node *port_from_long(tmdk__arena *a, tmdk_node *item)
{
	tmdk_node *p = tmdk__node_from(tmdk__node_map(a, item->line, item->column), item);
	if (!p || tmdk__put(a, p, "host_ip", tmdk__get(item, "host_ip")) ||
	    tmdk__put(a, p, "published", tmdk__get(item, "published")) ||
	    tmdk__put(a, p, "target", tmdk__get(item, "target")) ||
	    tmdk__put(a, p, "protocol", tmdk__get(item, "protocol")) ||
	    tmdk__put(a, p, "raw", item))
		return NULL;
	return p;
}

/* ---- per-service lists ---------------------------------------------- */

/* An empty sequence at `at`'s position (or the service's). */
static tmdk_node *new_seq(tmdk__arena *a, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_seq(a, at->line, at->column), at);
}

static tmdk_node *environment_of(tmdk__arena *a, const tmdk_node *env, const tmdk_node *at)
{
	tmdk_node *seq = new_seq(a, env ? env : at);
	size_t i;

	if (!seq)
		return NULL;
	if (tmdk__is_seq(env)) {
		for (i = 0; i < env->u.seq.count; i++) {
			tmdk_node *it = env->u.seq.items[i], *e;
			if (!tmdk__is_scalar(it) || it->scalar_type == TMDK_SCALAR_NULL)
				continue;
			e = tmdk__env_entry_from_text(a, it);
			if (!e || tmdk__node_seq_push(a, seq, e))
				return NULL;
		}
	} else if (tmdk__is_map(env)) {
		for (i = 0; i < env->u.map.count; i++) {
			tmdk_node *k = env->u.map.keys[i], *v = env->u.map.values[i], *e;
			if (!tmdk__is_scalar(k) || (v && !tmdk__is_scalar(v)))
				continue;
			if (!v && !(v = tmdk__node_from(tmdk__node_null(a, k->line, k->column), k)))
				return NULL;
			e = tmdk__node_from(tmdk__node_map(a, k->line, k->column), k);
			if (!e || tmdk__put(a, e, "name", k) || tmdk__put(a, e, "value", v) ||
			    tmdk__node_seq_push(a, seq, e))
				return NULL;
		}
	}
	return seq;
}

static tmdk_node *volumes_of(tmdk__arena *a, const tmdk_node *vols, const tmdk_node *at)
{
	tmdk_node *seq = new_seq(a, vols ? vols : at);
	size_t i;

	if (!seq || !tmdk__is_seq(vols))
		return seq;
	for (i = 0; i < vols->u.seq.count; i++) {
		tmdk_node *it = vols->u.seq.items[i], *v;
		if (tmdk__is_text(it))
			v = tmdk__volume_from_short(a, it);
		else if (tmdk__is_map(it))
			v = volume_from_long(a, it);
		else
			continue;
		if (!v || tmdk__node_seq_push(a, seq, v))
			return NULL;
	}
	return seq;
}

static tmdk_node *ports_of(tmdk__arena *a, const tmdk_node *ports, const tmdk_node *at)
{
	tmdk_node *seq = new_seq(a, ports ? ports : at);
	size_t i;

	if (!seq || !tmdk__is_seq(ports))
		return seq;
	for (i = 0; i < ports->u.seq.count; i++) {
		tmdk_node *it = ports->u.seq.items[i], *p;
		if (tmdk__is_text(it))
			p = port_from_short(a, it);
		else if (tmdk__is_map(it))
			p = port_from_long(a, it);
		else
			continue;
		if (!p || tmdk__node_seq_push(a, seq, p))
			return NULL;
	}
	return seq;
}

/* env_file: a path, a list of paths, or a list of {path, required}. */
static tmdk_node *env_files_of(tmdk__arena *a, tmdk_node *files, const tmdk_node *at)
{
	tmdk_node *seq = new_seq(a, files ? files : at);
	size_t i;

	if (!seq)
		return NULL;
	if (tmdk__is_text(files))
		return tmdk__node_seq_push(a, seq, files) ? NULL : seq;
	if (!tmdk__is_seq(files))
		return seq;
	for (i = 0; i < files->u.seq.count; i++) {
		tmdk_node *it = files->u.seq.items[i];
		if (tmdk__is_map(it))
			it = tmdk__get(it, "path");
		if (tmdk__is_text(it) && tmdk__node_seq_push(a, seq, it))
			return NULL;
	}
	return seq;
}

/* {name, spec, image, environment, volumes, ports, env_file} at the name. */
static tmdk_node *service_view(tmdk__arena *a, tmdk_node *name, tmdk_node *spec)
{
	tmdk_node *s = tmdk__node_from(tmdk__node_map(a, name->line, name->column), name);
	tmdk_node *env, *vols, *ports, *files;

	if (!s)
		return NULL;
	env = environment_of(a, tmdk__get(spec, "environment"), name);
	vols = volumes_of(a, tmdk__get(spec, "volumes"), name);
	ports = ports_of(a, tmdk__get(spec, "ports"), name);
	files = env_files_of(a, tmdk__get(spec, "env_file"), name);
	if (!env || !vols || !ports || !files ||
	    tmdk__put(a, s, "name", name) || tmdk__put(a, s, "spec", spec) ||
	    tmdk__put(a, s, "image", tmdk__scalar_or_null(tmdk__get(spec, "image"))) ||
	    tmdk__put(a, s, "environment", env) || tmdk__put(a, s, "volumes", vols) ||
	    tmdk__put(a, s, "ports", ports) || tmdk__put(a, s, "env_file", files))
		return NULL;
	return s;
}

/* Top-level keys that are never services, even in a version 1 file. */
static int is_top_level_key(const tmdk_node *k)
{
	static const char *const keys[] = { "version", "name", "services", "networks", "volumes",
		"secrets", "configs", "include", NULL };
	size_t i;
	for (i = 0; keys[i]; i++)
		if (tmdk_node_text_equals(k, keys[i]))
			return 1;
	return k->u.scalar.len >= 2 && memcmp(k->u.scalar.text, "x-", 2) == 0;
}

/*
 * The services of `services:`, or, in a version 1 file (legacy), the
 * top-level entries whose values are maps.
 */
static tmdk_node *services_of(tmdk__arena *a, const tmdk_node *services, int legacy, const tmdk_node *at)
{
	tmdk_node *seq = new_seq(a, services && !legacy ? services : at);
	size_t i;

	if (!seq || !tmdk__is_map(services))
		return seq;
	for (i = 0; i < services->u.map.count; i++) {
		tmdk_node *k = services->u.map.keys[i], *v = services->u.map.values[i], *s;
		if (!tmdk__is_scalar(k))
			continue;
		if (legacy ? (!tmdk__is_map(v) || is_top_level_key(k))
			   : (!tmdk__is_map(v) && !tmdk__is_empty_root(v)))
			continue;
		s = service_view(a, k, v);
		if (!s || tmdk__node_seq_push(a, seq, s))
			return NULL;
	}
	return seq;
}

static tmdk_node *compose_view(tmdk__arena *a, const tmdk_document *d)
{
	tmdk_node *root = d->root;
	unsigned int line = root ? root->line : d->line ? d->line : 1;
	tmdk_node *view = tmdk__node_from(tmdk__node_map(a, line, root ? root->column : 1), root);
	/* Version 1: no `services:` and no `version:` (both came with version 2). */
	int legacy = tmdk__is_map(root) && !tmdk__get(root, "services") && !tmdk__get(root, "version");
	tmdk_node *flag, *services;

	if (!view)
		return NULL;
	flag = tmdk__node_from(tmdk__node_bool(a, legacy, view->line, view->column), view);
	services = services_of(a, legacy ? root : tmdk__get(root, "services"), legacy, view);
	if (!flag || !services ||
	    tmdk__put(a, view, "version", tmdk__scalar_or_null(tmdk__get(root, "version"))) ||
	    tmdk__put(a, view, "legacy", flag) ||
	    tmdk__put(a, view, "services", services) ||
	    tmdk__put(a, view, "volumes", tmdk__map_or_null(tmdk__get(root, "volumes"))) ||
	    tmdk__put(a, view, "networks", tmdk__map_or_null(tmdk__get(root, "networks"))) ||
	    tmdk__put(a, view, "secrets", tmdk__map_or_null(tmdk__get(root, "secrets"))) ||
	    tmdk__put(a, view, "configs", tmdk__map_or_null(tmdk__get(root, "configs"))))
		return NULL;
	return view;
}

int tmdk__normalize_compose(tmdk_artifact *a, tmdk_error *err)
{
	size_t i;
	for (i = 0; i < a->doc_count; i++) {
		a->docs[i].view = compose_view(&a->arena, &a->docs[i]);
		if (!a->docs[i].view)
			return tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	}
	return TMDK_OK;
}
