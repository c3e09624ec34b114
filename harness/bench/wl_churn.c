// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_churn: small-object churn in the manner of cfrac and espresso.
 *
 * A pool of LIVE "numbers" (small digit arrays) is combined pairwise: each
 * step allocates one to three short-lived temporaries, freed in reverse
 * order, and one result that replaces a random member of the pool.  Most
 * objects are 16 to 64 bytes, a quarter up to 256 and a few up to 1 KiB:
 * the fast bins, the small bins and the unsorted bin all take part.
 */
#include "bench.h"

#define LIVE 4096
#define BASE_STEPS 250000L

/* A number: LEN digits after a small header. */
struct num {
	uint32_t len;
	uint32_t tag;
	unsigned char digit[];
};

/* The digit count of a new number, skewed towards small. */
static uint32_t num_len(struct bench_rng *rng)
{
	size_t pick = bench_below(rng, 100);

	if (pick < 70)
		return (uint32_t)bench_range(rng, 8, 56);
	if (pick < 95)
		return (uint32_t)bench_range(rng, 57, 248);
	return (uint32_t)bench_range(rng, 249, 1016);
}

/* A number of LEN digits, each from A and B, tagged for later checks. */
static struct num *num_combine(const struct num *a, const struct num *b,
			       uint32_t len)
{
	struct num *r = bench_alloc(sizeof(*r) + len);

	r->len = len;
	r->tag = (a->tag * 31u + b->tag) & 0xffff;
	for (uint32_t i = 0; i < len; i++)
		r->digit[i] = (unsigned char)(a->digit[i % a->len] +
					      b->digit[i % b->len] + 1);
	return r;
}

/* Free a number after checking that its header survived. */
static uint64_t num_free(struct num *n)
{
	uint64_t sum = n->tag + n->digit[0] + n->digit[n->len - 1];

	if (n->len > 1016 || n->tag > 0xffff)
		bench_corrupt("churn", n->len);
	free(n);
	return sum;
}

/* One step: temporaries, a result, a replacement in the pool. */
static uint64_t step(struct num **pool, struct bench_rng *rng)
{
	struct num *a = pool[bench_below(rng, LIVE)];
	struct num *b = pool[bench_below(rng, LIVE)];
	struct num *tmp[3];
	int ntmp = 1 + (int)bench_below(rng, 3);
	uint64_t sum = 0;
	size_t victim;

	for (int i = 0; i < ntmp; i++)
		tmp[i] = num_combine(a, b, (uint32_t)bench_range(rng, 8, 40));
	victim = bench_below(rng, LIVE);
	a = num_combine(tmp[ntmp - 1], b, num_len(rng));
	while (ntmp > 0)
		sum += num_free(tmp[--ntmp]);
	sum += num_free(pool[victim]);
	pool[victim] = a;
	return sum;
}

int main(int argc, char **argv)
{
	long steps = bench_iters(bench_scale(argc, argv), BASE_STEPS);
	struct num **pool = bench_alloc(LIVE * sizeof(*pool));
	struct bench_rng rng;
	uint64_t sum = 0;

	bench_seed(&rng, 1);
	for (size_t i = 0; i < LIVE; i++) {
		uint32_t len = num_len(&rng);

		pool[i] = bench_alloc(sizeof(struct num) + len);
		pool[i]->len = len;
		pool[i]->tag = (uint32_t)i;
		memset(pool[i]->digit, (int)i, len);
	}
	for (long s = 0; s < steps; s++)
		sum += step(pool, &rng);
	for (size_t i = 0; i < LIVE; i++)
		sum += num_free(pool[i]);
	free(pool);
	bench_result("churn", sum);
	return 0;
}
