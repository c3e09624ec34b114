/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * diffrun: one side of the differential test (harness/test_differential.c).
 *
 *	diffrun [--script|--hash] SIDE seed SEED COUNT
 *	diffrun [--script|--hash] SIDE ops OP...
 *
 * SIDE is "glibc" (the host's malloc, to be run with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0), "ptm" (the ptm_ twins on
 * the real program break), or "ptm-raw" (ptm without the tcache header
 * emulation described below; the test uses it to prove that a
 * difference is caught).  "seed" generates COUNT pseudo-random
 * operations from SEED; "ops" executes the operations written in the
 * text form of diff_ops.h.  After each operation one struct diff_record
 * goes to standard output; with --hash only a 64-bit hash of it (see
 * diff_record_hash()), which is what the test compares first; with
 * --script the text form of each executed operation, one per line, which
 * turns a seed into a hand-editable sequence.
 *
 * The program never calls anything that allocates (no stdio): on the
 * glibc side the heap must hold only what the operations allocate.  The
 * heap start is the break read on entry to main, before any allocation.
 *
 * glibc 2.36 allocates its 640-byte tcache header (a 656-byte chunk) from
 * the main arena the first time malloc, calloc, or free or realloc of a
 * heap chunk runs, even with tcache_count=0.  The ptm side emulates it
 * with a ptm_malloc(640), never freed, just before the first operation
 * that would make glibc allocate it (see op_inits_tcache()); from then on
 * both sides must report identical figures.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "diff_ops.h"
#include "ptmalloc.h"

/* Bytes of records buffered before a write(2). */
#define OUT_BUF_SIZE (64 * 1024)
/* Upper bound on the sum of the requested sizes of the live blocks. */
#define LIVE_CAP (64UL << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Size of glibc 2.36's tcache_perthread_struct on x86_64. */
#define TCACHE_HEADER_REQUEST 640

/* The allocator under test: the host's functions or their ptm_ twins. */
struct api {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	void *(*calloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	int (*malloc_trim)(size_t);
	int (*mallopt)(int, int);
	struct mallinfo2 (*mallinfo2)(void);
};

static const struct api glibc_api = {
	.malloc = malloc,
	.free = free,
	.realloc = realloc,
	.calloc = calloc,
	.memalign = memalign,
	.posix_memalign = posix_memalign,
	.malloc_trim = malloc_trim,
	.mallopt = mallopt,
	.mallinfo2 = mallinfo2,
};

static const struct api ptm_api = {
	.malloc = ptm_malloc,
	.free = ptm_free,
	.realloc = ptm_realloc,
	.calloc = ptm_calloc,
	.memalign = ptm_memalign,
	.posix_memalign = ptm_posix_memalign,
	.malloc_trim = ptm_malloc_trim,
	.mallopt = ptm_mallopt,
	.mallinfo2 = ptm_mallinfo2,
};

/* The live blocks, and the pseudo-random generator's state. */
struct state {
	unsigned char *ptr[DIFF_SLOTS]; /* block in each slot, or NULL */
	uint64_t size[DIFF_SLOTS]; /* its requested size */
	unsigned char tag[DIFF_SLOTS]; /* its guard byte */
	uint16_t perm[DIFF_SLOTS]; /* slots: the first nlive are live */
	uint16_t pos[DIFF_SLOTS]; /* index of each slot in perm */
	unsigned int nlive; /* live slots among the first nslots */
	unsigned int nslots; /* slots the generator uses */
	uint64_t live_bytes; /* sum of size[] over live slots */
	uint64_t rng[4]; /* xoshiro256** state */
	unsigned int kind_weight[DIFF_NKINDS]; /* relative operation weights */
	unsigned int kind_total; /* their sum */
	unsigned int lifo; /* percentage of frees of a recent block */
	uint16_t recent[8]; /* the slots most recently allocated */
	unsigned int recent_next; /* where the next one goes in recent[] */
	unsigned int class_weight[5]; /* size classes, per 1000 */
	uint64_t palette[8]; /* sizes that recur in this sequence */
	uintptr_t heap_start; /* the break on entry to main */
	bool emulate_tcache; /* ptm side: emulate the header */
	bool tcache_done; /* the header exists */
	const struct api *api; /* the allocator under test */
};

static struct state st;
static unsigned char out_buf[OUT_BUF_SIZE];
static size_t out_len;

/* Write @len bytes to @fd, retrying short writes; exit on error. */
static void write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		p += n;
		len -= (size_t)n;
	}
}

/* Queue @len bytes for standard output. */
static void out(const void *data, size_t len)
{
	if (out_len + len > sizeof(out_buf)) {
		write_all(1, out_buf, out_len);
		out_len = 0;
	}
	memcpy(out_buf + out_len, data, len);
	out_len += len;
}

/* Print "diffrun: @msg @arg" on stderr and exit with status 2. */
static void die(const char *msg, const char *arg)
{
	write_all(2, "diffrun: ", 9);
	write_all(2, msg, strlen(msg));
	if (arg) {
		write_all(2, " ", 1);
		write_all(2, arg, strlen(arg));
	}
	write_all(2, "\n", 1);
	_exit(2);
}

/* ---- pseudo-random numbers (xoshiro256**, seeded by splitmix64) ---- */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits. */
static uint64_t rnd(void)
{
	uint64_t *s = st.rng;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* A uniform number in [lo, hi]. */
static uint64_t rnd_range(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* Seed the generator; equal seeds give equal sequences everywhere. */
static void rnd_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		st.rng[i] = z ^ (z >> 31);
	}
}

/* ---- slots ---- */

/* Put @p (of requested size @size) into @slot; perm[] keeps live first. */
static void slot_set(unsigned int slot, unsigned char *p, uint64_t size)
{
	bool was = st.ptr[slot] != NULL, is = p != NULL;

	if (was)
		st.live_bytes -= st.size[slot];
	st.ptr[slot] = p;
	st.size[slot] = p ? size : 0;
	if (is) {
		st.live_bytes += size;
		st.recent[st.recent_next++ % 8] = (uint16_t)slot;
	}
	if (was == is || slot >= st.nslots)
		return;

	/* Swap @slot with the first non-live (or last live) entry. */
	unsigned int i = st.pos[slot];
	unsigned int j = is ? st.nlive : st.nlive - 1;
	uint16_t other = st.perm[j];

	st.perm[j] = (uint16_t)slot;
	st.perm[i] = other;
	st.pos[slot] = (uint16_t)j;
	st.pos[other] = (uint16_t)i;
	st.nlive += is ? 1 : -1;
}

/* Write the guard bytes of the block in @slot. */
static void guard_write(unsigned int slot, unsigned int seq)
{
	unsigned char *p = st.ptr[slot];
	uint64_t n = st.size[slot];

	st.tag[slot] = (unsigned char)(slot * 31 + seq * 7 + 1);
	if (p && n)
		p[0] = st.tag[slot];
	if (p && n > 1)
		p[n - 1] = st.tag[slot] ^ 0x5a;
}

/*
 * Whether block @p, whose guards for a @size-byte block were @tag, still
 * holds them in its first @kept bytes (@kept < @size after a shrink).
 */
static bool guard_ok(const unsigned char *p, unsigned char tag, uint64_t size,
		     uint64_t kept)
{
	if (!p || !kept)
		return true;
	if (p[0] != tag)
		return false;
	return kept < size || size == 1 || p[size - 1] == (tag ^ 0x5a);
}

/* Whether the block in @slot still holds its guards. */
static bool slot_guard_ok(unsigned int slot)
{
	return guard_ok(st.ptr[slot], st.tag[slot], st.size[slot],
			st.size[slot]);
}

/* Whether @p heads a chunk that the allocator mmapped on its own. */
static bool is_mmapped(const void *p)
{
	return p && chunk_is_mmapped(mem2chunk(p));
}

/* ---- the tcache header of glibc 2.36 ---- */

/* Whether a request of @n bytes passes 2.36's checked_request2size. */
static bool request_ok(uint64_t n)
{
	return n <= (uint64_t)PTRDIFF_MAX;
}

/*
 * Whether glibc 2.36 would run tcache_init (MAYBE_INIT_TCACHE) during
 * @op: __libc_malloc after its size check; __libc_calloc after its
 * overflow check; __libc_free and __libc_realloc of a heap chunk;
 * realloc(NULL, n) through malloc; memalign and posix_memalign with an
 * alignment of at most MALLOC_ALIGNMENT through malloc.  Never
 * mallopt, malloc_trim, mallinfo2, nor a larger alignment.
 */
static bool op_inits_tcache(const struct diff_op *op)
{
	const void *p = st.ptr[op->slot];
	ptrdiff_t bytes;

	switch (op->kind) {
	case DIFF_MALLOC:
		return request_ok(op->a);
	case DIFF_CALLOC:
		return !__builtin_mul_overflow(op->a, op->b, &bytes);
	case DIFF_FREE:
		return p && !is_mmapped(p);
	case DIFF_REALLOC:
		return p ? !is_mmapped(p) : request_ok(op->a);
	case DIFF_POSIX_MEMALIGN:
		if (op->a == 0 || op->a % sizeof(void *) ||
		    (op->a & (op->a - 1)))
			return false;
		/* fall through */
	case DIFF_MEMALIGN:
		return op->a <= MALLOC_ALIGNMENT && request_ok(op->b);
	default:
		return false;
	}
}

/* ---- executing one operation ---- */

/* Fill @rec's block fields for the block @p returned by the call. */
static void describe_block(struct diff_record *rec, const void *p,
			   uintptr_t brk, uint64_t align)
{
	uintptr_t a = (uintptr_t)p;

	if (!p) {
		rec->flags |= DIFF_F_NULL;
		return;
	}
	if (a >= st.heap_start && a < brk) {
		rec->where = a - st.heap_start;
	} else {
		rec->flags |= DIFF_F_MMAPPED;
		rec->where = a & 4095;
	}
	rec->head = chunk_size_nomask(mem2chunk(p));
	if (align < MALLOC_ALIGNMENT)
		align = MALLOC_ALIGNMENT;
	while (align & (align - 1)) /* memalign rounds up to a power of 2 */
		align = (align | (align - 1)) + 1;
	if (a % align)
		rec->flags |= DIFF_F_MISALIGNED;
}

/* Run a realloc operation; return the block to describe. */
static void *do_realloc(struct diff_record *rec, const struct diff_op *op,
			unsigned int seq)
{
	unsigned int s = op->slot;
	unsigned char *old = st.ptr[s], *p;
	uint64_t oldsize = st.size[s];

	if (!slot_guard_ok(s))
		rec->flags |= DIFF_F_CORRUPT;
	p = st.api->realloc(old, op->a);
	if (!p) {
		if (op->a == 0 && old)
			slot_set(s, NULL, 0); /* freed */
		return NULL;
	}
	if (old &&
	    !guard_ok(p, st.tag[s], oldsize, oldsize < op->a ? oldsize : op->a))
		rec->flags |= DIFF_F_CORRUPT;
	slot_set(s, p, op->a);
	guard_write(s, seq);
	return p;
}

/* Run a calloc operation; return the block to describe. */
static void *do_calloc(struct diff_record *rec, const struct diff_op *op,
		       unsigned int seq)
{
	unsigned char *p = st.api->calloc(op->a, op->b);
	uint64_t n = op->a * op->b;

	if (p && n && (p[0] || p[n / 2] || p[n - 1]))
		rec->flags |= DIFF_F_NOTZERO;
	if (p) {
		slot_set(op->slot, p, n);
		guard_write(op->slot, seq);
	}
	return p;
}

/* Run a posix_memalign operation; return the block to describe. */
static void *do_posix_memalign(struct diff_record *rec,
			       const struct diff_op *op, unsigned int seq)
{
	void *p = NULL;

	rec->ret = st.api->posix_memalign(&p, op->a, op->b);
	if (rec->ret)
		return NULL;
	slot_set(op->slot, p, op->b);
	guard_write(op->slot, seq);
	return p;
}

/* Run an allocation of @size bytes by malloc or memalign. */
static void *do_alloc(const struct diff_op *op, unsigned int seq, uint64_t size)
{
	void *p;

	if (op->kind == DIFF_MALLOC)
		p = st.api->malloc(size);
	else
		p = st.api->memalign(op->a, size);
	if (p) {
		slot_set(op->slot, p, size);
		guard_write(op->slot, seq);
	}
	return p;
}

/* Run @op (the @seq-th operation) and fill @rec. */
static void run_op(const struct diff_op *op, unsigned int seq,
		   struct diff_record *rec)
{
	const void *block = NULL;
	uint64_t align = 0;
	bool returns_block = true;
	struct mallinfo2 mi;

	memset(rec, 0, sizeof(*rec));
	rec->op = *op;
	/* Both sides flag the call; the ptm side allocates the header. */
	if (!st.tcache_done && op_inits_tcache(op)) {
		if (st.emulate_tcache && !ptm_malloc(TCACHE_HEADER_REQUEST))
			die("cannot allocate the tcache header", NULL);
		st.tcache_done = true;
		rec->flags |= DIFF_F_TCACHE;
	}
	switch (op->kind) {
	case DIFF_MALLOC:
		block = do_alloc(op, seq, op->a);
		break;
	case DIFF_MEMALIGN:
		align = op->a;
		block = do_alloc(op, seq, op->b);
		break;
	case DIFF_POSIX_MEMALIGN:
		align = op->a;
		block = do_posix_memalign(rec, op, seq);
		break;
	case DIFF_CALLOC:
		block = do_calloc(rec, op, seq);
		break;
	case DIFF_REALLOC:
		returns_block = op->a != 0 || !st.ptr[op->slot];
		block = do_realloc(rec, op, seq);
		break;
	case DIFF_FREE:
		returns_block = false;
		if (!slot_guard_ok(op->slot))
			rec->flags |= DIFF_F_CORRUPT;
		st.api->free(st.ptr[op->slot]);
		slot_set(op->slot, NULL, 0);
		break;
	case DIFF_TRIM:
		returns_block = false;
		rec->ret = st.api->malloc_trim(op->a);
		break;
	case DIFF_MALLOPT:
		returns_block = false;
		rec->ret = st.api->mallopt((int)op->a, (int)op->b);
		break;
	}
	rec->brk = (uintptr_t)sbrk(0) - st.heap_start;
	if (returns_block)
		describe_block(rec, block, st.heap_start + rec->brk, align);
	mi = st.api->mallinfo2();
	memcpy(rec->mi, &mi, sizeof(rec->mi));
}

/* ---- the generator ---- */

/* Per-sequence size-class weights: tiny, small, medium, large, palette. */
static const unsigned int class_profiles[][5] = {
	{ 450, 300, 150, 20, 80 }, /* mixed */
	{ 800, 100, 20, 5, 75 }, /* fastbin-heavy */
	{ 150, 500, 250, 20, 80 }, /* small bins */
	{ 100, 200, 500, 50, 150 }, /* large bins */
	{ 250, 250, 300, 70, 130 }, /* mmap traffic */
};

/* Operation weights (per 10000 before gen_init() varies them). */
static const unsigned int kind_weights[DIFF_NKINDS] = {
	[DIFF_MALLOC] = 3440,  [DIFF_FREE] = 3380,
	[DIFF_REALLOC] = 1300, [DIFF_CALLOC] = 800,
	[DIFF_MEMALIGN] = 700, [DIFF_POSIX_MEMALIGN] = 300,
	[DIFF_TRIM] = 10,      [DIFF_MALLOPT] = 70,
};

/* Choose this sequence's profile from the seed. */
static void gen_init(uint64_t seed)
{
	static const unsigned int nslots[] = { 24, 64, 128, 256, 512 };
	/* Sizes at the edges of the bins and of the mmap threshold. */
	static const uint64_t edges[] = {
		0,     24,     25,     40,     120,    121,    128,
		129,   1000,   1008,   1016,   1017,   1024,   4096,
		65536, 131064, 131072, 131073, 135152, 266240,
	};
	unsigned int p = (unsigned int)(seed % 5);

	rnd_seed(seed);
	memcpy(st.class_weight, class_profiles[rnd() % 5],
	       sizeof(st.class_weight));
	/* Half, once or twice each weight: every seed has its own mix. */
	st.kind_total = 0;
	for (int k = 1; k < DIFF_NKINDS; k++) {
		st.kind_weight[k] =
			kind_weights[k] * (1U << rnd_range(0, 2)) / 2;
		st.kind_total += st.kind_weight[k];
	}
	st.lifo = (unsigned int)rnd_range(0, 60);
	st.nslots = nslots[p];
	for (int i = 0; i < 8; i++) {
		if (i < 3)
			st.palette[i] = edges[rnd() % ARRAY_SIZE(edges)];
		else
			st.palette[i] = rnd_range(0, i < 5 ? 1100 : 70000);
	}
}

/* A request size drawn from this sequence's size classes. */
static uint64_t gen_size(void)
{
	unsigned int r = (unsigned int)rnd_range(0, 999);
	unsigned int c = 0;

	while (c < 4 && r >= st.class_weight[c])
		r -= st.class_weight[c++];
	switch (c) {
	case 0:
		return rnd_range(0, 128);
	case 1:
		return rnd_range(129, 1024);
	case 2:
		/* Half of them exactly fill a chunk (16k + 8). */
		if (rnd() & 1)
			return rnd_range(64, 4096) * 16 + 8;
		return rnd_range(1025, 65536);
	case 3:
		/* Around the default mmap threshold, or anywhere to 2 MiB. */
		if (rnd() & 1)
			return rnd_range(112 << 10, 144 << 10);
		return rnd_range(65537, 2 << 20);
	default:
		return st.palette[rnd() % 8];
	}
}

/* A mallopt call with a value chosen among interesting ones. */
static void gen_mallopt(struct diff_op *op)
{
	static const int64_t sizes[] = { 0,	  4096,	   65536,   131072,
					 1 << 20, 4 << 20, 32 << 20 };
	const struct diff_param *p = &diff_params[rnd() % DIFF_NPARAMS];
	int64_t v;

	op->kind = DIFF_MALLOPT;
	op->a = (uint64_t)(int64_t)p->param;
	switch (p->param) {
	case M_MXFAST:
		v = (int64_t)((rnd() % 16) ? rnd_range(0, 160) :
					     rnd_range(161, 224));
		break;
	case M_MMAP_MAX:
		v = (int64_t[]){ 0, 1, 4, 65536 }[rnd() % 4];
		break;
	case M_PERTURB:
		/* It memsets every block: only in the tiny-block profile. */
		v = (int64_t[]){ 0, 0, 0x55, 0xaa }[rnd() % 4];
		if (st.class_weight[0] < 800)
			v = 0;
		break;
	case M_TOP_PAD:
		v = (rnd() & 1) ? sizes[rnd() % 5] :
				  (int64_t)rnd_range(0, 1 << 20);
		break;
	default: /* trim and mmap thresholds */
		v = (rnd() & 1) ? sizes[rnd() % 7] :
				  (int64_t)rnd_range(0, 4 << 20);
		break;
	}
	op->b = (uint64_t)v;
}

/* A memalign-family alignment: powers of two, sometimes odd values. */
static uint64_t gen_align(bool posix)
{
	static const uint64_t odd[] = { 1, 8, 24, 48, 100, 0 };
	unsigned int r = (unsigned int)rnd_range(0, 99);

	if (r < 5)
		return odd[rnd() % (posix ? 6 : 5)];
	return 8UL << rnd_range(posix ? 0 : 1, 9); /* 8 or 16 .. 4096 */
}

/* Fill @op with a new allocation into an empty slot; false if none. */
static bool gen_alloc(struct diff_op *op, unsigned int kind)
{
	uint64_t size = gen_size(), n;

	if (st.nlive == st.nslots)
		return false;
	op->kind = kind;
	op->slot = st.perm[rnd_range(st.nlive, st.nslots - 1)];
	if (st.live_bytes + size > LIVE_CAP)
		size = rnd_range(0, 128);
	switch (kind) {
	case DIFF_CALLOC:
		if (rnd() % 200 == 0) { /* overflow: NULL without trying */
			op->a = 1UL << 40;
			op->b = (1UL << 30) + rnd_range(0, 99);
			break;
		}
		/* calloc clears what it reuses: keep most of them small. */
		if (size > 16384 && rnd() % 16)
			size = rnd_range(0, 16384);
		n = rnd_range(0, 8) ? rnd_range(1, 8) : 0;
		op->a = n;
		op->b = n ? size / n : size;
		break;
	case DIFF_MEMALIGN:
	case DIFF_POSIX_MEMALIGN:
		op->a = gen_align(kind == DIFF_POSIX_MEMALIGN);
		op->b = size;
		break;
	default:
		op->a = size;
	}
	return true;
}

/* Fill @op with a realloc: grow, shrink, to zero, or from NULL. */
static void gen_realloc(struct diff_op *op)
{
	unsigned int r = (unsigned int)rnd_range(0, 99);
	uint64_t old, size;

	op->kind = DIFF_REALLOC;
	if (st.nlive == 0 || (r < 10 && st.nlive < st.nslots)) {
		op->slot = st.perm[rnd_range(st.nlive, st.nslots - 1)];
		op->a = gen_size();
		return;
	}
	op->slot = st.perm[rnd_range(0, st.nlive - 1)];
	old = st.size[op->slot];
	if (r < 15)
		size = 0;
	else if (r < 50)
		size = old ? rnd_range(1, old) : 0;
	else if (r < 80)
		size = old + rnd_range(1, old / 2 + 64);
	else
		size = gen_size();
	/* Growing a big block may copy it: keep that rare. */
	if (size > old && old > 65536 && rnd() % 4)
		size = old / 2;
	if (size > old && st.live_bytes + size - old > LIVE_CAP)
		size = old / 2;
	op->a = size;
}

/* A live slot to free: often one allocated lately (a LIFO pattern). */
static unsigned int gen_victim(void)
{
	unsigned int s;

	if (st.nlive == 0)
		return 0;
	if (rnd_range(0, 99) < st.lifo) {
		s = st.recent[(st.recent_next - 1 - rnd() % 3) % 8];
		if (st.ptr[s] && s < st.nslots)
			return s;
	}
	return st.perm[rnd_range(0, st.nlive - 1)];
}

/* Generate the next pseudo-random operation. */
static void gen_op(struct diff_op *op)
{
	unsigned int r = (unsigned int)rnd_range(0, st.kind_total - 1), k = 1;

	memset(op, 0, sizeof(*op));
	while (k < DIFF_NKINDS - 1 && r >= st.kind_weight[k])
		r -= st.kind_weight[k++];
	switch (k) {
	case DIFF_FREE:
		if (st.nlive == 0 && gen_alloc(op, DIFF_MALLOC))
			return;
		op->kind = DIFF_FREE;
		op->slot = gen_victim();
		return;
	case DIFF_REALLOC:
		gen_realloc(op);
		return;
	case DIFF_TRIM:
		op->kind = DIFF_TRIM;
		op->a = (rnd() % 8) ?
				(uint64_t[]){ 0, 4096, 131072 }[rnd() % 3] :
				rnd_range(0, 1 << 20);
		return;
	case DIFF_MALLOPT:
		gen_mallopt(op);
		return;
	default:
		if (gen_alloc(op, k))
			return;
		op->kind = DIFF_FREE; /* every slot is live */
		op->slot = gen_victim();
	}
}

/* ---- main ---- */

/* What goes to standard output for each operation. */
enum output {
	OUT_RECORDS,
	OUT_HASHES,
	OUT_SCRIPT
};

/* Write what @mode asks for about @op and its record @rec. */
static void output(enum output mode, const struct diff_op *op,
		   const struct diff_record *rec)
{
	char line[128];
	uint64_t h;
	size_t n;

	switch (mode) {
	case OUT_RECORDS:
		out(rec, sizeof(*rec));
		break;
	case OUT_HASHES:
		h = diff_record_hash(rec);
		out(&h, sizeof(h));
		break;
	case OUT_SCRIPT:
		n = diff_format_op(line, sizeof(line) - 1, op);
		line[n++] = '\n';
		out(line, n);
		break;
	}
}

/* Run @count operations, generated (@ops NULL) or parsed from @ops. */
static void run(uint64_t count, char **ops, enum output mode)
{
	struct diff_record rec;
	struct diff_op op;

	for (uint64_t i = 0; i < count; i++) {
		if (!ops)
			gen_op(&op);
		else if (!diff_parse_op(ops[i], &op))
			die("bad operation", ops[i]);
		run_op(&op, (unsigned int)i, &rec);
		output(mode, &op, &rec);
	}
	write_all(1, out_buf, out_len);
}

/* Parse the whole decimal number @s; exit on bad input. */
static uint64_t arg_num(const char *s)
{
	const char *p = s;
	uint64_t v;

	if (!diff_parse_num(&p, &v) || *p)
		die("bad number", s);
	return v;
}

int main(int argc, char **argv)
{
	enum output mode = OUT_RECORDS;
	char **arg = argv + 1;
	int nargs = argc - 1;

	st.heap_start = (uintptr_t)sbrk(0);
	for (unsigned int i = 0; i < DIFF_SLOTS; i++)
		st.perm[i] = st.pos[i] = (uint16_t)i;
	st.nslots = DIFF_SLOTS;
	if (nargs > 0 && !strcmp(arg[0], "--script"))
		mode = OUT_SCRIPT;
	else if (nargs > 0 && !strcmp(arg[0], "--hash"))
		mode = OUT_HASHES;
	arg += mode != OUT_RECORDS;
	nargs -= mode != OUT_RECORDS;
	if (nargs < 2)
		die("usage: diffrun [--script|--hash] glibc|ptm|ptm-raw "
		    "seed SEED COUNT | ops OP...",
		    NULL);
	if (!strcmp(arg[0], "glibc"))
		st.api = &glibc_api;
	else if (!strcmp(arg[0], "ptm") || !strcmp(arg[0], "ptm-raw"))
		st.api = &ptm_api;
	else
		die("unknown side", arg[0]);
	st.emulate_tcache = !strcmp(arg[0], "ptm");

	if (!strcmp(arg[1], "seed") && nargs == 4) {
		gen_init(arg_num(arg[2]));
		run(arg_num(arg[3]), NULL, mode);
	} else if (!strcmp(arg[1], "ops")) {
		run((uint64_t)(nargs - 2), arg + 2, mode);
	} else {
		die("bad arguments after", arg[0]);
	}
	_exit(0);
}
