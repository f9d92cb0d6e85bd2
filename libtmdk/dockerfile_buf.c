/*
 * Dockerfile parsing: the helpers every pass calls (dockerfile_parse.c,
 * dockerfile_args.c, dockerfile_json.c, dockerfile_subst.c,
 * dockerfile_instr.c): growable text buffers and string vectors, Go's white
 * space, and source positions and failures inside a logical line. This file
 * calls no pass, so the passes form a chain, not a circle.
 */
#include "dockerfile.h"
#include "array.h"

#include <stdio.h>
#include <string.h>

/* ---- buffers and string vectors ------------------------------------- */

void tmdk__df_buf_put(tmdk__df_buf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	/* n bytes and the NUL */
	if (n == SIZE_MAX || TMDK__ARRAY_RESERVE_N(b->p, b->n, b->cap, n + 1, 64) != TMDK_OK) {
		b->oom = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void tmdk__df_buf_putc(tmdk__df_buf *b, char c)
{
	tmdk__df_buf_put(b, &c, 1);
}

void tmdk__df_buf_free(tmdk__df_buf *b)
{
	tmdk__free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
	b->oom = 0;
}

int tmdk__df_strv_push(tmdk__arena *arena, tmdk__df_str **v, size_t *count, size_t *cap, tmdk__df_str item)
{
	if (TMDK__ARRAY_RESERVE_ARENA(arena, *v, *count, *cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	(*v)[(*count)++] = item;
	return TMDK_OK;
}

/* ---- characters ----------------------------------------------------- */

size_t tmdk__df_space_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return tmdk__df_is_ascii_space(s[0]) ? 1 : 0;
	if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3; /* U+1680 */
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
	if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3; /* U+205F */
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* ---- positions and failures ---------------------------------------- */

void tmdk__df_position(const tmdk__df_instr *in, size_t off, unsigned int *line, unsigned int *column)
{
	*line = in->line;
	*column = in->column;
	if (off != TMDK__DF_NOPOS)
		(void)tmdk__text_position(in->segs, in->seg_count, off, line, column);
}

int tmdk__df_fail(tmdk__df_parser *p, const tmdk__df_instr *in, size_t off, int code, const char *fmt, ...)
{
	unsigned int line, column;
	va_list ap;
	int rc;
	tmdk__df_position(in, off, &line, &column);
	va_start(ap, fmt);
	rc = tmdk__error_setv(p->err, code, p->a->name, line, column, fmt, ap);
	va_end(ap);
	return rc;
}

int tmdk__df_count_items(tmdk__df_parser *p, const tmdk__df_instr *in, size_t off, size_t n)
{
	size_t max = (size_t)p->a->limits.max_instructions * TMDK__DF_ITEMS_PER_INSTRUCTION;
	p->items += n;
	if (p->items <= max)
		return TMDK_OK;
	return tmdk__df_fail(p, in, off, TMDK_ELIMIT,
		"Dockerfile has more than %zu arguments, flags, mount fields and heredocs in all "
		"(%u per instruction allowed by max_instructions)", max, TMDK__DF_ITEMS_PER_INSTRUCTION);
}
