/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rows of the figure table (exp_figures.h) that make check-ports
 * checks on every port (experiments --port, under the port's qemu-user):
 * those whose figure does not depend on the word size and that qemu-user
 * can measure.  Left out, by run:
 *   - the strace runs: strace would trace qemu, not the program;
 *   - E-6.x, exp_mtrace, exp_check_action, exp_valgrind: they need the
 *     host's mtrace script, a child started by execve and valgrind;
 *   - exp_lazy's RLIMIT_AS and 1.2 GiB runs, and the statm rows: qemu's
 *     own mappings count in the address space and in /proc/self/statm;
 *   - E-5.2, E-5.3 and exp_trim: heaps of 33 MiB to 512 MB, past the
 *     32 MiB break of qemu-aarch64 (docs/porting.md, section 7);
 * and, by row, exp_word_size_rows[]: the figures that hold a chunk
 * size, a header word, a mapping length or a break delta made of them,
 * or a geometry constant (bins, max_fast), and so differ on i386 (SIZE_SZ
 * 4).  The other 157 rows must be the documents' figures on each port.
 */
#ifndef PTM_EXP_PORT_H
#define PTM_EXP_PORT_H

#include <stdbool.h>
#include <string.h>

#include "exp_figures.h"

/* A row of the figure table: its run and its KEY. */
struct exp_row_name {
	const char *run;
	const char *key;
};

/* The rows whose figure depends on the word size (see above). */
static const struct exp_row_name exp_word_size_rows[] = {
	{ "exp_layout chunks", "chunk_0" },
	{ "exp_layout chunks", "chunk_1" },
	{ "exp_layout chunks", "chunk_25" },
	{ "exp_layout chunks", "chunk_41" },
	{ "exp_layout chunks", "usable_24" },
	{ "exp_layout chunks", "usable_25" },
	{ "exp_layout chunks", "reuse_next_prev_size_written" },
	{ "exp_layout dump", "top_size_word" },
	{ "exp_layout bins", "bin_x86_64_32" },
	{ "exp_layout bins", "bin_x86_64_1008" },
	{ "exp_layout bins", "bin_x86_64_1024" },
	{ "exp_layout bins", "bin_x86_64_3120" },
	{ "exp_layout bins", "bin_x86_64_1099511627776" },
	{ "exp_layout bins", "nfastbins" },
	{ "exp_layout bins", "min_large_size" },
	{ "exp_layout containers", "top_merge_gain" },
	{ "exp_layout containers", "mxfast_after_161" },
	{ "exp_layout containers", "mxfast_160_ret" },
	{ "exp_layout containers", "mxfast_after_160" },
	{ "exp_layout arena", "mallinfo_arena" },
	{ "exp_growth first8192", "growth" },
	{ "exp_growth first6144", "growth" },
	{ "exp_growth top2k", "top_before" },
	{ "exp_growth top16k32", "top_before" },
	{ "exp_growth top16k", "top_before" },
	{ "exp_growth mmap1m", "chunk_size" },
	{ "exp_mallinfo free", "threshold_after_1m" },
	{ "exp_mallinfo free", "trim_after_1m" },
	{ "exp_mallinfo free", "threshold_after_40m" },
	{ "exp_mallinfo free", "half_mib_is_mmapped" },
	{ "exp_mallinfo free", "threshold_after_nodyn" },
	{ "exp_mmap_max test1", "chunk_size" },
	{ "exp_mmap_max test2", "brk_after_malloc" },
	{ "exp_mmap_threshold test1", "p1_chunk_size" },
	{ "exp_mmap_threshold test1", "mmap_threshold1" },
	{ "exp_mmap_threshold test1", "trim_threshold1" },
	{ "exp_mmap_threshold test1", "p2_is_mmapped" },
	{ "exp_mmap_threshold test1", "brk_after_malloc2" },
	{ "exp_mmap_threshold test1", "brk_after_free2" },
	{ "exp_mallinfo mxfast_test1", "a_arena" },
	{ "exp_mallinfo mxfast_test1", "a_uordblks" },
	{ "exp_mallinfo mxfast_test1", "a_fordblks" },
	{ "exp_mallinfo mxfast_test1", "a_keepcost" },
	{ "exp_mallinfo mxfast_test1", "f_uordblks" },
	{ "exp_mallinfo mxfast_test1", "f_fordblks" },
	{ "exp_mallinfo mxfast_test1", "f_keepcost" },
	{ "exp_mallinfo mxfast_test2", "a_arena" },
	{ "exp_mallinfo mxfast_test2", "a_uordblks" },
	{ "exp_mallinfo mxfast_test2", "a_fordblks" },
	{ "exp_mallinfo mxfast_test2", "a_keepcost" },
	{ "exp_mallinfo mxfast_test2", "f_uordblks" },
	{ "exp_mallinfo mxfast_test2", "f_fordblks" },
	{ "exp_mallinfo mxfast_test2", "f_keepcost" },
	{ "exp_mallinfo mxfast_test1", "f_arena" },
	{ "exp_top_pad test1", "brk1" },
	{ "exp_top_pad test1", "brk2" },
	{ "exp_top_pad test1", "keepcost_after_free" },
	{ "exp_top_pad test2", "brk1" },
	{ "exp_top_pad test2", "brk2" },
	{ "exp_top_pad test2", "brk3" },
	{ "exp_top_pad test2", "brk4" },
	{ "exp_top_pad test2", "brk5" },
	{ "exp_top_pad test2", "keepcost_after_free" },
	{ "exp_top_pad trim800", "brk1" },
	{ "exp_mallinfo ptrs", "ten_uordblks" },
};

/* Runs left out on a port, by prefix of their command (see above). */
static const char *const exp_port_skipped_runs[] = {
	"strace ",	 "exp_mtrace ",	     "exp_check_action ",
	"exp_valgrind ", "exp_lazy aslimit", "exp_lazy nolimit",
	"exp_leak1 ",	 "exp_leak2 ",	     "exp_trim ",
};

/* Whether make check-ports checks row @f on a port. */
static inline bool exp_port_row(const struct exp_figure *f)
{
	size_t n = sizeof(exp_port_skipped_runs) /
		   sizeof(exp_port_skipped_runs[0]);

	for (size_t i = 0; i < n; i++)
		if (strncmp(f->run, exp_port_skipped_runs[i],
			    strlen(exp_port_skipped_runs[i])) == 0)
			return false;
	if (strstr(f->measure, "statm") != NULL)
		return false;
	n = sizeof(exp_word_size_rows) / sizeof(exp_word_size_rows[0]);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f->run, exp_word_size_rows[i].run) == 0 &&
		    strcmp(f->key, exp_word_size_rows[i].key) == 0)
			return false;
	return true;
}

#endif /* PTM_EXP_PORT_H */
