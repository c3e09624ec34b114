// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * glibc's hook variables as a program built for them uses them (glibc
 * 2.36's tst-compathooks-on, and the two hooks it leaves out), run by
 * test_compat.c on glibc (alone, which ignores them, and preloading its
 * libc_malloc_debug.so, as glibc's tests run) and on the drop-in.
 *
 *	compat_hooks entry	__malloc_initialize_hook, defined here, runs
 *				once; then malloc, realloc(p, 0), calloc,
 *				free, memalign and free, each through its
 *				hook (calloc through __malloc_hook).  Keys:
 *				init_calls, calls, hooks (hook calls),
 *				callers_ok (hook calls whose caller address
 *				lies in the calling function)
 *	compat_hooks morecore	__after_morecore_hook around a 300000-byte
 *				block (below the mmap threshold) and its
 *				free.  Keys: morecore_calls, grow_seen (the
 *				break had grown at the first call), trim_seen
 *				(it had come down again at the last)
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat_symbols.h"

extern void *(*volatile __malloc_hook)(size_t, const void *);
extern void (*volatile __free_hook)(void *, const void *);
extern void *(*volatile __realloc_hook)(void *, size_t, const void *);
extern void *(*volatile __memalign_hook)(size_t, size_t, const void *);
extern void (*volatile __after_morecore_hook)(void);
COMPAT_SYMBOL(__malloc_hook);
COMPAT_SYMBOL(__free_hook);
COMPAT_SYMBOL(__realloc_hook);
COMPAT_SYMBOL(__memalign_hook);
COMPAT_SYMBOL(__after_morecore_hook);

static int init_calls, calls, hooks, callers_ok;

/* The function whose calls the hooks see, and its extent. */
static void do_calls(void) __attribute__((noinline));
static void do_calls_end(void) __attribute__((noinline));

/* Count a hook call and whether @caller lies in do_calls(). */
static void seen(const void *caller)
{
	hooks++;
	callers_ok += (uintptr_t)caller > (uintptr_t)do_calls &&
		      (uintptr_t)caller < (uintptr_t)do_calls + 4096;
}

static void free_hook(void *mem, const void *caller)
{
	seen(caller);
	__free_hook = NULL;
	free(mem);
	__free_hook = free_hook;
}

static void *malloc_hook(size_t n, const void *caller)
{
	void *p;

	seen(caller);
	__malloc_hook = NULL;
	p = malloc(n);
	__malloc_hook = malloc_hook;
	return p;
}

static void *realloc_hook(void *old, size_t n, const void *caller)
{
	void *p;

	seen(caller);
	__realloc_hook = NULL;
	p = realloc(old, n);
	__realloc_hook = realloc_hook;
	return p;
}

static void *memalign_hook(size_t align, size_t n, const void *caller)
{
	void *p;

	seen(caller);
	__memalign_hook = NULL;
	p = memalign(align, n);
	__memalign_hook = memalign_hook;
	return p;
}

/* The initialisation hook, the program's own definition of it. */
static void initialize(void)
{
	init_calls++;
}

void (*volatile __malloc_initialize_hook)(void) = initialize;
COMPAT_SYMBOL(__malloc_initialize_hook);

/* The six calls of tst-compathooks-on. */
static void do_calls(void)
{
	void *p = malloc(0);

	p = realloc(p, 0);
	calls += 2;
	p = calloc(512, 1);
	free(p);
	p = memalign(0x100, 0x100);
	free(p);
	calls += 4;
}

static void do_calls_end(void)
{
}

static void entry(void)
{
	/* Initialised first: glibc initialises through its first hooks. */
	free(malloc(1));
	__free_hook = free_hook;
	__malloc_hook = malloc_hook;
	__realloc_hook = realloc_hook;
	__memalign_hook = memalign_hook;
	do_calls();
	__free_hook = NULL;
	__malloc_hook = NULL;
	__realloc_hook = NULL;
	__memalign_hook = NULL;
	do_calls_end();
	printf("init_calls %d\ncalls %d\nhooks %d\ncallers_ok %d\n", init_calls,
	       calls, hooks, callers_ok);
}

static int morecore_calls;
static char *brk_before, *brk_first, *brk_last;

static void morecore_hook(void)
{
	if (morecore_calls++ == 0)
		brk_first = sbrk(0);
	brk_last = sbrk(0);
}

static void morecore(void)
{
	char *p;

	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	free(malloc(1));
	brk_before = sbrk(0);
	__after_morecore_hook = morecore_hook;
	p = malloc(300000);
	memset(p, 1, 300000);
	free(p);
	__after_morecore_hook = NULL;
	printf("morecore_calls %d\ngrow_seen %d\ntrim_seen %d\n",
	       morecore_calls, brk_first > brk_before, brk_last < brk_first);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "entry") == 0)
		entry();
	else if (argc > 1 && strcmp(argv[1], "morecore") == 0)
		morecore();
	else
		return 2;
	return 0;
}
