// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Symbolisation for a system without dladdr() (sysdeps/os.h): no
 * address is ever known, so mtrace writes callers as bare addresses.
 * A system with dladdr() supplies its own symbol.c
 * (sysdeps/linux/symbol.c).
 */
#include "os.h"

/* Nothing is known of any address. */
int os_symbolize(const void *addr, struct os_symbol *sym)
{
	(void)addr;
	(void)sym;
	return -1;
}
