/*
 * test_render.c: render_frame() with its caches, offsets and visible
 * voxels against a plain pixel-by-pixel rendering with plane.c,
 * levels.c and palette.c, through planes, slices, zoom, pan, window and
 * level, new previews, outline mode and several labels.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "view.h"

#define W	97
#define H	61

static struct volume	vol;
static struct model	m;

/* A float64 volume 9 x 14 x 23 of distinct values, 5 x 1 x 0.5 mm. */
static void
setup(void)
{
	double *d;
	size_t i, n = 9 * 14 * 23;

	memset(&vol, 0, sizeof(vol));
	vol.shape[0] = 9;
	vol.shape[1] = 14;
	vol.shape[2] = 23;
	vol.spacing[0] = 5;
	vol.spacing[1] = 1;
	vol.spacing[2] = 0.5;
	vol.dtype = VOLUME_FLOAT64;
	vol.slope = 1;
	vol.nbytes = n * sizeof(*d);
	d = malloc(vol.nbytes);
	for (i = 0; i < n; i++)
		d[i] = (double)((i * 37) % 1000) / 4;
	vol.data = d;
	memset(&m, 0, sizeof(m));
	memcpy(m.vshape, vol.shape, sizeof(m.vshape));
	m.scale = 2;
	m.pshape[0] = 5;
	m.pshape[1] = 7;
	m.pshape[2] = 12;
	m.mask_len = 5 * 7 * 12;
	m.mask = malloc(m.mask_len);
}

/* A preview of labels 0 .. 3 that differs with k. */
static void
preview(unsigned k)
{
	size_t i;

	for (i = 0; i < m.mask_len; i++)
		m.mask[i] = (uint8_t)((i * 7 + k) % 11 < 4 ? (i + k) % 4 : 0);
	m.previews++;
}

/* The pixel as the man page defines it, from scratch. */
static uint32_t
plain(const struct view *v, int px, int py)
{
	struct plane_geom g;
	uint32_t s, zyx[3];
	long row, col;
	uint8_t grey, l;

	plane_layout(&g, v->plane, vol.shape, vol.spacing);
	plane_fit(&g, W, H, v->zoom, v->pan);
	row = plane_row_at(&g, py);
	col = plane_col_at(&g, px);
	if (row < 0 || col < 0)
		return 0;
	s = plane_slice(&g, v->slice[v->plane]);
	plane_voxel(&g, s, (uint32_t)row, (uint32_t)col, zyx);
	grey = levels_grey(&v->lv, volume_at(&vol, ((size_t)zyx[0] *
	    vol.shape[1] + zyx[1]) * vol.shape[2] + zyx[2]));
	l = v->mask_on ? render_preview_label(&m, zyx) : 0;
	return l != 0 ? palette_blend(grey, l, v->opacity) : grey * 0x010101u;
}

static long
differences(struct render *r, const struct view *v)
{
	static uint32_t img[W * H];
	long bad = 0;
	int px, py;

	CU_ASSERT_EQUAL_FATAL(render_frame(r, &vol, &m, v, img, W, H), 0);
	for (py = 0; py < H; py++)
		for (px = 0; px < W; px++)
			bad += img[py * W + px] != plain(v, px, py);
	return bad;
}

static void
test_against_plain(void)
{
	static const double zooms[] = { 1, 0.6, 3.3 };
	struct render r;
	struct view v;
	int p, z, s, k = 0;

	setup();
	render_init(&r);
	render_default_view(&v);
	v.lv.window = 200;
	v.lv.level = 120;
	v.opacity = 60;
	for (p = 0; p < PLANE_COUNT; p++)
		for (z = 0; z < 3; z++)
			for (s = -1; s < 30; s += 7) {
				v.plane = (enum plane)p;
				v.zoom = zooms[z];
				v.pan[0] = z == 2 ? 2.5 : 0;
				v.pan[1] = z == 2 ? -1.25 : 0;
				v.slice[p] = s;
				CU_ASSERT_EQUAL(differences(&r, &v), 0);
				preview((unsigned)++k);
				CU_ASSERT_EQUAL(differences(&r, &v), 0);
				v.lv.level += 13;
				CU_ASSERT_EQUAL(differences(&r, &v), 0);
			}
	v.mask_on = 0;
	CU_ASSERT_EQUAL(differences(&r, &v), 0);
	render_free(&r);
	volume_free(&vol);
	free(m.mask);
}

/* Outline: a labelled pixel is drawn only where a neighbour differs. */
static void
test_outline(void)
{
	static uint32_t img[W * H];
	struct render r;
	struct view v;
	long inner = 0, edge = 0;
	int px, py, l;

	setup();
	memset(m.mask, 0, m.mask_len);
	memset(m.mask + 2 * 7 * 12, 5, 7 * 12);	/* preview slice 2: all 5 */
	m.previews = 1;
	render_init(&r);
	render_default_view(&v);
	v.outline = 1;
	v.slice[PLANE_AXIAL] = 4;
	CU_ASSERT_EQUAL_FATAL(render_frame(&r, &vol, &m, &v, img, W, H), 0);
	for (py = 1; py < H - 1; py++)
		for (px = 1; px < W - 1; px++) {
			if ((l = render_label_at(&r, px, py)) != 5)
				continue;
			if (render_label_at(&r, px - 1, py) == 5 &&
			    render_label_at(&r, px + 1, py) == 5 &&
			    render_label_at(&r, px, py - 1) == 5 &&
			    render_label_at(&r, px, py + 1) == 5) {
				inner++;
				CU_ASSERT_NOT_EQUAL(img[py * W + px],
				    palette_colour(5));
			} else {
				edge++;
				CU_ASSERT_EQUAL(img[py * W + px],
				    palette_colour(5));
			}
		}
	CU_ASSERT(inner > 0 && edge > 0);
	render_free(&r);
	volume_free(&vol);
	free(m.mask);
}

static CU_TestInfo cases[] = {
	{ "cached rendering equals the plain one", test_against_plain },
	{ "outline mode", test_outline },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("render", cases);
}
