#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Static analysis of the loader (user/): cppcheck (warnings, portability,
# performance) and clang's static analyzer through clang-tidy (the checks
# scan-build runs) must find nothing. A probe with planted bugs shows that
# each would.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

make -s "$(make -s print-SKEL)" >/dev/null 2>&1 || { not_ok "static: skeleton" "make failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cppcheck_on() {
	cppcheck --quiet --enable=warning,portability,performance --std=c11 --inline-suppr \
		-Iinclude -Iuser -Ibuild --include=tests/build/cppcheck.h "$@" 2>&1
}

# The analyzer's checks, less the one that calls snprintf unsafe. Findings
# in the generated skeleton (bpftool's code, build/) are not ours. One file
# per clang-tidy: given several, clang-tidy 14's va_list checker reports a
# va_list "uninitialized" in every file after the first that uses one.
tidy_on() {
	printf '%s\n' "$@" | xargs -P 2 -n 1 sh -c 'clang-tidy --quiet \
		-checks="-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling" \
		"$@" -- -std=gnu11 -Iinclude -Iuser -isystem build 2>/dev/null' _ |
		grep -E ': (warning|error):' | grep -v '^build/'
}

out=$(cppcheck_on user/)
if [ -z "$out" ]; then
	ok "static: cppcheck finds nothing in user/"
else
	not_ok "static: cppcheck" "$(head -3 <<<"$out" | tr '\n' ' ')"
fi
out=$(tidy_on user/*.c)
if [ -z "$out" ]; then
	ok "static: clang's analyzer (clang-tidy) finds nothing in user/"
else
	not_ok "static: clang's analyzer" "$(head -3 <<<"$out" | tr '\n' ' ')"
fi

# The tools themselves: planted bugs are found.
cat >"$tmp/probe.c" <<'PROBE'
#include <stdlib.h>
#include <string.h>
int probe(int n)
{
	char buf[8];
	char *p = malloc(16);

	free(p);
	buf[8] = 0;		/* out of bounds: cppcheck */
	return p[n] + buf[0];	/* use after free: the analyzer */
}
PROBE
check "static: cppcheck finds a planted out-of-bounds write" grep -q arrayIndexOutOfBounds <<<"$(cppcheck_on "$tmp/probe.c")"
check "static: the analyzer finds a planted use after free" grep -q 'clang-analyzer-unix.Malloc' <<<"$(tidy_on "$tmp/probe.c")"
[ "$HP_FAILED" -eq 0 ]
