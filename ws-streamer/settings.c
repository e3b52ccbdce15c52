/*
 * settings.c: ws-streamer's settings: their defaults, the keys of its
 * configuration file, and the checks that need more than one key.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"

#define S(field)	offsetof(struct settings, field)

static const struct config_var vars[] = {
	{ "ws_socket", CONFIG_STRING, S(ws_socket), 0, 0, 0, 0 },
	{ "ws_listen", CONFIG_STRING, S(ws_listen), 0, 0, 0, 0 },
	{ "control_socket", CONFIG_STRING, S(control_socket), 0, 0, 0, 0 },
	{ "pidfile", CONFIG_STRING, S(pidfile), 0, 0, 0, 0 },
	{ "socket_group", CONFIG_STRING, S(socket_group), 0, 0, 0, 0 },
	{ "socket_mode", CONFIG_MODE, S(socket_mode), 0, 0, 0, 0 },
	{ "user", CONFIG_STRING, S(user), 0, 0, 0, 0 },
	{ "state_dir", CONFIG_STRING, S(state_dir), 0, 0, 0, 0 },
	{ "log_level", CONFIG_STRING, S(log_level), 0, 0, 0, 0 },
	{ "syslog", CONFIG_BOOL, S(syslog), 0, 0, 0, 0 },
	{ "origins", CONFIG_STRING, S(origins), 0, 0, 0, 0 },
	{ "max_jobs", CONFIG_INT, S(max_jobs), 1, 1000000, 0, 0 },
	{ "max_finished", CONFIG_INT, S(max_finished), 1, 1000000, 0, 0 },
	{ "max_preview_rate", CONFIG_INT, S(max_preview_rate), 1,
	    1LL << 40, 0, 0 },
	{ "max_subscribers", CONFIG_INT, S(max_subscribers), 1, 1000000,
	    0, 0 },
	{ "max_job_subscribers", CONFIG_INT, S(max_job_subscribers), 1,
	    1000000, 0, 0 },
	{ "retention_s", CONFIG_INT, S(retention_s), 0, 30 * 86400, 0, 0 },
	{ "ping_s", CONFIG_INT, S(ping_s), 1, 3600, 0, 0 },
	{ "hangup_s", CONFIG_INT, S(hangup_s), 2, 7200, 0, 0 },
	{ "slow_s", CONFIG_INT, S(slow_s), 1, 3600, 0, 0 },
	{ "ring_len", CONFIG_INT, S(ring_len), 2, 4096, 0, 0 },
	{ "ring_bytes", CONFIG_INT, S(ring_bytes), 4096, 1LL << 30, 0, 0 },
	{ "control_max_line", CONFIG_INT, S(control_max_line), 4096,
	    64LL << 20, 0, 0 },
	{ "cell", CONFIG_INT, S(cell), 0, ID_PLACE_MAX, 0, 0 },
	{ "shard", CONFIG_INT, S(shard), 0, ID_PLACE_MAX, 0, 0 },
	{ NULL, CONFIG_STRING, 0, 0, 0, 0, 0 }
};

static char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

void
settings_defaults(struct settings *set)
{
	memset(set, 0, sizeof(*set));
	set->ws_socket = xstrdup("/run/maskstream/ws.sock");
	set->control_socket = xstrdup("/run/maskstream/control.sock");
	set->pidfile = xstrdup("/run/maskstream/ws-streamer.pid");
	set->state_dir = xstrdup("/var/lib/maskstream");
	set->socket_mode = 0660;
	set->log_level = xstrdup("info");
	set->max_jobs = 10000;
	set->max_finished = 1000;
	/* 32 Mi voxels/s: eight 4 MiB previews at 1 Hz, or 64^3 at 30 Hz
	 * four times over; generating and encoding them takes a share of
	 * one core, not all of it. */
	set->max_preview_rate = 32LL << 20;
	set->max_subscribers = 19000;
	set->max_job_subscribers = 19000;
	set->retention_s = 3600;
	set->ping_s = 20;
	set->hangup_s = 40;
	set->slow_s = 10;
	set->ring_len = 64;
	set->ring_bytes = 8 << 20;
	/* A published 4 MiB preview is about 5.6 MB of base64. */
	set->control_max_line = 8 << 20;
}

int
settings_load(struct settings *set, const char *path, char *err,
    size_t errlen)
{
	return config_load(path, vars, set, err, errlen);
}

int
settings_check(const struct settings *set, char *err, size_t errlen)
{
	if (set->ws_socket == NULL && set->ws_listen == NULL) {
		snprintf(err, errlen, "neither ws_socket nor ws_listen is set");
		return -1;
	}
	if (set->control_socket == NULL) {
		snprintf(err, errlen, "control_socket is not set");
		return -1;
	}
	if (set->state_dir == NULL || set->state_dir[0] == '\0') {
		snprintf(err, errlen, "state_dir is not set");
		return -1;
	}
	if (set->hangup_s <= set->ping_s) {
		snprintf(err, errlen, "hangup_s (%lld) must exceed ping_s (%lld)",
		    set->hangup_s, set->ping_s);
		return -1;
	}
	if (set->max_job_subscribers > set->max_subscribers) {
		snprintf(err, errlen, "max_job_subscribers (%lld) exceeds "
		    "max_subscribers (%lld)", set->max_job_subscribers,
		    set->max_subscribers);
		return -1;
	}
	return 0;
}

void
settings_free(struct settings *set)
{
	config_free_strings(vars, set);
}
