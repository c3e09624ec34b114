// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lets the Criterion suite start under ThreadSanitizer (make check-tsan);
 * compiles to nothing in every other build.
 *
 * Criterion's sandbox library, BoxFort, puts the memory it shares with
 * its test processes at a random 16 MiB-aligned address between
 * 0x200000000000 and 0x600000000000, drawn with rand_r(), skipping
 * addresses that mincore() finds mapped and giving up after ten.
 * ThreadSanitizer's shadow and its protected gaps fill that range except
 * 0x550000000000-0x568000000000, where it expects position-independent
 * executables, so the runner usually fails with "Could not initialize
 * inheritable arena" (BoxFort 0.1 with Criterion 2.4.1, as on
 * Debian bookworm).
 *
 * Under ThreadSanitizer the test binary therefore defines rand_r(),
 * which takes precedence over the C library's for BoxFort, and hands out
 * the 16 MiB slots of that free window in turn (BoxFort masks the value
 * with 0x3fffff and adds it, times 16 MiB, to 0x200000000000).  Nothing
 * else in the suite calls rand_r().
 */
#if defined(__SANITIZE_THREAD__)

/* The slot of 0x550000000000, and the number of slots up to 0x568000000000. */
#define FREE_WINDOW_FIRST 0x350000u
#define FREE_WINDOW_SLOTS 0x18000u

int rand_r(unsigned int *seed);

/* BoxFort's only source of addresses: the next slot of the free window. */
int rand_r(unsigned int *seed)
{
	static unsigned int next;

	(void)seed;
	return (int)(FREE_WINDOW_FIRST +
		     __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) %
			     FREE_WINDOW_SLOTS);
}

#endif /* __SANITIZE_THREAD__ */
