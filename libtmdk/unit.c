/*
 * Deployment units (include/tmdk/unit.h): which candidate files are
 * deployed together, decided by the tree alone. Paths are handled
 * lexically ("a/b/../c" is "a/c"), as the walk shows them; folders above
 * the scanned roots are read for Chart.yaml and kustomization files so the
 * decision does not depend on where the scan starts.
 *
 * What is in a folder (.git, Chart.yaml, a kustomization file, a resource)
 * is asked of the caller's lookup first (tmdk_units_options.lookup), of
 * stat when it does not know.
 *
 * Allocation failures set u->nomem and the entry point returns TMDK_ENOMEM
 * (nothing half-built is returned).
 */
#include "internal.h"
#include "array.h"
#include "path_map.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tmdk/unit.h"
#include "tmdk/walk.h"
#include "tmdk/node.h"

#define MAX_ANCESTORS 64
#define MAX_KUSTOMIZE_DEPTH 32

typedef struct member {
	char *path;
	tmdk_unit_role role;
	size_t input;                /* index in the files given, or (size_t)-1 */
} member;

struct tmdk_unit {
	tmdk_unit_kind kind;
	char *path;
	char *root;                  /* the folder the inclusion test uses */
	member *members;
	size_t member_count, member_cap;
	char **notes;
	size_t note_count, note_cap;
};

/* One entry a kustomization names: a resource, a component or a patch. */
enum { K_RESOURCE, K_COMPONENT, K_PATCH };

typedef struct kentry {
	char *path;                  /* joined with the kustomization's folder */
	char *written;               /* as written */
	int role;
	int remote;
} kentry;

typedef struct kust {
	const char *folder;          /* its folder's path */
	char *file;                  /* NULL: the folder has no kustomization */
	int component;               /* kind: Component */
	char *problem;               /* could not be parsed: why */
	char *unapplied;             /* fields not applied ("namespace, patches"), or NULL */
	kentry *entries;
	size_t entry_count, entry_cap;
} kust;

/*
 * What is known of a folder, each part asked once: a folder is the
 * ancestor of many files, and each file asks about each of its ancestors
 * (a realpath and a few stats each time was 6% of a scan of 387 files; a
 * linear search of the folders seen grew with the square of the tree).
 * Found by path through folder_at; each is allocated alone, so a kust
 * stays where it is while kust_collect recurses and more folders come.
 */
typedef struct known_folder {
	char *path;
	struct known_folder *parent; /* the folder above, once parent_known; NULL at "/" */
	unsigned char parent_known, facts_known, kust_known;
	unsigned char top;           /* is_top */
	unsigned char chart;         /* holds Chart.yaml */
	kust kust;                   /* once kust_known */
} known_folder;

struct tmdk_units {
	tmdk_unit **items;
	size_t count, cap;
	/* while deciding */
	known_folder **folders;
	size_t folder_count, folder_cap;
	tmdk__path_map folder_at;    /* path -> index in folders */
	tmdk__path_map unit_at[TMDK_UNIT_KIND_COUNT]; /* path -> index in items, one map per kind */
	tmdk_units_lookup_cb lookup; /* tmdk_units_options.lookup, while deciding */
	void *lookup_payload;
	struct stat top_dir;         /* "/", for is_top */
	int top_dir_known;           /* 1 known, -1 not found, 0 not asked */
	int nomem;
	const tmdk_unit_input *files; /* the inputs, by normalized path (sorted) */
	struct sorted_input { const char *path; size_t index; } *sorted;
	size_t file_count;
};

static const char *const kind_names[TMDK_UNIT_KIND_COUNT] = {
	"file", "folder", "compose-project", "kustomization", "helm-chart"
};
static const char *const role_names[TMDK_UNIT_MEMBER_ROLE_COUNT] = { "scanned", "override", "patch", "config" };
static const char *const kustomization_names[] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };
static const char *const compose_mains[] = { "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml" };
static const char *const compose_overrides[] = {
	"compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"
};

/* ---- paths, lexically ---------------------------------------------------------- */

/* "a/./b//../c" -> "a/c"; "" -> "."; leading ".." kept; absolute stays absolute. */
static char *path_normal(const char *p)
{
	size_t len = strlen(p), n = 0, i = 0;
	int absolute = p[0] == '/';
	char *out = tmdk__malloc(len + 2);
	if (!out)
		return NULL;
	if (absolute)
		out[n++] = '/';
	while (i < len) {
		size_t start, seg;
		while (i < len && p[i] == '/')
			i++;
		start = i;
		while (i < len && p[i] != '/')
			i++;
		seg = i - start;
		if (seg == 0 || (seg == 1 && p[start] == '.'))
			continue;
		if (seg == 2 && p[start] == '.' && p[start + 1] == '.') {
			/* Pop the last segment unless it is ".." itself or there is none. */
			size_t base = absolute ? 1 : 0, last = n;
			while (last > base && out[last - 1] != '/')
				last--;
			if (n > base && !(n - last == 2 && out[last] == '.' && out[last + 1] == '.')) {
				n = last > base ? last - 1 : base;
				continue;
			}
			if (absolute && n == 1)
				continue; /* "/.." is "/" */
		}
		if (n > (absolute ? 1u : 0u))
			out[n++] = '/';
		memcpy(out + n, p + start, seg);
		n += seg;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	return out;
}

static char *path_join(const char *dir, const char *rel)
{
	char *joined, *out;
	size_t a, b;
	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return path_normal(rel);
	a = strlen(dir);
	b = strlen(rel);
	if (!(joined = tmdk__malloc(a + b + 2)))
		return NULL;
	memcpy(joined, dir, a);
	joined[a] = '/';
	memcpy(joined + a + 1, rel, b + 1);
	out = path_normal(joined);
	tmdk__free(joined);
	return out;
}

static char *path_dirname(const char *p)
{
	const char *slash = strrchr(p, '/');
	char *out;
	if (!slash)
		return tmdk__strdup(".");
	if (slash == p)
		return tmdk__strdup("/");
	if (!(out = tmdk__malloc((size_t)(slash - p) + 1)))
		return NULL;
	memcpy(out, p, (size_t)(slash - p));
	out[slash - p] = '\0';
	return out;
}

static const char *path_basename(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

/* Only "..", "../.." … or ".": the parent is one more "..". */
static int only_dots(const char *p)
{
	const char *s = p;
	while (*s) {
		if (s[0] == '.' && (s[1] == '/' || s[1] == '\0'))
			s += 1;
		else if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0'))
			s += 2;
		else
			return 0;
		if (*s == '/')
			s++;
	}
	return 1;
}

/* The folder above, or NULL at the top. */
static char *path_parent(const char *folder)
{
	if (strcmp(folder, "/") == 0)
		return NULL;
	if (only_dots(folder))
		return path_join(folder, "..");
	return path_dirname(folder);
}

/* Lexically: path is folder or below it. */
static int path_under(const char *path, const char *folder)
{
	size_t n;
	if (strcmp(folder, ".") == 0)
		return path[0] != '/' && strcmp(path, "..") != 0 && strncmp(path, "../", 3) != 0;
	if (strcmp(folder, "/") == 0)
		return path[0] == '/';
	n = strlen(folder);
	return strncmp(path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ---- what is in a folder ------------------------------------------------------ */

/* What a question asks for (tmdk_units_lookup_cb's `want`). */
enum { WANT_ANY = -1, WANT_FILE = 0, WANT_FOLDER = 1 };

/* stat says path is there, of the type wanted. */
static int stat_is(const char *path, int want)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	return want == WANT_ANY || (want == WANT_FOLDER ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/*
 * path, which is `name` in `folder`, is there, of the type wanted. The
 * caller's lookup answers first (tmdk-scan's walk has just listed the
 * folders: asking the file system again was 1,300 of the 1,590 stats of
 * deciding the corpus's units); stat when it does not know, or with no
 * folder to ask about.
 */
static int lookup_or_stat(const tmdk_units *us, const char *path, const char *folder, const char *name, int want)
{
	int known = us->lookup && folder ? us->lookup(folder, name, want, us->lookup_payload) : -1;
	return known >= 0 ? known > 0 : stat_is(path, want);
}

static int exists_in(const tmdk_units *us, const char *folder, const char *name, int want)
{
	char buf[PATH_MAX];
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", folder, name) >= sizeof(buf))
		return 0;
	return lookup_or_stat(us, buf, folder, name, want);
}

/* A lexically normal path, asked as its last name in its folder ("." for "a.yaml"). */
static int path_is(const tmdk_units *us, const char *path, int want)
{
	char folder[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || n >= sizeof(folder))
		return lookup_or_stat(us, path, NULL, NULL, want);
	if (!slash)
		return lookup_or_stat(us, path, ".", name, want);
	memcpy(folder, path, n);
	folder[n] = '\0';
	return lookup_or_stat(us, path, folder, name, want);
}

/*
 * The top of what is read above a folder: a folder holding .git, or "/"
 * (its realpath is "/", or it has none). realpath costs a readlink per
 * component and a getcwd, so it is asked only of a folder that is "/" by
 * device and inode: another one cannot resolve to "/", and a folder stat
 * cannot reach cannot be resolved either.
 */
static int is_top(tmdk_units *us, const char *folder)
{
	char real[PATH_MAX];
	struct stat st;
	if (exists_in(us, folder, ".git", WANT_ANY))
		return 1;
	if (stat(folder, &st) != 0)
		return 1;
	if (!us->top_dir_known)
		us->top_dir_known = stat("/", &us->top_dir) == 0 ? 1 : -1;
	if (us->top_dir_known > 0 && (st.st_dev != us->top_dir.st_dev || st.st_ino != us->top_dir.st_ino))
		return 0;
	return !realpath(folder, real) || strcmp(real, "/") == 0;
}

/* The record of a folder, made when new; NULL when out of memory. */
static known_folder *folder_get(tmdk_units *us, const char *path)
{
	known_folder *f;
	size_t i;
	if (tmdk__path_map_get(&us->folder_at, path, &i))
		return us->folders[i];
	if (TMDK__ARRAY_RESERVE(us->folders, us->folder_count, us->folder_cap, 16) != TMDK_OK ||
	    !(f = tmdk__calloc(1, sizeof(*f)))) {
		us->nomem = 1;
		return NULL;
	}
	if (!(f->path = tmdk__strdup(path)) || tmdk__path_map_add(&us->folder_at, f->path, us->folder_count) != TMDK_OK) {
		tmdk__free(f->path);
		tmdk__free(f);
		us->nomem = 1;
		return NULL;
	}
	f->kust.folder = f->path;
	us->folders[us->folder_count++] = f;
	return f;
}

/* The folder above, made when new; NULL at "/" and when out of memory. */
static known_folder *folder_parent(tmdk_units *us, known_folder *f)
{
	char *up;
	if (f->parent_known)
		return f->parent;
	if (!(up = path_parent(f->path))) {
		if (strcmp(f->path, "/") != 0)
			us->nomem = 1;
		else
			f->parent_known = 1;
		return NULL;
	}
	f->parent = folder_get(us, up);
	f->parent_known = f->parent != NULL;
	tmdk__free(up);
	return f->parent;
}

/* What the file system says of the folder: asked once. */
static void folder_facts(tmdk_units *us, known_folder *f)
{
	if (f->facts_known)
		return;
	f->top = (unsigned char)is_top(us, f->path);
	f->chart = (unsigned char)exists_in(us, f->path, "Chart.yaml", WANT_FILE);
	f->facts_known = 1;
}

static void kust_free(kust *k);

/* What was known of the folders and units while deciding. */
static void deciding_free(tmdk_units *us)
{
	size_t i;
	for (i = 0; i < us->folder_count; i++) {
		kust_free(&us->folders[i]->kust);
		tmdk__free(us->folders[i]->path);
		tmdk__free(us->folders[i]);
	}
	tmdk__free(us->folders);
	us->folders = NULL;
	us->folder_count = us->folder_cap = 0;
	tmdk__path_map_free(&us->folder_at);
	for (i = 0; i < TMDK_UNIT_KIND_COUNT; i++)
		tmdk__path_map_free(&us->unit_at[i]);
}

/* ---- units ---------------------------------------------------------------------- */

static void unit_free(tmdk_unit *u)
{
	size_t i;
	if (!u)
		return;
	for (i = 0; i < u->member_count; i++)
		tmdk__free(u->members[i].path);
	for (i = 0; i < u->note_count; i++)
		tmdk__free(u->notes[i]);
	tmdk__free(u->members);
	tmdk__free(u->notes);
	tmdk__free(u->path);
	tmdk__free(u->root);
	tmdk__free(u);
}

static tmdk_unit *unit_find(tmdk_units *us, tmdk_unit_kind kind, const char *path)
{
	size_t i;
	return tmdk__path_map_get(&us->unit_at[kind], path, &i) ? us->items[i] : NULL;
}

/* The unit of this kind and path, made when new; NULL when out of memory. */
static tmdk_unit *unit_get(tmdk_units *us, tmdk_unit_kind kind, const char *path, const char *root)
{
	tmdk_unit *u = unit_find(us, kind, path);
	if (u)
		return u;
	if (TMDK__ARRAY_RESERVE(us->items, us->count, us->cap, 16) != TMDK_OK || !(u = tmdk__calloc(1, sizeof(*u)))) {
		us->nomem = 1;
		return NULL;
	}
	u->kind = kind;
	u->path = tmdk__strdup(path);
	u->root = tmdk__strdup(root);
	if (!u->path || !u->root || tmdk__path_map_add(&us->unit_at[kind], u->path, us->count) != TMDK_OK) {
		unit_free(u);
		us->nomem = 1;
		return NULL;
	}
	us->items[us->count++] = u;
	return u;
}

/* The input with this normalized path, or (size_t)-1. */
static size_t input_of(const tmdk_units *us, const char *path)
{
	size_t lo = 0, hi = us->file_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, us->sorted[mid].path);
		if (c == 0)
			return us->sorted[mid].index;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

/*
 * Whether u has the member (path as stored, input as input_of found it).
 * A path input_of finds is always stored as the same input's path, and
 * one it does not find (normalized) is no input's path as given (that
 * would normalize to it): the input decides, and strings are compared only
 * between members that are no input. A folder of many manifests made this
 * quadratic in strcmp.
 */
static int has_member(const tmdk_unit *u, const char *path, size_t input)
{
	size_t i;
	for (i = 0; i < u->member_count; i++)
		if (u->members[i].input == input && (input != (size_t)-1 || strcmp(u->members[i].path, path) == 0))
			return 1;
	return 0;
}

static void unit_member(tmdk_units *us, tmdk_unit *u, const char *path, tmdk_unit_role role)
{
	size_t input;
	if (!u)
		return;
	input = input_of(us, path);
	if (input != (size_t)-1)
		path = us->files[input].path; /* as given */
	if (has_member(u, path, input))
		return;
	if (TMDK__ARRAY_RESERVE(u->members, u->member_count, u->member_cap, 8) != TMDK_OK ||
	    !(u->members[u->member_count].path = tmdk__strdup(path))) {
		us->nomem = 1;
		return;
	}
	u->members[u->member_count].input = input;
	u->members[u->member_count++].role = role;
}

static void unit_note(tmdk_units *us, tmdk_unit *u, const char *fmt, ...) TMDK__PRINTF(3, 4);
static void unit_note(tmdk_units *us, tmdk_unit *u, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t i;
	if (!u)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < u->note_count; i++)
		if (strcmp(u->notes[i], buf) == 0)
			return;
	if (TMDK__ARRAY_RESERVE(u->notes, u->note_count, u->note_cap, 2) != TMDK_OK ||
	    !(u->notes[u->note_count] = tmdk__strdup(buf))) {
		us->nomem = 1;
		return;
	}
	u->note_count++;
}

/* ---- kustomization files ----------------------------------------------------------- */

static int is_kustomization_name(const char *base)
{
	size_t i;
	for (i = 0; i < sizeof(kustomization_names) / sizeof(*kustomization_names); i++)
		if (strcmp(base, kustomization_names[i]) == 0)
			return 1;
	return 0;
}

static int is_remote(const char *s)
{
	return strstr(s, "://") || strncmp(s, "github.com/", 11) == 0 || strncmp(s, "git@", 4) == 0 ||
		strncmp(s, "git::", 5) == 0;
}

static void kust_add(tmdk_units *us, kust *k, const tmdk_node *n, int role)
{
	size_t len;
	const char *text = tmdk_node_text(n, &len);
	kentry *e;
	if (!text || !len || memchr(text, '\n', len) || strlen(text) != len)
		return; /* not a path: an inline patch */
	if (TMDK__ARRAY_RESERVE(k->entries, k->entry_count, k->entry_cap, 8) != TMDK_OK) {
		us->nomem = 1;
		return;
	}
	e = &k->entries[k->entry_count];
	e->role = role;
	e->remote = is_remote(text);
	e->written = tmdk__strdup(text);
	e->path = e->remote ? tmdk__strdup(text) : path_join(k->folder, text);
	if (!e->written || !e->path) {
		tmdk__free(e->written);
		tmdk__free(e->path);
		us->nomem = 1;
		return;
	}
	k->entry_count++;
}

/* A list of paths, or of maps with `path` (patches, patchesJson6902). */
static void kust_list(tmdk_units *us, kust *k, const tmdk_node *list, int role)
{
	size_t i;
	if (!list || tmdk_node_get_type(list) != TMDK_NODE_SEQUENCE)
		return;
	for (i = 0; i < tmdk_node_size(list); i++) {
		const tmdk_node *item = tmdk_node_at(list, i);
		if (tmdk_node_get_type(item) == TMDK_NODE_MAP)
			item = tmdk_node_get(item, "path");
		if (item && tmdk_node_get_type(item) == TMDK_NODE_SCALAR)
			kust_add(us, k, item, role);
	}
}

/* The fields this version follows; any other is listed as not applied. */
static const char *const followed_fields[] = {
	"apiVersion", "kind", "resources", "bases", "crds", "components", "metadata"
};

static void kust_read(tmdk_units *us, kust *k)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	const tmdk_node *root, *kind;
	char unapplied[512];
	size_t i, used = 0;

	o.kind = TMDK_KIND_KUBERNETES;
	if (tmdk_artifact_parse_file(&a, k->file, &o, &err) != TMDK_OK) {
		char buf[600];
		if (err.code == TMDK_ENOMEM)
			us->nomem = 1;
		snprintf(buf, sizeof(buf), "%s:%u:%u: %s", k->file, err.line, err.column, err.message);
		if (!(k->problem = tmdk__strdup(buf)))
			us->nomem = 1;
		return;
	}
	root = tmdk_artifact_document_count(a) ? tmdk_document_root(tmdk_artifact_document(a, 0)) : NULL;
	if (!root || tmdk_node_get_type(root) != TMDK_NODE_MAP) {
		char buf[600];
		snprintf(buf, sizeof(buf), "%s: not a kustomization (no map)", k->file);
		if (!(k->problem = tmdk__strdup(buf)))
			us->nomem = 1;
		tmdk_artifact_free(a);
		return;
	}
	kind = tmdk_node_get(root, "kind");
	k->component = kind && tmdk_node_text_equals(kind, "Component");
	kust_list(us, k, tmdk_node_get(root, "resources"), K_RESOURCE);
	kust_list(us, k, tmdk_node_get(root, "bases"), K_RESOURCE);
	kust_list(us, k, tmdk_node_get(root, "crds"), K_RESOURCE);
	kust_list(us, k, tmdk_node_get(root, "components"), K_COMPONENT);
	kust_list(us, k, tmdk_node_get(root, "patches"), K_PATCH);
	kust_list(us, k, tmdk_node_get(root, "patchesStrategicMerge"), K_PATCH);
	kust_list(us, k, tmdk_node_get(root, "patchesJson6902"), K_PATCH);
	unapplied[0] = '\0';
	for (i = 0; i < tmdk_node_size(root); i++) {
		size_t f, len;
		const char *key = tmdk_node_text(tmdk_node_key_at(root, i), &len);
		int followed = 0;
		if (!key)
			continue;
		for (f = 0; f < sizeof(followed_fields) / sizeof(*followed_fields); f++)
			followed |= strcmp(key, followed_fields[f]) == 0;
		if (followed || used + len + 3 >= sizeof(unapplied))
			continue;
		used += (size_t)snprintf(unapplied + used, sizeof(unapplied) - used, "%s%s", used ? ", " : "", key);
	}
	if (used && !(k->unapplied = tmdk__strdup(unapplied)))
		us->nomem = 1;
	tmdk_artifact_free(a);
}

/* The kustomization of a folder, read once; kust.file NULL when there is none. */
static kust *kust_at(tmdk_units *us, known_folder *f)
{
	kust *k = &f->kust;
	size_t i;
	if (f->kust_known)
		return k;
	f->kust_known = 1;
	for (i = 0; i < sizeof(kustomization_names) / sizeof(*kustomization_names); i++)
		if (exists_in(us, f->path, kustomization_names[i], WANT_FILE)) {
			if (!(k->file = path_join(f->path, kustomization_names[i]))) {
				us->nomem = 1;
				return k;
			}
			kust_read(us, k);
			break;
		}
	return k;
}

static void kust_free(kust *k)
{
	size_t i;
	for (i = 0; i < k->entry_count; i++) {
		tmdk__free(k->entries[i].path);
		tmdk__free(k->entries[i].written);
	}
	tmdk__free(k->entries);
	tmdk__free(k->file);
	tmdk__free(k->problem);
	tmdk__free(k->unapplied);
}

/*
 * A kustomization in the file's folder or above names it (and it lies
 * under that kustomization's folder): TMDK_UNIT_MEMBER_PATCH or
 * TMDK_UNIT_MEMBER_SCANNED; -1 when none does.
 */
static int claimed(tmdk_units *us, const char *path, known_folder *f)
{
	int role = -1, depth = 0;
	while (f && depth++ < MAX_ANCESTORS && !us->nomem) {
		const kust *k = kust_at(us, f);
		size_t i;
		for (i = 0; k->file && i < k->entry_count; i++) {
			const kentry *e = &k->entries[i];
			if (e->remote || e->role == K_COMPONENT || strcmp(e->path, path) != 0)
				continue;
			if (e->role == K_PATCH)
				role = TMDK_UNIT_MEMBER_PATCH;
			else if (role < 0)
				role = TMDK_UNIT_MEMBER_SCANNED;
		}
		if (role == TMDK_UNIT_MEMBER_PATCH)
			break;
		folder_facts(us, f);
		if (f->top)
			break;
		f = folder_parent(us, f);
	}
	return role;
}

/* The members of a kustomization (or component) folder, into u. */
static void kust_collect(tmdk_units *us, tmdk_unit *u, known_folder *f, int depth)
{
	const kust *k = f ? kust_at(us, f) : NULL;
	size_t i;
	if (!k || us->nomem)
		return;
	if (!k->file) {
		unit_note(us, u, "`%s` has no kustomization file: not followed", f->path);
		return;
	}
	for (i = 0; i < u->member_count; i++)
		if (strcmp(u->members[i].path, k->file) == 0)
			return; /* already followed (a cycle, or used twice) */
	if (depth > MAX_KUSTOMIZE_DEPTH) {
		unit_note(us, u, "%s: kustomizations nested deeper than %d: not followed", k->file, MAX_KUSTOMIZE_DEPTH);
		return;
	}
	unit_member(us, u, k->file, TMDK_UNIT_MEMBER_CONFIG);
	if (k->problem) {
		unit_note(us, u, "kustomization not read: %s", k->problem);
		return;
	}
	if (k->unapplied)
		unit_note(us, u, "%s: not applied (its resources are scanned as written): %s", k->file, k->unapplied);
	for (i = 0; i < k->entry_count && !us->nomem; i++) {
		const kentry *e = &k->entries[i];
		if (e->remote) {
			unit_note(us, u, "%s: remote %s `%s` not followed", k->file,
				e->role == K_PATCH ? "patch" : "resource", e->written);
		} else if (e->role == K_PATCH) {
			if (path_is(us, e->path, WANT_FILE))
				unit_member(us, u, e->path, TMDK_UNIT_MEMBER_PATCH);
			else
				unit_note(us, u, "%s: patch `%s` not found", k->file, e->written);
		} else if (path_is(us, e->path, WANT_FOLDER)) {
			kust_collect(us, u, folder_get(us, e->path), depth + 1);
		} else if (path_is(us, e->path, WANT_FILE) && e->role == K_RESOURCE) {
			unit_member(us, u, e->path, TMDK_UNIT_MEMBER_SCANNED);
		} else {
			unit_note(us, u, "%s: %s `%s` not found", k->file,
				e->role == K_COMPONENT ? "component" : "resource", e->written);
		}
	}
}

/* ---- Helm charts ------------------------------------------------------------------ */

/* The outermost folder with Chart.yaml at or above f, or NULL. */
static known_folder *outer_chart(tmdk_units *us, known_folder *f)
{
	known_folder *chart = NULL;
	int depth = 0;
	while (f && depth++ < MAX_ANCESTORS) {
		folder_facts(us, f);
		if (f->chart)
			chart = f;
		if (f->top)
			break;
		f = folder_parent(us, f);
	}
	return us->nomem ? NULL : chart;
}

/* ---- compose projects --------------------------------------------------------------- */

static int name_in(const char *base, const char *const *names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(base, names[i]) == 0)
			return (int)i;
	return -1;
}

static int is_configured_override(const tmdk_units_options *o, const char *base)
{
	size_t i;
	for (i = 0; i < o->compose_override_count; i++)
		if (tmdk_glob_match(o->compose_overrides[i], base))
			return 1;
	return 0;
}

/* The compose files of one folder (indexes into files): the main, its overrides, other projects. */
static void compose_folder(tmdk_units *us, const tmdk_unit_input *files, const size_t *idx, size_t n,
	const char *folder, const tmdk_units_options *o)
{
	size_t i, main = (size_t)-1;
	int best = 4;
	tmdk_unit *project = NULL;

	for (i = 0; i < n; i++) {
		int at = name_in(path_basename(files[idx[i]].path), compose_mains, 4);
		if (at >= 0 && at < best) {
			best = at;
			main = idx[i];
		}
	}
	if (main != (size_t)-1) {
		project = unit_get(us, TMDK_UNIT_COMPOSE_PROJECT, files[main].path, folder);
		unit_member(us, project, files[main].path, TMDK_UNIT_MEMBER_SCANNED);
	}
	for (i = 0; i < n; i++) {
		const char *p = files[idx[i]].path, *base = path_basename(p);
		int override;
		if (idx[i] == main)
			continue;
		override = name_in(base, compose_overrides, 4) >= 0 ||
			(is_configured_override(o, base) && name_in(base, compose_mains, 4) < 0);
		/* As docker compose: compose.override.* goes with compose.*, docker-compose.override.* with docker-compose.*. */
		if (override && project && name_in(base, compose_overrides, 4) >= 0 &&
		    (strncmp(base, "docker-", 7) == 0) != (strncmp(path_basename(files[main].path), "docker-", 7) == 0)) {
			tmdk_unit *alone = unit_get(us, TMDK_UNIT_COMPOSE_PROJECT, p, folder);
			unit_member(us, alone, p, TMDK_UNIT_MEMBER_OVERRIDE);
			unit_note(us, alone, "%s: not the override of %s (docker compose applies %s only to %s): "
				"not a complete project, not scanned", p, files[main].path, base,
				strncmp(base, "docker-", 7) == 0 ? "docker-compose.yml" : "compose.yaml");
			continue;
		}
		if (override && project) {
			unit_member(us, project, p, TMDK_UNIT_MEMBER_OVERRIDE);
		} else if (override) {
			tmdk_unit *alone = unit_get(us, TMDK_UNIT_COMPOSE_PROJECT, p, folder);
			unit_member(us, alone, p, TMDK_UNIT_MEMBER_OVERRIDE);
			unit_note(us, alone, "%s: a compose override without a main compose file in its folder "
				"(compose.yaml, docker-compose.yml…): not a complete project, not scanned", p);
		} else {
			tmdk_unit *own = unit_get(us, TMDK_UNIT_COMPOSE_PROJECT, p, folder);
			unit_member(us, own, p, TMDK_UNIT_MEMBER_SCANNED);
		}
	}
}

/* ---- deciding ----------------------------------------------------------------------- */

static int compare_units(const void *pa, const void *pb)
{
	const tmdk_unit *a = *(const tmdk_unit *const *)pa, *b = *(const tmdk_unit *const *)pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

/* root_folder[i]: roots[i] is a folder (asked once per call, not once per unit). */
static int unit_inside(const tmdk_unit *u, const unsigned char *root_folder, size_t root_count,
	char *const *normal_roots)
{
	size_t i, m;
	for (i = 0; i < root_count; i++) {
		if (root_folder[i]) {
			if (path_under(u->root, normal_roots[i]))
				return 1;
			continue;
		}
		for (m = 0; m < u->member_count; m++)
			if (strcmp(u->members[m].path, normal_roots[i]) == 0)
				return 1;
	}
	return 0;
}

/* The compose files, grouped by folder (inputs are in walk order: a folder's files are together, not always). */
static void decide_compose(tmdk_units *us, const tmdk_unit_input *files, const size_t *compose, size_t n,
	char *const *folders, const tmdk_units_options *o)
{
	size_t *group = tmdk__calloc(n + 1, sizeof(*group));
	unsigned char *done = tmdk__calloc(n + 1, 1);
	size_t i, j;
	if (!group || !done) {
		us->nomem = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t g = 0;
		if (done[i])
			continue;
		for (j = i; j < n; j++)
			if (!done[j] && strcmp(folders[compose[j]], folders[compose[i]]) == 0) {
				group[g++] = compose[j];
				done[j] = 1;
			}
		compose_folder(us, files, group, g, folders[compose[i]], o);
	}
out:
	tmdk__free(group);
	tmdk__free(done);
}

static void decide_file(tmdk_units *us, const tmdk_unit_input *in, size_t index, const char *path,
	const char *folder_path, size_t *compose, size_t *compose_count)
{
	const char *base = path_basename(path);
	known_folder *f = folder_get(us, folder_path), *chart;
	tmdk_unit *u;

	if (!f)
		return;
	if ((chart = outer_chart(us, f)) != NULL) {
		char *crds = path_join(chart->path, "crds");
		u = unit_get(us, TMDK_UNIT_HELM_CHART, chart->path, chart->path);
		if (crds && path_under(path, crds) && in->kind != TMDK_KIND_UNKNOWN)
			unit_member(us, u, path, TMDK_UNIT_MEMBER_SCANNED);
		else if (strcmp(base, "Chart.yaml") == 0 && f == chart)
			unit_member(us, u, path, TMDK_UNIT_MEMBER_CONFIG);
		if (!crds)
			us->nomem = 1;
		tmdk__free(crds);
		return;
	}
	if (is_kustomization_name(base)) {
		const kust *k = kust_at(us, f);
		if (k->file && !k->component && strcmp(k->file, path) == 0) {
			u = unit_get(us, TMDK_UNIT_KUSTOMIZATION, f->path, f->path);
			if (u && !u->member_count)
				kust_collect(us, u, f, 0);
		}
		return;
	}
	if (in->kind == TMDK_KIND_UNKNOWN || claimed(us, path, f) >= 0)
		return;
	switch (in->kind) {
	case TMDK_KIND_COMPOSE:
		compose[(*compose_count)++] = index;
		break;
	case TMDK_KIND_KUBERNETES:
		u = unit_get(us, TMDK_UNIT_FOLDER, folder_path, folder_path);
		unit_member(us, u, path, TMDK_UNIT_MEMBER_SCANNED);
		break;
	default:
		u = unit_get(us, TMDK_UNIT_FILE, path, folder_path);
		unit_member(us, u, path, TMDK_UNIT_MEMBER_SCANNED);
		break;
	}
}

static int compare_sorted(const void *pa, const void *pb)
{
	const struct sorted_input *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

/* The size of an options structure of that version (version 1 ends before lookup); 0 when unknown. */
static size_t options_size(unsigned int version)
{
	switch (version) {
	case 1:
		return offsetof(tmdk_units_options, lookup);
	case TMDK_UNITS_OPTIONS_VERSION:
		return sizeof(tmdk_units_options);
	default:
		return 0;
	}
}

int tmdk_units_options_init(tmdk_units_options *opts, unsigned int version)
{
	tmdk_units_options init = TMDK_UNITS_OPTIONS_INIT;
	size_t size = options_size(version);
	if (!opts || !size)
		return TMDK_EINVAL;
	init.version = version;
	memcpy(opts, &init, size);
	return TMDK_OK;
}

int tmdk_units_decide(tmdk_units **out, const char *const *roots, size_t root_count, const tmdk_unit_input *files,
	size_t file_count, const tmdk_units_options *opts, tmdk_error *err)
{
	tmdk_units_options defaults = TMDK_UNITS_OPTIONS_INIT;
	tmdk_units *us;
	char **paths = NULL, **folders = NULL, **normal_roots = NULL;
	unsigned char *root_folder = NULL;
	size_t *compose = NULL, compose_count = 0, i, kept;

	if (out)
		*out = NULL;
	if (!out || (!roots && root_count) || (!files && file_count))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	if (!opts)
		opts = &defaults;
	if (!options_size(opts->version))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "unsupported tmdk_units_options version %u (expected 1 to %u)",
			opts->version, TMDK_UNITS_OPTIONS_VERSION);
	if (!opts->compose_overrides && opts->compose_override_count)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid units options");
	if (!(us = tmdk__calloc(1, sizeof(*us))))
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	if (opts->version >= 2) { /* a version 1 structure ends before lookup */
		us->lookup = opts->lookup;
		us->lookup_payload = opts->lookup_payload;
	}
	paths = tmdk__calloc(file_count + 1, sizeof(*paths));
	folders = tmdk__calloc(file_count + 1, sizeof(*folders));
	normal_roots = tmdk__calloc(root_count + 1, sizeof(*normal_roots));
	root_folder = tmdk__calloc(root_count + 1, 1);
	compose = tmdk__calloc(file_count + 1, sizeof(*compose));
	if (!paths || !folders || !normal_roots || !root_folder || !compose)
		us->nomem = 1;
	for (i = 0; !us->nomem && i < root_count; i++)
		if (!roots[i] || !(normal_roots[i] = path_normal(roots[i])))
			us->nomem = 1;
	for (i = 0; !us->nomem && i < file_count; i++)
		if (!files[i].path || !(paths[i] = path_normal(files[i].path)) || !(folders[i] = path_dirname(paths[i])))
			us->nomem = 1;
	if (!us->nomem && !(us->sorted = tmdk__calloc(file_count + 1, sizeof(*us->sorted))))
		us->nomem = 1;
	if (!us->nomem) {
		for (i = 0; i < file_count; i++) {
			us->sorted[i].path = paths[i];
			us->sorted[i].index = i;
		}
		if (file_count > 1)
			qsort(us->sorted, file_count, sizeof(*us->sorted), compare_sorted);
		us->files = files;
		us->file_count = file_count;
	}
	for (i = 0; !us->nomem && i < file_count; i++) {
		decide_file(us, &files[i], i, paths[i], folders[i], compose, &compose_count);
	}
	if (!us->nomem) {
		/* The compose files with their paths as normalized. */
		tmdk_unit_input *normal = tmdk__calloc(file_count + 1, sizeof(*normal));
		if (!normal) {
			us->nomem = 1;
		} else {
			for (i = 0; i < file_count; i++) {
				normal[i].path = paths[i];
				normal[i].kind = files[i].kind;
			}
			decide_compose(us, normal, compose, compose_count, folders, opts);
			tmdk__free(normal);
		}
	}
	/* Only the units rooted inside the roots; no empty chart (a crds-less chart still is one). */
	for (i = 0; !us->nomem && us->count && i < root_count; i++)
		root_folder[i] = (unsigned char)stat_is(roots[i], WANT_FOLDER); /* as given: not asked of lookup */
	for (i = kept = 0; !us->nomem && i < us->count; i++) {
		if (unit_inside(us->items[i], root_folder, root_count, normal_roots))
			us->items[kept++] = us->items[i];
		else
			unit_free(us->items[i]);
	}
	if (!us->nomem)
		us->count = kept;
	for (i = 0; i < file_count; i++) {
		tmdk__free(paths ? paths[i] : NULL);
		tmdk__free(folders ? folders[i] : NULL);
	}
	for (i = 0; i < root_count && normal_roots; i++)
		tmdk__free(normal_roots[i]);
	tmdk__free(paths);
	tmdk__free(folders);
	tmdk__free(normal_roots);
	tmdk__free(root_folder);
	tmdk__free(compose);
	tmdk__free(us->sorted);
	us->sorted = NULL;
	us->files = NULL;
	us->file_count = 0;
	us->lookup = NULL; /* the payload may not outlive the call */
	us->lookup_payload = NULL;
	deciding_free(us);
	if (us->nomem) {
		tmdk_units_free(us);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (us->count > 1)
		qsort(us->items, us->count, sizeof(*us->items), compare_units);
	*out = us;
	return TMDK_OK;
}

void tmdk_units_free(tmdk_units *us)
{
	size_t i;
	if (!us)
		return;
	for (i = 0; i < us->count; i++)
		unit_free(us->items[i]);
	deciding_free(us);
	tmdk__free(us->sorted);
	tmdk__free(us->items);
	tmdk__free(us);
}

size_t tmdk_units_count(const tmdk_units *us)
{
	return us ? us->count : 0;
}

const tmdk_unit *tmdk_units_at(const tmdk_units *us, size_t index)
{
	return us && index < us->count ? us->items[index] : NULL;
}

tmdk_unit_kind tmdk_unit_get_kind(const tmdk_unit *u)
{
	return u ? u->kind : TMDK_UNIT_FILE;
}

const char *tmdk_unit_kind_name(tmdk_unit_kind kind)
{
	return (unsigned int)kind < TMDK_UNIT_KIND_COUNT ? kind_names[kind] : NULL;
}

const char *tmdk_unit_path(const tmdk_unit *u)
{
	return u ? u->path : NULL;
}

size_t tmdk_unit_member_count(const tmdk_unit *u)
{
	return u ? u->member_count : 0;
}

size_t tmdk_unit_member_input(const tmdk_unit *u, size_t index)
{
	return u && index < u->member_count ? u->members[index].input : (size_t)-1;
}

const char *tmdk_unit_member(const tmdk_unit *u, size_t index, tmdk_unit_role *role_out)
{
	if (!u || index >= u->member_count)
		return NULL;
	if (role_out)
		*role_out = u->members[index].role;
	return u->members[index].path;
}

size_t tmdk_unit_note_count(const tmdk_unit *u)
{
	return u ? u->note_count : 0;
}

const char *tmdk_unit_note(const tmdk_unit *u, size_t index)
{
	return u && index < u->note_count ? u->notes[index] : NULL;
}

const char *tmdk_unit_role_name(tmdk_unit_role role)
{
	return (unsigned int)role < TMDK_UNIT_MEMBER_ROLE_COUNT ? role_names[role] : NULL;
}
