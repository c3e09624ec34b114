// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * malloc_set_state() as an old Emacs binary uses it (the scenario of
 * glibc 2.36's tst-mallocstate): __malloc_initialize_hook, defined here,
 * builds a heap in glibc 2.17's chunk format inside this program's data
 * (eight blocks of 1 to 8 words, each filled with its index) and hands
 * it over with malloc_set_state().  Then, from main():
 *
 *	set_state	what malloc_set_state returned (0)
 *	intact		blocks whose contents survived
 *	usable		malloc_usable_size of each block, summed
 *	realloc_moved	blocks realloc moved out of the dump (all grown)
 *	realloc_kept	of those, blocks whose old bytes came along
 *	late_set_state	malloc_set_state again, now too late (-1)
 *	get_state_null	malloc_get_state returned NULL...
 *	get_state_enosys	...with errno ENOSYS
 *
 * free() of the other blocks must do nothing (the process survives).
 * test_compat.c runs it on glibc's libc_malloc_debug.so (preloaded) and
 * on the drop-in; both must print the same.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat_symbols.h"

void *malloc_get_state(void);
int malloc_set_state(void *state);
COMPAT_SYMBOL(malloc_get_state);
COMPAT_SYMBOL(malloc_set_state);

#define NBLOCKS 8

/* The dumped heap, in the data section as an unexec'ed Emacs has it. */
static size_t dump[256] = { 1 };

/* glibc 2.17's struct malloc_save_state, up to the fields used. */
static struct {
	long magic;
	long version;
	void *av[128 * 2 + 2];
	char *sbrk_base;
	int sbrked_mem_bytes;
	char rest[256];
} state = { .magic = 0x444c4541L, .version = 4 };

static size_t *blocks[NBLOCKS];
static int set_state_ret = 99;

/* Lay out the blocks: a zero word, then chunks of 8-byte granularity. */
static void build_dump(void)
{
	size_t *next = dump + 1;

	dump[0] = 0;
	for (int i = 0; i < NBLOCKS; i++) {
		size_t words = (size_t)i + 1;

		/* Size word (header + data), previous chunk in use. */
		*next = (words + 1) * sizeof(size_t) | 1;
		blocks[i] = next + 1;
		for (size_t w = 0; w < words; w++)
			blocks[i][w] = (size_t)i;
		next += words + 1;
	}
	/* The top chunk's size word marks the last block in use. */
	*next = 1;
	state.sbrk_base = (char *)dump;
	state.sbrked_mem_bytes = sizeof(dump);
	state.av[2] = next - 1;
}

static void initialize(void)
{
	build_dump();
	set_state_ret = malloc_set_state(&state);
}

void (*volatile __malloc_initialize_hook)(void) = initialize;
COMPAT_SYMBOL(__malloc_initialize_hook);

/* Whether block @i still holds its index in each of its words. */
static int block_intact(int i, const size_t *b)
{
	for (int w = 0; w <= i; w++)
		if (b[w] != (size_t)i)
			return 0;
	return 1;
}

int main(void)
{
	int intact = 0, moved = 0, kept = 0;
	size_t usable = 0;
	void *null_state;
	int err;

	free(malloc(1));
	for (int i = 0; i < NBLOCKS; i++) {
		intact += block_intact(i, blocks[i]);
		usable += malloc_usable_size(blocks[i]);
	}
	for (int i = 0; i < NBLOCKS; i += 2) {
		size_t *b = realloc(blocks[i], 1000);

		moved += b < dump || b >= dump + 256;
		kept += block_intact(i, b);
		free(b);
	}
	for (int i = 1; i < NBLOCKS; i += 2)
		free(blocks[i]);
	errno = 0;
	null_state = malloc_get_state();
	err = errno;
	printf("set_state %d\nintact %d\nusable %zu\n", set_state_ret, intact,
	       usable);
	printf("realloc_moved %d\nrealloc_kept %d\n", moved, kept);
	printf("late_set_state %d\n", malloc_set_state(&state));
	printf("get_state_null %d\nget_state_enosys %d\n", null_state == NULL,
	       err == ENOSYS);
	return 0;
}
