/*
 * libtmdk — private declarations of the kustomize build (kustomize*.c).
 * Nodes of a build live in the built artifact's arena; they are mutated in
 * place while the build runs (patches, transformers) and frozen once the
 * built artifact is normalized.
 */
#ifndef TMDK_KUSTOMIZE_INT_H
#define TMDK_KUSTOMIZE_INT_H

#include "internal.h"

/* One object of a build. */
typedef struct tmdk__kz_res {
	tmdk_node *root;
	const char *orig_name;  /* metadata.name when loaded or generated */
	int needs_hash;         /* a generated ConfigMap/Secret whose name gets the content hash */
} tmdk__kz_res;

typedef struct tmdk__kz_resmap {
	tmdk__kz_res *items;    /* heap */
	size_t count, cap;
} tmdk__kz_resmap;

/* ---- node helpers (kustomize_patch.c) -------------------------------- */
/** The value of a string key of a map, or NULL. */
tmdk_node *tmdk__kz_get(const tmdk_node *map, const char *key);
/** The scalar text of map[key] (NUL-terminated for nodes of a build), or NULL. */
const char *tmdk__kz_str(const tmdk_node *map, const char *key);
/** Walk a dotted path of map keys ("metadata.name"), or NULL. */
tmdk_node *tmdk__kz_path(const tmdk_node *map, const char *dotted);
/** The map at dotted path, created (maps, at `at`'s position and origin) when absent.
 *  NULL on ENOMEM or when something on the path is not a map. */
tmdk_node *tmdk__kz_path_map(tmdk__arena *a, tmdk_node *map, const char *dotted, const tmdk_node *at);
/** 1 when something on the dotted path exists and is neither a map nor null
 *  (tmdk__kz_path_map cannot make the path: the transformer skips the object). */
int tmdk__kz_path_blocked(const tmdk_node *map, const char *dotted);
/** Remove map entry i. */
void tmdk__kz_map_remove(tmdk_node *map, size_t i);
/** Remove sequence item i. */
void tmdk__kz_seq_remove(tmdk_node *seq, size_t i);
/** Insert into a sequence at i (<= count). @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__kz_seq_insert(tmdk__arena *a, tmdk_node *seq, size_t i, tmdk_node *item);
/** Deep copy within an arena (positions and origins kept). NULL on ENOMEM. */
tmdk_node *tmdk__kz_clone(tmdk__arena *a, const tmdk_node *n);
/** Scalar equality of text (and node type). */
int tmdk__kz_equal(const tmdk_node *x, const tmdk_node *y);
/** A string scalar made from text, with `at`'s position and origin. */
tmdk_node *tmdk__kz_string_at(tmdk__arena *a, const char *text, const tmdk_node *at);

/** Strategic-merge `patch` (a map) into *target (may be replaced: `$patch: replace`).
 *  msg receives a reason on TMDK_EPARSE. @return TMDK_OK, TMDK_EPARSE, TMDK_ENOMEM. */
int tmdk__kz_smp(tmdk__arena *a, tmdk_node **target, const tmdk_node *patch, char *msg, size_t msg_size,
	const tmdk_node **where);
/** Apply a JSON 6902 operation list to *target. @return TMDK_OK, TMDK_EPARSE (msg, *where set), TMDK_ENOMEM. */
int tmdk__kz_json6902(tmdk__arena *a, tmdk_node **target, const tmdk_node *ops, char *msg, size_t msg_size,
	const tmdk_node **where);

/* ---- transformers (kustomize_transform.c) ---------------------------- */
/** Is kind cluster-scoped (no namespace)? */
int tmdk__kz_cluster_scoped(const char *kind);
int tmdk__kz_set_namespace(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *ns);
int tmdk__kz_name_affix(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *prefix, const tmdk_node *suffix);
/** Labels (pairs: a map) into metadata, and selectors/templates when asked. */
int tmdk__kz_labels(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *pairs, int selectors, int templates);
int tmdk__kz_annotations(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *pairs);
/** One `images` entry. */
int tmdk__kz_image(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *entry);
/** One `replicas` entry. */
int tmdk__kz_replicas(tmdk__arena *a, tmdk__kz_resmap *rm, const tmdk_node *entry);
/** Rewrite references to ConfigMaps, Secrets, ServiceAccounts, PVCs and Services
 *  renamed by prefixes, suffixes and hashes. */
int tmdk__kz_fix_references(tmdk__arena *a, tmdk__kz_resmap *rm);
/** Append the content hash to generated names. */
int tmdk__kz_hash_names(tmdk__arena *a, tmdk__kz_resmap *rm);

/** SHA-256 of data as 64 lowercase hex digits + NUL. */
void tmdk__sha256_hex(const void *data, size_t len, char out[65]);

#endif /* TMDK_KUSTOMIZE_INT_H */
