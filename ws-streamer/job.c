/*
 * job.c: the registry of jobs and their state machine.  A job is created
 * running, emits numbered messages into its ring, and ends succeeded,
 * failed or cancelled; finished jobs stay queryable for the retention
 * time and are then forgotten.  Nothing here knows about sockets: the
 * registry's wake and dropping hooks tell the subscriber code.
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

/* Forgets a job: its subscribers are let go first. */
static void
job_drop(struct registry *reg, struct job *job)
{
	struct job **pp;

	if (reg->dropping != NULL)
		reg->dropping(job);
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
	log_debug("%s: job %s forgotten", __func__, job->id);
	job_free(job);
}

void
registry_free(struct registry *reg)
{
	struct job *job;

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

/* Drops the oldest finished job once more than max_finished are kept. */
static void
enforce_finished_limit(struct registry *reg, const struct job *keep)
{
	struct job *job;

	if (reg->nfinished <= reg->max_finished)
		return;
	TAILQ_FOREACH_REVERSE(job, &reg->jobs, joblist, entry)
		if (job != keep && msg_state_terminal(job->state) &&
		    job->nsubs == 0) {
			job_drop(reg, job);
			return;
		}
}

struct job *
job_create(struct registry *reg, const struct jobspec *spec,
    const char **code, const char **errstr)
{
	struct job *job;
	size_t b;

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
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    ring_init(&job->ring, reg->ring_len, reg->ring_bytes) == -1) {
		free(job);
		*errstr = "out of memory";
		return NULL;
	}
	if (id_job_new(job->id) == -1 || id_token_new(job->token) == -1) {
		*errstr = "no random bytes for an id";
		job_free(job);
		return NULL;
	}
	job->spec = *spec;
	if (!job->spec.has_seed) {
		job->spec.seed = random_seed();
		job->spec.has_seed = 1;
	}
	job->state = JOB_RUNNING;
	job->created_us = now_wall_us();
	TAILQ_INIT(&job->subs);
	sched_item_init(&job->due);
	b = bucket_of(reg, job->id);
	job->hnext = reg->buckets[b];
	reg->buckets[b] = job;
	TAILQ_INSERT_HEAD(&reg->jobs, job, entry);
	reg->njobs++;
	reg->nrunning++;
	reg->preview_rate += job_preview_rate(spec);
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

static void
finish(struct registry *reg, struct job *job, enum job_state state)
{
	job->state = state;
	job->finished_us = now_wall_us();
	job->has_eta = 0;
	reg->nrunning--;
	reg->preview_rate -= job_preview_rate(&job->spec);
	reg->nfinished++;
	if (sched_set(&reg->sched, &job->due,
	    now_mono_us() + reg->retention_us) == -1)
		log_warnx("%s: job %s: no memory to schedule its expiry",
		    __func__, job->id);
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
		finish(reg, job, m->type == MSG_ERROR ? JOB_FAILED : m->state);
		break;
	case MSG_STATUS:
		break;
	}
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
	struct msg m;
	const char *errstr;

	if (msg_state_terminal(job->state))
		return -1;
	memset(&m, 0, sizeof(m));
	m.type = MSG_COMPLETED;
	m.state = JOB_CANCELLED;
	if (job_emit(reg, job, &m, &errstr) == -1) {
		/* Cancelling must not fail: end it without a message. */
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
		finish(reg, job, JOB_CANCELLED);
		if (reg->wake != NULL)
			reg->wake(job);
	}
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
