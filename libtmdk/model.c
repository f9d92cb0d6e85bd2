/*
 * The system model: the container. It gathers every document of a set, lets
 * each part of the model (model_int.h) add what it derives, in a fixed
 * order, and indexes the facts by document so the scanner finds a
 * document's facts with one binary search.
 */
#include "model_int.h"
#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tmdk__model_entry {
	const tmdk_node *view;
	const tmdk_node *facts;
} tmdk__model_entry;

struct tmdk_model {
	tmdk__arena arena;
	tmdk_node *root;
	tmdk_node *empty;            /* the facts of a document the model says nothing about */
	tmdk__model_entry *index;    /* documents with facts, sorted by view address */
	size_t count;
};

/* The parts, in order: later parts may read the facts of earlier ones. */
static int (*const model_parts[])(tmdk__model_builder *) = {
	tmdk__model_build_rbac,
	tmdk__model_build_network,
	tmdk__model_build_system,
	NULL
};

tmdk_node *tmdk__model_facts(tmdk__model_builder *b, size_t i, const tmdk_node *at)
{
	tmdk__model_doc *d = &b->docs[i];
	if (!d->facts) {
		if (!at)
			at = d->view;
		d->facts = tmdk__node_from(tmdk__node_map(b->arena, at->line, at->column), at);
	}
	return d->facts;
}

const tmdk_node *tmdk__model_facts_find(const tmdk__model_builder *b, size_t i, const char *key)
{
	long k;
	if (i >= b->doc_count || !b->docs[i].facts)
		return NULL;
	k = tmdk__node_map_find(b->docs[i].facts, key, strlen(key));
	return k < 0 ? NULL : b->docs[i].facts->u.map.values[k];
}

static int collect_documents(tmdk__model_builder *b, const tmdk_artifact *const *set, size_t count)
{
	size_t i, d, cap = 0;
	for (i = 0; i < count; i++) {
		if (!set[i])
			continue;
		for (d = 0; d < tmdk_artifact_document_count(set[i]); d++) {
			const tmdk_document *doc = tmdk_artifact_document(set[i], d);
			const tmdk_node *view = tmdk_document_view(doc);
			tmdk__model_doc *md;
			if (!view)
				continue;
			if (TMDK__ARRAY_RESERVE(b->docs, b->doc_count, cap, 16) != TMDK_OK)
				return TMDK_ENOMEM;
			md = &b->docs[b->doc_count++];
			md->artifact = set[i];
			md->doc = doc;
			md->view = view;
			md->facts = NULL;
		}
	}
	return TMDK_OK;
}

static int compare_entries(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const tmdk__model_entry *)a)->view;
	uintptr_t y = (uintptr_t)((const tmdk__model_entry *)b)->view;
	return x < y ? -1 : x > y;
}

static int index_facts(tmdk_model *m, const tmdk__model_builder *b)
{
	size_t i, n = 0;
	for (i = 0; i < b->doc_count; i++)
		n += b->docs[i].facts != NULL;
	if (n == 0)
		return TMDK_OK;
	m->index = tmdk__arena_alloc(&m->arena, n * sizeof(*m->index));
	if (!m->index)
		return TMDK_ENOMEM;
	for (i = 0; i < b->doc_count; i++)
		if (b->docs[i].facts) {
			m->index[m->count].view = b->docs[i].view;
			m->index[m->count].facts = b->docs[i].facts;
			m->count++;
		}
	qsort(m->index, m->count, sizeof(*m->index), compare_entries);
	return TMDK_OK;
}

static int build(tmdk_model *m, tmdk__model_builder *b, const tmdk_artifact *const *set, size_t count)
{
	size_t p;
	int rc;
	m->root = tmdk__node_map(&m->arena, 0, 0);
	m->empty = tmdk__node_map(&m->arena, 0, 0);
	if (!m->root || !m->empty ||
	    tmdk__node_map_put(&m->arena, m->root, "version", tmdk__node_int(&m->arena, 1, 0, 0)) != TMDK_OK)
		return TMDK_ENOMEM;
	b->arena = &m->arena;
	b->root = m->root;
	rc = collect_documents(b, set, count);
	for (p = 0; rc == TMDK_OK && model_parts[p]; p++)
		rc = model_parts[p](b);
	return rc == TMDK_OK ? index_facts(m, b) : rc;
}

int tmdk_model_new(tmdk_model **out, const tmdk_artifact *const *set, size_t count, tmdk_error *err)
{
	tmdk_model *m;
	tmdk__model_builder b;
	int rc;

	tmdk_error_clear(err);
	if (!out || (!set && count))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	m = tmdk__calloc(1, sizeof(*m));
	if (!m)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	tmdk__arena_init(&m->arena);
	memset(&b, 0, sizeof(b));
	b.err = err;
	rc = build(m, &b, set, count);
	tmdk__free(b.docs);
	if (rc != TMDK_OK) {
		tmdk_model_free(m);
		if (rc == TMDK_ENOMEM)
			return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
		return rc; /* the part that failed set err */
	}
	tmdk__arena_trim(&m->arena);
	*out = m;
	return TMDK_OK;
}

void tmdk_model_free(tmdk_model *m)
{
	if (!m)
		return;
	tmdk__arena_release(&m->arena);
	tmdk__free(m);
}

const tmdk_node *tmdk_model_root(const tmdk_model *m)
{
	return m ? m->root : NULL;
}

const tmdk_node *tmdk__model_facts_of_view(const tmdk_model *m, const tmdk_node *view)
{
	size_t lo = 0, hi;
	if (!m)
		return NULL;
	hi = m->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)m->index[mid].view < (uintptr_t)view)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->count && m->index[lo].view == view ? m->index[lo].facts : m->empty;
}

const tmdk_node *tmdk_model_facts(const tmdk_model *m, const tmdk_document *doc)
{
	if (!m || !doc)
		return NULL;
	return tmdk__model_facts_of_view(m, tmdk_document_view(doc));
}
