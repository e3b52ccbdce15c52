/*
 * window.c: the viewer's window, plain Xlib.  The slice with its mask is
 * one XImage filled by render.c; below it a status line, drawn with the
 * server's "fixed" font: job, state, a progress bar, seq, messages per
 * second, latency and the connection's state, then the plane, slice,
 * window and level, zoom and mask.  Events are in xevents.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xutil.h>

#include "window.h"

#define BAR_WIDTH	120
#define HELP_LINE	14

static void
free_image(struct window *w)
{
	if (w->img != NULL)
		XDestroyImage(w->img);	/* frees its pixels too */
	w->img = NULL;
}

/* (Re)creates the slice image for the current window size. */
int
window_make_image(struct window *w)
{
	uint32_t *pixels;

	free_image(w);
	w->iw = w->width;
	w->ih = w->height - RENDER_STATUS_HEIGHT;
	if (w->ih < 1)
		w->ih = 1;
	pixels = calloc((size_t)w->iw * w->ih, sizeof(*pixels));
	if (pixels == NULL)
		return -1;
	w->img = XCreateImage(w->dpy, w->visual, 24, ZPixmap, 0,
	    (char *)pixels, (unsigned int)w->iw, (unsigned int)w->ih, 32, 0);
	if (w->img == NULL) {
		free(pixels);
		return -1;
	}
	return 0;
}

static Bool
is_mapped(Display *dpy, XEvent *e, XPointer arg)
{
	(void)dpy;
	return e->type == MapNotify && e->xmap.window == *(Window *)arg;
}

static int
find_visual(struct window *w, int screen, const char **errstr)
{
	XVisualInfo vi;

	if (!XMatchVisualInfo(w->dpy, screen, 24, TrueColor, &vi) ||
	    vi.red_mask != 0xff0000 || vi.green_mask != 0xff00 ||
	    vi.blue_mask != 0xff) {
		*errstr = "the display has no 24-bit RGB TrueColor visual";
		return -1;
	}
	w->visual = vi.visual;
	return 0;
}

/* Opens and maps the window; returns once it is on the screen. */
int
window_open(struct window *w, int width, int height, const struct view *view,
    const struct volume *vol, const struct levels_stats *stats,
    const char **errstr)
{
	XEvent e;
	int screen;

	memset(w, 0, sizeof(*w));
	render_init(&w->rd);
	w->view = *view;
	w->vol = vol;
	w->stats = stats;
	w->width = width;
	w->height = height;
	if ((w->dpy = XOpenDisplay(NULL)) == NULL) {
		*errstr = "cannot open the X display (is DISPLAY set?)";
		return -1;
	}
	screen = DefaultScreen(w->dpy);
	if (find_visual(w, screen, errstr) == -1) {
		XCloseDisplay(w->dpy);
		w->dpy = NULL;
		return -1;
	}
	w->win = XCreateSimpleWindow(w->dpy, RootWindow(w->dpy, screen), 0, 0,
	    (unsigned int)width, (unsigned int)height, 0,
	    BlackPixel(w->dpy, screen), BlackPixel(w->dpy, screen));
	XStoreName(w->dpy, w->win, "maskstream-view");
	XSelectInput(w->dpy, w->win, ExposureMask | KeyPressMask |
	    StructureNotifyMask | ButtonPressMask | ButtonReleaseMask |
	    Button1MotionMask | Button3MotionMask);
	w->wm_delete = XInternAtom(w->dpy, "WM_DELETE_WINDOW", False);
	XSetWMProtocols(w->dpy, w->win, &w->wm_delete, 1);
	w->gc = XCreateGC(w->dpy, w->win, 0, NULL);
	if ((w->font = XLoadQueryFont(w->dpy, "fixed")) != NULL)
		XSetFont(w->dpy, w->gc, w->font->fid);
	if (window_make_image(w) == -1) {
		*errstr = "out of memory for the image";
		window_close(w);
		return -1;
	}
	XMapWindow(w->dpy, w->win);
	/* A snapshot reads the window back: it must be on the screen. */
	XPeekIfEvent(w->dpy, &e, is_mapped, (XPointer)&w->win);
	return 0;
}

void
window_close(struct window *w)
{
	if (w->dpy == NULL)
		return;
	free_image(w);
	render_free(&w->rd);
	if (w->font != NULL)
		XFreeFont(w->dpy, w->font);
	XFreeGC(w->dpy, w->gc);
	XDestroyWindow(w->dpy, w->win);
	XCloseDisplay(w->dpy);
	w->dpy = NULL;
}

static void
text(struct window *w, int x, int y, const char *s)
{
	XDrawString(w->dpy, w->win, w->gc, x, y, s, (int)strlen(s));
}

/* The list of keys, over the slice. */
static void
draw_help(struct window *w)
{
	int n, y;

	for (n = 0; keys_help[n] != NULL; n++)
		;
	XSetForeground(w->dpy, w->gc, 0x101820);
	XFillRectangle(w->dpy, w->win, w->gc, 8, 8,
	    (unsigned int)(w->iw > 16 ? w->iw - 16 : 1),
	    (unsigned int)(n * HELP_LINE + 30));
	XSetForeground(w->dpy, w->gc, 0xf0f0f0);
	text(w, 16, 24, "maskstream-view keys");
	for (y = 0; y < n; y++)
		text(w, 16, 24 + (y + 1) * HELP_LINE + 4, keys_help[y]);
}

static void
draw_slice(struct window *w, const struct model *m)
{
	if (render_frame(&w->rd, w->vol, m, &w->view,
	    (uint32_t *)(void *)w->img->data, w->iw, w->ih) == -1) {
		w->quit = 1;	/* out of memory */
		return;
	}
	XPutImage(w->dpy, w->win, w->gc, w->img, 0, 0, 0, 0,
	    (unsigned int)w->iw, (unsigned int)w->ih);
	if (w->view.help)
		draw_help(w);
}

/* The view's half of the status line. */
static void
view_status(const struct window *w, const struct model *m, char *buf,
    size_t len)
{
	const struct view *v = &w->view;
	char lv[64], labels[96];

	if (v->preset >= 0)
		snprintf(lv, sizeof(lv), "%s", levels_preset_name(
		    (enum levels_preset)v->preset));
	else
		snprintf(lv, sizeof(lv), "W %.4g L %.4g", v->lv.window,
		    v->lv.level);
	model_labels_present(m, labels, sizeof(labels));
	snprintf(buf, len, "%s %u/%u  %s  zoom %.2g  mask %s %d%%  %s  "
	    "?: keys  %s", plane_name(v->plane), w->rd.geom_ok ?
	    plane_slice(&w->rd.g, v->slice[v->plane]) : 0,
	    w->rd.geom_ok ? w->rd.g.depth : 0, lv, v->zoom, !v->mask_on ?
	    "off" : v->outline ? "outline" : "on", v->opacity, labels,
	    m->note);
}

static void
draw_status(struct window *w, const struct model *m)
{
	int y0 = w->ih, base = y0 + 14;
	char left[128], right[512];
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
	view_status(w, m, right, sizeof(right));
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

/* Draws, then writes what the window shows, read back from X. */
int
window_snapshot(struct window *w, const struct model *m, const char *path,
    const char **errstr)
{
	XImage *img;
	uint32_t *px;
	int x, y, rc;

	window_draw(w, m);
	XSync(w->dpy, False);
	img = XGetImage(w->dpy, w->win, 0, 0, (unsigned int)w->width,
	    (unsigned int)w->height, AllPlanes, ZPixmap);
	px = malloc((size_t)w->width * w->height * sizeof(*px));
	if (img == NULL || px == NULL) {
		if (img != NULL)
			XDestroyImage(img);
		free(px);
		*errstr = "cannot read the window back from X";
		return -1;
	}
	for (y = 0; y < w->height; y++)
		for (x = 0; x < w->width; x++)
			px[(size_t)y * w->width + x] =
			    (uint32_t)XGetPixel(img, x, y) & 0xffffff;
	XDestroyImage(img);
	rc = snapshot_write(path, px, w->width, w->height, errstr);
	free(px);
	return rc;
}
