/*
 * niftiwrite.c: writes test volumes through the NIfTI library itself, so
 * the viewer's loader meets files as the library makes them: NIfTI-1 or
 * -2, gzipped by name, any type, slope and voxel size.
 */
#include <string.h>

#include <nifti2_io.h>

#include "niftiwrite.h"

/*
 * Distinct neighbours on every axis, so a voxel off by one shows; values
 * that fit every type (0 .. 249), negative ones for the signed types.
 */
double
niftiw_pattern(int datatype, int64_t i, int64_t j, int64_t k)
{
	double v = (double)((i * 7 + j * 31 + k * 53) % 250);

	if (datatype == DT_INT16 || datatype == DT_INT32)
		return v - 100;
	if (datatype == DT_FLOAT32 || datatype == DT_FLOAT64)
		return v / 4 - 10;
	return v;
}

static void
store(nifti_image *nim, size_t n, double v)
{
	switch (nim->datatype) {
	case DT_UINT8: ((uint8_t *)nim->data)[n] = (uint8_t)v; break;
	case DT_INT16: ((int16_t *)nim->data)[n] = (int16_t)v; break;
	case DT_UINT16: ((uint16_t *)nim->data)[n] = (uint16_t)v; break;
	case DT_INT32: ((int32_t *)nim->data)[n] = (int32_t)v; break;
	case DT_FLOAT32: ((float *)nim->data)[n] = (float)v; break;
	case DT_FLOAT64: ((double *)nim->data)[n] = v; break;
	default: memset((char *)nim->data + n * (size_t)nim->nbyper, (int)v,
	    (size_t)nim->nbyper); break;
	}
}

int
niftiw_write(const char *path, const struct niftiw *w)
{
	nifti_image *nim;
	int64_t i, j, k, t, nt;
	size_t n = 0;

	if ((nim = nifti_make_new_nim(w->dim, w->datatype, 1)) == NULL)
		return -1;
	nt = nim->nvox / (nim->nx * nim->ny * nim->nz);
	for (t = 0; t < nt; t++)
		for (k = 0; k < nim->nz; k++)
			for (j = 0; j < nim->ny; j++)
				for (i = 0; i < nim->nx; i++)
					store(nim, n++, niftiw_pattern(
					    w->datatype, i, j, k));
	for (i = 1; i <= 3; i++)
		nim->pixdim[i] = w->pixdim[i];
	nim->dx = w->pixdim[1];
	nim->dy = w->pixdim[2];
	nim->dz = w->pixdim[3];
	nim->scl_slope = w->slope;
	nim->scl_inter = w->inter;
	nim->nifti_type = w->version == 2 ? NIFTI_FTYPE_NIFTI2_1 :
	    NIFTI_FTYPE_NIFTI1_1;
	if (nifti_set_filenames(nim, path, 0, 1) != 0) {
		nifti_image_free(nim);
		return -1;
	}
	nifti_image_write(nim);
	nifti_image_free(nim);
	return nifti_get_filesize(path) > 0 ? 0 : -1;
}
