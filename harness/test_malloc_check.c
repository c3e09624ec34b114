// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MALLOC_CHECK_ and M_CHECK_ACTION (glibc 2.17): E-6.2 as written, and
 * the checking layer of malloc/malloc_check.c.
 *
 *	malloc_check/e62_*	the documents' program (check_double_free)
 *		under MALLOC_CHECK_=0,1,2,3,5,7 and without it: stdout,
 *		the exact stderr (pointer included, passed back on
 *		descriptor 3), the backtrace and memory-map sections, and
 *		how it ended
 *	malloc_check/dropin_*	the same report through LD_PRELOAD of the
 *		drop-in library, where backtrace()'s loading of libgcc_s
 *		calls this malloc back while an arena lock is held
 *	malloc_check/layout_*, usable_*, ...	the magic byte and its
 *		chain, malloc_usable_size, the checked entry points
 *	malloc_check/env_*	MALLOC_CHECK_ read at initialisation
 *	malloc_check/<error>	death tests of the layer's reports
 *	experiment_6_2/program_figures	the E-6.2 rows of `make experiments`
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "death.h"
#include "programs/exp_figures.h"
#include "programs/exp_run.h"
#include "programs/time_limit.h"

#define DOUBLE_FREE_PROG PTM_PROGRAMS_DIR "/check_double_free"
#define INVALID "free(): invalid pointer"

/* ---- E-6.2: the documents' program --------------------------------------- */

/**
 * struct prog_run - one run of a program.
 * @status: its wait status.
 * @out: its standard output.
 * @err: its standard error.
 * @ptr: what it wrote on descriptor 3 (check_double_free: p), or 0.
 */
struct prog_run {
	int status;
	char out[4096];
	char err[65536];
	uintptr_t ptr;
};

/*
 * Run @prog with arguments @a1, @a2 (either may be NULL) and the
 * environment @env; @r gets what it left.  An alarm ends a program that
 * hangs.
 */
static void run_prog(const char *prog, const char *a1, const char *a2,
		     char *const env[], struct prog_run *r)
{
	char *argv[] = { (char *)prog, (char *)a1, (char *)a2, NULL };
	int out[2], err[2], note[2];
	char hex[32] = "";
	pid_t pid;

	if (a1 == NULL)
		argv[1] = NULL;
	memset(r, 0, sizeof(*r));
	cr_assert(eq(int, pipe(out) | pipe(err) | pipe(note), 0));
	pid = fork();
	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		dup2(note[1], 3);
		alarm(ptm_time_limit(120));
		execve(prog, argv, env);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	close(note[1]);
	fd_read_all(err[0], r->err, sizeof(r->err));
	fd_read_all(out[0], r->out, sizeof(r->out));
	fd_read_all(note[0], hex, sizeof(hex));
	r->ptr = (uintptr_t)strtoull(hex, NULL, 16);
	close(out[0]);
	close(err[0]);
	close(note[0]);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
}

/* check_double_free @kind [@action] under MALLOC_CHECK_=@check. */
static void run_double_free(const char *check, const char *kind,
			    const char *action, struct prog_run *r)
{
	char var[64];
	char *env[] = { "LC_ALL=C", var, NULL };

	if (check == NULL)
		env[1] = NULL;
	else
		snprintf(var, sizeof(var), "MALLOC_CHECK_=%s", check);
	run_prog(DOUBLE_FREE_PROG, kind, action, env, r);
	cr_assert(ne(u64, r->ptr, 0), "no pointer from the program: %s",
		  r->err);
}

/* Assert the run ended as @sig says (0: exit status 0). */
static void expect_end(const struct prog_run *r, int sig)
{
	if (sig == 0) {
		cr_assert(ne(int, WIFEXITED(r->status), 0), "status %#x",
			  r->status);
		cr_assert(eq(int, WEXITSTATUS(r->status), 0));
	} else {
		cr_assert(ne(int, WIFSIGNALED(r->status), 0), "status %#x",
			  r->status);
		cr_assert(eq(int, WTERMSIG(r->status), sig));
	}
}

/*
 * Assert the backtrace and memory-map sections at @rest, as glibc 2.17
 * printed them for the program @prog: frames in the program and in
 * libc.so.6, and a map that shows the program and covers @ptr.
 */
static void expect_context(const char *rest, const char *prog, uintptr_t ptr)
{
	const char *maps = strstr(rest, "======= Memory map: ========\n");
	char frame[512];

	cr_assert(eq(ptr, (void *)report_context_end(rest, 3),
		     (void *)(rest + strlen(rest))),
		  "bad sections: %s", rest);
	snprintf(frame, sizeof(frame), "\n%s(+0x", prog);
	cr_assert(ne(ptr, strstr(rest, frame), NULL), "no frame in %s", prog);
	cr_assert(ne(ptr, strstr(rest, "libc.so.6("), NULL));
	cr_assert(lt(ptr, (void *)strstr(rest, "libc.so.6("), (void *)maps));
	cr_assert(ne(ptr, strstr(maps, prog), NULL));
	cr_assert(maps_cover(maps + 29, ptr), "map misses %#lx",
		  (unsigned long)ptr);
}

/* The long report line of check_double_free for @msg at @ptr. */
static const char *long_line(const char *msg, uintptr_t ptr)
{
	static char line[512];

	report_long(line, sizeof(line), DOUBLE_FREE_PROG, msg, ptr);
	return line;
}

Test(malloc_check, e62_check_0_reports_nothing)
{
	struct prog_run r;

	run_double_free("0", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err, ""));
	expect_end(&r, 0);
}

Test(malloc_check, e62_check_1_long_line_continues)
{
	struct prog_run r;

	run_double_free("1", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err, (char *)long_line(INVALID, r.ptr)));
	expect_end(&r, 0);
}

Test(malloc_check, e62_check_2_silent_abort)
{
	struct prog_run r;

	run_double_free("2", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\n"));
	cr_assert(eq(str, r.err, ""));
	expect_end(&r, SIGABRT);
}

/* Assert a long line of @msg then both sections, and SIGABRT. */
static void expect_full_report(const struct prog_run *r, const char *msg)
{
	const char *line = long_line(msg, r->ptr);

	cr_assert(eq(str, (char *)r->out, "first\n"));
	cr_assert(eq(int, strncmp(r->err, line, strlen(line)), 0),
		  "expected %s, got %s", line, r->err);
	expect_context(r->err + strlen(line), DOUBLE_FREE_PROG, r->ptr);
	expect_end(r, SIGABRT);
}

Test(malloc_check, e62_check_3_backtrace_and_memory_map)
{
	struct prog_run r;

	run_double_free("3", NULL, NULL, &r);
	expect_full_report(&r, INVALID);
}

Test(malloc_check, e62_check_5_short_line_continues)
{
	struct prog_run r;

	run_double_free("5", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err, INVALID "\n"));
	expect_end(&r, 0);
}

Test(malloc_check, e62_check_7_short_line_then_sections)
{
	struct prog_run r;

	run_double_free("7", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\n"));
	cr_assert(eq(int, strncmp(r.err, INVALID "\n", sizeof(INVALID)), 0),
		  "got %s", r.err);
	expect_context(r.err + sizeof(INVALID), DOUBLE_FREE_PROG, r.ptr);
	expect_end(&r, SIGABRT);
}

Test(malloc_check, e62_first_character_only)
{
	struct prog_run r;

	run_double_free("10", NULL, NULL, &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err, (char *)long_line(INVALID, r.ptr)));
	expect_end(&r, 0);
}

Test(malloc_check, e62_unset_top)
{
	struct prog_run r;

	run_double_free(NULL, "top", NULL, &r);
	expect_full_report(&r, "double free or corruption (top)");
}

Test(malloc_check, e62_empty_is_unset)
{
	struct prog_run r;

	run_double_free("", "top", NULL, &r);
	expect_full_report(&r, "double free or corruption (top)");
}

Test(malloc_check, e62_unset_prev)
{
	struct prog_run r;

	run_double_free(NULL, "prev", NULL, &r);
	expect_full_report(&r, "double free or corruption (!prev)");
}

Test(malloc_check, e62_unset_fasttop)
{
	struct prog_run r;

	run_double_free(NULL, "fasttop", NULL, &r);
	expect_full_report(&r, "double free or corruption (fasttop)");
}

Test(malloc_check, e62_mallopt_check_action_1)
{
	struct prog_run r;

	run_double_free(NULL, "top", "1", &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err,
		     (char *)long_line("double free or corruption (top)",
				       r.ptr)));
	expect_end(&r, 0);
}

/* mallopt after MALLOC_CHECK_: the action changes, the hooks stay. */
Test(malloc_check, e62_mallopt_overrides_environment)
{
	struct prog_run r;

	run_double_free("3", "top", "5", &r);
	cr_assert(eq(str, r.out, "first\nsecond\n"));
	cr_assert(eq(str, r.err, INVALID "\n"));
	expect_end(&r, 0);
}

/* ---- the drop-in: no deadlock in the report ------------------------------ */

Test(malloc_check, dropin_report_does_not_deadlock)
{
	static const char prog[] = PTM_PROGRAMS_DIR "/check_dropin";
	char preload[512];
	char *env[] = { "LC_ALL=C", preload, NULL };
	const char *msg = "double free or corruption (!prev)";
	struct prog_run r;
	char head[512];
	const char *rest;
	size_t n;

	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s/../../libptmalloc.so",
		 PTM_PROGRAMS_DIR);
	run_prog(prog, NULL, NULL, env, &r);
	expect_end(&r, SIGABRT);
	n = (size_t)snprintf(head, sizeof(head), "*** Error in `%s': %s: 0x",
			     prog, msg);
	cr_assert(eq(int, strncmp(r.err, head, n), 0), "got %s", r.err);
	rest = report_long_end(r.err, prog, msg);
	cr_assert(ne(ptr, (void *)rest, NULL));
	cr_assert(ne(ptr, (void *)report_context_end(rest, 3), NULL),
		  "bad sections: %s", rest);
	/*
	 * A frame of the library: free() jumps to its internal functions
	 * (tail calls), which have no dynamic symbol, as glibc's own
	 * backtraces show "libc.so.6(+0x...)" for _int_free.
	 */
	cr_assert(ne(ptr, strstr(rest, "/libptmalloc.so(+0x"), NULL));
	cr_assert(ne(ptr, strstr(rest, "libgcc_s.so.1"), NULL));
}

/* ---- the magic byte and malloc_usable_size -------------------------------- */

Test(malloc_check, layout_magic_byte_and_chain)
{
	unsigned char *p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	ptm_malloc_check_init();
	/* 8 bytes asked of a 32-byte chunk: 16 to the magic at 7. */
	p = ptm_malloc(7);
	cr_assert(eq(u8, p[7], magic_of(p)));
	cr_assert(eq(u8, p[23], 16));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 7));
	/* 1001 of a 1024-byte chunk: 15 back from byte 1015. */
	p = ptm_malloc(1000);
	cr_assert(eq(u8, p[1000], magic_of(p)));
	cr_assert(eq(u8, p[1015], 15));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 1000));
	/* A 200704-byte mapping: 0xff, 0xff, 177 back to the magic. */
	p = ptm_malloc(200000);
	cr_assert(eq(sz, ((size_t *)p)[-1], 200704 | 2));
	cr_assert(eq(u8, p[200687], 0xff));
	cr_assert(eq(u8, p[200432], 0xff));
	cr_assert(eq(u8, p[200177], 177));
	cr_assert(eq(u8, p[200000], magic_of(p)));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 200000));
	ptm_free(p);
}

Test(malloc_check, usable_size_is_the_request)
{
	unsigned char *p, *q;
	void *m = NULL;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	ptm_malloc_check_init();
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(0)), 0));
	p = ptm_calloc(3, 5);
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 15));
	for (int i = 0; i < 15; i++)
		cr_assert(eq(u8, p[i], 0));
	p = ptm_memalign(64, 100);
	cr_assert(eq(u64, (uintptr_t)p % 64, 0));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 100));
	cr_assert(eq(int, ptm_posix_memalign(&m, 256, 33), 0));
	cr_assert(eq(u64, (uintptr_t)m % 256, 0));
	cr_assert(eq(sz, ptm_malloc_usable_size(m), 33));
	p = ptm_valloc(10);
	cr_assert(eq(u64, (uintptr_t)p % 4096, 0));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 10));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_pvalloc(10)), 4096));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_aligned_alloc(32, 5)), 5));
	/* A 48-byte alignment is raised to 64, as 2.17 did. */
	cr_assert(eq(u64, (uintptr_t)ptm_memalign(48, 8) % 64, 0));
	q = ptm_malloc(10);
	memcpy(q, "0123456789", 10);
	q = ptm_realloc(q, 3000);
	cr_assert(eq(sz, ptm_malloc_usable_size(q), 3000));
	cr_assert(eq(int, memcmp(q, "0123456789", 10), 0));
	q = ptm_realloc(q, 4);
	cr_assert(eq(sz, ptm_malloc_usable_size(q), 4));
	cr_assert(eq(int, memcmp(q, "0123", 4), 0));
	cr_assert(eq(u8, q[4], magic_of(q)));
	ptm_free(q);
}

Test(malloc_check, realloc_of_a_mapped_block)
{
	unsigned char *p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	ptm_malloc_check_init();
	p = ptm_malloc(200000);
	memset(p, 0x5a, 200000);
	p = ptm_realloc(p, 400000);
	cr_assert(eq(sz, ((size_t *)p)[-1] & 2, 2));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 400000));
	cr_assert(eq(u8, p[0], 0x5a));
	cr_assert(eq(u8, p[199999], 0x5a));
	cr_assert(eq(u8, p[400000], magic_of(p)));
	p = ptm_realloc(p, 300000);
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 300000));
	ptm_free(p);
}

/* The mappings that bring the process to its limit (below). */
static void *fillers[65536];

/*
 * The child of free_of_a_mapped_block_keeps_errno: the block's pages
 * become the middle of a larger mapping, the process is brought to its
 * limit of mappings, and then unmapping them, which splits that mapping
 * in two, fails with ENOMEM.  Exits with 0, or with the number of the
 * check that failed.  It leaves with _exit(), touching nothing that
 * could need a mapping of its own.
 */
static __attribute__((noreturn)) void free_at_map_limit(void)
{
	size_t page = (size_t)getpagesize(), big = 0x1000000, n = 0;
	char *p, *base, first[4096], last[4096];
	FILE *file = tmpfile();
	int err;

	if (file == NULL || page != sizeof(first))
		_exit(1);
	ptm_malloc_check_init();
	p = ptm_malloc(big - 0x100);
	base = (char *)((uintptr_t)p & ~(page - 1));
	memcpy(first, base, page);
	memcpy(last, base + big - page, page);
	if (mmap(base - page, big + 2 * page, PROT_READ | PROT_WRITE,
		 MAP_ANONYMOUS | MAP_PRIVATE | MAP_FIXED, -1, 0) == MAP_FAILED)
		_exit(2);
	memcpy(base, first, page);
	memcpy(base + big - page, last, page);
	while (n < sizeof(fillers) / sizeof(fillers[0])) {
		fillers[n] = mmap(NULL, page, PROT_READ, MAP_PRIVATE,
				  fileno(file), 0);
		if (fillers[n] == MAP_FAILED)
			break;
		n++;
	}
	errno = ERANGE;
	ptm_free(p);
	err = errno;
	/* The munmap failed: the block's first page is still mapped. */
	if (err != ERANGE)
		_exit(3);
	if (msync(base, page, MS_ASYNC) != 0)
		_exit(4);
	_exit(0);
}

/*
 * free() of a mapped block under MALLOC_CHECK_ keeps errno when munmap
 * fails, as glibc 2.33's free_check does (glibc's tst-free-errno, in its
 * malloc-check variant).  The process that reaches its limit of
 * mappings is a child: the test's own process must keep room to report
 * to the runner.  Exit 3 would mean errno was lost, 4 that the block was
 * unmapped after all.
 */
Test(malloc_check, free_of_a_mapped_block_keeps_errno)
{
	int status;
	pid_t pid = fork();

	cr_assert(ne(int, pid, -1));
	if (pid == 0)
		free_at_map_limit();
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	cr_assert(eq(int, status, 0),
		  "the child's status is %#x (exit 3: errno lost, 4: unmapped)",
		  status);
}

Test(malloc_check, realloc_null_and_zero)
{
	void *p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	ptm_malloc_check_init();
	ptm_free(NULL);
	p = ptm_realloc(NULL, 10);
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 10));
	cr_assert(eq(ptr, ptm_realloc(p, 0), NULL));
	/* realloc(p, 0) freed p: the next request gets it back. */
	cr_assert(eq(ptr, ptm_malloc(10), p));
}

/* The main arena serves every checked allocation, whatever the thread. */
static void *thread_block(void *arg)
{
	(void)arg;
	return ptm_malloc(100);
}

Test(malloc_check, threads_use_the_main_arena)
{
	pthread_t t;
	void *p = NULL;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	ptm_malloc_check_init();
	cr_assert(eq(int, pthread_create(&t, NULL, thread_block, NULL), 0));
	cr_assert(eq(int, pthread_join(t, &p), 0));
	cr_assert(eq(sz, ((size_t *)p)[-1] & 4, 0), "NON_MAIN_ARENA set");
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 100));
	ptm_free(p);
}

/* ---- MALLOC_CHECK_ from the environment ---------------------------------- */

/* Set MALLOC_CHECK_ to @v before the allocator initialises. */
static void env_case(const char *v, size_t action, size_t usable7)
{
	cr_assert(eq(int, setenv("MALLOC_CHECK_", v, 1), 0));
	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(7)), usable7));
	cr_assert(eq(sz, ptm_debug_param(M_CHECK_ACTION), action));
}

Test(malloc_check, env_5_installs_the_hooks)
{
	env_case("5", 5, 7);
}

Test(malloc_check, env_0_turns_reports_off_without_hooks)
{
	env_case("0", 0, 24);
}

Test(malloc_check, env_first_character)
{
	env_case("10", 1, 7);
}

Test(malloc_check, env_letter_is_a_large_action)
{
	env_case("a", 'a' - '0', 7);
}

Test(malloc_check, env_empty_is_ignored)
{
	env_case("", 3, 24);
}

Test(malloc_check, mallopt_alone_installs_no_hooks)
{
	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	cr_assert(eq(int, ptm_mallopt(M_CHECK_ACTION, 1), 1));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(7)), 24));
}

/* ---- the layer's reports ---------------------------------------------------- */

/* In the child: a fresh heap with checking on and @action. */
static void checked_setup(int action)
{
	death_setup(action);
	ptm_malloc_check_init();
}

static void checked_double_free(int action)
{
	void *p;

	checked_setup(action);
	p = ptm_malloc(1000);
	death_note((uintptr_t)p);
	ptm_free(p);
	ptm_free(p);
}

Test(malloc_check, double_free_is_an_invalid_pointer)
{
	struct death d;

	death_run(checked_double_free, 3, &d);
	expect_report(&d, 3, INVALID, d.notes[0]);
}

static void checked_overrun(int action)
{
	char *p;

	checked_setup(action);
	p = ptm_malloc(10);
	memset(p, 'x', 10);
	p[10] = (char)(magic_of(p) + 1); /* one byte too many */
	death_note((uintptr_t)p);
	ptm_free(p);
}

Test(malloc_check, one_byte_overrun_action1)
{
	struct death d;

	death_run(checked_overrun, 1, &d);
	expect_report(&d, 1, INVALID, d.notes[0]);
}

static void checked_mapped_overrun(int action)
{
	unsigned char *p;

	checked_setup(action);
	p = ptm_malloc(200000);
	/* Data that can never read as the magic byte. */
	memset(p, magic_of(p) ^ 0x80, 200000);
	p[200000] ^= 0xff; /* the magic byte of a mapped block */
	death_note((uintptr_t)p);
	ptm_free(p);
}

static void checked_foreign_block(int action)
{
	void *p;

	death_setup(action);
	/* A chunk whose magic is not the 0 of the byte after it. */
	do
		p = ptm_malloc(100);
	while (magic_of(p) == 0);
	ptm_malloc_check_init();
	death_note((uintptr_t)p);
	ptm_free(p);
}

Test(malloc_check, block_from_before_checking_action5)
{
	struct death d;

	death_run(checked_foreign_block, 5, &d);
	expect_report(&d, 5, INVALID, d.notes[0]);
}

static void checked_realloc_freed(int action)
{
	void *p, *q;

	checked_setup(action);
	p = ptm_malloc(200);
	memset(p, 'a', 200);
	ptm_free(p); /* into top: outside the heap's chunks now */
	death_note((uintptr_t)p);
	q = ptm_realloc(p, 20);
	death_note((uintptr_t)q);
	death_note(ptm_malloc_usable_size(q));
}

Test(malloc_check, realloc_invalid_pointer_returns_a_new_block)
{
	struct death d;

	death_run(checked_realloc_freed, 1, &d);
	expect_report(&d, 1, "realloc(): invalid pointer", d.notes[0]);
	cr_assert(eq(int, d.nnotes, 3));
	cr_assert(ne(u64, d.notes[1], 0));
	cr_assert(eq(u64, d.notes[2], 20));
}

static void checked_get_size(int action)
{
	unsigned char *p;

	checked_setup(action);
	do
		p = ptm_malloc(10);
	while (magic_of(p) == 0);
	p[23] = 0; /* the chain byte that leads to the magic */
	death_note((uintptr_t)p);
	death_note(ptm_malloc_usable_size(p));
}

Test(malloc_check, usable_size_of_a_broken_chain_action5)
{
	struct death d;

	death_run(checked_get_size, 5, &d);
	expect_report(&d, 5, "malloc_check_get_size: memory corruption",
		      d.notes[0]);
	cr_assert(eq(int, d.nnotes, 2));
	cr_assert(eq(u64, d.notes[1], 0));
}

/* Corrupt top behind a 100-byte block (a 112-byte chunk), then malloc. */
static void checked_top(int action)
{
	char *p, *q;
	char *brk;

	checked_setup(action);
	p = ptm_malloc(100);
	((size_t *)(p + 112))[-1] = 0x21;
	brk = ptm_debug_brk();
	death_note((uintptr_t)(p + 96));
	q = ptm_malloc(50);
	death_note((uintptr_t)brk);
	death_note((uintptr_t)q);
	death_note((uintptr_t)ptm_debug_brk());
	death_note(ptm_mallinfo2().arena);
}

Test(malloc_check, top_chunk_is_corrupt)
{
	struct death d;

	death_run(checked_top, 3, &d);
	expect_report(&d, 3, "malloc: top chunk is corrupt", d.notes[0]);
}

/*
 * 2.17 repairs: a fresh top at the break, front_misalign + top_pad +
 * MINSIZE rounded up to a page, plus a whole page since the end was
 * already aligned: 135168 bytes; the old top is abandoned.
 */
Test(malloc_check, top_chunk_repaired_action1)
{
	struct death d;

	death_run(checked_top, 1, &d);
	expect_report(&d, 1, "malloc: top chunk is corrupt", d.notes[0]);
	cr_assert(eq(int, d.nnotes, 5));
	cr_assert(eq(u64, d.notes[2], d.notes[1] + 16));
	cr_assert(eq(u64, d.notes[3], d.notes[1] + 135168));
	cr_assert(eq(u64, d.notes[4], 2 * 135168));
}

Test(malloc_check, mapped_overrun_action7)
{
	struct death d;

	death_run(checked_mapped_overrun, 7, &d);
	expect_report(&d, 7, INVALID, d.notes[0]);
}

/* ---- E-6.2 in the experiments table ----------------------------------------- */

Test(experiment_6_2, program_figures)
{
	static struct {
		const char *cmd;
		struct exp_result res;
	} runs[16];

	size_t nruns = 0;
	int rows = 0;

	for (size_t i = 0; i < sizeof(exp_figures) / sizeof(*exp_figures);
	     i++) {
		const struct exp_figure *f = &exp_figures[i];
		struct exp_result *r = NULL;
		long long v = 0, glibc = -1;

		if (strcmp(f->id, "E-6.2") != 0)
			continue;
		for (size_t j = 0; j < nruns && r == NULL; j++)
			if (strcmp(runs[j].cmd, f->run) == 0)
				r = &runs[j].res;
		if (r == NULL) {
			cr_assert(lt(sz, nruns, 16));
			runs[nruns].cmd = f->run;
			r = &runs[nruns++].res;
			exp_run(f->run, false, r);
		}
		cr_assert(eq(int, r->ok, 1), "%s: status %#x", f->run,
			  r->status);
		cr_assert(eq(int, exp_key(r->out, "glibc_arena", &glibc), 1));
		cr_expect(eq(i64, glibc, 0), "%s used glibc's heap", f->run);
		cr_assert(eq(int, exp_key(r->out, f->key, &v), 1));
		cr_expect(eq(i64, v, f->want), "%s %s", f->id, f->measure);
		rows++;
	}
	cr_assert(eq(int, rows, 33));
}
