/*
 * The diagram laid out by Graphviz's library (libgvc, found by configure;
 * optional): the DOT of model_dot.c rendered as SVG, the XML prologue and
 * DOCTYPE removed so the <svg> element can sit inline in the HTML report.
 * Without Graphviz, TMDK_ENOTFOUND: the report then shows the diagram's
 * text instead.
 */
#include "config.h"
#include "diagram_int.h"
#include "report_int.h"

#include <string.h>

#ifdef HAVE_GVC
#include <gvc.h>
#include <pthread.h>

/* Graphviz keeps global state (its error reporter, the cgraph memory
 * discipline): one layout at a time. */
static pthread_mutex_t gvc_lock = PTHREAD_MUTEX_INITIALIZER;

/* One context for the life of the process, never freed: Graphviz 2.42's
 * pango plugin caches a pointer to the last font name, a string the context
 * owns, and compares the next layout's font against it. Freeing the context
 * after each layout made the second layout read freed memory (found by
 * AddressSanitizer); a context that lives on keeps that pointer valid. */
static GVC_t *gvc_shared;

static int quiet(char *message)
{
	(void)message;
	return 0;
}

static int layout(char **out, size_t *len, const char *dot)
{
	GVC_t *gvc;
	Agraph_t *g;
	char *data = NULL;
	size_t size = 0;
	unsigned int n = 0;
	const char *start;
	int rc = TMDK_ENOMEM;

	pthread_mutex_lock(&gvc_lock);
	agseterrf(quiet);
	if (!gvc_shared)
		gvc_shared = gvContext();
	if (!(gvc = gvc_shared))
		goto done;
	if ((g = agmemread(dot)) != NULL) {
		if (gvLayout(gvc, g, "dot") == 0) {
			if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
				start = strstr(data, "<svg");
				if (start) {
					size = n - (size_t)(start - data);
					if ((*out = tmdk__malloc(size + 1)) != NULL) {
						memcpy(*out, start, size);
						(*out)[size] = '\0';
						*len = size;
						rc = TMDK_OK;
					}
				} else {
					rc = TMDK_ERROR;
				}
				gvFreeRenderData(data);
			} else {
				rc = TMDK_ERROR;
			}
			gvFreeLayout(gvc, g);
		} else {
			rc = TMDK_ERROR;
		}
		agclose(g);
	} else {
		rc = TMDK_ERROR;
	}
done:
	pthread_mutex_unlock(&gvc_lock);
	return rc;
}
#endif

int tmdk_model_diagram_has_svg(void)
{
#ifdef HAVE_GVC
	return 1;
#else
	return 0;
#endif
}

int tmdk__diagram_svg(char **out, size_t *len, const tmdk__diagram *d, const tmdk__diagram_style *s)
{
#ifdef HAVE_GVC
	tmdk__sink sink = { NULL, 0, 0 };
	tmdk__out o;
	int rc;
	*out = NULL;
	*len = 0;
	tmdk__out_init(&o, tmdk__sink_write, &sink);
	rc = tmdk__diagram_write_dot(d, s, &o);
	if (rc == TMDK_OK && (tmdk__out_flush(&o) != TMDK_OK || o.nomem))
		rc = TMDK_ENOMEM;
	if (rc == TMDK_OK)
		rc = layout(out, len, sink.data);
	tmdk__free(sink.data);
	return rc;
#else
	(void)d;
	(void)s;
	*out = NULL;
	*len = 0;
	return TMDK_ENOTFOUND;
#endif
}
