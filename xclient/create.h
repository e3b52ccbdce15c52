/*
 * create.h: creating the viewer's job over REST (create.c).
 */
#ifndef MS_CREATE_H
#define MS_CREATE_H

#include <stdint.h>

#include <libwebsockets.h>

#include "id.h"

struct create {
	char	body[256];
	int	status;
	char	reply[65536];
	size_t	reply_len;
	int	finished;
	int	ok;
	char	id[ID_JOB_LEN + 1];
	char	token[ID_TOKEN_LEN + 1];
	char	error[300];
};

int	create_start(struct create *c, struct lws_context *ctx,
	    const char *host, int port, const uint32_t shape[3], uint32_t scale,
	    double duration_s);
int	create_callback(struct lws *wsi, enum lws_callback_reasons reason,
	    void *user, void *in, size_t len);

#endif
