/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every counter and gauge of the instance in the Prometheus text exposition
 * format, version 0.0.4: what `metrics` prints and what `metrics --listen`
 * and the daemon's --metrics serve at /metrics (metrics_http.h). The names
 * follow Prometheus' conventions (hairpin_xdp_ prefix, _total on counters,
 * base units: _bytes, _seconds); docs/design.md lists them.
 */
#ifndef HP_USER_METRICS_H
#define HP_USER_METRICS_H

#include <stdio.h>

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Open the pinned maps, read them and write the exposition to @out; -1
 * after errorf() (then part of it may have been written: write to a
 * buffer and keep it only on success). @ctx is unused: the shape of a
 * metrics_http render callback.
 */
int metrics_write(FILE *out, void *ctx);

/*
 * metrics_write() for a server's scrape (a metrics_http render callback):
 * each scrape is a new unit of work, so its failure is reported on stderr
 * even after an earlier one (log_error_clear()).
 */
int metrics_scrape(FILE *out, void *ctx);

/*
 * Label value escaping of the format: backslash, double quote and newline
 * as \\, \" and \n. Writes the escaped @value to @out.
 */
void metrics_escape_label(FILE *out, const char *value);

#endif /* HP_USER_METRICS_H */
