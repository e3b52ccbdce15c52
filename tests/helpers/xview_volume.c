/*
 * xview_volume.c: the volume tests' helper.  "write DIR" writes test
 * volumes (good and damaged) with the NIfTI library; "check" compares a
 * maskstream-view --volume snapshot, pixel by pixel, with what it must
 * show: the volume read here with the NIfTI library itself, sliced and
 * placed as maskstream-view(1) says, under the window and level, with
 * the fake generator's mask (gen_mask()) blended in red, or, with TICKS
 * "file:PATH", the preview of PATH (raw voxels of the preview shape) in
 * each label's colour as maskstream-view(1) lists them.  Exits 0 or 1.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nifti2_io.h>
#include <png.h>

#include "gen.h"
#include "niftiwrite.h"

#define STATUS_HEIGHT	36	/* the window's status line */
#define MAX_TICKS	8

struct args {
	const char	*png, *volume, *plane;
	long		 slice;
	double		 window, level;
	int		 opacity;
	uint64_t	 seed;
	uint32_t	 scale;
	uint64_t	 ticks[MAX_TICKS];
	int		 nticks;
	const char	*maskfile;	/* "file:PATH": the preview instead */
};

/* The label colours maskstream-view(1) lists, 1 (red) to 8, for checks. */
static const uint32_t label_colours[] = {
	0xff0000, 0x00d000, 0x0060ff, 0xffdc00, 0x00dcdc, 0xe600e6,
	0xff8200, 0x8c3cff
};

/* The volume as the checker reads it, independently of the viewer. */
struct vol {
	int64_t		 n[3];		/* i, j, k */
	double		 mm[3];
	double		*v;		/* scaled values, i fastest */
};

/* A slice placed in the image: rows and columns, and the voxel rule. */
struct slice {
	int		 plane;		/* 0 axial, 1 coronal, 2 sagittal */
	int64_t		 rows, cols, depth, s;
	double		 row_mm, col_mm;
	double		 sx, sy, x0, y0;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: xview_volume write DIR\n"
	    "       xview_volume check SNAP.png VOLUME PLANE SLICE WINDOW "
	    "LEVEL OPACITY SEED SCALE TICKS|file:PREVIEW\n");
	exit(1);
}

static struct niftiw
spec(int datatype, int version)
{
	struct niftiw w;

	memset(&w, 0, sizeof(w));
	w.dim[0] = 3;
	w.dim[1] = 37;		/* i: x */
	w.dim[2] = 41;		/* j: y */
	w.dim[3] = 23;		/* k: z */
	w.dim[4] = w.dim[5] = w.dim[6] = w.dim[7] = 1;
	w.datatype = datatype;
	w.pixdim[1] = w.pixdim[2] = w.pixdim[3] = 1;
	w.version = version;
	return w;
}

static int
put(const char *dir, const char *name, const struct niftiw *w, long cut)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (niftiw_write(path, w) == -1 || (cut > 0 && truncate(path,
	    cut) == -1)) {
		fprintf(stderr, "xview_volume: cannot write \"%s\"\n", path);
		return -1;
	}
	return 0;
}

/*
 * The job's shape is 23x41x37.  iso.nii: uint8, 1 mm.  aniso.nii.gz:
 * int16 with slope 2 and intercept -50, voxels of 0.8 x 1 x 5 mm.
 * n2.nii.gz: NIfTI-2, float32.  Then the damaged ones.
 */
static int
write_all(const char *dir)
{
	struct niftiw w = spec(DT_UINT8, 1);
	int rc = 0;

	rc |= put(dir, "iso.nii", &w, 0);
	w = spec(DT_INT16, 1);
	w.slope = 2;
	w.inter = -50;
	w.pixdim[1] = 0.8;
	w.pixdim[3] = 5;
	rc |= put(dir, "aniso.nii.gz", &w, 0);
	w = spec(DT_FLOAT32, 2);
	rc |= put(dir, "n2.nii.gz", &w, 0);
	w = spec(DT_INT16, 1);
	rc |= put(dir, "truncated.nii", &w, 352 + 37 * 41 * 23);
	rc |= put(dir, "truncated.nii.gz", &w, 400);
	w.dim[0] = 4;
	w.dim[4] = 5;
	rc |= put(dir, "series.nii", &w, 0);
	w = spec(DT_RGB24, 1);
	rc |= put(dir, "rgb.nii", &w, 0);
	w = spec(DT_UINT8, 1);
	w.dim[1] = 36;
	rc |= put(dir, "narrow.nii", &w, 0);
	return rc == 0 ? 0 : 1;
}

static int
read_volume(const char *path, struct vol *out)
{
	nifti_image *nim;
	double slope, inter, s;
	int64_t i;
	int a;

	nifti_set_debug_level(0);
	if ((nim = nifti_image_read(path, 1)) == NULL || nim->nt > 1) {
		fprintf(stderr, "xview_volume: cannot read \"%s\"\n", path);
		nifti_image_free(nim);
		return -1;
	}
	out->n[0] = nim->nx;
	out->n[1] = nim->ny;
	out->n[2] = nim->nz;
	for (a = 0; a < 3; a++) {
		s = fabs(nim->pixdim[a + 1]);
		out->mm[a] = isfinite(s) && s > 0 ? s : 1.0;
	}
	slope = nim->scl_slope != 0 ? nim->scl_slope : 1;
	inter = nim->scl_slope != 0 ? nim->scl_inter : 0;
	if ((out->v = malloc((size_t)nim->nvox * sizeof(double))) == NULL) {
		nifti_image_free(nim);
		return -1;
	}
	for (i = 0; i < nim->nvox; i++) {
		switch (nim->datatype) {
		case DT_UINT8: s = ((uint8_t *)nim->data)[i]; break;
		case DT_INT16: s = ((int16_t *)nim->data)[i]; break;
		case DT_UINT16: s = ((uint16_t *)nim->data)[i]; break;
		case DT_INT32: s = ((int32_t *)nim->data)[i]; break;
		case DT_FLOAT32: s = ((float *)nim->data)[i]; break;
		case DT_FLOAT64: s = ((double *)nim->data)[i]; break;
		default:
			fprintf(stderr, "xview_volume: type %d\n",
			    nim->datatype);
			nifti_image_free(nim);
			free(out->v);
			return -1;
		}
		out->v[i] = s * slope + inter;
	}
	nifti_image_free(nim);
	return 0;
}

/*
 * maskstream-view(1): axial shows k, i to the right, j upward; coronal
 * shows j, i to the right, k upward; sagittal shows i, j to the left, k
 * upward.  At zoom 1 the slice fits the area, centred, in millimetres.
 */
static void
place(struct slice *sl, const struct vol *v, int w, int h)
{
	static const int axes[3][3] = { { 2, 1, 0 }, { 1, 2, 0 },
	    { 0, 2, 1 } };	/* slice, row, column: i 0, j 1, k 2 */
	const int *a = axes[sl->plane];
	double fx, fy, f;

	sl->depth = v->n[a[0]];
	sl->rows = v->n[a[1]];
	sl->cols = v->n[a[2]];
	sl->row_mm = v->mm[a[1]];
	sl->col_mm = v->mm[a[2]];
	if (sl->s < 0)
		sl->s = sl->depth / 2;
	if (sl->s >= sl->depth)
		sl->s = sl->depth - 1;
	fx = w / (sl->cols * sl->col_mm);
	fy = h / (sl->rows * sl->row_mm);
	f = fx < fy ? fx : fy;
	sl->sx = f * sl->col_mm;
	sl->sy = f * sl->row_mm;
	sl->x0 = w / 2.0 - (sl->cols / 2.0) * sl->sx;
	sl->y0 = h / 2.0 - (sl->rows / 2.0) * sl->sy;
}

/* The voxel (i, j, k) under pixel (px, py), or -1. */
static int
voxel_at(const struct slice *sl, int px, int py, int64_t ijk[3])
{
	double c = floor((px + 0.5 - sl->x0) / sl->sx);
	double r = floor((py + 0.5 - sl->y0) / sl->sy);
	int64_t row, col;

	if (c < 0 || r < 0 || c >= sl->cols || r >= sl->rows)
		return -1;
	row = (int64_t)r;
	col = (int64_t)c;
	if (sl->plane == 0) {
		ijk[0] = col, ijk[1] = sl->rows - 1 - row, ijk[2] = sl->s;
	} else if (sl->plane == 1) {
		ijk[0] = col, ijk[1] = sl->s, ijk[2] = sl->rows - 1 - row;
	} else {
		ijk[0] = sl->s, ijk[1] = sl->cols - 1 - col;
		ijk[2] = sl->rows - 1 - row;
	}
	return 0;
}

static unsigned
grey(const struct args *a, double v)
{
	double g = (v - (a->level - a->window / 2)) * 255.0 / a->window;

	if (!(g > 0))
		return 0;
	return g >= 255 ? 255 : (unsigned)(g + 0.5);
}

static uint32_t
blend(unsigned g, uint32_t c, uint32_t o)
{
	return (g * (100 - o) + c * o) / 100;
}

/* The pixel of grey g under label (0: none) at the opacity asked for. */
static uint32_t
expect(const struct args *a, unsigned g, unsigned label)
{
	uint32_t o = (uint32_t)a->opacity, c;

	if (label == 0)
		return g * 0x010101u;
	c = label_colours[(label - 1) % (sizeof(label_colours) /
	    sizeof(label_colours[0]))];
	return blend(g, c >> 16, o) << 16 | blend(g, c >> 8 & 0xff, o) << 8 |
	    blend(g, c & 0xff, o);
}

static uint8_t *
read_png(const char *path, int *w, int *h)
{
	png_image img;
	uint8_t *px;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "xview_volume: \"%s\": %s\n", path,
		    img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	if ((px = malloc(PNG_IMAGE_SIZE(img))) == NULL ||
	    !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "xview_volume: \"%s\": %s\n", path,
		    img.message);
		free(px);
		return NULL;
	}
	*w = (int)img.width;
	*h = (int)img.height;
	return px;
}

/* A preview of shape ps from a file of its raw voxels. */
static uint8_t *
mask_file(const char *path, const uint32_t ps[3])
{
	size_t n = (size_t)ps[0] * ps[1] * ps[2];
	uint8_t *m;
	FILE *f;

	if ((m = malloc(n + 1)) == NULL || (f = fopen(path, "rb")) == NULL)
		exit(1);
	if (fread(m, 1, n + 1, f) != n) {
		fprintf(stderr, "xview_volume: \"%s\" is not %zu voxels\n",
		    path, n);
		exit(1);
	}
	fclose(f);
	return m;
}

/* The preview of one tick, as the fake producer of a job without end. */
static uint8_t *
mask_of(const struct args *a, const struct vol *v, uint64_t tick,
    uint32_t ps[3])
{
	struct gen_params gp;
	uint8_t *m;
	int i;

	for (i = 0; i < 3; i++)
		ps[i] = (uint32_t)((v->n[2 - i] + a->scale - 1) / a->scale);
	if (a->maskfile != NULL)
		return mask_file(a->maskfile, ps);
	memset(&gp, 0, sizeof(gp));
	gp.seed = a->seed;
	memcpy(gp.shape, ps, sizeof(gp.shape));
	gp.continuous = 1;
	if ((m = malloc((size_t)ps[0] * ps[1] * ps[2])) == NULL)
		exit(1);
	gen_mask(&gp, tick, 0, m);
	return m;
}

/* Mismatching pixels against one tick's mask; prints what it saw. */
static long
check_tick(const struct args *a, const struct vol *v, struct slice *sl,
    const uint8_t *rgb, int w, int h, uint64_t tick)
{
	uint32_t ps[3];
	uint8_t *m = mask_of(a, v, tick, ps);
	long shown = 0, masked = 0, bad = 0;
	int64_t q[3];
	int px, py;
	unsigned on;

	for (py = 0; py < h; py++)
		for (px = 0; px < w; px++) {
			const uint8_t *p = rgb + ((size_t)py * w + px) * 3;
			uint32_t got = (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
			uint32_t want = 0;

			if (voxel_at(sl, px, py, q) == 0) {
				shown++;
				on = m[((size_t)(q[2] / a->scale) * ps[1] +
				    (size_t)(q[1] / a->scale)) * ps[2] +
				    (size_t)(q[0] / a->scale)];
				masked += on != 0;
				want = expect(a, grey(a, v->v[(q[2] * v->n[1] +
				    q[1]) * v->n[0] + q[0]]), on);
			}
			bad += got != want;
		}
	printf("tick %llu: %s slice %lld of %lld, %lldx%lld voxels of "
	    "%.3gx%.3g px; pixels %ld on the slice, %ld masked; %ld differ\n",
	    (unsigned long long)tick, a->plane, (long long)sl->s,
	    (long long)sl->depth, (long long)sl->cols, (long long)sl->rows,
	    sl->sx, sl->sy, shown, masked, bad);
	free(m);
	return bad == 0 && shown > 0 && masked > 0 && masked < shown ? 0 :
	    bad + 1;
}

static void
parse(int argc, char **argv, struct args *a)
{
	char *t, *save;

	if (argc != 12)
		usage();
	a->png = argv[2];
	a->volume = argv[3];
	a->plane = argv[4];
	a->slice = strtol(argv[5], NULL, 10);
	a->window = strtod(argv[6], NULL);
	a->level = strtod(argv[7], NULL);
	a->opacity = atoi(argv[8]);
	a->seed = strtoull(argv[9], NULL, 10);
	a->scale = (uint32_t)strtoul(argv[10], NULL, 10);
	if (strncmp(argv[11], "file:", 5) == 0) {
		a->maskfile = argv[11] + 5;
		a->nticks = 1;
	}
	for (t = strtok_r(argv[11], ",", &save); a->maskfile == NULL &&
	    t != NULL &&
	    a->nticks < MAX_TICKS; t = strtok_r(NULL, ",", &save))
		a->ticks[a->nticks++] = strtoull(t, NULL, 10);
	if (a->scale < 1 || !(a->window > 0) || a->nticks == 0 ||
	    a->opacity < 0 || a->opacity > 100)
		usage();
}

static int
check(int argc, char **argv)
{
	struct args a;
	struct vol v;
	struct slice sl;
	uint8_t *rgb;
	int w, h, t;

	memset(&a, 0, sizeof(a));
	parse(argc, argv, &a);
	memset(&sl, 0, sizeof(sl));
	sl.plane = strcmp(a.plane, "axial") == 0 ? 0 :
	    strcmp(a.plane, "coronal") == 0 ? 1 : 2;
	sl.s = a.slice;
	if (read_volume(a.volume, &v) == -1 ||
	    (rgb = read_png(a.png, &w, &h)) == NULL)
		return 1;
	if (h <= STATUS_HEIGHT) {
		free(rgb);
		free(v.v);
		return 1;
	}
	h -= STATUS_HEIGHT;	/* the slice area */
	place(&sl, &v, w, h);
	for (t = 0; t < a.nticks; t++)
		if (check_tick(&a, &v, &sl, rgb, w, h, a.ticks[t]) == 0)
			break;
	free(rgb);
	free(v.v);
	if (t == a.nticks) {
		printf("FAIL: the snapshot matches none of the ticks\n");
		return 1;
	}
	printf("OK: the snapshot shows tick %llu\n",
	    (unsigned long long)a.ticks[t]);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return write_all(argv[2]);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check(argc, argv);
	usage();
}
