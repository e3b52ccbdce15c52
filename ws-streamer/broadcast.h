/*
 * broadcast.h: how long a broadcast takes, from a message's production
 * (its ts_us) to the last write of it to a live subscriber: each shared
 * buffer remembers its latest live write, and is observed when its last
 * reference goes.  Both times are taken on the monotonic clock (ts_us
 * translated when the message is encoded).  A preview sent in two encodings is two buffers, two
 * observations.  Replays and a new subscriber's introduction are not
 * live writes.  One histogram for the streamer (maskstream_broadcast_
 * seconds in fcgi-api's metrics).
 */
#ifndef MS_BROADCAST_H
#define MS_BROADCAST_H

#include <stdint.h>

#include "histo.h"
#include "msgbuf.h"

/* b was written whole to a live subscriber at now_mono_us. */
void		 broadcast_written(struct msgbuf *b, int64_t now_mono_us);

/* b's last reference is going. */
void		 broadcast_done(const struct msgbuf *b);

/* The durations observed so far. */
const struct histo *broadcast_histo(void);

#endif
