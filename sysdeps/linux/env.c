// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The environment, as glibc's malloc reads it (sysdeps/os.h): one
 * variable with secure_getenv (MALLOC_CHECK_, MALLOC_TRACE, the heap
 * map's), and the whole vector for the tunables, both withheld from a
 * program that runs with privileges it did not have at exec (the
 * kernel's AT_SECURE, which secure_getenv tests too).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <sys/auxv.h>

#include "os.h"

extern char **environ;

/* secure_getenv(): NULL in a privileged program. */
const char *os_getenv(const char *name)
{
	return secure_getenv(name);
}

/* environ, unless the program is privileged. */
char **os_environ(void)
{
	return getauxval(AT_SECURE) != 0 ? NULL : environ;
}
