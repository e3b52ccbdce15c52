/*
 * sched.c: the binary min-heap of sched.h.  Each item records its own
 * position, so that moving or removing one is O(log n) without a search.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define SCHED_CAP_MIN	64

static void
place(struct sched *s, struct sched_item *it, size_t i)
{
	s->heap[i] = it;
	it->idx = i;
}

static void
sift_up(struct sched *s, size_t i)
{
	struct sched_item *it;
	size_t parent;

	it = s->heap[i];
	while (i > 0) {
		parent = (i - 1) / 2;
		if (s->heap[parent]->due <= it->due)
			break;
		place(s, s->heap[parent], i);
		i = parent;
	}
	place(s, it, i);
}

static void
sift_down(struct sched *s, size_t i)
{
	struct sched_item *it;
	size_t child;

	it = s->heap[i];
	/* i < n, so 2 * i + 1 cannot overflow before it exceeds n. */
	while ((child = 2 * i + 1) < s->n) {
		if (child + 1 < s->n &&
		    s->heap[child + 1]->due < s->heap[child]->due)
			child++;
		if (it->due <= s->heap[child]->due)
			break;
		place(s, s->heap[child], i);
		i = child;
	}
	place(s, it, i);
}

/* Restores the heap after heap[i]'s due changed either way. */
static void
fix(struct sched *s, size_t i)
{
	if (i > 0 && s->heap[(i - 1) / 2]->due > s->heap[i]->due)
		sift_up(s, i);
	else
		sift_down(s, i);
}

static int
grow(struct sched *s)
{
	struct sched_item **nheap;
	size_t ncap;

	if (s->cap == 0)
		ncap = SCHED_CAP_MIN;
	else if (s->cap > SIZE_MAX / 2) {
		errno = ENOMEM;
		return -1;
	} else
		ncap = s->cap * 2;
	if ((nheap = reallocarray(s->heap, ncap, sizeof(*nheap))) == NULL)
		return -1;
	s->heap = nheap;
	s->cap = ncap;
	return 0;
}

void
sched_init(struct sched *s)
{
	memset(s, 0, sizeof(*s));
}

void
sched_free(struct sched *s)
{
	free(s->heap);
	memset(s, 0, sizeof(*s));
}

void
sched_item_init(struct sched_item *it)
{
	it->due = 0;
	it->idx = SCHED_NONE;
}

int
sched_set(struct sched *s, struct sched_item *it, int64_t due)
{
	if (it->idx != SCHED_NONE) {
		assert(it->idx < s->n && s->heap[it->idx] == it);
		it->due = due;
		fix(s, it->idx);
		return 0;
	}
	if (s->n == s->cap && grow(s) == -1)
		return -1;
	it->due = due;
	place(s, it, s->n++);
	sift_up(s, it->idx);
	return 0;
}

void
sched_remove(struct sched *s, struct sched_item *it)
{
	struct sched_item *last;
	size_t i;

	if ((i = it->idx) == SCHED_NONE)
		return;
	assert(i < s->n && s->heap[i] == it);
	it->idx = SCHED_NONE;
	last = s->heap[--s->n];
	if (i == s->n)
		return;
	place(s, last, i);
	fix(s, i);
}

struct sched_item *
sched_peek(const struct sched *s)
{
	return s->n > 0 ? s->heap[0] : NULL;
}

struct sched_item *
sched_pop_due(struct sched *s, int64_t now)
{
	struct sched_item *it;

	if (s->n == 0 || s->heap[0]->due > now)
		return NULL;
	it = s->heap[0];
	sched_remove(s, it);
	return it;
}
