// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_mmap_max: E-4.3.1, M_MMAP_MAX (001 section 4.3.1), on the real
 * program break.
 *
 *	exp_mmap_max test1|test2 [--trace FILE]
 *
 * test1: fresh, p = malloc(1 MiB), memset, free(p): one mmap of 1052672
 * bytes and its munmap, the break never moves.
 * test2: mallopt(M_MMAP_MAX, 0) first: no mmap; the break grows by
 * 0x121000 on the malloc and is back at +0x21000 after the free.
 *
 * Keys: mallopt_ret (test2), is_mmapped, chunk_size, mmap_addr (test1:
 * the address strace must show), brk_after_malloc, brk_after_free, plus
 * those of exp_util.h.  The test suite runs both modes under strace.
 */
#include "exp_util.h"

#define ONE_MIB (1024 * 1024)

/* Allocate, touch and free one 1 MiB block, reporting what happened. */
static void one_mib_block(void)
{
	char *p = ptm_malloc(ONE_MIB);
	struct malloc_chunk *c;

	if (p == NULL)
		exp_die("exp_mmap_max: malloc failed\n");
	c = mem2chunk(p);
	exp_put("brk_after_malloc", exp_brk_delta());
	exp_put("is_mmapped", chunk_is_mmapped(c));
	exp_put("chunk_size", (long long)chunk_size(c));
	if (chunk_is_mmapped(c))
		exp_put_ptr("mmap_addr", (char *)c - c->prev_size);
	memset(p, 1, ONE_MIB);
	ptm_free(p);
	exp_put("brk_after_free", exp_brk_delta());
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "test1") != 0 && strcmp(mode, "test2") != 0)
		exp_usage("exp_mmap_max", "test1|test2");
	exp_setup(argc, argv, false);
	exp_begin();
	if (strcmp(mode, "test2") == 0)
		exp_put("mallopt_ret", ptm_mallopt(M_MMAP_MAX, 0));
	one_mib_block();
	exp_end();
	return exp_finish();
}
