// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "pins.h"

static char root[PATH_MAX];

const char *pins_root(void)
{
	return root;
}

static void resolve_root(void)
{
	const char *dir = g_opts.bpffs;
	size_t len;

	if (!dir || !*dir)
		dir = getenv("HAIRPIN_XDP_BPFFS");
	if (!dir || !*dir)
		dir = HP_PIN_ROOT_DEFAULT;
	snprintf(root, sizeof(root), "%s", dir);
	/* "/sys/fs/bpf/x/" and "/sys/fs/bpf/x" are the same root. */
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
}

static bool on_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int pins_root_check(bool *exists)
{
	char parent[PATH_MAX];
	struct stat st;
	char *slash;

	resolve_root();
	if (!stat(root, &st)) {
		if (exists)
			*exists = true;
		if (!S_ISDIR(st.st_mode))
			return errorf("pin root %s is not a directory", root);
		if (!on_bpffs(root))
			goto not_bpffs;
		return 0;
	}
	if (errno != ENOENT)
		return errorf("pin root %s: %s", root, strerror(errno));
	if (exists)
		*exists = false;
	/* Not there yet: attach creates it, so its parent must be a bpffs. */
	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (on_bpffs(parent))
		return 0;
not_bpffs:
	return errorf("%s is not on a bpffs; mount one with: mount -t bpf bpf /sys/fs/bpf",
		      root);
}

int pin_path(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = snprintf(buf, len, "%s/", root);
	va_list ap;

	if (n < len) {
		va_start(ap, fmt);
		n += vsnprintf(buf + n, len - n, fmt, ap);
		va_end(ap);
	}
	if (n >= len)
		return errorf("path under %s too long", root);
	return 0;
}

bool pin_exists(const char *rel)
{
	char path[PATH_MAX];

	return !pin_path(path, sizeof(path), "%s", rel) && !access(path, F_OK);
}

bool pins_loaded(void)
{
	return pin_exists(PIN_PROG_XDP);
}

int pins_require_loaded(void)
{
	if (pins_root_check(NULL))
		return -1;
	if (!pins_loaded())
		return errorf("not attached: run hairpin-xdp attach IFACE first");
	return 0;
}

static int make_dir(const char *rel)
{
	char path[PATH_MAX];

	if (pin_path(path, sizeof(path), "%s", rel))
		return -1;
	if (mkdir(path, 0700) && errno != EEXIST)
		return errorf("cannot create %s: %s", path, strerror(errno));
	return 0;
}

int pins_make_dirs(void)
{
	if (mkdir(root, 0700) && errno != EEXIST)
		return errorf("cannot create %s: %s", root, strerror(errno));
	if (make_dir(PIN_MAPS) || make_dir(PIN_PROGS) || make_dir(PIN_LINKS))
		return -1;
	return 0;
}

/* Unlink every pin in ROOT/@rel and the directory itself. */
static int remove_dir(const char *rel)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d;

	if (pin_path(dir, sizeof(dir), "%s", rel))
		return -1;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : errorf("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    sizeof(path)) {
			err = errorf("%s/%s: path too long", dir, de->d_name);
			continue;
		}
		if (unlink(path) && errno != ENOENT)
			err = errorf("cannot unpin %s: %s", path, strerror(errno));
		else
			pr_debug("unpinned %s", path);
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = errorf("cannot remove %s: %s", dir, strerror(errno));
	return err;
}

int pins_remove_all(bool remove_root)
{
	int err = 0;

	/* Links first: unpinning a link detaches XDP before its program goes. */
	if (remove_dir(PIN_LINKS))
		err = -1;
	if (remove_dir(PIN_PROGS))
		err = -1;
	if (remove_dir(PIN_MAPS))
		err = -1;
	if (remove_root && rmdir(root) && errno != ENOENT)
		err = errorf("cannot remove %s: %s", root, strerror(errno));
	return err;
}

static const struct {
	const char *name;
	size_t offset;
} map_pins[] = {
#define MAP(field, name) { name, offsetof(struct hp_maps, field) }
	MAP(forwards, "hp_forwards"),
	MAP(rule_stats, "hp_rule_stats"),
	MAP(sessions, "hp_sessions"),
	MAP(egress, "hp_egress"),
	MAP(stats, "hp_stats"),
	MAP(ifaces, "hp_ifaces"),
	MAP(tx_ports, "hp_tx_ports"),
	MAP(config, "hp_config"),
	MAP(gc, "hp_gc"),
	MAP(allow, "hp_allow"),
#undef MAP
};
#define N_MAPS (sizeof(map_pins) / sizeof(map_pins[0]))

static int *map_fd(struct hp_maps *m, size_t i)
{
	return (int *)((char *)m + map_pins[i].offset);
}

int maps_open(struct hp_maps *m)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_MAPS; i++)
		*map_fd(m, i) = -1;
	for (size_t i = 0; i < N_MAPS; i++) {
		int fd;

		if (pin_path(path, sizeof(path), PIN_MAPS "/%s", map_pins[i].name))
			goto err;
		fd = bpf_obj_get(path);
		if (fd < 0) {
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

int map_delete_matching(int fd, size_t key_size, size_t value_size,
			map_match_t match, const void *ctx, unsigned int *deleted)
{
	char *keys = NULL, *key = malloc(key_size), *value = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int err = -1;

	if (!key || (value_size && !(value = malloc(value_size)))) {
		errorf("out of memory");
		goto out;
	}
	/* The kernel reads the cursor before writing the next key over it. */
	for (; !bpf_map_get_next_key(fd, prev, key); prev = key) {
		if (value_size && bpf_map_lookup_elem(fd, key, value))
			continue; /* deleted meanwhile */
		if (!match(key, value, ctx))
			continue;
		if (n == cap) {
			char *k;

			cap = cap ? cap * 2 : 256;
			k = realloc(keys, cap * key_size);
			if (!k) {
				errorf("out of memory");
				goto out;
			}
			keys = k;
		}
		memcpy(keys + n++ * key_size, key, key_size);
	}
	for (size_t i = 0; i < n; i++)
		if (!bpf_map_delete_elem(fd, keys + i * key_size))
			(*deleted)++;
	err = 0;
out:
	free(keys);
	free(key);
	free(value);
	return err;
}

int config_read(const struct hp_maps *m, struct hp_config *cfg)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->config, &key, cfg))
		return errorf("cannot read hp_config: %s", strerror(errno));
	return 0;
}

int config_write(const struct hp_maps *m, const struct hp_config *cfg)
{
	__u32 key = 0;

	if (bpf_map_update_elem(m->config, &key, cfg, BPF_ANY))
		return errorf("cannot write hp_config: %s", strerror(errno));
	return 0;
}
