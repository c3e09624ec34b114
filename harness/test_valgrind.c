// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * valgrind's memcheck on this allocator's blocks (malloc/valgrind.h):
 * E-6.3 and the other errors memcheck must see, and a correct program in
 * which it must see none.
 *
 * Each test runs a program of harness/programs under
 * `valgrind --tool=memcheck --leak-check=full --log-file=...`, then reads
 * the report line by line (vg_run.h) and asserts the exact lines: the
 * error, its stacks (function and file; code addresses and line numbers
 * vary with the build), the leak and error summaries.  A report that
 * differs fails the test; memcheck's own exit status is not relied on.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "programs/vg_run.h"

static struct vg_report rep;

/* Print the whole report when a test fails, to see what differed. */
static void show_report(void)
{
	if (rep.nlines > 0)
		cr_log_info("memcheck report:\n%s", rep.raw);
}

TestSuite(valgrind, .fini = show_report);

/* Run @prog (of the programs directory) with @arg (or none) under memcheck. */
static void memcheck(const char *prog, const char *arg, const char *extra,
		     const char *preload)
{
	char path[4200];
	char *argv[] = { path, (char *)arg, NULL };

	snprintf(path, sizeof(path), "%s/%s", PTM_PROGRAMS_DIR, prog);
	cr_assert(vg_run(argv, extra, preload, &rep), "valgrind did not run");
	cr_assert(eq(int, WIFEXITED(rep.status) ? WEXITSTATUS(rep.status) : -1,
		     0),
		  "%s: status %#x, output:\n%s", prog, rep.status, rep.out);
}

/*
 * The lines from @at on must be exactly @want (NULL-terminated list);
 * @at < 0 means the first line was not found at all.
 */
static void expect_lines(int at, const char *const *want)
{
	cr_assert(ge(int, at, 0), "no line '%s' in the report", want[0]);
	for (int i = 0; want[i] != NULL; i++) {
		cr_assert(lt(int, at + i, rep.nlines),
			  "report ends before '%s'", want[i]);
		cr_expect(eq(str, rep.lines[at + i], (char *)want[i]),
			  "report line %d", at + i);
	}
}

/* The report must contain the line @text. */
static void expect_line(const char *text)
{
	cr_expect(ge(int, vg_find(&rep, 0, text), 0),
		  "no line '%s' in the report", text);
}

/*
 * The line memcheck writes for the address @off bytes from the start of
 * the program's block: " Address 0x... is @n bytes @what".
 */
static void address_line(char *buf, size_t cap, unsigned long off, int n,
			 const char *what)
{
	snprintf(buf, cap, " Address %#lx is %d bytes %s",
		 vg_block_address(&rep) + off, n, what);
}

/*
 * E-6.3: the write one int past a block of 10 is "0 bytes after a block
 * of size 40 alloc'd" at ptm_malloc called from main, the block is
 * definitely lost, and that makes two errors in two contexts.
 */
Test(valgrind, e6_3_overflow_and_leak)
{
	char addr[128];
	const char *error[] = { "Invalid write of size 4",
				"   at ADDR: main (vg_e6_3.c:LINE)",
				addr,
				"   at ADDR: ptm_malloc (malloc.c:LINE)",
				"   by ADDR: main (vg_e6_3.c:LINE)",
				"",
				NULL };
	const char *leak[] = {
		"40 bytes in 1 blocks are definitely lost in loss record 1 of 1",
		"   at ADDR: ptm_malloc (malloc.c:LINE)",
		"   by ADDR: main (vg_e6_3.c:LINE)", "", NULL
	};
	const char *summary[] = { "LEAK SUMMARY:",
				  "   definitely lost: 40 bytes in 1 blocks",
				  "   indirectly lost: 0 bytes in 0 blocks",
				  "     possibly lost: 0 bytes in 0 blocks",
				  "   still reachable: 0 bytes in 0 blocks",
				  "        suppressed: 0 bytes in 0 blocks",
				  NULL };

	memcheck("vg_e6_3", NULL, NULL, NULL);
	cr_assert(ne(ulong, vg_block_address(&rep), 0), "%s", rep.out);
	address_line(addr, sizeof(addr), 40, 0,
		     "after a block of size 40 alloc'd");
	expect_lines(vg_find(&rep, 0, error[0]), error);
	cr_expect(eq(int,
		     vg_find(&rep, vg_find(&rep, 0, error[0]) + 1, error[0]),
		     -1),
		  "one invalid write only");
	expect_line("    in use at exit: 40 bytes in 1 blocks");
	expect_line(
		"  total heap usage: 1 allocs, 0 frees, 40 bytes allocated");
	expect_lines(vg_find(&rep, 0, leak[0]), leak);
	expect_lines(vg_find(&rep, 0, summary[0]), summary);
	expect_line("ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 "
		    "from 0)");
}

/* A write after ptm_free: inside a freed block, with both stacks. */
Test(valgrind, use_after_free)
{
	char addr[128];
	const char *error[] = { "Invalid write of size 4",
				"   at ADDR: main (vg_misuse.c:LINE)",
				addr,
				"   at ADDR: ptm_free (malloc.c:LINE)",
				"   by ADDR: main (vg_misuse.c:LINE)",
				" Block was alloc'd at",
				"   at ADDR: ptm_malloc (malloc.c:LINE)",
				"   by ADDR: main (vg_misuse.c:LINE)",
				"",
				NULL };

	memcheck("vg_misuse", "uaf", NULL, NULL);
	address_line(addr, sizeof(addr), 12, 12,
		     "inside a block of size 40 free'd");
	expect_lines(vg_find(&rep, 0, error[0]), error);
	expect_line("    in use at exit: 0 bytes in 0 blocks");
	expect_line(
		"  total heap usage: 2 allocs, 2 frees, 140 bytes allocated");
	expect_line("ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 "
		    "from 0)");
}

/*
 * A branch on an int of a fresh block: uninitialised, and with
 * --track-origins=yes memcheck names ptm_malloc as where it came from.
 */
Test(valgrind, uninitialised_read)
{
	const char *error[] = {
		"Conditional jump or move depends on uninitialised value(s)",
		"   at ADDR: main (vg_misuse.c:LINE)",
		" Uninitialised value was created by a heap allocation",
		"   at ADDR: ptm_malloc (malloc.c:LINE)",
		"   by ADDR: main (vg_misuse.c:LINE)",
		"",
		NULL
	};

	memcheck("vg_misuse", "uninit", "--track-origins=yes", NULL);
	expect_lines(vg_find(&rep, 0, error[0]), error);
	expect_line("    in use at exit: 0 bytes in 0 blocks");
	expect_line("ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 "
		    "from 0)");
}

/* A second ptm_free of a block: memcheck's invalid free, both stacks. */
Test(valgrind, double_free)
{
	char addr[128];
	const char *error[] = { "Invalid free() / delete / delete[] / realloc()",
				"   at ADDR: ptm_free (malloc.c:LINE)",
				"   by ADDR: main (vg_misuse.c:LINE)",
				addr,
				"   at ADDR: ptm_free (malloc.c:LINE)",
				"   by ADDR: main (vg_misuse.c:LINE)",
				" Block was alloc'd at",
				"   at ADDR: ptm_malloc (malloc.c:LINE)",
				"   by ADDR: main (vg_misuse.c:LINE)",
				"",
				NULL };

	memcheck("vg_misuse", "double", NULL, NULL);
	address_line(addr, sizeof(addr), 0, 0,
		     "inside a block of size 40 free'd");
	expect_lines(vg_find(&rep, 0, error[0]), error);
	expect_line("ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 "
		    "from 0)");
}

/*
 * A correct program through every entry point: no error at all, nothing
 * in use at exit, and memcheck counts exactly the blocks the program
 * allocated (realloc that moves is an allocation and a free).
 */
Test(valgrind, clean_program)
{
	unsigned long allocs = 0, frees = 0, bytes = 0;
	char usage[160], with_commas[32], digits[32];
	size_t n, j = 0;

	memcheck("vg_clean", NULL, NULL, NULL);
	cr_assert(eq(int,
		     sscanf(rep.out, "allocs %lu\nfrees %lu\nbytes %lu",
			    &allocs, &frees, &bytes),
		     3),
		  "%s", rep.out);
	cr_expect(ne(ptr, strstr(rep.out, "bad 0\n"), NULL), "%s", rep.out);
	/* memcheck prints the byte count with thousands separators. */
	n = (size_t)snprintf(digits, sizeof(digits), "%lu", bytes);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			with_commas[j++] = ',';
		with_commas[j++] = digits[i];
	}
	with_commas[j] = '\0';
	snprintf(
		usage, sizeof(usage),
		"  total heap usage: %lu allocs, %lu frees, %s bytes allocated",
		allocs, frees, with_commas);
	expect_line("    in use at exit: 0 bytes in 0 blocks");
	expect_line(usage);
	expect_line("All heap blocks were freed -- no leaks are possible");
	expect_line("ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 "
		    "from 0)");
}

/*
 * A block allocated in a second thread's arena and freed by the main
 * thread after a fork: the thread-exit and fork handlers touch the arena
 * structures (NOACCESS) outside any entry point, and must do so quietly.
 * The child, traced too, must be as clean.
 */
Test(valgrind, clean_threads_and_fork)
{
	memcheck("vg_clean", "threads", "--trace-children=yes", NULL);
	cr_expect(ne(ptr, strstr(rep.out, "bad 0\n"), NULL), "%s", rep.out);
	/* One report per process, both in the log. */
	cr_expect(eq(int,
		     vg_count(&rep, "    in use at exit: 0 bytes in 0 blocks"),
		     2));
	cr_expect(eq(int,
		     vg_count(&rep, "All heap blocks were freed -- no leaks "
				    "are possible"),
		     2));
	cr_expect(eq(int,
		     vg_count(&rep, "ERROR SUMMARY: 0 errors from 0 contexts "
				    "(suppressed: 0 from 0)"),
		     2));
	cr_expect(eq(int, vg_find_prefix(&rep, 0, "WARNING"), -1));
}

/*
 * The per-thread cache on (the program sets GLIBC_TUNABLES itself): a
 * thread exits with four blocks in its cache, and the flush that gives
 * them back to the arena, after memcheck saw them freed, must be quiet.
 * memcheck counts the program's five blocks and the one glibc's
 * pthread_create allocates (its size is glibc's: the bytes are not
 * pinned); each is freed once.
 */
static void expect_clean_cache_thread(const char *arg)
{
	unsigned long allocs = 0, frees = 0, bytes = 0;
	char usage[160];

	memcheck("vg_tcache_thread", arg, NULL, NULL);
	cr_assert(eq(int,
		     sscanf(rep.out, "allocs %lu\nfrees %lu\nbytes %lu",
			    &allocs, &frees, &bytes),
		     3),
		  "%s", rep.out);
	cr_expect(ne(ptr, strstr(rep.out, "bad 0\n"), NULL), "%s", rep.out);
	cr_expect(eq(ulong, allocs, 5));
	cr_expect(eq(ulong, frees, 5));
	cr_expect(eq(ulong, bytes, 4 * 40 + 10));
	snprintf(usage, sizeof(usage),
		 "  total heap usage: %lu allocs, %lu frees, ", allocs + 1,
		 frees + 1);
	cr_expect(ge(int, vg_find_prefix(&rep, 0, usage), 0),
		  "no line '%s...' in the report", usage);
	expect_line("    in use at exit: 0 bytes in 0 blocks");
	expect_line("All heap blocks were freed -- no leaks are possible");
	expect_line("ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 "
		    "from 0)");
}

Test(valgrind, clean_thread_exit_with_cached_blocks)
{
	expect_clean_cache_thread(NULL);
}

/*
 * The same with calloc as the thread's first call: the cache it builds
 * is the allocator's own memory, touched with memcheck's reports off,
 * like malloc's (a calloc that built it first reported dozens of
 * invalid reads and writes in any threaded program).
 */
Test(valgrind, clean_thread_whose_first_call_is_calloc)
{
	expect_clean_cache_thread("calloc");
}

/*
 * E-6.3 with the standard names through the drop-in
 * (LD_PRELOAD=libptmalloc.so, --soname-synonyms=somalloc=nouserintercepts
 * so that valgrind keeps its own malloc out): the same report, and the
 * block comes from this allocator (its stack is ours, not valgrind's
 * vg_replace_malloc.c).
 */
Test(valgrind, e6_3_dropin)
{
	char addr[128];
	const char *error[] = { "Invalid write of size 4",
				"   at ADDR: main (vg_dropin.c:LINE)",
				addr,
				"   at ADDR: ptm_malloc (malloc.c:LINE)",
				"   by ADDR: main (vg_dropin.c:LINE)",
				"",
				NULL };

	memcheck("vg_dropin", NULL,
		 "--soname-synonyms=somalloc=nouserintercepts", VG_DROPIN);
	cr_expect(eq(int, strstr(rep.out, "arena 0\n") == NULL, 1),
		  "mallinfo2 of this allocator: %s", rep.out);
	cr_assert(ne(ulong, vg_block_address(&rep), 0), "%s", rep.out);
	address_line(addr, sizeof(addr), 40, 0,
		     "after a block of size 40 alloc'd");
	expect_lines(vg_find(&rep, 0, error[0]), error);
	expect_line("   definitely lost: 40 bytes in 1 blocks");
	expect_line("ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 "
		    "from 0)");
}
