/*
 * The model's pictures (DOT, Mermaid, SVG) drawn from hand-written and
 * generated model trees (tests/model_trees.h): 3 components, 60 (every one
 * drawn, labels clipped, flow labels dropped), 300 (one node per zone);
 * missing and mistyped keys tolerated; hostile names escaped; errors.
 */
#include "helpers.h"
#include "model_trees.h"
#include "tmdk/model.h"

#include "diagram_int.h"   /* tmdk__gvc_library */

static tmdk_artifact *tree(const char *json)
{
	return parse_as("model.json", json, TMDK_KIND_DAEMON_JSON);
}

static const tmdk_node *root_of(const tmdk_artifact *a)
{
	return tmdk_document_root(tmdk_artifact_document(a, 0));
}

static char *draw(const tmdk_node *model, tmdk_diagram_format format, const tmdk_diagram_options *base)
{
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	tmdk_error err;
	char *out = NULL;
	size_t len = 0;
	if (base)
		o = *base;
	o.format = format;
	cr_assert_eq(tmdk_model_diagram(&out, &len, model, &o, &err), TMDK_OK, "%s", err.message);
	cr_assert_not_null(out);
	cr_assert_eq(strlen(out), len);
	return out;
}

static char *three_json(void)
{
	char *json = read_file(fixture("model/three.json"), NULL);
	cr_assert_not_null(json, "fixture model/three.json");
	return json;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

Test(diagram, three_components_dot)
{
	char *json = three_json();
	tmdk_artifact *a = tree(json);
	const char *ids[] = { "compose:docker-compose.yml#web", "nope" };
	const int sev[] = { TMDK_SEVERITY_CRITICAL, TMDK_SEVERITY_LOW };
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	char *dot;

	o.component_ids = ids;
	o.severities = sev;
	o.severity_count = 2;
	dot = draw(root_of(a), TMDK_DIAGRAM_DOT, &o);
	cr_assert(strstr(dot, "digraph model {"), "%s", dot);
	cr_assert(strstr(dot, "subgraph cluster_z0 {\n\t\tlabel=\"compose-network front\""), "%s", dot);
	cr_assert(strstr(dot, "subgraph cluster_z1 {"), "%s", dot);
	/* the web service: critical fill, double border (internet-exposed) */
	cr_assert(strstr(dot, "c0 [label=\"web\\ncompose-service\\ninternet-exposed\", fillcolor=\"#fee2e2\", "
		"color=\"#b91c1c\", peripheries=2"), "%s", dot);
	cr_assert(strstr(dot, "internet -> c0 [color=\"#b91c1c\", style=bold, penwidth=2.5, label=\"published-port :8080\"]"), "%s", dot);
	cr_assert(strstr(dot, "outside -> c2 [color=\"#d97706\""), "%s", dot);
	cr_assert(strstr(dot, "c0 -> host [color=\"#b91c1c\", style=dashed, penwidth=2, label=\"docker-socket\"]"), "%s", dot);
	cr_assert(strstr(dot, "c2 -> host [color=\"#b91c1c\", style=dashed, penwidth=2, label=\"privileged\"]"), "%s", dot);
	cr_assert(strstr(dot, "c0 -> c1 [color=\"#ea580c\", style=bold, label=\"depends-on\"]"), "crossing flow: %s", dot);
	cr_assert(strstr(dot, "c1 -> c2 [color=\"#6b7280\", label=\"env-host :5432\"]"), "%s", dot);
	/* a hostile name stays inside its DOT string */
	cr_assert(strstr(dot, "c1 [label=\"api \\\"<b>x</b>\\\" & #1 `tick`\\ncompose-service\""), "%s", dot);
	cr_assert_null(strstr(dot, "api:"), "no control plane for compose");
	cr_assert_null(strstr(dot, "cluster_kubernetes"));
	tmdk_model_diagram_free(dot);
	tmdk_artifact_free(a);
	free(json);
}

Test(diagram, three_components_mermaid)
{
	char *json = three_json();
	tmdk_artifact *a = tree(json);
	const char *ids[] = { "compose:docker-compose.yml#db" };
	const int sev[] = { TMDK_SEVERITY_HIGH };
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	char *m;

	o.component_ids = ids;
	o.severities = sev;
	o.severity_count = 1;
	m = draw(root_of(a), TMDK_DIAGRAM_MERMAID, &o);
	cr_assert(!strncmp(m, "flowchart LR\n", 13), "%s", m);
	cr_assert(strstr(m, "  subgraph z0[\"compose-network front\"]\n    c0[\"web<br/>compose-service<br/>internet-exposed\"]\n  end\n"), "%s", m);
	cr_assert(strstr(m, "  internet ==>|\"published-port :8080\"| c0\n"), "%s", m);
	cr_assert(strstr(m, "  c0 -.->|\"docker-socket\"| host\n"), "%s", m);
	/* markup in a name becomes entity codes: it can end neither the label nor a Markdown fence */
	cr_assert(strstr(m, "c1[\"api #quot;#lt;b#gt;x#lt;/b#gt;#quot; #amp; #35;1 #96;tick#96;<br/>compose-service\"]"), "%s", m);
	cr_assert_null(strstr(m, "<b>"));
	cr_assert_null(strstr(m, "`"));
	/* colours: db high, the others no finding */
	cr_assert(strstr(m, "  class c2 sev4\n"), "%s", m);
	cr_assert(strstr(m, "  class c0,c1 sev0\n"), "%s", m);
	cr_assert(strstr(m, "classDef sev4 fill:#ffedd5,stroke:#ea580c"), "%s", m);
	cr_assert(strstr(m, "linkStyle 0 stroke:#b91c1c,stroke-width:3px"), "%s", m);
	tmdk_model_diagram_free(m);
	tmdk_artifact_free(a);
	free(json);
}

Test(diagram, sixty_components_all_drawn_and_clipped)
{
	char *json = generated_model(60);
	tmdk_artifact *a = tree(json);
	char *dot = draw(root_of(a), TMDK_DIAGRAM_DOT, NULL), *m = draw(root_of(a), TMDK_DIAGRAM_MERMAID, NULL);
	char name[32];
	size_t i;

	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "\tc%zu [label=", i);
		cr_assert(strstr(dot, name), "component %zu drawn", i);
	}
	cr_assert_null(strstr(dot, "service-number-12-with-a-long-name"), "labels are clipped");
	cr_assert(strstr(dot, "service-number-12-with-a-lo\xe2\x80\xa6"), "clipped with an ellipsis");
	cr_assert(strstr(dot, "subgraph cluster_kubernetes {"));
	cr_assert(strstr(dot, "api [label=\"Control plane"), "rights over the control plane drawn");
	cr_assert(strstr(dot, "-> api [color=\"#7c3aed\", style=dashed, label=\"RBAC: read_secrets\"]"), "%s", dot);
	cr_assert(strstr(dot, "concentrate=true"));
	/* 8 namespaces and the compose network */
	cr_assert_eq(count_of(dot, "subgraph cluster_z"), 9);
	/* more than 40 flows: only those crossing a boundary keep their labels */
	cr_assert(strstr(dot, "c0 -> c1 [color=\"#6b7280\"];"), "%s", dot);
	cr_assert(strstr(dot, "c0 -> c8 [color=\"#ea580c\", style=bold, label=\"network :88\"]"), "%s", dot);
	cr_assert_eq(count_of(m, "\n    subgraph z"), 8);
	cr_assert_eq(count_of(m, "[\"service-number-"), 54);
	tmdk_model_diagram_free(dot);
	tmdk_model_diagram_free(m);
	tmdk_artifact_free(a);
	free(json);
}

Test(diagram, three_hundred_components_one_node_per_zone)
{
	char *json = generated_model(300);
	tmdk_artifact *a = tree(json);
	char *dot = draw(root_of(a), TMDK_DIAGRAM_DOT, NULL), *m = draw(root_of(a), TMDK_DIAGRAM_MERMAID, NULL);
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	char *all;

	cr_assert_null(strstr(dot, "\tc0 [label="), "collapsed");
	cr_assert(strstr(dot, "z0 [label=\"namespace team-0\\n8 components, 2 exposed\\nworst finding: none\""), "%s", dot);
	cr_assert(strstr(dot, "internet -> z0"), "%s", dot);
	cr_assert(strstr(dot, "z0 -> z1 [color=\"#ea580c\""), "flows between zones: %s", dot);
	cr_assert(strlen(m) < 50000, "Mermaid stays under GitHub's limit (%zu)", strlen(m));
	cr_assert(strstr(m, "z0[[\"namespace team-0<br/>8 components, 2 exposed<br/>worst finding: none\"]]"), "%s", m);
	/* a higher limit draws them all */
	o.max_components = 1000;
	all = draw(root_of(a), TMDK_DIAGRAM_DOT, &o);
	cr_assert(strstr(all, "\tc299 [label="));
	tmdk_model_diagram_free(all);
	tmdk_model_diagram_free(dot);
	tmdk_model_diagram_free(m);
	tmdk_artifact_free(a);
	free(json);
}

Test(diagram, missing_and_mistyped_keys_are_tolerated)
{
	static const char *const trees[] = {
		"{}",
		"{\"components\": \"x\", \"zones\": 3, \"flows\": {}, \"exposures\": null}",
		"{\"components\": [1, [], {\"name\": \"no id\"}, {\"id\": \"a\"}, {\"id\": \"a\"}, {\"id\": {\"x\": 1}}],"
		" \"zones\": [{\"kind\": \"namespace\"}, {\"id\": \"z\", \"components\": \"a\"}],"
		" \"flows\": [{\"from\": \"a\", \"to\": \"missing\"}, {\"from\": \"a\", \"to\": \"a\"}, 7],"
		" \"exposures\": [{\"component\": \"missing\", \"internet\": true}, {\"component\": \"a\", \"port\": [1]}]}",
		"{\"components\": [{\"id\": \"k\", \"namespace\": \"prod\", \"kind\": \"workload\", \"line\": -4, "
		"\"host\": [{\"kind\": \"host-path\"}, {\"kind\": \"host-path\"}, \"host-pid\"], \"can\": {\"bind\": true}}]}"
	};
	size_t i;
	for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		tmdk_artifact *a = tree(trees[i]);
		char *dot = draw(root_of(a), TMDK_DIAGRAM_DOT, NULL), *m = draw(root_of(a), TMDK_DIAGRAM_MERMAID, NULL);
		if (i < 2) {
			cr_assert(strstr(dot, "No component found"), "%s", dot);
			cr_assert(strstr(m, "No component found"), "%s", m);
		}
		if (i == 2) {
			cr_assert_eq(count_of(dot, "[label=\"a\\n"), 1, "one component a: %s", dot);
			cr_assert(strstr(dot, "outside -> c0 [color=\"#d97706\", style=bold, penwidth=1.8, label=\"exposed\"]"), "%s", dot);
			cr_assert_null(strstr(dot, "\tinternet"), "%s", dot);
		}
		if (i == 3) {
			/* no zone given: its namespace is drawn; host kinds once each; bind reaches the control plane */
			cr_assert(strstr(dot, "label=\"namespace prod\""), "%s", dot);
			cr_assert(strstr(dot, "label=\"host-path, host-pid\""), "%s", dot);
			cr_assert(strstr(dot, "label=\"RBAC: bind\""), "%s", dot);
		}
		tmdk_model_diagram_free(dot);
		tmdk_model_diagram_free(m);
		tmdk_artifact_free(a);
	}
	/* NULL draws the empty picture */
	{
		char *dot = draw(NULL, TMDK_DIAGRAM_DOT, NULL);
		cr_assert(strstr(dot, "No component found"));
		tmdk_model_diagram_free(dot);
	}
}

static int failing_write(const char *data, size_t len, void *payload)
{
	(void)data;
	(void)len;
	(void)payload;
	return 1;
}

Test(diagram, errors)
{
	tmdk_artifact *a = tree("[1, 2]"), *b = tree("{}");
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	tmdk_error err;
	char *out = (char *)0x1;

	cr_assert_eq(tmdk_model_diagram(&out, NULL, root_of(a), NULL, &err), TMDK_EINVAL);
	cr_assert_null(out);
	cr_assert(strstr(err.message, "a model is a map"), "%s", err.message);
	cr_assert_eq(err.line, 1);
	o.version = 9;
	cr_assert_eq(tmdk_model_diagram(&out, NULL, root_of(b), &o, &err), TMDK_EINVAL);
	o.version = TMDK_DIAGRAM_OPTIONS_VERSION;
	o.format = (tmdk_diagram_format)7;
	cr_assert_eq(tmdk_model_diagram(&out, NULL, root_of(b), &o, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_model_diagram(NULL, NULL, root_of(b), NULL, &err), TMDK_EINVAL);
	o.format = TMDK_DIAGRAM_DOT;
	cr_assert_eq(tmdk_model_write_diagram(root_of(b), &o, failing_write, NULL, &err), TMDK_EIO);
	cr_assert_eq(tmdk_model_write_diagram(root_of(b), &o, NULL, NULL, &err), TMDK_EINVAL);
	cr_assert_eq(tmdk_diagram_options_init(&o, 2), TMDK_EINVAL);
	cr_assert_eq(tmdk_diagram_options_init(&o, TMDK_DIAGRAM_OPTIONS_VERSION), TMDK_OK);
	o.format = TMDK_DIAGRAM_SVG;
	if (!tmdk_model_diagram_has_svg()) {
		cr_assert_eq(tmdk_model_diagram(&out, NULL, root_of(b), &o, &err), TMDK_ENOTFOUND);
		cr_assert(strstr(err.message, "Graphviz"), "%s", err.message);
	}
	tmdk_artifact_free(a);
	tmdk_artifact_free(b);
}

/* Graphviz is loaded the first time a picture needs it (model_svg.c): a
 * library configure found but that is not there at run time is the same as
 * none, never a crash: no SVG, TMDK_ENOTFOUND with Graphviz named. */
Test(diagram, svg_without_the_graphviz_library_at_run_time)
{
	char *json = three_json(), *out = NULL;
	tmdk_artifact *a = tree(json);
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	tmdk_error err;

	if (!tmdk__gvc_library) {
		tmdk_artifact_free(a);
		free(json);
		cr_skip_test("built without Graphviz (configure found no libgvc)");
	}
	tmdk__gvc_library = "libtmdk-test-no-such-graphviz.so.0";
	cr_expect_eq(tmdk_model_diagram_has_svg(), 0);
	o.format = TMDK_DIAGRAM_SVG;
	cr_expect_eq(tmdk_model_diagram(&out, NULL, root_of(a), &o, &err), TMDK_ENOTFOUND);
	cr_expect_null(out);
	cr_expect(strstr(err.message, "Graphviz"), "%s", err.message);
	o.format = TMDK_DIAGRAM_MERMAID;                /* the other formats do not need it */
	cr_expect_eq(tmdk_model_diagram(&out, NULL, root_of(a), &o, &err), TMDK_OK, "%s", err.message);
	tmdk_model_diagram_free(out);
	tmdk_artifact_free(a);
	free(json);
}

Test(diagram, svg_from_graphviz)
{
	char *json = three_json();
	tmdk_artifact *a = tree(json);
	char *svg;
	if (!tmdk_model_diagram_has_svg()) {
		tmdk_artifact_free(a);
		free(json);
		cr_skip_test("built without Graphviz (configure found no libgvc)");
	}
	svg = draw(root_of(a), TMDK_DIAGRAM_SVG, NULL);
	cr_assert(!strncmp(svg, "<svg", 4), "the XML prologue is removed: %.80s", svg);
	cr_assert(strstr(svg, "</svg>"));
	cr_assert(strstr(svg, "published&#45;port :8080") || strstr(svg, "published-port :8080"), "%s", svg);
	cr_assert(strstr(svg, "api &quot;&lt;b&gt;x&lt;/b&gt;&quot; &amp; #1 `tick`"), "escaped by Graphviz: %s", svg);
	cr_assert_null(strstr(svg, "<b>"));
	cr_assert_null(strstr(svg, "<script"));
	tmdk_model_diagram_free(svg);
	tmdk_artifact_free(a);
	free(json);
}
