/*
 * api.h: the private header of fcgi-api, the REST handler behind nginx.
 * A request is read from FastCGI into struct api_request, handled by
 * api_handle() against a backend (the streamer's control channel, or a
 * fake in the unit tests) and answered from struct api_response.
 * Prototypes are grouped by the file that defines them.
 */
#ifndef MS_API_H
#define MS_API_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ctlclient.h"
#include "ctlproto.h"
#include "id.h"

#define API_BODY_MAX_DEFAULT	(64 * 1024)
/* The deepest JSON read (json-c counts the top level too: 16 levels). */
#define API_JSON_DEPTH		17
#define API_RETRY_AFTER		"5"

/* What the handler needs of an HTTP request; the strings may be NULL. */
struct api_request {
	const char	*method;
	const char	*path;		/* decoded, without the query */
	const char	*query;
	const char	*content_type;
	const char	*content_encoding;
	const char	*accept_encoding;
	const char	*authorization;
	int		 trusted;	/* nginx vouches for the address
					   (MASKSTREAM_TRUSTED=1) */
	int		 has_length;	/* a Content-Length was sent */
	size_t		 length;
	const char	*body;		/* length bytes, NUL-terminated */
};

/* A header of a binary answer, e.g. X-Maskstream-Seq. */
#define API_HEADER_MAX	48
struct api_header {
	const char	*name;
	char		 value[API_HEADER_MAX];
};

struct api_response {
	int		 status;
	const char	*allow;		/* for 405 */
	const char	*retry_after;	/* for 503 and 429 */
	char		 retry_buf[16];	/* what retry_after may point at */
	char		 location[64];	/* for 201 */
	const char	*www_authenticate;	/* for 401 */
	struct json_object *body;
	/* A binary answer instead of body (GET .../preview), malloc'd. */
	unsigned char	*raw;
	size_t		 raw_len;
	const char	*content_type;
	const char	*content_encoding;
	struct api_header headers[3];
	int		 nheaders;
};

/*
 * The streamer, as the handler sees it: call() sends one control request
 * (taking it) and returns the reply, or NULL when the streamer cannot be
 * reached.
 */
struct api_cell;
struct api_peers;
struct api_backend {
	struct json_object *(*call)(void *arg, struct json_object *req);
	void		*arg;
	const struct api_cell *cell;	/* its shards, when it is a cell */
	const struct api_peers *peers;	/* the other cells, or NULL */
};

/*
 * The other cells of a deployment, for GET /api/jobs across them
 * (docs/sharding.md): list() appends to the array into the jobs of
 * every other cell that answers, at most limit of each, asking with the
 * caller's Authorization (NULL: none), and to the array missing the
 * number of each cell left out.  peers.c asks them over HTTP.
 */
struct api_peers {
	void	(*list)(void *arg, const char *authorization, int64_t limit,
		    struct json_object *into, struct json_object *missing);
	void	*arg;
};

/*
 * The streamers of this host (docs/sharding.md): each shard is a
 * backend of its own, and the cell (cell.c) one backend over them all.
 */
#define API_SHARDS_MAX	256
struct api_shard {
	unsigned		 number;	/* what its jobs' ids name */
	int			 draining;	/* takes no new jobs */
	struct api_backend	 be;		/* its control channel */
};
struct api_cell {
	unsigned		 number;	/* what its jobs' ids name */
	struct api_shard	*shard;
	size_t			 n;		/* 1 .. API_SHARDS_MAX */
};

/* API keys: one per line in a file, reloaded on SIGHUP. */
struct api_keys {
	pthread_rwlock_t lock;
	char		**keys;
	size_t		  nkeys;
	int		  enabled;	/* a keys file is configured */
};

/* One "N=value" of a list in the configuration file. */
struct api_numbered {
	unsigned	 number;
	const char	*value;
};

/* Runtime settings, from the config file and flags. */
struct api_settings {
	char		*socket;	/* listen here; NULL: inherited fd 0 */
	char		*control_socket;
	char		*pidfile;
	char		*keys_file;
	char		*socket_group;
	unsigned int	 socket_mode;
	char		*user;
	char		*log_level;
	int		 syslog;
	long long	 threads;
	long long	 body_max;
	long long	 timeout_ms;	/* for one streamer request */
	long long	 cell;		/* this host's cell number */
	char		*shards;	/* "N=path ...": several streamers */
	char		*draining;	/* "N ...": shards taking no new jobs */
	char		*cells;		/* "N=http://... ...": every cell */
	/* What shards, control_socket and cells say, after
	 * api_settings_places(). */
	struct api_shard_conf {
		unsigned	 number;
		const char	*control_socket;
		int		 draining;
	}		*shard_conf;
	size_t		 nshards;
	struct api_numbered *cell_conf;	/* what cells says, the same way */
	size_t		 ncells;
};

/* Who is asking: nobody, a holder of an API key, or of some token. */
enum api_caller {
	API_CALLER_NONE,
	API_CALLER_KEY,
	API_CALLER_TOKEN,
	API_CALLER_BAD		/* malformed Authorization */
};

/* What a request is to, for counting; API_NROUTES counts them. */
enum api_route {
	API_ROUTE_OTHER,
	API_ROUTE_HEALTH,
	API_ROUTE_METRICS,
	API_ROUTE_JOBS,
	API_ROUTE_JOB,
	API_ROUTE_PREVIEW,
	API_ROUTE_PROGRESS,
	API_ROUTE_COMPLETE,
	API_NROUTES
};

/* api.c */
void	api_handle(const struct api_request *req, const struct api_backend *be,
	    struct api_keys *keys, size_t body_max, struct api_response *res);
size_t	api_body_limit(const struct api_request *req, size_t body_max);
void	api_error(struct api_response *res, int status, const char *code,
	    const char *message);
void	api_ok(struct api_response *res, int status, struct json_object *body);
void	api_response_free(struct api_response *res);
const char *api_status_text(int status);
struct json_object *api_call(const struct api_backend *be, enum ctlproto_op op,
	    struct json_object *req, struct json_object **reply,
	    struct api_response *res);
enum api_caller api_job_caller(const struct api_request *req,
	    struct api_keys *keys, char token[ID_TOKEN_LEN + 1],
	    struct api_response *res);
struct json_object *api_json_body(const struct api_request *req,
	    size_t body_max, struct api_response *res);
int	api_media_type(const char *type, const char *want);
int	api_method_is(const struct api_request *req, const char *m);
int	api_holds_key(const struct api_request *req, struct api_keys *keys);
void	api_not_allowed(struct api_response *res, const char *allow);

/* cell.c */
struct json_object *cell_call(void *arg, struct json_object *req);
/* A shard's stats (the caller puts them), or NULL when it is away. */
struct json_object *cell_shard_stats(const struct api_shard *s);

/* metrics.c */
enum api_route metrics_route_of(const char *path);
void	metrics_count(enum api_route route, int status);
/* A shard's number and its stats, NULL when it did not answer. */
struct metrics_shard {
	unsigned		 number;
	struct json_object	*stats;
};
int	metrics_write(FILE *f, const struct metrics_shard *sh, size_t n);
void	metrics_route(const struct api_request *req,
	    const struct api_backend *be, struct api_keys *keys,
	    struct api_response *res);

/* peerlist.c */
/* Appends to into the jobs of cell's answer to GET /api/jobs; 0, or
 * -1 with why when the answer is not a list of that cell's jobs. */
int	peerlist_read(const char *body, size_t len, unsigned cell,
	    struct json_object *into, const char **why);
/* Sorts jobs newest first (created_us) and cuts it to limit. */
void	peerlist_merge(struct json_object *jobs, int64_t limit);

/* publish.c */
#define API_PREVIEW_BODY_MAX	(5u << 20)	/* a deflated 4 MiB and more */
void	publish_route(const struct api_request *req,
	    const struct api_backend *be, struct api_keys *keys,
	    size_t body_max, const char *id, const char *what,
	    struct api_response *res);

/* settings.c */
void	api_settings_defaults(struct api_settings *set);
int	api_settings_load(struct api_settings *set, const char *path,
	    char *err, size_t errlen);
int	api_settings_places(struct api_settings *set, char *err, size_t errlen);
void	api_settings_free(struct api_settings *set);

/* server.c */
int	server_start(int listen_fd, const struct api_settings *set,
	    struct api_keys *keys, const struct api_peers *other_cells);
void	server_stop(void);
/* The shards of set from the next request of each worker on. */
int	server_set_places(const struct api_settings *set);

/* keys.c */
int	keys_init(struct api_keys *k);
int	keys_load(struct api_keys *k, const char *path, char *err,
	    size_t errlen);
int	keys_match(struct api_keys *k, const char *key, size_t len);
void	keys_free(struct api_keys *k);

#endif
