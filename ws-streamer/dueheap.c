/*
 * dueheap.c: the binary min-heap of dueheap.h.  Each item records its own
 * position, so that moving or removing one is O(log n) without a search.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dueheap.h"

#define DUEHEAP_CAP_MIN	64

static void
place(struct dueheap *s, struct dueheap_item *it, size_t i)
{
	s->heap[i] = it;
	it->idx = i;
}

static void
sift_up(struct dueheap *s, size_t i)
{
	struct dueheap_item *it;
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
sift_down(struct dueheap *s, size_t i)
{
	struct dueheap_item *it;
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
fix(struct dueheap *s, size_t i)
{
	if (i > 0 && s->heap[(i - 1) / 2]->due > s->heap[i]->due)
		sift_up(s, i);
	else
		sift_down(s, i);
}

static int
grow(struct dueheap *s)
{
	struct dueheap_item **nheap;
	size_t ncap;

	if (s->cap == 0)
		ncap = DUEHEAP_CAP_MIN;
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
dueheap_init(struct dueheap *s)
{
	memset(s, 0, sizeof(*s));
}

void
dueheap_free(struct dueheap *s)
{
	free(s->heap);
	memset(s, 0, sizeof(*s));
}

void
dueheap_item_init(struct dueheap_item *it)
{
	it->due = 0;
	it->idx = DUEHEAP_NONE;
}

int
dueheap_set(struct dueheap *s, struct dueheap_item *it, int64_t due)
{
	if (it->idx != DUEHEAP_NONE) {
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
dueheap_remove(struct dueheap *s, struct dueheap_item *it)
{
	struct dueheap_item *last;
	size_t i;

	if ((i = it->idx) == DUEHEAP_NONE)
		return;
	assert(i < s->n && s->heap[i] == it);
	it->idx = DUEHEAP_NONE;
	last = s->heap[--s->n];
	if (i == s->n)
		return;
	place(s, last, i);
	fix(s, i);
}

struct dueheap_item *
dueheap_peek(const struct dueheap *s)
{
	return s->n > 0 ? s->heap[0] : NULL;
}

struct dueheap_item *
dueheap_pop_due(struct dueheap *s, int64_t now)
{
	struct dueheap_item *it;

	if (s->n == 0 || s->heap[0]->due > now)
		return NULL;
	it = s->heap[0];
	dueheap_remove(s, it);
	return it;
}
