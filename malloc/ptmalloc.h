/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ptmalloc: glibc's ptmalloc2 allocator (the glibc 2.17 algorithm),
 * re-implemented as a library whose every public name carries the ptm_
 * prefix, so that it links into a program beside the system's malloc.
 *
 * The functions behave as their unprefixed glibc twins; the types and
 * M_* parameter numbers are those of <malloc.h>, so code written against
 * glibc ports by adding the prefix.  build/libptmalloc.so exports the
 * same functions under the standard names for LD_PRELOAD use.
 */
#ifndef PTMALLOC_H
#define PTMALLOC_H

#include <malloc.h>
#include <mcheck.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The C and POSIX allocation functions. */
void *ptm_malloc(size_t size);
void ptm_free(void *ptr);
void *ptm_calloc(size_t nmemb, size_t size);
void *ptm_realloc(void *ptr, size_t size);
void *ptm_reallocarray(void *ptr, size_t nmemb, size_t size);
void *ptm_memalign(size_t alignment, size_t size);
void *ptm_aligned_alloc(size_t alignment, size_t size);
int ptm_posix_memalign(void **memptr, size_t alignment, size_t size);
void *ptm_valloc(size_t size);
void *ptm_pvalloc(size_t size);

/* The glibc extensions of <malloc.h>. */
size_t ptm_malloc_usable_size(void *ptr);
int ptm_malloc_trim(size_t pad);
int ptm_mallopt(int param, int value);
struct mallinfo ptm_mallinfo(void);
struct mallinfo2 ptm_mallinfo2(void);
void ptm_malloc_stats(void);
int ptm_malloc_info(int options, FILE *fp);

/*
 * The hooks of glibc 2.17 (__malloc_hook and friends, removed from
 * glibc in 2.34).  When set, the corresponding entry point calls the
 * hook, with the caller's address, instead of allocating: calloc uses
 * ptm_malloc_hook and clears the result; valloc, pvalloc, aligned_alloc
 * and posix_memalign use ptm_memalign_hook.  A hook that wants the
 * allocator's own behaviour clears itself, calls the entry point and
 * sets itself again, as with glibc.  MALLOC_CHECK_ and mtrace are built
 * on them.
 */
extern void *(*volatile ptm_malloc_hook)(size_t size, const void *caller);
extern void (*volatile ptm_free_hook)(void *ptr, const void *caller);
extern void *(*volatile ptm_realloc_hook)(void *ptr, size_t size,
					  const void *caller);
extern void *(*volatile ptm_memalign_hook)(size_t alignment, size_t size,
					   const void *caller);

/*
 * The two hooks of glibc 2.17 that are not entry points: the
 * initialisation hook, called once at the end of the allocator's
 * initialisation (the first call into it), before any hook above is
 * consulted, so that it may install them (or call ptm_mcheck); and the
 * morecore hook, called after each successful move of the program break
 * (growth, the alignment correction that follows it, and trimming).
 */
extern void (*volatile ptm_malloc_initialize_hook)(void);
extern void (*volatile ptm_after_morecore_hook)(void);

/*
 * Switch on the checking layer MALLOC_CHECK_ selects (glibc 2.17's
 * __malloc_check_init): magic bytes after each block, checked free and
 * realloc, every block from the main arena.  Call it before the first
 * allocation; blocks allocated earlier fail the checks.
 */
void ptm_malloc_check_init(void);

/*
 * mtrace() and muntrace(): log every allocation and free to the file
 * named by the MALLOC_TRACE environment variable, in glibc's format
 * (glibc 2.36's caller form), for glibc's `mtrace` script.  See
 * docs/debugging.md.
 */
void ptm_mtrace(void);
void ptm_muntrace(void);

/*
 * mcheck(), mcheck_pedantic(), mcheck_check_all() and mprobe() of
 * <mcheck.h> (glibc 2.17's heap-consistency checker, built on the
 * hooks): a header and a guard byte around every block, checked on each
 * free and realloc, on every call when pedantic, or on request; a
 * failure calls @abortfunc with its enum mcheck_status, or prints
 * glibc's message and aborts.  ptm_mcheck() must come before the first
 * allocation (or from ptm_malloc_initialize_hook).  See
 * docs/debugging.md.
 */
int ptm_mcheck(void (*abortfunc)(enum mcheck_status));
int ptm_mcheck_pedantic(void (*abortfunc)(enum mcheck_status));
void ptm_mcheck_check_all(void);
enum mcheck_status ptm_mprobe(void *ptr);

/*
 * malloc_get_state() and malloc_set_state(), as glibc 2.25 and later
 * keep them for old Emacs binaries: get_state always fails (NULL, errno
 * ENOSYS); set_state, called from ptm_malloc_initialize_hook, adopts a
 * heap dumped by glibc 2.17's get_state in place: its blocks stay valid,
 * free() ignores them and realloc() copies them.  0, -1 (bad magic, or
 * too late), or -2 (a newer major version).  See docs/debugging.md.
 */
void *ptm_malloc_get_state(void);
int ptm_malloc_set_state(void *state);

/*
 * Introspection for tests and tools.  None of these exists in glibc;
 * they expose what glibc shows only through gdb or strace.
 */

/*
 * Give the main arena a private program break inside a reserved mapping
 * of @capacity bytes instead of the process's real one, so that figures
 * about the break do not depend on other users of sbrk.  Growing past
 * @capacity fails as a real brk would.  Must be called before the first
 * allocation; returns 0, or -1 when it is too late or the reservation
 * fails.
 */
int ptm_debug_simulate_brk(size_t capacity);

/* The break as the allocator's system layer sees it (sbrk(0)). */
void *ptm_debug_brk(void);

/* Where the main arena's heap begins; NULL before it has any memory. */
void *ptm_debug_heap_start(void);

/*
 * Write one line in strace syntax to @fd for every system call the
 * allocator makes from now on (brk, mmap, munmap, mremap, mprotect,
 * madvise); a negative @fd stops the trace.
 */
void ptm_debug_trace_syscalls(int fd);

/*
 * Walk every arena and chunk and check the invariants the allocator
 * relies on; describe each violation on stderr and return how many were
 * found (0 for a consistent heap).
 */
int ptm_debug_check_heap(void);

/* The formats of ptm_heap_map(). */
#define PTM_HEAPMAP_TEXT 0
#define PTM_HEAPMAP_SVG 1

/*
 * Write a map of every arena to @fd: each heap's chunks in address order
 * with offset, size, flag bits and state (in use, cache, fast bin N,
 * unsorted, small or large bin N, top), the whole pages of each free
 * chunk and how many are resident (mincore), then each arena's lists.
 * PTM_HEAPMAP_TEXT writes one line per chunk; PTM_HEAPMAP_SVG a picture,
 * one strip per heap.  Allocates nothing and locks each arena while it
 * is walked, so it is safe while other threads allocate.  Returns 0, or
 * -1 with errno EINVAL (unknown format), ENOMEM (no scratch memory for
 * a large heap) or EIO (a write failed).  See docs/debugging.md.
 */
int ptm_heap_map(int fd, int format);

/*
 * The current value of a mallopt parameter (M_MXFAST, M_TRIM_THRESHOLD,
 * M_TOP_PAD, M_MMAP_THRESHOLD, M_MMAP_MAX, M_CHECK_ACTION, M_PERTURB,
 * M_ARENA_TEST, M_ARENA_MAX), including the values the dynamic mmap
 * threshold has moved; (size_t)-1 for an unknown parameter.
 */
size_t ptm_debug_param(int param);

/*
 * The current value of the malloc tunable @name, glibc's name after
 * "glibc.malloc." ("top_pad", "tcache_count", ...; "mxfast" reads as the
 * fast-bin chunk limit, like ptm_debug_param(M_MXFAST)), however it was
 * set, or "tcache_bins", the size classes tcache_max leaves in use;
 * (size_t)-1 for an unknown name.
 */
size_t ptm_debug_tunable(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* PTMALLOC_H */
