// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Threads and processes (sysdeps/os.h): fork handlers, the thread-exit
 * callback, thread and process identity and exit handlers, from the
 * POSIX thread library and the C library.
 *
 * The thread-exit callback is a thread-specific data key whose
 * destructor runs at each thread's exit with the value the thread set
 * (glibc's own malloc uses its internal thread-exit hook instead; a key
 * is what a library beside the C library has).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

static pthread_key_t exit_key;

/* pthread_atfork(). */
int os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	return pthread_atfork(prepare, parent, child);
}

/* One key whose destructor is @fn. */
int os_thread_exit_init(void (*fn)(void *))
{
	return pthread_key_create(&exit_key, fn) == 0 ? 0 : -1;
}

/* The calling thread's value for the key. */
void os_thread_exit_arm(void *value)
{
	pthread_setspecific(exit_key, value);
}

/* pthread_self(), which glibc makes the thread's descriptor: never 0. */
uintptr_t os_thread_self(void)
{
	return (uintptr_t)pthread_self();
}

/* getpid(). */
long os_getpid(void)
{
	return (long)getpid();
}

/* atexit(). */
int os_at_exit(void (*fn)(void))
{
	return atexit(fn) == 0 ? 0 : -1;
}
