// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The whole-heap consistency walker (malloc/consistency.c), suite
 * "consistency".
 *
 * First the walker must stay silent: after every step of mixed
 * workloads (malloc, free, realloc, calloc, memalign, mallopt, trim), on
 * a non-contiguous main arena and across a foreign sbrk,
 * ptm_debug_check_heap() returns 0.
 *
 * Then, in the style of Linux's slub_kunit, each test corrupts one
 * thing on purpose and asserts the EXACT number of violations, and that
 * the report names the broken invariant.  The comment on each test says
 * why that corruption yields exactly that number.  Reports go to a
 * temporary file in place of fd 2, so the suite's output stays clean.
 *
 * Layout facts used throughout (x86_64, fresh simulated break): the
 * first chunk starts at the heap start, malloc(24) is a 32-byte chunk,
 * malloc(200) a 208-byte one, and chunks follow each other in request
 * order.  A free chunk keeps fd, bk, fd_nextsize, bk_nextsize in user
 * words 0..3; the next chunk's prev_size is the last word of the user
 * area (word 2 of a 32-byte chunk).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "ptmalloc.h"

/* Set word @i of the user area of @p. */
static void set_word(void *p, int i, uintptr_t v)
{
	((uintptr_t *)p)[i] = v;
}

/* Set the raw size word (flags included) of the chunk behind @p. */
static void set_size_word(void *p, size_t v)
{
	((size_t *)p)[-1] = v;
}

/* Set the prev_size word of the chunk behind @p. */
static void set_prev_size_word(void *p, size_t v)
{
	((size_t *)p)[-2] = v;
}

/*
 * Run ptm_debug_check_heap() with fd 2 sent to a temporary file; return
 * the count and leave the report text in @out.
 */
static int check_captured(char *out, size_t cap)
{
	FILE *tmp = tmpfile();
	int saved, n;
	size_t len;

	cr_assert(ne(ptr, tmp, NULL));
	fflush(stderr);
	saved = dup(2);
	cr_assert(ge(int, saved, 0));
	cr_assert(ge(int, dup2(fileno(tmp), 2), 0));
	n = ptm_debug_check_heap();
	cr_assert(ge(int, dup2(saved, 2), 0));
	close(saved);
	rewind(tmp);
	len = fread(out, 1, cap - 1, tmp);
	out[len] = '\0';
	fclose(tmp);
	return n;
}

/*
 * Assert that the check finds exactly @n violations, written as @n
 * lines, and that the report contains each of the NULL-terminated
 * fragments.
 */
static void expect_violations(int n, ...)
{
	char report[8192];
	int got = check_captured(report, sizeof(report));
	int lines = 0;
	const char *frag;
	va_list ap;

	for (const char *s = report; *s; s++)
		lines += *s == '\n';
	cr_assert(eq(int, got, n), "violations; the report was:\n%s", report);
	cr_assert(eq(int, lines, n), "one line per violation:\n%s", report);
	va_start(ap, n);
	while ((frag = va_arg(ap, const char *)) != NULL)
		cr_assert(ne(ptr, strstr(report, frag), NULL),
			  "\"%s\" missing from the report:\n%s", frag, report);
	va_end(ap);
}

/* Assert a clean heap, naming @what in the failure message. */
static void expect_clean(const char *what)
{
	cr_assert(eq(int, ptm_debug_check_heap(), 0),
		  "heap check after %s (the report is on stderr)", what);
}

/* A small linear congruential generator: the workloads are repeatable. */
static uint32_t next_rand(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/*
 * A request size: half of them fast-bin or small sizes, then small-bin,
 * large-bin and (one in twenty) sizes near or above the mmap threshold.
 */
static size_t pick_size(uint32_t r)
{
	uint32_t kind = r % 100, v = r / 100;

	if (kind < 50)
		return v % 129;
	if (kind < 80)
		return 129 + v % 2000;
	if (kind < 95)
		return 2200 + v % 60000;
	return 100000 + v % 200000;
}

/*
 * Run @steps random operations over 64 slots, checking the whole heap
 * after each; with @tune, also mallopt (M_MXFAST up and down, trim
 * threshold, top pad) and malloc_trim.  Frees everything at the end.
 */
static void run_workload(uint32_t seed, int steps, bool tune)
{
	void *slot[64] = { NULL };
	char what[96];

	for (int step = 0; step < steps; step++) {
		uint32_t r = next_rand(&seed);
		uint32_t s = r % 64, op = (r / 64) % (tune ? 10 : 8);
		size_t size = pick_size(next_rand(&seed));

		switch (op) {
		case 0:
		case 1:
		case 2:
			ptm_free(slot[s]);
			slot[s] = ptm_malloc(size);
			break;
		case 3:
		case 4:
			ptm_free(slot[s]);
			slot[s] = NULL;
			break;
		case 5:
			slot[s] = ptm_realloc(slot[s], size);
			break;
		case 6:
			ptm_free(slot[s]);
			slot[s] = ptm_calloc(1 + size / 16, 16);
			break;
		case 7:
			ptm_free(slot[s]);
			slot[s] = ptm_memalign(32UL << (r % 6), size);
			break;
		case 8:
			ptm_mallopt(M_MXFAST, (int)(r % 5) * 40);
			if (r % 3 == 0)
				ptm_mallopt(M_TRIM_THRESHOLD, (int)(r % 65536));
			if (r % 3 == 1)
				ptm_mallopt(M_TOP_PAD, (int)(r % 8192));
			break;
		default:
			ptm_malloc_trim(r % 8192);
			break;
		}
		snprintf(what, sizeof(what),
			 "step %d (op %u, slot %u, size %zu)", step, op, s,
			 size);
		expect_clean(what);
	}
	for (int s = 0; s < 64; s++)
		ptm_free(slot[s]);
	expect_clean("freeing everything");
	ptm_malloc_trim(0);
	expect_clean("malloc_trim(0)");
}

Test(consistency, fresh_heap_is_consistent)
{
	void *p;

	fresh_sim_heap();
	expect_clean("nothing (not even initialised)");
	p = ptm_malloc(24);
	expect_clean("the first malloc");
	ptm_free(p);
	expect_clean("freeing it");
}

Test(consistency, clean_after_every_step_of_a_mixed_workload)
{
	fresh_sim_heap();
	run_workload(12345, 3000, false);
}

Test(consistency, clean_with_mallopt_and_trim)
{
	fresh_sim_heap();
	run_workload(777, 3000, true);
}

/* An mmapped chunk lives outside the arena; the mmap counters agree. */
Test(consistency, clean_with_mmapped_chunks)
{
	void *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(MIB(1));
	b = ptm_malloc(24);
	expect_clean("one mmapped chunk");
	a = ptm_realloc(a, MIB(2));
	expect_clean("mremap of the mmapped chunk");
	ptm_free(a);
	ptm_free(b);
	expect_clean("freeing both");
}

/*
 * A 512 KiB simulated break runs out, and the main arena continues in
 * mapped memory, no longer contiguous: the walker checks top and the
 * lists only.  A 100 KiB block outside [heap start, heap start +
 * 512 KiB) proves the fallback happened.
 */
Test(consistency, clean_on_a_noncontiguous_main_arena)
{
	char *start, *p = NULL;
	bool outside = false;

	cr_assert(eq(int, ptm_debug_simulate_brk(KIB(512)), 0));
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	start = heap_start();
	for (int i = 0; i < 12; i++) {
		p = ptm_malloc(KIB(100));
		cr_assert(ne(ptr, p, NULL));
		outside |= p < start || p >= start + KIB(512);
		expect_clean("a 100 KiB block");
	}
	cr_assert(outside, "no block came from the mmap fallback");
	run_workload(4242, 1000, false);
}

/*
 * On the real break, a foreign sbrk between two growths: sysmalloc
 * counts the gap as arena memory, frees the old top and leaves two
 * fenceposts after it.  The walk stops at the fenceposts without a
 * report, and the rest is checked through the bins.
 */
Test(consistency, clean_after_a_foreign_sbrk)
{
	char *a, *c, *gap;

	a = ptm_malloc(24);
	cr_assert(ne(ptr, a, NULL));
	gap = sbrk(4096);
	cr_assert(ne(ptr, gap, (void *)-1));
	cr_assert(ne(ptr, ptm_malloc(100000), NULL));
	c = ptm_malloc(100000);
	cr_assert(ne(ptr, c, NULL));
	cr_assert(ge(ptr, c, gap + 4096), "the growth went past the gap");
	expect_clean("growth across a foreign sbrk");
	run_workload(99, 500, false);
}

/*
 * One thread of the threaded test: @arg points at its seed; 2000 random
 * operations over its own 32 slots, freeing about one block in eight
 * from a slot shared with the other threads (so that chunks go back to
 * another thread's arena), a heap check every 50 operations.  Returns
 * the number of violations seen (as a pointer-sized integer): Criterion
 * asserts belong to the main thread.
 */
static void *threaded_workload(void *arg)
{
	static void *_Atomic shared[16];
	uint32_t seed = *(uint32_t *)arg;
	void *slot[32] = { NULL };
	uintptr_t violations = 0;

	for (int step = 0; step < 2000; step++) {
		uint32_t r = next_rand(&seed);
		uint32_t s = r % 32, op = (r / 32) % 4;
		size_t size = pick_size(next_rand(&seed));
		void *old;

		if (op == 0) {
			ptm_free(slot[s]);
			slot[s] = NULL;
		} else if (op == 1) {
			slot[s] = ptm_realloc(slot[s], size);
		} else if (op == 2 && r % 8 == 0) {
			old = atomic_exchange(&shared[s % 16], slot[s]);
			slot[s] = NULL;
			ptm_free(old);
		} else {
			ptm_free(slot[s]);
			slot[s] = ptm_malloc(size);
		}
		if (step % 50 == 0)
			violations += (uintptr_t)ptm_debug_check_heap();
	}
	for (int s = 0; s < 32; s++)
		ptm_free(slot[s]);
	return (void *)violations;
}

/*
 * Four threads (so several arenas, each walked under its own lock while
 * the others work) check the heap as they go; afterwards the whole heap
 * is checked once more.
 */
Test(consistency, clean_with_threads_and_arenas)
{
	pthread_t t[4];
	uint32_t seeds[4] = { 1, 2, 3, 4 };
	void *violations;

	fresh_sim_heap();
	/*
	 * Initialise (and check) before the threads start: this test is
	 * about walking arenas that others are using, not about racing
	 * first calls.
	 */
	expect_clean("nothing yet");
	for (int i = 0; i < 4; i++)
		cr_assert(eq(int,
			     pthread_create(&t[i], NULL, threaded_workload,
					    &seeds[i]),
			     0));
	for (int i = 0; i < 4; i++) {
		cr_assert(eq(int, pthread_join(t[i], &violations), 0));
		cr_assert(eq(uptr, (uintptr_t)violations, 0),
			  "thread %d saw violations (the report is on stderr)",
			  i);
	}
	expect_clean("four threads");
}

/*
 * A free that lands in a fast bin after another thread lowered max_fast
 * below its size (found by make fuzz, harness threads).  free() reads
 * max_fast, then the next chunk's size word, then pushes without the
 * arena lock; a mallopt(M_MXFAST) between the read and the push empties
 * the bins and lowers the limit first, so that the push leaves a chunk
 * larger than max_fast in the main arena's bin, as in glibc.  The chunk
 * is harmless: no malloc takes it from there, and the next consolidation
 * merges it.  The window is made deterministic: the next chunk's page
 * is inaccessible, so the freeing thread stops in its SIGSEGV handler
 * exactly there until the main thread has lowered max_fast.
 */
static sem_t window_open, window_close;
static char *window_page;

/* The freeing thread's fault on the next chunk: wait for mallopt. */
static void window_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	if ((char *)si->si_addr < window_page ||
	    (char *)si->si_addr >= window_page + 4096)
		abort();
	sem_post(&window_open);
	while (sem_wait(&window_close) != 0)
		;
}

/* The freeing thread. */
static void *free_in_window(void *p)
{
	ptm_free(p);
	return NULL;
}

Test(consistency, fast_chunk_pushed_past_a_lowered_max_fast)
{
	struct sigaction sa = { .sa_sigaction = window_fault,
				.sa_flags = SA_SIGINFO };
	struct sigaction old;
	char *filler, *p, *guard;
	pthread_t t;

	fresh_sim_heap();
	/* 4080 + 48: p's header ends page 0, its next chunk is on page 1. */
	filler = ptm_malloc(4064);
	p = ptm_malloc(40);
	guard = ptm_malloc(40);
	cr_assert(eq(ptr, filler, heap_start() + 16));
	cr_assert(eq(ptr, p, heap_start() + 4096));
	cr_assert(eq(ptr, guard, p + 48));
	window_page = heap_start() + 4096;
	cr_assert(eq(int, sem_init(&window_open, 0, 0), 0));
	cr_assert(eq(int, sem_init(&window_close, 0, 0), 0));
	cr_assert(eq(int, sigaction(SIGSEGV, &sa, &old), 0));
	cr_assert(eq(int, mprotect(window_page, 4096, PROT_NONE), 0));

	cr_assert(eq(int, pthread_create(&t, NULL, free_in_window, p), 0));
	cr_assert(eq(int, sem_wait(&window_open), 0));
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 0), 1));
	cr_assert(eq(int, mprotect(window_page, 4096, PROT_READ | PROT_WRITE),
		     0));
	cr_assert(eq(int, sem_post(&window_close), 0));
	cr_assert(eq(int, pthread_join(t, NULL), 0));
	cr_assert(eq(int, sigaction(SIGSEGV, &old, NULL), 0));

	/* In the 48-byte bin, above max_fast (16): not an inconsistency. */
	cr_expect(eq(int, ptm_mallinfo().fsmblks, 48));
	expect_clean("a push past a lowered max_fast");
	/* No malloc takes it: a 40-byte request is now served by top. */
	cr_expect(eq(ptr, ptm_malloc(40), guard + 48));
	/* malloc_trim consolidates: it becomes a free 48-byte chunk. */
	ptm_malloc_trim(0);
	cr_expect(eq(int, ptm_mallinfo().fsmblks, 0));
	cr_expect(eq(int, ptm_mallinfo().ordblks, 2));
	expect_clean("the consolidation");
}

/*
 * Large bins: one 1104-byte chunk and two of 1088 (bin 65 holds
 * [1088, 1152)), each kept apart by a guard, freed, then sorted into the
 * bin by a 4000-byte request that top serves.  The bin reads, in fd
 * order, x1 (1104, head of its run), x2 and x3 (1088; the first of them
 * heads the second run).  Returns x1; x2 into *@second unless it is NULL.
 */
static char *build_large_bin(char **second)
{
	char *x1, *x2, *x3;

	x1 = ptm_malloc(1088);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	x2 = ptm_malloc(1072);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	x3 = ptm_malloc(1072);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	cr_assert(eq(sz, chunk_bytes(x1), 1104));
	cr_assert(eq(sz, chunk_bytes(x2), 1088));
	ptm_free(x1);
	ptm_free(x2);
	ptm_free(x3);
	cr_assert(ne(ptr, ptm_malloc(4000), NULL));
	if (second != NULL)
		*second = x2;
	return x1;
}

Test(consistency, large_bin_skip_list_is_consistent)
{
	fresh_sim_heap();
	build_large_bin(NULL);
	expect_clean("sorting three chunks into a large bin");
}

/*
 * Overwrite a free chunk's foot (the next chunk's prev_size).  The walk
 * reports the mismatch at the free chunk: 1.  Nothing else reads the
 * foot: the lists, sizes and census are intact.
 */
Test(consistency, corrupt_free_chunk_foot)
{
	char *a, *g;

	fresh_sim_heap();
	a = ptm_malloc(200);
	g = ptm_malloc(24);
	ptm_free(a); /* 208 bytes: into the unsorted bin */
	expect_clean("the setup");
	cr_assert(eq(sz, prev_size_word(g), 208));
	set_prev_size_word(g, 0x1230);
	expect_violations(1, "foot", NULL);
}

/*
 * Break a back link: the unsorted bin holds b then a (newest first);
 * a's bk, which must point at b, points at a itself.  The list walk
 * reports it once at a and stops there; since that list was not followed
 * to its end, the census (which would now miss a) is skipped: 1.
 */
Test(consistency, corrupt_bin_back_link)
{
	char *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(200);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	b = ptm_malloc(200);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(a);
	ptm_free(b);
	expect_clean("the setup");
	cr_assert(eq(uptr, mem_word(a, 1), chunk_addr(b)));
	set_word(a, 1, chunk_addr(a));
	expect_violations(1, "fd->bk != self", NULL);
}

/*
 * Grow a freed fast chunk's size word from 32 to 64: it now covers its
 * in-use neighbour b exactly, so the walk still lands on real chunks
 * and sees one in-use 64-byte chunk.  Only fast bin 0 notices that it
 * holds a chunk of fast bin 2's size: 1.
 */
Test(consistency, corrupt_fast_chunk_size)
{
	char *a;

	fresh_sim_heap();
	a = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(a);
	expect_clean("the setup");
	cr_assert(eq(sz, size_word(a), 0x21));
	set_size_word(a, 0x41);
	expect_violations(1, "belongs in fast bin 2", NULL);
}

/*
 * Clear PREV_INUSE of an in-use chunk's successor: a (in use, its bytes
 * zero) now reads as free.  Its foot (b's prev_size, a's last user word)
 * is 0, not 32: 1.  The walk counts a free chunk that no bin holds, so
 * the census differs: 2.
 */
Test(consistency, clear_prev_inuse_of_in_use_chunk)
{
	char *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(24);
	b = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	memset(a, 0, 24);
	expect_clean("the setup");
	set_size_word(b, size_word(b) & ~(size_t)1);
	expect_violations(2, "foot", "free chunks", NULL);
}

/*
 * The same with a forged foot (a's last word set to 32): the chunk now
 * looks like a perfect free chunk, and only the census, which counts
 * one free chunk more in the heap than in the bins, notices: 1.
 */
Test(consistency, clear_prev_inuse_with_forged_foot)
{
	static const char census[] =
		"the heap has 1 free chunks (32 bytes) but the bins hold 0 (0 bytes)";
	char *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(24);
	b = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	set_word(a, 2, 32);
	set_size_word(b, size_word(b) & ~(size_t)1);
	expect_violations(1, census, NULL);
}

/*
 * Forge a second free chunk next to a free one: a (208, unsorted) is
 * followed by b (in use); clear PREV_INUSE of the guard after b and give
 * b a correct foot.  The walk finds b free right after the free a (not
 * coalesced): 1; and b is in no bin: the census differs: 2.
 */
Test(consistency, forged_adjacent_free_chunks)
{
	char *a, *g;

	fresh_sim_heap();
	a = ptm_malloc(200);
	cr_assert(ne(ptr, ptm_malloc(200), NULL)); /* b */
	g = ptm_malloc(24);
	ptm_free(a);
	expect_clean("the setup");
	set_prev_size_word(g, 208);
	set_size_word(g, size_word(g) & ~(size_t)1);
	expect_violations(2, "not coalesced", "free chunks", NULL);
}

/*
 * Grow top's size by a page: top is still a valid chunk, but it now
 * ends a page past sbrk_base + system_mem: 1.  The walk stops at top's
 * address whatever its size, so nothing else changes.
 */
Test(consistency, corrupt_top_size_grown)
{
	char *a, *top;

	fresh_sim_heap();
	a = ptm_malloc(24);
	top = next_mem(a);
	cr_assert(eq(sz, size_word(top), (135168 - 32) | 1));
	set_size_word(top, size_word(top) + 4096);
	expect_violations(1, "not at sbrk_base + system_mem", NULL);
}

/*
 * Make top's size unaligned: reported as an invalid size, and the end
 * check, meaningless with such a size, is skipped: 1.
 */
Test(consistency, corrupt_top_size_unaligned)
{
	char *a, *top;

	fresh_sim_heap();
	a = ptm_malloc(24);
	top = next_mem(a);
	set_size_word(top, size_word(top) | 8);
	expect_violations(1, "top's size is not a valid chunk size", NULL);
}

/*
 * Clear top's PREV_INUSE while the chunk before it (a, bytes zero) is in
 * use: top reports it: 1; the walk now reads a as free, with a foot
 * (top's prev_size, a's last word) of 0: 2; and a is in no bin: 3.
 */
Test(consistency, clear_top_prev_inuse)
{
	char *a, *top;

	fresh_sim_heap();
	a = ptm_malloc(24);
	memset(a, 0, 24);
	top = next_mem(a);
	set_size_word(top, size_word(top) & ~(size_t)1);
	expect_violations(3, "top's PREV_INUSE is clear", "foot", "free chunks",
			  NULL);
}

/*
 * Link a fast bin into a cycle (b -> a -> b, as a double free past the
 * fasttop check would).  The cycle is reported once with its number of
 * distinct chunks, and each of the two is checked once and is fine: 1.
 */
Test(consistency, fast_bin_cycle)
{
	char *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(24);
	b = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(a);
	ptm_free(b);
	expect_clean("the setup");
	cr_assert(eq(uptr, mem_word(a, 0), 0));
	set_word(a, 0, chunk_addr(b));
	expect_violations(1, "fast bin 0 loops (2 distinct chunks)", NULL);
}

/*
 * Clear PREV_INUSE after a fast-bin chunk (its last word zero): the walk
 * reads it as free with a wrong foot: 1; counts a free chunk the bins do
 * not hold: 2; and fast bin 0 holds a chunk marked free: 3.
 */
Test(consistency, fast_chunk_marked_free)
{
	char *a, *b;

	fresh_sim_heap();
	a = ptm_malloc(24);
	b = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	ptm_free(a);
	set_word(a, 2, 0);
	expect_clean("the setup");
	set_size_word(b, size_word(b) & ~(size_t)1);
	expect_violations(3, "foot", "free chunks",
			  "fast bin chunk is marked free", NULL);
}

/*
 * Point the largest chunk's fd_nextsize at itself instead of at the
 * first 1088-byte chunk.  Reading the bin, the step to the second size
 * run finds x1's fd_nextsize wrong: 1.  That run's bk_nextsize and the
 * links closing the skip list (x2 -> x1, x1 <- x2) are intact.
 */
Test(consistency, corrupt_large_bin_nextsize)
{
	char *x1;

	fresh_sim_heap();
	x1 = build_large_bin(NULL);
	cr_assert(ne(uptr, mem_word(x1, 2), chunk_addr(x1)));
	set_word(x1, 2, chunk_addr(x1));
	expect_violations(1, "fd_nextsize does not lead to the next size",
			  NULL);
}

/*
 * Point the smallest size's head x2 forward (fd_nextsize) at itself
 * instead of back at the largest, x1.  Each step between size runs reads
 * x1's fd_nextsize and x2's bk_nextsize, both intact, so only closing
 * the skip list finds it: 1.
 */
Test(consistency, corrupt_large_bin_skip_list_end_forward)
{
	char *x1, *x2;

	fresh_sim_heap();
	x1 = build_large_bin(&x2);
	cr_assert(eq(uptr, mem_word(x2, 2), chunk_addr(x1)));
	set_word(x2, 2, chunk_addr(x2));
	expect_violations(1,
			  "fd_nextsize of the smallest size does not lead "
			  "back to the largest in large bin 65",
			  NULL);
}

/*
 * Point the largest chunk x1 back (bk_nextsize) at itself instead of at
 * the smallest size's head x2.  No step between runs reads x1's
 * bk_nextsize, so only closing the skip list finds it: 1.
 */
Test(consistency, corrupt_large_bin_skip_list_end_back)
{
	char *x1, *x2;

	fresh_sim_heap();
	x1 = build_large_bin(&x2);
	cr_assert(eq(uptr, mem_word(x1, 3), chunk_addr(x2)));
	set_word(x1, 3, chunk_addr(x1));
	expect_violations(1,
			  "bk_nextsize of the largest size does not lead to "
			  "the smallest in large bin 65",
			  NULL);
}

/*
 * Clear PREV_INUSE of the heap's first chunk (in use), whose predecessor
 * does not exist: the bit must always be set there: 1.  Nothing reads
 * the missing predecessor's foot, since the chunk itself is in use.
 */
Test(consistency, clear_prev_inuse_of_first_chunk)
{
	char *a;

	fresh_sim_heap();
	a = ptm_malloc(24);
	cr_assert(ne(ptr, ptm_malloc(24), NULL));
	cr_assert(eq(uptr, chunk_addr(a), (uintptr_t)heap_start()));
	expect_clean("the setup");
	set_size_word(a, size_word(a) & ~(size_t)1);
	expect_violations(1, "first chunk's PREV_INUSE is clear", NULL);
}
