// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The environment tunables: glibc's MALLOC_* variables and the
 * glibc.malloc.* entries of GLIBC_TUNABLES, read once by ptmalloc_init().
 *
 * glibc 2.36 reads them in the dynamic loader (elf/dl-tunables.c) and
 * applies them in ptmalloc_init(); this file does both at once, with the
 * same rules:
 *   - one table row per tunable: its name after "glibc.malloc.", its
 *     alias variable (if any), its range and its setter;
 *   - values are read as glibc's _dl_strtoul() reads them: leading blanks,
 *     an optional sign, then decimal, 0x hex or leading-0 octal digits
 *     up to the first other character; anything else reads as 0, an
 *     overflow as the largest value, and "-N" as its two's complement;
 *   - a value outside the row's range is ignored;
 *   - GLIBC_TUNABLES beats the alias variable: the environment is walked
 *     in order, an alias only counts while its tunable is still unset,
 *     and a GLIBC_TUNABLES entry always overrides;
 *   - a process started with AT_SECURE (setuid, setgid, file
 *     capabilities) ignores every malloc tunable, as glibc does for all
 *     of them but those marked secure (none of malloc's);
 *   - the values go through the setters mallopt() uses (mallopt.c), so
 *     they switch the dynamic mmap threshold off in the same way, and
 *     any later mallopt() call overrides them.
 *
 * MALLOC_CHECK_ (the alias of glibc.malloc.check) is read by the checking
 * layer itself (malloc_check_from_env(), just before this file's turn);
 * only the GLIBC_TUNABLES spelling is handled here, so it wins.
 *
 * Nothing here allocates: the environment is read in place through
 * the vector os_secure_environ() gives, which is what getenv() does.
 *
 * Nor does start-up read .rodata: the names it compares every
 * environment entry with are kept in the table itself (.data.rel.ro,
 * which relocation writes anyway) and in .data.  Nothing else that a
 * normal run does reads the library's .rodata, and the first read of it
 * would make the whole read-only segment resident, unwind tables
 * included (the kernel maps up to 64 KiB of a file mapping around a
 * fault): about 20 KiB more in every process.
 */
#include <stdint.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"
#include "tcache.h"

/* Not const, which would put them in .rodata (see the top of the file). */
static char tunables_var[] = "GLIBC_TUNABLES";
static char tunable_prefix[] = "glibc.malloc.";

/**
 * struct tunable - one malloc tunable.
 * @name: its name after "glibc.malloc.".
 * @alias: the environment variable that also sets it, or "".
 *	Both are arrays rather than pointers to literals, so that they
 *	stay out of .rodata (see the top of the file).
 * @min: smallest value accepted.
 * @max: largest value accepted.  glibc compares int32 tunables signed and
 *	size_t ones unsigned; since every minimum here is at least 0 and
 *	every int32 maximum fits in 31 bits, one unsigned comparison gives
 *	the same verdict for both (a negative value reads as a huge one).
 * @set: the setter; may still refuse the value (returns 0).
 * @get: the current value, for ptm_debug_tunable().
 */
struct tunable {
	char name[24];
	char alias[24];
	uint64_t min;
	uint64_t max;
	int (*set)(size_t value);
	size_t (*get)(void);
};

/*
 * glibc.malloc.check: the check action, and unless it is 0 the checking
 * layer (malloc_check.c), as MALLOC_CHECK_ does.
 */
static int set_check(size_t value)
{
	mp_.check_action = (int)value;
	if (value != 0)
		malloc_check_init();
	return 1;
}

/* glibc.malloc.tcache_max: requests up to @value bytes (at most 1032). */
static int set_tcache_max(size_t value)
{
	if (value > MAX_TCACHE_SIZE)
		return 0;
	mp_.tcache_max_bytes = value;
	mp_.tcache_bins = tcache_csize2idx(request2size(value)) + 1;
	mp_.tcache_max_request = tcache_idx2usize(mp_.tcache_bins - 1);
	return 1;
}

/* glibc.malloc.tcache_count: chunks per size class (at most 65535). */
static int set_tcache_count(size_t value)
{
	if (value > MAX_TCACHE_COUNT)
		return 0;
	mp_.tcache_count = value;
	mp_.tcache_enabled = value > 0;
	return 1;
}

/* glibc.malloc.tcache_unsorted_limit: any value. */
static int set_tcache_unsorted_limit(size_t value)
{
	mp_.tcache_unsorted_limit = value;
	return 1;
}

/*
 * glibc.malloc.safe_linking (a ptmalloc extension, which glibc ignores):
 * 1 stores the fast-bin and cache links safe-linked, 0 plain; unset,
 * they are safe-linked exactly when the per-thread cache is on.  Only
 * the environment sets it: the links already stored cannot change.
 */
static int set_safe_linking(size_t value)
{
	mp_.safe_linking = (int)value;
	return 1;
}

/* The getters of ptm_debug_tunable(). */
static size_t get_check(void)
{
	return (size_t)mp_.check_action;
}

static size_t get_top_pad(void)
{
	return mp_.top_pad;
}

static size_t get_perturb(void)
{
	return (size_t)mp_.perturb_byte;
}

static size_t get_mmap_threshold(void)
{
	return mp_.mmap_threshold;
}

static size_t get_trim_threshold(void)
{
	return mp_.trim_threshold;
}

static size_t get_mmap_max(void)
{
	return (size_t)mp_.n_mmaps_max;
}

static size_t get_arena_max(void)
{
	return mp_.arena_max;
}

static size_t get_arena_test(void)
{
	return mp_.arena_test;
}

static size_t get_tcache_max(void)
{
	return mp_.tcache_max_bytes;
}

static size_t get_tcache_count(void)
{
	return mp_.tcache_count;
}

static size_t get_tcache_unsorted_limit(void)
{
	return mp_.tcache_unsorted_limit;
}

/* Whether links are safe-linked (whatever chose it). */
static size_t get_safe_linking(void)
{
	return mp_.safe_link_mask != 0;
}

/* The fast-bin chunk limit the request size was turned into. */
static size_t get_mxfast(void)
{
	return get_max_fast();
}

#define INT32_RANGE 0, INT32_MAX
#define SIZE_RANGE 0, SIZE_MAX

/*
 * The malloc tunables of glibc 2.36's dl-tunables.list (hugetlb and
 * mem_tag aside), in the order its ptmalloc_init() applies them, then
 * this project's own.
 */
static const struct tunable tunables[] = {
	{ "check", "", 0, 3, set_check, get_check },
	{ "top_pad", "MALLOC_TOP_PAD_", SIZE_RANGE, do_set_top_pad,
	  get_top_pad },
	{ "perturb", "MALLOC_PERTURB_", 0, 0xff, do_set_perturb_byte,
	  get_perturb },
	{ "mmap_threshold", "MALLOC_MMAP_THRESHOLD_", SIZE_RANGE,
	  do_set_mmap_threshold, get_mmap_threshold },
	{ "trim_threshold", "MALLOC_TRIM_THRESHOLD_", SIZE_RANGE,
	  do_set_trim_threshold, get_trim_threshold },
	{ "mmap_max", "MALLOC_MMAP_MAX_", INT32_RANGE, do_set_mmaps_max,
	  get_mmap_max },
	{ "arena_max", "MALLOC_ARENA_MAX", 1, SIZE_MAX, do_set_arena_max,
	  get_arena_max },
	{ "arena_test", "MALLOC_ARENA_TEST", 1, SIZE_MAX, do_set_arena_test,
	  get_arena_test },
	{ "tcache_max", "", SIZE_RANGE, set_tcache_max, get_tcache_max },
	{ "tcache_count", "", SIZE_RANGE, set_tcache_count, get_tcache_count },
	{ "tcache_unsorted_limit", "", SIZE_RANGE, set_tcache_unsorted_limit,
	  get_tcache_unsorted_limit },
	{ "mxfast", "", SIZE_RANGE, do_set_mxfast, get_mxfast },
	{ "safe_linking", "", 0, 1, set_safe_linking, get_safe_linking },
};

#define NTUNABLES (sizeof(tunables) / sizeof(tunables[0]))

/**
 * struct tunable_values - what the environment asked for.
 * @value: the value of each row of tunables[].
 * @found: whether the row was set by a valid value.
 */
struct tunable_values {
	uint64_t value[NTUNABLES];
	bool found[NTUNABLES];
};

/*
 * The value of the digits at @s, read as glibc 2.36's _dl_strtoul()
 * does (see the top of this file).
 */
static uint64_t tunable_strtoul(const char *s)
{
	uint64_t result = 0;
	unsigned int base = 10, max_digit = 9;
	bool negative = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if (*s < '0' || *s > '9')
		return 0;
	if (*s == '0') {
		if (s[1] == 'x' || s[1] == 'X') {
			base = 16;
			s += 2;
		} else {
			base = 8;
			max_digit = 7;
		}
	}
	for (;; s++) {
		unsigned int digit;

		if (*s >= '0' && *s <= (char)('0' + max_digit))
			digit = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (result >= (UINT64_MAX - digit) / base)
			return UINT64_MAX;
		result = result * base + digit;
	}
	return negative ? -result : result;
}

/*
 * Whether the text at @s is @name followed by '=' (glibc's
 * tunable_is_name()); @s may go on after the '='.
 */
static bool is_name(const char *name, const char *s)
{
	while (*name != '\0' && *name == *s) {
		name++;
		s++;
	}
	return *name == '\0' && *s == '=';
}

/* Record the value at @text for row @i if it is in range. */
static void tunable_take(struct tunable_values *tv, size_t i, const char *text)
{
	uint64_t v = tunable_strtoul(text);

	if (v < tunables[i].min || v > tunables[i].max)
		return;
	tv->value[i] = v;
	tv->found[i] = true;
}

/*
 * The row named by the GLIBC_TUNABLES entry at @name ("glibc.malloc.X="
 * and the rest of the string), or NTUNABLES.
 */
static size_t tunable_by_full_name(const char *name)
{
	const char *prefix = tunable_prefix;

	while (*prefix != '\0' && *prefix == *name) {
		prefix++;
		name++;
	}
	if (*prefix != '\0')
		return NTUNABLES;
	for (size_t i = 0; i < NTUNABLES; i++)
		if (is_name(tunables[i].name, name))
			return i;
	return NTUNABLES;
}

/*
 * Walk the "NAME=VALUE:NAME=VALUE" list @s of GLIBC_TUNABLES as glibc's
 * parse_tunables() does: a piece without '=' before the next ':' is
 * skipped, a last piece without '=' ends the walk, and a value runs to
 * the next ':' (the digit reader stops there by itself).  The walk ends
 * with the last value, as in glibc 2.36 with the CVE-2023-4911 fix
 * (the host's Debian 2.36): before it, a last value holding '=' was
 * read again as a NAME=VALUE piece.
 */
static void parse_tunables(struct tunable_values *tv, const char *s)
{
	for (;;) {
		const char *p = s;
		size_t i;

		while (*p != '=' && *p != ':' && *p != '\0')
			p++;
		if (*p == '\0')
			return;
		if (*p == ':') {
			s = p + 1;
			continue;
		}
		i = tunable_by_full_name(s);
		if (i < NTUNABLES)
			tunable_take(tv, i, p + 1);
		for (p++; *p != ':' && *p != '\0'; p++)
			;
		if (*p == '\0')
			return;
		s = p + 1;
	}
}

/*
 * One environment entry @env: GLIBC_TUNABLES is parsed; an alias sets
 * its tunable only if nothing has set it yet.
 */
static void read_env_entry(struct tunable_values *tv, const char *env)
{
	if (is_name(tunables_var, env)) {
		parse_tunables(tv, env + sizeof(tunables_var));
		return;
	}
	for (size_t i = 0; i < NTUNABLES; i++) {
		const char *alias = tunables[i].alias;

		if (tv->found[i] || alias[0] == '\0' || !is_name(alias, env))
			continue;
		tunable_take(tv, i, env + strlen(alias) + 1);
		return;
	}
}

/*
 * Read the tunables from the environment and apply them, in the table's
 * order, through their setters.  Called once, from ptmalloc_init(),
 * after the main arena's defaults are in place.
 */
void tunables_init(void)
{
	struct tunable_values tv = { { 0 }, { false } };

	char **env = os_secure_environ();

	if (env == NULL)
		return;
	for (char **e = env; *e != NULL; e++)
		read_env_entry(&tv, *e);
	for (size_t i = 0; i < NTUNABLES; i++)
		if (tv.found[i])
			tunables[i].set((size_t)tv.value[i]);
}

/*
 * The current value of the malloc tunable @name ("top_pad",
 * "tcache_count", ...: the name after "glibc.malloc."), whatever set it,
 * or "tcache_bins", the size classes tcache_max leaves in use;
 * (size_t)-1 for an unknown name.
 */
size_t ptm_debug_tunable(const char *name)
{
	if (!malloc_initialized())
		ptmalloc_init();
	for (size_t i = 0; i < NTUNABLES; i++) {
		const char *a = tunables[i].name, *b = name;

		while (*a != '\0' && *a == *b) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return tunables[i].get();
	}
	if (strcmp(name, "tcache_bins") == 0)
		return mp_.tcache_bins;
	return (size_t)-1;
}
