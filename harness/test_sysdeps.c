// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Suite "sysdeps": the Linux system layer (sysdeps/linux) and its debug
 * entry points.
 *
 * Two routes in.  Through the library (ptm_debug_simulate_brk,
 * ptm_debug_trace_syscalls, ptm_malloc...), the tests check the trace
 * lines the allocator's own system calls produce, on a simulated break
 * so that the figures do not depend on the test process.  Through the
 * helper program sys_os, which compiles the layer in and calls os_*
 * directly, they check each primitive's line, errno handling, the
 * simulated break's edges, and finally that the real strace sees
 * exactly the calls the trace reports.
 *
 * Every expected line is built from the addresses the calls returned
 * and compared as a whole string.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptmalloc.h"

#define SYS_OS PTM_PROGRAMS_DIR "/sys_os"
#define STRACE "/usr/bin/strace"
#define STRACE_SET "trace=brk,mmap,munmap,mremap,mprotect,madvise"

/* Text accumulated for a comparison. */
struct text {
	char buf[8192];
	size_t len;
};

/* Append printf-style text to @t. */
static __attribute__((format(printf, 2, 3))) void text_add(struct text *t,
							   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

/* Read all of @fd into @t (NUL-terminated). */
static void text_read_fd(struct text *t, int fd)
{
	ssize_t n;

	while ((n = read(fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len)) > 0)
		t->len += (size_t)n;
	cr_assert(n == 0, "read: %s", strerror(errno));
	t->buf[t->len] = '\0';
}

/* Read the file @path into @t. */
static void text_read_file(struct text *t, const char *path)
{
	int fd = open(path, O_RDONLY);

	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	text_read_fd(t, fd);
	close(fd);
}

/* An address as the trace prints it. */
static unsigned long addr(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

/* A pipe receiving the library's trace. */
struct trace {
	int rd, wr;
};

/* Start tracing the library's system calls into a pipe. */
static void trace_begin(struct trace *tr)
{
	int fds[2];

	cr_assert(eq(int, pipe(fds), 0));
	tr->rd = fds[0];
	tr->wr = fds[1];
	ptm_debug_trace_syscalls(tr->wr);
}

/* Stop tracing and collect what was written. */
static void trace_end(struct trace *tr, struct text *out)
{
	ptm_debug_trace_syscalls(-1);
	close(tr->wr);
	text_read_fd(out, tr->rd);
	close(tr->rd);
}

/*
 * Run @argv with stdout going to @out_fd (or inherited if negative) and
 * assert that it exits with status 0.
 */
static void run(char *const argv[], int out_fd)
{
	int status;
	bool exited_ok;
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	cr_assert(exited_ok, "%s exited with status %#x", argv[0], status);
}

/* A fresh temporary file name in @path (the file exists, empty). */
static void temp_path(char *path, size_t size, const char *tag)
{
	int fd;

	snprintf(path, size, "/tmp/ptm-%s-XXXXXX", tag);
	fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);
}

/* Run sys_os @mode (with @arg if not NULL); its stdout goes to @out. */
static void run_sys_os(const char *mode, const char *arg, struct text *out)
{
	char *argv[] = { SYS_OS, (char *)mode, (char *)arg, NULL };
	char path[64];
	int fd;

	temp_path(path, sizeof(path), "out");
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert(fd >= 0);
	run(argv, fd);
	close(fd);
	text_read_file(out, path);
	unlink(path);
}

/* The value of the "@key 0x..." line of sys_os's report. */
static char *report_ptr(const struct text *report, const char *key)
{
	char pattern[32];
	const char *line;
	void *p = NULL;

	snprintf(pattern, sizeof(pattern), "\n%s ", key);
	line = strstr(report->buf, pattern);
	if (line == NULL &&
	    strncmp(report->buf, pattern + 1, strlen(pattern + 1)) == 0)
		line = report->buf - 1;
	cr_assert(line != NULL, "no '%s' in:\n%s", key, report->buf);
	cr_assert(eq(int, sscanf(line + strlen(pattern), "%p", &p), 1));
	return p;
}

Test(sysdeps, simulate_brk_twice_fails)
{
	char *base;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), -1));
	base = ptm_debug_brk();
	cr_assert(eq(ulong, addr(base) % 4096, 0));
	cr_assert(eq(ptr, ptm_debug_brk(), base));
}

Test(sysdeps, simulate_brk_too_late)
{
	void *volatile p = ptm_malloc(100);

	cr_assert(ne(ptr, p, NULL));
	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), -1));
	ptm_free(p);
}

/* A fresh simulated heap: malloc(100) grows the break by 0x21000. */
Test(sysdeps, first_malloc_one_brk_line)
{
	struct text got = { .len = 0 }, want = { .len = 0 };
	struct trace tr;
	char *base;
	void *volatile p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	base = ptm_debug_brk();
	trace_begin(&tr);
	p = ptm_malloc(100);
	trace_end(&tr, &got);
	cr_assert(ne(ptr, p, NULL));
	text_add(&want, "brk(%#lx) = %#lx\n", addr(base + 0x21000),
		 addr(base + 0x21000));
	cr_assert(eq(str, got.buf, want.buf));
	cr_assert(eq(ptr, ptm_debug_brk(), base + 0x21000));
}

/* malloc(1 MiB) maps 1052672 bytes, free unmaps them; no brk at all. */
Test(sysdeps, mmapped_chunk_lines)
{
	struct text got = { .len = 0 }, want = { .len = 0 };
	struct trace tr;
	char *base, *block;
	void *volatile p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	base = ptm_debug_brk();
	trace_begin(&tr);
	p = ptm_malloc(1 << 20);
	ptm_free(p);
	trace_end(&tr, &got);
	block = (char *)p - 16;
	text_add(&want,
		 "mmap(NULL, 1052672, PROT_READ|PROT_WRITE, "
		 "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = %#lx\n"
		 "munmap(%#lx, 1052672) = 0\n",
		 addr(block), addr(block));
	cr_assert(eq(str, got.buf, want.buf));
	cr_assert(eq(ptr, ptm_debug_brk(), base));
}

/*
 * With mmap off, malloc(1 MiB) grows the break to +0x121000, free trims
 * it to +0x21000, and the regrown pages read zero although the block
 * had been filled before the trim.
 */
Test(sysdeps, trimmed_pages_read_zero)
{
	struct text got = { .len = 0 }, want = { .len = 0 };
	struct trace tr;
	char *base, *p, *q;
	size_t dirty = 0;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_MAX, 0), 1));
	base = ptm_debug_brk();
	trace_begin(&tr);
	p = ptm_malloc(1 << 20);
	cr_assert(ne(ptr, p, NULL));
	memset(p, 0xa5, 1 << 20);
	ptm_free(p);
	cr_assert(eq(ptr, ptm_debug_brk(), base + 0x21000));
	q = ptm_malloc(1 << 20);
	trace_end(&tr, &got);
	cr_assert(eq(ptr, q, p));
	for (char *c = base + 0x21000; c < q + (1 << 20); c++)
		dirty += *c != 0;
	cr_assert(eq(ulong, dirty, 0));
	text_add(&want, "brk(%#lx) = %#lx\n", addr(base + 0x121000),
		 addr(base + 0x121000));
	text_add(&want, "brk(%#lx) = %#lx\n", addr(base + 0x21000),
		 addr(base + 0x21000));
	text_add(&want, "brk(%#lx) = %#lx\n", addr(base + 0x121000),
		 addr(base + 0x121000));
	cr_assert(eq(str, got.buf, want.buf));
	ptm_free(q);
}

/*
 * A break of 1 MiB cannot grow by 0x221000 for malloc(2 MiB): the brk
 * line shows the refusal (the break unchanged), and the request is then
 * served from a mapping standing in for the break, 0x221000 rounded up
 * to whole MiB as glibc 2.36 does (3 MiB).
 */
Test(sysdeps, break_beyond_capacity)
{
	struct text got = { .len = 0 }, want = { .len = 0 };
	struct trace tr;
	char *base;
	void *volatile p;

	cr_assert(eq(int, ptm_debug_simulate_brk(1 << 20), 0));
	cr_assert(eq(int, ptm_mallopt(M_MMAP_MAX, 0), 1));
	base = ptm_debug_brk();
	trace_begin(&tr);
	p = ptm_malloc(2 << 20);
	trace_end(&tr, &got);
	cr_assert(ne(ptr, p, NULL));
	text_add(&want, "brk(%#lx) = %#lx\n", addr(base + 0x221000),
		 addr(base));
	text_add(&want,
		 "mmap(NULL, 3145728, PROT_READ|PROT_WRITE, "
		 "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = %#lx\n",
		 addr((char *)p - 16));
	cr_assert(eq(str, got.buf, want.buf));
	cr_assert(eq(ptr, ptm_debug_brk(), base));
}

/* Successful allocations that reach the system leave errno alone. */
Test(sysdeps, errno_kept_by_system_calls)
{
	void *volatile small, *volatile big;

	cr_assert(eq(int, ptm_debug_simulate_brk(1UL << 30), 0));
	errno = EDOM;
	small = ptm_malloc(100);
	cr_assert(eq(int, errno, EDOM));
	big = ptm_malloc(1 << 20);
	cr_assert(eq(int, errno, EDOM));
	ptm_free(big);
	cr_assert(eq(int, errno, EDOM));
	ptm_free(small);
	cr_assert(ne(ptr, small, NULL));
	cr_assert(ne(ptr, big, NULL));
}

/*
 * The simulated break itself (sys_os sim): capacity 0x100001 rounds up
 * to 0x101000; moves inside [base, base + 0x101000] succeed and keep
 * errno, moves outside fail with ENOMEM and a brk line showing the
 * unchanged break, a wrapping move fails without a line; released pages
 * read zero when regained, pages kept below the break keep their bytes.
 */
Test(sysdeps, simulated_break_edges)
{
	struct text got = { .len = 0 }, want = { .len = 0 };
	unsigned long b;

	run_sys_os("sim", NULL, &got);
	b = addr(report_ptr(&got, "base"));
	cr_assert(eq(ulong, b % 4096, 0));
	text_add(&want, "again -1\nbase %#lx\npage 4096\n", b);
	text_add(&want, "sbrk(0) = base+0, errno %d\n", EDOM);
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x21000, b + 0x21000);
	text_add(&want, "sbrk(135168) = base+0, errno %d\n", EDOM);
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x1000, b + 0x1000);
	text_add(&want, "sbrk(-131072) = base+0x21000, errno %d\n", EDOM);
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x21000, b + 0x21000);
	text_add(&want, "sbrk(131072) = base+0x1000, errno %d\n", EDOM);
	text_add(&want, "nonzero low 4096 high 0\n");
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x101001, b + 0x21000);
	text_add(&want, "sbrk(917505) failed, errno %d\n", ENOMEM);
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x101000, b + 0x101000);
	text_add(&want, "sbrk(917504) = base+0x21000, errno %d\n", EDOM);
	text_add(&want, "brk(%#lx) = %#lx\n", b + 0x101001, b + 0x101000);
	text_add(&want, "sbrk(1) failed, errno %d\n", ENOMEM);
	text_add(&want, "brk(%#lx) = %#lx\n", b - 1, b + 0x101000);
	text_add(&want, "sbrk(-1052673) failed, errno %d\n", ENOMEM);
	text_add(&want, "sbrk(%td) failed, errno %d\n", -PTRDIFF_MAX, ENOMEM);
	text_add(&want, "brk(%#lx) = %#lx\n", b, b);
	text_add(&want, "sbrk(-1052672) = base+0x101000, errno %d\n", EDOM);
	text_add(&want, "sbrk(0) = base+0, errno %d\n", EDOM);
	cr_assert(eq(str, got.buf, want.buf));
}

/* The lines sys_os calls must write, from the addresses it reports. */
static void expected_calls(struct text *want, const struct text *report)
{
	unsigned long b0 = addr(report_ptr(report, "b0"));
	unsigned long p = addr(report_ptr(report, "p"));
	unsigned long q = addr(report_ptr(report, "q"));
	unsigned long h = addr(report_ptr(report, "h"));
	unsigned long r = addr(report_ptr(report, "r"));
	const char *rw = "PROT_READ|PROT_WRITE";
	const char *anon = "MAP_PRIVATE|MAP_ANONYMOUS";
	const char *einval = "-1 EINVAL (Invalid argument)";

	text_add(want, "brk(%#lx) = %#lx\n", b0 + 0x21000, b0 + 0x21000);
	text_add(want, "brk(%#lx) = %#lx\n", b0 + 0x20000, b0 + 0x20000);
	text_add(want, "brk(%#lx) = %#lx\n", b0 + 0x20000 + (1UL << 62),
		 b0 + 0x20000);
	text_add(want, "mmap(NULL, 1052672, %s, %s, -1, 0) = %#lx\n", rw, anon,
		 p);
	text_add(want,
		 "mmap(NULL, 67108864, PROT_NONE, %s|MAP_NORESERVE, -1, 0)"
		 " = %#lx\n",
		 anon, q);
	text_add(want, "mmap(%#lx, 4096, PROT_READ, %s, -1, 0) = %#lx\n",
		 q + (1UL << 26), anon, h);
	text_add(want,
		 "mmap(%#lx, 65536, PROT_NONE, "
		 "MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = %#lx\n",
		 q + 0x100000, q + 0x100000);
	text_add(want, "mprotect(%#lx, 135168, %s) = 0\n", q, rw);
	text_add(want, "madvise(%#lx, 8192, MADV_DONTNEED) = 0\n", q);
	text_add(want,
		 "mremap(%#lx, 1052672, 2101248, MREMAP_MAYMOVE) = %#lx\n", p,
		 r);
	text_add(want, "mremap(%#lx, 2101248, 1052672, 0) = %#lx\n", r, r);
	text_add(want,
		 "mmap(NULL, 1125899906842624, %s, %s, -1, 0) = "
		 "-1 ENOMEM (Cannot allocate memory)\n",
		 rw, anon);
	text_add(want, "mmap(NULL, 0, %s, %s, -1, 0) = %s\n", rw, anon, einval);
	text_add(want, "munmap(%#lx, 4096) = %s\n", q + 1, einval);
	text_add(want, "mprotect(%#lx, 4096, PROT_READ) = %s\n", q + 1, einval);
	text_add(want, "madvise(%#lx, 4096, 0x3039 /* MADV_??? */) = %s\n", q,
		 einval);
	text_add(want, "mremap(%#lx, 4096, 1125899906842624, 0) = %s\n", q,
		 einval);
	text_add(want, "munmap(%#lx, 1052672) = 0\n", r);
	text_add(want, "munmap(%#lx, 4096) = 0\n", h);
	text_add(want, "munmap(%#lx, 67108864) = 0\n", q);
	text_add(want, "brk(%#lx) = %#lx\n", b0, b0);
}

/*
 * Each primitive's line, succeeding and failing, is exactly as expected;
 * successes keep errno, failures leave the kernel's (three ENOMEM: the
 * refused brk, the wrapping sbrk, the huge mmap; then five EINVAL).
 */
Test(sysdeps, trace_lines_exact)
{
	struct text report = { .len = 0 }, got = { .len = 0 };
	struct text want = { .len = 0 }, errs = { .len = 0 };
	char path[64];

	temp_path(path, sizeof(path), "trace");
	run_sys_os("calls", path, &report);
	text_read_file(&got, path);
	unlink(path);
	expected_calls(&want, &report);
	cr_assert(eq(str, got.buf, want.buf));
	cr_assert(ne(ptr, strstr(report.buf, "\nkept 15 of 15\n"), NULL), "%s",
		  report.buf);
	text_add(&errs, "\nerrors %d %d %d %d %d %d %d %d\n", ENOMEM, ENOMEM,
		 ENOMEM, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL);
	cr_assert(ne(ptr, strstr(report.buf, errs.buf), NULL), "%s",
		  report.buf);
}

/*
 * The lines strace writes between the two markers of sys_os calls, one
 * per line; the markers must appear exactly once each.
 */
static void strace_between_markers(struct text *out, const struct text *log)
{
	const char *start_marker = "mprotect(NULL, 0, PROT_NONE) = 0\n";
	const char *end_marker = "mprotect(NULL, 0, PROT_READ) = 0\n";
	const char *start = strstr(log->buf, start_marker);
	const char *end;

	cr_assert(ne(ptr, (void *)start, NULL), "%s", log->buf);
	start += strlen(start_marker);
	end = strstr(start, end_marker);
	cr_assert(ne(ptr, (void *)end, NULL), "%s", log->buf);
	text_add(out, "%.*s", (int)(end - start), start);
}

/*
 * The real strace, run on sys_os calls, sees exactly the system calls
 * the trace reports, line for line and byte for byte ("-a0" sets strace's
 * column alignment to none, i.e. one space before '=').
 */
Test(sysdeps, strace_agrees)
{
	struct text log = { .len = 0 }, seen = { .len = 0 };
	struct text ours = { .len = 0 };
	char log_path[64], trace_path[64];
	char *argv[] = { STRACE,   "-a0",      "-qq",	   "-o",
			 log_path, "-e",       STRACE_SET, SYS_OS,
			 "calls",  trace_path, NULL };
	int devnull = open("/dev/null", O_WRONLY);

	temp_path(log_path, sizeof(log_path), "strace");
	temp_path(trace_path, sizeof(trace_path), "trace");
	run(argv, devnull);
	close(devnull);
	text_read_file(&log, log_path);
	text_read_file(&ours, trace_path);
	unlink(log_path);
	unlink(trace_path);
	strace_between_markers(&seen, &log);
	cr_assert(eq(str, seen.buf, ours.buf));
	cr_assert(gt(ulong, ours.len, 0));
}
