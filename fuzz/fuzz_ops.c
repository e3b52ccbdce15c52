/*
 * fuzz_ops.c: the control channel's operations on one registry that
 * lives across inputs.  Each input line is one request; ids are random,
 * so placeholders in a line stand for the newest job's id and token.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core.h"
#include "fuzz.h"
#include "log.h"

#define MAX_JOBS	50
#define MAX_LINES	64
/* Replaced, in place, by the newest job's id and token. */
#define ID_HOLDER	"00000000000000000000000000000000"
#define TOKEN_HOLDER	"TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"

/* The streamer's core alone, with no transport: no hooks. */
static struct settings	 fuzz_set;
static struct registry	 fuzz_reg;
/* The newest job's token, from its creation's reply: the registry keeps
 * only hashes. */
static char		 newest_token[ID_TOKEN_LEN + 1];

static void
setup(void)
{
	struct settings *set = &fuzz_set;

	log_init("fuzz_ops", 0, LOG_LEVEL_WARN);
	settings_defaults(set);
	set->max_jobs = MAX_JOBS;
	set->max_finished = MAX_JOBS;
	set->ring_len = 8;
	set->ring_bytes = 1 << 20;
	if (registry_init(&fuzz_reg, set) == -1)
		abort();
}

static void
replace(char *s, size_t len, const char *holder, const char *with)
{
	size_t n = strlen(holder);
	char *p;

	for (p = s; (p = memmem(p, len - (size_t)(p - s), holder, n)) != NULL;
	    p += n)
		memcpy(p, with, n);
}

/* The counts the registry keeps must match its list. */
static void
check_registry(const struct registry *reg)
{
	const struct job *job;
	size_t n = 0, running = 0;

	TAILQ_FOREACH(job, &reg->jobs, entry) {
		n++;
		if (!msg_state_terminal(job->state))
			running++;
	}
	if (n != reg->njobs || running != reg->nrunning ||
	    reg->njobs != reg->nrunning + reg->nfinished ||
	    reg->nrunning > reg->max_running ||
	    reg->nfinished > reg->max_finished)
		abort();
}

static void
check_reply(struct registry *reg, struct json_object *reply,
    const struct ops_result *res)
{
	struct json_object *ok, *err, *code, *v;
	const char *text;

	if (reply == NULL || !json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		abort();
	if (!json_object_get_boolean(ok) &&
	    (!json_object_object_get_ex(reply, "error", &err) ||
	    !json_object_object_get_ex(err, "code", &code) ||
	    !json_object_is_type(code, json_type_string) ||
	    res->subscribe != NULL || res->err == CTLPROTO_OK ||
	    ctlproto_err_parse(json_object_get_string(code)) != res->err))
		abort();
	if (json_object_get_boolean(ok) && res->err != CTLPROTO_OK)
		abort();
	if (res->subscribe != NULL &&
	    job_find(reg, res->subscribe->id) != res->subscribe)
		abort();
	if (strlen(res->epoch) >= sizeof(res->epoch))
		abort();
	if (json_object_object_get_ex(reply, "job", &v) &&
	    json_object_object_get_ex(v, "token", &v) &&
	    json_object_get_string_len(v) == ID_TOKEN_LEN)
		memcpy(newest_token, json_object_get_string(v), ID_TOKEN_LEN);
	/* The reply goes back as one line of the channel. */
	text = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	if (text == NULL || strchr(text, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct registry *reg = &fuzz_reg;
	struct json_object *reply;
	struct ops_result res;
	const uint8_t *nl;
	struct job *newest;
	size_t len;
	char *line;
	int n;

	if (!ready) {
		setup();
		ready = 1;
	}
	for (n = 0; n < MAX_LINES && size > 0; n++) {
		nl = memchr(data, '\n', size);
		len = nl != NULL ? (size_t)(nl - data) : size;
		/* NUL-terminated, as the line reader hands lines out. */
		if ((line = malloc(len + 1)) == NULL)
			return 0;
		memcpy(line, data, len);
		line[len] = '\0';
		if ((newest = TAILQ_FIRST(&reg->jobs)) != NULL) {
			replace(line, len, ID_HOLDER, newest->id);
			replace(line, len, TOKEN_HOLDER, newest_token);
		}
		reply = ops_handle(reg, line, len, &res);
		check_reply(reg, reply, &res);
		check_registry(reg);
		json_object_put(reply);
		free(line);
		data += len + (nl != NULL);
		size -= len + (nl != NULL);
	}
	return 0;
}
