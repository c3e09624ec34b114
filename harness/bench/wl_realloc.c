// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_realloc: buffers grown by realloc, as string builders and vectors do.
 *
 * BUFFERS buffers grow side by side, each by a few bytes plus a sixteenth
 * of its length per realloc, up to a target length (mostly under 4 KiB, a
 * quarter up to 64 KiB, a few up to 1 MiB, past the mmap threshold), then
 * are checked byte for byte and freed.  Small objects allocated between
 * the reallocs decide whether a buffer can grow in place.
 */
#include "bench.h"

#define BUFFERS 32
#define SMALL 64
#define BASE_STEPS 150000L

/* A growing buffer: bytes 0..len-1 hold (i * 7 + seed) & 0xff. */
struct buffer {
	unsigned char *data;
	size_t len;
	size_t target;
	unsigned char seed;
};

/* A new target length, skewed towards small. */
static size_t target_len(struct bench_rng *rng)
{
	size_t pick = bench_below(rng, 100);

	if (pick < 70)
		return bench_range(rng, 64, 4096);
	if (pick < 97)
		return bench_range(rng, 4097, 65536);
	return bench_range(rng, 65537, 1 << 20);
}

/* Check every byte of a finished buffer, free it and start anew. */
static uint64_t buffer_finish(struct buffer *b, struct bench_rng *rng)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < b->len; i++) {
		unsigned char want = (unsigned char)(i * 7 + b->seed);

		if (b->data[i] != want)
			bench_corrupt("realloc", b->len);
		sum += want;
	}
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->target = target_len(rng);
	b->seed++;
	return sum;
}

/* Grow B by one step and write the new bytes. */
static void buffer_grow(struct buffer *b, struct bench_rng *rng)
{
	size_t add = bench_range(rng, 1, 32) + b->len / 16;
	unsigned char *p = realloc(b->data, b->len + add);

	if (p == NULL)
		bench_corrupt("realloc failed", b->len + add);
	for (size_t i = b->len; i < b->len + add; i++)
		p[i] = (unsigned char)(i * 7 + b->seed);
	b->data = p;
	b->len += add;
}

int main(int argc, char **argv)
{
	long steps = bench_iters(bench_scale(argc, argv), BASE_STEPS);
	struct buffer buf[BUFFERS] = { 0 };
	void *small[SMALL] = { 0 };
	struct bench_rng rng;
	uint64_t sum = 0;

	bench_seed(&rng, 3);
	for (size_t i = 0; i < BUFFERS; i++)
		buf[i].target = target_len(&rng);
	for (long s = 0; s < steps; s++) {
		struct buffer *b = &buf[bench_below(&rng, BUFFERS)];
		size_t k = (size_t)s % SMALL;

		buffer_grow(b, &rng);
		if (b->len >= b->target)
			sum += buffer_finish(b, &rng);
		free(small[k]);
		small[k] = bench_alloc(bench_range(&rng, 16, 96));
	}
	for (size_t i = 0; i < BUFFERS; i++)
		sum += buffer_finish(&buf[i], &rng);
	for (size_t k = 0; k < SMALL; k++)
		free(small[k]);
	bench_result("realloc", sum);
	return 0;
}
