/*
 * Finding fingerprints and baselines.
 *
 * A fingerprint identifies a finding across commits: a 64-bit FNV-1a hash
 * of the pattern id, the path, the object and the evidence text (never the
 * line or column, which move when lines are added above), written as 16 hex
 * digits, then ":N", N counting equal hashes in the report in location
 * order ("…:1", "…:2"), so that two identical findings have two
 * fingerprints. The JSON report's `fingerprint` and SARIF's
 * partialFingerprints["tmdkFindingHash/v1"] are this same string.
 *
 * A baseline is a multiset of fingerprints read from an earlier JSON report
 * or SARIF log: an active finding whose fingerprint is in it is "unchanged"
 * and does not count in tmdk_report_finding_count. Since fingerprints carry
 * their occurrence, a baseline with two identical findings covers two, not
 * more.
 */
#include "report_int.h"
#include "scan_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff; /* field separator */
	return h * 0x100000001b3ULL;
}

uint64_t tmdk__fingerprint_hash(const char *pattern_id, const char *path, const char *object, const char *evidence)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv1a(h, pattern_id);
	h = fnv1a(h, path);
	h = fnv1a(h, object);
	return fnv1a(h, evidence);
}

/* "%016llx:%u" by hand: snprintf was most of the cost of fingerprinting a report. */
void tmdk__fingerprint_format(char *buf, size_t size, uint64_t hash, unsigned int occurrence)
{
	static const char hex_digits[] = "0123456789abcdef";
	char text[16 + 1 + 10 + 1], *end = text + sizeof(text) - 1, *p = end;
	size_t i, n;
	*p = '\0';
	do {
		*--p = (char)('0' + occurrence % 10);
		occurrence /= 10;
	} while (occurrence);
	*--p = ':';
	for (i = 0; i < 16; i++, hash >>= 4)
		*--p = hex_digits[hash & 15];
	if (!size)
		return;
	n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

typedef struct print {
	uint64_t hash;
	size_t same;                 /* the location order's class (tmdk__finding_order.same); 0: input order */
	size_t index;
} print;

/* Occurrences of equal hashes, in location order (p[] is in index order):
 * by class, then stably by hash; out[index]. TMDK_OK or TMDK_ENOMEM. */
static int occurrences(const print *p, size_t n, tmdk__fingerprint *out)
{
	tmdk__keyed *k = tmdk__calloc(n + 1, sizeof(*k)), *tmp = tmdk__calloc(n + 1, sizeof(*tmp));
	size_t i;
	unsigned int occ = 0;
	if (!k || !tmp) {
		tmdk__free(k);
		tmdk__free(tmp);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		k[i].key = p[i].same;
		k[i].pos = i;
	}
	tmdk__sort_keyed(k, tmp, n);
	for (i = 0; i < n; i++)
		k[i].key = p[k[i].pos].hash;
	tmdk__sort_keyed(k, tmp, n);
	for (i = 0; i < n; i++) {
		occ = i > 0 && k[i - 1].key == k[i].key ? occ + 1 : 1;
		tmdk__fingerprint_format(out[p[k[i].pos].index].text, sizeof(out[0].text), k[i].key, occ);
	}
	tmdk__free(k);
	tmdk__free(tmp);
	return TMDK_OK;
}

static void hash_findings(print *p, const tmdk_report *r, const tmdk__finding_order *ord)
{
	size_t i, n = tmdk_findings_count(r->findings);
	for (i = 0; i < n; i++) {
		p[i].hash = tmdk_findings_at(r->findings, i)->print_hash; /* made when it was copied */
		p[i].same = ord->same[i];
		p[i].index = i;
	}
}

tmdk__fingerprint *tmdk__report_fingerprints(const tmdk_report *r, const tmdk__finding_order *ord)
{
	size_t i, n = tmdk_findings_count(r->findings);
	tmdk__finding_order own;
	print *p = tmdk__calloc(n + 1, sizeof(*p));
	tmdk__fingerprint *out = tmdk__calloc(n + 1, sizeof(*out));

	memset(&own, 0, sizeof(own));
	if (!p || !out || (!ord && tmdk__finding_order_build(&own, r) != TMDK_OK)) {
		tmdk__free(p);
		tmdk__free(out);
		return NULL;
	}
	hash_findings(p, r, ord ? ord : &own);
	tmdk__finding_order_free(&own);
	if (occurrences(p, n, out) != TMDK_OK) {
		tmdk__free(p);
		tmdk__free(out);
		return NULL;
	}
	tmdk__free(p);
	for (i = 0; i < n; i++)
		out[i].baseline = !tmdk_finding_suppressed(tmdk_findings_at(r->findings, i)) &&
			tmdk__report_in_baseline(r, out[i].text);
	return out;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tmdk__report_in_baseline(const tmdk_report *r, const char *fingerprint)
{
	if (!r->baseline_count)
		return 0;
	if (!r->baseline_sorted) {
		/* Sorted lazily: the first lookup after additions (never concurrently with writers). */
		qsort(((tmdk_report *)r)->baseline, r->baseline_count, sizeof(char *), compare_strings);
		((tmdk_report *)r)->baseline_sorted = 1;
	}
	return bsearch(&fingerprint, r->baseline, r->baseline_count, sizeof(char *), compare_strings) != NULL;
}

int tmdk_report_add_baseline(tmdk_report *r, const char *fingerprint)
{
	char *copy;
	if (!r || !fingerprint)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->baseline, r->baseline_count, r->baseline_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	if (!(copy = tmdk__strdup(fingerprint)))
		return TMDK_ENOMEM;
	r->baseline[r->baseline_count++] = copy;
	r->baseline_sorted = 0;
	r->has_baseline = 1;
	return TMDK_OK;
}

void tmdk__report_baseline_free(tmdk_report *r)
{
	size_t i;
	for (i = 0; i < r->baseline_count; i++)
		tmdk__free(r->baseline[i]);
	tmdk__free(r->baseline);
	r->baseline = NULL;
	r->baseline_count = r->baseline_cap = 0;
}

size_t tmdk_report_baseline_count(const tmdk_report *r)
{
	tmdk__fingerprint *fp;
	size_t i, n = 0;
	if (!r || !r->baseline_count || !(fp = tmdk__report_fingerprints(r, NULL)))
		return 0;
	for (i = 0; i < tmdk_findings_count(r->findings); i++)
		n += (size_t)fp[i].baseline;
	tmdk__free(fp);
	return n;
}

/* ---- reading a baseline --------------------------------------------------------- */

typedef struct reader {
	tmdk_report *r;
	const char *name;
	tmdk_error *err;
	print *computed;             /* entries without a fingerprint: hashed here */
	size_t computed_count, computed_cap;
} reader;

static int bad(reader *rd, const tmdk_node *at, const char *what)
{
	return tmdk__error_set(rd->err, TMDK_EPARSE, rd->name, tmdk_node_line(at), tmdk_node_column(at), "%s", what);
}

static const char *text_of(const tmdk_node *n)
{
	return n && tmdk_node_get_type(n) == TMDK_NODE_SCALAR ? tmdk_node_text(n, NULL) : NULL;
}

static int add_computed(reader *rd, uint64_t hash)
{
	if (TMDK__ARRAY_RESERVE(rd->computed, rd->computed_count, rd->computed_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	rd->computed[rd->computed_count].hash = hash;
	rd->computed[rd->computed_count].same = 0;
	rd->computed[rd->computed_count].index = rd->computed_count;
	rd->computed_count++;
	return TMDK_OK;
}

static int add_fingerprint(reader *rd, const tmdk_node *fp)
{
	const char *t = text_of(fp);
	size_t len = t ? strlen(t) : 0;
	if (!t || !len || len >= sizeof(((tmdk__fingerprint *)0)->text))
		return bad(rd, fp, "a fingerprint must be a string of at most 39 characters");
	return tmdk_report_add_baseline(rd->r, t) == TMDK_OK ? TMDK_OK
		: tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A SARIF artifact URI back to the path the writer encoded (tmdk__out_uri). */
static char *uri_to_path(const char *uri)
{
	size_t i, n = 0, len = strlen(uri);
	char *out;
	if (strncmp(uri, "file://", 7) == 0) {
		uri += 7;
		len -= 7;
	}
	if (!(out = tmdk__malloc(len + 1)))
		return NULL;
	for (i = 0; i < len; i++) {
		if (uri[i] == '%' && i + 2 < len && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
			out[n++] = (char)(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
			i += 2;
		} else {
			out[n++] = uri[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* A tmdk JSON report: findings[] and suppressed[] with `fingerprint`, or the keys it is made of. */
static int read_json_list(reader *rd, const tmdk_node *list)
{
	size_t i;
	if (!list)
		return TMDK_OK;
	if (tmdk_node_get_type(list) != TMDK_NODE_SEQUENCE)
		return bad(rd, list, "expected an array of findings");
	for (i = 0; i < tmdk_node_size(list); i++) {
		const tmdk_node *f = tmdk_node_at(list, i), *fp;
		const char *id;
		int rc;
		if (tmdk_node_get_type(f) != TMDK_NODE_MAP)
			return bad(rd, f, "expected a finding (an object)");
		if ((fp = tmdk_node_get(f, "fingerprint")) != NULL) {
			if ((rc = add_fingerprint(rd, fp)) != TMDK_OK)
				return rc;
			continue;
		}
		if (!(id = text_of(tmdk_node_get(f, "pattern_id"))) || !text_of(tmdk_node_get(f, "path")))
			return bad(rd, f, "a finding without a fingerprint needs pattern_id and path");
		if (add_computed(rd, tmdk__fingerprint_hash(id, text_of(tmdk_node_get(f, "path")),
			    text_of(tmdk_node_get(f, "object")), text_of(tmdk_node_get(f, "evidence")))) != TMDK_OK)
			return tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
	}
	return TMDK_OK;
}

static int read_sarif_result(reader *rd, const tmdk_node *res)
{
	const tmdk_node *fp = tmdk_node_get(tmdk_node_get(res, "partialFingerprints"), "tmdkFindingHash/v1");
	const tmdk_node *loc, *phys;
	const char *rule, *uri;
	char *path;
	uint64_t h;

	if (fp)
		return add_fingerprint(rd, fp);
	rule = text_of(tmdk_node_get(res, "ruleId"));
	loc = tmdk_node_at(tmdk_node_get(res, "locations"), 0);
	phys = tmdk_node_get(loc, "physicalLocation");
	uri = text_of(tmdk_node_path(phys, "artifactLocation.uri"));
	if (!rule || !uri)
		return bad(rd, res, "a SARIF result without partialFingerprints needs ruleId and a location uri");
	if (!(path = uri_to_path(uri)))
		return tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
	h = tmdk__fingerprint_hash(rule, path, text_of(tmdk_node_path(res, "properties.object")),
		text_of(tmdk_node_path(phys, "region.snippet.text")));
	tmdk__free(path);
	return add_computed(rd, h) == TMDK_OK ? TMDK_OK : tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
}

static int read_sarif(reader *rd, const tmdk_node *runs)
{
	size_t i, k;
	if (tmdk_node_get_type(runs) != TMDK_NODE_SEQUENCE)
		return bad(rd, runs, "SARIF `runs` must be an array");
	for (i = 0; i < tmdk_node_size(runs); i++) {
		const tmdk_node *results = tmdk_node_get(tmdk_node_at(runs, i), "results");
		if (!results)
			continue;
		if (tmdk_node_get_type(results) != TMDK_NODE_SEQUENCE)
			return bad(rd, results, "SARIF `results` must be an array");
		for (k = 0; k < tmdk_node_size(results); k++) {
			const tmdk_node *res = tmdk_node_at(results, k);
			int rc;
			if (tmdk_node_get_type(res) != TMDK_NODE_MAP)
				return bad(rd, res, "expected a SARIF result (an object)");
			/* Suppressed results too: if the suppression goes, the finding is still known. */
			if ((rc = read_sarif_result(rd, res)) != TMDK_OK)
				return rc;
		}
	}
	return TMDK_OK;
}

/* Entries without a fingerprint: occurrences in file order. */
static int add_computed_prints(reader *rd)
{
	tmdk__fingerprint *fp;
	size_t i;
	if (!rd->computed_count)
		return TMDK_OK;
	if (!(fp = tmdk__calloc(rd->computed_count, sizeof(*fp))))
		return tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
	if (occurrences(rd->computed, rd->computed_count, fp) != TMDK_OK) {
		tmdk__free(fp);
		return tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
	}
	for (i = 0; i < rd->computed_count; i++)
		if (tmdk_report_add_baseline(rd->r, fp[i].text) != TMDK_OK) {
			tmdk__free(fp);
			return tmdk__error_set(rd->err, TMDK_ENOMEM, rd->name, 0, 0, "out of memory");
		}
	tmdk__free(fp);
	return TMDK_OK;
}

int tmdk_report_load_baseline(tmdk_report *r, const char *name, const void *data, size_t len, tmdk_error *err)
{
	tmdk_artifact *a = NULL;
	const tmdk_node *root, *runs;
	reader rd;
	int rc;

	tmdk_error_clear(err);
	if (!r || (!data && len))
		return tmdk__error_set(err, TMDK_EINVAL, name, 0, 0, "invalid argument");
	if (!name)
		name = "<baseline>";
	rc = tmdk__artifact_load_yaml(&a, name, data ? data : "", len, NULL, err);
	if (rc != TMDK_OK)
		return rc;
	memset(&rd, 0, sizeof(rd));
	rd.r = r;
	rd.name = name;
	rd.err = err;
	root = tmdk_artifact_document_count(a) == 1 ? tmdk_document_root(tmdk_artifact_document(a, 0)) : NULL;
	if (!root || tmdk_node_get_type(root) != TMDK_NODE_MAP) {
		rc = tmdk__error_set(err, TMDK_EPARSE, name, root ? tmdk_node_line(root) : 1, root ? tmdk_node_column(root) : 1,
			"a baseline is a tmdk-scan JSON report or a SARIF log (one JSON object)");
	} else if ((runs = tmdk_node_get(root, "runs")) != NULL) {
		rc = read_sarif(&rd, runs);
	} else if (tmdk_node_get(root, "findings")) {
		rc = read_json_list(&rd, tmdk_node_get(root, "findings"));
		if (rc == TMDK_OK)
			rc = read_json_list(&rd, tmdk_node_get(root, "suppressed"));
	} else {
		rc = bad(&rd, root, "a baseline is a tmdk-scan JSON report (with `findings`) or a SARIF log (with `runs`)");
	}
	if (rc == TMDK_OK)
		rc = add_computed_prints(&rd);
	if (rc == TMDK_OK)
		r->has_baseline = 1;
	tmdk__free(rd.computed);
	tmdk_artifact_free(a);
	return rc;
}
