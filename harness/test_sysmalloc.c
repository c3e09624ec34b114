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
#include <string.h>

#include "programs/exp_run.h"

/* Run "sysmalloc_edge @args"; its output, after checking it exited 0. */
static void run_edge(const char *args, struct exp_result *res)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "sysmalloc_edge %s", args);
	exp_run(cmd, false, res);
	cr_assert(res->ok, "%s: wait status %d", cmd, res->status);
}

/* The value of @key, failing the test when it is missing. */
static long fig(const struct exp_result *res, const char *key)
{
	long long v;

	if (!exp_key(res->out, key, &v))
		cr_fatal("figure %s missing", key);
	return (long)v;
}

#define expect_fig(res, key, want) \
	cr_expect(eq(long, fig(res, key), (long)(want)), "%s", key)

/* Every ".check" figure is 0 and the foreign area was never written. */
static void expect_clean(const struct exp_result *res)
{
	cr_expect(eq(ptr, (void *)exp_key_text(res->out, "foreign.clobbered"),
		     NULL),
		  "the foreign sbrk area was overwritten");
	for (const char *l = res->out; l != NULL && *l != '\0';) {
		const char *sp = strchr(l, ' ');

		if (sp != NULL && sp - l > 6 &&
		    strncmp(sp - 6, ".check", 6) == 0)
			cr_expect(eq(long, strtol(sp + 1, NULL, 10), 0), "%.*s",
				  (int)(sp - l), l);
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
}

Test(sysmalloc, foreign_sbrk_page)
{
	struct exp_result f;

	run_edge("foreign 4096", &f);
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
	expect_clean(&f);
	exp_result_free(&f);
}

Test(sysmalloc, foreign_sbrk_misaligned)
{
	struct exp_result f;

	/* A foreign break end that is not even 16-byte aligned. */
	run_edge("foreign 4097", &f);
	expect_fig(&f, "b.null", 1);
	expect_fig(&f, "b.brk", 0x43000);
	expect_fig(&f, "b.arena", 274432);
	expect_fig(&f, "b.uordblks", 5152);
	expect_fig(&f, "b.keepcost", 135152);
	expect_fig(&f, "c.off", 1024);
	expect_fig(&f, "trim.brk", 0x23000);
	expect_fig(&f, "trim.keepcost", 4080);
	expect_fig(&f, "trim.check", 0);
	expect_clean(&f);
	exp_result_free(&f);
}

Test(sysmalloc, brk_blocked_falls_back_to_mmap)
{
	struct exp_result f;

	run_edge("blocked", &f);
	expect_fig(&f, "wall", 1);
	/*
	 * brk fails, so 1 MiB (the 0x52000 the heap wanted plus the old
	 * top, rounded up to whole MMAP_AS_MORECORE_SIZE units as glibc
	 * 2.36 does) is mapped and becomes top; the old top
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
	expect_clean(&f);
	exp_result_free(&f);
}
