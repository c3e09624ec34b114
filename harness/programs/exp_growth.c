// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_growth: E-3.6, the heap growth sizes of 001 section 3.6 (notes 1
 * and 2) and the mmap length of a large request.
 *
 *	exp_growth MODE [--trace FILE]
 *
 * Real program break:
 *   first8192: fresh heap, one request whose chunk is 8 KiB (8192): the
 *	first growth is +0x23000 (8 KiB + 128 KiB top pad + MINSIZE, to
 *	the page);
 *   first6144: the same with a 6 KiB chunk: +0x22000.
 * Simulated break (exact top sizes need a heap no one else touches):
 *   top2k: top holds exactly 2 KiB, a 20 KiB chunk is asked: grows by
 *	148 KiB;
 *   top16k32: top holds 16 KiB + 32: grows by 132 KiB;
 *   top16k: top holds exactly 16 KiB: grows by 136 KiB (erratum 2: 001
 *	says 132 KiB, forgetting the MINSIZE term);
 *   mmap1m: malloc(1 MiB) is mmapped with length 1052672.
 *
 * Keys: chunk_size, growth (break delta over the measured request),
 * top_before (the top size just before it), is_mmapped, usable.
 */
#include "exp_util.h"

/* The chunk size the growth experiments of note 1 ask for: 20 KiB. */
#define NOTE1_CHUNK (20 * 1024)
/* Largest chunk carved at once while shrinking top: below 128 KiB. */
#define CARVE_MAX (64 * 1024)

/* A request whose chunk is exactly @nb bytes (a multiple of 16). */
static size_t request_for(size_t nb)
{
	return nb - SIZE_SZ;
}

/* First allocation of a fresh heap: chunk @nb, report the growth. */
static void first_growth(size_t nb)
{
	void *p = ptm_malloc(request_for(nb));

	if (p == NULL)
		exp_die("exp_growth: malloc failed\n");
	exp_put("chunk_size", (long long)chunk_size(mem2chunk(p)));
	exp_put("growth", exp_brk_delta());
}

/*
 * Leave exactly @top_bytes in the top chunk (after a first malloc(16)
 * has created the heap), then ask for a 20 KiB chunk and report how far
 * the break moved.  Chunks are carved below the mmap threshold.
 */
static void growth_from_top(size_t top_bytes)
{
	size_t top, rest;
	char *before;

	if (ptm_malloc(16) == NULL)
		exp_die("exp_growth: malloc failed\n");
	top = ptm_mallinfo2().keepcost;
	if (top < top_bytes + MINSIZE)
		exp_die("exp_growth: first top too small\n");
	for (rest = top - top_bytes; rest > 0;) {
		size_t nb = rest > 3 * CARVE_MAX / 2 ? CARVE_MAX : rest;

		if (ptm_malloc(request_for(nb)) == NULL)
			exp_die("exp_growth: malloc failed\n");
		rest -= nb;
	}
	exp_put("top_before", (long long)ptm_mallinfo2().keepcost);
	before = exp_brk();
	if (ptm_malloc(request_for(NOTE1_CHUNK)) == NULL)
		exp_die("exp_growth: malloc failed\n");
	exp_put("growth", (long long)(exp_brk() - before));
}

/* malloc(1 MiB): the mmapped chunk and its usable size. */
static void mmap_length(void)
{
	void *p = ptm_malloc(1024 * 1024);

	if (p == NULL)
		exp_die("exp_growth: malloc failed\n");
	exp_put("is_mmapped", chunk_is_mmapped(mem2chunk(p)));
	exp_put("chunk_size", (long long)chunk_size(mem2chunk(p)));
	exp_put("usable", (long long)ptm_malloc_usable_size(p));
	exp_put("growth", exp_brk_delta());
	ptm_free(p);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	bool real = strcmp(mode, "first8192") == 0 ||
		    strcmp(mode, "first6144") == 0;

	if (!real && strcmp(mode, "top2k") != 0 &&
	    strcmp(mode, "top16k32") != 0 && strcmp(mode, "top16k") != 0 &&
	    strcmp(mode, "mmap1m") != 0)
		exp_usage("exp_growth", "first8192|first6144|top2k|top16k32|"
					"top16k|mmap1m");
	exp_setup(argc, argv, !real);
	exp_begin();
	if (strcmp(mode, "first8192") == 0)
		first_growth(8192);
	else if (strcmp(mode, "first6144") == 0)
		first_growth(6144);
	else if (strcmp(mode, "top2k") == 0)
		growth_from_top(2 * 1024);
	else if (strcmp(mode, "top16k32") == 0)
		growth_from_top(16 * 1024 + 32);
	else if (strcmp(mode, "top16k") == 0)
		growth_from_top(16 * 1024);
	else
		mmap_length();
	exp_end();
	return exp_finish();
}
