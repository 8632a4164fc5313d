/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Corpus cases: a sequence of events as a text file, one event a line,
 * kept under tests/fuzz/corpus/ and replayed by the default suite.
 *
 *	# what was found (comment lines)
 *	preset 0          the fixture options (runner.c presets[])
 *	xdp lan0 02000000...   a frame arriving at XDP on a port, in hex
 *	advance 31000000000    the clock moves on, in ns
 */
#ifndef HP_FUZZ_CORPUS_H
#define HP_FUZZ_CORPUS_H

#include <stdio.h>

#include "gen.h"

#define CORPUS_MAX_EVENTS 512

struct sequence {
	int preset;
	int n;
	struct event ev[CORPUS_MAX_EVENTS];
};

/* Write @s (with @comment lines) to @f. */
void corpus_write(FILE *f, const struct sequence *s, const char *comment);
/* Read a case; false with a one-line reason in @why. */
bool corpus_read(const char *path, struct sequence *s, char *why, size_t why_len);

#endif /* HP_FUZZ_CORPUS_H */
