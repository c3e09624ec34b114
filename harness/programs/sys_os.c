// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sys_os: drives the Linux system layer (sysdeps/linux) directly, for the
 * "sysdeps" tests in harness/test_sysdeps.c.
 *
 * The library hides its os_* functions, so this program compiles the
 * layer's three source files into itself and calls them as the
 * allocator would.  It uses nothing from libptmalloc.a.
 *
 *   sys_os calls TRACEFILE
 *	Make one call of each primitive, successful and failing, with the
 *	trace written to TRACEFILE.  The calls sit between two marker
 *	system calls that the layer does not trace,
 *	"mprotect(NULL, 0, PROT_NONE)" and "mprotect(NULL, 0, PROT_READ)",
 *	so that under strace the lines between the markers are exactly the
 *	calls the trace describes.  Nothing between the markers may
 *	allocate or use stdio (glibc's malloc would add brk/mmap calls).
 *	Afterwards stdout gets the addresses involved and the errno
 *	observations, one "name value" pair per line.
 *
 *   sys_os sim
 *	Exercise the simulated break, tracing to stdout; after the
 *	"base 0x..." line, each os_morecore() call's trace line (if any)
 *	is followed by a line describing its result.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../sysdeps/linux/morecore.c"
#include "../../sysdeps/linux/os.c"
#include "../../sysdeps/linux/trace.c"

/* The errno a call must leave alone when it succeeds. */
#define SENTINEL EDOM

/* printf to stdout with write(2), so the output interleaves in order. */
static pt_printf_like(1, 2) void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		os_write_fd(STDOUT_FILENO, buf,
			    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
}

/* What the "calls" run records between the markers. */
struct calls {
	char *b0, *p, *q, *h, *r;
	int kept; /* successful calls that left errno alone */
	int successes;
	int errs[8]; /* errno of each failing call */
	int nerrs;
};

/* Note whether a successful call (@ok) kept the sentinel errno. */
static void note_success(struct calls *c, bool ok)
{
	c->successes++;
	if (ok && errno == SENTINEL)
		c->kept++;
	errno = SENTINEL;
}

/* Note the errno of a call that had to fail (@failed). */
static void note_failure(struct calls *c, bool failed)
{
	if (c->nerrs < (int)ARRAY_SIZE(c->errs))
		c->errs[c->nerrs++] = failed ? errno : 0;
	errno = SENTINEL;
}

/* The break moves: up, down, refused by the kernel, refused by glibc. */
static void calls_brk(struct calls *c)
{
	c->b0 = os_morecore(0);
	note_success(c, c->b0 != MORECORE_FAILURE);
	note_success(c, os_morecore(0x21000) == c->b0);
	note_success(c, os_morecore(-0x1000) == c->b0 + 0x21000);
	note_failure(c, os_morecore(PTRDIFF_MAX / 2 + 1) == MORECORE_FAILURE);
	note_failure(c, os_morecore(-PTRDIFF_MAX) == MORECORE_FAILURE);
}

/* Mappings made, changed and refused; then everything undone. */
static void calls_map(struct calls *c)
{
	const size_t big = SIZE_MAX / ((size_t)1 << 14) + 1;

	c->p = os_mmap(NULL, 1052672, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS);
	note_success(c, c->p != MAP_FAILED);
	c->q = os_mmap(NULL, 1 << 26, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
	note_success(c, c->q != MAP_FAILED);
	c->h = os_mmap(c->q + (1 << 26), 4096, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS);
	note_success(c, c->h != MAP_FAILED);
	note_success(c, os_mmap(c->q + 0x100000, 0x10000, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) ==
				c->q + 0x100000);
	note_success(c, os_mprotect(c->q, 135168, PROT_READ | PROT_WRITE) == 0);
	note_success(c, os_madvise(c->q, 8192, MADV_DONTNEED) == 0);
	c->r = os_mremap(c->p, 1052672, 2101248, MREMAP_MAYMOVE);
	note_success(c, c->r != MAP_FAILED);
	note_success(c, os_mremap(c->r, 2101248, 1052672, 0) == c->r);

	note_failure(c, os_mmap(NULL, big, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS) == MAP_FAILED);
	note_failure(c, os_mmap(NULL, 0, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS) == MAP_FAILED);
	note_failure(c, os_munmap(c->q + 1, 4096) == -1);
	note_failure(c, os_mprotect(c->q + 1, 4096, PROT_READ) == -1);
	note_failure(c, os_madvise(c->q, 4096, 12345) == -1);
	note_failure(c, os_mremap(c->q, 4096, big, 0) == MAP_FAILED);

	note_success(c, os_munmap(c->r, 1052672) == 0);
	note_success(c, os_munmap(c->h, 4096) == 0);
	note_success(c, os_munmap(c->q, 1 << 26) == 0);
	note_success(c, os_morecore(-0x20000) == c->b0 + 0x20000);
}

/* The "calls" run: see the file comment. */
static int run_calls(const char *trace_path)
{
	struct calls c = { 0 };
	int fd = open(trace_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return 2;
	/* Fill glibc's break cache now: its first sbrk() calls brk(0). */
	sbrk(0);
	os_trace_to(fd);
	mprotect(NULL, 0, PROT_NONE);
	errno = SENTINEL;
	calls_brk(&c);
	calls_map(&c);
	mprotect(NULL, 0, PROT_READ);
	os_trace_to(-1);
	close(fd);

	say("b0 %p\np %p\nq %p\nh %p\nr %p\n", (void *)c.b0, (void *)c.p,
	    (void *)c.q, (void *)c.h, (void *)c.r);
	say("kept %d of %d\nerrors", c.kept, c.successes);
	for (int i = 0; i < c.nerrs; i++)
		say(" %d", c.errs[i]);
	say("\n");
	return 0;
}

/* os_morecore(@inc) on the simulated break, described relative to @base. */
static void sim_step(char *base, ptrdiff_t inc)
{
	char *ret;

	errno = SENTINEL;
	ret = os_morecore(inc);
	if (ret == MORECORE_FAILURE)
		say("sbrk(%td) failed, errno %d\n", inc, errno);
	else
		say("sbrk(%td) = base+%#tx, errno %d\n", inc, ret - base,
		    errno);
}

/* Count the bytes in [@from, @to) that are not zero. */
static size_t nonzero_bytes(const char *from, const char *to)
{
	size_t n = 0;

	for (; from < to; from++)
		n += *from != 0;
	return n;
}

/* The "sim" run: see the file comment. */
static int run_sim(void)
{
	char *base;

	if (os_simulate_brk(0x100001) != 0)
		return 2;
	say("again %d\n", os_simulate_brk(4096));
	base = os_morecore(0);
	say("base %p\npage %zu\n", (void *)base, os_page_size());
	os_trace_to(STDOUT_FILENO);
	sim_step(base, 0);
	sim_step(base, 0x21000);
	memset(base, 0xa5, 0x21000);
	sim_step(base, -0x20000);
	sim_step(base, 0x20000);
	say("nonzero low %zu high %zu\n", nonzero_bytes(base, base + 0x1000),
	    nonzero_bytes(base + 0x1000, base + 0x21000));
	sim_step(base, 0xe0001);
	sim_step(base, 0xe0000);
	sim_step(base, 1);
	sim_step(base, -0x101001);
	sim_step(base, -PTRDIFF_MAX);
	sim_step(base, -0x101000);
	sim_step(base, 0);
	os_trace_to(-1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "calls") == 0)
		return run_calls(argv[2]);
	if (argc == 2 && strcmp(argv[1], "sim") == 0)
		return run_sim();
	fprintf(stderr, "usage: sys_os calls TRACEFILE | sys_os sim\n");
	return 2;
}
