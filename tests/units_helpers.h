/*
 * Helpers of the tests that decide units (test_unit, test_scan_listings):
 * walk a tree into the candidates tmdk-scan would give, decide their
 * units, compare two decisions, and a tree whose units turn on what stat
 * says of its folders.
 */
#ifndef TMDK_TESTS_UNITS_HELPERS_H
#define TMDK_TESTS_UNITS_HELPERS_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmdk/unit.h"
#include "tmdk/walk.h"
#include "temp_tree.h"

/* The candidates of a tree, with their kinds, as tmdk-scan gives them. */
typedef struct walked {
	tmdk_unit_input items[256];
	char *paths[256];
	size_t count;
	tmdk_walk_cb also;           /* called first with every entry, or NULL */
	void *also_payload;
} walked;

static inline int collect(const tmdk_walk_entry *e, void *payload)
{
	walked *t = payload;
	tmdk_artifact *a = NULL;
	tmdk_candidate_status st;
	tmdk_error err;
	if (t->also)
		t->also(e, t->also_payload);
	if (e->status != TMDK_WALK_CANDIDATE)
		return 0;
	cr_assert_lt(t->count, 256, "a tree larger than the test expects");
	t->paths[t->count] = strdup(e->path);
	t->items[t->count].path = t->paths[t->count];
	t->items[t->count].kind = TMDK_KIND_UNKNOWN;
	if (tmdk_candidate_parse_file(&a, &st, e->path, e->flags, NULL, &err) == TMDK_OK && a)
		t->items[t->count].kind = tmdk_artifact_kind(a);
	tmdk_artifact_free(a);
	t->count++;
	return 0;
}

/* Walk with these options, each entry also to `also` (both may be NULL). */
static inline void walk_tree_with(const char *root, const tmdk_walk_options *o, tmdk_walk_cb also, void *payload,
	walked *t)
{
	tmdk_error err;
	memset(t, 0, sizeof(*t));
	t->also = also;
	t->also_payload = payload;
	cr_assert_eq(tmdk_walk(root, o, collect, t, &err), TMDK_OK, "%s", err.message);
}

static inline void walk_tree(const char *root, walked *t)
{
	walk_tree_with(root, NULL, NULL, NULL, t);
}

/* The units of a walked tree. */
static inline tmdk_units *decide_walked(const char *root, const walked *t, const tmdk_units_options *o)
{
	tmdk_units *units = NULL;
	tmdk_error err;
	cr_assert_eq(tmdk_units_decide(&units, &root, 1, t->items, t->count, o, &err), TMDK_OK, "%s", err.message);
	return units;
}

static inline tmdk_units *decide(const char *root, walked *t, const tmdk_units_options *o)
{
	walk_tree(root, t);
	return decide_walked(root, t, o);
}

static inline void tree_free(walked *t)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		free(t->paths[i]);
}

/* The unit whose path ends with `suffix`, or NULL. */
static inline const tmdk_unit *unit_ending(const tmdk_units *units, tmdk_unit_kind kind, const char *suffix)
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

/* Both decided the same units: kinds, paths, members with roles and inputs, notes. */
static inline void expect_same_units(const tmdk_units *a, const tmdk_units *b, const char *what)
{
	size_t i, m;
	cr_assert_eq(tmdk_units_count(a), tmdk_units_count(b), "%s: %zu units, expected %zu", what,
		tmdk_units_count(b), tmdk_units_count(a));
	for (i = 0; i < tmdk_units_count(a); i++) {
		const tmdk_unit *ua = tmdk_units_at(a, i), *ub = tmdk_units_at(b, i);
		cr_assert_eq(tmdk_unit_get_kind(ua), tmdk_unit_get_kind(ub), "%s: unit %zu", what, i);
		cr_assert_str_eq(tmdk_unit_path(ua), tmdk_unit_path(ub), "%s: unit %zu", what, i);
		cr_assert_eq(tmdk_unit_member_count(ua), tmdk_unit_member_count(ub), "%s: %s", what, tmdk_unit_path(ua));
		for (m = 0; m < tmdk_unit_member_count(ua); m++) {
			tmdk_unit_role ra, rb;
			cr_assert_str_eq(tmdk_unit_member(ua, m, &ra), tmdk_unit_member(ub, m, &rb), "%s", what);
			cr_assert_eq(ra, rb, "%s: %s", what, tmdk_unit_member(ua, m, NULL));
			cr_assert_eq(tmdk_unit_member_input(ua, m), tmdk_unit_member_input(ub, m), "%s", what);
		}
		cr_assert_eq(tmdk_unit_note_count(ua), tmdk_unit_note_count(ub), "%s: %s", what, tmdk_unit_path(ua));
		for (m = 0; m < tmdk_unit_note_count(ua); m++)
			cr_assert_str_eq(tmdk_unit_note(ua, m), tmdk_unit_note(ub, m), "%s", what);
	}
}

#define POD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n"
#define CRD "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.example.com\n"

/*
 * A tree whose units turn on what stat says: .git (a folder, a file) ends
 * the climb to mono's kustomization, which would claim the pods below;
 * Chart.yaml is a link to a file; alias is a link to a kustomization's
 * folder (walked first, app then is walked already); odd holds a folder
 * named Chart.yaml, which makes no chart.
 */
static inline void make_units_tree(void)
{
	tree_create("units");
	mkpath("mono/kustomization.yaml", "resources:\n- repo/sub/pod.yaml\n- gitfile/sub/pod.yaml\n- plain/sub/pod.yaml\n");
	mkpath("mono/repo/.git/HEAD", "ref: refs/heads/main\n");
	mkpath("mono/repo/sub/pod.yaml", POD);
	mkpath("mono/gitfile/.git", "gitdir: ../../elsewhere\n");
	mkpath("mono/gitfile/sub/pod.yaml", POD);
	mkpath("mono/plain/sub/pod.yaml", POD);
	mkpath("meta/chart-meta.yaml", "apiVersion: v2\nname: linked\n");
	mkpath("linked/crds/crd.yaml", CRD);
	cr_assert_eq(symlink("../meta/chart-meta.yaml", at("linked/Chart.yaml")), 0);
	mkpath("app/kustomization.yaml", "resources:\n- deploy.yaml\n");
	mkpath("app/deploy.yaml", POD);
	cr_assert_eq(symlink("app", at("alias")), 0);
	mkpath("odd/Chart.yaml/keep.txt", "x\n");
	mkpath("odd/pod.yaml", POD);
}

#endif
