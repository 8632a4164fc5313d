/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Messages of the hairpin-xdp tool. The contract is one clear line on stderr
 * for an error (or {"error": ...} on stdout with --json), so errors go through
 * errorf(), which prints only the first error of a run: a rollback that fails
 * too, or a caller that adds its own context, cannot add a second line.
 */
#ifndef HP_USER_LOG_H
#define HP_USER_LOG_H

#include <stdbool.h>

struct global_opts {
	bool json;		/* -j/--json: machine-readable output */
	int verbose;		/* -v/--verbose: our debug lines and libbpf's */
	const char *bpffs;	/* --bpffs DIR; NULL: $HAIRPIN_XDP_BPFFS or default */
};

extern struct global_opts g_opts;

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Progress and notes on stdout; silent in JSON mode (stdout is the JSON). */
void pr_info(const char *fmt, ...) PRINTF(1, 2);
/* "hairpin-xdp: warning: ..." on stderr. */
void pr_warn(const char *fmt, ...) PRINTF(1, 2);
/* Only with -v, on stderr. */
void pr_debug(const char *fmt, ...) PRINTF(1, 2);
/*
 * Report the error that ends the command. Returns -1 so that callers can
 * write `return errorf(...)`. Later calls only reach the debug log.
 */
int errorf(const char *fmt, ...) PRINTF(1, 2);
/* True once errorf() has printed: the caller need not add a generic line. */
bool error_reported(void);
/*
 * The next errorf() prints again: a long-running command (a metrics scrape,
 * the daemon's events) reports the error of each unit of work.
 */
void log_error_clear(void);
/*
 * Where the words being read come from ("FILE:LINE"), put before every
 * error and warning until cleared with NULL.
 */
void log_context(const char *where);

/*
 * At start: libbpf's messages through pr_debug (shown with -v only), and
 * whether stderr is the journal: when $JOURNAL_STREAM names it (as systemd
 * sets it for a service's stream, sd-daemon(3)), every stderr line starts
 * with its level, "<3>" error, "<4>" warning, "<6>" info, "<7>" debug,
 * which the journal turns into the entry's priority and strips.
 */
void log_setup(void);
/*
 * A long-running process (the daemon): info lines go to stderr too, with
 * the others, so that one stream holds them in order; and each event may
 * report an error of its own (log_error_clear() after it).
 */
void log_daemon(void);

#endif /* HP_USER_LOG_H */
