/*
 * msgbuf.h: one stream message, encoded once per job and shared by every
 * subscriber that sends it (reference counted).  The JSON sits after
 * MSGBUF_HEADROOM bytes where a transport may put its framing (the shell
 * checks that libwebsockets' LWS_PRE fits) and is followed by a '\n' for
 * the control channel's line framing.
 */
#ifndef MS_MSGBUF_H
#define MS_MSGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSGBUF_HEADROOM	16

struct msgbuf {
	int		 refs;
	enum msg_type	 type;
	int64_t		 seq;
	uint64_t	 preview_no;	/* previews of the job so far, this one
					   included; 0 for other types */
	int		 made_known;	/* the message had a ts_us */
	int64_t		 made_mono_us;	/* its ts_us on the monotonic clock */
	int64_t		 last_write_us;	/* its last live write (monotonic);
					   0: none */
	size_t		 len;		/* JSON bytes, without the '\n' */
	unsigned char	*json;		/* = data + MSGBUF_HEADROOM */
	unsigned char	 data[];	/* headroom, JSON, '\n', NUL */
};

/* Encodes m into a new buffer holding one reference; NULL and *errstr
 * on failure. */
struct msgbuf	*msgbuf_encode(const struct msg *m, uint64_t preview_no,
		    const char **errstr);

/* A buffer holding a copy of len bytes of JSON text, one reference. */
struct msgbuf	*msgbuf_from_json(enum msg_type type, int64_t seq,
		    const char *json, size_t len);

struct msgbuf	*msgbuf_ref(struct msgbuf *b);
void		 msgbuf_unref(struct msgbuf *b);
/* Unrefs each entry of a message's buffers by encoding, and NULLs it. */
void		 msgbuf_set_unref(struct msgbuf *set[MSG_NENC]);

#endif
