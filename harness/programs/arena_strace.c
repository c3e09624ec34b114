// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arena_strace TRACEFILE: the first non-main arena on the real break,
 * for the test "arena/real_strace_agrees", which runs this program
 * under strace -f.
 *
 * The main thread makes the first allocation (binding itself to the
 * main arena), then a second thread, between two marker system calls
 * that the library never makes, mprotect(NULL, 0, PROT_NONE) and
 * mprotect(NULL, 0, PROT_READ), calls ptm_malloc(16) (creating arena
 * 1) and ptm_malloc(100000) twice (growing its sub-heap once), with the
 * library's own trace going to TRACEFILE.  Nothing between the markers
 * allocates with the C library's malloc or uses stdio.
 *
 * sbrk(0) is read (from the C library's cached break, no system call)
 * before and after the allocations.
 *
 * Exit status: 0, or 1 when a call failed or the break moved.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ptmalloc.h"

/* The trace file. */
static int trace_fd;

/* Set by the thread when one of its allocations failed. */
static int failed;

/* The second thread: three allocations between the markers. */
static void *second_thread(void *arg)
{
	void *brk_before;

	(void)arg;
	mprotect(NULL, 0, PROT_NONE);
	brk_before = sbrk(0);
	ptm_debug_trace_syscalls(trace_fd);
	failed |= ptm_malloc(16) == NULL;
	failed |= ptm_malloc(100000) == NULL;
	failed |= ptm_malloc(100000) == NULL;
	ptm_debug_trace_syscalls(-1);
	failed |= sbrk(0) != brk_before;
	mprotect(NULL, 0, PROT_READ);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2) {
		fprintf(stderr, "usage: arena_strace TRACEFILE\n");
		return 2;
	}
	trace_fd = open(argv[1], O_WRONLY | O_TRUNC | O_CREAT, 0600);
	if (trace_fd < 0 || ptm_malloc(16) == NULL)
		return 1;
	if (pthread_create(&t, NULL, second_thread, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 1;
	if (failed)
		return 1;
	return close(trace_fd) != 0;
}
