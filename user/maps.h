/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pinned maps from userspace: their file descriptors, and the ways the
 * commands read and change them (per-CPU sums, whole-map reads, deletes by
 * a predicate).
 */
#ifndef HP_USER_MAPS_H
#define HP_USER_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include "hairpin/abi.h"

/* Every map the loader opens: X(field of struct hp_maps, pinned name). */
#define HP_MAP_LIST(X)                     \
	X(rules, "hp_rules")               \
	X(forwards, "hp_forwards")         \
	X(allow, "hp_allow")               \
	X(rule_stats, "hp_rule_stats")     \
	X(sessions, "hp_sessions")         \
	X(egress, "hp_egress")             \
	X(frags, "hp_frags")               \
	X(stats, "hp_stats")               \
	X(ifaces, "hp_ifaces")             \
	X(tx_ports, "hp_tx_ports")         \
	X(nexthops, "hp_nexthops")         \
	X(config, "hp_config")             \
	X(meta, "hp_meta")                 \
	X(gc, "hp_gc")

/* File descriptors of the pinned maps; -1 where not open. */
struct hp_maps {
#define HP_MAP_FIELD(field, name) int field;
	HP_MAP_LIST(HP_MAP_FIELD)
#undef HP_MAP_FIELD
};

/* Every fd -1: what maps_close() may be called on before maps_open(). */
#define HP_MAP_NONE(field, name) .field = -1,
#define HP_MAPS_INIT { HP_MAP_LIST(HP_MAP_NONE) }

/*
 * Open every map of HP_MAP_LIST, once layout_check() says they are this
 * build's. maps_open_present() only for tearing down (detach --all): no
 * check, and a map whose pin is missing is left at -1 (the way out of an
 * instance half made, or damaged).
 */
int maps_open(struct hp_maps *m);
int maps_open_present(struct hp_maps *m);
/* Whether map @fd has keys of @key_size and values of @value_size. */
bool map_has_sizes(int fd, size_t key_size, size_t value_size);
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
 * A whole map read at once: @n keys of @key_size and values of @value_size
 * (the map's own sizes), each entry once even while the datapath adds and
 * deletes (batch lookups where the map has them, else a key walk).
 */
struct map_dump {
	void *keys;
	void *values;
	size_t n;
	size_t key_size, value_size;
};

int map_dump(int fd, size_t key_size, size_t value_size, struct map_dump *d);
void map_dump_free(struct map_dump *d);
static inline void *map_dump_key(const struct map_dump *d, size_t i)
{
	return (char *)d->keys + i * d->key_size;
}
static inline void *map_dump_value(const struct map_dump *d, size_t i)
{
	return (char *)d->values + i * d->value_size;
}

/*
 * Delete the entries of map @fd (keys of @key_size, values of @value_size)
 * for which @match(key, value, ctx) is true and count them in *@deleted.
 */
typedef bool (*map_match_t)(const void *key, const void *value, const void *ctx);
int map_delete_matching(int fd, size_t key_size, size_t value_size,
			map_match_t match, const void *ctx, unsigned int *deleted);

int config_read(const struct hp_maps *m, struct hp_config *cfg);
int config_write(const struct hp_maps *m, const struct hp_config *cfg);
int meta_read(const struct hp_maps *m, struct hp_meta *meta);
int meta_write(const struct hp_maps *m, const struct hp_meta *meta);

#endif /* HP_USER_MAPS_H */
