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
static pt_always_inline void *malloc_in_arena(struct malloc_state **avp,
					      size_t bytes)
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
 * malloc() past the per-thread cache in the general case: give the
 * thread its cache first if it should have one (glibc's
 * MAYBE_INIT_TCACHE, for valid requests only), then allocate from the
 * thread's arena under its lock, retrying once in another arena.
 */
static pt_noinline void *malloc_locked(size_t bytes)
{
	struct malloc_state *av;
	void *mem;

	if (unlikely(mp_.tcache_enabled && tcache == NULL) &&
	    bytes <= PTRDIFF_MAX) {
		tcache_init();
		mem = tcache != NULL ? tcache_try_get(tcache, bytes) : NULL;
		if (mem != NULL)
			return mem;
	}
	av = arena_get(bytes);
	mem = malloc_in_arena(&av, bytes);
	if (av != NULL)
		arena_unlock(av);
	debug_check_after_op();
	return mem;
}

/*
 * malloc() past the per-thread cache.  A single-threaded process whose
 * thread needs no cache made goes straight to int_malloc() in the main
 * arena: no lock, and no retry in another arena (as glibc 2.26 and
 * later); that is a jump, with no frame of its own.  Debug builds take
 * the long way, which checks the heap afterwards.
 */
static pt_noinline void *malloc_from_arena(size_t bytes)
{
	if (PTM_DEBUG < 2 && single_threaded() &&
	    likely(tcache != NULL || !mp_.tcache_enabled))
		return int_malloc(&main_arena, bytes);
	return malloc_locked(bytes);
}

/*
 * malloc() by a thread with the cache @tc: a chunk from it, else from
 * the arena.  Every outcome is a jump to its own end (none comes back
 * here to be tested), so that ptm_malloc() needs no frame.
 */
static pt_always_inline void *malloc_cached(struct tcache_perthread *tc,
					    size_t bytes)
{
	size_t tc_idx = tcache_req2idx(bytes);

	if (tc_idx == TCACHE_NO_BIN || tc->counts[tc_idx] == 0)
		return malloc_from_arena(bytes);
	return tcache_get(tc_idx);
}

/* malloc() proper: the thread's cache, else its arena. */
static pt_always_inline void *malloc_cached_or_arena(size_t bytes)
{
	struct tcache_perthread *tc = tcache;

	return tc != NULL ? malloc_cached(tc, bytes) : malloc_from_arena(bytes);
}

/*
 * malloc() on its slow entry: the first call (which initialises, and
 * may install hooks: MALLOC_CHECK_), a hook to call, or a process under
 * valgrind, whose tools see every block come and go.  The block is
 * registered with valgrind by ptm_malloc() itself, so that memcheck's
 * reports name it as the allocating function: *@track (NULL in a build
 * where track_defers() is false) says whether it must.
 */
static pt_noinline void *malloc_slow_entry(size_t bytes, const void *caller,
					   bool *track)
{
	void *(*hook)(size_t, const void *);
	bool on;
	void *mem;

	malloc_init_once();
	hook = HOOK_LOAD(ptm_malloc_hook);
	if (unlikely(hook != NULL))
		return hook(bytes, caller);
	on = track_on();
	if (on)
		track_enter();
	mem = malloc_cached_or_arena(bytes);
	if (on) {
		bool deferred = track_alloc_deferred(mem, bytes);

		if (track != NULL)
			*track = deferred;
	}
	return mem;
}

/*
 * malloc(): @bytes of uninitialised memory, or NULL with ENOMEM.  The
 * common case, a chunk from the thread's cache, touches no lock and
 * makes no call.  A thread with a cache is initialised, so that path
 * tests only for a hook (and a checker, in a build that knows one);
 * with either, it takes the slow entry, which reads the hook again (as
 * before the cache existed: one another thread removes in between
 * leaves the cache in use).  A
 * build without valgrind leaves by a jump on every path, so that the
 * function needs no frame.
 */
void *ptm_malloc(size_t bytes)
{
	struct tcache_perthread *tc = tcache;
	bool track = false;
	void *mem;

	if (tc != NULL) {
		if (likely(HOOK_LOAD(ptm_malloc_hook) == NULL &&
			   !track_active()))
			return malloc_cached(tc, bytes);
	} else if (likely(malloc_initialized() &&
			  HOOK_LOAD(ptm_malloc_hook) == NULL &&
			  !track_active())) {
		return malloc_from_arena(bytes);
	}
	mem = malloc_slow_entry(bytes, __builtin_return_address(0),
				track_defers() ? &track : NULL);
	if (track)
		track_issue(~(uintptr_t)mem);
	return mem;
}

/*
 * Give back a mapped chunk @p, after adjusting the dynamic mmap
 * threshold; munmap may set errno, which free() keeps.  Also the
 * thread-exit flush's way for a cache that is a mapping (tcache.c).
 */
pt_noinline void free_mmapped(struct malloc_chunk *p)
{
	int saved_errno = errno;

	/* A chunk of a dumped heap (ptm_malloc_set_state) stays. */
	if (unlikely(dumped_chunk(p)))
		return;
	mmap_threshold_update(p);
	munmap_chunk(p);
	errno = saved_errno;
}

/*
 * free() of the heap chunk @p whose size word is @head: checked, then
 * cached for the thread or given back to its arena.
 */
static pt_always_inline void free_heap_chunk(struct malloc_chunk *p,
					     size_t head)
{
	size_t size = head & ~SIZE_BITS;

	if (free_chunk_ok(p, size) && !tcache_try_put(NULL, p, size, false))
		free_to_arena(arena_for_head(p, head), p, size, false);
}

/*
 * free() of a heap chunk @p by a thread that should have a cache but has
 * none yet: create it first (glibc's MAYBE_INIT_TCACHE), which may map a
 * new arena: errno is kept.  The size word is read again afterwards.
 */
static pt_noinline void free_without_tcache(struct malloc_chunk *p)
{
	int saved_errno = errno;

	tcache_init();
	errno = saved_errno;
	free_heap_chunk(p, load_size_word(p));
}

/*
 * free() of the heap chunk @p (size word @head) when the cache is off:
 * checked, then given back to its arena.
 */
static pt_always_inline void free_heap_chunk_uncached(struct malloc_chunk *p,
						      size_t head)
{
	size_t size = head & ~SIZE_BITS;

	if (free_chunk_ok(p, size))
		free_to_arena(arena_for_head(p, head), p, size, false);
}

/*
 * free() of the heap or mapped chunk @p (size word @head) once malloc is
 * initialised, by a thread without a cache or of a mapped chunk.
 */
static pt_always_inline void free_chunk_uncommon(struct malloc_chunk *p,
						 size_t head)
{
	if (unlikely(head & IS_MMAPPED))
		free_mmapped(p);
	else if (likely(!mp_.tcache_enabled))
		free_heap_chunk_uncached(p, head);
	else
		free_without_tcache(p);
}

/*
 * free() of @mem before any other call (of a pointer from elsewhere), or
 * during the initialisation: initialise first, since the checks read the
 * main arena and MALLOC_CHECK_ may install a hook, which then gets the
 * call.  The initialisation is not tested again: a free that an
 * initialisation hook makes (mcheck's) comes here while it runs.  errno
 * is kept.
 */
static pt_noinline void free_before_init(void *mem, const void *caller)
{
	int saved_errno = errno;
	void (*hook)(void *, const void *);

	ptmalloc_init();
	errno = saved_errno;
	hook = HOOK_LOAD(ptm_free_hook);
	if (hook != NULL)
		hook(mem, caller);
	else
		free_chunk_uncommon(mem2chunk(mem),
				    load_size_word(mem2chunk(mem)));
}

/*
 * The bits of a size word that send free()'s cached path to the general
 * one: a mapped chunk, or a size that is not a multiple of
 * MALLOC_ALIGNMENT (SIZE_BITS are flags, the rest of the mask is size).
 */
#define FREE_CACHED_BAIL (IS_MMAPPED | (MALLOC_ALIGN_MASK & ~SIZE_BITS))

/*
 * free() of the heap chunk @p by a thread with a cache, when its size
 * word @head has none of FREE_CACHED_BAIL.  free_chunk_ok()'s checks
 * are made the short way, on @head itself (its flags left are below
 * MALLOC_ALIGNMENT), each as strict as glibc's or stricter: a size with
 * a cache list is at least MINSIZE (one unsigned bound stands for
 * glibc's tc_idx < tcache_bins and size < MINSIZE), and a chunk whose
 * end does not wrap does not start above -size.  A chunk failing any of
 * them takes the general path, which makes every check in glibc's order.
 */
static pt_always_inline void free_heap_chunk_cached(struct malloc_chunk *p,
						    size_t head)
{
	size_t tc_idx = (head - MINSIZE) / MALLOC_ALIGNMENT;
	size_t size;
	uintptr_t end;

	if (unlikely(tc_idx >= mp_.tcache_bins ||
		     __builtin_add_overflow((uintptr_t)p, head, &end) ||
		     misaligned_chunk(p))) {
		free_heap_chunk(p, head);
		return;
	}
	size = head & ~SIZE_BITS;
	if (!tcache_try_put_bin(NULL, p, size, tc_idx, false))
		free_to_arena(arena_for_head(p, head), p, size, false);
}

/*
 * free() of the non-NULL @mem.  Only the paths into the system save
 * errno (free preserves it, as in glibc 2.33 and later); the common
 * ones make no call but a final jump.  The thread's cache is looked up
 * once: a thread that has one (so initialised) takes the inline path
 * with no other test; the rest first make sure of the initialisation.
 */
static pt_always_inline void free_chunk(void *mem)
{
	struct malloc_chunk *p = mem2chunk(mem);
	size_t head = load_size_word(p);

	if (likely(tcache != NULL) && likely(!(head & FREE_CACHED_BAIL)))
		free_heap_chunk_cached(p, head);
	else if (likely(tcache != NULL) && !(head & IS_MMAPPED))
		free_heap_chunk(p, head);
	else if (unlikely(!malloc_initialized()))
		free_before_init(mem, __builtin_return_address(0));
	else
		free_chunk_uncommon(p, head);
	debug_check_after_op();
}

/*
 * free() of the non-NULL @mem under valgrind, after ptm_free() told it
 * (so that memcheck's reports name ptm_free() as the freeing function).
 */
static pt_noinline void free_tracked(void *mem)
{
	track_free_enter();
	free_chunk(mem);
	track_leave();
}

/*
 * free(): give @mem back (NULL: nothing to do).  A free before any
 * other call initialises first (free_before_init()), off the path of a
 * thread with a cache.  Never inlined, nor split into parts, into free_unhooked(): valgrind's
 * reports must show the request this frame issues as ptm_free called by
 * the program.
 */
pt_noinline void ptm_free(void *mem)
{
	void (*hook)(void *, const void *) = HOOK_LOAD(ptm_free_hook);

	if (unlikely(hook != NULL)) {
		hook(mem, __builtin_return_address(0));
		return;
	}
	if (mem == NULL)
		return;
	if (unlikely(track_active())) {
		if (track_free_deferred(mem))
			track_issue(0);
		free_tracked(mem);
		return;
	}
	free_chunk(mem);
}

/*
 * realloc(@mem, 0)'s free of the non-NULL @mem, which does not call the
 * free hook: glibc 2.34 and later free there directly, and glibc's hook
 * test counts one hook call per entry point (2.17 called the free hook
 * too).  Without a hook it is ptm_free(), whose frame valgrind's reports
 * name.
 */
void free_unhooked(void *mem)
{
	if (likely(HOOK_LOAD(ptm_free_hook) == NULL)) {
		ptm_free(mem);
		return;
	}
	if (unlikely(track_active())) {
		if (track_free_deferred(mem))
			track_issue(0);
		free_tracked(mem);
	} else {
		free_chunk(mem);
	}
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
	size_t clear;
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
	/* The cache is allocator memory: built with memcheck's reports off. */
	track_enter();
	tcache_init_once();
	av = arena_get(bytes);
	oldtop = av != NULL ? av->top : NULL;
	oldtopsize = av != NULL ? calloc_fresh_limit(av) : 0;
	mem = malloc_in_arena(&av, bytes);
	if (av != NULL)
		arena_unlock(av);
	if (mem != NULL && chunk_is_mmapped(mem2chunk(mem))) {
		/* Fresh mapping: already zero unless perturbed. */
		if (unlikely(mp_.perturb_byte))
			memset(mem, 0, bytes);
	} else if (mem != NULL) {
		clear = calloc_clear_size(mem2chunk(mem), oldtop, oldtopsize);
		/* A heap chunk has at least three words to clear (glibc). */
		malloc_assert(clear / SIZE_SZ >= 3);
		memset(mem, 0, clear);
	}
	/* Last, so that glibc's own check above reports first. */
	debug_check_after_op();
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
	if (unlikely(mcheck_active()))
		return mcheck_usable_size(mem);
	if (unlikely(using_malloc_checking))
		return malloc_check_usable_size(mem);
	p = mem2chunk(mem);
	if (unlikely(dumped_chunk(p)))
		return chunk_size(p) - SIZE_SZ;
	if (chunk_is_mmapped(p))
		return chunk_size(p) - CHUNK_HDR_SZ;
	if (inuse(p))
		return chunk_size(p) - SIZE_SZ;
	return 0;
}

/*
 * The entry point, around usable_size() (see valgrind.h); as a first
 * call it initialises, since MALLOC_CHECK_ decides how to measure.
 */
size_t ptm_malloc_usable_size(void *mem)
{
	size_t n;

	malloc_init_once();
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
	} while ((av = arena_list_next(av)) != NULL);
	debug_check_after_op();
	track_leave();
	heapmap_at(HEAPMAP_AT_TRIM);
	return result;
}
