/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUnit program 'dp_egress': fex_dp_egress() (VM -> fabric: the survivors
 * tagged at the front of the burst, nothing sent) on real mbuf bursts,
 * without ports, in every tag format, with exact counters: inactive VIFs,
 * MAC forging, native VLAN or none, tagged and priority-tagged frames, the
 * policer, headroom, runts, a port without VIF, the uplink MTU, a VIF's own
 * VF, mixed bursts, the common burst against frame by frame, and the old
 * burst/counters test ported onto the stages.
 *
 * The hand-built struct fex_dp, frame builders and counter checks are in
 * test_dp_common.{h,c}.
 */
#include "test_dp_common.h"

/* ------------------------------------------------------------------ */
/* Egress: VM -> fabric                                                */

static void
test_eg_inactive(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", false);		/* preassociated */
	for (i = 0; i < 3; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 3), 0);
	EXPECT(w0->eg_svif, 7);
	VIF_EXPECT(7, V(RX_PACKETS) = 3, V(RX_BYTES) = 300, V(DROP_INACTIVE) = 3);

	/* associated, profile disabled: tagged or not */
	vif_del(7);
	p.enabled = false;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 200);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 2, V(RX_BYTES) = 300, V(DROP_INACTIVE) = 2);

	/* uplink down and the profile says link-down: the VIF is down */
	p.enabled = true;
	profile_put(&p);
	uplink_put(false);
	EXPECT(vif_state(7), FEX_VIF_DOWN);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 200);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 600, V(DROP_INACTIVE) = 4);

	/* the profile says warning now: the VIF forwards, uplink down or not */
	p.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	profile_put(&p);
	EXPECT(vif_state(7), FEX_VIF_ASSOCIATED);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = 700, V(DROP_INACTIVE) = 4);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_mac_forging(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	test_begin();
	p.mac_forging = FEX_MAC_FORGING_DENY;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 80);
	pk[1] = vm(1, &mac[8], NO_VLAN, 0, 0, 80);
	pk[2] = vm(2, &mac[7], 10, 1, 0, 90);
	pk[3] = vm(3, &mac[8], 10, 1, 0, 90);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 2);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[2]);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 2, 7, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 340, V(DROP_MAC_FORGED) = 2);

	/* allow: the other MAC goes too */
	p.mac_forging = FEX_MAC_FORGING_ALLOW;
	profile_put(&p);
	pk[0] = vm(0, &mac[8], NO_VLAN, 0, 0, 80);
	pk[1] = vm(1, &mac[8], 10, 1, 0, 90);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 510, V(DROP_MAC_FORGED) = 2);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_native(void)
{
	static const uint32_t lens[] = { 60, 64, 200, 1400 };
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	test_begin();
	p.cos = 5;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	for (i = 0; i < RTE_DIM(lens); i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, lens[i]);
	EXPECT(egress(P7, 0, pk, RTE_DIM(lens)), RTE_DIM(lens));
	for (i = 0; i < RTE_DIM(lens); i++) {
		CHECK_UP(pk[i], mode, i, 7, 5, TCI(5, 0, 10));
		EXPECT(w0->eg_len[i], lens[i] + fex_tag_len(mode) + FEX_VLAN_LEN);
	}
	rte_pktmbuf_free_bulk(pk, RTE_DIM(lens));

	/* cos absent: PCP 0, E-PCP 0 */
	p.cos = FEX_COS_LEAVE;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = 1824);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_no_native(void)
{
	struct fex_profile p = prof("p", 0);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	test_begin();
	fex_vlan_set(p.vlans, 10);
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 100);
	pk[2] = vm(2, &mac[7], 0, 3, 0, 100);	/* priority-tagged */
	pk[3] = vm(3, &mac[7], 10, 0, 0, 100);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 1);
	OK(pk[0] == keep[3]);
	CHECK_UP(pk[0], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	/* a burst of untagged frames only */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 600, V(DROP_VLAN) = 5);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_tagged(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[5];

	test_begin();
	fex_vlan_set(p.vlans, 20);
	p.cos = 3;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], 20, 6, 1, 100);
	pk[1] = vm(1, &mac[7], 10, 3, 0, 120);
	pk[2] = vm(2, &mac[7], 30, 0, 0, 140);
	pk[3] = vm(3, &mac[7], 4095, 0, 0, 160);
	pk[4] = vm(4, &mac[7], 20, 0, 0, 180);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 5), 3);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[1]);
	OK(pk[2] == keep[4]);
	CHECK_UP(pk[0], mode, 0, 7, 3, TCI(3, 1, 20));	/* CoS in, DEI kept */
	CHECK_UP(pk[1], mode, 1, 7, 3, TCI(3, 0, 10));	/* already right */
	CHECK_UP(pk[2], mode, 4, 7, 3, TCI(3, 0, 20));
	rte_pktmbuf_free_bulk(pk, 3);

	/* cos absent: PCP and DEI as sent, E-PCP = PCP */
	p.cos = FEX_COS_LEAVE;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], 20, 6, 1, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 6, TCI(6, 1, 20));
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 7, V(RX_BYTES) = 900, V(DROP_VLAN) = 2);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_priority(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], 0, 2, 1, 100);
	pk[1] = vm(1, &mac[7], 0, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 2, TCI(2, 1, 10));	/* native VID, PCP, DEI kept */
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	p.cos = 4;
	profile_put(&p);
	pk[0] = vm(0, &mac[7], 0, 2, 1, 100);
	EXPECT(egress(P7, 0, pk, 1), 1);
	CHECK_UP(pk[0], mode, 0, 7, 4, TCI(4, 1, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 3, V(RX_BYTES) = 300);
	DP_EXPECT(w0, 0);
	test_end();
}

/* 8 kbps = 1000 B/s: one token per ms at HZ. */
static void
test_eg_policer(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[10];
	uint64_t now = 5 * HZ;
	unsigned int i;

	test_begin();
	p.rate_kbps = 8;
	p.rate_mode = FEX_RATE_POLICE;
	p.burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	/* a full bucket holds 6 of 10 frames of 300 B */
	for (i = 0; i < 10; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 300);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, now, pk, 10), 6);
	for (i = 0; i < 6; i++) {
		OK(pk[i] == keep[i]);
		CHECK_UP(pk[i], mode, i, 7, 0, TCI(0, 0, 10));
	}
	rte_pktmbuf_free_bulk(pk, 6);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 3000, V(DROP_POLICER) = 4);

	/* 100 ms later: 200 + 100 B, one more frame */
	now += HZ / 10;
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 300);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 2), 1);
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 12, V(RX_BYTES) = 3600, V(DROP_POLICER) = 5);

	/* 10 s later the bucket is full: a burst of 1500 B goes whole, and
	 * of the next two at the same time one fits in the 500 B left */
	now += 10 * HZ;
	for (i = 0; i < 5; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 5), 5);
	rte_pktmbuf_free_bulk(pk, 5);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 300);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 300);
	EXPECT(egress(P7, now, pk, 2), 1);
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 19, V(RX_BYTES) = 5700, V(DROP_POLICER) = 6);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_headroom(void)
{
	const unsigned int tl = fex_tag_len(mode), add = tl + FEX_VLAN_LEN;
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[4];
	unsigned int n_ok = tl == 0 ? 3 : 2;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm_hr(1, &mac[7], NO_VLAN, 0, 0, 100, (int)add - 1);
	/* tagged: only the VIF tag to push (nothing at all in mode none) */
	pk[2] = vm_hr(2, &mac[7], 10, 0, 0, 100, tl == 0 ? 0 : (int)tl - 1);
	pk[3] = vm_hr(3, &mac[7], NO_VLAN, 0, 0, 100, (int)add);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), n_ok);
	OK(pk[0] == keep[0]);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	if (tl == 0) {
		OK(pk[1] == keep[2]);
		CHECK_UP(pk[1], mode, 2, 7, 0, TCI(0, 0, 10));
	}
	OK(pk[n_ok - 1] == keep[3]);
	CHECK_UP(pk[n_ok - 1], mode, 3, 7, 0, TCI(0, 0, 10));
	EXPECT(pk[n_ok - 1]->data_off, 0);
	rte_pktmbuf_free_bulk(pk, n_ok);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 400, V(DROP_NO_HEADROOM) = 4 - n_ok);

	/* the common burst, with just the headroom it needs */
	pk[0] = vm_hr(0, &mac[7], NO_VLAN, 0, 0, 100, (int)add);
	pk[1] = vm_hr(1, &mac[7], NO_VLAN, 0, 0, 60, (int)add);
	EXPECT(egress(P7, 0, pk, 2), 2);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 0, TCI(0, 0, 10));
	EXPECT(pk[0]->data_off, 0);
	EXPECT(pk[1]->data_off, 0);
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, V(RX_PACKETS) = 6, V(RX_BYTES) = 560, V(DROP_NO_HEADROOM) = 4 - n_ok);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_eg_runt(void)
{
	struct fex_profile p = prof("p", 10);	/* a runt passes every rule */
	struct rte_mbuf *pk[FEX_BURST], *keep[4];

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 1);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, 10);
	pk[2] = vm(2, &mac[7], NO_VLAN, 0, 0, 13);
	pk[3] = vm(3, &mac[7], NO_VLAN, 0, 0, 60);
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 4), 1);
	OK(pk[0] == keep[3]);
	CHECK_UP(pk[0], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 4, V(RX_BYTES) = 84);
	DP_EXPECT(w0, D(DROP_RUNT) = 3);
	test_end();
}

static void
test_eg_no_vif(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	for (i = 0; i < 5; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress(P_NOVIF, 0, pk, 5), 0);
	EXPECT(w0->eg_svif, 0);
	DP_EXPECT(w0, D(DROP_NO_VIF) = 5);
	/* the port of a VIF that is gone */
	vif_del(7);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P7, 0, pk, 2), 0);
	DP_EXPECT(w0, D(DROP_NO_VIF) = 7);
	VIF_EXPECT(7, 0);
	test_end();
}

static void
test_eg_mtu(void)
{
	const unsigned int tl = fex_tag_len(mode), add = tl + FEX_VLAN_LEN;
	const uint32_t lmax = 1514 - add;	/* untagged, at the limit once tagged */
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[5];
	uint64_t bytes;

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "p", true);
	dp->uplink_frame_max = 1514;		/* MTU 1500 */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax);
	pk[1] = vm(1, &mac[7], NO_VLAN, 0, 0, lmax + 1);
	pk[2] = vm(2, &mac[7], NO_VLAN, 0, 0, 100);
	pk[3] = vm(3, &mac[7], 10, 0, 0, 1514 - tl);
	pk[4] = vm(4, &mac[7], 10, 0, 0, 1515 - tl);
	memcpy(keep, pk, sizeof(keep));
	bytes = sum_len(pk, 5);
	EXPECT(egress(P7, 0, pk, 5), 3);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[2]);
	OK(pk[2] == keep[3]);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 1514);
	EXPECT(rte_pktmbuf_pkt_len(pk[2]), 1514);
	CHECK_UP(pk[0], mode, 0, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[1], mode, 2, 7, 0, TCI(0, 0, 10));
	CHECK_UP(pk[2], mode, 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 3);
	VIF_EXPECT(7, V(RX_PACKETS) = 5, V(RX_BYTES) = bytes, V(DROP_OVERSIZE) = 2);

	/* the common burst: at the limit passes, one byte more does not */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax);
	EXPECT(egress(P7, 0, pk, 1), 1);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 1514);
	rte_pktmbuf_free(pk[0]);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, lmax + 1);
	EXPECT(egress(P7, 0, pk, 1), 0);
	VIF_EXPECT(7, V(RX_PACKETS) = 7, V(RX_BYTES) = bytes + 2 * lmax + 1,
		   V(DROP_OVERSIZE) = 3);
	DP_EXPECT(w0, 0);
	test_end();
}

/* A vNIC with a VF of its own: untagged by fexpath (the adapter tags),
 * and the uplink MTU is not its limit. */
static void
test_eg_vf(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST];

	test_begin();
	p.cos = 1;
	profile_put(&p);
	vif_put(12, P12, "p", true);
	dp->peer[P12] = P_VF;
	dp->peer[P_VF] = P12;
	dp->is_vf[P_VF] = 1;
	dp->uplink_frame_max = 1514;
	pk[0] = vm(0, &mac[12], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[12], NO_VLAN, 0, 0, 1600);
	EXPECT(egress(P12, 0, pk, 2), 2);
	CHECK_UP(pk[0], FEX_TAG_NONE, 0, 12, 1, TCI(1, 0, 10));
	CHECK_UP(pk[1], FEX_TAG_NONE, 1, 12, 1, TCI(1, 0, 10));
	rte_pktmbuf_free_bulk(pk, 2);
	pk[0] = vm(2, &mac[12], 10, 5, 1, 200);
	EXPECT(egress(P12, 0, pk, 1), 1);
	CHECK_UP(pk[0], FEX_TAG_NONE, 2, 12, 1, TCI(1, 1, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(12, V(RX_PACKETS) = 3, V(RX_BYTES) = 1900);
	DP_EXPECT(w0, 0);
	test_end();
}

/* One burst of everything: per-frame verdicts, survivors in order. */
static void
test_eg_mixed(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *pk[FEX_BURST], *keep[8];
	uint64_t bytes;
	unsigned int k;

	test_begin();
	fex_vlan_set(p.vlans, 20);
	p.cos = 2;
	p.mac_forging = FEX_MAC_FORGING_DENY;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);		/* pass */
	pk[1] = vm(1, &mac[7], 20, 5, 0, 110);			/* pass */
	pk[2] = vm(2, &mac[7], 30, 0, 0, 120);			/* drop_vlan */
	pk[3] = vm(3, &mac[8], NO_VLAN, 0, 0, 130);		/* drop_mac_forged */
	pk[4] = vm(4, &mac[7], 0, 7, 1, 140);			/* pass, native VID */
	/* a runt has no source MAC: under deny it is not the VIF's */
	pk[5] = vm(5, &mac[7], NO_VLAN, 0, 0, 8);		/* drop_mac_forged */
	pk[6] = vm_hr(6, &mac[7], NO_VLAN, 0, 0, 150, 1);	/* drop_no_headroom */
	pk[7] = vm(7, &mac[7], NO_VLAN, 0, 0, 160);		/* pass */
	memcpy(keep, pk, sizeof(keep));
	bytes = sum_len(pk, 8);
	EXPECT(egress(P7, 0, pk, 8), 4);
	OK(pk[0] == keep[0]);
	OK(pk[1] == keep[1]);
	OK(pk[2] == keep[4]);
	OK(pk[3] == keep[7]);
	CHECK_UP(pk[0], mode, 0, 7, 2, TCI(2, 0, 10));
	CHECK_UP(pk[1], mode, 1, 7, 2, TCI(2, 0, 20));
	CHECK_UP(pk[2], mode, 4, 7, 2, TCI(2, 1, 10));
	CHECK_UP(pk[3], mode, 7, 7, 2, TCI(2, 0, 10));
	for (k = 0; k < 4; k++)
		EXPECT(w0->eg_len[k], rte_pktmbuf_pkt_len(pk[k]));
	rte_pktmbuf_free_bulk(pk, 4);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = bytes, V(DROP_VLAN) = 1,
		   V(DROP_MAC_FORGED) = 2, V(DROP_NO_HEADROOM) = 1);
	DP_EXPECT(w0, 0);
	test_end();
}

/* The same untagged frames through the common burst (a) and frame by
 * frame (b: one tagged frame at the end; c: a dropped frame in the
 * middle) come out byte for byte the same. */
static void
fast_vs_slow(int tagged_vid, bool deny)
{
	static const uint32_t lens[] = { 60, 64, 128, 512, 1500 };
	static const unsigned int corder[] = { 0, 1, 6, 2, 3, 4 };
	struct rte_mbuf *a[6], *b[6], *c[6];
	uint32_t la[RTE_DIM(lens)];
	unsigned int i;

	for (i = 0; i < RTE_DIM(lens); i++)
		eth_bytes(i, &mac[7], NO_VLAN, 0, 0, lens[i]);
	eth_bytes(5, &mac[7], tagged_vid, 3, 0, 100);
	eth_bytes(6, &mac[8], NO_VLAN, 0, 0, 100);	/* forged */
	for (i = 0; i < RTE_DIM(lens); i++)
		a[i] = mbuf_of(i, -1);
	EXPECT(egress(P7, 0, a, RTE_DIM(lens)), RTE_DIM(lens));
	memcpy(la, w0->eg_len, sizeof(la));
	for (i = 0; i < 6; i++)
		b[i] = mbuf_of(i, -1);
	EXPECT(egress(P7, 0, b, 6), 6);
	for (i = 0; i < RTE_DIM(lens); i++) {
		SAME_FRAME(b[i], a[i]);
		EXPECT(w0->eg_len[i], la[i]);
	}
	rte_pktmbuf_free_bulk(b, 6);
	if (deny) {
		for (i = 0; i < 6; i++)
			c[i] = mbuf_of(corder[i], -1);
		EXPECT(egress(P7, 0, c, 6), 5);
		for (i = 0; i < RTE_DIM(lens); i++) {
			SAME_FRAME(c[i], a[i]);
			EXPECT(w0->eg_len[i], la[i]);
		}
		rte_pktmbuf_free_bulk(c, 5);
	}
	rte_pktmbuf_free_bulk(a, RTE_DIM(lens));
}

static void
test_eg_fast_vs_slow(void)
{
	struct fex_profile p = prof("p", 10);
	const uint64_t lens_sum = 60 + 64 + 128 + 512 + 1500;

	test_begin();
	p.cos = 6;
	p.mac_forging = FEX_MAC_FORGING_DENY;
	p.rate_kbps = 100000;
	p.rate_mode = FEX_RATE_POLICE;
	p.burst_bytes = 1000000;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	dp->uplink_frame_max = 1600;
	fast_vs_slow(10, true);
	VIF_EXPECT(7, V(RX_PACKETS) = 17, V(RX_BYTES) = 3 * lens_sum + 200,
		   V(DROP_MAC_FORGED) = 1);

	p = prof("p", 20);
	profile_put(&p);
	dp->uplink_frame_max = 0;
	fast_vs_slow(20, false);
	VIF_EXPECT(7, V(RX_PACKETS) = 28, V(RX_BYTES) = 5 * lens_sum + 300,
		   V(DROP_MAC_FORGED) = 1);
	DP_EXPECT(w0, 0);
	test_end();
}

/*
 * The old burst/counters test (of the deleted fex_vif_egress_burst /
 * fex_vif_ingress / fex_vif_count_tx), on mbufs through the stages: VIF 7
 * on port 3, MAC forging deny, 8 kbps with a 2000 B bucket.
 */
static void
test_eg_old_burst(void)
{
	struct fex_profile p = prof("pol", 0);
	struct rte_mbuf *pk[FEX_BURST], *keep[8];
	const struct fex_vif_table *t;
	uint64_t bytes;
	unsigned int i;

	test_begin();
	fex_vlan_set(p.vlans, 10);
	p.mac_forging = FEX_MAC_FORGING_DENY;
	p.rate_kbps = 8;
	p.rate_mode = FEX_RATE_POLICE;
	p.burst_bytes = 2000;
	profile_put(&p);
	vif_put(7, P7, "pol", true);
	for (i = 0; i < 8; i++)
		pk[i] = vm(i, i == 1 ? &mac[8] : &mac[7],	/* 1: forged */
			   i == 2 ? 99 : 10, 0, 0,		/* 2: VLAN 99 */
			   i == 3 ? 1901 : 100);		/* 3: 1 B over the bucket */
	memcpy(keep, pk, sizeof(keep));
	EXPECT(egress(P7, 0, pk, 8), 5);
	EXPECT(w0->eg_svif, 7);
	OK(pk[0] == keep[0]);
	for (i = 1; i < 5; i++)
		OK(pk[i] == keep[i + 3]);
	for (i = 0; i < 5; i++)
		CHECK_UP(pk[i], mode, i == 0 ? 0 : i + 3, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free_bulk(pk, 5);

	/* a port with no VIF */
	for (i = 0; i < 8; i++)
		pk[i] = vm(i, &mac[7], 10, 0, 0, 100);
	EXPECT(egress(P_NOVIF, 0, pk, 8), 0);
	EXPECT(w0->eg_svif, 0);

	/* fabric -> VM: VLAN 99 dropped, unknown VIF, VLAN 10 delivered */
	if (mode != FEX_TAG_NONE) {
		pk[0] = fab(0, 7, 99, 0, 100);
		pk[1] = fab(1, 8, 10, 0, 100);
		pk[2] = fab(2, 0, 10, 0, 100);		/* VIF 0 */
		pk[3] = fab(3, 7, 10, 0, 100);
		bytes = sum_len(pk, 4);
		ingress(0, pk, 4);
		DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 4, D(UPLINK_RX_BYTES) = bytes,
			  D(DROP_UNKNOWN_VIF) = 1, D(DROP_MALFORMED) = 1, D(DROP_NO_VIF) = 8);
		TAGERR_EXPECT(w0, E(VIF_ZERO) = 1);
	} else {
		/* the VIF's VF, and the uplink (no VIF tag names a VIF) */
		pk[0] = plain(0, 99, 0, 100);
		pk[1] = plain(3, 10, 0, 100);
		ingress_vf(0, 7, pk, 2);
		pk[0] = plain(1, 10, 0, 100);
		ingress(0, pk, 1);
		DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 1, D(UPLINK_RX_BYTES) = 100,
			  D(DROP_UNKNOWN_VIF) = 1, D(DROP_NO_VIF) = 8);
	}
	/* tx is counted when a port took the frame: nothing sent, none counted */
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 3, false);
	EXPECT(txb(w0, P7)->len[0], 100);
	worker_drain(w0);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = 7 * 100 + 1901,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 1);

	/* a profile change keeps the counters and the bucket (500 B spent) */
	p.burst_bytes = 1600;
	profile_put(&p);
	t = fex_vif_reader_snapshot(&w0->rd);
	EXPECT(fex_vif_profile(t, fex_vif_entry(t, 7))->meter.burst_bytes, 1600);
	EXPECT(t->rt[7].egress.srtcm.tc, 1500);
	VIF_EXPECT(7, V(RX_PACKETS) = 8, V(RX_BYTES) = 7 * 100 + 1901,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 1);
	pk[0] = vm(0, &mac[7], 10, 0, 0, 1501);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 1500);
	EXPECT(egress(P7, 0, pk, 2), 1);
	CHECK_UP(pk[0], mode, 1, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(pk[0]);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 7 * 100 + 1901 + 3001,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 2);

	/* counters last until the VIF is created again */
	vif_del(7);
	VIF_EXPECT(7, V(RX_PACKETS) = 10, V(RX_BYTES) = 7 * 100 + 1901 + 3001,
		   V(DROP_MAC_FORGED) = 1, V(DROP_VLAN) = 2, V(DROP_POLICER) = 2);
	vif_put(7, P7, "pol", true);
	VIF_EXPECT(7, 0);
	EXPECT(fex_vif_stats(db, 0, NULL), -EINVAL);

	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_RX_PACKETS], "rx_packets");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_RX_BYTES], "rx_bytes");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_TX_PACKETS], "tx_packets");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_TX_BYTES], "tx_bytes");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_INACTIVE], "drop_inactive");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_MAC_FORGED],
			       "drop_mac_forged");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_VLAN], "drop_vlan");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_POLICER], "drop_policer");
	CU_ASSERT_STRING_EQUAL(fex_vif_counter_names[FEX_VIF_CNT_DROP_OVERSIZE], "drop_oversize");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_UNKNOWN_VIF], "drop_unknown_vif");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_MALFORMED], "drop_malformed");
	CU_ASSERT_STRING_EQUAL(fex_dp_cnt_names[FEX_DP_DROP_DIRECTION], "drop_direction");
	for (i = 0; i < FEX_VIF_CNT_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(fex_vif_counter_names[i]);
	for (i = 0; i < FEX_DP_CNT_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(fex_dp_cnt_names[i]);
	test_end();
}

/* ------------------------------------------------------------------ */

static const struct dp_test egress_tests[] = {
	{ "inactive", test_eg_inactive, M_ALL },
	{ "mac forging", test_eg_mac_forging, M_ALL },
	{ "untagged, native VLAN", test_eg_native, M_ALL },
	{ "untagged, no native VLAN", test_eg_no_native, M_ALL },
	{ "tagged", test_eg_tagged, M_ALL },
	{ "priority-tagged", test_eg_priority, M_ALL },
	{ "policer", test_eg_policer, M_ALL },
	{ "no headroom", test_eg_headroom, M_ALL },
	{ "runt", test_eg_runt, M_ALL },
	{ "port without VIF", test_eg_no_vif, M_ALL },
	{ "uplink MTU", test_eg_mtu, M_ALL },
	{ "own VF", test_eg_vf, M_ALL },
	{ "mixed burst", test_eg_mixed, M_ALL },
	{ "common burst = frame by frame", test_eg_fast_vs_slow, M_ALL },
	{ "burst and counters", test_eg_old_burst, M_ALL },
};

int
main(int argc, char **argv)
{
	RTE_SET_USED(argc);
	return dp_test_main(argv[0], "egress", egress_tests, RTE_DIM(egress_tests));
}
