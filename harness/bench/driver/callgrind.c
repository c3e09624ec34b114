// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * callgrind.c: instruction counts, which the load of the machine does not
 * disturb.
 *
 * This machine has no hardware counters, so the counts come from
 * valgrind's callgrind, which executes a program on a synthetic CPU and
 * counts every instruction.  Two measurements:
 *
 * - The pairs: harness/bench/pair.c, with costs collected only inside
 *   its functions pair_once (N pairs) and pair_twice (2N pairs).  The
 *   inclusive cost of the calls those functions make is the cost of malloc
 *   and free alone; (twice - once) / N is the steady-state cost of a pair.
 *   The self cost of every function in the collected region, over the 3N
 *   pairs, gives the hot spots.  The sizes of bench_sizes[] take the
 *   paths that matter: the fast bins or the cache (32 B), the bins with
 *   the cache off (128 B, 1024 B), above the cache (4 KiB, 64 KiB).
 * - The consolidation: harness/bench/consolidate.c in the same way, its
 *   functions with_fastchunks and without_fastchunks making the same
 *   large request with and without CONS_N chunks in the fast bins, on
 *   ptmalloc and glibc only (the peers have no fast bins).
 * - Each workload at scale IR_SCALE on ptmalloc and glibc: the
 *   instructions spent in the allocator's own functions (its shared
 *   object; for glibc, the functions of libc's malloc/ sources), and the
 *   allocator functions that spend the most.
 *
 * This project's library is measured from the --cg-lib build, whose
 * memcheck annotations stay off under valgrind (natively, each costs one
 * load and a branch that the counts then leave out).
 * Every run gets the environment of the timed runs (spawn_env: the
 * allocator's LD_PRELOAD and GLIBC_TUNABLES), and the pair runs of this
 * project's library and of glibc check it: pair -v prints whether a
 * per-thread cache took a freed block, which must be what the column
 * names (a ptm-tc run without its cache would silently report the
 * classic figures).
 * The runs are independent, so they go two at a time (valgrind runs a
 * program's threads one at a time anyway).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"

const size_t bench_sizes[NSIZES] = {
	[PS_32] = 32,	[PS_128] = 128,	  [PS_1024] = 1024,
	[PS_4K] = 4096, [PS_64K] = 65536,
};

/* Allocators whose workloads and consolidation are counted. */
static const int counted[] = { A_PTM, A_PTM_TC, A_GLIBC, A_GLIBC_NOTC };

/* The chunks of consolidate.c that a cache takes: 3 sizes, 7 each. */
#define CONS_CACHED 21

/* What a valgrind run measures. */
enum cg_kind {
	CG_PAIR,
	CG_CONSOLIDATE,
	CG_WORKLOAD
};

/*
 * The two functions whose callees' costs a pair or consolidation run
 * collects: the cost of the first is subtracted from the second's.
 */
static const char *const region_fn[][2] = {
	[CG_PAIR] = { "pair_once", "pair_twice" },
	[CG_CONSOLIDATE] = { "without_fastchunks", "with_fastchunks" },
};

/* One valgrind run: what it measures and where its output goes. */
struct cg_job {
	enum cg_kind kind;
	int a;
	int w;
	int s;
	char out[PATH_MAX];
	char log[PATH_MAX];
	int pid;
	int status;
};

/* A function seen in a callgrind file. */
struct cg_fn {
	char name[160];
	double ir;
	bool in_alloc;
};

/*
 * What one callgrind output file says.
 * @region: the inclusive cost of the calls made by each function of
 *          region_fn[] (a workload run has none).
 */
struct cg_result {
	double region[2];
	double total;
	int nfn;
	struct cg_fn fn[4096];
};

/* Remove every "DIR/../" from PATH. */
static void drop_dotdot(char *path)
{
	char *up;

	while ((up = strstr(path, "/../")) != NULL && up > path) {
		char *dir = up - 1;

		while (dir > path && dir[-1] != '/')
			dir--;
		if (strncmp(dir, "../", 3) == 0)
			break;
		memmove(dir, up + 4, strlen(up + 4) + 1);
	}
}

/* Make a source path readable: drop the tree root, "./", "/./", "..". */
static void tidy_path(char *path)
{
	char cwd[PATH_MAX], *p;
	size_t n;

	if (getcwd(cwd, sizeof(cwd)) != NULL) {
		n = strlen(cwd);
		if (strncmp(path, cwd, n) == 0 && path[n] == '/')
			memmove(path, path + n + 1, strlen(path + n + 1) + 1);
	}
	while ((p = strstr(path, "/./")) != NULL)
		memmove(p, p + 2, strlen(p + 2) + 1);
	while (strncmp(path, "./", 2) == 0)
		memmove(path, path + 2, strlen(path + 2) + 1);
	drop_dotdot(path);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * Is function FILE:FN of OBJECT part of allocator A?  Its shared object
 * for a preloaded one; libc's malloc/ sources for glibc.
 */
static bool in_allocator(const struct allocator *a, const char *object,
			 const char *file)
{
	if (a->lib != NULL)
		return strcmp(base_name(object), base_name(a->path)) == 0;
	return strncmp(base_name(object), "libc.so", 7) == 0 &&
	       strstr(file, "malloc/") != NULL;
}

/* The index of FILE:FN in R, added if new; -1 when the table is full. */
static int fn_index(struct cg_result *r, const char *file, const char *fn,
		    bool in_alloc)
{
	char name[sizeof(r->fn[0].name)];

	snprintf(name, sizeof(name), "%.80s:%.70s", file, fn);
	for (int i = r->nfn - 1; i >= 0; i--)
		if (strcmp(r->fn[i].name, name) == 0)
			return i;
	if (r->nfn == (int)(sizeof(r->fn) / sizeof(r->fn[0])))
		return -1;
	snprintf(r->fn[r->nfn].name, sizeof(name), "%s", name);
	r->fn[r->nfn].ir = 0;
	r->fn[r->nfn].in_alloc = in_alloc;
	return r->nfn++;
}

/* Strip the trailing newline; what follows "KEY" in LINE, or NULL. */
static const char *value_of(char *line, const char *key)
{
	size_t n = strlen(key);

	line[strcspn(line, "\n")] = '\0';
	return strncmp(line, key, n) == 0 ? line + n : NULL;
}

/* The parser's position: the current object, file and function. */
struct cg_pos {
	char object[4096];
	char file[4096];
	char fn[4096];
	int index;
	int region;
	bool after_call;
};

/* Account one cost line to the current function or region call. */
static void cg_cost(struct cg_result *r, struct cg_pos *p, const char *line)
{
	const char *cost = strchr(line, ' ');
	double ir = cost != NULL ? strtod(cost, NULL) : 0;

	if (p->after_call && p->region >= 0)
		r->region[p->region] += ir;
	else if (!p->after_call && p->region < 0 && p->index >= 0)
		r->fn[p->index].ir += ir;
	p->after_call = false;
}

/* Which of the region functions NAMES (NULL: none) FN is, or -1. */
static int region_of(const char *const *names, const char *fn)
{
	for (int i = 0; names != NULL && i < 2; i++)
		if (strcmp(fn, names[i]) == 0)
			return i;
	return -1;
}

/*
 * Read a callgrind output file written with uncompressed names, whose
 * region functions are NAMES.
 */
static int cg_parse(const char *path, const struct allocator *a,
		    const char *const *names, struct cg_result *r)
{
	static struct cg_pos p;
	char line[4096];
	const char *v;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.index = -1;
	p.region = -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((v = value_of(line, "ob=")) != NULL) {
			snprintf(p.object, sizeof(p.object), "%s", v);
		} else if ((v = value_of(line, "fl=")) != NULL) {
			snprintf(p.file, sizeof(p.file), "%s",
				 strcmp(v, "???") ? v : base_name(p.object));
			tidy_path(p.file);
		} else if ((v = value_of(line, "fn=")) != NULL) {
			snprintf(p.fn, sizeof(p.fn), "%s", v);
			p.region = region_of(names, v);
			p.index = fn_index(r, p.file, p.fn,
					   in_allocator(a, p.object, p.file));
		} else if ((v = value_of(line, "summary: ")) != NULL) {
			r->total = strtod(v, NULL);
		} else if (strncmp(line, "calls=", 6) == 0) {
			p.after_call = true;
		} else if ((line[0] >= '0' && line[0] <= '9') ||
			   line[0] == '+' || line[0] == '-') {
			cg_cost(r, &p, line);
		}
	}
	fclose(f);
	return 0;
}

static int cmp_fn(const void *x, const void *y)
{
	const struct cg_fn *a = x, *b = y;

	return (a->ir < b->ir) - (a->ir > b->ir);
}

/*
 * Allocator A as callgrind runs it: this project's library is replaced by
 * the --cg-lib build, if any.
 */
static struct allocator cg_allocator(const struct bench *b, int a)
{
	struct allocator al = b->alloc[a];

	if (al.lib != NULL && al.package == NULL && b->cg_lib != NULL)
		snprintf(al.path, sizeof(al.path), "%s", b->cg_lib);
	return al;
}

/* The strings of a job's command line. */
struct cg_args {
	char str[5][PATH_MAX];
	struct wl_argv wl;
};

/*
 * The program and arguments of job J, in ARGV from index N (the options
 * before it), its output file in J->out; returns the new N.  BUF holds
 * the strings.
 */
static int job_args(const struct bench *b, struct cg_job *j, char **argv, int n,
		    struct cg_args *buf)
{
	static const char *const
		prog[] = { [CG_PAIR] = "pair", [CG_CONSOLIDATE] = "consolidate" };
	const char *key = b->alloc[j->a].key;
	char(*str)[PATH_MAX] = buf->str;

	if (j->kind == CG_WORKLOAD) {
		snprintf(j->out, sizeof(j->out), "%s/cg-%s-%s.out", b->workdir,
			 b->work[j->w].name, key);
		for (char *const *arg =
			     workload_argv(b, j->w, IR_SCALE, &buf->wl);
		     *arg != NULL; arg++)
			argv[n++] = *arg;
		return n;
	}
	for (int i = 0; i < 2; i++) {
		snprintf(str[i], PATH_MAX, "--toggle-collect=%s",
			 region_fn[j->kind][i]);
		argv[n++] = str[i];
	}
	snprintf(str[2], PATH_MAX, "%s/%s", b->bindir, prog[j->kind]);
	snprintf(str[3], PATH_MAX, "%zu",
		 j->kind == CG_PAIR ? bench_sizes[j->s] : (size_t)CONS_N);
	snprintf(str[4], PATH_MAX, "%ld",
		 j->kind == CG_PAIR ? b->pair_iters : b->cons_rounds);
	snprintf(j->out, sizeof(j->out), "%s/cg-%s-%s-%s.out", b->workdir,
		 prog[j->kind], key, str[3]);
	argv[n++] = str[2];
	argv[n++] = str[3];
	argv[n++] = str[4];
	if (j->kind == CG_PAIR)
		argv[n++] = "-v";
	return n;
}

/* Start job J under callgrind, with the allocator's environment. */
static void job_start(struct bench *b, struct cg_job *j)
{
	static struct cg_args buf;
	struct allocator al = cg_allocator(b, j->a);
	char outopt[PATH_MAX + 32];
	char *argv[16] = { "valgrind", "--tool=callgrind", outopt,
			   "--compress-strings=no", "--compress-pos=no" };
	char **env = spawn_env(&al);
	int n = job_args(b, j, argv, 5, &buf);

	argv[n] = NULL;
	snprintf(j->log, sizeof(j->log), "%.*s.log", (int)(strlen(j->out) - 4),
		 j->out);
	snprintf(outopt, sizeof(outopt), "--callgrind-out-file=%s", j->out);
	j->pid = env != NULL ? spawn_start(argv, env, j->log) : -1;
	spawn_env_free(env);
}

/* Run the N jobs, as many at a time as there are CPUs. */
static void jobs_run(struct bench *b, struct cg_job *jobs, int n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int next = 0, running = 0;

	while (next < n || running > 0) {
		int status, pid;

		if (next < n && running < (cpus > 1 ? cpus : 1)) {
			job_start(b, &jobs[next]);
			jobs[next].status = jobs[next].pid < 0 ? -1 : 0;
			running += jobs[next++].pid >= 0;
			continue;
		}
		pid = wait(&status);
		if (pid < 0)
			break;
		for (int i = 0; i < next; i++)
			if (jobs[i].pid == pid) {
				jobs[i].status = WIFEXITED(status) ?
							 WEXITSTATUS(status) :
							 128;
				running--;
			}
	}
}

/*
 * Whether allocator A runs with a per-thread cache: glibc unless its
 * GLIBC_TUNABLES sets tcache_count=0, this project's library (classic
 * by default) only when they set a non-zero tcache_count.
 */
static bool expects_tcache(const struct allocator *a)
{
	static const char key[] = "glibc.malloc.tcache_count=";
	const char *t = a->tunables != NULL ? strstr(a->tunables, key) : NULL;

	if (t != NULL)
		return strtol(t + strlen(key), NULL, 0) != 0;
	return a->lib == NULL;
}

/*
 * Whether a pair job ran in the configuration its column names: for
 * glibc and this project's library, "pair: tcache=on" or "off" in its
 * log as expects_tcache() says; the peers are not checked.
 */
static bool pair_config_ok(const struct cg_job *j, const struct allocator *a)
{
	const char *want = expects_tcache(a) ? "on" : "off";
	char line[512], got[8] = "?";
	FILE *f;

	if (a->package != NULL)
		return true;
	f = fopen(j->log, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "pair: tcache=%7s", got);
	if (f != NULL)
		fclose(f);
	if (strcmp(got, want) == 0)
		return true;
	fprintf(stderr,
		"bench: callgrind pair run of %s had tcache=%s, not %s "
		"(see %s)\n",
		a->key, got, want, j->log);
	return false;
}

/* Keep the result of a pair job in b->fast. */
static void keep_pair(struct bench *b, const struct cg_job *j,
		      struct cg_result *r)
{
	struct fastpath *fp = &b->fast[j->a];

	fp->per_pair[j->s] =
		(r->region[1] - r->region[0]) / (double)b->pair_iters;
	if (j->s != 0)
		return;
	qsort(r->fn, (size_t)r->nfn, sizeof(r->fn[0]), cmp_fn);
	fp->nhot = 0;
	for (int i = 0; i < r->nfn && fp->nhot < MAX_HOT; i++) {
		snprintf(fp->hot[fp->nhot].name, sizeof(fp->hot[0].name), "%s",
			 r->fn[i].name);
		fp->hot[fp->nhot++].ir =
			r->fn[i].ir / (3.0 * (double)b->pair_iters);
	}
}

/*
 * Keep the result of a consolidation job in b->fast, once its log says
 * that it found the fast chunks its configuration leaves: CONS_N, less
 * the CONS_CACHED that a cache takes.
 */
static bool keep_consolidate(struct bench *b, const struct cg_job *j,
			     struct cg_result *r, const struct allocator *a)
{
	long want = CONS_N - (expects_tcache(a) ? CONS_CACHED : 0), got = -1;
	struct fastpath *fp = &b->fast[j->a];
	char line[512];
	FILE *f = fopen(j->log, "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "consolidate: fastchunks=%ld", &got);
	if (f != NULL)
		fclose(f);
	if (got != want) {
		fprintf(stderr,
			"bench: consolidation run of %s found %ld fast chunks, "
			"not %ld (see %s)\n",
			a->key, got, want, j->log);
		return false;
	}
	fp->consolidate =
		(r->region[1] - r->region[0]) / (double)b->cons_rounds;
	fp->fastchunks = got;
	return true;
}

/* Keep the result of a workload job in b->count. */
static void keep_workload(struct bench *b, const struct cg_job *j,
			  struct cg_result *r)
{
	struct wl_count *c = &b->count[j->w][j->a];

	c->total = r->total;
	c->alloc = 0;
	for (int i = 0; i < r->nfn; i++)
		if (r->fn[i].in_alloc)
			c->alloc += r->fn[i].ir;
	qsort(r->fn, (size_t)r->nfn, sizeof(r->fn[0]), cmp_fn);
	c->nhot = 0;
	for (int i = 0; i < r->nfn && c->nhot < IR_HOT; i++) {
		if (!r->fn[i].in_alloc)
			continue;
		snprintf(c->hot[c->nhot].name, sizeof(c->hot[0].name), "%s",
			 r->fn[i].name);
		c->hot[c->nhot++].ir = r->fn[i].ir;
	}
}

/* The jobs of this invocation, in JOBS; returns how many. */
static int jobs_plan(struct bench *b, struct cg_job *jobs)
{
	size_t ncounted = sizeof(counted) / sizeof(counted[0]);
	int n = 0;

	for (int a = 0; a < NALLOC; a++)
		for (int s = 0; s < NSIZES && b->alloc[a].available; s++)
			jobs[n++] = (struct cg_job){ .kind = CG_PAIR,
						     .a = a,
						     .s = s };
	for (size_t i = 0; i < ncounted; i++)
		jobs[n++] = (struct cg_job){ .kind = CG_CONSOLIDATE,
					     .a = counted[i] };
	for (size_t i = 0; b->counted && i < ncounted; i++)
		for (int w = 0; w < b->nwork; w++)
			jobs[n++] = (struct cg_job){ .kind = CG_WORKLOAD,
						     .a = counted[i],
						     .w = w };
	return n;
}

/* Read job J's output into B; false when it failed. */
static bool job_keep(struct bench *b, const struct cg_job *j,
		     struct cg_result *r)
{
	struct allocator al = cg_allocator(b, j->a);
	const char *const *names = j->kind == CG_WORKLOAD ? NULL :
							    region_fn[j->kind];

	if (j->status != 0 || cg_parse(j->out, &al, names, r)) {
		fprintf(stderr, "bench: callgrind run failed (see %s)\n",
			j->log);
		return false;
	}
	if (j->kind == CG_CONSOLIDATE)
		return keep_consolidate(b, j, r, &al);
	if (j->kind == CG_WORKLOAD) {
		keep_workload(b, j, r);
		return true;
	}
	if (!pair_config_ok(j, &al))
		return false;
	keep_pair(b, j, r);
	return true;
}

/* Every callgrind measurement: fill b->fast and b->count. */
void callgrind_measure(struct bench *b)
{
	static struct cg_job jobs[NALLOC * (NSIZES + 1) + NALLOC * MAX_WORK];
	static struct cg_result r;
	int n;

	b->pair_iters = b->quick ? 5000 : 20000;
	b->cons_rounds = b->quick ? 50 : 200;
	b->counted = !b->quick;
	for (int a = 0; a < NALLOC; a++) {
		for (int s = 0; s < NSIZES; s++)
			b->fast[a].per_pair[s] = -1;
		b->fast[a].consolidate = -1;
	}
	for (int w = 0; w < b->nwork; w++)
		for (int a = 0; a < NALLOC; a++)
			b->count[w][a].alloc = -1;
	n = jobs_plan(b, jobs);
	fprintf(stderr, "bench: %d callgrind runs\n", n);
	jobs_run(b, jobs, n);
	for (int i = 0; i < n; i++)
		if (!job_keep(b, &jobs[i], &r))
			b->errors++;
}
