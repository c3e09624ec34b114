// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * callgrind.c: instructions per malloc+free pair on the fast path.
 *
 * This machine has no hardware counters, so the count comes from
 * valgrind's callgrind, which executes the program on a synthetic CPU and
 * counts every instruction.  The program is harness/bench/pair.c: costs
 * are collected only inside its functions pair_once (N pairs) and
 * pair_twice (2N pairs), and the driver reads, from the callgrind output,
 * the inclusive cost of the calls those functions make, that is of malloc
 * and free alone.  (twice - once) / N is the steady-state cost of a pair.
 * The self cost of every function seen in the collected region, divided by
 * the 3N pairs, gives the hot-spot table of docs/bench.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

const size_t bench_sizes[NSIZES] = { 32, 128, 1024 };

/* What one callgrind output file says. */
struct cg_result {
	double once;
	double twice;
	int nfn;
	struct hot_spot fn[256];
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

/* Add IR self instructions to function FILE:FN in R. */
static void add_self(struct cg_result *r, const char *file, const char *fn,
		     double ir)
{
	char name[sizeof(r->fn[0].name)];
	int i;

	snprintf(name, sizeof(name), "%.80s:%.70s", file, fn);
	for (i = 0; i < r->nfn; i++)
		if (strcmp(r->fn[i].name, name) == 0)
			break;
	if (i == r->nfn) {
		if (r->nfn == (int)(sizeof(r->fn) / sizeof(r->fn[0])))
			return;
		snprintf(r->fn[r->nfn++].name, sizeof(name), "%s", name);
	}
	r->fn[i].ir += ir;
}

/* Strip the trailing newline and return what follows "KEY=" in LINE. */
static const char *value_of(char *line, const char *key)
{
	size_t n = strlen(key);

	line[strcspn(line, "\n")] = '\0';
	return strncmp(line, key, n) == 0 ? line + n : NULL;
}

/* Read a callgrind output file written with uncompressed names. */
static int cg_parse(const char *path, struct cg_result *r)
{
	char line[4096], file[4096] = "???", fn[4096] = "";
	char object[4096] = "???";
	bool after_call = false;
	const char *v;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((v = value_of(line, "ob=")) != NULL) {
			snprintf(object, sizeof(object), "%s", v);
		} else if ((v = value_of(line, "fl=")) != NULL) {
			snprintf(file, sizeof(file), "%s", v);
			if (strcmp(file, "???") == 0)
				snprintf(file, sizeof(file), "%s",
					 strrchr(object, '/') ?
						 strrchr(object, '/') + 1 :
						 object);
			tidy_path(file);
		} else if ((v = value_of(line, "fn=")) != NULL) {
			snprintf(fn, sizeof(fn), "%s", v);
		} else if (strncmp(line, "calls=", 6) == 0) {
			after_call = true;
		} else if ((line[0] >= '0' && line[0] <= '9') ||
			   line[0] == '+' || line[0] == '-') {
			char *cost = strchr(line, ' ');
			double ir = cost != NULL ? strtod(cost, NULL) : 0;
			bool in_once = strcmp(fn, "pair_once") == 0;
			bool in_twice = strcmp(fn, "pair_twice") == 0;

			if (after_call && in_once)
				r->once += ir;
			else if (after_call && in_twice)
				r->twice += ir;
			else if (!after_call && !in_once && !in_twice)
				add_self(r, file, fn, ir);
			after_call = false;
		}
	}
	fclose(f);
	return 0;
}

static int cmp_hot(const void *x, const void *y)
{
	const struct hot_spot *a = x, *b = y;

	return (a->ir < b->ir) - (a->ir > b->ir);
}

/* Run pair SIZE N under callgrind on allocator A and parse the output. */
static int cg_run(struct bench *b, int a, size_t size, struct cg_result *r)
{
	char out[PATH_MAX], log[PATH_MAX], prog[PATH_MAX];
	char outopt[PATH_MAX + 32], sz[32], iters[32];
	char *argv[] = { "valgrind",
			 "--tool=callgrind",
			 outopt,
			 "--toggle-collect=pair_once",
			 "--toggle-collect=pair_twice",
			 "--compress-strings=no",
			 "--compress-pos=no",
			 prog,
			 sz,
			 iters,
			 NULL };
	char **env = spawn_env(&b->alloc[a]);
	int status;

	snprintf(out, sizeof(out), "%s/callgrind-%s-%zu.out", b->workdir,
		 b->alloc[a].key, size);
	snprintf(log, sizeof(log), "%s/callgrind-%s-%zu.log", b->workdir,
		 b->alloc[a].key, size);
	snprintf(outopt, sizeof(outopt), "--callgrind-out-file=%s", out);
	snprintf(prog, sizeof(prog), "%s/pair", b->bindir);
	snprintf(sz, sizeof(sz), "%zu", size);
	snprintf(iters, sizeof(iters), "%ld", b->pair_iters);
	if (env == NULL)
		return -1;
	status = spawn_quiet(argv, env, log);
	spawn_env_free(env);
	if (status != 0) {
		fprintf(stderr, "bench: callgrind on %s failed (see %s)\n",
			b->alloc[a].key, log);
		return -1;
	}
	return cg_parse(out, r);
}

/* Every available allocator, every size: fill b->fast. */
void callgrind_measure(struct bench *b)
{
	static struct cg_result r;

	b->nsizes = b->quick ? 1 : NSIZES;
	b->pair_iters = b->quick ? 5000 : 20000;
	for (int a = 0; a < NALLOC; a++) {
		struct fastpath *fp = &b->fast[a];

		for (int s = 0; s < NSIZES; s++)
			fp->per_pair[s] = -1;
		if (!b->alloc[a].available)
			continue;
		fprintf(stderr, "bench: callgrind %s\n", b->alloc[a].key);
		for (int s = 0; s < b->nsizes; s++) {
			if (cg_run(b, a, bench_sizes[s], &r) != 0) {
				b->errors++;
				continue;
			}
			fp->per_pair[s] = (r.twice - r.once) / b->pair_iters;
			if (s != 0)
				continue;
			qsort(r.fn, (size_t)r.nfn, sizeof(r.fn[0]), cmp_hot);
			for (int i = 0; i < r.nfn && i < MAX_HOT; i++) {
				fp->hot[i] = r.fn[i];
				fp->hot[i].ir /= 3.0 * (double)b->pair_iters;
			}
			fp->nhot = r.nfn < MAX_HOT ? r.nfn : MAX_HOT;
		}
	}
}
