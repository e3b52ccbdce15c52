/*
 * test_downsample.c: a volume's mask made into a preview: each preview
 * voxel is its block's most frequent non-zero label, 0 for an empty
 * block, the lower label on a tie, and the far edges' smaller blocks.
 */
#include <string.h>

#include "downsample.h"
#include "unit.h"

static void
test_blocks(void)
{
	/* 4x4x4 at scale 2: eight blocks of eight voxels. */
	uint32_t shape[3] = { 4, 4, 4 };
	uint8_t vol[64], out[8];

	memset(vol, 0, sizeof(vol));
	/* Block 0: one voxel of 3 among zeros: it survives. */
	vol[0] = 3;
	/* Block 1 (x 2..3): two 1s, three 2s: 2 wins. */
	vol[2] = 1;
	vol[3] = 1;
	vol[6] = 2;
	vol[7] = 2;
	vol[18] = 2;
	/* Block 2 (y 2..3): a tie of 4 and 5: the lower. */
	vol[8] = 5;
	vol[9] = 4;
	downsample_mode(vol, shape, 2, out);
	CU_ASSERT_EQUAL(out[0], 3);
	CU_ASSERT_EQUAL(out[1], 2);
	CU_ASSERT_EQUAL(out[2], 4);
	CU_ASSERT_EQUAL(out[3], 0);
	CU_ASSERT_EQUAL(out[7], 0);
}

static void
test_edges(void)
{
	/* 3x1x5 at scale 2: blocks of 2 and 1 along z, 2, 2, 1 along x. */
	uint32_t shape[3] = { 3, 1, 5 };
	uint8_t vol[15], out[6];

	memset(vol, 0, sizeof(vol));
	vol[4] = 7;		/* z 0, x 4: the last, one-wide block */
	vol[10] = 9;		/* z 2, x 0 */
	downsample_mode(vol, shape, 2, out);
	CU_ASSERT_EQUAL(out[0], 0);
	CU_ASSERT_EQUAL(out[2], 7);
	CU_ASSERT_EQUAL(out[3], 9);
	CU_ASSERT_EQUAL(out[5], 0);
	/* Scale 1 is the volume itself. */
	{
		uint8_t same[15];

		downsample_mode(vol, shape, 1, same);
		CU_ASSERT_EQUAL(memcmp(same, vol, 15), 0);
	}
}

static CU_TestInfo cases[] = {
	{ "the mode of non-zero labels per block", test_blocks },
	{ "edges and scale 1", test_edges },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("downsample", cases);
}
