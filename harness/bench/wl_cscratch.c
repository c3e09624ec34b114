// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_cscratch: passive false sharing, in the manner of cache-scratch.
 *
 * The main thread allocates one small object per thread, back to back, so
 * that they share a cache line, and hands one to each thread.  Each thread
 * frees the object it was given, then many times allocates an object of
 * the same size, writes into it repeatedly and frees it.  An allocator that
 * gives a thread back the object it just freed (a per-thread cache that
 * takes in a foreign block) makes the threads write to one cache line.
 */
#include "bench.h"

#define THREADS 2
#define OBJECT 8
#define WRITES 50
#define BASE_ITERS 1500000L

/* One thread's object to free first, its budget and its result. */
struct scratch {
	unsigned char *first;
	long iters;
	uint64_t sum;
	char pad[64];
};

static void *scratch_run(void *arg)
{
	struct scratch *s = arg;

	s->sum += bench_check(s->first, OBJECT, s->first[0], "cscratch");
	free(s->first);
	for (long i = 0; i < s->iters; i++) {
		volatile unsigned char *p = bench_alloc(OBJECT);

		for (int w = 0; w < OBJECT; w++)
			p[w] = 0;
		for (int w = 0; w < WRITES; w++)
			p[w % OBJECT] = (unsigned char)(p[w % OBJECT] + w);
		s->sum += p[1];
		free((void *)p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct scratch s[THREADS];
	long iters = bench_iters(bench_scale(argc, argv), BASE_ITERS);
	uint64_t sum = 0;

	for (unsigned i = 0; i < THREADS; i++) {
		s[i].first = bench_alloc(OBJECT);
		memset(s[i].first, (int)i + 1, OBJECT);
		s[i].iters = iters;
	}
	bench_threads(THREADS, scratch_run, s, sizeof(s[0]));
	for (unsigned i = 0; i < THREADS; i++)
		sum += s[i].sum;
	bench_result("cscratch", sum);
	return 0;
}
