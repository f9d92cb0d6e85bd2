#!/bin/sh
# make install puts the tmdk package where the configured interpreter imports
# it: the install folder is the one $TMDK_PYTHON reports for the prefix
# (bindings/python/install_dir.py: Debian's dist-packages), it is on that
# interpreter's sys.path for the default prefixes /usr/local and /usr (and for
# the configured one when it is one of them), and a DESTDIR install imports and
# loads the built-in catalog.
set -u
: "${TMDK_BUILDDIR:?}" "${TMDK_SRCDIR:?}" "${TMDK_PYTHON:?}" "${TMDK_PYTHON_SITEDIR:?}" "${TMDK_PREFIX:?}"
: "${TMDK_EXEC_PREFIX:?}" "${TMDK_LIBDIR:?}"
py=$TMDK_PYTHON
helper=$TMDK_SRCDIR/bindings/python/install_dir.py
fail=0
unset PYTHONPATH

on_path() { # DIR: is it on $py's sys.path?
	"$py" -S -c 'import site, sys; site.main(); sys.exit(0 if sys.argv[1] in sys.path else 1)' "$1"
}

# 1. The configured folder is what the interpreter answers for the configured prefix.
expected=$("$py" "$helper" "$TMDK_PREFIX" "$TMDK_EXEC_PREFIX")
if [ "$expected" != "$TMDK_PYTHON_SITEDIR" ]; then
	echo "FAIL: configured install folder $TMDK_PYTHON_SITEDIR, $py says $expected for $TMDK_PREFIX"
	fail=1
fi

# 2. For the default prefixes the folder is on sys.path (where Debian's
#    python3 searches dist-packages, not site-packages).
for prefix in /usr/local /usr; do
	dir=$("$py" "$helper" "$prefix")
	case $prefix in
	/usr) [ -d "$dir" ] || { echo "note: $dir does not exist ($py is not a distribution's interpreter)"; continue; } ;;
	esac
	if on_path "$dir"; then
		echo "ok: prefix $prefix installs into $dir, on $py's sys.path"
	elif [ "$prefix" = /usr/local ] && ! "$py" -c 'import sysconfig, sys; sys.exit("posix_local" not in sysconfig.get_scheme_names())'; then
		echo "note: $py has no posix_local scheme (not Debian's); $dir is off its sys.path as expected"
	else
		echo "FAIL: prefix $prefix installs into $dir, which is not on $py's sys.path"
		fail=1
	fi
done
case $TMDK_EXEC_PREFIX in
/usr/local | /usr)
	if ! on_path "$TMDK_PYTHON_SITEDIR"; then
		echo "FAIL: the configured folder $TMDK_PYTHON_SITEDIR is not on $py's sys.path"
		fail=1
	fi ;;
*) echo "note: prefix $TMDK_EXEC_PREFIX is not a default one: $TMDK_PYTHON_SITEDIR needs PYTHONPATH" ;;
esac

# 3. A DESTDIR install has the whole package there, and it works.
dest=$(mktemp -d "${TMPDIR:-/tmp}/tmdk-install.XXXXXX") || exit 99
trap 'rm -rf "$dest"' EXIT
if ! ${MAKE:-make} -s -C "$TMDK_BUILDDIR" install DESTDIR="$dest" >"$dest.log" 2>&1; then
	cat "$dest.log"; rm -f "$dest.log"
	echo "FAIL: make install DESTDIR=$dest"
	exit 1
fi
rm -f "$dest.log"
pkg=$dest$TMDK_PYTHON_SITEDIR/tmdk
for f in __init__.py native.py native.pyi dask.py py.typed; do
	[ -f "$pkg/$f" ] || { echo "FAIL: $pkg/$f is not installed"; fail=1; }
done
ls "$pkg"/_native*.so >/dev/null 2>&1 || { echo "FAIL: no _native extension in $pkg"; fail=1; }
[ ! -e "$pkg/_native.la" ] || { echo "FAIL: $pkg/_native.la is installed"; fail=1; }
# An ASan build's extension needs the sanitizer runtimes preloaded (configure found them).
if [ -n "${TMDK_PY_PRELOAD:-}" ]; then
	LD_PRELOAD=$TMDK_PY_PRELOAD; ASAN_OPTIONS=detect_leaks=0; export LD_PRELOAD ASAN_OPTIONS
fi
out=$(cd "$dest" && LD_LIBRARY_PATH="$dest$TMDK_LIBDIR" PYTHONPATH="$dest$TMDK_PYTHON_SITEDIR" "$py" -c '
import os, sys, tmdk
assert os.path.dirname(tmdk.__file__) == os.path.join(sys.argv[1], "tmdk"), tmdk.__file__
print(len(tmdk.Catalog.builtin()))' "$dest$TMDK_PYTHON_SITEDIR" 2>&1)
case $out in
'' | *[!0-9]*) echo "FAIL: the installed package does not import: $out"; fail=1 ;;
*) echo "ok: the installed package imports and loads the built-in catalog ($out patterns)" ;;
esac
[ $fail -eq 0 ] && echo "PASS: check-python-install"
exit $fail
