/*
 * Kubernetes manifests: expand List documents into their items, then give
 * every document a view with its identity (apiVersion, kind, name,
 * namespace, labels, annotations) and, for workloads, the pod spec and every
 * container reachable the same way whatever the workload kind (core kinds,
 * OpenShift, Knative, Argo, KEDA, Tekton, and unknown kinds by their shape).
 * See docs/document-model.md, section "Kubernetes".
 */
#include "normalize.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

/* ---- List expansion ------------------------------------------------- */

/* `kind: List`, or any `…List` kind (ConfigMapList) with an items sequence. */
static tmdk_node *list_items(const tmdk_node *root)
{
	tmdk_node *kind = tmdk__get(root, "kind");
	tmdk_node *items = tmdk__get(root, "items");
	size_t len;

	if (!tmdk__is_text(kind) || !tmdk__is_seq(items))
		return NULL;
	len = kind->u.scalar.len;
	if (len < 4 || memcmp(kind->u.scalar.text + len - 4, "List", 4) != 0)
		return NULL;
	return items;
}

/* Report the limit at the first document (or item) past it. */
static int too_many_documents(const tmdk_artifact *a, tmdk__items_fn items_of, size_t total,
	const char *what, tmdk_error *err)
{
	size_t i, n = 0, max = a->limits.max_documents;
	const tmdk_node *at = NULL;
	unsigned int line = 0;

	for (i = 0; i < a->doc_count && n <= max; i++) {
		const tmdk_document *d = &a->docs[i];
		tmdk_node *items = items_of(d->root);
		size_t count = items ? items->u.seq.count : 1;
		if (n + count > max) {
			at = items ? items->u.seq.items[max - n] : d->root;
			line = at ? at->line : d->line;
		}
		n += count;
	}
	return tmdk__error_set(err, TMDK_ELIMIT, a->name, line, at ? at->column : 1,
		"%zu %s, over the limit of %zu documents (max_documents)", total, what, max);
}

int tmdk__expand_items(tmdk_artifact *a, tmdk__items_fn items_of, const char *what, tmdk_error *err)
{
	size_t i, j, total = 0, out = 0;
	int any = 0;
	tmdk_document *docs;

	for (i = 0; i < a->doc_count; i++) {
		tmdk_node *items = items_of(a->docs[i].root);
		total += items ? items->u.seq.count : 1;
		any |= items != NULL;
	}
	if (total > a->limits.max_documents)
		return too_many_documents(a, items_of, total, what, err);
	if (!any)
		return TMDK_OK;
	/* A new array: a->docs is rebuilt in stream order, items in place of their container. */
	docs = tmdk__calloc(total ? total : 1, sizeof(*docs));
	if (!docs)
		return tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	for (i = 0; i < a->doc_count; i++) {
		tmdk_node *items = items_of(a->docs[i].root);
		if (!items) {
			docs[out++] = a->docs[i];
			continue;
		}
		for (j = 0; j < items->u.seq.count; j++) {
			tmdk_document *d = &docs[out++];
			d->index = a->docs[i].index;
			d->item_index = (long)j;
			d->root = items->u.seq.items[j];
			d->line = d->root ? d->root->line : a->docs[i].line;
		}
	}
	tmdk__free(a->docs);
	a->docs = docs;
	a->doc_count = out;
	a->doc_cap = total ? total : 1;
	return TMDK_OK;
}

/* ---- workloads ------------------------------------------------------ */

/*
 * Anything that carries a pod template is a workload. Most kinds hold one
 * pod spec (`spec.template.spec` and its variants); Argo workflows and
 * Tekton tasks hold containers in their own lists (templates, steps), with
 * the pod-level settings (Argo) on the workflow spec. A kind we do not know
 * that has the `spec.template.spec.containers` shape is a workload too, and
 * its view says it was recognised by shape.
 */
typedef enum { NOT_WORKLOAD, KNOWN_KIND, BY_SHAPE } workload_kind;

static int add_pod_label_sets(tmdk__arena *ar, tmdk_node *view, const tmdk_node *labels);

typedef enum { PODS_ONLY, ARGO_TEMPLATES, TEKTON_TASK, TEKTON_PIPELINE } container_layout;

typedef struct pod_location {
	tmdk_node *spec;         /* the pod spec (a map) or NULL */
	tmdk_node *metadata;     /* the pod template's metadata (a Pod's own) or NULL */
	container_layout layout; /* where containers sit besides the pod spec */
	tmdk_node *layout_root;  /* Argo: the workflow spec; Tekton: the task/pipeline spec */
} pod_location;

/* Kinds whose pod template is `spec.template` (API group not checked). */
static const char *const template_kinds[] = { "Deployment", "ReplicaSet", "StatefulSet",
	"DaemonSet", "Job", "ReplicationController", "DeploymentConfig", NULL };

static const char *const argo_workflow_kinds[] = { "Workflow", "WorkflowTemplate",
	"ClusterWorkflowTemplate", NULL };

static int kind_in(const tmdk_node *kind, const char *const *kinds)
{
	for (; *kinds; kinds++)
		if (tmdk_node_text_equals(kind, *kinds))
			return 1;
	return 0;
}

/* The API group of `apiVersion` is `group` (`group/v1`, `group/v1beta1` …). */
static int in_group(const tmdk_node *api_version, const char *group)
{
	size_t n = strlen(group);
	return tmdk__is_text(api_version) && api_version->u.scalar.len > n &&
		memcmp(api_version->u.scalar.text, group, n) == 0 && api_version->u.scalar.text[n] == '/';
}

static void from_template(tmdk_node *tmpl, pod_location *loc)
{
	tmdk_node *spec = tmdk__get(tmpl, "spec");
	loc->spec = tmdk__map_or_null(spec);
	loc->metadata = tmdk__map_or_null(tmdk__get(tmpl, "metadata"));
}

static tmdk_node *path2(const tmdk_node *n, const char *a, const char *b)
{
	return tmdk__get(tmdk__get(n, a), b);
}

/* Kinds of CRD projects that carry pods; 0 when the kind is none of them. */
static int find_pod_in_crd(const tmdk_node *root, const tmdk_node *kind, pod_location *loc)
{
	const tmdk_node *api = tmdk__get(root, "apiVersion");
	tmdk_node *spec = tmdk__map_or_null(tmdk__get(root, "spec"));

	if (in_group(api, "serving.knative.dev")) {
		if (tmdk_node_text_equals(kind, "Revision")) {
			loc->spec = spec;
			loc->metadata = tmdk__map_or_null(tmdk__get(root, "metadata"));
			return 1;
		}
		if (tmdk_node_text_equals(kind, "Service") || tmdk_node_text_equals(kind, "Configuration")) {
			from_template(tmdk__get(spec, "template"), loc);
			return 1;
		}
		return 0;
	}
	if (in_group(api, "argoproj.io")) {
		if (tmdk_node_text_equals(kind, "Rollout")) {
			from_template(tmdk__get(spec, "template"), loc);
			return 1;
		}
		if (tmdk_node_text_equals(kind, "CronWorkflow"))
			spec = tmdk__map_or_null(tmdk__get(spec, "workflowSpec"));
		else if (!kind_in(kind, argo_workflow_kinds))
			return 0;
		/* the workflow spec holds the pod-level settings of every step's pod */
		loc->spec = spec;
		loc->metadata = tmdk__map_or_null(tmdk__get(spec, "podMetadata"));
		loc->layout = ARGO_TEMPLATES;
		loc->layout_root = spec;
		return 1;
	}
	if (in_group(api, "keda.sh") && tmdk_node_text_equals(kind, "ScaledJob")) {
		from_template(path2(spec, "jobTargetRef", "template"), loc);
		return 1;
	}
	if (in_group(api, "tekton.dev")) {
		if (tmdk_node_text_equals(kind, "Task") || tmdk_node_text_equals(kind, "ClusterTask"))
			loc->layout = TEKTON_TASK, loc->layout_root = spec;
		else if (tmdk_node_text_equals(kind, "TaskRun"))
			loc->layout = TEKTON_TASK, loc->layout_root = tmdk__get(spec, "taskSpec");
		else if (tmdk_node_text_equals(kind, "Pipeline"))
			loc->layout = TEKTON_PIPELINE, loc->layout_root = spec;
		else if (tmdk_node_text_equals(kind, "PipelineRun"))
			loc->layout = TEKTON_PIPELINE, loc->layout_root = tmdk__get(spec, "pipelineSpec");
		else
			return 0;
		return 1;
	}
	return 0;
}

/* Where the pod spec sits for this kind. */
static workload_kind find_pod(const tmdk_node *root, const tmdk_node *kind, pod_location *loc)
{
	tmdk_node *tmpl;

	memset(loc, 0, sizeof(*loc));
	if (tmdk_node_text_equals(kind, "Pod")) {
		tmdk_node *spec = tmdk__get(root, "spec");
		loc->spec = tmdk__map_or_null(spec);
		loc->metadata = tmdk__map_or_null(tmdk__get(root, "metadata"));
		return KNOWN_KIND;
	}
	if (tmdk_node_text_equals(kind, "PodTemplate")) {
		from_template(tmdk__get(root, "template"), loc);
		return KNOWN_KIND;
	}
	if (tmdk_node_text_equals(kind, "CronJob")) {
		tmdk_node *job = path2(root, "spec", "jobTemplate");
		from_template(path2(job, "spec", "template"), loc);
		return KNOWN_KIND;
	}
	if (find_pod_in_crd(root, kind, loc))
		return KNOWN_KIND;
	if (kind_in(kind, template_kinds)) {
		from_template(path2(root, "spec", "template"), loc);
		return KNOWN_KIND;
	}
	tmpl = path2(root, "spec", "template");
	if (tmdk__is_seq(path2(tmpl, "spec", "containers"))) {
		from_template(tmpl, loc);
		return BY_SHAPE;
	}
	return NOT_WORKLOAD;
}

/*
 * Command-line flags of a container (control-plane static pods, kubelet
 * DaemonSets): `--flag=value`, `--flag value` (the next word does not start
 * with a dash) and a bare `--flag` (true), from `command` then `args`; words
 * are also split on blanks, so `sh -c "kube-apiserver --x=y"` counts. The
 * last occurrence of a flag wins, as with Go's flag parsers. Each value is
 * positioned at the word it came from.
 */
typedef struct word {
	const char *text;
	size_t len;
	const tmdk_node *at;
} word;

static int add_flag(tmdk__arena *ar, tmdk_node *flags, const word *w, const word *next, int *used_next)
{
	const char *name = w->text, *eq, *end = w->text + w->len;
	tmdk_node *key, *value;
	long at;

	while (name < end && *name == '-')
		name++;
	if (name == end)
		return TMDK_OK;
	eq = memchr(name, '=', (size_t)(end - name));
	*used_next = 0;
	if (eq)
		value = tmdk__node_from(tmdk__node_plain(ar, eq + 1, (size_t)(end - eq - 1), w->at->line, w->at->column), w->at);
	else if (next && next->len && next->text[0] != '-') {
		value = tmdk__node_from(tmdk__node_plain(ar, next->text, next->len, next->at->line, next->at->column), next->at);
		*used_next = 1;
	} else
		value = tmdk__node_from(tmdk__node_bool(ar, 1, w->at->line, w->at->column), w->at);
	key = tmdk__node_from(tmdk__node_scalar(ar, name, (size_t)((eq ? eq : end) - name), TMDK_SCALAR_STRING, w->at->line, w->at->column), w->at);
	if (!value || !key)
		return TMDK_ENOMEM;
	at = tmdk__node_map_find(flags, key->u.scalar.text, key->u.scalar.len);
	if (at >= 0) {
		flags->u.map.values[at] = value;
		return TMDK_OK;
	}
	return tmdk__node_map_append(ar, flags, key, value);
}

/* Split the scalars of command and args into words (heap array). */
static size_t words_of(const tmdk_node *c, word **out)
{
	static const char *const lists[] = { "command", "args" };
	size_t l, i, n = 0, cap = 0;
	*out = NULL;
	for (l = 0; l < 2; l++) {
		const tmdk_node *seq = tmdk__seq_or_null(tmdk__get(c, lists[l]));
		for (i = 0; seq && i < seq->u.seq.count; i++) {
			const tmdk_node *s = seq->u.seq.items[i];
			const char *p, *e;
			if (!tmdk__is_text(s))
				continue;
			for (p = s->u.scalar.text, e = p + s->u.scalar.len; p < e;) {
				const char *start;
				while (p < e && (*p == ' ' || *p == '\t' || *p == '\n'))
					p++;
				start = p;
				while (p < e && *p != ' ' && *p != '\t' && *p != '\n')
					p++;
				if (p == start)
					continue;
				if (TMDK__ARRAY_RESERVE(*out, n, cap, 16) != TMDK_OK) {
					tmdk__free(*out);
					*out = NULL;
					return (size_t)-1;
				}
				(*out)[n].text = start;
				(*out)[n].len = (size_t)(p - start);
				(*out)[n].at = s;
				n++;
			}
		}
	}
	return n;
}

static int put_flags(tmdk__arena *ar, tmdk_node *entry, const tmdk_node *c)
{
	word *words;
	size_t n = words_of(c, &words), i;
	tmdk_node *flags;
	int rc = TMDK_OK;

	if (n == (size_t)-1)
		return TMDK_ENOMEM;
	flags = tmdk__node_from(tmdk__node_map(ar, c->line, c->column), c);
	for (i = 0; i < n && rc == TMDK_OK && flags; i++) {
		int used_next = 0;
		if (words[i].text[0] != '-' || words[i].len < 2)
			continue;
		rc = add_flag(ar, flags, &words[i], i + 1 < n ? &words[i + 1] : NULL, &used_next);
		i += (size_t)used_next;
	}
	tmdk__free(words);
	if (!flags)
		return TMDK_ENOMEM;
	if (rc != TMDK_OK || flags->u.map.count == 0)
		return rc;
	return tmdk__put(ar, entry, "flags", flags);
}

/*
 * {list, index, name, image, spec, flags} for one container, at the
 * container. An Argo template's container often has no name of its own:
 * `fallback_name` (the template's) stands for it then.
 */
static tmdk_node *container_entry(tmdk__arena *ar, const char *list, size_t index, tmdk_node *c,
	tmdk_node *fallback_name)
{
	tmdk_node *e = tmdk__node_from(tmdk__node_map(ar, c->line, c->column), c);
	tmdk_node *l = tmdk__node_from(tmdk__node_string(ar, list, c->line, c->column), c);
	tmdk_node *i = tmdk__node_from(tmdk__node_int(ar, (long long)index, c->line, c->column), c);
	tmdk_node *name = tmdk__scalar_or_null(tmdk__get(c, "name"));

	if (!name)
		name = tmdk__scalar_or_null(fallback_name);
	if (!e || !l || !i ||
	    tmdk__put(ar, e, "list", l) || tmdk__put(ar, e, "index", i) ||
	    tmdk__put(ar, e, "name", name) ||
	    tmdk__put(ar, e, "image", tmdk__scalar_or_null(tmdk__get(c, "image"))) ||
	    tmdk__put(ar, e, "spec", c) || put_flags(ar, e, c))
		return NULL;
	return e;
}

static int push_container(tmdk__arena *ar, tmdk_node *seq, const char *list, size_t index, tmdk_node *c,
	tmdk_node *fallback_name)
{
	tmdk_node *e;
	if (!tmdk__is_map(c))
		return TMDK_OK;
	e = container_entry(ar, list, index, c, fallback_name);
	return e ? tmdk__node_seq_push(ar, seq, e) : TMDK_ENOMEM;
}

/* Every container of a sequence, `list` naming it, index = position. */
static int push_list(tmdk__arena *ar, tmdk_node *seq, const char *list, tmdk_node *src)
{
	size_t i;
	int rc = TMDK_OK;
	for (i = 0; tmdk__is_seq(src) && i < src->u.seq.count && rc == TMDK_OK; i++)
		rc = push_container(ar, seq, list, i, src->u.seq.items[i], NULL);
	return rc;
}

/* Init containers first, then the app containers, then ephemeral ones. */
static int push_pod_containers(tmdk__arena *ar, tmdk_node *seq, const tmdk_node *pod_spec)
{
	static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };
	size_t l;
	int rc = TMDK_OK;

	for (l = 0; l < sizeof(lists) / sizeof(lists[0]) && pod_spec && rc == TMDK_OK; l++)
		rc = push_list(ar, seq, lists[l], tmdk__get(pod_spec, lists[l]));
	return rc;
}

/*
 * Argo: each template's `container`, `script` and `containerSet.containers`
 * are listed as `templates` (index: the template's position), its
 * `initContainers` and `sidecars` under those names.
 */
static int push_argo_templates(tmdk__arena *ar, tmdk_node *seq, const tmdk_node *wf_spec)
{
	tmdk_node *templates = tmdk__get(wf_spec, "templates");
	size_t i;
	int rc = TMDK_OK;

	for (i = 0; tmdk__is_seq(templates) && i < templates->u.seq.count && rc == TMDK_OK; i++) {
		tmdk_node *t = templates->u.seq.items[i], *name = tmdk__get(t, "name");
		tmdk_node *set = tmdk__get(tmdk__get(t, "containerSet"), "containers");
		size_t j;
		if (!tmdk__is_map(t))
			continue;
		rc = push_list(ar, seq, "initContainers", tmdk__get(t, "initContainers"));
		if (rc == TMDK_OK)
			rc = push_container(ar, seq, "templates", i, tmdk__get(t, "container"), name);
		if (rc == TMDK_OK)
			rc = push_container(ar, seq, "templates", i, tmdk__get(t, "script"), name);
		for (j = 0; tmdk__is_seq(set) && j < set->u.seq.count && rc == TMDK_OK; j++)
			rc = push_container(ar, seq, "templates", i, set->u.seq.items[j], name);
		if (rc == TMDK_OK)
			rc = push_list(ar, seq, "sidecars", tmdk__get(t, "sidecars"));
	}
	return rc;
}

/* Tekton: a task spec's `steps` and `sidecars`. */
static int push_tekton_task(tmdk__arena *ar, tmdk_node *seq, const tmdk_node *task_spec)
{
	int rc = push_list(ar, seq, "steps", tmdk__get(task_spec, "steps"));
	return rc == TMDK_OK ? push_list(ar, seq, "sidecars", tmdk__get(task_spec, "sidecars")) : rc;
}

/* Tekton: the inline `taskSpec` of each of a pipeline's `tasks` and `finally`. */
static int push_tekton_pipeline(tmdk__arena *ar, tmdk_node *seq, const tmdk_node *pipeline_spec)
{
	static const char *const lists[] = { "tasks", "finally" };
	size_t l, i;
	int rc = TMDK_OK;

	for (l = 0; l < 2 && rc == TMDK_OK; l++) {
		tmdk_node *tasks = tmdk__get(pipeline_spec, lists[l]);
		for (i = 0; tmdk__is_seq(tasks) && i < tasks->u.seq.count && rc == TMDK_OK; i++)
			rc = push_tekton_task(ar, seq, tmdk__get(tasks->u.seq.items[i], "taskSpec"));
	}
	return rc;
}

static tmdk_node *containers_of(tmdk__arena *ar, const pod_location *loc, const tmdk_node *at)
{
	tmdk_node *seq = tmdk__node_from(tmdk__node_seq(ar, at->line, at->column), at);
	int rc;

	if (!seq)
		return NULL;
	rc = push_pod_containers(ar, seq, loc->layout == PODS_ONLY ? loc->spec : NULL);
	if (rc == TMDK_OK && loc->layout == ARGO_TEMPLATES)
		rc = push_argo_templates(ar, seq, loc->layout_root);
	if (rc == TMDK_OK && loc->layout == TEKTON_TASK)
		rc = push_tekton_task(ar, seq, loc->layout_root);
	if (rc == TMDK_OK && loc->layout == TEKTON_PIPELINE)
		rc = push_tekton_pipeline(ar, seq, loc->layout_root);
	return rc == TMDK_OK ? seq : NULL;
}

static int add_workload(tmdk__arena *ar, tmdk_node *view, const tmdk_node *root, const tmdk_node *kind)
{
	pod_location loc;
	workload_kind found = find_pod(root, kind, &loc);
	tmdk_node *flag = tmdk__node_from(tmdk__node_bool(ar, found != NOT_WORKLOAD, kind->line, kind->column), kind);
	tmdk_node *shape, *containers;

	if (!flag || tmdk__put(ar, view, "workload", flag))
		return TMDK_ENOMEM;
	if (found == NOT_WORKLOAD)
		return TMDK_OK;
	shape = tmdk__node_from(tmdk__node_string(ar, found == BY_SHAPE ? "shape" : "known",
		kind->line, kind->column), kind);
	containers = containers_of(ar, &loc, loc.spec ? loc.spec : kind);
	if (!shape || !containers ||
	    tmdk__put(ar, view, "workload_shape", shape) ||
	    tmdk__put(ar, view, "pod_spec", loc.spec) ||
	    tmdk__put(ar, view, "pod_metadata", loc.metadata) ||
	    tmdk__put(ar, view, "containers", containers))
		return TMDK_ENOMEM;
	return add_pod_label_sets(ar, view, tmdk__get(loc.metadata, "labels"));
}

/* RBAC conveniences: the rules of a role, the two sides of a binding. */
static int add_rbac(tmdk__arena *ar, tmdk_node *view, const tmdk_node *root, const tmdk_node *kind)
{
	if (tmdk_node_text_equals(kind, "Role") || tmdk_node_text_equals(kind, "ClusterRole"))
		return tmdk__put(ar, view, "rules", tmdk__seq_or_null(tmdk__get(root, "rules")));
	if (tmdk_node_text_equals(kind, "RoleBinding") || tmdk_node_text_equals(kind, "ClusterRoleBinding")) {
		if (tmdk__put(ar, view, "subjects", tmdk__seq_or_null(tmdk__get(root, "subjects"))))
			return TMDK_ENOMEM;
		return tmdk__put(ar, view, "role_ref", tmdk__map_or_null(tmdk__get(root, "roleRef")));
	}
	return TMDK_OK;
}

/* ---- label selection ---------------------------------------------- */

/*
 * Which Service selects which pods, as one join the catalog can index: a
 * Service's `selector_key` is its selector written canonically
 * ("k1=v1,k2=v2", keys sorted), and a workload's `pod_label_sets` holds
 * that form of every subset of its pod labels of up to four labels (up to
 * two when there are more than ten labels). A selector selects the pods when
 * its key is one of their sets. Label keys and values cannot hold `,` or
 * `=`, so the form is unambiguous.
 */
typedef struct label {
	const tmdk_node *key, *value;
} label;

static int label_cmp(const void *pa, const void *pb)
{
	const label *a = pa, *b = pb;
	size_t n = a->key->u.scalar.len < b->key->u.scalar.len ? a->key->u.scalar.len : b->key->u.scalar.len;
	int c = memcmp(a->key->u.scalar.text, b->key->u.scalar.text, n);
	return c ? c : (a->key->u.scalar.len > b->key->u.scalar.len) - (a->key->u.scalar.len < b->key->u.scalar.len);
}

/* The text labels of a map, sorted by key (heap array, *n of them). */
static label *sorted_labels(const tmdk_node *map, size_t *n)
{
	label *v;
	size_t i;

	*n = 0;
	if (!tmdk__is_map(map) || map->u.map.count == 0)
		return NULL;
	v = tmdk__calloc(map->u.map.count, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < map->u.map.count; i++)
		if (tmdk__is_text(map->u.map.keys[i]) && tmdk__is_scalar(map->u.map.values[i])) {
			v[*n].key = map->u.map.keys[i];
			v[(*n)++].value = map->u.map.values[i];
		}
	qsort(v, *n, sizeof(*v), label_cmp);
	return v;
}

/* "k=v,…" of the labels picked by `pick` (indexes into v, increasing). */
static tmdk_node *label_key(tmdk__arena *ar, const label *v, const size_t *pick, size_t k, const tmdk_node *at)
{
	size_t i, len = 0, off = 0;
	char *text;
	tmdk_node *n;

	for (i = 0; i < k; i++)
		len += v[pick[i]].key->u.scalar.len + v[pick[i]].value->u.scalar.len + 2;
	text = tmdk__malloc(len + 1);
	if (!text)
		return NULL;
	for (i = 0; i < k; i++) {
		const tmdk_node *key = v[pick[i]].key, *value = v[pick[i]].value;
		if (i)
			text[off++] = ',';
		memcpy(text + off, key->u.scalar.text, key->u.scalar.len);
		off += key->u.scalar.len;
		text[off++] = '=';
		memcpy(text + off, value->u.scalar.text, value->u.scalar.len);
		off += value->u.scalar.len;
	}
	n = tmdk__node_from(tmdk__node_scalar(ar, text, off, TMDK_SCALAR_STRING, at->line, at->column), at);
	tmdk__free(text);
	return n;
}

/* Push the key of every combination of k labels from v[from…n) after pick[0…depth). */
static int push_combinations(tmdk__arena *ar, tmdk_node *seq, const label *v, size_t n, size_t *pick,
	size_t depth, size_t k, size_t from, const tmdk_node *at)
{
	size_t i;
	int rc = TMDK_OK;

	if (depth == k) {
		tmdk_node *key = label_key(ar, v, pick, k, at);
		return key ? tmdk__node_seq_push(ar, seq, key) : TMDK_ENOMEM;
	}
	for (i = from; i < n && rc == TMDK_OK; i++) {
		pick[depth] = i;
		rc = push_combinations(ar, seq, v, n, pick, depth + 1, k, i + 1, at);
	}
	return rc;
}

static int add_pod_label_sets(tmdk__arena *ar, tmdk_node *view, const tmdk_node *labels)
{
	size_t n, k, pick[4];
	label *v = sorted_labels(labels, &n);
	tmdk_node *seq;
	int rc = TMDK_OK;

	if (!v)
		return tmdk__is_map(labels) && labels->u.map.count ? TMDK_ENOMEM : TMDK_OK;
	seq = tmdk__node_from(tmdk__node_seq(ar, labels->line, labels->column), labels);
	for (k = 1; seq && k <= (n > 10 ? 2 : 4) && k <= n && rc == TMDK_OK; k++)
		rc = push_combinations(ar, seq, v, n, pick, 0, k, 0, labels);
	tmdk__free(v);
	if (!seq)
		return TMDK_ENOMEM;
	return rc == TMDK_OK ? tmdk__put(ar, view, "pod_label_sets", seq) : rc;
}

static int add_service(tmdk__arena *ar, tmdk_node *view, const tmdk_node *root, const tmdk_node *kind)
{
	const tmdk_node *selector = tmdk__get(tmdk__get(root, "spec"), "selector");
	size_t n, i, pick[64];
	label *v;
	tmdk_node *key;

	if (!tmdk_node_text_equals(kind, "Service"))
		return TMDK_OK;
	/* how far it is published, for patterns that join Services to workloads */
	if (tmdk__put(ar, view, "service_type", tmdk__scalar_or_null(tmdk__get(tmdk__get(root, "spec"), "type"))) ||
	    tmdk__put(ar, view, "external_ips", tmdk__seq_or_null(tmdk__get(tmdk__get(root, "spec"), "externalIPs"))))
		return TMDK_ENOMEM;
	if (!tmdk__is_map(selector) || selector->u.map.count == 0)
		return TMDK_OK;
	v = sorted_labels(selector, &n);
	if (!v)
		return TMDK_ENOMEM;
	if (n == 0 || n > 64) {      /* more than 64 labels selects nothing real */
		tmdk__free(v);
		return TMDK_OK;
	}
	for (i = 0; i < n; i++)
		pick[i] = i;
	key = label_key(ar, v, pick, n, selector);
	tmdk__free(v);
	return key ? tmdk__put(ar, view, "selector_key", key) : TMDK_ENOMEM;
}

/*
 * ConfigMap convenience: `entries`, one {key, value} map per `data` entry
 * (positioned at the key), so a pattern can judge a value by its key's name
 * (`db_password: hunter2`) as well as by its text.
 */
static int add_configmap(tmdk__arena *ar, tmdk_node *view, const tmdk_node *root, const tmdk_node *kind)
{
	tmdk_node *data = tmdk__map_or_null(tmdk__get(root, "data")), *entries;
	size_t i;

	if (!tmdk_node_text_equals(kind, "ConfigMap") || !data)
		return TMDK_OK;
	entries = tmdk__node_from(tmdk__node_seq(ar, data->line, data->column), data);
	if (!entries)
		return TMDK_ENOMEM;
	for (i = 0; i < data->u.map.count; i++) {
		tmdk_node *key = data->u.map.keys[i], *value = data->u.map.values[i];
		tmdk_node *e = tmdk__node_from(tmdk__node_map(ar, key->line, key->column), key);
		if (!e || tmdk__put(ar, e, "key", key) || tmdk__put(ar, e, "value", value) ||
		    tmdk__node_seq_push(ar, entries, e))
			return TMDK_ENOMEM;
	}
	return tmdk__put(ar, view, "entries", entries);
}

static tmdk_node *object_view(tmdk__arena *ar, const tmdk_document *d)
{
	const tmdk_node *root = d->root;
	tmdk_node *view = tmdk__node_from(tmdk__node_map(ar, root ? root->line : d->line ? d->line : 1,
		root ? root->column : 1), root);
	tmdk_node *meta, *kind;

	if (!view)
		return NULL;
	if (!tmdk__is_map(root))
		return view;
	meta = tmdk__get(root, "metadata");
	kind = tmdk__get(root, "kind");
	if (tmdk__put(ar, view, "apiVersion", tmdk__scalar_or_null(tmdk__get(root, "apiVersion"))) ||
	    tmdk__put(ar, view, "kind", tmdk__scalar_or_null(kind)) ||
	    tmdk__put(ar, view, "name", tmdk__scalar_or_null(tmdk__get(meta, "name"))) ||
	    tmdk__put(ar, view, "namespace", tmdk__scalar_or_null(tmdk__get(meta, "namespace"))) ||
	    tmdk__put(ar, view, "labels", tmdk__map_or_null(tmdk__get(meta, "labels"))) ||
	    tmdk__put(ar, view, "annotations", tmdk__map_or_null(tmdk__get(meta, "annotations"))))
		return NULL;
	if (!tmdk__is_text(kind)) {
		tmdk_node *no = tmdk__node_from(tmdk__node_bool(ar, 0, view->line, view->column), view);
		return no && !tmdk__put(ar, view, "workload", no) ? view : NULL;
	}
	if (add_workload(ar, view, root, kind) || add_rbac(ar, view, root, kind) ||
	    add_configmap(ar, view, root, kind) || add_service(ar, view, root, kind))
		return NULL;
	return view;
}

int tmdk__normalize_kubernetes(tmdk_artifact *a, tmdk_error *err)
{
	size_t i;
	int rc = tmdk__expand_items(a, list_items, "documents (List items included)", err);

	if (rc != TMDK_OK)
		return rc;
	for (i = 0; i < a->doc_count; i++) {
		a->docs[i].view = object_view(&a->arena, &a->docs[i]);
		if (!a->docs[i].view)
			return tmdk__error_set(err, TMDK_ENOMEM, a->name, 0, 0, "out of memory");
	}
	return TMDK_OK;
}
