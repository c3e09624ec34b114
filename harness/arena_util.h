/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of the arena and thread suites (test_arena.c, test_thread.c):
 *
 *   - worker threads that run one job at a time on request, so that a
 *     test decides exactly which thread allocates what and when;
 *   - the library's system-call trace captured in a memory file, and a
 *     cursor that matches it line by line, with a model of new_heap()'s
 *     aligned reservation that predicts every line from the addresses
 *     the kernel chose;
 *   - malloc_stats() and malloc_info() captured as text, mallinfo2()
 *     asserted field by field.
 *
 * Header only (static inline), like harness.h.  The sub-heap layout
 * constants restate arena/arena.h for x86_64 so that a change of the
 * layout shows up as a failing figure rather than silently.
 */
#ifndef PTM_ARENA_UTIL_H
#define PTM_ARENA_UTIL_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ptmalloc.h"

/* HEAP_MAX_SIZE: every sub-heap is this big and aligned to it. */
#define SUB_HEAP ((uintptr_t)64 << 20)
/* sizeof(struct heap_info), glibc 2.17 layout (2.36 adds a field: 48). */
#define HEAP_INFO_SIZE 32
/* sizeof(struct malloc_state) on x86_64 (the same in glibc 2.36). */
#define ARENA_STATE_SIZE 2200
/*
 * The first chunk of an arena's first sub-heap: after the header and
 * the arena (2232 bytes), moved up by 8 so that its user pointer is
 * 16-byte aligned.
 */
#define FIRST_CHUNK 2240
/* The NON_MAIN_ARENA bit of a size word. */
#define NON_MAIN 4
/* The access a sub-heap's usable part gets, as the trace spells it. */
#define RW "PROT_READ|PROT_WRITE"
/* The flags of a sub-heap reservation, as the trace spells them. */
#define RESERVE "PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0"

/* The sub-heap holding the non-main user pointer @p. */
static inline uintptr_t heap_of(const void *p)
{
	return (uintptr_t)p & ~(SUB_HEAP - 1);
}

/* Word @i of the sub-heap header at @h: ar_ptr, prev, size, mprotect_size. */
static inline uintptr_t heap_word(uintptr_t h, int i)
{
	return ((const uintptr_t *)h)[i];
}

/* ---- text ------------------------------------------------------------- */

/* Text accumulated for a comparison. */
struct text {
	char buf[32768];
	size_t len;
};

/* Append printf-style text to @t. */
static inline __attribute__((format(printf, 2, 3))) void
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

/* Read the whole file behind @fd (from offset 0) into @t. */
static inline void text_read_fd(struct text *t, int fd)
{
	ssize_t n;

	t->len = 0;
	while ((n = pread(fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len,
			  (off_t)t->len)) > 0)
		t->len += (size_t)n;
	cr_assert(n == 0, "read: %s", strerror(errno));
	cr_assert(lt(sz, t->len, sizeof(t->buf) - 1), "text buffer too small");
	t->buf[t->len] = '\0';
}

/* How many times @needle occurs in @t. */
static inline int text_count(const struct text *t, const char *needle)
{
	int n = 0;

	for (const char *s = t->buf; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* ---- worker threads --------------------------------------------------- */

/**
 * struct worker - a thread that runs jobs one at a time for the test.
 * @tid: the thread.
 * @go: posted by the test when @job is set (NULL: exit).
 * @done: posted by the thread when @job has returned.
 * @job: the function to run next, with @arg; its result goes to @ret.
 */
struct worker {
	pthread_t tid;
	sem_t go;
	sem_t done;
	void *(*job)(void *);
	void *arg;
	void *ret;
};

/* Wait for @s, again after a signal. */
static inline void sem_wait_intr(sem_t *s)
{
	while (sem_wait(s) != 0)
		cr_assert(eq(int, errno, EINTR));
}

/* The body of a worker: run jobs until a NULL one arrives. */
static inline void *worker_loop(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		while (sem_wait(&w->go) != 0)
			;
		if (w->job == NULL)
			return NULL;
		w->ret = w->job(w->arg);
		sem_post(&w->done);
	}
}

/* Start @w; it makes no allocation until given a job. */
static inline void worker_start(struct worker *w)
{
	cr_assert(eq(int, sem_init(&w->go, 0, 0), 0));
	cr_assert(eq(int, sem_init(&w->done, 0, 0), 0));
	cr_assert(eq(int, pthread_create(&w->tid, NULL, worker_loop, w), 0));
}

/* Run @job(@arg) on @w and return its result. */
static inline void *worker_call(struct worker *w, void *(*job)(void *),
				void *arg)
{
	w->job = job;
	w->arg = arg;
	sem_post(&w->go);
	sem_wait_intr(&w->done);
	return w->ret;
}

/* Make @w exit (running the library's thread-exit cleanup) and join it. */
static inline void worker_stop(struct worker *w)
{
	w->job = NULL;
	sem_post(&w->go);
	cr_assert(eq(int, pthread_join(w->tid, NULL), 0));
	sem_destroy(&w->go);
	sem_destroy(&w->done);
}

static inline void *job_malloc(void *n)
{
	return ptm_malloc((size_t)(uintptr_t)n);
}

static inline void *job_free(void *p)
{
	ptm_free(p);
	return NULL;
}

/* ptm_malloc(@n) on the worker @w. */
static inline void *wmalloc(struct worker *w, size_t n)
{
	return worker_call(w, job_malloc, (void *)(uintptr_t)n);
}

/* ptm_free(@p) on the worker @w. */
static inline void wfree(struct worker *w, void *p)
{
	worker_call(w, job_free, p);
}

/* ---- the system-call trace -------------------------------------------- */

/* The memory file the trace goes to while a capture is running. */
static int trace_fd = -1;

/*
 * Start capturing the library's system-call trace.  Threads may write
 * lines at the same time: O_APPEND makes each write() land whole at the
 * end (a memfd does not serialise a shared file offset otherwise).
 */
static inline void trace_begin(void)
{
	trace_fd = memfd_create("ptm-trace", 0);
	cr_assert(trace_fd >= 0, "memfd_create: %s", strerror(errno));
	cr_assert(eq(int, fcntl(trace_fd, F_SETFL, O_APPEND), 0));
	ptm_debug_trace_syscalls(trace_fd);
}

/* Stop capturing and return what was traced in @t. */
static inline void trace_end(struct text *t)
{
	ptm_debug_trace_syscalls(-1);
	text_read_fd(t, trace_fd);
	close(trace_fd);
	trace_fd = -1;
}

/* A position in a trace, for matching it line by line. */
struct cursor {
	const char *pos;
};

/* Copy the next line of @c (without its newline) into @line. */
static inline void cursor_take(struct cursor *c, char *line, size_t size)
{
	const char *end = strchr(c->pos, '\n');
	size_t n;

	cr_assert(ne(ptr, (void *)end, NULL),
		  "the trace ended early; expected another line");
	n = (size_t)(end - c->pos);
	cr_assert(lt(sz, n, size));
	memcpy(line, c->pos, n);
	line[n] = '\0';
	c->pos = end + 1;
}

/* The next line of @c must be exactly the printf-style @fmt. */
static inline __attribute__((format(printf, 2, 3))) void
expect_line(struct cursor *c, const char *fmt, ...)
{
	char want[256], got[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	cursor_take(c, got, sizeof(got));
	cr_assert(eq(str, got, want));
}

/*
 * The next line of @c must be the printf-style @fmt followed by an
 * address and nothing else (a call's result chosen by the kernel);
 * returns that address.
 */
static inline __attribute__((format(printf, 2, 3))) uintptr_t
expect_result(struct cursor *c, const char *fmt, ...)
{
	char want[256], got[256], tail[32];
	unsigned long v = 0;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	cursor_take(c, got, sizeof(got));
	n = strlen(want);
	cr_assert(eq(int, strncmp(got, want, n), 0),
		  "got \"%s\", want \"%s...\"", got, want);
	cr_assert(eq(int, sscanf(got + n, "%lx", &v), 1), "%s", got);
	snprintf(tail, sizeof(tail), "%#lx", v);
	cr_assert(eq(str, got + n, tail), "%s", got);
	return (uintptr_t)v;
}

/* Nothing may follow in @c. */
static inline void expect_end(const struct cursor *c)
{
	cr_assert(eq(str, (char *)c->pos, ""), "unexpected trace lines");
}

/*
 * What the test knows of heap.c's aligned_heap_area: the address after
 * a reservation that happened to be aligned, tried first next time.
 */
struct resv_model {
	uintptr_t hint;
};

/*
 * The lines of one new_heap() in @c: the HEAP_MAX_SIZE-aligned
 * reservation (the remembered address first, if any; else twice the
 * size, trimmed to alignment), then @rw bytes made read-write.  Every
 * line is asserted exactly; returns the new sub-heap.
 */
static inline uintptr_t expect_new_heap(struct resv_model *m, struct cursor *c,
					size_t rw)
{
	uintptr_t x, h, ul;

	if (m->hint != 0) {
		x = expect_result(c, "mmap(%#lx, 67108864, " RESERVE ") = ",
				  (unsigned long)m->hint);
		m->hint = 0;
		if ((x & (SUB_HEAP - 1)) == 0) {
			h = x;
			goto rw;
		}
		expect_line(c, "munmap(%#lx, 67108864) = 0", (unsigned long)x);
	}
	x = expect_result(c, "mmap(NULL, 134217728, " RESERVE ") = ");
	h = (x + SUB_HEAP - 1) & ~(SUB_HEAP - 1);
	ul = h - x;
	if (ul != 0)
		expect_line(c, "munmap(%#lx, %lu) = 0", (unsigned long)x,
			    (unsigned long)ul);
	else
		m->hint = h + SUB_HEAP;
	expect_line(c, "munmap(%#lx, %lu) = 0", (unsigned long)(h + SUB_HEAP),
		    (unsigned long)(SUB_HEAP - ul));
rw:
	expect_line(c, "mprotect(%#lx, %zu, " RW ") = 0", (unsigned long)h, rw);
	return h;
}

/* The line of deleting the whole sub-heap @h (heap_trim). */
static inline void expect_delete_heap(struct resv_model *m, struct cursor *c,
				      uintptr_t h)
{
	expect_line(c, "munmap(%#lx, 67108864) = 0", (unsigned long)h);
	if (m->hint == h + SUB_HEAP)
		m->hint = 0;
}

/* ---- statistics ------------------------------------------------------- */

/* Run ptm_malloc_stats() with its stderr output captured into @t. */
static inline void stats_capture(struct text *t)
{
	int fd = memfd_create("ptm-stats", 0);
	int saved = dup(STDERR_FILENO);

	cr_assert(fd >= 0 && saved >= 0);
	fflush(stderr);
	cr_assert(eq(int, dup2(fd, STDERR_FILENO), STDERR_FILENO));
	ptm_malloc_stats();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	text_read_fd(t, fd);
	close(fd);
}

/* Run ptm_malloc_info(0, ...) into @t. */
static inline void info_capture(struct text *t)
{
	int fd = memfd_create("ptm-info", 0);
	FILE *fp;

	cr_assert(fd >= 0);
	fp = fdopen(dup(fd), "w");
	cr_assert(ne(ptr, fp, NULL));
	cr_assert(eq(int, ptm_malloc_info(0, fp), 0));
	cr_assert(eq(int, fclose(fp), 0));
	text_read_fd(t, fd);
	close(fd);
}

/*
 * The malloc_stats() text for @n arenas of @sys system and @used in-use
 * bytes each, @mmapped bytes in mapped chunks now, and the mmap
 * high-water marks.
 */
static inline void want_stats(struct text *w, int n, const size_t sys[],
			      const size_t used[], size_t mmapped,
			      unsigned int max_regions, size_t max_bytes)
{
	size_t tsys = mmapped, tused = mmapped;

	for (int i = 0; i < n; i++) {
		text_add(w,
			 "Arena %d:\nsystem bytes     = %10zu\n"
			 "in use bytes     = %10zu\n",
			 i, sys[i], used[i]);
		tsys += sys[i];
		tused += used[i];
	}
	text_add(w,
		 "Total (incl. mmap):\nsystem bytes     = %10zu\n"
		 "in use bytes     = %10zu\nmax mmap regions = %10u\n"
		 "max mmap bytes   = %10zu\n",
		 tsys, tused, max_regions, max_bytes);
}

/* malloc_stats() must print exactly what want_stats() describes. */
static inline void assert_stats(int n, const size_t sys[], const size_t used[],
				size_t mmapped, unsigned int max_regions,
				size_t max_bytes)
{
	static struct text got, want;

	got.len = want.len = 0;
	stats_capture(&got);
	want_stats(&want, n, sys, used, mmapped, max_regions, max_bytes);
	cr_assert(eq(str, got.buf, want.buf));
}

/**
 * struct heap_xml - the figures of one <heap> element of malloc_info().
 * @sizes: its <size>/<unsorted> lines, each ending in a newline.
 * @nfast: fast-bin chunks.
 * @fast: their bytes.
 * @nrest: top plus the chunks in the other bins.
 * @rest: their bytes (raw size words of binned chunks).
 * @sys: system_mem.
 * @max: max_system_mem.
 * @aspace: address space (non-main: the sub-heaps' sizes).
 * @mprotect: the read-write part of it.
 * @subheaps: number of sub-heaps; negative for the main arena, which
 *	prints no such line.
 */
struct heap_xml {
	const char *sizes;
	size_t nfast, fast, nrest, rest, sys, max, aspace, mprotect;
	int subheaps;
};

/* The malloc_info() text of @n heaps and @nmmap chunks of @mmapped bytes. */
static inline void want_info(struct text *w, int n, const struct heap_xml h[],
			     int nmmap, size_t mmapped)
{
	struct heap_xml t = { .sizes = NULL };

	text_add(w, "<malloc version=\"1\">\n");
	for (int i = 0; i < n; i++) {
		text_add(w, "<heap nr=\"%d\">\n<sizes>\n%s</sizes>\n", i,
			 h[i].sizes != NULL ? h[i].sizes : "");
		text_add(w,
			 "<total type=\"fast\" count=\"%zu\" size=\"%zu\"/>\n"
			 "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
			 "<system type=\"current\" size=\"%zu\"/>\n"
			 "<system type=\"max\" size=\"%zu\"/>\n"
			 "<aspace type=\"total\" size=\"%zu\"/>\n"
			 "<aspace type=\"mprotect\" size=\"%zu\"/>\n",
			 h[i].nfast, h[i].fast, h[i].nrest, h[i].rest, h[i].sys,
			 h[i].max, h[i].aspace, h[i].mprotect);
		if (h[i].subheaps >= 0)
			text_add(w, "<aspace type=\"subheaps\" size=\"%d\"/>\n",
				 h[i].subheaps);
		text_add(w, "</heap>\n");
		t.nfast += h[i].nfast;
		t.fast += h[i].fast;
		t.nrest += h[i].nrest;
		t.rest += h[i].rest;
		t.sys += h[i].sys;
		t.max += h[i].max;
		t.aspace += h[i].aspace;
		t.mprotect += h[i].mprotect;
	}
	text_add(w,
		 "<total type=\"fast\" count=\"%zu\" size=\"%zu\"/>\n"
		 "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
		 "<total type=\"mmap\" count=\"%d\" size=\"%zu\"/>\n"
		 "<system type=\"current\" size=\"%zu\"/>\n"
		 "<system type=\"max\" size=\"%zu\"/>\n"
		 "<aspace type=\"total\" size=\"%zu\"/>\n"
		 "<aspace type=\"mprotect\" size=\"%zu\"/>\n</malloc>\n",
		 t.nfast, t.fast, t.nrest, t.rest, nmmap, mmapped, t.sys, t.max,
		 t.aspace, t.mprotect);
}

/* malloc_info() must print exactly what want_info() describes. */
static inline void assert_info(int n, const struct heap_xml h[], int nmmap,
			       size_t mmapped)
{
	static struct text got, want;

	got.len = want.len = 0;
	info_capture(&got);
	want_info(&want, n, h, nmmap, mmapped);
	cr_assert(eq(str, got.buf, want.buf));
}

#define ARENA_MI_FIELD(got, want, f, when) \
	cr_expect(eq(sz, (got).f, (want).f), "%s: mallinfo2." #f, (when))

/* Every field of ptm_mallinfo2() must equal @want. */
static inline void assert_mallinfo2(const char *when, struct mallinfo2 want)
{
	struct mallinfo2 got = ptm_mallinfo2();

	ARENA_MI_FIELD(got, want, arena, when);
	ARENA_MI_FIELD(got, want, ordblks, when);
	ARENA_MI_FIELD(got, want, smblks, when);
	ARENA_MI_FIELD(got, want, hblks, when);
	ARENA_MI_FIELD(got, want, hblkhd, when);
	ARENA_MI_FIELD(got, want, usmblks, when);
	ARENA_MI_FIELD(got, want, fsmblks, when);
	ARENA_MI_FIELD(got, want, uordblks, when);
	ARENA_MI_FIELD(got, want, fordblks, when);
	ARENA_MI_FIELD(got, want, keepcost, when);
	if (memcmp(&got, &want, sizeof(got)) != 0)
		cr_fatal("%s: mallinfo2 differs", when);
}

#endif /* PTM_ARENA_UTIL_H */
