// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_larson: a server in the manner of Larson and Krishnan's benchmark.
 *
 *	wl_larson [SCALE [CHAINS]]
 *
 * The main thread fills CHAINS arrays (4 by default) of SLOTS blocks (16
 * to 512 bytes).  Each array is then worked on by a chain of GENERATIONS
 * threads: a thread replaces random slots for a while (free the old
 * block, allocate a new one), then starts its successor, hands it the
 * array and exits.  So most blocks are freed by a thread other than the
 * one that allocated them, and threads come and go while CHAINS of them
 * run at once, as in a server's worker pool.  The chains share
 * BASE_ROUNDS replacements per generation between them, so that every
 * chain count does the same work and only the contention differs.
 */
#include "bench.h"

#define DEFAULT_CHAINS 4
#define SLOTS 2000
#define GENERATIONS 16
#define BASE_ROUNDS 240000L

/* One chain: its array and where its threads stand. */
struct chain {
	void *slot[SLOTS];
	size_t len[SLOTS];
	long rounds;
	unsigned id;
	unsigned generation;
	uint64_t sum;
};

/* Counts the chains still running; main waits for zero. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int running;

static void *chain_run(void *arg);

/* Start the thread that carries on chain C, detached. */
static void chain_spawn(struct chain *c)
{
	pthread_attr_t attr;
	pthread_t tid;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, chain_run, c) != 0) {
		fprintf(stderr, "bench: pthread_create failed\n");
		exit(3);
	}
	pthread_attr_destroy(&attr);
}

/* One generation: replace slots, then pass the array on or finish. */
static void *chain_run(void *arg)
{
	struct chain *c = arg;
	struct bench_rng rng;

	bench_seed(&rng, 1000 * c->id + c->generation);
	for (long r = 0; r < c->rounds; r++) {
		size_t k = bench_below(&rng, SLOTS);
		unsigned char tag = (unsigned char)(r + c->generation);

		c->sum += bench_check(c->slot[k], c->len[k],
				      *(unsigned char *)c->slot[k], "larson");
		free(c->slot[k]);
		c->len[k] = bench_range(&rng, 16, 512);
		c->slot[k] = bench_alloc(c->len[k]);
		bench_mark(c->slot[k], c->len[k], tag);
	}
	if (++c->generation < GENERATIONS) {
		chain_spawn(c);
		return NULL;
	}
	pthread_mutex_lock(&done_lock);
	if (--running == 0)
		pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&done_lock);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct chain chain[BENCH_MAX_THREADS];
	double scale = bench_scale(argc, argv);
	int chains = bench_nthreads(argc, argv, DEFAULT_CHAINS);
	long rounds = bench_iters(scale, BASE_ROUNDS / chains);
	struct bench_rng rng;
	uint64_t sum = 0;

	bench_seed(&rng, 7);
	running = chains;
	for (int i = 0; i < chains; i++) {
		chain[i].rounds = rounds;
		chain[i].id = (unsigned)i;
		for (size_t k = 0; k < SLOTS; k++) {
			chain[i].len[k] = bench_range(&rng, 16, 512);
			chain[i].slot[k] = bench_alloc(chain[i].len[k]);
			bench_mark(chain[i].slot[k], chain[i].len[k], 1);
		}
	}
	for (int i = 0; i < chains; i++)
		chain_spawn(&chain[i]);
	pthread_mutex_lock(&done_lock);
	while (running > 0)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
	for (int i = 0; i < chains; i++) {
		for (size_t k = 0; k < SLOTS; k++)
			free(chain[i].slot[k]);
		sum += chain[i].sum;
	}
	bench_result("larson", sum);
	return 0;
}
