/*
 * now.h: the two clocks maskstream reads: the wall clock for message
 * timestamps (latency is receive time minus ts_us) and the monotonic
 * clock for schedules, which must not jump when the wall clock does.
 */
#ifndef MS_NOW_H
#define MS_NOW_H

#include <stdint.h>

/* Microseconds since the Unix epoch. */
int64_t	now_wall_us(void);

/* Microseconds on CLOCK_MONOTONIC. */
int64_t	now_mono_us(void);

#endif
