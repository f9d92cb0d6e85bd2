/*
 * Dockerfile parsing — private declarations shared by dockerfile_*.c.
 *
 * The work is split in three passes:
 *   dockerfile_parse.c  physical lines -> logical lines (directives,
 *                       continuations, comments, heredoc bodies, limits);
 *   dockerfile_args.c   one logical line -> an instruction record, with the
 *                       arguments BuildKit's parser would produce (flags,
 *                       JSON/exec form, ENV/LABEL pairs, HEALTHCHECK, ONBUILD),
 *   dockerfile_json.c   helped by the JSON array reader behind the exec form;
 *   dockerfile_model.c  instruction records -> the normalized node tree
 *                       (stages, FROM split, ARG/ENV scopes, effective user),
 *   dockerfile_instr.c  one instruction's map (dockerfile_model.h),
 *   dockerfile_subst.c  and the shell-word lexer: quotes, escapes, $VAR.
 * Every pass calls the helpers of dockerfile_buf.c (buffers, string vectors,
 * white space, positions, failures), which call no pass.
 * The records below are the hand-off between the passes; their strings live
 * in the artifact's arena. The model is documented in docs/document-model.md.
 */
#ifndef TMDK_DOCKERFILE_H
#define TMDK_DOCKERFILE_H

#include "internal.h"

/* ---- text pieces (dockerfile_buf.c) --------------------------------- */

/** No single source offset (a value assembled from several places). */
#define TMDK__DF_NOPOS ((size_t)-1)

/**
 * A piece of text (not NUL-terminated unless said so; may hold NUL bytes
 * decoded from JSON). `off` is where it starts in the instruction's logical
 * line, or TMDK__DF_NOPOS.
 */
typedef struct tmdk__df_str {
	const char *p;
	size_t n;
	size_t off;
} tmdk__df_str;

/** A growable heap buffer; `oom` sticks once an allocation failed. */
typedef struct tmdk__df_buf {
	char *p;
	size_t n, cap;
	int oom;
} tmdk__df_buf;

void tmdk__df_buf_put(tmdk__df_buf *b, const char *s, size_t n);
void tmdk__df_buf_putc(tmdk__df_buf *b, char c);
void tmdk__df_buf_free(tmdk__df_buf *b);

/** Append to an arena array of strings. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__df_strv_push(tmdk__arena *arena, tmdk__df_str **v, size_t *count, size_t *cap, tmdk__df_str item);

/* ---- characters ----------------------------------------------------- */

/** Bytes of the UTF-8 sequence starting with c (1 for ASCII and stray bytes). */
static inline size_t tmdk__df_rune_len(unsigned char c)
{
	if (c >= 0xF0 && c < 0xF8)
		return 4;
	if (c >= 0xE0)
		return c < 0xF0 ? 3 : 1;
	if (c >= 0xC0)
		return 2;
	return 1;
}

/** ASCII white space as Go's unicode.IsSpace sees it below 0x80. */
static inline int tmdk__df_is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/**
 * Length of the white-space character (Go's unicode.IsSpace: ASCII blanks,
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000) at s[0..n), or 0 when s does not start with one.
 */
size_t tmdk__df_space_len(const char *s, size_t n);

/* ---- instruction records ------------------------------------------- */

typedef enum tmdk__df_kw {
	TMDK__DF_UNKNOWN = 0,
	TMDK__DF_ADD, TMDK__DF_ARG, TMDK__DF_CMD, TMDK__DF_COPY, TMDK__DF_ENTRYPOINT,
	TMDK__DF_ENV, TMDK__DF_EXPOSE, TMDK__DF_FROM, TMDK__DF_HEALTHCHECK, TMDK__DF_LABEL,
	TMDK__DF_MAINTAINER, TMDK__DF_ONBUILD, TMDK__DF_RUN, TMDK__DF_SHELL,
	TMDK__DF_STOPSIGNAL, TMDK__DF_USER, TMDK__DF_VOLUME, TMDK__DF_WORKDIR
} tmdk__df_kw;

typedef struct tmdk__df_heredoc {
	tmdk__df_str name;       /* the delimiter, quotes removed */
	tmdk__df_str body;       /* content lines, each ending in "\n"; tabs stripped for <<- */
	unsigned int fd;         /* 3<<EOF: 3; 0 when not given */
	int quoted;              /* part of the delimiter was quoted: no expansion */
	int strip_tabs;          /* <<- */
	unsigned int line;       /* first body line */
	unsigned int end_line;   /* the terminator's line */
	const struct tmdk__text_seg *segs; /* where each body line starts (arena) */
	size_t seg_count;
} tmdk__df_heredoc;

/** Where a stretch of the logical line came from (continuations join lines). */
typedef tmdk__text_seg tmdk__df_seg;

typedef struct tmdk__df_instr {
	tmdk__df_kw kw;
	tmdk__df_str keyword;    /* as written */
	tmdk__df_str raw;        /* the logical line (NUL-terminated) */
	unsigned int line, column, end_line;
	const tmdk__df_seg *segs; /* shared with an ONBUILD's inner instruction */
	size_t seg_count;
	tmdk__df_str *flags;     /* "--name=value" words, quotes removed */
	size_t flag_count, flag_cap;
	tmdk__df_str *args;      /* BuildKit's argument nodes (ENV/LABEL: key, value, sep triples) */
	size_t arg_count, arg_cap;
	tmdk__df_str rest;       /* the text after the flags, trimmed */
	int json;                /* arguments came from a JSON array (exec form) */
	struct tmdk__df_instr *inner; /* ONBUILD's instruction */
	tmdk__df_heredoc *heredocs;
	size_t heredoc_count, heredoc_cap;
} tmdk__df_instr;

typedef struct tmdk__df_directive {
	const char *name;        /* "syntax", "escape" or "check" */
	tmdk__df_str value;
	unsigned int line, column;
} tmdk__df_directive;

/** Parser state shared by the passes. */
typedef struct tmdk__df_parser {
	tmdk_artifact *a;
	tmdk_error *err;
	char escape;             /* '\\' or '`' */
	tmdk__df_directive directives[3];
	size_t directive_count;
	tmdk__df_instr *instrs;  /* heap array of records */
	size_t instr_count, instr_cap;
	size_t items;            /* arguments, flags, mount fields and heredocs so far */
} tmdk__df_parser;

/**
 * Arguments, flags, mount fields and heredocs a document may hold, per
 * instruction allowed by max_instructions: a bound on the model's memory
 * that real Dockerfiles (a few items per instruction) never reach.
 */
#define TMDK__DF_ITEMS_PER_INSTRUCTION 16u

/** Count n more items; TMDK_ELIMIT (err filled, at `off`) past the bound. */
int tmdk__df_count_items(tmdk__df_parser *p, const tmdk__df_instr *in, size_t off, size_t n);

/** Source position of an offset in an instruction's logical line. */
void tmdk__df_position(const tmdk__df_instr *in, size_t off, unsigned int *line, unsigned int *column);

/** Fail with a message located at an offset of the instruction's line. */
int tmdk__df_fail(tmdk__df_parser *p, const tmdk__df_instr *in, size_t off, int code,
	const char *fmt, ...) TMDK__PRINTF(5, 6);

/* ---- dockerfile_args.c ---------------------------------------------- */

/**
 * Split a logical line into keyword, flags and arguments by the rules of
 * its instruction. `in` has raw, line, column and segs set; the rest is
 * filled. `base` is the offset of line[0] in in->raw.
 * @return TMDK_OK, TMDK_EPARSE (err filled) or TMDK_ENOMEM
 */
int tmdk__df_parse_instruction(tmdk__df_parser *p, tmdk__df_instr *in,
	const char *line, size_t len, size_t base);

/** The instruction whose heredocs a line opens (itself or ONBUILD's inner), or NULL. */
tmdk__df_instr *tmdk__df_heredoc_owner(tmdk__df_instr *in);

/**
 * The heredoc openers (`<<EOF`, `<<-"EOF"`, `3<<EOF` …) of an instruction's
 * line, appended to owner->heredocs with names, flags and line 0.
 */
int tmdk__df_find_heredocs(tmdk__df_parser *p, const tmdk__df_instr *in, tmdk__df_instr *owner);

/* ---- dockerfile_json.c ---------------------------------------------- */

typedef enum tmdk__df_json_result {
	TMDK__DF_JSON_OK = 0,        /* an array of strings */
	TMDK__DF_JSON_INVALID = 1,   /* not JSON: BuildKit falls back to the shell form */
	TMDK__DF_JSON_NOT_STRINGS = 2 /* valid JSON holding a non-string: an error */
} tmdk__df_json_result;

/**
 * Read the JSON array at the start of s[0..n) (text after the first value is
 * ignored, as Go's json.Decoder does). Strings are decoded into the arena
 * and appended to in->args with their offsets (s[0] is at `base`).
 * *bad_off receives the offset of a non-string element.
 * @return a tmdk__df_json_result, or TMDK_ENOMEM / TMDK_ELIMIT (negative)
 */
int tmdk__df_json_array(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n,
	size_t base, size_t *bad_off);

/* ---- dockerfile_subst.c --------------------------------------------- */

/** Variable values the lexer may use. */
typedef struct tmdk__df_lookup {
	/** 1 and the value when known, 0 when unknown (kept as written). */
	int (*get)(void *ctx, const char *name, size_t len, const char **value, size_t *value_len);
	void *ctx;
} tmdk__df_lookup;

/** How to lex: BuildKit's shell.Lex options. */
typedef struct tmdk__df_lex {
	char escape;                  /* '\\' or '`' */
	unsigned int raw_quotes : 1;  /* keep quote characters */
	unsigned int raw_escapes : 1; /* keep escape characters */
	const tmdk__df_lookup *vars;  /* NULL: no variable is known */
} tmdk__df_lex;

/** The result of lexing one text. */
typedef struct tmdk__df_words {
	char *text;              /* the text as one word (heap, NUL-terminated) */
	size_t len;
	tmdk__df_str *words;     /* the text split into words (heap; point into `storage`;
	                            off: where the word starts in the lexed text) */
	size_t count;
	char *storage;
	int unresolved;          /* a variable without a known value was kept as written */
	const char *error;       /* why the text could not be lexed (static), or NULL */
} tmdk__df_words;

/**
 * Lex s[0..n): remove quotes, apply escapes, expand $VAR, ${VAR} and the
 * ${VAR:-x} family, and split into words outside quotes.
 * @return TMDK_OK, TMDK_EPARSE (out->error says why) or TMDK_ENOMEM
 */
int tmdk__df_lex_text(const tmdk__df_lex *lx, const char *s, size_t n, tmdk__df_words *out);
void tmdk__df_words_free(tmdk__df_words *w);

/* ---- dockerfile_model.c --------------------------------------------- */

/** Build the normalized document from the parsed records into a new document. */
int tmdk__df_build_model(tmdk__df_parser *p);

#endif /* TMDK_DOCKERFILE_H */
