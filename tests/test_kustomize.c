/*
 * The native kustomize build (libtmdk/kustomize*.c): each feature on the
 * fixtures under tests/fixtures/kustomize/, positions and origins of built
 * values, notes and errors, the in-memory file provider, and the strategic
 * merge / JSON 6902 cases that kubectl kustomize does not exercise here.
 * tests/check-kustomize.sh compares whole builds with kubectl kustomize.
 */
#include "node_asserts.h"
#include "../libtmdk/internal.h"

static tmdk_artifact *build(const char *rel)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	char path[4200];
	int rc;
	snprintf(path, sizeof(path), "%s", fixture(rel));
	rc = tmdk_kustomization_build(&a, path, NULL, &err);
	cr_assert_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", rel, err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(a), TMDK_KIND_KUBERNETES);
	return a;
}

/* The built object of kind and name (the document root). */
static const tmdk_node *object(const tmdk_artifact *a, const char *kind, const char *name, size_t *index)
{
	size_t i;
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_node *r = tmdk_document_root(tmdk_artifact_document(a, i));
		if (tmdk_node_text_equals(tmdk_node_get(r, "kind"), kind) &&
		    tmdk_node_text_equals(tmdk_node_path(r, "metadata.name"), name)) {
			if (index)
				*index = i;
			return r;
		}
	}
	cr_assert_fail("no %s %s in the build", kind, name);
	return NULL;
}

/* The file (base name after the fixture root) a built node comes from. */
static const char *from_file(const tmdk_artifact *a, const tmdk_node *n)
{
	const char *name = tmdk_artifact_name(tmdk_artifact_node_source(a, n));
	const char *k = strstr(name, "fixtures/kustomize/");
	return k ? k + strlen("fixtures/kustomize/") : name;
}

#define assert_from(a, n, file, l, c) do { \
	const tmdk_node *n_ = (n); \
	cr_assert_not_null(n_); \
	cr_assert_str_eq(from_file((a), n_), (file)); \
	cr_assert_eq(tmdk_node_line(n_), (l), "line %u, expected %u", tmdk_node_line(n_), (unsigned)(l)); \
	if ((c) > 0) cr_assert_eq(tmdk_node_column(n_), (unsigned)(c), "column %u, expected %u", tmdk_node_column(n_), (unsigned)(c)); \
} while (0)

Test(kustomize, basic_transformers)
{
	tmdk_artifact *a = build("kustomize/basic");
	const tmdk_node *d = object(a, "Deployment", "dev-web-v1", NULL);
	const tmdk_node *s = object(a, "Service", "dev-web-v1", NULL);
	const tmdk_node *crb = object(a, "ClusterRoleBinding", "dev-web-view-v1", NULL);

	cr_assert_eq(tmdk_artifact_document_count(a), 4);
	expect_text(tmdk_node_path(d, "metadata.namespace"), "shop", "value");
	assert_from(a, tmdk_node_path(d, "metadata.namespace"), "basic/kustomization.yaml", 3, 12);
	expect_text(tmdk_node_get(tmdk_node_path(d, "spec.selector.matchLabels"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_get(tmdk_node_path(d, "spec.template.metadata.labels"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_get(tmdk_node_path(s, "spec.selector"), "app.kubernetes.io/part-of"), "shop", "value");
	expect_text(tmdk_node_path(d, "metadata.annotations.team"), "payments", "value");
	/* images: newTag, and newName + digest */
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "image"), "nginx:1.25", "value");
	assert_from(a, tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "image"),
		"basic/kustomization.yaml", 16, 11);
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 1), "image"),
		"registry.example.com/api@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3", "image");
	/* a value nobody changed keeps the base file's position */
	assert_from(a, tmdk_node_path(tmdk_node_at(tmdk_node_path(d, "spec.template.spec.containers"), 0), "name"),
		"basic/deployment.yaml", 17, 15);
	/* references follow renames; cluster-scoped objects get no namespace */
	expect_text(tmdk_node_path(d, "spec.template.spec.serviceAccountName"), "dev-web-v1", "value");
	cr_assert_null(tmdk_node_path(crb, "metadata.namespace"));
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(crb, "subjects"), 0), "namespace"), "shop", "value");
	expect_text(tmdk_node_path(tmdk_node_at(tmdk_node_get(crb, "subjects"), 0), "name"), "dev-web-v1", "value");
	/* the normalized view exists, as for a parsed manifest */
	cr_assert_not_null(tmdk_node_get(tmdk_document_view(tmdk_artifact_document(a, 3)), "containers"));
	tmdk_artifact_free(a);
}
