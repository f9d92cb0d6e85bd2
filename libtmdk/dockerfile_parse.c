/*
 * Dockerfile parsing, first pass: bytes -> logical lines.
 *
 * This follows BuildKit's parser (frontend/dockerfile/parser) line for line
 * in behaviour: parser directives only at the top, whole-line comments
 * dropped even inside a continued instruction, continuation lines joined
 * with nothing in between (their leading white space kept), blank lines
 * inside a continuation skipped with a warning, heredoc bodies read after
 * the line that opens them. Each logical line goes to dockerfile_args.c;
 * the records then go to dockerfile_model.c.
 *
 * Deliberate differences: input must be UTF-8 without NUL bytes (BuildKit
 * takes any bytes), and heredoc bodies have CRLF turned into LF.
 */
#include "dockerfile.h"
#include "array.h"

#include <string.h>

/* ---- physical lines ------------------------------------------------- */

typedef struct line_reader {
	const char *text;
	size_t len, pos;
	unsigned int number;     /* the line last returned, from 1 */
} line_reader;

/* The next physical line without its line ending (trailing CRs included,
 * as BuildKit's trimNewline does). The UTF-8 BOM of line 1 is skipped. */
static int next_line(line_reader *r, const char **s, size_t *n)
{
	const char *start, *nl;
	size_t len;
	if (r->pos >= r->len)
		return 0;
	start = r->text + r->pos;
	nl = memchr(start, '\n', r->len - r->pos);
	len = nl ? (size_t)(nl - start) : r->len - r->pos;
	r->pos += nl ? len + 1 : len;
	if (r->number++ == 0 && len >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
		start += 3;
		len -= 3;
	}
	while (len && start[len - 1] == '\r')
		len--;
	*s = start;
	*n = len;
	return 1;
}

static size_t leading_space(const char *s, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = tmdk__df_space_len(s + i, n - i)) > 0)
		i += k;
	return i;
}

/* Line and column (bytes, from 1; the BOM does not count) of a text offset. */
static void offset_position(const tmdk_artifact *a, size_t off, unsigned int *line, unsigned int *column)
{
	size_t lo = tmdk__artifact_line_index(a, off);
	size_t start = a->line_count ? a->line_starts[lo] : 0;
	if (lo == 0 && a->text_len >= 3 && memcmp(a->text, "\xEF\xBB\xBF", 3) == 0 && off >= 3)
		start = 3;
	*line = (unsigned int)lo + 1;
	*column = (unsigned int)(off - start) + 1;
}

/* BuildKit reads any bytes; we want text, and say where it stops being text. */
static int check_text(tmdk__df_parser *p)
{
	const tmdk_artifact *a = p->a;
	const char *nul = memchr(a->text, '\0', a->text_len);
	unsigned int line, column;
	size_t bad;

	if (nul) {
		offset_position(a, (size_t)(nul - a->text), &line, &column);
		return tmdk__error_set(p->err, TMDK_EPARSE, a->name, line, column,
			"NUL byte in a Dockerfile (binary input?); expected UTF-8 text");
	}
	bad = tmdk__utf8_validate(a->text, a->text_len);
	if (bad < a->text_len) {
		offset_position(a, bad, &line, &column);
		return tmdk__error_set(p->err, TMDK_EPARSE, a->name, line, column,
			"invalid UTF-8 (byte 0x%02X); expected UTF-8 text",
			(unsigned int)(unsigned char)a->text[bad]);
	}
	return TMDK_OK;
}

/* ---- parser directives ---------------------------------------------- */

static int is_re_space(char c)
{
	/* RE2's \s: no \v */
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * `# name = value` at the top of the file. The first line that is not a
 * known directive (blank, comment, instruction) ends the block for good.
 * The value is BuildKit's `\s*=\s*(.+?)\s*$`: trimmed, but a value made
 * only of blanks keeps its last blank.
 */
static int parse_directive(tmdk__df_parser *p, const char *t, size_t n, unsigned int line,
	unsigned int column, int *done)
{
	static const char *const known[] = { "syntax", "escape", "check" };
	size_t i = 1, name_start, name_len, vs, ve, k;
	char lower[8];
	tmdk__df_directive *d;

	if (*done)
		return TMDK_OK;
	*done = 1;
	if (n == 0 || t[0] != '#')
		return TMDK_OK;
	i += leading_space(t + 1, n - 1);
	name_start = i;
	if (i >= n || !is_alpha(t[i]))
		return TMDK_OK;
	while (i < n && (is_alpha(t[i]) || is_digit(t[i])))
		i++;
	name_len = i - name_start;
	while (i < n && is_re_space(t[i]))
		i++;
	if (i >= n || t[i] != '=' || i + 1 >= n)
		return TMDK_OK;
	vs = i + 1;
	ve = n;
	while (vs < ve && is_re_space(t[vs]))
		vs++;
	while (ve > vs && is_re_space(t[ve - 1]))
		ve--;
	if (vs == ve) {
		vs = n - 1; /* only blanks: the lazy (.+?) takes the last one */
		ve = n;
	}
	if (name_len >= sizeof(lower))
		return TMDK_OK;
	for (k = 0; k < name_len; k++) {
		char c = t[name_start + k];
		lower[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	lower[name_len] = '\0';
	for (k = 0; k < 3; k++)
		if (strcmp(lower, known[k]) == 0)
			break;
	if (k == 3)
		return TMDK_OK;
	for (i = 0; i < p->directive_count; i++)
		if (strcmp(p->directives[i].name, known[k]) == 0)
			return tmdk__error_set(p->err, TMDK_EPARSE, p->a->name, line, column,
				"only one %s parser directive can be used (it was already set on line %u)",
				known[k], p->directives[i].line);
	d = &p->directives[p->directive_count++];
	d->name = known[k];
	d->value.p = t + vs;
	d->value.n = ve - vs;
	d->value.off = TMDK__DF_NOPOS;
	d->line = line;
	d->column = column;
	if (k == 1) {
		if (d->value.n != 1 || (d->value.p[0] != '\\' && d->value.p[0] != '`'))
			return tmdk__error_set(p->err, TMDK_EPARSE, p->a->name, line, column,
				"invalid escape token '%.*s' does not match ` or \\",
				(int)(d->value.n > 64 ? 64 : d->value.n), d->value.p);
		p->escape = d->value.p[0];
	}
	*done = 0;
	return TMDK_OK;
}

/* ---- logical lines -------------------------------------------------- */

static int record_comment(tmdk__df_parser *p, unsigned int line, const char *t, size_t n)
{
	/* t starts with '#' */
	size_t len = n - 1;
	while (len && tmdk__df_is_ascii_space(t[len]))
		len--;
	return tmdk__artifact_set_comment(p->a, line, t + 1, len);
}

/* Remove a trailing continuation character (escape, then only blanks, not
 * itself escaped). @return 1 when the line continues. */
static int trim_continuation(char escape, const char *s, size_t *n)
{
	size_t e = *n;
	while (e && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e && s[e - 1] == escape && (e == 1 || s[e - 2] != escape)) {
		*n = e - 1;
		return 1;
	}
	return 0;
}

/* What a logical line is being built from. */
typedef struct joiner {
	tmdk__df_buf text;
	tmdk__df_seg *segs;      /* heap */
	size_t seg_count, seg_cap;
	unsigned int empty_line; /* first blank line inside the continuation, or 0 */
} joiner;

/* The next piece of j's text comes from line:column. */
static int add_segment(tmdk__df_parser *p, joiner *j, unsigned int line, unsigned int column)
{
	if (TMDK__ARRAY_RESERVE(j->segs, j->seg_count, j->seg_cap, 8) != TMDK_OK)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, line, 0, "out of memory");
	j->segs[j->seg_count].off = j->text.n;
	j->segs[j->seg_count].line = line;
	j->segs[j->seg_count].column = column;
	j->seg_count++;
	return TMDK_OK;
}

static int join_piece(tmdk__df_parser *p, joiner *j, const char *s, size_t n,
	unsigned int line, unsigned int column, unsigned int first_line)
{
	int rc = add_segment(p, j, line, column);
	if (rc != TMDK_OK)
		return rc;
	tmdk__df_buf_put(&j->text, s, n);
	if (j->text.oom)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, line, 0, "out of memory");
	if (j->text.n > p->a->limits.max_line_length)
		return tmdk__error_set(p->err, TMDK_ELIMIT, p->a->name, first_line, 1,
			"Dockerfile instruction longer than %zu bytes once its continuation lines are joined (max_line_length)",
			p->a->limits.max_line_length);
	return TMDK_OK;
}

/* Read the continuation lines of an instruction. */
static int read_continuation(tmdk__df_parser *p, line_reader *r, joiner *j, unsigned int first_line)
{
	const char *s;
	size_t n;
	int cont = 1, rc;

	while (cont && next_line(r, &s, &n)) {
		size_t lead = leading_space(s, n);
		if (lead < n && s[lead] == '#') {
			rc = record_comment(p, r->number, s + lead, n - lead);
			if (rc != TMDK_OK)
				return tmdk__error_set(p->err, rc, p->a->name, r->number, 0, "out of memory");
			continue;
		}
		if (lead == n) {
			if (!j->empty_line)
				j->empty_line = r->number;
			continue;
		}
		cont = trim_continuation(p->escape, s, &n);
		rc = join_piece(p, j, s, n, r->number, 1, first_line);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

static int push_record(tmdk__df_parser *p, unsigned int line, tmdk__df_instr **out)
{
	if (p->instr_count >= p->a->limits.max_instructions)
		return tmdk__error_set(p->err, TMDK_ELIMIT, p->a->name, line, 1,
			"Dockerfile has more than %u instructions (max_instructions)",
			p->a->limits.max_instructions);
	if (TMDK__ARRAY_RESERVE(p->instrs, p->instr_count, p->instr_cap, 16) != TMDK_OK)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, line, 0, "out of memory");
	*out = &p->instrs[p->instr_count++];
	memset(*out, 0, sizeof(**out));
	return TMDK_OK;
}

/* ---- heredoc bodies ------------------------------------------------- */

/* The body and where each of its lines starts, once the terminator is found. */
static int keep_heredoc(tmdk__df_parser *p, tmdk__df_heredoc *h, const tmdk__df_buf *body, const joiner *lines)
{
	tmdk__df_seg *segs = tmdk__arena_alloc(&p->a->arena, (lines->seg_count ? lines->seg_count : 1) * sizeof(*segs));
	h->body.p = tmdk__arena_strndup(&p->a->arena, body->p ? body->p : "", body->n);
	h->body.n = body->n;
	h->body.off = TMDK__DF_NOPOS;
	if (!h->body.p || !segs)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, h->line, 0, "out of memory");
	if (lines->seg_count)
		memcpy(segs, lines->segs, lines->seg_count * sizeof(*segs));
	h->segs = segs;
	h->seg_count = lines->seg_count;
	return TMDK_OK;
}

static int read_heredoc(tmdk__df_parser *p, line_reader *r, const tmdk__df_instr *in, tmdk__df_heredoc *h)
{
	joiner lines; /* the body, and where each line starts */
	const char *s;
	size_t n;
	int rc = TMDK_OK;

	memset(&lines, 0, sizeof(lines));
	h->line = r->number + 1;
	while (rc == TMDK_OK && next_line(r, &s, &n)) {
		const char *t = s;
		size_t tn = n;
		if (h->strip_tabs)
			while (tn && *t == '\t') {
				t++;
				tn--;
			}
		if (tn == h->name.n && memcmp(t, h->name.p, tn) == 0) {
			h->end_line = r->number;
			rc = keep_heredoc(p, h, &lines.text, &lines);
			tmdk__df_buf_free(&lines.text);
			tmdk__free(lines.segs);
			return rc;
		}
		rc = add_segment(p, &lines, r->number, (unsigned int)(t - s) + 1);
		tmdk__df_buf_put(&lines.text, t, tn);
		tmdk__df_buf_putc(&lines.text, '\n');
		if (rc == TMDK_OK && lines.text.oom)
			rc = tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, r->number, 0, "out of memory");
		if (rc == TMDK_OK && lines.text.n > p->a->limits.max_heredoc_bytes)
			rc = tmdk__error_set(p->err, TMDK_ELIMIT, p->a->name, h->line, 1,
				"heredoc body larger than %zu bytes (max_heredoc_bytes)",
				p->a->limits.max_heredoc_bytes);
	}
	tmdk__df_buf_free(&lines.text);
	tmdk__free(lines.segs);
	if (rc != TMDK_OK)
		return rc;
	return tmdk__df_fail(p, in, h->name.off, TMDK_EPARSE,
		"unterminated heredoc: no line \"%.*s\" before the end of the file",
		(int)(h->name.n > 64 ? 64 : h->name.n), h->name.p);
}

static int read_heredocs(tmdk__df_parser *p, line_reader *r, tmdk__df_instr *in)
{
	tmdk__df_instr *owner = tmdk__df_heredoc_owner(in);
	size_t i;
	int rc;

	if (!owner || !strstr(in->raw.p, "<<"))
		return TMDK_OK;
	rc = tmdk__df_find_heredocs(p, in, owner);
	for (i = 0; rc == TMDK_OK && i < owner->heredoc_count; i++)
		rc = read_heredoc(p, r, in, &owner->heredocs[i]);
	return rc;
}

/* ---- one instruction ------------------------------------------------ */

static int finish_instruction(tmdk__df_parser *p, line_reader *r, joiner *j,
	unsigned int line, unsigned int column)
{
	tmdk__df_instr *in = NULL;
	tmdk__df_seg *segs;
	char *raw;
	int rc = push_record(p, line, &in);

	if (rc != TMDK_OK)
		return rc;
	raw = tmdk__arena_strndup(&p->a->arena, j->text.p ? j->text.p : "", j->text.n);
	segs = tmdk__arena_alloc(&p->a->arena, j->seg_count * sizeof(*segs));
	if (!raw || !segs)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, line, 0, "out of memory");
	memcpy(segs, j->segs, j->seg_count * sizeof(*segs));
	in->raw.p = raw;
	in->raw.n = j->text.n;
	in->line = line;
	in->column = column;
	in->end_line = r->number;
	in->segs = segs;
	in->seg_count = j->seg_count;
	rc = tmdk__df_parse_instruction(p, in, raw, j->text.n, 0);
	if (rc == TMDK_OK)
		rc = read_heredocs(p, r, in);
	if (rc != TMDK_OK)
		return rc;
	in->end_line = r->number;
	if (in->inner)
		in->inner->end_line = in->end_line;
	if (j->empty_line &&
	    tmdk__artifact_warn(p->a, j->empty_line, 1,
		    "empty continuation line in the %.*s instruction started on line %u "
		    "(BuildKit warns; empty continuation lines will become errors)",
		    (int)(in->keyword.n > 32 ? 32 : in->keyword.n), in->keyword.p, line) != TMDK_OK)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, line, 0, "out of memory");
	return TMDK_OK;
}

static int scan_lines(tmdk__df_parser *p)
{
	line_reader r = { p->a->text, p->a->text_len, 0, 0 };
	joiner j;
	const char *s;
	size_t n;
	int done = 0, rc = TMDK_OK;

	memset(&j, 0, sizeof(j));
	while (rc == TMDK_OK && next_line(&r, &s, &n)) {
		size_t lead = leading_space(s, n);
		const char *t = s + lead;
		size_t tn = n - lead;
		unsigned int line = r.number, column = (unsigned int)lead + 1;
		int cont;

		if (tn && t[0] == '#') {
			rc = record_comment(p, line, t, tn);
			if (rc != TMDK_OK) {
				rc = tmdk__error_set(p->err, rc, p->a->name, line, 0, "out of memory");
				break;
			}
		}
		rc = parse_directive(p, t, tn, line, column, &done);
		if (rc != TMDK_OK || (tn && t[0] == '#'))
			continue;
		cont = trim_continuation(p->escape, t, &tn);
		if (!cont && tn == 0)
			continue;
		j.text.n = 0;
		j.seg_count = 0;
		j.empty_line = 0;
		rc = join_piece(p, &j, t, tn, line, column, line);
		if (rc == TMDK_OK && cont)
			rc = read_continuation(p, &r, &j, line);
		if (rc == TMDK_OK)
			rc = finish_instruction(p, &r, &j, line, column);
	}
	tmdk__df_buf_free(&j.text);
	tmdk__free(j.segs);
	return rc;
}

int tmdk__dockerfile_parse(tmdk_artifact *a, tmdk_error *err)
{
	tmdk__df_parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.err = err;
	p.escape = '\\';
	rc = check_text(&p);
	if (rc == TMDK_OK)
		rc = scan_lines(&p);
	if (rc == TMDK_OK && p.instr_count == 0)
		rc = tmdk__error_set(err, TMDK_EPARSE, a->name, a->line_count ? (unsigned int)a->line_count : 1, 1,
			"file with no instructions; expected at least one instruction such as FROM");
	if (rc == TMDK_OK)
		rc = tmdk__df_build_model(&p);
	if (rc == TMDK_OK)
		tmdk__artifact_index_text_maps(a);
	tmdk__free(p.instrs);
	return rc;
}
