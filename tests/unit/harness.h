/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A minimal test harness in the style of the kernel's BPF selftests
 * (tools/testing/selftests/bpf/test_progs.h): ASSERT_* macros evaluate to
 * true when the check holds and otherwise record "file:line: what" as the
 * case's failure, so a case reads `if (!ASSERT_EQ(...)) return;`.
 *
 * Output, one line per case, counted by tests/run:
 *	ok - NAME
 *	not ok - NAME: file:line: reason
 *	skip - NAME: reason
 * Details (hex dumps) go on "# " comment lines before the result.
 */
#ifndef HP_UNIT_HARNESS_H
#define HP_UNIT_HARNESS_H

#include <stdbool.h>
#include <stdio.h>

struct fx;
struct fx_opts;

struct unit_test {
	const char *name;
	/* Runs on a fixture with empty maps, built from @opts. */
	void (*run)(struct fx *fx, const void *arg);
	const void *arg;
	const struct fx_opts *opts;
};

/* Each test file registers its cases from one function. */
void test_add(const char *name, void (*run)(struct fx *, const void *),
	      const void *arg, const struct fx_opts *opts);
void register_golden_tests(void);
void register_slow_tests(void);
void register_session_tests(void);
void register_icmp_tests(void);
void register_hostile_tests(void);
void register_rule_tests(void);
void register_nexthop_tests(void);
void register_event_tests(void);
void register_step_tests(void);
void register_frag_tests(void);

/*
 * Enter the test namespace and run the registered cases whose name contains
 * one of argv[1..] (every case without). Returns the exit status.
 */
int harness_main(int argc, char **argv);

/* Record a failure (the first one counts) or a skip; false for chaining. */
bool test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool test_failed(void);

#define ASSERT_TRUE(cond, what)                                              \
	((cond) ? true : test_fail(__FILE__, __LINE__, "%s", what))

#define ASSERT_EQ(got, want, what)                                           \
	({                                                                   \
		long long ___g = (long long)(got), ___w = (long long)(want); \
		___g == ___w ? true :                                        \
			       test_fail(__FILE__, __LINE__,                 \
					 "%s: got %lld, want %lld", what,    \
					 ___g, ___w);                        \
	})

#define ASSERT_RANGE(got, lo, hi, what)                                      \
	({                                                                   \
		long long ___g = (long long)(got);                           \
		(___g >= (long long)(lo) && ___g <= (long long)(hi)) ?       \
			true :                                               \
			test_fail(__FILE__, __LINE__,                        \
				  "%s: got %lld, want %lld..%lld", what, ___g, \
				  (long long)(lo), (long long)(hi));         \
	})

/* A libbpf call: 0 or a positive fd is fine, a negative value is -errno. */
#define ASSERT_OK(err, what)                                                 \
	({                                                                   \
		long long ___e = (long long)(err);                           \
		___e >= 0 ? true :                                           \
			    test_fail(__FILE__, __LINE__, "%s: error %lld", \
				      what, ___e);                           \
	})

/* A from-scratch verifier result: NULL is fine, else a description. */
#define ASSERT_NULL_MSG(msg, what)                                           \
	({                                                                   \
		const char *___m = (msg);                                    \
		!___m ? true :                                               \
			test_fail(__FILE__, __LINE__, "%s: %s", what, ___m); \
	})

#endif /* HP_UNIT_HARNESS_H */
