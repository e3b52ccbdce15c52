/*
 * xevents.c: the window's X events, through a table of handlers as in
 * cwm: exposure and resizing, keys (keys.c says what they do), mouse
 * drags for pan and window/level, the wheel for slices, and close.
 */
#include <math.h>
#include <string.h>

#include <X11/Xutil.h>
#include <X11/keysym.h>

#include "window.h"

/* Pixels of drag that double the window or move the level by it. */
#define DRAG_WINDOW	150.0
#define DRAG_LEVEL	300.0

static void	on_expose(struct window *, const struct model *, XEvent *);
static void	on_configure(struct window *, const struct model *, XEvent *);
static void	on_key(struct window *, const struct model *, XEvent *);
static void	on_press(struct window *, const struct model *, XEvent *);
static void	on_release(struct window *, const struct model *, XEvent *);
static void	on_motion(struct window *, const struct model *, XEvent *);
static void	on_message(struct window *, const struct model *, XEvent *);

static void (*const handlers[LASTEvent])(struct window *,
    const struct model *, XEvent *) = {
	[Expose] = on_expose,
	[ConfigureNotify] = on_configure,
	[KeyPress] = on_key,
	[ButtonPress] = on_press,
	[ButtonRelease] = on_release,
	[MotionNotify] = on_motion,
	[ClientMessage] = on_message,
};

static void
on_expose(struct window *w, const struct model *m, XEvent *e)
{
	if (e->xexpose.count == 0)
		window_draw(w, m);
}

static void
on_configure(struct window *w, const struct model *m, XEvent *e)
{
	if (e->xconfigure.width == w->width &&
	    e->xconfigure.height == w->height)
		return;
	w->width = e->xconfigure.width;
	w->height = e->xconfigure.height;
	if (window_make_image(w) == -1)
		w->quit = 1;
	else
		window_draw(w, m);
}

static void
on_key(struct window *w, const struct model *m, XEvent *e)
{
	KeySym k;
	char c[8];

	XLookupString(&e->xkey, c, sizeof(c), &k, NULL);
	switch (keys_press(&w->view, w->stats, &w->rd.g, k,
	    (e->xkey.state & ShiftMask) != 0)) {
	case KEYS_QUIT:
		w->quit = 1;
		break;
	case KEYS_REDRAW:
		window_draw(w, m);
		break;
	default:
		break;
	}
}

static void
on_press(struct window *w, const struct model *m, XEvent *e)
{
	unsigned long k;

	switch (e->xbutton.button) {
	case Button1:
	case Button3:
		w->drag.button = (int)e->xbutton.button;
		w->drag.x = e->xbutton.x;
		w->drag.y = e->xbutton.y;
		memcpy(w->drag.pan, w->view.pan, sizeof(w->drag.pan));
		w->drag.lv = w->view.lv;
		return;
	case Button4:
	case Button5:
		k = e->xbutton.button == Button4 ? XK_Up : XK_Down;
		if (keys_press(&w->view, w->stats, &w->rd.g, k, 0) ==
		    KEYS_REDRAW)
			window_draw(w, m);
		return;
	default:
		return;
	}
}

static void
on_release(struct window *w, const struct model *m, XEvent *e)
{
	(void)m;
	if ((int)e->xbutton.button == w->drag.button)
		w->drag.button = 0;
}

/* Left drag pans, right drag sets the window (x) and the level (y). */
static void
on_motion(struct window *w, const struct model *m, XEvent *e)
{
	struct view *v = &w->view;
	int dx, dy;

	/* Only the newest position matters. */
	while (XCheckTypedWindowEvent(w->dpy, w->win, MotionNotify, e))
		;
	dx = e->xmotion.x - w->drag.x;
	dy = e->xmotion.y - w->drag.y;
	if (w->drag.button == Button1 && w->rd.geom_ok) {
		v->pan[0] = w->drag.pan[0] - dx / w->rd.g.sx;
		v->pan[1] = w->drag.pan[1] - dy / w->rd.g.sy;
	} else if (w->drag.button == Button3) {
		v->lv = w->drag.lv;
		levels_adjust(&v->lv, exp(dx / DRAG_WINDOW), 0);
		v->lv.level = w->drag.lv.level - dy * w->drag.lv.window /
		    DRAG_LEVEL;
		v->preset = -1;
	} else
		return;
	window_draw(w, m);
}

static void
on_message(struct window *w, const struct model *m, XEvent *e)
{
	(void)m;
	if ((Atom)e->xclient.data.l[0] == w->wm_delete)
		w->quit = 1;
}

/* Handles every event Xlib has read or can read without blocking. */
void
window_dispatch(struct window *w, const struct model *m)
{
	XEvent e;

	while (!w->quit && XPending(w->dpy) > 0) {
		XNextEvent(w->dpy, &e);
		if (e.type < LASTEvent && handlers[e.type] != NULL)
			handlers[e.type](w, m, &e);
	}
}
