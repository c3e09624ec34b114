/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace_notes.h: what the mtrace programs (mtrace_prog.c, dropin_mtrace.c)
 * record about their own calls while tracing, to print once tracing has
 * stopped: one "EVENT ADDRESS LINE" line per call, the source line being
 * the one addr2line gives for the caller address in the trace.  Nothing
 * here allocates: lines go into a static buffer, out with write(2).
 *
 * The including program defines TRACE_FREE, the free function its FREED
 * calls (free, or ptm_free).
 */
#ifndef PTM_TRACE_NOTES_H
#define PTM_TRACE_NOTES_H

#include <stdio.h>
#include <unistd.h>

static char notes_buf[8192];
static size_t notes_len;

/* Record one "EVENT ADDRESS LINE" line for later. */
static void note(const char *event, const void *addr, int line)
{
	int n = snprintf(notes_buf + notes_len, sizeof(notes_buf) - notes_len,
			 "%s %p %d\n", event, addr, line);

	if (n > 0 && (size_t)n < sizeof(notes_buf) - notes_len)
		notes_len += (size_t)n;
}

/*
 * @var = @call, noted as @event with the line of the macro's use, which
 * is the line of the call in the debugging information too.
 */
#define TRACED(event, var, call)              \
	do {                                  \
		(var) = (call);               \
		note(event, (var), __LINE__); \
	} while (0)

/*
 * TRACE_FREE(@var), noted after the call, so that the caller address
 * (the return address of the free) still lies in this line's code.
 */
#define FREED(var)                             \
	do {                                   \
		TRACE_FREE(var);               \
		note("free", (var), __LINE__); \
	} while (0)

/* Write what note() recorded to standard output; 0 when all of it went. */
static int flush_notes(void)
{
	const char *p = notes_buf;

	while (notes_len > 0) {
		ssize_t n = write(1, p, notes_len);

		if (n <= 0)
			return 1;
		p += n;
		notes_len -= (size_t)n;
	}
	return 0;
}

#endif /* PTM_TRACE_NOTES_H */
