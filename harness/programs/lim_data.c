// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lim_data: the main arena when the program break cannot grow, on the
 * real break, for harness/test_limits.c.
 *
 *	lim_data rlimit		RLIMIT_DATA
 *	lim_data foreign	another sbrk() between allocations
 *
 * rlimit, in three phases of malloc(100 KiB) + memset:
 *   A. The soft RLIMIT_DATA is set to the process's data memory as the
 *	kernel counts it (VmData: since Linux 4.7 every private writable
 *	mapping, the break included) plus 0x6c000, so the break can grow
 *	twice (+0x3a000, +0x6c000, as in E-4.3.4) and four blocks fit; the
 *	fifth needs +0x9e000 and brk fails.  The 1 MiB mmap fallback is
 *	refused by the same limit: NULL with ENOMEM, and the heap stays
 *	consistent and usable (a malloc(1000) is still served from top).
 *   B. The soft limit is lowered to 0.  brk keeps failing, but Linux
 *	lets mmap through up to the hard limit when the soft one is 0 (an
 *	exception made for valgrind), so the arena goes on in 1 MiB
 *	mappings: 40 more blocks, ten per mapping, none inside the break,
 *	the arena non-contiguous from then on.  Everything is checked and
 *	freed; malloc_trim then gives pages back with madvise only: the
 *	break no longer ends the arena, so it is not lowered.
 *   C. The limit is lifted: the break grows again, and a block that no
 *	free chunk in the mappings can hold (400 KiB, with M_MMAP_MAX 0)
 *	lies on it.
 * foreign: after one malloc(1000), the program moves the break itself
 *	by 4096 bytes and fills that page; 20 x malloc(50000) follow.  No
 *	block may overlap the foreign page, the heap must continue above
 *	it, and the page must keep its contents.
 *
 * Keys (rlimit): a_ok (blocks before the failure), a_null, a_errno,
 * a_brk, a_small_ok, a_check; b_ok, b_in_break, b_brk, b_arena, b_check,
 * b_intact, b_free_arena, b_free_check, b_trim_ret, b_trim_arena,
 * b_trim_brk; c_ok, c_in_break, c_check.  (foreign):
 * overlaps, above, clobbered, check, intact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ptmalloc.h"

#define BLOCK (100 * 1024)
#define NB 64

static char *base;
static char *blocks[NB];

/* Print one "KEY VALUE" line without stdio's buffers. */
static void put(const char *key, long value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %ld\n", key, value);

	if (write(1, line, (size_t)n) != n)
		_exit(3);
}

/*
 * The process's data memory as the kernel counts it against
 * RLIMIT_DATA (VmData of /proc/self/status: private writable mappings,
 * the break's included), in bytes.
 */
static long data_vm_bytes(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long kib;
	char *p;

	if (n <= 0)
		_exit(4);
	close(fd);
	buf[n] = '\0';
	p = strstr(buf, "\nVmData:");
	if (p == NULL || sscanf(p + 8, "%ld", &kib) != 1)
		_exit(4);
	return kib * 1024;
}

/* Set the soft RLIMIT_DATA, keeping the hard one. */
static void set_data_limit(rlim_t soft)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_DATA, &rl) != 0)
		_exit(4);
	rl.rlim_cur = soft;
	if (setrlimit(RLIMIT_DATA, &rl) != 0)
		_exit(4);
}

/* Block @i: allocate and fill with its own byte; NULL on failure. */
static char *fill(int i, size_t bytes)
{
	blocks[i] = ptm_malloc(bytes);
	if (blocks[i] != NULL)
		memset(blocks[i], i + 1, bytes);
	return blocks[i];
}

/* Whether blocks @from..@to-1 still hold their bytes. */
static long intact(int from, int to, size_t bytes)
{
	for (int i = from; i < to; i++)
		for (size_t j = 0; j < bytes; j += 512)
			if (blocks[i][j] != (char)(i + 1))
				return 0;
	return 1;
}

/* Whether @p lies between the start of the heap and the break. */
static bool in_break(const char *p)
{
	return p >= base && p < (char *)sbrk(0);
}

/* Phase A: brk and the mmap fallback both refused. */
static int phase_a(void)
{
	int n = 0;
	char *small;

	set_data_limit((rlim_t)data_vm_bytes() + 0x6c000);
	while (n < 10 && fill(n, BLOCK) != NULL)
		n++;
	put("a_ok", n);
	put("a_null", blocks[n] == NULL);
	put("a_errno", errno);
	put("a_brk", (char *)sbrk(0) - base);
	small = ptm_malloc(1000);
	put("a_small_ok", small != NULL && in_break(small));
	put("a_check", ptm_debug_check_heap());
	return n;
}

/* Phase B: brk refused, mmap allowed: 40 blocks in mapped memory. */
static void phase_b(int first)
{
	int n = first, in = 0;

	set_data_limit(0);
	while (n < first + 40 && fill(n, BLOCK) != NULL)
		in += in_break(blocks[n++]);
	put("b_ok", n - first);
	put("b_in_break", in);
	put("b_brk", (char *)sbrk(0) - base);
	put("b_arena", (long)ptm_mallinfo2().arena);
	put("b_check", ptm_debug_check_heap());
	put("b_intact", intact(0, n, BLOCK));
	for (int i = 0; i < n; i++)
		ptm_free(blocks[i]);
	put("b_free_arena", (long)ptm_mallinfo2().arena);
	put("b_free_check", ptm_debug_check_heap());
	/* Pages go back by madvise; the break is not the arena's end. */
	put("b_trim_ret", ptm_malloc_trim(0));
	put("b_trim_arena", (long)ptm_mallinfo2().arena);
	put("b_trim_brk", (char *)sbrk(0) - base);
}

/* Phase C: the limit lifted, the break grows again. */
static void phase_c(void)
{
	char *p;

	set_data_limit(RLIM_INFINITY);
	/* Too big for any free chunk in the mappings, and not mmapped. */
	ptm_mallopt(M_MMAP_MAX, 0);
	p = ptm_malloc(4 * BLOCK);
	put("c_ok", p != NULL);
	put("c_in_break", p != NULL && in_break(p));
	put("c_check", ptm_debug_check_heap());
}

/* A foreign sbrk between allocations. */
static void foreign(void)
{
	char *f, *end;
	long overlaps = 0, above = 0;

	ptm_mallopt(M_MMAP_MAX, 0);
	fill(0, 1000);
	f = sbrk(4096);
	memset(f, 0x5a, 4096);
	end = f + 4096;
	for (int i = 1; i <= 20; i++) {
		if (fill(i, 50000) == NULL)
			_exit(5);
		overlaps += blocks[i] < end && blocks[i] + 50000 > f;
		above += blocks[i] >= end;
	}
	put("overlaps", overlaps);
	put("above", above);
	put("clobbered",
	    memchr(f, 0, 4096) != NULL || memcmp(f, f + 1, 4095) != 0);
	put("check", ptm_debug_check_heap());
	put("intact", intact(1, 21, 50000));
	for (int i = 0; i <= 20; i++)
		ptm_free(blocks[i]);
	put("free_check", ptm_debug_check_heap());
}

int main(int argc, char **argv)
{
	base = sbrk(0);
	if (argc == 2 && strcmp(argv[1], "rlimit") == 0) {
		int n = phase_a();

		phase_b(n);
		phase_c();
	} else if (argc == 2 && strcmp(argv[1], "foreign") == 0) {
		foreign();
	} else {
		return 2;
	}
	return 0;
}
