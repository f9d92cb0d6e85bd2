/*
 * libtmdk — the document model.
 *
 * Every parsed artifact becomes one or more trees of map, sequence and scalar
 * nodes. Each node knows the line and column it came from (counting from 1).
 * Nodes live in the artifact's arena: they are valid until the artifact is
 * freed, are never modified after parsing, and may be read from any thread.
 * A node may appear in more than one place (YAML aliases, normalized views),
 * so a tree is really a DAG: do not assume a node has a single parent.
 *
 * Every accessor accepts NULL and answers "nothing" (0, NULL, TMDK_EINVAL),
 * so lookups can be chained: tmdk_node_get(tmdk_node_get(root, "spec"), "x").
 */
#ifndef TMDK_NODE_H
#define TMDK_NODE_H

#include "common.h"

TMDK_BEGIN_DECL

typedef struct tmdk_node tmdk_node;

typedef enum tmdk_node_type {
	TMDK_NODE_NONE = 0,     /**< returned for a NULL node */
	TMDK_NODE_SCALAR = 1,
	TMDK_NODE_SEQUENCE = 2,
	TMDK_NODE_MAP = 3
} tmdk_node_type;

/**
 * The resolved type of a scalar (YAML 1.2 core schema: `true`/`false`,
 * `null`/`~`/empty, decimal/octal `0o`/hex `0x` integers, floats with
 * `.inf`/`.nan`). Quoted scalars, and scalars with an explicit `!!str` tag,
 * are always strings.
 */
typedef enum tmdk_scalar_type {
	TMDK_SCALAR_STRING = 0,
	TMDK_SCALAR_INT = 1,
	TMDK_SCALAR_FLOAT = 2,
	TMDK_SCALAR_BOOL = 3,
	TMDK_SCALAR_NULL = 4
} tmdk_scalar_type;

TMDK_API tmdk_node_type tmdk_node_get_type(const tmdk_node *node);
/** The scalar's resolved type; TMDK_SCALAR_NULL for a non-scalar or NULL node. */
TMDK_API tmdk_scalar_type tmdk_node_scalar_type(const tmdk_node *node);
/**
 * The text of a scalar, NUL-terminated (it may also contain NUL bytes: use
 * len_out). NULL for maps, sequences and NULL. len_out may be NULL.
 */
TMDK_API const char *tmdk_node_text(const tmdk_node *node, size_t *len_out);
/** Source position, counting from 1 (0 for NULL). */
TMDK_API unsigned int tmdk_node_line(const tmdk_node *node);
TMDK_API unsigned int tmdk_node_column(const tmdk_node *node);
/** The explicit YAML tag (e.g. "tag:yaml.org,2002:str"), or NULL. */
TMDK_API const char *tmdk_node_tag(const tmdk_node *node);

/** Number of items of a sequence or entries of a map; 0 otherwise. */
TMDK_API size_t tmdk_node_size(const tmdk_node *node);
/** The index-th item of a sequence, or the index-th value of a map. */
TMDK_API const tmdk_node *tmdk_node_at(const tmdk_node *node, size_t index);
/** The index-th key of a map, NULL otherwise. */
TMDK_API const tmdk_node *tmdk_node_key_at(const tmdk_node *node, size_t index);
/** The value for a scalar key in a map, NULL if absent or not a map. */
TMDK_API const tmdk_node *tmdk_node_get(const tmdk_node *node, const char *key);
/** As tmdk_node_get with a key of explicit length. */
TMDK_API const tmdk_node *tmdk_node_getn(const tmdk_node *node, const char *key, size_t key_len);

/**
 * Follow a path from a node. Syntax: keys separated by dots, sequence
 * indexes in brackets (negative counts from the end, `[-1]` is the last
 * item), and keys that contain dots or brackets quoted in brackets:
 *   spec.template.spec.containers[0].image
 *   metadata.annotations["kubernetes.io/ingress.class"]
 *   items[-1]
 * @return the node, or NULL when the path does not exist or is malformed.
 */
TMDK_API const tmdk_node *tmdk_node_path(const tmdk_node *node, const char *path);

/** True (1) if the node is a scalar whose text equals `text`. */
TMDK_API int tmdk_node_text_equals(const tmdk_node *node, const char *text);
/** Integer value of an int scalar. @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_node_as_int(const tmdk_node *node, long long *out);
/** Numeric value of an int or float scalar. @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_node_as_double(const tmdk_node *node, double *out);
/** Value of a bool scalar (1 or 0). @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_node_as_bool(const tmdk_node *node, int *out);

TMDK_END_DECL

#endif /* TMDK_NODE_H */
