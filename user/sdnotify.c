// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sdnotify.h"

/* $NOTIFY_SOCKET as an address; its length, or 0 when it is not one. */
static socklen_t notify_addr(const char *name, struct sockaddr_un *sun)
{
	size_t len = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || len < 2 || len >= sizeof(sun->sun_path))
		return 0;
	memcpy(sun->sun_path, name, len);
	/* "@name": the abstract namespace, a leading NUL and no terminating one. */
	if (name[0] == '@')
		sun->sun_path[0] = '\0';
	return offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '/');
}

int sd_notifyf(const char *fmt, ...)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t alen;
	char msg[512];
	va_list ap;
	ssize_t sent;
	int fd, n;

	if (!name || !*name)
		return 0;
	alen = notify_addr(name, &sun);
	if (!alen) {
		pr_debug("NOTIFY_SOCKET=%s: not a socket address this daemon can use", name);
		return -1;
	}
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sent = sendto(fd, msg, n, MSG_NOSIGNAL, (struct sockaddr *)&sun, alen);
	if (sent != n)
		pr_debug("cannot notify %s: %s", name, strerror(errno));
	close(fd);
	return sent == n ? 0 : -1;
}
