/*
 * recover.c: the registry and its journal across restarts.  At start the
 * journal's records are replayed into the registry, each running job's
 * next reservation and every job are written to a compacted journal, and
 * the running jobs are handed back to their producers; while running,
 * job.c compacts through registry_compact() when the journal has grown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "log.h"

/* A job's terminal message from its finish record. */
static void
end_of(const struct job *job, const struct journal_rec *r, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = r->state == JOB_FAILED ? MSG_ERROR : MSG_COMPLETED;
	memcpy(m->job_id, job->id, sizeof(m->job_id));
	m->seq = r->seq;
	m->ts_us = r->finished_us;
	m->state = r->state;
	memcpy(m->code, r->code, sizeof(m->code));
	memcpy(m->message, r->message, sizeof(m->message));
}

/* A finished job as its journal says, with its terminal message rebuilt. */
static int
replay_finish(struct registry *reg, struct job *job,
    const struct journal_rec *r)
{
	const char *errstr;
	struct msg m;

	end_of(job, r, &m);
	if ((job->terminal = msgbuf_encode(&m, 0, &errstr)) == NULL ||
	    (job->end = malloc(sizeof(*job->end))) == NULL) {
		log_warnx("%s: job %s: %s", __func__, job->id,
		    job->terminal == NULL ? errstr : "out of memory");
		return -1;
	}
	*job->end = m;
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

static int
replay_create(struct registry *reg, struct job *job,
    const struct journal_rec *r)
{
	if (job != NULL) {
		log_warnx("%s: job %s created twice; the second is ignored",
		    __func__, r->id);
		return 0;
	}
	if ((job = job_new(reg, r->id, &r->spec)) == NULL)
		return -1;
	memcpy(job->token_hash, r->token_hash, sizeof(job->token_hash));
	memcpy(job->producer_token_hash, r->ptoken_hash,
	    sizeof(job->producer_token_hash));
	job->has_producer_token = r->has_ptoken;
	job->created_us = r->created_us;
	job->seq = job->reserved = r->seq;
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
	if (r->type == JOURNAL_CREATE)
		return replay_create(reg, job, r);
	if (job == NULL) {
		/* Its creation was a damaged record: already logged. */
		log_debug("%s: a %s record of unknown job %s", __func__,
		    r->type == JOURNAL_DROP ? "drop" : "state", r->id);
		return 0;
	}
	if (r->type == JOURNAL_DROP) {
		job_unlink(reg, job);
		job_free(reg, job);
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

/*
 * A finished job's terminal message for its finish record; one that
 * ended without one (memory ran out) is said to be cancelled, taking the
 * seq after its last.
 */
static void
end_msg(const struct job *job, struct msg *m)
{
	if (job->end != NULL) {
		*m = *job->end;
		return;
	}
	memset(m, 0, sizeof(*m));
	m->type = MSG_COMPLETED;
	m->state = job->state == JOB_FAILED ? JOB_CANCELLED : job->state;
	memcpy(m->job_id, job->id, sizeof(m->job_id));
	m->seq = job->seq + 1;
	m->ts_us = job->finished_us;
}

/* The records that rebuild job: its creation, and its end if over. */
static int
compact_job(struct journal *j, const struct job *job, const char **errstr)
{
	struct journal_rec r;
	struct msg m;
	int ret;

	job_create_rec(job, &r);
	ret = journal_compact_add(j, &r, errstr);
	if (ret == 0 && msg_state_terminal(job->state)) {
		end_msg(job, &m);
		job_finish_rec(job, &m, &r);
		ret = journal_compact_add(j, &r, errstr);
	}
	explicit_bzero(&r, sizeof(r));
	return ret;
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

	if (journal_compact_begin(j, errstr) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_EPOCH;
	memcpy(r.epoch, reg->epoch, sizeof(r.epoch));
	if (journal_compact_add(j, &r, errstr) == -1)
		goto fail;
	/* Oldest first, as they were created. */
	TAILQ_FOREACH_REVERSE(job, &reg->jobs, joblist, entry)
		if (compact_job(j, job, errstr) == -1)
			goto fail;
	if (journal_compact_commit(j, errstr) == -1)
		goto fail;
	log_info("%s: \"%s/%s\": %zu jobs, %lld bytes", __func__, j->dir,
	    JOURNAL_FILE, reg->njobs, (long long)j->size);
	return 0;
fail:
	journal_compact_abort(j);
	return -1;
}

/*
 * After replay: finished jobs wait for their expiry, running ones go on,
 * oldest first.  A job its producer ends at once may make the registry
 * forget older finished jobs, so the running ones are listed first.
 */
static int
resume(struct registry *reg, const char **errstr)
{
	int64_t wall = now_wall_us(), mono = now_mono_us();
	struct job *job, **running;
	size_t n = 0, i;

	if ((running = calloc(reg->nrunning + 1, sizeof(*running))) == NULL) {
		*errstr = "out of memory";
		return -1;
	}
	TAILQ_FOREACH_REVERSE(job, &reg->jobs, joblist, entry) {
		/* Empty after its seq: seqs go on above it. */
		job->ring.head = job->seq;
		job->ring.tail = job->seq + 1;
		if (msg_state_terminal(job->state)) {
			job_trim(job);
			job_expire_later(reg, job);
		} else
			running[n++] = job;
	}
	for (i = 0; i < n; i++) {
		if (running[i]->producer->resume == NULL)
			continue;
		job_hold(running[i]);
		running[i]->producer->resume(reg, running[i], wall, mono);
		job_release(reg, running[i]);
	}
	free(running);
	job_enforce_finished_limit(reg, NULL);
	return 0;
}

/*
 * Jobs whose ids name another cell or shard than this streamer's (its
 * settings changed under its state directory, or ids from before ids
 * named their place): they go on, but nginx routes their subscribers by
 * their ids, so say so.
 */
static void
warn_misplaced(const struct registry *reg)
{
	const struct job *job;
	unsigned cell, shard;
	size_t n = 0;

	TAILQ_FOREACH(job, &reg->jobs, entry) {
		id_job_place(job->id, &cell, &shard);
		if (cell != reg->cell || shard != reg->shard)
			n++;
	}
	if (n > 0)
		log_warnx("%zu recovered jobs name another place than this "
		    "streamer's (cell %u, shard %u): nginx routes their "
		    "subscribers by their ids (docs/sharding.md)", n,
		    reg->cell, reg->shard);
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
	warn_misplaced(reg);
	/* Also cuts off a torn last record before anything is appended. */
	if (registry_compact(reg, j, errstr) == -1)
		return -1;
	reg->journal = j;
	if (reg->nrunning > reg->max_running)
		log_warnx("%s: %zu running jobs recovered, more than max_jobs "
		    "(%zu): they go on", __func__, reg->nrunning,
		    reg->max_running);
	return resume(reg, errstr);
}
