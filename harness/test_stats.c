// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The statistics functions: mallinfo(), mallinfo2(), malloc_stats() and
 * malloc_info() (malloc/stats.c, malloc/malloc_info.c), suite "stats".
 *
 * Every test runs on a fresh simulated break (fresh_sim_heap()), so the
 * heap starts page aligned and its first growth for a small request is
 * 135168 bytes (nb + 128 KiB top pad + MINSIZE, rounded to a page).
 *
 * The figures come from docs/experiments.md (E-4.3.3, E-5.1,
 * E-3.6 for the 1052672-byte mapping) or were derived by hand from the
 * chunk sizes; the malloc_stats and malloc_info texts were checked
 * against the host's glibc 2.36 running the same calls with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0 and writing to the
 * unbuffered stderr: glibc's figures are these plus its 656-byte tcache
 * header chunk (in use, so "rest", "in use" and keepcost move by 656).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ptmalloc.h"

/* .init of the malloc_stats tests: capture fd 2. */
static void capture_stderr(void)
{
	cr_redirect_stderr();
}

/* Run ptm_malloc_stats() and assert that it printed exactly @want. */
static void assert_malloc_stats(const char *want)
{
	ptm_malloc_stats();
	fflush(stderr);
	cr_assert_stderr_eq_str(want);
}

/*
 * Run ptm_malloc_info(0, ...) into a memory stream (glibc's malloc owns
 * its buffer) and assert that the text is exactly @want.
 */
static void assert_malloc_info(const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert(ne(ptr, fp, NULL));
	cr_assert(eq(int, ptm_malloc_info(0, fp), 0));
	cr_assert(eq(int, fclose(fp), 0));
	cr_assert(eq(str, buf, (char *)want));
	free(buf);
}

/*
 * The heap of the glibc comparison: three 32-byte and three 64-byte
 * chunks in the fast bins, one 3008-byte chunk in the unsorted bin, kept
 * off top by a 32-byte guard.  In use: the guard (32); top: 135168 -
 * 3 * 32 - 3 * 64 - 3008 - 32 = 131840.
 */
static void build_fast_and_unsorted(void)
{
	void *a[3], *b[3], *c;

	for (int i = 0; i < 3; i++)
		a[i] = ptm_malloc(24);
	for (int i = 0; i < 3; i++)
		b[i] = ptm_malloc(56);
	c = ptm_malloc(3000);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	for (int i = 0; i < 3; i++)
		ptm_free(a[i]);
	for (int i = 0; i < 3; i++)
		ptm_free(b[i]);
	ptm_free(c);
}

/* mallinfo of an allocator that has no memory: only top's block. */
static const struct mi_expect mi_empty = { .ordblks = 1 };

/* E-4.3.3, the "after alloc" column: 20 chunks of 48 bytes in use. */
static const struct mi_expect e433_after_alloc = {
	.arena = 135168,
	.ordblks = 1,
	.uordblks = 960,
	.fordblks = 134208,
	.keepcost = 134208,
};

/* E-4.3.3 test1 "after free": the chunks wait in a fast bin. */
static const struct mi_expect e433_after_free_fast = {
	.arena = 135168,
	.ordblks = 1,
	.smblks = 20,
	.fsmblks = 960,
	.fordblks = 135168,
	.keepcost = 134208,
};

/* E-4.3.3 test2 "after free" (M_MXFAST 0): everything is top again. */
static const struct mi_expect e433_after_free_nofast = {
	.arena = 135168,
	.ordblks = 1,
	.fordblks = 135168,
	.keepcost = 135168,
};

/* E-5.1: ten 32-byte chunks and one of 112 in use. */
static const struct mi_expect e51_pointer_arrays = {
	.arena = 135168,
	.ordblks = 1,
	.uordblks = 432,
	.fordblks = 135168 - 432,
	.keepcost = 135168 - 432,
};

/* One mmapped 1 MiB block (1052672 bytes mapped) and no heap. */
static const struct mi_expect mi_one_mapping = {
	.ordblks = 1,
	.hblks = 1,
	.hblkhd = 1052672,
};

/*
 * build_fast_and_unsorted(): six fast chunks (288 bytes) and one
 * unsorted 3008-byte chunk beside top; the guard is all that is in use.
 */
static const struct mi_expect mi_fast_and_unsorted = {
	.arena = 135168,
	.ordblks = 2,
	.smblks = 6,
	.fsmblks = 288,
	.uordblks = 32,
	.fordblks = 135136,
	.keepcost = 131840,
};

/*
 * The same after a 1 MiB request, which consolidated the fast chunks
 * into the unsorted one (one free 3296-byte chunk) and was mmapped.
 */
static const struct mi_expect mi_consolidated_and_mapping = {
	.arena = 135168,
	.ordblks = 2,
	.hblks = 1,
	.hblkhd = 1052672,
	.uordblks = 32,
	.fordblks = 135136,
	.keepcost = 131840,
};

/*
 * Main arena with one 32-byte chunk; arena 1 (created by another
 * thread's first malloc(100)) holds the 112-byte chunk after its
 * heap_info (32 bytes) and malloc_state (2200 bytes), the first chunk
 * aligned at offset 2240 of a 135168-byte sub-heap: in use 2240 + 112,
 * top 135168 - 2352 = 132816.
 */
static const struct mi_expect mi_two_arenas = {
	.arena = 270336,
	.ordblks = 2,
	.uordblks = 32 + 2352,
	.fordblks = 135136 + 132816,
	.keepcost = 135136,
};

Test(stats, mallinfo_fresh_all_zero_but_ordblks)
{
	struct mallinfo2 m2;

	fresh_sim_heap();
	/* Top always counts as one block, even the size-0 initial top. */
	assert_mallinfo("fresh", mi_empty);
	m2 = ptm_mallinfo2();
	cr_assert(eq(sz, m2.arena, 0));
	cr_assert(eq(sz, m2.ordblks, 1));
	cr_assert(eq(sz, m2.smblks, 0));
	cr_assert(eq(sz, m2.hblks, 0));
	cr_assert(eq(sz, m2.hblkhd, 0));
	cr_assert(eq(sz, m2.usmblks, 0));
	cr_assert(eq(sz, m2.fsmblks, 0));
	cr_assert(eq(sz, m2.uordblks, 0));
	cr_assert(eq(sz, m2.fordblks, 0));
	cr_assert(eq(sz, m2.keepcost, 0));
}

/*
 * E-4.3.3 on the heap as it is (the caller set M_MXFAST or not): twenty
 * malloc(32) (48-byte chunks), then twenty frees, mallinfo before, after
 * allocating and after freeing (@after_free).
 */
static void e433_mallinfo(const struct mi_expect *after_free)
{
	void *p[20];

	assert_mallinfo("before", mi_empty);
	for (int i = 0; i < 20; i++)
		p[i] = ptm_malloc(32);
	assert_mallinfo("after alloc", e433_after_alloc);
	for (int i = 0; i < 20; i++)
		ptm_free(p[i]);
	assert_mallinfo("after free", *after_free);
}

/* E-4.3.3 test1: the freed chunks wait in a fast bin. */
Test(stats, experiment_4_3_3_mallinfo_fast_bins)
{
	fresh_sim_heap();
	e433_mallinfo(&e433_after_free_fast);
}

/* E-4.3.3 test2: the same with M_MXFAST 0: everything returns to top. */
Test(stats, experiment_4_3_3_mallinfo_no_fast_bins)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 0), 1));
	e433_mallinfo(&e433_after_free_nofast);
}

/* E-5.1: ten malloc(10) are ten 32-byte chunks; malloc(100) is 112. */
Test(stats, experiment_5_1_pointer_arrays)
{
	fresh_sim_heap();
	for (int i = 0; i < 10; i++)
		cr_assert(ne(ptr, ptm_malloc(10), NULL));
	cr_assert(eq(int, MI(uordblks), 320));
	cr_assert(ne(ptr, ptm_malloc(100), NULL));
	assert_mallinfo("ten malloc(10) and one malloc(100)",
			e51_pointer_arrays);
}

/* An mmapped 1 MiB block: hblks/hblkhd only; the heap is untouched. */
Test(stats, mmapped_block_counts_in_hblks)
{
	void *p;

	fresh_sim_heap();
	p = ptm_malloc(MIB(1));
	cr_assert(ne(ptr, p, NULL));
	assert_mallinfo("1 MiB mmapped", mi_one_mapping);
	ptm_free(p);
	assert_mallinfo("after munmap", mi_empty);
}

/* keepcost is the main arena's top size, read from top's size word. */
Test(stats, keepcost_is_top_size)
{
	char *a, *b;
	size_t top_size;

	fresh_sim_heap();
	a = ptm_malloc(24);
	b = ptm_malloc(1000);
	/* The chunk after b's is top: b's user pointer + its chunk size. */
	top_size = chunk_bytes(next_mem(b));
	cr_assert(eq(sz, top_size, 135168 - 32 - 1008));
	cr_assert(eq(int, MI(keepcost), (int)top_size));
	cr_assert(eq(sz, ptm_mallinfo2().keepcost, top_size));
	ptm_free(a);
	/* a went to a fast bin: top is unchanged. */
	cr_assert(eq(int, MI(keepcost), (int)top_size));
	ptm_free(b);
	/*
	 * b merges into top, leaving a top of at least 64 KiB: the fast
	 * bins are consolidated, a merges too, and top is the whole heap
	 * (too little above the trim threshold to give a page back).
	 */
	cr_assert(eq(int, MI(keepcost), 135168));
}

/* mallinfo() and mallinfo2() agree field by field below 2 GiB. */
Test(stats, mallinfo_matches_mallinfo2)
{
	struct mallinfo m;
	struct mallinfo2 m2;
	void *big;

	fresh_sim_heap();
	build_fast_and_unsorted();
	big = ptm_malloc(MIB(1));
	cr_assert(ne(ptr, big, NULL));
	m = ptm_mallinfo();
	m2 = ptm_mallinfo2();
	cr_assert(eq(sz, (size_t)m.arena, m2.arena));
	cr_assert(eq(sz, (size_t)m.ordblks, m2.ordblks));
	cr_assert(eq(sz, (size_t)m.smblks, m2.smblks));
	cr_assert(eq(sz, (size_t)m.hblks, m2.hblks));
	cr_assert(eq(sz, (size_t)m.hblkhd, m2.hblkhd));
	cr_assert(eq(sz, (size_t)m.usmblks, m2.usmblks));
	cr_assert(eq(sz, (size_t)m.fsmblks, m2.fsmblks));
	cr_assert(eq(sz, (size_t)m.uordblks, m2.uordblks));
	cr_assert(eq(sz, (size_t)m.fordblks, m2.fordblks));
	cr_assert(eq(sz, (size_t)m.keepcost, m2.keepcost));
}

/*
 * The fast and unsorted heap as mallinfo sees it: the fast chunks are
 * free (fordblks) but counted apart (smblks, fsmblks); the unsorted
 * chunk is an ordinary free block beside top.
 */
Test(stats, mallinfo_fast_and_unsorted)
{
	fresh_sim_heap();
	build_fast_and_unsorted();
	assert_mallinfo("fast and unsorted", mi_fast_and_unsorted);
}

Test(stats, malloc_stats_fresh, .init = capture_stderr)
{
	fresh_sim_heap();
	assert_malloc_stats("Arena 0:\n"
			    "system bytes     =          0\n"
			    "in use bytes     =          0\n"
			    "Total (incl. mmap):\n"
			    "system bytes     =          0\n"
			    "in use bytes     =          0\n"
			    "max mmap regions =          0\n"
			    "max mmap bytes   =          0\n");
}

/*
 * The glibc comparison heap plus a 1 MiB mmapped block.  That large
 * request first consolidates the fast bins: the six fast chunks and the
 * unsorted chunk merge into one 3296-byte free chunk, so only the guard
 * (32 bytes) is in use.  glibc prints 688 and 1053360 (656 more).
 */
Test(stats, malloc_stats_known_heap, .init = capture_stderr)
{
	fresh_sim_heap();
	build_fast_and_unsorted();
	cr_assert(ne(ptr, ptm_malloc(MIB(1)), NULL));
	assert_mallinfo("after the mmapped block", mi_consolidated_and_mapping);
	assert_malloc_stats("Arena 0:\n"
			    "system bytes     =     135168\n"
			    "in use bytes     =         32\n"
			    "Total (incl. mmap):\n"
			    "system bytes     =    1187840\n"
			    "in use bytes     =    1052704\n"
			    "max mmap regions =          1\n"
			    "max mmap bytes   =    1052672\n");
}

/* Thread body: the first allocation of a new thread creates arena 1. */
static void *malloc_in_thread(void *arg)
{
	(void)arg;
	return ptm_malloc(100);
}

/* Main arena: one 32-byte chunk; arena 1: one 112-byte chunk. */
static void build_two_arenas(void)
{
	pthread_t t;
	void *p;

	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	cr_assert(eq(int, pthread_create(&t, NULL, malloc_in_thread, NULL), 0));
	cr_assert(eq(int, pthread_join(t, &p), 0));
	cr_assert(ne(ptr, p, NULL));
}

/* mallinfo sums both arenas; keepcost is the main arena's top only. */
Test(stats, mallinfo_sums_arenas)
{
	fresh_sim_heap();
	build_two_arenas();
	assert_mallinfo("two arenas", mi_two_arenas);
}

/*
 * One block per arena, in list order.  glibc 2.36 prints 2368 for arena
 * 1 (its heap_info has a fifth word, so the first chunk is 16 bytes
 * further) and adds the thread's freed tcache header.
 */
Test(stats, malloc_stats_two_arenas, .init = capture_stderr)
{
	fresh_sim_heap();
	build_two_arenas();
	assert_malloc_stats("Arena 0:\n"
			    "system bytes     =     135168\n"
			    "in use bytes     =         32\n"
			    "Arena 1:\n"
			    "system bytes     =     135168\n"
			    "in use bytes     =       2352\n"
			    "Total (incl. mmap):\n"
			    "system bytes     =     270336\n"
			    "in use bytes     =       2384\n"
			    "max mmap regions =          0\n"
			    "max mmap bytes   =          0\n");
}

/* The high-water marks survive the munmap; the totals do not. */
Test(stats, malloc_stats_max_mmap_after_free, .init = capture_stderr)
{
	void *p, *q;

	fresh_sim_heap();
	p = ptm_malloc(MIB(1));
	q = ptm_malloc(MIB(1));
	ptm_free(p);
	ptm_free(q);
	assert_malloc_stats("Arena 0:\n"
			    "system bytes     =          0\n"
			    "in use bytes     =          0\n"
			    "Total (incl. mmap):\n"
			    "system bytes     =          0\n"
			    "in use bytes     =          0\n"
			    "max mmap regions =          2\n"
			    "max mmap bytes   =    2105344\n");
}

/*
 * Nothing allocated yet: top is the size-0 initial top, still counted
 * as one "rest" block, and no arena memory.
 */
static const char info_fresh[] =
	"<malloc version=\"1\">\n"
	"<heap nr=\"0\">\n"
	"<sizes>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"0\"/>\n"
	"<system type=\"current\" size=\"0\"/>\n"
	"<system type=\"max\" size=\"0\"/>\n"
	"<aspace type=\"total\" size=\"0\"/>\n"
	"<aspace type=\"mprotect\" size=\"0\"/>\n"
	"</heap>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"0\"/>\n"
	"<total type=\"mmap\" count=\"0\" size=\"0\"/>\n"
	"<system type=\"current\" size=\"0\"/>\n"
	"<system type=\"max\" size=\"0\"/>\n"
	"<aspace type=\"total\" size=\"0\"/>\n"
	"<aspace type=\"mprotect\" size=\"0\"/>\n"
	"</malloc>\n";

Test(stats, malloc_info_fresh)
{
	fresh_sim_heap();
	assert_malloc_info(info_fresh);
}

/*
 * Fast bins and the unsorted bin (glibc prints the same text with rest
 * size 134193, 656 less).  Rest is top (131840) plus the unsorted
 * chunk's raw size word 3009 (3008 | PREV_INUSE).
 */
static const char info_fast_and_unsorted[] =
	"<malloc version=\"1\">\n"
	"<heap nr=\"0\">\n"
	"<sizes>\n"
	"  <size from=\"17\" to=\"32\" total=\"96\" count=\"3\"/>\n"
	"  <size from=\"49\" to=\"64\" total=\"192\" count=\"3\"/>\n"
	"  <unsorted from=\"3009\" to=\"3009\" total=\"3009\" count=\"1\"/>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"6\" size=\"288\"/>\n"
	"<total type=\"rest\" count=\"2\" size=\"134849\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</heap>\n"
	"<total type=\"fast\" count=\"6\" size=\"288\"/>\n"
	"<total type=\"rest\" count=\"2\" size=\"134849\"/>\n"
	"<total type=\"mmap\" count=\"0\" size=\"0\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</malloc>\n";

Test(stats, malloc_info_fast_and_unsorted)
{
	fresh_sim_heap();
	build_fast_and_unsorted();
	assert_malloc_info(info_fast_and_unsorted);
}

/*
 * Two chunks sorted into large bin 95 (sizes 3008 and 3056, both in
 * [3008, 3072)): malloc(4000) finds nothing in the unsorted bin that
 * fits, files both chunks in their bin and splits top.  The line shows
 * the raw size words 3009 and 3057.  Top: 135168 - (3008 + 32 + 3056 +
 * 32) - 4016 = 125024; rest = 125024 + 3009 + 3057 = 131090.
 */
static const char info_large_bin[] =
	"<malloc version=\"1\">\n"
	"<heap nr=\"0\">\n"
	"<sizes>\n"
	"  <size from=\"3009\" to=\"3057\" total=\"6066\" count=\"2\"/>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"3\" size=\"131090\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</heap>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"3\" size=\"131090\"/>\n"
	"<total type=\"mmap\" count=\"0\" size=\"0\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</malloc>\n";

Test(stats, malloc_info_large_bin)
{
	void *c1, *c2;

	fresh_sim_heap();
	c1 = ptm_malloc(3000);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	c2 = ptm_malloc(3040);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(c1);
	ptm_free(c2);
	cr_assert(ne(ptr, ptm_malloc(4000), NULL));
	assert_malloc_info(info_large_bin);
}

/*
 * One heap chunk and one mmapped 1 MiB block: the mapping shows only in
 * the closing mmap total (count with %d, size 1052672).
 */
static const char info_mmapped_block[] =
	"<malloc version=\"1\">\n"
	"<heap nr=\"0\">\n"
	"<sizes>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"135136\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</heap>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"135136\"/>\n"
	"<total type=\"mmap\" count=\"1\" size=\"1052672\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</malloc>\n";

Test(stats, malloc_info_mmapped_block)
{
	fresh_sim_heap();
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	cr_assert(ne(ptr, ptm_malloc(MIB(1)), NULL));
	assert_malloc_info(info_mmapped_block);
}

/* Any option is rejected with EINVAL; nothing is written, errno kept. */
Test(stats, malloc_info_options_einval)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert(ne(ptr, fp, NULL));
	errno = 0;
	cr_assert(eq(int, ptm_malloc_info(1, fp), EINVAL));
	cr_assert(eq(int, ptm_malloc_info(-1, fp), EINVAL));
	cr_assert(eq(int, errno, 0));
	cr_assert(eq(int, fclose(fp), 0));
	cr_assert(eq(sz, len, 0));
}

/*
 * Two arenas: arena 1's <heap> adds the subheaps line (one sub-heap of
 * 135168 bytes, all read-write) and the closing totals sum both.
 */
static const char info_two_arenas[] =
	"<malloc version=\"1\">\n"
	"<heap nr=\"0\">\n"
	"<sizes>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"135136\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"</heap>\n"
	"<heap nr=\"1\">\n"
	"<sizes>\n"
	"</sizes>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"1\" size=\"132816\"/>\n"
	"<system type=\"current\" size=\"135168\"/>\n"
	"<system type=\"max\" size=\"135168\"/>\n"
	"<aspace type=\"total\" size=\"135168\"/>\n"
	"<aspace type=\"mprotect\" size=\"135168\"/>\n"
	"<aspace type=\"subheaps\" size=\"1\"/>\n"
	"</heap>\n"
	"<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
	"<total type=\"rest\" count=\"2\" size=\"267952\"/>\n"
	"<total type=\"mmap\" count=\"0\" size=\"0\"/>\n"
	"<system type=\"current\" size=\"270336\"/>\n"
	"<system type=\"max\" size=\"270336\"/>\n"
	"<aspace type=\"total\" size=\"270336\"/>\n"
	"<aspace type=\"mprotect\" size=\"270336\"/>\n"
	"</malloc>\n";

Test(stats, malloc_info_two_arenas)
{
	fresh_sim_heap();
	build_two_arenas();
	assert_malloc_info(info_two_arenas);
}
