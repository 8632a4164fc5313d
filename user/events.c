// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "hairpin/abi.h"
#include "events.h"
#include "log.h"
#include "maps.h"
#include "pins.h"

static int open_one(const char *name, int *fd, bool *missing)
{
	char path[PATH_MAX];

	if (pin_path(path, sizeof(path), PIN_MAPS "/%s", name))
		return -1;
	*fd = bpf_obj_get(path);
	if (*fd >= 0)
		return 0;
	if (errno == EACCES || errno == EPERM)
		return errorf("cannot open map %s: permission denied (run as root)", path);
	if (errno == ENOENT && missing) {
		*missing = true;
		return 0;
	}
	if (errno == ENOENT)
		return errorf("the loaded programs have no event stream (%s is missing): "
			      "attach again with this build, which upgrades them in place", path);
	return errorf("cannot open map %s: %s", path, strerror(errno));
}

int event_maps_open(struct event_maps *em, bool *missing)
{
	*em = (struct event_maps)EVENT_MAPS_INIT;
	if (missing)
		*missing = false;
	if (open_one("hp_monitor", &em->monitor, missing) || open_one("hp_events", &em->events, missing) ||
	    open_one("hp_event_cpu", &em->cpu, missing) || (missing && *missing)) {
		event_maps_close(em);
		return missing && *missing ? 0 : -1;
	}
	return 0;
}

void event_maps_close(struct event_maps *em)
{
	int *fds[] = { &em->monitor, &em->events, &em->cpu };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int event_losses(const struct event_maps *em, __u64 *lost, __u64 *capped)
{
	/* every field, as the kernel copies whole values; the counters lead */
	__u64 sum[sizeof(struct hp_event_cpu) / sizeof(__u64)];

	_Static_assert(offsetof(struct hp_event_cpu, lost) == 0 &&
		       offsetof(struct hp_event_cpu, capped) == sizeof(__u64), "counters lead");
	if (map_percpu_sum(em->cpu, 0, sum, sizeof(sum) / sizeof(sum[0])))
		return -1;
	*lost = sum[0];
	*capped = sum[1];
	return 0;
}
