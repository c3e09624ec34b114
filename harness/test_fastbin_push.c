// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The lock-free fast-bin free, suite "fastbin_push": once the process
 * has a second thread, free() pushes a fast chunk onto its bin with a
 * compare-and-swap and no arena lock (glibc's _int_free), while the lock
 * holder alone takes chunks off.
 *
 * The test makes one thread hold the main arena's lock for as long as it
 * likes: with M_ARENA_MAX 1 every thread uses the main arena, and a
 * malloc that maps a chunk writes its line of the system-call trace
 * (ptm_debug_trace_syscalls) under that lock, into a pipe the test has
 * filled.  Another thread then frees a fast chunk.  Whether that free
 * waits is read off the kernel (/proc/self/task/TID/syscall names the
 * call a thread is blocked in), so no verdict depends on a clock.
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

/**
 * struct party - one of the two threads of the test.
 * @tid: its kernel thread id.
 * @mem: what it allocated, or what it frees.
 * @ready: posted once it has made its first call (it uses the main arena).
 * @go: posted by the test to start its operation.
 * @done: set once the operation has returned.
 */
struct party {
	pid_t tid;
	void *mem;
	sem_t ready;
	sem_t go;
	int done;
};

/*
 * The system call thread @tid is blocked in, -1 while it runs.  The
 * first field of /proc/self/task/TID/syscall is the number, or
 * "running".
 */
static long blocked_in(pid_t tid)
{
	char path[64];
	char buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	cr_assert(ne(ptr, f, NULL));
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	return strtol(buf, NULL, 10);
}

/* A party's start: bind to the main arena, then wait for the test. */
static void party_begin(struct party *p)
{
	p->tid = (pid_t)syscall(SYS_gettid);
	ptm_free(ptm_malloc(24));
	sem_post(&p->ready);
	while (sem_wait(&p->go) != 0)
		;
}

/* The lock holder: a mapped chunk, whose trace line blocks. */
static void *holder(void *arg)
{
	struct party *p = arg;

	party_begin(p);
	p->mem = ptm_malloc(256 * 1024);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The freer: free a fast chunk of the main arena. */
static void *freer(void *arg)
{
	struct party *p = arg;

	party_begin(p);
	ptm_free(p->mem);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start @fn on @p and wait until it has made its first call. */
static void party_start(pthread_t *t, void *(*fn)(void *), struct party *p)
{
	cr_assert(eq(int, sem_init(&p->ready, 0, 0), 0));
	cr_assert(eq(int, sem_init(&p->go, 0, 0), 0));
	cr_assert(eq(int, pthread_create(t, NULL, fn, p), 0));
	while (sem_wait(&p->ready) != 0)
		;
}

/* Fill the pipe @fds so that its next write blocks. */
static void fill_pipe(const int fds[2])
{
	static const char junk[4096];
	int fl = fcntl(fds[1], F_GETFL);

	cr_assert(eq(int, fcntl(fds[1], F_SETFL, fl | O_NONBLOCK), 0));
	while (write(fds[1], junk, sizeof(junk)) > 0)
		;
	while (write(fds[1], junk, 1) > 0)
		;
	cr_assert(eq(int, fcntl(fds[1], F_SETFL, fl), 0));
}

/*
 * Wait until @p's operation has returned (true) or @p is blocked in the
 * system call @nr (false).
 */
static bool returned_before(struct party *p, long nr)
{
	for (;;) {
		if (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE))
			return true;
		if (blocked_in(p->tid) == nr)
			return false;
		sched_yield();
	}
}

/* Read the pipe @fd empty until @p's operation has returned. */
static void drain_until_done(int fd, struct party *p)
{
	char buf[4096];

	cr_assert(eq(int, fcntl(fd, F_SETFL, O_NONBLOCK), 0));
	while (!__atomic_load_n(&p->done, __ATOMIC_ACQUIRE)) {
		if (read(fd, buf, sizeof(buf)) <= 0)
			sched_yield();
	}
}

/*
 * A 32-byte chunk of the main arena freed by one thread while another
 * holds the arena's lock: the free returns without waiting, and the
 * chunk is on its fast bin (counted in fsmblks, handed out again by the
 * next malloc of its size).
 */
Test(fastbin_push, free_of_a_fast_chunk_takes_no_arena_lock)
{
	struct party h = { 0 }, f = { 0 };
	pthread_t th, tf;
	int fds[2];
	bool returned;

	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_ARENA_MAX, 1), 1));
	f.mem = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL), "a guard before top");
	party_start(&tf, freer, &f);
	party_start(&th, holder, &h);

	cr_assert(eq(int, pipe(fds), 0));
	fill_pipe(fds);
	ptm_debug_trace_syscalls(fds[1]);
	sem_post(&h.go);
	cr_assert(not(returned_before(&h, SYS_write)),
		  "the mapping malloc must block in its trace write");

	sem_post(&f.go);
	returned = returned_before(&f, SYS_futex);
	drain_until_done(fds[0], &h);
	ptm_debug_trace_syscalls(-1);
	cr_assert(eq(int, pthread_join(th, NULL), 0));
	cr_assert(eq(int, pthread_join(tf, NULL), 0));
	cr_assert(returned, "free() of a fast chunk waited for the arena lock");

	cr_assert(eq(sz, ptm_mallinfo2().fsmblks, 32));
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
	cr_assert(eq(ptr, ptm_malloc(24), f.mem));
	cr_assert(ne(ptr, h.mem, NULL));
	ptm_free(h.mem);
	close(fds[0]);
	close(fds[1]);
}
