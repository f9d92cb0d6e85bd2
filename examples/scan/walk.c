/*
 * From command-line paths to inputs, with the library's walk
 * (tmdk_walk, include/tmdk/walk.h): its rules decide which files are
 * candidates, in what order, what is excluded and what is a Helm template,
 * the same for every program built on libtmdk. Here each entry goes where
 * it belongs: candidates to the input list, unreadable paths to the
 * report's errors, Helm templates to its skipped list, files of other
 * kinds to its count; --verbose says what was left out and why. Every
 * entry is also recorded (listings.c) for deciding the units.
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* TMDK_WALK_* of every walk: the defaults (hidden folders, node_modules and vendor not entered, links followed). */
#define WALK_FLAGS 0u

typedef struct walker {
	const scan_config *cfg;
	input_list *out;
	tmdk_report *report;
	int errors;
	int nomem;
} walker;

static int add_input(walker *w, const char *path, int is_stdin, int named, unsigned int flags)
{
	input *in;
	char *copy = strdup(path);
	if (!copy) {
		w->nomem = 1;
		return -1;
	}
	if (w->out->count == w->out->cap) {
		size_t cap = w->out->cap ? w->out->cap * 2 : 64;
		input *p = realloc(w->out->items, cap * sizeof(*p));
		if (!p) {
			free(copy);
			w->nomem = 1;
			return -1;
		}
		w->out->items = p;
		w->out->cap = cap;
	}
	in = &w->out->items[w->out->count++];
	in->path = copy;
	in->is_stdin = is_stdin;
	in->named = named;
	in->flags = flags;
	return 0;
}

static void fail(walker *w, const char *path, int code, const char *message)
{
	if (tmdk_report_add_error(w->report, path, 0, 0, code, message) != TMDK_OK)
		w->nomem = 1;
	if (w->cfg->echo_errors)
		print_error(path, 0, 0, message);
	w->errors++;
}

static void note(const walker *w, const char *path, const char *why)
{
	if (w->cfg->verbose)
		fprintf(stderr, "%s: skipped %s (%s)\n", PROGRAM, path, why);
}

static int on_entry(const tmdk_walk_entry *e, void *payload)
{
	walker *w = payload;
	listings_add(w->out->listings, e);
	switch (e->status) {
	case TMDK_WALK_CANDIDATE:
		add_input(w, e->path, 0, 0, e->flags);
		break;
	case TMDK_WALK_OTHER:
		note(w, e->path, e->reason);
		if (tmdk_report_add_file(w->report, e->path, TMDK_KIND_UNKNOWN) != TMDK_OK)
			w->nomem = 1;
		break;
	case TMDK_WALK_SKIPPED:
		if (strcmp(e->reason, HELM_TEMPLATE_REASON) == 0) {
			/* Run.c reports it once it knows whether its chart was rendered. */
			char **grown = realloc(w->out->helm_templates, (w->out->helm_template_count + 1) * sizeof(*grown));
			if (!grown || !(grown[w->out->helm_template_count] = strdup(e->path))) {
				if (grown)
					w->out->helm_templates = grown;
				w->nomem = 1;
				break;
			}
			w->out->helm_templates = grown;
			w->out->helm_template_count++;
			break;
		}
		if (w->cfg->verbose && w->cfg->format != TMDK_REPORT_TEXT)
			note(w, e->path, e->reason);
		if (tmdk_report_add_skipped(w->report, e->path, 0, 0, e->reason) != TMDK_OK)
			w->nomem = 1;
		break;
	case TMDK_WALK_IGNORED:
		note(w, e->path, e->reason);
		break;
	case TMDK_WALK_ERROR:
		fail(w, e->path, e->error_code, e->reason);
		break;
	}
	return w->nomem ? TMDK_ENOMEM : 0;
}

static void add_argument(walker *w, const char *arg)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	tmdk_error err;
	struct stat st;
	int rc;

	if (strcmp(arg, "-") == 0) {
		const char *name = w->cfg->stdin_name ? w->cfg->stdin_name : "<stdin>";
		add_input(w, name, 1, 1, 0);
		return;
	}
	if (stat(arg, &st) != 0) {
		char message[512];
		snprintf(message, sizeof(message), "cannot open: %s", strerror(errno));
		fail(w, arg, TMDK_EIO, message);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* Named files are always read: the user asked for them (FIFOs and /dev/fd too). */
		unsigned int flags = tmdk_detect_kind(arg, "", 0) != TMDK_KIND_UNKNOWN ? TMDK_CANDIDATE_NAMED : 0;
		add_input(w, arg, 0, 1, flags);
		return;
	}
	o.flags = WALK_FLAGS;
	o.excludes = w->cfg->excludes;
	o.exclude_count = w->cfg->exclude_count;
	listings_walk(w->out->listings, arg);
	rc = tmdk_walk(arg, &o, on_entry, w, &err);
	if (rc != TMDK_OK) /* a walk that did not end: a folder it recorded may miss entries */
		listings_forget(w->out->listings);
	if (rc == TMDK_ENOMEM)
		w->nomem = 1;
	else if (rc != TMDK_OK && !w->nomem)
		fail(w, arg, rc, err.message);
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
	out->listings = listings_new(WALK_FLAGS);
	for (i = 0; i < cfg->path_count && !w.nomem; i++)
		add_argument(&w, cfg->paths[i]);
	listings_finish(out->listings);
	return w.nomem ? -1 : w.errors;
}

void free_inputs(input_list *list)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		free(list->items[i].path);
	free(list->items);
	for (i = 0; i < list->helm_template_count; i++)
		free(list->helm_templates[i]);
	free(list->helm_templates);
	listings_free(list->listings);
	memset(list, 0, sizeof(*list));
}
