// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_lazy: E-2.3, lazy allocation (001 section 2.3; 004 "malloc(1.2G)"),
 * on the real program break.
 *
 *	exp_lazy pages|aslimit|nolimit [--trace FILE]
 *
 * pages: malloc() does not make a block's interior pages resident, and
 *	writing 4 bytes ("123" and its NUL) at a page-aligned address
 *	inside the block makes exactly one more page resident (mincore()).
 *	An 8 KiB block on the fresh heap spans 3 pages: the first holds the
 *	block's chunk header, the third the top chunk's header, both
 *	written by malloc, so the residency mask of the 3 pages reads 0b101
 *	after malloc and 0b111 after the write.  A 1 MiB block is mmapped
 *	(1052672 bytes, 257 pages): only its first page, holding the chunk
 *	header, is resident after malloc; 2 pages after the write.
 * aslimit: RLIMIT_AS lowered to 1 GiB, malloc(1.2 GiB) returns NULL with
 *	ENOMEM (its mmap, the break and the mmap fallback all fail) and a
 *	following malloc(16) succeeds.
 * nolimit: malloc(1.2 GiB) succeeds; statm size grows by the mapping's
 *	314573 pages while the resident set barely moves; writing its first
 *	64 MiB makes exactly those pages (16385 with the header page)
 *	resident.
 *
 * Transparent huge pages are switched off for the process (prctl), so a
 * touched byte faults in one page whatever the system's THP setting.
 *
 * Keys: see each mode's function.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "exp_util.h"

#define PAGE 4096UL
#define HEAP_BLOCK (8 * 1024)
#define MMAP_BLOCK (1024 * 1024)
/* 1.2 GiB (1.2 * 2^30 rounded down), the request of 004. */
#define BIG_BLOCK 1288490188UL
#define TOUCHED (64UL * 1024 * 1024)

/* mincore() vector: enough for the 1.2 GiB mapping. */
static unsigned char vec[(BIG_BLOCK + 2 * PAGE) / PAGE];

/* The first page of the block at @mem and the number of pages it spans. */
static char *block_pages(const void *mem, size_t bytes, size_t *npages)
{
	uintptr_t first = (uintptr_t)mem & ~(PAGE - 1);
	uintptr_t end = ((uintptr_t)mem + bytes + PAGE - 1) & ~(PAGE - 1);

	*npages = (end - first) / PAGE;
	return (char *)first;
}

/*
 * The number of resident pages among the @npages pages from @first, and
 * in *@mask which ones (bit i for page i, the first 62 pages only).
 */
static size_t resident(char *first, size_t npages, unsigned long long *mask)
{
	size_t count = 0;

	if (mincore(first, npages * PAGE, vec) != 0)
		exp_die("exp_lazy: mincore failed\n");
	*mask = 0;
	for (size_t i = 0; i < npages; i++) {
		if (vec[i] & 1) {
			count++;
			if (i < 62)
				*mask |= 1ULL << i;
		}
	}
	return count;
}

/*
 * Allocate @bytes, report the residency of its pages, write "123" at the
 * first page boundary inside it, report again.  Keys PREFIXpages,
 * PREFIXresident_malloc, PREFIXmask_malloc, PREFIXresident_write,
 * PREFIXmask_write, PREFIXis_mmapped.
 */
static void touch_one(const char *prefix, size_t bytes)
{
	char *mem = ptm_malloc(bytes);
	unsigned long long mask;
	size_t npages;
	char *first;
	char *inside;

	if (mem == NULL)
		exp_die("exp_lazy: malloc failed\n");
	first = block_pages(mem, bytes, &npages);
	exp_put2(prefix, "is_mmapped", chunk_is_mmapped(mem2chunk(mem)));
	exp_put2(prefix, "pages", (long long)npages);
	exp_put2(prefix, "resident_malloc",
		 (long long)resident(first, npages, &mask));
	exp_put2(prefix, "mask_malloc", (long long)mask);
	inside = first + PAGE;
	memcpy(inside, "123", 4);
	exp_put2(prefix, "resident_write",
		 (long long)resident(first, npages, &mask));
	exp_put2(prefix, "mask_write", (long long)mask);
}

/* The pages mode. */
static void pages(void)
{
	touch_one("heap_", HEAP_BLOCK);
	touch_one("mmap_", MMAP_BLOCK);
}

/* The aslimit mode: keys big_null, big_errno, small_ok, heap_check. */
static void aslimit(void)
{
	struct rlimit rl = { 1UL << 30, 1UL << 30 };
	void *p;

	if (setrlimit(RLIMIT_AS, &rl) != 0)
		exp_die("exp_lazy: setrlimit failed\n");
	errno = 0;
	p = ptm_malloc(BIG_BLOCK);
	exp_put("big_errno", errno);
	exp_put("big_null", p == NULL);
	p = ptm_malloc(16);
	exp_put("small_ok", p != NULL);
	exp_put("heap_check", ptm_debug_check_heap());
	ptm_free(p);
}

/*
 * The nolimit mode: keys big_ok, big_is_mmapped, size_grow,
 * resident_grow (statm pages, before the writes), touched_resident
 * (mincore pages of the block after writing 64 MiB),
 * touched_statm_excess (statm resident growth minus those pages).
 */
static void nolimit(void)
{
	long size0, res0, size1, res1, size2, res2;
	unsigned long long mask;
	size_t npages;
	char *first;
	char *p;

	exp_statm(&size0, &res0);
	p = ptm_malloc(BIG_BLOCK);
	exp_statm(&size1, &res1);
	exp_put("big_ok", p != NULL);
	if (p == NULL)
		return;
	exp_put("big_is_mmapped", chunk_is_mmapped(mem2chunk(p)));
	exp_put("size_grow", size1 - size0);
	exp_put("resident_grow", res1 - res0);
	memset(p, 1, TOUCHED);
	exp_statm(&size2, &res2);
	first = block_pages(p, BIG_BLOCK, &npages);
	exp_put("touched_resident", (long long)resident(first, npages, &mask));
	exp_put("touched_statm_excess",
		(res2 - res0) - (long long)(TOUCHED / PAGE + 1));
	ptm_free(p);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "pages") != 0 && strcmp(mode, "aslimit") != 0 &&
	    strcmp(mode, "nolimit") != 0)
		exp_usage("exp_lazy", "pages|aslimit|nolimit");
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	exp_setup(argc, argv, false);
	exp_begin();
	if (strcmp(mode, "pages") == 0)
		pages();
	else if (strcmp(mode, "aslimit") == 0)
		aslimit();
	else
		nolimit();
	exp_end();
	return exp_finish();
}
