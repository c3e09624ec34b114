/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver.h: the data of `make bench`, shared by the driver's files.
 *
 *	main.c       options, the allocator and workload tables, the runs
 *	spawn.c      one timed run of one program (posix_spawn + wait4)
 *	callgrind.c  instruction counts under callgrind: per malloc+free
 *	             pair, per consolidation, and per workload inside the
 *	             allocator
 *	report.c     the console tables, the targets, docs/bench.md and
 *	             the chart
 *	report_cg.c  the instruction counts in the console and docs/bench.md
 *
 * Every figure the report prints is computed here from the runs of this
 * invocation; the only text carried over from an earlier docs/bench.md
 * is its hand-written section (see report.c).
 */
#ifndef PTM_BENCH_DRIVER_H
#define PTM_BENCH_DRIVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MAX_RUNS 15
/*
 * The baseline runs this many times per round: a file mapping is made
 * resident in 64 KiB windows that fall differently in every process
 * (address randomisation), so its peak RSS varies by +-100 KiB from run
 * to run, and it takes a few milliseconds.
 */
#define BASELINE_PER_ROUND 3
#define MAX_SAMPLES (MAX_RUNS * BASELINE_PER_ROUND)
#define MAX_HOT 8

/* The sizes of bench_sizes[] (callgrind.c), by the path they measure. */
enum pair_size {
	PS_32,
	PS_128,
	PS_1024,
	PS_4K,
	PS_64K,
	NSIZES
};

/* The allocators, in column order. */
enum alloc_id {
	A_PTM,
	A_PTM_TC,
	A_GLIBC,
	A_GLIBC_NOTC,
	A_JEMALLOC,
	A_MIMALLOC,
	A_TCMALLOC,
	NALLOC
};

/*
 * One allocator configuration.
 * @key:      short column name.
 * @label:    what the column runs, for the report.
 * @lib:      the shared object to preload (a file name looked up in the
 *            library directory, or NULL for the system's glibc); the
 *            driver's --lib replaces "libptmalloc.so".
 * @package:  the Debian package that ships @lib, for its version.
 * @tunables: the GLIBC_TUNABLES value to run with, or NULL for none.
 * @path:     @lib resolved to an absolute path.
 * @version:  the package's version, or "" for this project's library.
 * @available: @path exists (a missing peer is reported, not run).
 */
struct allocator {
	const char *key;
	const char *label;
	const char *lib;
	const char *package;
	const char *tunables;
	char path[PATH_MAX];
	char version[64];
	bool available;
};

/*
 * A workload, one row of the tables.
 * @name:    the row's name.
 * @prog:    its program is $(bindir)/wl_PROG.
 * @threads: the program's THREADS argument, after SCALE (0: none), so
 *           that one program makes rows of several thread counts.
 * @what:    what it does, for the report.
 */
struct workload {
	const char *name;
	const char *prog;
	int threads;
	const char *what;
};

#define MAX_WORK 16

/* The command line of one run of a workload (workload_argv). */
struct wl_argv {
	char prog[PATH_MAX];
	char scale[32];
	char threads[16];
	char *argv[4];
};

/*
 * The runs of one workload on one allocator.
 * @n: runs that succeeded, whose figures are in @ms and @rss_kb (up to
 *	MAX_RUNS for a workload, MAX_SAMPLES for the baseline).
 * @failed: runs that exited non-zero, died or printed a wrong checksum.
 * @ms: wall-clock milliseconds from spawn to exit.
 * @cpu_ms: the child's user + system CPU time, in milliseconds.
 * @rss_kb: the child's peak resident set (ru_maxrss), in KiB.
 * @ms_med, @ms_min, @ms_max, @cpu_med, @rss_med: summaries computed after
 *	the runs.
 */
struct cell {
	int n;
	int failed;
	double ms[MAX_SAMPLES];
	double cpu_ms[MAX_SAMPLES];
	double rss_kb[MAX_SAMPLES];
	double ms_med, ms_min, ms_max;
	double cpu_med;
	double rss_med;
};

/* What one run measured. */
struct sample {
	double ms;
	double cpu_ms;
	double rss_kb;
};

/* baseline: "pair 32 1000", the RSS of a program that barely allocates. */
#define BASELINE_ARGS "32", "1000"

/* One function's instructions: "file:function" and Ir. */
struct hot_spot {
	char name[160];
	double ir;
};

/* The chunks that consolidate.c frees per round. */
#define CONS_N 1000

/* Workload instruction counts are measured at this scale. */
#define IR_SCALE "0.02"
#define IR_HOT 4

/*
 * The callgrind measurement of one workload on one allocator.
 * @total:  instructions of the whole process.
 * @alloc:  instructions in the allocator's own functions (negative: not
 *          measured).
 * @hot:    the allocator functions with the most self instructions, most
 *          first, @nhot of them.
 */
struct wl_count {
	double total;
	double alloc;
	struct hot_spot hot[IR_HOT];
	int nhot;
};

/*
 * The callgrind measurement of one allocator.
 * @per_pair:    instructions inside malloc and free per pair, per size of
 *               bench_sizes[] (negative: not measured or failed).
 * @hot:         for the first size, the functions with the most self
 *               instructions per pair, most first; @nhot of them.
 * @consolidate: instructions of one consolidation of @fastchunks fast-bin
 *               chunks (negative: not measured or failed).
 */
struct fastpath {
	double per_pair[NSIZES];
	struct hot_spot hot[MAX_HOT];
	int nhot;
	double consolidate;
	long fastchunks;
};

/* Everything one invocation knows. */
struct bench {
	/* options */
	const char *bindir;
	const char *libdir;
	const char *out_md;
	const char *out_svg;
	const char *chart_script;
	const char *workdir;
	const char *cg_lib;
	char launcher[PATH_MAX];
	int runs;
	double scale;
	bool quick;
	bool callgrind;
	/* tables */
	struct allocator alloc[NALLOC];
	const struct workload *work;
	int nwork;
	/* results */
	struct cell cell[MAX_WORK][NALLOC];
	struct cell baseline[NALLOC];
	char checksum[MAX_WORK][64];
	struct fastpath fast[NALLOC];
	struct wl_count count[MAX_WORK][NALLOC];
	bool counted;
	long pair_iters;
	long cons_rounds;
	int errors;
	double elapsed_s;
	char started[64];
	char load_start[64];
	char load_end[64];
};

extern const size_t bench_sizes[NSIZES];

/* main.c */
char *const *workload_argv(const struct bench *b, int w, const char *scale,
			   struct wl_argv *v);

/* spawn.c */
int spawn_timed(const char *launcher, char *const argv[],
		const struct allocator *a, char *out, size_t outlen,
		struct sample *m);
char **spawn_env(const struct allocator *a);
void spawn_env_free(char **env);
int spawn_start(char *const argv[], char **env, const char *log);
int spawn_wait(int pid);
int spawn_quiet(char *const argv[], char **env, const char *log);

/* callgrind.c */
void callgrind_measure(struct bench *b);

/* report.c */
double cell_ratio(const struct bench *b, int w, int a, int base);
double geomean_ratio(const struct bench *b, int a, int base);
void report_console(const struct bench *b);
int report_markdown(const struct bench *b);
int report_chart(const struct bench *b);

/* report_cg.c */
void report_cg_console(const struct bench *b);
void report_cg_markdown(FILE *f, const struct bench *b);

#endif /* PTM_BENCH_DRIVER_H */
