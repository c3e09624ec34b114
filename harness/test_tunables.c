// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The environment tunables (malloc/tunables.c): glibc's MALLOC_*
 * variables and GLIBC_TUNABLES=glibc.malloc.NAME=VALUE:...
 *
 * Every test runs a helper program with an exact environment (execve,
 * nothing inherited), because the tunables are read once, at the first
 * call into the allocator:
 *   tun_probe (harness/programs/tun_probe.c) prints every tunable's value
 *	and what some of them change (perturbation, arenas, fast bins,
 *	the checking layer);
 *   the experiment programs (exp_*.c) reproduce, from the environment,
 *	the figures their mallopt() modes produce (E-4.3.1 to E-4.3.5).
 *
 * The parsing cases were checked against the host's glibc 2.36 (Debian
 * 2.36-9+deb12u14) by the break growth and perturbation its own malloc
 * showed under the same environments.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptmalloc.h"
#include "programs/exp_run.h"

/* An environment list for run_env(). */
#define ENV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* No MALLOC_* and no GLIBC_TUNABLES at all. */
#define NO_ENV ENV("LC_ALL=C")

/*
 * Run PTM_PROGRAMS_DIR/@prog with the arguments @args (space separated)
 * and exactly the environment @env; with @secure, as a process the
 * kernel marks AT_SECURE (real uid 65534, effective uid 0: the tests
 * run as root, as CI does).  Returns its standard output (malloc'ed);
 * the program must exit 0.
 */
static char *run_env(const char *prog, const char *args,
		     const char *const env[], bool secure)
{
	char path[512], words[256], *argv[8];
	int fds[2], status, n = 1;
	pid_t pid;
	char *out;

	snprintf(path, sizeof(path), "%s/%s", PTM_PROGRAMS_DIR, prog);
	snprintf(words, sizeof(words), "%s", args);
	argv[0] = path;
	for (char *t = strtok(words, " "); t != NULL && n < 7;
	     t = strtok(NULL, " "))
		argv[n++] = t;
	argv[n] = NULL;
	cr_assert(eq(int, pipe(fds), 0));
	pid = fork();
	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (secure && setresuid(65534, 0, 0) != 0)
			_exit(126);
		execve(path, argv, (char *const *)env);
		_exit(127);
	}
	close(fds[1]);
	out = exp_read_fd(fds[0]);
	close(fds[0]);
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	cr_assert(eq(int, status, 0), "%s %s exited with status %#x", prog,
		  args, status);
	return out;
}

/* The value of @key in @out; fails the test when it is missing. */
static long long key(const char *out, const char *k)
{
	long long v = 0;

	cr_assert(eq(int, exp_key(out, k, &v), 1), "no %s in:\n%s", k, out);
	return v;
}

#define expect_key(out, k, want) \
	cr_expect(eq(i64, key(out, k), (long long)(want)), "%s", k)

/* tun_probe params under @env: its output. */
static char *params(const char *const env[])
{
	return run_env("tun_probe", "params", env, false);
}

/* The value of tunable @k after initialisation under the one entry @e. */
static long long tunable_under(const char *e, const char *k)
{
	char *out = params(ENV(e));
	long long v = key(out, k);

	free(out);
	return v;
}

#define expect_tunable(e, k, want)                                           \
	cr_expect(eq(i64, tunable_under(e, k), (long long)(want)), "%s: %s", \
		  e, k)

/* Every tunable name tun_probe prints. */
static const char *const names[] = {
	"check",
	"top_pad",
	"perturb",
	"mmap_threshold",
	"trim_threshold",
	"mmap_max",
	"arena_max",
	"arena_test",
	"tcache_max",
	"tcache_count",
	"tcache_unsorted_limit",
	"mxfast",
	"tcache_bins",
	"mmap_threshold_after_free",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Without any setting: glibc's defaults (x86_64), the threshold dynamic. */
Test(tunables, defaults)
{
	char *out = params(NO_ENV);

	expect_key(out, "check", 3);
	expect_key(out, "top_pad", 131072);
	expect_key(out, "perturb", 0);
	expect_key(out, "mmap_threshold", 131072);
	expect_key(out, "trim_threshold", 131072);
	expect_key(out, "mmap_max", 65536);
	expect_key(out, "arena_max", 0);
	expect_key(out, "arena_test", 8);
	expect_key(out, "tcache_max", 1032);
	expect_key(out, "tcache_count", 7);
	expect_key(out, "tcache_unsorted_limit", 0);
	expect_key(out, "tcache_bins", 64);
	expect_key(out, "mxfast", 128);
	expect_key(out, "unknown", -1);
	/* Freeing a 1 MiB mapping raised the threshold: still dynamic. */
	expect_key(out, "mmap_threshold_after_free", 1052672);
	expect_key(out, "secure", 0);
	free(out);
}

/**
 * struct twin - one environment setting and its mallopt() twin.
 * @alias: the MALLOC_* spelling, or NULL when there is none.
 * @tunable: the GLIBC_TUNABLES spelling.
 * @param, @value: the mallopt() call that must have the same effect.
 */
struct twin {
	const char *alias;
	const char *tunable;
	int param;
	int value;
};

static const struct twin twins[] = {
	{ "MALLOC_TOP_PAD_=409600", "glibc.malloc.top_pad=409600", M_TOP_PAD,
	  409600 },
	{ "MALLOC_TRIM_THRESHOLD_=819200", "glibc.malloc.trim_threshold=819200",
	  M_TRIM_THRESHOLD, 819200 },
	{ "MALLOC_MMAP_THRESHOLD_=262144", "glibc.malloc.mmap_threshold=262144",
	  M_MMAP_THRESHOLD, 262144 },
	{ "MALLOC_MMAP_MAX_=0", "glibc.malloc.mmap_max=0", M_MMAP_MAX, 0 },
	{ "MALLOC_PERTURB_=85", "glibc.malloc.perturb=85", M_PERTURB, 85 },
	{ "MALLOC_ARENA_MAX=3", "glibc.malloc.arena_max=3", M_ARENA_MAX, 3 },
	{ "MALLOC_ARENA_TEST=5", "glibc.malloc.arena_test=5", M_ARENA_TEST, 5 },
	{ NULL, "glibc.malloc.mxfast=0", M_MXFAST, 0 },
	{ NULL, "glibc.malloc.mxfast=160", M_MXFAST, 160 },
	{ NULL, "glibc.malloc.check=0", M_CHECK_ACTION, 0 },
};

/* Every tunable reads the same in @a and @b; @what names the case. */
static void expect_same(const char *a, const char *b, const char *what)
{
	for (size_t i = 0; i < NNAMES; i++)
		cr_expect(eq(i64, key(a, names[i]), key(b, names[i])),
			  "%s: %s differs", what, names[i]);
}

/*
 * Each setting, through its alias and through GLIBC_TUNABLES, leaves
 * every parameter exactly as its mallopt() twin does, including the
 * dynamic threshold (switched off by the four that set a size).
 */
Test(tunables, same_effect_as_mallopt)
{
	char mode[64], gt[128];

	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		const struct twin *t = &twins[i];
		char *want, *got;

		snprintf(mode, sizeof(mode), "twin %d %d", t->param, t->value);
		want = run_env("tun_probe", mode, NO_ENV, false);
		cr_assert(eq(i64, key(want, "r_twin"), 1), "%s", mode);
		snprintf(gt, sizeof(gt), "GLIBC_TUNABLES=%s", t->tunable);
		got = params(ENV(gt));
		expect_same(want, got, gt);
		free(got);
		if (t->alias != NULL) {
			got = params(ENV(t->alias));
			expect_same(want, got, t->alias);
			free(got);
		}
		free(want);
	}
}

/* An explicit mallopt() after initialisation overrides the environment. */
Test(tunables, mallopt_overrides_environment)
{
	char *out = run_env("tun_probe", "mallopt",
			    ENV("MALLOC_TOP_PAD_=1", "MALLOC_PERTURB_=1",
				"GLIBC_TUNABLES=glibc.malloc.mmap_max=1:"
				"glibc.malloc.mxfast=1:glibc.malloc.check=1:"
				"glibc.malloc.trim_threshold=1:"
				"glibc.malloc.mmap_threshold=1:"
				"glibc.malloc.arena_max=1:"
				"glibc.malloc.arena_test=1"),
			    false);

	expect_key(out, "top_pad", 8192);
	expect_key(out, "trim_threshold", 16384);
	expect_key(out, "mmap_threshold", 65536);
	expect_key(out, "mmap_max", 9);
	expect_key(out, "perturb", 0x11);
	expect_key(out, "arena_max", 5);
	expect_key(out, "arena_test", 6);
	expect_key(out, "mxfast", 64);
	expect_key(out, "check", 2);
	free(out);
}

/* Values: _dl_strtoul's decimal, 0x hex and leading-0 octal, and junk. */
Test(tunables, number_syntax)
{
	expect_tunable("MALLOC_PERTURB_=0x55", "perturb", 0x55);
	expect_tunable("MALLOC_PERTURB_=0X1f", "perturb", 0x1f);
	expect_tunable("MALLOC_PERTURB_=0x1fz", "perturb", 0x1f);
	expect_tunable("MALLOC_PERTURB_=0125", "perturb", 0125);
	expect_tunable("MALLOC_PERTURB_=019", "perturb", 1);
	expect_tunable("MALLOC_TOP_PAD_=020000", "top_pad", 8192);
	expect_tunable("MALLOC_TOP_PAD_=8192abc", "top_pad", 8192);
	expect_tunable("MALLOC_TOP_PAD_=+8192", "top_pad", 8192);
	expect_tunable("MALLOC_TOP_PAD_= \t 8192", "top_pad", 8192);
	/* No digits at all read as 0, which is in range, so it counts. */
	expect_tunable("MALLOC_TOP_PAD_=0x", "top_pad", 0);
	expect_tunable("MALLOC_TOP_PAD_=abc", "top_pad", 0);
	expect_tunable("MALLOC_TOP_PAD_=", "top_pad", 0);
	expect_tunable("MALLOC_TOP_PAD_=- 8192", "top_pad", 0);
	expect_tunable("MALLOC_TOP_PAD_=-0", "top_pad", 0);
	/* A minus sign negates: -1 is SIZE_MAX, "never trim". */
	expect_tunable("MALLOC_TRIM_THRESHOLD_=-1", "trim_threshold", -1);
	/* An overflow reads as the largest value. */
	expect_tunable("MALLOC_TOP_PAD_=99999999999999999999999", "top_pad",
		       -1);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.arena_max=0x10",
		       "arena_max", 16);
}

/* A value outside the tunable's range, or refused by its setter, is
 * ignored. */
Test(tunables, out_of_range_ignored)
{
	expect_tunable("MALLOC_PERTURB_=255", "perturb", 255);
	expect_tunable("MALLOC_PERTURB_=256", "perturb", 0);
	expect_tunable("MALLOC_PERTURB_=-1", "perturb", 0);
	expect_tunable("MALLOC_MMAP_MAX_=2147483647", "mmap_max", 2147483647);
	expect_tunable("MALLOC_MMAP_MAX_=2147483648", "mmap_max", 65536);
	expect_tunable("MALLOC_MMAP_MAX_=-1", "mmap_max", 65536);
	expect_tunable("MALLOC_ARENA_TEST=0", "arena_test", 8);
	expect_tunable("MALLOC_ARENA_MAX=0", "arena_max", 0);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.check=4", "check", 3);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.check=3", "check", 3);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.mxfast=161", "mxfast", 128);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.mxfast=7", "mxfast", 16);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_count=65535",
		       "tcache_count", 65535);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_count=65536",
		       "tcache_count", 7);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=1033",
		       "tcache_max", 1032);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_unsorted_limit=-1",
		       "tcache_unsorted_limit", -1);
	/* The mallopt rule: at most HEAP_MAX_SIZE / 2 (32 MiB). */
	expect_tunable("MALLOC_MMAP_THRESHOLD_=33554432", "mmap_threshold",
		       33554432);
	expect_tunable("MALLOC_MMAP_THRESHOLD_=33554433", "mmap_threshold",
		       131072);
	/* A refused value does not switch the dynamic threshold off. */
	expect_tunable("MALLOC_MMAP_THRESHOLD_=33554433",
		       "mmap_threshold_after_free", 1052672);
}

/* tcache_max: the size classes it leaves (at least one, as in glibc). */
Test(tunables, tcache_max_bins)
{
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=0", "tcache_max",
		       0);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=0",
		       "tcache_bins", 1);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=24",
		       "tcache_bins", 1);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=25",
		       "tcache_bins", 2);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.tcache_max=1032",
		       "tcache_bins", 64);
}

/* GLIBC_TUNABLES list syntax, as glibc 2.36 (with the CVE-2023-4911
 * fix) walks it. */
Test(tunables, list_syntax)
{
	expect_tunable("GLIBC_TUNABLES=:glibc.malloc.perturb=3:", "perturb", 3);
	expect_tunable("GLIBC_TUNABLES=x:glibc.malloc.perturb=4", "perturb", 4);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturb", "perturb", 0);
	expect_tunable("GLIBC_TUNABLES==glibc.malloc.perturb=5", "perturb", 0);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturb=5=6", "perturb", 5);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturb=5:"
		       "glibc.malloc.perturb=6",
		       "perturb", 6);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturb=5:"
		       "glibc.malloc.perturb=256",
		       "perturb", 5);
	/* The last value is not read again as a NAME=VALUE piece. */
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturb="
		       "glibc.malloc.top_pad=7",
		       "top_pad", 131072);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.hugetlb=1:"
		       "glibc.rtld.nns=2:glibc.malloc.perturb=9",
		       "perturb", 9);
	expect_tunable("GLIBC_TUNABLES=glibc.mallocx.perturb=9", "perturb", 0);
	expect_tunable("GLIBC_TUNABLES=glibc.malloc.perturbx=9", "perturb", 0);
	expect_tunable("GLIBC_TUNABLES=GLIBC.malloc.perturb=9", "perturb", 0);
	expect_tunable("glibc_tunables=glibc.malloc.perturb=9", "perturb", 0);
	expect_tunable("malloc_perturb_=9", "perturb", 0);
}

/* The perturbation a tunable value of @e asks for. */
static long long perturb_under(const char *const env[])
{
	char *out = params(env);
	long long v = key(out, "perturb");

	free(out);
	return v;
}

/*
 * GLIBC_TUNABLES beats the alias whatever their order; an out-of-range
 * GLIBC_TUNABLES value leaves the alias in force; of two aliases the
 * first valid one counts, of two GLIBC_TUNABLES the last valid value.
 */
Test(tunables, precedence)
{
	cr_expect(
		eq(i64,
		   perturb_under(ENV("MALLOC_PERTURB_=1",
				     "GLIBC_TUNABLES=glibc.malloc.perturb=6")),
		   6));
	cr_expect(eq(i64,
		     perturb_under(ENV("GLIBC_TUNABLES=glibc.malloc.perturb=6",
				       "MALLOC_PERTURB_=1")),
		     6));
	cr_expect(eq(
		i64,
		perturb_under(ENV("MALLOC_PERTURB_=3",
				  "GLIBC_TUNABLES=glibc.malloc.perturb=256")),
		3));
	cr_expect(
		eq(i64,
		   perturb_under(ENV("GLIBC_TUNABLES=glibc.malloc.perturb=256",
				     "MALLOC_PERTURB_=3")),
		   3));
	cr_expect(
		eq(i64,
		   perturb_under(ENV("MALLOC_PERTURB_=1", "MALLOC_PERTURB_=2")),
		   1));
	cr_expect(eq(
		i64,
		perturb_under(ENV("MALLOC_PERTURB_=256", "MALLOC_PERTURB_=2")),
		2));
	cr_expect(
		eq(i64,
		   perturb_under(ENV("GLIBC_TUNABLES=glibc.malloc.perturb=5",
				     "GLIBC_TUNABLES=glibc.malloc.perturb=6")),
		   6));
	cr_expect(eq(
		i64,
		perturb_under(ENV("GLIBC_TUNABLES=glibc.malloc.perturb=5",
				  "GLIBC_TUNABLES=glibc.malloc.perturb=256")),
		5));
	cr_expect(eq(i64,
		     perturb_under(ENV("MALLOC_PERTURB_=1",
				       "GLIBC_TUNABLES=glibc.malloc.perturb=6",
				       "MALLOC_PERTURB_=2")),
		     6));
}

/*
 * MALLOC_CHECK_ is the checking layer's (first character only, as glibc
 * 2.17 read it); glibc.malloc.check, read after it, wins.
 */
Test(tunables, check_tunable_beats_malloc_check)
{
	char *out = params(
		ENV("MALLOC_CHECK_=1", "GLIBC_TUNABLES=glibc.malloc.check=2"));

	expect_key(out, "check", 2);
	free(out);
	out = params(
		ENV("GLIBC_TUNABLES=glibc.malloc.check=2", "MALLOC_CHECK_=1"));
	expect_key(out, "check", 2);
	free(out);
	out = params(
		ENV("MALLOC_CHECK_=1", "GLIBC_TUNABLES=glibc.malloc.check=9"));
	expect_key(out, "check", 1);
	free(out);
}

/*
 * A process started AT_SECURE (here: real uid 65534, effective uid 0)
 * ignores every malloc tunable, as glibc does; the alias variable is
 * still in its environment (glibc's loader leaves SXID_IGNORE ones).
 */
Test(tunables, ignored_when_secure)
{
	const char *const *env =
		ENV("MALLOC_TOP_PAD_=1", "MALLOC_PERTURB_=1",
		    "MALLOC_MMAP_MAX_=1", "MALLOC_ARENA_MAX=1",
		    "GLIBC_TUNABLES=glibc.malloc.trim_threshold=1:"
		    "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=1");
	char *secure = run_env("tun_probe", "params", env, true);
	char *plain = params(NO_ENV);

	expect_key(secure, "secure", 1);
	expect_key(secure, "env_top_pad_seen", 1);
	expect_same(plain, secure, "AT_SECURE");
	free(secure);
	free(plain);
}

/* E-4.3.4 test2's figures from MALLOC_TOP_PAD_ / top_pad alone. */
static void expect_top_pad_test2(const char *e)
{
	char *out = run_env("exp_top_pad", "test1", ENV(e), false);

	expect_key(out, "startup_brk_used", 0);
	expect_key(out, "glibc_arena", 0);
	for (int i = 1; i <= 5; i++) {
		char k[8];

		snprintf(k, sizeof(k), "brk%d", i);
		expect_key(out, k, 0x7e000);
	}
	expect_key(out, "brk_after_free", 0x65000);
	expect_key(out, "keepcost_after_free", 413696);
	free(out);
}

Test(tunables, top_pad_reproduces_e_4_3_4_test2)
{
	expect_top_pad_test2("MALLOC_TOP_PAD_=409600");
	expect_top_pad_test2("GLIBC_TUNABLES=glibc.malloc.top_pad=409600");
}

/* E-4.3.5: the trim threshold from the environment. */
static void expect_no_trim(const char *e)
{
	char *out = run_env("exp_top_pad", "test1", ENV(e), false);

	expect_key(out, "brk1", 0x3a000);
	expect_key(out, "brk5", 0x9e000);
	expect_key(out, "brk_after_free", 0x9e000);
	free(out);
}

Test(tunables, trim_threshold_reproduces_e_4_3_5)
{
	expect_no_trim("MALLOC_TRIM_THRESHOLD_=819200");
	expect_no_trim("GLIBC_TUNABLES=glibc.malloc.trim_threshold=819200");
	expect_no_trim("MALLOC_TRIM_THRESHOLD_=-1");
}

/* E-4.3.2 test2's figures from the environment (hex here). */
static void expect_threshold_test2(const char *e)
{
	char *out = run_env("exp_mmap_threshold", "test1", ENV(e), false);

	expect_key(out, "mmap_threshold0", 262144);
	expect_key(out, "p1_is_mmapped", 1);
	expect_key(out, "p2_is_mmapped", 1);
	expect_key(out, "brk_after_malloc2", 0);
	expect_key(out, "brk_after_free2", 0);
	expect_key(out, "mmap_threshold2", 262144);
	expect_key(out, "trim_threshold2", 131072);
	free(out);
}

Test(tunables, mmap_threshold_reproduces_e_4_3_2_test2)
{
	expect_threshold_test2("MALLOC_MMAP_THRESHOLD_=262144");
	expect_threshold_test2("MALLOC_MMAP_THRESHOLD_=0x40000");
	expect_threshold_test2("GLIBC_TUNABLES=glibc.malloc.mmap_threshold="
			       "01000000");
}

/* E-4.3.1 test2's figures from MALLOC_MMAP_MAX_ / mmap_max. */
static void expect_mmap_max_test2(const char *e)
{
	char *out = run_env("exp_mmap_max", "test1", ENV(e), false);

	expect_key(out, "is_mmapped", 0);
	expect_key(out, "brk_after_malloc", 0x121000);
	expect_key(out, "brk_after_free", 0x21000);
	free(out);
}

Test(tunables, mmap_max_reproduces_e_4_3_1_test2)
{
	expect_mmap_max_test2("MALLOC_MMAP_MAX_=0");
	expect_mmap_max_test2("GLIBC_TUNABLES=glibc.malloc.mmap_max=0");
}

/* E-4.3.3 test2's "after free" row from glibc.malloc.mxfast=0. */
Test(tunables, mxfast_reproduces_e_4_3_3_test2)
{
	char *out = run_env("exp_mallinfo", "mxfast_test1",
			    ENV("GLIBC_TUNABLES=glibc.malloc.mxfast=0"), false);

	expect_key(out, "f_arena", 135168);
	expect_key(out, "f_ordblks", 1);
	expect_key(out, "f_smblks", 0);
	expect_key(out, "f_fsmblks", 0);
	expect_key(out, "f_uordblks", 0);
	expect_key(out, "f_fordblks", 135168);
	expect_key(out, "f_keepcost", 135168);
	free(out);
	out = run_env("tun_probe", "fastbins",
		      ENV("GLIBC_TUNABLES=glibc.malloc.mxfast=0"), false);
	expect_key(out, "smblks", 0);
	expect_key(out, "ordblks", 2);
	free(out);
	out = run_env("tun_probe", "fastbins", NO_ENV, false);
	expect_key(out, "smblks", 1);
	expect_key(out, "fsmblks", 32);
	free(out);
}

/* MALLOC_PERTURB_: new blocks read b ^ 0xff, freed ones b, calloc 0. */
static void expect_perturbed(const char *e)
{
	char *out = run_env("tun_probe", "perturb", ENV(e), false);

	expect_key(out, "new_byte", 0xaa);
	expect_key(out, "new_last_byte", 0xaa);
	expect_key(out, "calloc_byte", 0);
	expect_key(out, "freed_byte", 0x55);
	free(out);
}

Test(tunables, perturb_fills_blocks)
{
	expect_perturbed("MALLOC_PERTURB_=0x55");
	expect_perturbed("GLIBC_TUNABLES=glibc.malloc.perturb=85");
}

/* MALLOC_ARENA_MAX=1: a second thread shares the main arena. */
Test(tunables, arena_max_one_keeps_threads_on_main)
{
	char *out = run_env("tun_probe", "arena", NO_ENV, false);

	expect_key(out, "thread_non_main_bit", 4);
	free(out);
	out = run_env("tun_probe", "arena", ENV("MALLOC_ARENA_MAX=1"), false);
	expect_key(out, "thread_non_main_bit", 0);
	free(out);
	out = run_env("tun_probe", "arena",
		      ENV("GLIBC_TUNABLES=glibc.malloc.arena_max=1"), false);
	expect_key(out, "thread_non_main_bit", 0);
	free(out);
}

/*
 * glibc's tst-malloc-usable-tunables: with glibc.malloc.check=3 the
 * checking layer is on and malloc_usable_size(malloc(7)) is exactly 7.
 */
Test(tunables, check_installs_checking_layer)
{
	char *out = run_env("tun_probe", "usable",
			    ENV("GLIBC_TUNABLES=glibc.malloc.check=3"), false);

	expect_key(out, "usable_7", 7);
	expect_key(out, "usable_null", 0);
	expect_key(out, "check_action", 3);
	free(out);
	out = run_env("tun_probe", "usable", NO_ENV, false);
	expect_key(out, "usable_7", 24);
	free(out);
}
