/*
 * test_volume.c: the viewer's volume loader on files the NIfTI library
 * writes (NIfTI-1 and -2, gzipped or not, every type, slope, voxel
 * sizes) and on damaged ones: each refused with the reason it gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nifti2_io.h>

#include "niftiwrite.h"
#include "unit.h"
#include "volume.h"

static char	dir[] = "/tmp/test_volume.XXXXXX";
static char	path[256];

static const char *
file(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static struct niftiw
spec(int datatype, int64_t nx, int64_t ny, int64_t nz)
{
	struct niftiw w;

	memset(&w, 0, sizeof(w));
	w.dim[0] = 3;
	w.dim[1] = nx;
	w.dim[2] = ny;
	w.dim[3] = nz;
	w.dim[4] = w.dim[5] = w.dim[6] = w.dim[7] = 1;
	w.datatype = datatype;
	w.pixdim[1] = w.pixdim[2] = w.pixdim[3] = 1;
	w.version = 1;
	return w;
}

/* Every voxel of v against the pattern, scaled. */
static void
check_pattern(const struct volume *v, const struct niftiw *w)
{
	double slope = w->slope != 0 ? w->slope : 1, inter = w->slope != 0 ?
	    w->inter : 0;
	size_t n = 0, bad = 0;
	int64_t i, j, k;

	for (k = 0; k < w->dim[3]; k++)
		for (j = 0; j < w->dim[2]; j++)
			for (i = 0; i < w->dim[1]; i++, n++)
				bad += volume_at(v, n) != niftiw_pattern(
				    w->datatype, i, j, k) * slope + inter;
	CU_ASSERT_EQUAL(bad, 0);
}

static void
load_good(const char *name, const struct niftiw *w)
{
	const char *errstr = NULL;
	struct volume v;

	CU_ASSERT_EQUAL_FATAL(niftiw_write(file(name), w), 0);
	if (volume_load_nifti(file(name), VOLUME_MAX_BYTES, &v, &errstr) ==
	    -1) {
		fprintf(stderr, "%s: %s\n", name, errstr);
		CU_FAIL_FATAL("a good file was refused");
	}
	CU_ASSERT_EQUAL(v.shape[0], (uint32_t)w->dim[3]);
	CU_ASSERT_EQUAL(v.shape[1], (uint32_t)w->dim[2]);
	CU_ASSERT_EQUAL(v.shape[2], (uint32_t)w->dim[1]);
	CU_ASSERT_DOUBLE_EQUAL(v.spacing[0], w->pixdim[3], 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(v.spacing[2], w->pixdim[1], 1e-6);
	check_pattern(&v, w);
	volume_free(&v);
}

static void
test_types(void)
{
	static const int dts[] = { DT_UINT8, DT_INT16, DT_UINT16, DT_INT32,
	    DT_FLOAT32, DT_FLOAT64 };
	struct niftiw w;
	char name[64];
	size_t t;

	for (t = 0; t < sizeof(dts) / sizeof(dts[0]); t++) {
		w = spec(dts[t], 7, 5, 3);
		w.version = 1 + (int)(t % 2);
		snprintf(name, sizeof(name), "type%zu.nii%s", t,
		    t % 3 == 0 ? ".gz" : "");
		load_good(name, &w);
	}
}

static void
test_slope_pixdim(void)
{
	struct niftiw w = spec(DT_INT16, 9, 6, 4);

	w.slope = 2.5;
	w.inter = -1024;
	w.pixdim[1] = 0.8;
	w.pixdim[2] = 1.0;
	w.pixdim[3] = 5.0;
	load_good("slope.nii.gz", &w);
	w.version = 2;
	load_good("slope2.nii", &w);
}

/* The loader's message for path contains want. */
static void
refused(const char *p, size_t max, const char *want)
{
	const char *errstr = NULL;
	struct volume v;

	CU_ASSERT_EQUAL(volume_load_nifti(p, max, &v, &errstr), -1);
	CU_ASSERT_PTR_NULL(v.data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errstr);
	if (strstr(errstr, want) == NULL) {
		fprintf(stderr, "\"%s\": got \"%s\", want \"%s\"\n", p, errstr,
		    want);
		CU_FAIL("the wrong reason");
	}
}

static void
cut(const char *p, long keep)
{
	CU_ASSERT_EQUAL(truncate(p, keep), 0);
}

static void
test_damaged(void)
{
	struct niftiw w = spec(DT_INT16, 20, 20, 20);
	FILE *f;

	niftiw_write(file("short.nii"), &w);
	cut(path, 352 + 20 * 20 * 20 * 2 - 100);
	refused(path, VOLUME_MAX_BYTES, "truncated");
	niftiw_write(file("short.nii.gz"), &w);
	cut(path, 300);
	refused(path, VOLUME_MAX_BYTES, "truncated");
	niftiw_write(file("header.nii"), &w);
	cut(path, 200);
	refused(path, VOLUME_MAX_BYTES, "shorter than a NIfTI header");
	niftiw_write(file("magic.nii"), &w);
	f = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 344, SEEK_SET);
	fwrite("xyz", 1, 4, f);
	fclose(f);
	refused(path, VOLUME_MAX_BYTES, "no NIfTI magic");
	f = fopen(file("text.nii"), "w");
	fprintf(f, "%0400d\n", 0);
	fclose(f);
	refused(path, VOLUME_MAX_BYTES, "not a NIfTI file");
	refused(file("missing.nii"), VOLUME_MAX_BYTES, "No such file");
	refused(dir, VOLUME_MAX_BYTES, "not a regular file");
}

static void
test_unsupported(void)
{
	struct niftiw w = spec(DT_RGB24, 4, 4, 4);

	niftiw_write(file("rgb.nii"), &w);
	refused(path, VOLUME_MAX_BYTES, "RGB24");
	w = spec(DT_COMPLEX64, 4, 4, 4);
	niftiw_write(file("complex.nii.gz"), &w);
	refused(path, VOLUME_MAX_BYTES, "not supported");
	w = spec(DT_UINT8, 4, 4, 4);
	w.dim[0] = 4;
	w.dim[4] = 3;
	niftiw_write(file("series.nii"), &w);
	refused(path, VOLUME_MAX_BYTES, "one 3-D volume");
	w = spec(DT_UINT8, 4100, 2, 1);
	niftiw_write(file("wide.nii"), &w);
	refused(path, VOLUME_MAX_BYTES, "dimension i is 4100");
	w = spec(DT_FLOAT64, 64, 64, 64);
	niftiw_write(file("big.nii.gz"), &w);
	refused(path, 1 << 20, "more than the 1 MiB");
}

static void
test_check(void)
{
	struct volume_header h;
	struct volume v;
	const char *errstr;

	memset(&h, 0, sizeof(h));
	h.dim[0] = 2;
	h.dim[1] = 10;
	h.dim[2] = 20;
	h.datatype = DT_UINT8;
	h.available = -1;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), 0);
	CU_ASSERT_EQUAL(v.shape[0], 1);
	CU_ASSERT_EQUAL(v.shape[1], 20);
	CU_ASSERT_EQUAL(v.shape[2], 10);
	/* pixdim 0: 1 mm; slope 0: the values as stored */
	CU_ASSERT_DOUBLE_EQUAL(v.spacing[1], 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(v.slope, 1.0, 0);
	h.pixdim[1] = 0.001;
	h.pixdim[2] = 5;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), -1);
	h.pixdim[1] = 1;
	h.dim[0] = 8;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), -1);
	h.dim[0] = 3;
	h.dim[3] = 0;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), -1);
	h.dim[3] = 5;
	h.available = 999;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errstr, "truncated"));
	h.available = 1000;
	h.slope = 1.0 / 0.0;
	CU_ASSERT_EQUAL(volume_check(&h, VOLUME_MAX_BYTES, &v, &errstr), -1);
}

static void
test_raw(void)
{
	uint32_t shape[3] = { 2, 3, 4 };
	int16_t data[24];
	const char *errstr;
	struct volume v;
	FILE *f;
	int i;

	for (i = 0; i < 24; i++)
		data[i] = (int16_t)(i * 100 - 1000);
	f = fopen(file("raw.bin"), "wb");
	fwrite(data, sizeof(data[0]), 24, f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(volume_load_raw(path, shape, VOLUME_INT16,
	    VOLUME_MAX_BYTES, &v, &errstr), 0);
	for (i = 0; i < 24; i++)
		CU_ASSERT_EQUAL(volume_at(&v, (size_t)i), data[i]);
	volume_free(&v);
	shape[0] = 3;
	CU_ASSERT_EQUAL(volume_load_raw(path, shape, VOLUME_INT16,
	    VOLUME_MAX_BYTES, &v, &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errstr, "truncated: 48 bytes"));
	shape[0] = 1;
	CU_ASSERT_EQUAL(volume_load_raw(path, shape, VOLUME_INT16,
	    VOLUME_MAX_BYTES, &v, &errstr), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errstr, "too long"));
	CU_ASSERT_PTR_NULL(v.data);
}

static void
test_parse(void)
{
	uint32_t s[3];
	enum volume_dtype t;

	CU_ASSERT_EQUAL(volume_parse_shape("181x217x181", s), 0);
	CU_ASSERT_EQUAL(s[0], 181);
	CU_ASSERT_EQUAL(s[2], 181);
	CU_ASSERT_EQUAL(volume_parse_shape("1x1x4096", s), 0);
	CU_ASSERT_EQUAL(volume_parse_shape("0x1x1", s), -1);
	CU_ASSERT_EQUAL(volume_parse_shape("1x1x4097", s), -1);
	CU_ASSERT_EQUAL(volume_parse_shape("1x1", s), -1);
	CU_ASSERT_EQUAL(volume_parse_shape("1x1x1x", s), -1);
	CU_ASSERT_EQUAL(volume_parse_shape("-1x1x1", s), -1);
	CU_ASSERT_EQUAL(volume_parse_dtype("float32", &t), 0);
	CU_ASSERT_EQUAL(t, VOLUME_FLOAT32);
	CU_ASSERT_STRING_EQUAL(volume_dtype_name(VOLUME_UINT16), "uint16");
	CU_ASSERT_EQUAL(volume_parse_dtype("int8", &t), -1);
}

static CU_TestInfo cases[] = {
	{ "every type, NIfTI-1 and -2, gzipped or not", test_types },
	{ "scl_slope, scl_inter and anisotropic pixdim", test_slope_pixdim },
	{ "truncated, wrong magic, not NIfTI, missing", test_damaged },
	{ "unsupported type, 4-D, too wide, too big", test_unsupported },
	{ "volume_check on headers", test_check },
	{ "raw volumes and their sizes", test_raw },
	{ "--shape and --dtype", test_parse },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	int rc;
	char cmd[64];

	if (mkdtemp(dir) == NULL)
		return 99;
	nifti_set_debug_level(0);
	rc = unit_run("volume", cases);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 99;
	return rc;
}
