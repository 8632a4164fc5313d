/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin root and what lives under it (docs/design.md, "Pin layout"):
 *
 *     ROOT/maps/<map name>     pinned by libbpf (LIBBPF_PIN_BY_NAME)
 *     ROOT/progs/xdp_ingress   the loaded programs, reused by later attaches
 *     ROOT/progs/tc_egress
 *     ROOT/links/<ifname>_xdp  the XDP bpf_link of each attached interface
 *                              (bpffs allows no '.': see iface_link_rel())
 *
 * "Loaded" means ROOT/progs/xdp_ingress exists.
 */
#ifndef HP_USER_PINS_H
#define HP_USER_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include "hairpin/abi.h"

#define PIN_MAPS "maps"
#define PIN_PROGS "progs"
#define PIN_LINKS "links"
#define PIN_PROG_XDP "progs/xdp_ingress"
#define PIN_PROG_TC "progs/tc_egress"

/*
 * Resolve the pin root (--bpffs, $HAIRPIN_XDP_BPFFS, default) and check that
 * it is on a bpffs, or that its parent is when it does not exist yet.
 * @exists tells which; may be NULL.
 */
int pins_root_check(bool *exists);
const char *pins_root(void);
/* ROOT/<fmt...> into @buf; errorf() and -1 when it does not fit. */
int pin_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool pin_exists(const char *rel);
bool pins_loaded(void);
/* Root check and loaded, or the "not attached: run ... attach" error. */
int pins_require_loaded(void);
/* Create ROOT and its three directories (those that are missing). */
int pins_make_dirs(void);
/*
 * Unpin everything under ROOT's three directories and remove them, and ROOT
 * itself with @remove_root. Missing pieces are fine; anything left behind
 * is an error.
 */
int pins_remove_all(bool remove_root);

/* File descriptors of the pinned maps; -1 where not open. */
struct hp_maps {
	int forwards;
	int rule_stats;
	int sessions;
	int egress;
	int stats;
	int ifaces;
	int tx_ports;
	int config;
	int gc;
	int allow;
};

/* Every fd -1: what maps_close() may be called on before maps_open(). */
#define HP_MAPS_INIT { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 }
_Static_assert(sizeof(struct hp_maps) == 10 * sizeof(int),
	       "HP_MAPS_INIT has one -1 per map");

int maps_open(struct hp_maps *m);
void maps_close(struct hp_maps *m);
/* pins_require_loaded() and maps_open(): what every reading command does. */
int maps_open_loaded(struct hp_maps *m);
/*
 * Per-CPU map values made of @nfields __u64s (hp_stats, hp_rule_stats):
 * @sum gets each field summed over the possible CPUs.
 */
int map_percpu_sum(int fd, __u32 key, __u64 *sum, size_t nfields);
/* Set @key to zero on every CPU. */
int map_percpu_zero(int fd, __u32 key, size_t nfields);

/*
 * Delete the entries of map @fd for which @match(key, value, ctx) is true
 * and count them in *@deleted. @value_size 0: @match sees only the key (no
 * lookup). Keys are collected first: deleting while walking would restart
 * the walk.
 */
typedef bool (*map_match_t)(const void *key, const void *value, const void *ctx);
int map_delete_matching(int fd, size_t key_size, size_t value_size,
			map_match_t match, const void *ctx, unsigned int *deleted);

int config_read(const struct hp_maps *m, struct hp_config *cfg);
int config_write(const struct hp_maps *m, const struct hp_config *cfg);

#endif /* HP_USER_PINS_H */
