/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Are the pinned maps the ones this loader was built for? Checked before any
 * command reads or writes them (maps_open()), so that a value is never read
 * into a struct of another size.
 */
#ifndef HP_USER_LAYOUT_H
#define HP_USER_LAYOUT_H

/*
 * Every pinned-by-name map of the object against its pin under ROOT/maps:
 * type, key and value sizes, entries (of the maps not sized at load), and
 * hp_meta's layout version. A map this build has and the pins lack is
 * fine where an upgrade adds it (upgrade.c). 0, or one line saying what
 * differs and what to do.
 */
int layout_check(void);

#endif /* HP_USER_LAYOUT_H */
