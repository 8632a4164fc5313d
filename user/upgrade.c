// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "fault.h"
#include "iface.h"
#include "log.h"
#include "object.h"
#include "pins.h"
#include "upgrade.h"

int upgrade_loaded_build(struct hp_build *b, bool *have)
{
	char path[PATH_MAX];
	__u32 key = 0;
	int fd, err;

	*have = false;
	memset(b, 0, sizeof(*b));
	if (pin_path(path, sizeof(path), PIN_MAPS "/hp_build"))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == EACCES || errno == EPERM)
			return errorf("cannot open map %s: permission denied (run as root)", path);
		return errorf("cannot open map %s: %s", path, strerror(errno));
	}
	err = bpf_map_lookup_elem(fd, &key, b);
	close(fd);
	if (err)
		return errorf("cannot read hp_build: %s", strerror(errno));
	b->version[sizeof(b->version) - 1] = '\0';
	/* A load killed before it wrote hp_build leaves it zero: unknown. */
	*have = b->object_hash != 0;
	return 0;
}

/*
 * This build's object on the pinned maps: each pinned map's fd is reused (and
 * libbpf's own reuse, which refuses the devmap for the flag the kernel adds,
 * is kept out of it); a map the pins lack is created and pinned by the load.
 */
static struct hairpin *load_on_pinned_maps(void)
{
	struct hairpin *skel = object_open(true);
	struct bpf_map *map;
	int fd, err;

	if (!skel)
		return NULL;
	bpf_object__for_each_map(map, skel->obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			errorf("cannot open map %s: %s", path, strerror(errno));
			goto err;
		}
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err || bpf_map__set_pin_path(map, NULL)) {
			errorf("cannot reuse map %s: %s", path, strerror(err ? -err : errno));
			goto err;
		}
	}
	object_stamp(skel);
	err = hairpin__load(skel);
	if (err) {
		errorf("cannot load the new BPF programs: %s (run with -v for libbpf's log)",
		       strerror(-err));
		goto err;
	}
	return skel;
err:
	hairpin__destroy(skel);
	return NULL;
}

/* Pin @prog over ROOT/@rel in one step: a new pin beside it, renamed over it. */
static int repin(struct bpf_program *prog, const char *rel)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	/* bpffs names have no '.' (see iface_link_rel()). */
	if (pin_path(path, sizeof(path), "%s", rel) || pin_path(tmp, sizeof(tmp), "%s_new", rel))
		return -1;
	unlink(tmp); /* left by an upgrade that was killed */
	err = bpf_program__pin(prog, tmp);
	if (err)
		return errorf("cannot pin program at %s: %s", tmp, strerror(-err));
	if (rename(tmp, path)) {
		errorf("cannot move %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int prog_get(const char *rel)
{
	char path[PATH_MAX];
	int fd;

	if (pin_path(path, sizeof(path), "%s", rel))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errorf("cannot open program %s: %s", path, strerror(errno));
	return fd;
}

/* Each attached interface of @d onto the programs @xdp_fd/@tc_fd; the first @n on failure. */
static int replace_all(const struct map_dump *d, int xdp_fd, int tc_fd, size_t *n)
{
	for (*n = 0; *n < d->n; (*n)++) {
		const struct hp_iface *rec = map_dump_value(d, *n);

		/* Half attached: the attach that follows redoes it with the new pins. */
		if (rec->flags & HP_IFF_PENDING)
			continue;
		if (iface_replace_progs(*(__u32 *)map_dump_key(d, *n), rec, xdp_fd, tc_fd))
			return -1;
	}
	return 0;
}

static void describe(char *buf, size_t len, const struct hp_build *b, bool have)
{
	if (have)
		snprintf(buf, len, "%s (object %016llx)", b->version,
			 (unsigned long long)b->object_hash);
	else
		snprintf(buf, len, "an earlier build");
}

int upgrade_programs(const struct hp_maps *m, bool *upgraded)
{
	struct map_dump ifaces = { 0 };
	struct hp_build old, new, in_transit;
	struct hairpin *skel = NULL;
	int old_xdp = -1, old_tc = -1, err = -1;
	char was[96], now[96];
	size_t done = 0;
	__u32 key = 0;
	bool have;

	*upgraded = false;
	object_build(&new);
	if (upgrade_loaded_build(&old, &have))
		return -1;
	if (have && old.object_hash == new.object_hash)
		return 0;
	describe(was, sizeof(was), &old, have);
	describe(now, sizeof(now), &new, true);
	pr_debug("upgrading the programs in place: %s -> %s", was, now);

	old_xdp = prog_get(PIN_PROG_XDP);
	old_tc = prog_get(PIN_PROG_TC);
	if (old_xdp < 0 || old_tc < 0 ||
	    map_dump(m->ifaces, sizeof(__u32), sizeof(struct hp_iface), &ifaces) ||
	    !(skel = load_on_pinned_maps()) || fault("upgrade:loaded"))
		goto out;
	/*
	 * Mixed programs from here until hp_build is written: say "unknown", so
	 * that whichever build runs next after a kill does the whole swap.
	 */
	in_transit = old;
	in_transit.object_hash = 0;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.hp_build), &key, &in_transit, BPF_ANY)) {
		errorf("cannot write hp_build: %s", strerror(errno));
		goto out;
	}
	if (replace_all(&ifaces, bpf_program__fd(skel->progs.xdp_ingress),
			bpf_program__fd(skel->progs.tc_egress), &done) ||
	    fault("upgrade:replaced"))
		goto undo;
	/* From here on the new programs run: a failure leaves them, and the next attach redoes the rest. */
	if (object_start_sweeper(skel) || repin(skel->progs.tc_egress, PIN_PROG_TC) || fault("upgrade:tc-repinned") ||
	    repin(skel->progs.xdp_ingress, PIN_PROG_XDP) || fault("upgrade:repinned"))
		goto out;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.hp_build), &key, &new, BPF_ANY)) {
		errorf("cannot write hp_build: %s", strerror(errno));
		goto out;
	}
	pr_info("programs upgraded in place: %s -> %s; maps, rules and sessions kept", was, now);
	*upgraded = true;
	err = 0;
	goto out;

undo:
	/* The old programs back where the new ones went (the failed one too). */
	{
		size_t undone;
		struct map_dump part = ifaces;

		part.n = done < ifaces.n ? done + 1 : done;
		if (!replace_all(&part, old_xdp, old_tc, &undone))
			bpf_map_update_elem(bpf_map__fd(skel->maps.hp_build), &key, &old, BPF_ANY);
	}
out:
	map_dump_free(&ifaces);
	hairpin__destroy(skel);
	if (old_xdp >= 0)
		close(old_xdp);
	if (old_tc >= 0)
		close(old_tc);
	return err;
}
