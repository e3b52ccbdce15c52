/*
 * view.h: the private header of maskstream-view, the Xlib viewer.  The
 * network side (net.c, create.c) feeds messages to the model (model.c);
 * the window (window.c) draws the model over the volume (volume.c) with
 * render.c, plane.c, levels.c and palette.c, and keys.c says what keys
 * do; main.c ties them to one libwebsockets event loop that also
 * watches the X connection.  Prototypes are grouped by file.
 */
#ifndef MS_VIEW_H
#define MS_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "id.h"
#include "levels.h"
#include "msg.h"
#include "volume.h"

enum conn_state {
	CONN_CONNECTING,
	CONN_LIVE,
	CONN_RECONNECTING,
	CONN_CLOSED
};

/* What the viewer knows of its job, from the messages it accepted. */
struct model {
	char		 job_id[ID_JOB_LEN + 1];
	enum job_state	 state;
	int		 progress;
	int		 have_status;
	int64_t		 last_seq;	/* newest broadcast seq; -1: none */
	int64_t		 snapshot_seq;	/* seq of the last fresh status */
	char		 epoch[MSG_EPOCH_MAX];
	uint32_t	 vshape[3];	/* the volume, from status */
	uint32_t	 pshape[3];	/* the latest preview */
	uint32_t	 scale;
	uint8_t		*mask;		/* pshape voxels */
	size_t		 mask_len;
	uint64_t	 label_voxels[256];	/* of the latest preview */
	int64_t		 preview_seq;
	uint64_t	 previews;
	uint64_t	 messages;
	uint64_t	 invalid;
	double		 latency_ms;	/* of the newest message */
	double		 rate;		/* messages per second, last second */
	int64_t		 rate_window;	/* start of the current second */
	uint64_t	 rate_count;
	enum conn_state	 conn;
	int		 terminal;	/* completed or error received */
	char		 note[160];	/* last problem, shown in the status */
};

enum plane {
	PLANE_AXIAL,
	PLANE_CORONAL,
	PLANE_SAGITTAL,
	PLANE_COUNT
};

/* What the user chose to see; keys and the mouse change it. */
struct view {
	enum plane	 plane;
	long		 slice[PLANE_COUNT];	/* -1: the middle */
	double		 zoom;			/* 1: the slice fits */
	double		 pan[2];		/* voxels (col, row) off centre */
	struct levels	 lv;
	int		 preset;		/* enum levels_preset; -1: by hand */
	int		 opacity;		/* of the mask, percent */
	int		 outline;		/* outline only */
	int		 mask_on;
	int		 help;			/* the key list is shown */
};

/* Options from the command line. */
struct options {
	const char	*url;		/* http://host:port */
	const char	*socket;	/* control socket instead of HTTP */
	const char	*job;
	const char	*token;
	int		 create;	/* create the job */
	uint32_t	 cshape[3];	/* its shape: given, or the volume's */
	uint32_t	 scale;		/* of its previews; 0: the server's */
	const char	*encoding;	/* of previews: "deflate" or "base64" */
	double		 duration_s;
	int		 headless;
	long		 frames;	/* exit after this many previews */
	int		 exit_on_complete;
	const char	*snapshot;	/* PNG (or .ppm) of the window */
	const char	*volume;	/* the image under the mask */
	uint32_t	 rshape[3];	/* a raw volume's shape; 0: NIfTI */
	enum volume_dtype dtype;	/* a raw volume's type */
	int		 have_dtype;
	struct view	 view;		/* the first view */
	long		 slice;		/* of its plane; -1: the middle */
	int		 have_levels;	/* --window and --level given */
	int		 width, height;
};

/* A slice placed in the window: plane.c. */
struct plane_geom {
	enum plane	 plane;
	uint32_t	 rows, cols, depth;
	double		 row_mm, col_mm;	/* voxel size along them */
	int		 w, h;			/* the area */
	double		 sx, sy;		/* pixels per voxel */
	double		 x0, y0;		/* where the slice's corner is */
};

/* render.c's caches: each is redone only when what it depends on changes. */
struct render {
	struct plane_geom g;
	uint32_t	 shape[3];
	uint32_t	 slice;
	int32_t		*colmap, *rowmap;	/* pixel -> column, row; -1 */
	int64_t		*rowoff, *coloff;	/* a slice's voxels in a grid */
	uint32_t	*urows, *ucols;		/* rows, columns on the screen */
	uint32_t	 nurows, nucols;
	size_t		 cap;			/* voxels the slice buffers hold */
	double		*values;		/* the slice's values */
	uint8_t		*grey;			/* under the window and level */
	uint8_t		*labels;		/* the preview's labels */
	int		 geom_ok, values_ok, grey_ok, labels_ok;
	struct view	 seen;			/* the view they were made for */
	const struct volume *vol;
	uint64_t	 previews;		/* model's count they show */
};

/* options.c */
void	options_parse(struct options *o, int argc, char **argv);

/* model.c */
void	model_init(struct model *m, const char *job_id);
void	model_free(struct model *m);
int	model_apply(struct model *m, const char *text, size_t len,
	    int64_t now_us, FILE *lines);
void	model_note(struct model *m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *model_conn_name(enum conn_state c);
/* "labels 1 2 5" for those the latest preview holds; "" for none. */
void	model_labels_present(const struct model *m, char *buf, size_t len);

/* plane.c */
const char *plane_name(enum plane p);
int	plane_parse(const char *s, enum plane *p);
void	plane_layout(struct plane_geom *g, enum plane p,
	    const uint32_t shape[3], const double spacing[3]);
uint32_t plane_slice(const struct plane_geom *g, long want);
void	plane_voxel(const struct plane_geom *g, uint32_t s, uint32_t row,
	    uint32_t col, uint32_t zyx[3]);
void	plane_fit(struct plane_geom *g, int w, int h, double zoom,
	    const double pan[2]);
long	plane_col_at(const struct plane_geom *g, int px);
long	plane_row_at(const struct plane_geom *g, int py);

/* palette.c */
uint32_t palette_colour(uint8_t label);
uint32_t palette_blend(uint8_t g, uint8_t label, int opacity);

/* render.c */
#define RENDER_STATUS_HEIGHT	36
uint8_t	render_background(const uint32_t vshape[3], uint32_t z, uint32_t y,
	    uint32_t x);
void	render_init(struct render *r);
void	render_free(struct render *r);
int	render_frame(struct render *r, const struct volume *vol,
	    const struct model *m, const struct view *v, uint32_t *pixels,
	    int w, int h);
int	render_label_at(const struct render *r, int px, int py);
uint8_t	render_preview_label(const struct model *m, const uint32_t zyx[3]);
void	render_default_view(struct view *v);

/* snapshot.c */
int	snapshot_write(const char *path, const uint32_t *px, int w, int h,
	    const char **errstr);

/* keys.c */
enum keys_result { KEYS_NONE, KEYS_REDRAW, KEYS_QUIT };
enum keys_result keys_press(struct view *v, const struct levels_stats *st,
	    const struct plane_geom *g, unsigned long keysym, int shift);
extern const char *const keys_help[];

#endif
