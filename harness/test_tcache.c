// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-thread cache (malloc/tcache.h), which is off unless
 * GLIBC_TUNABLES sets glibc.malloc.tcache_count.
 *
 * The main proof is differential: with the cache on, the same seeded
 * call sequences as harness/test_differential.c must give byte-identical
 * records on this allocator and on the host's glibc in its default
 * configuration (tcache on, count 7), tcache header included (16 seeds
 * by default; `make check-long` runs 5000 longer ones).  The
 * other tests pin what the cache changes: placement and mallinfo,
 * glibc's double-free message, and the flush at thread exit.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff_ops.h"

#define TCACHE_ON "GLIBC_TUNABLES=glibc.malloc.tcache_count=7"

/*
 * The differential run: by default 16 seeds (1..16) of 20000 calls,
 * split over DIFF_PARTS tests.  It reads the environment knobs of
 * differential/random (test_differential.c): PTM_DIFF_LONG=1 is the long
 * mode, 5000 seeds of 100000 calls; PTM_DIFF_SEEDS, PTM_DIFF_OPS and
 * PTM_DIFF_FIRST_SEED override the number of seeds, the calls per seed
 * and the first seed.
 */
#define DIFF_SEEDS 16
#define DIFF_CALLS 20000
#define DIFF_LONG_SEEDS 5000
#define DIFF_LONG_CALLS 100000
#define DIFF_PARTS 4

/* Run @cmd through the shell; its exit status. */
static int run(const char *cmd)
{
	int status = system(cmd);

	cr_assert(ne(int, status, -1));
	return status;
}

/* The value of environment variable @name, or @dflt when unset or empty. */
static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* Remove the files diff_seed() and report_difference() write, and @dir. */
static void remove_run_dir(const char *dir)
{
	static const char *const names[] = { "glibc", "ptm", "glibc.rec",
					     "ptm.rec" };
	char path[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * Run diffrun over seed @seed, @count calls, into file @name of @dir:
 * the host's malloc in its default configuration, or (@ptm) this
 * allocator with the cache on; digests only if @hashed.  When it fails,
 * @dir is removed and the test fails.
 */
static void run_side(const char *dir, const char *name, bool ptm, bool hashed,
		     uint64_t seed, uint64_t count)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "env -u GLIBC_TUNABLES -u MALLOC_CHECK_ %s %s/diffrun %s%s "
		 "seed %" PRIu64 " %" PRIu64 " > %s/%s",
		 ptm ? TCACHE_ON : "", PTM_PROGRAMS_DIR,
		 hashed ? "--hash " : "", ptm ? "ptm-raw" : "glibc", seed,
		 count, dir, name);
	if (run(cmd) != 0) {
		remove_run_dir(dir);
		cr_fatal("failed: %s", cmd);
	}
}

/* The whole file @path (malloc'ed) and its size in @len. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	cr_assert(ne(ptr, f, NULL), "cannot open %s", path);
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			buf = realloc(buf, cap);
			cr_assert(ne(ptr, buf, NULL));
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

/*
 * The index of the first digest that differs between @a and @b (@alen
 * and @blen bytes; a digest of 0 reports a broken block), or the number
 * of digests in the shorter one when they all match.
 */
static uint64_t first_difference(const unsigned char *a, size_t alen,
				 const unsigned char *b, size_t blen)
{
	size_t n = (alen < blen ? alen : blen) / sizeof(uint64_t);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t ha, hb;

		memcpy(&ha, a + i * sizeof(ha), sizeof(ha));
		memcpy(&hb, b + i * sizeof(hb), sizeof(hb));
		if (ha != hb || ha == 0)
			return i;
	}
	return n;
}

/* Append record @r of side @name to @msg, marking fields unlike @o's. */
static void put_record(char *msg, size_t cap, const char *name,
		       const struct diff_record *r, const struct diff_record *o)
{
	size_t n = strlen(msg);

#define MARK(f) (r->f != o->f ? "*" : "")
	n += (size_t)snprintf(msg + n, cap - n,
			      "  %-6s flags=%s%#x ret=%s%d where=%s%" PRIu64
			      " head=%s%#" PRIx64 " brk=%s%" PRIu64
			      "\n        ",
			      name, MARK(flags), r->flags, MARK(ret), r->ret,
			      MARK(where), r->where, MARK(head), r->head,
			      MARK(brk), r->brk);
#undef MARK
	for (unsigned int i = 0; i < DIFF_MI_FIELDS && n < cap; i++)
		n += (size_t)snprintf(msg + n, cap - n, " %s=%s%" PRIu64,
				      diff_mi_name(i),
				      r->mi[i] != o->mi[i] ? "*" : "",
				      r->mi[i]);
	if (n < cap)
		snprintf(msg + n, cap - n, "\n");
}

/*
 * Seed @seed differs at call @index: run both sides again up to it with
 * full records and fail with the call and both records.
 */
static void report_difference(const char *dir, uint64_t seed, uint64_t count,
			      uint64_t index)
{
	static char msg[4096];
	char gpath[256], ppath[256], op[64];
	struct diff_record g = { 0 }, p = { 0 };
	unsigned char *gb, *pb;
	size_t glen, plen, at = index * sizeof(g);

	run_side(dir, "glibc.rec", false, false, seed, index + 1);
	run_side(dir, "ptm.rec", true, false, seed, index + 1);
	snprintf(gpath, sizeof(gpath), "%s/glibc.rec", dir);
	snprintf(ppath, sizeof(ppath), "%s/ptm.rec", dir);
	gb = slurp(gpath, &glen);
	pb = slurp(ppath, &plen);
	if (glen >= at + sizeof(g))
		memcpy(&g, gb + at, sizeof(g));
	if (plen >= at + sizeof(p))
		memcpy(&p, pb + at, sizeof(p));
	diff_format_op(op, sizeof(op), &g.op);
	snprintf(msg, sizeof(msg),
		 "seed %" PRIu64 " of %" PRIu64 " calls differs from glibc's "
		 "default configuration at call %" PRIu64 " (%s)%s\n"
		 "  (fields marked * differ; replay: diffrun [--script] "
		 "ptm-raw seed %" PRIu64 " %" PRIu64 " with %s)\n",
		 seed, count, index, op,
		 memcmp(&g, &p, sizeof(g)) ? "" : ", a broken block", seed,
		 index + 1, TCACHE_ON);
	put_record(msg, sizeof(msg), "glibc", &g, &p);
	put_record(msg, sizeof(msg), "ptm", &p, &g);
	free(gb);
	free(pb);
	remove_run_dir(dir);
	cr_fatal("%s", msg);
}

/* Seed @seed, @count calls: the digests of both sides must be equal. */
static void diff_seed(uint64_t seed, uint64_t count)
{
	char dir[] = "/tmp/ptm-tcache-XXXXXX", gpath[64], ppath[64];
	unsigned char *gb, *pb;
	size_t glen, plen;
	uint64_t index;

	cr_assert(ne(ptr, mkdtemp(dir), NULL));
	run_side(dir, "glibc", false, true, seed, count);
	run_side(dir, "ptm", true, true, seed, count);
	snprintf(gpath, sizeof(gpath), "%s/glibc", dir);
	snprintf(ppath, sizeof(ppath), "%s/ptm", dir);
	gb = slurp(gpath, &glen);
	pb = slurp(ppath, &plen);
	index = first_difference(gb, glen, pb, plen);
	free(gb);
	free(pb);
	if (index < count)
		report_difference(dir, seed, count, index);
	remove_run_dir(dir);
	cr_assert(eq(sz, glen, count * sizeof(uint64_t)),
		  "seed %" PRIu64 ": diffrun glibc wrote %zu bytes", seed,
		  glen);
	cr_assert(eq(sz, plen, count * sizeof(uint64_t)),
		  "seed %" PRIu64 ": diffrun ptm-raw wrote %zu bytes", seed,
		  plen);
}

ParameterizedTestParameters(tcache, differential_against_glibc_default)
{
	static int parts[DIFF_PARTS] = { 0, 1, 2, 3 };

	return cr_make_param_array(int, parts, DIFF_PARTS);
}

/* Part @part of the seeds: every DIFF_PARTS-th one. */
ParameterizedTest(int *part, tcache, differential_against_glibc_default)
{
	bool long_mode = env_u64("PTM_DIFF_LONG", 0) != 0;
	uint64_t seeds = env_u64("PTM_DIFF_SEEDS",
				 long_mode ? DIFF_LONG_SEEDS : DIFF_SEEDS);
	uint64_t count = env_u64("PTM_DIFF_OPS",
				 long_mode ? DIFF_LONG_CALLS : DIFF_CALLS);
	uint64_t first = env_u64("PTM_DIFF_FIRST_SEED", 1);

	for (uint64_t i = (uint64_t)*part; i < seeds; i += DIFF_PARTS)
		diff_seed(first + i, count);
}

/* Run tcache_probe @mode with @env and read its "KEY VALUE" lines. */
static long probe(const char *env, const char *mode, const char *key)
{
	char cmd[512];
	char k[64];
	long v;
	long found = -1;
	FILE *out;

	snprintf(cmd, sizeof(cmd), "env %s %s/tcache_probe %s", env,
		 PTM_PROGRAMS_DIR, mode);
	out = popen(cmd, "r");
	cr_assert(ne(ptr, out, NULL));
	while (fscanf(out, "%63s %ld", k, &v) == 2)
		if (strcmp(k, key) == 0)
			found = v;
	cr_assert(eq(int, pclose(out), 0));
	return found;
}

Test(tcache, freed_blocks_stay_in_use_for_the_arena)
{
	/* Off: two 32-byte chunks in a fast bin, 32 bytes in use. */
	cr_expect(eq(long, probe("", "figures", "smblks"), 2));
	cr_expect(eq(long, probe("", "figures", "uordblks"), 32));
	/* On: cached chunks count as in use, with the 656-byte header. */
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "smblks"), 0));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "uordblks"),
		     3 * 32 + 656));
	/* Both give the last freed block back first. */
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "first_is_b"), 1));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "second_is_a"), 1));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "check"), 0));
}

Test(tcache, thread_exit_flushes_the_cache)
{
	/*
	 * The thread is the first to allocate, so it uses the main arena;
	 * after it exits, its seven cached chunks and the cache header are
	 * free again: nothing is in use.
	 */
	cr_expect(eq(long, probe(TCACHE_ON, "thread-exit", "arena1_uordblks"),
		     0));
	cr_expect(eq(long, probe(TCACHE_ON, "thread-exit", "check"), 0));
}

/*
 * Run tcache_probe @mode (double-free or double-free-deep) with @env:
 * the first line of its stderr into @line; true when the program did
 * not get past the second free of its block.
 */
static bool double_free(const char *env, const char *mode, char *line,
			size_t cap)
{
	char cmd[512];
	char rest[256];
	bool survived = false;
	FILE *out;

	snprintf(cmd, sizeof(cmd), "env %s %s/tcache_probe %s 2>&1", env,
		 PTM_PROGRAMS_DIR, mode);
	out = popen(cmd, "r");
	cr_assert(ne(ptr, out, NULL));
	if (fgets(line, (int)cap, out) == NULL)
		line[0] = '\0';
	while (fgets(rest, sizeof(rest), out) != NULL)
		if (strncmp(rest, "survived", 8) == 0)
			survived = true;
	pclose(out);
	return !survived;
}

Test(tcache, double_free_is_caught_with_glibcs_message)
{
	char line[512];

	cr_expect(double_free(TCACHE_ON, "double-free", line, sizeof(line)));
	cr_expect(ne(ptr,
		     strstr(line, "': free(): double free detected in "
				  "tcache 2: 0x"),
		     NULL),
		  "got: %s", line);
	cr_expect(double_free("", "double-free", line, sizeof(line)));
	cr_expect(ne(ptr,
		     strstr(line, "': double free or corruption "
				  "(fasttop): 0x"),
		     NULL),
		  "got: %s", line);
}

/*
 * A request served from a small bin while the cache's list for its size
 * has room moves the rest of that bin into the cache (glibc 2.36's
 * _int_malloc), chunk by chunk from the bin's end, flagged with their
 * arena.  The same program on glibc 2.36 (tcache_count 7) prints the
 * same figures: the eighth request gets the bin's last chunk, the ninth
 * the one moved into the cache, and in between the only free chunk
 * mallinfo counts is top (two tops once the thread has its own arena).
 */
Test(tcache, small_bin_rest_moves_into_the_cache)
{
	static const struct {
		const char *key;
		long value;
	} want[] = {
		{ "main_eighth_is_p7", 1 },
		{ "main_ordblks", 1 },
		{ "main_ninth_is_p8", 1 },
		{ "main_p8_non_main_arena", 0 },
		{ "thread_eighth_is_p7", 1 },
		{ "thread_ordblks", 2 },
		{ "thread_ninth_is_p8", 1 },
		{ "thread_p8_non_main_arena", 1 },
		{ "check", 0 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(eq(long,
			     probe(TCACHE_ON, "stash-smallbin", want[i].key),
			     want[i].value),
			  "%s", want[i].key);
}

/*
 * A double free behind another cached block: the walk of the list goes
 * past the head and finds the block (glibc 2.36 prints the same message).
 */
Test(tcache, double_free_deeper_in_the_list_is_caught)
{
	char line[512];

	cr_expect(
		double_free(TCACHE_ON, "double-free-deep", line, sizeof(line)));
	cr_expect(ne(ptr,
		     strstr(line, "': free(): double free detected in "
				  "tcache 2: 0x"),
		     NULL),
		  "got: %s", line);
}

/*
 * A block whose data holds the cache key by chance is freed as usual:
 * into the cache while its list has room (and it comes back first),
 * into its fast bin (one block of 32 bytes) once the list is full.
 * glibc 2.36 (tcache_count 7) prints the same figures.
 */
Test(tcache, key_in_user_data_is_no_double_free)
{
	cr_expect(eq(long, probe(TCACHE_ON, "key-coincidence", "room_cached"),
		     1));
	cr_expect(eq(long, probe(TCACHE_ON, "key-coincidence", "full_smblks"),
		     1));
	cr_expect(eq(long, probe(TCACHE_ON, "key-coincidence", "full_fsmblks"),
		     32));
	cr_expect(eq(long,
		     probe(TCACHE_ON, "key-coincidence", "full_next_is_x6"),
		     1));
	cr_expect(eq(long, probe(TCACHE_ON, "key-coincidence", "check"), 0));
}

/* The figures of tcache_probe classes with @env, against @cached_upto. */
static void expect_classes(const char *env, long cached_upto, long next_1032)
{
	static const long req[] = { 0,	1,  8,	 9,   24,   25,
				    40, 41, 104, 105, 1032, 1033 };
	/* Whether req[i] and req[i + 1] share a size class. */
	static const long same_next[] = { 1, 1, 1, 1, 0, 1, 0, 0, 0, 0 };
	char key[32];

	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		snprintf(key, sizeof(key), "cached_%ld", req[i]);
		cr_expect(eq(long, probe(env, "classes", key),
			     req[i] <= cached_upto),
			  "%s %s", env, key);
		snprintf(key, sizeof(key), "back_%ld", req[i]);
		cr_expect(eq(long, probe(env, "classes", key), 1), "%s %s", env,
			  key);
	}
	for (size_t i = 0; i < sizeof(same_next) / sizeof(same_next[0]); i++) {
		snprintf(key, sizeof(key), "next_%ld", req[i]);
		cr_expect(eq(long, probe(env, "classes", key), same_next[i]),
			  "%s %s", env, key);
	}
	cr_expect(eq(long, probe(env, "classes", "next_1032"), next_1032));
	cr_expect(eq(long, probe(env, "classes", "check"), 0));
}

/*
 * malloc maps a request to its list in one step, and free bounds the
 * list index once: every request up to the largest of the last class in
 * use (1032 by default, 104 with tcache_max=100) is cached, those padded
 * to MINSIZE (0 to 8 bytes) on list 0 with 9 to 24, and no request
 * shares a list across a class edge.  Off, nothing is cached.
 */
Test(tcache, requests_at_class_edges)
{
	expect_classes("", -1, 1);
	expect_classes(TCACHE_ON, 1032, 0);
	expect_classes(TCACHE_ON ":glibc.malloc.tcache_max=100", 104, 1);
}
