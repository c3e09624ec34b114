// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mtrace (malloc/mtrace.c): E-6.1 and the rest of the log format.
 *
 * Each test runs harness/programs/mtrace_prog in a mode under
 * MALLOC_TRACE=<temporary file> and checks the file line by line against
 * what the program reports it did (addresses, and the source line of
 * each call, which addr2line must give for the caller address of the
 * line), then feeds it to glibc's own mtrace script (Debian package
 * libc-devtools), whose report and exit status are asserted whole.
 * dropin_standard_names runs harness/programs/dropin_mtrace, which calls
 * mtrace() and muntrace() by their standard names, on the drop-in and on
 * glibc's own tracer, and compares the two traces.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "programs/mtrace_run.h"

/* Output buffers: the threads mode writes about 4000 lines. */
#define BIG (1 << 20)

static char trace_path[64];
static char prog_out[BIG], trace[BIG], script_out[BIG];
static struct mt_note notes[MT_MAX_NOTES];
static int nnotes;

/* A fresh temporary file name for the trace. */
static void make_trace_path(void)
{
	int fd;

	snprintf(trace_path, sizeof(trace_path), "/tmp/ptm-mtrace-XXXXXX");
	fd = mkstemp(trace_path);
	cr_assert(ge(int, fd, 0), "mkstemp: %s", strerror(errno));
	close(fd);
}

/* Read the whole trace file into trace[]; false when it does not exist. */
static bool read_trace(void)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(trace_path, O_RDONLY);

	trace[0] = '\0';
	if (fd < 0)
		return false;
	while ((n = read(fd, trace + len, sizeof(trace) - 1 - len)) > 0)
		len += (size_t)n;
	trace[len] = '\0';
	close(fd);
	return true;
}

/*
 * Run mtrace_prog @mode traced, with the extra variable @env (or none);
 * it must exit 0.  Reads notes and trace.
 */
static void run_traced_env(const char *mode, const char *env)
{
	int status;

	make_trace_path();
	status = mt_run_prog_env(mode, trace_path, env, prog_out,
				 sizeof(prog_out));
	cr_assert(eq(int, status, 0), "mtrace_prog %s: status %#x, output:\n%s",
		  mode, status, prog_out);
	nnotes = mt_notes(prog_out, notes, MT_MAX_NOTES);
	cr_assert(read_trace(), "no trace file %s", trace_path);
}

/* run_traced_env() with no extra variable. */
static void run_traced(const char *mode)
{
	run_traced_env(mode, NULL);
}

/* The exit status of wait status @status, -1 if it did not exit. */
static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void remove_trace(void)
{
	if (trace_path[0] != '\0')
		unlink(trace_path);
}

TestSuite(mtrace, .fini = remove_trace);

/*
 * The next trace line must be "@ @prog:[0xREL] @op @addr[ @size]", with
 * REL at line @line of harness/programs/@src.  The line, split, into @l.
 */
static void expect_event_of(const char *prog, const char *src,
			    const char **cursor, const char *op,
			    const char *addr, const char *size, int line,
			    struct mt_line *l)
{
	char text[4400], pos[4400];

	cr_assert(mt_next_line(cursor, text, sizeof(text)),
		  "trace ends before '%s %s'", op, addr);
	cr_assert(mt_parse(text, l), "malformed trace line '%s'", text);
	cr_expect(eq(str, l->file, (char *)prog), "caller object in '%s'",
		  text);
	cr_expect(eq(str, l->op, (char *)op), "operation in '%s'", text);
	cr_expect(eq(str, l->addr, (char *)addr), "address in '%s'", text);
	cr_expect(eq(str, l->size, (char *)(size != NULL ? size : "")),
		  "size in '%s'", text);
	mt_addr2line(prog, l->rel, pos, sizeof(pos));
	cr_expect(mt_is_src_line(pos, src, line),
		  "caller %s of '%s' is %s, not %s:%d", l->rel, text, pos, src,
		  line);
}

/*
 * expect_event_of() for mtrace_prog.  Returns REL in @rel when asked.
 */
static void expect_event(const char **cursor, const char *op, const char *addr,
			 const char *size, int line, char *rel)
{
	static struct mt_line l;

	expect_event_of(MT_PROG, "mtrace_prog.c", cursor, op, addr, size, line,
			&l);
	if (rel != NULL)
		strcpy(rel, l.rel);
}

/* The next trace line must be exactly @want. */
static void expect_text(const char **cursor, const char *want)
{
	char text[4400];

	cr_assert(mt_next_line(cursor, text, sizeof(text)),
		  "trace ends before '%s'", want);
	cr_expect(eq(str, text, (char *)want));
}

/* The note @i must be @event; its address. */
static const char *note_addr(int i, const char *event)
{
	cr_assert(lt(int, i, nnotes), "mtrace_prog reported %d calls", nnotes);
	cr_assert(eq(str, notes[i].event, (char *)event), "note %d", i);
	return notes[i].addr;
}

/* The trace must have ended. */
static void expect_end_of_trace(const char *cursor)
{
	cr_expect(eq(str, (char *)cursor, ""), "trace continues: '%s'", cursor);
}

/* glibc's mtrace script, given the binary @prog, finds no leak. */
static void expect_no_leaks(const char *prog)
{
	int status =
		mt_run_script(prog, trace_path, script_out, sizeof(script_out));

	cr_expect(eq(int, exit_code(status), 0));
	cr_expect(eq(str, script_out, "No memory leaks.\n"));
}

/*
 * glibc's mtrace script reports exactly one block not freed, note @i's,
 * of @size bytes (the script right-aligns it in 8 columns), and exits
 * with status 1.  With @caller NULL it is given mtrace_prog's binary and
 * must name note @i's source line; else it runs without the binary and
 * must print @caller, the relative caller address.
 */
static void expect_one_leak(int i, const char *size, const char *caller)
{
	char want[512], pos[4400];
	int status;

	status = mt_run_script(caller == NULL ? MT_PROG : NULL, trace_path,
			       script_out, sizeof(script_out));
	cr_expect(eq(int, exit_code(status), 1));
	if (caller == NULL) {
		/* The caller as the script spelled it (through addr2line). */
		cr_assert(ne(ptr, strstr(script_out, " at "), NULL), "%s",
			  script_out);
		snprintf(pos, sizeof(pos), "%s",
			 strstr(script_out, " at ") + 4);
		pos[strcspn(pos, "\n")] = '\0';
		cr_expect(mt_is_prog_line(pos, notes[i].line), "caller %s",
			  pos);
		caller = pos;
	}
	snprintf(want, sizeof(want),
		 "\nMemory not freed:\n-----------------\n"
		 "           Address     Size     Caller\n"
		 "%#018lx %8s  at %s\n",
		 strtoul(notes[i].addr, NULL, 16), size, caller);
	cr_expect(eq(str, script_out, want));
}

/* E-6.1: two malloc(sizeof(int)), one freed: the file line by line. */
Test(mtrace, e6_1_trace_file)
{
	const char *c = trace;

	run_traced("basic");
	cr_assert(eq(int, nnotes, 3));
	expect_text(&c, "= Start");
	expect_event(&c, "+", note_addr(0, "malloc"), "0x4", notes[0].line,
		     NULL);
	expect_event(&c, "+", note_addr(1, "malloc"), "0x4", notes[1].line,
		     NULL);
	expect_event(&c, "-", note_addr(2, "free"), NULL, notes[2].line, NULL);
	cr_expect(eq(str, notes[2].addr, notes[0].addr));
	expect_text(&c, "= End");
	expect_end_of_trace(c);
}

/*
 * E-6.1: glibc's mtrace script, given the binary, reports exactly the
 * block of 0x4 not freed with the source line of its malloc, and exits
 * with status 1.
 */
Test(mtrace, e6_1_mtrace_script)
{
	run_traced("basic");
	cr_assert(eq(int, nnotes, 3));
	expect_one_leak(1, "0x4", NULL);
}

/* Without the binary the script shows the relative caller address. */
Test(mtrace, e6_1_mtrace_script_without_binary)
{
	const char *c = trace;
	char rel[32];

	run_traced("basic");
	cr_assert(eq(int, nnotes, 3));
	expect_text(&c, "= Start");
	expect_event(&c, "+", notes[0].addr, "0x4", notes[0].line, NULL);
	expect_event(&c, "+", notes[1].addr, "0x4", notes[1].line, rel);
	expect_one_leak(1, "0x4", rel);
}

/*
 * Every traced entry point: calloc and the aligned family log "+" with
 * the size asked for (pvalloc's rounded to a page), realloc logs "<" and
 * ">" (moved or in place), "+" from NULL, "-" to size 0, "!" on failure;
 * a failed malloc logs "+ (nil)"; free(NULL) and every call after
 * ptm_muntrace() log nothing.  The script finds no leak.
 */
Test(mtrace, every_call)
{
	const char *c = trace;
	char rel1[32], rel2[32];

	run_traced("calls");
	cr_assert(eq(int, nnotes, 22), "%s", prog_out);
	expect_text(&c, "= Start");
	expect_event(&c, "+", note_addr(0, "calloc"), "0x18", notes[0].line,
		     NULL);
	expect_event(&c, "-", note_addr(1, "free"), NULL, notes[1].line, NULL);
	/* realloc_calls(): a and guard, then the realloc cases. */
	expect_event(&c, "+", note_addr(2, "malloc"), "0x18", notes[2].line,
		     NULL);
	expect_event(&c, "+", note_addr(3, "malloc"), "0x18", notes[3].line,
		     NULL);
	expect_event(&c, "<", notes[2].addr, NULL, notes[4].line, rel1);
	expect_event(&c, ">", note_addr(4, "realloc"), "0x7d0", notes[4].line,
		     rel2);
	cr_expect(eq(str, rel1, rel2), "both lines of a realloc: one caller");
	cr_expect(ne(str, notes[4].addr, notes[2].addr), "moved");
	expect_event(&c, "<", notes[4].addr, NULL, notes[5].line, NULL);
	expect_event(&c, ">", note_addr(5, "realloc"), "0x64", notes[5].line,
		     NULL);
	cr_expect(eq(str, notes[5].addr, notes[4].addr), "shrunk in place");
	expect_event(&c, "+", note_addr(6, "realloc"), "0x28", notes[6].line,
		     NULL);
	cr_expect(eq(str, (char *)note_addr(7, "realloc"), "(nil)"));
	expect_event(&c, "-", notes[6].addr, NULL, notes[7].line, NULL);
	cr_expect(eq(str, (char *)note_addr(8, "realloc"), "(nil)"));
	expect_event(&c, "!", notes[5].addr, "0xffffffffffffefff",
		     notes[8].line, NULL);
	expect_event(&c, "-", note_addr(9, "free"), NULL, notes[9].line, NULL);
	cr_expect(eq(str, notes[9].addr, notes[5].addr));
	expect_event(&c, "-", note_addr(10, "free"), NULL, notes[10].line,
		     NULL);
	cr_expect(eq(str, notes[10].addr, notes[3].addr));
	/* A failed malloc; then free(NULL), which is not logged. */
	expect_event(&c, "+", "(nil)", "0xffffffffffffefff", notes[11].line,
		     NULL);
	cr_expect(eq(str, (char *)note_addr(11, "malloc"), "(nil)"));
	/* The aligned family, each followed by its free. */
	expect_event(&c, "+", note_addr(12, "memalign"), "0x64", notes[12].line,
		     NULL);
	expect_event(&c, "-", note_addr(13, "free"), NULL, notes[13].line,
		     NULL);
	expect_event(&c, "+", note_addr(14, "posix_memalign"), "0xa",
		     notes[14].line, NULL);
	expect_event(&c, "-", note_addr(15, "free"), NULL, notes[15].line,
		     NULL);
	expect_event(&c, "+", note_addr(16, "aligned_alloc"), "0x40",
		     notes[16].line, NULL);
	expect_event(&c, "-", note_addr(17, "free"), NULL, notes[17].line,
		     NULL);
	expect_event(&c, "+", note_addr(18, "valloc"), "0x5", notes[18].line,
		     NULL);
	expect_event(&c, "-", note_addr(19, "free"), NULL, notes[19].line,
		     NULL);
	expect_event(&c, "+", note_addr(20, "pvalloc"), "0x1000",
		     notes[20].line, NULL);
	expect_event(&c, "-", note_addr(21, "free"), NULL, notes[21].line,
		     NULL);
	expect_text(&c, "= End");
	expect_end_of_trace(c);
	expect_no_leaks(MT_PROG);
}

/*
 * Over MALLOC_CHECK_=3 the tracer keeps the checking hooks it found and
 * calls them: the same events, in the same form (the blocks, each with
 * its magic byte, are placed differently), and no leak.
 */
Test(mtrace, over_malloc_check)
{
	const char *c = trace;
	char text[4400];
	struct mt_line l;
	int events = 0;

	run_traced_env("calls", "MALLOC_CHECK_=3");
	cr_assert(eq(int, nnotes, 22));
	expect_text(&c, "= Start");
	while (mt_next_line(&c, text, sizeof(text)) &&
	       strcmp(text, "= End") != 0) {
		cr_expect(mt_parse(text, &l), "malformed line '%s'", text);
		events++;
	}
	cr_expect(eq(str, text, "= End"));
	expect_end_of_trace(c);
	cr_expect(eq(int, events, 24), "the events of mode calls");
	expect_no_leaks(MT_PROG);
}

/* A second ptm_mtrace() or ptm_muntrace() changes nothing. */
Test(mtrace, twice)
{
	const char *c = trace;

	run_traced("twice");
	cr_assert(eq(int, nnotes, 2));
	expect_text(&c, "= Start");
	expect_event(&c, "+", note_addr(0, "malloc"), "0x10", notes[0].line,
		     NULL);
	expect_event(&c, "-", note_addr(1, "free"), NULL, notes[1].line, NULL);
	cr_expect(eq(str, notes[1].addr, notes[0].addr));
	expect_text(&c, "= End");
	expect_end_of_trace(c);
}

/*
 * A program that ends while tracing has every event in the file already
 * (nothing is buffered), and no "= End": glibc writes that only in
 * muntrace().
 */
Test(mtrace, exit_while_tracing)
{
	const char *c = trace;

	run_traced("noend");
	cr_assert(eq(int, nnotes, 3));
	expect_text(&c, "= Start");
	expect_event(&c, "+", note_addr(0, "malloc"), "0x64", notes[0].line,
		     NULL);
	expect_event(&c, "+", note_addr(1, "malloc"), "0xc8", notes[1].line,
		     NULL);
	expect_event(&c, "-", note_addr(2, "free"), NULL, notes[2].line, NULL);
	expect_end_of_trace(c);
	expect_one_leak(0, "0x64", NULL);
}

/*
 * Without MALLOC_TRACE, or with a file that cannot be created, there is
 * no trace and the program runs as usual.
 */
Test(mtrace, no_trace_file)
{
	int status;

	status = mt_run_prog("basic", NULL, prog_out, sizeof(prog_out));
	cr_assert(eq(int, status, 0));
	cr_expect(eq(int, mt_notes(prog_out, notes, MT_MAX_NOTES), 3));

	snprintf(trace_path, sizeof(trace_path), "/nonexistent-ptm-dir/trace");
	status = mt_run_prog("basic", trace_path, prog_out, sizeof(prog_out));
	cr_assert(eq(int, status, 0));
	cr_expect(eq(int, mt_notes(prog_out, notes, MT_MAX_NOTES), 3));
	cr_expect(not(read_trace()));
	trace_path[0] = '\0';
}

/*
 * Four threads allocating while tracing: no deadlock, and the file stays
 * well formed, one complete line per event (the tracer lock).  Counts are
 * not asserted: with glibc's hook protocol an allocation of one thread
 * while another's hook has put the old hook back goes untraced.
 */
Test(mtrace, threads)
{
	const char *c = trace;
	char text[4400];
	struct mt_line l;
	int events = 0;

	run_traced("threads");
	expect_text(&c, "= Start");
	while (mt_next_line(&c, text, sizeof(text)) &&
	       strcmp(text, "= End") != 0) {
		cr_assert(mt_parse(text, &l), "malformed line '%s'", text);
		cr_assert(eq(str, l.file, MT_PROG));
		cr_assert(strcmp(l.op, "+") == 0 || strcmp(l.op, "-") == 0,
			  "'%s'", text);
		events++;
	}
	cr_expect(eq(str, text, "= End"));
	expect_end_of_trace(c);
	cr_expect(le(int, events, 4000));
	cr_expect(gt(int, events, 0));
}

/* ---- mtrace() and muntrace() by their standard names ---------------- */

#define DM_PROG PTM_PROGRAMS_DIR "/dropin_mtrace"
#define DM_SRC "dropin_mtrace.c"
/* The events of one run of dropin_mtrace. */
#define DM_EVENTS 6

/*
 * Run dropin_mtrace under MALLOC_TRACE=<a fresh file>, preloading
 * @preload (nothing when NULL); it must exit 0.  Reads notes and trace.
 */
static void run_dropin_mtrace(const char *preload)
{
	char env_trace[128], env_preload[4200];
	char *argv[] = { DM_PROG, NULL };
	char *envp[4] = { "LC_ALL=C", env_trace, NULL, NULL };
	int status;

	remove_trace();
	make_trace_path();
	snprintf(env_trace, sizeof(env_trace), "MALLOC_TRACE=%s", trace_path);
	if (preload != NULL) {
		snprintf(env_preload, sizeof(env_preload), "LD_PRELOAD=%s",
			 preload);
		envp[2] = env_preload;
	}
	status = mt_run(argv, envp, prog_out, sizeof(prog_out));
	cr_assert(eq(int, status, 0), "dropin_mtrace: status %#x, output:\n%s",
		  status, prog_out);
	nnotes = mt_notes(prog_out, notes, MT_MAX_NOTES);
	cr_assert(eq(int, nnotes, 5), "%s", prog_out);
	cr_assert(read_trace(), "no trace file %s", trace_path);
}

/*
 * The trace of the last run of dropin_mtrace must be exactly, line by
 * line: "= Start", malloc(10), malloc(200), realloc to 3000 ("<" old,
 * ">" new), two frees, "= End", every address the one the program saw
 * and every caller its line of dropin_mtrace.c.  The events into @l.
 */
static void expect_dropin_trace(struct mt_line l[DM_EVENTS])
{
	const char *c = trace;

	expect_text(&c, "= Start");
	expect_event_of(DM_PROG, DM_SRC, &c, "+", note_addr(0, "malloc"), "0xa",
			notes[0].line, &l[0]);
	expect_event_of(DM_PROG, DM_SRC, &c, "+", note_addr(1, "malloc"),
			"0xc8", notes[1].line, &l[1]);
	expect_event_of(DM_PROG, DM_SRC, &c, "<", notes[1].addr, NULL,
			notes[2].line, &l[2]);
	expect_event_of(DM_PROG, DM_SRC, &c, ">", note_addr(2, "realloc"),
			"0xbb8", notes[2].line, &l[3]);
	expect_event_of(DM_PROG, DM_SRC, &c, "-", note_addr(3, "free"), NULL,
			notes[3].line, &l[4]);
	cr_expect(eq(str, notes[3].addr, notes[0].addr));
	expect_event_of(DM_PROG, DM_SRC, &c, "-", note_addr(4, "free"), NULL,
			notes[4].line, &l[5]);
	cr_expect(eq(str, notes[4].addr, notes[2].addr));
	expect_text(&c, "= End");
	expect_end_of_trace(c);
}

/*
 * The drop-in exports mtrace and muntrace: a program that calls them by
 * their standard names under LD_PRELOAD=build/libptmalloc.so is traced
 * by this allocator, in the format of glibc 2.36's own tracer
 * (libc_malloc_debug.so.0, preloaded in a first run of the same
 * program): the same lines, with the same callers, sizes and
 * operations; only the block addresses differ.  Without either library
 * glibc's mtrace() is a stub and the file stays empty.
 */
Test(mtrace, dropin_standard_names)
{
	static struct mt_line glibc_lines[DM_EVENTS], ours[DM_EVENTS];

	run_dropin_mtrace("libc_malloc_debug.so.0");
	expect_dropin_trace(glibc_lines);

	run_dropin_mtrace(PTM_PROGRAMS_DIR "/../../libptmalloc.so");
	expect_dropin_trace(ours);
	for (int i = 0; i < DM_EVENTS; i++) {
		cr_expect(eq(str, ours[i].rel, glibc_lines[i].rel),
			  "caller of event %d", i);
		cr_expect(eq(str, ours[i].op, glibc_lines[i].op));
		cr_expect(eq(str, ours[i].size, glibc_lines[i].size));
	}
	expect_no_leaks(DM_PROG);

	run_dropin_mtrace(NULL);
	cr_expect(eq(str, trace, ""), "glibc's stub traced: '%s'", trace);
}
