// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The drop-in under threads and fork: run preloaded (see dropin_util.h);
 * harness/test_dropin.c asserts the keys.
 *
 *	dropin_threads threads
 *		8 threads, each 4000 rounds of malloc, calloc, realloc,
 *		aligned_alloc, memalign or posix_memalign (alignments 32 to
 *		4096) and free, sizes from 1 byte to 300 KiB (some mmapped),
 *		every block filled with a pattern of its owner; half the
 *		blocks are handed through a shared exchange to another
 *		thread, which checks the pattern and frees them
 *		(cross-thread, usually cross-arena, frees).
 *		rounds		the rounds completed (32000)
 *		bad_pattern	blocks found damaged or misaligned (0)
 *		cross_frees	blocks freed by another thread than the
 *				allocating one (> 0)
 *		arenas		distinct arenas seen by ptm_malloc_info's
 *				<heap nr=...> count (> 1)
 *		heap_errors, glibc_arena	see dropin_probe.c
 *	dropin_threads fork
 *		3 threads allocate and free without pause while the main
 *		thread forks 20 times; each child allocates, frees, checks
 *		the heap and exits 0 (a deadlock is caught by alarm()).
 *		children_ok	children that exited 0 (20)
 *		heap_errors, glibc_arena
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dropin_util.h"
#include "time_limit.h"

#define NTHREADS 8
#define ROUNDS 4000
#define EXCHANGE_SLOTS 64

/* A block travelling between threads: its pointer, size and fill. */
struct handoff {
	unsigned char *p;
	size_t size;
	unsigned char fill;
	int owner;
};

static struct {
	pthread_mutex_t lock;
	struct handoff slot[EXCHANGE_SLOTS];
} exchange = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_long bad_pattern, cross_frees, rounds_done;

/* A small xorshift generator per thread. */
static unsigned next_rand(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A request size: mostly small, sometimes large, rarely mmapped. */
static size_t pick_size(unsigned *seed)
{
	unsigned r = next_rand(seed);

	if (r % 64 == 0)
		return 200000 + r % 100000;
	if (r % 8 == 0)
		return 1024 + r % 8192;
	return 1 + r % 512;
}

/* Check and free block @h (it must still hold its fill). */
static void check_and_free(const struct handoff *h, int me)
{
	for (size_t i = 0; i < h->size; i += 61)
		if (h->p[i] != h->fill)
			atomic_fetch_add(&bad_pattern, 1);
	if (h->p[h->size - 1] != h->fill)
		atomic_fetch_add(&bad_pattern, 1);
	if (h->owner != me)
		atomic_fetch_add(&cross_frees, 1);
	free(h->p);
}

/* Swap @h into a random exchange slot; free what was there. */
static void hand_over(struct handoff *h, unsigned *seed, int me)
{
	struct handoff old;
	unsigned i = next_rand(seed) % EXCHANGE_SLOTS;

	pthread_mutex_lock(&exchange.lock);
	old = exchange.slot[i];
	exchange.slot[i] = *h;
	pthread_mutex_unlock(&exchange.lock);
	if (old.p != NULL)
		check_and_free(&old, me);
}

/* A block of @size aligned to 32 << (@r % 8), by one of three APIs. */
static unsigned char *aligned_block(unsigned r, size_t size)
{
	size_t align = (size_t)32 << (r % 8);
	void *p = NULL;

	if (r % 3 == 0)
		p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
	else if (r % 3 == 1)
		p = memalign(align, size);
	else if (posix_memalign(&p, align, size) != 0)
		p = NULL;
	if (p != NULL && (uintptr_t)p % align != 0)
		atomic_fetch_add(&bad_pattern, 1);
	return p;
}

/* Allocate block @h of a random size with a random entry point. */
static void new_block(struct handoff *h, unsigned *seed, int me)
{
	unsigned r = next_rand(seed);

	h->size = pick_size(seed);
	h->fill = (unsigned char)(r >> 8) | 1;
	h->owner = me;
	if (r % 4 == 0) {
		h->p = calloc(1, h->size);
		if (h->p != NULL && h->p[h->size - 1] != 0)
			atomic_fetch_add(&bad_pattern, 1);
	} else if (r % 4 == 1) {
		h->p = realloc(malloc(h->size / 2 + 1), h->size);
	} else if (r % 4 == 2) {
		h->p = aligned_block(r >> 16, h->size);
	} else {
		h->p = malloc(h->size);
	}
	if (h->p == NULL)
		dropin_fatal("allocation of %zu failed", h->size);
	memset(h->p, h->fill, h->size);
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	unsigned seed = 2463534242u + 7919u * (unsigned)me;
	struct handoff keep[16] = { 0 };

	for (int round = 0; round < ROUNDS; round++) {
		struct handoff h;
		unsigned k = next_rand(&seed) % 16;

		new_block(&h, &seed, me);
		if (round % 2 == 0) {
			hand_over(&h, &seed, me);
		} else {
			if (keep[k].p != NULL)
				check_and_free(&keep[k], me);
			keep[k] = h;
		}
		atomic_fetch_add(&rounds_done, 1);
	}
	for (int k = 0; k < 16; k++)
		if (keep[k].p != NULL)
			check_and_free(&keep[k], me);
	return NULL;
}

/* How many <heap nr= elements malloc_info() writes: one per arena. */
static int count_arenas(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n = 0;

	if (f == NULL || malloc_info(0, f) != 0)
		dropin_fatal("malloc_info");
	fclose(f);
	for (char *s = text; (s = strstr(s, "<heap nr=")) != NULL; s++)
		n++;
	free(text);
	return n;
}

static void put_final_checks(void)
{
	dropin_put("heap_errors", dropin_check_heap(RTLD_DEFAULT));
	dropin_put("glibc_arena", (long long)dropin_glibc_mallinfo2().arena);
}

static int mode_threads(void)
{
	pthread_t t[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i))
			dropin_fatal("pthread_create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < EXCHANGE_SLOTS; i++)
		if (exchange.slot[i].p != NULL)
			check_and_free(&exchange.slot[i], -1);
	dropin_put("rounds", atomic_load(&rounds_done));
	dropin_put("bad_pattern", atomic_load(&bad_pattern));
	dropin_put("cross_frees", atomic_load(&cross_frees) > 0);
	dropin_put("arenas", count_arenas());
	put_final_checks();
	return 0;
}

/* ---- fork ------------------------------------------------------------ */

static atomic_bool stop_churn;

/* Allocate and free without pause until told to stop. */
static void *churn(void *arg)
{
	unsigned seed = 88172645u + (unsigned)(intptr_t)arg;
	void *slot[32] = { 0 };

	while (!atomic_load(&stop_churn)) {
		unsigned i = next_rand(&seed) % 32;

		free(slot[i]);
		slot[i] = malloc(pick_size(&seed));
	}
	for (int i = 0; i < 32; i++)
		free(slot[i]);
	return NULL;
}

/* The child: allocate in every size class, free, check, exit 0. */
static void child_work(void)
{
	unsigned seed = (unsigned)getpid();
	void *p[100];

	alarm(ptm_time_limit(60));
	for (int i = 0; i < 100; i++) {
		p[i] = malloc(pick_size(&seed));
		if (p[i] == NULL)
			_exit(3);
		memset(p[i], i, 1);
	}
	for (int i = 0; i < 100; i += 2)
		free(p[i]);
	for (int i = 1; i < 100; i += 2)
		free(p[i]);
	_exit(dropin_check_heap(RTLD_DEFAULT) == 0 ? 0 : 4);
}

static int mode_fork(void)
{
	pthread_t t[3];
	int ok = 0;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, churn, (void *)(intptr_t)i))
			dropin_fatal("pthread_create");
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			dropin_fatal("fork");
		if (pid == 0)
			child_work();
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	}
	atomic_store(&stop_churn, true);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	dropin_put("children_ok", ok);
	put_final_checks();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "threads") == 0)
		return mode_threads();
	if (argc == 2 && strcmp(argv[1], "fork") == 0)
		return mode_fork();
	fputs("usage: dropin_threads threads|fork\n", stderr);
	return 2;
}
