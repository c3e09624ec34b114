// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 001 section 4.3.1 (M_MMAP_MAX): the document's test1.c and test2.c,
 * transcribed (frame and markers: seed_main.h).
 *
 * test1: malloc(1 MiB) is above the mmap threshold, so it is one mmap of
 * 1052672 bytes, and free() munmaps it.  test2: with M_MMAP_MAX 0 the
 * same block comes from the heap (brk +0x121000) and free() trims the
 * heap back to +0x21000.  No printf, so glibc 2.36's stdio changes
 * nothing here.
 */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <malloc.h>

#include "seed_main.h"

/* test1.c */
static int test1(void)
{
	char *p = malloc(1024 * 1024); //1MB
	memset(p, 1, 1024 * 1024);
	free(p);

	return 0;
}

/* test2.c */
static int test2(void)
{
	mallopt(M_MMAP_MAX, 0);

	char *p = malloc(1024 * 1024);
	memset(p, 1, 1024 * 1024);
	free(p);

	return 0;
}

int main(int argc, char **argv)
{
	return seed_main(argc, argv, test1, test2);
}
