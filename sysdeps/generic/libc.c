// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The C-library state of sysdeps/os.h for a libc that has none of
 * glibc's extras: no stdio list lock to order around fork, no recorded
 * program name and no memory of its own to release at exit.  Linux (glibc) has its own libc.c.
 */
#include <stddef.h>

#include "os.h"

/* No stdio list lock: nothing to take before the arena locks. */
void os_stdio_list_lock(void)
{
}

/* Nothing was taken. */
void os_stdio_list_unlock(void)
{
}

/* Nothing to reset in the child. */
void os_stdio_list_reset(void)
{
}

/* Not recorded: the reports print "<unknown>" or no name. */
const char *os_program_name(void)
{
	return NULL;
}

/* Not recorded. */
const char *os_program_short_name(void)
{
	return NULL;
}

/* No memory of the C library's to release. */
void os_release_libc_memory(void)
{
}
