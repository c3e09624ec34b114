// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_large: large blocks on both sides of the mmap threshold.
 *
 * SLOTS blocks of 32 KiB to 1 MiB (log-uniform: half of them under
 * ptmalloc's initial 128 KiB threshold) are replaced at random; each new
 * block has one byte written per page, as a program that uses its buffer
 * would.  This measures mmap and munmap calls, page faults, and how the
 * allocator keeps or returns memory around the threshold (glibc raises its
 * threshold when a mapped block is freed).
 */
#include "bench.h"

#define SLOTS 16
#define BASE_ITERS 6000L

int main(int argc, char **argv)
{
	long iters = bench_iters(bench_scale(argc, argv), BASE_ITERS);
	void *slot[SLOTS] = { 0 };
	size_t len[SLOTS];
	struct bench_rng rng;
	uint64_t sum = 0;

	bench_seed(&rng, 11);
	for (long i = 0; i < iters; i++) {
		size_t k = bench_below(&rng, SLOTS);

		if (slot[k] != NULL) {
			sum += bench_check(slot[k], len[k],
					   *(unsigned char *)slot[k], "large");
			free(slot[k]);
		}
		len[k] = bench_logsize(&rng, 32 << 10, 1 << 20);
		slot[k] = bench_alloc(len[k]);
		bench_mark(slot[k], len[k], (unsigned char)i);
	}
	for (size_t k = 0; k < SLOTS; k++)
		free(slot[k]);
	bench_result("large", sum);
	return 0;
}
