// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MALLOC_CHECK_ checking layer of glibc 2.17 (its hooks.c), built on
 * the allocation hooks.
 *
 * Once malloc_check_init() has installed the hooks, every allocation
 * comes from the main arena under its lock and asks for one byte more
 * than the caller did.  That byte, right after the caller's block, holds
 * a magic value derived from the chunk address:
 *
 *	MAGICBYTE(p) = ((p >> 3) ^ (p >> 11)) & 0xff
 *
 * and the slack between it and the end of the chunk holds a chain of
 * length bytes, read backwards from the last usable byte, each saying
 * how far to step back towards the magic byte.  A one-byte overrun
 * destroys the magic byte; free() and realloc() walk the chain before
 * trusting a pointer (mem2chunk_check) and then flip the magic byte, so
 * that a second free or realloc of the same block fails the walk and is
 * reported as `free(): invalid pointer` / `realloc(): invalid pointer`.
 * Before each allocation top_check() validates the top chunk and, as
 * 2.17 did, replaces a corrupt one by fresh memory from the break.
 *
 * MALLOC_CHECK_ is read by ptmalloc_init() (malloc_check_from_env): its
 * first character minus '0' becomes the check action, and a non-zero
 * action installs the hooks.  malloc_usable_size() returns exactly the
 * requested size while checking is on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

/* Whether the checking hooks have been installed. */
bool using_malloc_checking;

/* The magic byte of the chunk @p. */
static unsigned char magicbyte(const struct malloc_chunk *p)
{
	uintptr_t v = (uintptr_t)p;

	return (unsigned char)(((v >> 3) ^ (v >> 11)) & 0xff);
}

/*
 * The offset from the chunk @p of its last byte the caller may use
 * (heap chunks own the next chunk's prev_size word, mapped ones do not).
 */
static size_t last_usable(const struct malloc_chunk *p)
{
	return chunk_size(p) - 1 + (chunk_is_mmapped(p) ? 0 : SIZE_SZ);
}

/*
 * Write the magic byte after the @sz bytes at @mem and the chain of
 * length bytes from the end of the chunk back to it; returns @mem.
 */
static void *mem2mem_check(void *mem, size_t sz)
{
	unsigned char *m = mem;
	struct malloc_chunk *p;
	size_t i;

	if (mem == NULL)
		return NULL;
	p = mem2chunk(mem);
	for (i = last_usable(p) - CHUNK_HDR_SZ; i > sz; i -= 0xff) {
		if (i - sz < 0x100) {
			m[i] = (unsigned char)(i - sz);
			break;
		}
		m[i] = 0xff;
	}
	m[sz] = magicbyte(p);
	return mem;
}

/*
 * Walk the chain of the chunk @p back from offset @i to the magic byte;
 * its offset from @p, or 0 when a length byte is 0 or leads below the
 * user data.
 */
static size_t find_magic(const struct malloc_chunk *p, size_t i)
{
	const unsigned char *c = (const unsigned char *)p;
	unsigned char magic = magicbyte(p);

	while (c[i] != magic) {
		if (c[i] == 0 || i < c[i] + CHUNK_HDR_SZ)
			return 0;
		i -= c[i];
	}
	return i;
}

/* Whether the heap chunk @p looks like an in-use chunk of the main heap. */
static bool heap_chunk_ok(const struct malloc_chunk *p)
{
	bool contig = contiguous(&main_arena);
	char *end = mp_.sbrk_base + main_arena.system_mem;
	size_t sz = chunk_size(p);

	if (contig && ((char *)p < mp_.sbrk_base || (char *)p + sz >= end))
		return false;
	if (sz < MINSIZE || (sz & MALLOC_ALIGN_MASK) != 0 || !inuse(p))
		return false;
	if (prev_inuse(p))
		return true;
	return (p->prev_size & MALLOC_ALIGN_MASK) == 0 &&
	       !(contig && (char *)prev_chunk(p) < mp_.sbrk_base) &&
	       next_chunk(prev_chunk(p)) == p;
}

/*
 * MALLOC_CHECK_'s rule for the mapped chunk @p of user pointer @mem:
 * 2.17's list of offsets within the page (any offset from 0x2000
 * passes, a quirk of the original), the flags, and a page-aligned
 * mapping.  It differs from free()'s power-of-two rule
 * (mmapped_offset_pow2() in mmap_chunk.c).
 */
static bool mmapped_offset_listed(const struct malloc_chunk *p, const void *mem)
{
	size_t page_mask = os_page_size() - 1;
	size_t offset = (uintptr_t)mem & page_mask;

	if (offset != MALLOC_ALIGNMENT && offset != 0 && offset != 0x10 &&
	    offset != 0x20 && offset != 0x40 && offset != 0x80 &&
	    offset != 0x100 && offset != 0x200 && offset != 0x400 &&
	    offset != 0x800 && offset != 0x1000 && offset < 0x2000)
		return false;
	if (!chunk_is_mmapped(p) || prev_inuse(p))
		return false;
	return (((uintptr_t)p - p->prev_size) & page_mask) == 0 &&
	       ((p->prev_size + chunk_size(p)) & page_mask) == 0;
}

/*
 * Validate the user pointer @mem before free or realloc (main arena
 * lock held): its chunk, or NULL.  On success the magic byte is flipped,
 * so that the same pointer fails next time, and its address is stored
 * in *@magic_p when @magic_p is not NULL.
 */
static struct malloc_chunk *mem2chunk_check(void *mem, unsigned char **magic_p)
{
	struct malloc_chunk *p = mem2chunk(mem);
	size_t i;

	if (!aligned_ok((uintptr_t)mem))
		return NULL;
	if (!chunk_is_mmapped(p) ? !heap_chunk_ok(p) :
				   !mmapped_offset_listed(p, mem))
		return NULL;
	i = find_magic(p, last_usable(p));
	if (i == 0)
		return NULL;
	((unsigned char *)p)[i] ^= 0xff;
	if (magic_p != NULL)
		*magic_p = (unsigned char *)p + i;
	return p;
}

/*
 * Give the main arena a fresh top from the break after top_check()
 * found the old one corrupt (the old top is abandoned).  0, or -1 with
 * errno ENOMEM when the break cannot move.
 */
static int top_repair(void)
{
	size_t pagesz = os_page_size();
	char *brk = os_morecore(0);
	size_t front = (uintptr_t)chunk2mem((struct malloc_chunk *)brk) &
		       MALLOC_ALIGN_MASK;
	size_t sbrk_size;
	char *new_brk;

	if (front > 0)
		front = MALLOC_ALIGNMENT - front;
	sbrk_size = front + mp_.top_pad + MINSIZE;
	/* 2.17 adds a whole page when the end is already aligned. */
	sbrk_size += pagesz - ((uintptr_t)(brk + sbrk_size) & (pagesz - 1));
	new_brk = os_morecore((ptrdiff_t)sbrk_size);
	if (new_brk == MORECORE_FAILURE) {
		errno = ENOMEM;
		return -1;
	}
	after_morecore();
	main_arena.system_mem = (size_t)(new_brk - mp_.sbrk_base) + sbrk_size;
	main_arena.top = (struct malloc_chunk *)(brk + front);
	set_head(main_arena.top, (sbrk_size - front) | PREV_INUSE);
	return 0;
}

/*
 * Check the main arena's top before an allocation (lock held): it must
 * be the initial top, or a chunk of at least MINSIZE with PREV_INUSE
 * that, in a contiguous heap, ends exactly at the end of the heap.
 * Otherwise report `malloc: top chunk is corrupt` and repair.  0, or -1
 * when the repair failed.
 */
static int top_check(void)
{
	struct malloc_chunk *t = main_arena.top;

	if (t == initial_top(&main_arena) ||
	    (!chunk_is_mmapped(t) && chunk_size(t) >= MINSIZE &&
	     prev_inuse(t) &&
	     (!contiguous(&main_arena) ||
	      (char *)t + chunk_size(t) ==
		      mp_.sbrk_base + main_arena.system_mem)))
		return 0;
	malloc_corruption("malloc: top chunk is corrupt", t);
	return top_repair();
}

/* The malloc hook: @sz + 1 bytes from the main arena, then the magic. */
static void *malloc_check(size_t sz, const void *caller)
{
	void *victim = NULL;

	(void)caller;
	if (sz + 1 == 0) {
		errno = ENOMEM;
		return NULL;
	}
	arena_lock(&main_arena);
	if (top_check() >= 0)
		victim = int_malloc(&main_arena, sz + 1);
	arena_unlock(&main_arena);
	return mem2mem_check(victim, sz);
}

/*
 * The free hook: validate, then free into the main arena or unmap.  A
 * failing munmap leaves errno as it was, as free() does (glibc 2.33's
 * free_check too); the arena's trim keeps it itself.
 */
static void free_check(void *mem, const void *caller)
{
	struct malloc_chunk *p;
	int saved_errno;

	(void)caller;
	if (mem == NULL)
		return;
	arena_lock(&main_arena);
	p = mem2chunk_check(mem, NULL);
	if (p == NULL) {
		arena_unlock(&main_arena);
		malloc_corruption("free(): invalid pointer", mem);
		return;
	}
	if (chunk_is_mmapped(p)) {
		arena_unlock(&main_arena);
		saved_errno = errno;
		munmap_chunk(p);
		errno = saved_errno;
		return;
	}
	int_free(&main_arena, p, true);
	arena_unlock(&main_arena);
}

/*
 * realloc of the mapped chunk @oldp (lock held): mremap, else keep it
 * when big enough, else allocate, copy and unmap.
 */
static void *realloc_check_mmapped(struct malloc_chunk *oldp, size_t bytes,
				   size_t nb)
{
	size_t oldsize = chunk_size(oldp);
	struct malloc_chunk *newp = mremap_chunk(oldp, nb);
	void *newmem = NULL;

	if (newp != NULL)
		return chunk2mem(newp);
	if (oldsize - SIZE_SZ >= nb)
		return chunk2mem(oldp);
	if (top_check() >= 0)
		newmem = int_malloc(&main_arena, bytes + 1);
	if (newmem != NULL) {
		memcpy(newmem, chunk2mem(oldp), oldsize - CHUNK_HDR_SZ);
		munmap_chunk(oldp);
	}
	return newmem;
}

/*
 * The realloc hook.  An invalid pointer is reported and, as in 2.17,
 * answered with a fresh block (nothing copied).  When the resize fails
 * the old block stays valid: its magic byte is flipped back.
 */
static void *realloc_check(void *oldmem, size_t bytes, const void *caller)
{
	struct malloc_chunk *oldp;
	unsigned char *magic_p;
	void *newmem = NULL;
	size_t nb;

	(void)caller;
	if (bytes + 1 == 0 || !checked_request2size(bytes + 1, &nb)) {
		errno = ENOMEM;
		return NULL;
	}
	if (oldmem == NULL)
		return malloc_check(bytes, NULL);
	if (bytes == 0) {
		free_check(oldmem, NULL);
		return NULL;
	}
	arena_lock(&main_arena);
	oldp = mem2chunk_check(oldmem, &magic_p);
	arena_unlock(&main_arena);
	if (oldp == NULL) {
		malloc_corruption("realloc(): invalid pointer", oldmem);
		return malloc_check(bytes, NULL);
	}
	arena_lock(&main_arena);
	if (chunk_is_mmapped(oldp))
		newmem = realloc_check_mmapped(oldp, bytes, nb);
	else if (top_check() >= 0)
		newmem = int_realloc(&main_arena, oldp, chunk_size(oldp), nb);
	if (newmem == NULL)
		*magic_p ^= 0xff;
	arena_unlock(&main_arena);
	return mem2mem_check(newmem, bytes);
}

/*
 * The memalign hook (also valloc, pvalloc, aligned_alloc and
 * posix_memalign).  The alignment is raised to MINSIZE and to a power of
 * two; one above SIZE_MAX / 2 + 1 fails with EINVAL, as in the rest of
 * the allocator (glibc 2.19).
 */
static void *memalign_check(size_t alignment, size_t bytes, const void *caller)
{
	void *mem = NULL;

	(void)caller;
	if (alignment <= MALLOC_ALIGNMENT)
		return malloc_check(bytes, NULL);
	if (alignment > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (alignment < MINSIZE)
		alignment = MINSIZE;
	while ((alignment & (alignment - 1)) != 0)
		alignment += alignment & -alignment;
	if (bytes + 1 == 0) {
		errno = ENOMEM;
		return NULL;
	}
	arena_lock(&main_arena);
	if (top_check() >= 0)
		mem = int_memalign(&main_arena, alignment, bytes + 1);
	arena_unlock(&main_arena);
	return mem2mem_check(mem, bytes);
}

/*
 * malloc_usable_size() while checking: the size the caller asked for,
 * found by walking the chain to the magic byte; 0 after reporting
 * `malloc_check_get_size: memory corruption` when the chain is broken.
 */
size_t malloc_check_usable_size(void *mem)
{
	struct malloc_chunk *p = mem2chunk(mem);
	size_t i = find_magic(p, last_usable(p));

	if (i == 0) {
		malloc_corruption("malloc_check_get_size: memory corruption",
				  mem);
		return 0;
	}
	return i - CHUNK_HDR_SZ;
}

/*
 * Install the checking hooks (glibc 2.17's __malloc_check_init).  Blocks
 * allocated before have no magic byte: freeing them is then reported as
 * an invalid pointer, as in glibc.
 */
void malloc_check_init(void)
{
	using_malloc_checking = true;
	HOOK_STORE(ptm_malloc_hook, malloc_check);
	HOOK_STORE(ptm_free_hook, free_check);
	HOOK_STORE(ptm_realloc_hook, realloc_check);
	HOOK_STORE(ptm_memalign_hook, memalign_check);
}

/*
 * The public name, for programs that enable checking themselves.  The
 * allocator is initialised first: realloc() and free() run their hooks
 * without initialising it, and the checked ones need the main arena.
 */
void ptm_malloc_check_init(void)
{
	if (!malloc_initialized())
		ptmalloc_init();
	malloc_check_init();
}

/*
 * MALLOC_CHECK_, as glibc 2.17's ptmalloc_init() read it: when set and
 * non-empty, its first character minus '0' becomes the check action
 * ("10" is 1, a letter gives a large value whose low bits count), and a
 * non-zero action installs the hooks.  Ignored in setuid programs.
 */
void malloc_check_from_env(void)
{
	/* Not a literal: getenv() reads the name, and start-up reads no
	 * .rodata page (see malloc/tunables.c). */
	static char name[] = "MALLOC_CHECK_";
	const char *s = os_secure_getenv(name);

	if (s == NULL || s[0] == '\0')
		return;
	mp_.check_action = s[0] - '0';
	if (mp_.check_action != 0)
		malloc_check_init();
}
