/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The suite's one scale for time limits.  Every limit in the suite (the
 * Criterion timeouts, which harness/main.c scales, and every alarm() a
 * test or a program sets) exists only to end a hang, and is multiplied
 * by $TIMEOUTFACTOR, as glibc's test driver (support/test-driver.c)
 * multiplies its own.  No verdict depends on how fast the machine is:
 * on a very busy one, run with TIMEOUTFACTOR=4 (or more).
 *
 * The limits nest, so that a hang is reported by the test that saw it:
 * a test may run for 300 s (harness/main.c), a program it starts for
 * 120 s, a process that program forks for 60 s, each times the factor.
 * Each is many times what its run takes on a busy 2-core machine.
 *
 *	ptm_timeout_factor()	$TIMEOUTFACTOR, or 1
 *	ptm_time_limit()	a limit in whole seconds, scaled, for alarm()
 */
#ifndef PTM_TIME_LIMIT_H
#define PTM_TIME_LIMIT_H

#include <math.h>
#include <stdlib.h>

/*
 * The factor of every time limit: $TIMEOUTFACTOR when it is a positive
 * number, else 1 (unset, empty, zero, negative or not a number).
 */
static inline double ptm_timeout_factor(void)
{
	const char *s = getenv("TIMEOUTFACTOR");
	char *end;
	double f;

	if (s == NULL || *s == '\0')
		return 1;
	f = strtod(s, &end);
	return *end == '\0' && f > 0 && isfinite(f) ? f : 1;
}

/*
 * @seconds times the factor, rounded up, at least 1 and at most 10^9
 * (alarm() takes an unsigned int), in whole seconds for alarm().
 */
static inline unsigned int ptm_time_limit(unsigned int seconds)
{
	double s = seconds * ptm_timeout_factor();
	unsigned int whole;

	if (s >= 1e9)
		return 1000000000u;
	whole = (unsigned int)s;
	if (whole < s)
		whole++;
	return whole < 1 ? 1 : whole;
}

#endif /* PTM_TIME_LIMIT_H */
