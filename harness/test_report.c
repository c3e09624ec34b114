// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The HTML report of `make experiments` in a real browser, suite
 * "report": Debian's chromium, headless, loads build/experiments/
 * index.html (written here by the same command `make experiments` runs,
 * experiments --html DIR), with no console message, every experiment's
 * section, and every chart and map an SVG element with the expected
 * number of elements.  The screenshot kept as build/experiments/
 * report.png is of the page's first heap map: a small page beside the
 * report, report-map.html, holds that map's figure as the report has it,
 * so that the picture is the map at its own size and not the top of the
 * long page (a fragment such as index.html#map-... is not scrolled to
 * before headless chromium takes its shot: the shot came out blank).
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
 * The window of the DOM dumps, and that of the screenshot, which is the
 * PNG's size: the map's 960 by 178 pixel SVG (heapmap_svg.c) and its
 * caption, inside a 10-pixel margin.
 */
#define PAGE_WINDOW "--window-size=1100,1500"
#define SHOT_WIDTH 980
#define SHOT_HEIGHT 240
#define SHOT_WINDOW "--window-size=980,240"

/*
 * Run chromium headless on file @page, with a profile in the fresh
 * directory @home; with @png, take a screenshot there (in the window of
 * SHOT_WIDTH by SHOT_HEIGHT pixels) instead of dumping the DOM.
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
			 png ? SHOT_WINDOW : PAGE_WINDOW,
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

/* The opening of the report's first heap map, E-3.3's. */
static const char first_map[] =
	"<figure class=\"map\" id=\"map-e3_3_five_chunks\">\n<svg ";

/*
 * Write @out, a page holding only the first heap map of the report
 * @index: its <figure class="map"> element as the report has it (the
 * SVG carries its own style), on a white page without margins.
 */
static void write_map_page(const char *index, const char *out)
{
	char *html = exp_slurp(index);
	char *fig = html != NULL ? strstr(html, "<figure class=\"map\"") : NULL;
	char *end = fig != NULL ? strstr(fig, "</figure>") : NULL;
	FILE *f = fopen(out, "w");

	cr_assert(ne(ptr, end, NULL), "no heap map in %s", index);
	cr_assert(eq(int, strncmp(fig, first_map, strlen(first_map)), 0),
		  "the first map is not E-3.3's: %.60s", fig);
	cr_assert(ne(ptr, f, NULL), "%s: %s", out, strerror(errno));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>ptmalloc: a heap map of the "
	      "experiments report</title>\n<style>body{margin:0;"
	      "font:14px/1.4 sans-serif}figure{margin:10px}</style>\n"
	      "</head>\n<body>\n",
	      f);
	fwrite(fig, 1, (size_t)(end - fig) + strlen("</figure>"), f);
	fputs("\n</body>\n</html>\n", f);
	cr_assert(eq(int, fclose(f), 0));
	free(html);
}

/* A big-endian 32-bit number at @p. */
static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

/*
 * Assert that @png is a PNG file of @width by @height pixels: its
 * signature, then the IHDR chunk (length 13), whose first two fields
 * are the width and the height.
 */
static void assert_png(const char *png, unsigned long width,
		       unsigned long height)
{
	static const unsigned char magic[8] = { 0x89, 'P',  'N',  'G',
						'\r', '\n', 0x1a, '\n' };
	unsigned char head[24] = { 0 };
	int fd = open(png, O_RDONLY);

	cr_assert(ge(int, fd, 0), "no screenshot %s", png);
	cr_assert(eq(long, read(fd, head, sizeof(head)), 24));
	close(fd);
	cr_assert(eq(int, memcmp(head, magic, 8), 0), "not a PNG");
	cr_assert(eq(ulong, be32(head + 8), 13));
	cr_assert(eq(int, memcmp(head + 12, "IHDR", 4), 0));
	cr_assert(eq(ulong, be32(head + 16), width));
	cr_assert(eq(ulong, be32(head + 20), height));
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
	char map_page[PATH_MAX];
	struct dr_result dom, shot;
	char want[64];

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
	/* The screenshot: the first map, E-3.3's, on a page of its own. */
	snprintf(map_page, sizeof(map_page), "%s/report-map.html",
		 report_dir());
	write_map_page(page, map_page);
	chromium(home, map_page, png, &shot);
	cr_assert(eq(int, console_lines(shot.err), 0), "%s", shot.err);
	assert_png(png, SHOT_WIDTH, SHOT_HEIGHT);
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
