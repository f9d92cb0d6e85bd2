#!/bin/sh
# Findings must not change when the scanner gets faster: scan every corpus
# folder with tmdk-scan --format json and compare with a saved reference.
#
#   tests/bench/check-findings-stable.sh save DIR   # write the reference JSON into DIR
#   tests/bench/check-findings-stable.sh check DIR  # compare against DIR (exit 1 on a difference)
#
# Not part of make check (it needs the corpus and takes a while); run it by
# hand before and after a performance change. TMDK_SCAN (default
# examples/tmdk-scan in the build tree) and TMDK_CORPUS (default
# ../shared/corpus next to the source tree) can be overridden. -j1 and -j2
# are both checked: the output must not depend on the number of threads.
set -u
mode=${1:-}
dir=${2:-}
if [ -z "$mode" ] || [ -z "$dir" ]; then
	echo "usage: $0 save|check DIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")/../.." && pwd)
scan=${TMDK_SCAN:-$here/examples/tmdk-scan}
corpus=${TMDK_CORPUS:-$here/../shared/corpus}
if [ ! -d "$corpus/kubernetes" ]; then
	echo "no corpus at $corpus" >&2
	exit 77
fi
mkdir -p "$dir"
status=0
for sub in kubernetes dockerfiles compose projects/awesome-compose projects/kubernetes-examples \
	projects/microservices-demo; do
	name=$(echo "$sub" | tr / _)
	for j in 1 2; do
		out=$(mktemp)
		# The report names the scanned paths: run from the corpus so they are relative.
		# The timing and the date are not findings: leave them out.
		(cd "$corpus" && "$scan" -j$j --no-config --format json --severity-threshold none "$sub") \
			>"$out.raw" 2>/dev/null
		rc=$?
		grep -v -e '"duration_ms":' -e '^  "date":' "$out.raw" >"$out"
		rm -f "$out.raw"
		if [ $rc -ne 0 ]; then
			echo "FAIL $sub -j$j: tmdk-scan exited $rc" >&2
			status=1
		fi
		if [ "$mode" = save ] && [ $j -eq 1 ]; then
			mv "$out" "$dir/$name.json"
			echo "saved $sub: $(grep -c '"pattern_id"' "$dir/$name.json") findings"
			continue
		fi
		if cmp -s "$out" "$dir/$name.json"; then
			echo "same $sub -j$j"
		else
			echo "DIFFERENT $sub -j$j:" >&2
			diff "$dir/$name.json" "$out" | head -20 >&2
			status=1
		fi
		rm -f "$out"
	done
done
exit $status
