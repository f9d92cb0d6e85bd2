/*
 * The orders of a report's findings, computed once per view. The writers'
 * orders all end in tmdk__finding_compare (path, document, line, column,
 * pattern id, message); comparing strings in every step of every sort was
 * most of the time spent sorting. Here each distinct path and pattern id is
 * ranked once, the findings are sorted once on those integers, and the
 * other orders (grouped, ranked, fingerprint occurrences) sort on integer
 * keys that end in the position of this one.
 */
#include "report_int.h"
#include "scan_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- ranking strings ------------------------------------------------------------ */

#define IN_RUN ((size_t)-1)

typedef struct ranked_text {
	const char *text;
	size_t first;                /* the first index of its run of equal strings */
} ranked_text;

static int compare_texts(const void *a, const void *b)
{
	return strcmp(((const ranked_text *)a)->text, ((const ranked_text *)b)->text);
}

/* rank[i]: the rank of s[i] in strcmp order, equal strings equal ranks. Runs
 * of equal strings (a file's findings come together) are sorted as one. */
static int rank_strings(const char *const *s, size_t n, size_t *rank)
{
	ranked_text *runs = tmdk__calloc(n + 1, sizeof(*runs));
	size_t i, count = 0, r = 0;
	if (!runs)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		rank[i] = IN_RUN;
		if (i == 0 || (s[i] != s[i - 1] && strcmp(s[i], s[i - 1]) != 0)) {
			runs[count].text = s[i];
			runs[count++].first = i;
		}
	}
	qsort(runs, count, sizeof(*runs), compare_texts);
	for (i = 0; i < count; i++) {
		if (i > 0 && strcmp(runs[i - 1].text, runs[i].text) != 0)
			r++;
		rank[runs[i].first] = r;
	}
	for (i = 1; i < n; i++)
		if (rank[i] == IN_RUN)
			rank[i] = rank[i - 1];
	tmdk__free(runs);
	return TMDK_OK;
}

/* ---- the located order ------------------------------------------------------------ */

/* tmdk__finding_compare's fields with the strings ranked, then unit and index. */
typedef struct located_key {
	size_t path, document, id;
	unsigned int line, column;
	const char *message;
	size_t unit, index;
} located_key;

static int compare_sizes(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

/* tmdk__finding_compare on ranks. */
static int compare_same(const located_key *a, const located_key *b)
{
	int c;
	if ((c = compare_sizes(a->path, b->path)) != 0 || (c = compare_sizes(a->document, b->document)) != 0 ||
	    (c = compare_sizes(a->line, b->line)) != 0 || (c = compare_sizes(a->column, b->column)) != 0 ||
	    (c = compare_sizes(a->id, b->id)) != 0)
		return c;
	return strcmp(a->message ? a->message : "", b->message ? b->message : "");
}

static int compare_located(const void *pa, const void *pb)
{
	const located_key *a = pa, *b = pb;
	int c = compare_same(a, b);
	if (c)
		return c;
	if ((c = compare_sizes(a->unit, b->unit)) != 0)
		return c;
	return compare_sizes(a->index, b->index);
}

/* The pattern ids ranked into keys[i].id: the findings sorted by pattern
 * (one integer) first, so that the strings compared are the few patterns'. */
static int rank_ids(located_key *keys, const tmdk_report *r, size_t n, const char **text, size_t *rank)
{
	tmdk__keyed *k = tmdk__calloc(n + 1, sizeof(*k)), *tmp = tmdk__calloc(n + 1, sizeof(*tmp));
	size_t i;
	int rc = TMDK_ENOMEM;
	if (k && tmp) {
		for (i = 0; i < n; i++) {
			k[i].key = (uint64_t)(uintptr_t)tmdk_findings_at(r->findings, i)->pattern;
			k[i].pos = i;
		}
		tmdk__sort_keyed(k, tmp, n);
		for (i = 0; i < n; i++)
			text[i] = tmdk_findings_at(r->findings, k[i].pos)->pattern->id;
		rc = rank_strings(text, n, rank);
		for (i = 0; rc == TMDK_OK && i < n; i++)
			keys[k[i].pos].id = rank[i];
	}
	tmdk__free(k);
	tmdk__free(tmp);
	return rc;
}

/* The paths (in finding order: a file's findings come together) and the
 * pattern ids of the findings ranked into keys[i].path / .id. */
static int rank_fields(located_key *keys, const tmdk_report *r, size_t n)
{
	const char **text = tmdk__calloc(n + 1, sizeof(*text));
	size_t *rank = tmdk__calloc(n + 1, sizeof(*rank));
	size_t i;
	int rc = TMDK_ENOMEM;
	if (text && rank) {
		for (i = 0; i < n; i++)
			text[i] = tmdk_findings_at(r->findings, i)->path;
		rc = rank_strings(text, n, rank);
		for (i = 0; rc == TMDK_OK && i < n; i++)
			keys[i].path = rank[i];
		if (rc == TMDK_OK)
			rc = rank_ids(keys, r, n, text, rank);
	}
	tmdk__free((void *)text);
	tmdk__free(rank);
	return rc;
}

static void fill_order(tmdk__finding_order *ord, const located_key *keys, size_t n)
{
	size_t k, same = 0;
	for (k = 0; k < n; k++) {
		if (k > 0 && compare_same(&keys[k - 1], &keys[k]) != 0)
			same++;
		ord->located[k] = keys[k].index;
		ord->same[keys[k].index] = same;
		ord->id_rank[keys[k].index] = keys[k].id;
	}
}

int tmdk__finding_order_build(tmdk__finding_order *ord, const tmdk_report *r)
{
	size_t i, n = tmdk_findings_count(r->findings);
	located_key *keys = tmdk__calloc(n + 1, sizeof(*keys));

	memset(ord, 0, sizeof(*ord));
	ord->located = tmdk__calloc(n + 1, sizeof(*ord->located));
	ord->same = tmdk__calloc(n + 1, sizeof(*ord->same));
	ord->id_rank = tmdk__calloc(n + 1, sizeof(*ord->id_rank));
	if (!keys || !ord->located || !ord->same || !ord->id_rank || rank_fields(keys, r, n) != TMDK_OK) {
		tmdk__free(keys);
		tmdk__finding_order_free(ord);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const tmdk_finding *f = tmdk_findings_at(r->findings, i);
		keys[i].document = f->document;
		keys[i].line = f->line;
		keys[i].column = f->column;
		keys[i].message = f->message;
		keys[i].unit = f->unit;
		keys[i].index = i;
	}
	qsort(keys, n, sizeof(*keys), compare_located);
	fill_order(ord, keys, n);
	tmdk__free(keys);
	return TMDK_OK;
}

void tmdk__finding_order_free(tmdk__finding_order *ord)
{
	tmdk__free(ord->located);
	tmdk__free(ord->same);
	tmdk__free(ord->id_rank);
	memset(ord, 0, sizeof(*ord));
}

/* ---- sorting on integer keys ---------------------------------------------------------- */

/* Merging on the keys alone, with no comparison function to call per step:
 * that call was most of what qsort cost here. */
void tmdk__sort_keyed(tmdk__keyed *a, tmdk__keyed *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k;
	if (n < 2)
		return;
	tmdk__sort_keyed(a, tmp, mid);
	tmdk__sort_keyed(a + mid, tmp, n - mid);
	if (a[mid - 1].key <= a[mid].key)
		return; /* in order already: findings often come so */
	for (k = 0; k < n; k++)
		tmp[k] = j >= n || (i < mid && a[i].key <= a[j].key) ? a[i++] : a[j++];
	memcpy(a, tmp, n * sizeof(*a));
}

int tmdk__sort_by_keys(const tmdk_finding **list, const uint64_t *keys, size_t n)
{
	tmdk__keyed *k = tmdk__calloc(n + 1, sizeof(*k)), *tmp = tmdk__calloc(n + 1, sizeof(*tmp));
	const tmdk_finding **copy = tmdk__calloc(n + 1, sizeof(*copy));
	size_t i;
	int rc = TMDK_ENOMEM;
	if (k && tmp && copy) {
		for (i = 0; i < n; i++) {
			k[i].key = keys[i];
			k[i].pos = i;
		}
		tmdk__sort_keyed(k, tmp, n);
		memcpy((void *)copy, list, n * sizeof(*list));
		for (i = 0; i < n; i++)
			list[i] = copy[k[i].pos];
		rc = TMDK_OK;
	}
	tmdk__free(k);
	tmdk__free(tmp);
	tmdk__free((void *)copy);
	return rc;
}

int tmdk__view_order_shown(const tmdk__view *v, const tmdk_finding **into,
	uint64_t (*key)(const tmdk__view *v, const tmdk_finding *f))
{
	uint64_t *keys = tmdk__calloc(v->shown_count + 1, sizeof(*keys));
	size_t i;
	int rc;
	if (!keys)
		return TMDK_ENOMEM;
	for (i = 0; i < v->shown_count; i++)
		keys[i] = key(v, v->shown[i]);
	memcpy((void *)into, v->shown, v->shown_count * sizeof(*v->shown));
	rc = tmdk__sort_by_keys(into, keys, v->shown_count);
	tmdk__free(keys);
	return rc;
}
