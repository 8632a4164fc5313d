// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Corpus case files (corpus.h). */
#include <stdlib.h>
#include <string.h>

#include "corpus.h"

static const char *const if_name[IF_MAX] = { "lan0", "wan0", "dmz0" };

void corpus_write(FILE *f, const struct sequence *s, const char *comment)
{
	const char *c = comment;

	while (c && *c) {
		const char *nl = strchr(c, '\n');
		int len = nl ? (int)(nl - c) : (int)strlen(c);

		fprintf(f, "# %.*s\n", len, c);
		c += len + (nl ? 1 : 0);
	}
	fprintf(f, "preset %d\n", s->preset);
	for (int i = 0; i < s->n; i++) {
		const struct event *e = &s->ev[i];

		if (e->type == EV_ADVANCE) {
			fprintf(f, "advance %llu\n", (unsigned long long)e->advance_ns);
			continue;
		}
		fprintf(f, "xdp %s ", if_name[e->iface]);
		for (int b = 0; b < e->len; b++)
			fprintf(f, "%02x", e->frame[b]);
		fputc('\n', f);
	}
}

static bool parse_hex(const char *h, struct event *e)
{
	size_t n = strlen(h);

	if (n % 2 || n / 2 > PKT_MAX)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		char byte[3] = { h[2 * i], h[2 * i + 1], 0 }, *end;

		e->frame[i] = (__u8)strtoul(byte, &end, 16);
		if (*end)
			return false;
	}
	e->len = (__u16)(n / 2);
	return true;
}

bool corpus_read(const char *path, struct sequence *s, char *why, size_t why_len)
{
	FILE *f = fopen(path, "r");
	char line[2 * PKT_MAX + 64], word[16], arg[2 * PKT_MAX + 64];
	int lineno = 0;

	memset(s, 0, sizeof(*s));
	if (!f) {
		snprintf(why, why_len, "cannot open %s", path);
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		struct event *e = &s->ev[s->n];
		char ifn[8];
		bool ok = true;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "preset %d", &s->preset) == 1)
			continue;
		if (s->n == CORPUS_MAX_EVENTS) {
			snprintf(why, why_len, "%s: more than %d events", path, CORPUS_MAX_EVENTS);
			fclose(f);
			return false;
		}
		memset(e, 0, sizeof(*e));
		if (sscanf(line, "advance %llu", (unsigned long long *)&e->advance_ns) == 1) {
			e->type = EV_ADVANCE;
			e->cls = GC_CLOCK;
		} else if (sscanf(line, "%15s %7s %1080s", word, ifn, arg) == 3 && !strcmp(word, "xdp")) {
			e->type = EV_XDP;
			e->iface = !strcmp(ifn, "lan0") ? IF_LAN : !strcmp(ifn, "wan0") ? IF_WAN : IF_MAX;
			ok = e->iface != IF_MAX && parse_hex(arg, e);
		} else {
			ok = false;
		}
		if (!ok) {
			snprintf(why, why_len, "%s:%d: not an event", path, lineno);
			fclose(f);
			return false;
		}
		s->n++;
	}
	fclose(f);
	return true;
}
