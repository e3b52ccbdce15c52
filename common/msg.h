/*
 * msg.h: the stream messages of docs/protocol.md (status, progress,
 * preview, completed, error) as one C struct, and their JSON encoding
 * and validating decoding, in one place for the server and the clients.
 */
#ifndef MS_MSG_H
#define MS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "id.h"

#define MSG_DIM_MAX		4096		/* per axis, volume and preview */
#define MSG_PAYLOAD_MAX		(4u << 20)	/* raw preview bytes */
#define MSG_CODE_MAX		64		/* error code, with NUL */
#define MSG_TEXT_MAX		512		/* error message, with NUL */
#define MSG_EPOCH_MAX		64		/* streamer run id, with NUL */
#define MSG_PREVIEW_END_MAX	32		/* msg_preview_end(), with NUL */
#define MSG_LABELS_MAX		255		/* a mask voxel is a uint8 label */

enum msg_type {
	MSG_STATUS,
	MSG_PROGRESS,
	MSG_PREVIEW,
	MSG_COMPLETED,
	MSG_ERROR
};

enum job_state {
	JOB_RUNNING,
	JOB_SUCCEEDED,
	JOB_FAILED,
	JOB_CANCELLED
};

/* How a preview's payload travels; MSG_NENC counts them. */
enum msg_encoding {
	MSG_ENC_BASE64,		/* "base64" */
	MSG_ENC_DEFLATE		/* "deflate+base64": zlib, then base64 */
};
#define MSG_NENC	2

struct msg {
	enum msg_type	 type;
	char		 job_id[ID_JOB_LEN + 1];
	int64_t		 seq;		/* >= 0 */
	int64_t		 ts_us;		/* microseconds since the epoch */

	/* status, progress, completed */
	enum job_state	 state;
	int		 progress;	/* 0..100; status and progress */

	/* progress */
	int		 has_eta;
	double		 eta_s;		/* >= 0 */

	/* status: the volume's shape; preview: the preview's own shape */
	uint32_t	 shape[3];	/* z, y, x */

	/* status */
	char		 epoch[MSG_EPOCH_MAX];
	int		 resumed;
	int		 labels;	/* 1..255; 0: not stated, one label */

	/* preview */
	uint32_t	 scale;		/* >= 1 */
	enum msg_encoding encoding;
	uint8_t		*payload;	/* z*y*x bytes, z slowest, raw */
	size_t		 payload_len;
	int64_t		 skipped;	/* 0: field absent */

	/* error */
	char		 code[MSG_CODE_MAX];
	char		 message[MSG_TEXT_MAX];
};

const char	*msg_type_name(enum msg_type type);
const char	*msg_state_name(enum job_state state);
/* The name of an encoding in a preview's "encoding" field. */
/* Whether s (len bytes) is an epoch: 1..63 printable ASCII, no space. */
int		 msg_epoch_valid(const char *s, size_t len);
const char	*msg_encoding_name(enum msg_encoding enc);
/* 0 and *state set, or -1 when name is not a state. */
int		 msg_state_parse(const char *name, enum job_state *state);
/* 1 for succeeded, failed and cancelled. */
int		 msg_state_terminal(enum job_state state);

/* Number of voxels of a [z,y,x] shape (each axis <= MSG_DIM_MAX). */
uint64_t	 msg_shape_voxels(const uint32_t shape[3]);

/*
 * Encodes m as compact JSON (no newline) into a NUL-terminated string
 * the caller frees; *len gets its length.  Only the fields of m's type
 * are written; a preview's raw payload is encoded as m->encoding says.
 * Returns NULL on allocation failure or when m breaks the rules
 * msg_decode() enforces (*errstr says which).
 */
char		*msg_encode(const struct msg *m, size_t *len,
		    const char **errstr);

/*
 * As msg_encode(), into a new block with head bytes left free before
 * the text and tail bytes after its NUL, so that the caller can frame
 * it in place (the text is at block + head; free the block).  A preview
 * is written without json-c, its payload encoded straight into the
 * block: the one writer of previews, for every caller.
 */
char		*msg_encode_room(const struct msg *m, size_t head, size_t tail,
		    size_t *len, const char **errstr);

/*
 * Where the payload (its base64, without quotes) is in the text of a
 * preview this module wrote: *payload and *plen.  0, or -1 when text is
 * not such a preview.
 */
int		 msg_preview_payload(const char *text, size_t len,
		    const char **payload, size_t *plen);

/*
 * The end of a preview's text after its payload's closing quote: "}",
 * or ",\"skipped\":N}" when skipped > 0.  A preview for a subscriber
 * that skipped some is the shared text without its last byte, then
 * this.  Writes it NUL-terminated into buf (MSG_PREVIEW_END_MAX bytes
 * suffice) and returns its length.
 */
size_t		 msg_preview_end(int64_t skipped, char *buf, size_t size);

/*
 * Decodes one message from text (len bytes) into m, which owns the
 * decoded payload afterwards (release it with msg_clear()).  Rejects,
 * with a static message in *errstr and without leaking: malformed JSON,
 * a non-object, a missing or wrongly typed field, an unknown type,
 * state, dtype or encoding, a job_id that is not a job id, a shape that
 * is not three integers in 1..MSG_DIM_MAX, a payload that is not base64
 * or whose decoded length is not z*y*x, a "length" other than z*y*x
 * (required with deflate+base64), a zlib stream that is corrupt or
 * inflates to anything but z*y*x bytes (inflating stops there).  The
 * payload is left raw, m->encoding says how it came.  Unknown extra
 * fields are ignored.  Returns 0 or -1.
 */
int		 msg_decode(const char *text, size_t len, struct msg *m,
		    const char **errstr);

/*
 * A preview's payload alone: len characters of base64 (of zlib's stream
 * with MSG_ENC_DEFLATE) decoded into dst, which holds voxels bytes; it
 * must decode (inflate) to exactly that many.  0, or -1 with *errstr as
 * msg_decode() says it; dst's contents are undefined after a failure.
 */
int		 msg_payload_decode(enum msg_encoding enc, const char *s,
		    size_t len, uint64_t voxels, uint8_t *dst,
		    const char **errstr);

/* Where a producer's preview must fit (msg_decode_published()). */
struct msg_preview_dest {
	uint32_t	 scale;		/* the job's */
	uint32_t	 shape[3];	/* the job's preview shape */
	uint8_t		*buf;		/* that shape's voxels */
};

/*
 * A message a producer publishes, already parsed (o): as msg_decode(),
 * without job_id, seq and ts_us (the job gives those; they are not
 * read), and never a status.  A preview must have dest's scale and
 * shape, and its payload is decoded straight into dest->buf: on success
 * m->payload is dest->buf, which stays the caller's (do not msg_clear()
 * m then).  After a failure dest->buf's contents are undefined.
 */
int		 msg_decode_published(struct json_object *o,
		    const struct msg_preview_dest *dest, struct msg *m,
		    const char **errstr);

/* Frees what m owns and zeroes it. */
void		 msg_clear(struct msg *m);

#endif
