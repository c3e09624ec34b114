// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Arenas.  Today there is one: the main arena, which grows with the
 * program break.  Every thread uses it behind its mutex.  The functions
 * here are the interface the rest of the allocator uses to choose and
 * lock arenas, so that non-main arenas with their mmapped sub-heaps can
 * be added behind it without touching the callers.
 *
 * Lock order:
 *   1. init_lock (malloc/init.c), only during the first initialisation;
 *   2. an arena's mutex.
 */
#include "internal.h"

struct malloc_state main_arena = {
	.mutex = PTM_MUTEX_INITIALIZER,
	.next = &main_arena,
};

/* Lock @av. */
void arena_lock(struct malloc_state *av)
{
	lock_acquire(&av->mutex);
}

/* Unlock @av. */
void arena_unlock(struct malloc_state *av)
{
	lock_release(&av->mutex);
}

/* The arena the calling thread allocates @bytes from, returned locked. */
struct malloc_state *arena_get(size_t bytes)
{
	(void)bytes;
	arena_lock(&main_arena);
	return &main_arena;
}

/* The arena owning the heap chunk @p. */
struct malloc_state *arena_for_chunk(const struct malloc_chunk *p)
{
	(void)p;
	return &main_arena;
}
