// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AddressSanitizer's view of this allocator's blocks (malloc/valgrind.h),
 * in an ASan build: `make check-asan` builds everything with
 * -fsanitize=address in build-asan/ and runs this suite.
 *
 * The allocator poisons every byte it owns except [mem, mem + size) of
 * each live block.  The tests check that map directly with
 * __asan_address_is_poisoned() after each kind of call, and run
 * harness/programs/asan_demo, whose overflow, underflow and use after
 * free ASan must report ("use-after-poison", the access, the line in
 * main), while its correct use of every entry point runs clean.
 *
 * In a build without ASan this file holds no test: nothing is poisoned
 * there to check.  (The rest of the suite cannot run under ASan: it reads
 * the allocator's headers and free chunks, which ASan rightly reports,
 * compares layouts with glibc's heap, which ASan replaces, or preloads
 * the drop-in, which ASan refuses.)
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "programs/mtrace_run.h"
#include "ptmalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define PTM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTM_TEST_ASAN 1
#endif
#endif

#ifdef PTM_TEST_ASAN

#include <sanitizer/asan_interface.h>

/* Whether the byte at @p + @off is poisoned. */
static int poisoned(const void *p, long off)
{
	return __asan_address_is_poisoned((const char *)p + off);
}

/*
 * [@p, @p + @n) must be open, the byte after it and the chunk's size word
 * before it poisoned.  (The prev_size word before that is the previous
 * block's last word when that one is in use.)
 */
static void expect_block(const void *p, size_t n)
{
	cr_expect(eq(ptr, __asan_region_is_poisoned((void *)p, n), NULL),
		  "block %p of %zu bytes has a poisoned byte", p, n);
	cr_expect(eq(int, poisoned(p, (long)n), 1), "byte %zu after %p", n, p);
	cr_expect(eq(int, poisoned(p, -1), 1), "size word of %p", p);
	cr_expect(eq(int, poisoned(p, -8), 1), "size word of %p", p);
}

/* Every byte of the @n at @p must be poisoned. */
static void expect_closed(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_expect(eq(int, poisoned(p, (long)i), 1),
			  "byte %zu of freed %p", i, p);
}

/* malloc opens exactly the request (partial granules too); free closes. */
Test(asan, malloc_and_free)
{
	char *p = ptm_malloc(40), *q = ptm_malloc(10), *z = ptm_malloc(0);

	expect_block(p, 40);
	expect_block(q, 10);
	cr_expect(eq(int, poisoned(z, 0), 1), "malloc(0) has no byte");
	ptm_free(p);
	expect_closed(p, 40);
	ptm_free(q);
	ptm_free(z);
	expect_closed(q, 10);
}

/* realloc: moved, shrunk and grown in place, keeping the contents. */
Test(asan, realloc)
{
	char *a = ptm_malloc(40), *guard = ptm_malloc(40), *old = a;

	memset(a, 7, 40);
	a = ptm_realloc(a, 3000);
	cr_assert(ne(ptr, a, old), "the guard forces a move");
	expect_block(a, 3000);
	expect_closed(old, 40);
	cr_expect(eq(int, a[39], 7));
	old = a;
	a = ptm_realloc(a, 100);
	cr_assert(eq(ptr, a, old), "shrinks in place");
	expect_block(a, 100);
	expect_closed(a + 100, 200);
	a = ptm_realloc(a, 900);
	cr_assert(eq(ptr, a, old), "grows back in place");
	expect_block(a, 900);
	ptm_free(a);
	ptm_free(guard);
}

/* calloc, mapped chunks (and mremap), the aligned family. */
Test(asan, calloc_mmap_memalign)
{
	char *c = ptm_calloc(1, 200000), *m = ptm_memalign(256, 100);
	void *pm = NULL;

	expect_block(c, 200000);
	cr_expect(eq(int, c[199999], 0));
	c = ptm_realloc(c, 900000);
	expect_block(c, 900000);
	expect_block(m, 100);
	cr_assert(eq(int, ptm_posix_memalign(&pm, 64, 24), 0));
	expect_block(pm, 24);
	ptm_free(pm);
	ptm_free(m);
	ptm_free(c);
}

/*
 * M_PERTURB fills new and freed blocks, through the allocator's own
 * (uninstrumented) loops rather than ASan's checking memset.
 */
Test(asan, perturb)
{
	unsigned char *p;

	cr_assert(eq(int, ptm_mallopt(M_PERTURB, 0x5a), 1));
	p = ptm_malloc(100);
	expect_block(p, 100);
	cr_expect(eq(int, p[50], 0x5a ^ 0xff));
	ptm_free(p);
	expect_closed(p, 100);
}

/* The ASan report of asan_demo @mode, which must exit with status 1. */
static char out[1 << 16];

static void run_demo(const char *mode, int want_status)
{
	char *argv[] = { PTM_PROGRAMS_DIR "/asan_demo", (char *)mode, NULL };
	char *envp[] = { "LC_ALL=C", "ASAN_OPTIONS=detect_leaks=0", NULL };
	int status = mt_run(argv, envp, out, sizeof(out));

	cr_assert(eq(int, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		     want_status),
		  "asan_demo %s: status %#x, output:\n%s", mode, status, out);
}

/*
 * Whether the report line starting with @prefix names main in
 * asan_demo.c (gcc prints the path relative, clang absolute, with a
 * column: "#0 0x... in main harness/programs/asan_demo.c:74",
 * "SUMMARY: ... harness/programs/asan_demo.c:74 in main").
 */
static bool frame_in_demo(const char *report, const char *prefix)
{
	const char *line = strstr(report, prefix);
	const char *end = line != NULL ? strchr(line, '\n') : NULL;
	const char *file = line != NULL ? strstr(line, "harness/programs/"
						       "asan_demo.c:") :
					  NULL;
	const char *in_main = line != NULL ? strstr(line, " in main") : NULL;

	return end != NULL && file != NULL && file < end && in_main != NULL &&
	       in_main < end;
}

/*
 * The report names the kind, the address (@off bytes from the block the
 * program printed), the access and main as where it happened.
 */
static void expect_report(long off, const char *access)
{
	char want[160];
	unsigned long p = 0;
	const char *s = strstr(out, "p 0x");

	cr_assert(ne(ptr, (void *)s, NULL), "%s", out);
	p = strtoul(s + 2, NULL, 16);
	snprintf(want, sizeof(want),
		 "ERROR: AddressSanitizer: use-after-poison on address %#lx ",
		 p + (unsigned long)off);
	cr_expect(ne(ptr, strstr(out, want), NULL), "no '%s' in:\n%s", want,
		  out);
	snprintf(want, sizeof(want), "%s at %#lx thread T0\n", access,
		 p + (unsigned long)off);
	cr_expect(ne(ptr, strstr(out, want), NULL), "no '%s' in:\n%s", want,
		  out);
	cr_expect(frame_in_demo(out, "#0 0x"), "%s", out);
	cr_expect(frame_in_demo(out, "SUMMARY: AddressSanitizer: "
				     "use-after-poison "),
		  "%s", out);
}

/* E-6.3's program under ASan: one int past the block. */
Test(asan, overflow_reported)
{
	run_demo("overflow", 1);
	expect_report(40, "WRITE of size 4");
}

/* The chunk header before a block is off limits too. */
Test(asan, underflow_reported)
{
	run_demo("underflow", 1);
	expect_report(-8, "WRITE of size 8");
}

/* A write after ptm_free. */
Test(asan, use_after_free_reported)
{
	run_demo("uaf", 1);
	expect_report(12, "WRITE of size 4");
}

/* Correct use of every entry point: no report. */
Test(asan, clean_program)
{
	run_demo("clean", 0);
	cr_expect(eq(ptr, strstr(out, "AddressSanitizer"), NULL), "%s", out);
}

#endif /* PTM_TEST_ASAN */
