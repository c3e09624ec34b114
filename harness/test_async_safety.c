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

/* Run harness program @name with @mode and @api; exit 0 asserted. */
static void run(const char *name, const char *mode, const char *api,
		struct dr_result *r)
{
	char *argv[] = { (char *)dr_program(name), (char *)mode, (char *)api,
			 NULL };

	dr_run(argv, NULL, NULL, strcmp(api, "dropin") == 0, r);
	dr_assert_ok(r, name);
}

/*
 * glibc bug 19431: a thread forks while another holds a FILE's lock and
 * allocates, and a third is in fflush(NULL), which holds stdio's list
 * lock and waits for that FILE.  glibc's fork() takes the list lock
 * after the fork handlers have run, so the allocator's prepare handler
 * takes it first, before the arena locks (docs/arenas.md, lock order).
 */
static void expect_fork_beside_stdio(const char *api)
{
	struct dr_result r;

	run("fork_safety", "stdio", api, &r);
	cr_expect(eq(i64, dr_key(&r, "forked"), 1));
	cr_expect(eq(i64, dr_key(&r, "c_allocated"), 1));
	dr_free(&r);
}

Test(async_safety, fork_beside_stdio_dropin)
{
	expect_fork_beside_stdio("dropin");
}

Test(async_safety, fork_beside_stdio_archive)
{
	expect_fork_beside_stdio("archive");
}

/*
 * A signal handler forks while the single-threaded process's own fork()
 * is between the allocator's prepare and parent handlers: like glibc
 * 2.36, which takes no malloc lock in a single-threaded process, the
 * handlers must hold nothing the inner fork() waits for.
 */
static void expect_fork_in_signal_during_fork(const char *api)
{
	struct dr_result r;

	run("fork_safety", "signal", api, &r);
	cr_expect(eq(i64, dr_key(&r, "inner_forked"), 1));
	cr_expect(eq(i64, dr_key(&r, "outer_forked"), 1));
	dr_free(&r);
}

Test(async_safety, fork_in_signal_handler_during_fork_dropin)
{
	expect_fork_in_signal_during_fork("dropin");
}

Test(async_safety, fork_in_signal_handler_during_fork_archive)
{
	expect_fork_in_signal_during_fork("archive");
}

/*
 * malloc_stats() in a thread whose cancellation is pending prints its
 * whole report; the thread is cancelled at the next cancellation point,
 * and stderr's lock is free afterwards (glibc 2.28 and later).
 */
static void expect_stats_not_cancelled(const char *api)
{
	struct dr_result r;

	run("stats_cancel", api, api, &r);
	cr_expect(eq(i64, dr_key(&r, "cancelled"), 1));
	cr_expect(eq(i64, dr_key(&r, "complete"), 1));
	cr_expect(eq(i64, dr_key(&r, "after_cancel"), 0));
	cr_expect(eq(i64, dr_key(&r, "stderr_free"), 1));
	dr_free(&r);
}

Test(async_safety, malloc_stats_defers_cancellation_dropin)
{
	expect_stats_not_cancelled("dropin");
}

Test(async_safety, malloc_stats_defers_cancellation_archive)
{
	expect_stats_not_cancelled("archive");
}
