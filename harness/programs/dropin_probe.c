// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which malloc does a program get under LD_PRELOAD=build/libptmalloc.so,
 * and does it work before main() and inside glibc?  Run preloaded (see
 * dropin_util.h); harness/test_dropin.c asserts the keys.
 *
 *	dropin_probe probe
 *		aliases		standard names whose global definition is
 *				the ptm_ function of the same name (25)
 *		libc_aliases	glibc's __libc_NAME entry points whose
 *				global definition is ptm_NAME (9)
 *		in_heap		a malloc(100) lies in the library's heap
 *		mallinfo_equal	mallinfo2() == ptm_mallinfo2(), field by field
 *		uordblks	that mallinfo2's in-use bytes (> 0)
 *		glibc_arena	glibc's own mallinfo2().arena (0: never used)
 *		heap_errors	ptm_debug_check_heap() at the end
 *	dropin_probe early
 *		preinit_ok, ctor_ok	allocations made in a preinit_array
 *				function (before libc's own constructors)
 *				and in a constructor: returned, aligned,
 *				contents kept until main(), in the heap or
 *				mmapped as their size says
 *		early_freed	the early blocks freed in main()
 *		heap_errors, glibc_arena	as above
 *	dropin_probe pthread
 *		glibc_callers	allocation calls made while pthread_create()
 *				ran whose caller lies in libc.so.6 or the
 *				dynamic loader (seen through __malloc_hook
 *				and __memalign_hook)
 *		create_grew	ptm_mallinfo2().uordblks grew during it
 *		thread_non_main	the new thread's malloc(64) has the
 *				NON_MAIN_ARENA bit (its own arena)
 *		joined, heap_errors, glibc_arena
 */
#include <pthread.h>
#include <stdbool.h>

#include "dropin_names.h"
#include "dropin_util.h"

/* The standard names the drop-in exports, each an alias of ptm_NAME. */
static const char *const std_names[] = { DROPIN_STD_NAMES };

/* The NAMEs whose __libc_NAME the drop-in exports as ptm_NAME. */
static const char *const libc_names[] = {
	"malloc", "free",    "calloc",	 "realloc", "memalign",
	"valloc", "pvalloc", "mallinfo", "mallopt",
};

/* How many of the @n names @prefix NAME (NAME in @names) are ptm_NAME. */
static int count_aliases(const char *prefix, const char *const *names, size_t n)
{
	char std[64], ptm[64];
	int aliases = 0;

	for (size_t i = 0; i < n; i++) {
		void *s;

		snprintf(std, sizeof(std), "%s%s", prefix, names[i]);
		snprintf(ptm, sizeof(ptm), "ptm_%s", names[i]);
		s = dlsym(RTLD_DEFAULT, std);
		aliases += s != NULL && s == dlsym(RTLD_DEFAULT, ptm);
	}
	return aliases;
}

/* Print the two keys every mode ends with. */
static void put_final_checks(void)
{
	dropin_put("heap_errors", dropin_check_heap(RTLD_DEFAULT));
	dropin_put("glibc_arena", (long long)dropin_glibc_mallinfo2().arena);
}

static int mode_probe(void)
{
	dropin_mallinfo2_fn ptm_mi =
		(dropin_mallinfo2_fn)dropin_sym(RTLD_DEFAULT, "ptm_mallinfo2");
	volatile char *p = malloc(100);
	struct mallinfo2 a, b;

	dropin_put("aliases",
		   count_aliases("", std_names,
				 sizeof(std_names) / sizeof(*std_names)));
	dropin_put("libc_aliases",
		   count_aliases("__libc_", libc_names,
				 sizeof(libc_names) / sizeof(*libc_names)));
	p[99] = 1;
	dropin_put("in_heap", dropin_in_main_heap(RTLD_DEFAULT, (void *)p));
	a = mallinfo2();
	b = ptm_mi();
	dropin_put("mallinfo_equal", memcmp(&a, &b, sizeof(a)) == 0);
	dropin_put("uordblks", (long long)a.uordblks);
	free((void *)p);
	put_final_checks();
	return 0;
}

/* ---- allocations before main() -------------------------------------- */

/* One early allocation: its size, pointer and the byte written to it. */
struct early_block {
	size_t size;
	unsigned char *p;
};

static struct early_block preinit_blocks[4], ctor_blocks[4];

/* Sizes: a fast-bin chunk, a small one, a large one, an mmapped one. */
static const size_t early_sizes[4] = { 24, 600, 70000, 1 << 20 };

/*
 * Allocate and fill one block of each early size into @blocks (with a
 * realloc and a calloc among them), freeing a scratch block in between,
 * as a constructor of a real program would.
 */
static void early_alloc(struct early_block *blocks, unsigned char fill)
{
	for (int i = 0; i < 4; i++) {
		void *scratch = malloc(early_sizes[i] / 2 + 1);

		blocks[i].size = early_sizes[i];
		if (i == 1)
			blocks[i].p = calloc(1, early_sizes[i]);
		else
			blocks[i].p = realloc(NULL, early_sizes[i]);
		free(scratch);
		if (blocks[i].p != NULL)
			memset(blocks[i].p, fill + i, early_sizes[i]);
	}
}

/* Whether the program runs "early" (glibc passes main's arguments). */
static bool early_mode(int argc, char **argv)
{
	return argc == 2 && strcmp(argv[1], "early") == 0;
}

static void early_preinit(int argc, char **argv, char **envp)
{
	(void)envp;
	if (early_mode(argc, argv))
		early_alloc(preinit_blocks, 0x10);
}

/* Runs before the constructors of every loaded object, libc.so.6 too. */
__attribute__((section(".preinit_array"),
	       used)) static void (*const preinit_fn)(int, char **,
						      char **) = early_preinit;

__attribute__((constructor)) static void early_ctor(int argc, char **argv)
{
	if (early_mode(argc, argv))
		early_alloc(ctor_blocks, 0x20);
}

/* Whether every block of @blocks is intact and where its size says. */
static bool early_ok(const struct early_block *blocks, unsigned char fill)
{
	for (int i = 0; i < 4; i++) {
		const unsigned char *p = blocks[i].p;
		bool mmapped;

		if (p == NULL || (uintptr_t)p % 16 != 0)
			return false;
		for (size_t j = 0; j < blocks[i].size; j++)
			if (p[j] != (unsigned char)(fill + i))
				return false;
		mmapped = (dropin_size_word(p) & 2) != 0;
		if (mmapped != (blocks[i].size >= (1 << 20)))
			return false;
		if (!mmapped && !dropin_in_main_heap(RTLD_DEFAULT, p))
			return false;
	}
	return true;
}

static int mode_early(void)
{
	int freed = 0;

	dropin_put("preinit_ok", early_ok(preinit_blocks, 0x10));
	dropin_put("ctor_ok", early_ok(ctor_blocks, 0x20));
	for (int i = 0; i < 4; i++) {
		free(preinit_blocks[i].p);
		free(ctor_blocks[i].p);
		freed += 2;
	}
	dropin_put("early_freed", freed);
	put_final_checks();
	return 0;
}

/* ---- pthread_create ------------------------------------------------- */

/* The callers the hooks saw (no allocation inside a hook). */
static const void *hook_callers[64];
static int hook_ncallers;

static void *(*volatile *malloc_hook)(size_t, const void *);
static void *(*volatile *memalign_hook)(size_t, size_t, const void *);

static void record_caller(const void *caller)
{
	if (hook_ncallers < 64)
		hook_callers[hook_ncallers++] = caller;
}

static void *probe_malloc_hook(size_t size, const void *caller);
static void *probe_memalign_hook(size_t align, size_t size, const void *caller);

/* Record the caller, then allocate as the library does. */
static void *probe_malloc_hook(size_t size, const void *caller)
{
	void *p;

	record_caller(caller);
	*malloc_hook = NULL;
	p = malloc(size);
	*malloc_hook = probe_malloc_hook;
	return p;
}

static void *probe_memalign_hook(size_t align, size_t size, const void *caller)
{
	void *p;

	record_caller(caller);
	*memalign_hook = NULL;
	p = memalign(align, size);
	*memalign_hook = probe_memalign_hook;
	return p;
}

/* Whether @addr lies in libc.so.6 or in the dynamic loader. */
static bool in_glibc(const void *addr)
{
	Dl_info info;

	if (dladdr(addr, &info) == 0 || info.dli_fname == NULL)
		return false;
	return strstr(info.dli_fname, "libc.so.6") != NULL ||
	       strstr(info.dli_fname, "ld-linux") != NULL;
}

static pthread_barrier_t start_barrier;

static void *thread_main(void *arg)
{
	size_t *word = arg;
	void *p;

	pthread_barrier_wait(&start_barrier);
	p = malloc(64);
	*word = p != NULL ? dropin_size_word(p) : 0;
	free(p);
	return NULL;
}

static int mode_pthread(void)
{
	dropin_mallinfo2_fn ptm_mi =
		(dropin_mallinfo2_fn)dropin_sym(RTLD_DEFAULT, "ptm_mallinfo2");
	size_t before, after, word = 0;
	int glibc_callers = 0;
	pthread_t t;

	malloc_hook = dropin_hook("__malloc_hook");
	memalign_hook = dropin_hook("__memalign_hook");
	pthread_barrier_init(&start_barrier, NULL, 2);
	before = ptm_mi().uordblks;
	*malloc_hook = probe_malloc_hook;
	*memalign_hook = probe_memalign_hook;
	if (pthread_create(&t, NULL, thread_main, &word) != 0)
		dropin_fatal("pthread_create");
	*malloc_hook = NULL;
	*memalign_hook = NULL;
	after = ptm_mi().uordblks;
	for (int i = 0; i < hook_ncallers; i++)
		glibc_callers += in_glibc(hook_callers[i]);
	pthread_barrier_wait(&start_barrier);
	dropin_put("joined", pthread_join(t, NULL) == 0);
	dropin_put("glibc_callers", glibc_callers);
	dropin_put("create_grew", after > before);
	dropin_put("thread_non_main", (word & 4) != 0);
	put_final_checks();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "probe") == 0)
		return mode_probe();
	if (argc == 2 && strcmp(argv[1], "early") == 0)
		return mode_early();
	if (argc == 2 && strcmp(argv[1], "pthread") == 0)
		return mode_pthread();
	fputs("usage: dropin_probe probe|early|pthread\n", stderr);
	return 2;
}
