// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_mallinfo: the experiments read through mallinfo on a simulated
 * break: E-3.7 (the free path, 001 section 3.7), E-4.3.3 (M_MXFAST, 001
 * section 4.3.3) and E-5.1 (pointer arrays, 001 section 5.1).
 *
 *	exp_mallinfo free|mxfast_test1|mxfast_test2|ptrs
 *
 * free: free(NULL) changes nothing; freeing an mmapped chunk munmaps it
 *	and, while the dynamic threshold is on, raises the mmap threshold
 *	to its size (at most 32 MiB) and the trim threshold to twice that;
 *	a free that leaves a chunk of at least 64 KiB consolidates the
 *	fast bins.
 * mxfast_test1, mxfast_test2: twenty malloc(32) then twenty frees on a
 *	fresh heap, mallinfo before (b_), after allocating (a_) and after
 *	freeing (f_); test2 calls mallopt(M_MXFAST, 0) first.
 * ptrs: ten malloc(10) use 320 bytes of uordblks, one malloc(100) 112.
 */
#include "exp_util.h"

#define MIB (1024UL * 1024)

/* free: the mmapped-chunk part (hblks, thresholds). */
static void free_mmapped(void)
{
	char *p = ptm_malloc(MIB), *q, *r, *s;

	exp_put("mmapped_hblks", (long long)ptm_mallinfo2().hblks);
	exp_put("mmapped_hblkhd", (long long)ptm_mallinfo2().hblkhd);
	ptm_free(p);
	exp_put("freed_hblks", (long long)ptm_mallinfo2().hblks);
	exp_put("threshold_after_1m",
		(long long)ptm_debug_param(M_MMAP_THRESHOLD));
	exp_put("trim_after_1m", (long long)ptm_debug_param(M_TRIM_THRESHOLD));
	/* 40 MiB is mmapped too, but above 32 MiB: no adjustment. */
	q = ptm_malloc(40 * MIB);
	exp_put("big_is_mmapped", chunk_is_mmapped(mem2chunk(q)));
	ptm_free(q);
	exp_put("threshold_after_40m",
		(long long)ptm_debug_param(M_MMAP_THRESHOLD));
	/* 512 KiB is now below the threshold: from the heap. */
	r = ptm_malloc(512 * 1024);
	exp_put("half_mib_is_mmapped", chunk_is_mmapped(mem2chunk(r)));
	ptm_free(r);
	/* Once a parameter is set, the adjustment is off. */
	exp_put("top_pad_ret", ptm_mallopt(M_TOP_PAD, 128 * 1024));
	s = ptm_malloc(2 * MIB);
	ptm_free(s);
	exp_put("threshold_after_nodyn",
		(long long)ptm_debug_param(M_MMAP_THRESHOLD));
}

/* free: a free leaving >= 64 KiB consolidates the fast bins. */
static void free_consolidates(void)
{
	char *small[10], *big;

	for (int i = 0; i < 10; i++)
		small[i] = ptm_malloc(32);
	ptm_malloc(24);
	big = ptm_malloc(70000);
	ptm_malloc(24);
	for (int i = 0; i < 10; i++)
		ptm_free(small[i]);
	exp_put("consol_smblks_before", (long long)ptm_mallinfo2().smblks);
	ptm_free(big);
	exp_put("consol_smblks_after", (long long)ptm_mallinfo2().smblks);
	exp_put("consol_fsmblks_after", (long long)ptm_mallinfo2().fsmblks);
}

/* free: see the file comment. */
static void free_path(void)
{
	struct mallinfo2 m0 = ptm_mallinfo2(), m1;

	ptm_free(NULL);
	m1 = ptm_mallinfo2();
	exp_put("free_null_changed", memcmp(&m0, &m1, sizeof(m0)) != 0);
	exp_put("free_null_brk", exp_brk_delta());
	free_mmapped();
	free_consolidates();
}

/* mxfast_test1/2: the mallinfo table of 001 section 4.3.3. */
static void mxfast(bool disable)
{
	char *p[20];

	if (disable)
		exp_put("mallopt_ret", ptm_mallopt(M_MXFAST, 0));
	exp_put_mallinfo("b_", ptm_mallinfo2());
	for (int i = 0; i < 20; i++)
		p[i] = ptm_malloc(32);
	exp_put_mallinfo("a_", ptm_mallinfo2());
	exp_map(disable ? "e4_3_3_test2_alloc" : "e4_3_3_test1_alloc");
	for (int i = 0; i < 20; i++)
		ptm_free(p[i]);
	exp_put_mallinfo("f_", ptm_mallinfo2());
	exp_map(disable ? "e4_3_3_test2_free" : "e4_3_3_test1_free");
}

static void mxfast_test1(void)
{
	mxfast(false);
}

static void mxfast_test2(void)
{
	mxfast(true);
}

/* ptrs: ten malloc(10) against one malloc(100). */
static void ptrs(void)
{
	char *a[10];
	size_t u0 = ptm_mallinfo2().uordblks, u1;

	for (int i = 0; i < 10; i++)
		a[i] = ptm_malloc(10);
	u1 = ptm_mallinfo2().uordblks;
	exp_put("ten_uordblks", (long long)(u1 - u0));
	for (int i = 0; i < 10; i++)
		ptm_free(a[i]);
	u0 = ptm_mallinfo2().uordblks;
	a[0] = ptm_malloc(100);
	exp_put("one_uordblks", (long long)(ptm_mallinfo2().uordblks - u0));
	ptm_free(a[0]);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *mode;
		void (*run)(void);
	} modes[] = {
		{ "free", free_path },
		{ "mxfast_test1", mxfast_test1 },
		{ "mxfast_test2", mxfast_test2 },
		{ "ptrs", ptrs },
	};

	const char *mode = argc > 1 ? argv[1] : "";

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(mode, modes[i].mode) == 0) {
			exp_setup(argc, argv, true);
			exp_begin();
			modes[i].run();
			exp_end();
			return exp_finish();
		}
	}
	exp_usage("exp_mallinfo", "free|mxfast_test1|mxfast_test2|ptrs");
	return 2;
}
