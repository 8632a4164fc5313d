/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Fault injection for the crash and rollback tests, compiled into the test
 * build only (-DHP_FAULTS: build/asan/hairpin-xdp). Each step of a command
 * that changes state names itself with fault(); with
 * HAIRPIN_XDP_FAULT=STEP the step fails there, once (one error line, the
 * command rolls back, passing the step again), with HAIRPIN_XDP_FAULT_KILL=STEP the process kills itself
 * there (SIGKILL: nothing is rolled back, the next command must repair).
 * HAIRPIN_XDP_FAULT_LIST=1 prints each step's name on stderr as it passes.
 */
#ifndef HP_USER_FAULT_H
#define HP_USER_FAULT_H

#ifdef HP_FAULTS
int fault(const char *step);
#else
static inline int fault(const char *step)
{
	(void)step;
	return 0;
}
#endif

#endif /* HP_USER_FAULT_H */
