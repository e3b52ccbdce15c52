/*
 * ring.h: a job's recent messages, bounded by count and by bytes, and the
 * rule that lets a slow subscriber skip stale ones: a progress or preview
 * message is stale once a newer one of the same type exists, while
 * terminal messages (completed, error) are never skipped.
 */
#ifndef MS_RING_H
#define MS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "msgbuf.h"

struct ring {
	struct msgbuf	**slots;	/* cap entries; seq s is in s % cap */
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
 * Adds b (taking a new reference) as the newest message; b->seq must be
 * head + 1.  Evicts the oldest entries beyond cap or maxbytes.
 */
void		 ring_push(struct ring *r, struct msgbuf *b);

/* The message with this seq if still held, else NULL (no reference). */
struct msgbuf	*ring_get(const struct ring *r, int64_t seq);

/*
 * The next message for a subscriber that has had every message up to
 * and including seq after: the first held message after it that is not
 * stale, where messages with seq <= replay_until are never treated as
 * stale (a resumed subscriber gets them all).  NULL when nothing newer
 * is held.  No reference is taken.
 */
struct msgbuf	*ring_next(const struct ring *r, int64_t after,
		    int64_t replay_until);

/* 1 when every message after seq after is still held (or none exists). */
int		 ring_holds_after(const struct ring *r, int64_t after);

#endif
