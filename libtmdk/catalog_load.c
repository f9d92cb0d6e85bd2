/*
 * Reading a compiled catalog (the format is in catalog_format.h). The input
 * is not trusted: the header is checked field by field, the payload against
 * its checksum, and every size, count, enum value and scope depth before it
 * is used, so that a truncated, corrupt, forged or foreign file is a
 * TMDK_EFORMAT error naming the offset, never a crash. Every invariant the
 * matcher relies on (and the compiler guarantees) is checked again here.
 *
 * Strings are not copied one by one: the payload is copied once into the
 * catalog's arena (or, for the built-in catalog, used where it lies in the
 * library) and strings point into it, each followed by its NUL.
 * Regexes keep their source and compile on first use (regex.c). Nothing
 * derived is read: tmdk__catalog_finish rebuilds it.
 */
#include "catalog_load.h"
#include "catalog_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than YAML catalogs can have (TMDK_DEFAULT_MAX_DEPTH is 256):
 * bounds the decoder's recursion on forged input. */
#define MAX_NESTING 512

typedef struct reader {
	const unsigned char *p;      /* the payload */
	size_t pos, end;
	tmdk_catalog *cat;
	const tmdk__decode_options *opts;
	tmdk_error *err;
	int failed;                  /* an error is set */
	int nesting;
} reader;

static int fail_at(reader *r, size_t pos, const char *fmt, ...) TMDK__PRINTF(3, 4);

/* Offsets in messages are from the start of the file. */
static int fail_at(reader *r, size_t pos, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (r->failed)
		return r->failed;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = TMDK_EFORMAT;
	tmdk__error_set(r->err, TMDK_EFORMAT, r->opts->name, 0, 0, "compiled catalog: %s at offset %zu", msg,
		pos + TMDK__CATFMT_HEADER_SIZE);
	return r->failed;
}

static int nomem(reader *r)
{
	if (!r->failed) {
		r->failed = TMDK_ENOMEM;
		tmdk__error_set(r->err, TMDK_ENOMEM, r->opts->name, 0, 0, "out of memory");
	}
	return r->failed;
}

static int need(reader *r, size_t n)
{
	if (r->failed)
		return 0;
	if (n > r->end - r->pos) {
		fail_at(r, r->pos, "truncated: %zu bytes needed, %zu left", n, r->end - r->pos);
		return 0;
	}
	return 1;
}

static unsigned long rd_u32(const unsigned char *b)
{
	return (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24;
}

static unsigned long long rd_u64(const unsigned char *b)
{
	return (unsigned long long)rd_u32(b) | (unsigned long long)rd_u32(b + 4) << 32;
}

static unsigned int get_u8(reader *r)
{
	if (!need(r, 1))
		return 0;
	return r->p[r->pos++];
}

static unsigned long get_u32(reader *r)
{
	unsigned long v;
	if (!need(r, 4))
		return 0;
	v = rd_u32(r->p + r->pos);
	r->pos += 4;
	return v;
}

static unsigned long long get_u64(reader *r)
{
	unsigned long long v;
	if (!need(r, 8))
		return 0;
	v = rd_u64(r->p + r->pos);
	r->pos += 8;
	return v;
}

/* An enum value, at most `last`. */
static int get_enum(reader *r, unsigned long last, const char *what)
{
	size_t at = r->pos;
	unsigned long v = get_u32(r);
	if (!r->failed && v > last)
		fail_at(r, at, "%s %lu out of range (0..%lu)", what, v, last);
	return r->failed ? 0 : (int)v;
}

static int get_flag(reader *r, const char *what)
{
	size_t at = r->pos;
	unsigned int v = get_u8(r);
	if (!r->failed && v > 1)
		fail_at(r, at, "%s is %u, not 0 or 1", what, v);
	return (int)v;
}

/* A list's count, checked against the bytes left (each item takes at least
 * `min_size` of them) before anything is allocated for it. */
static size_t get_count(reader *r, size_t min_size, const char *what)
{
	size_t at = r->pos;
	unsigned long n = get_u32(r);
	if (!r->failed && n > (r->end - r->pos) / min_size)
		fail_at(r, at, "%s count %lu is more than the %zu bytes left can hold", what, n, r->end - r->pos);
	return r->failed ? 0 : (size_t)n;
}

/* A string (pointing into the payload), or NULL. `required`: NULL is an error. */
static const char *get_strn(reader *r, size_t *len, int required, const char *what)
{
	size_t at = r->pos;
	unsigned long n = get_u32(r);
	const char *s;
	if (len)
		*len = 0;
	if (r->failed)
		return NULL;
	if (n == TMDK__CATFMT_NULL_STRING) {
		if (required)
			fail_at(r, at, "%s missing", what);
		return NULL;
	}
	if (n >= r->end - r->pos) {
		fail_at(r, at, "%s of %lu bytes runs past the end", what, n);
		return NULL;
	}
	if (r->p[r->pos + n] != '\0') {
		fail_at(r, r->pos + n, "%s not NUL-terminated", what);
		return NULL;
	}
	s = (const char *)r->p + r->pos;
	r->pos += n + 1;
	if (len)
		*len = n;
	return s;
}

static const char *get_str(reader *r, int required, const char *what)
{
	return get_strn(r, NULL, required, what);
}

static void *alloc(reader *r, size_t n, size_t size)
{
	void *p = tmdk__arena_alloc(&r->cat->arena, (n ? n : 1) * size);
	if (!p)
		nomem(r);
	return p;
}

static int enter(reader *r)
{
	if (++r->nesting > MAX_NESTING)
		return fail_at(r, r->pos, "nested deeper than %d", MAX_NESTING);
	return 0;
}

static tmdk__cond *get_cond(reader *r, int depth);

/* A selector evaluated at scope `depth` (its filters one deeper). */
static tmdk__selector *get_selector(reader *r, int depth)
{
	tmdk__selector *sel;
	size_t i, at;
	long scope;

	if (enter(r) != 0 || !(sel = alloc(r, 1, sizeof(*sel))))
		return NULL;
	sel->root = (tmdk__root)get_enum(r, TMDK__ROOT_LAST, "selector root");
	at = r->pos;
	scope = (long)get_u32(r);
	if (!r->failed && (scope > depth || scope > TMDK__MAX_SCOPES))
		fail_at(r, at, "selector scope %ld deeper than the %d scopes open there", scope, depth);
	sel->scope = (int)scope;
	sel->text = get_str(r, 0, "selector text"); /* NULL in filters */
	sel->step_count = get_count(r, 14, "step");
	if (r->failed || !(sel->steps = alloc(r, sel->step_count, sizeof(*sel->steps))))
		return NULL;
	for (i = 0; i < sel->step_count && !r->failed; i++) {
		tmdk__step *st = &sel->steps[i];
		int has_filter;
		at = r->pos;
		st->kind = (tmdk__step_kind)get_enum(r, TMDK__STEP_LAST, "step kind");
		st->key = get_strn(r, &st->key_len, 0, "step key");
		st->index = (long)(long long)get_u64(r);
		has_filter = get_flag(r, "step filter flag");
		if (r->failed)
			break;
		if ((st->kind == TMDK__STEP_KEY) != (st->key != NULL) || (st->kind == TMDK__STEP_FILTER) != has_filter) {
			fail_at(r, at, "step of kind %d with%s a key and with%s a filter", (int)st->kind, st->key ? "" : "out",
				has_filter ? "" : "out");
			break;
		}
		if (has_filter)
			st->filter = get_cond(r, depth + 1);
	}
	r->nesting--;
	return r->failed ? NULL : sel;
}

static int get_values(reader *r, tmdk__cond *c)
{
	size_t i;
	c->value_count = get_count(r, 17, "value");
	if (r->failed || !(c->values = alloc(r, c->value_count, sizeof(*c->values))))
		return r->failed;
	for (i = 0; i < c->value_count && !r->failed; i++) {
		tmdk__value *v = &c->values[i];
		unsigned long long bits;
		v->type = (tmdk_scalar_type)get_enum(r, TMDK_SCALAR_NULL, "value type");
		v->text = get_strn(r, &v->len, 1, "value text");
		bits = get_u64(r);
		memcpy(&v->number, &bits, sizeof(v->number));
		v->boolean = get_flag(r, "value boolean");
	}
	return r->failed;
}

static int get_regex(reader *r, tmdk__cond *c)
{
	size_t len, at = r->pos;
	const char *src = get_strn(r, &len, 1, "regex");
	unsigned long flags;
	if (r->failed)
		return r->failed;
	if (len > r->opts->max_regex_length)
		return fail_at(r, at, "regex of %zu bytes over the limit of %zu (max_regex_length)", len,
			r->opts->max_regex_length);
	at = r->pos;
	flags = get_u32(r);
	if (!r->failed && flags != 0)
		return fail_at(r, at, "unknown regex flags 0x%lx", flags);
	if (!r->failed && tmdk__regex_new_lazy(r->cat, &c->regex, src, len) != TMDK_OK)
		return nomem(r);
	return r->failed;
}

/* What the matcher needs of each kind of condition (what the parser ensures). */
static int check_cond(reader *r, const tmdk__cond *c, size_t at, int depth)
{
	int uses_value = c->pred == TMDK__PRED_GT || c->pred == TMDK__PRED_GTE || c->pred == TMDK__PRED_LT ||
		c->pred == TMDK__PRED_LTE || c->pred == TMDK__PRED_COUNT_GT || c->pred == TMDK__PRED_COUNT_LT ||
		c->pred == TMDK__PRED_TYPE;
	switch (c->kind) {
	case TMDK__COND_TRUE:
		return 0;
	case TMDK__COND_ALL:
	case TMDK__COND_ANY:
		return c->child_count ? 0 : fail_at(r, at, "all/any without conditions");
	case TMDK__COND_NOT:
		return c->child_count == 1 ? 0 : fail_at(r, at, "not with %zu conditions", c->child_count);
	case TMDK__COND_TEST:
		if (!c->sel)
			return fail_at(r, at, "condition without a path");
		if ((c->pred == TMDK__PRED_MATCHES || c->pred == TMDK__PRED_NOT_MATCHES) && !c->regex)
			return fail_at(r, at, "matches without a regex");
		if (c->pred == TMDK__PRED_SAME_AS && !c->other)
			return fail_at(r, at, "same-as without a selector");
		if (uses_value && !c->value_count)
			return fail_at(r, at, "predicate %d without a value", (int)c->pred);
		return 0;
	default: /* some, none, every */
		if (!c->sel || !c->where)
			return fail_at(r, at, "some/none/every without a selector or a where");
		if (depth + 1 >= TMDK__MAX_SCOPES)
			return fail_at(r, at, "scopes nested deeper than %d", TMDK__MAX_SCOPES);
		return 0;
	}
}

static tmdk__cond *get_cond(reader *r, int depth)
{
	size_t i, at = r->pos;
	unsigned int has;
	tmdk__cond *c;

	if (enter(r) != 0 || !(c = alloc(r, 1, sizeof(*c))))
		return NULL;
	c->kind = (tmdk__cond_kind)get_enum(r, TMDK__COND_LAST, "condition kind");
	c->line = (unsigned int)get_u32(r);
	c->column = (unsigned int)get_u32(r);
	c->pred = (tmdk__pred)get_enum(r, TMDK__PRED_LAST, "predicate");
	c->every = get_flag(r, "every-item");
	c->ignore_case = get_flag(r, "ignore-case");
	has = get_u8(r);
	if (!r->failed && has > 15)
		fail_at(r, r->pos - 1, "unknown condition parts 0x%x", has);
	c->child_count = get_count(r, 25, "condition");
	if (!r->failed && (c->children = alloc(r, c->child_count, sizeof(*c->children))))
		for (i = 0; i < c->child_count && !r->failed; i++)
			c->children[i] = get_cond(r, depth);
	if (!r->failed)
		get_values(r, c);
	if (!r->failed && (has & TMDK__CATFMT_COND_SEL))
		c->sel = get_selector(r, depth);
	if (!r->failed && (has & TMDK__CATFMT_COND_REGEX))
		get_regex(r, c);
	if (!r->failed && (has & TMDK__CATFMT_COND_OTHER))
		c->other = get_selector(r, depth);
	if (!r->failed && (has & TMDK__CATFMT_COND_WHERE))
		c->where = get_cond(r, depth + 1);
	if (!r->failed)
		check_cond(r, c, at, depth);
	r->nesting--;
	return r->failed ? NULL : c;
}

/* A for-each chain; *depth ends at its innermost scope (what the message sees). */
static tmdk__match *get_match(reader *r, int *depth)
{
	tmdk__match *first = NULL, **link = &first;
	unsigned int has;

	do {
		size_t at = r->pos;
		tmdk__match *m = alloc(r, 1, sizeof(*m));
		if (!m)
			return NULL;
		has = get_u8(r);
		if (!r->failed && (has > 7 || ((has & TMDK__CATFMT_HAS_THEN) && !(has & TMDK__CATFMT_HAS_FOR_EACH))))
			fail_at(r, at, "bad match level 0x%x", has);
		if (!r->failed && (has & TMDK__CATFMT_HAS_FOR_EACH)) {
			m->for_each = get_selector(r, *depth);
			m->as = get_str(r, 1, "for-each scope name");
			if (!r->failed && *depth + 1 >= TMDK__MAX_SCOPES)
				fail_at(r, at, "for-each nested deeper than %d", TMDK__MAX_SCOPES - 1);
			++*depth;
		}
		if (!r->failed && (has & TMDK__CATFMT_HAS_WHERE))
			m->where = get_cond(r, *depth);
		if (r->failed)
			return NULL;
		*link = m;
		link = &m->then;
	} while (has & TMDK__CATFMT_HAS_THEN);
	return first;
}

static int get_template(reader *r, tmdk__template *t, int depth)
{
	size_t i;
	t->part_count = get_count(r, 1, "message part");
	if (r->failed || !(t->parts = alloc(r, t->part_count, sizeof(*t->parts))))
		return r->failed;
	for (i = 0; i < t->part_count && !r->failed; i++) {
		tmdk__template_part *part = &t->parts[i];
		size_t at = r->pos;
		unsigned int tag = get_u8(r);
		if (r->failed)
			break;
		if (tag == TMDK__CATFMT_PART_LITERAL)
			part->literal = get_strn(r, &part->len, 1, "message text");
		else if (tag == TMDK__CATFMT_PART_SELECTOR)
			part->sel = get_selector(r, depth);
		else if (tag != TMDK__CATFMT_PART_MATCH)
			fail_at(r, at, "unknown message part %u", tag);
	}
	return r->failed;
}

static int get_refs(reader *r, tmdk_pattern *p)
{
	size_t i;
	p->ref_count = get_count(r, 20, "reference");
	if (r->failed || !(p->refs = alloc(r, p->ref_count, sizeof(*p->refs))))
		return r->failed;
	for (i = 0; i < p->ref_count && !r->failed; i++) {
		p->refs[i].type = get_str(r, 1, "reference type");
		p->refs[i].id = get_str(r, 0, "reference id");
		p->refs[i].benchmark = get_str(r, 0, "reference benchmark");
		p->refs[i].url = get_str(r, 0, "reference url");
		p->refs[i].title = get_str(r, 0, "reference title");
	}
	return r->failed;
}

static int get_examples(reader *r, tmdk_pattern *p)
{
	size_t i, n = get_count(r, 21, "example");
	tmdk_example *ex = r->failed ? NULL : alloc(r, n, sizeof(*ex));
	if (!ex)
		return r->failed;
	for (i = 0; i < n && !r->failed; i++) {
		ex[i].kind = (tmdk_kind)get_enum(r, TMDK_KIND_COUNT - 1, "example kind");
		if (!r->failed && ex[i].kind == TMDK_KIND_UNKNOWN)
			fail_at(r, r->pos - 4, "example of no kind");
		ex[i].positive = get_flag(r, "example expectation");
		ex[i].line = (unsigned int)get_u32(r);
		ex[i].name = get_str(r, 0, "example name");
		ex[i].content = get_str(r, 1, "example content");
		ex[i].description = get_str(r, 0, "example description");
	}
	if (r->opts->keep_examples) {
		p->examples = ex;
		p->example_count = n;
	}
	return r->failed;
}

static int get_strides(reader *r, tmdk_pattern *p)
{
	size_t i;
	p->stride_count = get_count(r, 5, "STRIDE category");
	if (r->failed || !(p->stride = alloc(r, p->stride_count, sizeof(*p->stride))))
		return r->failed;
	for (i = 0; i < p->stride_count && !r->failed; i++) {
		size_t at = r->pos;
		p->stride[i] = get_str(r, 1, "STRIDE category");
		if (!r->failed && !tmdk_stride_is_valid(p->stride[i]))
			fail_at(r, at, "unknown STRIDE category '%.40s'", p->stride[i]);
	}
	return r->failed;
}

static tmdk_pattern *get_pattern(reader *r)
{
	tmdk_pattern *p = alloc(r, 1, sizeof(*p));
	size_t at;
	int depth = 0;

	if (!p)
		return NULL;
	p->id = get_str(r, 1, "pattern id");
	p->title = get_str(r, 1, "pattern title");
	p->description = get_str(r, 1, "pattern description");
	p->mitigation = get_str(r, 1, "pattern mitigation");
	p->message_text = get_str(r, 1, "pattern message");
	p->question = (tmdk_question)get_enum(r, TMDK_QUESTION_COUNT - 1, "question");
	p->risk = (tmdk_risk)get_enum(r, TMDK_RISK_COUNT - 1, "risk");
	p->severity = (tmdk_severity)get_enum(r, TMDK_SEVERITY_COUNT - 1, "severity");
	if (!r->failed)
		get_strides(r, p);
	if (!r->failed)
		get_refs(r, p);
	at = r->pos;
	p->kinds = (unsigned int)get_u32(r);
	if (!r->failed && (p->kinds == 0 || (p->kinds & ~((1u << TMDK_KIND_COUNT) - 2u))))
		fail_at(r, at, "bad artifact kinds 0x%x", p->kinds);
	if (!r->failed)
		p->match = get_match(r, &depth);
	if (!r->failed)
		get_template(r, &p->message, depth);
	if (!r->failed)
		get_examples(r, p);
	p->file = get_str(r, 1, "pattern file");
	p->line = (unsigned int)get_u32(r);
	p->column = (unsigned int)get_u32(r);
	p->catalog_name = get_str(r, 0, "catalog name");
	p->catalog_version = get_str(r, 0, "catalog version");
	return r->failed ? NULL : p;
}

/* The header: what the file claims to be, checked before the payload is read. */
static int check_header(const unsigned char *h, size_t len, const tmdk__decode_options *opts, size_t *patterns,
	tmdk_error *err)
{
	char version[TMDK__CATFMT_LIBVER_LEN + 1];
	unsigned long long payload;
	size_t i;

#define BAD(...) tmdk__error_set(err, TMDK_EFORMAT, opts->name, 0, 0, "compiled catalog: " __VA_ARGS__)
	if (len < TMDK__CATFMT_MAGIC_LEN || memcmp(h, TMDK__CATFMT_MAGIC, TMDK__CATFMT_MAGIC_LEN) != 0)
		return BAD("not a compiled catalog (bad magic at offset 0)");
	if (len < TMDK__CATFMT_HEADER_SIZE)
		return BAD("truncated header: %zu bytes of %u at offset %zu", len, TMDK__CATFMT_HEADER_SIZE, len);
	if (rd_u32(h + 8) != TMDK__CATFMT_VERSION)
		return BAD("format version %lu at offset 8; this library reads version %u (recompile the catalog "
			"with tmdk-check --compile)", rd_u32(h + 8), TMDK__CATFMT_VERSION);
	if (rd_u32(h + 12) != TMDK__CATFMT_HEADER_SIZE)
		return BAD("header size %lu at offset 12, expected %u", rd_u32(h + 12), TMDK__CATFMT_HEADER_SIZE);
	memcpy(version, h + 16, TMDK__CATFMT_LIBVER_LEN);
	version[TMDK__CATFMT_LIBVER_LEN] = '\0';
	for (i = strlen(version); i < TMDK__CATFMT_LIBVER_LEN; i++)
		if (h[16 + i])
			return BAD("library version not NUL-padded at offset %zu", 16 + i);
	if (strcmp(version, TMDK_VERSION) != 0)
		return BAD("written by libtmdk '%.16s' (offset 16); this is libtmdk %s: recompile the catalog "
			"with tmdk-check --compile", version, TMDK_VERSION);
	payload = rd_u64(h + 32);
	if (payload != (unsigned long long)(len - TMDK__CATFMT_HEADER_SIZE))
		return BAD("header (offset 32) says %llu bytes of patterns, the file has %zu: truncated or padded",
			payload, len - TMDK__CATFMT_HEADER_SIZE);
	if (tmdk__fnv1a64(h + TMDK__CATFMT_HEADER_SIZE, (size_t)payload) != rd_u64(h + 40))
		return BAD("checksum mismatch (offset 40): the file is corrupt");
	if (rd_u32(h + 52) != 0)
		return BAD("unknown flags 0x%lx at offset 52", rd_u32(h + 52));
	if (rd_u64(h + 56) != 0)
		return BAD("reserved field not zero at offset 56");
	*patterns = rd_u32(h + 48);
	if (*patterns > opts->max_patterns)
		return tmdk__error_set(err, TMDK_ELIMIT, opts->name, 0, 0,
			"compiled catalog: %zu patterns, over the limit of %zu (max_patterns)", *patterns, opts->max_patterns);
#undef BAD
	return TMDK_OK;
}

/* The patterns every catalog gets from the library (catalog.c), which a
 * compiled catalog cannot hold: the YAML compiler refuses them as duplicates. */
static int is_library_id(const char *id)
{
	return strcmp(id, TMDK__SUPPRESSION_PATTERN_ID) == 0 || strcmp(id, TMDK__UNKNOWN_IGNORE_PATTERN_ID) == 0 ||
		strcmp(id, TMDK__UNUSED_IGNORE_PATTERN_ID) == 0;
}

typedef struct decoded_id {
	const char *id;
	size_t at; /* offset of the pattern in the payload */
} decoded_id;

static int compare_decoded(const void *a, const void *b)
{
	const decoded_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Every id once: the second of two is the error, at its offset. */
static void check_unique_ids(reader *r, decoded_id *seen, size_t count)
{
	size_t i;
	if (count < 2)
		return;
	qsort(seen, count, sizeof(*seen), compare_decoded);
	for (i = 1; i < count; i++)
		if (strcmp(seen[i - 1].id, seen[i].id) == 0) {
			fail_at(r, seen[i].at, "pattern id '%.64s' twice (first at offset %zu)", seen[i].id,
				seen[i - 1].at + TMDK__CATFMT_HEADER_SIZE);
			return;
		}
}

int tmdk__catalog_decode(tmdk_catalog *cat, const void *data, size_t len, const tmdk__decode_options *opts,
	tmdk_error *err)
{
	const unsigned char *bytes = data;
	reader r;
	size_t i, count = 0;
	decoded_id *seen = NULL;
	int rc = check_header(bytes, len, opts, &count, err);

	if (rc != TMDK_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	r.cat = cat;
	r.opts = opts;
	r.err = err;
	r.end = len - TMDK__CATFMT_HEADER_SIZE;
	r.p = bytes + TMDK__CATFMT_HEADER_SIZE;
	if (opts->copy) {
		unsigned char *copy = tmdk__arena_alloc(&cat->arena, r.end ? r.end : 1);
		if (!copy)
			return tmdk__error_set(err, TMDK_ENOMEM, opts->name, 0, 0, "out of memory");
		memcpy(copy, r.p, r.end);
		r.p = copy;
	}
	if (count && !(seen = tmdk__calloc(count, sizeof(*seen))))
		return tmdk__error_set(err, TMDK_ENOMEM, opts->name, 0, 0, "out of memory");
	for (i = 0; i < count && !r.failed; i++) {
		tmdk_pattern *p;
		size_t at = r.pos;
		if (r.pos == r.end) {
			fail_at(&r, r.pos, "truncated: %zu of %zu patterns", i, count);
			break;
		}
		p = get_pattern(&r);
		if (p && is_library_id(p->id))
			fail_at(&r, at, "pattern id '%.64s' is one of the library's own patterns", p->id);
		else if (p && tmdk__catalog_append(cat, p) != TMDK_OK)
			nomem(&r);
		else if (p) {
			seen[i].id = p->id;
			seen[i].at = at;
		}
	}
	if (!r.failed && r.pos != r.end)
		fail_at(&r, r.pos, "%zu bytes left after the last pattern", r.end - r.pos);
	if (!r.failed)
		check_unique_ids(&r, seen, count);
	tmdk__free(seen);
	return r.failed ? r.failed : TMDK_OK;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp((*(const tmdk_pattern *const *)a)->id, (*(const tmdk_pattern *const *)b)->id);
}

int tmdk_catalog_load_compiled(tmdk_catalog **out, const void *data, size_t len, const tmdk_compile_options *opts,
	tmdk_error *err)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk__decode_options dopts;
	tmdk_catalog *cat;
	int rc;

	tmdk_error_clear(err);
	if (!out || (!data && len))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	if (opts && opts->version != TMDK_COMPILE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"unsupported tmdk_compile_options version %u (expected %u)", opts->version, TMDK_COMPILE_OPTIONS_VERSION);
	if (opts)
		o = *opts;
	memset(&dopts, 0, sizeof(dopts));
	dopts.copy = 1;
	dopts.keep_examples = 1;
	dopts.max_patterns = o.max_patterns ? o.max_patterns : TMDK_DEFAULT_MAX_PATTERNS;
	dopts.max_regex_length = o.max_regex_length ? o.max_regex_length : TMDK_DEFAULT_MAX_REGEX_LENGTH;
	if (len > (o.max_catalog_bytes ? o.max_catalog_bytes : TMDK_DEFAULT_MAX_CATALOG_BYTES))
		return tmdk__error_set(err, TMDK_ELIMIT, NULL, 0, 0,
			"compiled catalog is %zu bytes, over the limit of %zu (max_catalog_bytes)", len,
			o.max_catalog_bytes ? o.max_catalog_bytes : TMDK_DEFAULT_MAX_CATALOG_BYTES);
	rc = tmdk__catalog_new(&cat, o.regex_match_limit ? o.regex_match_limit : TMDK_DEFAULT_REGEX_MATCH_LIMIT,
		o.regex_depth_limit ? o.regex_depth_limit : TMDK_DEFAULT_REGEX_DEPTH_LIMIT);
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, "out of memory");
	rc = tmdk__catalog_decode(cat, data, len, &dopts, err);
	if (rc == TMDK_OK && tmdk__catalog_add_meta_patterns(cat) != TMDK_OK)
		rc = tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	/* ids are unique and none is TMDK-META-* (checked by the decoder) */
	if (rc == TMDK_OK)
		qsort(cat->patterns, cat->pattern_count, sizeof(*cat->patterns), compare_ids);
	if (rc == TMDK_OK && tmdk__catalog_finish(cat) != TMDK_OK)
		rc = tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc != TMDK_OK) {
		tmdk_catalog_free(cat);
		return rc;
	}
	*out = cat;
	return TMDK_OK;
}
