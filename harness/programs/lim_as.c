// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lim_as: address-space exhaustion in 9 threads at once (8 created, plus
 * the main thread), for harness/test_limits.c.  It follows glibc's
 * tst-malloc-thread-fail (the process limited to 200 MiB with
 * RLIMIT_AS, 256 KiB thread stacks, every thread allocating with one
 * function until it fails, then all freeing) and checks more than it:
 *
 *	lim_as FUNC SIZE ALIGN ARENA_MAX
 *
 * FUNC is malloc, calloc, realloc, aligned_alloc, memalign,
 * posix_memalign, valloc or pvalloc; SIZE the request; ALIGN the
 * alignment of the aligned functions; ARENA_MAX, when not 0, is set with
 * mallopt first (glibc's test uses 2, so that every arena it asks for
 * still fits; 0 leaves the default, and most threads then find no room
 * for an arena and fall back to mmapping every block).
 *
 * Each thread keeps its blocks in a list threaded through them.  Checked:
 * every failure is NULL with errno ENOMEM (posix_memalign: returns
 * ENOMEM and leaves its pointer alone), every block is aligned, calloc's
 * blocks are zero, a failed realloc leaves the old block (16 bytes with
 * a pattern) intact; after all threads have freed everything and been
 * joined, the heap walker finds nothing wrong and malloc works again.
 *
 * Keys: threads, blocks (total allocated), enomem_failures (threads
 * whose failure was ENOMEM), bad_errno, misaligned, nonzero,
 * realloc_clobbered, check_after, malloc_after.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ptmalloc.h"

#define NTHREADS 8
#define AS_LIMIT (200UL * 1024 * 1024)
#define STACK_SIZE (256UL * 1024)

static const char *func;
static size_t size;
static size_t align;
static pthread_barrier_t start_barrier, end_barrier;

/* Counters the threads add to. */
static long blocks, enomem_failures, bad_errno, misaligned, nonzero,
	realloc_clobbered;

/* Print one "KEY VALUE" line without stdio's buffers. */
static void put(const char *key, long value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %ld\n", key, value);

	if (write(1, line, (size_t)n) != n)
		_exit(3);
}

static void count(long *counter, long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* realloc(NULL, 16) grown to SIZE; a failure must keep the 16 bytes. */
static void *alloc_realloc(int *err)
{
	static const char pattern[16] = "0123456789abcde";
	char *p = ptm_realloc(NULL, 16);
	char *q;

	if (p == NULL) {
		*err = errno;
		return NULL;
	}
	memcpy(p, pattern, 16);
	q = ptm_realloc(p, size);
	if (q == NULL) {
		*err = errno;
		if (memcmp(p, pattern, 16) != 0)
			count(&realloc_clobbered, 1);
		ptm_free(p);
	}
	return q;
}

/* One allocation with FUNC; on failure NULL and its error in *@err. */
static void *allocate(int *err)
{
	void *p = NULL;
	int r;

	errno = 0;
	if (strcmp(func, "malloc") == 0)
		p = ptm_malloc(size);
	else if (strcmp(func, "calloc") == 0)
		p = ptm_calloc(1, size);
	else if (strcmp(func, "realloc") == 0)
		return alloc_realloc(err);
	else if (strcmp(func, "aligned_alloc") == 0)
		p = ptm_aligned_alloc(align, size);
	else if (strcmp(func, "memalign") == 0)
		p = ptm_memalign(align, size);
	else if (strcmp(func, "valloc") == 0)
		p = ptm_valloc(size);
	else if (strcmp(func, "pvalloc") == 0)
		p = ptm_pvalloc(size);
	else if (strcmp(func, "posix_memalign") == 0) {
		p = &r; /* must stay untouched on failure */
		r = ptm_posix_memalign(&p, align, size);
		if (r != 0) {
			*err = r;
			return p == &r ? NULL : (void *)1;
		}
		return p;
	}
	if (p == NULL)
		*err = errno;
	return p;
}

/* The alignment FUNC promises. */
static size_t promised_alignment(void)
{
	if (strcmp(func, "valloc") == 0 || strcmp(func, "pvalloc") == 0)
		return (size_t)sysconf(_SC_PAGESIZE);
	if (align != 0)
		return align;
	return 16;
}

/* Check a new block: alignment, and zero bytes for calloc. */
static void check_block(const unsigned char *p)
{
	if ((uintptr_t)p % promised_alignment() != 0)
		count(&misaligned, 1);
	if (strcmp(func, "calloc") == 0)
		for (size_t i = 0; i < size; i++)
			if (p[i] != 0) {
				count(&nonzero, 1);
				break;
			}
}

/* A thread: allocate until the first failure, wait, free everything. */
static void *run(void *arg)
{
	void **head = NULL;
	long n = 0;
	int err = 0;

	(void)arg;
	pthread_barrier_wait(&start_barrier);
	for (;;) {
		void **e = allocate(&err);

		if (e == NULL)
			break;
		if (e == (void *)1) { /* posix_memalign touched *memptr */
			count(&bad_errno, 1);
			break;
		}
		check_block((unsigned char *)e);
		*e = head;
		head = e;
		n++;
	}
	count(err == ENOMEM ? &enomem_failures : &bad_errno, 1);
	count(&blocks, n);
	pthread_barrier_wait(&end_barrier);
	while (head != NULL) {
		void **next = *head;

		ptm_free(head);
		head = next;
	}
	return NULL;
}

/* Limit the address space and start the threads with small stacks. */
static void run_threads(void)
{
	struct rlimit rl = { AS_LIMIT, AS_LIMIT };
	pthread_t threads[NTHREADS];
	pthread_attr_t attr;

	if (setrlimit(RLIMIT_AS, &rl) != 0 || pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, STACK_SIZE) != 0)
		_exit(4);
	pthread_barrier_init(&start_barrier, NULL, NTHREADS + 1);
	pthread_barrier_init(&end_barrier, NULL, NTHREADS + 1);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&threads[i], &attr, run, NULL) != 0)
			_exit(5);
	run(NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(threads[i], NULL);
}

int main(int argc, char **argv)
{
	long arena_max;
	void *p;

	if (argc != 5)
		return 2;
	func = argv[1];
	size = strtoul(argv[2], NULL, 0);
	align = strtoul(argv[3], NULL, 0);
	arena_max = strtol(argv[4], NULL, 0);
	if (arena_max != 0 && ptm_mallopt(M_ARENA_MAX, (int)arena_max) != 1)
		return 2;
	run_threads();
	put("threads", NTHREADS + 1);
	put("blocks", blocks);
	put("enomem_failures", enomem_failures);
	put("bad_errno", bad_errno);
	put("misaligned", misaligned);
	put("nonzero", nonzero);
	put("realloc_clobbered", realloc_clobbered);
	put("check_after", ptm_debug_check_heap());
	p = ptm_malloc(size);
	put("malloc_after", p != NULL);
	ptm_free(p);
	return 0;
}
