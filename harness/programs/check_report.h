/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a corruption report (glibc 2.17's format) back: shared by the
 * death tests (harness/test_integrity.c, harness/test_malloc_check.c)
 * and the E-6.2 experiment program (exp_check_action.c).  Nothing here
 * allocates, so the experiment program keeps glibc's heap unused.
 *
 *	report_long()		`*** Error in `PROG': MSG: 0x%016lx ***\n`
 *	report_short()		`MSG\n`
 *	report_context_end()	past a valid backtrace and memory-map section
 *	report_class()		which of the shapes of docs/debugging.md a
 *				whole stderr text has
 */
#ifndef PTM_CHECK_REPORT_H
#define PTM_CHECK_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The stderr shapes of E-6.2 (the "stderr class" rows). */
enum report_class {
	REPORT_NONE = 0, /* nothing */
	REPORT_LONG = 1, /* the long line only */
	REPORT_SHORT = 2, /* the short line only */
	REPORT_LONG_CONTEXT = 3, /* long line, backtrace, memory map */
	REPORT_SHORT_CONTEXT = 4, /* short line, backtrace, memory map */
	REPORT_OTHER = 9, /* anything else */
};

/* The long report line for @prog, @msg and @ptr into @buf. */
static inline void report_long(char *buf, size_t cap, const char *prog,
			       const char *msg, uintptr_t ptr)
{
	snprintf(buf, cap, "*** Error in `%s': %s: 0x%016lx ***\n", prog, msg,
		 (unsigned long)ptr);
}

/* The short report line for @msg into @buf. */
static inline void report_short(char *buf, size_t cap, const char *msg)
{
	snprintf(buf, cap, "%s\n", msg);
}

/* Whether @s starts with @n lower-case hex digits or more; past them. */
static inline const char *report_hex(const char *s, int n)
{
	int i = 0;

	while ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) {
		s++;
		i++;
	}
	return i >= n ? s : NULL;
}

/*
 * Whether the line [@s, @e) is a backtrace_symbols_fd() frame:
 * `[FILE[(SYMBOL+0xOFF)]][0xADDR]`.
 */
static inline bool report_frame_ok(const char *s, const char *e)
{
	const char *b;

	if (e - s < 5 || e[-1] != ']')
		return false;
	for (b = e - 1; b > s && b[-1] != '['; b--)
		;
	if (b == s || strncmp(b, "0x", 2) != 0)
		return false;
	return report_hex(b + 2, 1) == e - 1;
}

/*
 * Whether the line [@s, @e) is a /proc/PID/maps line:
 * `START-END PERM OFFSET MAJ:MIN INODE [PATH]`.
 */
static inline bool report_maps_line_ok(const char *s, const char *e)
{
	if ((s = report_hex(s, 1)) == NULL || *s++ != '-')
		return false;
	if ((s = report_hex(s, 1)) == NULL || *s++ != ' ')
		return false;
	if (e - s < 5 || !strchr("r-", s[0]) || !strchr("w-", s[1]) ||
	    !strchr("x-", s[2]) || !strchr("ps", s[3]) || s[4] != ' ')
		return false;
	s += 5;
	if ((s = report_hex(s, 1)) == NULL || *s++ != ' ')
		return false;
	if ((s = report_hex(s, 2)) == NULL || *s++ != ':')
		return false;
	if ((s = report_hex(s, 2)) == NULL || *s++ != ' ')
		return false;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return s == e || *s == ' ';
}

/*
 * Check the backtrace and memory-map sections at @s: the backtrace
 * header, at least @min_frames frame lines, the map header, then only
 * maps lines, at least one of them [stack].  Returns the end of the
 * text (the NUL) when all is well, else NULL.
 */
static inline const char *report_context_end(const char *s, int min_frames)
{
	static const char bt[] = "======= Backtrace: =========\n";
	static const char map[] = "======= Memory map: ========\n";
	int frames = 0;
	bool stack = false;
	const char *e;

	if (strncmp(s, bt, sizeof(bt) - 1) != 0)
		return NULL;
	s += sizeof(bt) - 1;
	for (; strncmp(s, map, sizeof(map) - 1) != 0; s = e + 1, frames++)
		if ((e = strchr(s, '\n')) == NULL || !report_frame_ok(s, e))
			return NULL;
	if (frames < min_frames)
		return NULL;
	for (s += sizeof(map) - 1; *s != '\0'; s = e + 1) {
		if ((e = strchr(s, '\n')) == NULL || !report_maps_line_ok(s, e))
			return NULL;
		stack |= e - s >= 7 && strncmp(e - 7, "[stack]", 7) == 0;
	}
	return stack ? s : NULL;
}

/* Whether @err starts with the long line of @prog and @msg; past it. */
static inline const char *report_long_end(const char *err, const char *prog,
					  const char *msg)
{
	char head[512];
	const char *s;
	size_t n;

	n = (size_t)snprintf(head, sizeof(head), "*** Error in `%s': %s: 0x",
			     prog, msg);
	if (strncmp(err, head, n) != 0)
		return NULL;
	s = report_hex(err + n, 16);
	if (s == NULL || s != err + n + 16 || strncmp(s, " ***\n", 5) != 0)
		return NULL;
	return s + 5;
}

/* The shape of the whole stderr text @err for @prog and @msg. */
static inline enum report_class report_class(const char *err, const char *prog,
					     const char *msg)
{
	size_t n = strlen(msg);
	const char *rest = report_long_end(err, prog, msg);
	bool is_long = rest != NULL;

	if (*err == '\0')
		return REPORT_NONE;
	if (!is_long) {
		if (strncmp(err, msg, n) != 0 || err[n] != '\n')
			return REPORT_OTHER;
		rest = err + n + 1;
	}
	if (*rest == '\0')
		return is_long ? REPORT_LONG : REPORT_SHORT;
	if (report_context_end(rest, 3) == NULL)
		return REPORT_OTHER;
	return is_long ? REPORT_LONG_CONTEXT : REPORT_SHORT_CONTEXT;
}

#endif /* PTM_CHECK_REPORT_H */
