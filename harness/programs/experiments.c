// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * experiments: the table of `make experiments`.
 *
 *	experiments [--only ID-PREFIX] [--verbose] [--html DIR]
 *		    [--programs DIR --runner CMD --port]
 *
 * Runs every experiment program (harness/programs/exp_*.c) once per mode,
 * the ones about E-4.3.x a second time under the real strace, and prints
 * one row per figure of the documents (exp_figures.h):
 *
 *	ID  MEASURE  EXPECTED  DOCUMENT  MEASURED  OK|DIFF  [erratum N]
 *
 * EXPECTED is the figure the row is checked against: the document's,
 * corrected where an erratum of docs/errata.md applies.  DOCUMENT is the
 * figure the document itself prints, so that both stand side by side
 * (the same number where no erratum changes it; an erratum in the text
 * around an unchanged figure is named in the note).  MEASURED comes from
 * running the allocator.  The last line is
 * "N figures, N OK, N DIFF"; the exit status is 1 on any DIFF or on any
 * failed precondition (a program that did not exit 0, a break already
 * moved before main(), glibc's malloc used by a real-break program).
 *
 * With --html DIR it also writes DIR/index.html, the same table per
 * experiment with timelines of the strace runs and heap maps taken by a
 * second run of some programs (exp_report.h); a report that cannot be
 * written makes the exit status 1 too.
 *
 * With --programs DIR and --runner CMD it runs a port's programs (DIR,
 * a build-<port>/harness/programs) under CMD, the port's qemu-user
 * command line; --port then keeps only the rows whose figures do not
 * depend on the word size and need no strace (exp_port_row()).  That is
 * what make check-ports runs for each port.
 *
 * This process is the measuring one, not a measured one: it uses stdio
 * and glibc's malloc freely and never calls the allocator itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exp_figures.h"
#include "exp_port.h"
#include "exp_report.h"
#include "exp_run.h"

#define NFIGURES (sizeof(exp_figures) / sizeof(exp_figures[0]))

/* One distinct run of the table, executed once. */
struct run {
	const char *cmd;
	struct exp_result res;
};

static struct run runs[NFIGURES];
static size_t nruns;

/* The rows as printed, for the report. */
static struct exp_row rows[NFIGURES];
static size_t nrows;

/* Command-line options. */
static const char *only_prefix;
static bool verbose;
static const char *html_dir;
static bool port_rows;

/* Whether figure @f is selected by --only (and by --port). */
static bool selected(const struct exp_figure *f)
{
	if (port_rows && !exp_port_row(f))
		return false;
	return only_prefix == NULL ||
	       strncmp(f->id, only_prefix, strlen(only_prefix)) == 0;
}

/* The run of command @cmd, executing it the first time it is asked. */
static struct run *run_of(const char *cmd)
{
	const char *strace_prefix = "strace ";
	bool use_strace;

	for (size_t i = 0; i < nruns; i++)
		if (strcmp(runs[i].cmd, cmd) == 0)
			return &runs[i];
	use_strace = strncmp(cmd, strace_prefix, strlen(strace_prefix)) == 0;
	runs[nruns].cmd = cmd;
	if (verbose)
		fprintf(stderr, "running %s\n", cmd);
	exp_run(use_strace ? cmd + strlen(strace_prefix) : cmd, use_strace,
		&runs[nruns].res);
	if (use_strace)
		exp_strace_summary(&runs[nruns].res);
	if (verbose)
		fprintf(stderr, "%s", runs[nruns].res.out);
	return &runs[nruns++];
}

/* The run of @cmd if it has been executed (exp_report.h). */
static const struct exp_result *exp_report_result(const char *cmd)
{
	for (size_t i = 0; i < nruns; i++)
		if (strcmp(runs[i].cmd, cmd) == 0)
			return &runs[i].res;
	return NULL;
}

/* Format @v as row format @fmt wants into @buf. */
static void format_value(char *buf, size_t cap, long long v, enum exp_fmt fmt)
{
	switch (fmt) {
	case EXP_BRK:
		snprintf(buf, cap, "%s0x%llx", v < 0 ? "-" : "+",
			 (unsigned long long)(v < 0 ? -v : v));
		break;
	case EXP_HEX:
		snprintf(buf, cap, "0x%llx", (unsigned long long)v);
		break;
	default:
		snprintf(buf, cap, "%lld", v);
		break;
	}
}

/* The EXPECTED (@value: @f->want) or DOCUMENT (@f->doc) column of @f. */
static void format_figure(char *buf, size_t cap, const struct exp_figure *f,
			  long long value)
{
	char v[48];

	format_value(v, sizeof(v), value, f->fmt);
	if (f->cmp == EXP_GE)
		snprintf(buf, cap, ">= %s", v);
	else if (f->cmp == EXP_ABS_LE)
		snprintf(buf, cap, "|d| <= %s", v);
	else
		snprintf(buf, cap, "%s", v);
}

/* Whether @measured satisfies @f. */
static bool figure_ok(const struct exp_figure *f, long long measured)
{
	switch (f->cmp) {
	case EXP_GE:
		return measured >= f->want;
	case EXP_ABS_LE:
		return llabs(measured) <= f->want;
	default:
		return measured == f->want;
	}
}

/* The MEASURED column of @f, from the run's output; its verdict. */
static bool measure(const struct exp_figure *f, char *buf, size_t cap)
{
	struct run *r = run_of(f->run);
	long long v;

	if (!r->res.ok) {
		if (WIFSIGNALED(r->res.status))
			snprintf(buf, cap, "(signal %d)",
				 WTERMSIG(r->res.status));
		else
			snprintf(buf, cap, "(exit %d)",
				 WEXITSTATUS(r->res.status));
		return false;
	}
	if (!exp_key(r->res.out, f->key, &v)) {
		snprintf(buf, cap, "(missing)");
		return false;
	}
	format_value(buf, cap, v, f->fmt);
	return figure_ok(f, v);
}

/**
 * struct widths - the widest cell of each column over the rows.
 * @id: ID.
 * @measure: MEASURE.
 * @expected: EXPECTED.
 * @document: DOCUMENT.
 */
struct widths {
	int id, measure, expected, document;
};

static void compute_widths(struct widths *w)
{
	char want[64], doc[64];

	*w = (struct widths){ 2, 7, 8, 8 };
	for (size_t i = 0; i < NFIGURES; i++) {
		const struct exp_figure *f = &exp_figures[i];
		int n;

		if (!selected(f))
			continue;
		format_figure(want, sizeof(want), f, f->want);
		format_figure(doc, sizeof(doc), f, f->doc);
		if ((n = (int)strlen(f->id)) > w->id)
			w->id = n;
		if ((n = (int)strlen(f->measure)) > w->measure)
			w->measure = n;
		if ((n = (int)strlen(want)) > w->expected)
			w->expected = n;
		if ((n = (int)strlen(doc)) > w->document)
			w->document = n;
	}
}

/* Measure figure @f into row @r: its columns and its verdict. */
static void fill_row(struct exp_row *r, const struct exp_figure *f)
{
	r->f = f;
	r->note[0] = '\0';
	format_figure(r->doc, sizeof(r->doc), f, f->doc);
	format_figure(r->want, sizeof(r->want), f, f->want);
	r->ok = measure(f, r->got, sizeof(r->got));
	if (f->erratum != 0)
		snprintf(r->note, sizeof(r->note), "  erratum %d%s", f->erratum,
			 f->doc != f->want ? "" :
					     " (in the text, not this figure)");
}

/* Print the table; the number of DIFF rows, *@total the row count. */
static int print_table(int *total)
{
	struct widths w;
	int diffs = 0;
	const char *last_id = "";

	compute_widths(&w);
	printf("%-*s  %-*s  %-*s  %-*s  %-12s  %s\n", w.id, "ID", w.measure,
	       "MEASURE", w.expected, "EXPECTED", w.document, "DOCUMENT",
	       "MEASURED", "RESULT");
	*total = 0;
	for (size_t i = 0; i < NFIGURES; i++) {
		const struct exp_figure *f = &exp_figures[i];
		struct exp_row *r = &rows[nrows];

		if (!selected(f))
			continue;
		if (strcmp(last_id, f->id) != 0 && *total > 0)
			putchar('\n');
		last_id = f->id;
		fill_row(r, f);
		printf("%-*s  %-*s  %-*s  %-*s  %-12s  %s%s%s\n", w.id, f->id,
		       w.measure, f->measure, w.expected, r->want, w.document,
		       r->doc, r->got, r->ok ? "OK" : "DIFF",
		       *r->note ? (r->ok ? "  " : "") : "", r->note);
		fflush(stdout);
		diffs += !r->ok;
		(*total)++;
		nrows++;
	}
	return diffs;
}

/*
 * Every run must have started on an untouched break, and a real-break
 * run must not have used glibc's malloc; the number of failures.
 */
static int check_preconditions(void)
{
	int bad = 0;

	for (size_t i = 0; i < nruns; i++) {
		const struct exp_result *r = &runs[i].res;
		long long used = -1, glibc = -1, simulated = -1, known = -1;

		if (!r->ok)
			bad++;
		if (!r->ok)
			continue;
		exp_key(r->out, "startup_brk_used", &used);
		exp_key(r->out, "startup_brk_known", &known);
		exp_key(r->out, "glibc_arena", &glibc);
		exp_key(r->out, "simulated", &simulated);
		/* Only qemu-user cannot tell the start break (exp_util.h). */
		if (known != 1 && exp_runner == NULL)
			used = -1;
		if (used != 0 || simulated < 0 ||
		    (simulated == 0 && glibc != 0)) {
			printf("precondition failed for %s: startup_brk_used "
			       "%lld, glibc_arena %lld\n",
			       runs[i].cmd, used, glibc);
			bad++;
		}
	}
	printf("preconditions: %zu runs, %d failed (exit 0, break untouched "
	       "before main, glibc heap unused)\n",
	       nruns, bad);
	return bad;
}

int main(int argc, char **argv)
{
	int total, diffs, bad;
	time_t t0 = time(NULL);

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only_prefix = argv[++i];
		} else if (strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc) {
			html_dir = argv[++i];
		} else if (strcmp(argv[i], "--programs") == 0 && i + 1 < argc) {
			exp_programs_dir = argv[++i];
		} else if (strcmp(argv[i], "--runner") == 0 && i + 1 < argc) {
			exp_runner = argv[++i];
		} else if (strcmp(argv[i], "--port") == 0) {
			port_rows = true;
		} else {
			fprintf(stderr,
				"usage: %s [--only ID-PREFIX] "
				"[--verbose] [--html DIR] [--programs DIR "
				"--runner CMD --port]\n",
				argv[0]);
			return 2;
		}
	}
	diffs = print_table(&total);
	putchar('\n');
	bad = check_preconditions();
	printf("elapsed: %ld s\n", (long)(time(NULL) - t0));
	if (html_dir != NULL) {
		bool written = exp_report_write(html_dir, rows, nrows, diffs);

		printf("report: %s/index.html%s\n", html_dir,
		       written ? "" : " FAILED");
		bad += !written;
	}
	printf("%d figures, %d OK, %d DIFF\n", total, total - diffs, diffs);
	for (size_t i = 0; i < nruns; i++)
		exp_result_free(&runs[i].res);
	return diffs != 0 || bad != 0;
}
