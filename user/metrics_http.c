// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Just enough HTTP/1.1 (RFC 9112) for a scrape: the request line is read,
 * the headers skipped, the answer has a Content-Length and closes the
 * connection. A scrape comes every few seconds at most, so connections
 * are answered one at a time, each within a deadline.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "parse.h"

struct metrics_http {
	int fd;
	metrics_render_t render;
	void *ctx;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "IPV4:PORT" or "[IPV6]:PORT" into @ss; numeric only (no resolver). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	const char *port, *end;
	char host[INET6_ADDRSTRLEN + 20];
	__u32 p;

	if (s[0] == '[') {
		end = strchr(s, ']');
		port = end && end[1] == ':' ? end + 2 : NULL;
		s++;
		hints.ai_family = AF_INET6;
	} else {
		end = strchr(s, ':');
		port = end && !strchr(end + 1, ':') ? end + 1 : NULL;
		hints.ai_family = AF_INET;
	}
	if (!port || end == s || (size_t)(end - s) >= sizeof(host))
		goto bad;
	snprintf(host, sizeof(host), "%.*s", (int)(end - s), s);
	if (getaddrinfo(host, NULL, &hints, &res))
		goto bad;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		goto bad;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	if (parse_u32(port, "listen port", 1, 65535, &p))
		return -1;
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(p);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(p);
	return 0;
bad:
	return errorf("bad listen address '%s%s': expected IPV4:PORT or [IPV6]:PORT, "
		      "e.g. 127.0.0.1:9100 or [::1]:9100", hints.ai_family == AF_INET6 ? "[" : "", s);
}

struct metrics_http *metrics_http_open(const char *addr_port, metrics_render_t render, void *ctx)
{
	struct sockaddr_storage ss = { 0 };
	struct metrics_http *h;
	socklen_t len = 0;
	int one = 1;

	if (parse_listen(addr_port, &ss, &len))
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h) {
		errorf("out of memory");
		return NULL;
	}
	h->render = render;
	h->ctx = ctx;
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(h->fd, (struct sockaddr *)&ss, len) || listen(h->fd, 16)) {
		errorf("cannot listen on %s: %s", addr_port, strerror(errno));
		metrics_http_close(h);
		return NULL;
	}
	return h;
}

int metrics_http_fd(const struct metrics_http *h)
{
	return h->fd;
}

void metrics_http_close(struct metrics_http *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

/* Wait for @events on @fd until @deadline; 1 ready, 0 timed out or failed. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int n;

	do {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)left);
	} while (n < 0 && errno == EINTR);
	return n > 0;
}

enum req_status { REQ_DONE, REQ_GONE, REQ_TOO_LARGE };

/* The request up to the end of its headers, NUL-terminated in @buf. */
static enum req_status read_request(int fd, char *buf, size_t size, long long deadline)
{
	size_t n = 0;

	buf[0] = '\0';
	while (!strstr(buf, "\r\n\r\n") && !strstr(buf, "\n\n")) {
		ssize_t r;

		if (n + 1 >= size)
			return REQ_TOO_LARGE;
		if (!wait_fd(fd, POLLIN, deadline))
			return REQ_GONE;
		r = recv(fd, buf + n, size - 1 - n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return REQ_GONE;
		n += r;
		buf[n] = '\0';
	}
	return REQ_DONE;
}

static int send_all(int fd, const char *p, size_t len, long long deadline)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (!wait_fd(fd, POLLOUT, deadline))
				return -1;
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		len -= w;
	}
	return 0;
}

static void respond(int fd, const char *status, const char *type, const char *extra,
		    const char *body, size_t len, bool head, long long deadline)
{
	char hdr[512];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: close\r\n\r\n", status, type, len, extra);

	if (n < 0 || (size_t)n >= sizeof(hdr) || send_all(fd, hdr, n, deadline) ||
	    (!head && send_all(fd, body, len, deadline)))
		pr_debug("metrics: a client went away before its answer (%s)", status);
}

static void respond_text(int fd, const char *status, const char *extra, long long deadline)
{
	char body[64];

	snprintf(body, sizeof(body), "%s\n", status);
	respond(fd, status, "text/plain; charset=utf-8", extra, body, strlen(body), false,
		deadline);
}

/* The exposition, rendered whole before the status line is chosen. */
static void respond_metrics(const struct metrics_http *h, int fd, bool head, long long deadline)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	int err = -1;

	if (f) {
		err = h->render(f, h->ctx);
		if (fclose(f))
			err = -1;
	}
	if (err)
		respond_text(fd, "503 Service Unavailable", "", deadline);
	else
		respond(fd, "200 OK", METRICS_CONTENT_TYPE, "", body, len, head, deadline);
	free(body);
}

/* "METHOD SP TARGET SP HTTP/1.x" of @req: answer it. */
static void answer(const struct metrics_http *h, int fd, char *req, long long deadline)
{
	char *line_end = req + strcspn(req, "\r\n"), *method, *target, *version, *save;
	bool get, head;

	*line_end = '\0';
	method = strtok_r(req, " ", &save);
	target = strtok_r(NULL, " ", &save);
	version = strtok_r(NULL, " ", &save);
	if (!method || !target || !version || strtok_r(NULL, " ", &save) ||
	    strncmp(version, "HTTP/1.", 7)) {
		respond_text(fd, "400 Bad Request", "", deadline);
		return;
	}
	if (strcmp(target, "/metrics") && strncmp(target, "/metrics?", 9)) {
		respond_text(fd, "404 Not Found", "", deadline);
		return;
	}
	get = !strcmp(method, "GET");
	head = !strcmp(method, "HEAD");
	if (!get && !head) {
		respond_text(fd, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", deadline);
		return;
	}
	respond_metrics(h, fd, head, deadline);
}

void metrics_http_serve(struct metrics_http *h)
{
	char req[METRICS_HTTP_MAX_REQUEST + 1];
	long long deadline;
	int fd;

	fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			pr_debug("metrics: accept: %s", strerror(errno));
		return;
	}
	deadline = now_ms() + METRICS_HTTP_TIMEOUT_MS;
	switch (read_request(fd, req, sizeof(req), deadline)) {
	case REQ_DONE:
		answer(h, fd, req, deadline);
		break;
	case REQ_TOO_LARGE:
		respond_text(fd, "431 Request Header Fields Too Large", "", deadline);
		break;
	case REQ_GONE:
		pr_debug("metrics: a client sent no whole request within %d ms",
			 METRICS_HTTP_TIMEOUT_MS);
		break;
	}
	close(fd);
}
