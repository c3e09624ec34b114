// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mallopt(): the nine parameters of <malloc.h>.
 *
 * As in glibc, every call first consolidates the main arena's fast bins
 * (whatever the parameter), returns 1 on success and 0 only for values
 * it refuses (M_MXFAST outside 0..MAX_FAST_SIZE, M_MMAP_THRESHOLD above
 * HEAP_MAX_SIZE / 2), and 1 for parameters it does not know.  Setting
 * M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD or M_MMAP_MAX switches
 * the dynamic mmap threshold off.  errno is never touched.
 */
#include "internal.h"
#include "ptmalloc.h"

/* Apply @param = @value (main arena locked); the mallopt() result. */
static int mallopt_locked(int param, int value)
{
	switch (param) {
	case M_MXFAST:
		if (value < 0 || (size_t)value > MAX_FAST_SIZE)
			return 0;
		set_max_fast((size_t)value);
		return 1;
	case M_TRIM_THRESHOLD:
		mp_.trim_threshold = (size_t)(long)value;
		mp_.no_dyn_threshold = 1;
		return 1;
	case M_TOP_PAD:
		mp_.top_pad = (size_t)(long)value;
		mp_.no_dyn_threshold = 1;
		return 1;
	case M_MMAP_THRESHOLD:
		if ((unsigned long)(long)value > HEAP_MAX_SIZE / 2)
			return 0;
		mp_.mmap_threshold = (size_t)value;
		mp_.no_dyn_threshold = 1;
		return 1;
	case M_MMAP_MAX:
		mp_.n_mmaps_max = value;
		mp_.no_dyn_threshold = 1;
		return 1;
	case M_CHECK_ACTION:
		mp_.check_action = value;
		return 1;
	case M_PERTURB:
		mp_.perturb_byte = value;
		return 1;
	case M_ARENA_TEST:
		if (value > 0)
			mp_.arena_test = (size_t)value;
		return 1;
	case M_ARENA_MAX:
		if (value > 0)
			mp_.arena_max = (size_t)value;
		return 1;
	default:
		return 1;
	}
}

/* mallopt(): set one allocator parameter; 1 on success, 0 if refused. */
int ptm_mallopt(int param, int value)
{
	int res;

	if (!mp_.initialized)
		ptmalloc_init();
	arena_lock(&main_arena);
	malloc_consolidate(&main_arena);
	res = mallopt_locked(param, value);
	arena_unlock(&main_arena);
	return res;
}

/* The current value of a mallopt parameter, for tests and tools. */
size_t ptm_debug_param(int param)
{
	if (!mp_.initialized)
		ptmalloc_init();
	switch (param) {
	case M_MXFAST:
		return get_max_fast();
	case M_TRIM_THRESHOLD:
		return mp_.trim_threshold;
	case M_TOP_PAD:
		return mp_.top_pad;
	case M_MMAP_THRESHOLD:
		return mp_.mmap_threshold;
	case M_MMAP_MAX:
		return (size_t)mp_.n_mmaps_max;
	case M_CHECK_ACTION:
		return (size_t)mp_.check_action;
	case M_PERTURB:
		return (size_t)mp_.perturb_byte;
	case M_ARENA_TEST:
		return mp_.arena_test;
	case M_ARENA_MAX:
		return mp_.arena_max;
	default:
		return (size_t)-1;
	}
}

/* Where the main arena's heap begins; NULL before it has memory. */
void *ptm_debug_heap_start(void)
{
	return mp_.sbrk_base;
}
