/*
 * notify.c: the daemons' readiness, reload and stop notifications to
 * systemd, through libsystemd's sd_notify(); a failure to send is
 * logged, never fatal (the service manager decides what it means).
 */
#include <stdio.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"
#include "now.h"

static void
send_state(const char *state)
{
	int r;

	/* 0: keep NOTIFY_SOCKET, later states go to the same place. */
	if ((r = sd_notify(0, state)) < 0)
		log_warnx("sd_notify: %s", strerror(-r));
}

void
notify_ready(const char *status)
{
	char state[512];

	if (status == NULL) {
		send_state("READY=1");
		return;
	}
	snprintf(state, sizeof(state), "READY=1\nSTATUS=%s", status);
	send_state(state);
}

void
notify_reloading(void)
{
	char state[128];

	/* MONOTONIC_USEC: what systemd 253's Type=notify-reload asks for. */
	snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%lld",
	    (long long)now_mono_us());
	send_state(state);
}

void
notify_stopping(void)
{
	send_state("STOPPING=1");
}
