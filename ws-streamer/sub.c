/*
 * sub.c: a subscriber's place in its job's stream, for WebSocket and
 * control-channel subscribers alike: its introduction (status, the
 * latest preview, the end if the job is over), then the live messages
 * from the job's ring, skipping stale ones when it is slow, and what it
 * has written of the message in hand.  The bytes go out through the
 * transport (fanout.c); nothing here writes.
 */
#include <stdio.h>
#include <string.h>

#include "broadcast.h"
#include "core.h"
#include "log.h"

static struct msgbuf *
status_message(const struct registry *reg, const struct job *job,
    int resumed)
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
	snprintf(m.epoch, sizeof(m.epoch), "%s", reg->epoch);
	m.resumed = resumed;
	/* Stated only beyond one label: the default's status is as before. */
	m.labels = job->spec.labels > 1 ? job->spec.labels : 0;
	if ((b = msgbuf_encode(&m, 0, &errstr)) == NULL)
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	return b;
}

/*
 * Attaches s, whose encoding the caller set, to job; the caller then
 * lets its transport write.  With has_since, and the epoch the client
 * saw given and matching this run (a seq means nothing in another run),
 * the messages after since are replayed when the ring still holds them
 * all; otherwise the client gets a fresh snapshot.
 */
int
sub_attach(struct registry *reg, struct sub *s, struct job *job,
    int has_since, int64_t since, const char *epoch)
{
	int resumed = has_since && since <= job->seq && epoch != NULL &&
	    strcmp(epoch, reg->epoch) == 0 &&
	    ring_holds_after(&job->ring, since);
	struct msgbuf *status, *preview;

	if ((size_t)s->encoding >= MSG_NENC ||
	    (status = status_message(reg, job, resumed)) == NULL)
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
		preview = job_latest_preview(reg, job, s->encoding);
		if (preview != NULL)
			s->intro[s->nintro++] = msgbuf_ref(preview);
		if (job->terminal != NULL)
			s->intro[s->nintro++] = msgbuf_ref(job->terminal);
		s->sent = job->seq;
	}
	TAILQ_INSERT_TAIL(&job->subs, s, entry);
	job->nsubs++;
	job->nsubs_enc[s->encoding]++;
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

/* The previews s would say it missed were b the next it writes. */
static int64_t
skipped_before(const struct sub *s, const struct msgbuf *b)
{
	if (b->type != MSG_PREVIEW || s->last_preview_no == 0 ||
	    b->preview_no <= s->last_preview_no + 1)
		return 0;
	return (int64_t)(b->preview_no - s->last_preview_no - 1);
}

/*
 * b is the message to write next; the reference is the subscriber's.
 * live: b is written as it is broadcast, not introduced or replayed.
 */
static void
start(struct registry *reg, struct sub *s, struct msgbuf *b, int live)
{
	s->cur = b;
	s->cur_live = live;
	s->off = 0;
	s->cur_since = now_mono_us();
	if (b->type == MSG_COMPLETED || b->type == MSG_ERROR)
		s->done = 1;
	if (b->type != MSG_PREVIEW)
		return;
	s->skipped = skipped_before(s, b);
	s->last_preview_no = b->preview_no;
	reg->stats.previews_skipped += (uint64_t)s->skipped;
}

/*
 * Takes the next message to write into s->cur, when there is none in
 * hand: 1 when there is one then, 0 when nothing is due yet.
 */
int
sub_next(struct registry *reg, struct sub *s)
{
	struct msgbuf *b;

	if (s->cur != NULL)
		return 1;
	if (s->intro_pos < s->nintro) {
		/* The reference moves from intro to cur. */
		start(reg, s, s->intro[s->intro_pos++], 0);
		return 1;
	}
	if (s->job == NULL || s->done)
		return 0;
	b = ring_next(&s->job->ring, s->sent, s->replay_until, s->encoding);
	if (b == NULL)
		return 0;
	s->sent = b->seq;
	start(reg, s, msgbuf_ref(b), b->seq > s->replay_until);
	return 1;
}

/*
 * The message sub_next() would take once the one in hand is written,
 * and in *skipped the previews it would say were missed; NULL when none
 * is due yet (no reference is taken).  A transport that writes several
 * messages at once asks.
 */
struct msgbuf *
sub_peek(const struct sub *s, int64_t *skipped)
{
	struct msgbuf *b;

	if (s->intro_pos < s->nintro)
		b = s->intro[s->intro_pos];
	else if (s->job == NULL || s->done)
		return NULL;
	else if ((b = ring_next(&s->job->ring, s->sent, s->replay_until,
	    s->encoding)) == NULL)
		return NULL;
	*skipped = skipped_before(s, b);
	return b;
}

/*
 * The message in hand is cur's shared bytes, then, when previews were
 * skipped, its end as msg_preview_end() writes it in place of the last
 * '}'; on the control channel a '\n' ends it.  This is how many of the
 * shared bytes go out (the '\n' after the JSON included).
 */
size_t
sub_shared_len(const struct sub *s)
{
	if (s->skipped > 0)
		return s->cur->len - 1;
	return s->cur->len + (s->line ? 1 : 0);
}

/* The bytes after the shared ones, into buf (SUB_TAIL_MAX); 0 if none. */
size_t
sub_tail(const struct sub *s, char *buf, size_t size)
{
	size_t n;

	if (s->skipped <= 0)
		return 0;
	n = msg_preview_end(s->skipped, buf, size - 1);
	if (s->line)
		buf[n++] = '\n';
	return n;
}

/* Every byte of the message in hand, its tail included. */
size_t
sub_total_len(const struct sub *s)
{
	char tail[SUB_TAIL_MAX];

	return sub_shared_len(s) + sub_tail(s, tail, sizeof(tail));
}

/*
 * The transport wrote n more bytes of the message in hand at now.
 * Returns 1 when that completed it (it is let go), 0 when more remains.
 */
int
sub_wrote(struct registry *reg, struct sub *s, size_t n, int64_t now)
{
	s->off += n;
	reg->stats.bytes_sent += n;
	if (s->ka != NULL)
		keepalive_wrote(s->ka, now);
	if (s->off < sub_total_len(s))
		return 0;
	reg->stats.messages_sent++;
	if (s->cur_live)
		broadcast_written(s->cur, now_mono_us());
	msgbuf_unref(s->cur);
	s->cur = NULL;
	s->skipped = 0;
	return 1;
}

/*
 * Whether s has more to write (or a close to send) now; if not, it
 * waits for its job's next message.
 */
int
sub_pending(const struct sub *s)
{
	return s->cur != NULL || s->done || s->close_code != 0 ||
	    s->intro_pos < s->nintro ||
	    (s->job != NULL && s->job->seq > s->sent);
}

/* The job is being forgotten: s is let go, to be closed with 4500. */
void
sub_orphan(struct sub *s)
{
	sub_detach(s);
	if (!s->done)
		s->close_code = 4500;
}
