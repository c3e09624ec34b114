// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The drop-in library build/libptmalloc.so: that a program run
 * with LD_PRELOAD gets this allocator and no other, and that it is
 * correct where a system malloc must be: before main(), in threads,
 * across fork(), inside glibc (dlopen, pthread_create), and when the
 * library is itself loaded with dlopen() into a process that keeps
 * glibc's malloc.
 *
 * The programs that do the work are harness/programs/dropin_*.c (their
 * file comments define every key asserted here); this file also reads
 * the library's ELF headers for its exports, TLS and flags.  The real
 * programs (python3, gcc, git, ...) are in test_dropin_programs.c, the
 * document's seed programs under strace in test_seeds.c.
 */
#include <elf.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "dropin_run.h"
#include "programs/dropin_names.h"
#include "glibc-version.h"
#include "ptmalloc.h"

/* Run harness program @name with @mode (and @arg), preloaded or not. */
static void run_prog(const char *name, const char *mode, const char *arg,
		     char *const extra[], bool preload, struct dr_result *r)
{
	char *argv[] = { (char *)dr_program(name), (char *)mode, (char *)arg,
			 NULL };

	dr_run(argv, extra, NULL, preload, r);
	dr_assert_ok(r, name);
}

/* Every program ends with these: a sound heap, glibc's never used. */
static void assert_clean_end(const struct dr_result *r)
{
	cr_expect(eq(i64, dr_key(r, "heap_errors"), 0));
	cr_expect(eq(i64, dr_key(r, "glibc_arena"), 0),
		  "glibc's own malloc got memory: the drop-in was bypassed");
}

Test(dropin, probe_sees_this_allocator)
{
	struct dr_result r;

	run_prog("dropin_probe", "probe", NULL, NULL, true, &r);
	/* All 25 standard names resolve to the ptm_ function... */
	cr_expect(eq(i64, dr_key(&r, "aliases"), 25));
	/* ...and so do glibc's 9 public __libc_ entry points. */
	cr_expect(eq(i64, dr_key(&r, "libc_aliases"), 9));
	cr_expect(eq(i64, dr_key(&r, "in_heap"), 1));
	cr_expect(eq(i64, dr_key(&r, "mallinfo_equal"), 1));
	cr_expect(gt(i64, dr_key(&r, "uordblks"), 0));
	assert_clean_end(&r);
	dr_free(&r);
}

Test(dropin, probe_without_preload_fails)
{
	char *argv[] = { (char *)dr_program("dropin_probe"), "probe", NULL };
	struct dr_result r;

	/* The control: without LD_PRELOAD the ptm_ names are not there. */
	dr_run(argv, NULL, NULL, false, &r);
	cr_expect(eq(int, WIFEXITED(r.status), 1));
	cr_expect(eq(int, WEXITSTATUS(r.status), 2));
	cr_expect(ne(ptr, strstr(r.err, "fatal no symbol ptm_"), NULL), "%s",
		  r.err);
	dr_free(&r);
}

Test(dropin, allocations_before_main)
{
	struct dr_result r;

	run_prog("dropin_probe", "early", NULL, NULL, true, &r);
	cr_expect(eq(i64, dr_key(&r, "preinit_ok"), 1));
	cr_expect(eq(i64, dr_key(&r, "ctor_ok"), 1));
	cr_expect(eq(i64, dr_key(&r, "early_freed"), 8));
	assert_clean_end(&r);
	dr_free(&r);
}

Test(dropin, pthread_create_allocates_through_it)
{
	struct dr_result r;

	run_prog("dropin_probe", "pthread", NULL, NULL, true, &r);
	cr_expect(eq(i64, dr_key(&r, "joined"), 1));
	/* glibc 2.36 callocs the new thread's DTV in the dynamic loader. */
	cr_expect(ge(i64, dr_key(&r, "glibc_callers"), 1));
	cr_expect(eq(i64, dr_key(&r, "create_grew"), 1));
	cr_expect(eq(i64, dr_key(&r, "thread_non_main"), 1));
	assert_clean_end(&r);
	dr_free(&r);
}

Test(dropin, threads_and_cross_thread_frees)
{
	struct dr_result r;

	run_prog("dropin_threads", "threads", NULL, NULL, true, &r);
	cr_expect(eq(i64, dr_key(&r, "rounds"), 32000));
	cr_expect(eq(i64, dr_key(&r, "bad_pattern"), 0));
	cr_expect(eq(i64, dr_key(&r, "cross_frees"), 1));
	/* The main arena and at least one thread arena. */
	cr_expect(ge(i64, dr_key(&r, "arenas"), 2));
	assert_clean_end(&r);
	dr_free(&r);
}

Test(dropin, fork_while_threads_allocate)
{
	struct dr_result r;

	run_prog("dropin_threads", "fork", NULL, NULL, true, &r);
	cr_expect(eq(i64, dr_key(&r, "children_ok"), 20));
	assert_clean_end(&r);
	dr_free(&r);
}

Test(dropin, dlopened_library_allocates_through_it)
{
	struct dr_result r;

	run_prog("dropin_dlopen", "zlib", NULL, NULL, true, &r);
	cr_expect(ge(i64, dr_key(&r, "dlopen_callers"), 1));
	cr_expect(ge(i64, dr_key(&r, "zlib_callers"), 1));
	cr_expect(eq(i64, dr_key(&r, "roundtrip"), 1));
	assert_clean_end(&r);
	dr_free(&r);
}

/*
 * The library dlopen()ed, not preloaded, with glibc's reserve of static
 * TLS for dlopen()ed objects (rtld.optional_static_tls, 512 bytes by
 * default) set to 0: the library's initial-exec TLS block must still fit
 * in what glibc's loader keeps spare for libc itself.
 */
Test(dropin, loaded_with_dlopen)
{
	char *extra[] = { "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=0",
			  NULL };
	struct dr_result r;

	run_prog("dropin_dlopen", "so", dr_so_path(), extra, false, &r);
	cr_expect(eq(i64, dr_key(&r, "loaded"), 1));
	cr_expect(eq(i64, dr_key(&r, "malloc_is_glibc"), 1));
	cr_expect(gt(i64, dr_key(&r, "tls_bytes"), 0));
	cr_expect(eq(i64, dr_key(&r, "interleaved_ok"), 1));
	cr_expect(eq(i64, dr_key(&r, "threads_ok"), 1));
	cr_expect(eq(i64, dr_key(&r, "fork_ok"), 1));
	cr_expect(eq(i64, dr_key(&r, "heap_errors"), 0));
	cr_expect(eq(i64, dr_key(&r, "dlclose_survived"), 1));
	dr_free(&r);
}

/*
 * Regression (found by a C++ program with aligned operator new in
 * threads, on the drop-in): an aligned block carved from a thread arena,
 * with its tail given back, must keep the NON_MAIN_ARENA bit, or free()
 * looks for it in the main arena and aborts.  Run in this process on
 * the ptm_ functions; dropin_threads covers it under LD_PRELOAD.
 */
static void *aligned_in_thread(void *arg)
{
	size_t *word = arg;
	void *p = ptm_memalign(256, 1000);

	cr_assert(ne(ptr, p, NULL));
	cr_expect(eq(u64, (uintptr_t)p % 256, 0));
	word[0] = ((size_t *)p)[-1];
	ptm_free(p);
	p = ptm_aligned_alloc(4096, 4096);
	cr_assert(ne(ptr, p, NULL));
	word[1] = ((size_t *)p)[-1];
	ptm_free(p);
	return NULL;
}

Test(dropin, memalign_in_thread_arena)
{
	size_t word[2] = { 0, 0 };
	void *first = ptm_malloc(10);
	pthread_t t;

	/* The main thread has the main arena: the new thread gets its own. */
	cr_assert(
		eq(int, pthread_create(&t, NULL, aligned_in_thread, word), 0));
	cr_assert(eq(int, pthread_join(t, NULL), 0));
	cr_expect(eq(u64, word[0] & 4, 4), "NON_MAIN_ARENA on the chunk");
	cr_expect(eq(u64, word[1] & 4, 4));
	cr_expect(eq(int, ptm_debug_check_heap(), 0));
	ptm_free(first);
}

/* ---- the library's ELF headers --------------------------------------- */

/* The library file, mapped read-only. */
struct elf_image {
	const unsigned char *base;
	size_t size;
	const Elf64_Ehdr *eh;
};

static void elf_open(struct elf_image *im)
{
	int fd = open(dr_so_path(), O_RDONLY);
	struct stat st;

	cr_assert(ge(int, fd, 0));
	cr_assert(eq(int, fstat(fd, &st), 0));
	im->size = (size_t)st.st_size;
	im->base = mmap(NULL, im->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	cr_assert(ne(ptr, (void *)im->base, MAP_FAILED));
	im->eh = (const Elf64_Ehdr *)im->base;
	cr_assert(eq(int, memcmp(im->eh->e_ident, ELFMAG, SELFMAG), 0));
	cr_assert(eq(int, im->eh->e_ident[EI_CLASS], ELFCLASS64));
}

/* Program header @type of @im, or NULL. */
static const Elf64_Phdr *elf_phdr(const struct elf_image *im, unsigned type)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(im->base + im->eh->e_phoff);

	for (int i = 0; i < im->eh->e_phnum; i++)
		if (ph[i].p_type == type)
			return &ph[i];
	return NULL;
}

/* The value of dynamic tag @tag, or 0. */
static Elf64_Xword elf_dyn(const struct elf_image *im, Elf64_Sxword tag)
{
	const Elf64_Phdr *ph = elf_phdr(im, PT_DYNAMIC);
	const Elf64_Dyn *d;

	cr_assert(ne(ptr, (void *)ph, NULL));
	d = (const Elf64_Dyn *)(im->base + ph->p_offset);
	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d->d_un.d_val;
	return 0;
}

/* Section header of type @type, or NULL. */
static const Elf64_Shdr *elf_section(const struct elf_image *im, unsigned type)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(im->base + im->eh->e_shoff);

	for (int i = 0; i < im->eh->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	return NULL;
}

/*
 * The library's TLS is initial-exec (so that a thread's first malloc
 * never enters __tls_get_addr, which itself may call malloc), which
 * marks it DF_STATIC_TLS.  Such an object can still be dlopen()ed as
 * long as its block fits in the surplus glibc keeps in every thread's
 * static TLS area; the test above proves it does even with the optional
 * part of that surplus at 0.  64 bytes is this project's budget for it
 * (a few pointers and flags per thread).
 * DF_1_NODELETE makes dlclose() leave the library in place: libc holds
 * pointers to its fork and thread-exit handlers.
 */
Test(dropin, elf_tls_and_flags)
{
	struct elf_image im;
	const Elf64_Phdr *tls;

	elf_open(&im);
	tls = elf_phdr(&im, PT_TLS);
	cr_assert(ne(ptr, (void *)tls, NULL));
	cr_expect(le(u64, tls->p_memsz, 64));
	cr_expect(ne(u64, elf_dyn(&im, DT_FLAGS) & DF_STATIC_TLS, 0));
	cr_expect(ne(u64, elf_dyn(&im, DT_FLAGS) & DF_BIND_NOW, 0));
	cr_expect(ne(u64, elf_dyn(&im, DT_FLAGS_1) & DF_1_NODELETE, 0),
		  "link the drop-in with -z nodelete");
	munmap((void *)im.base, im.size);
}

/*
 * The standard names of the C and glibc malloc API the library exports,
 * <mcheck.h>'s functions and the compat-only malloc_get_state and
 * malloc_set_state included, then the __libc_ entry points of glibc
 * 2.36's libc.so.6 (default-version symbols; not the compat-only cfree,
 * nor the GLIBC_PRIVATE __libc_reallocarray), then the six hook
 * variables of glibc 2.17 (hook_names).
 */
static const char *const std_names[] = {
	DROPIN_STD_NAMES,	 "__libc_malloc",   "__libc_free",
	"__libc_calloc",	 "__libc_realloc",  "__libc_memalign",
	"__libc_valloc",	 "__libc_pvalloc",  "__libc_mallinfo",
	"__libc_mallopt",	 "__malloc_hook",   "__free_hook",
	"__realloc_hook",	 "__memalign_hook", "__malloc_initialize_hook",
	"__after_morecore_hook",
};

/* The hook variables: the last six standard names. */
static const char *const *const hook_names =
	std_names + sizeof(std_names) / sizeof(*std_names) - 6;

/* Whether @name is one of std_names. */
static bool is_std_name(const char *name)
{
	for (size_t i = 0; i < sizeof(std_names) / sizeof(*std_names); i++)
		if (strcmp(name, std_names[i]) == 0)
			return true;
	return false;
}

/*
 * The dynamic symbol table defines the 40 standard names, the name of
 * the one symbol version it defines (glibc's base version, an absolute
 * symbol) and otherwise only ptm_ names: nothing internal can clash with
 * a program's symbols.
 */
Test(dropin, elf_exports)
{
	struct elf_image im;
	const Elf64_Shdr *dynsym, *strtab;
	const Elf64_Sym *sym;
	int std = 0, other = 0, version = 0;

	elf_open(&im);
	dynsym = elf_section(&im, SHT_DYNSYM);
	cr_assert(ne(ptr, (void *)dynsym, NULL));
	strtab = (const Elf64_Shdr *)(im.base + im.eh->e_shoff) +
		 dynsym->sh_link;
	sym = (const Elf64_Sym *)(im.base + dynsym->sh_offset);
	for (size_t i = 1; i < dynsym->sh_size / sizeof(*sym); i++) {
		const char *name = (const char *)im.base + strtab->sh_offset +
				   sym[i].st_name;
		int bind = ELF64_ST_BIND(sym[i].st_info);

		if (sym[i].st_shndx == SHN_UNDEF ||
		    (bind != STB_GLOBAL && bind != STB_WEAK))
			continue;
		if (is_std_name(name)) {
			std++;
		} else if (sym[i].st_shndx == SHN_ABS &&
			   strcmp(name, PTM_GLIBC_BASE_VERSION_STR) == 0) {
			version++;
		} else if (strncmp(name, "ptm_", 4) != 0) {
			cr_expect(false, "the drop-in exports %s", name);
			other++;
		}
	}
	cr_expect(eq(int, std, 40));
	cr_expect(eq(int, version, 1));
	cr_expect(eq(int, other, 0));
	munmap((void *)im.base, im.size);
}

/* The index of the version named @want in the version definitions. */
static unsigned verdef_index(const struct elf_image *im, const char *want)
{
	const Elf64_Shdr *sec = elf_section(im, SHT_GNU_verdef);
	const Elf64_Shdr *str;
	const unsigned char *p;

	cr_assert(ne(ptr, (void *)sec, NULL), "no version definitions");
	str = (const Elf64_Shdr *)(im->base + im->eh->e_shoff) + sec->sh_link;
	p = im->base + sec->sh_offset;
	for (unsigned i = 0; i < sec->sh_info; i++) {
		const Elf64_Verdef *vd = (const Elf64_Verdef *)p;
		const Elf64_Verdaux *aux =
			(const Elf64_Verdaux *)(p + vd->vd_aux);

		if (strcmp((const char *)im->base + str->sh_offset +
				   aux->vda_name,
			   want) == 0)
			return vd->vd_ndx;
		p += vd->vd_next;
	}
	return 0;
}

/*
 * The six hook variables, and only they, carry glibc's base version
 * (GLIBC_2.2.5 on x86_64), the version old binaries and glibc's tests
 * reference them by; every function stays unversioned.
 */
Test(dropin, elf_hook_versions)
{
	struct elf_image im;
	const Elf64_Shdr *dynsym, *versym, *strtab;
	const Elf64_Sym *sym;
	const Elf64_Half *ver;
	unsigned base;
	int hooks = 0, others = 0;

	elf_open(&im);
	base = verdef_index(&im, PTM_GLIBC_BASE_VERSION_STR);
	cr_assert(ge(uint, base, 2));
	dynsym = elf_section(&im, SHT_DYNSYM);
	versym = elf_section(&im, SHT_GNU_versym);
	cr_assert(ne(ptr, (void *)versym, NULL));
	strtab = (const Elf64_Shdr *)(im.base + im.eh->e_shoff) +
		 dynsym->sh_link;
	sym = (const Elf64_Sym *)(im.base + dynsym->sh_offset);
	ver = (const Elf64_Half *)(im.base + versym->sh_offset);
	for (size_t i = 1; i < dynsym->sh_size / sizeof(*sym); i++) {
		const char *name = (const char *)im.base + strtab->sh_offset +
				   sym[i].st_name;
		bool hook = false;

		if (sym[i].st_shndx == SHN_UNDEF)
			continue;
		for (int h = 0; h < 6; h++)
			hook = hook || strcmp(name, hook_names[h]) == 0;
		if (hook)
			hooks += (ver[i] & 0x7fff) == base;
		else if ((ver[i] & 0x7fff) == base &&
			 sym[i].st_shndx != SHN_ABS)
			others++;
	}
	cr_expect(eq(int, hooks, 6));
	cr_expect(eq(int, others, 0));
	munmap((void *)im.base, im.size);
}
