// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_thread: the pattern of glibc's bench-malloc-thread.
 *
 * THREADS threads (twice the cores of the reference machine) each keep a
 * working set of SLOTS blocks and, at every iteration, free a random slot
 * and refill it with a block whose size is drawn log-uniformly from 4 bytes
 * to 32 KiB.  Nothing crosses threads: this measures per-thread throughput
 * under contention for the CPUs and for arenas.
 */
#include "bench.h"

#define THREADS 4
#define SLOTS 1024
#define BASE_ITERS 300000L

/* One thread's state and result. */
struct worker {
	long iters;
	unsigned id;
	uint64_t sum;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	void *slot[SLOTS];
	size_t len[SLOTS];
	struct bench_rng rng;

	bench_seed(&rng, 100 + w->id);
	memset(slot, 0, sizeof(slot));
	for (long i = 0; i < w->iters; i++) {
		size_t k = bench_below(&rng, SLOTS);
		unsigned char tag = (unsigned char)(i + w->id);

		if (slot[k] != NULL) {
			w->sum += bench_check(slot[k], len[k],
					      *(unsigned char *)slot[k],
					      "thread");
			free(slot[k]);
		}
		len[k] = bench_logsize(&rng, 4, 32768);
		slot[k] = bench_alloc(len[k]);
		bench_mark(slot[k], len[k], tag);
	}
	for (size_t k = 0; k < SLOTS; k++)
		free(slot[k]);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[THREADS];
	long iters = bench_iters(bench_scale(argc, argv), BASE_ITERS);
	uint64_t sum = 0;

	for (unsigned i = 0; i < THREADS; i++)
		w[i] = (struct worker){ .iters = iters, .id = i };
	bench_threads(THREADS, worker_run, w, sizeof(w[0]));
	for (unsigned i = 0; i < THREADS; i++)
		sum += w[i].sum;
	bench_result("thread", sum);
	return 0;
}
