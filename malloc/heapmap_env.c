// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap map on request from the environment, so that any program run
 * on the drop-in (LD_PRELOAD=libptmalloc.so) can be mapped without
 * recompiling it:
 *
 *	MALLOC_HEAPMAP_=PATTERN		where to write the map
 *	MALLOC_HEAPMAP_AT_=WHEN		exit (default), trim, stats, or a
 *					comma-separated list of them
 *
 * PATTERN is a file name in which %p becomes the process id, %n the
 * number of the map (0, 1, ... in this process) and %% a '%'; a name
 * ending in ".svg" gets the SVG map, any other the text map.  "exit"
 * maps at normal process exit (a destructor: after the program's own
 * atexit handlers, not after _exit() or a fatal signal); "trim" after
 * every malloc_trim(); "stats" after every malloc_stats().  Both
 * variables are read once, by ptmalloc_init(), with secure_getenv (so
 * never in a set-user-ID program), as glibc reads its MALLOC_*
 * variables; the program linked with the archive sees them too.
 *
 * The cost when not asked for: one load and branch in malloc_trim() and
 * malloc_stats() and in the exit destructor (heapmap_at() in
 * internal.h); nothing else reads them.
 *
 * Entry points: heapmap_from_env() (ptmalloc_init), heapmap_event()
 * (through heapmap_at()), and the destructor.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

unsigned int heapmap_when;

/*
 * The pattern, copied out of the environment (which the program may
 * change), and the number of the next map.
 */
static char heapmap_pattern[512];
static unsigned int heapmap_seq;

/* Whether @list (comma-separated) holds the word @word. */
static bool heapmap_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/*
 * Read MALLOC_HEAPMAP_ and MALLOC_HEAPMAP_AT_ (ptmalloc_init()).  The
 * names are arrays, not literals, so that start-up reads no .rodata
 * page (see malloc/tunables.c); so are the words, read only when set.
 */
void heapmap_from_env(void)
{
	static char name[] = "MALLOC_HEAPMAP_";
	static char at_name[] = "MALLOC_HEAPMAP_AT_";
	static char w_exit[] = "exit", w_trim[] = "trim", w_stats[] = "stats";
	const char *pattern = os_secure_getenv(name);
	const char *at;

	if (pattern == NULL || pattern[0] == '\0' ||
	    strlen(pattern) >= sizeof(heapmap_pattern))
		return;
	strcpy(heapmap_pattern, pattern);
	at = os_secure_getenv(at_name);
	if (at == NULL || at[0] == '\0') {
		heapmap_when = HEAPMAP_AT_EXIT;
		return;
	}
	heapmap_when = (heapmap_has_word(at, w_exit) ? HEAPMAP_AT_EXIT : 0) |
		       (heapmap_has_word(at, w_trim) ? HEAPMAP_AT_TRIM : 0) |
		       (heapmap_has_word(at, w_stats) ? HEAPMAP_AT_STATS : 0);
}

/* Append @s to @out (of @cap bytes, @*len used); false when full. */
static bool heapmap_append(char *out, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= cap)
		return false;
	memcpy(out + *len, s, n + 1);
	*len += n;
	return true;
}

/* The file name for map number @seq; false when it does not fit. */
static bool heapmap_path(char *out, size_t cap, unsigned int seq)
{
	size_t len = 0;
	char num[24];

	out[0] = '\0';
	for (const char *p = heapmap_pattern; *p != '\0'; p++) {
		char c[2] = { *p, '\0' };

		if (*p == '%' && (p[1] == 'p' || p[1] == 'n')) {
			snprintf(num, sizeof(num), "%ld",
				 p[1] == 'p' ? os_process_id() : (long)seq);
			p++;
		} else if (*p == '%' && p[1] == '%') {
			snprintf(num, sizeof(num), "%%");
			p++;
		} else {
			memcpy(num, c, sizeof(c));
		}
		if (!heapmap_append(out, cap, &len, num))
			return false;
	}
	return true;
}

/* Whether @path names an SVG file. */
static bool heapmap_is_svg(const char *path)
{
	static char svg[] = ".svg";
	size_t n = strlen(path);

	return n >= 4 && strcmp(path + n - 4, svg) == 0;
}

/*
 * Write the map for @event (a HEAPMAP_AT_* bit) when it was asked for:
 * a new file each time, named from the pattern.  Failures are silent,
 * as the program did not ask for the map itself; errno is kept.
 */
void heapmap_event(unsigned int event)
{
	char path[sizeof(heapmap_pattern) + 64];
	int saved = errno;
	int fd;

	if (!(heapmap_when & event))
		return;
	if (!heapmap_path(path, sizeof(path),
			  __atomic_fetch_add(&heapmap_seq, 1,
					     __ATOMIC_RELAXED)))
		return;
	fd = os_open_truncate(path, 0644);
	if (fd >= 0) {
		ptm_heap_map(fd, heapmap_is_svg(path) ? PTM_HEAPMAP_SVG :
							PTM_HEAPMAP_TEXT);
		os_close(fd);
	}
	errno = saved;
}

/* The map at exit, when MALLOC_HEAPMAP_ asked for one. */
__attribute__((destructor)) static void heapmap_at_exit(void)
{
	heapmap_at(HEAPMAP_AT_EXIT);
}
