/*
 * What the walk saw of each folder it listed, kept for deciding the units
 * (tmdk_units_options.lookup): whether a folder holds .git, Chart.yaml or a
 * kustomization file, or a kustomization's resource is a file, is answered
 * from the listing instead of a stat of each name in each folder (1,300
 * of the 1,590 stats of deciding the corpus's units, half of its time).
 * The library stats whatever is answered -1, so an answer is given only
 * when the walk knew what stat would say; the rules are at
 * listings_lookup.
 *
 * Entries are recorded in walk order, then sorted by folder and name once
 * the walks are done (listings_finish), and forgotten once the units are
 * decided. Memory a process touches first is dear on the project's machine
 * (docs/performance.md): the strings go in blocks that are never copied
 * and are small enough for malloc to reuse them once freed. Out of memory
 * while recording, the record is forgotten and the units are decided as
 * without it (stat for everything): a shortcut that could not be kept
 * changes no result, so it does not fail the scan.
 */
#include "tmdk-scan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum entry_type { TYPE_UNKNOWN = 0, TYPE_FILE, TYPE_FOLDER };
enum { WANT_ANY = -1, WANT_FILE = 0, WANT_FOLDER = 1 }; /* tmdk_units_lookup_cb's `want` */

/* Below malloc's mmap threshold (128 KB): a freed block is reused, not unmapped. Holds any path. */
#define BLOCK_SIZE 32768

typedef struct block {
	struct block *next;
	size_t used;
	char text[BLOCK_SIZE];
} block;

typedef struct listed {
	const char *folder, *name;   /* in the blocks */
	unsigned char type;
} listed;

struct listings {
	int all_folders;             /* the walk enters every folder (TMDK_WALK_ALL_FOLDERS) */
	const char *root;            /* the folder being walked, as given */
	size_t root_len;             /* the length of its key: the folders below are longer (0 for "."; -1 too long) */
	block *blocks;               /* the folders' and names' strings, the newest first */
	listed *items;
	size_t count, item_cap;
	const char *last_folder;     /* the last entry's folder, NULL at a walk's start */
	char last_path[PATH_MAX];    /* its path as walked, up to its name: an entry from the same folder is not cleaned again */
	size_t last_path_len;
	int finished;                /* sorted: lookups may answer */
	int forgotten;               /* nothing known: every lookup says -1 */
};

listings *listings_new(unsigned int walk_flags)
{
	listings *l = calloc(1, sizeof(*l));
	if (l)
		l->all_folders = (walk_flags & TMDK_WALK_ALL_FOLDERS) != 0;
	return l;
}

void listings_forget(listings *l)
{
	if (!l)
		return;
	while (l->blocks) {
		block *next = l->blocks->next;
		free(l->blocks);
		l->blocks = next;
	}
	free(l->items);
	l->items = NULL;
	l->count = l->item_cap = 0;
	l->last_folder = NULL;
	l->forgotten = 1;
}

void listings_free(listings *l)
{
	listings_forget(l);
	free(l);
}

/*
 * A folder's path without "." segments and repeated or trailing '/'
 * ("./a//b/" is "a/b", "" is "."): the same folder to stat. ".." stays
 * ("a/b/.." is not "a" when b is a symbolic link). @return its length, or
 * 0 when it does not fit in `size`.
 */
static size_t clean_folder(char *out, size_t size, const char *p, size_t len)
{
	size_t n = 0, i = 0;
	if (size < 2)
		return 0;
	if (len && p[0] == '/')
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
		if (n + seg + 2 > size)
			return 0;
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, p + start, seg);
		n += seg;
	}
	if (!n)
		out[n++] = '.';
	out[n] = '\0';
	return n;
}

/* A copy of s[0..len), '\0'-ended, in the blocks. @return NULL out of memory (or longer than a block). */
static const char *add_text(listings *l, const char *s, size_t len)
{
	block *b = l->blocks;
	char *at;
	if (len >= BLOCK_SIZE)
		return NULL;
	if (!b || b->used + len + 1 > BLOCK_SIZE) {
		if (!(b = malloc(sizeof(*b))))
			return NULL;
		b->next = l->blocks;
		b->used = 0;
		l->blocks = b;
	}
	at = b->text + b->used;
	memcpy(at, s, len);
	at[len] = '\0';
	b->used += len + 1;
	return at;
}

static int add_item(listings *l, const char *folder, const char *name, unsigned char type)
{
	if (!folder || !name)
		return -1;
	if (l->count == l->item_cap) {
		size_t cap = l->item_cap ? l->item_cap * 2 : 1024;
		listed *grown = realloc(l->items, cap * sizeof(*grown));
		if (!grown)
			return -1;
		l->items = grown;
		l->item_cap = cap;
	}
	l->items[l->count].folder = folder;
	l->items[l->count].name = name;
	l->items[l->count++].type = type;
	return 0;
}

void listings_walk(listings *l, const char *root)
{
	char key[PATH_MAX];
	size_t len;
	if (!l)
		return;
	len = clean_folder(key, sizeof(key), root, strlen(root));
	l->root = root;
	l->root_len = !len ? (size_t)-1 : strcmp(key, ".") == 0 ? 0 : len; /* too long: so are the folders below */
	l->last_folder = NULL;
}

/* key[0..len) is `prev` or a folder above it. */
static int at_or_above(const char *key, size_t len, const char *prev)
{
	return strncmp(prev, key, len) == 0 && (prev[len] == '\0' || prev[len] == '/');
}

/* key[0..len) is a folder below the root being walked ("." never is: only the root "." is spelled so). */
static int below_root(const listings *l, const char *key, size_t len)
{
	return len > l->root_len && !(len == 1 && key[0] == '.');
}

/*
 * A folder the walk entered is no entry of the folder above (tmdk_walk
 * reports none), but it is in it, a folder: recorded as such when the
 * walk's entries first come from it or from below it, with each folder
 * above it up to the root that the walk entered on the way. They come
 * from below a folder only after it was listed whole and only when the
 * walk could enter it: a folder of folders is then known too (.git is not
 * in it). `key` is the folder's key; `prev` the previous entry's folder
 * (not new: what is at or above it was recorded), NULL at a walk's start.
 */
static int add_entered(listings *l, const char *key, size_t len, const char *prev)
{
	while (below_root(l, key, len) && !(prev && at_or_above(key, len, prev))) {
		size_t slash = len;
		const char *name;
		while (slash > 0 && key[slash - 1] != '/')
			slash--;
		/* key[slash..len) is its name, key[0..slash - 1) the folder above ("/" for "/a", "." for "a") */
		name = add_text(l, key + slash, len - slash);
		len = slash == 0 ? 0 : slash == 1 ? 1 : slash - 1;
		if (add_item(l, len ? add_text(l, key, len) : ".", name, TYPE_FOLDER) != 0)
			return -1;
	}
	return 0;
}

/*
 * The entry's folder, spelled as the walk opened it (path[0..prefix)),
 * as its key: the last entry's when the walk spelled it the same, else
 * cleaned, recorded with the folders entered on the way. @return NULL
 * out of memory, or (without forgetting) when the key does not fit.
 */
static const char *folder_of(listings *l, const char *path, size_t prefix, int *nomem)
{
	char key[PATH_MAX];
	const char *prev = l->last_folder;
	size_t len;
	if (prev && prefix == l->last_path_len && memcmp(path, l->last_path, prefix) == 0)
		return prev;
	if (prefix >= sizeof(l->last_path) || !(len = clean_folder(key, sizeof(key), path, prefix)))
		return NULL;
	if (!prev || strcmp(prev, key) != 0) {
		if (!(l->last_folder = add_text(l, key, len)) || add_entered(l, key, len, prev) != 0) {
			*nomem = 1;
			return NULL;
		}
	}
	memcpy(l->last_path, path, prefix);
	l->last_path_len = prefix;
	return l->last_folder;
}

/*
 * What the walk knew of the entry, as stat would say it. A file the walk
 * reports (candidate, other, skipped) is a regular file to stat: readdir
 * said so of an entry that is no symbolic link, or stat itself did. An
 * IGNORED or ERROR entry flagged as a folder is one the same way (skipped
 * by default, walked already, or unreadable). Any other (excluded, a
 * link to nothing, not a regular file, unreadable) was not typed.
 */
static unsigned char entry_type(const tmdk_walk_entry *e)
{
	switch (e->status) {
	case TMDK_WALK_CANDIDATE:
	case TMDK_WALK_OTHER:
	case TMDK_WALK_SKIPPED:
		return TYPE_FILE;
	case TMDK_WALK_IGNORED:
	case TMDK_WALK_ERROR:
		return e->is_folder ? TYPE_FOLDER : TYPE_UNKNOWN;
	}
	return TYPE_UNKNOWN;
}

/*
 * One entry of a listed folder. Its folder is its path without its name
 * (the walk's path is the root joined with the relative path, so the
 * folder is spelled as the walk opened it). An entry that cannot be placed
 * makes the record forgotten: a folder with an entry left out would say a
 * name is not there when it is. A folder whose path is too long is left
 * out whole (each of its entries is): it is not known. The root's own
 * entry (it could not be listed) is no folder's.
 */
void listings_add(listings *l, const tmdk_walk_entry *e)
{
	const char *slash, *name, *folder;
	size_t path_len, name_len, prefix;
	int nomem = 0;

	if (!l || l->forgotten || !l->root || strcmp(e->path, l->root) == 0)
		return;
	slash = strrchr(e->relative, '/');
	name = slash ? slash + 1 : e->relative;
	path_len = strlen(e->path);
	name_len = strlen(name);
	prefix = path_len - name_len;
	if (!name_len || name_len > path_len || strcmp(e->path + prefix, name) != 0 || (prefix && e->path[prefix - 1] != '/'))
		goto forget;
	if (!(folder = folder_of(l, e->path, prefix, &nomem))) {
		if (nomem)
			goto forget;
		return;
	}
	if (add_item(l, folder, add_text(l, name, name_len), entry_type(e)) == 0)
		return;
forget:
	listings_forget(l);
}

static int compare_listed(const void *pa, const void *pb)
{
	const listed *a = pa, *b = pb;
	int c = a->folder == b->folder ? 0 : strcmp(a->folder, b->folder);
	return c ? c : strcmp(a->name, b->name);
}

/*
 * Sorted by folder, then name. A name listed twice (two roots over the
 * same folder) with two types (the tree changed between the walks) is
 * not typed.
 */
void listings_finish(listings *l)
{
	size_t i;
	if (!l || l->forgotten)
		return;
	if (l->count > 1)
		qsort(l->items, l->count, sizeof(*l->items), compare_listed);
	for (i = 1; i < l->count; i++)
		if (compare_listed(&l->items[i - 1], &l->items[i]) == 0 && l->items[i - 1].type != l->items[i].type)
			l->items[i - 1].type = l->items[i].type = TYPE_UNKNOWN;
	l->finished = 1;
}

/* The first item at or after (folder, name) in order; l->count when none. */
static size_t lower_bound(const listings *l, const char *folder, const char *name)
{
	listed key;
	size_t lo = 0, hi = l->count;
	key.folder = folder;
	key.name = name;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_listed(&l->items[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The walk listed the folder: it has an entry. */
static int folder_listed(const listings *l, const char *folder)
{
	size_t i = lower_bound(l, folder, "");
	return i < l->count && strcmp(l->items[i].folder, folder) == 0;
}

static int answer(unsigned char type, int want)
{
	return want == WANT_ANY || (want == WANT_FOLDER ? type == TYPE_FOLDER : type == TYPE_FILE);
}

/* folder/name as a folder's path is spelled ("." and "/" have no '/' added). @return 0 when it does not fit. */
static int join_folder(char *out, size_t size, const char *folder, const char *name)
{
	int dot = strcmp(folder, ".") == 0, top = strcmp(folder, "/") == 0;
	return (size_t)snprintf(out, size, "%s%s%s", dot ? "" : folder, dot || top ? "" : "/", name) < size;
}

/* A name the lookup can be asked about: one path segment, not "." or "..". */
static int plain_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* A folder the walk reports (IGNORED, "folder skipped by default") and never enters (walk.h). */
static int never_entered(const listings *l, const char *name)
{
	return !l->all_folders && (name[0] == '.' || strcmp(name, "node_modules") == 0 || strcmp(name, "vendor") == 0);
}

/*
 * tmdk_units_options.lookup. Only about a folder the walk listed (it has
 * an entry: an empty folder is not known), spelled as the walk spelled it
 * once "." segments are dropped (otherwise -1: only the speed suffers):
 *
 * - a name among its entries: 1 or 0 by the type the walk knew (above);
 *   -1 when it did not know it;
 * - a name that is not: the walk reports every entry of a folder it lists
 *   but the folders it enters, so the name is absent or an entered folder.
 *   A folder when the walk listed it (folder/name has entries); otherwise
 *   not a regular file (0 for WANT_FILE), and absent when it is a name the
 *   walk never enters (.git: 0); -1 for the rest (an empty folder?).
 */
int listings_lookup(const char *folder, const char *name, int want, void *payload)
{
	const listings *l = payload;
	char key[PATH_MAX], below[PATH_MAX];
	size_t i;

	if (!l || !l->finished || l->forgotten || want < WANT_ANY || want > WANT_FOLDER || !plain_name(name) ||
	    !clean_folder(key, sizeof(key), folder, strlen(folder)) || !folder_listed(l, key))
		return -1;
	i = lower_bound(l, key, name);
	if (i < l->count && strcmp(l->items[i].folder, key) == 0 && strcmp(l->items[i].name, name) == 0)
		return l->items[i].type == TYPE_UNKNOWN ? -1 : answer(l->items[i].type, want);
	if (join_folder(below, sizeof(below), key, name) && folder_listed(l, below))
		return answer(TYPE_FOLDER, want);
	if (want == WANT_FILE || never_entered(l, name))
		return 0;
	return -1;
}
