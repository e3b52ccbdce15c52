/*
 * keys.c: what each key does to the view, and the list `?` shows (the
 * man page's KEYS section says the same).  X only hands over keysyms.
 */
#include <X11/keysym.h>

#include "view.h"

#define ZOOM_STEP	1.25
#define ZOOM_MAX	64.0

const char *const keys_help[] = {
	"a c s, Tab      axial, coronal, sagittal plane; next plane",
	"Up Down, wheel  one slice up or down",
	"PgUp PgDn       a tenth of the slices; Home End: first, last",
	"+ -, 0          zoom in, out; fit the window again",
	"Shift+arrows    pan; or drag with the left button",
	"w W, l L        window narrower, wider; level lower, higher",
	"right drag      window (left-right) and level (up-down)",
	"1 .. 6          auto (1-99%), CT soft tissue, CT lung, CT bone,",
	"                MR wide (0.5-99.5%), MR narrow (5-95%)",
	"m               mask on or off",
	"o               outline only, or filled",
	"[ ]             mask opacity down, up",
	"?               this list; any key closes it",
	"q, Escape       quit",
	NULL
};

static void
step_slice(struct view *v, uint32_t depth, long delta, int absolute)
{
	long s = v->slice[v->plane];

	if (depth == 0)
		return;
	if (s < 0 || s >= (long)depth)
		s = s < 0 ? (long)depth / 2 : (long)depth - 1;
	s = absolute ? delta : s + delta;
	v->slice[v->plane] = s < 0 ? 0 : s >= (long)depth ? (long)depth - 1 :
	    s;
}

static void
zoom(struct view *v, double factor)
{
	v->zoom *= factor;
	if (v->zoom < 1 / ZOOM_MAX)
		v->zoom = 1 / ZOOM_MAX;
	if (v->zoom > ZOOM_MAX)
		v->zoom = ZOOM_MAX;
}

static void
preset(struct view *v, const struct levels_stats *st, int p)
{
	levels_preset((enum levels_preset)p, st, &v->lv);
	v->preset = p;
}

static void
levels(struct view *v, double factor, double steps)
{
	levels_adjust(&v->lv, factor, steps);
	v->preset = -1;
}

/* Keys that move through the volume or change the view's geometry. */
static int
move(struct view *v, const struct plane_geom *g, unsigned long k, int shift)
{
	uint32_t depth = g->depth;
	long tenth = depth >= 10 ? (long)depth / 10 : 1;
	double pc = g->cols / 10.0 / v->zoom, pr = g->rows / 10.0 / v->zoom;

	switch (k) {
	case XK_a: v->plane = PLANE_AXIAL; break;
	case XK_c: v->plane = PLANE_CORONAL; break;
	case XK_s: v->plane = PLANE_SAGITTAL; break;
	case XK_Tab: v->plane = (v->plane + 1) % PLANE_COUNT; break;
	case XK_Up:
		if (shift)
			v->pan[1] -= pr;
		else
			step_slice(v, depth, 1, 0);
		break;
	case XK_Down:
		if (shift)
			v->pan[1] += pr;
		else
			step_slice(v, depth, -1, 0);
		break;
	case XK_Left:
		if (!shift)
			return 0;
		v->pan[0] -= pc;
		break;
	case XK_Right:
		if (!shift)
			return 0;
		v->pan[0] += pc;
		break;
	case XK_Page_Up: step_slice(v, depth, tenth, 0); break;
	case XK_Page_Down: step_slice(v, depth, -tenth, 0); break;
	case XK_Home: step_slice(v, depth, 0, 1); break;
	case XK_End: step_slice(v, depth, (long)depth - 1, 1); break;
	case XK_plus: case XK_equal: case XK_KP_Add: zoom(v, ZOOM_STEP); break;
	case XK_minus: case XK_KP_Subtract: zoom(v, 1 / ZOOM_STEP); break;
	case XK_0: v->zoom = 1; v->pan[0] = v->pan[1] = 0; break;
	default: return 0;
	}
	return 1;
}

/* Keys that change how values and labels look. */
static int
look(struct view *v, const struct levels_stats *st, unsigned long k)
{
	switch (k) {
	case XK_w: levels(v, 0.8, 0); break;
	case XK_W: levels(v, 1.25, 0); break;
	case XK_l: levels(v, 1, -1); break;
	case XK_L: levels(v, 1, 1); break;
	case XK_1: case XK_2: case XK_3: case XK_4: case XK_5: case XK_6:
		preset(v, st, (int)(k - XK_1));
		break;
	case XK_m: v->mask_on = !v->mask_on; break;
	case XK_o: v->outline = !v->outline; break;
	case XK_bracketleft: v->opacity = v->opacity >= 10 ?
	    v->opacity - 10 : 0; break;
	case XK_bracketright: v->opacity = v->opacity <= 90 ?
	    v->opacity + 10 : 100; break;
	default: return 0;
	}
	return 1;
}

/*
 * One key press, as the keysym X made of it (shift applied).  While the
 * list of keys is shown, any key but q closes it.
 */
enum keys_result
keys_press(struct view *v, const struct levels_stats *st,
    const struct plane_geom *g, unsigned long keysym, int shift)
{
	if (keysym == XK_q || (keysym == XK_Escape && !v->help))
		return KEYS_QUIT;
	if (v->help) {
		if (keysym == XK_Shift_L || keysym == XK_Shift_R)
			return KEYS_NONE;
		v->help = 0;
		return KEYS_REDRAW;
	}
	if (keysym == XK_question) {
		v->help = 1;
		return KEYS_REDRAW;
	}
	if (move(v, g, keysym, shift) || look(v, st, keysym))
		return KEYS_REDRAW;
	return KEYS_NONE;
}
