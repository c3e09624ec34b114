/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.h: what the workload programs of `make bench` share.
 *
 * Each harness/bench/wl_NAME.c is a plain program that calls the standard
 * names (malloc, free, realloc, ...), so that the driver can run it on any
 * allocator by LD_PRELOAD.  Every workload
 *   - takes one optional argument, SCALE (default 1.0), that multiplies its
 *     iteration counts but never its working-set sizes, so that the peak
 *     RSS of a quick run is still comparable; a threaded one may take a
 *     second, THREADS, and then shares the same total work among them;
 *   - draws its sizes from a seeded generator, so that every allocator sees
 *     the same sequence of requests (thread interleaving aside);
 *   - writes into what it allocates and checks it before freeing, and
 *     prints one line "NAME CHECKSUM" computed from the data only (never
 *     from addresses), which the driver compares across allocators.
 * A wrong block content ends the program with exit status 2.
 */
#ifndef PTM_BENCH_H
#define PTM_BENCH_H

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A splitmix64 generator: small, fast and good enough for sizes. */
struct bench_rng {
	uint64_t state;
};

static inline void bench_seed(struct bench_rng *rng, uint64_t seed)
{
	rng->state = seed * 0x9e3779b97f4a7c15ull + 1;
}

static inline uint64_t bench_next(struct bench_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number in [0, n): the slight modulo bias does not matter here. */
static inline size_t bench_below(struct bench_rng *rng, size_t n)
{
	return (size_t)(bench_next(rng) % n);
}

/* A number in [lo, hi]. */
static inline size_t bench_range(struct bench_rng *rng, size_t lo, size_t hi)
{
	return lo + bench_below(rng, hi - lo + 1);
}

/*
 * A size in [lo, hi) whose logarithm is uniform: as many requests between
 * 16 and 32 bytes as between 16 and 32 KiB, the shape of real programs.
 */
static inline size_t bench_logsize(struct bench_rng *rng, size_t lo, size_t hi)
{
	int lo_bits = 63 - __builtin_clzll(lo);
	int hi_bits = 63 - __builtin_clzll(hi);
	int bits = lo_bits + (int)bench_below(rng, hi_bits - lo_bits + 1);
	size_t base = (size_t)1 << bits;
	size_t n = base + bench_below(rng, base);

	return n < lo ? lo : n >= hi ? hi - 1 : n;
}

/* The workload's SCALE argument; a malformed one is a usage error. */
static inline double bench_scale(int argc, char **argv)
{
	char *end;
	double scale;

	if (argc < 2)
		return 1.0;
	scale = strtod(argv[1], &end);
	if (*end != '\0' || !(scale > 0.0) || scale > 1000.0) {
		fprintf(stderr, "usage: %s [SCALE > 0]\n", argv[0]);
		exit(64);
	}
	return scale;
}

/*
 * The workload's THREADS argument (after SCALE), between 1 and
 * BENCH_MAX_THREADS, or DEFAULT_N without one; anything else is a usage
 * error.
 */
#define BENCH_MAX_THREADS 64

static inline int bench_nthreads(int argc, char **argv, int default_n)
{
	char *end;
	long n;

	if (argc < 3)
		return default_n;
	n = strtol(argv[2], &end, 10);
	if (argc > 3 || *end != '\0' || n < 1 || n > BENCH_MAX_THREADS) {
		fprintf(stderr, "usage: %s [SCALE > 0 [THREADS 1..%d]]\n",
			argv[0], BENCH_MAX_THREADS);
		exit(64);
	}
	return (int)n;
}

/* BASE iterations at scale 1, scaled, never fewer than one. */
static inline long bench_iters(double scale, long base)
{
	double n = (double)base * scale;

	return n < 1.0 ? 1 : (long)n;
}

/* malloc that ends the program if the allocator fails. */
static inline void *bench_alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "bench: malloc(%zu) failed\n", n);
		exit(3);
	}
	return p;
}

/* Report a content check that failed: the allocator lost data. */
static inline void bench_corrupt(const char *what, size_t n)
{
	fprintf(stderr, "bench: corrupt block (%s, %zu bytes)\n", what, n);
	exit(2);
}

/*
 * Mark a block of N bytes with TAG: its first and last bytes and one byte
 * per 4 KiB page, so that every page the program would use is touched.
 */
static inline void bench_mark(void *p, size_t n, unsigned char tag)
{
	unsigned char *c = p;

	for (size_t i = 0; i < n; i += 4096)
		c[i] = tag;
	c[n - 1] = tag;
}

/* Check what bench_mark wrote; returns TAG for the caller's checksum. */
static inline unsigned bench_check(const void *p, size_t n, unsigned char tag,
				   const char *what)
{
	const unsigned char *c = p;

	if (c[0] != tag || c[n - 1] != tag)
		bench_corrupt(what, n);
	return tag;
}

/* Start N threads running FN(ARG + i * STRIDE) and wait for them all. */
static inline void bench_threads(int n, void *(*fn)(void *), void *arg,
				 size_t stride)
{
	pthread_t tid[BENCH_MAX_THREADS];

	if (n > BENCH_MAX_THREADS)
		n = BENCH_MAX_THREADS;
	for (int i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, fn,
				   (char *)arg + (size_t)i * stride) != 0) {
			fprintf(stderr, "bench: pthread_create failed\n");
			exit(3);
		}
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

/* The one line the driver reads. */
static inline void bench_result(const char *name, uint64_t checksum)
{
	printf("%s %" PRIu64 "\n", name, checksum);
}

#endif /* PTM_BENCH_H */
