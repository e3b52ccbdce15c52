/*
 * window.c: the viewer's window, plain Xlib.  The slice with its mask is
 * one XImage scaled to the window; below it a status line, drawn with
 * the server's "fixed" font: job, state, a progress bar, seq, messages
 * per second, latency and the connection's state.  X events go through
 * a table of handlers, as in cwm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xatom.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#include "window.h"

#define BAR_WIDTH	120

static void	on_expose(struct window *, const struct model *, XEvent *);
static void	on_configure(struct window *, const struct model *, XEvent *);
static void	on_key(struct window *, const struct model *, XEvent *);
static void	on_message(struct window *, const struct model *, XEvent *);

static void (*const handlers[LASTEvent])(struct window *,
    const struct model *, XEvent *) = {
	[Expose] = on_expose,
	[ConfigureNotify] = on_configure,
	[KeyPress] = on_key,
	[ClientMessage] = on_message,
};

static void
free_image(struct window *w)
{
	if (w->img != NULL)
		XDestroyImage(w->img);	/* frees its pixels too */
	w->img = NULL;
	free(w->bg);
	w->bg = NULL;
	w->bg_valid = 0;
}

/* (Re)creates the slice image for the current window size. */
static int
make_image(struct window *w)
{
	uint32_t *pixels;

	free_image(w);
	w->iw = w->width;
	w->ih = w->height - RENDER_STATUS_HEIGHT;
	if (w->ih < 1)
		w->ih = 1;
	pixels = calloc((size_t)w->iw * w->ih, sizeof(*pixels));
	w->bg = malloc((size_t)w->iw * w->ih);
	if (pixels == NULL || w->bg == NULL) {
		free(pixels);
		return -1;
	}
	w->img = XCreateImage(w->dpy, w->visual, 24, ZPixmap, 0,
	    (char *)pixels, (unsigned int)w->iw, (unsigned int)w->ih, 32, 0);
	if (w->img == NULL) {
		free(pixels);
		return -1;
	}
	return 0;
}

int
window_open(struct window *w, int width, int height, long zslice,
    const char **errstr)
{
	XVisualInfo vi;
	int screen;

	memset(w, 0, sizeof(*w));
	w->zwant = zslice;
	w->width = width;
	w->height = height;
	if ((w->dpy = XOpenDisplay(NULL)) == NULL) {
		*errstr = "cannot open the X display (is DISPLAY set?)";
		return -1;
	}
	screen = DefaultScreen(w->dpy);
	if (!XMatchVisualInfo(w->dpy, screen, 24, TrueColor, &vi) ||
	    vi.red_mask != 0xff0000 || vi.green_mask != 0xff00 ||
	    vi.blue_mask != 0xff) {
		*errstr = "the display has no 24-bit RGB TrueColor visual";
		XCloseDisplay(w->dpy);
		return -1;
	}
	w->visual = vi.visual;
	w->win = XCreateSimpleWindow(w->dpy, RootWindow(w->dpy, screen), 0, 0,
	    (unsigned int)width, (unsigned int)height, 0,
	    BlackPixel(w->dpy, screen), BlackPixel(w->dpy, screen));
	XStoreName(w->dpy, w->win, "maskstream-view");
	XSelectInput(w->dpy, w->win, ExposureMask | KeyPressMask |
	    StructureNotifyMask);
	w->wm_delete = XInternAtom(w->dpy, "WM_DELETE_WINDOW", False);
	XSetWMProtocols(w->dpy, w->win, &w->wm_delete, 1);
	w->gc = XCreateGC(w->dpy, w->win, 0, NULL);
	if ((w->font = XLoadQueryFont(w->dpy, "fixed")) != NULL)
		XSetFont(w->dpy, w->gc, w->font->fid);
	if (make_image(w) == -1) {
		*errstr = "out of memory for the image";
		window_close(w);
		return -1;
	}
	XMapWindow(w->dpy, w->win);
	XFlush(w->dpy);
	return 0;
}

void
window_close(struct window *w)
{
	if (w->dpy == NULL)
		return;
	free_image(w);
	if (w->font != NULL)
		XFreeFont(w->dpy, w->font);
	XFreeGC(w->dpy, w->gc);
	XDestroyWindow(w->dpy, w->win);
	XCloseDisplay(w->dpy);
	w->dpy = NULL;
}

static void
draw_slice(struct window *w, const struct model *m)
{
	uint32_t z = render_zslice(m, w->zwant);

	if (!w->bg_valid || w->bg_z != z ||
	    memcmp(w->bg_vshape, m->vshape, sizeof(w->bg_vshape)) != 0) {
		render_background_slice(m->vshape, z, w->bg, w->iw, w->ih);
		w->bg_valid = 1;
		w->bg_z = z;
		memcpy(w->bg_vshape, m->vshape, sizeof(w->bg_vshape));
	}
	render_compose(m, z, w->bg, (uint32_t *)(void *)w->img->data, w->iw,
	    w->ih);
	XPutImage(w->dpy, w->win, w->gc, w->img, 0, 0, 0, 0,
	    (unsigned int)w->iw, (unsigned int)w->ih);
}

static void
text(struct window *w, int x, int y, const char *s)
{
	XDrawString(w->dpy, w->win, w->gc, x, y, s, (int)strlen(s));
}

static void
draw_status(struct window *w, const struct model *m)
{
	int y0 = w->ih, base = y0 + 14;
	char left[128], right[256];
	int filled = BAR_WIDTH * m->progress / 100;

	XSetForeground(w->dpy, w->gc, 0x202830);
	XFillRectangle(w->dpy, w->win, w->gc, 0, y0, (unsigned int)w->width,
	    RENDER_STATUS_HEIGHT);
	XSetForeground(w->dpy, w->gc, 0xe0e0e0);
	snprintf(left, sizeof(left), "job %.12s  %s", m->job_id[0] != '\0' ?
	    m->job_id : "-", m->have_status ? msg_state_name(m->state) : "-");
	text(w, 6, base, left);
	XDrawRectangle(w->dpy, w->win, w->gc, 200, y0 + 4, BAR_WIDTH, 12);
	XSetForeground(w->dpy, w->gc, 0x40c060);
	XFillRectangle(w->dpy, w->win, w->gc, 201, y0 + 5,
	    (unsigned int)(filled > 0 ? filled - 1 : 0), 11);
	XSetForeground(w->dpy, w->gc, 0xe0e0e0);
	snprintf(right, sizeof(right), "%3d%%  seq %lld  %.1f msg/s  "
	    "%.1f ms  %s", m->progress, (long long)m->last_seq, m->rate,
	    m->latency_ms, model_conn_name(m->conn));
	text(w, 200 + BAR_WIDTH + 8, base, right);
	snprintf(right, sizeof(right), "z %u/%u  %s",
	    render_zslice(m, w->zwant), m->vshape[0], m->note);
	text(w, 6, base + 15, right);
}

/* Only the status line: for messages that change no pixel of the slice. */
void
window_draw_status(struct window *w, const struct model *m)
{
	draw_status(w, m);
	XFlush(w->dpy);
}

void
window_draw(struct window *w, const struct model *m)
{
	draw_slice(w, m);
	draw_status(w, m);
	XFlush(w->dpy);
}

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
	if (make_image(w) == -1)
		w->quit = 1;
	else
		window_draw(w, m);
}

/* Up/Down move one slice, PgUp/PgDn a tenth of the volume. */
static void
on_key(struct window *w, const struct model *m, XEvent *e)
{
	KeySym k = XLookupKeysym(&e->xkey, 0);
	long z = (long)render_zslice(m, w->zwant);
	long step = m->vshape[0] >= 10 ? m->vshape[0] / 10 : 1;

	switch (k) {
	case XK_q:
	case XK_Escape:
		w->quit = 1;
		return;
	case XK_Up: z += 1; break;
	case XK_Down: z -= 1; break;
	case XK_Page_Up: z += step; break;
	case XK_Page_Down: z -= step; break;
	default: return;
	}
	w->zwant = z < 0 ? 0 : z;
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

/* Writes what the window shows of the slice, read back from X, as PPM. */
int
window_snapshot(struct window *w, const char *path)
{
	XImage *img;
	FILE *f;
	int x, y;

	img = XGetImage(w->dpy, w->win, 0, 0, (unsigned int)w->iw,
	    (unsigned int)w->ih, AllPlanes, ZPixmap);
	if (img == NULL || (f = fopen(path, "w")) == NULL) {
		if (img != NULL)
			XDestroyImage(img);
		return -1;
	}
	fprintf(f, "P6\n%d %d\n255\n", w->iw, w->ih);
	for (y = 0; y < w->ih; y++)
		for (x = 0; x < w->iw; x++) {
			unsigned long p = XGetPixel(img, x, y);

			fputc((int)(p >> 16 & 0xff), f);
			fputc((int)(p >> 8 & 0xff), f);
			fputc((int)(p & 0xff), f);
		}
	XDestroyImage(img);
	return fclose(f) == 0 ? 0 : -1;
}
