/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a program under valgrind's memcheck and reading its report, for
 * the valgrind tests (harness/test_valgrind.c) and E-6.3 of `make
 * experiments` (exp_valgrind.c).  They run in the measuring process:
 * fork, exec and fixed buffers.
 *
 *	vg_run()	valgrind --tool=memcheck --leak-check=full
 *			--log-file=FILE PROGRAM ARGS; the program's standard
 *			output, and the report split into lines
 *	vg_find()	the first report line equal to a text, from a line on
 *
 * Report lines lose their "==PID== " prefix, and each stack frame its
 * code address and line number, which change with every build:
 * "   at 0x10DB93: ptm_malloc (malloc.c:69)" reads
 * "   at ADDR: ptm_malloc (malloc.c:LINE)".  Everything else is kept
 * verbatim, so the tests compare whole lines.
 */
#ifndef PTM_VG_RUN_H
#define PTM_VG_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "read_all.h"

#ifndef PTM_PROGRAMS_DIR
#error "PTM_PROGRAMS_DIR must name the directory of the built programs"
#endif

#define VG_VALGRIND "/usr/bin/valgrind"

/* The drop-in, next to the programs' directory: BUILD/libptmalloc.so. */
#define VG_DROPIN PTM_PROGRAMS_DIR "/../../libptmalloc.so"

#define VG_MAX_LINES 512
#define VG_LINE 256

/**
 * struct vg_report - one memcheck run.
 * @status: valgrind's wait status.
 * @out: the program's standard output.
 * @nlines: lines in @lines.
 * @lines: the report, normalised (see the top of this file).
 * @raw: the report file as written.
 */
struct vg_report {
	int status;
	char out[4096];
	int nlines;
	char lines[VG_MAX_LINES][VG_LINE];
	char raw[1 << 16];
};

/*
 * One report line, normalised into @dst: the "==PID== " prefix dropped,
 * "at 0x...: " and "by 0x...: " turned into "at ADDR: ", "by ADDR: ",
 * and a frame's "(FILE:N)" into "(FILE:LINE)".
 */
static inline void vg_normalise(const char *src, size_t n, char *dst)
{
	char line[VG_LINE];
	const char *s = line, *hex, *colon;
	size_t len = 0;

	snprintf(line, sizeof(line), "%.*s", (int)n, src);
	if (line[0] == '=' && line[1] == '=' &&
	    (hex = strstr(line + 2, "== ")) != NULL)
		s = hex + 3;
	else if (line[0] == '=' && line[1] == '=' &&
		 (hex = strstr(line + 2, "==")) != NULL && hex[2] == '\0')
		s = hex + 2;
	hex = strstr(s, "at 0x");
	if (hex == NULL)
		hex = strstr(s, "by 0x");
	colon = hex != NULL ? strchr(hex, ':') : NULL;
	if (colon == NULL) {
		snprintf(dst, VG_LINE, "%s", s);
		return;
	}
	len = (size_t)(hex - s) + 3;
	snprintf(dst, VG_LINE, "%.*sADDR%s", (int)len, s, colon);
	/* "(FILE:N)" at the end of a frame. */
	colon = strrchr(dst, ':');
	hex = strrchr(dst, '(');
	if (hex != NULL && colon > hex && dst[strlen(dst) - 1] == ')')
		snprintf(dst + (colon - dst), VG_LINE - (size_t)(colon - dst),
			 ":LINE)");
}

/*
 * Run @argv (argv[0] the program's path) under memcheck with
 * --leak-check=full, plus @extra (an option or NULL), with
 * LD_PRELOAD=@preload when not NULL.  Fills @r; false when valgrind could
 * not be run or wrote no report.
 */
static inline bool vg_run(char *const argv[], const char *extra,
			  const char *preload, struct vg_report *r)
{
	char log[64] = "/tmp/ptm-vg-XXXXXX", logopt[96], env_preload[4200];
	char *vargv[16];
	char *envp[] = { "LC_ALL=C", NULL, NULL };
	int fds[2], fd, n = 0;
	const char *p, *nl;
	pid_t pid;

	fd = mkstemp(log);
	if (fd < 0)
		return false;
	close(fd);
	snprintf(logopt, sizeof(logopt), "--log-file=%s", log);
	vargv[n++] = VG_VALGRIND;
	vargv[n++] = "--tool=memcheck";
	vargv[n++] = "--leak-check=full";
	vargv[n++] = logopt;
	if (extra != NULL)
		vargv[n++] = (char *)extra;
	for (int i = 0; argv[i] != NULL && n < 15; i++)
		vargv[n++] = argv[i];
	vargv[n] = NULL;
	if (preload != NULL) {
		snprintf(env_preload, sizeof(env_preload), "LD_PRELOAD=%s",
			 preload);
		envp[1] = env_preload;
	}
	if (pipe(fds) != 0)
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execve(vargv[0], vargv, envp);
		_exit(127);
	}
	close(fds[1]);
	fd_read_all(fds[0], r->out, sizeof(r->out));
	close(fds[0]);
	while (waitpid(pid, &r->status, 0) < 0)
		if (errno != EINTR)
			return false;
	fd = open(log, O_RDONLY);
	unlink(log);
	if (fd < 0)
		return false;
	fd_read_all(fd, r->raw, sizeof(r->raw));
	close(fd);
	r->nlines = 0;
	for (p = r->raw; *p != '\0' && r->nlines < VG_MAX_LINES; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		vg_normalise(p, (size_t)(nl - p), r->lines[r->nlines++]);
		if (*nl == '\0')
			break;
	}
	return r->nlines > 0;
}

/* The first line from @from on equal to @text; -1 if there is none. */
static inline int vg_find(const struct vg_report *r, int from, const char *text)
{
	for (int i = from < 0 ? 0 : from; i < r->nlines; i++)
		if (strcmp(r->lines[i], text) == 0)
			return i;
	return -1;
}

/* The first line from @from on starting with @prefix; -1 if none. */
static inline int vg_find_prefix(const struct vg_report *r, int from,
				 const char *prefix)
{
	for (int i = from < 0 ? 0 : from; i < r->nlines; i++)
		if (strncmp(r->lines[i], prefix, strlen(prefix)) == 0)
			return i;
	return -1;
}

/* How many report lines are equal to @text. */
static inline int vg_count(const struct vg_report *r, const char *text)
{
	int n = 0;

	for (int i = 0; i < r->nlines; i++)
		n += strcmp(r->lines[i], text) == 0;
	return n;
}

/* The "p 0x..." address the programs print first; 0 if missing. */
static inline unsigned long vg_block_address(const struct vg_report *r)
{
	const char *p = strstr(r->out, "p 0x");

	return p != NULL ? strtoul(p + 2, NULL, 16) : 0;
}

#endif /* PTM_VG_RUN_H */
