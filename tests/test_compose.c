/*
 * The compose normalizer: services, environment (list and map forms),
 * volumes (short and long syntax), ports (short and long syntax), env_file,
 * merge keys, version 1 files, and odd-but-valid shapes.
 */
#include "node_asserts.h"

/* Parse a fixture under tests/fixtures/compose as compose (by its name). */
static tmdk_artifact *load(const char *file)
{
	char rel[256], name[300];
	size_t len = 0;
	char *data;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	snprintf(rel, sizeof(rel), "compose/%s", file);
	snprintf(name, sizeof(name), "docker-compose.%s", file);
	data = read_file(fixture(rel), &len);
	cr_assert_not_null(data, "missing fixture %s", rel);
	rc = tmdk_artifact_parse_buffer(&a, name, data, len, NULL, &err);
	free(data);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", file, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_COMPOSE);
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	return a;
}

/* The service view named `name`. */
static const tmdk_node *service(const tmdk_artifact *a, const char *name)
{
	const tmdk_node *services = tmdk_node_get(view_of(a, 0), "services");
	size_t i;
	for (i = 0; i < tmdk_node_size(services); i++)
		if (tmdk_node_text_equals(tmdk_node_get(tmdk_node_at(services, i), "name"), name))
			return tmdk_node_at(services, i);
	cr_assert_fail("no service %s", name);
	return NULL;
}

/* "name=value" (value "~" for null) of an environment entry. */
static void expect_env(const tmdk_node *e, const char *name, const char *value)
{
	const tmdk_node *v = tmdk_node_get(e, "value");
	expect_text(tmdk_node_get(e, "name"), name, "env name");
	cr_assert_not_null(v, "%s: value key is always present", name);
	if (strcmp(value, "~") == 0)
		cr_expect_eq(tmdk_node_scalar_type(v), TMDK_SCALAR_NULL, "%s: value should be null, is '%s'", name, text_of(v));
	else
		expect_text(v, value, name);
}

Test(compose, environment_list_form)
{
	tmdk_artifact *a = load("environment.yaml");
	const tmdk_node *env = tmdk_node_get(service(a, "listed"), "environment");

	cr_assert_eq(tmdk_node_size(env), 5);
	expect_env(tmdk_node_at(env, 0), "PLAIN", "value");
	expect_env(tmdk_node_at(env, 1), "EMPTY", "");
	expect_env(tmdk_node_at(env, 2), "UNSET", "~");
	expect_env(tmdk_node_at(env, 3), "WITH_EQUALS", "a=b=c");
	expect_env(tmdk_node_at(env, 4), "QUOTED", "has spaces");
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_get(tmdk_node_at(env, 1), "value")), TMDK_SCALAR_STRING);
	/* each entry, and its parts, at the list item */
	expect_at(tmdk_node_at(env, 0), 5, 9, "entry");
	expect_at(tmdk_node_get(tmdk_node_at(env, 3), "value"), 8, 9, "value");
	tmdk_artifact_free(a);
}

Test(compose, environment_map_form)
{
	tmdk_artifact *a = load("environment.yaml");
	const tmdk_node *s = service(a, "mapped");
	const tmdk_node *env = tmdk_node_get(s, "environment");
	const tmdk_node *src = tmdk_node_path(s, "spec.environment");

	cr_assert_eq(tmdk_node_size(env), 4);
	expect_env(tmdk_node_at(env, 0), "DB_PASSWORD", "hunter2");
	expect_env(tmdk_node_at(env, 1), "PORT", "8080");
	expect_env(tmdk_node_at(env, 2), "UNSET", "~");
	expect_env(tmdk_node_at(env, 3), "EMPTY", "");
	/* name and value are the source key and value nodes */
	cr_expect_eq(tmdk_node_get(tmdk_node_at(env, 0), "name"), tmdk_node_key_at(src, 0));
	cr_expect_eq(tmdk_node_get(tmdk_node_at(env, 0), "value"), tmdk_node_at(src, 0));
	expect_at(tmdk_node_at(env, 0), 13, 7, "entry at its key");
	expect_at(tmdk_node_get(tmdk_node_at(env, 0), "value"), 13, 20, "value at the value");
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_get(tmdk_node_at(env, 1), "value")), TMDK_SCALAR_INT);
	tmdk_artifact_free(a);
}

Test(compose, service_identity_and_build_only)
{
	tmdk_artifact *a = load("environment.yaml");
	const tmdk_node *v = view_of(a, 0), *none = service(a, "none"), *listed = service(a, "listed");

	cr_expect_eq(bool_of(tmdk_node_get(v, "legacy")), 0);
	cr_expect_null(tmdk_node_get(v, "version"));
	cr_assert_eq(tmdk_node_size(tmdk_node_get(v, "services")), 3);
	expect_at(listed, 2, 3, "service at its name");
	cr_expect_eq(tmdk_node_get(listed, "spec"),
		tmdk_node_path(tmdk_document_root(tmdk_artifact_document(a, 0)), "services.listed"));
	expect_text(tmdk_node_get(listed, "image"), "app:1", "image");
	cr_expect_null(tmdk_node_get(none, "image"), "build-only service has no image");
	expect_text(tmdk_node_path(none, "spec.build"), ".", "build");
	cr_expect_eq(tmdk_node_get_type(tmdk_node_get(none, "environment")), TMDK_NODE_SEQUENCE);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(none, "environment")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(none, "volumes")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(none, "ports")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(none, "env_file")), 0);
	tmdk_artifact_free(a);
}

/* type|source|target|read_only|mode of a volume entry ("-" for absent). */
static void expect_volume(const tmdk_node *v, const char *want)
{
	char got[512];
	const tmdk_node *src = tmdk_node_get(v, "source"), *mode = tmdk_node_get(v, "mode");
	snprintf(got, sizeof(got), "%s|%s|%s|%s|%s", text_of(tmdk_node_get(v, "type")),
		src ? text_of(src) : "-", text_of(tmdk_node_get(v, "target")),
		bool_of(tmdk_node_get(v, "read_only")) ? "ro" : "rw", mode ? text_of(mode) : "-");
	cr_expect_str_eq(got, want);
	cr_expect_not_null(tmdk_node_get(v, "raw"));
}

Test(compose, volumes_short_and_long)
{
	tmdk_artifact *a = load("volumes.yaml");
	const tmdk_node *s = service(a, "app");
	const tmdk_node *vols = tmdk_node_get(s, "volumes"), *src = tmdk_node_path(s, "spec.volumes");
	static const char *const want[] = {
		"bind|/var/run/docker.sock|/var/run/docker.sock|rw|-",
		"bind|./config|/etc/app|ro|ro",
		"bind|~/cache|/cache|rw|rw",
		"bind|${HOME}/data|/data|ro|ro,z",
		"volume|named|/var/lib/app|rw|-",
		"volume|-|/anonymous|rw|-",
		"bind|C:\\Users\\me|/win|rw|-",
		"npipe|\\\\.\\pipe\\docker_engine|\\\\.\\pipe\\docker_engine|rw|-",
		"bind|/etc|/host-etc|ro|-",
		"volume|logs|/logs|rw|-",
		"tmpfs|-|/tmp|rw|-",
		"bind|/srv|/srv|rw|-",
	};
	size_t i;

	cr_assert_eq(tmdk_node_size(vols), 12);
	for (i = 0; i < 12; i++) {
		expect_volume(tmdk_node_at(vols, i), want[i]);
		cr_expect_eq(tmdk_node_get(tmdk_node_at(vols, i), "raw"), tmdk_node_at(src, i), "raw is the source item");
		expect_at(tmdk_node_at(vols, i), tmdk_node_line(tmdk_node_at(src, i)), 9, "volume entry");
	}
	/* long syntax: the fields are the source nodes */
	cr_expect_eq(tmdk_node_get(tmdk_node_at(vols, 8), "read_only"), tmdk_node_path(src, "[8].read_only"));
	expect_at(tmdk_node_get(tmdk_node_at(vols, 8), "source"), 14, 17, "long source");
	/* short syntax: derived facts at the item */
	expect_at(tmdk_node_get(tmdk_node_at(vols, 1), "read_only"), 6, 9, "short read_only");
	cr_expect_not_null(tmdk_node_get(view_of(a, 0), "volumes"), "top-level volumes are shared");
	tmdk_artifact_free(a);
}

/* host_ip|published|target|protocol ("-" for absent). */
static void expect_port(const tmdk_node *p, const char *want)
{
	char got[256];
	const char *k[] = { "host_ip", "published", "target", "protocol" };
	size_t i, n = 0;
	got[0] = '\0';
	for (i = 0; i < 4; i++) {
		const tmdk_node *f = tmdk_node_get(p, k[i]);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : "", f ? text_of(f) : "-");
	}
	cr_expect_str_eq(got, want);
}

Test(compose, ports_short_and_long)
{
	tmdk_artifact *a = load("ports.yaml");
	const tmdk_node *ports = tmdk_node_get(service(a, "web"), "ports");
	static const char *const want[] = {
		"-|-|80|-",
		"-|8080|80|-",
		"127.0.0.1|8443|443|tcp",
		"127.0.0.1|-|53|udp",
		"-|9090-9091|8080-8081|-",
		"::1|6000|6000|-",
		"-|-|3000|-",
		"0.0.0.0|8000|80|tcp",
	};
	size_t i;

	cr_assert_eq(tmdk_node_size(ports), 8);
	for (i = 0; i < 8; i++)
		expect_port(tmdk_node_at(ports, i), want[i]);
	/* single ports are ints, ranges strings; long syntax keeps the source nodes */
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_path(ports, "[1].published")), TMDK_SCALAR_INT);
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_path(ports, "[4].published")), TMDK_SCALAR_STRING);
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_path(ports, "[7].published")), TMDK_SCALAR_STRING, "quoted in the file");
	expect_at(tmdk_node_path(ports, "[7].target"), 12, 17, "long target");
	expect_at(tmdk_node_path(ports, "[2].host_ip"), 7, 9, "short host_ip at the item");
	expect_text(tmdk_node_path(ports, "[2].raw"), "127.0.0.1:8443:443/tcp", "raw");
	tmdk_artifact_free(a);
}

Test(compose, merge_keys_resolved)
{
	tmdk_artifact *a = load("merge.yaml");
	const tmdk_node *v = view_of(a, 0), *api = service(a, "api"), *worker = service(a, "worker");

	expect_text(tmdk_node_get(v, "version"), "3.8", "version");
	cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "services")), 2, "x- extensions are no services");
	expect_text(tmdk_node_get(api, "image"), "base:1", "merged image");
	expect_text(tmdk_node_get(worker, "image"), "worker:2", "overridden image");
	expect_env(tmdk_node_path(worker, "environment[0]"), "LOG_LEVEL", "debug");
	expect_text(tmdk_node_path(api, "volumes[0].source"), "/var/run/docker.sock", "merged volume");
	cr_expect_eq(bool_of(tmdk_node_path(api, "volumes[0].read_only")), 1);
	/* a merged value points into the anchor: positions are the anchor's */
	expect_at(tmdk_node_get(api, "image"), 3, 10, "merged image position");
	expect_text(tmdk_node_path(api, "ports[0].published"), "8080", "own ports");
	cr_expect_not_null(tmdk_node_path(v, "networks.front"));
	expect_text(tmdk_node_path(v, "secrets.token.file"), "./token.txt", "secrets");
	expect_text(tmdk_node_path(v, "configs.app.file"), "./app.conf", "configs");
	tmdk_artifact_free(a);
}

Test(compose, version_1_file)
{
	tmdk_artifact *a = load("legacy-v1.yml");
	const tmdk_node *v = view_of(a, 0);

	cr_expect_eq(bool_of(tmdk_node_get(v, "legacy")), 1);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(v, "services")), 2);
	expect_text(tmdk_node_get(service(a, "web"), "image"), "nginx", "web image");
	expect_text(tmdk_node_path(service(a, "web"), "ports[0].target"), "80", "web port");
	expect_env(tmdk_node_path(service(a, "db"), "environment[0]"), "MYSQL_ROOT_PASSWORD", "root");
	expect_at(service(a, "db"), 7, 1, "service at its name");
	tmdk_artifact_free(a);
}

Test(compose, env_file_forms)
{
	tmdk_artifact *a = load("env-file.yaml");
	const tmdk_node *one = tmdk_node_get(service(a, "one"), "env_file");
	const tmdk_node *two = tmdk_node_get(service(a, "two"), "env_file");

	cr_assert_eq(tmdk_node_size(one), 1);
	expect_text(tmdk_node_at(one, 0), ".env", "string form");
	cr_assert_eq(tmdk_node_size(two), 2);
	expect_text(tmdk_node_at(two, 0), "common.env", "list form");
	expect_text(tmdk_node_at(two, 1), "./override.env", "long form path");
	expect_at(tmdk_node_at(two, 1), 9, 15, "path node");
	expect_text(tmdk_node_path(service(a, "three"), "env_file[0]"), "42", "a number is a file name too");
	tmdk_artifact_free(a);
}

Test(compose, odd_shapes_are_ignored_not_fatal)
{
	tmdk_artifact *a = load("odd-shapes.yaml");
	const tmdk_node *empty = service(a, "empty"), *scalars = service(a, "scalar-volumes");
	const tmdk_node *odd = service(a, "odd-items");

	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_get(empty, "spec")), TMDK_SCALAR_NULL);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(empty, "volumes")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(scalars, "volumes")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(scalars, "ports")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(scalars, "environment")), 0);
	cr_expect_null(tmdk_node_get(odd, "image"));
	cr_expect_eq(tmdk_node_size(tmdk_node_get(odd, "environment")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(odd, "ports")), 0);
	cr_assert_eq(tmdk_node_size(tmdk_node_get(odd, "volumes")), 1, "a scalar volume is read as a spec");
	expect_text(tmdk_node_path(odd, "volumes[0].target"), "42", "scalar volume");
	tmdk_artifact_free(a);
}

Test(compose, forced_kind_on_other_shapes)
{
	static const char *const inputs[] = { "- a\n- b\n", "plain scalar\n", "services: [a, b]\n",
		"services:\n  web: 3\n  ok: {image: x}\n", "version: '2'\n", "{}\n" };
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		tmdk_artifact *a = parse_as("c.yaml", inputs[i], TMDK_KIND_COMPOSE);
		const tmdk_node *v = view_of(a, 0);
		cr_expect_eq(tmdk_node_get_type(v), TMDK_NODE_MAP, "input %zu has a view", i);
		cr_expect_eq(tmdk_node_get_type(tmdk_node_get(v, "services")), TMDK_NODE_SEQUENCE);
		if (i == 3)
			cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "services")), 1, "a scalar service is skipped");
		tmdk_artifact_free(a);
	}
}

Test(compose, short_syntax_edge_cases)
{
	const char *text =
		"services:\n"
		"  s:\n"
		"    image: x\n"
		"    volumes:\n"
		"      - ''\n"
		"      - ':'\n"
		"      - 'ab:cd:ef:gh'\n"
		"      - 'vol:/data:Z,ro'\n"
		"      - 'v:/data'\n"
		"      - '/x:/y:rro'\n"
		"    ports:\n"
		"      - ':'\n"
		"      - '80/'\n"
		"      - '::1:80:80'\n"
		"      - '[::1]::80/sctp'\n";
	tmdk_artifact *a = parse_as("compose.yaml", text, TMDK_KIND_AUTO);
	const tmdk_node *s = service(a, "s");
	const tmdk_node *vols = tmdk_node_get(s, "volumes"), *ports = tmdk_node_get(s, "ports");

	/* '' is no text: skipped */
	cr_assert_eq(tmdk_node_size(vols), 5);
	expect_volume(tmdk_node_at(vols, 0), "volume|||rw|-");
	expect_volume(tmdk_node_at(vols, 1), "volume|ab|cd|rw|ef:gh");
	expect_volume(tmdk_node_at(vols, 2), "volume|vol|/data|ro|Z,ro");
	/* a colon after one letter is a Windows drive, as in compose-go */
	expect_volume(tmdk_node_at(vols, 3), "volume|-|v:/data|rw|-");
	expect_volume(tmdk_node_at(vols, 4), "bind|/x|/y|rw|rro");
	cr_assert_eq(tmdk_node_size(ports), 4);
	expect_port(tmdk_node_at(ports, 0), "-|-|-|-");
	expect_port(tmdk_node_at(ports, 1), "-|-|80|-");
	expect_port(tmdk_node_at(ports, 2), "::1|80|80|-");
	expect_port(tmdk_node_at(ports, 3), "::1|-|80|sctp");
	tmdk_artifact_free(a);
}

/* ${VAR:-default} interpolations keep their colons inside one field. */
Test(compose, interpolated_volume_sources_are_one_field)
{
	tmdk_artifact *a = parse_as("compose.yaml",
		"services:\n  agent:\n    image: x\n    volumes:\n"
		"      - ${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro\n", TMDK_KIND_AUTO);
	const tmdk_node *v = tmdk_node_path(view_of(a, 0), "services[0].volumes[0]");
	cr_assert(tmdk_node_text_equals(tmdk_node_get(v, "source"), "${DOCKER_SOCK:-/var/run/docker.sock}"));
	cr_assert(tmdk_node_text_equals(tmdk_node_get(v, "target"), "/var/run/docker.sock"));
	cr_assert(tmdk_node_text_equals(tmdk_node_get(v, "mode"), "ro"));
	tmdk_artifact_free(a);
}
