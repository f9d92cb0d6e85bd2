/*
 * daemon.json and `docker inspect` normalizers: hosts as a string or a
 * list, tls_verified, one document per inspected container, Config.Env,
 * HostConfig.Binds, Mounts, and shapes that are valid JSON but odd.
 */
#include "node_asserts.h"

/* Parse a fixture under tests/fixtures/docker with the given name. */
static tmdk_artifact *load(const char *file, const char *as_name, tmdk_kind want)
{
	char rel[256];
	size_t len = 0;
	char *data;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	snprintf(rel, sizeof(rel), "docker/%s", file);
	data = read_file(fixture(rel), &len);
	cr_assert_not_null(data, "missing fixture %s", rel);
	rc = tmdk_artifact_parse_buffer(&a, as_name, data, len, NULL, &err);
	free(data);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", file, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), want, "%s: kind %s", file, tmdk_kind_name(tmdk_artifact_kind(a)));
	return a;
}

/* ---- daemon.json ---------------------------------------------------- */

Test(docker_json, daemon_hosts_list_and_tls)
{
	tmdk_artifact *a = load("daemon.json", "/etc/docker/daemon.json", TMDK_KIND_DAEMON_JSON);
	const tmdk_node *v = view_of(a, 0), *root = tmdk_document_root(tmdk_artifact_document(a, 0));
	const tmdk_node *hosts = tmdk_node_get(v, "hosts");

	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	cr_assert_eq(tmdk_node_size(hosts), 2);
	expect_text(tmdk_node_at(hosts, 1), "tcp://0.0.0.0:2376", "hosts[1]");
	cr_expect_eq(tmdk_node_at(hosts, 1), tmdk_node_path(root, "hosts[1]"), "hosts items are shared");
	expect_at(tmdk_node_at(hosts, 1), 2, 44, "hosts[1]");
	cr_expect_eq(bool_of(tmdk_node_get(v, "tls_verified")), 1);
	expect_at(tmdk_node_get(v, "tls_verified"), 3, 16, "tls_verified at tlsverify");
	/* every other entry is the source's */
	cr_expect_eq(tmdk_node_get(v, "log-opts"), tmdk_node_get(root, "log-opts"));
	expect_text(tmdk_node_get(v, "userns-remap"), "default", "userns-remap");
	cr_expect_eq(bool_of(tmdk_node_get(v, "icc")), 0);
	/* the raw tree stays as written */
	cr_expect_null(tmdk_node_get(root, "tls_verified"));
	cr_expect_eq(tmdk_node_size(root), 8);
	cr_expect_eq(tmdk_node_size(v), 9);
	tmdk_artifact_free(a);
}

Test(docker_json, daemon_hosts_string)
{
	tmdk_artifact *a = load("daemon-string-host.json", "daemon.json", TMDK_KIND_DAEMON_JSON);
	const tmdk_node *v = view_of(a, 0), *root = tmdk_document_root(tmdk_artifact_document(a, 0));
	const tmdk_node *hosts = tmdk_node_get(v, "hosts");

	cr_assert_eq(tmdk_node_get_type(hosts), TMDK_NODE_SEQUENCE);
	cr_assert_eq(tmdk_node_size(hosts), 1);
	cr_expect_eq(tmdk_node_at(hosts, 0), tmdk_node_get(root, "hosts"));
	expect_text(tmdk_node_at(hosts, 0), "tcp://0.0.0.0:2375", "hosts");
	cr_expect_eq(tmdk_node_get_type(tmdk_node_get(root, "hosts")), TMDK_NODE_SCALAR, "root untouched");
	cr_expect_eq(bool_of(tmdk_node_get(v, "tls_verified")), 0, "no tlsverify: not verified");
	expect_at(tmdk_node_get(v, "tls_verified"), 1, 1, "derived at the root");
	tmdk_artifact_free(a);
}

Test(docker_json, daemon_tls_without_verify)
{
	tmdk_artifact *a = load("daemon-tls-off.json", "daemon.json", TMDK_KIND_DAEMON_JSON);
	const tmdk_node *v = view_of(a, 0);

	cr_expect_eq(bool_of(tmdk_node_get(v, "tls_verified")), 0, "tls without tlsverify");
	expect_at(tmdk_node_get(v, "tls_verified"), 3, 16, "at tlsverify");
	tmdk_artifact_free(a);
}

Test(docker_json, daemon_odd_shapes)
{
	tmdk_artifact *a = parse_as("daemon.json", "{\"hosts\": {\"a\": 1}, \"tlsverify\": \"yes\"}", TMDK_KIND_AUTO);
	const tmdk_node *v = view_of(a, 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "hosts")), 0, "hosts of the wrong type: empty list");
	cr_expect_eq(bool_of(tmdk_node_get(v, "tls_verified")), 0, "a string is not true");
	tmdk_artifact_free(a);

	a = parse_as("daemon.json", "[1, 2]", TMDK_KIND_AUTO);
	cr_expect_eq(tmdk_node_get_type(view_of(a, 0)), TMDK_NODE_MAP);
	cr_expect_eq(tmdk_node_size(view_of(a, 0)), 0);
	tmdk_artifact_free(a);

	a = parse_as("daemon.json", "{}", TMDK_KIND_AUTO);
	cr_expect_null(tmdk_node_get(view_of(a, 0), "hosts"));
	cr_expect_eq(bool_of(tmdk_node_get(view_of(a, 0), "tls_verified")), 0);
	tmdk_artifact_free(a);
}

/* ---- docker inspect ------------------------------------------------ */

Test(docker_json, inspect_one_document_per_container)
{
	tmdk_artifact *a = load("inspect.json", "inspect.json", TMDK_KIND_DOCKER_INSPECT);
	const tmdk_document *d0 = tmdk_artifact_document(a, 0), *d1 = tmdk_artifact_document(a, 1);
	const tmdk_node *v = tmdk_document_view(d0), *root = tmdk_document_root(d0);

	cr_assert_eq(tmdk_artifact_document_count(a), 2);
	cr_expect_eq(tmdk_document_index(d0), 0);
	cr_expect_eq(tmdk_document_item_index(d0), 0);
	cr_expect_eq(tmdk_document_item_index(d1), 1);
	cr_expect_eq(tmdk_document_line(d1), 34);
	expect_text(tmdk_node_get(root, "Name"), "/web", "root is the element");
	expect_text(tmdk_node_get(v, "id"), "4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2", "id");
	expect_text(tmdk_node_get(v, "name"), "/web", "name");
	expect_text(tmdk_node_get(v, "image"), "nginx:latest", "image is Config.Image");
	expect_text(tmdk_node_get(v, "image_id"), "sha256:1a2b3c", "image_id");
	cr_expect_eq(tmdk_node_get(v, "config"), tmdk_node_get(root, "Config"));
	cr_expect_eq(tmdk_node_get(v, "host_config"), tmdk_node_get(root, "HostConfig"));
	cr_expect_eq(tmdk_node_get(v, "mounts"), tmdk_node_get(root, "Mounts"));
	cr_expect_eq(bool_of(tmdk_node_get(v, "privileged")), 1);
	expect_at(tmdk_node_get(v, "privileged"), 18, 21, "privileged");
	expect_text(tmdk_node_get(v, "user"), "", "empty user (root)");
	expect_text(tmdk_node_get(view_of(a, 1), "user"), "postgres", "user");
	tmdk_artifact_free(a);
}

Test(docker_json, inspect_env_and_binds)
{
	tmdk_artifact *a = load("inspect.json", "inspect.json", TMDK_KIND_DOCKER_INSPECT);
	const tmdk_node *v = view_of(a, 0), *env = tmdk_node_get(v, "env"), *binds = tmdk_node_get(v, "binds");

	cr_assert_eq(tmdk_node_size(env), 4);
	expect_text(tmdk_node_path(env, "[1].name"), "DB_PASSWORD", "env name");
	expect_text(tmdk_node_path(env, "[1].value"), "s3cr3t", "env value");
	expect_at(tmdk_node_path(env, "[1].value"), 12, 9, "env value at its string");
	cr_expect_eq(tmdk_node_scalar_type(tmdk_node_path(env, "[2].value")), TMDK_SCALAR_NULL, "FLAG has no value");
	expect_text(tmdk_node_path(env, "[3].value"), "", "EMPTY=");

	cr_assert_eq(tmdk_node_size(binds), 3);
	expect_text(tmdk_node_path(binds, "[0].source"), "/var/run/docker.sock", "bind source");
	expect_text(tmdk_node_path(binds, "[0].target"), "/var/run/docker.sock", "bind target");
	expect_text(tmdk_node_path(binds, "[0].type"), "bind", "bind type");
	cr_expect_eq(bool_of(tmdk_node_path(binds, "[0].read_only")), 0);
	expect_text(tmdk_node_path(binds, "[1].mode"), "ro", "mode");
	cr_expect_eq(bool_of(tmdk_node_path(binds, "[1].read_only")), 1);
	expect_text(tmdk_node_path(binds, "[2].type"), "volume", "named volume bind");
	expect_at(tmdk_node_path(binds, "[1]"), 21, 9, "bind at its string");

	/* null Env / Binds and an empty Mounts: empty lists */
	v = view_of(a, 1);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "env")), 0);
	cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "binds")), 0);
	cr_expect_eq(tmdk_node_get_type(tmdk_node_get(v, "mounts")), TMDK_NODE_SEQUENCE);
	cr_expect_eq(bool_of(tmdk_node_get(v, "privileged")), 0);
	tmdk_artifact_free(a);
}

Test(docker_json, inspect_single_object_when_forced)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	size_t len = 0;
	char *data = read_file(fixture("docker/inspect-single.json"), &len);
	tmdk_artifact *a = NULL;
	tmdk_error err;
	const tmdk_node *v;

	cr_assert_not_null(data);
	o.kind = TMDK_KIND_DOCKER_INSPECT;
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "one.json", data, len, &o, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	cr_expect_eq(tmdk_document_item_index(tmdk_artifact_document(a, 0)), -1);
	v = view_of(a, 0);
	expect_text(tmdk_node_get(v, "name"), "/lonely", "name");
	expect_text(tmdk_node_get(v, "image"), "alpine", "image");
	cr_expect_null(tmdk_node_get(v, "host_config"));
	cr_expect_null(tmdk_node_get(v, "privileged"));
	cr_expect_eq(tmdk_node_size(tmdk_node_get(v, "binds")), 0);
	tmdk_artifact_free(a);
	free(data);
}

Test(docker_json, inspect_odd_elements)
{
	const char *text = "[1, \"x\", {\"Id\": [1], \"Config\": \"nope\", \"HostConfig\": {\"Binds\": \"/a:/b\"}}, []]";
	tmdk_artifact *a = parse_as("i.json", text, TMDK_KIND_DOCKER_INSPECT);
	size_t i;

	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	for (i = 0; i < 4; i++)
		cr_expect_eq(tmdk_node_get_type(view_of(a, i)), TMDK_NODE_MAP, "element %zu has a view", i);
	cr_expect_null(tmdk_node_get(view_of(a, 2), "id"), "a non-scalar Id is left out");
	cr_expect_null(tmdk_node_get(view_of(a, 2), "config"));
	cr_expect_eq(tmdk_node_size(tmdk_node_get(view_of(a, 2), "binds")), 0);
	tmdk_artifact_free(a);

	a = parse_as("i.json", "[]", TMDK_KIND_DOCKER_INSPECT);
	cr_expect_eq(tmdk_artifact_document_count(a), 0, "no containers, no documents");
	tmdk_artifact_free(a);
}

Test(docker_json, inspect_elements_count_against_max_documents)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	const char *text = "[\n  {\"Id\": \"a\", \"Config\": {}},\n  {\"Id\": \"b\", \"Config\": {}},\n  {\"Id\": \"c\", \"Config\": {}}\n]\n";
	tmdk_error err;

	o.max_documents = 2;
	cr_assert_eq(parse_fails("inspect.json", text, strlen(text), &o, &err), TMDK_ELIMIT);
	cr_expect(strstr(err.message, "3 containers") != NULL, "%s", err.message);
	cr_expect(strstr(err.message, "max_documents") != NULL, "%s", err.message);
	cr_expect_eq(err.line, 4, "at the first container past the limit");
	cr_expect_eq(err.column, 3);
}
