# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The prologue of every tests/integration/*.sh, sourced first:
#   . "$(dirname "$0")/../lib/integration.sh"
#   cases() { ... }
#   run_variants cases
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/lib/topo.sh
. tests/lib/apps.sh
. tests/lib/cases.sh

# run_variants FN: requirements and trap, FN once per variant, exit status
# non-zero when any case failed.
run_variants() {
	integration_start
	for_each_variant "$1"
	exit $((HP_FAILED > 0))
}
