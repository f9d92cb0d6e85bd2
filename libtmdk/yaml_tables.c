/*
 * Hash tables of the YAML loader: the anchor table of a document and the
 * key sets that keep duplicate-key detection linear on large maps. Both use
 * open addressing with linear probing over uint32 slots (index + 1).
 */
#include "yaml_load.h"
#include "array.h"

#include <string.h>

#define ANCHOR_MIN_SLOTS 64u
#define KEYSET_MIN_SLOTS 64u

/* FNV-1a, started from a per-load seed and finished with a mixer: keys and
 * anchor names are short, the tables index by the low bits (which FNV alone
 * fills poorly), and an unpredictable seed keeps crafted inputs from piling
 * their keys into one probe chain. */
static uint64_t hash_bytes(uint64_t seed, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	size_t i;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	h ^= seed;
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h;
}

/* ---- anchors ---------------------------------------------------------- */

void tmdk__yaml_anchors_free(tmdk__yaml_anchors *t)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		tmdk__free(t->items[i].name);
	tmdk__free(t->items);
	tmdk__free(t->slots);
	memset(t, 0, sizeof(*t));
}

void tmdk__yaml_anchors_reset(tmdk__yaml_anchors *t)
{
	size_t i;
	if (!t->count)
		return;
	for (i = 0; i < t->count; i++)
		tmdk__free(t->items[i].name);
	/* A table sized for a previous large document would make every later
	 * reset cost its full size: drop it and let it grow again. */
	if (t->slot_cap > ANCHOR_MIN_SLOTS && t->slot_cap > 4 * t->count) {
		tmdk__free(t->slots);
		t->slots = NULL;
		t->slot_cap = 0;
	} else if (t->slots) {
		memset(t->slots, 0, t->slot_cap * sizeof(*t->slots));
	}
	t->count = 0;
}

static size_t anchor_slot(const tmdk__yaml_anchors *t, const char *name, size_t len)
{
	size_t mask = t->slot_cap - 1;
	size_t i = (size_t)hash_bytes(t->seed, name, len) & mask;
	while (t->slots[i]) {
		const char *other = t->items[t->slots[i] - 1].name;
		if (strncmp(other, name, len) == 0 && other[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static int anchors_grow(tmdk__yaml_anchors *t)
{
	size_t ncap = t->slot_cap ? t->slot_cap * 2 : ANCHOR_MIN_SLOTS, i;
	uint32_t *old = t->slots;
	size_t old_cap = t->slot_cap;

	if (ncap > SIZE_MAX / sizeof(*t->slots) || t->count >= UINT32_MAX - 1)
		return TMDK_ENOMEM;
	t->slots = tmdk__calloc(ncap, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return TMDK_ENOMEM;
	}
	t->slot_cap = ncap;
	for (i = 0; i < old_cap; i++) {
		if (old[i]) {
			const char *name = t->items[old[i] - 1].name;
			t->slots[anchor_slot(t, name, strlen(name))] = old[i];
		}
	}
	tmdk__free(old);
	return TMDK_OK;
}

static int anchors_reserve_item(tmdk__yaml_anchors *t)
{
	return TMDK__ARRAY_RESERVE(t->items, t->count, t->cap, 16);
}

long tmdk__yaml_anchor_define(tmdk__yaml_anchors *t, const char *name, tmdk_node *node,
	size_t size, int pending)
{
	size_t len = strlen(name), slot;
	tmdk__yaml_anchor *it;

	if ((t->count + 1) * 2 > t->slot_cap && anchors_grow(t) != TMDK_OK)
		return TMDK_ENOMEM;
	slot = anchor_slot(t, name, len);
	if (!t->slots[slot]) {
		char *copy;
		if (anchors_reserve_item(t) != TMDK_OK)
			return TMDK_ENOMEM;
		copy = tmdk__strndup(name, len);
		if (!copy)
			return TMDK_ENOMEM;
		t->items[t->count].name = copy;
		t->slots[slot] = (uint32_t)(t->count + 1);
		t->count++;
	}
	it = &t->items[t->slots[slot] - 1];
	it->node = node;
	it->size = size;
	it->pending = pending;
	it->serial = ++t->serial;
	return (long)(t->slots[slot] - 1);
}

tmdk__yaml_anchor *tmdk__yaml_anchor_find(const tmdk__yaml_anchors *t, const char *name)
{
	size_t slot;
	if (!t->slot_cap)
		return NULL;
	slot = anchor_slot(t, name, strlen(name));
	return t->slots[slot] ? &t->items[t->slots[slot] - 1] : NULL;
}

/* ---- key sets --------------------------------------------------------- */

/* A slot holds the high half of the key's hash (checked before touching the
 * key node, which is likely a cache miss) and the entry index + 1. */
#define SLOT_INDEX(v) ((size_t)((v) & 0xFFFFFFFFu))
#define SLOT_TAG(h) ((h) & 0xFFFFFFFF00000000ull)

static const tmdk_node *entry_key(const tmdk_node *map, size_t index)
{
	return map->u.map.keys[index];
}

static size_t keyset_slot(const tmdk__yaml_keyset *s, const tmdk_node *map,
	const char *text, size_t len, uint64_t h)
{
	size_t mask = s->cap - 1;
	size_t i = (size_t)h & mask;
	while (s->slots[i]) {
		if (SLOT_TAG(s->slots[i]) == SLOT_TAG(h)) {
			const tmdk_node *k = entry_key(map, SLOT_INDEX(s->slots[i]) - 1);
			if (k->u.scalar.len == len && memcmp(k->u.scalar.text, text, len) == 0)
				break;
		}
		i = (i + 1) & mask;
	}
	return i;
}

static void keyset_put(tmdk__yaml_keyset *s, const tmdk_node *map, size_t index)
{
	const tmdk_node *k = entry_key(map, index);
	uint64_t h = hash_bytes(s->seed, k->u.scalar.text, k->u.scalar.len);
	size_t slot = keyset_slot(s, map, k->u.scalar.text, k->u.scalar.len, h);
	if (!s->slots[slot]) {
		s->slots[slot] = SLOT_TAG(h) | (uint64_t)(index + 1);
		s->used++;
	}
}

/* Make room for `keys` keys at a load of at most one half, then re-insert. */
static int keyset_resize(tmdk__yaml_keyset *s, const tmdk_node *map, size_t keys)
{
	size_t cap = KEYSET_MIN_SLOTS, i;

	while (cap < keys * 2) {
		if (cap > SIZE_MAX / 4 / sizeof(*s->slots))
			return TMDK_ENOMEM;
		cap *= 2;
	}
	if (map->u.map.count >= UINT32_MAX - 1)
		return TMDK_ENOMEM;
	if (cap > s->alloc) {
		uint64_t *p = tmdk__realloc(s->slots, cap * sizeof(*p));
		if (!p)
			return TMDK_ENOMEM;
		s->slots = p;
		s->alloc = cap;
	}
	memset(s->slots, 0, cap * sizeof(*s->slots));
	s->cap = cap;
	s->used = 0;
	for (i = 0; i < map->u.map.count; i++) {
		const tmdk_node *k = entry_key(map, i);
		if (k && k->type == TMDK_NODE_SCALAR)
			keyset_put(s, map, i);
	}
	return TMDK_OK;
}

int tmdk__yaml_keyset_build(tmdk__yaml_keyset *s, const tmdk_node *map)
{
	return keyset_resize(s, map, map->u.map.count + 1);
}

int tmdk__yaml_keyset_add(tmdk__yaml_keyset *s, const tmdk_node *map, size_t index)
{
	if ((s->used + 1) * 2 > s->cap)
		return keyset_resize(s, map, (s->used + 1) * 2); /* re-inserts every key, index included */
	if (index >= UINT32_MAX - 1)
		return TMDK_ENOMEM;
	keyset_put(s, map, index);
	return TMDK_OK;
}

long tmdk__yaml_keyset_find(const tmdk__yaml_keyset *s, const tmdk_node *map,
	const char *text, size_t len)
{
	size_t slot;
	if (!s->cap)
		return -1;
	slot = keyset_slot(s, map, text, len, hash_bytes(s->seed, text, len));
	return s->slots[slot] ? (long)(SLOT_INDEX(s->slots[slot]) - 1) : -1;
}

void tmdk__yaml_keyset_clear(tmdk__yaml_keyset *s)
{
	s->cap = 0;
	s->used = 0;
}

void tmdk__yaml_keyset_free(tmdk__yaml_keyset *s)
{
	tmdk__free(s->slots);
	memset(s, 0, sizeof(*s));
}
