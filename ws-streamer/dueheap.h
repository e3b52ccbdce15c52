/*
 * dueheap.h: a binary min-heap of due times.  The streamer keeps one entry
 * per job (its next tick, or when it is to be forgotten) and arms a
 * single timer for the earliest (streamer_arm() in main.c), so ten
 * thousand jobs cost O(log n) per tick instead of a sorted-list
 * insertion each.
 */
#ifndef MS_DUEHEAP_H
#define MS_DUEHEAP_H

#include <stddef.h>
#include <stdint.h>

#define DUEHEAP_NONE	((size_t)-1)

/* Embedded in whatever is scheduled; find the owner with offsetof. */
struct dueheap_item {
	int64_t		due;	/* microseconds, monotonic clock */
	size_t		idx;	/* position in the heap, DUEHEAP_NONE if out */
};

struct dueheap {
	struct dueheap_item **heap;
	size_t		  n;
	size_t		  cap;
};

void		 dueheap_init(struct dueheap *s);
void		 dueheap_free(struct dueheap *s);

/* Initialises an item as not scheduled. */
void		 dueheap_item_init(struct dueheap_item *it);

/*
 * Schedules it at due, or moves it there if already scheduled.  0, or
 * -1 (ENOMEM) leaving it unscheduled.
 */
int		 dueheap_set(struct dueheap *s, struct dueheap_item *it, int64_t due);

/* Unschedules it; harmless if it is not scheduled. */
void		 dueheap_remove(struct dueheap *s, struct dueheap_item *it);

/* The earliest item, or NULL when empty. */
struct dueheap_item *dueheap_peek(const struct dueheap *s);

/* Removes and returns the earliest item if it is due at now, else NULL. */
struct dueheap_item *dueheap_pop_due(struct dueheap *s, int64_t now);

#endif
