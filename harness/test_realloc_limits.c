// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * realloc and memalign where the system or the arguments say no, with
 * and without the MALLOC_CHECK_ layer (malloc/realloc.c,
 * malloc/malloc_check.c):
 *
 *  - a mapped block that mremap cannot grow (the address-space limit is
 *    reached) is moved to the heap, whose simulated break was reserved
 *    beforehand: allocate, copy, unmap, as glibc 2.17 does; when the
 *    heap cannot hold it either, realloc fails with ENOMEM and the block
 *    stays as it was;
 *  - under MALLOC_CHECK_: the argument rules of memalign and the sizes
 *    malloc and realloc refuse, and a failed realloc that leaves its
 *    block valid (its magic byte restored).
 *
 * The address-space limit is set in a death-test child (death.h), only
 * around the call under test: the soft limit is put back before the
 * child reports, since the coverage runtime allocates when it writes
 * its counters.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "death.h"
#include "ptmalloc.h"

#define MAPPED_BYTES 200000

static struct rlimit saved_as;

/* Limit the address space to what the process has now plus @room. */
static void limit_address_space(size_t room)
{
	char buf[64] = { 0 };
	unsigned long pages = 0;
	struct rlimit lim;
	int fd = open("/proc/self/statm", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0 ||
	    sscanf(buf, "%lu", &pages) != 1)
		death_exit(94);
	close(fd);
	if (getrlimit(RLIMIT_AS, &saved_as) != 0)
		death_exit(95);
	lim = saved_as;
	lim.rlim_cur = pages * (rlim_t)sysconf(_SC_PAGESIZE) + room;
	if (setrlimit(RLIMIT_AS, &lim) != 0)
		death_exit(96);
}

static void restore_address_space(void)
{
	if (setrlimit(RLIMIT_AS, &saved_as) != 0)
		death_exit(97);
}

/* How many of the first @n bytes of @p still hold the fill pattern. */
static uintptr_t kept(const unsigned char *p, size_t n)
{
	uintptr_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == (unsigned char)(i % 251);
	return k;
}

/*
 * In the child: a mapped block of MAPPED_BYTES, the address space
 * limited, realloc to @bytes.  Notes: the result, whether it lies in
 * the heap, the pattern bytes it holds, errno, the mapped blocks left.
 */
static void grow_mapped(size_t bytes)
{
	unsigned char *p, *r;
	int err;

	p = ptm_malloc(MAPPED_BYTES);
	if (p == NULL)
		death_exit(92);
	for (size_t i = 0; i < MAPPED_BYTES; i++)
		p[i] = (unsigned char)(i % 251);
	limit_address_space(256 * 1024);
	errno = 0;
	r = ptm_realloc(p, bytes);
	err = errno;
	restore_address_space();
	death_note((uintptr_t)r);
	death_note(r != NULL &&
		   (uintptr_t)r >= (uintptr_t)ptm_debug_heap_start() &&
		   (uintptr_t)r < (uintptr_t)ptm_debug_brk());
	death_note(kept(r != NULL ? r : p, MAPPED_BYTES));
	death_note((uintptr_t)err);
	death_note(ptm_mallinfo2().hblks);
	death_note((uintptr_t)ptm_debug_check_heap());
}

/* 1 MiB: mremap refused, the heap (1 GiB reserved) takes it. */
static void grow_mapped_into_heap(int checked)
{
	death_setup(3);
	if (checked)
		ptm_malloc_check_init();
	grow_mapped(1 << 20);
}

/* 4 MiB with a 1 MiB break: neither mremap, mmap nor the heap. */
static void grow_mapped_nowhere(int checked)
{
	if (ptm_debug_simulate_brk(1 << 20) != 0)
		death_exit(90);
	if (checked)
		ptm_malloc_check_init();
	grow_mapped(4 << 20);
}

/* The child moved the block into the heap, contents and all. */
static void expect_moved(const struct death *d)
{
	expect_exit0(d);
	cr_assert(eq(str, (char *)d->err, ""));
	cr_assert(eq(int, d->nnotes, 6));
	cr_expect(ne(u64, d->notes[0], 0), "realloc failed, errno %lu",
		  (unsigned long)d->notes[3]);
	cr_expect(eq(u64, d->notes[1], 1), "the new block is not in the heap");
	cr_expect(eq(u64, d->notes[2], MAPPED_BYTES));
	cr_expect(eq(u64, d->notes[4], 0), "the old mapping is still there");
	cr_expect(eq(u64, d->notes[5], 0), "heap check");
}

/* The child's realloc failed and left the mapped block alone. */
static void expect_kept(const struct death *d)
{
	expect_exit0(d);
	cr_assert(eq(str, (char *)d->err, ""));
	cr_assert(eq(int, d->nnotes, 6));
	cr_expect(eq(u64, d->notes[0], 0));
	cr_expect(eq(u64, d->notes[2], MAPPED_BYTES));
	cr_expect(eq(u64, d->notes[3], ENOMEM));
	cr_expect(eq(u64, d->notes[4], 1));
	cr_expect(eq(u64, d->notes[5], 0), "heap check");
}

Test(realloc_limits, mapped_block_moves_to_the_heap)
{
	struct death d;

	death_run(grow_mapped_into_heap, 0, &d);
	expect_moved(&d);
}

Test(realloc_limits, mapped_block_kept_when_nothing_fits)
{
	struct death d;

	death_run(grow_mapped_nowhere, 0, &d);
	expect_kept(&d);
}

Test(realloc_limits, checked_mapped_block_moves_to_the_heap)
{
	struct death d;

	death_run(grow_mapped_into_heap, 1, &d);
	expect_moved(&d);
}

Test(realloc_limits, checked_mapped_block_kept_when_nothing_fits)
{
	struct death d;

	death_run(grow_mapped_nowhere, 1, &d);
	expect_kept(&d);
}

/* ---- MALLOC_CHECK_ arguments -------------------------------------------- */

/* A private break and the checking hooks, in the test process. */
static void checked_setup(void)
{
	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 24), 0));
	ptm_malloc_check_init();
}

/*
 * memalign under the check layer: an alignment up to 16 is malloc's, 24
 * is raised to MINSIZE (32), 48 to the next power of two; usable sizes
 * are the requests.  Alignments above SIZE_MAX / 2 + 1 are EINVAL, a
 * size of SIZE_MAX is ENOMEM, as is malloc(SIZE_MAX).
 */
Test(realloc_limits, checked_memalign_arguments, .init = checked_setup)
{
	unsigned char *p, *q, *r;

	p = ptm_memalign(8, 100);
	q = ptm_memalign(24, 10);
	r = ptm_memalign(48, 10);
	cr_assert(ne(ptr, p, NULL));
	cr_assert(ne(ptr, q, NULL));
	cr_assert(ne(ptr, r, NULL));
	cr_expect(eq(u64, (uintptr_t)p % 16, 0));
	cr_expect(eq(u64, (uintptr_t)q % 32, 0));
	cr_expect(eq(u64, (uintptr_t)r % 64, 0));
	cr_expect(eq(sz, ptm_malloc_usable_size(p), 100));
	cr_expect(eq(sz, ptm_malloc_usable_size(q), 10));
	cr_expect(eq(sz, ptm_malloc_usable_size(r), 10));
	errno = 0;
	cr_expect(eq(ptr, ptm_memalign(SIZE_MAX / 2 + 2, 8), NULL));
	cr_expect(eq(int, errno, EINVAL));
	errno = 0;
	cr_expect(eq(ptr, ptm_memalign(64, SIZE_MAX), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	errno = 0;
	cr_expect(eq(ptr, ptm_malloc(SIZE_MAX), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	ptm_free(p);
	ptm_free(q);
	ptm_free(r);
	cr_expect(eq(sz, ptm_mallinfo2().uordblks, 0));
}

/*
 * realloc under the check layer: sizes it refuses outright (SIZE_MAX,
 * above PTRDIFF_MAX) and a size that neither the 16 MiB break nor the
 * address space can hold (1 PiB) all fail with ENOMEM, and the block
 * keeps its contents and its magic byte: its usable size is still the
 * request, and it frees cleanly.
 */
Test(realloc_limits, checked_failed_realloc_keeps_the_block,
     .init = checked_setup)
{
	unsigned char *p;

	p = ptm_malloc(100);
	cr_assert(ne(ptr, p, NULL));
	memset(p, 0x3c, 100);
	errno = 0;
	cr_expect(eq(ptr, ptm_realloc(p, SIZE_MAX), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	errno = 0;
	cr_expect(eq(ptr, ptm_realloc(p, SIZE_MAX / 2), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	errno = 0;
	cr_expect(eq(ptr, ptm_realloc(p, (size_t)1 << 50), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	cr_expect(eq(sz, ptm_malloc_usable_size(p), 100));
	for (int i = 0; i < 100; i++)
		cr_assert(eq(u8, p[i], 0x3c), "byte %d", i);
	ptm_free(p);
	cr_expect(eq(sz, ptm_mallinfo2().uordblks, 0));
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
}
