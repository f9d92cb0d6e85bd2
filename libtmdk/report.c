/*
 * The report object (what one scan produced) and the sorted view every
 * writer renders from. Building the view here keeps the writers to layout:
 * they never sort, filter or count.
 */
#include "report_int.h"
#include "scan_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

static const char *const format_names[TMDK_REPORT_FORMAT_COUNT] = { "text", "json", "sarif", "markdown", "html",
	"pr-comment" };

const char *tmdk_report_format_name(tmdk_report_format format)
{
	return (unsigned)format < TMDK_REPORT_FORMAT_COUNT ? format_names[format] : NULL;
}

int tmdk_report_format_from_name(tmdk_report_format *out, const char *name)
{
	int i;
	if (!out || !name)
		return TMDK_EINVAL;
	for (i = 0; i < TMDK_REPORT_FORMAT_COUNT; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (tmdk_report_format)i;
			return TMDK_OK;
		}
	if (strcmp(name, "md") == 0) {
		*out = TMDK_REPORT_MARKDOWN;
		return TMDK_OK;
	}
	return TMDK_EINVAL;
}

int tmdk_report_options_init(tmdk_report_options *opts, unsigned int version)
{
	tmdk_report_options init = TMDK_REPORT_OPTIONS_INIT;
	if (!opts || version != TMDK_REPORT_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

/* ---- the report object --------------------------------------------------------- */

int tmdk_report_new(tmdk_report **out, tmdk_error *err)
{
	tmdk_report *r;

	tmdk_error_clear(err);
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	r = tmdk__calloc(1, sizeof(*r));
	if (!r || tmdk_findings_new(&r->findings) != TMDK_OK) {
		tmdk__free(r);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	r->duration_ms = -1;
	*out = r;
	return TMDK_OK;
}

void tmdk_report_free(tmdk_report *r)
{
	size_t i;
	if (!r)
		return;
	tmdk_findings_free(r->findings);
	for (i = 0; i < r->file_count; i++)
		tmdk__free(r->files[i].path);
	tmdk__free(r->files);
	for (i = 0; i < r->error_count; i++) {
		tmdk__free(r->errors[i].path);
		tmdk__free(r->errors[i].message);
	}
	tmdk__free(r->errors);
	tmdk__report_free_skips(r);
	tmdk__free(r->enabled);
	tmdk_catalog_free(r->catalog);
	tmdk__free(r->scope);
	tmdk__free(r->date);
	tmdk__report_baseline_free(r);
	tmdk__report_free_units(r);
	tmdk__report_free_models(r);
	tmdk__free(r);
}

/* The scanner's filter, through the public accessors. */
static int pattern_passes(const tmdk_scan_options *o, const tmdk_pattern *p)
{
	size_t i;
	if (!o)
		return 1;
	if (tmdk_pattern_severity(p) < o->min_severity)
		return 0;
	if (o->questions && !(o->questions & (1u << tmdk_pattern_question(p))))
		return 0;
	if (o->risks && !(o->risks & (1ul << tmdk_pattern_risk(p))))
		return 0;
	for (i = 0; i < o->ignore_count; i++)
		if (o->ignore_ids && o->ignore_ids[i] && strcmp(o->ignore_ids[i], tmdk_pattern_id(p)) == 0)
			return 0;
	return 1;
}

int tmdk_report_set_catalog(tmdk_report *r, const tmdk_catalog *catalog, const tmdk_scan_options *opts,
	tmdk_error *err)
{
	size_t i, n;
	unsigned char *enabled;

	tmdk_error_clear(err);
	if (!r || !catalog)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	if (opts && (opts->version < 1 || opts->version > TMDK_SCAN_OPTIONS_VERSION))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"unsupported tmdk_scan_options version %u (expected 1 to %u)", opts->version, TMDK_SCAN_OPTIONS_VERSION);
	n = tmdk_catalog_pattern_count(catalog);
	enabled = tmdk__calloc(n + 1, 1);
	if (!enabled)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	for (i = 0; i < n; i++)
		enabled[i] = (unsigned char)pattern_passes(opts, tmdk_catalog_pattern(catalog, i));
	tmdk__free(r->enabled);
	tmdk_catalog_free(r->catalog);
	r->enabled = enabled;
	r->catalog = tmdk_catalog_ref((tmdk_catalog *)catalog);
	return TMDK_OK;
}

static int replace_string(char **slot, const char *value)
{
	char *copy = NULL;
	if (value && !(copy = tmdk__strdup(value)))
		return TMDK_ENOMEM;
	tmdk__free(*slot);
	*slot = copy;
	return TMDK_OK;
}

int tmdk_report_set_scope(tmdk_report *r, const char *scope)
{
	return r ? replace_string(&r->scope, scope) : TMDK_EINVAL;
}

int tmdk_report_set_date(tmdk_report *r, const char *date)
{
	return r ? replace_string(&r->date, date) : TMDK_EINVAL;
}

void tmdk_report_set_duration(tmdk_report *r, double seconds)
{
	if (r)
		r->duration_ms = seconds < 0 || seconds > 1e9 ? -1 : (long)(seconds * 1000.0 + 0.5);
}

int tmdk_report_add_file(tmdk_report *r, const char *path, tmdk_kind kind)
{
	char *copy;
	if (!r || !path || (unsigned)kind >= TMDK_KIND_COUNT)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->files, r->file_count, r->file_cap, 16) != TMDK_OK ||
	    !(copy = tmdk__strdup(path)))
		return TMDK_ENOMEM;
	r->files[r->file_count].path = copy;
	r->files[r->file_count].kind = kind;
	r->file_count++;
	return TMDK_OK;
}

int tmdk_report_add_error(tmdk_report *r, const char *path, unsigned int line, unsigned int column, int code,
	const char *message)
{
	tmdk__report_error *e;
	if (!r)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->errors, r->error_count, r->error_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	e = &r->errors[r->error_count];
	e->path = tmdk__strdup(path ? path : "");
	e->message = tmdk__strdup(message ? message : "");
	if (!e->path || !e->message) {
		tmdk__free(e->path);
		tmdk__free(e->message);
		return TMDK_ENOMEM;
	}
	e->line = line;
	e->column = column;
	e->code = code;
	r->error_count++;
	return TMDK_OK;
}

/* The last finding appended belongs to the current unit. */
static void mark_unit(tmdk_report *r)
{
	tmdk_finding *last = (tmdk_finding *)tmdk_findings_at(r->findings, tmdk_findings_count(r->findings) - 1);
	last->unit = r->current_unit;
}

int tmdk_report_add_finding(tmdk_report *r, const tmdk_finding *f)
{
	int rc;
	if (!r || !f || !tmdk_finding_pattern(f))
		return TMDK_EINVAL;
	if ((rc = tmdk_findings_append(r->findings, f)) == TMDK_OK)
		mark_unit(r);
	return rc;
}

int tmdk_report_add_suppressed(tmdk_report *r, const tmdk_finding *f, const char *suppression)
{
	int rc;
	if (!r)
		return TMDK_EINVAL;
	if ((rc = tmdk_findings_append_suppressed(r->findings, f, suppression)) == TMDK_OK)
		mark_unit(r);
	return rc;
}

int tmdk_report_add_findings(tmdk_report *r, const tmdk_findings *list)
{
	size_t i;
	if (!r)
		return TMDK_EINVAL;
	for (i = 0; i < tmdk_findings_count(list); i++) {
		int rc = tmdk_report_add_finding(r, tmdk_findings_at(list, i));
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

int tmdk_report_take_findings(tmdk_report *r, tmdk_findings *list)
{
	if (!r || !list)
		return TMDK_EINVAL;
	return tmdk__findings_move(r->findings, list, r->current_unit);
}

int tmdk_report_collect(const tmdk_finding *f, void *payload)
{
	int rc = tmdk_report_add_finding(payload, f);
	return rc == TMDK_OK ? 0 : rc;
}

size_t tmdk_report_finding_count(const tmdk_report *r, tmdk_severity min)
{
	/* Findings in the baseline do not count; without memory to tell, all do (fail closed). */
	tmdk__fingerprint *fp = r && r->baseline_count ? tmdk__report_fingerprints(r, NULL) : NULL;
	size_t i, n = 0;
	for (i = 0; r && i < tmdk_findings_count(r->findings); i++) {
		const tmdk_finding *f = tmdk_findings_at(r->findings, i);
		if (!tmdk_finding_suppressed(f) && tmdk_pattern_severity(tmdk_finding_pattern(f)) >= min &&
		    !(fp && fp[i].baseline))
			n++;
	}
	tmdk__free(fp);
	return n;
}

size_t tmdk_report_suppressed_count(const tmdk_report *r)
{
	size_t i, n = 0;
	for (i = 0; r && i < tmdk_findings_count(r->findings); i++)
		n += (size_t)(tmdk_finding_suppressed(tmdk_findings_at(r->findings, i)) != 0);
	return n;
}

size_t tmdk_report_error_count(const tmdk_report *r)
{
	return r ? r->error_count : 0;
}

/* ---- helpers shared by the writers -------------------------------------------- */

size_t tmdk__count_total(const size_t *per_severity)
{
	size_t i, n = 0;
	for (i = 0; i < TMDK_SEVERITY_COUNT; i++)
		n += per_severity[i];
	return n;
}

const char *tmdk__severity_upper(tmdk_severity s)
{
	static const char *const names[TMDK_SEVERITY_COUNT] = { "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL" };
	return (unsigned)s < TMDK_SEVERITY_COUNT ? names[s] : "?";
}

void tmdk__reference_label(const tmdk_reference *ref, char *buf, size_t size)
{
	const char *type = ref->type ? ref->type : "";
	const char *name = ref->benchmark;

	if (!name) {
		if (strcmp(type, "cis-docker") == 0)
			name = "CIS Docker Benchmark";
		else if (strcmp(type, "cis-kubernetes") == 0)
			name = "CIS Kubernetes Benchmark";
		else if (strcmp(type, "owasp") == 0)
			name = "OWASP";
	}
	if (name && ref->id)
		snprintf(buf, size, "%s %s", name, ref->id);
	else if (ref->title)
		snprintf(buf, size, "%s", ref->title);
	else if (ref->id)
		snprintf(buf, size, "%s %s", type, ref->id);
	else if (ref->url)
		snprintf(buf, size, "%s", ref->url);
	else
		snprintf(buf, size, "%s", name ? name : type);
}

/* ---- the view ------------------------------------------------------------------ */

static int compare_files(const void *a, const void *b)
{
	return strcmp((*(const tmdk__report_file *const *)a)->path, (*(const tmdk__report_file *const *)b)->path);
}

int tmdk__compare_report_errors(const void *pa, const void *pb)
{
	const tmdk__report_error *a = *(const tmdk__report_error *const *)pa;
	const tmdk__report_error *b = *(const tmdk__report_error *const *)pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return strcmp(a->message, b->message);
}

static int compare_patterns(const void *pa, const void *pb)
{
	const tmdk__view_pattern *a = pa, *b = pb;
	int c = strcmp(tmdk_pattern_id(a->pattern), tmdk_pattern_id(b->pattern));
	if (c)
		return c;
	return a->pattern == b->pattern ? 0 : (a->pattern < b->pattern ? -1 : 1);
}

size_t tmdk__view_pattern_index(const tmdk__view *v, const tmdk_pattern *p)
{
	size_t lo = 0, hi = v->pattern_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		tmdk__view_pattern key;
		int c;
		key.pattern = p;
		c = compare_patterns(&key, &v->patterns[mid]);
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

const tmdk__fingerprint *tmdk__view_print(const tmdk__view *v, const tmdk_finding *f)
{
	return &v->prints[f - tmdk_findings_at(v->report->findings, 0)];
}

static void view_free(tmdk__view *v)
{
	tmdk__free((void *)v->shown);
	tmdk__free((void *)v->grouped);
	tmdk__free((void *)v->suppressed);
	tmdk__free((void *)v->files);
	tmdk__free((void *)v->errors);
	tmdk__free((void *)v->skips);
	tmdk__free(v->patterns);
	tmdk__free(v->derived);
	tmdk__free(v->prints);
	tmdk__finding_order_free(&v->order);
	tmdk__view_models_free(v);
}

/* Shown and suppressed findings in the located order, each kept once. */
static void split_findings(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t k, n = tmdk_findings_count(r->findings);
	for (k = 0; k < n; k++) {
		size_t i = v->order.located[k];
		const tmdk_finding *f = tmdk_findings_at(r->findings, i);
		if (tmdk_pattern_severity(tmdk_finding_pattern(f)) < v->opts->min_severity)
			continue;
		if (tmdk_finding_suppressed(f)) {
			v->suppressed[v->suppressed_count++] = f;
		} else {
			v->shown[v->shown_count++] = f;
			v->baseline_count += (size_t)v->prints[i].baseline;
		}
	}
}

static uint64_t group_key(const tmdk__view *v, const tmdk_finding *f)
{
	(void)v;
	return tmdk__pattern_group(tmdk_finding_pattern(f));
}

static int view_findings(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i, n = tmdk_findings_count(r->findings);

	v->shown = tmdk__calloc(n + 1, sizeof(*v->shown));
	v->grouped = tmdk__calloc(n + 1, sizeof(*v->grouped));
	v->suppressed = tmdk__calloc(n + 1, sizeof(*v->suppressed));
	if (!v->shown || !v->grouped || !v->suppressed || tmdk__finding_order_build(&v->order, r) != TMDK_OK ||
	    !(v->prints = tmdk__report_fingerprints(r, &v->order)))
		return TMDK_ENOMEM;
	split_findings(v);
	/* `grouped`: by question and risk, in the located order within each. */
	if (tmdk__view_order_shown(v, v->grouped, group_key) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < v->shown_count; i++) {
		const tmdk_pattern *p = tmdk_finding_pattern(v->shown[i]);
		tmdk_severity s = tmdk_pattern_severity(p);
		v->by_severity[s]++;
		v->by_question[tmdk_pattern_question(p)][s]++;
		v->by_risk[tmdk_pattern_risk(p)][s]++;
	}
	return 0;
}

/* The files added, or those the findings name when none were. */
static int view_files(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i, n, kept = 0;

	if (r->file_count) {
		v->files = tmdk__calloc(r->file_count, sizeof(*v->files));
		if (!v->files)
			return TMDK_ENOMEM;
		for (i = 0; i < r->file_count; i++)
			v->files[i] = &r->files[i];
		n = r->file_count;
	} else {
		n = tmdk_findings_count(r->findings);
		v->derived = tmdk__calloc(n + 1, sizeof(*v->derived));
		v->files = tmdk__calloc(n + 1, sizeof(*v->files));
		if (!v->derived || !v->files)
			return TMDK_ENOMEM;
		for (i = 0; i < n; i++) {
			const tmdk_finding *f = tmdk_findings_at(r->findings, i);
			v->derived[i].path = (char *)tmdk_finding_path(f);
			v->derived[i].kind = tmdk_finding_kind(f);
			v->files[i] = &v->derived[i];
		}
	}
	qsort((void *)v->files, n, sizeof(*v->files), compare_files);
	for (i = 0; i < n; i++) {
		if (kept && strcmp(v->files[kept - 1]->path, v->files[i]->path) == 0)
			continue;
		if (v->files[i]->kind == TMDK_KIND_UNKNOWN) {
			v->skipped_count++;
			continue;
		}
		v->kind_count[v->files[i]->kind]++;
		v->files[kept++] = v->files[i];
	}
	v->file_count = kept;
	return 0;
}

static int view_errors(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i;
	v->errors = tmdk__calloc(r->error_count + 1, sizeof(*v->errors));
	if (!v->errors)
		return TMDK_ENOMEM;
	for (i = 0; i < r->error_count; i++)
		v->errors[i] = &r->errors[i];
	v->error_count = r->error_count;
	qsort((void *)v->errors, v->error_count, sizeof(*v->errors), tmdk__compare_report_errors);
	return 0;
}

static int applies_to_scanned(const tmdk__view *v, const tmdk_pattern *p)
{
	int k, any = 0;
	for (k = TMDK_KIND_DOCKERFILE; k < TMDK_KIND_COUNT; k++) {
		if (!v->kind_count[k])
			continue;
		any = 1;
		if (tmdk_pattern_applies_to(p, (tmdk_kind)k))
			return 1;
	}
	return !any; /* nothing known about the files: assume every pattern ran */
}

static int compare_pattern_pointers(const void *pa, const void *pb)
{
	const tmdk__view_pattern *a = pa, *b = pb;
	return a->pattern == b->pattern ? 0 : (a->pattern < b->pattern ? -1 : 1);
}

/* One entry per pattern (the catalog's and the findings' may be the same):
 * merged by pointer, which compares as one integer, before they are sorted by id. */
static size_t merge_patterns(tmdk__view_pattern *list, size_t n)
{
	size_t i, kept = 0;
	qsort(list, n, sizeof(*list), compare_pattern_pointers);
	for (i = 0; i < n; i++) {
		if (kept && list[kept - 1].pattern == list[i].pattern) {
			list[kept - 1].checked |= list[i].checked;
			list[kept - 1].findings += list[i].findings;
			list[kept - 1].suppressed += list[i].suppressed;
			continue;
		}
		list[kept++] = list[i];
	}
	return kept;
}

static const tmdk_finding *listed_finding(const tmdk__view *v, size_t i)
{
	return i < v->shown_count ? v->shown[i] : v->suppressed[i - v->shown_count];
}

/* The patterns of the shown and suppressed findings appended, one entry
 * each with its counts: the findings sorted by pattern (one integer), each
 * run an entry. TMDK_OK or TMDK_ENOMEM. */
static int finding_patterns(tmdk__view *v)
{
	size_t i, n = v->shown_count + v->suppressed_count;
	tmdk__keyed *k = tmdk__calloc(n + 1, sizeof(*k)), *tmp = tmdk__calloc(n + 1, sizeof(*tmp));
	tmdk__view_pattern *e = NULL;
	if (!k || !tmp) {
		tmdk__free(k);
		tmdk__free(tmp);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		k[i].key = (uint64_t)(uintptr_t)tmdk_finding_pattern(listed_finding(v, i));
		k[i].pos = i;
	}
	tmdk__sort_keyed(k, tmp, n);
	for (i = 0; i < n; i++) {
		if (!e || k[i].key != k[i - 1].key) {
			e = &v->patterns[v->pattern_count++];
			e->pattern = tmdk_finding_pattern(listed_finding(v, k[i].pos));
		}
		if (k[i].pos < v->shown_count)
			e->findings++;
		else
			e->suppressed++;
	}
	tmdk__free(k);
	tmdk__free(tmp);
	return TMDK_OK;
}

/* Checked patterns and those findings name, by id, each once. */
static int view_patterns(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t n = tmdk_catalog_pattern_count(r->catalog), i;
	size_t max = n + v->shown_count + v->suppressed_count;

	v->patterns = tmdk__calloc(max + 1, sizeof(*v->patterns));
	if (!v->patterns)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(r->catalog, i);
		if (r->enabled[i] && tmdk_pattern_severity(p) >= v->opts->min_severity && applies_to_scanned(v, p)) {
			v->patterns[v->pattern_count].pattern = p;
			v->patterns[v->pattern_count++].checked = 1;
		}
	}
	if (finding_patterns(v) != TMDK_OK)
		return TMDK_ENOMEM;
	v->pattern_count = merge_patterns(v->patterns, v->pattern_count);
	qsort(v->patterns, v->pattern_count, sizeof(*v->patterns), compare_patterns);
	for (i = 0; i < v->pattern_count; i++) {
		/* A pattern that reported something was evaluated, catalog or not. */
		if (v->patterns[i].findings || v->patterns[i].suppressed)
			v->patterns[i].checked = 1;
		if (v->patterns[i].checked) {
			v->checked_count++;
			v->checked_per_risk[tmdk_pattern_risk(v->patterns[i].pattern)]++;
		}
	}
	return 0;
}

/*
 * The formats that draw the system model (Markdown, HTML, the pull-request
 * comment) rank the findings and place each on a component
 * (tmdk__view_models). JSON, SARIF and text print neither: on 8,835
 * findings that was a sixth of writing a JSON report, on the one thread
 * tmdk-scan has left at the end.
 */
static int draws_models(tmdk_report_format format)
{
	return format == TMDK_REPORT_MARKDOWN || format == TMDK_REPORT_HTML || format == TMDK_REPORT_PR_COMMENT;
}

static int view_build(tmdk__view *v, const tmdk_report *r, const tmdk_report_options *opts)
{
	memset(v, 0, sizeof(*v));
	v->report = r;
	v->opts = opts;
	v->tool_name = opts->tool_name ? opts->tool_name : "libtmdk";
	v->title = opts->title ? opts->title : "Threat model";
	if (view_findings(v) != 0 || view_files(v) != 0 || view_errors(v) != 0 || view_patterns(v) != 0 ||
	    tmdk__view_skips(v) != 0 || (draws_models(opts->format) && tmdk__view_models(v) != 0)) {
		view_free(v);
		return TMDK_ENOMEM;
	}
	return 0;
}

/* ---- writing ----------------------------------------------------------------------- */

typedef int (*writer_fn)(const tmdk__view *v, tmdk__out *o);

static const writer_fn writers[TMDK_REPORT_FORMAT_COUNT] = {
	tmdk__write_text, tmdk__write_json, tmdk__write_sarif, tmdk__write_markdown, tmdk__write_html,
	tmdk__write_comment
};

int tmdk_report_write(const tmdk_report *r, const tmdk_report_options *opts, tmdk_write_fn write, void *payload,
	tmdk_error *err)
{
	tmdk_report_options defaults = TMDK_REPORT_OPTIONS_INIT;
	tmdk__view v;
	tmdk__out *o;
	int rc;

	tmdk_error_clear(err);
	if (!r || !write)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	if (!opts)
		opts = &defaults;
	if (opts->version != TMDK_REPORT_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"unsupported tmdk_report_options version %u (expected %u)", opts->version, TMDK_REPORT_OPTIONS_VERSION);
	if ((unsigned)opts->format >= TMDK_REPORT_FORMAT_COUNT)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "unknown report format %d (expected 0 to %d)",
			(int)opts->format, TMDK_REPORT_FORMAT_COUNT - 1);
	if ((unsigned)opts->min_severity > TMDK_SEVERITY_CRITICAL)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "unknown severity %d", (int)opts->min_severity);
	o = tmdk__malloc(sizeof(*o));
	if (!o || view_build(&v, r, opts) != 0) {
		tmdk__free(o);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	tmdk__out_init(o, write, payload);
	rc = writers[opts->format](&v, o);
	if (rc == TMDK_OK && tmdk__out_flush(o) != TMDK_OK)
		rc = o->nomem ? TMDK_ENOMEM : TMDK_EIO;
	else if (rc == TMDK_OK && o->nomem)
		rc = TMDK_ENOMEM;
	view_free(&v);
	tmdk__free(o);
	if (rc == TMDK_ENOMEM)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc != 0)
		return tmdk__error_set(err, TMDK_EIO, NULL, 0, 0, "the write callback failed; the %s report is incomplete",
			format_names[opts->format]);
	return TMDK_OK;
}

/* ---- rendering into a string ------------------------------------------------------ */

int tmdk_report_render(char **out, size_t *len_out, const tmdk_report *r, const tmdk_report_options *opts,
	tmdk_error *err)
{
	tmdk__sink s;
	int rc;

	tmdk_error_clear(err);
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	if (len_out)
		*len_out = 0;
	s.data = NULL;
	s.len = s.cap = 0;
	if (tmdk__sink_write("", 0, &s) != 0)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	rc = tmdk_report_write(r, opts, tmdk__sink_write, &s, err);
	if (rc == TMDK_EIO) /* the only way tmdk__sink_write fails */
		rc = tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc != TMDK_OK) {
		tmdk__free(s.data);
		return rc;
	}
	*out = s.data;
	if (len_out)
		*len_out = s.len;
	return TMDK_OK;
}

void tmdk_report_string_free(char *string)
{
	tmdk__free(string);
}
