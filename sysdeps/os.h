/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operating-system contract: every primitive the allocator needs
 * from the kernel, the services it takes from the C library (the
 * environment, fork handlers, the thread-exit callback, files for the
 * trace and the map, the caller lookup), and the two pieces of C-library
 * state it must respect (stdio's list lock around fork, the thread's
 * cancellation state).  A port implements these functions in
 * sysdeps/<os>/; no other directory calls the kernel or those services.
 *
 * Conventions: the functions mirror the Linux system calls they are
 * named after, return what those return (MAP_FAILED, -1 with errno set,
 * the old break for os_morecore) and leave errno alone on success.  When
 * tracing is on (ptm_debug_trace_syscalls) each call that reaches the
 * kernel, or the simulated break, is written as one line of strace
 * syntax.
 */
#ifndef PTM_OS_H
#define PTM_OS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../malloc/compiler.h"

/* What os_morecore returns when the break cannot move (sbrk's value). */
#define MORECORE_FAILURE ((void *)-1)

/* The system page size (a power of two), read once. */
pt_hidden size_t os_page_size(void);

/*
 * sbrk(): move the program break by @increment bytes (0 just reads it)
 * and return the break before the move, or MORECORE_FAILURE.  Uses the
 * simulated break when one was set up with ptm_debug_simulate_brk().
 */
pt_hidden void *os_morecore(ptrdiff_t increment);

/* Set up the simulated break of ptm_debug_simulate_brk(); 0 or -1. */
pt_hidden int os_simulate_brk(size_t capacity);

/* mmap() of anonymous private memory; @addr is a hint or NULL. */
pt_hidden void *os_mmap(void *addr, size_t len, int prot, int flags);

/* munmap(); 0 or -1. */
pt_hidden int os_munmap(void *addr, size_t len);

/* mremap(); the new address or MAP_FAILED. */
pt_hidden void *os_mremap(void *old, size_t old_len, size_t new_len, int flags);

/* mprotect(); 0 or -1. */
pt_hidden int os_mprotect(void *addr, size_t len, int prot);

/* madvise(); 0 or -1. */
pt_hidden int os_madvise(void *addr, size_t len, int advice);

/* Write @len bytes to standard error without allocating. */
pt_hidden void os_write_stderr(const char *buf, size_t len);

/*
 * Write all @len bytes of @buf to @fd with write(2) alone, retrying
 * short and EINTR writes; errno is left as it was.  Returns 0, or -1
 * when a write failed and the rest was dropped.
 */
pt_hidden int os_write_fd(int fd, const char *buf, size_t len);

/*
 * mincore(): one byte per page of [@addr, @addr + @len) into @vec, bit 0
 * set for a resident page; @addr page-aligned.  0 or -1.  A query that
 * changes nothing, so it is not traced.
 */
pt_hidden int os_mincore(void *addr, size_t len, unsigned char *vec);

/*
 * Write the backtrace and memory-map sections glibc 2.17 added to an
 * aborting report (sysdeps/linux/fatal.c).  backtrace() may call malloc.
 */
pt_hidden void os_write_fatal_context(void);

/* End the process with SIGABRT, dumping coverage data first if built so. */
pt_hidden pt_noreturn void os_abort(void);

/*
 * Fill @buf with @len random bytes without blocking and without
 * allocating: 0, or -1 when none can be had now (the caller then makes
 * a value of its own from the clock).  Not traced.
 */
pt_hidden int os_random_bytes(void *buf, size_t len);

/*
 * Bits that differ from run to run, from the monotonic clock (seconds
 * and nanoseconds, the latter in the high half): the fallback when
 * os_random_bytes() has none.  Never fails or allocates.  Not traced.
 */
pt_hidden uintptr_t os_clock_bits(void);

/*
 * The number of online processors, without allocating; a value below 1
 * means unknown (the caller assumes 2, as glibc does).  Not traced.
 */
pt_hidden int os_cpu_count(void);

/* Send the strace-style trace to @fd (negative: stop tracing). */
pt_hidden void os_trace_to(int fd);

/*
 * stdio's lock on its list of open streams (glibc's _IO_list_lock), which
 * fork() takes: the fork handlers take it before the arena locks, to
 * keep glibc's lock order (sysdeps/linux/libc.c); reset in the child.
 */
pt_hidden void os_stdio_list_lock(void);
pt_hidden void os_stdio_list_unlock(void);
pt_hidden void os_stdio_list_reset(void);

/*
 * Defer the calling thread's cancellation (returns the state to restore)
 * and restore it: a request that arrived meanwhile is acted on at the
 * next cancellation point.
 */
pt_hidden int os_cancel_defer(void);
pt_hidden void os_cancel_restore(int state);

/* ---- the environment (sysdeps/linux/env.c) ---------------------------- */

/*
 * The value of the environment variable @name, or NULL when it is unset
 * or the program runs with privileges it did not have at exec (set-user-
 * ID: glibc's secure_getenv).  Never allocates.
 */
pt_hidden const char *os_getenv(const char *name);

/*
 * The environment as a NULL-terminated vector of "NAME=VALUE" strings,
 * for a scan of every entry (the tunables); NULL when there is none or
 * the program is privileged as above.  Never allocates.
 */
pt_hidden char **os_environ(void);

/* ---- threads and processes (sysdeps/linux/thread.c) ------------------- */

/*
 * Register fork handlers (pthread_atfork's contract: @prepare before
 * fork() in the forking thread, @parent and @child after it, in the
 * parent and in the child).  0, or an error number.  May allocate.
 */
pt_hidden int os_atfork(void (*prepare)(void), void (*parent)(void),
			void (*child)(void));

/*
 * The thread-exit callback: os_thread_exit_init() registers @fn once
 * (0, or -1 when the C library cannot); os_thread_exit_arm(@value) makes
 * the calling thread's exit call @fn(@value), once, if @value is not
 * NULL.  Arming never allocates; the first arm in a thread may.
 */
pt_hidden int os_thread_exit_init(void (*fn)(void *));
pt_hidden void os_thread_exit_arm(void *value);

/* An identifier of the calling thread, never 0.  Never allocates. */
pt_hidden uintptr_t os_thread_self(void);

/* The process id. */
pt_hidden long os_getpid(void);

/*
 * Call @fn at normal process exit (atexit's contract: after the
 * handlers registered later).  0 or -1.  May allocate.
 */
pt_hidden int os_at_exit(void (*fn)(void));

/* ---- files (sysdeps/linux/file.c) --------------------------------------- */

/*
 * Open @path for writing, created with @mode (before the umask) or
 * truncated, closed across exec: the descriptor, or -1 with errno set.
 * Written with os_write_fd(), closed with os_close().  Not traced.
 */
pt_hidden int os_open_write(const char *path, int mode);
pt_hidden void os_close(int fd);

/**
 * struct os_caller - where a code address lies (mtrace's "@ " prefix).
 * @object: the file name of the object that holds it, or NULL.
 * @base: the address that object is loaded at.
 * @symbol: the name of the nearest symbol, or NULL.
 * @symbol_addr: that symbol's address.
 */
struct os_caller {
	const char *object;
	uintptr_t base;
	const char *symbol;
	uintptr_t symbol_addr;
};

/*
 * Fill @out for the code address @addr (glibc's dladdr): 0, or -1 when
 * no loaded object holds it.  Does not allocate.
 */
pt_hidden int os_caller_info(const void *addr, struct os_caller *out);

#endif /* PTM_OS_H */
