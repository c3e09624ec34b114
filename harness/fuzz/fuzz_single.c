// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The single-threaded libFuzzer harnesses: one input is one call
 * sequence (fuzz_ops.h) run to its end, after which every block is
 * checked and freed and the heap checked.  Compiled once per variant
 * (GNUmakefile, make fuzz):
 *   FUZZ_TCACHE    1: the per-thread cache on; 0: glibc 2.17's paths.
 *   FUZZ_SIM_BRK   1: a simulated break; 0: the process's real break,
 *                  which the foreign-sbrk record moves between calls.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_ops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_table table;

/* libFuzzer's start-up hook: before the allocator's first call. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup(&table, FUZZ_TCACHE, FUZZ_SIM_BRK);
	return 0;
}

/* One input: its call sequence, then the end-of-input checks. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one_input(&table, data, size);
}
