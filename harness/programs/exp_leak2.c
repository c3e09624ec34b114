// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exp_leak2: E-5.3, "fast-bin chunks pin the heap" (001 section 5.3), on
 * the real program break: the mallinfo table and the statm figures.
 *
 *	exp_leak2 test2|fixa|fixb|test1 [--trace FILE]
 *
 * test2: 50000 x (b = malloc(1024); n = malloc(24)), n standing for the
 *	std::list node; freed from the last iteration to the first, block
 *	before node.  The 32-byte nodes stay in the fast bins, interleaved
 *	with the free blocks, so nothing coalesces and nothing is trimmed.
 * fixa: the same after mallopt(M_MXFAST, 0): everything coalesces and
 *	the heap is trimmed back to 135168 bytes.
 * fixb: test2 followed by malloc_trim(0): consolidates and trims to one
 *	page (pad 0).
 * test1: no nodes; the 400000-byte pointer table is itself malloc'ed
 *	(and mmapped), the blocks are freed first, then the table.
 *
 * Keys: m_FIELD (mallinfo after the mallocs), f_FIELD (after the frees),
 * t_FIELD (fixb: after malloc_trim), trim_ret, mallopt_ret and the statm
 * deltas in pages: size_grow (after malloc - before), free_size_delta /
 * free_resident_delta (after the frees - after malloc), back_size /
 * back_resident (at the end, after malloc_trim for fixb, - before).
 */
#include "exp_util.h"

#define NUM 50000
#define SIZE 1024

/*
 * The std::list node of the C++ original (libstdc++'s _List_node<char *>:
 * two links and the value, 24 bytes), kept in the allocator's memory as
 * there: a pointer array in this program's bss would add its own pages
 * to the resident figures.
 */
struct node {
	struct node *next;
	struct node *prev;
	char *block;
};

/* test2/fixa/fixb: push_back(malloc(1024)) NUM times; the list's tail. */
static struct node *with_nodes(bool fixa)
{
	struct node *tail = NULL;

	if (fixa)
		exp_put("mallopt_ret", ptm_mallopt(M_MXFAST, 0));
	for (int i = 0; i < NUM; i++) {
		char *b = ptm_malloc(SIZE);
		struct node *n = ptm_malloc(sizeof(*n));

		if (b == NULL || n == NULL)
			exp_die("exp_leak2: malloc failed\n");
		n->next = NULL;
		n->prev = tail;
		n->block = b;
		if (tail != NULL)
			tail->next = n;
		tail = n;
	}
	return tail;
}

/* free(ptrs.back()); ptrs.pop_back(); until the list is empty. */
static void free_with_nodes(struct node *tail)
{
	while (tail != NULL) {
		struct node *prev = tail->prev;

		ptm_free(tail->block);
		ptm_free(tail);
		tail = prev;
	}
}

/* With --map, the heap map "e5_3_MODE_WHEN" (the HTML report's). */
static void map_at(const char *mode, const char *when)
{
	char name[64];

	snprintf(name, sizeof(name), "e5_3_%s_%s", mode, when);
	exp_map(name);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	bool test1 = strcmp(mode, "test1") == 0;
	bool fixb = strcmp(mode, "fixb") == 0;
	char **table = NULL;
	struct node *tail = NULL;
	long size0, res0, size1, res1, size2, res2, size3, res3;

	if (!test1 && !fixb && strcmp(mode, "test2") != 0 &&
	    strcmp(mode, "fixa") != 0)
		exp_usage("exp_leak2", "test2|fixa|fixb|test1");
	exp_setup(argc, argv, false);
	exp_statm(&size0, &res0);
	exp_begin();
	if (test1) {
		table = ptm_malloc(NUM * sizeof(char *));
		if (table == NULL)
			exp_die("exp_leak2: malloc failed\n");
		for (int i = 0; i < NUM; i++)
			if ((table[i] = ptm_malloc(SIZE)) == NULL)
				exp_die("exp_leak2: malloc failed\n");
	} else {
		tail = with_nodes(strcmp(mode, "fixa") == 0);
	}
	exp_statm(&size1, &res1);
	exp_put_mallinfo("m_", ptm_mallinfo2());
	if (!test1)
		map_at(mode, "alloc");
	if (test1) {
		for (int i = 0; i < NUM; i++)
			ptm_free(table[i]);
		ptm_free(table);
	} else {
		free_with_nodes(tail);
	}
	exp_statm(&size2, &res2);
	exp_put_mallinfo("f_", ptm_mallinfo2());
	if (!test1)
		map_at(mode, "free");
	size3 = size2;
	res3 = res2;
	if (fixb) {
		exp_put("trim_ret", ptm_malloc_trim(0));
		exp_statm(&size3, &res3);
		exp_put_mallinfo("t_", ptm_mallinfo2());
		map_at(mode, "trim");
	}
	exp_end();
	exp_put("size_grow", size1 - size0);
	exp_put("free_size_delta", size2 - size1);
	exp_put("free_resident_delta", res2 - res1);
	exp_put("back_size", size3 - size0);
	exp_put("back_resident", res3 - res0);
	return exp_finish();
}
