/*
 * test_sub.c: a subscriber's place in its job's stream (sub.c), with no
 * transport: the introduction of a fresh and of a resumed subscriber,
 * the live messages, stale previews skipped and said so by the one
 * writer of "skipped", a job forgotten under its subscribers, and which
 * writes end a broadcast.
 */
#include <stdlib.h>
#include <string.h>

#include "broadcast.h"
#include "core.h"
#include "unit.h"

static struct settings	 set;
static struct registry	 reg;

static struct job *
setup(void)
{
	struct jobspec spec;
	struct job_tokens tokens;
	enum ctlproto_err err;
	const char *errstr;
	struct json_object *o;
	struct job *job;
	char why[256];

	settings_defaults(&set);
	CU_ASSERT_FATAL(registry_init(&reg, &set) == 0);
	o = json_tokener_parse("{\"shape\":[2,2,2],\"producer\":\"external\"}");
	CU_ASSERT_FATAL(jobspec_parse(o, &spec, why, sizeof(why)) == 0);
	json_object_put(o);
	job = job_create(&reg, &spec, &tokens, &err, &errstr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job);
	return job;
}

static void
teardown(void)
{
	registry_free(&reg);
	settings_free(&set);
}

static void
emit_progress(struct job *job, int progress)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	m.progress = progress;
	CU_ASSERT_FATAL(job_emit(&reg, job, &m, &errstr) == 0);
}

/* A preview of eight voxels, all v, made in the job's own buffer. */
static void
emit_preview(struct job *job, uint8_t v)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PREVIEW;
	m.scale = 1;
	m.shape[0] = m.shape[1] = m.shape[2] = 2;
	m.payload = job_preview_buffer(job);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m.payload);
	memset(m.payload, v, 8);
	m.payload_len = 8;
	CU_ASSERT_FATAL(job_emit(&reg, job, &m, &errstr) == 0);
}

/*
 * Takes the next message as the transport would write it, whole: its
 * shared bytes, then its tail.  Returns the bytes (the caller frees
 * them; *len their length) or NULL when nothing is due.
 */
static char *
take(struct sub *s, size_t *len)
{
	char tail[SUB_TAIL_MAX], *out;
	size_t shared, n;

	if (!sub_next(&reg, s))
		return NULL;
	shared = sub_shared_len(s);
	n = sub_tail(s, tail, sizeof(tail));
	CU_ASSERT_EQUAL(sub_total_len(s), shared + n);
	out = malloc(shared + n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memcpy(out, s->cur->json, shared);
	memcpy(out + shared, tail, n);
	out[shared + n] = '\0';
	*len = shared + n;
	/* In two writes, as a transport may. */
	CU_ASSERT_EQUAL(sub_wrote(&reg, s, 1, 0), shared + n == 1);
	if (shared + n > 1)
		CU_ASSERT_EQUAL(sub_wrote(&reg, s, shared + n - 1, 0), 1);
	CU_ASSERT_PTR_NULL(s->cur);
	return out;
}

/* The next message, decoded; its type, or -1 when nothing is due. */
static int
take_msg(struct sub *s, struct msg *m)
{
	const char *errstr;
	size_t len;
	char *text;
	int r;

	if ((text = take(s, &len)) == NULL)
		return -1;
	if (s->line) {
		CU_ASSERT_FATAL(len > 0 && text[len - 1] == '\n');
		len--;
	}
	r = msg_decode(text, len, m, &errstr);
	CU_ASSERT_EQUAL(r, 0);
	free(text);
	return r == 0 ? (int)m->type : -1;
}

static void
test_fresh(void)
{
	struct job *job = setup();
	struct sub s;
	struct msg m;

	emit_progress(job, 10);
	emit_preview(job, 1);
	emit_progress(job, 20);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sub_attach(&reg, &s, job, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(job->nsubs, 1);
	CU_ASSERT(sub_pending(&s));
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_STATUS);
	CU_ASSERT_EQUAL(m.seq, 3);
	CU_ASSERT_FALSE(m.resumed);
	CU_ASSERT_STRING_EQUAL(m.epoch, reg.epoch);
	msg_clear(&m);
	/* The latest preview keeps its own seq. */
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.seq, 2);
	CU_ASSERT_EQUAL(m.payload[7], 1);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), -1);
	CU_ASSERT_FALSE(sub_pending(&s));

	emit_preview(job, 0);
	CU_ASSERT(sub_pending(&s));
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.seq, 4);
	CU_ASSERT_EQUAL(m.skipped, 0);
	msg_clear(&m);
	sub_detach(&s);
	CU_ASSERT_EQUAL(job->nsubs, 0);
	teardown();
}

/* A slow subscriber gets the newest preview with how many it missed. */
static void
test_skipped(void)
{
	struct job *job = setup();
	struct sub ws, line;
	struct msg m;
	int i;

	emit_preview(job, 1);
	memset(&ws, 0, sizeof(ws));
	memset(&line, 0, sizeof(line));
	line.line = 1;
	CU_ASSERT_EQUAL(sub_attach(&reg, &ws, job, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(sub_attach(&reg, &line, job, 0, 0, NULL), 0);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(take_msg(&ws, &m), i == 0 ? MSG_STATUS :
		    MSG_PREVIEW);
		msg_clear(&m);
		CU_ASSERT_EQUAL(take_msg(&line, &m), i == 0 ? MSG_STATUS :
		    MSG_PREVIEW);
		msg_clear(&m);
	}
	for (i = 2; i <= 4; i++) {
		emit_progress(job, 10 * i);
		emit_preview(job, (uint8_t)(i % 2));
	}
	CU_ASSERT_EQUAL(reg.stats.previews_skipped, 0);
	/* The last progress and the last preview, two previews skipped. */
	CU_ASSERT_EQUAL(take_msg(&ws, &m), MSG_PROGRESS);
	CU_ASSERT_EQUAL(m.progress, 40);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&ws, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.skipped, 2);
	CU_ASSERT_EQUAL(m.seq, job->seq);
	msg_clear(&m);
	/* The same on a line, which ends with its newline after the tail. */
	CU_ASSERT_EQUAL(take_msg(&line, &m), MSG_PROGRESS);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&line, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.skipped, 2);
	msg_clear(&m);
	CU_ASSERT_EQUAL(reg.stats.previews_skipped, 4);
	/* The shared bytes were not changed for anyone. */
	CU_ASSERT(strstr((const char *)job->preview.enc[MSG_ENC_BASE64]->json,
	    "skipped") == NULL);
	sub_detach(&ws);
	sub_detach(&line);
	teardown();
}

/* since and the run's epoch: every retained message after since. */
static void
test_resumed(void)
{
	struct job *job = setup();
	struct sub s;
	struct msg m;

	emit_progress(job, 10);
	emit_preview(job, 1);
	emit_progress(job, 20);
	emit_preview(job, 0);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sub_attach(&reg, &s, job, 1, 1, reg.epoch), 0);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_STATUS);
	CU_ASSERT(m.resumed);
	msg_clear(&m);
	/* Nothing is stale up to where it resumed from: 2, 3, 4. */
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.seq, 2);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PROGRESS);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.seq, 4);
	CU_ASSERT_EQUAL(m.skipped, 0);
	msg_clear(&m);
	sub_detach(&s);

	/* Another run's epoch: a fresh snapshot instead. */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sub_attach(&reg, &s, job, 1, 1, "other"), 0);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_STATUS);
	CU_ASSERT_FALSE(m.resumed);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.seq, 4);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), -1);
	sub_detach(&s);
	teardown();
}

/* A finished job: its end, then nothing; forgotten: 4500 unless done. */
static void
test_end_and_orphan(void)
{
	struct job *job = setup();
	struct sub done, early;
	struct msg m;

	emit_preview(job, 1);
	memset(&early, 0, sizeof(early));
	CU_ASSERT_EQUAL(sub_attach(&reg, &early, job, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(job_cancel(&reg, job), 0);
	memset(&done, 0, sizeof(done));
	CU_ASSERT_EQUAL(sub_attach(&reg, &done, job, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(take_msg(&done, &m), MSG_STATUS);
	CU_ASSERT_EQUAL(m.state, JOB_CANCELLED);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&done, &m), MSG_PREVIEW);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&done, &m), MSG_COMPLETED);
	msg_clear(&m);
	CU_ASSERT(done.done);
	CU_ASSERT_EQUAL(take_msg(&done, &m), -1);

	sub_orphan(&done);
	sub_orphan(&early);
	CU_ASSERT_EQUAL(done.close_code, 0);
	CU_ASSERT_EQUAL(early.close_code, 4500);
	CU_ASSERT_PTR_NULL(early.job);
	CU_ASSERT_EQUAL(job->nsubs, 0);
	teardown();
}

/*
 * A broadcast is observed when its buffer goes, if a subscriber wrote it
 * live: not the latest preview introduced to a new subscriber, not a
 * message nobody took.
 */
static void
test_broadcast(void)
{
	const struct histo *h = broadcast_histo();
	struct job *job = setup();
	uint64_t before = histo_count(h);
	double sum = h->sum;
	struct sub s;
	struct msg m;

	emit_preview(job, 1);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sub_attach(&reg, &s, job, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_STATUS);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PREVIEW);
	msg_clear(&m);
	CU_ASSERT_FALSE(s.cur_live);
	emit_progress(job, 10);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PROGRESS);
	msg_clear(&m);
	emit_progress(job, 20);
	sub_detach(&s);
	/* The ring still holds them: nothing is over yet. */
	CU_ASSERT_EQUAL(histo_count(h), before);
	teardown();
	CU_ASSERT_EQUAL(histo_count(h), before + 1);
	CU_ASSERT(h->sum >= sum && h->sum - sum < 60);

	/* Replayed to a resumed subscriber: not a broadcast either. */
	job = setup();
	emit_progress(job, 10);
	emit_progress(job, 20);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(sub_attach(&reg, &s, job, 1, 0, reg.epoch), 0);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_STATUS);
	msg_clear(&m);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PROGRESS);
	msg_clear(&m);
	CU_ASSERT_FALSE(s.cur_live);
	CU_ASSERT_EQUAL(take_msg(&s, &m), MSG_PROGRESS);
	msg_clear(&m);
	sub_detach(&s);
	teardown();
	CU_ASSERT_EQUAL(histo_count(h), before + 1);
}

static CU_TestInfo cases[] = {
	{ "a fresh subscriber: status, latest preview, live", test_fresh },
	{ "stale previews skipped, and said so", test_skipped },
	{ "a resumed subscriber gets every retained message", test_resumed },
	{ "a finished job's end; a forgotten job's subscribers",
	    test_end_and_orphan },
	{ "a broadcast ends with its last live write", test_broadcast },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("sub", cases);
}
