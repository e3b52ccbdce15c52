/*
 * ring.c: a job's recent messages in a circular array indexed by seq.
 * Eviction is strictly oldest first, which is what keeps last_progress
 * and last_preview meaningful without ever recomputing them.  A slot's
 * bytes count each distinct buffer once.
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

/* The slot's buffer in the first encoding it has; NULL when empty. */
static struct msgbuf *
first(const struct ring_slot *sl)
{
	int e;

	for (e = 0; e < MSG_NENC; e++)
		if (sl->enc[e] != NULL)
			return sl->enc[e];
	return NULL;
}

/* 1 when entry e is a buffer no earlier entry of the slot has. */
static int
distinct(const struct ring_slot *sl, int e)
{
	int d;

	if (sl->enc[e] == NULL)
		return 0;
	for (d = 0; d < e; d++)
		if (sl->enc[d] == sl->enc[e])
			return 0;
	return 1;
}

static size_t
slot_bytes(const struct ring_slot *sl)
{
	size_t n = 0;
	int e;

	for (e = 0; e < MSG_NENC; e++)
		if (distinct(sl, e))
			n += sl->enc[e]->len;
	return n;
}

static void
evict(struct ring *r)
{
	struct ring_slot *sl;
	int e;

	sl = &r->slots[slot(r, r->tail)];
	r->bytes -= slot_bytes(sl);
	/* Last first: distinct() looks at the entries before e. */
	for (e = MSG_NENC - 1; e >= 0; e--) {
		if (distinct(sl, e))
			msgbuf_unref(sl->enc[e]);
		sl->enc[e] = NULL;
	}
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
	struct msgbuf *set[MSG_NENC];
	int e;

	for (e = 0; e < MSG_NENC; e++)
		set[e] = b;
	ring_push_set(r, set);
}

void
ring_push_set(struct ring *r, struct msgbuf *const set[MSG_NENC])
{
	struct msgbuf *b = NULL;
	struct ring_slot *sl;
	int e;

	for (e = 0; e < MSG_NENC && b == NULL; e++)
		b = set[e];
	assert(b != NULL);
	if (b == NULL)
		return;
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
	sl = &r->slots[slot(r, b->seq)];
	for (e = 0; e < MSG_NENC; e++) {
		sl->enc[e] = set[e];
		if (distinct(sl, e))
			msgbuf_ref(set[e]);
	}
	r->head = b->seq;
	r->bytes += slot_bytes(sl);
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
	return first(&r->slots[slot(r, seq)]);
}

struct msgbuf *
ring_get_enc(const struct ring *r, int64_t seq, enum msg_encoding enc)
{
	if (seq < r->tail || seq > r->head || (size_t)enc >= MSG_NENC)
		return NULL;
	return r->slots[slot(r, seq)].enc[enc];
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
ring_next(const struct ring *r, int64_t after, int64_t replay_until,
    enum msg_encoding enc)
{
	struct msgbuf *b;
	int64_t s;

	if ((size_t)enc >= MSG_NENC)
		return NULL;
	/* Also keeps after + 1 from overflowing. */
	if (after >= r->head)
		return NULL;
	/* A subscriber left behind the tail resumes at the oldest held. */
	s = after < r->tail ? r->tail : after + 1;
	for (; s <= r->head; s++) {
		b = r->slots[slot(r, s)].enc[enc];
		if (b != NULL && (s <= replay_until || !stale(r, b)))
			return b;
	}
	return NULL;
}

int
ring_holds_after(const struct ring *r, int64_t after)
{
	return after >= r->tail - 1;
}
