/*
 * palette.c: the colours of mask labels, saturated enough to read over
 * any grey, label 1 red; labels past the table take its colours again.
 * A label is blended with the grey under it at the layer's opacity.
 */
#include "view.h"

static const uint32_t colours[] = {
	0xff0000,	/* 1 red */
	0x00d000,	/* 2 green */
	0x0060ff,	/* 3 blue */
	0xffdc00,	/* 4 yellow */
	0x00dcdc,	/* 5 cyan */
	0xe600e6,	/* 6 magenta */
	0xff8200,	/* 7 orange */
	0x8c3cff,	/* 8 violet */
	0x96ff00,	/* 9 lime */
	0xff5aa0,	/* 10 pink */
	0x00968c,	/* 11 teal */
	0xaa5a1e,	/* 12 brown */
	0x50b4ff,	/* 13 sky */
	0xc8aa00,	/* 14 olive gold */
	0xc8003c,	/* 15 crimson */
	0x64ffaa,	/* 16 mint */
};
#define NCOLOURS	(sizeof(colours) / sizeof(colours[0]))

/* 0x00RRGGBB of a label >= 1. */
uint32_t
palette_colour(uint8_t label)
{
	return colours[(label - 1) % NCOLOURS];
}

static uint32_t
mix(uint32_t g, uint32_t c, uint32_t a)
{
	return (g * (100 - a) + c * a) / 100;
}

/* Grey g under label's colour at opacity percent (0 .. 100). */
uint32_t
palette_blend(uint8_t g, uint8_t label, int opacity)
{
	uint32_t c = palette_colour(label), a = (uint32_t)opacity;

	return mix(g, c >> 16, a) << 16 | mix(g, c >> 8 & 0xff, a) << 8 |
	    mix(g, c & 0xff, a);
}
