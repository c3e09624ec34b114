// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap map: a walk of every arena that classifies each chunk (in
 * use, cached, fast bin N, unsorted, small or large bin N, top) and
 * counts the resident pages of the free ones, for the two writers of
 * heapmap_text.c and heapmap_svg.c.  glibc has no such thing: its
 * malloc_info() and malloc_stats() give totals per arena only.
 *
 * Entry points:
 *   ptm_heap_map()  public: write the map of every arena to a descriptor.
 *   hm_walk()       the walk, for the writers.
 *   hm_putn() and friends: the writers' buffered output.
 *
 * How a chunk is classified: a chunk's own header cannot tell a fast-bin
 * or cached chunk from one in use (both leave PREV_INUSE set), so the
 * walk first follows every list of the arena (the fast bins, the bins,
 * and the calling thread's cache: other threads' caches are theirs
 * alone, and their chunks read as in use) into a hash table keyed by
 * chunk address, then looks each chunk of the address-order walk up in
 * it: O(n) for n chunks, so that a heap of a million chunks maps in
 * about a second.  The table is on the stack for a few hundred free
 * chunks, else in a scratch mapping (one mmap and munmap, seen by the
 * system-call trace) that is never part of a heap.
 *
 * Safety: nothing allocates, so the map can be taken from the drop-in
 * (where stdio's buffers would come from this allocator) and while
 * other threads allocate; each arena is locked for its walk, as
 * malloc_stats() locks it, and the arena list is followed with acquire
 * loads (arena_list_next()).  Output is written under the lock with
 * write(2): a writer blocked on a full pipe holds up that arena only.
 * Lists are followed a bounded number of steps and stop at a misaligned
 * link, so a corrupt heap gives a wrong map rather than a hang.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#include "../arena/arena.h"
#include "heapmap.h"
#include "fastbins.h"
#include "internal.h"
#include "os.h"
#include "ptmalloc.h"
#include "tcache.h"

/* Write out what is waiting in @o's buffer. */
static void hm_flush(struct hm_out *o)
{
	if (o->len > 0 && !o->failed && os_write_fd(o->fd, o->buf, o->len))
		o->failed = true;
	o->len = 0;
}

/* Append @n bytes of @s, flushing whenever the buffer fills. */
void hm_putn(struct hm_out *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(o->buf) - o->len;
		size_t k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == sizeof(o->buf))
			hm_flush(o);
	}
}

void hm_puts(struct hm_out *o, const char *s)
{
	hm_putn(o, s, strlen(s));
}

/*
 * printf() into @o, through a line buffer on the stack (vsnprintf with
 * numbers and short strings does not allocate).  Longer output is cut.
 */
void hm_printf(struct hm_out *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	hm_putn(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
}

/*
 * What each state is called: its name in both formats, and the SVG
 * class (s-NAME) that carries its colour.
 */
static const char *const hm_states[HM_NSTATES][2] = {
	[HM_INUSE] = { "in use", "inuse" },
	[HM_CACHE] = { "cache", "cache" },
	[HM_FAST] = { "fast bin", "fast" },
	[HM_UNSORTED] = { "unsorted", "unsorted" },
	[HM_SMALL] = { "small bin", "small" },
	[HM_LARGE] = { "large bin", "large" },
	[HM_TOP] = { "top", "top" },
	[HM_FREE] = { "free (no bin)", "free" },
	[HM_FENCE] = { "fencepost", "fence" },
	[HM_BAD] = { "unreadable", "bad" },
};

const char *hm_state_name(enum hm_state s)
{
	return s < HM_NSTATES ? hm_states[s][0] : "?";
}

const char *hm_state_class(enum hm_state s)
{
	return s < HM_NSTATES ? hm_states[s][1] : "mixed";
}

/* Whether chunks in state @s carry a list number (fast bin 3, ...). */
bool hm_state_numbered(enum hm_state s)
{
	return s == HM_FAST || s == HM_SMALL || s == HM_LARGE || s == HM_CACHE;
}

size_t hm_page_size(void)
{
	return os_page_size();
}

/**
 * struct hm_slot - one entry of the lookup table.
 * @key: the chunk's address, 0 for an empty slot.
 * @state: its list's state.
 * @bin: its list's number.
 */
struct hm_slot {
	uintptr_t key;
	unsigned int state;
	unsigned int bin;
};

/* Slots kept on the stack; beyond, the table is a scratch mapping. */
#define HM_LOCAL_SLOTS 256

/**
 * struct hm_table - the free chunks of one arena, by address.
 * @slots: the table (@local or @map), a power of two long.
 * @mask: its length minus one.
 * @map: the scratch mapping, or NULL.
 * @map_len: its length.
 * @local: the table of a small arena.
 */
struct hm_table {
	struct hm_slot *slots;
	size_t mask;
	void *map;
	size_t map_len;
	struct hm_slot local[HM_LOCAL_SLOTS];
};

/* The first slot to probe for @key. */
static size_t hm_hash(const struct hm_table *t, uintptr_t key)
{
	uint64_t h = (uint64_t)(key >> 4) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ (h >> 29)) & t->mask;
}

/* Enter @p with @state and @bin (a chunk listed twice keeps the first). */
static void hm_insert(struct hm_table *t, const void *p, enum hm_state state,
		      unsigned int bin)
{
	uintptr_t key = (uintptr_t)p;
	size_t i = hm_hash(t, key);

	while (t->slots[i].key != 0 && t->slots[i].key != key)
		i = (i + 1) & t->mask;
	if (t->slots[i].key == key)
		return;
	t->slots[i] = (struct hm_slot){ key, state, bin };
}

/* The slot of @p, or NULL when no list holds it. */
static const struct hm_slot *hm_lookup(const struct hm_table *t, const void *p)
{
	uintptr_t key = (uintptr_t)p;

	for (size_t i = hm_hash(t, key); t->slots[i].key != 0;
	     i = (i + 1) & t->mask)
		if (t->slots[i].key == key)
			return &t->slots[i];
	return NULL;
}

/* Make @t room for @n chunks at most half full; 0, or -1 (ENOMEM). */
static int hm_table_init(struct hm_table *t, size_t n)
{
	size_t len = HM_LOCAL_SLOTS;

	while (len < 2 * n)
		len *= 2;
	t->mask = len - 1;
	t->map = NULL;
	if (len == HM_LOCAL_SLOTS) {
		t->slots = t->local;
		memset(t->local, 0, sizeof(t->local));
		return 0;
	}
	t->map_len = len * sizeof(struct hm_slot);
	t->map = os_mmap(NULL, t->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		return -1;
	}
	t->slots = t->map;
	return 0;
}

static void hm_table_free(struct hm_table *t)
{
	if (t->map != NULL)
		os_munmap(t->map, t->map_len);
}

/**
 * struct hm_lists - a walk over the lists of one arena.
 * @av: the arena.
 * @bins: the counts per list (filled by the counting walk).
 * @table: the table to fill, or NULL for the counting walk.
 * @total: chunks met.
 * @limit: the most steps any one list may take (a loop ends there).
 */
struct hm_lists {
	struct malloc_state *av;
	struct hm_bins *bins;
	struct hm_table *table;
	size_t total;
	size_t limit;
};

/* Count or enter the chunk @p of list @state @bin into its @count. */
static void hm_listed(struct hm_lists *l, const struct malloc_chunk *p,
		      enum hm_state state, unsigned int bin,
		      struct hm_count *count)
{
	l->total++;
	if (l->table != NULL) {
		hm_insert(l->table, p, state, bin);
		return;
	}
	count->chunks++;
	count->bytes += chunk_size(p);
}

/* The fast bins of @l's arena. */
static void hm_fast_lists(struct hm_lists *l)
{
	for (unsigned int i = 0; i < NFASTBINS && i < HM_NFAST; i++) {
		struct malloc_chunk *p = fastbin_head(fastbin(l->av, i));

		for (size_t k = 0;
		     p != NULL && !misaligned_chunk(p) && k < l->limit;
		     k++, p = fastbin_next(p))
			hm_listed(l, p, HM_FAST, i, &l->bins->fast[i]);
	}
}

/* The bins of @l's arena: 1 unsorted, 2..63 small, 64..126 large. */
static void hm_bin_lists(struct hm_lists *l)
{
	for (unsigned int i = 1; i < NBINS && i < HM_NBINS; i++) {
		struct malloc_chunk *b = bin_at(l->av, i);
		enum hm_state s = i == 1	 ? HM_UNSORTED :
				  i < NSMALLBINS ? HM_SMALL :
						   HM_LARGE;
		struct malloc_chunk *p = bin_last(b);

		for (size_t k = 0;
		     p != b && !misaligned_chunk(p) && k < l->limit;
		     k++, p = p->bk)
			hm_listed(l, p, s, i, &l->bins->bin[i]);
	}
}

/* The calling thread's cache lists whose chunks belong to @l's arena. */
static void hm_cache_lists(struct hm_lists *l)
{
	if (tcache == NULL)
		return;
	for (unsigned int i = 0; i < mp_.tcache_bins && i < HM_NCACHE; i++) {
		struct tcache_entry *e = tcache->entries[i];

		for (unsigned int k = 0; e != NULL && k < tcache->counts[i] &&
					 !misaligned_chunk(mem2chunk(e));
		     k++, e = reveal_ptr((void **)&e->next)) {
			struct malloc_chunk *p = mem2chunk(e);

			if (arena_for_chunk(p) == l->av)
				hm_listed(l, p, HM_CACHE, i,
					  &l->bins->cache[i]);
		}
	}
}

/*
 * Follow every list of @av (lock held): count them into @bins, then
 * enter them into @t.  0, or -1 when the table cannot be had.
 */
static int hm_lists_load(struct malloc_state *av, struct hm_bins *bins,
			 struct hm_table *t)
{
	struct hm_lists l = { .av = av, .bins = bins };

	l.limit = av->system_mem / MINSIZE + 1;
	memset(bins, 0, sizeof(*bins));
	hm_fast_lists(&l);
	hm_bin_lists(&l);
	hm_cache_lists(&l);
	if (hm_table_init(t, l.total) != 0)
		return -1;
	l.table = t;
	hm_fast_lists(&l);
	hm_bin_lists(&l);
	hm_cache_lists(&l);
	return 0;
}

/**
 * struct hm_walk - the state of the walk of one arena.
 * @ops: the writer's callbacks.
 * @w: the writer.
 * @av: the arena (locked).
 * @table: its listed chunks.
 * @bins: its summary.
 */
struct hm_walk {
	const struct hm_ops *ops;
	void *w;
	struct malloc_state *av;
	struct hm_table *table;
	struct hm_bins *bins;
};

/* Set @c's pages and resident pages, for a free chunk at @p. */
static void hm_pages(struct hm_chunk *c, const struct malloc_chunk *p)
{
	size_t ps = os_page_size();
	unsigned char vec[256];
	uintptr_t start;
	size_t len = free_chunk_pages(p, c->size, ps, &start);

	c->pages = len / ps;
	c->resident = 0;
	while (len > 0) {
		size_t n = len / ps < sizeof(vec) ? len / ps : sizeof(vec);

		if (os_mincore((void *)start, n * ps, vec) != 0)
			return;
		for (size_t i = 0; i < n; i++)
			c->resident += vec[i] & 1;
		start += n * ps;
		len -= n * ps;
	}
}

/* Classify the chunk @p (not top) of a heap that ends at @end. */
static void hm_classify(const struct hm_walk *wk, const struct malloc_chunk *p,
			const char *end, struct hm_chunk *c)
{
	const struct hm_slot *s = hm_lookup(wk->table, p);
	const struct malloc_chunk *next = next_chunk(p);

	c->state = HM_INUSE;
	c->bin = 0;
	if (s != NULL) {
		c->state = s->state;
		c->bin = s->bin;
	} else if ((const char *)next < end && !prev_inuse(next)) {
		c->state = HM_FREE;
	}
}

/*
 * The next chunk of the walk at @p of heap @h (which ends at @end),
 * described into @c; returns the chunk after it, or NULL at the end.
 * Top ends the walk; a fencepost ends it too, unless top lies beyond
 * (a foreign sbrk's gap in the main heap), where the walk goes on at
 * top; an unreadable size covers the rest.
 */
static const char *hm_step(const struct hm_walk *wk, const char *p,
			   const char *end, struct hm_chunk *c)
{
	const struct malloc_chunk *ch = (const struct malloc_chunk *)p;
	const char *top = (const char *)wk->av->top;
	size_t size = chunk_size(ch);

	c->size = size;
	c->flags = (unsigned int)(load_size_word(ch) & SIZE_BITS);
	c->pages = c->resident = 0;
	c->bin = 0;
	if (p == top) {
		c->state = HM_TOP;
		c->size = size < (size_t)(end - p) ? size : (size_t)(end - p);
		return NULL;
	}
	if (size < MINSIZE) {
		c->state = HM_FENCE;
		c->size = (size_t)((top > p && top < end ? top : end) - p);
		return p + c->size < end ? p + c->size : NULL;
	}
	if (!aligned_ok(size) || size >= (size_t)(end - p)) {
		c->state = HM_BAD;
		c->size = (size_t)(end - p);
		return NULL;
	}
	hm_classify(wk, ch, end, c);
	return p + size;
}

/* Whether chunks in state @s are free (their pages are counted). */
static bool hm_free_state(enum hm_state s)
{
	return s != HM_INUSE && s != HM_CACHE && s != HM_FENCE && s != HM_BAD;
}

/* Walk heap @h, ending at @end, once per pass of the writer. */
static void hm_heap_walk(struct hm_walk *wk, const struct hm_heap *h)
{
	const char *end = h->start + h->size;

	for (int pass = 0; pass < wk->ops->passes; pass++) {
		bool last = pass == wk->ops->passes - 1;
		const char *p = h->start + h->first;

		wk->ops->heap(wk->w, h, pass);
		while (p != NULL && p < end) {
			struct hm_chunk c;
			const char *next = hm_step(wk, p, end, &c);

			c.offset = (size_t)(p - h->start);
			if (hm_free_state(c.state))
				hm_pages(&c, (const struct malloc_chunk *)p);
			if (last) {
				wk->bins->pages += c.pages;
				wk->bins->resident += c.resident;
			}
			wk->ops->chunk(wk->w, &c, pass);
			p = next;
		}
		wk->ops->heap_end(wk->w, h, pass);
	}
}

/* The offset of the first chunk after @hdr bytes of header at @start. */
static size_t hm_first_offset(const char *start, size_t hdr)
{
	uintptr_t mis = (uintptr_t)chunk2mem(
				(const struct malloc_chunk *)(start + hdr)) &
			MALLOC_ALIGN_MASK;

	return hdr + (mis ? MALLOC_ALIGNMENT - mis : 0);
}

/*
 * The main arena's heap, when it can be walked: contiguous, with memory,
 * top inside it.  False for a main arena made of mmapped pieces.
 */
static bool hm_main_heap(const struct malloc_state *av, struct hm_heap *h)
{
	const char *base = mp_.sbrk_base;
	const char *top = (const char *)av->top;

	if (!contiguous(av) || base == NULL || top < base ||
	    top >= base + av->system_mem)
		return false;
	h->start = base;
	h->size = (size_t)(top + chunk_size(av->top) - base);
	h->first = hm_first_offset(base, 0);
	h->top = (size_t)(top - base);
	h->has_top = true;
	h->main = true;
	return true;
}

/* More sub-heaps than any arena has: a longer chain is a loop. */
#define HM_MAX_HEAPS (1U << 20)

/* The sub-heap @depth steps before the newest one of @av. */
static struct heap_info *hm_sub_heap(const struct malloc_state *av,
				     size_t depth)
{
	struct heap_info *hi = heap_for_ptr(av->top);

	while (depth-- > 0 && hi != NULL)
		hi = hi->prev;
	return hi;
}

/* Walk the sub-heaps of the non-main arena @av, oldest first. */
static void hm_sub_heaps(struct hm_walk *wk, struct hm_heap *h)
{
	size_t n = 0;

	for (struct heap_info *hi = heap_for_ptr(wk->av->top);
	     hi != NULL && n < HM_MAX_HEAPS; hi = hi->prev)
		n++;
	for (size_t i = 0; i < n; i++) {
		struct heap_info *hi = hm_sub_heap(wk->av, n - 1 - i);
		size_t hdr = sizeof(*hi);

		if ((void *)hi->ar_ptr == (void *)(hi + 1))
			hdr += sizeof(struct malloc_state);
		h->index = (unsigned int)i;
		h->start = (const char *)hi;
		h->size = hi->size;
		h->first = hm_first_offset(h->start, hdr);
		h->has_top = heap_for_ptr(wk->av->top) == hi;
		h->top = (size_t)((char *)wk->av->top - (char *)hi);
		h->main = false;
		hm_heap_walk(wk, h);
	}
}

/* Map arena number @n, @av, whose lock the caller holds. */
static int hm_arena(const struct hm_ops *ops, void *w, unsigned int n,
		    struct malloc_state *av)
{
	struct hm_table table;
	struct hm_bins bins;
	struct hm_walk wk = { ops, w, av, &table, &bins };
	struct hm_heap h = { .arena = n, .top_pad = mp_.top_pad };
	bool walked = true;

	if (get_max_fast() == 0 || av->top == NULL ||
	    av->top == initial_top(av)) {
		memset(&bins, 0, sizeof(bins));
		ops->arena_end(w, n, true, &bins);
		return 0;
	}
	if (hm_lists_load(av, &bins, &table) != 0)
		return -1;
	if (av != &main_arena)
		hm_sub_heaps(&wk, &h);
	else if (hm_main_heap(av, &h))
		hm_heap_walk(&wk, &h);
	else
		walked = false;
	hm_table_free(&table);
	ops->arena_end(w, n, walked, &bins);
	return 0;
}

/* The number of heaps of @av (lock held): its sub-heaps, or 1. */
static unsigned int hm_count_heaps(const struct malloc_state *av)
{
	unsigned int n = 0;

	if (av == &main_arena || av->top == NULL)
		return 1;
	for (struct heap_info *hi = heap_for_ptr(av->top);
	     hi != NULL && n < HM_MAX_HEAPS; hi = hi->prev)
		n++;
	return n;
}

/* Count the arenas and their heaps now, each arena under its lock. */
static void hm_count(unsigned int *narenas, unsigned int *nheaps)
{
	*narenas = *nheaps = 0;
	for (struct malloc_state *av = &main_arena; av != NULL;
	     av = arena_list_next(av)) {
		track_enter();
		arena_lock(av);
		*nheaps += hm_count_heaps(av);
		arena_unlock(av);
		track_leave();
		++*narenas;
	}
}

/*
 * Walk every arena for writer @w: each under its lock, main arena first.
 * 0, or -1 with errno ENOMEM when a lookup table could not be mapped.
 */
int hm_walk(const struct hm_ops *ops, void *w)
{
	unsigned int n = 0, narenas, nheaps;
	int ret = 0;

	hm_count(&narenas, &nheaps);
	ops->begin(w, narenas, nheaps);
	for (struct malloc_state *av = &main_arena; av != NULL && ret == 0;
	     av = arena_list_next(av), n++) {
		track_enter();
		arena_lock(av);
		ret = hm_arena(ops, w, n, av);
		arena_unlock(av);
		track_leave();
	}
	ops->end(w, (size_t)__atomic_load_n(&mp_.n_mmaps, __ATOMIC_RELAXED),
		 __atomic_load_n(&mp_.mmapped_mem, __ATOMIC_RELAXED));
	if (ret != 0)
		errno = ENOMEM;
	return ret;
}

/*
 * Public: write the map of every arena to @fd in @format (PTM_HEAPMAP_
 * TEXT or PTM_HEAPMAP_SVG).  0, or -1 with errno: EINVAL for another
 * format, ENOMEM when the lookup table could not be mapped, EIO when a
 * write failed.  errno is kept on success.
 */
int ptm_heap_map(int fd, int format)
{
	struct hm_out o = { .fd = fd };
	int saved = errno;
	int ret;

	if (format != PTM_HEAPMAP_TEXT && format != PTM_HEAPMAP_SVG) {
		errno = EINVAL;
		return -1;
	}
	if (!malloc_initialized())
		ptmalloc_init();
	if (format == PTM_HEAPMAP_TEXT)
		ret = hm_text_run(&o);
	else
		ret = hm_svg_run(&o);
	hm_flush(&o);
	if (ret == 0 && o.failed) {
		errno = EIO;
		return -1;
	}
	if (ret == 0)
		errno = saved;
	return ret;
}
