// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_layout: E-3.3 (chunk layout) and E-3.4 (free-chunk containers),
 * 001 sections 3.3 and 3.4, on a simulated break.
 *
 *	exp_layout chunks|dump|arena|bins|containers
 *
 * chunks:  the chunk size of requests 0..1 MiB, alignment, usable sizes,
 *	    the IS_MMAPPED bit, the space reuse of the next prev_size.
 * dump:    the gdb dump of 001 section 5.3.3: five malloc(16) on a fresh
 *	    heap.
 * arena:   the NON_MAIN_ARENA bit of a chunk allocated by a second
 *	    thread, which gets its own arena, the break not moving, and
 *	    mallinfo counting both arenas.
 * bins:    the bin index at every boundary, x86_64 and the 32-bit table
 *	    of 001 section 3.4.1 (errata 1).
 * containers: fast bins (LIFO, PREV_INUSE left set, no coalescing),
 *	    coalescing into the unsorted bin, merging into top, and the
 *	    M_MXFAST limits.
 *
 * Every key is documented beside the code that prints it.
 */
#include <pthread.h>

#include "bins.h"
#include "exp_util.h"

/* chunks: chunk_REQ, usable sizes, alignment, flags, space reuse. */
static void chunks(void)
{
	static const size_t reqs[] = { 0,  1,  24,   25,	40,
				       41, 56, 1024, 100 * 1024 };
	int misaligned = 0;
	char key[32];
	char *a, *b, *mm;

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		char *p = ptm_malloc(reqs[i]);

		snprintf(key, sizeof(key), "chunk_%zu", reqs[i]);
		exp_put(key, (long long)chunk_size(mem2chunk(p)));
		misaligned += ((uintptr_t)p & 15) != 0;
	}
	exp_put("usable_24", (long long)ptm_malloc_usable_size(ptm_malloc(24)));
	exp_put("usable_25", (long long)ptm_malloc_usable_size(ptm_malloc(25)));
	exp_put("usable_null", (long long)ptm_malloc_usable_size(NULL));
	mm = ptm_malloc(1024 * 1024);
	misaligned += ((uintptr_t)mm & 15) != 0;
	exp_put("mmapped_flags", (long long)(exp_size_word(mm) & SIZE_BITS));
	exp_put("usable_mmapped", (long long)ptm_malloc_usable_size(mm));
	/* Writing 24 bytes into a 32-byte chunk reaches the next prev_size. */
	a = ptm_malloc(24);
	b = ptm_malloc(24);
	memset(a, 0xab, 24);
	exp_put("reuse_next_size_word", (long long)exp_size_word(b));
	exp_put("reuse_next_prev_size_written",
		mem2chunk(b)->prev_size == (size_t)0xababababababababULL);
	/* With mmap off, 1 MiB comes from the heap: request2size(1 MiB). */
	ptm_mallopt(M_MMAP_MAX, 0);
	exp_put("chunk_1048576",
		(long long)chunk_size(mem2chunk(ptm_malloc(1024 * 1024))));
	exp_put("misaligned", misaligned);
}

/* dump: five malloc(16) on a fresh heap, as gdb showed them. */
static void dump(void)
{
	char *p[5];
	long long min_gap = 1LL << 40, max_gap = 0;
	int size_0x21 = 0;

	for (int i = 0; i < 5; i++)
		p[i] = ptm_malloc(16);
	exp_map("e3_3_five_chunks");
	exp_put("first_offset",
		(long long)(p[0] - (char *)ptm_debug_heap_start()));
	for (int i = 0; i < 5; i++) {
		size_0x21 += exp_size_word(p[i]) == 0x21;
		if (i > 0 && p[i] - p[i - 1] < min_gap)
			min_gap = p[i] - p[i - 1];
		if (i > 0 && p[i] - p[i - 1] > max_gap)
			max_gap = p[i] - p[i - 1];
	}
	exp_put("min_gap", min_gap);
	exp_put("max_gap", max_gap);
	exp_put("size_words_0x21", size_0x21);
	exp_put("first_prev_inuse",
		(long long)(exp_size_word(p[0]) & PREV_INUSE));
	exp_put("top_size_word",
		(long long)chunk_size_nomask(next_chunk(mem2chunk(p[4]))));
}

/* arena: the second thread's allocation, run by pthread_create. */
static void *thread_alloc(void *arg)
{
	*(void **)arg = ptm_malloc(100);
	return NULL;
}

/* arena: NON_MAIN_ARENA on the second thread's chunk only. */
static void arena(void)
{
	void *mine = ptm_malloc(100);
	void *theirs = NULL;
	char *before = exp_brk();
	pthread_t t;

	if (pthread_create(&t, NULL, thread_alloc, &theirs) != 0 ||
	    pthread_join(t, NULL) != 0 || theirs == NULL)
		exp_die("exp_layout: thread failed\n");
	exp_put("main_non_main_bit",
		(long long)(exp_size_word(mine) & NON_MAIN_ARENA));
	exp_put("thread_non_main_bit",
		(long long)(exp_size_word(theirs) & NON_MAIN_ARENA));
	exp_put("thread_brk_moved", (long long)(exp_brk() - before));
	exp_put("thread_chunk_size", (long long)chunk_size(mem2chunk(theirs)));
	/* Both arenas' heaps: mallinfo sums every arena (erratum 5). */
	exp_put("mallinfo_arena", (long long)ptm_mallinfo2().arena);
}

/*
 * The bin of a chunk size in the 32-bit geometry of glibc 2.17 (i386:
 * SIZE_SZ 4, 8-byte alignment): small bins below 512 are size / 8, the
 * large ones come from bins.h's largebin_index_32().
 */
static unsigned int bin_index_i386(size_t sz)
{
	return sz < 512 ? (unsigned int)(sz >> 3) : largebin_index_32(sz);
}

/*
 * The largest size of the 64-bit table, 1 TiB; a 32-bit build (a port's,
 * whose E-3.4 figures are not checked) stops at 2 GiB to stay in size_t.
 */
#define EXP_HUGE_LARGE ((size_t)1 << (SIZE_MAX > 0xffffffffu ? 40 : 31))

/* bins: bin_x86_64_SIZE and bin_i386_SIZE at each group boundary. */
static void bins(void)
{
	static const size_t x86_64[] = { 32,	 1008,	 1024,		3120,
					 3136,	 10736,	 10752,		45040,
					 45056,	 65536,	 163824,	163840,
					 786416, 786432, EXP_HUGE_LARGE };
	static const size_t ia32[] = {
		16,    504,   512,    2488,   2496,   10744,  10752,	45048,
		45056, 65536, 163832, 163840, 786424, 786432, 1UL << 31
	};
	char key[48];

	for (size_t i = 0; i < sizeof(x86_64) / sizeof(x86_64[0]); i++) {
		snprintf(key, sizeof(key), "bin_x86_64_%zu", x86_64[i]);
		exp_put(key, bin_index(x86_64[i]));
	}
	for (size_t i = 0; i < sizeof(ia32) / sizeof(ia32[0]); i++) {
		snprintf(key, sizeof(key), "bin_i386_%zu", ia32[i]);
		exp_put(key, bin_index_i386(ia32[i]));
	}
	exp_put("nbins", NBINS);
	exp_put("nfastbins", NFASTBINS);
	exp_put("min_large_size", (long long)MIN_LARGE_SIZE);
}

/* containers, part 1: fast bins keep P set and never coalesce. */
static void fast_bins(char *a, char *b, char *g)
{
	ptm_free(a);
	exp_put("fast_next_prev_inuse",
		(long long)(exp_size_word(b) & PREV_INUSE));
	ptm_free(b);
	exp_put("fast_next_prev_inuse2",
		(long long)(exp_size_word(g) & PREV_INUSE));
	exp_put("fast_smblks", (long long)ptm_mallinfo2().smblks);
	exp_put("fast_lifo", ptm_malloc(24) == b);
}

/* containers: see the file comment. */
static void containers(void)
{
	char *a = ptm_malloc(24), *b = ptm_malloc(24), *g = ptm_malloc(24);
	char *x = ptm_malloc(200), *y = ptm_malloc(200), *g2 = ptm_malloc(24);
	char *t = ptm_malloc(200);
	size_t keep;

	fast_bins(a, b, g);
	ptm_free(x);
	ptm_free(y);
	exp_put("coalesced_size", (long long)chunk_size(mem2chunk(x)));
	exp_put("coalesced_next_prev_inuse",
		(long long)(exp_size_word(g2) & PREV_INUSE));
	exp_put("coalesced_ordblks", (long long)ptm_mallinfo2().ordblks);
	keep = ptm_mallinfo2().keepcost;
	ptm_free(t);
	exp_put("top_merge_gain", (long long)(ptm_mallinfo2().keepcost - keep));
	/*
	 * Top is now >= 64 KiB, so that free also consolidated the fast
	 * bins: a (still in its fast bin) joins the unsorted bin.
	 */
	exp_put("top_merge_ordblks", (long long)ptm_mallinfo2().ordblks);
	exp_put("top_merge_smblks", (long long)ptm_mallinfo2().smblks);
	exp_put("mxfast_161_ret", ptm_mallopt(M_MXFAST, 161));
	exp_put("mxfast_after_161", (long long)ptm_debug_param(M_MXFAST));
	exp_put("mxfast_160_ret", ptm_mallopt(M_MXFAST, 160));
	exp_put("mxfast_after_160", (long long)ptm_debug_param(M_MXFAST));
	exp_put("mxfast_0_ret", ptm_mallopt(M_MXFAST, 0));
	a = ptm_malloc(24);
	g = ptm_malloc(24);
	ptm_free(a);
	exp_put("mxfast_0_smblks", (long long)ptm_mallinfo2().smblks);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *mode;
		void (*run)(void);
	} modes[] = {
		{ "chunks", chunks },	      { "dump", dump },
		{ "arena", arena },	      { "bins", bins },
		{ "containers", containers },
	};

	const char *mode = argc > 1 ? argv[1] : "";

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(mode, modes[i].mode) == 0) {
			exp_setup(argc, argv, true);
			exp_begin();
			modes[i].run();
			exp_end();
			return exp_finish();
		}
	}
	exp_usage("exp_layout", "chunks|dump|arena|bins|containers");
	return 2;
}
