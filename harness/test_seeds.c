// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The seed programs of 001 sections 4.3.1 to 4.3.5
 * (harness/programs/seed_4_3_N.c, the documents' code with the standard
 * names) under the real strace, twice each:
 *
 *   ours:  LD_PRELOAD=build/libptmalloc.so, no tunables;
 *   glibc: the host's glibc 2.36 malloc with
 *          GLIBC_TUNABLES=glibc.malloc.tcache_count=0.
 *
 * The brk/mmap/munmap calls between the programs' markers are
 * normalised (B is the break the window's first brk(NULL) returned, the
 * mmaps are M1, M2, ... in order) and compared with one table per
 * program that lists every call of both runs: BOTH() where the two
 * traces agree, OURS() or GLIBC() where one has a call the other has
 * not.  The printed break readings and mallinfo tables are asserted too.
 *
 * Two things separate these runs from the documents' glibc 2.17 and from
 * each other, and each table says how they move each figure:
 *
 * 1. stdio.  glibc 2.36 allocates stdout's buffer with malloc on the
 *    first printf (glibc 2.17 mmapped it).  stdout is a file here, whose
 *    st_blksize is 4096, so that is malloc(4096): a 4112-byte chunk at
 *    the bottom of the heap, in both runs.  4.3.1 and 4.3.2 print
 *    nothing and are unaffected.
 *
 * 2. The tcache header.  glibc 2.26+ allocates each thread's tcache
 *    (struct tcache_perthread_struct, a 656-byte chunk) from the arena on
 *    the thread's first malloc, even with tcache_count=0, so glibc's heap
 *    starts with it; ours (tcache off) has none.
 *
 * How a chunk at the bottom of the heap moves the break: every growth of
 * a contiguous main heap moves the break to the first page boundary at
 * or above (end of the chunk being allocated) + top_pad + MINSIZE, and a
 * trim leaves the break at (end of the last live chunk) + top_pad +
 * MINSIZE + 1, rounded up to a page.  A chunk of S bytes at the bottom
 * moves every such end up by S: a figure changes only when a page
 * boundary falls within those S bytes, or when the first growth happens
 * earlier (for the header itself, or the stdio buffer) and later requests
 * then fit in the top it left.
 */
#include <sys/stat.h>

#include "dropin_run.h"

#define STRACE_SET "trace=brk,mmap,munmap,mremap,mprotect,madvise,write"
#define MMAP_1M(name)                                \
	"mmap(NULL, 1052672, PROT_READ|PROT_WRITE, " \
	"MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = " name
#define MUNMAP_1M(name) "munmap(" name ", 1052672) = 0"
#define BRK_NULL "brk(NULL) = B"
#define BRK(delta) "brk(B+" delta ") = B+" delta

/* One call of the window: its normalised text in each run, or NULL. */
struct seed_call {
	const char *ours;
	const char *glibc;
};

#define BOTH(s)      \
	{            \
		s, s \
	}
#define OURS(s)         \
	{               \
		s, NULL \
	}
#define GLIBC(s)        \
	{               \
		NULL, s \
	}
#define END                \
	{                  \
		NULL, NULL \
	}

/**
 * struct seed_run - one run of a seed program under strace.
 * @out: its standard output.
 * @calls: the window, normalised, one call per line.
 * @brk0: B, the break the first brk(NULL) of the window returned (0
 *	when the window has none).
 */
struct seed_run {
	char *out;
	char *calls;
	unsigned long long brk0;
};

/* Append @text and a newline to the malloc'ed string *@s. */
static void append_line(char **s, const char *text)
{
	size_t len = *s ? strlen(*s) : 0, n = strlen(text);

	*s = realloc(*s, len + n + 2);
	cr_assert(ne(ptr, *s, NULL));
	memcpy(*s + len, text, n);
	(*s)[len + n] = '\n';
	(*s)[len + n + 1] = '\0';
}

/* The name of mapping @addr: the latest of M1, M2, ... at that address. */
static void mapping_name(unsigned long long *maps, int nmaps,
			 unsigned long long addr, char *buf, size_t cap)
{
	for (int i = nmaps - 1; i >= 0; i--) {
		if (maps[i] == addr) {
			snprintf(buf, cap, "M%d", i + 1);
			return;
		}
	}
	snprintf(buf, cap, "%#llx", addr);
}

/* Normalise one window line @l into *@calls. */
static void normalise(struct seed_run *r, const char *l,
		      unsigned long long *maps, int *nmaps)
{
	unsigned long long a, b, len;
	char line[256], name[32];
	const char *eq = strstr(l, " = ");
	int ret;

	if (sscanf(l, "brk(NULL) = %llx", &a) == 1) {
		if (r->brk0 == 0)
			r->brk0 = a;
		snprintf(line, sizeof(line), "brk(NULL) = B%+lld",
			 (long long)(a - r->brk0));
		if (a == r->brk0)
			snprintf(line, sizeof(line), "%s", BRK_NULL);
	} else if (sscanf(l, "brk(%llx) = %llx", &a, &b) == 2 && r->brk0 != 0) {
		snprintf(line, sizeof(line), "brk(B+%#llx) = B+%#llx",
			 a - r->brk0, b - r->brk0);
	} else if (strncmp(l, "mmap(", 5) == 0 && eq != NULL && *nmaps < 16) {
		maps[(*nmaps)++] = strtoull(eq + 3, NULL, 16);
		snprintf(line, sizeof(line), "%.*s = M%d", (int)(eq - l), l,
			 *nmaps);
	} else if (sscanf(l, "munmap(%llx, %llu) = %d", &a, &len, &ret) == 3) {
		mapping_name(maps, *nmaps, a, name, sizeof(name));
		snprintf(line, sizeof(line), "munmap(%s, %llu) = %d", name, len,
			 ret);
	} else {
		snprintf(line, sizeof(line), "%s", l);
	}
	append_line(&r->calls, line);
}

/*
 * Run "seed_NAME MODE" under strace -f, with the drop-in (@ours) or on
 * glibc, in the environment @env (NULL-terminated "NAME=VALUE" strings
 * added to dr_run()'s), and normalise its window into @r.
 */
static void seed_run_env(const char *name, const char *mode, bool ours,
			 char *const env[], struct seed_run *r)
{
	char log[] = "/tmp/ptm-seed-XXXXXX";
	char *argv[] = { EXP_STRACE,   "-f", "-a0", "-e",
			 STRACE_SET,   "-o", log,   (char *)dr_program(name),
			 (char *)mode, NULL };
	unsigned long long maps[16];
	int nmaps = 0, fd = mkstemp(log);
	struct dr_result res;
	char *text, *window;

	cr_assert(ge(int, fd, 0));
	close(fd);
	dr_run(argv, env, NULL, ours, &res);
	dr_assert_ok(&res, name);
	text = exp_slurp(log);
	unlink(log);
	cr_assert(ne(ptr, text, NULL));
	window = exp_strace_window(text);
	cr_assert(ne(ptr, window, NULL), "%s %s: no markers in\n%s", name, mode,
		  text);
	memset(r, 0, sizeof(*r));
	r->out = res.out;
	r->calls = strdup("");
	for (char *save = NULL, *l = strtok_r(window, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		normalise(r, l, maps, &nmaps);
	free(window);
	free(text);
	free(res.err);
}

/* The glibc side's tunables: tcache off (its header is still made). */
#define GLIBC_NO_TCACHE "GLIBC_TUNABLES=glibc.malloc.tcache_count=0"

/* seed_run_env() with no variables for ours, tcache off for glibc. */
static void seed_run(const char *name, const char *mode, bool ours,
		     struct seed_run *r)
{
	char *glibc_env[] = { GLIBC_NO_TCACHE, NULL };

	seed_run_env(name, mode, ours, ours ? NULL : glibc_env, r);
}

/* The expected window of one side of @table. */
static char *expected_calls(const struct seed_call *table, bool ours)
{
	char *s = strdup("");

	for (; table->ours != NULL || table->glibc != NULL; table++) {
		const char *l = ours ? table->ours : table->glibc;

		if (l != NULL)
			append_line(&s, l);
	}
	return s;
}

/*
 * The "current brk =%x" readings of @r as offsets from B, modulo 2^32
 * (the documents print the break with %x), into @got; their number.
 */
static int brk_readings(const struct seed_run *r, long long *got, int cap)
{
	static const char tag[] = "current brk =";
	int n = 0;

	for (const char *l = r->out; (l = strstr(l, tag)) != NULL && n < cap;
	     l += sizeof(tag) - 1) {
		unsigned v = (unsigned)strtoul(l + sizeof(tag) - 1, NULL, 16);

		got[n++] = (long long)(unsigned)(v - (unsigned)r->brk0);
	}
	return n;
}

/* Assert that runs @ours and @glibc made the calls of @table. */
static void check_calls(const struct seed_call *table,
			const struct seed_run *ours,
			const struct seed_run *glibc, const char *what)
{
	char *want = expected_calls(table, true);

	cr_expect(eq(str, ours->calls, want), "%s on the drop-in", what);
	free(want);
	want = expected_calls(table, false);
	cr_expect(eq(str, glibc->calls, want), "%s on glibc", what);
	free(want);
}

/* Run both sides of "seed_NAME MODE" and assert @table on each. */
static void check_trace(const char *name, const char *mode,
			const struct seed_call *table, struct seed_run *ours,
			struct seed_run *glibc)
{
	char what[64];

	seed_run(name, mode, true, ours);
	seed_run(name, mode, false, glibc);
	snprintf(what, sizeof(what), "%s %s", name, mode);
	check_calls(table, ours, glibc, what);
}

/* Assert the break readings of @r, @n of them, as offsets from B. */
static void check_readings(const struct seed_run *r, const char *side,
			   const long long *want, int n)
{
	long long got[16];

	cr_assert(eq(int, brk_readings(r, got, 16), n), "%s: readings", side);
	for (int i = 0; i < n; i++)
		cr_expect(eq(i64, got[i], want[i]), "%s: reading %d", side,
			  i + 1);
}

static void seed_run_free(struct seed_run *r)
{
	free(r->out);
	free(r->calls);
}

/*
 * The end of a two-sided check: the seven break readings of each side
 * (@want_ours and @want_glibc; none when NULL, for the programs that
 * print none), then both runs released.
 */
static void finish_seed(struct seed_run *ours, struct seed_run *glibc,
			const long long want_ours[7],
			const long long want_glibc[7])
{
	if (want_ours != NULL) {
		check_readings(ours, "ours", want_ours, 7);
		check_readings(glibc, "glibc", want_glibc, 7);
	}
	seed_run_free(ours);
	seed_run_free(glibc);
}

/* check_trace() on "seed_NAME MODE", then finish_seed(). */
static void check_seed(const char *name, const char *mode,
		       const struct seed_call *table,
		       const long long want_ours[7],
		       const long long want_glibc[7])
{
	struct seed_run ours, glibc;

	check_trace(name, mode, table, &ours, &glibc);
	finish_seed(&ours, &glibc, want_ours, want_glibc);
}

/* stdout is a file with st_blksize 4096: stdio's buffer is malloc(4096). */
Test(seeds, stdout_buffer_precondition)
{
	struct stat st;
	int fd = dr_tmpfile();

	cr_assert(eq(int, fstat(fd, &st), 0));
	cr_expect(eq(i64, (long long)st.st_blksize, 4096));
	close(fd);
}

/*
 * Figures below: "end" is a chunk's end as an offset from B (the heap
 * starts at B, page aligned).  top_pad + MINSIZE = 0x20020 by default,
 * 0x64020 with M_TOP_PAD 400 KiB.  A growth puts the break at
 * ALIGN_UP(end + top_pad + MINSIZE); a trim at
 * ALIGN_UP(last live end + top_pad + MINSIZE + 1).  The chunks: stdio's
 * buffer 0x1010 (4112), glibc's tcache header 0x290 (656), malloc(1 MiB)
 * 0x100010, malloc(100 KiB) 0x19010.
 */

/*
 * 4.3.1 test1 (document: one mmap of 1052672 and its munmap, nothing
 * else).  Ours is exactly the document.  glibc first creates its heap for
 * the tcache header: ALIGN_UP(0x290 + 0x20020) = 0x21000.
 */
Test(seed_4_3_1, test1_strace)
{
	static const struct seed_call table[] = {
		GLIBC(BRK_NULL),
		GLIBC(BRK("0x21000")),
		BOTH(MMAP_1M("M1")),
		BOTH(MUNMAP_1M("M1")),
		END,
	};

	check_seed("seed_4_3_1", "test1", table, NULL, NULL);
}

/*
 * 4.3.1 test2 (document: brk +0x121000, back to +0x21000; its brk(0)
 * readings are cached by today's sbrk, all but the first).  Ours is the
 * document.  glibc: the header's heap (+0x21000) first; then the 1 MiB
 * chunk ends at 0x1002a0 instead of 0x100010, and both
 * ALIGN_UP(end + 0x20020) = 0x121000; the trim keeps
 * ALIGN_UP(0x290 + 0x20021) = 0x21000, as with nothing live: the header
 * moves neither figure.
 */
static const struct seed_call mmap_max_test2_table[] = {
	BOTH(BRK_NULL),
	GLIBC(BRK("0x21000")),
	BOTH(BRK("0x121000")),
	BOTH(BRK("0x21000")),
	END,
};

Test(seed_4_3_1, test2_strace)
{
	check_seed("seed_4_3_1", "test2", mmap_max_test2_table, NULL, NULL);
}

/*
 * 4.3.2 test1 (document: mmap/munmap of 1052672, then brk +0x121000 and
 * no trim: the threshold rose to 1052672, the trim threshold to twice
 * that).  Ours is the document; its first sbrk comes with the heap.
 * glibc has the header's heap first, and the same +0x121000 (the 1 MiB
 * chunk ends 0x290 higher, same page).
 */
Test(seed_4_3_2, test1_strace)
{
	static const struct seed_call table[] = {
		GLIBC(BRK_NULL),
		GLIBC(BRK("0x21000")),
		BOTH(MMAP_1M("M1")),
		BOTH(MUNMAP_1M("M1")),
		OURS(BRK_NULL),
		BOTH(BRK("0x121000")),
		END,
	};

	check_seed("seed_4_3_2", "test1", table, NULL, NULL);
}

/* 4.3.2 test2 (document: two mmap/munmap pairs).  glibc: + the header. */
Test(seed_4_3_2, test2_strace)
{
	static const struct seed_call table[] = {
		GLIBC(BRK_NULL),
		GLIBC(BRK("0x21000")),
		BOTH(MMAP_1M("M1")),
		BOTH(MUNMAP_1M("M1")),
		BOTH(MMAP_1M("M2")),
		BOTH(MUNMAP_1M("M2")),
		END,
	};

	check_seed("seed_4_3_2", "test2", table, NULL, NULL);
}

/*
 * 4.3.3: the heap is created by the first printf (stdio's buffer), not
 * by the first malloc(32): ours at ALIGN_UP(0x1010 + 0x20020) =
 * 0x22000, glibc at 0x21000 for the header, the buffer then fits.
 */
static const struct seed_call mxfast_table[] = {
	BOTH(BRK_NULL),
	OURS(BRK("0x22000")),
	GLIBC(BRK("0x21000")),
	END,
};

/* The 30 numbers of the three mallinfo tables 4.3.3 prints, in order. */
static int mallinfo_figures(const char *out, long long *v, int cap)
{
	static const char tag[] = "):";
	int n = 0;

	for (const char *l = out; (l = strstr(l, tag)) != NULL && n < cap;
	     l += 2)
		v[n++] = strtoll(l + 2, NULL, 10);
	return n;
}

/*
 * Assert the three mallinfo tables @r printed (30 figures) against
 * @before, @alloc and @after_free, ten fields each; @side names the run.
 */
static void check_mallinfo_tables(const struct seed_run *r, const char *side,
				  const long long before[10],
				  const long long alloc[10],
				  const long long after_free[10])
{
	long long v[40];

	cr_assert(eq(int, mallinfo_figures(r->out, v, 40), 30), "%s", side);
	for (int i = 0; i < 10; i++) {
		cr_expect(eq(i64, v[i], before[i]), "%s before %d", side, i);
		cr_expect(eq(i64, v[10 + i], alloc[i]), "%s alloc %d", side, i);
		cr_expect(eq(i64, v[20 + i], after_free[i]), "%s free %d", side,
			  i);
	}
}

/*
 * The figures printed, field order arena, ordblks, smblks, hblks,
 * hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; before,
 * after allocating, after freeing.
 *
 * The document (glibc 2.17, no malloc'ed stdio buffer): before all 0
 * but ordblks 1 (no heap yet); after allocating arena 135168, uordblks
 * 960, fordblks = keepcost = 134208; after freeing test1 smblks 20,
 * fsmblks 960, fordblks 135168, keepcost 134208; test2 smblks 0,
 * fordblks = keepcost = 135168.
 *
 * Ours: stdio's 4112 bytes are in use from the first printf on, and the
 * heap is 0x22000 = 139264: arena +4096, uordblks +4112, fordblks and
 * keepcost -16 against the document; "before" already has the heap.
 * glibc: the header too (uordblks +4768), in a 0x21000 heap (arena as
 * the document), so fordblks and keepcost are the document's -4768.
 */
static void check_mxfast(const char *mode, const long long free_ours[10],
			 const long long free_glibc[10])
{
	static const long long before_ours[10] = { 139264, 1,	  0, 0,
						   0,	   0,	  0, 4112,
						   135152, 135152 };
	static const long long alloc_ours[10] = { 139264, 1,	 0, 0,
						  0,	  0,	 0, 5072,
						  134192, 134192 };
	static const long long before_glibc[10] = { 135168, 1,	   0, 0,
						    0,	    0,	   0, 4768,
						    130400, 130400 };
	static const long long alloc_glibc[10] = { 135168, 1,	  0, 0,
						   0,	   0,	  0, 5728,
						   129440, 129440 };
	struct seed_run ours, glibc;

	check_trace("seed_4_3_3", mode, mxfast_table, &ours, &glibc);
	check_mallinfo_tables(&ours, "ours", before_ours, alloc_ours,
			      free_ours);
	check_mallinfo_tables(&glibc, "glibc", before_glibc, alloc_glibc,
			      free_glibc);
	finish_seed(&ours, &glibc, NULL, NULL);
}

Test(seed_4_3_3, test1_mallinfo_and_strace)
{
	static const long long free_ours[10] = { 139264, 1,	20,  0,
						 0,	 0,	960, 4112,
						 135152, 134192 };
	static const long long free_glibc[10] = { 135168, 1,	 20,  0,
						  0,	  0,	 960, 4768,
						  130400, 129440 };

	check_mxfast("test1", free_ours, free_glibc);
}

Test(seed_4_3_3, test2_mallinfo_and_strace)
{
	static const long long free_ours[10] = {
		139264, 1, 0, 0, 0, 0, 0, 4112, 135152, 135152
	};
	static const long long free_glibc[10] = { 135168, 1,	 0, 0,
						  0,	  0,	 0, 4768,
						  130400, 130400 };

	check_mxfast("test2", free_ours, free_glibc);
}

/*
 * 4.3.4 test1 and 4.3.5 test1: five malloc(100 KiB), five frees.  The
 * document's readings (after each malloc, then after the frees):
 * +0x3a000, +0x3a000, +0x6c000, +0x6c000, +0x9e000, +0x21000: its heap
 * grows at p1 (end 0x19010), p3 (0x4b030) and p5 (0x7d050).  Here the
 * first printf already made the heap, and p1 fits in it:
 *
 *   ours:  stdio (end 0x1010) -> 0x22000; p2 (end 0x33030) -> 0x54000;
 *          p4 (end 0x65050) -> 0x86000; trim ALIGN_UP(0x1010 + 0x20021)
 *          = 0x22000;
 *   glibc: header (end 0x290) -> 0x21000, stdio fits (end 0x12a0); p2
 *          (end 0x332c0) -> 0x54000; p4 (end 0x652e0) -> 0x86000; trim
 *          ALIGN_UP(0x12a0 + 0x20021) = 0x22000.
 *
 * So the growth steps are the document's (+0x32000 every second malloc),
 * one malloc earlier, and the header changes only the first growth.
 */
static const struct seed_call top_pad_test1_table[] = {
	BOTH(BRK_NULL),
	OURS(BRK("0x22000")),
	GLIBC(BRK("0x21000")),
	BOTH(BRK("0x54000")),
	BOTH(BRK("0x86000")),
	BOTH(BRK("0x22000")),
	END,
};

Test(seed_4_3_4, test1_readings_and_strace)
{
	/* The first reading is taken before the first printf allocates. */
	static const long long want_ours[7] = { 0,	 0x22000, 0x54000,
						0x54000, 0x86000, 0x86000,
						0x22000 };
	static const long long want_glibc[7] = { 0,	  0x21000, 0x54000,
						 0x54000, 0x86000, 0x86000,
						 0x22000 };

	check_seed("seed_4_3_4", "test1", top_pad_test1_table, want_ours,
		   want_glibc);
}

/*
 * 4.3.4 test2, M_TOP_PAD 400 KiB (top_pad + MINSIZE = 0x64020).  The
 * document: +0x7e000 five times (p1, end 0x19010, grows it; p2..p5 fit),
 * +0x65000 after the frees.
 *
 *   ours:  stdio -> ALIGN_UP(0x1010 + 0x64020) = 0x66000; p1..p4 fit
 *          (p4 ends at 0x65050); p5 (end 0x7e060) -> 0xe3000; trim
 *          ALIGN_UP(0x1010 + 0x64021) = 0x66000;
 *   glibc: header -> ALIGN_UP(0x290 + 0x64020) = 0x65000; stdio, p1..p3
 *          fit; p4 (end 0x652e0) -> 0xca000; p5 fits; trim
 *          ALIGN_UP(0x12a0 + 0x64021) = 0x66000.
 *
 * Here the header moves a growth from p5 to p4: 0x290 is what pushes p4
 * past the first page boundary.
 */
static const struct seed_call top_pad_test2_table[] = {
	BOTH(BRK_NULL),
	OURS(BRK("0x66000")),
	GLIBC(BRK("0x65000")),
	OURS(BRK("0xe3000")),
	GLIBC(BRK("0xca000")),
	BOTH(BRK("0x66000")),
	END,
};

static const long long top_pad_test2_ours[7] = { 0,	  0x66000, 0x66000,
						 0x66000, 0x66000, 0xe3000,
						 0x66000 };

static const long long top_pad_test2_glibc[7] = { 0,	   0x65000, 0x65000,
						  0x65000, 0xca000, 0xca000,
						  0x66000 };

Test(seed_4_3_4, test2_readings_and_strace)
{
	check_seed("seed_4_3_4", "test2", top_pad_test2_table,
		   top_pad_test2_ours, top_pad_test2_glibc);
}

/*
 * 4.3.5 test1 is 4.3.4 test1 with a "-----before malloc-----" printf
 * first, so the first reading already sees stdio's heap.  The document:
 * "before" +0, then as 4.3.4 test1.
 */
Test(seed_4_3_5, test1_readings_and_strace)
{
	static const long long want_ours[7] = { 0x22000, 0x22000, 0x54000,
						0x54000, 0x86000, 0x86000,
						0x22000 };
	static const long long want_glibc[7] = { 0x21000, 0x21000, 0x54000,
						 0x54000, 0x86000, 0x86000,
						 0x22000 };

	check_seed("seed_4_3_5", "test1", top_pad_test1_table, want_ours,
		   want_glibc);
}

/*
 * 4.3.5 test2, M_TRIM_THRESHOLD 800 KiB: the same growths, and after
 * the frees top (0x86000 minus the live bottom chunks) is below
 * 0xc8000, so neither run trims (the document: the break stays at its
 * last value, +0x9e000 there).
 */
Test(seed_4_3_5, test2_readings_and_strace)
{
	static const struct seed_call table[] = {
		BOTH(BRK_NULL),	       OURS(BRK("0x22000")),
		GLIBC(BRK("0x21000")), BOTH(BRK("0x54000")),
		BOTH(BRK("0x86000")),  END,
	};
	static const long long want_ours[7] = { 0x22000, 0x22000, 0x54000,
						0x54000, 0x86000, 0x86000,
						0x86000 };
	static const long long want_glibc[7] = { 0x21000, 0x21000, 0x54000,
						 0x54000, 0x86000, 0x86000,
						 0x86000 };

	check_seed("seed_4_3_5", "test2", table, want_ours, want_glibc);
}

/*
 * glibc's environment tunables reach the drop-in: a seed program run
 * with variable @var must behave as the document's program that calls
 * mallopt() with the same value, on both sides.  The glibc side keeps
 * tcache_count=0 (in the same GLIBC_TUNABLES string when @var is one).
 * The readings as in finish_seed().
 */
static void check_tunable(const char *name, const char *mode, char *var,
			  const struct seed_call *table,
			  const long long want_ours[7],
			  const long long want_glibc[7])
{
	static const char gt[] = "GLIBC_TUNABLES=";
	char both[256], what[128];
	char *ours_env[] = { var, NULL };
	char *glibc_env[] = { var, GLIBC_NO_TCACHE, NULL };
	struct seed_run ours, glibc;

	if (strncmp(var, gt, sizeof(gt) - 1) == 0) {
		snprintf(both, sizeof(both), "%s:%s", GLIBC_NO_TCACHE,
			 var + sizeof(gt) - 1);
		glibc_env[0] = both;
		glibc_env[1] = NULL;
	}
	seed_run_env(name, mode, true, ours_env, &ours);
	seed_run_env(name, mode, false, glibc_env, &glibc);
	snprintf(what, sizeof(what), "%s %s with %s", name, mode, var);
	check_calls(table, &ours, &glibc, what);
	finish_seed(&ours, &glibc, want_ours, want_glibc);
}

/* MALLOC_MMAP_MAX_=0 turns 4.3.1 test1 into test2. */
Test(seed_tunables, malloc_mmap_max_env)
{
	check_tunable("seed_4_3_1", "test1", "MALLOC_MMAP_MAX_=0",
		      mmap_max_test2_table, NULL, NULL);
}

/* The same through GLIBC_TUNABLES. */
Test(seed_tunables, glibc_tunables_mmap_max)
{
	check_tunable("seed_4_3_1", "test1",
		      "GLIBC_TUNABLES=glibc.malloc.mmap_max=0",
		      mmap_max_test2_table, NULL, NULL);
}

/* MALLOC_TOP_PAD_=409600 turns 4.3.4 test1 into test2, readings too. */
Test(seed_tunables, malloc_top_pad_env)
{
	check_tunable("seed_4_3_4", "test1", "MALLOC_TOP_PAD_=409600",
		      top_pad_test2_table, top_pad_test2_ours,
		      top_pad_test2_glibc);
}
