/*
 * The system models a report holds (one per unit) and what the writers need
 * from them: the component each finding concerns, the worst finding of each
 * component (the picture's colours), and the findings ranked by question,
 * risk, severity and pattern (so one pattern's findings are one group).
 *
 * A finding concerns the component declared in its file at or before its
 * line (a manifest of several workloads, a compose file of several
 * services), or the components whose images its Dockerfile builds. The
 * model of the finding's own unit is searched first.
 */
#include "report_int.h"
#include "scan_int.h"
#include "diagram_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE ((size_t)-1)

/* A picture is the diagram of a model, until a report takes it. */
struct tmdk_report_picture {
	tmdk__diagram *diagram;
};

int tmdk_report_picture_new(tmdk_report_picture **out, const tmdk_node *model)
{
	tmdk_report_picture *p;
	if (!out)
		return TMDK_EINVAL;
	*out = NULL;
	if (!model || tmdk_node_get_type(model) != TMDK_NODE_MAP)
		return TMDK_EINVAL;
	if (!(p = tmdk__calloc(1, sizeof(*p))))
		return TMDK_ENOMEM;
	if (!(p->diagram = tmdk__diagram_new(model))) {
		tmdk__free(p);
		return TMDK_ENOMEM;
	}
	*out = p;
	return TMDK_OK;
}

void tmdk_report_picture_free(tmdk_report_picture *picture)
{
	if (!picture)
		return;
	tmdk__diagram_free(picture->diagram);
	tmdk__free(picture);
}

int tmdk_report_add_picture(tmdk_report *r, const char *unit, tmdk_report_picture **picture)
{
	tmdk__report_model *m;
	char *name;
	if (!r || !picture || !*picture)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->models, r->model_count, r->model_cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	if (!(name = tmdk__strdup(unit ? unit : "")))
		return TMDK_ENOMEM;
	m = &r->models[r->model_count++];
	m->unit = name;
	m->diagram = (*picture)->diagram;
	tmdk__free(*picture);
	*picture = NULL;
	return TMDK_OK;
}

int tmdk_report_add_model(tmdk_report *r, const char *unit, const tmdk_node *model)
{
	tmdk_report_picture *p;
	int rc;
	if (!r)
		return TMDK_EINVAL;
	if ((rc = tmdk_report_picture_new(&p, model)) != TMDK_OK)
		return rc;
	rc = tmdk_report_add_picture(r, unit, &p);
	tmdk_report_picture_free(p);
	return rc;
}

size_t tmdk_report_model_count(const tmdk_report *r)
{
	return r ? r->model_count : 0;
}

void tmdk__report_free_models(tmdk_report *r)
{
	size_t i;
	for (i = 0; i < r->model_count; i++) {
		tmdk__free(r->models[i].unit);
		tmdk__diagram_free(r->models[i].diagram);
	}
	tmdk__free(r->models);
	r->models = NULL;
	r->model_count = r->model_cap = 0;
}

/* ---- where a finding sits --------------------------------------------------------- */

/* "./a/b" and "a/b" are one file. */
static const char *bare_path(const char *p)
{
	while (p && p[0] == '.' && p[1] == '/')
		p += 2;
	return p;
}

static int same_path(const char *a, const char *b)
{
	return a && b && strcmp(bare_path(a), bare_path(b)) == 0;
}

/* What the last findings were placed by: a file's findings come together,
 * and a component's, so a diagram is searched once per file or component,
 * not once per finding. */
typedef struct place_memo {
	const tmdk__diagram *id_d;       /* the component of id `id` in id_d */
	const char *id;
	size_t id_comp;
	const tmdk__diagram *file_d;     /* the components of file_d declared in `path`, in index order */
	const char *path;
	size_t *comps, count;
} place_memo;

static size_t comp_of_id(place_memo *m, const tmdk__diagram *d, const char *id)
{
	size_t i;
	if (m->id_d == d && strcmp(m->id, id) == 0)
		return m->id_comp;
	m->id_d = d;
	m->id = id;
	m->id_comp = NONE;
	for (i = 0; i < d->comp_count && m->id_comp == NONE; i++)
		if (d->comps[i].id && strcmp(d->comps[i].id, id) == 0)
			m->id_comp = i;
	return m->id_comp;
}

static const place_memo *comps_in_file(place_memo *m, const tmdk__diagram *d, const char *path)
{
	size_t i;
	if (m->file_d == d && same_path(m->path, path))
		return m;
	m->file_d = d;
	m->path = path;
	m->count = 0;
	for (i = 0; i < d->comp_count; i++)
		if (same_path(d->comps[i].file, path))
			m->comps[m->count++] = i;
	return m;
}

/* The component of diagram d that a finding concerns, or NONE: the one the
 * scanner named (tmdk_finding_component), else the component declared in the
 * finding's file at or before its line, else the most exposed one built from
 * the finding's Dockerfile. */
static size_t component_in(const tmdk__diagram *d, const tmdk_finding *f, place_memo *memo)
{
	const char *id = tmdk_finding_component(f), *path = tmdk_finding_path(f);
	const place_memo *in_file;
	unsigned int line = tmdk_finding_line(f);
	size_t i, k, best = NONE;
	if (id && (best = comp_of_id(memo, d, id)) != NONE)
		return best;
	in_file = path ? comps_in_file(memo, d, path) : NULL;
	for (k = 0; in_file && k < in_file->count; k++) {
		const tmdk__dcomp *c = &d->comps[in_file->comps[k]];
		if (c->line <= line && (best == NONE || c->line >= d->comps[best].line))
			best = in_file->comps[k];
	}
	if (best != NONE || (in_file && in_file->count))
		return best != NONE ? best : in_file->comps[0];
	/* A Dockerfile: the most exposed component built from it. */
	for (i = 0; i < d->comp_count; i++)
		for (k = 0; k < d->comps[i].dockerfile_count; k++)
			if (same_path(d->comps[i].dockerfiles[k], path) &&
			    (best == NONE || d->comps[i].internet_exposed * 2 + d->comps[i].exposed >
			     d->comps[best].internet_exposed * 2 + d->comps[best].exposed))
				best = i;
	return best;
}

/*
 * Which models can place a finding: the models of each unit name, and the
 * models with a component of each id, file or Dockerfile path, as keys
 * sorted by (key, model). A finding is then tried on its own unit's models
 * and on the models that share a key with it, not on every model: a walk of
 * many Dockerfiles makes hundreds of models.
 */
typedef struct place_key {
	const char *key;
	size_t model;
} place_key;

typedef struct place_index {
	place_key *units, *keys;
	size_t unit_count, key_count;
	size_t *seen;    /* per model: the last finding (index + 1) it was tried for */
	size_t *tried;   /* candidate models of one finding */
	const tmdk__report_unit *last_unit; /* a unit's findings come together: its */
	size_t last_first;                  /* first entry in units is looked up once */
	place_memo memo;                    /* comps: room for the most components of a diagram */
} place_index;

static int compare_keys(const void *a, const void *b)
{
	const place_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->model > y->model) - (x->model < y->model);
}

/* The first key equal to `key`, or n. */
static size_t first_key(const place_key *keys, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(keys[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(keys[lo].key, key) == 0 ? lo : n;
}

static void push_key(place_index *x, const char *key, size_t m)
{
	if (key) {
		x->keys[x->key_count].key = key;
		x->keys[x->key_count++].model = m;
	}
}

static int place_index_build(place_index *x, const tmdk_report *r)
{
	size_t m, i, k, n = 0, most = 0;
	memset(x, 0, sizeof(*x));
	for (m = 0; m < r->model_count; m++) {
		for (i = 0; i < r->models[m].diagram->comp_count; i++)
			n += 2 + r->models[m].diagram->comps[i].dockerfile_count;
		if (r->models[m].diagram->comp_count > most)
			most = r->models[m].diagram->comp_count;
	}
	x->units = tmdk__calloc(r->model_count + 1, sizeof(*x->units));
	x->keys = tmdk__calloc(n + 1, sizeof(*x->keys));
	x->seen = tmdk__calloc(r->model_count + 1, sizeof(*x->seen));
	x->tried = tmdk__calloc(r->model_count + 1, sizeof(*x->tried));
	x->memo.comps = tmdk__calloc(most + 1, sizeof(*x->memo.comps));
	if (!x->units || !x->keys || !x->seen || !x->tried || !x->memo.comps)
		return TMDK_ENOMEM;
	for (m = 0; m < r->model_count; m++) {
		const tmdk__diagram *d = r->models[m].diagram;
		x->units[x->unit_count].key = r->models[m].unit;
		x->units[x->unit_count++].model = m;
		for (i = 0; i < d->comp_count; i++) {
			push_key(x, d->comps[i].id, m);
			push_key(x, bare_path(d->comps[i].file), m);
			for (k = 0; k < d->comps[i].dockerfile_count; k++)
				push_key(x, bare_path(d->comps[i].dockerfiles[k]), m);
		}
	}
	qsort(x->units, x->unit_count, sizeof(*x->units), compare_keys);
	qsort(x->keys, x->key_count, sizeof(*x->keys), compare_keys);
	return TMDK_OK;
}

static void place_index_free(place_index *x)
{
	tmdk__free(x->units);
	tmdk__free(x->keys);
	tmdk__free(x->seen);
	tmdk__free(x->tried);
	tmdk__free(x->memo.comps);
}

/* Insertion sort: a finding has a model or two to try, too few for qsort's setup. */
static void sort_sizes(size_t *a, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		size_t v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* The first entry of x->units for unit u (x->unit_count: none). */
static size_t unit_models(place_index *x, const tmdk__report_unit *u)
{
	if (!u || !u->path)
		return x->unit_count;
	if (u != x->last_unit) {
		x->last_unit = u;
		x->last_first = first_key(x->units, x->unit_count, u->path);
	}
	return x->last_first;
}

/* The models that share `key`, once each, appended to x->tried. */
static size_t add_candidates(place_index *x, const char *key, size_t stamp, size_t n)
{
	size_t i = key ? first_key(x->keys, x->key_count, key) : x->key_count;
	for (; i < x->key_count && strcmp(x->keys[i].key, key) == 0; i++)
		if (x->seen[x->keys[i].model] != stamp) {
			x->seen[x->keys[i].model] = stamp;
			x->tried[n++] = x->keys[i].model;
		}
	return n;
}

/* The finding's own unit's models first, then the others in model order:
 * the first that has a component for it. */
static tmdk__view_place place(const tmdk_report *r, place_index *x, const tmdk_finding *f, size_t stamp)
{
	tmdk__view_place p = { NONE, NONE };
	const tmdk__report_unit *u = tmdk__report_finding_unit(r, f);
	size_t i, n = 0, c;
	for (i = unit_models(x, u); i < x->unit_count && strcmp(x->units[i].key, u->path) == 0; i++) {
		x->seen[x->units[i].model] = stamp; /* tried here, not again below */
		if ((c = component_in(r->models[x->units[i].model].diagram, f, &x->memo)) != NONE) {
			p.model = x->units[i].model;
			p.comp = c;
			return p;
		}
	}
	n = add_candidates(x, tmdk_finding_component(f), stamp, n);
	n = add_candidates(x, bare_path(tmdk_finding_path(f)), stamp, n);
	sort_sizes(x->tried, n);
	for (i = 0; i < n; i++)
		if ((c = component_in(r->models[x->tried[i]].diagram, f, &x->memo)) != NONE) {
			p.model = x->tried[i];
			p.comp = c;
			return p;
		}
	return p;
}

const tmdk__view_place *tmdk__view_place_of(const tmdk__view *v, const tmdk_finding *f)
{
	return &v->places[f - tmdk_findings_at(v->report->findings, 0)];
}

static const tmdk__dcomp *component_of(const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk__view_place *p = tmdk__view_place_of(v, f);
	return p->model == NONE ? NULL : &v->report->models[p->model].diagram->comps[p->comp];
}

int tmdk__view_exposure(const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk__dcomp *c = component_of(v, f);
	return !c ? 0 : c->internet_exposed ? 2 : c->exposed ? 1 : 0;
}

const char *tmdk__view_component_name(const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk__dcomp *c = component_of(v, f);
	return !c ? NULL : c->name ? c->name : c->id;
}

/* ---- the ranked findings ---------------------------------------------------------------- */

/* `ranked`: by question, risk, severity (worst first) and pattern id. */
static uint64_t rank_key(const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	uint64_t ids = tmdk_findings_count(v->report->findings) + 1;
	uint64_t group = tmdk__pattern_group(p) * TMDK_SEVERITY_COUNT +
		(uint64_t)(TMDK_SEVERITY_CRITICAL - tmdk_pattern_severity(p));
	return group * ids + v->order.id_rank[f - tmdk_findings_at(v->report->findings, 0)];
}

size_t tmdk__view_pattern_run(const tmdk__view *v, size_t i)
{
	size_t n = 1;
	while (i + n < v->shown_count && tmdk_finding_pattern(v->ranked[i + n]) == tmdk_finding_pattern(v->ranked[i]))
		n++;
	return n;
}

int tmdk__view_models(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i, n = tmdk_findings_count(r->findings);
	v->ranked = tmdk__calloc(v->shown_count + 1, sizeof(*v->ranked));
	v->places = tmdk__calloc(n + 1, sizeof(*v->places));
	v->comp_severity = tmdk__calloc(r->model_count + 1, sizeof(*v->comp_severity));
	if (!v->ranked || !v->places || !v->comp_severity)
		return TMDK_ENOMEM;
	/* `ranked`, in the located order (shown's) within each key. */
	if (tmdk__view_order_shown(v, v->ranked, rank_key) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < r->model_count; i++) {
		size_t k, count = r->models[i].diagram->comp_count;
		if (!(v->comp_severity[i] = tmdk__malloc((count + 1) * sizeof(int))))
			return TMDK_ENOMEM;
		for (k = 0; k < count; k++)
			v->comp_severity[i][k] = -1;
	}
	if (r->model_count) {
		place_index x;
		if (place_index_build(&x, r) != TMDK_OK) {
			place_index_free(&x);
			return TMDK_ENOMEM;
		}
		for (i = 0; i < n; i++)
			v->places[i] = place(r, &x, tmdk_findings_at(r->findings, i), i + 1);
		place_index_free(&x);
	} else {
		for (i = 0; i < n; i++)
			v->places[i] = (tmdk__view_place){ NONE, NONE };
	}
	for (i = 0; i < v->shown_count; i++) {
		const tmdk__view_place *p = tmdk__view_place_of(v, v->shown[i]);
		int s = (int)tmdk_pattern_severity(tmdk_finding_pattern(v->shown[i]));
		if (p->model != NONE && s > v->comp_severity[p->model][p->comp])
			v->comp_severity[p->model][p->comp] = s;
	}
	return 0;
}

void tmdk__view_models_free(tmdk__view *v)
{
	size_t i;
	for (i = 0; v->comp_severity && i < v->report->model_count; i++)
		tmdk__free(v->comp_severity[i]);
	tmdk__free(v->comp_severity);
	tmdk__free((void *)v->ranked);
	tmdk__free(v->places);
}

/* ---- pictures -------------------------------------------------------------------- */

static void style_of(const tmdk__view *v, size_t m, tmdk__diagram_style *s)
{
	memset(s, 0, sizeof(*s));
	s->severity = v->comp_severity[m];
}

int tmdk__view_mermaid(const tmdk__view *v, size_t m, tmdk__out *o)
{
	tmdk__diagram_style s;
	style_of(v, m, &s);
	return tmdk__diagram_write_mermaid(v->report->models[m].diagram, &s, o);
}

int tmdk__view_svg(const tmdk__view *v, size_t m, char **svg, size_t *len)
{
	tmdk__diagram_style s;
	style_of(v, m, &s);
	return tmdk__diagram_svg(svg, len, v->report->models[m].diagram, &s);
}

void tmdk__view_model_counts(const tmdk__view *v, size_t m, size_t *components, size_t *exposed, size_t *internet)
{
	const tmdk__diagram *d = v->report->models[m].diagram;
	size_t i;
	*components = d->comp_count;
	*exposed = *internet = 0;
	for (i = 0; i < d->comp_count; i++) {
		*exposed += d->comps[i].exposed != 0;
		*internet += d->comps[i].internet_exposed != 0;
	}
}

static int model_worst(const tmdk__view *v, size_t m)
{
	size_t i;
	int worst = -1;
	for (i = 0; i < v->report->models[m].diagram->comp_count; i++)
		if (v->comp_severity[m][i] > worst)
			worst = v->comp_severity[m][i];
	return worst;
}



/* A unit under a folder of tests, fixtures or archives
 * ("kustomize/tests/istio", "_archived/nfs"): what a project tests or
 * keeps for history, not what it ships. */
static int is_side_unit(const char *path)
{
	static const char *const names[] = { "test", "tests", "testdata", "test-data", "fixtures", "__tests__", "e2e",
		"archive", "archived", "_archived", "deprecated" };
	const char *seg = path;
	size_t i, len;
	while (seg && *seg) {
		len = strcspn(seg, "/");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (len == strlen(names[i]) && strncasecmp(seg, names[i], len) == 0)
				return 1;
		seg += len;
		seg += *seg == '/';
	}
	return 0;
}

/* Merge sort of model indexes (stable, no global state): what the project
 * ships before its tests and archives, then the worst finding first, then
 * more components. */
static int before(size_t a, size_t b, const int *worst, const size_t *count, const char *test)
{
	if (test[a] != test[b])
		return test[a] < test[b];
	if (worst[a] != worst[b])
		return worst[a] > worst[b];
	if (count[a] != count[b])
		return count[a] > count[b];
	return a < b;
}

static void sort_by_rank(size_t *order, size_t n, const int *worst, const size_t *count, const char *test)
{
	size_t i, j, k, mid = n / 2, *tmp;
	if (n < 2)
		return;
	sort_by_rank(order, mid, worst, count, test);
	sort_by_rank(order + mid, n - mid, worst, count, test);
	if (!(tmp = tmdk__malloc(n * sizeof(*tmp))))
		return; /* halves sorted: a still deterministic order */
	for (i = 0, j = mid, k = 0; k < n; k++)
		tmp[k] = j >= n || (i < mid && before(order[i], order[j], worst, count, test)) ? order[i++] : order[j++];
	memcpy(order, tmp, n * sizeof(*tmp));
	tmdk__free(tmp);
}

size_t *tmdk__view_model_order(const tmdk__view *v)
{
	size_t i, n = v->report->model_count;
	size_t *order = tmdk__calloc(n + 1, sizeof(*order)), *count = tmdk__calloc(n + 1, sizeof(*count));
	int *worst = tmdk__calloc(n + 1, sizeof(*worst));
	char *test = tmdk__calloc(n + 1, 1);
	if (order && count && worst && test) {
		for (i = 0; i < n; i++) {
			order[i] = i;
			worst[i] = model_worst(v, i);
			count[i] = v->report->models[i].diagram->comp_count;
			test[i] = (char)is_side_unit(v->report->models[i].unit);
		}
		sort_by_rank(order, n, worst, count, test);
	} else {
		tmdk__free(order);
		order = NULL;
	}
	tmdk__free(count);
	tmdk__free(worst);
	tmdk__free(test);
	return order;
}
