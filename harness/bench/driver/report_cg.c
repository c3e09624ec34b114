// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * report_cg.c: the instruction counts of callgrind.c in the report.
 *
 *	report_cg_console   the per-call counts on standard output
 *	report_cg_markdown  their sections of docs/bench.md: per call (the
 *			    pairs of each size, the consolidation) and per
 *			    workload
 *
 * The targets on these counts are judged with the others, in report.c.
 */
#include <stdio.h>

#include "driver.h"

/*
 * The path each size of bench_sizes[] takes in glibc's algorithm, with
 * the cache off and on (64-bit: fast bins up to 128-byte chunks, the
 * cache up to 1032-byte requests).
 */
static const char *const size_path[NSIZES] = {
	[PS_32] = "a fast bin; the cache",
	[PS_128] = "the small bins (the bin path); the cache",
	[PS_1024] = "the small bins (the bin path); the cache",
	[PS_4K] = "a large-bin size, taken from and freed into the top, in "
		  "both modes",
	[PS_64K] = "the same",
};

/* The allocators whose consolidation is counted, in column order. */
static const int cons_of[] = { A_PTM, A_PTM_TC, A_GLIBC, A_GLIBC_NOTC };

/* Instructions per consolidated chunk in FP, or -1. */
static double per_chunk(const struct fastpath *fp)
{
	if (fp->consolidate < 0 || fp->fastchunks <= 0)
		return -1;
	return fp->consolidate / (double)fp->fastchunks;
}

void report_cg_console(const struct bench *b)
{
	if (!b->callgrind)
		return;
	printf("\nInstructions per malloc+free pair (callgrind)\n");
	for (int a = 0; a < NALLOC; a++) {
		printf("%-10s", b->alloc[a].key);
		for (int s = 0; s < NSIZES; s++)
			printf(" %5zu B: %6.1f", bench_sizes[s],
			       b->fast[a].per_pair[s]);
		printf("\n");
	}
	printf("\nInstructions per consolidation (callgrind)\n");
	for (size_t i = 0; i < sizeof(cons_of) / sizeof(cons_of[0]); i++) {
		const struct fastpath *fp = &b->fast[cons_of[i]];

		printf("%-10s %8.0f for %ld chunks, %6.1f per chunk\n",
		       b->alloc[cons_of[i]].key, fp->consolidate,
		       fp->fastchunks, per_chunk(fp));
	}
}

/* The table of instructions per pair, one column per size. */
static void md_pairs(FILE *f, const struct bench *b)
{
	fprintf(f,
		"## Instructions per call\n\n"
		"### malloc+free pairs\n\n"
		"`valgrind --tool=callgrind` on harness/bench/pair.c: the "
		"instructions executed inside malloc and free (callees "
		"included, the loop excluded), (cost of 2N pairs - cost of N "
		"pairs) / N with N = %ld, after a warm-up, with 64 blocks of "
		"the same size kept allocated.%s  What each size measures "
		"(cache off; cache on):\n\n",
		b->pair_iters,
		b->cg_lib != NULL ?
			"  ptmalloc runs here from a build with "
			"-DPTM_NO_VALGRIND: the default build turns its "
			"memcheck annotations on under any valgrind tool, "
			"while natively each costs only a load and a branch "
			"(about 2 instructions per call left out)." :
			"");
	for (int s = 0; s < NSIZES; s++)
		fprintf(f, "- %zu B: %s\n", bench_sizes[s], size_path[s]);
	fprintf(f, "\n| allocator |");
	for (int s = 0; s < NSIZES; s++)
		fprintf(f, " %zu B |", bench_sizes[s]);
	fprintf(f, "\n| --- |");
	for (int s = 0; s < NSIZES; s++)
		fprintf(f, " ---: |");
	fprintf(f, "\n");
	for (int a = 0; a < NALLOC; a++) {
		fprintf(f, "| %s |", b->alloc[a].key);
		for (int s = 0; s < NSIZES; s++)
			fprintf(f, " %.1f |", b->fast[a].per_pair[s]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

/* The table of instructions per consolidation. */
static void md_consolidation(FILE *f, const struct bench *b)
{
	fprintf(f,
		"### Consolidation of the fast bins\n\n"
		"harness/bench/consolidate.c under callgrind: %ld rounds, "
		"each freeing %d blocks of 24, 56 and 120 B that border the "
		"top chunk (those a cache takes first, the rest in a shuffled "
		"order into the fast bins), then making a large malloc+free, "
		"which consolidates them (glibc's `malloc_consolidate`), and "
		"the same pair again with the fast bins empty; the difference "
		"of the two, per round, is one consolidation.\n\n"
		"| allocator | per consolidation | fast chunks | per chunk |\n"
		"| --- | ---: | ---: | ---: |\n",
		b->cons_rounds, CONS_N);
	for (size_t i = 0; i < sizeof(cons_of) / sizeof(cons_of[0]); i++) {
		const struct fastpath *fp = &b->fast[cons_of[i]];

		fprintf(f, "| %s | %.0f | %ld | %.1f |\n",
			b->alloc[cons_of[i]].key, fp->consolidate,
			fp->fastchunks, per_chunk(fp));
	}
	fprintf(f, "\n");
}

/* Where the first size's pair spends its instructions. */
static void md_hot(FILE *f, const struct bench *b)
{
	static const int hot_of[] = { A_PTM, A_PTM_TC, A_GLIBC };

	fprintf(f,
		"Where the %zu B pair spends its instructions (self "
		"instructions per pair, averaged over all 3N pairs):\n\n",
		bench_sizes[0]);
	for (size_t i = 0; i < sizeof(hot_of) / sizeof(hot_of[0]); i++) {
		const struct fastpath *fp = &b->fast[hot_of[i]];

		fprintf(f, "- %s:", b->alloc[hot_of[i]].key);
		for (int h = 0; h < fp->nhot; h++)
			if (fp->hot[h].ir >= 0.5)
				fprintf(f, "%s `%s` %.1f", h ? "," : "",
					fp->hot[h].name, fp->hot[h].ir);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

/* Allocator instructions per workload, and where ptmalloc spends them. */
static void md_counts(FILE *f, const struct bench *b)
{
	static const int cols[] = { A_PTM, A_PTM_TC, A_GLIBC, A_GLIBC_NOTC };

	fprintf(f,
		"## Instructions per workload\n\n"
		"Millions of instructions executed inside the allocator (its "
		"shared object; for glibc, the functions of libc's malloc/ "
		"sources) by each workload at scale " IR_SCALE
		", counted by callgrind: unlike the times, these do not depend "
		"on the load of the machine, but they ignore cache misses, "
		"lock waits and the kernel (page faults, brk, mmap).\n\n"
		"| workload | ptm | ptm-tc | glibc | glibc-tc0 | "
		"classic / glibc tc0 | tcache / glibc |\n"
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int w = 0; w < b->nwork; w++) {
		const struct wl_count *c = b->count[w];

		fprintf(f, "| %s |", b->work[w].name);
		for (size_t i = 0; i < 4; i++)
			fprintf(f, " %.2f |", c[cols[i]].alloc / 1e6);
		fprintf(f, " %.2f | %.2f |\n",
			c[A_PTM].alloc / c[A_GLIBC_NOTC].alloc,
			c[A_PTM_TC].alloc / c[A_GLIBC].alloc);
	}
	fprintf(f, "\nptmalloc classic's hot spots per workload (self "
		   "instructions, share of its allocator instructions):\n\n");
	for (int w = 0; w < b->nwork; w++) {
		const struct wl_count *c = &b->count[w][A_PTM];

		fprintf(f, "- %s:", b->work[w].name);
		for (int h = 0; h < c->nhot; h++)
			fprintf(f, "%s `%s` %.0f%%", h ? "," : "",
				c->hot[h].name, 100 * c->hot[h].ir / c->alloc);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

void report_cg_markdown(FILE *f, const struct bench *b)
{
	if (!b->callgrind)
		return;
	md_pairs(f, b);
	md_consolidation(f, b);
	md_hot(f, b);
	if (b->counted)
		md_counts(f, b);
}
