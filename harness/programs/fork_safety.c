// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fork() against the allocator's fork handlers, in the two interleavings
 * that glibc's tst-malloc-fork-deadlock and tst-mallocfork2 hit by
 * chance, here forced step by step (harness/test_async_safety.c).
 *
 *	fork_safety stdio dropin|archive
 *		glibc bug 19431's three threads: C holds a FILE's lock
 *		(flockfile) and will allocate, B is inside fflush(NULL)
 *		holding stdio's list lock and waiting for that FILE, and
 *		A forks.  A must not hold the arena locks while it waits
 *		for the list lock, or C waits for A, A for B and B for C.
 *		C allocates only once A sleeps in fork().
 *		forked		1 once the child was reaped (exit 0)
 *		c_allocated	1 once C's allocation returned
 *	fork_safety signal dropin|archive
 *		a single-threaded process whose fork() is interrupted, in
 *		a fork handler that runs after the allocator's prepare
 *		handler and before its parent handler, by a signal whose
 *		handler forks again: the inner fork must not wait for a
 *		lock the outer one holds.
 *		inner_forked	1: the handler's child was reaped (exit 0)
 *		outer_forked	1: the outer child was reaped (exit 0)
 *
 * "dropin" allocates through the standard names (run the program with
 * LD_PRELOAD=build/libptmalloc.so), "archive" through the ptm_ names of
 * the archive it is linked with, whose fork handlers it registers too.
 * A hang is ended by the runner's time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptmalloc.h"

static void *(*alloc)(size_t);
static void (*release)(void *);

/* Print "fatal WHAT" on stderr and exit with status 2. */
static void fatal(const char *what)
{
	fprintf(stderr, "fatal %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Fork a child that exits 0 at once; whether it did. */
static int fork_and_reap(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Whether thread @tid of this process sleeps in the futex system call.
 * Read without stdio: fopen() would wait for the list lock.
 */
static int sleeps_in_futex(pid_t tid)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10) == SYS_futex;
}

/* Wait until thread @tid sleeps in a futex (a lock or a semaphore). */
static void wait_for_futex(_Atomic pid_t *tid)
{
	while (atomic_load(tid) == 0 || !sleeps_in_futex(atomic_load(tid)))
		sched_yield();
}

static FILE *shared_file;
static sem_t c_locked;
static _Atomic pid_t a_tid, b_tid;
static atomic_int c_allocated;

/* C: an arena of its own, then the FILE lock, then one more block. */
static void *thread_c(void *arg)
{
	void *p = alloc(100000);

	release(p);
	flockfile(shared_file);
	sem_post(&c_locked);
	wait_for_futex(&a_tid);
	p = alloc(100000);
	atomic_store(&c_allocated, p != NULL);
	release(p);
	funlockfile(shared_file);
	return arg;
}

/* B: fflush(NULL) takes the list lock, then waits for C's FILE. */
static void *thread_b(void *arg)
{
	atomic_store(&b_tid, (pid_t)syscall(SYS_gettid));
	if (fflush(NULL) != 0)
		fatal("fflush");
	return arg;
}

/* The bug 19431 interleaving, with the main thread as A. */
static void run_stdio(void)
{
	pthread_t b, c;
	int forked;

	shared_file = fopen("/dev/null", "w");
	if (shared_file == NULL || sem_init(&c_locked, 0, 0) != 0)
		fatal("setup");
	release(alloc(10));
	if (pthread_create(&c, NULL, thread_c, NULL) != 0)
		fatal("pthread_create");
	while (sem_wait(&c_locked) != 0)
		;
	if (pthread_create(&b, NULL, thread_b, NULL) != 0)
		fatal("pthread_create");
	wait_for_futex(&b_tid);
	atomic_store(&a_tid, (pid_t)syscall(SYS_gettid));
	forked = fork_and_reap();
	if (pthread_join(b, NULL) != 0 || pthread_join(c, NULL) != 0)
		fatal("pthread_join");
	printf("forked %d\nc_allocated %d\n", forked,
	       atomic_load(&c_allocated));
}

static volatile sig_atomic_t in_outer_fork, inner_forked;

/* SIGUSR1: fork from the signal handler (fork is async-signal-safe). */
static void on_sigusr1(int sig)
{
	(void)sig;
	inner_forked = fork_and_reap();
}

/*
 * A fork handler of the program's: the outer fork raises the signal in
 * it, once, while the allocator's handlers are in the middle of fork.
 */
static void raise_in_fork(void)
{
	if (in_outer_fork) {
		in_outer_fork = 0;
		raise(SIGUSR1);
	}
}

/*
 * The signal case.  Prepare handlers run last registered first, parent
 * handlers first registered first: registered before the allocator's
 * (whose registration its first allocation makes), this one runs after
 * the allocator's prepare handler and before its parent handler.
 */
static void run_signal(void)
{
	int outer;

	if (signal(SIGUSR1, on_sigusr1) == SIG_ERR ||
	    pthread_atfork(NULL, raise_in_fork, NULL) != 0)
		fatal("setup");
	release(alloc(10));
	in_outer_fork = 1;
	outer = fork_and_reap();
	printf("inner_forked %d\nouter_forked %d\n", (int)inner_forked, outer);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		fatal("usage: fork_safety stdio|signal dropin|archive");
	if (strcmp(argv[2], "archive") == 0) {
		alloc = ptm_malloc;
		release = ptm_free;
	} else {
		alloc = malloc;
		release = free;
	}
	if (strcmp(argv[1], "stdio") == 0)
		run_stdio();
	else
		run_signal();
	return 0;
}
