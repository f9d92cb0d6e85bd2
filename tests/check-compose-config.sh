#!/bin/sh
# The compose merge against `docker-compose config` (Debian's docker-compose
# 1.29): on the merge fixtures (tests/fixtures/compose-merge/) and on every
# compose project of the corpus's awesome-compose ($TMDK_CORPUS, skipped
# when absent), both merged models are brought to one comparable form
# (tests/compose-compare.py) and compared. Differences that come from
# docker-compose 1.29 itself (documented in docs/compose-projects.md) are
# counted as explained; any other difference fails. Skipped (77) without
# docker-compose or python3-yaml.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
dump="$build/tests/compose-dump"
command -v docker-compose >/dev/null 2>&1 || { echo "SKIP: docker-compose is not installed (apt-get install docker-compose)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: no python3-yaml"; exit 77; }
[ -x "$dump" ] || { echo "SKIP: $dump is not built"; exit 77; }
corpus=${TMDK_CORPUS:-}
set -- "$src/tests/fixtures/compose-merge"
if [ -n "$corpus" ] && [ -d "$corpus/projects/awesome-compose" ]; then
	set -- "$@" "$corpus/projects/awesome-compose"
else
	echo "note: no corpus (TMDK_CORPUS); comparing the fixtures only"
fi
exec python3 "$src/tests/compose-compare.py" "$dump" "$@"
