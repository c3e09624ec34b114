// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Debug builds (PTM_DEBUG >= 2): the whole-heap check after public
 * operations (debug_check_after_op() in internal.h), spaced so that a
 * large heap does not cost a full walk per call.  The walk itself is
 * consistency.c's; this file only decides when to run it and aborts on
 * the first inconsistency.
 */
#include <stddef.h>

#include "internal.h"
#include "os.h"

/*
 * The spacing of the checks after operations (debug_check_heap_after_op):
 * after every operation while the heap holds at most
 * DEBUG_CHECK_SMALL_HEAP chunks, and beyond, one more operation between
 * two checks for every DEBUG_CHECK_CHUNKS_PER_OP chunks over it, so that
 * a large heap costs that many chunk reads per operation.  On a large
 * heap they are mostly cache misses: harness/programs/lim_as, 300000
 * aligned blocks in 9 threads, takes about 3 s (0.6 s in a release
 * build; 40 s at 256 reads per operation, past its test's timeout).
 */
#define DEBUG_CHECK_SMALL_HEAP 1024
#define DEBUG_CHECK_CHUNKS_PER_OP 16

/*
 * Operations to let pass unchecked before the next check, and the
 * spacing the last check chose (both for all threads: a thread-local
 * counter would grow the thread-local block the drop-in keeps small).
 */
static size_t debug_check_skip;
static size_t debug_check_spacing;

/*
 * LCOV_EXCL_START: the two functions below run only when PTM_DEBUG >= 2
 * (debug_check_after_op() in internal.h); `make coverage` builds at the
 * default level, and `make check-debug` is the suite that runs them.
 */

/*
 * Whether the operation just ended is one to check after: the skip
 * count is down to 0.  The thread that finds it so sets it to the last
 * spacing at once, so that the other threads' operations do not all
 * start checks while its own runs; a fork child inherits a count that
 * still runs down.
 */
static bool debug_check_due(void)
{
	size_t skip = __atomic_load_n(&debug_check_skip, __ATOMIC_RELAXED);

	do {
		if (skip == 0) {
			__atomic_store_n(&debug_check_skip,
					 __atomic_load_n(&debug_check_spacing,
							 __ATOMIC_RELAXED),
					 __ATOMIC_RELAXED);
			return true;
		}
	} while (!__atomic_compare_exchange_n(&debug_check_skip, &skip,
					      skip - 1, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return false;
}

/*
 * With PTM_DEBUG >= 2, check the whole heap after public operations
 * and abort at the first inconsistency, close to the operation that
 * caused it.  Every operation on a small heap (every heap a death test
 * corrupts), whatever its size in bytes; then spaced by the number of
 * chunks the last check read, in every arena, so that a program that
 * builds a heap of n chunks costs O(n) chunk reads rather than O(n) per
 * call.  An arena another thread has locked is not waited for: the
 * check never adds a lock wait to an operation that takes none (a
 * fast-bin free), and the next operation checks again.  Called through
 * debug_check_after_op() (internal.h), which compiles to nothing below
 * level 2.
 */
void debug_check_heap_after_op(void)
{
	static const char msg[] =
		"ptm: heap check failed after an operation (PTM_DEBUG >= 2)\n";
	size_t chunks, spacing = 0;
	bool busy = false;

	if (!debug_check_due())
		return;
	if (check_heap_counted(&chunks, &busy) != 0) {
		os_write_stderr(msg, sizeof(msg) - 1);
		os_abort();
	}
	if (busy) {
		/* An arena was passed over: the next operation checks again. */
		__atomic_store_n(&debug_check_skip, 0, __ATOMIC_RELAXED);
		return;
	}
	if (chunks > DEBUG_CHECK_SMALL_HEAP)
		spacing = (chunks - DEBUG_CHECK_SMALL_HEAP) /
			  DEBUG_CHECK_CHUNKS_PER_OP;
	__atomic_store_n(&debug_check_spacing, spacing, __ATOMIC_RELAXED);
	__atomic_store_n(&debug_check_skip, spacing, __ATOMIC_RELAXED);
}

/* LCOV_EXCL_STOP */
