/*
 * Regular expressions: PCRE2, JIT-compiled when available. The compiled code
 * is shared by every scanner of a catalog; match data and the match context
 * (with the match and depth limits) belong to one scanner.
 *
 * Compiling a catalog only compiles (that validates each regex and reports
 * errors with their offset); the JIT, about 0.25 ms a regex, is done once a
 * regex has been matched JIT_AFTER_MATCHES times, on a copy that is then
 * published atomically. Until then, and in threads that match meanwhile,
 * the interpreter runs, which gives the same results. So a scan only pays
 * the JIT for the regexes it uses often: scanning one small file costs no
 * JIT at all (it was 16 ms of a 22 ms run with the built-in catalog), a
 * corpus JIT-compiles every regex it leans on after a few matches.
 *
 * A catalog loaded from its compiled form (catalog_load.c) goes one step
 * further: it keeps each regex's source only and compiles it on first use
 * too, the same way, so loading costs no PCRE2 work at all.
 */
#include "catalog_int.h"
#include "array.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
# include <valgrind/valgrind.h>
#endif

struct tmdk__regex {
	const char *src;             /* the source, in the catalog's arena (saved with the catalog) */
	size_t len;
	/* Interpreted code: compiled with the catalog, or on first use for a
	 * loaded one (atomic: set once, then never changes). */
	pcre2_code *code;
	/* The JIT-compiled copy: a cache filled once, on first use (atomic). */
	pcre2_code *jit;
	int jit_state;               /* JIT_NOT_TRIED, JIT_COMPILING, JIT_DONE (jit set or unavailable) */
	unsigned int matches;        /* matches before the JIT, weighed by subject length (atomic, counted
	                              * until JIT_AFTER_MATCHES) */
	/* PCRE2's lower bound on the characters of a match, 0 until the code
	 * is compiled (atomic). A subject of fewer bytes (so fewer characters)
	 * cannot match: PCRE2 would answer no match itself, after the cost of
	 * a call. Most scalars a pattern scans (ports, names, flags) are short. */
	uint32_t min_len;
};

/* Where the JIT starts to pay: compiling a regex (about 0.25 ms) costs as
 * much as a few dozen interpreted matches (PCRE2's interpreter sets up its
 * frames on each). Measured with tmdk-scan: 16 leaves the corpus scan as
 * fast as a JIT on first use, and a one-file scan 3x faster; 256 made the
 * corpus scan 40% slower. */
#define JIT_AFTER_MATCHES 16u

/* A long subject counts as several matches: one per JIT_SUBJECT_BYTES more.
 * Interpreting a regex over a 10 KB ConfigMap value costs as much as many
 * short matches do, so such a regex gets its JIT after fewer of them (the
 * Kubernetes corpus spent a tenth of its regex time interpreting). */
#define JIT_SUBJECT_BYTES 1024u

enum { JIT_NOT_TRIED = 0, JIT_COMPILING, JIT_DONE };

/* The one set of options every catalog regex is compiled with. */
#define COMPILE_OPTIONS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

/* No JIT under valgrind: memcheck cannot follow JIT-compiled code and
 * reports its stack reads as uninitialised. */
static void no_jit_under_valgrind(tmdk__regex *rx)
{
#ifdef RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND)
		rx->jit_state = JIT_DONE;
#else
	(void)rx;
#endif
}

/*
 * What recent matches answered, for the document being scanned. Patterns
 * repeat tests (a component is recognised by the same regexes in a dozen
 * patterns) on the same scalars: a repeat is answered from here instead of
 * running the regex again. A slot holds one (regex, subject) pair, the
 * subject known by its address and length: both stay put while the
 * document's nodes live, and tmdk__regex_ctx_forget (at each document)
 * ends what the slots say. Only answers are kept, never a limit hit or an
 * error, so those happen exactly as without the memo.
 */
#define MEMO_SLOTS 1024u  /* a power of 2 */

typedef struct memo_slot {
	const tmdk__regex *rx;
	const char *subject;
	size_t len, start, end;
	unsigned long epoch;         /* valid while equal to the context's */
	int result;                  /* 0 or 1 */
} memo_slot;

struct tmdk__regex_ctx {
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	pcre2_jit_stack *jit_stack;
	unsigned long epoch;         /* starts at 1: a zeroed slot is empty */
	memo_slot memo[MEMO_SLOTS];
};

static void note_min_len(tmdk__regex *rx, const pcre2_code *code)
{
	uint32_t min = 0;
	if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &min) == 0)
		__atomic_store_n(&rx->min_len, min, __ATOMIC_RELAXED);
}

/* Compile; on failure fill *error_offset and msg.
 * @return TMDK_OK, TMDK_EREGEX (msg and *error_offset say why) or TMDK_ENOMEM. */
static int regex_compile(tmdk__regex **out, const char *pattern, size_t len, char *msg, size_t msg_size,
	size_t *error_offset)
{
	tmdk__regex *rx;
	int code = 0;
	PCRE2_SIZE offset = 0;

	*out = NULL;
	*error_offset = 0;
	rx = tmdk__calloc(1, sizeof(*rx));
	if (!rx) {
		snprintf(msg, msg_size, "out of memory");
		return TMDK_ENOMEM;
	}
	rx->src = pattern;
	rx->len = len;
	rx->code = pcre2_compile((PCRE2_SPTR)pattern, len, COMPILE_OPTIONS, &code, &offset, NULL);
	if (!rx->code) {
		PCRE2_UCHAR buf[256];
		pcre2_get_error_message(code, buf, sizeof(buf));
		snprintf(msg, msg_size, "%s", (const char *)buf);
		*error_offset = offset;
		tmdk__free(rx);
		/* Out of memory is not the catalog's fault: it must not become a diagnostic. */
		return code == PCRE2_ERROR_HEAP_FAILED ? TMDK_ENOMEM : TMDK_EREGEX;
	}
	note_min_len(rx, rx->code);
	no_jit_under_valgrind(rx);
	*out = rx;
	return TMDK_OK;
}

/* The catalog's regex written the same way, or NULL. Patterns repeat their
 * tests (YAML anchors, the same image or secret regex in several patterns):
 * one shared regex is compiled and JIT-compiled once instead of once per
 * use, and every use counts towards its JIT. Its options are the same for
 * all (COMPILE_OPTIONS), so sharing cannot change what it matches. */
static tmdk__regex *catalog_find_regex(const tmdk_catalog *c, const char *src, size_t len)
{
	size_t i;
	for (i = 0; i < c->regex_count; i++)
		if (c->regexes[i]->len == len && memcmp(c->regexes[i]->src, src, len) == 0)
			return c->regexes[i];
	return NULL;
}

static int catalog_add_regex(tmdk_catalog *c, tmdk__regex *rx)
{
	if (TMDK__ARRAY_RESERVE(c->regexes, c->regex_count, c->regex_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	c->regexes[c->regex_count++] = rx;
	return TMDK_OK;
}

int tmdk__cctx_regex(tmdk__cctx *cc, tmdk__regex **out, const char *src, size_t len, const tmdk_node *at,
	const char *selector)
{
	char msg[256];
	size_t off;
	int rc;

	*out = NULL;
	src = tmdk__arena_strndup(cc->arena, src, len); /* kept for saving the catalog */
	if (!src) {
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, at, "out of memory");
		return TMDK_ENOMEM;
	}
	if (len > cc->max_regex_length) {
		if (selector)
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ELIMIT, at, "regular expression of %zu bytes in selector '%s' "
				"is over the limit of %zu (max_regex_length)", len, selector, cc->max_regex_length);
		else
			cc->report(cc, TMDK_DIAG_ERROR, TMDK_ELIMIT, at,
				"regular expression of %zu bytes is over the limit of %zu (max_regex_length)", len,
				cc->max_regex_length);
		return TMDK_ELIMIT;
	}
	if ((*out = catalog_find_regex(cc->catalog, src, len)) != NULL)
		return TMDK_OK; /* compiled before: the same source compiles the same */
	rc = regex_compile(out, src, len, msg, sizeof(msg), &off);
	if (rc == TMDK_OK && catalog_add_regex(cc->catalog, *out) != TMDK_OK) {
		tmdk__regex_free(*out);
		*out = NULL;
		rc = TMDK_ENOMEM;
	}
	if (rc == TMDK_ENOMEM)
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_ENOMEM, at, "out of memory");
	else if (rc != TMDK_OK && selector)
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_EREGEX, at,
			"regex '%.*s' in selector '%s' does not compile at offset %zu: %s", (int)len, src, selector, off, msg);
	else if (rc != TMDK_OK)
		cc->report(cc, TMDK_DIAG_ERROR, TMDK_EREGEX, at, "regular expression does not compile at offset %zu: %s",
			off, msg);
	return rc;
}

int tmdk__regex_new_lazy(tmdk_catalog *cat, tmdk__regex **out, const char *src, size_t len)
{
	tmdk__regex *rx;
	if ((*out = catalog_find_regex(cat, src, len)) != NULL)
		return TMDK_OK;
	rx = tmdk__calloc(1, sizeof(*rx));
	if (!rx)
		return TMDK_ENOMEM;
	rx->src = src;
	rx->len = len;
	no_jit_under_valgrind(rx);
	if (catalog_add_regex(cat, rx) != TMDK_OK) {
		tmdk__free(rx);
		return TMDK_ENOMEM;
	}
	*out = rx;
	return TMDK_OK;
}

const char *tmdk__regex_source(const tmdk__regex *rx, size_t *len)
{
	*len = rx->len;
	return rx->src;
}

/* The interpreted code, compiled now if the regex was loaded lazily. Threads
 * racing here each compile; the first to publish wins, the others free
 * theirs. NULL when it does not compile (only a forged compiled catalog can
 * hold such a regex: the checksum catches accidents) or without memory. */
static pcre2_code *interpreted(tmdk__regex *rx)
{
	pcre2_code *code = __atomic_load_n(&rx->code, __ATOMIC_ACQUIRE), *expected = NULL;
	int ec;
	PCRE2_SIZE off;

	if (code)
		return code;
	code = pcre2_compile((PCRE2_SPTR)rx->src, rx->len, COMPILE_OPTIONS, &ec, &off, NULL);
	if (!code)
		return NULL;
	note_min_len(rx, code); /* the same for every thread's compile */
	if (!__atomic_compare_exchange_n(&rx->code, &expected, code, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		pcre2_code_free(code);
		return expected;
	}
	return code;
}

static unsigned int match_weight(size_t subject_len)
{
	size_t w = 1 + subject_len / JIT_SUBJECT_BYTES;
	return w < JIT_AFTER_MATCHES ? (unsigned int)w : JIT_AFTER_MATCHES;
}

/* The code to match with: the JIT copy once there is one. The first caller
 * makes it; a JIT failure (no JIT on this platform, no memory) leaves the
 * interpreter, which is always correct. */
static const pcre2_code *code_for_match(const tmdk__regex *crx, size_t subject_len)
{
	tmdk__regex *rx = (tmdk__regex *)crx; /* only the caches are written */
	pcre2_code *jit = __atomic_load_n(&rx->jit, __ATOMIC_ACQUIRE), *copy, *code;
	int expected = JIT_NOT_TRIED;

	if (jit)
		return jit;
	code = interpreted(rx);
	if (!code)
		return NULL;
	/* Counted only until the JIT is tried: no shared counter traffic after. */
	if (__atomic_load_n(&rx->jit_state, __ATOMIC_ACQUIRE) != JIT_NOT_TRIED ||
	    __atomic_add_fetch(&rx->matches, match_weight(subject_len), __ATOMIC_RELAXED) < JIT_AFTER_MATCHES)
		return code;
	if (!__atomic_compare_exchange_n(&rx->jit_state, &expected, JIT_COMPILING, 0, __ATOMIC_ACQ_REL,
		    __ATOMIC_ACQUIRE))
		return code; /* done without a JIT, or another thread is compiling */
	copy = pcre2_code_copy(code);
	if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(copy);
		copy = NULL;
	}
	if (copy)
		__atomic_store_n(&rx->jit, copy, __ATOMIC_RELEASE);
	__atomic_store_n(&rx->jit_state, JIT_DONE, __ATOMIC_RELEASE);
	return copy ? copy : code;
}

void tmdk__regex_free(tmdk__regex *rx)
{
	if (!rx)
		return;
	pcre2_code_free(rx->code);
	pcre2_code_free(rx->jit);
	tmdk__free(rx);
}

/*
 * JIT-compiled matching ignores PCRE2's depth limit; the size of the JIT
 * stack bounds it instead. Derive that size from the depth limit (about 100
 * bytes a level: 1 MB for the default of 10,000), so that regex_depth_limit
 * bounds backtracking depth with or without the JIT.
 */
static size_t jit_stack_size(unsigned int depth_limit)
{
	size_t size = (size_t)depth_limit * 100;
	if (size < 32 * 1024)
		size = 32 * 1024;
	if (size > 64 * 1024 * 1024)
		size = 64 * 1024 * 1024;
	return size;
}

tmdk__regex_ctx *tmdk__regex_ctx_new(unsigned int match_limit, unsigned int depth_limit)
{
	tmdk__regex_ctx *ctx = tmdk__calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->mctx = pcre2_match_context_create(NULL);
	ctx->md = pcre2_match_data_create(32, NULL);
	ctx->jit_stack = pcre2_jit_stack_create(32 * 1024, jit_stack_size(depth_limit), NULL);
	if (!ctx->mctx || !ctx->md) {
		tmdk__regex_ctx_free(ctx);
		return NULL;
	}
	ctx->epoch = 1;
	pcre2_set_match_limit(ctx->mctx, match_limit);
	pcre2_set_depth_limit(ctx->mctx, depth_limit);
	if (ctx->jit_stack)
		pcre2_jit_stack_assign(ctx->mctx, NULL, ctx->jit_stack);
	return ctx;
}

void tmdk__regex_ctx_free(tmdk__regex_ctx *ctx)
{
	if (!ctx)
		return;
	pcre2_match_data_free(ctx->md);
	pcre2_match_context_free(ctx->mctx);
	pcre2_jit_stack_free(ctx->jit_stack);
	tmdk__free(ctx);
}

/* JIT code goes straight to pcre2_jit_match: pcre2_match would only check
 * what is known here (the code, the options, a subject whose UTF-8 the
 * compile options say not to check) before calling it. */
static int run(const tmdk__regex *rx, const pcre2_code *code, tmdk__regex_ctx *ctx, const char *subject,
	size_t len)
{
	if (code == __atomic_load_n(&rx->jit, __ATOMIC_ACQUIRE))
		return pcre2_jit_match(code, (PCRE2_SPTR)subject, len, 0, 0, ctx->md, ctx->mctx);
	return pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, ctx->md, ctx->mctx);
}

void tmdk__regex_ctx_forget(tmdk__regex_ctx *ctx)
{
	ctx->epoch++;
}

static memo_slot *memo_slot_of(tmdk__regex_ctx *ctx, const tmdk__regex *rx, const char *subject)
{
	uint64_t h = ((uint64_t)(uintptr_t)subject ^ ((uint64_t)(uintptr_t)rx << 7)) * UINT64_C(0x9E3779B97F4A7C15);
	return &ctx->memo[(size_t)(h >> 40) & (MEMO_SLOTS - 1)];
}

static int memo_answer(memo_slot *m, const tmdk__regex_ctx *ctx, const tmdk__regex *rx, const char *subject,
	size_t len, size_t *start, size_t *end)
{
	if (m->epoch != ctx->epoch || m->rx != rx || m->subject != subject || m->len != len)
		return -1;
	if (m->result) {
		*start = m->start;
		*end = m->end;
	}
	return m->result;
}

static int memo_keep(memo_slot *m, const tmdk__regex_ctx *ctx, const tmdk__regex *rx, const char *subject,
	size_t len, size_t start, size_t end, int result)
{
	m->rx = rx;
	m->subject = subject;
	m->len = len;
	m->start = start;
	m->end = end;
	m->epoch = ctx->epoch;
	m->result = result;
	return result;
}

int tmdk__regex_match(const tmdk__regex *rx, tmdk__regex_ctx *ctx, const char *subject, size_t len,
	size_t *start, size_t *end)
{
	memo_slot *m;
	const pcre2_code *code;
	int rc;
	if (len < __atomic_load_n(&rx->min_len, __ATOMIC_RELAXED))
		return 0;
	m = memo_slot_of(ctx, rx, subject);
	if ((rc = memo_answer(m, ctx, rx, subject, len, start, end)) >= 0)
		return rc;
	if (!(code = code_for_match(rx, len)))
		return TMDK_EREGEX;
	rc = run(rx, code, ctx, subject, len);
	if (rc > 0 || rc == 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
		*start = ov[0];
		*end = ov[1] >= ov[0] ? ov[1] : ov[0];
		return memo_keep(m, ctx, rx, subject, len, *start, *end, 1);
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return memo_keep(m, ctx, rx, subject, len, 0, 0, 0);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return TMDK_ELIMIT;
	return TMDK_EREGEX;
}
