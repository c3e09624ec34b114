// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap map (malloc/heapmap*.c, ptm_heap_map()), suite "heapmap".
 *
 * Each test builds a heap whose every chunk is known, on a fresh
 * simulated break (so the heap starts page aligned and no page of it is
 * resident until written), maps it into a memory file and compares the
 * text with the whole expected map, or counts the SVG's elements.  The
 * chunk sizes follow from request2size(); the bin numbers from glibc
 * 2.17's smallbin_index() and largebin_index_64(); the "pages" column
 * from malloc_trim()'s rule (the whole pages past a free chunk's header
 * and links), checked against mincore() by writing to chosen pages.
 * The map across a foreign sbrk is taken on the real break, by the
 * program that moves it (programs/sysmalloc_edge.c), and the drop-in's
 * maps by programs run with it preloaded.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena_util.h"
#include "dropin_run.h"
#include "harness.h"
#include "ptmalloc.h"

/* The header line of every heap's chunk table. */
#define COLUMNS "      offset       size flags state           pages resident\n"

/* The map in @format, read back from a memory file (glibc's malloc). */
static char *map_of(int format)
{
	int fd = memfd_create("heapmap", MFD_CLOEXEC);
	off_t len;
	char *buf;

	cr_assert(ge(int, fd, 0));
	cr_assert(eq(int, ptm_heap_map(fd, format), 0));
	len = lseek(fd, 0, SEEK_CUR);
	buf = calloc(1, (size_t)len + 1);
	cr_assert(ne(ptr, buf, NULL));
	cr_assert(eq(long, pread(fd, buf, (size_t)len, 0), (long)len));
	close(fd);
	return buf;
}

/* The number of times @needle occurs in @s. */
static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p != NULL;
	     p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The heading of the main heap, whose start is the simulated break's. */
static void main_heading(char *buf, size_t cap, size_t size, size_t top)
{
	snprintf(buf, cap,
		 "ptmalloc heap map: 1 arena, page size 4096\n"
		 "arena 0 heap 0 (main): start %p, %zu bytes, first chunk "
		 "+0x0, top +0x%zx, top_pad 131072, brk +0x%zx\n" COLUMNS,
		 (void *)heap_start(), size, top, size);
}

/* Assert that the text map is @heading followed by @body. */
static void assert_text_map(const char *heading, const char *body)
{
	char *got = map_of(PTM_HEAPMAP_TEXT);
	char *want = malloc(strlen(heading) + strlen(body) + 1);

	cr_assert(ne(ptr, want, NULL));
	strcpy(want, heading);
	strcat(want, body);
	cr_assert(eq(str, got, want));
	free(want);
	free(got);
}

/* E-3.3 (001 §5.3.3): five malloc(16), five 32-byte chunks, then top. */
Test(heapmap, experiment_3_3_five_chunks_and_top)
{
	char heading[512];

	fresh_sim_heap();
	for (int i = 0; i < 5; i++)
		cr_assert(ne(ptr, ptm_malloc(16), NULL));
	main_heading(heading, sizeof(heading), 135168, 0xa0);
	/* Top 135008 = 135168 - 5 * 32; its pages 0x1000..0x21000. */
	assert_text_map(
		heading,
		"         0x0         32 P--   in use\n"
		"        0x20         32 P--   in use\n"
		"        0x40         32 P--   in use\n"
		"        0x60         32 P--   in use\n"
		"        0x80         32 P--   in use\n"
		"        0xa0     135008 P--   top                32        0\n"
		"arena 0 lists: none\n"
		"arena 0 free pages: 32, resident 0\n"
		"mmapped chunks: 0, 0 bytes\n");
}

/* The resident column is mincore's: write two pages of top, then map. */
Test(heapmap, resident_pages_follow_mincore)
{
	char heading[512];
	char *base;

	fresh_sim_heap();
	base = ptm_malloc(16);
	cr_assert(ne(ptr, base, NULL));
	base -= 16;
	base[0x5000] = 1;
	base[0x20fff] = 1;
	main_heading(heading, sizeof(heading), 135168, 0x20);
	assert_text_map(
		heading,
		"         0x0         32 P--   in use\n"
		"        0x20     135136 P--   top                32        2\n"
		"arena 0 lists: none\n"
		"arena 0 free pages: 32, resident 2\n"
		"mmapped chunks: 0, 0 bytes\n");
}

/* E-4.3.3 test1 after the frees: twenty 48-byte chunks in fast bin 1. */
Test(heapmap, experiment_4_3_3_fast_bin_chunks)
{
	char heading[512], body[4096] = "";
	void *p[20];

	fresh_sim_heap();
	for (int i = 0; i < 20; i++)
		p[i] = ptm_malloc(32);
	for (int i = 0; i < 20; i++)
		ptm_free(p[i]);
	for (int i = 0; i < 20; i++) {
		char off[16];

		snprintf(off, sizeof(off), "0x%x", i * 48);
		snprintf(body + strlen(body), sizeof(body) - strlen(body),
			 "%12s         48 P--   fast bin 1\n", off);
	}
	strcat(body,
	       "       0x3c0     134208 P--   top                32        0\n"
	       "arena 0 lists:\n"
	       "  fast bin 1           20 chunks          960 bytes\n"
	       "arena 0 free pages: 32, resident 0\n"
	       "mmapped chunks: 0, 0 bytes\n");
	main_heading(heading, sizeof(heading), 135168, 0x3c0);
	assert_text_map(heading, body);
}

/*
 * A 208-byte chunk in small bin 13 (208 >> 4), a 2016-byte one in large
 * bin 79 (48 + (2016 >> 6)), sorted there by a malloc(3000) from top; a
 * 1040-byte one left in the unsorted bin; an mmapped block counted.
 */
Test(heapmap, bins_small_large_unsorted_and_mmapped)
{
	char heading[512];
	void *a, *b, *c;

	fresh_sim_heap();
	a = ptm_malloc(200);
	ptm_malloc(16);
	b = ptm_malloc(2000);
	ptm_malloc(16);
	c = ptm_malloc(1024);
	ptm_malloc(16);
	ptm_free(a);
	ptm_free(b);
	cr_assert(ne(ptr, ptm_malloc(3000), NULL));
	cr_assert(ne(ptr, ptm_malloc(MIB(1)), NULL));
	ptm_free(c); /* after: a large malloc sorts the unsorted bin */
	main_heading(heading, sizeof(heading), 135168, 0x18e0);
	assert_text_map(
		heading,
		"         0x0        208 P--   small bin 13\n"
		"        0xd0         32 ---   in use\n"
		"        0xf0       2016 P--   large bin 79\n"
		"       0x8d0         32 ---   in use\n"
		"       0x8f0       1040 P--   unsorted\n"
		"       0xd00         32 ---   in use\n"
		"       0xd20       3008 P--   in use\n"
		"      0x18e0     128800 P--   top                31        0\n"
		"arena 0 lists:\n"
		"  unsorted              1 chunk          1040 bytes\n"
		"  small bin 13          1 chunk           208 bytes\n"
		"  large bin 79          1 chunk          2016 bytes\n"
		"arena 0 free pages: 31, resident 0\n"
		"mmapped chunks: 1, 1052672 bytes\n");
}

/* With the per-thread cache on, a freed 32-byte chunk is in cache 0. */
Test(heapmap, cached_chunk_of_the_calling_thread)
{
	char heading[512];
	void *a;

	cr_assert(eq(int,
		     setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1),
		     0));
	fresh_sim_heap();
	a = ptm_malloc(24);
	ptm_malloc(24);
	ptm_free(a);
	main_heading(heading, sizeof(heading), 135168, 0x2d0);
	/* The cache's own 656-byte header comes first (glibc 2.30+). */
	assert_text_map(
		heading,
		"         0x0        656 P--   in use\n"
		"       0x290         32 P--   cache 0\n"
		"       0x2b0         32 P--   in use\n"
		"       0x2d0     134448 P--   top                32        0\n"
		"arena 0 lists:\n"
		"  cache 0               1 chunk            32 bytes\n"
		"arena 0 free pages: 32, resident 0\n"
		"mmapped chunks: 0, 0 bytes\n");
}

/*
 * A second thread's arena: its sub-heap, NON_MAIN_ARENA on each chunk
 * but top (whose size word only ever has PREV_INUSE, as in glibc).
 */
Test(heapmap, sub_heap_of_a_second_arena)
{
	struct worker w;
	char *got, *p, want[1024];
	uintptr_t h;

	fresh_sim_heap();
	cr_assert(ne(ptr, ptm_malloc(16), NULL));
	worker_start(&w);
	p = wmalloc(&w, 16);
	h = heap_of(p);
	got = map_of(PTM_HEAPMAP_TEXT);
	/* Top of 132896 bytes at 0x8e0: whole pages 0x1000..0x21000. */
	snprintf(
		want, sizeof(want),
		"arena 1 heap 0 (sub-heap): start %p, 135168 bytes, first "
		"chunk +0x8c0, top +0x8e0, top_pad 131072, end +0x21000\n" COLUMNS
		"       0x8c0         32 P-A   in use\n"
		"       0x8e0     132896 P--   top                32        0\n"
		"arena 1 lists: none\n"
		"arena 1 free pages: 32, resident 0\n"
		"mmapped chunks: 0, 0 bytes\n",
		(void *)h);
	cr_assert(eq(int, strncmp(got, "ptmalloc heap map: 2 arenas,", 28), 0));
	cr_assert(ne(ptr, strstr(got, want), NULL), "%s", got);
	cr_assert(eq(str, strstr(got, want), want), "the map ends there");
	worker_stop(&w);
	free(got);
}

/* E-3.3 as a picture: six chunk rectangles, the break, top_pad. */
Test(heapmap, svg_experiment_3_3_six_rectangles)
{
	char *svg;

	fresh_sim_heap();
	for (int i = 0; i < 5; i++)
		ptm_malloc(16);
	svg = map_of(PTM_HEAPMAP_SVG);
	cr_assert(eq(int, strncmp(svg, "<svg xmlns=", 11), 0));
	cr_assert(eq(sz, count_of(svg, "<rect class=\"chunk "), 6));
	cr_assert(eq(sz, count_of(svg, "data-state=\"inuse\""), 5));
	cr_assert(eq(sz, count_of(svg, "data-state=\"top\""), 1));
	cr_assert(eq(sz, count_of(svg, "<line class=\"brk\""), 1));
	cr_assert(eq(sz, count_of(svg, "<line class=\"top-pad\""), 1));
	cr_assert(eq(sz, count_of(svg, "<rect class=\"resident\""), 0));
	cr_assert(eq(sz, count_of(svg, "<rect class=\"legend "), 11));
	cr_assert(eq(sz, count_of(svg, "</svg>\n"), 1));
	free(svg);
}

/*
 * E-5.3's pattern: 50000 (1040-byte block, 32-byte node) pairs freed
 * block first leave blocks in the unsorted bin alternating with nodes
 * in fast bin 0: one rectangle of 100000 chunks, then top.
 */
Test(heapmap, svg_alternating_run_is_one_rectangle)
{
	static void *b[50000], *n[50000];
	char *svg;

	fresh_sim_heap();
	for (int i = 0; i < 50000; i++) {
		b[i] = ptm_malloc(1024);
		n[i] = ptm_malloc(24);
	}
	for (int i = 49999; i >= 0; i--) {
		ptm_free(b[i]);
		ptm_free(n[i]);
	}
	svg = map_of(PTM_HEAPMAP_SVG);
	cr_assert(eq(sz, count_of(svg, "<rect class=\"chunk "), 2));
	cr_assert(
		ne(ptr,
		   strstr(svg, "data-state=\"unsorted\" data-offset=\"0x0\" "
			       "data-count=\"100000\" data-bytes=\"53600000\""),
		   NULL));
	cr_assert(eq(sz, count_of(svg, "<rect class=\"pair s-fast\""), 1));
	cr_assert(ne(ptr,
		     strstr(svg, "unsorted (52000000 bytes) alternating with "
				 "fast bin 0 (1600000 bytes), 100000 chunks"),
		     NULL));
	free(svg);
}

/* A million chunks: every one listed, the lists summed, no allocation. */
Test(heapmap, million_chunks)
{
	static void *p[1000000];
	struct mallinfo2 before, after;
	char *text, *svg;

	fresh_sim_heap();
	for (int i = 0; i < 1000000; i++)
		p[i] = ptm_malloc(16);
	for (int i = 0; i < 1000000; i += 2)
		ptm_free(p[i]);
	before = ptm_mallinfo2();
	text = map_of(PTM_HEAPMAP_TEXT);
	svg = map_of(PTM_HEAPMAP_SVG);
	after = ptm_mallinfo2();
	cr_assert(eq(sz, count_of(text, "P--   fast bin 0\n"), 500000));
	cr_assert(eq(sz, count_of(text, "P--   in use\n"), 500000));
	cr_assert(ne(ptr,
		     strstr(text, "  fast bin 0       500000 chunks     "
				  "16000000 bytes\n"),
		     NULL));
	/* Alternating in use and fast: one rectangle, then top. */
	cr_assert(eq(sz, count_of(svg, "<rect class=\"chunk "), 2));
	cr_assert(eq(sz, before.arena, after.arena));
	cr_assert(eq(sz, before.uordblks, after.uordblks));
	cr_assert(eq(sz, before.ordblks, after.ordblks));
	free(text);
	free(svg);
}

/* Bad arguments: glibc has no such call, so errno says what failed. */
Test(heapmap, errors_and_errno)
{
	fresh_sim_heap();
	ptm_malloc(16);
	errno = 0;
	cr_assert(eq(int, ptm_heap_map(1, 2), -1));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(int, ptm_heap_map(-1, PTM_HEAPMAP_TEXT), -1));
	cr_assert(eq(int, errno, EIO));
	errno = 1234;
	free(map_of(PTM_HEAPMAP_SVG));
	cr_assert(eq(int, errno, 1234), "errno kept on success");
}

/* A thread allocating and freeing while another maps, many times. */
static void *churn(void *stop)
{
	void *keep[64] = { 0 };

	for (unsigned int i = 0;
	     !__atomic_load_n((int *)stop, __ATOMIC_RELAXED); i++) {
		ptm_free(keep[i % 64]);
		keep[i % 64] = ptm_malloc(16 + (i * 37) % 3000);
	}
	for (int i = 0; i < 64; i++)
		ptm_free(keep[i]);
	return NULL;
}

Test(heapmap, safe_while_other_threads_allocate)
{
	pthread_t t[2];
	int stop = 0;

	for (int i = 0; i < 2; i++)
		cr_assert(
			eq(int, pthread_create(&t[i], NULL, churn, &stop), 0));
	for (int i = 0; i < 50; i++) {
		char *s = map_of(i % 2);

		cr_assert(ne(ptr, strstr(s, "mmapped chunks: "), NULL));
		free(s);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	cr_assert(eq(int, ptm_debug_check_heap(), 0));
}

/* ---- the drop-in: MALLOC_HEAPMAP_ and MALLOC_HEAPMAP_AT_ ---------------- */

/* Run dropin_heapmap preloaded in a fresh directory with @extra. */
static void run_dropin_heapmap(char *dir, char *const extra[],
			       struct dr_result *r)
{
	char *argv[] = { (char *)dr_program("dropin_heapmap"), NULL };

	cr_assert(ne(ptr, mkdtemp(dir), NULL));
	dr_run(argv, extra, dir, true, r);
	dr_assert_ok(r, "dropin_heapmap");
}

/* The file @name of @dir, read whole (NULL when it does not exist). */
static char *dir_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return exp_slurp(path);
}

/* Remove @dir and the @n files @names in it. */
static void dir_remove(const char *dir, const char *const names[], int n)
{
	char path[PATH_MAX];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	cr_assert(eq(int, rmdir(dir), 0), "%s holds only the maps", dir);
}

/*
 * The line of the freed block's chunk in text map @map: its offset from
 * the "start" of the main heap, 32 bytes, in small bin 2: printf's
 * 4096-byte stdout buffer (a large request) consolidated the fast bins
 * and sorted the chunk there.
 */
static void assert_freed_line(char *map, unsigned long freed)
{
	char want[128];
	char *start = strstr(map, "(main): start ");
	unsigned long base;

	cr_assert(ne(ptr, start, NULL), "%s", map);
	base = strtoul(start + 14, NULL, 16);
	snprintf(want, sizeof(want), "0x%lx         32 P--   small bin 2\n",
		 freed - 16 - base);
	cr_assert(ne(ptr, strstr(map, want), NULL), "no '%s' in\n%s", want,
		  map);
}

Test(heapmap, dropin_maps_at_trim_stats_and_exit)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char *extra[] = { "MALLOC_HEAPMAP_=map.%p.%n.txt",
			  "MALLOC_HEAPMAP_AT_=trim,stats,exit", NULL };
	char names[3][64];
	const char *list[3] = { names[0], names[1], names[2] };
	struct dr_result r;
	long long pid;
	long long freed;

	run_dropin_heapmap(dir, extra, &r);
	pid = dr_key(&r, "pid");
	freed = dr_key(&r, "freed");
	cr_assert(ne(ptr, strstr(r.err, "Arena 0:\n"), NULL), "malloc_stats");
	for (int i = 0; i < 3; i++) {
		char *map;

		snprintf(names[i], sizeof(names[i]), "map.%lld.%d.txt", pid, i);
		map = dir_file(dir, names[i]);
		cr_assert(ne(ptr, map, NULL), "no %s", names[i]);
		cr_assert(eq(int,
			     strncmp(map, "ptmalloc heap map: 1 arena,", 27),
			     0));
		cr_assert(ne(ptr, strstr(map, "\nmmapped chunks: "), NULL));
		assert_freed_line(map, (unsigned long)freed);
		free(map);
	}
	dir_remove(dir, list, 3);
	dr_free(&r);
}

/*
 * The same variables read by a program linked with the archive: set
 * before the allocator's first call, which reads them.  @dir is made;
 * the pattern is @dir, '/' and @name.
 */
static void env_map_setup(char *dir, const char *name, const char *at)
{
	char pattern[PATH_MAX];

	cr_assert(ne(ptr, mkdtemp(dir), NULL));
	snprintf(pattern, sizeof(pattern), "%s/%s", dir, name);
	cr_assert(eq(int, setenv("MALLOC_HEAPMAP_", pattern, 1), 0));
	if (at != NULL)
		cr_assert(eq(int, setenv("MALLOC_HEAPMAP_AT_", at, 1), 0));
	fresh_sim_heap();
}

/* malloc_stats() with its report sent to /dev/null. */
static void quiet_malloc_stats(void)
{
	int null = open("/dev/null", O_WRONLY);
	int saved = dup(2);

	cr_assert(ge(int, null, 0));
	cr_assert(ge(int, saved, 0));
	fflush(stderr);
	cr_assert(ge(int, dup2(null, 2), 0));
	ptm_malloc_stats();
	cr_assert(ge(int, dup2(saved, 2), 0));
	close(saved);
	close(null);
}

/*
 * Five 16-byte blocks, the third freed and sorted into small bin 2 by a
 * 4096-byte request, then malloc_trim(0) and malloc_stats(): with "at"
 * naming both (and an unknown word, ignored), two text maps, numbered 0
 * and 1, each showing the freed chunk at +0x40; no exit map is asked
 * for, so they are the only files.
 */
Test(heapmap, archive_maps_from_the_environment)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char names[2][64];
	const char *list[2] = { names[0], names[1] };
	char *p[5];

	env_map_setup(dir, "m.%p.%n.txt", "stats,never,trim");
	for (int i = 0; i < 5; i++)
		p[i] = ptm_malloc(16);
	ptm_free(p[2]);
	cr_assert(ne(ptr, ptm_malloc(4096), NULL));
	cr_assert(eq(int, ptm_malloc_trim(0), 1));
	quiet_malloc_stats();
	for (int i = 0; i < 2; i++) {
		char *map;

		snprintf(names[i], sizeof(names[i]), "m.%ld.%d.txt",
			 (long)getpid(), i);
		map = dir_file(dir, names[i]);
		cr_assert(ne(ptr, map, NULL), "no %s", names[i]);
		cr_assert(eq(int,
			     strncmp(map, "ptmalloc heap map: 1 arena,", 27),
			     0));
		cr_assert(eq(ptr, p[2], heap_start() + 0x40 + 16));
		assert_freed_line(map, (unsigned long)p[2]);
		free(map);
	}
	dir_remove(dir, list, 2);
}

/* "%%" is a '%', and a name ending in ".svg" gets the SVG map. */
Test(heapmap, archive_svg_map_with_a_percent_sign)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	const char *list[1] = { "%m.0.svg" };
	char *svg;

	env_map_setup(dir, "%%m.%n.svg", "trim");
	cr_assert(ne(ptr, ptm_malloc(100), NULL));
	ptm_malloc_trim(0);
	svg = dir_file(dir, list[0]);
	cr_assert(ne(ptr, svg, NULL), "no %s", list[0]);
	cr_assert(eq(int, strncmp(svg, "<svg xmlns=", 11), 0));
	cr_assert(eq(sz, count_of(svg, "</svg>\n"), 1));
	free(svg);
	dir_remove(dir, list, 1);
}

/*
 * A name that does not fit the map's path (200 process ids) and a
 * pattern too long to keep (600 bytes) write nothing; neither changes
 * errno or what malloc_trim returns.
 */
Test(heapmap, archive_map_names_too_long_write_nothing)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char name[401];

	for (int i = 0; i < 200; i++)
		memcpy(name + 2 * i, "%p", 2);
	name[400] = '\0';
	env_map_setup(dir, name, "trim");
	cr_assert(ne(ptr, ptm_malloc(100), NULL));
	errno = 1234;
	ptm_malloc_trim(0);
	cr_assert(eq(int, errno, 1234));
	dir_remove(dir, NULL, 0);
}

Test(heapmap, archive_pattern_too_long_is_ignored)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char name[601];

	memset(name, 'm', 600);
	name[600] = '\0';
	env_map_setup(dir, name, "trim");
	cr_assert(ne(ptr, ptm_malloc(100), NULL));
	ptm_malloc_trim(0);
	dir_remove(dir, NULL, 0);
}

Test(heapmap, dropin_svg_map_at_exit_only_by_default)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char *extra[] = { "MALLOC_HEAPMAP_=%%map-%p.svg", NULL };
	char name[64];
	const char *list[1] = { name };
	struct dr_result r;
	char *svg;

	run_dropin_heapmap(dir, extra, &r);
	snprintf(name, sizeof(name), "%%map-%lld.svg", dr_key(&r, "pid"));
	svg = dir_file(dir, name);
	cr_assert(ne(ptr, svg, NULL), "no %s", name);
	cr_assert(eq(int, strncmp(svg, "<svg xmlns=", 11), 0));
	cr_assert(eq(sz, count_of(svg, "</svg>\n"), 1));
	cr_assert(eq(sz, count_of(svg, "<line class=\"brk\""), 1));
	free(svg);
	/* rmdir succeeds only if the exit map was the one file written. */
	dir_remove(dir, list, 1);
	dr_free(&r);
}

Test(heapmap, dropin_without_the_variable_writes_nothing)
{
	char dir[] = "/tmp/ptm-heapmap-XXXXXX";
	char *extra[] = { "MALLOC_HEAPMAP_AT_=trim,stats,exit", NULL };
	struct dr_result r;

	run_dropin_heapmap(dir, extra, &r);
	dir_remove(dir, NULL, 0);
	dr_free(&r);
}

/* A job for the worker: 700 blocks of 100000 bytes, over 64 MiB. */
static void *fill_two_sub_heaps(void *unused)
{
	(void)unused;
	for (int i = 0; i < 700; i++)
		cr_assert(ne(ptr, ptm_malloc(100000), NULL));
	return NULL;
}

/*
 * An arena that outgrew its first 64 MiB sub-heap (670 blocks fit in
 * it): heap 0 ends with its old top, freed (1664 bytes, sorted into
 * large bin 48 + (1664 >> 6) by a later malloc; a free chunk's size word
 * has no NON_MAIN_ARENA bit, as in glibc), then the two 16-byte
 * fenceposts, the first with PREV_INUSE clear after that free chunk;
 * heap 1, whose first chunk follows the 32-byte header, holds the other
 * 30 blocks and top.
 */
Test(heapmap, full_sub_heap_ends_in_fenceposts)
{
	struct worker w;
	char *got, *heap1;

	fresh_sim_heap();
	cr_assert(ne(ptr, ptm_malloc(16), NULL));
	worker_start(&w);
	worker_call(&w, fill_two_sub_heaps, NULL);
	got = map_of(PTM_HEAPMAP_TEXT);
	heap1 = strstr(got, "arena 1 heap 1 (sub-heap): ");
	cr_assert(ne(ptr, heap1, NULL), "%s", got);
	cr_assert(ne(ptr, strstr(got, "arena 1 heap 0 (sub-heap): "), NULL));
	cr_assert(eq(sz, count_of(got, "100016 P-A   in use\n"), 700));
	cr_assert(eq(sz, count_of(got, " fencepost\n"), 1));
	cr_assert(ne(ptr,
		     strstr(got, "   0x3fe8960       1664 P--   large bin 74\n"
				 "   0x3fe8fe0         32 ---   fencepost\n"
				 "arena 1 heap 1 (sub-heap): "),
		     NULL),
		  "%s", got);
	cr_assert(ne(ptr,
		     strstr(heap1, ", 3002368 bytes, first chunk +0x20, "
				   "top +0x2dc8c0, "),
		     NULL));
	cr_assert(eq(sz, count_of(heap1, "100016 P-A   in use\n"), 30));
	worker_stop(&w);
	free(got);
}

/* ---- the main heap across a foreign sbrk, on the real break ------------ */

/*
 * The heading of the main heap of sysmalloc_edge's map, whose start is
 * the break the program began with (@base, as "map.base" printed it):
 * 274432 bytes up to the break, +0x43000.
 */
static void foreign_heading(char *buf, size_t cap, const char *base, size_t top)
{
	snprintf(buf, cap,
		 "map.base %s\n"
		 "ptmalloc heap map: 1 arena, page size 4096\n"
		 "arena 0 heap 0 (main): start %s, 274432 bytes, first chunk "
		 "+0x0, top +0x%zx, top_pad 131072, brk +0x43000\n" COLUMNS,
		 base, base, top);
}

/*
 * sysmalloc_edge foreign 4096 map: malloc(1000) (a 1008-byte chunk, top
 * to +0x21000), then the program's own sbrk(4096), then malloc(200000).
 * sysmalloc finds the break at +0x22000, not at top's end, so (glibc
 * 2.17) it counts the foreign page as arena memory, takes top from
 * +0x22000, shrinks the old top of 134160 bytes to 134128 followed by
 * two 16-byte fenceposts at +0x20fe0 and +0x20ff0 (ending at +0x21000)
 * and frees it; that free trims the new top back to 135168 bytes, too
 * few for the request, which fails.  malloc(5000) then splits the old
 * top: a 5008-byte chunk at +0x3f0 and 129120 bytes in the unsorted bin.
 * The map shows the fenceposts with what follows them up to top as one
 * 4128-byte row (2 * 16 + 4096): glibc does not record where the new
 * space began.  Its PREV_INUSE is clear, after the free chunk.
 *
 * Then malloc(130000) sorts that chunk into large bin 122 (119 +
 * (129120 >> 15)) and, the bin holding nothing big enough, carves its
 * 130016 bytes from the start of the new top (the user pointer at
 * +0x22010): top moves to +0x41be0 with 5152 bytes, and the fencepost
 * row now covers that chunk as well, up to top: 134144 bytes.  Pages
 * follow malloc_trim()'s rule: the free chunk's from +0x2000 (past its
 * first 48 bytes) to +0x20000, 30; top's 32 from +0x23000, then 1 (from
 * +0x42000); none was ever written.
 */
Test(heapmap, main_heap_across_a_foreign_sbrk)
{
	char *argv[] = { (char *)dr_program("sysmalloc_edge"), "foreign",
			 "4096", "map", NULL };
	char base[32], heading[512], want[2048];
	const char *b;
	struct dr_result r;

	dr_run(argv, NULL, NULL, false, &r);
	dr_assert_ok(&r, "sysmalloc_edge foreign 4096 map");
	cr_assert(eq(int, dr_key(&r, "c.check"), 0));
	cr_assert(eq(int, dr_key(&r, "b.null"), 1));
	b = exp_key_text(r.out, "map.base");
	cr_assert(ne(ptr, (void *)b, NULL), "%s", r.out);
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(b, "\n"), b);
	foreign_heading(heading, sizeof(heading), base, 0x22000);
	snprintf(
		want, sizeof(want),
		"%s"
		"         0x0       1008 P--   in use\n"
		"       0x3f0       5008 P--   in use\n"
		"      0x1780     129120 P--   unsorted           30        0\n"
		"     0x20fe0       4128 ---   fencepost\n"
		"     0x22000     135168 P--   top                32        0\n"
		"arena 0 lists:\n"
		"  unsorted              1 chunk        129120 bytes\n"
		"arena 0 free pages: 62, resident 0\n"
		"mmapped chunks: 0, 0 bytes\n"
		"d.off 139280\n",
		heading);
	cr_assert(ne(ptr, strstr(r.out, want), NULL), "no\n%s\nin\n%s", want,
		  r.out);
	foreign_heading(heading, sizeof(heading), base, 0x41be0);
	snprintf(
		want, sizeof(want),
		"d.off 139280\n%s"
		"         0x0       1008 P--   in use\n"
		"       0x3f0       5008 P--   in use\n"
		"      0x1780     129120 P--   large bin 122      30        0\n"
		"     0x20fe0     134144 ---   fencepost\n"
		"     0x41be0       5152 P--   top                 1        0\n"
		"arena 0 lists:\n"
		"  large bin 122         1 chunk        129120 bytes\n"
		"arena 0 free pages: 31, resident 0\n"
		"mmapped chunks: 0, 0 bytes\n"
		"free.brk 274432\n",
		heading);
	cr_assert(ne(ptr, strstr(r.out, want), NULL), "no\n%s\nin\n%s", want,
		  r.out);
	dr_free(&r);
}
