/*
 * The fast YAML loader: the block-structured subset that manifests are
 * written in, read straight from the bytes into document-model nodes.
 *
 * libyaml tokenizes a character at a time, copies every token into a heap
 * string and hands out one event per token; on Kubernetes manifests that
 * was most of a scan's parse time. This loader reads lines instead and
 * builds the same nodes yaml_load.c builds from libyaml's events: the same
 * texts, scalar types, styles, lines and columns (in characters), document
 * numbering, comment spans and literal-block text maps.
 *
 * It knows only what it can read exactly, and declines everything else:
 * tags, anchors, aliases, merge keys, duplicate keys, complex keys,
 * directives, `...`, keys over several lines, indentation indicators, tabs
 * where YAML counts indentation, control characters, and every input
 * libyaml rejects. Declining costs nothing but time: the artifact is left
 * as it was and the libyaml loader, which owns every error message, runs.
 * Whether a file declines never changes what it yields:
 * tests/test_yaml_fast.c and the fuzz-yaml harness compare the two loaders
 * node for node.
 */
#include "yaml_load.h"
#include "array.h"

#include <string.h>

/* F->ind at the end of the stream or on a `---` line. */
#define END_OF_BLOCKS (-1L)
/* Nesting the recursive descent takes on; deeper input declines (the
 * libyaml loader keeps its stack on the heap). */
#define FAST_MAX_DEPTH 128u
/* libyaml's limit on the length of a simple (implicit) key. */
#define SIMPLE_KEY_MAX 1024
/* Maps with more keys than this find duplicates through a hash set. */
#define KEYSET_THRESHOLD 16u

typedef struct fast {
	tmdk_artifact *a;
	const char *end;
	const char *p;           /* the cursor */
	const char *line_start;  /* start of the cursor's line */
	const char *eol;         /* end of its text: its '\n', the '\r' before it, or the end */
	unsigned int line;       /* the cursor's line, from 1 */
	long ind;                /* indentation of the content line at the cursor, or END_OF_BLOCKS */
	int at_marker;           /* END_OF_BLOCKS because of a `---` line (not the end) */
	unsigned int depth, max_depth;
	size_t documents;
	int want_spans;
	tmdk__yaml_span *spans;
	size_t span_count, span_cap;
	char *buf;               /* a scalar's text when it is not the source's bytes */
	size_t buf_len, buf_cap;
	/* Children of the open collections, innermost last: a collection's
	 * arrays are allocated once, at their final size, when it closes. */
	tmdk_node **keys, **values; /* open maps' entries */
	size_t entry_count, entry_cap;
	tmdk_node **items;       /* open sequences' items */
	size_t item_count, item_cap;
	tmdk__yaml_keyset *keysets; /* one per depth, storage reused */
	size_t keyset_cap;
	uint64_t seed;
} fast;

enum { STOP_EOL, STOP_COLON, STOP_COMMENT };

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- lines -------------------------------------------------------------- */

static void set_line(fast *F, const char *start, unsigned int line)
{
	const tmdk_artifact *a = F->a;
	/* The artifact's line index knows where the line ends; only the last
	 * line (which may or may not end with '\n') is searched. */
	const char *nl = line < a->line_count ? a->text + a->line_starts[line] - 1
		: memchr(start, '\n', (size_t)(F->end - start));
	F->line_start = F->p = start;
	F->line = line;
	F->eol = nl ? nl : F->end;
	if (F->eol > start && F->eol[-1] == '\r')
		F->eol--;
}

/* Move to the next line. @return 0 at the end of the text. */
static int next_line(fast *F)
{
	const char *q = F->eol;
	if (q < F->end && *q == '\r')
		q++;
	if (q >= F->end)
		return 0;
	set_line(F, q + 1, F->line + 1);
	return 1;
}

/* Column (from 1, in characters) of q on the cursor's line. */
static unsigned int column_of(const fast *F, const char *q)
{
	const char *s = F->line_start;
	unsigned int c = 1;
	for (; s < q; s++)
		c += ((unsigned char)*s & 0xC0) != 0x80;
	return c;
}

/* Does the cursor's line start with `---` or `...` (then a blank or its end)? */
static int line_is_marker(const fast *F)
{
	const char *q = F->line_start;
	return F->eol - q >= 3 && (memcmp(q, "---", 3) == 0 || memcmp(q, "...", 3) == 0) &&
	       (F->eol - q == 3 || is_blank(q[3]));
}

/* The text has ended: no more content, no `---`. */
static int at_end(fast *F)
{
	F->p = F->eol;
	F->ind = END_OF_BLOCKS;
	F->at_marker = 0;
	return TMDK_OK;
}

/* From the start of the cursor's line on: the first line with content.
 * Blank lines and comment lines are skipped; a `---` line or the end of
 * the text sets END_OF_BLOCKS. */
static int find_content(fast *F)
{
	for (;;) {
		const char *q = F->line_start;
		while (q < F->eol && *q == ' ')
			q++;
		if (q < F->eol && *q == '\t')
			return TMDK__YAML_DECLINED; /* a tab in the indentation */
		if (q < F->eol && *q != '#') {
			F->p = q;
			F->at_marker = 0;
			if (q == F->line_start && line_is_marker(F)) {
				if (*q == '.')
					return TMDK__YAML_DECLINED;
				F->ind = END_OF_BLOCKS;
				F->at_marker = 1;
				return TMDK_OK;
			}
			F->ind = (long)(q - F->line_start);
			return TMDK_OK;
		}
		if (!next_line(F))
			return at_end(F);
	}
}

static int next_content(fast *F)
{
	return next_line(F) ? find_content(F) : at_end(F);
}

/* The rest of the line must be blanks, then maybe a comment. */
static int finish_line(fast *F)
{
	const char *q = F->p;
	while (q < F->eol && *q == ' ')
		q++;
	if (q == F->eol || (*q == '#' && q > F->line_start && is_blank(q[-1])))
		return next_content(F);
	return TMDK__YAML_DECLINED;
}

/* ---- scalars -------------------------------------------------------------- */

/* Room for n more bytes of text: where they go, or NULL. */
static char *buf_extend(fast *F, size_t n)
{
	char *at;
	if (TMDK__ARRAY_RESERVE_N(F->buf, F->buf_len, F->buf_cap, n, 256) != TMDK_OK)
		return NULL;
	at = F->buf + F->buf_len;
	F->buf_len += n;
	return at;
}

static int buf_add(fast *F, const char *s, size_t n)
{
	char *at;
	if (!n)
		return TMDK_OK; /* F->buf may still be NULL */
	if (!(at = buf_extend(F, n)))
		return TMDK_ENOMEM;
	memcpy(at, s, n);
	return TMDK_OK;
}

/* n copies of c. */
static int buf_repeat(fast *F, char c, size_t n)
{
	char *at;
	if (!n)
		return TMDK_OK;
	if (!(at = buf_extend(F, n)))
		return TMDK_ENOMEM;
	memset(at, c, n);
	return TMDK_OK;
}

/* Remember a scalar holding '#' (bytes [from, to)), as yaml_load.c does. */
static int note_span(fast *F, const char *from, const char *to, const char *text, size_t len)
{
	const char *base = F->a->text;
	if (!F->want_spans || !memchr(text, '#', len))
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(F->spans, F->span_count, F->span_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	F->spans[F->span_count].start = (size_t)(from - base);
	F->spans[F->span_count].end = (size_t)(to - base);
	F->span_count++;
	return TMDK_OK;
}

/* A scalar node; its text is copied into the node when short, else into
 * the arena (tmdk__node_scalar). (Pointing into one
 * copy of the whole text instead cost more: a large manifest's indentation
 * and punctuation is most of its bytes, and fresh pages are what a scan
 * pays for most.) */
static int new_scalar(fast *F, const char *text, size_t len, int quoted, unsigned int line,
	unsigned int column, tmdk_node **out)
{
	tmdk_scalar_type type = quoted ? TMDK_SCALAR_STRING : tmdk__yaml_plain_type(text, len);
	tmdk_node *n = tmdk__node_scalar(&F->a->arena, text, len, type, line, column);
	if (!n)
		return TMDK_ENOMEM;
	if (quoted)
		n->flags |= TMDK__NODE_QUOTED;
	*out = n;
	return TMDK_OK;
}

/* A plain scalar from s on the cursor's line: where its text ends (trailing
 * blanks trimmed) and why it stops. `flow`: inside [ ] or { }, where
 * indicators end it and a ':' that is not a separator declines. */
static int scan_plain(const fast *F, const char *s, int flow, const char **text_end, const char **stop)
{
	const char *q, *last = s;
	int why = STOP_EOL;

	for (q = s; q < F->eol; q++) {
		char c = *q;
		if (c == ':' && (q + 1 == F->eol || is_blank(q[1]))) {
			why = STOP_COLON;
			break;
		}
		if (c == '#' && q > s && is_blank(q[-1])) {
			why = STOP_COMMENT;
			break;
		}
		if (flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':'))
			break;
		if (!is_blank(c))
			last = q + 1;
	}
	*text_end = last;
	*stop = q;
	return why;
}

/* Can a plain scalar start at s? (Indicators cannot, nor '-', '?' or ':'
 * before a blank; in a flow collection libyaml takes any '?' or ':' for an
 * indicator.) */
static int plain_can_start(const fast *F, const char *s, int flow)
{
	if (s >= F->eol)
		return 0;
	switch (*s) {
	case '?': case ':':
		if (flow)
			return 0;
		/* fall through */
	case '-':
		return s + 1 < F->eol && !is_blank(s[1]);
	case ',': case '[': case ']': case '{': case '}': case '#': case '&': case '*': case '!':
	case '|': case '>': case '\'': case '"': case '%': case '@': case '`': case ' ': case '\t':
		return 0;
	default:
		return 1;
	}
}

static int buf_utf8(fast *F, unsigned long v)
{
	char u[4];
	return buf_add(F, u, tmdk__utf8_encode(u, v));
}

/* One escape of a double-quoted scalar at s (after the backslash), as
 * libyaml reads it. @return bytes consumed after the backslash, 0 to decline. */
static size_t unescape(fast *F, const char *s)
{
	static const char simple_in[] = "0abt\tnvfre \"/\\";
	static const char simple_out[] = "\0\a\b\t\t\n\v\f\r\x1b \"/\\";
	const char *hit;
	unsigned long v;
	int digits;

	if (s >= F->eol)
		return 0; /* an escaped line break: a multi-line scalar */
	hit = memchr(simple_in, *s, sizeof(simple_in) - 1);
	if (hit)
		return buf_add(F, simple_out + (hit - simple_in), 1) == TMDK_OK;
	switch (*s) {
	case 'N': v = 0x85; digits = 0; break;
	case '_': v = 0xA0; digits = 0; break;
	case 'L': v = 0x2028; digits = 0; break;
	case 'P': v = 0x2029; digits = 0; break;
	case 'x': digits = 2; break;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default: return 0;
	}
	if (digits) {
		if (F->eol - (s + 1) < digits || !tmdk__hex_digits(s + 1, digits, &v))
			return 0;
		if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
			return 0;
	}
	return buf_utf8(F, v) == TMDK_OK ? (size_t)digits + 1 : 0;
}

/* A quoted scalar's line ends before its closing quote (after `run`, at
 * `hit`: the line's end or an escaping backslash before it). Add its text,
 * then fold the line break and the empty lines after it as libyaml does,
 * and move to the first non-blank character of the next line. */
static int quoted_next_line(fast *F, const char *run, const char *hit, const char **next)
{
	int escaped = hit < F->eol; /* `\` at the end: the break is removed */
	const char *q;
	size_t empty = 0;

	if (!escaped)
		while (hit > run && is_blank(hit[-1]))
			hit--; /* blanks before a line break are dropped */
	if (buf_add(F, run, (size_t)(hit - run)) != TMDK_OK)
		return TMDK_ENOMEM;
	for (;;) {
		if (!next_line(F))
			return TMDK__YAML_DECLINED; /* not closed */
		q = F->line_start;
		if (line_is_marker(F))
			return TMDK__YAML_DECLINED; /* libyaml: a document indicator */
		while (q < F->eol && is_blank(*q))
			q++;
		if (q < F->eol)
			break;
		empty++;
	}
	*next = q;
	if (!escaped && !empty)
		return buf_add(F, " ", 1);
	return buf_repeat(F, '\n', empty);
}

/* A quoted scalar at F->p, maybe over several lines; the cursor moves past it. */
static int parse_quoted(fast *F, tmdk_node **out)
{
	const char *open = F->p, *q = open + 1, *run = q;
	char quote = *open;
	unsigned int line = F->line, column = column_of(F, open);
	int copied = 0, rc;

	F->buf_len = 0;
	for (;;) {
		const char *hit = q;
		while (hit < F->eol && *hit != quote && (quote == '\'' || *hit != '\\'))
			hit++;
		if (hit >= F->eol || (quote == '"' && *hit == '\\' && hit + 1 == F->eol)) {
			if ((rc = quoted_next_line(F, run, hit, &q)) != TMDK_OK)
				return rc;
			run = q;
			copied = 1;
			continue;
		}
		if (*hit == quote && !(quote == '\'' && hit + 1 < F->eol && hit[1] == '\'')) {
			q = hit;
			break;
		}
		if (buf_add(F, run, (size_t)(hit - run)) != TMDK_OK)
			return TMDK_ENOMEM;
		copied = 1;
		if (quote == '\'') { /* '' is one quote */
			if (buf_add(F, "'", 1) != TMDK_OK)
				return TMDK_ENOMEM;
			q = run = hit + 2;
		} else {
			size_t used = unescape(F, hit + 1);
			if (!used)
				return TMDK__YAML_DECLINED;
			q = run = hit + 1 + used;
		}
	}
	if (copied && buf_add(F, run, (size_t)(q - run)) != TMDK_OK)
		return TMDK_ENOMEM;
	F->p = q + 1;
	if (copied)
		rc = new_scalar(F, F->buf, F->buf_len, 1, line, column, out);
	else
		rc = new_scalar(F, open + 1, (size_t)(q - open - 1), 1, line, column, out);
	if (rc != TMDK_OK)
		return rc;
	return note_span(F, open, F->p, (*out)->u.scalar.text, (*out)->u.scalar.len);
}

/* A plain scalar at F->p that ends on its line: the cursor moves to its stop. */
static int parse_plain(fast *F, int flow, int *why, tmdk_node **out)
{
	const char *s = F->p, *text_end, *stop;
	int rc;

	*why = scan_plain(F, s, flow, &text_end, &stop);
	if (text_end == s)
		return TMDK__YAML_DECLINED;
	rc = new_scalar(F, s, (size_t)(text_end - s), 0, F->line, column_of(F, s), out);
	if (rc != TMDK_OK)
		return rc;
	F->p = stop;
	return note_span(F, s, text_end, s, (size_t)(text_end - s));
}

/* ---- block scalars ---------------------------------------------------------- */

typedef struct block_reader {
	const char *p, *ls;      /* position, start of its line */
	unsigned int line;
	long indent;             /* content indentation, 0 until known */
	size_t trailing;         /* line breaks since the last content line */
	const char *span_end;    /* where libyaml's end mark would be */
} block_reader;

/* libyaml's scan_block_scalar_breaks: indentation spaces and empty lines;
 * decides the indentation when it is not known yet. */
static int block_breaks(const fast *F, block_reader *r, long parent_indent)
{
	long max_indent = 0;
	for (;;) {
		const char *p = r->p;
		while ((r->indent == 0 || p - r->ls < r->indent) && p < F->end && *p == ' ')
			p++;
		if (p - r->ls > max_indent)
			max_indent = (long)(p - r->ls);
		if ((r->indent == 0 || p - r->ls < r->indent) && p < F->end && *p == '\t')
			return TMDK__YAML_DECLINED;
		r->p = p;
		if (p >= F->end || (*p != '\n' && *p != '\r'))
			break;
		p += *p == '\r' ? 2 : 1;
		r->trailing++;
		r->line++;
		r->p = r->ls = r->span_end = p;
	}
	if (r->indent == 0) {
		r->indent = max_indent;
		if (r->indent < parent_indent + 1)
			r->indent = parent_indent + 1;
		if (r->indent < 1)
			r->indent = 1;
	}
	return TMDK_OK;
}

/* The content of a block scalar, folded or not, as libyaml builds it. */
static int block_content(fast *F, block_reader *r, int literal, int chomp, long parent_indent)
{
	size_t leading_break = 0;
	int leading_blank = 0, rc;

	if ((rc = block_breaks(F, r, parent_indent)) != TMDK_OK)
		return rc;
	while (r->p - r->ls == r->indent && r->p < F->end) {
		int trailing_blank = is_blank(*r->p);
		const char *nl, *stop;
		if (!literal && leading_break && !leading_blank && !trailing_blank) {
			if (!r->trailing && buf_add(F, " ", 1) != TMDK_OK)
				return TMDK_ENOMEM;
		} else if (buf_repeat(F, '\n', leading_break) != TMDK_OK) {
			return TMDK_ENOMEM;
		}
		leading_break = 0;
		if (buf_repeat(F, '\n', r->trailing) != TMDK_OK)
			return TMDK_ENOMEM;
		r->trailing = 0;
		leading_blank = is_blank(*r->p);
		nl = memchr(r->p, '\n', (size_t)(F->end - r->p));
		stop = nl ? nl : F->end;
		if (stop > r->p && stop[-1] == '\r' && nl)
			stop--;
		if (buf_add(F, r->p, (size_t)(stop - r->p)) != TMDK_OK)
			return TMDK_ENOMEM;
		if (nl) {
			leading_break = 1;
			r->p = r->ls = r->span_end = nl + 1;
			r->line++;
		} else {
			r->p = r->span_end = F->end;
		}
		if ((rc = block_breaks(F, r, parent_indent)) != TMDK_OK)
			return rc;
	}
	if (chomp >= 0 && buf_repeat(F, '\n', leading_break) != TMDK_OK)
		return TMDK_ENOMEM;
	if (chomp > 0 && buf_repeat(F, '\n', r->trailing) != TMDK_OK)
		return TMDK_ENOMEM;
	return TMDK_OK;
}

/* `|` or `>` at F->p; parent_indent is the indentation of the block that
 * holds it (libyaml's parser->indent). */
static int parse_block_scalar(fast *F, long parent_indent, tmdk_node **out)
{
	const char *h = F->p, *q = h + 1, *body;
	int literal = *h == '|', chomp = 0, rc;
	unsigned int line = F->line, column = column_of(F, h);
	block_reader r;
	tmdk_node *n;

	if (q < F->eol && (*q == '+' || *q == '-'))
		chomp = *q++ == '+' ? 1 : -1;
	if (q < F->eol && *q >= '0' && *q <= '9')
		return TMDK__YAML_DECLINED; /* indentation indicator */
	while (q < F->eol && *q == ' ')
		q++;
	if (q < F->eol && !(*q == '#' && is_blank(q[-1])))
		return TMDK__YAML_DECLINED;
	body = F->eol < F->end ? F->eol + (*F->eol == '\r' ? 2 : 1) : F->end;
	memset(&r, 0, sizeof(r));
	r.p = r.ls = r.span_end = body;
	r.line = F->eol < F->end ? line + 1 : line;
	F->buf_len = 0;
	if ((rc = block_content(F, &r, literal, chomp, parent_indent)) != TMDK_OK)
		return rc;
	if ((rc = new_scalar(F, F->buf, F->buf_len, 1, line, column, &n)) != TMDK_OK)
		return rc;
	if ((rc = note_span(F, body, r.span_end, n->u.scalar.text, n->u.scalar.len)) != TMDK_OK)
		return rc;
	if (literal && tmdk__artifact_map_block(F->a, n, line) != TMDK_OK)
		return TMDK_ENOMEM;
	*out = n;
	if (r.p >= F->end) { /* the text ends inside the scalar */
		set_line(F, F->end, r.line);
		return at_end(F);
	}
	set_line(F, r.ls, r.line);
	return find_content(F);
}

/* ---- collections ------------------------------------------------------------- */

/* A map or sequence starts at F->p: its node, one level deeper. */
static int open_collection(fast *F, int is_map, tmdk_node **out)
{
	unsigned int column = column_of(F, F->p);
	if (F->depth >= F->max_depth || F->depth >= FAST_MAX_DEPTH)
		return TMDK__YAML_DECLINED; /* the libyaml loader reports the limit */
	if (F->depth >= F->keyset_cap) {
		size_t old = F->keyset_cap;
		if (TMDK__ARRAY_RESERVE(F->keysets, F->depth, F->keyset_cap, 16) != TMDK_OK)
			return TMDK_ENOMEM;
		memset(F->keysets + old, 0, (F->keyset_cap - old) * sizeof(*F->keysets));
	}
	F->keysets[F->depth].seed = F->seed;
	tmdk__yaml_keyset_clear(&F->keysets[F->depth]);
	*out = is_map ? tmdk__node_map(&F->a->arena, F->line, column) : tmdk__node_seq(&F->a->arena, F->line, column);
	if (!*out)
		return TMDK_ENOMEM;
	F->depth++;
	return TMDK_OK;
}

/* Spaces after an indicator; a tab there declines. */
static int skip_spaces(fast *F)
{
	while (F->p < F->eol && *F->p == ' ')
		F->p++;
	return F->p < F->eol && *F->p == '\t' ? TMDK__YAML_DECLINED : TMDK_OK;
}

/* The entries F->keys/values[base..] of an open map, seen as a map node
 * (the key sets index a map's keys). */
static void entries_view(const fast *F, size_t base, tmdk_node *view)
{
	view->type = TMDK_NODE_MAP;
	view->u.map.keys = F->keys + base;
	view->u.map.values = F->values + base;
	view->u.map.count = view->u.map.cap = F->entry_count - base;
}

/* Add key: value to the map opened at depth `level` (entries from base);
 * a duplicate declines (the libyaml loader warns about it). */
static int map_put(fast *F, unsigned int level, size_t base, tmdk_node *key, tmdk_node *value)
{
	tmdk__yaml_keyset *ks = &F->keysets[level];
	const char *text = key->u.scalar.text;
	size_t len = key->u.scalar.len, i, index = F->entry_count - base;
	tmdk_node view;

	if (ks->cap) {
		entries_view(F, base, &view);
		if (tmdk__yaml_keyset_find(ks, &view, text, len) >= 0)
			return TMDK__YAML_DECLINED;
	} else {
		for (i = base; i < F->entry_count; i++) {
			const tmdk_node *k = F->keys[i];
			if (k->u.scalar.len == len && memcmp(k->u.scalar.text, text, len) == 0)
				return TMDK__YAML_DECLINED;
		}
	}
	if (F->entry_count == F->entry_cap) {
		size_t cap = F->entry_cap;
		if (TMDK__ARRAY_RESERVE(F->keys, F->entry_count, cap, 64) != TMDK_OK ||
		    TMDK__ARRAY_RESERVE(F->values, F->entry_count, F->entry_cap, 64) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	F->keys[F->entry_count] = key;
	F->values[F->entry_count] = value;
	F->entry_count++;
	if (!ks->cap && index + 1 <= KEYSET_THRESHOLD)
		return TMDK_OK;
	entries_view(F, base, &view);
	return ks->cap ? tmdk__yaml_keyset_add(ks, &view, index) : tmdk__yaml_keyset_build(ks, &view);
}

static int seq_put(fast *F, tmdk_node *item)
{
	if (TMDK__ARRAY_RESERVE(F->items, F->item_count, F->item_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	F->items[F->item_count++] = item;
	return TMDK_OK;
}

/* Close a collection: its children, from base on its stack, move into
 * arrays of their final size. */
static int close_collection(fast *F, tmdk_node *n, size_t base)
{
	tmdk__arena *arena = &F->a->arena;
	size_t count = (n->type == TMDK_NODE_MAP ? F->entry_count : F->item_count) - base;
	tmdk_node **block = NULL;

	F->depth--;
	if (!count)
		return TMDK_OK;
	if (count > SIZE_MAX / (2 * sizeof(*block)))
		return TMDK_ENOMEM;
	block = tmdk__arena_alloc_raw(arena, (n->type == TMDK_NODE_MAP ? 2 : 1) * count * sizeof(*block),
		sizeof(void *));
	if (!block)
		return TMDK_ENOMEM;
	if (n->type == TMDK_NODE_MAP) {
		memcpy(block, F->keys + base, count * sizeof(*block));
		memcpy(block + count, F->values + base, count * sizeof(*block));
		n->u.map.keys = block;
		n->u.map.values = block + count;
		n->u.map.count = n->u.map.cap = count;
		F->entry_count = base;
	} else {
		memcpy(block, F->items + base, count * sizeof(*block));
		n->u.seq.items = block;
		n->u.seq.count = n->u.seq.cap = count;
		F->item_count = base;
	}
	return TMDK_OK;
}

/* Spaces, comments and line breaks inside a flow collection. */
static int skip_flow_blanks(fast *F)
{
	for (;;) {
		while (F->p < F->eol && *F->p == ' ')
			F->p++;
		if (F->p < F->eol && *F->p == '#' && F->p > F->line_start && !is_blank(F->p[-1]))
			return TMDK__YAML_DECLINED; /* libyaml's comment, not ours */
		if (F->p < F->eol && *F->p != '#')
			return *F->p == '\t' ? TMDK__YAML_DECLINED : TMDK_OK;
		if (!next_line(F))
			return TMDK__YAML_DECLINED; /* not closed */
		if (line_is_marker(F))
			return TMDK__YAML_DECLINED;
	}
}

static int parse_flow(fast *F, int nested, tmdk_node **out);

static int parse_flow_item(fast *F, tmdk_node **out)
{
	int why;
	if (*F->p == '[' || *F->p == '{')
		return parse_flow(F, 1, out);
	if (*F->p == '"' || *F->p == '\'')
		return parse_quoted(F, out);
	if (!plain_can_start(F, F->p, 1))
		return TMDK__YAML_DECLINED;
	return parse_plain(F, 1, &why, out);
}

/* After a flow map's key: the ':' and the value. */
static int parse_flow_value(fast *F, const tmdk_node *key, tmdk_node **out)
{
	int rc;
	if ((rc = skip_flow_blanks(F)) != TMDK_OK)
		return rc;
	if (*F->p != ':' || F->line != key->line)
		return TMDK__YAML_DECLINED; /* no value, or a key over several lines */
	if (!(key->flags & TMDK__NODE_QUOTED) && !(F->p + 1 < F->eol && F->p[1] == ' '))
		return TMDK__YAML_DECLINED;
	F->p++;
	if ((rc = skip_flow_blanks(F)) != TMDK_OK)
		return rc;
	if (*F->p == ',' || *F->p == '}' || *F->p == ']')
		return TMDK__YAML_DECLINED; /* an empty value */
	return parse_flow_item(F, out);
}

/* A flow collection at F->p; `nested` in another. */
static int parse_flow(fast *F, int nested, tmdk_node **out)
{
	int is_map = *F->p == '{', rc;
	char close = is_map ? '}' : ']';
	unsigned int level = F->depth;
	size_t base = is_map ? F->entry_count : F->item_count;
	tmdk_node *n, *item, *value;

	if ((rc = open_collection(F, is_map, &n)) != TMDK_OK)
		return rc;
	F->p++;
	if ((rc = skip_flow_blanks(F)) != TMDK_OK)
		return rc;
	while (*F->p != close) {
		if ((rc = parse_flow_item(F, &item)) != TMDK_OK)
			return rc;
		if (is_map) {
			if (item->type != TMDK_NODE_SCALAR)
				return TMDK__YAML_DECLINED; /* a complex key */
			if ((rc = parse_flow_value(F, item, &value)) != TMDK_OK ||
			    (rc = map_put(F, level, base, item, value)) != TMDK_OK)
				return rc;
		} else if ((rc = seq_put(F, item)) != TMDK_OK) {
			return rc;
		}
		if ((rc = skip_flow_blanks(F)) != TMDK_OK)
			return rc;
		if (*F->p == ',') {
			F->p++;
			if ((rc = skip_flow_blanks(F)) != TMDK_OK)
				return rc;
		} else if (*F->p != close) {
			return TMDK__YAML_DECLINED; /* `[a: b]`, a missing comma */
		}
	}
	F->p++;
	if (!nested && F->p < F->eol && !is_blank(*F->p))
		return TMDK__YAML_DECLINED;
	*out = n;
	return close_collection(F, n, base);
}

static int parse_node(fast *F, long parent_indent, int compact_ok, tmdk_node **out);

static int is_entry_dash(const fast *F)
{
	return F->ind >= 0 && *F->p == '-' && (F->p + 1 == F->eol || is_blank(F->p[1]));
}

/* A key of a block map at F->p, up to and past its ':'. */
static int parse_key(fast *F, tmdk_node **key)
{
	const char *start = F->p;
	int why = STOP_COLON, rc;

	if (*F->p == '"' || *F->p == '\'') {
		if ((rc = parse_quoted(F, key)) != TMDK_OK)
			return rc;
		if ((*key)->line != F->line)
			return TMDK__YAML_DECLINED; /* a key over several lines */
		while (F->p < F->eol && *F->p == ' ')
			F->p++;
		if (F->p >= F->eol || *F->p != ':' || !(F->p + 1 == F->eol || is_blank(F->p[1])))
			return TMDK__YAML_DECLINED;
	} else {
		if (!plain_can_start(F, F->p, 0))
			return TMDK__YAML_DECLINED;
		if ((rc = parse_plain(F, 0, &why, key)) != TMDK_OK)
			return rc;
		if (why != STOP_COLON || ((*key)->u.scalar.len == 2 && memcmp((*key)->u.scalar.text, "<<", 2) == 0))
			return TMDK__YAML_DECLINED; /* not a key, or a merge key */
	}
	if (F->p - start > SIMPLE_KEY_MAX)
		return TMDK__YAML_DECLINED;
	F->p++; /* the ':' */
	return TMDK_OK;
}

/* The value of a block map's key at indentation c, the cursor after its ':'. */
static int parse_map_value(fast *F, long c, const char *colon, tmdk_node **value);

/* A block sequence whose first '-' is at F->p, indentation s. `indentless`:
 * the value of a map key at the same indentation (`key:\n- item`). */
static int parse_block_seq(fast *F, long s, int indentless, tmdk_node **out)
{
	size_t base = F->item_count;
	tmdk_node *n, *item;
	int rc;

	if ((rc = open_collection(F, 0, &n)) != TMDK_OK)
		return rc;
	for (;;) {
		const char *dash = F->p;
		unsigned int line = F->line;
		F->p++;
		if ((rc = skip_spaces(F)) != TMDK_OK)
			return rc;
		if (F->p < F->eol && *F->p != '#') {
			rc = parse_node(F, s, 1, &item);
		} else {
			unsigned int column = column_of(F, dash) + 1;
			if ((rc = next_content(F)) != TMDK_OK)
				return rc;
			rc = F->ind > s ? parse_node(F, s, 1, &item) : new_scalar(F, "", 0, 0, line, column, &item);
		}
		if (rc != TMDK_OK || (rc = seq_put(F, item)) != TMDK_OK)
			return rc;
		if (F->ind == s && is_entry_dash(F))
			continue;
		if (F->ind < s || (indentless && F->ind == s))
			break;
		return TMDK__YAML_DECLINED;
	}
	*out = n;
	return close_collection(F, n, base);
}

/* A block map whose first key is at F->p, indentation c. */
static int parse_block_map(fast *F, long c, tmdk_node **out)
{
	unsigned int level = F->depth;
	size_t base = F->entry_count;
	tmdk_node *n, *key, *value;
	int rc;

	if ((rc = open_collection(F, 1, &n)) != TMDK_OK)
		return rc;
	for (;;) {
		if ((rc = parse_key(F, &key)) != TMDK_OK ||
		    (rc = parse_map_value(F, c, F->p - 1, &value)) != TMDK_OK ||
		    (rc = map_put(F, level, base, key, value)) != TMDK_OK)
			return rc;
		if (F->ind == c && !is_entry_dash(F))
			continue;
		if (F->ind < c)
			break;
		return TMDK__YAML_DECLINED;
	}
	*out = n;
	return close_collection(F, n, base);
}

static int parse_map_value(fast *F, long c, const char *colon, tmdk_node **value)
{
	unsigned int line = F->line, column = column_of(F, colon) + 1; /* of an empty value */
	int rc;

	if ((rc = skip_spaces(F)) != TMDK_OK)
		return rc;
	if (F->p < F->eol && *F->p != '#')
		return parse_node(F, c, 0, value);
	if ((rc = next_content(F)) != TMDK_OK)
		return rc;
	if (F->ind > c)
		return parse_node(F, c, 1, value);
	if (F->ind == c && is_entry_dash(F))
		return parse_block_seq(F, c, 1, value);
	return new_scalar(F, "", 0, 0, line, column, value);
}

/* Does a block map start at F->p (is the token there a key)? */
static int starts_map(fast *F)
{
	const char *text_end, *stop, *q;
	if (*F->p == '"' || *F->p == '\'') {
		char quote = *F->p;
		for (q = F->p + 1; q < F->eol; q++) {
			if (quote == '"' && *q == '\\')
				q++; /* the escaped character */
			else if (quote == '\'' && *q == '\'' && q + 1 < F->eol && q[1] == '\'')
				q++; /* '' */
			else if (*q == quote)
				break;
		}
		if (q >= F->eol)
			return 0;
		for (q++; q < F->eol && *q == ' '; q++)
			;
		return q < F->eol && *q == ':' && (q + 1 == F->eol || is_blank(q[1]));
	}
	return plain_can_start(F, F->p, 0) && scan_plain(F, F->p, 0, &text_end, &stop) == STOP_COLON;
}

/* A complete scalar or flow node on this line: the rest of the line, and no
 * continuation on the next (a multi-line plain scalar declines). */
static int end_of_inline_node(fast *F, long parent_indent)
{
	int rc = finish_line(F);
	if (rc != TMDK_OK)
		return rc;
	return F->ind > parent_indent ? TMDK__YAML_DECLINED : TMDK_OK;
}

/* The next line holding more than spaces, after the cursor's line: its
 * first character, and the line breaks up to it. NULL at the end, or on a
 * line whose indentation has a tab (the caller declines). */
static const char *next_text_line(fast *F, size_t *breaks, int *tab)
{
	*breaks = 0;
	*tab = 0;
	while (next_line(F)) {
		const char *q = F->line_start;
		(*breaks)++;
		while (q < F->eol && *q == ' ')
			q++;
		if (q < F->eol) {
			*tab = *q == '\t';
			return q;
		}
	}
	return NULL;
}

/* Lines that continue a plain scalar: more indented than its block, not a
 * comment, not a document marker. libyaml folds them into the text: one
 * line break is a space, n + 1 of them are n newlines. */
static int plain_continuation(fast *F, long parent_indent, const char *s, const char *text_end,
	const char **last_end, int *multi)
{
	for (;;) {
		const char *q, *te, *stop;
		size_t breaks;
		int tab, why;

		q = next_text_line(F, &breaks, &tab);
		if (tab)
			return TMDK__YAML_DECLINED;
		if (!q)
			return at_end(F);
		if (q - F->line_start <= parent_indent || *q == '#' || (q == F->line_start && line_is_marker(F)))
			return find_content(F); /* the scalar has ended */
		why = scan_plain(F, q, 0, &te, &stop);
		if (why == STOP_COLON)
			return TMDK__YAML_DECLINED; /* `a: b` on a continuation line */
		if (!*multi) {
			F->buf_len = 0;
			if (buf_add(F, s, (size_t)(text_end - s)) != TMDK_OK)
				return TMDK_ENOMEM;
			*multi = 1;
		}
		if ((breaks == 1 ? buf_add(F, " ", 1) : buf_repeat(F, '\n', breaks - 1)) != TMDK_OK ||
		    buf_add(F, q, (size_t)(te - q)) != TMDK_OK)
			return TMDK_ENOMEM;
		*last_end = te;
		if (why == STOP_COMMENT) {
			F->p = stop;
			return finish_line(F);
		}
	}
}

/* A plain scalar in a block at F->p, maybe over several lines. */
static int parse_plain_block(fast *F, long parent_indent, tmdk_node **out)
{
	const char *s = F->p, *text_end, *stop, *last_end;
	unsigned int line = F->line, column = column_of(F, s);
	int why = scan_plain(F, s, 0, &text_end, &stop), multi = 0, rc;

	if (why == STOP_COLON || text_end == s)
		return TMDK__YAML_DECLINED; /* `key: a: b` */
	last_end = text_end;
	if (why == STOP_COMMENT) {
		F->p = stop;
		rc = finish_line(F);
	} else {
		rc = plain_continuation(F, parent_indent, s, text_end, &last_end, &multi);
	}
	if (rc != TMDK_OK)
		return rc;
	if (F->ind > parent_indent)
		return TMDK__YAML_DECLINED; /* more indented text after a comment: libyaml rejects it */
	rc = multi ? new_scalar(F, F->buf, F->buf_len, 0, line, column, out)
		   : new_scalar(F, s, (size_t)(text_end - s), 0, line, column, out);
	if (rc != TMDK_OK)
		return rc;
	return note_span(F, s, last_end, (*out)->u.scalar.text, (*out)->u.scalar.len);
}

/* Any node at F->p. parent_indent: the indentation of the block holding it
 * (-1 for a document's root); compact_ok: a block collection may start here
 * (at the start of a line's content or after `- `, not after `key: `). */
static int parse_node(fast *F, long parent_indent, int compact_ok, tmdk_node **out)
{
	long column = (long)(F->p - F->line_start); /* only spaces and `- ` precede a collection */
	int rc;

	switch (*F->p) {
	case '-':
		if (F->p + 1 == F->eol || is_blank(F->p[1]))
			return compact_ok ? parse_block_seq(F, column, 0, out) : TMDK__YAML_DECLINED;
		break;
	case '|': case '>':
		return parse_block_scalar(F, parent_indent, out);
	case '[': case '{':
		if ((rc = parse_flow(F, 0, out)) != TMDK_OK)
			return rc;
		return end_of_inline_node(F, parent_indent);
	default:
		break;
	}
	if (starts_map(F))
		return compact_ok ? parse_block_map(F, column, out) : TMDK__YAML_DECLINED;
	if (plain_can_start(F, F->p, 0))
		return parse_plain_block(F, parent_indent, out);
	if (*F->p != '"' && *F->p != '\'')
		return TMDK__YAML_DECLINED;
	if ((rc = parse_quoted(F, out)) != TMDK_OK)
		return rc;
	return end_of_inline_node(F, parent_indent);
}

/* ---- the stream ---------------------------------------------------------------- */

/* Bytes libyaml reads differently or rejects: control characters, a lone
 * CR, NEL, LS and PS (line breaks to libyaml), byte-order marks, U+FFFE/F. */
static int text_is_plain(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	for (; p < e; p++) {
		unsigned char c = *p;
		if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' || (c >= 0x80 && c != 0xC2 && c != 0xE2 && c != 0xEF))
			continue;
		if (c == '\r' && p + 1 < e && p[1] == '\n')
			continue;
		if (c < 0x80)
			return 0;
		if (c == 0xC2 && p + 1 < e && p[1] < 0xA0)
			return 0;
		if (c == 0xE2 && p + 2 < e && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
			return 0;
		if (c == 0xEF && p + 2 < e && ((p[1] == 0xBB && p[2] == 0xBF) || (p[1] == 0xBF && p[2] >= 0xBE)))
			return 0;
	}
	return 1;
}

static int add_document(fast *F, tmdk_node *root)
{
	tmdk_document *d = tmdk__artifact_add_document(F->a);
	if (!d)
		return TMDK_ENOMEM;
	d->index = F->documents - 1;
	d->line = root->line;
	d->root = root;
	return TMDK_OK;
}

static int parse_stream(fast *F)
{
	int rc;

	set_line(F, F->a->text, 1);
	if ((rc = find_content(F)) != TMDK_OK)
		return rc;
	while (F->ind != END_OF_BLOCKS || F->at_marker) {
		tmdk_node *root = NULL;
		if (F->at_marker) {
			F->p += 3;
			if ((rc = finish_line(F)) != TMDK_OK)
				return rc;
		} else if (F->documents) {
			return TMDK__YAML_DECLINED; /* content after a document without `---` */
		}
		if (++F->documents > F->a->limits.max_documents)
			return TMDK__YAML_DECLINED;
		if (F->ind != END_OF_BLOCKS) {
			if ((rc = parse_node(F, -1, 1, &root)) != TMDK_OK)
				return rc;
			if (F->ind != END_OF_BLOCKS)
				return TMDK__YAML_DECLINED;
			if ((rc = add_document(F, root)) != TMDK_OK)
				return rc;
		}
	}
	return TMDK_OK;
}

static void fast_free(fast *F)
{
	size_t i;
	for (i = 0; i < F->keyset_cap; i++)
		tmdk__yaml_keyset_free(&F->keysets[i]);
	tmdk__free(F->keysets);
	tmdk__free(F->keys);
	tmdk__free(F->values);
	tmdk__free(F->items);
	tmdk__free(F->spans);
	tmdk__free(F->buf);
}

int tmdk__yaml_load_fast(tmdk_artifact *a)
{
	tmdk__arena_mark mark = tmdk__arena_get_mark(&a->arena);
	size_t docs = a->doc_count, maps = a->text_map_count, warnings = a->warning_count;
	const char **comments = a->comments;
	fast F;
	int rc;

	if (!a->plain_ascii && !text_is_plain(a->text, a->text_len))
		return TMDK__YAML_DECLINED;
	memset(&F, 0, sizeof(F));
	F.a = a;
	F.end = a->text + a->text_len;
	F.max_depth = a->limits.max_depth;
	F.want_spans = memchr(a->text, '#', a->text_len) != NULL;
	F.seed = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&F;
	rc = parse_stream(&F);
	if (rc == TMDK_OK && F.want_spans)
		rc = tmdk__yaml_scan_comments(a, F.spans, F.span_count);
	fast_free(&F);
	if (rc == TMDK_OK) {
		tmdk__artifact_index_text_maps(a);
		return TMDK_OK;
	}
	/* Declined, or out of memory: leave the artifact as it was. */
	tmdk__arena_rewind(&a->arena, mark);
	a->doc_count = docs;
	a->text_map_count = maps;
	a->warning_count = warnings;
	a->comments = comments;
	return TMDK__YAML_DECLINED;
}
