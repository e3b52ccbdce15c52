/*
 * msg.c: the stream messages of docs/protocol.md in JSON, with json-c.
 * The decoder trusts nothing it reads; the encoder refuses whatever the
 * decoder would refuse, so that decoding what it wrote gives m back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "id.h"
#include "jsontext.h"
#include "msg.h"
#include "utf8.h"
#include "zpay.h"

/*
 * seq and ts_us stop at 2^53 - 1, the largest integer a JavaScript
 * client holds exactly.  This also rejects the values json-c clamps an
 * overflowing number to (INT64_MIN, INT64_MAX, UINT64_MAX).
 */
#define SAFE_INT_MAX	9007199254740991LL

/* Our messages nest two deep; more is a hostile or broken peer. */
#define PARSE_DEPTH	8

/*
 * A member of a message: its key and what to say when it is missing
 * (NULL when it is optional) or is not what the protocol allows.  The
 * encoder reports a bad struct with the same words.
 */
struct field {
	const char	*key;
	const char	*missing;
	const char	*invalid;
};

/* What the table below knows about each type, indexed by enum msg_type. */
struct kind {
	const char	*name;
	int		(*decode)(struct json_object *, struct msg *,
			    const char **);
	int		(*encode)(struct json_object *, const struct msg *,
			    const char **);
};

static int	text_valid(const char *, size_t, size_t, size_t);
static int	shape_valid(const uint32_t[3]);
static int	state_valid(enum job_state);
static int	eta_valid(double);
static size_t	carray_len(const char *, size_t);
static struct json_object *parse(const char *, size_t, const char **);
static int	field(struct json_object *, const struct field *,
		    struct json_object **, const char **);
static int	get_int(struct json_object *, const struct field *, int64_t,
		    int64_t, int64_t *, const char **);
static int	get_bool(struct json_object *, const struct field *, int *,
		    const char **);
static int	get_string(struct json_object *, const struct field *,
		    const char **, size_t *, const char **);
static int	get_literal(struct json_object *, const struct field *,
		    const char *, const char **);
static int	get_state(struct json_object *, const struct field *,
		    enum job_state *, const char **);
static int	get_shape(struct json_object *, const struct field *,
		    uint32_t[3], const char **);
static int	get_eta(struct json_object *, struct msg *, const char **);
static int	get_encoding(struct json_object *, enum msg_encoding *,
		    const char **);
static int	get_length(struct json_object *, struct msg *, const char **);
static int	decode_type(struct json_object *, struct msg *,
		    const char **);
static int	decode_common(struct json_object *, struct msg *,
		    const char **);
static int	decode_status(struct json_object *, struct msg *,
		    const char **);
static int	decode_progress(struct json_object *, struct msg *,
		    const char **);
static int	decode_preview(struct json_object *, struct msg *,
		    const char **);
static int	decode_preview_into(struct json_object *, struct msg *,
		    const struct msg_preview_dest *, const char **);
static int	payload_check(enum msg_encoding, const char *, size_t,
		    uint64_t, const char **);
static int	base64_into(const char *, size_t, uint64_t, uint8_t *,
		    const char **);
static int	inflate_into(const char *, size_t, uint64_t, uint8_t *,
		    const char **);
static int	payload_decode(enum msg_encoding, const char *, size_t,
		    uint64_t, uint8_t **, const char **);
static int	decode_completed(struct json_object *, struct msg *,
		    const char **);
static int	decode_error(struct json_object *, struct msg *,
		    const char **);
static int	add(struct json_object *, const char *, struct json_object *);
static struct json_object *new_shape(const uint32_t[3]);
static int	encode_common(struct json_object *, const struct msg *,
		    const char **);
static int	encode_status(struct json_object *, const struct msg *,
		    const char **);
static int	encode_progress(struct json_object *, const struct msg *,
		    const char **);
static int	encode_completed(struct json_object *, const struct msg *,
		    const char **);
static int	encode_error(struct json_object *, const struct msg *,
		    const char **);

static const char err_nomem[] = "message: out of memory";
static const char err_toolong[] = "message: too long";
static const char err_json[] = "message: not valid JSON";
static const char err_depth[] = "message: not valid JSON (nested too deeply)";
static const char err_trailing[] =
    "message: trailing data after the JSON object";
static const char err_object[] = "message: not a JSON object";
static const char err_type[] = "message: unknown \"type\" value";
static const char err_voxels[] =
    "preview: \"shape\" has more than 4194304 voxels";
static const char err_paylen[] =
    "preview: payload length does not match shape";
static const char err_base64[] = "preview: \"payload\" is not valid base64";
static const char err_notshape[] =
    "preview: must have the job's scale and preview shape";
static const char err_status[] =
    "status: not a producer's message (the streamer writes it)";
static const char err_zlong[] =
    "preview: compressed \"payload\" is longer than zlib makes it";

static const struct field f_type = { "type",
	"message: missing \"type\"",
	"message: \"type\" must be a string" };
static const struct field f_job_id = { "job_id",
	"message: missing \"job_id\"",
	"message: \"job_id\" must be 32 lowercase hexadecimal digits" };
static const struct field f_seq = { "seq",
	"message: missing \"seq\"",
	"message: \"seq\" must be an integer in 0..2^53-1" };
static const struct field f_ts_us = { "ts_us",
	"message: missing \"ts_us\"",
	"message: \"ts_us\" must be an integer in 0..2^53-1" };

static const struct field f_status_state = { "state",
	"status: missing \"state\"",
	"status: \"state\" must be running, succeeded, failed or cancelled" };
static const struct field f_status_progress = { "progress",
	"status: missing \"progress\"",
	"status: \"progress\" must be an integer in 0..100" };
static const struct field f_status_shape = { "shape",
	"status: missing \"shape\"",
	"status: \"shape\" must be an array of three integers in 1..4096" };
static const struct field f_epoch = { "epoch",
	"status: missing \"epoch\"",
	"status: \"epoch\" must be 1..63 printable ASCII characters, no space" };
static const struct field f_labels = { "labels",
	NULL,
	"status: \"labels\" must be an integer in 1..255" };
static const struct field f_resumed = { "resumed",
	"status: missing \"resumed\"",
	"status: \"resumed\" must be a boolean" };

static const struct field f_progress_progress = { "progress",
	"progress: missing \"progress\"",
	"progress: \"progress\" must be an integer in 0..100" };
static const struct field f_progress_state = { "state",
	"progress: missing \"state\"",
	"progress: \"state\" must be running, succeeded, failed or cancelled" };
static const struct field f_eta = { "eta_s",
	NULL,
	"progress: \"eta_s\" must be a finite number >= 0" };

static const struct field f_scale = { "scale",
	"preview: missing \"scale\"",
	"preview: \"scale\" must be an integer in 1..4096" };
static const struct field f_preview_shape = { "shape",
	"preview: missing \"shape\"",
	"preview: \"shape\" must be an array of three integers in 1..4096" };
static const struct field f_dtype = { "dtype",
	"preview: missing \"dtype\"",
	"preview: \"dtype\" must be \"uint8\"" };
static const struct field f_encoding = { "encoding",
	"preview: missing \"encoding\"",
	"preview: \"encoding\" must be \"base64\" or \"deflate+base64\"" };
/* Optional with base64; decode_preview() requires it with deflate. */
static const struct field f_length = { "length",
	NULL,
	"preview: \"length\" must equal z*y*x of \"shape\"" };
static const char err_nolength[] =
    "preview: missing \"length\" (required with deflate+base64)";
static const struct field f_payload = { "payload",
	"preview: missing \"payload\"",
	"preview: \"payload\" must be a string" };
static const struct field f_skipped = { "skipped",
	NULL,
	"preview: \"skipped\" must be an integer in 0..2^53-1" };

static const struct field f_completed_state = { "state",
	"completed: missing \"state\"",
	"completed: \"state\" must be succeeded or cancelled" };

static const struct field f_code = { "code",
	"error: missing \"code\"",
	"error: \"code\" must be 1..63 bytes of UTF-8 without NUL" };
static const struct field f_message = { "message",
	"error: missing \"message\"",
	"error: \"message\" must be at most 511 bytes of UTF-8 without NUL" };

static const struct kind kinds[] = {
	[MSG_STATUS] = { "status", decode_status, encode_status },
	[MSG_PROGRESS] = { "progress", decode_progress, encode_progress },
	[MSG_PREVIEW] = { "preview", decode_preview, NULL },	/* write_preview() */
	[MSG_COMPLETED] = { "completed", decode_completed, encode_completed },
	[MSG_ERROR] = { "error", decode_error, encode_error }
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static const char *const states[] = {
	[JOB_RUNNING] = "running",
	[JOB_SUCCEEDED] = "succeeded",
	[JOB_FAILED] = "failed",
	[JOB_CANCELLED] = "cancelled"
};
#define NSTATES	(sizeof(states) / sizeof(states[0]))

static const char *const encodings[MSG_NENC] = {
	[MSG_ENC_BASE64] = "base64",
	[MSG_ENC_DEFLATE] = "deflate+base64"
};

const char *
msg_type_name(enum msg_type type)
{
	if ((size_t)type >= NKINDS)
		return "unknown";
	return kinds[type].name;
}

const char *
msg_state_name(enum job_state state)
{
	if (!state_valid(state))
		return "unknown";
	return states[state];
}

const char *
msg_encoding_name(enum msg_encoding enc)
{
	if ((size_t)enc >= MSG_NENC)
		return "unknown";
	return encodings[enc];
}

int
msg_state_parse(const char *name, enum job_state *state)
{
	size_t	 i;

	for (i = 0; i < NSTATES; i++) {
		if (strcmp(name, states[i]) == 0) {
			*state = i;
			return 0;
		}
	}
	return -1;
}

int
msg_state_terminal(enum job_state state)
{
	return state == JOB_SUCCEEDED || state == JOB_FAILED ||
	    state == JOB_CANCELLED;
}

uint64_t
msg_shape_voxels(const uint32_t shape[3])
{
	return (uint64_t)shape[0] * shape[1] * shape[2];
}

void
msg_clear(struct msg *m)
{
	free(m->payload);
	memset(m, 0, sizeof(*m));
}

/* Free text of min..max bytes: UTF-8 and no NUL, which C would cut at. */
static int
text_valid(const char *s, size_t len, size_t min, size_t max)
{
	return len >= min && len <= max && memchr(s, '\0', len) == NULL &&
	    utf8_valid(s, len);
}

int
msg_epoch_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len < 1 || len >= MSG_EPOCH_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	}
	return 1;
}

static int
shape_valid(const uint32_t shape[3])
{
	int	 i;

	for (i = 0; i < 3; i++) {
		if (shape[i] < 1 || shape[i] > MSG_DIM_MAX)
			return 0;
	}
	return 1;
}

static int
state_valid(enum job_state state)
{
	/* The cast also catches values below the first enumerator. */
	return (size_t)state < NSTATES;
}

static int
eta_valid(double eta)
{
	return isfinite(eta) && eta >= 0;
}

/*
 * The length of the string in a char array of size bytes, or size when
 * it is not NUL-terminated, which every caller then rejects.
 */
static size_t
carray_len(const char *s, size_t size)
{
	const char *nul;

	nul = memchr(s, '\0', size);
	return nul == NULL ? size : (size_t)(nul - s);
}

/* Parses exactly len bytes of text into a JSON object. */
static struct json_object *
parse(const char *text, size_t len, const char **errstr)
{
	struct json_object *root;
	enum jsontext_error err;

	if ((root = jsontext_parse(text, len, PARSE_DEPTH, &err)) == NULL &&
	    err != JSONTEXT_OK) {
		if (err == JSONTEXT_NOMEM)
			*errstr = err_nomem;
		else if (err == JSONTEXT_TOOLONG)
			*errstr = err_toolong;
		else if (err == JSONTEXT_DEPTH)
			*errstr = err_depth;
		else if (err == JSONTEXT_TRAILING)
			*errstr = err_trailing;
		else
			*errstr = err_json;
		return NULL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		*errstr = err_object;
		return NULL;
	}
	return root;
}

/*
 * Looks f up in o.  Returns 1 and sets *v when present (a JSON null is
 * present, and then wrongly typed), 0 when absent and optional, -1 when
 * absent and required.
 */
static int
field(struct json_object *o, const struct field *f, struct json_object **v,
    const char **errstr)
{
	if (json_object_object_get_ex(o, f->key, v))
		return 1;
	if (f->missing == NULL)
		return 0;
	*errstr = f->missing;
	return -1;
}

/* A JSON integer (never 3.0 or "3") in min..max; as field() returns. */
static int
get_int(struct json_object *o, const struct field *f, int64_t min,
    int64_t max, int64_t *out, const char **errstr)
{
	struct json_object *v;
	int64_t	 n;
	int	 rc;

	if ((rc = field(o, f, &v, errstr)) <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		goto bad;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 1;
bad:
	*errstr = f->invalid;
	return -1;
}

static int
get_bool(struct json_object *o, const struct field *f, int *out,
    const char **errstr)
{
	struct json_object *v;
	int	 rc;

	if ((rc = field(o, f, &v, errstr)) <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_boolean)) {
		*errstr = f->invalid;
		return -1;
	}
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 1;
}

/*
 * A string without NUL bytes, so that callers may compare it with C
 * strings; *s lives as long as o.  As field() returns.
 */
static int
get_string(struct json_object *o, const struct field *f, const char **s,
    size_t *len, const char **errstr)
{
	struct json_object *v;
	int	 rc;

	if ((rc = field(o, f, &v, errstr)) <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_string))
		goto bad;
	*s = json_object_get_string(v);
	*len = json_object_get_string_len(v);
	if (memchr(*s, '\0', *len) != NULL)
		goto bad;
	return 1;
bad:
	*errstr = f->invalid;
	return -1;
}

/* A required string that must equal want. */
static int
get_literal(struct json_object *o, const struct field *f, const char *want,
    const char **errstr)
{
	const char *s;
	size_t	 len;

	if (get_string(o, f, &s, &len, errstr) < 0)
		return -1;
	if (strcmp(s, want) != 0) {
		*errstr = f->invalid;
		return -1;
	}
	return 1;
}

static int
get_state(struct json_object *o, const struct field *f,
    enum job_state *state, const char **errstr)
{
	const char *s;
	size_t	 len;

	if (get_string(o, f, &s, &len, errstr) < 0)
		return -1;
	if (msg_state_parse(s, state) == -1) {
		*errstr = f->invalid;
		return -1;
	}
	return 1;
}

/* A required [z, y, x], each a JSON integer in 1..MSG_DIM_MAX. */
static int
get_shape(struct json_object *o, const struct field *f, uint32_t shape[3],
    const char **errstr)
{
	struct json_object *v, *e;
	int64_t	 n;
	size_t	 i;

	if (field(o, f, &v, errstr) < 0)
		return -1;
	if (!json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) != 3)
		goto bad;
	for (i = 0; i < 3; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_int))
			goto bad;
		n = json_object_get_int64(e);
		if (n < 1 || n > MSG_DIM_MAX)
			goto bad;
		shape[i] = n;
	}
	return 1;
bad:
	*errstr = f->invalid;
	return -1;
}

/* The optional eta_s, which unlike our other numbers may be fractional. */
static int
get_eta(struct json_object *o, struct msg *m, const char **errstr)
{
	struct json_object *v;
	double	 eta;
	int	 rc;

	if ((rc = field(o, &f_eta, &v, errstr)) <= 0)
		return rc;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		goto bad;
	/* json-c reads NaN, Infinity and 1e999 even in strict mode. */
	eta = json_object_get_double(v);
	if (!eta_valid(eta))
		goto bad;
	m->has_eta = 1;
	m->eta_s = eta;
	return 1;
bad:
	*errstr = f_eta.invalid;
	return -1;
}

static int
decode_type(struct json_object *o, struct msg *m, const char **errstr)
{
	const char *s;
	size_t	 len, i;

	if (get_string(o, &f_type, &s, &len, errstr) < 0)
		return -1;
	for (i = 0; i < NKINDS; i++) {
		if (strcmp(s, kinds[i].name) == 0) {
			m->type = i;
			return 0;
		}
	}
	*errstr = err_type;
	return -1;
}

static int
decode_common(struct json_object *o, struct msg *m, const char **errstr)
{
	const char *id;
	size_t	 len;

	if (get_string(o, &f_job_id, &id, &len, errstr) < 0)
		return -1;
	if (!id_job_valid(id, len)) {
		*errstr = f_job_id.invalid;
		return -1;
	}
	memcpy(m->job_id, id, len + 1);
	if (get_int(o, &f_seq, 0, SAFE_INT_MAX, &m->seq, errstr) < 0 ||
	    get_int(o, &f_ts_us, 0, SAFE_INT_MAX, &m->ts_us, errstr) < 0)
		return -1;
	return 0;
}

static int
decode_status(struct json_object *o, struct msg *m, const char **errstr)
{
	const char *epoch;
	int64_t	 progress, labels = 0;
	size_t	 len;

	if (get_state(o, &f_status_state, &m->state, errstr) < 0 ||
	    get_int(o, &f_status_progress, 0, 100, &progress, errstr) < 0 ||
	    get_shape(o, &f_status_shape, m->shape, errstr) < 0 ||
	    get_string(o, &f_epoch, &epoch, &len, errstr) < 0 ||
	    get_bool(o, &f_resumed, &m->resumed, errstr) < 0 ||
	    get_int(o, &f_labels, 1, MSG_LABELS_MAX, &labels, errstr) < 0)
		return -1;
	if (!msg_epoch_valid(epoch, len)) {
		*errstr = f_epoch.invalid;
		return -1;
	}
	memcpy(m->epoch, epoch, len + 1);
	m->progress = progress;
	m->labels = (int)labels;
	return 0;
}

static int
decode_progress(struct json_object *o, struct msg *m, const char **errstr)
{
	int64_t	 progress;

	if (get_int(o, &f_progress_progress, 0, 100, &progress, errstr) < 0 ||
	    get_state(o, &f_progress_state, &m->state, errstr) < 0 ||
	    get_eta(o, m, errstr) < 0)
		return -1;
	m->progress = progress;
	return 0;
}

/*
 * A preview's fields and payload: with dest, it must have dest's scale
 * and shape and its payload goes into dest's buffer; else into a new
 * allocation.
 */
static int
decode_preview_into(struct json_object *o, struct msg *m,
    const struct msg_preview_dest *dest, const char **errstr)
{
	const char *payload;
	int64_t	 scale, skipped = 0;
	uint8_t	*dst;
	size_t	 len;

	if (get_int(o, &f_scale, 1, MSG_DIM_MAX, &scale, errstr) < 0 ||
	    get_shape(o, &f_preview_shape, m->shape, errstr) < 0 ||
	    get_literal(o, &f_dtype, "uint8", errstr) < 0 ||
	    get_encoding(o, &m->encoding, errstr) < 0 ||
	    get_string(o, &f_payload, &payload, &len, errstr) < 0 ||
	    get_int(o, &f_skipped, 0, SAFE_INT_MAX, &skipped, errstr) < 0)
		return -1;
	m->scale = scale;
	m->skipped = skipped;
	if (msg_shape_voxels(m->shape) > MSG_PAYLOAD_MAX) {
		*errstr = err_voxels;
		return -1;
	}
	if (dest != NULL && (m->scale != dest->scale ||
	    memcmp(m->shape, dest->shape, sizeof(m->shape)) != 0)) {
		*errstr = err_notshape;
		return -1;
	}
	if (get_length(o, m, errstr) < 0)
		return -1;
	dst = dest != NULL ? dest->buf : NULL;
	if (payload_decode(m->encoding, payload, len,
	    msg_shape_voxels(m->shape), &dst, errstr) == -1)
		return -1;
	m->payload = dst;
	m->payload_len = (size_t)msg_shape_voxels(m->shape);
	return 0;
}

static int
decode_preview(struct json_object *o, struct msg *m, const char **errstr)
{
	return decode_preview_into(o, m, NULL, errstr);
}

static int
get_encoding(struct json_object *o, enum msg_encoding *enc,
    const char **errstr)
{
	const char *s;
	size_t	 len, i;

	if (get_string(o, &f_encoding, &s, &len, errstr) < 0)
		return -1;
	for (i = 0; i < MSG_NENC; i++) {
		if (strcmp(s, encodings[i]) == 0) {
			*enc = i;
			return 1;
		}
	}
	*errstr = f_encoding.invalid;
	return -1;
}

/*
 * The raw payload's length: what a client checks the inflated payload
 * against, so it must say what the shape says.
 */
static int
get_length(struct json_object *o, struct msg *m, const char **errstr)
{
	int64_t	 length;
	int	 rc;

	rc = get_int(o, &f_length, 0, SAFE_INT_MAX, &length, errstr);
	if (rc < 0)
		return -1;
	if (rc == 0 && m->encoding == MSG_ENC_DEFLATE) {
		*errstr = err_nolength;
		return -1;
	}
	if (rc == 1 && (uint64_t)length != msg_shape_voxels(m->shape)) {
		*errstr = f_length.invalid;
		return -1;
	}
	return 0;
}

/*
 * Whether len characters can be the payload of voxels bytes in enc, so
 * that a hostile shape or an oversized payload string costs no memory,
 * and a payload of the wrong size is reported as such rather than as bad
 * base64.  A compressed payload's base64 is at most what zlib makes of
 * voxels bytes at worst.
 */
static int
payload_check(enum msg_encoding enc, const char *s, size_t len,
    uint64_t voxels, const char **errstr)
{
	if (voxels > MSG_PAYLOAD_MAX) {
		*errstr = err_voxels;
		return -1;
	}
	if (enc == MSG_ENC_DEFLATE) {
		if (len > b64_encoded_len(zpay_bound(voxels))) {
			*errstr = err_zlong;
			return -1;
		}
	} else if (len != b64_encoded_len(voxels) ||
	    b64_decoded_len(s, len) != voxels) {
		*errstr = err_paylen;
		return -1;
	}
	return 0;
}

static int
base64_into(const char *s, size_t len, uint64_t voxels, uint8_t *dst,
    const char **errstr)
{
	const char *b64err;
	size_t	 outlen;

	if (b64_decode(dst, voxels, s, len, &outlen, &b64err) == -1) {
		*errstr = err_base64;
		return -1;
	}
	if (outlen != voxels) {
		*errstr = err_paylen;
		return -1;
	}
	return 0;
}

/* It inflates into exactly voxels bytes, no more: a hostile stream costs
 * no more memory than an honest one. */
static int
inflate_into(const char *s, size_t len, uint64_t voxels, uint8_t *dst,
    const char **errstr)
{
	const char *b64err;
	uint8_t	*z;
	size_t	 zlen;
	int	 rc;

	if ((z = malloc(b64_decoded_maxlen(len) + 1)) == NULL) {
		*errstr = err_nomem;
		return -1;
	}
	if (b64_decode(z, b64_decoded_maxlen(len) + 1, s, len, &zlen,
	    &b64err) == -1) {
		free(z);
		*errstr = err_base64;
		return -1;
	}
	rc = zpay_decompress(dst, voxels, z, zlen, errstr);
	free(z);
	return rc;
}

/*
 * Decodes a payload of voxels bytes, as enc says, into *dst, or into a
 * new buffer when *dst is NULL, allocated only once the lengths are
 * right (and freed again on failure).
 */
static int
payload_decode(enum msg_encoding enc, const char *s, size_t len,
    uint64_t voxels, uint8_t **dst, const char **errstr)
{
	uint8_t	*mine = NULL;
	int	 rc;

	if (payload_check(enc, s, len, voxels, errstr) == -1)
		return -1;
	if (*dst == NULL && (*dst = mine = malloc(voxels)) == NULL) {
		*errstr = err_nomem;
		return -1;
	}
	if (enc == MSG_ENC_DEFLATE)
		rc = inflate_into(s, len, voxels, *dst, errstr);
	else
		rc = base64_into(s, len, voxels, *dst, errstr);
	if (rc == -1 && mine != NULL) {
		free(mine);
		*dst = NULL;
	}
	return rc;
}

int
msg_payload_decode(enum msg_encoding enc, const char *s, size_t len,
    uint64_t voxels, uint8_t *dst, const char **errstr)
{
	return payload_decode(enc, s, len, voxels, &dst, errstr);
}

static int
decode_completed(struct json_object *o, struct msg *m, const char **errstr)
{
	if (get_state(o, &f_completed_state, &m->state, errstr) < 0)
		return -1;
	if (m->state != JOB_SUCCEEDED && m->state != JOB_CANCELLED) {
		*errstr = f_completed_state.invalid;
		return -1;
	}
	return 0;
}

static int
decode_error(struct json_object *o, struct msg *m, const char **errstr)
{
	const char *code, *message;
	size_t	 codelen, messagelen;

	if (get_string(o, &f_code, &code, &codelen, errstr) < 0 ||
	    get_string(o, &f_message, &message, &messagelen, errstr) < 0)
		return -1;
	if (!text_valid(code, codelen, 1, MSG_CODE_MAX - 1)) {
		*errstr = f_code.invalid;
		return -1;
	}
	if (!text_valid(message, messagelen, 0, MSG_TEXT_MAX - 1)) {
		*errstr = f_message.invalid;
		return -1;
	}
	memcpy(m->code, code, codelen + 1);
	memcpy(m->message, message, messagelen + 1);
	/* The protocol defines an error message as the job having failed. */
	m->state = JOB_FAILED;
	return 0;
}

/*
 * The previous contents of m are overwritten, not freed.  On failure m
 * is left cleared, whatever part of it was filled in.
 */
int
msg_decode(const char *text, size_t len, struct msg *m, const char **errstr)
{
	struct json_object *root;
	const char *dummy;
	int	 rc = -1;

	if (errstr == NULL)
		errstr = &dummy;
	memset(m, 0, sizeof(*m));
	if ((root = parse(text, len, errstr)) == NULL)
		return -1;
	if (decode_type(root, m, errstr) == 0 &&
	    decode_common(root, m, errstr) == 0 &&
	    kinds[m->type].decode(root, m, errstr) == 0)
		rc = 0;
	json_object_put(root);
	if (rc == -1)
		msg_clear(m);
	return rc;
}

int
msg_decode_published(struct json_object *o,
    const struct msg_preview_dest *dest, struct msg *m, const char **errstr)
{
	int	 rc;

	memset(m, 0, sizeof(*m));
	if (!json_object_is_type(o, json_type_object)) {
		*errstr = err_object;
		return -1;
	}
	if (decode_type(o, m, errstr) == -1)
		return -1;
	if (m->type == MSG_STATUS) {
		*errstr = err_status;
		rc = -1;
	} else if (m->type == MSG_PREVIEW)
		rc = decode_preview_into(o, m, dest, errstr);
	else
		rc = kinds[m->type].decode(o, m, errstr);
	if (rc == -1) {
		if (dest != NULL && m->payload == dest->buf)
			m->payload = NULL;	/* the caller's */
		msg_clear(m);
	}
	return rc;
}

/* Adds v to o as key, taking v, which may be a failed allocation. */
static int
add(struct json_object *o, const char *key, struct json_object *v)
{
	if (v == NULL)
		return -1;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static struct json_object *
new_shape(const uint32_t shape[3])
{
	struct json_object *a, *v;
	int	 i;

	if ((a = json_object_new_array_ext(3)) == NULL)
		return NULL;
	for (i = 0; i < 3; i++) {
		v = json_object_new_int64(shape[i]);
		if (v == NULL || json_object_array_add(a, v) != 0) {
			json_object_put(v);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* What the head of every message must be, or NULL when it is right. */
static const char *
head_invalid(const struct msg *m)
{
	if (carray_len(m->job_id, sizeof(m->job_id)) != ID_JOB_LEN ||
	    !id_job_valid(m->job_id, ID_JOB_LEN))
		return f_job_id.invalid;
	if (m->seq < 0 || m->seq > SAFE_INT_MAX)
		return f_seq.invalid;
	if (m->ts_us < 0 || m->ts_us > SAFE_INT_MAX)
		return f_ts_us.invalid;
	return NULL;
}

static int
encode_common(struct json_object *o, const struct msg *m,
    const char **errstr)
{
	if ((*errstr = head_invalid(m)) != NULL)
		return -1;
	if (add(o, "type", json_object_new_string(kinds[m->type].name)) ||
	    add(o, "job_id", json_object_new_string(m->job_id)) ||
	    add(o, "seq", json_object_new_int64(m->seq)) ||
	    add(o, "ts_us", json_object_new_int64(m->ts_us))) {
		*errstr = err_nomem;
		return -1;
	}
	return 0;
}

static int
encode_status(struct json_object *o, const struct msg *m,
    const char **errstr)
{
	size_t	 epochlen;

	epochlen = carray_len(m->epoch, sizeof(m->epoch));
	if (!state_valid(m->state))
		*errstr = f_status_state.invalid;
	else if (m->progress < 0 || m->progress > 100)
		*errstr = f_status_progress.invalid;
	else if (!shape_valid(m->shape))
		*errstr = f_status_shape.invalid;
	else if (!msg_epoch_valid(m->epoch, epochlen))
		*errstr = f_epoch.invalid;
	else if (m->labels < 0 || m->labels > MSG_LABELS_MAX)
		*errstr = f_labels.invalid;
	else if (add(o, "state", json_object_new_string(states[m->state])) ||
	    add(o, "progress", json_object_new_int(m->progress)) ||
	    add(o, "shape", new_shape(m->shape)) ||
	    add(o, "epoch", json_object_new_string(m->epoch)) ||
	    add(o, "resumed", json_object_new_boolean(m->resumed != 0)) ||
	    (m->labels != 0 &&
	    add(o, "labels", json_object_new_int(m->labels))))
		*errstr = err_nomem;
	else
		return 0;
	return -1;
}

static int
encode_progress(struct json_object *o, const struct msg *m,
    const char **errstr)
{
	if (m->progress < 0 || m->progress > 100)
		*errstr = f_progress_progress.invalid;
	else if (!state_valid(m->state))
		*errstr = f_progress_state.invalid;
	else if (m->has_eta && !eta_valid(m->eta_s))
		*errstr = f_eta.invalid;
	else if (add(o, "progress", json_object_new_int(m->progress)) ||
	    add(o, "state", json_object_new_string(states[m->state])) ||
	    (m->has_eta &&
	    add(o, "eta_s", json_object_new_double(m->eta_s))))
		*errstr = err_nomem;
	else
		return 0;
	return -1;
}

/* What the fields of a preview must be, or NULL when they are right. */
static const char *
preview_invalid(const struct msg *m)
{
	if (m->scale < 1 || m->scale > MSG_DIM_MAX)
		return f_scale.invalid;
	if (!shape_valid(m->shape))
		return f_preview_shape.invalid;
	if (msg_shape_voxels(m->shape) > MSG_PAYLOAD_MAX)
		return err_voxels;
	if ((size_t)m->encoding >= MSG_NENC)
		return f_encoding.invalid;
	if (m->payload == NULL || m->payload_len != msg_shape_voxels(m->shape))
		return err_paylen;
	if (m->skipped < 0 || m->skipped > SAFE_INT_MAX)
		return f_skipped.invalid;
	return NULL;
}

static int
encode_completed(struct json_object *o, const struct msg *m,
    const char **errstr)
{
	if (m->state != JOB_SUCCEEDED && m->state != JOB_CANCELLED)
		*errstr = f_completed_state.invalid;
	else if (add(o, "state", json_object_new_string(states[m->state])))
		*errstr = err_nomem;
	else
		return 0;
	return -1;
}

/* m->state is not written: an error message means the job failed. */
static int
encode_error(struct json_object *o, const struct msg *m,
    const char **errstr)
{
	size_t	 codelen, messagelen;

	codelen = carray_len(m->code, sizeof(m->code));
	messagelen = carray_len(m->message, sizeof(m->message));
	if (!text_valid(m->code, codelen, 1, MSG_CODE_MAX - 1))
		*errstr = f_code.invalid;
	else if (!text_valid(m->message, messagelen, 0, MSG_TEXT_MAX - 1))
		*errstr = f_message.invalid;
	else if (add(o, "code", json_object_new_string(m->code)) ||
	    add(o, "message", json_object_new_string(m->message)))
		*errstr = err_nomem;
	else
		return 0;
	return -1;
}

/*
 * Every type but the preview through json-c.  The base64 alphabet's '/'
 * is left unescaped: escaping it would only make previews larger.
 */
static char *
encode_json(const struct msg *m, size_t *len, const char **errstr)
{
	struct json_object *o;
	const char *json;
	char	*out = NULL;
	size_t	 jsonlen;

	if ((o = json_object_new_object()) == NULL) {
		*errstr = err_nomem;
		return NULL;
	}
	if (encode_common(o, m, errstr) == 0 &&
	    kinds[m->type].encode(o, m, errstr) == 0) {
		json = json_object_to_json_string_length(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &jsonlen);
		if (json != NULL && (out = malloc(jsonlen + 1)) != NULL) {
			memcpy(out, json, jsonlen + 1);
			*len = jsonlen;
		} else
			*errstr = err_nomem;
	}
	json_object_put(o);
	return out;
}

/*
 * The text of a preview up to the payload's opening quote, in the order
 * and form json-c writes the other messages; its length, or 0 when it
 * does not fit.
 */
static size_t
preview_prefix(const struct msg *m, char *buf, size_t size)
{
	int	 n;

	n = snprintf(buf, size, "{\"type\":\"preview\",\"job_id\":\"%s\","
	    "\"seq\":%lld,\"ts_us\":%lld,\"scale\":%u,\"shape\":[%u,%u,%u],"
	    "\"dtype\":\"uint8\",\"encoding\":\"%s\"", m->job_id,
	    (long long)m->seq, (long long)m->ts_us, m->scale, m->shape[0],
	    m->shape[1], m->shape[2], encodings[m->encoding]);
	if (n > 0 && (size_t)n < size && m->encoding == MSG_ENC_DEFLATE)
		n += snprintf(buf + n, size - n, ",\"length\":%zu",
		    m->payload_len);
	if (n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, ",\"payload\":\"");
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t
msg_preview_end(int64_t skipped, char *buf, size_t size)
{
	int	 n;

	if (skipped > 0)
		n = snprintf(buf, size, ",\"skipped\":%lld}",
		    (long long)skipped);
	else
		n = snprintf(buf, size, "}");
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/*
 * A preview, written without json-c: its payload is encoded once,
 * straight into the block, instead of into a buffer that json-c copies
 * and escapes into its own.  A compressed payload takes one more
 * buffer, of the compressed size.
 */
static char *
write_preview(const struct msg *m, size_t head, size_t tail, size_t *len,
    const char **errstr)
{
	char	 pre[256], post[MSG_PREVIEW_END_MAX + 1], *block;
	const uint8_t *src = m->payload;
	uint8_t	*z = NULL;
	size_t	 srclen = m->payload_len, prelen, postlen, b64len;

	if ((*errstr = head_invalid(m)) != NULL ||
	    (*errstr = preview_invalid(m)) != NULL)
		return NULL;
	if ((prelen = preview_prefix(m, pre, sizeof(pre))) == 0) {
		*errstr = err_toolong;
		return NULL;
	}
	post[0] = '"';
	postlen = 1 + msg_preview_end(m->skipped, post + 1, sizeof(post) - 1);
	if (m->encoding == MSG_ENC_DEFLATE) {
		if ((z = malloc(zpay_bound(srclen))) == NULL) {
			*errstr = err_nomem;
			return NULL;
		}
		if (zpay_compress(z, zpay_bound(m->payload_len), m->payload,
		    m->payload_len, &srclen, errstr) == -1) {
			free(z);
			return NULL;
		}
		src = z;
	}
	b64len = b64_encoded_len(srclen);
	*len = prelen + b64len + postlen;
	if ((block = malloc(head + *len + 1 + tail)) == NULL) {
		free(z);
		*errstr = err_nomem;
		return NULL;
	}
	memcpy(block + head, pre, prelen);
	b64_encode(block + head + prelen, src, srclen);
	memcpy(block + head + prelen + b64len, post, postlen);
	block[head + *len] = '\0';
	free(z);
	return block;
}

int
msg_preview_payload(const char *text, size_t len, const char **payload,
    size_t *plen)
{
	static const char key[] = ",\"payload\":\"";
	const char *p, *q;

	if ((p = memmem(text, len, key, sizeof(key) - 1)) == NULL)
		return -1;
	p += sizeof(key) - 1;
	if ((q = memchr(p, '"', len - (size_t)(p - text))) == NULL)
		return -1;
	*payload = p;
	*plen = (size_t)(q - p);
	return 0;
}

char *
msg_encode(const struct msg *m, size_t *len, const char **errstr)
{
	return msg_encode_room(m, 0, 0, len, errstr);
}

char *
msg_encode_room(const struct msg *m, size_t head, size_t tail, size_t *len,
    const char **errstr)
{
	const char *dummy;
	char	*text, *block;

	if (errstr == NULL)
		errstr = &dummy;
	if ((size_t)m->type >= NKINDS) {
		*errstr = err_type;
		return NULL;
	}
	if (m->type == MSG_PREVIEW)
		return write_preview(m, head, tail, len, errstr);
	if ((text = encode_json(m, len, errstr)) == NULL || (head == 0 &&
	    tail == 0))
		return text;
	/* Small messages: one more copy costs nothing worth a writer. */
	if ((block = malloc(head + *len + 1 + tail)) == NULL)
		*errstr = err_nomem;
	else
		memcpy(block + head, text, *len + 1);
	free(text);
	return block;
}
