/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * diffrun: one side of the differential test (harness/test_differential.c).
 *
 *	diffrun [--script|--hash] SIDE seed SEED COUNT
 *	diffrun [--script|--hash] SIDE ops OP...
 *
 * SIDE is "glibc" (the host's malloc, to be run with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0), "ptm" (the ptm_ twins on
 * the real program break), or "ptm-raw" (ptm without the tcache header
 * emulation described below; the test uses it to prove that a
 * difference is caught).  "seed" generates COUNT pseudo-random
 * operations from SEED; "ops" executes the operations written in the
 * text form of diff_ops.h.  After each operation one struct diff_record
 * goes to standard output; with --hash only a 64-bit hash of it (see
 * diff_record_hash()), which is what the test compares first; with
 * --script the text form of each executed operation, one per line, which
 * turns a seed into a hand-editable sequence.
 *
 * This file executes the operations and writes the output; the state
 * they share and the generator of the seeded sequences are in
 * diffrun_gen.h.
 *
 * The program never calls anything that allocates (no stdio): on the
 * glibc side the heap must hold only what the operations allocate.  The
 * heap start is the break read on entry to main, before any allocation.
 *
 * glibc 2.36 allocates its 640-byte tcache header (a 656-byte chunk) from
 * the main arena the first time malloc, calloc, or free or realloc of a
 * heap chunk runs, even with tcache_count=0.  The ptm side emulates it
 * with a ptm_malloc(640), never freed, just before the first operation
 * that would make glibc allocate it (see op_inits_tcache()); from then on
 * both sides must report identical figures.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "diff_ops.h"
#include "diffrun_gen.h"
#include "ptmalloc.h"

/* Bytes of records buffered before a write(2). */
#define OUT_BUF_SIZE (64 * 1024)
/*
 * Size of glibc 2.36's tcache_perthread_struct: 64 uint16_t counts and
 * 64 pointers (640 bytes on 64-bit, 384 on i386).
 */
#define TCACHE_HEADER_REQUEST (64 * (sizeof(uint16_t) + sizeof(void *)))

/* The allocator under test: the host's functions or their ptm_ twins. */
struct api {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	void *(*calloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	int (*malloc_trim)(size_t);
	int (*mallopt)(int, int);
	struct mallinfo2 (*mallinfo2)(void);
};

static const struct api glibc_api = {
	.malloc = malloc,
	.free = free,
	.realloc = realloc,
	.calloc = calloc,
	.memalign = memalign,
	.posix_memalign = posix_memalign,
	.malloc_trim = malloc_trim,
	.mallopt = mallopt,
	.mallinfo2 = mallinfo2,
};

static const struct api ptm_api = {
	.malloc = ptm_malloc,
	.free = ptm_free,
	.realloc = ptm_realloc,
	.calloc = ptm_calloc,
	.memalign = ptm_memalign,
	.posix_memalign = ptm_posix_memalign,
	.malloc_trim = ptm_malloc_trim,
	.mallopt = ptm_mallopt,
	.mallinfo2 = ptm_mallinfo2,
};

static unsigned char out_buf[OUT_BUF_SIZE];
static size_t out_len;

/* Write @len bytes to @fd, retrying short writes; exit on error. */
static void write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		p += n;
		len -= (size_t)n;
	}
}

/* Queue @len bytes for standard output. */
static void out(const void *data, size_t len)
{
	if (out_len + len > sizeof(out_buf)) {
		write_all(1, out_buf, out_len);
		out_len = 0;
	}
	memcpy(out_buf + out_len, data, len);
	out_len += len;
}

/* Print "diffrun: @msg @arg" on stderr and exit with status 2. */
static void die(const char *msg, const char *arg)
{
	write_all(2, "diffrun: ", 9);
	write_all(2, msg, strlen(msg));
	if (arg) {
		write_all(2, " ", 1);
		write_all(2, arg, strlen(arg));
	}
	write_all(2, "\n", 1);
	_exit(2);
}

/* ---- slots ---- */

/* Put @p (of requested size @size) into @slot; perm[] keeps live first. */
static void slot_set(unsigned int slot, unsigned char *p, uint64_t size)
{
	bool was = st.ptr[slot] != NULL, is = p != NULL;

	if (was)
		st.live_bytes -= st.size[slot];
	st.ptr[slot] = p;
	st.size[slot] = p ? size : 0;
	if (is) {
		st.live_bytes += size;
		st.recent[st.recent_next++ % 8] = (uint16_t)slot;
	}
	if (was == is || slot >= st.nslots)
		return;

	/* Swap @slot with the first non-live (or last live) entry. */
	unsigned int i = st.pos[slot];
	unsigned int j = is ? st.nlive : st.nlive - 1;
	uint16_t other = st.perm[j];

	st.perm[j] = (uint16_t)slot;
	st.perm[i] = other;
	st.pos[slot] = (uint16_t)j;
	st.pos[other] = (uint16_t)i;
	st.nlive += is ? 1 : -1;
}

/* Write the guard bytes of the block in @slot. */
static void guard_write(unsigned int slot, unsigned int seq)
{
	unsigned char *p = st.ptr[slot];
	uint64_t n = st.size[slot];

	st.tag[slot] = (unsigned char)(slot * 31 + seq * 7 + 1);
	if (p && n)
		p[0] = st.tag[slot];
	if (p && n > 1)
		p[n - 1] = st.tag[slot] ^ 0x5a;
}

/*
 * Whether block @p, whose guards for a @size-byte block were @tag, still
 * holds them in its first @kept bytes (@kept < @size after a shrink).
 */
static bool guard_ok(const unsigned char *p, unsigned char tag, uint64_t size,
		     uint64_t kept)
{
	if (!p || !kept)
		return true;
	if (p[0] != tag)
		return false;
	return kept < size || size == 1 || p[size - 1] == (tag ^ 0x5a);
}

/* Whether the block in @slot still holds its guards. */
static bool slot_guard_ok(unsigned int slot)
{
	return guard_ok(st.ptr[slot], st.tag[slot], st.size[slot],
			st.size[slot]);
}

/* Whether @p heads a chunk that the allocator mmapped on its own. */
static bool is_mmapped(const void *p)
{
	return p && chunk_is_mmapped(mem2chunk(p));
}

/* ---- the tcache header of glibc 2.36 ---- */

/*
 * Whether a request of @n bytes passes 2.36's checked_request2size.  The
 * call receives @n as a size_t (cut to 32 bits on a 32-bit port).
 */
static bool request_ok(uint64_t n)
{
	return (size_t)n <= (size_t)PTRDIFF_MAX;
}

/*
 * Whether glibc 2.36 would run tcache_init (MAYBE_INIT_TCACHE) during
 * @op: __libc_malloc after its size check; __libc_calloc after its
 * overflow check; __libc_free and __libc_realloc of a heap chunk;
 * realloc(NULL, n) through malloc; memalign and posix_memalign with an
 * alignment of at most MALLOC_ALIGNMENT through malloc.  Never
 * mallopt, malloc_trim, mallinfo2, nor a larger alignment.
 */
static bool op_inits_tcache(const struct diff_op *op)
{
	const void *p = st.ptr[op->slot];
	ptrdiff_t bytes;

	switch (op->kind) {
	case DIFF_MALLOC:
		return request_ok(op->a);
	case DIFF_CALLOC:
		return !__builtin_mul_overflow((size_t)op->a, (size_t)op->b,
					       &bytes);
	case DIFF_FREE:
		return p && !is_mmapped(p);
	case DIFF_REALLOC:
		return p ? !is_mmapped(p) : request_ok(op->a);
	case DIFF_POSIX_MEMALIGN:
		if (op->a == 0 || op->a % sizeof(void *) ||
		    (op->a & (op->a - 1)))
			return false;
		/* fall through */
	case DIFF_MEMALIGN:
		return op->a <= MALLOC_ALIGNMENT && request_ok(op->b);
	default:
		return false;
	}
}

/* ---- executing one operation ---- */

/* Fill @rec's block fields for the block @p returned by the call. */
static void describe_block(struct diff_record *rec, const void *p,
			   uintptr_t brk, uint64_t align)
{
	uintptr_t a = (uintptr_t)p;

	if (!p) {
		rec->flags |= DIFF_F_NULL;
		return;
	}
	if (a >= st.heap_start && a < brk) {
		rec->where = a - st.heap_start;
	} else {
		rec->flags |= DIFF_F_MMAPPED;
		rec->where = a & 4095;
	}
	rec->head = chunk_size_nomask(mem2chunk(p));
	if (align < MALLOC_ALIGNMENT)
		align = MALLOC_ALIGNMENT;
	while (align & (align - 1)) /* memalign rounds up to a power of 2 */
		align = (align | (align - 1)) + 1;
	if (a % align)
		rec->flags |= DIFF_F_MISALIGNED;
}

/* Run a realloc operation; return the block to describe. */
static void *do_realloc(struct diff_record *rec, const struct diff_op *op,
			unsigned int seq)
{
	unsigned int s = op->slot;
	unsigned char *old = st.ptr[s], *p;
	uint64_t oldsize = st.size[s];

	if (!slot_guard_ok(s))
		rec->flags |= DIFF_F_CORRUPT;
	p = st.api->realloc(old, op->a);
	if (!p) {
		if (op->a == 0 && old)
			slot_set(s, NULL, 0); /* freed */
		return NULL;
	}
	if (old &&
	    !guard_ok(p, st.tag[s], oldsize, oldsize < op->a ? oldsize : op->a))
		rec->flags |= DIFF_F_CORRUPT;
	slot_set(s, p, op->a);
	guard_write(s, seq);
	return p;
}

/* Run a calloc operation; return the block to describe. */
static void *do_calloc(struct diff_record *rec, const struct diff_op *op,
		       unsigned int seq)
{
	unsigned char *p = st.api->calloc(op->a, op->b);
	uint64_t n = (size_t)op->a * (size_t)op->b; /* as the call sees them */

	if (p && n && (p[0] || p[n / 2] || p[n - 1]))
		rec->flags |= DIFF_F_NOTZERO;
	if (p) {
		slot_set(op->slot, p, n);
		guard_write(op->slot, seq);
	}
	return p;
}

/* Run a posix_memalign operation; return the block to describe. */
static void *do_posix_memalign(struct diff_record *rec,
			       const struct diff_op *op, unsigned int seq)
{
	void *p = NULL;

	rec->ret = st.api->posix_memalign(&p, op->a, op->b);
	if (rec->ret)
		return NULL;
	slot_set(op->slot, p, op->b);
	guard_write(op->slot, seq);
	return p;
}

/* Run an allocation of @size bytes by malloc or memalign. */
static void *do_alloc(const struct diff_op *op, unsigned int seq, uint64_t size)
{
	void *p;

	if (op->kind == DIFF_MALLOC)
		p = st.api->malloc(size);
	else
		p = st.api->memalign(op->a, size);
	if (p) {
		slot_set(op->slot, p, size);
		guard_write(op->slot, seq);
	}
	return p;
}

/*
 * Copy the size_t fields of @mi into the 64-bit fields of a record @out,
 * so that records have one layout whatever the word size.
 */
static void mi_widen(uint64_t out[DIFF_MI_FIELDS], const struct mallinfo2 *mi)
{
	size_t f[DIFF_MI_FIELDS];

	_Static_assert(sizeof(*mi) == sizeof(f), "mallinfo2 is size_t fields");
	memcpy(f, mi, sizeof(f));
	for (unsigned int i = 0; i < DIFF_MI_FIELDS; i++)
		out[i] = f[i];
}

/* Run @op (the @seq-th operation) and fill @rec. */
static void run_op(const struct diff_op *op, unsigned int seq,
		   struct diff_record *rec)
{
	const void *block = NULL;
	uint64_t align = 0;
	bool returns_block = true;
	struct mallinfo2 mi;

	memset(rec, 0, sizeof(*rec));
	rec->op = *op;
	/* Both sides flag the call; the ptm side allocates the header. */
	if (!st.tcache_done && op_inits_tcache(op)) {
		if (st.emulate_tcache && !ptm_malloc(TCACHE_HEADER_REQUEST))
			die("cannot allocate the tcache header", NULL);
		st.tcache_done = true;
		rec->flags |= DIFF_F_TCACHE;
	}
	switch (op->kind) {
	case DIFF_MALLOC:
		block = do_alloc(op, seq, op->a);
		break;
	case DIFF_MEMALIGN:
		align = op->a;
		block = do_alloc(op, seq, op->b);
		break;
	case DIFF_POSIX_MEMALIGN:
		align = op->a;
		block = do_posix_memalign(rec, op, seq);
		break;
	case DIFF_CALLOC:
		block = do_calloc(rec, op, seq);
		break;
	case DIFF_REALLOC:
		returns_block = op->a != 0 || !st.ptr[op->slot];
		block = do_realloc(rec, op, seq);
		break;
	case DIFF_FREE:
		returns_block = false;
		if (!slot_guard_ok(op->slot))
			rec->flags |= DIFF_F_CORRUPT;
		st.api->free(st.ptr[op->slot]);
		slot_set(op->slot, NULL, 0);
		break;
	case DIFF_TRIM:
		returns_block = false;
		rec->ret = st.api->malloc_trim(op->a);
		break;
	case DIFF_MALLOPT:
		returns_block = false;
		rec->ret = st.api->mallopt((int)op->a, (int)op->b);
		break;
	}
	rec->brk = (uintptr_t)sbrk(0) - st.heap_start;
	if (returns_block)
		describe_block(rec, block, st.heap_start + rec->brk, align);
	mi = st.api->mallinfo2();
	mi_widen(rec->mi, &mi);
}

/* ---- main ---- */

/* What goes to standard output for each operation. */
enum output {
	OUT_RECORDS,
	OUT_HASHES,
	OUT_SCRIPT
};

/* Write what @mode asks for about @op and its record @rec. */
static void output(enum output mode, const struct diff_op *op,
		   const struct diff_record *rec)
{
	char line[128];
	uint64_t h;
	size_t n;

	switch (mode) {
	case OUT_RECORDS:
		out(rec, sizeof(*rec));
		break;
	case OUT_HASHES:
		h = diff_record_hash(rec);
		out(&h, sizeof(h));
		break;
	case OUT_SCRIPT:
		n = diff_format_op(line, sizeof(line) - 1, op);
		line[n++] = '\n';
		out(line, n);
		break;
	}
}

/* Run @count operations, generated (@ops NULL) or parsed from @ops. */
static void run(uint64_t count, char **ops, enum output mode)
{
	struct diff_record rec;
	struct diff_op op;

	for (uint64_t i = 0; i < count; i++) {
		if (!ops)
			gen_op(&op);
		else if (!diff_parse_op(ops[i], &op))
			die("bad operation", ops[i]);
		run_op(&op, (unsigned int)i, &rec);
		output(mode, &op, &rec);
	}
	write_all(1, out_buf, out_len);
}

/* Parse the whole decimal number @s; exit on bad input. */
static uint64_t arg_num(const char *s)
{
	const char *p = s;
	uint64_t v;

	if (!diff_parse_num(&p, &v) || *p)
		die("bad number", s);
	return v;
}

int main(int argc, char **argv)
{
	enum output mode = OUT_RECORDS;
	char **arg = argv + 1;
	int nargs = argc - 1;

	st.heap_start = (uintptr_t)sbrk(0);
	for (unsigned int i = 0; i < DIFF_SLOTS; i++)
		st.perm[i] = st.pos[i] = (uint16_t)i;
	st.nslots = DIFF_SLOTS;
	if (nargs > 0 && !strcmp(arg[0], "--script"))
		mode = OUT_SCRIPT;
	else if (nargs > 0 && !strcmp(arg[0], "--hash"))
		mode = OUT_HASHES;
	arg += mode != OUT_RECORDS;
	nargs -= mode != OUT_RECORDS;
	if (nargs < 2)
		die("usage: diffrun [--script|--hash] glibc|ptm|ptm-raw "
		    "seed SEED COUNT | ops OP...",
		    NULL);
	if (!strcmp(arg[0], "glibc"))
		st.api = &glibc_api;
	else if (!strcmp(arg[0], "ptm") || !strcmp(arg[0], "ptm-raw"))
		st.api = &ptm_api;
	else
		die("unknown side", arg[0]);
	st.emulate_tcache = !strcmp(arg[0], "ptm");

	if (!strcmp(arg[1], "seed") && nargs == 4) {
		gen_init(arg_num(arg[2]));
		run(arg_num(arg[3]), NULL, mode);
	} else if (!strcmp(arg[1], "ops")) {
		run((uint64_t)(nargs - 2), arg + 2, mode);
	} else {
		die("bad arguments after", arg[0]);
	}
	_exit(0);
}
