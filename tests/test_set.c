/*
 * Cross-document evaluation ($set): cached selections and candidate plans
 * give exactly the findings of the naive evaluation, keep the work linear,
 * and the max_set_visits budget stops what cannot be planned.
 */
#include "catalog_helpers.h"
#include "scan_int.h"

#define KK TMDK_KIND_KUBERNETES

/* ---- generated sets ------------------------------------------------------------ */

typedef struct gen {
	char *text;
	size_t len, cap;
	unsigned long seed;
} gen;

static unsigned int next(gen *g, unsigned int n)
{
	g->seed = g->seed * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned int)((g->seed >> 33) % n);
}

static void add(gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->text + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		cr_assert_geq(n, 0);
		if ((size_t)n < g->cap - g->len)
			break;
		g->cap = g->cap * 2 + (size_t)n + 1;
		g->text = realloc(g->text, g->cap);
		cr_assert_not_null(g->text);
	}
	g->len += (size_t)n;
}

static void add_namespace(gen *g, unsigned int spread)
{
	unsigned int r = next(g, spread + 2);
	if (r == 0)
		return; /* no namespace: `default` for namespaced kinds */
	if (r == 1)
		add(g, "  namespace: default\n");
	else
		add(g, "  namespace: ns%u\n", r - 2);
}

/* A random mix of the kinds cross-document patterns relate. */
static char *mixed_set(unsigned long seed, size_t docs, unsigned int spread)
{
	gen g = { NULL, 0, 0, seed };
	size_t i;

	g.cap = 1024;
	g.text = malloc(g.cap);
	cr_assert_not_null(g.text);
	g.text[0] = '\0';
	for (i = 0; i < docs; i++) {
		unsigned int r = next(&g, 20), sa = next(&g, 6);
		if (i)
			add(&g, "---\n");
		if (r < 11) {
			add(&g, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p%zu\n", i);
			add_namespace(&g, spread);
			add(&g, "spec:\n");
			if (next(&g, 3))
				add(&g, "  serviceAccountName: %s%u\n", next(&g, 4) ? "sa" : "SA", sa);
			if (!next(&g, 4))
				add(&g, "  automountServiceAccountToken: false\n");
			add(&g, "  containers:\n  - name: c\n    image: app:1.%u\n", sa);
			if (next(&g, 2))
				add(&g, "    resources: {limits: {memory: 64Mi, cpu: 100m}, requests: {memory: 64Mi, cpu: 50m}}\n");
		} else if (r < 15) {
			add(&g, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n", next(&g, 5) ? "default" : "sa1");
			add_namespace(&g, spread);
			if (next(&g, 2))
				add(&g, "automountServiceAccountToken: %s\n", next(&g, 3) ? "false" : "true");
		} else if (r == 15) {
			add(&g, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np%zu\n", i);
			add_namespace(&g, spread);
			add(&g, "spec: {podSelector: {}}\n");
		} else if (r < 18) {
			add(&g, "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr%zu\n", i);
			add_namespace(&g, spread);
			add(&g, "spec: {limits: [{type: Container, default: {memory: 128Mi}, defaultRequest: {cpu: 10m}}]}\n");
		} else {
			add(&g, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole%s\nmetadata: {name: role%u}\n",
				sa % 2 ? "Binding" : "", sa / 2);
			if (sa % 2)
				add(&g, "roleRef: {kind: ClusterRole, name: role%u, apiGroup: rbac.authorization.k8s.io}\n"
					"subjects: [{kind: ServiceAccount, name: sa%u, namespace: ns0}]\n", sa / 2, sa);
			else
				add(&g, "rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [list]}]\n");
		}
	}
	return g.text;
}

/* ---- scanning ------------------------------------------------------------------ */

typedef struct fingerprint {
	char *text;
	size_t len, cap;
	size_t count;
	size_t per_pattern_hits;     /* findings of `watch` */
	const char *watch;
} fingerprint;

static int fingerprint_cb(const tmdk_finding *f, void *payload)
{
	fingerprint *fp = payload;
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s|%zu|%u|%u|%s|%s|%d\n", tmdk_finding_path(f), tmdk_finding_document(f),
		tmdk_finding_line(f), tmdk_finding_column(f), tmdk_pattern_id(tmdk_finding_pattern(f)),
		tmdk_finding_message(f), tmdk_finding_suppressed(f));
	cr_assert(n > 0 && (size_t)n < sizeof(line));
	if (fp->len + (size_t)n + 1 > fp->cap) {
		fp->cap = (fp->len + (size_t)n + 1) * 2;
		fp->text = realloc(fp->text, fp->cap);
		cr_assert_not_null(fp->text);
	}
	memcpy(fp->text + fp->len, line, (size_t)n + 1);
	fp->len += (size_t)n;
	fp->count++;
	if (fp->watch && strcmp(fp->watch, tmdk_pattern_id(tmdk_finding_pattern(f))) == 0)
		fp->per_pattern_hits++;
	return 0;
}

/* Scan artifacts as one set, naively or not; the findings in order, as text. */
static int scan_fingerprint(const tmdk_catalog *cat, tmdk_artifact **set, size_t n, int naive,
	const tmdk_scan_options *o, fingerprint *fp, tmdk_error *err)
{
	tmdk_scanner *s;
	int rc;
	cr_assert_eq(tmdk_scanner_new(&s, cat, o, err), TMDK_OK);
	tmdk__scanner_set_naive(s, naive);
	rc = tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)set, n, fingerprint_cb, fp, err);
	tmdk_scanner_free(s);
	return rc;
}

static tmdk_catalog *builtin(void)
{
	tmdk_compiler *c;
	tmdk_catalog *cat;
	tmdk_error err;
	cr_assert_eq(tmdk_compiler_new(&c, NULL, &err), TMDK_OK);
	cr_assert_eq(tmdk_compiler_add_builtin(c, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(tmdk_compiler_compile(&cat, c, &err), TMDK_OK, "%s", err.message);
	tmdk_compiler_free(c);
	return cat;
}

/* Split a generated stream into `parts` artifacts at document boundaries. */
static size_t parse_parts(const char *text, size_t parts, tmdk_artifact **out)
{
	size_t len = strlen(text), i, from = 0, n = 0;
	for (i = 1; i <= parts; i++) {
		size_t to = len * i / parts;
		const char *cut;
		char name[32], *part;
		tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
		tmdk_error err;
		if (i < parts && (cut = strstr(text + to, "\n---\n")))
			to = (size_t)(cut - text) + 1;
		else
			to = len;
		if (to <= from)
			continue;
		part = strndup(text + from, to - from);
		snprintf(name, sizeof(name), "part%zu.yaml", i);
		o.kind = KK;
		o.max_documents = 100000;
		cr_assert_eq(tmdk_artifact_parse_buffer(&out[n], name, part, strlen(part), &o, &err), TMDK_OK,
			"%s:%u: %s", name, err.line, err.message);
		n++;
		free(part);
		from = to;
	}
	return n;
}

static void free_parts(tmdk_artifact **set, size_t n)
{
	while (n)
		tmdk_artifact_free(set[--n]);
}

static void assert_same_as_naive(const tmdk_catalog *cat, const char *text, size_t parts, const char *watch,
	size_t *watch_hits, char **findings)
{
	tmdk_artifact *set[8];
	fingerprint fast = { 0 }, slow = { 0 };
	tmdk_error err;
	size_t n = parse_parts(text, parts, set);

	fast.watch = slow.watch = watch;
	cr_assert_eq(scan_fingerprint(cat, set, n, 0, NULL, &fast, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(scan_fingerprint(cat, set, n, 1, NULL, &slow, &err), TMDK_OK, "%s", err.message);
	cr_assert_gt(slow.count, 0);
	cr_assert_eq(fast.count, slow.count, "%zu findings planned, %zu naive", fast.count, slow.count);
	cr_assert(strcmp(fast.text, slow.text) == 0, "planned and naive findings differ");
	if (watch_hits)
		*watch_hits = fast.per_pattern_hits;
	if (findings)
		*findings = fast.text;
	else
		free(fast.text);
	free(slow.text);
	free_parts(set, n);
}

/* ---- the built-in catalog ---------------------------------------------------------- */

Test(set, builtin_catalog_gives_the_naive_findings_on_mixed_sets)
{
	static const char *const cross[] = { "TMDK-K8S-051", NULL };
	tmdk_catalog *cat = builtin();
	unsigned long seed;
	for (seed = 1; seed <= 6; seed++) {
		char *text = mixed_set(seed, 300 + 100 * seed, 5 * (unsigned int)seed + 10);
		size_t hits = 0;
		assert_same_as_naive(cat, text, 1 + seed % 4, cross[0], &hits, NULL);
		cr_log_info("seed %lu: %zu findings of %s", seed, hits, cross[0]);
		/* The NetworkPolicy pattern must really discriminate on these sets. */
		cr_assert_gt(hits, 0, "seed %lu", seed);
		free(text);
	}
	tmdk_catalog_free(cat);
}

/* ---- every plan shape, against the naive evaluation ---------------------------------- */

#define PATTERN(id, match) \
	"  - id: " id "\n" \
	"    title: t\n    question: what-are-we-going-to-do\n    risk: segregation-of-duties\n    severity: low\n" \
	"    description: d\n    mitigation: m\n    applies-to: [kubernetes]\n" \
	"    match: " match "\n" \
	"    message: \"" id " {$doc.name} {$match}\"\n"

static const char shapes[] = CATALOG_HEADER
	/* JOIN, case-insensitive, inside all: with an element test and a guard */
	PATTERN("SET-JOIN", "{where: {all: [{path: kind, equals: Pod}, {some: '$set[?kind == ServiceAccount]',"
		" where: {all: [{path: name, same-as: $doc.pod_spec.serviceAccountName, ignore-case: true},"
		" {path: automountServiceAccountToken, falsy: true}, {path: $doc.namespace, exists: true}]}}]}}")
	/* UNION of a join and guarded element tests (the same-namespace shape) */
	PATTERN("SET-UNION", "{where: {all: [{path: kind, equals: Pod}, {none: '$set[?kind == NetworkPolicy]',"
		" where: {any: [{path: namespace, same-as: $doc.namespace},"
		" {all: [{path: namespace, absent: true}, {path: $doc.namespace, absent: true}]},"
		" {all: [{path: namespace, equals: default}, {path: $doc.namespace, absent: true}]}]}}]}}")
	/* an element test with a regex, as a whole where */
	PATTERN("SET-ELEMENT", "{where: {all: [{path: kind, equals: Pod}, {some: '$set[?kind == Pod]',"
		" where: {path: name, matches: '^p[0-9]*7$'}}]}}")
	/* a where that cannot be planned: a nested quantifier and a not */
	PATTERN("SET-NESTED", "{where: {all: [{path: kind, equals: LimitRange}, {some: '$set[?kind == Pod]',"
		" where: {all: [{not: {path: namespace, same-as: $doc.namespace}},"
		" {some: 'containers[*]', where: {path: image, same-as: '$outer.containers[0].image'}}]}}]}}")
	/* every: never pruned */
	PATTERN("SET-EVERY", "{where: {all: [{path: kind, equals: NetworkPolicy}, {every: '$set[?kind == NetworkPolicy]',"
		" where: {path: spec, exists: true}}]}}")
	/* a for-each over the set and a join whose outer side is a list */
	PATTERN("SET-FOREACH", "{for-each: '$set[?kind == ClusterRoleBinding]', as: b, where: {all: ["
		"{path: $doc.kind, equals: ClusterRole}, {path: role_ref.name, same-as: $doc.name}]}}")
	/* a $set filter that looks at the document: not cached */
	PATTERN("SET-SCOPED", "{where: {all: [{path: kind, equals: ServiceAccount}, {some: '$set[?$doc.name == default]',"
		" where: {path: kind, equals: LimitRange}}]}}")
	/* a join whose outer side selects several values */
	PATTERN("SET-MULTI", "{where: {all: [{path: kind, equals: ClusterRoleBinding}, {some: '$set[?kind == ServiceAccount]',"
		" where: {path: name, same-as: '$doc.subjects[*].name'}}]}}");

Test(set, every_plan_shape_gives_the_naive_findings)
{
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(shapes, 0, &c, &err);
	unsigned long seed;
	if (!cat)
		dump_diagnostics(c);
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	for (seed = 11; seed <= 16; seed++) {
		static const char *const ids[] = { "SET-JOIN ", "SET-UNION ", "SET-ELEMENT ", "SET-NESTED ", "SET-EVERY ",
			"SET-FOREACH ", "SET-SCOPED ", "SET-MULTI ", NULL };
		char *text = mixed_set(seed, 250, 12), *found;
		size_t i;
		assert_same_as_naive(cat, text, 1 + seed % 3, NULL, NULL, &found);
		/* Each shape fires on these sets (the comparison is not vacuous). */
		for (i = 0; ids[i]; i++)
			cr_assert(strstr(found, ids[i]), "seed %lu: no finding of %s", seed, ids[i]);
		free(found);
		free(text);
	}
	tmdk_catalog_free(cat);
}

Test(set, plans_are_made_only_where_they_are_exact)
{
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(shapes, 0, &c, &err);
	const tmdk__cond *q;
	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	/* SET-JOIN: all: [kind test, some …]: the some has an INTERSECT plan of
	 * JOIN, ELEMENT_TEST and GUARD. */
	q = tmdk_catalog_find(cat, "SET-JOIN")->match->where->children[1];
	cr_assert_not_null(q->plan);
	cr_assert_eq(q->plan->kind, TMDK__PLAN_INTERSECT);
	cr_assert_eq(q->plan->part_count, 3);
	cr_assert_eq(q->plan->parts[0]->kind, TMDK__PLAN_JOIN);
	cr_assert_eq(q->plan->parts[1]->kind, TMDK__PLAN_ELEMENT_TEST);
	cr_assert_eq(q->plan->parts[2]->kind, TMDK__PLAN_GUARD);
	q = tmdk_catalog_find(cat, "SET-UNION")->match->where->children[1];
	cr_assert_eq(q->plan->kind, TMDK__PLAN_UNION);
	cr_assert_eq(q->plan->part_count, 3);
	cr_assert_eq(q->plan->parts[1]->kind, TMDK__PLAN_INTERSECT);
	q = tmdk_catalog_find(cat, "SET-ELEMENT")->match->where->children[1];
	cr_assert_eq(q->plan->kind, TMDK__PLAN_ELEMENT_TEST);
	/* not and nested quantifiers mix both sides: no plan. */
	cr_assert_null(tmdk_catalog_find(cat, "SET-NESTED")->match->where->children[1]->plan);
	cr_assert_null(tmdk_catalog_find(cat, "SET-EVERY")->match->where->children[1]->plan);
	/* a filter looking at $doc: neither cached nor planned. */
	q = tmdk_catalog_find(cat, "SET-SCOPED")->match->where->children[1];
	cr_assert_eq(q->sel->cache_slot, 0);
	cr_assert_null(q->plan);
	cr_assert_neq(tmdk_catalog_find(cat, "SET-FOREACH")->match->for_each->cache_slot, 0);
	q = tmdk_catalog_find(cat, "SET-MULTI")->match->where->children[1];
	cr_assert_eq(q->plan->kind, TMDK__PLAN_JOIN);
	tmdk_catalog_free(cat);
}

/* ---- linear work, and the budget --------------------------------------------------- */

/* 5,000 Pods in 50 namespaces, 100 NetworkPolicies, 100 ServiceAccounts. */
static char *big_set(void)
{
	gen g = { NULL, 0, 0, 7 };
	size_t i;
	g.cap = 1 << 20;
	g.text = malloc(g.cap);
	cr_assert_not_null(g.text);
	for (i = 0; i < 5200; i++) {
		if (i)
			add(&g, "---\n");
		if (i % 52 == 50)
			add(&g, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np%zu, namespace: ns%zu}\n"
				"spec: {podSelector: {}}\n", i, (i / 52) % 50);
		else if (i % 52 == 51)
			add(&g, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa%zu, namespace: ns%zu}\n", i % 7, (i / 52) % 50);
		else
			add(&g, "apiVersion: v1\nkind: Pod\nmetadata: {name: p%zu, namespace: ns%zu}\n"
				"spec: {serviceAccountName: sa%zu, containers: [{name: c, image: app:1}]}\n", i, i % 50, i % 7);
	}
	return g.text;
}

Test(set, plans_keep_the_builtin_catalog_linear_on_5000_documents)
{
	tmdk_catalog *cat = builtin();
	char *text = big_set();
	tmdk_artifact *set[1];
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	fingerprint fp = { 0 };
	tmdk_error err;
	size_t n = parse_parts(text, 1, set);

	/* 20 visits per document and pattern are plenty with plans; the naive
	 * evaluation needs about 5,200 per document (one walk of the set). */
	o.max_set_visits = 20 * 5200;
	cr_assert_eq(scan_fingerprint(cat, set, n, 0, &o, &fp, &err), TMDK_OK, "%s", err.message);
	cr_assert_gt(fp.count, 5000);
	free(fp.text);
	memset(&fp, 0, sizeof(fp));
	cr_assert_eq(scan_fingerprint(cat, set, n, 1, &o, &fp, &err), TMDK_ELIMIT);
	cr_assert(strstr(err.message, "max_set_visits"), "%s", err.message);
	free(fp.text);
	free_parts(set, n);
	free(text);
	tmdk_catalog_free(cat);
}

Test(set, budget_drops_an_unplannable_pattern_and_reports_it)
{
	/* every: visits every NetworkPolicy for each NetworkPolicy. */
	static const char text_head[] = CATALOG_HEADER
		PATTERN("SET-EVERY", "{where: {all: [{path: kind, equals: NetworkPolicy}, {every: '$set[?kind == NetworkPolicy]',"
			" where: {path: name, exists: true}}]}}")
		PATTERN("PLAIN", "{path: kind, equals: NetworkPolicy}");
	tmdk_compiler *c = NULL;
	tmdk_error err;
	tmdk_catalog *cat = compile_text_flags(text_head, 0, &c, &err);
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	gen g = { NULL, 0, 0, 1 };
	tmdk_artifact *set[1];
	fingerprint fp = { 0 };
	size_t i, n;

	cr_assert_not_null(cat);
	tmdk_compiler_free(c);
	g.cap = 1 << 16;
	g.text = malloc(g.cap);
	for (i = 0; i < 1000; i++)
		add(&g, "%sapiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np%zu}\n", i ? "---\n" : "", i);
	n = parse_parts(g.text, 1, set);

	fp.watch = "SET-EVERY";
	cr_assert_eq(scan_fingerprint(cat, set, n, 0, NULL, &fp, &err), TMDK_OK, "%s", err.message);
	cr_assert_eq(fp.per_pattern_hits, 1000, "within the default budget every document is evaluated");
	free(fp.text);

	memset(&fp, 0, sizeof(fp));
	fp.watch = "SET-EVERY";
	/* The selection once (1,000 visits), then 1,000 per document: ten
	 * documents and half of the eleventh. */
	o.max_set_visits = 11500;
	cr_assert_eq(scan_fingerprint(cat, set, n, 0, &o, &fp, &err), TMDK_ELIMIT);
	cr_assert_str_eq(err.message, "pattern SET-EVERY visited more than 11500 documents of the scanned set "
		"(max_set_visits); the pattern was not evaluated further in this scan");
	cr_assert_str_eq(err.source, "part1.yaml");
	/* Ten documents fully evaluated; the eleventh, cut short, gives nothing. */
	cr_assert_eq(fp.per_pattern_hits, 10);
	/* The other pattern still ran on every document. */
	cr_assert_eq(fp.count - fp.per_pattern_hits, 1000);
	free(fp.text);
	free_parts(set, n);
	free(g.text);
	tmdk_catalog_free(cat);
}

/* ---- the options structure ------------------------------------------------------ */

Test(set, version_1_options_are_accepted_with_the_default_budget)
{
	tmdk_catalog *cat = builtin();
	tmdk_scan_options o;
	tmdk_scanner *s = NULL;
	tmdk_artifact *set[1];
	tmdk_error err;
	char *text;
	size_t n;

	/* A caller built against version 1 passes a structure without
	 * max_set_visits: only the version 1 fields may be read. */
	cr_assert_eq(tmdk_scan_options_init(&o, TMDK_SCAN_OPTIONS_VERSION), TMDK_OK);
	cr_assert_eq(o.max_set_visits, 0);
	o.version = 1;
	o.max_set_visits = 1; /* beyond a version 1 structure: must be ignored */
	cr_assert_eq(tmdk_scanner_new(&s, cat, &o, &err), TMDK_OK, "%s", err.message);
	text = mixed_set(3, 200, 2);
	n = parse_parts(text, 1, set);
	cr_assert_eq(tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)set, n, NULL, NULL, &err), TMDK_OK,
		"a budget of 1 would have failed: %s", err.message);
	tmdk_scanner_free(s);
	o.version = TMDK_SCAN_OPTIONS_VERSION;
	cr_assert_eq(tmdk_scanner_new(&s, cat, &o, &err), TMDK_OK);
	cr_assert_eq(tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)set, n, NULL, NULL, &err), TMDK_ELIMIT);
	tmdk_scanner_free(s);
	free_parts(set, n);
	free(text);
	o.version = 3;
	cr_assert_eq(tmdk_scanner_new(&s, cat, &o, &err), TMDK_EINVAL);
	cr_assert_str_eq(err.message, "unsupported tmdk_scan_options version 3 (expected 1 to 2)");
	cr_assert_eq(tmdk_scan_options_init(&o, 1), TMDK_EINVAL, "init fills the current version only");
	tmdk_catalog_free(cat);
}
