// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * malloc_get_state() and malloc_set_state(): the heap dump of old Emacs
 * binaries, as glibc 2.25 and later (up to 2.36's libc_malloc_debug.so)
 * keep them.
 *
 * glibc 2.17's get_state copied the main arena's bins and parameters
 * into a struct malloc_save_state, and an Emacs built by "unexec" wrote
 * its whole heap into its executable; set_state, called from
 * __malloc_initialize_hook when the dumped binary started, made that
 * copy of the heap the main arena again.  glibc 2.25 dropped get_state
 * (it fails with ENOSYS, so that no new dump is made) and rewrote
 * set_state to adopt the dumped heap without integrating it: each chunk
 * in use is marked mmapped, free() of such a chunk does nothing,
 * realloc() copies it to a new block, malloc_usable_size() reads its
 * size.  This module does the same, which is what glibc 2.36's own test
 * of the feature (tst-mallocstate) asserts; 2.17's integration would
 * make the dump's bins and top chunk, which lie in the executable's
 * data, part of the live heap.  See docs/debugging.md.
 *
 * The dumped chunks need only 8-byte alignment (the dump may come from
 * a 32-bit layout), so free(), realloc() and malloc_usable_size() look
 * them up (dumped_chunk(), internal.h) before any alignment check.
 */
#include <errno.h>

#include "internal.h"
#include "ptmalloc.h"

/* glibc's "DLEA" magic and the newest version of the save format. */
#define MALLOC_STATE_MAGIC 0x444c4541L
#define MALLOC_STATE_VERSION (0 * 0x100L + 5L)

/**
 * struct malloc_save_state - the head of glibc 2.17's dump, up to the
 *	fields malloc_set_state() reads (glibc 2.17 hooks.c, the layout
 *	glibc 2.36's malloc_set_state still accepts).
 * @magic: MALLOC_STATE_MAGIC.
 * @version: major * 0x100 + minor.
 * @av: the main arena's bins; @av[2] is its top chunk.
 * @sbrk_base: where the dumped heap begins.
 * @sbrked_mem_bytes: its length.
 */
struct malloc_save_state {
	long magic;
	long version;
	void *av[NBINS * 2 + 2];
	char *sbrk_base;
	int sbrked_mem_bytes;
};

struct dumped_heap dumped_heap;

/* malloc_get_state(): no longer supported, as since glibc 2.25. */
void *ptm_malloc_get_state(void)
{
	errno = ENOSYS;
	return NULL;
}

/* The first chunk of the dump @ms: after its leading zero words. */
static struct malloc_chunk *dump_first_chunk(const struct malloc_save_state *ms)
{
	size_t *word = (size_t *)ms->sbrk_base;
	size_t *end = (size_t *)(ms->sbrk_base + ms->sbrked_mem_bytes);

	for (; word < end; word++)
		if (*word != 0)
			return mem2chunk(word + 1);
	return NULL;
}

/*
 * Switch off every hook and MALLOC_CHECK_ before adopting a dump (glibc
 * 2.25+): the adopted chunks carry no checker's magic.
 */
static void hooks_off(void)
{
	HOOK_STORE(ptm_malloc_hook, NULL);
	HOOK_STORE(ptm_realloc_hook, NULL);
	HOOK_STORE(ptm_free_hook, NULL);
	HOOK_STORE(ptm_memalign_hook, NULL);
	using_malloc_checking = false;
}

/*
 * malloc_set_state(): adopt the heap dumped at @state.  Only before the
 * allocator is initialised, or from ptm_malloc_initialize_hook.
 */
int ptm_malloc_set_state(void *state)
{
	struct malloc_save_state *ms = state;
	struct malloc_chunk *p;
	struct malloc_chunk *top = ms->av[2];

	if (ms->magic != MALLOC_STATE_MAGIC)
		return -1;
	if ((ms->version & ~0xffL) > (MALLOC_STATE_VERSION & ~0xffL))
		return -2;
	if (malloc_initialized())
		return -1;
	hooks_off();
	/* Returns at once when called from the initialisation hook. */
	ptmalloc_init();
	p = dump_first_chunk(ms);
	if (p == NULL)
		return 0;
	/*
	 * Each chunk in use becomes a fake mapped chunk.  A size of 0 ends
	 * the walk, where glibc would loop forever.
	 */
	for (; p < top && chunk_size(p) != 0; p = next_chunk(p))
		if (inuse(p))
			set_head(p, chunk_size(p) | IS_MMAPPED);
	dumped_heap.start = (uintptr_t)ms->sbrk_base;
	dumped_heap.end = (uintptr_t)top;
	return 0;
}

/*
 * realloc() of the dumped chunk @oldp: a new block with as much of the
 * old one as fits (a dumped chunk has one word of overhead, not two);
 * the old one is kept.
 */
void *realloc_dumped(struct malloc_chunk *oldp, size_t bytes)
{
	size_t avail = chunk_size(oldp) - SIZE_SZ;
	void *mem = ptm_malloc(bytes);

	if (mem != NULL)
		memcpy(mem, chunk2mem(oldp), bytes < avail ? bytes : avail);
	return mem;
}
