/*
 * Walking a tree into candidates (include/tmdk/walk.h): the one rule of
 * which files count and in what order, for tmdk-scan, the Python package
 * and anything else.
 */
#include "internal.h"
#include "walk_int.h"
#include "array.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tmdk/walk.h"

#define SNIFF_MAX_BYTES ((off_t)1024 * 1024)
#define HELM_REASON "Helm template (not rendered)"

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const tmdk__folder_entry *)a)->name, ((const tmdk__folder_entry *)b)->name);
}

void tmdk__listing_free(tmdk__listing *l)
{
	tmdk__free(l->entries);
	tmdk__free(l->names);
	memset(l, 0, sizeof(*l));
}

static unsigned char entry_type(const struct dirent *e)
{
#ifdef DT_UNKNOWN
	switch (e->d_type) {
	case DT_UNKNOWN:
		return TMDK__ENTRY_UNKNOWN;
	case DT_REG:
		return TMDK__ENTRY_FILE;
	case DT_DIR:
		return TMDK__ENTRY_FOLDER;
	case DT_LNK:
		return TMDK__ENTRY_LINK;
	default:
		return TMDK__ENTRY_OTHER;
	}
#else
	(void)e;
	return TMDK__ENTRY_UNKNOWN;
#endif
}

/* Append one entry: its name to the block, its type to the entries. */
static int add_entry(tmdk__listing *l, size_t *used, size_t *names_cap, size_t *cap, const struct dirent *e)
{
	size_t len = strlen(e->d_name) + 1;
	if (TMDK__ARRAY_RESERVE(l->entries, l->count, *cap, 32) != TMDK_OK ||
	    TMDK__ARRAY_RESERVE_N(l->names, *used, *names_cap, len, 512) != TMDK_OK)
		return TMDK_ENOMEM;
	memcpy(l->names + *used, e->d_name, len);
	*used += len;
	l->entries[l->count].name = NULL; /* set once the block stops moving */
	l->entries[l->count++].type = entry_type(e);
	return TMDK_OK;
}

int tmdk__list_folder(const char *path, tmdk__listing *out, tmdk_error *err)
{
	DIR *d;
	struct dirent *e;
	tmdk__listing l = { NULL, 0, NULL };
	size_t used = 0, names_cap = 0, cap = 0, i;
	const char *name;
	int rc = TMDK_OK;

	memset(out, 0, sizeof(*out));
	d = opendir(path);
	if (!d)
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "cannot open folder: %s", strerror(errno));
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				rc = tmdk__error_set(err, TMDK_EIO, path, 0, 0, "cannot read folder: %s", strerror(errno));
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (add_entry(&l, &used, &names_cap, &cap, e) != TMDK_OK) {
			rc = tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
			break;
		}
	}
	closedir(d);
	if (rc != TMDK_OK) {
		tmdk__listing_free(&l);
		return rc;
	}
	for (i = 0, name = l.names; i < l.count; name += strlen(name) + 1)
		l.entries[i++].name = name;
	if (l.count > 1)
		qsort(l.entries, l.count, sizeof(*l.entries), compare_entries);
	*out = l;
	return TMDK_OK;
}

int tmdk_walk_options_init(tmdk_walk_options *opts, unsigned int version)
{
	if (!opts || version != TMDK_WALK_OPTIONS_VERSION)
		return TMDK_EINVAL;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return TMDK_OK;
}

/* ---- the walk ------------------------------------------------------------------- */

typedef struct seen_dir {
	dev_t dev;
	ino_t ino;
} seen_dir;

typedef struct walker {
	const tmdk_walk_options *opts;
	tmdk_walk_cb cb;
	void *payload;
	seen_dir *seen;
	size_t seen_count, seen_cap;
	char *path, *rel;            /* the entry's path and relative path, built in place */
	size_t path_cap, rel_cap;
	tmdk_error *err;
	int stop;                    /* a callback's value, or TMDK_ENOMEM */
} walker;

static int has_ext_nocase(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext), i;
	if (n < e)
		return 0;
	for (i = 0; i < e; i++) {
		char c = s[n - e + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return 0;
	}
	return 1;
}

enum candidate { NOT_CANDIDATE = 0, BY_NAME, BY_SNIFFING };

static enum candidate candidate_name(const char *name, unsigned int *flags)
{
	int yaml_like = 0;
	if (tmdk__kind_from_name(name, &yaml_like) != TMDK_KIND_UNKNOWN) {
		*flags |= TMDK_CANDIDATE_NAMED;
		return BY_NAME;
	}
	if (has_ext_nocase(name, ".yaml") || has_ext_nocase(name, ".yml") || has_ext_nocase(name, ".json"))
		return BY_NAME;
	return strchr(name, '.') == NULL || has_ext_nocase(name, ".txt") ? BY_SNIFFING : NOT_CANDIDATE;
}

static int default_skipped_folder(const char *name)
{
	return name[0] == '.' || strcmp(name, "node_modules") == 0 || strcmp(name, "vendor") == 0;
}

static int emit(walker *w, const char *path, const char *rel, tmdk_walk_status status, unsigned int flags,
	int is_folder, const char *reason, int code)
{
	tmdk_walk_entry e;
	int rc;
	if (w->stop)
		return w->stop;
	e.path = path;
	e.relative = rel;
	e.status = status;
	e.flags = flags;
	e.is_folder = is_folder;
	e.reason = reason ? reason : "";
	e.error_code = code;
	rc = w->cb(&e, w->payload);
	if (rc) {
		w->stop = rc;
		tmdk__error_set(w->err, TMDK_EUSER, path, 0, 0, "the walk was stopped by its callback (%d)", rc);
	}
	return rc;
}

static void emit_errno(walker *w, const char *path, const char *rel, int is_folder, const char *what, int e)
{
	char reason[512];
	snprintf(reason, sizeof(reason), "%s: %s", what, strerror(e));
	emit(w, path, rel, TMDK_WALK_ERROR, 0, is_folder, reason, TMDK_EIO);
}

static void nomem(walker *w)
{
	if (!w->stop) {
		w->stop = TMDK_ENOMEM;
		tmdk__error_set(w->err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
}

/* Remember a folder; 1 if it had been entered before. */
static int seen_before(walker *w, const struct stat *st)
{
	size_t i;
	for (i = 0; i < w->seen_count; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (TMDK__ARRAY_RESERVE(w->seen, w->seen_count, w->seen_cap, 64) != TMDK_OK) {
		nomem(w);
		return 1;
	}
	w->seen[w->seen_count].dev = st->st_dev;
	w->seen[w->seen_count].ino = st->st_ino;
	w->seen_count++;
	return 0;
}

/*
 * Paths are built in one buffer per walk (not two allocations per entry):
 * buf[0..len) holds a folder's path, its entries' names go after a '/'
 * (none after one already, nor after "" or ".": "Dockerfile", not
 * "./Dockerfile"). @return where the names go, or (size_t)-1 when out of
 * memory.
 */
static size_t names_at(char **buf, size_t *cap, size_t len)
{
	if (len == 0 || (len == 1 && (*buf)[0] == '.'))
		return 0;
	if ((*buf)[len - 1] == '/')
		return len;
	if (TMDK__ARRAY_RESERVE_N(*buf, 0, *cap, len + 2, 256) != TMDK_OK)
		return (size_t)-1;
	(*buf)[len] = '/';
	return len + 1;
}

/* name at buf + at. @return the path's length, or (size_t)-1 when out of memory. */
static size_t put_name(char **buf, size_t *cap, size_t at, const char *name)
{
	size_t m = strlen(name);
	if (at == (size_t)-1 || TMDK__ARRAY_RESERVE_N(*buf, 0, *cap, at + m + 1, 256) != TMDK_OK)
		return (size_t)-1;
	memcpy(*buf + at, name, m + 1);
	return at + m;
}

static const char *excluded_by(const walker *w, const char *path, const char *rel)
{
	size_t i;
	for (i = 0; i < w->opts->exclude_count; i++) {
		const char *g = w->opts->excludes[i];
		if (g && (tmdk_glob_match(g, rel) || tmdk_glob_match(g, path)))
			return g;
	}
	return NULL;
}

static void walk_folder(walker *w, size_t path_len, size_t rel_len, int helm_templates, const struct stat *known);

/* stat failed on an entry. */
static void cannot_stat(walker *w, const char *path, const char *rel, int e)
{
	struct stat lst;
	/* A link to nothing (or a loop of links) is ignored; a link to something
	 * that cannot be read (EACCES on the way, EIO…) is an error like any file. */
	if ((e == ENOENT || e == ENOTDIR || e == ELOOP) && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, e == ELOOP ? "symbolic link loop" : "broken symbolic link", 0);
	else
		emit_errno(w, path, rel, 0, "cannot read", e);
}

/* A regular file: candidate, other or Helm template. size < 0: not known yet (stat it if it matters). */
static void walk_file(walker *w, const char *path, const char *rel, const char *name, off_t size, int helm_templates)
{
	unsigned int flags = 0;
	enum candidate kind = candidate_name(name, &flags);
	struct stat st;

	if (kind == BY_SNIFFING && size < 0) {
		if (stat(path, &st) != 0) {
			cannot_stat(w, path, rel, errno);
			return;
		}
		size = st.st_size;
	}
	if (kind == NOT_CANDIDATE) {
		emit(w, path, rel, TMDK_WALK_OTHER, 0, 0, "not an artifact name", 0);
	} else if (kind == BY_SNIFFING && size > SNIFF_MAX_BYTES) {
		/* A large file without an extension is a binary, not a Dockerfile: not read. */
		emit(w, path, rel, TMDK_WALK_OTHER, 0, 0, "too large to be a Dockerfile", 0);
	} else if (helm_templates && !(flags & TMDK_CANDIDATE_NAMED)) {
		emit(w, path, rel, TMDK_WALK_SKIPPED, flags | TMDK_CANDIDATE_HELM_TEMPLATE, 0, HELM_REASON, 0);
	} else {
		emit(w, path, rel, TMDK_WALK_CANDIDATE, flags | (helm_templates ? TMDK_CANDIDATE_HELM_TEMPLATE : 0), 0,
			NULL, 0);
	}
}

/*
 * What readdir said the entry is, when it can be taken for what stat
 * would say: a plain file or folder (not a link) in a folder where a stat
 * has succeeded already. Without search permission on the folder (a
 * readable folder without x), every stat in it fails with EACCES and each
 * entry is an error, as before; a path too long for stat is one too.
 */
static int type_known(const tmdk__folder_entry *e, int searchable, size_t path_len)
{
	return searchable && path_len < PATH_MAX && (e->type == TMDK__ENTRY_FILE || e->type == TMDK__ENTRY_FOLDER);
}

/* The entry of a folder whose entries' paths go at path_at and rel_at (names_at). */
static void walk_entry(walker *w, size_t path_at, size_t rel_at, const tmdk__folder_entry *e, int helm_templates,
	int *searchable)
{
	size_t path_len = put_name(&w->path, &w->path_cap, path_at, e->name);
	size_t rel_len = put_name(&w->rel, &w->rel_cap, rel_at, e->name);
	const char *path = w->path, *rel = w->rel, *glob;
	struct stat st, lst;
	char reason[512];
	int known;

	if (path_len == (size_t)-1 || rel_len == (size_t)-1) {
		nomem(w);
		return;
	}
	if ((glob = excluded_by(w, path, rel)) != NULL) {
		snprintf(reason, sizeof(reason), "excluded (%s)", glob);
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, reason, 0);
		return;
	}
	known = type_known(e, *searchable, path_len);
	if ((w->opts->flags & TMDK_WALK_NO_FOLLOW_LINKS) && !known && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, "symbolic link (not followed)", 0);
		return;
	}
	if (known) {
		st.st_mode = e->type == TMDK__ENTRY_FOLDER ? S_IFDIR : S_IFREG;
		st.st_size = -1;
	} else if (stat(path, &st) != 0) {
		cannot_stat(w, path, rel, errno);
		return;
	} else {
		*searchable = 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!(w->opts->flags & TMDK_WALK_ALL_FOLDERS) && default_skipped_folder(e->name))
			emit(w, path, rel, TMDK_WALK_IGNORED, 0, 1, "folder skipped by default", 0);
		else
			walk_folder(w, path_len, rel_len, helm_templates, known ? NULL : &st);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, "not a regular file", 0);
		return;
	}
	walk_file(w, path, rel, e->name, st.st_size, helm_templates);
}

static int has_chart(const tmdk__listing *l)
{
	tmdk__folder_entry key;
	key.name = "Chart.yaml";
	return l->count && bsearch(&key, l->entries, l->count, sizeof(key), compare_entries) != NULL;
}

/*
 * The folder whose path is w->path[0..path_len) (relative: w->rel[0..rel_len)).
 * known: what stat said of it, or NULL to ask (its entry's type was known).
 */
static void walk_folder(walker *w, size_t path_len, size_t rel_len, int helm_templates, const struct stat *known)
{
	struct stat st;
	tmdk__listing l;
	size_t i, path_at, rel_at;
	tmdk_error lerr;
	int rc, chart, searchable = 0;

	if (w->stop)
		return;
	w->path[path_len] = '\0';
	w->rel[rel_len] = '\0';
	if (known || stat(w->path, &st) == 0) {
		if (seen_before(w, known ? known : &st)) {
			if (!w->stop)
				emit(w, w->path, w->rel, TMDK_WALK_IGNORED, 0, 1, "folder already walked (symbolic link loop?)", 0);
			return;
		}
	}
	rc = tmdk__list_folder(w->path, &l, &lerr);
	if (rc == TMDK_ENOMEM) {
		nomem(w);
		return;
	}
	if (rc != TMDK_OK) {
		emit(w, w->path, w->rel, TMDK_WALK_ERROR, 0, 1, lerr.message, rc);
		return;
	}
	chart = has_chart(&l);
	path_at = names_at(&w->path, &w->path_cap, path_len);
	rel_at = names_at(&w->rel, &w->rel_cap, rel_len);
	for (i = 0; i < l.count && !w->stop; i++) {
		int in_templates = helm_templates || (chart && strcmp(l.entries[i].name, "templates") == 0);
		walk_entry(w, path_at, rel_at, &l.entries[i], in_templates, &searchable);
	}
	tmdk__listing_free(&l);
}

/* A root that is a chart's templates/ folder, or lies under one. */
static int root_in_helm_templates(const char *root)
{
	char *abs = realpath(root, NULL), *p;
	int found = 0;
	struct stat st;

	if (!abs)
		return 0;
	/* Each ".../templates" component: is there a Chart.yaml beside it? */
	for (p = abs; !found && (p = strstr(p, "/templates")) != NULL; p += 10) {
		if (p[10] != '/' && p[10] != '\0')
			continue;
		{
			char *probe = tmdk__malloc((size_t)(p - abs) + sizeof("/Chart.yaml"));
			if (!probe)
				break;
			memcpy(probe, abs, (size_t)(p - abs));
			memcpy(probe + (p - abs), "/Chart.yaml", sizeof("/Chart.yaml"));
			found = stat(probe, &st) == 0 && S_ISREG(st.st_mode);
			tmdk__free(probe);
		}
	}
	free(abs);
	return found;
}

int tmdk_walk(const char *root, const tmdk_walk_options *opts, tmdk_walk_cb cb, void *payload, tmdk_error *err)
{
	tmdk_walk_options defaults = TMDK_WALK_OPTIONS_INIT;
	walker w;
	struct stat st;

	tmdk_error_clear(err);
	if (!root || !*root || !cb)
		return tmdk__error_set(err, TMDK_EINVAL, root, 0, 0, "invalid argument");
	if (opts && opts->version != TMDK_WALK_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, root, 0, 0,
			"unsupported tmdk_walk_options version %u (expected %u)", opts->version, TMDK_WALK_OPTIONS_VERSION);
	if (opts && opts->exclude_count && !opts->excludes)
		return tmdk__error_set(err, TMDK_EINVAL, root, 0, 0, "invalid argument");
	if (stat(root, &st) != 0)
		return tmdk__error_set(err, TMDK_EIO, root, 0, 0, "cannot open: %s", strerror(errno));
	memset(&w, 0, sizeof(w));
	w.opts = opts ? opts : &defaults;
	w.cb = cb;
	w.payload = payload;
	w.err = err;
	if (S_ISDIR(st.st_mode)) {
		size_t len = strlen(root);
		if (TMDK__ARRAY_RESERVE_N(w.path, 0, w.path_cap, len + 1, 256) != TMDK_OK ||
		    TMDK__ARRAY_RESERVE_N(w.rel, 0, w.rel_cap, 1, 256) != TMDK_OK) {
			nomem(&w);
		} else {
			memcpy(w.path, root, len + 1);
			walk_folder(&w, len, 0, root_in_helm_templates(root), &st);
		}
	} else {
		const char *base = strrchr(root, '/');
		unsigned int flags = 0;
		candidate_name(base ? base + 1 : root, &flags);
		emit(&w, root, base ? base + 1 : root, TMDK_WALK_CANDIDATE, flags, 0, NULL, 0);
	}
	tmdk__free(w.seen);
	tmdk__free(w.path);
	tmdk__free(w.rel);
	return w.stop;
}
