/*
 * Typemaps of the private module tmdk.native: how C arguments and results
 * of the public API become Python values.
 *
 * (Named tmdk_typemaps.i, not typemaps.i, so that it does not shadow SWIG's
 * own library file of that name, which tmdk.i also uses.)
 */

/*
 * tmdk_error *err: a zeroed record on the wrapper's stack. When the
 * function returns a negative code, raise the exception class the package
 * registered for that code (tmdk.ParseError, tmdk.LimitError …).
 */
%typemap(in, numinputs=0) tmdk_error *err (tmdk_error temp) {
	memset(&temp, 0, sizeof(temp));
	$1 = &temp;
}
%typemap(argout) tmdk_error *err {
	if (result < 0) {
		Py_XDECREF($result);
		$result = NULL;
		tmdk_py_raise(result, $1);
		SWIG_fail;
	}
}

/*
 * Constructors: (tmdk_x **out) becomes the return value, a proxy that owns
 * the object and frees it when Python drops it. On failure the tmdk_error
 * typemap above raises, so this leaves the result alone.
 */
%define TMDK_OUT_OWNED(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp) {
	temp = NULL;
	$1 = &temp;
}
%typemap(argout) TYPE **out {
	if (result == TMDK_OK && *$1) {
		Py_XDECREF($result);
		$result = SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN);
	}
}
%enddef

TMDK_OUT_OWNED(tmdk_compiler)
TMDK_OUT_OWNED(tmdk_catalog)
TMDK_OUT_OWNED(tmdk_report)

/*
 * (const void *data, size_t len): bytes only. The buffer is read with the
 * GIL released, so it must be immutable: the package turns bytearray,
 * memoryview and str into bytes before calling (SWIG's %pybuffer_binary
 * would accept a bytearray another thread could resize meanwhile).
 */
%typemap(in) (const void *data, size_t len) {
	char *buf = NULL;
	Py_ssize_t size = 0;
	if (PyBytes_AsStringAndSize($input, &buf, &size) < 0)
		SWIG_fail;
	$1 = buf;
	$2 = (size_t)size;
}
%typemap(typecheck) (const void *data, size_t len) {
	$1 = PyBytes_Check($input);
}

/*
 * Map keys of explicit length: a str (it may hold NUL characters), as its
 * UTF-8 form cached in the str object itself, so nothing is allocated.
 * (SWIG's own (char *STRING, size_t LENGTH) copies and never frees it.)
 */
%typemap(in) (const char *key, size_t key_len) {
	Py_ssize_t size = 0;
	const char *utf8 = PyUnicode_AsUTF8AndSize($input, &size);
	if (!utf8)
		SWIG_fail;
	$1 = ($1_ltype)utf8;
	$2 = (size_t)size;
}

/* File system paths: str, bytes or os.PathLike, encoded as the OS does. */
%typemap(in) const char *path (PyObject *encoded = NULL) {
	if (!PyUnicode_FSConverter($input, &encoded))
		SWIG_fail;
	$1 = PyBytes_AS_STRING(encoded);
}
%typemap(freearg) const char *path {
	Py_XDECREF(encoded$argnum);
}

