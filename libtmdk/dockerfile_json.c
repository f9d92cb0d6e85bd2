/*
 * The JSON array behind the exec form (`CMD ["a", "b"]`), read the way
 * BuildKit reads it with Go's json.Decoder: the first JSON value is checked
 * for syntax as a whole (anything after it is ignored); only then are its
 * elements looked at. Invalid JSON means "shell form" to the caller; valid
 * JSON holding anything but strings is an error.
 *
 * The reader is iterative (an explicit stack of open brackets), so deep
 * nesting costs no C stack; it is bounded by limits.max_depth.
 */
#include "dockerfile.h"

#include <string.h>

typedef struct reader {
	const char *s;
	size_t n, pos;
} reader;

static void skip_ws(reader *r)
{
	while (r->pos < r->n) {
		char c = r->s[r->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		r->pos++;
	}
}

static int hex4(const char *s, unsigned int *out)
{
	unsigned long v;
	if (!tmdk__hex_digits(s, 4, &v))
		return 0;
	*out = (unsigned int)v;
	return 1;
}

/* A \uXXXX escape at s (past the backslash and 'u'), surrogate pairs joined
 * and a lone surrogate turned into U+FFFD, as Go does. */
static int unicode_escape(reader *r, unsigned int *cp)
{
	unsigned int u, lo;
	if (r->n - r->pos < 4 || !hex4(r->s + r->pos, &u))
		return 0;
	r->pos += 4;
	if (u >= 0xD800 && u < 0xE000) {
		if (u < 0xDC00 && r->n - r->pos >= 6 && r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u' &&
		    hex4(r->s + r->pos + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
			r->pos += 6;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		} else {
			u = 0xFFFD;
		}
	}
	*cp = u;
	return 1;
}

/* A string at r->pos (on the quote). With `out` (room for the raw length),
 * the decoded bytes go there. @return 1 when valid. */
static int read_string(reader *r, char *out, size_t *out_len)
{
	size_t w = 0;
	r->pos++;
	while (r->pos < r->n) {
		unsigned char c = (unsigned char)r->s[r->pos++];
		unsigned int cp;
		if (c == '"') {
			if (out_len)
				*out_len = w;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c != '\\') {
			if (out)
				out[w] = (char)c;
			w++;
			continue;
		}
		if (r->pos >= r->n)
			return 0;
		c = (unsigned char)r->s[r->pos++];
		switch (c) {
		case '"': case '\\': case '/': cp = c; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (!unicode_escape(r, &cp))
				return 0;
			break;
		default: return 0;
		}
		if (out)
			w += tmdk__utf8_encode(out + w, cp);
		else
			w++;
	}
	return 0;
}

static int read_digits(reader *r)
{
	size_t start = r->pos;
	while (r->pos < r->n && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
		r->pos++;
	return r->pos > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int read_number(reader *r)
{
	if (r->s[r->pos] == '-')
		r->pos++;
	if (r->pos >= r->n)
		return 0;
	if (r->s[r->pos] == '0')
		r->pos++;
	else if (!read_digits(r))
		return 0;
	if (r->pos < r->n && r->s[r->pos] == '.') {
		r->pos++;
		if (!read_digits(r))
			return 0;
	}
	if (r->pos < r->n && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->n && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
			r->pos++;
		if (!read_digits(r))
			return 0;
	}
	return 1;
}

static int read_literal(reader *r)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i;
	for (i = 0; i < 3; i++) {
		size_t len = strlen(words[i]);
		if (r->n - r->pos >= len && memcmp(r->s + r->pos, words[i], len) == 0) {
			r->pos += len;
			return 1;
		}
	}
	return 0;
}

/* A top-level element: decode a string into in->args, note anything else. */
static int top_element(tmdk__df_parser *p, tmdk__df_instr *in, reader *r, size_t base,
	size_t *bad_off)
{
	size_t start = r->pos, len = 0;
	char *out;
	reader probe = *r;

	if (r->s[r->pos] != '"') {
		if (*bad_off == TMDK__DF_NOPOS)
			*bad_off = base + start;
		return TMDK__DF_JSON_OK; /* the caller reads the value itself */
	}
	if (!read_string(&probe, NULL, NULL))
		return TMDK__DF_JSON_INVALID;
	if (tmdk__df_count_items(p, in, base + start, 1) != TMDK_OK)
		return TMDK_ELIMIT;
	out = tmdk__arena_alloc(&p->a->arena, probe.pos - start + 1);
	if (!out)
		return TMDK_ENOMEM;
	read_string(r, out, &len);
	return tmdk__df_strv_push(&p->a->arena, &in->args, &in->arg_count, &in->arg_cap,
		(tmdk__df_str){ out, len, base + start });
}

enum { WANT_VALUE, WANT_KEY, AFTER_VALUE };

static int scan(tmdk__df_parser *p, tmdk__df_instr *in, reader *r, size_t base, size_t *bad_off,
	tmdk__df_buf *stack)
{
	int state = WANT_VALUE;
	for (;;) {
		char c;
		skip_ws(r);
		if (r->pos >= r->n)
			return TMDK__DF_JSON_INVALID;
		c = r->s[r->pos];
		if (state == WANT_KEY) {
			if (c != '"' || !read_string(r, NULL, NULL))
				return TMDK__DF_JSON_INVALID;
			skip_ws(r);
			if (r->pos >= r->n || r->s[r->pos] != ':')
				return TMDK__DF_JSON_INVALID;
			r->pos++;
			state = WANT_VALUE;
			continue;
		}
		if (state == AFTER_VALUE) {
			char top = stack->p[stack->n - 1];
			if (c == ',') {
				r->pos++;
				state = top == '[' ? WANT_VALUE : WANT_KEY;
				continue;
			}
			if ((c == ']' && top == '[') || (c == '}' && top == '{')) {
				r->pos++;
				stack->n--;
				if (stack->n == 0)
					return TMDK__DF_JSON_OK;
				continue;
			}
			return TMDK__DF_JSON_INVALID;
		}
		/* WANT_VALUE */
		if (stack->n == 1 && stack->p[0] == '[') {
			int rc = top_element(p, in, r, base, bad_off);
			if (rc != TMDK__DF_JSON_OK)
				return rc;
			if (c == '"') {
				state = AFTER_VALUE;
				continue;
			}
		}
		if (c == '[' || c == '{') {
			if (stack->n >= p->a->limits.max_depth)
				return tmdk__df_fail(p, in, base + r->pos, TMDK_ELIMIT,
					"JSON array nested deeper than %u levels (max_depth)", p->a->limits.max_depth);
			tmdk__df_buf_putc(stack, c);
			if (stack->oom)
				return TMDK_ENOMEM;
			r->pos++;
			skip_ws(r);
			if (r->pos < r->n && r->s[r->pos] == (c == '[' ? ']' : '}')) {
				r->pos++;
				stack->n--;
				if (stack->n == 0)
					return TMDK__DF_JSON_OK;
				state = AFTER_VALUE;
			} else {
				state = c == '[' ? WANT_VALUE : WANT_KEY;
			}
			continue;
		}
		if (c == '"' ? !read_string(r, NULL, NULL)
			     : (c == '-' || (c >= '0' && c <= '9')) ? !read_number(r) : !read_literal(r))
			return TMDK__DF_JSON_INVALID;
		state = AFTER_VALUE;
	}
}

int tmdk__df_json_array(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n,
	size_t base, size_t *bad_off)
{
	tmdk__df_buf stack = { NULL, 0, 0, 0 };
	reader r = { s, n, 0 };
	size_t saved = in->arg_count;
	int rc;

	*bad_off = TMDK__DF_NOPOS;
	rc = scan(p, in, &r, base, bad_off, &stack);
	tmdk__df_buf_free(&stack);
	if (rc == TMDK__DF_JSON_OK && *bad_off != TMDK__DF_NOPOS)
		rc = TMDK__DF_JSON_NOT_STRINGS;
	if (rc != TMDK__DF_JSON_OK)
		in->arg_count = saved;
	return rc;
}
