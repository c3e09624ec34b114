/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running the experiment programs and reading what they print; shared by
 * the table runner (harness/programs/experiments.c) and the Criterion
 * suite (harness/test_experiments_real.c).  These run in the measuring
 * process, not the measured one, so they use glibc's malloc and stdio
 * freely.
 *
 *	exp_run()		run "exp_NAME MODE" from PTM_PROGRAMS_DIR
 *				(or exp_programs_dir), optionally under the
 *				real strace, or under exp_runner (a port's
 *				qemu-user command line, make check-ports)
 *	exp_key()		one "KEY VALUE" figure of its output
 *	exp_strace_window()	the strace lines between the markers
 *	exp_strace_summary()	the window boiled down to KEY VALUE figures
 *
 * Under strace the program also writes the allocator's own trace
 * (--trace FILE); exp_strace_summary() compares the two byte for byte.
 */
#ifndef PTM_EXP_RUN_H
#define PTM_EXP_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTM_PROGRAMS_DIR
#error "PTM_PROGRAMS_DIR must name the directory of the built programs"
#endif

/* The strace binary the experiments are checked with. */
#define EXP_STRACE "/usr/bin/strace"

/* The calls the allocator makes (and traces), plus write for the marks. */
#define EXP_STRACE_SET "trace=brk,mmap,munmap,mremap,mprotect,madvise,write"

/*
 * Where the programs are, and the command line that runs them (NULL:
 * none; words separated by single spaces, the first found on PATH):
 * experiments --programs DIR --runner CMD sets them to run a port's
 * programs under qemu-user.  A run under strace never has a runner.
 */
static const char *exp_programs_dir = PTM_PROGRAMS_DIR;
static const char *exp_runner;

/* The length every 1 MiB request is mmapped with: 1 MiB + 16, paged. */
#define EXP_MMAP_1M_LEN 1052672

/**
 * struct exp_result - one run of an experiment program.
 * @out: its standard output (NUL-terminated, malloc'ed), or NULL.
 * @status: its wait status.
 * @ok: whether it exited with status 0.
 * @window: with strace, the lines between the markers (malloc'ed).
 * @trace: with strace, the allocator's own trace file (malloc'ed).
 */
struct exp_result {
	char *out;
	int status;
	bool ok;
	char *window;
	char *trace;
};

/* Read a whole file into a malloc'ed NUL-terminated string, or NULL. */
static inline char *exp_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int c;

	if (f == NULL)
		return NULL;
	while ((c = getc(f)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		buf[len++] = (char)c;
	}
	fclose(f);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* Read all of @fd into a malloc'ed NUL-terminated string. */
static inline char *exp_read_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (buf == NULL)
		abort();
	for (;;) {
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* Split @cmd ("exp_NAME MODE") into @argv after @first; the count. */
static inline int exp_split(char *cmd, char **argv, int first, int cap)
{
	int n = first;

	for (char *tok = strtok(cmd, " "); tok != NULL && n < cap - 1;
	     tok = strtok(NULL, " "))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

/*
 * Fork and exec @argv with a minimal environment (no MALLOC_* or
 * GLIBC_TUNABLES can reach the program), its stdout into @res->out.
 */
static inline void exp_spawn(char **argv, struct exp_result *res)
{
	static char *envp[] = { "LC_ALL=C", NULL };
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (exp_runner != NULL)
			execvpe(argv[0], argv, envp);
		else
			execve(argv[0], argv, envp);
		_exit(127);
	}
	close(fds[1]);
	res->out = exp_read_fd(fds[0]);
	close(fds[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	res->ok = WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0;
}

/* Whether strace line @l (pid prefix removed) starts with @call"(". */
static inline bool exp_is_call(const char *l, const char *call)
{
	size_t n = strlen(call);

	return strncmp(l, call, n) == 0 && l[n] == '(';
}

/*
 * The lines of strace log @log between the begin and end markers that
 * record one of the allocator's calls, pid prefixes removed, each ending
 * in '\n'; NULL when the markers are missing.
 */
static inline char *exp_strace_window(const char *log)
{
	static const char *const calls[] = { "brk",    "mmap",	   "munmap",
					     "mremap", "mprotect", "madvise" };
	char *copy = strdup(log), *save = NULL,
	     *out = calloc(1, strlen(log) + 1);
	bool in = false, began = false, ended = false;

	if (copy == NULL || out == NULL)
		abort();
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, "0123456789");
		l += strspn(l, " ");
		if (strncmp(l, "write(-1, \"ptm-begin\"", 21) == 0) {
			in = began = true;
			continue;
		}
		if (strncmp(l, "write(-1, \"ptm-end\"", 19) == 0) {
			in = false;
			ended = began;
			continue;
		}
		for (size_t i = 0; in && i < sizeof(calls) / sizeof(*calls);
		     i++) {
			if (exp_is_call(l, calls[i])) {
				strcat(out, l);
				strcat(out, "\n");
			}
		}
	}
	free(copy);
	if (!ended) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Run @cmd ("exp_NAME MODE"): directly, or with @use_strace under
 * strace -f, with the program also writing the allocator's own trace.
 */
static inline void exp_run(const char *cmd, bool use_strace,
			   struct exp_result *res)
{
	char dir[] = "/tmp/ptm-exp-XXXXXX";
	char prog[512], log[64], trace[64];
	char *argv[40], *words = strdup(cmd), *runner = NULL;
	int n = 0, at;

	memset(res, 0, sizeof(*res));
	if (words == NULL || mkdtemp(dir) == NULL)
		abort();
	if (exp_runner != NULL && !use_strace) {
		runner = strdup(exp_runner);
		if (runner == NULL)
			abort();
		n = exp_split(runner, argv, 0, 16);
	}
	snprintf(log, sizeof(log), "%s/strace.log", dir);
	snprintf(trace, sizeof(trace), "%s/trace.log", dir);
	if (use_strace) {
		char *pre[] = { EXP_STRACE,	"-f", "-a0", "-e",
				EXP_STRACE_SET, "-o", log };

		for (; n < (int)(sizeof(pre) / sizeof(*pre)); n++)
			argv[n] = pre[n];
	}
	at = n;
	n = exp_split(words, argv, n, at + 20);
	if (n == at)
		abort();
	snprintf(prog, sizeof(prog), "%s/%s", exp_programs_dir, argv[at]);
	argv[at] = prog;
	if (use_strace) {
		argv[n++] = "--trace";
		argv[n++] = trace;
		argv[n] = NULL;
	}
	exp_spawn(argv, res);
	if (use_strace) {
		char *text = exp_slurp(log);

		res->window = text ? exp_strace_window(text) : NULL;
		res->trace = exp_slurp(trace);
		free(text);
	}
	unlink(log);
	unlink(trace);
	rmdir(dir);
	free(words);
	free(runner);
}

/* Release what exp_run() allocated. */
static inline void exp_result_free(struct exp_result *res)
{
	free(res->out);
	free(res->window);
	free(res->trace);
	memset(res, 0, sizeof(*res));
}

/* The text after "KEY " on the line of @out that starts with it. */
static inline const char *exp_key_text(const char *out, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = out; l != NULL && *l != '\0';) {
		if (strncmp(l, key, n) == 0 && l[n] == ' ')
			return l + n + 1;
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return NULL;
}

/* The number after "KEY " in @out (decimal or 0x hex); false if absent. */
static inline bool exp_key(const char *out, const char *key, long long *v)
{
	const char *t = out ? exp_key_text(out, key) : NULL;
	char *end;

	if (t == NULL)
		return false;
	errno = 0;
	*v = (long long)strtoull(t, &end, 0);
	return errno == 0 && end != t && (*end == '\n' || *end == '\0');
}

/* Append "KEY VALUE\n" to the malloc'ed string *@s. */
static inline void exp_append(char **s, const char *key, long long v)
{
	size_t len = *s ? strlen(*s) : 0;
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %lld\n", key, v);

	*s = realloc(*s, len + (size_t)n + 1);
	if (*s == NULL)
		abort();
	memcpy(*s + len, line, (size_t)n + 1);
}

/*
 * Boil the strace window of @res down to figures appended to @res->out:
 *   strace_window_ok	1 when both markers were found
 *   strace_mmap, strace_munmap, strace_brk, strace_other: call counts
 *   strace_mmap_1m	mmaps exactly "mmap(NULL, 1052672, PROT_READ|
 *			PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"
 *   strace_munmap_1m	munmaps of the address and length such an mmap
 *			returned, each returning 0
 *   strace_brkN	the Nth brk's argument minus brk_start (a brk that
 *			did not return its argument counts in
 *			strace_brk_failed)
 *   strace_equals_trace 1 when the window equals the allocator's trace
 */
static inline void exp_strace_summary(struct exp_result *res)
{
	static const char mmap_1m[] = "mmap(NULL, 1052672, PROT_READ|"
				      "PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, "
				      "-1, 0) = ";
	long long mmap = 0, munmap = 0, brk = 0, other = 0, failed = 0;
	long long m1 = 0, u1 = 0, start = 0;
	unsigned long long last_1m = 0;
	char key[32];

	exp_append(&res->out, "strace_window_ok", res->window != NULL);
	if (res->window == NULL || !exp_key(res->out, "brk_start", &start))
		return;
	for (const char *l = res->window; *l != '\0'; l = strchr(l, '\n') + 1) {
		unsigned long long a, b;
		int r;

		if (exp_is_call(l, "mmap")) {
			mmap++;
			if (strncmp(l, mmap_1m, sizeof(mmap_1m) - 1) == 0) {
				m1++;
				last_1m = strtoull(l + sizeof(mmap_1m) - 1,
						   NULL, 16);
			}
		} else if (exp_is_call(l, "munmap")) {
			munmap++;
			if (sscanf(l, "munmap(%llx, %llu) = %d", &a, &b, &r) ==
				    3 &&
			    a == last_1m && b == EXP_MMAP_1M_LEN && r == 0)
				u1++;
		} else if (exp_is_call(l, "brk") &&
			   sscanf(l, "brk(%llx) = %llx", &a, &b) == 2) {
			snprintf(key, sizeof(key), "strace_brk%lld", ++brk);
			exp_append(&res->out, key, (long long)(a - start));
			failed += a != b;
		} else {
			other++;
		}
	}
	exp_append(&res->out, "strace_mmap", mmap);
	exp_append(&res->out, "strace_mmap_1m", m1);
	exp_append(&res->out, "strace_munmap", munmap);
	exp_append(&res->out, "strace_munmap_1m", u1);
	exp_append(&res->out, "strace_brk", brk);
	exp_append(&res->out, "strace_brk_failed", failed);
	exp_append(&res->out, "strace_other", other);
	exp_append(&res->out, "strace_equals_trace",
		   res->trace != NULL && strcmp(res->window, res->trace) == 0);
}

#endif /* PTM_EXP_RUN_H */
