// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Behaviour at the limits: the break refused (RLIMIT_DATA, a foreign
 * sbrk), the address space exhausted (RLIMIT_AS, 9 threads at once),
 * impossible sizes and alignments for every entry point, errno across
 * free() (also when it creates a thread's cache and no arena can be
 * mapped), and three of glibc's conformance tests rewritten here:
 * tst-malloc-too-large, tst-trim1 and tst-malloc-thread-fail.
 *
 * The real-break and thread cases run in helper programs
 * (harness/programs/lim_data.c, lim_as.c); the others in the test
 * process on a simulated break.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "death.h"
#include "harness.h"
#include "programs/exp_run.h"

/* Run PTM_PROGRAMS_DIR/@cmd (program and arguments); its output. */
static char *run_program(const char *cmd)
{
	struct exp_result r;

	exp_run(cmd, false, &r);
	cr_assert(eq(int, r.ok, 1), "%s: status %#x\n%s", cmd, r.status,
		  r.out ? r.out : "");
	return r.out;
}

/* The value of @k in @out; fails the test when it is missing. */
static long long key(const char *out, const char *k)
{
	long long v = 0;

	cr_assert(eq(int, exp_key(out, k, &v), 1), "no %s in:\n%s", k, out);
	return v;
}

#define expect_key(out, k, want) \
	cr_expect(eq(i64, key(out, k), (long long)(want)), "%s", k)

/*
 * RLIMIT_DATA (lim_data rlimit, on the real break):
 *   A. limit = data memory + 0x6c000: four 100 KiB blocks (the break at
 *      +0x6c000, as E-4.3.4), the fifth fails with ENOMEM because brk
 *      and the 1 MiB mmap fallback are both refused; the heap is
 *      consistent and still serves a small block from top;
 *   B. soft limit 0 (Linux lets mmap through then): the arena goes on
 *      in mappings, as glibc 2.36 (measured on the host: strace of the
 *      same loop): the first, while the arena is still contiguous, is the
 *      request plus the old top rounded up to whole MiB (1 MiB, ten
 *      102416-byte chunks); each later one is the request plus top pad
 *      rounded to a page (237568 bytes, two chunks), so 40 blocks take
 *      1 + 15 mappings: arena 0x6c000 + 1 MiB + 15 * 237568.  malloc_trim
 *      releases pages with madvise (returns 1) and the break stays;
 *   C. no limit: the break grows again for a 400 KiB block.
 */
Test(limits, rlimit_data_then_mmap_fallback)
{
	char *out = run_program("lim_data rlimit");

	expect_key(out, "a_ok", 4);
	expect_key(out, "a_null", 1);
	expect_key(out, "a_errno", ENOMEM);
	expect_key(out, "a_brk", 0x6c000);
	expect_key(out, "a_small_ok", 1);
	expect_key(out, "a_check", 0);
	expect_key(out, "b_ok", 40);
	expect_key(out, "b_in_break", 0);
	expect_key(out, "b_brk", 0x6c000);
	expect_key(out, "b_arena", 442368 + 1048576 + 15 * 237568);
	expect_key(out, "b_check", 0);
	expect_key(out, "b_intact", 1);
	expect_key(out, "b_free_arena", 442368 + 1048576 + 15 * 237568);
	expect_key(out, "b_free_check", 0);
	expect_key(out, "b_trim_ret", 1);
	expect_key(out, "b_trim_arena", 442368 + 1048576 + 15 * 237568);
	expect_key(out, "b_trim_brk", 0x6c000);
	expect_key(out, "c_ok", 1);
	expect_key(out, "c_in_break", 1);
	expect_key(out, "c_check", 0);
	free(out);
}

/*
 * A foreign sbrk(4096) after malloc(1000): two malloc(50000) still fit
 * in the old top (134160 bytes), the other 18 lie above the foreign
 * page, which keeps its bytes; nothing overlaps it.
 */
Test(limits, foreign_sbrk_heap_continues_above)
{
	char *out = run_program("lim_data foreign");

	expect_key(out, "overlaps", 0);
	expect_key(out, "above", 18);
	expect_key(out, "clobbered", 0);
	expect_key(out, "check", 0);
	expect_key(out, "intact", 1);
	expect_key(out, "free_check", 0);
	free(out);
}

/*
 * lim_as: 9 threads allocate with one function under RLIMIT_AS 200 MiB
 * until it fails: every failure is ENOMEM, nothing misaligned or dirty,
 * no failed realloc harms its block, the heap is consistent after all
 * is freed, and malloc works again.
 */
static void expect_exhaustion(const char *func, const char *size,
			      const char *align, const char *arena_max)
{
	char cmd[128];
	char *out;

	snprintf(cmd, sizeof(cmd), "lim_as %s %s %s %s", func, size, align,
		 arena_max);
	out = run_program(cmd);
	cr_expect(gt(i64, key(out, "blocks"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "enomem_failures"), 9), "%s", cmd);
	cr_expect(eq(i64, key(out, "bad_errno"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "misaligned"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "nonzero"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "realloc_clobbered"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "check_after"), 0), "%s", cmd);
	cr_expect(eq(i64, key(out, "malloc_after"), 1), "%s", cmd);
	free(out);
}

/* With the default arena limit: most threads find no room for an arena. */
Test(limits, rlimit_as_malloc)
{
	expect_exhaustion("malloc", "144", "0", "0");
}

Test(limits, rlimit_as_calloc)
{
	expect_exhaustion("calloc", "144", "0", "0");
}

Test(limits, rlimit_as_realloc)
{
	expect_exhaustion("realloc", "4096", "0", "0");
}

Test(limits, rlimit_as_memalign)
{
	expect_exhaustion("memalign", "4096", "128", "0");
}

Test(limits, rlimit_as_aligned_alloc)
{
	expect_exhaustion("aligned_alloc", "512", "256", "0");
}

Test(limits, rlimit_as_posix_memalign)
{
	expect_exhaustion("posix_memalign", "512", "128", "0");
}

Test(limits, rlimit_as_valloc)
{
	expect_exhaustion("valloc", "144", "0", "0");
}

Test(limits, rlimit_as_pvalloc)
{
	expect_exhaustion("pvalloc", "144", "0", "0");
}

/**
 * struct thread_fail_run - one run of glibc's tst-malloc-thread-fail.
 * @func: the allocation function.
 * @size: the request size.
 * @align: the alignment ("0" for the unaligned functions).
 *
 * Arrays, not pointers: Criterion copies the parameter into the test's
 * process, a new execution of the suite where the strings may lie at
 * other addresses.
 */
struct thread_fail_run {
	char func[16];
	char size[8];
	char align[4];
};

/*
 * glibc's tst-malloc-thread-fail: M_ARENA_MAX 2 (every arena fits under
 * the limit), sizes 144 and one page for the unaligned functions, 512,
 * one page and 17 pages at alignment 128 for the aligned ones.  One
 * test per run (19), so that the runs go in parallel and each has the
 * time limit of one.
 */
ParameterizedTestParameters(limits, glibc_tst_malloc_thread_fail)
{
	static struct thread_fail_run runs[] = {
		{ "malloc", "144", "0" },
		{ "realloc", "144", "0" },
		{ "valloc", "144", "0" },
		{ "pvalloc", "144", "0" },
		{ "calloc", "144", "0" },
		{ "malloc", "4096", "0" },
		{ "realloc", "4096", "0" },
		{ "valloc", "4096", "0" },
		{ "pvalloc", "4096", "0" },
		{ "calloc", "4096", "0" },
		{ "aligned_alloc", "512", "128" },
		{ "memalign", "512", "128" },
		{ "posix_memalign", "512", "128" },
		{ "aligned_alloc", "4096", "128" },
		{ "memalign", "4096", "128" },
		{ "posix_memalign", "4096", "128" },
		{ "aligned_alloc", "69632", "128" },
		{ "memalign", "69632", "128" },
		{ "posix_memalign", "69632", "128" },
	};

	return cr_make_param_array(struct thread_fail_run, runs,
				   sizeof(runs) / sizeof(runs[0]));
}

ParameterizedTest(struct thread_fail_run *run, limits,
		  glibc_tst_malloc_thread_fail)
{
	expect_exhaustion(run->func, run->size, run->align, "2");
}

/* ---- impossible sizes ----------------------------------------------- */

/* A small malloc/free, then errno cleared: tst-malloc-too-large's setup. */
static void setup_call(void)
{
	void *volatile p = ptm_malloc(16);

	cr_assert(ne(ptr, (void *)p, NULL));
	ptm_free(p);
	errno = 0;
}

#define expect_enomem(call)                                            \
	do {                                                           \
		setup_call();                                          \
		cr_expect(eq(ptr, (void *)(call), NULL), "%s", #call); \
		cr_expect(eq(int, errno, ENOMEM), "%s", #call);        \
	} while (0)

/* Every non-aligned entry point refuses @size with NULL and ENOMEM. */
static void expect_too_large(size_t size)
{
	char *p = ptm_malloc(16);

	memcpy(p, "0123456789abcde", 16);
	expect_enomem(ptm_malloc(size));
	expect_enomem(ptm_realloc(p, size));
	cr_expect(eq(int, memcmp(p, "0123456789abcde", 16), 0));
	for (size_t n = 1; n <= 8 && size % n == 0; n *= 2) {
		expect_enomem(ptm_calloc(n, size / n));
		expect_enomem(ptm_calloc(size / n, n));
		expect_enomem(ptm_reallocarray(p, n, size / n));
		expect_enomem(ptm_reallocarray(p, size / n, n));
	}
	cr_expect(eq(int, memcmp(p, "0123456789abcde", 16), 0));
	ptm_free(p);
}

/*
 * The same for the aligned ones at every power-of-two alignment (an
 * alignment that is not a multiple of sizeof(void *) is posix_memalign's
 * EINVAL, and aligned_alloc is asked only when size is a multiple).
 */
static void expect_too_large_aligned(size_t size)
{
	for (size_t align = 1; align != 0; align <<= 1) {
		void *q = NULL;

		expect_enomem(ptm_memalign(align, size));
		if (align % sizeof(void *) == 0) {
			setup_call();
			cr_expect(eq(int, ptm_posix_memalign(&q, align, size),
				     ENOMEM));
			cr_expect(eq(ptr, q, NULL));
		}
		if (size % align == 0)
			expect_enomem(ptm_aligned_alloc(align, size));
	}
	expect_enomem(ptm_valloc(size));
	expect_enomem(ptm_pvalloc(size));
}

/*
 * glibc's tst-malloc-too-large: with the address space limited to 2^50
 * bytes, sizes near SIZE_MAX, just above PTRDIFF_MAX, and every
 * (k << 50) and (k << 50) | (2^50 - 1) for k = 2^14 - 1 down to 1 fail
 * with ENOMEM everywhere; (1 << 50) itself is checked once more last.
 */
Test(limits, glibc_tst_malloc_too_large)
{
	const size_t fifty = ((size_t)1 << 50) - 1;
	struct rlimit rl = { fifty, fifty };

	fresh_sim_heap();
	cr_assert(eq(int, setrlimit(RLIMIT_AS, &rl), 0));
	for (size_t i = 0; i < (1 << 14); i++) {
		expect_too_large(SIZE_MAX - i);
		expect_too_large_aligned(SIZE_MAX - i);
		expect_too_large((size_t)PTRDIFF_MAX + 1 + i);
		expect_too_large_aligned((size_t)PTRDIFF_MAX + 1 + i);
	}
	for (size_t msbs = (1 << 14) - 1; msbs >= 1; msbs--) {
		expect_too_large((msbs << 50) | fifty);
		expect_too_large_aligned((msbs << 50) | fifty);
		expect_too_large(msbs << 50);
		expect_too_large_aligned(msbs << 50);
	}
	expect_too_large((size_t)1 << 50);
	expect_too_large_aligned((size_t)1 << 50);
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
	cr_expect(ne(ptr, ptm_malloc(100), NULL));
}

/* Overflowing products and absurd alignments, argument by argument. */
Test(limits, overflow_and_alignment_arguments)
{
	void *q = (void *)&q;
	char *p;

	fresh_sim_heap();
	p = ptm_malloc(16);
	expect_enomem(ptm_calloc(SIZE_MAX / 2 + 1, 2));
	expect_enomem(ptm_calloc(2, SIZE_MAX / 2 + 1));
	expect_enomem(ptm_calloc((size_t)PTRDIFF_MAX / 2 + 1, 2));
	expect_enomem(ptm_calloc(SIZE_MAX, SIZE_MAX));
	expect_enomem(ptm_reallocarray(p, SIZE_MAX / 2 + 1, 2));
	expect_enomem(ptm_reallocarray(NULL, 1 << 16, (size_t)1 << 48));
	/* Alignments that cannot be powers of two: EINVAL. */
	setup_call();
	cr_expect(eq(ptr, ptm_memalign(SIZE_MAX / 2 + 2, 16), NULL));
	cr_expect(eq(int, errno, EINVAL));
	setup_call();
	cr_expect(eq(ptr, ptm_memalign(SIZE_MAX, 16), NULL));
	cr_expect(eq(int, errno, EINVAL));
	setup_call();
	cr_expect(eq(ptr, ptm_aligned_alloc(SIZE_MAX, 1), NULL));
	cr_expect(eq(int, errno, EINVAL));
	/* The largest power of two is a valid alignment: ENOMEM. */
	expect_enomem(ptm_memalign(SIZE_MAX / 2 + 1, 16));
	expect_enomem(ptm_memalign((size_t)1 << 62, 1));
	cr_expect(
		eq(int, ptm_posix_memalign(&q, SIZE_MAX / 2 + 1, 16), ENOMEM));
	/* posix_memalign: EINVAL for 0, non-powers, non-multiples of 8. */
	cr_expect(eq(int, ptm_posix_memalign(&q, 0, 16), EINVAL));
	cr_expect(eq(int, ptm_posix_memalign(&q, 4, 16), EINVAL));
	cr_expect(eq(int, ptm_posix_memalign(&q, 24, 16), EINVAL));
	cr_expect(eq(int, ptm_posix_memalign(&q, SIZE_MAX, 16), EINVAL));
	cr_expect(eq(ptr, q, (void *)&q), "*memptr untouched on failure");
	/* pvalloc's rounding overflows. */
	expect_enomem(ptm_pvalloc(SIZE_MAX - 4094));
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
	ptm_free(p);
}

/*
 * free() leaves errno alone, whatever it frees (glibc 2.33 and later):
 * a fast chunk, a large one, one (not fast) whose merge with both and
 * with top lowers the break
 * from +0x51000 to +0x21000 (top 331776 - 131072 - 33, in pages), and
 * a mapped one.
 */
Test(limits, free_preserves_errno)
{
	char *small, *big, *mapped, *guard;

	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MMAP_THRESHOLD, 512 * 1024), 1));
	small = ptm_malloc(24);
	big = ptm_malloc(200000);
	guard = ptm_malloc(200);
	mapped = ptm_malloc(1 << 20);
	cr_assert(eq(sz, brk_delta(), 0x51000));
	errno = ERANGE;
	ptm_free(NULL);
	cr_expect(eq(int, errno, ERANGE), "free(NULL)");
	ptm_free(small);
	cr_expect(eq(int, errno, ERANGE), "fast chunk");
	ptm_free(big);
	cr_expect(eq(int, errno, ERANGE), "large chunk");
	ptm_free(guard);
	cr_expect(eq(int, errno, ERANGE), "chunk next to top (trims)");
	cr_expect(eq(sz, brk_delta(), 0x21000), "that free lowered the break");
	ptm_free(mapped);
	cr_expect(eq(int, errno, ERANGE), "mmapped chunk");
}

/* The block the main thread gives the thread of free_creates_cache(). */
static void *first_free_block;

/*
 * Run @fn in a death child that must exit 0 silently, having sent
 * @nnotes notes.
 */
static void run_quiet_child(void (*fn)(int), int nnotes, struct death *d)
{
	death_run(fn, 0, d);
	expect_exit0(d);
	cr_assert(eq(str, d->err, ""));
	cr_assert(eq(int, d->nnotes, nnotes), "child status %#x", d->status);
}

/*
 * In a death child: cap the address space 16 MiB above what the process
 * maps now, far below the 64 MiB a new sub-heap takes.
 */
static void cap_address_space(void)
{
	struct rlimit rl;
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL || fscanf(f, "%lu", &pages) != 1)
		death_exit(95);
	fclose(f);
	if (getrlimit(RLIMIT_AS, &rl) != 0)
		death_exit(96);
	rl.rlim_cur = pages * (unsigned long)sysconf(_SC_PAGESIZE) + MIB(16);
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		death_exit(97);
}

/*
 * The thread of free_creates_cache(): cap the address space 16 MiB above
 * what the process maps now, far below the 64 MiB a new arena's heap
 * takes, then free the main thread's block as this thread's first heap
 * operation.  Notes errno after the free, and the mapped chunks after
 * a malloc(200) (which has no arena to come from).
 */
static void *free_first_under_rlimit(void *arg)
{
	cap_address_space();
	errno = ERANGE;
	ptm_free(first_free_block);
	death_note((uintptr_t)errno);
	if (ptm_malloc(200) == NULL)
		death_exit(98);
	death_note(ptm_mallinfo2().hblks);
	return arg;
}

/*
 * The child of free_preserves_errno_creating_the_cache: the cache on
 * (GLIBC_TUNABLES read when the allocator initialises, so set first),
 * one block from the main thread, then a thread whose first heap
 * operation is the free of that block.
 */
static void free_creates_cache(int unused)
{
	pthread_t t;

	(void)unused;
	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1);
	death_setup(-1);
	death_note(ptm_debug_tunable("tcache_count"));
	first_free_block = ptm_malloc(32);
	if (first_free_block == NULL)
		death_exit(92);
	if (pthread_create(&t, NULL, free_first_under_rlimit, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		death_exit(93);
}

/*
 * free() keeps errno when it is a thread's first heap operation with the
 * per-thread cache on: creating the cache looks for an arena, and the
 * new arena's heap cannot be mapped under RLIMIT_AS (ENOMEM).  The
 * thread is then left without an arena, so its malloc(200) is served by
 * a mapping of its own (glibc's sysmalloc without an arena): one mapped
 * chunk, which shows that the arena was indeed refused.  In a child:
 * the address-space limit and the tunable must not reach the test
 * process.
 */
Test(limits, free_preserves_errno_creating_the_cache)
{
	struct death d;

	run_quiet_child(free_creates_cache, 3, &d);
	cr_expect(eq(u64, d.notes[0], 7), "the cache is on");
	cr_expect(eq(u64, d.notes[1], ERANGE), "errno after the free");
	cr_expect(eq(u64, d.notes[2], 1), "mapped chunks: the arena was "
					  "refused");
}

/*
 * glibc's tst-trim1: 10000 blocks of random sizes below 16 KiB, a
 * 256-byte block, 12 of every 13 blocks freed, malloc_trim(0), a
 * 30000-byte block, malloc_trim(0) again.  Here the random sizes are a
 * fixed sequence, and the surviving blocks must keep their bytes.
 */
Test(limits, glibc_tst_trim1)
{
	static unsigned char *arr[10000];
	static size_t sizes[10000];
	uint32_t seed = 12345;
	unsigned char *p, *q;

	fresh_sim_heap();
	for (int i = 0; i < 10000; i++) {
		seed = seed * 1103515245 + 12345;
		sizes[i] = (seed >> 8) % 16384;
		arr[i] = ptm_malloc(sizes[i]);
		cr_assert(ne(ptr, arr[i], NULL));
		memset(arr[i], (int)(sizes[i] & 0xff), sizes[i]);
	}
	p = ptm_malloc(256);
	memset(p, 1, 256);
	for (int i = 0; i < 10000; i++)
		if (i % 13 != 0)
			ptm_free(arr[i]);
	cr_expect(eq(int, ptm_malloc_trim(0), 1));
	q = ptm_malloc(30000);
	cr_assert(ne(ptr, q, NULL));
	memset(q, 2, 30000);
	ptm_malloc_trim(0);
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
	for (int i = 0; i < 10000; i += 13)
		for (size_t j = 0; j < sizes[i]; j++)
			if (arr[i][j] != (sizes[i] & 0xff))
				cr_fatal("block %d byte %zu changed", i, j);
	for (int i = 0; i < 256; i++)
		cr_expect(eq(int, p[i], 1));
	for (int i = 0; i < 30000; i++)
		if (q[i] != 2)
			cr_fatal("the 30000-byte block changed at %d", i);
}

/* ---- a thread's cache in a mapping of its own ------------------------ */

/* The three threads of mapped_cache_child(), each released in turn. */
static sem_t go_fill, filled, go_main, go_mapped, go_end;

/* Whether the chunk of block @p is a mapping of its own. */
static bool is_mapped(const void *p)
{
	return (((const size_t *)p)[-1] & 2) != 0;
}

/*
 * Thread 1: create arena 1, cap the address space (no further sub-heap
 * fits), and fill the arena's
 * sub-heap until a 100000-byte block and then a 600-byte one come back
 * as mappings: its top is then too small for a 656-byte cache.  It
 * stays attached to arena 1 (off the free list) until released.
 */
static void *fill_arena(void *arg)
{
	sem_wait(&go_fill);
	if (ptm_malloc(32) == NULL)
		death_exit(94);
	cap_address_space();
	for (size_t n = 100000; n >= 600; n = n == 100000 ? 600 : 0) {
		void *p;

		do
			p = ptm_malloc(n);
		while (p != NULL && !is_mapped(p));
		if (p == NULL)
			death_exit(98);
	}
	sem_post(&filled);
	sem_wait(&go_end);
	return arg;
}

/* Thread 2: its first call takes the main arena (round robin). */
static void *use_main_arena(void *arg)
{
	sem_wait(&go_main);
	ptm_free(ptm_malloc(32));
	sem_post(&filled);
	return arg;
}

/*
 * Thread 3: its first call takes arena 1, whose full sub-heap cannot
 * hold the cache: the cache is a mapping of its own (glibc's sysmalloc
 * maps the request when no sub-heap can be had); the block still fits
 * in the top.  Notes the mapped chunks then; its exit flushes the cache.
 */
static void *cache_in_a_mapping(void *arg)
{
	void *p;

	sem_wait(&go_mapped);
	p = ptm_malloc(32);
	if (p == NULL || is_mapped(p))
		death_exit(99);
	death_note(ptm_mallinfo2().hblks);
	ptm_free(p);
	return arg;
}

/*
 * The child of thread_exit_unmaps_a_mapped_cache: the cache on, at most
 * two arenas (as tst-malloc-thread-fail), the threads started before
 * the limit and released one after the other.  Notes the mapped chunks
 * before thread 3, inside it, and after its exit.
 */
static void mapped_cache_child(int unused)
{
	pthread_t t[3];

	(void)unused;
	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1);
	death_setup(-1);
	if (ptm_mallopt(M_ARENA_MAX, 2) != 1 || ptm_malloc(32) == NULL)
		death_exit(92);
	sem_init(&go_fill, 0, 0);
	sem_init(&filled, 0, 0);
	sem_init(&go_main, 0, 0);
	sem_init(&go_mapped, 0, 0);
	sem_init(&go_end, 0, 0);
	if (pthread_create(&t[0], NULL, fill_arena, NULL) != 0 ||
	    pthread_create(&t[1], NULL, use_main_arena, NULL) != 0 ||
	    pthread_create(&t[2], NULL, cache_in_a_mapping, NULL) != 0)
		death_exit(93);
	sem_post(&go_fill);
	sem_wait(&filled);
	sem_post(&go_main);
	sem_wait(&filled);
	death_note(ptm_mallinfo2().hblks);
	sem_post(&go_mapped);
	if (pthread_join(t[2], NULL) != 0)
		death_exit(93);
	death_note(ptm_mallinfo2().hblks);
	death_note((uintptr_t)ptm_debug_check_heap());
	sem_post(&go_end);
	if (pthread_join(t[0], NULL) != 0 || pthread_join(t[1], NULL) != 0)
		death_exit(93);
}

/*
 * When no sub-heap can be mapped, a thread's cache can be a chunk
 * mapped on its own.  The thread-exit flush must give it back as free()
 * would (glibc's tcache_thread_shutdown calls __libc_free), unmapping
 * it, not hand it to an arena: that aborted with "double free or
 * corruption (out)" (glibc's tst-malloc-thread-fail under the cache).
 * One mapping more inside thread 3 (the cache), none left after its
 * exit.
 */
Test(limits, thread_exit_unmaps_a_mapped_cache)
{
	struct death d;

	run_quiet_child(mapped_cache_child, 4, &d);
	cr_expect(eq(u64, d.notes[1], d.notes[0] + 1),
		  "the cache is a mapping");
	cr_expect(eq(u64, d.notes[2], d.notes[0]),
		  "thread 3's exit unmapped its cache");
	cr_expect(eq(u64, d.notes[3], 0));
}
