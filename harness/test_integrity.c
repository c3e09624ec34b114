// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One death test per integrity check of the allocator (docs/debugging.md
 * lists them): a child corrupts its heap on purpose, trips the check,
 * and the exact report is asserted (harness/death.h): glibc's message,
 * the pointer it names, the shape M_CHECK_ACTION gives it (1 long line
 * and carry on, 2 silent abort, 3 long line + backtrace + memory map +
 * abort, 5 short line and carry on, 7 short line + backtrace + memory
 * map + abort, 0 nothing), and SIGABRT or a normal exit.
 *
 * This file: free(), realloc(), mapped chunks, the statistics, the
 * break and sysmalloc; test_integrity_malloc.c has the malloc paths.
 * Layouts and helpers: harness/integrity.h.
 */
#include <stdio.h>

#include "integrity.h"

/* ---- free() ------------------------------------------------------------ */

static void free_misaligned(int action)
{
	char *p;

	death_setup(action);
	p = xmalloc(100);
	memset(p, 0, 100);
	death_note((uintptr_t)(p + 8));
	ptm_free(p + 8);
}

Test(integrity, free_invalid_pointer)
{
	check(free_misaligned, 3, "free(): invalid pointer");
}

static void free_bad_size(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(100);
	W(p, -1) = 0x11;
	death_note((uintptr_t)p);
	ptm_free(p);
	/* Action 1 carries on: the free was abandoned. */
	death_note(W(p, -1));
}

Test(integrity, free_invalid_size_action1_continues)
{
	struct death d;

	death_run(free_bad_size, 1, &d);
	expect_report_then_walker(&d, 1, "free(): invalid size", d.notes[0]);
	if (!DEATH_HEAP_WALKER) {
		cr_assert(eq(int, d.nnotes, 2));
		cr_assert(eq(u64, d.notes[1], 0x11));
	}
}

static void free_fast_bad_next(int action)
{
	char *p;

	death_setup(action);
	p = xmalloc(24);
	W(p + 32, -1) = 0; /* top's size */
	death_note((uintptr_t)p);
	ptm_free(p);
}

Test(integrity, free_invalid_next_size_fast)
{
	check(free_fast_bad_next, 3, "free(): invalid next size (fast)");
}

static void fast_double_free(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(24);
	death_note((uintptr_t)p);
	ptm_free(p);
	ptm_free(p);
}

Test(integrity, double_free_fasttop_action5_short)
{
	check(fast_double_free, 5, "double free or corruption (fasttop)");
}

Test(integrity, double_free_fasttop_action0_silent)
{
	check(fast_double_free, 0, "double free or corruption (fasttop)");
}

Test(integrity, double_free_fasttop_action7)
{
	check(fast_double_free, 7, "double free or corruption (fasttop)");
}

/*
 * glibc checks the fast bin's old head only when the caller of its
 * _int_free holds the arena lock: realloc freeing the block it moved
 * from, not free() (whose push needs no lock).  x (24) moves, the guard
 * g keeps it from growing in place; its old chunk goes onto a bin whose
 * head claims the 48-byte bin.
 */
static void fastbin_entry(int action)
{
	void *a, *x, *moved;

	death_setup(action);
	a = xmalloc(24);
	x = xmalloc(24);
	xmalloc(24);
	ptm_free(a);
	W(a, -1) = 0x31; /* the head now claims the 48-byte bin */
	death_note((uintptr_t)x);
	moved = ptm_realloc(x, 200);
	if (moved == NULL || moved == x)
		death_exit(95);
}

/* free() itself pushes without looking at the head, as glibc's does. */
static void fastbin_entry_free(int action)
{
	void *a, *b;

	death_setup(action);
	a = xmalloc(24);
	b = xmalloc(24);
	ptm_free(a);
	W(a, -1) = 0x31;
	ptm_free(b);
	if (W(b, 0) != chunk_of(a))
		death_exit(96);
}

Test(integrity, invalid_fastbin_entry_not_checked_by_free)
{
	struct death d;

	death_run(fastbin_entry_free, 3, &d);
	if (DEATH_HEAP_WALKER) {
		/* free() says nothing; the walker after it finds the head. */
		cr_expect(ne(ptr,
			     strstr(d.err, "chunk in fast bin 0 belongs in "
					   "fast bin 1\n"),
			     NULL),
			  "%s", d.err);
		expect_abort(&d);
		expect_walker_lines(d.err);
		return;
	}
	cr_expect(eq(str, d.err, ""));
	expect_exit0(&d);
}

Test(integrity, invalid_fastbin_entry)
{
	check(fastbin_entry, 3, "invalid fastbin entry (free)");
}

static void top_double_free(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(1000);
	death_note((uintptr_t)p);
	ptm_free(p);
	ptm_free(p);
}

Test(integrity, double_free_top)
{
	check(top_double_free, 3, "double free or corruption (top)");
}

static void free_out(int action)
{
	char *p, *g, *top;

	death_setup(action);
	p = xmalloc(2000);
	g = xmalloc(100);
	top = g + 112;
	/* p's size now reaches exactly the end of top. */
	W(p, -1) = ((size_t)top - 16 + (W(top, -1) & ~7UL) - chunk_of(p)) | 1;
	death_note((uintptr_t)p);
	ptm_free(p);
}

Test(integrity, double_free_out)
{
	check(free_out, 3, "double free or corruption (out)");
}

static void prev_double_free(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(2000);
	xmalloc(2000);
	death_note((uintptr_t)p);
	ptm_free(p);
	ptm_free(p);
}

Test(integrity, double_free_prev_action2_silent_abort)
{
	check(prev_double_free, 2, "double free or corruption (!prev)");
}

Test(integrity, double_free_prev)
{
	check(prev_double_free, 3, "double free or corruption (!prev)");
}

static void free_normal_bad_next(int action)
{
	void *p, *g;

	death_setup(action);
	p = xmalloc(2000);
	g = xmalloc(100);
	W(g, -1) = 0x1;
	death_note((uintptr_t)p);
	ptm_free(p);
}

Test(integrity, free_invalid_next_size_normal)
{
	check(free_normal_bad_next, 3, "free(): invalid next size (normal)");
}

static void prev_size_consolidating(int action)
{
	void *a, *b;

	death_setup(action);
	a = xmalloc(2000);
	b = xmalloc(2000);
	xmalloc(100);
	ptm_free(a);
	W(a, -1) = 2032 | 1; /* b's prev_size still says 2016 */
	death_note((uintptr_t)a);
	ptm_free(b);
}

Test(integrity, corrupted_size_vs_prev_size_while_consolidating)
{
	check(prev_size_consolidating, 3,
	      "corrupted size vs. prev_size while consolidating");
}

/* a, b, c of 2016 bytes; b freed (unsorted); @corrupt; then free(a). */
static void unlink_next(int action, int corrupt)
{
	void *a, *b, *c;

	death_setup(action);
	a = xmalloc(2000);
	b = xmalloc(2000);
	c = xmalloc(2000);
	ptm_free(b);
	if (corrupt == 0) {
		W(c, -2) = 0x1000;
	} else {
		W(a, 1) = 0;
		W(b, 0) = chunk_of(a); /* a's bk does not lead back */
	}
	death_note(chunk_of(b));
	ptm_free(a);
}

static void unlink_prev_size(int action)
{
	unlink_next(action, 0);
}

static void unlink_fd(int action)
{
	unlink_next(action, 1);
}

Test(integrity, corrupted_size_vs_prev_size)
{
	check(unlink_prev_size, 3, "corrupted size vs. prev_size");
}

Test(integrity, corrupted_double_linked_list_action1)
{
	struct death d;

	death_run(unlink_fd, 1, &d);
	expect_report_then_walker(&d, 1, "corrupted double-linked list",
				  d.notes[0]);
}

static void nextsize_unlink(int action)
{
	void *x, *g1, *g2, *v;

	large_bin_setup(action, &x, &g1, &g2, &v);
	W(x, 2) = chunk_of(g2); /* g2's bk_nextsize (0) is not x */
	death_note(chunk_of(x));
	ptm_free(g1);
}

Test(integrity, corrupted_double_linked_list_not_small)
{
	check(nextsize_unlink, 3, "corrupted double-linked list (not small)");
}

static void free_unsorted(int action)
{
	void *a, *g;
	size_t *h;

	death_setup(action);
	h = unsorted_header();
	g = xmalloc(100);
	a = xmalloc(2000);
	xmalloc(100);
	W(g, 1) = 0;
	h[2] = chunk_of(g);
	death_note((uintptr_t)a);
	ptm_free(a);
}

Test(integrity, free_corrupted_unsorted_chunks)
{
	check(free_unsorted, 3, "free(): corrupted unsorted chunks");
}

/* ---- a foreign pointer as the very first call ------------------------- */

/*
 * A fake 32-byte chunk outside every heap, whose successor's size word
 * is 0x21, for a process that has not called the allocator yet: the
 * entry point must initialise it before it reads the main arena, then
 * make glibc's checks.  The child leaves M_CHECK_ACTION at its default
 * (3), as mallopt would initialise the allocator first.  Its last
 * usable byte is a length byte that is not the magic byte and leads
 * below the user data, so that the chain of MALLOC_CHECK_ is broken
 * wherever the block lies (a zero byte would match a magic of 0).
 */
static size_t foreign_words[8] __attribute__((aligned(16)));

static void *foreign_block(void)
{
	unsigned char *last = (unsigned char *)&foreign_words[4] + 7;

	foreign_words[1] = 0x21;
	foreign_words[5] = 0x21;
	*last = magic_of(&foreign_words[2]) == 0xff ? 0xfe : 0xff;
	death_note((uintptr_t)&foreign_words[2]);
	return &foreign_words[2];
}

/* free(): the fast-bin check of the successor against system_mem (0). */
static void free_foreign_first(int unused)
{
	(void)unused;
	death_setup(-1);
	ptm_free(foreign_block());
}

Test(integrity, free_foreign_pointer_as_first_call)
{
	check(free_foreign_first, 3, "free(): invalid next size (fast)");
}

/*
 * realloc() and malloc_usable_size() under MALLOC_CHECK_=3, read when
 * the allocator initialises: the checking versions find no magic byte.
 */
static void realloc_foreign_first(int unused)
{
	(void)unused;
	setenv("MALLOC_CHECK_", "3", 1);
	death_setup(-1);
	ptm_realloc(foreign_block(), 100);
}

Test(integrity, realloc_foreign_pointer_as_first_call_checked)
{
	check(realloc_foreign_first, 3, "realloc(): invalid pointer");
}

static void usable_foreign_first(int unused)
{
	(void)unused;
	setenv("MALLOC_CHECK_", "3", 1);
	death_setup(-1);
	death_note(ptm_malloc_usable_size(foreign_block()));
}

Test(integrity, malloc_usable_size_foreign_pointer_as_first_call_checked)
{
	check(usable_foreign_first, 3,
	      "malloc_check_get_size: memory corruption");
}

/* ---- realloc() --------------------------------------------------------- */

static void realloc_misaligned(int action)
{
	char *p;

	death_setup(action);
	p = xmalloc(100);
	memset(p, 0, 100);
	death_note((uintptr_t)(p + 8));
	ptm_realloc(p + 8, 200);
}

Test(integrity, realloc_invalid_pointer)
{
	check(realloc_misaligned, 3, "realloc(): invalid pointer");
}

static void realloc_old_size(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(200);
	W(p, -1) = (1UL << 40) | 1; /* nothing may be read through it */
	death_note((uintptr_t)p);
	ptm_realloc(p, 300);
}

Test(integrity, realloc_invalid_old_size)
{
	check(realloc_old_size, 3, "realloc(): invalid old size");
}

static void realloc_next_size(int action)
{
	void *p, *g;

	death_setup(action);
	p = xmalloc(200);
	g = xmalloc(100);
	W(g, -1) = 0x1;
	death_note((uintptr_t)p);
	death_note((uintptr_t)ptm_realloc(p, 300));
}

Test(integrity, realloc_invalid_next_size_action1_returns_null)
{
	struct death d;

	death_run(realloc_next_size, 1, &d);
	expect_report_then_walker(&d, 1, "realloc(): invalid next size",
				  d.notes[0]);
	if (!DEATH_HEAP_WALKER) {
		cr_assert(eq(int, d.nnotes, 2));
		cr_assert(eq(u64, d.notes[1], 0));
	}
}

/*
 * The other half of each realloc size check: an old size of 8 (no
 * larger than a chunk header, yet one that passes realloc's pointer
 * test), and a next chunk claiming more than the arena's memory.
 */
static void realloc_old_size_header(int action)
{
	void *p;

	death_setup(action);
	p = xmalloc(200);
	W(p, -1) = 0x8 | 1;
	death_note((uintptr_t)p);
	ptm_realloc(p, 300);
}

Test(integrity, realloc_invalid_old_size_of_a_header)
{
	check(realloc_old_size_header, 3, "realloc(): invalid old size");
}

static void realloc_next_size_huge(int action)
{
	void *p, *g;

	death_setup(action);
	p = xmalloc(200);
	g = xmalloc(100);
	W(g, -1) = (1UL << 40) | 1;
	death_note((uintptr_t)p);
	ptm_realloc(p, 300);
}

Test(integrity, realloc_invalid_next_size_beyond_the_arena)
{
	check(realloc_next_size_huge, 3, "realloc(): invalid next size");
}

/* ---- mapped chunks ----------------------------------------------------- */

static void mapped_bad(int action, bool use_realloc)
{
	void *p;

	death_setup(action);
	p = xmalloc(200000);
	W(p, -2) = 8; /* the mapping would start mid-page */
	death_note((uintptr_t)p);
	if (use_realloc)
		ptm_realloc(p, 300000);
	else
		ptm_free(p);
}

static void munmap_bad(int action)
{
	mapped_bad(action, false);
}

static void mremap_bad(int action)
{
	mapped_bad(action, true);
}

Test(integrity, munmap_chunk_invalid_pointer)
{
	check(munmap_bad, 3, "munmap_chunk(): invalid pointer");
}

Test(integrity, mremap_chunk_invalid_pointer)
{
	check(mremap_bad, 3, "mremap_chunk(): invalid pointer");
}

/* ---- statistics -------------------------------------------------------- */

static void stats_misaligned(int action)
{
	void *a, *b;

	death_setup(action);
	fast_misaligned_next(&a, &b);
	death_note(misaligned_in(a) + 16);
	if (action == 5) {
		ptm_mallinfo2();
	} else {
		FILE *f = fopen("/dev/null", "w");

		ptm_malloc_info(0, f);
	}
}

Test(integrity, int_mallinfo_unaligned_fastbin_chunk_action5)
{
	check(stats_misaligned, 5,
	      "int_mallinfo(): unaligned fastbin chunk detected");
}

Test(integrity, malloc_info_unaligned_fastbin_chunk)
{
	check(stats_misaligned, 3,
	      "__malloc_info(): unaligned fastbin chunk detected");
}

/* ---- the break and sysmalloc ------------------------------------------- */

/*
 * On the real break (no death_setup): lower it under the heap, then
 * grow.  M_CHECK_ACTION is 0, yet this report always uses action 3.
 */
static void break_adjusted(int action)
{
	(void)action;
	if (ptm_mallopt(M_CHECK_ACTION, 0) != 1 ||
	    ptm_mallopt(M_MMAP_MAX, 0) != 1)
		death_exit(95);
	xmalloc(100);
	if (sbrk(-65536) == (void *)-1)
		death_exit(96);
	death_note((uintptr_t)sbrk(0));
	xmalloc(140000);
}

Test(integrity, break_adjusted_always_action3)
{
	struct death d;

	death_run(break_adjusted, 0, &d);
	cr_assert(eq(int, d.nnotes, 1), "stderr: %s", d.err);
	/* The new break ends the heap mapping: no map line covers it. */
	expect_report_ex(&d, 3, "break adjusted to free malloc space",
			 d.notes[0], false);
}

static void top_not_page_aligned(int action)
{
	char *p;

	death_setup(action);
	p = xmalloc(24);
	W(p + 32, -1) = 0x21;
	death_note((uintptr_t)p);
	xmalloc(100000);
}

Test(integrity, sysmalloc_assertion_ignores_action)
{
	static const char tail[] =
		": sysmalloc: Assertion `(av->top == initial_top(av) && "
		"old_size == 0) || (old_size >= MINSIZE && "
		"prev_inuse(av->top) && ((uintptr_t)av->top + old_size) % "
		"os_page_size() == 0)' failed.\n";
	char head[256];
	struct death d;
	size_t n, len;
	char *digits;

	death_run(top_not_page_aligned, 0, &d);
	expect_abort(&d);
	n = (size_t)snprintf(head, sizeof(head), "%s: malloc/sysmalloc.c:",
			     program_invocation_short_name);
	cr_assert(eq(int, strncmp(d.err, head, n), 0), "got %s", d.err);
	digits = d.err + n;
	len = strspn(digits, "0123456789");
	cr_assert(gt(sz, len, 0));
	cr_assert(eq(str, digits + len, (char *)tail));
}
