/*
 * The YAML loader's view of the raw text: converting libyaml positions
 * (which count characters) into byte offsets and back, and finding the
 * comments, which libyaml does not report.
 *
 * A '#' starts a comment when it begins a line (after blanks) or follows a
 * blank, and is not inside a scalar. The loader hands us the byte spans of
 * the scalars whose text holds a '#' (quoted, plain or block scalars alike),
 * so a '#' inside `"echo # not a comment"` or a literal block is skipped.
 */
#include "yaml_load.h"

#include <string.h>

static int has_high_byte(const char *s, size_t len)
{
	uint64_t acc = 0, w;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		acc |= w;
	}
	for (; i < len; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ull) != 0;
}

void tmdk__yaml_cursor_init(tmdk__yaml_cursor *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->text = text;
	c->len = len;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		c->bom = 3;
	c->ascii = !has_high_byte(text, len);
	c->bytes = c->bom;
}

static size_t utf8_width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	return 2;
}

size_t tmdk__yaml_cursor_offset(tmdk__yaml_cursor *c, size_t char_index)
{
	if (c->ascii)
		return char_index < c->len ? char_index : c->len;
	if (char_index < c->chars) {
		/* Marks come in document order; going back only happens on
		 * unusual input, so restarting from the top is fine. */
		c->chars = 0;
		c->bytes = c->bom;
	}
	while (c->chars < char_index && c->bytes < c->len) {
		c->bytes += utf8_width((unsigned char)c->text[c->bytes]);
		c->chars++;
	}
	return c->bytes < c->len ? c->bytes : c->len;
}

void tmdk__yaml_offset_position(const tmdk_artifact *a, size_t off,
	unsigned int *line, unsigned int *column)
{
	size_t l, i, col = 1;

	if (off > a->text_len)
		off = a->text_len;
	if (a->line_count == 0) {
		*line = 1;
		*column = 1;
		return;
	}
	l = tmdk__artifact_line_index(a, off);
	for (i = a->line_starts[l]; i < off; i++)
		if (((unsigned char)a->text[i] & 0xC0) != 0x80)
			col++;
	*line = (unsigned int)(l + 1);
	*column = (unsigned int)col;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Record the comment that starts at hash (a '#') on 0-based line `line`;
 * returns the end of the line. */
static int record_comment(tmdk_artifact *a, size_t line, const char *hash, const char **eol_out)
{
	const char *end = a->text + a->text_len;
	const char *eol = memchr(hash, '\n', (size_t)(end - hash));
	const char *stop;

	if (!eol)
		eol = end;
	stop = eol;
	while (stop > hash + 1 && (stop[-1] == '\r' || is_blank(stop[-1])))
		stop--;
	*eol_out = eol;
	return tmdk__artifact_set_comment(a, (unsigned int)(line + 1), hash + 1, (size_t)(stop - hash - 1));
}

int tmdk__yaml_scan_comments(tmdk_artifact *a, const tmdk__yaml_span *spans, size_t count)
{
	const char *text = a->text, *end = text + a->text_len;
	const char *first = text;
	const char *p = text;
	size_t si = 0, line = 0;

	if (a->text_len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		first = text + 3;
	while (p < end && (p = memchr(p, '#', (size_t)(end - p))) != NULL) {
		size_t off = (size_t)(p - text);
		int rc;

		while (si < count && spans[si].end <= off)
			si++;
		if (si < count && spans[si].start <= off) {
			p = text + spans[si].end; /* inside a scalar */
			continue;
		}
		if (p != first && p > text && !is_blank(p[-1]) && p[-1] != '\n' && p[-1] != '\r') {
			p++; /* part of a token, like a#b or a tag */
			continue;
		}
		while (line + 1 < a->line_count && a->line_starts[line + 1] <= off)
			line++;
		rc = record_comment(a, line, p, &p);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}
