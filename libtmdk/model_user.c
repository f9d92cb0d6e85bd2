/*
 * libtmdk — the user each component runs as, decided by the manifest and the
 * Dockerfile together, as the runtime decides it:
 *
 *   Kubernetes, per container: runAsUser (container, else pod) wins; else
 *   runAsNonRoot: true means the kubelet refuses root (runs_as_root false,
 *   uid unknown); else the USER of the Dockerfile stage that builds the
 *   image (no USER: root); else unknown (the image's own USER, not in the set).
 *   Compose: the service's `user`, else the Dockerfile's USER, else unknown.
 *
 * A component runs as root when one of its containers does; it is unknown
 * when none does and one is unknown. user = {runs_as_root, uid, source,
 * run_as_non_root (the manifest enforces it for every container),
 * dockerfile_user (the deciding container's Dockerfile USER, or null)}.
 */
#include "model_system_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct decision {
	int root;                    /* 1, 0, -1 unknown */
	long long uid;               /* -1 unknown */
	const char *source;          /* "manifest", "dockerfile", "default" */
	const tmdk_node *at;
	const char *df_user;         /* the Dockerfile USER text, or NULL */
} decision;

/* "1000", "1000:1000", "root", "app:app": root? uid? */
static void from_user_text(decision *d, const char *text)
{
	char name[128];
	size_t n = strcspn(text, ":");
	char *end;
	long long v;
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, text, n);
	name[n] = '\0';
	v = strtoll(name, &end, 10);
	if (n > 0 && *end == '\0') {
		d->uid = v;
		d->root = v == 0;
	} else {
		d->uid = strcmp(name, "root") == 0 ? 0 : -1;
		d->root = strcmp(name, "root") == 0 || n == 0;
	}
}

/* From the Dockerfile stage building the image: its effective USER, root without one. */
static int from_stage(decision *d, const tmdk_node *stage, const tmdk_node *at)
{
	const tmdk_node *user;
	if (!stage)
		return 0;
	user = tmdk_node_get(stage, "user");
	d->source = "dockerfile";
	d->at = at;
	if (tmdk__sys_text(user)) {
		d->df_user = tmdk__sys_text(user);
		from_user_text(d, d->df_user);
	} else {
		d->root = 1;
		d->uid = 0;
	}
	return 1;
}

static const tmdk_node *first(const tmdk_node *a, const tmdk_node *b)
{
	return a ? a : b;
}

static void container_decision(const tmdk__sys *s, size_t ci, const tmdk_node *ctr, decision *d)
{
	const tmdk__comp *c = &s->comps[ci];
	const tmdk_node *csc = tmdk_node_path(ctr, "spec.securityContext");
	const tmdk_node *psc = tmdk_node_get(c->pod_spec, "securityContext");
	const tmdk_node *uid = first(tmdk_node_get(csc, "runAsUser"), tmdk_node_get(psc, "runAsUser"));
	const tmdk_node *nonroot = first(tmdk_node_get(csc, "runAsNonRoot"), tmdk_node_get(psc, "runAsNonRoot"));
	const tmdk_node *image = tmdk_node_get(ctr, "image");
	long long v;
	memset(d, 0, sizeof(*d));
	d->root = -1;
	d->uid = -1;
	d->source = "default";
	d->at = first(image, ctr);
	if (tmdk_node_as_int(uid, &v) == TMDK_OK) {
		d->root = v == 0;
		d->uid = v;
		d->source = "manifest";
		d->at = uid;
	} else if (tmdk__sys_true(nonroot)) {
		d->root = 0;
		d->source = "manifest";
		d->at = nonroot;
	} else if (tmdk__sys_text(image)) {
		from_stage(d, tmdk__sys_image_stage(s, ci, tmdk__sys_text(image)), d->at);
	}
	/* The Dockerfile's USER is worth showing even when the manifest decides. */
	if (!d->df_user && tmdk__sys_text(image)) {
		const tmdk_node *stage = tmdk__sys_image_stage(s, ci, tmdk__sys_text(image));
		if (stage && tmdk__sys_text(tmdk_node_get(stage, "user")))
			d->df_user = tmdk__sys_text(tmdk_node_get(stage, "user"));
	}
}

/* Root wins, then unknown, then non-root: the component is as weak as its weakest container. */
static int worse(const decision *a, const decision *b)
{
	int ra = a->root == 1 ? 2 : a->root == -1 ? 1 : 0, rb = b->root == 1 ? 2 : b->root == -1 ? 1 : 0;
	return ra > rb;
}

static int workload_user(const tmdk__sys *s, size_t ci, decision *out, int *enforced)
{
	const tmdk__comp *c = &s->comps[ci];
	const tmdk_node *ctrs = tmdk_node_get(c->view, "containers");
	const tmdk_node *pod_nr = tmdk_node_path(c->pod_spec, "securityContext.runAsNonRoot");
	size_t i;
	int have = 0;
	*enforced = tmdk_node_size(ctrs) > 0;
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *ctr = tmdk_node_at(ctrs, i);
		const tmdk_node *nr = tmdk_node_path(ctr, "spec.securityContext.runAsNonRoot");
		decision d;
		if (!tmdk__sys_true(nr ? nr : pod_nr))
			*enforced = 0;
		container_decision(s, ci, ctr, &d);
		if (!have || worse(&d, out))
			*out = d;
		have = 1;
	}
	if (!have) {
		memset(out, 0, sizeof(*out));
		out->root = -1;
		out->uid = -1;
		out->source = "default";
		out->at = c->anchor;
	}
	return TMDK_OK;
}

static void compose_user(const tmdk__sys *s, size_t ci, decision *d)
{
	const tmdk__comp *c = &s->comps[ci];
	const tmdk_node *user = tmdk_node_path(c->service, "spec.user");
	const tmdk_node *image = tmdk_node_get(tmdk_node_at(c->images, 0), "ref");
	const tmdk_node *stage = image ? tmdk__sys_image_stage(s, ci, tmdk__sys_text(image)) : NULL;
	memset(d, 0, sizeof(*d));
	d->root = -1;
	d->uid = -1;
	d->source = "default";
	d->at = c->anchor;
	if (tmdk__sys_text(user)) {
		d->source = "manifest";
		d->at = user;
		from_user_text(d, tmdk__sys_text(user));
		if (stage && tmdk__sys_text(tmdk_node_get(stage, "user")))
			d->df_user = tmdk__sys_text(tmdk_node_get(stage, "user"));
	} else {
		from_stage(d, stage, c->anchor);
	}
}

static int put_user(tmdk__sys *s, tmdk__comp *c, const decision *d, int enforced)
{
	tmdk_node *u = tmdk__sys_map(s, d->at);
	int rc = TMDK_OK;
	if (!u)
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put(s, u, "runs_as_root", d->root < 0 ? tmdk__sys_null(s, d->at) : tmdk__sys_bool(s, d->root, d->at));
	rc |= tmdk__sys_put(s, u, "uid", d->uid < 0 ? tmdk__sys_null(s, d->at) : tmdk__sys_int(s, d->uid, d->at));
	rc |= tmdk__sys_put_str(s, u, "source", d->source, d->at);
	rc |= tmdk__sys_put(s, u, "run_as_non_root", tmdk__sys_bool(s, enforced, d->at));
	rc |= tmdk__sys_put_str(s, u, "dockerfile_user", d->df_user, d->at);
	rc |= tmdk__sys_put(s, c->node, "user", u);
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

int tmdk__sys_users(tmdk__sys *s)
{
	size_t i;
	for (i = 0; i < s->comp_count; i++) {
		decision d;
		int enforced = 0;
		if (s->comps[i].kind == TMDK__COMP_COMPOSE)
			compose_user(s, i, &d);
		else
			workload_user(s, i, &d, &enforced);
		if (put_user(s, &s->comps[i], &d, enforced) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}
