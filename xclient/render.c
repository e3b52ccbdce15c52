/*
 * render.c: what the viewer draws, as pixels, apart from X: a slice of
 * the volume (or of a synthetic stand-in) under the window and level,
 * with the preview's labels over it.  Each stage is cached and redone
 * only when what it depends on changes: a new preview redoes the labels
 * and the composition, not the slice.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

#define NO_VOLUME_GREY	0x202020

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

void
render_default_view(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->plane = PLANE_AXIAL;
	v->slice[0] = v->slice[1] = v->slice[2] = -1;
	v->zoom = 1;
	v->lv.window = 255;
	v->lv.level = 127.5;
	v->preset = LEVELS_AUTO;
	v->opacity = 50;
	v->mask_on = 1;
}

void
render_init(struct render *r)
{
	memset(r, 0, sizeof(*r));
}

void
render_free(struct render *r)
{
	free(r->colmap);
	free(r->rowmap);
	free(r->rowoff);
	free(r->coloff);
	free(r->urows);
	free(r->ucols);
	free(r->values);
	free(r->grey);
	free(r->labels);
	render_init(r);
}

/* Preview voxel of volume voxel v: the preview covers scale voxels each. */
static uint32_t
preview_axis(uint32_t v, uint32_t scale, uint32_t plen)
{
	v /= scale;
	/* A preview that disagrees with the status's shape stays in bounds. */
	return v < plen ? v : plen - 1;
}

/* The preview's label of volume voxel [z, y, x]; 0 without a preview. */
uint8_t
render_preview_label(const struct model *m, const uint32_t zyx[3])
{
	uint32_t s, p[3];
	int i;

	if (m->mask == NULL || m->pshape[0] == 0)
		return 0;
	s = m->scale > 0 ? m->scale : 1;
	for (i = 0; i < 3; i++)
		p[i] = preview_axis(zyx[i], s, m->pshape[i]);
	return m->mask[((size_t)p[0] * m->pshape[1] + p[1]) * m->pshape[2] +
	    p[2]];
}

static int
grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size > 0 ? n * size : 1);

	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

/*
 * The columns (or rows) some pixel shows, once each: the map grows with
 * the pixel, so they come in order.  Only those voxels are computed: a
 * slice larger than the window, or zoomed into, costs what is seen.
 */
static uint32_t
distinct(const int32_t *map, int n, uint32_t *out)
{
	int32_t prev = -1;
	uint32_t k = 0;
	int i;

	for (i = 0; i < n; i++)
		if (map[i] >= 0 && map[i] != prev)
			out[k++] = (uint32_t)(prev = map[i]);
	return k;
}

/* The slice's place in the w x h area and the pixel-to-voxel maps. */
static int
update_geom(struct render *r, const struct view *v, const uint32_t shape[3],
    const double spacing[3], int w, int h)
{
	size_t voxels;
	int i;

	if (r->geom_ok && r->g.w == w && r->g.h == h &&
	    r->seen.plane == v->plane && r->seen.zoom == v->zoom &&
	    r->seen.pan[0] == v->pan[0] && r->seen.pan[1] == v->pan[1] &&
	    memcmp(r->shape, shape, sizeof(r->shape)) == 0)
		return 0;
	/* Other voxels are on the screen now. */
	r->values_ok = r->labels_ok = 0;
	r->geom_ok = 0;
	plane_layout(&r->g, v->plane, shape, spacing);
	plane_fit(&r->g, w, h, v->zoom, v->pan);
	voxels = (size_t)r->g.rows * r->g.cols;
	if (grow((void **)&r->colmap, (size_t)w, sizeof(*r->colmap)) == -1 ||
	    grow((void **)&r->rowmap, (size_t)h, sizeof(*r->rowmap)) == -1 ||
	    grow((void **)&r->rowoff, r->g.rows, sizeof(*r->rowoff)) == -1 ||
	    grow((void **)&r->coloff, r->g.cols, sizeof(*r->coloff)) == -1 ||
	    grow((void **)&r->ucols, (size_t)w, sizeof(*r->ucols)) == -1 ||
	    grow((void **)&r->urows, (size_t)h, sizeof(*r->urows)) == -1)
		return -1;
	if (voxels > r->cap) {
		if (grow((void **)&r->values, voxels, sizeof(*r->values)) ==
		    -1 || grow((void **)&r->grey, voxels, 1) == -1 ||
		    grow((void **)&r->labels, voxels, 1) == -1)
			return -1;
		r->cap = voxels;
	}
	for (i = 0; i < w; i++)
		r->colmap[i] = (int32_t)plane_col_at(&r->g, i);
	for (i = 0; i < h; i++)
		r->rowmap[i] = (int32_t)plane_row_at(&r->g, i);
	r->nucols = distinct(r->colmap, w, r->ucols);
	r->nurows = distinct(r->rowmap, h, r->urows);
	memcpy(r->shape, shape, sizeof(r->shape));
	r->seen.plane = v->plane;
	r->seen.zoom = v->zoom;
	memcpy(r->seen.pan, v->pan, sizeof(r->seen.pan));
	r->geom_ok = 1;
	return 0;
}

/* Index of [z, y, x] in a grid of dims, each axis divided by scale. */
static int64_t
grid_index(const uint32_t dims[3], uint32_t scale, const uint32_t zyx[3])
{
	uint32_t p[3];
	int i;

	for (i = 0; i < 3; i++)
		p[i] = preview_axis(zyx[i], scale, dims[i]);
	return ((int64_t)p[0] * dims[1] + p[1]) * dims[2] + p[2];
}

/*
 * A slice's voxels in a grid (the volume, or the preview at its scale):
 * each axis of the slice moves along one axis of the grid, so voxel
 * (row, col) is at base + rowoff[row] + coloff[col].
 */
static int64_t
offsets(struct render *r, uint32_t slice, const uint32_t dims[3],
    uint32_t scale)
{
	uint32_t zyx[3];
	int64_t base;
	uint32_t i;

	plane_voxel(&r->g, slice, 0, 0, zyx);
	base = grid_index(dims, scale, zyx);
	for (i = 0; i < r->g.rows; i++) {
		plane_voxel(&r->g, slice, i, 0, zyx);
		r->rowoff[i] = grid_index(dims, scale, zyx) - base;
	}
	for (i = 0; i < r->g.cols; i++) {
		plane_voxel(&r->g, slice, 0, i, zyx);
		r->coloff[i] = grid_index(dims, scale, zyx) - base;
	}
	return base;
}

static void
update_values(struct render *r, const struct volume *vol, uint32_t slice)
{
	uint32_t a, b, row, col, zyx[3];
	int64_t base;
	size_t i;

	if (r->values_ok && r->slice == slice && r->vol == vol)
		return;
	base = offsets(r, slice, r->shape, 1);
	for (a = 0; a < r->nurows; a++)
		for (row = r->urows[a], b = 0; b < r->nucols; b++) {
			col = r->ucols[b];
			i = (size_t)row * r->g.cols + col;
			if (vol != NULL) {
				r->values[i] = volume_at(vol, (size_t)(base +
				    r->rowoff[row] + r->coloff[col]));
				continue;
			}
			plane_voxel(&r->g, slice, row, col, zyx);
			r->values[i] = render_background(r->shape, zyx[0],
			    zyx[1], zyx[2]);
		}
	r->slice = slice;
	r->vol = vol;
	r->values_ok = 1;
	r->grey_ok = r->labels_ok = 0;
}

static void
update_grey(struct render *r, const struct view *v)
{
	uint32_t a, b;
	size_t i;

	if (r->grey_ok && r->seen.lv.window == v->lv.window &&
	    r->seen.lv.level == v->lv.level)
		return;
	for (a = 0; a < r->nurows; a++)
		for (b = 0; b < r->nucols; b++) {
			i = (size_t)r->urows[a] * r->g.cols + r->ucols[b];
			r->grey[i] = levels_grey(&v->lv, r->values[i]);
		}
	r->seen.lv = v->lv;
	r->grey_ok = 1;
}

static void
update_labels(struct render *r, const struct model *m)
{
	uint32_t a, b, row, col;
	int64_t base = 0;
	int none = m->mask == NULL || m->pshape[0] == 0;

	if (r->labels_ok && r->previews == m->previews)
		return;
	if (!none)
		base = offsets(r, r->slice, m->pshape, m->scale > 0 ?
		    m->scale : 1);
	for (a = 0; a < r->nurows; a++)
		for (row = r->urows[a], b = 0; b < r->nucols; b++) {
			col = r->ucols[b];
			r->labels[(size_t)row * r->g.cols + col] = none ? 0 :
			    m->mask[base + r->rowoff[row] + r->coloff[col]];
		}
	r->previews = m->previews;
	r->labels_ok = 1;
}

/* The label under pixel (px, py); 0 outside the slice. */
int
render_label_at(const struct render *r, int px, int py)
{
	int32_t row, col;

	if (!r->geom_ok || px < 0 || py < 0 || px >= r->g.w || py >= r->g.h)
		return 0;
	row = r->rowmap[py];
	col = r->colmap[px];
	if (row < 0 || col < 0)
		return 0;
	return r->labels[(size_t)row * r->g.cols + (size_t)col];
}

/* Whether a pixel of label l has a neighbour of another label. */
static int
edge(const struct render *r, int px, int py, int l)
{
	return render_label_at(r, px - 1, py) != l ||
	    render_label_at(r, px + 1, py) != l ||
	    render_label_at(r, px, py - 1) != l ||
	    render_label_at(r, px, py + 1) != l;
}

static void
compose(const struct render *r, const struct view *v, uint32_t *pixels)
{
	int px, py, l;
	int32_t row, col;
	size_t i;
	uint8_t g;

	for (py = 0; py < r->g.h; py++) {
		uint32_t *out = pixels + (size_t)py * r->g.w;

		row = r->rowmap[py];
		for (px = 0; px < r->g.w; px++) {
			col = r->colmap[px];
			if (row < 0 || col < 0) {
				out[px] = 0;
				continue;
			}
			i = (size_t)row * r->g.cols + (size_t)col;
			g = r->grey[i];
			l = v->mask_on ? r->labels[i] : 0;
			if (l != 0 && !v->outline)
				out[px] = palette_blend(g, (uint8_t)l,
				    v->opacity);
			else if (l != 0 && edge(r, px, py, l))
				out[px] = palette_colour((uint8_t)l);
			else
				out[px] = (uint32_t)g * 0x010101;
		}
	}
}

/*
 * Draws the view of the volume (NULL: the synthetic slice of the job's
 * shape) and the model's preview into w x h pixels (0x00RRGGBB).
 * Returns -1 when out of memory.
 */
int
render_frame(struct render *r, const struct volume *vol,
    const struct model *m, const struct view *v, uint32_t *pixels, int w,
    int h)
{
	static const double iso[3] = { 1, 1, 1 };
	const uint32_t *shape = vol != NULL ? vol->shape : m->vshape;
	size_t i;

	if (shape[0] == 0 || shape[1] == 0 || shape[2] == 0) {
		for (i = 0; i < (size_t)w * h; i++)
			pixels[i] = NO_VOLUME_GREY;
		return 0;
	}
	if (update_geom(r, v, shape, vol != NULL ? vol->spacing : iso, w,
	    h) == -1)
		return -1;
	update_values(r, vol, plane_slice(&r->g, v->slice[v->plane]));
	update_grey(r, v);
	update_labels(r, m);
	compose(r, v, pixels);
	return 0;
}
