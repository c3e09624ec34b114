// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 001 section 4.3.3 (M_MXFAST): the document's test1.c, and test2.c,
 * which is test1.c with the mallopt(M_MXFAST, 0) line uncommented;
 * transcribed (frame and markers: seed_main.h).
 *
 * Two changes were needed to compile it: the document reads the fields
 * mi.smlblks and mi.usmlblks, which struct mallinfo spells smblks and
 * usmblks (the printed labels are kept as the document wrote them), and
 * glibc 2.33+ declares mallinfo() deprecated, which -Wall reports.
 *
 * The first printf allocates stdout's buffer with malloc on glibc 2.36
 * (glibc 2.17 mmapped it), so every table printed here includes that
 * chunk; harness/test_dropin.c and docs/experiments.md give the figures.
 */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <malloc.h>

#include "seed_main.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

void display_mallinfo(void)
{
	struct mallinfo mi;
	mi = mallinfo();
	printf("Total non-mmapped bytes (arena):      %d\n", mi.arena);
	printf("# of free chunks (ordblks):           %d\n", mi.ordblks);
	printf("# of free fastbin blocks (smlblks):     %d\n", mi.smblks);
	printf("# of mapped regions (hblks):           %d\n", mi.hblks);
	printf("Bytes in mapped regions (hblkhd):       %d\n", mi.hblkhd);
	printf("Max. total allocated space (usmlblks):   %d\n", mi.usmblks);
	printf("Free bytes held in fastbins (fsmblks):     %d\n", mi.fsmblks);
	printf("Total allocated space (uordblks):         %d\n", mi.uordblks);
	printf("Total free space (fordblks):              %d\n", mi.fordblks);
	printf("Topmost releasable block (keepcost):      %d\n", mi.keepcost);
}

/* test1.c */
static int test1(void)
{
	//mallopt(M_MXFAST, 0);      //禁用 fast bins

	printf("===== Before allocating blocks =====\n");
	display_mallinfo();

	int *array[20];
	int i;

	for (i = 0; i < 20; i++)
		array[i] = malloc(32); //32B

	printf("===== After allocating blocks =====\n");
	display_mallinfo();

	for (i = 0; i < 20; i++)
		free(array[i]);

	printf("===== After freeing blocks =====\n");
	display_mallinfo();
	return 0;
}

/* test2.c */
static int test2(void)
{
	mallopt(M_MXFAST, 0); //禁用 fast bins

	printf("===== Before allocating blocks =====\n");
	display_mallinfo();

	int *array[20];
	int i;

	for (i = 0; i < 20; i++)
		array[i] = malloc(32); //32B

	printf("===== After allocating blocks =====\n");
	display_mallinfo();

	for (i = 0; i < 20; i++)
		free(array[i]);

	printf("===== After freeing blocks =====\n");
	display_mallinfo();
	return 0;
}

int main(int argc, char **argv)
{
	return seed_main(argc, argv, test1, test2);
}
