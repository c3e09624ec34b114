/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running programs with and without the drop-in, for the Criterion
 * suites test_dropin.c, test_dropin_programs.c and test_seeds.c.  These
 * helpers run in the test process (on glibc's malloc; tests call only
 * ptm_ functions themselves), never in the measured program.
 *
 *	dr_so_path()	absolute path of build/libptmalloc.so
 *	dr_run()	fork/exec with a fixed environment (plus the
 *			caller's variables), stdout and stderr captured,
 *			optionally in a directory, with a time limit
 *	dr_key()	one "KEY VALUE" figure of a program's output
 *	dr_program()	path of a harness program
 */
#ifndef PTM_DROPIN_RUN_H
#define PTM_DROPIN_RUN_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "programs/exp_run.h"
#include "programs/time_limit.h"

/*
 * Seconds a program may run before SIGALRM ends it (a hang fails), times
 * ptm_timeout_factor().
 */
#define DR_TIME_LIMIT 120

/**
 * struct dr_result - one finished run.
 * @out: standard output (malloc'ed, NUL-terminated).
 * @err: standard error (malloc'ed, NUL-terminated).
 * @status: the wait status.
 */
struct dr_result {
	char *out;
	char *err;
	int status;
};

/* The drop-in library of this build, as an absolute path. */
static inline const char *dr_so_path(void)
{
	static char path[PATH_MAX];

	if (path[0] == '\0') {
		char *r = realpath(PTM_PROGRAMS_DIR "/../../libptmalloc.so",
				   path);

		cr_assert(ne(ptr, r, NULL), "no build/libptmalloc.so: %s",
			  strerror(errno));
	}
	return path;
}

/* The path of harness program @name (static storage, 4 in rotation). */
static inline const char *dr_program(const char *name)
{
	static char buf[4][PATH_MAX];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", PTM_PROGRAMS_DIR, name);
	return b;
}

/* A fresh temporary file for a child's output; its descriptor. */
static inline int dr_tmpfile(void)
{
	char name[] = "/tmp/ptm-dropin-XXXXXX";
	int fd = mkstemp(name);

	cr_assert(ge(int, fd, 0), "mkstemp: %s", strerror(errno));
	unlink(name);
	return fd;
}

/* Read all of @fd from its start. */
static inline char *dr_read_all(int fd)
{
	lseek(fd, 0, SEEK_SET);
	return exp_read_fd(fd);
}

/*
 * Run @argv with the environment PATH=/usr/bin:/bin, LC_ALL=C, TZ=UTC,
 * HOME=@dir (or /nonexistent), plus the NULL-terminated @extra
 * ("NAME=VALUE"), in directory @dir when not NULL, with @preload as
 * LD_PRELOAD when true.  Standard input is /dev/null.  The time-limit
 * factor and the sanitizers' options pass through, so that a program
 * of a sanitizer build reports where the suite's own reports go, with
 * its suppressions (a report makes the program exit non-zero).
 */
static inline void dr_run(char *const argv[], char *const extra[],
			  const char *dir, bool preload, struct dr_result *r)
{
	static const char *const passed[] = { "TIMEOUTFACTOR", "ASAN_OPTIONS",
					      "TSAN_OPTIONS", "UBSAN_OPTIONS" };
	char *envp[32], home[PATH_MAX + 8], ld[PATH_MAX + 16];
	char copies[4][PATH_MAX + 64];
	int n = 0, out = dr_tmpfile(), err = dr_tmpfile();
	pid_t pid;

	envp[n++] = "PATH=/usr/bin:/bin";
	envp[n++] = "LC_ALL=C";
	envp[n++] = "TZ=UTC";
	snprintf(home, sizeof(home), "HOME=%s", dir ? dir : "/nonexistent");
	envp[n++] = home;
	snprintf(ld, sizeof(ld), "LD_PRELOAD=%s", dr_so_path());
	if (preload)
		envp[n++] = ld;
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++) {
		if (getenv(passed[i]) == NULL)
			continue;
		snprintf(copies[i], sizeof(copies[i]), "%s=%s", passed[i],
			 getenv(passed[i]));
		envp[n++] = copies[i];
	}
	for (int i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
		envp[n++] = extra[i];
	envp[n] = NULL;
	fflush(NULL);
	pid = fork();
	cr_assert(ge(int, pid, 0), "fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err, 2) < 0 || (dir != NULL && chdir(dir) != 0))
			_exit(126);
		alarm(ptm_time_limit(DR_TIME_LIMIT));
		execve(argv[0], argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &r->status, 0) < 0)
		cr_assert(eq(int, errno, EINTR), "waitpid: %s",
			  strerror(errno));
	r->out = dr_read_all(out);
	r->err = dr_read_all(err);
	close(out);
	close(err);
}

/* Whether @r exited normally with status 0. */
static inline bool dr_ok(const struct dr_result *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* Assert that @r exited 0, showing its stderr otherwise. */
static inline void dr_assert_ok(const struct dr_result *r, const char *what)
{
	cr_assert(dr_ok(r), "%s: wait status %#x, stderr:\n%s", what,
		  (unsigned)r->status, r->err);
}

/* The number after "KEY " in @r's output; asserts that it is there. */
static inline long long dr_key(const struct dr_result *r, const char *key)
{
	long long v = 0;

	cr_assert(exp_key(r->out, key, &v), "no key %s in:\n%s", key, r->out);
	return v;
}

/* Release what dr_run() allocated. */
static inline void dr_free(struct dr_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

#endif /* PTM_DROPIN_RUN_H */
