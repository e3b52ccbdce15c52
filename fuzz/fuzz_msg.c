/*
 * fuzz_msg.c: msg_decode() on arbitrary bytes.  What it accepts must
 * encode, decode again to the same message and encode to the same text:
 * the encoder refuses only what the decoder would have refused.  The
 * writer without json-c (msg_encode_room) must give the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msg.h"

/* Aborts unless a and b carry the same fields for their type. */
static void
same(const struct msg *a, const struct msg *b)
{
	if (a->type != b->type || a->seq != b->seq || a->ts_us != b->ts_us ||
	    strcmp(a->job_id, b->job_id) != 0)
		abort();
	switch (a->type) {
	case MSG_STATUS:
		if (a->state != b->state || a->progress != b->progress ||
		    memcmp(a->shape, b->shape, sizeof(a->shape)) != 0 ||
		    strcmp(a->epoch, b->epoch) != 0 ||
		    a->resumed != b->resumed)
			abort();
		break;
	case MSG_PROGRESS:
		if (a->state != b->state || a->progress != b->progress ||
		    a->has_eta != b->has_eta ||
		    (a->has_eta && a->eta_s != b->eta_s))
			abort();
		break;
	case MSG_PREVIEW:
		if (a->scale != b->scale ||
		    memcmp(a->shape, b->shape, sizeof(a->shape)) != 0 ||
		    a->encoding != b->encoding || a->skipped != b->skipped ||
		    a->payload_len != msg_shape_voxels(a->shape) ||
		    a->payload_len != b->payload_len ||
		    memcmp(a->payload, b->payload, a->payload_len) != 0)
			abort();
		break;
	case MSG_COMPLETED:
		if (a->state != b->state)
			abort();
		break;
	case MSG_ERROR:
		if (a->state != b->state || strcmp(a->code, b->code) != 0 ||
		    strcmp(a->message, b->message) != 0)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m, m2;
	const char *errstr;
	char *text, *text2, *room;
	size_t len, len2;

	errstr = NULL;
	if (msg_decode((const char *)data, size, &m, &errstr) == -1) {
		/* Refused: a reason, and nothing left to free. */
		if (errstr == NULL || m.payload != NULL)
			abort();
		return 0;
	}
	if ((text = msg_encode(&m, &len, &errstr)) == NULL)
		abort();
	if (strlen(text) != len || memchr(text, '\n', len) != NULL)
		abort();
	if (msg_decode(text, len, &m2, &errstr) == -1)
		abort();
	room = msg_encode_room(&m, 3, 1, &len2, &errstr);
	if (room == NULL || len2 != len || memcmp(room + 3, text, len + 1) != 0)
		abort();
	free(room);
	same(&m, &m2);
	if ((text2 = msg_encode(&m2, &len2, &errstr)) == NULL)
		abort();
	if (len2 != len || memcmp(text, text2, len) != 0)
		abort();
	free(text2);
	free(text);
	msg_clear(&m2);
	msg_clear(&m);
	return 0;
}
