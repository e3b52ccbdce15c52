/*
 * cell.c: fcgi-api's view of its cell, the streamers (shards) of this
 * host, as one backend (docs/sharding.md).  A request about a job goes
 * to the shard its id names; a creation to the live shard that takes
 * jobs and runs the fewest; a list is every shard's, merged newest
 * first.  A shard that cannot be reached is skipped where others can
 * answer, and its own jobs are unavailable (503) until it is back.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "log.h"

/* The shard with this number, or NULL. */
static const struct api_shard *
shard_numbered(const struct api_cell *cell, unsigned number)
{
	size_t i;

	for (i = 0; i < cell->n; i++)
		if (cell->shard[i].number == number)
			return &cell->shard[i];
	return NULL;
}

/* One call to a shard, req kept for the caller. */
static struct json_object *
ask(const struct api_shard *s, struct json_object *req)
{
	return s->be.call(s->be.arg, json_object_get(req));
}

/* The streamer's value of a successful reply to op, or NULL. */
static struct json_object *
value_of(struct json_object *reply, enum ctlproto_op op)
{
	struct ctlproto_reply r;
	const char *errstr;

	if (reply == NULL || ctlproto_reply_read(reply, op, &r, &errstr) == -1 ||
	    r.err != CTLPROTO_OK)
		return NULL;
	return r.value;
}

/* The job's shard answers; a job of no shard of this cell is not here. */
static struct json_object *
to_job_shard(const struct api_cell *cell, struct json_object *req)
{
	const struct api_shard *s = NULL;
	struct json_object *v;
	unsigned cellno, shardno;
	const char *id;

	if (json_object_object_get_ex(req, "id", &v) &&
	    (id = json_object_get_string(v)) != NULL &&
	    id_job_valid(id, strlen(id))) {
		id_job_place(id, &cellno, &shardno);
		if (cellno == cell->number)
			s = shard_numbered(cell, shardno);
	}
	if (s == NULL) {
		json_object_put(req);
		return ctlproto_error(CTLPROTO_NOT_FOUND, "no such job");
	}
	return s->be.call(s->be.arg, req);
}

/* Running jobs of a shard that takes new ones, or -1 (draining, down). */
static int64_t
load_of(const struct api_shard *s)
{
	struct json_object *req, *reply, *stats, *v;
	int64_t n = -1;

	if (s->draining || (req = ctlproto_stats()) == NULL)
		return -1;
	reply = s->be.call(s->be.arg, req);
	if ((stats = value_of(reply, CTLPROTO_STATS)) != NULL &&
	    json_object_object_get_ex(stats, "jobs_running", &v) &&
	    json_object_is_type(v, json_type_int))
		n = json_object_get_int64(v);
	json_object_put(reply);
	return n;
}

/*
 * A new job: on the shard that takes jobs and runs the fewest (ties: the
 * lowest number); should it fail to answer, on the next.
 */
static struct json_object *
create(const struct api_cell *cell, struct json_object *req)
{
	int64_t load[API_SHARDS_MAX];
	struct json_object *reply = NULL;
	size_t i, best;

	for (i = 0; i < cell->n; i++)
		load[i] = load_of(&cell->shard[i]);
	for (;;) {
		best = cell->n;
		for (i = 0; i < cell->n; i++)
			if (load[i] >= 0 && (best == cell->n ||
			    load[i] < load[best]))
				best = i;
		if (best == cell->n)
			break;
		if ((reply = ask(&cell->shard[best], req)) != NULL)
			break;
		load[best] = -1;
	}
	json_object_put(req);
	return reply;
}

/* Every reachable shard's newest jobs, merged, newest first, cut to limit. */
static struct json_object *
list(const struct api_cell *cell, struct json_object *req)
{
	struct json_object *merged, *reply, *jobs, *v;
	int64_t limit = CTLPROTO_LIST_DEFAULT;
	size_t i, k, answered = 0;

	if (json_object_object_get_ex(req, "limit", &v))
		limit = json_object_get_int64(v);
	if ((merged = json_object_new_array()) == NULL) {
		json_object_put(req);
		return NULL;
	}
	for (i = 0; i < cell->n; i++) {
		reply = ask(&cell->shard[i], req);
		if ((jobs = value_of(reply, CTLPROTO_LIST)) != NULL &&
		    json_object_is_type(jobs, json_type_array)) {
			answered++;
			for (k = 0; k < json_object_array_length(jobs); k++)
				json_object_array_add(merged, json_object_get(
				    json_object_array_get_idx(jobs, k)));
		} else
			log_warnx("list: shard %u did not answer; its jobs "
			    "are left out", cell->shard[i].number);
		json_object_put(reply);
	}
	json_object_put(req);
	if (answered == 0) {
		json_object_put(merged);
		return NULL;
	}
	peerlist_merge(merged, limit);
	return ctlproto_ok(CTLPROTO_LIST, merged);
}

/* The first shard that answers. */
static struct json_object *
any(const struct api_cell *cell, struct json_object *req)
{
	struct json_object *reply = NULL;
	size_t i;

	for (i = 0; i < cell->n && reply == NULL; i++)
		reply = ask(&cell->shard[i], req);
	json_object_put(req);
	return reply;
}

struct json_object *
cell_call(void *arg, struct json_object *req)
{
	const struct api_cell *cell = arg;
	enum ctlproto_op op;

	if (ctlproto_request_op(req, &op) == -1) {
		json_object_put(req);
		return ctlproto_error(CTLPROTO_INTERNAL, "a request without "
		    "an op");
	}
	/* One shard has every job, whatever its id says (ids from before
	 * ids named their place too). */
	if (cell->n == 1 && !(op == CTLPROTO_CREATE && cell->shard[0].draining))
		return cell->shard[0].be.call(cell->shard[0].be.arg, req);
	switch (op) {
	case CTLPROTO_CREATE:
		return create(cell, req);
	case CTLPROTO_LIST:
		return list(cell, req);
	case CTLPROTO_STATS:
		return any(cell, req);
	default:
		return to_job_shard(cell, req);
	}
}

struct json_object *
cell_shard_stats(const struct api_shard *s)
{
	struct json_object *req, *reply, *stats;

	if ((req = ctlproto_stats()) == NULL)
		return NULL;
	reply = s->be.call(s->be.arg, req);
	stats = value_of(reply, CTLPROTO_STATS);
	if (stats != NULL)
		json_object_get(stats);
	json_object_put(reply);
	return stats;
}
