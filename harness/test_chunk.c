/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * E-3.3 (chunk layout) and E-5.1 (pointer arrays) of
 * docs/experiments.md: request2size, alignment, usable sizes, the
 * flag bits of the size word, the gdb dump of 001 section 5.3.3, the
 * reuse of the next chunk's prev_size, and the chunk overhead of many
 * small blocks against one block.
 *
 * Every figure is the experiment's, asserted exactly, on a private
 * simulated break so that addresses relative to the heap start and break
 * deltas do not depend on the test process.
 */
#include <pthread.h>
#include <string.h>

#include "chunk.h"
#include "harness.h"

/* request2size: 0..24 -> 32, 25..40 -> 48, 41..56 -> 64, and the big ones. */
Test(experiment_3_3, request2size)
{
	for (size_t n = 0; n <= 24; n++)
		cr_assert(eq(sz, request2size(n), 32), "request %zu", n);
	for (size_t n = 25; n <= 40; n++)
		cr_assert(eq(sz, request2size(n), 48), "request %zu", n);
	for (size_t n = 41; n <= 56; n++)
		cr_assert(eq(sz, request2size(n), 64), "request %zu", n);
	cr_assert(eq(sz, request2size(1024), 1040));
	cr_assert(eq(sz, request2size(KIB(100)), 102416));
	cr_assert(eq(sz, request2size(MIB(1)), 1048592));
	cr_assert(eq(sz, MINSIZE, 32));
}

/* The heap chunks malloc carves have exactly request2size bytes. */
Test(experiment_3_3, heap_chunk_sizes)
{
	static const struct {
		size_t req, chunk;
	} cases[] = {
		{ 0, 32 },  { 1, 32 },	    { 24, 32 },
		{ 25, 48 }, { 40, 48 },	    { 41, 64 },
		{ 56, 64 }, { 1024, 1040 }, { 102400, 102416 },
	};

	fresh_sim_heap();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *p = ptm_malloc(cases[i].req);

		cr_assert(ne(ptr, p, NULL));
		cr_assert(eq(sz, chunk_bytes(p), cases[i].chunk), "malloc(%zu)",
			  cases[i].req);
	}
}

/* Every pointer malloc returns is 16-byte aligned, heap or mmapped. */
Test(experiment_3_3, pointers_16_byte_aligned)
{
	fresh_sim_heap();
	for (size_t n = 0; n <= 2100; n += 7) {
		void *p = ptm_malloc(n);

		cr_assert(ne(ptr, p, NULL));
		cr_assert(eq(uptr, (uintptr_t)p % 16, 0), "malloc(%zu)", n);
	}
	void *big = ptm_malloc(MIB(1));
	cr_assert(eq(uptr, (uintptr_t)big % 16, 0));
	ptm_free(big);
}

/*
 * malloc_usable_size: chunk - 8 for a heap chunk (24 -> 24, 25 -> 40),
 * chunk - 16 for an mmapped one (1 MiB -> 1052672 - 16), NULL -> 0.
 */
Test(experiment_3_3, usable_size)
{
	fresh_sim_heap();
	void *p24 = ptm_malloc(24);
	void *p25 = ptm_malloc(25);
	void *p0 = ptm_malloc(0);
	void *big = ptm_malloc(MIB(1));

	cr_assert(eq(sz, ptm_malloc_usable_size(p24), 24));
	cr_assert(eq(sz, ptm_malloc_usable_size(p25), 40));
	cr_assert(eq(sz, ptm_malloc_usable_size(p0), 24));
	cr_assert(eq(sz, chunk_bytes(big), 1052672));
	cr_assert(eq(sz, ptm_malloc_usable_size(big), 1052672 - 16));
	cr_assert(eq(sz, ptm_malloc_usable_size(NULL), 0));

	/* The rule for every heap request up to 2 KiB. */
	for (size_t n = 0; n <= 2048; n++) {
		void *p = ptm_malloc(n);

		cr_assert(eq(sz, ptm_malloc_usable_size(p),
			     request2size(n) - 8),
			  "malloc(%zu)", n);
		ptm_free(p);
	}
}

/* A non-main arena's chunk: read in a second thread's first malloc. */
static void *thread_malloc16(void *arg)
{
	(void)arg;
	return ptm_malloc(16);
}

/*
 * Flag bits: the first chunk of the heap has PREV_INUSE (0x21), a 1 MiB
 * block has IS_MMAPPED (size word 1052672 | 2), a chunk of a second
 * thread's arena has NON_MAIN_ARENA (0x25: it is also its heap's first).
 */
Test(experiment_3_3, flag_bits)
{
	fresh_sim_heap();
	void *first = ptm_malloc(16);
	void *second = ptm_malloc(16);
	void *big = ptm_malloc(MIB(1));

	cr_assert(eq(ptr, first, heap_start() + 0x10));
	cr_assert(eq(sz, size_word(first), 0x21));
	cr_assert(eq(sz, size_word(second), 0x21));
	cr_assert(eq(sz, size_word(big), 1052672 | IS_MMAPPED));
	cr_assert(eq(sz, size_word(big) & (PREV_INUSE | NON_MAIN_ARENA), 0));
	cr_assert(eq(sz, prev_size_word(big), 0),
		  "an mmapped chunk starts its mapping");

	pthread_t t;
	void *other = NULL;

	cr_assert(eq(int, pthread_create(&t, NULL, thread_malloc16, NULL), 0));
	cr_assert(eq(int, pthread_join(t, &other), 0));
	cr_assert(ne(ptr, other, NULL));
	cr_assert(eq(sz, size_word(other), 0x20 | NON_MAIN_ARENA | PREV_INUSE));
	ptm_free(other);
	ptm_free(big);
}

/*
 * The gdb dump of 001 section 5.3.3: five malloc(16) on a fresh heap;
 * the first pointer is heap start + 0x10, the others 0x20 apart, each
 * size word 0x21, and the top chunk's size word 0x20f61.
 */
Test(experiment_3_3, gdb_dump)
{
	char *p[5];

	fresh_sim_heap();
	for (int i = 0; i < 5; i++) {
		p[i] = ptm_malloc(16);
		memset(p[i], 1, 16);
	}
	cr_assert(eq(ptr, heap_start(), harness_brk0));
	cr_assert(eq(ptr, p[0], heap_start() + 0x10));
	for (int i = 0; i < 5; i++) {
		cr_assert(eq(ptr, p[i], p[0] + 0x20 * i), "pointer %d", i);
		cr_assert(eq(sz, size_word(p[i]), 0x21), "size word %d", i);
	}
	/* The top chunk starts right after the fifth chunk. */
	cr_assert(eq(sz, size_word(p[4] + 0x20), 0x20f61));
	cr_assert(eq(sz, brk_delta(), 135168));
	for (int i = 0; i < 5; i++)
		ptm_free(p[i]);
}

/*
 * Space reuse: malloc(24) may write 24 bytes; the last 8 land in the next
 * chunk's prev_size, and the next chunk's size word stays intact.
 */
Test(experiment_3_3, prev_size_reuse)
{
	fresh_sim_heap();
	char *a = ptm_malloc(24);
	char *b = ptm_malloc(24);

	cr_assert(eq(ptr, b, a + 32));
	memset(a, 0xab, 24);
	cr_assert(eq(sz, size_word(b), 0x21));
	cr_assert(eq(sz, prev_size_word(b), (size_t)0xababababababababULL));
	cr_assert(eq(ptr, a + 16, b - 16), "a's last word is b's prev_size");
	cr_assert(eq(sz, ptm_malloc_usable_size(a), 24));
}

/* E-5.1 test1: ten malloc(10) use 10 chunks = 320 bytes of uordblks. */
Test(experiment_5_1, ten_small_blocks)
{
	char *a[10];

	fresh_sim_heap();
	for (int i = 0; i < 10; i++)
		a[i] = ptm_malloc(10);
	for (int i = 1; i < 10; i++)
		cr_assert(eq(ptr, a[i], a[i - 1] + 32));
	assert_mallinfo("after ten malloc(10)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .uordblks = 320,
					    .fordblks = 135168 - 320,
					    .keepcost = 135168 - 320 });
	for (int i = 0; i < 10; i++)
		ptm_free(a[i]);
	assert_mallinfo("after the frees",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 10,
					    .fsmblks = 320,
					    .uordblks = 0,
					    .fordblks = 135168,
					    .keepcost = 135168 - 320 });
}

/* E-5.1 test2: one malloc(100) uses one chunk of 112 bytes. */
Test(experiment_5_1, one_block)
{
	fresh_sim_heap();
	char *a = ptm_malloc(100);

	cr_assert(eq(ptr, a, heap_start() + 0x10));
	assert_mallinfo("after malloc(100)",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .uordblks = 112,
					    .fordblks = 135168 - 112,
					    .keepcost = 135168 - 112 });
	ptm_free(a);
	assert_mallinfo("after the free",
			(struct mi_expect){ .arena = 135168,
					    .ordblks = 1,
					    .smblks = 1,
					    .fsmblks = 112,
					    .fordblks = 135168,
					    .keepcost = 135168 - 112 });
}
