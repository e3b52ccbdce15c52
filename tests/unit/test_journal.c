/*
 * test_journal.c: the job journal: records survive a reopen, a torn last
 * line or a damaged one is skipped and counted, compaction keeps exactly
 * the live jobs, seq reservations keep a recovered job's seqs above any
 * sent, and a recovered fake job resumes where the wall clock says.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core.h"
#include "gen.h"
#include "journal.h"
#include "unit.h"

#define MAXRECS	64

static char		 dir[64];
static char		 path[128];
static struct journal	 jrn;
static struct journal_rec recs[MAXRECS];
static size_t		 nrecs;
static uint8_t		 written_hash[ID_TOKEN_HASH_LEN];

static void
setup(void)
{
	const char *errstr;

	strcpy(dir, "/tmp/test_journal.XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
	CU_ASSERT_FATAL(journal_prepare(dir, NULL, &errstr) == 0);
	CU_ASSERT_FATAL(journal_open(&jrn, dir, &errstr) == 0);
	nrecs = 0;
}

static void
teardown(void)
{
	char p[160];

	journal_close(&jrn);
	unlink(path);
	snprintf(p, sizeof(p), "%s/%s", dir, JOURNAL_TMP);
	unlink(p);
	rmdir(dir);
}

static int
collect(const struct journal_rec *r, void *arg)
{
	(void)arg;
	if (nrecs < MAXRECS)
		recs[nrecs++] = *r;
	return 0;
}

/* Replays a freshly opened journal into recs. */
static struct journal_stats
reopen_replay(void)
{
	struct journal_stats st;
	const char *errstr;

	journal_close(&jrn);
	CU_ASSERT_FATAL(journal_open(&jrn, dir, &errstr) == 0);
	nrecs = 0;
	CU_ASSERT_FATAL(journal_replay(&jrn, collect, NULL, &st, &errstr) == 0);
	return st;
}

static void
make_create(struct journal_rec *r, int n)
{
	char tok[ID_TOKEN_LEN + 1];

	memset(r, 0, sizeof(*r));
	r->type = JOURNAL_CREATE;
	snprintf(r->id, sizeof(r->id), "%032x", n);
	CU_ASSERT_FATAL(id_token_new(tok) == 0);
	CU_ASSERT_FATAL(id_token_hash(tok, ID_TOKEN_LEN, r->token_hash) == 0);
	r->spec.shape[0] = 16;
	r->spec.shape[1] = 32;
	r->spec.shape[2] = 64;
	r->spec.scale = 2;
	r->spec.pshape[0] = 8;
	r->spec.pshape[1] = 16;
	r->spec.pshape[2] = 32;
	r->spec.hz = 0.3;
	r->spec.duration_s = 12.5;
	r->spec.seed = 9007199254740991LL;
	r->spec.has_seed = 1;
	r->spec.producer = n % 2 ? JOBSPEC_EXTERNAL : JOBSPEC_FAKE;
	r->created_us = 1764102000000000LL + n;
	r->seq = JOURNAL_RESERVE;
}

static void
append(const struct journal_rec *r)
{
	const char *errstr;
	uint64_t syncs = histo_count(&jrn.syncs);

	CU_ASSERT_FATAL(journal_append(&jrn, r, 1, &errstr) == 0);
	/* Each synced append is one timed sync. */
	CU_ASSERT_EQUAL(histo_count(&jrn.syncs), syncs + 1);
}

/* Appends raw bytes behind the journal's back, as a crash would leave. */
static void
append_raw(const char *bytes)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_FATAL(write(fd, bytes, strlen(bytes)) ==
	    (ssize_t)strlen(bytes));
	close(fd);
}

static void
write_four(void)
{
	struct journal_rec r;

	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_EPOCH;
	strcpy(r.epoch, "5f1c2a9e");
	append(&r);
	make_create(&r, 1);
	memcpy(written_hash, r.token_hash, sizeof(written_hash));
	append(&r);
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_FINISH;
	snprintf(r.id, sizeof(r.id), "%032x", 1);
	r.seq = 42;
	r.state = JOB_FAILED;
	r.progress = 37;
	r.finished_us = 1764102000000999LL;
	strcpy(r.code, "producer_failed");
	strcpy(r.message, "tab\there, \"quotes\" and \xc3\xa9");
	append(&r);
	memset(&r, 0, sizeof(r));
	r.type = JOURNAL_DROP;
	snprintf(r.id, sizeof(r.id), "%032x", 1);
	append(&r);
}

static void
test_reopen_replay(void)
{
	struct journal_stats st;
	struct journal_rec want;

	setup();
	write_four();
	st = reopen_replay();
	CU_ASSERT_EQUAL(st.records, 4);
	CU_ASSERT_EQUAL(st.skipped, 0);
	CU_ASSERT_EQUAL(st.torn, 0);
	CU_ASSERT_EQUAL_FATAL(nrecs, 4);
	CU_ASSERT_EQUAL(recs[0].type, JOURNAL_EPOCH);
	CU_ASSERT_STRING_EQUAL(recs[0].epoch, "5f1c2a9e");
	make_create(&want, 1);
	CU_ASSERT_EQUAL(recs[1].type, JOURNAL_CREATE);
	CU_ASSERT_STRING_EQUAL(recs[1].id, want.id);
	CU_ASSERT_EQUAL(memcmp(recs[1].token_hash, written_hash,
	    sizeof(written_hash)), 0);
	CU_ASSERT_EQUAL(memcmp(recs[1].spec.shape, want.spec.shape,
	    sizeof(want.spec.shape)), 0);
	CU_ASSERT_EQUAL(memcmp(recs[1].spec.pshape, want.spec.pshape,
	    sizeof(want.spec.pshape)), 0);
	CU_ASSERT_EQUAL(recs[1].spec.scale, 2);
	/* Exactly, or a recovered job would tick on another schedule. */
	CU_ASSERT(recs[1].spec.hz == 0.3);
	CU_ASSERT(recs[1].spec.duration_s == 12.5);
	CU_ASSERT_EQUAL(recs[1].spec.seed, 9007199254740991LL);
	CU_ASSERT_EQUAL(recs[1].spec.producer, JOBSPEC_EXTERNAL);
	CU_ASSERT_EQUAL(recs[1].created_us, want.created_us);
	CU_ASSERT_EQUAL(recs[1].seq, JOURNAL_RESERVE);
	CU_ASSERT_EQUAL(recs[2].type, JOURNAL_FINISH);
	CU_ASSERT_EQUAL(recs[2].seq, 42);
	CU_ASSERT_EQUAL(recs[2].state, JOB_FAILED);
	CU_ASSERT_EQUAL(recs[2].progress, 37);
	CU_ASSERT_EQUAL(recs[2].finished_us, 1764102000000999LL);
	CU_ASSERT_STRING_EQUAL(recs[2].code, "producer_failed");
	CU_ASSERT_STRING_EQUAL(recs[2].message,
	    "tab\there, \"quotes\" and \xc3\xa9");
	CU_ASSERT_EQUAL(recs[3].type, JOURNAL_DROP);
	CU_ASSERT_STRING_EQUAL(recs[3].id, want.id);
	teardown();
}

static void
test_torn_last(void)
{
	struct journal_stats st;

	setup();
	write_four();
	/* Half a record, as a power cut mid-write leaves it. */
	append_raw("{\"rec\":\"create\",\"id\":\"0000");
	st = reopen_replay();
	CU_ASSERT_EQUAL(st.records, 4);
	CU_ASSERT_EQUAL(st.skipped, 0);
	CU_ASSERT_EQUAL(st.torn, 1);
	CU_ASSERT_EQUAL(nrecs, 4);
	teardown();
}

static void
test_bad_crc(void)
{
	struct journal_stats st;
	char buf[JOURNAL_LINE_MAX];
	struct journal_rec r;
	size_t len;
	char *p;

	setup();
	write_four();
	/* A good line with one byte changed, then a good one after it. */
	make_create(&r, 2);
	len = journal_encode(&r, buf, sizeof(buf));
	CU_ASSERT_FATAL(len > 0);
	p = strstr(buf, "\"seq\":1000");
	CU_ASSERT_FATAL(p != NULL);
	p[7] = '9';
	append_raw(buf);
	make_create(&r, 3);
	append(&r);
	st = reopen_replay();
	CU_ASSERT_EQUAL(st.records, 5);
	CU_ASSERT_EQUAL(st.skipped, 1);
	CU_ASSERT_EQUAL(st.torn, 0);
	CU_ASSERT_EQUAL_FATAL(nrecs, 5);
	CU_ASSERT_STRING_EQUAL(recs[4].id, r.id);

	/* The same damage in the last line counts as torn. */
	append_raw(buf);
	st = reopen_replay();
	CU_ASSERT_EQUAL(st.records, 5);
	CU_ASSERT_EQUAL(st.skipped, 1);
	CU_ASSERT_EQUAL(st.torn, 1);
	teardown();
}

static void
test_decode_rejects(void)
{
	static const char *const bad[] = {
		"",
		"{\"rec\":\"drop\",\"id\":\"00000000000000000000000000000001\"}",
		"{\"rec\":\"drop\",\"id\":\"00000000000000000000000000000001\"}\t00000000",
		"{\"rec\":\"drop\",\"id\":\"00000000000000000000000000000001\"}\tzzzzzzzz",
	};
	static const char *const bodies[] = {
		"{\"rec\":\"drop\",\"id\":\"0000000000000000000000000000000G\"}",
		"{\"rec\":\"nope\",\"id\":\"00000000000000000000000000000001\"}",
		"{\"rec\":\"reserve\",\"id\":\"00000000000000000000000000000001\",\"seq\":-1}",
		"{\"rec\":\"finish\",\"id\":\"00000000000000000000000000000001\",\"seq\":1,\"state\":\"running\",\"progress\":0,\"finished_us\":1}",
		"{\"rec\":\"epoch\",\"epoch\":\"has space\"}",
		"[1,2]",
		/* Not JSON, though json-c's strict mode reads it. */
		"{'rec':'drop','id':'00000000000000000000000000000001'}",
	};
	struct journal_rec r;
	const char *errstr;
	char line[512];
	size_t i, n;
	unsigned long crc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(journal_decode(bad[i], strlen(bad[i]), &r,
		    &errstr), -1);
	/* Right checksums, wrong contents. */
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		n = strlen(bodies[i]);
		crc = crc32(0L, (const Bytef *)bodies[i], (uInt)n);
		snprintf(line, sizeof(line), "%s\t%08lx", bodies[i], crc);
		CU_ASSERT_EQUAL(journal_decode(line, strlen(line), &r,
		    &errstr), -1);
	}
	snprintf(line, sizeof(line), "{\"rec\":\"drop\",\"id\":\"%032x\"}", 7);
	crc = crc32(0L, (const Bytef *)line, (uInt)strlen(line));
	snprintf(line + strlen(line), sizeof(line) - strlen(line), "\t%08lx",
	    crc);
	CU_ASSERT_EQUAL(journal_decode(line, strlen(line), &r, &errstr), 0);
	CU_ASSERT_EQUAL(r.type, JOURNAL_DROP);
}

static void
test_locked(void)
{
	struct journal other;
	const char *errstr;

	setup();
	CU_ASSERT_EQUAL(journal_open(&other, dir, &errstr), -1);
	CU_ASSERT_EQUAL(errno, EWOULDBLOCK);
	teardown();
}

/* A registry like the daemon's, with small limits. */
static void
registry_up(struct registry *reg, long long max_finished)
{
	struct settings set;

	settings_defaults(&set);
	set.max_finished = max_finished;
	CU_ASSERT_FATAL(registry_init(reg, &set) == 0);
	settings_free(&set);
}

static struct job *
create(struct registry *reg, const char *spec_json)
{
	struct json_object *o = json_tokener_parse(spec_json);
	struct job_tokens tokens;
	enum ctlproto_err code;
	const char *errstr;
	struct jobspec spec;
	struct job *job;
	char err[256];

	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_FATAL(jobspec_parse(o, &spec, err, sizeof(err)) == 0);
	json_object_put(o);
	job = job_create(reg, &spec, &tokens, &code, &errstr);
	CU_ASSERT_FATAL(job != NULL);
	return job;
}

/* Publishes one progress message into an external job. */
static int64_t
publish(struct registry *reg, struct job *job)
{
	const char *errstr;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	m.progress = 1;
	CU_ASSERT_FATAL(job_emit(reg, job, &m, &errstr) == 0);
	return m.seq;
}

static size_t
count_lines(void)
{
	size_t n = 0;
	FILE *f = fopen(path, "r");
	int c;

	CU_ASSERT_FATAL(f != NULL);
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Closes reg's journal and recovers a new registry from the same dir. */
static void
restart(struct registry *reg, struct registry *next,
    struct journal_stats *st, long long max_finished)
{
	const char *errstr;

	registry_free(reg);
	journal_close(&jrn);
	registry_up(next, max_finished);
	CU_ASSERT_FATAL(journal_open(&jrn, dir, &errstr) == 0);
	CU_ASSERT_FATAL(registry_recover(next, &jrn, st, &errstr) == 0);
}

static void
test_compaction_live_jobs(void)
{
	struct registry reg, next;
	struct journal_stats st;
	struct job *run, *done, *gone, *ext, *job;
	char epoch[MSG_EPOCH_MAX], ids[4][ID_JOB_LEN + 1];
	const char *errstr;

	setup();
	registry_up(&reg, 2);
	CU_ASSERT_FATAL(registry_recover(&reg, &jrn, &st, &errstr) == 0);
	CU_ASSERT_EQUAL(st.records, 0);
	strcpy(epoch, reg.epoch);
	gone = create(&reg, "{\"shape\":[8,8,8],\"duration_s\":0}");
	strcpy(ids[0], gone->id);
	run = create(&reg, "{\"shape\":[8,8,8],\"duration_s\":0}");
	strcpy(ids[1], run->id);
	done = create(&reg, "{\"shape\":[8,8,8],\"duration_s\":0}");
	strcpy(ids[2], done->id);
	ext = create(&reg, "{\"shape\":[8,8,8],\"producer\":\"external\"}");
	strcpy(ids[3], ext->id);
	CU_ASSERT_EQUAL(job_cancel(&reg, gone), 0);
	CU_ASSERT_EQUAL(job_cancel(&reg, done), 0);
	/* A third finished job passes max_finished 2: the oldest goes. */
	job = create(&reg, "{\"shape\":[8,8,8],\"duration_s\":0}");
	CU_ASSERT_EQUAL(job_cancel(&reg, job), 0);
	CU_ASSERT_PTR_NULL(job_find(&reg, ids[0]));
	/* 1 epoch, 5 creates, 3 ends, 1 drop. */
	CU_ASSERT_EQUAL(count_lines(), 10);

	CU_ASSERT_EQUAL(registry_compact(&reg, &jrn, &errstr), 0);
	/* 1 epoch, 4 creates, 2 ends. */
	CU_ASSERT_EQUAL(count_lines(), 7);

	restart(&reg, &next, &st, 2);
	CU_ASSERT_EQUAL(st.records, 7);
	CU_ASSERT_STRING_EQUAL(next.epoch, epoch);
	CU_ASSERT_EQUAL(next.njobs, 4);
	CU_ASSERT_PTR_NULL(job_find(&next, ids[0]));
	CU_ASSERT_FATAL((run = job_find(&next, ids[1])) != NULL);
	CU_ASSERT_EQUAL(run->state, JOB_RUNNING);
	CU_ASSERT_FATAL((done = job_find(&next, ids[2])) != NULL);
	CU_ASSERT_EQUAL(done->state, JOB_CANCELLED);
	CU_ASSERT_FATAL(done->terminal != NULL);
	CU_ASSERT_EQUAL(done->terminal->seq, done->seq);
	CU_ASSERT_PTR_NOT_NULL(strstr((char *)done->terminal->json,
	    "\"cancelled\""));
	CU_ASSERT_FATAL((ext = job_find(&next, ids[3])) != NULL);
	CU_ASSERT_EQUAL(ext->state, JOB_RUNNING);
	/* Newest first, as before. */
	CU_ASSERT_PTR_EQUAL(TAILQ_NEXT(TAILQ_FIRST(&next.jobs), entry), ext);
	registry_free(&next);
	teardown();
}

static void
test_reservation(void)
{
	struct registry reg, next;
	struct journal_stats st;
	char id[ID_JOB_LEN + 1];
	const char *errstr;
	struct job *ext;
	int64_t seq = 0;
	size_t lines;
	int i;

	setup();
	registry_up(&reg, 10);
	CU_ASSERT_FATAL(registry_recover(&reg, &jrn, &st, &errstr) == 0);
	ext = create(&reg, "{\"shape\":[8,8,8],\"producer\":\"external\"}");
	strcpy(id, ext->id);
	CU_ASSERT_EQUAL(ext->reserved, JOURNAL_RESERVE);
	lines = count_lines();
	for (i = 0; i < JOURNAL_RESERVE; i++)
		seq = publish(&reg, ext);
	/* Up to the reservation: no journal record per message. */
	CU_ASSERT_EQUAL(seq, JOURNAL_RESERVE);
	CU_ASSERT_EQUAL(count_lines(), lines);
	seq = publish(&reg, ext);
	CU_ASSERT_EQUAL(seq, JOURNAL_RESERVE + 1);
	CU_ASSERT_EQUAL(ext->reserved, 2 * JOURNAL_RESERVE);
	CU_ASSERT_EQUAL(count_lines(), lines + 1);

	/* After a crash the seqs go on above any ever sent. */
	restart(&reg, &next, &st, 10);
	CU_ASSERT_FATAL((ext = job_find(&next, id)) != NULL);
	CU_ASSERT_EQUAL(ext->seq, 2 * JOURNAL_RESERVE);
	CU_ASSERT(ext->seq >= seq);
	CU_ASSERT_EQUAL(publish(&next, ext), 2 * JOURNAL_RESERVE + 1);
	registry_free(&next);
	teardown();
}

/* Whether job's latest preview is the fake producer's mask of tick. */
static int
latest_is_tick(const struct job *job, uint64_t tick)
{
	size_t n = (size_t)msg_shape_voxels(job->spec.pshape);
	struct gen_params gp;
	uint8_t *mask;
	int same;

	if (job->preview.raw == NULL)
		return 0;
	CU_ASSERT_FATAL((mask = malloc(n)) != NULL);
	gp.seed = (uint64_t)job->spec.seed;
	memcpy(gp.shape, job->spec.pshape, sizeof(gp.shape));
	gp.continuous = job->spec.duration_s <= 0;
	gp.labels = job->spec.labels;
	gen_mask(&gp, tick, job->progress, mask);
	same = memcmp(mask, job->preview.raw, n) == 0;
	free(mask);
	return same;
}

static void
test_fake_resume(void)
{
	struct registry reg, next;
	struct journal_stats st;
	struct journal_rec r;
	struct job *over, *on;
	
	setup();
	/* Two fake jobs created 20 s ago: one of 10 s, one without end. */
	make_create(&r, 4);
	r.spec.producer = JOBSPEC_FAKE;
	r.spec.hz = 1;
	r.spec.duration_s = 10;
	r.created_us = now_wall_us() - 20 * 1000000LL;
	append(&r);
	make_create(&r, 6);
	r.spec.producer = JOBSPEC_FAKE;
	r.spec.hz = 2;
	r.spec.duration_s = 0;
	r.created_us = now_wall_us() - 20 * 1000000LL;
	append(&r);
	registry_up(&reg, 10);
	restart(&reg, &next, &st, 10);
	CU_ASSERT_EQUAL(st.records, 2);
	snprintf(r.id, sizeof(r.id), "%032x", 4);
	CU_ASSERT_FATAL((over = job_find(&next, r.id)) != NULL);
	/* Its end passed while the streamer was down: done at recovery. */
	CU_ASSERT_EQUAL(over->state, JOB_SUCCEEDED);
	CU_ASSERT_EQUAL(over->progress, 100);
	CU_ASSERT(over->seq > JOURNAL_RESERVE);
	snprintf(r.id, sizeof(r.id), "%032x", 6);
	CU_ASSERT_FATAL((on = job_find(&next, r.id)) != NULL);
	CU_ASSERT_EQUAL(on->state, JOB_RUNNING);
	/* Tick 40 (20 s at 2 Hz) ran at once, not tick 0 (a slow run may
	 * have reached 41 or 42). */
	CU_ASSERT(latest_is_tick(on, 40) || latest_is_tick(on, 41) ||
	    latest_is_tick(on, 42));
	CU_ASSERT_EQUAL(on->seq, JOURNAL_RESERVE + 2);
	registry_free(&next);

	/* The completion was journaled: a second restart keeps it. */
	memset(&reg, 0, sizeof(reg));
	restart(&reg, &next, &st, 10);
	snprintf(r.id, sizeof(r.id), "%032x", 4);
	CU_ASSERT_FATAL((over = job_find(&next, r.id)) != NULL);
	CU_ASSERT_EQUAL(over->state, JOB_SUCCEEDED);
	registry_free(&next);
	teardown();
}

/*
 * A journal written before tokens were hashed at rest, its tokens in the
 * clear: its jobs come back with their tokens' hashes, and the compaction
 * at start writes it again without them.
 */
static void
test_old_tokens(void)
{
	struct registry reg, next;
	struct journal_stats st;
	char line[1024], body[900], tok[ID_TOKEN_LEN + 1];
	char ptok[ID_TOKEN_LEN + 1], *text;
	uint8_t h[ID_TOKEN_HASH_LEN];
	struct job *job;
	FILE *f;
	long n;

	setup();
	CU_ASSERT_FATAL(id_token_new(tok) == 0 && id_token_new(ptok) == 0);
	snprintf(body, sizeof(body), "{\"rec\":\"create\",\"id\":\"%032x\","
	    "\"token\":\"%s\",\"ptoken\":\"%s\",\"job\":{\"shape\":[2,2,2],"
	    "\"preview\":{\"scale\":1,\"hz\":1.0},\"duration_s\":0.0,"
	    "\"seed\":5,\"producer\":\"external\"},\"created_us\":"
	    "1764102000000000,\"seq\":1000}", 9, tok, ptok);
	snprintf(line, sizeof(line), "%s\t%08lx\n", body,
	    crc32(0L, (const Bytef *)body, (uInt)strlen(body)));
	append_raw(line);
	memset(&reg, 0, sizeof(reg));
	registry_up(&reg, 10);
	restart(&reg, &next, &st, 10);
	CU_ASSERT_EQUAL(st.records, 1);
	snprintf(body, sizeof(body), "%032x", 9);
	CU_ASSERT_FATAL((job = job_find(&next, body)) != NULL);
	CU_ASSERT(id_token_matches(job->token_hash, tok, ID_TOKEN_LEN));
	CU_ASSERT(job->has_producer_token);
	CU_ASSERT(id_token_matches(job->producer_token_hash, ptok,
	    ID_TOKEN_LEN));
	CU_ASSERT_FALSE(id_token_matches(job->token_hash, ptok, ID_TOKEN_LEN));
	/* On disk now: the hashes, not the tokens. */
	CU_ASSERT_FATAL((f = fopen(path, "r")) != NULL);
	text = calloc(1, 65536);
	n = (long)fread(text, 1, 65535, f);
	fclose(f);
	CU_ASSERT(n > 0);
	CU_ASSERT(strstr(text, tok) == NULL && strstr(text, ptok) == NULL);
	CU_ASSERT(strstr(text, "\"token_sha256\":\"") != NULL);
	CU_ASSERT(strstr(text, "\"ptoken_sha256\":\"") != NULL);
	CU_ASSERT_FATAL(id_token_hash(tok, ID_TOKEN_LEN, h) == 0);
	free(text);
	registry_free(&next);
	teardown();
}

/* A compaction due just before an append: each record once, in order. */
static void
test_compaction_before_append(void)
{
	struct registry reg, next;
	struct journal_stats st;
	char id[ID_JOB_LEN + 1];
	const char *errstr;
	struct job *a, *b;

	setup();
	registry_up(&reg, 10);
	CU_ASSERT_FATAL(registry_recover(&reg, &jrn, &st, &errstr) == 0);
	a = create(&reg, "{\"shape\":[8,8,8],\"producer\":\"external\"}");
	/* As if the file had grown far past its live records. */
	jrn.size = 2 * JOURNAL_MIN_COMPACT;
	jrn.compacted = 1;
	b = create(&reg, "{\"shape\":[8,8,8],\"producer\":\"external\"}");
	strcpy(id, b->id);
	/* Compacted to epoch + a, then b appended: once, not twice. */
	CU_ASSERT_EQUAL(count_lines(), 3);
	jrn.size = 2 * JOURNAL_MIN_COMPACT;
	jrn.compacted = 1;
	CU_ASSERT_EQUAL(job_cancel(&reg, a), 0);
	CU_ASSERT_EQUAL(count_lines(), 4);
	restart(&reg, &next, &st, 10);
	CU_ASSERT_EQUAL(st.records, 4);
	CU_ASSERT_EQUAL(st.skipped, 0);
	CU_ASSERT_EQUAL(next.njobs, 2);
	CU_ASSERT_EQUAL(next.nfinished, 1);
	CU_ASSERT_PTR_EQUAL(TAILQ_FIRST(&next.jobs), job_find(&next, id));
	registry_free(&next);
	teardown();
}

int
main(void)
{
	CU_TestInfo cases[] = {
		{ "records survive a reopen", test_reopen_replay },
		{ "a torn last record is skipped", test_torn_last },
		{ "a bad checksum is skipped", test_bad_crc },
		{ "damaged records do not decode", test_decode_rejects },
		{ "one streamer per state directory", test_locked },
		{ "compaction keeps the live jobs", test_compaction_live_jobs },
		{ "compaction before an append",
		    test_compaction_before_append },
		{ "seq reservations", test_reservation },
		{ "fake jobs resume on the wall clock", test_fake_resume },
		{ "tokens of old journals, hashed at rest", test_old_tokens },
		CU_TEST_INFO_NULL
	};

	return unit_run("journal", cases);
}
