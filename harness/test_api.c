/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-000 (API semantics, as glibc 2.36's manual and malloc.c define them;
 * docs/experiments.md, "Not in this table"), in-process part:
 * mallopt's return values and side effects, mallinfo on a fresh
 * allocator, malloc_trim, calloc, realloc, malloc(0) and impossible
 * sizes, reallocarray, the aligned allocators (as glibc 2.36 validates
 * them), malloc_usable_size and M_PERTURB.
 *
 * Placement figures (which address a call returns relative to the heap
 * start, where a realloc lands) follow glibc's algorithm on a fresh
 * simulated break.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

/* One mallopt call and the value it must return. */
struct mallopt_case {
	int param;
	int value;
	int ret;
};

static const struct mallopt_case mallopt_cases[] = {
	{ M_MXFAST, 128, 1 },
	{ M_MXFAST, 160, 1 },
	{ M_MXFAST, 161, 0 },
	{ M_MXFAST, -1, 0 },
	{ M_MXFAST, INT_MAX, 0 },
	{ M_MXFAST, 1, 1 },
	{ M_MXFAST, 0, 1 },
	{ M_TRIM_THRESHOLD, 0, 1 },
	{ M_TRIM_THRESHOLD, -1, 1 },
	{ M_TRIM_THRESHOLD, 131072, 1 },
	{ M_TOP_PAD, 0, 1 },
	{ M_TOP_PAD, 131072, 1 },
	{ M_MMAP_THRESHOLD, 0, 1 },
	{ M_MMAP_THRESHOLD, 33554432, 1 },
	{ M_MMAP_THRESHOLD, 33554433, 0 },
	{ M_MMAP_THRESHOLD, INT_MAX, 0 },
	{ M_MMAP_THRESHOLD, -1, 0 },
	{ M_MMAP_THRESHOLD, 131072, 1 },
	{ M_MMAP_MAX, 0, 1 },
	{ M_MMAP_MAX, -1, 1 },
	{ M_MMAP_MAX, 65536, 1 },
	{ M_CHECK_ACTION, 1, 1 },
	{ M_CHECK_ACTION, 3, 1 },
	{ M_PERTURB, 0x55, 1 },
	{ M_PERTURB, 0, 1 },
	{ M_ARENA_TEST, 4, 1 },
	{ M_ARENA_TEST, 0, 1 },
	{ M_ARENA_TEST, -1, 1 },
	{ M_ARENA_MAX, 2, 1 },
	{ M_ARENA_MAX, 0, 1 },
	{ M_ARENA_MAX, -1, 1 },
	{ 2, 1, 1 },
	{ 3, 1, 1 },
	{ 4, 1, 1 },
	{ 12345, 7, 1 },
	{ -100, 7, 1 },
};

/* Every parameter's return value; errno is never touched. */
Test(experiment_000, mallopt_return_values)
{
	fresh_sim_heap();
	for (size_t i = 0; i < sizeof(mallopt_cases) / sizeof(*mallopt_cases);
	     i++) {
		const struct mallopt_case *c = &mallopt_cases[i];

		errno = 4242;
		cr_assert(eq(int, ptm_mallopt(c->param, c->value), c->ret),
			  "mallopt(%d, %d)", c->param, c->value);
		cr_assert(eq(int, errno, 4242), "mallopt(%d, %d) set errno",
			  c->param, c->value);
	}
}

/* A refused or ignored value changes nothing. */
Test(experiment_000, mallopt_refused_values_change_nothing)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, 161), 0));
	cr_assert(eq(int, ptm_mallopt(M_MXFAST, -1), 0));
	cr_assert(eq(sz, ptm_debug_param(M_MXFAST), 128));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_THRESHOLD, 33554433), 0));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_THRESHOLD, -1), 0));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 131072));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_TEST, 0), 1));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_TEST, -3), 1));
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_TEST), 8));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_MAX, 0), 1));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_MAX, -3), 1));
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_MAX), 0));
	cr_assert(eq(sz, ptm_debug_param(M_TOP_PAD), 131072));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_MAX), 65536));
	cr_assert(eq(sz, ptm_debug_param(M_CHECK_ACTION), 3));
	cr_assert(eq(sz, ptm_debug_param(M_PERTURB), 0));

	/* The refused calls did not turn the dynamic threshold off. */
	ptm_free(ptm_malloc(MIB(1)));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 1052672));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 2105344));
}

/* Accepted values are stored. */
Test(experiment_000, mallopt_values_stored)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_TRIM_THRESHOLD, 1000000), 1));
	cr_assert(eq(sz, ptm_debug_param(M_TRIM_THRESHOLD), 1000000));
	cr_assert(eq(int, ptm_mallopt(M_TOP_PAD, 4096), 1));
	cr_assert(eq(sz, ptm_debug_param(M_TOP_PAD), 4096));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_THRESHOLD, 33554432), 1));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_THRESHOLD), 33554432));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_MAX, 7), 1));
	cr_assert(eq(sz, ptm_debug_param(M_MMAP_MAX), 7));
	cr_assert(eq(int, ptm_mallopt(M_PERTURB, 0x55), 1));
	cr_assert(eq(sz, ptm_debug_param(M_PERTURB), 0x55));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_TEST, 2), 1));
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_TEST), 2));
	cr_assert(eq(int, ptm_mallopt(M_ARENA_MAX, 3), 1));
	cr_assert(eq(sz, ptm_debug_param(M_ARENA_MAX), 3));
	cr_assert(eq(int, ptm_mallopt(M_CHECK_ACTION, 1), 1));
	cr_assert(eq(sz, ptm_debug_param(M_CHECK_ACTION), 1));
}

/* Every mallopt call, whatever its parameter, consolidates fast bins. */
Test(experiment_000, mallopt_consolidates_fastbins)
{
	static const struct mallopt_case calls[] = {
		{ M_MXFAST, 128, 1 },
		{ M_MXFAST, 161, 0 },
		{ M_TRIM_THRESHOLD, -1, 1 },
		{ M_TOP_PAD, 131072, 1 },
		{ M_MMAP_MAX, 65536, 1 },
		{ M_MMAP_THRESHOLD, -1, 0 },
		{ M_CHECK_ACTION, 3, 1 },
		{ M_PERTURB, 0, 1 },
		{ M_ARENA_TEST, 8, 1 },
		{ M_ARENA_MAX, 0, 1 },
		{ 2, 0, 1 },
		{ 12345, 0, 1 },
	};

	fresh_sim_heap();
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++) {
		char *a = ptm_malloc(24);
		char *b = ptm_malloc(24);
		char *guard = ptm_malloc(24);

		(void)guard;
		ptm_free(a);
		ptm_free(b);
		cr_assert(eq(int, MI(smblks), 2), "call %zu", i);
		cr_assert(eq(int, ptm_mallopt(calls[i].param, calls[i].value),
			     calls[i].ret));
		cr_assert(eq(int, MI(smblks), 0), "mallopt(%d, %d)",
			  calls[i].param, calls[i].value);
		cr_assert(eq(int, MI(fsmblks), 0));
	}
}

/* mallinfo on a fresh allocator: all zero but ordblks 1 (top). */
Test(experiment_000, mallinfo_fresh)
{
	fresh_sim_heap();
	assert_mallinfo("fresh", (struct mi_expect){ .ordblks = 1 });
	struct mallinfo2 m = ptm_mallinfo2();

	cr_assert(eq(sz, m.arena, 0));
	cr_assert(eq(sz, m.ordblks, 1));
	cr_assert(eq(sz, m.smblks, 0));
	cr_assert(eq(sz, m.hblks, 0));
	cr_assert(eq(sz, m.hblkhd, 0));
	cr_assert(eq(sz, m.usmblks, 0));
	cr_assert(eq(sz, m.fsmblks, 0));
	cr_assert(eq(sz, m.uordblks, 0));
	cr_assert(eq(sz, m.fordblks, 0));
	cr_assert(eq(sz, m.keepcost, 0));
	cr_assert(eq(sz, brk_delta(), 0));
}

/*
 * malloc_trim(pad) returns 1 when memory went back, else 0, and keeps
 * pad bytes: one malloc(100 KiB) leaves top 135152 under a break of
 * +0x3a000; trim(8192) gives back 30 pages, trim(0) two more.
 */
Test(experiment_000, malloc_trim_return_and_pad)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_malloc_trim(0), 0), "nothing to give back");
	char *p = ptm_malloc(KIB(100));

	(void)p;
	cr_assert(eq(sz, brk_delta(), 0x3a000));
	cr_assert(eq(int, MI(keepcost), 135152));
	cr_assert(eq(int, ptm_malloc_trim(8192), 1));
	cr_assert(eq(sz, brk_delta(), 0x1c000));
	cr_assert(eq(int, MI(keepcost), 12272));
	cr_assert(eq(int, MI(arena), 0x1c000));
	cr_assert(eq(int, ptm_malloc_trim(8192), 0));
	cr_assert(eq(sz, brk_delta(), 0x1c000));
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	cr_assert(eq(sz, brk_delta(), 0x1a000));
	cr_assert(eq(int, MI(keepcost), 4080));
	cr_assert(eq(int, ptm_malloc_trim(0), 0));
}

/* malloc_trim also releases whole free pages inside binned free chunks. */
Test(experiment_000, malloc_trim_madvises_free_chunks)
{
	fresh_sim_heap();
	char *p = ptm_malloc(KIB(100));
	char *guard = ptm_malloc(24);

	(void)guard;
	memset(p, 0x77, KIB(100));
	ptm_free(p);
	cr_assert(eq(int, MI(ordblks), 2));
	cr_assert(eq(int, ptm_malloc_trim(KIB(200)), 1));
	cr_assert(eq(sz, brk_delta(), 0x3a000), "the break does not move");
	cr_assert(eq(int, MI(arena), 0x3a000));
	/* The pages past the chunk header read zero again. */
	cr_assert(eq(int, bytes_are(p, 4096, KIB(100) - 4096, 0), 1));
}

/* calloc zeroes, including memory reused dirty from bins and top. */
Test(experiment_000, calloc_zeroes)
{
	fresh_sim_heap();
	char *p = ptm_calloc(1, 200);

	cr_assert(eq(ptr, p, heap_start() + 16));
	cr_assert(eq(int, bytes_are(p, 0, 200, 0), 1));
	/* Dirty, freed into the unsorted bin, reused by calloc. */
	char *guard = ptm_malloc(24);

	memset(p, 0xff, 200);
	ptm_free(p);
	char *q = ptm_calloc(1, 200);

	cr_assert(eq(ptr, q, p));
	cr_assert(eq(int, bytes_are(q, 0, 200, 0), 1));
	/* Dirty, freed into a fast bin, reused by calloc. */
	char *f = ptm_malloc(24);

	memset(f, 0xff, 24);
	ptm_free(f);
	char *g = ptm_calloc(3, 8);

	cr_assert(eq(ptr, g, f));
	cr_assert(eq(int, bytes_are(g, 0, 24, 0), 1));
	/* Dirty, merged back into top, reused by calloc. */
	char *t = ptm_malloc(1000);

	cr_assert(eq(ptr, t, guard + 64));
	memset(t, 0xff, 1000);
	ptm_free(t);
	char *u = ptm_calloc(10, 100);

	cr_assert(eq(ptr, u, t));
	cr_assert(eq(int, bytes_are(u, 0, 1000, 0), 1));
}

/* calloc's n * size overflow: NULL with ENOMEM. */
Test(experiment_000, calloc_overflow)
{
	fresh_sim_heap();
	errno = 0;
	cr_assert(eq(ptr, ptm_calloc(SIZE_MAX / 2 + 1, 2), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_calloc(2, SIZE_MAX), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_calloc((size_t)PTRDIFF_MAX / 2 + 1, 2), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	void *z = ptm_calloc(0, 0);

	cr_assert(ne(ptr, z, NULL));
	ptm_free(z);
}

/* realloc(NULL, n) is malloc(n); realloc(p, 0) frees p, returns NULL. */
Test(experiment_000, realloc_null_and_zero)
{
	fresh_sim_heap();
	char *p = ptm_realloc(NULL, 200);

	cr_assert(eq(ptr, p, heap_start() + 16));
	cr_assert(eq(sz, chunk_bytes(p), 208));
	cr_assert(eq(ptr, ptm_realloc(p, 0), NULL));
	assert_mallinfo("after realloc(p, 0)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .fordblks = 135168,
					    .keepcost = 135168 });
}

/* A shrinking realloc keeps the prefix and stays in place. */
Test(experiment_000, realloc_shrink_in_place)
{
	fresh_sim_heap();
	unsigned char *p = ptm_malloc(1000);
	char *guard = ptm_malloc(24);

	for (int i = 0; i < 1000; i++)
		p[i] = (unsigned char)i;
	unsigned char *q = ptm_realloc(p, 100);

	cr_assert(eq(ptr, q, p));
	cr_assert(eq(sz, chunk_bytes(q), 112));
	for (int i = 0; i < 100; i++)
		cr_assert(eq(int, q[i], (unsigned char)i));
	/* The 896-byte tail was freed into the unsorted bin. */
	cr_assert(eq(sz, size_word(q + 112), 896 | 1));
	cr_assert(eq(sz, prev_size_word(guard), 896));
	cr_assert(eq(int, MI(ordblks), 2));
}

/* A growing realloc grows in place into top. */
Test(experiment_000, realloc_grow_into_top)
{
	fresh_sim_heap();
	unsigned char *p = ptm_malloc(100);

	memset(p, 0x3c, 100);
	unsigned char *q = ptm_realloc(p, 5000);

	cr_assert(eq(ptr, q, p));
	cr_assert(eq(sz, chunk_bytes(q), 5008));
	cr_assert(eq(int, bytes_are(q, 0, 100, 0x3c), 1));
	cr_assert(eq(int, MI(keepcost), 135168 - 5008));
}

/* A growing realloc absorbs a free neighbour and stays in place. */
Test(experiment_000, realloc_grow_into_free_neighbour)
{
	fresh_sim_heap();
	unsigned char *p = ptm_malloc(100);
	char *n = ptm_malloc(300);
	char *guard = ptm_malloc(24);

	(void)guard;
	memset(p, 0x3c, 100);
	ptm_free(n);
	unsigned char *q = ptm_realloc(p, 300);

	cr_assert(eq(ptr, q, p));
	cr_assert(eq(sz, chunk_bytes(q), 320));
	cr_assert(eq(int, bytes_are(q, 0, 100, 0x3c), 1));
	/* The 112-byte rest of the neighbour is a fast chunk now. */
	cr_assert(eq(int, MI(smblks), 1));
	cr_assert(eq(int, MI(fsmblks), 112));
	cr_assert(eq(int, MI(ordblks), 1));
}

/* A growing realloc that must move keeps all the old bytes. */
Test(experiment_000, realloc_grow_moving)
{
	fresh_sim_heap();
	unsigned char *p = ptm_malloc(100);
	char *guard = ptm_malloc(100);

	for (int i = 0; i < 100; i++)
		p[i] = (unsigned char)(i * 7);
	unsigned char *q = ptm_realloc(p, 1000);

	cr_assert(eq(ptr, q, guard + 112), "moved to top");
	cr_assert(eq(sz, chunk_bytes(q), 1008));
	for (int i = 0; i < 100; i++)
		cr_assert(eq(int, q[i], (unsigned char)(i * 7)));
	cr_assert(eq(int, MI(smblks), 1), "the old chunk is freed");
}

/* malloc(0) returns a unique, freeable pointer to a 32-byte chunk. */
Test(experiment_000, malloc_zero)
{
	fresh_sim_heap();
	char *a = ptm_malloc(0);
	char *b = ptm_malloc(0);

	cr_assert(ne(ptr, a, NULL));
	cr_assert(ne(ptr, b, NULL));
	cr_assert(eq(ptr, b, a + 32));
	cr_assert(eq(sz, ptm_malloc_usable_size(a), 24));
	ptm_free(a);
	ptm_free(b);
	cr_assert(eq(int, MI(smblks), 2));
	cr_assert(eq(int, MI(uordblks), 0));
}

/* Impossible sizes: NULL with ENOMEM. */
Test(experiment_000, malloc_impossible_sizes)
{
	static const size_t sizes[] = {
		SIZE_MAX,
		(size_t)PTRDIFF_MAX + 1,
		SIZE_MAX - 31,
		SIZE_MAX - 64,
	};

	fresh_sim_heap();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		errno = 0;
		cr_assert(eq(ptr, ptm_malloc(sizes[i]), NULL), "malloc(%zu)",
			  sizes[i]);
		cr_assert(eq(int, errno, ENOMEM), "malloc(%zu)", sizes[i]);
	}
	cr_assert(ne(ptr, ptm_malloc(16), NULL), "still working");
}

/* reallocarray: overflow gives NULL/ENOMEM and leaves the block alone. */
Test(experiment_000, reallocarray_overflow)
{
	fresh_sim_heap();
	char *p = ptm_malloc(10);

	memcpy(p, "123456789", 10);
	errno = 0;
	cr_assert(eq(ptr, ptm_reallocarray(p, SIZE_MAX / 2 + 1, 2), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	cr_assert(eq(str, p, "123456789"));
	cr_assert(eq(int, MI(uordblks), 32));
	char *q = ptm_reallocarray(p, 4, 100);

	cr_assert(eq(ptr, q, p), "grows into top");
	cr_assert(eq(sz, chunk_bytes(q), 416));
	cr_assert(eq(str, q, "123456789"));
	char *r = ptm_reallocarray(NULL, 3, 8);

	cr_assert(eq(ptr, r, q + 416));
}

/*
 * memalign(64, 100) on a fresh heap: an over-sized chunk of 224 from
 * top; the 48-byte leader and the 64-byte trailer go to fast bins, the
 * block (chunk 112) starts at heap start + 64.  aligned_alloc(48, ...)
 * rounds the alignment up to 64.  Alignments up to 16 are plain malloc.
 */
Test(experiment_000, memalign_64)
{
	fresh_sim_heap();
	char *p = ptm_memalign(64, 100);

	cr_assert(eq(ptr, p, heap_start() + 64));
	cr_assert(eq(sz, size_word(p), 112 | 1));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 104));
	assert_mallinfo("after memalign(64, 100)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 2,
					    .fsmblks = 112,
					    .uordblks = 112,
					    .fordblks = 135168 - 112,
					    .keepcost = 135168 - 224 });
}

Test(experiment_000, aligned_alloc_48_is_64)
{
	fresh_sim_heap();
	char *p = ptm_aligned_alloc(48, 100);

	cr_assert(eq(ptr, p, heap_start() + 64));
	cr_assert(eq(uptr, (uintptr_t)p % 64, 0));
}

Test(experiment_000, memalign_small_alignment_is_malloc)
{
	fresh_sim_heap();
	cr_assert(eq(ptr, ptm_memalign(8, 100), heap_start() + 16));
	cr_assert(eq(ptr, ptm_memalign(16, 100), heap_start() + 16 + 112));
	cr_assert(eq(ptr, ptm_aligned_alloc(1, 100), heap_start() + 16 + 224));
	void *p = NULL;

	cr_assert(eq(int, ptm_posix_memalign(&p, 16, 100), 0));
	cr_assert(eq(ptr, p, heap_start() + 16 + 336));
	cr_assert(eq(int, ptm_posix_memalign(&p, 8, 100), 0));
	cr_assert(eq(ptr, p, heap_start() + 16 + 448));
}

/*
 * valloc(100) on a fresh heap: chunk 4256 from a 0x22000 heap; leader
 * 4080 to the unsorted bin, trailer 64 to a fast bin; the block starts
 * at heap start + 4096.
 */
Test(experiment_000, valloc_page_aligned)
{
	fresh_sim_heap();
	char *p = ptm_valloc(100);

	cr_assert(eq(ptr, p, heap_start() + 4096));
	cr_assert(eq(sz, chunk_bytes(p), 112));
	cr_assert(eq(sz, brk_delta(), 0x22000));
	assert_mallinfo("after valloc(100)",
			(struct mi_expect){ .arena = 0x22000,
					    .ordblks = 2,
					    .smblks = 1,
					    .fsmblks = 64,
					    .uordblks = 112,
					    .fordblks = 0x22000 - 112,
					    .keepcost = 0x22000 - 4256 });
}

/* pvalloc(100) rounds the request to a page: chunk 4112, usable 4104. */
Test(experiment_000, pvalloc_page_rounded)
{
	fresh_sim_heap();
	char *p = ptm_pvalloc(100);

	cr_assert(eq(ptr, p, heap_start() + 4096));
	cr_assert(eq(sz, chunk_bytes(p), 4112));
	cr_assert(eq(sz, ptm_malloc_usable_size(p), 4104));
	cr_assert(eq(sz, brk_delta(), 0x23000));
	cr_assert(eq(int, MI(smblks), 1));
	cr_assert(eq(int, MI(ordblks), 2));
}

/* posix_memalign(4096): same placement as valloc. */
Test(experiment_000, posix_memalign_page)
{
	void *p = NULL;

	fresh_sim_heap();
	cr_assert(eq(int, ptm_posix_memalign(&p, 4096, 100), 0));
	cr_assert(eq(ptr, p, heap_start() + 4096));
	cr_assert(eq(sz, chunk_bytes(p), 112));
}

/*
 * posix_memalign: an alignment that is not a power-of-two multiple of
 * sizeof(void *) is EINVAL with *memptr untouched; a size that cannot
 * be had is ENOMEM, *memptr untouched too.  errno is not its channel.
 */
Test(experiment_000, posix_memalign_errors)
{
	static const size_t bad[] = {
		0, 1, 2, 4, 12, 24, 48, 96, 4095, SIZE_MAX
	};
	void *sentinel = (void *)0x1234;
	void *p;

	fresh_sim_heap();
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		p = sentinel;
		cr_assert(eq(int, ptm_posix_memalign(&p, bad[i], 100), EINVAL),
			  "alignment %zu", bad[i]);
		cr_assert(eq(ptr, p, sentinel), "alignment %zu", bad[i]);
	}
	p = sentinel;
	cr_assert(eq(int, ptm_posix_memalign(&p, 64, SIZE_MAX), ENOMEM));
	cr_assert(eq(ptr, p, sentinel));
	cr_assert(eq(int, ptm_posix_memalign(&p, 64, (size_t)PTRDIFF_MAX + 1),
		     ENOMEM));
	cr_assert(eq(ptr, p, sentinel));
}

/* memalign/aligned_alloc/valloc/pvalloc errors, as glibc 2.36. */
Test(experiment_000, memalign_errors)
{
	fresh_sim_heap();
	errno = 0;
	cr_assert(eq(ptr, ptm_memalign(SIZE_MAX, 100), NULL));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(ptr, ptm_memalign(SIZE_MAX / 2 + 2, 100), NULL));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(ptr, ptm_aligned_alloc(SIZE_MAX, 100), NULL));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(ptr, ptm_memalign(64, SIZE_MAX - 100), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_memalign(64, (size_t)PTRDIFF_MAX + 1), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_aligned_alloc(4096, SIZE_MAX), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_valloc(SIZE_MAX), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_pvalloc(SIZE_MAX), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(ptr, ptm_pvalloc((size_t)PTRDIFF_MAX + 1), NULL));
	cr_assert(eq(int, errno, ENOMEM));
	cr_assert(ne(ptr, ptm_memalign(64, 100), NULL), "still working");
}

/* Alignment of every aligned allocator over a range of alignments. */
Test(experiment_000, aligned_allocators_alignment)
{
	fresh_sim_heap();
	for (size_t al = 1; al <= 65536; al *= 2) {
		void *p = ptm_memalign(al, 100);
		void *q = ptm_aligned_alloc(al, 3000);
		void *r = NULL;

		cr_assert(eq(uptr, (uintptr_t)p % al, 0), "memalign %zu", al);
		cr_assert(eq(uptr, (uintptr_t)q % al, 0), "aligned %zu", al);
		if (al >= sizeof(void *)) {
			cr_assert(eq(int, ptm_posix_memalign(&r, al, 10), 0));
			cr_assert(eq(uptr, (uintptr_t)r % al, 0));
		}
		cr_assert(ge(sz, ptm_malloc_usable_size(p), 100));
		cr_assert(ge(sz, ptm_malloc_usable_size(q), 3000));
	}
	cr_assert(eq(uptr, (uintptr_t)ptm_valloc(1) % 4096, 0));
	cr_assert(eq(uptr, (uintptr_t)ptm_pvalloc(1) % 4096, 0));
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
}

/* malloc_usable_size for heap, mmapped and NULL. */
Test(experiment_000, malloc_usable_size_values)
{
	fresh_sim_heap();
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(0)), 24));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(24)), 24));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(25)), 40));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(1000)), 1000));
	cr_assert(eq(sz, ptm_malloc_usable_size(ptm_malloc(MIB(1))), 1052656));
	cr_assert(eq(sz, ptm_malloc_usable_size(NULL), 0));
}

/*
 * M_PERTURB 0x55: the requested bytes of a new block read 0xaa (not for
 * calloc); a freed block reads 0x55 past its list links.
 */
Test(experiment_000, perturb)
{
	fresh_sim_heap();
	cr_assert(eq(int, ptm_mallopt(M_PERTURB, 0x55), 1));
	unsigned char *p = ptm_malloc(100);

	cr_assert(eq(int, bytes_are(p, 0, 100, 0xaa), 1));
	char *g1 = ptm_malloc(24);

	(void)g1;
	memset(p, 0, 100);
	ptm_free(p);
	/* Fast chunk 112: one link word, then 0x55 up to the chunk end. */
	cr_assert(eq(int, bytes_are(p, 8, 96, 0x55), 1));
	unsigned char *again = ptm_malloc(100);

	cr_assert(eq(ptr, again, p));
	cr_assert(eq(int, bytes_are(again, 0, 100, 0xaa), 1));

	unsigned char *big = ptm_malloc(3000);
	char *g2 = ptm_malloc(24);
	unsigned char *mid = ptm_malloc(500);
	char *g3 = ptm_malloc(24);

	(void)g2;
	(void)g3;
	cr_assert(eq(int, bytes_are(big, 0, 3000, 0xaa), 1));
	memset(big, 0, 3000);
	memset(mid, 0, 500);
	ptm_free(big);
	ptm_free(mid);
	/*
	 * Unsorted chunk 3008 (large-bin range): fd, bk, fd_nextsize and
	 * bk_nextsize (cleared by free), then 0x55 up to the chunk end.
	 */
	cr_assert(eq(int, bytes_are(big, 32, 2992, 0x55), 1));
	cr_assert(eq(uptr, mem_word(big, 2), 0));
	cr_assert(eq(uptr, mem_word(big, 3), 0));
	/* Small-bin range chunk 512: only fd and bk precede the 0x55. */
	cr_assert(eq(int, bytes_are(mid, 16, 496, 0x55), 1));

	unsigned char *c2 = ptm_calloc(1, 3000);

	cr_assert(eq(ptr, c2, big), "calloc reuses the perturbed chunk");
	cr_assert(eq(int, bytes_are(c2, 0, 3000, 0), 1));
	unsigned char *c = ptm_calloc(1, 100);

	cr_assert(eq(int, bytes_are(c, 0, 100, 0), 1));
}
