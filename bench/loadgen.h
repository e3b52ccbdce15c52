/*
 * loadgen.h: the private header of bench/loadgen, the WebSocket load
 * generator, and of bench/joinbench, which shares its WebSocket frame
 * reader and histograms.  Prototypes are grouped by file.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#define LG_PREFIX_MAX	256	/* bytes of a message kept to find its fields */
#define LG_PATH_MAX	1024
#define LG_SOURCES_MAX	250	/* 127.0.0.1 .. 127.0.0.250 */
#define LG_PROCS_MAX	64
#define LG_WATCH_MAX	8	/* named groups of processes to sample */
#define LG_WATCH_PIDS	64
#define LG_SECONDS_MAX	3600	/* longest measured window */
#define LG_STATUS_MAX	8	/* distinct HTTP refusals and close codes */
#define LG_ENCODING_MAX	32

/*
 * The fixed Sec-WebSocket-Key of RFC 6455 section 1.3 and its accept
 * value: a load generator need not prove freshness to the server, and
 * a constant lets it check the server's answer without SHA-1.
 */
#define LG_WS_KEY	"dGhlIHNhbXBsZSBub25jZQ=="
#define LG_WS_ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

/* hist.c: log-linear histograms of microseconds, under 1% error. */
#define HIST_BUCKETS	4480
struct hist {
	uint64_t	 n;
	int64_t		 max;
	uint64_t	 count[HIST_BUCKETS];
};
void		 hist_add(struct hist *, int64_t);
void		 hist_merge(struct hist *, const struct hist *);
int64_t		 hist_quantile(const struct hist *, double);
size_t		 hist_index(int64_t);
int64_t		 hist_value(size_t);

/* wsframe.c: the server-to-client side of RFC 6455, fed in pieces. */
enum wsf_event {
	WSF_MESSAGE,		/* a whole data message: text or binary */
	WSF_PING,
	WSF_PONG,
	WSF_CLOSE
};
struct wsf_frame {
	enum wsf_event	 event;
	int		 text;		/* WSF_MESSAGE: a text message */
	uint64_t	 len;		/* the whole message's length */
	const char	*prefix;	/* its first bytes, NUL-terminated */
	size_t		 prefixlen;
	const unsigned char *ctl;	/* a control frame's payload */
	size_t		 ctllen;
};
struct wsf {
	unsigned char	 hdr[14];
	size_t		 hdrlen;
	uint64_t	 left;		/* payload bytes left in this frame */
	int		 in_payload;
	int		 opcode;	/* of the current frame */
	int		 fin;
	int		 msg_opcode;	/* of the message being assembled, 0: none */
	uint64_t	 msglen;
	char		 prefix[LG_PREFIX_MAX + 1];
	size_t		 prefixlen;
	unsigned char	 ctl[125];
	size_t		 ctllen;
};
typedef int	(*wsf_cb)(void *, const struct wsf_frame *);
void		 wsf_init(struct wsf *);
int		 wsf_feed(struct wsf *, const unsigned char *, size_t, wsf_cb,
		    void *, const char **);
size_t		 wsf_client_frame(unsigned char *, size_t, int,
		    const unsigned char *, size_t);

/* wsconn.c: the opening handshake and the fields of a preview. */
size_t		 wsconn_request(char *, size_t, const char *, int,
		    const char *);
int		 wsconn_response(const char *, size_t, size_t *, int *,
		    const char **);
int		 wsconn_preview(const char *, int64_t *, char *, size_t);
int		 wsconn_stamp(const char *, int64_t *);

/* stats.c: one process's results, sent to the parent and merged. */
struct lg_count {
	int		 key;		/* an HTTP status or a close code */
	uint64_t	 n;
};
struct lg_stats {
	uint64_t	 requested;
	uint64_t	 opened;	/* handshakes that succeeded */
	uint64_t	 counted;	/* open at the window's start */
	uint64_t	 failed;	/* never opened */
	uint64_t	 lost;		/* counted, closed before the end */
	uint64_t	 open_at_end;
	uint64_t	 previews;	/* produced in the window, received */
	uint64_t	 preview_bytes;
	uint64_t	 bytes;		/* everything received */
	uint64_t	 unparsed;	/* text messages without a usable ts_us */
	uint64_t	 late;		/* counted after the window closed */
	char		 encoding[LG_ENCODING_MAX];
	uint64_t	 encoding_other;	/* previews in another encoding */
	struct lg_count	 refused[LG_STATUS_MAX];
	struct lg_count	 closes[LG_STATUS_MAX];
	uint32_t	 seconds;
	uint64_t	 per_second[LG_SECONDS_MAX];
	struct hist	 latency;
	struct hist	 jitter;
};
void		 stats_count(struct lg_count *, int);
int		 stats_write(int, const struct lg_stats *);
int		 stats_read(const char *, size_t, struct lg_stats *,
		    const char **);

/* jsonnum.c: numbers in JSON reports (json-c objects, NULL for null). */
struct json_object;
struct json_object *jsonnum_real(double, int);
struct json_object *jsonnum_ms(int64_t);
struct json_object *jsonnum_counts(const struct lg_count *);
struct json_object *jsonnum_quantiles(const struct hist *, int);

/* client.c: one process's connections on one epoll loop. */
struct lg_plan {
	const char	*host;
	int		 port;
	char		**paths;
	size_t		 npaths;
	size_t		 first;		/* global index of the first connection */
	size_t		 nconns;
	int		 sources;
	int		 inflight;	/* handshakes under way at most */
	double		 hz;
	int		 stamp;		/* latency from pubload's stamp */
	int		 report_fd;	/* "ready", then the report */
	int		 ctl_fd;	/* the parent's "t0 t1 end" */
};
int		 client_run(const struct lg_plan *, struct lg_stats *);

/* watch.c: resident memory and CPU time of other processes. */
struct watch_group {
	char		 name[32];
	int		 npids;
	int		 pids[LG_WATCH_PIDS];
	long long	 rss_kb[3];	/* before, at t0, at t1 */
	double		 cpu_s[3];
};
int		 watch_parse(struct watch_group *, const char *,
		    const char **);
void		 watch_sample(struct watch_group *, int);

#endif
