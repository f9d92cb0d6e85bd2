/*
 * Kind detection: from the file name first (Docker's own naming
 * conventions), then from the loaded YAML/JSON content. Content rules are
 * deliberately conservative: a file we do not recognise is skipped, which is
 * better than reporting compose findings on a Helm values file.
 */
#include "normalize.h"

#include <string.h>

/* ---- by name -------------------------------------------------------- */

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int has_suffix_nocase(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix), i;
	if (n < m)
		return 0;
	for (i = 0; i < m; i++) {
		char c = s[n - m + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return 0;
	}
	return 1;
}

static const char *basename_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *bslash = strrchr(name, '\\');
	if (bslash && (!slash || bslash > slash))
		slash = bslash;
	return slash ? slash + 1 : name;
}

static int is_dockerfile_name(const char *base)
{
	static const char *const exact[] = { "Dockerfile", "dockerfile", "Containerfile", NULL };
	static const char *const prefixes[] = { "Dockerfile.", "dockerfile.", "Containerfile.", NULL };
	static const char *const suffixes[] = { ".Dockerfile", ".dockerfile", ".containerfile", ".Containerfile", NULL };
	size_t i;

	/* Per-Dockerfile ignore files (Dockerfile.dockerignore) are not Dockerfiles. */
	if (has_suffix(base, ".dockerignore"))
		return 0;
	for (i = 0; exact[i]; i++)
		if (strcmp(base, exact[i]) == 0)
			return 1;
	for (i = 0; prefixes[i]; i++)
		if (has_prefix(base, prefixes[i]) && base[strlen(prefixes[i])])
			return 1;
	for (i = 0; suffixes[i]; i++)
		if (has_suffix(base, suffixes[i]) && strlen(base) > strlen(suffixes[i]))
			return 1;
	return 0;
}

static int is_yaml_ext(const char *base)
{
	return has_suffix(base, ".yaml") || has_suffix(base, ".yml");
}

static int is_compose_name(const char *base)
{
	if (!is_yaml_ext(base))
		return 0;
	return strcmp(base, "compose.yaml") == 0 || strcmp(base, "compose.yml") == 0 ||
		has_prefix(base, "docker-compose") || has_prefix(base, "compose.");
}

tmdk_kind tmdk__kind_from_name(const char *name, int *yaml_like)
{
	const char *base;

	*yaml_like = 0;
	if (!name || !*name)
		return TMDK_KIND_UNKNOWN;
	base = basename_of(name);
	if (is_dockerfile_name(base))
		return TMDK_KIND_DOCKERFILE;
	if (is_compose_name(base))
		return TMDK_KIND_COMPOSE;
	if (strcmp(base, "daemon.json") == 0)
		return TMDK_KIND_DAEMON_JSON;
	if (has_suffix_nocase(base, ".yaml") || has_suffix_nocase(base, ".yml") ||
	    has_suffix_nocase(base, ".json"))
		*yaml_like = 1;
	return TMDK_KIND_UNKNOWN;
}

/* ---- Dockerfile sniffing -------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int keyword_is(const char *p, size_t avail, const char *kw)
{
	size_t n = strlen(kw), i;
	if (avail <= n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = p[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != kw[i])
			return 0;
	}
	return p[n] == ' ' || p[n] == '\t';
}

int tmdk__looks_like_dockerfile(const char *data, size_t len)
{
	size_t i = 0;

	if (!data)
		return 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		while (i < len && is_blank(data[i]))
			i++;
		if (i < len && data[i] == '\n') {
			i++;
			continue;
		}
		if (i < len && data[i] == '#') {
			/* comment or parser directive: skip the line */
			while (i < len && data[i] != '\n')
				i++;
			continue;
		}
		if (i >= len)
			return 0;
		return keyword_is(data + i, len - i, "FROM") || keyword_is(data + i, len - i, "ARG");
	}
	return 0;
}

/* ---- by content ----------------------------------------------------- */

static int has_text(const tmdk_node *map, const char *key)
{
	return tmdk__is_text(tmdk__get(map, key));
}

static int is_kubernetes_object(const tmdk_node *root)
{
	return tmdk__is_map(root) && has_text(root, "apiVersion") && has_text(root, "kind");
}

static int is_inspect_object(const tmdk_node *n)
{
	return tmdk__is_map(n) && tmdk__get(n, "Id") &&
		(tmdk__get(n, "Config") || tmdk__get(n, "HostConfig"));
}

static int is_inspect_array(const tmdk_node *root)
{
	size_t i;
	if (!tmdk__is_seq(root) || root->u.seq.count == 0)
		return 0;
	for (i = 0; i < root->u.seq.count; i++)
		if (!is_inspect_object(root->u.seq.items[i]))
			return 0;
	return 1;
}

static int key_in(const tmdk_node *key, const char *const *words)
{
	for (; *words; words++)
		if (tmdk_node_text_equals(key, *words))
			return 1;
	return 0;
}

/* Top-level keys the compose specification allows (plus x- extensions). */
static int is_compose_top_key(const tmdk_node *key)
{
	static const char *const keys[] = { "version", "name", "services", "networks", "volumes",
		"secrets", "configs", "include", "models", NULL };
	return tmdk__is_scalar(key) && (key_in(key, keys) ||
		(key->u.scalar.len > 2 && memcmp(key->u.scalar.text, "x-", 2) == 0));
}

/* `services:` is a map of service maps and nothing else sits beside it. */
static int is_compose_spec(const tmdk_node *root)
{
	const tmdk_node *services = tmdk__get(root, "services");
	size_t i;

	if (!tmdk__is_map(services) || tmdk__get(root, "apiVersion"))
		return 0;
	for (i = 0; i < root->u.map.count; i++)
		if (!is_compose_top_key(root->u.map.keys[i]))
			return 0;
	for (i = 0; i < services->u.map.count; i++) {
		const tmdk_node *s = services->u.map.values[i];
		if (!tmdk__is_map(s) && !tmdk__is_empty_root(s))
			return 0;
	}
	return 1;
}

/* Keys of a version 1 compose service; anything else means "not compose". */
static int is_legacy_service_key(const tmdk_node *key)
{
	static const char *const keys[] = { "build", "dockerfile", "image", "command", "entrypoint",
		"cap_add", "cap_drop", "cgroup_parent", "container_name", "cpu_shares", "cpu_quota",
		"cpuset", "devices", "dns", "dns_search", "domainname", "env_file", "environment",
		"expose", "extends", "external_links", "extra_hosts", "hostname", "ipc", "labels",
		"links", "log_driver", "log_opt", "mac_address", "mem_limit", "memswap_limit", "net",
		"pid", "ports", "privileged", "read_only", "restart", "security_opt", "shm_size",
		"stdin_open", "stop_signal", "tty", "ulimits", "user", "volume_driver", "volumes",
		"volumes_from", "working_dir", "healthcheck", "logging", "networks", "depends_on",
		NULL };
	return key_in(key, keys);
}

/* A legacy service: scalar image, or a build context, and only compose keys. */
static int is_legacy_service(const tmdk_node *s)
{
	const tmdk_node *image, *build;
	size_t i;

	if (!tmdk__is_map(s))
		return 0;
	image = tmdk__get(s, "image");
	build = tmdk__get(s, "build");
	if (!tmdk__is_text(image) && !tmdk__is_text(build) && !tmdk__is_map(build))
		return 0;
	if (image && !tmdk__is_scalar(image))
		return 0;
	for (i = 0; i < s->u.map.count; i++)
		if (!is_legacy_service_key(s->u.map.keys[i]))
			return 0;
	return 1;
}

/* Version 1 compose: every top-level entry is a service (no `services:`). */
static int is_compose_legacy(const tmdk_node *root)
{
	size_t i;
	if (!tmdk__is_map(root) || root->u.map.count == 0 || tmdk__get(root, "services"))
		return 0;
	for (i = 0; i < root->u.map.count; i++)
		if (!tmdk__is_scalar(root->u.map.keys[i]) || !is_legacy_service(root->u.map.values[i]))
			return 0;
	return 1;
}

/* Count the daemon.json keys of a map (dockerd's documented options). */
static size_t daemon_key_count(const tmdk_node *root)
{
	static const char *const keys[] = { "hosts", "log-driver", "log-opts", "log-level",
		"userns-remap", "insecure-registries", "live-restore", "icc", "storage-driver",
		"storage-opts", "data-root", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey",
		"default-ulimits", "registry-mirrors", "exec-opts", "no-new-privileges", "iptables",
		"ip-forward", "userland-proxy", "experimental", "debug", "features", "builder",
		"default-address-pools", "bip", "dns", "selinux-enabled", "seccomp-profile",
		"authorization-plugins", "cgroup-parent", "default-runtime", "runtimes",
		"max-concurrent-downloads", "max-concurrent-uploads", "metrics-addr", "mtu",
		"containerd", "group", "ipv6", "fixed-cidr", "fixed-cidr-v6", "default-cgroupns-mode",
		"allow-nondistributable-artifacts", "shutdown-timeout", "userland-proxy-path", NULL };
	size_t i, n = 0;
	for (i = 0; i < root->u.map.count; i++)
		n += (size_t)key_in(root->u.map.keys[i], keys);
	return n;
}

/* daemon.json is JSON: the text is an object, not YAML that happens to match. */
static int text_is_json_object(const tmdk_artifact *a)
{
	size_t i = 0;
	if (a->text_len >= 3 && memcmp(a->text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < a->text_len && (is_blank(a->text[i]) || a->text[i] == '\n'))
		i++;
	return i < a->text_len && a->text[i] == '{';
}

static int is_daemon_json(const tmdk_artifact *a, const tmdk_node *root)
{
	return tmdk__is_map(root) && !tmdk__get(root, "apiVersion") &&
		daemon_key_count(root) >= 2 && text_is_json_object(a);
}

/* The only non-empty document, or NULL when there are none or several. */
static const tmdk_node *single_root(const tmdk_artifact *a)
{
	const tmdk_node *found = NULL;
	size_t i;
	for (i = 0; i < a->doc_count; i++) {
		if (tmdk__is_empty_root(a->docs[i].root))
			continue;
		if (found)
			return NULL;
		found = a->docs[i].root;
	}
	return found;
}

static int all_kubernetes(const tmdk_artifact *a)
{
	size_t i, seen = 0;
	for (i = 0; i < a->doc_count; i++) {
		if (tmdk__is_empty_root(a->docs[i].root))
			continue;
		if (!is_kubernetes_object(a->docs[i].root))
			return 0;
		seen++;
	}
	return seen > 0;
}

tmdk_kind tmdk__kind_from_documents(const tmdk_artifact *a)
{
	const tmdk_node *root;

	if (!a)
		return TMDK_KIND_UNKNOWN;
	if (all_kubernetes(a))
		return TMDK_KIND_KUBERNETES;
	root = single_root(a);
	if (!root)
		return TMDK_KIND_UNKNOWN;
	if (is_inspect_array(root))
		return TMDK_KIND_DOCKER_INSPECT;
	if (is_compose_spec(root) || is_compose_legacy(root))
		return TMDK_KIND_COMPOSE;
	if (is_daemon_json(a, root))
		return TMDK_KIND_DAEMON_JSON;
	return TMDK_KIND_UNKNOWN;
}
