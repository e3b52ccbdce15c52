/*
 * sub.c: subscribers, the part of the streamer that turns a job's ring
 * into writes.  WebSocket and control-channel subscribers share it: each
 * gets an introduction (status, the latest preview, the end if the job is
 * over), then the live messages, skipping stale ones when it is slow.
 * Previews go out in the subscriber's encoding; the latest one is encoded
 * again on demand, once per job and encoding, when nobody used that
 * encoding when it was emitted.
 * A message is written from the job's shared buffer, in fragments of at
 * most SUB_FRAGMENT bytes.  A subscriber with nothing in flight is
 * written to as soon as a message is broadcast; one with something in
 * flight waits for WRITEABLE.  Writes stop as soon as lws has to keep
 * part of one, so a slow subscriber holds at most one message and one
 * fragment in flight.
 */
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "log.h"
#include "streamer.h"

#define SUB_FRAGMENT	(64 * 1024)
#define SUB_BURST	8	/* writes per wakeup */

/* Fragments are staged here when lws needs headroom before them. */
static unsigned char scratch[LWS_PRE + SUB_FRAGMENT];

static struct msgbuf *
status_message(const struct job *job, int resumed)
{
	struct msgbuf *b;
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_STATUS;
	memcpy(m.job_id, job->id, sizeof(m.job_id));
	m.seq = job->seq;
	m.ts_us = now_wall_us();
	m.state = job->state;
	m.progress = job->progress;
	memcpy(m.shape, job->spec.shape, sizeof(m.shape));
	snprintf(m.epoch, sizeof(m.epoch), "%s", streamer->reg.epoch);
	m.resumed = resumed;
	if ((b = msgbuf_encode(&m, 0, &errstr)) == NULL)
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	return b;
}

/*
 * The job's latest preview in enc, from the cache job_emit() fills, or
 * encoded now from the one it holds in another encoding and cached.
 */
static struct msgbuf *
latest_preview(struct job *job, enum msg_encoding enc)
{
	struct msgbuf **have = job->latest_preview, *from = NULL;
	const char *errstr;
	int e;

	if (have[enc] != NULL)
		return have[enc];
	for (e = 0; e < MSG_NENC && from == NULL; e++)
		from = have[e];
	if (from == NULL)
		return NULL;
	if ((have[enc] = msgbuf_reencode(from, enc, &errstr)) == NULL) {
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
		return NULL;
	}
	streamer->reg.stats.encodes[enc]++;
	return have[enc];
}

/*
 * Attaches s, whose encoding the caller set, to job.  With has_since,
 * and the epoch the client saw given and matching this run (a seq means
 * nothing in another run), the messages after since are replayed when
 * the ring still holds them all; otherwise the client gets a fresh
 * snapshot.
 */
int
sub_attach(struct sub *s, struct job *job, int has_since, int64_t since,
    const char *epoch)
{
	int resumed = has_since && since <= job->seq && epoch != NULL &&
	    strcmp(epoch, streamer->reg.epoch) == 0 &&
	    ring_holds_after(&job->ring, since);
	struct msgbuf *status, *preview;

	if ((size_t)s->encoding >= MSG_NENC ||
	    (status = status_message(job, resumed)) == NULL)
		return -1;
	s->job = job;
	s->intro[s->nintro++] = status;
	if (resumed) {
		s->sent = since;
		s->replay_until = job->seq;
		/* It has had the terminal message already: close with 1000. */
		if (job->terminal != NULL && since >= job->seq)
			s->done = 1;
	} else {
		if ((preview = latest_preview(job, s->encoding)) != NULL)
			s->intro[s->nintro++] = msgbuf_ref(preview);
		if (job->terminal != NULL)
			s->intro[s->nintro++] = msgbuf_ref(job->terminal);
		s->sent = job->seq;
	}
	TAILQ_INSERT_TAIL(&job->subs, s, entry);
	job->nsubs++;
	job->nsubs_enc[s->encoding]++;
	lws_callback_on_writable(s->wsi);
	return 0;
}

void
sub_detach(struct sub *s)
{
	struct job *job = s->job;

	while (s->intro_pos < s->nintro)
		msgbuf_unref(s->intro[s->intro_pos++]);
	msgbuf_unref(s->cur);
	s->cur = NULL;
	if (job == NULL)
		return;
	TAILQ_REMOVE(&job->subs, s, entry);
	job->nsubs--;
	job->nsubs_enc[s->encoding]--;
	s->job = NULL;
	job_trim(job);
}

/* The job is being forgotten: its subscribers are told and let go. */
void
sub_job_dropping(struct job *job)
{
	struct sub *s;

	while ((s = TAILQ_FIRST(&job->subs)) != NULL) {
		sub_detach(s);
		if (!s->done)
			s->close_code = 4500;
		lws_callback_on_writable(s->wsi);
	}
}

static void
start(struct sub *s, struct msgbuf *b)
{
	s->cur = b;
	s->off = 0;
	s->cur_since = now_mono_us();
	if (b->type == MSG_COMPLETED || b->type == MSG_ERROR)
		s->done = 1;
	if (b->type != MSG_PREVIEW)
		return;
	if (s->last_preview_no != 0 && b->preview_no > s->last_preview_no + 1)
		s->skipped = b->preview_no - s->last_preview_no - 1;
	s->last_preview_no = b->preview_no;
	streamer->reg.stats.previews_skipped += s->skipped;
}

/* Picks the next message to write; 0 when there is none yet. */
static int
pick(struct sub *s)
{
	struct msgbuf *b;

	if (s->intro_pos < s->nintro) {
		/* The reference moves from intro to cur. */
		start(s, s->intro[s->intro_pos++]);
		return 1;
	}
	if (s->job == NULL || s->done)
		return 0;
	b = ring_next(&s->job->ring, s->sent, s->replay_until, s->encoding);
	if (b == NULL)
		return 0;
	s->sent = b->seq;
	start(s, msgbuf_ref(b));
	return 1;
}

/*
 * A message goes out as its JSON with, when previews were skipped, the
 * closing '}' replaced by ',"skipped":N}', and on the control channel a
 * '\n'.  Copies bytes [from, from + max) of that into dst.
 */
static size_t
stage(const struct sub *s, size_t from, unsigned char *dst, size_t max,
    size_t *total)
{
	char tail[48];
	size_t body = s->cur->len, tlen = 0, n = 0, k;

	if (s->skipped > 0) {
		body--;
		tlen = (size_t)snprintf(tail, sizeof(tail), ",\"skipped\":%llu}",
		    (unsigned long long)s->skipped);
	}
	if (s->kind == SUB_CONTROL)
		tail[tlen++] = '\n';
	*total = body + tlen;
	if (from < body) {
		n = body - from < max ? body - from : max;
		memcpy(dst, s->cur->json + from, n);
	}
	for (k = from + n - body; n < max && from + n < *total; n++, k++)
		dst[n] = (unsigned char)tail[k];
	return n;
}

/* Writes the next fragment of cur.  Returns 1 when cur is complete. */
static int
write_fragment(struct sub *s)
{
	enum lws_write_protocol proto;
	unsigned char *p = scratch + LWS_PRE;
	size_t n, total;
	int last;

	if (s->off == 0 && s->skipped == 0 && s->cur->len <= SUB_FRAGMENT) {
		/* The common case: the shared buffer, as it is. */
		p = s->cur->json;
		n = total = s->cur->len + (s->kind == SUB_CONTROL);
	} else
		n = stage(s, s->off, p, SUB_FRAGMENT, &total);
	last = s->off + n == total;
	if (s->kind == SUB_CONTROL)
		proto = LWS_WRITE_RAW;
	else {
		proto = s->off == 0 ? LWS_WRITE_TEXT : LWS_WRITE_CONTINUATION;
		if (!last)
			proto |= LWS_WRITE_NO_FIN;
	}
	if (lws_write(s->wsi, p, n, proto) < (int)n)
		return -1;
	s->off += n;
	streamer->reg.stats.bytes_sent += n;
	return last;
}

/*
 * Writes cur, and the messages after it, while the socket takes each
 * write whole, at most SUB_BURST writes: several messages cost one
 * wakeup, and a slow subscriber still holds at most one write inside
 * lws.  Returns -1 when a write failed.
 */
static int
flush(struct sub *s, int64_t now)
{
	int n, r;

	for (n = 0; n < SUB_BURST; n++) {
		if ((r = write_fragment(s)) == -1)
			return -1;
		keepalive_wrote(&s->ka, now);
		if (r == 1) {
			streamer->reg.stats.messages_sent++;
			msgbuf_unref(s->cur);
			s->cur = NULL;
			s->skipped = 0;
		}
		if (lws_partial_buffered(s->wsi) ||
		    (s->cur == NULL && !pick(s)))
			break;
	}
	return 0;
}

/*
 * Whether s has more to write (or a close to send) now; if not, it waits
 * for sub_wake_job().  A callback nobody needs costs a wakeup of the loop
 * per subscriber and message.
 */
static int
pending(const struct sub *s)
{
	return s->cur != NULL || s->done || s->close_code != 0 ||
	    s->intro_pos < s->nintro ||
	    (s->job != NULL && s->job->seq > s->sent);
}

/*
 * Handles a WRITEABLE callback.  Returns 0 to keep the connection, -1 to
 * close it (the caller sets no reason; for WebSockets it is set here).
 */
int
sub_writeable(struct sub *s)
{
	if (s->closing)
		return -1;
	if (s->close_code == 0 && (s->cur != NULL || pick(s))) {
		if (flush(s, now_mono_us()) == -1)
			return -1;
		if (pending(s))
			lws_callback_on_writable(s->wsi);
		return 0;
	}
	if (s->close_code == 0 && !s->done)
		return 0;
	if (s->kind == SUB_WS)
		lws_close_reason(s->wsi, s->close_code ?
		    (enum lws_close_status)s->close_code :
		    LWS_CLOSE_STATUS_NORMAL, NULL, 0);
	return -1;
}

/*
 * Writes to every subscriber of job that is idle, and asks the others
 * for WRITEABLE; flags the ones stuck too long.  Writing here rather than
 * from a WRITEABLE callback saves a trip through the loop per
 * subscriber and message.
 */
void
sub_wake_job(struct job *job)
{
	int64_t now = now_mono_us();
	int64_t limit = now - streamer->set.slow_s * 1000000;
	struct sub *s;

	TAILQ_FOREACH(s, &job->subs, entry) {
		/* Stuck: a message not all written, by us or inside lws. */
		int stuck = s->cur != NULL || lws_partial_buffered(s->wsi);

		if (stuck && s->cur_since < limit && !s->close_code) {
			log_info("%s: job %s: closing a subscriber that took "
			    "more than %llds for one message", __func__,
			    job->id, streamer->set.slow_s);
			s->close_code = 4001;
			streamer->reg.stats.slow_closed++;
			/* If it never drains, drop it without a close frame. */
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, 5);
		}
		if (s->closing)
			continue;
		if (stuck || s->close_code != 0 || streamer->stopping ||
		    s->intro_pos < s->nintro)
			lws_callback_on_writable(s->wsi);
		else if (pick(s) && flush(s, now) == -1) {
			/* lws sends nothing more on it: drop it. */
			s->closing = 1;
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_ASYNC);
		} else if (pending(s))
			lws_callback_on_writable(s->wsi);
	}
}
