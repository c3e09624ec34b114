/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Size constants of a port whose geometry is glibc's generic one, derived
 * from the word size as glibc derives them: x86_64 and aarch64 (LP64)
 * use this file as it is.
 *
 * Every figure the allocator derives (chunk sizes, bin geometry, heap
 * limits) comes from the handful of numbers here.  A port whose figures
 * differ (i386: 16-byte alignment on 4-byte words) supplies its own copy
 * in sysdeps/<arch>/, earlier on the include path; nothing in malloc/ or
 * arena/ names an architecture.
 */
#ifndef PTM_MALLOC_ARCH_H
#define PTM_MALLOC_ARCH_H

/* Bytes in a size word (glibc's INTERNAL_SIZE_T is size_t). */
#define SIZE_SZ ((unsigned long)__SIZEOF_SIZE_T__)

/* Alignment of every pointer malloc returns: 2 * SIZE_SZ. */
#define MALLOC_ALIGNMENT (2 * SIZE_SZ)

/*
 * Largest dynamic mmap threshold: 4 MiB * sizeof(long) on 64-bit (32
 * MiB), 512 KiB on 32-bit (glibc's DEFAULT_MMAP_THRESHOLD_MAX).
 */
#if __SIZEOF_LONG__ == 8
#define DEFAULT_MMAP_THRESHOLD_MAX (4UL * 1024 * 1024 * 8)
#else
#define DEFAULT_MMAP_THRESHOLD_MAX (512UL * 1024)
#endif

/* Arenas allowed per online core (glibc's NARENAS_FROM_NCORES). */
#define ARENAS_PER_CORE (__SIZEOF_LONG__ == 8 ? 8 : 2)

#endif /* PTM_MALLOC_ARCH_H */
