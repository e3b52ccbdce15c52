/*
 * msgbuf.c: reference-counted encoded messages.  The streamer encodes a
 * message once per job, and every subscriber writes from the same bytes;
 * the last reference going ends its broadcast (broadcast.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "broadcast.h"
#include "msgbuf.h"
#include "now.h"

static struct msgbuf *
alloc(enum msg_type type, int64_t seq, const char *json, size_t len)
{
	struct msgbuf *b;

	b = malloc(sizeof(*b) + MSGBUF_HEADROOM + len + 2);
	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->type = type;
	b->seq = seq;
	b->preview_no = 0;
	b->made_known = 0;
	b->made_mono_us = 0;
	b->last_write_us = 0;
	b->len = len;
	b->json = b->data + MSGBUF_HEADROOM;
	memcpy(b->json, json, len);
	b->json[len] = '\n';
	b->json[len + 1] = '\0';
	return b;
}

struct msgbuf *
msgbuf_from_json(enum msg_type type, int64_t seq, const char *json,
    size_t len)
{
	return alloc(type, seq, json, len);
}

/* The text lands in place: no copy of a big preview after encoding. */
struct msgbuf *
msgbuf_encode(const struct msg *m, uint64_t preview_no, const char **errstr)
{
	struct msgbuf *b;
	size_t len;

	b = (struct msgbuf *)(void *)msg_encode_room(m,
	    offsetof(struct msgbuf, data) + MSGBUF_HEADROOM, 1, &len, errstr);
	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->type = m->type;
	b->seq = m->seq;
	b->preview_no = m->type == MSG_PREVIEW ? preview_no : 0;
	/* Durations on the monotonic clock, immune to steps of the wall's. */
	b->made_known = m->ts_us > 0;
	b->made_mono_us = now_mono_us() - (now_wall_us() - m->ts_us);
	b->last_write_us = 0;
	b->len = len;
	b->json = b->data + MSGBUF_HEADROOM;
	b->json[len] = '\n';
	b->json[len + 1] = '\0';
	return b;
}

struct msgbuf *
msgbuf_ref(struct msgbuf *b)
{
	b->refs++;
	return b;
}

void
msgbuf_unref(struct msgbuf *b)
{
	if (b != NULL && --b->refs == 0) {
		broadcast_done(b);
		free(b);
	}
}

void
msgbuf_set_unref(struct msgbuf *set[MSG_NENC])
{
	int e;

	for (e = 0; e < MSG_NENC; e++) {
		msgbuf_unref(set[e]);
		set[e] = NULL;
	}
}
