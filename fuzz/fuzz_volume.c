/*
 * fuzz_volume.c: the viewer's volume loader on arbitrary files.  The
 * first byte picks the way in: 0 a file named .nii, 1 one named .nii.gz
 * (zlib reads a plain one too), 2 a raw file whose shape and type are
 * the next four bytes, 3 volume_check() on a header made of the bytes.
 * What is accepted must hold exactly its voxels, within the limits, and
 * have percentiles and a window.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "levels.h"
#include "volume.h"

#define MAX_BYTES	((size_t)64 << 10)	/* small: fast runs */

static char	dir[64];
static char	path[96];

static void
cleanup(void)
{
	static const char *const names[] = { "in.nii", "in.nii.gz",
	    "in.raw" };
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static const char *
put(const char *name, const uint8_t *data, size_t size)
{
	FILE *f;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/fuzz_volume.XXXXXX",
		    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 40 ?
		    getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(cleanup);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return path;
}

static double
le_float(const uint8_t *p)
{
	float f;

	memcpy(&f, p, sizeof(f));
	return f;
}

/* A header of the input's bytes, for volume_check() alone. */
static int
header(const uint8_t *d, size_t n, struct volume *v, const char **errstr)
{
	struct volume_header h;
	int i;

	if (n < 48) {
		*errstr = "short";
		return -1;
	}
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 8; i++)
		h.dim[i] = (int16_t)(d[2 * i] | d[2 * i + 1] << 8);
	h.datatype = d[16] | d[17] << 8;
	for (i = 1; i <= 3; i++)
		h.pixdim[i] = le_float(d + 14 + 4 * i);
	h.slope = le_float(d + 30);
	h.inter = le_float(d + 34);
	h.analyze = d[38] & 1;
	h.available = (int64_t)(d[39] | d[40] << 8 | d[41] << 16) - 1;
	if (volume_check(&h, MAX_BYTES, v, errstr) == 0 && v->nbytes > 0 &&
	    (v->data = calloc(1, v->nbytes)) == NULL)
		abort();
	return 0;
}

static int
load(const uint8_t *d, size_t n, struct volume *v, const char **errstr)
{
	uint32_t shape[3];
	int i;

	switch (d[0] % 4) {
	case 0:
		return volume_load_nifti(put("in.nii", d + 1, n - 1),
		    MAX_BYTES, v, errstr);
	case 1:
		return volume_load_nifti(put("in.nii.gz", d + 1, n - 1),
		    MAX_BYTES, v, errstr);
	case 2:
		if (n < 5) {
			*errstr = "short";
			return -1;
		}
		for (i = 0; i < 3; i++)
			shape[i] = 1 + d[1 + i] % 32;
		return volume_load_raw(put("in.raw", d + 5, n - 5), shape,
		    (enum volume_dtype)(d[4] % 6), MAX_BYTES, v, errstr);
	default:
		if (header(d + 1, n - 1, v, errstr) == -1)
			return -1;
		if (v->data == NULL && *errstr == NULL)
			*errstr = "empty";	/* no voxel to look at */
		return v->data != NULL ? 0 : -1;
	}
}

/* What any accepted volume must be. */
static void
check(const struct volume *v)
{
	struct levels_stats st;
	struct levels lv;
	size_t i, n = volume_voxels(v);
	int k;

	for (k = 0; k < 3; k++)
		if (v->shape[k] < 1 || v->shape[k] > VOLUME_MAX_DIM ||
		    !(v->spacing[k] > 0) || !isfinite(v->spacing[k]))
			abort();
	if (v->nbytes > MAX_BYTES || v->nbytes < n || v->data == NULL ||
	    !isfinite(v->slope) || !isfinite(v->inter))
		abort();
	for (i = 0; i < n; i++)
		(void)volume_at(v, i);	/* ASan: within the buffer */
	if (levels_stats(v, &st) == -1)
		abort();
	for (k = 0; k < LEVELS_PRESETS; k++) {
		levels_preset((enum levels_preset)k, &st, &lv);
		if (!(lv.window > 0))
			abort();
		(void)levels_grey(&lv, st.p1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *errstr = NULL;
	struct volume v;

	if (size < 1)
		return 0;
	memset(&v, 0, sizeof(v));
	if (load(data, size, &v, &errstr) == 0)
		check(&v);
	else if (v.data != NULL || errstr == NULL)
		abort();	/* a refusal keeps nothing and says why */
	volume_free(&v);
	return 0;
}
