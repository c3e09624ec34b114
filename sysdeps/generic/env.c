// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The environment for a system with no secure-execution test
 * (sysdeps/os.h): ISO C's getenv() and POSIX's environ, every process
 * treated as an ordinary one.  A system that has set-user-ID programs
 * supplies its own env.c (sysdeps/linux/env.c).
 */
#include <stdlib.h>

#include "os.h"

extern char **environ;

/* getenv(): no process counts as running in secure-execution mode. */
const char *os_secure_getenv(const char *name)
{
	return getenv(name);
}

/* environ, as it stands. */
char **os_secure_environ(void)
{
	return environ;
}
