/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reader for OpenWrt's UCI files (/etc/config/firewall, .../network), for
 * `import openwrt`. The format, as libuci reads it: lines of
 *     package NAME
 *     config TYPE ['NAME']
 *         option NAME 'VALUE'
 *         list NAME 'VALUE'
 * where each word is unquoted, 'single-quoted', "double-quoted" (with
 * backslash escapes) or a run of those pieces ('it'\''s'), and '#' starts a
 * comment where a word could start. A later option replaces an earlier one
 * of the same name; list values accumulate. Every section and option keeps
 * its line, so the importer can say where a section came from.
 */
#ifndef HP_USER_UCI_H
#define HP_USER_UCI_H

#include <stdbool.h>
#include <stddef.h>

struct uci_option {
	char *name;
	char **values;	/* one for an option, any number for a list */
	size_t n_values;
	bool is_list;
	unsigned int line;
};

struct uci_section {
	char *type;	/* redirect, zone, interface, ... */
	char *name;	/* 'name' of `config TYPE 'name'`; NULL: anonymous */
	unsigned int line;
	unsigned int index; /* among the sections of its type: @type[index] */
	struct uci_option *opts;
	size_t n_opts;
};

struct uci_file {
	const char *path;
	struct uci_section *sections;
	size_t n_sections;
};

/*
 * Read @path. On error one line through errorf(): "PATH: why" for a file
 * that cannot be read, "PATH:LINE: why" for a malformed line; *@f then
 * holds nothing to free.
 */
int uci_load(const char *path, struct uci_file *f);
void uci_free(struct uci_file *f);

const struct uci_option *uci_option(const struct uci_section *s, const char *name);
/* The value of an option (a list's first value); NULL when absent. */
const char *uci_get(const struct uci_section *s, const char *name);
/* The section of @type whose name, or option @key, is @value. */
const struct uci_section *uci_find(const struct uci_file *f, const char *type,
				   const char *key, const char *value);

#endif /* HP_USER_UCI_H */
