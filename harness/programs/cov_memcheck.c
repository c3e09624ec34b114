// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cov_memcheck: what memcheck must see of blocks that realloc moves or
 * resizes (harness/test_memcheck_realloc.c).
 *
 *	valgrind --leak-check=full cov_memcheck
 *
 * Unlike the vg_* programs it links the library the build instruments
 * (a coverage build counts the allocator's valgrind-only code here), so
 * its test asserts the errors and nothing about memcheck's heap totals,
 * which the coverage runtime's own allocations would change.
 *
 * Three errors, each in a function of its own so that its stack names
 * it, and nothing else:
 *   - a 600-byte block of which only the first 300 bytes were written
 *     is moved by realloc to 3000 bytes: the written bytes stay defined,
 *     byte 450 stays undefined ("Conditional jump ..." in
 *     branch_on_copied), and so is byte 2000 of the new tail
 *     (branch_on_tail);
 *   - the block shrunk in place to 500 bytes: reading byte 510 is
 *     "Invalid read of size 1" 10 bytes after a block of size 500
 *     (read_past_shrunk).
 * A 200000-byte mapped block grown by realloc to 900000 (mremap) keeps
 * its contents defined.  It prints "p ADDR" (the shrunk block) and
 * "sum N" (the sum of every defined byte it read back).
 */
#include <stdio.h>
#include <unistd.h>

#include "ptmalloc.h"

static volatile int sink;

/* Print one line with write(2). */
static void say(const char *fmt, unsigned long v)
{
	char line[64];
	int n = snprintf(line, sizeof(line), fmt, v);

	if (write(1, line, (size_t)n) != n)
		_exit(2);
}

__attribute__((noinline)) static void branch_on_copied(const unsigned char *p)
{
	if (p[450] == 42)
		sink++;
}

__attribute__((noinline)) static void branch_on_tail(const unsigned char *p)
{
	if (p[2000] == 42)
		sink++;
}

__attribute__((noinline)) static void read_past_shrunk(const unsigned char *p)
{
	sink += p[510];
}

/* Sum of bytes [0, @n) of @p, branching on each (all must be defined). */
static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long s = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			s += p[i];
	return s;
}

int main(void)
{
	unsigned char *a, *guard, *b;
	unsigned long total = 0;

	a = ptm_malloc(600);
	guard = ptm_malloc(40);
	if (a == NULL || guard == NULL)
		return 1;
	for (int i = 0; i < 300; i++)
		a[i] = (unsigned char)(i + 1);
	a = ptm_realloc(a, 3000);
	if (a == NULL)
		return 1;
	total += sum(a, 300);
	branch_on_copied(a);
	branch_on_tail(a);
	a = ptm_realloc(a, 500);
	say("p %#lx\n", (unsigned long)a);
	read_past_shrunk(a);

	b = ptm_malloc(200000);
	if (b == NULL)
		return 1;
	for (int i = 0; i < 200000; i++)
		b[i] = (unsigned char)(i % 251 + 1);
	b = ptm_realloc(b, 900000);
	if (b == NULL)
		return 1;
	total += sum(b, 200000);
	say("sum %lu\n", total);
	ptm_free(b);
	ptm_free(a);
	ptm_free(guard);
	return 0;
}
