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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tmdk/walk.h"

#define SNIFF_MAX_BYTES ((off_t)1024 * 1024)
#define HELM_REASON "Helm template (not rendered)"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tmdk__names_free(char **names, size_t count)
{
	size_t i;
	for (i = 0; names && i < count; i++)
		tmdk__free(names[i]);
	tmdk__free(names);
}

int tmdk__list_folder(const char *path, char ***names_out, size_t *count_out, tmdk_error *err)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = TMDK_OK;

	*names_out = NULL;
	*count_out = 0;
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
		if (TMDK__ARRAY_RESERVE(names, n, cap, 32) != TMDK_OK) {
			rc = tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
			break;
		}
		if (!(names[n] = tmdk__strdup(e->d_name))) {
			rc = tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (rc != TMDK_OK) {
		tmdk__names_free(names, n);
		return rc;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	*names_out = names;
	*count_out = n;
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

/* dir + "/" + name; "." as dir is dropped ("Dockerfile", not "./Dockerfile"). */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	char *p;
	if (strcmp(dir, ".") == 0 || n == 0)
		n = 0;
	p = tmdk__malloc(n + m + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, n);
	if (n && dir[n - 1] != '/')
		p[n++] = '/';
	memcpy(p + n, name, m + 1);
	return p;
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

static void walk_folder(walker *w, const char *path, const char *rel, int helm_templates);

static void walk_entry(walker *w, const char *dir, const char *dir_rel, const char *name, int helm_templates)
{
	char *path = join(dir, name), *rel = join(dir_rel, name);
	unsigned int flags = 0;
	enum candidate kind;
	const char *glob;
	struct stat st, lst;
	char reason[512];

	if (!path || !rel) {
		nomem(w);
		goto done;
	}
	if ((glob = excluded_by(w, path, rel)) != NULL) {
		snprintf(reason, sizeof(reason), "excluded (%s)", glob);
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, reason, 0);
		goto done;
	}
	if ((w->opts->flags & TMDK_WALK_NO_FOLLOW_LINKS) && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, "symbolic link (not followed)", 0);
		goto done;
	}
	if (stat(path, &st) != 0) {
		/* A link to nothing (or a loop of links) is ignored; a link to something
		 * that cannot be read (EACCES on the way, EIO…) is an error like any file. */
		int e = errno;
		if ((e == ENOENT || e == ENOTDIR || e == ELOOP) && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0,
				e == ELOOP ? "symbolic link loop" : "broken symbolic link", 0);
		else
			emit_errno(w, path, rel, 0, "cannot read", e);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!(w->opts->flags & TMDK_WALK_ALL_FOLDERS) && default_skipped_folder(name))
			emit(w, path, rel, TMDK_WALK_IGNORED, 0, 1, "folder skipped by default", 0);
		else
			walk_folder(w, path, rel, helm_templates);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		emit(w, path, rel, TMDK_WALK_IGNORED, 0, 0, "not a regular file", 0);
		goto done;
	}
	kind = candidate_name(name, &flags);
	if (kind == NOT_CANDIDATE) {
		emit(w, path, rel, TMDK_WALK_OTHER, 0, 0, "not an artifact name", 0);
	} else if (kind == BY_SNIFFING && st.st_size > SNIFF_MAX_BYTES) {
		/* A large file without an extension is a binary, not a Dockerfile: not read. */
		emit(w, path, rel, TMDK_WALK_OTHER, 0, 0, "too large to be a Dockerfile", 0);
	} else if (helm_templates && !(flags & TMDK_CANDIDATE_NAMED)) {
		emit(w, path, rel, TMDK_WALK_SKIPPED, flags | TMDK_CANDIDATE_HELM_TEMPLATE, 0, HELM_REASON, 0);
	} else {
		emit(w, path, rel, TMDK_WALK_CANDIDATE, flags | (helm_templates ? TMDK_CANDIDATE_HELM_TEMPLATE : 0), 0,
			NULL, 0);
	}
done:
	tmdk__free(path);
	tmdk__free(rel);
}

static int contains_name(char **names, size_t n, const char *name)
{
	return n && bsearch(&name, names, n, sizeof(*names), compare_names) != NULL; /* names is NULL when n is 0 */
}

static void walk_folder(walker *w, const char *path, const char *rel, int helm_templates)
{
	struct stat st;
	char **names;
	size_t i, n;
	tmdk_error lerr;
	int rc, chart;

	if (w->stop)
		return;
	if (stat(path, &st) == 0 && seen_before(w, &st)) {
		if (!w->stop)
			emit(w, path, rel, TMDK_WALK_IGNORED, 0, 1, "folder already walked (symbolic link loop?)", 0);
		return;
	}
	rc = tmdk__list_folder(path, &names, &n, &lerr);
	if (rc == TMDK_ENOMEM) {
		nomem(w);
		return;
	}
	if (rc != TMDK_OK) {
		emit(w, path, rel, TMDK_WALK_ERROR, 0, 1, lerr.message, rc);
		return;
	}
	chart = contains_name(names, n, "Chart.yaml");
	for (i = 0; i < n && !w->stop; i++) {
		int in_templates = helm_templates || (chart && strcmp(names[i], "templates") == 0);
		walk_entry(w, path, rel, names[i], in_templates);
	}
	tmdk__names_free(names, n);
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
		walk_folder(&w, root, "", root_in_helm_templates(root));
	} else {
		const char *base = strrchr(root, '/');
		unsigned int flags = 0;
		candidate_name(base ? base + 1 : root, &flags);
		emit(&w, root, base ? base + 1 : root, TMDK_WALK_CANDIDATE, flags, 0, NULL, 0);
	}
	tmdk__free(w.seen);
	return w.stop;
}
