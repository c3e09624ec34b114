// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Slow paths of the arena mutex (lock.h): sleeping in and waking from
 * the futex.  Drepper's "mutex 2" from "Futexes Are Tricky".
 */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>

#include "lock.h"

/* Sleep until @m can be taken, marking it contended meanwhile. */
void lock_wait(struct ptm_mutex *m)
{
	int saved = errno;

	while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
		syscall(SYS_futex, &m->state, FUTEX_WAIT_PRIVATE, 2, NULL, NULL,
			0);
	errno = saved;
}

/* Wake one thread sleeping on @m. */
void lock_wake(struct ptm_mutex *m)
{
	int saved = errno;

	syscall(SYS_futex, &m->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = saved;
}
