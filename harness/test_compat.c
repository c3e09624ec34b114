// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * glibc's compat-only interface in the drop-in: the hook variables as
 * programs built for them reach them (__malloc_hook@GLIBC_2.2.5 and
 * friends, a program's own __malloc_initialize_hook), the dumped heap
 * of malloc_set_state(), and mcheck through -lmcheck.  The programs are
 * harness/programs/compat_*.c (their file comments define the keys).
 *
 * glibc 2.36 is the reference: plain, it ignores the hooks; preloading
 * its libc_malloc_debug.so (as glibc's own tests of these features run)
 * it honours them, and the drop-in must print the same, but where a
 * test says why not.  Each runs without and with the per-thread cache
 * (glibc.malloc.tcache_count=0 and 7, which both allocators read).
 */
#include <mcheck.h>
#include <signal.h>

#include "dropin_run.h"

/* glibc's debugging library, found on the library path as glibc's tests
 * preload it. */
#define DEBUG_PRELOAD "LD_PRELOAD=libc_malloc_debug.so.0"

/* The cache settings each comparison runs under. */
static char *const tunables[2] = {
	"GLIBC_TUNABLES=glibc.malloc.tcache_count=0",
	"GLIBC_TUNABLES=glibc.malloc.tcache_count=7"
};

/* Which allocator a run is on. */
enum on {
	ON_GLIBC,
	ON_GLIBC_DEBUG,
	ON_DROPIN
};

/* Run compat program @name with @mode on @on, cache setting @cache. */
static void run_on(enum on on, int cache, const char *name, const char *mode,
		   struct dr_result *r)
{
	char *argv[] = { (char *)dr_program(name), (char *)mode, NULL };
	char *extra[] = { tunables[cache],
			  on == ON_GLIBC_DEBUG ? DEBUG_PRELOAD : NULL, NULL };

	dr_run(argv, extra, NULL, on == ON_DROPIN, r);
}

/* Run on glibc's debugging library and on the drop-in: same output. */
static void same_as_glibc_debug(int cache, const char *name, const char *mode,
				struct dr_result *glibc, struct dr_result *ours)
{
	run_on(ON_GLIBC_DEBUG, cache, name, mode, glibc);
	run_on(ON_DROPIN, cache, name, mode, ours);
	cr_expect(eq(int, ours->status, glibc->status),
		  "%s %s: status %#x on the drop-in, %#x on glibc; stderr:\n%s",
		  name, mode, (unsigned)ours->status, (unsigned)glibc->status,
		  ours->err);
	cr_expect(eq(str, ours->err, glibc->err), "%s %s: stderr", name, mode);
}

/*
 * tst-compathooks-on's six calls, each through its hook with the caller
 * in the calling function, after the program's own initialisation hook
 * ran once; plain glibc 2.36 ignores all of it.
 */
Test(compat, hook_variables_glibc_names)
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result plain, glibc, ours;

		run_on(ON_GLIBC, cache, "compat_hooks", "entry", &plain);
		dr_assert_ok(&plain, "compat_hooks on glibc");
		cr_expect(eq(i64, dr_key(&plain, "init_calls"), 0));
		cr_expect(eq(i64, dr_key(&plain, "hooks"), 0));
		same_as_glibc_debug(cache, "compat_hooks", "entry", &glibc,
				    &ours);
		dr_assert_ok(&ours, "compat_hooks on the drop-in");
		cr_expect(eq(str, ours.out, glibc.out));
		cr_expect(eq(i64, dr_key(&ours, "init_calls"), 1));
		cr_expect(eq(i64, dr_key(&ours, "calls"), 6));
		cr_expect(eq(i64, dr_key(&ours, "hooks"), 6));
		cr_expect(eq(i64, dr_key(&ours, "callers_ok"), 6));
		dr_free(&plain);
		dr_free(&glibc);
		dr_free(&ours);
	}
}

/*
 * __after_morecore_hook, which glibc 2.36 no longer calls even in its
 * debugging library: on the drop-in, once when the 300000-byte block
 * grows the break, once when its free trims it.
 */
Test(compat, after_morecore_hook)
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result glibc, ours;

		run_on(ON_GLIBC_DEBUG, cache, "compat_hooks", "morecore",
		       &glibc);
		dr_assert_ok(&glibc, "compat_hooks morecore on glibc");
		cr_expect(eq(i64, dr_key(&glibc, "morecore_calls"), 0));
		run_on(ON_DROPIN, cache, "compat_hooks", "morecore", &ours);
		dr_assert_ok(&ours, "compat_hooks morecore on the drop-in");
		cr_expect(eq(i64, dr_key(&ours, "morecore_calls"), 2));
		cr_expect(eq(i64, dr_key(&ours, "grow_seen"), 1));
		cr_expect(eq(i64, dr_key(&ours, "trim_seen"), 1));
		dr_free(&glibc);
		dr_free(&ours);
	}
}

/*
 * The dumped heap of eight blocks (1 to 8 words: chunk sizes 16 to 72,
 * usable sizes 8 to 64, 288 in all) adopted from the initialisation
 * hook: intact, readable, moved out by realloc, ignored by free; then
 * set_state is too late and get_state fails with ENOSYS.
 */
Test(compat, malloc_set_state_dumped_heap)
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result glibc, ours;

		same_as_glibc_debug(cache, "compat_state", NULL, &glibc, &ours);
		dr_assert_ok(&ours, "compat_state on the drop-in");
		cr_expect(eq(str, ours.out, glibc.out));
		cr_expect(eq(i64, dr_key(&ours, "set_state"), 0));
		cr_expect(eq(i64, dr_key(&ours, "intact"), 8));
		cr_expect(eq(i64, dr_key(&ours, "usable"), 288));
		cr_expect(eq(i64, dr_key(&ours, "realloc_moved"), 4));
		cr_expect(eq(i64, dr_key(&ours, "realloc_kept"), 4));
		cr_expect(eq(i64, dr_key(&ours, "late_set_state"), -1));
		cr_expect(eq(i64, dr_key(&ours, "get_state_null"), 1));
		cr_expect(eq(i64, dr_key(&ours, "get_state_enosys"), 1));
		dr_free(&glibc);
		dr_free(&ours);
	}
}

/*
 * -lmcheck turns mcheck on from the first block: the probe says
 * MCHECK_OK, malloc_usable_size the size asked for, the guard byte is
 * 0xd7.  A later mcheck() returns 0 here, as in glibc 2.17 (checking is
 * on); glibc 2.36 returns -1.
 */
Test(compat, lmcheck_block)
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result glibc, ours;

		same_as_glibc_debug(cache, "compat_mcheck", "ok", &glibc,
				    &ours);
		dr_assert_ok(&ours, "compat_mcheck on the drop-in");
		cr_expect(eq(i64, dr_key(&ours, "probe"), MCHECK_OK));
		cr_expect(eq(i64, dr_key(&glibc, "probe"), MCHECK_OK));
		cr_expect(eq(i64, dr_key(&ours, "usable"), 10));
		cr_expect(eq(i64, dr_key(&glibc, "usable"), 10));
		cr_expect(eq(i64, dr_key(&ours, "guard"), 0xd7));
		cr_expect(eq(i64, dr_key(&glibc, "guard"), 0xd7));
		cr_expect(eq(i64, dr_key(&ours, "late"), 0));
		cr_expect(eq(i64, dr_key(&glibc, "late"), -1));
		dr_free(&glibc);
		dr_free(&ours);
	}
}

/*
 * The three aligned entry points under mcheck, at alignment 8 (which
 * memalign serves as a plain malloc, whose hook must not add a second
 * header), 64 and 4096, of 0 and 10 bytes: each of the 18 blocks is
 * aligned, passes mprobe, has the size asked for, and frees cleanly, as
 * on glibc (its tst-memalign-mcheck and tst-posix_memalign-mcheck).
 */
Test(compat, lmcheck_aligned)
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result glibc, ours;

		same_as_glibc_debug(cache, "compat_mcheck", "aligned", &glibc,
				    &ours);
		dr_assert_ok(&ours, "compat_mcheck aligned on the drop-in");
		cr_expect(eq(str, ours.out, glibc.out));
		cr_expect(eq(i64, dr_key(&ours, "aligned"), 18));
		cr_expect(eq(i64, dr_key(&ours, "probed"), 18));
		cr_expect(eq(i64, dr_key(&ours, "usable"), 18));
		dr_free(&glibc);
		dr_free(&ours);
	}
}

/* @mode aborts on both with exactly @msg[cache] on standard error. */
static void expect_mcheck_abort(const char *mode, const char *const msg[2])
{
	for (int cache = 0; cache < 2; cache++) {
		struct dr_result glibc, ours;

		same_as_glibc_debug(cache, "compat_mcheck", mode, &glibc,
				    &ours);
		int sig = WIFSIGNALED(ours.status) ? WTERMSIG(ours.status) : 0;

		cr_expect(eq(int, sig, SIGABRT), "%s: status %#x", mode,
			  (unsigned)ours.status);
		cr_expect(eq(str, ours.err, (char *)msg[cache]));
		cr_expect(eq(str, ours.out, ""));
		dr_free(&glibc);
		dr_free(&ours);
	}
}

Test(compat, lmcheck_tail)
{
	static const char *const msg[2] = {
		"memory clobbered past end of allocated block\n",
		"memory clobbered past end of allocated block\n",
	};

	expect_mcheck_abort("tail", msg);
}

/* Without the cache the freed header still says MAGICFREE; the cache's
 * key, written over the header's magic word, makes it MCHECK_HEAD. */
Test(compat, lmcheck_freed_twice)
{
	static const char *const msg[2] = {
		"block freed twice\n",
		"memory clobbered before allocated block\n",
	};

	expect_mcheck_abort("twice", msg);
}

Test(compat, lmcheck_check_all)
{
	static const char *const msg[2] = {
		"memory clobbered past end of allocated block\n",
		"memory clobbered past end of allocated block\n",
	};

	expect_mcheck_abort("pedantic", msg);
}
