# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Result lines for test programs, sourced. tests/run reads exactly these
# three forms from every test program's stdout:
#   ok - NAME
#   not ok - NAME: reason
#   skip - NAME: reason
# Everything else a test prints goes to stderr, which the runner keeps in a log.

HP_FAILED=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: ${2:-failed}"; HP_FAILED=$((HP_FAILED + 1)); }
skip() { echo "skip - $1: ${2:-skipped}"; }

# check NAME CMD...: one result line from CMD's exit status. CMD's output goes
# to stderr so a failure can be read in the log.
check() {
	local name=$1
	shift
	if "$@" >&2; then
		ok "$name"
	else
		not_ok "$name" "\`$*\` exited $?"
	fi
}

# Predicates answer 0 (yes) or 1..124 (no); CANT_TELL (125) says that the
# tool they ran failed, so that the answer means nothing either way.
CANT_TELL=125

# output_has REGEX CMD...: CMD succeeds and its output matches REGEX (grep -E);
# CANT_TELL when CMD fails. The output is read whole first: `CMD | grep -q`
# under pipefail fails with SIGPIPE when grep stops reading before CMD has
# finished writing.
output_has() {
	local re=$1 out
	shift
	out=$("$@") || return $CANT_TELL
	grep -qE -- "$re" <<<"$out"
}

# wait_for TRIES CMD...: run CMD every 0.1 s until it succeeds, at most TRIES
# times, so no wait in the suite is unbounded.
wait_for() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# negate CMD...: CMD answers no; for negative controls, `check NAME negate
# CMD...`. Only a "no" (exit 1..124) passes: a predicate that could not tell
# (CANT_TELL), a command not found (127) or one killed by a signal (a crash,
# an ASan abort: 128 and up) fails the check, which would otherwise pass
# for any breakage.
negate() {
	local rc
	"$@"
	rc=$?
	if [ "$rc" -ge 1 ] && [ "$rc" -le 124 ]; then
		return 0
	fi
	[ "$rc" -eq 0 ] || echo "negate: \`$*\` could not answer (exit $rc)" >&2
	return 1
}
