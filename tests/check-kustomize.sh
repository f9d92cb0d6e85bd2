#!/bin/sh
# The native kustomize build against `kubectl kustomize`: every fixture under
# tests/fixtures/kustomize/ that kubectl builds, and every kustomization of the
# corpus projects ($TMDK_CORPUS/projects, skipped when absent; nothing is
# copied from it). Both outputs are normalized with python3 (objects as JSON,
# keys sorted) and compared object by object, and the order of the objects.
# Skipped without kubectl or python3 (.ci/run installs kubernetes-client).
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
command -v kubectl >/dev/null 2>&1 || { echo "SKIP: no kubectl (Debian's kubernetes-client)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: no python3-yaml"; exit 77; }
dump="$build/tests/kustomize_dump"
[ -x "$dump" ] || { echo "FAIL: $dump not built"; exit 1; }
# The comparison is strict with kustomize 4 and later (kubectl 1.21+). The
# kustomize 2.0.3 in kubectl 1.20 (Debian 12's kubernetes-client) builds no
# components, `patches` or `labels` (those builds fail there and are skipped)
# and orders merged lists and generated names otherwise: differences are
# then listed but do not fail the test.
kver=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}\([0-9]*\).*/\1/p')
strict=1
if [ -z "$kver" ] || [ "$kver" -lt 4 ]; then
	strict=0
	echo "note: kubectl's kustomize is older than v4 (${kver:-unknown}): differences are reported, not failed"
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

dirs=$(cd "$src/tests/fixtures/kustomize" && find . -name kustomization.yaml ! -path './errors/*' | sed 's,/kustomization.yaml$,,' | sort)
set --
for d in $dirs; do set -- "$@" "$src/tests/fixtures/kustomize/$d"; done
if [ -n "${TMDK_CORPUS:-}" ] && [ -d "$TMDK_CORPUS/projects" ]; then
	for k in $(find "$TMDK_CORPUS/projects" \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) | sort); do
		set -- "$@" "$(dirname "$k")"
	done
else
	echo "note: no corpus (TMDK_CORPUS): fixtures only"
fi

fail=0 same=0 compared=0
for d in "$@"; do
	# kustomize refuses to build a Component on its own; so do we
	if grep -q '^kind: *Component' "$d"/kustomization.y*ml 2>/dev/null; then continue; fi
	if ! kubectl kustomize "$d" >"$tmp/k.yaml" 2>"$tmp/k.err"; then
		echo "skip: kubectl kustomize fails on $d: $(grep -v '^#' "$tmp/k.err" | head -n 1)"
		continue
	fi
	if ! "$dump" "$d" >"$tmp/t.json" 2>"$tmp/t.err"; then
		echo "FAIL: $d: kubectl builds it, libtmdk does not: $(cat "$tmp/t.err")"
		fail=1
		continue
	fi
	compared=$((compared + 1))
	if python3 - "$tmp/k.yaml" "$tmp/t.json" "$d" <<'PY'
import json, sys, yaml
k = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
t = json.load(open(sys.argv[2]))
def ident(o):
    m = o.get('metadata') or {}
    return (o.get('kind', ''), m.get('namespace', ''), m.get('name', ''))
def canon(o):
    return json.dumps(o, sort_keys=True, indent=1)
bad = 0
ko, to = [ident(o) for o in k], [ident(o) for o in t]
if sorted(ko) != sorted(to):
    print('  objects only in kubectl: %s' % sorted(set(ko) - set(to)))
    print('  objects only in libtmdk: %s' % sorted(set(to) - set(ko)))
    bad = 1
elif ko != to:
    print('  same objects, another order:\n    kubectl %s\n    libtmdk %s' % (ko, to))
    bad = 1
tm = {ident(o): o for o in t}
import difflib
for o in k:
    mine = tm.get(ident(o))
    if mine is not None and canon(mine) != canon(o):
        print('  %s %s/%s differs:' % ident(o))
        for l in difflib.unified_diff(canon(o).splitlines(), canon(mine).splitlines(), 'kubectl', 'libtmdk', n=2, lineterm=''):
            print('    ' + l)
        bad = 1
sys.exit(bad)
PY
	then
		same=$((same + 1))
		echo "same: $d ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/t.json") objects)"
	else
		if [ $strict = 1 ]; then
			echo "FAIL: $d differs from kubectl kustomize"
			fail=1
		else
			echo "differs (old kustomize): $d"
		fi
	fi
done
echo "compared $compared kustomizations with kubectl kustomize: $same identical"
exit $fail
