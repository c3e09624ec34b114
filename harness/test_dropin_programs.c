// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Real programs on the drop-in: python3, gcc, git, sqlite3,
 * perl and make each run a workload (dropin_workloads.h) once on glibc's
 * malloc and once with LD_PRELOAD=build/libptmalloc.so, in the same
 * empty directory; standard output, standard error and the exit status
 * must be the same.  A separate test asks the dynamic loader
 * (LD_TRACE_LOADED_OBJECTS) whether each binary involved, the compiler's
 * cc1, as and ld included, really loads the drop-in.
 */
#include <ftw.h>
#include <sys/stat.h>

#include "dropin_run.h"
#include "dropin_workloads.h"

/* nftw callback: remove one file or (empty, post-order) directory. */
static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Empty directory @dir (keeping it). */
static void empty_dir(const char *dir)
{
	cr_assert(
		eq(int, nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0));
	cr_assert(eq(int, mkdir(dir, 0700), 0));
}

/* Run @script under /bin/sh -e in @dir, preloaded or not. */
static void run_script(const char *script, const char *dir, bool preload,
		       struct dr_result *r)
{
	char *argv[] = { "/bin/sh", "-e", "-c", (char *)script, NULL };

	dr_run(argv, NULL, dir, preload, r);
}

/*
 * The workload @script on glibc, then on the drop-in in the same (again
 * empty) directory: the same output, errors and status, and success.
 */
static void same_as_glibc(const char *name, const char *script)
{
	char dir[] = "/tmp/ptm-realprog-XXXXXX";
	struct dr_result glibc, ours;

	cr_assert(ne(ptr, mkdtemp(dir), NULL));
	run_script(script, dir, false, &glibc);
	dr_assert_ok(&glibc, name);
	cr_assert(gt(sz, strlen(glibc.out), 0), "%s printed nothing", name);
	empty_dir(dir);
	run_script(script, dir, true, &ours);
	cr_expect(eq(int, ours.status, glibc.status),
		  "%s: status %#x on the drop-in, %#x on glibc; stderr:\n%s",
		  name, (unsigned)ours.status, (unsigned)glibc.status,
		  ours.err);
	cr_expect(eq(str, ours.out, glibc.out), "%s: standard output", name);
	cr_expect(eq(str, ours.err, glibc.err), "%s: standard error", name);
	empty_dir(dir);
	rmdir(dir);
	dr_free(&glibc);
	dr_free(&ours);
}

Test(real_programs, python3_json_regex)
{
	same_as_glibc("python3 json/regex", wl_python_json);
}

Test(real_programs, python3_thread_pool)
{
	same_as_glibc("python3 thread pool", wl_python_threads);
}

Test(real_programs, gcc_compile_and_link)
{
	same_as_glibc("gcc", wl_gcc);
}

Test(real_programs, git_repository)
{
	same_as_glibc("git", wl_git);
}

Test(real_programs, sqlite3_script)
{
	same_as_glibc("sqlite3", wl_sqlite3);
}

Test(real_programs, perl_script)
{
	same_as_glibc("perl", wl_perl);
}

Test(real_programs, make_parallel_build)
{
	same_as_glibc("make", wl_make);
}

/* The first line of @r's output, without its newline (static storage). */
static const char *first_line(const struct dr_result *r)
{
	static char buf[PATH_MAX];
	size_t n = strcspn(r->out, "\n");

	cr_assert(lt(sz, n, sizeof(buf)));
	memcpy(buf, r->out, n);
	buf[n] = '\0';
	return buf;
}

/* The path gcc runs for its program @prog (cc1, as, ld). */
static const char *gcc_prog(const char *prog)
{
	char opt[64];
	char *argv[] = { "/usr/bin/gcc", opt, NULL };
	struct dr_result r;
	const char *path;

	snprintf(opt, sizeof(opt), "-print-prog-name=%s", prog);
	dr_run(argv, NULL, NULL, false, &r);
	dr_assert_ok(&r, "gcc -print-prog-name");
	path = first_line(&r);
	dr_free(&r);
	return path;
}

/* Assert that the loader, asked for @path's objects, lists the drop-in. */
static void loads_dropin(const char *path)
{
	char *extra[] = { "LD_TRACE_LOADED_OBJECTS=1", NULL };
	char *argv[] = { (char *)path, NULL };
	struct dr_result r;

	dr_run(argv, extra, NULL, true, &r);
	dr_assert_ok(&r, path);
	cr_expect(ne(ptr, strstr(r.out, dr_so_path()), NULL),
		  "%s does not load the drop-in:\n%s", path, r.out);
	dr_free(&r);
}

Test(real_programs, every_binary_loads_the_dropin)
{
	static const char *const bins[] = {
		"/bin/sh",	    "/usr/bin/python3",
		"/usr/bin/gcc",	    "/usr/bin/git",
		"/usr/bin/sqlite3", "/usr/bin/perl",
		"/usr/bin/make",    "/usr/bin/sed",
		"/usr/bin/sort",    "/usr/bin/sha256sum",
	};
	static const char *const gcc_progs[] = { "cc1", "as", "ld" };

	for (size_t i = 0; i < sizeof(bins) / sizeof(*bins); i++)
		loads_dropin(bins[i]);
	for (size_t i = 0; i < sizeof(gcc_progs) / sizeof(*gcc_progs); i++) {
		const char *p = gcc_prog(gcc_progs[i]);
		char path[PATH_MAX];

		/* A bare name ("as", "ld") is found in PATH, /usr/bin. */
		snprintf(path, sizeof(path), "%s%s",
			 strchr(p, '/') ? "" : "/usr/bin/", p);
		loads_dropin(path);
	}
}
