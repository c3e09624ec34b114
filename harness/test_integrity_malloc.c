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
 * This file: the malloc paths (fast, small, unsorted and large bins,
 * top, malloc_consolidate); test_integrity.c has the others.
 * Layouts and helpers: harness/integrity.h.
 */
#include <pthread.h>

#include "integrity.h"

/* ---- malloc(): fast and small bins ------------------------------------- */

static void fast_bad_size(int action)
{
	void *a;

	death_setup(action);
	a = xmalloc(24);
	ptm_free(a);
	W(a, -1) = 0x31;
	death_note((uintptr_t)a);
	xmalloc(24);
}

Test(integrity, malloc_memory_corruption_fast)
{
	check(fast_bad_size, 3, "malloc(): memory corruption (fast)");
}

/*
 * Fast bin b -> a, then b's size says the next bin (0x31).  glibc 2.17
 * takes b off its bin before it checks b's size, so with an action that
 * does not abort exactly one malloc(24) fails (NULL) and the next one is
 * served by a: b is lost, the bin stays usable.  Notes b, then both
 * results, then a.
 */
static void fast_bad_size_head(int action)
{
	void *a, *b;

	death_setup(action);
	a = xmalloc(24);
	b = xmalloc(24);
	xmalloc(24); /* keeps a and b off top */
	ptm_free(a);
	ptm_free(b);
	W(b, -1) = 0x31;
	death_note((uintptr_t)b);
	death_note((uintptr_t)ptm_malloc(24));
	death_note((uintptr_t)ptm_malloc(24));
	death_note((uintptr_t)a);
}

/*
 * Run fast_bad_size_head() under @action (0 or 1): the report (nothing,
 * or the long line), then NULL once and a.  With the heap walker the
 * child stops after the report instead (b's size leaves the heap
 * unwalkable).
 */
static void check_fast_bad_size_head(int action)
{
	const char *msg = "malloc(): memory corruption (fast)";
	struct death d;

	death_run(fast_bad_size_head, action, &d);
	cr_assert(ge(int, d.nnotes, 1), "child status %#x, stderr: %s",
		  d.status, d.err);
	if (DEATH_HEAP_WALKER) {
		expect_report_then_walker(&d, action, msg, d.notes[0]);
		return;
	}
	expect_report(&d, action, msg, d.notes[0]);
	cr_assert(eq(int, d.nnotes, 4));
	cr_expect(eq(ptr, (void *)d.notes[1], NULL), "the first malloc fails");
	cr_expect(eq(ptr, (void *)d.notes[2], (void *)d.notes[3]),
		  "the second malloc returns a");
}

Test(integrity, malloc_memory_corruption_fast_head_taken_off_action0)
{
	check_fast_bad_size_head(0);
}

Test(integrity, malloc_memory_corruption_fast_head_taken_off_action1)
{
	check_fast_bad_size_head(1);
}

/*
 * b's link now points into a, misaligned.  This test process has threads
 * (Criterion's), so, as glibc does once a thread exists, the malloc that
 * takes b checks the next link and reports b.  Without threads glibc
 * (and this allocator) take b and report the bad head on the next malloc
 * instead ("unaligned fastbin chunk detected 2"): integrity_glibc runs
 * that in a fresh process beside the host's glibc.
 */
static void fast_misaligned_head(int action)
{
	void *a, *b;

	death_setup(action);
	fast_misaligned_next(&a, &b);
	death_note((uintptr_t)b);
	xmalloc(24);
}

Test(integrity, malloc_unaligned_fastbin_next_with_threads)
{
	check(fast_misaligned_head, 3,
	      "malloc(): unaligned fastbin chunk detected");
}

static void *touch_allocator(void *arg)
{
	ptm_free(ptm_malloc(16));
	return arg;
}

static void fast_misaligned_next_threaded(int action)
{
	pthread_t t;
	void *a, *b;

	death_setup(action);
	if (pthread_create(&t, NULL, touch_allocator, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		death_exit(93);
	fast_misaligned_next(&a, &b);
	death_note((uintptr_t)b);
	xmalloc(24);
}

Test(integrity, malloc_unaligned_fastbin_chunk_multithreaded)
{
	check(fast_misaligned_next_threaded, 3,
	      "malloc(): unaligned fastbin chunk detected");
}

/*
 * The cache's refill from a fast bin (glibc's tcache stashing) when the
 * next link of a chunk it moves is misaligned.  Ten 24-byte blocks, nine
 * freed: seven cached, then c8 -> c7 in the fast bin; the cache drained;
 * c7's link forged so that it reveals 0x1008.  malloc(24) takes c8 and
 * refills the cache from the bin.  This death-test child was forked
 * from Criterion's worker, which has created threads, so the process
 * counts as multi-threaded (SINGLE_THREAD_P false), and glibc's refill
 * then checks c7's next link as it takes c7 (REMOVE_FB): "unaligned
 * fastbin chunk detected" naming c7, as the host's glibc 2.36 reports
 * once a thread was created.  (Single-threaded, glibc moves c7 and
 * reports the bad link itself: "... detected 3".)
 */
static void stash_misaligned_next(int action)
{
	size_t *link;
	void *c[10];

	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1);
	death_setup(action);
	if (ptm_debug_tunable("safe_linking") != 1)
		death_exit(95);
	for (int i = 0; i < 10; i++)
		c[i] = xmalloc(24);
	for (int i = 0; i < 9; i++)
		ptm_free(c[i]);
	for (int i = 0; i < 7; i++)
		xmalloc(24);
	link = &W(c[7], 0);
	*link = ((uintptr_t)link >> 12) ^ 0x1008;
	death_note((uintptr_t)c[7]);
	xmalloc(24);
}

Test(integrity, malloc_tcache_refill_unaligned_fastbin_next_with_threads)
{
	check(stash_misaligned_next, 3,
	      "malloc(): unaligned fastbin chunk detected");
}

static void smallbin_bk(int action)
{
	void *a, *g;

	death_setup(action);
	a = xmalloc(200);
	g = xmalloc(100);
	ptm_free(a);
	xmalloc(300); /* files a in its small bin */
	W(g, 0) = 0;
	W(a, 1) = chunk_of(g);
	death_note((uintptr_t)a);
	xmalloc(200);
}

Test(integrity, malloc_smallbin_double_linked_list_corrupted)
{
	check(smallbin_bk, 3,
	      "malloc(): smallbin double linked list corrupted");
}

/* ---- malloc(): the unsorted bin ---------------------------------------- */

/* a (208) freed into the unsorted bin before g; @kind corrupts. */
static void unsorted_case(int action, int kind)
{
	void *a, *g;

	death_setup(action);
	a = xmalloc(200);
	g = xmalloc(100);
	ptm_free(a);
	switch (kind) {
	case 0:
		W(a, -1) = 0x10000000 | 1;
		break;
	case 1:
		W(g, -1) = 0;
		break;
	case 2:
		W(g, -2) = 0x1000;
		break;
	case 3:
		W(a, 0) = chunk_of(g);
		break;
	default:
		W(g, -1) |= 1;
		break;
	}
	death_note((uintptr_t)a);
	xmalloc(100);
}

static void unsorted_size(int action)
{
	unsorted_case(action, 0);
}

static void unsorted_next_size(int action)
{
	unsorted_case(action, 1);
}

static void unsorted_prev_size(int action)
{
	unsorted_case(action, 2);
}

static void unsorted_fd(int action)
{
	unsorted_case(action, 3);
}

static void unsorted_prev_inuse(int action)
{
	unsorted_case(action, 4);
}

Test(integrity, malloc_memory_corruption_unsorted_size)
{
	check(unsorted_size, 3, "malloc(): memory corruption");
}

Test(integrity, malloc_invalid_next_size_unsorted)
{
	check(unsorted_next_size, 3, "malloc(): invalid next size (unsorted)");
}

Test(integrity, malloc_mismatching_next_prev_size_unsorted)
{
	check(unsorted_prev_size, 3,
	      "malloc(): mismatching next->prev_size (unsorted)");
}

Test(integrity, malloc_unsorted_double_linked_list_corrupted)
{
	check(unsorted_fd, 3,
	      "malloc(): unsorted double linked list corrupted");
}

Test(integrity, malloc_invalid_next_prev_inuse_unsorted)
{
	check(unsorted_prev_inuse, 3,
	      "malloc(): invalid next->prev_inuse (unsorted)");
}

/*
 * A and B (208) unsorted, A the oldest; B's fd, which must lead back to
 * A, is broken.  Under action 5 both reports appear and the scan goes
 * on to serve the request.
 */
static void unsorted_bck(int action)
{
	void *a, *g1, *b;

	death_setup(action);
	a = xmalloc(200);
	g1 = xmalloc(100);
	b = xmalloc(200);
	xmalloc(100);
	ptm_free(a);
	ptm_free(b);
	W(b, 0) = chunk_of(g1);
	death_note((uintptr_t)a);
	death_note((uintptr_t)xmalloc(100));
}

Test(integrity, malloc_corrupted_unsorted_chunks_3_action5)
{
	struct death d;

	death_run(unsorted_bck, 5, &d);
	expect_exit0(&d);
	cr_assert(eq(str, d.err,
		     "malloc(): unsorted double linked list corrupted\n"
		     "malloc(): corrupted unsorted chunks 3\n"));
	cr_assert(eq(int, d.nnotes, 2));
	cr_assert(ne(u64, d.notes[1], 0));
}

/* ---- malloc(): the large bins ------------------------------------------ */

/* X in bin 79; @kind corrupts X; V (2032) is then filed beside it. */
static void large_insert(int action, int kind)
{
	void *x, *g1, *g2, *v;

	large_bin_setup(action, &x, &g1, &g2, &v);
	ptm_free(v);
	W(g1, 0) = 0;
	W(g1, 2) = 0;
	if (kind == 0)
		W(x, 3) = chunk_of(g1); /* bk_nextsize */
	else
		W(x, 1) = chunk_of(g1); /* bk */
	death_note(chunk_of(x));
	xmalloc(3000);
}

static void large_nextsize(int action)
{
	large_insert(action, 0);
}

static void large_bk(int action)
{
	large_insert(action, 1);
}

Test(integrity, malloc_largebin_corrupted_nextsize)
{
	check(large_nextsize, 3,
	      "malloc(): largebin double linked list corrupted (nextsize)");
}

Test(integrity, malloc_largebin_corrupted_bk)
{
	check(large_bk, 3,
	      "malloc(): largebin double linked list corrupted (bk)");
}

/*
 * X in bin 79, the empty unsorted bin's fd pointing at a chunk whose bk
 * does not lead back; then a request split off X, from its own bin
 * (@request 1970) or through the binmap (1500).
 */
static void unsorted_remainder(int action, size_t request)
{
	void *x, *g1, *g2;
	size_t *h;

	death_setup(action);
	h = unsorted_header();
	x = xmalloc(2000);
	g1 = xmalloc(2000);
	g2 = xmalloc(100);
	ptm_free(x);
	xmalloc(3000);
	W(g2, 1) = 0;
	h[2] = chunk_of(g2); /* the header's fd */
	death_note((uintptr_t)x);
	xmalloc(request);
	(void)g1;
}

static void unsorted_remainder_own_bin(int action)
{
	unsorted_remainder(action, 1970);
}

static void unsorted_remainder_binmap(int action)
{
	unsorted_remainder(action, 1500);
}

Test(integrity, malloc_corrupted_unsorted_chunks)
{
	check(unsorted_remainder_own_bin, 3,
	      "malloc(): corrupted unsorted chunks");
}

Test(integrity, malloc_corrupted_unsorted_chunks_2)
{
	check(unsorted_remainder_binmap, 3,
	      "malloc(): corrupted unsorted chunks 2");
}

/* ---- malloc(): top ----------------------------------------------------- */

static void top_size(int action)
{
	char *p;

	death_setup(action);
	p = xmalloc(24);
	W(p + 32, -1) = 0x7ffffff0 | 1; /* the overflow of glibc's example */
	death_note((uintptr_t)(p + 32));
	xmalloc(100);
}

Test(integrity, malloc_corrupted_top_size_action7)
{
	check(top_size, 7, "malloc(): corrupted top size");
}

Test(integrity, malloc_corrupted_top_size)
{
	check(top_size, 3, "malloc(): corrupted top size");
}

/* ---- malloc_consolidate() ---------------------------------------------- */

static void consolidate_size(int action)
{
	void *a;

	death_setup(action);
	a = xmalloc(24);
	ptm_free(a);
	W(a, -1) = 0x31;
	death_note((uintptr_t)a);
	xmalloc(2000);
}

Test(integrity, malloc_consolidate_invalid_chunk_size)
{
	check(consolidate_size, 3, "malloc_consolidate(): invalid chunk size");
}

static void consolidate_misaligned(int action)
{
	void *a, *b;

	death_setup(action);
	fast_misaligned_next(&a, &b);
	death_note(misaligned_in(a) + 16);
	xmalloc(2000);
}

Test(integrity, malloc_consolidate_unaligned_fastbin_chunk)
{
	check(consolidate_misaligned, 3,
	      "malloc_consolidate(): unaligned fastbin chunk detected");
}

static void consolidate_prev_size(int action)
{
	void *a, *b;

	death_setup(action);
	a = xmalloc(200);
	b = xmalloc(24);
	xmalloc(100);
	ptm_free(a);
	ptm_free(b); /* fast: not merged with a yet */
	W(a, -1) = 224 | 1;
	death_note(chunk_of(a));
	xmalloc(2000);
}

Test(integrity, corrupted_size_vs_prev_size_in_fastbins)
{
	check(consolidate_prev_size, 3,
	      "corrupted size vs. prev_size in fastbins");
}
