/*
 * fanout.c: the writes of a job's messages to its subscribers' sockets,
 * through libwebsockets.  Every subscriber writes from the job's shared
 * buffer itself, in fragments of at most FANOUT_FRAGMENT bytes, never
 * from a copy of its own.  A subscriber with nothing in flight is written
 * to as soon as a message is broadcast; one with something in flight
 * waits for WRITEABLE.  Writes stop as soon as lws has to keep part of
 * one, so a slow subscriber holds at most one fragment inside lws.  A
 * WebSocket subscriber due a tick's progress and preview whole writes
 * both at once, from a bundle its job's subscribers share (wsbundle.c).
 */
#include <string.h>

#include "log.h"
#include "streamer.h"
#include "wsbundle.h"

/*
 * lws sends at most its tx_packet_size (64 KiB, ws.c) per write and
 * copies the rest: a fragment never makes it copy more than that.
 */
#define FANOUT_FRAGMENT	(64 * 1024)
#define FANOUT_BURST	8	/* writes per wakeup */

/*
 * Writes n bytes at p as a WebSocket frame of the message in hand.  lws
 * puts the frame's header in the LWS_PRE bytes before p, which inside
 * the shared buffer are message bytes already sent to this subscriber:
 * they are kept aside and put back, so the buffer is the same for the
 * next subscriber.  lws has copied whatever the socket did not take.
 */
static int
write_ws(struct lws *wsi, unsigned char *p, size_t n, int first, int last)
{
	enum lws_write_protocol proto;
	unsigned char saved[LWS_PRE];
	int r;

	proto = first ? LWS_WRITE_TEXT : LWS_WRITE_CONTINUATION;
	if (!last)
		proto |= LWS_WRITE_NO_FIN;
	memcpy(saved, p - LWS_PRE, LWS_PRE);
	r = lws_write(wsi, p, n, proto);
	memcpy(p - LWS_PRE, saved, LWS_PRE);
	return r < (int)n ? -1 : 0;
}

/*
 * Writes the next fragment of the message in hand: its shared bytes,
 * then its tail (sub_tail()) from a buffer of this call's.  Returns 1
 * when the message is complete, 0 when more is to come, -1 when the
 * write failed.
 */
static int
write_fragment(struct sub *s, int64_t now)
{
	unsigned char tail[LWS_PRE + SUB_TAIL_MAX], *p;
	size_t shared = sub_shared_len(s), total = sub_total_len(s), n;
	int r;

	if (s->off < shared) {
		p = s->cur->json + s->off;
		n = shared - s->off < FANOUT_FRAGMENT ? shared - s->off :
		    FANOUT_FRAGMENT;
	} else {
		p = tail + LWS_PRE;
		n = sub_tail(s, (char *)p, SUB_TAIL_MAX);
	}
	if (s->line)
		r = lws_write(s->conn, p, n, LWS_WRITE_RAW) < (int)n ? -1 : 0;
	else
		r = write_ws(s->conn, p, n, s->off == 0, s->off + n == total);
	if (r == -1)
		return -1;
	return sub_wrote(&streamer->reg, s, n, now);
}

/* Whether b is the job's own message of its seq, shared by all. */
static int
in_ring(const struct sub *s, const struct msgbuf *b)
{
	return ring_get_enc(&s->job->ring, b->seq, s->encoding) == b;
}

/*
 * Writes the message in hand and the next one in one write, from their
 * job's bundle, when the subscriber is due both whole (none skipped, no
 * tail of its own).  Returns 1 when it did, 0 when they go one by one,
 * -1 when the write failed.
 */
static int
write_bundle(struct sub *s, int64_t now)
{
	struct registry *reg = &streamer->reg;
	const struct wsbundle *w;
	struct msgbuf *next;
	int64_t skipped;

	if (s->line || s->off != 0 || s->skipped != 0 || s->job == NULL ||
	    !in_ring(s, s->cur) || (next = sub_peek(s, &skipped)) == NULL ||
	    skipped != 0 || !in_ring(s, next) ||
	    (w = wsbundle_get(s->job, s->encoding, s->cur, next)) == NULL)
		return 0;
	/* Bytes already framed: lws sends them as they are. */
	if (lws_write(s->conn, w->frames, w->len, LWS_WRITE_HTTP) <
	    (int)w->len)
		return -1;
	sub_wrote(reg, s, s->cur->len, now);
	if (!sub_next(reg, s) || s->cur != next) {
		log_warnx("%s: job %s: a subscriber took another message "
		    "than its bundle's; closing it", __func__, s->job->id);
		return -1;
	}
	sub_wrote(reg, s, next->len, now);
	return 1;
}

/*
 * Writes the message in hand, and the ones after it, while the socket
 * takes each write whole, at most FANOUT_BURST writes: several messages
 * cost one wakeup, and a slow subscriber still holds at most one write
 * inside lws.  Returns -1 when a write failed.
 */
static int
flush(struct sub *s, int64_t now)
{
	int n, r;

	for (n = 0; n < FANOUT_BURST; n++) {
		if ((r = write_bundle(s, now)) == -1 ||
		    (r == 0 && write_fragment(s, now) == -1))
			return -1;
		if (lws_partial_buffered(s->conn) ||
		    !sub_next(&streamer->reg, s))
			break;
	}
	return 0;
}

/*
 * Handles a WRITEABLE callback.  Returns 0 to keep the connection, -1 to
 * close it (for WebSockets with the reason set here).
 */
int
fanout_writeable(struct sub *s)
{
	if (s->closing)
		return -1;
	if (s->close_code == 0 && sub_next(&streamer->reg, s)) {
		if (flush(s, now_mono_us()) == -1)
			return -1;
		if (sub_pending(s))
			lws_callback_on_writable(s->conn);
		return 0;
	}
	if (s->close_code == 0 && !s->done)
		return 0;
	if (!s->line)
		lws_close_reason(s->conn, s->close_code ?
		    (enum lws_close_status)s->close_code :
		    LWS_CLOSE_STATUS_NORMAL, NULL, 0);
	return -1;
}

/*
 * A subscriber stuck on one message (not all written, by us or inside
 * lws) since before limit is closed with 4001, or dropped without a
 * close frame if it never drains.  Returns whether it is stuck at all.
 */
static int
check_slow(struct job *job, struct sub *s, int64_t limit)
{
	int stuck = s->cur != NULL || lws_partial_buffered(s->conn);

	if (stuck && s->cur_since < limit && !s->close_code) {
		log_info("%s: job %s: closing a subscriber that took more "
		    "than %llds for one message", __func__, job->id,
		    streamer->set.slow_s);
		s->close_code = 4001;
		streamer->reg.stats.slow_closed++;
		lws_set_timeout(s->conn, PENDING_TIMEOUT_USER_OK, 5);
	}
	return stuck;
}

/*
 * The registry's wake hook: writes to every subscriber of job that is
 * idle, and asks the others for WRITEABLE.  Writing here rather than
 * from a WRITEABLE callback saves a trip through the loop per
 * subscriber and message.
 */
void
fanout_wake_job(struct job *job)
{
	int64_t now = now_mono_us();
	int64_t limit = now - streamer->set.slow_s * 1000000;
	struct sub *s;
	int stuck;

	TAILQ_FOREACH(s, &job->subs, entry) {
		stuck = check_slow(job, s, limit);
		if (s->closing)
			continue;
		if (stuck || s->close_code != 0 || streamer->stopping ||
		    s->intro_pos < s->nintro)
			lws_callback_on_writable(s->conn);
		else if (sub_next(&streamer->reg, s) && flush(s, now) == -1) {
			/* lws sends nothing more on it: drop it. */
			s->closing = 1;
			lws_set_timeout(s->conn, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_ASYNC);
		} else if (sub_pending(s))
			lws_callback_on_writable(s->conn);
	}
}

/* The registry's dropping hook: the job's subscribers are let go. */
void
fanout_job_dropping(struct job *job)
{
	struct sub *s;

	while ((s = TAILQ_FIRST(&job->subs)) != NULL) {
		sub_orphan(s);
		lws_callback_on_writable(s->conn);
	}
	wsbundle_free_job(job);
}
