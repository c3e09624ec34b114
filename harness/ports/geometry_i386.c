// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * geometry_i386: the 32-bit figures of the source documents, checked on
 * the i386 port built in glibc 2.17's geometry (I386_GLIBC=2.17) and run
 * under qemu-i386 by `make check-ports`: the size constants, the chunk
 * sizes of live blocks (001 section 3.3, with erratum 4: its formula is
 * the 32-bit one), the layout of a fresh heap (the 32-bit form of the gdb
 * dump of 001 section 5.3.3), the alignment of returned blocks, and the
 * bin index table of 001 section 3.4.1 (with erratum 1).
 *
 * It prints one line per figure, "name document measured", and exits 1
 * on any difference.  The allocator's work is done first, on the real
 * break read at entry, and the report is written afterwards with
 * write(2), so that nothing else moves the break meanwhile.
 *
 * Built only by make check-ports, for this geometry (not a host program:
 * its headers must match the archive it links).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bins.h"
#include "bins_table_i386.h"
#include "ptmalloc.h"

_Static_assert(SIZE_SZ == 4 && MALLOC_ALIGNMENT == 8,
	       "geometry_i386 checks glibc 2.17's i386 geometry");

#define MAX_FIGURES 64

/* One figure: what the documents say and what was measured. */
static struct {
	const char *name;
	unsigned long doc, got;
} figures[MAX_FIGURES];

static unsigned int nfigures;

/* Record figure @name. */
static void figure(const char *name, unsigned long doc, unsigned long got)
{
	if (nfigures < MAX_FIGURES)
		figures[nfigures++] = (typeof(figures[0])){ name, doc, got };
}

/* The size constants of bins.h, chunk.h and malloc-machine.h. */
static void check_constants(void)
{
	figure("SIZE_SZ", 4, SIZE_SZ);
	figure("MALLOC_ALIGNMENT", 8, MALLOC_ALIGNMENT);
	figure("MINSIZE", 16, MINSIZE);
	figure("smallest large chunk (MIN_LARGE_SIZE)", 512, MIN_LARGE_SIZE);
	figure("fast bins (NFASTBINS)", 10, NFASTBINS);
	figure("default M_MXFAST", 64, DEFAULT_MXFAST);
	figure("largest M_MXFAST", 80, MAX_FAST_SIZE);
	figure("mmap threshold ceiling", 512 * 1024,
	       DEFAULT_MMAP_THRESHOLD_MAX);
	figure("HEAP_MAX_SIZE", 1024 * 1024, HEAP_MAX_SIZE);
}

/*
 * Five malloc(12) on a fresh heap: 16-byte chunks from the heap start
 * (the break is page aligned), each size word 0x11, and top holding the
 * rest of the first 132 KiB (135168 - 5 * 16, plus PREV_INUSE).
 */
static void check_fresh_heap(uintptr_t start)
{
	unsigned char *p[5];

	for (int i = 0; i < 5; i++)
		p[i] = ptm_malloc(12);
	figure("fresh heap: first block - heap start", 8,
	       (uintptr_t)p[0] - start);
	figure("fresh heap: distance of blocks 1 and 2", 16,
	       (unsigned long)(p[1] - p[0]));
	figure("fresh heap: distance of blocks 4 and 5", 16,
	       (unsigned long)(p[4] - p[3]));
	figure("fresh heap: size word of block 3", 0x11,
	       chunk_size_nomask(mem2chunk(p[2])));
	figure("fresh heap: top size word", 135168 - 5 * 16 + 1,
	       chunk_size_nomask(mem2chunk(p[4] + 16)));
	figure("fresh heap: break moved by", 135168,
	       (uintptr_t)sbrk(0) - start);
}

/* Chunk sizes of live blocks: request + 4, rounded up to 8, at least 16. */
static void check_chunk_sizes(void)
{
	static const struct {
		const char *name;
		size_t request, chunk;
	} rows[] = {
		{ "chunk of malloc(0)", 0, 16 },
		{ "chunk of malloc(12)", 12, 16 },
		{ "chunk of malloc(13)", 13, 24 },
		{ "chunk of malloc(20)", 20, 24 },
		{ "chunk of malloc(21)", 21, 32 },
		{ "chunk of malloc(100)", 100, 104 },
		{ "chunk of malloc(504)", 504, 512 },
		{ "chunk of malloc(1024)", 1024, 1032 },
		{ "chunk of malloc(100 KiB)", 102400, 102408 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		void *p = ptm_malloc(rows[i].request);

		figure(rows[i].name, rows[i].chunk,
		       p ? chunk_size(mem2chunk(p)) : 0);
	}
}

/*
 * Every block of 0..1100 bytes is 8-byte aligned, and the geometry is
 * not 16's: of twenty 24-byte chunks in a row, half start off 16.
 */
static void check_alignment(void)
{
	unsigned long off8 = 0, off16 = 0;

	for (size_t n = 0; n <= 1100; n++)
		off8 += ((uintptr_t)ptm_malloc(n) & 7) != 0;
	for (int i = 0; i < 20; i++)
		off16 += ((uintptr_t)ptm_malloc(20) & 15) != 0;
	figure("blocks of 0..1100 bytes not 8-aligned", 0, off8);
	figure("of 20 malloc(20) blocks, not 16-aligned", 10, off16);
}

/* The bin index table of 001 section 3.4.1, corrected by erratum 1. */
static void check_bins(void)
{
	unsigned long small = 0, large = 0;

	for (unsigned int i = 2; i <= 63; i++)
		small += bin_index(8 * (size_t)i) == i;
	for (size_t r = 0; r < LARGE_ROWS_32; r++)
		large += bin_index(large_table_32[r].first) ==
				 large_table_32[r].bin &&
			 bin_index(large_table_32[r].last) ==
				 large_table_32[r].bin;
	figure("small bins 2..63 at 8-byte steps", 62, small);
	figure("large bins 64..126 at both ends", 63, large);
	figure("bin of 45056 (erratum 1: not 121)", 120, bin_index(45056));
	figure("bin of 786432 (erratum 1: not 127)", 126, bin_index(786432));
	figure("fast bin of a 16-byte chunk", 0, fastbin_index(16));
	figure("fast bin of an 88-byte chunk", 9, fastbin_index(88));
}

/* Write the figures; 1 if any differs. */
static int report(void)
{
	char line[160];
	int bad = 0;

	for (unsigned int i = 0; i < nfigures; i++) {
		int same = figures[i].doc == figures[i].got;
		int n = snprintf(line, sizeof(line), "%-44s %10lu %10lu%s\n",
				 figures[i].name, figures[i].doc,
				 figures[i].got, same ? "" : "  DIFF");

		if (write(1, line, (size_t)n) != n)
			bad = 1;
		bad |= !same;
	}
	return bad;
}

int main(void)
{
	uintptr_t start = (uintptr_t)sbrk(0);

	check_constants();
	check_fresh_heap(start);
	check_chunk_sizes();
	check_alignment();
	check_bins();
	return report();
}
