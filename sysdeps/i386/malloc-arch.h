/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Size constants of the 32-bit i386 port, as in glibc 2.17 (ILP32,
 * eight-byte alignment).  glibc 2.26 raised i386 alignment to 16; the
 * 2.17 geometry is the one the source documents' bin table describes.
 */
#ifndef PTM_MALLOC_ARCH_H
#define PTM_MALLOC_ARCH_H

/* Bytes in a size word. */
#define SIZE_SZ 4UL

/* Alignment of every pointer malloc returns: 2 * SIZE_SZ. */
#define MALLOC_ALIGNMENT 8UL

/* Largest dynamic mmap threshold: 512 KiB on 32-bit */
#define DEFAULT_MMAP_THRESHOLD_MAX (512UL * 1024)

/* Number of arenas allowed per online core. */
#define ARENAS_PER_CORE 2

#endif /* PTM_MALLOC_ARCH_H */
