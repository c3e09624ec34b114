/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The common frame of the experiment programs (harness/programs/exp_*.c).
 *
 * Each experiment program is one process that runs one experiment of
 * docs/experiments.md on a fresh allocator and prints what it measured
 * as "KEY VALUE" lines on standard output, for the table runner
 * (experiments.c) and the Criterion suite (test_experiments_real.c).
 *
 *	exp_NAME MODE [--trace FILE] [--map DIR]
 *
 * The rules that keep the figures exact:
 *   - nothing here allocates, and neither may the programs: no stdio
 *     streams, no glibc malloc.  glibc's malloc would put its own heap on
 *     the program break and make ours non-contiguous.  Output is
 *     formatted with snprintf into a static buffer and written with
 *     write(2) once the experiment is over (exp_finish());
 *   - the break is read with sbrk(0) (real break) or ptm_debug_brk()
 *     (simulated break); every break figure is a delta from the break
 *     read just before the experiment's first allocation (exp_begin());
 *   - exp_begin() and exp_end() write the markers "ptm-begin" and
 *     "ptm-end" to the invalid descriptor -1, so that a strace log can be
 *     cut to the system calls made between them, and with --trace FILE
 *     switch the allocator's own strace-syntax trace on and off around
 *     the same window;
 *   - with --map DIR, exp_map(NAME) writes the heap map (ptm_heap_map(),
 *     SVG) at the points the documents describe to DIR/NAME.svg, for the
 *     HTML report of `make experiments`.  The map allocates nothing, but
 *     a large heap's map maps a scratch table for a moment, so the
 *     figure runs never take maps: the report runs the programs again;
 *   - the startup check: "startup_brk_used" is how far the break had
 *     moved from the kernel's start_brk (/proc/self/stat field 47) when
 *     main() began, "glibc_arena" is glibc's own main-arena size at the
 *     end (mallinfo2()).  Both must read 0 for real-break programs
 *     ("simulated 0").  qemu-user's /proc/self/stat (a port's run, make
 *     check-ports) stops before field 47: there the break cannot be
 *     checked, "startup_brk_known" reads 0 and "startup_brk_used" 0.
 */
#ifndef PTM_EXP_UTIL_H
#define PTM_EXP_UTIL_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "ptmalloc.h"

/* Capacity of the simulated break of the in-process experiments. */
#define EXP_SIM_CAPACITY (1UL << 30)

/* The markers around the measured window, written to descriptor -1. */
#define EXP_MARK_BEGIN "ptm-begin"
#define EXP_MARK_END "ptm-end"

/**
 * struct exp_frame - the state of one experiment program.
 * @simulated: whether the allocator runs on a simulated break.
 * @trace_path: the file for the allocator's trace, or NULL.
 * @map_dir: the directory of exp_map()'s maps, or NULL.
 * @trace_fd: the open trace file while the window is open, else -1.
 * @brk0: the break just before the first allocation.
 * @out: the "KEY VALUE" lines not yet written.
 * @len: bytes used in @out.
 */
struct exp_frame {
	bool simulated;
	const char *trace_path;
	const char *map_dir;
	int trace_fd;
	char *brk0;
	char out[32768];
	size_t len;
};

static struct exp_frame exp_frame = { .trace_fd = -1 };

/* Write @s to standard error and end the program with status 2. */
static inline void exp_die(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;
	_exit(2);
}

/* Write all of @buf to @fd, without stdio. */
static inline void exp_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			exp_die("exp: write failed\n");
		buf += n;
		len -= (size_t)n;
	}
}

/* Append one "KEY VALUE" line whose value is already text. */
static inline void exp_put_text(const char *key, const char *value)
{
	size_t room = sizeof(exp_frame.out) - exp_frame.len;
	int n = snprintf(exp_frame.out + exp_frame.len, room, "%s %s\n", key,
			 value);

	if (n < 0 || (size_t)n >= room)
		exp_die("exp: output buffer full\n");
	exp_frame.len += (size_t)n;
}

/* Append "KEY VALUE" with a decimal value. */
static inline void exp_put(const char *key, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	exp_put_text(key, buf);
}

/* Append "PREFIXKEY VALUE" with a decimal value. */
static inline void exp_put2(const char *prefix, const char *key,
			    long long value)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%s", prefix, key);
	exp_put(name, value);
}

/* Append "KEY 0x..." for an address, spelled as strace spells it. */
static inline void exp_put_ptr(const char *key, const void *p)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%#lx", (unsigned long)(uintptr_t)p);
	exp_put_text(key, buf);
}

/* Append every field of a mallinfo2 as "PREFIXFIELD VALUE" lines. */
static inline void exp_put_mallinfo(const char *prefix, struct mallinfo2 m)
{
	exp_put2(prefix, "arena", (long long)m.arena);
	exp_put2(prefix, "ordblks", (long long)m.ordblks);
	exp_put2(prefix, "smblks", (long long)m.smblks);
	exp_put2(prefix, "hblks", (long long)m.hblks);
	exp_put2(prefix, "hblkhd", (long long)m.hblkhd);
	exp_put2(prefix, "usmblks", (long long)m.usmblks);
	exp_put2(prefix, "fsmblks", (long long)m.fsmblks);
	exp_put2(prefix, "uordblks", (long long)m.uordblks);
	exp_put2(prefix, "fordblks", (long long)m.fordblks);
	exp_put2(prefix, "keepcost", (long long)m.keepcost);
}

/* Read a small /proc file into @buf (NUL-terminated); its length. */
static inline size_t exp_read_proc(const char *path, char *buf, size_t cap)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		exp_die("exp: cannot open a /proc file\n");
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n < 0)
			exp_die("exp: cannot read a /proc file\n");
		if (n == 0 || len + (size_t)n >= cap - 1) {
			len += (size_t)(n > 0 ? n : 0);
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* /proc/self/statm: total program size and resident set, in pages. */
static inline void exp_statm(long *size, long *resident)
{
	char buf[256];
	char *end;

	exp_read_proc("/proc/self/statm", buf, sizeof(buf));
	*size = strtol(buf, &end, 10);
	*resident = strtol(end, NULL, 10);
}

/*
 * The kernel's start_brk, field 47 of /proc/self/stat, into *@brk; false
 * when the file has fewer fields (qemu-user writes 44).
 */
static inline bool exp_start_brk(uintptr_t *brk)
{
	char buf[2048];
	char *p;
	int field;

	exp_read_proc("/proc/self/stat", buf, sizeof(buf));
	p = strrchr(buf, ')');
	if (p == NULL)
		exp_die("exp: unexpected /proc/self/stat\n");
	/* The text after ") " starts with field 3. */
	p += 2;
	for (field = 3; field < 47; field++) {
		p = strchr(p, ' ');
		if (p == NULL || p[1] == '\0' || p[1] == '\n')
			return false;
		p++;
	}
	*brk = (uintptr_t)strtoull(p, NULL, 10);
	return true;
}

/* The break: the real one with sbrk(0), else the simulated one. */
static inline char *exp_brk(void)
{
	return exp_frame.simulated ? (char *)ptm_debug_brk() : (char *)sbrk(0);
}

/* How far the break is above where it was at exp_begin(). */
static inline long long exp_brk_delta(void)
{
	return (long long)(exp_brk() - exp_frame.brk0);
}

/*
 * Set the program up: pick up "--trace FILE", switch to a simulated
 * break when @simulated, and record the startup check.  Must run before
 * any allocation.
 */
static inline void exp_setup(int argc, char **argv, bool simulated)
{
	uintptr_t start = 0;
	char *now;
	bool known;

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--trace") == 0)
			exp_frame.trace_path = argv[i + 1];
		else if (strcmp(argv[i], "--map") == 0)
			exp_frame.map_dir = argv[i + 1];
	exp_frame.simulated = simulated;
	exp_put("simulated", simulated);
	/* The first sbrk() reads the kernel's break into glibc's cache. */
	now = sbrk(0);
	known = exp_start_brk(&start);
	exp_put("startup_brk_known", known);
	exp_put("startup_brk_used",
		known ? (long long)((uintptr_t)now - start) : 0);
	if (simulated && ptm_debug_simulate_brk(EXP_SIM_CAPACITY) != 0)
		exp_die("exp: ptm_debug_simulate_brk failed\n");
}

/* Open the measured window: read the break, start the trace, mark. */
static inline void exp_begin(void)
{
	ssize_t r;

	if (exp_frame.trace_path != NULL) {
		exp_frame.trace_fd =
			open(exp_frame.trace_path,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (exp_frame.trace_fd < 0)
			exp_die("exp: cannot open the trace file\n");
	}
	exp_frame.brk0 = exp_brk();
	exp_put_ptr("brk_start", exp_frame.brk0);
	if (exp_frame.trace_fd >= 0)
		ptm_debug_trace_syscalls(exp_frame.trace_fd);
	r = write(-1, EXP_MARK_BEGIN, sizeof(EXP_MARK_BEGIN) - 1);
	(void)r;
}

/* Close the measured window: mark, stop the trace. */
static inline void exp_end(void)
{
	ssize_t r = write(-1, EXP_MARK_END, sizeof(EXP_MARK_END) - 1);

	(void)r;
	if (exp_frame.trace_fd >= 0) {
		ptm_debug_trace_syscalls(-1);
		close(exp_frame.trace_fd);
		exp_frame.trace_fd = -1;
	}
}

/* With --map DIR, write the SVG heap map to DIR/@name.svg. */
static inline void exp_map(const char *name)
{
	char path[512];
	int fd;

	if (exp_frame.map_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s.svg", exp_frame.map_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ptm_heap_map(fd, PTM_HEAPMAP_SVG) != 0)
		exp_die("exp: cannot write a heap map\n");
	close(fd);
}

/* Record glibc's own heap size, write the output; main()'s status. */
static inline int exp_finish(void)
{
	exp_put("glibc_arena", (long long)mallinfo2().arena);
	exp_write_all(1, exp_frame.out, exp_frame.len);
	return 0;
}

/* The size word of the chunk of user pointer @p, flags included. */
static inline size_t exp_size_word(const void *p)
{
	return chunk_size_nomask(mem2chunk(p));
}

/* The usage line for an unknown mode; exits with status 2. */
static inline void exp_usage(const char *prog, const char *modes)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "usage: %s {%s} [--trace FILE] [--map DIR]\n", prog, modes);
	exp_die(buf);
}

#endif /* PTM_EXP_UTIL_H */
