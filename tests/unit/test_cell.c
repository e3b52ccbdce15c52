/*
 * test_cell.c: fcgi-api's cell of shards (fcgi-api/cell.c) over fake
 * shards: a job's request reaches the shard its id names and no other;
 * a creation the live, undrained shard with the fewest running jobs; a
 * list is every shard's, merged newest first and cut to its limit; a
 * shard that is away is skipped where another can answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "api.h"
#include "unit.h"

#define NSHARDS	3

/* A fake streamer: its load, its jobs' creation times, what it got. */
struct fake {
	int		 up;
	int64_t		 running;
	int64_t		 created[4];	/* newest first; 0 ends */
	int		 calls;
	char		 last_op[16];
};

static struct fake	fakes[NSHARDS];
static struct api_shard	shards[NSHARDS];
static struct api_cell	cell = { 7, shards, NSHARDS };

static struct json_object *
job(unsigned shard, int64_t created)
{
	struct json_object *o = json_object_new_object();
	char id[ID_JOB_LEN + 1];

	snprintf(id, sizeof(id), "07%02x%028d", shard, 0);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "created_us", json_object_new_int64(created));
	return o;
}

static struct json_object *
fake_call(void *arg, struct json_object *req)
{
	struct fake *f = arg;
	unsigned shard = (unsigned)(f - fakes);
	struct json_object *v, *reply = NULL, *a;
	enum ctlproto_op op;
	int i;

	f->calls++;
	CU_ASSERT_FATAL(ctlproto_request_op(req, &op) == 0);
	snprintf(f->last_op, sizeof(f->last_op), "%s", ctlproto_op_name(op));
	if (f->up) {
		switch (op) {
		case CTLPROTO_STATS:
			v = json_object_new_object();
			json_object_object_add(v, "jobs_running",
			    json_object_new_int64(f->running));
			reply = ctlproto_ok(op, v);
			break;
		case CTLPROTO_LIST:
			a = json_object_new_array();
			for (i = 0; i < 4 && f->created[i] != 0; i++)
				json_object_array_add(a, job(shard,
				    f->created[i]));
			reply = ctlproto_ok(op, a);
			break;
		case CTLPROTO_CREATE:
			f->running++;
			reply = ctlproto_ok(op, job(shard, 1));
			break;
		default:
			reply = ctlproto_ok(op, job(shard, 1));
		}
	}
	json_object_put(req);
	return reply;
}

static void
setup(void)
{
	int i;

	memset(fakes, 0, sizeof(fakes));
	for (i = 0; i < NSHARDS; i++) {
		fakes[i].up = 1;
		shards[i].number = (unsigned)i;
		shards[i].draining = 0;
		shards[i].be.call = fake_call;
		shards[i].be.arg = &fakes[i];
		shards[i].be.cell = NULL;
	}
	cell.n = NSHARDS;
}

/* The shard a create went to: the one whose op was create. */
static int
created_on(void)
{
	struct json_object *reply;
	int i, on = -1;

	reply = cell_call(&cell, ctlproto_create(json_object_new_object()));
	if (reply == NULL)
		return -1;
	json_object_put(reply);
	for (i = 0; i < NSHARDS; i++)
		if (strcmp(fakes[i].last_op, "create") == 0) {
			CU_ASSERT_EQUAL(on, -1);
			on = i;
			fakes[i].last_op[0] = '\0';
		}
	return on;
}

static void
test_route(void)
{
	struct json_object *reply;
	struct ctlproto_reply r;
	const char *errstr;

	setup();
	reply = cell_call(&cell, ctlproto_get("0702aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    NULL));
	CU_ASSERT_PTR_NOT_NULL(reply);
	json_object_put(reply);
	CU_ASSERT_EQUAL(fakes[2].calls, 1);
	CU_ASSERT_EQUAL(fakes[0].calls + fakes[1].calls, 0);
	/* A shard this cell does not have, another cell: not here. */
	reply = cell_call(&cell, ctlproto_cancel(
	    "0709aaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL));
	CU_ASSERT(ctlproto_reply_read(reply, CTLPROTO_CANCEL, &r,
	    &errstr) == 0 && r.err == CTLPROTO_NOT_FOUND);
	json_object_put(reply);
	reply = cell_call(&cell, ctlproto_get(
	    "0102aaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL));
	CU_ASSERT(ctlproto_reply_read(reply, CTLPROTO_GET, &r,
	    &errstr) == 0 && r.err == CTLPROTO_NOT_FOUND);
	json_object_put(reply);
	CU_ASSERT_EQUAL(fakes[0].calls + fakes[1].calls + fakes[2].calls, 1);
	/* Its shard away: no answer (503), the others not asked. */
	fakes[2].up = 0;
	CU_ASSERT_PTR_NULL(cell_call(&cell, ctlproto_get(
	    "0702aaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL)));
	CU_ASSERT_EQUAL(fakes[0].calls + fakes[1].calls, 0);
}

static void
test_create(void)
{
	setup();
	fakes[0].running = 5;
	fakes[1].running = 2;
	fakes[2].running = 2;
	/* The fewest running, the lowest number on a tie. */
	CU_ASSERT_EQUAL(created_on(), 1);
	CU_ASSERT_EQUAL(created_on(), 2);
	CU_ASSERT_EQUAL(created_on(), 1);
	/* Draining and away shards take none. */
	shards[1].draining = 1;
	fakes[2].up = 0;
	CU_ASSERT_EQUAL(created_on(), 0);
	shards[0].draining = 1;
	CU_ASSERT_EQUAL(created_on(), -1);
	/* One shard: everything goes to it, but a draining one takes no
	 * new job. */
	setup();
	cell.n = 1;
	CU_ASSERT_EQUAL(created_on(), 0);
	shards[0].draining = 1;
	CU_ASSERT_EQUAL(created_on(), -1);
	shards[0].draining = 0;
}

static void
test_list(void)
{
	struct json_object *reply;
	struct ctlproto_reply r;
	const char *errstr;
	size_t i;
	static const int64_t want[] = { 90, 80, 70, 60 };

	setup();
	fakes[0].created[0] = 90;
	fakes[0].created[1] = 10;
	fakes[1].created[0] = 80;
	fakes[1].created[1] = 60;
	fakes[1].created[2] = 20;
	fakes[2].created[0] = 70;
	reply = cell_call(&cell, ctlproto_list(4));
	CU_ASSERT_FATAL(ctlproto_reply_read(reply, CTLPROTO_LIST, &r,
	    &errstr) == 0 && r.err == CTLPROTO_OK);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(r.value), 4);
	for (i = 0; i < 4; i++) {
		struct json_object *c;

		CU_ASSERT(json_object_object_get_ex(json_object_array_get_idx(
		    r.value, i), "created_us", &c) &&
		    json_object_get_int64(c) == want[i]);
	}
	json_object_put(reply);
	/* A shard away: the others' jobs; all away: no answer. */
	fakes[0].up = 0;
	reply = cell_call(&cell, ctlproto_list(0));
	CU_ASSERT(ctlproto_reply_read(reply, CTLPROTO_LIST, &r,
	    &errstr) == 0 && json_object_array_length(r.value) == 4);
	json_object_put(reply);
	fakes[1].up = fakes[2].up = 0;
	CU_ASSERT_PTR_NULL(cell_call(&cell, ctlproto_list(0)));
}

static void
test_one_shard(void)
{
	struct json_object *reply;

	/* An id from before ids named their place still reaches it. */
	setup();
	cell.n = 1;
	reply = cell_call(&cell, ctlproto_get("f3a9aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    NULL));
	CU_ASSERT_PTR_NOT_NULL(reply);
	json_object_put(reply);
	CU_ASSERT_EQUAL(fakes[0].calls, 1);
}

/* GET /api/health of a cell: each shard; 200 while one takes jobs. */
static int
health(struct json_object **shards_out)
{
	struct api_backend be = { cell_call, &cell, &cell, NULL };
	struct api_request req;
	struct api_response res;
	struct json_object *a;
	int status;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/health";
	api_handle(&req, &be, NULL, API_BODY_MAX_DEFAULT, &res);
	status = res.status;
	CU_ASSERT_FATAL(json_object_object_get_ex(res.body, "shards", &a));
	CU_ASSERT_EQUAL(json_object_array_length(a), NSHARDS);
	*shards_out = json_object_get(a);
	if (status == 503)
		CU_ASSERT_PTR_NOT_NULL(res.retry_after);
	api_response_free(&res);
	return status;
}

static void
test_health(void)
{
	struct json_object *a, *s, *v;

	setup();
	fakes[1].up = 0;
	CU_ASSERT_EQUAL(health(&a), 200);
	s = json_object_array_get_idx(a, 1);
	CU_ASSERT(json_object_object_get_ex(s, "up", &v) &&
	    !json_object_get_boolean(v));
	CU_ASSERT_FALSE(json_object_object_get_ex(s, "streamer", NULL));
	s = json_object_array_get_idx(a, 2);
	CU_ASSERT(json_object_object_get_ex(s, "streamer", NULL));
	json_object_put(a);
	/* Up but draining takes no jobs; nobody taking jobs is 503. */
	shards[0].draining = shards[2].draining = 1;
	CU_ASSERT_EQUAL(health(&a), 503);
	json_object_put(a);
	fakes[0].up = fakes[2].up = 0;
	shards[0].draining = shards[2].draining = 0;
	CU_ASSERT_EQUAL(health(&a), 503);
	json_object_put(a);
}

/* fcgi-api.conf's shards and draining, as api_settings_places() reads
 * them; err names what is wrong. */
static int
shards_of(const char *list, const char *draining, struct api_settings *set,
    char *err, size_t len)
{
	api_settings_defaults(set);
	free(set->shards);
	free(set->draining);
	set->shards = list != NULL ? strdup(list) : NULL;
	set->draining = draining != NULL ? strdup(draining) : NULL;
	return api_settings_places(set, err, len);
}

static void
test_settings(void)
{
	struct api_settings set;
	char err[256];

	/* None: the one streamer at control_socket, shard 0. */
	CU_ASSERT_EQUAL(shards_of(NULL, NULL, &set, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(set.nshards, 1);
	CU_ASSERT_EQUAL(set.shard_conf[0].number, 0);
	CU_ASSERT_STRING_EQUAL(set.shard_conf[0].control_socket,
	    set.control_socket);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of(" 0=/a/c.sock\t7=/b/c.sock ", "7", &set,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(set.nshards, 2);
	CU_ASSERT_EQUAL(set.shard_conf[1].number, 7);
	CU_ASSERT_STRING_EQUAL(set.shard_conf[1].control_socket, "/b/c.sock");
	CU_ASSERT_FALSE(set.shard_conf[0].draining);
	CU_ASSERT(set.shard_conf[1].draining);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of("0=/a 0=/b", NULL, &set, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "named twice"));
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of("256=/a", NULL, &set, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0..255"));
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of("1=relative.sock", NULL, &set, err,
	    sizeof(err)), -1);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of("x=/a", NULL, &set, err, sizeof(err)), -1);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(shards_of("0=/a", "3", &set, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a shard"));
	api_settings_free(&set);
}

/* cells, as api_settings_places() reads it. */
static int
cells_of(const char *list, struct api_settings *set, char *err, size_t len)
{
	api_settings_defaults(set);
	set->cells = list != NULL ? strdup(list) : NULL;
	return api_settings_places(set, err, len);
}

static void
test_settings_cells(void)
{
	struct api_settings set;
	char err[256];

	CU_ASSERT_EQUAL(cells_of(NULL, &set, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(set.ncells, 0);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("0=http://198.18.0.2:8080 "
	    "1=https://cell1.example", &set, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(set.ncells, 2);
	CU_ASSERT_EQUAL(set.cell_conf[1].number, 1);
	CU_ASSERT_STRING_EQUAL(set.cell_conf[1].value,
	    "https://cell1.example");
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("0=ftp://a", &set, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cells"));
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("0=http://a 0=http://b", &set, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "named twice"));
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("http://a", &set, err, sizeof(err)), -1);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("1=http://", &set, err, sizeof(err)), -1);
	api_settings_free(&set);
	CU_ASSERT_EQUAL(cells_of("1=http://a:8080/", &set, err, sizeof(err)),
	    -1);
	api_settings_free(&set);
}

static CU_TestInfo cases[] = {
	{ "a job's request goes to the shard its id names", test_route },
	{ "a creation to the least loaded shard that takes jobs",
	    test_create },
	{ "lists merged newest first", test_list },
	{ "one shard takes every id", test_one_shard },
	{ "health: each shard, 200 while one takes jobs", test_health },
	{ "fcgi-api.conf: shards and draining", test_settings },
	{ "fcgi-api.conf: cells", test_settings_cells },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("cell", cases);
}
