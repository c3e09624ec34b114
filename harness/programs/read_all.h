/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a child's pipe to its end into a fixed buffer: the one loop
 * shared by the harness's runners (death.h, mtrace_run.h, vg_run.h) and
 * the measuring program exp_check_action.c.  It neither allocates nor
 * uses stdio, so it may run in any process, measured or measuring.
 */
#ifndef PTM_READ_ALL_H
#define PTM_READ_ALL_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/*
 * Read @fd to its end into @buf, NUL-terminated and truncated to
 * @cap - 1 bytes; what does not fit is read and dropped, so that the
 * writer never blocks on a full pipe.  Returns the length kept.
 */
static inline size_t fd_read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	char sink[4096];

	for (;;) {
		char *dst = len + 1 < cap ? buf + len : sink;
		size_t room = len + 1 < cap ? cap - 1 - len : sizeof(sink);
		ssize_t n = read(fd, dst, room);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst != sink)
			len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

#endif /* PTM_READ_ALL_H */
