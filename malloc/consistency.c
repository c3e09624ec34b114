// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The whole-heap consistency walker: glibc's do_check_* family (compiled
 * only into MALLOC_DEBUG builds of glibc) made callable, countable and
 * non-fatal, plus the invariants glibc leaves unchecked.
 *
 * Entry points:
 *   ptm_debug_check_heap()  public: check every arena, return the count.
 *   check_heap_all()        the same without the initialisation.
 *   check_heap_counted()    the same, also counting the chunks read, for
 *                           the debug build's checks after operations
 *                           (debug_check.c), which pass over an arena
 *                           another thread has locked rather than wait.
 *
 * Every violation is one line on stderr, written without allocating:
 *   ptm: heap check: chunk 0x... size 0x... : what is wrong
 *   ptm: heap check: arena 0x... : what is wrong
 * and counts one.  A check that finds a problem never lets it cascade:
 * a walk that cannot go on stops (and the checks that need the complete
 * walk are skipped), so one corruption gives a small, fixed number of
 * reports.  harness/test_consistency.c pins those numbers.
 *
 * What is checked, per arena (the numbers are the order of the passes):
 *   1. top: aligned, size a valid chunk size, PREV_INUSE set (a free
 *      chunk never borders top), and for the contiguous main arena
 *      top ends at sbrk_base + system_mem.
 *   2. the physical walk (contiguous main arena only: elsewhere the
 *      chunks between the free ones cannot be found): from the first
 *      chunk to top, every size valid and within the heap, no flag bit
 *      but PREV_INUSE, and every free chunk (PREV_INUSE clear on its
 *      successor) with a matching foot and an in-use predecessor.  The
 *      walk ends exactly on top, which with pass 1 is the byte
 *      balance: alignment padding + walked bytes + top == system_mem.
 *      A pair of fenceposts (the mark glibc leaves before a foreign
 *      sbrk's gap) ends it early.
 *   3. the fast bins: every entry a plausible address holding a chunk
 *      of that bin's size, in use, no larger than max_fast (main arena
 *      of a single-threaded process: mallopt empties the bins before
 *      lowering it, but a free in another thread that read the old
 *      limit may push after that), no cycle, and
 *      have_fastchunks set when any bin holds a chunk.
 *   4. the bins: consistent circular doubly linked lists (fd->bk is
 *      self), every chunk free and of its bin's size class, large bins
 *      sorted by decreasing size with the nextsize skip list linking
 *      the first chunk of each size (others carrying NULL links, like
 *      large chunks in the unsorted bin), binmap bit set for every
 *      non-empty bin, and the free-chunk properties of pass 2 for any
 *      chunk the walk did not reach.
 *   5. the census: the walk's free chunks and bytes equal the bins'
 *      (so no free chunk is missing from the bins), when the walk and
 *      every list were complete.
 * Once per call: mp_'s mmap counters are consistent (fully only while
 * the process is single-threaded; see check_params()).
 *
 * Locking: call check_heap_all() and debug_check_after_op() holding no
 * arena lock; each arena is locked while it is checked, and the arena
 * list is followed with acquire loads, as arena.c publishes it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "../arena/arena.h"
#include "fastbins.h"
#include "internal.h"
#include "os.h"
#include "ptmalloc.h"
#include "valgrind.h"

/**
 * struct heap_check - the state of one arena's check.
 * @av: the arena.
 * @errors: violations reported so far.
 * @walkable: the arena is the contiguous main arena, so its chunks can
 *	be walked in address order from @first to top.
 * @first: the first chunk (walkable arenas only).
 * @walked_until: chunks below this address were checked by the walk;
 *	NULL when there was no walk.
 * @walk_complete: the walk reached top.
 * @lists_complete: every bin list was followed back to its head.
 * @walk_free_count: free chunks met by the walk.
 * @walk_free_bytes: their bytes.
 * @bin_free_count: free chunks found in the bins.
 * @bin_free_bytes: their bytes.
 * @chunks: chunks read (walked or found in a list): the cost of the
 *	check, which debug_check_heap_after_op() (debug_check.c) spreads
 *	over operations.
 */
struct heap_check {
	struct malloc_state *av;
	int errors;
	bool walkable;
	char *first;
	char *walked_until;
	bool walk_complete;
	bool lists_complete;
	size_t walk_free_count;
	size_t walk_free_bytes;
	size_t bin_free_count;
	size_t bin_free_bytes;
	size_t chunks;
};

/**
 * struct large_walk - progress through one large bin's skip list.
 * @first_head: the bin's first (largest) chunk.
 * @head: the first chunk of the size run being read.
 * @size: that run's size.
 */
struct large_walk {
	struct malloc_chunk *first_head;
	struct malloc_chunk *head;
	size_t size;
};

/*
 * Finish the report line started in @buf (@n bytes so far) with @fmt,
 * write it to stderr and count it.
 */
static void vreport(struct heap_check *c, char *buf, size_t cap, int n,
		    const char *fmt, va_list ap)
{
	size_t len = n < 0 || (size_t)n >= cap - 2 ? 0 : (size_t)n;
	int m = vsnprintf(buf + len, cap - len - 1, fmt, ap);

	/* vsnprintf wrote at most cap - len - 2 characters. */
	if (m > 0)
		len += (size_t)m < cap - len - 2 ? (size_t)m : cap - len - 2;
	buf[len++] = '\n';
	os_write_stderr(buf, len);
	c->errors++;
}

/* Report a violation about chunk @p, whose header is readable. */
static pt_printf_like(3, 4) void bad_chunk(struct heap_check *c,
					   const struct malloc_chunk *p,
					   const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf),
		     "ptm: heap check: chunk 0x%lx size 0x%lx : ",
		     (unsigned long)p, (unsigned long)chunk_size_nomask(p));
	va_start(ap, fmt);
	vreport(c, buf, sizeof(buf), n, fmt, ap);
	va_end(ap);
}

/* Report a violation about pointer @p, which must not be read. */
static pt_printf_like(3, 4) void bad_pointer(struct heap_check *c,
					     const void *p, const char *fmt,
					     ...)
{
	char buf[256];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf),
		     "ptm: heap check: chunk 0x%lx : ", (unsigned long)p);
	va_start(ap, fmt);
	vreport(c, buf, sizeof(buf), n, fmt, ap);
	va_end(ap);
}

/* Report a violation about the arena (or mp_) as a whole. */
static pt_printf_like(2, 3) void bad_arena(struct heap_check *c,
					   const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf),
		     "ptm: heap check: arena 0x%lx : ", (unsigned long)c->av);
	va_start(ap, fmt);
	vreport(c, buf, sizeof(buf), n, fmt, ap);
	va_end(ap);
}

/*
 * Whether @p may be read as a chunk of the arena: aligned and, when the
 * heap's bounds are known, between the first chunk and top.
 */
static bool chunk_addr_ok(const struct heap_check *c,
			  const struct malloc_chunk *p)
{
	if (p == NULL || misaligned_chunk(p))
		return false;
	if (!c->walkable)
		return true;
	return (const char *)p >= c->first &&
	       (const char *)p < (const char *)c->av->top;
}

/*
 * Whether @p's size is a valid chunk size that keeps it inside the
 * arena (below top when the bounds are known).
 */
static bool chunk_size_ok(const struct heap_check *c,
			  const struct malloc_chunk *p)
{
	size_t size = chunk_size(p);

	if (size < MINSIZE || !aligned_ok(size))
		return false;
	if (c->walkable)
		return size <= (size_t)((char *)c->av->top - (char *)p);
	return size <= c->av->system_mem;
}

/*
 * The free-chunk properties (glibc's do_check_free_chunk): the foot
 * repeats the size and the predecessor is in use (free neighbours are
 * always merged).  A free successor is reported at the successor, so a
 * pair of free chunks counts once.  Bordering top is top's PREV_INUSE.
 */
static void check_free_chunk(struct heap_check *c, struct malloc_chunk *p)
{
	size_t size = chunk_size(p);
	struct malloc_chunk *next = next_chunk(p);

	if (next->prev_size != size)
		bad_chunk(
			c, p,
			"free chunk's foot (next chunk's prev_size 0x%lx) does not match its size",
			(unsigned long)next->prev_size);
	if (!prev_inuse(p))
		bad_chunk(
			c, p,
			"free chunk follows another free chunk (not coalesced)");
}

/* Pass 1: top's own properties; see the file comment. */
static void check_top(struct heap_check *c)
{
	struct malloc_chunk *top = c->av->top;
	size_t size = chunk_size(top);
	char *end = mp_.sbrk_base + c->av->system_mem;

	if (misaligned_chunk(top))
		bad_chunk(c, top, "top is misaligned");
	if (!prev_inuse(top))
		bad_chunk(
			c, top,
			"top's PREV_INUSE is clear (a free chunk borders top)");
	if (size < MINSIZE || !aligned_ok(size)) {
		bad_chunk(c, top, "top's size is not a valid chunk size");
		return;
	}
	if (c->walkable && (char *)top + size != end)
		bad_chunk(
			c, top,
			"top ends at 0x%lx, not at sbrk_base + system_mem (0x%lx)",
			(unsigned long)((char *)top + size),
			(unsigned long)end);
}

/*
 * Whether @p starts the pair of CHUNK_HDR_SZ fenceposts that sysmalloc
 * writes after the old top when a foreign sbrk left a gap.
 */
static bool fencepost_pair(const struct heap_check *c,
			   const struct malloc_chunk *p)
{
	const struct malloc_chunk *q = chunk_at_offset(p, CHUNK_HDR_SZ);

	return chunk_size(p) == CHUNK_HDR_SZ &&
	       (const char *)q < (const char *)c->av->top &&
	       chunk_size(q) == CHUNK_HDR_SZ;
}

/*
 * Pass 2: walk the chunks from the first to top in address order.  A
 * size that cannot be followed is reported and ends the walk; the bins
 * pass then checks the free chunks the walk did not reach.
 */
static void walk_heap(struct heap_check *c)
{
	struct malloc_chunk *top = c->av->top;
	struct malloc_chunk *p = (struct malloc_chunk *)c->first;

	if (p != top && !prev_inuse(p))
		bad_chunk(c, p, "first chunk's PREV_INUSE is clear");
	while (p != top) {
		size_t size = chunk_size(p);

		c->chunks++;
		if (fencepost_pair(c, p))
			break;
		if (size < MINSIZE || !aligned_ok(size)) {
			bad_chunk(c, p, "invalid chunk size; walk stopped");
			break;
		}
		if (size > (size_t)((char *)top - (char *)p)) {
			bad_chunk(c, p,
				  "chunk overlaps top (0x%lx); walk stopped",
				  (unsigned long)top);
			break;
		}
		if (p->size & (IS_MMAPPED | NON_MAIN_ARENA))
			bad_chunk(
				c, p,
				"heap chunk has IS_MMAPPED or NON_MAIN_ARENA set");
		if (!inuse(p)) {
			c->walk_free_count++;
			c->walk_free_bytes += size;
			check_free_chunk(c, p);
		}
		p = next_chunk(p);
	}
	c->walked_until = (char *)p;
	c->walk_complete = p == top;
}

/*
 * The number of distinct chunks on the fast-bin list from @head that
 * can be followed (up to the first implausible pointer), and whether
 * the list loops.  Floyd's cycle finding: a pointer moving two steps
 * meets one moving one step inside the cycle; the cycle's length and
 * the distance to its entry then give the number of distinct chunks,
 * so that each is checked once.
 */
static size_t fast_list_length(const struct heap_check *c,
			       struct malloc_chunk *head, bool *cyclic)
{
	struct malloc_chunk *slow = head, *fast = head, *p;
	size_t n = 0, loop = 1;

	*cyclic = false;
	while (chunk_addr_ok(c, fast) && chunk_addr_ok(c, fastbin_next(fast))) {
		fast = fastbin_next(fastbin_next(fast));
		slow = fastbin_next(slow);
		if (slow == fast) {
			*cyclic = true;
			break;
		}
	}
	if (!*cyclic) {
		for (p = head; chunk_addr_ok(c, p); p = fastbin_next(p))
			n++;
		return n;
	}
	for (p = fastbin_next(slow); p != slow; p = fastbin_next(p))
		loop++;
	/* Walk from the head and from loop steps ahead until they meet. */
	p = head;
	fast = head;
	for (size_t i = 0; i < loop; i++)
		fast = fastbin_next(fast);
	while (p != fast) {
		p = fastbin_next(p);
		fast = fastbin_next(fast);
		n++;
	}
	return n + loop;
}

/* Pass 3, one chunk: @p found in fast bin @idx. */
static void check_fast_chunk(struct heap_check *c, struct malloc_chunk *p,
			     unsigned int idx)
{
	size_t size = chunk_size(p);

	if (!chunk_size_ok(c, p)) {
		bad_chunk(c, p, "chunk in fast bin %u has an invalid size",
			  idx);
		return;
	}
	if (fastbin_index(size) != idx) {
		bad_chunk(c, p, "chunk in fast bin %u belongs in fast bin %u",
			  idx, fastbin_index(size));
		return;
	}
	if (c->av == &main_arena && single_threaded() && size > get_max_fast())
		bad_chunk(c, p, "fast bin chunk is larger than max_fast 0x%lx",
			  (unsigned long)get_max_fast());
	if ((p->size & (IS_MMAPPED | NON_MAIN_ARENA)) != arena_bit(c->av))
		bad_chunk(
			c, p,
			"fast bin chunk has wrong IS_MMAPPED or NON_MAIN_ARENA bits");
	if (!inuse(p))
		bad_chunk(c, p, "fast bin chunk is marked free");
}

/* Pass 3: every fast bin; see the file comment. */
static void check_fastbins(struct heap_check *c)
{
	bool any = false;

	for (unsigned int i = 0; i < NFASTBINS; i++) {
		struct malloc_chunk *p = fastbin_head(fastbin(c->av, i));
		bool cyclic;
		size_t n = fast_list_length(c, p, &cyclic);

		any |= p != NULL;
		c->chunks += n;
		if (cyclic)
			bad_arena(c, "fast bin %u loops (%zu distinct chunks)",
				  i, n);
		for (size_t k = 0; k < n; k++, p = fastbin_next(p))
			check_fast_chunk(c, p, i);
		if (!cyclic && p != NULL)
			bad_pointer(c, p,
				    "fast bin %u links to an invalid address",
				    i);
	}
	/*
	 * With other threads, a free racing with malloc_consolidate() may
	 * leave a chunk behind the cleared flag (internal.h): the flag is
	 * exact only in a single-threaded process.
	 */
	if (any && !fastchunks_maybe(c->av) && single_threaded())
		bad_arena(c, "fast bins hold chunks but have_fastchunks is 0");
}

/*
 * Pass 4, large bins: @p follows the chunks already read into @lw.
 * Sizes must not grow; the first chunk of each size is on the skip list
 * between the first chunks of the next larger and next smaller sizes,
 * and the other chunks of a run carry NULL nextsize links.
 */
static void large_bin_step(struct heap_check *c, struct large_walk *lw,
			   struct malloc_chunk *p, unsigned int idx)
{
	size_t size = chunk_size(p);

	if (lw->head == NULL) {
		lw->first_head = lw->head = p;
		lw->size = size;
		return;
	}
	if (size == lw->size) {
		if (p->fd_nextsize != NULL || p->bk_nextsize != NULL)
			bad_chunk(
				c, p,
				"chunk inside a size run of large bin %u has nextsize links",
				idx);
		return;
	}
	if (size > lw->size)
		bad_chunk(
			c, p,
			"large bin %u is not sorted: chunk larger than the one before",
			idx);
	if (lw->head->fd_nextsize != p)
		bad_chunk(
			c, lw->head,
			"fd_nextsize does not lead to the next size in large bin %u",
			idx);
	if (p->bk_nextsize != lw->head)
		bad_chunk(
			c, p,
			"bk_nextsize does not lead to the previous size in large bin %u",
			idx);
	lw->head = p;
	lw->size = size;
}

/* Pass 4, large bins: close the skip list from the last size run. */
static void large_bin_end(struct heap_check *c, struct large_walk *lw,
			  unsigned int idx)
{
	if (lw->head == NULL)
		return;
	if (lw->head->fd_nextsize != lw->first_head)
		bad_chunk(
			c, lw->head,
			"fd_nextsize of the smallest size does not lead back to the largest in large bin %u",
			idx);
	if (lw->first_head->bk_nextsize != lw->head)
		bad_chunk(
			c, lw->first_head,
			"bk_nextsize of the largest size does not lead to the smallest in large bin %u",
			idx);
}

/* Pass 4, one chunk: @p found in bin @idx. */
static void check_bin_chunk(struct heap_check *c, struct malloc_chunk *p,
			    unsigned int idx, struct large_walk *lw)
{
	size_t size = chunk_size(p);

	if (!chunk_size_ok(c, p)) {
		bad_chunk(c, p, "chunk in bin %u has an invalid size", idx);
		return;
	}
	if (idx >= 2 && bin_index(size) != idx)
		bad_chunk(c, p, "chunk in bin %u belongs in bin %u", idx,
			  bin_index(size));
	if (chunk_is_mmapped(p))
		bad_chunk(c, p, "chunk in bin %u has IS_MMAPPED set", idx);
	if (inuse(p)) {
		bad_chunk(c, p, "chunk in bin %u is in use", idx);
		return;
	}
	c->bin_free_count++;
	c->bin_free_bytes += size;
	if ((char *)p >= c->walked_until)
		check_free_chunk(c, p);
	if (in_smallbin_range(size))
		return;
	if (idx >= 2)
		large_bin_step(c, lw, p, idx);
	else if (p->fd_nextsize != NULL || p->bk_nextsize != NULL)
		bad_chunk(c, p,
			  "large chunk in the unsorted bin has nextsize links");
}

/* Pass 4: bin @idx; see the file comment. */
static void check_bin(struct heap_check *c, unsigned int idx)
{
	struct malloc_chunk *b = bin_at(c->av, idx);
	struct malloc_chunk *prev = b, *p;
	struct large_walk lw = { NULL, NULL, 0 };

	if (b->fd == NULL || b->bk == NULL) {
		bad_arena(c, "bin %u has a NULL link", idx);
		c->lists_complete = false;
		return;
	}
	if (idx >= 2 && b->fd != b && !get_binmap(c->av, idx))
		bad_arena(c, "bin %u holds chunks but its binmap bit is clear",
			  idx);
	/*
	 * Checking bk at every step also ends the loop: a list whose back
	 * links all match cannot revisit a chunk without passing the head.
	 */
	for (p = b->fd; p != b; prev = p, p = p->fd) {
		if (!chunk_addr_ok(c, p)) {
			bad_pointer(c, p, "bin %u links to an invalid address",
				    idx);
			c->lists_complete = false;
			return;
		}
		if (p->bk != prev) {
			bad_chunk(
				c, p,
				"bk 0x%lx is not the chunk before it in bin %u (fd->bk != self)",
				(unsigned long)p->bk, idx);
			c->lists_complete = false;
			return;
		}
		c->chunks++;
		check_bin_chunk(c, p, idx, &lw);
	}
	if (b->bk != prev) {
		bad_arena(c, "bin %u: the head's bk is not the last chunk",
			  idx);
		c->lists_complete = false;
	}
	large_bin_end(c, &lw, idx);
}

/* An arena that has no memory yet: every list must be empty. */
static void check_empty_arena(struct heap_check *c)
{
	for (unsigned int i = 0; i < NFASTBINS; i++)
		if (fastbin_head(fastbin(c->av, i)) != NULL)
			bad_arena(
				c,
				"fast bin %u holds chunks before the arena has memory",
				i);
	for (unsigned int i = 1; i < NBINS; i++) {
		struct malloc_chunk *b = bin_at(c->av, i);

		if (b->fd != b || b->bk != b)
			bad_arena(
				c,
				"bin %u is not empty before the arena has memory",
				i);
	}
}

/*
 * Decide whether @c's arena can be walked: the contiguous main arena,
 * with top inside [sbrk_base, sbrk_base + system_mem).  The first chunk
 * is sbrk_base moved up until its user pointer is aligned, as sysmalloc
 * places it.
 */
static void setup_bounds(struct heap_check *c)
{
	struct malloc_state *av = c->av;
	char *base = mp_.sbrk_base;
	uintptr_t mis;

	if (av != &main_arena || !contiguous(av))
		return;
	if (base == NULL) {
		bad_arena(c,
			  "contiguous main arena has memory but no sbrk_base");
		return;
	}
	mis = (uintptr_t)chunk2mem((struct malloc_chunk *)base) &
	      MALLOC_ALIGN_MASK;
	c->first = base + (mis ? MALLOC_ALIGNMENT - mis : 0);
	if ((char *)av->top < c->first ||
	    (char *)av->top >= base + av->system_mem) {
		bad_arena(c, "top 0x%lx is outside the heap [0x%lx, 0x%lx)",
			  (unsigned long)av->top, (unsigned long)base,
			  (unsigned long)(base + av->system_mem));
		return;
	}
	c->walkable = true;
}

/*
 * Check arena @av (lock held); returns the number of violations and
 * adds the chunks it read to *@chunks.
 */
static int check_arena(struct malloc_state *av, size_t *chunks)
{
	struct heap_check c = { .av = av, .lists_complete = true };

	if (get_max_fast() == 0 || av->top == NULL)
		return 0; /* not initialised: nothing to check */
	/*
	 * No "system_mem <= max_system_mem": glibc's systrim() on a top of
	 * exactly MINSIZE moves the break up (see systrim.c) and raises
	 * system_mem without touching the maximum, and so do we.
	 */
	if (av->top == initial_top(av)) {
		check_empty_arena(&c);
		return c.errors;
	}
	setup_bounds(&c);
	check_top(&c);
	if (c.walkable)
		walk_heap(&c);
	check_fastbins(&c);
	for (unsigned int i = 1; i < NBINS; i++)
		check_bin(&c, i);
	if (c.walkable && c.walk_complete && c.lists_complete &&
	    (c.walk_free_count != c.bin_free_count ||
	     c.walk_free_bytes != c.bin_free_bytes))
		bad_arena(
			&c,
			"the heap has %zu free chunks (%zu bytes) but the bins hold %zu (%zu bytes)",
			c.walk_free_count, c.walk_free_bytes, c.bin_free_count,
			c.bin_free_bytes);
	*chunks += c.chunks;
	return c.errors;
}

/*
 * The process-wide mmap counters.  They are updated without any arena
 * lock, one after the other, so once several threads run only what
 * holds at every instant is checked: a count that never goes negative
 * and a byte total made of whole pages.  The agreement between the
 * counters and with their high-water marks is checked single-threaded.
 */
static int check_params(void)
{
	struct heap_check c = { .av = &main_arena };
	int n_mmaps = __atomic_load_n(&mp_.n_mmaps, __ATOMIC_RELAXED);
	size_t mem = __atomic_load_n(&mp_.mmapped_mem, __ATOMIC_RELAXED);

	if (n_mmaps < 0)
		bad_arena(&c, "n_mmaps is negative (%d)", n_mmaps);
	if (mem & (os_page_size() - 1))
		bad_arena(
			&c,
			"mmapped_mem 0x%lx is not a multiple of the page size",
			(unsigned long)mem);
	if (arena_multi_threaded())
		return c.errors;
	if (n_mmaps > mp_.max_n_mmaps)
		bad_arena(&c, "n_mmaps %d exceeds max_n_mmaps %d", n_mmaps,
			  mp_.max_n_mmaps);
	if (mem > mp_.max_mmapped_mem)
		bad_arena(&c, "mmapped_mem 0x%lx exceeds max_mmapped_mem 0x%lx",
			  (unsigned long)mem,
			  (unsigned long)mp_.max_mmapped_mem);
	if ((n_mmaps == 0) != (mem == 0))
		bad_arena(&c, "n_mmaps %d disagrees with mmapped_mem 0x%lx",
			  n_mmaps, (unsigned long)mem);
	return c.errors;
}

/*
 * Check every arena, main arena first, each under its own lock, then
 * the process-wide counters.  Returns the number of violations (each
 * already written to stderr) and sets *@chunks to the number of chunks
 * read.  The caller holds no arena lock.  With @busy, an arena another
 * thread has locked is passed over and *@busy set, so that the check
 * waits on no lock (the debug build's check after a fast-bin free, which
 * itself takes none, must not make it wait).
 */
int check_heap_counted(size_t *chunks, bool *busy)
{
	struct malloc_state *av = &main_arena;
	int errors = 0;

	*chunks = 0;
	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE))
		return 0;
	/* The walker reads what memcheck and ASan see as off limits. */
	track_enter();
	do {
		if (busy == NULL) {
			arena_lock(av);
		} else if (!arena_trylock(av)) {
			*busy = true;
			continue;
		}
		errors += check_arena(av, chunks);
		arena_unlock(av);
	} while ((av = arena_list_next(av)) != NULL);
	errors += check_params();
	track_leave();
	return errors;
}

/* check_heap_counted() without the count. */
int check_heap_all(void)
{
	size_t chunks;

	return check_heap_counted(&chunks, NULL);
}

/* Public: initialise if needed, then check_heap_all(). */
int ptm_debug_check_heap(void)
{
	if (!__atomic_load_n(&mp_.initialized, __ATOMIC_ACQUIRE))
		ptmalloc_init();
	return check_heap_all();
}
