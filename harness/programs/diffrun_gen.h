/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * diffrun's state and its pseudo-random call generator: the half of
 * harness/programs/diffrun.c that decides which call comes next.  Only
 * diffrun.c includes it (a second .c file here would become a program of
 * its own), so everything is static and the one state, st, lives here.
 *
 *	rnd_seed(), rnd(), rnd_range()	xoshiro256** seeded by splitmix64:
 *			equal seeds give equal sequences on every machine
 *	gen_init()	the sequence's profile, drawn from its seed: size
 *			classes, operation weights, LIFO share, slot count,
 *			a palette of recurring sizes
 *	gen_op()	the next operation, given the live slots in st
 *
 * The generator reads the slots (st.ptr, st.size, st.perm, st.nlive,
 * st.live_bytes, st.recent) that diffrun.c's executor keeps up to date,
 * and never calls the allocator itself.
 */
#ifndef PTM_DIFFRUN_GEN_H
#define PTM_DIFFRUN_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "diff_ops.h"

/* Upper bound on the sum of the requested sizes of the live blocks. */
#define LIVE_CAP (64UL << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The allocator under test (diffrun.c). */
struct api;

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
	/*
	 * The specification keeps glibc 2.17's refusal of an mmap threshold
	 * above HEAP_MAX_SIZE / 2 (E-4.3.2), which glibc 2.35 dropped: the
	 * sequences stay where both agree (every value above on 64-bit, at
	 * most 512 KiB on i386).
	 */
	if (p->param == M_MMAP_THRESHOLD && v > (int64_t)(HEAP_MAX_SIZE / 2))
		v = (int64_t)(HEAP_MAX_SIZE / 2);
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
			op->a = sizeof(size_t) == 8 ? 1ULL << 40 : 1ULL << 20;
			op->b = (1ULL << 30) + rnd_range(0, 99);
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

#endif /* PTM_DIFFRUN_GEN_H */
