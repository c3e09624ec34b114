// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Arenas and sub-heaps (arena/), suite "arena".
 *
 * Every test gives the main arena a simulated break (fresh_sim_heap())
 * and makes the main thread allocate first, so that the main thread is
 * bound to the main arena and its heap starts with the usual 135168
 * bytes (a 32-byte chunk in use, top 135136).  Other threads are worker
 * threads (arena_util.h) that run one job at a time, or crowds that
 * allocate at once and stay alive until the test has looked.
 *
 * The figures are derived from the algorithm (glibc 2.17's arena.c and
 * malloc.c; see docs/arenas.md), not from running the code:
 *   - a new arena for a first request of n bytes gets a sub-heap of
 *     page_round_up(n + 32 + 2200 + 16 + top_pad) bytes (at least
 *     HEAP_MIN_SIZE): 135168 for a small n;
 *   - its first chunk starts 2240 bytes into the sub-heap (header 32,
 *     arena 2200, 8 bytes of alignment);
 *   - a sub-heap grows by page_round_up(MINSIZE + nb - top) without
 *     top_pad, by mprotect of its reservation;
 *   - a new sub-heap for nb bytes gets page_round_up(nb + 64 +
 *     top_pad) bytes.
 * The host's glibc 2.36 (tcache off) shows the same calls and sizes;
 * its heap header is 16 bytes longer (a pagesize field) and its first
 * chunk is its 656-byte tcache, so its addresses inside a sub-heap are
 * shifted by those amounts.
 */
#include <fcntl.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#include "arena_util.h"
#include "harness.h"
#include "programs/exp_run.h"

/* The simulated break where the main arena's heap starts. */
static char *brk0;

/*
 * The start of every test: a fresh simulated break, optionally a
 * mallopt, and the main thread's first malloc(16), which binds it to
 * the main arena.
 */
static void main_arena_begin(int param, int value)
{
	fresh_sim_heap();
	brk0 = ptm_debug_brk();
	if (param != 0)
		cr_assert(eq(int, ptm_mallopt(param, value), 1));
	cr_assert(eq(ptr, ptm_malloc(16), brk0 + 16));
	cr_assert(eq(sz, brk_delta(), 135168));
}

/* ---- crowds: many threads allocating at once ---------------------------- */

/**
 * struct crowd - @n threads that each ptm_malloc(16) as soon as they
 * start, then wait at @ready until all have, then at @leave until the
 * test lets them exit.
 * @p: each thread's pointer.
 */
struct crowd {
	int n;
	pthread_t *tid;
	void **p;
	pthread_barrier_t ready;
	pthread_barrier_t leave;
};

/* One member of a crowd; @arg points at its slot in crowd.p. */
struct member {
	struct crowd *c;
	int i;
};

static void *crowd_member(void *arg)
{
	struct member *m = arg;

	m->c->p[m->i] = ptm_malloc(16);
	pthread_barrier_wait(&m->c->ready);
	pthread_barrier_wait(&m->c->leave);
	return NULL;
}

/* Start @n threads and return once each has made its allocation. */
static struct crowd *crowd_gather(int n)
{
	struct crowd *c = calloc(1, sizeof(*c));
	struct member *m = calloc((size_t)n, sizeof(*m));

	cr_assert(c != NULL && m != NULL);
	c->n = n;
	c->tid = calloc((size_t)n, sizeof(*c->tid));
	c->p = calloc((size_t)n, sizeof(*c->p));
	cr_assert(c->tid != NULL && c->p != NULL);
	pthread_barrier_init(&c->ready, NULL, (unsigned int)n + 1);
	pthread_barrier_init(&c->leave, NULL, (unsigned int)n + 1);
	for (int i = 0; i < n; i++) {
		m[i] = (struct member){ c, i };
		cr_assert(eq(int,
			     pthread_create(&c->tid[i], NULL, crowd_member,
					    &m[i]),
			     0));
	}
	pthread_barrier_wait(&c->ready);
	return c;
}

/* Let the crowd's threads exit and join them. */
static void crowd_disperse(struct crowd *c)
{
	pthread_barrier_wait(&c->leave);
	for (int i = 0; i < c->n; i++)
		cr_assert(eq(int, pthread_join(c->tid[i], NULL), 0));
}

/* 0 for a main-arena chunk, else the sub-heap of the non-main chunk @p. */
static uintptr_t arena_key(const void *p)
{
	return (size_word(p) & NON_MAIN) != 0 ? heap_of(p) : 0;
}

/*
 * How many arenas the crowd's pointers come from: the main arena (no
 * NON_MAIN_ARENA bit) counts once, every distinct sub-heap once.
 */
static int crowd_arenas(const struct crowd *c)
{
	int n = 0;

	for (int i = 0; i < c->n; i++) {
		bool seen = false;

		cr_assert(ne(ptr, c->p[i], NULL));
		for (int j = 0; j < i && !seen; j++)
			seen = arena_key(c->p[j]) == arena_key(c->p[i]);
		n += !seen;
	}
	return n;
}

/* The number of arenas malloc_info() and malloc_stats() report. */
static int arenas_reported(void)
{
	static struct text info, stats;
	int n;

	info_capture(&info);
	stats_capture(&stats);
	n = text_count(&info, "<heap nr=");
	cr_assert(eq(int, text_count(&stats, "Arena "), n));
	return n;
}

/* ---- the first non-main arena ------------------------------------------- */

/*
 * A second thread's first malloc(16) creates arena 1 in a new sub-heap
 * of 135168 read-write bytes (16 + 32 + 2200 + 16 + 131072, rounded up
 * to a page); its chunk is the first one, 2240 bytes in, and carries
 * NON_MAIN_ARENA; the break does not move.
 */
Test(arena, first_thread_creates_arena_1)
{
	static struct text tr;
	struct resv_model m = { 0 };
	struct cursor c;
	struct worker w;
	uintptr_t h;
	char *p;

	main_arena_begin(0, 0);
	worker_start(&w);
	trace_begin();
	p = wmalloc(&w, 16);
	trace_end(&tr);
	c.pos = tr.buf;
	h = expect_new_heap(&m, &c, 135168);
	expect_end(&c);

	cr_assert(eq(uptr, heap_of(p), h));
	cr_assert(eq(ptr, p, (char *)h + FIRST_CHUNK + 16));
	cr_assert(eq(sz, size_word(p), 32 | NON_MAIN | 1));
	cr_assert(eq(sz, size_word(p + 32), 132896 | 1), "top after it");
	cr_assert(eq(uptr, heap_word(h, 0), h + HEAP_INFO_SIZE), "ar_ptr");
	cr_assert(eq(uptr, heap_word(h, 1), 0), "prev");
	cr_assert(eq(uptr, heap_word(h, 2), 135168), "size");
	cr_assert(eq(uptr, heap_word(h, 3), 135168), "mprotect_size");
	cr_assert(eq(sz, brk_delta(), 135168), "the break did not move");

	assert_mallinfo2("main and arena 1",
			 (struct mallinfo2){ .arena = 270336,
					     .ordblks = 2,
					     .uordblks = 32 + 2272,
					     .fordblks = 135136 + 132896,
					     .keepcost = 135136 });
	assert_stats(2, (size_t[]){ 135168, 135168 }, (size_t[]){ 32, 2272 }, 0,
		     0, 0);
	assert_info(2,
		    (struct heap_xml[]){ { .nrest = 1,
					   .rest = 135136,
					   .sys = 135168,
					   .max = 135168,
					   .aspace = 135168,
					   .mprotect = 135168,
					   .subheaps = -1 },
					 { .nrest = 1,
					   .rest = 132896,
					   .sys = 135168,
					   .max = 135168,
					   .aspace = 135168,
					   .mprotect = 135168,
					   .subheaps = 1 } },
		    0, 0);
	worker_stop(&w);
}

/*
 * Arena 1 grows inside its reservation: after malloc(100000) used most
 * of top (32880 left), the next one needs MINSIZE + 100016 - 32880 =
 * 67168 more bytes, 69632 after rounding, made read-write at the end of
 * the usable part; no top_pad is added on this path.
 */
Test(arena, sub_heap_grows_read_write)
{
	static struct text tr;
	struct resv_model m = { 0 };
	struct cursor c;
	struct worker w;
	char *p0, *p1, *p2;
	uintptr_t h;

	main_arena_begin(0, 0);
	worker_start(&w);
	trace_begin();
	p0 = wmalloc(&w, 16);
	p1 = wmalloc(&w, 100000);
	p2 = wmalloc(&w, 100000);
	trace_end(&tr);
	c.pos = tr.buf;
	h = expect_new_heap(&m, &c, 135168);
	expect_line(&c, "mprotect(%#lx, 69632, " RW ") = 0",
		    (unsigned long)h + 135168);
	expect_end(&c);

	cr_assert(eq(ptr, p0, (char *)h + 2256));
	cr_assert(eq(ptr, p1, (char *)h + 2288));
	cr_assert(eq(ptr, p2, (char *)h + 102304));
	cr_assert(eq(sz, size_word(p2), 100016 | NON_MAIN | 1));
	cr_assert(eq(sz, size_word(p2 + 100016), 2496 | 1), "top");
	cr_assert(eq(uptr, heap_word(h, 2), 204800), "size");
	cr_assert(eq(uptr, heap_word(h, 3), 204800), "mprotect_size");
	cr_assert(eq(sz, brk_delta(), 135168));
	assert_mallinfo2("arena 1 grown",
			 (struct mallinfo2){ .arena = 339968,
					     .ordblks = 2,
					     .uordblks = 32 + 202304,
					     .fordblks = 135136 + 2496,
					     .keepcost = 135136 });
	worker_stop(&w);
}

/* ---- how many arenas ---------------------------------------------------- */

/*
 * M_ARENA_MAX 1: four threads allocating at once all use the main
 * arena; no sub-heap is reserved, no system call is made at all (the
 * main top has room).
 */
Test(arena, arena_max_1_keeps_every_thread_on_main)
{
	static struct text tr;
	struct crowd *c;

	main_arena_begin(M_ARENA_MAX, 1);
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_MAX), 1));
	trace_begin();
	c = crowd_gather(4);
	trace_end(&tr);
	cr_assert(eq(str, tr.buf, ""));
	for (int i = 0; i < 4; i++) {
		char *p = c->p[i];

		cr_assert(eq(sz, size_word(p), 32 | 1));
		cr_assert(p > brk0 && p < brk0 + 135168);
	}
	assert_stats(1, (size_t[]){ 135168 }, (size_t[]){ 5 * 32 }, 0, 0, 0);
	crowd_disperse(c);
}

/*
 * With a limit of @limit arenas and @threads threads allocating at
 * once (all alive, so no arena is free), exactly min(limit, threads +
 * 1) arenas exist: every thread without an arena creates one while
 * fewer than the limit exist, whatever the contention.  Each new arena
 * makes one mprotect (its first 135168 bytes).
 */
static void assert_crowd_limit(int threads, int limit)
{
	static struct text tr;
	struct crowd *c;
	int want = threads + 1 < limit ? threads + 1 : limit;

	trace_begin();
	c = crowd_gather(threads);
	trace_end(&tr);
	cr_assert(eq(int, crowd_arenas(c), want));
	cr_assert(eq(int, arenas_reported(), want));
	cr_assert(eq(int, text_count(&tr, "mprotect("), want - 1));
	cr_assert(
		eq(int, text_count(&tr, ", 135168, " RW ") = 0\n"), want - 1));
	crowd_disperse(c);
}

/*
 * M_ARENA_MAX 4 and sixteen threads: four arenas.  When the crowd has
 * exited, its three non-main arenas are on the free list, and a second
 * crowd of sixteen is served by them without a single system call.
 */
Test(arena, arena_max_holds_with_4x_threads)
{
	static struct text tr;
	struct crowd *c;

	main_arena_begin(M_ARENA_MAX, 4);
	assert_crowd_limit(16, 4);
	trace_begin();
	c = crowd_gather(16);
	trace_end(&tr);
	cr_assert(eq(str, tr.buf, ""));
	cr_assert(eq(int, crowd_arenas(c), 4));
	cr_assert(eq(int, arenas_reported(), 4));
	crowd_disperse(c);
}

/*
 * The default limit: arenas are created freely until more than
 * arena_test (8) exist, then the limit becomes 8 per online core; so
 * max(9, 8 * cores) arenas, here with 4 threads more than that.
 */
Test(arena, default_limit_is_8_per_core)
{
	int cores = get_nprocs();
	int limit = 8 * cores > 9 ? 8 * cores : 9;

	main_arena_begin(0, 0);
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_TEST), 8));
	assert_crowd_limit(limit + 4, limit);
}

/*
 * M_ARENA_TEST 20: the core-count limit is decided only once more than
 * 20 arenas exist, so max(21, 8 * cores) arenas.
 */
Test(arena, arena_test_delays_the_core_limit)
{
	int cores = get_nprocs();
	int limit = 8 * cores > 21 ? 8 * cores : 21;

	main_arena_begin(M_ARENA_TEST, 20);
	assert_crowd_limit(limit + 4, limit);
}

/* ---- reuse of arenas whose threads have exited -------------------------- */

/*
 * A and B get arenas 1 and 2 and exit, A first: the free list is then
 * B's arena, A's arena (most recently freed first).  C and D, alive
 * together, get B's and A's arenas in that order; then one thread after
 * another reuses D's arena (the last freed), each allocating after the
 * chunks of its predecessors.  No system call is made after A and B.
 */
Test(arena, exited_threads_arenas_are_reused_lifo)
{
	static struct text tr;
	struct worker a, b, c, d, e;
	char *pa, *pb, *pc, *pd;

	main_arena_begin(0, 0);
	worker_start(&a);
	worker_start(&b);
	pa = wmalloc(&a, 16);
	pb = wmalloc(&b, 16);
	cr_assert(ne(uptr, heap_of(pa), heap_of(pb)));
	worker_stop(&a);
	worker_stop(&b);

	trace_begin();
	worker_start(&c);
	worker_start(&d);
	pc = wmalloc(&c, 16);
	pd = wmalloc(&d, 16);
	cr_assert(eq(ptr, pc, pb + 32), "C took B's arena");
	cr_assert(eq(ptr, pd, pa + 32), "D took A's arena");
	worker_stop(&c);
	worker_stop(&d);
	for (int i = 0; i < 5; i++) {
		worker_start(&e);
		cr_assert(eq(ptr, wmalloc(&e, 16), pa + 64 + 32 * i));
		worker_stop(&e);
	}
	trace_end(&tr);
	cr_assert(eq(str, tr.buf, ""));
	cr_assert(eq(int, arenas_reported(), 3));
}

/* ---- sub-heaps that empty ----------------------------------------------- */

/* Virtual size of the process in pages (/proc/self/statm, first field). */
static long vsz_pages(void)
{
	char buf[128];
	long pages = -1;
	int fd = open("/proc/self/statm", O_RDONLY);
	ssize_t n;

	cr_assert(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	cr_assert(gt(sz, (size_t)n, 0));
	buf[n] = '\0';
	cr_assert(eq(int, sscanf(buf, "%ld", &pages), 1));
	return pages;
}

/* Resident pages of [@p, @p + @len) (both page aligned). */
static size_t resident_pages(uintptr_t p, size_t len)
{
	static unsigned char vec[16384];
	size_t n = len / 4096, res = 0;

	cr_assert(le(sz, n, sizeof(vec)));
	cr_assert(eq(int, mincore((void *)p, len, vec), 0));
	for (size_t i = 0; i < n; i++)
		res += vec[i] & 1;
	return res;
}

/* Write one byte in every page of [@p, @p + @len). */
static void *job_touch(void *arg)
{
	char *p = arg;

	for (size_t off = 0; off < (40u << 20); off += 4096)
		p[off] = 1;
	return NULL;
}

/**
 * struct two_heaps - arena 1 with two sub-heaps (M_MMAP_MAX 0).
 * @w: the worker owning arena 1.
 * @m: the reservation model.
 * @h1: the first sub-heap: s = malloc(16) and a = malloc(40 MiB).
 * @h2: the second: b = malloc(40 MiB).
 */
struct two_heaps {
	struct worker w;
	struct resv_model m;
	uintptr_t h1, h2;
	char *a, *b;
};

/*
 * Build arena 1 with two sub-heaps.  a (nb 41943056) grows the first by
 * 41811968 bytes to 41947136, leaving top 1808; b cannot grow it past
 * 64 MiB, so a second sub-heap of round_up(41943056 + 64 + 131072) =
 * 42078208 bytes is made and the old top is closed: 1776 bytes freed
 * (kept, being under 64 KiB) and a 32-byte fencepost pair.  Arena 1
 * then has 84025344 system bytes, of which top (135120) and the closed
 * top (1776) are free; glibc 2.36 prints the same system bytes.
 */
static void two_heaps_build(struct two_heaps *t)
{
	static struct text tr;
	struct cursor c;

	main_arena_begin(M_MMAP_MAX, 0);
	t->m.hint = 0;
	worker_start(&t->w);
	trace_begin();
	cr_assert(ne(ptr, wmalloc(&t->w, 16), NULL));
	t->a = wmalloc(&t->w, 40u << 20);
	t->b = wmalloc(&t->w, 40u << 20);
	trace_end(&tr);
	c.pos = tr.buf;
	t->h1 = expect_new_heap(&t->m, &c, 135168);
	expect_line(&c, "mprotect(%#lx, 41811968, " RW ") = 0",
		    (unsigned long)t->h1 + 135168);
	t->h2 = expect_new_heap(&t->m, &c, 42078208);
	expect_end(&c);

	cr_assert(eq(ptr, t->a, (char *)t->h1 + 2288));
	cr_assert(eq(ptr, t->b, (char *)t->h2 + HEAP_INFO_SIZE + 16));
	cr_assert(eq(sz, size_word(t->b), 41943056 | NON_MAIN | 1));
	cr_assert(eq(uptr, heap_word(t->h2, 0), t->h1 + HEAP_INFO_SIZE));
	cr_assert(eq(uptr, heap_word(t->h2, 1), t->h1), "prev");
	cr_assert(eq(uptr, heap_word(t->h2, 2), 42078208));
	cr_assert(eq(uptr, heap_word(t->h1, 2), 41947136));
	assert_stats(2, (size_t[]){ 135168, 84025344 },
		     (size_t[]){ 32, 84025344 - 135120 - 1776 }, 0, 0, 0);
}

/*
 * Freeing b empties the second sub-heap (top is its first chunk); the
 * first keeps its 1808-byte tail and has 64 MiB - 41947136 bytes of
 * reservation left, far more than top_pad + MINSIZE + a page, so the
 * second is unmapped whole: one munmap of 64 MiB, the virtual size
 * falls by 16384 pages, the closed top becomes top again.
 */
Test(arena, empty_sub_heap_is_unmapped)
{
	static struct text tr;
	struct two_heaps t;
	struct cursor c;
	long vsz;

	two_heaps_build(&t);
	vsz = vsz_pages();
	trace_begin();
	wfree(&t.w, t.b);
	trace_end(&tr);
	cr_assert(eq(long, vsz - vsz_pages(), 16384));
	c.pos = tr.buf;
	expect_delete_heap(&t.m, &c, t.h2);
	expect_end(&c);
	cr_assert(eq(sz, size_word(t.a + 41943056), 1808 | 1), "top");
	assert_stats(2, (size_t[]){ 135168, 41947136 },
		     (size_t[]){ 32, 41947136 - 1808 }, 0, 0, 0);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
	worker_stop(&t.w);
}

/*
 * Then freeing a makes top 41944864 bytes, over the trim threshold: the
 * sub-heap shrinks by round_down_to_page(top - MINSIZE - 1 - top_pad)
 * = 41811968 bytes, given back with madvise (the pages stay mapped and
 * read-write: the virtual size does not change, the resident pages go)
 * and arena 1 is back to 135168 bytes.  Growing again reuses the pages
 * that are still read-write: no mprotect.
 */
Test(arena, sub_heap_shrinks_and_regrows)
{
	static struct text tr;
	struct two_heaps t;
	struct cursor c;
	uintptr_t tail;
	long vsz;

	two_heaps_build(&t);
	wfree(&t.w, t.b);
	tail = t.h1 + 135168;
	worker_call(&t.w, job_touch, t.a);
	cr_assert(eq(sz, resident_pages(tail, 41811968), 10208));
	vsz = vsz_pages();
	trace_begin();
	wfree(&t.w, t.a);
	trace_end(&tr);
	c.pos = tr.buf;
	expect_line(&c, "madvise(%#lx, 41811968, MADV_DONTNEED) = 0",
		    (unsigned long)tail);
	expect_end(&c);
	cr_assert(eq(long, vsz_pages(), vsz));
	cr_assert(eq(sz, resident_pages(tail, 41811968), 0));
	cr_assert(eq(uptr, heap_word(t.h1, 2), 135168), "size");
	cr_assert(eq(uptr, heap_word(t.h1, 3), 41947136), "mprotect_size");
	cr_assert(eq(sz, size_word(t.a), 132896 | 1), "top");
	assert_stats(2, (size_t[]){ 135168, 135168 }, (size_t[]){ 32, 2272 }, 0,
		     0, 0);

	trace_begin();
	cr_assert(eq(ptr, wmalloc(&t.w, 40u << 20), t.a));
	trace_end(&tr);
	cr_assert(eq(str, tr.buf, ""));
	cr_assert(eq(uptr, heap_word(t.h1, 2), 41947136), "size");
	worker_stop(&t.w);
}

/*
 * glibc's edge, reproduced: when the top being closed off is 64 KiB or
 * more, freeing it trims the arena at once, and the new sub-heap, still
 * empty, is unmapped again inside the same malloc.  Top is then too
 * small, so the request is retried in the main arena, which grows the
 * break by round_up(41943056 + 131072 + 32 - 135136) = 41943040.
 * (glibc 2.36 makes the same six calls.)
 */
Test(arena, new_sub_heap_unmapped_at_once_then_main_arena_retry)
{
	static struct text tr;
	struct resv_model m = { 0 };
	struct worker w;
	struct cursor c;
	char *a, *g, *b;
	uintptr_t h1, h2;

	main_arena_begin(M_MMAP_MAX, 0);
	worker_start(&w);
	trace_begin();
	cr_assert(ne(ptr, wmalloc(&w, 16), NULL));
	a = wmalloc(&w, 40u << 20);
	g = wmalloc(&w, 100000);
	wfree(&w, g);
	cr_assert(eq(ptr, g, a + 41943056), "g after a");
	cr_assert(eq(sz, size_word(g), 100112 | 1), "top");
	b = wmalloc(&w, 40u << 20);
	trace_end(&tr);

	c.pos = tr.buf;
	h1 = expect_new_heap(&m, &c, 135168);
	expect_line(&c, "mprotect(%#lx, 41811968, " RW ") = 0",
		    (unsigned long)h1 + 135168);
	expect_line(&c, "mprotect(%#lx, 98304, " RW ") = 0",
		    (unsigned long)h1 + 41947136);
	h2 = expect_new_heap(&m, &c, 42078208);
	expect_delete_heap(&m, &c, h2);
	expect_line(&c, "brk(%p) = %p", brk0 + 42078208, brk0 + 42078208);
	expect_end(&c);

	cr_assert(eq(ptr, b, brk0 + 48), "from the main arena");
	cr_assert(eq(sz, size_word(b), 41943056 | 1));
	assert_stats(2, (size_t[]){ 42078208, 42045440 },
		     (size_t[]){ 32 + 41943056, 42045440 - 100112 }, 0, 0, 0);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
	worker_stop(&w);
}

/* ---- malloc_trim -------------------------------------------------------- */

/*
 * malloc_trim(0) trims every arena: the main arena's break comes down
 * to one page (top 135136: round_down(135136 - 33) = 131072), arena 1
 * releases the whole pages inside its free 20016-byte chunk at offset
 * 2272 (from the page after its 48-byte header and links: 16384 bytes
 * at 4096) but keeps its top.  A second call finds the main arena with
 * nothing to give and releases the same pages of arena 1 again.
 */
Test(arena, malloc_trim_trims_every_arena)
{
	static struct text tr;
	struct worker w;
	struct cursor c;
	uintptr_t h;
	char *x;

	main_arena_begin(0, 0);
	worker_start(&w);
	cr_assert(ne(ptr, wmalloc(&w, 16), NULL));
	x = wmalloc(&w, 20000);
	cr_assert(ne(ptr, wmalloc(&w, 16), NULL));
	h = heap_of(x);
	cr_assert(eq(ptr, x, (char *)h + 2288));
	ptm_free(x);

	trace_begin();
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	trace_end(&tr);
	c.pos = tr.buf;
	expect_line(&c, "brk(%p) = %p", brk0 + 4096, brk0 + 4096);
	expect_line(&c, "madvise(%#lx, 16384, MADV_DONTNEED) = 0",
		    (unsigned long)h + 4096);
	expect_end(&c);
	assert_stats(2, (size_t[]){ 4096, 135168 }, (size_t[]){ 32, 2304 }, 0,
		     0, 0);

	trace_begin();
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	trace_end(&tr);
	c.pos = tr.buf;
	expect_line(&c, "madvise(%#lx, 16384, MADV_DONTNEED) = 0",
		    (unsigned long)h + 4096);
	expect_end(&c);
	worker_stop(&w);
}

/* ---- the real strace ---------------------------------------------------- */

#define ARENA_STRACE PTM_PROGRAMS_DIR "/arena_strace"
#define STRACE "/usr/bin/strace"
#define STRACE_SET "trace=brk,mmap,munmap,mremap,mprotect,madvise"

/* Run @argv with stdout and stderr to /dev/null; it must exit 0. */
static void run_quietly(char *const argv[])
{
	int status;
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	cr_assert(eq(int, status, 0), "%s exited with status %#x", argv[0],
		  status);
}

/*
 * Whether @line is one of ThreadSanitizer's own calls: its runtime maps
 * and unmaps shadow memory from inside the calls it intercepts, at
 * addresses below 0x500000000000 (its shadow and metadata ranges),
 * where the allocator's memory never lies.  Never true in other builds.
 */
static bool sanitizer_line(const char *line)
{
#if defined(__SANITIZE_THREAD__)
	unsigned long addr;

	return sscanf(strchr(line, '(') + 1, "%lx", &addr) == 1 &&
	       addr < 0x500000000000UL;
#else
	(void)line;
	return false;
#endif
}

/*
 * The lines strace -f logged in @log for the thread that made the two
 * marker calls mprotect(NULL, 0, PROT_NONE) and mprotect(NULL, 0,
 * PROT_READ), between them, without the "PID " prefix.
 */
static void thread_lines_between_markers(struct text *out, const char *log)
{
	const char *start = strstr(log, " mprotect(NULL, 0, PROT_NONE)");
	const char *line;
	long pid;

	cr_assert(ne(ptr, (void *)start, NULL), "no start marker");
	while (start > log && start[-1] != '\n')
		start--;
	cr_assert(eq(int, sscanf(start, "%ld", &pid), 1));
	line = strchr(start, '\n') + 1;
	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		long lp;
		int skip;

		cr_assert(ne(ptr, (void *)end, NULL));
		if (sscanf(line, "%ld %n", &lp, &skip) == 1 && lp == pid &&
		    !sanitizer_line(line + skip)) {
			if (strncmp(line + skip, "mprotect(NULL, 0, PROT_READ)",
				    28) == 0)
				return;
			text_add(out, "%.*s\n", (int)(end - line - skip),
				 line + skip);
		}
		line = end + 1;
	}
	cr_fail("no end marker");
}

/*
 * On the real break, strace -f sees exactly the calls of the library's
 * own trace for the second thread's three allocations (the reservation,
 * 135168 bytes, then 69632 more), and no brk among them.
 */
Test(arena, real_strace_agrees)
{
	static struct text seen, ours;
	char *log;
	char log_path[] = "/tmp/ptm-arena-strace-XXXXXX";
	char trace_path[] = "/tmp/ptm-arena-trace-XXXXXX";
	char *argv[] = { STRACE,       "-f",	   "-a0", "-qq",
			 "-o",	       log_path,   "-e",  STRACE_SET,
			 ARENA_STRACE, trace_path, NULL };
	struct resv_model m = { 0 };
	struct cursor c;
	uintptr_t h;
	int fd;

	fd = mkstemp(log_path);
	cr_assert(ge(int, fd, 0));
	close(fd);
	fd = mkstemp(trace_path);
	cr_assert(ge(int, fd, 0));
	run_quietly(argv);
	text_read_fd(&ours, fd);
	close(fd);
	log = exp_slurp(log_path);
	cr_assert(ne(ptr, log, NULL));
	unlink(log_path);
	unlink(trace_path);

	thread_lines_between_markers(&seen, log);
	free(log);
	cr_assert(eq(str, seen.buf, ours.buf));
	c.pos = ours.buf;
	h = expect_new_heap(&m, &c, 135168);
	expect_line(&c, "mprotect(%#lx, 69632, " RW ") = 0",
		    (unsigned long)h + 135168);
	expect_end(&c);
}
