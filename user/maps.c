// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "layout.h"
#include "log.h"
#include "maps.h"
#include "pins.h"

static const struct {
	const char *name;
	size_t offset;
} map_pins[] = {
#define HP_MAP_PIN(field, name) { name, offsetof(struct hp_maps, field) },
	HP_MAP_LIST(HP_MAP_PIN)
#undef HP_MAP_PIN
};
#define N_MAPS (sizeof(map_pins) / sizeof(map_pins[0]))

static int *map_fd(struct hp_maps *m, size_t i)
{
	return (int *)((char *)m + map_pins[i].offset);
}

/* Every map's pin; with @all false, a missing one is left at -1. */
static int maps_open_pins(struct hp_maps *m, bool all)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_MAPS; i++)
		*map_fd(m, i) = -1;
	for (size_t i = 0; i < N_MAPS; i++) {
		int fd;

		if (pin_path(path, sizeof(path), PIN_MAPS "/%s", map_pins[i].name))
			goto err;
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT && !all)
			continue;
		if (fd < 0) {
			if (errno == EACCES || errno == EPERM)
				errorf("cannot open map %s: permission denied (run as root)", path);
			else
				errorf("cannot open map %s: %s (run hairpin-xdp detach --all, then attach)",
				       path, strerror(errno));
			goto err;
		}
		*map_fd(m, i) = fd;
	}
	return 0;
err:
	maps_close(m);
	return -1;
}

int maps_open_present(struct hp_maps *m)
{
	return maps_open_pins(m, false);
}

int maps_open(struct hp_maps *m)
{
	if (maps_open_pins(m, true))
		return -1;
	if (layout_check()) {
		maps_close(m);
		return -1;
	}
	return 0;
}

int maps_open_loaded(struct hp_maps *m)
{
	if (pins_require_loaded())
		return -1;
	return maps_open(m);
}

void maps_close(struct hp_maps *m)
{
	for (size_t i = 0; i < N_MAPS; i++) {
		int *fd = map_fd(m, i);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* The kernel copies possible-CPU many values, each rounded up to 8 bytes. */
static __u64 *percpu_buf(size_t nfields, int *ncpus)
{
	*ncpus = libbpf_num_possible_cpus();
	if (*ncpus <= 0) {
		errorf("cannot count the possible CPUs: %s", strerror(-*ncpus));
		return NULL;
	}
	return calloc((size_t)*ncpus * nfields, sizeof(__u64));
}

int map_percpu_sum(int fd, __u32 key, __u64 *sum, size_t nfields)
{
	__u64 *values;
	int ncpus;

	memset(sum, 0, nfields * sizeof(*sum));
	values = percpu_buf(nfields, &ncpus);
	if (!values)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, values)) {
		free(values);
		return errorf("cannot read per-CPU map entry %u: %s", key, strerror(errno));
	}
	for (int cpu = 0; cpu < ncpus; cpu++)
		for (size_t f = 0; f < nfields; f++)
			sum[f] += values[cpu * nfields + f];
	free(values);
	return 0;
}

int map_percpu_zero(int fd, __u32 key, size_t nfields)
{
	__u64 *values;
	int ncpus, err;

	values = percpu_buf(nfields, &ncpus);
	if (!values)
		return -1;
	err = bpf_map_update_elem(fd, &key, values, BPF_ANY);
	free(values);
	if (err)
		return errorf("cannot reset per-CPU map entry %u: %s", key, strerror(errno));
	return 0;
}

static int dump_grow(struct map_dump *d, size_t *cap, size_t need)
{
	void *k, *v;
	size_t c = *cap;

	if (need <= c)
		return 0;
	while (c < need)
		c = c ? c * 2 : 1024;
	k = realloc(d->keys, c * d->key_size);
	if (k)
		d->keys = k;
	v = d->value_size ? realloc(d->values, c * d->value_size) : NULL;
	if (v)
		d->values = v;
	if (!k || (d->value_size && !v))
		return errorf("out of memory");
	*cap = c;
	return 0;
}

/*
 * get_next_key() restarts from the first bucket when the key it is given
 * was deleted meanwhile, and so may repeat entries: only the fallback for
 * maps without batch operations (LPM tries, arrays on old kernels).
 */
static int dump_walk(int fd, struct map_dump *d, size_t *cap)
{
	char *key = malloc(d->key_size), *prev = malloc(d->key_size);
	bool have_prev = false;
	int err = -1;

	if (!key || !prev) {
		errorf("out of memory");
		goto out;
	}
	while (!bpf_map_get_next_key(fd, have_prev ? prev : NULL, key)) {
		memcpy(prev, key, d->key_size);
		have_prev = true;
		if (dump_grow(d, cap, d->n + 1))
			goto out;
		if (d->value_size && bpf_map_lookup_elem(fd, key, map_dump_value(d, d->n)))
			continue; /* deleted meanwhile */
		memcpy(map_dump_key(d, d->n++), key, d->key_size);
	}
	err = 0;
out:
	free(key);
	free(prev);
	return err;
}

int map_dump(int fd, size_t key_size, size_t value_size, struct map_dump *d)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	/*
	 * The batch token is a bucket number for hash maps and a key for the
	 * generic (array) batch: room for either.
	 */
	size_t token_size = key_size > sizeof(__u64) ? key_size : sizeof(__u64);
	char *in_batch = calloc(1, token_size), *out_batch = calloc(1, token_size);
	size_t cap = 0, chunk = 1024;
	bool first = true;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	d->key_size = key_size;
	d->value_size = value_size;
	if (!in_batch || !out_batch) {
		errorf("out of memory");
		goto out;
	}
	for (;;) {
		__u32 count = chunk;
		int err;

		if (dump_grow(d, &cap, d->n + chunk))
			goto err;
		err = bpf_map_lookup_batch(fd, first ? NULL : in_batch, out_batch,
					   map_dump_key(d, d->n), map_dump_value(d, d->n),
					   &count, &opts);
		if (err && errno == ENOSPC && count == 0 && chunk < (1u << 20)) {
			chunk *= 2; /* a bucket holds more than a chunk */
			continue;
		}
		if (err && errno != ENOENT) {
			/* No batch operations for this map type (LPM tries): walk it. */
			if (first && d->n == 0 && (errno == EINVAL || errno == ENOTSUP ||
						   errno == EOPNOTSUPP || errno == 524)) {
				if (dump_walk(fd, d, &cap))
					goto err;
				ret = 0;
				goto out;
			}
			errorf("cannot read map: %s", strerror(errno));
			goto err;
		}
		d->n += count;
		if (err) { /* ENOENT: that was the last batch */
			ret = 0;
			goto out;
		}
		memcpy(in_batch, out_batch, token_size);
		first = false;
	}
err:
	map_dump_free(d);
out:
	free(in_batch);
	free(out_batch);
	return ret;
}

void map_dump_free(struct map_dump *d)
{
	free(d->keys);
	free(d->values);
	d->keys = d->values = NULL;
	d->n = 0;
}

int map_delete_matching(int fd, size_t key_size, size_t value_size,
			map_match_t match, const void *ctx, unsigned int *deleted)
{
	struct map_dump d;

	if (map_dump(fd, key_size, value_size, &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		const void *key = map_dump_key(&d, i);

		if (match(key, value_size ? map_dump_value(&d, i) : NULL, ctx) &&
		    !bpf_map_delete_elem(fd, key))
			(*deleted)++;
	}
	map_dump_free(&d);
	return 0;
}

static int single_read(int fd, const char *name, void *value)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(fd, &key, value))
		return errorf("cannot read %s: %s", name, strerror(errno));
	return 0;
}

static int single_write(int fd, const char *name, const void *value)
{
	__u32 key = 0;

	if (bpf_map_update_elem(fd, &key, value, BPF_ANY))
		return errorf("cannot write %s: %s", name, strerror(errno));
	return 0;
}

int config_read(const struct hp_maps *m, struct hp_config *cfg)
{
	return single_read(m->config, "hp_config", cfg);
}

int config_write(const struct hp_maps *m, const struct hp_config *cfg)
{
	return single_write(m->config, "hp_config", cfg);
}

int meta_read(const struct hp_maps *m, struct hp_meta *meta)
{
	return single_read(m->meta, "hp_meta", meta);
}

int meta_write(const struct hp_maps *m, const struct hp_meta *meta)
{
	return single_write(m->meta, "hp_meta", meta);
}

bool map_has_sizes(int fd, size_t key_size, size_t value_size)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.key_size == key_size &&
	       info.value_size == value_size;
}
