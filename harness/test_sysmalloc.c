// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Heap growth when the break is shared or blocked (sysmalloc's foreign
 * sbrk and mmap fallback paths), on the real break in a helper program
 * (harness/programs/sysmalloc_edge.c).
 *
 * The foreign-sbrk figures were checked against the host's glibc 2.36
 * with tcache off running the same calls: they are glibc's figures less
 * its 656-byte tcache header chunk.  That includes glibc's quirk that
 * malloc(200000) right after the foreign sbrk fails: adopting the new
 * space frees the old top, that free trims the new top back to top_pad,
 * and what is left is too small for the request.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KEYS 64

/**
 * struct figures - the "KEY VALUE" lines a helper program printed.
 * @n: number of lines.
 * @key: their keys.
 * @value: their values.
 */
struct figures {
	int n;
	char key[MAX_KEYS][32];
	long value[MAX_KEYS];
};

/* Run sysmalloc_edge with @a1 and @a2 (may be NULL) and parse its output. */
static void run_edge(const char *a1, const char *a2, struct figures *f)
{
	char path[512];
	char cmd[600];
	FILE *out;
	int status;

	snprintf(path, sizeof(path), "%s/sysmalloc_edge", PTM_PROGRAMS_DIR);
	snprintf(cmd, sizeof(cmd), "%s %s %s", path, a1, a2 ? a2 : "");
	out = popen(cmd, "r");
	cr_assert(ne(ptr, out, NULL));
	f->n = 0;
	while (f->n < MAX_KEYS &&
	       fscanf(out, "%31s %ld", f->key[f->n], &f->value[f->n]) == 2)
		f->n++;
	status = pclose(out);
	cr_assert(eq(int, status, 0), "%s exited with status %d", cmd, status);
}

/* The value of @key, failing the test when it is missing. */
static long fig(const struct figures *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->value[i];
	cr_fatal("figure %s missing", key);
	return 0;
}

#define expect_fig(f, key, want) \
	cr_expect(eq(long, fig(f, key), (long)(want)), "%s", key)

Test(sysmalloc, foreign_sbrk_page)
{
	struct figures f;

	run_edge("foreign", "4096", &f);
	expect_fig(&f, "a.brk", 0x21000);
	expect_fig(&f, "a.arena", 135168);
	/* The quirk described at the top of this file. */
	expect_fig(&f, "b.null", 1);
	expect_fig(&f, "b.brk", 0x43000);
	expect_fig(&f, "b.arena", 274432);
	expect_fig(&f, "b.ordblks", 2);
	expect_fig(&f, "b.uordblks", 5136);
	expect_fig(&f, "b.fordblks", 269296);
	expect_fig(&f, "b.keepcost", 135168);
	expect_fig(&f, "c.off", 1024);
	expect_fig(&f, "c.uordblks", 10144);
	expect_fig(&f, "free.uordblks", 4128);
	expect_fig(&f, "free.keepcost", 135168);
	expect_fig(&f, "trim", 1);
	expect_fig(&f, "trim.brk", 0x23000);
	expect_fig(&f, "trim.arena", 143360);
	expect_fig(&f, "trim.keepcost", 4096);
	for (int i = 0; i < f.n; i++) {
		cr_expect(strcmp(f.key[i], "foreign.clobbered") != 0,
			  "the foreign sbrk area was overwritten");
		if (strstr(f.key[i], ".check"))
			cr_expect(eq(long, f.value[i], 0), "%s", f.key[i]);
	}
}

Test(sysmalloc, foreign_sbrk_misaligned)
{
	struct figures f;

	/* A foreign break end that is not even 16-byte aligned. */
	run_edge("foreign", "4097", &f);
	expect_fig(&f, "b.null", 1);
	expect_fig(&f, "b.brk", 0x43000);
	expect_fig(&f, "b.arena", 274432);
	expect_fig(&f, "b.uordblks", 5152);
	expect_fig(&f, "b.keepcost", 135152);
	expect_fig(&f, "c.off", 1024);
	expect_fig(&f, "trim.brk", 0x23000);
	expect_fig(&f, "trim.keepcost", 4080);
	expect_fig(&f, "trim.check", 0);
}

Test(sysmalloc, brk_blocked_falls_back_to_mmap)
{
	struct figures f;

	run_edge("blocked", NULL, &f);
	expect_fig(&f, "wall", 1);
	/*
	 * brk fails, so 1 MiB (MMAP_AS_MORECORE_SIZE, more than the
	 * 0x52000 the heap wanted) is mapped and becomes top; the old top
	 * (134160 bytes) is closed with two 16-byte fenceposts and freed.
	 */
	expect_fig(&f, "b.in_heap", 0);
	expect_fig(&f, "b.page_off", 16);
	expect_fig(&f, "b.brk", 0x21000);
	expect_fig(&f, "b.arena", 135168 + 1048576);
	expect_fig(&f, "b.ordblks", 2);
	expect_fig(&f, "b.uordblks", 1008 + 200016 + 32);
	expect_fig(&f, "b.fordblks", 134128 + 848560);
	expect_fig(&f, "b.keepcost", 1048576 - 200016);
	expect_fig(&f, "b.check", 0);
	/* A small request is carved from the old top, back on the heap. */
	expect_fig(&f, "c.off", 1024);
	expect_fig(&f, "c.check", 0);
	expect_fig(&f, "free.arena", 1183744);
	expect_fig(&f, "free.uordblks", 32);
	expect_fig(&f, "free.check", 0);
}
