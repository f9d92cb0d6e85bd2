/*
 * Shell text -> simple commands (shell_split.c). The Dockerfile model asks
 * "which programs does this RUN run, with which arguments": this file
 * answers with the shell's own word rules (quotes, escapes, `$( )`,
 * backticks, operators, heredocs, compound commands) and unwraps what a
 * shell or a wrapper would run (`sh -c "…"`, `sudo`, `env VAR=x`, `nohup`,
 * `python -m pip`). It never fails on malformed text: an unterminated
 * quote ends at the end of the text. Private to the library.
 */
#ifndef TMDK_SHELL_SPLIT_H
#define TMDK_SHELL_SPLIT_H

#include "internal.h"

/** Nested scripts (`sh -c`, `$( )`, backticks) deeper than this are not split. */
#define TMDK__SH_MAX_DEPTH 8

/** What a word is to its command. */
typedef enum tmdk__sh_kind {
	TMDK__SH_ASSIGN = 0,    /* NAME=value before the program (or after `env`/`sudo`) */
	TMDK__SH_WRAPPER,       /* a program that runs the next one: sudo, env, nohup, python -m … */
	TMDK__SH_WRAPPER_ARG,   /* an option or operand of a wrapper (`-u root`, `-m`) */
	TMDK__SH_PROGRAM,       /* the program */
	TMDK__SH_ARG            /* an argument of the program */
} tmdk__sh_kind;

typedef struct tmdk__sh_word {
	size_t text, len;        /* the word after quote removal: chars[text .. text+len) */
	size_t off;              /* input offset of the word's first character */
	tmdk__sh_kind kind;
} tmdk__sh_word;

typedef struct tmdk__sh_command {
	size_t first, count;     /* words[first .. first+count) */
	size_t program;          /* index into words of the program; first+count when none */
	unsigned int depth;      /* 0: the text itself; n: inside n nested scripts */
	size_t heredocs;         /* `<<WORD` redirections of this command */
	size_t heredoc_first;    /* ordinal (in the text) of the first of them */
} tmdk__sh_command;

/** The result: commands in the order their text starts (nested scripts after). */
typedef struct tmdk__sh_split {
	char *chars;             /* heap: every word's text, each followed by a NUL */
	size_t *srcs;            /* heap: per char, its input offset */
	size_t char_count, char_cap, src_cap;
	tmdk__sh_word *words;    /* heap */
	size_t word_count, word_cap;
	tmdk__sh_command *cmds;  /* heap */
	size_t cmd_count, cmd_cap;
	size_t heredoc_count;    /* `<<WORD` redirections seen at depth 0 */
} tmdk__sh_split;

#define TMDK__SH_SPLIT_INIT { NULL, NULL, 0, 0, 0, NULL, 0, 0, NULL, 0, 0, 0 }

/**
 * Split text s[0..n) into simple commands, appended to `out`; input
 * offsets start at `base` (the offset of s[0] in the caller's text).
 * @return TMDK_OK or TMDK_ENOMEM (out keeps what was split so far)
 */
int tmdk__sh_split_text(tmdk__sh_split *out, const char *s, size_t n, size_t base);

/** A word of an exec-form command (a JSON array's string). */
typedef struct tmdk__sh_argv_word {
	const char *text;
	size_t len;
	size_t off;              /* input offset of its first character */
} tmdk__sh_argv_word;

/**
 * Append the exec-form command argv[0..count) (no shell: no quotes, no
 * operators, no assignments); a script it runs (`sh -c STR`) is split.
 * @return TMDK_OK or TMDK_ENOMEM
 */
int tmdk__sh_split_argv(tmdk__sh_split *out, const tmdk__sh_argv_word *argv, size_t count);

/** The text of word i (NUL-terminated). */
static inline const char *tmdk__sh_text(const tmdk__sh_split *sp, size_t i)
{
	return sp->chars + sp->words[i].text;
}

/** The last path component of word i (`/usr/bin/pip3` -> `pip3`). */
const char *tmdk__sh_basename(const tmdk__sh_split *sp, size_t i);

void tmdk__sh_split_free(tmdk__sh_split *sp);

#endif /* TMDK_SHELL_SPLIT_H */
