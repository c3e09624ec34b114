// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fork safety.  Before fork() stdio's list lock and then every arena
 * lock are taken (after the list lock of the arenas, in list order), so
 * that no other thread is inside the allocator when the address space
 * is copied.  The parent then releases them; the child, whose other
 * threads are gone, resets every lock and rebuilds the free list: every
 * arena but the forking thread's own is unused in the child.
 *
 * stdio's list lock comes first because glibc's fork() takes it after
 * the fork handlers have run: a thread in fflush(NULL) holds it while it
 * waits for a stream whose owner may be waiting for an arena (glibc bug
 * 19431).  glibc 2.36 takes its own malloc's locks after the list lock;
 * a fork handler can only keep that order by taking the list lock
 * itself (docs/arenas.md, lock order).
 *
 * A process that has never had a second thread takes no lock at all, as
 * glibc 2.36 does: no other thread can be inside the allocator, and a
 * signal handler that forks while fork() is under way must not wait for
 * a lock its own thread holds.  The prepare handler's decision is kept
 * (per thread) for the parent and child handlers of the same fork().
 */

#include "arena.h"
#include "os.h"

/* prepare: take every allocator lock, stdio's list lock first. */
static void fork_lock_parent(void)
{
	thread_flags.fork_locked = malloc_initialized() && !single_threaded();
	if (!thread_flags.fork_locked)
		return;
	track_enter();
	os_stdio_list_lock();
	arena_fork_lock_list();
	for_each_arena(av)
		arena_lock(av);
	track_leave();
}

/* parent: release them again, in the opposite order. */
static void fork_unlock_parent(void)
{
	if (!thread_flags.fork_locked)
		return;
	track_enter();
	for_each_arena(av)
		arena_unlock(av);
	arena_fork_unlock_list();
	os_stdio_list_unlock();
	track_leave();
}

/* child: reset every lock; only the forking thread's arena is in use. */
static void fork_unlock_child(void)
{
	if (!thread_flags.fork_locked)
		return;
	track_enter();
	for_each_arena(av)
		lock_init(&av->mutex);
	arena_fork_reset_child();
	os_stdio_list_reset();
	track_leave();
}

/* Register the fork handlers (once, from arena_init()). */
void arena_fork_init(void)
{
	os_atfork(fork_lock_parent, fork_unlock_parent, fork_unlock_child);
}
