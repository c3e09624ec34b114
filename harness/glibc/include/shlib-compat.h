/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * shlib-compat.h: this project's stand-in for glibc's header of the same
 * name, for the malloc tests that reach the compat-only symbols of old
 * binaries (tst-mallocstate, tst-compathooks-off, tst-compathooks-on).
 *
 * compat_symbol_reference(lib, local, symbol, version) makes the name
 * local refer to symbol at the given version of library lib, the way a
 * program linked against an old glibc refers to it, with a .symver
 * directive.  The version names are glibc's ABI tags (GLIBC_2_0); the
 * first version of each architecture is its oldest symbol version, so
 * GLIBC_2_0 means GLIBC_2.2.5 on x86_64 and GLIBC_2.0 on i386.
 * SHLIB_COMPAT says whether such a compat symbol exists: it does in every
 * glibc the drop-in stands in for.
 */
#ifndef PTM_GLIBC_SHLIB_COMPAT_H
#define PTM_GLIBC_SHLIB_COMPAT_H

#if defined(__x86_64__)
#define PTM_VERSION_libc_GLIBC_2_0 "GLIBC_2.2.5"
#elif defined(__i386__)
#define PTM_VERSION_libc_GLIBC_2_0 "GLIBC_2.0"
#else
#error "shlib-compat.h: the first glibc symbol version of this architecture"
#endif

#define SHLIB_COMPAT(lib, introduced, obsoleted) 1

#define compat_symbol_reference(lib, local, symbol, version) \
	__asm__(".symver " #local "," #symbol "@" PTM_VERSION_##lib##_##version)

#endif
