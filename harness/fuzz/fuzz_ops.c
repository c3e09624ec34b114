// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The call-sequence interpreter of the libFuzzer harnesses: decoding a
 * record, the calls and what each promises (see fuzz_ops.h).
 *
 * A record is { op, slot, lo, hi }.  The low four bits of op choose the
 * call (enum fuzz_op); its high four bits the size class that
 * fuzz_size() scales lo | hi << 8 by, from a few bytes through the fast
 * bins, the small and large bins and the mmap threshold to requests no
 * allocator can meet, which must fail with ENOMEM.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_ops.h"
#include "ptmalloc.h"

/* The calls a record may make. */
enum fuzz_op {
	OP_MALLOC,
	OP_CALLOC,
	OP_REALLOC,
	OP_REALLOCARRAY,
	OP_MEMALIGN,
	OP_POSIX_MEMALIGN,
	OP_ALIGNED_ALLOC,
	OP_VALLOC,
	OP_PVALLOC,
	OP_FREE,
	OP_USABLE_SIZE,
	OP_MALLOPT,
	OP_TRIM,
	OP_FOREIGN_SBRK,
	OP_CHECK,
	OP_FREE_ALL,
};

/* The size class that asks for what no allocator can give. */
#define CLASS_HUGE 15
/* The alignment every block has (MALLOC_ALIGNMENT on x86_64). */
#define MIN_ALIGN 16

/* The mallopt parameters a record may set, and those it did set. */
static const int fuzz_params[] = {
	M_MXFAST,   M_TRIM_THRESHOLD, M_TOP_PAD,    M_MMAP_THRESHOLD,
	M_MMAP_MAX, M_PERTURB,	      M_ARENA_TEST, M_ARENA_MAX,
};
#define NPARAMS (sizeof(fuzz_params) / sizeof(fuzz_params[0]))
static size_t saved_param[NPARAMS];
static unsigned int params_touched;

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

/* Prepare @t (locks, empty slots); @foreign_sbrk as in struct fuzz_table. */
static void fuzz_table_init(struct fuzz_table *t, int foreign_sbrk)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < FUZZ_SLOTS; i++)
		pthread_mutex_init(&t->slot[i].lock, NULL);
	t->next_tag = 1;
	t->foreign_sbrk = foreign_sbrk;
}

/* Record the mallopt parameters fuzz_restore_params() puts back. */
static void fuzz_save_params(void)
{
	for (size_t i = 0; i < NPARAMS; i++)
		saved_param[i] = ptm_debug_param(fuzz_params[i]);
}

/*
 * Only the parameters this input set go back: setting the others would
 * switch the dynamic mmap threshold off for every later input.
 */
void fuzz_restore_params(void)
{
	unsigned int touched =
		__atomic_exchange_n(&params_touched, 0, __ATOMIC_RELAXED);

	for (size_t i = 0; i < NPARAMS; i++)
		if (touched & (1u << i) &&
		    ptm_mallopt(fuzz_params[i], (int)saved_param[i]) != 1)
			fuzz_fail("mallopt refused a saved value");
}

/* The size a record asks for: @lo and @hi scaled by class @cls. */
static size_t fuzz_size(unsigned int cls, unsigned int lo, unsigned int hi)
{
	size_t raw = lo | hi << 8;

	if (cls < 6)
		return lo;
	if (cls < 10)
		return raw & 0x3ff;
	if (cls < 13)
		return raw;
	if (cls == 13)
		return raw << 4;
	if (cls == 14)
		return raw << 6;
	/* Within a page of SIZE_MAX or at PTRDIFF_MAX and above. */
	return hi & 1 ? SIZE_MAX - raw : (SIZE_MAX >> 1) + raw;
}

/* An alignment from @lo: mostly powers of two up to 64 KiB. */
static size_t fuzz_alignment(unsigned int lo)
{
	if (lo < 170)
		return (size_t)1 << (lo % 17);
	if (lo < 250)
		return lo;
	return (SIZE_MAX >> 1) + (lo - 248);
}

/* The next tag, shared by every thread; never 0. */
static unsigned char next_tag(struct fuzz_table *t)
{
	unsigned int n = __atomic_fetch_add(&t->next_tag, 1, __ATOMIC_RELAXED);

	return (unsigned char)(n % 255 + 1);
}

/* Whether the @n bytes at @p all hold @tag. */
static int holds_tag(const unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != tag)
			return 0;
	return 1;
}

/* Check slot @b's block (slot locked): its tag, its usable size. */
static void check_block(const struct fuzz_block *b)
{
	if (!b->ptr)
		return;
	if (!holds_tag(b->ptr, b->size, b->tag))
		fuzz_fail("a live block's bytes changed");
	if (ptm_malloc_usable_size(b->ptr) < b->size)
		fuzz_fail("malloc_usable_size below the request");
}

/* Check and free slot @b's block (slot locked). */
static void release(struct fuzz_block *b)
{
	check_block(b);
	ptm_free(b->ptr);
	b->ptr = NULL;
}

/*
 * Keep @p, @size bytes asked with alignment @align (0: none), in slot @b
 * (slot locked, empty): check what every block promises, then tag it.
 */
static void keep(struct fuzz_table *t, struct fuzz_block *b, void *p,
		 size_t size, size_t align)
{
	if (!p) {
		if (errno != ENOMEM)
			fuzz_fail("an allocation failed without ENOMEM");
		return;
	}
	if (size > PTRDIFF_MAX)
		fuzz_fail("a request above PTRDIFF_MAX succeeded");
	if ((uintptr_t)p % (align > MIN_ALIGN ? align : MIN_ALIGN))
		fuzz_fail("a block is not aligned");
	if (ptm_malloc_usable_size(p) < size)
		fuzz_fail("a new block's usable size is below the request");
	b->ptr = p;
	b->size = size;
	b->tag = next_tag(t);
	memset(p, b->tag, size);
}

/* The smallest power of two >= @a (memalign rounds up to it). */
static size_t pow2_ceil(size_t a)
{
	size_t p = 1;

	while (p < a)
		p <<= 1;
	return p;
}

/* memalign, aligned_alloc (the same call in glibc 2.36) and valloc. */
static void do_memalign(struct fuzz_table *t, struct fuzz_block *b, int op,
			size_t align, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	errno = 0;
	if (op == OP_VALLOC) {
		p = ptm_valloc(size);
		align = (size_t)page;
	} else if (op == OP_PVALLOC) {
		p = ptm_pvalloc(size);
		align = (size_t)page;
		if (size <= SIZE_MAX - (size_t)page)
			size = (size + (size_t)page - 1) & ~((size_t)page - 1);
	} else {
		p = op == OP_MEMALIGN ? ptm_memalign(align, size) :
					ptm_aligned_alloc(align, size);
		if (align > (SIZE_MAX >> 1) + 1) {
			if (p || errno != EINVAL)
				fuzz_fail("memalign took a huge alignment");
			return;
		}
		align = pow2_ceil(align);
	}
	keep(t, b, p, size, align);
}

/* posix_memalign: EINVAL exactly for alignments POSIX refuses. */
static void do_posix_memalign(struct fuzz_table *t, struct fuzz_block *b,
			      size_t align, size_t size)
{
	void *p = b;
	int bad = align % sizeof(void *) || !align || (align & (align - 1));
	int ret = ptm_posix_memalign(&p, align, size);

	if (bad ? ret != EINVAL : ret != 0 && ret != ENOMEM)
		fuzz_fail("posix_memalign returned a wrong code");
	if (ret) {
		if (p != b)
			fuzz_fail("a failed posix_memalign wrote *memptr");
		return;
	}
	if (!p)
		fuzz_fail("posix_memalign returned 0 and no block");
	keep(t, b, p, size, align);
}

/* realloc and reallocarray: the data moves with the block. */
static void do_realloc(struct fuzz_table *t, struct fuzz_block *b, int array,
		       size_t size)
{
	size_t keep_n;
	void *p;

	check_block(b);
	errno = 0;
	if (array) {
		p = ptm_reallocarray(b->ptr, 2, size / 2);
		size = size / 2 * 2;
	} else {
		p = ptm_realloc(b->ptr, size);
	}
	keep_n = b->size < size ? b->size : size;
	if (!p) {
		if (size == 0 && b->ptr) {
			b->ptr = NULL; /* realloc(p, 0) freed it */
			return;
		}
		if (errno != ENOMEM)
			fuzz_fail("realloc failed without ENOMEM");
		return; /* the old block stays, checked later */
	}
	if (b->ptr && !holds_tag(p, keep_n, b->tag))
		fuzz_fail("realloc lost the block's data");
	if ((uintptr_t)p % MIN_ALIGN || size > PTRDIFF_MAX)
		fuzz_fail("realloc returned a misaligned or huge block");
	if (ptm_malloc_usable_size(p) < size)
		fuzz_fail("realloc's usable size is below the request");
	if (!b->ptr)
		b->tag = next_tag(t);
	memset(p, b->tag, size);
	b->ptr = p;
	b->size = size;
}

/* calloc, @size split into elements; a huge request overflows. */
static void do_calloc(struct fuzz_table *t, struct fuzz_block *b,
		      unsigned int cls, unsigned int lo, size_t size)
{
	size_t n = cls == CLASS_HUGE ? 2 + lo : 1 + lo % 4;
	size_t each = cls == CLASS_HUGE ? SIZE_MAX / 2 : size / n;
	unsigned char *p;

	errno = 0;
	p = ptm_calloc(n, each);
	if (p && cls == CLASS_HUGE)
		fuzz_fail("calloc succeeded although n * size overflows");
	if (p && !holds_tag(p, n * each, 0))
		fuzz_fail("calloc returned a block that is not cleared");
	keep(t, b, p, p ? n * each : 0, 0);
}

/* mallopt with an in-range value of one of fuzz_params: must return 1. */
static void do_mallopt(unsigned int lo, unsigned int hi)
{
	unsigned int i = lo % NPARAMS;
	int v;

	switch (fuzz_params[i]) {
	case M_MXFAST:
		v = (int)(hi % 161);
		break;
	case M_TRIM_THRESHOLD:
	case M_TOP_PAD:
		v = (int)hi << 12;
		break;
	case M_MMAP_THRESHOLD:
		v = (int)hi << 13;
		break;
	case M_MMAP_MAX:
		v = (int)(hi % 70);
		break;
	case M_PERTURB:
		v = (int)hi;
		break;
	default:
		v = 1 + (int)(hi % 8);
		break;
	}
	__atomic_fetch_or(&params_touched, 1u << i, __ATOMIC_RELAXED);
	if (ptm_mallopt(fuzz_params[i], v) != 1)
		fuzz_fail("mallopt refused an in-range value");
}

/*
 * Move the real break behind the allocator's back, or move it back when
 * nothing has moved it since: the allocator must then find its top no
 * longer at the break's end.
 */
static void do_foreign_sbrk(struct fuzz_table *t, unsigned int lo)
{
	void *end;

	if (!t->foreign_sbrk)
		return;
	if (t->foreign_end) {
		if (sbrk(0) == t->foreign_end &&
		    sbrk(-t->foreign_size) == (void *)-1)
			fuzz_fail("a foreign sbrk could not be undone");
		t->foreign_end = NULL;
		return;
	}
	t->foreign_size = (intptr_t)(lo + 1) * 4096;
	if (sbrk(t->foreign_size) == (void *)-1)
		return;
	end = sbrk(0);
	t->foreign_end = end;
}

/* The calls that make a block in slot @b (slot locked). */
static void make_block(struct fuzz_table *t, struct fuzz_block *b, int op,
		       unsigned int cls, unsigned int lo, size_t size)
{
	if (op != OP_REALLOC && op != OP_REALLOCARRAY && b->ptr)
		release(b);
	switch (op) {
	case OP_MALLOC:
		errno = 0;
		keep(t, b, ptm_malloc(size), size, 0);
		break;
	case OP_CALLOC:
		do_calloc(t, b, cls, lo, size);
		break;
	case OP_REALLOC:
	case OP_REALLOCARRAY:
		do_realloc(t, b, op == OP_REALLOCARRAY, size);
		break;
	case OP_POSIX_MEMALIGN:
		do_posix_memalign(t, b, fuzz_alignment(lo), size);
		break;
	default:
		do_memalign(t, b, op, fuzz_alignment(lo), size);
		break;
	}
}

/* Check and free every block (each slot locked in turn). */
static void free_all(struct fuzz_table *t)
{
	for (int i = 0; i < FUZZ_SLOTS; i++) {
		pthread_mutex_lock(&t->slot[i].lock);
		release(&t->slot[i]);
		pthread_mutex_unlock(&t->slot[i].lock);
	}
}

/* Run the call of one record @r. */
static void run_record(struct fuzz_table *t, const uint8_t *r)
{
	int op = r[0] & 15;
	unsigned int cls = r[0] >> 4;
	struct fuzz_block *b = &t->slot[r[1] % FUZZ_SLOTS];
	size_t size = fuzz_size(cls, r[2], r[3]);

	if (op == OP_MALLOPT)
		do_mallopt(r[2], r[3]);
	else if (op == OP_TRIM)
		ptm_malloc_trim(size);
	else if (op == OP_FOREIGN_SBRK)
		do_foreign_sbrk(t, r[2]);
	else if (op == OP_CHECK && ptm_debug_check_heap())
		fuzz_fail("the heap is inconsistent");
	else if (op == OP_FREE_ALL)
		free_all(t);
	if (op >= OP_MALLOPT)
		return;
	pthread_mutex_lock(&b->lock);
	if (op == OP_FREE)
		release(b);
	else if (op == OP_USABLE_SIZE)
		check_block(b);
	else
		make_block(t, b, op, cls, r[2], size);
	pthread_mutex_unlock(&b->lock);
}

void fuzz_run(struct fuzz_table *t, const uint8_t *data, size_t size,
	      size_t first, size_t stride)
{
	for (size_t i = first * FUZZ_RECORD; i + FUZZ_RECORD <= size;
	     i += stride * FUZZ_RECORD) {
		run_record(t, data + i);
		if (__atomic_add_fetch(&t->calls, 1, __ATOMIC_RELAXED) %
				    FUZZ_CHECK_EVERY ==
			    0 &&
		    ptm_debug_check_heap())
			fuzz_fail("the heap is inconsistent");
	}
}

void fuzz_finish(struct fuzz_table *t)
{
	free_all(t);
	if (t->foreign_end)
		do_foreign_sbrk(t, 0);
	if (ptm_malloc_usable_size(NULL) != 0)
		fuzz_fail("malloc_usable_size(NULL) is not 0");
	if (ptm_mallinfo2().hblks || ptm_mallinfo2().hblkhd)
		fuzz_fail("mmapped blocks remain after every block was freed");
	if (ptm_debug_check_heap())
		fuzz_fail("the heap is inconsistent at the end");
}

void fuzz_setup(struct fuzz_table *t, int tcache, int simulated_brk)
{
	if (tcache)
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7", 1);
	else
		unsetenv("GLIBC_TUNABLES");
	if (simulated_brk && ptm_debug_simulate_brk(FUZZ_BRK_CAPACITY))
		fuzz_fail("the simulated break could not be set up");
	fuzz_table_init(t, !simulated_brk);
	fuzz_save_params();
	if (tcache && ptm_debug_tunable("tcache_count") != 7)
		fuzz_fail("the cache is not on");
}

int fuzz_one_input(struct fuzz_table *t, const uint8_t *data, size_t size)
{
	fuzz_run(t, data, size, 0, 1);
	fuzz_finish(t);
	fuzz_restore_params();
	return 0;
}
