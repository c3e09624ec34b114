// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The child side of the fork handlers (arena/fork.c,
 * arena_fork_reset_child()): in the child of a process whose second
 * thread is attached to an arena, that thread is gone, so its arena
 * must be free for the next thread to take, and every lock the prepare
 * handler took must be usable again.
 *
 * The child reports what it saw through a pipe and ends with _exit()
 * (exit() would run Criterion's handlers in a copy of the test process);
 * in a coverage build it writes its counters first.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena_util.h"
#include "ptmalloc.h"

#if defined(PTM_COVERAGE) && defined(__GNUC__) && !defined(__clang__)
#include <gcov.h>
#define FORK_GCOV_DUMP() __gcov_dump()
#else
#define FORK_GCOV_DUMP() ((void)0)
#endif

/* The parent's second thread: one block, then it waits, attached. */
static sem_t allocated, release;
static void *thread_block;

static void *hold_arena(void *arg)
{
	(void)arg;
	thread_block = ptm_malloc(1000);
	sem_post(&allocated);
	sem_wait(&release);
	return NULL;
}

/* The child's thread: a block of the same size. */
static void *child_alloc(void *arg)
{
	(void)arg;
	return ptm_malloc(1000);
}

/**
 * struct child_seen - what the child reports.
 * @main_block: ptm_malloc(200) in the main arena.
 * @thread_block: ptm_malloc(1000) of a thread the child started, after
 *	the child freed the parent thread's block.
 * @check: ptm_debug_check_heap() at the end.
 */
struct child_seen {
	uintptr_t main_block;
	uintptr_t thread_block;
	int check;
};

/* End the child: send @s up the pipe @fd, then _exit (0: it was sent). */
static void __attribute__((noreturn))
child_report(int fd, const struct child_seen *s)
{
	ssize_t n = write(fd, s, sizeof(*s));

	FORK_GCOV_DUMP();
	_exit(n == (ssize_t)sizeof(*s) ? 0 : 1);
}

/*
 * Fork; the child runs @fn(@fd, @arg), which ends with child_report();
 * the parent reads the report into @s and asserts the child exited 0.
 */
static void fork_child(void (*fn)(int fd, void *arg), void *arg,
		       struct child_seen *s)
{
	int fds[2], status;
	pid_t pid;

	cr_assert(eq(int, pipe(fds), 0));
	pid = fork();
	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		close(fds[0]);
		fn(fds[1], arg);
	}
	close(fds[1]);
	cr_assert(eq(sz, (size_t)read(fds[0], s, sizeof(*s)), sizeof(*s)));
	close(fds[0]);
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	cr_assert(eq(int, status, 0), "child status %#x", status);
}

/* Start hold_arena() in @t and wait for its block. */
static void start_holder(pthread_t *t)
{
	cr_assert(eq(int, sem_init(&allocated, 0, 0), 0));
	cr_assert(eq(int, sem_init(&release, 0, 0), 0));
	cr_assert(eq(int, pthread_create(t, NULL, hold_arena, NULL), 0));
	sem_wait(&allocated);
	cr_assert(ne(ptr, thread_block, NULL));
}

/* The child: allocate and free in both arenas, start a thread. */
static void child(int fd, void *main_block)
{
	struct child_seen s = { 0 };
	pthread_t t;
	void *p = NULL;

	s.main_block = (uintptr_t)ptm_malloc(200);
	ptm_free(main_block);
	ptm_free(thread_block);
	if (pthread_create(&t, NULL, child_alloc, NULL) == 0 &&
	    pthread_join(t, &p) == 0)
		s.thread_block = (uintptr_t)p;
	s.check = ptm_debug_check_heap();
	child_report(fd, &s);
}

/*
 * The child can allocate in the main arena and free in the other one
 * (their locks were reset); its new thread takes the arena the parent's
 * thread had, now on the free list, rather than a third one, and gets
 * the very chunk the child freed there.
 */
Test(fork_handlers, child_reuses_the_arena_of_a_vanished_thread)
{
	struct child_seen s = { 0 };
	void *main_block;
	pthread_t t;

	main_block = ptm_malloc(100);
	cr_assert(ne(ptr, main_block, NULL));
	start_holder(&t);
	cr_assert(ne(u64, heap_word(heap_of(thread_block), 0), 0),
		  "the thread's block is not in a sub-heap");
	fork_child(child, main_block, &s);
	cr_expect(ne(u64, s.main_block, 0));
	cr_expect(eq(u64, s.thread_block, (uintptr_t)thread_block));
	cr_expect(eq(int, s.check, 0));
	sem_post(&release);
	cr_assert(eq(int, pthread_join(t, NULL), 0));
	ptm_free(thread_block);
	ptm_free(main_block);
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
}

/*
 * The child of child_of_a_thread_without_an_arena: its first block, the
 * block's NON_MAIN_ARENA bit (1 when there is no block), then it frees
 * the vanished thread's block and its own and checks the heap.
 */
static void child_without_arena(int fd, void *arg)
{
	struct child_seen s = { 0 };
	void *p = ptm_malloc(200);

	(void)arg;
	s.main_block = (uintptr_t)p;
	s.thread_block = p == NULL ? 1 : ((size_t *)p)[-1] & 4;
	ptm_free(thread_block);
	ptm_free(p);
	s.check = ptm_debug_check_heap();
	child_report(fd, &s);
}

/*
 * The child of a fork by a thread that never allocated, while another
 * holds the main arena: the forking thread has no arena, so the child
 * handler puts every arena, the main one included, on the free list,
 * and the child's first allocation takes the main arena from it (no
 * NON_MAIN_ARENA bit), where it can free the vanished thread's block.
 */
Test(fork_handlers, child_of_a_thread_without_an_arena)
{
	struct child_seen s = { 0 };
	pthread_t t;

	start_holder(&t);
	cr_assert(eq(u64, ((size_t *)thread_block)[-1] & 4, 0),
		  "the first thread to allocate has the main arena");
	fork_child(child_without_arena, NULL, &s);
	cr_expect(ne(u64, s.main_block, 0));
	cr_expect(eq(u64, s.thread_block, 0), "the child's block is not main");
	cr_expect(eq(int, s.check, 0));
	sem_post(&release);
	cr_assert(eq(int, pthread_join(t, NULL), 0));
	ptm_free(thread_block);
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
}
