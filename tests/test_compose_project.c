/*
 * Compose projects: tests/fixtures/compose-merge/<rule>/ hold a project
 * (compose.yaml and its overrides) for each merge rule and expected.yaml,
 * the merged model; errors/ hold broken projects. The merged raw document
 * must equal expected.yaml (maps compared without order, tags ignored), and
 * every value must keep the file and position that set it.
 */
#include "catalog_helpers.h"

#include <unistd.h>

#define DIR "compose-merge/"

/* Structural equality of two raw trees: 1 or 0 (with a message). */
static int same_tree(const tmdk_node *a, const tmdk_node *b, char *why, size_t size)
{
	size_t i, alen, blen;
	const char *at, *bt;
	if (tmdk_node_get_type(a) != tmdk_node_get_type(b)) {
		snprintf(why, size, "type %d vs %d at line %u / %u", tmdk_node_get_type(a), tmdk_node_get_type(b),
			tmdk_node_line(a), tmdk_node_line(b));
		return 0;
	}
	switch (tmdk_node_get_type(a)) {
	case TMDK_NODE_SCALAR:
		at = tmdk_node_text(a, &alen);
		bt = tmdk_node_text(b, &blen);
		if (tmdk_node_scalar_type(a) == TMDK_SCALAR_NULL && tmdk_node_scalar_type(b) == TMDK_SCALAR_NULL)
			return 1;
		if (alen != blen || memcmp(at, bt, alen)) {
			snprintf(why, size, "`%.*s` vs `%.*s` at line %u / %u", (int)alen, at, (int)blen, bt,
				tmdk_node_line(a), tmdk_node_line(b));
			return 0;
		}
		return 1;
	case TMDK_NODE_SEQUENCE:
		if (tmdk_node_size(a) != tmdk_node_size(b)) {
			snprintf(why, size, "%zu vs %zu items at line %u / %u", tmdk_node_size(a), tmdk_node_size(b),
				tmdk_node_line(a), tmdk_node_line(b));
			return 0;
		}
		for (i = 0; i < tmdk_node_size(a); i++)
			if (!same_tree(tmdk_node_at(a, i), tmdk_node_at(b, i), why, size))
				return 0;
		return 1;
	case TMDK_NODE_MAP:
		if (tmdk_node_size(a) != tmdk_node_size(b)) {
			snprintf(why, size, "%zu vs %zu keys at line %u / %u", tmdk_node_size(a), tmdk_node_size(b),
				tmdk_node_line(a), tmdk_node_line(b));
			return 0;
		}
		for (i = 0; i < tmdk_node_size(a); i++) {
			const char *k = tmdk_node_text(tmdk_node_key_at(a, i), &alen);
			const tmdk_node *other = tmdk_node_getn(b, k, alen);
			if (!other) {
				snprintf(why, size, "key `%.*s` (line %u) not expected", (int)alen, k, tmdk_node_line(a));
				return 0;
			}
			if (!same_tree(tmdk_node_at(a, i), other, why, size))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

static tmdk_artifact *load(const char *rel, const char *const *overrides, size_t count)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;
	o.override_files = overrides;
	o.override_count = count;
	rc = tmdk_compose_project_load(&a, fixture(rel), &o, &err);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", rel, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_COMPOSE);
	cr_assert_eq(tmdk_artifact_document_count(a), 1);
	return a;
}

static void check_rule(const char *dir, const char *main, const char *const *overrides, size_t count)
{
	char rel[512], why[512] = "";
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a, *want = NULL;
	tmdk_error err;

	snprintf(rel, sizeof(rel), DIR "%s/%s", dir, main);
	a = load(rel, overrides, count);
	snprintf(rel, sizeof(rel), DIR "%s/expected.yaml", dir);
	po.kind = TMDK_KIND_COMPOSE;
	cr_assert_eq(tmdk_artifact_parse_file(&want, fixture(rel), &po, &err), TMDK_OK, "%s", err.message);
	cr_assert(same_tree(tmdk_document_root(tmdk_artifact_document(a, 0)),
		tmdk_document_root(tmdk_artifact_document(want, 0)), why, sizeof(why)), "%s: %s", dir, why);
	tmdk_artifact_free(want);
	tmdk_artifact_free(a);
}

Test(compose_project, mappings_merge_and_scalars_override) { check_rule("mapping", "compose.yaml", NULL, 0); }
Test(compose_project, scalar_sequences_append_unique) { check_rule("sequences", "compose.yaml", NULL, 0); }
Test(compose_project, commands_are_replaced) { check_rule("commands", "compose.yaml", NULL, 0); }
Test(compose_project, ports_merge_by_ip_published_target_protocol) { check_rule("ports", "compose.yaml", NULL, 0); }
Test(compose_project, volumes_merge_by_target) { check_rule("volumes", "compose.yaml", NULL, 0); }
Test(compose_project, secrets_and_configs_merge_by_target) { check_rule("secrets", "compose.yaml", NULL, 0); }
Test(compose_project, environment_and_labels_merge_as_maps) { check_rule("env-labels", "compose.yaml", NULL, 0); }
Test(compose_project, reset_and_override_tags) { check_rule("reset-override", "compose.yaml", NULL, 0); }
Test(compose_project, depends_on_and_networks_merge_by_name) { check_rule("depends-on", "compose.yaml", NULL, 0); }
Test(compose_project, extends_in_the_same_file_and_another) { check_rule("extends", "compose.yaml", NULL, 0); }
Test(compose_project, include_adds_resources) { check_rule("include", "compose.yaml", NULL, 0); }
Test(compose_project, build_logging_ulimits_extra_hosts_and_x_keys) { check_rule("misc", "compose.yaml", NULL, 0); }
Test(compose_project, docker_compose_override_yml) { check_rule("legacy-name", "docker-compose.yml", NULL, 0); }

Test(compose_project, named_overrides_apply_after_the_default_one)
{
	static const char *const over[] = { "compose.prod.yaml" };
	check_rule("named-overrides", "compose.yaml", over, 1);
}

/* The file (its last path component) and line a node was set in. */
static void assert_set_in(const tmdk_artifact *a, const tmdk_node *n, const char *file, unsigned int line)
{
	const char *name;
	cr_assert_not_null(n);
	name = tmdk_artifact_name(tmdk_artifact_node_source(a, n));
	cr_assert(strlen(name) >= strlen(file) && !strcmp(name + strlen(name) - strlen(file), file),
		"set in %s, expected %s", name, file);
	cr_assert_eq(tmdk_node_line(n), line, "line %u, expected %u", tmdk_node_line(n), line);
}

Test(compose_project, values_keep_the_file_and_line_that_set_them)
{
	tmdk_artifact *a = load(DIR "mapping/compose.yaml", NULL, 0);
	const tmdk_node *root = tmdk_document_root(tmdk_artifact_document(a, 0));
	const tmdk_node *web = tmdk_node_path(root, "services.web");
	const tmdk_node *view = tmdk_document_view(tmdk_artifact_document(a, 0));

	cr_assert_eq(tmdk_artifact_source_count(a), 2);
	assert_set_in(a, tmdk_node_get(web, "image"), "mapping/compose.override.yaml", 3);
	assert_set_in(a, tmdk_node_get(web, "restart"), "mapping/compose.yaml", 4);
	assert_set_in(a, tmdk_node_path(web, "deploy.resources.limits.cpus"), "mapping/compose.yaml", 8);
	assert_set_in(a, tmdk_node_path(web, "deploy.resources.limits.memory"), "mapping/compose.override.yaml", 8);
	assert_set_in(a, tmdk_node_path(root, "services.cache.image"), "mapping/compose.override.yaml", 10);
	/* the normalized view sees the merged services */
	cr_assert_eq(tmdk_node_size(tmdk_node_get(view, "services")), 2);
	assert_set_in(a, tmdk_node_get(tmdk_node_at(tmdk_node_get(view, "services"), 0), "image"),
		"mapping/compose.override.yaml", 3);
	tmdk_artifact_free(a);

	a = load(DIR "extends/compose.yaml", NULL, 0);
	root = tmdk_document_root(tmdk_artifact_document(a, 0));
	assert_set_in(a, tmdk_node_path(root, "services.worker.image"), "extends/common/services.yaml", 3);
	assert_set_in(a, tmdk_node_path(root, "services.worker.privileged"), "extends/common/services.yaml", 7);
	assert_set_in(a, tmdk_node_at(tmdk_node_path(root, "services.worker.command"), 1), "extends/compose.yaml", 15);
	/* an environment list item made a map entry: the key stays at the item */
	assert_set_in(a, tmdk_node_path(root, "services.web.environment.ROLE"), "extends/compose.yaml", 10);
	tmdk_artifact_free(a);

	a = load(DIR "include/compose.yaml", NULL, 0);
	root = tmdk_document_root(tmdk_artifact_document(a, 0));
	assert_set_in(a, tmdk_node_path(root, "services.cache.privileged"), "include/lib/cache.yaml", 4);
	cr_assert_null(tmdk_node_get(root, "include"));
	tmdk_artifact_free(a);
}

Test(compose_project, findings_name_the_override)
{
	tmdk_catalog *cat = one_pattern("compose", "{for-each: \"@services\", where: {path: spec.privileged, truthy: true}}",
		"privileged");
	tmdk_artifact *a = load(DIR "legacy-name/docker-compose.yml", NULL, 0);
	tmdk_findings *list = NULL;
	tmdk_error err;
	const char *path;

	cr_assert_eq(tmdk_findings_new(&list), TMDK_OK);
	cr_assert_eq(tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, list, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_findings_count(list), 1);
	path = tmdk_finding_path(tmdk_findings_at(list, 0));
	cr_assert(strstr(path, "legacy-name/docker-compose.override.yml"), "%s", path);
	cr_assert_eq(tmdk_finding_line(tmdk_findings_at(list, 0)), 4);
	cr_assert_str_eq(tmdk_finding_evidence(tmdk_findings_at(list, 0)), "privileged: true");
	cr_assert(strstr(tmdk_artifact_name(a), "legacy-name/docker-compose.yml"));
	tmdk_findings_free(list);
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
}

/* ---- errors ---------------------------------------------------------------- */

static void check_error(const char *dir, int code, const char *file, unsigned int line, unsigned int col,
	const char *message)
{
	char rel[512];
	tmdk_artifact *a = (tmdk_artifact *)0x1;
	tmdk_error err;
	int rc;
	snprintf(rel, sizeof(rel), DIR "errors/%s/compose.yaml", dir);
	rc = tmdk_compose_project_load(&a, fixture(rel), NULL, &err);
	cr_assert_eq(rc, code, "%s: %d (%s)", dir, rc, err.message);
	cr_assert_null(a);
	cr_assert_eq(err.code, code);
	cr_assert(strlen(err.source) >= strlen(file) && !strcmp(err.source + strlen(err.source) - strlen(file), file),
		"%s: error in %s", dir, err.source);
	cr_assert_eq(err.line, line, "%s: line %u", dir, err.line);
	cr_assert_eq(err.column, col, "%s: column %u", dir, err.column);
	cr_assert(strstr(err.message, message), "%s: %s", dir, err.message);
}

Test(compose_project, errors_name_file_line_and_column)
{
	check_error("missing-extends-file", TMDK_EIO, "missing-extends-file/compose.yaml", 4, 13, "nowhere.yaml");
	check_error("extends-cycle", TMDK_EPARSE, "extends-cycle/compose.yaml", 5, 14, "extends cycle");
	check_error("include-cycle", TMDK_EPARSE, "include-cycle/other.yaml", 2, 5, "include cycle");
	check_error("bad-override", TMDK_EPARSE, "bad-override/compose.override.yaml", 4, 7,
		"cannot override services.app.ports (a sequence) with a mapping");
	check_error("missing-service", TMDK_ENOTFOUND, "missing-service/compose.yaml", 3, 14, "no service `nosuch`");
	check_error("missing-include", TMDK_EIO, "missing-include/compose.yaml", 2, 5, "missing/compose.yaml");
	check_error("bad-extends", TMDK_EPARSE, "bad-extends/compose.yaml", 3, 14, "extends: expected a service name");
	check_error("include-not-list", TMDK_EPARSE, "include-not-list/compose.yaml", 1, 10, "include: expected a list");
	check_error("include-entry", TMDK_EPARSE, "include-entry/compose.yaml", 2, 5, "include: expected a path");
	check_error("include-conflict", TMDK_EPARSE, "include-conflict/compose.yaml", 4, 3,
		"service `app` is also defined by the included file");
	check_error("env-item", TMDK_EPARSE, "env-item/compose.override.yaml", 4, 9, "expected a string");
	check_error("service-name", TMDK_EPARSE, "service-name/compose.yaml", 2, 3, "a service name is a string");
	check_error("include-section", TMDK_EPARSE, "include-section/compose.yaml", 3, 11, "services: expected a mapping");
}

Test(compose_project, a_bad_main_file_or_argument)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	static const char *const none[] = { NULL };
	static const char *const missing[] = { "compose.nowhere.yaml" };

	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "nowhere/compose.yaml"), NULL, &err), TMDK_EIO);
	cr_assert_eq(tmdk_compose_project_load(NULL, "x", NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_compose_project_load(&a, NULL, NULL, &err), TMDK_EINVAL);
	o.version = 99;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_EINVAL);
	cr_assert(strstr(err.message, "version"));
	cr_assert_eq(tmdk_compose_options_init(&o, 99), TMDK_EINVAL);
	cr_assert_eq(tmdk_compose_options_init(NULL, TMDK_COMPOSE_OPTIONS_VERSION), TMDK_EINVAL);
	cr_assert_eq(tmdk_compose_options_init(&o, TMDK_COMPOSE_OPTIONS_VERSION), TMDK_OK);
	o.override_count = 1;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_EINVAL);
	o.override_files = none;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_EINVAL);
	o.override_files = missing;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_EIO);
	cr_assert(strstr(err.source, "compose.nowhere.yaml"), "%s", err.source);
	cr_assert_null(a);
}

Test(compose_project, a_file_that_does_not_parse)
{
	char path[] = "/tmp/tmdk-compose-XXXXXX";
	char file[600], over[600];
	tmdk_artifact *a = NULL;
	tmdk_error err;
	FILE *f;
	cr_assert_not_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/compose.yaml", path);
	snprintf(over, sizeof(over), "%s/compose.override.yaml", path);
	f = fopen(file, "w");
	fputs("services:\n  app:\n    image: a:1\n", f);
	fclose(f);
	f = fopen(over, "w");
	fputs("services:\n  app: [unclosed\n", f);
	fclose(f);
	cr_assert_eq(tmdk_compose_project_load(&a, file, NULL, &err), TMDK_EPARSE);
	cr_assert(strstr(err.source, "compose.override.yaml"), "%s", err.source);
	cr_assert_gt(err.line, 0);
	/* a list where a compose file must be a map */
	f = fopen(over, "w");
	fputs("- a\n- b\n", f);
	fclose(f);
	cr_assert_eq(tmdk_compose_project_load(&a, file, NULL, &err), TMDK_EPARSE);
	cr_assert(strstr(err.message, "mapping"), "%s", err.message);
	/* `key:` with no value keeps the value so far */
	f = fopen(over, "w");
	fputs("services:\n  app:\n    image:\n", f);
	fclose(f);
	cr_assert_eq(tmdk_compose_project_load(&a, file, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert(tmdk_node_text_equals(tmdk_node_path(tmdk_document_root(tmdk_artifact_document(a, 0)), "services.app.image"),
		"a:1"));
	tmdk_artifact_free(a);
	/* an empty override changes nothing; NO_DEFAULT_OVERRIDE skips it */
	f = fopen(over, "w");
	fclose(f);
	cr_assert_eq(tmdk_compose_project_load(&a, file, NULL, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_artifact_source_count(a), 2);
	tmdk_artifact_free(a);
	{
		tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
		o.flags = TMDK_COMPOSE_NO_DEFAULT_OVERRIDE;
		cr_assert_eq(tmdk_compose_project_load(&a, file, &o, &err), TMDK_OK);
		cr_assert_eq(tmdk_artifact_source_count(a), 1);
		tmdk_artifact_free(a);
	}
	unlink(file);
	unlink(over);
	rmdir(path);
}

Test(compose_project, limits)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;

	o.max_nodes = 10;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_nodes"));
	o.max_nodes = 0;
	o.max_files = 1;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "mapping/compose.yaml"), &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_files"));
	o.max_files = 0;
	o.max_include_depth = 1;
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "include/compose.yaml"), &o, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_include_depth"));
	cr_assert_eq(tmdk_compose_project_load(&a, fixture(DIR "extends/compose.yaml"), &o, &err), TMDK_ELIMIT);
	cr_assert_null(a);
}

Test(compose_project, override_names)
{
	char buf[64];
	cr_assert(tmdk_compose_is_override_name("compose.override.yaml"));
	cr_assert(tmdk_compose_is_override_name("a/b/docker-compose.override.yml"));
	cr_assert(tmdk_compose_is_override_name("docker-compose.override.yaml"));
	cr_assert(tmdk_compose_is_override_name("compose.override.yml"));
	cr_assert_not(tmdk_compose_is_override_name("compose.yaml"));
	cr_assert_not(tmdk_compose_is_override_name("docker-compose.prod.yml"));
	cr_assert_not(tmdk_compose_is_override_name(NULL));
	cr_assert_str_eq(tmdk_compose_default_override("x/compose.yaml", 0, buf, sizeof(buf)), "x/compose.override.yaml");
	cr_assert_str_eq(tmdk_compose_default_override("compose.yml", 0, buf, sizeof(buf)), "compose.override.yml");
	cr_assert_str_eq(tmdk_compose_default_override("docker-compose.yml", 1, buf, sizeof(buf)),
		"docker-compose.override.yaml");
	cr_assert_null(tmdk_compose_default_override("docker-compose.prod.yml", 0, buf, sizeof(buf)));
	cr_assert_null(tmdk_compose_default_override("compose.yaml", 2, buf, sizeof(buf)));
	cr_assert_null(tmdk_compose_default_override("compose.yaml", 0, buf, 4));
	cr_assert_null(tmdk_compose_default_override(NULL, 0, buf, sizeof(buf)));
}
