/*
 * window.h: the viewer's Xlib window (window.c).
 */
#ifndef MS_WINDOW_H
#define MS_WINDOW_H

#include <X11/Xlib.h>

#include "view.h"

struct window {
	Display		*dpy;
	Window		 win;
	GC		 gc;
	Visual		*visual;
	Atom		 wm_delete;
	XFontStruct	*font;
	int		 width, height;		/* the whole window */
	XImage		*img;			/* the slice area */
	int		 iw, ih;
	uint8_t		*bg;			/* cached background slice */
	int		 bg_valid;
	uint32_t	 bg_z;
	uint32_t	 bg_vshape[3];
	long		 zwant;			/* -1: the middle slice */
	int		 quit;
};

int	window_open(struct window *w, int width, int height, long zslice,
	    const char **errstr);
void	window_close(struct window *w);
void	window_dispatch(struct window *w, const struct model *m);
void	window_draw(struct window *w, const struct model *m);
void	window_draw_status(struct window *w, const struct model *m);
int	window_snapshot(struct window *w, const char *path);

#endif
