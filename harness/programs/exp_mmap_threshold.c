// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_mmap_threshold: E-4.3.2, M_MMAP_THRESHOLD and the dynamic mmap
 * threshold (001 section 4.3.2), on the real program break.
 *
 *	exp_mmap_threshold MODE [--trace FILE]
 *
 * test1: two rounds of malloc(1 MiB), memset, free.  The first block is
 * mmapped; its free raises the mmap threshold to its chunk size 1052672
 * and the trim threshold to 2105344, so the second comes from the heap
 * (break +0x121000) and its free does not trim.
 * test2: mallopt(M_MMAP_THRESHOLD, 256 KiB) first: both blocks mmapped,
 * the threshold stays 262144; mallopt with 32 MiB + 1 then returns 0.
 * nodyn_trim, nodyn_top_pad, nodyn_mmap_threshold, nodyn_mmap_max: set
 * that parameter (to its default value), then one round: the threshold
 * stays 131072, because any of the four turns the adjustment off.
 *
 * Keys per round N (1, 2): pN_is_mmapped, pN_chunk_size, pN_mmap_addr,
 * brk_after_mallocN, brk_after_freeN, mmap_thresholdN, trim_thresholdN;
 * plus mmap_threshold0 / trim_threshold0 (before), mallopt_ret and, for
 * test2, mallopt_too_big and mmap_threshold_after_too_big.
 */
#include "exp_util.h"

#define ONE_MIB (1024 * 1024)

/* Round @n: malloc(1 MiB), memset, free, and what each step did. */
static void round_trip(int n)
{
	char key[32];
	char *p = ptm_malloc(ONE_MIB);
	struct malloc_chunk *c;

	if (p == NULL)
		exp_die("exp_mmap_threshold: malloc failed\n");
	c = mem2chunk(p);
	snprintf(key, sizeof(key), "p%d_", n);
	exp_put2(key, "is_mmapped", chunk_is_mmapped(c));
	exp_put2(key, "chunk_size", (long long)chunk_size(c));
	snprintf(key, sizeof(key), "p%d_mmap_addr", n);
	if (chunk_is_mmapped(c))
		exp_put_ptr(key, (char *)c - c->prev_size);
	snprintf(key, sizeof(key), "brk_after_malloc%d", n);
	exp_put(key, exp_brk_delta());
	memset(p, 1, ONE_MIB);
	ptm_free(p);
	snprintf(key, sizeof(key), "brk_after_free%d", n);
	exp_put(key, exp_brk_delta());
	snprintf(key, sizeof(key), "mmap_threshold%d", n);
	exp_put(key, (long long)ptm_debug_param(M_MMAP_THRESHOLD));
	snprintf(key, sizeof(key), "trim_threshold%d", n);
	exp_put(key, (long long)ptm_debug_param(M_TRIM_THRESHOLD));
}

/* The parameter a nodyn_* mode sets, with its default value. */
static bool nodyn_param(const char *mode, int *param, int *value)
{
	static const struct {
		const char *mode;
		int param;
		int value;
	} table[] = {
		{ "nodyn_trim", M_TRIM_THRESHOLD, 128 * 1024 },
		{ "nodyn_top_pad", M_TOP_PAD, 128 * 1024 },
		{ "nodyn_mmap_threshold", M_MMAP_THRESHOLD, 128 * 1024 },
		{ "nodyn_mmap_max", M_MMAP_MAX, 65536 },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(mode, table[i].mode) == 0) {
			*param = table[i].param;
			*value = table[i].value;
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	bool test1 = strcmp(mode, "test1") == 0;
	bool test2 = strcmp(mode, "test2") == 0;
	int param = 0, value = 0;
	bool nodyn = nodyn_param(mode, &param, &value);

	if (!test1 && !test2 && !nodyn)
		exp_usage("exp_mmap_threshold",
			  "test1|test2|nodyn_trim|nodyn_top_pad|"
			  "nodyn_mmap_threshold|nodyn_mmap_max");
	exp_setup(argc, argv, false);
	exp_begin();
	exp_put("mmap_threshold0",
		(long long)ptm_debug_param(M_MMAP_THRESHOLD));
	exp_put("trim_threshold0",
		(long long)ptm_debug_param(M_TRIM_THRESHOLD));
	if (test2)
		exp_put("mallopt_ret",
			ptm_mallopt(M_MMAP_THRESHOLD, 256 * 1024));
	if (nodyn)
		exp_put("mallopt_ret", ptm_mallopt(param, value));
	round_trip(1);
	if (!nodyn)
		round_trip(2);
	exp_end();
	if (test2) {
		exp_put("mallopt_too_big",
			ptm_mallopt(M_MMAP_THRESHOLD, 32 * ONE_MIB + 1));
		exp_put("mmap_threshold_after_too_big",
			(long long)ptm_debug_param(M_MMAP_THRESHOLD));
	}
	return exp_finish();
}
