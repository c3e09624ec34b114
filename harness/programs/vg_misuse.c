// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vg_misuse: two more errors memcheck must find in this allocator's
 * blocks (harness/test_valgrind.c).
 *
 *	valgrind vg_misuse uaf|uninit|double
 *
 * uaf: write to a block after ptm_free: "Invalid write of size 4 ...
 * 12 bytes inside a block of size 40 free'd", freed in ptm_free and
 * allocated in ptm_malloc.
 * uninit: branch on an int of a fresh block: "Conditional jump or move
 * depends on uninitialised value(s)".
 * double: ptm_free twice on a block whose neighbour is in use, with
 * M_CHECK_ACTION 0 so that the allocator's own check stays silent:
 * memcheck reports "Invalid free()".
 * Each prints the block's address first ("p 0x...").
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

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int *volatile p = ptm_malloc(10 * sizeof(int));
	void *guard = ptm_malloc(100);

	say(p);
	if (strcmp(mode, "uaf") == 0) {
		ptm_free(p);
		p[3] = 1;
	} else if (strcmp(mode, "uninit") == 0) {
		if (p[3] == 42)
			say(NULL);
		ptm_free(p);
	} else if (strcmp(mode, "double") == 0) {
		ptm_mallopt(M_CHECK_ACTION, 0);
		ptm_free(p);
		ptm_free(p);
	} else {
		return 2;
	}
	ptm_free(guard);
	return 0;
}
