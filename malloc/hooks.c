// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The allocation hooks of glibc 2.17 (see ptmalloc.h).  Each public
 * entry point reads its hook once and, when it is set, hands the call
 * to it; that single unlikely branch is all the hooks cost.
 */
#include "ptmalloc.h"

void *(*volatile ptm_malloc_hook)(size_t size, const void *caller);
void (*volatile ptm_free_hook)(void *ptr, const void *caller);
void *(*volatile ptm_realloc_hook)(void *ptr, size_t size, const void *caller);
void *(*volatile ptm_memalign_hook)(size_t alignment, size_t size,
				    const void *caller);
