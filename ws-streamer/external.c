/*
 * external.c: the external producer.  Another process makes the job's
 * messages and publishes them (docs/protocol.md: the control channel's
 * publish and put_* operations, the REST API's PUT and POST under
 * /api/jobs/{id}); ops.c decodes each, a preview straight into the job's
 * preview buffer, and hands it here.  This producer holds it to the
 * job's rules (labels, progress that never goes back, at most preview.hz
 * previews a second with a small burst) and fails a job whose producer
 * stays silent for producer_timeout_s.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "log.h"

/* Previews a producer may publish at once, beyond preview.hz a second. */
#define EXTERNAL_BURST	3.0

/* What an external job keeps, in job->producer_state. */
struct external {
	double		 tokens;	/* previews it may publish now */
	int64_t		 refilled_us;	/* monotonic, when tokens was topped up */
};

/* The silence that fails the job starts again now. */
static void
heard(struct registry *reg, struct job *job, int64_t now_mono)
{
	int64_t timeout = (int64_t)job->spec.producer_timeout_s * 1000000;

	if (timeout > 0 &&
	    dueheap_set(&reg->due, &job->due, now_mono + timeout) == -1)
		log_warnx("%s: job %s: no memory to time its producer",
		    __func__, job->id);
}

static int
external_start(struct registry *reg, struct job *job, const char **errstr)
{
	struct external *x;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		*errstr = "out of memory";
		return -1;
	}
	x->tokens = EXTERNAL_BURST;
	x->refilled_us = now_mono_us();
	job->producer_state = x;
	heard(reg, job, x->refilled_us);
	return 0;
}

/* After a restart the producer gets its whole timeout again. */
static void
external_resume(struct registry *reg, struct job *job, int64_t now_wall,
    int64_t now_mono)
{
	const char *errstr;

	(void)now_wall;
	(void)now_mono;
	if (external_start(reg, job, &errstr) == -1)
		job_fail(reg, job, "producer_failed", errstr);
}

/* Its due time came: the producer said nothing for producer_timeout_s. */
static void
external_tick(struct registry *reg, struct job *job, int64_t now_mono)
{
	char why[MSG_TEXT_MAX];

	(void)now_mono;
	snprintf(why, sizeof(why), "the producer published nothing for %d s "
	    "(producer_timeout_s)", job->spec.producer_timeout_s);
	log_info("%s: job %s: %s", __func__, job->id, why);
	job_fail(reg, job, "producer_timeout", why);
}

static void
external_stop(struct registry *reg, struct job *job)
{
	(void)reg;
	free(job->producer_state);
	job->producer_state = NULL;
}

/* One preview taken from the bucket, or the seconds until there is one. */
static int
take_token(struct job *job, struct external *x, int64_t now,
    struct refusal *r)
{
	double hz = job->spec.hz, wait;

	x->tokens = fmin(EXTERNAL_BURST, x->tokens +
	    (double)(now - x->refilled_us) * hz / 1e6);
	x->refilled_us = now;
	if (x->tokens >= 1.0) {
		x->tokens -= 1.0;
		return 0;
	}
	wait = (1.0 - x->tokens) / hz;
	refusal_set(r, CTLPROTO_RATE_LIMITED, "the job takes at most %g "
	    "previews a second (preview.hz); retry in %.1f s", hz, wait);
	r->retry_after_s = (int)ceil(wait);
	return -1;
}

/* Every voxel 0..labels; the first that is not is named. */
static int
check_labels(const struct job *job, const struct msg *m, struct refusal *r)
{
	size_t i;

	for (i = 0; i < m->payload_len; i++)
		if (m->payload[i] > job->spec.labels) {
			refusal_set(r, CTLPROTO_BAD_MESSAGE, "preview voxel %zu "
			    "is %u, above the job's labels (%d)", i,
			    m->payload[i], job->spec.labels);
			return -1;
		}
	return 0;
}

/* What the job's rules say of m, before it is emitted. */
static int
check(struct job *job, struct external *x, const struct msg *m,
    struct refusal *r)
{
	if (m->type == MSG_PROGRESS && m->progress < job->progress) {
		refusal_set(r, CTLPROTO_BAD_MESSAGE, "progress %d is below the "
		    "job's %d: it never goes back", m->progress, job->progress);
		return -1;
	}
	if (m->type != MSG_PREVIEW)
		return 0;
	if (check_labels(job, m, r) == -1)
		return -1;
	return take_token(job, x, now_mono_us(), r);
}

static int
external_publish(struct registry *reg, struct job *job, struct msg *m,
    struct refusal *r)
{
	struct external *x = job->producer_state;
	const char *errstr;

	if (x == NULL) {
		refusal_set(r, CTLPROTO_INTERNAL, "the job has no producer "
		    "state");
		return -1;
	}
	if (check(job, x, m, r) == -1)
		return -1;
	/* skipped is per subscriber, never the producer's to say. */
	m->skipped = 0;
	reg->journal_failed = 0;
	if (job_emit(reg, job, m, &errstr) == -1) {
		refusal_set(r, reg->journal_failed ? CTLPROTO_JOURNAL_FAILED :
		    CTLPROTO_BAD_MESSAGE, "%s", errstr);
		return -1;
	}
	if (!msg_state_terminal(job->state))
		heard(reg, job, now_mono_us());
	return 0;
}

const struct producer external_producer = {
	.name = "external",
	.start = external_start,
	.tick = external_tick,
	.resume = external_resume,
	.stop = external_stop,
	.publish = external_publish
};
