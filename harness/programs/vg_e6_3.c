// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vg_e6_3: the program of E-6.3, on this allocator, for memcheck
 * (harness/test_valgrind.c, exp_valgrind.c):
 *
 *	valgrind --tool=memcheck --leak-check=full vg_e6_3
 *
 * It writes one int past a block of 10 and exits without freeing it:
 * memcheck must report the invalid write "0 bytes after a block of size
 * 40 alloc'd" at ptm_malloc called from main, and the 40 bytes as
 * definitely lost.  It prints the block's address first ("p 0x...") so
 * that the test can check the address memcheck names.  No stdio: nothing
 * else may show up in the report.
 */
#include <stdio.h>
#include <unistd.h>

#include "ptmalloc.h"

int main(void)
{
	char line[64];
	int n;
	int *p = ptm_malloc(10 * sizeof(int));

	n = snprintf(line, sizeof(line), "p %p\n", (void *)p);
	if (write(1, line, (size_t)n) != n)
		return 2;
	p[10] = 1;
	return 0;
}
