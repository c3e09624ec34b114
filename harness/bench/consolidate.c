// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * consolidate: the loop whose fast-bin consolidation the driver counts
 * under callgrind (glibc's malloc_consolidate, run by a large request
 * while fast bins hold chunks).
 *
 *	consolidate N ROUNDS
 *
 * Every round allocates N blocks of 24, 56 and 120 bytes in turn (chunks
 * of 32, 64 and 128 bytes on a 64-bit system: fast-bin sizes) and frees
 * them: first the first CACHE_FILL of each size, which a per-thread cache
 * with glibc's default tcache_count takes (and hands back first in the
 * next round), then the others in a shuffled order, which go to the fast
 * bins.  with_fastchunks() then makes one malloc(LARGE)+free, whose
 * malloc must consolidate the fast bins first; without_fastchunks() makes
 * the same pair once they are empty.  The blocks consolidated lie next to
 * the top chunk, so that consolidation merges them all into it (through
 * each of its paths: a free neighbour before, one after, the unsorted
 * bin, the top) and both pairs then find the same heap and take the same
 * path.  The driver collects costs only inside those two functions
 * (callgrind --toggle-collect) and takes the inclusive cost of their
 * callees; the difference of the two, divided by ROUNDS, is what one
 * consolidation costs.  noinline keeps them as the functions callgrind is
 * told about.
 *
 * It prints "consolidate: fastchunks=K", the number of fast-bin chunks
 * that each consolidation finds (mallinfo2's smblks), for the per-chunk
 * figure.  Only glibc's algorithm (glibc's and this project's) has fast
 * bins to count.
 */
#include <malloc.h>

#include "bench.h"

#define NCLASS 3
#define CACHE_FILL 7
#define LARGE 2000
#define MAX_N 100000

static const size_t class_size[NCLASS] = { 24, 56, 120 };

void *volatile consolidate_sink;

__attribute__((noinline)) void with_fastchunks(void)
{
	consolidate_sink = malloc(LARGE);
	free(consolidate_sink);
}

__attribute__((noinline)) void without_fastchunks(void)
{
	consolidate_sink = malloc(LARGE);
	free(consolidate_sink);
}

/* Allocate the N blocks of a round, the sizes in turn. */
static void fill(void **block, size_t n)
{
	for (size_t i = 0; i < n; i++)
		block[i] = bench_alloc(class_size[i % NCLASS]);
}

/* Free them: the cache's share first, then the rest in ORDER. */
static void drain(void **block, const size_t *order, size_t n)
{
	size_t cached = NCLASS * CACHE_FILL;

	for (size_t i = 0; i < cached; i++)
		free(block[i]);
	for (size_t i = cached; i < n; i++)
		free(block[order[i]]);
}

/* ORDER[CACHED..N) a shuffled permutation of CACHED..N-1 (Fisher-Yates). */
static void shuffle(size_t *order, size_t n)
{
	size_t cached = NCLASS * CACHE_FILL;
	struct bench_rng rng;

	bench_seed(&rng, 11);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > cached; i--) {
		size_t k = cached + bench_below(&rng, i - cached + 1);
		size_t t = order[i];

		order[i] = order[k];
		order[k] = t;
	}
}

int main(int argc, char **argv)
{
	static void *block[MAX_N];
	static size_t order[MAX_N];
	size_t n, fastchunks = 0;
	long rounds;

	if (argc != 3 ||
	    (n = strtoul(argv[1], NULL, 0)) <= 2 * NCLASS * CACHE_FILL ||
	    n > MAX_N || (rounds = strtol(argv[2], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: consolidate N ROUNDS (N %d..%d)\n",
			2 * NCLASS * CACHE_FILL + 1, MAX_N);
		return 64;
	}
	shuffle(order, n);
	fill(block, n);
	drain(block, order, n);
	consolidate_sink = malloc(LARGE);
	free(consolidate_sink);
	for (long r = 0; r < rounds; r++) {
		fill(block, n);
		drain(block, order, n);
		if (r == 0)
			fastchunks = mallinfo2().smblks;
		with_fastchunks();
		without_fastchunks();
	}
	/* Printed only now: stdio's first buffer is a large request. */
	printf("consolidate: fastchunks=%zu\n", fastchunks);
	return 0;
}
