#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Differential test (issue 3, item 9): the same crafted packet sequences
# through nftables NAT and through hairpin-xdp (fast path, and with the fast
# path off), in twin copies of the story's network; what leaves each router
# is compared field by field (tests/diff/differ.py). Every difference is
# printed side by side in the log and in build/test-logs/differential.txt.
#
#   tests/integration/differential.sh            all cases
#   DIFF_CASE=udp tests/integration/differential.sh   cases whose title has "udp"
#   DIFF_TWINS=nft,xdp ...                       leave out the slow-path twin
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/topo.sh
. tests/diff/twins.sh

REPORT=${DIFF_REPORT:-build/test-logs/differential.txt}

if [ "$(id -u)" -ne 0 ]; then
	skip differential "needs root (network namespaces, XDP)"
	exit 0
fi
if ! why=$(topo_requirements); then
	not_ok differential "$why"
	exit 0
fi
if ! command -v nft >/dev/null; then
	not_ok differential "nft not installed (apt-get install nftables)"
	exit 0
fi
if ! "$PYTHON" -c 'import scapy' 2>/dev/null; then
	not_ok differential "scapy missing for $PYTHON (apt-get install python3-scapy)"
	exit 0
fi

twins_trap
IFS=, read -r -a twins <<<"${DIFF_TWINS:-nft,xdp,xdps}"
if ! twins_up "${twins[@]}"; then
	not_ok differential "building the twin routers failed (see log)"
	exit 0
fi
mkdir -p "$(dirname "$REPORT")"
# Bounded: the whole run takes about a minute; tests/run allows 600 s.
timeout -k 10 400 "$PYTHON" tests/diff/differ.py --prefix "$DIFF_PFX" \
	--twins "$(IFS=,; echo "${twins[*]}")" --case "${DIFF_CASE:-}" --report "$REPORT" \
	--hairpin-xdp "$HAIRPIN_XDP" --pin-root "$DIFF_PIN_ROOT" ${DIFF_SHOW:+--show}
rc=$?
if [ "$rc" -ne 0 ]; then
	not_ok differential "differ.py exited $rc (see log)"
fi
exit 0
