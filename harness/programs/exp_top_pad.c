// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_top_pad: E-4.3.4 (M_TOP_PAD) and E-4.3.5 (M_TRIM_THRESHOLD), 001
 * sections 4.3.4 and 4.3.5, on the real program break.
 *
 *	exp_top_pad test1|test2|trim800|notrim [--trace FILE]
 *
 * Fresh; five malloc(100 KiB), reading the break after each, then five
 * frees in allocation order, reading the break after the last.
 * test1: defaults: +0x3a000, +0x3a000, +0x6c000, +0x6c000, +0x9e000,
 * after the frees +0x21000 (top_pad + one page kept).
 * test2: mallopt(M_TOP_PAD, 400 KiB) first: +0x7e000 five times, after
 * the frees +0x65000.
 * trim800: mallopt(M_TRIM_THRESHOLD, 800 KiB) first: the same growth,
 * and the break stays at +0x9e000 after the frees.
 * notrim: mallopt(M_TRIM_THRESHOLD, -1): the break stays at +0x9e000.
 *
 * Keys: mallopt_ret (all but test1), brk1..brk5, brk_after_free,
 * keepcost_after_free (the top chunk left).
 */
#include "exp_util.h"

#define BLOCK (100 * 1024)
#define NBLOCKS 5

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *p[NBLOCKS];
	char key[16];
	int param = 0, value = 0;

	if (strcmp(mode, "test2") == 0) {
		param = M_TOP_PAD;
		value = 400 * 1024;
	} else if (strcmp(mode, "trim800") == 0) {
		param = M_TRIM_THRESHOLD;
		value = 800 * 1024;
	} else if (strcmp(mode, "notrim") == 0) {
		param = M_TRIM_THRESHOLD;
		value = -1;
	} else if (strcmp(mode, "test1") != 0) {
		exp_usage("exp_top_pad", "test1|test2|trim800|notrim");
	}
	exp_setup(argc, argv, false);
	exp_begin();
	if (param != 0)
		exp_put("mallopt_ret", ptm_mallopt(param, value));
	for (int i = 0; i < NBLOCKS; i++) {
		p[i] = ptm_malloc(BLOCK);
		if (p[i] == NULL)
			exp_die("exp_top_pad: malloc failed\n");
		snprintf(key, sizeof(key), "brk%d", i + 1);
		exp_put(key, exp_brk_delta());
	}
	for (int i = 0; i < NBLOCKS; i++)
		ptm_free(p[i]);
	exp_put("brk_after_free", exp_brk_delta());
	exp_put("keepcost_after_free", (long long)ptm_mallinfo2().keepcost);
	exp_end();
	return exp_finish();
}
