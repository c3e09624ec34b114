// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dlopen and the drop-in, both ways round; harness/test_dropin.c asserts
 * the keys.
 *
 *	dropin_dlopen zlib	(run with LD_PRELOAD=build/libptmalloc.so)
 *		dlopen()s libz.so.1, a library this program is not linked
 *		with, and compresses and uncompresses 1 MiB with it; zlib
 *		allocates its state with malloc and calloc.
 *		dlopen_callers	allocation calls made by dlopen() itself
 *				whose caller is the dynamic loader (> 0)
 *		zlib_callers	allocation calls whose caller lies in
 *				libz.so.1 (> 0): the library's malloc is
 *				the interposed one
 *		roundtrip	the data came back unchanged
 *		heap_errors, glibc_arena	see dropin_probe.c
 *	dropin_dlopen so PATH	(run without LD_PRELOAD)
 *		dlopen()s the drop-in PATH into a process that runs on
 *		glibc's malloc, with RTLD_LOCAL: the process keeps glibc's
 *		malloc, and the library's ptm_ functions work beside it, on
 *		the same program break, from several threads and in a
 *		forked child.
 *		loaded		dlopen succeeded
 *		malloc_is_glibc	the global malloc is not the library's
 *		tls_bytes	the size of the library's TLS block
 *				(PT_TLS p_memsz, from dl_iterate_phdr)
 *		interleaved_ok	1000 rounds of ptm_malloc and glibc malloc
 *				taking turns on the break, all blocks
 *				intact, the library's heap consistent
 *				(ptm_debug_check_heap) after both trims
 *		threads_ok	4 threads allocating with ptm_malloc and
 *				freeing each other's blocks with ptm_free
 *		fork_ok		a forked child allocates with ptm_malloc
 *		heap_errors	ptm_debug_check_heap() at the end
 *		dlclose_survived  dlclose() while a thread that allocated
 *				with the library runs, then that thread's
 *				exit and a fork, all survive, and the
 *				library is still loaded (it is linked
 *				-z nodelete: libc keeps pointers to its
 *				thread-exit and fork handlers, and its
 *				blocks may still be in use)
 */
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dropin_util.h"
#include "time_limit.h"

typedef int (*compress2_fn)(unsigned char *, unsigned long *,
			    const unsigned char *, unsigned long, int);
typedef int (*uncompress_fn)(unsigned char *, unsigned long *,
			     const unsigned char *, unsigned long);

/* ---- zlib, under LD_PRELOAD ------------------------------------------ */

static const void *callers[256];
static int ncallers;
static void *(*volatile *malloc_hook)(size_t, const void *);

static void *record_hook(size_t size, const void *caller)
{
	void *p;

	if (ncallers < 256)
		callers[ncallers++] = caller;
	*malloc_hook = NULL;
	p = malloc(size);
	*malloc_hook = record_hook;
	return p;
}

/* How many recorded callers lie in an object whose name has @part. */
static int callers_in(const char *part)
{
	int n = 0;

	for (int i = 0; i < ncallers; i++) {
		Dl_info info;

		if (dladdr(callers[i], &info) != 0 && info.dli_fname != NULL &&
		    strstr(info.dli_fname, part) != NULL)
			n++;
	}
	return n;
}

static int mode_zlib(void)
{
	const unsigned long n = 1 << 20;
	unsigned char *src = malloc(n), *back = malloc(n), *packed;
	unsigned long plen = n + n / 100 + 64, blen = n;
	compress2_fn compress2;
	uncompress_fn uncompress;
	void *z;

	malloc_hook = dropin_hook("__malloc_hook");
	packed = malloc(plen);
	for (unsigned long i = 0; i < n; i++)
		src[i] = (unsigned char)(i * 7 / 13);
	*malloc_hook = record_hook;
	z = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	*malloc_hook = NULL;
	if (z == NULL)
		dropin_fatal("dlopen libz.so.1: %s", dlerror());
	dropin_put("dlopen_callers", callers_in("ld-linux"));
	compress2 = (compress2_fn)dropin_sym(z, "compress2");
	uncompress = (uncompress_fn)dropin_sym(z, "uncompress");
	ncallers = 0;
	*malloc_hook = record_hook;
	if (compress2(packed, &plen, src, n, 6) != 0 ||
	    uncompress(back, &blen, packed, plen) != 0)
		dropin_fatal("zlib failed");
	*malloc_hook = NULL;
	dropin_put("zlib_callers", callers_in("libz.so"));
	dropin_put("roundtrip", blen == n && memcmp(src, back, n) == 0);
	dlclose(z);
	free(src);
	free(back);
	free(packed);
	dropin_put("heap_errors", dropin_check_heap(RTLD_DEFAULT));
	dropin_put("glibc_arena", (long long)dropin_glibc_mallinfo2().arena);
	return 0;
}

/* ---- the drop-in loaded with dlopen ----------------------------------- */

/* The library's functions, from its handle. */
static struct {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	int (*trim)(size_t);
	void *handle;
} ptm;

/* What tls_of() looks for and finds. */
struct tls_query {
	const char *name;
	long long memsz;
};

/* dl_iterate_phdr callback: the PT_TLS size of the object query->name. */
static int tls_of(struct dl_phdr_info *info, size_t size, void *data)
{
	struct tls_query *q = data;

	(void)size;
	if (strcmp(info->dlpi_name, q->name) != 0)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_TLS)
			q->memsz = (long long)info->dlpi_phdr[i].p_memsz;
	return 1;
}

/* Whether @n bytes at @p all hold @c. */
static bool holds(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* ptm_ and glibc blocks taking turns on the break; true if all is well. */
static bool interleave(void)
{
	static unsigned char *mine[1000], *theirs[1000];
	bool ok = true;

	for (int i = 0; i < 1000; i++) {
		size_t sz = 1000 + (size_t)(i % 50) * 997;

		mine[i] = ptm.malloc(sz);
		theirs[i] = malloc(sz);
		if (mine[i] == NULL || theirs[i] == NULL)
			return false;
		memset(mine[i], 0xa5, 1000);
		memset(theirs[i], 0x5a, 1000);
		if (i % 3 == 0)
			mine[i] = ptm.realloc(mine[i], sz * 3);
	}
	for (int i = 0; i < 1000; i++) {
		ok &= holds(mine[i], 1000, 0xa5) &&
		      holds(theirs[i], 1000, 0x5a);
		ptm.free(mine[i]);
		free(theirs[i]);
	}
	/*
	 * Both trims walk their own bins and look at the shared break.
	 * (glibc counts a foreign sbrk between two of its growths as its
	 * own system memory, so its mallinfo2 says nothing useful here.)
	 */
	malloc_trim(0);
	ptm.trim(0);
	ok &= dropin_check_heap(ptm.handle) == 0;
	return ok;
}

static unsigned char *thread_blocks[4][200];

/* Allocate 200 blocks (in this thread's arena) and exit. */
static void *so_thread(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < 200; i++) {
		thread_blocks[me][i] = ptm.malloc(16 + (size_t)i * 40);
		memset(thread_blocks[me][i], me + 1, 16);
	}
	return NULL;
}

/* Free the 200 blocks of the next thread; the number found damaged. */
static void *so_free_thread(void *arg)
{
	int other = ((int)(intptr_t)arg + 1) % 4;
	long bad = 0;

	for (int i = 0; i < 200; i++) {
		bad += !holds(thread_blocks[other][i], 16,
			      (unsigned char)(other + 1));
		ptm.free(thread_blocks[other][i]);
	}
	return (void *)bad;
}

/* Four threads allocate; each block is then freed by another thread. */
static bool run_threads(void)
{
	pthread_t t[4];
	long bad = 0;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, so_thread, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, so_free_thread,
			       (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	return bad == 0 && dropin_check_heap(ptm.handle) == 0;
}

static bool run_fork(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		void *p = ptm.malloc(5000), *q = ptm.malloc(300000);

		alarm(ptm_time_limit(60));
		ptm.free(p);
		ptm.free(q);
		_exit(dropin_check_heap(ptm.handle) == 0 ? 0 : 4);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static pthread_barrier_t close_barrier;

/* Allocate with the library, then outlive its dlclose(). */
static void *outliving_thread(void *arg)
{
	void *p = ptm.malloc(100);

	(void)arg;
	pthread_barrier_wait(&close_barrier);
	pthread_barrier_wait(&close_barrier);
	return p;
}

/*
 * dlclose() the library while a thread that allocated with it is alive,
 * then let that thread exit and fork: the thread-exit and fork handlers
 * the library registered with libc must still have their code.
 */
static bool run_dlclose(const char *path)
{
	pthread_t t;
	void *again;

	pthread_barrier_init(&close_barrier, NULL, 2);
	pthread_create(&t, NULL, outliving_thread, NULL);
	pthread_barrier_wait(&close_barrier);
	if (dlclose(ptm.handle) != 0)
		return false;
	pthread_barrier_wait(&close_barrier);
	pthread_join(t, NULL);
	if (!run_fork())
		return false;
	again = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	return again == ptm.handle;
}

static int mode_so(const char *path)
{
	struct tls_query tls = { .name = path, .memsz = -1 };

	ptm.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	dropin_put("loaded", ptm.handle != NULL);
	if (ptm.handle == NULL)
		dropin_fatal("dlopen %s: %s", path, dlerror());
	ptm.malloc = dropin_sym(ptm.handle, "ptm_malloc");
	ptm.free = dropin_sym(ptm.handle, "ptm_free");
	ptm.realloc = dropin_sym(ptm.handle, "ptm_realloc");
	ptm.trim = dropin_sym(ptm.handle, "ptm_malloc_trim");
	dropin_put("malloc_is_glibc",
		   dlsym(RTLD_DEFAULT, "malloc") != (void *)ptm.malloc &&
			   dlsym(RTLD_DEFAULT, "ptm_malloc") == NULL);
	dl_iterate_phdr(tls_of, &tls);
	dropin_put("tls_bytes", tls.memsz);
	dropin_put("interleaved_ok", interleave());
	dropin_put("threads_ok", run_threads());
	dropin_put("fork_ok", run_fork());
	dropin_put("heap_errors", dropin_check_heap(ptm.handle));
	fflush(stdout);
	dropin_put("dlclose_survived", run_dlclose(path));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "zlib") == 0)
		return mode_zlib();
	if (argc == 3 && strcmp(argv[1], "so") == 0)
		return mode_so(argv[2]);
	fputs("usage: dropin_dlopen zlib | so PATH\n", stderr);
	return 2;
}
