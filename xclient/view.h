/*
 * view.h: the private header of maskstream-view, the Xlib viewer.  The
 * network side (net.c, create.c) feeds messages to the model (model.c);
 * the window (window.c) draws the model with render.c; main.c ties them
 * to one libwebsockets event loop that also watches the X connection.
 * Prototypes are grouped by the file that defines them.
 */
#ifndef MS_VIEW_H
#define MS_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "id.h"
#include "msg.h"

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

/* Options from the command line. */
struct options {
	const char	*url;		/* http://host:port */
	const char	*socket;	/* control socket instead of HTTP */
	const char	*job;
	const char	*token;
	const char	*create;	/* ZxYxX */
	const char	*encoding;	/* of previews: "deflate" or "base64" */
	double		 duration_s;
	int		 headless;
	long		 frames;	/* exit after this many previews */
	int		 exit_on_complete;
	const char	*snapshot;	/* PPM of the window after --frames */
	long		 zslice;	/* -1: the middle */
	int		 width, height;
};

/* model.c */
void	model_init(struct model *m, const char *job_id);
void	model_free(struct model *m);
int	model_apply(struct model *m, const char *text, size_t len,
	    int64_t now_us, FILE *lines);
void	model_note(struct model *m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *model_conn_name(enum conn_state c);

/* render.c */
#define RENDER_STATUS_HEIGHT	36
uint8_t	render_background(const uint32_t vshape[3], uint32_t z, uint32_t y,
	    uint32_t x);
int	render_mask_at(const struct model *m, uint32_t z, int px, int py,
	    int w, int h);
void	render_background_slice(const uint32_t vshape[3], uint32_t z,
	    uint8_t *bg, int w, int h);
void	render_compose(const struct model *m, uint32_t z, const uint8_t *bg,
	    uint32_t *pixels, int w, int h);
uint32_t render_zslice(const struct model *m, long want);

#endif
