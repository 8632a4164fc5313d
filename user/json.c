// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

#define JSON_MAX_DEPTH 16

/* Per nesting level: has a value been written at this level yet? */
static bool level_used[JSON_MAX_DEPTH];
static int depth;
/* Set by json_key(): the next value is a member value, no comma before it. */
static bool after_key;

/* Separator before a value or key, as the position requires. */
static void json_sep(void)
{
	if (after_key) {
		after_key = false;
		return;
	}
	if (level_used[depth])
		fputc(',', stdout);
	level_used[depth] = true;
}

/* Called after every complete value: a finished top-level value ends a line. */
static void json_value_done(void)
{
	if (depth == 0) {
		fputc('\n', stdout);
		level_used[0] = false;
	}
}

static void json_open(char c)
{
	json_sep();
	fputc(c, stdout);
	if (depth < JSON_MAX_DEPTH - 1)
		depth++;
	level_used[depth] = false;
}

static void json_close(char c)
{
	fputc(c, stdout);
	if (depth > 0)
		depth--;
	json_value_done();
}

void json_begin_object(void)
{
	json_open('{');
}

void json_end_object(void)
{
	json_close('}');
}

void json_begin_array(void)
{
	json_open('[');
}

void json_end_array(void)
{
	json_close(']');
}

/* RFC 8259 section 7: quote, backslash and control characters are escaped. */
static void json_write_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', stdout);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				fputc(*p, stdout);
		}
	}
	fputc('"', stdout);
}

void json_key(const char *key)
{
	json_sep();
	json_write_string(key);
	fputc(':', stdout);
	after_key = true;
}

void json_str(const char *s)
{
	json_sep();
	json_write_string(s);
	json_value_done();
}

void json_u64(uint64_t v)
{
	json_sep();
	printf("%" PRIu64, v);
	json_value_done();
}

void json_bool(bool v)
{
	json_sep();
	fputs(v ? "true" : "false", stdout);
	json_value_done();
}

void json_null(void)
{
	json_sep();
	fputs("null", stdout);
	json_value_done();
}

void json_kv_str(const char *key, const char *s)
{
	json_key(key);
	json_str(s);
}

void json_kv_u64(const char *key, uint64_t v)
{
	json_key(key);
	json_u64(v);
}

void json_kv_bool(const char *key, bool v)
{
	json_key(key);
	json_bool(v);
}
