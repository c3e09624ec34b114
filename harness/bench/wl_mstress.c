// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_mstress: threads that allocate, free and pass blocks on, in rounds,
 * in the manner of mimalloc-bench's mstress (mimalloc's stress test).
 *
 *	wl_mstress [SCALE [THREADS]]
 *
 * Every round starts THREADS threads (4 by default) and waits for them.
 * A thread makes a number of steps; at each it allocates an item (a
 * zeroed block of 1 to 16 words, or of 1 to 64 words that it retains to
 * its end; one in a hundred is a hundred times larger), frees a random
 * item of its own two times in three, and one time in four exchanges a
 * random item of its own with a random slot of a shared transfer array.
 * So blocks are freed by other threads, and by threads of later rounds,
 * than the ones that allocated them.  The rounds share BASE_ITEMS items
 * between their threads, so that every thread count does the same work.
 *
 * Which thread frees an item depends on the interleaving, but every item
 * is freed exactly once and each carries its own length, so the checksum
 * (the sum of the lengths in words of all the items) does not.
 */
#include <stdbool.h>

#include "bench.h"

#define DEFAULT_THREADS 4
#define ROUNDS 10
#define TRANSFERS 1000
#define BASE_ITEMS 300000L
#define COOKIE 0xbf58476d1ce4e5b9ull

/* The slots through which items change threads (atomic exchanges). */
static uint64_t *transfer[TRANSFERS];

/* One thread of one round: its share of the items, seed and result. */
struct stresser {
	long items;
	unsigned id;
	uint64_t sum;
};

/* Whether a chance of PERCENT in a hundred came up. */
static bool chance(struct bench_rng *rng, unsigned percent)
{
	return bench_below(rng, 100) < percent;
}

/*
 * A zeroed item of 2^(0..MAX_SHIFT-1) words (one in a hundred a hundred
 * times that), every word set to its distance from the end.
 */
static uint64_t *item_alloc(struct bench_rng *rng, unsigned max_shift)
{
	size_t words = (size_t)1 << bench_below(rng, max_shift);
	uint64_t *p;

	if (chance(rng, 1))
		words *= 100;
	p = calloc(words, sizeof(*p));
	if (p == NULL) {
		fprintf(stderr, "bench: calloc(%zu, 8) failed\n", words);
		exit(3);
	}
	for (size_t i = 0; i < words; i++) {
		if (p[i] != 0)
			bench_corrupt("mstress calloc", words * sizeof(*p));
		p[i] = (words - i) ^ COOKIE;
	}
	return p;
}

/* Check and free item P (none when NULL); returns its length in words. */
static uint64_t item_free(uint64_t *p)
{
	size_t words;

	if (p == NULL)
		return 0;
	words = (size_t)(p[0] ^ COOKIE);
	if (words == 0 || words > 6400)
		bench_corrupt("mstress", 0);
	for (size_t i = 0; i < words; i++)
		if ((p[i] ^ COOKIE) != words - i)
			bench_corrupt("mstress", words * sizeof(*p));
	free(p);
	return words;
}

/* One step's exchange: a random item of DATA for a transfer slot. */
static void item_swap(struct bench_rng *rng, uint64_t **data, size_t top)
{
	size_t k = bench_below(rng, top);
	size_t t = bench_below(rng, TRANSFERS);

	data[k] = __atomic_exchange_n(&transfer[t], data[k], __ATOMIC_ACQ_REL);
}

static void *stresser_run(void *arg)
{
	struct stresser *s = arg;
	long allocs = s->items, retain = s->items / 2;
	uint64_t **data = bench_alloc(((size_t)allocs + 1) * sizeof(*data));
	uint64_t **kept = bench_alloc(((size_t)retain + 1) * sizeof(*kept));
	size_t top = 0, ntop = 0;
	struct bench_rng rng;

	bench_seed(&rng, 3000 + s->id);
	while (allocs > 0 || retain > 0) {
		if (retain == 0 || (allocs > 0 && chance(&rng, 50))) {
			data[top++] = item_alloc(&rng, 5);
			allocs--;
		} else {
			kept[ntop++] = item_alloc(&rng, 7);
			retain--;
		}
		if (chance(&rng, 66) && top > 0) {
			size_t k = bench_below(&rng, top);

			s->sum += item_free(data[k]);
			data[k] = NULL;
		}
		if (chance(&rng, 25) && top > 0)
			item_swap(&rng, data, top);
	}
	while (ntop > 0)
		s->sum += item_free(kept[--ntop]);
	while (top > 0)
		s->sum += item_free(data[--top]);
	free(kept);
	free(data);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct stresser s[BENCH_MAX_THREADS];
	double scale = bench_scale(argc, argv);
	int threads = bench_nthreads(argc, argv, DEFAULT_THREADS);
	long items = bench_iters(scale, BASE_ITEMS / (ROUNDS * threads));
	uint64_t sum = 0;

	for (unsigned r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < threads; i++)
			s[i] = (struct stresser){
				.items = items,
				.id = r * BENCH_MAX_THREADS + (unsigned)i,
			};
		bench_threads(threads, stresser_run, s, sizeof(s[0]));
		for (int i = 0; i < threads; i++)
			sum += s[i].sum;
	}
	for (size_t t = 0; t < TRANSFERS; t++)
		sum += item_free(transfer[t]);
	bench_result("mstress", sum);
	return 0;
}
