// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The integrity checks against the host's glibc (2.36): every scenario
 * of harness/programs/corrupt_scenarios.c (the death tests of
 * test_integrity.c and test_integrity_malloc.c replayed through the
 * standard names, plus the same checks reached through other entry
 * points) runs twice, on glibc and with LD_PRELOAD=libptmalloc.so, both
 * with GLIBC_TUNABLES=glibc.malloc.tcache_count=0, and each run's
 * outcome is read from its standard error: the step (allocator call)
 * the program had started when it stopped, the MESSAGE of the report
 * (glibc 2.36 prints "MESSAGE", this allocator glibc 2.17's "*** Error
 * in `PROG': MESSAGE: 0x... ***" and its backtrace and memory map), and
 * SIGABRT or a normal exit.
 *
 *	same_*		glibc and this allocator agree: both runs must
 *			give the outcome in the test, exactly
 *	documented_*	a difference docs/debugging.md or docs/tunables.md
 *			describes: glibc's outcome and this allocator's
 *			documented one are asserted
 *	divergent_*	a difference nothing documents, found by this
 *			comparison: glibc's outcome is asserted on both
 *			sides, so these fail until the allocator is fixed
 *
 * With the heap walker (PTM_DEBUG >= 2, malloc/consistency.c), the
 * allocator's side may stop earlier, after an operation that left the
 * heap corrupt, with the walker's report instead (as harness/death.h
 * expects in the death tests).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dropin_run.h"
#include "ptmalloc.h"

#if defined(PTM_DEBUG) && PTM_DEBUG >= 2
#define GLIBC_CMP_WALKER true
#else
#define GLIBC_CMP_WALKER false
#endif

/* The tunables of every run: no per-thread cache on either side. */
#define NO_TCACHE "glibc.malloc.tcache_count=0"

/**
 * struct outcome - how one run of a scenario ended.
 * @status: its wait status.
 * @steps: the number of the last step started (0: none).
 * @call: that step's call ("malloc", "free", ...).
 * @done: the scenario ran to its end ("@done").
 * @walker: the heap walker reported (PTM_DEBUG >= 2 builds).
 * @rest: all of stderr after the last step's marker.
 * @line: the first line of @rest, without its newline.
 * @msg: the MESSAGE of @line: the line itself for glibc 2.36's form,
 *	the part between "': " and the last ": 0x" for glibc 2.17's.
 * @err: the whole of stderr (malloc'ed; outcome_free()).
 */
struct outcome {
	int status;
	int steps;
	char call[32];
	bool done;
	bool walker;
	const char *rest;
	char line[1024];
	char msg[1024];
	char *err;
};

/* Fill @o->msg from @o->line. */
static void outcome_message(struct outcome *o)
{
	static const char head[] = "*** Error in `";
	const char *s = o->line, *e = s + strlen(s), *q;

	if (strncmp(s, head, sizeof(head) - 1) == 0 &&
	    (q = strstr(s, "': ")) != NULL) {
		s = q + 3;
		for (q = e - 1; q > s && strncmp(q, ": 0x", 4) != 0; q--)
			;
		if (q > s)
			e = q;
	}
	snprintf(o->msg, sizeof(o->msg), "%.*s", (int)(e - s), s);
}

/* Read the markers and the report out of the stderr text @err. */
static void outcome_parse(struct outcome *o, char *err)
{
	o->err = err;
	o->rest = err;
	for (char *l = err; *l != '\0';) {
		char *nl = strchr(l, '\n');
		size_t len = nl != NULL ? (size_t)(nl - l) : strlen(l);

		cr_assert(strncmp(l, "@layout", 7) != 0,
			  "a layout the scenario needs did not hold: %.*s",
			  (int)len, l);
		if (strncmp(l, "@done", 5) == 0) {
			o->done = true;
		} else if (l[0] == '@') {
			cr_assert(eq(int,
				     sscanf(l, "@%d %31s", &o->steps, o->call),
				     2));
			o->rest = l + len + (nl != NULL);
			o->line[0] = '\0';
		} else if (o->line[0] == '\0') {
			snprintf(o->line, sizeof(o->line), "%.*s", (int)len, l);
		}
		if (strncmp(l, "ptm: heap check", 15) == 0)
			o->walker = true;
		l += len + (nl != NULL);
	}
	outcome_message(o);
}

/*
 * Run @scenario on glibc or, with @ptm, on this allocator, with
 * GLIBC_TUNABLES=@tunables; its outcome into @o (outcome_free() after).
 */
static void run_scenario(const char *scenario, bool ptm, const char *tunables,
			 struct outcome *o)
{
	char *argv[] = { (char *)dr_program("corrupt_scenarios"),
			 (char *)scenario, NULL };
	char env[256];
	char *extra[] = { env, NULL };
	struct dr_result r;

	memset(o, 0, sizeof(*o));
	snprintf(env, sizeof(env), "GLIBC_TUNABLES=%s", tunables);
	dr_run(argv, extra, NULL, ptm, &r);
	cr_assert(eq(str, r.out, ""), "%s printed on stdout", scenario);
	free(r.out);
	o->status = r.status;
	outcome_parse(o, r.err);
}

static void outcome_free(struct outcome *o)
{
	free(o->err);
	o->err = NULL;
}

/* Assert that @o stopped at step @step (@call) with SIGABRT. */
static void expect_abort_at(const struct outcome *o, const char *side, int step,
			    const char *call)
{
	cr_assert(eq(int,
		     WIFSIGNALED(o->status) && WTERMSIG(o->status) == SIGABRT,
		     1),
		  "%s: wait status %#x, stderr:\n%s", side, (unsigned)o->status,
		  o->err);
	cr_assert(eq(int, o->done, false), "%s: stderr:\n%s", side, o->err);
	cr_assert(eq(int, o->steps, step), "%s: stderr:\n%s", side, o->err);
	cr_assert(eq(str, (char *)o->call, (char *)call), "%s", side);
}

/* Assert that @o ran all its @steps steps and exited 0, silently. */
static void expect_done(const struct outcome *o, const char *side, int steps)
{
	cr_assert(eq(int, WIFEXITED(o->status) && WEXITSTATUS(o->status) == 0,
		     1),
		  "%s: wait status %#x, stderr:\n%s", side, (unsigned)o->status,
		  o->err);
	cr_assert(eq(int, o->done, true), "%s", side);
	cr_assert(eq(int, o->steps, steps), "%s", side);
	cr_assert(eq(str, (char *)o->rest, "@done\n"), "%s", side);
}

/* glibc 2.36: "MESSAGE\n" after the marker of step @step, then SIGABRT. */
static void expect_glibc_report(const struct outcome *o, int step,
				const char *call, const char *msg)
{
	char want[1024];

	expect_abort_at(o, "glibc", step, call);
	snprintf(want, sizeof(want), "%s\n", msg);
	cr_assert(eq(str, (char *)o->rest, want), "glibc");
}

/*
 * This allocator under M_CHECK_ACTION 3: glibc 2.17's long line for
 * @msg (PROG is the program's path, the pointer 16 hex digits) after
 * the marker of step @step, a backtrace and memory map, SIGABRT.
 */
static void expect_ptm_report(const struct outcome *o, int step,
			      const char *call, const char *msg)
{
	char head[1024];
	const char *hex;
	size_t n;

	if (GLIBC_CMP_WALKER && o->walker) {
		expect_abort_at(o, "ptm", o->steps, o->call);
		cr_assert(le(int, o->steps, step));
		return;
	}
	expect_abort_at(o, "ptm", step, call);
	cr_assert(eq(str, (char *)o->msg, (char *)msg), "ptm: stderr:\n%s",
		  o->err);
	n = (size_t)snprintf(head, sizeof(head), "*** Error in `%s': %s: 0x",
			     dr_program("corrupt_scenarios"), msg);
	cr_assert(eq(int, strncmp(o->line, head, n), 0),
		  "ptm: expected \"%s...\", got \"%s\"", head, o->line);
	hex = o->line + n;
	cr_assert(eq(sz, strspn(hex, "0123456789abcdef"), 16), "%s", o->line);
	cr_assert(eq(str, (char *)hex + 16, " ***"), "%s", o->line);
	cr_assert(ne(ptr, strstr(o->rest, "======= Memory map: ========\n"),
		     NULL));
}

/* This allocator's side of a scenario that ends without a report. */
static void expect_ptm_done(const struct outcome *o, int steps)
{
	if (GLIBC_CMP_WALKER && o->walker) {
		expect_abort_at(o, "ptm", o->steps, o->call);
		cr_assert(le(int, o->steps, steps));
		return;
	}
	expect_done(o, "ptm", steps);
}

/*
 * Scenario @name on both sides: a report of @msg at step @step (@call),
 * or, when @msg is NULL, a normal end after @step steps.
 */
static void expect_same(const char *name, int step, const char *call,
			const char *msg)
{
	struct outcome g, p;

	run_scenario(name, false, NO_TCACHE, &g);
	run_scenario(name, true, NO_TCACHE, &p);
	if (msg == NULL) {
		expect_done(&g, "glibc", step);
		expect_ptm_done(&p, step);
	} else {
		expect_glibc_report(&g, step, call, msg);
		expect_ptm_report(&p, step, call, msg);
	}
	outcome_free(&g);
	outcome_free(&p);
}

/* One test per scenario on which glibc and this allocator agree. */
#define SAME(name, step, call, msg)                  \
	Test(integrity_glibc, same_##name)           \
	{                                            \
		expect_same(#name, step, call, msg); \
	}

/* ---- free() ------------------------------------------------------------ */

SAME(free_invalid_pointer, 2, "free", "free(): invalid pointer")
SAME(free_invalid_size, 2, "free", "free(): invalid size")
SAME(free_invalid_next_size_fast, 2, "free", "free(): invalid next size (fast)")
SAME(double_free_fasttop, 3, "free", "double free or corruption (fasttop)")
SAME(invalid_fastbin_entry, 5, "realloc", "invalid fastbin entry (free)")
SAME(invalid_fastbin_entry_not_checked_by_free, 4, "free", NULL)
SAME(double_free_top, 3, "free", "double free or corruption (top)")
SAME(double_free_out, 3, "free", "double free or corruption (out)")
SAME(double_free_prev, 4, "free", "double free or corruption (!prev)")
SAME(free_invalid_next_size_normal, 3, "free",
     "free(): invalid next size (normal)")
SAME(corrupted_size_vs_prev_size_while_consolidating, 5, "free",
     "corrupted size vs. prev_size while consolidating")
SAME(corrupted_size_vs_prev_size, 5, "free", "corrupted size vs. prev_size")
SAME(corrupted_double_linked_list, 5, "free", "corrupted double-linked list")
SAME(corrupted_double_linked_list_not_small, 8, "free",
     "corrupted double-linked list (not small)")
SAME(free_corrupted_unsorted_chunks, 8, "free",
     "free(): corrupted unsorted chunks")

/* ---- realloc(), mapped chunks, statistics, the break ------------------- */

SAME(realloc_invalid_pointer, 2, "realloc", "realloc(): invalid pointer")
SAME(realloc_invalid_old_size, 2, "realloc", "realloc(): invalid old size")
SAME(realloc_invalid_next_size, 3, "realloc", "realloc(): invalid next size")
SAME(munmap_chunk_invalid_pointer, 2, "free", "munmap_chunk(): invalid pointer")
SAME(mremap_chunk_invalid_pointer, 2, "realloc",
     "mremap_chunk(): invalid pointer")
SAME(int_mallinfo_unaligned_fastbin_chunk, 5, "mallinfo2",
     "int_mallinfo(): unaligned fastbin chunk detected")
/* malloc_info() prints its first line before it looks at the arenas: the
 * stream's buffer is a large request, which consolidates first. */
SAME(malloc_info_unaligned_fastbin_chunk, 6, "malloc_info",
     "malloc_consolidate(): unaligned fastbin chunk detected")
SAME(malloc_info_unaligned_fastbin_chunk_own_buffer, 6, "malloc_info",
     "__malloc_info(): unaligned fastbin chunk detected")
SAME(break_adjusted, 3, "malloc", "break adjusted to free malloc space")
SAME(break_adjusted_always_action3, 4, "malloc",
     "break adjusted to free malloc space")

/* ---- malloc() ---------------------------------------------------------- */

SAME(malloc_memory_corruption_fast, 3, "malloc",
     "malloc(): memory corruption (fast)")
SAME(malloc_unaligned_fastbin_chunk_2, 6, "malloc",
     "malloc(): unaligned fastbin chunk detected 2")
SAME(malloc_unaligned_fastbin_chunk_multithreaded, 6, "malloc",
     "malloc(): unaligned fastbin chunk detected")
SAME(malloc_smallbin_double_linked_list_corrupted, 5, "malloc",
     "malloc(): smallbin double linked list corrupted")
SAME(malloc_invalid_next_size_unsorted, 4, "malloc",
     "malloc(): invalid next size (unsorted)")
SAME(malloc_mismatching_next_prev_size_unsorted, 4, "malloc",
     "malloc(): mismatching next->prev_size (unsorted)")
SAME(malloc_unsorted_double_linked_list_corrupted, 4, "malloc",
     "malloc(): unsorted double linked list corrupted")
SAME(malloc_invalid_next_prev_inuse_unsorted, 4, "malloc",
     "malloc(): invalid next->prev_inuse (unsorted)")
/* Under the default action the first of the two reports ends it. */
SAME(malloc_corrupted_unsorted_chunks_3, 7, "malloc",
     "malloc(): unsorted double linked list corrupted")
SAME(malloc_largebin_corrupted_nextsize, 9, "malloc",
     "malloc(): largebin double linked list corrupted (nextsize)")
SAME(malloc_largebin_corrupted_bk, 9, "malloc",
     "malloc(): largebin double linked list corrupted (bk)")
SAME(malloc_corrupted_unsorted_chunks, 10, "malloc",
     "malloc(): corrupted unsorted chunks")
SAME(malloc_corrupted_unsorted_chunks_2, 10, "malloc",
     "malloc(): corrupted unsorted chunks 2")
SAME(malloc_corrupted_top_size, 2, "malloc", "malloc(): corrupted top size")
SAME(malloc_consolidate_invalid_chunk_size, 3, "malloc",
     "malloc_consolidate(): invalid chunk size")
SAME(malloc_consolidate_unaligned_fastbin_chunk, 5, "malloc",
     "malloc_consolidate(): unaligned fastbin chunk detected")
SAME(corrupted_size_vs_prev_size_in_fastbins, 6, "malloc",
     "corrupted size vs. prev_size in fastbins")

/* ---- the same checks through other entry points ------------------------ */

SAME(extra_consolidate_by_mallopt, 3, "mallopt",
     "malloc_consolidate(): invalid chunk size")
SAME(extra_consolidate_by_malloc_trim, 3, "malloc_trim",
     "malloc_consolidate(): invalid chunk size")
SAME(extra_consolidate_by_large_free, 4, "free",
     "malloc_consolidate(): invalid chunk size")
SAME(extra_invalid_fastbin_entry_by_memalign, 4, "memalign",
     "invalid fastbin entry (free)")
SAME(extra_realloc_unlink_fd, 6, "realloc", "corrupted double-linked list")
SAME(extra_realloc_unlink_prev_size, 5, "realloc",
     "corrupted size vs. prev_size")
SAME(extra_calloc_corrupted_top_size, 2, "calloc",
     "malloc(): corrupted top size")
SAME(extra_malloc_stats_unaligned_fastbin_chunk, 5, "malloc_stats",
     "int_mallinfo(): unaligned fastbin chunk detected")
/* The second free finds the arena bit cleared by the first, and so takes
 * the chunk for one of the main arena's, past its top: "out". */
SAME(extra_thread_double_free_prev, 5, "free",
     "double free or corruption (out)")
SAME(extra_thread_corrupted_top_size, 3, "malloc",
     "malloc(): corrupted top size")
SAME(extra_thread_unsorted_double_linked_list, 5, "malloc",
     "malloc(): unsorted double linked list corrupted")

/*
 * glibc's tst-tcfree2 (make check-glibc, docs/glibc-tests.md): without the
 * per-thread cache neither glibc nor this allocator sees the second free
 * of a chunk deep in its fast bin, and the program goes on (41 calls);
 * with glibc's default cache both report it at the last call.
 */
SAME(extra_double_free_deep_in_bin, 41, "free", NULL)

Test(integrity_glibc, same_extra_double_free_deep_in_bin_cached)
{
	static const char msg[] = "free(): double free detected in tcache 2";
	struct outcome g, p;

	run_scenario("extra_double_free_deep_in_bin", false,
		     "glibc.malloc.tcache_count=7", &g);
	run_scenario("extra_double_free_deep_in_bin", true,
		     "glibc.malloc.tcache_count=7", &p);
	expect_glibc_report(&g, 41, "free", msg);
	expect_ptm_report(&p, 41, "free", msg);
	outcome_free(&g);
	outcome_free(&p);
}

/* ---- documented differences -------------------------------------------- */

/*
 * docs/debugging.md, section 1, "Assertions": a failed assertion is
 * reported in glibc 2.17's __malloc_assert format (glibc 2.36 prints
 * "Fatal glibc error: malloc assertion failure in FUNCTION: EXPR").
 * Same step, same abort.
 */
Test(integrity_glibc, documented_sysmalloc_assertion_format)
{
	static const char tail[] =
		": sysmalloc: Assertion `(av->top == initial_top(av) && "
		"old_size == 0) || (old_size >= MINSIZE && "
		"prev_inuse(av->top) && ((uintptr_t)av->top + old_size) % "
		"os_page_size() == 0)' failed.";
	static const char head[] = "corrupt_scenarios: malloc/sysmalloc.c:";
	struct outcome g, p;
	const char *digits;
	size_t len;

	run_scenario("sysmalloc_assertion", false, NO_TCACHE, &g);
	run_scenario("sysmalloc_assertion", true, NO_TCACHE, &p);
	expect_glibc_report(
		&g, 2, "malloc",
		"Fatal glibc error: malloc assertion failure in sysmalloc: "
		"(old_top == initial_top (av) && old_size == 0) || "
		"((unsigned long) (old_size) >= MINSIZE && prev_inuse (old_top)"
		" && ((unsigned long) old_end & (pagesize - 1)) == 0)");
	expect_abort_at(&p, "ptm", 2, "malloc");
	cr_assert(eq(int, strncmp(p.line, head, sizeof(head) - 1), 0), "got %s",
		  p.line);
	digits = p.line + sizeof(head) - 1;
	len = strspn(digits, "0123456789");
	cr_assert(gt(sz, len, 0));
	cr_assert(eq(str, (char *)digits + len, (char *)tail));
	outcome_free(&g);
	outcome_free(&p);
}

/*
 * Step @step (@call) of @name: glibc reports @glibc_msg, this
 * allocator @ptm_msg.
 */
static void expect_messages(const char *name, int step, const char *call,
			    const char *glibc_msg, const char *ptm_msg)
{
	struct outcome g, p;

	run_scenario(name, false, NO_TCACHE, &g);
	run_scenario(name, true, NO_TCACHE, &p);
	expect_glibc_report(&g, step, call, glibc_msg);
	expect_ptm_report(&p, step, call, ptm_msg);
	outcome_free(&g);
	outcome_free(&p);
}

/*
 * docs/debugging.md, section 2: "Where both versions detect the same
 * condition, 2.17's message is used (`malloc(): memory corruption`, not
 * 2.36's `malloc(): invalid size (unsorted)`)".
 */
Test(integrity_glibc, documented_unsorted_size_message)
{
	expect_messages("malloc_memory_corruption_unsorted_size", 4, "malloc",
			"malloc(): invalid size (unsorted)",
			"malloc(): memory corruption");
}

/*
 * docs/debugging.md, section 2, "Compared with the host's glibc 2.36":
 * the unsorted-bin size test is glibc 2.17's, on the raw size word
 * (flag bits included), where 2.36 masks the flags; a size word of 0x11
 * passes it, and the successor test (2.36's, which here reads the
 * chunk's own links 16 bytes on as the successor's size) reports.
 */
Test(integrity_glibc, documented_unsorted_size_raw_word)
{
	expect_messages("extra_unsorted_size_0x11", 4, "malloc",
			"malloc(): invalid size (unsorted)",
			"malloc(): invalid next size (unsorted)");
}

/*
 * docs/tunables.md, safe_linking: glibc 2.32 and later always
 * safe-link the fast bins; here they are safe-linked exactly when the
 * per-thread cache is on, unless glibc.malloc.safe_linking says
 * otherwise.  A plain pointer forged into a fast-bin link is caught by
 * glibc (it reveals misaligned) and followed here; with safe_linking=1
 * this allocator catches it at the same step with the same message.
 */
Test(integrity_glibc, documented_plain_fast_link_without_safe_linking)
{
	static const char name[] = "extra_plain_pointer_over_fast_link";
	static const char *msg = "malloc(): unaligned fastbin chunk detected 2";
	struct outcome g, p, s;

	run_scenario(name, false, NO_TCACHE, &g);
	run_scenario(name, true, NO_TCACHE, &p);
	run_scenario(name, true, NO_TCACHE ":glibc.malloc.safe_linking=1", &s);
	expect_glibc_report(&g, 7, "malloc", msg);
	expect_ptm_done(&p, 7);
	expect_ptm_report(&s, 7, "malloc", msg);
	outcome_free(&g);
	outcome_free(&p);
	outcome_free(&s);
}

/* ---- undocumented differences: these fail until the allocator is fixed - */

/*
 * glibc's assertions (on in its builds, 2.17 and 2.36 alike) that a
 * corrupted heap can reach: this allocator must abort at the same step
 * with an assertion report in glibc 2.17's format (docs/debugging.md,
 * "Assertions"): "corrupt_scenarios: malloc/FILE.c:LINE: FUNCTION:
 * Assertion `EXPR' failed."
 */
static void expect_assertion(const char *name, int step, const char *call,
			     const char *glibc_line)
{
	static const char head[] = "corrupt_scenarios: malloc/";
	struct outcome g, p;
	size_t n;

	run_scenario(name, false, NO_TCACHE, &g);
	run_scenario(name, true, NO_TCACHE, &p);
	expect_glibc_report(&g, step, call, glibc_line);
	expect_abort_at(&p, "ptm", step, call);
	n = strlen(p.line);
	cr_assert(eq(int, strncmp(p.line, head, sizeof(head) - 1), 0),
		  "ptm: not an assertion report: %s", p.err);
	cr_assert(ne(ptr, strstr(p.line, ": Assertion `"), NULL), "%s", p.line);
	cr_assert(ge(sz, n, 9));
	cr_assert(eq(str, p.line + n - 9, "' failed."), "%s", p.line);
	outcome_free(&g);
	outcome_free(&p);
}

/* _int_malloc's binmap search: the chunk it splits holds the request. */
Test(integrity_glibc, divergent_binmap_chunk_too_small)
{
	expect_assertion("extra_binmap_chunk_too_small", 5, "malloc",
			 "Fatal glibc error: malloc assertion failure in "
			 "_int_malloc: (unsigned long) (size) >= "
			 "(unsigned long) (nb)");
}

/* _int_malloc's large-bin insertion: no chunk carries the arena bit. */
Test(integrity_glibc, divergent_largebin_non_main_arena_bit)
{
	expect_assertion("extra_largebin_non_main_arena_bit", 9, "malloc",
			 "Fatal glibc error: malloc assertion failure in "
			 "_int_malloc: chunk_main_arena (bck->bk)");
}

/* calloc: the chunk it clears has at least three words. */
Test(integrity_glibc, divergent_calloc_chunk_too_small)
{
	expect_assertion("extra_calloc_chunk_too_small", 5, "calloc",
			 "Fatal glibc error: malloc assertion failure in "
			 "__libc_calloc: nclears >= 3");
}

/* _int_memalign: what is kept after the leader still holds the request. */
Test(integrity_glibc, divergent_memalign_chunk_too_small)
{
	expect_assertion("extra_memalign_chunk_too_small", 7, "memalign",
			 "Fatal glibc error: malloc assertion failure in "
			 "_int_memalign: newsize >= nb && (((unsigned long) "
			 "(chunk2mem (p))) % alignment) == 0");
}

/*
 * The fast path's check of the new head is glibc's multi-threaded one
 * (REMOVE_FB): it applies once a second thread exists (SINGLE_THREAD_P
 * false), whether or not that thread ever allocated.
 */
Test(integrity_glibc, divergent_unaligned_fastbin_chunk_thread_without_malloc)
{
	expect_messages("extra_unaligned_fastbin_chunk_thread_without_malloc",
			6, "malloc",
			"malloc(): unaligned fastbin chunk detected",
			"malloc(): unaligned fastbin chunk detected");
}
