/*
 * window.h: the viewer's Xlib window (window.c) and its events
 * (xevents.c).
 */
#ifndef MS_WINDOW_H
#define MS_WINDOW_H

#include <X11/Xlib.h>

#include "view.h"

/* A mouse drag in progress: where it began and what it changes. */
struct drag {
	int		 button;	/* 0: none */
	int		 x, y;
	double		 pan[2];
	struct levels	 lv;
};

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
	struct render	 rd;
	struct view	 view;
	const struct volume *vol;		/* NULL: synthetic */
	const struct levels_stats *stats;
	struct drag	 drag;
	int		 quit;
};

int	window_open(struct window *w, int width, int height,
	    const struct view *view, const struct volume *vol,
	    const struct levels_stats *stats, const char **errstr);
void	window_close(struct window *w);
int	window_make_image(struct window *w);
void	window_dispatch(struct window *w, const struct model *m);
void	window_draw(struct window *w, const struct model *m);
void	window_draw_status(struct window *w, const struct model *m);
int	window_snapshot(struct window *w, const struct model *m,
	    const char *path, const char **errstr);

#endif
