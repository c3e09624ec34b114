// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The statistics: mallinfo(), mallinfo2() and malloc_stats().
 *
 * All three rest on int_mallinfo(), which adds one arena's figures to a
 * struct mallinfo2 exactly as glibc 2.36 does (the formulas are the same
 * in 2.17): the top chunk always counts as one free block, fast-bin
 * chunks are counted apart from the others, and "in use" is whatever of
 * the arena's system memory is not free.  Nothing is consolidated first
 * and the process-wide counters in mp_ are read without a lock, so the
 * result is not an atomic snapshot of a multi-threaded process.
 *
 * Entry points: ptm_mallinfo(), ptm_mallinfo2(), ptm_malloc_stats(),
 * and int_mallinfo() for malloc_info.c.  The walks over every arena step
 * with arena_list_next() (arena/arena.c).  Nothing here allocates.
 */
#include <stdio.h>
#include <string.h>

#include "../arena/arena.h"
#include "fastbins.h"
#include "internal.h"
#include "ptmalloc.h"
#include "os.h"

/*
 * Whether @av has been set up by malloc_init_state().  The fast-bin
 * limit stays 0 until the main arena is initialised; an arena whose top
 * is still NULL has no bins yet either.  Such an arena reads as empty.
 */
static bool arena_ready(const struct malloc_state *av)
{
	return get_max_fast() != 0 && av->top != NULL;
}

/*
 * Count the fast-bin chunks of @av into *@count and their bytes into
 * *@bytes.  A misaligned entry is reported with glibc 2.36's message and
 * ends the walk of that bin, since following it could fault.
 */
static void count_fastbins(struct malloc_state *av, size_t *count,
			   size_t *bytes)
{
	*count = 0;
	*bytes = 0;
	for (unsigned int i = 0; i < NFASTBINS; i++) {
		for (struct malloc_chunk *p = fastbin_head(fastbin(av, i));
		     p != NULL; p = fastbin_next(p)) {
			if (unlikely(misaligned_chunk(p))) {
				malloc_corruption(
					"int_mallinfo(): unaligned fastbin chunk detected",
					chunk2mem(p));
				break;
			}
			++*count;
			*bytes += chunk_size(p);
		}
	}
}

/*
 * Add the figures of arena @av to @m (caller holds the arena lock):
 * free blocks are top plus every chunk of bins 1..127 (ordblks,
 * fordblks), fast-bin chunks are counted in smblks/fsmblks and are free
 * too (fordblks), in use is the rest of system_mem.  The mmap counters,
 * usmblks and keepcost are set, not added, and only for the main arena.
 */
void int_mallinfo(struct malloc_state *av, struct mallinfo2 *m)
{
	size_t avail = 0;
	size_t nblocks = 1; /* top, even when it has size 0 */
	size_t nfastblocks = 0;
	size_t fastavail = 0;

	if (arena_ready(av)) {
		avail = chunk_size(av->top);
		count_fastbins(av, &nfastblocks, &fastavail);
		avail += fastavail;
		for (unsigned int i = 1; i < NBINS; i++) {
			struct malloc_chunk *b = bin_at(av, i);

			for (struct malloc_chunk *p = bin_last(b); p != b;
			     p = p->bk) {
				nblocks++;
				avail += chunk_size(p);
			}
		}
	}

	m->smblks += nfastblocks;
	m->ordblks += nblocks;
	m->fordblks += avail;
	m->uordblks += av->system_mem - avail;
	m->arena += av->system_mem;
	m->fsmblks += fastavail;
	if (av == &main_arena) {
		m->hblks = (size_t)mp_.n_mmaps;
		m->hblkhd = mp_.mmapped_mem;
		m->usmblks = 0;
		m->keepcost = arena_ready(av) ? chunk_size(av->top) : 0;
	}
}

/* mallinfo2(): the figures of every arena, main arena first, summed. */
struct mallinfo2 ptm_mallinfo2(void)
{
	struct mallinfo2 m;

	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE))
		ptmalloc_init();
	memset(&m, 0, sizeof(m));
	for (struct malloc_state *av = &main_arena; av != NULL;
	     av = arena_list_next(av)) {
		track_enter();
		arena_lock(av);
		int_mallinfo(av, &m);
		arena_unlock(av);
		track_leave();
	}
	return m;
}

/*
 * mallinfo(): mallinfo2() squeezed into the old int fields.  Like glibc
 * the conversion simply truncates (modulo 2^32 in practice), which is
 * why mallinfo() is deprecated.
 */
struct mallinfo ptm_mallinfo(void)
{
	struct mallinfo2 m2 = ptm_mallinfo2();
	struct mallinfo m;

	m.arena = (int)m2.arena;
	m.ordblks = (int)m2.ordblks;
	m.smblks = (int)m2.smblks;
	m.hblks = (int)m2.hblks;
	m.hblkhd = (int)m2.hblkhd;
	m.usmblks = (int)m2.usmblks;
	m.fsmblks = (int)m2.fsmblks;
	m.uordblks = (int)m2.uordblks;
	m.fordblks = (int)m2.fordblks;
	m.keepcost = (int)m2.keepcost;
	return m;
}

/*
 * malloc_stats(): per arena the system and in-use bytes, then the totals
 * including mmapped chunks and the mmap high-water marks, on stderr in
 * glibc's layout (every '=' in column 18, values right-aligned in ten
 * columns, the totals wrapping as unsigned int like glibc's).
 *
 * Each arena's figures are read under its lock and printed after the
 * lock is dropped, so a stdio that allocates (with this library under
 * LD_PRELOAD) cannot deadlock on it.  stderr is unbuffered, so stdio
 * needs no memory of its own here; the FILE lock keeps the report in
 * one piece when several threads print at once.
 *
 * Its writes are cancellation points, and a thread cancelled in one
 * would leave stderr locked for good.  As glibc (2.28 and later) does,
 * the whole report is printed with cancellation held off; a pending
 * request is acted on at the thread's next cancellation point.
 */
void ptm_malloc_stats(void)
{
	char line[256];
	unsigned int in_use_b, system_b;
	int i = 0;
	int cancel_state;

	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE))
		ptmalloc_init();
	in_use_b = system_b = (unsigned int)mp_.mmapped_mem;
	cancel_state = os_cancel_defer();
	flockfile(stderr);
	for (struct malloc_state *av = &main_arena; av != NULL;
	     av = arena_list_next(av), i++) {
		struct mallinfo2 mi;

		memset(&mi, 0, sizeof(mi));
		track_enter();
		arena_lock(av);
		int_mallinfo(av, &mi);
		arena_unlock(av);
		track_leave();
		system_b += (unsigned int)mi.arena;
		in_use_b += (unsigned int)mi.uordblks;
		snprintf(line, sizeof(line),
			 "Arena %d:\n"
			 "system bytes     = %10u\n"
			 "in use bytes     = %10u\n",
			 i, (unsigned int)mi.arena, (unsigned int)mi.uordblks);
		fputs(line, stderr);
	}
	snprintf(line, sizeof(line),
		 "Total (incl. mmap):\n"
		 "system bytes     = %10u\n"
		 "in use bytes     = %10u\n"
		 "max mmap regions = %10u\n"
		 "max mmap bytes   = %10lu\n",
		 system_b, in_use_b, (unsigned int)mp_.max_n_mmaps,
		 (unsigned long)mp_.max_mmapped_mem);
	fputs(line, stderr);
	funlockfile(stderr);
	heapmap_at(HEAPMAP_AT_STATS);
	os_cancel_restore(cancel_state);
}
