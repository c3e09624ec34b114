/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.4 (free-chunk containers), 32-bit geometry: the table of 001
 * section 3.4.1 is the one of the 32-bit port of glibc 2.17 (SIZE_SZ 4,
 * MALLOC_ALIGNMENT 8), where bin_index uses largebin_index_32.
 *
 * The makefile compiles this file with sysdeps/i386 first on the include
 * path, so bins.h here has the 32-bit geometry while the rest of the
 * test binary keeps x86_64's.  Only the inline arithmetic of bins.h is
 * used; no allocator call.  The expected table is the "32-bit, align 8"
 * table of glibc 2.36's malloc.c (largebin_index_32), and erratum 1 of
 * docs/errata.md (45056 is in bin 120, not 121; no size is
 * indexed to bin 127) are asserted against the document's own table.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>

#include "bins.h"
#include "bins_table_i386.h"

/* The header really is the 32-bit one. */
Test(experiment_3_4, i386_geometry)
{
	cr_assert(eq(sz, SIZE_SZ, 4));
	cr_assert(eq(sz, MALLOC_ALIGNMENT, 8));
	cr_assert(eq(int, SMALLBIN_CORRECTION, 0));
	cr_assert(eq(sz, MIN_LARGE_SIZE, 512));
	cr_assert(eq(int, NFASTBINS, 10));
}

/* Small bins 2..63: one size each, 8 bytes apart (16..504). */
Test(experiment_3_4, i386_small_bin_boundaries)
{
	for (unsigned int i = 2; i <= 63; i++) {
		size_t sz = 8 * (size_t)i;

		cr_assert(eq(uint, smallbin_index(sz), i), "size %zu", sz);
		cr_assert(eq(uint, bin_index(sz), i), "size %zu", sz);
	}
	cr_assert(eq(int, in_smallbin_range(504), 1));
	cr_assert(eq(int, in_smallbin_range(512), 0));
}

/* Large bins 64..126: largebin_index_32 at each first and last size. */
Test(experiment_3_4, i386_large_bin_boundaries)
{
	cr_assert(eq(sz, LARGE_ROWS_32, 63));
	for (size_t r = 0; r < LARGE_ROWS_32; r++) {
		unsigned int bin = large_table_32[r].bin;
		size_t lo = large_table_32[r].first;
		size_t hi = large_table_32[r].last;

		cr_assert(eq(uint, bin, 64 + r));
		cr_assert(eq(uint, largebin_index_32(lo), bin), "first %zu",
			  lo);
		cr_assert(eq(uint, largebin_index_32(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, bin_index(lo), bin), "first %zu", lo);
		cr_assert(eq(uint, bin_index(hi), bin), "last %zu", hi);
		cr_assert(eq(uint, largebin_index(lo), bin), "first %zu", lo);
		if (r + 1 < LARGE_ROWS_32)
			cr_assert(eq(sz, large_table_32[r + 1].first, hi + 8),
				  "bins %u and %u are contiguous", bin,
				  bin + 1);
	}
}

/* Fast bins: index i holds chunk 16 + 8 i, i = 0..9. */
Test(experiment_3_4, i386_fastbin_index)
{
	for (unsigned int i = 0; i <= 9; i++)
		cr_assert(eq(uint, fastbin_index(16 + 8 * (size_t)i), i));
}

/*
 * The document's table where it agrees with the index function: the
 * first and last size of each of its groups of bins.
 */
Test(experiment_3_4, i386_document_table_groups)
{
	cr_assert(eq(uint, bin_index(16), 2));
	cr_assert(eq(uint, bin_index(504), 63));
	cr_assert(eq(uint, bin_index(512), 64));
	cr_assert(eq(uint, bin_index(2488), 94));
	cr_assert(eq(uint, bin_index(2496), 95));
	cr_assert(eq(uint, bin_index(10744), 111));
	cr_assert(eq(uint, bin_index(10752), 112));
	cr_assert(eq(uint, bin_index(45048), 120));
	cr_assert(eq(uint, bin_index(163832), 123));
	cr_assert(eq(uint, bin_index(163840), 124));
	cr_assert(eq(uint, bin_index(786424), 126));
}

/*
 * Errata 1: the document puts 45056 in bin 121 and 786432.. in bin 127;
 * the real index function puts 45056 in bin 120 and never returns 127.
 */
Test(experiment_3_4, i386_errata_bin_120_and_127)
{
	cr_assert(eq(uint, bin_index(45056), 120));
	cr_assert(eq(uint, largebin_index_32(45056), 120));
	cr_assert(eq(uint, bin_index(786432), 126));
	for (size_t sz = 16; sz <= 16UL * 1024 * 1024; sz += 8)
		cr_assert(le(uint, bin_index(sz), 126), "size %zu", sz);
	cr_assert(eq(uint, bin_index(0xfffffff8), 126));
}
