#!/bin/sh
# libtmdk set-up: install what is missing (Debian/Ubuntu), configure, build,
# and scan the bundled demo (examples/demo/) with tmdk-scan. Safe to run again.
#
#   ./setup.sh             everything
#   SKIP_APT=1 ./setup.sh  do not touch packages
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkg-config libyaml-dev libpcre2-dev libcriterion-dev swig python3-dev libgraphviz-dev"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ] && [ "${SKIP_APT:-0}" != 1 ]; then
	echo "==> installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup.sh: these Debian packages are missing and I am not root (no sudo):$missing" >&2
		exit 1
	fi
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	echo "==> autoreconf"
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
	echo "==> configure"
	./configure PYTHON=/usr/bin/python3 ${CONFIGURE_FLAGS:-}
fi
echo "==> make"
make -j"$(nproc 2>/dev/null || echo 2)"
echo "==> demo: tmdk-scan examples/demo (the threat model of the bundled demo project)"
make -s demo
