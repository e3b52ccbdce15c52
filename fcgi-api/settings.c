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

void
api_settings_free(struct api_settings *set)
{
	config_free_strings(vars, set);
}
