/*
 * wsbundle.c: two messages as one write.  libwebsockets frames one
 * message per lws_write(); a tick's progress and preview would cost
 * every subscriber two writes, and nginx two reads and two writes to
 * relay them.  Here their frames (RFC 6455 5.2: a server's, unmasked,
 * whole text messages) are laid out once per job and encoding, and
 * fanout.c writes them as bytes lws passes through unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "streamer.h"
#include "wsbundle.h"

/* What a job keeps: the latest bundle of each encoding. */
struct wsbundle_job {
	struct wsbundle	*last[MSG_NENC];
};

/* The header of one whole text frame of len bytes; its length. */
static size_t
frame_header(unsigned char *h, size_t len)
{
	h[0] = 0x81;		/* FIN, text */
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	/* A bundle is at most 64 KiB: two bytes of length suffice. */
	h[1] = 126;
	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	return 4;
}

static void
bundle_free(struct wsbundle *w)
{
	if (w == NULL)
		return;
	msgbuf_unref(w->msgs[0]);
	msgbuf_unref(w->msgs[1]);
	free(w);
}

static struct wsbundle *
bundle_new(struct msgbuf *a, struct msgbuf *b)
{
	struct msgbuf *m[2] = { a, b };
	struct wsbundle *w;
	size_t len = a->len + b->len + 8, off = 0;
	int i;

	if (a->len >= 0x10000 || b->len >= 0x10000 || len > WSBUNDLE_MAX ||
	    (w = malloc(sizeof(*w) + LWS_PRE + len)) == NULL)
		return NULL;
	w->frames = w->data + LWS_PRE;
	for (i = 0; i < 2; i++) {
		off += frame_header(w->frames + off, m[i]->len);
		memcpy(w->frames + off, m[i]->json, m[i]->len);
		off += m[i]->len;
		w->msgs[i] = msgbuf_ref(m[i]);
	}
	w->len = off;
	return w;
}

const struct wsbundle *
wsbundle_get(struct job *job, enum msg_encoding enc, struct msgbuf *a,
    struct msgbuf *b)
{
	struct wsbundle_job *wj = job->transport;
	struct wsbundle *w;

	if (wj == NULL) {
		if ((wj = calloc(1, sizeof(*wj))) == NULL)
			return NULL;
		job->transport = wj;
	}
	w = wj->last[enc];
	if (w != NULL && w->msgs[0] == a && w->msgs[1] == b)
		return w;
	if ((w = bundle_new(a, b)) == NULL)
		return NULL;
	bundle_free(wj->last[enc]);
	wj->last[enc] = w;
	return w;
}

void
wsbundle_free_job(struct job *job)
{
	struct wsbundle_job *wj = job->transport;
	int e;

	if (wj == NULL)
		return;
	for (e = 0; e < MSG_NENC; e++)
		bundle_free(wj->last[e]);
	free(wj);
	job->transport = NULL;
}
