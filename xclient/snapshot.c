/*
 * snapshot.c: --snapshot: pixels (0x00RRGGBB) to a file, PNG through
 * libpng, or binary PPM when the name ends in ".ppm".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "view.h"

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static int
write_ppm(FILE *f, const uint32_t *px, int w, int h)
{
	size_t i;

	fprintf(f, "P6\n%d %d\n255\n", w, h);
	for (i = 0; i < (size_t)w * h; i++) {
		putc((int)(px[i] >> 16 & 0xff), f);
		putc((int)(px[i] >> 8 & 0xff), f);
		putc((int)(px[i] & 0xff), f);
	}
	return ferror(f) ? -1 : 0;
}

/* libpng reports errors by longjmp(); row is freed by the caller. */
static int
write_png(FILE *f, const uint32_t *px, int w, int h, png_bytep row)
{
	png_structp png;
	png_infop info;
	int x, y;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    NULL);
	if (png == NULL)
		return -1;
	if ((info = png_create_info_struct(png)) == NULL ||
	    setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			uint32_t p = px[(size_t)y * w + x];

			row[x * 3] = (png_byte)(p >> 16);
			row[x * 3 + 1] = (png_byte)(p >> 8);
			row[x * 3 + 2] = (png_byte)p;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
snapshot_write(const char *path, const uint32_t *px, int w, int h,
    const char **errstr)
{
	png_bytep row;
	FILE *f;
	int rc;

	if ((f = fopen(path, "wb")) == NULL) {
		*errstr = strerror(errno);
		return -1;
	}
	if (ends_with(path, ".ppm"))
		rc = write_ppm(f, px, w, h);
	else if ((row = malloc((size_t)w * 3)) == NULL)
		rc = -1;
	else {
		rc = write_png(f, px, w, h, row);
		free(row);
	}
	if (fclose(f) != 0 || rc == -1) {
		*errstr = "cannot write the image";
		return -1;
	}
	return 0;
}
