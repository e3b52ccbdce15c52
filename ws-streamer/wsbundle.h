/*
 * wsbundle.h: a job's two consecutive messages (a tick's progress and
 * preview) framed as WebSocket frames in one buffer, built once and
 * written by every subscriber that is due both, in one write.
 */
#ifndef MS_WSBUNDLE_H
#define MS_WSBUNDLE_H

#include <stddef.h>

#include <libwebsockets.h>

#include "core.h"

/* A bundle at most this long, frames included: one write lws never cuts. */
#define WSBUNDLE_MAX	(64 * 1024)

struct wsbundle {
	struct msgbuf	*msgs[2];	/* referenced while the bundle lives */
	size_t		 len;		/* of the frames */
	unsigned char	*frames;	/* = data + LWS_PRE */
	unsigned char	 data[];
};

/*
 * The bundle of a then b in job's encoding enc, built now or kept from
 * the subscriber before; NULL when they do not fit in WSBUNDLE_MAX or
 * memory ran out (the caller writes them one by one).
 */
const struct wsbundle *wsbundle_get(struct job *job, enum msg_encoding enc,
	    struct msgbuf *a, struct msgbuf *b);

/* Lets go of what the job keeps, when it is forgotten. */
void	wsbundle_free_job(struct job *job);

#endif
