/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF object this loader carries (the skeleton, embedded at build time):
 * opening it, and its identity. Only object.c includes the skeleton's
 * functions, so the object's bytes are in the binary once.
 */
#ifndef HP_USER_OBJECT_H
#define HP_USER_OBJECT_H

#include <stdbool.h>
#include "hairpin/abi.h"

struct hairpin;

/*
 * Open the skeleton (nothing reaches the kernel yet). With @pinned, its
 * pinned-by-name maps get their paths under ROOT/maps, so that a load reuses
 * what is pinned there and pins what is not.
 */
struct hairpin *object_open(bool pinned);
/* FNV-1a 64 of the object's ELF bytes: equal hashes, equal programs. */
__u64 object_hash(void);
/* This loader's hp_build: the object's hash and the loader's version. */
void object_build(struct hp_build *b);
/* Before the load: stamp the programs with their build (hp_build_tag). */
void object_stamp(struct hairpin *skel);
/*
 * After a load: run gc_start, which starts the sweeper's timer on the
 * pinned hp_gc with this load's callbacks (or takes it over from an
 * earlier build's).
 */
int object_start_sweeper(struct hairpin *skel);
/* The loader's version string (the Makefile's VERSION). */
const char *object_version(void);

#endif /* HP_USER_OBJECT_H */
