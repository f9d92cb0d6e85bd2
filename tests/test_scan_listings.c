/*
 * tmdk-scan's record of what its walk listed (examples/scan/listings.c),
 * which answers tmdk_units_options.lookup: every answer it gives is what
 * stat says, on a tree of links, a FIFO, hidden, empty and excluded
 * entries; it answers the questions deciding asks most; and the units
 * decided with it are those decided without, on that tree and the
 * fixtures, whatever the root's spelling.
 */
#include "helpers.h"
#include "units_helpers.h"
#include "tmdk-scan.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The units tree, with what else a walk meets. */
static void make_listings_tree(void)
{
	make_units_tree();
	mkpath("excl/kustomization.yaml", "resources:\n- pod.yaml\n");
	mkpath("excl/pod.yaml", POD);
	mkpath("empty", NULL);
	mkpath("deep/a/b/pod.yaml", POD);
	mkpath("node_modules/m/pod.yaml", POD);
	mkpath(".hidden/pod.yaml", POD);
	mkpath("Dockerfile", "FROM alpine\n");
	cr_assert_eq(symlink("nowhere.yaml", at("ghost.yaml")), 0);
	cr_assert_eq(symlink("self", at("self")), 0);
	cr_assert_eq(symlink("..", at("deep/up")), 0);
	cr_assert_eq(symlink("Dockerfile", at("Dockerfile.link")), 0);
	cr_assert_eq(mkfifo(at("pipe"), 0644), 0);
}

static const char *const excludes[] = { "excl/kustomization.yaml" };

static int record(const tmdk_walk_entry *e, void *payload)
{
	listings_add(payload, e);
	return 0;
}

/* Walk root (with the exclusion when `exclude`), recording into a new finished listings. */
static listings *listed(const char *root, int exclude, walked *t)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	listings *l = listings_new(0);
	cr_assert_not_null(l);
	o.excludes = excludes;
	o.exclude_count = exclude ? 1 : 0;
	listings_walk(l, root);
	walk_tree_with(root, &o, record, l, t);
	listings_finish(l);
	return l;
}

/* What stat says of folder/name, as unit.c asks it. */
static int stat_says(const char *folder, const char *name, int want)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", folder, name);
	if (stat(path, &st) != 0)
		return 0;
	return want == -1 || (want == 1 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

typedef struct tally {
	size_t asked, answered;
} tally;

/* Every answer about `name` in `folder` is stat's. */
static void check_name(const listings *l, const char *folder, const char *name, tally *n)
{
	int want;
	for (want = -1; want <= 1; want++) {
		int got = listings_lookup(folder, name, want, (void *)l);
		n->asked++;
		if (got == -1)
			continue;
		n->answered++;
		cr_assert_eq(got, stat_says(folder, name, want), "%s / %s, want %d: %d, stat says %d", folder, name, want,
			got, stat_says(folder, name, want));
	}
}

/* The names deciding asks about, one that is nowhere, and those of the folder. */
static void check_folder(const listings *l, const char *folder, tally *n)
{
	static const char *const asked[] = { ".git", "Chart.yaml", "kustomization.yaml", "kustomization.yml",
		"Kustomization", "absent.yaml", "node_modules", ".hidden", "empty", "sub", "pod.yaml" };
	DIR *d = opendir(folder);
	struct dirent *e;
	size_t i;
	for (i = 0; i < sizeof(asked) / sizeof(*asked); i++)
		check_name(l, folder, asked[i], n);
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			check_name(l, folder, e->d_name, n);
	if (d)
		closedir(d);
}

/*
 * The folders of the tree, each checked: through links too (to a depth:
 * deep/up loops) into `through`, the others into `n`.
 */
static void check_below(const listings *l, const char *folder, int depth, tally *n, tally *through)
{
	DIR *d;
	struct dirent *e;
	char sub[PATH_MAX];
	struct stat st, lst;
	check_folder(l, folder, n);
	if (depth == 0 || !(d = opendir(folder)))
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", folder, e->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && lstat(sub, &lst) == 0)
			check_below(l, sub, depth - 1, S_ISLNK(lst.st_mode) ? through : n, through);
	}
	closedir(d);
}

TestSuite(listings, .init = make_listings_tree, .fini = remove_tree);

Test(listings, every_answer_is_what_stat_says)
{
	int exclude;
	for (exclude = 0; exclude <= 1; exclude++) {
		walked t;
		listings *l = listed(tree, exclude, &t);
		tally n = { 0, 0 }, through = { 0, 0 };
		check_below(l, tree, 5, &n, &through);
		/* above the root (the root is one of its names): not listed */
		check_folder(l, "/tmp", &through);
		cr_log_info("%zu of %zu answered, %zu of %zu through links and above", n.answered, n.asked,
			through.answered, through.asked);
		/* not vacuous (what it answers: what_deciding_asks_is_answered); -1 for a name
		 * wanted as a folder that is in no entry (an empty folder?) and in the
		 * six folders not listed (empty, walked already, not entered) */
		cr_expect_gt(n.answered, n.asked / 3, "%zu of %zu answered", n.answered, n.asked);
		listings_free(l);
		tree_free(&t);
	}
}

/* lookup(tree/folder, name, want). */
static int lookup_in(const listings *l, const char *folder, const char *name, int want)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s%s%s", tree, *folder ? "/" : "", folder);
	return listings_lookup(path, name, want, (void *)l);
}

Test(listings, what_deciding_asks_is_answered)
{
	walked t;
	listings *l = listed(tree, 1, &t);

	cr_expect_eq(lookup_in(l, "mono/repo", ".git", -1), 1, ".git, a folder skipped by default");
	cr_expect_eq(lookup_in(l, "mono/gitfile", ".git", -1), 1, ".git, a file");
	cr_expect_eq(lookup_in(l, "mono/plain", ".git", -1), 0, "a folder of folders is listed too");
	cr_expect_eq(lookup_in(l, "mono/plain/sub", "Chart.yaml", 0), 0);
	cr_expect_eq(lookup_in(l, "mono", "kustomization.yaml", 0), 1);
	cr_expect_eq(lookup_in(l, "mono", "Kustomization", 0), 0);
	cr_expect_eq(lookup_in(l, "mono/repo/sub", "pod.yaml", 1), 0, "a kustomization's resource: a file");
	cr_expect_eq(lookup_in(l, "mono", "repo", 1), 1, "an entered folder");
	cr_expect_eq(lookup_in(l, "linked", "Chart.yaml", 0), 1, "a link to a file, stat'ed by the walk");
	cr_expect_eq(lookup_in(l, "odd", "Chart.yaml", 0), 0, "a folder named Chart.yaml");
	cr_expect_eq(lookup_in(l, "alias", "kustomization.yaml", 0), 1, "in a linked folder");
	cr_expect_eq(lookup_in(l, "", ".git", -1), 0);
	/* not known: stat then */
	cr_expect_eq(lookup_in(l, "app", "kustomization.yaml", 0), -1, "app was walked already, as alias: not listed");
	cr_expect_eq(lookup_in(l, "excl", "kustomization.yaml", 0), -1, "excluded: the walk did not type it");
	cr_expect_eq(lookup_in(l, "excl", "pod.yaml", 0), 1);
	cr_expect_eq(lookup_in(l, "", "empty", 1), -1, "an empty folder the walk entered says nothing");
	cr_expect_eq(lookup_in(l, "", "empty", 0), 0, "but it is no regular file");
	cr_expect_eq(lookup_in(l, "", "ghost.yaml", 0), -1, "a link to nothing");
	cr_expect_eq(lookup_in(l, "", "pipe", -1), -1, "not a regular file");
	cr_expect_eq(lookup_in(l, "", "node_modules", 1), 1);
	cr_expect_eq(lookup_in(l, "", "vendor", -1), 0, "never entered: it would be an entry");
	cr_expect_eq(lookup_in(l, "empty", ".git", -1), -1, "an empty folder is not listed");
	cr_expect_eq(lookup_in(l, "node_modules", "m", 1), -1, "a folder not entered is not listed");
	/* spellings: "." segments and repeated '/' are the same folder; ".." is not (links) */
	cr_expect_eq(lookup_in(l, "./mono//repo/", ".git", -1), 1);
	cr_expect_eq(lookup_in(l, "mono/repo/../repo", ".git", -1), -1);
	/* not a name of the folder */
	cr_expect_eq(lookup_in(l, "mono", "repo/sub", 1), -1);
	cr_expect_eq(lookup_in(l, "mono", "..", 1), -1);
	cr_expect_eq(lookup_in(l, "mono", ".", 1), -1);
	cr_expect_eq(lookup_in(l, "mono", "", -1), -1);
	cr_expect_eq(lookup_in(l, "mono", "kustomization.yaml", 2), -1);
	/* forgotten: nothing is known */
	listings_forget(l);
	cr_expect_eq(lookup_in(l, "mono", "kustomization.yaml", 0), -1);
	cr_expect_eq(lookup_in(l, "mono/plain", ".git", -1), -1);
	listings_free(l);
	tree_free(&t);
}

Test(listings, relative_roots_are_known_as_the_units_ask)
{
	char cwd[PATH_MAX];
	const char *const roots[] = { ".", "./", ".//." };
	size_t i;
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(tree), 0);
	for (i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		walked t;
		listings *l = listed(roots[i], 0, &t);
		cr_expect_eq(listings_lookup(".", "mono", 1, l), 1, "%s", roots[i]);
		cr_expect_eq(listings_lookup(".", "Dockerfile", 0, l), 1, "%s", roots[i]);
		cr_expect_eq(listings_lookup(".", ".git", -1, l), 0, "%s", roots[i]);
		cr_expect_eq(listings_lookup("mono", "kustomization.yaml", 0, l), 1, "%s", roots[i]);
		cr_expect_eq(listings_lookup("mono/plain", ".git", -1, l), 0, "%s", roots[i]);
		cr_expect_eq(listings_lookup("..", "tmp", 1, l), -1, "%s: above the root", roots[i]);
		listings_free(l);
		tree_free(&t);
	}
	cr_assert_eq(chdir(cwd), 0);
}

Test(listings, nothing_is_known_before_the_walks_end)
{
	listings *l = listings_new(0);
	tmdk_error err;
	cr_assert_not_null(l);
	listings_walk(l, tree);
	cr_assert_eq(tmdk_walk(tree, NULL, record, l, &err), TMDK_OK);
	cr_expect_eq(lookup_in(l, "mono", "kustomization.yaml", 0), -1, "not finished");
	listings_finish(l);
	cr_expect_eq(lookup_in(l, "mono", "kustomization.yaml", 0), 1);
	listings_free(l);
	cr_expect_eq(listings_lookup(tree, ".git", -1, NULL), -1);
}

Test(listings, a_walk_of_every_folder_enters_hidden_ones)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	listings *l = listings_new(TMDK_WALK_ALL_FOLDERS);
	walked t;
	tally n = { 0, 0 };
	o.flags = TMDK_WALK_ALL_FOLDERS;
	mkpath("hiddens/.git", NULL); /* entered, empty: nothing says it is there */
	mkpath("hiddens/pod.yaml", POD);
	listings_walk(l, tree);
	walk_tree_with(tree, &o, record, l, &t);
	listings_finish(l);
	cr_expect_eq(lookup_in(l, "hiddens", ".git", -1), -1);
	cr_expect_eq(lookup_in(l, "mono/repo", ".git", -1), 1, "entered, not empty: listed");
	check_below(l, tree, 5, &n, &n);
	listings_free(l);
	tree_free(&t);
}

/* The units of root decided with the listings of its walk are those decided without. */
static void expect_same_units_of(const char *root, int exclude)
{
	tmdk_units_options o = TMDK_UNITS_OPTIONS_INIT;
	tmdk_units *with, *without;
	walked t;
	listings *l = listed(root, exclude, &t);
	o.lookup = listings_lookup;
	o.lookup_payload = l;
	with = decide_walked(root, &t, &o);
	without = decide_walked(root, &t, NULL);
	expect_same_units(without, with, root);
	tmdk_units_free(with);
	tmdk_units_free(without);
	listings_free(l);
	tree_free(&t);
}

Test(listings, the_units_are_those_decided_without)
{
	const char *const fixtures[] = { "units", "units-errors", "kustomize", "units/kustomize/overlay", "units/chart" };
	char cwd[PATH_MAX], root[PATH_MAX], spelled[PATH_MAX + 8];
	walked t;
	tmdk_units *units;
	size_t i;

	expect_same_units_of(tree, 0);
	expect_same_units_of(tree, 1);
	/* the excluded kustomization still claims its folder's pod (stat sees it): no folder unit */
	units = decide(tree, &t, NULL);
	cr_expect_null(unit_ending(units, TMDK_UNIT_FOLDER, "/excl"));
	tmdk_units_free(units);
	tree_free(&t);
	for (i = 0; i < sizeof(fixtures) / sizeof(*fixtures); i++) {
		cr_assert_not_null(realpath(fixture(fixtures[i]), root));
		expect_same_units_of(root, 0);
	}
	/* relative roots, spelled several ways */
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(tree), 0);
	expect_same_units_of(".", 0);
	expect_same_units_of("./", 1);
	expect_same_units_of("mono", 0);
	expect_same_units_of("./mono/", 0);
	expect_same_units_of("alias/../mono", 0);
	cr_assert_eq(chdir("mono/repo"), 0);
	expect_same_units_of("..", 0);
	expect_same_units_of("../../linked", 0);
	snprintf(spelled, sizeof(spelled), "%s//mono/./", tree);
	expect_same_units_of(spelled, 0);
	cr_assert_eq(chdir(cwd), 0);
}
