// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_valgrind: E-6.3, valgrind (001 section 6.3), for `make
 * experiments`.
 *
 *	exp_valgrind e6_3
 *
 * Runs vg_e6_3 (int *p = ptm_malloc(10 * sizeof(int)); p[10] = 1; exit
 * without free) under valgrind --tool=memcheck --leak-check=full and
 * reads the report (vg_run.h).  The measuring happens in that child; this
 * process never allocates through the allocator, so it reports itself as
 * on a simulated break.
 *
 * Keys: invalid_writes (reports "Invalid write of size N"), write_size
 * (N), bytes_after and block_size (from "Address A is B bytes after a
 * block of size S alloc'd"), address_ok (1: A is the block's address
 * plus 40), alloc_ptm_malloc and alloc_main (1: the "alloc'd" stack is
 * ptm_malloc called from main), lost_bytes and lost_blocks ("definitely
 * lost: B bytes in N blocks"), errors and contexts (ERROR SUMMARY), plus
 * those of exp_util.h.
 */
#include "exp_util.h"
#include "vg_run.h"

static struct vg_report rep;

/* The "Address ... after a block ..." line and the stack under it. */
static void measure_address(int at)
{
	unsigned long addr = 0;
	int after = -1, size = -1;

	if (at < 0 || at + 3 >= rep.nlines ||
	    sscanf(rep.lines[at + 2],
		   " Address %lx is %d bytes after a block of size %d alloc'd",
		   &addr, &after, &size) != 3) {
		exp_put("bytes_after", -1);
		return;
	}
	exp_put("bytes_after", after);
	exp_put("block_size", size);
	exp_put("address_ok", addr == vg_block_address(&rep) + 40);
	exp_put("alloc_ptm_malloc",
		strcmp(rep.lines[at + 3],
		       "   at ADDR: ptm_malloc (malloc.c:LINE)") == 0);
	exp_put("alloc_main", strcmp(rep.lines[at + 4],
				     "   by ADDR: main (vg_e6_3.c:LINE)") == 0);
}

int main(int argc, char **argv)
{
	char *vargv[] = { PTM_PROGRAMS_DIR "/vg_e6_3", NULL };
	int writes = 0, first = -1, size = -1, at;
	long lost = -1, blocks = -1, errors = -1, contexts = -1;

	if (argc < 2 || strcmp(argv[1], "e6_3") != 0)
		exp_usage("exp_valgrind", "e6_3");
	exp_setup(argc, argv, true);
	if (!vg_run(vargv, NULL, NULL, &rep))
		exp_die("exp_valgrind: valgrind did not run\n");
	for (int i = 0; i < rep.nlines; i++) {
		if (sscanf(rep.lines[i], "Invalid write of size %d", &size) ==
		    1) {
			writes++;
			if (first < 0)
				first = i;
		}
		sscanf(rep.lines[i],
		       "   definitely lost: %ld bytes in %ld blocks", &lost,
		       &blocks);
		sscanf(rep.lines[i],
		       "ERROR SUMMARY: %ld errors from %ld contexts", &errors,
		       &contexts);
	}
	at = first;
	exp_put("invalid_writes", writes);
	exp_put("write_size", size);
	measure_address(at);
	exp_put("lost_bytes", lost);
	exp_put("lost_blocks", blocks);
	exp_put("errors", errors);
	exp_put("contexts", contexts);
	return exp_finish();
}
