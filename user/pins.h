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
 *
 * The root is trusted only when it cannot have been prepared by someone
 * else: it must be a real directory (not a symlink) on a bpffs, below the
 * bpffs mount point, owned by us with no write access for group or others,
 * and so must its folders. A bpffs mounted with the kernel's default mode
 * (1777) lets any local user create the root first.
 *
 * Commands that change anything hold the root's lock (flock on it) for
 * their whole run, so that two of them never interleave.
 */
#ifndef HP_USER_PINS_H
#define HP_USER_PINS_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_MAPS "maps"
#define PIN_PROGS "progs"
#define PIN_LINKS "links"
#define PIN_PROG_XDP "progs/xdp_ingress"
#define PIN_PROG_TC "progs/tc_egress"
/*
 * The programs' tail-call table (xdp_ingress -> xdp_new_session): a map, but
 * one load's own, kept beside its programs. A pin keeps its entries: the
 * kernel empties a program array that no file descriptor or pin holds.
 */
#define PIN_PROG_STEPS "progs/xdp_steps"
/* Where the daemon's lock lives (/var/run where there is no /run). */
#define HP_RUN_DIR "/run/hairpin-xdp"
#define HP_RUN_DIR_OLD "/var/run/hairpin-xdp"

/*
 * Resolve the pin root (--bpffs, $HAIRPIN_XDP_BPFFS, default) and check it
 * as above, or, when it does not exist yet, that its parent is a bpffs.
 * @exists tells which; may be NULL.
 */
int pins_root_check(bool *exists);
const char *pins_root(void);
/* ROOT/<fmt...> into @buf; errorf() and -1 when it does not fit. */
int pin_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool pin_exists(const char *rel);
/* A pinned program (PIN_PROG_XDP, PIN_PROG_TC): its fd, or errorf() and -1. */
int pins_prog_open(const char *rel);
bool pins_loaded(void);
/* Root check and loaded, or the "not attached: run ... attach" error. */
int pins_require_loaded(void);
/*
 * Take the root's lock, waiting a bounded time for another command to
 * finish. With @create, make the root (mode 0700) first when it does not
 * exist; without, a missing root is an error. Held until exit.
 */
int pins_lock(bool create);
/* Give the lock back (the daemon, between the changes it makes). */
void pins_unlock(void);
/*
 * The daemon's own lock, held for its whole run so that a second daemon
 * on the same pin root is refused (with the first one's pid); separate
 * from the commands' lock, which the daemon takes only while it changes
 * something. A file under HP_RUN_DIR named by the pin root's parent
 * directory (device, inode) and the root's name: the same root however
 * its path is spelt, and it need not exist yet. pins_daemon_unlock()
 * removes it.
 */
int pins_daemon_lock(void);
void pins_daemon_unlock(void);

/* Create the root's three folders (those that are missing). */
int pins_make_dirs(void);
/*
 * Unpin everything under ROOT's three folders and remove them, and ROOT
 * itself with @remove_root. Missing pieces are fine; anything left behind
 * is an error.
 */
int pins_remove_all(bool remove_root);

#endif /* HP_USER_PINS_H */
