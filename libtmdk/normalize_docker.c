/*
 * Docker daemon configuration (daemon.json) and `docker inspect` output.
 *
 * daemon.json: the view is the configuration map itself (every entry
 * shared) with `hosts` normalized to a list and a derived `tls_verified`.
 * docker inspect: the JSON array becomes one document per container (like
 * the items of a Kubernetes List), each with a view that names the facts
 * rules look at: environment, mounts, binds, privileged, user.
 * See docs/document-model.md, section "daemon.json and docker inspect".
 */
#include "normalize.h"

#include <string.h>

/* ---- daemon.json ---------------------------------------------------- */

/* `hosts` as a sequence of strings, whether written as a string or a list. */
static tmdk_node *daemon_hosts(tmdk__arena *a, tmdk_node *hosts)
{
	tmdk_node *seq = tmdk__node_seq(a, hosts->line, hosts->column);
	size_t i;

	if (!seq)
		return NULL;
	if (tmdk__is_text(hosts))
		return tmdk__node_seq_push(a, seq, hosts) ? NULL : seq;
	if (!tmdk__is_seq(hosts))
		return seq;
	for (i = 0; i < hosts->u.seq.count; i++) {
		tmdk_node *h = hosts->u.seq.items[i];
		if (tmdk__is_text(h) && tmdk__node_seq_push(a, seq, h))
			return NULL;
	}
	return seq;
}

static tmdk_node *daemon_view(tmdk__arena *a, const tmdk_document *d)
{
	tmdk_node *root = d->root;
	tmdk_node *view = tmdk__node_map(a, root ? root->line : 1, root ? root->column : 1);
	tmdk_node *hosts, *tlsverify, *verified;
	int on = 0;
	size_t i;

	if (!view)
		return NULL;
	if (!tmdk__is_map(root))
		return view;
	/* Copy the entries (not the raw map: the source tree stays as written). */
	for (i = 0; i < root->u.map.count; i++)
		if (tmdk__node_map_append(a, view, root->u.map.keys[i], root->u.map.values[i]))
			return NULL;
	hosts = tmdk__get(root, "hosts");
	if (hosts) {
		tmdk_node *seq = daemon_hosts(a, hosts);
		if (!seq || tmdk__node_map_put(a, view, "hosts", seq))
			return NULL;
	}
	tlsverify = tmdk__get(root, "tlsverify");
	if (tmdk_node_as_bool(tlsverify, &on) != TMDK_OK)
		on = 0;
	verified = tlsverify ? tmdk__node_bool(a, on, tlsverify->line, tlsverify->column)
		: tmdk__node_bool(a, 0, root->line, root->column);
	if (!verified || tmdk__node_map_put(a, view, "tls_verified", verified))
		return NULL;
	return view;
}

int tmdk__normalize_daemon_json(tmdk_artifact *a, tmdk_error *err)
{
	size_t i;
	for (i = 0; i < a->doc_count; i++) {
		a->docs[i].view = daemon_view(&a->arena, &a->docs[i]);
		if (!a->docs[i].view)
			return tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	}
	return TMDK_OK;
}

/* ---- docker inspect: one document per container ---------------------- */

/* The containers of an inspect array (a lone object stays one document). */
static tmdk_node *inspect_items(const tmdk_node *root)
{
	return tmdk__is_seq(root) ? (tmdk_node *)root : NULL;
}

/* Config.Env: ["K=V", …] as {name, value} entries. */
static tmdk_node *inspect_env(tmdk__arena *a, const tmdk_node *env, const tmdk_node *at)
{
	tmdk_node *seq = tmdk__node_seq(a, (env ? env : at)->line, (env ? env : at)->column);
	size_t i;

	if (!seq || !tmdk__is_seq(env))
		return seq;
	for (i = 0; i < env->u.seq.count; i++) {
		tmdk_node *it = env->u.seq.items[i], *e;
		if (!tmdk__is_text(it))
			continue;
		e = tmdk__env_entry_from_text(a, it);
		if (!e || tmdk__node_seq_push(a, seq, e))
			return NULL;
	}
	return seq;
}

/* HostConfig.Binds: ["/src:/dst:ro", …] parsed like compose short volumes. */
static tmdk_node *inspect_binds(tmdk__arena *a, const tmdk_node *binds, const tmdk_node *at)
{
	tmdk_node *seq = tmdk__node_seq(a, (binds ? binds : at)->line, (binds ? binds : at)->column);
	size_t i;

	if (!seq || !tmdk__is_seq(binds))
		return seq;
	for (i = 0; i < binds->u.seq.count; i++) {
		tmdk_node *it = binds->u.seq.items[i], *b;
		if (!tmdk__is_text(it))
			continue;
		b = tmdk__volume_from_short(a, it);
		if (!b || tmdk__node_seq_push(a, seq, b))
			return NULL;
	}
	return seq;
}

/* Mounts as written (shared items); an empty list when absent. */
static tmdk_node *inspect_mounts(tmdk__arena *a, tmdk_node *mounts, const tmdk_node *at)
{
	if (tmdk__is_seq(mounts))
		return mounts;
	return tmdk__node_seq(a, at->line, at->column);
}

static tmdk_node *inspect_view(tmdk__arena *a, const tmdk_document *d)
{
	tmdk_node *root = d->root;
	tmdk_node *view = tmdk__node_map(a, root ? root->line : 1, root ? root->column : 1);
	tmdk_node *config, *host, *env, *binds, *mounts;

	if (!view || !tmdk__is_map(root))
		return view;
	config = tmdk__map_or_null(tmdk__get(root, "Config"));
	host = tmdk__map_or_null(tmdk__get(root, "HostConfig"));
	env = inspect_env(a, tmdk__get(config, "Env"), view);
	binds = inspect_binds(a, tmdk__get(host, "Binds"), view);
	mounts = inspect_mounts(a, tmdk__get(root, "Mounts"), view);
	if (!env || !binds || !mounts ||
	    tmdk__put(a, view, "id", tmdk__scalar_or_null(tmdk__get(root, "Id"))) ||
	    tmdk__put(a, view, "name", tmdk__scalar_or_null(tmdk__get(root, "Name"))) ||
	    /* Config.Image is the reference the user ran; top-level Image the digest. */
	    tmdk__put(a, view, "image", tmdk__scalar_or_null(tmdk__get(config, "Image"))) ||
	    tmdk__put(a, view, "image_id", tmdk__scalar_or_null(tmdk__get(root, "Image"))) ||
	    tmdk__put(a, view, "config", config) ||
	    tmdk__put(a, view, "host_config", host) ||
	    tmdk__put(a, view, "env", env) ||
	    tmdk__put(a, view, "mounts", mounts) ||
	    tmdk__put(a, view, "binds", binds) ||
	    tmdk__put(a, view, "privileged", tmdk__scalar_or_null(tmdk__get(host, "Privileged"))) ||
	    tmdk__put(a, view, "user", tmdk__scalar_or_null(tmdk__get(config, "User"))))
		return NULL;
	return view;
}

int tmdk__normalize_docker_inspect(tmdk_artifact *a, tmdk_error *err)
{
	size_t i;
	int rc = tmdk__expand_items(a, inspect_items, "containers", err);

	if (rc != TMDK_OK)
		return rc;
	for (i = 0; i < a->doc_count; i++) {
		a->docs[i].view = inspect_view(&a->arena, &a->docs[i]);
		if (!a->docs[i].view)
			return tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	}
	return TMDK_OK;
}
