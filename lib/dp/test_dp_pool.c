/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's own mbuf pools (fex_dp_create): under --no-huge they
 * are packed, so mbufs start at many offsets of a 4 KB page instead of
 * all at one (which puts a burst's mbuf headers in one L1 cache set);
 * and they are real pktmbuf pools: allocated mbufs have the data room
 * and headroom of rte_pktmbuf_pool_create()'s.
 */
#include <stdint.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp_priv.h"
#include "fex_dp.h"
#include "fex_test.h"

struct offsets {
	uint8_t seen[4096 / RTE_CACHE_LINE_SIZE];
	unsigned int n, distinct;
};

static void
page_offset(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct offsets *o = arg;
	unsigned int line = (unsigned int)(((uintptr_t)obj & 4095) / RTE_CACHE_LINE_SIZE);

	(void)mp;
	(void)idx;
	o->n++;
	if (!o->seen[line]) {
		o->seen[line] = 1;
		o->distinct++;
	}
}

static void
test_pool_packed(void)
{
	const struct fex_dp_conf conf = {
		.mode = FEX_TAG_VNTAG, .uplink = "null", .nb_mbufs = 4095,
	};
	struct offsets o = { .n = 0 };
	struct rte_mbuf *m[64];
	struct fex_dp *dp;
	char err[256];
	unsigned int i;

	CU_ASSERT_FATAL(!rte_eal_has_hugepages());
	dp = fex_dp_create(&conf, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
	rte_mempool_obj_iter(dp->pool, page_offset, &o);
	CU_ASSERT_EQUAL(o.n, 4095);
	/* 37-line objects packed: every line offset of a page is a start */
	CU_ASSERT(o.distinct >= 32);
	CU_ASSERT_EQUAL(rte_pktmbuf_alloc_bulk(dp->pool, m, RTE_DIM(m)), 0);
	for (i = 0; i < RTE_DIM(m); i++) {
		CU_ASSERT_EQUAL(rte_pktmbuf_data_room_size(dp->pool),
				RTE_MBUF_DEFAULT_BUF_SIZE);
		CU_ASSERT_EQUAL(rte_pktmbuf_headroom(m[i]), RTE_PKTMBUF_HEADROOM);
		CU_ASSERT_EQUAL(rte_pktmbuf_tailroom(m[i]),
				RTE_MBUF_DEFAULT_BUF_SIZE - RTE_PKTMBUF_HEADROOM);
		CU_ASSERT_PTR_EQUAL(m[i]->pool, dp->pool);
	}
	rte_pktmbuf_free_bulk(m, RTE_DIM(m));
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(dp->pool), 0);
	fex_dp_destroy(dp);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;

	(void)argc;
	if (fex_test_eal_init(argv[0]) < 0 || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_pool", NULL, NULL);
	CU_add_test(s, "pools without hugepages: packed, real pktmbuf pools",
		    test_pool_packed);
	return fex_test_run();
}
