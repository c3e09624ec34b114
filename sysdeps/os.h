/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operating-system contract: every primitive the allocator needs
 * from the kernel, and the two pieces of C-library state it must respect
 * (stdio's list lock around fork, the thread's cancellation state).  A
 * port implements these functions in sysdeps/<os>/; no other directory
 * calls the kernel.
 *
 * Conventions: the functions mirror the Linux system calls they are
 * named after, return what those return (MAP_FAILED, -1 with errno set,
 * the old break for os_morecore) and leave errno alone on success.  When
 * tracing is on (ptm_debug_trace_syscalls) each call that reaches the
 * kernel, or the simulated break, is written as one line of strace
 * syntax.  Unless a function says "may allocate", it never calls malloc
 * (the allocator itself may be the C library's malloc) and is safe to
 * call with an arena lock held.
 *
 * Three services are declared elsewhere, because they are inline or
 * differ by CPU, each once: the arena mutex and the single-threaded test
 * (sysdeps/<os>/lock.h: struct ptm_mutex, lock_*, single_threaded()),
 * the memory checker's client request (sysdeps/<arch>/track-issue.h,
 * track_issue()) and the geometry (sysdeps/<arch>/malloc-arch.h).  The
 * table of docs/porting.md, section 3, lists every service with its
 * Linux and generic implementation.
 */
#ifndef PTM_OS_H
#define PTM_OS_H

#include <stddef.h>
#include <sys/mman.h>
#include <time.h>

#include "../malloc/compiler.h"

/* What os_morecore returns when the break cannot move (sbrk's value). */
#define MORECORE_FAILURE ((void *)-1)

/* The system page size (a power of two), read once; cannot fail. */
pt_hidden size_t os_page_size(void);

/*
 * sbrk(): move the program break by @increment bytes (0 just reads it)
 * and return the break before the move, or MORECORE_FAILURE.  Uses the
 * simulated break when one was set up with ptm_debug_simulate_brk().
 * A system without brk returns MORECORE_FAILURE for every non-zero
 * increment (docs/porting.md, section 4).
 */
pt_hidden void *os_morecore(ptrdiff_t increment);

/*
 * Set up the simulated break of ptm_debug_simulate_brk() (one mapping of
 * @capacity bytes); 0, or -1 when it cannot be mapped.
 */
pt_hidden int os_simulate_brk(size_t capacity);

/*
 * mmap() of anonymous private memory; @addr is a hint or NULL.  The
 * mapping, or MAP_FAILED with errno.
 */
pt_hidden void *os_mmap(void *addr, size_t len, int prot, int flags);

/* munmap(); 0 or -1. */
pt_hidden int os_munmap(void *addr, size_t len);

/*
 * mremap(); the new address or MAP_FAILED.  A system without it may
 * always fail (realloc then copies).
 */
pt_hidden void *os_mremap(void *old, size_t old_len, size_t new_len, int flags);

/* mprotect(); 0 or -1. */
pt_hidden int os_mprotect(void *addr, size_t len, int prot);

/* madvise(); 0 or -1.  A system without it may do nothing and return 0. */
pt_hidden int os_madvise(void *addr, size_t len, int advice);

/*
 * Write @len bytes to standard error (os_write_fd() on descriptor 2); a
 * failed write is dropped, there is nobody to tell.
 */
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
 * aborting report (sysdeps/linux/fatal.c), after the message itself.
 * May allocate (backtrace() may call malloc); may write nothing.
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
 * The number of online processors, without allocating; a value below 1
 * means unknown (the caller assumes 2, as glibc does).  Not traced.
 */
pt_hidden int os_cpu_count(void);

/*
 * Send the strace-style trace to @fd (negative: stop tracing); debugging
 * only, a port may make it a no-op.
 */
pt_hidden void os_trace_to(int fd);

/*
 * stdio's lock on its list of open streams (glibc's _IO_list_lock), which
 * fork() takes: the fork handlers take it before the arena locks, to
 * keep glibc's lock order (sysdeps/linux/libc.c); reset in the child.
 * A C library without such a lock makes all three no-ops.
 */
pt_hidden void os_stdio_list_lock(void);
pt_hidden void os_stdio_list_unlock(void);
pt_hidden void os_stdio_list_reset(void);

/*
 * Defer the calling thread's cancellation (returns the state to restore)
 * and restore it: a request that arrived meanwhile is acted on at the
 * next cancellation point.  Cannot fail.
 */
pt_hidden int os_cancel_defer(void);
pt_hidden void os_cancel_restore(int state);

/*
 * The program's name as it was run (argv[0]) and its last component,
 * for the fatal reports; NULL when the C library does not record it.
 */
pt_hidden const char *os_program_name(void);
pt_hidden const char *os_program_short_name(void);

/*
 * Have the C library free the memory it keeps for the whole run (glibc's
 * __libc_freeres()), so that a leak report at exit shows only the
 * program's blocks; a C library without such a call does nothing.
 * Calls free() (here: the allocator) for what it releases.
 */
pt_hidden void os_release_libc_memory(void);

/*
 * Thread-local storage for the allocator's per-thread state (the arena,
 * the cache, the flags): a definition must not make the dynamic loader
 * or the C library allocate, so the library is built with the
 * initial-exec model.  Linux and the generic layer use the compiler's
 * __thread.
 */
#define os_thread_local __thread

/*
 * The value of the environment variable @name, or NULL when it is unset
 * or the process runs in secure-execution mode (set-user-ID and the
 * like), as glibc's secure_getenv().  Never allocates.
 */
pt_hidden const char *os_secure_getenv(const char *name);

/*
 * The environment vector, for a scan of every entry (the tunables), or
 * NULL when there is none or the process runs in secure-execution mode.
 */
pt_hidden char **os_secure_environ(void);

/*
 * Register @fn as the one thread-exit callback (POSIX thread-specific
 * data): from then on a thread that called os_thread_exit_arm() with a
 * non-NULL value has @fn called with it when it exits.  0 or -1.
 * Called once, at initialisation.
 */
pt_hidden int os_thread_exit_init(void (*fn)(void *));

/*
 * Set the calling thread's value for the thread-exit callback.  Never
 * allocates as long as the key is one of the process's first 32 (glibc
 * keeps those values in the thread itself; the allocator makes its key
 * at its first call, before most programs make theirs).
 */
pt_hidden void os_thread_exit_arm(void *arg);

/*
 * Fork handlers (pthread_atfork's contract): @prepare runs before fork()
 * in the forking thread, @parent and @child after it in each process.
 * May allocate; 0 or an error number.
 */
pt_hidden int os_atfork(void (*prepare)(void), void (*parent)(void),
			void (*child)(void));

/*
 * Call @fn at normal process exit (atexit's contract); 0 or non-zero.
 * May allocate (glibc's list grows by malloc once its first block of 32
 * handlers is full).
 */
pt_hidden int os_atexit(void (*fn)(void));

/*
 * Open @path for writing, created with @mode if missing, truncated and
 * close-on-exec, without allocating: the descriptor, or -1 with errno.
 */
pt_hidden int os_open_truncate(const char *path, int mode);

/* close(2) of a descriptor os_open_truncate() gave; errno is kept. */
pt_hidden void os_close(int fd);

/* The process ID, for file names; cannot fail. */
pt_hidden long os_process_id(void);

/*
 * The monotonic clock into @ts (for a key when no random bytes came);
 * cannot fail (a clock that does not run only weakens that key).
 */
pt_hidden void os_monotonic_time(struct timespec *ts);

/*
 * What the dynamic linker knows of a code address: the object's file and
 * load base, and the nearest dynamic symbol's name and address (NULL
 * when none).
 */
struct os_symbol {
	const char *file;
	void *base;
	const char *name;
	void *addr;
};

/*
 * dladdr()'s answer for @addr into @sym: 0, or -1 when the address is in
 * no loaded object or the system cannot tell.  May allocate.
 */
pt_hidden int os_symbolize(const void *addr, struct os_symbol *sym);

#endif /* PTM_OS_H */
