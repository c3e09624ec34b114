// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * asan_demo: errors AddressSanitizer must catch in this allocator's
 * blocks, for the ASan tests (harness/test_asan.c, `make check-asan`).
 * Built like every program; only an ASan build (CFLAGS with
 * -fsanitize=address) poisons, see malloc/valgrind.h.
 *
 *	asan_demo overflow|underflow|uaf|clean
 *
 * overflow: write one int past a block of 10 (E-6.3's program);
 * underflow: write the word before a block (its chunk header);
 * uaf: write into a block after ptm_free;
 * clean: use every entry point correctly (exit 0, no report).
 * Each prints the block's address first ("p 0x..."), with write(2).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

/* Print "p ADDR" with write(2). */
static void say(const void *p)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "p %p\n", p);

	if (write(1, line, (size_t)n) != n)
		_exit(2);
}

/* Every entry point, correctly; 0 when the contents came through. */
static int clean(void)
{
	unsigned char *a, *b, *c, *m;
	void *pm = NULL;
	int bad = 0;

	ptm_mallopt(M_PERTURB, 0x5a);
	a = ptm_malloc(40);
	b = ptm_malloc(40);
	memset(a, 7, 40);
	a = ptm_realloc(a, 3000);
	bad += a[39] != 7;
	memset(a, 8, 3000);
	a = ptm_realloc(a, 100);
	bad += a[99] != 8;
	c = ptm_calloc(1, 200000);
	bad += c[199999] != 0;
	c = ptm_realloc(c, 900000);
	bad += c[199999] != 0;
	m = ptm_memalign(256, 100);
	m[99] = 1;
	bad += ptm_posix_memalign(&pm, 64, 64) != 0;
	memset(pm, 3, 64);
	ptm_free(pm);
	ptm_free(m);
	ptm_free(c);
	ptm_free(b);
	ptm_free(a);
	return bad;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int *p;

	if (strcmp(mode, "clean") == 0)
		return clean();
	p = ptm_malloc(10 * sizeof(int));
	say(p);
	if (strcmp(mode, "overflow") == 0) {
		p[10] = 1;
	} else if (strcmp(mode, "underflow") == 0) {
		((size_t *)p)[-1] = 0;
	} else if (strcmp(mode, "uaf") == 0) {
		ptm_free(p);
		p[3] = 1;
	} else {
		return 2;
	}
	return 0;
}
