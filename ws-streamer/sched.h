/*
 * sched.h: a binary min-heap of due times.  The streamer keeps one entry
 * per job (its next tick, or when it is to be forgotten) and arms a
 * single libev timer for the earliest (streamer_arm() in main.c), so ten
 * thousand jobs cost
 * O(log n) per tick instead of a sorted-list insertion each.
 */
#ifndef MS_SCHED_H
#define MS_SCHED_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_NONE	((size_t)-1)

/* Embedded in whatever is scheduled; find the owner with offsetof. */
struct sched_item {
	int64_t		due;	/* microseconds, monotonic clock */
	size_t		idx;	/* position in the heap, SCHED_NONE if out */
};

struct sched {
	struct sched_item **heap;
	size_t		  n;
	size_t		  cap;
};

void		 sched_init(struct sched *s);
void		 sched_free(struct sched *s);

/* Initialises an item as not scheduled. */
void		 sched_item_init(struct sched_item *it);

/*
 * Schedules it at due, or moves it there if already scheduled.  0, or
 * -1 (ENOMEM) leaving it unscheduled.
 */
int		 sched_set(struct sched *s, struct sched_item *it, int64_t due);

/* Unschedules it; harmless if it is not scheduled. */
void		 sched_remove(struct sched *s, struct sched_item *it);

/* The earliest item, or NULL when empty. */
struct sched_item *sched_peek(const struct sched *s);

/* Removes and returns the earliest item if it is due at now, else NULL. */
struct sched_item *sched_pop_due(struct sched *s, int64_t now);

#endif
