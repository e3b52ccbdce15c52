/*
 * plane.c: slicing the volume and placing a slice in the window.  A
 * slice is shown as the voxel axes are stored, i to the right and j
 * (axial) or k (coronal, sagittal) upward, j to the left in sagittal;
 * its voxels keep their proportions (pixdim), zoomed about a centre.
 */
#include <math.h>
#include <string.h>

#include "view.h"

static const char *const names[PLANE_COUNT] = {
	"axial", "coronal", "sagittal"
};

const char *
plane_name(enum plane p)
{
	return names[p];
}

int
plane_parse(const char *s, enum plane *p)
{
	int i;

	for (i = 0; i < PLANE_COUNT; i++)
		if (strcmp(s, names[i]) == 0) {
			*p = (enum plane)i;
			return 0;
		}
	return -1;
}

/*
 * The slice's rows and columns, the number of slices, and the size of a
 * voxel along a row and a column, for a volume of shape [z, y, x].
 */
void
plane_layout(struct plane_geom *g, enum plane p, const uint32_t shape[3],
    const double spacing[3])
{
	static const int axes[PLANE_COUNT][3] = {
		/* slice axis, row axis, column axis, as indices of [z, y, x] */
		{ 0, 1, 2 }, { 1, 0, 2 }, { 2, 0, 1 }
	};
	const int *a = axes[p];

	memset(g, 0, sizeof(*g));
	g->plane = p;
	g->depth = shape[a[0]];
	g->rows = shape[a[1]];
	g->cols = shape[a[2]];
	g->row_mm = spacing[a[1]];
	g->col_mm = spacing[a[2]];
}

/* The middle slice for -1, else want within the volume. */
uint32_t
plane_slice(const struct plane_geom *g, long want)
{
	if (g->depth == 0)
		return 0;
	if (want < 0)
		return g->depth / 2;
	return want >= (long)g->depth ? g->depth - 1 : (uint32_t)want;
}

/* The voxel [z, y, x] shown at row, col of slice s. */
void
plane_voxel(const struct plane_geom *g, uint32_t s, uint32_t row,
    uint32_t col, uint32_t zyx[3])
{
	uint32_t up = g->rows - 1 - row;

	switch (g->plane) {
	case PLANE_AXIAL:
		zyx[0] = s, zyx[1] = up, zyx[2] = col;
		break;
	case PLANE_CORONAL:
		zyx[0] = up, zyx[1] = s, zyx[2] = col;
		break;
	default:
		zyx[0] = up, zyx[1] = g->cols - 1 - col, zyx[2] = s;
		break;
	}
}

/*
 * Places the slice in a w x h area: at zoom 1 it fits, centred, with
 * square millimetres; pan (columns, rows) moves the voxel shown at the
 * centre away from the slice's own centre.
 */
void
plane_fit(struct plane_geom *g, int w, int h, double zoom,
    const double pan[2])
{
	double fx = w / (g->cols * g->col_mm), fy = h / (g->rows * g->row_mm);
	double ppmm = (fx < fy ? fx : fy) * zoom;

	g->w = w;
	g->h = h;
	g->sx = ppmm * g->col_mm;
	g->sy = ppmm * g->row_mm;
	g->x0 = w / 2.0 - (g->cols / 2.0 + pan[0]) * g->sx;
	g->y0 = h / 2.0 - (g->rows / 2.0 + pan[1]) * g->sy;
}

/* The column under pixel column px (its centre), or -1. */
long
plane_col_at(const struct plane_geom *g, int px)
{
	double c = floor((px + 0.5 - g->x0) / g->sx);

	return c >= 0 && c < g->cols ? (long)c : -1;
}

long
plane_row_at(const struct plane_geom *g, int py)
{
	double r = floor((py + 0.5 - g->y0) / g->sy);

	return r >= 0 && r < g->rows ? (long)r : -1;
}
