// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vg_dropin: the program of E-6.3 with the standard names, for memcheck
 * on the drop-in (harness/test_valgrind.c):
 *
 *	LD_PRELOAD=libptmalloc.so valgrind \
 *		--soname-synonyms=somalloc=nouserintercepts vg_dropin
 *
 * Without that option valgrind would put its own malloc in place of the
 * preloaded one.  It prints the block's address ("p 0x...") and the
 * allocator's mallinfo2() arena size ("arena N"; through the drop-in a
 * non-zero size shows the block came from this allocator, whose
 * mallinfo2 the drop-in exports).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char line[96];
	int n;
	int *p = malloc(10 * sizeof(int));

	n = snprintf(line, sizeof(line), "p %p\narena %zu\n", (void *)p,
		     mallinfo2().arena);
	if (write(1, line, (size_t)n) != n)
		return 2;
	p[10] = 1;
	return 0;
}
