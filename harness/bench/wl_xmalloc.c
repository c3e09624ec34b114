// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wl_xmalloc: producers and a consumer, in the manner of xmalloc-test.
 *
 * PRODUCERS threads allocate blocks of 16 to 256 bytes, fill batches of
 * BATCH pointers (the batch itself allocated too) and queue them; one
 * consumer thread checks and frees every block and every batch.  So every
 * free is remote: the allocator must send memory back to the arena or
 * thread that owns it, and the producers keep allocating meanwhile.
 */
#include "bench.h"

#define PRODUCERS 2
#define BATCH 256
#define QUEUE 64
#define BASE_BATCHES 6000L

/* A batch of blocks travelling from a producer to the consumer. */
struct batch {
	unsigned count;
	unsigned char tag;
	void *block[BATCH];
	size_t len[BATCH];
};

/* A bounded queue of batches under one lock. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full;
	pthread_cond_t not_empty;
	struct batch *item[QUEUE];
	unsigned head;
	unsigned count;
	unsigned producers_left;
} queue = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
	.producers_left = PRODUCERS,
};

/* Append B, or mark one producer finished when B is NULL. */
static void queue_put(struct batch *b)
{
	pthread_mutex_lock(&queue.lock);
	if (b == NULL) {
		queue.producers_left--;
	} else {
		while (queue.count == QUEUE)
			pthread_cond_wait(&queue.not_full, &queue.lock);
		queue.item[(queue.head + queue.count++) % QUEUE] = b;
	}
	pthread_cond_signal(&queue.not_empty);
	pthread_mutex_unlock(&queue.lock);
}

/* The next batch, or NULL once every producer has finished. */
static struct batch *queue_get(void)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&queue.lock);
	while (queue.count == 0 && queue.producers_left > 0)
		pthread_cond_wait(&queue.not_empty, &queue.lock);
	if (queue.count > 0) {
		b = queue.item[queue.head];
		queue.head = (queue.head + 1) % QUEUE;
		queue.count--;
		pthread_cond_signal(&queue.not_full);
	}
	pthread_mutex_unlock(&queue.lock);
	return b;
}

/* What a producer is told: how many batches, and its seed. */
struct producer {
	long batches;
	unsigned id;
};

static void *producer_run(void *arg)
{
	struct producer *p = arg;
	struct bench_rng rng;

	bench_seed(&rng, 500 + p->id);
	for (long n = 0; n < p->batches; n++) {
		struct batch *b = bench_alloc(sizeof(*b));

		b->count = BATCH;
		b->tag = (unsigned char)(n + p->id);
		for (unsigned i = 0; i < BATCH; i++) {
			b->len[i] = bench_range(&rng, 16, 256);
			b->block[i] = bench_alloc(b->len[i]);
			bench_mark(b->block[i], b->len[i], b->tag);
		}
		queue_put(b);
	}
	queue_put(NULL);
	return NULL;
}

/* The consumer: check and free everything; its result is the sum. */
static void *consumer_run(void *arg)
{
	uint64_t *sum = arg;
	struct batch *b;

	while ((b = queue_get()) != NULL) {
		for (unsigned i = 0; i < b->count; i++) {
			*sum += bench_check(b->block[i], b->len[i], b->tag,
					    "xmalloc");
			free(b->block[i]);
		}
		free(b);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long batches = bench_iters(bench_scale(argc, argv), BASE_BATCHES);
	struct producer prod[PRODUCERS];
	pthread_t consumer;
	uint64_t sum = 0;

	if (pthread_create(&consumer, NULL, consumer_run, &sum) != 0)
		return 3;
	for (unsigned i = 0; i < PRODUCERS; i++)
		prod[i] = (struct producer){ .batches = batches, .id = i };
	bench_threads(PRODUCERS, producer_run, prod, sizeof(prod[0]));
	pthread_join(consumer, NULL);
	bench_result("xmalloc", sum);
	return 0;
}
