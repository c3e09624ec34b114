// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The multi-threaded libFuzzer harness: the records of one input are
 * dealt round-robin to FUZZ_THREADS threads (the calling one and new
 * ones, which give the allocator new arenas and caches to make and
 * reuse) that run them over one shared table, so that a block made by
 * one thread is checked, moved by realloc or freed by another, in
 * another arena.  When every thread has exited (and flushed its cache),
 * the blocks left are checked and freed and the heap checked.  The
 * cache is on and the break simulated.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_ops.h"

/* Threads per input, the calling one included. */
#define FUZZ_THREADS 3

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_table table;

/**
 * struct fuzz_worker - what one thread runs.
 * @data: the input.
 * @size: its length.
 * @first: the first record it runs; it then runs every FUZZ_THREADS-th.
 */
struct fuzz_worker {
	const uint8_t *data;
	size_t size;
	size_t first;
};

/* A thread's share of the records. */
static void *work(void *arg)
{
	const struct fuzz_worker *w = arg;

	fuzz_run(&table, w->data, w->size, w->first, FUZZ_THREADS);
	return NULL;
}

/* libFuzzer's start-up hook: before the allocator's first call. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup(&table, 1, 1);
	return 0;
}

/* One input over FUZZ_THREADS threads, then the end-of-input checks. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_worker w[FUZZ_THREADS];
	pthread_t tid[FUZZ_THREADS];

	for (int i = 0; i < FUZZ_THREADS; i++)
		w[i] = (struct fuzz_worker){ data, size, (size_t)i };
	for (int i = 1; i < FUZZ_THREADS; i++)
		if (pthread_create(&tid[i], NULL, work, &w[i]))
			fuzz_fail("pthread_create failed");
	work(&w[0]);
	for (int i = 1; i < FUZZ_THREADS; i++)
		pthread_join(tid[i], NULL);
	fuzz_finish(&table);
	fuzz_restore_params();
	return 0;
}
