/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Death tests that pin the exact report: the test forks, the child
 * corrupts a heap on purpose and trips a check, and the parent reads
 * the child's standard error through a pipe and its wait status
 * (Criterion's .signal alone could not check the text).
 *
 *	death_run(fn, arg, &d)	run fn(arg) in a child; d.err, d.status,
 *				d.notes[] (values the child sent with
 *				death_note(), e.g. the pointer the report
 *				will name)
 *	expect_report(&d, action, msg, ptr)
 *				d.err is exactly what M_CHECK_ACTION
 *				@action prints for @msg at @ptr, and the
 *				child aborted or exited 0 accordingly
 *
 * The child starts on a private simulated break (death_setup), so chunk
 * addresses do not depend on the test process's own heap.  A child that
 * survives ends with _exit() after dumping coverage data in coverage
 * builds, as os_abort() does for one that aborts.
 */
#ifndef PTM_DEATH_H
#define PTM_DEATH_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(PTM_COVERAGE) && defined(__GNUC__) && !defined(__clang__)
#include <gcov.h>
#define DEATH_GCOV_DUMP() __gcov_dump()
#else
#define DEATH_GCOV_DUMP() ((void)0)
#endif

#include "programs/check_report.h"
#include "programs/read_all.h"
#include "ptmalloc.h"

#define DEATH_MAX_NOTES 8

/*
 * Whether this build walks the whole heap after every operation
 * (PTM_DEBUG >= 2, malloc/consistency.c): a heap left corrupt by a
 * report that does not abort is then reported again by the walker,
 * which aborts.
 */
#if defined(PTM_DEBUG) && PTM_DEBUG >= 2
#define DEATH_HEAP_WALKER true
#else
#define DEATH_HEAP_WALKER false
#endif

/**
 * struct death - what a child left behind.
 * @status: its wait status.
 * @err: its standard error (NUL-terminated, truncated to the buffer).
 * @notes: the values it sent with death_note(), in order.
 * @nnotes: how many.
 */
struct death {
	int status;
	char err[65536];
	uintptr_t notes[DEATH_MAX_NOTES];
	int nnotes;
};

/*
 * The magic byte of the chunk of user pointer @p (2.17's hooks.c).  A
 * chunk at a multiple of 2^19, such as the first one of a simulated
 * heap, has magic 0, which a zero byte matches: the tests that need a
 * broken chain to fail pick a chunk whose magic is not 0.
 */
static inline unsigned char magic_of(const void *p)
{
	uintptr_t c = (uintptr_t)p - 16;

	return (unsigned char)(((c >> 3) ^ (c >> 11)) & 0xff);
}

/* In the child: the write end of the notes pipe. */
static int death_note_fd = -1;

/* In the child: send @v to the parent. */
static inline void death_note(uintptr_t v)
{
	ssize_t r = write(death_note_fd, &v, sizeof(v));

	(void)r;
}

/* In the child: end with @code (coverage data written first). */
static inline void death_exit(int code)
{
	DEATH_GCOV_DUMP();
	_exit(code);
}

/*
 * In the child, before any allocation: a private simulated break, then
 * mallopt(M_CHECK_ACTION, @action) unless @action is negative.
 */
static inline void death_setup(int action)
{
	if (ptm_debug_simulate_brk(1UL << 30) != 0)
		death_exit(90);
	if (action >= 0 && ptm_mallopt(M_CHECK_ACTION, action) != 1)
		death_exit(91);
}

/* Run @fn(@arg) in a child; fill @d. */
static inline void death_run(void (*fn)(int), int arg, struct death *d)
{
	int err[2], notes[2];
	size_t n;
	pid_t pid;

	memset(d, 0, sizeof(*d));
	cr_assert(eq(int, pipe(err), 0));
	cr_assert(eq(int, pipe(notes), 0));
	pid = fork();
	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		dup2(err[1], 2);
		close(err[0]);
		close(err[1]);
		close(notes[0]);
		death_note_fd = notes[1];
		fn(arg);
		death_exit(0);
	}
	close(err[1]);
	close(notes[1]);
	fd_read_all(err[0], d->err, sizeof(d->err));
	n = (size_t)read(notes[0], d->notes, sizeof(d->notes));
	d->nnotes = (int)(n / sizeof(uintptr_t));
	close(err[0]);
	close(notes[0]);
	while (waitpid(pid, &d->status, 0) < 0 && errno == EINTR)
		;
}

/* Assert the child was killed by SIGABRT. */
static inline void expect_abort(const struct death *d)
{
	cr_assert(ne(int, WIFSIGNALED(d->status), 0),
		  "child status %#x, stderr: %s", d->status, d->err);
	cr_assert(eq(int, WTERMSIG(d->status), SIGABRT));
}

/* Assert the child exited with status 0. */
static inline void expect_exit0(const struct death *d)
{
	cr_assert(ne(int, WIFEXITED(d->status), 0),
		  "child status %#x, stderr: %s", d->status, d->err);
	cr_assert(eq(int, WEXITSTATUS(d->status), 0), "stderr: %s", d->err);
}

/* Whether a line of the maps text @maps covers the address @a. */
static inline bool maps_cover(const char *maps, uintptr_t a)
{
	for (const char *l = maps; *l != '\0';) {
		char *end;
		unsigned long lo = strtoul(l, &end, 16);
		unsigned long hi = strtoul(end + 1, NULL, 16);

		if (a >= lo && a < hi)
			return true;
		l = strchr(l, '\n');
		if (l == NULL)
			break;
		l++;
	}
	return false;
}

/* The line M_CHECK_ACTION @action prints for @msg at @ptr ("" if none). */
static inline const char *expected_line(char *buf, size_t cap, int action,
					const char *msg, uintptr_t ptr)
{
	if ((action & 5) == 5)
		report_short(buf, cap, msg);
	else if (action & 1)
		report_long(buf, cap, program_invocation_name, msg, ptr);
	else
		buf[0] = '\0';
	return buf;
}

/*
 * Assert @s is the heap walker's report: "ptm: heap check: " lines, then
 * its closing line.
 */
static inline void expect_walker_lines(const char *s)
{
	static const char last[] = "ptm: heap check failed after an "
				   "operation (PTM_DEBUG >= 2)\n";
	size_t n = strlen(s), m = sizeof(last) - 1;

	cr_assert(ge(sz, n, m), "got %s", s);
	cr_assert(eq(str, (char *)s + n - m, (char *)last));
	for (const char *l = s; l < s + n - m; l = strchr(l, '\n') + 1)
		cr_assert(eq(int, strncmp(l, "ptm: heap check: ", 17), 0),
			  "got %s", l);
}

/*
 * Assert the child's stderr is exactly the report of @msg at @ptr under
 * M_CHECK_ACTION @action (glibc 2.17's malloc_printerr), that an
 * aborting action aborted and another let the child finish, and, with a
 * backtrace and @cover, that the memory map covers @ptr.
 */
static inline void expect_report_ex(const struct death *d, int action,
				    const char *msg, uintptr_t ptr, bool cover)
{
	char line[512];
	const char *rest;

	expected_line(line, sizeof(line), action, msg, ptr);
	cr_assert(eq(int, strncmp(d->err, line, strlen(line)), 0),
		  "expected \"%s\", got \"%s\"", line, d->err);
	rest = d->err + strlen(line);
	if (action & 2)
		expect_abort(d);
	else
		expect_exit0(d);
	if ((action & 2) == 0 || line[0] == '\0') {
		cr_assert(eq(str, (char *)rest, ""));
		return;
	}
	cr_assert(eq(ptr, (void *)report_context_end(rest, 3),
		     (void *)(d->err + strlen(d->err))),
		  "bad backtrace or memory map: %s", rest);
	if (cover)
		cr_assert(
			maps_cover(strstr(rest, "Memory map: ========\n") + 21,
				   ptr),
			"the memory map does not cover %#lx",
			(unsigned long)ptr);
}

/* expect_report_ex() with the memory map covering @ptr. */
static inline void expect_report(const struct death *d, int action,
				 const char *msg, uintptr_t ptr)
{
	expect_report_ex(d, action, msg, ptr, true);
}

/*
 * expect_report() for a report that does not abort and leaves the heap
 * corrupt: with the heap walker, the walker's report and an abort
 * follow the line.
 */
static inline void expect_report_then_walker(const struct death *d, int action,
					     const char *msg, uintptr_t ptr)
{
	char line[512];

	if (!DEATH_HEAP_WALKER) {
		expect_report(d, action, msg, ptr);
		return;
	}
	expected_line(line, sizeof(line), action, msg, ptr);
	cr_assert(eq(int, strncmp(d->err, line, strlen(line)), 0),
		  "expected \"%s\", got \"%s\"", line, d->err);
	expect_abort(d);
	expect_walker_lines(d->err + strlen(line));
}

#endif /* PTM_DEATH_H */
