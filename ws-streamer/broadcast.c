/*
 * broadcast.c: the time from a message's production to its last live
 * write, observed when its buffer is let go (broadcast.h).
 */
#include "broadcast.h"

static struct histo	hist;
static int		hist_ready;

static struct histo *
observed(void)
{
	if (!hist_ready) {
		histo_init(&hist);
		hist_ready = 1;
	}
	return &hist;
}

void
broadcast_written(struct msgbuf *b, int64_t now_mono_us)
{
	if (now_mono_us > b->last_write_us)
		b->last_write_us = now_mono_us;
}

void
broadcast_done(const struct msgbuf *b)
{
	if (b->made_known && b->last_write_us > 0)
		histo_observe(observed(),
		    (double)(b->last_write_us - b->made_mono_us) / 1e6);
}

const struct histo *
broadcast_histo(void)
{
	return observed();
}
