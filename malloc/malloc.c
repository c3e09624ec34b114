// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The main public entry points: malloc, free, calloc,
 * malloc_usable_size and malloc_trim.  Each initialises the allocator on
 * first use, picks and locks an arena, and hands over to the arena-level
 * functions (int_malloc, int_free, mtrim).  realloc is in realloc.c, the
 * aligned family in memalign.c, mallopt in mallopt.c, the statistics in
 * stats.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../arena/arena.h"
#include "internal.h"
#include "tcache.h"
#include "ptmalloc.h"

/* Initialise the allocator if this is the first call into it. */
static inline void malloc_init_once(void)
{
	if (unlikely(!malloc_initialized()))
		ptmalloc_init();
}

/*
 * int_malloc() in the arena *@avp (locked; NULL when no arena could be
 * had).  In a multi-threaded process a failure is retried once in
 * another arena, which then replaces *@avp, as glibc does.
 */
static void *malloc_in_arena(struct malloc_state **avp, size_t bytes)
{
	void *mem;
	size_t nb;

	if (*avp == NULL) {
		if (!checked_request2size(bytes, &nb)) {
			errno = ENOMEM;
			return NULL;
		}
		return sysmalloc(nb, NULL);
	}
	mem = int_malloc(*avp, bytes);
	if (mem == NULL && arena_multi_threaded()) {
		*avp = arena_get_retry(*avp, bytes);
		if (*avp != NULL)
			mem = int_malloc(*avp, bytes);
	}
	return mem;
}

/*
 * The per-thread cache's share of malloc(): a cached chunk of the size
 * @bytes needs, if the calling thread has one; NULL otherwise.
 */
static void *malloc_from_tcache(size_t bytes)
{
	size_t nb;
	size_t tc_idx;

	if (!checked_request2size(bytes, &nb))
		return NULL;
	tc_idx = csize2tidx(nb);
	tcache_init_once();
	if (!tcache_has_bin(tc_idx) || tcache->counts[tc_idx] == 0)
		return NULL;
	return tcache_get(tc_idx);
}

/* malloc(): @bytes of uninitialised memory, or NULL with ENOMEM. */
void *ptm_malloc(size_t bytes)
{
	void *(*hook)(size_t, const void *);
	struct malloc_state *av;
	void *mem;

	/* First: the initialisation may install hooks (MALLOC_CHECK_). */
	malloc_init_once();
	hook = HOOK_LOAD(ptm_malloc_hook);
	if (unlikely(hook != NULL))
		return hook(bytes, __builtin_return_address(0));
	track_enter();
	if (mp_.tcache_enabled) {
		mem = malloc_from_tcache(bytes);
		if (mem != NULL)
			return track_alloc(mem, bytes, false);
	}
	av = arena_get(bytes);
	mem = malloc_in_arena(&av, bytes);
	if (av != NULL)
		arena_unlock(av);
	debug_check_after_op();
	return track_alloc(mem, bytes, false);
}

/*
 * free(): give @mem back.  A mapped chunk is unmapped (after adjusting
 * the dynamic mmap threshold); a heap chunk returns to the arena it came
 * from.  errno is preserved, as in glibc 2.33 and later.
 */
void ptm_free(void *mem)
{
	void (*hook)(void *, const void *) = HOOK_LOAD(ptm_free_hook);
	int saved_errno;
	struct malloc_chunk *p;

	if (unlikely(hook != NULL)) {
		hook(mem, __builtin_return_address(0));
		return;
	}
	if (mem == NULL)
		return;
	track_free(mem);
	saved_errno = errno;
	p = mem2chunk(mem);
	if (chunk_is_mmapped(p)) {
		mmap_threshold_update(p);
		munmap_chunk(p);
	} else {
		tcache_init_once();
		int_free(arena_for_chunk(p), p, false);
	}
	debug_check_after_op();
	track_leave();
	errno = saved_errno;
}

/*
 * How many bytes of the chunk @p calloc must clear.  Memory the break
 * hands out for the first time is already zero, so when @p was carved
 * from the old top @oldtop, only the part of it that had been used
 * before (@oldtopsize bytes) needs clearing.
 */
static size_t calloc_clear_size(struct malloc_chunk *p,
				struct malloc_chunk *oldtop, size_t oldtopsize)
{
	size_t csz = chunk_size(p);

	if (mp_.perturb_byte == 0 && p == oldtop && csz > oldtopsize)
		csz = oldtopsize;
	return csz - SIZE_SZ;
}

/*
 * The bytes from the start of @av's top beyond which memory has never
 * been handed out since it came from the system, and so is still zero:
 * the high-water mark of the break for the main arena, the writable
 * part of the current sub-heap for another arena.
 */
static size_t calloc_fresh_limit(struct malloc_state *av)
{
	struct malloc_chunk *oldtop = av->top;
	size_t oldtopsize = chunk_size(oldtop);
	size_t used;

	if (av == &main_arena) {
		if (mp_.sbrk_base == NULL)
			return oldtopsize;
		used = (size_t)(mp_.sbrk_base + av->max_system_mem -
				(char *)oldtop);
	} else {
		struct heap_info *heap = heap_for_ptr(oldtop);

		used = (size_t)((char *)heap + heap->mprotect_size -
				(char *)oldtop);
	}
	return oldtopsize < used ? used : oldtopsize;
}

/*
 * calloc(): @n elements of @elem_size bytes, zeroed.  The product must
 * not overflow nor exceed PTRDIFF_MAX (ENOMEM).  Fresh memory from the
 * system is not cleared again.
 */
void *ptm_calloc(size_t n, size_t elem_size)
{
	void *(*hook)(size_t, const void *);
	struct malloc_state *av;
	struct malloc_chunk *oldtop;
	size_t bytes;
	size_t oldtopsize;
	void *mem;

	if (__builtin_mul_overflow(n, elem_size, &bytes) ||
	    bytes > PTRDIFF_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	malloc_init_once();
	hook = HOOK_LOAD(ptm_malloc_hook);
	if (unlikely(hook != NULL)) {
		mem = hook(bytes, __builtin_return_address(0));
		return mem != NULL ? memset(mem, 0, bytes) : NULL;
	}
	tcache_init_once();
	track_enter();
	av = arena_get(bytes);
	oldtop = av != NULL ? av->top : NULL;
	oldtopsize = av != NULL ? calloc_fresh_limit(av) : 0;
	mem = malloc_in_arena(&av, bytes);
	if (av != NULL)
		arena_unlock(av);
	debug_check_after_op();
	if (mem == NULL)
		return track_alloc(NULL, bytes, true);
	if (chunk_is_mmapped(mem2chunk(mem))) {
		/* Fresh mapping: already zero unless perturbed. */
		if (unlikely(mp_.perturb_byte))
			memset(mem, 0, bytes);
		return track_alloc(mem, bytes, true);
	}
	memset(mem, 0, calloc_clear_size(mem2chunk(mem), oldtop, oldtopsize));
	return track_alloc(mem, bytes, true);
}

/*
 * malloc_usable_size(): the bytes of @mem the caller may use: the chunk
 * less its header (and, for a heap chunk, plus the successor's
 * prev_size word); 0 for NULL or a chunk that is not in use.
 */
static size_t usable_size(void *mem)
{
	struct malloc_chunk *p;

	if (mem == NULL)
		return 0;
	if (unlikely(using_malloc_checking))
		return malloc_check_usable_size(mem);
	p = mem2chunk(mem);
	if (chunk_is_mmapped(p))
		return chunk_size(p) - CHUNK_HDR_SZ;
	if (inuse(p))
		return chunk_size(p) - SIZE_SZ;
	return 0;
}

/* The entry point, around usable_size() (see valgrind.h). */
size_t ptm_malloc_usable_size(void *mem)
{
	size_t n;

	track_enter();
	n = usable_size(mem);
	track_leave();
	return n;
}

/*
 * malloc_trim(): give back every unused page of every arena, keeping
 * @pad bytes at the top of the main heap.  Returns 1 if any memory went
 * back.
 */
int ptm_malloc_trim(size_t pad)
{
	struct malloc_state *av = &main_arena;
	int result = 0;

	malloc_init_once();
	track_enter();
	do {
		arena_lock(av);
		result |= mtrim(av, pad);
		arena_unlock(av);
		av = av->next;
	} while (av != &main_arena);
	debug_check_after_op();
	track_leave();
	return result;
}
