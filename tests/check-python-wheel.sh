#!/bin/sh
# The Python way: from a copy of the sources (the tree may be read-only),
#   python3 -m build --no-isolation      makes an sdist and, from it, a wheel
#                                        with libtmdk built in (no libtmdk installed);
#   a fresh venv installs the wheel offline and the Python tests run against it;
#   pip install --no-build-isolation ./bindings/python works in a fresh venv too.
# Skips (77) without python3-build, python3-venv, python3-pip, setuptools or swig.
set -u
: "${TMDK_SRCDIR:?}"
py=${TMDK_PYTHON:-python3}
unset PYTHONPATH
for m in build venv pip setuptools ensurepip; do
	"$py" -c "import $m" 2>/dev/null || { echo "SKIP: $py has no $m module (Debian: python3-build python3-venv python3-pip python3-setuptools)"; exit 77; }
done
command -v "${SWIG:-swig}" >/dev/null 2>&1 || { echo "SKIP: no swig"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmdk-wheel.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
# Debian's python3 has the venv module without python3-venv, but cannot make one.
"$py" -m venv "$tmp/probe" >/dev/null 2>&1 || { echo "SKIP: $py -m venv fails (Debian: python3-venv)"; exit 77; }
rm -rf "$tmp/probe"
fail=0
src=$tmp/src
s=$TMDK_SRCDIR

# The files the package is built from, laid out as in the repository.
mkdir -p "$src/bindings/python/tmdk" "$src/bindings/python/tests" "$src/include/tmdk" "$src/libtmdk" "$src/patterns"
cp "$s"/bindings/python/setup.py "$s"/bindings/python/pyproject.toml "$s"/bindings/python/MANIFEST.in \
	"$s"/bindings/python/README.md "$s"/bindings/python/*.i "$src/bindings/python/" &&
cp "$s"/bindings/python/tmdk/*.py "$s"/bindings/python/tmdk/py.typed "$s"/bindings/python/tmdk/native.pyi "$src/bindings/python/tmdk/" &&
rm -f "$src/bindings/python/tmdk/native.py" &&
cp "$s"/bindings/python/tests/*.py "$src/bindings/python/tests/" &&
cp "$s"/include/*.h "$src/include/" && cp "$s"/include/tmdk/*.h.in "$s"/include/tmdk/*.h "$src/include/tmdk/" &&
rm -f "$src/include/tmdk/version.h" &&
cp "$s"/libtmdk/*.c "$s"/libtmdk/*.h "$src/libtmdk/" && rm -f "$src/libtmdk/builtin_catalog.c" &&
cp "$s"/patterns/*.yaml "$s"/patterns/embed.sh "$src/patterns/" &&
cp "$s"/configure.ac "$s"/Makefile.am "$src/" || { echo "FAIL: copying the sources"; exit 99; }

echo "==> python3 -m build --no-isolation (sdist, then the wheel from it; libtmdk built in)"
start=$(date +%s)
if ! (cd "$src/bindings/python" && TMDK_PYTHON_LIBRARY=bundled "$py" -m build --no-isolation --outdir "$tmp/dist" . \
		>"$tmp/build.log" 2>&1); then
	tail -n 40 "$tmp/build.log"
	echo "FAIL: python3 -m build"
	exit 1
fi
echo "built in $(( $(date +%s) - start )) s: $(cd "$tmp/dist" && ls)"
wheel=$(ls "$tmp"/dist/tmdk-*.whl 2>/dev/null | head -n 1)
sdist=$(ls "$tmp"/dist/tmdk-*.tar.gz 2>/dev/null | head -n 1)
[ -n "$wheel" ] && [ -n "$sdist" ] || { echo "FAIL: no wheel or no sdist"; exit 1; }
"$py" - "$wheel" "$sdist" <<'PY' || fail=1
import sys, tarfile, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["tmdk/__init__.py", "tmdk/native.py", "tmdk/native.pyi", "tmdk/dask.py", "tmdk/py.typed"]
missing = [n for n in need if n not in names]
if not any(n.startswith("tmdk/_native") and n.endswith(".so") for n in names):
    missing.append("tmdk/_native*.so")
sdist = tarfile.open(sys.argv[2]).getnames()
for n in ("tmdk.i", "libtmdk-src/libtmdk/scanner.c", "libtmdk-src/include/tmdk.h", "libtmdk-src/VERSION",
          "libtmdk-src/patterns/EMBED"):
    if not any(s.endswith("/" + n) for s in sdist):
        missing.append("sdist: " + n)
if missing:
    print("FAIL: missing from the distributions:", ", ".join(missing))
    sys.exit(1)
print("ok: wheel and sdist hold the package, the extension, py.typed and (sdist) the library sources")
PY

echo "==> a fresh venv installs the wheel offline; the Python tests run against it"
"$py" -m venv "$tmp/venv" >/dev/null 2>&1 || { echo "FAIL: python3 -m venv"; exit 1; }
vpy=$tmp/venv/bin/python
if ! "$vpy" -m pip install -q --no-index --no-deps "$wheel" >"$tmp/pip.log" 2>&1; then
	cat "$tmp/pip.log"; echo "FAIL: pip install the wheel"; exit 1
fi
where=$(cd "$tmp" && "$vpy" -c 'import tmdk; print(tmdk.__file__)')
case $where in
"$tmp"/venv/*) echo "ok: imported from $where" ;;
*) echo "FAIL: tmdk imported from $where, not from the venv"; fail=1 ;;
esac
so=$(ls "$tmp"/venv/lib/python*/site-packages/tmdk/_native*.so)
if command -v ldd >/dev/null 2>&1 && ldd "$so" | grep -q 'libtmdk\.so'; then
	echo "FAIL: the wheel's extension links a libtmdk.so: not self-contained"; fail=1
fi
for t in test_tmdk.py test_api.py test_readme.py; do
	if (cd "$tmp" && "$vpy" "$src/bindings/python/tests/$t" >"$tmp/$t.log" 2>&1); then
		echo "ok: $t against the wheel: $(tail -n 1 "$tmp/$t.log")"
	else
		status=$?
		tail -n 30 "$tmp/$t.log"
		[ $status -eq 77 ] && echo "skip: $t" || { echo "FAIL: $t against the wheel"; fail=1; }
	fi
done

echo "==> pip install --no-build-isolation ./bindings/python into a fresh venv"
"$py" -m venv "$tmp/venv2" >/dev/null 2>&1 || { echo "FAIL: python3 -m venv"; exit 1; }
if (cd "$src" && TMDK_PYTHON_LIBRARY=bundled "$tmp/venv2/bin/python" -m pip install -q --no-index --no-build-isolation \
		./bindings/python >"$tmp/pip2.log" 2>&1) &&
   (cd "$tmp" && "$tmp/venv2/bin/python" -c 'import tmdk; assert len(tmdk.Catalog.builtin()) > 0'); then
	echo "ok: pip install --no-build-isolation ./bindings/python"
else
	tail -n 30 "$tmp/pip2.log"; echo "FAIL: pip install --no-build-isolation ./bindings/python"; fail=1
fi
[ $fail -eq 0 ] && echo "PASS: check-python-wheel"
exit $fail
