/*
 * core.h: the private header of ws-streamer's core, the part that knows
 * no transport: the job registry and its state machine, the producers,
 * subscribers' places in their jobs' streams, the control operations
 * and the journal.  libwebsockets is the shell's (streamer.h); the core
 * reaches it only through the registry's hooks.  Prototypes are grouped
 * by the file that defines them.
 */
#ifndef MS_CORE_H
#define MS_CORE_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ctlproto.h"
#include "dueheap.h"
#include "id.h"
#include "jobspec.h"
#include "journal.h"
#include "keepalive.h"
#include "msg.h"
#include "msgbuf.h"
#include "now.h"
#include "ring.h"

struct registry;
struct job;

/* A new job's tokens, for its creator alone; the job keeps their hashes. */
struct job_tokens {
	char		 token[ID_TOKEN_LEN + 1];
	char		 producer_token[ID_TOKEN_LEN + 1];	/* or "" */
};

/* Why the core refused an operation: the protocol's code, and words. */
struct refusal {
	enum ctlproto_err err;
	char		 why[256];
	int		 retry_after_s;	/* rate_limited: when to try again */
};

/*
 * Where a job's messages come from, chosen once by the job's "producer"
 * (producer.c): the registry calls these and names no producer itself.
 * A producer keeps what it needs per job in job->producer_state.
 */
struct producer {
	const char	*name;		/* as in a job request */
	/* A new job: 0, or -1 with *errstr (the job is not created). */
	int		(*start)(struct registry *, struct job *,
			    const char **errstr);
	/* The job's due time (job->due) came while it runs. */
	void		(*tick)(struct registry *, struct job *,
			    int64_t now_mono);
	/* A running job recovered from the journal after a restart. */
	void		(*resume)(struct registry *, struct job *,
			    int64_t now_wall, int64_t now_mono);
	/* The job ended or is forgotten: release producer_state. */
	void		(*stop)(struct registry *, struct job *);
	/*
	 * A message from outside (the control channel's publish and put
	 * operations), decoded, a preview's payload in the job's preview
	 * buffer; NULL for a producer that takes none.  0, or -1 with r.
	 */
	int		(*publish)(struct registry *, struct job *,
			    struct msg *m, struct refusal *r);
};

/* A job's latest preview, raw, and in each encoding computed for it. */
struct job_preview {
	uint8_t		*raw;		/* voxels of the preview shape */
	uint8_t		*next;		/* being made by the producer */
	int64_t		 seq;		/* of raw; 0: none since the start */
	int64_t		 ts_us;
	uint64_t	 no;		/* previews of the job so far */
	struct msgbuf	*enc[MSG_NENC];
};

/* What a job asked for and where it stands. */
struct job {
	char			 id[ID_JOB_LEN + 1];
	/* SHA-256 of its tokens: they are given once, at creation */
	uint8_t			 token_hash[ID_TOKEN_HASH_LEN];
	uint8_t			 producer_token_hash[ID_TOKEN_HASH_LEN];
	int			 has_producer_token;	/* external jobs */
	struct jobspec		 spec;
	const struct producer	*producer;
	void			*producer_state;
	enum job_state		 state;
	int			 progress;
	int			 has_eta;
	double			 eta_s;
	int64_t			 created_us;	/* wall clock */
	int64_t			 finished_us;	/* wall clock; 0 while running */

	int64_t			 seq;		/* last message broadcast */
	int64_t			 reserved;	/* highest seq journaled as usable */
	struct ring		 ring;		/* recent messages */
	struct job_preview	 preview;
	struct msg		*end;		/* the terminal message, once over */
	struct msgbuf		*terminal;	/* the same, encoded */
	struct dueheap_item	 due;		/* producer's next tick, or expiry */
	int			 hold;		/* job_hold()s not released */
	int			 woken;		/* messages emitted while held */
	void			*transport;	/* the shell's; its dropping
						   hook lets it go */

	TAILQ_HEAD(, sub)	 subs;
	size_t			 nsubs;
	size_t			 nsubs_enc[MSG_NENC];	/* by encoding */
	struct job		*hnext;		/* hash chain */
	TAILQ_ENTRY(job)	 entry;		/* newest first */
};

TAILQ_HEAD(joblist, job);

struct registry_stats {
	uint64_t	jobs_created;
	uint64_t	messages;	/* broadcast */
	uint64_t	messages_sent;	/* written to subscribers */
	uint64_t	bytes_sent;
	uint64_t	previews_skipped;
	uint64_t	slow_closed;
	uint64_t	encodes[MSG_NENC];	/* previews, per encoding */
	uint64_t	decodes[MSG_NENC];	/* producers' previews decoded,
					 * by how they came */
	/* The transport's, counted by the shell. */
	uint64_t	ws_connections;
	uint64_t	ws_subscribers;
	uint64_t	control_connections;
};

/* Every job of this run of the streamer. */
struct registry {
	struct job	**buckets;
	size_t		  nbuckets;	/* a power of two */
	struct joblist	  jobs;
	size_t		  njobs;
	size_t		  nrunning;
	size_t		  max_running;
	size_t		  max_finished;
	size_t		  nfinished;
	double		  preview_rate;	/* voxels/s of the running jobs */
	double		  max_preview_rate;
	int64_t		  retention_us;
	size_t		  ring_len;
	size_t		  ring_bytes;
	struct dueheap	  due;
	char		  epoch[MSG_EPOCH_MAX];
	unsigned	  cell;		/* fixed at start: new ids name them */
	unsigned	  shard;
	struct registry_stats stats;
	struct journal	 *journal;	/* NULL: nothing is kept on disk */
	int		  journal_failed;	/* the last write to it failed */

	/* Called after a message was added to the job's ring. */
	void		(*wake)(struct job *);
	/* Called before a job is forgotten, to let its subscribers go. */
	void		(*dropping)(struct job *);
};

/*
 * One subscriber of one job: where it is in the job's stream and what
 * it is writing.  The transport embeds it and keeps conn for itself.
 */
struct sub {
	void		*conn;		/* the transport's connection */
	struct keepalive *ka;		/* a WebSocket's keepalive, or NULL */
	int		 line;		/* messages end with '\n' (control) */
	struct job	*job;		/* NULL once the job is gone */
	enum msg_encoding encoding;	/* of previews; set before sub_attach */
	TAILQ_ENTRY(sub) entry;

	struct msgbuf	*intro[3];	/* status, latest preview, terminal */
	int		 nintro;
	int		 intro_pos;
	int64_t		 sent;		/* seq of the last broadcast taken */
	int64_t		 replay_until;	/* never skip up to here */
	uint64_t	 last_preview_no;

	struct msgbuf	*cur;		/* being written */
	size_t		 off;		/* bytes of it written */
	int64_t		 skipped;	/* previews missed, to say with cur */
	int64_t		 cur_since;	/* monotonic us when cur started */
	int		 cur_live;	/* cur is a broadcast, not an intro
					   or a replay */
	int		 done;		/* terminal taken: close 1000 */
	int		 close_code;	/* non-zero: close with it */
	int		 closing;	/* the transport closes it: write nothing */
};

/* Runtime settings, from the config file and flags. */
struct settings {
	char		*ws_socket;
	char		*ws_listen;	/* "host:port" or NULL */
	char		*control_socket;
	char		*pidfile;
	char		*socket_group;
	unsigned int	 socket_mode;
	char		*user;
	char		*state_dir;
	char		*log_level;
	int		 syslog;
	char		*origins;	/* comma-separated, or NULL: any */
	long long	 max_jobs;
	long long	 max_finished;
	long long	 max_preview_rate;	/* voxels per second */
	long long	 max_subscribers;
	long long	 max_job_subscribers;
	long long	 retention_s;
	long long	 ping_s;
	long long	 hangup_s;
	long long	 slow_s;
	long long	 ring_len;
	long long	 ring_bytes;
	long long	 control_max_line;
	long long	 cell;		/* where this streamer's jobs live: */
	long long	 shard;		/* their ids name both */
};

/* What a control request asks of its connection beyond the reply. */
struct ops_result {
	enum ctlproto_err err;		/* of the reply; CTLPROTO_OK if none */
	struct job	*subscribe;	/* become a subscriber of this job */
	int		 has_since;
	int64_t		 since;
	char		 epoch[MSG_EPOCH_MAX];
	enum msg_encoding encoding;	/* of the subscriber's previews */
	int		 retry_after_s;	/* rate_limited: when to try again */
};

/* job.c */
int		 registry_init(struct registry *reg, const struct settings *set);
void		 registry_free(struct registry *reg);
void		 registry_configure(struct registry *reg,
		    const struct settings *set);
struct job	*job_find(struct registry *reg, const char *id);
struct job	*job_create(struct registry *reg, const struct jobspec *spec,
		    struct job_tokens *tokens, enum ctlproto_err *err,
		    const char **errstr);
uint8_t		*job_preview_buffer(struct job *job);
void		 job_hold(struct job *job);
void		 job_release(struct registry *reg, struct job *job);
int		 job_emit(struct registry *reg, struct job *job, struct msg *m,
		    const char **errstr);
int		 job_cancel(struct registry *reg, struct job *job);
void		 job_fail(struct registry *reg, struct job *job,
		    const char *code, const char *message);
void		 job_trim(struct job *job);
struct msgbuf	*job_latest_preview(struct registry *reg, struct job *job,
		    enum msg_encoding enc);
double		 job_preview_rate(const struct jobspec *spec);
void		 job_run_due(struct registry *reg, int64_t now_mono);
struct json_object *job_to_json(const struct job *job,
		    const struct job_tokens *tokens);
/* For recover.c: */
struct job	*job_new(struct registry *reg, const char *id,
		    const struct jobspec *spec);
void		 job_unlink(struct registry *reg, struct job *job);
void		 job_free(struct registry *reg, struct job *job);
void		 job_expire_later(struct registry *reg, struct job *job);
void		 job_enforce_finished_limit(struct registry *reg,
		    const struct job *keep);
void		 job_create_rec(const struct job *job, struct journal_rec *r);
void		 job_finish_rec(const struct job *job, const struct msg *m,
		    struct journal_rec *r);

/* recover.c */
int		 registry_recover(struct registry *reg, struct journal *j,
		    struct journal_stats *st, const char **errstr);
int		 registry_compact(struct registry *reg, struct journal *j,
		    const char **errstr);

/* refusal.c */
void		 refusal_set(struct refusal *r, enum ctlproto_err err,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* producer.c */
const struct producer *producer_find(enum jobspec_producer kind);

/* fake.c, external.c */
extern const struct producer fake_producer;
extern const struct producer external_producer;

/* sub.c */
#define SUB_TAIL_MAX	(MSG_PREVIEW_END_MAX + 1)
int		 sub_attach(struct registry *reg, struct sub *s,
		    struct job *job, int has_since, int64_t since,
		    const char *epoch);
void		 sub_detach(struct sub *s);
void		 sub_orphan(struct sub *s);
int		 sub_next(struct registry *reg, struct sub *s);
struct msgbuf	*sub_peek(const struct sub *s, int64_t *skipped);
size_t		 sub_shared_len(const struct sub *s);
size_t		 sub_tail(const struct sub *s, char *buf, size_t size);
size_t		 sub_total_len(const struct sub *s);
int		 sub_wrote(struct registry *reg, struct sub *s, size_t n,
		    int64_t now);
int		 sub_pending(const struct sub *s);

/* ops.c */
struct json_object *ops_handle(struct registry *reg, const char *line,
		    size_t len, struct ops_result *res);

/* settings.c */
void		 settings_defaults(struct settings *set);
int		 settings_load(struct settings *set, const char *path, char *err,
		    size_t errlen);
int		 settings_check(const struct settings *set, char *err,
		    size_t errlen);
void		 settings_free(struct settings *set);

#endif
