/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bin geometry: which free list a chunk of a given size belongs to.
 *
 * 128 doubly linked bins: bin 1 is the unsorted bin, bins 2..63 are the
 * small bins (one exact size each, MALLOC_ALIGNMENT apart), bins 64..126
 * are the large bins (size ranges of growing width, kept sorted), bin 127
 * is never used.  Ten singly linked fast bins hold the smallest chunks.
 *
 * Only arithmetic lives here, so the 32-bit geometry can be tested on a
 * 64-bit host by putting sysdeps/i386 first on the include path.  The
 * list operations are in bins.c and fastbins.c.
 */
#ifndef PTM_BINS_H
#define PTM_BINS_H

#include "chunk.h"

#define NBINS 128
#define NSMALLBINS 64
#define SMALLBIN_WIDTH MALLOC_ALIGNMENT

/* 1 when the alignment exceeds two size words (i386 since glibc 2.26). */
#define SMALLBIN_CORRECTION (MALLOC_ALIGNMENT > CHUNK_HDR_SZ)

/* Smallest chunk size kept in a large bin (1024 on x86_64). */
#define MIN_LARGE_SIZE ((NSMALLBINS - SMALLBIN_CORRECTION) * SMALLBIN_WIDTH)

/* Whether a chunk of @sz bytes goes to a small bin. */
static inline bool in_smallbin_range(size_t sz)
{
	return sz < MIN_LARGE_SIZE;
}

/* The small bin of a chunk size. */
static inline unsigned int smallbin_index(size_t sz)
{
	if (SMALLBIN_WIDTH == 16)
		return (unsigned int)(sz >> 4) + SMALLBIN_CORRECTION;
	return (unsigned int)(sz >> 3) + SMALLBIN_CORRECTION;
}

/*
 * The large-bin ladder shared by every geometry: 64-byte steps up to a
 * first limit (@first_limit 64-byte units, numbered from @first_base),
 * then 512-byte, 4 KiB, 32 KiB and 256 KiB steps, and everything from
 * 512 KiB in bin 126.  Only the first rung differs between the ports.
 */
static inline unsigned int largebin_index_ladder(size_t sz,
						 unsigned int first_limit,
						 unsigned int first_base)
{
	if ((sz >> 6) <= first_limit)
		return first_base + (unsigned int)(sz >> 6);
	if ((sz >> 9) <= 20)
		return 91 + (unsigned int)(sz >> 9);
	if ((sz >> 12) <= 10)
		return 110 + (unsigned int)(sz >> 12);
	if ((sz >> 15) <= 4)
		return 119 + (unsigned int)(sz >> 15);
	if ((sz >> 18) <= 2)
		return 124 + (unsigned int)(sz >> 18);
	return 126;
}

/* Large bin index with SIZE_SZ 4 and 8-byte alignment (i386, glibc 2.17). */
static inline unsigned int largebin_index_32(size_t sz)
{
	return largebin_index_ladder(sz, 38, 56);
}

/* Large bin index with SIZE_SZ 4 and 16-byte alignment (i386, 2.26+). */
static inline unsigned int largebin_index_32_big(size_t sz)
{
	return largebin_index_ladder(sz, 45, 49);
}

/* Large bin index with SIZE_SZ 8 (x86_64): 64-byte steps up to 3 KiB. */
static inline unsigned int largebin_index_64(size_t sz)
{
	return largebin_index_ladder(sz, 48, 48);
}

/* The large bin of a chunk size on this architecture. */
static inline unsigned int largebin_index(size_t sz)
{
	if (SIZE_SZ == 8)
		return largebin_index_64(sz);
	if (MALLOC_ALIGNMENT == 16)
		return largebin_index_32_big(sz);
	return largebin_index_32(sz);
}

/* The bin (small or large) of a chunk size. */
static inline unsigned int bin_index(size_t sz)
{
	return in_smallbin_range(sz) ? smallbin_index(sz) : largebin_index(sz);
}

/* The fast bin of a chunk size: (sz >> 4) - 2 on x86_64. */
static inline unsigned int fastbin_index(size_t sz)
{
	return (unsigned int)(sz >> (SIZE_SZ == 8 ? 4 : 3)) - 2;
}

/* Number of fast bins: enough for a MAX_FAST_SIZE request (10). */
#define NFASTBINS                                          \
	((((MAX_FAST_SIZE + SIZE_SZ + MALLOC_ALIGN_MASK) & \
	   ~MALLOC_ALIGN_MASK) >>                          \
	  (SIZE_SZ == 8 ? 4 : 3)) -                        \
	 1)

/* The binmap: one bit per bin, set when the bin may be non-empty. */
#define BINMAPSHIFT 5
#define BITSPERMAP (1U << BINMAPSHIFT)
#define BINMAPSIZE (NBINS / BITSPERMAP)

/* The binmap word holding bin @i. */
static inline unsigned int idx2block(unsigned int i)
{
	return i >> BINMAPSHIFT;
}

/* The bit of bin @i inside its binmap word. */
static inline unsigned int idx2bit(unsigned int i)
{
	return 1U << (i & (BITSPERMAP - 1));
}

#endif /* PTM_BINS_H */
