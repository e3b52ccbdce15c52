/*
 * ring.h: a job's recent messages, bounded by count and by bytes, and the
 * rule that lets a slow subscriber skip stale ones: a progress or preview
 * message is stale once a newer one of the same type exists, while
 * terminal messages (completed, error) are never skipped.  A preview is
 * held in each encoding computed for it; every other message is the same
 * bytes for every encoding.
 */
#ifndef MS_RING_H
#define MS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "msgbuf.h"

/*
 * One message: a preview has a buffer per encoding that was computed
 * (NULL for the others), any other type the same buffer in each entry.
 * The slot holds one reference to each distinct buffer.
 */
struct ring_slot {
	struct msgbuf	*enc[MSG_NENC];
};

struct ring {
	struct ring_slot *slots;	/* cap entries; seq s is in s % cap */
	size_t		  cap;
	size_t		  maxbytes;	/* of JSON held; the newest always stays */
	size_t		  bytes;
	int64_t		  head;		/* newest seq held; 0: none ever */
	int64_t		  tail;		/* oldest seq held; head + 1 when empty */
	int64_t		  last_progress;	/* seq of the newest of each type */
	int64_t		  last_preview;
};

/* 0, or -1 (ENOMEM).  cap >= 1. */
int		 ring_init(struct ring *r, size_t cap, size_t maxbytes);
/* Drops every reference held. */
void		 ring_free(struct ring *r);

/*
 * Adds b (taking a new reference) as the newest message, the same bytes
 * for every encoding; b->seq must be head + 1.  Evicts the oldest
 * entries beyond cap or maxbytes.
 */
void		 ring_push(struct ring *r, struct msgbuf *b);

/*
 * As ring_push(), for a message with a buffer per encoding (NULL where
 * it was not computed, at least one not NULL), all of one seq and type.
 */
void		 ring_push_set(struct ring *r,
		    struct msgbuf *const set[MSG_NENC]);

/* The message with this seq if still held, in the first encoding held,
 * else NULL (no reference). */
struct msgbuf	*ring_get(const struct ring *r, int64_t seq);

/* The same in encoding enc, or NULL when it was not computed. */
struct msgbuf	*ring_get_enc(const struct ring *r, int64_t seq,
		    enum msg_encoding enc);

/*
 * The next message for a subscriber that has had every message up to
 * and including seq after: the first held message after it that is not
 * stale, where messages with seq <= replay_until are never treated as
 * stale (a resumed subscriber gets them all), in encoding enc.  A preview
 * not computed in enc (nobody used enc when it was emitted) is passed
 * over like a stale one, even up to replay_until.  NULL when nothing
 * newer is held.  No reference is taken.
 */
struct msgbuf	*ring_next(const struct ring *r, int64_t after,
		    int64_t replay_until, enum msg_encoding enc);

/* 1 when every message after seq after is still held (or none exists). */
int		 ring_holds_after(const struct ring *r, int64_t after);

#endif
