/*
 * Writing a compiled catalog (the format is in catalog_format.h): every
 * pattern field by field, in a fixed order that catalog_load.c reads back.
 * Only what the compiler parsed is written; what tmdk__catalog_finish derives
 * from it is not. The engine's meta patterns (no match) are left out: every
 * catalog, compiled or loaded, gets its own.
 */
#include "catalog_int.h"
#include "catalog_format.h"
#include "array.h"

#include <string.h>

typedef struct writer {
	unsigned char *buf;
	size_t len, cap;
	int nomem;
} writer;

static void put(writer *w, const void *p, size_t n)
{
	if (w->nomem)
		return;
	if (TMDK__ARRAY_RESERVE_N(w->buf, w->len, w->cap, n, 65536) != TMDK_OK) {
		w->nomem = 1;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_u8(writer *w, unsigned int v)
{
	unsigned char b = (unsigned char)v;
	put(w, &b, 1);
}

static void le32(unsigned char *b, unsigned long v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

static void le64(unsigned char *b, unsigned long long v)
{
	le32(b, (unsigned long)(v & 0xffffffffu));
	le32(b + 4, (unsigned long)(v >> 32));
}

static void put_u32(writer *w, unsigned long v)
{
	unsigned char b[4];
	le32(b, v);
	put(w, b, 4);
}

static void put_u64(writer *w, unsigned long long v)
{
	unsigned char b[8];
	le64(b, v);
	put(w, b, 8);
}

static void put_double(writer *w, double d)
{
	unsigned long long bits;
	memcpy(&bits, &d, sizeof(bits));
	put_u64(w, bits);
}

/* Strings longer than 4 GB cannot come out of a catalog (max_catalog_bytes). */
static void put_strn(writer *w, const char *s, size_t n)
{
	if (!s) {
		put_u32(w, TMDK__CATFMT_NULL_STRING);
		return;
	}
	put_u32(w, (unsigned long)n);
	put(w, s, n);
	put_u8(w, 0);
}

static void put_str(writer *w, const char *s)
{
	put_strn(w, s, s ? strlen(s) : 0);
}

static void put_cond(writer *w, const tmdk__cond *c);

static void put_selector(writer *w, const tmdk__selector *sel)
{
	size_t i;
	put_u32(w, (unsigned long)sel->root);
	put_u32(w, (unsigned long)sel->scope);
	put_str(w, sel->text);
	put_u32(w, (unsigned long)sel->step_count);
	for (i = 0; i < sel->step_count; i++) {
		const tmdk__step *st = &sel->steps[i];
		put_u32(w, (unsigned long)st->kind);
		put_strn(w, st->key, st->key_len);
		put_u64(w, (unsigned long long)(long long)st->index);
		put_u8(w, st->filter != NULL);
		if (st->filter)
			put_cond(w, st->filter);
	}
}

static void put_cond(writer *w, const tmdk__cond *c)
{
	size_t i, len;
	unsigned int has = (c->sel ? TMDK__CATFMT_COND_SEL : 0) | (c->regex ? TMDK__CATFMT_COND_REGEX : 0) |
		(c->other ? TMDK__CATFMT_COND_OTHER : 0) | (c->where ? TMDK__CATFMT_COND_WHERE : 0);

	put_u32(w, (unsigned long)c->kind);
	put_u32(w, c->line);
	put_u32(w, c->column);
	put_u32(w, (unsigned long)c->pred);
	put_u8(w, c->every != 0);
	put_u8(w, c->ignore_case != 0);
	put_u8(w, has);
	put_u32(w, (unsigned long)c->child_count);
	for (i = 0; i < c->child_count; i++)
		put_cond(w, c->children[i]);
	put_u32(w, (unsigned long)c->value_count);
	for (i = 0; i < c->value_count; i++) {
		const tmdk__value *v = &c->values[i];
		put_u32(w, (unsigned long)v->type);
		put_strn(w, v->text, v->len);
		put_double(w, v->number);
		put_u8(w, v->boolean != 0);
	}
	if (c->sel)
		put_selector(w, c->sel);
	if (c->regex) {
		const char *src = tmdk__regex_source(c->regex, &len);
		put_strn(w, src, len);
		put_u32(w, 0); /* regex flags: none defined yet */
	}
	if (c->other)
		put_selector(w, c->other);
	if (c->where)
		put_cond(w, c->where);
}

static void put_match(writer *w, const tmdk__match *m)
{
	for (; m; m = m->then) {
		put_u8(w, (m->for_each ? TMDK__CATFMT_HAS_FOR_EACH : 0) | (m->where ? TMDK__CATFMT_HAS_WHERE : 0) |
			(m->then ? TMDK__CATFMT_HAS_THEN : 0));
		if (m->for_each) {
			put_selector(w, m->for_each);
			put_str(w, m->as);
		}
		if (m->where)
			put_cond(w, m->where);
	}
}

static void put_pattern(writer *w, const tmdk_pattern *p)
{
	size_t i;
	put_str(w, p->id);
	put_str(w, p->title);
	put_str(w, p->description);
	put_str(w, p->mitigation);
	put_str(w, p->message_text);
	put_u32(w, (unsigned long)p->question);
	put_u32(w, (unsigned long)p->risk);
	put_u32(w, (unsigned long)p->severity);
	put_u32(w, (unsigned long)p->stride_count);
	for (i = 0; i < p->stride_count; i++)
		put_str(w, p->stride[i]);
	put_u32(w, (unsigned long)p->ref_count);
	for (i = 0; i < p->ref_count; i++) {
		put_str(w, p->refs[i].type);
		put_str(w, p->refs[i].id);
		put_str(w, p->refs[i].benchmark);
		put_str(w, p->refs[i].url);
		put_str(w, p->refs[i].title);
	}
	put_u32(w, p->kinds);
	put_match(w, p->match);
	put_u32(w, (unsigned long)p->message.part_count);
	for (i = 0; i < p->message.part_count; i++) {
		const tmdk__template_part *part = &p->message.parts[i];
		if (part->sel) {
			put_u8(w, TMDK__CATFMT_PART_SELECTOR);
			put_selector(w, part->sel);
		} else if (part->literal) {
			put_u8(w, TMDK__CATFMT_PART_LITERAL);
			put_strn(w, part->literal, part->len);
		} else {
			put_u8(w, TMDK__CATFMT_PART_MATCH);
		}
	}
	put_u32(w, (unsigned long)p->example_count);
	for (i = 0; i < p->example_count; i++) {
		const tmdk_example *ex = &p->examples[i];
		put_u32(w, (unsigned long)ex->kind);
		put_u8(w, ex->positive != 0);
		put_u32(w, ex->line);
		put_str(w, ex->name);
		put_str(w, ex->content);
		put_str(w, ex->description);
	}
	put_str(w, p->file);
	put_u32(w, p->line);
	put_u32(w, p->column);
	put_str(w, p->catalog_name);
	put_str(w, p->catalog_version);
}

static void put_header(unsigned char *h, size_t payload, unsigned long long sum, size_t patterns)
{
	memset(h, 0, TMDK__CATFMT_HEADER_SIZE);
	memcpy(h, TMDK__CATFMT_MAGIC, TMDK__CATFMT_MAGIC_LEN);
	le32(h + 8, TMDK__CATFMT_VERSION);
	le32(h + 12, TMDK__CATFMT_HEADER_SIZE);
	memcpy(h + 16, TMDK_VERSION, strlen(TMDK_VERSION) < TMDK__CATFMT_LIBVER_LEN ? strlen(TMDK_VERSION) :
		TMDK__CATFMT_LIBVER_LEN - 1);
	le64(h + 32, (unsigned long long)payload);
	le64(h + 40, sum);
	le32(h + 48, (unsigned long)patterns);
}

int tmdk_catalog_save(void **out, size_t *len_out, const tmdk_catalog *catalog, tmdk_error *err)
{
	writer w;
	size_t i, count = 0;
	unsigned char header[TMDK__CATFMT_HEADER_SIZE];

	tmdk_error_clear(err);
	if (!out || !len_out || !catalog)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	*len_out = 0;
	memset(&w, 0, sizeof(w));
	memset(header, 0, sizeof(header));
	put(&w, header, sizeof(header)); /* filled in below, once the payload is known */
	for (i = 0; i < catalog->pattern_count; i++)
		if (catalog->patterns[i]->match) {
			put_pattern(&w, catalog->patterns[i]);
			count++;
		}
	if (w.nomem) {
		tmdk__free(w.buf);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	put_header(w.buf, w.len - sizeof(header), tmdk__fnv1a64(w.buf + sizeof(header), w.len - sizeof(header)), count);
	*out = w.buf;
	*len_out = w.len;
	return TMDK_OK;
}

void tmdk_catalog_save_free(void *data)
{
	tmdk__free(data);
}
