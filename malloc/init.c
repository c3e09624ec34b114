// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Initialisation: the process-wide parameters with their defaults, and
 * ptmalloc_init(), which every entry point runs before its first use of
 * the allocator.  Environment tunables are read here.
 */
#include "../arena/arena.h"
#include "internal.h"
#include "os.h"

struct malloc_par mp_ = {
	.trim_threshold = DEFAULT_TRIM_THRESHOLD,
	.top_pad = DEFAULT_TOP_PAD,
	.mmap_threshold = DEFAULT_MMAP_THRESHOLD,
	.arena_test = DEFAULT_ARENA_TEST,
	.arena_max = 0,
	.n_mmaps_max = DEFAULT_MMAP_MAX,
	.check_action = DEFAULT_CHECK_ACTION,
};

/* Serialises the first initialisation between racing threads. */
static struct ptm_mutex init_lock = PTM_MUTEX_INITIALIZER;

/*
 * Initialise the main arena (empty bins, size-0 top, contiguous heap,
 * default fast-bin limit) once.  Later issues read the environment
 * here; mallopt() calls made before the first allocation still apply
 * because they run ptmalloc_init() first.
 */
void ptmalloc_init(void)
{
	lock_acquire(&init_lock);
	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE)) {
		malloc_init_state(&main_arena);
		arena_init();
		__atomic_store_n(&mp_.initialized, true, __ATOMIC_RELEASE);
	}
	lock_release(&init_lock);
}
