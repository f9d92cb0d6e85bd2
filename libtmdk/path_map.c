/*
 * Strings to numbers (path_map.h): open addressing with linear probing,
 * at most half full. The full hash is kept in each slot so a probe
 * compares strings only when the hashes agree and growing never hashes
 * a key again.
 */
#include "internal.h"
#include "path_map.h"

#include <string.h>

#define MIN_SLOTS 64

struct tmdk__path_slot {
	const char *key;             /* NULL: empty */
	size_t hash;
	size_t value;
};

/* FNV-1a; paths differ in their last bytes, which FNV mixes last: the
 * final multiply-xorshift spreads them over the low bits the table uses. */
static size_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (size_t)h;
}

int tmdk__path_map_get(const tmdk__path_map *m, const char *key, size_t *value)
{
	size_t hash, mask, i;
	if (!m->count)
		return 0;
	hash = hash_of(key);
	mask = m->slot_count - 1;
	for (i = hash & mask; m->slots[i].key; i = (i + 1) & mask)
		if (m->slots[i].hash == hash && strcmp(m->slots[i].key, key) == 0) {
			*value = m->slots[i].value;
			return 1;
		}
	return 0;
}

static void put(tmdk__path_slot *slots, size_t mask, const tmdk__path_slot *s)
{
	size_t i;
	for (i = s->hash & mask; slots[i].key; i = (i + 1) & mask)
		;
	slots[i] = *s;
}

/* Twice the slots, every key placed again. */
static int grow(tmdk__path_map *m)
{
	size_t n = m->slot_count ? m->slot_count * 2 : MIN_SLOTS, i;
	tmdk__path_slot *slots;
	if (n < m->slot_count || n > (size_t)-1 / sizeof(*slots))
		return TMDK_ENOMEM;
	if (!(slots = tmdk__calloc(n, sizeof(*slots))))
		return TMDK_ENOMEM;
	for (i = 0; i < m->slot_count; i++)
		if (m->slots[i].key)
			put(slots, n - 1, &m->slots[i]);
	tmdk__free(m->slots);
	m->slots = slots;
	m->slot_count = n;
	return TMDK_OK;
}

int tmdk__path_map_add(tmdk__path_map *m, const char *key, size_t value)
{
	tmdk__path_slot s;
	if ((m->count + 1) * 2 > m->slot_count && grow(m) != TMDK_OK)
		return TMDK_ENOMEM;
	s.key = key;
	s.hash = hash_of(key);
	s.value = value;
	put(m->slots, m->slot_count - 1, &s);
	m->count++;
	return TMDK_OK;
}

void tmdk__path_map_free(tmdk__path_map *m)
{
	tmdk__free(m->slots);
	m->slots = NULL;
	m->slot_count = m->count = 0;
}
