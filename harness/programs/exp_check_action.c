// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_check_action: E-6.2 for the `make experiments` table.
 *
 *	exp_check_action MODE
 *
 * Runs the documents' double-free program (check_double_free) once and
 * reports how it ended:
 *
 *	MODE 0 1 2 3 5 7	under MALLOC_CHECK_=MODE
 *	MODE top prev fasttop	without MALLOC_CHECK_, the default checks
 *				meeting p in top, before an in-use block, on
 *				its fast bin
 *	MODE mallopt1 mallopt5	"top" after mallopt(M_CHECK_ACTION, 1 or 5)
 *
 * Output ("KEY VALUE"): stdout_lines (of "first", "second", in order),
 * stderr_class (enum report_class of check_report.h: 0 nothing, 1 long
 * line, 2 short line, 3 long line + backtrace + memory map, 4 short
 * line + both, 9 anything else, e.g. a wrong message), signal (the
 * signal that ended the program, 0 after exit status 0, -N after exit
 * status N), plus the frame's startup keys.  This program only measures:
 * it neither allocates nor calls the allocator.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "check_report.h"
#include "exp_util.h"
#include "read_all.h"

/* Captured output of the measured program. */
static char out_buf[4096];
static char err_buf[65536];

/*
 * Run @prog with @args (kind and optional action) and @env, capturing
 * its stdout and stderr; its wait status.  stdout is read after stderr:
 * it is at most two short lines, which fit any pipe.
 */
static int run(const char *prog, char *const args[3], char *const env[])
{
	char *argv[4] = { (char *)prog, args[0], args[1], NULL };
	int out[2], err[2], status;
	pid_t pid;

	if (pipe(out) != 0 || pipe(err) != 0)
		exp_die("exp_check_action: pipe failed\n");
	pid = fork();
	if (pid < 0)
		exp_die("exp_check_action: fork failed\n");
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execve(prog, argv, env);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	fd_read_all(err[0], err_buf, sizeof(err_buf));
	fd_read_all(out[0], out_buf, sizeof(out_buf));
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* How many of "first\n", "second\n" start the captured stdout. */
static int stdout_lines(void)
{
	if (strcmp(out_buf, "first\nsecond\n") == 0)
		return 2;
	if (strcmp(out_buf, "first\n") == 0)
		return 1;
	return out_buf[0] == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char prog[] = PTM_PROGRAMS_DIR "/check_double_free";
	static char check_env[] = "MALLOC_CHECK_=?";
	char *env[] = { "LC_ALL=C", NULL, NULL };
	char *args[3] = { "top", NULL, NULL };
	const char *mode = argc > 1 ? argv[1] : "";
	const char *msg = "free(): invalid pointer";
	int status;

	exp_setup(argc, argv, false);
	if (strlen(mode) == 1 && strchr("012357", mode[0]) != NULL) {
		check_env[sizeof(check_env) - 2] = mode[0];
		env[1] = check_env;
	} else if (strcmp(mode, "top") == 0 || strcmp(mode, "prev") == 0 ||
		   strcmp(mode, "fasttop") == 0) {
		args[0] = (char *)mode;
		msg = strcmp(mode, "top") == 0 ?
			      "double free or corruption (top)" :
		      strcmp(mode, "prev") == 0 ?
			      "double free or corruption (!prev)" :
			      "double free or corruption (fasttop)";
	} else if (strcmp(mode, "mallopt1") == 0 ||
		   strcmp(mode, "mallopt5") == 0) {
		args[1] = (char *)mode + 7;
		msg = "double free or corruption (top)";
	} else {
		exp_usage(argv[0], "0|1|2|3|5|7|top|prev|fasttop|mallopt1|"
				   "mallopt5");
	}
	status = run(prog, args, env);
	exp_put("stdout_lines", stdout_lines());
	exp_put("stderr_class", report_class(err_buf, prog, msg));
	if (WIFSIGNALED(status))
		exp_put("signal", WTERMSIG(status));
	else
		exp_put("signal", -WEXITSTATUS(status));
	return exp_finish();
}
