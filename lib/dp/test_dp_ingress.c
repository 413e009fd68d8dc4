/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUnit program 'dp_ingress': fex_dp_ingress() (fabric -> VM: the
 * survivors in the worker's tx buffers, or in the hand-off ring to the
 * worker that owns their port), fex_dp_ingress_handoff() (the owner's side)
 * and fex_dp_ingress_vf() on real mbuf bursts, without ports, in every tag
 * format, with exact counters: unicast, native VLAN, unknown and inactive
 * VIFs, direction, malformed tags, floods, the ingress policer, hand-off,
 * VFs and an uplink without tags.
 *
 * The hand-built struct fex_dp, frame builders and counter checks are in
 * test_dp_common.{h,c}.
 */
#include "test_dp_common.h"

/* ------------------------------------------------------------------ */
/* Ingress: fabric -> VM                                               */

static void
test_in_unicast(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(8, P8, "in", true);
	pk[0] = fab(0, 7, 10, 3, 100);		/* native: 802.1Q stripped */
	pk[1] = fab(1, 7, 20, 1, 110);		/* kept */
	pk[2] = fab(2, 8, NO_VLAN, 0, 120);
	pk[3] = fab(3, 7, 10, 3, 130);		/* frame 0's verdict again */
	pk[4] = fab(4, 7, 30, 0, 140);		/* drop_vlan */
	pk[5] = fab(5, 8, 0, 5, 150);		/* priority tag: stripped */
	pk[6] = fab(6, 7, 20, 1, 160);
	pk[7] = fab(7, 7, 20, 1, 170);
	/* a source VIF named on a unicast frame changes nothing */
	pk[8] = down(plain(8, 20, 1, 180), 0, 7, 9);
	bytes = sum_len(pk, 9);
	ingress(0, pk, 9);
	EXPECT(txb(w0, P7)->n, 6);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	CHECK_TX(w0, P7, 2, 7, 3, true);
	CHECK_TX(w0, P7, 3, 7, 6, false);
	CHECK_TX(w0, P7, 4, 7, 7, false);
	CHECK_TX(w0, P7, 5, 7, 8, false);
	EXPECT(txb(w0, P8)->n, 2);
	CHECK_TX(w0, P8, 0, 8, 2, false);
	CHECK_TX(w0, P8, 1, 8, 5, true);
	EXPECT(w0->dirty_n, 2);
	EXPECT(w0->dirty[0], P7);
	EXPECT(w0->dirty[1], P8);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	VIF_EXPECT(8, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 9, D(UPLINK_RX_BYTES) = bytes);
	DP_EXPECT(w1, 0);
	test_end();
}

static void
test_in_native(void)
{
	struct fex_profile n = prof("n", 10), nn = prof("nn", 0);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	test_begin();
	fex_vlan_set(n.vlans, 20);
	fex_vlan_set(nn.vlans, 20);
	profile_put(&n);
	profile_put(&nn);
	vif_put(7, P7, "n", true);
	vif_put(8, P8, "nn", true);
	pk[0] = fab(0, 8, NO_VLAN, 0, 100);	/* no native: drop_vlan */
	pk[1] = fab(1, 8, 0, 2, 100);		/* priority tag, no native */
	pk[2] = fab(2, 8, 20, 2, 100);
	pk[3] = fab(3, 7, NO_VLAN, 0, 100);	/* as the native VLAN */
	pk[4] = fab(4, 7, 10, 6, 100);
	pk[5] = fab(5, 7, 0, 4, 100);
	pk[6] = fab(6, 7, 20, 0, 100);
	pk[7] = fab(7, 8, 10, 0, 100);		/* VIF 7's native, not VIF 8's */
	bytes = sum_len(pk, 8);
	ingress(0, pk, 8);
	EXPECT(txb(w0, P8)->n, 1);
	CHECK_TX(w0, P8, 0, 8, 2, false);
	EXPECT(txb(w0, P7)->n, 4);
	CHECK_TX(w0, P7, 0, 7, 3, false);
	CHECK_TX(w0, P7, 1, 7, 4, true);
	CHECK_TX(w0, P7, 2, 7, 5, true);
	CHECK_TX(w0, P7, 3, 7, 6, false);
	VIF_EXPECT(8, V(DROP_VLAN) = 3);
	VIF_EXPECT(7, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 8, D(UPLINK_RX_BYTES) = bytes);
	test_end();
}

static void
test_in_unknown_inactive(void)
{
	struct fex_profile up = prof("up", 10), off = prof("off", 10), ld = prof("ld", 10);
	struct rte_mbuf *pk[FEX_BURST];
	static const uint16_t dvif[] = { 100, 8, 9, 10, 7, 4095, 100, 7 };
	uint64_t bytes;
	unsigned int i;

	test_begin();
	up.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	off.enabled = false;
	profile_put(&up);
	profile_put(&off);
	profile_put(&ld);
	vif_put(7, P7, "up", true);
	vif_put(8, P8, "up", false);		/* preassociated */
	vif_put(9, P9, "off", true);		/* profile disabled */
	vif_put(10, P10, "ld", true);
	uplink_put(false);			/* VIF 10 down, VIF 7 not */
	EXPECT(vif_state(10), FEX_VIF_DOWN);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	for (i = 0; i < RTE_DIM(dvif); i++)
		pk[i] = fab(i, dvif[i], NO_VLAN, 0, 100);
	bytes = sum_len(pk, RTE_DIM(dvif));
	ingress(0, pk, RTE_DIM(dvif));
	EXPECT(txb(w0, P7)->n, 2);
	CHECK_TX(w0, P7, 0, 7, 4, false);
	CHECK_TX(w0, P7, 1, 7, 7, false);
	EXPECT(w0->dirty_n, 1);
	VIF_EXPECT(7, 0);
	VIF_EXPECT(8, V(DROP_INACTIVE) = 1);
	VIF_EXPECT(9, V(DROP_INACTIVE) = 1);
	VIF_EXPECT(10, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 8, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 3);
	/* the uplink back: VIF 10 receives */
	uplink_put(true);
	pk[0] = fab(0, 10, NO_VLAN, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	EXPECT(txb(w0, P10)->n, 1);
	CHECK_TX(w0, P10, 0, 10, 0, false);
	VIF_EXPECT(10, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 9, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 3);
	test_end();
}

/* VN-Tag only: E-Tag has no direction bit on the wire. */
static void
test_in_direction(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	CU_ASSERT_EQUAL_FATAL(fex_tag_push(pk[0], FEX_TAG_VNTAG, 7, 0), 0);	/* upstream */
	pk[1] = fab(1, 7, NO_VLAN, 0, 100);
	rte_pktmbuf_mtod(pk[1], uint8_t *)[14] &= 0x7f;			/* d = 0 */
	pk[2] = fab(2, 7, NO_VLAN, 0, 100);
	bytes = sum_len(pk, 3);
	ingress(0, pk, 3);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 2, false);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 3, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_DIRECTION) = 2);
	TAGERR_EXPECT(w0, E(DIRECTION) = 2);
	VIF_EXPECT(7, 0);
	test_end();
}

static void
test_in_malformed(void)
{
	const unsigned int tl = fex_tag_len(mode);
	struct fex_profile p = prof("in", 10);
	uint64_t want[FEX_TAG_ERR_MAX] = { 0 };
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t bytes;
	uint16_t n = 0;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	/* every frame is for VIF 7, active: only the tag is wrong */
	pk[n] = plain(n, NO_VLAN, 0, 10);			/* runt */
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = plain(n, NO_VLAN, 0, 100);			/* no VIF tag */
	want[FEX_TAG_ERR_ETHERTYPE]++;
	n++;
	pk[n] = fab(n, 7, NO_VLAN, 0, 100);			/* tag cut short */
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(pk[n], (uint16_t)(100 + tl - 16)), 0);
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = fab(n, 7, 10, 0, 18);				/* 802.1Q cut short */
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(pk[n], 2), 0);
	want[FEX_TAG_ERR_TRUNCATED]++;
	n++;
	pk[n] = split(fab(n, 7, NO_VLAN, 0, 100), 14);		/* tag in 2 segments */
	want[FEX_TAG_ERR_SEGMENTED]++;
	n++;
	pk[n] = fab(n, 0, NO_VLAN, 0, 100);			/* VIF 0 */
	want[FEX_TAG_ERR_VIF_ZERO]++;
	n++;
	if (mode == FEX_TAG_VNTAG) {
		/* byte 16: l r ver(2) and the top of svif */
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x40;	/* r */
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x10;	/* ver 1 */
		want[FEX_TAG_ERR_VERSION]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x20;	/* ver 2 */
		want[FEX_TAG_ERR_VERSION]++;
		n++;
		pk[n] = fab(n, 5000, NO_VLAN, 0, 100);		/* unicast > 4095 */
		want[FEX_TAG_ERR_VIF_RANGE]++;
		n++;
		pk[n] = flood(n, 1, 100, 0, NO_VLAN, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x80;	/* looped, svif 0 */
		want[FEX_TAG_ERR_VIF_ZERO]++;
		n++;
	} else {
		/* byte 16: resv(2) GRP(2) and the top of E-CID_base */
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x80;
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[16] |= 0x40;
		want[FEX_TAG_ERR_RESERVED]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[18] = 1;		/* Ingress_E-CID_ext */
		want[FEX_TAG_ERR_EXT]++;
		n++;
		pk[n] = fab(n, 7, NO_VLAN, 0, 100);
		rte_pktmbuf_mtod(pk[n], uint8_t *)[19] = 1;		/* E-CID_ext */
		want[FEX_TAG_ERR_EXT]++;
		n++;
		pk[n] = flood(n, 1, 0, 0, NO_VLAN, 100);		/* VIF list 0 */
		want[FEX_TAG_ERR_VIF_ZERO]++;
		n++;
	}
	bytes = sum_len(pk, n);
	ingress(0, pk, n);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = n, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_MALFORMED) = n);
	tagerr_expect_at(w0, want, __FILE__, __LINE__);
	EXPECT(w0->dirty_n, 0);
	VIF_EXPECT(7, 0);
	test_end();
}

static void
test_in_flood(void)
{
	static const uint16_t l100[] = { 7, 8, 9, 10 }, l3000[] = { 8, 11 };
	static const uint16_t l4000[] = { 10 }, l9000[] = { 9 };
	struct fex_profile in = prof("in", 10), in2 = prof("in2", 0);
	struct rte_mbuf *pk[FEX_BURST], *all[16], *got[FEX_BURST];
	static struct rte_mbuf *hog[NB_MBUFS];
	const bool vn = mode == FEX_TAG_VNTAG;
	unsigned int i, j, na = 0, nh;
	uint64_t bytes;

	test_begin();
	fex_vlan_set(in.vlans, 20);
	fex_vlan_set(in2.vlans, 10);
	profile_put(&in);
	profile_put(&in2);
	vif_put(7, P7, "in", true);
	vif_put(8, P8, "in", true);
	vif_put(9, P9, "in2", true);
	vif_put(10, P10, "in", false);		/* preassociated: skipped */
	vif_put(11, P11, "in", true);		/* worker 1's */
	viflist_put(100, l100, RTE_DIM(l100));
	viflist_put(3000, l3000, RTE_DIM(l3000));
	viflist_put(4000, l4000, RTE_DIM(l4000));
	if (vn)
		viflist_put(9000, l9000, RTE_DIM(l9000));
	pk[0] = flood(0, 1, 100, 0, 10, 100);	/* 7, 8 strip; 9 keeps VLAN 10 */
	pk[1] = flood(1, 1, 100, 8, 20, 110);	/* looped from 8: 7; 9 drop_vlan */
	pk[2] = flood(2, 1, 200, 0, 10, 120);	/* unknown list */
	pk[3] = flood(3, 1, 3000, 0, NO_VLAN, 130);	/* 8 here, 11 handed off */
	if (vn)		/* a VIF-list id above 4095 */
		pk[4] = flood(4, 1, 9000, 0, 10, 140);
	else		/* GRP 3, looped from 7: 8 strips, 9 keeps */
		pk[4] = flood(4, 3, 100, 7, 10, 140);
	pk[5] = flood(5, 2, 4000, 0, 10, 150);	/* no active member: no copy */
	bytes = sum_len(pk, 6);
	ingress(0, pk, 6);

	EXPECT(txb(w0, P7)->n, 2);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	EXPECT(txb(w0, P8)->n, vn ? 2 : 3);
	CHECK_TX(w0, P8, 0, 8, 0, true);
	CHECK_TX(w0, P8, 1, 8, 3, false);
	if (!vn)
		CHECK_TX(w0, P8, 2, 8, 4, true);
	EXPECT(txb(w0, P9)->n, 2);
	CHECK_TX(w0, P9, 0, 9, 0, false);
	CHECK_TX(w0, P9, 1, 9, 4, false);
	EXPECT(txb(w0, P10)->n, 0);
	EXPECT(w0->dirty_n, 3);
	VIF_EXPECT(7, 0);
	VIF_EXPECT(8, 0);
	VIF_EXPECT(9, V(DROP_VLAN) = 1);
	VIF_EXPECT(10, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 6, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 1, D(FLOOD_COPIES) = vn ? 4 : 5, D(HANDOFFS) = 1);

	/* the copy for worker 1's VIF, in the ring, VIF tag removed */
	EXPECT(ring_take(got), 1);
	CHECK_FRAME(got[0], 3, false);
	/* every copy is a frame of its own */
	for (i = 0; i < txb(w0, P7)->n; i++)
		all[na++] = txb(w0, P7)->m[i];
	for (i = 0; i < txb(w0, P8)->n; i++)
		all[na++] = txb(w0, P8)->m[i];
	for (i = 0; i < txb(w0, P9)->n; i++)
		all[na++] = txb(w0, P9)->m[i];
	all[na++] = got[0];
	for (i = 0; i < na; i++)
		for (j = i + 1; j < na; j++)
			OK(all[i] != all[j]);
	handoff(0, got, 1);
	EXPECT(txb(w1, P11)->n, 1);
	CHECK_TX(w1, P11, 0, 11, 3, false);
	VIF_EXPECT(11, 0);
	DP_EXPECT(w1, 0);
	worker_drain(w0);

	/* mempool empty: no copy (drop_no_mbuf each), the first member
	 * still gets the frame itself */
	pk[0] = flood(0, 1, 100, 0, 10, 100);
	bytes += sum_len(pk, 1);
	for (nh = 0; nh < RTE_DIM(hog); nh++)
		if ((hog[nh] = rte_pktmbuf_alloc(pool)) == NULL)
			break;
	ingress(0, pk, 1);
	rte_pktmbuf_free_bulk(hog, nh);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	EXPECT(txb(w0, P8)->n, 0);
	EXPECT(txb(w0, P9)->n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 7, D(UPLINK_RX_BYTES) = bytes,
		  D(DROP_UNKNOWN_VIF) = 1, D(FLOOD_COPIES) = vn ? 4 : 5, D(HANDOFFS) = 1,
		  D(DROP_NO_MBUF) = 2);
	test_end();
}

static void
test_in_policer(void)
{
	struct fex_profile p = prof("ip", 10);
	struct rte_mbuf *pk[FEX_BURST];
	uint64_t now = 5 * HZ, bytes;
	unsigned int i;
	uint16_t n;

	test_begin();
	p.ingress_rate_kbps = 8;		/* 1000 B/s */
	p.ingress_burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "ip", true);
	vif_put(11, P11, "ip", true);
	/* 300 B behind the VIF tag (the 802.1Q tag counts): 6 of 10 fit */
	for (i = 0; i < 10; i++)
		pk[i] = fab(i, 7, i % 2 ? 10 : NO_VLAN, 0, 300);
	bytes = sum_len(pk, 10);
	ingress(now, pk, 10);
	EXPECT(txb(w0, P7)->n, 6);
	for (i = 0; i < 6; i++)
		CHECK_TX(w0, P7, i, 7, i, i % 2);
	VIF_EXPECT(7, V(DROP_INGRESS_POLICER) = 4);
	/* 100 ms later: one more */
	pk[0] = fab(0, 7, NO_VLAN, 0, 300);
	pk[1] = fab(1, 7, NO_VLAN, 0, 300);
	bytes += sum_len(pk, 2);
	ingress(now + HZ / 10, pk, 2);
	EXPECT(txb(w0, P7)->n, 7);
	CHECK_TX(w0, P7, 6, 7, 0, false);
	VIF_EXPECT(7, V(DROP_INGRESS_POLICER) = 5);

	/* worker 1 polices the frames it is handed, with VIF 11's bucket */
	for (i = 0; i < 10; i++)
		pk[i] = fab(i, 11, NO_VLAN, 0, 300);
	bytes += sum_len(pk, 10);
	ingress(now, pk, 10);
	n = ring_take(pk);
	EXPECT(n, 10);
	handoff(now, pk, n);
	EXPECT(txb(w1, P11)->n, 6);
	for (i = 0; i < 6; i++)
		CHECK_TX(w1, P11, i, 11, i, false);
	VIF_EXPECT(11, V(DROP_INGRESS_POLICER) = 4);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 22, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 10);
	DP_EXPECT(w1, 0);
	test_end();
}

static void
test_in_handoff(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST], *got[FEX_BURST];
	unsigned int i, k;
	uint64_t bytes;

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(11, P11, "in", true);		/* worker 1 polls P11 */
	vif_put(7, P7, "in", true);
	vif_put(13, P13, "in", true);		/* nobody polls P13 */
	pk[0] = fab(0, 11, 10, 0, 100);
	pk[1] = fab(1, 11, 20, 0, 110);
	pk[2] = fab(2, 7, NO_VLAN, 0, 120);
	pk[3] = fab(3, 11, 30, 0, 130);
	pk[4] = fab(4, 11, NO_VLAN, 0, 140);
	pk[5] = fab(5, 13, NO_VLAN, 0, 150);
	bytes = sum_len(pk, 6);
	ingress(0, pk, 6);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 2, false);
	EXPECT(txb(w0, P11)->n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 6, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 4, D(DROP_STALE) = 1);
	/* in the ring, in order, VIF tag removed, the rest untouched */
	EXPECT(ring_take(got), 4);
	CHECK_FRAME(got[0], 0, false);
	CHECK_FRAME(got[1], 1, false);
	CHECK_FRAME(got[2], 3, false);
	CHECK_FRAME(got[3], 4, false);
	handoff(0, got, 4);
	EXPECT(txb(w1, P11)->n, 3);
	CHECK_TX(w1, P11, 0, 11, 0, true);
	CHECK_TX(w1, P11, 1, 11, 1, false);
	CHECK_TX(w1, P11, 2, 11, 4, false);
	EXPECT(w1->dirty_n, 1);
	EXPECT(w1->dirty[0], P11);
	VIF_EXPECT(11, V(DROP_VLAN) = 1);
	EXPECT(w1->rd.cnt[11].c[FEX_VIF_CNT_DROP_VLAN], 1);	/* worker 1 counted it */
	DP_EXPECT(w1, 0);
	worker_drain(w1);

	/* the VIF is disassociated while its frames wait in the ring */
	pk[0] = fab(0, 11, 10, 0, 100);
	pk[1] = fab(1, 11, 20, 0, 100);
	bytes += sum_len(pk, 2);
	ingress(0, pk, 2);
	vif_del(11);
	EXPECT(ring_take(got), 2);
	handoff(0, got, 2);
	EXPECT(txb(w1, P11)->n, 0);
	DP_EXPECT(w1, D(DROP_STALE) = 2);

	/* the port moves to worker 0 while a frame waits */
	vif_put(11, P11, "in", true);
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	dp->owner[P11] = 0;
	EXPECT(ring_take(got), 1);
	handoff(0, got, 1);
	DP_EXPECT(w1, D(DROP_STALE) = 3);
	/* from then on worker 0 delivers it itself */
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	EXPECT(txb(w0, P11)->n, 1);
	CHECK_TX(w0, P11, 0, 11, 0, false);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 10, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 7, D(DROP_STALE) = 1);
	VIF_EXPECT(11, 0);		/* restarted at the new association */
	worker_drain(w0);

	/* back to worker 1; its profile is disabled while a frame waits */
	dp->owner[P11] = 1;
	pk[0] = fab(0, 11, 20, 0, 100);
	bytes += sum_len(pk, 1);
	ingress(0, pk, 1);
	p.enabled = false;
	profile_put(&p);
	EXPECT(ring_take(got), 1);
	handoff(0, got, 1);
	DP_EXPECT(w1, D(DROP_STALE) = 4);
	VIF_EXPECT(11, 0);

	/* the ring holds 63 frames: the 64th is dropped, and counted */
	p.enabled = true;
	profile_put(&p);
	for (i = 0; i < 2; i++) {
		for (k = 0; k < FEX_BURST; k++)
			pk[k] = fab(k, 11, NO_VLAN, 0, 60);
		bytes += sum_len(pk, FEX_BURST);
		ingress(0, pk, FEX_BURST);
	}
	EXPECT(rte_ring_count(w1->from[0]), 63);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 75, D(UPLINK_RX_BYTES) = bytes,
		  D(HANDOFFS) = 8 + 63, D(DROP_STALE) = 1, D(DROP_HANDOFF_FULL) = 1);
	test_end();
}

/* A VIF's own VF: untagged frames for that VIF alone (any uplink mode). */
static void
test_in_vf(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	pk[1] = plain(1, 10, 2, 100);
	pk[2] = plain(2, 20, 0, 100);
	pk[3] = plain(3, 30, 0, 100);			/* drop_vlan */
	pk[4] = plain(4, NO_VLAN, 0, 8);		/* runt */
	pk[5] = split(plain(5, 10, 0, 100), 14);	/* 802.1Q in 2 segments */
	ingress_vf(0, 7, pk, 6);
	EXPECT(txb(w0, P7)->n, 3);
	CHECK_TX(w0, P7, 0, 7, 0, false);
	CHECK_TX(w0, P7, 1, 7, 1, true);
	CHECK_TX(w0, P7, 2, 7, 2, false);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	DP_EXPECT(w0, D(DROP_MALFORMED) = 2);
	TAGERR_EXPECT(w0, E(TRUNCATED) = 1, E(SEGMENTED) = 1);
	/* the VIF's profile disabled */
	p.enabled = false;
	profile_put(&p);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	ingress_vf(0, 7, pk, 1);
	EXPECT(txb(w0, P7)->n, 3);
	VIF_EXPECT(7, V(DROP_VLAN) = 1, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(DROP_MALFORMED) = 2);
	test_end();
}

/* Uplink in mode none: no VIF tag names a destination. */
static void
test_in_none(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[FEX_BURST];

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	pk[0] = plain(0, NO_VLAN, 0, 100);
	pk[1] = plain(1, 10, 0, 100);
	pk[2] = plain(2, NO_VLAN, 0, 10);
	ingress(0, pk, 3);
	EXPECT(w0->dirty_n, 0);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 3, D(UPLINK_RX_BYTES) = 210,
		  D(DROP_UNKNOWN_VIF) = 2, D(DROP_MALFORMED) = 1);
	TAGERR_EXPECT(w0, E(TRUNCATED) = 1);
	VIF_EXPECT(7, 0);
	test_end();
}

/* A vNIC port that refuses frames (its ring full, as a guest's can be)
 * keeps them for the next flushes, no spinning: what it takes later is
 * counted sent; what waited FEX_TX_HOLD_US while it took nothing is
 * counted drop_tx_full, once. */
static uint64_t
cnt7(enum fex_vif_cnt c)
{
	return w0->rd.cnt[7].c[c];
}

static void
send_80(void)
{
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i, k, sent = 0;

	while (sent < 80) {
		k = RTE_MIN(80u - sent, (unsigned int)FEX_BURST);
		for (i = 0; i < k; i++)
			pk[i] = fab(i, 7, 10, 0, 100);	/* slot i of the burst */
		ingress(0, pk, (uint16_t)k);
		fex_dp_ingress_flush(w0);
		sent += k;
	}
}

static void
test_in_tx_hold(void)
{
	struct fex_port_conf pc = { .nb_rxq = 1, .nb_txq = 1, .nb_rxd = 64,
				    .nb_txd = 64, .pool = pool };
	struct fex_profile p = prof("hold", 10);
	struct rte_mbuf *got[64];
	uint16_t port, peer, n;
	uint64_t t0, waited, held, drops, end;
	char err[256];

	test_begin();
	dp->tx_hold_tsc = rte_get_tsc_hz() / 1000000 * FEX_TX_HOLD_US;
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dphold", &pc, &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dphold", &pc, &peer, err, sizeof(err)), 0);
	dp->owner[port] = 0;
	profile_put(&p);
	vif_put(7, port, "hold", true);

	send_80();			/* a 64-slot ring: some are refused */
	held = txb(w0, port)->n;
	OK(held > 0);
	EXPECT(w0->dirty_n, 1);		/* held: flushed again next pass */
	EXPECT(cnt7(FEX_VIF_CNT_TX_PACKETS) + held, 80);
	EXPECT(cnt7(FEX_VIF_CNT_DROP_TX_FULL), 0);
	/* the guest reads its ring: the held frames go, none lost */
	while ((n = fex_port_rx(peer, 0, got, RTE_DIM(got))) != 0)
		rte_pktmbuf_free_bulk(got, n);
	fex_dp_ingress_flush(w0);
	EXPECT(txb(w0, port)->n, 0);
	EXPECT(w0->dirty_n, 0);
	EXPECT(cnt7(FEX_VIF_CNT_TX_PACKETS), 80);
	EXPECT(cnt7(FEX_VIF_CNT_TX_BYTES), 80 * (100 - FEX_VLAN_LEN)); /* native: stripped */
	EXPECT(cnt7(FEX_VIF_CNT_DROP_TX_FULL), 0);

	/* the guest stops reading: the held frames go after the hold time
	 * (frames that find the buffer still full are dropped at once) */
	t0 = rte_rdtsc();
	send_80();
	held = txb(w0, port)->n;
	OK(held > 0);
	drops = cnt7(FEX_VIF_CNT_DROP_TX_FULL);
	end = t0 + rte_get_tsc_hz();
	while (txb(w0, port)->n != 0 && rte_rdtsc() < end)
		fex_dp_ingress_flush(w0);
	waited = (rte_rdtsc() - t0) * 1000000 / rte_get_tsc_hz();
	EXPECT(txb(w0, port)->n, 0);
	OK(waited + 1 >= FEX_TX_HOLD_US);
	EXPECT(cnt7(FEX_VIF_CNT_DROP_TX_FULL), drops + held);
	EXPECT(cnt7(FEX_VIF_CNT_TX_PACKETS) + cnt7(FEX_VIF_CNT_DROP_TX_FULL), 160);
	EXPECT(w0->dirty_n, 0);

	vif_del(7);
	dp->owner[port] = -1;
	while ((n = fex_port_rx(peer, 0, got, RTE_DIM(got))) != 0)
		rte_pktmbuf_free_bulk(got, n);
	CU_ASSERT_EQUAL(fex_port_close(port), 0);
	CU_ASSERT_EQUAL(fex_port_close(peer), 0);
	dp->tx_hold_tsc = 0;
	test_end();
}

/* A full buffer whose port refused is not tried again for each frame
 * that finds it full: that frame is dropped at once; the pass's flush
 * tries the port, once. */
static void
test_in_tx_full_once(void)
{
	struct fex_port_conf pc = { .nb_rxq = 1, .nb_txq = 1, .nb_rxd = 64,
				    .nb_txd = 64, .pool = pool };
	struct fex_profile p = prof("full", 10);
	struct rte_mbuf *got[64], *pk[FEX_BURST];
	uint16_t port, peer, n, i, k;
	unsigned int round, read = 0;
	char err[256];

	test_begin();
	dp->tx_hold_tsc = rte_get_tsc_hz();	/* nothing times out here */
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dpfull", &pc, &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dpfull", &pc, &peer, err, sizeof(err)), 0);
	dp->owner[port] = 0;
	profile_put(&p);
	vif_put(7, port, "full", true);

	/* 63 fill the guest's ring (a ring of 64 holds 63), the next 32 the
	 * buffer: refused; the last frame of the 96 finds it full */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < FEX_BURST; i++)
			pk[i] = fab(i, 7, 10, 0, 100);
		ingress(0, pk, FEX_BURST);
	}
	EXPECT(txb(w0, port)->n, FEX_BURST);
	OK(txb(w0, port)->held_since != 0);
	EXPECT(cnt7(FEX_VIF_CNT_TX_PACKETS), 63);
	EXPECT(cnt7(FEX_VIF_CNT_DROP_TX_FULL), 1);
	/* the guest reads its ring, but the next frame is not what tries
	 * the port: it finds the buffer full and is dropped */
	while ((n = fex_port_rx(peer, 0, got, RTE_DIM(got))) != 0) {
		read += n;
		rte_pktmbuf_free_bulk(got, n);
	}
	EXPECT(read, 63);
	pk[0] = fab(0, 7, 10, 0, 100);
	ingress(0, pk, 1);
	EXPECT(cnt7(FEX_VIF_CNT_DROP_TX_FULL), 2);
	EXPECT(txb(w0, port)->n, FEX_BURST);
	EXPECT(fex_port_rx(peer, 0, got, RTE_DIM(got)), 0);	/* not asked */
	/* the pass's flush asks once: the 32 go */
	fex_dp_ingress_flush(w0);
	EXPECT(txb(w0, port)->n, 0);
	EXPECT(w0->dirty_n, 0);
	EXPECT(cnt7(FEX_VIF_CNT_TX_PACKETS), 63 + FEX_BURST);
	k = fex_port_rx(peer, 0, got, RTE_DIM(got));
	EXPECT(k, FEX_BURST);
	rte_pktmbuf_free_bulk(got, k);

	vif_del(7);
	dp->owner[port] = -1;
	CU_ASSERT_EQUAL(fex_port_close(port), 0);
	CU_ASSERT_EQUAL(fex_port_close(peer), 0);
	dp->tx_hold_tsc = 0;
	test_end();
}

/* ------------------------------------------------------------------ */

static const struct dp_test ingress_tests[] = {
	{ "unicast", test_in_unicast, M_TAGS },
	{ "native VLAN", test_in_native, M_TAGS },
	{ "unknown and inactive VIFs", test_in_unknown_inactive, M_TAGS },
	{ "direction", test_in_direction, M_VN },
	{ "malformed", test_in_malformed, M_TAGS },
	{ "flood", test_in_flood, M_TAGS },
	{ "ingress policer", test_in_policer, M_TAGS },
	{ "hand-off", test_in_handoff, M_TAGS },
	{ "VF", test_in_vf, M_ALL },
	{ "uplink without tags", test_in_none, M_NONE },
	{ "a refused frame waits, then is dropped", test_in_tx_hold, M_TAGS },
	{ "a full buffer whose port refused drops, asks once per pass",
	  test_in_tx_full_once, M_TAGS },
};

int
main(int argc, char **argv)
{
	RTE_SET_USED(argc);
	return dp_test_main(argv[0], "ingress", ingress_tests, RTE_DIM(ingress_tests));
}
