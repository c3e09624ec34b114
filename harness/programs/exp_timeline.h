/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The timeline charts of the HTML report (exp_report.h): for a program
 * run under strace, the program break (above where it was at the first
 * allocation) and the bytes mapped, after each system call of the
 * measured window, as two step lines over the calls.  Every call is a
 * circle of class "ev" (and "ev-brk", "ev-mmap", "ev-munmap" or
 * "ev-other") whose title is the strace line.
 *
 *	exp_section_timelines()	the charts of one experiment's section
 *
 * The includer defines exp_report_result(), which returns the finished
 * run of a command of the table (experiments.c's runs).
 */
#ifndef PTM_EXP_TIMELINE_H
#define PTM_EXP_TIMELINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_run.h"

/* The finished run of table command @cmd, or NULL (experiments.c). */
static const struct exp_result *exp_report_result(const char *cmd);

/* Most calls one chart shows. */
#define EXP_TL_MAX 64

/**
 * struct exp_tl_event - one call of the window.
 * @kind: "brk", "mmap", "munmap" or "other".
 * @line: the strace line.
 * @brk: the break after it, above the start.
 * @mapped: bytes mapped after it.
 */
struct exp_tl_event {
	const char *kind;
	char line[160];
	long long brk;
	long long mapped;
};

/* Read the calls of strace window @w into @ev; their number. */
static inline int exp_tl_parse(const char *w, long long start,
			       struct exp_tl_event *ev)
{
	long long brk = 0, mapped = 0;
	int n = 0;

	for (const char *l = w; *l != '\0' && n < EXP_TL_MAX;
	     l = strchr(l, '\n') + 1) {
		size_t len = strcspn(l, "\n");
		unsigned long long a, b;
		const char *eq = strstr(l, ") = ");

		ev[n].kind = "other";
		if (exp_is_call(l, "brk") &&
		    sscanf(l, "brk(%llx) = %llx", &a, &b) == 2) {
			ev[n].kind = "brk";
			brk = (long long)b - start;
		} else if (exp_is_call(l, "mmap") &&
			   sscanf(l, "mmap(NULL, %llu,", &a) == 1 && eq &&
			   strncmp(eq, ") = -1", 6) != 0) {
			ev[n].kind = "mmap";
			mapped += (long long)a;
		} else if (exp_is_call(l, "munmap") &&
			   sscanf(l, "munmap(%llx, %llu) = 0", &a, &b) == 2) {
			ev[n].kind = "munmap";
			mapped -= (long long)b;
		}
		snprintf(ev[n].line, sizeof(ev[n].line), "%.*s", (int)len, l);
		ev[n].brk = brk;
		ev[n].mapped = mapped;
		n++;
	}
	return n;
}

/* Geometry of a chart, in pixels. */
#define EXP_TL_W 640.0
#define EXP_TL_H 200.0
#define EXP_TL_LEFT 70.0
#define EXP_TL_TOP 20.0
#define EXP_TL_PW 540.0
#define EXP_TL_PH 140.0

/* The x of call @i (0 is the start of the window) of @n. */
static inline double exp_tl_x(int i, int n)
{
	return EXP_TL_LEFT + EXP_TL_PW * i / (n + 1);
}

/* The y of @v bytes on a scale of @max. */
static inline double exp_tl_y(long long v, long long max)
{
	return EXP_TL_TOP + EXP_TL_PH * (1.0 - (double)v / (double)max);
}

/* One step line over the calls: the break (@brk) or the bytes mapped. */
static inline void exp_tl_line(FILE *out, const struct exp_tl_event *ev, int n,
			       long long max, bool brk)
{
	long long prev = 0;

	fprintf(out, "<polyline class=\"%s\" fill=\"none\" points=\"%.1f,%.1f",
		brk ? "brk-line" : "mmap-line", exp_tl_x(0, n),
		exp_tl_y(0, max));
	for (int i = 0; i < n; i++) {
		long long v = brk ? ev[i].brk : ev[i].mapped;

		fprintf(out, " %.1f,%.1f %.1f,%.1f", exp_tl_x(i + 1, n),
			exp_tl_y(prev, max), exp_tl_x(i + 1, n),
			exp_tl_y(v, max));
		prev = v;
	}
	fprintf(out, " %.1f,%.1f\"/>\n", exp_tl_x(n + 1, n),
		exp_tl_y(prev, max));
}

/* The axes, their labels and the legend of a chart scaled to @max. */
static inline void exp_tl_axes(FILE *out, long long max, const char *title)
{
	fprintf(out, "<text x=\"%.0f\" y=\"14\" font-weight=\"bold\">",
		EXP_TL_LEFT);
	exp_html(out, title);
	fprintf(out,
		"</text>\n<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		"stroke=\"#000\"/>\n<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
		"y2=\"%.0f\" stroke=\"#000\"/>\n"
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">+0x%llx</text>\n"
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n"
		"<text x=\"%.0f\" y=\"%.0f\">system calls, in order</text>\n"
		"<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		"class=\"brk-line\"/><text x=\"%.0f\" y=\"%.0f\">program break "
		"above its start</text>\n<line x1=\"%.0f\" y1=\"%.0f\" "
		"x2=\"%.0f\" y2=\"%.0f\" class=\"mmap-line\"/><text x=\"%.0f\" "
		"y=\"%.0f\">bytes mmapped</text>\n",
		EXP_TL_LEFT, EXP_TL_TOP, EXP_TL_LEFT, EXP_TL_TOP + EXP_TL_PH,
		EXP_TL_LEFT, EXP_TL_TOP + EXP_TL_PH, EXP_TL_LEFT + EXP_TL_PW,
		EXP_TL_TOP + EXP_TL_PH, EXP_TL_LEFT - 4, EXP_TL_TOP + 4, max,
		EXP_TL_LEFT - 4, EXP_TL_TOP + EXP_TL_PH, EXP_TL_LEFT,
		EXP_TL_TOP + EXP_TL_PH + 14, EXP_TL_LEFT, EXP_TL_H - 12,
		EXP_TL_LEFT + 20, EXP_TL_H - 12, EXP_TL_LEFT + 24, EXP_TL_H - 8,
		EXP_TL_LEFT + 260, EXP_TL_H - 12, EXP_TL_LEFT + 280,
		EXP_TL_H - 12, EXP_TL_LEFT + 284, EXP_TL_H - 8);
}

/* The chart of run @cmd (a "strace ..." command of the table). */
static inline void exp_timeline(FILE *out, const char *cmd)
{
	const struct exp_result *r = exp_report_result(cmd);
	struct exp_tl_event ev[EXP_TL_MAX];
	long long start = 0, max = 1;
	char name[128];
	int n;

	if (r == NULL || r->window == NULL ||
	    !exp_key(r->out, "brk_start", &start))
		return;
	n = exp_tl_parse(r->window, start, ev);
	for (int i = 0; i < n; i++) {
		max = ev[i].brk > max ? ev[i].brk : max;
		max = ev[i].mapped > max ? ev[i].mapped : max;
	}
	snprintf(name, sizeof(name), "%s", cmd + strlen("strace "));
	for (char *p = name; *p != '\0'; p++)
		*p = *p == ' ' ? '-' : *p;
	fprintf(out,
		"<figure class=\"timeline\" id=\"timeline-%s\">\n<svg "
		"xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n"
		"<style>.brk-line{stroke:#4e79a7;stroke-width:2}"
		".mmap-line{stroke:#f28e2b;stroke-width:2;stroke-dasharray:5 3}"
		".ev-brk{fill:#4e79a7}.ev-mmap,.ev-munmap{fill:#f28e2b}"
		".ev-other{fill:#888}text{font:11px sans-serif}</style>\n",
		name, EXP_TL_W, EXP_TL_H, EXP_TL_W, EXP_TL_H);
	exp_tl_axes(out, max, cmd + strlen("strace "));
	exp_tl_line(out, ev, n, max, true);
	exp_tl_line(out, ev, n, max, false);
	for (int i = 0; i < n; i++) {
		bool brk = strcmp(ev[i].kind, "brk") == 0;

		fprintf(out,
			"<circle class=\"ev ev-%s\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"4\"><title>",
			ev[i].kind, exp_tl_x(i + 1, n),
			exp_tl_y(brk ? ev[i].brk : ev[i].mapped, max));
		exp_html(out, ev[i].line);
		fputs("</title></circle>\n", out);
	}
	fputs("</svg>\n<figcaption>System calls of <code>", out);
	exp_html(out, cmd);
	fputs("</code> between the markers, as the real strace saw them "
	      "(the allocator's own trace is the same, byte for byte).</figcaption>\n"
	      "</figure>\n",
	      out);
}

/* The timelines of experiment @id: each strace run its rows name. */
static inline void exp_section_timelines(FILE *out, const struct exp_row *rows,
					 size_t nrows, const char *id)
{
	for (size_t i = 0; i < nrows; i++) {
		const char *cmd = rows[i].f->run;
		bool seen = false;

		if (strcmp(rows[i].f->id, id) != 0 ||
		    strncmp(cmd, "strace ", 7) != 0)
			continue;
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(rows[j].f->id, id) == 0 &&
				strcmp(rows[j].f->run, cmd) == 0;
		if (!seen)
			exp_timeline(out, cmd);
	}
}

#endif /* PTM_EXP_TIMELINE_H */
