/*
 * msgbuf.c: reference-counted encoded messages.  The streamer encodes a
 * message once per job, and every subscriber writes from the same bytes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "msgbuf.h"

static struct msgbuf *
alloc(enum msg_type type, int64_t seq, const char *json, size_t len)
{
	struct msgbuf *b;

	b = malloc(sizeof(*b) + LWS_PRE + len + 2);
	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->type = type;
	b->seq = seq;
	b->preview_no = 0;
	b->len = len;
	b->json = b->data + LWS_PRE;
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
	    offsetof(struct msgbuf, data) + LWS_PRE, 1, &len, errstr);
	if (b == NULL)
		return NULL;
	b->refs = 1;
	b->type = m->type;
	b->seq = m->seq;
	b->preview_no = m->type == MSG_PREVIEW ? preview_no : 0;
	b->len = len;
	b->json = b->data + LWS_PRE;
	b->json[len] = '\n';
	b->json[len + 1] = '\0';
	return b;
}

/* Decoding our own text costs a parse, once per job and encoding. */
struct msgbuf *
msgbuf_reencode(const struct msgbuf *b, enum msg_encoding enc,
    const char **errstr)
{
	struct msgbuf *nb;
	struct msg m;

	if (b->type != MSG_PREVIEW) {
		*errstr = "only previews have encodings";
		return NULL;
	}
	if (msg_decode((const char *)b->json, b->len, &m, errstr) == -1)
		return NULL;
	m.encoding = enc;
	m.skipped = 0;
	nb = msgbuf_encode(&m, b->preview_no, errstr);
	msg_clear(&m);
	return nb;
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
	if (b != NULL && --b->refs == 0)
		free(b);
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
