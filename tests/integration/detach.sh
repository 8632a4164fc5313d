#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Attach and detach leave the router the way they found it: after
# `detach --all` no pin, no pin root, no XDP program and no clsact qdisc or
# egress filter on its interfaces, and traffic is no longer translated.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

# xdp_on IF: an XDP program is attached to the router's IF, in any mode.
xdp_on() {
	output_has 'prog/xdp|[[:space:]]xdp(generic|drv|offload)?[[:space:]]' in_ns router ip link show dev "$1"
}

# tc_on IF: a clsact qdisc or an egress filter is on the router's IF.
tc_on() {
	output_has clsact in_ns router tc qdisc show dev "$1" ||
		output_has . in_ns router tc filter show dev "$1" egress
}

attached() { xdp_on "$1" && output_has bpf in_ns router tc filter show dev "$1" egress; }
clean() { ! xdp_on "$1" && ! tc_on "$1"; }

# Nothing at or under the pin root, and the root itself gone.
no_pins() {
	if [ -e "$HP_PINS" ]; then
		find "$HP_PINS" >&2
		return 1
	fi
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'attach again is safe')" hp attach lan0 wan0
	check "$(t 'lan0 has XDP and a TC egress filter')" attached lan0
	check "$(t 'wan0 has XDP and a TC egress filter')" attached wan0
	check "$(t 'forward add tcp')" publish
	check "$(t 'LAN client works while attached')" get_ok client

	check "$(t 'detach wan0')" hp detach wan0
	check "$(t 'wan0 left clean')" clean wan0
	check "$(t 'lan0 still attached')" attached lan0
	check "$(t 'hairpin on lan0 still works')" get_ok client

	check "$(t 'detach --all')" hp detach --all
	check "$(t 'detach --all: no pin, pin root gone')" no_pins
	check "$(t 'detach --all: lan0 clean (no XDP, clsact, filter)')" clean lan0
	check "$(t 'detach --all: wan0 clean (no XDP, clsact, filter)')" clean wan0
	check "$(t 'detach --all: LAN client no longer translated')" get_fails client
	check "$(t 'detach --all twice is safe')" hp detach --all

	check "$(t 're-attach after detach --all')" hp attach lan0 wan0
	check "$(t 're-attached: rules start empty, LAN client fails')" get_fails client
	check "$(t 're-attached: forward add, LAN client works')" publish_and_get
}

publish_and_get() {
	publish && get_ok client
}

run_variants cases
