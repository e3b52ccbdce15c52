/*
 * job.c: the registry of jobs and their state machine.  A job is created
 * running, emits numbered messages into its ring, and ends succeeded,
 * failed or cancelled; finished jobs stay queryable for the retention
 * time and are then forgotten.  Nothing here knows about sockets: the
 * registry's wake and dropping hooks tell the subscriber code.  With a
 * journal, a creation and an end are on disk before they happen here,
 * and a restart rebuilds the registry from it (registry_recover).
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"
#include "streamer.h"

static size_t
bucket_of(const struct registry *reg, const char *id)
{
	uint64_t h = 0;
	int i;

	/* Ids are random: their first 16 hex digits hash well enough. */
	for (i = 0; i < 16; i++)
		h = h << 4 | (uint64_t)(id[i] <= '9' ? id[i] - '0' :
		    id[i] - 'a' + 10);
	return (size_t)(h & (reg->nbuckets - 1));
}

int
registry_init(struct registry *reg, const struct settings *set)
{
	size_t want = (size_t)(set->max_jobs + set->max_finished);
	char run[ID_JOB_LEN + 1];

	memset(reg, 0, sizeof(*reg));
	TAILQ_INIT(&reg->jobs);
	sched_init(&reg->sched);
	reg->nbuckets = 64;
	while (reg->nbuckets < want)
		reg->nbuckets *= 2;
	reg->buckets = calloc(reg->nbuckets, sizeof(*reg->buckets));
	reg->scratch = malloc(MSG_PAYLOAD_MAX);
	if (reg->buckets == NULL || reg->scratch == NULL ||
	    id_job_new(run) == -1) {
		registry_free(reg);
		return -1;
	}
	/* 64 random bits name this run of the streamer. */
	memcpy(reg->epoch, run, 16);
	reg->epoch[16] = '\0';
	reg->max_running = (size_t)set->max_jobs;
	reg->max_finished = (size_t)set->max_finished;
	reg->retention_us = set->retention_s * 1000000;
	reg->ring_len = (size_t)set->ring_len;
	reg->ring_bytes = (size_t)set->ring_bytes;
	reg->max_preview_rate = (double)set->max_preview_rate;
	return 0;
}

static void
job_free(struct job *job)
{
	ring_free(&job->ring);
	msgbuf_set_unref(job->latest_preview);
	msgbuf_unref(job->terminal);
	explicit_bzero(job->token, sizeof(job->token));
	free(job);
}

/* Takes a job out of the registry's tables and counts. */
static void
job_unlink(struct registry *reg, struct job *job)
{
	struct job **pp;

	for (pp = &reg->buckets[bucket_of(reg, job->id)]; *pp != job;
	    pp = &(*pp)->hnext)
		;
	*pp = job->hnext;
	TAILQ_REMOVE(&reg->jobs, job, entry);
	sched_remove(&reg->sched, &job->due);
	reg->njobs--;
	if (msg_state_terminal(job->state))
		reg->nfinished--;
	else {
		reg->nrunning--;
		reg->preview_rate -= job_preview_rate(&job->spec);
	}
}

/*
 * Writes r to the journal, if the registry keeps one, compacting it first
 * when it has grown (the registry is consistent here: r is not applied
 * yet).  With sync, r is on disk when this returns 0.
 */
static int
record(struct registry *reg, const struct journal_rec *r, int sync,
    const char **errstr)
{
	const char *why;

	if (reg->journal == NULL)
		return 0;
	if (journal_wants_compaction(reg->journal) &&
	    registry_compact(reg, reg->journal, &why) == -1)
		log_warnx("%s: compaction of the journal failed: %s", __func__,
		    why);
	reg->journal_failed = journal_append(reg->journal, r, sync, errstr)
	    == -1;
	return reg->journal_failed ? -1 : 0;
}

/* Forgets a job: its subscribers are let go first. */
static void
job_drop(struct registry *reg, struct job *job)
{
	struct journal_rec r;
	const char *errstr;

	/* Not synced: a drop lost in a crash is made again at recovery. */
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_DROP;
	memcpy(r.id, job->id, sizeof(r.id));
	if (record(reg, &r, 0, &errstr) == -1)
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	if (reg->dropping != NULL)
		reg->dropping(job);
	job_unlink(reg, job);
	log_debug("%s: job %s forgotten", __func__, job->id);
	job_free(job);
}

void
registry_free(struct registry *reg)
{
	struct job *job;

	/* Stopping forgets nothing on disk. */
	reg->journal = NULL;
	while ((job = TAILQ_FIRST(&reg->jobs)) != NULL)
		job_drop(reg, job);
	sched_free(&reg->sched);
	free(reg->buckets);
	free(reg->scratch);
	memset(reg, 0, sizeof(*reg));
}

struct job *
job_find(struct registry *reg, const char *id)
{
	struct job *job;

	if (!id_job_valid(id, strlen(id)))
		return NULL;
	for (job = reg->buckets[bucket_of(reg, id)]; job != NULL;
	    job = job->hnext)
		if (strcmp(job->id, id) == 0)
			return job;
	return NULL;
}

/* Preview voxels per second a job costs. */
double
job_preview_rate(const struct jobspec *spec)
{
	return (double)msg_shape_voxels(spec->pshape) * spec->hz;
}

static int64_t
random_seed(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint64_t)now_mono_us();
	return (int64_t)(v & JOBSPEC_SEED_MAX);
}

/* Drops the oldest finished jobs while more than max_finished are kept. */
static void
enforce_finished_limit(struct registry *reg, const struct job *keep)
{
	struct job *job, *prev;

	for (job = TAILQ_LAST(&reg->jobs, joblist); job != NULL &&
	    reg->nfinished > reg->max_finished; job = prev) {
		prev = TAILQ_PREV(job, joblist, entry);
		if (job != keep && msg_state_terminal(job->state) &&
		    job->nsubs == 0)
			job_drop(reg, job);
	}
}

/* A new running job in the registry, or NULL (out of memory). */
static struct job *
job_new(struct registry *reg, const char *id, const struct jobspec *spec)
{
	struct job *job;
	size_t b;

	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    ring_init(&job->ring, reg->ring_len, reg->ring_bytes) == -1) {
		free(job);
		return NULL;
	}
	memcpy(job->id, id, sizeof(job->id));
	job->spec = *spec;
	job->state = JOB_RUNNING;
	TAILQ_INIT(&job->subs);
	sched_item_init(&job->due);
	b = bucket_of(reg, job->id);
	job->hnext = reg->buckets[b];
	reg->buckets[b] = job;
	TAILQ_INSERT_HEAD(&reg->jobs, job, entry);
	reg->njobs++;
	reg->nrunning++;
	reg->preview_rate += job_preview_rate(spec);
	return job;
}

static void
create_rec(const struct job *job, struct journal_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->type = JOURNAL_CREATE;
	memcpy(r->id, job->id, sizeof(r->id));
	memcpy(r->token, job->token, sizeof(r->token));
	r->spec = job->spec;
	r->created_us = job->created_us;
	r->seq = job->reserved;
}

/* What the end of a job needs to be rebuilt: m is its terminal message. */
static void
finish_rec(const struct job *job, const struct msg *m, struct journal_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->type = JOURNAL_FINISH;
	memcpy(r->id, job->id, sizeof(r->id));
	r->seq = m->seq;
	r->finished_us = m->ts_us;
	r->state = m->type == MSG_ERROR ? JOB_FAILED : m->state;
	r->progress = r->state == JOB_SUCCEEDED ? 100 : job->progress;
	if (m->type == MSG_ERROR) {
		memcpy(r->code, m->code, sizeof(r->code));
		memcpy(r->message, m->message, sizeof(r->message));
	}
}

struct job *
job_create(struct registry *reg, const struct jobspec *spec,
    const char **code, const char **errstr)
{
	struct journal_rec r;
	struct job *job = NULL;
	int ret;

	if (reg->nrunning >= reg->max_running) {
		*code = "too_many_jobs";
		*errstr = "the streamer runs as many jobs as it may";
		return NULL;
	}
	/* One loop generates and encodes every preview: its CPU is shared. */
	if (reg->preview_rate + job_preview_rate(spec) > reg->max_preview_rate) {
		*code = "too_many_jobs";
		*errstr = "the streamer's preview budget (max_preview_rate "
		    "voxels per second) is spent; retry later or ask for a "
		    "smaller or slower preview";
		return NULL;
	}
	*code = "internal";
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_CREATE;
	if (id_job_new(r.id) == -1 || id_token_new(r.token) == -1) {
		*errstr = "no random bytes for an id";
		return NULL;
	}
	r.spec = *spec;
	if (!r.spec.has_seed) {
		r.spec.seed = random_seed();
		r.spec.has_seed = 1;
	}
	r.created_us = now_wall_us();
	r.seq = JOURNAL_RESERVE;
	/*
	 * On disk first: a job is acknowledged only once it is there.  Not
	 * in the registry yet, so that a compaction before this append
	 * does not write it too.
	 */
	ret = record(reg, &r, 1, errstr);
	if (ret == -1)
		*code = "journal_failed";
	else if ((job = job_new(reg, r.id, &r.spec)) == NULL) {
		/* The journal has it: a restart would bring it back. */
		*errstr = "out of memory";
		ret = -1;
	} else {
		memcpy(job->token, r.token, sizeof(job->token));
		job->created_us = r.created_us;
		job->reserved = r.seq;
	}
	explicit_bzero(r.token, sizeof(r.token));
	if (ret == -1)
		return NULL;
	reg->stats.jobs_created++;
	log_info("%s: job %s: shape %ux%ux%u, preview %ux%ux%u at %g Hz, "
	    "%s producer", __func__, job->id, spec->shape[0], spec->shape[1],
	    spec->shape[2], spec->pshape[0], spec->pshape[1], spec->pshape[2],
	    spec->hz, jobspec_producer_name(spec->producer));
	if (spec->producer == JOBSPEC_FAKE) {
		/* Tick 0 now, so the job always has a latest preview. */
		job->start_mono = now_mono_us();
		fake_tick(reg, job, job->start_mono);
	}
	return job;
}

/* Schedules a finished job's expiry: retention_us after finished_us. */
static void
expire_later(struct registry *reg, struct job *job)
{
	int64_t left = job->finished_us + reg->retention_us - now_wall_us();

	if (left > reg->retention_us)
		left = reg->retention_us;	/* the wall clock went back */
	if (sched_set(&reg->sched, &job->due,
	    now_mono_us() + (left > 0 ? left : 0)) == -1)
		log_warnx("%s: job %s: no memory to schedule its expiry",
		    __func__, job->id);
}

/* The job's end, at finished_us (wall clock) as its journal says. */
static void
finish(struct registry *reg, struct job *job, enum job_state state,
    int64_t finished_us)
{
	job->state = state;
	job->finished_us = finished_us;
	job->has_eta = 0;
	reg->nrunning--;
	reg->preview_rate -= job_preview_rate(&job->spec);
	reg->nfinished++;
	expire_later(reg, job);
	log_info("%s: job %s %s", __func__, job->id, msg_state_name(state));
	enforce_finished_limit(reg, job);
}

/* What a message says about the job it belongs to. */
static void
apply(struct registry *reg, struct job *job, const struct msg *m,
    struct msgbuf *const set[MSG_NENC])
{
	int e;

	switch (m->type) {
	case MSG_PROGRESS:
		job->progress = m->progress;
		job->has_eta = m->has_eta;
		job->eta_s = m->eta_s;
		break;
	case MSG_PREVIEW:
		job->previews++;
		msgbuf_set_unref(job->latest_preview);
		for (e = 0; e < MSG_NENC; e++)
			job->latest_preview[e] = set[e] != NULL ?
			    msgbuf_ref(set[e]) : NULL;
		break;
	case MSG_COMPLETED:
		if (m->state == JOB_SUCCEEDED)
			job->progress = 100;
		/* FALLTHROUGH */
	case MSG_ERROR:
		job->terminal = msgbuf_ref(set[0]);
		finish(reg, job, m->type == MSG_ERROR ? JOB_FAILED : m->state,
		    m->ts_us);
		break;
	case MSG_STATUS:
		break;
	}
}

/*
 * Before m goes out: an end is journaled (synced) as such, and a seq past
 * the job's reservation reserves the next JOURNAL_RESERVE, so that after
 * a crash the job's seqs go on above any a subscriber may have seen.
 */
static int
durable(struct registry *reg, struct job *job, const struct msg *m,
    const char **errstr)
{
	struct journal_rec r;

	if (m->type == MSG_COMPLETED || m->type == MSG_ERROR) {
		finish_rec(job, m, &r);
		return record(reg, &r, 1, errstr);
	}
	if (m->seq <= job->reserved)
		return 0;
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_RESERVE_SEQ;
	memcpy(r.id, job->id, sizeof(r.id));
	r.seq = m->seq - 1 + JOURNAL_RESERVE;
	if (record(reg, &r, 1, errstr) == -1)
		return -1;
	job->reserved = r.seq;
	return 0;
}

/*
 * A preview is computed in each encoding a subscriber of the job uses;
 * while nobody watches, in base64 alone, so that the job keeps a latest
 * preview to encode again for whoever comes (sub.c).
 */
static int
encode_preview(struct registry *reg, struct job *job, struct msg *m,
    struct msgbuf *set[MSG_NENC], const char **errstr)
{
	int e;

	for (e = 0; e < MSG_NENC; e++) {
		set[e] = NULL;
		if (job->nsubs_enc[e] == 0 &&
		    (job->nsubs > 0 || e != MSG_ENC_BASE64))
			continue;
		m->encoding = e;
		if ((set[e] = msgbuf_encode(m, job->previews + 1,
		    errstr)) == NULL) {
			msgbuf_set_unref(set);
			return -1;
		}
		reg->stats.encodes[e]++;
	}
	return 0;
}

/* Any other message is the same bytes for every encoding. */
static int
encode_shared(struct msg *m, struct msgbuf *set[MSG_NENC],
    const char **errstr)
{
	int e;

	if ((set[0] = msgbuf_encode(m, 0, errstr)) == NULL)
		return -1;
	for (e = 1; e < MSG_NENC; e++)
		set[e] = msgbuf_ref(set[0]);
	return 0;
}

int
job_emit(struct registry *reg, struct job *job, struct msg *m,
    const char **errstr)
{
	struct msgbuf *set[MSG_NENC];
	int r;

	if (msg_state_terminal(job->state)) {
		*errstr = "the job has already finished";
		return -1;
	}
	if (m->type == MSG_STATUS) {
		*errstr = "status messages are not broadcast";
		return -1;
	}
	memcpy(m->job_id, job->id, sizeof(m->job_id));
	m->seq = job->seq + 1;
	m->ts_us = now_wall_us();
	if (m->type == MSG_PROGRESS)
		m->state = JOB_RUNNING;
	if (m->type == MSG_PREVIEW)
		r = encode_preview(reg, job, m, set, errstr);
	else
		r = encode_shared(m, set, errstr);
	if (r == -1)
		return -1;
	if (durable(reg, job, m, errstr) == -1) {
		msgbuf_set_unref(set);
		return -1;
	}
	job->seq = m->seq;
	ring_push_set(&job->ring, set);
	reg->stats.messages++;
	apply(reg, job, m, set);
	msgbuf_set_unref(set);
	if (reg->wake != NULL)
		reg->wake(job);
	return 0;
}

int
job_cancel(struct registry *reg, struct job *job)
{
	struct journal_rec r;
	const char *errstr;
	struct msg m;

	if (msg_state_terminal(job->state))
		return -1;
	memset(&m, 0, sizeof(m));
	m.type = MSG_COMPLETED;
	m.state = JOB_CANCELLED;
	reg->journal_failed = 0;
	if (job_emit(reg, job, &m, &errstr) == 0)
		return 0;
	log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	if (reg->journal_failed)
		return -1;
	/*
	 * Cancelling must not fail: end it without a message.  Its journal
	 * record takes the next seq, so that the terminal message rebuilt
	 * after a restart reuses no number.
	 */
	m.seq = job->seq + 1;
	m.ts_us = now_wall_us();
	finish_rec(job, &m, &r);
	if (record(reg, &r, 1, &errstr) == -1)
		return -1;
	finish(reg, job, JOB_CANCELLED, m.ts_us);
	if (reg->wake != NULL)
		reg->wake(job);
	return 0;
}

/* A finished job without subscribers needs no history beyond its end. */
void
job_trim(struct job *job)
{
	if (!msg_state_terminal(job->state) || job->nsubs > 0)
		return;
	ring_free(&job->ring);
	if (ring_init(&job->ring, 1, 0) == -1)
		log_warnx("%s: job %s: out of memory", __func__, job->id);
	/* Empty after the last seq, so no since before it counts as held. */
	job->ring.head = job->seq;
	job->ring.tail = job->seq + 1;
}

void
job_run_due(struct registry *reg, int64_t now_mono)
{
	struct sched_item *it;
	struct job *job;

	while ((it = sched_pop_due(&reg->sched, now_mono)) != NULL) {
		job = (struct job *)((char *)it - offsetof(struct job, due));
		if (msg_state_terminal(job->state) && job->nsubs > 0) {
			/* Its subscribers still get the end: look again. */
			if (sched_set(&reg->sched, &job->due,
			    now_mono + 1000000) == -1)
				job_drop(reg, job);
		} else if (msg_state_terminal(job->state))
			job_drop(reg, job);
		else
			fake_tick(reg, job, now_mono);
	}
}

/* A finished job as its journal says, with its terminal message rebuilt. */
static int
replay_finish(struct registry *reg, struct job *job,
    const struct journal_rec *r)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = r->state == JOB_FAILED ? MSG_ERROR : MSG_COMPLETED;
	memcpy(m.job_id, job->id, sizeof(m.job_id));
	m.seq = r->seq;
	m.ts_us = r->finished_us;
	m.state = r->state;
	memcpy(m.code, r->code, sizeof(m.code));
	memcpy(m.message, r->message, sizeof(m.message));
	if ((job->terminal = msgbuf_encode(&m, 0, &errstr)) == NULL) {
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
		return -1;
	}
	job->state = r->state;
	job->progress = r->progress;
	job->finished_us = r->finished_us;
	job->seq = r->seq;
	if (job->reserved < r->seq)
		job->reserved = r->seq;
	reg->nrunning--;
	reg->preview_rate -= job_preview_rate(&job->spec);
	reg->nfinished++;
	return 0;
}

/* Replays one record into the registry (before anything runs). */
static int
replay_rec(const struct journal_rec *r, void *arg)
{
	struct registry *reg = arg;
	struct job *job;

	if (r->type == JOURNAL_EPOCH) {
		memcpy(reg->epoch, r->epoch, sizeof(reg->epoch));
		return 0;
	}
	job = job_find(reg, r->id);
	if (r->type == JOURNAL_CREATE) {
		if (job != NULL) {
			log_warnx("%s: job %s created twice; the second is "
			    "ignored", __func__, r->id);
			return 0;
		}
		if ((job = job_new(reg, r->id, &r->spec)) == NULL)
			return -1;
		memcpy(job->token, r->token, sizeof(job->token));
		job->created_us = r->created_us;
		job->seq = job->reserved = r->seq;
		return 0;
	}
	if (job == NULL) {
		/* Its creation was a damaged record: already logged. */
		log_debug("%s: a %s record of unknown job %s", __func__,
		    r->type == JOURNAL_DROP ? "drop" : "state", r->id);
		return 0;
	}
	if (r->type == JOURNAL_DROP) {
		job_unlink(reg, job);
		job_free(job);
	} else if (msg_state_terminal(job->state)) {
		log_warnx("%s: job %s: a record after its end is ignored",
		    __func__, job->id);
	} else if (r->type == JOURNAL_RESERVE_SEQ) {
		if (r->seq > job->reserved)
			job->seq = job->reserved = r->seq;
	} else
		return replay_finish(reg, job, r);
	return 0;
}

/* The terminal message of a finished job, decoded, or rebuilt when the
 * job ended without one (then it takes the seq after the last). */
static int
terminal_msg(const struct job *job, struct msg *m)
{
	const char *errstr;

	if (job->terminal != NULL)
		return msg_decode((const char *)job->terminal->json,
		    job->terminal->len, m, &errstr);
	memset(m, 0, sizeof(*m));
	m->type = MSG_COMPLETED;
	m->state = job->state == JOB_FAILED ? JOB_CANCELLED : job->state;
	memcpy(m->job_id, job->id, sizeof(m->job_id));
	m->seq = job->seq + 1;
	m->ts_us = job->finished_us;
	return 0;
}

/*
 * Writes the live records (the epoch, each job's creation with its
 * reservation, and the end of each finished one) to a new journal that
 * replaces j's.  Bounded by max_jobs + max_finished records.
 */
int
registry_compact(struct registry *reg, struct journal *j,
    const char **errstr)
{
	struct journal_rec r;
	struct job *job;
	struct msg m;

	if (journal_compact_begin(j, errstr) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_EPOCH;
	memcpy(r.epoch, reg->epoch, sizeof(r.epoch));
	if (journal_compact_add(j, &r, errstr) == -1)
		goto fail;
	/* Oldest first, as they were created. */
	TAILQ_FOREACH_REVERSE(job, &reg->jobs, joblist, entry) {
		create_rec(job, &r);
		if (journal_compact_add(j, &r, errstr) == -1)
			goto fail;
		if (!msg_state_terminal(job->state))
			continue;
		memset(&m, 0, sizeof(m));
		if (terminal_msg(job, &m) == -1) {
			*errstr = "out of memory";
			goto fail;
		}
		finish_rec(job, &m, &r);
		if (journal_compact_add(j, &r, errstr) == -1)
			goto fail;
	}
	explicit_bzero(&r, sizeof(r));
	if (journal_compact_commit(j, errstr) == -1)
		goto fail;
	log_info("%s: \"%s/%s\": %zu jobs, %lld bytes", __func__, j->dir,
	    JOURNAL_FILE, reg->njobs, (long long)j->size);
	return 0;
fail:
	explicit_bzero(&r, sizeof(r));
	journal_compact_abort(j);
	return -1;
}

/* After replay: finished jobs wait for their expiry, running ones go on. */
static void
resume(struct registry *reg)
{
	int64_t wall = now_wall_us(), mono = now_mono_us();
	struct job *job, *prev;

	for (job = TAILQ_LAST(&reg->jobs, joblist); job != NULL; job = prev) {
		prev = TAILQ_PREV(job, joblist, entry);
		/* Empty after its seq: seqs go on above it. */
		job->ring.head = job->seq;
		job->ring.tail = job->seq + 1;
		if (msg_state_terminal(job->state)) {
			job_trim(job);
			expire_later(reg, job);
		} else if (job->spec.producer == JOBSPEC_FAKE)
			fake_resume(reg, job, wall, mono);
	}
	enforce_finished_limit(reg, NULL);
}

int
registry_recover(struct registry *reg, struct journal *j,
    struct journal_stats *st, const char **errstr)
{
	struct job *job;

	if (journal_replay(j, replay_rec, reg, st, errstr) == -1)
		return -1;
	/*
	 * Each running job gets its next reservation in the compacted
	 * journal: one fsync for all rather than one each as they go on.
	 */
	TAILQ_FOREACH(job, &reg->jobs, entry)
		if (!msg_state_terminal(job->state))
			job->reserved = job->seq + JOURNAL_RESERVE;
	/* Also cuts off a torn last record before anything is appended. */
	if (registry_compact(reg, j, errstr) == -1)
		return -1;
	reg->journal = j;
	if (reg->nrunning > reg->max_running)
		log_warnx("%s: %zu running jobs recovered, more than max_jobs "
		    "(%zu): they go on", __func__, reg->nrunning,
		    reg->max_running);
	resume(reg);
	return 0;
}

static struct json_object *
json_int(int64_t v)
{
	return json_object_new_int64(v);
}

struct json_object *
job_to_json(const struct job *job, int with_token)
{
	struct json_object *o;
	char url[sizeof("/ws/jobs/") + ID_JOB_LEN];

	if ((o = jobspec_to_json(&job->spec)) == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(job->id));
	if (with_token)
		json_object_object_add(o, "token",
		    json_object_new_string(job->token));
	json_object_object_add(o, "state",
	    json_object_new_string(msg_state_name(job->state)));
	json_object_object_add(o, "progress", json_int(job->progress));
	if (job->has_eta)
		json_object_object_add(o, "eta_s",
		    json_object_new_double(job->eta_s));
	json_object_object_add(o, "created_us", json_int(job->created_us));
	if (job->finished_us != 0)
		json_object_object_add(o, "finished_us",
		    json_int(job->finished_us));
	json_object_object_add(o, "seq", json_int(job->seq));
	json_object_object_add(o, "subscribers", json_int((int64_t)job->nsubs));
	snprintf(url, sizeof(url), "/ws/jobs/%s", job->id);
	json_object_object_add(o, "ws_url", json_object_new_string(url));
	return o;
}
