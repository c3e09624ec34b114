// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * malloc_stats() in a thread with a cancellation request pending, as
 * glibc's tst-malloc-stats-cancellation (harness/test_async_safety.c).
 *
 *	stats_cancel dropin|archive
 *		a thread is cancelled before it calls malloc_stats(); its
 *		writes to stderr are cancellation points, but glibc prints
 *		the whole report and the thread is cancelled at the next
 *		cancellation point after it, the fputs() that follows.
 *		Standard error goes to a pipe that another thread drains.
 *		The main thread then writes to stderr itself: had the
 *		thread died inside malloc_stats(), stderr's lock would
 *		still be held and that write would never return.
 *		cancelled	1: the thread ended cancelled
 *		complete	1: the report reached its last line
 *		after_cancel	0: the fputs after it printed nothing
 *		stderr_free	1: the main thread could write to stderr
 *
 * "dropin" calls malloc_stats (run with LD_PRELOAD), "archive" the
 * archive's ptm_malloc_stats.  A hang is ended by the runner's time
 * limit.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

static void (*stats)(void);
static pthread_barrier_t gate;

/* The cancelled thread: released only once the request is pending. */
static void *cancelled_thread(void *arg)
{
	pthread_barrier_wait(&gate);
	stats();
	fputs("after cancel\n", stderr);
	return arg;
}

/* Everything the pipe from stderr brings, until its write end closes. */
static char drained[65536];

static void *drain_thread(void *arg)
{
	int fd = *(int *)arg;
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(drained) - 1 &&
	       (r = read(fd, drained + n, sizeof(drained) - 1 - n)) != 0) {
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0)
			n += (size_t)r;
	}
	return arg;
}

/* Print "fatal WHAT" on the saved standard error and exit 2. */
static void fatal(int fd, const char *what)
{
	dprintf(fd, "fatal %s\n", what);
	exit(2);
}

int main(int argc, char **argv)
{
	int fds[2], real_err = dup(2);
	pthread_t t, drain;
	void *ret = NULL;

	stats = argc > 1 && strcmp(argv[1], "archive") == 0 ? ptm_malloc_stats :
							      malloc_stats;
	if (real_err < 0 || pipe(fds) != 0 || dup2(fds[1], 2) < 0)
		fatal(real_err, "setup");
	close(fds[1]);
	if (pthread_create(&drain, NULL, drain_thread, &fds[0]) != 0 ||
	    pthread_barrier_init(&gate, NULL, 2) != 0 ||
	    pthread_create(&t, NULL, cancelled_thread, NULL) != 0 ||
	    pthread_cancel(t) != 0)
		fatal(real_err, "threads");
	pthread_barrier_wait(&gate);
	if (pthread_join(t, &ret) != 0)
		fatal(real_err, "join");
	fputs("main\n", stderr);
	fclose(stderr);
	if (pthread_join(drain, NULL) != 0)
		fatal(real_err, "join");
	printf("cancelled %d\ncomplete %d\nafter_cancel %d\nstderr_free %d\n",
	       ret == PTHREAD_CANCELED,
	       strstr(drained, "max mmap bytes   = ") != NULL,
	       strstr(drained, "after cancel") != NULL,
	       strstr(drained, "main\n") != NULL);
	return 0;
}
