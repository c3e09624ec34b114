// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The allocation hooks of glibc 2.17 (see ptmalloc.h).  Each public
 * entry point reads its hook once and, when it is set, hands the call
 * to it; that single unlikely branch is all the hooks cost.  The
 * initialisation hook is called by ptmalloc_init(), the morecore hook
 * by after_morecore() (internal.h) after each move of the break.
 *
 * In the drop-in (build/libptmalloc.so) these variables carry glibc's
 * names (__malloc_hook, ..., __after_morecore_hook) with glibc's symbol
 * version, so that the program's own variables and ours are one: see
 * "Hooks in the drop-in" in docs/debugging.md.
 */
#include "ptmalloc.h"

void *(*volatile ptm_malloc_hook)(size_t size, const void *caller);
void (*volatile ptm_free_hook)(void *ptr, const void *caller);
void *(*volatile ptm_realloc_hook)(void *ptr, size_t size, const void *caller);
void *(*volatile ptm_memalign_hook)(size_t alignment, size_t size,
				    const void *caller);
void (*volatile ptm_malloc_initialize_hook)(void);
void (*volatile ptm_after_morecore_hook)(void);
