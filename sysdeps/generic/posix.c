// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system layer's services that POSIX and ISO C define in full
 * (sysdeps/os.h): the thread-exit callback, fork handlers, the
 * thread's cancellation state, the exit callback, the trace and map
 * files, the process ID and the monotonic clock.  Any POSIX system,
 * Linux included, takes them from here; a port to a system without one
 * supplies a file of this name in sysdeps/<os>/.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

/* The key whose destructor is the thread-exit callback. */
static pthread_key_t exit_key;

/* pthread_key_create() with @fn as the destructor. */
int os_thread_exit_init(void (*fn)(void *))
{
	return pthread_key_create(&exit_key, fn) == 0 ? 0 : -1;
}

/* pthread_setspecific(): @arg is what the callback gets at exit. */
void os_thread_exit_arm(void *arg)
{
	pthread_setspecific(exit_key, arg);
}

/* pthread_atfork(). */
int os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	return pthread_atfork(prepare, parent, child);
}

/*
 * Hold off the calling thread's cancellation; the state to give back to
 * os_cancel_restore().  A request that arrives meanwhile stays pending
 * and is acted on at the next cancellation point after the restore.
 */
int os_cancel_defer(void)
{
	int old = PTHREAD_CANCEL_ENABLE;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	return old;
}

/* Give back the state os_cancel_defer() returned. */
void os_cancel_restore(int state)
{
	pthread_setcancelstate(state, NULL);
}

/* atexit(). */
int os_atexit(void (*fn)(void))
{
	return atexit(fn);
}

/* open(2) for writing: created, truncated, close-on-exec. */
int os_open_truncate(const char *path, int mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
}

/* close(2). */
void os_close(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* getpid(). */
long os_process_id(void)
{
	return (long)getpid();
}

/* clock_gettime(CLOCK_MONOTONIC). */
void os_monotonic_time(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}
