/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The frame of the seed programs (harness/programs/seed_4_3_N.c): the C
 * programs of 001 sections 4.3.1 to 4.3.5, transcribed with the standard
 * names (malloc, free, mallopt, sbrk, mallinfo), so that they run on the
 * host glibc as they are, or on this allocator with
 * LD_PRELOAD=build/libptmalloc.so.  They are not linked against any ptm_
 * name.
 *
 *	seed_4_3_N test1|test2
 *
 * runs the document's test1.c or test2.c.  Each document program is a
 * main(); here it is the function test1() or test2(), and main() adds
 * one thing the documents do not have: the markers write(-1, "ptm-begin")
 * before it and write(-1, "ptm-end") after it, so that a strace log can
 * be cut to the calls the document's code made (harness/test_dropin.c;
 * the same markers as the exp_* programs, see exp_util.h).  A write to
 * descriptor -1 fails at once and touches neither stdio nor the heap.
 */
#ifndef PTM_SEED_MAIN_H
#define PTM_SEED_MAIN_H

#include <string.h>
#include <unistd.h>

/* Write marker @s to the invalid descriptor -1 (strace sees it). */
static inline void seed_mark(const char *s)
{
	if (write(-1, s, strlen(s)) != -1)
		_exit(3);
}

/* Run test1 or test2, as argv[1] says, between the two markers. */
static inline int seed_main(int argc, char **argv, int (*test1)(void),
			    int (*test2)(void))
{
	int (*test)(void) = NULL;
	int status;

	if (argc == 2 && strcmp(argv[1], "test1") == 0)
		test = test1;
	else if (argc == 2 && strcmp(argv[1], "test2") == 0)
		test = test2;
	if (test == NULL) {
		static const char usage[] = "usage: seed_4_3_N test1|test2\n";

		if (write(2, usage, sizeof(usage) - 1) < 0)
			return 2;
		return 2;
	}
	seed_mark("ptm-begin");
	status = test();
	seed_mark("ptm-end");
	return status;
}

#endif /* PTM_SEED_MAIN_H */
