/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTML report of `make experiments` (experiments --html DIR): one
 * self-contained page, DIR/index.html, with no network access and no
 * script library, that shows per experiment
 *   - every figure: the document's, the expected one (corrected where an
 *     erratum of docs/experiments.md applies) and the measured one;
 *   - for the E-4.3.x programs run under strace, a timeline of the
 *     program break and the mappings, drawn from the strace window;
 *   - heap maps (ptm_heap_map(), SVG) at the points the documents
 *     describe, from a second run of the program with --map DIR.
 * A few lines of plain script at the end count the elements of every
 * picture into a hidden <pre id="svg-census"> ("ID KIND COUNT" lines),
 * which harness/test_report.c reads from the browser's DOM.
 *
 *	exp_report_write()	write DIR/index.html
 *
 * Like experiments.c this runs in the measuring process: stdio and
 * glibc's malloc are fine here.
 */
#ifndef PTM_EXP_REPORT_H
#define PTM_EXP_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_figures.h"
#include "exp_run.h"

/**
 * struct exp_row - one row of the table as it was printed.
 * @f: the figure.
 * @doc: the document's figure, formatted.
 * @want: the expected figure, formatted (">= ", "|d| <= " included).
 * @got: the measured figure, or why there is none.
 * @note: the erratum note, or "".
 * @ok: whether it matched.
 */
struct exp_row {
	const struct exp_figure *f;
	char doc[48];
	char want[64];
	char got[64];
	char note[96];
	bool ok;
};

/**
 * struct exp_map_point - a heap map the report shows.
 * @id: the experiment it illustrates.
 * @cmd: the run that takes it (with --map DIR added).
 * @name: the map's name (DIR/NAME.svg, written by exp_map()).
 * @caption: what the document says the picture shows.
 */
struct exp_map_point {
	const char *id;
	const char *cmd;
	const char *name;
	const char *caption;
};

/* The maps, in the order they are shown; see the exp_map() calls. */
static const struct exp_map_point exp_map_points[] = {
	{ "E-3.3", "exp_layout dump", "e3_3_five_chunks",
	  "Five malloc(16) on a fresh heap (001 section 5.3.3): five "
	  "32-byte chunks, then top of 0x20f60 bytes." },
	{ "E-4.3.3", "exp_mallinfo mxfast_test1", "e4_3_3_test1_alloc",
	  "Twenty malloc(32): twenty 48-byte chunks in use (uordblks 960)." },
	{ "E-4.3.3", "exp_mallinfo mxfast_test1", "e4_3_3_test1_free",
	  "test1, after the twenty frees: all twenty in fast bin 1 "
	  "(smblks 20, fsmblks 960); top keeps 134208 bytes." },
	{ "E-4.3.3", "exp_mallinfo mxfast_test2", "e4_3_3_test2_free",
	  "test2, M_MXFAST 0: the frees merge into top (keepcost 135168)." },
	{ "E-5.2", "exp_leak1 run", "e5_2_test2_pinned",
	  "test2: every block freed but the last, which sits next to top and "
	  "pins the 512 MB free chunk below it, all of it resident." },
	{ "E-5.2", "exp_leak1 run", "e5_2_test1_freed",
	  "test1: the last block freed too: everything merges into top and "
	  "the break falls back to +0x21000." },
	{ "E-5.3", "exp_leak2 test2", "e5_3_test2_alloc",
	  "50000 pairs of a 1024-byte block and a 24-byte list node." },
	{ "E-5.3", "exp_leak2 test2", "e5_3_test2_free",
	  "After the frees: the blocks in the unsorted bin alternate with "
	  "50000 nodes in fast bin 0, which are never merged, so nothing "
	  "reaches top and the heap stays 53661696 bytes." },
	{ "E-5.3", "exp_leak2 fixa", "e5_3_fixa_free",
	  "Fix A, M_MXFAST 0 first: the nodes are merged like the blocks, "
	  "all of it reaches top and is trimmed (arena 135168)." },
	{ "E-5.3", "exp_leak2 fixb", "e5_3_fixb_trim",
	  "Fix B, malloc_trim(0) after the frees: the fast bins are "
	  "consolidated and top trimmed down to one page (arena 4096)." },
};

#define EXP_NMAPS (sizeof(exp_map_points) / sizeof(exp_map_points[0]))

/* @s with <, >, & and " escaped. */
static inline void exp_html(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* The file @path copied into @out; false when it cannot be read. */
static inline bool exp_copy_file(FILE *out, const char *path)
{
	char *text = exp_slurp(path);

	if (text == NULL)
		return false;
	fputs(text, out);
	free(text);
	return true;
}

/* Run every map point's program once with --map @dir; false on failure. */
static inline bool exp_take_maps(const char *dir)
{
	bool ok = true;

	for (size_t i = 0; i < EXP_NMAPS; i++) {
		char cmd[512];
		struct exp_result res;
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= strcmp(exp_map_points[j].cmd,
				       exp_map_points[i].cmd) == 0;
		if (seen)
			continue;
		snprintf(cmd, sizeof(cmd), "%s --map %s", exp_map_points[i].cmd,
			 dir);
		exp_run(cmd, false, &res);
		if (!res.ok) {
			fprintf(stderr, "report: %s failed\n", cmd);
			ok = false;
		}
		exp_result_free(&res);
	}
	return ok;
}

#include "exp_timeline.h"

/* The page's head: title and style. */
static inline void exp_report_head(FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<title>ptmalloc: the experiments of the source documents"
	      "</title>\n<style>\n"
	      "body{font:14px/1.4 sans-serif;margin:1em 2em;max-width:1000px}"
	      "table.figures{border-collapse:collapse;margin:0.5em 0}"
	      "table.figures td,table.figures th{border:1px solid #ccc;"
	      "padding:2px 6px;text-align:left}"
	      "td.num{font-family:monospace;text-align:right}"
	      "tr.diff{background:#fdd}td.ok{color:#070}td.bad{color:#b00}"
	      "figure{margin:1em 0}figcaption{font-size:13px;color:#333}"
	      "nav a{margin-right:0.8em}#svg-census{display:none}\n"
	      "</style>\n</head>\n<body>\n",
	      out);
}

/* The title of experiment @id, as in docs/experiments.md. */
static inline const char *exp_title(const char *id)
{
	static const char *const titles[][2] = {
		{ "E-2.3", "Lazy allocation" },
		{ "E-3.3", "Chunk layout" },
		{ "E-3.4", "Free-chunk containers" },
		{ "E-3.5", "Arenas" },
		{ "E-3.6", "Malloc path and growth sizes" },
		{ "E-3.7", "Free path" },
		{ "E-4.3.1", "M_MMAP_MAX" },
		{ "E-4.3.2", "M_MMAP_THRESHOLD" },
		{ "E-4.3.3", "M_MXFAST and mallinfo" },
		{ "E-4.3.4", "M_TOP_PAD" },
		{ "E-4.3.5", "M_TRIM_THRESHOLD" },
		{ "E-5.1", "Pointer arrays" },
		{ "E-5.2", "\"Leak\" 1: a live chunk pins the heap" },
		{ "E-5.3", "\"Leak\" 2: fast-bin chunks pin the heap" },
		{ "E-6.1", "mtrace" },
		{ "E-6.2", "M_CHECK_ACTION / MALLOC_CHECK_" },
		{ "E-6.3", "valgrind" },
	};

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i][0], id) == 0)
			return titles[i][1];
	return "";
}

/* The opening of the section of experiment @id. */
static inline void exp_section_begin(FILE *out, const char *id)
{
	fprintf(out, "<section class=\"experiment\" id=\"sec-%s\">\n<h2>%s ",
		id, id);
	exp_html(out, exp_title(id));
	fputs("</h2>\n", out);
	fputs("<table class=\"figures\">\n<tr><th>measure</th><th>document"
	      "</th><th>expected</th><th>measured</th><th>result</th>"
	      "<th>note</th></tr>\n",
	      out);
}

/* One row of a section's table. */
static inline void exp_row_html(FILE *out, const struct exp_row *r)
{
	fprintf(out, "<tr class=\"%s\"><td>", r->ok ? "ok" : "diff");
	exp_html(out, r->f->measure);
	fputs("</td><td class=\"num\">", out);
	exp_html(out, r->doc);
	fputs("</td><td class=\"num\">", out);
	exp_html(out, r->want);
	fputs("</td><td class=\"num\">", out);
	exp_html(out, r->got);
	fprintf(out, "</td><td class=\"%s\">%s</td><td>", r->ok ? "ok" : "bad",
		r->ok ? "OK" : "DIFF");
	exp_html(out, r->note + strspn(r->note, " "));
	fputs("</td></tr>\n", out);
}

/* The heap maps of experiment @id, read from @dir. */
static inline bool exp_section_maps(FILE *out, const char *id, const char *dir)
{
	bool ok = true;

	for (size_t i = 0; i < EXP_NMAPS; i++) {
		const struct exp_map_point *m = &exp_map_points[i];
		char path[1024];

		if (strcmp(m->id, id) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s.svg", dir, m->name);
		fprintf(out, "<figure class=\"map\" id=\"map-%s\">\n", m->name);
		if (!exp_copy_file(out, path)) {
			fprintf(stderr, "report: no %s\n", path);
			ok = false;
		}
		fputs("<figcaption>Heap map: ", out);
		exp_html(out, m->caption);
		fputs(" (<code>", out);
		exp_html(out, m->cmd);
		fputs("</code>)</figcaption>\n</figure>\n", out);
	}
	return ok;
}

/* The census script: "ID KIND COUNT" per picture, into #svg-census. */
static inline void exp_report_census(FILE *out)
{
	fputs("<pre id=\"svg-census\"></pre>\n<script>\n"
	      "(function () {\n"
	      "  var lines = [];\n"
	      "  var figs = document.querySelectorAll('figure');\n"
	      "  for (var i = 0; i < figs.length; i++) {\n"
	      "    var s = figs[i].querySelector('svg');\n"
	      "    var svg = s instanceof SVGSVGElement;\n"
	      "    var map = figs[i].classList.contains('map');\n"
	      "    var n = svg ? s.querySelectorAll(map ? 'rect.chunk' :"
	      " 'circle.ev').length : -1;\n"
	      "    lines.push(figs[i].id + (map ? ' chunks ' : ' events ') +"
	      " n);\n"
	      "  }\n"
	      "  var secs = document.querySelectorAll('section.experiment');\n"
	      "  lines.push('sections ' + secs.length);\n"
	      "  document.getElementById('svg-census').textContent ="
	      " lines.join('\\n') + '\\n';\n"
	      "})();\n</script>\n",
	      out);
}

/* The navigation line: a link to each experiment's section. */
static inline void exp_report_nav(FILE *out, const struct exp_row *rows,
				  size_t nrows)
{
	fputs("<nav>", out);
	for (size_t i = 0; i < nrows; i++)
		if (i == 0 || strcmp(rows[i].f->id, rows[i - 1].f->id) != 0)
			fprintf(out, "<a href=\"#sec-%s\">%s</a>",
				rows[i].f->id, rows[i].f->id);
	fputs("</nav>\n", out);
}

/*
 * Write @dir/index.html from the @nrows printed rows (@diffs of them
 * DIFF) and the runs of experiments.c (exp_report_run() finds a run's
 * result by command).  False when a map or the file could not be made.
 */
static inline bool exp_report_write(const char *dir, const struct exp_row *rows,
				    size_t nrows, int diffs)
{
	char path[1024];
	bool ok = exp_take_maps(dir);
	FILE *out;

	snprintf(path, sizeof(path), "%s/index.html", dir);
	out = fopen(path, "w");
	if (out == NULL) {
		perror(path);
		return false;
	}
	exp_report_head(out);
	fprintf(out,
		"<h1>ptmalloc: the experiments of the source documents</h1>\n"
		"<p class=\"summary\">%zu figures, %zu OK, %d DIFF. Each row "
		"holds the document's figure, the expected one (corrected "
		"where an erratum of docs/experiments.md applies) and the one "
		"measured on this allocator.</p>\n",
		nrows, nrows - (size_t)diffs, diffs);
	exp_report_nav(out, rows, nrows);
	for (size_t i = 0; i < nrows; i++) {
		const char *id = rows[i].f->id;

		if (i == 0 || strcmp(id, rows[i - 1].f->id) != 0)
			exp_section_begin(out, id);
		exp_row_html(out, &rows[i]);
		if (i + 1 < nrows && strcmp(id, rows[i + 1].f->id) == 0)
			continue;
		fputs("</table>\n", out);
		exp_section_timelines(out, rows, nrows, id);
		ok &= exp_section_maps(out, id, dir);
		fputs("</section>\n", out);
	}
	exp_report_census(out);
	fputs("</body>\n</html>\n", out);
	ok &= fclose(out) == 0;
	return ok;
}

#endif /* PTM_EXP_REPORT_H */
