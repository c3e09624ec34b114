// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_leak1: E-5.2, "a live chunk pins the heap" (001 section 5.2), on
 * the real program break, measured with /proc/self/statm (pages).
 *
 *	exp_leak1 run [--trace FILE]
 *
 * 5000 x (malloc(100 KiB) + memset 0), then the frees in allocation
 * order.  The two programs of the document free in the same order and
 * differ only in where they stop to measure, so one run serves both:
 * test2's figures are read after freeing all but the last block (the
 * last one, next to top, pins everything), test1's after the last free.
 *
 * Keys (pages unless said otherwise):
 *   heap_bytes        break delta after the mallocs (512110592)
 *   size_grow         statm size after malloc - before (125027)
 *   resident_grow     resident after malloc - before (>= 125000)
 *   t2_size_delta     size after freeing all but the last - after malloc
 *   t2_resident_delta the same for resident (|d| <= 100)
 *   t1_size_delta     size after freeing all - before (33)
 *   t1_resident_delta resident after freeing all - before (|d| <= 100)
 *   brk_after_free    break delta after freeing all (0x21000)
 */
#include "exp_util.h"

#define ARRAY_SIZE_E52 5000
#define MALLOC_SIZE_E52 (100 * 1024)

static char *array[ARRAY_SIZE_E52];

int main(int argc, char **argv)
{
	long size0, res0, size1, res1, size2, res2, size3, res3;

	if (argc < 2 || strcmp(argv[1], "run") != 0)
		exp_usage("exp_leak1", "run");
	exp_setup(argc, argv, false);
	exp_statm(&size0, &res0);
	exp_begin();
	for (int i = 0; i < ARRAY_SIZE_E52; i++) {
		array[i] = ptm_malloc(MALLOC_SIZE_E52);
		if (array[i] == NULL)
			exp_die("exp_leak1: malloc failed\n");
		memset(array[i], 0, MALLOC_SIZE_E52);
	}
	exp_put("heap_bytes", exp_brk_delta());
	exp_statm(&size1, &res1);
	exp_map("e5_2_alloc");
	for (int i = 0; i < ARRAY_SIZE_E52 - 1; i++)
		ptm_free(array[i]);
	exp_statm(&size2, &res2);
	exp_map("e5_2_test2_pinned");
	ptm_free(array[ARRAY_SIZE_E52 - 1]);
	exp_statm(&size3, &res3);
	exp_map("e5_2_test1_freed");
	exp_put("brk_after_free", exp_brk_delta());
	exp_end();
	exp_put("size_grow", size1 - size0);
	exp_put("resident_grow", res1 - res0);
	exp_put("t2_size_delta", size2 - size1);
	exp_put("t2_resident_delta", res2 - res1);
	exp_put("t1_size_delta", size3 - size0);
	exp_put("t1_resident_delta", res3 - res0);
	return exp_finish();
}
