/* Deployment units (include/tmdk/unit.h): decisions on the fixture trees, notes, errors. */
#include "helpers.h"

#include "tmdk/unit.h"
#include "tmdk/walk.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The candidates of a tree, with their kinds, as tmdk-scan gives them. */
typedef struct tree {
	tmdk_unit_input items[256];
	char *paths[256];
	size_t count;
} tree;

static int collect(const tmdk_walk_entry *e, void *payload)
{
	tree *t = payload;
	tmdk_artifact *a = NULL;
	tmdk_candidate_status st;
	tmdk_error err;
	if (e->status != TMDK_WALK_CANDIDATE || t->count == 256)
		return 0;
	t->paths[t->count] = strdup(e->path);
	t->items[t->count].path = t->paths[t->count];
	t->items[t->count].kind = TMDK_KIND_UNKNOWN;
	if (tmdk_candidate_parse_file(&a, &st, e->path, e->flags, NULL, &err) == TMDK_OK && a)
		t->items[t->count].kind = tmdk_artifact_kind(a);
	tmdk_artifact_free(a);
	t->count++;
	return 0;
}

static tmdk_units *decide(const char *root, tree *t, const tmdk_units_options *o)
{
	tmdk_units *units = NULL;
	tmdk_error err;
	memset(t, 0, sizeof(*t));
	cr_assert_eq(tmdk_walk(root, NULL, collect, t, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_units_decide(&units, &root, 1, t->items, t->count, o, &err), TMDK_OK, "%s", err.message);
	return units;
}

static void tree_free(tree *t)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		free(t->paths[i]);
}

/* The unit whose path ends with `suffix`, or NULL. */
static const tmdk_unit *unit_ending(const tmdk_units *units, tmdk_unit_kind kind, const char *suffix)
{
	size_t i, n = strlen(suffix);
	for (i = 0; i < tmdk_units_count(units); i++) {
		const tmdk_unit *u = tmdk_units_at(units, i);
		const char *p = tmdk_unit_path(u);
		if (tmdk_unit_get_kind(u) == kind && strlen(p) >= n && strcmp(p + strlen(p) - n, suffix) == 0)
			return u;
	}
	return NULL;
}

/* The role of the member whose path ends with `suffix`, or -1. */
static int member_role(const tmdk_unit *u, const char *suffix)
{
	size_t i, n = strlen(suffix);
	for (i = 0; i < tmdk_unit_member_count(u); i++) {
		tmdk_unit_role role;
		const char *p = tmdk_unit_member(u, i, &role);
		if (strlen(p) >= n && strcmp(p + strlen(p) - n, suffix) == 0)
			return (int)role;
	}
	return -1;
}

static int has_note(const tmdk_unit *u, const char *text)
{
	size_t i;
	for (i = 0; i < tmdk_unit_note_count(u); i++)
		if (strstr(tmdk_unit_note(u, i), text))
			return 1;
	return 0;
}

Test(units, the_fixture_tree)
{
	char root[4096];
	tree t;
	tmdk_units *units;
	const tmdk_unit *u;

	snprintf(root, sizeof(root), "%s", fixture("units"));
	units = decide(root, &t, NULL);
	/* compose: the main file with its override; a lone override is a unit with a note */
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_COMPOSE_PROJECT, "compose/app/compose.yaml"));
	cr_expect_eq(member_role(u, "compose/app/compose.override.yaml"), TMDK_UNIT_MEMBER_OVERRIDE);
	cr_expect_eq(member_role(u, "compose/app/compose.prod.yaml"), -1);
	cr_assert_not_null(unit_ending(units, TMDK_UNIT_COMPOSE_PROJECT, "compose/app/compose.prod.yaml"));
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_COMPOSE_PROJECT, "lone/docker-compose.override.yml"));
	cr_expect(has_note(u, "without a main compose file"));
	/* kustomize: the overlay follows ../base and ../comp; the component is no unit; the patch is a patch */
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "kustomize/overlay"));
	cr_expect_eq(member_role(u, "kustomize/base/deploy.yaml"), TMDK_UNIT_MEMBER_SCANNED);
	cr_expect_eq(member_role(u, "kustomize/comp/netpol.yaml"), TMDK_UNIT_MEMBER_SCANNED);
	cr_expect_eq(member_role(u, "kustomize/overlay/patch.yaml"), TMDK_UNIT_MEMBER_PATCH);
	cr_expect_eq(member_role(u, "kustomize/overlay/kustomization.yaml"), TMDK_UNIT_MEMBER_CONFIG);
	cr_expect(has_note(u, "remote resource"));
	cr_expect_null(unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "kustomize/comp"));
	cr_expect_null(unit_ending(units, TMDK_UNIT_FOLDER, "kustomize/overlay"), "a patch is never a folder's manifest");
	cr_expect_null(unit_ending(units, TMDK_UNIT_FOLDER, "kustomize/comp"), "a component's resources are claimed");
	/* the chart: Chart.yaml and crds/, nothing else */
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_HELM_CHART, "chart/mychart"));
	cr_expect_eq(tmdk_unit_member_count(u), 2);
	cr_expect_eq(member_role(u, "crds/crd.yaml"), TMDK_UNIT_MEMBER_SCANNED);
	cr_expect_eq(member_role(u, "mychart/Chart.yaml"), TMDK_UNIT_MEMBER_CONFIG);
	/* plain manifests */
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_FOLDER, "/plain"));
	cr_expect_eq(tmdk_unit_member_count(u), 2);
	cr_expect_str_eq(tmdk_unit_kind_name(tmdk_unit_get_kind(u)), "folder");
	tmdk_units_free(units);
	tree_free(&t);
}

Test(units, same_unit_whatever_the_root)
{
	char whole[4096], part[4096];
	tree t1, t2;
	tmdk_units *a, *b;
	const tmdk_unit *ua, *ub;
	size_t i;

	/* Real paths: lexically, "build/../src" (an out-of-tree build's fixture folder) is "src". */
	cr_assert_not_null(realpath(fixture("units"), whole));
	cr_assert_not_null(realpath(fixture("units/kustomize/overlay"), part));
	a = decide(whole, &t1, NULL);
	b = decide(part, &t2, NULL);
	cr_assert_eq(tmdk_units_count(b), 1, "only the overlay is rooted in its folder");
	ua = unit_ending(a, TMDK_UNIT_KUSTOMIZATION, "kustomize/overlay");
	ub = tmdk_units_at(b, 0);
	cr_assert_str_eq(tmdk_unit_path(ua), tmdk_unit_path(ub));
	cr_assert_eq(tmdk_unit_member_count(ua), tmdk_unit_member_count(ub));
	for (i = 0; i < tmdk_unit_member_count(ua); i++)
		cr_expect_str_eq(tmdk_unit_member(ua, i, NULL), tmdk_unit_member(ub, i, NULL));
	/* the followed files are not among the walked ones */
	cr_expect_eq(tmdk_unit_member_input(ub, 2), (size_t)-1);
	/* inside a chart, nothing is rooted: the chart's root is above */
	tmdk_units_free(a);
	tmdk_units_free(b);
	tree_free(&t1);
	tree_free(&t2);
	snprintf(part, sizeof(part), "%s", fixture("units/chart/mychart/crds"));
	a = decide(part, &t1, NULL);
	cr_expect_eq(tmdk_units_count(a), 0);
	tmdk_units_free(a);
	tree_free(&t1);
}

Test(units, configured_compose_overrides)
{
	static const char *const globs[] = { "compose.*.yaml" };
	tmdk_units_options o;
	char root[4096];
	tree t;
	tmdk_units *units;
	const tmdk_unit *u;

	cr_assert_eq(tmdk_units_options_init(&o, TMDK_UNITS_OPTIONS_VERSION), TMDK_OK);
	o.compose_overrides = globs;
	o.compose_override_count = 1;
	snprintf(root, sizeof(root), "%s", fixture("units/compose/app"));
	units = decide(root, &t, &o);
	cr_assert_eq(tmdk_units_count(units), 1);
	u = tmdk_units_at(units, 0);
	cr_expect_eq(member_role(u, "compose.prod.yaml"), TMDK_UNIT_MEMBER_OVERRIDE);
	cr_expect_eq(member_role(u, "compose.override.yaml"), TMDK_UNIT_MEMBER_OVERRIDE);
	tmdk_units_free(units);
	tree_free(&t);
}

Test(units, kustomization_errors_are_notes)
{
	char root[4096];
	tree t;
	tmdk_units *units;
	const tmdk_unit *u;

	snprintf(root, sizeof(root), "%s", fixture("units-errors"));
	units = decide(root, &t, NULL);
	/* a cycle ends: each kustomization is followed once */
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "cycle/a"));
	cr_expect_eq(member_role(u, "cycle/b/kustomization.yaml"), TMDK_UNIT_MEMBER_CONFIG);
	cr_expect_eq(member_role(u, "cycle/a/pod.yaml"), TMDK_UNIT_MEMBER_SCANNED);
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "broken"));
	cr_expect(has_note(u, "kustomization not read"));
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "missing"));
	cr_expect(has_note(u, "resource `gone.yaml` not found"));
	cr_expect(has_note(u, "`") && has_note(u, "nowhere"));
	cr_expect(has_note(u, "patch `nopatch.yaml` not found"));
	cr_expect(has_note(u, "nocomp"));
	tmdk_units_free(units);
	tree_free(&t);
}

Test(units, invalid_arguments)
{
	tmdk_units *units = (tmdk_units *)1;
	tmdk_units_options o = TMDK_UNITS_OPTIONS_INIT;
	tmdk_unit_input in = { "a.yaml", TMDK_KIND_KUBERNETES };
	const char *root = ".";
	tmdk_error err;

	cr_expect_eq(tmdk_units_decide(NULL, &root, 1, &in, 1, NULL, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_units_decide(&units, NULL, 1, &in, 1, NULL, &err), TMDK_EINVAL);
	cr_expect_null(units);
	cr_expect_eq(tmdk_units_decide(&units, &root, 1, NULL, 1, NULL, &err), TMDK_EINVAL);
	o.version = 99;
	cr_expect_eq(tmdk_units_decide(&units, &root, 1, &in, 1, &o, &err), TMDK_EINVAL);
	cr_expect_eq(tmdk_units_options_init(&o, 99), TMDK_EINVAL);
	cr_expect_eq(tmdk_units_options_init(NULL, TMDK_UNITS_OPTIONS_VERSION), TMDK_EINVAL);
	cr_expect_eq(tmdk_units_count(NULL), 0);
	cr_expect_null(tmdk_units_at(NULL, 0));
	cr_expect_null(tmdk_unit_path(NULL));
	cr_expect_null(tmdk_unit_member(NULL, 0, NULL));
	cr_expect_null(tmdk_unit_note(NULL, 0));
	cr_expect_null(tmdk_unit_kind_name(TMDK_UNIT_KIND_COUNT));
	cr_expect_null(tmdk_unit_role_name(TMDK_UNIT_MEMBER_ROLE_COUNT));
	cr_expect_str_eq(tmdk_unit_role_name(TMDK_UNIT_MEMBER_PATCH), "patch");
	tmdk_units_free(NULL);
	/* no files: no units */
	cr_assert_eq(tmdk_units_decide(&units, &root, 1, NULL, 0, NULL, &err), TMDK_OK);
	cr_expect_eq(tmdk_units_count(units), 0);
	tmdk_units_free(units);
}
