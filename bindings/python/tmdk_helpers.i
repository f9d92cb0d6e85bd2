/*
 * Hand-written helpers of the private module tmdk.native, for what the
 * public C API does not map onto Python by itself: raising the package's
 * exceptions, parsing and scanning with the GIL released, calling back into
 * Python from a scan, and converting nodes and findings into plain Python
 * values in one call instead of one SWIG call per field.
 *
 * Every helper is named tmdk_py_* (Python: py_*), so none can collide with a
 * library function. They return a new reference, or NULL with a Python
 * exception set (the module's %exception turns that into a raise).
 */

%{
/* The exception classes of the tmdk package, by error code ({int: class}). */
static PyObject *tmdk_py_error_classes;

/* A str from UTF-8 text that may not be valid UTF-8 (input bytes end up in messages). */
static PyObject *tmdk_py_str(const char *s, size_t len)
{
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "surrogateescape");
}

static PyObject *tmdk_py_str_or_none(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return tmdk_py_str(s, strlen(s));
}

/* Paths come back as the OS gave them (the inverse of PyUnicode_FSConverter). */
static PyObject *tmdk_py_path_or_none(const char *s)
{
	if (!s || !*s)
		Py_RETURN_NONE;
	return PyUnicode_DecodeFSDefault(s);
}

/* Raise the registered class for `code` with (message, code, path, line, column). */
static void tmdk_py_raise(int code, const tmdk_error *err)
{
	PyObject *cls = NULL, *key, *exc;
	const char *msg = err && err->message[0] ? err->message : tmdk_strerror(code);

	if (code == TMDK_ENOMEM) {
		PyErr_NoMemory();
		return;
	}
	key = PyLong_FromLong(code);
	if (!key)
		return;
	if (tmdk_py_error_classes)
		cls = PyDict_GetItemWithError(tmdk_py_error_classes, key); /* borrowed */
	Py_DECREF(key);
	if (PyErr_Occurred())
		return;
	if (!cls)
		cls = PyExc_RuntimeError;
	exc = PyObject_CallFunction(cls, "NiNII", tmdk_py_str(msg, strlen(msg)), code,
		tmdk_py_path_or_none(err ? err->source : NULL),
		err ? err->line : 0u, err ? err->column : 0u);
	if (!exc)
		return;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
}

/* Store item in tuple slot i; 0, or -1 when item is NULL (an exception is set). */
static int tmdk_py_set(PyObject *tuple, Py_ssize_t i, PyObject *item)
{
	if (!item)
		return -1;
	PyTuple_SET_ITEM(tuple, i, item);
	return 0;
}

/* Store item in list slot i (same contract). */
static int tmdk_py_set_list_item(PyObject *list, size_t i, PyObject *item)
{
	if (!item)
		return -1;
	PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	return 0;
}
%}

%inline %{
/** Register the package's exception classes: a dict {error code: class}. */
static PyObject *tmdk_py_set_error_classes(PyObject *classes)
{
	if (!PyDict_Check(classes)) {
		PyErr_SetString(PyExc_TypeError, "expected a dict {code: exception class}");
		return NULL;
	}
	Py_INCREF(classes);
	Py_XDECREF(tmdk_py_error_classes);
	tmdk_py_error_classes = classes;
	Py_RETURN_NONE;
}

/** The loaded library's version: (string, major, minor, patch). */
static PyObject *tmdk_py_version(void)
{
	int major = 0, minor = 0, patch = 0;
	const char *v = tmdk_version(&major, &minor, &patch);
	return Py_BuildValue("(siii)", v, major, minor, patch);
}
%}

/* ---- parsing ---------------------------------------------------------- */
%{
/* The artifact as an owning proxy, or the error raised. */
static PyObject *tmdk_py_artifact_result(int rc, tmdk_artifact *a, const tmdk_error *err)
{
	PyObject *r;

	if (rc != TMDK_OK) {
		tmdk_artifact_free(a);
		tmdk_py_raise(rc, err);
		return NULL;
	}
	r = SWIG_NewPointerObj(SWIG_as_voidptr(a), SWIGTYPE_p_tmdk_artifact, SWIG_POINTER_OWN);
	if (!r)
		tmdk_artifact_free(a);
	return r;
}
%}

%inline %{
/** Read and parse a file, with the GIL released. Returns an owning artifact proxy. */
static PyObject *tmdk_py_parse_path(const char *path, const tmdk_parse_options *opts)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	Py_BEGIN_ALLOW_THREADS
	rc = tmdk_artifact_parse_file(&a, path, opts, &err);
	Py_END_ALLOW_THREADS
	return tmdk_py_artifact_result(rc, a, &err);
}

/** Parse bytes (copied by the library), with the GIL released. */
static PyObject *tmdk_py_parse_bytes(const char *name, const void *data, size_t len, const tmdk_parse_options *opts)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	Py_BEGIN_ALLOW_THREADS
	rc = tmdk_artifact_parse_buffer(&a, name, data, len, opts, &err);
	Py_END_ALLOW_THREADS
	return tmdk_py_artifact_result(rc, a, &err);
}

/** Source line `line` (from 1) without its line ending, or None. */
static PyObject *tmdk_py_artifact_line(const tmdk_artifact *a, unsigned int line)
{
	size_t len = 0;
	const char *text = tmdk_artifact_line(a, line, &len);
	if (!text)
		Py_RETURN_NONE;
	return tmdk_py_str(text, len);
}

/** The artifact's warnings: a list of (message, line, column). */
static PyObject *tmdk_py_artifact_warnings(const tmdk_artifact *a)
{
	size_t i, n = tmdk_artifact_warning_count(a);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list && i < n; i++) {
		unsigned int line = 0, column = 0;
		const char *msg = tmdk_artifact_warning(a, i, &line, &column);
		PyObject *item = Py_BuildValue("(NII)", tmdk_py_str_or_none(msg), line, column);
		if (!item) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	}
	return list;
}
%}

/* ---- nodes ------------------------------------------------------------ */
%{
/* The text of a scalar as str (it may hold NUL bytes), None for others. */
static PyObject *tmdk_py_text(const tmdk_node *n)
{
	size_t len = 0;
	const char *text = tmdk_node_text(n, &len);
	if (!text)
		Py_RETURN_NONE;
	return tmdk_py_str(text, len);
}

/* An int scalar: the library's value, or Python's own parse of the text when it overflows. */
static PyObject *tmdk_py_int(const tmdk_node *n)
{
	long long v;
	const char *text;
	PyObject *r;
	char *clean, *d;
	const char *s;

	if (tmdk_node_as_int(n, &v) == TMDK_OK)
		return PyLong_FromLongLong(v);
	/* Beyond 64 bits: YAML allows 0o/0x prefixes and leading zeros; Python needs base 10 for those. */
	text = tmdk_node_text(n, NULL);
	clean = PyMem_Malloc(strlen(text) + 1);
	if (!clean)
		return PyErr_NoMemory();
	for (s = text, d = clean; *s; s++)
		if (*s != '_')
			*d++ = *s;
	*d = '\0';
	r = PyLong_FromString(clean, NULL, 0);
	if (!r) {
		PyErr_Clear();
		r = PyLong_FromString(clean, NULL, 10);
	}
	PyMem_Free(clean);
	if (!r) {
		PyErr_Clear();
		return tmdk_py_text(n);
	}
	return r;
}

static PyObject *tmdk_py_value(const tmdk_node *n)
{
	double d;
	int b;

	if (tmdk_node_get_type(n) != TMDK_NODE_SCALAR)
		Py_RETURN_NONE;
	switch (tmdk_node_scalar_type(n)) {
	case TMDK_SCALAR_INT:
		return tmdk_py_int(n);
	case TMDK_SCALAR_FLOAT:
		if (tmdk_node_as_double(n, &d) == TMDK_OK)
			return PyFloat_FromDouble(d);
		return tmdk_py_text(n);
	case TMDK_SCALAR_BOOL:
		if (tmdk_node_as_bool(n, &b) == TMDK_OK)
			return PyBool_FromLong(b);
		return tmdk_py_text(n);
	case TMDK_SCALAR_NULL:
		Py_RETURN_NONE;
	default:
		return tmdk_py_text(n);
	}
}

static PyObject *tmdk_py_to_python(const tmdk_node *n, int hashable);

/* A map key: the scalar's text (keys are looked up by text), or a hashable copy of a complex key. */
static PyObject *tmdk_py_key(const tmdk_node *k)
{
	if (tmdk_node_get_type(k) == TMDK_NODE_SCALAR)
		return tmdk_py_text(k);
	return tmdk_py_to_python(k, 1);
}

/*
 * The whole subtree as dicts, lists and typed scalars. With `hashable`
 * (complex map keys), sequences become tuples and maps tuples of pairs.
 * Depth is bounded by the parser's max_depth.
 */
static PyObject *tmdk_py_to_python(const tmdk_node *n, int hashable)
{
	size_t i, size = tmdk_node_size(n);
	PyObject *r, *k, *v;

	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_SEQUENCE:
		r = hashable ? PyTuple_New((Py_ssize_t)size) : PyList_New((Py_ssize_t)size);
		for (i = 0; r && i < size; i++) {
			v = tmdk_py_to_python(tmdk_node_at(n, i), hashable);
			if (!v) {
				Py_CLEAR(r);
				break;
			}
			if (hashable)
				PyTuple_SET_ITEM(r, (Py_ssize_t)i, v);
			else
				PyList_SET_ITEM(r, (Py_ssize_t)i, v);
		}
		return r;
	case TMDK_NODE_MAP:
		if (hashable) {
			r = PyTuple_New((Py_ssize_t)size);
			for (i = 0; r && i < size; i++) {
				v = Py_BuildValue("(NN)", tmdk_py_key(tmdk_node_key_at(n, i)),
					tmdk_py_to_python(tmdk_node_at(n, i), 1));
				if (!v) {
					Py_CLEAR(r);
					break;
				}
				PyTuple_SET_ITEM(r, (Py_ssize_t)i, v);
			}
			return r;
		}
		r = PyDict_New();
		for (i = 0; r && i < size; i++) {
			int bad;
			k = tmdk_py_key(tmdk_node_key_at(n, i));
			v = k ? tmdk_py_to_python(tmdk_node_at(n, i), 0) : NULL;
			bad = !v || PyDict_SetItem(r, k, v) < 0;
			Py_XDECREF(k);
			Py_XDECREF(v);
			if (bad)
				Py_CLEAR(r);
		}
		return r;
	default:
		return tmdk_py_value(n);
	}
}
%}

%inline %{
/** A scalar's typed value (str, int, float, bool or None); None for maps and sequences. */
static PyObject *tmdk_py_node_value(const tmdk_node *node)
{
	return tmdk_py_value(node);
}

/** A scalar's text as str; None for maps and sequences. */
static PyObject *tmdk_py_node_text(const tmdk_node *node)
{
	return tmdk_py_text(node);
}

/** A map's keys, in order (see tmdk_py_key). */
static PyObject *tmdk_py_node_keys(const tmdk_node *node)
{
	size_t i, n = tmdk_node_get_type(node) == TMDK_NODE_MAP ? tmdk_node_size(node) : 0;
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list && i < n; i++)
		if (tmdk_py_set_list_item(list, i, tmdk_py_key(tmdk_node_key_at(node, i))) < 0)
			Py_CLEAR(list);
	return list;
}

/** The subtree as plain Python data (dict, list, str, int, float, bool, None). */
static PyObject *tmdk_py_node_to_python(const tmdk_node *node)
{
	return tmdk_py_to_python(node, 0);
}
%}

/* ---- catalogs --------------------------------------------------------- */
%inline %{
/** Every diagnostic of a compiler: a list of (level, code, file, line, column, pattern_id, message). */
static PyObject *tmdk_py_compiler_diagnostics(const tmdk_compiler *c)
{
	size_t i, n = tmdk_compiler_diagnostic_count(c);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list && i < n; i++) {
		const tmdk_diagnostic *d = tmdk_compiler_diagnostic(c, i);
		PyObject *item = Py_BuildValue("(iiNIINN)", (int)d->level, d->code, tmdk_py_path_or_none(d->file),
			d->line, d->column, tmdk_py_str_or_none(d->pattern_id), tmdk_py_str_or_none(d->message));
		if (tmdk_py_set_list_item(list, i, item) < 0)
			Py_CLEAR(list);
	}
	return list;
}
%}

/* ---- scanning --------------------------------------------------------- */
%{
/* A finding as a tuple of plain values; the order is the package's _ROW_FIELDS. */
static PyObject *tmdk_py_finding_row(const tmdk_finding *f)
{
	PyObject *row = PyTuple_New(11);
	const char *path = tmdk_finding_path(f);

	if (!row)
		return NULL;
	if (tmdk_py_set(row, 0, tmdk_py_str_or_none(tmdk_pattern_id(tmdk_finding_pattern(f)))) < 0 ||
	    tmdk_py_set(row, 1, path ? PyUnicode_DecodeFSDefault(path) : PyUnicode_FromString("")) < 0 ||
	    tmdk_py_set(row, 2, PyUnicode_FromString(tmdk_kind_name(tmdk_finding_kind(f)))) < 0 ||
	    tmdk_py_set(row, 3, PyLong_FromSize_t(tmdk_finding_document(f))) < 0 ||
	    tmdk_py_set(row, 4, PyLong_FromUnsignedLong(tmdk_finding_line(f))) < 0 ||
	    tmdk_py_set(row, 5, PyLong_FromUnsignedLong(tmdk_finding_column(f))) < 0 ||
	    tmdk_py_set(row, 6, tmdk_py_str_or_none(tmdk_finding_object(f))) < 0 ||
	    tmdk_py_set(row, 7, tmdk_py_str_or_none(tmdk_finding_evidence(f))) < 0 ||
	    tmdk_py_set(row, 8, tmdk_py_str_or_none(tmdk_finding_message(f))) < 0 ||
	    tmdk_py_set(row, 9, PyBool_FromLong(tmdk_finding_suppressed(f))) < 0 ||
	    tmdk_py_set(row, 10, tmdk_py_str_or_none(tmdk_finding_suppression(f))) < 0) {
		Py_DECREF(row);
		return NULL;
	}
	return row;
}

/* State shared with the finding callback, which runs without the GIL. */
typedef struct tmdk_py_scan_state {
	tmdk_findings *list;  /* receives an owned copy of every finding reported */
	PyObject *callback;   /* called as callback(row, index), or NULL */
} tmdk_py_scan_state;

/*
 * Keep a copy of the finding. With a Python callback, the list is shared
 * with Python threads, so copy it under the GIL, then call the callback: a
 * true result stops the scan; an exception aborts it (TMDK_EUSER) and stays
 * set for the wrapper to raise once the scan has returned.
 */
static int tmdk_py_on_finding(const tmdk_finding *f, void *payload)
{
	tmdk_py_scan_state *st = payload;
	PyGILState_STATE gil;
	PyObject *row, *r;
	int rc;

	if (!st->callback)
		return tmdk_findings_append(st->list, f);
	gil = PyGILState_Ensure();
	rc = tmdk_findings_append(st->list, f);
	if (rc == TMDK_OK) {
		row = tmdk_py_finding_row(f);
		r = row ? PyObject_CallFunction(st->callback, "On", row, (Py_ssize_t)tmdk_findings_count(st->list) - 1) : NULL;
		Py_XDECREF(row);
		if (!r) {
			rc = TMDK_EUSER;
		} else {
			int stop = PyObject_IsTrue(r);
			rc = stop < 0 ? TMDK_EUSER : (stop ? TMDK_STOP : 0);
			Py_DECREF(r);
		}
	}
	PyGILState_Release(gil);
	return rc;
}

/* The ignore list as C strings borrowed from `ids` (a tuple of str). */
static const char **tmdk_py_id_array(PyObject *ids)
{
	Py_ssize_t i, n = PyTuple_GET_SIZE(ids);
	const char **arr = PyMem_Calloc((size_t)n + 1, sizeof(*arr));

	if (!arr)
		return (const char **)PyErr_NoMemory();
	for (i = 0; i < n; i++) {
		arr[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(ids, i));
		if (!arr[i]) {
			PyMem_Free(arr);
			return NULL;
		}
	}
	return arr;
}

/* The artifacts of `arts` (a tuple of artifact proxies) as a C array. */
static const tmdk_artifact **tmdk_py_artifact_array(PyObject *arts)
{
	Py_ssize_t i, n = PyTuple_GET_SIZE(arts);
	const tmdk_artifact **arr = PyMem_Calloc((size_t)n + 1, sizeof(*arr));

	if (!arr)
		return (const tmdk_artifact **)PyErr_NoMemory();
	for (i = 0; i < n; i++) {
		void *p = NULL;
		if (!SWIG_IsOK(SWIG_ConvertPtr(PyTuple_GET_ITEM(arts, i), &p, SWIGTYPE_p_tmdk_artifact, 0)) || !p) {
			PyErr_Format(PyExc_TypeError, "item %zd is not a parsed artifact", i);
			PyMem_Free(arr);
			return NULL;
		}
		arr[i] = p;
	}
	return arr;
}
%}

%inline %{
/** A new, empty list of findings (an owning proxy). */
static PyObject *tmdk_py_findings_new(void)
{
	tmdk_findings *list = NULL;
	PyObject *r;

	if (tmdk_findings_new(&list) != TMDK_OK)
		return PyErr_NoMemory();
	r = SWIG_NewPointerObj(SWIG_as_voidptr(list), SWIGTYPE_p_tmdk_findings, SWIG_POINTER_OWN);
	if (!r)
		tmdk_findings_free(list);
	return r;
}

/**
 * Scan artifacts as one set with the GIL released, appending a copy of
 * every finding reported to `findings`. `ignore_ids` and `artifacts` are
 * tuples (immutable, so nothing changes under the scan); `callback` is None
 * or callable(row, index). Returns the scanner's counts (reported, suppressed).
 */
static PyObject *tmdk_py_scan(const tmdk_catalog *catalog, const tmdk_scan_options *opts,
	PyObject *ignore_ids, PyObject *artifacts, tmdk_findings *findings, PyObject *callback)
{
	tmdk_py_scan_state st = { NULL, NULL };
	tmdk_scan_options o = *opts;
	const tmdk_artifact **arts;
	const char **ids;
	tmdk_scanner *scanner = NULL;
	tmdk_error err;
	size_t reported = 0, suppressed = 0;
	int rc;

	if (!PyTuple_Check(ignore_ids) || !PyTuple_Check(artifacts)) {
		PyErr_SetString(PyExc_TypeError, "ignore_ids and artifacts must be tuples");
		return NULL;
	}
	if (callback != Py_None && !PyCallable_Check(callback)) {
		PyErr_SetString(PyExc_TypeError, "callback must be callable or None");
		return NULL;
	}
	memset(&err, 0, sizeof(err));
	ids = tmdk_py_id_array(ignore_ids);
	if (!ids)
		return NULL;
	arts = tmdk_py_artifact_array(artifacts);
	if (!arts) {
		PyMem_Free(ids);
		return NULL;
	}
	o.ignore_ids = ids;
	o.ignore_count = (size_t)PyTuple_GET_SIZE(ignore_ids);
	rc = tmdk_scanner_new(&scanner, catalog, &o, &err); /* copies the ignore list */
	PyMem_Free(ids);
	if (rc == TMDK_OK) {
		st.list = findings;
		st.callback = callback == Py_None ? NULL : callback;
		Py_BEGIN_ALLOW_THREADS
		rc = tmdk_scanner_scan_set(scanner, arts, (size_t)PyTuple_GET_SIZE(artifacts),
			tmdk_py_on_finding, &st, &err);
		Py_END_ALLOW_THREADS
		reported = tmdk_scanner_finding_count(scanner);
		suppressed = tmdk_scanner_suppressed_count(scanner);
	}
	tmdk_scanner_free(scanner);
	PyMem_Free(arts);
	if (PyErr_Occurred())
		return NULL;
	if (rc < 0) {
		tmdk_py_raise(rc, &err);
		return NULL;
	}
	return Py_BuildValue("(nn)", (Py_ssize_t)reported, (Py_ssize_t)suppressed);
}

/** Findings from index `start` on, as a list of row tuples. */
static PyObject *tmdk_py_findings_rows(const tmdk_findings *list, size_t start)
{
	size_t i, n = tmdk_findings_count(list);
	PyObject *rows = PyList_New(start < n ? (Py_ssize_t)(n - start) : 0);

	for (i = start; rows && i < n; i++)
		if (tmdk_py_set_list_item(rows, i - start, tmdk_py_finding_row(tmdk_findings_at(list, i))) < 0)
			Py_CLEAR(rows);
	return rows;
}
%}

/* ---- reports ---------------------------------------------------------- */
%inline %{
/** The catalog and pattern filters of the scan (see tmdk_report_set_catalog); ignore_ids is a tuple of str. */
static PyObject *tmdk_py_report_set_catalog(tmdk_report *report, const tmdk_catalog *catalog,
	const tmdk_scan_options *opts, PyObject *ignore_ids)
{
	tmdk_scan_options o = *opts;
	const char **ids;
	tmdk_error err;
	int rc;

	if (!PyTuple_Check(ignore_ids)) {
		PyErr_SetString(PyExc_TypeError, "ignore_ids must be a tuple");
		return NULL;
	}
	ids = tmdk_py_id_array(ignore_ids);
	if (!ids)
		return NULL;
	memset(&err, 0, sizeof(err));
	o.ignore_ids = ids;
	o.ignore_count = (size_t)PyTuple_GET_SIZE(ignore_ids);
	rc = tmdk_report_set_catalog(report, catalog, &o, &err);
	PyMem_Free(ids);
	if (rc != TMDK_OK) {
		tmdk_py_raise(rc, &err);
		return NULL;
	}
	Py_RETURN_NONE;
}

/** Add a copy of the index-th finding of a list (a finding a scan returned). */
static PyObject *tmdk_py_report_add_finding(tmdk_report *report, const tmdk_findings *findings, size_t index)
{
	const tmdk_finding *f = tmdk_findings_at(findings, index);
	int rc;

	if (!f) {
		PyErr_SetString(PyExc_IndexError, "finding index out of range");
		return NULL;
	}
	rc = tmdk_report_add_finding(report, f);
	if (rc != TMDK_OK) {
		tmdk_py_raise(rc, NULL);
		return NULL;
	}
	Py_RETURN_NONE;
}

/**
 * Render a report as str, with the GIL released. format and min_severity
 * are the C enums; title and tool_name may be None (the defaults).
 */
static PyObject *tmdk_py_report_render(const tmdk_report *report, int format, unsigned int flags,
	int min_severity, const char *title, const char *tool_name)
{
	tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
	tmdk_error err;
	char *text = NULL;
	size_t len = 0;
	PyObject *r;
	int rc;

	memset(&err, 0, sizeof(err));
	o.format = (tmdk_report_format)format;
	o.flags = flags;
	o.min_severity = (tmdk_severity)min_severity;
	o.title = title;
	o.tool_name = tool_name;
	Py_BEGIN_ALLOW_THREADS
	rc = tmdk_report_render(&text, &len, report, &o, &err);
	Py_END_ALLOW_THREADS
	if (rc != TMDK_OK) {
		tmdk_report_string_free(text);
		tmdk_py_raise(rc, &err);
		return NULL;
	}
	r = tmdk_py_str(text, len);
	tmdk_report_string_free(text);
	return r;
}
%}

/* ---- walking a tree and parsing candidates (include/tmdk/walk.h) ---------------- */
%{
typedef struct tmdk_py_walk_ctx {
	PyObject *list;
} tmdk_py_walk_ctx;

static int tmdk_py_walk_entry(const tmdk_walk_entry *e, void *payload)
{
	tmdk_py_walk_ctx *ctx = payload;
	PyObject *item = Py_BuildValue("(NNiIiNi)", PyUnicode_DecodeFSDefault(e->path),
		PyUnicode_DecodeFSDefault(e->relative), (int)e->status, e->flags, e->is_folder,
		tmdk_py_str(e->reason, strlen(e->reason)), e->error_code);
	int rc;
	if (!item)
		return TMDK_EUSER;
	rc = PyList_Append(ctx->list, item);
	Py_DECREF(item);
	return rc ? TMDK_EUSER : 0;
}
%}

%inline %{
/**
 * Walk a folder with the library's rules: a list of (path, relative,
 * status, flags, is_folder, reason, error_code), in walk order. excludes:
 * a tuple of str globs.
 */
static PyObject *tmdk_py_walk(const char *root, PyObject *excludes, unsigned int flags)
{
	tmdk_walk_options o = TMDK_WALK_OPTIONS_INIT;
	tmdk_py_walk_ctx ctx;
	const char **globs = NULL;
	Py_ssize_t i, n;
	tmdk_error err;
	int rc;

	if (!PyTuple_Check(excludes)) {
		PyErr_SetString(PyExc_TypeError, "excludes must be a tuple of str");
		return NULL;
	}
	n = PyTuple_GET_SIZE(excludes);
	globs = calloc((size_t)n + 1, sizeof(*globs));
	if (!globs)
		return PyErr_NoMemory();
	for (i = 0; i < n; i++) {
		globs[i] = PyUnicode_Check(PyTuple_GET_ITEM(excludes, i)) ?
			PyUnicode_AsUTF8(PyTuple_GET_ITEM(excludes, i)) : NULL;
		if (!globs[i]) {
			free(globs);
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "exclude globs must be str");
			return NULL;
		}
	}
	o.flags = flags;
	o.excludes = globs;
	o.exclude_count = (size_t)n;
	ctx.list = PyList_New(0);
	if (!ctx.list) {
		free(globs);
		return NULL;
	}
	memset(&err, 0, sizeof(err));
	rc = tmdk_walk(root, &o, tmdk_py_walk_entry, &ctx, &err);
	free(globs);
	if (rc != TMDK_OK) {
		Py_DECREF(ctx.list);
		if (!PyErr_Occurred())
			tmdk_py_raise(rc, &err);
		return NULL;
	}
	return ctx.list;
}

/**
 * Parse a candidate file with the GIL released: (status, artifact or None,
 * reason, line, column); an error (TMDK_CANDIDATE_ERROR) is raised.
 */
static PyObject *tmdk_py_parse_candidate(const char *path, unsigned int flags, const tmdk_parse_options *opts)
{
	tmdk_artifact *a = NULL;
	tmdk_candidate_status status = TMDK_CANDIDATE_ERROR;
	tmdk_error err;
	PyObject *art;
	int rc;

	memset(&err, 0, sizeof(err));
	Py_BEGIN_ALLOW_THREADS
	rc = tmdk_candidate_parse_file(&a, &status, path, flags, opts, &err);
	Py_END_ALLOW_THREADS
	if (rc != TMDK_OK) {
		tmdk_py_raise(rc, &err);
		return NULL;
	}
	if (a) {
		art = SWIG_NewPointerObj(SWIG_as_voidptr(a), SWIGTYPE_p_tmdk_artifact, SWIG_POINTER_OWN);
		if (!art) {
			tmdk_artifact_free(a);
			return NULL;
		}
	} else {
		art = Py_None;
		Py_INCREF(art);
	}
	return Py_BuildValue("(iNNII)", (int)status, art,
		status == TMDK_CANDIDATE_SKIPPED ? tmdk_py_str(err.message, strlen(err.message)) : PyUnicode_FromString(""),
		err.line, err.column);
}
%}
