/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The standard names build/libptmalloc.so exports as aliases of the ptm_
 * function of the same name (GNUmakefile's DROPIN_NAMES): the C and glibc
 * malloc API, <mcheck.h>'s functions and the compat-only
 * malloc_get_state and malloc_set_state.  One list for the probe that
 * resolves them (dropin_probe.c) and the test that reads the library's
 * symbol table (test_dropin.c).
 */
#ifndef PTM_DROPIN_NAMES_H
#define PTM_DROPIN_NAMES_H

/* The names, as initialisers of an array of strings. */
#define DROPIN_STD_NAMES                                                     \
	"malloc", "free", "calloc", "realloc", "reallocarray", "memalign",   \
		"aligned_alloc", "posix_memalign", "valloc", "pvalloc",      \
		"malloc_usable_size", "malloc_trim", "mallopt", "mallinfo",  \
		"mallinfo2", "malloc_stats", "malloc_info", "mtrace",        \
		"muntrace", "mcheck", "mcheck_pedantic", "mcheck_check_all", \
		"mprobe", "malloc_get_state", "malloc_set_state"

#endif /* PTM_DROPIN_NAMES_H */
