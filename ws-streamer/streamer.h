/*
 * streamer.h: the private header of ws-streamer's shell, which adapts
 * the core (core.h) to libwebsockets on a libev loop: the daemon's
 * start and loop (main.c), the WebSocket protocol (ws.c), the control
 * channel's connections (control.c) and the writes to subscribers
 * (fanout.c).  Prototypes are grouped by the file that defines them.
 */
#ifndef MS_STREAMER_H
#define MS_STREAMER_H

#include <libwebsockets.h>

#include "core.h"

/* Messages carry their framing in the headroom the core leaves. */
_Static_assert(MSGBUF_HEADROOM >= LWS_PRE,
    "a message buffer has no room for libwebsockets' framing");

/* The daemon's state shared by the protocol handlers. */
struct streamer {
	struct settings		 set;
	struct registry		 reg;
	struct lws_context	*ctx;
	int			 stopping;
};

extern struct streamer *streamer;

/* main.c */
void		 streamer_event(void);
void		 streamer_arm(void);

/* fanout.c */
void		 fanout_wake_job(struct job *job);
void		 fanout_job_dropping(struct job *job);
int		 fanout_writeable(struct sub *s);

/* ws.c, control.c */
extern const struct lws_protocols ws_protocols[];
extern const struct lws_protocols control_protocols[];

#endif
