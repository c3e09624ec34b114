// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * malloc_info(): the free lists of every arena as glibc 2.36's XML.
 *
 * Per arena: one <size> line per non-empty fast bin (from/to the bin's
 * size range, total = count * size), one per non-empty bin 2..127 (from
 * and to the smallest and largest raw size words, flag bits included, so
 * free chunks show odd sizes, as in glibc), an <unsorted> line when the
 * unsorted bin holds anything, then the fast and "rest" totals (rest is
 * top plus every binned chunk, top counted since glibc 2.31), the
 * arena's system memory and its address space.  Closing totals add the
 * mmapped chunks.  2.17's format differed (no indentation, no mmap line,
 * rest without top); this file follows 2.36, whose output is the one
 * tools parse today.
 *
 * Each arena is read into a stack structure under its lock and printed
 * after the lock is dropped: fprintf may allocate, and under LD_PRELOAD
 * that allocation comes back here.  Sub-heaps are read under the lock
 * too, as glibc 2.27 and later do.
 *
 * Entry point: ptm_malloc_info().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../arena/arena.h"
#include "fastbins.h"
#include "internal.h"
#include "ptmalloc.h"

/**
 * struct size_line - one <size> (or <unsorted>) line.
 * @from: smallest size in the bin (for a fast bin: its lower bound).
 * @to: largest size in the bin (for a fast bin: its chunk size).
 * @total: sum of the sizes.
 * @count: number of chunks; 0 means the line is not printed.
 */
struct size_line {
	size_t from;
	size_t to;
	size_t total;
	size_t count;
};

/**
 * struct heap_report - what one <heap> element prints.
 * @fast: one line per fast bin.
 * @bins: one line per bin; index 1 is the unsorted bin, 0 is unused.
 * @nfastblocks: chunks in the fast bins.
 * @fastavail: bytes in the fast bins.
 * @nblocks: top plus the chunks in bins 1..127.
 * @avail: top's size plus the raw sizes of the binned chunks.
 * @system_mem: the arena's system_mem.
 * @max_system_mem: the arena's max_system_mem.
 * @aspace: address space of the arena's heap(s).
 * @aspace_mprotect: the part of @aspace made read-write.
 * @subheaps: number of sub-heaps (non-main arenas only).
 * @has_subheaps: whether the subheaps line is printed.
 */
struct heap_report {
	struct size_line fast[NFASTBINS];
	struct size_line bins[NBINS];
	size_t nfastblocks;
	size_t fastavail;
	size_t nblocks;
	size_t avail;
	size_t system_mem;
	size_t max_system_mem;
	size_t aspace;
	size_t aspace_mprotect;
	size_t subheaps;
	bool has_subheaps;
};

/**
 * struct info_totals - the closing totals over all arenas.
 * @nfastblocks: see struct heap_report; summed.
 * @fastavail: summed.
 * @nblocks: summed.
 * @avail: summed.
 * @system: summed system_mem.
 * @max_system: summed max_system_mem.
 * @aspace: summed aspace.
 * @aspace_mprotect: summed aspace_mprotect.
 */
struct info_totals {
	size_t nfastblocks;
	size_t fastavail;
	size_t nblocks;
	size_t avail;
	size_t system;
	size_t max_system;
	size_t aspace;
	size_t aspace_mprotect;
};

/*
 * Fill the fast-bin lines of @r from @av.  As in glibc, a bin's size is
 * read from its first chunk only and total is count times that size.  A
 * misaligned entry is reported with glibc 2.36's message and ends the
 * walk of that bin.
 */
static void collect_fastbins(struct malloc_state *av, struct heap_report *r)
{
	for (unsigned int i = 0; i < NFASTBINS; i++) {
		struct malloc_chunk *p = fastbin_head(fastbin(av, i));
		struct size_line *l = &r->fast[i];

		if (p == NULL || misaligned_chunk(p))
			l->to = 0;
		else
			l->to = chunk_size(p);
		for (; p != NULL; p = fastbin_next(p)) {
			if (unlikely(misaligned_chunk(p))) {
				malloc_corruption(
					"__malloc_info(): unaligned fastbin chunk detected",
					chunk2mem(p));
				break;
			}
			l->count++;
		}
		if (l->count != 0)
			l->from = l->to - (MALLOC_ALIGNMENT - 1);
		l->total = l->count * l->to;
		r->nfastblocks += l->count;
		r->fastavail += l->total;
	}
}

/*
 * Fill the bin lines of @r from @av: count, sum, minimum and maximum of
 * the raw size words (flags included, as glibc prints them).
 */
static void collect_bins(struct malloc_state *av, struct heap_report *r)
{
	for (unsigned int i = 1; i < NBINS; i++) {
		struct malloc_chunk *b = bin_at(av, i);
		struct size_line *l = &r->bins[i];

		l->from = ~(size_t)0;
		for (struct malloc_chunk *p = b->fd; p != NULL && p != b;
		     p = p->fd) {
			size_t size = chunk_size_nomask(p);

			l->count++;
			l->total += size;
			if (size < l->from)
				l->from = size;
			if (size > l->to)
				l->to = size;
		}
		if (l->count == 0)
			l->from = 0;
		r->nblocks += l->count;
		r->avail += l->total;
	}
}

/*
 * The address space of @av's heap(s).  For the main arena it is simply
 * system_mem (twice: all of it is read-write).  For a non-main arena,
 * as glibc 2.27 and later: the sizes and read-write sizes summed over
 * its sub-heaps, from the one holding top back through prev, and their
 * number (the subheaps line).
 */
static void collect_aspace(struct malloc_state *av, struct heap_report *r)
{
	if (av == &main_arena) {
		r->aspace = av->system_mem;
		r->aspace_mprotect = av->system_mem;
		return;
	}
	r->has_subheaps = true;
	for (struct heap_info *h = heap_for_ptr(av->top); h != NULL;
	     h = h->prev) {
		r->aspace += h->size;
		r->aspace_mprotect += h->mprotect_size;
		r->subheaps++;
	}
}

/* Read everything one <heap> element prints from @av (lock held). */
static void collect_heap(struct malloc_state *av, struct heap_report *r)
{
	memset(r, 0, sizeof(*r));
	r->nblocks = 1; /* top always counts */
	if (get_max_fast() != 0 && av->top != NULL) {
		r->avail = chunk_size(av->top);
		collect_fastbins(av, r);
		collect_bins(av, r);
	}
	r->system_mem = av->system_mem;
	r->max_system_mem = av->max_system_mem;
	collect_aspace(av, r);
}

/* Print one <size> or <unsorted> line. */
static void print_size_line(FILE *fp, const char *tag,
			    const struct size_line *l)
{
	fprintf(fp,
		"  <%s from=\"%zu\" to=\"%zu\" total=\"%zu\" count=\"%zu\"/>\n",
		tag, l->from, l->to, l->total, l->count);
}

/* Print the <heap> element number @nr and add its figures to @t. */
static void print_heap(FILE *fp, int nr, const struct heap_report *r,
		       struct info_totals *t)
{
	fprintf(fp, "<heap nr=\"%d\">\n<sizes>\n", nr);
	for (unsigned int i = 0; i < NFASTBINS; i++)
		if (r->fast[i].count != 0)
			print_size_line(fp, "size", &r->fast[i]);
	for (unsigned int i = 2; i < NBINS; i++)
		if (r->bins[i].count != 0)
			print_size_line(fp, "size", &r->bins[i]);
	if (r->bins[1].count != 0)
		print_size_line(fp, "unsorted", &r->bins[1]);
	fprintf(fp,
		"</sizes>\n<total type=\"fast\" count=\"%zu\" size=\"%zu\"/>\n"
		"<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
		"<system type=\"current\" size=\"%zu\"/>\n"
		"<system type=\"max\" size=\"%zu\"/>\n"
		"<aspace type=\"total\" size=\"%zu\"/>\n"
		"<aspace type=\"mprotect\" size=\"%zu\"/>\n",
		r->nfastblocks, r->fastavail, r->nblocks, r->avail,
		r->system_mem, r->max_system_mem, r->aspace,
		r->aspace_mprotect);
	if (r->has_subheaps)
		fprintf(fp, "<aspace type=\"subheaps\" size=\"%zu\"/>\n",
			r->subheaps);
	fputs("</heap>\n", fp);

	t->nfastblocks += r->nfastblocks;
	t->fastavail += r->fastavail;
	t->nblocks += r->nblocks;
	t->avail += r->avail;
	t->system += r->system_mem;
	t->max_system += r->max_system_mem;
	t->aspace += r->aspace;
	t->aspace_mprotect += r->aspace_mprotect;
}

/*
 * malloc_info(): write the XML report to @fp.  @options must be 0 (no
 * option is defined); anything else returns EINVAL, without touching
 * errno, as glibc does.  Returns 0 otherwise, whatever fprintf did.
 */
int ptm_malloc_info(int options, FILE *fp)
{
	struct info_totals t;
	struct heap_report r;
	struct malloc_state *av = &main_arena;
	int nr = 0;

	if (options != 0)
		return EINVAL;
	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE))
		ptmalloc_init();
	memset(&t, 0, sizeof(t));
	fputs("<malloc version=\"1\">\n", fp);
	do {
		track_enter();
		arena_lock(av);
		collect_heap(av, &r);
		arena_unlock(av);
		av = arena_list_next(av);
		track_leave();
		print_heap(fp, nr++, &r, &t);
	} while (av != NULL);

	fprintf(fp,
		"<total type=\"fast\" count=\"%zu\" size=\"%zu\"/>\n"
		"<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
		"<total type=\"mmap\" count=\"%d\" size=\"%zu\"/>\n"
		"<system type=\"current\" size=\"%zu\"/>\n"
		"<system type=\"max\" size=\"%zu\"/>\n"
		"<aspace type=\"total\" size=\"%zu\"/>\n"
		"<aspace type=\"mprotect\" size=\"%zu\"/>\n"
		"</malloc>\n",
		t.nfastblocks, t.fastavail, t.nblocks, t.avail, mp_.n_mmaps,
		mp_.mmapped_mem, t.system, t.max_system, t.aspace,
		t.aspace_mprotect);
	return 0;
}
