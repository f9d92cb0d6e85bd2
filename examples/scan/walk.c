/*
 * From command-line paths to inputs. Folders are walked recursively in
 * sorted order (so output never depends on the file system's order),
 * skipping .git, node_modules, vendor and hidden folders. Symbolic links are
 * followed, but a folder is entered at most once (by device and inode), so
 * link loops end; links to nothing are skipped (listed with -v). An
 * unreadable folder or file (a link's target included) is an error in the
 * report and the walk goes on. Files whose names cannot be artifacts are not
 * read.
 */
#include "tmdk-scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct seen_dir {
	dev_t dev;
	ino_t ino;
} seen_dir;

typedef struct walker {
	const scan_config *cfg;
	input_list *out;
	tmdk_report *report;
	seen_dir *seen;
	size_t seen_count, seen_cap;
	int errors;
	int nomem;
} walker;

static int add_input(walker *w, char *path, int is_stdin, int named, int candidate)
{
	input *in;
	if (w->out->count == w->out->cap) {
		size_t cap = w->out->cap ? w->out->cap * 2 : 64;
		input *p = realloc(w->out->items, cap * sizeof(*p));
		if (!p) {
			free(path);
			w->nomem = 1;
			return -1;
		}
		w->out->items = p;
		w->out->cap = cap;
	}
	in = &w->out->items[w->out->count++];
	in->path = path;
	in->is_stdin = is_stdin;
	in->named = named;
	in->candidate = candidate;
	return 0;
}

static void fail(walker *w, const char *path, const char *what, int e)
{
	char message[512];
	snprintf(message, sizeof(message), "%s: %s", what, strerror(e));
	if (tmdk_report_add_error(w->report, path, 0, 0, TMDK_EIO, message) != TMDK_OK)
		w->nomem = 1;
	if (w->cfg->echo_errors)
		print_error(path, 0, 0, message);
	w->errors++;
}

static void skipped(const walker *w, const char *path, const char *why)
{
	if (w->cfg->verbose)
		fprintf(stderr, "%s: skipped %s (%s)\n", PROGRAM, path, why);
}

static int has_suffix_nocase(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * The library's own rules decide (names first); beyond them, YAML and JSON
 * files are read for content detection, and files without an extension are
 * sniffed for Dockerfile syntax. Anything else (source code, images…) is
 * never read.
 */
#define SNIFF_MAX_BYTES ((off_t)1024 * 1024)

enum candidate { NOT_CANDIDATE = 0, BY_NAME, BY_SNIFFING };

static enum candidate candidate_name(const char *name)
{
	if (tmdk_detect_kind(name, "", 0) != TMDK_KIND_UNKNOWN)
		return BY_NAME;
	if (has_suffix_nocase(name, ".yaml") || has_suffix_nocase(name, ".yml") || has_suffix_nocase(name, ".json"))
		return BY_NAME;
	return strchr(name, '.') == NULL || has_suffix_nocase(name, ".txt") ? BY_SNIFFING : NOT_CANDIDATE;
}

static int skipped_folder(const char *name)
{
	return name[0] == '.' || strcmp(name, "node_modules") == 0 || strcmp(name, "vendor") == 0;
}

/* Remember a folder; 1 if it had been entered before. */
static int seen_before(walker *w, const struct stat *st)
{
	size_t i;
	for (i = 0; i < w->seen_count; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (w->seen_count == w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
		seen_dir *p = realloc(w->seen, cap * sizeof(*p));
		if (!p) {
			w->nomem = 1;
			return 1;
		}
		w->seen = p;
		w->seen_cap = cap;
	}
	w->seen[w->seen_count].dev = st->st_dev;
	w->seen[w->seen_count].ino = st->st_ino;
	w->seen_count++;
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	char *p;
	if (strcmp(dir, ".") == 0) /* "Dockerfile", not "./Dockerfile" */
		n = 0;
	p = malloc(n + m + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, n);
	if (n && dir[n - 1] != '/')
		p[n++] = '/';
	memcpy(p + n, name, m + 1);
	return p;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder, sorted; NULL (and *count 0) when it cannot be read. */
static char **read_folder(walker *w, const char *path, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!d) {
		fail(w, path, "cannot open folder", errno);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **p;
			cap = cap ? cap * 2 : 32;
			p = realloc(names, cap * sizeof(*p));
			if (!p)
				break;
			names = p;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	if (e) /* stopped early: out of memory */
		w->nomem = 1;
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	*count = n;
	return names;
}

static void walk_folder(walker *w, const char *path);

static void walk_entry(walker *w, const char *dir, const char *name)
{
	enum candidate kind;
	struct stat st;
	char *path = join(dir, name);

	if (!path) {
		w->nomem = 1;
		return;
	}
	if (stat(path, &st) != 0) {
		/* A link to nothing (or a loop of links) is skipped; a link to something
		 * that cannot be read (EACCES on the way, EIO…) is an error like any file. */
		int e = errno;
		struct stat lst;
		if ((e == ENOENT || e == ENOTDIR || e == ELOOP) && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			skipped(w, path, e == ELOOP ? "symbolic link loop" : "broken symbolic link");
		else
			fail(w, path, "cannot read", e);
		free(path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (skipped_folder(name))
			skipped(w, path, "folder skipped by default");
		else
			walk_folder(w, path);
		free(path);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		skipped(w, path, "not a regular file");
		free(path);
		return;
	}
	kind = candidate_name(name);
	if (kind == NOT_CANDIDATE || (kind == BY_SNIFFING && st.st_size > SNIFF_MAX_BYTES)) {
		/* A large file without an extension is a binary, not a Dockerfile: not read. */
		skipped(w, path, kind == NOT_CANDIDATE ? "not an artifact name" : "too large to be a Dockerfile");
		if (tmdk_report_add_file(w->report, path, TMDK_KIND_UNKNOWN) != TMDK_OK)
			w->nomem = 1;
		free(path);
		return;
	}
	add_input(w, path, 0, 0, 1);
}

static void walk_folder(walker *w, const char *path)
{
	struct stat st;
	char **names;
	size_t i, n;

	if (stat(path, &st) == 0 && seen_before(w, &st)) {
		skipped(w, path, "folder already walked (symbolic link loop?)");
		return;
	}
	names = read_folder(w, path, &n);
	for (i = 0; i < n; i++) {
		if (!w->nomem)
			walk_entry(w, path, names[i]);
		free(names[i]);
	}
	free(names);
}

static void add_argument(walker *w, const char *arg)
{
	struct stat st;
	char *path;

	if (strcmp(arg, "-") == 0) {
		path = strdup("<stdin>");
		if (!path || add_input(w, path, 1, 1, 1) != 0)
			w->nomem = 1;
		return;
	}
	if (stat(arg, &st) != 0) {
		fail(w, arg, "cannot open", errno);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_folder(w, arg);
		return;
	}
	/* Named files are always read: the user asked for them (FIFOs and /dev/fd too). */
	path = strdup(arg);
	if (!path || add_input(w, path, 0, 1, 1) != 0)
		w->nomem = 1;
}

int collect_inputs(const scan_config *cfg, input_list *out, tmdk_report *report)
{
	walker w;
	size_t i;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	w.cfg = cfg;
	w.out = out;
	w.report = report;
	for (i = 0; i < cfg->path_count && !w.nomem; i++)
		add_argument(&w, cfg->paths[i]);
	free(w.seen);
	return w.nomem ? -1 : w.errors;
}

void free_inputs(input_list *list)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		free(list->items[i].path);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
