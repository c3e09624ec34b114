// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check_dropin: a double free through the standard names, for
 * test_malloc_check.c to run with LD_PRELOAD=libptmalloc.so.
 *
 * The report of the default action 3 calls backtrace(), whose first
 * call loads libgcc_s; the loader's malloc is then this library's, and
 * the failing free() still holds the main arena's lock.  The program
 * must end with the full report and SIGABRT, not hang (printerr.c).
 * Without LD_PRELOAD it runs on glibc's malloc, which aborts too.
 */
#include <stdlib.h>

int main(void)
{
	void *volatile p = malloc(1000);
	void *volatile guard = malloc(1000);

	free(p);
	free(p);
	(void)guard;
	return 0;
}
