/*
 * jobspec.h: the request to create a job (docs/protocol.md, "Job
 * specification"), validated in one place for the REST handler and the
 * streamer's control channel alike, with its defaults filled in.
 */
#ifndef MS_JOBSPEC_H
#define MS_JOBSPEC_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "msg.h"

#define JOBSPEC_PREVIEW_AXIS	64	/* default preview: at most this per axis */
#define JOBSPEC_HZ_MIN		0.1
#define JOBSPEC_HZ_MAX		30.0
#define JOBSPEC_DURATION_MAX	604800.0	/* one week */
#define JOBSPEC_SEED_MAX	9007199254740991LL	/* 2^53 - 1 */
#define JOBSPEC_LABELS_MAX	MSG_LABELS_MAX
#define JOBSPEC_TIMEOUT_DEFAULT	60	/* producer_timeout_s */
#define JOBSPEC_TIMEOUT_MAX	86400

enum jobspec_producer {
	JOBSPEC_FAKE,		/* the built-in preview generator */
	JOBSPEC_EXTERNAL	/* another process publishes */
};

struct jobspec {
	uint32_t	shape[3];	/* the volume's [z, y, x] */
	uint32_t	scale;		/* preview downsampling per axis */
	uint32_t	pshape[3];	/* preview [z, y, x] = ceil(shape / scale) */
	double		hz;		/* previews per second */
	double		duration_s;	/* 0: until cancelled */
	int64_t		seed;
	int		has_seed;	/* else the streamer draws one */
	enum jobspec_producer producer;
	int		labels;		/* preview voxels are 0..labels */
	int		producer_timeout_s;	/* external: silence that fails
						   the job; 0: never */
};

/*
 * Validates a job request object and fills js, defaults included.  On
 * error returns -1 and writes into err a message that names the field,
 * e.g. "\"preview.hz\" must be a number in 0.1..30".
 */
int	jobspec_parse(struct json_object *obj, struct jobspec *js, char *err,
	    size_t errlen);

/* How a spec is written out. */
enum jobspec_form {
	JOBSPEC_AS_REQUEST,	/* what jobspec_parse() takes back unchanged */
	JOBSPEC_AS_RESOURCE	/* also the computed preview.shape */
};

/* The spec as a JSON object (shape, dtype, preview, duration_s, seed,
 * producer), in the form asked; NULL on allocation failure. */
struct json_object *jobspec_to_json(const struct jobspec *js,
	    enum jobspec_form form);

const char *jobspec_producer_name(enum jobspec_producer p);

#endif
