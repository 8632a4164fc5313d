/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A small streaming JSON writer for --json output on stdout. It tracks the
 * nesting so that callers never place commas themselves; a top-level value
 * ends with a newline.
 */
#ifndef HP_USER_JSON_H
#define HP_USER_JSON_H

#include <stdbool.h>
#include <stdint.h>

void json_begin_object(void);
void json_end_object(void);
void json_begin_array(void);
void json_end_array(void);
/* An object member's name; the next value call writes its value. */
void json_key(const char *key);
void json_str(const char *s);
void json_u64(uint64_t v);
void json_bool(bool v);
void json_null(void);

/* Member shorthands: key and value in one call. */
void json_kv_str(const char *key, const char *s);
void json_kv_u64(const char *key, uint64_t v);
void json_kv_bool(const char *key, bool v);

#endif /* HP_USER_JSON_H */
