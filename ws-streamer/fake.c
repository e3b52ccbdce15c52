/*
 * fake.c: the fake producer.  On an absolute schedule (tick k at start +
 * k / hz, so no drift accumulates) it emits a progress message and a
 * generated preview (common/gen.c), and completes the job when its
 * duration is over.  It speaks to the job only through job_emit(), as
 * the external producer does with what is published.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "gen.h"
#include "log.h"

/* Where a fake job stands, kept in job->producer_state. */
struct fake {
	uint64_t	 tick;		/* the next one */
	int64_t		 start_mono;	/* tick k is due at + k / hz */
};

/*
 * The tick at which the duration is reached, in whole ticks: comparing
 * tick / hz with the duration in floating point can land just below it
 * and end the job a tick late.
 */
static uint64_t
last_tick(const struct jobspec *spec)
{
	return (uint64_t)ceil(spec->duration_s * spec->hz - 1e-9);
}

static int
progress_at(const struct jobspec *spec, double elapsed)
{
	double p;

	if (spec->duration_s <= 0)
		return 0;
	p = floor(100.0 * elapsed / spec->duration_s);
	return p > 100 ? 100 : (int)p;
}

static int
emit_progress(struct registry *reg, struct job *job, const struct fake *f,
    double elapsed)
{
	const struct jobspec *spec = &job->spec;
	int last = spec->duration_s > 0 && f->tick >= last_tick(spec);
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	m.progress = last ? 100 : progress_at(spec, elapsed);
	if (spec->duration_s > 0) {
		m.has_eta = 1;
		m.eta_s = !last && elapsed < spec->duration_s ?
		    spec->duration_s - elapsed : 0;
	}
	if (job_emit(reg, job, &m, &errstr) == -1) {
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
		return -1;
	}
	return 0;
}

/* The mask of this tick, made in the job's preview buffer. */
static int
emit_preview(struct registry *reg, struct job *job, uint64_t tick)
{
	const struct jobspec *spec = &job->spec;
	struct gen_params gp;
	const char *errstr = "out of memory";
	struct msg m;

	memset(&m, 0, sizeof(m));
	if ((m.payload = job_preview_buffer(job)) == NULL)
		goto fail;
	gp.seed = (uint64_t)spec->seed;
	memcpy(gp.shape, spec->pshape, sizeof(gp.shape));
	gp.continuous = spec->duration_s <= 0;
	gp.labels = spec->labels;
	gen_mask(&gp, tick, job->progress, m.payload);
	m.type = MSG_PREVIEW;
	m.scale = spec->scale;
	memcpy(m.shape, spec->pshape, sizeof(m.shape));
	m.encoding = MSG_ENC_BASE64;
	m.payload_len = (size_t)msg_shape_voxels(spec->pshape);
	if (job_emit(reg, job, &m, &errstr) == 0)
		return 0;
fail:
	log_warnx("%s: job %s: %s", __func__, job->id, errstr);
	return -1;
}

static void
fail(struct registry *reg, struct job *job)
{
	job_fail(reg, job, "producer_failed", "the preview generator could "
	    "not emit a message");
}

static int64_t
tick_time(const struct job *job, const struct fake *f, uint64_t tick)
{
	return f->start_mono + (int64_t)llround(tick * 1e6 / job->spec.hz);
}

/*
 * The journal could not be written, so nothing could be said: the same
 * tick is tried again a second later, as the disk may come back.
 */
static void
retry(struct registry *reg, struct job *job, const struct fake *f,
    int64_t now_mono)
{
	log_warnx("%s: job %s: the journal failed; tick %llu is retried",
	    __func__, job->id, (unsigned long long)f->tick);
	if (dueheap_set(&reg->due, &job->due, now_mono + 1000000) == -1)
		fail(reg, job);
}

/* After the last tick: the job completes. */
static void
complete(struct registry *reg, struct job *job, const struct fake *f,
    int64_t now_mono)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_COMPLETED;
	m.state = JOB_SUCCEEDED;
	if (job_emit(reg, job, &m, &errstr) == -1 && reg->journal_failed)
		retry(reg, job, f, now_mono);
	else if (job->terminal == NULL)
		fail(reg, job);
}

/* The next tick's time; missed ticks are skipped, not burst out. */
static void
schedule_next(struct registry *reg, struct job *job, struct fake *f,
    int64_t now_mono)
{
	int64_t next;

	f->tick++;
	next = tick_time(job, f, f->tick);
	if (next < now_mono) {
		f->tick = (uint64_t)ceil((now_mono - f->start_mono) *
		    job->spec.hz / 1e6);
		next = tick_time(job, f, f->tick);
	}
	if (dueheap_set(&reg->due, &job->due, next) == -1)
		fail(reg, job);
}

static void
fake_tick(struct registry *reg, struct job *job, int64_t now_mono)
{
	struct fake *f = job->producer_state;
	const struct jobspec *spec = &job->spec;

	reg->journal_failed = 0;
	if (emit_progress(reg, job, f, f->tick / spec->hz) == -1 ||
	    emit_preview(reg, job, f->tick) == -1) {
		if (reg->journal_failed)
			retry(reg, job, f, now_mono);
		else
			fail(reg, job);
		return;
	}
	if (spec->duration_s > 0 && f->tick >= last_tick(spec))
		complete(reg, job, f, now_mono);
	else
		schedule_next(reg, job, f, now_mono);
}

/* Tick 0 now, so the job always has a latest preview. */
static int
fake_start(struct registry *reg, struct job *job, const char **errstr)
{
	struct fake *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*errstr = "out of memory";
		return -1;
	}
	f->start_mono = now_mono_us();
	job->producer_state = f;
	fake_tick(reg, job, f->start_mono);
	return 0;
}

/*
 * A job recovered after a restart goes on where the wall clock says it
 * is: the downtime counts, so a restart does not lengthen a job, and a
 * job whose end passed meanwhile completes now.  The due tick runs at
 * once, so the job has a latest preview again.
 */
static void
fake_resume(struct registry *reg, struct job *job, int64_t now_wall,
    int64_t now_mono)
{
	const struct jobspec *spec = &job->spec;
	int64_t elapsed = now_wall - job->created_us;
	struct fake *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		fail(reg, job);
		return;
	}
	job->producer_state = f;
	if (elapsed < 0)
		elapsed = 0;	/* the wall clock went back */
	f->start_mono = now_mono - elapsed;
	f->tick = (uint64_t)floor(elapsed * spec->hz / 1e6);
	if (spec->duration_s > 0 && f->tick > last_tick(spec))
		f->tick = last_tick(spec);
	log_debug("%s: job %s resumes at tick %llu, seq %lld", __func__,
	    job->id, (unsigned long long)f->tick, (long long)job->seq);
	fake_tick(reg, job, now_mono);
}

static void
fake_stop(struct registry *reg, struct job *job)
{
	(void)reg;
	free(job->producer_state);
	job->producer_state = NULL;
}

const struct producer fake_producer = {
	.name = "fake",
	.start = fake_start,
	.tick = fake_tick,
	.resume = fake_resume,
	.stop = fake_stop,
	.publish = NULL
};
