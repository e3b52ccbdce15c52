/*
 * peers.h: the other cells of a deployment, asked for their jobs over
 * HTTP (peers.c; docs/sharding.md).
 */
#ifndef MASKSTREAM_PEERS_H
#define MASKSTREAM_PEERS_H

#include <stdatomic.h>

#include "api.h"

/* How long a cell that failed to answer is left out of lists. */
#define PEERS_BACKOFF_US	(10 * 1000000LL)

struct peer {
	struct api_numbered	conf;	/* its number and address */
	/* now_mono_us() before which it is not asked; 0: it answers. */
	_Atomic int_least64_t	down_until;
};

struct peers {
	struct api_peers	api;	/* what api.c calls */
	struct peer		cell[API_SHARDS_MAX];	/* not this one */
	size_t			n;
	long			timeout_ms;
	int			curl_ready;
};

/* The cells of set's cells but its own; -1 if libcurl cannot start. */
int	peers_init(struct peers *p, const struct api_settings *set);
void	peers_free(struct peers *p);
/* struct api_peers' list(), arg a struct peers. */
void	peers_list(void *arg, const char *authorization, int64_t limit,
	    struct json_object *into, struct json_object *missing);

#endif
