// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_frag: fragmentation and resident memory across program phases.
 *
 * Each round: (1) allocate OBJECTS small objects (16 to 160 bytes);
 * (2) free seven in eight of them, keeping every eighth, which leaves
 * holes all over the heap and pins it; (3) allocate medium objects (256 to
 * 2048 bytes) of about the same total size as what was freed, which a
 * frugal allocator places in the holes; (4) free the medium objects and
 * the survivors.  The interesting figure is the peak RSS; the time is
 * reported too.  The number of rounds scales, their size does not.
 */
#include "bench.h"

#define OBJECTS 250000
#define BASE_ROUNDS 2L

/*
 * Allocate objects FROM..TO-1 of V, of LO..HI bytes each, filled with
 * their index; returns the bytes requested.
 */
static size_t fill(void **v, size_t *len, size_t from, size_t to, size_t lo,
		   size_t hi, struct bench_rng *rng)
{
	size_t bytes = 0;

	for (size_t i = from; i < to; i++) {
		len[i] = bench_range(rng, lo, hi);
		v[i] = bench_alloc(len[i]);
		memset(v[i], (int)(i & 0xff), len[i]);
		bytes += len[i];
	}
	return bytes;
}

/* Free the objects of V whose index is not a multiple of KEEP (0: all). */
static uint64_t drop(void **v, size_t *len, size_t n, size_t keep)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == NULL || (keep != 0 && i % keep == 0))
			continue;
		sum += bench_check(v[i], len[i], (unsigned char)(i & 0xff),
				   "frag");
		free(v[i]);
		v[i] = NULL;
	}
	return sum;
}

int main(int argc, char **argv)
{
	long rounds = bench_iters(bench_scale(argc, argv), BASE_ROUNDS);
	void **small = bench_alloc(OBJECTS * sizeof(void *));
	size_t *small_len = bench_alloc(OBJECTS * sizeof(size_t));
	void **medium = bench_alloc(OBJECTS * sizeof(void *));
	size_t *medium_len = bench_alloc(OBJECTS * sizeof(size_t));
	struct bench_rng rng;
	uint64_t sum = 0;

	bench_seed(&rng, 5);
	for (long r = 0; r < rounds; r++) {
		size_t freed =
			fill(small, small_len, 0, OBJECTS, 16, 160, &rng);
		size_t n = 0;

		freed -= freed / 8;
		sum += drop(small, small_len, OBJECTS, 8);
		while (freed > 2048 && n < OBJECTS) {
			freed -= fill(medium, medium_len, n, n + 1, 256, 2048,
				      &rng);
			n++;
		}
		sum += drop(medium, medium_len, n, 0) + n;
		sum += drop(small, small_len, OBJECTS, 0);
	}
	free(small);
	free(small_len);
	free(medium);
	free(medium_len);
	bench_result("frag", sum);
	return 0;
}
