// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mtrace_prog: the traced program of the mtrace tests (test_mtrace.c)
 * and of E-6.1 in `make experiments` (exp_mtrace.c).
 *
 *	MALLOC_TRACE=FILE mtrace_prog MODE
 *
 * Modes:
 *   basic	E-6.1: two ptm_malloc(sizeof(int)), the first freed, then
 *		ptm_muntrace();
 *   calls	every traced call once: calloc, realloc that moves, shrinks
 *		in place, realloc(NULL, n), realloc(p, 0), a failing realloc
 *		and malloc, free(NULL), each aligned entry point; then
 *		ptm_muntrace(), and two calls that must not be logged;
 *   twice	ptm_mtrace() twice and ptm_muntrace() twice around one
 *		malloc and free;
 *   noend	one leaked and one freed block, exit without ptm_muntrace();
 *   threads	four threads, each 500 malloc/free pairs, while tracing.
 *
 * For each traced call it prints "EVENT ADDRESS LINE" on standard output
 * after tracing stopped: what it did, the address involved, and the
 * source line of the call, which is also the line addr2line gives for
 * the caller address of the trace.  It prints with write(2) only, so
 * that stdio allocates nothing while tracing.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

#define TRACE_FREE ptm_free
#include "trace_notes.h"

/* ptm_posix_memalign(&@var, @align, @n), noted when it succeeds. */
#define POSIX_TRACED(var, align, n)                              \
	do {                                                     \
		if (ptm_posix_memalign(&(var), align, n) == 0)   \
			note("posix_memalign", (var), __LINE__); \
	} while (0)

/* E-6.1. */
static void mode_basic(void)
{
	int *p, *q;

	ptm_mtrace();
	TRACED("malloc", p, ptm_malloc(sizeof(int)));
	TRACED("malloc", q, ptm_malloc(sizeof(int)));
	FREED(p);
	ptm_muntrace();
	*q = 0;
}

/* The realloc cases: moved, shrunk in place, from NULL, to 0, failing. */
static void realloc_calls(void)
{
	char *a, *b, *c, *guard;

	TRACED("malloc", a, ptm_malloc(24));
	TRACED("malloc", guard, ptm_malloc(24));
	TRACED("realloc", b, ptm_realloc(a, 2000));
	TRACED("realloc", c, ptm_realloc(b, 100));
	TRACED("realloc", a, ptm_realloc(NULL, 40));
	TRACED("realloc", b, ptm_realloc(a, 0));
	TRACED("realloc", b, ptm_realloc(c, SIZE_MAX - 4096));
	FREED(c);
	FREED(guard);
}

/* Every traced entry point once. */
static void mode_calls(void)
{
	void *p, *q;

	ptm_mtrace();
	TRACED("calloc", p, ptm_calloc(3, 8));
	FREED(p);
	realloc_calls();
	TRACED("malloc", p, ptm_malloc(SIZE_MAX - 4096));
	ptm_free(NULL);
	TRACED("memalign", p, ptm_memalign(64, 100));
	FREED(p);
	q = NULL;
	POSIX_TRACED(q, 256, 10);
	FREED(q);
	TRACED("aligned_alloc", p, ptm_aligned_alloc(32, 64));
	FREED(p);
	TRACED("valloc", p, ptm_valloc(5));
	FREED(p);
	TRACED("pvalloc", p, ptm_pvalloc(5));
	FREED(p);
	ptm_muntrace();
	p = ptm_malloc(8);
	ptm_free(p);
}

/* Repeated ptm_mtrace() and ptm_muntrace() calls are harmless. */
static void mode_twice(void)
{
	void *p;

	ptm_mtrace();
	ptm_mtrace();
	TRACED("malloc", p, ptm_malloc(16));
	FREED(p);
	ptm_muntrace();
	ptm_muntrace();
}

/* The process ends while tracing: every line is in the file already. */
static void mode_noend(void)
{
	void *p, *q;

	ptm_mtrace();
	TRACED("malloc", p, ptm_malloc(100));
	TRACED("malloc", q, ptm_malloc(200));
	FREED(q);
	flush_notes();
	_exit(0);
}

/* One thread of mode_threads. */
static void *thread_body(void *arg)
{
	for (int i = 0; i < 500; i++)
		ptm_free(ptm_malloc((size_t)(i % 64) + 1));
	return arg;
}

/* Concurrent events: the file stays well formed, nothing deadlocks. */
static void mode_threads(void)
{
	pthread_t t[4];

	ptm_mtrace();
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_body, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ptm_muntrace();
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} modes[] = {
		{ "basic", mode_basic },     { "calls", mode_calls },
		{ "twice", mode_twice },     { "noend", mode_noend },
		{ "threads", mode_threads },
	};

	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]);
	     i++) {
		if (strcmp(argv[1], modes[i].name) == 0) {
			modes[i].run();
			flush_notes();
			return 0;
		}
	}
	fprintf(stderr, "usage: %s basic|calls|twice|noend|threads\n", argv[0]);
	return 2;
}
