// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ptm_mcheck(), ptm_mcheck_pedantic(), ptm_mcheck_check_all() and
 * ptm_mprobe() (malloc/mcheck.c), in-process on the archive: when they
 * may be switched on, the block layout (flood bytes, guard byte, header
 * size), each enum mcheck_status verdict through a recording abort
 * function, pedantic checking, and glibc's messages and SIGABRT from the
 * default abort function.  The drop-in's -lmcheck path is in
 * test_compat.c.
 *
 * Criterion runs each test in a process of its own, so every test
 * starts with the allocator not yet initialised.
 */
#include <errno.h>
#include <mcheck.h>
#include <stdint.h>
#include <string.h>

#include "death.h"
#include "harness.h"

/* The size of glibc's struct hdr in front of each block: six words. */
#define MCHECK_HDR_SZ (6 * sizeof(size_t))

/* What the recording abort function saw. */
static enum mcheck_status seen[8];
static int nseen;

/* An abort function that records the verdict and returns. */
static void record(enum mcheck_status status)
{
	if (nseen < 8)
		seen[nseen] = status;
	nseen++;
}

/* The allocator on a private break, checked by mcheck with record(). */
static void mcheck_recording(void)
{
	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0));
	cr_assert(eq(int, ptm_mcheck(record), 0));
}

/* Whether @n bytes at @p all equal @c. */
static bool all_bytes(const void *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != c)
			return false;
	return true;
}

Test(mcheck, on_before_first_allocation_and_again)
{
	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0));
	cr_expect(eq(int, ptm_mcheck(NULL), 0));
	/* A second call only changes the abort function (glibc 2.17). */
	cr_expect(eq(int, ptm_mcheck(record), 0));
	cr_expect(eq(int, ptm_mprobe(ptm_malloc(1)), MCHECK_OK));
}

Test(mcheck, too_late_after_first_allocation)
{
	void *p;

	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0));
	p = ptm_malloc(16);
	cr_expect(eq(int, ptm_mcheck(NULL), -1));
	cr_expect(eq(int, ptm_mcheck_pedantic(NULL), -1));
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_DISABLED));
	/* Without the hooks, usable size is the chunk's: 24 for 16 bytes. */
	cr_expect(eq(sz, ptm_malloc_usable_size(p), 24));
	ptm_free(p);
}

/* From the initialisation hook, as -lmcheck does it. */
static void mcheck_from_init_hook(void)
{
	cr_assert(eq(int, ptm_mcheck(record), 0));
}

Test(mcheck, from_initialize_hook)
{
	char *p;

	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0));
	ptm_malloc_initialize_hook = mcheck_from_init_hook;
	p = ptm_malloc(5);
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_OK));
	cr_expect(eq(u8, (unsigned char)p[5], 0xd7));
	ptm_free(p);
	cr_expect(eq(int, nseen, 0));
}

/*
 * A block of 10 bytes: the header's 48 bytes in front (the user pointer
 * is the chunk's memory plus 48), 10 bytes of 0x93 and the guard byte
 * 0xd7; malloc_usable_size is the size asked for.
 */
Test(mcheck, malloc_layout)
{
	unsigned char *p, *q;

	mcheck_recording();
	p = ptm_malloc(10);
	q = ptm_malloc(10);
	cr_assert(ne(ptr, p, NULL));
	cr_expect(all_bytes(p, 10, 0x93));
	cr_expect(eq(u8, p[10], 0xd7));
	cr_expect(eq(sz, ptm_malloc_usable_size(p), 10));
	cr_expect(eq(sz, ((size_t *)p)[-6], 10), "hdr->size");
	/* 48 + 10 + 1 = 59 bytes: 80-byte chunks, one after the other. */
	cr_expect(eq(sz, (size_t)(q - p), 80));
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_OK));
	ptm_free(p);
	/* The user bytes are flooded with 0x95 before the real free. */
	cr_expect(all_bytes(p, 10, 0x95));
	ptm_free(q);
	cr_expect(eq(int, nseen, 0));
}

Test(mcheck, calloc_clears_over_the_flood)
{
	unsigned char *p;

	mcheck_recording();
	p = ptm_calloc(4, 5);
	cr_expect(all_bytes(p, 20, 0));
	cr_expect(eq(u8, p[20], 0xd7));
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_OK));
	ptm_free(p);
	cr_expect(eq(int, nseen, 0));
}

Test(mcheck, memalign_header_before_aligned_bytes)
{
	unsigned char *p;

	mcheck_recording();
	p = ptm_memalign(256, 100);
	cr_assert(ne(ptr, p, NULL));
	cr_expect(eq(u64, (uintptr_t)p % 256, 0));
	cr_expect(eq(u8, p[100], 0xd7));
	/* hdr->block is the aligned block the slop (256 bytes) begins. */
	cr_expect(eq(ptr, ((void **)p)[-2], p - 256));
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_OK));
	ptm_free(p);
	cr_expect(eq(int, nseen, 0));
}

Test(mcheck, realloc_keeps_contents_and_floods)
{
	unsigned char *p;

	mcheck_recording();
	p = ptm_malloc(8);
	memset(p, 'a', 8);
	p = ptm_realloc(p, 1000);
	cr_assert(ne(ptr, p, NULL));
	cr_expect(all_bytes(p, 8, 'a'));
	cr_expect(all_bytes(p + 8, 992, 0x93));
	cr_expect(eq(u8, p[1000], 0xd7));
	p = ptm_realloc(p, 4);
	cr_expect(all_bytes(p, 4, 'a'));
	cr_expect(eq(u8, p[4], 0xd7));
	cr_expect(all_bytes(p + 5, 3, 0x95));
	cr_expect(eq(sz, ptm_malloc_usable_size(p), 4));
	cr_expect(eq(ptr, ptm_realloc(p, 0), NULL));
	cr_expect(eq(int, nseen, 0));
}

Test(mcheck, impossible_size_is_enomem)
{
	mcheck_recording();
	errno = 0;
	cr_expect(eq(ptr, ptm_malloc(SIZE_MAX - MCHECK_HDR_SZ), NULL));
	cr_expect(eq(int, errno, ENOMEM));
	errno = 0;
	cr_expect(eq(ptr, ptm_realloc(NULL, SIZE_MAX), NULL));
	cr_expect(eq(int, errno, ENOMEM));
}

Test(mcheck, mprobe_tail)
{
	char *p;

	mcheck_recording();
	p = ptm_malloc(10);
	p[10] = 0;
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_TAIL));
	cr_expect(eq(int, nseen, 1));
	cr_expect(eq(int, seen[0], MCHECK_TAIL));
}

Test(mcheck, mprobe_head_magic)
{
	char *p;

	mcheck_recording();
	p = ptm_malloc(10);
	/* hdr->magic, the second word of the header. */
	((size_t *)p)[-5] ^= 1;
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_HEAD));
	cr_expect(eq(int, nseen, 1));
	cr_expect(eq(int, seen[0], MCHECK_HEAD));
}

Test(mcheck, mprobe_head_magic2)
{
	char *p;

	mcheck_recording();
	p = ptm_malloc(10);
	/* hdr->magic2, the word right before the user bytes. */
	((size_t *)p)[-1] ^= 1;
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_HEAD));
	cr_expect(eq(int, seen[0], MCHECK_HEAD));
}

Test(mcheck, mprobe_after_free)
{
	char *p, *keep;

	mcheck_recording();
	p = ptm_malloc(10);
	keep = ptm_malloc(10);
	ptm_free(p);
	/* A fast-bin chunk's link overwrites only hdr->size: MAGICFREE. */
	cr_expect(eq(int, ptm_mprobe(p), MCHECK_FREE));
	cr_expect(eq(int, nseen, 1));
	cr_expect(eq(int, seen[0], MCHECK_FREE));
	ptm_free(keep);
}

/* The free of a block whose guard byte is gone reports before freeing. */
Test(mcheck, free_checks_first)
{
	char *p;

	mcheck_recording();
	p = ptm_malloc(30);
	p[30] = 'x';
	ptm_free(p);
	cr_expect(eq(int, nseen, 1));
	cr_expect(eq(int, seen[0], MCHECK_TAIL));
}

Test(mcheck, check_all_walks_live_blocks)
{
	char *a, *b, *c;

	mcheck_recording();
	a = ptm_malloc(1);
	b = ptm_malloc(2);
	c = ptm_malloc(3);
	a[1] = 0;
	c[3] = 0;
	ptm_free(b);
	ptm_mcheck_check_all();
	/* Newest first: c, then a (b is off the list). */
	cr_expect(eq(int, nseen, 2));
	cr_expect(eq(int, seen[0], MCHECK_TAIL));
	cr_expect(eq(int, seen[1], MCHECK_TAIL));
}

Test(mcheck, pedantic_checks_on_every_call)
{
	char *a;

	cr_assert(eq(int, ptm_debug_simulate_brk(HARNESS_SIM_BRK_CAPACITY), 0));
	cr_assert(eq(int, ptm_mcheck_pedantic(record), 0));
	a = ptm_malloc(7);
	a[7] = 0;
	ptm_free(ptm_malloc(1));
	/* The malloc and the free each walked the list and found a. */
	cr_expect(eq(int, nseen, 2));
	cr_expect(eq(int, seen[0], MCHECK_TAIL));
	cr_expect(eq(int, seen[1], MCHECK_TAIL));
}

/* Child: mcheck with the default abort function, then corrupt. */
static void corrupt_child(int how)
{
	char *p;

	death_setup(-1);
	if (ptm_mcheck(NULL) != 0)
		death_exit(92);
	p = ptm_malloc(10);
	switch (how) {
	case MCHECK_TAIL:
		p[10] = 0;
		ptm_free(p);
		break;
	case MCHECK_HEAD:
		((size_t *)p)[-5] = 0;
		ptm_mprobe(p);
		break;
	case MCHECK_FREE:
		ptm_free(p);
		ptm_free(p);
		break;
	}
}

/* @how's report: exactly glibc's line on stderr, then SIGABRT. */
static void expect_mcheck_abort(int how, const char *msg)
{
	struct death d;

	death_run(corrupt_child, how, &d);
	expect_abort(&d);
	cr_expect(eq(str, d.err, (char *)msg));
}

Test(mcheck, default_abort_tail)
{
	expect_mcheck_abort(MCHECK_TAIL,
			    "memory clobbered past end of allocated block\n");
}

Test(mcheck, default_abort_head)
{
	expect_mcheck_abort(MCHECK_HEAD,
			    "memory clobbered before allocated block\n");
}

Test(mcheck, default_abort_freed_twice)
{
	expect_mcheck_abort(MCHECK_FREE, "block freed twice\n");
}
