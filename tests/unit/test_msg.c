/*
 * test_msg.c: the stream message codec of common/msg.c.  Every type must
 * come back unchanged from an encode and a decode, and every way a peer
 * can break docs/protocol.md must be refused, saying which rule it broke.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "msg.h"
#include "unit.h"
#include "zpay.h"

/*
 * The JSON below is written with ' where the wire has ", to keep it
 * readable; dq() puts the real quotes back.  No input needs a '.
 */
#define JOB	"0123456789abcdef0123456789abcdef"
#define HEAD	"'job_id':'" JOB "','seq':7,'ts_us':1764102000000000"
#define STATUS	"{'type':'status'," HEAD ","
#define PROGRESS "{'type':'progress'," HEAD ","
#define PREVIEW	"{'type':'preview'," HEAD ","
#define COMPLETED "{'type':'completed'," HEAD ","
#define ERRMSG	"{'type':'error'," HEAD ","

/* The fields of a valid status and preview, for breaking one at a time. */
#define ST_NOSHAPE "'state':'running','progress':20,'epoch':'e','resumed':false"
#define PV_HEAD	"'scale':2,'shape':[1,2,2],'dtype':'uint8','encoding':'base64'"
#define PZ_HEAD	"'scale':2,'shape':[1,2,2],'dtype':'uint8'," \
		"'encoding':'deflate+base64'"
/* zlib streams of 00 01 00 01 (4 bytes), of 5 bytes and of 3 bytes. */
#define Z4	"'eAFjYGRgBAAACAAD'"
#define Z5	"'eAFjYGRgZAQAAAwABA=='"
#define Z3	"'eAFjYGQAAAAFAAI='"

struct bad {
	const char	*json;		/* with ' for " */
	const char	*want;		/* a substring of the error */
};

static const struct bad bad_inputs[] = {
	/* Not JSON, or not one JSON object. */
	{ "{'type':'status',}", "message: not valid JSON" },
	{ "{type:'status'}", "message: not valid JSON" },
	{ "{'type':'completed','job_id':'01", "message: not valid JSON" },
	{ "", "message: not valid JSON" },
	{ "{'type':'completed','seq':07}", "message: not valid JSON" },
	{ "{/* hi */'type':'completed'}", "message: not valid JSON" },
	{ "{'type':'completed','code':'\xff'}", "message: not valid JSON" },
	{ COMPLETED "'state':'succeeded'} x", "message: trailing data" },
	{ COMPLETED "'state':'succeeded'}{}", "message: trailing data" },
	{ "[1,2]", "message: not a JSON object" },
	{ "'completed'", "message: not a JSON object" },
	{ "null", "message: not a JSON object" },
	{ "42", "message: not a JSON object" },

	/* The fields every message has. */
	{ "{" HEAD ",'state':'succeeded'}", "message: missing \"type\"" },
	{ "{'type':3," HEAD ",'state':'succeeded'}",
	    "message: \"type\" must be a string" },
	{ "{'type':'finished'," HEAD ",'state':'succeeded'}",
	    "message: unknown \"type\" value" },
	{ "{'type':'Completed'," HEAD ",'state':'succeeded'}",
	    "message: unknown \"type\" value" },
	{ "{'type':'completed','seq':1,'ts_us':2,'state':'succeeded'}",
	    "message: missing \"job_id\"" },
	{ "{'type':'completed','job_id':'0123456789ABCDEF0123456789abcdef',"
	    "'seq':1,'ts_us':2,'state':'succeeded'}",
	    "message: \"job_id\" must be 32 lowercase" },
	{ "{'type':'completed','job_id':'0123456789abcdef',"
	    "'seq':1,'ts_us':2,'state':'succeeded'}",
	    "message: \"job_id\" must be 32 lowercase" },
	{ "{'type':'completed','job_id':'" JOB "0',"
	    "'seq':1,'ts_us':2,'state':'succeeded'}",
	    "message: \"job_id\" must be 32 lowercase" },
	{ "{'type':'completed',"
	    "'job_id':'0123456789abcdef0123456789abcde\\u0000',"
	    "'seq':1,'ts_us':2,'state':'succeeded'}",
	    "message: \"job_id\" must be 32 lowercase" },
	{ "{'type':'completed','job_id':12,'seq':1,'ts_us':2,"
	    "'state':'succeeded'}",
	    "message: \"job_id\" must be 32 lowercase" },
	{ "{'type':'completed','job_id':'" JOB "','ts_us':2,"
	    "'state':'succeeded'}", "message: missing \"seq\"" },
	{ "{'type':'completed','job_id':'" JOB "','seq':-1,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':'1','ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':1.0,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':1e0,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':true,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':null,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':9007199254740992,"
	    "'ts_us':2,'state':'succeeded'}",
	    "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "',"
	    "'seq':99999999999999999999999,'ts_us':2,'state':'succeeded'}",
	    "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':NaN,'ts_us':2,"
	    "'state':'succeeded'}", "message: \"seq\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':1,"
	    "'state':'succeeded'}", "message: missing \"ts_us\"" },
	{ "{'type':'completed','job_id':'" JOB "','seq':1,'ts_us':-5,"
	    "'state':'succeeded'}", "message: \"ts_us\" must be an integer" },
	{ "{'type':'completed','job_id':'" JOB "','seq':1,"
	    "'ts_us':-99999999999999999999999,'state':'succeeded'}",
	    "message: \"ts_us\" must be an integer" },

	/* status */
	{ STATUS "'state':'done','progress':20,'shape':[1,2,3],'epoch':'e',"
	    "'resumed':false}", "status: \"state\" must be running" },
	{ STATUS "'state':'RUNNING','progress':20,'shape':[1,2,3],'epoch':'e',"
	    "'resumed':false}", "status: \"state\" must be running" },
	{ STATUS "'progress':20,'shape':[1,2,3],'epoch':'e','resumed':false}",
	    "status: missing \"state\"" },
	{ STATUS "'state':'running','progress':101,'shape':[1,2,3],"
	    "'epoch':'e','resumed':false}",
	    "status: \"progress\" must be an integer in 0..100" },
	{ STATUS "'state':'running','progress':-1,'shape':[1,2,3],"
	    "'epoch':'e','resumed':false}",
	    "status: \"progress\" must be an integer in 0..100" },
	{ STATUS "'state':'running','progress':50.5,'shape':[1,2,3],"
	    "'epoch':'e','resumed':false}",
	    "status: \"progress\" must be an integer in 0..100" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'e','resumed':1}",
	    "status: \"resumed\" must be a boolean" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'e','resumed':'true'}",
	    "status: \"resumed\" must be a boolean" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'e'}", "status: missing \"resumed\"" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'','resumed':false}", "status: \"epoch\" must be 1..63" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'a\\tb','resumed':false}",
	    "status: \"epoch\" must be 1..63" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'a b','resumed':false}",
	    "status: \"epoch\" must be 1..63" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'epoch':'\xc3\xa9','resumed':false}",
	    "status: \"epoch\" must be 1..63" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],'epoch':'"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123',"
	    "'resumed':false}", "status: \"epoch\" must be 1..63" },
	{ STATUS "'state':'running','progress':20,'shape':[1,2,3],"
	    "'resumed':false}", "status: missing \"epoch\"" },
	{ STATUS ST_NOSHAPE "}", "status: missing \"shape\"" },
	{ STATUS ST_NOSHAPE ",'shape':[64,256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[1,64,256,256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[0,256,256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[64,-256,256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[64,256,4097]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[64,'256',256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[64,256.0,256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':[64,[256],256]}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':'64,256,256'}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },
	{ STATUS ST_NOSHAPE ",'shape':{'z':64,'y':256,'x':256}}",
	    "status: \"shape\" must be an array of three integers in 1..4096" },

	/* progress */
	{ PROGRESS "'progress':101,'state':'running'}",
	    "progress: \"progress\" must be an integer in 0..100" },
	{ PROGRESS "'progress':-1,'state':'running'}",
	    "progress: \"progress\" must be an integer in 0..100" },
	{ PROGRESS "'state':'running'}", "progress: missing \"progress\"" },
	{ PROGRESS "'progress':5}", "progress: missing \"state\"" },
	{ PROGRESS "'progress':5,'state':'paused'}",
	    "progress: \"state\" must be running" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':-1}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':-0.5}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':'5'}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':null}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':NaN}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':Infinity}",
	    "progress: \"eta_s\" must be a finite number >= 0" },
	{ PROGRESS "'progress':5,'state':'running','eta_s':1e999}",
	    "progress: \"eta_s\" must be a finite number >= 0" },

	/* preview: AAEAAQ== is the four bytes 0 1 0 1 */
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQ==','dtype':'float32'}",
	    "preview: \"dtype\" must be \"uint8\"" },
	{ PREVIEW "'scale':2,'shape':[1,2,2],'encoding':'base64',"
	    "'payload':'AAEAAQ=='}", "preview: missing \"dtype\"" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQ==','encoding':'gzip'}",
	    "preview: \"encoding\" must be \"base64\"" },
	{ PREVIEW PV_HEAD ",'payload':'AA*AAQ=='}",
	    "preview: \"payload\" is not valid base64" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAA===='}",
	    "preview: payload length does not match shape" },
	{ PREVIEW "'scale':2,'shape':[1,1,2],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAF='}",
	    "preview: \"payload\" is not valid base64" },
	{ PREVIEW PV_HEAD ",'payload':4}",
	    "preview: \"payload\" must be a string" },
	{ PREVIEW PV_HEAD "}", "preview: missing \"payload\"" },
	{ PREVIEW PV_HEAD ",'payload':'AAEA'}",
	    "preview: payload length does not match shape" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQE='}",
	    "preview: payload length does not match shape" },
	{ PREVIEW "'scale':2,'shape':[1,1,5],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAEAAQ=='}",
	    "preview: payload length does not match shape" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQEB'}",
	    "preview: payload length does not match shape" },
	{ PREVIEW "'scale':1,'shape':[4096,4096,4096],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAAA'}",
	    "preview: \"shape\" has more than 4194304 voxels" },
	{ PREVIEW "'scale':1,'shape':[1,1025,4096],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAAA'}",
	    "preview: \"shape\" has more than 4194304 voxels" },
	{ PREVIEW "'scale':0,'shape':[1,2,2],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAEAAQ=='}",
	    "preview: \"scale\" must be an integer in 1..4096" },
	{ PREVIEW "'scale':4097,'shape':[1,2,2],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAEAAQ=='}",
	    "preview: \"scale\" must be an integer in 1..4096" },
	{ PREVIEW "'scale':2,'shape':[1,2,4097],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AAEAAQ=='}",
	    "preview: \"shape\" must be an array of three integers" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQ==','skipped':-1}",
	    "preview: \"skipped\" must be an integer" },
	{ PREVIEW PV_HEAD ",'payload':'AAEAAQ==','skipped':1.5}",
	    "preview: \"skipped\" must be an integer" },

	/* preview with deflate+base64, and the length field */
	{ PREVIEW PZ_HEAD ",'payload':" Z4 "}",
	    "preview: missing \"length\" (required with deflate+base64)" },
	{ PREVIEW PZ_HEAD ",'length':5,'payload':" Z4 "}",
	    "preview: \"length\" must equal z*y*x" },
	{ PREVIEW PZ_HEAD ",'length':'4','payload':" Z4 "}",
	    "preview: \"length\" must equal z*y*x" },
	{ PREVIEW PZ_HEAD ",'length':-4,'payload':" Z4 "}",
	    "preview: \"length\" must equal z*y*x" },
	{ PREVIEW PV_HEAD ",'length':3,'payload':'AAEAAQ=='}",
	    "preview: \"length\" must equal z*y*x" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':'AAEAAQ=='}",
	    "zlib stream: corrupt" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':" Z5 "}",
	    "zlib stream: inflates to more than the announced length" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':" Z3 "}",
	    "zlib stream: inflates to less than the announced length" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':'eAFjYGRgBAAACA=='}",
	    "zlib stream: truncated" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':'eAFjYGRgBAAACAADAA=='}",
	    "zlib stream: trailing bytes after its end" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':'eAFjYGRgBAAACAA*'}",
	    "preview: \"payload\" is not valid base64" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':''}",
	    "zlib stream: truncated" },
	{ PREVIEW PZ_HEAD ",'length':4,"
	    "'payload':'eAFjYGRgBAAACAADAAAAAAAAAAAA'}",
	    "preview: compressed \"payload\" is longer than zlib makes it" },
	{ PREVIEW PZ_HEAD ",'length':4,'payload':" Z4 ",'encoding':'deflate'}",
	    "preview: \"encoding\" must be \"base64\" or \"deflate+base64\"" },
	{ PREVIEW "'scale':1,'shape':[1,1025,4096],'dtype':'uint8',"
	    "'encoding':'deflate+base64','length':4198400,'payload':" Z4 "}",
	    "preview: \"shape\" has more than 4194304 voxels" },

	/* completed */
	{ COMPLETED "'state':'running'}",
	    "completed: \"state\" must be succeeded or cancelled" },
	{ COMPLETED "'state':'failed'}",
	    "completed: \"state\" must be succeeded or cancelled" },
	{ COMPLETED "'status':'succeeded'}", "completed: missing \"state\"" },

	/* error */
	{ ERRMSG "'code':'','message':'m'}", "error: \"code\" must be 1..63" },
	{ ERRMSG "'code':5,'message':'m'}", "error: \"code\" must be 1..63" },
	{ ERRMSG "'code':'a\\u0000b','message':'m'}",
	    "error: \"code\" must be 1..63" },
	{ ERRMSG "'code':'"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123',"
	    "'message':'m'}", "error: \"code\" must be 1..63" },
	{ ERRMSG "'message':'m'}", "error: missing \"code\"" },
	{ ERRMSG "'code':'c'}", "error: missing \"message\"" },
	{ ERRMSG "'code':'c','message':['m']}",
	    "error: \"message\" must be at most 511" },
	{ ERRMSG "'code':'c','message':'overlong \xc0\xaf'}",
	    "error: \"message\" must be at most 511" },
	{ ERRMSG "'code':'c','message':'surrogate \xed\xa0\x80'}",
	    "error: \"message\" must be at most 511" },
};

/* A malloc'd copy of s with each ' turned into ". */
static char *
dq(const char *s)
{
	char	*t, *p;

	if ((t = strdup(s)) == NULL)
		abort();
	for (p = t; *p != '\0'; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return t;
}

static int
is_zero(const struct msg *m)
{
	static const struct msg zero;

	return memcmp(m, &zero, sizeof(*m)) == 0;
}

/* Decodes len bytes of text, which must fail with want in the error. */
static void
expect_bad_len(const char *text, size_t len, const char *want)
{
	struct msg	 m;
	const char	*errstr = NULL;
	int		 rc;

	/* Garbage first, to see that a failure leaves nothing of it. */
	memset(&m, 0xa5, sizeof(m));
	rc = msg_decode(text, len, &m, &errstr);
	CU_ASSERT_EQUAL(rc, -1);
	if (errstr == NULL || strstr(errstr, want) == NULL) {
		fprintf(stderr, "\n%.100s\n  error \"%s\", want \"%s\"\n",
		    text, errstr != NULL ? errstr : "(null)", want);
		CU_FAIL("wrong or no error message");
	}
	CU_ASSERT(is_zero(&m));
	if (rc == 0)
		msg_clear(&m);
}

static void
expect_bad(const char *text, const char *want)
{
	expect_bad_len(text, strlen(text), want);
}

/* Decodes json (with ' for ") into m, which must succeed. */
static void
decode_ok(const char *json, struct msg *m)
{
	const char	*errstr = NULL;
	char		*text;

	text = dq(json);
	if (msg_decode(text, strlen(text), m, &errstr) != 0) {
		fprintf(stderr, "\n%.100s\n  error \"%s\"\n", text, errstr);
		CU_FAIL("valid message refused");
	}
	free(text);
}

static int
msg_equal(const struct msg *a, const struct msg *b)
{
	if (a->payload_len != b->payload_len ||
	    (a->payload_len > 0 &&
	    memcmp(a->payload, b->payload, a->payload_len) != 0))
		return 0;
	return a->type == b->type && strcmp(a->job_id, b->job_id) == 0 &&
	    a->seq == b->seq && a->ts_us == b->ts_us &&
	    a->state == b->state && a->progress == b->progress &&
	    a->has_eta == b->has_eta && a->eta_s == b->eta_s &&
	    memcmp(a->shape, b->shape, sizeof(a->shape)) == 0 &&
	    strcmp(a->epoch, b->epoch) == 0 && a->resumed == b->resumed &&
	    a->scale == b->scale && a->encoding == b->encoding &&
	    a->skipped == b->skipped && strcmp(a->code, b->code) == 0 &&
	    strcmp(a->message, b->message) == 0;
}

/* Encodes in, decodes the text, and wants in back field by field. */
static void
roundtrip(const struct msg *in)
{
	struct msg	 out;
	const char	*errstr = NULL;
	char		*text;
	size_t		 len = 0;

	text = msg_encode(in, &len, &errstr);
	if (text == NULL) {
		fprintf(stderr, "\nencode: %s\n", errstr);
		CU_FAIL("valid struct not encoded");
		return;
	}
	CU_ASSERT_EQUAL(strlen(text), len);
	CU_ASSERT_PTR_NULL(memchr(text, '\n', len));
	CU_ASSERT_EQUAL(msg_decode(text, len, &out, &errstr), 0);
	CU_ASSERT(msg_equal(in, &out));
	msg_clear(&out);
	free(text);
}

/* Encodes m, which must fail with want in the error. */
static void
expect_encode_fail(const struct msg *m, const char *want)
{
	const char	*errstr = NULL;
	char		*text;
	size_t		 len;

	text = msg_encode(m, &len, &errstr);
	CU_ASSERT_PTR_NULL(text);
	if (errstr == NULL || strstr(errstr, want) == NULL) {
		fprintf(stderr, "\nencode error \"%s\", want \"%s\"\n",
		    errstr != NULL ? errstr : "(null)", want);
		CU_FAIL("wrong or no error message");
	}
	free(text);
}

static void
fill_head(struct msg *m, enum msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	strcpy(m->job_id, JOB);
	m->seq = 41;
	m->ts_us = 1764102000123456;
}

static void
fill_status(struct msg *m)
{
	fill_head(m, MSG_STATUS);
	m->state = JOB_RUNNING;
	m->progress = 20;
	m->shape[0] = 64;
	m->shape[1] = 256;
	m->shape[2] = 256;
	strcpy(m->epoch, "5f1c2a9e");
	m->resumed = 0;
}

static void
fill_progress(struct msg *m)
{
	fill_head(m, MSG_PROGRESS);
	m->state = JOB_RUNNING;
	m->progress = 35;
	m->has_eta = 1;
	m->eta_s = 12.345;
}

/* A preview of shape z,y,x with a recognisable payload. */
static void
fill_preview(struct msg *m, uint32_t z, uint32_t y, uint32_t x)
{
	size_t	 i;

	fill_head(m, MSG_PREVIEW);
	m->scale = 4;
	m->shape[0] = z;
	m->shape[1] = y;
	m->shape[2] = x;
	m->encoding = MSG_ENC_BASE64;
	m->payload_len = (size_t)z * y * x;
	if ((m->payload = malloc(m->payload_len)) == NULL)
		abort();
	for (i = 0; i < m->payload_len; i++)
		m->payload[i] = (i * 7 + i / 251) & 0xff;
}

static void
fill_error(struct msg *m)
{
	fill_head(m, MSG_ERROR);
	m->state = JOB_FAILED;
	strcpy(m->code, "segmentation_failed");
	strcpy(m->message, "model crashed: \"oom\" at C:\\tmp/x\n\tnext");
}

static void
test_names(void)
{
	enum job_state	 st;

	CU_ASSERT_STRING_EQUAL(msg_type_name(MSG_STATUS), "status");
	CU_ASSERT_STRING_EQUAL(msg_type_name(MSG_PROGRESS), "progress");
	CU_ASSERT_STRING_EQUAL(msg_type_name(MSG_PREVIEW), "preview");
	CU_ASSERT_STRING_EQUAL(msg_type_name(MSG_COMPLETED), "completed");
	CU_ASSERT_STRING_EQUAL(msg_type_name(MSG_ERROR), "error");
	CU_ASSERT_STRING_EQUAL(msg_type_name((enum msg_type)99), "unknown");
	CU_ASSERT_STRING_EQUAL(msg_state_name(JOB_RUNNING), "running");
	CU_ASSERT_STRING_EQUAL(msg_state_name(JOB_SUCCEEDED), "succeeded");
	CU_ASSERT_STRING_EQUAL(msg_state_name(JOB_FAILED), "failed");
	CU_ASSERT_STRING_EQUAL(msg_state_name(JOB_CANCELLED), "cancelled");
	CU_ASSERT_STRING_EQUAL(msg_state_name((enum job_state)-1), "unknown");
	CU_ASSERT_STRING_EQUAL(msg_encoding_name(MSG_ENC_BASE64), "base64");
	CU_ASSERT_STRING_EQUAL(msg_encoding_name(MSG_ENC_DEFLATE),
	    "deflate+base64");
	CU_ASSERT_STRING_EQUAL(msg_encoding_name(MSG_NENC), "unknown");

	CU_ASSERT_EQUAL(msg_state_parse("cancelled", &st), 0);
	CU_ASSERT_EQUAL(st, JOB_CANCELLED);
	CU_ASSERT_EQUAL(msg_state_parse("running", &st), 0);
	CU_ASSERT_EQUAL(st, JOB_RUNNING);
	CU_ASSERT_EQUAL(msg_state_parse("Running", &st), -1);
	CU_ASSERT_EQUAL(msg_state_parse("", &st), -1);

	CU_ASSERT_FALSE(msg_state_terminal(JOB_RUNNING));
	CU_ASSERT_TRUE(msg_state_terminal(JOB_SUCCEEDED));
	CU_ASSERT_TRUE(msg_state_terminal(JOB_FAILED));
	CU_ASSERT_TRUE(msg_state_terminal(JOB_CANCELLED));
}

static void
test_voxels(void)
{
	uint32_t one[3] = { 1, 1, 1 };
	uint32_t vol[3] = { 64, 256, 512 };
	uint32_t max[3] = { 4096, 4096, 4096 };

	CU_ASSERT_EQUAL(msg_shape_voxels(one), 1);
	CU_ASSERT_EQUAL(msg_shape_voxels(vol), 8388608);
	/* Would wrap in 32 bits. */
	CU_ASSERT_EQUAL(msg_shape_voxels(max), 68719476736ULL);
}

static void
test_roundtrip_status(void)
{
	struct msg	 m;

	fill_status(&m);
	roundtrip(&m);

	/* The extremes. */
	m.seq = 9007199254740991LL;
	m.ts_us = 9007199254740991LL;
	m.state = JOB_CANCELLED;
	m.progress = 100;
	m.shape[0] = m.shape[1] = m.shape[2] = 4096;
	strcpy(m.epoch, "!!\"#$%&'()*+,-./0123456789:;<=>?"
	    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]~");
	CU_ASSERT_EQUAL(strlen(m.epoch), MSG_EPOCH_MAX - 1);
	m.resumed = 1;
	roundtrip(&m);

	m.seq = m.ts_us = 0;
	m.progress = 0;
	m.shape[0] = m.shape[1] = m.shape[2] = 1;
	strcpy(m.epoch, "e");
	roundtrip(&m);
}

static void
test_roundtrip_progress(void)
{
	struct msg	 m;

	fill_progress(&m);
	roundtrip(&m);
	m.eta_s = 0;
	roundtrip(&m);
	m.eta_s = 1e300;
	roundtrip(&m);
	m.eta_s = 0.1;
	m.state = JOB_FAILED;
	roundtrip(&m);

	m.has_eta = 0;
	m.eta_s = 0;
	roundtrip(&m);
}

static void
test_roundtrip_preview(void)
{
	struct msg	 m;

	/* 1, 2 and 3 bytes cover both paddings and none. */
	fill_preview(&m, 1, 1, 1);
	roundtrip(&m);
	msg_clear(&m);
	fill_preview(&m, 1, 1, 2);
	roundtrip(&m);
	msg_clear(&m);
	fill_preview(&m, 1, 1, 3);
	roundtrip(&m);
	msg_clear(&m);

	fill_preview(&m, 16, 64, 64);
	roundtrip(&m);
	m.skipped = 1;
	roundtrip(&m);
	m.skipped = 9007199254740991LL;
	roundtrip(&m);
	msg_clear(&m);

	/* The largest payload allowed. */
	fill_preview(&m, 1, 1024, 4096);
	m.scale = 4096;
	roundtrip(&m);
	msg_clear(&m);
}

/* A preview's payload as its encoding writes it, base64 text. */
static struct json_object *
reference_payload(const struct msg *m)
{
	struct json_object *v;
	const char *errstr;
	const uint8_t *src = m->payload;
	uint8_t *z = NULL;
	size_t srclen = m->payload_len, n;
	char *text;

	if (m->encoding == MSG_ENC_DEFLATE) {
		z = malloc(zpay_bound(m->payload_len));
		CU_ASSERT_PTR_NOT_NULL_FATAL(z);
		CU_ASSERT_FATAL(zpay_compress(z, zpay_bound(m->payload_len),
		    m->payload, m->payload_len, &srclen, &errstr) == 0);
		src = z;
	}
	text = malloc(b64_encoded_len(srclen) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	n = b64_encode(text, src, srclen);
	v = json_object_new_string_len(text, (int)n);
	free(text);
	free(z);
	return v;
}

/*
 * What json-c writes for a message: msg_encode() itself for every type
 * but the preview, which msg.c writes without json-c; for a preview the
 * same object built here, in the protocol's field order.
 */
static char *
reference_text(const struct msg *m, size_t *len)
{
	struct json_object *o, *shape;
	const char *errstr, *text;
	char *copy;
	int i;

	if (m->type != MSG_PREVIEW)
		return msg_encode(m, len, &errstr);
	o = json_object_new_object();
	shape = json_object_new_array();
	for (i = 0; i < 3; i++)
		json_object_array_add(shape, json_object_new_int64(m->shape[i]));
	json_object_object_add(o, "type", json_object_new_string("preview"));
	json_object_object_add(o, "job_id", json_object_new_string(m->job_id));
	json_object_object_add(o, "seq", json_object_new_int64(m->seq));
	json_object_object_add(o, "ts_us", json_object_new_int64(m->ts_us));
	json_object_object_add(o, "scale", json_object_new_int64(m->scale));
	json_object_object_add(o, "shape", shape);
	json_object_object_add(o, "dtype", json_object_new_string("uint8"));
	json_object_object_add(o, "encoding", json_object_new_string(
	    msg_encoding_name(m->encoding)));
	if (m->encoding == MSG_ENC_DEFLATE)
		json_object_object_add(o, "length",
		    json_object_new_int64((int64_t)m->payload_len));
	json_object_object_add(o, "payload", reference_payload(m));
	if (m->skipped > 0)
		json_object_object_add(o, "skipped",
		    json_object_new_int64(m->skipped));
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	copy = strdup(text);
	json_object_put(o);
	return copy;
}

/*
 * msg_encode_room() writes every message as json-c would, previews
 * without it, at head, with the room asked for around them; msg_encode()
 * writes the same.
 */
static void
expect_same_room(const struct msg *m, size_t head, size_t tail)
{
	const char	*errstr = NULL;
	char		*ref, *block, *plain;
	size_t		 reflen, len, plainlen;
	struct msg	 out;

	ref = reference_text(m, &reflen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
	block = msg_encode_room(m, head, tail, &len, &errstr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	/* ASan sees a block shorter than asked for here. */
	memset(block, 'h', head);
	memset(block + head + len + 1, 't', tail);
	CU_ASSERT_EQUAL(len, reflen);
	CU_ASSERT(len == reflen && memcmp(block + head, ref, len + 1) == 0);
	plain = msg_encode(m, &plainlen, &errstr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	CU_ASSERT(plainlen == len && memcmp(plain, block + head, len + 1) == 0);
	CU_ASSERT_EQUAL(msg_decode(block + head, len, &out, &errstr), 0);
	CU_ASSERT(msg_equal(m, &out));
	msg_clear(&out);
	free(plain);
	free(block);
	free(ref);
}

static void
test_encode_room(void)
{
	static const uint32_t shapes[][3] = {
		{ 1, 1, 1 }, { 1, 1, 2 }, { 1, 1, 3 }, { 16, 16, 16 },
		{ 3, 5, 7 }, { 4096, 1, 1024 }
	};
	struct msg	 m;
	const char	*errstr;
	size_t		 i, len;
	int		 e;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		for (e = 0; e < MSG_NENC; e++) {
			fill_preview(&m, shapes[i][0], shapes[i][1],
			    shapes[i][2]);
			m.encoding = e;
			m.scale = 4096;
			m.seq = 9007199254740991LL;
			expect_same_room(&m, 0, 0);
			m.skipped = (int64_t)i * 1000 + 1;
			expect_same_room(&m, 100, 2);
			msg_clear(&m);
		}
	}
	fill_status(&m);
	expect_same_room(&m, 16, 1);
	fill_progress(&m);
	expect_same_room(&m, 0, 0);

	/* What msg_encode() refuses, refused alike. */
	fill_preview(&m, 1, 2, 2);
	m.payload_len = 3;
	errstr = NULL;
	CU_ASSERT_PTR_NULL(msg_encode_room(&m, 8, 8, &len, &errstr));
	CU_ASSERT(errstr != NULL && strstr(errstr, "payload length") != NULL);
	m.payload_len = 4;
	strcpy(m.job_id, "not an id");
	CU_ASSERT_PTR_NULL(msg_encode_room(&m, 8, 8, &len, &errstr));
	CU_ASSERT(errstr != NULL && strstr(errstr, "job_id") != NULL);
	msg_clear(&m);
}

static void
test_roundtrip_deflate(void)
{
	struct msg	 m;
	size_t		 i;

	fill_preview(&m, 1, 1, 1);
	m.encoding = MSG_ENC_DEFLATE;
	roundtrip(&m);
	msg_clear(&m);

	/* Incompressible bytes, then a mask, the largest allowed. */
	fill_preview(&m, 16, 64, 64);
	m.encoding = MSG_ENC_DEFLATE;
	m.skipped = 4;
	roundtrip(&m);
	msg_clear(&m);
	fill_preview(&m, 1, 1024, 4096);
	m.encoding = MSG_ENC_DEFLATE;
	for (i = 0; i < m.payload_len; i++)
		m.payload[i] = (i / 4096) % 7 == 0 && i % 4096 > 100;
	roundtrip(&m);
	msg_clear(&m);
}

static void
test_roundtrip_completed(void)
{
	struct msg	 m;

	fill_head(&m, MSG_COMPLETED);
	m.state = JOB_SUCCEEDED;
	roundtrip(&m);
	m.state = JOB_CANCELLED;
	roundtrip(&m);
}

static void
test_roundtrip_error(void)
{
	struct msg	 m;

	fill_error(&m);
	roundtrip(&m);

	/* Non-ASCII text, a control character, and the longest allowed. */
	strcpy(m.message, "\xc3\xa9" "chec \xe2\x82\xac \xf0\x9f\x98\x80 \x01");
	roundtrip(&m);
	memset(m.code, 'c', MSG_CODE_MAX - 1);
	memset(m.message, 'm', MSG_TEXT_MAX - 1);
	roundtrip(&m);
	m.message[0] = '\0';
	roundtrip(&m);
}

/* The exact text, for the field order and the compact form. */
static void
test_encode_text(void)
{
	struct msg	 m;
	const char	*errstr = NULL;
	char		*text, *want;
	size_t		 len;

	fill_status(&m);
	m.seq = 12;
	m.ts_us = 1764102000000000;
	text = msg_encode(&m, &len, &errstr);
	want = dq("{'type':'status','job_id':'" JOB "','seq':12,"
	    "'ts_us':1764102000000000,'state':'running','progress':20,"
	    "'shape':[64,256,256],'epoch':'5f1c2a9e','resumed':false}");
	CU_ASSERT_PTR_NOT_NULL(text);
	if (text != NULL)
		CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	free(want);

	/* Bytes ff ff ff are "////": '/' must not be escaped. */
	fill_preview(&m, 1, 1, 3);
	memset(m.payload, 0xff, 3);
	m.skipped = 2;
	text = msg_encode(&m, &len, &errstr);
	want = dq("{'type':'preview','job_id':'" JOB "','seq':41,"
	    "'ts_us':1764102000123456,'scale':4,'shape':[1,1,3],"
	    "'dtype':'uint8','encoding':'base64','payload':'////',"
	    "'skipped':2}");
	CU_ASSERT_PTR_NOT_NULL(text);
	if (text != NULL)
		CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	free(want);
	msg_clear(&m);

	/* deflate+base64 announces the raw length before the payload. */
	fill_preview(&m, 1, 1, 3);
	m.encoding = MSG_ENC_DEFLATE;
	text = msg_encode(&m, &len, &errstr);
	want = dq("{'type':'preview','job_id':'" JOB "','seq':41,"
	    "'ts_us':1764102000123456,'scale':4,'shape':[1,1,3],"
	    "'dtype':'uint8','encoding':'deflate+base64','length':3,"
	    "'payload':'");
	CU_ASSERT(text != NULL && strncmp(text, want, strlen(want)) == 0);
	free(text);
	free(want);
	msg_clear(&m);

	/* No skipped when 0, no eta_s when unknown. */
	fill_preview(&m, 1, 1, 1);
	text = msg_encode(&m, &len, &errstr);
	CU_ASSERT(text != NULL && strstr(text, "skipped") == NULL);
	free(text);
	msg_clear(&m);
	fill_progress(&m);
	m.has_eta = 0;
	text = msg_encode(&m, &len, &errstr);
	CU_ASSERT(text != NULL && strstr(text, "eta_s") == NULL);
	free(text);
}

static void
test_decode_status(void)
{
	struct msg	 m;

	/* Spaces, another field order, unknown fields, a final newline. */
	decode_ok(" {\"type\" : \"status\", \"resumed\": true,\n"
	    " \"shape\": [64, 256, 512], 'extra': {'a': [1, 2, {}]},"
	    " 'epoch': 'run-5f1c', 'progress': 20, 'state': 'succeeded',"
	    " 'ts_us': 1764102000000000, 'seq': 12, 'job_id': '" JOB "'}\n",
	    &m);
	CU_ASSERT_EQUAL(m.type, MSG_STATUS);
	CU_ASSERT_STRING_EQUAL(m.job_id, JOB);
	CU_ASSERT_EQUAL(m.seq, 12);
	CU_ASSERT_EQUAL(m.ts_us, 1764102000000000);
	CU_ASSERT_EQUAL(m.state, JOB_SUCCEEDED);
	CU_ASSERT_EQUAL(m.progress, 20);
	CU_ASSERT_EQUAL(m.shape[0], 64);
	CU_ASSERT_EQUAL(m.shape[1], 256);
	CU_ASSERT_EQUAL(m.shape[2], 512);
	CU_ASSERT_STRING_EQUAL(m.epoch, "run-5f1c");
	CU_ASSERT_EQUAL(m.resumed, 1);
	CU_ASSERT_PTR_NULL(m.payload);
	msg_clear(&m);
}

static void
test_decode_progress(void)
{
	struct msg	 m;

	decode_ok(PROGRESS "'progress':0,'state':'running'}", &m);
	CU_ASSERT_EQUAL(m.type, MSG_PROGRESS);
	CU_ASSERT_EQUAL(m.seq, 7);
	CU_ASSERT_EQUAL(m.progress, 0);
	CU_ASSERT_EQUAL(m.state, JOB_RUNNING);
	CU_ASSERT_EQUAL(m.has_eta, 0);
	msg_clear(&m);

	/* An integer eta_s is a number too. */
	decode_ok(PROGRESS "'progress':100,'state':'failed','eta_s':5}", &m);
	CU_ASSERT_EQUAL(m.progress, 100);
	CU_ASSERT_EQUAL(m.state, JOB_FAILED);
	CU_ASSERT_EQUAL(m.has_eta, 1);
	CU_ASSERT_DOUBLE_EQUAL(m.eta_s, 5.0, 0.0);
	msg_clear(&m);

	decode_ok(PROGRESS "'progress':50,'state':'running','eta_s':2.5e1}",
	    &m);
	CU_ASSERT_EQUAL(m.has_eta, 1);
	CU_ASSERT_DOUBLE_EQUAL(m.eta_s, 25.0, 0.0);
	msg_clear(&m);
}

static void
test_decode_preview(void)
{
	struct msg	 m;

	decode_ok(PREVIEW PV_HEAD ",'payload':'AAEAAQ=='}", &m);
	CU_ASSERT_EQUAL(m.type, MSG_PREVIEW);
	CU_ASSERT_EQUAL(m.scale, 2);
	CU_ASSERT_EQUAL(m.shape[0], 1);
	CU_ASSERT_EQUAL(m.shape[1], 2);
	CU_ASSERT_EQUAL(m.shape[2], 2);
	CU_ASSERT_EQUAL(m.encoding, MSG_ENC_BASE64);
	CU_ASSERT_EQUAL(m.skipped, 0);
	CU_ASSERT_EQUAL(m.payload_len, 4);
	CU_ASSERT(m.payload != NULL &&
	    memcmp(m.payload, "\x00\x01\x00\x01", 4) == 0);
	msg_clear(&m);

	decode_ok(PREVIEW PV_HEAD ",'payload':'AAEAAQ==','skipped':3}", &m);
	CU_ASSERT_EQUAL(m.skipped, 3);
	msg_clear(&m);

	/* "skipped":0 is tolerated and means absent. */
	decode_ok(PREVIEW PV_HEAD ",'payload':'AAEAAQ==','skipped':0}", &m);
	CU_ASSERT_EQUAL(m.skipped, 0);
	msg_clear(&m);

	decode_ok(PREVIEW "'scale':1,'shape':[1,1,1],'dtype':'uint8',"
	    "'encoding':'base64','payload':'AQ=='}", &m);
	CU_ASSERT_EQUAL(m.payload_len, 1);
	CU_ASSERT(m.payload != NULL && m.payload[0] == 1);
	msg_clear(&m);
}

static void
test_decode_deflate(void)
{
	struct msg	 m;

	decode_ok(PREVIEW PZ_HEAD ",'length':4,'payload':" Z4 "}", &m);
	CU_ASSERT_EQUAL(m.encoding, MSG_ENC_DEFLATE);
	CU_ASSERT_EQUAL(m.payload_len, 4);
	CU_ASSERT(m.payload != NULL &&
	    memcmp(m.payload, "\x00\x01\x00\x01", 4) == 0);
	msg_clear(&m);

	/* A length that agrees with the shape is allowed with base64 too. */
	decode_ok(PREVIEW PV_HEAD ",'length':4,'payload':'AAEAAQ=='}", &m);
	CU_ASSERT_EQUAL(m.encoding, MSG_ENC_BASE64);
	CU_ASSERT_EQUAL(m.payload_len, 4);
	msg_clear(&m);
}

/*
 * A small stream of 64 KiB of zeros sent for a 16x16x16 preview: it
 * fits the size limit of the payload, and inflating stops at 4096.
 */
static void
test_decode_deflate_bomb(void)
{
	static uint8_t zeros[64 * 1024], z[1024];
	const char *errstr;
	char b64[2048], json[4096], *text;
	size_t zlen;

	CU_ASSERT_EQUAL_FATAL(zpay_compress(z, sizeof(z), zeros,
	    sizeof(zeros), &zlen, &errstr), 0);
	CU_ASSERT_FATAL(b64_encoded_len(zlen) < sizeof(b64));
	b64_encode(b64, z, zlen);
	snprintf(json, sizeof(json), PREVIEW "'scale':1,'shape':[16,16,16],"
	    "'dtype':'uint8','encoding':'deflate+base64','length':4096,"
	    "'payload':'%s'}", b64);
	text = dq(json);
	expect_bad(text, "zlib stream: inflates to more than");
	free(text);
}

static void
test_decode_completed_error(void)
{
	struct msg	 m;

	decode_ok(COMPLETED "'state':'cancelled'}", &m);
	CU_ASSERT_EQUAL(m.type, MSG_COMPLETED);
	CU_ASSERT_EQUAL(m.state, JOB_CANCELLED);
	msg_clear(&m);

	decode_ok(COMPLETED "'state':'succeeded'}", &m);
	CU_ASSERT_EQUAL(m.state, JOB_SUCCEEDED);
	msg_clear(&m);

	decode_ok(ERRMSG "'code':'oom','message':'out of memory \\u00e9'}",
	    &m);
	CU_ASSERT_EQUAL(m.type, MSG_ERROR);
	CU_ASSERT_EQUAL(m.state, JOB_FAILED);
	CU_ASSERT_STRING_EQUAL(m.code, "oom");
	CU_ASSERT_STRING_EQUAL(m.message, "out of memory \xc3\xa9");
	msg_clear(&m);

	decode_ok(ERRMSG "'code':'x','message':''}", &m);
	CU_ASSERT_STRING_EQUAL(m.message, "");
	msg_clear(&m);
}

/* Only len bytes are read: what follows them does not matter. */
static void
test_decode_len(void)
{
	struct msg	 m;
	const char	*errstr = NULL;
	char		*text;
	size_t		 len;

	text = dq(COMPLETED "'state':'succeeded'}garbage");
	len = strlen(text) - strlen("garbage");
	CU_ASSERT_EQUAL(msg_decode(text, len, &m, &errstr), 0);
	msg_clear(&m);
	expect_bad_len(text, len - 1, "message: not valid JSON");
	/* A NUL inside the message is data, not its end. */
	text[len] = '\0';
	expect_bad_len(text, len + 1, "message: trailing data");
	free(text);

	/* Refused before the first byte is read. */
	expect_bad_len("{}", (size_t)1 << 31, "message: too long");
}

static void
test_decode_bad_table(void)
{
	size_t	 i;
	char	*text;

	CU_ASSERT(sizeof(bad_inputs) / sizeof(bad_inputs[0]) >= 35);
	for (i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		text = dq(bad_inputs[i].json);
		expect_bad(text, bad_inputs[i].want);
		free(text);
	}
}

/* Nesting is refused at a fixed depth instead of recursing on. */
static void
test_decode_deep(void)
{
	struct msg	 m;
	char		*text;
	size_t		 i, n = 1000;

	if ((text = malloc(n * 5 + 1)) == NULL)
		abort();
	memset(text, '[', n);
	text[n] = '\0';
	expect_bad(text, "message: not valid JSON (nested too deeply)");
	for (i = 0; i < n; i++)
		memcpy(text + i * 5, "{\"a\":", 5);
	text[n * 5] = '\0';
	expect_bad(text, "message: not valid JSON (nested too deeply)");
	free(text);

	/* Some nesting in an ignored field is fine. */
	decode_ok(COMPLETED "'state':'cancelled','x':[[[{'y':1}]]]}", &m);
	CU_ASSERT_EQUAL(m.state, JOB_CANCELLED);
	msg_clear(&m);
}

/* The longest error message passes, one byte more does not. */
static void
test_decode_long_text(void)
{
	struct msg	 m;
	const char	*errstr = NULL;
	char		*head, *text, *end;
	size_t		 hlen;

	head = dq(ERRMSG "'code':'c','message':'");
	hlen = strlen(head);
	if ((text = malloc(hlen + MSG_TEXT_MAX + 3)) == NULL)
		abort();
	memcpy(text, head, hlen);
	memset(text + hlen, 'm', MSG_TEXT_MAX);
	end = text + hlen + MSG_TEXT_MAX;
	strcpy(end, "\"}");
	expect_bad(text, "error: \"message\" must be at most 511");

	strcpy(end - 1, "\"}");
	CU_ASSERT_EQUAL(msg_decode(text, strlen(text), &m, &errstr), 0);
	CU_ASSERT_EQUAL(strlen(m.message), MSG_TEXT_MAX - 1);
	msg_clear(&m);
	free(text);
	free(head);
}

static void
test_encode_invalid_head(void)
{
	struct msg	 m;

	fill_status(&m);
	m.job_id[0] = 'A';
	expect_encode_fail(&m, "message: \"job_id\" must be");
	fill_status(&m);
	m.job_id[5] = '\0';
	expect_encode_fail(&m, "message: \"job_id\" must be");
	fill_status(&m);
	memset(m.job_id, 'a', sizeof(m.job_id));
	expect_encode_fail(&m, "message: \"job_id\" must be");
	fill_status(&m);
	m.seq = -1;
	expect_encode_fail(&m, "message: \"seq\" must be");
	fill_status(&m);
	m.ts_us = 9007199254740992LL;
	expect_encode_fail(&m, "message: \"ts_us\" must be");
	fill_status(&m);
	m.type = (enum msg_type)5;
	expect_encode_fail(&m, "message: unknown \"type\"");
}

static void
test_encode_invalid_status(void)
{
	struct msg	 m;

	fill_status(&m);
	m.state = (enum job_state)4;
	expect_encode_fail(&m, "status: \"state\" must be");
	fill_status(&m);
	m.progress = 101;
	expect_encode_fail(&m, "status: \"progress\" must be");
	fill_status(&m);
	m.shape[1] = 0;
	expect_encode_fail(&m, "status: \"shape\" must be");
	fill_status(&m);
	m.shape[2] = 4097;
	expect_encode_fail(&m, "status: \"shape\" must be");
	fill_status(&m);
	m.epoch[0] = '\0';
	expect_encode_fail(&m, "status: \"epoch\" must be");
	fill_status(&m);
	m.epoch[1] = '\x7f';
	expect_encode_fail(&m, "status: \"epoch\" must be");
	fill_status(&m);
	memset(m.epoch, 'e', sizeof(m.epoch));
	expect_encode_fail(&m, "status: \"epoch\" must be");
}

static void
test_encode_invalid_progress(void)
{
	struct msg	 m;

	fill_progress(&m);
	m.progress = -1;
	expect_encode_fail(&m, "progress: \"progress\" must be");
	fill_progress(&m);
	m.eta_s = -1;
	expect_encode_fail(&m, "progress: \"eta_s\" must be");
	m.eta_s = NAN;
	expect_encode_fail(&m, "progress: \"eta_s\" must be");
	m.eta_s = INFINITY;
	expect_encode_fail(&m, "progress: \"eta_s\" must be");
	/* Unless it is not there. */
	m.has_eta = 0;
	m.eta_s = 0;
	roundtrip(&m);
}

static void
test_encode_invalid_preview(void)
{
	struct msg	 m;

	fill_preview(&m, 1, 2, 2);
	m.payload_len = 3;
	expect_encode_fail(&m, "preview: payload length does not match shape");
	m.payload_len = 5;
	expect_encode_fail(&m, "preview: payload length does not match shape");
	msg_clear(&m);
	fill_preview(&m, 1, 2, 2);
	free(m.payload);
	m.payload = NULL;
	expect_encode_fail(&m, "preview: payload length does not match shape");
	fill_preview(&m, 1, 2, 2);
	m.scale = 0;
	expect_encode_fail(&m, "preview: \"scale\" must be");
	m.scale = 1;
	m.encoding = (enum msg_encoding)MSG_NENC;
	expect_encode_fail(&m, "preview: \"encoding\" must be");
	m.encoding = MSG_ENC_BASE64;
	m.skipped = -1;
	expect_encode_fail(&m, "preview: \"skipped\" must be");
	msg_clear(&m);
	fill_preview(&m, 1, 1025, 4096);
	expect_encode_fail(&m, "preview: \"shape\" has more than");
	msg_clear(&m);
}

static void
test_encode_invalid_end(void)
{
	struct msg	 m;

	fill_head(&m, MSG_COMPLETED);
	m.state = JOB_RUNNING;
	expect_encode_fail(&m, "completed: \"state\" must be");
	m.state = JOB_FAILED;
	expect_encode_fail(&m, "completed: \"state\" must be");

	fill_error(&m);
	m.code[0] = '\0';
	expect_encode_fail(&m, "error: \"code\" must be");
	fill_error(&m);
	memset(m.code, 'c', sizeof(m.code));
	expect_encode_fail(&m, "error: \"code\" must be");
	fill_error(&m);
	strcpy(m.message, "bad \xff byte");
	expect_encode_fail(&m, "error: \"message\" must be");
	fill_error(&m);
	memset(m.message, 'm', sizeof(m.message));
	expect_encode_fail(&m, "error: \"message\" must be");
}

static CU_TestInfo cases[] = {
	{ "type and state names", test_names },
	{ "shape voxels", test_voxels },
	{ "round trip status", test_roundtrip_status },
	{ "round trip progress", test_roundtrip_progress },
	{ "round trip preview", test_roundtrip_preview },
	{ "round trip deflate+base64 preview", test_roundtrip_deflate },
	{ "round trip completed", test_roundtrip_completed },
	{ "round trip error", test_roundtrip_error },
	{ "encoded text", test_encode_text },
	{ "previews written without json-c", test_encode_room },
	{ "decode status", test_decode_status },
	{ "decode progress", test_decode_progress },
	{ "decode preview", test_decode_preview },
	{ "decode deflate+base64", test_decode_deflate },
	{ "decode stops a zlib bomb", test_decode_deflate_bomb },
	{ "decode completed and error", test_decode_completed_error },
	{ "decode reads len bytes", test_decode_len },
	{ "decode refuses bad input", test_decode_bad_table },
	{ "decode refuses deep nesting", test_decode_deep },
	{ "decode text limits", test_decode_long_text },
	{ "encode refuses a bad head", test_encode_invalid_head },
	{ "encode refuses a bad status", test_encode_invalid_status },
	{ "encode refuses a bad progress", test_encode_invalid_progress },
	{ "encode refuses a bad preview", test_encode_invalid_preview },
	{ "encode refuses a bad end", test_encode_invalid_end },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("msg", cases);
}
