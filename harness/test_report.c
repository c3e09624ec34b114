// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML report of `make experiments` in a real browser, suite
 * "report": Debian's chromium, headless, loads build/experiments/
 * index.html (written here by the same command `make experiments` runs,
 * experiments --html DIR), with no console message, every experiment's
 * section, and every chart and map an SVG element with the expected
 * number of elements; a screenshot is kept as build/experiments/
 * report.png.
 *
 * The counts come from the page's own census (a hidden <pre> that a few
 * lines of script fill from the DOM the browser built, exp_report.h),
 * read back with --dump-dom.  Each figure is the experiment's: the
 * system calls of the strace window (the strace_* rows of the table)
 * and the chunk rectangles of the heap maps (runs of more than eight
 * like chunks drawn as one, heapmap_svg.c).  Chromium writes console
 * messages to stderr as ":CONSOLE" lines with --enable-logging=stderr;
 * a page made to log two proves that the check sees them.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dropin_run.h"

/* Debian's chromium (make deps installs it). */
#define CHROMIUM "/usr/bin/chromium"

/* The report's directory, build/experiments, as an absolute path. */
static const char *report_dir(void)
{
	static char dir[PATH_MAX];

	if (dir[0] == '\0') {
		char *r = realpath(PTM_PROGRAMS_DIR "/../..", dir);

		cr_assert(ne(ptr, r, NULL));
		strcat(dir, "/experiments");
		mkdir(dir, 0755);
	}
	return dir;
}

/*
 * Run chromium headless on file @page, with a profile in the fresh
 * directory @home; with @png, take a screenshot there instead of
 * dumping the DOM.
 */
static void chromium(const char *home, const char *page, const char *png,
		     struct dr_result *r)
{
	char profile[PATH_MAX + 32], url[PATH_MAX + 16], shot[PATH_MAX + 16];
	char *argv[] = { CHROMIUM,
			 "--headless=new",
			 "--no-sandbox",
			 "--disable-gpu",
			 "--no-first-run",
			 "--enable-logging=stderr",
			 "--window-size=1100,1500",
			 profile,
			 png ? shot : "--dump-dom",
			 url,
			 NULL };

	snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", home);
	snprintf(url, sizeof(url), "file://%s", page);
	snprintf(shot, sizeof(shot), "--screenshot=%s", png ? png : "");
	dr_run(argv, NULL, home, false, r);
	dr_assert_ok(r, CHROMIUM);
}

/* The number of console messages chromium logged in @err. */
static int console_lines(const char *err)
{
	int n = 0;

	for (const char *p = strstr(err, ":CONSOLE"); p != NULL;
	     p = strstr(p + 1, ":CONSOLE"))
		n++;
	return n;
}

/* A fresh directory for chromium's profile, in @buf. */
static char *fresh_home(char *buf)
{
	cr_assert(ne(ptr, mkdtemp(buf), NULL), "mkdtemp: %s", strerror(errno));
	return buf;
}

/* Remove @dir and what chromium left in it. */
static void remove_home(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert(eq(int, system(cmd), 0));
}

/* Run experiments --html DIR (the table is long: into a file). */
static void write_report(const char *dir)
{
	char *argv[] = { (char *)dr_program("experiments"), "--html",
			 (char *)dir, NULL };
	struct exp_result res;

	memset(&res, 0, sizeof(res));
	exp_spawn(argv, &res);
	cr_assert(res.ok, "experiments --html failed:\n%s", res.out);
	cr_assert(ne(ptr, strstr(res.out, "/index.html\n"), NULL), "%s",
		  res.out);
	exp_result_free(&res);
}

/* The census the page wrote: one line per picture, then "sections N". */
static const char census[] = "<pre id=\"svg-census\">"
			     "map-e3_3_five_chunks chunks 6\n"
			     "timeline-exp_mmap_max-test1 events 2\n"
			     "timeline-exp_mmap_max-test2 events 2\n"
			     "timeline-exp_mmap_threshold-test1 events 3\n"
			     "timeline-exp_mmap_threshold-test2 events 4\n"
			     "map-e4_3_3_test1_alloc chunks 2\n"
			     "map-e4_3_3_test1_free chunks 2\n"
			     "map-e4_3_3_test2_free chunks 1\n"
			     "timeline-exp_top_pad-test1 events 4\n"
			     "timeline-exp_top_pad-test2 events 2\n"
			     "timeline-exp_top_pad-trim800 events 3\n"
			     "map-e5_2_test2_pinned chunks 3\n"
			     "map-e5_2_test1_freed chunks 1\n"
			     "map-e5_3_test2_alloc chunks 2\n"
			     "map-e5_3_test2_free chunks 2\n"
			     "map-e5_3_fixa_free chunks 1\n"
			     "map-e5_3_fixb_trim chunks 1\n"
			     "sections 17\n</pre>";

/* The experiments of the table, each a section of the page. */
static const char *const sections[] = {
	"E-2.3",   "E-3.3",   "E-3.4",	 "E-3.5",   "E-3.6",   "E-3.7",
	"E-4.3.1", "E-4.3.2", "E-4.3.3", "E-4.3.4", "E-4.3.5", "E-5.1",
	"E-5.2",   "E-5.3",   "E-6.1",	 "E-6.2",   "E-6.3",
};

Test(report, experiments_report_in_chromium)
{
	char home[] = "/tmp/ptm-report-XXXXXX", page[PATH_MAX], png[PATH_MAX];
	static const unsigned char png_magic[8] = { 0x89, 'P',	'N',  'G',
						    '\r', '\n', 0x1a, '\n' };
	unsigned char magic[8] = { 0 };
	struct dr_result dom, shot;
	char want[64];
	int fd;

	write_report(report_dir());
	snprintf(page, sizeof(page), "%s/index.html", report_dir());
	snprintf(png, sizeof(png), "%s/report.png", report_dir());
	unlink(png);
	chromium(fresh_home(home), page, NULL, &dom);
	cr_assert(eq(int, console_lines(dom.err), 0), "%s", dom.err);
	cr_assert(ne(ptr, strstr(dom.out, census), NULL), "census differs:\n%s",
		  strstr(dom.out, "<pre id=\"svg"));
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		snprintf(want, sizeof(want),
			 "<section class=\"experiment\" "
			 "id=\"sec-%s\">",
			 sections[i]);
		cr_assert(ne(ptr, strstr(dom.out, want), NULL), "no %s", want);
	}
	cr_assert(
		ne(ptr, strstr(dom.out, "387 figures, 387 OK, 0 DIFF."), NULL));
	/* E-5.3: one rectangle of 50000 blocks alternating with nodes. */
	cr_assert(ne(ptr, strstr(dom.out, "data-count=\"100000\""), NULL));
	chromium(home, page, png, &shot);
	cr_assert(eq(int, console_lines(shot.err), 0), "%s", shot.err);
	fd = open(png, O_RDONLY);
	cr_assert(ge(int, fd, 0), "no screenshot %s", png);
	cr_assert(eq(long, read(fd, magic, sizeof(magic)), 8));
	cr_assert(eq(int, memcmp(magic, png_magic, 8), 0), "not a PNG");
	close(fd);
	remove_home(home);
	dr_free(&dom);
	dr_free(&shot);
}

Test(report, console_check_sees_a_pages_errors)
{
	static const char bad[] =
		"<!DOCTYPE html><html><body><p>x</p><script>"
		"console.error('one'); undefined_function();</script>"
		"</body></html>\n";
	char home[] = "/tmp/ptm-report-XXXXXX", page[PATH_MAX];
	struct dr_result r;
	FILE *f;

	snprintf(page, sizeof(page), "%s/bad.html", fresh_home(home));
	f = fopen(page, "w");
	cr_assert(ne(ptr, f, NULL));
	fputs(bad, f);
	cr_assert(eq(int, fclose(f), 0));
	chromium(home, page, NULL, &r);
	cr_assert(eq(int, console_lines(r.err), 2), "%s", r.err);
	cr_assert(ne(ptr, strstr(r.err, "undefined_function is not defined"),
		     NULL));
	remove_home(home);
	dr_free(&r);
}
