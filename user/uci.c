// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "uci.h"

/* Words of one line: the keyword and at most two arguments, and one extra to detect excess. */
#define MAX_WORDS 4

struct line_words {
	char *w[MAX_WORDS];
	int n;
};

static void words_free(struct line_words *lw)
{
	for (int i = 0; i < lw->n; i++)
		free(lw->w[i]);
	lw->n = 0;
}

/* A growing string for one word. */
struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 32;
		char *s = realloc(b->s, cap);

		if (!s)
			return -1;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

/*
 * One word at *@p: pieces unquoted (a backslash takes the next character
 * as it is), '...' (as it is) or "..." (backslash escapes), up to a blank.
 * Returns 0 with *@out set, or NULL at the end of the line or at a comment;
 * -1 with *@why on a malformed word.
 */
static int next_word(const char **p, char **out, const char **why)
{
	struct buf b = { 0 };
	const char *s = *p + strspn(*p, " \t\r\n");
	bool quoted = false;
	char quote = 0;

	*out = NULL;
	if (!*s || *s == '#') {
		*p = s;
		return 0;
	}
	for (; *s && (quote || !strchr(" \t\r\n", *s)); s++) {
		if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
			quoted = true;
			continue;
		}
		if (quote && *s == quote) {
			quote = 0;
			continue;
		}
		if (*s == '\\' && quote != '\'') {
			if (!s[1] || s[1] == '\n')
				break;
			s++;
		}
		if (buf_add(&b, *s))
			goto nomem;
	}
	if (quote) {
		*why = quote == '\'' ? "unterminated ' quote" : "unterminated \" quote";
		free(b.s);
		return -1;
	}
	if (*s == '\\') {
		*why = "a backslash at the end of the line";
		free(b.s);
		return -1;
	}
	/* An empty quoted word ('') is still a word. */
	if (!b.s && quoted && !(b.s = strdup("")))
		goto nomem;
	*p = s;
	*out = b.s;
	return 0;
nomem:
	free(b.s);
	*why = "out of memory";
	return -1;
}

static int split_line(const char *line, struct line_words *lw, const char **why)
{
	const char *p = line;
	char *w;

	lw->n = 0;
	for (;;) {
		if (next_word(&p, &w, why))
			goto fail;
		if (!w)
			return 0;
		if (lw->n == MAX_WORDS) {
			free(w);
			*why = "extra text after the value";
			goto fail;
		}
		lw->w[lw->n++] = w;
	}
fail:
	words_free(lw);
	return -1;
}

/* Names of types, sections and options: what libuci accepts. */
static bool valid_name(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
		strlen(s);
}

static int add_section(struct uci_file *f, struct line_words *lw, unsigned int line)
{
	struct uci_section *s = realloc(f->sections, (f->n_sections + 1) * sizeof(*s));
	unsigned int index = 0;

	if (!s)
		return -1;
	f->sections = s;
	for (size_t i = 0; i < f->n_sections; i++)
		index += !strcmp(s[i].type, lw->w[1]);
	s = &f->sections[f->n_sections++];
	*s = (struct uci_section){ .type = lw->w[1], .name = lw->n > 2 ? lw->w[2] : NULL,
				   .line = line, .index = index };
	free(lw->w[0]);
	lw->n = 0;
	return 0;
}

static struct uci_option *find_opt(struct uci_section *s, const char *name)
{
	for (size_t i = 0; i < s->n_opts; i++)
		if (!strcmp(s->opts[i].name, name))
			return &s->opts[i];
	return NULL;
}

static void option_clear(struct uci_option *o)
{
	for (size_t i = 0; i < o->n_values; i++)
		free(o->values[i]);
	free(o->values);
	o->values = NULL;
	o->n_values = 0;
}

/* option replaces, list appends (to a list; an option of that name is replaced). */
static int add_option(struct uci_section *s, struct line_words *lw, unsigned int line)
{
	bool is_list = !strcmp(lw->w[0], "list");
	struct uci_option *o = find_opt(s, lw->w[1]);
	char **v;

	if (!o) {
		o = realloc(s->opts, (s->n_opts + 1) * sizeof(*o));
		if (!o)
			return -1;
		s->opts = o;
		o = &s->opts[s->n_opts++];
		*o = (struct uci_option){ .name = lw->w[1] };
		lw->w[1] = NULL;
	}
	if (!is_list || !o->is_list)
		option_clear(o);
	v = realloc(o->values, (o->n_values + 1) * sizeof(*v));
	if (!v)
		return -1;
	o->values = v;
	o->values[o->n_values++] = lw->w[2];
	lw->w[2] = NULL;
	o->is_list = is_list;
	o->line = line;
	words_free(lw);
	return 0;
}

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

/* One split line into @f; returns 0, or -1 with *@why (NULL: out of memory). */
static int add_line(struct uci_file *f, struct line_words *lw, unsigned int line,
		    const char **why)
{
	const char *kw = lw->w[0];

	*why = NULL;
	if (!strcmp(kw, "package")) {
		if (lw->n != 2)
			return bad(why, "expected package NAME");
		words_free(lw);
		return 0;
	}
	if (!strcmp(kw, "config")) {
		if (lw->n < 2 || lw->n > 3)
			return bad(why, "expected config TYPE ['NAME']");
		if (!valid_name(lw->w[1]) || (lw->n == 3 && !valid_name(lw->w[2])))
			return bad(why, "bad section type or name (letters, digits, _ and - only)");
		return add_section(f, lw, line);
	}
	if (strcmp(kw, "option") && strcmp(kw, "list"))
		return bad(why, "expected config, option, list or package");
	if (lw->n != 3)
		return bad(why, lw->n < 3 ? "expected NAME 'VALUE'" : "extra text after the value");
	if (!valid_name(lw->w[1]))
		return bad(why, "bad option name (letters, digits, _ and - only)");
	if (!f->n_sections)
		return bad(why, "option before any config line");
	return add_option(&f->sections[f->n_sections - 1], lw, line);
}

int uci_load(const char *path, struct uci_file *f)
{
	struct line_words lw = { .n = 0 };
	unsigned int line = 0;
	const char *why = NULL;
	size_t cap = 0;
	char *text = NULL;
	int err = -1;
	FILE *in;

	*f = (struct uci_file){ .path = path };
	in = fopen(path, "r");
	if (!in)
		return errorf("%s: %s", path, strerror(errno));
	while (getline(&text, &cap, in) >= 0) {
		line++;
		if (split_line(text, &lw, &why))
			goto bad;
		if (lw.n && add_line(f, &lw, line, &why))
			goto bad;
	}
	if (ferror(in)) {
		errorf("%s: %s", path, strerror(errno));
		goto out;
	}
	err = 0;
	goto out;
bad:
	errorf("%s:%u: %s", path, line, why ? why : "out of memory");
out:
	words_free(&lw);
	free(text);
	fclose(in);
	if (err)
		uci_free(f);
	return err;
}

void uci_free(struct uci_file *f)
{
	for (size_t i = 0; i < f->n_sections; i++) {
		struct uci_section *s = &f->sections[i];

		for (size_t j = 0; j < s->n_opts; j++) {
			option_clear(&s->opts[j]);
			free(s->opts[j].name);
		}
		free(s->opts);
		free(s->type);
		free(s->name);
	}
	free(f->sections);
	f->sections = NULL;
	f->n_sections = 0;
}

const struct uci_option *uci_option(const struct uci_section *s, const char *name)
{
	return find_opt((struct uci_section *)s, name);
}

const char *uci_get(const struct uci_section *s, const char *name)
{
	const struct uci_option *o = uci_option(s, name);

	return o && o->n_values ? o->values[0] : NULL;
}

const struct uci_section *uci_find(const struct uci_file *f, const char *type,
				   const char *key, const char *value)
{
	for (size_t i = 0; i < f->n_sections; i++) {
		const struct uci_section *s = &f->sections[i];
		const char *v = key ? uci_get(s, key) : s->name;

		if (!strcmp(s->type, type) && v && !strcmp(v, value))
			return s;
	}
	return NULL;
}
