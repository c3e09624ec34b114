/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.7 (free path) of docs/experiments.md: free(NULL), munmap of
 * an mmapped chunk, the dynamic mmap/trim thresholds (raised by a free
 * of an mmapped chunk above the threshold and at most 32 MiB, never
 * after one of the four knobs was set), fast-bin consolidation by a free
 * that yields at least 64 KiB, and trimming that keeps top_pad.
 */
#include <string.h>

#include "harness.h"

/* The thresholds before any change. */
static void assert_default_thresholds(void)
{
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 131072));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 131072));
}

/* free(NULL) does nothing, on a fresh heap and on a used one. */
Test(experiment_3_7, free_null)
{
	fresh_sim_heap();
	ptm_free(NULL);
	assert_mallinfo("fresh, after free(NULL)",
			(struct mi_expect){ .ordblks = 1 });
	cr_assert(eq(sz, brk_delta(), 0));
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(200);

	(void)a;
	(void)b;
	ptm_free(NULL);
	assert_mallinfo("used, after free(NULL)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .uordblks = 240,
					    .fordblks = 135168 - 240,
					    .keepcost = 135168 - 240 });
}

/* Freeing an mmapped chunk munmaps it: hblks and hblkhd back to 0. */
Test(experiment_3_7, munmap_mmapped_chunk)
{
	fresh_sim_heap();
	char *p = ptm_malloc(MIB(1));

	memset(p, 0x5a, MIB(1));
	cr_assert(eq(int, MI(hblks), 1));
	cr_assert(eq(int, MI(hblkhd), 1052672));
	ptm_free(p);
	assert_mallinfo("after the munmap", (struct mi_expect){ .ordblks = 1 });
	cr_assert(eq(sz, brk_delta(), 0));
}

/*
 * Freeing a 1 MiB mmapped chunk (1052672 bytes, above 128 KiB) raises the
 * mmap threshold to 1052672 and the trim threshold to 2105344; the next
 * malloc(1 MiB) then comes from the heap (brk +0x121000), and freeing it
 * does not trim.
 */
Test(experiment_3_7, dynamic_threshold_raised)
{
	fresh_sim_heap();
	char *p = ptm_malloc(MIB(1));

	assert_default_thresholds();
	ptm_free(p);
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 1052672));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 2105344));
	p = ptm_malloc(MIB(1));
	cr_assert(eq(int, MI(hblks), 0));
	cr_assert(eq(ptr, p, heap_start() + 16));
	cr_assert(eq(sz, brk_delta(), 0x121000));
	ptm_free(p);
	cr_assert(eq(sz, brk_delta(), 0x121000), "top below 2105344: no trim");
	cr_assert(eq(int, MI(keepcost), 0x121000));
}

/* A chunk of 32 MiB - 4 KiB is at most 32 MiB: the thresholds follow it. */
Test(experiment_3_7, dynamic_threshold_just_below_32mib)
{
	fresh_sim_heap();
	char *p = ptm_malloc(33550312);

	cr_assert(eq(sz, size_word(p), 33550336 | 2));
	ptm_free(p);
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 33550336));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 67100672));
}

/* A chunk above 32 MiB does not move the thresholds. */
Test(experiment_3_7, dynamic_threshold_not_raised_above_32mib)
{
	fresh_sim_heap();
	char *p = ptm_malloc(MIB(32));

	cr_assert(eq(sz, size_word(p), (MIB(32) + 4096) | 2));
	ptm_free(p);
	assert_default_thresholds();
	cr_assert(eq(int, MI(hblks), 0));
}

/* A chunk not above the current threshold does not lower it. */
Test(experiment_3_7, dynamic_threshold_only_rises)
{
	fresh_sim_heap();
	ptm_free(ptm_malloc(MIB(2)));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), MIB(2) + 4096));
	ptm_free(ptm_malloc(MIB(3)));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), MIB(3) + 4096));
	cr_assert(
		eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 2 * (MIB(3) + 4096)));
	/* 2 MiB is now below the threshold: from the heap, no change. */
	char *p = ptm_malloc(MIB(2));

	cr_assert(eq(int, MI(hblks), 0));
	ptm_free(p);
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), MIB(3) + 4096));
}

/* Set a knob to its default, then free a 1 MiB mmapped block. */
static void knob_then_free_1mib(int param, int value)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(param, value), 1));
	char *p = ptm_malloc(MIB(1));

	cr_assert(eq(int, MI(hblks), 1), "still mmapped");
	ptm_free(p);
	cr_assert(eq(int, MI(hblks), 0));
	assert_default_thresholds();
}

Test(experiment_3_7, no_dynamic_threshold_after_m_trim_threshold)
{
	knob_then_free_1mib(M_TRIM_THRESHOLD, 131072);
}

Test(experiment_3_7, no_dynamic_threshold_after_m_top_pad)
{
	knob_then_free_1mib(M_TOP_PAD, 131072);
	cr_assert(eq(sz, ptm_debug_param(M_TOP_PAD), 131072));
}

Test(experiment_3_7, no_dynamic_threshold_after_m_mmap_threshold)
{
	knob_then_free_1mib(M_MMAP_THRESHOLD, 131072);
}

Test(experiment_3_7, no_dynamic_threshold_after_m_mmap_max)
{
	knob_then_free_1mib(M_MMAP_MAX, 65536);
}

/*
 * A free whose coalesced chunk reaches 64 KiB consolidates the fast
 * bins: the two fast chunks before it merge with it.
 */
Test(experiment_3_7, fastbin_consolidation_at_64k)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);
	char *big = ptm_malloc(70000);
	char *guard = ptm_malloc(24);

	cr_assert(eq(sz, chunk_bytes(big), 70016));
	ptm_free(a);
	ptm_free(b);
	cr_assert(eq(int, MI(smblks), 2));
	ptm_free(big);
	assert_mallinfo("fast chunks consolidated with the 70016 chunk",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 2,
					    .smblks = 0,
					    .fsmblks = 0,
					    .uordblks = 32,
					    .fordblks = 135136,
					    .keepcost = 135168 - 70112 });
	cr_assert(eq(sz, size_word(a), 70080 | 1));
	cr_assert(eq(sz, prev_size_word(guard), 70080));
	cr_assert(eq(sz, brk_delta(), 135168));
}

/* A free that yields less than 64 KiB leaves the fast bins alone. */
Test(experiment_3_7, no_fastbin_consolidation_below_64k)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);
	char *mid = ptm_malloc(60000);
	char *guard = ptm_malloc(24);

	(void)guard;
	ptm_free(a);
	ptm_free(b);
	ptm_free(mid);
	cr_assert(eq(int, MI(smblks), 2));
	cr_assert(eq(int, MI(fsmblks), 64));
	cr_assert(eq(int, MI(ordblks), 2));
}

/*
 * Trimming keeps top_pad: with M_TOP_PAD 64 KiB, malloc(100 KiB) grows
 * the heap by 0x2a000; its free leaves top at 0x11000 (the break moves
 * down by round_down(0x2a000 - 65536 - 33)).
 */
Test(experiment_3_7, trim_keeps_top_pad)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_TOP_PAD, KIB(64)), 1));
	char *p = ptm_malloc(KIB(100));

	cr_assert(eq(sz, brk_delta(), 0x2a000));
	ptm_free(p);
	cr_assert(eq(sz, brk_delta(), 0x11000));
	assert_mallinfo("trimmed to top_pad + one page",
			(struct mi_expect){ .arena = 0x11000,
					    .ordblks = 1,
					    .fordblks = 0x11000,
					    .keepcost = 0x11000 });
}

/* Default pad: five 100 KiB blocks freed leave 0x21000 of top. */
Test(experiment_3_7, trim_keeps_default_top_pad)
{
	char *p[5];

	fresh_sim_heap();
	for (int i = 0; i < 5; i++)
		p[i] = ptm_malloc(KIB(100));
	for (int i = 0; i < 5; i++)
		ptm_free(p[i]);
	cr_assert(eq(sz, brk_delta(), 0x21000));
	cr_assert(eq(int, MI(keepcost), 0x21000));
	cr_assert(eq(int, MI(arena), 0x21000));
}
