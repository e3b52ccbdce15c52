/*
 * levels.h: window and level (levels.c): which values of the volume
 * span black to white, from its percentiles or a CT or MR preset.
 */
#ifndef MS_LEVELS_H
#define MS_LEVELS_H

#include <stdint.h>

#include "volume.h"

/* At most this many voxels, at a fixed stride, give the percentiles. */
#define LEVELS_SAMPLE	(1u << 20)

enum levels_preset {
	LEVELS_AUTO,		/* 1st to 99th percentile */
	LEVELS_CT_SOFT,		/* W 400 L 40 HU */
	LEVELS_CT_LUNG,		/* W 1500 L -600 HU */
	LEVELS_CT_BONE,		/* W 1800 L 400 HU */
	LEVELS_MR_WIDE,		/* 0.5th to 99.5th percentile */
	LEVELS_MR_NARROW,	/* 5th to 95th percentile */
	LEVELS_PRESETS
};

struct levels {
	double	window;		/* > 0 */
	double	level;		/* the value shown mid-grey */
};

/* Percentiles of the volume's finite values. */
struct levels_stats {
	double	p0_5, p1, p5, p95, p99, p99_5;
	double	min, max;
	size_t	sampled;	/* finite values looked at; 0: none */
};

int	levels_stats(const struct volume *v, struct levels_stats *st);
void	levels_synthetic(struct levels_stats *st);
void	levels_preset(enum levels_preset p, const struct levels_stats *st,
	    struct levels *lv);
const char *levels_preset_name(enum levels_preset p);
int	levels_parse_preset(const char *name, enum levels_preset *p);
uint8_t	levels_grey(const struct levels *lv, double value);
void	levels_adjust(struct levels *lv, double window_factor,
	    double level_steps);

#endif
