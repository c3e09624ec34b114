/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The call-sequence interpreter shared by the libFuzzer harnesses
 * (make fuzz): an input is read as a list of calls on the ptm_ API over
 * a table of live blocks.
 *
 * Each record is four bytes: an opcode, a slot of the table and two
 * bytes that choose a size (see fuzz_size()); a trailing partial record
 * is ignored.  Every block is filled with its own tag byte when it is
 * made, and its bytes are checked before it is freed, moved by realloc
 * or left at the end of the input; the whole-heap check
 * ptm_debug_check_heap() runs every FUZZ_CHECK_EVERY calls and at the
 * end.  Any broken promise (a tag overwritten, a misaligned block, a
 * usable size below the request, an inconsistent heap, a wrong result
 * of mallopt or posix_memalign) aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 *
 * The table's slots have their own locks, so that several threads may
 * run records over one table (fuzz_threads.c): a block made by one
 * thread is then freed or moved by another.
 */
#ifndef FUZZ_OPS_H
#define FUZZ_OPS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Slots in the table; a record's slot byte is taken modulo this. */
#define FUZZ_SLOTS 64
/* Calls between two whole-heap checks. */
#define FUZZ_CHECK_EVERY 16
/* Bytes per record. */
#define FUZZ_RECORD 4
/* The simulated break's reservation: small enough to be exhausted. */
#define FUZZ_BRK_CAPACITY (32u << 20)

/**
 * struct fuzz_block - one slot of the table.
 * @lock: held while a call works on the slot.
 * @ptr: the live block, or NULL.
 * @size: the size it was asked with (the bytes that carry the tag).
 * @tag: the byte every one of those bytes holds.
 */
struct fuzz_block {
	pthread_mutex_t lock;
	unsigned char *ptr;
	size_t size;
	unsigned char tag;
};

/**
 * struct fuzz_table - the live blocks and the variant's options.
 * @slot: the blocks.
 * @next_tag: the tag of the next block made (never 0, which calloc and
 *	a cleared block hold).
 * @calls: records run so far, for the periodic heap check.
 * @foreign_sbrk: the variant owns the real break, so that record may
 *	move it behind the allocator's back.
 * @foreign_end: the break the last foreign sbrk left, NULL when none is
 *	outstanding.
 * @foreign_size: how far that sbrk moved it.
 */
struct fuzz_table {
	struct fuzz_block slot[FUZZ_SLOTS];
	unsigned int next_tag;
	unsigned int calls;
	int foreign_sbrk;
	void *foreign_end;
	intptr_t foreign_size;
};

/*
 * Set the allocator up before its first call and prepare @t: the cache
 * on (tcache_count=7) when @tcache, a private break of
 * FUZZ_BRK_CAPACITY bytes when @simulated_brk, else the real one, which
 * the foreign-sbrk record then moves too.
 */
void fuzz_setup(struct fuzz_table *t, int tcache, int simulated_brk);

/* Set the mallopt parameters this input changed back to their saved values. */
void fuzz_restore_params(void);

/* Run records @first, @first + @stride, ... of @data (@size bytes) over @t. */
void fuzz_run(struct fuzz_table *t, const uint8_t *data, size_t size,
	      size_t first, size_t stride);

/* Check and free every live block, undo the foreign sbrk, check the heap. */
void fuzz_finish(struct fuzz_table *t);

/* Abort with @what on stderr: a finding. */
void fuzz_fail(const char *what) __attribute__((noreturn));

/* One input of the single-threaded variants: run, finish, restore. */
int fuzz_one_input(struct fuzz_table *t, const uint8_t *data, size_t size);

#endif /* FUZZ_OPS_H */
