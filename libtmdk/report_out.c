/*
 * Buffered output for the report writers, and the escaping every format
 * needs. Report text comes from scanned files and catalogs, so none of it is
 * trusted: each writer sends it through the escaper of its format, and
 * invalid UTF-8 always becomes U+FFFD so the output stays well-formed.
 */
#include "report_int.h"
#include "array.h"

#include <stdio.h>
#include <string.h>

void tmdk__out_init(tmdk__out *o, tmdk_write_fn write, void *payload)
{
	o->write = write;
	o->payload = payload;
	o->failed = 0;
	o->nomem = 0;
	o->len = 0;
}

int tmdk__out_flush(tmdk__out *o)
{
	if (!o->failed && o->len && o->write(o->buf, o->len, o->payload) != 0)
		o->failed = 1;
	o->len = 0;
	return o->failed ? TMDK_EIO : TMDK_OK;
}

void tmdk__out_mem(tmdk__out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (n > sizeof(o->buf) - o->len) {
		if (tmdk__out_flush(o) != 0)
			return;
		if (n >= sizeof(o->buf)) {
			if (o->write(s, n, o->payload) != 0)
				o->failed = 1;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Room for n more bytes at o->buf + o->len (flushing first if need be), or
 * NULL when n is more than the buffer holds or writing failed. */
static char *out_room(tmdk__out *o, size_t n)
{
	if (o->failed || n > sizeof(o->buf))
		return NULL;
	if (n > sizeof(o->buf) - o->len && tmdk__out_flush(o) != 0)
		return NULL;
	return o->buf + o->len;
}

/* "s" in one copy, when it fits the buffer: most report strings need no
 * escaping, and three small writes cost more than the copy. 0: no room. */
static int out_quoted(tmdk__out *o, const char *s, size_t n)
{
	char *p = n <= sizeof(o->buf) - 2 ? out_room(o, n + 2) : NULL;
	if (!p)
		return 0;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	o->len += n + 2;
	return 1;
}

void tmdk__out_str(tmdk__out *o, const char *s)
{
	if (s)
		tmdk__out_mem(o, s, strlen(s));
}

void tmdk__out_printf(tmdk__out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		tmdk__out_mem(o, small, (size_t)n);
		return;
	} else {
		char *big = tmdk__malloc((size_t)n + 1);
		if (!big) {
			o->failed = o->nomem = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		tmdk__out_mem(o, big, (size_t)n);
		tmdk__free(big);
	}
}

void tmdk__out_repeat(tmdk__out *o, char c, size_t n)
{
	/* In runs, not byte by byte: JSON indentation is written this way. */
	char run[64];
	memset(run, c, sizeof(run));
	while (n > 0) {
		size_t k = n < sizeof(run) ? n : sizeof(run);
		tmdk__out_mem(o, run, k);
		n -= k;
	}
}

int tmdk__sink_write(const char *data, size_t len, void *payload)
{
	tmdk__sink *s = payload;
	/* len bytes and the NUL */
	if (len == SIZE_MAX || TMDK__ARRAY_RESERVE_N(s->data, s->len, s->cap, len + 1, 256) != TMDK_OK)
		return TMDK_ENOMEM;
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

size_t tmdk__trimmed_len(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

void tmdk__out_trimmed(tmdk__out *o, const char *s)
{
	if (s)
		tmdk__out_mem(o, s, tmdk__trimmed_len(s));
}

/* ---- UTF-8 ------------------------------------------------------------------ */

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t tmdk__utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len < need + 1 || s[1] < lo || s[1] > hi) {
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (!is_cont(s[i])) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return need + 1;
}

void tmdk__out_codepoint(tmdk__out *o, uint32_t cp)
{
	char b[4];
	if (cp < 0x80) {
		b[0] = (char)cp;
		tmdk__out_mem(o, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		tmdk__out_mem(o, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		tmdk__out_mem(o, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		tmdk__out_mem(o, b, 4);
	}
}

/* C0 and C1 controls and DEL. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Bidirectional overrides and isolates can make text read differently from what it is. */
static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* ---- JSON ------------------------------------------------------------------- */

/* JSON writes printable ASCII but the quote and the backslash as it is ("plain"). */
#if defined(__SSE2__)
#include <emmintrin.h>

/* Bit k set: byte k of p[0..16) is not plain (signed compares: bytes from
 * 0x80 are negative, below ' '). */
static unsigned int json_special_mask(const char *p)
{
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i bad = _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f)));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(b, _mm_set1_epi8('"')));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(b, _mm_set1_epi8('\\')));
	return (unsigned int)_mm_movemask_epi8(bad);
}
#else
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}
#endif

/* The length of the run of plain bytes at the start of s[0..len):
 * sixteen bytes at a time where SSE2 is, since report text is mostly such
 * runs (keys, paths, messages, evidence). */
static size_t json_plain_run(const char *s, size_t len)
{
	size_t i = 0;
#if defined(__SSE2__)
	unsigned int m;
	if (len < 16) {
		/* Keys and most values are short: one block, from a padded copy
		 * (the padding is not plain, so it ends the run). */
		char block[16] = { 0 };
		memcpy(block, s, len);
		return (size_t)__builtin_ctz(json_special_mask(block));
	}
	for (; i + 16 <= len; i += 16)
		if ((m = json_special_mask(s + i)) != 0)
			return i + (size_t)__builtin_ctz(m);
	/* The tail as the last sixteen bytes: those it shares with the blocks
	 * above are plain, and nothing past the end is read. */
	if (i < len && (m = json_special_mask(s + len - 16)) != 0)
		return len - 16 + (size_t)__builtin_ctz(m);
	return len;
#else
	while (i < len && json_plain((unsigned char)s[i]))
		i++;
	return i;
#endif
}

/* One character that is not plain, escaped; the bytes it used. */
static size_t json_escape_one(tmdk__out *o, const char *s, size_t len)
{
	uint32_t cp;
	size_t n = tmdk__utf8_decode(s, len, &cp);
	switch (cp) {
	case '"': tmdk__out_mem(o, "\\\"", 2); break;
	case '\\': tmdk__out_mem(o, "\\\\", 2); break;
	case '\n': tmdk__out_mem(o, "\\n", 2); break;
	case '\r': tmdk__out_mem(o, "\\r", 2); break;
	case '\t': tmdk__out_mem(o, "\\t", 2); break;
	case '\b': tmdk__out_mem(o, "\\b", 2); break;
	case '\f': tmdk__out_mem(o, "\\f", 2); break;
	default:
		/* U+2028/2029 are valid JSON but break JavaScript embedding. */
		if (is_control(cp) || cp == 0x2028 || cp == 0x2029)
			tmdk__out_printf(o, "\\u%04x", (unsigned)cp);
		else if (n == 1 && cp != 0xFFFD)
			tmdk__out_mem(o, s, 1);
		else
			tmdk__out_codepoint(o, cp);
	}
	return n;
}

void tmdk__out_json_string(tmdk__out *o, const char *s)
{
	size_t len, i = 0;

	if (!s) {
		tmdk__out_mem(o, "null", 4);
		return;
	}
	len = strlen(s);
	i = json_plain_run(s, len);
	if (i == len && out_quoted(o, s, len))
		return;
	tmdk__out_mem(o, "\"", 1);
	tmdk__out_mem(o, s, i);
	while (i < len) {
		size_t run = json_plain_run(s + i, len - i);
		if (run) {
			tmdk__out_mem(o, s + i, run);
			i += run;
		}
		if (i < len)
			i += json_escape_one(o, s + i, len - i);
	}
	tmdk__out_mem(o, "\"", 1);
}

/* ---- HTML ------------------------------------------------------------------- */

static void html_n(tmdk__out *o, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = tmdk__utf8_decode(s + i, len - i, &cp);
		switch (cp) {
		case '&': tmdk__out_str(o, "&amp;"); break;
		case '<': tmdk__out_str(o, "&lt;"); break;
		case '>': tmdk__out_str(o, "&gt;"); break;
		case '"': tmdk__out_str(o, "&quot;"); break;
		case '\'': tmdk__out_str(o, "&#39;"); break;
		case '\t': case '\n': tmdk__out_mem(o, s + i, 1); break;
		default:
			if (is_control(cp))
				tmdk__out_codepoint(o, 0xFFFD);
			else if (n == 1 && cp != 0xFFFD)
				tmdk__out_mem(o, s + i, 1);
			else
				tmdk__out_codepoint(o, cp);
		}
		i += n;
	}
}

void tmdk__out_html(tmdk__out *o, const char *s)
{
	if (s)
		html_n(o, s, strlen(s));
}

/* ---- Markdown -------------------------------------------------------------------- */

static int markdown_special(uint32_t cp)
{
	/* Enough to stop every inline construct; ( ) ! + need a [ or a line start to matter. */
	return cp < 0x80 && strchr("\\`*_[]<>#|~&$", (int)cp) != NULL;
}

static void markdown_n(tmdk__out *o, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = tmdk__utf8_decode(s + i, len - i, &cp);
		if (cp == '\n' || cp == '\r' || cp == '\t')
			tmdk__out_mem(o, " ", 1);
		else if (cp && markdown_special(cp)) {
			tmdk__out_mem(o, "\\", 1);
			tmdk__out_mem(o, s + i, 1);
		} else if (is_control(cp) || is_bidi_control(cp))
			tmdk__out_codepoint(o, 0xFFFD);
		else if (n == 1 && cp != 0xFFFD)
			tmdk__out_mem(o, s + i, 1);
		else
			tmdk__out_codepoint(o, cp);
		i += n;
	}
}

void tmdk__out_markdown(tmdk__out *o, const char *s)
{
	if (s)
		markdown_n(o, s, strlen(s));
}

static void markdown_code_n(tmdk__out *o, const char *s, size_t len)
{
	size_t i = 0, run = 0, longest = 0;
	int pad;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	if (len == 0)
		return;
	/* A space inside the fence keeps a leading or trailing backtick apart from
	 * it; CommonMark strips one such space from each side. */
	pad = s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' ');
	tmdk__out_repeat(o, '`', longest + 1);
	if (pad)
		tmdk__out_mem(o, " ", 1);
	i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = tmdk__utf8_decode(s + i, len - i, &cp);
		if (cp == '\n' || cp == '\r' || cp == '\t')
			tmdk__out_mem(o, " ", 1);
		else if (is_control(cp) || is_bidi_control(cp))
			tmdk__out_codepoint(o, 0xFFFD);
		else
			tmdk__out_codepoint(o, cp);
		i += n;
	}
	if (pad)
		tmdk__out_mem(o, " ", 1);
	tmdk__out_repeat(o, '`', longest + 1);
}

void tmdk__out_markdown_code(tmdk__out *o, const char *s)
{
	if (s)
		markdown_code_n(o, s, strlen(s));
}

/* ---- prose with `code spans` ------------------------------------------------- */

static size_t backtick_run(const char *s, size_t i, size_t len)
{
	size_t n = 0;
	while (i + n < len && s[i + n] == '`')
		n++;
	return n;
}

typedef void (*span_fn)(tmdk__out *o, const char *s, size_t len, int code);

/*
 * Split text into plain parts and code spans by CommonMark's rule: a run of
 * n backticks opens a span closed by the next run of exactly n; an unclosed
 * run is plain text.
 */
static void split_code_spans(tmdk__out *o, const char *s, span_fn emit)
{
	size_t len = tmdk__trimmed_len(s), i = 0, start = 0;

	while (i < len) {
		size_t n, j, close = len;
		if (s[i] != '`') {
			i++;
			continue;
		}
		n = backtick_run(s, i, len);
		for (j = i + n; j < len;) {
			size_t m;
			if (s[j] != '`') {
				j++;
				continue;
			}
			m = backtick_run(s, j, len);
			if (m == n) {
				close = j;
				break;
			}
			j += m;
		}
		if (close == len) {
			i += n;
			continue;
		}
		emit(o, s + start, i - start, 0);
		emit(o, s + i + n, close - i - n, 1);
		i = start = close + n;
	}
	emit(o, s + start, len - start, 0);
}

static void markdown_span(tmdk__out *o, const char *s, size_t len, int code)
{
	if (code)
		markdown_code_n(o, s, len);
	else
		markdown_n(o, s, len);
}

static void html_span(tmdk__out *o, const char *s, size_t len, int code)
{
	if (code)
		tmdk__out_str(o, "<code>");
	html_n(o, s, len);
	if (code)
		tmdk__out_str(o, "</code>");
}

void tmdk__out_markdown_prose(tmdk__out *o, const char *s)
{
	split_code_spans(o, s, markdown_span);
}

void tmdk__out_html_prose(tmdk__out *o, const char *s)
{
	split_code_spans(o, s, html_span);
}

/* ---- terminal ------------------------------------------------------------------ */

void tmdk__out_terminal(tmdk__out *o, const char *s)
{
	size_t len, i = 0;

	if (!s)
		return;
	len = strlen(s);
	while (i < len) {
		uint32_t cp;
		size_t n = tmdk__utf8_decode(s + i, len - i, &cp);
		if (cp == '\t')
			tmdk__out_mem(o, "\t", 1);
		else if (cp < 0x20 || cp == 0x7F)
			tmdk__out_printf(o, "\\x%02x", (unsigned)cp);
		else if (is_control(cp) || is_bidi_control(cp))
			tmdk__out_printf(o, "\\u%04x", (unsigned)cp);
		else if (n == 1 && cp != 0xFFFD)
			tmdk__out_mem(o, s + i, 1);
		else
			tmdk__out_codepoint(o, cp);
		i += n;
	}
}

/* ---- URIs ---------------------------------------------------------------------- */

static int uri_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

void tmdk__out_uri(tmdk__out *o, const char *path)
{
	const unsigned char *p = (const unsigned char *)(path ? path : "");
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (p[0] == '/' && p[1] == '/')
		p++;
	if (p[0] == '/')
		tmdk__out_str(o, "file://");
	for (; *p; p++) {
		if (uri_keep(*p))
			tmdk__out_mem(o, (const char *)p, 1);
		else
			tmdk__out_printf(o, "%%%02X", (unsigned)*p);
	}
}

/* ---- links ------------------------------------------------------------------- */

int tmdk__is_web_url(const char *url)
{
	return url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
}

void tmdk__out_url(tmdk__out *o, const char *url)
{
	const unsigned char *p = (const unsigned char *)(url ? url : "");
	for (; *p; p++) {
		if (*p > 0x20 && *p < 0x7F && !strchr("()<>\"'`\\{}|^", *p))
			tmdk__out_mem(o, (const char *)p, 1);
		else
			tmdk__out_printf(o, "%%%02X", (unsigned)*p);
	}
}

/* ---- JSON emitter ----------------------------------------------------------- */

void tmdk__json_init(tmdk__json *j, tmdk__out *o)
{
	j->o = o;
	j->depth = 0;
	j->has_items[0] = 0;
}

/* The longest key written with its lead in one piece (longer ones are written apart). */
#define JSON_SHORT_KEY 60

/* The comma, newline and indentation before a value, then its key, straight
 * into the buffer: every value of a report starts so. */
void tmdk__json_member(tmdk__json *j, const char *key)
{
	size_t indent = j->depth > 0 ? (size_t)j->depth * 2 : 0, n = 0, klen = key ? strlen(key) : 0;
	int comma = j->depth > 0 && j->has_items[j->depth];
	int whole = key && klen <= JSON_SHORT_KEY && json_plain_run(key, klen) == klen;
	char *p = out_room(j->o, 2 + indent + (whole ? klen + 4 : 0));

	j->has_items[j->depth] = 1;
	if (!p)
		return; /* writing failed: nothing more is written */
	if (comma)
		p[n++] = ',';
	if (j->depth > 0) {
		p[n++] = '\n';
		memset(p + n, ' ', indent);
		n += indent;
	}
	if (whole) {
		p[n++] = '"';
		memcpy(p + n, key, klen);
		memcpy(p + n + klen, "\": ", 3);
		n += klen + 3;
	}
	j->o->len += n;
	if (key && !whole) {
		tmdk__out_json_string(j->o, key);
		tmdk__out_mem(j->o, ": ", 2);
	}
}

void tmdk__json_open(tmdk__json *j, const char *key, char bracket)
{
	tmdk__json_member(j, key);
	tmdk__out_mem(j->o, &bracket, 1);
	if (j->depth + 1 < TMDK__JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = 0;
}

void tmdk__json_close(tmdk__json *j, char bracket)
{
	int had = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had) {
		tmdk__out_mem(j->o, "\n", 1);
		tmdk__out_repeat(j->o, ' ', (size_t)j->depth * 2);
	}
	tmdk__out_mem(j->o, &bracket, 1);
	if (j->depth == 0)
		tmdk__out_mem(j->o, "\n", 1);
}

void tmdk__json_string(tmdk__json *j, const char *key, const char *value)
{
	tmdk__json_member(j, key);
	tmdk__out_json_string(j->o, value);
}

void tmdk__json_uint(tmdk__json *j, const char *key, unsigned long value)
{
	/* Digits by hand: printf's machinery cost a tenth of writing a JSON report. */
	char digits[3 * sizeof(value) + 1];
	size_t n = sizeof(digits);
	tmdk__json_member(j, key);
	do {
		digits[--n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	tmdk__out_mem(j->o, digits + n, sizeof(digits) - n);
}

void tmdk__json_bool(tmdk__json *j, const char *key, int value)
{
	tmdk__json_member(j, key);
	tmdk__out_str(j->o, value ? "true" : "false");
}

void tmdk__json_raw(tmdk__json *j, const char *key, const char *literal)
{
	tmdk__json_member(j, key);
	tmdk__out_str(j->o, literal);
}
