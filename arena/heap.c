// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sub-heaps of non-main arenas: reserving an aligned region, making more
 * of it usable as the arena's top grows, giving pages back as it
 * shrinks, and unmapping a whole sub-heap that has become empty.
 *
 * Reservations are PROT_NONE and MAP_NORESERVE, so an unused part costs
 * address space only.  To get HEAP_MAX_SIZE alignment, twice the size is
 * reserved and the misaligned ends are unmapped; when the reservation
 * happened to be aligned already, its unused upper half is remembered
 * and tried first for the next sub-heap.
 */
#include "arena.h"
#include "os.h"

/* An aligned spare reservation left over by the last new_heap(). */
static char *aligned_heap_area;

/* Reserve HEAP_MAX_SIZE bytes aligned to HEAP_MAX_SIZE, PROT_NONE. */
static char *reserve_aligned(void)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	char *p1, *p2;
	size_t ul;

	/* Taken in one step: threads may create arenas at the same time. */
	p1 = __atomic_exchange_n(&aligned_heap_area, NULL, __ATOMIC_RELAXED);
	if (p1 != NULL) {
		p2 = os_mmap(p1, HEAP_MAX_SIZE, PROT_NONE, flags);
		if (p2 != MAP_FAILED &&
		    ((uintptr_t)p2 & (HEAP_MAX_SIZE - 1)) == 0)
			return p2;
		if (p2 != MAP_FAILED)
			os_munmap(p2, HEAP_MAX_SIZE);
	}
	p1 = os_mmap(NULL, HEAP_MAX_SIZE << 1, PROT_NONE, flags);
	if (p1 != MAP_FAILED) {
		p2 = (char *)(((uintptr_t)p1 + HEAP_MAX_SIZE - 1) &
			      ~(HEAP_MAX_SIZE - 1));
		ul = (size_t)(p2 - p1);
		if (ul)
			os_munmap(p1, ul);
		else
			__atomic_store_n(&aligned_heap_area, p2 + HEAP_MAX_SIZE,
					 __ATOMIC_RELAXED);
		os_munmap(p2 + HEAP_MAX_SIZE, HEAP_MAX_SIZE - ul);
		return p2;
	}
	/* Perhaps a single reservation happens to be aligned. */
	p2 = os_mmap(NULL, HEAP_MAX_SIZE, PROT_NONE, flags);
	if (p2 == MAP_FAILED)
		return MAP_FAILED;
	if ((uintptr_t)p2 & (HEAP_MAX_SIZE - 1)) {
		os_munmap(p2, HEAP_MAX_SIZE);
		return MAP_FAILED;
	}
	return p2;
}

/*
 * Create a sub-heap with at least @size usable bytes, plus @top_pad if
 * that still fits, at least HEAP_MIN_SIZE, page aligned.  Returns its
 * header (ar_ptr and prev to be set by the caller) or NULL.
 */
struct heap_info *new_heap(size_t size, size_t top_pad)
{
	struct heap_info *h;
	char *p;

	if (size + top_pad < HEAP_MIN_SIZE)
		size = HEAP_MIN_SIZE;
	else if (size + top_pad <= HEAP_MAX_SIZE)
		size += top_pad;
	else if (size > HEAP_MAX_SIZE)
		return NULL;
	else
		size = HEAP_MAX_SIZE;
	size = (size + os_page_size() - 1) & ~(os_page_size() - 1);

	p = reserve_aligned();
	if (p == MAP_FAILED)
		return NULL;
	if (os_mprotect(p, size, PROT_READ | PROT_WRITE) != 0) {
		os_munmap(p, HEAP_MAX_SIZE);
		return NULL;
	}
	h = (struct heap_info *)p;
	h->size = size;
	h->mprotect_size = size;
	return h;
}

/*
 * Grow the usable part of @h by @diff bytes (rounded up to pages),
 * making pages read-write as needed.  0 on success, negative when the
 * sub-heap is full or mprotect fails.
 */
int grow_heap(struct heap_info *h, long diff)
{
	size_t new_size;

	diff = (long)page_round_up((size_t)diff);
	new_size = h->size + (size_t)diff;
	if (new_size > HEAP_MAX_SIZE)
		return -1;
	if (new_size > h->mprotect_size) {
		if (os_mprotect((char *)h + h->mprotect_size,
				new_size - h->mprotect_size,
				PROT_READ | PROT_WRITE) != 0)
			return -2;
		h->mprotect_size = new_size;
	}
	h->size = new_size;
	return 0;
}

/*
 * Give the last @diff bytes of @h back: the pages keep their mapping but
 * the kernel may drop their contents.  0 on success.
 */
static int shrink_heap(struct heap_info *h, size_t diff)
{
	size_t new_size = h->size - diff;

	if ((long)new_size < (long)sizeof(*h))
		return -1;
	os_madvise((char *)h + new_size, diff, MADV_DONTNEED);
	h->size = new_size;
	return 0;
}

/* Unmap the whole sub-heap @h. */
static void delete_heap(struct heap_info *h)
{
	char *next = (char *)h + HEAP_MAX_SIZE;

	/* The spare after @h stops being a hint once @h goes. */
	__atomic_compare_exchange_n(&aligned_heap_area, &next, NULL, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	os_munmap(h, HEAP_MAX_SIZE);
}

/*
 * The free space at the end of @prev_heap, closed off by sysmalloc when
 * the next sub-heap was created: returns the chunk that will become top
 * again and sets *@new_size to the bytes it will span.
 */
static struct malloc_chunk *heap_tail(struct heap_info *prev_heap,
				      size_t *new_size)
{
	size_t prev_size = prev_heap->size - (MINSIZE - 2 * SIZE_SZ);
	struct malloc_chunk *p = heap_chunk_at(prev_heap, prev_size);
	size_t misalign = (uintptr_t)p & MALLOC_ALIGN_MASK;

	/* p is the 0|PREV_INUSE fencepost; the chunk before it ends the heap. */
	p = heap_chunk_at(prev_heap, prev_size - misalign);
	p = prev_chunk(p);
	*new_size = chunk_size(p) + (MINSIZE - 2 * SIZE_SZ) + misalign;
	if (!prev_inuse(p))
		*new_size += p->prev_size;
	return p;
}

/*
 * Unmap the sub-heaps of @ar_ptr that are empty (top is their first
 * chunk) while enough of the previous sub-heap would stay free, making
 * that sub-heap's tail the arena's top again.  Returns the sub-heap now
 * holding top.
 */
static struct heap_info *heap_release_empty(struct heap_info *heap, size_t pad)
{
	struct malloc_state *ar_ptr = heap->ar_ptr;
	struct malloc_chunk *top = ar_ptr->top;

	while (top == heap_first_chunk(heap)) {
		struct heap_info *prev_heap = heap->prev;
		size_t new_size;
		struct malloc_chunk *p = heap_tail(prev_heap, &new_size);

		if (new_size + (HEAP_MAX_SIZE - prev_heap->size) <
		    pad + MINSIZE + os_page_size())
			break;
		arena_add_system_mem(ar_ptr, -(ptrdiff_t)heap->size);
		delete_heap(heap);
		heap = prev_heap;
		if (!prev_inuse(p)) {
			p = prev_chunk(p);
			unlink_chunk(ar_ptr, p);
		}
		ar_ptr->top = top = p;
		set_head(top, new_size | PREV_INUSE);
	}
	return heap;
}

/*
 * Trim the non-main arena whose top lies in @heap: delete empty
 * sub-heaps, then, once top reaches the trim threshold, give back its
 * whole pages beyond @pad + MINSIZE.  Returns 1 if memory went back.
 */
int heap_trim(struct heap_info *heap, size_t pad)
{
	struct malloc_state *ar_ptr = heap->ar_ptr;
	size_t top_size, top_area, extra;

	heap = heap_release_empty(heap, pad);
	top_size = chunk_size(ar_ptr->top);
	/* free() raises the threshold without a lock (mmap_threshold_update). */
	if (top_size < __atomic_load_n(&mp_.trim_threshold, __ATOMIC_RELAXED) ||
	    top_size <= MINSIZE)
		return 0;
	top_area = top_size - MINSIZE - 1;
	if (top_area <= pad)
		return 0;
	extra = page_round_down(top_area - pad);
	if (extra == 0 || shrink_heap(heap, extra) != 0)
		return 0;
	arena_add_system_mem(ar_ptr, -(ptrdiff_t)extra);
	set_head(ar_ptr->top, (top_size - extra) | PREV_INUSE);
	return 1;
}
