// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-driver: runs every workload of harness/bench on every allocator,
 * then reports (see driver.h for the files).
 *
 *	bench-driver --bindir DIR --lib LIBPTMALLOC.SO --libdir DIR
 *		     --out BENCH.md --svg BENCH.svg --chart CHART.gp
 *		     --workdir DIR [--cg-lib SO] [--runs N] [--scale X]
 *		     [--quick] [--no-callgrind]
 *
 * Runs alternate: each round runs every workload once on every allocator,
 * the allocators in an order that rotates from round to round and from
 * workload to workload, so that a slow spell of the machine is spread
 * over all of them.  The figures reported are medians over the rounds.
 * --cg-lib names the build of libptmalloc.so that the callgrind runs
 * preload instead of --lib (one built with -DPTM_NO_VALGRIND, whose
 * memcheck annotations stay off under valgrind as they are natively).
 * --quick (BENCH_QUICK=1) is a smoke run: scale 0.1, three rounds, the
 * per-call counts from fewer calls, no per-workload counts.  The exit status is non-zero when any run failed or
 * printed a checksum different from the other allocators'.
 */
#include <getopt.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"

static const struct workload workloads[] = {
	{ "churn", "churn", 0,
	  "small-object churn (cfrac/espresso-like): temporaries and results "
	  "of 16 B to 1 KiB around a pool of 4096" },
	{ "simple", "simple", 0,
	  "glibc bench-malloc-simple: batches of 25..1600 blocks of "
	  "16..4096 B, allocated then freed, main and thread arena" },
	{ "thread", "thread", 0,
	  "glibc bench-malloc-thread: 4 threads, working sets of 1024 blocks "
	  "of 4 B..32 KiB replaced at random" },
	{ "larson-2", "larson", 2,
	  "larson-like server: 2 chains of 16 thread generations handing on "
	  "arrays of 2000 blocks (cross-thread frees)" },
	{ "larson-4", "larson", 4, "the same with 4 chains" },
	{ "larson-8", "larson", 8, "the same with 8 chains" },
	{ "mstress-2", "mstress", 2,
	  "mstress-like: 10 rounds of 2 threads allocating zeroed blocks of "
	  "8 B..50 KiB, freeing 2 in 3, passing 1 in 4 to other threads and "
	  "rounds through a shared array" },
	{ "mstress-4", "mstress", 4, "the same with 4 threads a round" },
	{ "mstress-8", "mstress", 8, "the same with 8 threads a round" },
	{ "xmalloc", "xmalloc", 0,
	  "producer/consumer (xmalloc-like): 2 producers, one consumer frees "
	  "every block" },
	{ "cscratch", "cscratch", 0,
	  "false sharing (cache-scratch): 2 threads free a neighbour's 8 B "
	  "object, then allocate and write" },
	{ "realloc", "realloc", 0,
	  "realloc growth: 32 buffers grown to 64 B..1 MiB between small "
	  "allocations" },
	{ "large", "large", 0,
	  "16 blocks of 32 KiB..1 MiB replaced at random, around the mmap "
	  "threshold, one write per page" },
	{ "frag", "frag", 0,
	  "fragmentation/RSS: fill with small objects, free 7 in 8, fill the "
	  "holes with medium ones, free all" },
};

_Static_assert(sizeof(workloads) / sizeof(workloads[0]) <= MAX_WORK,
	       "more workloads than MAX_WORK");

/* The allocator columns; see struct allocator. */
static const struct allocator allocators[NALLOC] = {
	[A_PTM] = { .key = "ptm",
		    .label = "ptmalloc classic (this project, default)",
		    .lib = "libptmalloc.so" },
	[A_PTM_TC] = { .key = "ptm-tc",
		       .label = "ptmalloc tcache (GLIBC_TUNABLES="
				"glibc.malloc.tcache_count=7)",
		       .lib = "libptmalloc.so",
		       .tunables = "glibc.malloc.tcache_count=7" },
	[A_GLIBC] = { .key = "glibc", .label = "glibc default (tcache on)" },
	[A_GLIBC_NOTC] = { .key = "glibc-tc0",
			   .label = "glibc, GLIBC_TUNABLES="
				    "glibc.malloc.tcache_count=0",
			   .tunables = "glibc.malloc.tcache_count=0" },
	[A_JEMALLOC] = { .key = "jemalloc",
			 .label = "jemalloc",
			 .lib = "libjemalloc.so.2",
			 .package = "libjemalloc2" },
	[A_MIMALLOC] = { .key = "mimalloc",
			 .label = "mimalloc",
			 .lib = "libmimalloc.so.2",
			 .package = "libmimalloc2.0" },
	[A_TCMALLOC] = { .key = "tcmalloc",
			 .label = "tcmalloc (gperftools, minimal)",
			 .lib = "libtcmalloc_minimal.so.4",
			 .package = "libtcmalloc-minimal4" },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-driver --bindir DIR --lib SO --libdir DIR "
		"--out MD --svg SVG --chart GP --workdir DIR\n"
		"       [--cg-lib SO] [--runs N] [--scale X] [--quick] "
		"[--no-callgrind]\n");
	exit(64);
}

/* The version of Debian package PKG, or "" when unknown. */
static void package_version(const char *pkg, char *out, size_t outlen)
{
	char cmd[160];
	FILE *p;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "dpkg-query -W -f='${Version}' %s 2>/dev/null", pkg);
	p = popen(cmd, "r");
	if (p == NULL)
		return;
	if (fgets(out, (int)outlen, p) == NULL)
		out[0] = '\0';
	pclose(p);
}

/* Resolve every allocator's library; the peers may be missing. */
static void resolve_allocators(struct bench *b, const char *ptm_lib)
{
	for (int a = 0; a < NALLOC; a++) {
		struct allocator *al = &b->alloc[a];

		*al = allocators[a];
		al->available = true;
		if (al->lib == NULL)
			continue;
		if (al->package == NULL)
			snprintf(al->path, sizeof(al->path), "%s", ptm_lib);
		else
			snprintf(al->path, sizeof(al->path), "%s/%s", b->libdir,
				 al->lib);
		al->available = access(al->path, R_OK) == 0;
		if (!al->available)
			fprintf(stderr,
				"bench: %s not found; column %s skipped "
				"(make bench-deps installs it)\n",
				al->path, al->key);
		if (al->package != NULL)
			package_version(al->package, al->version,
					sizeof(al->version));
	}
}

static void parse_options(struct bench *b, int argc, char **argv,
			  const char **ptm_lib)
{
	static const struct option opts[] = {
		{ "bindir", 1, NULL, 'b' }, { "lib", 1, NULL, 'l' },
		{ "cg-lib", 1, NULL, 'g' }, { "libdir", 1, NULL, 'd' },
		{ "out", 1, NULL, 'o' },    { "svg", 1, NULL, 's' },
		{ "chart", 1, NULL, 'c' },  { "workdir", 1, NULL, 'w' },
		{ "runs", 1, NULL, 'r' },   { "scale", 1, NULL, 'x' },
		{ "quick", 0, NULL, 'q' },  { "no-callgrind", 0, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			b->bindir = optarg;
			break;
		case 'l':
			*ptm_lib = optarg;
			break;
		case 'g':
			b->cg_lib = optarg;
			break;
		case 'd':
			b->libdir = optarg;
			break;
		case 'o':
			b->out_md = optarg;
			break;
		case 's':
			b->out_svg = optarg;
			break;
		case 'c':
			b->chart_script = optarg;
			break;
		case 'w':
			b->workdir = optarg;
			break;
		case 'r':
			b->runs = atoi(optarg);
			break;
		case 'x':
			b->scale = atof(optarg);
			break;
		case 'q':
			b->quick = true;
			break;
		case 'n':
			b->callgrind = false;
			break;
		default:
			usage();
		}
	}
	if (b->quick) {
		b->runs = 3;
		b->scale = 0.1;
	}
	if (optind != argc || b->bindir == NULL || *ptm_lib == NULL ||
	    b->libdir == NULL || b->out_md == NULL || b->out_svg == NULL ||
	    b->chart_script == NULL || b->workdir == NULL || b->runs < 1 ||
	    b->runs > MAX_RUNS || !(b->scale > 0))
		usage();
}

static void cell_add(struct cell *c, const struct sample *m)
{
	c->ms[c->n] = m->ms;
	c->cpu_ms[c->n] = m->cpu_ms;
	c->rss_kb[c->n] = m->rss_kb;
	c->n++;
}

/*
 * The baseline: the peak RSS of the callgrind loop run briefly, that is of
 * a process that allocates next to nothing, on allocator A
 * (BASELINE_PER_ROUND runs).
 */
static void run_baseline(struct bench *b, int a)
{
	struct cell *c = &b->baseline[a];
	char prog[PATH_MAX], out[64];
	char *argv[] = { prog, BASELINE_ARGS, NULL };
	struct sample m;

	snprintf(prog, sizeof(prog), "%s/pair", b->bindir);
	for (int i = 0; i < BASELINE_PER_ROUND; i++) {
		if (spawn_timed(b->launcher, argv, &b->alloc[a], out,
				sizeof(out), &m))
			c->failed++;
		else
			cell_add(c, &m);
	}
}

/*
 * The command line of workload W at SCALE, built in V: its program, SCALE
 * and its thread count if it has one.
 */
char *const *workload_argv(const struct bench *b, int w, const char *scale,
			   struct wl_argv *v)
{
	const struct workload *wl = &b->work[w];
	int n = 0;

	snprintf(v->prog, sizeof(v->prog), "%s/wl_%s", b->bindir, wl->prog);
	snprintf(v->scale, sizeof(v->scale), "%s", scale);
	snprintf(v->threads, sizeof(v->threads), "%d", wl->threads);
	v->argv[n++] = v->prog;
	v->argv[n++] = v->scale;
	if (wl->threads > 0)
		v->argv[n++] = v->threads;
	v->argv[n] = NULL;
	return v->argv;
}

/* One run of workload W on allocator A, recorded in its cell. */
static void run_one(struct bench *b, int w, int a)
{
	struct cell *c = &b->cell[w][a];
	char scale[32], out[256];
	struct wl_argv v;
	struct sample m;

	snprintf(scale, sizeof(scale), "%g", b->scale);
	if (spawn_timed(b->launcher, workload_argv(b, w, scale, &v),
			&b->alloc[a], out, sizeof(out), &m)) {
		c->failed++;
		return;
	}
	out[strcspn(out, "\n")] = '\0';
	if (b->checksum[w][0] == '\0') {
		snprintf(b->checksum[w], sizeof(b->checksum[w]), "%.63s", out);
	} else if (strcmp(b->checksum[w], out) != 0) {
		fprintf(stderr, "bench: %s on %s printed \"%s\", not \"%s\"\n",
			b->work[w].name, b->alloc[a].key, out, b->checksum[w]);
		c->failed++;
		return;
	}
	cell_add(c, &m);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The median of N values (sorted in place). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The medians and range of a cell once its runs are done. */
static void summarise(struct cell *c)
{
	if (c->n == 0)
		return;
	c->rss_med = median(c->rss_kb, c->n);
	c->cpu_med = median(c->cpu_ms, c->n);
	c->ms_med = median(c->ms, c->n);
	c->ms_min = c->ms[0];
	c->ms_max = c->ms[c->n - 1];
}

/* Every round: every workload on every allocator, in rotating order. */
static void run_all(struct bench *b)
{
	for (int r = 0; r < b->runs; r++) {
		for (int a = 0; a < NALLOC; a++)
			if (b->alloc[a].available)
				run_baseline(b, a);
		for (int w = 0; w < b->nwork; w++) {
			fprintf(stderr, "bench: round %d/%d %-9s", r + 1,
				b->runs, b->work[w].name);
			for (int i = 0; i < NALLOC; i++) {
				int a = (i + r + w) % NALLOC;

				if (!b->alloc[a].available)
					continue;
				run_one(b, w, a);
				fprintf(stderr, ".");
			}
			fprintf(stderr, "\n");
		}
	}
	for (int a = 0; a < NALLOC; a++) {
		for (int w = 0; w < b->nwork; w++) {
			b->errors += b->cell[w][a].failed;
			summarise(&b->cell[w][a]);
		}
		b->errors += b->baseline[a].failed;
		summarise(&b->baseline[a]);
	}
}

/* The load averages of /proc/loadavg, or "?" */
static void load_average(char *out, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1, l5, l15;

	snprintf(out, len, "?");
	if (f != NULL && fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
		snprintf(out, len, "%.1f %.1f %.1f", l1, l5, l15);
	if (f != NULL)
		fclose(f);
}

int main(int argc, char **argv)
{
	static struct bench b = { .runs = 5, .scale = 1.0, .callgrind = true };
	const char *ptm_lib = NULL;
	time_t t0 = time(NULL);

	parse_options(&b, argc, argv, &ptm_lib);
	strftime(b.started, sizeof(b.started), "%Y-%m-%d %H:%M UTC",
		 gmtime(&t0));
	snprintf(b.launcher, sizeof(b.launcher), "%s/launch", b.bindir);
	b.work = workloads;
	b.nwork = (int)(sizeof(workloads) / sizeof(workloads[0]));
	resolve_allocators(&b, ptm_lib);
	load_average(b.load_start, sizeof(b.load_start));
	if (!b.alloc[A_PTM].available)
		return 1;
	fprintf(stderr,
		"bench: %d workloads x %d allocators x %d rounds, "
		"scale %g, glibc %s\n",
		b.nwork, NALLOC, b.runs, b.scale, gnu_get_libc_version());
	run_all(&b);
	if (b.callgrind)
		callgrind_measure(&b);
	b.elapsed_s = difftime(time(NULL), t0);
	load_average(b.load_end, sizeof(b.load_end));
	report_console(&b);
	if (report_markdown(&b) != 0 || report_chart(&b) != 0)
		b.errors++;
	if (b.errors > 0)
		fprintf(stderr, "bench: %d failed runs or measurements\n",
			b.errors);
	return b.errors > 0;
}
