/*
 * test_plane.c: slicing the volume in three planes, placing a slice in
 * the window with its voxels' proportions, and the label palette.
 */
#include <string.h>

#include "unit.h"
#include "view.h"

static const uint32_t shape[3] = { 4, 5, 6 };	/* z, y, x */
static const double mm[3] = { 5, 1, 0.5 };

static void
test_layout(void)
{
	struct plane_geom g;
	uint32_t v[3];

	plane_layout(&g, PLANE_AXIAL, shape, mm);
	CU_ASSERT(g.depth == 4 && g.rows == 5 && g.cols == 6);
	plane_voxel(&g, 2, 0, 0, v);	/* top left: y last, x first */
	CU_ASSERT(v[0] == 2 && v[1] == 4 && v[2] == 0);
	plane_layout(&g, PLANE_CORONAL, shape, mm);
	CU_ASSERT(g.depth == 5 && g.rows == 4 && g.cols == 6);
	CU_ASSERT_DOUBLE_EQUAL(g.row_mm, 5, 0);
	plane_voxel(&g, 1, 3, 5, v);	/* bottom right: z 0, x last */
	CU_ASSERT(v[0] == 0 && v[1] == 1 && v[2] == 5);
	plane_layout(&g, PLANE_SAGITTAL, shape, mm);
	CU_ASSERT(g.depth == 6 && g.rows == 4 && g.cols == 5);
	plane_voxel(&g, 3, 0, 0, v);	/* top left: z last, y last */
	CU_ASSERT(v[0] == 3 && v[1] == 4 && v[2] == 3);
	CU_ASSERT_EQUAL(plane_slice(&g, -1), 3);
	CU_ASSERT_EQUAL(plane_slice(&g, 99), 5);
}

static void
test_fit(void)
{
	static const double none[2] = { 0, 0 }, pan[2] = { 1, 0 };
	static const uint32_t s[3] = { 10, 10, 20 };
	static const double iso[3] = { 2, 2, 1 };
	struct plane_geom g;

	/* Coronal: 10 rows of 2 mm, 20 columns of 1 mm: a square. */
	plane_layout(&g, PLANE_CORONAL, s, iso);
	plane_fit(&g, 200, 100, 1, none);
	CU_ASSERT_DOUBLE_EQUAL(g.sx, 5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(g.sy, 10, 1e-12);
	CU_ASSERT_EQUAL(plane_col_at(&g, 49), -1);	/* left margin */
	CU_ASSERT_EQUAL(plane_col_at(&g, 50), 0);
	CU_ASSERT_EQUAL(plane_col_at(&g, 149), 19);
	CU_ASSERT_EQUAL(plane_col_at(&g, 150), -1);
	CU_ASSERT_EQUAL(plane_row_at(&g, 9), 0);
	CU_ASSERT_EQUAL(plane_row_at(&g, 10), 1);
	CU_ASSERT_EQUAL(plane_row_at(&g, 99), 9);
	/* Twice the zoom, panned a column right: column 11 starts at the
	 * centre, each 10 pixels wide. */
	plane_fit(&g, 200, 100, 2, pan);
	CU_ASSERT_DOUBLE_EQUAL(g.sx, 10, 1e-12);
	CU_ASSERT_EQUAL(plane_col_at(&g, 99), 10);
	CU_ASSERT_EQUAL(plane_col_at(&g, 100), 11);
	CU_ASSERT_EQUAL(plane_col_at(&g, 0), 1);
}

static void
test_palette(void)
{
	int g;

	/* Label 1 at 50 %: the red the viewer always drew. */
	for (g = 0; g < 256; g++)
		CU_ASSERT_EQUAL(palette_blend((uint8_t)g, 1, 50),
		    (uint32_t)((g + 255) / 2) << 16 | (uint32_t)(g / 2) << 8 |
		    (uint32_t)(g / 2));
	CU_ASSERT_EQUAL(palette_colour(1), 0xff0000);
	CU_ASSERT_EQUAL(palette_colour(17), palette_colour(1));
	CU_ASSERT(palette_colour(2) != palette_colour(1));
	CU_ASSERT_EQUAL(palette_blend(77, 3, 0), 77 * 0x010101u);
	CU_ASSERT_EQUAL(palette_blend(77, 3, 100), palette_colour(3));
}

static void
test_names(void)
{
	enum plane p;

	CU_ASSERT_EQUAL(plane_parse("sagittal", &p), 0);
	CU_ASSERT_EQUAL(p, PLANE_SAGITTAL);
	CU_ASSERT_EQUAL(plane_parse("transverse", &p), -1);
	CU_ASSERT_STRING_EQUAL(plane_name(PLANE_CORONAL), "coronal");
}

static CU_TestInfo cases[] = {
	{ "three planes: sizes and voxels", test_layout },
	{ "fit, aspect, zoom and pan", test_fit },
	{ "label palette", test_palette },
	{ "plane names", test_names },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("plane", cases);
}
