// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The runner: registers every case, enters the private network namespace,
 * runs each case on a skeleton whose maps are emptied first (fx_open) and
 * prints one result line per case. Usage: unit_tests [SUBSTRING...] runs the cases whose name contains
 * one of the substrings (all without arguments).
 *
 * Exit status: 0 whatever the cases did (tests/run counts the lines); 1 only
 * when the harness itself broke.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"

#define MAX_TESTS 256

static struct unit_test tests[MAX_TESTS];
static int n_tests;

static struct {
	bool failed, skipped;
	char reason[512];
} cur;

void test_add(const char *name, void (*run)(struct fx *, const void *),
	      const void *arg, const struct fx_opts *opts)
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "unit_tests: more than %d cases\n", MAX_TESTS);
		exit(1);
	}
	tests[n_tests++] = (struct unit_test){ name, run, arg, opts };
}

bool test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cur.failed)
		return false; /* the first failure is the reason */
	cur.failed = true;
	n = snprintf(cur.reason, sizeof(cur.reason), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(cur.reason + n, sizeof(cur.reason) - n, fmt, ap);
	va_end(ap);
	return false;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	cur.skipped = true;
	va_start(ap, fmt);
	vsnprintf(cur.reason, sizeof(cur.reason), fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return cur.failed;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	char why[256];
	bool env_ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	register_golden_tests();
	register_slow_tests();
	register_session_tests();
	register_icmp_tests();
	register_rule_tests();
	register_nexthop_tests();
	register_event_tests();

	env_ok = env_setup(why, sizeof(why));
	/*
	 * Only not being root is a reason to skip; as root, a set-up that
	 * fails is a failure, or a broken machine would run green.
	 */
	if (!env_ok && geteuid() == 0) {
		printf("not ok - unit environment: %s\n", why);
		return 1;
	}
	for (int i = 0; i < n_tests; i++) {
		struct unit_test *t = &tests[i];
		struct fx fx;

		if (!selected(t->name, argc, argv))
			continue;
		if (!env_ok) {
			printf("skip - %s: %s\n", t->name, why);
			continue;
		}
		memset(&cur, 0, sizeof(cur));
		if (fx_open(&fx, t->opts))
			t->run(&fx, t->arg);
		fx_close(&fx);
		if (cur.failed)
			printf("not ok - %s: %s\n", t->name, cur.reason);
		else if (cur.skipped)
			printf("skip - %s: %s\n", t->name, cur.reason);
		else
			printf("ok - %s\n", t->name);
	}
	fx_unload_all();
	return 0;
}
