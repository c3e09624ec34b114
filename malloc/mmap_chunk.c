// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Chunks with a mapping of their own.
 *
 * A request of at least the mmap threshold is served by mmap directly,
 * with a mapping of page_round_up(nb + SIZE_SZ) bytes (the chunk has
 * no successor whose prev_size it could borrow; plus the alignment's
 * slack where MALLOC_ALIGNMENT exceeds the chunk header); free() unmaps it and
 * realloc() resizes it with mremap.  Freeing one also drives the
 * dynamic threshold: the threshold rises to the size of the freed
 * mapping (up to DEFAULT_MMAP_THRESHOLD_MAX) so that a program that
 * keeps allocating and freeing such blocks gets them from the heap.
 */
#include <stdint.h>

#include "internal.h"
#include "os.h"

/* Raise *@max to @v unless it is already higher (atomically). */
static void atomic_max(size_t *max, size_t v)
{
	size_t old = __atomic_load_n(max, __ATOMIC_RELAXED);

	while (old < v &&
	       !__atomic_compare_exchange_n(max, &old, v, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/*
 * Account a mapping of @size bytes more (or fewer, if negative).  The
 * counters are shared by every arena and by threads that map a chunk
 * without any arena lock (no arena could be had), so, as in glibc 2.26
 * and later, they are updated atomically.
 */
static void mmap_stats_add(ptrdiff_t size)
{
	size_t now = __atomic_add_fetch(&mp_.mmapped_mem, (size_t)size,
					__ATOMIC_RELAXED);

	if (size > 0)
		atomic_max(&mp_.max_mmapped_mem, now);
}

/*
 * Where a mapped chunk starts in its page-aligned mapping.  The page
 * start is aligned for the user pointer when MALLOC_ALIGNMENT is the
 * two-word chunk header; where the alignment is larger (i386 since glibc
 * 2.26) glibc 2.36's sysmalloc_mmap asks MALLOC_ALIGN_MASK bytes more and
 * moves the chunk up until its user pointer is aligned.
 */
#define FRONT_SLACK (MALLOC_ALIGNMENT == CHUNK_HDR_SZ ? 0 : MALLOC_ALIGN_MASK)
#define MMAP_FRONT \
	(MALLOC_ALIGNMENT == CHUNK_HDR_SZ ? 0 : MALLOC_ALIGNMENT - CHUNK_HDR_SZ)

/*
 * Map a chunk of @nb bytes.  Returns its user pointer, or NULL when the
 * size overflows or the mapping fails (the caller then grows the heap).
 */
void *mmap_chunk(size_t nb)
{
	size_t size = page_round_up(nb + SIZE_SZ + FRONT_SLACK);
	size_t front = MMAP_FRONT;
	struct malloc_chunk *p;
	int n, old_max;
	char *mm;

	if (size <= nb)
		return NULL;
	mm = os_mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS);
	if (mm == MAP_FAILED)
		return NULL;
	/* The gap before the chunk is its prev_size, as munmap expects. */
	p = (struct malloc_chunk *)(mm + front);
	p->prev_size = front;
	set_head(p, (size - front) | IS_MMAPPED);
	n = __atomic_add_fetch(&mp_.n_mmaps, 1, __ATOMIC_RELAXED);
	old_max = __atomic_load_n(&mp_.max_n_mmaps, __ATOMIC_RELAXED);
	while (old_max < n &&
	       !__atomic_compare_exchange_n(&mp_.max_n_mmaps, &old_max, n, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	mmap_stats_add((ptrdiff_t)size);
	return chunk2mem(p);
}

/*
 * free()'s and realloc()'s rule for the mapped chunk @p: the mapping
 * it claims (from p - prev_size, prev_size + size bytes) is page
 * aligned, and the user pointer sits at a power-of-two offset in its
 * page.  MALLOC_CHECK_ has a rule of its own,
 * mmapped_offset_listed() in malloc_check.c.
 */
static bool mmapped_offset_pow2(const struct malloc_chunk *p)
{
	uintptr_t mem = (uintptr_t)chunk2mem(p);
	uintptr_t block = (uintptr_t)p - p->prev_size;
	size_t total = p->prev_size + chunk_size(p);
	size_t pagemask = os_page_size() - 1;
	uintptr_t in_page = mem & pagemask;

	if (((block | total) & pagemask) != 0)
		return false;
	return (in_page & (in_page - 1)) == 0;
}

/* Unmap the mapped chunk @p and update the counters. */
void munmap_chunk(struct malloc_chunk *p)
{
	uintptr_t block = (uintptr_t)p - p->prev_size;
	size_t total = p->prev_size + chunk_size(p);

	if (unlikely(!mmapped_offset_pow2(p))) {
		malloc_corruption("munmap_chunk(): invalid pointer",
				  chunk2mem(p));
		return;
	}
	__atomic_sub_fetch(&mp_.n_mmaps, 1, __ATOMIC_RELAXED);
	mmap_stats_add(-(ptrdiff_t)total);
	os_munmap((void *)block, total);
}

/*
 * Resize the mapped chunk @p to serve @nb bytes with mremap (the
 * mapping may move).  Returns the chunk, unchanged when the page count
 * stays the same, or NULL when mremap fails.
 */
struct malloc_chunk *mremap_chunk(struct malloc_chunk *p, size_t nb)
{
	size_t offset = p->prev_size;
	size_t size = chunk_size(p);
	size_t new_size = page_round_up(nb + offset + SIZE_SZ);
	char *cp;

	if (unlikely(!mmapped_offset_pow2(p))) {
		malloc_corruption("mremap_chunk(): invalid pointer",
				  chunk2mem(p));
		return NULL;
	}
	if (size + offset == new_size)
		return p;
	cp = os_mremap((char *)p - offset, size + offset, new_size,
		       MREMAP_MAYMOVE);
	if (cp == MAP_FAILED)
		return NULL;
	p = (struct malloc_chunk *)(cp + offset);
	set_head(p, (new_size - offset) | IS_MMAPPED);
	mmap_stats_add((ptrdiff_t)new_size - (ptrdiff_t)(size + offset));
	return p;
}

/*
 * The dynamic threshold: on freeing the mapped chunk @p, unless the user
 * fixed the thresholds, raise the mmap threshold to its size (if larger
 * and at most DEFAULT_MMAP_THRESHOLD_MAX) and the trim threshold to
 * twice that.  The raw size word (IS_MMAPPED included) is compared, as
 * glibc does.
 */
void mmap_threshold_update(const struct malloc_chunk *p)
{
	if (mp_.no_dyn_threshold)
		return;
	/* No lock is held here: the thresholds are accessed atomically. */
	if (chunk_size_nomask(p) >
		    __atomic_load_n(&mp_.mmap_threshold, __ATOMIC_RELAXED) &&
	    chunk_size_nomask(p) <= DEFAULT_MMAP_THRESHOLD_MAX) {
		__atomic_store_n(&mp_.mmap_threshold, chunk_size(p),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&mp_.trim_threshold, 2 * chunk_size(p),
				 __ATOMIC_RELAXED);
	}
}
