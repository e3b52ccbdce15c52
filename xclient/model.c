/*
 * model.c: the viewer's state, changed only by messages that pass
 * msg_decode() and belong to the job being watched.  A bad message is
 * counted and reported, never fatal.  In headless mode every accepted
 * message is also printed as one line.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

void
model_init(struct model *m, const char *job_id)
{
	memset(m, 0, sizeof(*m));
	m->last_seq = -1;
	m->preview_seq = -1;
	m->snapshot_seq = -1;
	m->conn = CONN_CONNECTING;
	if (job_id != NULL)
		snprintf(m->job_id, sizeof(m->job_id), "%s", job_id);
}

void
model_free(struct model *m)
{
	free(m->mask);
	m->mask = NULL;
}

void
model_note(struct model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->note, sizeof(m->note), fmt, ap);
	va_end(ap);
}

const char *
model_conn_name(enum conn_state c)
{
	static const char *const names[] = {
		"connecting", "live", "reconnecting", "closed"
	};

	return names[c];
}

static void
count_rate(struct model *m, int64_t now_us)
{
	if (now_us - m->rate_window >= 1000000) {
		m->rate = m->rate_window == 0 ? 0 :
		    m->rate_count * 1e6 / (double)(now_us - m->rate_window);
		m->rate_window = now_us;
		m->rate_count = 0;
	}
	m->rate_count++;
}

/* How many voxels of each label a preview holds. */
static void
count_labels(const uint8_t *v, size_t n, uint64_t counts[256])
{
	size_t i;

	memset(counts, 0, 256 * sizeof(counts[0]));
	for (i = 0; i < n; i++)
		counts[v[i]]++;
}

/* Keeps the preview: the model takes the decoded payload. */
static void
take_preview(struct model *m, struct msg *msg)
{
	count_labels(msg->payload, msg->payload_len, m->label_voxels);
	free(m->mask);
	m->mask = msg->payload;
	m->mask_len = msg->payload_len;
	msg->payload = NULL;
	memcpy(m->pshape, msg->shape, sizeof(m->pshape));
	m->scale = msg->scale;
	m->preview_seq = msg->seq;
	m->previews++;
}

/* " voxels 0:N 1:N ...": each label the latest preview holds, and how
 * much (counted once, when the model took it). */
static void
print_label_counts(FILE *out, const struct model *m)
{
	int l;

	fputs(" voxels", out);
	for (l = 0; l < 256; l++)
		if (m->label_voxels[l] > 0)
			fprintf(out, " %d:%llu", l,
			    (unsigned long long)m->label_voxels[l]);
}

/* msg's line, once the model has applied it. */
static void
print_line(FILE *out, const struct msg *msg, const struct model *m)
{
	fprintf(out, "%s seq %lld", msg_type_name(msg->type),
	    (long long)msg->seq);
	if (msg->type == MSG_PREVIEW || msg->type == MSG_STATUS)
		fprintf(out, " shape %ux%ux%u", msg->shape[0], msg->shape[1],
		    msg->shape[2]);
	if (msg->type == MSG_PREVIEW && msg->skipped > 0)
		fprintf(out, " skipped %lld", (long long)msg->skipped);
	if (msg->type == MSG_PREVIEW)
		print_label_counts(out, m);
	if (msg->type == MSG_STATUS && msg->labels > 1)
		fprintf(out, " labels %d", msg->labels);
	if (msg->type == MSG_STATUS)
		fprintf(out, " resumed %d", msg->resumed);
	if (msg->type == MSG_PROGRESS || msg->type == MSG_STATUS)
		fprintf(out, " progress %d", msg->progress);
	if (msg->type == MSG_COMPLETED || msg->type == MSG_STATUS)
		fprintf(out, " state %s", msg_state_name(msg->state));
	if (msg->type == MSG_ERROR)
		fprintf(out, " code %s", msg->code);
	fprintf(out, " latency %.1f ms\n", m->latency_ms);
	fflush(out);
}

/*
 * Checks what the protocol promises across messages: the job is ours and
 * broadcast numbers never go back.  The exception is the snapshot after
 * a fresh status: the latest preview and a finished job's end keep
 * their own numbers, up to the status's.
 */
static const char *
check_order(const struct model *m, const struct msg *msg)
{
	if (m->job_id[0] != '\0' && strcmp(msg->job_id, m->job_id) != 0)
		return "a message of another job";
	if (msg->type == MSG_STATUS || msg->seq > m->last_seq)
		return NULL;
	if (msg->seq <= m->snapshot_seq && msg->type != MSG_PROGRESS)
		return NULL;
	return "seq went backwards";
}

static void
apply(struct model *m, struct msg *msg)
{
	switch (msg->type) {
	case MSG_STATUS:
		m->have_status = 1;
		m->state = msg->state;
		m->progress = msg->progress;
		memcpy(m->vshape, msg->shape, sizeof(m->vshape));
		snprintf(m->epoch, sizeof(m->epoch), "%s", msg->epoch);
		/* A fresh snapshot (maybe of a restarted streamer) restarts
		 * the numbering; a resumed one continues ours. */
		m->snapshot_seq = msg->resumed ? -1 : msg->seq;
		if (!msg->resumed)
			m->last_seq = msg->seq;
		return;
	case MSG_PROGRESS:
		m->progress = msg->progress;
		m->state = msg->state;
		break;
	case MSG_PREVIEW:
		take_preview(m, msg);
		break;
	case MSG_COMPLETED:
		m->state = msg->state;
		if (msg->state == JOB_SUCCEEDED)
			m->progress = 100;
		m->terminal = 1;
		break;
	case MSG_ERROR:
		m->state = JOB_FAILED;
		m->terminal = 1;
		model_note(m, "job failed: %s: %s", msg->code, msg->message);
		break;
	}
	if (msg->seq > m->last_seq)
		m->last_seq = msg->seq;
}

/*
 * Applies one message.  Returns its type, or -1 when it was rejected
 * (the reason goes to the note, and to lines when headless).
 */
int
model_apply(struct model *m, const char *text, size_t len, int64_t now_us,
    FILE *lines)
{
	const char *errstr;
	struct msg msg;
	int type;

	if (msg_decode(text, len, &msg, &errstr) == -1 ||
	    (errstr = check_order(m, &msg)) != NULL) {
		msg_clear(&msg);
		m->invalid++;
		model_note(m, "rejected a message: %s", errstr);
		if (lines != NULL) {
			fprintf(lines, "invalid %s\n", errstr);
			fflush(lines);
		}
		return -1;
	}
	if (m->job_id[0] == '\0')
		memcpy(m->job_id, msg.job_id, sizeof(m->job_id));
	m->messages++;
	m->latency_ms = (now_us - msg.ts_us) / 1000.0;
	count_rate(m, now_us);
	apply(m, &msg);
	if (lines != NULL)
		print_line(lines, &msg, m);
	type = (int)msg.type;
	msg_clear(&msg);
	return type;
}

void
model_labels_present(const struct model *m, char *buf, size_t len)
{
	size_t off = 0;
	int l, shown = 0, more = 0;

	buf[0] = '\0';
	for (l = 1; l < 256; l++) {
		if (m->label_voxels[l] == 0)
			continue;
		if (shown == 8) {
			more++;
			continue;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%d",
		    shown == 0 ? "labels " : " ", l);
		shown++;
		if (off >= len)
			return;
	}
	if (more > 0 && off < len)
		snprintf(buf + off, len - off, " +%d", more);
}
