// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vg_clean: a correct program that uses every entry point, for memcheck
 * (harness/test_valgrind.c): the allocator's own work on its headers and
 * free lists must not show up as errors, blocks must keep their contents'
 * definedness across realloc (moved, in place, mremap), and nothing may
 * leak.  Expected: "ERROR SUMMARY: 0 errors", "in use at exit: 0 bytes
 * in 0 blocks", and the exact heap usage it prints ("allocs N", "frees
 * N", "bytes N": what memcheck must count).
 *
 *	valgrind --leak-check=full vg_clean [threads]
 *
 * With "threads" it runs only a second thread's allocation in its own
 * arena, freed by the main thread after a fork (whose child allocates
 * and frees too); glibc's pthread_create then adds an allocation of its
 * own to memcheck's counts.
 *
 * Every value read back is branched on, so that an undefined byte would
 * be reported as a conditional jump on an uninitialised value.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptmalloc.h"

/* memcheck's counters, predicted: one per registered block. */
static unsigned long allocs, frees, bytes;
static int bad;

/* Count one allocation of @n bytes that returned @p. */
static void *counted(void *p, size_t n)
{
	if (p == NULL) {
		bad++;
		return NULL;
	}
	allocs++;
	bytes += n;
	return p;
}

/* Fill @n bytes of @p from @seed on, and check them later. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static void check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			bad++;
}

/* realloc keeps the contents, moved or in place, heap or mapped. */
static void reallocs(void)
{
	unsigned char *a, *b, *guard;

	a = counted(ptm_malloc(40), 40);
	guard = counted(ptm_malloc(40), 40);
	fill(a, 40, 1);
	/* Moved (the guard blocks growth in place): memcheck counts an
	 * allocation and a free. */
	a = counted(ptm_realloc(a, 3000), 3000);
	frees++;
	check(a, 40, 1);
	fill(a, 3000, 2);
	/* Shrunk in place, then grown in place into the freed tail. */
	a = ptm_realloc(a, 500);
	check(a, 500, 2);
	a = ptm_realloc(a, 900);
	check(a, 500, 2);
	fill(a, 900, 3);
	/* A mapped chunk, grown by mremap. */
	b = counted(ptm_malloc(200000), 200000);
	fill(b, 200000, 4);
	b = ptm_realloc(b, 900000);
	check(b, 200000, 4);
	ptm_free(b);
	ptm_free(a);
	ptm_free(guard);
	frees += 3;
}

/* calloc, the aligned family, usable size, statistics, trim. */
static void others(void)
{
	unsigned char *c, *m, *big;
	void *pm = NULL;
	struct mallinfo2 mi;

	c = counted(ptm_calloc(10, 30), 300);
	for (int i = 0; i < 300; i++)
		if (c[i] != 0)
			bad++;
	big = counted(ptm_calloc(1, 300000), 300000);
	if (big[299999] != 0)
		bad++;
	m = counted(ptm_memalign(256, 100), 100);
	if (((unsigned long)m & 255) != 0 || ptm_malloc_usable_size(m) < 100)
		bad++;
	if (ptm_posix_memalign(&pm, 64, 64) != 0)
		bad++;
	counted(pm, 64);
	ptm_free(c);
	ptm_free(big);
	ptm_free(m);
	ptm_free(pm);
	frees += 4;
	mi = ptm_mallinfo2();
	if (mi.uordblks != 0)
		bad++;
	ptm_malloc_trim(0);
	if (ptm_mallopt(M_TOP_PAD, 4096) != 1)
		bad++;
}

/* Many small blocks through the fast bins and back, freed out of order. */
static void churn(void)
{
	void *v[64];

	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 64; i++) {
			size_t n = (size_t)(i * 13 % 200) + 1;

			v[i] = counted(ptm_malloc(n), n);
			fill(v[i], n, (unsigned)i);
		}
		for (int i = 0; i < 64; i += 2)
			ptm_free(v[i]);
		for (int i = 1; i < 64; i += 2) {
			check(v[i], (size_t)(i * 13 % 200) + 1, (unsigned)i);
			ptm_free(v[i]);
		}
		frees += 64;
	}
}

/* A second thread: its own arena, freed from the main thread. */
static void *thread_body(void *arg)
{
	unsigned char *p = ptm_malloc(1000);

	(void)arg;
	if (p != NULL)
		fill(p, 1000, 9);
	return p;
}

static void threads(void)
{
	pthread_t t;
	void *p = NULL;
	pid_t pid;
	int status;

	if (pthread_create(&t, NULL, thread_body, NULL) != 0 ||
	    pthread_join(t, &p) != 0)
		bad++;
	counted(p, 1000);
	check(p, 1000, 9);
	/* fork: the allocator's fork handlers lock and reset every arena. */
	pid = fork();
	if (pid == 0) {
		ptm_free(ptm_malloc(50));
		ptm_free(p);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		bad++;
	ptm_free(p);
	frees++;
}

int main(int argc, char **argv)
{
	char line[128];
	int n;

	if (argc > 1 && strcmp(argv[1], "threads") == 0) {
		threads();
	} else {
		reallocs();
		others();
		churn();
	}
	n = snprintf(line, sizeof(line),
		     "allocs %lu\nfrees %lu\nbytes %lu\n"
		     "bad %d\n",
		     allocs, frees, bytes, bad);
	if (write(1, line, (size_t)n) != n)
		return 2;
	return bad != 0;
}
