/*
 * libtmdk — artifacts: parsed Dockerfiles, compose files, Kubernetes
 * manifests, Docker daemon.json and `docker inspect` output.
 *
 * An artifact is parsed once from bytes (or a file), its kind detected from
 * the name and the content unless given. It holds one or more documents, each
 * with a raw tree (the file as written) and a normalized view (see
 * docs/document-model.md). An artifact is immutable once parsed and can be
 * shared between threads; one tmdk_artifact_free releases everything.
 */
#ifndef TMDK_ARTIFACT_H
#define TMDK_ARTIFACT_H

#include "common.h"
#include "errors.h"
#include "node.h"

TMDK_BEGIN_DECL

typedef enum tmdk_kind {
	TMDK_KIND_UNKNOWN = 0,       /**< not an artifact libtmdk knows; also "detect" in options */
	TMDK_KIND_DOCKERFILE = 1,
	TMDK_KIND_COMPOSE = 2,
	TMDK_KIND_KUBERNETES = 3,
	TMDK_KIND_DAEMON_JSON = 4,   /**< Docker daemon configuration (daemon.json) */
	TMDK_KIND_DOCKER_INSPECT = 5 /**< `docker inspect` output (a JSON array) */
} tmdk_kind;

#define TMDK_KIND_AUTO TMDK_KIND_UNKNOWN
/** The number of tmdk_kind values, TMDK_KIND_UNKNOWN included: the size of
 *  an array indexed by kind. */
#define TMDK_KIND_COUNT 6

/** "dockerfile", "compose", "kubernetes", "daemon-json", "docker-inspect" or "unknown". */
TMDK_API const char *tmdk_kind_name(tmdk_kind kind);
/** Parse a kind name (as printed by tmdk_kind_name). @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_kind_from_name(tmdk_kind *out, const char *name);

/* Default limits; 0 in tmdk_parse_options means "use the default". */
#define TMDK_DEFAULT_MAX_INPUT_BYTES ((size_t)64 * 1024 * 1024)
#define TMDK_DEFAULT_MAX_DEPTH 256u
#define TMDK_DEFAULT_MAX_ALIAS_NODES ((size_t)1000000)
#define TMDK_DEFAULT_MAX_DOCUMENTS 10000u
#define TMDK_DEFAULT_MAX_LINE_LENGTH ((size_t)1024 * 1024)
#define TMDK_DEFAULT_MAX_INSTRUCTIONS 100000u
#define TMDK_DEFAULT_MAX_HEREDOC_BYTES ((size_t)4 * 1024 * 1024)

#define TMDK_PARSE_OPTIONS_VERSION 1

/** tmdk_parse_options.flags: load YAML and JSON through libyaml alone. By
 *  default the block-structured YAML most manifests are written in is read
 *  by libtmdk's own loader, which yields exactly what libyaml would and
 *  hands everything else to libyaml; this flag is a baseline for benchmarks
 *  and a way around that loader should it ever be wrong. */
#define TMDK_PARSE_LIBYAML_ONLY 0x1u

/** How to parse an artifact. Initialize with TMDK_PARSE_OPTIONS_INIT. */
typedef struct tmdk_parse_options {
	unsigned int version;        /**< TMDK_PARSE_OPTIONS_VERSION */
	tmdk_kind kind;              /**< TMDK_KIND_AUTO: detect from name and content */
	unsigned int flags;          /**< TMDK_PARSE_* flags, or 0 */
	size_t max_input_bytes;      /**< largest input accepted */
	unsigned int max_depth;      /**< deepest YAML/JSON nesting */
	size_t max_alias_nodes;      /**< nodes reachable through YAML aliases and merges, in total */
	unsigned int max_documents;  /**< documents in one YAML stream (List items included) */
	size_t max_line_length;      /**< longest Dockerfile logical line (continuations joined) */
	unsigned int max_instructions; /**< Dockerfile instructions */
	size_t max_heredoc_bytes;    /**< largest Dockerfile heredoc body */
} tmdk_parse_options;

#define TMDK_PARSE_OPTIONS_INIT { TMDK_PARSE_OPTIONS_VERSION, TMDK_KIND_AUTO, 0, 0, 0, 0, 0, 0, 0, 0 }

/** Initialize options to defaults. @return TMDK_OK, or TMDK_EINVAL for an unknown version. */
TMDK_API int tmdk_parse_options_init(tmdk_parse_options *opts, unsigned int version);

typedef struct tmdk_artifact tmdk_artifact;
typedef struct tmdk_document tmdk_document;

/**
 * Detect the kind of an artifact from its name (may be NULL) and content.
 * Names decide first (Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile,
 * compose.y*ml, docker-compose*.y*ml, daemon.json); otherwise the content
 * (Kubernetes apiVersion+kind, a top-level services map, inspect arrays…).
 */
TMDK_API tmdk_kind tmdk_detect_kind(const char *name, const void *data, size_t len);

/**
 * Parse bytes. `name` (may be NULL) is used for detection and in messages.
 * The bytes are copied. An input of unknown kind parses successfully with
 * kind TMDK_KIND_UNKNOWN and no documents.
 * @param out receives the artifact (owned; free with tmdk_artifact_free), NULL on failure
 * @return TMDK_OK, TMDK_EPARSE, TMDK_ELIMIT, TMDK_ENOMEM or TMDK_EINVAL
 */
TMDK_API int tmdk_artifact_parse_buffer(tmdk_artifact **out, const char *name,
	const void *data, size_t len, const tmdk_parse_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;

/** Read and parse a file. @return as tmdk_artifact_parse_buffer, or TMDK_EIO. */
TMDK_API int tmdk_artifact_parse_file(tmdk_artifact **out, const char *path,
	const tmdk_parse_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;

/** Free an artifact, its documents and nodes. Accepts NULL. */
TMDK_API void tmdk_artifact_free(tmdk_artifact *artifact);

TMDK_API tmdk_kind tmdk_artifact_kind(const tmdk_artifact *artifact);
/** The name given at parse time ("" if none). */
TMDK_API const char *tmdk_artifact_name(const tmdk_artifact *artifact);
TMDK_API size_t tmdk_artifact_document_count(const tmdk_artifact *artifact);
/** The index-th document (borrowed, valid while the artifact lives), or NULL. */
TMDK_API const tmdk_document *tmdk_artifact_document(const tmdk_artifact *artifact, size_t index);

/** Number of source lines. */
TMDK_API size_t tmdk_artifact_line_count(const tmdk_artifact *artifact);
/** The text of source line `line` (from 1), without its line ending; NULL if out of range. */
TMDK_API const char *tmdk_artifact_line(const tmdk_artifact *artifact, unsigned int line, size_t *len_out);
/**
 * The comment on source line `line`, without the `#` and leading blanks:
 * a whole-line comment or the comment trailing a value. NULL if none.
 */
TMDK_API const char *tmdk_artifact_line_comment(const tmdk_artifact *artifact, unsigned int line);

/**
 * Problems that did not stop the parse (a duplicate key, whose last value
 * wins; an empty continuation line in a Dockerfile …).
 */
TMDK_API size_t tmdk_artifact_warning_count(const tmdk_artifact *artifact);
/** The index-th warning's message, and its position (out-params may be NULL). */
TMDK_API const char *tmdk_artifact_warning(const tmdk_artifact *artifact, size_t index,
	unsigned int *line_out, unsigned int *column_out);

/*
 * Derived artifacts. A merged compose project or a built kustomization is
 * a derived artifact: its documents are built from several parsed files,
 * its sources. Each node of a derived document keeps the line and column of
 * the file that set it; tmdk_artifact_node_source says which file that is,
 * and findings name that file (tmdk_finding_path) while the derived
 * artifact's own name is the unit's (the project's main file). A derived
 * artifact owns its sources: they live as long as it does. A parsed
 * artifact has no sources.
 */
/** Number of source artifacts of a derived artifact (0 for a parsed one). */
TMDK_API size_t tmdk_artifact_source_count(const tmdk_artifact *artifact);
/** The index-th source (borrowed, valid while `artifact` lives), or NULL. */
TMDK_API const tmdk_artifact *tmdk_artifact_source(const tmdk_artifact *artifact, size_t index);
/** The artifact whose text `node` (a node of one of artifact's documents)
 *  was written in: one of its sources for a derived node, else artifact. */
TMDK_API const tmdk_artifact *tmdk_artifact_node_source(const tmdk_artifact *artifact, const tmdk_node *node);

/** Position of the document in its stream (0-based; empty documents count). */
TMDK_API size_t tmdk_document_index(const tmdk_document *doc);
/** For an item of a Kubernetes `kind: List`, its position in `items`; -1 otherwise. */
TMDK_API long tmdk_document_item_index(const tmdk_document *doc);
/** The document as written (for a List item: the item). */
TMDK_API const tmdk_node *tmdk_document_root(const tmdk_document *doc);
/** The normalized view of the document (see docs/document-model.md). */
TMDK_API const tmdk_node *tmdk_document_view(const tmdk_document *doc);
/** First line of the document. */
TMDK_API unsigned int tmdk_document_line(const tmdk_document *doc);

TMDK_END_DECL

#endif /* TMDK_ARTIFACT_H */
