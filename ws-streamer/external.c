/*
 * external.c: the external producer.  Another process makes the job's
 * messages and publishes them (the control channel's "publish"); the job
 * waits for them and has nothing to start, tick, resume or stop.  A
 * published message is checked by the stream messages' own decoder, its
 * preview decoded once, straight into the job's preview buffer.
 */
#include <string.h>

#include "core.h"

/* The masks of today's protocol are 0 or 1. */
static int
binary_mask(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->payload_len; i++)
		if (m->payload[i] > 1)
			return 0;
	return 1;
}

static int
refuse(enum ctlproto_err code, const char *message, enum ctlproto_err *err,
    const char **why)
{
	*err = code;
	*why = message;
	return -1;
}

static int
external_publish(struct registry *reg, struct job *job,
    struct json_object *o, enum ctlproto_err *err, const char **why)
{
	struct msg_preview_dest dest;
	const char *errstr;
	struct msg m;

	dest.scale = job->spec.scale;
	memcpy(dest.shape, job->spec.pshape, sizeof(dest.shape));
	if ((dest.buf = job_preview_buffer(job)) == NULL)
		return refuse(CTLPROTO_INTERNAL, "out of memory", err, why);
	if (msg_decode_published(o, &dest, &m, &errstr) == -1)
		return refuse(CTLPROTO_BAD_MESSAGE, errstr, err, why);
	if (m.type == MSG_PREVIEW && !binary_mask(&m))
		return refuse(CTLPROTO_BAD_MESSAGE, "a preview's mask values "
		    "are 0 or 1", err, why);
	/* skipped is per subscriber, never the producer's to say. */
	m.skipped = 0;
	reg->journal_failed = 0;
	if (job_emit(reg, job, &m, &errstr) == -1)
		return refuse(reg->journal_failed ? CTLPROTO_JOURNAL_FAILED :
		    CTLPROTO_BAD_MESSAGE, errstr, err, why);
	return 0;
}

const struct producer external_producer = {
	.name = "external",
	.start = NULL,
	.tick = NULL,
	.resume = NULL,
	.stop = NULL,
	.publish = external_publish
};
