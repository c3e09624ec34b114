// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program linked with -lmcheck, as glibc's -mcheck test variants are:
 * glibc's libmcheck.a defines __malloc_initialize_hook to call
 * mcheck(NULL), so every block is checked from the first.  Run by
 * test_compat.c on glibc's libc_malloc_debug.so (preloaded) and on the
 * drop-in, which must behave the same.
 *
 *	compat_mcheck ok	a block of 10 bytes, probed and freed; keys
 *				probe (mprobe's verdict, 0 MCHECK_OK),
 *				usable (malloc_usable_size: 10), guard (the
 *				byte after the block: 215, 0xd7), late
 *				(mcheck now: -1)
 *	compat_mcheck tail	one byte written past the block, then free:
 *				"memory clobbered past end of allocated
 *				block" and SIGABRT
 *	compat_mcheck twice	the block freed twice: "block freed twice"
 *				without the cache, "memory clobbered before
 *				allocated block" with it (its key overwrites
 *				the header's magic)
 *	compat_mcheck pedantic	mcheck_check_all() over a clobbered block:
 *				the tail message, before "checked" is printed
 *	compat_mcheck aligned	memalign, posix_memalign and aligned_alloc
 *				at alignments 8 (a plain malloc inside) to
 *				4096, of 0 and 10 bytes; keys aligned, probed
 *				(mprobe said MCHECK_OK) and usable (the size
 *				asked for) count the blocks of the 18 that
 *				pass, and each is freed
 */
#include <malloc.h>
#include <mcheck.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The byte just past the 10-byte block @p, where mcheck keeps its guard.
 * The pointer goes through a volatile so that no compiler check of the
 * object's size (UndefinedBehaviorSanitizer's, in make check-ubsan) stops
 * the access before mcheck sees it.
 */
static unsigned char *past_end(char *p)
{
	unsigned char *volatile q = (unsigned char *)p;

	return q + 10;
}

/* Writes the byte past @p, as the broken programs mcheck exists for do. */
static void clobber_tail(char *p)
{
	*past_end(p) = 'x';
}

/* Counts of the aligned blocks that passed each check. */
struct aligned_counts {
	int aligned, probed, usable;
};

/* Checks the block @p of @size bytes asked at @align, then frees it. */
static void check_aligned(struct aligned_counts *c, void *p, size_t align,
			  size_t size)
{
	if (p == NULL)
		return;
	c->aligned += ((uintptr_t)p & (align - 1)) == 0;
	c->probed += mprobe(p) == MCHECK_OK;
	c->usable += malloc_usable_size(p) == size;
	free(p);
}

/* The aligned mode: every aligned entry point, small and large alignment. */
static void aligned_entries(void)
{
	static const size_t aligns[] = { 8, 64, 4096 };
	struct aligned_counts c = { 0 };

	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		for (size_t size = 0; size <= 10; size += 10) {
			void *p = NULL;

			check_aligned(&c, memalign(aligns[i], size), aligns[i],
				      size);
			if (posix_memalign(&p, aligns[i], size) != 0)
				p = NULL;
			check_aligned(&c, p, aligns[i], size);
			check_aligned(&c, aligned_alloc(aligns[i], size),
				      aligns[i], size);
		}
	}
	printf("aligned %d\nprobed %d\nusable %d\n", c.aligned, c.probed,
	       c.usable);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *p = malloc(10);

	if (strcmp(mode, "ok") == 0) {
		printf("probe %d\nusable %zu\nguard %d\nlate %d\n", mprobe(p),
		       malloc_usable_size(p), *past_end(p), mcheck(NULL));
	} else if (strcmp(mode, "tail") == 0) {
		clobber_tail(p);
	} else if (strcmp(mode, "twice") == 0) {
		free(p);
	} else if (strcmp(mode, "aligned") == 0) {
		aligned_entries();
	} else if (strcmp(mode, "pedantic") == 0) {
		clobber_tail(p);
		mcheck_check_all();
		puts("checked");
	} else {
		return 2;
	}
	free(p);
	return 0;
}
