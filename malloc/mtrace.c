// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mtrace(): glibc's allocation log, built on the hooks as in glibc 2.17.
 *
 * ptm_mtrace() opens the file named by MALLOC_TRACE (read with
 * secure_getenv, so never for set-user-ID programs), writes "= Start" and
 * installs four hooks that log each call, one line per event:
 *
 *	@ CALLER + 0xADDR 0xSIZE	malloc, calloc, the memalign family,
 *					realloc(NULL, n)
 *	@ CALLER - 0xADDR		free (free(NULL) is not logged)
 *	@ CALLER < 0xOLD		realloc that returned a block: the
 *	@ CALLER > 0xNEW 0xSIZE		old block, then the new one
 *	@ CALLER ! 0xOLD 0xSIZE		realloc that failed
 *
 * ptm_muntrace() removes the hooks and writes "= End".  Pointers print
 * as %p does ("(nil)" for NULL), sizes as %#lx ("0" for zero).
 *
 * CALLER is glibc 2.36's form, which glibc's own `mtrace` script (Debian
 * package libc-devtools) turns into file:line: FILE:(SYMBOL+OFF)[0xREL]
 * when dladdr() finds a dynamic symbol, FILE:[0xREL] when it does not
 * (a PIE's main, without -rdynamic), [ADDR] when dladdr() fails; REL is
 * the caller's address minus the load address of FILE, so a trace of a
 * position-independent program reads the same from run to run.  Two
 * deliberate differences from glibc 2.17: that caller form (2.17 printed
 * the absolute address), and realloc(p, 0) logged as "- 0xP" as glibc
 * 2.36 does (2.17 logged "! 0xP 0", which the script then counts as a
 * leak).
 *
 * The log never allocates: the file is opened with open(2) and every
 * event is written with write(2) from a static buffer, under the tracer
 * lock.  So the same code works in the LD_PRELOAD drop-in, where stdio's
 * own buffers would come from this allocator and re-enter the tracer,
 * and no line is lost when the program dies without ptm_muntrace().
 *
 * Each hook follows glibc 2.17's protocol: under the lock it puts the
 * previous hook back, calls it (or the entry point), and installs itself
 * again.  As in glibc, another thread that allocates during that window
 * goes untraced.  dladdr() runs before the lock is taken, as in glibc,
 * since it takes the dynamic loader's lock.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "ptmalloc.h"

/**
 * struct tracer - the state of mtrace, all of it under @lock.
 * @lock: serialises the events, ptm_mtrace() and ptm_muntrace().
 * @fd: the open log, or -1 when not tracing.
 * @old_malloc: the hooks that were installed before ours.
 * @old_free: see @old_malloc.
 * @old_realloc: see @old_malloc.
 * @old_memalign: see @old_malloc.
 * @len: bytes waiting in @buf.
 * @buf: the event being formatted.
 */
static struct tracer {
	struct ptm_mutex lock;
	int fd;
	void *(*old_malloc)(size_t, const void *);
	void (*old_free)(void *, const void *);
	void *(*old_realloc)(void *, size_t, const void *);
	void *(*old_memalign)(size_t, size_t, const void *);
	size_t len;
	char buf[1024];
} tr = { .lock = PTM_MUTEX_INITIALIZER, .fd = -1 };

/* Write out what is waiting in the buffer. */
static void tr_flush(void)
{
	os_write_fd(tr.fd, tr.buf, tr.len);
	tr.len = 0;
}

/* Append @n bytes of @s, flushing whenever the buffer fills. */
static void tr_putn(const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(tr.buf) - tr.len;
		size_t k = n < room ? n : room;

		memcpy(tr.buf + tr.len, s, k);
		tr.len += k;
		s += k;
		n -= k;
		if (tr.len == sizeof(tr.buf))
			tr_flush();
	}
}

static void tr_puts(const char *s)
{
	tr_putn(s, strlen(s));
}

/* @v in lowercase hexadecimal, without prefix ("%" PRIxPTR). */
static void tr_puthex(uintptr_t v)
{
	char digits[2 * sizeof(v)];
	size_t i = sizeof(digits);

	do {
		digits[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v != 0);
	tr_putn(digits + i, sizeof(digits) - i);
}

/* A pointer as %p prints it: "(nil)" or 0x followed by hex digits. */
static void tr_putptr(const void *p)
{
	if (p == NULL) {
		tr_puts("(nil)");
		return;
	}
	tr_puts("0x");
	tr_puthex((uintptr_t)p);
}

/* A size as %#lx prints it: "0" or 0x followed by hex digits. */
static void tr_putsize(size_t n)
{
	if (n != 0)
		tr_puts("0x");
	tr_puthex(n);
}

/*
 * The "@ CALLER " prefix of an event (nothing when @caller is NULL);
 * @info is dladdr()'s answer for @caller, or NULL when it had none.
 */
static void tr_where(const void *caller, const struct os_symbol *info)
{
	uintptr_t c = (uintptr_t)caller;

	if (caller == NULL)
		return;
	if (info == NULL) {
		tr_puts("@ [");
		tr_putptr(caller);
		tr_puts("] ");
		return;
	}
	tr_puts("@ ");
	if (info->file != NULL) {
		tr_puts(info->file);
		tr_puts(":");
	}
	if (info->name != NULL) {
		uintptr_t s = (uintptr_t)info->addr;

		tr_puts("(");
		tr_puts(info->name);
		tr_puts(c >= s ? "+" : "-");
		tr_puthex(c >= s ? c - s : s - c);
		tr_puts(")");
	}
	tr_puts("[0x");
	tr_puthex(c - (uintptr_t)info->base);
	tr_puts("] ");
}

/* os_symbolize() for @caller into @mem: @mem, or NULL when it fails. */
static const struct os_symbol *tr_info(const void *caller,
				       struct os_symbol *mem)
{
	if (caller == NULL || os_symbolize(caller, mem) != 0)
		return NULL;
	return mem;
}

/* One "[@ CALLER ]OP ADDR[ SIZE]" line; @size NULL: no size. */
static void tr_event(const void *caller, const struct os_symbol *info,
		     const char *op, const void *addr, const size_t *size)
{
	tr_where(caller, info);
	tr_puts(op);
	tr_puts(" ");
	tr_putptr(addr);
	if (size != NULL) {
		tr_puts(" ");
		tr_putsize(*size);
	}
	tr_puts("\n");
}

static void *tr_malloc(size_t size, const void *caller);
static void tr_free(void *ptr, const void *caller);
static void *tr_realloc(void *ptr, size_t size, const void *caller);
static void *tr_memalign(size_t alignment, size_t size, const void *caller);

/* malloc (and calloc) hook: allocate as before, then log "+". */
static void *tr_malloc(size_t size, const void *caller)
{
	struct os_symbol mem;
	const struct os_symbol *info = tr_info(caller, &mem);
	void *(*old)(size_t, const void *);
	void *p;

	lock_acquire(&tr.lock);
	old = tr.old_malloc;
	if (tr.fd < 0) {
		/* ptm_muntrace() ran after the entry point read the hook. */
		lock_release(&tr.lock);
		return old != NULL ? old(size, caller) : ptm_malloc(size);
	}
	HOOK_STORE(ptm_malloc_hook, old);
	p = old != NULL ? old(size, caller) : ptm_malloc(size);
	HOOK_STORE(ptm_malloc_hook, tr_malloc);
	tr_event(caller, info, "+", p, &size);
	tr_flush();
	lock_release(&tr.lock);
	return p;
}

/* free hook: log "-" first, while the address is still ours, then free. */
static void tr_free(void *ptr, const void *caller)
{
	struct os_symbol mem;
	const struct os_symbol *info;
	void (*old)(void *, const void *);

	if (ptr == NULL)
		return;
	info = tr_info(caller, &mem);
	lock_acquire(&tr.lock);
	old = tr.old_free;
	if (tr.fd < 0) {
		lock_release(&tr.lock);
		if (old != NULL)
			old(ptr, caller);
		else
			ptm_free(ptr);
		return;
	}
	tr_event(caller, info, "-", ptr, NULL);
	tr_flush();
	HOOK_STORE(ptm_free_hook, old);
	if (old != NULL)
		old(ptr, caller);
	else
		ptm_free(ptr);
	HOOK_STORE(ptm_free_hook, tr_free);
	lock_release(&tr.lock);
}

/* Log what realloc(@ptr, @size) did, having returned @p. */
static void tr_log_realloc(const void *caller, const struct os_symbol *info,
			   void *ptr, size_t size, void *p)
{
	if (p == NULL && size != 0)
		tr_event(caller, info, "!", ptr, &size);
	else if (p == NULL)
		tr_event(caller, info, "-", ptr, NULL);
	else if (ptr == NULL)
		tr_event(caller, info, "+", p, &size);
	else {
		tr_event(caller, info, "<", ptr, NULL);
		tr_event(caller, info, ">", p, &size);
	}
	tr_flush();
}

/*
 * realloc hook.  realloc may call malloc and free inside, so those hooks
 * are put back too for the duration of the call.
 */
static void *tr_realloc(void *ptr, size_t size, const void *caller)
{
	struct os_symbol mem;
	const struct os_symbol *info = tr_info(caller, &mem);
	void *(*old)(void *, size_t, const void *);
	void *p;

	lock_acquire(&tr.lock);
	old = tr.old_realloc;
	if (tr.fd < 0) {
		lock_release(&tr.lock);
		return old != NULL ? old(ptr, size, caller) :
				     ptm_realloc(ptr, size);
	}
	HOOK_STORE(ptm_free_hook, tr.old_free);
	HOOK_STORE(ptm_malloc_hook, tr.old_malloc);
	HOOK_STORE(ptm_realloc_hook, old);
	p = old != NULL ? old(ptr, size, caller) : ptm_realloc(ptr, size);
	HOOK_STORE(ptm_free_hook, tr_free);
	HOOK_STORE(ptm_malloc_hook, tr_malloc);
	HOOK_STORE(ptm_realloc_hook, tr_realloc);
	tr_log_realloc(caller, info, ptr, size, p);
	lock_release(&tr.lock);
	return p;
}

/*
 * memalign hook (every aligned entry point): small alignments end in
 * malloc, so that hook is put back too for the call.
 */
static void *tr_memalign(size_t alignment, size_t size, const void *caller)
{
	struct os_symbol mem;
	const struct os_symbol *info = tr_info(caller, &mem);
	void *(*old)(size_t, size_t, const void *);
	void *p;

	lock_acquire(&tr.lock);
	old = tr.old_memalign;
	if (tr.fd < 0) {
		lock_release(&tr.lock);
		return old != NULL ? old(alignment, size, caller) :
				     ptm_memalign(alignment, size);
	}
	HOOK_STORE(ptm_memalign_hook, old);
	HOOK_STORE(ptm_malloc_hook, tr.old_malloc);
	p = old != NULL ? old(alignment, size, caller) :
			  ptm_memalign(alignment, size);
	HOOK_STORE(ptm_memalign_hook, tr_memalign);
	HOOK_STORE(ptm_malloc_hook, tr_malloc);
	tr_event(caller, info, "+", p, &size);
	tr_flush();
	lock_release(&tr.lock);
	return p;
}

/* fork: no other thread may hold the tracer lock in the child. */
static void tr_prefork(void)
{
	lock_acquire(&tr.lock);
}

static void tr_postfork_parent(void)
{
	lock_release(&tr.lock);
}

static void tr_postfork_child(void)
{
	lock_init(&tr.lock);
}

/*
 * At exit, still tracing: have the C library free its own long-lived
 * memory, so that with the drop-in (where it is ours) it does not read
 * as leaked; glibc's mtrace does the same.
 */
static void tr_release_libc_mem(void)
{
	if (__atomic_load_n(&tr.fd, __ATOMIC_RELAXED) >= 0)
		os_release_libc_memory();
}

/*
 * Once, before the hooks first go in (both may allocate): the fork
 * handlers of the tracer lock and the exit clean-up.
 */
static void tr_register_once(void)
{
	static bool done;

	if (__atomic_exchange_n(&done, true, __ATOMIC_ACQ_REL))
		return;
	os_atfork(tr_prefork, tr_postfork_parent, tr_postfork_child);
	os_atexit(tr_release_libc_mem);
}

/*
 * Start tracing to the file MALLOC_TRACE names, truncated: "= Start",
 * then the hooks.  Nothing happens when the variable is unset (or the
 * program is set-user-ID), the file cannot be opened, or tracing is
 * already on.
 */
void ptm_mtrace(void)
{
	const char *path;
	int fd;

	/* Hooks that the initialisation installs (MALLOC_CHECK_) go first. */
	if (!malloc_initialized())
		ptmalloc_init();
	path = os_secure_getenv("MALLOC_TRACE");
	if (path == NULL)
		return;
	tr_register_once();
	lock_acquire(&tr.lock);
	if (tr.fd >= 0) {
		lock_release(&tr.lock);
		return;
	}
	fd = os_open_truncate(path, 0666);
	if (fd < 0) {
		lock_release(&tr.lock);
		return;
	}
	tr.fd = fd;
	tr_puts("= Start\n");
	tr_flush();
	tr.old_malloc = HOOK_LOAD(ptm_malloc_hook);
	tr.old_free = HOOK_LOAD(ptm_free_hook);
	tr.old_realloc = HOOK_LOAD(ptm_realloc_hook);
	tr.old_memalign = HOOK_LOAD(ptm_memalign_hook);
	HOOK_STORE(ptm_malloc_hook, tr_malloc);
	HOOK_STORE(ptm_free_hook, tr_free);
	HOOK_STORE(ptm_realloc_hook, tr_realloc);
	HOOK_STORE(ptm_memalign_hook, tr_memalign);
	lock_release(&tr.lock);
}

/*
 * Stop tracing: put the previous hooks back, then write "= End" and
 * close the file.  Nothing happens when tracing is off.
 */
void ptm_muntrace(void)
{
	lock_acquire(&tr.lock);
	if (tr.fd < 0) {
		lock_release(&tr.lock);
		return;
	}
	HOOK_STORE(ptm_malloc_hook, tr.old_malloc);
	HOOK_STORE(ptm_free_hook, tr.old_free);
	HOOK_STORE(ptm_realloc_hook, tr.old_realloc);
	HOOK_STORE(ptm_memalign_hook, tr.old_memalign);
	tr_puts("= End\n");
	tr_flush();
	os_close(tr.fd);
	tr.fd = -1;
	lock_release(&tr.lock);
}
