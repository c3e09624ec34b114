// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The differential test: the proof of fidelity against the host's glibc.
 *
 * Each comparison runs harness/programs/diffrun twice, at the same time:
 * once on the host's malloc with GLIBC_TUNABLES=glibc.malloc.tcache_count=0
 * and once on this allocator (its ptm_ functions on the real program
 * break), over the same sequence of malloc, free, realloc, calloc,
 * memalign, posix_memalign, malloc_trim and mallopt calls.  After every
 * call both write a record (diff_ops.h): the block's offset from the heap
 * start, its chunk size word, the break offset, every mallinfo2 field.
 * The records must be identical byte for byte; diffrun accounts for the
 * 656-byte tcache header glibc 2.36 allocates first.  The two sides
 * stream 64-bit digests of their records, which the test compares as
 * they arrive; at the first difference both are run again up to that
 * call with full records, and the test fails with the seed (or the
 * sequence's name), the call, the calls before it and both records.
 *
 * What runs:
 *   - differential/random: seeded pseudo-random sequences, by default 200
 *     seeds (1..200) of 20000 calls each, split over four tests so that
 *     Criterion's workers share them;
 *   - differential/<path>: short hand-written sequences aimed at one
 *     path each (last remainder, large-bin best fit, consolidation, trim,
 *     the dynamic mmap threshold, ...);
 *   - two checks of the harness itself (the host is deterministic; a
 *     missing tcache header is caught).
 *
 * Environment knobs (read by differential/random, and in the same way by
 * tcache/differential_against_glibc_default in test_tcache.c; `make
 * check-long` runs both suites with PTM_DIFF_LONG=1):
 *   PTM_DIFF_LONG=1        the long mode: 5000 seeds of 100000 calls
 *   PTM_DIFF_SEEDS=N       number of seeds (overrides the mode)
 *   PTM_DIFF_OPS=N         calls per seed (overrides the mode)
 *   PTM_DIFF_FIRST_SEED=N  first seed (default 1), e.g. to replay one
 * and, for a port built apart (`make check-ports`):
 *   PTM_DIFF_PROGRAM=PATH  the diffrun to run instead of this build's
 *   PTM_DIFF_RUNNER=CMD    a command that runs it (space-separated words,
 *                          e.g. "qemu-i386 -L /usr/i686-linux-gnu"),
 *                          looked up in PATH
 *   PTM_DIFF_TCACHE_CHUNK=N  the chunk size of that glibc's tcache header
 *                          (default 656, x86_64's)
 * A failing seed S is replayed by hand (from build/harness/programs) with
 *   GLIBC_TUNABLES=glibc.malloc.tcache_count=0 diffrun glibc seed S N
 *   diffrun ptm seed S N
 * whose outputs are streams of struct diff_record, and
 *   GLIBC_TUNABLES=glibc.malloc.tcache_count=0 diffrun --script glibc seed S N
 * prints the calls in the text form, to cut down into a hand-written case
 * ("diffrun SIDE ops CALL...").
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff_ops.h"

extern char **environ;

#define DIFFRUN PTM_PROGRAMS_DIR "/diffrun"
#define RECORD_SIZE sizeof(struct diff_record)
#define HASH_SIZE sizeof(uint64_t)
/* Bytes buffered per side before the faster side is left to wait. */
#define SIDE_BUF_SIZE (1 << 20)
/* Number of tests differential/random is split into. */
#define RANDOM_PARTS 4
/* Operations remembered for the message of a mismatch. */
#define HISTORY 8
#define MSG_SIZE 8192

/* A sequence of calls: the generator's for a seed, or hand-written. */
struct diff_seq {
	const char *label; /* names the sequence in messages */
	uint64_t seed; /* seed of a generated sequence */
	char **ops; /* the hand-written calls (text form), or NULL */
	uint64_t count; /* number of calls */
};

/* One running diffrun and what it has written so far. */
struct side {
	const char *name; /* "glibc", "ptm", "ptm-raw" */
	pid_t pid; /* the child, or 0 once reaped */
	int fd; /* read end of its standard output, or -1 */
	unsigned char *buf; /* output not yet compared */
	size_t len; /* bytes in buf */
};

/* The outcome of one comparison. */
struct diff_result {
	bool same; /* every record matched, both exited 0 */
	bool differs; /* two records differ (or one reports a broken block) */
	uint64_t records; /* records compared and found equal */
	struct diff_record a, b; /* the first differing pair (full mode) */
	struct diff_op hist[HISTORY]; /* the last calls found equal */
	char msg[MSG_SIZE]; /* what went wrong, for cr_fatal */
};

/* Whether environment entry @e is one a child must not inherit. */
static bool env_dropped(const char *e)
{
	return !strncmp(e, "MALLOC_", 7) ||
	       !strncmp(e, "GLIBC_TUNABLES=", 15) ||
	       !strncmp(e, "LD_PRELOAD=", 11);
}

/*
 * The environment of a diffrun child: ours without MALLOC_*,
 * GLIBC_TUNABLES and LD_PRELOAD, plus tcache_count=0 for the glibc side.
 */
static char **child_env(bool glibc)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	cr_assert(ne(ptr, env, NULL));
	for (size_t i = 0; i < n; i++)
		if (!env_dropped(environ[i]))
			env[k++] = environ[i];
	if (glibc)
		env[k++] = "GLIBC_TUNABLES=glibc.malloc.tcache_count=0";
	env[k] = NULL;
	return env;
}

/* Most words of PTM_DIFF_RUNNER, and its longest value. */
#define RUNNER_WORDS 15
#define RUNNER_SIZE 512

/* The diffrun program: PTM_DIFF_PROGRAM, or this build's. */
static const char *diffrun_path(void)
{
	const char *v = getenv("PTM_DIFF_PROGRAM");

	return v && *v ? v : DIFFRUN;
}

/*
 * Put the words of PTM_DIFF_RUNNER (copied into @buf of @size bytes) at
 * the start of @argv; return how many.
 */
static size_t runner_words(char **argv, char *buf, size_t size)
{
	const char *v = getenv("PTM_DIFF_RUNNER");
	char *save = NULL;
	size_t n = 0;

	if (!v || !*v)
		return 0;
	cr_assert(lt(sz, strlen(v), size), "PTM_DIFF_RUNNER is too long");
	strcpy(buf, v);
	for (char *t = strtok_r(buf, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		cr_assert(lt(sz, n, (size_t)RUNNER_WORDS),
			  "PTM_DIFF_RUNNER has too many words");
		argv[n++] = t;
	}
	return n;
}

/* The argument vector of diffrun @name over @seq (--hash if @hashed). */
static char **side_argv(const char *name, const struct diff_seq *seq,
			bool hashed, char *seed_s, char *count_s, char *runner)
{
	char **argv = calloc(seq->count + 7 + RUNNER_WORDS, sizeof(*argv));
	size_t n;

	cr_assert(ne(ptr, argv, NULL));
	n = runner_words(argv, runner, RUNNER_SIZE);
	argv[n++] = (char *)diffrun_path();
	if (hashed)
		argv[n++] = "--hash";
	argv[n++] = (char *)name;
	if (seq->ops) {
		argv[n++] = "ops";
		memcpy(argv + n, seq->ops, seq->count * sizeof(*argv));
	} else {
		sprintf(seed_s, "%" PRIu64, seq->seed);
		sprintf(count_s, "%" PRIu64, seq->count);
		argv[n++] = "seed";
		argv[n++] = seed_s;
		argv[n++] = count_s;
	}
	return argv;
}

/* Start diffrun @name over @seq, its standard output into a pipe. */
static void side_start(struct side *s, const char *name,
		       const struct diff_seq *seq, bool hashed)
{
	char seed_s[24], count_s[24], runner[RUNNER_SIZE];
	char **argv = side_argv(name, seq, hashed, seed_s, count_s, runner);
	char **env = child_env(!strcmp(name, "glibc"));
	posix_spawn_file_actions_t fa;
	int pfd[2];

	cr_assert(eq(int, pipe(pfd), 0));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	cr_assert(eq(int, posix_spawnp(&s->pid, argv[0], &fa, NULL, argv, env),
		     0),
		  "cannot run %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	free(argv);
	free(env);
	s->name = name;
	s->fd = pfd[0];
	s->len = 0;
	s->buf = malloc(SIDE_BUF_SIZE);
	cr_assert(ne(ptr, s->buf, NULL));
}

/* Stop (if @kill_it) and reap @s; return its wait status. */
static int side_finish(struct side *s, bool kill_it)
{
	int status = 0;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0) {
		if (kill_it)
			kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
	}
	free(s->buf);
	s->buf = NULL;
	return status;
}

/* Read what @s has written (its buffer has room); false at EOF. */
static bool side_read(struct side *s)
{
	ssize_t n;

	do
		n = read(s->fd, s->buf + s->len, SIDE_BUF_SIZE - s->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		cr_fatal("reading from diffrun %s: %s", s->name,
			 strerror(errno));
	s->len += (size_t)n;
	return n > 0;
}

/* Append to @r->msg, printf-style. */
static void msg_add(struct diff_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void msg_add(struct diff_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg + used, sizeof(r->msg) - used, fmt, ap);
	va_end(ap);
}

/* Describe record @rec of side @name; mark fields unlike @other's. */
static void msg_record(struct diff_result *r, const char *name,
		       const struct diff_record *rec,
		       const struct diff_record *other)
{
#define MARK(f) (rec->f != other->f ? "*" : "")
	msg_add(r,
		"  %-7s flags=%s%#x ret=%s%d where=%s%" PRIu64
		" head=%s%#" PRIx64 " brk=%s%" PRIu64 "\n         ",
		name, MARK(flags), rec->flags, MARK(ret), rec->ret, MARK(where),
		rec->where, MARK(head), rec->head, MARK(brk), rec->brk);
	for (unsigned int i = 0; i < DIFF_MI_FIELDS; i++)
		msg_add(r, " %s=%s%" PRIu64, diff_mi_name(i),
			rec->mi[i] != other->mi[i] ? "*" : "", rec->mi[i]);
	msg_add(r, "\n");
#undef MARK
}

/* Fill @r's message for its differing records a and b. */
static void msg_mismatch(struct diff_result *r, const struct diff_seq *seq,
			 const char *name_a, const char *name_b)
{
	uint64_t index = r->records;
	char op[64];

	diff_format_op(op, sizeof(op), &r->a.op);
	msg_add(r, "%s: call %" PRIu64 " (%s) %s", seq->label, index, op,
		memcmp(&r->a, &r->b, sizeof(r->a)) ? "differs" :
						     "broke a block");
	if (index)
		msg_add(r, "; the calls before it:");
	for (uint64_t i = index > HISTORY ? index - HISTORY : 0; i < index;
	     i++) {
		diff_format_op(op, sizeof(op), &r->hist[i % HISTORY]);
		msg_add(r, " %s", op);
	}
	msg_add(r, "\n  (fields marked * differ; flags: 1 NULL, 2 mmapped, "
		   "4 corrupt, 8 not zeroed, 0x10 misaligned, 0x20 tcache "
		   "header made here)\n");
	msg_record(r, name_a, &r->a, &r->b);
	msg_record(r, name_b, &r->b, &r->a);
}

/*
 * Compare the records (or, if @hashed, the digests) both sides have
 * buffered and drop them; false at the first difference, whose records
 * (in full mode) are left in @r->a and @r->b.
 */
static bool compare_buffered(struct diff_result *r, struct side *a,
			     struct side *b, bool hashed)
{
	size_t unit = hashed ? HASH_SIZE : RECORD_SIZE;
	size_t n = (a->len < b->len ? a->len : b->len) / unit;
	/* The buffers come from malloc: their contents are aligned. */
	const struct diff_record *ra = (const void *)a->buf;
	const struct diff_record *rb = (const void *)b->buf;
	const uint64_t *ha = (const void *)a->buf;
	const uint64_t *hb = (const void *)b->buf;

	for (size_t i = 0; i < n; i++, r->records++) {
		if (hashed) {
			if (ha[i] != hb[i] || !ha[i] || !hb[i])
				return false;
			continue;
		}
		if (memcmp(&ra[i], &rb[i], RECORD_SIZE) ||
		    ((ra[i].flags | rb[i].flags) & DIFF_F_BROKEN)) {
			r->a = ra[i];
			r->b = rb[i];
			return false;
		}
		r->hist[r->records % HISTORY] = ra[i].op;
	}
	memmove(a->buf, a->buf + n * unit, a->len - n * unit);
	memmove(b->buf, b->buf + n * unit, b->len - n * unit);
	a->len -= n * unit;
	b->len -= n * unit;
	return true;
}

/* Check how side @s ended; false (with a message) unless it exited 0. */
static bool check_exit(struct diff_result *r, const struct diff_seq *seq,
		       const struct side *s, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	msg_add(r, "%s: diffrun %s %s %d after %" PRIu64 " equal records\n",
		seq->label, s->name,
		WIFSIGNALED(status) ? "died of signal" : "exited with status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		r->records);
	return false;
}

/*
 * Read both sides as they run and compare what they write until the
 * first difference or the end of both.  Sets @r->differs, and @ended[i]
 * if side i closed its output (the others are to be killed).
 */
static void pump(struct diff_result *r, struct side s[2], bool hashed,
		 bool ended[2])
{
	bool open[2] = { true, true }, stalled = false;

	while (!r->differs && !stalled && (open[0] || open[1])) {
		uint64_t before = r->records;
		struct pollfd p[2];
		nfds_t np = 0;

		/* A side whose buffer is full waits for the other one. */
		for (int i = 0; i < 2; i++)
			if (open[i] && s[i].len < SIDE_BUF_SIZE)
				p[np++] = (struct pollfd){ s[i].fd, POLLIN, 0 };
		if (np && poll(p, np, -1) < 0 && errno == EINTR)
			continue;
		for (nfds_t i = 0; i < np; i++) {
			int k = p[i].fd == s[1].fd;

			if (p[i].revents)
				open[k] = side_read(&s[k]);
		}
		r->differs = !compare_buffered(r, &s[0], &s[1], hashed);
		/* One side ended early while the other one is blocked. */
		stalled = np == 0 && r->records == before;
	}
	for (int i = 0; i < 2; i++)
		ended[i] = !open[i];
}

/*
 * Run diffrun @name_a and @name_b over @seq at the same time and compare
 * their records (or only digests, if @hashed) as they arrive.
 */
static void diff_compare(struct diff_result *r, const struct diff_seq *seq,
			 const char *name_a, const char *name_b, bool hashed)
{
	struct side s[2];
	bool ended[2];
	int status[2];

	memset(r, 0, sizeof(*r));
	side_start(&s[0], name_a, seq, hashed);
	side_start(&s[1], name_b, seq, hashed);
	pump(r, s, hashed, ended);
	for (int i = 0; i < 2; i++)
		status[i] = side_finish(&s[i], !ended[i]);
	if (r->differs) {
		if (!hashed)
			msg_mismatch(r, seq, name_a, name_b);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (ended[i] && !check_exit(r, seq, &s[i], status[i]))
			return;
	if (r->records != seq->count)
		msg_add(r, "%s: %" PRIu64 " records instead of %" PRIu64 "\n",
			seq->label, r->records, seq->count);
	r->same = r->records == seq->count;
}

/*
 * Compare @name_a and @name_b over @seq: digests first, and at the first
 * difference the full records of the calls up to it, for the message.
 */
static void diff_check(struct diff_result *r, const struct diff_seq *seq,
		       const char *name_a, const char *name_b)
{
	struct diff_seq prefix = *seq;
	uint64_t index;

	diff_compare(r, seq, name_a, name_b, true);
	if (!r->differs)
		return;
	index = r->records;
	prefix.count = index + 1;
	diff_compare(r, &prefix, name_a, name_b, false);
	if (!r->differs || r->records != index) {
		msg_add(r,
			"%s: the digests differ at call %" PRIu64
			" but the records do not: not reproducible\n",
			seq->label, index);
		r->same = false;
	}
}

/* ---- seeded random sequences ---- */

/* The value of environment variable @name, or @dflt when unset or empty. */
static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* Compare glibc and ptm over seed @seed, @count calls; fail on a difference. */
static void diff_seed(uint64_t seed, uint64_t count)
{
	static struct diff_result r;
	char label[64];
	struct diff_seq seq = { label, seed, NULL, count };

	snprintf(label, sizeof(label), "seed %" PRIu64 " of %" PRIu64 " calls",
		 seed, count);
	diff_check(&r, &seq, "glibc", "ptm");
	if (!r.same)
		cr_fatal("%s", r.msg);
}

ParameterizedTestParameters(differential, random)
{
	static int parts[RANDOM_PARTS] = { 0, 1, 2, 3 };

	return cr_make_param_array(int, parts, RANDOM_PARTS);
}

/*
 * Part @part of the seeded sequences: every RANDOM_PARTS-th seed, so
 * that the parts get a similar mix of the generator's profiles.
 */
ParameterizedTest(int *part, differential, random)
{
	bool long_mode = env_u64("PTM_DIFF_LONG", 0) != 0;
	uint64_t seeds = env_u64("PTM_DIFF_SEEDS", long_mode ? 5000 : 200);
	uint64_t count = env_u64("PTM_DIFF_OPS", long_mode ? 100000 : 20000);
	uint64_t first = env_u64("PTM_DIFF_FIRST_SEED", 1);

	for (uint64_t i = (uint64_t)*part; i < seeds; i += RANDOM_PARTS)
		diff_seed(first + i, count);
}

/* ---- hand-written sequences ---- */

/* Compare glibc and ptm over @ops (text form, space-separated). */
static void diff_ops(const char *name, const char *ops)
{
	static struct diff_result r;
	char *copy = strdup(ops), *calls[1024], *save = NULL;
	struct diff_seq seq = { name, 0, calls, 0 };

	cr_assert(ne(ptr, copy, NULL));
	for (char *t = strtok_r(copy, " \n\t", &save); t;
	     t = strtok_r(NULL, " \n\t", &save)) {
		cr_assert(lt(u64, seq.count, sizeof(calls) / sizeof(calls[0])));
		calls[seq.count++] = t;
	}
	diff_check(&r, &seq, "glibc", "ptm");
	free(copy);
	if (!r.same)
		cr_fatal("%s", r.msg);
}

/* A hand-written sequence: test differential/@name runs @ops. */
#define DIFF_CASE(name, ops)          \
	Test(differential, name)      \
	{                             \
		diff_ops(#name, ops); \
	}

/*
 * A 1008-byte free chunk is sorted into its small bin and split by the
 * binmap search; the remainder becomes the last remainder, which the
 * following small requests split in turn.  A large request then
 * consolidates the fast bins the freed 112-byte chunks sit in.
 */
DIFF_CASE(last_remainder,
	  "m0=1000 m1=24 f0 m2=100 m3=100 m4=100 m5=300 m6=24 f2 f4 m7=50 "
	  "m8=40 m9=2000 m10=100 m11=100")

/*
 * Three equal 1504-byte chunks and a 1616-byte one in the large bins:
 * best fit takes the second of the equal ones (keeping the head of the
 * size list), splits it, and later requests walk the nextsize list.
 */
DIFF_CASE(largebin_equal_sizes,
	  "m0=1500 m1=24 m2=1500 m3=24 m4=1500 m5=24 m6=1600 m7=24 m20=1500 "
	  "m21=24 f0 f2 f4 f6 f20 m8=2000 m9=1400 m10=1400 m11=1400 m12=1500 "
	  "m13=1590 m14=1400")

/*
 * With fast bins off, three chunks are sorted into small bins, then
 * merged away by freeing their neighbours: their binmap bits stay set,
 * and the next search finds the bins empty, clears the bits and goes on
 * to the merged chunk in a large bin.
 */
DIFF_CASE(binmap_search_stale_bits,
	  "o=mxfast,0 m0=300 m1=100 m2=600 m3=100 m4=900 m5=100 f0 f2 f4 "
	  "m6=2000 f1 f3 m7=200 m8=200 m9=500 m10=3000")

/*
 * calloc from fresh top memory (not cleared again), from a reused chunk
 * (cleared), mmapped (never cleared), and with perturbation on.
 */
DIFF_CASE(calloc_paths,
	  "c0=10x10 c1=1x200000 f1 c2=100x1000 m3=5000 m4=24 f3 c5=50x100 "
	  "o=perturb,7 c6=10x10 f6 c7=3x8 c8=0x5 c9=7x0")

/*
 * Fast bins full of 32- and 48-byte chunks; freeing a 64 KiB chunk (at
 * FASTBIN_CONSOLIDATION_THRESHOLD) consolidates them, and so do malloc_trim
 * and mallopt.
 */
DIFF_CASE(fastbin_consolidation_on_64k_free,
	  "m0=24 m1=24 m2=24 m3=24 m4=40 m5=40 m6=40 m7=65536 m8=24 f0 f2 "
	  "f4 f1 f5 f7 m9=24 f9 f3 t=0 m10=40 f10 o=mxfast,64 m11=16")

/* Freeing toward the top trims the heap past trim_threshold; malloc_trim. */
DIFF_CASE(trim_after_free,
	  "m0=60000 m1=60000 m2=60000 m3=60000 m4=60000 f4 f3 f2 m5=1000 f1 "
	  "t=4096 m6=30000 f0 t=0 o=trim,0 m7=100000 f7 o=toppad,0 m8=50000 "
	  "f8 t=131072")

/*
 * malloc_trim with a top chunk of only MINSIZE bytes: glibc 2.36's
 * systrim computes top_size - MINSIZE - 1 as a signed long, which is -1,
 * compares it unsigned with the pad, and "releases" a negative amount,
 * so the break grows by a page (two with a pad of 4096).  2.17 declined.
 */
DIFF_CASE(trim_with_minimal_top, "m0=100000 m1=34456 t=4096 t=0 m2=10")

/*
 * Freeing an mmapped 200000-byte block raises the dynamic mmap
 * threshold (and the trim threshold), so the next one comes from the
 * heap; a later larger free raises it again.
 */
DIFF_CASE(mmap_threshold_raise,
	  "m0=200000 f0 m1=200000 m2=24 f1 m3=300000 f3 m4=300000 m5=250000 "
	  "f5 f4 m6=131072 m7=5000000 f7 m8=4000000 f8")

/* Neighbours freed in an interleaved order coalesce both ways. */
DIFF_CASE(foreign_free_order,
	  "m0=200 m1=300 m2=400 m3=500 m4=600 m5=700 m6=800 m7=24 f1 f3 f5 "
	  "f2 f4 f0 f6 m8=1000 m9=3000 m10=200 f9 f7 m11=4000")

/* realloc: in place into a free neighbour, shrink, mremap, to 0, NULL. */
DIFF_CASE(realloc_paths,
	  "m0=100 m1=200 m9=24 f1 r0=250 r0=50 m2=300000 r2=400000 r2=100 "
	  "r2=0 r3=40 r3=4000 m4=24 r3=8000 r4=0 r5=0 f3")

/* memalign and posix_memalign: splits before and after, odd alignments. */
DIFF_CASE(memalign_paths,
	  "a0=64,100 a1=4096,5000 m2=24 f0 a3=256,1000 p4=8,10 p5=24,10 "
	  "a6=48,30 a7=4096,200000 p8=0,16 a9=1,7 f1 f3 a10=2048,100 f7")

/* mallopt: fast bins off and back, no top pad, no mmap, perturbation. */
DIFF_CASE(mallopt_paths,
	  "o=mxfast,0 m0=24 f0 o=mxfast,160 m1=150 m2=24 f1 o=mxfast,161 "
	  "o=toppad,0 m3=100000 o=mmapmax,0 m4=300000 f4 t=0 o=perturb,85 "
	  "m5=100 f5 c6=10x10 o=mmap,4096 m7=5000 f7 o=mmapmax,65536 "
	  "m8=5000 f8")

/*
 * The tcache header comes with the first call that initialises glibc's
 * tcache, not before: not with mallopt, malloc_trim, an overflowing
 * calloc, a large-alignment memalign, or free of an mmapped block.
 */
DIFF_CASE(tcache_header_placement,
	  "o=toppad,4096 t=0 c0=1099511627776x1073741824 a1=64,100 "
	  "a2=4096,300000 f2 p3=24,8 m4=10 m5=10")

/* A realloc of NULL and a posix_memalign of alignment 16 are mallocs. */
DIFF_CASE(tcache_header_by_realloc_null, "a0=32,40 r1=100 m2=100")
DIFF_CASE(tcache_header_by_small_alignment, "p0=16,40 m1=100")

/* ---- the harness itself ---- */

/* The host's glibc gives the same records on two runs of one seed. */
Test(differential, harness_glibc_is_deterministic)
{
	static struct diff_result r;
	struct diff_seq seq = { "glibc twice", 7, NULL, 5000 };

	diff_compare(&r, &seq, "glibc", "glibc", false);
	cr_assert(eq(int, r.same, 1), "%s", r.msg);
	diff_compare(&r, &seq, "glibc", "glibc", true);
	cr_assert(eq(int, r.same, 1), "%s", r.msg);
}

/*
 * Without the emulated tcache header the first block differs by exactly
 * its 656 bytes (PTM_DIFF_TCACHE_CHUNK for a port: 400 on i386): the
 * comparison does catch a difference, and reports the records of the
 * first differing call.  glibc's first block follows the header, whose
 * user pointer is 16 bytes into the heap on every port.
 */
Test(differential, harness_catches_missing_tcache_header)
{
	static struct diff_result r;
	char *calls[] = { "m0=100", "m1=200" };
	struct diff_seq seq = { "no header", 0, calls, 2 };
	uint64_t header = env_u64("PTM_DIFF_TCACHE_CHUNK", 656);

	diff_check(&r, &seq, "glibc", "ptm-raw");
	cr_assert(eq(int, r.same, 0));
	cr_assert(eq(int, r.differs, 1), "%s", r.msg);
	cr_assert(eq(u64, r.records, 0), "%s", r.msg);
	cr_assert(eq(u64, r.a.where, 16 + header));
	cr_assert(eq(u64, r.a.where - r.b.where, header), "%s", r.msg);
	cr_assert(ne(ptr, strstr(r.msg, "call 0 (m0=100) differs"), NULL), "%s",
		  r.msg);
}
