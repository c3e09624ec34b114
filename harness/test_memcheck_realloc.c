// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memcheck on blocks that realloc moves, resizes in place or grows by
 * mremap (malloc/valgrind.c: the old block's sizes, its definedness bits
 * carried over to the new one).
 *
 * harness/programs/cov_memcheck runs under memcheck (vg_run.h).  It
 * links the library the build instruments, so a coverage build counts
 * the allocator's valgrind-only paths here; the test therefore asserts
 * the errors and the leak state, never memcheck's allocation totals,
 * which the coverage runtime's own mallocs would change.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "programs/vg_run.h"

static struct vg_report rep;

static void show_report(void)
{
	if (rep.nlines > 0)
		cr_log_info("memcheck report:\n%s", rep.raw);
}

TestSuite(memcheck_realloc, .fini = show_report);

/*
 * The report must hold the lines @want, found by their second line (the
 * innermost frame, which tells two errors of the same kind apart).
 */
static void expect_block(const char *const *want)
{
	int at = vg_find(&rep, 1, want[1]) - 1;

	cr_assert(ge(int, at, 0), "no line '%s' in the report", want[1]);
	for (int i = 0; want[i] != NULL; i++) {
		cr_assert(lt(int, at + i, rep.nlines),
			  "report ends before '%s'", want[i]);
		cr_expect(eq(str, rep.lines[at + i], (char *)want[i]),
			  "report line %d", at + i);
	}
}

/*
 * The bytes realloc copied keep memcheck's bits: written ones stay
 * defined (no error on them), an unwritten one stays undefined, as does
 * the new tail; the block shrunk in place ends at its new size; the
 * mapped block grown by mremap reads back defined.  Exactly three
 * errors, and nothing leaks.
 */
Test(memcheck_realloc, moved_shrunk_and_remapped)
{
	static const char *const copied[] = {
		"Conditional jump or move depends on uninitialised value(s)",
		"   at ADDR: branch_on_copied (cov_memcheck.c:LINE)",
		"   by ADDR: main (cov_memcheck.c:LINE)", "", NULL
	};
	static const char *const tail[] = {
		"Conditional jump or move depends on uninitialised value(s)",
		"   at ADDR: branch_on_tail (cov_memcheck.c:LINE)",
		"   by ADDR: main (cov_memcheck.c:LINE)", "", NULL
	};
	char addr[128];
	const char *const past[] = {
		"Invalid read of size 1",
		"   at ADDR: read_past_shrunk (cov_memcheck.c:LINE)",
		"   by ADDR: main (cov_memcheck.c:LINE)",
		addr,
		"   at ADDR: ptm_realloc (realloc.c:LINE)",
		"   by ADDR: main (cov_memcheck.c:LINE)",
		"",
		NULL
	};
	char *argv[] = { PTM_PROGRAMS_DIR "/cov_memcheck", NULL };
	unsigned long want_sum = 0, got_sum = 0;
	const char *s;

	for (int i = 0; i < 300; i++)
		want_sum += (unsigned char)(i + 1);
	for (int i = 0; i < 200000; i++)
		want_sum += (unsigned long)(i % 251 + 1);
	cr_assert(vg_run(argv, NULL, NULL, &rep), "valgrind did not run");
	cr_assert(eq(int, WIFEXITED(rep.status) ? WEXITSTATUS(rep.status) : -1,
		     0),
		  "status %#x, output:\n%s", rep.status, rep.out);
	s = strstr(rep.out, "sum ");
	cr_assert(ne(ptr, (void *)s, NULL), "%s", rep.out);
	got_sum = strtoul(s + 4, NULL, 10);
	cr_expect(eq(ulong, got_sum, want_sum));
	cr_assert(ne(ulong, vg_block_address(&rep), 0), "%s", rep.out);
	snprintf(addr, sizeof(addr),
		 " Address %#lx is 10 bytes after a block of size 500 alloc'd",
		 vg_block_address(&rep) + 510);
	expect_block(copied);
	expect_block(tail);
	expect_block(past);
	cr_expect(eq(int, vg_count(&rep, copied[0]), 2));
	cr_expect(
		ge(int,
		   vg_find(&rep, 0, "    in use at exit: 0 bytes in 0 blocks"),
		   0));
	cr_expect(ge(int,
		     vg_find(&rep, 0,
			     "ERROR SUMMARY: 3 errors from 3 contexts "
			     "(suppressed: 0 from 0)"),
		     0));
}
