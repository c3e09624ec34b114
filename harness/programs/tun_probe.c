// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tun_probe: what the environment tunables did, for harness/
 * test_tunables.c, which runs it with MALLOC_* or GLIBC_TUNABLES set.
 *
 *	tun_probe params	every tunable's value after initialisation
 *	tun_probe mallopt	the same after one mallopt() per parameter,
 *				which must override the environment
 *	tun_probe twin P V	params after mallopt(P, V) alone: what the
 *				environment setting's mallopt twin does
 *	tun_probe perturb	the bytes of a new block, a calloc'ed block
 *				and a freed block (M_PERTURB's effect)
 *	tun_probe arena		whether a second thread's chunk carries the
 *				NON_MAIN_ARENA bit (M_ARENA_MAX's effect)
 *	tun_probe fastbins	mallinfo after freeing one 24-byte block
 *				(M_MXFAST's effect)
 *	tun_probe usable	malloc_usable_size of malloc(7) and of NULL:
 *				7 and 0 once glibc.malloc.check installs the
 *				checking layer (glibc's
 *				tst-malloc-usable-tunables)
 *
 * Prints "KEY VALUE" lines (decimal) with write(2): stdio would use
 * glibc's malloc, which reads the same environment variables.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "chunk.h"
#include "ptmalloc.h"

/* Print one "KEY VALUE" line. */
static void put(const char *key, long long value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %lld\n", key, value);

	if (write(1, line, (size_t)n) != n)
		_exit(3);
}

/* Every tunable by its glibc name, plus the process's secure flag. */
static void params(void)
{
	static const char *const names[] = {
		"check",
		"top_pad",
		"perturb",
		"mmap_threshold",
		"trim_threshold",
		"mmap_max",
		"arena_max",
		"arena_test",
		"tcache_max",
		"tcache_count",
		"tcache_unsorted_limit",
		"mxfast",
		"tcache_bins",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		put(names[i], (long long)ptm_debug_tunable(names[i]));
	put("unknown", (long long)ptm_debug_tunable("hugetlb"));
	/* Whether the threshold was left dynamic: free a 1 MiB block. */
	ptm_free(ptm_malloc(1024 * 1024));
	put("mmap_threshold_after_free",
	    (long long)ptm_debug_param(M_MMAP_THRESHOLD));
	put("secure", (long long)getauxval(AT_SECURE));
	put("env_top_pad_seen", getenv("MALLOC_TOP_PAD_") != NULL);
}

/* One mallopt() per parameter, then params(). */
static void with_mallopt(void)
{
	put("r_top_pad", ptm_mallopt(M_TOP_PAD, 8192));
	put("r_trim", ptm_mallopt(M_TRIM_THRESHOLD, 16384));
	put("r_mmap_threshold", ptm_mallopt(M_MMAP_THRESHOLD, 65536));
	put("r_mmap_max", ptm_mallopt(M_MMAP_MAX, 9));
	put("r_perturb", ptm_mallopt(M_PERTURB, 0x11));
	put("r_arena_max", ptm_mallopt(M_ARENA_MAX, 5));
	put("r_arena_test", ptm_mallopt(M_ARENA_TEST, 6));
	put("r_mxfast", ptm_mallopt(M_MXFAST, 64));
	put("r_check", ptm_mallopt(M_CHECK_ACTION, 2));
	params();
}

/* One mallopt(@param, @value), then params(). */
static void twin(int param, int value)
{
	put("r_twin", ptm_mallopt(param, value));
	params();
}

/* A new, a calloc'ed and a freed block's bytes. */
static void perturb(void)
{
	unsigned char *p = ptm_malloc(3000);
	unsigned char *c = ptm_calloc(1, 3000);
	unsigned char *guard = ptm_malloc(24);

	put("new_byte", p[100]);
	put("new_last_byte", p[2999]);
	put("calloc_byte", c[100]);
	ptm_free(p);
	/* Past the free-list links (fd, bk, fd_nextsize, bk_nextsize). */
	put("freed_byte", p[100]);
	ptm_free(c);
	ptm_free(guard);
}

/* The chunk a second thread gets for malloc(100). */
static void *thread_alloc(void *arg)
{
	*(void **)arg = ptm_malloc(100);
	return NULL;
}

static void arena(void)
{
	void *p = NULL;
	pthread_t t;

	ptm_free(ptm_malloc(100));
	if (pthread_create(&t, NULL, thread_alloc, &p) != 0 ||
	    pthread_join(t, NULL) != 0 || p == NULL)
		_exit(4);
	put("thread_non_main_bit",
	    (long long)(chunk_size_nomask(mem2chunk(p)) & NON_MAIN_ARENA));
	put("arena_max", (long long)ptm_debug_param(M_ARENA_MAX));
}

/* One 24-byte block freed next to a live one: fast bin or not. */
static void fastbins(void)
{
	void *a = ptm_malloc(24);
	void *b = ptm_malloc(24);
	struct mallinfo2 m;

	ptm_free(a);
	m = ptm_mallinfo2();
	put("smblks", (long long)m.smblks);
	put("fsmblks", (long long)m.fsmblks);
	put("ordblks", (long long)m.ordblks);
	ptm_free(b);
}

/* What the checking layer changes in malloc_usable_size(). */
static void usable(void)
{
	void *p = ptm_malloc(7);

	put("usable_7", (long long)ptm_malloc_usable_size(p));
	put("usable_null", (long long)ptm_malloc_usable_size(NULL));
	put("check_action", (long long)ptm_debug_param(M_CHECK_ACTION));
	ptm_free(p);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "params") == 0)
		params();
	else if (strcmp(mode, "mallopt") == 0)
		with_mallopt();
	else if (strcmp(mode, "twin") == 0 && argc == 4)
		twin(atoi(argv[2]), atoi(argv[3]));
	else if (strcmp(mode, "perturb") == 0)
		perturb();
	else if (strcmp(mode, "arena") == 0)
		arena();
	else if (strcmp(mode, "fastbins") == 0)
		fastbins();
	else if (strcmp(mode, "usable") == 0)
		usable();
	else
		return 2;
	return 0;
}
