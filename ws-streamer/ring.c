/*
 * ring.c: a job's recent messages in a circular array indexed by seq.
 * Eviction is strictly oldest first, which is what keeps last_progress
 * and last_preview meaningful without ever recomputing them.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

static size_t
slot(const struct ring *r, int64_t seq)
{
	return (size_t)((uint64_t)seq % r->cap);
}

static size_t
count(const struct ring *r)
{
	return (size_t)(r->head - r->tail + 1);
}

static void
evict(struct ring *r)
{
	struct msgbuf **sp;

	sp = &r->slots[slot(r, r->tail)];
	r->bytes -= (*sp)->len;
	msgbuf_unref(*sp);
	*sp = NULL;
	r->tail++;
}

/* Drops everything held; head stays, so the seqs go on where they were. */
static void
clear(struct ring *r)
{
	while (r->tail <= r->head)
		evict(r);
	r->last_progress = 0;
	r->last_preview = 0;
}

int
ring_init(struct ring *r, size_t cap, size_t maxbytes)
{
	memset(r, 0, sizeof(*r));
	/* Empty even on failure, so that every query stays safe. */
	r->tail = 1;
	if ((r->slots = calloc(cap, sizeof(*r->slots))) == NULL)
		return -1;
	r->cap = cap;
	r->maxbytes = maxbytes;
	return 0;
}

void
ring_free(struct ring *r)
{
	clear(r);
	free(r->slots);
	memset(r, 0, sizeof(*r));
	/* As after a failed ring_init: empty, and no slot is ever read. */
	r->tail = 1;
}

void
ring_push(struct ring *r, struct msgbuf *b)
{
	assert(b->seq == r->head + 1);
	if (b->seq != r->head + 1) {
		/* Held messages would not precede b: restart the ring at b. */
		clear(r);
		r->head = b->seq - 1;
		r->tail = b->seq;
	}
	if (r->cap == 0) {
		/* Never initialised: hold nothing but keep counting. */
		r->head = b->seq;
		r->tail = b->seq + 1;
		return;
	}
	/* b's slot is the oldest entry's when the ring is full. */
	while (count(r) >= r->cap)
		evict(r);
	r->slots[slot(r, b->seq)] = msgbuf_ref(b);
	r->head = b->seq;
	r->bytes += b->len;
	if (b->type == MSG_PROGRESS)
		r->last_progress = b->seq;
	else if (b->type == MSG_PREVIEW)
		r->last_preview = b->seq;
	while (r->bytes > r->maxbytes && count(r) > 1)
		evict(r);
}

struct msgbuf *
ring_get(const struct ring *r, int64_t seq)
{
	if (seq < r->tail || seq > r->head)
		return NULL;
	return r->slots[slot(r, seq)];
}

/* Only what a newer message of the same type supersedes. */
static int
stale(const struct ring *r, const struct msgbuf *b)
{
	if (b->type == MSG_PROGRESS)
		return b->seq < r->last_progress;
	if (b->type == MSG_PREVIEW)
		return b->seq < r->last_preview;
	return 0;
}

struct msgbuf *
ring_next(const struct ring *r, int64_t after, int64_t replay_until)
{
	struct msgbuf *b;
	int64_t s;

	/* Also keeps after + 1 from overflowing. */
	if (after >= r->head)
		return NULL;
	/* A subscriber left behind the tail resumes at the oldest held. */
	s = after < r->tail ? r->tail : after + 1;
	for (; s <= r->head; s++) {
		b = r->slots[slot(r, s)];
		if (s <= replay_until || !stale(r, b))
			return b;
	}
	return NULL;
}

int
ring_holds_after(const struct ring *r, int64_t after)
{
	return after >= r->tail - 1;
}
