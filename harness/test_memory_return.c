// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What malloc_trim() gives back in the main arena, call by call: the
 * exact madvise(MADV_DONTNEED) ranges of free chunks (whole pages past
 * the chunk's first 48 bytes: header and list links), the bytes that
 * survive it, the fast bins consolidated first, and nothing when there
 * is nothing.  On a simulated break, with the allocator's own trace of
 * its system calls (ptm_debug_trace_syscalls).
 *
 * The figures on the real break (statm, mincore) are E-2.3, E-5.2 and
 * E-5.3 in harness/programs/exp_lazy.c, exp_trim.c, exp_leak1.c and
 * exp_leak2.c, asserted by test_experiments_real.c; the other arenas'
 * malloc_trim by test_arena.c; docs/memory-return.md explains them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

/* A pad large enough that the break is never lowered. */
#define NO_BRK_TRIM MIB(64)

/* The trace file of the current capture. */
static int trace_fd = -1;

/* Start recording the allocator's system calls. */
static void trace_start(void)
{
	trace_fd = memfd_create("ptm-trace", 0);
	cr_assert(ge(int, trace_fd, 0));
	ptm_debug_trace_syscalls(trace_fd);
}

/* Stop recording; the lines recorded, in @buf. */
static const char *trace_stop(char *buf, size_t cap)
{
	ssize_t n;

	ptm_debug_trace_syscalls(-1);
	cr_assert(eq(int, (int)lseek(trace_fd, 0, SEEK_SET), 0));
	n = read(trace_fd, buf, cap - 1);
	cr_assert(ge(long, (long)n, 0L));
	buf[n] = '\0';
	close(trace_fd);
	return buf;
}

/* The trace line of madvise(@addr, @len, MADV_DONTNEED) succeeding. */
static const char *madvise_line(char *buf, size_t cap, const void *addr,
				size_t len)
{
	snprintf(buf, cap, "madvise(%#lx, %zu, MADV_DONTNEED) = 0\n",
		 (unsigned long)(uintptr_t)addr, len);
	return buf;
}

/* Whether the @n bytes at @p all equal @c. */
static bool all_bytes(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/*
 * A free 102416-byte chunk at the heap start: malloc_trim madvises
 * 98304 bytes from the heap's second page, the whole pages past its
 * first 48 bytes up to the last page boundary inside it, returns 1 and
 * leaves the break where it is.  The bytes before (past the links) and
 * after that range keep their contents; those in it read zero.  A
 * second call does the same again.
 */
Test(memory_return, madvise_exact_range)
{
	char got[512], want[128];
	unsigned char *p, *guard;
	char *heap;

	fresh_sim_heap();
	p = ptm_malloc(KIB(100));
	guard = ptm_malloc(24);
	(void)guard;
	heap = heap_start();
	cr_assert(eq(ptr, (char *)p, heap + 16));
	memset(p, 0x77, KIB(100));
	ptm_free(p);
	cr_assert(eq(sz, brk_delta(), 0x3a000));

	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(NO_BRK_TRIM), 1));
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)),
		     (char *)madvise_line(want, sizeof(want), heap + 4096,
					  98304)));
	cr_assert(eq(sz, brk_delta(), 0x3a000));
	/* User bytes 32..4079 (chunk bytes 48..4095) are kept. */
	cr_assert(all_bytes(p + 32, 4080 - 32, 0x77));
	cr_assert(all_bytes(p + 4080, 98304, 0));
	/* The last whole page ends 16 bytes before the chunk does. */
	cr_assert(all_bytes(p + 4080 + 98304, 16, 0x77));
	cr_assert(eq(sz, *(size_t *)(p + KIB(100)), 102416),
		  "the foot (the guard's prev_size) is intact");

	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(NO_BRK_TRIM), 1));
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)), want));
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
}

/*
 * The size rules: a free 4144-byte chunk at a page start has only 48
 * bytes past its first page boundary, so nothing of it is released; an
 * 8240-byte one at offset 4176 has 4224 bytes past the boundary at
 * 8192, so one page is.
 */
Test(memory_return, whole_pages_only)
{
	char got[512], want[128];
	char *a, *b, *heap;

	fresh_sim_heap();
	a = ptm_malloc(4144 - 8);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	b = ptm_malloc(8240 - 8);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	heap = heap_start();
	cr_assert(eq(ptr, a, heap + 16));
	cr_assert(eq(ptr, b, heap + 4176 + 16));
	ptm_free(a);
	ptm_free(b);

	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(NO_BRK_TRIM), 1));
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)),
		     (char *)madvise_line(want, sizeof(want), heap + 8192,
					  4096)));
}

/* Only the 4144-byte chunk free: nothing to give back, 0, no call. */
Test(memory_return, nothing_to_release)
{
	char got[512];
	char *a;

	fresh_sim_heap();
	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(0), 0), "fresh allocator");
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)), ""));
	a = ptm_malloc(4144 - 8);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(a);
	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(NO_BRK_TRIM), 0));
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)), ""));
}

/*
 * Fast chunks are merged first: 200 freed 112-byte chunks at the heap
 * start become one 22400-byte chunk, whose 16384 bytes of whole pages
 * past the first page boundary go back.
 */
Test(memory_return, fast_bins_consolidated_first)
{
	char got[512], want[128];
	char *blocks[200];

	fresh_sim_heap();
	for (int i = 0; i < 200; i++)
		blocks[i] = ptm_malloc(100);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	for (int i = 0; i < 200; i++)
		ptm_free(blocks[i]);
	cr_assert(eq(sz, ptm_mallinfo2().smblks, 200));

	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(NO_BRK_TRIM), 1));
	cr_assert(eq(str, (char *)trace_stop(got, sizeof(got)),
		     (char *)madvise_line(want, sizeof(want),
					  heap_start() + 4096, 16384)));
	cr_assert(eq(sz, ptm_mallinfo2().smblks, 0));
	cr_assert(eq(sz, ptm_mallinfo2().ordblks, 2));
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
}

/*
 * Both at once: the free chunk is madvised and then top is trimmed down
 * to the pad; the calls come in that order.  One malloc(100 KiB) and a
 * guard, the block freed: top is 135120 bytes, so malloc_trim(0) lowers
 * the break by round_down(135120 - 33) = 131072 bytes, to +0x1a000.
 */
Test(memory_return, madvise_then_break)
{
	char got[512], want[256];
	char *p, *heap;

	fresh_sim_heap();
	p = ptm_malloc(KIB(100));
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	heap = heap_start();
	ptm_free(p);
	cr_assert(eq(sz, ptm_mallinfo2().keepcost, 135120));

	trace_start();
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	trace_stop(got, sizeof(got));
	snprintf(want, sizeof(want),
		 "madvise(%#lx, 98304, MADV_DONTNEED) = 0\n"
		 "brk(%#lx) = %#lx\n",
		 (unsigned long)(uintptr_t)(heap + 4096),
		 (unsigned long)(uintptr_t)(heap + 0x1a000),
		 (unsigned long)(uintptr_t)(heap + 0x1a000));
	cr_assert(eq(str, got, want));
	cr_assert(eq(sz, brk_delta(), 0x1a000));
	cr_assert(eq(sz, ptm_mallinfo2().keepcost, 135120 - 131072));
}
