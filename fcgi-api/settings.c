/*
 * settings.c: fcgi-api's settings: defaults and configuration file keys.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "config.h"

#define S(field)	offsetof(struct api_settings, field)

static const struct config_var vars[] = {
	{ "socket", CONFIG_STRING, S(socket), 0, 0, 0, 0 },
	{ "control_socket", CONFIG_STRING, S(control_socket), 0, 0, 0, 0 },
	{ "pidfile", CONFIG_STRING, S(pidfile), 0, 0, 0, 0 },
	{ "keys_file", CONFIG_STRING, S(keys_file), 0, 0, 0, 0 },
	{ "socket_group", CONFIG_STRING, S(socket_group), 0, 0, 0, 0 },
	{ "socket_mode", CONFIG_MODE, S(socket_mode), 0, 0, 0, 0 },
	{ "user", CONFIG_STRING, S(user), 0, 0, 0, 0 },
	{ "log_level", CONFIG_STRING, S(log_level), 0, 0, 0, 0 },
	{ "syslog", CONFIG_BOOL, S(syslog), 0, 0, 0, 0 },
	{ "threads", CONFIG_INT, S(threads), 1, 256, 0, 0 },
	{ "body_max", CONFIG_INT, S(body_max), 256, 16 << 20, 0, 0 },
	{ "timeout_ms", CONFIG_INT, S(timeout_ms), 10, 60000, 0, 0 },
	{ "cell", CONFIG_INT, S(cell), 0, ID_PLACE_MAX, 0, 0 },
	{ "shards", CONFIG_STRING, S(shards), 0, 0, 0, 0 },
	{ "draining", CONFIG_STRING, S(draining), 0, 0, 0, 0 },
	{ "cells", CONFIG_STRING, S(cells), 0, 0, 0, 0 },
	{ NULL, CONFIG_STRING, 0, 0, 0, 0, 0 }
};

/*
 * As many workers as processors, at least two.  A worker spends its
 * request working or waiting for the single-threaded streamer, never
 * for a client (nginx buffers both ways), so more threads than cores
 * only add switches: on 2 cores, 4 threads cost about a third more CPU
 * per request than 2 (bench/rest-bench).
 */
static long long
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2)
		return 2;
	return n > 64 ? 64 : n;
}

void
api_settings_defaults(struct api_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->control_socket = strdup("/run/maskstream/control.sock");
	set->pidfile = strdup("/run/maskstream/fcgi-api.pid");
	set->log_level = strdup("info");
	set->socket_mode = 0660;
	set->threads = default_threads();
	set->body_max = API_BODY_MAX_DEFAULT;
	set->timeout_ms = 5000;
}

int
api_settings_load(struct api_settings *set, const char *path, char *err,
    size_t errlen)
{
	return config_load(path, vars, set, err, errlen);
}

/* A shard number, 0..ID_PLACE_MAX, from s[0..len); -1 if it is not one. */
static int
shard_number(const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= ID_PLACE_MAX ? (int)v : -1;
}

/* A control socket's path: absolute. */
static int
path_ok(const char *v)
{
	return v[0] == '/';
}

/* A cell's address: http:// or https://, a host, no path. */
static int
url_ok(const char *v)
{
	const char *host;

	if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return 0;
	return *host != '\0' && *host != '/' && strchr(host, '/') == NULL;
}

/*
 * Each "N=value" of spec (cut in place), in order, into out[0..*n): N in
 * 0..ID_PLACE_MAX, each once, value as value_ok() wants (form says how).
 */
static int
parse_numbered(char *spec, const char *key, const char *form,
    int (*value_ok)(const char *), struct api_numbered *out, size_t *n,
    char *err, size_t errlen)
{
	char *p = spec, *eq;
	size_t len, i;
	int number, last;

	*n = 0;
	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t");
		if ((len = strcspn(p, " \t")) == 0)
			break;
		/* The entry, cut out of the string in place. */
		last = p[len] == '\0';
		p[len] = '\0';
		if ((eq = memchr(p, '=', len)) == NULL ||
		    (number = shard_number(p, (size_t)(eq - p))) == -1 ||
		    eq + 1 == p + len || !value_ok(eq + 1)) {
			snprintf(err, errlen, "%s: \"%.*s\" is not %s with N "
			    "in 0..255", key, (int)len, p, form);
			return -1;
		}
		for (i = 0; i < *n; i++)
			if (out[i].number == (unsigned)number) {
				snprintf(err, errlen, "%s: %d is named twice",
				    key, number);
				return -1;
			}
		if (*n == API_SHARDS_MAX) {
			snprintf(err, errlen, "%s: more than %d", key,
			    API_SHARDS_MAX);
			return -1;
		}
		out[*n].number = (unsigned)number;
		out[(*n)++].value = eq + 1;
		p += len + !last;
	}
	return 0;
}

/* Each "N=path" of shards, in order, into set->shard_conf. */
static int
parse_shards(struct api_settings *set, char *err, size_t errlen)
{
	struct api_numbered *list;
	size_t i;

	if ((list = calloc(API_SHARDS_MAX, sizeof(*list))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (parse_numbered(set->shards, "shards", "N=/path/of/its/control.sock",
	    path_ok, list, &set->nshards, err, errlen) == -1) {
		free(list);
		return -1;
	}
	for (i = 0; i < set->nshards; i++) {
		set->shard_conf[i].number = list[i].number;
		set->shard_conf[i].control_socket = list[i].value;
	}
	free(list);
	return 0;
}

/* Each number of draining marks its shard. */
static int
parse_draining(struct api_settings *set, char *err, size_t errlen)
{
	const char *p = set->draining;
	size_t len, i;
	int number;

	while (p != NULL && *(p += strspn(p, " \t")) != '\0') {
		len = strcspn(p, " \t");
		number = shard_number(p, len);
		for (i = 0; i < set->nshards; i++)
			if (number >= 0 &&
			    set->shard_conf[i].number == (unsigned)number)
				break;
		if (i == set->nshards) {
			snprintf(err, errlen, "draining: \"%.*s\" is not a "
			    "shard of shards", (int)len, p);
			return -1;
		}
		set->shard_conf[i].draining = 1;
		p += len;
	}
	return 0;
}

/*
 * The places of jobs: the shards, from shards ("N=path ..."), or the one
 * shard, numbered 0, at control_socket; which are draining; the cells.
 */
int
api_settings_places(struct api_settings *set, char *err, size_t errlen)
{
	free(set->shard_conf);
	set->nshards = 0;
	if ((set->shard_conf = calloc(API_SHARDS_MAX,
	    sizeof(*set->shard_conf))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (set->shards == NULL || set->shards[strspn(set->shards,
	    " \t")] == '\0') {
		set->shard_conf[0].number = 0;
		set->shard_conf[0].control_socket = set->control_socket;
		set->nshards = 1;
	} else if (parse_shards(set, err, errlen) == -1)
		return -1;
	if (parse_draining(set, err, errlen) == -1)
		return -1;
	free(set->cell_conf);
	set->ncells = 0;
	if ((set->cell_conf = calloc(API_SHARDS_MAX,
	    sizeof(*set->cell_conf))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return parse_numbered(set->cells, "cells", "N=http://host:port (no path)",
	    url_ok, set->cell_conf, &set->ncells, err, errlen);
}

void
api_settings_free(struct api_settings *set)
{
	free(set->shard_conf);
	set->shard_conf = NULL;
	set->nshards = 0;
	free(set->cell_conf);
	set->cell_conf = NULL;
	set->ncells = 0;
	config_free_strings(vars, set);
}
