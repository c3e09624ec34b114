// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Safe-linking of the fast-bin and per-thread cache links (glibc 2.32),
 * an option here: glibc.malloc.safe_linking=1 turns it on, =0 off, and
 * unset it follows the cache (on with glibc.malloc.tcache_count > 0, as
 * in glibc's default configuration; off in the glibc 2.17 default).
 *
 * What is pinned:
 *   - the stored words: a fast bin's link is (address of the field >> 12)
 *     XOR the next chunk, its end that shifted address, when on; the
 *     plain pointer and 0 when off;
 *   - placement does not change: the differential sequences give the same
 *     records as the host glibc with safe-linking switched either way;
 *   - a link overwritten with a plain pointer is caught with glibc's
 *     messages (on a page where the revealed pointer is misaligned, as
 *     it is 15 times in 16).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ptmalloc.h"
#include "death.h"
#include "integrity.h"

#define SL_ON "glibc.malloc.safe_linking=1"
#define SL_OFF "glibc.malloc.safe_linking=0"

/* The word safe-linking stores at @pos for the link @ptr. */
static size_t protected_word(const void *pos, size_t ptr)
{
	return ((uintptr_t)pos >> 12) ^ ptr;
}

/* Free two 24-byte blocks into one fast bin: @b's link leads to @a. */
static void two_fast_chunks(void **a, void **b)
{
	*a = ptm_malloc(24);
	*b = ptm_malloc(24);
	cr_assert(ne(ptr, *a, NULL));
	cr_assert(ne(ptr, *b, NULL));
	ptm_free(*a);
	ptm_free(*b);
}

Test(safe_linking, off_by_default_links_are_plain)
{
	void *a, *b;

	unsetenv("GLIBC_TUNABLES");
	ptm_debug_simulate_brk(1UL << 30);
	two_fast_chunks(&a, &b);
	cr_expect(eq(sz, ptm_debug_tunable("safe_linking"), 0));
	cr_expect(eq(sz, W(b, 0), chunk_of(a)));
	cr_expect(eq(sz, W(a, 0), 0));
}

Test(safe_linking, on_fast_bin_links_are_protected)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", SL_ON, 1);
	ptm_debug_simulate_brk(1UL << 30);
	two_fast_chunks(&a, &b);
	cr_expect(eq(sz, ptm_debug_tunable("safe_linking"), 1));
	cr_expect(eq(sz, W(b, 0), protected_word(b, chunk_of(a))));
	cr_expect(eq(sz, W(a, 0), protected_word(a, 0)));
	/* And they read back: the same blocks come out, newest first. */
	cr_expect(eq(ptr, ptm_malloc(24), b));
	cr_expect(eq(ptr, ptm_malloc(24), a));
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
}

Test(safe_linking, follows_the_cache_when_unset)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=1", 1);
	ptm_debug_simulate_brk(1UL << 30);
	two_fast_chunks(&a, &b);
	cr_expect(eq(sz, ptm_debug_tunable("safe_linking"), 1));
	/* a went to the cache (count 1), b to its fast bin, alone. */
	cr_expect(eq(sz, W(b, 0), protected_word(b, 0)));
	cr_expect(eq(sz, W(a, 0), protected_word(a, 0)));
}

Test(safe_linking, cache_links_plain_when_off)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7:" SL_OFF, 1);
	ptm_debug_simulate_brk(1UL << 30);
	two_fast_chunks(&a, &b);
	cr_expect(eq(sz, ptm_debug_tunable("safe_linking"), 0));
	/* Both cached: b's link is a's user pointer, a ends the list. */
	cr_expect(eq(sz, W(b, 0), (size_t)a));
	cr_expect(eq(sz, W(a, 0), 0));
}

/* Run diffrun @side for @seed with @env and compare with glibc's. */
static int differential(const char *glibc_env, const char *side,
			const char *ptm_env, int seed)
{
	char cmd[1024];
	int status;

	snprintf(cmd, sizeof(cmd),
		 "d=%s/diffrun; t=$(mktemp -d) && "
		 "env -u MALLOC_CHECK_ GLIBC_TUNABLES=%s $d glibc seed %d "
		 "5000 > $t/g && "
		 "env -u MALLOC_CHECK_ GLIBC_TUNABLES=%s $d %s seed %d 5000 "
		 "> $t/p && cmp -s $t/g $t/p; r=$?; rm -rf $t; exit $r",
		 PTM_PROGRAMS_DIR, glibc_env, seed, ptm_env, side, seed);
	status = system(cmd);
	cr_assert(ne(int, status, -1));
	return status;
}

Test(safe_linking, changes_no_placement)
{
	for (int seed = 1; seed <= 4; seed++) {
		cr_expect(eq(int,
			     differential("glibc.malloc.tcache_count=0", "ptm",
					  "glibc.malloc.tcache_count=0:" SL_ON,
					  seed),
			     0),
			  "classic mode with safe-linking, seed %d", seed);
		cr_expect(eq(int,
			     differential("glibc.malloc.tcache_count=7",
					  "ptm-raw",
					  "glibc.malloc.tcache_count=7:" SL_OFF,
					  seed),
			     0),
			  "tcache mode without safe-linking, seed %d", seed);
	}
}

/*
 * Two 24-byte blocks @a, @b whose fast-bin link field (in @b) lies on a
 * page whose number does not end in a 0 nibble: the plain pointer to a
 * chunk written there then reveals as a misaligned one.  (On the other
 * pages, 1 in 16, the forgery would pass the alignment check; glibc's
 * tst-safe-linking retries for the same reason.)
 */
static void detectable_pair(void **a, void **b)
{
	do {
		*a = xmalloc(24);
		*b = xmalloc(24);
	} while ((((uintptr_t)*b >> 12) & 15) == 0);
}

/*
 * Fast bin b -> a, then the link in b is overwritten with a plain
 * pointer to a (what an exploit of an unprotected list writes).  The
 * test process has threads (Criterion's), so, as glibc does once a
 * thread exists, the malloc that takes b checks the revealed next link
 * and reports b.  (In a process without threads glibc takes b and
 * catches the revealed word when it becomes the head: "unaligned
 * fastbin chunk detected 2", which integrity_glibc compares with the
 * host's glibc in a fresh process.)
 */
static void forged_fast_link(int action)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", SL_ON, 1);
	death_setup(action);
	detectable_pair(&a, &b);
	ptm_free(a);
	ptm_free(b);
	W(b, 0) = chunk_of(a);
	death_note((uintptr_t)b);
	xmalloc(24);
}

/*
 * Run @fn under action 3 and expect the report of @msg at the noted
 * pointer, which the memory map need not cover.
 */
static void check_forgery(void (*fn)(int), const char *msg)
{
	struct death d;

	death_run(fn, 3, &d);
	cr_assert(eq(int, d.nnotes, 1), "child status %#x, stderr: %s",
		  d.status, d.err);
	expect_report_ex(&d, 3, msg, d.notes[0], false);
}

Test(safe_linking, forged_fast_link_is_caught)
{
	check_forgery(forged_fast_link,
		      "malloc(): unaligned fastbin chunk detected");
}

/* The same forgery, found by malloc_consolidate() (a large request). */
static void forged_link_consolidated(int action)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", SL_ON, 1);
	death_setup(action);
	detectable_pair(&a, &b);
	xmalloc(24);
	ptm_free(a);
	ptm_free(b);
	W(b, 0) = chunk_of(a);
	death_note(protected_word(b, chunk_of(a)) + 16);
	xmalloc(2000);
}

Test(safe_linking, forged_link_caught_by_consolidation)
{
	check_forgery(forged_link_consolidated,
		      "malloc_consolidate(): unaligned fastbin chunk detected");
}

/* The forgery on a per-thread cache list (glibc's default configuration). */
static void forged_cache_link(int action)
{
	void *a, *b;

	setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1);
	death_setup(action);
	detectable_pair(&a, &b);
	ptm_free(a);
	ptm_free(b);
	W(b, 0) = (size_t)a;
	death_note(protected_word(b, (size_t)a));
	xmalloc(24);
	xmalloc(24);
}

Test(safe_linking, forged_cache_link_is_caught)
{
	check_forgery(forged_cache_link,
		      "malloc(): unaligned tcache chunk detected");
}
