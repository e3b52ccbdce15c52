/*
 * net.h: the viewer's connection to its job (net.c).
 */
#ifndef MS_NET_H
#define MS_NET_H

#include <libwebsockets.h>

#include "ndjson.h"
#include "view.h"

struct net {
	struct lws_context	*ctx;
	const struct options	*opt;
	struct model		*model;
	struct lws		*wsi;
	char			 host[256];
	int			 port;
	lws_sorted_usec_list_t	 retry;
	int			 attempt;	/* failures in a row */
	int			 close_code;	/* of the last close */
	char			*rx;		/* a message being reassembled */
	size_t			 rx_len, rx_cap;
	struct ndjson_reader	 rd;		/* control-socket lines */
	int			 sent_request;
	int			 got_reply;
	int			 frames_done;	/* --frames previews arrived */
	int			 finished;	/* nothing more will come */
	int			 exit_code;
	/* Redraw: the slice too when a preview arrived. */
	void			(*changed)(int new_preview);
};

int	net_callback_ws(struct lws *wsi, enum lws_callback_reasons reason,
	    void *user, void *in, size_t len);
int	net_callback_control(struct lws *wsi, enum lws_callback_reasons reason,
	    void *user, void *in, size_t len);

void	net_init(struct net *n, struct lws_context *ctx,
	    const struct options *opt, struct model *model);
int	net_start(struct net *n);
void	net_stop(struct net *n);
void	net_free(struct net *n);
int	net_parse_url(const char *url, char *host, size_t hostlen, int *port);

#endif
