// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-thread cache (malloc/tcache.h), which is off unless
 * GLIBC_TUNABLES sets glibc.malloc.tcache_count.
 *
 * The main proof is differential: with the cache on, the same seeded
 * call sequences as harness/test_differential.c must give byte-identical
 * records on this allocator and on the host's glibc in its default
 * configuration (tcache on, count 7), tcache header included.  The
 * other tests pin what the cache changes: placement and mallinfo,
 * glibc's double-free message, and the flush at thread exit.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define TCACHE_ON "GLIBC_TUNABLES=glibc.malloc.tcache_count=7"

/* Seeds and calls per seed of the differential run. */
#define DIFF_SEEDS 16
#define DIFF_CALLS "20000"

/* Run @cmd through the shell; its exit status. */
static int run(const char *cmd)
{
	int status = system(cmd);

	cr_assert(ne(int, status, -1));
	return status;
}

Test(tcache, differential_against_glibc_default)
{
	for (int seed = 1; seed <= DIFF_SEEDS; seed++) {
		char cmd[1024];

		snprintf(cmd, sizeof(cmd),
			 "d=%s/diffrun; t=$(mktemp -d) && "
			 "env -u GLIBC_TUNABLES -u MALLOC_CHECK_ $d glibc seed "
			 "%d %s > $t/g && "
			 "env %s $d ptm-raw seed %d %s > $t/p && "
			 "cmp -s $t/g $t/p; r=$?; rm -rf $t; exit $r",
			 PTM_PROGRAMS_DIR, seed, DIFF_CALLS, TCACHE_ON, seed,
			 DIFF_CALLS);
		cr_assert(eq(int, run(cmd), 0),
			  "seed %d differs from glibc's default configuration "
			  "(replay: diffrun ptm-raw seed %d %s with %s)",
			  seed, seed, DIFF_CALLS, TCACHE_ON);
	}
}

/* Run tcache_probe @mode with @env and read its "KEY VALUE" lines. */
static long probe(const char *env, const char *mode, const char *key)
{
	char cmd[512];
	char k[64];
	long v;
	long found = -1;
	FILE *out;

	snprintf(cmd, sizeof(cmd), "env %s %s/tcache_probe %s", env,
		 PTM_PROGRAMS_DIR, mode);
	out = popen(cmd, "r");
	cr_assert(ne(ptr, out, NULL));
	while (fscanf(out, "%63s %ld", k, &v) == 2)
		if (strcmp(k, key) == 0)
			found = v;
	cr_assert(eq(int, pclose(out), 0));
	return found;
}

Test(tcache, freed_blocks_stay_in_use_for_the_arena)
{
	/* Off: two 32-byte chunks in a fast bin, 32 bytes in use. */
	cr_expect(eq(long, probe("", "figures", "smblks"), 2));
	cr_expect(eq(long, probe("", "figures", "uordblks"), 32));
	/* On: cached chunks count as in use, with the 656-byte header. */
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "smblks"), 0));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "uordblks"),
		     3 * 32 + 656));
	/* Both give the last freed block back first. */
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "first_is_b"), 1));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "second_is_a"), 1));
	cr_expect(eq(long, probe(TCACHE_ON, "figures", "check"), 0));
}

Test(tcache, thread_exit_flushes_the_cache)
{
	/*
	 * The thread is the first to allocate, so it uses the main arena;
	 * after it exits, its seven cached chunks and the cache header are
	 * free again: nothing is in use.
	 */
	cr_expect(eq(long, probe(TCACHE_ON, "thread-exit", "arena1_uordblks"),
		     0));
	cr_expect(eq(long, probe(TCACHE_ON, "thread-exit", "check"), 0));
}

/*
 * Run tcache_probe double-free with @env: the first line of its stderr
 * into @line; true when the program did not get past the second free.
 */
static bool double_free(const char *env, char *line, size_t cap)
{
	char cmd[512];
	char rest[256];
	bool survived = false;
	FILE *out;

	snprintf(cmd, sizeof(cmd), "env %s %s/tcache_probe double-free 2>&1",
		 env, PTM_PROGRAMS_DIR);
	out = popen(cmd, "r");
	cr_assert(ne(ptr, out, NULL));
	if (fgets(line, (int)cap, out) == NULL)
		line[0] = '\0';
	while (fgets(rest, sizeof(rest), out) != NULL)
		if (strncmp(rest, "survived", 8) == 0)
			survived = true;
	pclose(out);
	return !survived;
}

Test(tcache, double_free_is_caught_with_glibcs_message)
{
	char line[512];

	cr_expect(double_free(TCACHE_ON, line, sizeof(line)));
	cr_expect(ne(ptr,
		     strstr(line, "': free(): double free detected in "
				  "tcache 2: 0x"),
		     NULL),
		  "got: %s", line);
	cr_expect(double_free("", line, sizeof(line)));
	cr_expect(ne(ptr,
		     strstr(line, "': double free or corruption "
				  "(fasttop): 0x"),
		     NULL),
		  "got: %s", line);
}
