/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Telling the service manager how the daemon is: sd_notify(3)'s protocol,
 * which is one datagram of "KEY=VALUE" lines on the AF_UNIX socket
 * $NOTIFY_SOCKET names (a path, or "@name" in the abstract namespace), so
 * no libsystemd is needed. READY=1 once the config file is applied,
 * RELOADING=1 ... READY=1 around a SIGHUP, STOPPING=1 at the end, STATUS=
 * for `systemctl status`. Without $NOTIFY_SOCKET nothing is sent.
 */
#ifndef HP_USER_SDNOTIFY_H
#define HP_USER_SDNOTIFY_H

#include "log.h"

/* Send the message; 0, or -1 (with a debug line: readiness is a courtesy). */
int sd_notifyf(const char *fmt, ...) PRINTF(1, 2);

#endif /* HP_USER_SDNOTIFY_H */
