/*
 * The diagram laid out by Graphviz's library (libgvc, found by configure;
 * optional): the DOT of model_dot.c rendered as SVG, the XML prologue and
 * DOCTYPE removed so the <svg> element can sit inline in the HTML report.
 * Without Graphviz, TMDK_ENOTFOUND: the report then shows the diagram's
 * text instead.
 *
 * libgvc is loaded (dlopen) the first time a picture is drawn or asked
 * about, not linked: with its six libraries it was 2.6 ms of the start of
 * every process, most of which draw nothing (a scan to JSON, SARIF or
 * text). A library that configure found but that is gone at run time is
 * the same as none.
 */
#include "config.h"
#include "diagram_int.h"
#include "report_int.h"

#include <string.h>

#ifdef HAVE_GVC
#include <dlfcn.h>
#include <gvc.h>
#include <pthread.h>

/* What dlopen loads; tests name one that is not there. */
const char *tmdk__gvc_library = TMDK_GVC_LIBRARY;

/* The functions used, typed as gvc.h declares them (their signatures moved
 * between Graphviz versions). */
static struct {
	__typeof__(gvContext) *context;
	__typeof__(gvLayout) *layout;
	__typeof__(gvRenderData) *render_data;
	__typeof__(gvFreeRenderData) *free_render_data;
	__typeof__(gvFreeLayout) *free_layout;
	__typeof__(agmemread) *memread;
	__typeof__(agclose) *close;
	__typeof__(agseterrf) *seterrf;
} gv;
static pthread_once_t gv_once = PTHREAD_ONCE_INIT;
static int gv_loaded;

/* Never closed: Graphviz's plugins and gvc_shared live to the end. */
static void gv_load(void)
{
	void *h = dlopen(tmdk__gvc_library, RTLD_NOW | RTLD_GLOBAL);
	if (!h)
		return;
	*(void **)&gv.context = dlsym(h, "gvContext");
	*(void **)&gv.layout = dlsym(h, "gvLayout");
	*(void **)&gv.render_data = dlsym(h, "gvRenderData");
	*(void **)&gv.free_render_data = dlsym(h, "gvFreeRenderData");
	*(void **)&gv.free_layout = dlsym(h, "gvFreeLayout");
	*(void **)&gv.memread = dlsym(h, "agmemread");    /* libcgraph, which libgvc needs */
	*(void **)&gv.close = dlsym(h, "agclose");
	*(void **)&gv.seterrf = dlsym(h, "agseterrf");
	gv_loaded = gv.context && gv.layout && gv.render_data && gv.free_render_data && gv.free_layout &&
		gv.memread && gv.close && gv.seterrf;
}

static int gv_available(void)
{
	return pthread_once(&gv_once, gv_load) == 0 && gv_loaded;
}

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
	gv.seterrf(quiet);
	if (!gvc_shared)
		gvc_shared = gv.context();
	if (!(gvc = gvc_shared))
		goto done;
	if ((g = gv.memread(dot)) != NULL) {
		if (gv.layout(gvc, g, "dot") == 0) {
			if (gv.render_data(gvc, g, "svg", &data, &n) == 0 && data) {
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
				gv.free_render_data(data);
			} else {
				rc = TMDK_ERROR;
			}
			gv.free_layout(gvc, g);
		} else {
			rc = TMDK_ERROR;
		}
		gv.close(g);
	} else {
		rc = TMDK_ERROR;
	}
done:
	pthread_mutex_unlock(&gvc_lock);
	return rc;
}
#else
const char *tmdk__gvc_library = NULL;
#endif

int tmdk_model_diagram_has_svg(void)
{
#ifdef HAVE_GVC
	return gv_available();
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
	if (!gv_available())
		return TMDK_ENOTFOUND;
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
