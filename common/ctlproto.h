/*
 * ctlproto.h: the control channel's protocol (docs/protocol.md, "Control
 * channel"), defined once for every peer: the version, the operations
 * and the key each one's reply carries, the error codes with the HTTP
 * status the REST API answers them with, builders for each request, and
 * the parsers of requests (the streamer's side) and replies (the
 * clients': fcgi-api, maskstreamctl, the viewer).  Nobody else spells an
 * op name, a version or an error code.
 */
#ifndef MS_CTLPROTO_H
#define MS_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define CTLPROTO_VERSION	1
#define CTLPROTO_DEPTH		16	/* JSON nesting of a request */
#define CTLPROTO_LIST_DEFAULT	100
#define CTLPROTO_LIST_MAX	1000

enum ctlproto_op {
	CTLPROTO_CREATE,
	CTLPROTO_GET,
	CTLPROTO_LIST,
	CTLPROTO_CANCEL,
	CTLPROTO_SUBSCRIBE,
	CTLPROTO_PUBLISH,
	CTLPROTO_STATS,
	CTLPROTO_PUT_PREVIEW,
	CTLPROTO_PUT_PROGRESS,
	CTLPROTO_COMPLETE,
	CTLPROTO_GET_PREVIEW
};
#define CTLPROTO_NOPS	11

enum ctlproto_err {
	CTLPROTO_OK,			/* no error */
	CTLPROTO_BAD_REQUEST,
	CTLPROTO_UNSUPPORTED_VERSION,
	CTLPROTO_UNKNOWN_OP,
	CTLPROTO_LINE_TOO_LONG,
	CTLPROTO_INVALID_JOB,
	CTLPROTO_NOT_FOUND,
	CTLPROTO_FORBIDDEN,
	CTLPROTO_CONFLICT,
	CTLPROTO_TOO_MANY_JOBS,
	CTLPROTO_BAD_MESSAGE,
	CTLPROTO_JOURNAL_FAILED,
	CTLPROTO_INTERNAL,
	CTLPROTO_INVALID_PREVIEW,
	CTLPROTO_INVALID_FIELD,
	CTLPROTO_RATE_LIMITED,
	CTLPROTO_NO_PREVIEW,
	CTLPROTO_UNKNOWN_ERR		/* a code this side does not know */
};

/* The op's name on the wire, and the key of its successful reply. */
const char	*ctlproto_op_name(enum ctlproto_op op);
const char	*ctlproto_reply_key(enum ctlproto_op op);

/* An error's code on the wire ("bad_request"). */
const char	*ctlproto_err_code(enum ctlproto_err err);
/* The error a code names, or CTLPROTO_UNKNOWN_ERR. */
enum ctlproto_err ctlproto_err_parse(const char *code);
/* The HTTP status the REST API answers the error with. */
int		 ctlproto_err_status(enum ctlproto_err err);
/* 1 when the error says the request broke the protocol itself. */
int		 ctlproto_err_violation(enum ctlproto_err err);

/*
 * Requests, each a new object with "version" and "op" (NULL when memory
 * ran out); a NULL token is left out.  create and publish take their
 * object argument.
 */
struct json_object *ctlproto_create(struct json_object *job);
struct json_object *ctlproto_get(const char *id, const char *token);
/* limit 0: the streamer's default. */
struct json_object *ctlproto_list(int64_t limit);
struct json_object *ctlproto_cancel(const char *id, const char *token);
struct json_object *ctlproto_publish(const char *id, const char *token,
	    struct json_object *message);
struct json_object *ctlproto_stats(void);
/*
 * A producer's raw preview, as len bytes of base64 of the voxels (encoding
 * "raw") or of their zlib stream ("deflate").
 */
struct json_object *ctlproto_put_preview(const char *id, const char *token,
	    const char *encoding, const char *payload, size_t len);
/*
 * A producer's progress and, unless eta_s is NULL, its estimate, as the
 * client gave them: the streamer is the one that checks them.
 */
struct json_object *ctlproto_put_progress(const char *id, const char *token,
	    int64_t progress, const double *eta_s);
/* state "succeeded", or "failed" with code and message. */
struct json_object *ctlproto_complete(const char *id, const char *token,
	    const char *state, const char *code, const char *message);
/* encoding "raw" or "deflate": how the payload of the reply comes. */
struct json_object *ctlproto_get_preview(const char *id, const char *token,
	    const char *encoding);

struct ctlproto_subscription {
	const char	*id;
	const char	*token;		/* or NULL */
	const char	*encoding;	/* "base64", "deflate", or NULL */
	int		 has_since;
	int64_t		 since;
	const char	*epoch;		/* with since, or NULL */
};
struct json_object *ctlproto_subscribe(const struct ctlproto_subscription *s);

/*
 * A request an operator typed (maskstreamctl request): "version" is added
 * when it has none.  0, or -1 when o is not an object.
 */
int		 ctlproto_stamp(struct json_object *o);

/* A reply, as a client reads it; the pointers live as long as the reply. */
struct ctlproto_reply {
	enum ctlproto_err	 err;	/* CTLPROTO_OK when it succeeded */
	struct json_object	*value;	/* under the op's key, on success */
	const char		*code;	/* as the streamer spelled it */
	const char		*message;
	int			 retry_after_s;	/* 0 unless it said when */
};

/*
 * Reads the reply to a request for op.  Returns 0 with r filled in, for
 * a success or a refusal alike, or -1 with *errstr when reply is not a
 * reply of this protocol.
 */
int		 ctlproto_reply_read(struct json_object *reply,
		    enum ctlproto_op op, struct ctlproto_reply *r,
		    const char **errstr);

/* The op a built request names (0), or -1 when it names none. */
int		 ctlproto_request_op(struct json_object *req,
		    enum ctlproto_op *op);

/*
 * The streamer's side: parses a request line (len bytes, no newline).
 * Returns the request object (the caller puts it) with *op set, or NULL
 * with *err and *why saying what is wrong with it.
 */
struct json_object *ctlproto_request_parse(const char *line, size_t len,
	    enum ctlproto_op *op, enum ctlproto_err *err, const char **why);

/* {"ok":true,"<key of op>":value}, taking value; NULL when memory ran out. */
struct json_object *ctlproto_ok(enum ctlproto_op op, struct json_object *value);
/* {"ok":false,"error":{"code":...,"message":...}} */
struct json_object *ctlproto_error(enum ctlproto_err err, const char *message);
/* The same, with "retry_after_s" when it is above 0 (rate_limited). */
struct json_object *ctlproto_error_after(enum ctlproto_err err,
	    const char *message, int retry_after_s);

#endif
