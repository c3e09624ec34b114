// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check_double_free: the program of E-6.2, on this allocator.
 *
 *	check_double_free [top|prev|fasttop] [ACTION]
 *
 *	p = malloc(1000); free(p); puts("first"); free(p); puts("second");
 *
 * run under MALLOC_CHECK_=N by the tests and by exp_check_action.  The
 * kind picks what the second free meets without MALLOC_CHECK_: "top"
 * (the default, the documents' program: p has merged into top),
 * "prev" (a block after p keeps it out of top: `(!prev)`) or "fasttop"
 * (a 24-byte block, on its fast bin: `(fasttop)`).  An ACTION argument
 * is passed to mallopt(M_CHECK_ACTION) first.
 *
 * Standard output is line buffered, as on a terminal, so that "first"
 * is out before an abort.  When descriptor 3 is open (the tests pass a
 * pipe there), p is written to it as 16 hex digits, so that the report
 * can be checked to the last character.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptmalloc.h"

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "top";
	size_t size = strcmp(kind, "fasttop") == 0 ? 24 : 1000;
	void *volatile p;
	void *volatile guard = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2)
		ptm_mallopt(M_CHECK_ACTION, atoi(argv[2]));
	p = ptm_malloc(size);
	if (strcmp(kind, "prev") == 0)
		guard = ptm_malloc(size);
	if (fcntl(3, F_GETFD) != -1)
		dprintf(3, "%016lx", (unsigned long)(uintptr_t)p);
	ptm_free(p);
	puts("first");
	ptm_free(p);
	puts("second");
	(void)guard;
	return 0;
}
