// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 001 section 4.3.4 (M_TOP_PAD): the document's test1.c and test2.c,
 * transcribed (frame and markers: seed_main.h).
 *
 * The document prints pointers with %x and calls printf without
 * <stdio.h>; the include is added and the format warning silenced, the
 * printf calls are the document's (%x prints the low 32 bits of the
 * break on x86_64, so a reader takes differences modulo 2^32).
 *
 * glibc 2.36's stdio allocates stdout's 4096-byte buffer with malloc in
 * the first printf (glibc 2.17 mmapped it), after that printf's sbrk(0)
 * argument was read: so the first reading is still the empty heap's
 * break, but the heap starts with a 4112-byte chunk, and the five later
 * readings are not the document's (harness/test_dropin.c explains each,
 * docs/experiments.md summarises).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <malloc.h>

#include "seed_main.h"

#pragma GCC diagnostic ignored "-Wformat"

/* test1.c */
static int test1(void)
{
	printf("current brk =%x\n", (int *)sbrk(0));
	printf("-----after malloc-----\n");

	char *p1 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p2 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p3 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p4 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p5 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	free(p1);
	free(p2);
	free(p3);
	free(p4);
	free(p5);

	printf("-----after free-----\n");
	printf("current brk =%x\n", (int *)sbrk(0));

	return 0;
}

/* test2.c */
static int test2(void)
{
	//首先申请的内存大小=400KB+chunk_size3
	mallopt(M_TOP_PAD, 400 * 1024);

	printf("current brk =%x\n", (int *)sbrk(0));
	printf("-----after malloc-----\n");

	char *p1 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p2 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p3 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p4 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	char *p5 = (char *)malloc(100 * 1024);
	printf("current brk =%x\n", (int *)sbrk(0));

	free(p1);
	free(p2);
	free(p3);
	free(p4);
	free(p5);

	printf("-----after free-----\n");
	printf("current brk =%x\n", (int *)sbrk(0));
	return 0;
}

int main(int argc, char **argv)
{
	return seed_main(argc, argv, test1, test2);
}
