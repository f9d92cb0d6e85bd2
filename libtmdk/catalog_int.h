/*
 * libtmdk — private structures of the catalog compiler, the compiled
 * catalog and the matcher. The match language is documented in
 * patterns/README.md; this is its compiled form.
 */
#ifndef TMDK_CATALOG_INT_H
#define TMDK_CATALOG_INT_H

#include "internal.h"

typedef struct tmdk__regex tmdk__regex;
typedef struct tmdk__cond tmdk__cond;
typedef struct tmdk__scanner_state tmdk__eval;

/* ---- selectors (parsed by selector.c, evaluated by matcher.c) --------- */

typedef enum {
	TMDK__ROOT_CURRENT = 0,  /* $ or a relative path: the innermost scope */
	TMDK__ROOT_SCOPE,        /* $name / $outer / $doc: a scope by depth */
	TMDK__ROOT_RAW,          /* $raw: the document as written */
	TMDK__ROOT_SET,          /* $set: every document view of the scanned set */
	TMDK__ROOT_MODEL,        /* $model: the system model of the scanned set */
	TMDK__ROOT_FACTS         /* $facts: what the model says about the current document */
} tmdk__root;
/* The last value of each enum the compiled catalog format stores (catalog_load.c
 * rejects anything past it): keep them in step when adding a value. */
#define TMDK__ROOT_LAST TMDK__ROOT_FACTS

typedef enum {
	TMDK__STEP_KEY = 0,
	TMDK__STEP_ALL,          /* * or [*]: every value of a map / item of a sequence */
	TMDK__STEP_DESCEND,      /* **: the node and all its descendants */
	TMDK__STEP_KEYS,         /* ~: the keys of a map */
	TMDK__STEP_INDEX,        /* [n], [-n] */
	TMDK__STEP_FILTER        /* [?cond]: keep elements for which cond holds */
} tmdk__step_kind;
#define TMDK__STEP_LAST TMDK__STEP_FILTER

typedef struct tmdk__step {
	tmdk__step_kind kind;
	const char *key;
	size_t key_len;
	long index;
	tmdk__cond *filter;
} tmdk__step;

typedef struct tmdk__selector {
	tmdk__root root;
	int scope;               /* TMDK__ROOT_SCOPE: depth in the scope stack (0 = document) */
	tmdk__step *steps;
	size_t step_count;
	const char *text;        /* as written, for messages */
	size_t cache_slot;       /* 1 + slot of a $set selection computed once per scan call; 0: none */
} tmdk__selector;

/* ---- values and conditions (condition.c) ------------------------------ */

typedef struct tmdk__value {
	tmdk_scalar_type type;
	const char *text;
	size_t len;
	double number;
	int boolean;
} tmdk__value;

typedef enum {
	TMDK__COND_TRUE = 0,
	TMDK__COND_ALL,
	TMDK__COND_ANY,
	TMDK__COND_NOT,
	TMDK__COND_TEST,         /* path + predicate */
	TMDK__COND_SOME,         /* some: selector, where: cond */
	TMDK__COND_NONE,
	TMDK__COND_EVERY
} tmdk__cond_kind;
#define TMDK__COND_LAST TMDK__COND_EVERY

typedef enum {
	TMDK__PRED_EXISTS = 0,
	TMDK__PRED_ABSENT,
	TMDK__PRED_EQUALS,
	TMDK__PRED_NOT_EQUALS,
	TMDK__PRED_ONE_OF,
	TMDK__PRED_NOT_ONE_OF,
	TMDK__PRED_MATCHES,
	TMDK__PRED_NOT_MATCHES,
	TMDK__PRED_GT,
	TMDK__PRED_GTE,
	TMDK__PRED_LT,
	TMDK__PRED_LTE,
	TMDK__PRED_CONTAINS,
	TMDK__PRED_NOT_CONTAINS,
	TMDK__PRED_SAME_AS,
	TMDK__PRED_TYPE,
	TMDK__PRED_TRUTHY,       /* true / yes / on / 1 */
	TMDK__PRED_FALSY,        /* false / no / off / 0, or absent */
	TMDK__PRED_COUNT_GT,     /* more than n nodes selected */
	TMDK__PRED_COUNT_LT      /* fewer than n nodes selected */
} tmdk__pred;
#define TMDK__PRED_LAST TMDK__PRED_COUNT_LT

struct tmdk__cond {
	tmdk__cond_kind kind;
	unsigned int line, column;   /* in the catalog, for diagnostics */
	tmdk__cond **children;       /* ALL / ANY: children; NOT: children[0] */
	size_t child_count;
	tmdk__selector *sel;         /* TEST, SOME, NONE, EVERY */
	tmdk__pred pred;
	int every;                   /* TEST: every selected node must satisfy */
	int ignore_case;
	tmdk__value *values;         /* EQUALS / ONE_OF / CONTAINS / GT …: 1 or more */
	size_t value_count;
	tmdk__regex *regex;          /* MATCHES / NOT_MATCHES */
	tmdk__selector *other;       /* SAME_AS */
	tmdk__cond *where;           /* SOME / NONE / EVERY */
	/* SOME / NONE over a cached $set selection: which elements can satisfy
	 * `where` (set_plan.c); NULL when any of them can. */
	struct tmdk__plan *plan;
};

/* ---- candidate plans for cross-document quantifiers (set_plan.c) ----------- */

typedef enum {
	TMDK__PLAN_ANY_ELEMENT = 0,  /* no pruning */
	TMDK__PLAN_JOIN,             /* cond: same-as between an element path and an outer path */
	TMDK__PLAN_ELEMENT_TEST,     /* cond: looks at the element only */
	TMDK__PLAN_GUARD,            /* cond: looks at the enclosing scopes only: all or nothing */
	TMDK__PLAN_UNION,            /* parts: `any` */
	TMDK__PLAN_INTERSECT         /* parts: `all` */
} tmdk__plan_kind;

typedef struct tmdk__plan {
	tmdk__plan_kind kind;
	const tmdk__cond *cond;
	struct tmdk__plan **parts;
	size_t part_count;
	size_t slot;                 /* JOIN / ELEMENT_TEST: 1 + per-scan cache slot */
} tmdk__plan;

/* ---- templates (template.c) -------------------------------------------- */

typedef struct tmdk__template_part {
	const char *literal;         /* literal text, or NULL for a placeholder */
	size_t len;
	tmdk__selector *sel;         /* placeholder path, or NULL for {$match} */
} tmdk__template_part;

typedef struct tmdk__template {
	tmdk__template_part *parts;
	size_t part_count;
} tmdk__template;

/* ---- patterns and the catalog (catalog.c) -------------------------------- */

#define TMDK__MAX_SCOPES 8

/* One level of "for-each … where …", possibly nested with "then". */
typedef struct tmdk__match {
	tmdk__selector *for_each;    /* NULL: the document itself */
	const char *as;              /* scope name (also "$" inside) */
	tmdk__cond *where;           /* NULL: always */
	struct tmdk__match *then;
} tmdk__match;

struct tmdk_pattern {
	const char *id, *title, *description, *mitigation, *message_text;
	tmdk_question question;
	tmdk_risk risk;
	tmdk_severity severity;
	const char **stride;
	size_t stride_count;
	tmdk_reference *refs;
	size_t ref_count;
	unsigned int kinds;          /* bit (1 << tmdk_kind) */
	tmdk__match *match;
	tmdk__template message;
	tmdk_example *examples;
	size_t example_count;
	const char *file;
	unsigned int line, column;
	const char *catalog_name, *catalog_version;
	const tmdk_catalog *catalog;
	size_t index;                /* position in the catalog */
};

struct tmdk_catalog {
	int refs;                    /* atomic */
	tmdk__arena arena;           /* patterns, conditions, strings */
	tmdk_pattern **patterns;     /* sorted by id; arena */
	size_t pattern_count, pattern_cap;
	size_t *by_kind[TMDK_KIND_COUNT]; /* pattern indexes per artifact kind; arena */
	size_t by_kind_count[TMDK_KIND_COUNT];
	tmdk__regex **regexes;       /* owned; heap array */
	size_t regex_count, regex_cap;
	unsigned int match_limit, depth_limit;
	size_t set_slot_count;       /* cached $set selections (selector cache_slot) */
	size_t plan_slot_count;      /* cached join indexes and element tests (plan slot) */
	struct tmdk__catalog_index *index; /* catalog_index.c; NULL: every pattern of a kind is run */
	/* Everything above from pattern_count on is derived from the patterns by
	 * tmdk__catalog_finish, after compiling and after loading a compiled
	 * catalog alike: the compiled format stores none of it. */
};

/**
 * Build every derived structure of a catalog whose patterns are in place
 * (sorted by id): each pattern's index, the $set cache slots, the
 * cross-document plans, the pattern index (tmdk__catalog_index_build). The
 * compiler and the compiled-catalog loader both call it, last.
 * @return TMDK_OK or TMDK_ENOMEM.
 */
int tmdk__catalog_finish(tmdk_catalog *cat);

/* ---- the pattern index (catalog_index.c) ------------------------------------ */
/** Once the patterns are final and numbered (after compiling, after loading
 *  a compiled catalog): fill by_kind, by_kind_count and index (in the
 *  catalog's arena). @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__catalog_index_build(tmdk_catalog *cat);
/** The indexes of the patterns of `kind` a document with this view can
 *  match, ascending (catalog order): buf (room for `cap`) or by_kind[kind]. */
const size_t *tmdk__catalog_candidates(const tmdk_catalog *cat, tmdk_kind kind, const tmdk_node *view, size_t *buf,
	size_t cap, size_t *count);

/* The built-in meta patterns: suppressions without a reason, of unknown
 * patterns, and (when asked for) that suppress nothing. */
#define TMDK__SUPPRESSION_PATTERN_ID "TMDK-META-001"
#define TMDK__UNKNOWN_IGNORE_PATTERN_ID "TMDK-META-002"
#define TMDK__UNUSED_IGNORE_PATTERN_ID "TMDK-META-003"

/* ---- regex (regex.c: the only file that includes pcre2.h) ---------------- */
/* A catalog's regexes are made by tmdk__cctx_regex (below) and freed with the catalog. */
void tmdk__regex_free(tmdk__regex *rx);
/** A regex of a loaded catalog: `src` (len bytes, in the catalog's arena) is
 *  compiled on first match; registered with (and freed with) `cat`, which
 *  hands out one regex for every use of the same source. */
int tmdk__regex_new_lazy(tmdk_catalog *cat, tmdk__regex **out, const char *src, size_t len);
/** The regex as written in the catalog (what a compiled catalog stores). */
const char *tmdk__regex_source(const tmdk__regex *rx, size_t *len);
typedef struct tmdk__regex_ctx tmdk__regex_ctx;
tmdk__regex_ctx *tmdk__regex_ctx_new(unsigned int match_limit, unsigned int depth_limit);
void tmdk__regex_ctx_free(tmdk__regex_ctx *ctx);
/** The subjects matched so far may go away or change: answer no repeat from
 *  before this call (a new document). */
void tmdk__regex_ctx_forget(tmdk__regex_ctx *ctx);
/** 1 match (*start,*end set), 0 no match, TMDK_ELIMIT when a limit was hit, TMDK_EREGEX otherwise. */
int tmdk__regex_match(const tmdk__regex *rx, tmdk__regex_ctx *ctx, const char *subject, size_t len,
	size_t *start, size_t *end);

/* ---- parsing the language (selector.c; condition.c: conditions, templates) */

/* Where compile problems go: implemented by the compiler. */
typedef struct tmdk__cctx {
	tmdk__arena *arena;
	tmdk_catalog *catalog;       /* regexes are registered here */
	const char *file;
	const char *pattern_id;
	unsigned int kinds;
	const char *scopes[TMDK__MAX_SCOPES]; /* names visible at this point; [0] = "doc" */
	int depth;                   /* innermost scope */
	size_t max_regex_length;
	int errors;
	void (*report)(struct tmdk__cctx *cc, tmdk_diag_level level, int code,
		const tmdk_node *at, const char *fmt, ...) TMDK__PRINTF(5, 6);
	void *owner;
} tmdk__cctx;

/** Parse a selector; NULL after reporting a diagnostic at `at`. */
tmdk__selector *tmdk__selector_parse(tmdk__cctx *cc, const char *text, const tmdk_node *at);
/** Does the selector depend only on the node it starts from (a relative path
 *  whose filters are relative too)? */
int tmdk__selector_scope_free(const tmdk__selector *sel);
/** Is the selection the same for every document of a scan call (a $set
 *  selector with scope-free filters), so that it can be cached once? */
int tmdk__selector_cacheable(const tmdk__selector *sel);
tmdk__cond *tmdk__cond_parse(tmdk__cctx *cc, const tmdk_node *node);
tmdk__match *tmdk__match_parse(tmdk__cctx *cc, const tmdk_node *node);
int tmdk__template_parse(tmdk__cctx *cc, tmdk__template *out, const tmdk_node *node);
/**
 * The one path for every regex of a catalog (a `matches:` value, a `=~`
 * filter in a selector): check max_regex_length, compile, register the code
 * with cc->catalog (freed with it; a source seen before gets the regex
 * already registered). On failure a diagnostic is reported at
 * `at` (`selector`: the selector holding the regex, NULL for a predicate).
 * @return TMDK_OK, TMDK_ELIMIT, TMDK_EREGEX or TMDK_ENOMEM.
 */
int tmdk__cctx_regex(tmdk__cctx *cc, tmdk__regex **out, const char *src, size_t len, const tmdk_node *at,
	const char *selector);

/* ---- evaluation (matcher.c: selectors, conditions, templates) ---------- */

/* A scope: the element a for-each / some / every is looking at. */
typedef struct tmdk__scope {
	const tmdk_node *node;
} tmdk__scope;

/* What made a condition true: the most specific node, and for regexes the match. */
typedef struct tmdk__witness {
	const tmdk_node *node;
	size_t match_start, match_end;
	int has_match;
} tmdk__witness;

struct tmdk__scanner_state {
	tmdk__regex_ctx *rx;
	const tmdk_node **stack;     /* selection results, used as a stack */
	size_t top, cap;
	const tmdk_node *raw;        /* current document root */
	const tmdk_node *set;        /* sequence of every document view */
	tmdk__scope scopes[TMDK__MAX_SCOPES + 1];
	int depth;
	int limit_hit;               /* a regex or the set-visit budget hit its limit */
	const tmdk_pattern *limit_pattern;
	int limit_was_set;           /* limit_pattern hit max_set_visits, not a regex limit */
	int nomem;
	/* cross-document work (set_cache.c) */
	struct tmdk__set_cache *set_cache; /* per scan call; NULL: evaluate every time */
	size_t set_visits;           /* documents of the set visited by the current pattern */
	unsigned long set_call;      /* the scan call: cached work done in an earlier call over the
	                              * same set is charged again once in this one (set_cache.c) */
	size_t max_set_visits;
	int set_limit_hit;
	/* the system model ($model, $facts): given, or built on first use per scan call */
	const tmdk_model *model;
	struct tmdk__eval_model *model_source; /* the scanner's: set, own model (scanner.c) */
	const tmdk_node *facts;      /* of the current document; NULL until first asked */
};

/** The model of the scanned set, built on first use (scanner.c). NULL when
 *  it could not be built (ev->nomem set). */
const tmdk_model *tmdk__eval_model(tmdk__eval *ev);
/** $facts: the current document's facts (an empty map when none). */
const tmdk_node *tmdk__eval_facts(tmdk__eval *ev);

/** Select nodes; results pushed on ev->stack from index *first to ev->top. */
int tmdk__select(tmdk__eval *ev, const tmdk__selector *sel, size_t *first);
/** Push one node on ev->stack. @return 0, or TMDK_ENOMEM (ev->nomem set). */
int tmdk__eval_push(tmdk__eval *ev, const tmdk_node *n);
/** The same, never from the set cache (set_cache.c fills the cache with it). */
int tmdk__select_nodes(tmdk__eval *ev, const tmdk__selector *sel, size_t *first);
/* ---- cross-document work (set_cache.c) ------------------------------------ */
/** Give every document of the set a slot for the catalog's cached selections
 *  and join indexes; allocated in `arena`, valid for one scan call. */
int tmdk__set_cache_init(tmdk__eval *ev, tmdk__arena *arena, const tmdk_catalog *catalog);
/** tmdk__select for a selector with a cache_slot. */
int tmdk__set_cache_select(tmdk__eval *ev, const tmdk__selector *sel, size_t *first);
/** Push the elements of c's $set selection that c->plan leaves as
 *  candidates for its `where`, in selection order. */
int tmdk__set_plan_select(tmdk__eval *ev, const tmdk__cond *c, size_t *first);
/** Count `n` visits of set documents against max_set_visits: 0 past the budget
 *  (the pattern's evaluation must stop), 1 otherwise. */
int tmdk__set_charge(tmdk__eval *ev, size_t n);
/** When finishing a catalog: plan the candidates of a some/none over a cached
 *  $set selection (c->plan). @return 0, or TMDK_ENOMEM after reporting it. */
int tmdk__set_plan_make(tmdk__cctx *cc, tmdk__cond *c, int where_depth, const tmdk_node *at);
/** Evaluate a condition in the current scope. 1 true, 0 false. */
int tmdk__cond_eval(tmdk__eval *ev, const tmdk__cond *c, tmdk__witness *w);
/** Render a template in the current scope into a heap string. */
char *tmdk__template_render(tmdk__eval *ev, const tmdk__template *t, const tmdk__witness *w);

#endif /* TMDK_CATALOG_INT_H */
