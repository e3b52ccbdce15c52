/*
 * ops.h: the control channel's operations: one request in, one reply.
 */
#ifndef MS_OPS_H
#define MS_OPS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "msg.h"

struct registry;
struct job;

/* What a request asks of its connection beyond the reply. */
struct ops_result {
	struct job	*subscribe;	/* become a subscriber of this job */
	int		 has_since;
	int64_t		 since;
	char		 epoch[MSG_EPOCH_MAX];
	enum msg_encoding encoding;	/* of the subscriber's previews */
};

/*
 * Handles one request line (len bytes, no newline) and returns the reply
 * object, {"ok":true,...} or {"ok":false,"error":{...}}; NULL only when
 * memory ran out.  The caller serializes and frees it.
 */
struct json_object *ops_handle(struct registry *reg, const char *line,
		    size_t len, struct ops_result *res);

/* {"ok":false,"error":{"code":code,"message":message}} */
struct json_object *ops_error(const char *code, const char *message);

#endif
