/*
 * test_keepalive.c: when the keepalive sweep pings a connection and when
 * it hangs up on one (keepalive_check), for ping_s 20 and hangup_s 40.
 */
#include <string.h>

#include "keepalive.h"
#include "unit.h"

#define S	1000000LL
#define PING	(20 * S)
#define HANGUP	(40 * S)

/* Last written at wrote, pinged at ping (0: never). */
static struct keepalive
conn(int64_t wrote, int64_t ping)
{
	struct keepalive ka;

	memset(&ka, 0, sizeof(ka));
	ka.wrote_us = wrote;
	ka.pinged_us = ka.ping_us = ping;
	return ka;
}

static enum keepalive_action
at(const struct keepalive *ka, int64_t now)
{
	return keepalive_check(ka, now, PING, HANGUP);
}

static void
test_busy(void)
{
	struct keepalive ka = conn(100 * S, 0);

	CU_ASSERT_EQUAL(at(&ka, 100 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 119 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 120 * S - 1), KEEPALIVE_NONE);
}

static void
test_quiet(void)
{
	struct keepalive ka = conn(100 * S, 0);

	CU_ASSERT_EQUAL(at(&ka, 120 * S), KEEPALIVE_PING);
	CU_ASSERT_EQUAL(at(&ka, 500 * S), KEEPALIVE_PING);
	/* Decided: not again while it is unanswered. */
	ka.pinged_us = ka.ping_us = 120 * S;
	CU_ASSERT_EQUAL(at(&ka, 121 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 139 * S), KEEPALIVE_NONE);
}

static void
test_unanswered(void)
{
	struct keepalive ka = conn(100 * S, 121 * S);

	CU_ASSERT_EQUAL(at(&ka, 122 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 140 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 141 * S - 1), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 141 * S), KEEPALIVE_HANGUP);
}

static void
test_answered(void)
{
	struct keepalive ka = conn(100 * S, 121 * S);

	keepalive_heard(&ka);
	CU_ASSERT_EQUAL(ka.ping_us, 0);
	/* Quiet still: the next ping ping_s after this one, no hangup. */
	CU_ASSERT_EQUAL(at(&ka, 122 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 141 * S - 1), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 141 * S), KEEPALIVE_PING);
	CU_ASSERT_EQUAL(at(&ka, 300 * S), KEEPALIVE_PING);
}

static void
test_written_since(void)
{
	struct keepalive ka = conn(100 * S, 121 * S);

	/* Messages flow again: the slow-subscriber rule watches it now. */
	keepalive_wrote(&ka, 130 * S);
	CU_ASSERT_EQUAL(at(&ka, 160 * S), KEEPALIVE_NONE);
	CU_ASSERT_EQUAL(at(&ka, 170 * S), KEEPALIVE_HANGUP);
}

static CU_TestInfo cases[] = {
	{ "written within ping_s: nothing", test_busy },
	{ "quiet for ping_s: one ping", test_quiet },
	{ "ping unanswered until hangup_s: hang up", test_unanswered },
	{ "pong: the next ping ping_s after this one", test_answered },
	{ "writes after the ping put the hangup off", test_written_since },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("keepalive", cases);
}
