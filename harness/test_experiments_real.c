// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The experiments of docs/experiments.md, run as separate programs
 * (harness/programs/exp_*.c) so that the real-break ones own their
 * process's program break, and, for E-4.3.x, under the real strace.
 *
 * Two kinds of tests per experiment:
 *   experiment_X_Y/program_figures  every row of exp_figures.h for that
 *		experiment (the same rows `make experiments` prints), each
 *		asserted exactly (or as the documents bound it: ">= 125000
 *		pages", "within 100 pages"), plus each run's preconditions;
 *   experiment_4_3_N/..._strace  the program under strace -f -e
 *		trace=brk,mmap,munmap,mremap,mprotect,madvise,write: the
 *		calls between the program's "ptm-begin" and "ptm-end" marker
 *		writes are exactly the expected lines (addresses from the
 *		program's own report), and byte-identical to the allocator's
 *		own trace (ptm_debug_trace_syscalls) of the run.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>

#include "programs/exp_figures.h"
#include "programs/exp_run.h"

#define NFIGURES (sizeof(exp_figures) / sizeof(exp_figures[0]))

/* The runs already made by this test process (one per command). */
static struct {
	const char *cmd;
	struct exp_result res;
} cache[64];

static size_t ncache;

/* The result of @cmd ("[strace ]exp_NAME MODE"), run once per test. */
static struct exp_result *run_cached(const char *cmd)
{
	static const char prefix[] = "strace ";
	bool use_strace = strncmp(cmd, prefix, sizeof(prefix) - 1) == 0;

	for (size_t i = 0; i < ncache; i++)
		if (strcmp(cache[i].cmd, cmd) == 0)
			return &cache[i].res;
	cr_assert(lt(sz, ncache, sizeof(cache) / sizeof(cache[0])));
	cache[ncache].cmd = cmd;
	exp_run(use_strace ? cmd + sizeof(prefix) - 1 : cmd, use_strace,
		&cache[ncache].res);
	if (use_strace)
		exp_strace_summary(&cache[ncache].res);
	return &cache[ncache++].res;
}

/* A run must exit 0 on an untouched break without using glibc's heap. */
static void check_preconditions(const char *cmd, struct exp_result *r)
{
	long long used = -1, glibc = -1, simulated = -1, known = -1;

	cr_assert(eq(int, r->ok, 1), "%s did not exit 0 (status %#x)", cmd,
		  r->status);
	cr_expect(eq(int, exp_key(r->out, "startup_brk_known", &known), 1));
	cr_expect(eq(i64, known, 1), "%s: no start_brk in /proc", cmd);
	cr_expect(eq(int, exp_key(r->out, "startup_brk_used", &used), 1));
	cr_expect(eq(i64, used, 0), "%s: break moved before main()", cmd);
	cr_expect(eq(int, exp_key(r->out, "simulated", &simulated), 1));
	cr_expect(eq(int, exp_key(r->out, "glibc_arena", &glibc), 1));
	if (simulated == 0)
		cr_expect(eq(i64, glibc, 0), "%s: glibc's malloc ran", cmd);
}

/* Assert one row of the figure table against its run's output. */
static void check_figure(const struct exp_figure *f)
{
	struct exp_result *r = run_cached(f->run);
	long long v = 0;

	check_preconditions(f->run, r);
	cr_expect(eq(int, exp_key(r->out, f->key, &v), 1),
		  "%s %s: no key %s in the output of %s", f->id, f->measure,
		  f->key, f->run);
	switch (f->cmp) {
	case EXP_GE:
		cr_expect(ge(i64, v, f->want), "%s %s (%s)", f->id, f->measure,
			  f->run);
		break;
	case EXP_ABS_LE:
		cr_expect(le(i64, llabs(v), f->want), "%s %s (%s)", f->id,
			  f->measure, f->run);
		break;
	default:
		cr_expect(eq(i64, v, f->want), "%s %s (%s)", f->id, f->measure,
			  f->run);
		break;
	}
}

/* Assert every row of experiment @id; there must be at least one. */
static void check_experiment(const char *id)
{
	int rows = 0;

	for (size_t i = 0; i < NFIGURES; i++) {
		if (strcmp(exp_figures[i].id, id) != 0)
			continue;
		check_figure(&exp_figures[i]);
		rows++;
	}
	cr_assert(gt(int, rows, 0), "no figures for %s", id);
}

Test(experiment_2_3, program_figures)
{
	check_experiment("E-2.3");
}

Test(experiment_3_3, program_figures)
{
	check_experiment("E-3.3");
}

Test(experiment_3_4, program_figures)
{
	check_experiment("E-3.4");
}

Test(experiment_3_5, program_figures)
{
	check_experiment("E-3.5");
}

Test(experiment_3_6, program_figures)
{
	check_experiment("E-3.6");
}

Test(experiment_3_7, program_figures)
{
	check_experiment("E-3.7");
}

Test(experiment_4_3_1, program_figures)
{
	check_experiment("E-4.3.1");
}

Test(experiment_4_3_2, program_figures)
{
	check_experiment("E-4.3.2");
}

Test(experiment_4_3_3, program_figures)
{
	check_experiment("E-4.3.3");
}

Test(experiment_4_3_4, program_figures)
{
	check_experiment("E-4.3.4");
}

Test(experiment_4_3_5, program_figures)
{
	check_experiment("E-4.3.5");
}

Test(experiment_5_1, program_figures)
{
	check_experiment("E-5.1");
}

Test(experiment_5_2, program_figures)
{
	check_experiment("E-5.2");
}

Test(experiment_5_3, program_figures)
{
	check_experiment("E-5.3");
}

Test(experiment_6_1, program_figures)
{
	check_experiment("E-6.1");
}

Test(experiment_6_3, program_figures)
{
	check_experiment("E-6.3");
}

/* ---- the strace checks ------------------------------------------------ */

/* The text of address key @key of @r's output ("0x..."), asserted. */
static const char *addr_of(struct exp_result *r, const char *key)
{
	static char buf[4][32];
	static int next;
	const char *t = exp_key_text(r->out, key);
	char *b = buf[next++ % 4];
	size_t n;

	cr_assert(ne(ptr, (void *)t, NULL), "no %s in the output", key);
	n = strcspn(t, "\n");
	cr_assert(lt(sz, n, sizeof(buf[0])));
	memcpy(b, t, n);
	b[n] = '\0';
	return b;
}

/* Append to @buf the strace line of brk(brk_start + @delta) succeeding. */
static void add_brk(char *buf, size_t cap, struct exp_result *r,
		    unsigned long delta)
{
	unsigned long b = strtoul(addr_of(r, "brk_start"), NULL, 16) + delta;
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "brk(%#lx) = %#lx\n", b, b);
}

/* Append the mmap of 1052672 bytes returning the address of @key. */
static void add_mmap_1m(char *buf, size_t cap, struct exp_result *r,
			const char *key)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len,
		 "mmap(NULL, 1052672, PROT_READ|PROT_WRITE, "
		 "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = %s\n",
		 addr_of(r, key));
}

/* Append the munmap of that mapping, returning 0. */
static void add_munmap_1m(char *buf, size_t cap, struct exp_result *r,
			  const char *key)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "munmap(%s, 1052672) = 0\n",
		 addr_of(r, key));
}

/*
 * Run "exp_NAME MODE" under strace and check the window: the exact
 * @expected lines, and the allocator's trace identical to them.
 */
static void check_window(struct exp_result *r, const char *cmd,
			 const char *expected)
{
	cr_assert(ne(ptr, r->window, NULL), "%s: no ptm-begin/ptm-end", cmd);
	cr_assert(ne(ptr, r->trace, NULL), "%s: no allocator trace", cmd);
	cr_expect(eq(str, r->window, (char *)expected), "%s: strace", cmd);
	cr_expect(eq(str, r->trace, r->window),
		  "%s: the allocator's trace differs from strace", cmd);
}

/* The run of @cmd under strace, its preconditions asserted. */
static struct exp_result *strace_run(const char *cmd)
{
	char full[128];
	struct exp_result *r;

	snprintf(full, sizeof(full), "strace %s", cmd);
	/* The cache keeps the pointer: use the figure table's strings. */
	for (size_t i = 0; i < NFIGURES; i++) {
		if (strcmp(exp_figures[i].run, full) == 0) {
			r = run_cached(exp_figures[i].run);
			check_preconditions(full, r);
			return r;
		}
	}
	cr_fatal("no strace run %s in the figure table", cmd);
	return NULL;
}

Test(experiment_4_3_1, mmap_max_strace)
{
	char want[1024] = "";
	struct exp_result *r = strace_run("exp_mmap_max test1");

	add_mmap_1m(want, sizeof(want), r, "mmap_addr");
	add_munmap_1m(want, sizeof(want), r, "mmap_addr");
	check_window(r, "exp_mmap_max test1", want);

	want[0] = '\0';
	r = strace_run("exp_mmap_max test2");
	add_brk(want, sizeof(want), r, 0x121000);
	add_brk(want, sizeof(want), r, 0x21000);
	check_window(r, "exp_mmap_max test2", want);
}

Test(experiment_4_3_2, mmap_threshold_strace)
{
	char want[1024] = "";
	struct exp_result *r = strace_run("exp_mmap_threshold test1");

	add_mmap_1m(want, sizeof(want), r, "p1_mmap_addr");
	add_munmap_1m(want, sizeof(want), r, "p1_mmap_addr");
	add_brk(want, sizeof(want), r, 0x121000);
	check_window(r, "exp_mmap_threshold test1", want);

	want[0] = '\0';
	r = strace_run("exp_mmap_threshold test2");
	add_mmap_1m(want, sizeof(want), r, "p1_mmap_addr");
	add_munmap_1m(want, sizeof(want), r, "p1_mmap_addr");
	add_mmap_1m(want, sizeof(want), r, "p2_mmap_addr");
	add_munmap_1m(want, sizeof(want), r, "p2_mmap_addr");
	check_window(r, "exp_mmap_threshold test2", want);
}

Test(experiment_4_3_4, top_pad_strace)
{
	static const unsigned long test1[] = { 0x3a000, 0x6c000, 0x9e000,
					       0x21000 };
	char want[1024] = "";
	struct exp_result *r = strace_run("exp_top_pad test1");

	for (size_t i = 0; i < sizeof(test1) / sizeof(test1[0]); i++)
		add_brk(want, sizeof(want), r, test1[i]);
	check_window(r, "exp_top_pad test1", want);

	want[0] = '\0';
	r = strace_run("exp_top_pad test2");
	add_brk(want, sizeof(want), r, 0x7e000);
	add_brk(want, sizeof(want), r, 0x65000);
	check_window(r, "exp_top_pad test2", want);
}

Test(experiment_4_3_5, trim_threshold_strace)
{
	char want[1024] = "";
	struct exp_result *r = strace_run("exp_top_pad trim800");

	add_brk(want, sizeof(want), r, 0x3a000);
	add_brk(want, sizeof(want), r, 0x6c000);
	add_brk(want, sizeof(want), r, 0x9e000);
	check_window(r, "exp_top_pad trim800", want);
}
