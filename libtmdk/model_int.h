/*
 * libtmdk — private to the system model: the builder that model.c hands to
 * each part of the model in turn. Each part adds one key under the model's
 * root and facts under the documents it describes:
 *
 *   model_rbac.c      $model.rbac     facts key "rbac"      (grants, subjects, workloads' service accounts)
 *   model_network.c   $model.network  facts key "network"   (NetworkPolicy selection, isolation)
 *   model_system*.c   $model.components, .exposures, .zones, .data, .flows
 *                                      facts key "component"
 *
 * Parts run in that order, so later parts may read what earlier ones put in
 * the facts (tmdk__model_facts_find).
 */
#ifndef TMDK_MODEL_INT_H
#define TMDK_MODEL_INT_H

#include "internal.h"
#include "tmdk/model.h"

typedef struct tmdk__model_doc {
	const tmdk_artifact *artifact;
	const tmdk_document *doc;
	const tmdk_node *view;       /* tmdk_document_view(doc); the index key */
	tmdk_node *facts;            /* NULL until a part adds a fact */
} tmdk__model_doc;

typedef struct tmdk__model_builder {
	tmdk__arena *arena;          /* every node of the model lives here */
	tmdk_node *root;             /* $model: a map */
	tmdk__model_doc *docs;       /* every document of the set, in set order */
	size_t doc_count;
	tmdk_error *err;
} tmdk__model_builder;

/**
 * The facts map of docs[i], created on first use and positioned at `at`
 * (a node of that document: its view or the node the facts are about).
 * NULL when out of memory.
 */
tmdk_node *tmdk__model_facts(tmdk__model_builder *b, size_t i, const tmdk_node *at);

/** The fact `key` already recorded for docs[i], or NULL. */
const tmdk_node *tmdk__model_facts_find(const tmdk__model_builder *b, size_t i, const char *key);

/* The parts, in the order model.c runs them. Each returns TMDK_OK or an error code. */
int tmdk__model_build_rbac(tmdk__model_builder *b);
int tmdk__model_build_network(tmdk__model_builder *b);
int tmdk__model_build_system(tmdk__model_builder *b);

/* For the scanner: the facts of the document whose view is `view` (an empty map when none). */
const tmdk_node *tmdk__model_facts_of_view(const tmdk_model *m, const tmdk_node *view);

#endif
