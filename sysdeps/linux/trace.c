// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system-call trace of the Linux system layer (ptm_debug_trace_syscalls).
 *
 * While a trace descriptor is set, every call that moves the break or
 * changes a mapping is written to it as one line in the syntax strace 6
 * prints with "-a0" (a single space before '='), for example
 *
 *	mmap(NULL, 1052672, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f3a1c000000
 *	brk(0x55d0c8a42000) = 0x55d0c8a42000
 *	madvise(0x7f3a18021000, 8192, MADV_DONTNEED) = 0
 *
 * so that a test can compare the allocator's own account of its system
 * calls with the documents and with what the real strace sees.  Flag
 * names, their order and the spelling of unknown bits follow strace's
 * tables; the harness test "sysdeps/strace_agrees" checks each line
 * against strace itself.
 *
 * Nothing here allocates or uses stdio streams: each line is formatted
 * with snprintf into a buffer on the stack and written with one write(),
 * so the trace works inside the allocator, under its locks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

/* Where the trace goes; -1 while tracing is off. */
static int trace_fd = -1;

/* A line under construction. */
struct line {
	char buf[512];
	size_t len;
};

/*
 * A named value: a flag bit, or one value of an enumeration.  The names
 * here and in error_names[] are arrays, not pointers: pointers would make
 * the tables need about 80 relocations, whose entries took one more page
 * of the library's headers, resident in every process that loads it.
 */
struct name {
	unsigned int value;
	char name[24];
};

/* PROT_* bits, in strace's order. */
static const struct name prot_names[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" },
	{ 0x1000000, "PROT_GROWSDOWN" },
	{ 0x2000000, "PROT_GROWSUP" },
};

/* The mapping type, the low four bits of the mmap flags. */
#define MAP_TYPE_MASK 0xfu
static const struct name map_types[] = {
	{ 0x0, "MAP_FILE" },
	{ 0x1, "MAP_SHARED" },
	{ 0x2, "MAP_PRIVATE" },
	{ 0x3, "MAP_SHARED_VALIDATE" },
};

/* The other MAP_* bits, in strace's (not numeric) order, row by row. */
static const struct name map_flags[] = {
	{ 0x10, "MAP_FIXED" },	      { 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },	      { 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },   { 0x10000, "MAP_NONBLOCK" },
	{ 0x100, "MAP_GROWSDOWN" },   { 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
	{ 0x20000, "MAP_STACK" },     { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },      { 0x100000, "MAP_FIXED_NOREPLACE" },
};

/* The huge page size field of the mmap flags: bits 26..31, log2 size. */
#define MAP_HUGE_FIELD_SHIFT 26
#define MAP_HUGE_FIELD_MASK 0x3fu

/* MREMAP_* bits. */
static const struct name mremap_flags[] = {
	{ 0x1, "MREMAP_MAYMOVE" },
	{ 0x2, "MREMAP_FIXED" },
	{ 0x4, "MREMAP_DONTUNMAP" },
};

/* madvise() advice values. */
static const struct name madv_names[] = {
	{ 0, "MADV_NORMAL" },	       { 1, "MADV_RANDOM" },
	{ 2, "MADV_SEQUENTIAL" },      { 3, "MADV_WILLNEED" },
	{ 4, "MADV_DONTNEED" },	       { 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" },	       { 10, "MADV_DONTFORK" },
	{ 11, "MADV_DOFORK" },	       { 12, "MADV_MERGEABLE" },
	{ 13, "MADV_UNMERGEABLE" },    { 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" },     { 16, "MADV_DONTDUMP" },
	{ 17, "MADV_DODUMP" },	       { 18, "MADV_WIPEONFORK" },
	{ 19, "MADV_KEEPONFORK" },     { 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" },	       { 22, "MADV_POPULATE_READ" },
	{ 23, "MADV_POPULATE_WRITE" }, { 24, "MADV_DONTNEED_LOCKED" },
	{ 25, "MADV_COLLAPSE" },       { 100, "MADV_HWPOISON" },
	{ 101, "MADV_SOFT_OFFLINE" },
};

/*
 * The errors these six calls can report, with the text strerror() gives
 * in the C locale, which is what strace prints in parentheses.
 */
static const struct error_name {
	int err;
	char name[12];
	char text[40];
} error_names[] = {
	{ EPERM, "EPERM", "Operation not permitted" },
	{ EINTR, "EINTR", "Interrupted system call" },
	{ EBADF, "EBADF", "Bad file descriptor" },
	{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ EACCES, "EACCES", "Permission denied" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ EEXIST, "EEXIST", "File exists" },
	{ ENODEV, "ENODEV", "No such device" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENFILE, "ENFILE", "Too many open files in system" },
	{ EMFILE, "EMFILE", "Too many open files" },
	{ ETXTBSY, "ETXTBSY", "Text file busy" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ EOVERFLOW, "EOVERFLOW", "Value too large for defined data type" },
};

/* Set (or with a negative @fd, stop) the trace destination. */
void os_trace_to(int fd)
{
	__atomic_store_n(&trace_fd, fd < 0 ? -1 : fd, __ATOMIC_RELEASE);
}

/* The trace descriptor, or -1 when tracing is off. */
static int trace_target(void)
{
	return __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
}

/* Append printf-style text, silently truncating at the buffer's end. */
static pt_printf_like(2, 3) void line_add(struct line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->buf) - l->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n < room ? (size_t)n : room - 1;
}

/* Append an address as strace prints a pointer: NULL or 0x hex. */
static void line_addr(struct line *l, const void *p)
{
	if (p == NULL)
		line_add(l, "NULL");
	else
		line_add(l, "%#lx", (unsigned long)(uintptr_t)p);
}

/*
 * Append the names of the bits of *@bits found in @names (in table
 * order, each after a '|' unless *@first), and clear them from *@bits.
 */
static void line_bits(struct line *l, unsigned int *bits,
		      const struct name *names, size_t count, bool *first)
{
	for (size_t i = 0; i < count; i++) {
		if ((*bits & names[i].value) != names[i].value)
			continue;
		line_add(l, "%s%s", *first ? "" : "|", names[i].name);
		*bits &= ~names[i].value;
		*first = false;
	}
}

/*
 * Append a bit set as strace does: @zero for an empty set, else the known
 * names, then the unknown rest in hex; a set of unknown bits only reads
 * "0x10 / * PREFIX_??? * /" (without the spaces).
 */
static void line_bitset(struct line *l, unsigned int bits,
			const struct name *names, size_t count,
			const char *zero, const char *prefix)
{
	bool first = true;

	if (bits == 0) {
		line_add(l, "%s", zero);
		return;
	}
	line_bits(l, &bits, names, count, &first);
	if (bits != 0 && first)
		line_add(l, "%#x /* %s_??? */", bits, prefix);
	else if (bits != 0)
		line_add(l, "|%#x", bits);
}

/* Append mmap flags: the mapping type, the flag bits, the huge size. */
static void line_map_flags(struct line *l, unsigned int flags)
{
	unsigned int type = flags & MAP_TYPE_MASK;
	unsigned int huge = (flags >> MAP_HUGE_FIELD_SHIFT) &
			    MAP_HUGE_FIELD_MASK;
	unsigned int rest = flags & ~MAP_TYPE_MASK &
			    ~(MAP_HUGE_FIELD_MASK << MAP_HUGE_FIELD_SHIFT);
	bool first = false;

	if (type < ARRAY_SIZE(map_types))
		line_add(l, "%s", map_types[type].name);
	else
		line_add(l, "%#x /* MAP_??? */", type);
	line_bits(l, &rest, map_flags, ARRAY_SIZE(map_flags), &first);
	if (rest != 0)
		line_add(l, "|%#x", rest);
	if (huge != 0)
		line_add(l, "|%u<<MAP_HUGE_SHIFT", huge);
}

/* Append a madvise advice: its name, or hex with a "MADV_???" note. */
static void line_advice(struct line *l, int advice)
{
	for (size_t i = 0; i < ARRAY_SIZE(madv_names); i++) {
		if (madv_names[i].value == (unsigned int)advice) {
			line_add(l, "%s", madv_names[i].name);
			return;
		}
	}
	line_add(l, "%#x /* MADV_??? */", (unsigned int)advice);
}

/* Append the failure result: " = -1 ENOMEM (Cannot allocate memory)". */
static void line_error(struct line *l, int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_names); i++) {
		if (error_names[i].err == err) {
			line_add(l, " = -1 %s (%s)", error_names[i].name,
				 error_names[i].text);
			return;
		}
	}
	line_add(l, " = -1 errno %d", err);
}

/* Append the result of a call returning an address or MAP_FAILED. */
static void line_result_addr(struct line *l, const void *result, int err)
{
	if (result == MAP_FAILED)
		line_error(l, err);
	else
		line_add(l, " = %#lx", (unsigned long)(uintptr_t)result);
}

/* Append the result of a call returning 0 or -1. */
static void line_result_int(struct line *l, int result, int err)
{
	if (result == -1)
		line_error(l, err);
	else
		line_add(l, " = %d", result);
}

/* End the line and write it in one piece, leaving errno untouched. */
static void line_write(struct line *l, int fd)
{
	int saved = errno;

	if (l->len > sizeof(l->buf) - 2)
		l->len = sizeof(l->buf) - 2;
	l->buf[l->len++] = '\n';
	os_write_fd(fd, l->buf, l->len);
	errno = saved;
}

/*
 * Trace a brk() call: the break asked for, and the break the kernel
 * returned (the new one, or the unchanged old one on failure).
 */
void trace_brk(const void *requested, const void *result)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "brk(");
	line_addr(&l, requested);
	line_add(&l, ") = %#lx", (unsigned long)(uintptr_t)result);
	line_write(&l, fd);
}

/* Trace an mmap() of anonymous memory (fd -1, offset 0). */
void trace_mmap(const void *addr, size_t len, int prot, int flags,
		const void *result, int err)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "mmap(");
	line_addr(&l, addr);
	line_add(&l, ", %zu, ", len);
	line_bitset(&l, (unsigned int)prot, prot_names, ARRAY_SIZE(prot_names),
		    "PROT_NONE", "PROT");
	line_add(&l, ", ");
	line_map_flags(&l, (unsigned int)flags);
	line_add(&l, ", -1, 0)");
	line_result_addr(&l, result, err);
	line_write(&l, fd);
}

/* Trace a munmap(). */
void trace_munmap(const void *addr, size_t len, int result, int err)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "munmap(");
	line_addr(&l, addr);
	line_add(&l, ", %zu)", len);
	line_result_int(&l, result, err);
	line_write(&l, fd);
}

/* Trace an mremap() without MREMAP_FIXED (so without a fifth argument). */
void trace_mremap(const void *old, size_t old_len, size_t new_len, int flags,
		  const void *result, int err)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "mremap(");
	line_addr(&l, old);
	line_add(&l, ", %zu, %zu, ", old_len, new_len);
	line_bitset(&l, (unsigned int)flags, mremap_flags,
		    ARRAY_SIZE(mremap_flags), "0", "MREMAP");
	line_add(&l, ")");
	line_result_addr(&l, result, err);
	line_write(&l, fd);
}

/* Trace an mprotect(). */
void trace_mprotect(const void *addr, size_t len, int prot, int result, int err)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "mprotect(");
	line_addr(&l, addr);
	line_add(&l, ", %zu, ", len);
	line_bitset(&l, (unsigned int)prot, prot_names, ARRAY_SIZE(prot_names),
		    "PROT_NONE", "PROT");
	line_add(&l, ")");
	line_result_int(&l, result, err);
	line_write(&l, fd);
}

/* Trace an madvise(). */
void trace_madvise(const void *addr, size_t len, int advice, int result,
		   int err)
{
	int fd = trace_target();
	struct line l = { .len = 0 };

	if (fd < 0)
		return;
	line_add(&l, "madvise(");
	line_addr(&l, addr);
	line_add(&l, ", %zu, ", len);
	line_advice(&l, advice);
	line_add(&l, ")");
	line_result_int(&l, result, err);
	line_write(&l, fd);
}
