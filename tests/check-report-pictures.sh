#!/bin/sh
# The model's picture and the reports that open with it, in headless Chromium
# (Debian's `chromium`; the test skips without it): pictures of 3 and 60
# components (generated trees, tests/model_trees.h), the HTML report of a
# generated project of 3 and of 60 components, of examples/demo and of each
# corpus project (../shared/corpus/projects, when present). In each page, at
# 1280 px, no element may be wider than the viewport and no cell, list item
# or evidence block may overflow its box (a script added to a copy of the
# page measures them; the report's own CSP allows no script). Screenshots
# and the pages are left in tests/screenshots/ of the build tree. The
# pull-request comment of each must stay under 65,000 characters.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
chromium=
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
	[ -x "$c" ] && { chromium=$c; break; }
done
if [ -z "$chromium" ]; then
	echo "SKIP: Chromium is not installed (apt-get install chromium); the pictures were not rendered"
	exit 77
fi
for p in "$scan" "$build/tests/diagram_dump" "$build/tests/report_dump"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
out="$build/tests/screenshots"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
scan=$(wrap_tool "$scan" "$tmp")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

browse() { # browse MODE TARGET URL: headless Chromium at 1280 px wide
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	if command -v timeout > /dev/null 2>&1; then T="timeout 120"; else T=; fi
	$T "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --hide-scrollbars \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --window-size=1280,$2 "$1" "$3" 2> /dev/null
}

# The measuring script, added to a copy of the page without its CSP.
cat > "$tmp/measure.js" << 'JS'
<script>
(function () {
  var vw = document.documentElement.clientWidth, wide = [], spill = [];
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var e = all[i], r = e.getBoundingClientRect();
    if (e.closest && e.closest('pre.diagram-src')) continue;
    if (r.width > vw + 1 || r.right > vw + 1) wide.push(e.tagName + '.' + e.className + ' ' + Math.round(r.width));
    if (/^(TD|LI|SUMMARY|PRE|CODE)$/.test(e.tagName) && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
        && getComputedStyle(e).overflowX === 'visible')
      spill.push(e.tagName + ' ' + e.scrollWidth + '>' + e.clientWidth);
  }
  if (document.documentElement.scrollWidth > vw + 1) wide.push('document ' + document.documentElement.scrollWidth);
  var p = document.createElement('p');
  p.id = 'overflow-check';
  p.setAttribute('data-viewport', vw);
  p.setAttribute('data-wide', wide.length);
  p.setAttribute('data-spill', spill.length);
  p.textContent = wide.slice(0, 5).join('; ') + ' | ' + spill.slice(0, 5).join('; ');
  document.body.appendChild(p);
})();
</script>
JS

# check NAME PAGE: screenshot PAGE, then measure a copy of it with every <details> open.
check() {
	name=$1 page=$2
	cp "$page" "$out/$name.html"
	browse --screenshot="$out/$name.png" 1600 "file://$out/$name.html" > /dev/null
	[ -s "$out/$name.png" ] && ok "$name: screenshot $out/$name.png" || ko "$name: screenshot"
	sed -e 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' -e 's/<details\([^>]*\)>/<details\1 open>/g' \
		-e 's/ open open>/ open>/g' "$page" | sed '/<\/body>/d; /<\/html>/d' > "$tmp/$name.measure.html"
	cat "$tmp/measure.js" >> "$tmp/$name.measure.html"
	echo '</body></html>' >> "$tmp/$name.measure.html"
	browse --dump-dom 900 "file://$tmp/$name.measure.html" > "$tmp/$name.dom"
	line=$(grep -o '<p id="overflow-check"[^>]*>[^<]*' "$tmp/$name.dom")
	if [ -z "$line" ]; then
		ko "$name: the measuring script did not run"
	elif echo "$line" | grep -q 'data-viewport="1280" data-wide="0" data-spill="0"'; then
		ok "$name: nothing wider than 1280 px, nothing overflows its box"
	else
		ko "$name: overflow at 1280 px: $line"
	fi
}

# comment NAME FILE: a pull-request comment under GitHub's limit.
comment() {
	n=$(wc -m < "$2")
	if [ "$n" -lt 65000 ] && [ "$n" -gt 0 ]; then ok "$1: pull-request comment of $n characters"
	else ko "$1: pull-request comment of $n characters"; fi
	cp "$2" "$out/$1.pr-comment.md"
}

"$build/tests/diagram_dump" html "$src/tests/fixtures/model/three.json" "$tmp/diagram-3.html" && check diagram-3 "$tmp/diagram-3.html"
"$build/tests/diagram_dump" html -n 60 "$tmp/diagram-60.html" && check diagram-60 "$tmp/diagram-60.html"
for n in 3 60; do
	if "$build/tests/report_dump" html "$tmp/report-$n.html" $n; then
		check "report-generated-$n" "$tmp/report-$n.html"
		grep -q "<section id=\"system-model\" data-components=\"$n\"" "$tmp/report-$n.html" &&
			ok "report-generated-$n: the picture of $n components" || ko "report-generated-$n: the picture of $n components"
	else
		ko "report_dump html $n"
	fi
	"$build/tests/report_dump" pr-comment "$tmp/comment-$n.md" $n && comment "report-generated-$n" "$tmp/comment-$n.md"
done

project() { # project NAME DIR
	"$scan" -f html -o "$tmp/$1.html" "$2" 2> "$tmp/$1.err"
	if [ -s "$tmp/$1.html" ]; then check "report-$1" "$tmp/$1.html"; else ko "report-$1: $(head -3 "$tmp/$1.err")"; fi
	"$scan" -f pr-comment -o "$tmp/$1.md" "$2" 2> /dev/null
	comment "report-$1" "$tmp/$1.md"
}
project demo "$src/examples/demo"
corpus=${TMDK_CORPUS:-}
if [ -n "$corpus" ] && [ -d "$corpus/projects" ]; then
	for d in "$corpus"/projects/*/; do
		project "$(basename "$d")" "$d"
	done
else
	echo "note: no corpus (TMDK_CORPUS): the corpus projects were not rendered"
fi

echo "report pictures: $pass passed, $fail failed (pages and screenshots in $out)"
[ "$fail" = 0 ]
