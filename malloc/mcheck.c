// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mcheck(): glibc 2.17's heap-consistency checker (its malloc/mcheck.c),
 * built on the hooks.
 *
 * ptm_mcheck() installs four hooks that give every block a header in
 * front of it and a guard byte after it:
 *
 *	block -> [ size | magic | prev | next | block | magic2 ] user bytes [0xd7]
 *
 * magic is MAGICWORD xor (prev + next) while the block is live and on
 * the list of live blocks, MAGICFREE once it is freed; magic2 is
 * MAGICWORD xor block (the address the allocator returned, which differs
 * from the header for memalign).  New bytes are flooded with 0x93, freed
 * ones with 0x95.  Each free, realloc and ptm_mprobe() checks the header
 * (checkhdr): MCHECK_HEAD for a broken header, MCHECK_TAIL for a broken
 * guard byte, MCHECK_FREE for a block freed already.  A failed check
 * calls the program's abort function or, by default, prints glibc's
 * message and aborts:
 *
 *	memory clobbered before allocated block		MCHECK_HEAD
 *	memory clobbered past end of allocated block	MCHECK_TAIL
 *	block freed twice				MCHECK_FREE
 *	memory is consistent, library is buggy		MCHECK_OK
 *	bogus mcheck_status, library is buggy		anything else
 *
 * ptm_mcheck_pedantic() also checks every live block on each call, as
 * ptm_mcheck_check_all() does once.
 *
 * As in glibc 2.17, mcheck must come before the first allocation (or
 * from the initialisation hook, as -lmcheck does); later it fails with
 * -1, and a second call succeeds only by changing the abort function.
 * Each hook follows 2.17's protocol, as mtrace.c does: it puts the
 * previous hook back, calls it or the entry point, and installs itself
 * again, under the checker lock (which a nested call from the same
 * thread, in an abort function, does not wait for).  One deliberate
 * difference: malloc_usable_size() returns the size asked for, as glibc
 * 2.36 does (2.17 read the header's last word as a chunk size).
 */
#include <errno.h>
#include <mcheck.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

#define MAGICWORD 0xfedabeebUL
#define MAGICFREE 0xd8675309UL
#define MAGICBYTE ((char)0xd7)
#define MALLOCFLOOD ((char)0x93)
#define FREEFLOOD ((char)0x95)

/**
 * struct mcheck_hdr - the header in front of each checked block.
 * @size: the bytes the caller asked for.
 * @magic: MAGICWORD ^ (@prev + @next), or MAGICFREE once freed.
 * @prev: the live block allocated after this one (NULL for the newest).
 * @next: the live block allocated before this one.
 * @block: what the allocator returned: the header, or for memalign
 *	the start of the slop in front of it.
 * @magic2: MAGICWORD ^ @block, or MAGICFREE once freed; also keeps the
 *	user bytes aligned to two words.
 */
struct mcheck_hdr {
	size_t size;
	uintptr_t magic;
	struct mcheck_hdr *prev;
	struct mcheck_hdr *next;
	void *block;
	uintptr_t magic2;
};

/**
 * struct mcheck_state - the checker, all of it under @lock.
 * @lock: serialises the hooks, ptm_mcheck() and the checks.
 * @owner: the thread that holds @lock, as the address of its
 *	thread_flags (unique among live threads; NULL when free).
 * @depth: how deep @owner is in the checker; only the outermost level
 *	takes @lock (an abort function may allocate).
 * @used: the hooks are installed and checking (off while the abort
 *	function runs).
 * @pedantic: every call checks every live block.
 * @root: the newest live block.
 * @abortfunc: what a failed check calls.
 * @old_malloc: the hooks that were installed before ours.
 * @old_free: see @old_malloc.
 * @old_realloc: see @old_malloc.
 * @old_memalign: see @old_malloc.
 */
static struct mcheck_state {
	struct ptm_mutex lock;
	const void *owner;
	unsigned int depth;
	bool used;
	bool pedantic;
	struct mcheck_hdr *root;
	void (*abortfunc)(enum mcheck_status);
	void *(*old_malloc)(size_t, const void *);
	void (*old_free)(void *, const void *);
	void *(*old_realloc)(void *, size_t, const void *);
	void *(*old_memalign)(size_t, size_t, const void *);
} mc = { .lock = PTM_MUTEX_INITIALIZER };

/*
 * Enter the checker: take the lock unless this thread holds it.  Only
 * the holder writes @owner, so seeing itself there is proof.
 */
static void mc_enter(void)
{
	const void *self = &thread_flags;

	if (__atomic_load_n(&mc.owner, __ATOMIC_RELAXED) == self) {
		mc.depth++;
		return;
	}
	lock_acquire(&mc.lock);
	__atomic_store_n(&mc.owner, self, __ATOMIC_RELAXED);
	mc.depth = 1;
}

/* Leave the checker. */
static void mc_leave(void)
{
	if (--mc.depth > 0)
		return;
	__atomic_store_n(&mc.owner, NULL, __ATOMIC_RELAXED);
	lock_release(&mc.lock);
}

/* The live-block magic of @hdr for its current neighbours. */
static uintptr_t live_magic(const struct mcheck_hdr *hdr)
{
	return MAGICWORD ^ ((uintptr_t)hdr->prev + (uintptr_t)hdr->next);
}

/*
 * Check the header of @hdr and its guard byte; on a failure call the
 * abort function with checking off.  Returns the verdict.
 */
static enum mcheck_status checkhdr(const struct mcheck_hdr *hdr)
{
	enum mcheck_status status;

	/* Off while a failure is being reported. */
	if (!mc.used)
		return MCHECK_OK;
	if ((hdr->magic ^ ((uintptr_t)hdr->prev + (uintptr_t)hdr->next)) ==
	    MAGICFREE)
		status = MCHECK_FREE;
	else if (hdr->magic != live_magic(hdr))
		status = MCHECK_HEAD;
	else if (((const char *)(hdr + 1))[hdr->size] != MAGICBYTE)
		status = MCHECK_TAIL;
	else if ((hdr->magic2 ^ (uintptr_t)hdr->block) != MAGICWORD)
		status = MCHECK_HEAD;
	else
		status = MCHECK_OK;
	if (status != MCHECK_OK) {
		mc.used = false;
		mc.abortfunc(status);
		mc.used = true;
	}
	return status;
}

/*
 * Check every live block (lock held).  As in glibc, pedantic checking is
 * on afterwards, whoever asked.
 */
static void check_all_locked(void)
{
	/* The checks must not recurse into themselves. */
	mc.pedantic = false;
	for (const struct mcheck_hdr *p = mc.root; p != NULL; p = p->next)
		checkhdr(p);
	mc.pedantic = true;
}

/* Take @hdr off the list of live blocks, re-sealing its neighbours. */
static void unlink_blk(struct mcheck_hdr *hdr)
{
	if (hdr->next != NULL) {
		hdr->next->prev = hdr->prev;
		hdr->next->magic = live_magic(hdr->next);
	}
	if (hdr->prev != NULL) {
		hdr->prev->next = hdr->next;
		hdr->prev->magic = live_magic(hdr->prev);
	} else {
		mc.root = hdr->next;
	}
}

/* Put @hdr at the head of the list of live blocks and seal it. */
static void link_blk(struct mcheck_hdr *hdr)
{
	hdr->prev = NULL;
	hdr->next = mc.root;
	mc.root = hdr;
	hdr->magic = live_magic(hdr);
	if (hdr->next != NULL) {
		hdr->next->prev = hdr;
		hdr->next->magic = live_magic(hdr->next);
	}
}

/*
 * Make the @size user bytes after the header at @hdr, allocated at
 * @block, a live checked block whose bytes from @fresh on are new (and
 * flooded).  Returns the user pointer.
 */
static void *seal_block(struct mcheck_hdr *hdr, void *block, size_t size,
			size_t fresh)
{
	char *user = (char *)(hdr + 1);

	hdr->size = size;
	link_blk(hdr);
	hdr->block = block;
	hdr->magic2 = (uintptr_t)block ^ MAGICWORD;
	user[size] = MAGICBYTE;
	if (size > fresh)
		memset(user + fresh, MALLOCFLOOD, size - fresh);
	return user;
}

/* Whether @size plus @extra header bytes and the guard byte overflows. */
static bool too_big(size_t size, size_t extra)
{
	if (size > SIZE_MAX - (extra + 1)) {
		errno = ENOMEM;
		return true;
	}
	return false;
}

/* Install our four hooks (lock held). */
static void install_hooks(void);

/* Put the previous four hooks back (lock held). */
static void restore_hooks(void)
{
	HOOK_STORE(ptm_free_hook, mc.old_free);
	HOOK_STORE(ptm_malloc_hook, mc.old_malloc);
	HOOK_STORE(ptm_memalign_hook, mc.old_memalign);
	HOOK_STORE(ptm_realloc_hook, mc.old_realloc);
}

/* The free hook: check, mark freed, flood, and free the real block. */
static void mc_free(void *ptr, const void *caller)
{
	mc_enter();
	if (mc.pedantic)
		check_all_locked();
	if (ptr != NULL) {
		struct mcheck_hdr *hdr = (struct mcheck_hdr *)ptr - 1;

		checkhdr(hdr);
		hdr->magic = MAGICFREE;
		hdr->magic2 = MAGICFREE;
		unlink_blk(hdr);
		hdr->prev = hdr->next = NULL;
		memset(ptr, FREEFLOOD, hdr->size);
		ptr = hdr->block;
	}
	HOOK_STORE(ptm_free_hook, mc.old_free);
	if (mc.old_free != NULL)
		mc.old_free(ptr, caller);
	else
		ptm_free(ptr);
	HOOK_STORE(ptm_free_hook, mc_free);
	mc_leave();
}

/* The malloc hook (calloc's too): header, flooded bytes, guard byte. */
static void *mc_malloc(size_t size, const void *caller)
{
	size_t total = sizeof(struct mcheck_hdr) + size + 1;
	struct mcheck_hdr *hdr;
	void *ret = NULL;

	mc_enter();
	if (mc.pedantic)
		check_all_locked();
	if (too_big(size, sizeof(struct mcheck_hdr)))
		goto out;
	HOOK_STORE(ptm_malloc_hook, mc.old_malloc);
	hdr = mc.old_malloc != NULL ? mc.old_malloc(total, caller) :
				      ptm_malloc(total);
	HOOK_STORE(ptm_malloc_hook, mc_malloc);
	if (hdr != NULL)
		ret = seal_block(hdr, hdr, size, 0);
out:
	mc_leave();
	return ret;
}

/*
 * The memalign hook: the header goes right before the aligned bytes.
 * Every hook is put back meanwhile, not only this one: a small alignment
 * makes memalign a plain malloc, whose hook would add a second header.
 */
static void *mc_memalign(size_t alignment, size_t size, const void *caller)
{
	size_t slop = (sizeof(struct mcheck_hdr) + alignment - 1) & -alignment;
	char *block;
	void *ret = NULL;

	mc_enter();
	if (mc.pedantic)
		check_all_locked();
	if (too_big(size, slop))
		goto out;
	restore_hooks();
	block = mc.old_memalign != NULL ?
			mc.old_memalign(alignment, slop + size + 1, caller) :
			ptm_memalign(alignment, slop + size + 1);
	install_hooks();
	if (block != NULL)
		ret = seal_block((struct mcheck_hdr *)(block + slop) - 1, block,
				 size, 0);
out:
	mc_leave();
	return ret;
}

/*
 * The realloc hook: size 0 frees; otherwise the old block is checked,
 * unlinked and its dropped tail flooded, and the whole block (header
 * included) is reallocated with every hook put back meanwhile.
 */
static void *mc_realloc(void *ptr, size_t size, const void *caller)
{
	size_t total = sizeof(struct mcheck_hdr) + size + 1;
	struct mcheck_hdr *hdr = NULL;
	size_t osize = 0;
	void *ret = NULL;

	if (size == 0) {
		mc_free(ptr, caller);
		return NULL;
	}
	mc_enter();
	if (mc.pedantic)
		check_all_locked();
	if (too_big(size, sizeof(struct mcheck_hdr)))
		goto out;
	if (ptr != NULL) {
		hdr = (struct mcheck_hdr *)ptr - 1;
		osize = hdr->size;
		checkhdr(hdr);
		unlink_blk(hdr);
		if (size < osize)
			memset((char *)ptr + size, FREEFLOOD, osize - size);
	}
	restore_hooks();
	hdr = mc.old_realloc != NULL ? mc.old_realloc(hdr, total, caller) :
				       ptm_realloc(hdr, total);
	install_hooks();
	if (hdr != NULL)
		ret = seal_block(hdr, hdr, size, osize);
out:
	mc_leave();
	return ret;
}

static void install_hooks(void)
{
	HOOK_STORE(ptm_free_hook, mc_free);
	HOOK_STORE(ptm_malloc_hook, mc_malloc);
	HOOK_STORE(ptm_memalign_hook, mc_memalign);
	HOOK_STORE(ptm_realloc_hook, mc_realloc);
}

/* The default abort function: glibc's message, then SIGABRT. */
static void mabort(enum mcheck_status status)
{
	const char *msg;

	switch (status) {
	case MCHECK_OK:
		msg = "memory is consistent, library is buggy\n";
		break;
	case MCHECK_HEAD:
		msg = "memory clobbered before allocated block\n";
		break;
	case MCHECK_TAIL:
		msg = "memory clobbered past end of allocated block\n";
		break;
	case MCHECK_FREE:
		msg = "block freed twice\n";
		break;
	default:
		msg = "bogus mcheck_status, library is buggy\n";
		break;
	}
	os_write_stderr(msg, strlen(msg));
	os_abort();
}

/* fork(): no other thread may be inside the checker meanwhile. */
static void mc_fork_prepare(void)
{
	mc_enter();
}

static void mc_fork_parent(void)
{
	mc_leave();
}

/* The child's other threads are gone: the lock is free again. */
static void mc_fork_child(void)
{
	mc.owner = NULL;
	mc.depth = 0;
	lock_init(&mc.lock);
}

/*
 * The first call, before the allocator is in use: allocate once so that
 * it is initialised (which may run the initialisation hook), then chain
 * our hooks in front of the installed ones.
 */
static void mc_install(void)
{
	void *p = ptm_malloc(0);

	/* Keep the compiler from pairing the two calls away. */
	__asm__ volatile("" : "+r"(p));
	ptm_free(p);
	os_atfork(mc_fork_prepare, mc_fork_parent, mc_fork_child);
	mc_enter();
	mc.old_free = HOOK_LOAD(ptm_free_hook);
	mc.old_malloc = HOOK_LOAD(ptm_malloc_hook);
	mc.old_memalign = HOOK_LOAD(ptm_memalign_hook);
	mc.old_realloc = HOOK_LOAD(ptm_realloc_hook);
	install_hooks();
	mc.used = true;
	mc_leave();
}

/*
 * mcheck(): check every block from now on, calling @abortfunc (NULL:
 * print and abort) on a failure.  0, or -1 when the allocator was in
 * use already.
 */
int ptm_mcheck(void (*abortfunc)(enum mcheck_status))
{
	mc.abortfunc = abortfunc != NULL ? abortfunc : mabort;
	if (!malloc_initialized() && !mc.used)
		mc_install();
	return mc.used ? 0 : -1;
}

/* mcheck_pedantic(): ptm_mcheck(), and check all blocks on every call. */
int ptm_mcheck_pedantic(void (*abortfunc)(enum mcheck_status))
{
	int ret = ptm_mcheck(abortfunc);

	if (ret == 0)
		mc.pedantic = true;
	return ret;
}

/* mcheck_check_all(): check every live block now. */
void ptm_mcheck_check_all(void)
{
	mc_enter();
	check_all_locked();
	mc_leave();
}

/* mprobe(): the verdict on @ptr, MCHECK_DISABLED without ptm_mcheck(). */
enum mcheck_status ptm_mprobe(void *ptr)
{
	enum mcheck_status status;

	if (!mc.used)
		return MCHECK_DISABLED;
	mc_enter();
	status = checkhdr((struct mcheck_hdr *)ptr - 1);
	mc_leave();
	return status;
}

/* malloc_usable_size() under mcheck: the size asked for (glibc 2.36). */
size_t mcheck_usable_size(void *mem)
{
	return ((struct mcheck_hdr *)mem - 1)->size;
}

/* Whether ptm_mcheck() has installed its hooks. */
bool mcheck_active(void)
{
	return mc.used;
}
