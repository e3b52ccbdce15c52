/*
 * render.c: what the viewer draws, as pixels, apart from X: a synthetic
 * grayscale slice of the volume with the preview mask over it in a
 * translucent red.  A window pixel maps to a voxel by plain integer
 * scaling, so a test can tell exactly which pixels must be red.
 */
#include <math.h>
#include <stdint.h>

#include "view.h"

/* A stand-in for the scan: a bright body with soft rings, dark outside. */
uint8_t
render_background(const uint32_t vshape[3], uint32_t z, uint32_t y,
    uint32_t x)
{
	double cy = vshape[1] / 2.0, cx = vshape[2] / 2.0;
	double dy = (y + 0.5 - cy) / cy, dx = (x + 0.5 - cx) / cx;
	double r = sqrt(dy * dy + dx * dx);

	if (r > 0.92)
		return 24;
	return (uint8_t)(110 + 40 * sin(r * 14.0 + z * 0.15) +
	    30 * (1.0 - r));
}

/* The volume coordinate shown at pixel p of n along an axis of len. */
static uint32_t
scale_axis(int p, int n, uint32_t len)
{
	return (uint32_t)((uint64_t)p * len / (uint64_t)n);
}

uint32_t
render_zslice(const struct model *m, long want)
{
	if (m->vshape[0] == 0)
		return 0;
	if (want < 0)
		return m->vshape[0] / 2;
	return want >= (long)m->vshape[0] ? m->vshape[0] - 1 : (uint32_t)want;
}

/* Preview voxel of volume voxel v: the preview covers scale voxels each. */
static uint32_t
preview_axis(uint32_t v, uint32_t scale, uint32_t plen)
{
	v /= scale;
	/* A preview that disagrees with the status's shape stays in bounds. */
	return v < plen ? v : plen - 1;
}

/*
 * 1 when the preview marks the voxel under window pixel (px, py): the
 * volume voxel the background shows there, divided by the scale (not
 * the pixel scaled to the preview, which is off by up to a preview voxel
 * when a dimension is not a multiple of the scale).
 */
int
render_mask_at(const struct model *m, uint32_t z, int px, int py, int w,
    int h)
{
	uint32_t s, pz, y, x;

	if (m->mask == NULL || m->vshape[0] == 0)
		return 0;
	s = m->scale > 0 ? m->scale : 1;
	pz = preview_axis(z, s, m->pshape[0]);
	y = preview_axis(scale_axis(py, h, m->vshape[1]), s, m->pshape[1]);
	x = preview_axis(scale_axis(px, w, m->vshape[2]), s, m->pshape[2]);
	return m->mask[((size_t)pz * m->pshape[1] + y) * m->pshape[2] + x] != 0;
}

/* The grayscale slice z at w*h pixels; it changes only with z or size. */
void
render_background_slice(const uint32_t vshape[3], uint32_t z, uint8_t *bg,
    int w, int h)
{
	int px, py;

	for (py = 0; py < h; py++)
		for (px = 0; px < w; px++)
			bg[py * w + px] = vshape[0] == 0 ? 32 :
			    render_background(vshape, z,
			    scale_axis(py, h, vshape[1]),
			    scale_axis(px, w, vshape[2]));
}

/* Pixels (0x00RRGGBB) of bg with the mask over it: red above green. */
void
render_compose(const struct model *m, uint32_t z, const uint8_t *bg,
    uint32_t *pixels, int w, int h)
{
	int px, py;

	for (py = 0; py < h; py++)
		for (px = 0; px < w; px++) {
			uint32_t g = bg[py * w + px];

			if (render_mask_at(m, z, px, py, w, h))
				pixels[py * w + px] = (g + 255) / 2 << 16 |
				    g / 2 << 8 | g / 2;
			else
				pixels[py * w + px] = g << 16 | g << 8 | g;
		}
}
