/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The oldest symbol version of glibc on i386: the version its compat
 * symbols (the hook variables, malloc_get_state, ...) carry, which the
 * drop-in's version script (malloc/dropin/versions.map.S) gives the
 * hook variables so that old binaries bind to them.
 */
#ifndef PTM_GLIBC_VERSION_H
#define PTM_GLIBC_VERSION_H

#define PTM_GLIBC_BASE_VERSION GLIBC_2 .0

#endif /* PTM_GLIBC_VERSION_H */
