// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * --version: this loader's version and its programs' hash, and which build's
 * programs are loaded under the pin root (hp_build), as an operator checks
 * after an upgrade.
 */
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "log.h"
#include "object.h"
#include "pins.h"
#include "upgrade.h"

int version_print(void)
{
	struct hp_build loaded;
	bool exists = false, have = false, is_loaded = false;
	char hash[20];
	int err = 0;

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)object_hash());
	if (pins_root_check(&exists))
		err = -1;
	is_loaded = !err && exists && pins_loaded();
	if (is_loaded && upgrade_loaded_build(&loaded, &have))
		err = -1;
	if (g_opts.json) {
		json_begin_object();
		json_kv_str("version", object_version());
		json_kv_str("object", hash);
		json_key("loaded");
		if (!is_loaded || err) {
			json_null();
		} else {
			char lhash[20];

			json_begin_object();
			snprintf(lhash, sizeof(lhash), "%016llx", (unsigned long long)loaded.object_hash);
			json_kv_str("version", have ? loaded.version : "");
			json_kv_str("object", have ? lhash : "");
			json_kv_bool("same", have && loaded.object_hash == object_hash());
			json_end_object();
		}
		json_end_object();
		return err;
	}
	printf("hairpin-xdp %s (programs: object %s, layout %u)\n", object_version(), hash,
	       HP_LAYOUT_VERSION);
	if (err)
		printf("loaded: unknown\n");
	else if (!is_loaded)
		printf("loaded: nothing under %s\n", pins_root());
	else if (!have)
		printf("loaded: programs of an earlier build (no version recorded); attach upgrades them\n");
	else
		printf("loaded: %s (object %016llx)%s\n", loaded.version,
		       (unsigned long long)loaded.object_hash,
		       loaded.object_hash == object_hash() ? ", the same programs" :
							      "; attach or apply upgrades them in place");
	return err;
}
