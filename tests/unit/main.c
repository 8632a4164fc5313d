// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * unit_tests [SUBSTRING...]: every unit case, run by the harness
 * (harness.c), which prints one result line per case.
 */
#include "harness.h"

int main(int argc, char **argv)
{
	register_golden_tests();
	register_slow_tests();
	register_session_tests();
	register_icmp_tests();
	register_hostile_tests();
	register_rule_tests();
	register_nexthop_tests();
	register_frag_tests();
	register_event_tests();
	register_step_tests();
	return harness_main(argc, argv);
}
