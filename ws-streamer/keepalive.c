/*
 * keepalive.c: pings WebSocket connections that were quiet for ping_s
 * (nothing written, no ping since), and hangs up on those that leave a
 * ping unanswered until hangup_s after the last write.  The hangup clock
 * starts when the ping is decided, so a peer that stopped reading, whose
 * ping cannot be written, is hung up too.  One sweep a second (main.c's
 * timer) looks at every connection: O(n) a second, where lws's validity
 * timers cost O(n) per ping and per pong.  The transport writes the
 * pings and drops the connections, through hooks.
 */
#include <stddef.h>
#include <string.h>

#include "keepalive.h"
#include "log.h"

static TAILQ_HEAD(, keepalive) conns = TAILQ_HEAD_INITIALIZER(conns);
static struct keepalive_stats stats;

void
keepalive_start(struct keepalive *ka, void *conn, int64_t now)
{
	ka->conn = conn;
	ka->wrote_us = now;
	ka->pinged_us = 0;
	ka->ping_us = 0;
	ka->ping_due = 0;
	TAILQ_INSERT_TAIL(&conns, ka, entry);
}

void
keepalive_stop(struct keepalive *ka)
{
	if (ka->conn == NULL)
		return;
	TAILQ_REMOVE(&conns, ka, entry);
	ka->conn = NULL;
}

void
keepalive_wrote(struct keepalive *ka, int64_t now)
{
	ka->wrote_us = now;
}

/* A pong, or any frame: the peer is there. */
void
keepalive_heard(struct keepalive *ka)
{
	ka->ping_us = 0;
}

int
keepalive_take_ping(struct keepalive *ka)
{
	if (!ka->ping_due)
		return 0;
	ka->ping_due = 0;
	return 1;
}

/* What the sweep does with ka at now; the intervals in microseconds. */
enum keepalive_action
keepalive_check(const struct keepalive *ka, int64_t now, int64_t ping_us,
    int64_t hangup_us)
{
	int64_t quiet = ka->pinged_us > ka->wrote_us ? ka->pinged_us :
	    ka->wrote_us;

	if (ka->ping_us != 0)
		return now - ka->wrote_us >= hangup_us &&
		    now - ka->ping_us >= hangup_us - ping_us ?
		    KEEPALIVE_HANGUP : KEEPALIVE_NONE;
	return now - quiet >= ping_us ? KEEPALIVE_PING : KEEPALIVE_NONE;
}

void
keepalive_sweep(int64_t now, int64_t ping_us, int64_t hangup_us,
    const struct keepalive_hooks *hooks)
{
	struct keepalive *ka;

	TAILQ_FOREACH(ka, &conns, entry) {
		switch (keepalive_check(ka, now, ping_us, hangup_us)) {
		case KEEPALIVE_PING:
			ka->pinged_us = ka->ping_us = now;
			ka->ping_due = 1;
			stats.pings++;
			hooks->ping(ka->conn);
			break;
		case KEEPALIVE_HANGUP:
			log_debug("%s: no pong: hanging up", __func__);
			stats.hangups++;
			/* Not again at the next sweep: the kill is queued. */
			ka->ping_us = 0;
			ka->pinged_us = ka->wrote_us = now;
			hooks->hangup(ka->conn);
			break;
		case KEEPALIVE_NONE:
			break;
		}
	}
}

const struct keepalive_stats *
keepalive_stats(void)
{
	return &stats;
}
