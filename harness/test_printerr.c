// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The corner cases of the corruption report (malloc/printerr.c) that the
 * integrity and MALLOC_CHECK_ suites do not reach:
 *
 *  - the emergency allocator that an aborting report puts behind the
 *    hooks: a SIGABRT handler that allocates after the report (while the
 *    failed free still holds the arena lock) is served from its static
 *    buffer or a mapping of its own, never from the heap;
 *  - a report longer than its 512-byte buffer (a very long program
 *    name) is cut at the buffer's end;
 *  - a failed assertion in a process without a short program name.
 *
 * Each case runs in a death-test child (death.h) on a private simulated
 * break.  The SIGABRT handler records what it saw in a shared mapping,
 * which the test reads after the child died.  In a coverage build the
 * handler writes the counters of what it ran itself: os_abort() wrote
 * the earlier ones already, and a second __gcov_dump() would do nothing
 * without the __gcov_reset() in between.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "death.h"
#include "ptmalloc.h"

#if defined(PTM_COVERAGE) && defined(__GNUC__) && !defined(__clang__)
#define PRINTERR_GCOV 1
#endif

/* The header words before each emergency block and its alignment. */
#define EMERGENCY_HDR (2 * sizeof(size_t))
#define EMERGENCY_ALIGN 16

/**
 * struct emergency_seen - what the SIGABRT handler observed.
 * @done: the handler ran to its end (it did not wait for a lock).
 * @m1: ptm_malloc(100), the first emergency block.
 * @m2: a second ptm_malloc(100).
 * @m3: ptm_malloc(100) after ptm_free(@m2).
 * @r1: ptm_realloc(@m1, 300).
 * @own_kept: bytes of @m1's contents found in @r1.
 * @heap_kept: bytes of a 40-byte heap block found in its realloc to 64.
 * @mapped_kept: bytes of a 200000-byte mapped block found in its realloc
 *	to 250000.
 * @mapped_offset: that realloc's address modulo the page size.
 * @from_null: ptm_realloc(NULL, 30) returned a block.
 * @to_zero: ptm_realloc(@m3, 0).
 * @align4096: ptm_memalign(4096, 10) modulo 4096.
 * @align24: ptm_memalign(24, 8) modulo 32.
 * @tail_offset: ptm_malloc(65000), which no longer fits the buffer,
 *	modulo the page size.
 * @huge: ptm_malloc(SIZE_MAX / 2), and @huge_errno the errno it left.
 * @huge_align: ptm_memalign(SIZE_MAX / 2 + 2, 8), and @huge_align_errno.
 * @in_heap: how many of the blocks above lie in the heap's break range.
 */
struct emergency_seen {
	int done;
	uintptr_t m1, m2, m3, r1;
	size_t own_kept, heap_kept, mapped_kept;
	uintptr_t mapped_offset;
	int from_null;
	uintptr_t to_zero;
	uintptr_t align4096, align24, tail_offset;
	uintptr_t huge, huge_align;
	int huge_errno, huge_align_errno;
	int in_heap;
};

/* Shared with the death child; the blocks it made before the report. */
static struct emergency_seen *seen;
static unsigned char *guard_block, *mapped_block;

/* How many of the first @n bytes of @p are @seed + i. */
static size_t kept(const unsigned char *p, size_t n, unsigned char seed)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == (unsigned char)(seed + i);
	return k;
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i);
}

/* Whether @p lies between the heap's start and the break. */
static int in_heap(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)ptm_debug_heap_start() &&
	       (uintptr_t)p < (uintptr_t)ptm_debug_brk();
}

/* The allocations and reallocations the handler makes (see the struct). */
static void probe_emergency(struct emergency_seen *s)
{
	void *volatile p;

	s->m1 = (uintptr_t)ptm_malloc(100);
	s->m2 = (uintptr_t)ptm_malloc(100);
	ptm_free((void *)s->m2);
	s->m3 = (uintptr_t)ptm_malloc(100);
	fill((unsigned char *)s->m1, 100, 7);
	s->r1 = (uintptr_t)ptm_realloc((void *)s->m1, 300);
	s->own_kept = kept((unsigned char *)s->r1, 100, 7);
	p = ptm_realloc(guard_block, 64);
	s->heap_kept = kept(p, 40, 3);
	s->in_heap =
		in_heap((void *)s->m1) + in_heap((void *)s->r1) + in_heap(p);
	p = ptm_realloc(mapped_block, 250000);
	s->mapped_kept = kept(p, 200000, 5);
	s->mapped_offset = (uintptr_t)p % 4096;
	s->from_null = ptm_realloc(NULL, 30) != NULL;
	s->to_zero = (uintptr_t)ptm_realloc((void *)s->m3, 0);
	s->align4096 = (uintptr_t)ptm_memalign(4096, 10) % 4096;
	s->align24 = (uintptr_t)ptm_memalign(24, 8) % 32;
	s->tail_offset = (uintptr_t)ptm_malloc(65000) % 4096;
	errno = 0;
	s->huge = (uintptr_t)ptm_malloc(SIZE_MAX / 2);
	s->huge_errno = errno;
	errno = 0;
	s->huge_align = (uintptr_t)ptm_memalign(SIZE_MAX / 2 + 2, 8);
	s->huge_align_errno = errno;
}

/* SIGABRT after the report: allocate, record; abort() then goes on. */
static void abort_handler(int sig)
{
	(void)sig;
#ifdef PRINTERR_GCOV
	__gcov_reset();
#endif
	probe_emergency(seen);
	seen->done = 1;
#ifdef PRINTERR_GCOV
	__gcov_dump();
#endif
}

/*
 * The child: a 1000-byte block freed twice while its neighbour is in
 * use, "double free or corruption (!prev)" under action 3, then the
 * handler.  The guard and a mapped block are filled first.
 */
static void double_free_with_handler(int unused)
{
	struct sigaction sa = { .sa_handler = abort_handler };
	unsigned char *a;

	(void)unused;
	death_setup(3);
	a = ptm_malloc(1000);
	guard_block = ptm_malloc(40);
	mapped_block = ptm_malloc(200000);
	if (a == NULL || guard_block == NULL || mapped_block == NULL)
		death_exit(92);
	fill(guard_block, 40, 3);
	fill(mapped_block, 200000, 5);
	death_note((uintptr_t)a);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGABRT, &sa, NULL) != 0)
		death_exit(93);
	ptm_free(a);
	ptm_free(a);
}

Test(printerr, emergency_allocator_serves_abort_handler)
{
	struct death d;
	struct emergency_seen *s;

	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert(ne(ptr, (void *)s, MAP_FAILED));
	seen = s;
	death_run(double_free_with_handler, 0, &d);
	cr_assert(eq(int, d.nnotes, 1), "stderr: %s", d.err);
	expect_report(&d, 3, "double free or corruption (!prev)", d.notes[0]);
	cr_assert(eq(int, s->done, 1), "the handler did not finish");
	/* Blocks one after the other in the buffer: 100 bytes rounded to
	 * 112, plus the two header words; a free gives nothing back. */
	cr_expect(eq(u64, s->m1 % EMERGENCY_ALIGN, 0));
	cr_expect(eq(u64, s->m2 - s->m1, 128));
	cr_expect(eq(u64, s->m3 - s->m2, 128));
	cr_expect(eq(u64, s->r1 - s->m3, 128));
	cr_expect(eq(int, s->in_heap, 0));
	/* realloc copies what the old block held: its recorded size for an
	 * emergency block, the chunk's usable size for a heap block. */
	cr_expect(eq(sz, s->own_kept, 100));
	cr_expect(eq(sz, s->heap_kept, 40));
	cr_expect(eq(sz, s->mapped_kept, 200000));
	/* Too large for the buffer: a mapping, the block after the header
	 * words at its start. */
	cr_expect(eq(u64, s->mapped_offset, EMERGENCY_HDR));
	cr_expect(eq(int, s->from_null, 1));
	cr_expect(eq(u64, s->to_zero, 0));
	cr_expect(eq(u64, s->align4096, 0));
	cr_expect(eq(u64, s->align24, 0));
	cr_expect(eq(u64, s->tail_offset, EMERGENCY_HDR));
	cr_expect(eq(u64, s->huge, 0));
	cr_expect(eq(int, s->huge_errno, ENOMEM));
	cr_expect(eq(u64, s->huge_align, 0));
	cr_expect(eq(int, s->huge_align_errno, ENOMEM));
	munmap(s, sizeof(*s));
}

/* A 600-character program name: the report stops at its 512 bytes. */
static void long_name_report(int unused)
{
	static char name[601];
	unsigned char *a;

	(void)unused;
	memset(name, 'x', 600);
	program_invocation_name = name;
	death_setup(1);
	a = ptm_malloc(1000);
	if (a == NULL || ptm_malloc(40) == NULL)
		death_exit(92);
	ptm_free(a);
	ptm_free(a);
}

Test(printerr, report_cut_at_buffer_end)
{
	static const char head[] = "*** Error in `";
	char want[513];
	struct death d;

	memcpy(want, head, sizeof(head) - 1);
	memset(want + sizeof(head) - 1, 'x', 512 - (sizeof(head) - 1));
	want[512] = '\0';
	death_run(long_name_report, 0, &d);
	expect_exit0(&d);
	cr_assert(eq(str, d.err, want));
}

/* The sysmalloc assertion, with program_invocation_short_name NULL. */
static void assertion_without_name(int unused)
{
	char *p;

	(void)unused;
	program_invocation_short_name = NULL;
	death_setup(0);
	p = ptm_malloc(24);
	if (p == NULL)
		death_exit(92);
	/* The top chunk's size word: too small and not page-aligned. */
	((size_t *)(p + 32))[-1] = 0x21;
	ptm_malloc(100000);
}

Test(printerr, assertion_without_program_name)
{
	static const char tail[] =
		": sysmalloc: Assertion `(av->top == initial_top(av) && "
		"old_size == 0) || (old_size >= MINSIZE && "
		"prev_inuse(av->top) && ((uintptr_t)av->top + old_size) % "
		"os_page_size() == 0)' failed.\n";
	static const char head[] = "malloc/sysmalloc.c:";
	struct death d;
	size_t len;
	char *digits;

	death_run(assertion_without_name, 0, &d);
	expect_abort(&d);
	cr_assert(eq(int, strncmp(d.err, head, sizeof(head) - 1), 0), "got %s",
		  d.err);
	digits = d.err + sizeof(head) - 1;
	len = strspn(digits, "0123456789");
	cr_assert(gt(sz, len, 0));
	cr_assert(eq(str, digits + len, (char *)tail));
}
