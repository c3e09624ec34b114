// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap map as text (ptm_heap_map(fd, PTM_HEAPMAP_TEXT)): a header
 * line per heap, one line per chunk, then each arena's lists and its
 * free pages.  For example, five malloc(16) on a fresh heap:
 *
 *	ptmalloc heap map: 1 arena, page size 4096
 *	arena 0 heap 0 (main): start 0x55d4c6f2e000, 135168 bytes, ...
 *	      offset       size flags state          pages resident
 *	         0x0         32 P--   in use
 *	         ...
 *	        0xa0     135008 P--   top               32        1
 *	arena 0 lists: none
 *	arena 0 free pages: 32, resident 1
 *	mmapped chunks: 0, 0 bytes
 *
 * Entry point: hm_text_run().  The walk is heapmap.c's.
 */
#include "heapmap.h"
#include "internal.h"

/* The flag bits of a size word as three letters: P, M and A, or '-'. */
static void hm_flag_letters(unsigned int flags, char out[4])
{
	out[0] = flags & PREV_INUSE ? 'P' : '-';
	out[1] = flags & IS_MMAPPED ? 'M' : '-';
	out[2] = flags & NON_MAIN_ARENA ? 'A' : '-';
	out[3] = '\0';
}

/* The state of @c with its list number where it has one. */
static void hm_state_text(const struct hm_chunk *c, char *buf, size_t cap)
{
	const char *name = hm_state_name(c->state);

	if (hm_state_numbered(c->state))
		snprintf(buf, cap, "%s %u", name, c->bin);
	else
		snprintf(buf, cap, "%s", name);
}

static void text_begin(void *w, unsigned int narenas, unsigned int nheaps)
{
	(void)nheaps;
	hm_printf(w, "ptmalloc heap map: %u arena%s, page size %zu\n", narenas,
		  narenas == 1 ? "" : "s", hm_page_size());
}

static void text_heap(void *w, const struct hm_heap *h, int pass)
{
	(void)pass;
	hm_printf(
		w,
		"arena %u heap %u (%s): start %p, %zu bytes, first chunk +0x%zx",
		h->arena, h->index, h->main ? "main" : "sub-heap",
		(const void *)h->start, h->size, h->first);
	if (h->has_top)
		hm_printf(w, ", top +0x%zx, top_pad %zu", h->top, h->top_pad);
	hm_printf(w, ", %s +0x%zx\n", h->main ? "brk" : "end", h->size);
	hm_printf(w, "%12s %10s %-5s %-14s %6s %8s\n", "offset", "size",
		  "flags", "state", "pages", "resident");
}

static void text_chunk(void *w, const struct hm_chunk *c, int pass)
{
	char off[24], flags[4], state[32];

	(void)pass;
	snprintf(off, sizeof(off), "0x%zx", c->offset);
	hm_flag_letters(c->flags, flags);
	hm_state_text(c, state, sizeof(state));
	if (c->pages == 0) {
		hm_printf(w, "%12s %10zu %-5s %s\n", off, c->size, flags,
			  state);
		return;
	}
	hm_printf(w, "%12s %10zu %-5s %-14s %6zu %8zu\n", off, c->size, flags,
		  state, c->pages, c->resident);
}

static void text_heap_end(void *w, const struct hm_heap *h, int pass)
{
	(void)w;
	(void)h;
	(void)pass;
}

/* One line of the lists summary, when list @count is not empty. */
static void text_list(void *w, const char *name, unsigned int n,
		      const struct hm_count *count, bool numbered)
{
	char label[32];

	if (count->chunks == 0)
		return;
	if (numbered)
		snprintf(label, sizeof(label), "%s %u", name, n);
	else
		snprintf(label, sizeof(label), "%s", name);
	hm_printf(w, "  %-14s %8zu chunk%s %12zu bytes\n", label, count->chunks,
		  count->chunks == 1 ? " " : "s", count->bytes);
}

/* Whether any list of @b holds a chunk. */
static bool text_any_list(const struct hm_bins *b)
{
	for (unsigned int i = 0; i < HM_NFAST; i++)
		if (b->fast[i].chunks != 0)
			return true;
	for (unsigned int i = 0; i < HM_NBINS; i++)
		if (b->bin[i].chunks != 0)
			return true;
	for (unsigned int i = 0; i < HM_NCACHE; i++)
		if (b->cache[i].chunks != 0)
			return true;
	return false;
}

static void text_arena_end(void *w, unsigned int arena, bool walked,
			   const struct hm_bins *b)
{
	if (!walked)
		hm_printf(w, "arena %u: not walked (made of mmapped pieces)\n",
			  arena);
	hm_printf(w, "arena %u lists:%s\n", arena,
		  text_any_list(b) ? "" : " none");
	for (unsigned int i = 0; i < HM_NCACHE; i++)
		text_list(w, "cache", i, &b->cache[i], true);
	for (unsigned int i = 0; i < HM_NFAST; i++)
		text_list(w, "fast bin", i, &b->fast[i], true);
	text_list(w, "unsorted", 1, &b->bin[1], false);
	for (unsigned int i = 2; i < HM_NBINS; i++)
		text_list(w, i < NSMALLBINS ? "small bin" : "large bin", i,
			  &b->bin[i], true);
	hm_printf(w, "arena %u free pages: %zu, resident %zu\n", arena,
		  b->pages, b->resident);
}

static void text_end(void *w, size_t mmapped_chunks, size_t mmapped_bytes)
{
	hm_printf(w, "mmapped chunks: %zu, %zu bytes\n", mmapped_chunks,
		  mmapped_bytes);
}

static const struct hm_ops text_ops = {
	.passes = 1,
	.begin = text_begin,
	.heap = text_heap,
	.chunk = text_chunk,
	.heap_end = text_heap_end,
	.arena_end = text_arena_end,
	.end = text_end,
};

/* Write the text map to @o. */
int hm_text_run(struct hm_out *o)
{
	return hm_walk(&text_ops, o);
}
