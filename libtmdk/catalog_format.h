/*
 * libtmdk — the compiled catalog format, shared by its writer
 * (catalog_save.c) and its reader (catalog_load.c). Documented for users in
 * docs/compiled-catalog.md; this is the reference.
 *
 * A file is a 64-byte header followed by the payload. Every integer is
 * little-endian, whatever the machine.
 *
 *   offset size
 *        0    8  magic: 0x89 'T' 'M' 'D' 'K' '\r' '\n' 0x1a (text-mode
 *                transfers and truncated reads break it, like PNG's)
 *        8    4  format version (TMDK__CATFMT_VERSION)
 *       12    4  header size (64)
 *       16   16  the writing library's version, TMDK_VERSION, NUL-padded:
 *                a compiled catalog is read only by the same version
 *       32    8  payload size: the file is exactly 64 + this
 *       40    8  FNV-1a 64 of the payload
 *       48    4  pattern count
 *       52    4  flags (none defined: must be 0)
 *       56    8  reserved (0)
 *
 * The payload is the patterns, sorted by id, each written field by field in
 * a fixed order (catalog_save.c); derived structures (indexes, cache slots,
 * plans) are never written: tmdk__catalog_finish rebuilds them on load.
 *   u8 / u32 / u64     little-endian; an i64 or a double is its u64 bits
 *   string             u32 length, the bytes, a NUL; length 0xffffffff and
 *                      nothing else: NULL
 *   list               u32 count, then the items
 * Regexes are stored as their source and compiled on first use.
 */
#ifndef TMDK_CATALOG_FORMAT_H
#define TMDK_CATALOG_FORMAT_H

#define TMDK__CATFMT_MAGIC "\x89TMDK\r\n\x1a"
#define TMDK__CATFMT_MAGIC_LEN 8
#define TMDK__CATFMT_VERSION 1u
#define TMDK__CATFMT_HEADER_SIZE 64u
#define TMDK__CATFMT_LIBVER_LEN 16u
#define TMDK__CATFMT_NULL_STRING 0xffffffffu

/* Template part tags and presence bits of a match level. */
enum { TMDK__CATFMT_PART_LITERAL = 0, TMDK__CATFMT_PART_SELECTOR = 1, TMDK__CATFMT_PART_MATCH = 2 };
enum { TMDK__CATFMT_HAS_FOR_EACH = 1, TMDK__CATFMT_HAS_WHERE = 2, TMDK__CATFMT_HAS_THEN = 4 };
/* Presence bits of a condition's optional parts. */
enum {
	TMDK__CATFMT_COND_SEL = 1, TMDK__CATFMT_COND_REGEX = 2, TMDK__CATFMT_COND_OTHER = 4,
	TMDK__CATFMT_COND_WHERE = 8
};

/* FNV-1a, 64 bits: fast, and enough to catch accidents (it is no signature). */
static inline unsigned long long tmdk__fnv1a64(const unsigned char *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
