// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program break: os_morecore() (sbrk semantics) over either the
 * process's real break or the simulated one of ptm_debug_simulate_brk().
 *
 * The real break is moved with the C library's sbrk(), never with the
 * brk system call directly.  glibc caches the break in its own variable
 * (__curbrk) and its sbrk() trusts that cache; glibc's malloc, which
 * shares the process with this one, would keep handing out memory below
 * a break we had lowered behind its back.  Going through sbrk() keeps
 * the cache exact.  Because of the cache, sbrk(0) makes no system call
 * and is not traced.
 *
 * The simulated break lives in one reserved mapping: the break starts at
 * its base and may move anywhere between the base and the end, as the
 * kernel lets a real break move between the data segment and the next
 * mapping.  Releasing memory below the break (moving it down) discards
 * the pages, so that memory the break gains later reads zero again: the
 * allocator counts on that, as on fresh memory from the kernel.  The
 * bookkeeping calls (the reservation, the discards) are not traced; the
 * break moves are, exactly as the real break's would be.
 *
 * Callers serialise: the main arena's lock is held around every move of
 * the break, and the simulation is set up before the first allocation.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace.h"
#include "valgrind.h"

/**
 * struct sim_brk - the simulated program break.
 * @base: the start of the reserved mapping, where the break begins; NULL
 *	while the real break is in use.
 * @brk: the current simulated break, @base <= @brk <= @end.
 * @end: the end of the reservation, the highest break allowed.
 */
struct sim_brk {
	char *base;
	char *brk;
	char *end;
};

static struct sim_brk sim;

/* Set once os_simulate_brk() has been called, successfully or not. */
static bool sim_claimed;

/* @x rounded up to a multiple of the page size. */
static uintptr_t page_up(uintptr_t x)
{
	uintptr_t mask = os_page_size() - 1;

	return (x + mask) & ~mask;
}

/*
 * Whether glibc's sbrk() would reach the kernel for @increment from
 * @old: it fails a move that wraps around the address space by itself.
 */
static bool sbrk_calls_kernel(uintptr_t old, ptrdiff_t increment)
{
	if (increment > 0)
		return old + (uintptr_t)increment >= old;
	return old >= -(uintptr_t)increment;
}

/*
 * sbrk(@increment) on the real break.  The trace line shows the brk
 * call glibc's sbrk() makes: the break asked for, and what the kernel
 * returned, which glibc has just cached (the new break, or the old one
 * when the kernel refused).
 */
static void *real_morecore(ptrdiff_t increment)
{
	int saved = errno;
	char *old, *ret;
	int err;

	if (increment == 0)
		return sbrk(0);
	old = sbrk(0);
	if (old == MORECORE_FAILURE)
		return MORECORE_FAILURE;
	ret = sbrk(increment);
	err = errno;
	if (sbrk_calls_kernel((uintptr_t)old, increment))
		trace_brk((void *)((uintptr_t)old + (uintptr_t)increment),
			  sbrk(0));
	errno = ret == MORECORE_FAILURE ? err : saved;
	return ret;
}

/*
 * Give the pages entirely inside [@from, @to) back to the kernel, so
 * that they read zero when the simulated break covers them again.
 */
static void sim_discard(uintptr_t from, uintptr_t to)
{
	int saved = errno;

	from = page_up(from);
	to = page_up(to);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	errno = saved;
}

/*
 * sbrk(@increment) on the simulated break: as the kernel's brk, a move
 * outside [base, end] fails with ENOMEM and leaves the break where it
 * was; a wrapping move fails without a brk call, as in glibc's sbrk().
 */
static void *sim_morecore(ptrdiff_t increment)
{
	uintptr_t old = (uintptr_t)sim.brk;
	uintptr_t want = old + (uintptr_t)increment;

	if (increment == 0)
		return sim.brk;
	if (!sbrk_calls_kernel(old, increment)) {
		errno = ENOMEM;
		return MORECORE_FAILURE;
	}
	if (want < (uintptr_t)sim.base || want > (uintptr_t)sim.end) {
		trace_brk((void *)want, (void *)old);
		errno = ENOMEM;
		return MORECORE_FAILURE;
	}
	if (increment < 0)
		sim_discard(want, old);
	sim.brk = (char *)want;
	trace_brk((void *)want, (void *)want);
	return (void *)old;
}

/*
 * Move the break by @increment bytes (0 only reads it) and return the
 * break before the move, or MORECORE_FAILURE with errno ENOMEM.
 */
void *os_morecore(ptrdiff_t increment)
{
	char *old;

	if (__atomic_load_n(&sim.base, __ATOMIC_ACQUIRE) != NULL)
		old = sim_morecore(increment);
	else
		old = real_morecore(increment);
	/* Tell a memory checker what the allocator gained or gave back. */
	if (old != MORECORE_FAILURE && increment > 0)
		track_system(old, (size_t)increment);
	else if (old != MORECORE_FAILURE && increment < 0)
		track_release(old + increment, (size_t)-increment);
	return old;
}

/*
 * Switch the break to a simulated one of @capacity bytes (rounded up to
 * whole pages), reserved without swap accounting so that a large
 * capacity costs nothing until used.  Only the first call may succeed;
 * returns 0, or -1 when called before or when the reservation fails.
 */
int os_simulate_brk(size_t capacity)
{
	size_t len;
	char *base;

	if (__atomic_exchange_n(&sim_claimed, true, __ATOMIC_ACQ_REL))
		return -1;
	len = page_up(capacity);
	if (len < capacity) {
		errno = ENOMEM;
		return -1;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	sim.brk = base;
	sim.end = base + len;
	__atomic_store_n(&sim.base, base, __ATOMIC_RELEASE);
	return 0;
}
