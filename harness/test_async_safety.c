// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fork(), signals and cancellation against the allocator's locks: the
 * interleavings that glibc 2.36's tst-malloc-fork-deadlock,
 * tst-mallocfork2 and tst-malloc-stats-cancellation reach by chance,
 * forced step by step by harness/programs/fork_safety.c and
 * stats_cancel.c (whose file comments define the keys), on the drop-in
 * (LD_PRELOAD) and on the archive's ptm_ functions.  A deadlock is a
 * program killed by the runner's time limit (dropin_run.h).
 */
#include "dropin_run.h"

/**
 * struct want - one key a program must print, and its value.
 * @key: the key (NULL ends a list).
 * @value: its value.
 */
struct want {
	const char *key;
	long long value;
};

/*
 * Run harness program @name with @mode and @api ("dropin": preloaded),
 * assert that it exited 0 and printed every key of @want with its value.
 */
static void expect_run(const char *name, const char *mode, const char *api,
		       const struct want *want)
{
	char *argv[] = { (char *)dr_program(name), (char *)mode, (char *)api,
			 NULL };
	struct dr_result r;

	dr_run(argv, NULL, NULL, strcmp(api, "dropin") == 0, &r);
	dr_assert_ok(&r, name);
	for (; want->key != NULL; want++)
		cr_expect(eq(i64, dr_key(&r, want->key), want->value), "%s",
			  want->key);
	dr_free(&r);
}

/* The test @name on the drop-in and on the archive, each its own test. */
#define TEST_BOTH_APIS(name, prog, mode, want)                              \
	Test(async_safety, name##_dropin)                                   \
	{                                                                   \
		expect_run(prog, mode ? mode : "dropin", "dropin", want);   \
	}                                                                   \
	Test(async_safety, name##_archive)                                  \
	{                                                                   \
		expect_run(prog, mode ? mode : "archive", "archive", want); \
	}

/*
 * glibc bug 19431: a thread forks while another holds a FILE's lock and
 * allocates, and a third is in fflush(NULL), which holds stdio's list
 * lock and waits for that FILE.  glibc's fork() takes the list lock
 * after the fork handlers have run, so the allocator's prepare handler
 * takes it first, before the arena locks (docs/arenas.md, lock order).
 */
static const struct want stdio_want[] = { { "forked", 1 },
					  { "c_allocated", 1 },
					  { NULL, 0 } };

TEST_BOTH_APIS(fork_beside_stdio, "fork_safety", "stdio", stdio_want)

/*
 * A signal handler forks while the single-threaded process's own fork()
 * is between the allocator's prepare and parent handlers: like glibc
 * 2.36, which takes no malloc lock in a single-threaded process, the
 * handlers must hold nothing the inner fork() waits for.
 */
static const struct want signal_want[] = { { "inner_forked", 1 },
					   { "outer_forked", 1 },
					   { NULL, 0 } };

TEST_BOTH_APIS(fork_in_signal_handler_during_fork, "fork_safety", "signal",
	       signal_want)

/*
 * malloc_stats() in a thread whose cancellation is pending prints its
 * whole report; the thread is cancelled at the next cancellation point,
 * and stderr's lock is free afterwards (glibc 2.28 and later).
 */
static const struct want stats_want[] = { { "cancelled", 1 },
					  { "complete", 1 },
					  { "after_cancel", 0 },
					  { "stderr_free", 1 },
					  { NULL, 0 } };

/* stats_cancel takes the API as its mode (NULL: the API's name). */
TEST_BOTH_APIS(malloc_stats_defers_cancellation, "stats_cancel", NULL,
	       stats_want)
