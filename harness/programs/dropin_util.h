/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The common frame of the drop-in programs (harness/programs/dropin_*.c),
 * which harness/test_dropin.c runs with LD_PRELOAD=build/libptmalloc.so
 * (or, for "dropin_dlopen so", loads the library with dlopen).
 *
 * These programs call the standard names (malloc, free, ...).  They are
 * linked with build/libptmalloc.a like every program, but reference no
 * ptm_ name, so nothing of the archive is linked in: without LD_PRELOAD
 * they run on glibc's malloc.  They reach the preloaded library's ptm_
 * and ptm_debug_ functions through dlsym(RTLD_DEFAULT), which finds them
 * only when the library is loaded.
 *
 * Output: "KEY VALUE" lines on standard output, through stdio, which is
 * itself a user of the interposed malloc.  A failed precondition prints
 * "fatal WHAT" on standard error and exits with status 2.
 */
#ifndef PTM_DROPIN_UTIL_H
#define PTM_DROPIN_UTIL_H

#include <dlfcn.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glibc-version.h"

/* The introspection functions of ptmalloc.h, as dlsym returns them. */
typedef void *(*dropin_ptr_fn)(void);
typedef int (*dropin_int_fn)(void);
typedef struct mallinfo2 (*dropin_mallinfo2_fn)(void);

/* Print "fatal ..." on stderr and exit with status 2. */
static inline void dropin_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("fatal ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Print one "KEY VALUE" line. */
static inline void dropin_put(const char *key, long long value)
{
	printf("%s %lld\n", key, value);
}

/* Symbol @name of @handle (RTLD_DEFAULT for the global scope), or fatal. */
static inline void *dropin_sym(void *handle, const char *name)
{
	void *p = dlsym(handle, name);

	if (p == NULL)
		dropin_fatal("no symbol %s: %s", name, dlerror());
	return p;
}

/*
 * The hook variable glibc names @name (__malloc_hook, ...): in the
 * drop-in a compat symbol of glibc's base version, as in glibc, so the
 * versioned lookup a program's own reference makes finds it.
 */
static inline void *dropin_hook(const char *name)
{
	void *p = dlvsym(RTLD_DEFAULT, name, PTM_GLIBC_BASE_VERSION_STR);

	if (p == NULL)
		dropin_fatal("no symbol %s@%s: %s", name,
			     PTM_GLIBC_BASE_VERSION_STR, dlerror());
	return p;
}

/* ptm_debug_check_heap() of @handle: the number of broken invariants. */
static inline int dropin_check_heap(void *handle)
{
	dropin_int_fn check =
		(dropin_int_fn)dropin_sym(handle, "ptm_debug_check_heap");

	return check();
}

/* Whether @p lies in the main-arena heap of the library behind @handle. */
static inline int dropin_in_main_heap(void *handle, const void *p)
{
	dropin_ptr_fn start =
		(dropin_ptr_fn)dropin_sym(handle, "ptm_debug_heap_start");
	dropin_ptr_fn brk = (dropin_ptr_fn)dropin_sym(handle, "ptm_debug_brk");
	uintptr_t a = (uintptr_t)p;

	return start() != NULL && a >= (uintptr_t)start() &&
	       a < (uintptr_t)brk();
}

/* The size word of the chunk behind @p (flags included). */
static inline size_t dropin_size_word(const void *p)
{
	return ((const size_t *)p)[-1];
}

/*
 * glibc's own mallinfo2(), looked up in libc.so.6 itself (not through
 * the global scope, where the drop-in's comes first); its arena field is
 * 0 as long as glibc's malloc has never had memory.
 */
static inline struct mallinfo2 dropin_glibc_mallinfo2(void)
{
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	dropin_mallinfo2_fn f;

	if (libc == NULL)
		dropin_fatal("libc.so.6 is not loaded");
	f = (dropin_mallinfo2_fn)dropin_sym(libc, "mallinfo2");
	dlclose(libc);
	return f();
}

#endif /* PTM_DROPIN_UTIL_H */
