// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reporting heap corruption, as glibc 2.17's malloc_printerr() and
 * __libc_message() did, and glibc 2.17's failed-assertion report.
 *
 * The action (M_CHECK_ACTION, default 3) is a set of bits: 1 prints a
 * report, 2 aborts, 4 (with 1) shortens the report to the bare message.
 * The long report is
 *     *** Error in `PROG': MESSAGE: 0x<16 hex digits> ***
 * An aborting action that printed something then adds the backtrace and
 * the process's memory map (sysdeps/linux/fatal.c) before the abort.
 * The report is written with one write to standard error and nothing is
 * allocated on the way, since the heap is not to be trusted.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

/* Append @s to the buffer @buf of @cap bytes at *@len. */
static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (n > cap - *len)
		n = cap - *len;
	memcpy(buf + *len, s, n);
	*len += n;
}

/* Append @v as 2 * sizeof(uintptr_t) lower-case hex digits. */
static void append_hex(char *buf, size_t cap, size_t *len, uintptr_t v)
{
	char digits[2 * sizeof(uintptr_t) + 1];

	for (int i = 2 * sizeof(uintptr_t) - 1; i >= 0; i--) {
		digits[i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	}
	digits[2 * sizeof(uintptr_t)] = '\0';
	append(buf, cap, len, digits);
}

/* Append @v in decimal. */
static void append_dec(char *buf, size_t cap, size_t *len, unsigned int v)
{
	char digits[16];
	int i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	append(buf, cap, len, digits + i);
}

/*
 * The allocator of last resort.  backtrace() loads libgcc_s the first
 * time it runs, and the dynamic loader calls malloc.  Where this library
 * is the process's malloc (the drop-in libptmalloc.so) that call would
 * come back into the allocator while the failed operation still holds
 * an arena lock, and wait for it forever: the deadlock glibc 2.17 had
 * (BZ 16159).  So before the backtrace the hooks are pointed at these
 * functions, which carve blocks out of a 64 KiB buffer, or map a block
 * that does not fit there, and never free anything: the process aborts
 * right afterwards (a coverage build first writes its counters, which
 * allocates too).  In the static library the loader's malloc is
 * glibc's, and they are not called at all.
 *
 * The buffer is mapped when the hooks are pointed here, not kept in
 * .bss: a process that never reports carries none of it, and a 64 KiB
 * array there pushed the small variables linked after it onto a page of
 * their own, one more page resident in every process.  If that mapping
 * fails, every block is a mapping of its own.
 *
 * Each block is preceded by two words: EMERGENCY_MARK and its size.
 */
#define EMERGENCY_BYTES (64 * 1024)
#define EMERGENCY_MARK ((size_t)0x656d657267656e63)

static char *emergency_buf;
static size_t emergency_used;

/* Write the two header words of the block @mem of @bytes; @mem. */
static void *emergency_block(char *mem, size_t bytes)
{
	((size_t *)mem)[-2] = EMERGENCY_MARK;
	((size_t *)mem)[-1] = bytes;
	return mem;
}

/* A block that does not fit the buffer: a mapping of its own. */
static void *emergency_map(size_t align, size_t bytes)
{
	size_t len;
	uintptr_t m;

	if (bytes > SIZE_MAX / 4 || align > SIZE_MAX / 4) {
		errno = ENOMEM;
		return NULL;
	}
	len = bytes + align + 2 * sizeof(size_t);
	m = (uintptr_t)os_mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS);
	if (m == (uintptr_t)MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	m = (m + 2 * sizeof(size_t) + align - 1) & ~(uintptr_t)(align - 1);
	return emergency_block((char *)m, bytes);
}

/*
 * @bytes at an address that is a multiple of @align (a power of two);
 * the buffer itself is only MALLOC_ALIGNMENT-aligned.
 */
static void *emergency_alloc(size_t align, size_t bytes)
{
	size_t used = __atomic_load_n(&emergency_used, __ATOMIC_RELAXED);
	char *buf = __atomic_load_n(&emergency_buf, __ATOMIC_ACQUIRE);
	uintptr_t base = (uintptr_t)buf;
	size_t start;

	if (align < MALLOC_ALIGNMENT)
		align = MALLOC_ALIGNMENT;
	if (buf == NULL)
		return emergency_map(align, bytes);
	do {
		start = ((base + used + 2 * sizeof(size_t) + align - 1) &
			 ~(uintptr_t)(align - 1)) -
			base;
		if (align > EMERGENCY_BYTES || bytes > EMERGENCY_BYTES ||
		    start + bytes > EMERGENCY_BYTES)
			return emergency_map(align, bytes);
	} while (!__atomic_compare_exchange_n(
		&emergency_used, &used, start + bytes, false, __ATOMIC_RELAXED,
		__ATOMIC_RELAXED));
	return emergency_block(buf + start, bytes);
}

static void *emergency_malloc(size_t bytes, const void *caller)
{
	(void)caller;
	return emergency_alloc(MALLOC_ALIGNMENT, bytes);
}

static void emergency_free(void *mem, const void *caller)
{
	(void)mem;
	(void)caller;
}

/* realloc: a new block holding what fits of the old one. */
static void *emergency_realloc(void *mem, size_t bytes, const void *caller)
{
	struct malloc_chunk *p;
	size_t old;
	void *new;

	(void)caller;
	if (mem != NULL && bytes == 0)
		return NULL;
	new = emergency_alloc(MALLOC_ALIGNMENT, bytes);
	if (new == NULL || mem == NULL)
		return new;
	/*
	 * Only now: the header of a NULL block would be undefined pointer
	 * arithmetic (make check-ubsan).
	 */
	p = mem2chunk(mem);
	if (((size_t *)mem)[-2] == EMERGENCY_MARK)
		old = ((size_t *)mem)[-1];
	else
		old = chunk_size(p) -
		      (chunk_is_mmapped(p) ? CHUNK_HDR_SZ : SIZE_SZ);
	return memcpy(new, mem, old < bytes ? old : bytes);
}

static void *emergency_memalign(size_t align, size_t bytes, const void *caller)
{
	size_t a = MALLOC_ALIGNMENT;

	(void)caller;
	while (a < align && a != 0)
		a <<= 1;
	return emergency_alloc(a != 0 ? a : align, bytes);
}

/* Map the emergency buffer, once (another thread may be reporting too). */
static void emergency_map_buffer(void)
{
	char *none = NULL;
	void *m;

	if (__atomic_load_n(&emergency_buf, __ATOMIC_ACQUIRE) != NULL)
		return;
	m = os_mmap(NULL, EMERGENCY_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS);
	if (m == MAP_FAILED)
		return;
	if (!__atomic_compare_exchange_n(&emergency_buf, &none, (char *)m,
					 false, __ATOMIC_RELEASE,
					 __ATOMIC_ACQUIRE))
		os_munmap(m, EMERGENCY_BYTES);
}

/*
 * The backtrace and memory-map sections of an aborting report, with
 * every later allocation served by the emergency allocator.
 */
static void report_context(void)
{
	emergency_map_buffer();
	ptm_free_hook = emergency_free;
	ptm_realloc_hook = emergency_realloc;
	ptm_memalign_hook = emergency_memalign;
	ptm_malloc_hook = emergency_malloc;
	os_write_fatal_context();
}

/*
 * Report the corruption @str, found at @ptr, as @action says; return
 * only when the action does not abort.
 */
void malloc_printerr(int action, const char *str, void *ptr)
{
	int saved_errno = errno;
	char buf[512];
	size_t len = 0;

	if ((action & 5) == 5) {
		append(buf, sizeof(buf), &len, str);
		append(buf, sizeof(buf), &len, "\n");
	} else if (action & 1) {
		append(buf, sizeof(buf), &len, "*** Error in `");
		append(buf, sizeof(buf), &len,
		       os_program_name() ? os_program_name() : "<unknown>");
		append(buf, sizeof(buf), &len, "': ");
		append(buf, sizeof(buf), &len, str);
		append(buf, sizeof(buf), &len, ": 0x");
		append_hex(buf, sizeof(buf), &len, (uintptr_t)ptr);
		append(buf, sizeof(buf), &len, " ***\n");
	}
	if (len > 0)
		os_write_stderr(buf, len);
	if (action & 2) {
		if (len > 0)
			report_context();
		os_abort();
	}
	errno = saved_errno;
}

/*
 * A failed malloc_assert(): glibc 2.17's __malloc_assert() report
 *     PROG: FILE:LINE: FUNCTION: Assertion `EXPR' failed.
 * then abort, whatever M_CHECK_ACTION says.
 */
void malloc_assert_fail(const char *assertion, const char *file,
			unsigned int line, const char *function)
{
	const char *prog = os_program_short_name();
	char buf[1024];
	size_t len = 0;

	if (prog == NULL)
		prog = "";
	append(buf, sizeof(buf), &len, prog);
	append(buf, sizeof(buf), &len, prog[0] != '\0' ? ": " : "");
	append(buf, sizeof(buf), &len, file);
	append(buf, sizeof(buf), &len, ":");
	append_dec(buf, sizeof(buf), &len, line);
	append(buf, sizeof(buf), &len, ": ");
	append(buf, sizeof(buf), &len, function);
	append(buf, sizeof(buf), &len, ": Assertion `");
	append(buf, sizeof(buf), &len, assertion);
	append(buf, sizeof(buf), &len, "' failed.\n");
	os_write_stderr(buf, len);
	os_abort();
}
