/*
 * Artifacts: the container the parsers write into (the text and its line
 * index, documents, warnings, comments) and its public accessors. Choosing
 * the kind and running the parsers is parse.c's job; this file calls no
 * parser, so the parsers can build into it without a circle.
 */
#include "internal.h"
#include "array.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
	"unknown", "dockerfile", "compose", "kubernetes", "daemon-json", "docker-inspect"
};
/* One name per kind (fails to compile otherwise). */
typedef char tmdk__kind_names_complete[sizeof(kind_names) / sizeof(kind_names[0]) == TMDK_KIND_COUNT ? 1 : -1];

const char *tmdk_kind_name(tmdk_kind kind)
{
	if ((int)kind < 0 || (size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unknown";
	return kind_names[kind];
}

int tmdk_kind_from_name(tmdk_kind *out, const char *name)
{
	size_t i;
	if (!out || !name)
		return TMDK_EINVAL;
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (tmdk_kind)i;
			return TMDK_OK;
		}
	}
	return TMDK_EINVAL;
}

/* ---- building an artifact ------------------------------------------- */

tmdk_document *tmdk__artifact_add_document(tmdk_artifact *a)
{
	tmdk_document *d;
	if (TMDK__ARRAY_RESERVE(a->docs, a->doc_count, a->doc_cap, 4) != TMDK_OK)
		return NULL;
	d = &a->docs[a->doc_count++];
	memset(d, 0, sizeof(*d));
	d->item_index = -1;
	return d;
}

int tmdk__artifact_warn(tmdk_artifact *a, unsigned int line, unsigned int column, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	tmdk__warning *w;

	if (TMDK__ARRAY_RESERVE(a->warnings, a->warning_count, a->warning_cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w = &a->warnings[a->warning_count];
	w->message = tmdk__arena_strdup(&a->arena, buf);
	if (!w->message)
		return TMDK_ENOMEM;
	w->line = line;
	w->column = column;
	a->warning_count++;
	return TMDK_OK;
}

int tmdk__artifact_set_comment(tmdk_artifact *a, unsigned int line, const char *text, size_t len)
{
	if (line == 0 || line > a->line_count)
		return TMDK_EINVAL;
	if (!a->comments) {
		a->comments = tmdk__arena_alloc(&a->arena, (a->line_count + 1) * sizeof(*a->comments));
		if (!a->comments)
			return TMDK_ENOMEM;
	}
	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	a->comments[line] = tmdk__arena_strndup(&a->arena, text, len);
	return a->comments[line] ? TMDK_OK : TMDK_ENOMEM;
}

size_t tmdk__artifact_line_index(const tmdk_artifact *a, size_t off)
{
	size_t lo = 0, hi = a->line_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The line index: where each line starts. Two passes over the text, sixteen
 * bytes at a time where SSE2 is there (every x86-64): count the line
 * breaks, then allocate the index once at its size and fill it. One memchr
 * per line was most of the cost on manifests, whose lines are short. The
 * bytes the vector loops leave (and every byte without SSE2) are read one
 * at a time, from `from` on.
 */
static int is_unusual(unsigned char c)
{
	return (c < ' ' && c != '\n' && c != '\t') || c >= 0x7F;
}

static size_t count_newlines_from(const char *t, size_t from, size_t len, unsigned int *unusual)
{
	size_t i, n = 0;
	for (i = from; i < len; i++) {
		n += t[i] == '\n';
		*unusual |= (unsigned int)is_unusual((unsigned char)t[i]);
	}
	return n;
}

static size_t list_line_starts_from(const char *t, size_t from, size_t len, size_t *starts, size_t k)
{
	size_t i;
	for (i = from; i < len; i++)
		if (t[i] == '\n')
			starts[k++] = i + 1;
	return k;
}

#if defined(__SSE2__)
#include <emmintrin.h>

static unsigned int newline_mask(const char *p)
{
	__m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)p);
	return (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')));
}

/* is_unusual, sixteen bytes at once, as 0xFF bytes (signed compares: bytes
 * from 0x80 are negative, below ' '). */
static __m128i unusual_bytes(__m128i bytes)
{
	__m128i low = _mm_cmplt_epi8(bytes, _mm_set1_epi8(' '));
	__m128i del = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F));
	__m128i ok = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t')));
	return _mm_andnot_si128(ok, _mm_or_si128(low, del));
}

/* Line breaks are counted in sixteen byte-wide counters (a match is -1, so
 * subtracting it adds one), summed every 255 blocks before a lane can wrap:
 * no popcount, which without -mpopcnt is a call into libgcc per block. */
static size_t count_newlines_sse2(const char *t, size_t len, size_t *done, unsigned int *unusual)
{
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	__m128i odd = zero, total = zero;
	uint64_t lanes[2];
	size_t i = 0;

	while (i + 16 <= len) {
		__m128i counts = zero;
		unsigned int k;
		for (k = 0; k < 255 && i + 16 <= len; k++, i += 16) {
			__m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
			counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(bytes, nl));
			odd = _mm_or_si128(odd, unusual_bytes(bytes));
		}
		total = _mm_add_epi64(total, _mm_sad_epu8(counts, zero));
	}
	*done = i;
	*unusual = (unsigned int)_mm_movemask_epi8(odd);
	_mm_storeu_si128((__m128i *)(void *)lanes, total);
	return (size_t)(lanes[0] + lanes[1]);
}
#endif

/* The line breaks of t; *plain_ascii: only printable ASCII, tabs and '\n'. */
static size_t count_newlines(const char *t, size_t len, int *plain_ascii)
{
	size_t i = 0, n = 0;
	unsigned int unusual = 0;
#if defined(__SSE2__)
	n = count_newlines_sse2(t, len, &i, &unusual);
#endif
	n += count_newlines_from(t, i, len, &unusual);
	*plain_ascii = !unusual;
	return n;
}

/* starts[k++] = the offset after each '\n'. @return k. */
static size_t list_line_starts(const char *t, size_t len, size_t *starts, size_t k)
{
	size_t i = 0;
#if defined(__SSE2__)
	for (; i + 16 <= len; i += 16) {
		unsigned int m = newline_mask(t + i);
		while (m) {
			starts[k++] = i + (size_t)__builtin_ctz(m) + 1;
			m &= m - 1;
		}
	}
#endif
	return list_line_starts_from(t, i, len, starts, k);
}

static int index_lines(tmdk_artifact *a)
{
	size_t breaks = count_newlines(a->text, a->text_len, &a->plain_ascii);
	size_t n;

	/* In the arena, beside the nodes: not a malloc of its own per file, which
	 * on a tree of small files grew the threads' heaps an mprotect at a time. */
	if (breaks >= SIZE_MAX / sizeof(*a->line_starts))
		return TMDK_ENOMEM;
	a->line_starts = tmdk__arena_alloc_raw(&a->arena, (breaks + 1) * sizeof(*a->line_starts),
		sizeof(*a->line_starts));
	if (!a->line_starts)
		return TMDK_ENOMEM;
	a->line_starts[0] = 0;
	n = list_line_starts(a->text, a->text_len, a->line_starts, 1);
	/* A final line break ends the last line; it does not start another. */
	if (n > 1 && a->line_starts[n - 1] == a->text_len)
		n--;
	a->line_count = a->text_len ? n : 0;
	return TMDK_OK;
}

/* Allocate an artifact holding a copy of the bytes and their line index;
 * `limits` are the effective options (defaults filled in). */
/* text: copied into the arena when `copy`, else borrowed. */
static int artifact_make(tmdk_artifact **out, const char *name, const void *data, size_t len, int copy,
	const tmdk_parse_options *limits, tmdk_error *err)
{
	static uint64_t serials;
	tmdk_artifact *a;
	const char *text;

	*out = NULL;
	if (len > limits->max_input_bytes)
		return tmdk__error_set(err, TMDK_ELIMIT, name, 0, 0,
			"input is %zu bytes, over the limit of %zu bytes (max_input_bytes)", len, limits->max_input_bytes);
	a = tmdk__calloc(1, sizeof(*a));
	if (!a)
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	a->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	tmdk__arena_init(&a->arena);
	a->limits = *limits;
	a->name = tmdk__arena_strdup(&a->arena, name ? name : "");
	text = !a->name ? NULL : copy ? tmdk__arena_strndup(&a->arena, data, len) : data;
	a->text = text;
	a->text_len = len;
	if (!text || index_lines(a) != TMDK_OK) {
		tmdk_artifact_free(a);
		return tmdk__error_set(err, TMDK_ENOMEM, name, 0, 0, "out of memory");
	}
	*out = a;
	return TMDK_OK;
}

int tmdk__artifact_new(tmdk_artifact **out, const char *name, const void *data, size_t len,
	const tmdk_parse_options *limits, tmdk_error *err)
{
	return artifact_make(out, name, data, len, 1, limits, err);
}

int tmdk__artifact_new_borrowed(tmdk_artifact **out, const char *name, const char *data, size_t len,
	const tmdk_parse_options *limits, tmdk_error *err)
{
	return artifact_make(out, name, data, len, 0, limits, err);
}

void tmdk_artifact_free(tmdk_artifact *a)
{
	size_t i;
	if (!a)
		return;
	for (i = 0; i < a->source_count; i++)
		tmdk_artifact_free(a->sources[i]);
	tmdk__free(a->sources);
	tmdk__free(a->docs);
	tmdk__free(a->warnings);
	tmdk__free(a->text_maps);
	tmdk__text_free(a->heap_text);
	tmdk__arena_release(&a->arena);
	tmdk__free(a);
}

/* ---- accessors ------------------------------------------------------ */

tmdk_kind tmdk_artifact_kind(const tmdk_artifact *a)
{
	return a ? a->kind : TMDK_KIND_UNKNOWN;
}

const char *tmdk_artifact_name(const tmdk_artifact *a)
{
	return a ? a->name : NULL;
}

size_t tmdk_artifact_document_count(const tmdk_artifact *a)
{
	return a ? a->doc_count : 0;
}

const tmdk_document *tmdk_artifact_document(const tmdk_artifact *a, size_t index)
{
	return a && index < a->doc_count ? &a->docs[index] : NULL;
}

size_t tmdk_artifact_line_count(const tmdk_artifact *a)
{
	return a ? a->line_count : 0;
}

const char *tmdk_artifact_line(const tmdk_artifact *a, unsigned int line, size_t *len_out)
{
	size_t start, end;
	if (len_out)
		*len_out = 0;
	if (!a || line == 0 || line > a->line_count)
		return NULL;
	start = a->line_starts[line - 1];
	end = line < a->line_count ? a->line_starts[line] - 1 : a->text_len;
	if (end > start && a->text[end - 1] == '\n')
		end--;
	if (end > start && a->text[end - 1] == '\r')
		end--;
	if (len_out)
		*len_out = end - start;
	return a->text + start;
}

const char *tmdk_artifact_line_comment(const tmdk_artifact *a, unsigned int line)
{
	if (!a || !a->comments || line == 0 || line > a->line_count)
		return NULL;
	return a->comments[line];
}

size_t tmdk_artifact_warning_count(const tmdk_artifact *a)
{
	return a ? a->warning_count : 0;
}

const char *tmdk_artifact_warning(const tmdk_artifact *a, size_t index,
	unsigned int *line_out, unsigned int *column_out)
{
	if (!a || index >= a->warning_count)
		return NULL;
	if (line_out)
		*line_out = a->warnings[index].line;
	if (column_out)
		*column_out = a->warnings[index].column;
	return a->warnings[index].message;
}

size_t tmdk_document_index(const tmdk_document *doc)
{
	return doc ? doc->index : 0;
}

long tmdk_document_item_index(const tmdk_document *doc)
{
	return doc ? doc->item_index : -1;
}

const tmdk_node *tmdk_document_root(const tmdk_document *doc)
{
	return doc ? doc->root : NULL;
}

const tmdk_node *tmdk_document_view(const tmdk_document *doc)
{
	return doc ? doc->view : NULL;
}

unsigned int tmdk_document_line(const tmdk_document *doc)
{
	return doc ? doc->line : 0;
}
