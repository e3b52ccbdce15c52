/*
 * fake.c: the fake producer.  On an absolute schedule (tick k at start +
 * k / hz, so no drift accumulates) it emits a progress message and a
 * generated preview, and completes the job when its duration is over.
 * It speaks to the job only through job_emit(), as an external producer
 * does through the control channel's "publish".
 */
#include <math.h>
#include <string.h>

#include "gen.h"
#include "log.h"
#include "streamer.h"

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
emit_progress(struct registry *reg, struct job *job, double elapsed)
{
	const struct jobspec *spec = &job->spec;
	int last = spec->duration_s > 0 && job->tick >= last_tick(spec);
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

static int
emit_preview(struct registry *reg, struct job *job, uint64_t tick)
{
	const struct jobspec *spec = &job->spec;
	struct gen_params gp;
	const char *errstr;
	struct msg m;

	gp.seed = (uint64_t)spec->seed;
	memcpy(gp.shape, spec->pshape, sizeof(gp.shape));
	gp.continuous = spec->duration_s <= 0;
	gen_mask(&gp, tick, job->progress, reg->scratch);

	memset(&m, 0, sizeof(m));
	m.type = MSG_PREVIEW;
	m.scale = spec->scale;
	memcpy(m.shape, spec->pshape, sizeof(m.shape));
	m.encoding = MSG_ENC_BASE64;
	m.payload = reg->scratch;
	m.payload_len = (size_t)msg_shape_voxels(spec->pshape);
	if (job_emit(reg, job, &m, &errstr) == -1) {
		log_warnx("%s: job %s: %s", __func__, job->id, errstr);
		return -1;
	}
	return 0;
}

static void
fail(struct registry *reg, struct job *job)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_ERROR;
	strcpy(m.code, "producer_failed");
	strcpy(m.message, "the preview generator could not emit a message");
	if (job_emit(reg, job, &m, &errstr) == -1)
		job_cancel(reg, job);
}

static int64_t
tick_time(const struct job *job, uint64_t tick)
{
	return job->start_mono + (int64_t)llround(tick * 1e6 / job->spec.hz);
}

/*
 * The journal could not be written, so nothing could be said: the same
 * tick is tried again a second later, as the disk may come back.
 */
static void
retry(struct registry *reg, struct job *job, int64_t now_mono)
{
	log_warnx("%s: job %s: the journal failed; tick %llu is retried",
	    __func__, job->id, (unsigned long long)job->tick);
	if (sched_set(&reg->sched, &job->due, now_mono + 1000000) == -1)
		fail(reg, job);
}

void
fake_tick(struct registry *reg, struct job *job, int64_t now_mono)
{
	const struct jobspec *spec = &job->spec;
	double elapsed = job->tick / spec->hz;
	int64_t next;

	reg->journal_failed = 0;
	if (emit_progress(reg, job, elapsed) == -1 ||
	    emit_preview(reg, job, job->tick) == -1) {
		if (reg->journal_failed)
			retry(reg, job, now_mono);
		else
			fail(reg, job);
		return;
	}
	if (spec->duration_s > 0 && job->tick >= last_tick(spec)) {
		struct msg m;
		const char *errstr;

		memset(&m, 0, sizeof(m));
		m.type = MSG_COMPLETED;
		m.state = JOB_SUCCEEDED;
		if (job_emit(reg, job, &m, &errstr) == -1 &&
		    reg->journal_failed)
			retry(reg, job, now_mono);
		else if (job->terminal == NULL)
			fail(reg, job);
		return;
	}
	job->tick++;
	next = tick_time(job, job->tick);
	if (next < now_mono) {
		/* The loop fell behind: skip the missed ticks, no burst. */
		job->tick = (uint64_t)ceil((now_mono - job->start_mono) *
		    spec->hz / 1e6);
		next = tick_time(job, job->tick);
	}
	if (sched_set(&reg->sched, &job->due, next) == -1)
		fail(reg, job);
}

/*
 * A job recovered after a restart goes on where the wall clock says it
 * is: the downtime counts, so a restart does not lengthen a job, and a
 * job whose end passed meanwhile completes now.  The due tick runs at
 * once, so the job has a latest preview again.
 */
void
fake_resume(struct registry *reg, struct job *job, int64_t now_wall,
    int64_t now_mono)
{
	const struct jobspec *spec = &job->spec;
	int64_t elapsed = now_wall - job->created_us;

	if (elapsed < 0)
		elapsed = 0;	/* the wall clock went back */
	job->start_mono = now_mono - elapsed;
	job->tick = (uint64_t)floor(elapsed * spec->hz / 1e6);
	if (spec->duration_s > 0 && job->tick > last_tick(spec))
		job->tick = last_tick(spec);
	log_debug("%s: job %s resumes at tick %llu, seq %lld", __func__,
	    job->id, (unsigned long long)job->tick, (long long)job->seq);
	fake_tick(reg, job, now_mono);
}
