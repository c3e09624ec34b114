/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to sysdeps/linux: the strace-syntax trace of the system layer
 * (trace.c).
 *
 * Each trace_*() call describes one completed system call: its
 * arguments, its result, and for a failure the errno it set.  It writes
 * nothing unless tracing is on, never allocates, and leaves errno as it
 * found it, so the callers can trace before restoring errno themselves.
 */
#ifndef PTM_LINUX_TRACE_H
#define PTM_LINUX_TRACE_H

#include <stddef.h>

#include "../os.h"

/* brk(@requested) returned @result (the break after the call). */
pt_hidden void trace_brk(const void *requested, const void *result);

/* mmap(@addr, @len, @prot, @flags, -1, 0) returned @result (errno @err). */
pt_hidden void trace_mmap(const void *addr, size_t len, int prot, int flags,
			  const void *result, int err);

/* munmap(@addr, @len) returned @result (errno @err). */
pt_hidden void trace_munmap(const void *addr, size_t len, int result, int err);

/* mremap(@old, @old_len, @new_len, @flags) returned @result (errno @err). */
pt_hidden void trace_mremap(const void *old, size_t old_len, size_t new_len,
			    int flags, const void *result, int err);

/* mprotect(@addr, @len, @prot) returned @result (errno @err). */
pt_hidden void trace_mprotect(const void *addr, size_t len, int prot,
			      int result, int err);

/* madvise(@addr, @len, @advice) returned @result (errno @err). */
pt_hidden void trace_madvise(const void *addr, size_t len, int advice,
			     int result, int err);

#endif /* PTM_LINUX_TRACE_H */
