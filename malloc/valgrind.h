/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Telling memory checkers about the allocator's blocks: valgrind's
 * memcheck through client requests, AddressSanitizer through manual
 * poisoning.  The public entry points and the system layer call the
 * track_* annotations below; nothing else in the allocator knows about
 * either tool.
 *
 * The scheme is the same for both tools.  Every byte the allocator owns
 * is off limits to the program (memcheck: NOACCESS, ASan: poisoned)
 * except the bytes of live blocks, [mem, mem + requested size):
 *   - memory from the system is made off limits as it arrives
 *     (track_system(), from sysdeps/linux);
 *   - an allocation opens exactly the requested bytes (track_alloc());
 *   - a free closes the block again (track_free_deferred(), issued by
 *     ptm_free() itself with track_issue()).
 * So chunk headers, the slack after a request and free memory are all
 * unaddressable: "Invalid write ... 0 bytes after a block of size 40"
 * for an overflow, "... inside a block of size 40 free'd" after a free.
 *
 * The allocator itself must still read and write its metadata there.
 *   - Under valgrind each public entry point (and each fork or
 *     thread-exit handler) runs between track_enter() and a matching
 *     exit annotation, which switch memcheck's error reporting off for
 *     the calling thread in between: the allocator's accesses to
 *     NOACCESS memory are not reported (and memcheck treats values
 *     loaded from there as defined).  The arena structures are NOACCESS
 *     too (track_arena()), main_arena included, so that the leak checker
 *     does not scan them.
 *   - Under ASan the allocator is compiled with -fsanitize=address but
 *     without instrumented loads and stores (the makefile adds
 *     --param asan-instrument-reads=0 and -writes=0, and
 *     -DPTM_ASAN_POISON, to the library's objects whenever CFLAGS has
 *     -fsanitize=address; `make check-asan` does that), so only the
 *     program's accesses are checked; its own memset and memcpy calls
 *     are redirected to plain loops, since ASan's interceptors of those
 *     would check them.
 *
 * Cost when not under a checker: each annotation is one load of
 * track_vg and a branch not taken (the state is found with
 * RUNNING_ON_VALGRIND on first use).  -DPTM_NO_VALGRIND (or valgrind's
 * own -DNVALGRIND) compiles every annotation out; an ASan build of the
 * library always poisons.
 *
 * track_alloc(), track_issue() and track_realloc() are macros rather
 * than inline functions for one reason: memcheck records the stack at
 * the client request, and valgrind shows an inlined function as a frame
 * of its own, so only a macro makes the "alloc'd at" and "free'd at"
 * stacks start in ptm_malloc, ptm_free, ptm_realloc, as with a system
 * malloc.
 */
#ifndef PTM_VALGRIND_H
#define PTM_VALGRIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"
#include "os.h"

/*
 * Which tool.  An ASan build instruments the code; only the allocator's
 * own objects, built by the makefile without instrumented loads and
 * stores, get -DPTM_ASAN_POISON and poison.  Instrumented allocator code
 * could not (every metadata access would be reported), and code that
 * merely includes the system layer (harness/programs/sys_os.c) must not.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PTM_TRACK_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTM_TRACK_SANITIZER 1
#endif
#endif

#if defined(PTM_TRACK_SANITIZER) && defined(PTM_ASAN_POISON)
#define PTM_TRACK_ASAN 1
#elif !defined(PTM_TRACK_SANITIZER) && !defined(PTM_NO_VALGRIND) && \
	!defined(NVALGRIND)
#define PTM_TRACK_VALGRIND 1
#endif

/**
 * struct track_old - what realloc's exit annotation needs of the old block.
 * @req: its size as memcheck knows it (the request it was made with).
 * @usable: its usable size.
 * @mmapped: whether it is a mapped chunk.
 */
struct track_old {
	size_t req;
	size_t usable;
	bool mmapped;
};

#if defined(PTM_TRACK_VALGRIND)

#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

/* -1 not known yet, 0 native, 1 under valgrind. */
pt_hidden extern int track_vg;

/*
 * The arguments of a client request that ptm_malloc() or ptm_free()
 * issues with track_issue(): written by the out-of-line code first, so
 * that the entry point itself needs no stack for them (and keeps its
 * fast path free of a stack frame).  Five words: the request and the
 * four arguments the two requests read (valgrind reads no sixth).
 * Between requests, word 1 holds track_vg_last.
 */
struct track_request {
	unsigned long word[5];
};

pt_hidden extern os_thread_local struct track_request track_req;

/*
 * The block the innermost allocation of this thread registered, stored
 * complemented: as a plain pointer it would make a leaked block look
 * reachable to the leak checker.  It shares word 1 of track_req, which
 * keeps the library's thread-local block within its 64-byte budget.
 */
#define track_vg_last (track_req.word[1])

pt_hidden bool track_vg_detect(void);
pt_hidden void track_vg_realloc_begin(struct track_old *t, void *oldmem);
pt_hidden void track_vg_copy_vbits(void *dst, const void *src, size_t n);

/* Whether the process runs under valgrind (one load natively). */
static inline bool track_on(void)
{
	int s = __atomic_load_n(&track_vg, __ATOMIC_RELAXED);

	if (likely(s == 0))
		return false;
	return s > 0 || track_vg_detect();
}

/*
 * Whether the entry points must take their annotated (slow) paths: the
 * fast paths of malloc and free annotate nothing.  A plain load: under
 * valgrind, or not known yet (ptmalloc_init() finds out, through
 * track_detect()); the slow paths then ask track_on().
 */
static inline bool track_active(void)
{
	return __atomic_load_n(&track_vg, __ATOMIC_RELAXED) != 0;
}

/* Whether an allocation's slow path may defer a request (it may here). */
static inline bool track_defers(void)
{
	return true;
}

/* Find out now whether valgrind is there (ptmalloc_init()). */
static inline void track_detect(void)
{
	(void)track_on();
}

/*
 * track_issue(last): issue the client request stored in track_req, then
 * leave @last in its word 1, track_vg_last (the block's plain address
 * left there would make the block reachable for the leak checker).  A
 * macro, not an inline function, for the reason given at the top of this
 * file.  Its form depends on the CPU: sysdeps/<arch>/track-issue.h, or
 * the portable one of sysdeps/generic/.
 */
#include "track-issue.h"

/*
 * The end of ptm_malloc()'s annotated path: the block @mem (NULL: none)
 * of @bytes is prepared for registration and error reporting resumes.
 * Returns whether the caller, ptm_malloc() itself, must issue the
 * request with track_issue(), so that memcheck names ptm_malloc as the
 * allocating function.
 */
static inline bool track_alloc_deferred(void *mem, size_t bytes)
{
	if (mem != NULL) {
		track_req.word[0] = VG_USERREQ__MALLOCLIKE_BLOCK;
		track_req.word[1] = (unsigned long)mem;
		track_req.word[2] = bytes;
		track_req.word[3] = 0;
		track_req.word[4] = 0;
	}
	VALGRIND_ENABLE_ERROR_REPORTING;
	return mem != NULL;
}

/*
 * The start of ptm_free()'s annotated path for the non-NULL @mem: its
 * unregistration is prepared for ptm_free() to issue (true).  Error
 * reporting is silenced afterwards, by track_free_enter().
 */
static inline bool track_free_deferred(void *mem)
{
	/* Not known yet (before initialisation): no block of ours. */
	if (__atomic_load_n(&track_vg, __ATOMIC_RELAXED) <= 0)
		return false;
	track_req.word[0] = VG_USERREQ__FREELIKE_BLOCK;
	track_req.word[1] = (unsigned long)mem;
	track_req.word[2] = 0;
	track_req.word[3] = 0;
	track_req.word[4] = 0;
	return true;
}

/* After track_free_deferred()'s request: silence memcheck. */
static inline void track_free_enter(void)
{
	if (track_on())
		VALGRIND_DISABLE_ERROR_REPORTING;
}

/* An entry point starts touching allocator memory: silence memcheck. */
static inline void track_enter(void)
{
	if (track_on())
		VALGRIND_DISABLE_ERROR_REPORTING;
}

/* The matching exit of an entry point that returns no block. */
static inline void track_leave(void)
{
	if (track_on())
		VALGRIND_ENABLE_ERROR_REPORTING;
}

/*
 * Exit of an allocating entry point: register @mem (NULL: nothing) as a
 * block of @bytes (defined when @zeroed, as calloc's), then leave.
 * Evaluates to @mem.
 */
#define track_alloc(mem, bytes, zeroed)                                    \
	({                                                                 \
		void *track_mem_ = (mem);                                  \
		size_t track_bytes_ = (bytes);                             \
		bool track_zeroed_ = (zeroed);                             \
		if (track_on()) {                                          \
			if (track_mem_ != NULL) {                          \
				VALGRIND_MALLOCLIKE_BLOCK(track_mem_,      \
							  track_bytes_, 0, \
							  track_zeroed_);  \
				track_vg_last = ~(uintptr_t)track_mem_;    \
			}                                                  \
			VALGRIND_ENABLE_ERROR_REPORTING;                   \
		}                                                          \
		track_mem_;                                                \
	})

/* Entry of realloc() for the non-NULL @oldmem: enter, note its sizes. */
static inline void track_realloc_enter(struct track_old *t, void *oldmem)
{
	*t = (struct track_old){ 0 };
	if (track_on())
		track_vg_realloc_begin(t, oldmem);
}

/*
 * Exit of realloc(): @newmem (NULL: failed, @oldmem kept) replaces
 * @oldmem.  In place, memcheck resizes the block; moved, the new block
 * is registered (unless a nested malloc did), takes the old block's
 * definedness bits, and the old one is unregistered.  Then leave.
 * Evaluates to @newmem.
 */
#define track_realloc(t, oldmem, newmem, bytes)                                \
	({                                                                     \
		void *track_old_ = (oldmem), *track_new_ = (newmem);           \
		size_t track_bytes_ = (bytes), track_keep_;                    \
		if (track_on()) {                                              \
			track_keep_ = (t)->req < track_bytes_ ? (t)->req :     \
								track_bytes_;  \
			if (track_new_ == track_old_) {                        \
				VALGRIND_RESIZEINPLACE_BLOCK(track_old_,       \
							     (t)->req,         \
							     track_bytes_, 0); \
			} else if (track_new_ != NULL) {                       \
				if (~(uintptr_t)track_new_ != track_vg_last) { \
					VALGRIND_MALLOCLIKE_BLOCK(             \
						track_new_, track_bytes_, 0,   \
						0);                            \
					track_vg_copy_vbits(track_new_,        \
							    track_old_,        \
							    track_keep_);      \
				}                                              \
				VALGRIND_FREELIKE_BLOCK(track_old_, 0);        \
			}                                                      \
			VALGRIND_ENABLE_ERROR_REPORTING;                       \
		}                                                              \
		track_new_;                                                    \
	})

/*
 * The system-layer annotations (sysdeps/linux) ask valgrind directly:
 * they run once per system call, and need no symbol of malloc/, so the
 * system layer still links on its own (harness/programs/sys_os.c).
 */

/* @len bytes at @p just came from the system: off limits. */
static inline void track_system(void *p, size_t len)
{
	if (RUNNING_ON_VALGRIND)
		VALGRIND_MAKE_MEM_NOACCESS(p, len);
}

/* @len bytes at @p went back to the system (munmap, a lower break). */
static inline void track_release(void *p, size_t len)
{
	(void)p;
	(void)len;
}

/*
 * mremap moved or resized @old_len bytes at @old to @new_len bytes at
 * @p.  memcheck carries the old bytes' state along itself; only the
 * added tail is new.
 */
static inline void track_remap(void *old, size_t old_len, void *p,
			       size_t new_len)
{
	(void)old;
	if (new_len > old_len && RUNNING_ON_VALGRIND)
		VALGRIND_MAKE_MEM_NOACCESS((char *)p + old_len,
					   new_len - old_len);
}

/*
 * The arena structure of @len bytes at @p was just set up: NOACCESS, so
 * that the leak checker does not take its pointers into chunks (an
 * arena's top is 8 bytes before the end of the last block) for
 * references to the blocks.
 */
static inline void track_arena(void *p, size_t len)
{
	if (track_on())
		VALGRIND_MAKE_MEM_NOACCESS(p, len);
}

#elif defined(PTM_TRACK_ASAN)

#include <sanitizer/asan_interface.h>

pt_hidden void track_asan_free(void *mem);
pt_hidden void track_asan_realloc_begin(struct track_old *t, void *oldmem);
pt_hidden void track_asan_realloc(const struct track_old *t, void *oldmem,
				  void *newmem, size_t bytes);
pt_hidden void *track_raw_memcpy(void *dst, const void *src, size_t n);
pt_hidden void *track_raw_memset(void *dst, int c, size_t n);

/*
 * The allocator's own copies and fills must not go through ASan's
 * checking memcpy/memset interceptors: they touch poisoned memory.
 */
#define memcpy(dst, src, n) track_raw_memcpy(dst, src, n)
#define memset(dst, c, n) track_raw_memset(dst, c, n)

/* Every block is (un)poisoned: the entry points take their slow paths. */
static inline bool track_active(void)
{
	return true;
}

static inline bool track_on(void)
{
	return true;
}

/* ASan: the blocks are (un)poisoned at once; nothing is deferred. */

static inline bool track_alloc_deferred(void *mem, size_t bytes)
{
	if (mem != NULL)
		ASAN_UNPOISON_MEMORY_REGION(mem, bytes);
	return false;
}

static inline bool track_free_deferred(void *mem)
{
	track_asan_free(mem);
	return false;
}

#define track_alloc(mem, bytes, zeroed)                                        \
	({                                                                     \
		void *track_mem_ = (mem);                                      \
		size_t track_bytes_ = (bytes);                                 \
		(void)(zeroed);                                                \
		if (track_mem_ != NULL)                                        \
			ASAN_UNPOISON_MEMORY_REGION(track_mem_, track_bytes_); \
		track_mem_;                                                    \
	})

static inline void track_realloc_enter(struct track_old *t, void *oldmem)
{
	track_asan_realloc_begin(t, oldmem);
}

#define track_realloc(t, oldmem, newmem, bytes)                         \
	({                                                              \
		void *track_new_ = (newmem);                            \
		track_asan_realloc((t), (oldmem), track_new_, (bytes)); \
		track_new_;                                             \
	})

static inline void track_system(void *p, size_t len)
{
	ASAN_POISON_MEMORY_REGION(p, len);
}

static inline void track_release(void *p, size_t len)
{
	ASAN_UNPOISON_MEMORY_REGION(p, len);
}

/*
 * mremap: ASan's shadow does not move with the pages.  A vacated range
 * is cleared, the whole new range is poisoned; realloc's exit then opens
 * the block again.
 */
static inline void track_remap(void *old, size_t old_len, void *p,
			       size_t new_len)
{
	if (p != old)
		ASAN_UNPOISON_MEMORY_REGION(old, old_len);
	ASAN_POISON_MEMORY_REGION(p, new_len);
}

#else /* neither tool: every annotation compiles to nothing */

static inline bool track_active(void)
{
	return false;
}

static inline bool track_on(void)
{
	return false;
}

static inline bool track_alloc_deferred(void *mem, size_t bytes)
{
	(void)mem;
	(void)bytes;
	return false;
}

static inline bool track_free_deferred(void *mem)
{
	(void)mem;
	return false;
}

#define track_alloc(mem, bytes, zeroed) \
	({                              \
		(void)(bytes);          \
		(void)(zeroed);         \
		(mem);                  \
	})

static inline void track_realloc_enter(struct track_old *t, void *oldmem)
{
	(void)t;
	(void)oldmem;
}

#define track_realloc(t, oldmem, newmem, bytes) \
	({                                      \
		(void)(t);                      \
		(void)(oldmem);                 \
		(void)(bytes);                  \
		(newmem);                       \
	})

static inline void track_system(void *p, size_t len)
{
	(void)p;
	(void)len;
}

static inline void track_release(void *p, size_t len)
{
	(void)p;
	(void)len;
}

static inline void track_remap(void *old, size_t old_len, void *p,
			       size_t new_len)
{
	(void)old;
	(void)old_len;
	(void)p;
	(void)new_len;
}

#endif

#if !defined(PTM_TRACK_VALGRIND)
/*
 * Without valgrind: no detection, no deferred request, no reporting to
 * silence, no arena structure to hide from a leak checker.
 */
static inline void track_detect(void)
{
}

/* Whether an allocation's slow path may defer a request: never. */
static inline bool track_defers(void)
{
	return false;
}

#define track_issue(last) ((void)(last))

static inline void track_free_enter(void)
{
}

static inline void track_enter(void)
{
}

static inline void track_leave(void)
{
}

static inline void track_arena(void *p, size_t len)
{
	(void)p;
	(void)len;
}
#endif /* !PTM_TRACK_VALGRIND */

#endif /* PTM_VALGRIND_H */
