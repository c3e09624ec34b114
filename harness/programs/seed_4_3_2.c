// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 001 section 4.3.2 (M_MMAP_THRESHOLD): the document's test1.c and
 * test2.c, transcribed (frame and markers: seed_main.h).  The document's
 * test1 line "char *p1 malloc(1024*1024);" lacks its '='.
 *
 * test1: the first 1 MiB is mmapped and munmapped; its free raises the
 * mmap threshold to 1052672, so the second comes from the heap (brk
 * +0x121000) and stays there (the trim threshold is now 2105344).
 * test2: with the threshold fixed at 256 KiB both blocks are mmapped and
 * munmapped.  No printf.
 */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <malloc.h>

#include "seed_main.h"

/* test1.c */
static int test1(void)
{
	char *p1 = malloc(1024 * 1024); //1MB
	memset(p1, 1, 1024 * 1024);
	free(p1);

	char *p2 = malloc(1024 * 1024);
	memset(p2, 1, 1024 * 1024);
	free(p2);

	return 0;
}

/* test2.c */
static int test2(void)
{
	//设置分配阈值为 256KB
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);

	char *p1 = malloc(1024 * 1024);
	memset(p1, 1, 1024 * 1024);
	free(p1);

	char *p2 = malloc(1024 * 1024);
	memset(p2, 1, 1024 * 1024);
	free(p2);

	return 0;
}

int main(int argc, char **argv)
{
	return seed_main(argc, argv, test1, test2);
}
