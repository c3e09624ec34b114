// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The out-of-line half of the memory-checker annotations (valgrind.h):
 * finding out whether the process runs under valgrind, the sizes of a
 * block realloc replaces, carrying memcheck's definedness bits over to
 * a moved block, and the ASan poisoning helpers.  Nothing here runs
 * unless a checker is there.
 */
#include <stdint.h>

#include "internal.h"
#include "valgrind.h"

/*
 * The largest chunk a size word may claim: below 2^46 on 64-bit (a
 * user address space of 47 bits), PTRDIFF_MAX on 32-bit.
 */
#define PLAUSIBLE_CHUNK_MAX ((size_t)PTRDIFF_MAX >> (SIZE_SZ == 8 ? 17 : 0))

/*
 * The bytes of the chunk behind @mem the program may use (as
 * malloc_usable_size); 0 when its size word cannot be a block's.
 */
static pt_unused size_t plausible_usable(void *mem)
{
	struct malloc_chunk *p = mem2chunk(mem);
	size_t size = chunk_size(p);

	if (size < MINSIZE || !aligned_ok(size) || size > PLAUSIBLE_CHUNK_MAX ||
	    (uintptr_t)p > (uintptr_t)-size)
		return 0;
	if (chunk_is_mmapped(p))
		return size - CHUNK_HDR_SZ;
	return size - SIZE_SZ;
}

#if defined(PTM_TRACK_VALGRIND)

int track_vg = -1;
/* A struct: an array this large would be aligned to 16 bytes. */
os_thread_local struct track_request track_req;

/*
 * First use: ask valgrind whether it is there.  Under valgrind the main
 * arena becomes NOACCESS like every other arena (track_arena()): it is a
 * global, which the leak checker would otherwise scan.  Returns the
 * answer.
 */
bool track_vg_detect(void)
{
	static int claimed;
	bool on = RUNNING_ON_VALGRIND != 0;

	if (on && !__atomic_exchange_n(&claimed, 1, __ATOMIC_ACQ_REL))
		VALGRIND_MAKE_MEM_NOACCESS(&main_arena, sizeof(main_arena));
	__atomic_store_n(&track_vg, on, __ATOMIC_RELEASE);
	return on;
}

/*
 * realloc's entry under valgrind: enter, then note the old block's
 * usable size and the size memcheck has for it, which is where its
 * addressable bytes end (the request was never stored anywhere else).
 * A nested malloc that registers the new block will say so through
 * track_vg_last.
 */
void track_vg_realloc_begin(struct track_old *t, void *oldmem)
{
	uintptr_t bad;

	VALGRIND_DISABLE_ERROR_REPORTING;
	t->usable = plausible_usable(oldmem);
	t->mmapped = chunk_is_mmapped(mem2chunk(oldmem));
	bad = (uintptr_t)VALGRIND_CHECK_MEM_IS_ADDRESSABLE(oldmem, t->usable);
	t->req = bad != 0 ? bad - (uintptr_t)oldmem : t->usable;
	track_vg_last = 0;
}

/*
 * Give the first @n bytes of the block @dst the definedness bits of the
 * same bytes of @src, as memcheck's own realloc does.  When @src is gone
 * (a mapped chunk mremap moved), they count as defined: a checker may
 * miss an error then, but never reports a false one.
 */
void track_vg_copy_vbits(void *dst, const void *src, size_t n)
{
	unsigned char bits[256];
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = n - off < sizeof(bits) ? n - off : sizeof(bits);
		if (VALGRIND_GET_VBITS((const char *)src + off, bits, k) != 1) {
			VALGRIND_MAKE_MEM_DEFINED((char *)dst + off, n - off);
			return;
		}
		VALGRIND_SET_VBITS((char *)dst + off, bits, k);
	}
}

#elif defined(PTM_TRACK_ASAN)

/* free's entry: poison the whole block, slack included. */
void track_asan_free(void *mem)
{
	if (mem != NULL)
		ASAN_POISON_MEMORY_REGION(mem, plausible_usable(mem));
}

/* realloc's entry: the old block's usable size and kind. */
void track_asan_realloc_begin(struct track_old *t, void *oldmem)
{
	t->req = 0;
	t->usable = plausible_usable(oldmem);
	t->mmapped = chunk_is_mmapped(mem2chunk(oldmem));
}

/*
 * realloc's exit: open exactly @bytes of @newmem; close what the old
 * block had beyond that (in place), or all of it (moved, unless it was a
 * mapping that is gone, whose shadow track_release() cleared).
 */
void track_asan_realloc(const struct track_old *t, void *oldmem, void *newmem,
			size_t bytes)
{
	size_t usable;

	if (newmem == NULL)
		return;
	if (newmem == oldmem) {
		usable = plausible_usable(newmem);
		if (usable < t->usable)
			usable = t->usable;
		ASAN_POISON_MEMORY_REGION(oldmem, usable);
	} else if (!t->mmapped) {
		ASAN_POISON_MEMORY_REGION(oldmem, t->usable);
	}
	ASAN_UNPOISON_MEMORY_REGION(newmem, bytes);
}

#undef memcpy
#undef memset

/*
 * memcpy and memset for the allocator's own use in an ASan build, as
 * loops through volatile pointers, which no compiler turns back into
 * calls of the intercepted library functions.
 */
void *track_raw_memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

void *track_raw_memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

#endif
