/*
 * fuzz_peerlist.c: peerlist_read() with the input as another cell's
 * answer to GET /api/jobs?scope=cell, then peerlist_merge().  An answer
 * is taken whole or not at all (refused, the list is as it was), and
 * the merged list has only jobs with a valid id and a created_us,
 * newest first, no more than its limit.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "fuzz.h"
#include "id.h"

static void
check_merged(struct json_object *jobs, int64_t limit)
{
	struct json_object *job, *v;
	int64_t prev = INT64_MAX, t;
	const char *id;
	size_t i, n = json_object_array_length(jobs);

	if ((int64_t)n > limit)
		abort();
	for (i = 0; i < n; i++) {
		job = json_object_array_get_idx(jobs, i);
		if (!json_object_object_get_ex(job, "id", &v) ||
		    (id = json_object_get_string(v)) == NULL ||
		    !id_job_valid(id, strlen(id)) ||
		    !json_object_object_get_ex(job, "created_us", &v) ||
		    !json_object_is_type(v, json_type_int))
			abort();
		if ((t = json_object_get_int64(v)) > prev)
			abort();
		prev = t;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *jobs, *local;
	const char *why = NULL;
	int64_t limit;
	size_t before;

	/* The first byte is the limit, the rest the answer. */
	if (size < 1)
		return 0;
	limit = 1 + data[0] % 8;
	jobs = json_object_new_array();
	local = json_object_new_object();
	json_object_object_add(local, "id", json_object_new_string(
	    "0000aaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	json_object_object_add(local, "created_us", json_object_new_int64(5));
	json_object_array_add(jobs, local);
	before = json_object_array_length(jobs);
	if (peerlist_read((const char *)data + 1, size - 1, 1, jobs, &why) == -1 &&
	    (why == NULL || json_object_array_length(jobs) != before))
		abort();
	peerlist_merge(jobs, limit);
	check_merged(jobs, limit);
	json_object_put(jobs);
	return 0;
}
