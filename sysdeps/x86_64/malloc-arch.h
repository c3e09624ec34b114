/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Size constants of the x86_64 port (LP64).
 *
 * Every figure the allocator derives (chunk sizes, bin geometry, heap
 * limits) comes from the handful of numbers here.  A port to another
 * architecture supplies its own copy of this file earlier on the include
 * path; nothing else in malloc/ or arena/ names an architecture.
 */
#ifndef PTM_MALLOC_ARCH_H
#define PTM_MALLOC_ARCH_H

/* Bytes in a size word (glibc's INTERNAL_SIZE_T is size_t). */
#define SIZE_SZ 8UL

/* Alignment of every pointer malloc returns: 2 * SIZE_SZ. */
#define MALLOC_ALIGNMENT 16UL

/* Largest dynamic mmap threshold: 4 MiB * sizeof(long) = 32 MiB. */
#define DEFAULT_MMAP_THRESHOLD_MAX (4UL * 1024 * 1024 * 8)

/* Number of arenas allowed per online core (glibc's NARENAS_FROM_NCORES). */
#define ARENAS_PER_CORE 8

#endif /* PTM_MALLOC_ARCH_H */
