/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The oldest symbol version of glibc on aarch64: the version its compat
 * symbols (the hook variables, malloc_get_state, ...) carry.  The
 * drop-in gives it to its hook variables (GNUmakefile, DROPIN_OBJ) so
 * that old binaries bind to them; test programs reach glibc's own compat
 * symbols with it (as a string).  The GNUmakefile reads the first
 * definition's line as it stands.
 */
#ifndef PTM_GLIBC_VERSION_H
#define PTM_GLIBC_VERSION_H

/* A version name is not C: clang-format would split it at the '.'. */
/* clang-format off */
#define PTM_GLIBC_BASE_VERSION GLIBC_2.17
#define PTM_GLIBC_BASE_VERSION_STR "GLIBC_2.17"
/* clang-format on */

#endif /* PTM_GLIBC_VERSION_H */
