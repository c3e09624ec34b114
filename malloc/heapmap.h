/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to the heap map (ptm_heap_map()): what the walker
 * (heapmap.c) tells the two writers, heapmap_text.c and heapmap_svg.c,
 * and the small buffered output all three write through.
 *
 * The walker visits every arena under its lock, every heap of the arena
 * (the main arena's brk heap, or each sub-heap, oldest first) and every
 * chunk of the heap in address order, and hands each one, classified, to
 * the writer's callbacks.  A writer that needs to see a heap twice (the
 * SVG lays a heap out before drawing it) asks for two passes.  Nothing
 * here allocates: the output goes to a descriptor through a static-size
 * buffer, and the walker's lookup table lives on the stack or in a
 * scratch mapping of its own.
 */
#ifndef PTM_HEAPMAP_H
#define PTM_HEAPMAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"

/* What a chunk is, as far as the heap map can tell. */
enum hm_state {
	HM_INUSE, /* handed out (or the cache of another thread) */
	HM_CACHE, /* in the calling thread's per-thread cache */
	HM_FAST, /* in fast bin @bin */
	HM_UNSORTED, /* in the unsorted bin (bin 1) */
	HM_SMALL, /* in small bin @bin (2..63) */
	HM_LARGE, /* in large bin @bin (64..126) */
	HM_TOP, /* the arena's top chunk */
	HM_FREE, /* free by its neighbour's PREV_INUSE, but in no bin */
	HM_FENCE, /* the fenceposts closing a full sub-heap, or a gap */
	HM_BAD, /* an unreadable size: the walk of the heap stops here */
	HM_NSTATES
};

/**
 * struct hm_chunk - one chunk as the walker hands it to a writer.
 * @offset: bytes from the heap's start.
 * @size: its size (without the flag bits).
 * @flags: the flag bits of its size word (PREV_INUSE, IS_MMAPPED,
 *	NON_MAIN_ARENA).
 * @state: what it is.
 * @bin: the fast-bin index, bin number or cache index of @state.
 * @pages: for a free chunk, the whole pages past its header and links,
 *	which malloc_trim() releases (free_chunk_pages()); else 0.
 * @resident: how many of @pages are resident (mincore).
 */
struct hm_chunk {
	size_t offset;
	size_t size;
	unsigned int flags;
	enum hm_state state;
	unsigned int bin;
	size_t pages;
	size_t resident;
};

/**
 * struct hm_heap - one heap of an arena.
 * @arena: the arena's number (0 main, then in list order).
 * @index: the heap's number in its arena, oldest first.
 * @start: its first byte (sbrk_base, or the sub-heap's header).
 * @size: its bytes from @start to its end (the break, or the end of
 *	the sub-heap's read-write part).
 * @first: offset of the first chunk.
 * @top: offset of top when @has_top.
 * @has_top: top is in this heap (the newest sub-heap, or the main heap).
 * @top_pad: M_TOP_PAD, what growing and trimming keep above top.
 * @main: the heap of the main arena (its end is the program break).
 */
struct hm_heap {
	unsigned int arena;
	unsigned int index;
	const char *start;
	size_t size;
	size_t first;
	size_t top;
	bool has_top;
	size_t top_pad;
	bool main;
};

/* Number of fast bins, bins and cache lists a summary counts. */
#define HM_NFAST 10
#define HM_NBINS 128
#define HM_NCACHE 64

/**
 * struct hm_count - chunks and bytes of one list.
 * @chunks: how many.
 * @bytes: their sizes added.
 */
struct hm_count {
	size_t chunks;
	size_t bytes;
};

/**
 * struct hm_bins - the lists of one arena, as the bins summary shows.
 * @fast: each fast bin.
 * @bin: each bin (1 unsorted, 2..63 small, 64..126 large).
 * @cache: each list of the calling thread's cache whose chunks belong
 *	to this arena.
 * @pages: whole free pages malloc_trim() could release (walked chunks).
 * @resident: of them, resident.
 */
struct hm_bins {
	struct hm_count fast[HM_NFAST];
	struct hm_count bin[HM_NBINS];
	struct hm_count cache[HM_NCACHE];
	size_t pages;
	size_t resident;
};

/**
 * struct hm_out - buffered output to a descriptor.
 * @fd: where it goes.
 * @failed: a write failed (the rest is dropped).
 * @len: bytes waiting in @buf.
 * @buf: the bytes not yet written.
 */
struct hm_out {
	int fd;
	bool failed;
	size_t len;
	char buf[4096];
};

/**
 * struct hm_ops - a writer: what it does at each step of the walk.
 * @passes: how many times it wants each heap walked (1 or 2).
 * @begin: once, before the first arena; @narenas arenas with @nheaps
 *	heaps between them follow (as counted just before the walk).
 * @heap: at the start of each pass over a heap.
 * @chunk: for each chunk of the heap, in address order.
 * @heap_end: at the end of each pass over a heap.
 * @arena_end: after the heaps of an arena, with its lists; @walked is
 *	false when its chunks could not be walked (a main arena made of
 *	mmapped pieces).
 * @end: once, after the last arena, with the mmapped chunks' totals.
 */
struct hm_ops {
	int passes;
	void (*begin)(void *w, unsigned int narenas, unsigned int nheaps);
	void (*heap)(void *w, const struct hm_heap *h, int pass);
	void (*chunk)(void *w, const struct hm_chunk *c, int pass);
	void (*heap_end)(void *w, const struct hm_heap *h, int pass);
	void (*arena_end)(void *w, unsigned int arena, bool walked,
			  const struct hm_bins *b);
	void (*end)(void *w, size_t mmapped_chunks, size_t mmapped_bytes);
};

/* heapmap.c */
pt_hidden void hm_putn(struct hm_out *o, const char *s, size_t n);
pt_hidden void hm_puts(struct hm_out *o, const char *s);
pt_hidden pt_printf_like(2, 3) void hm_printf(struct hm_out *o, const char *fmt,
					      ...);
pt_hidden const char *hm_state_name(enum hm_state s);
pt_hidden const char *hm_state_class(enum hm_state s);
pt_hidden bool hm_state_numbered(enum hm_state s);
pt_hidden size_t hm_page_size(void);

/* heapmap_text.c and heapmap_svg.c: write the map to @o (hm_walk()). */
pt_hidden int hm_text_run(struct hm_out *o);
pt_hidden int hm_svg_run(struct hm_out *o);

/* heapmap.c: walk every arena for @ops and writer @w. */
pt_hidden int hm_walk(const struct hm_ops *ops, void *w);

#endif /* PTM_HEAPMAP_H */
