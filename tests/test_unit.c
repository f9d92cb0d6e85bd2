/* Deployment units (include/tmdk/unit.h): decisions on the fixture trees, notes, errors, the caller's lookup. */
#include "helpers.h"
#include "units_helpers.h"

#include "tmdk/unit.h"
#include "tmdk/walk.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	walked t;
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
	walked t1, t2;
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
	walked t;
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
	walked t;
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

/* ---- what the caller knows of folders (tmdk_units_options.lookup) ------------------------- */

enum { ORACLE, KNOWS_NOTHING, LIES };

/* A lookup that answers by stat (ORACLE), never (KNOWS_NOTHING), or lies about one name in one folder. */
typedef struct asker {
	int mode;
	const char *lie_folder, *lie_name;
	int lie;                     /* LIES: the answer there (-1 elsewhere) */
	size_t calls, malformed;     /* questions; questions not as unit.h words them */
	size_t git_any, chart_file;  /* .git asked with want -1, Chart.yaml with want 0 */
} asker;

/* A lexically normal folder path, one name: as unit.h says the questions come. */
static int well_formed(const char *folder, const char *name, int want)
{
	size_t n = strlen(folder);
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && n &&
		!strstr(folder, "//") && !strstr(folder, "/./") && strncmp(folder, "./", 2) != 0 &&
		(n == 1 || folder[n - 1] != '/') && want >= -1 && want <= 1;
}

static int ask(const char *folder, const char *name, int want, void *payload)
{
	asker *a = payload;
	char path[PATH_MAX];
	struct stat st;
	a->calls++;
	a->malformed += !well_formed(folder, name, want);
	a->git_any += strcmp(name, ".git") == 0 && want == -1;
	a->chart_file += strcmp(name, "Chart.yaml") == 0 && want == 0;
	if (a->mode == KNOWS_NOTHING)
		return -1;
	if (a->mode == LIES)
		return strcmp(folder, a->lie_folder) == 0 && strcmp(name, a->lie_name) == 0 ? a->lie : -1;
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	if (stat(path, &st) != 0)
		return 0;
	return want == -1 || (want == 1 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* The units of `root` with the asker as lookup are those without one. @return the questions asked. */
static size_t expect_same_with(const char *root, int mode, asker *a)
{
	tmdk_units_options o = TMDK_UNITS_OPTIONS_INIT;
	tmdk_units *plain, *asked;
	walked t;
	memset(a, 0, sizeof(*a));
	a->mode = mode;
	o.lookup = ask;
	o.lookup_payload = a;
	walk_tree(root, &t);
	plain = decide_walked(root, &t, NULL);
	asked = decide_walked(root, &t, &o);
	expect_same_units(plain, asked, root);
	cr_expect_eq(a->malformed, 0, "%s: %zu of %zu questions not as unit.h words them", root, a->malformed, a->calls);
	tmdk_units_free(plain);
	tmdk_units_free(asked);
	tree_free(&t);
	return a->calls;
}

Test(units, the_tree_the_lookup_tests_use_turns_on_what_stat_says, .init = make_units_tree, .fini = remove_tree)
{
	walked t;
	tmdk_units *units = decide(tree, &t, NULL);
	const tmdk_unit *u;
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_FOLDER, "mono/repo/sub"), ".git (a folder) ends the climb");
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_FOLDER, "mono/gitfile/sub"), ".git (a file) ends the climb");
	cr_expect_null(unit_ending(units, TMDK_UNIT_FOLDER, "mono/plain/sub"), "claimed by mono's kustomization");
	cr_assert_not_null(u = unit_ending(units, TMDK_UNIT_HELM_CHART, "/linked"), "Chart.yaml, a link to a file");
	cr_expect_eq(member_role(u, "linked/Chart.yaml"), TMDK_UNIT_MEMBER_CONFIG);
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "/alias"), "a kustomization in a linked folder");
	cr_expect_null(unit_ending(units, TMDK_UNIT_HELM_CHART, "/odd"), "a folder named Chart.yaml is no chart");
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_FOLDER, "/odd"));
	tmdk_units_free(units);
	tree_free(&t);
}

Test(units, a_lookup_that_knows_everything_decides_as_stat, .init = make_units_tree, .fini = remove_tree)
{
	const char *const fixtures[] = { "units", "units-errors", "kustomize" };
	char root[PATH_MAX];
	asker a;
	size_t i;

	cr_expect_gt(expect_same_with(tree, ORACLE, &a), 0);
	cr_expect_gt(a.git_any, 0, ".git is asked of, a folder or a file");
	cr_expect_gt(a.chart_file, 0, "Chart.yaml is asked of, a regular file");
	for (i = 0; i < sizeof(fixtures) / sizeof(*fixtures); i++) {
		cr_assert_not_null(realpath(fixture(fixtures[i]), root));
		cr_expect_gt(expect_same_with(root, ORACLE, &a), 0, "%s", root);
	}
}

Test(units, a_lookup_that_knows_nothing_decides_as_none, .init = make_units_tree, .fini = remove_tree)
{
	char root[PATH_MAX];
	asker a;
	cr_expect_gt(expect_same_with(tree, KNOWS_NOTHING, &a), 0);
	cr_assert_not_null(realpath(fixture("units"), root));
	cr_expect_gt(expect_same_with(root, KNOWS_NOTHING, &a), 0);
}

/* The units of `root` when the lookup says `answer` of `name` in root/`folder`. */
static tmdk_units *decide_lied_to(const char *root, const char *folder, const char *name, int answer, asker *a)
{
	tmdk_units_options o = TMDK_UNITS_OPTIONS_INIT;
	static char where[PATH_MAX];
	walked t;
	tmdk_units *units;
	snprintf(where, sizeof(where), "%s/%s", root, folder);
	memset(a, 0, sizeof(*a));
	a->mode = LIES;
	a->lie_folder = where;
	a->lie_name = name;
	a->lie = answer;
	o.lookup = ask;
	o.lookup_payload = a;
	units = decide(root, &t, &o);
	tree_free(&t);
	return units;
}

Test(units, the_lookup_is_asked_before_stat)
{
	char root[PATH_MAX];
	tmdk_units *units;
	asker a;

	cr_assert_not_null(realpath(fixture("units"), root));
	/* a Chart.yaml that is not there makes a chart of plain's manifests */
	units = decide_lied_to(root, "plain", "Chart.yaml", 1, &a);
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_HELM_CHART, "/plain"));
	cr_expect_null(unit_ending(units, TMDK_UNIT_FOLDER, "/plain"));
	cr_expect_gt(a.calls, 0);
	tmdk_units_free(units);
	/* a kustomization.yaml said absent is not read: the overlay is no unit */
	units = decide_lied_to(root, "kustomize/overlay", "kustomization.yaml", 0, &a);
	cr_expect_null(unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "kustomize/overlay"));
	cr_expect_not_null(unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "kustomize/base"));
	tmdk_units_free(units);
	/* a resource said to be a folder is followed as one (it has no kustomization) */
	units = decide_lied_to(root, "kustomize/base", "deploy.yaml", 1, &a);
	cr_expect(has_note(unit_ending(units, TMDK_UNIT_KUSTOMIZATION, "kustomize/base"), "has no kustomization file"));
	tmdk_units_free(units);
}

Test(units, options_of_version_1)
{
	const size_t v1_size = offsetof(tmdk_units_options, lookup);
	tmdk_units_options o, *v1;
	unsigned char filler[sizeof(tmdk_units_options)];
	char root[PATH_MAX];
	tmdk_units *units;
	walked t;
	asker a;
	size_t i;

	/* init fills the structure of the version asked, no more: a version 1 caller's is shorter */
	memset(&o, 0xAB, sizeof(o));
	memset(filler, 0xAB, sizeof(filler));
	cr_assert_eq(tmdk_units_options_init(&o, 1), TMDK_OK);
	cr_expect_eq(o.version, 1);
	cr_expect_null(o.compose_overrides);
	cr_expect_eq(o.compose_override_count, 0);
	cr_expect_eq(memcmp((unsigned char *)&o + v1_size, filler + v1_size, sizeof(o) - v1_size), 0);
	cr_assert_eq(tmdk_units_options_init(&o, TMDK_UNITS_OPTIONS_VERSION), TMDK_OK);
	cr_expect_eq(o.version, 2);
	cr_expect_null(o.lookup);
	cr_expect_null(o.lookup_payload);
	/* what lies beyond a version 1 structure is not read: a lying lookup there is not asked */
	cr_assert_not_null(realpath(fixture("units"), root));
	memset(&a, 0, sizeof(a));
	a.mode = LIES;
	a.lie_folder = root;
	a.lie_name = "Chart.yaml";
	a.lie = 1;
	o.version = 1;
	o.lookup = ask;
	o.lookup_payload = &a;
	units = decide(root, &t, &o);
	cr_expect_eq(a.calls, 0);
	cr_expect_null(unit_ending(units, TMDK_UNIT_HELM_CHART, "units"));
	tmdk_units_free(units);
	/* exactly a version 1 structure (under ASan, a read past it fails) */
	cr_assert_not_null(v1 = malloc(v1_size));
	cr_assert_eq(tmdk_units_options_init(v1, 1), TMDK_OK);
	units = decide_walked(root, &t, v1);
	cr_expect_gt(tmdk_units_count(units), 0);
	tmdk_units_free(units);
	free(v1);
	tree_free(&t);
	/* unknown versions */
	for (i = 0; i < 2; i++) {
		tmdk_units *none = (tmdk_units *)1;
		tmdk_error err;
		const char *r = root;
		unsigned int version = i ? 3 : 0;
		cr_expect_eq(tmdk_units_options_init(&o, version), TMDK_EINVAL);
		o.version = version;
		cr_expect_eq(tmdk_units_decide(&none, &r, 1, NULL, 0, &o, &err), TMDK_EINVAL);
		cr_expect_null(none);
		if (version == 3)
			cr_expect_str_eq(err.message, "unsupported tmdk_units_options version 3 (expected 1 to 2)");
	}
}
