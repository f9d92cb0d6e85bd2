#!/bin/sh
# Cost per pattern: scan the corpus with generated catalogs of N patterns
# (tests/bench/gen_catalog.py; the built-in catalog off) and print how the
# scan time grows with N. The pattern index (libtmdk/catalog_index.c) should
# keep 1,000 patterns within 3x the time of 100.
#
#   tests/bench/bench-catalog-size.sh [ROUNDS]
#
# TMDK_SCAN (default examples/tmdk-scan of the build tree), TMDK_CORPUS
# (default ../shared/corpus next to the source tree), PYTHON (python3).
# Per N: the median over ROUNDS (default 5) of the scan phase ("scanned in"
# of tmdk-scan -v: matching only) and of the whole process's CPU time.
set -u
rounds=${1:-5}
here=$(cd "$(dirname "$0")/../.." && pwd)
scan=${TMDK_SCAN:-$here/examples/tmdk-scan}
corpus=${TMDK_CORPUS:-$here/../shared/corpus}
python=${PYTHON:-python3}
if [ ! -d "$corpus/kubernetes" ]; then
	echo "bench-catalog-size: no corpus at $corpus" >&2
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }

echo "patterns  scan s (median)  x of N=100  process CPU s  findings"
base=
for n in 100 300 1000 3000; do
	"$python" "$here/tests/bench/gen_catalog.py" $n >"$tmp/c$n.yaml" || exit 1
	: >"$tmp/scan$n"
	: >"$tmp/cpu$n"
	r=0
	while [ $r -lt "$rounds" ]; do
		# -v prints "... parsed in X s, scanned in Y s ..." on standard error.
		/usr/bin/env time -f '%U %S' -o "$tmp/time" "$scan" -v -j1 --no-config --no-builtin -c "$tmp/c$n.yaml" \
			--format json --severity-threshold none "$corpus/kubernetes" "$corpus/dockerfiles" \
			"$corpus/compose" "$corpus/projects" >"$tmp/out$n.json" 2>"$tmp/err" || {
			echo "bench-catalog-size: tmdk-scan failed at N=$n" >&2
			cat "$tmp/err" >&2
			exit 1
		}
		sed -n 's/.*scanned in \([0-9.]*\) s.*/\1/p' "$tmp/err" >>"$tmp/scan$n"
		awk '{print $1 + $2}' "$tmp/time" >>"$tmp/cpu$n"
		r=$((r + 1))
	done
	s=$(median <"$tmp/scan$n")
	c=$(median <"$tmp/cpu$n")
	[ -z "$base" ] && base=$s
	f=$(grep -c '"pattern_id"' "$tmp/out$n.json")
	awk -v n=$n -v s="$s" -v b="$base" -v c="$c" -v f="$f" \
		'BEGIN{printf "%8d  %15.3f  %9.2fx  %13.2f  %8d\n", n, s, s / b, c, f}'
done
