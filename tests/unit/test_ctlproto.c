/*
 * test_ctlproto.c: the control protocol defined once (ctlproto.c): its
 * requests as the builders write them and the streamer's parser reads
 * them, replies as clients read them, the error table, and
 * docs/protocol.md against that table, so the two cannot drift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "unit.h"

#define ID	"0123456789abcdef0123456789abcdef"

/* Every error a streamer may answer, by its code. */
static const enum ctlproto_err all_errs[] = {
	CTLPROTO_BAD_REQUEST, CTLPROTO_UNSUPPORTED_VERSION,
	CTLPROTO_UNKNOWN_OP, CTLPROTO_LINE_TOO_LONG, CTLPROTO_INVALID_JOB,
	CTLPROTO_NOT_FOUND, CTLPROTO_FORBIDDEN, CTLPROTO_CONFLICT,
	CTLPROTO_TOO_MANY_JOBS, CTLPROTO_BAD_MESSAGE, CTLPROTO_JOURNAL_FAILED,
	CTLPROTO_INTERNAL, CTLPROTO_INVALID_PREVIEW, CTLPROTO_INVALID_FIELD,
	CTLPROTO_RATE_LIMITED, CTLPROTO_NO_PREVIEW
};
#define NERRS	(sizeof(all_errs) / sizeof(all_errs[0]))

/* The request as text, as it goes on the wire. */
static const char *
text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* A built request parses back as the op it was built for. */
static void
expect_op(struct json_object *req, enum ctlproto_op want)
{
	struct json_object *back;
	enum ctlproto_err err;
	enum ctlproto_op op;
	const char *why, *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	t = text(req);
	back = ctlproto_request_parse(t, strlen(t), &op, &err, &why);
	CU_ASSERT_PTR_NOT_NULL(back);
	CU_ASSERT_EQUAL(op, want);
	json_object_put(back);
	json_object_put(req);
}

static void
test_builders(void)
{
	struct ctlproto_subscription sub;
	struct json_object *r;

	r = ctlproto_get(ID, "tok");
	CU_ASSERT_STRING_EQUAL(text(r), "{\"version\":1,\"op\":\"get\","
	    "\"id\":\"" ID "\",\"token\":\"tok\"}");
	expect_op(r, CTLPROTO_GET);
	r = ctlproto_cancel(ID, NULL);
	CU_ASSERT_STRING_EQUAL(text(r), "{\"version\":1,\"op\":\"cancel\","
	    "\"id\":\"" ID "\"}");
	expect_op(r, CTLPROTO_CANCEL);
	r = ctlproto_list(0);
	CU_ASSERT_STRING_EQUAL(text(r), "{\"version\":1,\"op\":\"list\"}");
	expect_op(r, CTLPROTO_LIST);
	expect_op(ctlproto_list(7), CTLPROTO_LIST);
	expect_op(ctlproto_stats(), CTLPROTO_STATS);
	expect_op(ctlproto_create(json_tokener_parse("{\"shape\":[1,1,1]}")),
	    CTLPROTO_CREATE);
	expect_op(ctlproto_publish(ID, NULL,
	    json_tokener_parse("{\"type\":\"progress\"}")), CTLPROTO_PUBLISH);

	memset(&sub, 0, sizeof(sub));
	sub.id = ID;
	sub.encoding = "deflate";
	sub.epoch = "ignored without since";
	r = ctlproto_subscribe(&sub);
	CU_ASSERT_STRING_EQUAL(text(r), "{\"version\":1,\"op\":\"subscribe\","
	    "\"id\":\"" ID "\",\"encoding\":\"deflate\"}");
	expect_op(r, CTLPROTO_SUBSCRIBE);
	sub.has_since = 1;
	sub.since = 41;
	sub.epoch = "e1";
	sub.token = "t";
	r = ctlproto_subscribe(&sub);
	CU_ASSERT_STRING_EQUAL(text(r), "{\"version\":1,\"op\":\"subscribe\","
	    "\"id\":\"" ID "\",\"token\":\"t\",\"encoding\":\"deflate\","
	    "\"since\":41,\"epoch\":\"e1\"}");
	expect_op(r, CTLPROTO_SUBSCRIBE);
}

static void
test_stamp(void)
{
	struct json_object *o = json_tokener_parse("{\"op\":\"stats\"}");

	CU_ASSERT_EQUAL(ctlproto_stamp(o), 0);
	CU_ASSERT_STRING_EQUAL(text(o), "{\"op\":\"stats\",\"version\":1}");
	json_object_put(o);
	/* An operator's own version stays, to try what a streamer says. */
	o = json_tokener_parse("{\"version\":9,\"op\":\"stats\"}");
	CU_ASSERT_EQUAL(ctlproto_stamp(o), 0);
	CU_ASSERT_STRING_EQUAL(text(o), "{\"version\":9,\"op\":\"stats\"}");
	json_object_put(o);
	o = json_tokener_parse("[1]");
	CU_ASSERT_EQUAL(ctlproto_stamp(o), -1);
	json_object_put(o);
}

static void
expect_refused(const char *line, enum ctlproto_err want)
{
	struct json_object *req;
	enum ctlproto_err err = CTLPROTO_OK;
	enum ctlproto_op op;
	const char *why = NULL;

	req = ctlproto_request_parse(line, strlen(line), &op, &err, &why);
	CU_ASSERT_PTR_NULL(req);
	CU_ASSERT_EQUAL(err, want);
	CU_ASSERT_PTR_NOT_NULL(why);
	if (err != want)
		fprintf(stderr, "%s: %s (%s)\n", line, ctlproto_err_code(err),
		    why);
	json_object_put(req);
}

static void
test_request_parse(void)
{
	expect_refused("", CTLPROTO_BAD_REQUEST);
	expect_refused("[1]", CTLPROTO_BAD_REQUEST);
	expect_refused("{\"version\":1,\"op\":\"stats\"} x",
	    CTLPROTO_BAD_REQUEST);
	expect_refused("{'version':1,'op':'stats'}", CTLPROTO_BAD_REQUEST);
	expect_refused("{\"version\":1,\"op\":\"stats\",\"x\":'y'}",
	    CTLPROTO_BAD_REQUEST);
	expect_refused("{\"op\":\"stats\"}", CTLPROTO_UNSUPPORTED_VERSION);
	expect_refused("{\"version\":2,\"op\":\"stats\"}",
	    CTLPROTO_UNSUPPORTED_VERSION);
	expect_refused("{\"version\":\"1\",\"op\":\"stats\"}",
	    CTLPROTO_UNSUPPORTED_VERSION);
	expect_refused("{\"version\":1}", CTLPROTO_BAD_REQUEST);
	expect_refused("{\"version\":1,\"op\":3}", CTLPROTO_BAD_REQUEST);
	expect_refused("{\"version\":1,\"op\":\"fly\"}", CTLPROTO_UNKNOWN_OP);
	expect_refused("{\"version\":1,\"op\":\"stats\\u0000\"}",
	    CTLPROTO_BAD_REQUEST);
}

/* A reply as text, read as the reply to op. */
static int
read_reply(const char *line, enum ctlproto_op op, struct ctlproto_reply *r,
    struct json_object **o)
{
	const char *errstr;

	*o = json_tokener_parse(line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*o);
	return ctlproto_reply_read(*o, op, r, &errstr);
}

static void
test_reply_read(void)
{
	struct ctlproto_reply r;
	struct json_object *o;

	CU_ASSERT_EQUAL(read_reply("{\"ok\":true,\"seq\":5}", CTLPROTO_PUBLISH,
	    &r, &o), 0);
	CU_ASSERT_EQUAL(r.err, CTLPROTO_OK);
	CU_ASSERT_EQUAL(json_object_get_int64(r.value), 5);
	json_object_put(o);
	/* The op's own key, not another's. */
	CU_ASSERT_EQUAL(read_reply("{\"ok\":true,\"seq\":5}", CTLPROTO_GET, &r,
	    &o), -1);
	json_object_put(o);
	CU_ASSERT_EQUAL(read_reply("{\"ok\":false,\"error\":{\"code\":"
	    "\"conflict\",\"message\":\"over\"}}", CTLPROTO_CANCEL, &r, &o), 0);
	CU_ASSERT_EQUAL(r.err, CTLPROTO_CONFLICT);
	CU_ASSERT_STRING_EQUAL(r.code, "conflict");
	CU_ASSERT_STRING_EQUAL(r.message, "over");
	json_object_put(o);
	/* A code from a newer streamer is kept as it was spelled. */
	CU_ASSERT_EQUAL(read_reply("{\"ok\":false,\"error\":{\"code\":"
	    "\"later\",\"message\":\"m\"}}", CTLPROTO_GET, &r, &o), 0);
	CU_ASSERT_EQUAL(r.err, CTLPROTO_UNKNOWN_ERR);
	CU_ASSERT_STRING_EQUAL(r.code, "later");
	CU_ASSERT_EQUAL(ctlproto_err_status(r.err), 502);
	json_object_put(o);
	CU_ASSERT_EQUAL(read_reply("{\"ok\":false,\"error\":\"flat\"}",
	    CTLPROTO_GET, &r, &o), -1);
	json_object_put(o);
	CU_ASSERT_EQUAL(read_reply("{\"ok\":1,\"job\":{}}", CTLPROTO_GET, &r,
	    &o), -1);
	json_object_put(o);
	CU_ASSERT_EQUAL(read_reply("[true]", CTLPROTO_GET, &r, &o), -1);
	json_object_put(o);
}

/* The streamer's replies are what clients read back. */
static void
test_replies_round_trip(void)
{
	struct json_object *o, *back;
	struct ctlproto_reply r;
	const char *errstr;
	size_t i;
	int op;

	for (op = 0; op < CTLPROTO_NOPS; op++) {
		o = ctlproto_ok((enum ctlproto_op)op, json_object_new_int(op));
		back = json_tokener_parse(text(o));
		CU_ASSERT_EQUAL(ctlproto_reply_read(back, (enum ctlproto_op)op,
		    &r, &errstr), 0);
		CU_ASSERT_EQUAL(r.err, CTLPROTO_OK);
		CU_ASSERT_EQUAL(json_object_get_int(r.value), op);
		json_object_put(back);
		json_object_put(o);
	}
	for (i = 0; i < NERRS; i++) {
		o = ctlproto_error(all_errs[i], "why");
		back = json_tokener_parse(text(o));
		CU_ASSERT_EQUAL(ctlproto_reply_read(back, CTLPROTO_GET, &r,
		    &errstr), 0);
		CU_ASSERT_EQUAL(r.err, all_errs[i]);
		CU_ASSERT_STRING_EQUAL(r.message, "why");
		CU_ASSERT_EQUAL(ctlproto_err_parse(ctlproto_err_code(
		    all_errs[i])), all_errs[i]);
		json_object_put(back);
		json_object_put(o);
	}
}

static void
test_err_table(void)
{
	CU_ASSERT(ctlproto_err_violation(CTLPROTO_BAD_REQUEST));
	CU_ASSERT(ctlproto_err_violation(CTLPROTO_UNSUPPORTED_VERSION));
	CU_ASSERT(ctlproto_err_violation(CTLPROTO_UNKNOWN_OP));
	CU_ASSERT_FALSE(ctlproto_err_violation(CTLPROTO_NOT_FOUND));
	CU_ASSERT_FALSE(ctlproto_err_violation(CTLPROTO_FORBIDDEN));
	CU_ASSERT_FALSE(ctlproto_err_violation(CTLPROTO_OK));
	CU_ASSERT_EQUAL(ctlproto_err_status(CTLPROTO_FORBIDDEN), 403);
	CU_ASSERT_EQUAL(ctlproto_err_status(CTLPROTO_TOO_MANY_JOBS), 503);
	CU_ASSERT_EQUAL(ctlproto_err_parse("ok"), CTLPROTO_UNKNOWN_ERR);
	CU_ASSERT_STRING_EQUAL(ctlproto_op_name(CTLPROTO_SUBSCRIBE),
	    "subscribe");
	CU_ASSERT_STRING_EQUAL(ctlproto_reply_key(CTLPROTO_LIST), "jobs");
}

/* docs/protocol.md, read whole. */
static char *
read_doc(void)
{
	char *buf;
	FILE *f;
	long n = 0;

	f = fopen(SRCDIR "/docs/protocol.md", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_FATAL(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	CU_ASSERT_FATAL(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_FATAL(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Whether a row of the REST table starts "| status |" and names code. */
static int
rest_row(const char *rest, int status, const char *code)
{
	char start[16], quoted[64];
	const char *line, *end;

	snprintf(start, sizeof(start), "| %d |", status);
	snprintf(quoted, sizeof(quoted), "`%s`", code);
	for (line = rest; *line != '\0'; line = end + (*end != '\0')) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, start, strlen(start)) == 0 &&
		    memmem(line, (size_t)(end - line), quoted,
		    strlen(quoted)) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Every error code is listed by the control channel's section, and the
 * REST table answers it with the status the table here gives.
 */
static void
test_doc_agrees(void)
{
	char *doc = read_doc(), *ctl, *rest, *codes, quoted[64];
	const char *code;
	size_t i;
	int status;

	ctl = strstr(doc, "## Control channel");
	rest = strstr(doc, "## REST API");
	CU_ASSERT_FATAL(ctl != NULL && rest != NULL && ctl < rest);
	codes = strstr(ctl, "Error codes:");
	CU_ASSERT_FATAL(codes != NULL && codes < rest);
	for (i = 0; i < NERRS; i++) {
		code = ctlproto_err_code(all_errs[i]);
		status = ctlproto_err_status(all_errs[i]);
		snprintf(quoted, sizeof(quoted), "`%s`", code);
		CU_ASSERT(memmem(codes, (size_t)(rest - codes), quoted,
		    strlen(quoted)) != NULL);
		CU_ASSERT(rest_row(rest, status, code));
		if (!rest_row(rest, status, code))
			fprintf(stderr, "docs/protocol.md: no REST row "
			    "\"| %d | ... `%s`\"\n", status, code);
	}
	free(doc);
}

static CU_TestInfo cases[] = {
	{ "requests as built, parsed back", test_builders },
	{ "an operator's request gets a version", test_stamp },
	{ "requests refused, with the right code", test_request_parse },
	{ "replies as clients read them", test_reply_read },
	{ "the streamer's replies round-trip", test_replies_round_trip },
	{ "the error table", test_err_table },
	{ "docs/protocol.md agrees with the table", test_doc_agrees },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("ctlproto", cases);
}
