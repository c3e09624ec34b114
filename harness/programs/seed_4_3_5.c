// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 001 section 4.3.5 (M_TRIM_THRESHOLD): the document's test1.c and
 * test2.c, transcribed (frame and markers: seed_main.h).  The document's
 * test2 writes "malloc((M_TRIM_THRESHOLD, 800*1024);" for the mallopt
 * call its comment and its output describe (erratum 7); <stdio.h> is
 * added and the %x format warning silenced, as in seed_4_3_4.c.
 *
 * Here the first printf ("-----before malloc-----") comes before the
 * first reading, so on glibc 2.36 every reading, the first included,
 * already counts stdout's 4112-byte buffer chunk on the heap.
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
	printf("-----before malloc-----\n");
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
	//设置收缩阈值为 800KB
	mallopt(M_TRIM_THRESHOLD, 800 * 1024);

	printf("-----before malloc-----\n");
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
