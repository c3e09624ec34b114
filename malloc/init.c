// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Initialisation: the process-wide parameters with their defaults, and
 * ptmalloc_init(), which every entry point runs before its first use of
 * the allocator.  Environment tunables are read here.
 */
#include "../arena/arena.h"
#include "internal.h"
#include "tcache.h"
#include "os.h"

struct malloc_par mp_ = {
	.trim_threshold = DEFAULT_TRIM_THRESHOLD,
	.top_pad = DEFAULT_TOP_PAD,
	.mmap_threshold = DEFAULT_MMAP_THRESHOLD,
	.arena_test = DEFAULT_ARENA_TEST,
	.arena_max = 0,
	.n_mmaps_max = DEFAULT_MMAP_MAX,
	.check_action = DEFAULT_CHECK_ACTION,
	.tcache_bins = TCACHE_MAX_BINS,
	.tcache_max_request = MAX_TCACHE_SIZE,
	.tcache_max_bytes = MAX_TCACHE_SIZE,
	.tcache_count = TCACHE_FILL_COUNT,
	.safe_linking = -1,
};

/* Serialises the first initialisation between racing threads. */
static struct ptm_mutex init_lock = PTM_MUTEX_INITIALIZER;

/*
 * glibc 2.17's last step of initialisation: the initialisation hook,
 * which may allocate (a nested call finds the allocator ready) and
 * install hooks or ptm_mcheck() before malloc is marked initialised.
 */
static void run_initialize_hook(void)
{
	void (*hook)(void) = HOOK_LOAD(ptm_malloc_initialize_hook);

	if (hook != NULL)
		hook();
}

/*
 * Initialise the main arena (empty bins, size-0 top, contiguous heap,
 * default fast-bin limit) once, then the arena layer.  The arena layer
 * registers fork handlers and a thread-exit key with libc, which may
 * call malloc; in the drop-in library that malloc is ours, so a call
 * made from inside the initialisation finds the main arena ready and
 * returns at once instead of waiting for the lock it already holds.
 */
void ptmalloc_init(void)
{
	if (thread_flags.initializing)
		return;
	lock_acquire(&init_lock);
	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE)) {
		thread_flags.initializing = true;
		malloc_init_state(&main_arena);
		malloc_check_from_env();
		tunables_init();
		heapmap_from_env();
		if (mp_.safe_linking > 0 ||
		    (mp_.safe_linking < 0 && mp_.tcache_enabled))
			mp_.safe_link_mask = ~(uintptr_t)0;
		if (mp_.tcache_enabled)
			tcache_key_init();
		arena_init();
		/* Under valgrind the main arena becomes NOACCESS. */
		track_detect();
		run_initialize_hook();
		__atomic_store_n(&mp_.initialized, true, __ATOMIC_RELEASE);
		thread_flags.initializing = false;
	}
	lock_release(&init_lock);
}
