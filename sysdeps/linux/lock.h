/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The arena mutex: a three-state futex lock (0 free, 1 locked, 2 locked
 * with waiters) that never allocates, so it is safe inside malloc and
 * in the child after fork (where it is simply reinitialised); and the
 * single-threaded test that lets the allocator skip it.
 */
#ifndef PTM_LOCK_H
#define PTM_LOCK_H

#include <stdbool.h>
#include <sys/single_threaded.h>

#include "../../malloc/compiler.h"

/**
 * struct ptm_mutex - a futex-based mutex.
 * @state: 0 unlocked, 1 locked, 2 locked and contended.
 */
struct ptm_mutex {
	int state;
};

#define PTM_MUTEX_INITIALIZER \
	{                     \
		0             \
	}

/* Slow paths of lock and unlock: wait on and wake the futex. */
pt_hidden void lock_wait(struct ptm_mutex *m);
pt_hidden void lock_wake(struct ptm_mutex *m);

/* Take @m, sleeping while another thread holds it. */
static inline void lock_acquire(struct ptm_mutex *m)
{
	int expected = 0;

	if (!__atomic_compare_exchange_n(&m->state, &expected, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		lock_wait(m);
}

/* Take @m if it is free; true on success. */
static inline bool lock_try(struct ptm_mutex *m)
{
	int expected = 0;

	return __atomic_compare_exchange_n(&m->state, &expected, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Release @m, waking one waiter if there is any. */
static inline void lock_release(struct ptm_mutex *m)
{
	if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
		lock_wake(m);
}

/* Reset @m to unlocked (the child after fork). */
static inline void lock_init(struct ptm_mutex *m)
{
	m->state = 0;
}

/*
 * Whether the process has never had a second thread: glibc's
 * __libc_single_threaded (glibc 2.32 and later; a port to a libc
 * without it returns false, and the locks are always taken), which
 * pthread_create() clears before the new thread exists and nothing sets
 * again.  While it holds no other
 * thread can be inside the allocator, so the arena locks are skipped,
 * as glibc 2.26 and later do (SINGLE_THREAD_P).  An operation that
 * skipped a lock cannot see the flag change before it ends: only the
 * calling thread itself could create the second thread.
 */
static inline bool single_threaded(void)
{
	return __libc_single_threaded;
}

#endif /* PTM_LOCK_H */
