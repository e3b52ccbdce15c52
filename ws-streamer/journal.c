/*
 * journal.c: the job records on disk (journal.h).  Each record is one
 * line, its JSON (json-c) then a tab and zlib's crc32 of the JSON, so a
 * record cut short by a crash or damaged on disk is recognised and
 * skipped instead of misread.  The file is locked for one streamer.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "journal.h"
#include "jsontext.h"
#include "log.h"
#include "now.h"

#define JOURNAL_DEPTH	8
#define CRC_LEN		8	/* hex digits */

static const char *const type_names[] = {
	"epoch", "create", "reserve", "finish", "drop"
};

static int
fail(const char **errstr, const char *why)
{
	*errstr = why;
	return -1;
}

/* Hands path to uid:gid if it exists. */
static int
give(const char *path, uid_t uid, gid_t gid)
{
	if (chown(path, uid, gid) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
journal_prepare(const char *dir, const char *user, const char **errstr)
{
	char path[PATH_MAX];
	struct passwd *pw;
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return fail(errstr, "cannot create the directory");
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return fail(errstr, "not a directory");
	if (user == NULL || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return fail(errstr, "unknown user");
	if (give(dir, pw->pw_uid, pw->pw_gid) == -1)
		return fail(errstr, "cannot hand the directory to the user");
	if (snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE) >=
	    (int)sizeof(path))
		return fail(errstr, "path too long");
	if (give(path, pw->pw_uid, pw->pw_gid) == -1)
		return fail(errstr, "cannot hand the journal to the user");
	return 0;
}

int
journal_open(struct journal *j, const char *dir, const char **errstr)
{
	struct stat st;

	memset(j, 0, sizeof(*j));
	j->fd = j->dirfd = -1;
	histo_init(&j->syncs);
	if ((j->dir = strdup(dir)) == NULL)
		return fail(errstr, "out of memory");
	if ((j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		journal_close(j);
		return fail(errstr, "cannot open the directory");
	}
	if (flock(j->dirfd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		journal_close(j);
		errno = saved;
		return fail(errstr, saved == EWOULDBLOCK ? "locked by another "
		    "ws-streamer" : "cannot lock the directory");
	}
	j->fd = openat(j->dirfd, JOURNAL_FILE,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1 || fstat(j->fd, &st) == -1) {
		journal_close(j);
		return fail(errstr, "cannot open " JOURNAL_FILE);
	}
	j->size = st.st_size;
	j->compacted = st.st_size;
	return 0;
}

void
journal_close(struct journal *j)
{
	journal_compact_abort(j);
	if (j->fd != -1)
		close(j->fd);
	if (j->dirfd != -1)
		close(j->dirfd);	/* and the lock with it */
	free(j->dir);
	memset(j, 0, sizeof(*j));
	j->fd = j->dirfd = -1;
}

static void
add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

/* A token's hash as 64 lowercase hex digits. */
static void
add_hash(struct json_object *o, const char *key,
    const uint8_t h[ID_TOKEN_HASH_LEN])
{
	char hex[2 * ID_TOKEN_HASH_LEN + 1];
	int i;

	for (i = 0; i < ID_TOKEN_HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	add_str(o, key, hex);
}

static void
add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static struct json_object *
rec_json(const struct journal_rec *r)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "rec", type_names[r->type]);
	if (r->type == JOURNAL_EPOCH) {
		add_str(o, "epoch", r->epoch);
		return o;
	}
	add_str(o, "id", r->id);
	switch (r->type) {
	case JOURNAL_CREATE:
		add_hash(o, "token_sha256", r->token_hash);
		if (r->has_ptoken)
			add_hash(o, "ptoken_sha256", r->ptoken_hash);
		json_object_object_add(o, "job",
		    jobspec_to_json(&r->spec, JOBSPEC_AS_REQUEST));
		add_int(o, "created_us", r->created_us);
		add_int(o, "seq", r->seq);
		break;
	case JOURNAL_RESERVE_SEQ:
		add_int(o, "seq", r->seq);
		break;
	case JOURNAL_FINISH:
		add_int(o, "seq", r->seq);
		add_str(o, "state", msg_state_name(r->state));
		add_int(o, "progress", r->progress);
		add_int(o, "finished_us", r->finished_us);
		if (r->state == JOB_FAILED) {
			add_str(o, "code", r->code);
			add_str(o, "message", r->message);
		}
		break;
	default:
		break;
	}
	return o;
}

size_t
journal_encode(const struct journal_rec *r, char *buf, size_t len)
{
	struct json_object *o;
	const char *text;
	size_t n;
	int w;

	if ((o = rec_json(r)) == NULL)
		return 0;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	n = text == NULL ? len : strlen(text);
	if (n + 1 + CRC_LEN + 2 > len) {
		json_object_put(o);
		return 0;
	}
	memcpy(buf, text, n);
	w = snprintf(buf + n, len - n, "\t%08lx\n",
	    crc32(0L, (const Bytef *)text, (uInt)n));
	json_object_put(o);
	return n + (size_t)w;
}

/* Integer field key in 0..max. */
static int
get_int(struct json_object *o, const char *key, int64_t max, int64_t *v)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_int))
		return -1;
	*v = json_object_get_int64(f);
	return *v < 0 || *v > max ? -1 : 0;
}

/* String field key of min..size-1 bytes into dst. */
static int
get_str(struct json_object *o, const char *key, size_t min, char *dst,
    size_t size)
{
	struct json_object *f;
	size_t n;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_string))
		return -1;
	n = (size_t)json_object_get_string_len(f);
	if (n < min || n >= size || memchr(json_object_get_string(f), '\0', n))
		return -1;
	memcpy(dst, json_object_get_string(f), n + 1);
	return 0;
}

/* 64 hex digits into a hash. */
static int
unhex(const char *s, size_t len, uint8_t h[ID_TOKEN_HASH_LEN])
{
	unsigned int v;
	size_t i;

	if (len != 2 * ID_TOKEN_HASH_LEN)
		return -1;
	for (i = 0; i < ID_TOKEN_HASH_LEN; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		h[i] = (uint8_t)v;
	}
	return 0;
}

/*
 * A token's hash from key_sha256, or from key itself: a journal written
 * before tokens were hashed at rest holds them in the clear, and the
 * compaction at start writes it again without them.  1 when found, 0
 * when neither is there, -1 when one is malformed.
 */
static int
get_token_hash(struct json_object *o, const char *key,
    uint8_t h[ID_TOKEN_HASH_LEN])
{
	char name[32], tok[ID_TOKEN_LEN + 1], hex[2 * ID_TOKEN_HASH_LEN + 1];

	snprintf(name, sizeof(name), "%s_sha256", key);
	if (json_object_object_get_ex(o, name, NULL))
		return get_str(o, name, 1, hex, sizeof(hex)) == 0 &&
		    unhex(hex, strlen(hex), h) == 0 ? 1 : -1;
	if (!json_object_object_get_ex(o, key, NULL))
		return 0;
	if (get_str(o, key, 1, tok, sizeof(tok)) == -1 ||
	    !id_token_valid(tok, strlen(tok)) ||
	    id_token_hash(tok, strlen(tok), h) == -1) {
		explicit_bzero(tok, sizeof(tok));
		return -1;
	}
	explicit_bzero(tok, sizeof(tok));
	return 1;
}

static int
decode_create(struct json_object *o, struct journal_rec *r,
    const char **errstr)
{
	struct json_object *job;
	char err[256];

	if (get_token_hash(o, "token", r->token_hash) != 1)
		return fail(errstr, "bad \"token_sha256\" or \"token\"");
	switch (get_token_hash(o, "ptoken", r->ptoken_hash)) {
	case -1:
		return fail(errstr, "bad \"ptoken_sha256\" or \"ptoken\"");
	case 1:
		r->has_ptoken = 1;
		break;
	}
	if (!json_object_object_get_ex(o, "job", &job) ||
	    jobspec_parse(job, &r->spec, err, sizeof(err)) == -1 ||
	    !json_object_object_get_ex(job, "seed", NULL))
		return fail(errstr, "bad \"job\"");
	if (get_int(o, "created_us", JOBSPEC_SEED_MAX, &r->created_us) == -1 ||
	    get_int(o, "seq", JOBSPEC_SEED_MAX, &r->seq) == -1)
		return fail(errstr, "bad \"created_us\" or \"seq\"");
	return 0;
}

static int
decode_finish(struct json_object *o, struct journal_rec *r,
    const char **errstr)
{
	struct json_object *f;
	int64_t progress;

	if (get_int(o, "seq", JOBSPEC_SEED_MAX, &r->seq) == -1 ||
	    get_int(o, "progress", 100, &progress) == -1 ||
	    get_int(o, "finished_us", JOBSPEC_SEED_MAX, &r->finished_us) == -1)
		return fail(errstr, "bad \"seq\", \"progress\" or "
		    "\"finished_us\"");
	r->progress = (int)progress;
	if (!json_object_object_get_ex(o, "state", &f) ||
	    !json_object_is_type(f, json_type_string) ||
	    msg_state_parse(json_object_get_string(f), &r->state) == -1 ||
	    !msg_state_terminal(r->state))
		return fail(errstr, "bad \"state\"");
	if (r->state == JOB_FAILED &&
	    (get_str(o, "code", 1, r->code, sizeof(r->code)) == -1 ||
	    get_str(o, "message", 0, r->message, sizeof(r->message)) == -1))
		return fail(errstr, "bad \"code\" or \"message\"");
	return 0;
}

static int
decode_object(struct json_object *o, struct journal_rec *r,
    const char **errstr)
{
	struct json_object *f;
	const char *name;
	size_t t;

	if (!json_object_object_get_ex(o, "rec", &f) ||
	    !json_object_is_type(f, json_type_string))
		return fail(errstr, "no \"rec\"");
	name = json_object_get_string(f);
	for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		if (strcmp(name, type_names[t]) == 0)
			break;
	if (t == sizeof(type_names) / sizeof(type_names[0]))
		return fail(errstr, "unknown \"rec\"");
	r->type = (enum journal_type)t;
	if (r->type == JOURNAL_EPOCH) {
		if (get_str(o, "epoch", 1, r->epoch, sizeof(r->epoch)) == -1 ||
		    !msg_epoch_valid(r->epoch, strlen(r->epoch)))
			return fail(errstr, "bad \"epoch\"");
		return 0;
	}
	if (get_str(o, "id", 1, r->id, sizeof(r->id)) == -1 ||
	    !id_job_valid(r->id, strlen(r->id)))
		return fail(errstr, "bad \"id\"");
	switch (r->type) {
	case JOURNAL_CREATE:
		return decode_create(o, r, errstr);
	case JOURNAL_RESERVE_SEQ:
		if (get_int(o, "seq", JOBSPEC_SEED_MAX, &r->seq) == -1)
			return fail(errstr, "bad \"seq\"");
		return 0;
	case JOURNAL_FINISH:
		return decode_finish(o, r, errstr);
	default:
		return 0;
	}
}

int
journal_decode(const char *line, size_t len, struct journal_rec *r,
    const char **errstr)
{
	struct json_object *o;
	enum jsontext_error jerr;
	const char *tab;
	char hex[CRC_LEN + 1], *end;
	unsigned long want;
	size_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	if (len < CRC_LEN + 2 || line[len - CRC_LEN - 1] != '\t')
		return fail(errstr, "no checksum (a torn write?)");
	tab = line + len - CRC_LEN - 1;
	n = (size_t)(tab - line);
	memcpy(hex, tab + 1, CRC_LEN);
	hex[CRC_LEN] = '\0';
	want = strtoul(hex, &end, 16);
	if (*end != '\0' || want != crc32(0L, (const Bytef *)line, (uInt)n))
		return fail(errstr, "checksum mismatch");
	o = jsontext_parse(line, n, JOURNAL_DEPTH, &jerr);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		ret = fail(errstr, "not a JSON object");
	else
		ret = decode_object(o, r, errstr);
	json_object_put(o);
	return ret;
}

/* Reads one line into buf; 1 with *len, 0 at the end, -1 on error.
 * *whole is 0 when the line was longer than buf or had no newline. */
static int
read_line(FILE *f, char *buf, size_t size, size_t *len, int *whole)
{
	int c;

	if (fgets(buf, (int)size, f) == NULL)
		return ferror(f) ? -1 : 0;
	*len = strlen(buf);
	*whole = *len > 0 && buf[*len - 1] == '\n';
	if (*whole)
		buf[--*len] = '\0';
	else if (*len == size - 1) {
		/* Too long for any record: skip the rest of it. */
		while ((c = getc(f)) != EOF && c != '\n')
			;
	}
	return ferror(f) ? -1 : 1;
}

int
journal_replay(struct journal *j,
    int (*fn)(const struct journal_rec *, void *), void *arg,
    struct journal_stats *st, const char **errstr)
{
	struct journal_rec r;
	const char *why = NULL, *bad = NULL;
	size_t len, lineno = 0, badline = 0;
	char *buf;
	FILE *f;
	int fd, got, whole, ret = 0;

	memset(st, 0, sizeof(*st));
	if ((fd = openat(j->dirfd, JOURNAL_FILE, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(errstr, "cannot open " JOURNAL_FILE " to read");
	if ((f = fdopen(fd, "r")) == NULL || (buf = malloc(JOURNAL_LINE_MAX))
	    == NULL) {
		if (f != NULL)
			fclose(f);
		else
			close(fd);
		return fail(errstr, "out of memory");
	}
	while ((got = read_line(f, buf, JOURNAL_LINE_MAX, &len, &whole)) == 1) {
		lineno++;
		if (bad != NULL) {
			/* Not the last line: damage in the middle. */
			log_warnx("%s: \"%s/%s\" line %zu: %s; record skipped",
			    __func__, j->dir, JOURNAL_FILE, badline, bad);
			st->skipped++;
			bad = NULL;
		}
		if (!whole)
			why = "no newline (a torn write?)";
		if (!whole || journal_decode(buf, len, &r, &why) == -1) {
			bad = why;
			badline = lineno;
			continue;
		}
		st->records++;
		if (fn(&r, arg) == -1) {
			ret = fail(errstr, "a record could not be applied");
			break;
		}
	}
	if (got == -1)
		ret = fail(errstr, "read error");
	else if (ret == 0 && bad != NULL) {
		log_warnx("%s: \"%s/%s\" line %zu, the last: %s; torn record "
		    "skipped", __func__, j->dir, JOURNAL_FILE, badline, bad);
		st->torn = 1;
	}
	free(buf);
	fclose(f);
	return ret;
}

/* Writes all of buf at the end; on failure cuts the file back. */
static int
write_all(struct journal *j, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(j->fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (ftruncate(j->fd, j->size) == -1)
				log_warn("%s: cannot cut \"%s/%s\" back",
				    __func__, j->dir, JOURNAL_FILE);
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* fdatasync(2) (or, for a directory, fsync(2)), timed into j->syncs. */
static int
sync_timed(struct journal *j, int fd, int data)
{
	int64_t t0 = now_mono_us();
	int rc = data ? fdatasync(fd) : fsync(fd);

	histo_observe(&j->syncs, (double)(now_mono_us() - t0) / 1e6);
	return rc;
}

int
journal_append(struct journal *j, const struct journal_rec *r, int sync,
    const char **errstr)
{
	char buf[JOURNAL_LINE_MAX];
	size_t len;

	if ((len = journal_encode(r, buf, sizeof(buf))) == 0)
		return fail(errstr, "a record does not fit a line");
	if (write_all(j, buf, len) == -1) {
		log_warn("%s: write \"%s/%s\"", __func__, j->dir, JOURNAL_FILE);
		return fail(errstr, "the job journal cannot be written");
	}
	if (sync && sync_timed(j, j->fd, 1) == -1) {
		log_warn("%s: fdatasync \"%s/%s\"", __func__, j->dir,
		    JOURNAL_FILE);
		/* Not known to be on disk: not there at all, if we can. */
		if (ftruncate(j->fd, j->size) == -1)
			log_warn("%s: cannot cut \"%s/%s\" back", __func__,
			    j->dir, JOURNAL_FILE);
		return fail(errstr, "the job journal cannot be synced");
	}
	j->size += (off_t)len;
	return 0;
}

int
journal_wants_compaction(const struct journal *j)
{
	return j->size > JOURNAL_MIN_COMPACT &&
	    j->size > JOURNAL_GROWTH * j->compacted;
}

int
journal_compact_begin(struct journal *j, const char **errstr)
{
	int fd;

	journal_compact_abort(j);
	fd = openat(j->dirfd, JOURNAL_TMP,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return fail(errstr, "cannot create " JOURNAL_TMP);
	if ((j->tmp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return fail(errstr, "out of memory");
	}
	j->tmp_size = 0;
	return 0;
}

int
journal_compact_add(struct journal *j, const struct journal_rec *r,
    const char **errstr)
{
	char buf[JOURNAL_LINE_MAX];
	size_t len;

	if ((len = journal_encode(r, buf, sizeof(buf))) == 0)
		return fail(errstr, "a record does not fit a line");
	if (fwrite(buf, 1, len, j->tmp) != len)
		return fail(errstr, "cannot write " JOURNAL_TMP);
	j->tmp_size += (off_t)len;
	return 0;
}

int
journal_compact_commit(struct journal *j, const char **errstr)
{
	int fd;

	if (fflush(j->tmp) == EOF || sync_timed(j, fileno(j->tmp), 1) == -1)
		return fail(errstr, "cannot write " JOURNAL_TMP);
	/* Opened before the rename, so that nothing can fail after it. */
	fd = openat(j->dirfd, JOURNAL_TMP, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd == -1)
		return fail(errstr, "cannot reopen " JOURNAL_TMP);
	if (renameat(j->dirfd, JOURNAL_TMP, j->dirfd, JOURNAL_FILE) == -1) {
		close(fd);
		return fail(errstr, "cannot rename " JOURNAL_TMP);
	}
	fclose(j->tmp);
	j->tmp = NULL;
	close(j->fd);
	j->fd = fd;
	j->size = j->compacted = j->tmp_size;
	/* The rename itself must survive a power cut. */
	if (sync_timed(j, j->dirfd, 0) == -1)
		return fail(errstr, "cannot sync the directory");
	return 0;
}

void
journal_compact_abort(struct journal *j)
{
	if (j->tmp == NULL)
		return;
	fclose(j->tmp);
	j->tmp = NULL;
	if (unlinkat(j->dirfd, JOURNAL_TMP, 0) == -1)
		log_warn("%s: unlink \"%s/%s\"", __func__, j->dir, JOURNAL_TMP);
}
