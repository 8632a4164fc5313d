// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#ifdef HP_FAULTS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "log.h"

static bool is(const char *env, const char *step)
{
	const char *v = getenv(env);

	return v && !strcmp(v, step);
}

int fault(const char *step)
{
	/* Once: the rollback that follows passes the same steps again. */
	static bool fired;

	if (getenv("HAIRPIN_XDP_FAULT_LIST"))
		fprintf(stderr, "fault step: %s\n", step);
	if (is("HAIRPIN_XDP_FAULT_KILL", step)) {
		fflush(NULL);
		raise(SIGKILL);
	}
	if (!fired && is("HAIRPIN_XDP_FAULT", step)) {
		fired = true;
		return errorf("injected fault at %s", step);
	}
	return 0;
}
#endif
