/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libc-symbols.h: this project's stand-in for the header of the same name
 * in glibc's build system, for glibc's malloc tests and libsupport built
 * outside glibc (make check-glibc, docs/glibc-tests.md).
 *
 * Inside glibc the header is included first into every file and defines
 * the symbol-visibility macros of libc's own build.  Outside it only one
 * of them is met: libc_hidden_proto, which glibc's include/*.h headers put
 * after the declaration of a libc function that libc calls without its
 * PLT.  A test calls such a function through the PLT like any program, so
 * the macro declares nothing here.
 */
#ifndef PTM_GLIBC_LIBC_SYMBOLS_H
#define PTM_GLIBC_LIBC_SYMBOLS_H

#define libc_hidden_proto(name, ...)

#endif
