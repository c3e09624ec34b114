// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mtrace (malloc/mtrace.c) in the corners the program-based suite
 * (test_mtrace.c) does not reach, traced in the test process itself:
 *
 *  - a hook pointer read while tracing and called after ptm_muntrace()
 *    (what an entry point does when another thread stops tracing between
 *    its read of the hook and the call): the call is served untraced, by
 *    the allocator or by the hooks that were there before tracing;
 *  - a caller in no loaded object (code in an anonymous mapping, as a
 *    JIT's): "@ [0xADDR]" as glibc prints it;
 *  - fork while tracing: the child can trace (its lock was reset), and
 *    its lines land in the same file between the parent's.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptmalloc.h"

#if defined(PTM_COVERAGE) && defined(__GNUC__) && !defined(__clang__)
#include <gcov.h>
#define MT_GCOV_DUMP() __gcov_dump()
#else
#define MT_GCOV_DUMP() ((void)0)
#endif

static char trace_path[64];
static char trace[8192];

static void remove_trace(void)
{
	if (trace_path[0] != '\0')
		unlink(trace_path);
}

TestSuite(mtrace_corners, .fini = remove_trace);

/* Trace to a fresh temporary file. */
static void start_trace(void)
{
	int fd;

	snprintf(trace_path, sizeof(trace_path), "/tmp/ptm-mtrace-XXXXXX");
	fd = mkstemp(trace_path);
	cr_assert(ge(int, fd, 0), "mkstemp: %s", strerror(errno));
	close(fd);
	cr_assert(eq(int, setenv("MALLOC_TRACE", trace_path, 1), 0));
	ptm_mtrace();
}

/* The whole trace file into trace[]. */
static void read_trace(void)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(trace_path, O_RDONLY);

	cr_assert(ge(int, fd, 0));
	while ((n = read(fd, trace + len, sizeof(trace) - 1 - len)) > 0)
		len += (size_t)n;
	trace[len] = '\0';
	close(fd);
}

/*
 * The trace with each line's caller ("@ OBJECT:[0xOFFSET] ") removed,
 * into @out; every event line must have one.
 */
static void strip_callers(char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *l = trace; *l != '\0';) {
		const char *nl = strchr(l, '\n');
		const char *ev = l;

		cr_assert(ne(ptr, (void *)nl, NULL), "unterminated line %s", l);
		if (l[0] == '@') {
			ev = strstr(l, "] ");
			cr_assert(ne(ptr, (void *)ev, NULL), "line %s", l);
			ev += 2;
		}
		len += (size_t)snprintf(out + len, cap - len, "%.*s",
					(int)(nl + 1 - ev), ev);
		l = nl + 1;
	}
}

/* ---- hook pointers called after ptm_muntrace() -------------------------- */

static void *(*stale_malloc)(size_t, const void *);
static void (*stale_free)(void *, const void *);
static void *(*stale_realloc)(void *, size_t, const void *);
static void *(*stale_memalign)(size_t, size_t, const void *);

/* Trace, keep the tracer's hooks, stop tracing. */
static void keep_tracer_hooks(void)
{
	start_trace();
	stale_malloc = ptm_malloc_hook;
	stale_free = ptm_free_hook;
	stale_realloc = ptm_realloc_hook;
	stale_memalign = ptm_memalign_hook;
	cr_assert(ne(ptr, (void *)stale_malloc, NULL), "tracing did not start");
	ptm_muntrace();
}

/*
 * With no hooks before tracing, a stale tracer hook allocates through
 * the entry point itself, and logs nothing: the file holds the start
 * and end marks only.
 */
Test(mtrace_corners, stale_hooks_call_the_allocator)
{
	unsigned char *p, *q;

	keep_tracer_hooks();
	cr_assert(eq(ptr, (void *)ptm_malloc_hook, NULL));
	p = stale_malloc(100, NULL);
	cr_assert(ne(ptr, p, NULL));
	cr_expect(ge(sz, ptm_malloc_usable_size(p), 100));
	memset(p, 0x5a, 100);
	p = stale_realloc(p, 5000, NULL);
	cr_assert(ne(ptr, p, NULL));
	cr_expect(eq(u8, p[99], 0x5a));
	q = stale_memalign(4096, 10, NULL);
	cr_assert(ne(ptr, q, NULL));
	cr_expect(eq(u64, (uintptr_t)q % 4096, 0));
	stale_free(NULL, NULL);
	stale_free(p, NULL);
	stale_free(q, NULL);
	cr_expect(eq(sz, ptm_mallinfo2().uordblks, 0));
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
	read_trace();
	cr_expect(eq(str, trace, "= Start\n= End\n"));
}

/* Hooks installed before tracing: count, then call the allocator. */
static int counts[4];

static void *count_malloc(size_t n, const void *caller);
static void count_free(void *p, const void *caller);
static void *count_realloc(void *p, size_t n, const void *caller);
static void *count_memalign(size_t a, size_t n, const void *caller);

static void *count_malloc(size_t n, const void *caller)
{
	void *p;

	(void)caller;
	counts[0]++;
	ptm_malloc_hook = NULL;
	p = ptm_malloc(n);
	ptm_malloc_hook = count_malloc;
	return p;
}

static void count_free(void *p, const void *caller)
{
	(void)caller;
	counts[1]++;
	ptm_free_hook = NULL;
	ptm_free(p);
	ptm_free_hook = count_free;
}

static void *count_realloc(void *p, size_t n, const void *caller)
{
	(void)caller;
	counts[2]++;
	ptm_realloc_hook = NULL;
	p = ptm_realloc(p, n);
	ptm_realloc_hook = count_realloc;
	return p;
}

static void *count_memalign(size_t a, size_t n, const void *caller)
{
	void *p;

	(void)caller;
	counts[3]++;
	ptm_memalign_hook = NULL;
	p = ptm_memalign(a, n);
	ptm_memalign_hook = count_memalign;
	return p;
}

/*
 * With hooks before tracing, ptm_muntrace() puts them back, and a stale
 * tracer hook hands each call to them: each counts exactly its call.
 */
Test(mtrace_corners, stale_hooks_call_the_previous_hooks)
{
	void *p, *q;

	ptm_malloc_hook = count_malloc;
	ptm_free_hook = count_free;
	ptm_realloc_hook = count_realloc;
	ptm_memalign_hook = count_memalign;
	keep_tracer_hooks();
	cr_assert(eq(ptr, (void *)ptm_malloc_hook, (void *)count_malloc));
	p = stale_malloc(100, NULL);
	p = stale_realloc(p, 300, NULL);
	q = stale_memalign(64, 10, NULL);
	cr_assert(ne(ptr, p, NULL));
	cr_assert(ne(ptr, q, NULL));
	cr_expect(eq(u64, (uintptr_t)q % 64, 0));
	stale_free(p, NULL);
	stale_free(q, NULL);
	cr_expect(eq(int, counts[0], 1));
	cr_expect(eq(int, counts[1], 2));
	cr_expect(eq(int, counts[2], 1));
	cr_expect(eq(int, counts[3], 1));
	cr_expect(eq(sz, ptm_mallinfo2().uordblks, 0));
	read_trace();
	cr_expect(eq(str, trace, "= Start\n= End\n"));
}

/* ---- a caller in no object ---------------------------------------------- */

/* Offset of the return address of the call in the stub below. */
#define STUB_RETURN 16

/*
 * An anonymous executable page holding
 *	sub $8, %rsp; movabs $@fn, %rax; call *%rax; add $8, %rsp; ret
 * a function that forwards its first argument to @fn.
 */
static void *make_stub(void *fn)
{
	static const unsigned char head[] = {
		0x48, 0x83, 0xec, 0x08, 0x48, 0xb8
	};
	static const unsigned char tail[] = { 0xff, 0xd0, 0x48, 0x83,
					      0xc4, 0x08, 0xc3 };
	unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert(ne(ptr, (void *)page, MAP_FAILED));
	memcpy(page, head, sizeof(head));
	memcpy(page + sizeof(head), &fn, sizeof(fn));
	memcpy(page + sizeof(head) + sizeof(fn), tail, sizeof(tail));
	cr_assert(eq(int, mprotect(page, 4096, PROT_READ | PROT_EXEC), 0));
	return page;
}

/*
 * ptm_malloc and ptm_free called from such code: dladdr() knows no
 * object there, and the caller is printed bare, "@ [0xADDR] ".
 */
Test(mtrace_corners, caller_outside_any_object)
{
	void *(*call_malloc)(size_t) = make_stub((void *)ptm_malloc);
	void (*call_free)(void *) = make_stub((void *)ptm_free);
	char want[256];
	void *p;

	start_trace();
	p = call_malloc(100);
	call_free(p);
	ptm_muntrace();
	read_trace();
	snprintf(want, sizeof(want),
		 "= Start\n@ [%p] + %p 0x64\n@ [%p] - %p\n= End\n",
		 (void *)((char *)call_malloc + STUB_RETURN), p,
		 (void *)((char *)call_free + STUB_RETURN), p);
	cr_expect(eq(str, trace, want));
}

/* ---- fork while tracing ------------------------------------------------- */

/*
 * A child forked while tracing allocates and frees: its lines come
 * between the parent's (the file offset is shared), so its tracer lock,
 * held by the parent across fork(), was reset in the child.
 */
Test(mtrace_corners, fork_while_tracing)
{
	char want[512], got[512];
	void *p, *q = NULL;
	int fds[2], status;
	pid_t pid;

	start_trace();
	p = ptm_malloc(10);
	cr_assert(eq(int, pipe(fds), 0));
	pid = fork();
	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		ssize_t n;

		q = ptm_malloc(20);
		ptm_free(q);
		n = write(fds[1], &q, sizeof(q));
		MT_GCOV_DUMP();
		_exit(n == (ssize_t)sizeof(q) ? 0 : 1);
	}
	close(fds[1]);
	cr_assert(eq(sz, (size_t)read(fds[0], &q, sizeof(q)), sizeof(q)));
	close(fds[0]);
	cr_assert(eq(int, waitpid(pid, &status, 0), pid));
	cr_assert(eq(int, status, 0));
	ptm_free(p);
	ptm_muntrace();
	read_trace();
	strip_callers(got, sizeof(got));
	snprintf(want, sizeof(want),
		 "= Start\n+ %p 0xa\n+ %p 0x14\n- %p\n- %p\n= End\n", p, q, q,
		 p);
	cr_expect(eq(str, got, want));
}
