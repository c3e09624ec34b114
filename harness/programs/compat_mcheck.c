// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program linked with -lmcheck, as glibc's -mcheck test variants are:
 * glibc's libmcheck.a defines __malloc_initialize_hook to call
 * mcheck(NULL), so every block is checked from the first.  Run by
 * test_compat.c on glibc's libc_malloc_debug.so (preloaded) and on the
 * drop-in, which must behave the same.
 *
 *	compat_mcheck ok	a block of 10 bytes, probed and freed; keys
 *				probe (mprobe's verdict, 0 MCHECK_OK),
 *				usable (malloc_usable_size: 10), guard (the
 *				byte after the block: 215, 0xd7), late
 *				(mcheck now: -1)
 *	compat_mcheck tail	one byte written past the block, then free:
 *				"memory clobbered past end of allocated
 *				block" and SIGABRT
 *	compat_mcheck twice	the block freed twice: "block freed twice"
 *				without the cache, "memory clobbered before
 *				allocated block" with it (its key overwrites
 *				the header's magic)
 *	compat_mcheck pedantic	mcheck_check_all() over a clobbered block:
 *				the tail message, before "checked" is printed
 */
#include <malloc.h>
#include <mcheck.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *p = malloc(10);

	if (strcmp(mode, "ok") == 0) {
		printf("probe %d\nusable %zu\nguard %d\nlate %d\n", mprobe(p),
		       malloc_usable_size(p), (unsigned char)p[10],
		       mcheck(NULL));
	} else if (strcmp(mode, "tail") == 0) {
		p[10] = 'x';
	} else if (strcmp(mode, "twice") == 0) {
		free(p);
	} else if (strcmp(mode, "pedantic") == 0) {
		p[10] = 'x';
		mcheck_check_all();
		puts("checked");
	} else {
		return 2;
	}
	free(p);
	return 0;
}
