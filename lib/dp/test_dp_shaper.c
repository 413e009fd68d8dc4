/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shaper stage (shaper.h) between fex_dp_egress() and the send, on
 * the hand-built dataplane of test_dp_common.c, with a ring pair as the
 * uplink so that what goes out can be read back in order. Time is the
 * db's (1 tick = 1 ns), passed in: every figure is exact.
 *   - a non-vhost vNIC: the bucket pays for what goes now, the rest
 *     waits in order and leaves as tokens come; over the queue's limit
 *     drop_shaper; a change to police lets it all go; a VIF that leaves
 *     its port has its queue flushed, counted;
 *   - a vhost vNIC: nothing taken while the bucket is empty, small
 *     bursts when it is low, a debt paid back, nothing ever dropped;
 *   - an unshaped VIF is not touched.
 * It compiles shaper.c itself, so its file-local inlines are called here.
 */
#include "shaper.c"

#include "test_dp_common.h"

#define P_VH	40	/* a vhost port id (>= FEX_PORT_VHOST_BASE): VIF 9 */

static uint16_t up, peer;	/* the uplink ring and its far end */

/* 1 MB/s (8000 kbps), a burst of 3000 B */
static void
shaped_profile(const char *name, enum fex_rate_mode rm)
{
	struct fex_profile p = prof(name, 10);

	p.rate_kbps = 8000;
	p.burst_bytes = 3000;
	p.rate_mode = rm;
	profile_put(&p);
}

/* egress, then the shaper, then the send: the worker's vnic_rx */
static uint16_t
vnic_pass(uint16_t port, uint64_t now, unsigned int first, unsigned int n,
	  unsigned int vif, uint32_t len)
{
	struct rte_mbuf *pk[FEX_BURST];
	uint16_t i, out;

	for (i = 0; i < n; i++)
		pk[i] = vm((first + i) % 32, &mac[vif], NO_VLAN, 0, 0, len);
	out = egress(port, now, pk, (uint16_t)n);
	out = fex_dp_shape(w0, now, port, pk, out);
	fex_dp_egress_send(w0, port, pk, out);
	return out;
}

/* frames that reached the far end of the uplink: how many, and whether
 * their payload slots came in the order sent */
static unsigned int
uplink_read(unsigned int *next_slot, bool *in_order)
{
	struct rte_mbuf *b[64];
	unsigned int got = 0, i;
	uint16_t n;

	while ((n = fex_port_rx(peer, 0, b, RTE_DIM(b))) != 0) {
		for (i = 0; i < n; i++) {
			/* the last payload byte is (len-1)*7 + slot (eth_bytes) */
			const uint8_t *d = rte_pktmbuf_mtod(b[i], const uint8_t *);
			uint8_t last = d[b[i]->pkt_len - 1];
			uint8_t want = (uint8_t)((1000 - 1) * 7 + *next_slot % 32);

			*in_order = *in_order && last == want;
			(*next_slot)++;
		}
		rte_pktmbuf_free_bulk(b, n);
		got += n;
	}
	return got;
}

static void
uplink_open(void)
{
	struct fex_port_conf pc = { .nb_rxq = 1, .nb_txq = 1, .nb_rxd = 1024,
				    .nb_txd = 1024, .pool = pool };
	char err[256];

	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:shup", &pc, &up, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:shup", &pc, &peer, err, sizeof(err)), 0);
	dp->uplink = up;
	dp->owner[P7] = 0;
	dp->owner[P_VH] = 0;
	CU_ASSERT_EQUAL_FATAL(fex_dp_shq_alloc(w0, P7), 0);
}

static void
uplink_close(void)
{
	unsigned int slot = 0;
	bool ord = true;

	uplink_read(&slot, &ord);
	fex_dp_shq_free(w0, P7);
	w0->backlog_n = 0;
	CU_ASSERT_EQUAL(fex_port_close(up), 0);
	CU_ASSERT_EQUAL(fex_port_close(peer), 0);
	dp->uplink = RTE_MAX_ETHPORTS - 1;
}

static void
test_sh_queue(void)
{
	const uint64_t t0 = 5 * HZ, ms = HZ / 1000;
	unsigned int slot = 0, got = 0, i;
	bool ord = true;

	test_begin();
	uplink_open();
	shaped_profile("sh", FEX_RATE_SHAPE);
	vif_put(7, P7, "sh", true);
	/* a full bucket pays for 3 frames of 1000 B; 29 wait, in order */
	EXPECT(vnic_pass(P7, t0, 0, 32, 7, 1000), 3);
	EXPECT(fex_dp_shq_len(w0, P7), 29);
	EXPECT(w0->backlog_n, 1);
	got += uplink_read(&slot, &ord);
	EXPECT(got, 3);
	/* each ms pays for one more (1 MB/s); a pass between gives nothing */
	for (i = 1; i <= 29; i++) {
		EXPECT(fex_dp_shape_release(w0, t0 + i * ms - ms / 2), 0);
		EXPECT(fex_dp_shape_release(w0, t0 + i * ms), 1);
	}
	got += uplink_read(&slot, &ord);
	EXPECT(got, 32);
	OK(ord);
	EXPECT(fex_dp_shq_len(w0, P7), 0);
	EXPECT(w0->backlog_n, 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 32, V(RX_BYTES) = 32000);
	DP_EXPECT(w0, D(UPLINK_TX_PACKETS) = 32,
		  D(UPLINK_TX_BYTES) = 32 * (1000 + fex_tag_len(mode) + FEX_VLAN_LEN));
	uplink_close();
	test_end();
}

static void
test_sh_limit_and_changes(void)
{
	const uint64_t t0 = 5 * HZ;
	const unsigned int tagged = 1000 + fex_tag_len(mode) + FEX_VLAN_LEN;
	/* the queue: 50 ms at 1 MB/s = 50000 B of tagged frames */
	const unsigned int fit = 50000 / tagged;
	unsigned int slot = 0, i, sent = 0;
	bool ord = true;

	test_begin();
	uplink_open();
	shaped_profile("sh", FEX_RATE_SHAPE);
	vif_put(7, P7, "sh", true);
	for (i = 0; i < 4; i++)
		sent += vnic_pass(P7, t0, i * 32, 32, 7, 1000);
	EXPECT(sent, 3);
	EXPECT(fex_dp_shq_len(w0, P7), fit);
	VIF_EXPECT(7, V(RX_PACKETS) = 128, V(RX_BYTES) = 128000,
		   V(DROP_SHAPER) = 128 - 3 - fit);
	/* police now: what waits goes at once, nothing more is queued */
	shaped_profile("sh", FEX_RATE_POLICE);
	EXPECT(fex_dp_shape_release(w0, t0), fit);
	EXPECT(fex_dp_shq_len(w0, P7), 0);
	EXPECT(uplink_read(&slot, &ord), 3 + fit);
	/* shaped again, frames wait; then the VIF leaves: flushed, counted */
	shaped_profile("sh", FEX_RATE_SHAPE);
	EXPECT(vnic_pass(P7, t0 + 10 * HZ, 0, 10, 7, 1000), 3);
	EXPECT(fex_dp_shq_len(w0, P7), 7);
	vif_del(7);
	EXPECT(fex_dp_shape_release(w0, t0 + 10 * HZ), 0);
	EXPECT(fex_dp_shq_len(w0, P7), 0);
	EXPECT(w0->backlog_n, 0);
	EXPECT(w0->rd.cnt[7].c[FEX_VIF_CNT_DROP_SHAPER], 128 - 3 - fit + 7);
	uplink_close();
	test_end();
}

static void
test_sh_vhost(void)
{
	const uint64_t t0 = 5 * HZ, ms = HZ / 1000;
	unsigned int slot = 0;
	bool ord = true;

	test_begin();
	uplink_open();
	shaped_profile("sh", FEX_RATE_SHAPE);
	vif_put(9, P_VH, "sh", true);
	/* a full bucket (3000 B): a burst of 1 + 3000/1518 = 2 */
	EXPECT(fex_dp_shape_want(w0, t0, P_VH), 2);
	/* the guest's 2 frames of 1000 B, and the bucket shows 1000 B */
	EXPECT(vnic_pass(P_VH, t0, 0, 2, 9, 1000), 2);
	EXPECT(fex_dp_shape_want(w0, t0, P_VH), 1);
	/* 3 frames taken at once (more than the bucket): a debt of 2000 B */
	EXPECT(vnic_pass(P_VH, t0, 2, 3, 9, 1000), 3);
	EXPECT(fex_dp_shape_want(w0, t0, P_VH), 0);	/* nothing taken */
	EXPECT(fex_dp_shape_want(w0, t0 + 2 * ms, P_VH), 0);	/* debt paid, 0 */
	EXPECT(fex_dp_shape_want(w0, t0 + 3 * ms, P_VH), 1);
	EXPECT(fex_dp_shq_len(w0, P_VH), 0);		/* never queued */
	EXPECT(uplink_read(&slot, &ord), 5);
	VIF_EXPECT(9, V(RX_PACKETS) = 5, V(RX_BYTES) = 5000);
	uplink_close();
	test_end();
}

static void
test_sh_unshaped(void)
{
	const uint64_t t0 = 5 * HZ;
	struct fex_profile p = prof("free", 10);
	unsigned int slot = 0;
	bool ord = true;

	test_begin();
	uplink_open();
	profile_put(&p);		/* no rate: nothing to shape */
	vif_put(7, P7, "free", true);
	vif_put(9, P_VH, "free", true);
	EXPECT(fex_dp_shape_want(w0, t0, P_VH), FEX_BURST);
	EXPECT(fex_dp_shape_want(w0, t0, P7), FEX_BURST);
	EXPECT(vnic_pass(P7, t0, 0, 32, 7, 1000), 32);
	EXPECT(fex_dp_shq_len(w0, P7), 0);
	EXPECT(uplink_read(&slot, &ord), 32);
	OK(ord);
	uplink_close();
	test_end();
}

/* the helpers of shaper.c, directly */
static void
test_sh_helpers(void)
{
	struct fex_shq *q = rte_zmalloc("test_shq", sizeof(*q), 0);
	struct rte_mbuf *a = rte_pktmbuf_alloc(pool), *b = rte_pktmbuf_alloc(pool);
	const struct fex_profile_rt *p;
	uint16_t vif;

	test_begin();
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	rte_pktmbuf_append(a, 100);
	rte_pktmbuf_append(b, 200);
	a->hash.usr = 90;	/* VM lengths, as fex_dp_shape() leaves them */
	b->hash.usr = 190;
	shq_push(q, a, 100);
	shq_push(q, b, 200);
	EXPECT(q->bytes, 300);
	{
		struct fex_profile pr = prof("x", 10);
		const struct fex_profile_rt *rt;
		struct fex_shaper sh = { .time = 0, .tokens = 89 };

		pr.rate_kbps = 8000;
		pr.burst_bytes = 3000;
		profile_put(&pr);
		vif_put(7, P7, "x", true);
		rt = shaped(w0, P7, &vif);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
		OK(!head_paid(q, &sh, rt));	/* 90 B at the head, 89 in the bucket */
		sh.tokens = 90;
		OK(head_paid(q, &sh, rt));
	}
	OK(shq_pop(q) == a);
	OK(shq_pop(q) == b);
	EXPECT(q->n, 0);
	EXPECT(q->bytes, 0);
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_free(q);
	shaped_profile("sh", FEX_RATE_SHAPE);
	vif_put(7, P7, "sh", true);
	p = shaped(w0, P7, &vif);
	OK(p != NULL && vif == 7);
	shaped_profile("sh", FEX_RATE_POLICE);
	OK(shaped(w0, P7, &vif) == NULL && vif == 7);
	OK(shaped(w0, P_NOVIF, &vif) == NULL && vif == 0);
	test_end();
}

static const struct dp_test shaper_tests[] = {
	{ "queue: paid, waiting in order, released by the rate", test_sh_queue, M_ALL },
	{ "queue limit, police, VIF leaving", test_sh_limit_and_changes, M_ALL },
	{ "vhost: held back at the source, debt, no drop", test_sh_vhost, M_ALL },
	{ "unshaped VIFs untouched", test_sh_unshaped, M_ALL },
	{ "helpers", test_sh_helpers, M_VN },
};

int
main(int argc, char **argv)
{
	RTE_SET_USED(argc);
	return dp_test_main(argv[0], "shaper", shaper_tests, RTE_DIM(shaper_tests));
}
