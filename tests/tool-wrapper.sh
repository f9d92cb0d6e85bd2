# Sourced by the check-*.sh scripts. Under `make check-valgrind`,
# TMDK_TOOL_WRAPPER holds a valgrind command line: `wrap_tool PROGRAM DIR`
# then writes DIR/NAME, a script that runs PROGRAM under it through libtool
# (which knows where the uninstalled library is), and prints that path, so
# the scripts run the programs under valgrind unchanged; valgrind's error
# exit status (not 0, 1 or 2) fails the check that ran it. Otherwise it
# prints PROGRAM.
wrap_tool() {
	if [ -z "${TMDK_TOOL_WRAPPER:-}" ] || [ ! -x "$1" ]; then
		printf '%s\n' "$1"
		return
	fi
	wrapped="$2/$(basename "$1")"
	printf '#!/bin/sh\nexec "%s" --mode=execute %s "%s" "$@"\n' \
		"${TMDK_BUILDDIR:-.}/libtool" "$TMDK_TOOL_WRAPPER" "$1" > "$wrapped"
	chmod +x "$wrapped"
	printf '%s\n' "$wrapped"
}
