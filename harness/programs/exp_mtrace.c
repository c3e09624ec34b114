// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_mtrace: E-6.1, mtrace (001 section 6.1), for `make experiments`.
 *
 *	exp_mtrace basic
 *
 * Runs mtrace_prog basic (two ptm_malloc(sizeof(int)), the first freed,
 * ptm_muntrace()) under MALLOC_TRACE=<temporary file>, checks the file
 * line by line against the addresses and source lines the program
 * reports, then runs glibc's mtrace script (Debian libc-devtools) on it
 * with the binary.  The measuring happens in those child processes; this
 * one never allocates through the allocator, so it reports itself as on
 * a simulated break (its own break and glibc's heap do not matter).
 *
 * Keys: trace_lines, start_line (1: the first line is "= Start"),
 * alloc_lines ("@ PROG:[0xREL] + ADDR 0x4" with the program's addresses),
 * free_lines ("- ADDR" of the first block), end_line (1: the last line
 * is "= End"), callers_ok (lines whose caller addr2line resolves to the
 * call's source line), script_status, script_leaks (rows under "Memory
 * not freed"), script_leak_size (their size column), script_other_lines
 * (anything else the script printed), plus those of exp_util.h.
 */
#include "exp_util.h"
#include "mtrace_run.h"

static char prog_out[8192], trace[16384], script_out[8192];

/* Read the whole file @path into trace[]. */
static void read_trace(const char *path)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		exp_die("exp_mtrace: no trace file\n");
	while ((n = read(fd, trace + len, sizeof(trace) - 1 - len)) > 0)
		len += (size_t)n;
	trace[len] = '\0';
	close(fd);
}

/* Whether @text is the event @op of note @n with @size (NULL: none). */
static bool event_matches(const char *text, const struct mt_note *n,
			  const char *op, const char *size, int *callers)
{
	struct mt_line l;
	char pos[4400];

	if (!mt_parse(text, &l) || strcmp(l.file, MT_PROG) != 0 ||
	    strcmp(l.op, op) != 0 || strcmp(l.addr, n->addr) != 0 ||
	    strcmp(l.size, size != NULL ? size : "") != 0)
		return false;
	mt_addr2line(MT_PROG, l.rel, pos, sizeof(pos));
	*callers += mt_is_prog_line(pos, n->line);
	return true;
}

/* The trace: its lines against the program's three calls. */
static void measure_trace(const struct mt_note *notes)
{
	const char *c = trace;
	char text[4400], last[4400] = "";
	int lines = 0, allocs = 0, frees = 0, callers = 0, start = 0;

	while (mt_next_line(&c, text, sizeof(text))) {
		if (lines == 0)
			start = strcmp(text, "= Start") == 0;
		else if (lines <= 2)
			allocs += event_matches(text, &notes[lines - 1], "+",
						"0x4", &callers);
		else if (lines == 3)
			frees += event_matches(text, &notes[2], "-", NULL,
					       &callers);
		snprintf(last, sizeof(last), "%s", text);
		lines++;
	}
	exp_put("trace_lines", lines);
	exp_put("start_line", start);
	exp_put("alloc_lines", allocs);
	exp_put("free_lines", frees);
	exp_put("end_line", strcmp(last, "= End") == 0);
	exp_put("callers_ok", callers);
}

/* glibc's mtrace script on the trace, with the binary. */
static void measure_script(const char *path)
{
	const char *c = script_out;
	char text[512];
	unsigned long addr, size;
	int status, leaks = 0, other = 0, rows = 0;
	long long leak_size = 0;

	status = mt_run_script(MT_PROG, path, script_out, sizeof(script_out));
	exp_put("script_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	while (mt_next_line(&c, text, sizeof(text))) {
		rows++;
		if (rows <= 4 &&
		    strcmp(text, rows == 1 ? "" :
				 rows == 2 ? "Memory not freed:" :
				 rows == 3 ? "-----------------" :
					     "           Address     Size     "
					     "Caller") == 0)
			continue;
		if (rows > 4 &&
		    sscanf(text, "%lx %lx  at ", &addr, &size) == 2) {
			leaks++;
			leak_size += (long long)size;
			continue;
		}
		other++;
	}
	exp_put("script_leaks", leaks);
	exp_put("script_leak_size", leak_size);
	exp_put("script_other_lines", other);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/ptm-exp-mtrace-XXXXXX";
	struct mt_note notes[MT_MAX_NOTES];
	int fd, status;

	if (argc < 2 || strcmp(argv[1], "basic") != 0)
		exp_usage("exp_mtrace", "basic");
	exp_setup(argc, argv, true);
	fd = mkstemp(path);
	if (fd < 0)
		exp_die("exp_mtrace: mkstemp failed\n");
	close(fd);
	status = mt_run_prog("basic", path, prog_out, sizeof(prog_out));
	if (status != 0 || mt_notes(prog_out, notes, MT_MAX_NOTES) != 3) {
		unlink(path);
		exp_die("exp_mtrace: mtrace_prog basic failed\n");
	}
	read_trace(path);
	measure_trace(notes);
	measure_script(path);
	unlink(path);
	return exp_finish();
}
