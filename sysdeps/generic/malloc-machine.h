/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tunable defaults derived from the architecture's size constants.
 *
 * The values are those glibc ships (its sysdeps/generic/malloc-machine.h
 * and malloc.c); an architecture overrides one by defining it in its
 * malloc-arch.h before this file is included.
 */
#ifndef PTM_MALLOC_MACHINE_H
#define PTM_MALLOC_MACHINE_H

/* <>, not "": a port's copy in sysdeps/$(ARCH) comes before this directory. */
#include <malloc-arch.h>

/* Extra bytes asked of the system on every heap growth: 128 KiB. */
#ifndef DEFAULT_TOP_PAD
#define DEFAULT_TOP_PAD (128UL * 1024)
#endif

/* Top size above which free() gives memory back: 128 KiB. */
#ifndef DEFAULT_TRIM_THRESHOLD
#define DEFAULT_TRIM_THRESHOLD (128UL * 1024)
#endif

/* Requests of at least this many bytes are mmapped: 128 KiB. */
#ifndef DEFAULT_MMAP_THRESHOLD
#define DEFAULT_MMAP_THRESHOLD (128UL * 1024)
#endif

/* Most mmapped chunks alive at once. */
#ifndef DEFAULT_MMAP_MAX
#define DEFAULT_MMAP_MAX 65536
#endif

/* Default fast-bin request limit: 64 * SIZE_SZ / 4 (128 on LP64). */
#ifndef DEFAULT_MXFAST
#define DEFAULT_MXFAST (64 * SIZE_SZ / 4)
#endif

/* Largest value M_MXFAST accepts: 80 * SIZE_SZ / 4 (160 on LP64). */
#ifndef MAX_FAST_SIZE
#define MAX_FAST_SIZE (80 * SIZE_SZ / 4)
#endif

/* Non-main heaps are reserved at this size and aligned to it. */
#ifndef HEAP_MAX_SIZE
#define HEAP_MAX_SIZE (2 * DEFAULT_MMAP_THRESHOLD_MAX)
#endif

/* Smallest non-main heap. */
#ifndef HEAP_MIN_SIZE
#define HEAP_MIN_SIZE (32UL * 1024)
#endif

/* Smallest mapping used when the break cannot move: 1 MiB. */
#ifndef MMAP_AS_MORECORE_SIZE
#define MMAP_AS_MORECORE_SIZE (1024UL * 1024)
#endif

/* Default M_CHECK_ACTION: print the report and abort. */
#ifndef DEFAULT_CHECK_ACTION
#define DEFAULT_CHECK_ACTION 3
#endif

/* Default arena_test: arenas created before the core count applies. */
#ifndef DEFAULT_ARENA_TEST
#define DEFAULT_ARENA_TEST ARENAS_PER_CORE
#endif

/* A free that leaves a chunk this large consolidates the fast bins. */
#define FASTBIN_CONSOLIDATION_THRESHOLD (64UL * 1024)

/* Most unsorted chunks sorted by one pass of malloc. */
#define MAX_ITERS 10000

#endif /* PTM_MALLOC_MACHINE_H */
