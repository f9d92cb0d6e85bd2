#!/bin/sh
# tmdk-scan decides the units from what its walk listed (examples/scan/listings.c,
# tmdk_units_options.lookup) instead of a stat of every name: the units must be
# those the file system gives. A tree where they turn on what stat would say:
# .git (a folder, a file) ends the climb to a kustomization that would claim the
# pods below; Chart.yaml is a link to a file; a linked folder holds a
# kustomization (walked first, its target then is "walked already"); a folder
# named Chart.yaml makes no chart; an excluded kustomization.yaml (never read
# by the walk, still seen by stat) claims its folder's pod, an excluded
# Chart.yaml still makes its chart. The expected units
# are those tmdk-scan decided before it used the listings, written here; the
# same for -j1 and -j2 and whatever the root's spelling.
set -u
build=${TMDK_BUILDDIR:-.}
src=${TMDK_SRCDIR:-$(dirname "$0")/..}
scan="$build/examples/tmdk-scan"
[ -x "$scan" ] || { echo "SKIP: $scan is not built"; exit 77; }
case $scan in /*) ;; *) scan="$(pwd)/$scan" ;; esac
case $src in /*) ;; *) src="$(pwd)/$src" ;; esac
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "SKIP: python3 is needed to read the JSON reports"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

pod() { printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n    - name: a\n      image: a:1\n' "$1" > "$2"; }
t="$tmp/t"
mkdir -p "$t/mono/repo/.git" "$t/mono/repo/sub" "$t/mono/gitfile/sub" "$t/mono/plain/sub" "$t/meta" "$t/linked/crds" \
	"$t/app" "$t/odd/Chart.yaml" "$t/excl"
printf 'resources:\n- repo/sub/pod.yaml\n- gitfile/sub/pod.yaml\n- plain/sub/pod.yaml\n' > "$t/mono/kustomization.yaml"
echo 'ref: refs/heads/main' > "$t/mono/repo/.git/HEAD"
pod repo "$t/mono/repo/sub/pod.yaml"
echo 'gitdir: ../../elsewhere' > "$t/mono/gitfile/.git"
pod gitfile "$t/mono/gitfile/sub/pod.yaml"
pod plain "$t/mono/plain/sub/pod.yaml"
printf 'apiVersion: v2\nname: linked\n' > "$t/meta/chart-meta.yaml"
ln -s ../meta/chart-meta.yaml "$t/linked/Chart.yaml"
printf 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.example.com\n' > "$t/linked/crds/crd.yaml"
printf 'resources:\n- deploy.yaml\n' > "$t/app/kustomization.yaml"
pod app "$t/app/deploy.yaml"
ln -s app "$t/alias"
echo x > "$t/odd/Chart.yaml/keep.txt"
pod odd "$t/odd/pod.yaml"
printf 'resources:\n- pod.yaml\n' > "$t/excl/kustomization.yaml"
pod excl "$t/excl/pod.yaml"

# units DESC WHERE EXPECTED ARGS...: scan from WHERE, the units as (kind, path, [(member, role)])
units() {
	desc=$1 where=$2 want=$3
	shift 3
	( cd "$where" && "$scan" --no-config --severity-threshold none -f json --exclude excl/kustomization.yaml "$@" ) \
		> "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" != 0 ]; then ko "$desc (exit $got)"; sed 's/^/    | /' "$tmp/err" | head -n 10; return; fi
	val=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([(u["kind"], u["path"], [(m["path"], m["role"]) for m in u["members"]]) for u in d["units"]])' "$tmp/out" 2>&1)
	if [ "$val" = "$want" ]; then ok "$desc"; else ko "$desc: units are
    $val
  expected
    $want"; fi
}

# expected U M: the units of the tree, their paths (lexically normal) after U, members' (as walked) after M
expected() {
	U=$1 M=${2-$1}
	echo "[('kustomization', '${U}alias', [('${M}alias/kustomization.yaml', 'config'), ('${M}alias/deploy.yaml', 'scanned')]), ('helm-chart', '${U}linked', [('${M}linked/Chart.yaml', 'config'), ('${M}linked/crds/crd.yaml', 'scanned')]), ('kustomization', '${U}mono', [('${M}mono/kustomization.yaml', 'config'), ('${M}mono/repo/sub/pod.yaml', 'scanned'), ('${M}mono/gitfile/sub/pod.yaml', 'scanned'), ('${M}mono/plain/sub/pod.yaml', 'scanned')]), ('folder', '${U}mono/gitfile/sub', [('${M}mono/gitfile/sub/pod.yaml', 'scanned')]), ('folder', '${U}mono/repo/sub', [('${M}mono/repo/sub/pod.yaml', 'scanned')]), ('folder', '${U}odd', [('${M}odd/pod.yaml', 'scanned')])]"
}

units "the tree, -j1" "$tmp" "$(expected t/)" -j1 t
units "the tree, -j2" "$tmp" "$(expected t/)" -j2 t
units "the tree as ./t/" "$tmp" "$(expected t/ ./t/)" ./t/
units "the tree as ." "$t" "$(expected '')" .
units "the tree by its absolute path" / "$(expected "$t/")" "$t"
units "mono alone: .git still ends the climb" "$t" "[('kustomization', 'mono', [('mono/kustomization.yaml', 'config'), ('mono/repo/sub/pod.yaml', 'scanned'), ('mono/gitfile/sub/pod.yaml', 'scanned'), ('mono/plain/sub/pod.yaml', 'scanned')]), ('folder', 'mono/gitfile/sub', [('mono/gitfile/sub/pod.yaml', 'scanned')]), ('folder', 'mono/repo/sub', [('mono/repo/sub/pod.yaml', 'scanned')])]" mono
units "a folder and the tree: walked twice" "$tmp" "$(expected t/)" t/mono t
units "excl alone: its excluded kustomization claims its pod" "$t" "[]" excl
units "an excluded Chart.yaml (any depth) still makes its chart" "$tmp" \
	"$(expected t/ | sed "s|('t/linked/Chart.yaml', 'config'), ||")" --exclude Chart.yaml t

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
