// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The environment on Linux (sysdeps/os.h): glibc's secure_getenv() and
 * the kernel's AT_SECURE auxiliary entry, which is set for a set-user-ID
 * or set-group-ID program (and one with file capabilities): such a
 * process ignores the variables, as glibc's malloc does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "os.h"

/* secure_getenv(). */
const char *os_secure_getenv(const char *name)
{
	return secure_getenv(name);
}

/* environ, unless AT_SECURE says the process is privileged. */
char **os_secure_environ(void)
{
	if (getauxval(AT_SECURE) != 0)
		return NULL;
	return environ;
}
