// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Threads using the allocator together (arena/), suite "thread":
 * frees and reallocs from another thread than the allocating one, a
 * randomised stress with cross-thread frees, and fork while other
 * threads allocate.
 *
 * The exact tests bind the main thread to the main arena first (a
 * fresh simulated break and malloc(16): heap 135168, top 135136) and
 * use one worker thread, whose first malloc creates arena 1 in a
 * 135168-byte sub-heap with its first chunk 2240 bytes in (see
 * test_arena.c for the derivation).
 *
 * The stress test runs STRESS_THREADS threads of STRESS_OPS random
 * operations by default (about a second on two cores); the environment
 * variable PTM_STRESS_OPS sets another number of operations per thread
 * (the long mode: PTM_STRESS_OPS=5000000).
 */
#include <signal.h>
#include <sys/wait.h>

#include "arena_util.h"
#include "harness.h"
#include "programs/time_limit.h"

/* The simulated break where the main arena's heap starts. */
static char *brk0;

/* Fresh simulated break; the main thread's malloc(16) binds it to main. */
static void main_arena_begin(void)
{
	fresh_sim_heap();
	brk0 = ptm_debug_brk();
	cr_assert(eq(ptr, ptm_malloc(16), brk0 + 16));
}

/* ---- frees and reallocs from other threads ------------------------------ */

/* The worker's blocks of the cross-thread test. */
struct owner_blocks {
	char *p[10]; /* malloc(100): 112-byte chunks */
	char *u[3]; /* malloc(1000): 1008-byte chunks */
	char *m; /* a main-arena chunk the worker frees */
};

/* In the worker: allocate the blocks, free the main thread's one. */
static void *job_owner(void *arg)
{
	struct owner_blocks *b = arg;

	for (int i = 0; i < 10; i++)
		b->p[i] = ptm_malloc(100);
	for (int i = 0; i < 3; i++)
		b->u[i] = ptm_malloc(1000);
	if (ptm_malloc(16) == NULL)
		return NULL;
	ptm_free(b->m);
	return b;
}

/*
 * Chunks go back to the arena they came from, whoever frees them.  The
 * worker's arena 1 holds ten 112-byte chunks from 2240, three of 1008
 * and a 32-byte guard (top 135168 - 6416 = 128752); the main thread
 * frees them all: the ten go to arena 1's fast bin, the three merge in
 * its unsorted bin (3024 bytes); the worker frees the main thread's
 * 112-byte chunk into the main arena's fast bin.  The next malloc(100)
 * of each thread gets the last chunk freed into its own arena.
 */
Test(thread, cross_thread_free_returns_chunks_to_their_arena)
{
	static const char fast1[] =
		"  <size from=\"97\" to=\"112\" total=\"112\" count=\"1\"/>\n";
	static const char sizes1[] =
		"  <size from=\"97\" to=\"112\" total=\"1120\" count=\"10\"/>\n"
		"  <unsorted from=\"3025\" to=\"3025\" total=\"3025\" "
		"count=\"1\"/>\n";
	struct owner_blocks b;
	struct worker w;
	uintptr_t h;

	main_arena_begin();
	b.m = ptm_malloc(100);
	cr_assert(eq(ptr, b.m, brk0 + 48));
	worker_start(&w);
	cr_assert(eq(ptr, worker_call(&w, job_owner, &b), &b));
	h = heap_of(b.p[0]);
	for (int i = 0; i < 10; i++) {
		cr_assert(eq(ptr, b.p[i], (char *)h + 2256 + 112 * i));
		cr_assert(eq(sz, size_word(b.p[i]), 112 | NON_MAIN | 1));
	}
	cr_assert(eq(ptr, b.u[0], (char *)h + 3376));
	for (int i = 0; i < 10; i++)
		ptm_free(b.p[i]);
	for (int i = 0; i < 3; i++)
		ptm_free(b.u[i]);

	assert_mallinfo2("after the cross-thread frees",
			 (struct mallinfo2){ .arena = 270336,
					     .ordblks = 3,
					     .smblks = 11,
					     .fsmblks = 1232,
					     .uordblks = 32 + 2272,
					     .fordblks = 135024 + 112 + 132896,
					     .keepcost = 135024 });
	assert_stats(2, (size_t[]){ 135168, 135168 }, (size_t[]){ 32, 2272 }, 0,
		     0, 0);
	assert_info(2,
		    (struct heap_xml[]){ { .sizes = fast1,
					   .nfast = 1,
					   .fast = 112,
					   .nrest = 1,
					   .rest = 135024,
					   .sys = 135168,
					   .max = 135168,
					   .aspace = 135168,
					   .mprotect = 135168,
					   .subheaps = -1 },
					 { .sizes = sizes1,
					   .nfast = 10,
					   .fast = 1120,
					   .nrest = 2,
					   .rest = 128752 + 3025,
					   .sys = 135168,
					   .max = 135168,
					   .aspace = 135168,
					   .mprotect = 135168,
					   .subheaps = 1 } },
		    0, 0);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
	cr_assert(eq(ptr, wmalloc(&w, 100), b.p[9]));
	cr_assert(eq(ptr, ptm_malloc(100), b.m));
	worker_stop(&w);
}

/*
 * realloc works in the chunk's own arena, whichever thread calls it:
 * the main thread grows arena 1's last chunk into arena 1's top (in
 * place, NON_MAIN_ARENA kept) and frees it back into that top.
 */
Test(thread, realloc_from_another_thread_stays_in_the_arena)
{
	struct worker w;
	uintptr_t h;
	char *p;

	main_arena_begin();
	worker_start(&w);
	p = wmalloc(&w, 100);
	h = heap_of(p);
	cr_assert(eq(ptr, p, (char *)h + 2256));
	cr_assert(eq(ptr, ptm_realloc(p, 1000), p));
	cr_assert(eq(sz, size_word(p), 1008 | NON_MAIN | 1));
	cr_assert(eq(sz, size_word(p + 1008), (135168 - 3248) | 1), "top");
	assert_stats(2, (size_t[]){ 135168, 135168 },
		     (size_t[]){ 32, 2240 + 1008 }, 0, 0, 0);
	ptm_free(p);
	assert_stats(2, (size_t[]){ 135168, 135168 }, (size_t[]){ 32, 2240 }, 0,
		     0, 0);
	worker_stop(&w);
}

/* ---- stress ------------------------------------------------------------- */

#define STRESS_THREADS 8
#define STRESS_OPS 200000
#define STRESS_SLOTS 1024
#define TRANSFER_SLOTS 256

/**
 * struct stress - what the stress threads share.
 * @transfer: blocks in transit between threads, swapped atomically.
 * @ops: operations per thread.
 * @start: every thread makes its first allocation before any goes on.
 * @errors: corruptions found (a wrong cookie, size or alignment, or a
 *	failed allocation).
 * @first_error: the description of the first one.
 */
struct stress {
	void *transfer[TRANSFER_SLOTS];
	long ops;
	pthread_barrier_t start;
	int errors;
	char first_error[160];
};

/**
 * struct stress_thread - one stress thread.
 * @s: the shared state.
 * @seed: its xorshift state.
 * @slot: its own blocks (NULL: empty).
 */
struct stress_thread {
	struct stress *s;
	uint64_t seed;
	void *slot[STRESS_SLOTS];
};

/* A step of xorshift64*. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

/* Record a corruption (the first one's text is kept). */
static void stress_error(struct stress *s, const char *what, const void *p,
			 size_t n)
{
	if (__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(s->first_error, sizeof(s->first_error),
			 "%s: block %p of %zu bytes", what, p, n);
}

/* The cookie of a block: its address and size, mixed. */
static uint64_t cookie_of(const void *p, size_t n)
{
	uint64_t x = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL ^ n;

	return x ^ (x >> 29);
}

/*
 * Fill the @n-byte block @p: its size and cookie in the first two
 * words, then words and bytes derived from the cookie.
 */
static void block_fill(void *p, size_t n)
{
	uint64_t *w = p, c = cookie_of(p, n);
	size_t words = n / 8;

	w[0] = n;
	w[1] = c;
	for (size_t i = 2; i < words; i++)
		w[i] = c + i;
	for (size_t i = words * 8; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(c + i);
}

/* Byte @k of what block_fill() writes into an @n-byte block of cookie @c. */
static unsigned char fill_byte(uint64_t c, size_t n, size_t k)
{
	if (k / 8 < n / 8)
		return (unsigned char)((c + k / 8) >> (k % 8 * 8));
	return (unsigned char)(c + k);
}

/*
 * Check the block @p that block_fill() wrote and return its size, or 0
 * after reporting a corruption.  With a non-zero @c, @p is instead the
 * result of realloc of an @n-byte block of cookie @c, whose bytes from
 * 16 up to @upto must have been kept.
 */
static size_t block_check(struct stress *s, const void *p, uint64_t c, size_t n,
			  size_t upto)
{
	const uint64_t *w = p;

	if (c == 0) {
		n = upto = w[0];
		c = cookie_of(p, n);
		if (w[1] != c) {
			stress_error(s, "bad header", p, n);
			return 0;
		}
	}
	for (size_t i = 2; i < upto / 8; i++)
		if (w[i] != c + i) {
			stress_error(s, "bad word", p, n);
			return 0;
		}
	for (size_t k = upto / 8 * 8 > 16 ? upto / 8 * 8 : 16; k < upto; k++)
		if (((const unsigned char *)p)[k] != fill_byte(c, n, k)) {
			stress_error(s, "bad byte", p, n);
			return 0;
		}
	return n;
}

/* Check and free @p (NULL is ignored). */
static void block_free(struct stress *s, void *p)
{
	if (p == NULL)
		return;
	block_check(s, p, 0, 0, 0);
	ptm_free(p);
}

/*
 * A random request size: mostly small, some medium, a few large and
 * rarely above the mmap threshold.
 */
static size_t stress_size(uint64_t *x)
{
	uint64_t r = rnd(x) % 1000;

	if (r < 700)
		return 16 + rnd(x) % 241;
	if (r < 950)
		return 257 + rnd(x) % 3840;
	if (r < 998)
		return 4097 + rnd(x) % 61440;
	return 65537 + rnd(x) % 300000;
}

/* A new block of a random size by malloc, calloc or memalign, filled. */
static void *stress_alloc(struct stress_thread *t)
{
	size_t n = stress_size(&t->seed);
	uint64_t how = rnd(&t->seed) % 10;
	size_t align = (size_t)16 << rnd(&t->seed) % 9;
	void *p;

	if (how < 8) {
		p = ptm_malloc(n);
	} else if (how < 9) {
		p = ptm_calloc(1, n);
		for (size_t i = 0; p != NULL && i < n; i++)
			if (((unsigned char *)p)[i] != 0) {
				stress_error(t->s, "calloc not zero", p, n);
				break;
			}
	} else {
		p = ptm_memalign(align, n);
		if (p != NULL && (uintptr_t)p % align != 0)
			stress_error(t->s, "misaligned", p, n);
	}
	if (p == NULL) {
		stress_error(t->s, "allocation failed", NULL, n);
		return NULL;
	}
	block_fill(p, n);
	return p;
}

/* realloc the block @p to a random size, checking what it keeps. */
static void *stress_realloc(struct stress_thread *t, void *p)
{
	size_t n = block_check(t->s, p, 0, 0, 0);
	size_t m = stress_size(&t->seed);
	uint64_t c = cookie_of(p, n);
	void *q;

	if (n == 0)
		return p;
	q = ptm_realloc(p, m);
	if (q == NULL) {
		stress_error(t->s, "realloc failed", p, m);
		return p;
	}
	block_check(t->s, q, c, n, m < n ? m : n);
	block_fill(q, m);
	return q;
}

/* One random operation of @t. */
static void stress_op(struct stress_thread *t)
{
	uint64_t r = rnd(&t->seed) % 100;
	void **slot = &t->slot[rnd(&t->seed) % STRESS_SLOTS];

	if (r < 40) {
		block_free(t->s, *slot);
		*slot = stress_alloc(t);
	} else if (r < 70) {
		block_free(t->s, *slot);
		*slot = NULL;
	} else if (r < 80) {
		if (*slot != NULL)
			*slot = stress_realloc(t, *slot);
	} else {
		void **tr = &t->s->transfer[rnd(&t->seed) % TRANSFER_SLOTS];

		*slot = __atomic_exchange_n(tr, *slot, __ATOMIC_ACQ_REL);
	}
}

/* The body of a stress thread. */
static void *stress_thread(void *arg)
{
	struct stress_thread *t = arg;

	t->slot[0] = stress_alloc(t);
	pthread_barrier_wait(&t->s->start);
	for (long i = 1; i < t->s->ops; i++)
		stress_op(t);
	for (int i = 0; i < STRESS_SLOTS; i++)
		block_free(t->s, t->slot[i]);
	return NULL;
}

/* Operations per thread: STRESS_OPS or $PTM_STRESS_OPS. */
static long stress_ops(void)
{
	const char *env = getenv("PTM_STRESS_OPS");
	long n = env != NULL ? strtol(env, NULL, 10) : 0;

	return n > 0 ? n : STRESS_OPS;
}

/*
 * Eight threads of random malloc, calloc, memalign, realloc and free,
 * passing blocks to each other through a shared array so that most
 * blocks travel and many are freed by another thread than their
 * allocator.  Each block carries a cookie checked at every free and
 * realloc.  At the end: no corruption, a consistent heap, no mapped
 * chunk left, nine arenas (each thread made its first allocation while
 * all were alive), and nothing in use but the eight non-main arenas'
 * 2240-byte headers (the main thread allocated nothing).
 */
Test(thread, stress_cross_thread_frees)
{
	static struct stress s;
	static struct stress_thread t[STRESS_THREADS];
	static struct text info;
	pthread_t tid[STRESS_THREADS];
	struct mallinfo2 mi;

	cr_assert(eq(sz, ptm_debug_param(M_ARENA_MAX), 0));
	s.ops = stress_ops();
	pthread_barrier_init(&s.start, NULL, STRESS_THREADS);
	for (int i = 0; i < STRESS_THREADS; i++) {
		t[i].s = &s;
		t[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
		cr_assert(
			eq(int,
			   pthread_create(&tid[i], NULL, stress_thread, &t[i]),
			   0));
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		cr_assert(eq(int, pthread_join(tid[i], NULL), 0));
	for (int i = 0; i < TRANSFER_SLOTS; i++)
		block_free(&s, s.transfer[i]);
	cr_assert(eq(int, s.errors, 0), "%d errors, first: %s", s.errors,
		  s.first_error);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
	mi = ptm_mallinfo2();
	cr_assert(eq(sz, mi.hblks, 0));
	cr_assert(eq(sz, mi.hblkhd, 0));
	cr_assert(eq(sz, mi.uordblks, STRESS_THREADS * (size_t)2240));
	info_capture(&info);
	cr_assert(eq(int, text_count(&info, "<heap nr="), STRESS_THREADS + 1));
}

/* ---- fork --------------------------------------------------------------- */

#define FORK_WORKERS 3
#define FORK_ROUNDS 100

/* What the forking test's allocating threads share. */
struct fork_shared {
	struct stress s;
	int stop;
};

/* An allocating thread: stress operations until told to stop. */
static void *fork_worker(void *arg)
{
	struct stress_thread *t = arg;
	struct fork_shared *f = (struct fork_shared *)t->s;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE))
		stress_op(t);
	for (int i = 0; i < STRESS_SLOTS; i++)
		block_free(t->s, t->slot[i]);
	return NULL;
}

/*
 * The child of a fork: allocate and free in the forking thread's arena,
 * free blocks the other threads had allocated in theirs (their locks
 * were reset), check the heap; exit status 0 when all went well.
 */
static void fork_child(struct fork_shared *f)
{
	struct stress_thread t = { .s = &f->s, .seed = 12345 };

	alarm(ptm_time_limit(120));
	for (int i = 0; i < 200; i++)
		stress_op(&t);
	for (int i = 0; i < STRESS_SLOTS; i++)
		block_free(t.s, t.slot[i]);
	for (int i = 0; i < TRANSFER_SLOTS; i++)
		block_free(t.s, f->s.transfer[i]);
	if (f->s.errors != 0)
		_exit(1);
	if (ptm_debug_check_heap() != 0)
		_exit(2);
	_exit(0);
}

/*
 * Fork 100 times while three threads allocate and free (and pass blocks
 * around): every child can allocate, free anywhere and exits 0.
 */
Test(thread, fork_while_threads_allocate)
{
	static struct fork_shared f;
	static struct stress_thread t[FORK_WORKERS];
	pthread_t tid[FORK_WORKERS];

	cr_assert(ne(ptr, ptm_malloc(16), NULL));
	for (int i = 0; i < FORK_WORKERS; i++) {
		t[i].s = &f.s;
		t[i].seed = 0x2545f4914f6cdd1dULL * (uint64_t)(i + 7);
		cr_assert(eq(int,
			     pthread_create(&tid[i], NULL, fork_worker, &t[i]),
			     0));
	}
	for (int round = 0; round < FORK_ROUNDS; round++) {
		int status;
		pid_t pid = fork();

		cr_assert(ge(int, pid, 0));
		if (pid == 0)
			fork_child(&f);
		cr_assert(eq(int, waitpid(pid, &status, 0), pid));
		cr_assert(eq(int, status, 0), "round %d: child status %#x",
			  round, status);
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < FORK_WORKERS; i++)
		cr_assert(eq(int, pthread_join(tid[i], NULL), 0));
	cr_assert(eq(int, f.s.errors, 0), "first: %s", f.s.first_error);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
}
