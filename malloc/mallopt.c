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
#include "fastbins.h"
#include "internal.h"
#include "ptmalloc.h"

/*
 * The setters, shared with the environment tunables (tunables.c), which
 * pass values wider than mallopt's int.  Each returns 1 when it took the
 * value, 0 when it refused it.  The four that choose a size the dynamic
 * threshold would otherwise move switch that adjustment off.
 */
int do_set_mxfast(size_t value)
{
	if (value > MAX_FAST_SIZE)
		return 0;
	set_max_fast(value);
	return 1;
}

int do_set_trim_threshold(size_t value)
{
	mp_.trim_threshold = value;
	mp_.no_dyn_threshold = 1;
	return 1;
}

int do_set_top_pad(size_t value)
{
	mp_.top_pad = value;
	mp_.no_dyn_threshold = 1;
	return 1;
}

/* Refused above HEAP_MAX_SIZE / 2, as in glibc 2.17 to 2.34. */
int do_set_mmap_threshold(size_t value)
{
	if (value > HEAP_MAX_SIZE / 2)
		return 0;
	mp_.mmap_threshold = value;
	mp_.no_dyn_threshold = 1;
	return 1;
}

int do_set_mmaps_max(size_t value)
{
	mp_.n_mmaps_max = (int)value;
	mp_.no_dyn_threshold = 1;
	return 1;
}

int do_set_perturb_byte(size_t value)
{
	mp_.perturb_byte = (int)value;
	return 1;
}

int do_set_arena_test(size_t value)
{
	mp_.arena_test = value;
	return 1;
}

int do_set_arena_max(size_t value)
{
	mp_.arena_max = value;
	return 1;
}

/*
 * Apply @param = @value (main arena locked); the mallopt() result.  A
 * negative @value reaches the size setters sign-extended, as glibc's
 * (size_t) casts do: M_TRIM_THRESHOLD -1 means "never".
 */
static int mallopt_locked(int param, int value)
{
	size_t v = (size_t)(long)value;

	switch (param) {
	case M_MXFAST:
		return do_set_mxfast(v);
	case M_TRIM_THRESHOLD:
		return do_set_trim_threshold(v);
	case M_TOP_PAD:
		return do_set_top_pad(v);
	case M_MMAP_THRESHOLD:
		return do_set_mmap_threshold(v);
	case M_MMAP_MAX:
		return do_set_mmaps_max(v);
	case M_CHECK_ACTION:
		mp_.check_action = value;
		return 1;
	case M_PERTURB:
		return do_set_perturb_byte(v);
	case M_ARENA_TEST:
		if (value > 0)
			do_set_arena_test(v);
		return 1;
	case M_ARENA_MAX:
		if (value > 0)
			do_set_arena_max(v);
		return 1;
	default:
		return 1;
	}
}

/* mallopt(): set one allocator parameter; 1 on success, 0 if refused. */
int ptm_mallopt(int param, int value)
{
	int res;

	if (!malloc_initialized())
		ptmalloc_init();
	track_enter();
	arena_lock(&main_arena);
	malloc_consolidate(&main_arena);
	res = mallopt_locked(param, value);
	arena_unlock(&main_arena);
	track_leave();
	return res;
}

/* The current value of a mallopt parameter, for tests and tools. */
size_t ptm_debug_param(int param)
{
	if (!malloc_initialized())
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
