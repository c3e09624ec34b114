// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * report.c: what `make bench` prints and writes.
 *
 *	report_console   the tables and the targets on standard output
 *	report_markdown  docs/bench.md: the same, with the run's conditions;
 *			 the section between the "hand-written" markers of
 *			 the existing file is kept as it is
 *	report_chart     the ratio data and docs/bench.svg through gnuplot
 *
 * The targets (targets()) are judged on medians: a ratio of 1.001 is a
 * miss, whatever the noise; the run-to-run spread is printed beside the
 * ratios so that a reader can tell a real miss from noise.  The
 * instruction counts, which the load does not disturb, are judged as
 * they are.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#include "driver.h"

#define HAND_BEGIN "<!-- hand-written: begin -->"
#define HAND_END "<!-- hand-written: end -->"

/* What a table shows. */
enum metric {
	M_TIME,
	M_CPU,
	M_RSS
};

/* The median of cell C in METRIC. */
static double med(const struct cell *c, enum metric m)
{
	return m == M_RSS ? c->rss_med : m == M_CPU ? c->cpu_med : c->ms_med;
}

/* Workload W's median on A over that on BASE, in METRIC. */
static double ratio_of(const struct bench *b, int w, int a, int base,
		       enum metric m)
{
	const struct cell *x = &b->cell[w][a], *y = &b->cell[w][base];

	if (x->n == 0 || y->n == 0)
		return NAN;
	return med(x, m) / med(y, m);
}

/*
 * Workload W's peak RSS on A over that on BASE, each net of its
 * allocator's baseline process: what the workload adds to a process
 * that allocates next to nothing, leaving out what loading the
 * allocator costs.  NAN when not measured.
 */
static double net_ratio(const struct bench *b, int w, int a, int base)
{
	const struct cell *x = &b->cell[w][a], *y = &b->cell[w][base];
	const struct cell *bx = &b->baseline[a], *by = &b->baseline[base];

	if (x->n == 0 || y->n == 0 || bx->n == 0 || by->n == 0 ||
	    y->rss_med <= by->rss_med)
		return NAN;
	return (x->rss_med - bx->rss_med) / (y->rss_med - by->rss_med);
}

double cell_ratio(const struct bench *b, int w, int a, int base)
{
	return ratio_of(b, w, a, base, M_TIME);
}

static double geomean_of(const struct bench *b, int a, int base, enum metric m)
{
	double logsum = 0;
	int n = 0;

	for (int w = 0; w < b->nwork; w++) {
		double r = ratio_of(b, w, a, base, m);

		if (isnan(r))
			return NAN;
		logsum += log(r);
		n++;
	}
	return n > 0 ? exp(logsum / n) : NAN;
}

double geomean_ratio(const struct bench *b, int a, int base)
{
	return geomean_of(b, a, base, M_TIME);
}

/* Half the run-to-run range of a cell, relative to its median. */
static double spread(const struct cell *c)
{
	return c->n > 0 ? (c->ms_max - c->ms_min) / 2 / c->ms_med : NAN;
}

/*
 * A target: its statement, the measurement, the verdict.
 * @info: a figure shown beside a target, not a target itself.
 */
struct target {
	const char *what;
	char measured[480];
	bool met;
	bool known;
	bool info;
};

/* Append to a fixed buffer. */
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * How many KiB more peak RSS workload W has on A than on BASE; with NET,
 * the difference of their baseline processes left out.
 */
static double rss_excess(const struct bench *b, int w, int a, int base,
			 bool net)
{
	double d = b->cell[w][a].rss_med - b->cell[w][base].rss_med;

	if (net)
		d -= b->baseline[a].rss_med - b->baseline[base].rss_med;
	return d;
}

/*
 * "A no worse than BASE on every workload", in time or RSS; with NET,
 * the peak RSS net of each allocator's baseline process (net_ratio).
 */
static void every_workload(const struct bench *b, struct target *t, int a,
			   int base, enum metric m, bool net)
{
	bool rss = m == M_RSS;
	double worst = 0;
	int worst_w = -1, misses = 0;

	t->known = true;
	t->info = net;
	t->measured[0] = '\0';
	for (int w = 0; w < b->nwork; w++) {
		double r = net ? net_ratio(b, w, a, base) :
				 ratio_of(b, w, a, base, m);

		if (isnan(r)) {
			t->known = false;
			continue;
		}
		if (r > worst)
			worst = r, worst_w = w;
		if (r > 1.0) {
			cat(t->measured, sizeof(t->measured), "%s %s %.3f",
			    misses++ ? "," : "missed on", b->work[w].name, r);
			if (rss)
				cat(t->measured, sizeof(t->measured),
				    " (+%.0f KiB)",
				    rss_excess(b, w, a, base, net));
		}
	}
	t->met = t->known && misses == 0;
	if (rss && !net && misses > 0 && b->baseline[a].n &&
	    b->baseline[base].n)
		cat(t->measured, sizeof(t->measured),
		    "; baseline process: %+.0f KiB",
		    b->baseline[a].rss_med - b->baseline[base].rss_med);
	if (worst_w < 0)
		snprintf(t->measured, sizeof(t->measured), "not measured");
	else if (misses == 0)
		snprintf(t->measured, sizeof(t->measured),
			 "worst ratio %.3f (%s)", worst, b->work[worst_w].name);
}

/* "A's time geometric mean <= LIMIT x BASE's", the CPU time beside it. */
static void geomean_target(const struct bench *b, struct target *t, int a,
			   int base, double limit)
{
	double gm = geomean_ratio(b, a, base);

	t->known = !isnan(gm);
	t->met = t->known && gm <= limit;
	snprintf(t->measured, sizeof(t->measured), "%.3f (CPU time: %.3f)", gm,
		 geomean_of(b, a, base, M_CPU));
}

/* One instruction count of ptmalloc and the glibc figure it must meet. */
struct ir_pair {
	const char *what;
	double ours;
	double glibc;
};

/* "Each of the N counts of P at or below glibc's" (negative: unknown). */
static void ir_target(const struct bench *b, struct target *t,
		      const struct ir_pair *p, int n)
{
	t->known = b->callgrind;
	t->met = true;
	for (int i = 0; i < n; i++) {
		if (p[i].ours < 0 || p[i].glibc < 0) {
			t->known = false;
			continue;
		}
		t->met = t->met && p[i].ours <= p[i].glibc;
		cat(t->measured, sizeof(t->measured), "%s%s %.1f (glibc %.1f)",
		    i ? "; " : "", p[i].what, p[i].ours, p[i].glibc);
	}
	if (!b->callgrind)
		snprintf(t->measured, sizeof(t->measured), "not measured");
}

/* The time targets of one mode: ptmalloc column A against glibc's BASE. */
struct time_goal {
	int a;
	int base;
	double geomean;
	const char *every;
	const char *mean;
};

static const struct time_goal time_goal[] = {
	{ A_PTM, A_GLIBC_NOTC, 0.95,
	  "classic time <= glibc tcache off, every workload",
	  "classic time geometric mean <= 0.95 x glibc tcache off" },
	{ A_PTM_TC, A_GLIBC, 0.90,
	  "tcache time <= glibc default, every workload",
	  "tcache time geometric mean <= 0.90 x glibc default" },
};

/* The time targets, cache off then on, into T; returns how many. */
static int time_targets(const struct bench *b, struct target *t)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(time_goal) / sizeof(time_goal[0]); i++) {
		const struct time_goal *g = &time_goal[i];

		t[n].what = g->every;
		every_workload(b, &t[n++], g->a, g->base, M_TIME, false);
		t[n].what = "(the same on CPU time)";
		every_workload(b, &t[n++], g->a, g->base, M_CPU, false);
		t[n].what = g->mean;
		geomean_target(b, &t[n++], g->a, g->base, g->geomean);
	}
	return n;
}

/*
 * The instruction targets (callgrind) into T; returns how many.  The bin
 * path is the 128 B and 1024 B pairs with the cache off (with it on, they
 * are cache hits); the large sizes and the consolidation are compared in
 * both modes.
 */
static int ir_targets(const struct bench *b, struct target *t)
{
	const struct fastpath *ptm = &b->fast[A_PTM], *tc = &b->fast[A_PTM_TC];
	const struct fastpath *g = &b->fast[A_GLIBC];
	const struct fastpath *g0 = &b->fast[A_GLIBC_NOTC];
	const struct ir_pair bins[] = {
		{ "128 B", ptm->per_pair[PS_128], g0->per_pair[PS_128] },
		{ "1024 B", ptm->per_pair[PS_1024], g0->per_pair[PS_1024] },
	};
	const struct ir_pair cons[] = {
		{ "classic", ptm->consolidate, g0->consolidate },
		{ "tcache", tc->consolidate, g->consolidate },
	};
	const struct ir_pair large[] = {
		{ "classic 4 KiB", ptm->per_pair[PS_4K], g0->per_pair[PS_4K] },
		{ "64 KiB", ptm->per_pair[PS_64K], g0->per_pair[PS_64K] },
		{ "tcache 4 KiB", tc->per_pair[PS_4K], g->per_pair[PS_4K] },
		{ "64 KiB", tc->per_pair[PS_64K], g->per_pair[PS_64K] },
	};
	double fast = tc->per_pair[PS_32];

	t[0].what = "bin path: instructions per malloc+free pair of 128 B "
		    "and 1024 B, classic <= glibc tcache off";
	ir_target(b, &t[0], bins, 2);
	t[1].what = "consolidation: instructions per consolidation of the "
		    "fast bins <= glibc's (classic: tcache off; tcache: "
		    "default)";
	ir_target(b, &t[1], cons, 2);
	t[2].what = "large sizes: instructions per malloc+free pair of "
		    "4 KiB and 64 KiB <= glibc's (classic: tcache off; "
		    "tcache: default)";
	ir_target(b, &t[2], large, 4);
	t[3].what = "cache pair <= 70 instructions per malloc+free pair "
		    "(tcache mode, 32 B)";
	t[3].known = b->callgrind && fast >= 0;
	t[3].met = t[3].known && fast <= 70;
	snprintf(t[3].measured, sizeof(t[3].measured),
		 "%.1f (classic mode: %.1f; glibc default: %.1f)", fast,
		 ptm->per_pair[PS_32], g->per_pair[PS_32]);
	if (!t[3].known)
		snprintf(t[3].measured, sizeof(t[3].measured), "not measured");
	return 4;
}

/* The informational row under each peak-RSS target. */
#define NET_WHAT                                                  \
	"(for information, not the target: the same net of each " \
	"allocator's baseline process, i.e. without the cost of " \
	"loading it)"

/* The peak-RSS targets into T; returns how many. */
static int rss_targets(const struct bench *b, struct target *t)
{
	t[0].what = "classic peak RSS <= glibc tcache off, every workload";
	every_workload(b, &t[0], A_PTM, A_GLIBC_NOTC, M_RSS, false);
	t[1].what = NET_WHAT;
	every_workload(b, &t[1], A_PTM, A_GLIBC_NOTC, M_RSS, true);
	t[2].what = "tcache peak RSS <= glibc default, every workload";
	every_workload(b, &t[2], A_PTM_TC, A_GLIBC, M_RSS, false);
	t[3].what = NET_WHAT;
	every_workload(b, &t[3], A_PTM_TC, A_GLIBC, M_RSS, true);
	return 4;
}

#define MAX_TARGETS 16

/* Evaluate every target into T (MAX_TARGETS rows); returns how many. */
static int targets(const struct bench *b, struct target *t)
{
	int n = 0;

	memset(t, 0, MAX_TARGETS * sizeof(*t));
	n += time_targets(b, t + n);
	n += ir_targets(b, t + n);
	n += rss_targets(b, t + n);
	return n;
}

static const char *verdict(const struct target *t)
{
	if (!t->known)
		return "not measured";
	if (t->info)
		return t->met ? "(met)" : "(missed)";
	return t->met ? "met" : "MISSED";
}

static const char *const metric_title[] = {
	[M_TIME] = "Wall time, ms",
	[M_CPU] = "CPU time (user + system), ms",
	[M_RSS] = "Peak RSS, MiB",
};

/* A cell's median in the unit its table shows. */
static double shown(const struct cell *c, enum metric m)
{
	return m == M_RSS ? c->rss_med / 1024 : med(c, m);
}

/* One table of medians with ratios to glibc default, for the console. */
static void console_table(const struct bench *b, enum metric m)
{
	printf("\n%s (ratio to glibc default)\n%-9s", metric_title[m],
	       "workload");
	for (int a = 0; a < NALLOC; a++)
		printf(" %12s", b->alloc[a].key);
	printf("\n");
	for (int w = 0; w < b->nwork; w++) {
		printf("%-9s", b->work[w].name);
		for (int a = 0; a < NALLOC; a++) {
			const struct cell *c = &b->cell[w][a];

			if (c->n == 0)
				printf(" %12s", c->failed ? "FAILED" : "-");
			else
				printf(" %7.*f %4.2f", m == M_RSS ? 2 : 0,
				       shown(c, m),
				       ratio_of(b, w, a, A_GLIBC, m));
		}
		printf("\n");
	}
	printf("%-9s", "geomean");
	for (int a = 0; a < NALLOC; a++)
		printf(" %12.2f", geomean_of(b, a, A_GLIBC, m));
	printf("\n");
	if (m != M_RSS)
		return;
	printf("%-9s", "baseline");
	for (int a = 0; a < NALLOC; a++)
		printf(" %7.2f %4s", b->baseline[a].rss_med / 1024, "");
	printf("\n");
}

void report_console(const struct bench *b)
{
	struct target t[MAX_TARGETS];
	int n = targets(b, t);

	console_table(b, M_TIME);
	console_table(b, M_RSS);
	report_cg_console(b);
	printf("\nTargets\n");
	for (int i = 0; i < n; i++)
		printf("  %-6s %s: %s\n", verdict(&t[i]), t[i].what,
		       t[i].measured);
	printf("\n%s written; %d rounds, scale %g, %.0f s\n", b->out_md,
	       b->runs, b->scale, b->elapsed_s);
}

/* The CPU model named by /proc/cpuinfo. */
static void cpu_model(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, len, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(out, len, "%s", colon + 2);
			break;
		}
	}
	fclose(f);
}

/* The hand-written section of the existing report, or a placeholder. */
static char *hand_written(const char *path)
{
	static const char placeholder[] = HAND_BEGIN
		"\n## Analysis\n\n(Nothing written yet.)\n" HAND_END;
	char *text = NULL, *begin, *end;
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		text = calloc(1, 1 << 20);
		if (text != NULL)
			n = fread(text, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	if (text == NULL || (begin = strstr(text, HAND_BEGIN)) == NULL ||
	    (end = strstr(begin, HAND_END)) == NULL) {
		free(text);
		return strdup(placeholder);
	}
	(void)n;
	end += strlen(HAND_END);
	memmove(text, begin, (size_t)(end - begin));
	text[end - begin] = '\0';
	return text;
}

/* The conditions of the run: machine, versions, method. */
static void md_header(FILE *f, const struct bench *b)
{
	struct utsname u;
	char cpu[128];

	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	fprintf(f, "# Benchmarks\n\n"
		   "<!-- Written by `make bench` (harness/bench/driver). "
		   "Only the hand-written section at the end is kept from "
		   "one run to the next; everything else is regenerated. "
		   "-->\n\n");
	fprintf(f,
		"Measured %s on %s, %ld cores, Linux %s, glibc %s; "
		"jemalloc %s, mimalloc %s, tcmalloc %s (Debian packages).\n"
		"Each workload ran %d times on each allocator, the allocators "
		"in rotating order; every figure is the median of those runs. "
		"Workload scale %g%s; the whole `make bench` took %.0f s.\n\n",
		b->started, cpu, sysconf(_SC_NPROCESSORS_ONLN), u.release,
		gnu_get_libc_version(), b->alloc[A_JEMALLOC].version,
		b->alloc[A_MIMALLOC].version, b->alloc[A_TCMALLOC].version,
		b->runs, b->scale, b->quick ? " (BENCH_QUICK smoke run)" : "",
		b->elapsed_s);
	fprintf(f,
		"Load average (1, 5, 15 min) at the start: %s; at the end: "
		"%s.%s\n\n",
		b->load_start, b->load_end,
		atof(b->load_start) > sysconf(_SC_NPROCESSORS_ONLN) ?
			"  **The machine was busy with other work: the wall "
			"times are disturbed; compare the CPU-time table "
			"too.**" :
			"");
}

static void md_targets(FILE *f, const struct bench *b)
{
	struct target t[MAX_TARGETS];
	int n = targets(b, t);

	fprintf(f, "## Targets\n\n"
		   "Time ratios are of medians measured side by side in this "
		   "run; instruction counts are callgrind's (below).\n\n"
		   "| target | measured | verdict |\n| --- | --- | --- |\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "| %s | %s | %s |\n", t[i].what, t[i].measured,
			!t[i].known ? "not measured" :
			t[i].info   ? (t[i].met ? "(met)" : "(missed)") :
			t[i].met    ? "met" :
				      "**missed**");
	fprintf(f, "\n");
}

/* A table of medians and ratios to glibc default in METRIC. */
static void md_table(FILE *f, const struct bench *b, enum metric m)
{
	fprintf(f, "| workload |");
	for (int a = 0; a < NALLOC; a++)
		fprintf(f, " %s |", b->alloc[a].key);
	fprintf(f, "\n| --- |");
	for (int a = 0; a < NALLOC; a++)
		fprintf(f, " ---: |");
	fprintf(f, "\n");
	for (int w = 0; w < b->nwork; w++) {
		fprintf(f, "| %s |", b->work[w].name);
		for (int a = 0; a < NALLOC; a++) {
			const struct cell *c = &b->cell[w][a];

			if (c->n == 0)
				fprintf(f, " %s |", c->failed ? "FAILED" : "-");
			else
				fprintf(f, " %.*f (%.2f) |", m == M_RSS ? 2 : 0,
					shown(c, m),
					ratio_of(b, w, a, A_GLIBC, m));
		}
		fprintf(f, "\n");
	}
	fprintf(f, "| geometric mean of ratios |");
	for (int a = 0; a < NALLOC; a++)
		fprintf(f, " %.2f |", geomean_of(b, a, A_GLIBC, m));
	fprintf(f, "\n");
	if (m == M_RSS) {
		fprintf(f, "| baseline (not in the mean) |");
		for (int a = 0; a < NALLOC; a++)
			fprintf(f, " %.2f |", b->baseline[a].rss_med / 1024);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

/* ptmalloc against the glibc configuration each mode should beat. */
static void md_versus(FILE *f, const struct bench *b)
{
	static const int cols[] = { A_PTM, A_PTM_TC, A_GLIBC, A_GLIBC_NOTC };

	static const enum metric metric[] = { M_TIME, M_TIME, M_CPU, M_CPU,
					      M_RSS,  M_RSS,  M_RSS, M_RSS };

	fprintf(f,
		"### ptmalloc against glibc, per workload\n\n"
		"Ratios of medians, classic mode to glibc with tcache off "
		"and tcache mode to glibc default (above 1.000 misses the "
		"target); \"net\" is the peak RSS net of each allocator's "
		"baseline process (for information: the target is on the "
		"whole peak RSS); spread is half the run-to-run range of the "
		"wall time, relative to the median, the largest of the four "
		"cells.\n\n"
		"| workload | time classic | time tcache | CPU classic | "
		"CPU tcache | RSS classic | RSS tcache | RSS net classic | "
		"RSS net tcache | spread |\n"
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
		"---: | ---: |\n");
	for (int w = 0; w < b->nwork; w++) {
		double s = 0;

		for (int i = 0; i < 4; i++)
			s = fmax(s, spread(&b->cell[w][cols[i]]));
		fprintf(f, "| %s |", b->work[w].name);
		for (int i = 0; i < 8; i++) {
			int a = i % 2 == 0 ? A_PTM : A_PTM_TC;
			int base = i % 2 == 0 ? A_GLIBC_NOTC : A_GLIBC;
			double r = i >= 6 ? net_ratio(b, w, a, base) :
					    ratio_of(b, w, a, base, metric[i]);

			fprintf(f, r > 1.0 ? " **%.3f** |" : " %.3f |", r);
		}
		fprintf(f, " %.1f%% |\n", 100 * s);
	}
	fprintf(f, "\n");
}

static void md_legend(FILE *f, const struct bench *b)
{
	fprintf(f, "## Allocators\n\n| column | runs |\n| --- | --- |\n");
	for (int a = 0; a < NALLOC; a++)
		fprintf(f, "| %s | %s%s%s |\n", b->alloc[a].key,
			b->alloc[a].label,
			b->alloc[a].lib != NULL ? ", LD_PRELOAD=" : "",
			b->alloc[a].lib != NULL ? b->alloc[a].lib : "");
	fprintf(f,
		"\n## Workloads\n\nSources: `harness/bench/wl_PROG.c`, "
		"run as `wl_PROG SCALE [THREADS]`; each checks its data and "
		"prints a checksum that must be the same on every "
		"allocator.\n\n"
		"| workload | program | what it does |\n| --- | --- | --- |\n");
	for (int w = 0; w < b->nwork; w++) {
		const struct workload *wl = &b->work[w];

		fprintf(f, "| %s | wl_%s", wl->name, wl->prog);
		if (wl->threads > 0)
			fprintf(f, " %d", wl->threads);
		fprintf(f, " | %s |\n", wl->what);
	}
	fprintf(f, "\n`make bench` installs the peers and gnuplot if they "
		   "are missing (`make bench-deps`) and takes a few minutes on "
		   "two cores (the time of this run is at the top); `make "
		   "bench BENCH_QUICK=1` is a short smoke run that writes to "
		   "the build directory instead of docs/.\n\n");
}

int report_markdown(const struct bench *b)
{
	char *hand = hand_written(b->out_md);
	const char *svg = strrchr(b->out_svg, '/');
	FILE *f = fopen(b->out_md, "w");

	if (f == NULL || hand == NULL) {
		perror(b->out_md);
		free(hand);
		return -1;
	}
	md_header(f, b);
	md_targets(f, b);
	fprintf(f,
		"## Time\n\n![time ratios to glibc default](%s)\n\n"
		"Wall-clock milliseconds, median, and (in brackets) the "
		"ratio to glibc default; lower is faster.\n\n",
		svg != NULL ? svg + 1 : b->out_svg);
	md_table(f, b, M_TIME);
	md_versus(f, b);
	fprintf(f, "### CPU time\n\nUser + system CPU milliseconds of the "
		   "workload process, median, and the ratio to glibc default: "
		   "less disturbed than the wall time when other work shares "
		   "the machine, but blind to time spent waiting (locks, "
		   "condition variables).\n\n");
	md_table(f, b, M_CPU);
	fprintf(f,
		"## Peak RSS\n\nru_maxrss of the workload process in MiB, "
		"median, and the ratio to glibc default.  It includes what "
		"loading a preloaded allocator costs: the baseline row is a "
		"process that allocates next to nothing (`pair 32 1000`, "
		"median of %d runs); the per-workload table above also gives "
		"the ratios net of it.  A file mapping becomes resident in "
		"windows of up to 64 KiB (the kernel's fault-around) that "
		"fall differently in each process, so a peak RSS varies by "
		"about 100 KiB from run to run.\n\n",
		BASELINE_PER_ROUND * b->runs);
	md_table(f, b, M_RSS);
	report_cg_markdown(f, b);
	md_legend(f, b);
	fprintf(f, "%s\n", hand);
	free(hand);
	return fclose(f) == 0 ? 0 : -1;
}

/* The ratio table for gnuplot: one row per workload, then the mean. */
static int write_ratios(const struct bench *b, const char *path, int *ncols)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	*ncols = 0;
	fprintf(f, "workload");
	for (int a = 0; a < NALLOC; a++)
		if (b->alloc[a].available && ++*ncols)
			fprintf(f, " \"%s\"", b->alloc[a].key);
	fprintf(f, "\n");
	for (int w = 0; w <= b->nwork; w++) {
		fprintf(f, "%s", w < b->nwork ? b->work[w].name : "geomean");
		for (int a = 0; a < NALLOC; a++)
			if (b->alloc[a].available)
				fprintf(f, " %.4f",
					w < b->nwork ?
						cell_ratio(b, w, a, A_GLIBC) :
						geomean_ratio(b, a, A_GLIBC));
		fprintf(f, "\n");
	}
	return fclose(f);
}

int report_chart(const struct bench *b)
{
	char data[PATH_MAX], expr[3 * PATH_MAX], log[PATH_MAX];
	char *argv[] = { "gnuplot", "-e", expr, (char *)b->chart_script, NULL };
	int ncols;

	snprintf(data, sizeof(data), "%s/ratios.dat", b->workdir);
	snprintf(log, sizeof(log), "%s/gnuplot.log", b->workdir);
	if (write_ratios(b, data, &ncols) != 0)
		return -1;
	snprintf(expr, sizeof(expr),
		 "datafile='%s'; outfile='%s'; ncols=%d; "
		 "subtitle='%s, median of %d runs, scale %g'",
		 data, b->out_svg, ncols, b->started, b->runs, b->scale);
	if (spawn_quiet(argv, NULL, log) != 0) {
		fprintf(stderr, "bench: gnuplot failed (see %s)\n", log);
		return -1;
	}
	return 0;
}
