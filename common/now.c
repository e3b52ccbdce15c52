/*
 * now.c: wall-clock and monotonic time in microseconds.
 */
#include <time.h>

#include "now.h"

static int64_t
read_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
now_wall_us(void)
{
	return read_us(CLOCK_REALTIME);
}

int64_t
now_mono_us(void)
{
	return read_us(CLOCK_MONOTONIC);
}
