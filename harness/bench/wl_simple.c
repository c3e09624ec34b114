// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_simple: the pattern of glibc's bench-malloc-simple.
 *
 * For each block size in {16, 256, 1024, 4096} and each batch length in
 * {25, 100, 400, 1600}: allocate a batch of blocks of that size, then free
 * them all in allocation order, many times.  The whole series runs once in
 * the main thread (the main arena) and once in a second thread (a thread
 * arena, as glibc's benchmark does too).
 */
#include "bench.h"

#define MAX_BATCH 1600
/*
 * Bytes allocated per (size, batch length) pair and per thread: the block
 * count falls as the size grows, since the large batches are dominated by
 * growing and trimming the heap rather than by the allocator's fast paths.
 */
#define BASE_BYTES (8L << 20)

static const size_t sizes[] = { 16, 256, 1024, 4096 };
static const size_t batches[] = { 25, 100, 400, 1600 };

/* What one series needs: its iteration budget and its result. */
struct series {
	double scale;
	uint64_t sum;
};

/* Allocate and free batches of one size and length, BLOCKS in all. */
static uint64_t batch_loop(size_t size, size_t len, long blocks)
{
	void *block[MAX_BATCH];
	uint64_t sum = 0;

	for (long done = 0; done < blocks; done += (long)len) {
		for (size_t i = 0; i < len; i++) {
			block[i] = bench_alloc(size);
			*(unsigned char *)block[i] = (unsigned char)i;
		}
		for (size_t i = 0; i < len; i++) {
			sum += *(unsigned char *)block[i];
			free(block[i]);
		}
	}
	return sum;
}

/* Every (size, length) pair in turn. */
static void *series_run(void *arg)
{
	struct series *s = arg;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(batches) / sizeof(batches[0]);
		     j++)
			s->sum += batch_loop(
				sizes[i], batches[j],
				bench_iters(s->scale, BASE_BYTES / sizes[i]));
	return NULL;
}

int main(int argc, char **argv)
{
	struct series s = { .scale = bench_scale(argc, argv) };

	series_run(&s);
	bench_threads(1, series_run, &s, 0);
	bench_result("simple", s.sum);
	return 0;
}
