/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * For cppcheck only (tests/build/static.sh): the one libbpf macro it must
 * understand to parse the loader, without reading every system header.
 */
#define LIBBPF_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }
