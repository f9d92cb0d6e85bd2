/*
 * Naming what a finding concerns ("Deployment prod/web, container app",
 * "stage 1 (node:latest)", "service agent"), from the normalized view and
 * the scopes the match went through.
 */
#include "scan_int.h"

#include <stdio.h>
#include <string.h>

static const char *text(const tmdk_node *n, const char *key)
{
	return tmdk_node_text(tmdk_node_get(n, key), NULL);
}

/* The innermost scope that is a map carrying `key`. */
static const tmdk_node *scope_with(const tmdk__scope *scopes, int depth, const char *key, const char *key2)
{
	int d;
	for (d = depth; d >= 1; d--)
		if (tmdk_node_get(scopes[d].node, key) && (!key2 || tmdk_node_get(scopes[d].node, key2)))
			return scopes[d].node;
	return NULL;
}

static char *describe_kubernetes(const tmdk_node *view, const tmdk__scope *scopes, int depth)
{
	const char *kind = text(view, "kind"), *ns = text(view, "namespace"), *name = text(view, "name");
	const tmdk_node *container = scope_with(scopes, depth, "list", "spec");
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s %s%s%s", kind ? kind : "object", ns ? ns : "", ns ? "/" : "",
		name ? name : "(unnamed)");
	if (container && n > 0 && (size_t)n < sizeof(buf)) {
		const char *list = text(container, "list");
		snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s %s",
			list && !strcmp(list, "initContainers") ? "init container" :
			list && !strcmp(list, "ephemeralContainers") ? "ephemeral container" : "container",
			text(container, "name") ? text(container, "name") : "(unnamed)");
	}
	return tmdk__strdup(buf);
}

static char *describe_dockerfile(const tmdk_node *view, const tmdk__scope *scopes, int depth)
{
	const tmdk_node *stage = scope_with(scopes, depth, "from", "index");
	const tmdk_node *insn = scope_with(scopes, depth, "keyword", NULL);
	char buf[512];
	long long idx = -1;

	if (!stage && insn && tmdk_node_as_int(tmdk_node_get(insn, "stage"), &idx) == TMDK_OK && idx >= 0)
		stage = tmdk_node_at(tmdk_node_get(view, "stages"), (size_t)idx);
	if (!stage)
		return tmdk__strdup("Dockerfile");
	tmdk_node_as_int(tmdk_node_get(stage, "index"), &idx);
	snprintf(buf, sizeof(buf), "stage %lld%s%s%s (FROM %s)", idx, text(stage, "name") ? " \"" : "",
		text(stage, "name") ? text(stage, "name") : "", text(stage, "name") ? "\"" : "",
		tmdk_node_text(tmdk_node_path(stage, "from.raw"), NULL) ? tmdk_node_text(tmdk_node_path(stage, "from.raw"), NULL) : "?");
	return tmdk__strdup(buf);
}

static char *describe_compose(const tmdk__scope *scopes, int depth)
{
	const tmdk_node *service = scope_with(scopes, depth, "name", "spec");
	char buf[512];
	if (!service || !text(service, "name"))
		return tmdk__strdup("compose file");
	snprintf(buf, sizeof(buf), "service %s", text(service, "name"));
	return tmdk__strdup(buf);
}

static char *describe_inspect(const tmdk_node *view)
{
	const char *name = text(view, "name"), *id = text(view, "id");
	char buf[512];
	snprintf(buf, sizeof(buf), "container %s", name ? name : id ? id : "(unnamed)");
	return tmdk__strdup(buf);
}

char *tmdk__describe_object(tmdk_kind kind, const tmdk_node *view, const tmdk__scope *scopes, int depth)
{
	switch (kind) {
	case TMDK_KIND_KUBERNETES: return describe_kubernetes(view, scopes, depth);
	case TMDK_KIND_DOCKERFILE: return describe_dockerfile(view, scopes, depth);
	case TMDK_KIND_COMPOSE: return describe_compose(scopes, depth);
	case TMDK_KIND_DOCKER_INSPECT: return describe_inspect(view);
	case TMDK_KIND_DAEMON_JSON: return tmdk__strdup("Docker daemon configuration");
	default: return tmdk__strdup("artifact");
	}
}
