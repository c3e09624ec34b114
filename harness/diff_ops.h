/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The wire format of the differential test, shared by the program that
 * runs the operations (harness/programs/diffrun.c) and the Criterion test
 * that compares two runs of it (harness/test_differential.c).
 *
 * diffrun executes a sequence of allocator calls and writes, after each
 * call, one fixed-size struct diff_record to its standard output: the
 * call itself (so that the reader can name it in a message), what it
 * returned as an offset from the heap start, the break offset, and every
 * mallinfo2 field (or, with --hash, a 64-bit digest of that record).  Both
 * sides of a comparison run the same binary on the same machine, so the
 * records are compared as raw bytes.
 *
 * The operations also have a one-word text form, used on diffrun's
 * command line for hand-written sequences and printed in messages:
 *
 *	mS=N		malloc(N) into slot S
 *	fS		free(slot S) (free(NULL) when the slot is empty)
 *	rS=N		realloc(slot S, N)
 *	cS=NxM		calloc(N, M) into slot S
 *	aS=A,N		memalign(A, N) into slot S
 *	pS=A,N		posix_memalign(&slot S, A, N)
 *	t=P		malloc_trim(P)
 *	o=NAME,V	mallopt(M_NAME, V); NAME is one of mxfast, trim,
 *			toppad, mmap, mmapmax, perturb, or a number
 *
 * Only static inline functions live here (formatting and parsing the text
 * form without allocating): the header is included by a program and by
 * the test binary, which link different object sets.
 */
#ifndef PTM_HARNESS_DIFF_OPS_H
#define PTM_HARNESS_DIFF_OPS_H

#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Number of pointer slots an operation sequence can address. */
#define DIFF_SLOTS 512

/* The kinds of operation; 0 is unused, so a zeroed record is invalid. */
enum diff_kind {
	DIFF_MALLOC = 1,
	DIFF_FREE,
	DIFF_REALLOC,
	DIFF_CALLOC,
	DIFF_MEMALIGN,
	DIFF_POSIX_MEMALIGN,
	DIFF_TRIM,
	DIFF_MALLOPT,
	DIFF_NKINDS
};

/*
 * One operation.  @a and @b are the arguments: malloc, realloc: a = size;
 * calloc: a = count, b = element size; memalign, posix_memalign:
 * a = alignment, b = size; malloc_trim: a = pad; mallopt: a = parameter
 * (as a sign-extended int), b = value (likewise).
 */
struct diff_op {
	uint32_t kind; /* enum diff_kind */
	uint32_t slot; /* slot read and/or written, < DIFF_SLOTS */
	uint64_t a; /* first argument */
	uint64_t b; /* second argument */
};

/* Bits of diff_record.flags. */
#define DIFF_F_NULL 0x01 /* the call returned NULL (or failed) */
#define DIFF_F_MMAPPED 0x02 /* the block lies outside [heap start, brk) */
#define DIFF_F_CORRUPT 0x04 /* a guard byte of the block had changed */
#define DIFF_F_NOTZERO 0x08 /* calloc returned memory that is not zero */
#define DIFF_F_MISALIGNED 0x10 /* the block misses its alignment */
#define DIFF_F_TCACHE 0x20 /* glibc allocates its tcache header here */

/* The flags that report a broken block: wrong on either side. */
#define DIFF_F_BROKEN (DIFF_F_CORRUPT | DIFF_F_NOTZERO | DIFF_F_MISALIGNED)

/* Number of size_t fields of struct mallinfo2. */
#define DIFF_MI_FIELDS 10

/*
 * What one side reports after one operation.  @where is the returned
 * block's offset from the heap start (the break at program start) for a
 * heap block, its offset within its page for an mmapped block (mmap
 * addresses differ from run to run), 0 otherwise.  @head is the chunk's
 * size word, flag bits included, read just after the call.
 */
struct diff_record {
	struct diff_op op; /* the operation, echoed */
	uint32_t flags; /* DIFF_F_* */
	int32_t ret; /* int result (trim, mallopt, posix_memalign) */
	uint64_t where; /* block offset, see above */
	uint64_t head; /* chunk size word of the block, or 0 */
	uint64_t brk; /* sbrk(0) minus the heap start */
	uint64_t mi[DIFF_MI_FIELDS]; /* mallinfo2, in declaration order */
};

/* Records are hashed and compared as raw bytes: no padding allowed. */
_Static_assert(sizeof(struct diff_record) ==
		       sizeof(struct diff_op) + 8 + 8 * (3 + DIFF_MI_FIELDS),
	       "struct diff_record must have no padding");

/*
 * A 64-bit digest of @rec: equal records give equal digests, and a record
 * that reports a broken block (DIFF_F_BROKEN) gives 0, which no other
 * record gives, so that a comparison of digests alone catches it.
 */
static inline uint64_t diff_record_hash(const struct diff_record *rec)
{
	const unsigned char *p = (const unsigned char *)rec;
	uint64_t h = 0x9e3779b97f4a7c15ULL, w;

	if (rec->flags & DIFF_F_BROKEN)
		return 0;
	for (size_t i = 0; i + sizeof(w) <= sizeof(*rec); i += sizeof(w)) {
		memcpy(&w, p + i, sizeof(w));
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h | 1;
}

/* The mallinfo2 field names, in declaration order, for messages. */
static inline const char *diff_mi_name(unsigned int i)
{
	static const char *const names[DIFF_MI_FIELDS] = {
		"arena",   "ordblks", "smblks",	  "hblks",    "hblkhd",
		"usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
	};

	return i < DIFF_MI_FIELDS ? names[i] : "?";
}

/* The mallopt parameters a sequence may set, with their script names. */
struct diff_param {
	const char *name; /* name in the text form */
	int param; /* M_* value of <malloc.h> */
};

static const struct diff_param diff_params[] = {
	{ "mxfast", M_MXFAST },	   { "trim", M_TRIM_THRESHOLD },
	{ "toppad", M_TOP_PAD },   { "mmap", M_MMAP_THRESHOLD },
	{ "mmapmax", M_MMAP_MAX }, { "perturb", M_PERTURB },
};

#define DIFF_NPARAMS (sizeof(diff_params) / sizeof(diff_params[0]))

/* The script name of mallopt parameter @param, or NULL for another one. */
static inline const char *diff_param_name(int param)
{
	for (size_t i = 0; i < DIFF_NPARAMS; i++)
		if (diff_params[i].param == param)
			return diff_params[i].name;
	return NULL;
}

/* Append decimal @v to @buf at @pos (bounded by @cap); return the new end. */
static inline size_t diff_put_u64(char *buf, size_t pos, size_t cap, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && pos + 1 < cap)
		buf[pos++] = tmp[--n];
	buf[pos < cap ? pos : cap - 1] = '\0';
	return pos;
}

/* Append signed decimal @v; see diff_put_u64(). */
static inline size_t diff_put_i64(char *buf, size_t pos, size_t cap, int64_t v)
{
	if (v < 0) {
		if (pos + 1 < cap)
			buf[pos++] = '-';
		return diff_put_u64(buf, pos, cap, -(uint64_t)v);
	}
	return diff_put_u64(buf, pos, cap, (uint64_t)v);
}

/* Append string @s; see diff_put_u64(). */
static inline size_t diff_put_str(char *buf, size_t pos, size_t cap,
				  const char *s)
{
	while (*s && pos + 1 < cap)
		buf[pos++] = *s++;
	buf[pos < cap ? pos : cap - 1] = '\0';
	return pos;
}

/*
 * Write the text form of @op into @buf (NUL-terminated, at most @cap
 * bytes).  Uses no stdio, so that diffrun may call it without allocating.
 */
static inline size_t diff_format_op(char *buf, size_t cap,
				    const struct diff_op *op)
{
	static const char letters[] = "?mfrcapto";
	char letter[2] = { '?', '\0' };
	const char *pname;
	size_t n;

	if (op->kind < DIFF_NKINDS)
		letter[0] = letters[op->kind];
	n = diff_put_str(buf, 0, cap, letter);
	if (op->kind != DIFF_TRIM && op->kind != DIFF_MALLOPT)
		n = diff_put_u64(buf, n, cap, op->slot);
	switch (op->kind) {
	case DIFF_FREE:
		return n;
	case DIFF_CALLOC:
		n = diff_put_str(buf, n, cap, "=");
		n = diff_put_u64(buf, n, cap, op->a);
		n = diff_put_str(buf, n, cap, "x");
		return diff_put_u64(buf, n, cap, op->b);
	case DIFF_MEMALIGN:
	case DIFF_POSIX_MEMALIGN:
		n = diff_put_str(buf, n, cap, "=");
		n = diff_put_u64(buf, n, cap, op->a);
		n = diff_put_str(buf, n, cap, ",");
		return diff_put_u64(buf, n, cap, op->b);
	case DIFF_MALLOPT:
		n = diff_put_str(buf, n, cap, "=");
		pname = diff_param_name((int)op->a);
		if (pname)
			n = diff_put_str(buf, n, cap, pname);
		else
			n = diff_put_i64(buf, n, cap, (int64_t)op->a);
		n = diff_put_str(buf, n, cap, ",");
		return diff_put_i64(buf, n, cap, (int64_t)op->b);
	default:
		n = diff_put_str(buf, n, cap, "=");
		return diff_put_u64(buf, n, cap, op->a);
	}
}

/* Parse a decimal number, maybe negative, at *@s into @v; step over it. */
static inline bool diff_parse_num(const char **s, uint64_t *v)
{
	bool neg = **s == '-';

	*s += neg;
	if (**s < '0' || **s > '9')
		return false;
	for (*v = 0; **s >= '0' && **s <= '9'; (*s)++)
		*v = *v * 10 + (uint64_t)(**s - '0');
	if (neg)
		*v = -*v;
	return true;
}

/* Parse a mallopt parameter, by script name or number, at *@s into @v. */
static inline bool diff_parse_param(const char **s, uint64_t *v)
{
	for (size_t i = 0; i < DIFF_NPARAMS; i++) {
		size_t n = strlen(diff_params[i].name);

		if (!strncmp(*s, diff_params[i].name, n) && (*s)[n] == ',') {
			*s += n;
			*v = (uint64_t)(int64_t)diff_params[i].param;
			return true;
		}
	}
	return diff_parse_num(s, v);
}

/*
 * Parse operation @tok, in the text form, into @op.  Returns false on a
 * syntax error or a slot out of range.  Allocates nothing.
 */
static inline bool diff_parse_op(const char *tok, struct diff_op *op)
{
	static const char letters[] = "?mfrcapto";
	const char *s = tok + 1, *k = strchr(letters, tok[0]);
	uint64_t slot = 0;

	memset(op, 0, sizeof(*op));
	if (!tok[0] || !k || k == letters)
		return false;
	op->kind = (uint32_t)(k - letters);
	if (op->kind != DIFF_TRIM && op->kind != DIFF_MALLOPT &&
	    (!diff_parse_num(&s, &slot) || slot >= DIFF_SLOTS))
		return false;
	op->slot = (uint32_t)slot;
	if (op->kind == DIFF_FREE)
		return !*s;
	if (*s++ != '=')
		return false;
	if (op->kind == DIFF_MALLOPT ? !diff_parse_param(&s, &op->a) :
				       !diff_parse_num(&s, &op->a))
		return false;
	if (op->kind == DIFF_CALLOC || op->kind == DIFF_MEMALIGN ||
	    op->kind == DIFF_POSIX_MEMALIGN || op->kind == DIFF_MALLOPT) {
		if (*s++ != (op->kind == DIFF_CALLOC ? 'x' : ','))
			return false;
		if (!diff_parse_num(&s, &op->b))
			return false;
	}
	return !*s;
}

#endif /* PTM_HARNESS_DIFF_OPS_H */
