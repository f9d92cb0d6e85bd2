/*
 * libtmdk — the system model as JSON (`tmdk-scan --format model`,
 * docs/system-model.md): the model's tree written as it is, maps as
 * objects in their order, scalars by their resolved type.
 */
#include "report_int.h"
#include "tmdk/model.h"

#include <string.h>

#define MODEL_JSON_FORMAT_VERSION 1

static void scalar(tmdk__json *j, const char *key, const tmdk_node *n)
{
	const char *text = tmdk_node_text(n, NULL);
	switch (tmdk_node_scalar_type(n)) {
	case TMDK_SCALAR_NULL:
		tmdk__json_raw(j, key, "null");
		break;
	case TMDK_SCALAR_BOOL: {
		int v = 0;
		tmdk_node_as_bool(n, &v);
		tmdk__json_bool(j, key, v);
		break;
	}
	case TMDK_SCALAR_INT: {
		long long v;
		char buf[32];
		if (tmdk_node_as_int(n, &v) == TMDK_OK) {
			snprintf(buf, sizeof(buf), "%lld", v);
			tmdk__json_raw(j, key, buf);
		} else {
			tmdk__json_string(j, key, text);
		}
		break;
	}
	default:
		tmdk__json_string(j, key, text);
	}
}

/* The tree below n; depth is bounded by the emitter (the model is shallow). */
static void node(tmdk__json *j, const char *key, const tmdk_node *n)
{
	size_t i;
	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_MAP:
		tmdk__json_open(j, key, '{');
		for (i = 0; i < tmdk_node_size(n); i++) {
			const char *k = tmdk_node_text(tmdk_node_key_at(n, i), NULL);
			node(j, k ? k : "", tmdk_node_at(n, i));
		}
		tmdk__json_close(j, '}');
		break;
	case TMDK_NODE_SEQUENCE:
		tmdk__json_open(j, key, '[');
		for (i = 0; i < tmdk_node_size(n); i++)
			node(j, NULL, tmdk_node_at(n, i));
		tmdk__json_close(j, ']');
		break;
	case TMDK_NODE_SCALAR:
		scalar(j, key, n);
		break;
	default:
		tmdk__json_raw(j, key, "null");
	}
}

static int finish(tmdk__out *o, tmdk_error *err)
{
	int rc = tmdk__out_flush(o);
	if (o->nomem)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory writing the model");
	if (rc != TMDK_OK)
		return tmdk__error_set(err, TMDK_EIO, NULL, 0, 0, "the output callback failed writing the model");
	return TMDK_OK;
}

int tmdk_model_write_json(const tmdk_model *model, tmdk_write_fn write, void *payload, tmdk_error *err)
{
	tmdk__out o;
	tmdk__json j;
	if (!model || !write)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "tmdk_model_write_json: model and write are required");
	tmdk__out_init(&o, write, payload);
	tmdk__json_init(&j, &o);
	node(&j, NULL, tmdk_model_root(model));
	return finish(&o, err);
}

int tmdk_models_write_json(const tmdk_model *const *models, const char *const *names, const char *const *kinds,
	size_t count, const char *tool_name, tmdk_write_fn write, void *payload, tmdk_error *err)
{
	tmdk__out o;
	tmdk__json j;
	size_t i;
	if ((count && (!models || !names)) || !write)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "tmdk_models_write_json: models, names and write are required");
	tmdk__out_init(&o, write, payload);
	tmdk__json_init(&j, &o);
	tmdk__json_open(&j, NULL, '{');
	tmdk__json_uint(&j, "format_version", MODEL_JSON_FORMAT_VERSION);
	tmdk__json_open(&j, "tool", '{');
	tmdk__json_string(&j, "name", tool_name ? tool_name : "libtmdk");
	tmdk__json_string(&j, "version", tmdk_version(NULL, NULL, NULL));
	tmdk__json_close(&j, '}');
	tmdk__json_open(&j, "units", '[');
	for (i = 0; i < count; i++) {
		tmdk__json_open(&j, NULL, '{');
		tmdk__json_string(&j, "name", names[i]);
		tmdk__json_string(&j, "kind", kinds && kinds[i] ? kinds[i] : "set");
		if (models[i])
			node(&j, "model", tmdk_model_root(models[i]));
		else
			tmdk__json_raw(&j, "model", "null");
		tmdk__json_close(&j, '}');
	}
	tmdk__json_close(&j, ']');
	tmdk__json_close(&j, '}');
	return finish(&o, err);
}
