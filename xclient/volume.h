/*
 * volume.h: the image under the mask (volume.c): a NIfTI-1 or NIfTI-2
 * file read with Debian's NIfTI library, or a raw file, held once in
 * its own voxel type.  NIfTI's i, j, k are the job's x, y, z.
 */
#ifndef MS_VOLUME_H
#define MS_VOLUME_H

#include <stddef.h>
#include <stdint.h>

/* The most a volume may hold, in bytes of voxels. */
#define VOLUME_MAX_BYTES	((size_t)4 << 30)
#define VOLUME_MAX_DIM		4096

enum volume_dtype {
	VOLUME_UINT8,
	VOLUME_INT16,
	VOLUME_UINT16,
	VOLUME_INT32,
	VOLUME_FLOAT32,
	VOLUME_FLOAT64
};

/* What a file says about its voxels, before any of them is read. */
struct volume_header {
	int64_t		 dim[8];	/* NIfTI's: dim[0] = ndim, 1..3 = i, j, k */
	int		 datatype;	/* NIfTI's DT_* code */
	double		 pixdim[4];	/* [1..3]: voxel size along i, j, k */
	double		 slope, inter;	/* scl_slope, scl_inter */
	int		 analyze;	/* no NIfTI magic: ANALYZE 7.5 */
	int64_t		 available;	/* voxel bytes in the file; -1: unknown */
};

struct volume {
	uint32_t		 shape[3];	/* [z, y, x] = [k, j, i] */
	double			 spacing[3];	/* voxel size along z, y, x */
	enum volume_dtype	 dtype;
	void			*data;		/* x fastest, native byte order */
	size_t			 nbytes;
	double			 slope, inter;	/* value = stored * slope + inter */
};

int	volume_check(const struct volume_header *h, size_t max_bytes,
	    struct volume *v, const char **errstr);
int	volume_load_nifti(const char *path, size_t max_bytes, struct volume *v,
	    const char **errstr);
int	volume_load_raw(const char *path, const uint32_t shape[3],
	    enum volume_dtype dtype, size_t max_bytes, struct volume *v,
	    const char **errstr);
void	volume_free(struct volume *v);
double	volume_at(const struct volume *v, size_t index);
size_t	volume_voxels(const struct volume *v);
int	volume_parse_dtype(const char *name, enum volume_dtype *t);
const char *volume_dtype_name(enum volume_dtype t);
int	volume_parse_shape(const char *s, uint32_t shape[3]);

#endif
