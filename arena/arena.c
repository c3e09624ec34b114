// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Arenas and the threads that use them.
 *
 * The main arena grows with the program break; every other arena lives
 * in mmapped sub-heaps (heap.c).  Each thread remembers its arena in a
 * thread-local pointer and always waits for that arena's lock rather
 * than moving on contention.  A thread's first allocation picks an
 * arena (arena_get2):
 *   1. an arena whose threads have all exited (the free list);
 *   2. else a new arena while fewer than the limit exist (arena_max,
 *      or 8 per online core once more than arena_test exist);
 *   3. else an existing arena, round robin, preferring one whose lock
 *      is free at that moment.
 * A thread's exit (the system layer's thread-exit callback, a pthread
 * key destructor: glibc's own thread-exit hook does not call this
 * library) detaches it from its arena, which
 * goes on the free list when no thread is left on it.
 *
 * Lock order (a thread holding a lock may only take locks below it):
 *   1. init_lock (malloc/init.c), during the first initialisation only;
 *   2. list_lock: the arena list (main_arena.next) and narenas;
 *   3. an arena's mutex; two arena mutexes are held together only by
 *      the fork handlers (fork.c), which take them in list order after
 *      list_lock;
 *   4. free_list_lock: the free list (free_list, next_free) and every
 *      attached_threads count; a leaf, taken with or without an arena
 *      mutex held.
 * Debug builds (PTM_DEBUG >= 1) count the arena mutexes each thread
 * holds and abort if list_lock is taken while any is held.
 */

#include "arena.h"
#include "../malloc/tcache.h"
#include "os.h"

struct malloc_state main_arena = {
	.mutex = PTM_MUTEX_INITIALIZER,
	.next = &main_arena,
	.attached_threads = 1,
};

/* The arena of the calling thread; NULL until its first allocation. */
os_thread_local struct malloc_state *thread_arena;

/* Lock 2 of the lock order: the arena list and narenas. */
static struct ptm_mutex list_lock = PTM_MUTEX_INITIALIZER;

/* Lock 4 of the lock order: the free list and attachment counts. */
static struct ptm_mutex free_list_lock = PTM_MUTEX_INITIALIZER;

/* The calling thread's flags (internal.h). */
os_thread_local struct thread_flags thread_flags;

/* Arenas that no thread uses, most recently freed first. */
static struct malloc_state *free_list;

/* Number of arenas, the main one included. */
static size_t narenas = 1;

/* Set once a second thread has called into the allocator. */
static bool multi_threaded;

/* Take list_lock, checking the lock order in debug builds. */
static void list_lock_acquire(void)
{
	if (PTM_DEBUG >= 1 && thread_flags.arena_locks_held != 0)
		malloc_printerr(3,
				"ptmalloc: lock order violated (list_lock "
				"after an arena lock)",
				NULL);
	lock_acquire(&list_lock);
}

/*
 * Whether more than one thread has used the allocator.  A process that
 * has stayed single-threaded never retries a failed allocation in
 * another arena (as glibc 2.26 and later).
 */
bool arena_multi_threaded(void)
{
	return __atomic_load_n(&multi_threaded, __ATOMIC_RELAXED);
}

/* Drop the calling thread's attachment to @av (free_list_lock held). */
static void detach_arena_locked(struct malloc_state *av)
{
	if (av != NULL && --av->attached_threads == 0) {
		av->next_free = free_list;
		__atomic_store_n(&free_list, av, __ATOMIC_RELAXED);
	}
}

/* Take @av off the free list if it is there (free_list_lock held). */
static void remove_from_free_list_locked(struct malloc_state *av)
{
	for (struct malloc_state **pp = &free_list; *pp != NULL;
	     pp = &(*pp)->next_free) {
		if (*pp == av) {
			__atomic_store_n(pp, av->next_free, __ATOMIC_RELAXED);
			return;
		}
	}
}

/* Make @av the calling thread's arena, moving its attachment. */
static void attach_arena(struct malloc_state *av)
{
	lock_acquire(&free_list_lock);
	detach_arena_locked(thread_arena);
	remove_from_free_list_locked(av);
	av->attached_threads++;
	lock_release(&free_list_lock);
	thread_arena = av;
	os_thread_exit_arm(av);
}

/* Thread exit: detach the exiting thread from its arena. */
static void arena_thread_exit(void *arg)
{
	struct malloc_state *av = arg;

	track_enter();
	tcache_thread_shutdown();
	lock_acquire(&free_list_lock);
	detach_arena_locked(av);
	lock_release(&free_list_lock);
	track_leave();
	thread_arena = NULL;
}

/*
 * Create an arena in a new sub-heap big enough for a first request of
 * @bytes, insert it after the main arena in the list, and return it
 * locked; NULL when no sub-heap can be had.
 */
static struct malloc_state *new_arena(size_t bytes)
{
	size_t hdr = sizeof(struct heap_info) + sizeof(struct malloc_state) +
		     MALLOC_ALIGNMENT;
	struct heap_info *h = new_heap(bytes + hdr, mp_.top_pad);
	struct malloc_state *a;
	char *ptr;

	if (h == NULL)
		h = new_heap(hdr, mp_.top_pad);
	if (h == NULL)
		return NULL;
	a = h->ar_ptr = (struct malloc_state *)(h + 1);
	h->prev = NULL;
	malloc_init_state(a);
	a->system_mem = a->max_system_mem = h->size;
	ptr = (char *)(a + 1);
	if (!aligned_ok((uintptr_t)chunk2mem((struct malloc_chunk *)ptr)))
		ptr += MALLOC_ALIGNMENT -
		       ((uintptr_t)chunk2mem((struct malloc_chunk *)ptr) &
			MALLOC_ALIGN_MASK);
	a->top = (struct malloc_chunk *)ptr;
	set_head(a->top, (size_t)((char *)h + h->size - ptr) | PREV_INUSE);
	lock_init(&a->mutex);
	track_arena(a, sizeof(*a));

	list_lock_acquire();
	a->next = main_arena.next;
	__atomic_store_n(&main_arena.next, a, __ATOMIC_RELEASE);
	lock_release(&list_lock);
	attach_arena(a);
	arena_lock(a);
	return a;
}

/* An arena from the free list, attached and locked; NULL if none. */
static struct malloc_state *get_free_list(void)
{
	struct malloc_state *av;

	if (__atomic_load_n(&free_list, __ATOMIC_RELAXED) == NULL)
		return NULL;
	lock_acquire(&free_list_lock);
	av = free_list;
	if (av != NULL)
		__atomic_store_n(&free_list, av->next_free, __ATOMIC_RELAXED);
	lock_release(&free_list_lock);
	if (av == NULL)
		return NULL;
	attach_arena(av);
	arena_lock(av);
	return av;
}

/*
 * Share an existing arena: the first, round robin, whose lock is free,
 * else wait for the next in line (not @avoid, where an allocation just
 * failed).  Returns it attached and locked.  The round-robin position
 * is shared by threads that come here without a lock, so it is read
 * once and written once, atomically (glibc leaves this a data race).
 */
static struct malloc_state *reused_arena(struct malloc_state *avoid)
{
	static struct malloc_state *next_to_use;
	struct malloc_state *first, *av;

	first = __atomic_load_n(&next_to_use, __ATOMIC_RELAXED);
	if (first == NULL)
		first = &main_arena;
	av = first;
	do {
		if (arena_trylock(av))
			goto out;
		av = __atomic_load_n(&av->next, __ATOMIC_ACQUIRE);
	} while (av != first);
	if (av == avoid)
		av = __atomic_load_n(&av->next, __ATOMIC_ACQUIRE);
	arena_lock(av);
out:
	attach_arena(av);
	__atomic_store_n(&next_to_use,
			 __atomic_load_n(&av->next, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELAXED);
	return av;
}

/* The most arenas allowed, fixed the first time it can be decided. */
static size_t arena_limit(void)
{
	static size_t limit;

	if (limit == 0) {
		if (mp_.arena_max != 0) {
			limit = mp_.arena_max;
		} else if (narenas > mp_.arena_test) {
			int n = os_cpu_count();

			limit = ARENAS_PER_CORE * (size_t)(n >= 1 ? n : 2);
		}
	}
	return limit;
}

/*
 * Find an arena for a thread that has none, or that must move away from
 * @avoid: the free list, a new arena, or a shared one.  Returned locked,
 * or NULL when even a new arena cannot be created.
 */
static struct malloc_state *arena_get2(size_t bytes, struct malloc_state *avoid)
{
	struct malloc_state *av = get_free_list();
	size_t n;

	if (av != NULL)
		return av;
	list_lock_acquire();
	n = narenas;
	/* A limit of 0 (undecided) makes limit - 1 huge: always create. */
	if (n <= arena_limit() - 1) {
		narenas = n + 1;
		lock_release(&list_lock);
		av = new_arena(bytes);
		if (av == NULL) {
			list_lock_acquire();
			narenas--;
			lock_release(&list_lock);
		}
		return av;
	}
	lock_release(&list_lock);
	return reused_arena(avoid);
}

/*
 * arena_get() for a thread that has no arena yet: the process now has
 * more than one thread; pick one for it (returned locked).
 */
struct malloc_state *arena_get_first(size_t bytes)
{
	__atomic_store_n(&multi_threaded, true, __ATOMIC_RELAXED);
	return arena_get2(bytes, NULL);
}

/*
 * After an allocation failed in @av (locked): unlock it and return
 * another arena, locked: the main arena for a non-main one, else any
 * other arena (possibly a new one).  May return NULL.
 */
struct malloc_state *arena_get_retry(struct malloc_state *av, size_t bytes)
{
	arena_unlock(av);
	if (av != &main_arena) {
		arena_lock(&main_arena);
		return &main_arena;
	}
	return arena_get2(bytes, av);
}

/* fork.c: hold and release list_lock around fork(). */
void arena_fork_lock_list(void)
{
	list_lock_acquire();
}

void arena_fork_unlock_list(void)
{
	lock_release(&list_lock);
}

/*
 * fork.c, in the child: reset list_lock and rebuild the free list from
 * every arena but the calling thread's, which is now its only user.
 */
void arena_fork_reset_child(void)
{
	struct malloc_state *av = &main_arena;

	lock_init(&list_lock);
	lock_init(&free_list_lock);
	thread_flags.arena_locks_held = 0;
	free_list = NULL;
	if (thread_arena != NULL)
		thread_arena->attached_threads = 1;
	do {
		if (av != thread_arena) {
			av->attached_threads = 0;
			av->next_free = free_list;
			free_list = av;
		}
		av = av->next;
	} while (av != &main_arena);
}

/*
 * Called once from ptmalloc_init(): the first thread uses the main
 * arena, and the thread-exit key and fork handlers are registered.
 */
void arena_init(void)
{
	thread_arena = &main_arena;
	os_thread_exit_init(arena_thread_exit);
	os_thread_exit_arm(&main_arena);
	arena_fork_init();
}

/*
 * The arena after @av in the circular arena list, or NULL once the walk
 * is back at the main arena.  A next pointer that is still NULL (before
 * the list is set up) also ends the walk.  Every walk of the arena list
 * (malloc_trim, the statistics, malloc_info, the consistency walker)
 * steps with this.  An acquire load, as this file
 * publishes a new arena with a release store.
 */
struct malloc_state *arena_list_next(const struct malloc_state *av)
{
	struct malloc_state *next;

	track_enter();
	next = __atomic_load_n(&av->next, __ATOMIC_ACQUIRE);
	track_leave();
	return next == &main_arena ? NULL : next;
}
