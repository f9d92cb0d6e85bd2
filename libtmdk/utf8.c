/*
 * UTF-8 validation (RFC 3629): rejects overlong forms, UTF-16 surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF, stray continuation bytes
 * and truncated sequences. Runs of ASCII are skipped a word at a time
 * because manifests are almost entirely ASCII. Also what the JSON and YAML
 * escapes need: hex digits in, UTF-8 out.
 */
#include "internal.h"

#include <string.h>

#define ASCII_MASK ((uint64_t)0x8080808080808080ull)

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Length of the valid sequence at s[0..avail), or 0 if it is invalid. */
static size_t sequence_length(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && is_cont(s[1]) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (avail < 3 || !is_cont(s[1]) || !is_cont(s[2]))
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] > 0x9F)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (avail < 4 || !is_cont(s[1]) || !is_cont(s[2]) || !is_cont(s[3]))
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xF4 && s[1] > 0x8F)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0; /* continuation byte, 0xC0/0xC1 (overlong) or 0xF5..0xFF */
}

size_t tmdk__utf8_validate(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	if (!s)
		return 0;
	while (i < len) {
		size_t n;
		if (s[i] < 0x80) {
			uint64_t w;
			i++;
			while (i + 8 <= len) {
				memcpy(&w, s + i, sizeof(w));
				if (w & ASCII_MASK)
					break;
				i += 8;
			}
			continue;
		}
		n = sequence_length(s + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

int tmdk__hex_digits(const char *s, int n, unsigned long *out)
{
	unsigned long v = 0;
	int i;
	for (i = 0; i < n; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

size_t tmdk__utf8_encode(char out[4], unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
