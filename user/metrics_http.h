/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A minimal HTTP/1.x endpoint for a Prometheus scrape, for a caller's own
 * poll loop (the daemon's --metrics, `metrics --listen`): a non-blocking
 * listening socket, and a call that answers one connection when it is
 * readable.
 *
 *     GET /metrics (or HEAD)  200, Content-Type METRICS_CONTENT_TYPE, the body
 *                             @render wrote (503 when it failed)
 *     another path            404        another method   405
 *     a malformed request     400        a request over 8 KiB   431
 *
 * One connection per call, answered and closed (Connection: close): reading
 * the request and writing the answer together take at most
 * METRICS_HTTP_TIMEOUT_MS, so a slow or silent client holds the caller no
 * longer than that (it gets no answer). Not thread-safe; one instance per
 * socket.
 */
#ifndef HP_USER_METRICS_HTTP_H
#define HP_USER_METRICS_HTTP_H

#include <stdio.h>

#define METRICS_HTTP_TIMEOUT_MS 1000
#define METRICS_HTTP_MAX_REQUEST 8192

/* Writes the body to @out; returns 0, or -1 (then a 503 is sent). */
typedef int (*metrics_render_t)(FILE *out, void *ctx);

struct metrics_http;

/*
 * Listen on @addr_port: "IPV4:PORT" or "[IPV6]:PORT" (numeric, no names;
 * 0.0.0.0 or [::] for every address). NULL after errorf().
 */
struct metrics_http *metrics_http_open(const char *addr_port, metrics_render_t render, void *ctx);
/* The listening socket, for poll(POLLIN). */
int metrics_http_fd(const struct metrics_http *h);
/*
 * Accept one pending connection and answer it; returns at once when none
 * is pending. Problems with a client are its own: they are logged with
 * -v (pr_debug) and never fail the caller.
 */
void metrics_http_serve(struct metrics_http *h);
void metrics_http_close(struct metrics_http *h);

#endif /* HP_USER_METRICS_HTTP_H */
