// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Linux system layer (sysdeps/os.h), except the program break, which
 * lives in morecore.c: the page size, the mapping calls, the error
 * output and the final abort.
 *
 * Every mapping call is a thin wrapper over the C library's function of
 * the same name.  Each one keeps errno as the caller had it when the
 * call succeeds (the allocator promises its callers that a successful
 * malloc leaves errno alone), leaves the kernel's errno after a failure,
 * and writes one line to the strace-style trace when it is on (trace.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(PTM_COVERAGE) && defined(__GNUC__) && !defined(__clang__)
#include <gcov.h>
#define PTM_GCOV_DUMP 1
#endif

#include "trace.h"
#include "valgrind.h"

/*
 * The page size, from the auxiliary vector the kernel handed the process
 * (no system call, no allocation), falling back to sysconf().  Cached:
 * it never changes during the life of a process.
 */
size_t os_page_size(void)
{
	static size_t page_size;
	size_t size = __atomic_load_n(&page_size, __ATOMIC_RELAXED);

	if (likely(size != 0))
		return size;
	size = getauxval(AT_PAGESZ);
	if (size == 0)
		size = (size_t)sysconf(_SC_PAGESIZE);
	__atomic_store_n(&page_size, size, __ATOMIC_RELAXED);
	return size;
}

/* mmap(@addr, @len, @prot, @flags, -1, 0); @flags are passed as given. */
void *os_mmap(void *addr, size_t len, int prot, int flags)
{
	int saved = errno;
	void *p = mmap(addr, len, prot, flags, -1, 0);
	int err = errno;

	if (p != MAP_FAILED && prot != PROT_NONE)
		track_system(p, len);
	trace_mmap(addr, len, prot, flags, p, err);
	errno = p == MAP_FAILED ? err : saved;
	return p;
}

/* munmap(@addr, @len). */
int os_munmap(void *addr, size_t len)
{
	int saved = errno;
	int ret = munmap(addr, len);
	int err = errno;

	if (ret == 0)
		track_release(addr, len);
	trace_munmap(addr, len, ret, err);
	errno = ret == -1 ? err : saved;
	return ret;
}

/*
 * mremap(@old, @old_len, @new_len, @flags).  @flags must not contain
 * MREMAP_FIXED: the contract has no place for the new address it needs.
 */
void *os_mremap(void *old, size_t old_len, size_t new_len, int flags)
{
	int saved = errno;
	void *p = mremap(old, old_len, new_len, flags);
	int err = errno;

	if (p != MAP_FAILED)
		track_remap(old, old_len, p, new_len);
	trace_mremap(old, old_len, new_len, flags, p, err);
	errno = p == MAP_FAILED ? err : saved;
	return p;
}

/* mprotect(@addr, @len, @prot). */
int os_mprotect(void *addr, size_t len, int prot)
{
	int saved = errno;
	int ret = mprotect(addr, len, prot);
	int err = errno;

	if (ret == 0 && prot != PROT_NONE)
		track_system(addr, len);
	trace_mprotect(addr, len, prot, ret, err);
	errno = ret == -1 ? err : saved;
	return ret;
}

/* madvise(@addr, @len, @advice). */
int os_madvise(void *addr, size_t len, int advice)
{
	int saved = errno;
	int ret = madvise(addr, len, advice);
	int err = errno;

	trace_madvise(addr, len, advice, ret, err);
	errno = ret == -1 ? err : saved;
	return ret;
}

/*
 * Write all of @buf to @fd with write(2) alone: the callers are the
 * corruption reports, the trace, mtrace and the heap map, which run
 * where allocating (or taking a stdio lock) is not allowed.  Short
 * writes continue where they stopped and EINTR retries; any other error
 * drops the rest and returns -1.  errno is left as it was.
 */
int os_write_fd(int fd, const char *buf, size_t len)
{
	int saved = errno;
	int ret = 0;

	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -1;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	errno = saved;
	return ret;
}

/* mincore(@addr, @len, @vec); errno kept on success. */
int os_mincore(void *addr, size_t len, unsigned char *vec)
{
	int saved = errno;
	int ret = mincore(addr, len, vec);

	if (ret == 0)
		errno = saved;
	return ret;
}

/* Write @len bytes to standard error without allocating. */
void os_write_stderr(const char *buf, size_t len)
{
	os_write_fd(STDERR_FILENO, buf, len);
}

/*
 * End the process with SIGABRT.  A coverage build first writes its gcov
 * counters, which abort() would otherwise lose (the lines only death
 * tests reach would read as never run).  glibc's abort() neither flushes
 * stdio nor allocates, unblocks SIGABRT, and if a handler returns it
 * restores the default action and raises the signal again, so the
 * process always ends here.
 */
void os_abort(void)
{
#ifdef PTM_GCOV_DUMP
	__gcov_dump();
#endif
	abort();
}
