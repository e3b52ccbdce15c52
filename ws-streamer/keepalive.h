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

/* Embedded in a WebSocket session, listed from ESTABLISHED to CLOSED. */
struct keepalive {
	void			*conn;		/* the transport's */
	int64_t			 wrote_us;	/* last write, monotonic */
	int64_t			 pinged_us;	/* last ping decided, or 0 */
	int64_t			 ping_us;	/* that ping, while unanswered */
	int			 ping_due;	/* for the transport to write */
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

/* What the sweep asks of the transport. */
struct keepalive_hooks {
	void	(*ping)(void *conn);	/* write a ping soon */
	void	(*hangup)(void *conn);	/* drop the connection */
};

void	keepalive_start(struct keepalive *ka, void *conn, int64_t now);
void	keepalive_stop(struct keepalive *ka);
void	keepalive_wrote(struct keepalive *ka, int64_t now);
void	keepalive_heard(struct keepalive *ka);
/* 1 once when the sweep decided a ping that is still to be written. */
int	keepalive_take_ping(struct keepalive *ka);
enum keepalive_action keepalive_check(const struct keepalive *ka,
	    int64_t now, int64_t ping_us, int64_t hangup_us);
void	keepalive_sweep(int64_t now, int64_t ping_us, int64_t hangup_us,
	    const struct keepalive_hooks *hooks);
const struct keepalive_stats *keepalive_stats(void);

#endif
