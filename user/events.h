/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The event stream's maps from userspace (abi.h "the event stream"):
 * hp_monitor, hp_events and hp_event_cpu. Opened apart from the other maps
 * (maps.h): an instance loaded by a build without them works on for every
 * other command until an attach with this build adds them.
 */
#ifndef HP_USER_EVENTS_H
#define HP_USER_EVENTS_H

#include <stdbool.h>
#include <linux/types.h>

struct event_maps {
	int monitor, events, cpu;
};

#define EVENT_MAPS_INIT { -1, -1, -1 }

/*
 * Open them; 0, or -1 after errorf(). Absent: *@missing (when non-NULL)
 * is set and 0 returned with nothing open, else an error that says to
 * attach again with this build.
 */
int event_maps_open(struct event_maps *em, bool *missing);
void event_maps_close(struct event_maps *em);
/* hp_event_cpu's counters summed over CPUs. */
int event_losses(const struct event_maps *em, __u64 *lost, __u64 *capped);

#endif /* HP_USER_EVENTS_H */
