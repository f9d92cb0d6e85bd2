/*
 * libtmdk — the images each component runs and the Dockerfile that builds
 * them, with how the link was made:
 *
 *   "compose build"  a compose service's `build:` (context, dockerfile,
 *                    target) names a Dockerfile of the set by path;
 *   "image tag"      a manifest's `image:` equals the image a compose
 *                    service builds (its `image:`, else compose's default
 *                    `<project>-<service>`), or the same repository with
 *                    another tag.
 *   "skaffold"       a skaffold.yaml of the set (it parses as a Kubernetes
 *                    document: apiVersion skaffold/…, kind Config) lists
 *                    `build.artifacts[]` {image, context, docker.dockerfile}:
 *                    a manifest image equal to one is built by that Dockerfile.
 *
 * Each linked Dockerfile gets the `deployed_as` fact.
 */
#include "model_system_int.h"
#include "array.h"

#include <string.h>
#include <strings.h>

typedef struct built_image {
	const char *ref;             /* the tag compose gives the image */
	size_t df;                   /* the Dockerfile's document */
	const tmdk_node *stage;
	const char *link;            /* how a manifest's image is linked to it */
} built_image;

typedef struct images_ctx {
	tmdk__sys *s;
	built_image *built;
	size_t built_count, built_cap;
} images_ctx;

/* The Dockerfile document whose artifact is named `path` (both compared
 * lexically normal: "a/./b/../Dockerfile" is "a/Dockerfile"), or (size_t)-1. */
static size_t find_dockerfile(tmdk__sys *s, const char *path)
{
	size_t d;
	for (d = 0; d < s->b->doc_count; d++) {
		const tmdk_artifact *a = s->b->docs[d].artifact;
		const char *name;
		if (tmdk_artifact_kind(a) != TMDK_KIND_DOCKERFILE)
			continue;
		name = tmdk_artifact_name(a);
		if (strstr(name, "/.") || strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0)
			name = tmdk__sys_path_join(s, "", name);
		if (name && strcmp(name, path) == 0)
			return d;
	}
	return (size_t)-1;
}

/* The stage that `target` names (case-insensitive, as BuildKit), else the final one. */
static const tmdk_node *pick_stage(const tmdk_node *view, const char *target)
{
	const tmdk_node *stages = tmdk_node_get(view, "stages");
	size_t i, n = tmdk_node_size(stages);
	for (i = 0; target && i < n; i++)
		if (tmdk__sys_text(tmdk_node_get(tmdk_node_at(stages, i), "name")) &&
		    strcasecmp(tmdk__sys_text(tmdk_node_get(tmdk_node_at(stages, i), "name")), target) == 0)
			return tmdk_node_at(stages, i);
	return n ? tmdk_node_at(stages, n - 1) : NULL;
}

static int add_link(tmdk__sys *s, size_t comp, const char *ref, const tmdk_node *stage)
{
	if (TMDK__ARRAY_RESERVE(s->links, s->link_count, s->link_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	s->links[s->link_count].comp = comp;
	s->links[s->link_count].ref = ref;
	s->links[s->link_count].stage = stage;
	s->link_count++;
	return TMDK_OK;
}

static int deployed_as(tmdk__sys *s, size_t df, const tmdk_node *stage, const char *comp_id, const char *comp_name,
	const char *link)
{
	const tmdk_node *at = stage ? stage : s->b->docs[df].view;
	tmdk_node *facts = tmdk__model_facts(s->b, df, at), *list, *e;
	if (!facts)
		return TMDK_ENOMEM;
	list = (tmdk_node *)tmdk_node_get(facts, "deployed_as");
	if (!list && tmdk__sys_put(s, facts, "deployed_as", list = tmdk__sys_seq(s, at)) != TMDK_OK)
		return TMDK_ENOMEM;
	if (!(e = tmdk__sys_map(s, at)) || tmdk__sys_put_str(s, e, "component", comp_id, at) != TMDK_OK ||
	    tmdk__sys_put_str(s, e, "name", comp_name, at) != TMDK_OK ||
	    tmdk__sys_put_str(s, e, "link", link, at) != TMDK_OK)
		return TMDK_ENOMEM;
	return tmdk__node_seq_push(s->b->arena, list, e);
}

/* {ref, dockerfile: {file, stage} | null, link} at `at`. */
static int push_image(tmdk__sys *s, size_t ci, const char *ref, const tmdk_node *at, size_t df,
	const tmdk_node *stage, const char *link)
{
	tmdk__comp *c = &s->comps[ci];
	tmdk_node *img, *dfn = NULL;
	size_t i;
	int rc = TMDK_OK;
	for (i = 0; i < tmdk_node_size(c->images); i++)
		if (tmdk_node_text_equals(tmdk_node_get(tmdk_node_at(c->images, i), "ref"), ref))
			return TMDK_OK;
	if (!(img = tmdk__sys_map(s, at)))
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put_str(s, img, "ref", ref, at);
	if (link) {
		const char *sname = tmdk__sys_text(tmdk_node_get(stage, "name"));
		long long index = 0;
		tmdk_node_as_int(tmdk_node_get(stage, "index"), &index);
		if (!(dfn = tmdk__sys_map(s, at)))
			return TMDK_ENOMEM;
		rc |= tmdk__sys_put_str(s, dfn, "file", tmdk_artifact_name(s->b->docs[df].artifact), at);
		rc |= tmdk__sys_put(s, dfn, "stage", sname ? tmdk__sys_str(s, sname, at) : tmdk__sys_int(s, index, at));
		rc |= add_link(s, ci, ref, stage);
		rc |= deployed_as(s, df, stage, c->id, c->name, link);
	}
	rc |= tmdk__sys_put(s, img, "dockerfile", dfn ? dfn : tmdk__sys_null(s, at));
	rc |= tmdk__sys_put_str(s, img, "link", link, at);
	rc |= tmdk__node_seq_push(s->b->arena, c->images, img);
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

/* A compose service's image: built from a Dockerfile of the set when `build` names one. */
static int compose_images(images_ctx *ic, size_t ci)
{
	tmdk__sys *s = ic->s;
	tmdk__comp *c = &s->comps[ci];
	const tmdk_node *spec = tmdk_node_get(c->service, "spec"), *build = tmdk_node_get(spec, "build");
	const tmdk_node *image = tmdk_node_get(c->service, "image"), *at;
	const tmdk_artifact *art = s->b->docs[c->doc].artifact;
	const char *ref = tmdk__sys_text(image), *context = NULL, *dockerfile = "Dockerfile", *target = NULL;
	const char *dir, *path;
	size_t df;
	if (!build)
		return ref ? push_image(s, ci, ref, image, 0, NULL, NULL) : TMDK_OK;
	if (tmdk__sys_text(build))
		context = tmdk__sys_text(build);
	else {
		context = tmdk__sys_text(tmdk_node_get(build, "context"));
		if (tmdk__sys_text(tmdk_node_get(build, "dockerfile")))
			dockerfile = tmdk__sys_text(tmdk_node_get(build, "dockerfile"));
		target = tmdk__sys_text(tmdk_node_get(build, "target"));
	}
	if (!ref && !(ref = tmdk__arena_printf(s->b->arena, "%s-%s", c->project, c->name)))
		return TMDK_ENOMEM;
	at = image ? image : build;
	/* A relative context is taken from the folder of the file that wrote it. */
	dir = tmdk__sys_dirname(s, tmdk_artifact_name(tmdk_artifact_node_source(art, build)));
	if (!dir || !(path = tmdk__sys_path_join(s, dir, context ? context : ".")) ||
	    !(path = tmdk__sys_path_join(s, path, dockerfile)))
		return TMDK_ENOMEM;
	if (strstr(context ? context : "", "://") || (df = find_dockerfile(s, path)) == (size_t)-1)
		return push_image(s, ci, ref, at, 0, NULL, NULL);
	if (TMDK__ARRAY_RESERVE(ic->built, ic->built_count, ic->built_cap, 8) != TMDK_OK)
		return TMDK_ENOMEM;
	ic->built[ic->built_count].ref = ref;
	ic->built[ic->built_count].df = df;
	ic->built[ic->built_count].stage = pick_stage(s->b->docs[df].view, target);
	ic->built[ic->built_count].link = "image tag";
	ic->built_count++;
	return push_image(s, ci, ref, at, df, ic->built[ic->built_count - 1].stage, "compose build");
}

/* "repo/name:tag@digest" → length of "repo/name" (a registry port's colon kept). */
static size_t repository_len(const char *ref)
{
	const char *at = strchr(ref, '@'), *slash, *colon;
	size_t n = at ? (size_t)(at - ref) : strlen(ref);
	slash = NULL;
	for (colon = ref; colon < ref + n; colon++)
		if (*colon == '/')
			slash = colon;
	colon = memchr(slash ? slash : ref, ':', n - (size_t)((slash ? slash : ref) - ref));
	return colon ? (size_t)(colon - ref) : n;
}

static const built_image *match_built(const images_ctx *ic, const char *ref)
{
	size_t i, n = repository_len(ref);
	for (i = 0; i < ic->built_count; i++)
		if (strcmp(ic->built[i].ref, ref) == 0)
			return &ic->built[i];
	for (i = 0; i < ic->built_count; i++)
		if (repository_len(ic->built[i].ref) == n && strncmp(ic->built[i].ref, ref, n) == 0)
			return &ic->built[i];
	return NULL;
}

static int workload_images(images_ctx *ic, size_t ci)
{
	tmdk__sys *s = ic->s;
	const tmdk_node *ctrs = tmdk_node_get(s->comps[ci].view, "containers");
	size_t i;
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *image = tmdk_node_get(tmdk_node_at(ctrs, i), "image");
		const char *ref = tmdk__sys_text(image);
		const built_image *bi;
		if (!ref)
			continue;
		bi = match_built(ic, ref);
		if (push_image(s, ci, ref, image, bi ? bi->df : 0, bi ? bi->stage : NULL, bi ? bi->link : NULL) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* skaffold.yaml: build.artifacts[] → Dockerfiles of the set. */
static int skaffold_artifacts(images_ctx *ic, size_t d)
{
	tmdk__sys *s = ic->s;
	const tmdk_node *arts = tmdk_node_path(tmdk_document_root(s->b->docs[d].doc), "build.artifacts");
	const char *dir = tmdk__sys_dirname(s, tmdk_artifact_name(s->b->docs[d].artifact));
	size_t i, df;
	for (i = 0; dir && i < tmdk_node_size(arts); i++) {
		const tmdk_node *a = tmdk_node_at(arts, i);
		const char *image = tmdk__sys_text(tmdk_node_get(a, "image"));
		const char *context = tmdk__sys_text(tmdk_node_get(a, "context"));
		const char *dockerfile = tmdk__sys_text(tmdk_node_path(a, "docker.dockerfile"));
		const char *path;
		if (!image)
			continue;
		if (!(path = tmdk__sys_path_join(s, dir, context ? context : ".")) ||
		    !(path = tmdk__sys_path_join(s, path, dockerfile ? dockerfile : "Dockerfile")))
			return TMDK_ENOMEM;
		if ((df = find_dockerfile(s, path)) == (size_t)-1)
			continue;
		if (TMDK__ARRAY_RESERVE(ic->built, ic->built_count, ic->built_cap, 8) != TMDK_OK)
			return TMDK_ENOMEM;
		ic->built[ic->built_count].ref = image;
		ic->built[ic->built_count].df = df;
		ic->built[ic->built_count].stage = pick_stage(s->b->docs[df].view,
			tmdk__sys_text(tmdk_node_path(a, "docker.target")));
		ic->built[ic->built_count].link = "skaffold";
		ic->built_count++;
	}
	return TMDK_OK;
}

static int is_skaffold(const tmdk_node *view)
{
	const char *api = tmdk__sys_text(tmdk_node_get(view, "apiVersion"));
	return api && strncmp(api, "skaffold/", 9) == 0 && tmdk_node_text_equals(tmdk_node_get(view, "kind"), "Config");
}

int tmdk__sys_images(tmdk__sys *s)
{
	images_ctx ic;
	size_t i;
	int rc = TMDK_OK;
	memset(&ic, 0, sizeof(ic));
	ic.s = s;
	/* Compose first: manifests link to the images compose builds. */
	for (i = 0; i < s->comp_count && rc == TMDK_OK; i++)
		if (s->comps[i].kind == TMDK__COMP_COMPOSE)
			rc = compose_images(&ic, i);
	for (i = 0; i < s->b->doc_count && rc == TMDK_OK; i++)
		if (tmdk_artifact_kind(s->b->docs[i].artifact) == TMDK_KIND_KUBERNETES && is_skaffold(s->b->docs[i].view))
			rc = skaffold_artifacts(&ic, i);
	for (i = 0; i < s->comp_count && rc == TMDK_OK; i++)
		if (s->comps[i].kind != TMDK__COMP_COMPOSE)
			rc = workload_images(&ic, i);
	tmdk__free(ic.built);
	return rc;
}
