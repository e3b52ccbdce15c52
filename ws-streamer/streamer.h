/*
 * streamer.h: the private header of ws-streamer, the daemon that owns
 * every job, runs the fake preview generator and streams messages to
 * WebSocket and control-channel subscribers, all in one lws event loop.
 * Prototypes are grouped by the file that defines them.
 */
#ifndef MS_STREAMER_H
#define MS_STREAMER_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "id.h"
#include "jobspec.h"
#include "journal.h"
#include "keepalive.h"
#include "msg.h"
#include "msgbuf.h"
#include "ndjson.h"
#include "now.h"
#include "ring.h"
#include "sched.h"

/* What a job asked for and where it stands. */
struct job {
	char			 id[ID_JOB_LEN + 1];
	char			 token[ID_TOKEN_LEN + 1];
	struct jobspec		 spec;
	enum job_state		 state;
	int			 progress;
	int			 has_eta;
	double			 eta_s;
	int64_t			 created_us;	/* wall clock */
	int64_t			 finished_us;	/* wall clock; 0 while running */

	int64_t			 seq;		/* last message broadcast */
	int64_t			 reserved;	/* highest seq journaled as usable */
	uint64_t		 previews;	/* previews broadcast */
	struct ring		 ring;		/* recent messages */
	/* In each encoding computed, by job_emit() or for a subscriber. */
	struct msgbuf		*latest_preview[MSG_NENC];
	struct msgbuf		*terminal;	/* completed or error */

	uint64_t		 tick;		/* fake producer: next tick */
	int64_t			 start_mono;	/* tick k is due at + k / hz */
	struct sched_item	 due;		/* next tick, or when dropped */

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
	struct sched	  sched;
	uint8_t		 *scratch;	/* one preview, for the generator */
	char		  epoch[MSG_EPOCH_MAX];
	struct registry_stats stats;
	struct journal	 *journal;	/* NULL: nothing is kept on disk */
	int		  journal_failed;	/* the last write to it failed */

	/* Called after a message was added to the job's ring. */
	void		(*wake)(struct job *);
	/* Called before a job is forgotten, to let its subscribers go. */
	void		(*dropping)(struct job *);
};

enum sub_kind {
	SUB_WS,		/* a WebSocket connection */
	SUB_CONTROL	/* a control-channel connection after "subscribe" */
};

/* One subscriber of one job. */
struct sub {
	enum sub_kind	 kind;
	struct lws	*wsi;
	struct job	*job;		/* NULL once the job is gone */
	enum msg_encoding encoding;	/* of previews; set before sub_attach */
	TAILQ_ENTRY(sub) entry;

	struct msgbuf	*intro[3];	/* status, latest preview, terminal */
	int		 nintro;
	int		 intro_pos;
	int64_t		 sent;		/* seq of the last broadcast written */
	int64_t		 replay_until;	/* never skip up to here */
	uint64_t	 last_preview_no;

	struct msgbuf	*cur;		/* being written */
	size_t		 off;		/* bytes of cur written */
	uint64_t	 skipped;	/* to announce with cur */
	int64_t		 cur_since;	/* monotonic us when cur started */
	int		 done;		/* terminal written: close 1000 */
	int		 close_code;	/* non-zero: close with it */
	int		 closing;	/* lws is closing it: write nothing */
	struct keepalive ka;		/* WebSockets only */
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
};

/* The daemon's state shared by the protocol handlers. */
struct streamer {
	struct settings		 set;
	struct registry		 reg;
	struct lws_context	*ctx;
	size_t			 nsubs;		/* WebSocket subscribers */
	size_t			 nconns;	/* WebSocket connections */
	size_t			 ncontrol;	/* control connections */
	int			 stopping;
};

extern struct streamer *streamer;

/* job.c */
int		 registry_init(struct registry *reg, const struct settings *set);
void		 registry_free(struct registry *reg);
int		 registry_compact(struct registry *reg, struct journal *j,
		    const char **errstr);
int		 registry_recover(struct registry *reg, struct journal *j,
		    struct journal_stats *st, const char **errstr);
struct job	*job_find(struct registry *reg, const char *id);
struct job	*job_create(struct registry *reg, const struct jobspec *spec,
		    const char **code, const char **errstr);
int		 job_emit(struct registry *reg, struct job *job, struct msg *m,
		    const char **errstr);
int		 job_cancel(struct registry *reg, struct job *job);
void		 job_trim(struct job *job);
double		 job_preview_rate(const struct jobspec *spec);
void		 job_run_due(struct registry *reg, int64_t now_mono);
struct json_object *job_to_json(const struct job *job, int with_token);

/* fake.c */
void		 fake_tick(struct registry *reg, struct job *job,
		    int64_t now_mono);
void		 fake_resume(struct registry *reg, struct job *job,
		    int64_t now_wall, int64_t now_mono);

/* main.c */
void		 streamer_event(void);
void		 streamer_arm(void);

/* sub.c */
int		 sub_attach(struct sub *s, struct job *job, int has_since,
		    int64_t since, const char *epoch);
void		 sub_detach(struct sub *s);
void		 sub_wake_job(struct job *job);
void		 sub_job_dropping(struct job *job);
int		 sub_writeable(struct sub *s);

/* ws.c, control.c */
extern const struct lws_protocols ws_protocols[];
extern const struct lws_protocols control_protocols[];

/* settings.c */
void		 settings_defaults(struct settings *set);
int		 settings_load(struct settings *set, const char *path, char *err,
		    size_t errlen);
int		 settings_check(const struct settings *set, char *err,
		    size_t errlen);
void		 settings_free(struct settings *set);

#endif
