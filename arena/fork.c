// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fork safety.  Before fork() every arena lock is taken (after the
 * list lock, in list order), so that no other thread is inside the
 * allocator when the address space is copied.  The parent then releases
 * them; the child, whose other threads are gone, resets every lock and
 * rebuilds the free list: every arena but the forking thread's own is
 * unused in the child.
 */
#include <pthread.h>

#include "arena.h"

/* prepare: take every allocator lock. */
static void fork_lock_parent(void)
{
	if (!malloc_initialized())
		return;
	track_enter();
	arena_fork_lock_list();
	for_each_arena(av)
		arena_lock(av);
	track_leave();
}

/* parent: release them again. */
static void fork_unlock_parent(void)
{
	if (!malloc_initialized())
		return;
	track_enter();
	for_each_arena(av)
		arena_unlock(av);
	arena_fork_unlock_list();
	track_leave();
}

/* child: reset every lock; only the forking thread's arena is in use. */
static void fork_unlock_child(void)
{
	if (!malloc_initialized())
		return;
	track_enter();
	for_each_arena(av)
		lock_init(&av->mutex);
	arena_fork_reset_child();
	track_leave();
}

/* Register the fork handlers (once, from arena_init()). */
void arena_fork_init(void)
{
	pthread_atfork(fork_lock_parent, fork_unlock_parent, fork_unlock_child);
}
