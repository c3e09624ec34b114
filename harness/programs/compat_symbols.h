/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How a program reaches glibc's compat-only symbols (the hook variables,
 * malloc_get_state, ...) the way glibc's own tests and programs linked
 * against an old glibc do: a reference to NAME@BASE, the oldest symbol
 * version of the architecture (sysdeps/ARCH/glibc-version.h), which no
 * new link can bind to by the plain name.  For the compat_*.c programs
 * that test_compat.c runs on glibc and on the drop-in.
 */
#ifndef PTM_COMPAT_SYMBOLS_H
#define PTM_COMPAT_SYMBOLS_H

#include "glibc-version.h"

/* Bind the declaration (or definition) of @name to @name@BASE. */
#define COMPAT_SYMBOL(name) \
	__asm__(".symver " #name "," #name "@" PTM_GLIBC_BASE_VERSION_STR)

#endif /* PTM_COMPAT_SYMBOLS_H */
