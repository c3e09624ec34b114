// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reporting heap corruption, as glibc 2.17's malloc_printerr() did.
 *
 * The action (M_CHECK_ACTION, default 3) is a set of bits: 1 prints a
 * report, 2 aborts, 4 (with 1) shortens the report to the bare message.
 * The long report is
 *     *** Error in `PROG': MESSAGE: 0x<16 hex digits> ***
 * The report is written with one write to standard error and nothing is
 * allocated on the way, since the heap is not to be trusted.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "os.h"

extern char *program_invocation_name;

/* Append @s to the buffer @buf of @cap bytes at *@len. */
static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (n > cap - *len)
		n = cap - *len;
	memcpy(buf + *len, s, n);
	*len += n;
}

/* Append @v as 16 lower-case hex digits. */
static void append_hex(char *buf, size_t cap, size_t *len, uintptr_t v)
{
	char digits[2 * sizeof(uintptr_t) + 1];

	for (int i = 2 * sizeof(uintptr_t) - 1; i >= 0; i--) {
		digits[i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	}
	digits[2 * sizeof(uintptr_t)] = '\0';
	append(buf, cap, len, digits);
}

/*
 * Report the corruption @str, found at @ptr, as @action says; return
 * only when the action does not abort.
 */
void malloc_printerr(int action, const char *str, void *ptr)
{
	int saved_errno = errno;
	char buf[512];
	size_t len = 0;

	if ((action & 5) == 5) {
		append(buf, sizeof(buf), &len, str);
		append(buf, sizeof(buf), &len, "\n");
		os_write_stderr(buf, len);
	} else if (action & 1) {
		append(buf, sizeof(buf), &len, "*** Error in `");
		append(buf, sizeof(buf), &len,
		       program_invocation_name ? program_invocation_name :
						 "<unknown>");
		append(buf, sizeof(buf), &len, "': ");
		append(buf, sizeof(buf), &len, str);
		append(buf, sizeof(buf), &len, ": 0x");
		append_hex(buf, sizeof(buf), &len, (uintptr_t)ptr);
		append(buf, sizeof(buf), &len, " ***\n");
		os_write_stderr(buf, len);
	}
	if (action & 2)
		os_abort();
	errno = saved_errno;
}
