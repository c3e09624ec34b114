// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * launch: run one workload and report its own peak RSS and CPU time.
 *
 *	launch FD PROGRAM [ARG...]
 *
 * Why a launcher: the driver starts children with posix_spawn, a vfork,
 * and Linux carries the peak RSS of the memory a process leaves at execve
 * into its ru_maxrss; for a vfork child that is the driver's own memory,
 * which would set a floor under every figure.  This launcher is linked
 * statically and stays small: it forks (its child starts with a copy of
 * its few pages), the child execs PROGRAM, and the launcher writes the
 * child's "ru_maxrss_kib user_us system_us" to descriptor FD before exiting
 * with the child's status (128 + signal if it was killed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int fd, status;
	pid_t pid;

	if (argc < 3 || (fd = atoi(argv[1])) < 3) {
		fprintf(stderr, "usage: launch FD PROGRAM [ARG...]\n");
		return 64;
	}
	pid = fork();
	if (pid == 0) {
		close(fd);
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
		perror("launch");
		return 125;
	}
	dprintf(fd, "%ld %ld %ld\n", ru.ru_maxrss,
		ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec,
		ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
