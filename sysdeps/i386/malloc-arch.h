/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Size constants of the 32-bit i386 port (ILP32), in two geometries:
 *
 *   glibc 2.36 (the default): MALLOC_ALIGNMENT 16, as glibc has had on
 *	i386 since 2.26 (its sysdeps/i386/malloc-alignment.h), so that
 *	MALLOC_ALIGNMENT exceeds the two-word chunk header and bins.h
 *	applies the small-bin correction; MINSIZE stays 16.  This is the
 *	geometry of the i386 glibc the port is compared with.
 *   glibc 2.17 (PTM_I386_GLIBC_2_17, `make ARCH=i386 I386_GLIBC=2.17`):
 *	MALLOC_ALIGNMENT 8 = 2 * SIZE_SZ, the geometry of the source
 *	documents' 32-bit bin table (001 section 3.4.1).
 *
 * The choice is made in sysdeps/i386/arch.mk.
 */
#ifndef PTM_MALLOC_ARCH_H
#define PTM_MALLOC_ARCH_H

/* Bytes in a size word. */
#define SIZE_SZ 4UL

/* Alignment of every pointer malloc returns. */
#ifdef PTM_I386_GLIBC_2_17
#define MALLOC_ALIGNMENT 8UL
#else
#define MALLOC_ALIGNMENT 16UL
#endif

/* Largest dynamic mmap threshold: 512 KiB on 32-bit */
#define DEFAULT_MMAP_THRESHOLD_MAX (512UL * 1024)

/* Number of arenas allowed per online core. */
#define ARENAS_PER_CORE 2

#endif /* PTM_MALLOC_ARCH_H */
