/*
 * test_dueheap.c: the due-time heap, checked after every operation for the
 * heap property and for each item knowing its place, and run against a
 * plain array scanned for its minimum on a long random sequence.
 */
#include <stdint.h>

#include "dueheap.h"
#include "unit.h"

#define NRANDOM		1000
#define NREF		200
#define NOPS		10000

static uint64_t	rng_state;

/* xorshift64: reproducible, so a failure can be replayed. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t
rng_below(uint64_t n)
{
	return (int64_t)(rng() % n);
}

/* 1 when no parent is due after its child and every idx is right. */
static int
heap_ok(const struct dueheap *s)
{
	size_t i;

	if (s->n > s->cap)
		return 0;
	for (i = 0; i < s->n; i++) {
		if (s->heap[i]->idx != i)
			return 0;
		if (i > 0 && s->heap[(i - 1) / 2]->due > s->heap[i]->due)
			return 0;
	}
	return 1;
}

static void
init_items(struct dueheap_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dueheap_item_init(&items[i]);
}

static void
test_empty(void)
{
	struct dueheap s;
	struct dueheap_item it;

	dueheap_init(&s);
	dueheap_item_init(&it);
	CU_ASSERT_EQUAL(it.idx, DUEHEAP_NONE);
	CU_ASSERT_PTR_NULL(dueheap_peek(&s));
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, INT64_MAX));
	dueheap_remove(&s, &it);
	CU_ASSERT_EQUAL(s.n, 0);
	dueheap_free(&s);
	CU_ASSERT_PTR_NULL(s.heap);
}

static void
test_order(void)
{
	static struct dueheap_item items[NRANDOM];
	struct dueheap s;
	struct dueheap_item *it, *min;
	int64_t prev;
	size_t i;
	int ok;

	rng_state = 0x9e3779b97f4a7c15ULL;
	dueheap_init(&s);
	init_items(items, NRANDOM);
	min = NULL;
	ok = 1;
	for (i = 0; i < NRANDOM; i++) {
		/* Few distinct times, so that ties are common. */
		if (dueheap_set(&s, &items[i], 100 + rng_below(500)) != 0 ||
		    !heap_ok(&s))
			ok = 0;
		if (min == NULL || items[i].due < min->due)
			min = &items[i];
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(s.n, NRANDOM);
	CU_ASSERT_FATAL(dueheap_peek(&s) != NULL);
	CU_ASSERT_EQUAL(dueheap_peek(&s)->due, min->due);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, min->due - 1));
	CU_ASSERT_EQUAL(s.n, NRANDOM);

	prev = INT64_MIN;
	for (i = 0; (it = dueheap_pop_due(&s, INT64_MAX)) != NULL; i++) {
		if (it->due < prev || it->idx != DUEHEAP_NONE || !heap_ok(&s))
			ok = 0;
		prev = it->due;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(i, NRANDOM);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_PTR_NULL(dueheap_peek(&s));
	dueheap_free(&s);
}

static void
test_pop_due(void)
{
	struct dueheap s;
	struct dueheap_item items[3];

	dueheap_init(&s);
	init_items(items, 3);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[0], 30), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[1], 10), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[2], 20), 0);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, 9));
	CU_ASSERT_PTR_EQUAL(dueheap_peek(&s), &items[1]);
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, 10), &items[1]);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, 19));
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, 25), &items[2]);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, 25));
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, 100), &items[0]);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, 100));
	CU_ASSERT_EQUAL(items[0].idx, DUEHEAP_NONE);

	/* Popped items can be scheduled again. */
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[0], -5), 0);
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, -5), &items[0]);
	dueheap_free(&s);
}

static void
test_move(void)
{
	struct dueheap s;
	struct dueheap_item items[100];
	struct dueheap_item *mid;
	size_t i;
	int ok;

	dueheap_init(&s);
	init_items(items, 100);
	ok = 1;
	for (i = 0; i < 100; i++)
		if (dueheap_set(&s, &items[i], (int64_t)i * 10) != 0)
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT(heap_ok(&s));
	mid = &items[50];

	/* Earlier than everything. */
	CU_ASSERT_EQUAL(dueheap_set(&s, mid, -1), 0);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_PTR_EQUAL(dueheap_peek(&s), mid);
	CU_ASSERT_EQUAL(mid->idx, 0);
	CU_ASSERT_EQUAL(s.n, 100);

	/* Later than everything: from the root down to a leaf. */
	CU_ASSERT_EQUAL(dueheap_set(&s, mid, 5000), 0);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_PTR_EQUAL(dueheap_peek(&s), &items[0]);
	CU_ASSERT(mid->idx >= s.n / 2);
	CU_ASSERT_EQUAL(s.n, 100);

	/* Where it is, and back into the middle. */
	CU_ASSERT_EQUAL(dueheap_set(&s, mid, 5000), 0);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_EQUAL(dueheap_set(&s, mid, 505), 0);
	CU_ASSERT(heap_ok(&s));

	/* The root moved later. */
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[0], 995), 0);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_PTR_EQUAL(dueheap_peek(&s), &items[1]);
	CU_ASSERT_EQUAL(s.n, 100);
	dueheap_free(&s);
}

static void
test_move_order(void)
{
	struct dueheap s;
	struct dueheap_item items[100];
	struct dueheap_item *it;
	size_t i;
	int ok;

	dueheap_init(&s);
	init_items(items, 100);
	for (i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(dueheap_set(&s, &items[i], (int64_t)i * 10), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[50], -1), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[0], 995), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[99], 505), 0);
	CU_ASSERT(heap_ok(&s));

	/* -1 (50), 10..490, 505 (99), 510..980, 995 (0). */
	ok = 1;
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, 0), &items[50]);
	for (i = 1; i < 50; i++)
		if (dueheap_pop_due(&s, INT64_MAX) != &items[i])
			ok = 0;
	CU_ASSERT_PTR_EQUAL(dueheap_pop_due(&s, 505), &items[99]);
	for (i = 51; i < 99; i++)
		if (dueheap_pop_due(&s, INT64_MAX) != &items[i])
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_PTR_NULL(dueheap_pop_due(&s, 994));
	it = dueheap_pop_due(&s, 995);
	CU_ASSERT_PTR_EQUAL(it, &items[0]);
	CU_ASSERT_PTR_NULL(dueheap_peek(&s));
	dueheap_free(&s);
}

static void
test_remove(void)
{
	struct dueheap s;
	struct dueheap_item items[100], stray;
	struct dueheap_item *it;
	int64_t prev;
	size_t n;
	int ok;

	dueheap_init(&s);
	init_items(items, 100);
	dueheap_item_init(&stray);
	for (n = 0; n < 100; n++)
		CU_ASSERT_EQUAL(dueheap_set(&s, &items[n],
		    (int64_t)(n * 37 % 100)), 0);
	CU_ASSERT(heap_ok(&s));

	/* An item in the middle of the array. */
	it = s.heap[s.n / 2];
	dueheap_remove(&s, it);
	CU_ASSERT_EQUAL(it->idx, DUEHEAP_NONE);
	CU_ASSERT_EQUAL(s.n, 99);
	CU_ASSERT(heap_ok(&s));

	/* Twice: harmless. */
	dueheap_remove(&s, it);
	CU_ASSERT_EQUAL(s.n, 99);
	CU_ASSERT(heap_ok(&s));

	/* The last of the array. */
	it = s.heap[s.n - 1];
	dueheap_remove(&s, it);
	CU_ASSERT_EQUAL(it->idx, DUEHEAP_NONE);
	CU_ASSERT_EQUAL(s.n, 98);
	CU_ASSERT(heap_ok(&s));

	/* The root. */
	it = s.heap[0];
	dueheap_remove(&s, it);
	CU_ASSERT_EQUAL(it->idx, DUEHEAP_NONE);
	CU_ASSERT_EQUAL(s.n, 97);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT(dueheap_peek(&s) != NULL && dueheap_peek(&s)->due >= it->due);

	/* One that was never scheduled. */
	dueheap_remove(&s, &stray);
	CU_ASSERT_EQUAL(stray.idx, DUEHEAP_NONE);
	CU_ASSERT_EQUAL(s.n, 97);
	CU_ASSERT(heap_ok(&s));

	/* A leaf whose replacement must move up: a deep item's sibling. */
	for (n = 0; n < 100; n++)
		dueheap_remove(&s, &items[n]);
	CU_ASSERT_EQUAL(s.n, 0);
	/* Left subtree of the root late, right subtree early. */
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[0], 0), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[1], 100), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[2], 1), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[3], 101), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[4], 102), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[5], 2), 0);
	CU_ASSERT_EQUAL(dueheap_set(&s, &items[6], 3), 0);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_EQUAL(items[3].idx, 3);
	/* Item 6 (due 3) replaces item 3 (due 101) below item 1 (100). */
	dueheap_remove(&s, &items[3]);
	CU_ASSERT(heap_ok(&s));
	CU_ASSERT_EQUAL(items[6].idx, 1);

	ok = 1;
	prev = INT64_MIN;
	for (n = 0; (it = dueheap_pop_due(&s, INT64_MAX)) != NULL; n++) {
		if (it->due < prev)
			ok = 0;
		prev = it->due;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(n, 6);
	dueheap_free(&s);
}

/* The earliest scheduled due of the reference, or -1 when none is. */
static int
ref_min(const int *in, const int64_t *due, size_t n, int64_t *min)
{
	size_t i;
	int found;

	found = 0;
	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		if (!found || due[i] < *min)
			*min = due[i];
		found = 1;
	}
	return found ? 0 : -1;
}

static void
test_random(void)
{
	static struct dueheap_item items[NREF];
	static int in[NREF];
	static int64_t due[NREF];
	struct dueheap s;
	struct dueheap_item *it;
	int64_t min, now;
	size_t i, n, op, bad;

	rng_state = 88172645463325252ULL;
	dueheap_init(&s);
	init_items(items, NREF);
	n = 0;
	bad = 0;
	for (op = 0; op < NOPS; op++) {
		i = (size_t)rng_below(NREF);
		switch (rng_below(4)) {
		case 0:
		case 1:
			due[i] = rng_below(1000);
			if (dueheap_set(&s, &items[i], due[i]) != 0) {
				bad++;
				break;
			}
			if (!in[i])
				n++;
			in[i] = 1;
			break;
		case 2:
			dueheap_remove(&s, &items[i]);
			if (in[i])
				n--;
			in[i] = 0;
			break;
		default:
			now = rng_below(1000);
			it = dueheap_pop_due(&s, now);
			if (ref_min(in, due, NREF, &min) == -1 || min > now) {
				if (it != NULL)
					bad++;
				break;
			}
			/* Any of the earliest will do, but one of them. */
			if (it == NULL || it->due != min || !in[it - items]) {
				bad++;
				break;
			}
			in[it - items] = 0;
			n--;
			break;
		}
		if (!heap_ok(&s) || s.n != n)
			bad++;
		for (i = 0; i < NREF; i++)
			if ((items[i].idx != DUEHEAP_NONE) != in[i] ||
			    (in[i] && items[i].due != due[i]))
				bad++;
		it = dueheap_peek(&s);
		if (ref_min(in, due, NREF, &min) == -1) {
			if (it != NULL)
				bad++;
		} else if (it == NULL || it->due != min)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > 0);
	dueheap_free(&s);
}

static CU_TestInfo cases[] = {
	{ "empty heap", test_empty },
	{ "1000 random items pop in order", test_order },
	{ "pop_due only what is due", test_pop_due },
	{ "set moves a scheduled item", test_move },
	{ "order after moves", test_move_order },
	{ "remove middle, last, root, unscheduled", test_remove },
	{ "10000 random operations against a reference", test_random },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("sched", cases);
}
