// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the allocator must respect of the C library it runs beside:
 * stdio's lock on its list of streams, which fork() takes, the program's
 * name, and the release of glibc's own memory at exit (sysdeps/os.h).
 *
 * glibc (2.24 and later) takes the list lock in fork() itself, after
 * every fork handler has run and just before its own malloc's locks, so
 * that a thread holding the list lock may wait for a stream whose owner
 * allocates.  An allocator that is not glibc's can only take its locks
 * in a fork handler, before that point; it takes the list lock first
 * (glibc's exported _IO_list_lock, a recursive lock, so fork() can take
 * it again) to keep glibc's order.  The list-lock functions are
 * referenced weakly: a C library without them has no such lock to
 * respect.
 */
#include "os.h"

extern void _IO_list_lock(void) __attribute__((weak));
extern void _IO_list_unlock(void) __attribute__((weak));
extern void _IO_list_resetlock(void) __attribute__((weak));
extern void __libc_freeres(void);
extern char *program_invocation_name;
extern char *program_invocation_short_name;

/* Take stdio's list lock (before the arena locks, in fork's prepare). */
void os_stdio_list_lock(void)
{
	if (_IO_list_lock != NULL)
		_IO_list_lock();
}

/* Release it again (fork's parent side, after the arena locks). */
void os_stdio_list_unlock(void)
{
	if (_IO_list_unlock != NULL)
		_IO_list_unlock();
}

/* In the child of fork(): the lock is its own thread's; reset it. */
void os_stdio_list_reset(void)
{
	if (_IO_list_resetlock != NULL)
		_IO_list_resetlock();
}

/* glibc's (and musl's) program_invocation_name. */
const char *os_program_name(void)
{
	return program_invocation_name;
}

/* program_invocation_short_name: the name after its last '/'. */
const char *os_program_short_name(void)
{
	return program_invocation_short_name;
}

/* glibc's __libc_freeres(). */
void os_release_libc_memory(void)
{
	__libc_freeres();
}
