/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * State shared by the allocator's files: the arena (struct malloc_state),
 * the global parameters (struct malloc_par), and the internal functions,
 * declared in groups under the name of the file that defines them.
 *
 * Every function and object here is hidden: the static library localises
 * them, the shared library does not export them.  Function names follow
 * glibc's malloc.c (int_malloc for _int_malloc, and so on) so that a
 * reader can hold the two side by side; docs/architecture.md maps them.
 */
#ifndef PTM_INTERNAL_H
#define PTM_INTERNAL_H

#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bins.h"
#include "chunk.h"
#include "compiler.h"
#include "ptmalloc.h"
#include "valgrind.h"
#include "os.h"
#include "lock.h" /* sysdeps/$(OS)/: the arena mutex, single_threaded() */

/* flags of struct malloc_state: the heap is not one contiguous range. */
#define NONCONTIGUOUS_BIT 2

/**
 * struct malloc_state - an arena: a heap and the free lists over it.
 * @mutex: serialises every operation on the arena.
 * @flags: NONCONTIGUOUS_BIT when the memory is not one range growing
 *	upwards (always for non-main arenas; for the main arena once the
 *	break could not move or was moved by someone else).
 * @have_fastchunks: whether any fast bin may hold a chunk.
 * @fastbins: heads of the singly linked LIFO fast bins.
 * @top: the chunk bordering the end of the available memory.  Before the
 *	first growth it is the unsorted bin header, whose size reads 0.
 * @last_remainder: the remainder of the most recent split of a chunk
 *	for a small request, kept to give locality to runs of small
 *	requests.
 * @bins: the heads of bins 1..127, two pointers each (fd, bk), laid out
 *	so that bin_at() can treat each pair as the fd/bk of a chunk.
 * @binmap: one bit per bin, set when the bin may be non-empty.
 * @next: the next arena in the circular list starting at main_arena.
 * @next_free: the next arena on the free list of unattached arenas.
 * @attached_threads: number of threads using this arena.
 * @system_mem: bytes obtained from the system for this arena's heap(s).
 * @max_system_mem: highest value @system_mem has reached.
 */
struct malloc_state {
	struct ptm_mutex mutex;
	int flags;
	int have_fastchunks;
	struct malloc_chunk *fastbins[NFASTBINS];
	struct malloc_chunk *top;
	struct malloc_chunk *last_remainder;
	struct malloc_chunk *bins[NBINS * 2 - 2];
	unsigned int binmap[BINMAPSIZE];
	struct malloc_state *next;
	struct malloc_state *next_free;
	size_t attached_threads;
	size_t system_mem;
	size_t max_system_mem;
};

/**
 * struct malloc_par - the process-wide parameters and counters.
 * @trim_threshold: top size at or above which free() gives memory back.
 * @top_pad: extra bytes asked for on each growth, kept on each trim.
 * @mmap_threshold: requests of at least this chunk size are mmapped.
 * @arena_test: arenas created before the core count limits them.
 * @arena_max: upper limit on arenas (0: from the core count).
 * @n_mmaps: mmapped chunks alive now.
 * @n_mmaps_max: most mmapped chunks allowed at once.
 * @max_n_mmaps: highest value @n_mmaps has reached.
 * @no_dyn_threshold: set once the user chose a threshold, which stops
 *	free() from raising @mmap_threshold and @trim_threshold.
 * @mmapped_mem: bytes in mmapped chunks now.
 * @max_mmapped_mem: highest value @mmapped_mem has reached.
 * @sbrk_base: where the main arena's first memory from the break began.
 * @max_fast: largest chunk size kept in fast bins (glibc's
 *	global_max_fast); 0 until the main arena is initialised.
 * @perturb_byte: M_PERTURB: fill byte for freed memory (its complement
 *	for allocated memory); 0 disables.
 * @check_action: M_CHECK_ACTION: what a detected corruption does.
 * @initialized: whether ptmalloc_init() has run.
 * @tcache_enabled: whether the per-thread cache of glibc 2.26 and later
 *	is on (malloc/tcache.h): only when glibc.malloc.tcache_count is
 *	set to a positive value, so that the default is glibc 2.17.
 * @tcache_bins: how many of the cache's size classes are used
 *	(glibc.malloc.tcache_max sets it).
 * @tcache_max_bytes: largest request the per-thread cache would hold.
 * @tcache_max_request: the largest request of the last size class in use,
 *	tcache_idx2usize(@tcache_bins - 1): the bound of malloc's cached requests.
 * @tcache_count: most chunks per size class (glibc.malloc.tcache_count).
 * @tcache_unsorted_limit: most unsorted chunks a malloc would move to the
 *	cache before giving up (0: no limit).
 * @safe_linking: glibc.malloc.safe_linking (a ptmalloc extension): 1 to
 *	store the fast-bin and cache links safe-linked (glibc 2.32), 0 to
 *	store them plain, -1 (unset) for safe-linking exactly when the
 *	per-thread cache is on, as in glibc's default configuration.
 * @safe_link_mask: all ones when links are safe-linked, else 0; fixed by
 *	ptmalloc_init() before the first allocation.
 */
struct malloc_par {
	size_t trim_threshold;
	size_t top_pad;
	size_t mmap_threshold;
	size_t arena_test;
	size_t arena_max;
	int n_mmaps;
	int n_mmaps_max;
	int max_n_mmaps;
	int no_dyn_threshold;
	size_t mmapped_mem;
	size_t max_mmapped_mem;
	char *sbrk_base;
	size_t max_fast;
	int perturb_byte;
	int check_action;
	bool initialized;
	bool tcache_enabled;
	size_t tcache_bins;
	size_t tcache_max_bytes;
	size_t tcache_max_request;
	size_t tcache_count;
	size_t tcache_unsorted_limit;
	int safe_linking;
	uintptr_t safe_link_mask;
};

pt_hidden extern struct malloc_state main_arena;
pt_hidden extern struct malloc_par mp_;

/*
 * The header of bin @i: a fake chunk whose fd and bk are the pair
 * av->bins[2 * (i - 1)], av->bins[2 * (i - 1) + 1].  Its other fields
 * overlap neighbouring members and are never used, except that the size
 * of bin 1 (the unsorted bin), used as the initial top, overlays
 * @last_remainder, which is NULL until the heap has memory.
 */
static inline struct malloc_chunk *bin_at(struct malloc_state *av,
					  unsigned int i)
{
	return (struct malloc_chunk *)((char *)&av->bins[(i - 1) * 2] -
				       offsetof(struct malloc_chunk, fd));
}

/* The bin after @b. */
static inline struct malloc_chunk *next_bin(struct malloc_chunk *b)
{
	return (struct malloc_chunk *)((char *)b +
				       2 * sizeof(struct malloc_chunk *));
}

/* The unsorted bin, bin 1. */
static inline struct malloc_chunk *unsorted_chunks(struct malloc_state *av)
{
	return bin_at(av, 1);
}

/* The top before the arena has memory: a size-0 view of bin 1. */
static inline struct malloc_chunk *initial_top(struct malloc_state *av)
{
	return unsorted_chunks(av);
}

/* First (newest) and last (oldest) chunk of a bin. */
static inline struct malloc_chunk *bin_first(struct malloc_chunk *b)
{
	return b->fd;
}

static inline struct malloc_chunk *bin_last(struct malloc_chunk *b)
{
	return b->bk;
}

/* Binmap bookkeeping. */
static inline void mark_bin(struct malloc_state *av, unsigned int i)
{
	av->binmap[idx2block(i)] |= idx2bit(i);
}

static inline void unmark_bin(struct malloc_state *av, unsigned int i)
{
	av->binmap[idx2block(i)] &= ~idx2bit(i);
}

static inline bool get_binmap(struct malloc_state *av, unsigned int i)
{
	return av->binmap[idx2block(i)] & idx2bit(i);
}

/* Whether the arena's memory is one range growing with the break. */
static inline bool contiguous(const struct malloc_state *av)
{
	return (av->flags & NONCONTIGUOUS_BIT) == 0;
}

static inline void set_noncontiguous(struct malloc_state *av)
{
	av->flags |= NONCONTIGUOUS_BIT;
}

/* The chunk-size limit of the fast bins. */
static inline size_t get_max_fast(void)
{
	return mp_.max_fast;
}

/*
 * Set the fast-bin limit from an M_MXFAST request size: 0..7 switch the
 * fast bins off (a limit no chunk is small enough for), larger values
 * allow chunks up to request2size(value) rounded down.
 */
static inline void set_max_fast(size_t request)
{
	if (request < MALLOC_ALIGNMENT - SIZE_SZ)
		mp_.max_fast = MIN_CHUNK_SIZE / 2;
	else
		mp_.max_fast = (request + SIZE_SZ) & ~MALLOC_ALIGN_MASK;
}

/* The arena flag bit a chunk of @av carries. */
static inline size_t arena_bit(const struct malloc_state *av)
{
	return av != &main_arena ? NON_MAIN_ARENA : 0;
}

/* Walk every arena: the main arena, then the others, newest first. */
#define for_each_arena(av)                                      \
	for (struct malloc_state *av = &main_arena; av != NULL; \
	     av = (av->next == &main_arena ? NULL : av->next))

/*
 * The hook pointers (hooks.c) are read by every entry point without a
 * lock while mtrace and MALLOC_CHECK_ install and swap them: relaxed
 * atomic accesses, which cost nothing more than plain ones.
 */
#define HOOK_LOAD(hook) __atomic_load_n(&(hook), __ATOMIC_RELAXED)
#define HOOK_STORE(hook, fn) __atomic_store_n(&(hook), (fn), __ATOMIC_RELAXED)

/*
 * Call the morecore hook, if set, after a successful move of the break
 * (glibc 2.17 calls __after_morecore_hook after each MORECORE call that
 * changed it: growth, its correction, trimming, the checker's repair).
 */
static inline void after_morecore(void)
{
	void (*hook)(void) = HOOK_LOAD(ptm_after_morecore_hook);

	if (unlikely(hook != NULL))
		hook();
}

/*
 * Safe-linking (glibc 2.32, on as chosen by @mp_.safe_linking): a link
 * of a singly linked list (fast bins, per-thread cache) is stored XORed
 * with the address of the field that holds it shifted right by 12, so
 * that an overwritten or forged link is unlikely to point anywhere
 * aligned.  The end of a list is stored as that shifted address.  It
 * changes what is stored, never where chunks go.
 */
static inline void *protect_ptr(const void *pos, const void *ptr)
{
	return (void *)((((uintptr_t)pos >> 12) & mp_.safe_link_mask) ^
			(uintptr_t)ptr);
}

/* The link stored at @pos with protect_ptr(). */
static inline void *reveal_ptr(void *const *pos)
{
	return protect_ptr(pos, *pos);
}

/*
 * system_mem is written under the arena lock but read without it by the
 * lock-free fast-bin free's size check: relaxed atomic accesses.
 */
static inline size_t arena_system_mem(const struct malloc_state *av)
{
	return __atomic_load_n(&av->system_mem, __ATOMIC_RELAXED);
}

static inline void arena_add_system_mem(struct malloc_state *av,
					ptrdiff_t delta)
{
	__atomic_store_n(&av->system_mem, av->system_mem + (size_t)delta,
			 __ATOMIC_RELAXED);
}

/* malloc/bins.c */
pt_hidden void malloc_init_state(struct malloc_state *av);
pt_hidden void unlink_nextsize(struct malloc_chunk *p, struct malloc_chunk *fd);
pt_hidden pt_cold void unlink_corrupt(struct malloc_chunk *p);

pt_hidden void bin_place(struct malloc_state *av, struct malloc_chunk *victim);

/* malloc/int_malloc.c */
pt_hidden void *int_malloc(struct malloc_state *av, size_t bytes);

/* malloc/int_free.c */
pt_hidden void int_free(struct malloc_state *av, struct malloc_chunk *p,
			bool have_lock);
pt_hidden void free_to_arena(struct malloc_state *av, struct malloc_chunk *p,
			     size_t size, bool have_lock);

/* malloc/sysmalloc.c */
pt_hidden void *sysmalloc(size_t nb, struct malloc_state *av);

/*
 * @v rounded up to a multiple of the page size (os_page_size()).  The
 * one rounding every heap, break and mapping size goes through; the
 * caller checks @v + page size - 1 for overflow where @v is untrusted.
 */
static inline size_t page_round_up(size_t v)
{
	size_t mask = os_page_size() - 1;

	return (v + mask) & ~mask;
}

/* @v rounded down to a multiple of the page size: the whole pages in @v. */
static inline size_t page_round_down(size_t v)
{
	return v & ~(os_page_size() - 1);
}

/* malloc/systrim.c */
/*
 * The whole pages inside the free chunk @p of @size bytes that
 * malloc_trim() releases (madvise MADV_DONTNEED): those past its header
 * and list links (sizeof(struct malloc_chunk)).  Sets *@start to the
 * first and returns their length in bytes, 0 when there are none.
 * @pagesize is os_page_size().
 */
static inline size_t free_chunk_pages(const struct malloc_chunk *p, size_t size,
				      size_t pagesize, uintptr_t *start)
{
	size_t psm1 = pagesize - 1;

	if (size <= psm1 + sizeof(struct malloc_chunk))
		return 0;
	*start = ((uintptr_t)p + sizeof(struct malloc_chunk) + psm1) & ~psm1;
	return (size - (*start - (uintptr_t)p)) & ~psm1;
}

pt_hidden int systrim(size_t pad, struct malloc_state *av);
pt_hidden int mtrim(struct malloc_state *av, size_t pad);

/* malloc/mmap_chunk.c */
pt_hidden void *mmap_chunk(size_t nb);
pt_hidden void munmap_chunk(struct malloc_chunk *p);
pt_hidden struct malloc_chunk *mremap_chunk(struct malloc_chunk *p, size_t nb);
pt_hidden void mmap_threshold_update(const struct malloc_chunk *p);

/* malloc/malloc.c: free() of the mapped chunk @p. */
pt_hidden void free_mmapped(struct malloc_chunk *p);

/* malloc/realloc.c */
pt_hidden void *int_realloc(struct malloc_state *av, struct malloc_chunk *oldp,
			    size_t oldsize, size_t nb);

/* malloc/memalign.c */
pt_hidden void *int_memalign(struct malloc_state *av, size_t alignment,
			     size_t bytes);

/* malloc/printerr.c */
pt_hidden void malloc_printerr(int action, const char *str, void *ptr);
pt_hidden pt_noreturn void malloc_assert_fail(const char *assertion,
					      const char *file,
					      unsigned int line,
					      const char *function);

/*
 * glibc's assert() inside malloc (glibc is built with assertions on):
 * a failure is reported in glibc 2.17's format and aborts, whatever
 * M_CHECK_ACTION says.
 */
#define malloc_assert(expr) \
	(likely(expr) ?     \
		 (void)0 :  \
		 malloc_assert_fail(#expr, __FILE__, __LINE__, __func__))

/* Report a corruption with the current M_CHECK_ACTION. */
static inline void malloc_corruption(const char *str, void *ptr)
{
	malloc_printerr(mp_.check_action, str, ptr);
}

/*
 * Take the free chunk @p out of whatever bin holds it.  A broken list
 * is reported with glibc's message and @p is left where it is.  Inline:
 * free and consolidation unlink a neighbour on most calls.
 */
static inline void unlink_chunk(struct malloc_state *av, struct malloc_chunk *p)
{
	struct malloc_chunk *fd = p->fd;
	struct malloc_chunk *bk = p->bk;

	(void)av;
	if (unlikely(chunk_size(p) != next_chunk(p)->prev_size || fd->bk != p ||
		     bk->fd != p)) {
		unlink_corrupt(p);
		return;
	}
	fd->bk = bk;
	bk->fd = fd;
	if (!in_smallbin_range(chunk_size_nomask(p)) && p->fd_nextsize != NULL)
		unlink_nextsize(p, fd);
}

/*
 * Put the free chunk @p at the front of the unsorted bin.  With @errmsg,
 * first check that the bin's first chunk still points back at the bin,
 * reporting a broken list with that message (glibc's for the caller's
 * site) and @p's user pointer, as glibc 2.17 did for free();
 * malloc_consolidate() passes NULL, as glibc checks nothing there, and
 * so does split_to_unsorted(), which checks itself.
 */
static inline void unsorted_insert(struct malloc_state *av,
				   struct malloc_chunk *p, const char *errmsg)
{
	struct malloc_chunk *bck = unsorted_chunks(av);
	struct malloc_chunk *fwd = bck->fd;

	if (errmsg != NULL && unlikely(fwd->bk != bck))
		malloc_corruption(errmsg, chunk2mem(p));
	p->fd = fwd;
	p->bk = bck;
	if (!in_smallbin_range(chunk_size(p))) {
		p->fd_nextsize = NULL;
		p->bk_nextsize = NULL;
	}
	bck->fd = p;
	fwd->bk = p;
}

/*
 * What glibc checks, and how it reports, where a free chunk is merged
 * with its neighbours: the message for a previous chunk whose size
 * disagrees with prev_size, whether that report names the chunk's user
 * pointer (free) or the chunk itself (malloc_consolidate), and the
 * unsorted bin's check (NULL: none), as for unsorted_insert().
 */
struct merge_checks {
	const char *prev_size;
	bool report_mem;
	const char *unsorted;
};

/*
 * Merge the free chunk @p of @size bytes with its free neighbours and
 * file the result: into top when it borders top, else at the front of
 * the unsorted bin.  free() and malloc_consolidate() share it, each with
 * its own @checks.  Returns the size of the merged chunk.
 */
static inline size_t merge_and_file(struct malloc_state *av,
				    struct malloc_chunk *p, size_t size,
				    const struct merge_checks *checks)
{
	struct malloc_chunk *next = chunk_at_offset(p, size);
	size_t nextsize = chunk_size(next);

	if (!prev_inuse(p)) {
		size_t prevsize = p->prev_size;

		size += prevsize;
		p = chunk_at_offset(p, -(ptrdiff_t)prevsize);
		if (unlikely(chunk_size(p) != prevsize))
			malloc_corruption(checks->prev_size,
					  checks->report_mem ? chunk2mem(p) :
							       (void *)p);
		unlink_chunk(av, p);
	}
	if (next == av->top) {
		size += nextsize;
		set_head(p, size | PREV_INUSE);
		av->top = p;
		return size;
	}
	if (!inuse_bit_at_offset(next, nextsize)) {
		unlink_chunk(av, next);
		size += nextsize;
	} else {
		clear_inuse_bit_at_offset(next, 0);
	}
	set_head(p, size | PREV_INUSE);
	unsorted_insert(av, p, checks->unsorted);
	set_foot(p, size);
	return size;
}

/*
 * The first checks of every free of a heap chunk @p of @size bytes:
 * no chunk can wrap around the address space, be misaligned, be smaller
 * than MINSIZE or have a misaligned size.  false (after the report)
 * when @p must not be freed.
 */
static inline bool free_chunk_ok(struct malloc_chunk *p, size_t size)
{
	if (unlikely((uintptr_t)p > (uintptr_t)-size || misaligned_chunk(p))) {
		malloc_corruption("free(): invalid pointer", chunk2mem(p));
		return false;
	}
	if (unlikely(size < MINSIZE || !aligned_ok(size))) {
		malloc_corruption("free(): invalid size", chunk2mem(p));
		return false;
	}
	return true;
}

/* malloc/init.c */
pt_hidden void ptmalloc_init(void);

/* malloc/malloc.c: free() without consulting the free hook. */
pt_hidden void free_unhooked(void *mem);

/* malloc/mcheck.c: malloc_usable_size() while ptm_mcheck() checks. */
pt_hidden bool mcheck_active(void);
pt_hidden size_t mcheck_usable_size(void *mem);

/*
 * malloc/mallocstate.c: the chunks of a heap adopted by
 * ptm_malloc_set_state(), which lie in [start, end) and are never freed.
 */
struct dumped_heap {
	uintptr_t start;
	uintptr_t end;
};
pt_hidden extern struct dumped_heap dumped_heap;
pt_hidden void *realloc_dumped(struct malloc_chunk *oldp, size_t bytes);

/* Whether @p is a chunk of the adopted dumped heap. */
static inline bool dumped_chunk(const struct malloc_chunk *p)
{
	return (uintptr_t)p - dumped_heap.start <
	       dumped_heap.end - dumped_heap.start;
}

/*
 * Whether ptmalloc_init() has completed: an acquire load, so that a
 * thread that sees true also sees the initialised main arena.
 */
static inline bool malloc_initialized(void)
{
	return __atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE);
}

/* malloc/malloc_check.c */
pt_hidden extern bool using_malloc_checking;
pt_hidden void malloc_check_init(void);
pt_hidden void malloc_check_from_env(void);
pt_hidden size_t malloc_check_usable_size(void *mem);

/* malloc/mallopt.c: the setters mallopt() and the tunables share. */
pt_hidden int do_set_mxfast(size_t value);
pt_hidden int do_set_trim_threshold(size_t value);
pt_hidden int do_set_top_pad(size_t value);
pt_hidden int do_set_mmap_threshold(size_t value);
pt_hidden int do_set_mmaps_max(size_t value);
pt_hidden int do_set_perturb_byte(size_t value);
pt_hidden int do_set_arena_test(size_t value);
pt_hidden int do_set_arena_max(size_t value);

/* malloc/tunables.c */
pt_hidden void tunables_init(void);

/* heapmap_env.c: the maps MALLOC_HEAPMAP_ and MALLOC_HEAPMAP_AT_ ask for. */
#define HEAPMAP_AT_EXIT 1U
#define HEAPMAP_AT_TRIM 2U
#define HEAPMAP_AT_STATS 4U
pt_hidden extern unsigned int heapmap_when;
pt_hidden void heapmap_from_env(void);
pt_hidden void heapmap_event(unsigned int event);

/* Write the map @event (HEAPMAP_AT_*) asks for, if it was asked for. */
static inline void heapmap_at(unsigned int event)
{
	if (unlikely(heapmap_when & event))
		heapmap_event(event);
}

/* malloc/stats.c */
pt_hidden void int_mallinfo(struct malloc_state *av, struct mallinfo2 *m);

/* malloc/consistency.c */
pt_hidden int check_heap_all(void);
pt_hidden int check_heap_counted(size_t *chunks, bool *busy);

/* malloc/debug_check.c */
pt_hidden void debug_check_heap_after_op(void);

/*
 * Debug builds (PTM_DEBUG >= 2) check the heap after public operations;
 * in other builds the constant condition removes the call, so the fast
 * paths of malloc and free carry nothing for it.
 */
static inline void debug_check_after_op(void)
{
	if (PTM_DEBUG >= 2)
		debug_check_heap_after_op();
}

/* arena/arena.c */
/**
 * struct thread_flags - the small per-thread state, in one word so that
 * the library's thread-local block stays within its 64-byte budget
 * (separate variables would each be padded to 8 bytes).
 * @arena_locks_held: debug builds: arena mutexes the thread holds.
 * @initializing: the thread is running ptmalloc_init().
 * @tcache_shutting_down: the thread is flushing its cache at exit.
 * @fork_locked: the prepare handler of the thread's fork() under way
 *	took the locks (arena/fork.c), so the parent or child handler
 *	releases them.
 */
struct thread_flags {
	int arena_locks_held;
	bool initializing;
	bool tcache_shutting_down;
	bool fork_locked;
};

pt_hidden extern os_thread_local struct thread_flags thread_flags;

/* Lock @av (nothing to do while the process is single-threaded). */
static inline void arena_lock(struct malloc_state *av)
{
	if (single_threaded())
		return;
	lock_acquire(&av->mutex);
	if (PTM_DEBUG >= 1)
		thread_flags.arena_locks_held++;
}

/*
 * Lock @av unless another thread holds it (true when it is held now,
 * by arena_lock()'s rules): for a check that must not wait.
 */
static inline bool arena_trylock(struct malloc_state *av)
{
	if (single_threaded())
		return true;
	if (!lock_try(&av->mutex))
		return false;
	if (PTM_DEBUG >= 1)
		thread_flags.arena_locks_held++;
	return true;
}

/* Unlock @av, taken by arena_lock() or arena_trylock(). */
static inline void arena_unlock(struct malloc_state *av)
{
	if (single_threaded())
		return;
	if (PTM_DEBUG >= 1)
		thread_flags.arena_locks_held--;
	lock_release(&av->mutex);
}

/* M_PERTURB: fill fresh memory with the complement of the byte. */
static inline void alloc_perturb(void *mem, size_t n)
{
	if (unlikely(mp_.perturb_byte))
		memset(mem, mp_.perturb_byte ^ 0xff, n);
}

/* M_PERTURB: fill freed memory with the byte. */
static inline void free_perturb(void *mem, size_t n)
{
	if (unlikely(mp_.perturb_byte))
		memset(mem, mp_.perturb_byte, n);
}

#endif /* PTM_INTERNAL_H */
