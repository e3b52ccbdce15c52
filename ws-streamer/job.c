/*
 * job.c: the registry of jobs and their state machine.  A job is created
 * running, emits numbered messages into its ring, and ends succeeded,
 * failed or cancelled; finished jobs stay queryable for the retention
 * time and are then forgotten.  Its messages come from its producer
 * (producer.c), which this file never names.  With a journal, a creation
 * and an end are on disk before they happen here; recover.c rebuilds the
 * registry from it after a restart.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core.h"
#include "log.h"

static size_t
bucket_of(const struct registry *reg, const char *id)
{
	uint64_t h = 0;
	int i;

	/* Past their place (cell and shard, four digits) ids are random:
	 * sixteen of those digits hash well enough. */
	for (i = 4; i < 20; i++)
		h = h << 4 | (uint64_t)(id[i] <= '9' ? id[i] - '0' :
		    id[i] - 'a' + 10);
	return (size_t)(h & (reg->nbuckets - 1));
}

int
registry_init(struct registry *reg, const struct settings *set)
{
	size_t want = (size_t)(set->max_jobs + set->max_finished);

	memset(reg, 0, sizeof(*reg));
	TAILQ_INIT(&reg->jobs);
	dueheap_init(&reg->due);
	reg->nbuckets = 64;
	while (reg->nbuckets < want)
		reg->nbuckets *= 2;
	reg->buckets = calloc(reg->nbuckets, sizeof(*reg->buckets));
	/* 64 random bits name this run of the streamer. */
	if (reg->buckets == NULL || id_hex_new(reg->epoch, 16) == -1) {
		registry_free(reg);
		return -1;
	}
	reg->cell = (unsigned)set->cell;
	reg->shard = (unsigned)set->shard;
	registry_configure(reg, set);
	return 0;
}

/* The settings the registry follows, at start and on reload. */
void
registry_configure(struct registry *reg, const struct settings *set)
{
	reg->max_running = (size_t)set->max_jobs;
	reg->max_finished = (size_t)set->max_finished;
	reg->retention_us = set->retention_s * 1000000;
	reg->ring_len = (size_t)set->ring_len;
	reg->ring_bytes = (size_t)set->ring_bytes;
	reg->max_preview_rate = (double)set->max_preview_rate;
}

/* Lets the job's producer go, if it still runs for the job. */
static void
stop_producer(struct registry *reg, struct job *job)
{
	if (job->producer != NULL && job->producer->stop != NULL)
		job->producer->stop(reg, job);
	job->producer_state = NULL;
}

void
job_free(struct registry *reg, struct job *job)
{
	stop_producer(reg, job);
	ring_free(&job->ring);
	msgbuf_set_unref(job->preview.enc);
	free(job->preview.raw);
	free(job->preview.next);
	free(job->end);
	msgbuf_unref(job->terminal);
	free(job);
}

/* Takes a job out of the registry's tables and counts. */
void
job_unlink(struct registry *reg, struct job *job)
{
	struct job **pp;

	for (pp = &reg->buckets[bucket_of(reg, job->id)]; *pp != job;
	    pp = &(*pp)->hnext)
		;
	*pp = job->hnext;
	TAILQ_REMOVE(&reg->jobs, job, entry);
	dueheap_remove(&reg->due, &job->due);
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
	job_free(reg, job);
}

void
registry_free(struct registry *reg)
{
	struct job *job;

	/* Stopping forgets nothing on disk. */
	reg->journal = NULL;
	while ((job = TAILQ_FIRST(&reg->jobs)) != NULL)
		job_drop(reg, job);
	dueheap_free(&reg->due);
	free(reg->buckets);
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
void
job_enforce_finished_limit(struct registry *reg, const struct job *keep)
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
struct job *
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
	job->producer = producer_find(spec->producer);
	job->state = JOB_RUNNING;
	TAILQ_INIT(&job->subs);
	dueheap_item_init(&job->due);
	b = bucket_of(reg, job->id);
	job->hnext = reg->buckets[b];
	reg->buckets[b] = job;
	TAILQ_INSERT_HEAD(&reg->jobs, job, entry);
	reg->njobs++;
	reg->nrunning++;
	reg->preview_rate += job_preview_rate(spec);
	return job;
}

void
job_create_rec(const struct job *job, struct journal_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->type = JOURNAL_CREATE;
	memcpy(r->id, job->id, sizeof(r->id));
	memcpy(r->token_hash, job->token_hash, sizeof(r->token_hash));
	memcpy(r->ptoken_hash, job->producer_token_hash,
	    sizeof(r->ptoken_hash));
	r->has_ptoken = job->has_producer_token;
	r->spec = job->spec;
	r->created_us = job->created_us;
	r->seq = job->reserved;
}

/* What the end of a job needs to be rebuilt: m is its terminal message. */
void
job_finish_rec(const struct job *job, const struct msg *m,
    struct journal_rec *r)
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

/* Whether the streamer may take one more job like spec; else why not. */
static int
room_for(const struct registry *reg, const struct jobspec *spec,
    enum ctlproto_err *err, const char **errstr)
{
	*err = CTLPROTO_TOO_MANY_JOBS;
	if (reg->nrunning >= reg->max_running) {
		*errstr = "the streamer runs as many jobs as it may";
		return 0;
	}
	/* One loop generates and encodes every preview: its CPU is shared. */
	if (reg->preview_rate + job_preview_rate(spec) > reg->max_preview_rate) {
		*errstr = "the streamer's preview budget (max_preview_rate "
		    "voxels per second) is spent; retry later or ask for a "
		    "smaller or slower preview";
		return 0;
	}
	return 1;
}

/* The creation on disk, then in the registry; NULL with *err, *errstr. */
static struct job *
admit(struct registry *reg, struct journal_rec *r, enum ctlproto_err *err,
    const char **errstr)
{
	struct job *job;

	/*
	 * On disk first: a job is acknowledged only once it is there.  Not
	 * in the registry yet, so that a compaction before this append
	 * does not write it too.
	 */
	if (record(reg, r, 1, errstr) == -1) {
		*err = CTLPROTO_JOURNAL_FAILED;
		return NULL;
	}
	if ((job = job_new(reg, r->id, &r->spec)) == NULL) {
		/* The journal has it: a restart would bring it back. */
		*err = CTLPROTO_INTERNAL;
		*errstr = "out of memory";
		return NULL;
	}
	memcpy(job->token_hash, r->token_hash, sizeof(job->token_hash));
	memcpy(job->producer_token_hash, r->ptoken_hash,
	    sizeof(job->producer_token_hash));
	job->has_producer_token = r->has_ptoken;
	job->created_us = r->created_us;
	job->reserved = r->seq;
	return job;
}

/*
 * The new job's tokens, into t; their hashes into r.  0, or -1 when
 * there were no random bytes or no hash.
 */
static int
new_tokens(const struct jobspec *spec, struct job_tokens *t,
    struct journal_rec *r)
{
	memset(t, 0, sizeof(*t));
	if (id_token_new(t->token) == -1 ||
	    id_token_hash(t->token, ID_TOKEN_LEN, r->token_hash) == -1)
		return -1;
	if (spec->producer != JOBSPEC_EXTERNAL)
		return 0;
	r->has_ptoken = 1;
	if (id_token_new(t->producer_token) == -1 ||
	    id_token_hash(t->producer_token, ID_TOKEN_LEN,
	    r->ptoken_hash) == -1)
		return -1;
	return 0;
}

struct job *
job_create(struct registry *reg, const struct jobspec *spec,
    struct job_tokens *tokens, enum ctlproto_err *err, const char **errstr)
{
	struct journal_rec r;
	struct job *job;

	if (!room_for(reg, spec, err, errstr))
		return NULL;
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_CREATE;
	if (id_job_new(r.id, reg->cell, reg->shard) == -1 ||
	    new_tokens(spec, tokens, &r) == -1) {
		explicit_bzero(tokens, sizeof(*tokens));
		*err = CTLPROTO_INTERNAL;
		*errstr = "no random bytes for an id or a token";
		return NULL;
	}
	r.spec = *spec;
	if (!r.spec.has_seed) {
		r.spec.seed = random_seed();
		r.spec.has_seed = 1;
	}
	r.created_us = now_wall_us();
	r.seq = JOURNAL_RESERVE;
	if ((job = admit(reg, &r, err, errstr)) == NULL) {
		explicit_bzero(tokens, sizeof(*tokens));
		return NULL;
	}
	reg->stats.jobs_created++;
	log_info("%s: job %s: shape %ux%ux%u, preview %ux%ux%u at %g Hz, "
	    "%s producer", __func__, job->id, spec->shape[0], spec->shape[1],
	    spec->shape[2], spec->pshape[0], spec->pshape[1], spec->pshape[2],
	    spec->hz, job->producer->name);
	job_hold(job);
	if (job->producer->start != NULL &&
	    job->producer->start(reg, job, errstr) == -1)
		job_fail(reg, job, "producer_failed", *errstr);
	job_release(reg, job);
	return job;
}

/* Schedules a finished job's expiry: retention_us after finished_us. */
void
job_expire_later(struct registry *reg, struct job *job)
{
	int64_t left = job->finished_us + reg->retention_us - now_wall_us();

	if (left > reg->retention_us)
		left = reg->retention_us;	/* the wall clock went back */
	if (dueheap_set(&reg->due, &job->due,
	    now_mono_us() + (left > 0 ? left : 0)) == -1)
		log_warnx("%s: job %s: no memory to schedule its expiry",
		    __func__, job->id);
}

/* A copy of the terminal message, without payload; NULL: no memory. */
static struct msg *
copy_end(const struct msg *m)
{
	struct msg *end;

	if ((end = malloc(sizeof(*end))) == NULL)
		return NULL;
	*end = *m;
	end->payload = NULL;
	end->payload_len = 0;
	if (end->type == MSG_ERROR)
		end->state = JOB_FAILED;
	return end;
}

/* The job's end, m its terminal message (as its journal says). */
static void
finish(struct registry *reg, struct job *job, const struct msg *m)
{
	job->end = copy_end(m);
	job->state = m->type == MSG_ERROR ? JOB_FAILED : m->state;
	job->finished_us = m->ts_us;
	job->has_eta = 0;
	if (job->state == JOB_SUCCEEDED)
		job->progress = 100;
	stop_producer(reg, job);
	reg->nrunning--;
	reg->preview_rate -= job_preview_rate(&job->spec);
	reg->nfinished++;
	job_expire_later(reg, job);
	log_info("%s: job %s %s", __func__, job->id,
	    msg_state_name(job->state));
	job_enforce_finished_limit(reg, job);
}

/* A new latest preview: m's payload becomes the job's raw one. */
static void
keep_preview(struct job *job, const struct msg *m,
    struct msgbuf *const set[MSG_NENC])
{
	struct job_preview *p = &job->preview;
	uint8_t *old;
	int e;

	if (m->payload == p->next) {
		old = p->raw;
		p->raw = p->next;
		p->next = old;
	} else if (p->raw != NULL ||
	    (p->raw = malloc(m->payload_len)) != NULL)
		memcpy(p->raw, m->payload, m->payload_len);
	p->seq = m->seq;
	p->ts_us = m->ts_us;
	p->no++;
	msgbuf_set_unref(p->enc);
	for (e = 0; e < MSG_NENC; e++)
		p->enc[e] = set[e] != NULL ? msgbuf_ref(set[e]) : NULL;
}

/* What a message says about the job it belongs to. */
static void
apply(struct registry *reg, struct job *job, const struct msg *m,
    struct msgbuf *const set[MSG_NENC])
{
	switch (m->type) {
	case MSG_PROGRESS:
		job->progress = m->progress;
		job->has_eta = m->has_eta;
		job->eta_s = m->eta_s;
		break;
	case MSG_PREVIEW:
		keep_preview(job, m, set);
		break;
	case MSG_COMPLETED:
	case MSG_ERROR:
		job->terminal = msgbuf_ref(set[0]);
		finish(reg, job, m);
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
		job_finish_rec(job, m, &r);
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
 * while nobody watches, in base64 alone, so that a subscriber resuming
 * later finds it in the ring as it would have.
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
		if ((set[e] = msgbuf_encode(m, job->preview.no + 1,
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

/*
 * Lets the job's subscribers know of its new messages, now or, while
 * its producer is at work, when it is done (job_release()).
 */
static void
wake(struct registry *reg, struct job *job)
{
	if (job->hold > 0)
		job->woken = 1;
	else if (reg->wake != NULL)
		reg->wake(job);
}

/*
 * Around a producer's turn (start, tick, resume): the messages it emits
 * in one go, a tick's progress and preview, reach each subscriber in one
 * go, which the transport can write together.
 */
void
job_hold(struct job *job)
{
	job->hold++;
}

void
job_release(struct registry *reg, struct job *job)
{
	if (--job->hold > 0 || !job->woken)
		return;
	job->woken = 0;
	if (reg->wake != NULL)
		reg->wake(job);
}

/*
 * Where the producer makes the job's next preview (the preview shape's
 * voxels), so that job_emit() keeps it without a copy; NULL when memory
 * ran out.
 */
uint8_t *
job_preview_buffer(struct job *job)
{
	if (job->preview.next == NULL)
		job->preview.next = malloc(msg_shape_voxels(job->spec.pshape));
	return job->preview.next;
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
	wake(reg, job);
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
	memcpy(m.job_id, job->id, sizeof(m.job_id));
	m.seq = job->seq + 1;
	m.ts_us = now_wall_us();
	job_finish_rec(job, &m, &r);
	if (record(reg, &r, 1, &errstr) == -1)
		return -1;
	finish(reg, job, &m);
	wake(reg, job);
	return 0;
}

/* The job fails with code and message, or is cancelled if even that fails. */
void
job_fail(struct registry *reg, struct job *job, const char *code,
    const char *message)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_ERROR;
	snprintf(m.code, sizeof(m.code), "%s", code);
	snprintf(m.message, sizeof(m.message), "%s", message);
	if (job_emit(reg, job, &m, &errstr) == -1)
		job_cancel(reg, job);
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

/*
 * The job's latest preview in enc: as job_emit() encoded it, or encoded
 * now from the raw one (nobody used enc when it was emitted) and kept.
 * NULL when the job has none (no reference is taken).
 */
struct msgbuf *
job_latest_preview(struct registry *reg, struct job *job,
    enum msg_encoding enc)
{
	struct job_preview *p = &job->preview;
	const char *errstr;
	struct msg m;

	if (p->enc[enc] != NULL || p->raw == NULL || p->seq == 0)
		return p->enc[enc];
	memset(&m, 0, sizeof(m));
	m.type = MSG_PREVIEW;
	memcpy(m.job_id, job->id, sizeof(m.job_id));
	m.seq = p->seq;
	m.ts_us = p->ts_us;
	m.scale = job->spec.scale;
	memcpy(m.shape, job->spec.pshape, sizeof(m.shape));
	m.encoding = enc;
	m.payload = p->raw;
	m.payload_len = (size_t)msg_shape_voxels(job->spec.pshape);
	if ((p->enc[enc] = msgbuf_encode(&m, p->no, &errstr)) == NULL)
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	else
		reg->stats.encodes[enc]++;
	return p->enc[enc];
}

void
job_run_due(struct registry *reg, int64_t now_mono)
{
	struct dueheap_item *it;
	struct job *job;

	while ((it = dueheap_pop_due(&reg->due, now_mono)) != NULL) {
		job = (struct job *)((char *)it - offsetof(struct job, due));
		if (msg_state_terminal(job->state) && job->nsubs > 0) {
			/* Its subscribers still get the end: look again. */
			if (dueheap_set(&reg->due, &job->due,
			    now_mono + 1000000) == -1)
				job_drop(reg, job);
		} else if (msg_state_terminal(job->state))
			job_drop(reg, job);
		else if (job->producer->tick != NULL) {
			job_hold(job);
			job->producer->tick(reg, job, now_mono);
			job_release(reg, job);
		}
	}
}

static struct json_object *
json_int(int64_t v)
{
	return json_object_new_int64(v);
}

/* The job resource; with tokens, those its creator gets once. */
struct json_object *
job_to_json(const struct job *job, const struct job_tokens *tokens)
{
	struct json_object *o;
	char url[sizeof("/ws/jobs/") + ID_JOB_LEN];

	if ((o = jobspec_to_json(&job->spec, JOBSPEC_AS_RESOURCE)) == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(job->id));
	if (tokens != NULL)
		json_object_object_add(o, "token",
		    json_object_new_string(tokens->token));
	if (tokens != NULL && tokens->producer_token[0] != '\0')
		json_object_object_add(o, "producer_token",
		    json_object_new_string(tokens->producer_token));
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
