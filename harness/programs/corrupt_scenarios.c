// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The integrity death tests (harness/test_integrity.c,
 * harness/test_integrity_malloc.c) replayed through the standard names
 * (malloc, free, realloc, ...), so that one binary runs on the host's
 * glibc and, with LD_PRELOAD=libptmalloc.so, on this allocator:
 * harness/test_integrity_glibc.c runs both and compares the reports.
 *
 *	corrupt_scenarios NAME	run scenario NAME
 *	corrupt_scenarios	list the scenarios, one a line (stdout)
 *
 * Output, all on standard error with write(2) (stdio would allocate its
 * buffer through the allocator under test and change the layout):
 *
 *	@N CALL		before the N-th allocator call of the scenario
 *	@done		the scenario ended without a report (_exit 0)
 *	@layout WHAT	a layout the scenario relies on did not hold
 *			(exit 3)
 *
 * A report comes after the marker of the call that made it: glibc 2.36
 * prints "MESSAGE\n" and aborts, this allocator glibc 2.17's long line
 * (plus backtrace and memory map) under the default M_CHECK_ACTION 3.
 *
 * The heap is the real one: every scenario checks that consecutive
 * requests are consecutive chunks and, where it matters, that the last
 * one borders top.  glibc 2.36 always safe-links the fast bins; this
 * allocator does so only with its per-thread cache (docs/tunables.md,
 * safe_linking), so a forged fast-bin link is written in the encoding
 * the bin itself uses (fast_link_set), and both sides decode the same
 * forged pointer.  The scenarios named after a death test corrupt as
 * that test does, with the default action (those tests' other actions
 * have no twin in glibc 2.36, which always aborts); the "extra_" ones
 * are in corrupt_extra.h, the frame (markers, calls, layout helpers) in
 * corrupt_util.h.
 *
 * A scenario that ends without a report may leave the heap corrupt on
 * purpose (invalid_fastbin_entry_not_checked_by_free does), so nothing
 * may allocate after it: the program leaves with _exit(), not through
 * exit()'s handlers.  In a coverage build those include libgcov's
 * writer of the counts, whose stdio stream allocates a 4 KiB buffer; that
 * large request consolidated the forged fast bin, and both allocators
 * then aborted with "malloc_consolidate(): invalid chunk size" after
 * "@done".  (This program's own counts are not reported; it calls no
 * ptm_ function.)
 */
#include "corrupt_util.h"
#include "corrupt_extra.h"

/* ---- free() ------------------------------------------------------------ */

static void free_invalid_pointer(void)
{
	char *p = top_malloc(100);

	memset(p, 0, 100);
	s_free(p + 8);
}

static void free_invalid_size(void)
{
	void *p = top_malloc(100);

	W(p, -1) = 0x11;
	s_free(p);
}

static void free_invalid_next_size_fast(void)
{
	char *p = top_malloc(24);

	W(p + 32, -1) = 0; /* top's size */
	s_free(p);
}

static void double_free_fasttop(void)
{
	void *p = top_malloc(24);

	s_free(p);
	s_free(p);
}

/* x (24) moves; its old chunk goes onto a bin whose head claims 48. */
static void invalid_fastbin_entry(void)
{
	void *a = top_malloc(24), *x = next_malloc(a, 24);

	next_malloc(x, 24);
	s_free(a);
	W(a, -1) = 0x31;
	expect(s_realloc(x, 200) != x, "realloc did not move");
}

static void invalid_fastbin_entry_not_checked_by_free(void)
{
	void *a = top_malloc(24), *b = next_malloc(a, 24);

	s_free(a);
	W(a, -1) = 0x31;
	s_free(b);
	expect(fast_link_get(b, chunk_of(a)) == chunk_of(a), "b not on a");
}

static void double_free_top(void)
{
	void *p = top_malloc(1000);

	s_free(p);
	s_free(p);
}

static void double_free_out(void)
{
	void *p = top_malloc(2000), *g = next_malloc(p, 100);
	char *top = (char *)g + 112;

	/* p's size now reaches exactly the end of top. */
	W(p, -1) = ((size_t)top - 16 + size_of(top) - chunk_of(p)) | 1;
	s_free(p);
}

static void double_free_prev(void)
{
	void *p = top_malloc(2000);

	next_malloc(p, 2000);
	s_free(p);
	s_free(p);
}

static void free_invalid_next_size_normal(void)
{
	void *p = top_malloc(2000), *g = next_malloc(p, 100);

	W(g, -1) = 0x1;
	s_free(p);
}

static void corrupted_size_vs_prev_size_while_consolidating(void)
{
	void *a = top_malloc(2000), *b = next_malloc(a, 2000);

	next_malloc(b, 100);
	s_free(a);
	W(a, -1) = 2032 | 1; /* b's prev_size still says 2016 */
	s_free(b);
}

/* a, b, c of 2016 bytes; b freed (unsorted); @bad_fd or c's prev_size. */
static void unlink_next(bool bad_fd)
{
	void *a = top_malloc(2000), *b = next_malloc(a, 2000);
	void *c = next_malloc(b, 2000);

	s_free(b);
	if (bad_fd) {
		W(a, 1) = 0;
		W(b, 0) = chunk_of(a); /* a's bk does not lead back */
	} else {
		W(c, -2) = 0x1000;
	}
	s_free(a);
}

static void corrupted_size_vs_prev_size(void)
{
	unlink_next(false);
}

static void corrupted_double_linked_list(void)
{
	unlink_next(true);
}

static void corrupted_double_linked_list_not_small(void)
{
	void *x, *g1, *g2, *v;

	large_bin_setup(&x, &g1, &g2, &v);
	W(x, 2) = chunk_of(g2); /* g2's bk_nextsize (0) is not x */
	s_free(g1);
}

static void free_corrupted_unsorted_chunks(void)
{
	size_t *h = unsorted_header();
	void *g = top_malloc(100), *a = next_malloc(g, 2000);

	next_malloc(a, 100);
	W(g, 1) = 0;
	h[2] = chunk_of(g);
	s_free(a);
}

/* ---- realloc() and mapped chunks --------------------------------------- */

static void realloc_invalid_pointer(void)
{
	char *p = top_malloc(100);

	memset(p, 0, 100);
	s_realloc(p + 8, 200);
}

static void realloc_invalid_old_size(void)
{
	void *p = top_malloc(200);

	/* Nothing may be read through it: 1 TiB, 1 GiB on a 32-bit port. */
	W(p, -1) = ((size_t)1 << (SIZE_MAX > 0xffffffffu ? 40 : 30)) | 1;
	s_realloc(p, 300);
}

static void realloc_invalid_next_size(void)
{
	void *p = top_malloc(200), *g = next_malloc(p, 100);

	W(g, -1) = 0x1;
	s_realloc(p, 300);
}

/* A mapped block whose prev_size says the mapping starts mid-page. */
static void *mapped_bad(void)
{
	void *p = s_malloc(200000);

	expect((W(p, -1) & 2) != 0, "200000 bytes not mapped");
	W(p, -2) = 8;
	return p;
}

static void munmap_chunk_invalid_pointer(void)
{
	s_free(mapped_bad());
}

static void mremap_chunk_invalid_pointer(void)
{
	s_realloc(mapped_bad(), 300000);
}

/* ---- statistics -------------------------------------------------------- */

static void int_mallinfo_unaligned_fastbin_chunk(void)
{
	void *a, *b;

	fast_misaligned_next(&a, &b);
	step("mallinfo2");
	mallinfo2();
}

/*
 * As the death test, fopen() and malloc_info(): fopen allocates the FILE
 * before the heap is set up, and the stream gets a static buffer when
 * @own_buffer (else stdio allocates one inside malloc_info).
 */
static void malloc_info_case(bool own_buffer)
{
	static char buf[8192];
	void *a, *b;
	FILE *f;

	step("fopen");
	f = fopen("/dev/null", "w");
	expect(f != NULL, "no /dev/null");
	if (own_buffer)
		expect(setvbuf(f, buf, _IOFBF, sizeof(buf)) == 0, "setvbuf");
	fast_misaligned_next(&a, &b);
	step("malloc_info");
	malloc_info(0, f);
}

static void malloc_info_unaligned_fastbin_chunk(void)
{
	malloc_info_case(false);
}

static void malloc_info_unaligned_fastbin_chunk_own_buffer(void)
{
	malloc_info_case(true);
}

/* ---- the break and sysmalloc ------------------------------------------- */

/* Lower the break under the heap, then grow it (no mapping allowed). */
static void break_adjusted_case(bool action0)
{
	if (action0)
		s_mallopt(M_CHECK_ACTION, 0);
	s_mallopt(M_MMAP_MAX, 0);
	s_malloc(100);
	expect(sbrk(-65536) != (void *)-1, "sbrk refused");
	s_malloc(140000);
}

static void break_adjusted(void)
{
	break_adjusted_case(false);
}

static void break_adjusted_always_action3(void)
{
	break_adjusted_case(true);
}

static void sysmalloc_assertion(void)
{
	char *p = top_malloc(24);

	W(p + 32, -1) = 0x21;
	s_malloc(100000);
}

/* ---- malloc(): fast and small bins ------------------------------------- */

static void malloc_memory_corruption_fast(void)
{
	void *a = top_malloc(24);

	s_free(a);
	W(a, -1) = 0x31;
	s_malloc(24);
}

static void malloc_unaligned_fastbin_chunk_2(void)
{
	void *a, *b;

	fast_misaligned_next(&a, &b);
	expect(s_malloc(24) == b, "b not handed out"); /* bad link is head */
	s_malloc(24);
}

static void *touch_allocator(void *arg)
{
	free(malloc(16));
	return arg;
}

static void malloc_unaligned_fastbin_chunk_multithreaded(void)
{
	pthread_t t;
	void *a, *b;

	step("pthread_create");
	expect(pthread_create(&t, NULL, touch_allocator, NULL) == 0 &&
		       pthread_join(t, NULL) == 0,
	       "no thread");
	fast_misaligned_next(&a, &b);
	s_malloc(24);
}

static void malloc_smallbin_double_linked_list_corrupted(void)
{
	void *a = top_malloc(200), *g = next_malloc(a, 100);

	s_free(a);
	top_malloc(300); /* files a in its small bin */
	W(g, 0) = 0;
	W(a, 1) = chunk_of(g);
	s_malloc(200);
}

/* ---- malloc(): the unsorted bin ---------------------------------------- */

/* a (208) freed into the unsorted bin before g; @kind corrupts. */
static void unsorted_case(int kind)
{
	void *a = top_malloc(200), *g = next_malloc(a, 100);

	s_free(a);
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
	s_malloc(100);
}

static void malloc_memory_corruption_unsorted_size(void)
{
	unsorted_case(0);
}

static void malloc_invalid_next_size_unsorted(void)
{
	unsorted_case(1);
}

static void malloc_mismatching_next_prev_size_unsorted(void)
{
	unsorted_case(2);
}

static void malloc_unsorted_double_linked_list_corrupted(void)
{
	unsorted_case(3);
}

static void malloc_invalid_next_prev_inuse_unsorted(void)
{
	unsorted_case(4);
}

/* A and B (208) unsorted, A the oldest; B's fd does not lead to A. */
static void malloc_corrupted_unsorted_chunks_3(void)
{
	void *a = top_malloc(200), *g1 = next_malloc(a, 100);
	void *b = next_malloc(g1, 200);

	next_malloc(b, 100);
	s_free(a);
	s_free(b);
	W(b, 0) = chunk_of(g1);
	s_malloc(100);
}

/* ---- malloc(): the large bins ------------------------------------------ */

/* X in bin 79; @bk or bk_nextsize corrupted; V (2032) filed beside it. */
static void large_insert(bool bk)
{
	void *x, *g1, *g2, *v;

	large_bin_setup(&x, &g1, &g2, &v);
	s_free(v);
	W(g1, 0) = 0;
	W(g1, 2) = 0;
	if (bk)
		W(x, 1) = chunk_of(g1);
	else
		W(x, 3) = chunk_of(g1);
	s_malloc(3000);
}

static void malloc_largebin_corrupted_nextsize(void)
{
	large_insert(false);
}

static void malloc_largebin_corrupted_bk(void)
{
	large_insert(true);
}

/*
 * X in bin 79, the empty unsorted bin's fd pointing at a chunk whose bk
 * does not lead back; then a request split off X, from its own bin
 * (@request 1970) or through the binmap (1500).
 */
static void unsorted_remainder(size_t request)
{
	size_t *h = unsorted_header();
	void *x = top_malloc(2000), *g1 = next_malloc(x, 2000);
	void *g2 = next_malloc(g1, 100);

	s_free(x);
	top_malloc(3000);
	W(g2, 1) = 0;
	h[2] = chunk_of(g2);
	s_malloc(request);
}

static void malloc_corrupted_unsorted_chunks(void)
{
	unsorted_remainder(1970);
}

static void malloc_corrupted_unsorted_chunks_2(void)
{
	unsorted_remainder(1500);
}

/* ---- malloc(): top ----------------------------------------------------- */

static void malloc_corrupted_top_size(void)
{
	char *p = top_malloc(24);

	W(p + 32, -1) = 0x7ffffff0 | 1;
	s_malloc(100);
}

/* ---- malloc_consolidate() ---------------------------------------------- */

static void malloc_consolidate_invalid_chunk_size(void)
{
	void *a = top_malloc(24);

	s_free(a);
	W(a, -1) = 0x31;
	s_malloc(2000);
}

static void malloc_consolidate_unaligned_fastbin_chunk(void)
{
	void *a, *b;

	fast_misaligned_next(&a, &b);
	s_malloc(2000);
}

static void corrupted_size_vs_prev_size_in_fastbins(void)
{
	void *a = top_malloc(200), *b = next_malloc(a, 24);

	next_malloc(b, 100);
	s_free(a);
	s_free(b); /* fast: not merged with a yet */
	W(a, -1) = 224 | 1;
	s_malloc(2000);
}

/* ---- the table --------------------------------------------------------- */

struct scenario {
	const char *name;
	void (*run)(void);
};

#define S(fn)           \
	{               \
#fn, fn \
	}

static const struct scenario scenarios[] = {
	S(free_invalid_pointer),
	S(free_invalid_size),
	S(free_invalid_next_size_fast),
	S(double_free_fasttop),
	S(invalid_fastbin_entry),
	S(invalid_fastbin_entry_not_checked_by_free),
	S(double_free_top),
	S(double_free_out),
	S(double_free_prev),
	S(free_invalid_next_size_normal),
	S(corrupted_size_vs_prev_size_while_consolidating),
	S(corrupted_size_vs_prev_size),
	S(corrupted_double_linked_list),
	S(corrupted_double_linked_list_not_small),
	S(free_corrupted_unsorted_chunks),
	S(realloc_invalid_pointer),
	S(realloc_invalid_old_size),
	S(realloc_invalid_next_size),
	S(munmap_chunk_invalid_pointer),
	S(mremap_chunk_invalid_pointer),
	S(int_mallinfo_unaligned_fastbin_chunk),
	S(malloc_info_unaligned_fastbin_chunk),
	S(malloc_info_unaligned_fastbin_chunk_own_buffer),
	S(break_adjusted),
	S(break_adjusted_always_action3),
	S(sysmalloc_assertion),
	S(malloc_memory_corruption_fast),
	S(malloc_unaligned_fastbin_chunk_2),
	S(malloc_unaligned_fastbin_chunk_multithreaded),
	S(malloc_smallbin_double_linked_list_corrupted),
	S(malloc_memory_corruption_unsorted_size),
	S(malloc_invalid_next_size_unsorted),
	S(malloc_mismatching_next_prev_size_unsorted),
	S(malloc_unsorted_double_linked_list_corrupted),
	S(malloc_invalid_next_prev_inuse_unsorted),
	S(malloc_corrupted_unsorted_chunks_3),
	S(malloc_largebin_corrupted_nextsize),
	S(malloc_largebin_corrupted_bk),
	S(malloc_corrupted_unsorted_chunks),
	S(malloc_corrupted_unsorted_chunks_2),
	S(malloc_corrupted_top_size),
	S(malloc_consolidate_invalid_chunk_size),
	S(malloc_consolidate_unaligned_fastbin_chunk),
	S(corrupted_size_vs_prev_size_in_fastbins),
	S(extra_consolidate_by_mallopt),
	S(extra_consolidate_by_malloc_trim),
	S(extra_consolidate_by_large_free),
	S(extra_invalid_fastbin_entry_by_memalign),
	S(extra_realloc_unlink_fd),
	S(extra_realloc_unlink_prev_size),
	S(extra_calloc_corrupted_top_size),
	S(extra_malloc_stats_unaligned_fastbin_chunk),
	S(extra_binmap_chunk_too_small),
	S(extra_largebin_non_main_arena_bit),
	S(extra_calloc_chunk_too_small),
	S(extra_unaligned_fastbin_chunk_thread_without_malloc),
	S(extra_unsorted_size_0x11),
	S(extra_memalign_chunk_too_small),
	S(extra_plain_pointer_over_fast_link),
	S(extra_free_invalid_size_arena_bit),
	S(extra_thread_double_free_prev),
	S(extra_thread_corrupted_top_size),
	S(extra_thread_unsorted_double_linked_list),
	S(extra_double_free_deep_in_bin),
};

int main(int argc, char **argv)
{
	size_t n = sizeof(scenarios) / sizeof(scenarios[0]);

	for (size_t i = 0; i < n; i++) {
		if (argc < 2) {
			put_fd(1, scenarios[i].name);
			put_fd(1, "\n");
			continue;
		}
		if (strcmp(argv[1], scenarios[i].name) == 0) {
			scenarios[i].run();
			put("@done\n");
			_exit(0);
		}
	}
	if (argc < 2)
		return 0;
	put("@layout unknown scenario\n");
	return 3;
}
