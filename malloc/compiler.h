/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiler attributes and tiny helpers shared by every file.
 *
 * Spelled as lowercase attribute macros so that clang-format (see the
 * AttributeMacros list in .clang-format) lays them out like keywords.
 */
#ifndef PTM_COMPILER_H
#define PTM_COMPILER_H

#define pt_hidden __attribute__((visibility("hidden")))
#define pt_export __attribute__((visibility("default")))
#define pt_noinline __attribute__((noinline))
#define pt_always_inline inline __attribute__((always_inline))
#define pt_cold __attribute__((cold))
#define pt_noreturn __attribute__((noreturn))
#define pt_printf_like(f, a) __attribute__((format(printf, f, a)))
#define pt_unused __attribute__((unused))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Debug level: 0 release, 1 cheap assertions, 2 whole-heap walkers. */
#ifndef PTM_DEBUG
#define PTM_DEBUG 0
#endif

#endif /* PTM_COMPILER_H */
