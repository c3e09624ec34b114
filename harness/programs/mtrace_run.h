/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running mtrace_prog under MALLOC_TRACE and reading the result, for the
 * mtrace tests (harness/test_mtrace.c) and E-6.1 of `make experiments`
 * (exp_mtrace.c).  These run in the measuring process: fork, exec and
 * fixed buffers, nothing else.
 *
 *	mt_run()	run a command with a given environment, its standard
 *			output (and error) into a buffer
 *	mt_notes()	mtrace_prog's "EVENT ADDRESS LINE" report
 *	mt_parse()	split one trace line into caller, operation,
 *			address and size
 *	mt_addr2line()	the FILE:LINE of an address of a program
 *	mt_is_src_line()	whether that is a given line of a program's
 *			source
 */
#ifndef PTM_MTRACE_RUN_H
#define PTM_MTRACE_RUN_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "read_all.h"

#ifndef PTM_PROGRAMS_DIR
#error "PTM_PROGRAMS_DIR must name the directory of the built programs"
#endif

/* The traced program and the tools that read its trace. */
#define MT_PROG PTM_PROGRAMS_DIR "/mtrace_prog"
#define MT_SCRIPT "/usr/bin/mtrace"
#define MT_ADDR2LINE "/usr/bin/addr2line"

/* Most notes one run of mtrace_prog prints. */
#define MT_MAX_NOTES 64

/**
 * struct mt_note - one "EVENT ADDRESS LINE" line of mtrace_prog.
 * @event: "malloc", "free", "realloc", ...
 * @addr: the address, as %p printed it ("(nil)" for NULL).
 * @line: the source line of the call.
 */
struct mt_note {
	char event[32];
	char addr[32];
	int line;
};

/*
 * Run @argv (argv[0] a path) with environment @envp; its standard output
 * and standard error, NUL-terminated, into @out (@cap bytes, the excess
 * dropped).  Returns the wait status, or -1 when it could not be run.
 */
static inline int mt_run(char *const argv[], char *const envp[], char *out,
			 size_t cap)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(fds[1]);
	fd_read_all(fds[0], out, cap);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/*
 * Run mtrace_prog @mode with MALLOC_TRACE=@trace (no MALLOC_TRACE when
 * NULL) and the variable @extra ("NAME=VALUE", or NULL); its output into
 * @out.  The wait status.
 */
static inline int mt_run_prog_env(const char *mode, const char *trace,
				  const char *extra, char *out, size_t cap)
{
	char env_trace[4200];
	char *argv[] = { MT_PROG, (char *)mode, NULL };
	char *envp[4] = { "LC_ALL=C", NULL, NULL, NULL };
	int n = 1;

	if (trace != NULL) {
		snprintf(env_trace, sizeof(env_trace), "MALLOC_TRACE=%s",
			 trace);
		envp[n++] = env_trace;
	}
	if (extra != NULL)
		envp[n++] = (char *)extra;
	return mt_run(argv, envp, out, cap);
}

/* mt_run_prog_env() without an extra variable. */
static inline int mt_run_prog(const char *mode, const char *trace, char *out,
			      size_t cap)
{
	return mt_run_prog_env(mode, trace, NULL, out, cap);
}

/*
 * Run glibc's mtrace script on @trace, with the binary @prog given
 * first when not NULL; its output into @out.  The wait status.
 */
static inline int mt_run_script(const char *prog, const char *trace, char *out,
				size_t cap)
{
	char *with[] = { "/usr/bin/perl", MT_SCRIPT, (char *)prog,
			 (char *)trace, NULL };
	char *without[] = { "/usr/bin/perl", MT_SCRIPT, (char *)trace, NULL };
	char *envp[] = { "LC_ALL=C", "PATH=/usr/bin:/bin", NULL };

	return mt_run(prog != NULL ? with : without, envp, out, cap);
}

/* Parse mtrace_prog's report @out into @notes; how many there were. */
static inline int mt_notes(const char *out, struct mt_note *notes, int max)
{
	int n = 0;

	while (n < max && *out != '\0') {
		if (sscanf(out, "%31s %31s %d", notes[n].event, notes[n].addr,
			   &notes[n].line) == 3)
			n++;
		out = strchr(out, '\n');
		if (out == NULL)
			break;
		out++;
	}
	return n;
}

/**
 * struct mt_line - one event line of a trace, split.
 * @file: the caller's object, as in "@ FILE:[0xREL]".
 * @rel: the caller's address relative to its object, "0x..." text.
 * @op: "+", "-", "<", ">" or "!".
 * @addr: the block's address as printed.
 * @size: the size as printed, "" for operations without one.
 */
struct mt_line {
	char file[4096];
	char rel[32];
	char op[4];
	char addr[32];
	char size[32];
};

/*
 * Split the event line @s ("@ FILE:[0xREL] OP ADDR[ SIZE]", without the
 * newline) into @l.  False when it does not have exactly that form.
 */
static inline bool mt_parse(const char *s, struct mt_line *l)
{
	const char *colon, *close;
	char rest[160], again[160];
	int n;

	memset(l, 0, sizeof(*l));
	if (strncmp(s, "@ ", 2) != 0)
		return false;
	s += 2;
	colon = strstr(s, ":[0x");
	if (colon == NULL || (size_t)(colon - s) >= sizeof(l->file))
		return false;
	memcpy(l->file, s, (size_t)(colon - s));
	close = strchr(colon, ']');
	if (close == NULL || (size_t)(close - colon - 2) >= sizeof(l->rel) ||
	    close[1] != ' ')
		return false;
	memcpy(l->rel, colon + 2, (size_t)(close - colon - 2));
	if (strlen(close + 2) >= sizeof(rest))
		return false;
	strcpy(rest, close + 2);
	n = sscanf(rest, "%3s %31s %31s", l->op, l->addr, l->size);
	if (n < 2)
		return false;
	/* Single spaces between the fields, nothing after the last. */
	snprintf(again, sizeof(again), n == 3 ? "%s %s %s" : "%s %s", l->op,
		 l->addr, l->size);
	return strcmp(again, rest) == 0;
}

/*
 * The source position addr2line gives for address @rel of @prog
 * ("FILE:LINE", any " (discriminator N)" dropped) into @buf.
 */
static inline void mt_addr2line(const char *prog, const char *rel, char *buf,
				size_t cap)
{
	char *argv[] = { MT_ADDR2LINE, "-e", (char *)prog, (char *)rel, NULL };
	char *envp[] = { "LC_ALL=C", NULL };
	char *cut;

	if (mt_run(argv, envp, buf, cap) < 0)
		buf[0] = '\0';
	cut = strpbrk(buf, " \n");
	if (cut != NULL)
		*cut = '\0';
}

/*
 * Whether the source position @pos ("FILE:LINE") is line @line of
 * harness/programs/@src.
 */
static inline bool mt_is_src_line(const char *pos, const char *src, int line)
{
	char want[128];
	size_t n, w;

	snprintf(want, sizeof(want), "harness/programs/%s:%d", src, line);
	n = strlen(pos);
	w = strlen(want);
	return n >= w && strcmp(pos + n - w, want) == 0 &&
	       (n == w || pos[n - w - 1] == '/');
}

/*
 * Whether the source position @pos ("FILE:LINE") is line @line of
 * mtrace_prog.c.
 */
static inline bool mt_is_prog_line(const char *pos, int line)
{
	return mt_is_src_line(pos, "mtrace_prog.c", line);
}

/*
 * The next line of @*text (without its newline) into @buf; advances
 * @*text.  False at the end.
 */
static inline bool mt_next_line(const char **text, char *buf, size_t cap)
{
	const char *s = *text, *nl;
	size_t n;

	if (*s == '\0')
		return false;
	nl = strchr(s, '\n');
	n = nl != NULL ? (size_t)(nl - s) : strlen(s);
	snprintf(buf, cap, "%.*s", (int)n, s);
	*text = nl != NULL ? nl + 1 : s + n;
	return true;
}

#endif /* PTM_MTRACE_RUN_H */
