/* Document-model nodes: construction (internal) and navigation (public). */
#include "internal.h"
#include "array.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- construction --------------------------------------------------- */

static tmdk_node *node_new(tmdk__arena *a, tmdk_node_type type, unsigned int line, unsigned int column)
{
	/* Pointer-aligned, not 16: nodes pack at their size. Every field is set here. */
	tmdk_node *n = tmdk__arena_alloc_raw(a, sizeof(*n), sizeof(void *));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)type;
	n->line = line;
	n->column = column;
	return n;
}

tmdk_node *tmdk__node_scalar(tmdk__arena *a, const char *text, size_t len,
	tmdk_scalar_type type, unsigned int line, unsigned int column)
{
	tmdk_node *n = node_new(a, TMDK_NODE_SCALAR, line, column);
	if (!n)
		return NULL;
	n->scalar_type = (uint8_t)type;
	if (!text)
		len = 0;
	if (len < sizeof(n->u.scalar.inl)) {
		if (len)
			memcpy(n->u.scalar.inl, text, len);
		n->u.scalar.inl[len] = '\0';
		n->u.scalar.text = n->u.scalar.inl;
	} else {
		n->u.scalar.text = tmdk__arena_strndup(a, text, len);
	}
	n->u.scalar.len = len;
	return n->u.scalar.text ? n : NULL;
}

tmdk_node *tmdk__node_string(tmdk__arena *a, const char *text, unsigned int line, unsigned int column)
{
	return tmdk__node_scalar(a, text, strlen(text), TMDK_SCALAR_STRING, line, column);
}

tmdk_node *tmdk__node_plain(tmdk__arena *a, const char *text, size_t len, unsigned int line, unsigned int column)
{
	return tmdk__node_scalar(a, text, len, tmdk__scalar_resolve(text, len), line, column);
}

tmdk_node *tmdk__node_bool(tmdk__arena *a, int value, unsigned int line, unsigned int column)
{
	const char *t = value ? "true" : "false";
	return tmdk__node_scalar(a, t, strlen(t), TMDK_SCALAR_BOOL, line, column);
}

tmdk_node *tmdk__node_int(tmdk__arena *a, long long value, unsigned int line, unsigned int column)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", value);
	return tmdk__node_scalar(a, buf, (size_t)n, TMDK_SCALAR_INT, line, column);
}

tmdk_node *tmdk__node_null(tmdk__arena *a, unsigned int line, unsigned int column)
{
	return tmdk__node_scalar(a, "", 0, TMDK_SCALAR_NULL, line, column);
}

tmdk_node *tmdk__node_seq(tmdk__arena *a, unsigned int line, unsigned int column)
{
	return node_new(a, TMDK_NODE_SEQUENCE, line, column);
}

tmdk_node *tmdk__node_map(tmdk__arena *a, unsigned int line, unsigned int column)
{
	return node_new(a, TMDK_NODE_MAP, line, column);
}

/* Items, keys and values are arena arrays: a grown one leaves its old block
 * in the arena (at most as much again as the final size, since capacity
 * doubles). */

int tmdk__node_seq_push(tmdk__arena *a, tmdk_node *seq, tmdk_node *item)
{
	if (TMDK__ARRAY_RESERVE_ARENA(a, seq->u.seq.items, seq->u.seq.count, seq->u.seq.cap, 4) != TMDK_OK)
		return TMDK_ENOMEM;
	seq->u.seq.items[seq->u.seq.count++] = item;
	return TMDK_OK;
}

int tmdk__node_map_append(tmdk__arena *a, tmdk_node *map, tmdk_node *key, tmdk_node *value)
{
	if (map->u.map.count == map->u.map.cap) {
		/* keys and values share one capacity */
		size_t kcap = map->u.map.cap, vcap = map->u.map.cap;
		if (TMDK__ARRAY_RESERVE_ARENA(a, map->u.map.keys, map->u.map.count, kcap, 4) != TMDK_OK ||
		    TMDK__ARRAY_RESERVE_ARENA(a, map->u.map.values, map->u.map.count, vcap, 4) != TMDK_OK)
			return TMDK_ENOMEM;
		map->u.map.cap = kcap;
	}
	map->u.map.keys[map->u.map.count] = key;
	map->u.map.values[map->u.map.count] = value;
	map->u.map.count++;
	return TMDK_OK;
}

long tmdk__node_map_find(const tmdk_node *map, const char *key, size_t key_len)
{
	size_t i;
	if (!map || map->type != TMDK_NODE_MAP)
		return -1;
	/* Maps are small (a view's keys, a container's fields): a linear scan,
	 * the first byte compared inline before memcmp is called. */
	for (i = 0; i < map->u.map.count; i++) {
		const tmdk_node *k = map->u.map.keys[i];
		if (k && k->type == TMDK_NODE_SCALAR && k->u.scalar.len == key_len &&
		    (!key_len || k->u.scalar.text[0] == key[0]) && memcmp(k->u.scalar.text, key, key_len) == 0)
			return (long)i;
	}
	return -1;
}

int tmdk__node_map_put(tmdk__arena *a, tmdk_node *map, const char *key, tmdk_node *value)
{
	long i = tmdk__node_map_find(map, key, strlen(key));
	tmdk_node *k;
	if (i >= 0) {
		map->u.map.values[i] = value;
		return TMDK_OK;
	}
	k = tmdk__node_string(a, key, value ? value->line : map->line, value ? value->column : map->column);
	if (!k)
		return TMDK_ENOMEM;
	tmdk__node_from(k, value ? value : map);
	return tmdk__node_map_append(a, map, k, value);
}

/* ---- scalar resolution (YAML 1.2 core schema) ----------------------- */

static int is_one_of(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(s, *words, len) == 0)
			return 1;
	return 0;
}

static int all_in(const char *s, size_t len, const char *set)
{
	size_t i;
	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (!strchr(set, s[i]) || !s[i])
			return 0;
	return 1;
}

static int is_core_float(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') { i++; digits++; }
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') { i++; digits++; }
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') { i++; exp++; }
		if (!exp)
			return 0;
	}
	return i == len;
}

tmdk_scalar_type tmdk__scalar_resolve(const char *s, size_t len)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "true", "True", "TRUE", "false", "False", "FALSE", NULL };
	static const char *const specials[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
		"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL };
	size_t i = 0;

	/* Most scalars are words: only these first characters can start a non-string. */
	if (len && !strchr("~nNtTfF0123456789+-.", s[0]))
		return TMDK_SCALAR_STRING;
	if (len == 0 || is_one_of(s, len, nulls))
		return TMDK_SCALAR_NULL;
	if (is_one_of(s, len, bools))
		return TMDK_SCALAR_BOOL;
	if (len > 2 && s[0] == '0' && s[1] == 'x' && all_in(s + 2, len - 2, "0123456789abcdefABCDEF"))
		return TMDK_SCALAR_INT;
	if (len > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, len - 2, "01234567"))
		return TMDK_SCALAR_INT;
	if (s[0] == '-' || s[0] == '+')
		i = 1;
	if (all_in(s + i, len - i, "0123456789"))
		return TMDK_SCALAR_INT;
	if (is_core_float(s, len) || is_one_of(s, len, specials))
		return TMDK_SCALAR_FLOAT;
	return TMDK_SCALAR_STRING;
}

/* ---- navigation ----------------------------------------------------- */

tmdk_node_type tmdk_node_get_type(const tmdk_node *node)
{
	return node ? (tmdk_node_type)node->type : TMDK_NODE_NONE;
}

tmdk_scalar_type tmdk_node_scalar_type(const tmdk_node *node)
{
	if (!node || node->type != TMDK_NODE_SCALAR)
		return TMDK_SCALAR_NULL;
	return (tmdk_scalar_type)node->scalar_type;
}

const char *tmdk_node_text(const tmdk_node *node, size_t *len_out)
{
	if (!node || node->type != TMDK_NODE_SCALAR) {
		if (len_out)
			*len_out = 0;
		return NULL;
	}
	if (len_out)
		*len_out = node->u.scalar.len;
	return node->u.scalar.text;
}

unsigned int tmdk_node_line(const tmdk_node *node)
{
	return node ? node->line : 0;
}

unsigned int tmdk_node_column(const tmdk_node *node)
{
	return node ? node->column : 0;
}

const char *tmdk_node_tag(const tmdk_node *node)
{
	return node ? node->tag : NULL;
}

size_t tmdk_node_size(const tmdk_node *node)
{
	if (!node)
		return 0;
	if (node->type == TMDK_NODE_SEQUENCE)
		return node->u.seq.count;
	if (node->type == TMDK_NODE_MAP)
		return node->u.map.count;
	return 0;
}

const tmdk_node *tmdk_node_at(const tmdk_node *node, size_t index)
{
	if (!node)
		return NULL;
	if (node->type == TMDK_NODE_SEQUENCE && index < node->u.seq.count)
		return node->u.seq.items[index];
	if (node->type == TMDK_NODE_MAP && index < node->u.map.count)
		return node->u.map.values[index];
	return NULL;
}

const tmdk_node *tmdk_node_key_at(const tmdk_node *node, size_t index)
{
	if (node && node->type == TMDK_NODE_MAP && index < node->u.map.count)
		return node->u.map.keys[index];
	return NULL;
}

const tmdk_node *tmdk_node_getn(const tmdk_node *node, const char *key, size_t key_len)
{
	long i;
	if (!key)
		return NULL;
	i = tmdk__node_map_find(node, key, key_len);
	return i < 0 ? NULL : node->u.map.values[i];
}

const tmdk_node *tmdk_node_get(const tmdk_node *node, const char *key)
{
	return key ? tmdk_node_getn(node, key, strlen(key)) : NULL;
}

/* One bracket step: [N], [-N] or ["key"]. Returns the next position or NULL. */
static const char *path_bracket(const tmdk_node **cur, const char *p)
{
	const tmdk_node *n = *cur;
	p++; /* '[' */
	if (*p == '"' || *p == '\'') {
		char quote = *p++;
		const char *end = strchr(p, quote);
		if (!end || end[1] != ']')
			return NULL;
		*cur = tmdk_node_getn(n, p, (size_t)(end - p));
		return end + 2;
	} else {
		char *end;
		long long idx;
		size_t size = tmdk_node_size(n);
		errno = 0;
		idx = strtoll(p, &end, 10);
		if (end == p || *end != ']' || errno || !n || n->type != TMDK_NODE_SEQUENCE)
			return NULL;
		if (idx < 0)
			idx += (long long)size;
		if (idx < 0 || (unsigned long long)idx >= size)
			return NULL;
		*cur = n->u.seq.items[idx];
		return end + 1;
	}
}

const tmdk_node *tmdk_node_path(const tmdk_node *node, const char *path)
{
	const char *p = path;
	const tmdk_node *cur = node;

	if (!node || !path)
		return NULL;
	while (*p && cur) {
		if (*p == '[') {
			p = path_bracket(&cur, p);
			if (!p)
				return NULL;
		} else {
			size_t n = strcspn(p, ".[");
			if (n == 0)
				return NULL;
			cur = tmdk_node_getn(cur, p, n);
			p += n;
		}
		if (*p == '.') {
			p++;
			if (!*p || *p == '.' || *p == '[')
				return NULL;
		}
	}
	return *p ? NULL : cur;
}

int tmdk_node_text_equals(const tmdk_node *node, const char *text)
{
	if (!node || node->type != TMDK_NODE_SCALAR || !text)
		return 0;
	return node->u.scalar.len == strlen(text) && memcmp(node->u.scalar.text, text, node->u.scalar.len) == 0;
}

int tmdk_node_as_int(const tmdk_node *node, long long *out)
{
	const char *s;
	char *end;
	long long v;
	int base = 10;

	if (!node || node->type != TMDK_NODE_SCALAR || node->scalar_type != TMDK_SCALAR_INT || !out)
		return TMDK_EINVAL;
	s = node->u.scalar.text;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] == 'o') {
		base = 8;
		s += 2;
	}
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno || *end)
		return TMDK_EINVAL;
	*out = v;
	return TMDK_OK;
}

int tmdk_node_as_double(const tmdk_node *node, double *out)
{
	const char *s;
	long long i;

	if (!node || node->type != TMDK_NODE_SCALAR || !out)
		return TMDK_EINVAL;
	if (node->scalar_type == TMDK_SCALAR_INT) {
		if (tmdk_node_as_int(node, &i) != TMDK_OK)
			return TMDK_EINVAL;
		*out = (double)i;
		return TMDK_OK;
	}
	if (node->scalar_type != TMDK_SCALAR_FLOAT)
		return TMDK_EINVAL;
	s = node->u.scalar.text;
	if (strstr(s, "inf") || strstr(s, "Inf") || strstr(s, "INF"))
		*out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
	else if (strstr(s, "nan") || strstr(s, "NaN") || strstr(s, "NAN"))
		*out = NAN;
	else
		*out = strtod(s, NULL);
	return TMDK_OK;
}

int tmdk_node_as_bool(const tmdk_node *node, int *out)
{
	if (!node || node->type != TMDK_NODE_SCALAR || node->scalar_type != TMDK_SCALAR_BOOL || !out)
		return TMDK_EINVAL;
	*out = node->u.scalar.text[0] == 't' || node->u.scalar.text[0] == 'T';
	return TMDK_OK;
}
