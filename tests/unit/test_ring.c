/*
 * test_ring.c: the message ring's bounds (count and bytes, the newest
 * always kept), its references, and the skip rule a slow subscriber
 * relies on: stale progress and previews go, terminal messages never do.
 */
#include <stdint.h>
#include <string.h>

#include "msgbuf.h"
#include "ring.h"
#include "unit.h"

#define BIG		((size_t)1 << 30)
#define NBUF_MAX	32
#define WALK_MAX	32

static const char json[] = "{\"type\":\"progress\",\"pad\":\"0123456789\"}";

/* Buffers the test holds a reference to, released by release(). */
static struct msgbuf	*bufs[NBUF_MAX + 1];	/* by seq */

/* Pushes a message of len bytes as seq head + 1, keeping a reference. */
static struct msgbuf *
push_len(struct ring *r, enum msg_type type, size_t len)
{
	struct msgbuf *b;
	int64_t seq;

	seq = r->head + 1;
	CU_ASSERT_FATAL(seq <= NBUF_MAX);
	CU_ASSERT_FATAL(len < sizeof(json));
	b = msgbuf_from_json(type, seq, json, len);
	CU_ASSERT_FATAL(b != NULL);
	bufs[seq] = b;
	ring_push(r, b);
	return b;
}

static struct msgbuf *
push(struct ring *r, enum msg_type type)
{
	return push_len(r, type, 10);
}

/* Pushes n ticks, each a progress then a preview. */
static void
push_ticks(struct ring *r, int n)
{
	while (n-- > 0) {
		push(r, MSG_PROGRESS);
		push(r, MSG_PREVIEW);
	}
}

/* Frees r, then checks that only the test's references are left. */
static void
release(struct ring *r)
{
	int64_t seq;

	ring_free(r);
	for (seq = 0; seq <= NBUF_MAX; seq++) {
		if (bufs[seq] == NULL)
			continue;
		CU_ASSERT_EQUAL(bufs[seq]->refs, 1);
		msgbuf_unref(bufs[seq]);
		bufs[seq] = NULL;
	}
}

/*
 * What a subscriber at after is sent by calling ring_next until it
 * returns NULL: the number of messages, their seqs in seqs.
 */
static size_t
walk_enc(const struct ring *r, int64_t after, int64_t replay_until,
    enum msg_encoding enc, int64_t *seqs)
{
	struct msgbuf *b;
	size_t n;

	for (n = 0; n < WALK_MAX; n++) {
		if ((b = ring_next(r, after, replay_until, enc)) == NULL)
			break;
		seqs[n] = b->seq;
		after = b->seq;
	}
	return n;
}

/* 1 when walk_enc() gives exactly want (nwant seqs). */
static int
walk_enc_is(const struct ring *r, int64_t after, int64_t replay_until,
    enum msg_encoding enc, const int64_t *want, size_t nwant)
{
	int64_t got[WALK_MAX];
	size_t n;

	n = walk_enc(r, after, replay_until, enc, got);
	return n == nwant && memcmp(got, want, n * sizeof(*got)) == 0;
}

/* The same for a base64 subscriber. */
static int
walk_is(const struct ring *r, int64_t after, int64_t replay_until,
    const int64_t *want, size_t nwant)
{
	return walk_enc_is(r, after, replay_until, MSG_ENC_BASE64, want,
	    nwant);
}

/*
 * Pushes a preview computed in base64 (b64len bytes, 0: not computed)
 * and in deflate (zlen bytes, 0: not); the deflate buffer goes to *z.
 */
static void
push_preview_set(struct ring *r, size_t b64len, size_t zlen,
    struct msgbuf **z)
{
	struct msgbuf *set[MSG_NENC] = { NULL, NULL };
	int64_t seq = r->head + 1;

	CU_ASSERT_FATAL(seq <= NBUF_MAX);
	if (b64len > 0) {
		set[MSG_ENC_BASE64] = msgbuf_from_json(MSG_PREVIEW, seq, json,
		    b64len);
		bufs[seq] = set[MSG_ENC_BASE64];
	}
	if (zlen > 0)
		set[MSG_ENC_DEFLATE] = msgbuf_from_json(MSG_PREVIEW, seq, json,
		    zlen);
	*z = set[MSG_ENC_DEFLATE];
	ring_push_set(r, set);
	if (b64len == 0)
		bufs[seq] = *z;	/* released with the others */
	else if (*z != NULL)
		msgbuf_unref(*z);	/* the ring's reference only */
}

/*
 * A preview nobody used deflate for is passed over by a deflate
 * subscriber, even when replaying; anything else is the same buffer for
 * both, counted once.
 */
static void
test_encodings(void)
{
	struct msgbuf *z2, *z4;
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push(&r, MSG_PROGRESS);
	push_preview_set(&r, 10, 0, &z2);
	CU_ASSERT_PTR_NULL(z2);
	push(&r, MSG_PROGRESS);
	push_preview_set(&r, 10, 4, &z4);
	CU_ASSERT_FATAL(z4 != NULL);
	CU_ASSERT_EQUAL(r.bytes, 10 + 10 + 10 + 10 + 4);
	CU_ASSERT_EQUAL(bufs[1]->refs, 2);
	CU_ASSERT_EQUAL(z4->refs, 1);

	CU_ASSERT_PTR_EQUAL(ring_get_enc(&r, 1, MSG_ENC_DEFLATE), bufs[1]);
	CU_ASSERT_PTR_NULL(ring_get_enc(&r, 2, MSG_ENC_DEFLATE));
	CU_ASSERT_PTR_EQUAL(ring_get_enc(&r, 4, MSG_ENC_DEFLATE), z4);
	CU_ASSERT_PTR_EQUAL(ring_get_enc(&r, 4, MSG_ENC_BASE64), bufs[4]);
	CU_ASSERT_PTR_NULL(ring_get_enc(&r, 4, MSG_NENC));

	CU_ASSERT(walk_enc_is(&r, 0, 0, MSG_ENC_DEFLATE,
	    (const int64_t[]){ 3, 4 }, 2));
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 3, 0, MSG_ENC_DEFLATE), z4);
	CU_ASSERT(walk_enc_is(&r, 0, r.head, MSG_ENC_DEFLATE,
	    (const int64_t[]){ 1, 3, 4 }, 3));
	CU_ASSERT(walk_enc_is(&r, 0, r.head, MSG_ENC_BASE64,
	    (const int64_t[]){ 1, 2, 3, 4 }, 4));

	/* The newest preview lacking deflate: nothing newer to send. */
	push_preview_set(&r, 10, 0, &z2);
	CU_ASSERT_PTR_NULL(ring_next(&r, 4, 0, MSG_ENC_DEFLATE));
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 4, 0, MSG_ENC_BASE64), bufs[5]);

	/* Only deflate computed: ring_get() still finds it. */
	push_preview_set(&r, 0, 6, &z2);
	CU_ASSERT_PTR_EQUAL(ring_get(&r, 6), z2);
	CU_ASSERT_PTR_NULL(ring_next(&r, 5, 0, MSG_ENC_BASE64));
	CU_ASSERT_EQUAL(r.bytes, 10 + 10 + 10 + 10 + 4 + 10 + 6);
	release(&r);
}

static void
test_empty(void)
{
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 4, BIG), 0);
	CU_ASSERT_EQUAL(r.head, 0);
	CU_ASSERT_EQUAL(r.tail, 1);
	CU_ASSERT_EQUAL(r.bytes, 0);
	CU_ASSERT_PTR_NULL(ring_get(&r, 0));
	CU_ASSERT_PTR_NULL(ring_get(&r, 1));
	CU_ASSERT_PTR_NULL(ring_next(&r, 0, 0, MSG_ENC_BASE64));
	CU_ASSERT_PTR_NULL(ring_next(&r, 0, INT64_MAX, MSG_ENC_BASE64));
	release(&r);

	/* A freed ring is an empty one, whatever is asked of it. */
	CU_ASSERT_PTR_NULL(r.slots);
	CU_ASSERT_PTR_NULL(ring_get(&r, 0));
	CU_ASSERT_PTR_NULL(ring_next(&r, 0, 0, MSG_ENC_BASE64));
}

static void
test_push_get(void)
{
	struct ring r;
	int64_t seq;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 8, BIG), 0);
	for (seq = 1; seq <= 5; seq++)
		push_len(&r, MSG_PROGRESS, (size_t)seq);
	CU_ASSERT_EQUAL(r.head, 5);
	CU_ASSERT_EQUAL(r.tail, 1);
	CU_ASSERT_EQUAL(r.bytes, 1 + 2 + 3 + 4 + 5);
	CU_ASSERT_PTR_NULL(ring_get(&r, 0));
	CU_ASSERT_PTR_NULL(ring_get(&r, -1));
	CU_ASSERT_PTR_NULL(ring_get(&r, 6));
	CU_ASSERT_PTR_NULL(ring_get(&r, INT64_MAX));
	for (seq = 1; seq <= 5; seq++) {
		CU_ASSERT_PTR_EQUAL(ring_get(&r, seq), bufs[seq]);
		CU_ASSERT_EQUAL(bufs[seq]->refs, 2);
	}
	release(&r);
}

static void
test_evict_count(void)
{
	struct ring r;
	int64_t seq;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 4, BIG), 0);
	for (seq = 1; seq <= 10; seq++)
		push(&r, MSG_PROGRESS);
	CU_ASSERT_EQUAL(r.head, 10);
	CU_ASSERT_EQUAL(r.tail, 7);
	CU_ASSERT_EQUAL(r.bytes, 4 * 10);
	for (seq = 1; seq <= 6; seq++) {
		CU_ASSERT_PTR_NULL(ring_get(&r, seq));
		CU_ASSERT_EQUAL(bufs[seq]->refs, 1);
	}
	for (seq = 7; seq <= 10; seq++) {
		CU_ASSERT_PTR_EQUAL(ring_get(&r, seq), bufs[seq]);
		CU_ASSERT_EQUAL(bufs[seq]->refs, 2);
	}
	CU_ASSERT_PTR_NULL(ring_get(&r, 11));
	release(&r);

	/* One slot: only ever the newest. */
	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 1, BIG), 0);
	push(&r, MSG_PREVIEW);
	push(&r, MSG_COMPLETED);
	CU_ASSERT_EQUAL(r.tail, 2);
	CU_ASSERT_PTR_NULL(ring_get(&r, 1));
	CU_ASSERT_PTR_EQUAL(ring_get(&r, 2), bufs[2]);
	CU_ASSERT_EQUAL(bufs[1]->refs, 1);
	release(&r);
}

static void
test_evict_bytes(void)
{
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, 25), 0);
	push(&r, MSG_PROGRESS);
	push(&r, MSG_PREVIEW);
	CU_ASSERT_EQUAL(r.tail, 1);
	CU_ASSERT_EQUAL(r.bytes, 20);
	push(&r, MSG_PROGRESS);
	CU_ASSERT_EQUAL(r.tail, 2);
	CU_ASSERT_EQUAL(r.head, 3);
	CU_ASSERT_EQUAL(r.bytes, 20);
	CU_ASSERT_PTR_NULL(ring_get(&r, 1));
	CU_ASSERT_EQUAL(bufs[1]->refs, 1);

	/* Alone over maxbytes, and still kept: it is the newest. */
	push_len(&r, MSG_PREVIEW, 30);
	CU_ASSERT_EQUAL(r.tail, 4);
	CU_ASSERT_EQUAL(r.head, 4);
	CU_ASSERT_EQUAL(r.bytes, 30);
	CU_ASSERT_PTR_EQUAL(ring_get(&r, 4), bufs[4]);

	/* Once it is not the newest, it goes. */
	push(&r, MSG_COMPLETED);
	CU_ASSERT_EQUAL(r.tail, 5);
	CU_ASSERT_EQUAL(r.bytes, 10);
	CU_ASSERT_PTR_NULL(ring_get(&r, 4));
	CU_ASSERT_PTR_EQUAL(ring_get(&r, 5), bufs[5]);
	release(&r);

	/* As a trimmed job has it: one slot, no bytes, the end kept. */
	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 1, 0), 0);
	push(&r, MSG_COMPLETED);
	CU_ASSERT_PTR_EQUAL(ring_get(&r, 1), bufs[1]);
	CU_ASSERT_EQUAL(r.bytes, 10);
	release(&r);
}

static void
test_refs(void)
{
	struct ring r;
	struct msgbuf *b;
	int64_t seq;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 4, 35), 0);
	for (seq = 1; seq <= 10; seq++) {
		b = push(&r, seq % 2 ? MSG_PROGRESS : MSG_PREVIEW);
		CU_ASSERT_EQUAL(b->refs, 2);
	}
	/* Three of 10 bytes fit in 35. */
	CU_ASSERT_EQUAL(r.tail, 8);
	for (seq = 1; seq <= 10; seq++)
		CU_ASSERT_EQUAL(bufs[seq]->refs, seq < 8 ? 1 : 2);
	release(&r);
	CU_ASSERT_PTR_NULL(r.slots);
	CU_ASSERT_EQUAL(r.bytes, 0);
}

static void
test_next_up_to_date(void)
{
	static const int64_t want[] = { 3, 4 };
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push_ticks(&r, 1);
	CU_ASSERT_PTR_NULL(ring_next(&r, 2, 0, MSG_ENC_BASE64));

	/* Sent as they come, the progress is not stale yet. */
	push(&r, MSG_PROGRESS);
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 2, 0, MSG_ENC_BASE64), bufs[3]);
	push(&r, MSG_PREVIEW);
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 3, 0, MSG_ENC_BASE64), bufs[4]);
	CU_ASSERT_PTR_NULL(ring_next(&r, 4, 0, MSG_ENC_BASE64));

	/* Nor once the tick is complete. */
	CU_ASSERT(walk_is(&r, 2, 0, want, 2));
	release(&r);
}

static void
test_next_slow(void)
{
	static const int64_t want[] = { 5, 6 };
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push_ticks(&r, 3);
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 0, 0, MSG_ENC_BASE64), bufs[5]);
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 5, 0, MSG_ENC_BASE64), bufs[6]);
	CU_ASSERT_PTR_NULL(ring_next(&r, 6, 0, MSG_ENC_BASE64));
	CU_ASSERT(walk_is(&r, 0, 0, want, 2));
	CU_ASSERT(walk_is(&r, 1, 0, want, 2));
	CU_ASSERT(walk_is(&r, 4, 0, want, 2));

	/* A progress and a preview out of step: each type on its own. */
	push(&r, MSG_PROGRESS);
	CU_ASSERT(walk_is(&r, 2, 0, (const int64_t[]){ 6, 7 }, 2));
	CU_ASSERT(walk_is(&r, 0, 0, (const int64_t[]){ 6, 7 }, 2));
	release(&r);

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push(&r, MSG_PREVIEW);
	push(&r, MSG_PROGRESS);
	push(&r, MSG_PREVIEW);
	push(&r, MSG_PROGRESS);
	CU_ASSERT(walk_is(&r, 0, 0, (const int64_t[]){ 3, 4 }, 2));
	/* A newer progress makes 4 stale but not the preview before it. */
	push(&r, MSG_PROGRESS);
	push(&r, MSG_PROGRESS);
	CU_ASSERT(walk_is(&r, 0, 0, (const int64_t[]){ 3, 6 }, 2));
	CU_ASSERT(walk_is(&r, 3, 0, (const int64_t[]){ 6 }, 1));
	release(&r);
}

static void
test_next_terminal(void)
{
	static const int64_t want[] = { 3, 4, 5 };
	static const int64_t want_last[] = { 5 };
	static const enum msg_type ends[] = { MSG_COMPLETED, MSG_ERROR };
	struct ring r;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
		push_ticks(&r, 2);
		push(&r, ends[i]);
		CU_ASSERT(walk_is(&r, 0, 0, want, 3));
		CU_ASSERT(walk_is(&r, 3, 0, want + 1, 2));
		CU_ASSERT(walk_is(&r, 4, 0, want_last, 1));
		CU_ASSERT_PTR_NULL(ring_next(&r, 5, 0, MSG_ENC_BASE64));
		release(&r);
	}

	/* Terminal messages are never stale, even with newer of their type. */
	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push(&r, MSG_ERROR);
	push(&r, MSG_ERROR);
	push(&r, MSG_COMPLETED);
	CU_ASSERT(walk_is(&r, 0, 0, (const int64_t[]){ 1, 2, 3 }, 3));
	release(&r);
}

static void
test_next_replay(void)
{
	static const int64_t all[] = { 1, 2, 3, 4, 5, 6, 7 };
	static const int64_t part[] = { 1, 2, 3, 5, 6, 7 };
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 16, BIG), 0);
	push_ticks(&r, 3);
	push(&r, MSG_COMPLETED);
	CU_ASSERT(walk_is(&r, 0, r.head, all, 7));
	CU_ASSERT(walk_is(&r, 0, INT64_MAX, all, 7));
	CU_ASSERT(walk_is(&r, 2, r.head, all + 2, 5));
	/* Replayed up to 3, then the skip rule again: preview 4 is stale. */
	CU_ASSERT(walk_is(&r, 0, 3, part, 6));
	/* A replay_until already behind after changes nothing. */
	CU_ASSERT(walk_is(&r, 0, -1, part + 3, 3));
	release(&r);
}

static void
test_holds_after(void)
{
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 4, BIG), 0);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 0), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 5), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, INT64_MAX), 1);

	push_ticks(&r, 2);
	CU_ASSERT_EQUAL(r.tail, 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 0), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 3), 1);

	push_ticks(&r, 3);
	CU_ASSERT_EQUAL(r.tail, 7);
	CU_ASSERT_EQUAL(ring_holds_after(&r, INT64_MIN), 0);
	CU_ASSERT_EQUAL(ring_holds_after(&r, -1), 0);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 0), 0);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 5), 0);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 6), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 7), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 10), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 11), 1);
	CU_ASSERT_EQUAL(ring_holds_after(&r, INT64_MAX), 1);
	release(&r);
}

static void
test_next_behind(void)
{
	static const int64_t held[] = { 7, 8, 9, 10 };
	struct ring r;

	CU_ASSERT_EQUAL_FATAL(ring_init(&r, 4, BIG), 0);
	push_ticks(&r, 5);
	CU_ASSERT_EQUAL(r.tail, 7);
	CU_ASSERT_EQUAL(ring_holds_after(&r, 2), 0);

	/* Jumps to the tail, where 7 and 8 are stale. */
	CU_ASSERT_PTR_EQUAL(ring_next(&r, 2, 0, MSG_ENC_BASE64), bufs[9]);
	CU_ASSERT(walk_is(&r, 2, 0, held + 2, 2));
	CU_ASSERT(walk_is(&r, -5, 0, held + 2, 2));
	CU_ASSERT(walk_is(&r, 5, 0, held + 2, 2));

	/* Replaying, it gets whatever is left from the tail on. */
	CU_ASSERT(walk_is(&r, 2, r.head, held, 4));
	CU_ASSERT(walk_is(&r, 6, r.head, held, 4));

	/* Nothing stale when the ring ends with the job's end. */
	push(&r, MSG_COMPLETED);
	CU_ASSERT_EQUAL(r.tail, 8);
	CU_ASSERT(walk_is(&r, 0, 0, (const int64_t[]){ 9, 10, 11 }, 3));
	release(&r);
}

static CU_TestInfo cases[] = {
	{ "empty and freed rings", test_empty },
	{ "push and get within cap", test_push_get },
	{ "eviction by count", test_evict_count },
	{ "eviction by bytes, newest kept", test_evict_bytes },
	{ "references dropped on eviction and free", test_refs },
	{ "next: up-to-date subscriber", test_next_up_to_date },
	{ "next: slow subscriber skips stale", test_next_slow },
	{ "next: terminal messages never skipped", test_next_terminal },
	{ "next: replay_until", test_next_replay },
	{ "holds_after", test_holds_after },
	{ "previews by encoding", test_encodings },
	{ "next: subscriber behind the tail", test_next_behind },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("ring", cases);
}
