/*
 * The public diagram functions (include/tmdk/model.h): copy what the picture
 * needs from a model tree (model_diagram.c), map the caller's per-component
 * severities onto it, and run the DOT, Mermaid or SVG writer.
 */
#include "diagram_int.h"
#include "report_int.h"

#include <string.h>

int tmdk_diagram_options_init(tmdk_diagram_options *opts, unsigned int version)
{
	tmdk_diagram_options init = TMDK_DIAGRAM_OPTIONS_INIT;
	if (!opts || version != TMDK_DIAGRAM_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

/* Per component of d: the worst severity the caller gave for its id. Heap; NULL when none given. */
static int *severities(const tmdk__diagram *d, const tmdk_diagram_options *o, int *nomem)
{
	int *sev;
	size_t i;
	if (!o->severities || !o->component_ids || !o->severity_count || !d->comp_count)
		return NULL;
	if (!(sev = tmdk__malloc(d->comp_count * sizeof(*sev)))) {
		*nomem = 1;
		return NULL;
	}
	for (i = 0; i < d->comp_count; i++)
		sev[i] = -1;
	for (i = 0; i < o->severity_count; i++) {
		size_t c = tmdk__diagram_find(d, o->component_ids[i]);
		int s = o->severities[i];
		if (c != (size_t)-1 && s >= 0 && s < TMDK_SEVERITY_COUNT && s > sev[c])
			sev[c] = s;
	}
	return sev;
}

int tmdk_model_write_diagram(const tmdk_node *model, const tmdk_diagram_options *opts, tmdk_diagram_write_fn write,
	void *payload, tmdk_error *err)
{
	tmdk_diagram_options defaults = TMDK_DIAGRAM_OPTIONS_INIT;
	tmdk__diagram_style style;
	tmdk__diagram *d;
	tmdk__out o;
	int *sev, nomem = 0, rc;

	tmdk_error_clear(err);
	if (!opts)
		opts = &defaults;
	if (!write || opts->version != TMDK_DIAGRAM_OPTIONS_VERSION || (unsigned)opts->format > TMDK_DIAGRAM_SVG)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument or tmdk_diagram_options");
	if (model && tmdk_node_get_type(model) != TMDK_NODE_MAP)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, tmdk_node_line(model), tmdk_node_column(model),
			"a model is a map");
	if (!(d = tmdk__diagram_new(model)))
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	sev = severities(d, opts, &nomem);
	if (nomem) {
		tmdk__diagram_free(d);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	style.severity = sev;
	style.max_components = opts->max_components;
	style.label_width = opts->label_width;
	tmdk__out_init(&o, write, payload);
	if (opts->format == TMDK_DIAGRAM_SVG) {
		char *svg = NULL;
		size_t len = 0;
		rc = tmdk__diagram_svg(&svg, &len, d, &style);
		if (rc == TMDK_OK)
			tmdk__out_mem(&o, svg, len);
		tmdk__free(svg);
	} else {
		rc = opts->format == TMDK_DIAGRAM_DOT ? tmdk__diagram_write_dot(d, &style, &o)
			: tmdk__diagram_write_mermaid(d, &style, &o);
	}
	tmdk__free(sev);
	tmdk__diagram_free(d);
	if (rc == TMDK_OK && tmdk__out_flush(&o) != TMDK_OK)
		rc = o.nomem ? TMDK_ENOMEM : TMDK_EIO;
	if (rc == TMDK_ENOTFOUND)
		return tmdk__error_set(err, rc, NULL, 0, 0, "SVG diagrams need libtmdk built with Graphviz (libgvc)");
	if (rc == TMDK_ERROR)
		return tmdk__error_set(err, rc, NULL, 0, 0, "Graphviz could not lay out the diagram");
	if (rc != TMDK_OK)
		return tmdk__error_set(err, rc, NULL, 0, 0, rc == TMDK_EIO ? "the write callback failed" : "out of memory");
	return TMDK_OK;
}

int tmdk_model_diagram(char **out, size_t *len_out, const tmdk_node *model, const tmdk_diagram_options *opts,
	tmdk_error *err)
{
	tmdk__sink sink = { NULL, 0, 0 };
	int rc;
	if (!out)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	rc = tmdk_model_write_diagram(model, opts, tmdk__sink_write, &sink, err);
	if (rc == TMDK_OK && !sink.data && !(sink.data = tmdk__calloc(1, 1)))
		rc = tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc != TMDK_OK) {
		tmdk__free(sink.data);
		return rc;
	}
	*out = sink.data;
	if (len_out)
		*len_out = sink.len;
	return TMDK_OK;
}

void tmdk_model_diagram_free(char *diagram)
{
	tmdk__free(diagram);
}
