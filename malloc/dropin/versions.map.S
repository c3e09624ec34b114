/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The version script of the drop-in, run through the C preprocessor.
 *
 * glibc 2.34 turned its hook variables into compat symbols of its
 * oldest version (glibc-version.h): a program built against an older
 * glibc, or with glibc's compat_symbol_reference, refers to
 * __malloc_hook@GLIBC_2.2.5, and a program that defines
 * __malloc_initialize_hook defines that version.  Here the variables
 * carry the same version, so that both the program's references and
 * the allocator's own (which go through the dynamic linker, as the
 * program's copy of a variable must win) find one variable.  Every other
 * name stays unversioned, which a versioned reference also accepts.
 */
#include "glibc-version.h"

PTM_GLIBC_BASE_VERSION {
	global:
		__malloc_hook;
		__free_hook;
		__realloc_hook;
		__memalign_hook;
		__malloc_initialize_hook;
		__after_morecore_hook;
};
