// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "hp_version.h"
#include "log.h"
#include "object.h"
#include "pins.h"

struct hairpin *object_open(bool pinned)
{
	char maps_dir[PATH_MAX];
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct hairpin *skel;

	if (pinned) {
		if (pin_path(maps_dir, sizeof(maps_dir), PIN_MAPS))
			return NULL;
		opts.pin_root_path = maps_dir;
	}
	skel = hairpin__open_opts(&opts);
	if (!skel)
		errorf("cannot open the BPF object: %s", strerror(errno));
	return skel;
}

__u64 object_hash(void)
{
	static __u64 hash;
	const unsigned char *p;
	size_t len;

	if (hash)
		return hash;
	p = hairpin__elf_bytes(&len);
	hash = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis and prime */
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ p[i]) * 0x100000001b3ULL;
	return hash;
}

const char *object_version(void)
{
	return HP_VERSION;
}

void object_build(struct hp_build *b)
{
	memset(b, 0, sizeof(*b));
	b->object_hash = object_hash();
	snprintf(b->version, sizeof(b->version), "%s", HP_VERSION);
}

void object_stamp(struct hairpin *skel)
{
	skel->rodata->hp_build_tag = (__u32)object_hash();
}

int object_start_sweeper(struct hairpin *skel)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.gc_start), &opts);
	if (err)
		return errorf("cannot start the sweeper: %s", strerror(errno));
	if (opts.retval)
		return errorf("cannot start the sweeper (step %u failed)", opts.retval);
	return 0;
}
