/*
 * fuzz_ctlproto.c: the control protocol's parsers, on one line: as a
 * request the streamer reads (ctlproto_request_parse) and as the reply
 * to each op a client reads (ctlproto_reply_read).  A request accepted
 * names a known op with the protocol's version; a reply read as a
 * success carries the op's value, a refusal its code and message.
 */
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "fuzz.h"
#include "jsontext.h"

static void
check_request(const uint8_t *data, size_t size)
{
	struct json_object *req, *v;
	enum ctlproto_err err = CTLPROTO_OK;
	enum ctlproto_op op;
	const char *why = NULL;

	req = ctlproto_request_parse((const char *)data, size, &op, &err,
	    &why);
	if (req == NULL) {
		if (err == CTLPROTO_OK || why == NULL ||
		    (!ctlproto_err_violation(err) && err != CTLPROTO_INTERNAL))
			abort();
		return;
	}
	if ((size_t)op >= CTLPROTO_NOPS ||
	    !json_object_object_get_ex(req, "op", &v) ||
	    strcmp(json_object_get_string(v), ctlproto_op_name(op)) != 0 ||
	    !json_object_object_get_ex(req, "version", &v) ||
	    json_object_get_int64(v) != CTLPROTO_VERSION)
		abort();
	json_object_put(req);
}

static void
check_reply(const uint8_t *data, size_t size)
{
	struct json_object *reply;
	struct ctlproto_reply r;
	enum jsontext_error jerr;
	const char *errstr;
	int op;

	reply = jsontext_parse((const char *)data, size, CTLPROTO_DEPTH,
	    &jerr);
	if (reply == NULL)
		return;
	for (op = 0; op < CTLPROTO_NOPS; op++) {
		if (ctlproto_reply_read(reply, (enum ctlproto_op)op, &r,
		    &errstr) == -1)
			continue;
		if (r.err == CTLPROTO_OK ? r.value == NULL :
		    r.code == NULL || r.message == NULL ||
		    ctlproto_err_parse(r.code) != r.err)
			abort();
	}
	json_object_put(reply);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_reply(data, size);
	return 0;
}
