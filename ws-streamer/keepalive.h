/*
 * keepalive.h: pings for quiet WebSocket connections.  lws 4.1's own
 * keepalive ("validity" timers) inserts into one sorted list per ping and
 * pong, a walk over every connection each time; at ten thousand
 * subscribers that was a fifth of the streamer's time.  Here a connection
 * carries a few timestamps and one sweep a second looks at all of them.
 * A connection that is being written to is not pinged: a dead peer there
 * stops draining and the slow-subscriber rule (slow_s) closes it.
 */
#ifndef MS_KEEPALIVE_H
#define MS_KEEPALIVE_H

#include <sys/queue.h>

#include <stdint.h>

#include <libwebsockets.h>

/* Embedded in a WebSocket session, listed from ESTABLISHED to CLOSED. */
struct keepalive {
	struct lws		*wsi;
	int64_t			 wrote_us;	/* last write, monotonic */
	int64_t			 pinged_us;	/* last ping decided, or 0 */
	int64_t			 ping_us;	/* that ping, while unanswered */
	int			 ping_due;	/* to write at WRITEABLE */
	TAILQ_ENTRY(keepalive)	 entry;
};

enum keepalive_action {
	KEEPALIVE_NONE,
	KEEPALIVE_PING,
	KEEPALIVE_HANGUP
};

struct keepalive_stats {
	uint64_t	pings;		/* decided by the sweep */
	uint64_t	hangups;	/* pings left unanswered */
};

void	keepalive_start(struct keepalive *ka, struct lws *wsi, int64_t now);
void	keepalive_stop(struct keepalive *ka);
void	keepalive_wrote(struct keepalive *ka, int64_t now);
void	keepalive_heard(struct keepalive *ka);
int	keepalive_write_ping(struct keepalive *ka, int64_t now);
enum keepalive_action keepalive_check(const struct keepalive *ka,
	    int64_t now, int64_t ping_us, int64_t hangup_us);
void	keepalive_sweep(int64_t now, int64_t ping_us, int64_t hangup_us);
const struct keepalive_stats *keepalive_stats(void);

#endif
