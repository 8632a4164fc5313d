// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "hairpin/abi.h"
#include "log.h"
#include "pins.h"

/* How long a command waits for another one's lock. */
#define LOCK_WAIT_MS 10000
#define LOCK_POLL_MS 20

static char root[PATH_MAX];
static char parent[PATH_MAX];
static const char *base; /* the root's last component, within root[] */
/* Held open once checked: everything under the root goes through them. */
static int parent_fd = -1, root_fd = -1;
/* root_fd holds the lock: it stays open (closing it would unlock). */
static bool locked;

const char *pins_root(void)
{
	return root;
}

static void resolve_root(void)
{
	const char *dir = g_opts.bpffs;
	size_t len;
	char *slash;

	if (!dir || !*dir)
		dir = getenv("HAIRPIN_XDP_BPFFS");
	if (!dir || !*dir)
		dir = HP_PIN_ROOT_DEFAULT;
	snprintf(root, sizeof(root), "%s", dir);
	/* "/sys/fs/bpf/x/" and "/sys/fs/bpf/x" are the same root. */
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	if (!slash) {
		snprintf(parent, sizeof(parent), ".");
		base = root;
	} else {
		base = root + (slash - parent) + 1;
		if (slash == parent)
			parent[1] = '\0';
		else
			*slash = '\0';
	}
}

static bool fd_on_bpffs(int fd)
{
	struct statfs st;

	return !fstatfs(fd, &st) && st.f_type == BPF_FS_MAGIC;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A folder only we can change: ours, no group or other write. */
static int check_trusted(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st))
		return errorf("%s: %s", path, strerror(errno));
	/* root's pins, seen by a user who may read the folder but not the pins */
	if (st.st_uid == 0 && geteuid() != 0)
		return errorf("%s: permission denied (run as root)", path);
	if (st.st_uid != geteuid())
		return errorf("%s is owned by uid %u, not by us: someone else made it; "
			      "remove it if it is not yours", path, (unsigned int)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return errorf("%s is writable by group or others (mode %04o); "
			      "fix it with: chmod 0700 %s", path, st.st_mode & 07777, path);
	return 0;
}

static int open_dir_at(int dirfd, const char *name, const char *path)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 || errno == ENOENT)
		return fd;
	/* O_DIRECTORY may say ENOTDIR for a symlink before O_NOFOLLOW says ELOOP. */
	if (errno == ELOOP || (errno == ENOTDIR && !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
			       S_ISLNK(st.st_mode)))
		return errorf("%s is a symlink; refusing to follow it", path);
	if (errno == ENOTDIR)
		return errorf("%s is not a directory", path);
	if (errno == EACCES || errno == EPERM)
		return errorf("%s: permission denied (run as root)", path);
	return errorf("%s: %s", path, strerror(errno));
}

/* The root's folders, where they exist, are as trusted as the root. */
static int check_folders(void)
{
	static const char *const folders[] = { PIN_MAPS, PIN_PROGS, PIN_LINKS };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		int fd, err;

		if (pin_path(path, sizeof(path), "%s", folders[i]))
			return -1;
		fd = open_dir_at(root_fd, folders[i], path);
		if (fd == -1 && errno != ENOENT)
			return -1;
		if (fd < 0)
			continue;
		err = check_trusted(fd, path);
		close(fd);
		if (err)
			return -1;
	}
	return 0;
}

int pins_root_check(bool *exists)
{
	struct stat st_root, st_parent;

	if (locked) {
		if (exists)
			*exists = true;
		return 0;
	}
	resolve_root();
	close_fd(&root_fd);
	close_fd(&parent_fd);
	parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			goto not_bpffs;
		/* A bpffs mounted mode 0700 (as it should be) hides the root. */
		if (errno == EACCES || errno == EPERM)
			return errorf("%s: permission denied (run as root)", parent);
		return errorf("%s: %s", parent, strerror(errno));
	}
	errno = 0;
	root_fd = open_dir_at(parent_fd, base, root);
	if (root_fd < 0 && errno != ENOENT)
		return -1;
	if (exists)
		*exists = root_fd >= 0;
	if (root_fd < 0) {
		/* Not there yet: attach creates it, so its parent must be a bpffs. */
		if (!fd_on_bpffs(parent_fd))
			goto not_bpffs;
		return 0;
	}
	if (!fd_on_bpffs(root_fd))
		goto not_bpffs;
	/* A mount point is the bpffs itself, shared with every other user of it. */
	if (fstat(root_fd, &st_root) || fstat(parent_fd, &st_parent))
		return errorf("%s: %s", root, strerror(errno));
	if (st_root.st_dev != st_parent.st_dev || st_root.st_ino == st_parent.st_ino)
		return errorf("pin root %s is the bpffs mount point itself; use a folder "
			      "under it, e.g. %s/hairpin-xdp", root, root);
	if (check_trusted(root_fd, root) || check_folders())
		return -1;
	return 0;
not_bpffs:
	return errorf("%s is not on a bpffs; mount one with: mount -t bpf -o mode=0700 bpf "
		      "/sys/fs/bpf", root);
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
	struct stat st;

	return root_fd >= 0 && !fstatat(root_fd, rel, &st, AT_SYMLINK_NOFOLLOW);
}

bool pins_loaded(void)
{
	return pin_exists(PIN_PROG_XDP);
}

int pins_require_loaded(void)
{
	bool exists;

	if (pins_root_check(&exists))
		return -1;
	if (!exists || !pins_loaded())
		return errorf("not attached: run hairpin-xdp attach IFACE first");
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Is the root we hold still the one the path names (not removed meanwhile)? */
static bool root_still_linked(void)
{
	struct stat held, named;

	return !fstat(root_fd, &held) &&
	       !fstatat(parent_fd, base, &named, AT_SYMLINK_NOFOLLOW) &&
	       held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

int pins_lock(bool create)
{
	long waited = 0;
	bool exists = false;

	for (;;) {
		if (pins_root_check(&exists))
			return -1;
		if (!exists) {
			if (!create)
				return errorf("not attached: run hairpin-xdp attach IFACE first");
			if (mkdirat(parent_fd, base, 0700) && errno != EEXIST)
				return errorf("cannot create %s: %s", root,
					      errno == EACCES ? "permission denied (run as root)" :
								strerror(errno));
			continue;
		}
		if (!flock(root_fd, LOCK_EX | LOCK_NB)) {
			/* detach --all may have removed it while we waited. */
			if (root_still_linked()) {
				locked = true;
				return 0;
			}
		} else if (errno != EWOULDBLOCK) {
			return errorf("cannot lock %s: %s", root, strerror(errno));
		} else if (waited >= LOCK_WAIT_MS) {
			return errorf("another hairpin-xdp command is changing %s (it holds its lock); "
				      "gave up after %d s", root, LOCK_WAIT_MS / 1000);
		} else {
			if (!waited)
				pr_debug("waiting for the lock on %s", root);
			sleep_ms(LOCK_POLL_MS);
			waited += LOCK_POLL_MS;
		}
	}
}

void pins_unlock(void)
{
	if (!locked)
		return;
	flock(root_fd, LOCK_UN);
	locked = false;
}

/* ---- the daemon's lock ---- */

static int daemon_fd = -1;
static char daemon_path[PATH_MAX];

/* HP_RUN_DIR, made if missing, and as trusted as the pin root. */
static int open_run_dir(const char **dir)
{
	int fd, err;

	*dir = HP_RUN_DIR;
	if (mkdir(*dir, 0700) && errno == ENOENT)
		*dir = HP_RUN_DIR_OLD;
	if (mkdir(*dir, 0700) && errno != EEXIST)
		return errorf("cannot create %s: %s", *dir, strerror(errno));
	fd = open_dir_at(AT_FDCWD, *dir, *dir);
	if (fd < 0)
		return -1;
	err = check_trusted(fd, *dir);
	if (err) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The pid a daemon holding @fd's lock wrote in it, or "?". */
static void holder_pid(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!*buf)
		snprintf(buf, len, "?");
}

/* Locked @fd still the file the name gives (not removed by an exiting holder)? */
static bool same_file_at(int dirfd, const char *name, int fd)
{
	struct stat held, named;

	return !fstat(fd, &held) && !fstatat(dirfd, name, &named, AT_SYMLINK_NOFOLLOW) &&
	       held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

int pins_daemon_lock(void)
{
	char name[NAME_MAX + 1], pid[32];
	const char *dir;
	struct stat st;
	int dirfd, fd = -1, n;

	if (pins_root_check(NULL))
		return -1;
	if (fstat(parent_fd, &st))
		return errorf("%s: %s", parent, strerror(errno));
	n = snprintf(name, sizeof(name), "daemon-%ju-%ju-%s.lock", (uintmax_t)st.st_dev,
		     (uintmax_t)st.st_ino, base);
	if (n < 0 || (size_t)n >= sizeof(name))
		return errorf("pin root name %s too long for a lock file name", base);
	dirfd = open_run_dir(&dir);
	if (dirfd < 0)
		return -1;
	/* An exiting daemon unlinks the file: lock what the name gives now. */
	for (int tries = 0; tries < 3 && daemon_fd < 0; tries++) {
		fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			errorf("cannot open %s/%s: %s", dir, name, strerror(errno));
			break;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			if (errno == EWOULDBLOCK) {
				holder_pid(fd, pid, sizeof(pid));
				errorf("another hairpin-xdp daemon (pid %s) runs on %s; stop it first",
				       pid, root);
			} else {
				errorf("cannot lock %s/%s: %s", dir, name, strerror(errno));
			}
			close(fd);
			break;
		}
		if (!same_file_at(dirfd, name, fd)) {
			close(fd);
			continue;
		}
		n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (ftruncate(fd, 0) || pwrite(fd, pid, n, 0) != n)
			pr_warn("cannot write our pid in %s/%s: %s", dir, name, strerror(errno));
		daemon_fd = fd;
		snprintf(daemon_path, sizeof(daemon_path), "%s/%s", dir, name);
	}
	close(dirfd);
	if (daemon_fd < 0 && !error_reported())
		errorf("cannot take the daemon's lock %s/%s", dir, name);
	return daemon_fd < 0 ? -1 : 0;
}

void pins_daemon_unlock(void)
{
	if (daemon_fd < 0)
		return;
	/* Unlinked while held: a daemon starting now locks a new file. */
	unlink(daemon_path);
	close(daemon_fd);
	daemon_fd = -1;
}

int pins_make_dirs(void)
{
	static const char *const folders[] = { PIN_MAPS, PIN_PROGS, PIN_LINKS };

	if (root_fd < 0)
		return errorf("%s: not checked (internal)", root);
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++)
		if (mkdirat(root_fd, folders[i], 0700) && errno != EEXIST)
			return errorf("cannot create %s/%s: %s", root, folders[i], strerror(errno));
	return 0;
}

/* Unlink every pin in ROOT/@rel and the folder itself, through their fds. */
static int remove_dir(const char *rel)
{
	char path[PATH_MAX];
	struct dirent *de;
	int fd, err = 0;
	DIR *d;

	if (pin_path(path, sizeof(path), "%s", rel))
		return -1;
	fd = open_dir_at(root_fd, rel, path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return errorf("%s: %s", path, strerror(errno));
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(fd, de->d_name, 0) && errno != ENOENT)
			err = errorf("cannot unpin %s/%s: %s", path, de->d_name, strerror(errno));
		else
			pr_debug("unpinned %s/%s", path, de->d_name);
	}
	closedir(d);
	if (unlinkat(root_fd, rel, AT_REMOVEDIR) && errno != ENOENT)
		err = errorf("cannot remove %s: %s", path, strerror(errno));
	return err;
}

int pins_remove_all(bool remove_root)
{
	int err = 0;

	if (root_fd < 0)
		return 0;
	/* Links first: unpinning a link detaches XDP before its program goes. */
	if (remove_dir(PIN_LINKS))
		err = -1;
	if (remove_dir(PIN_PROGS))
		err = -1;
	if (remove_dir(PIN_MAPS))
		err = -1;
	if (remove_root && unlinkat(parent_fd, base, AT_REMOVEDIR) && errno != ENOENT)
		err = errorf("cannot remove %s: %s", root, strerror(errno));
	return err;
}

int pins_prog_open(const char *rel)
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
