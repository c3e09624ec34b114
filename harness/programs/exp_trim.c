// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_trim: E-5.2 and E-5.3's last point, malloc_trim() giving back the
 * pages of a free chunk that the break cannot give back, on the real
 * program break, measured with mincore() and /proc/self/statm.
 *
 *	exp_trim pinned|arena [--trace FILE]
 *
 * pinned (main arena):
 * 1000 x (malloc(100 KiB) + memset), then every block but the last is
 * freed: they coalesce into one free chunk of 999 x 102416 bytes at the
 * start of the heap, and the last block, live above it, pins the break
 * (E-5.2 test2).  malloc_trim(0) then
 *   - madvises (MADV_DONTNEED) the whole pages of that chunk past its
 *     first 48 bytes (header and list links): 24977 pages, all resident
 *     before and none after;
 *   - lowers the break only by the 7 whole pages of top above the last
 *     block (top 29056 bytes: (29056 - 33) rounded down to pages);
 * so the resident set falls by about 24984 pages while the program size
 * (VSZ) falls by only those 7.
 *
 * arena: the same in a second thread's arena (200 blocks, in one
 * sub-heap; simulated break for the main arena, because pthread_create
 * uses glibc's malloc), malloc_trim(0) called once the thread has exited: the free
 * chunk's pages go back by madvise as well, but, as in glibc, malloc_trim
 * does not shrink a non-main arena's top: the arena's system bytes
 * (mallinfo arena) do not change.
 *
 * Keys: heap_bytes (break delta after the mallocs), chunk_bytes (the
 * free chunk), madvise_pages (its whole pages past 48 bytes),
 * resident_before / resident_after (mincore count over those pages),
 * top_before, trim_ret, brk_released (bytes the break went down),
 * size_delta (statm size after - before malloc_trim, pages),
 * resident_drop_excess (statm resident drop - madvise_pages: the 7 pages
 * of top were never written, so only the madvised ones were resident),
 * last_block_intact, heap_check; arena mode: non_main (the blocks carry
 * NON_MAIN_ARENA), arena_before / arena_after (mallinfo arena), and the
 * same madvise_pages, resident_before, resident_after, trim_ret.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "exp_util.h"

#define PAGE 4096UL
#define NBLOCKS 1000
#define BLOCK (100 * 1024)

static char *blocks[NBLOCKS];

/* mincore() vector for the free chunk (about 100 MB). */
static unsigned char vec[(NBLOCKS * 102416UL) / PAGE + 2];

/* Resident pages among the @npages pages from the page @first. */
static long long resident(char *first, size_t npages)
{
	long long count = 0;

	if (mincore(first, npages * PAGE, vec) != 0)
		exp_die("exp_trim: mincore failed\n");
	for (size_t i = 0; i < npages; i++)
		count += vec[i] & 1;
	return count;
}

/* The madvise range of the free chunk behind @mem: past 48 bytes. */
static char *madvise_range(void *mem, size_t *npages)
{
	struct malloc_chunk *c = mem2chunk(mem);
	uintptr_t start =
		((uintptr_t)c + sizeof(struct malloc_chunk) + PAGE - 1) &
		~(PAGE - 1);

	*npages = (chunk_size(c) - (start - (uintptr_t)c)) / PAGE;
	return (char *)start;
}

/* Allocate and fill @n blocks, then free all but the last. */
static void *fill_and_free(void *arg)
{
	int n = (int)(intptr_t)arg;

	for (int i = 0; i < n; i++) {
		blocks[i] = ptm_malloc(BLOCK);
		if (blocks[i] == NULL)
			exp_die("exp_trim: malloc failed\n");
		memset(blocks[i], 0x5a, BLOCK);
	}
	for (int i = 0; i < n - 1; i++)
		ptm_free(blocks[i]);
	return NULL;
}

/* The arena mode: the pinned experiment in a thread's arena. */
static void in_arena(void)
{
	const int n = 200;
	pthread_t t;
	size_t npages;
	char *start;
	size_t arena0;

	/*
	 * The thread that initialises the allocator gets the main arena:
	 * initialise it here, without giving the main arena any memory.
	 */
	ptm_debug_param(M_MXFAST);
	if (pthread_create(&t, NULL, fill_and_free, (void *)(intptr_t)n) ||
	    pthread_join(t, NULL))
		exp_die("exp_trim: thread failed\n");
	exp_put("non_main",
		(long long)(chunk_size_nomask(mem2chunk(blocks[n - 1])) &
			    NON_MAIN_ARENA));
	start = madvise_range(blocks[0], &npages);
	exp_put("madvise_pages", (long long)npages);
	exp_put("resident_before", resident(start, npages));
	arena0 = ptm_mallinfo2().arena;
	exp_put("arena_before", (long long)arena0);
	exp_put("trim_ret", ptm_malloc_trim(0));
	exp_put("arena_after", (long long)ptm_mallinfo2().arena);
	exp_put("resident_after", resident(start, npages));
	exp_put("last_block_intact", blocks[n - 1][BLOCK - 1] == 0x5a);
	exp_put("heap_check", ptm_debug_check_heap());
}

/* The pinned mode: the main arena, the break pinned by the last block. */
static void pinned(void)
{
	long size0, res0, size1, res1;
	char *start, *brk0;
	size_t npages;

	fill_and_free((void *)(intptr_t)NBLOCKS);
	exp_put("heap_bytes", exp_brk_delta());
	exp_put("chunk_bytes", (long long)chunk_size(mem2chunk(blocks[0])));
	start = madvise_range(blocks[0], &npages);
	exp_put("madvise_pages", (long long)npages);
	exp_put("top_before", (long long)ptm_mallinfo2().keepcost);
	exp_put("resident_before", resident(start, npages));
	exp_statm(&size0, &res0);
	brk0 = exp_brk();
	exp_put("trim_ret", ptm_malloc_trim(0));
	exp_put("brk_released", (long long)(brk0 - exp_brk()));
	exp_statm(&size1, &res1);
	exp_put("resident_after", resident(start, npages));
	exp_put("size_delta", size1 - size0);
	exp_put("resident_drop_excess", (res0 - res1) - (long long)npages);
	exp_put("last_block_intact", blocks[NBLOCKS - 1][BLOCK - 1] == 0x5a);
	exp_put("heap_check", ptm_debug_check_heap());
	ptm_free(blocks[NBLOCKS - 1]);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "pinned") != 0 && strcmp(mode, "arena") != 0)
		exp_usage("exp_trim", "pinned|arena");
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	/* pthread_create uses glibc's malloc: keep it off our break. */
	exp_setup(argc, argv, strcmp(mode, "arena") == 0);
	exp_begin();
	if (strcmp(mode, "arena") == 0)
		in_arena();
	else
		pinned();
	exp_end();
	return exp_finish();
}
