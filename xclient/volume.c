/*
 * volume.c: --volume: a NIfTI file through Debian's NIfTI library, or a
 * raw file with --shape and --dtype.  volume_check() is the one place
 * that says what volume the viewer accepts; it reads no file, so the
 * fuzz target and the unit tests reach it directly.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nifti2_io.h>

#include "volume.h"

static const struct {
	const char		*name;
	int			 nifti;
	size_t			 size;
} types[] = {
	[VOLUME_UINT8] = { "uint8", DT_UINT8, 1 },
	[VOLUME_INT16] = { "int16", DT_INT16, 2 },
	[VOLUME_UINT16] = { "uint16", DT_UINT16, 2 },
	[VOLUME_INT32] = { "int32", DT_INT32, 4 },
	[VOLUME_FLOAT32] = { "float32", DT_FLOAT32, 4 },
	[VOLUME_FLOAT64] = { "float64", DT_FLOAT64, 8 },
};
#define NTYPES	(sizeof(types) / sizeof(types[0]))

/* Errors that name numbers are written here; errstr points to it. */
static char	why[512];

static int
fail(const char **errstr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(const char **errstr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	*errstr = why;
	return -1;
}

int
volume_parse_dtype(const char *name, enum volume_dtype *t)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (strcmp(name, types[i].name) == 0) {
			*t = (enum volume_dtype)i;
			return 0;
		}
	return -1;
}

const char *
volume_dtype_name(enum volume_dtype t)
{
	return types[t].name;
}

/* ZxYxX, each 1 .. VOLUME_MAX_DIM, nothing after. */
int
volume_parse_shape(const char *s, uint32_t shape[3])
{
	unsigned long v[3];
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		v[i] = strtoul(s, &end, 10);
		if (errno != 0 || v[i] < 1 || v[i] > VOLUME_MAX_DIM)
			return -1;
		if (*end != (i < 2 ? 'x' : '\0'))
			return -1;
		s = end + 1;
	}
	for (i = 0; i < 3; i++)
		shape[i] = (uint32_t)v[i];
	return 0;
}

/* Voxel sizes: NIfTI wants them positive; 0 or nonsense means 1. */
static int
check_spacing(const struct volume_header *h, struct volume *v,
    const char **errstr)
{
	double lo, hi, s;
	int i;

	for (i = 0; i < 3; i++) {
		s = fabs(h->pixdim[3 - i]);
		v->spacing[i] = isfinite(s) && s > 0 ? s : 1.0;
	}
	lo = hi = v->spacing[0];
	for (i = 1; i < 3; i++) {
		lo = v->spacing[i] < lo ? v->spacing[i] : lo;
		hi = v->spacing[i] > hi ? v->spacing[i] : hi;
	}
	if (hi / lo > 1000)
		return fail(errstr, "voxel sizes %g x %g x %g (i, j, k) are "
		    "more than 1000 times apart", v->spacing[2], v->spacing[1],
		    v->spacing[0]);
	return 0;
}

static int
check_type(const struct volume_header *h, struct volume *v,
    const char **errstr)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (types[i].nifti == h->datatype) {
			v->dtype = (enum volume_dtype)i;
			return 0;
		}
	return fail(errstr, "voxel type %s (NIfTI datatype %d) is not "
	    "supported: uint8, int16, uint16, int32, float32 and float64 are",
	    nifti_datatype_to_string(h->datatype), h->datatype);
}

static int
check_dims(const struct volume_header *h, struct volume *v,
    const char **errstr)
{
	int64_t n;
	int i;

	if (h->dim[0] < 1 || h->dim[0] > 7)
		return fail(errstr, "dim[0] is %lld: a NIfTI image has 1 to 7 "
		    "dimensions", (long long)h->dim[0]);
	for (i = 4; i <= h->dim[0]; i++)
		if (h->dim[i] != 1)
			return fail(errstr, "dim[%d] is %lld (a %lld-D image): "
			    "the viewer shows one 3-D volume", i,
			    (long long)h->dim[i], (long long)h->dim[0]);
	for (i = 1; i <= 3; i++) {
		n = i <= h->dim[0] ? h->dim[i] : 1;
		if (n < 1 || n > VOLUME_MAX_DIM)
			return fail(errstr, "dimension %c is %lld: each must be "
			    "1 .. %d", "ijk"[i - 1], (long long)n,
			    VOLUME_MAX_DIM);
		v->shape[3 - i] = (uint32_t)n;
	}
	return 0;
}

/*
 * Whether the header describes a volume the viewer can show and hold in
 * max_bytes: fills v's shape, spacing, type and scaling, not its data.
 */
int
volume_check(const struct volume_header *h, size_t max_bytes,
    struct volume *v, const char **errstr)
{
	size_t voxels;

	memset(v, 0, sizeof(*v));
	if (h->analyze)
		return fail(errstr, "no NIfTI magic (\"n+1\", \"ni1\", "
		    "\"n+2\"): an ANALYZE 7.5 header or a damaged file");
	if (check_dims(h, v, errstr) == -1 || check_type(h, v, errstr) == -1 ||
	    check_spacing(h, v, errstr) == -1)
		return -1;
	voxels = (size_t)v->shape[0] * v->shape[1] * v->shape[2];
	v->nbytes = voxels * types[v->dtype].size;
	if (v->nbytes > max_bytes)
		return fail(errstr, "%ux%ux%u %s voxels take %zu MiB, more "
		    "than the %zu MiB the viewer holds", v->shape[0],
		    v->shape[1], v->shape[2], types[v->dtype].name,
		    v->nbytes >> 20, max_bytes >> 20);
	if (h->available >= 0 && (uint64_t)h->available < v->nbytes)
		return fail(errstr, "truncated: %ux%ux%u %s voxels need %zu "
		    "bytes, the file holds %lld", v->shape[0], v->shape[1],
		    v->shape[2], types[v->dtype].name, v->nbytes,
		    (long long)h->available);
	if (!isfinite(h->slope) || !isfinite(h->inter))
		return fail(errstr, "scl_slope %g or scl_inter %g is not a "
		    "number", h->slope, h->inter);
	/* NIfTI: a slope of 0 means the stored values as they are. */
	v->slope = h->slope != 0 ? h->slope : 1.0;
	v->inter = h->slope != 0 ? h->inter : 0.0;
	return 0;
}

/*
 * Whether the file starts with a NIfTI-1 or -2 header (maybe gzipped)
 * with its magic: the library would take a header without one for an
 * ANALYZE 7.5 file, or for NIfTI anyway.
 */
static int
check_magic(const char *path, const char **errstr)
{
	char buf[sizeof(nifti_2_header)];
	nifti_1_header h1;
	nifti_2_header h2;
	znzFile f;
	size_t n;
	int version, magic, swapped;
	int16_t dt;

	f = znzopen(path, "rb", nifti_is_gzfile(path));
	if (znz_isnull(f))
		return fail(errstr, "cannot open it");
	n = znzread(buf, 1, sizeof(buf), f);
	znzclose(f);
	if (n < sizeof(nifti_1_header))
		return fail(errstr, "truncated: %zu bytes, shorter than a "
		    "NIfTI header", n);
	if ((version = nifti_header_version(buf, n)) < 0)
		return fail(errstr, "not a NIfTI file (its header size is "
		    "neither 348 nor 540)");
	if (version == 0)	/* the library's word for ANALYZE 7.5 */
		return fail(errstr, "no NIfTI magic: an ANALYZE 7.5 header "
		    "or a damaged file");
	if (version == 1) {
		memcpy(&h1, buf, sizeof(h1));
		magic = NIFTI_VERSION(h1);
		dt = h1.datatype;
		swapped = h1.sizeof_hdr != sizeof(h1);
	} else if (n < sizeof(h2))
		return fail(errstr, "truncated: %zu bytes, shorter than a "
		    "NIfTI-2 header", n);
	else {
		memcpy(&h2, buf, sizeof(h2));
		magic = NIFTI_VERSION(h2);
		dt = h2.datatype;
		swapped = h2.sizeof_hdr != sizeof(h2);
	}
	if (magic != version)
		return fail(errstr, "no NIfTI-%d magic (\"n+%d\" or \"ni%d\"): "
		    "a damaged file", version, version, version);
	if (swapped)
		nifti_swap_2bytes(1, &dt);
	/* The library would only say "bad datatype". */
	if (!nifti_datatype_is_valid(dt, 1))
		return fail(errstr, "voxel type code %d is no NIfTI type", dt);
	return 0;
}

/* The header facts of what nifti_image_read() found. */
static void
header_of(const nifti_image *nim, struct volume_header *h)
{
	int64_t size;
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < 8; i++)
		h->dim[i] = nim->dim[i];
	for (i = 1; i <= 3; i++)
		h->pixdim[i] = nim->pixdim[i];
	h->datatype = nim->datatype;
	h->slope = nim->scl_slope;
	h->inter = nim->scl_inter;
	h->analyze = nim->nifti_type == NIFTI_FTYPE_ANALYZE;
	h->available = -1;
	if (nim->iname != NULL && !nifti_is_gzfile(nim->iname) &&
	    (size = nifti_get_filesize(nim->iname)) >= 0)
		h->available = size > nim->iname_offset ? size -
		    nim->iname_offset : 0;
}

int
volume_load_nifti(const char *path, size_t max_bytes, struct volume *v,
    const char **errstr)
{
	struct volume_header h;
	struct stat st;
	nifti_image *nim;

	memset(v, 0, sizeof(*v));
	if (stat(path, &st) == -1)
		return fail(errstr, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(errstr, "not a regular file");
	nifti_set_debug_level(0);	/* our messages say it once */
	if (check_magic(path, errstr) == -1)
		return -1;
	if ((nim = nifti_image_read(path, 0)) == NULL)
		return fail(errstr, "the NIfTI library cannot read its header");
	header_of(nim, &h);
	if (volume_check(&h, max_bytes, v, errstr) == -1) {
		nifti_image_free(nim);
		return -1;
	}
	if (nifti_image_load(nim) == -1 || nim->data == NULL) {
		nifti_image_free(nim);
		fail(errstr, "truncated or unreadable: the %zu bytes of "
		    "%ux%ux%u %s voxels cannot be read", v->nbytes, v->shape[0],
		    v->shape[1], v->shape[2], types[v->dtype].name);
		memset(v, 0, sizeof(*v));
		return -1;
	}
	/* The library's buffer is the volume: no copy. */
	v->data = nim->data;
	nim->data = NULL;
	nifti_image_free(nim);
	return 0;
}

static int
read_raw(FILE *f, struct volume *v, const char **errstr)
{
	struct stat st;

	if (fstat(fileno(f), &st) == -1)
		return fail(errstr, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(errstr, "not a regular file");
	if ((uint64_t)st.st_size != v->nbytes)
		return fail(errstr, "%s: %lld bytes, but %ux%ux%u %s voxels "
		    "are %zu (wrong --shape or --dtype?)",
		    (uint64_t)st.st_size < v->nbytes ? "truncated" : "too long",
		    (long long)st.st_size, v->shape[0], v->shape[1],
		    v->shape[2], types[v->dtype].name, v->nbytes);
	if ((v->data = malloc(v->nbytes)) == NULL)
		return fail(errstr, "out of memory for %zu bytes", v->nbytes);
	if (fread(v->data, 1, v->nbytes, f) != v->nbytes)
		return fail(errstr, "read error");
	return 0;
}

/* Raw voxels, x fastest, in this machine's byte order. */
int
volume_load_raw(const char *path, const uint32_t shape[3],
    enum volume_dtype dtype, size_t max_bytes, struct volume *v,
    const char **errstr)
{
	struct volume_header h;
	FILE *f;
	int i;

	memset(&h, 0, sizeof(h));
	h.dim[0] = 3;
	for (i = 0; i < 3; i++) {
		h.dim[i + 1] = shape[2 - i];
		h.pixdim[i + 1] = 1.0;
	}
	h.datatype = types[dtype].nifti;
	h.available = -1;	/* read_raw() wants the exact size */
	if (volume_check(&h, max_bytes, v, errstr) == -1)
		return -1;
	if ((f = fopen(path, "rb")) == NULL) {
		memset(v, 0, sizeof(*v));
		return fail(errstr, "%s", strerror(errno));
	}
	if (read_raw(f, v, errstr) == -1) {
		fclose(f);
		volume_free(v);
		return -1;
	}
	fclose(f);
	return 0;
}

void
volume_free(struct volume *v)
{
	free(v->data);
	memset(v, 0, sizeof(*v));
}

size_t
volume_voxels(const struct volume *v)
{
	return (size_t)v->shape[0] * v->shape[1] * v->shape[2];
}

/* The value of voxel index (x fastest), scaled; NaN stays NaN. */
double
volume_at(const struct volume *v, size_t i)
{
	double s;

	switch (v->dtype) {
	case VOLUME_UINT8: s = ((const uint8_t *)v->data)[i]; break;
	case VOLUME_INT16: s = ((const int16_t *)v->data)[i]; break;
	case VOLUME_UINT16: s = ((const uint16_t *)v->data)[i]; break;
	case VOLUME_INT32: s = ((const int32_t *)v->data)[i]; break;
	case VOLUME_FLOAT32: s = ((const float *)v->data)[i]; break;
	default: s = ((const double *)v->data)[i]; break;
	}
	return s * v->slope + v->inter;
}
