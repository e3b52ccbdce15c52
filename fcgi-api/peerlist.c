/*
 * peerlist.c: the list of jobs across cells (docs/sharding.md).  Reads
 * what another cell answered to GET /api/jobs?scope=cell, checking it
 * in this one place, and merges lists newest first.  Asking the other
 * cells is peers.c's, in the fcgi-api program alone.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "id.h"
#include "jsontext.h"

/*
 * One job of cell's list: an object with a valid id that names that
 * cell, and a created_us; never a token.
 */
static int
job_ok(struct json_object *job, unsigned cell)
{
	struct json_object *v;
	unsigned job_cell, job_shard;
	const char *id;

	if (!json_object_is_type(job, json_type_object) ||
	    !json_object_object_get_ex(job, "id", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (id = json_object_get_string(v)) == NULL ||
	    !id_job_valid(id, strlen(id)) ||
	    json_object_object_get_ex(job, "token", NULL))
		return 0;
	id_job_place(id, &job_cell, &job_shard);
	return job_cell == cell &&
	    json_object_object_get_ex(job, "created_us", &v) &&
	    json_object_is_type(v, json_type_int);
}

int
peerlist_read(const char *body, size_t len, unsigned cell,
    struct json_object *into, const char **why)
{
	struct json_object *doc, *jobs;
	enum jsontext_error err;
	size_t i, n;

	if ((doc = jsontext_parse(body, len, API_JSON_DEPTH, &err)) == NULL) {
		*why = "not JSON";
		return -1;
	}
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "jobs", &jobs) ||
	    !json_object_is_type(jobs, json_type_array)) {
		*why = "no \"jobs\" array";
		json_object_put(doc);
		return -1;
	}
	n = json_object_array_length(jobs);
	if (n > CTLPROTO_LIST_MAX) {
		*why = "more jobs than a list has";
		json_object_put(doc);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!job_ok(json_object_array_get_idx(jobs, i), cell)) {
			*why = "a job of another cell, or without an id or "
			    "created_us, or with a token";
			json_object_put(doc);
			return -1;
		}
	for (i = 0; i < n; i++)
		json_object_array_add(into, json_object_get(
		    json_object_array_get_idx(jobs, i)));
	json_object_put(doc);
	return 0;
}

/* Newest first: by created_us, descending. */
static int
newer_first(const void *a, const void *b)
{
	struct json_object *ja = *(struct json_object *const *)a;
	struct json_object *jb = *(struct json_object *const *)b;
	struct json_object *va, *vb;
	int64_t ta = 0, tb = 0;

	if (json_object_object_get_ex(ja, "created_us", &va))
		ta = json_object_get_int64(va);
	if (json_object_object_get_ex(jb, "created_us", &vb))
		tb = json_object_get_int64(vb);
	return ta < tb ? 1 : ta > tb ? -1 : 0;
}

void
peerlist_merge(struct json_object *jobs, int64_t limit)
{
	size_t n;

	json_object_array_sort(jobs, newer_first);
	n = json_object_array_length(jobs);
	if (limit >= 0 && (int64_t)n > limit)
		json_object_array_del_idx(jobs, (size_t)limit,
		    n - (size_t)limit);
}
