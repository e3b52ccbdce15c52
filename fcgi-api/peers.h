/*
 * peers.h: the other cells of a deployment, asked for their jobs over
 * HTTP (peers.c; docs/sharding.md).
 */
#ifndef MASKSTREAM_PEERS_H
#define MASKSTREAM_PEERS_H

#include "api.h"

struct peers {
	struct api_peers	api;	/* what api.c calls */
	struct api_numbered	cell[API_SHARDS_MAX];	/* not this one */
	size_t			n;
	long			timeout_ms;
	int			curl_ready;
};

/* The cells of set's cells but its own; -1 if libcurl cannot start. */
int	peers_init(struct peers *p, const struct api_settings *set);
void	peers_free(struct peers *p);
/* struct api_peers' list(), arg a struct peers. */
void	peers_list(void *arg, const char *authorization, int64_t limit,
	    struct json_object *into);

#endif
