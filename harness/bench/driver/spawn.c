// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spawn.c: run one program on one allocator and measure it.
 *
 * The child runs in an environment made from the driver's, less every
 * variable that configures an allocator, plus the allocator's LD_PRELOAD
 * and GLIBC_TUNABLES.  Timed runs go through the small static launcher
 * of harness/bench/launch.c, which reports the child's own rusage: its
 * ru_maxrss is then the peak RSS of that process alone (see launch.c for
 * why wait4 on a child spawned from the driver would not do).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"

extern char **environ;

/* Variables that would change how some allocator behaves. */
static bool env_dropped(const char *var)
{
	static const char *const prefix[] = {
		"LD_PRELOAD=", "GLIBC_TUNABLES=", "MALLOC_", "MIMALLOC_",
		"TCMALLOC_",   "JE_MALLOC_CONF=", "_RJEM_",
	};

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (strncmp(var, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

/* A "NAME=VALUE" string, allocated. */
static char *env_pair(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s=%s", name, value);
	return s;
}

/* The environment for a child on allocator A; free with spawn_env_free. */
char **spawn_env(const struct allocator *a)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!env_dropped(environ[i]))
			env[k++] = strdup(environ[i]);
	if (a->lib != NULL)
		env[k++] = env_pair("LD_PRELOAD", a->path);
	if (a->tunables != NULL)
		env[k++] = env_pair("GLIBC_TUNABLES", a->tunables);
	env[k] = NULL;
	return env;
}

void spawn_env_free(char **env)
{
	if (env == NULL)
		return;
	for (size_t i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Read FD to its end into OUT (truncated to OUTLEN - 1 bytes). */
static void read_all(int fd, char *out, size_t outlen)
{
	size_t used = 0;
	char sink[256];

	for (;;) {
		char *to = used + 1 < outlen ? out + used : sink;
		size_t room = used + 1 < outlen ? outlen - 1 - used :
						  sizeof(sink);
		ssize_t got = read(fd, to, room);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (to != sink)
			used += (size_t)got;
	}
	out[used] = '\0';
}

/* Say why a run failed. */
static void report_status(const char *prog, const struct allocator *a,
			  int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) > 128)
		fprintf(stderr, "bench: %s on %s: killed by signal %d\n", prog,
			a->key, WEXITSTATUS(status) - 128);
	else if (WIFEXITED(status))
		fprintf(stderr, "bench: %s on %s: exit status %d\n", prog,
			a->key, WEXITSTATUS(status));
	else
		fprintf(stderr, "bench: %s on %s: launcher killed\n", prog,
			a->key);
}

/*
 * Run ARGV on allocator A through LAUNCHER (harness/bench/launch.c, which
 * reports the child's own rusage on descriptor 3); the child's standard
 * output goes to OUT.  Returns 0 and the wall time, CPU time and peak RSS
 * in M when the child exited with status 0, -1 otherwise (after saying
 * why on stderr).
 */
int spawn_timed(const char *launcher, char *const argv[],
		const struct allocator *a, char *out, size_t outlen,
		struct sample *m)
{
	posix_spawn_file_actions_t fa;
	char **env = spawn_env(a), *largv[8], report[128];
	int outfd[2], repfd[2], status, err, n = 0;
	long rss, user_us, sys_us;
	double t0;
	pid_t pid;

	if (env == NULL || pipe2(outfd, O_CLOEXEC) != 0 ||
	    pipe2(repfd, O_CLOEXEC) != 0) {
		spawn_env_free(env);
		return -1;
	}
	largv[n++] = (char *)launcher;
	largv[n++] = "3";
	for (int i = 0; argv[i] != NULL && n < 7; i++)
		largv[n++] = argv[i];
	largv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, repfd[1], 3);
	t0 = now_ms();
	err = posix_spawn(&pid, launcher, &fa, NULL, largv, env);
	posix_spawn_file_actions_destroy(&fa);
	spawn_env_free(env);
	close(outfd[1]);
	close(repfd[1]);
	if (err == 0) {
		read_all(outfd[0], out, outlen);
		read_all(repfd[0], report, sizeof(report));
	}
	close(outfd[0]);
	close(repfd[0]);
	if (err != 0) {
		fprintf(stderr, "bench: cannot run %s: %s\n", launcher,
			strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	m->ms = now_ms() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(report, "%ld %ld %ld", &rss, &user_us, &sys_us) != 3) {
		report_status(argv[0], a, status);
		return -1;
	}
	m->cpu_ms = (double)(user_us + sys_us) / 1e3;
	m->rss_kb = (double)rss;
	return 0;
}

/*
 * Start ARGV (looked up in PATH) in ENV (NULL: the driver's own) with both
 * outputs to the file LOG; returns its pid, or -1.
 */
int spawn_start(char *const argv[], char **env, const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv,
			   env != NULL ? env : environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		fprintf(stderr, "bench: cannot run %s: %s\n", argv[0],
			strerror(err));
		return -1;
	}
	return pid;
}

/* Wait for PID; its exit status, or 128 when it was killed. */
int spawn_wait(int pid)
{
	int status;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* spawn_start, then spawn_wait. */
int spawn_quiet(char *const argv[], char **env, const char *log)
{
	return spawn_wait(spawn_start(argv, env, log));
}
