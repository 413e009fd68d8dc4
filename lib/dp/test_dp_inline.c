/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUnit program 'dp_inline': the file-local inlines of lib/dp's stages and
 * loop (egress.c, ingress.c, worker.c) and dp_priv.h's counter, each
 * called directly, so that every `static inline` of the fast path has a
 * unit-test call site (tests/hardening/inline_coverage.sh). The stage
 * files are compiled into this program - the same source the library
 * builds, not a copy - so the library's objects of them are not linked
 * here. The entry points they serve are tested in test_dp_egress.c and
 * test_dp_ingress.c; the fixture is test_dp_common.{h,c}; the loop's
 * polls read ring ethdevs.
 */
#include <rte_ethdev.h>
#include <rte_eth_ring.h>

/* First: the fixture's globals (dp, mode) would shadow their locals. */
#include "egress.c"
/* ingress.c's flood() would clash with the fixture's frame builder */
#define flood ingress_flood
#include "ingress.c"
#undef flood
#include "worker.c"

#include "test_dp_common.h"

/* ------------------------------------------------------------------ */
/* dp_priv.h                                                           */

static void
test_cnt_add(void)
{
	test_begin();
	fex_dp_cnt_add(&w0->st, FEX_DP_HANDOFFS, 2);
	fex_dp_cnt_add(&w0->st, FEX_DP_HANDOFFS, 3);
	fex_dp_cnt_add(&w0->st, FEX_DP_DROP_STALE, 1);
	DP_EXPECT(w0, D(HANDOFFS) = 5, D(DROP_STALE) = 1);
	DP_EXPECT(w1, 0);			/* each worker its own */
	memset(&w0->st, 0, sizeof(w0->st));
	test_end();
}

/* ------------------------------------------------------------------ */
/* egress.c                                                            */

static void
test_hdr_of(void)
{
	struct rte_mbuf *a, *b, *r;
	struct fex_pkt_hdr h;

	test_begin();
	a = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	b = vm(1, &mac[8], 20, 5, 1, 120);
	r = vm(2, &mac[7], NO_VLAN, 0, 0, 10);	/* a runt: no source MAC */
	hdr_of(a, &h);
	OK(fex_mac_eq(h.src, &mac[7]));
	EXPECT(h.len, 100);
	EXPECT(h.has_vlan, 0);
	EXPECT(h.vid, 0);
	EXPECT(h.pcp, 0);
	hdr_of(b, &h);
	OK(fex_mac_eq(h.src, &mac[8]));
	EXPECT(h.len, 120);
	EXPECT(h.has_vlan, 1);
	EXPECT(h.vid, 20);
	EXPECT(h.pcp, 5);
	hdr_of(r, &h);
	OK(h.src == &runt_src);
	EXPECT(h.len, 10);
	EXPECT(h.has_vlan, 0);
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(r);
	test_end();
}

static void
test_egress_untagged(void)
{
	struct fex_profile p = prof("p", 10);
	const struct fex_vif_table *t;
	const struct fex_vif_entry *v;
	const struct fex_profile_rt *pr;
	struct rte_mbuf *pk[FEX_BURST];
	unsigned int i;

	test_begin();
	p.mac_forging = FEX_MAC_FORGING_DENY;
	profile_put(&p);
	vif_put(7, P7, "p", true);
	t = fex_vif_reader_snapshot(&w0->rd);
	v = fex_vif_entry(t, 7);
	pr = fex_vif_profile(t, v);
	for (i = 0; i < 3; i++)
		pk[i] = vm(i, &mac[7], NO_VLAN, 0, 0, 100);
	EXPECT(egress_untagged(w0, 0, v, pr, &t->rt[7].egress, mode, 0, pk, 3, 7, 300), 3);
	for (i = 0; i < 3; i++) {
		CHECK_UP(pk[i], mode, i, 7, 0, TCI(0, 0, 10));
		EXPECT(w0->eg_len[i], rte_pktmbuf_pkt_len(pk[i]));
		EXPECT(w0->eg_vmlen[i], 100);
	}
	rte_pktmbuf_free_bulk(pk, 3);
	/* a forged source MAC (mac_forging deny): not this path, nothing
	 * changed */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[8], NO_VLAN, 0, 0, 100);
	EXPECT(egress_untagged(w0, 0, v, pr, &t->rt[7].egress, mode, 0, pk, 2, 7, 200), 0);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 100);
	EXPECT(rte_pktmbuf_pkt_len(pk[1]), 100);
	rte_pktmbuf_free_bulk(pk, 2);
	/* a tagged frame, or a frame the uplink MTU refuses: not this path,
	 * nothing changed */
	pk[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	pk[1] = vm(1, &mac[7], 10, 0, 0, 100);
	EXPECT(egress_untagged(w0, 0, v, pr, &t->rt[7].egress, mode, 0, pk, 2, 7, 200), 0);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 100);
	EXPECT(rte_pktmbuf_pkt_len(pk[1]), 100);
	EXPECT(egress_untagged(w0, 0, v, pr, &t->rt[7].egress, mode, 100, pk, 1, 7, 100), 0);
	EXPECT(rte_pktmbuf_pkt_len(pk[0]), 100);
	fex_vif_reader_quiescent(&w0->rd);
	rte_pktmbuf_free_bulk(pk, 2);
	VIF_EXPECT(7, 0);			/* the caller counts */
	test_end();
}

static void
test_push(void)
{
	const struct fex_pkt_action ins = { .insert_vlan = 1, .vid = 10, .pcp = 3, .epcp = 3 };
	const struct fex_pkt_action tci = { .set_tci = 1, .vid = 20, .pcp = 5, .epcp = 5 };
	const struct fex_pkt_action keep = { .vid = 20, .pcp = 2, .epcp = 2 };
	struct rte_mbuf *m[3];

	test_begin();
	m[0] = vm(0, &mac[7], NO_VLAN, 0, 0, 100);
	m[1] = vm(1, &mac[7], 20, 1, 1, 100);
	m[2] = vm(2, &mac[7], 20, 2, 0, 100);
	EXPECT(push(m[0], mode, 7, &ins), 0);
	EXPECT(push(m[1], mode, 7, &tci), 0);
	EXPECT(push(m[2], mode, 7, &keep), 0);
	CHECK_UP(m[0], mode, 0, 7, 3, TCI(3, 0, 10));	/* 802.1Q inserted */
	CHECK_UP(m[1], mode, 1, 7, 5, TCI(5, 1, 20));	/* TCI rewritten, DEI kept */
	CHECK_UP(m[2], mode, 2, 7, 2, TCI(2, 0, 20));	/* as the VM sent it */
	rte_pktmbuf_free_bulk(m, 3);
	test_end();
}

static void
test_push_with_tci(void)
{
	const struct fex_pkt_action a = { .set_tci = 1, .vid = 10, .pcp = 4, .epcp = 4 };
	struct rte_mbuf *m, *s, *c;

	test_begin();
	m = vm(0, &mac[7], 0, 6, 1, 100);	/* priority tag: the native VID */
	EXPECT(push_with_tci(m, mode, 7, &a), 0);
	CHECK_UP(m, mode, 0, 7, 4, TCI(4, 1, 10));
	/* shared with a clone: refused, untouched */
	s = vm(1, &mac[7], 20, 1, 0, 100);
	c = rte_pktmbuf_clone(s, pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	EXPECT(push_with_tci(s, mode, 7, &a), -EBUSY);
	SAME_FRAME(s, c);
	EXPECT(fex_tag_rd16(rte_pktmbuf_mtod_offset(s, uint8_t *, FEX_TAG_MAC_LEN + 2)),
	       TCI(1, 0, 20));
	rte_pktmbuf_free(c);
	rte_pktmbuf_free(s);
	rte_pktmbuf_free(m);
	test_end();
}

/* ------------------------------------------------------------------ */
/* ingress.c                                                           */

static uint32_t
vl_of(uint16_t vif, int vid, uint8_t pcp)
{
	struct fex_tag_info ti = {
		.has_vlan = vid >= 0, .vid = vid >= 0 ? (uint16_t)vid : 0,
		.vlan_pcp = vid >= 0 ? pcp : 0,
	};

	return vl_pack(vif, &ti);
}

static void
test_vl(void)
{
	struct fex_tag_info ti = { .has_vlan = 1, .vlan_pcp = 5, .vid = 0x1014 };
	struct fex_pkt_hdr h;
	uint32_t vl;

	test_begin();
	vl = vl_pack(7, &ti);
	EXPECT(vl & VL_VIF_MASK, 7);
	vl_hdr(vl, 99, &h);
	OK(h.src == NULL);
	EXPECT(h.len, 99);
	EXPECT(h.has_vlan, 1);
	EXPECT(h.vid, 20);			/* 12 bits of VID */
	EXPECT(h.pcp, 5);
	ti = (struct fex_tag_info){ .vid = 0 };
	vl = vl_pack(4095, &ti);
	EXPECT(vl & VL_VIF_MASK, 4095);
	vl_hdr(vl, 60, &h);
	EXPECT(h.has_vlan, 0);
	EXPECT(h.vid, 0);
	EXPECT(h.pcp, 0);
	OK(vl_pack(7, &(struct fex_tag_info){ .has_vlan = 1, .vid = 20, .vlan_pcp = 1 }) !=
	   vl_pack(7, &(struct fex_tag_info){ .has_vlan = 1, .vid = 20, .vlan_pcp = 2 }));
	test_end();
}

static void
test_txbuf_put(void)
{
	struct rte_mbuf *m[3];

	test_begin();
	m[0] = plain(0, NO_VLAN, 0, 100);
	m[1] = plain(1, NO_VLAN, 0, 120);
	m[2] = plain(2, NO_VLAN, 0, 130);
	txbuf_put(w0, P7, 7, m[0]);
	txbuf_put(w0, P7, 7, m[1]);
	txbuf_put(w0, P8, 8, m[2]);
	EXPECT(txb(w0, P7)->n, 2);
	EXPECT(txb(w0, P8)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 0, false);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	CHECK_TX(w0, P8, 0, 8, 2, false);
	EXPECT(w0->dirty_n, 2);			/* each port listed once */
	EXPECT(w0->dirty[0], P7);
	EXPECT(w0->dirty[1], P8);
	VIF_EXPECT(7, 0);			/* counted when sent */
	test_end();
}

/* A run goes in as one append, after what waits, in order; a buffer that
 * holds two VIFs' frames (a port changing hands) counts each its own. */
static void
test_txbuf_put_run(void)
{
	struct fex_port_conf pc = { .nb_rxq = 1, .nb_txq = 1, .nb_rxd = 64,
				    .nb_txd = 64, .pool = pool };
	struct fex_profile p = prof("p", 10);
	struct ingress_hit hit = { .key = 0, .n = 0 };
	struct rte_mbuf *m[4], *got[8];
	uint16_t port, peer, n;
	char err[256];

	test_begin();
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dprun", &pc, &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_port_open("ring:dprun", &pc, &peer, err, sizeof(err)), 0);
	dp->owner[port] = 0;
	profile_put(&p);
	vif_put(7, port, "p", true);
	vif_put(8, P8, "p", true);
	fex_vif_reader_snapshot(&w0->rd);
	m[0] = plain(0, NO_VLAN, 0, 100);
	m[1] = plain(1, NO_VLAN, 0, 120);
	m[2] = plain(2, NO_VLAN, 0, 130);
	m[3] = plain(3, NO_VLAN, 0, 140);
	txbuf_put(w0, port, 7, m[0]);
	txbuf_put_run(w0, port, 8, &m[1], 2);
	EXPECT(txb(w0, port)->n, 3);
	CHECK_TX(w0, port, 0, 7, 0, false);
	CHECK_TX(w0, port, 1, 8, 1, false);
	CHECK_TX(w0, port, 2, 8, 2, false);
	EXPECT(w0->dirty_n, 1);
	hit.port = P8;
	hit.vif = 8;
	hit.run[hit.n++] = m[3];
	hit_flush(w0, &hit);
	EXPECT(hit.n, 0);
	EXPECT(txb(w0, P8)->n, 1);
	CHECK_TX(w0, P8, 0, 8, 3, false);
	txbuf_flush(w0, port);
	EXPECT(txb(w0, port)->n, 0);
	fex_vif_reader_quiescent(&w0->rd);
	VIF_EXPECT(7, V(TX_PACKETS) = 1, V(TX_BYTES) = 100);
	VIF_EXPECT(8, V(TX_PACKETS) = 2, V(TX_BYTES) = 120 + 130);
	n = fex_port_rx(peer, 0, got, RTE_DIM(got));
	EXPECT(n, 3);
	rte_pktmbuf_free_bulk(got, n);
	EXPECT(fex_dp_ingress_drain(w0), 1);	/* the run queued for P8 */
	vif_del(7);				/* let go of the ring port */
	dp->owner[port] = -1;
	CU_ASSERT_EQUAL(fex_port_close(port), 0);
	CU_ASSERT_EQUAL(fex_port_close(peer), 0);
	test_end();
}

static void
test_deliver(void)
{
	struct fex_profile p = prof("in", 10);

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	fex_vif_reader_snapshot(&w0->rd);
	/* VIF tag on: removed, with the native 802.1Q tag in the same move */
	deliver(w0, 0, 7, fab(0, 7, 10, 3, 100), vl_of(7, 10, 3), fex_tag_len(mode));
	deliver(w0, 0, 7, fab(1, 7, 30, 0, 100), vl_of(7, 30, 0), fex_tag_len(mode));
	/* VIF tag already off (a hand-off): the rule alone */
	deliver(w0, 0, 7, plain(2, 20, 1, 100), vl_of(7, 20, 1), 0);
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(txb(w0, P7)->n, 2);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 2, false);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	DP_EXPECT(w0, 0);
	test_end();
}

static void
test_route_handoff_rx(void)
{
	struct fex_profile p = prof("in", 10);

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(11, P11, "in", true);		/* worker 1 polls P11 */
	vif_put(13, P13, "in", true);		/* nobody polls P13 */
	fex_vif_reader_snapshot(&w0->rd);
	route(w0, 0, 7, fab(0, 7, 20, 0, 100), vl_of(7, 20, 0));
	route(w0, 0, 11, fab(1, 11, 10, 0, 100), vl_of(11, 10, 0));
	route(w0, 0, 13, fab(2, 13, 20, 0, 100), vl_of(13, 20, 0));
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 0, false);
	DP_EXPECT(w0, D(HANDOFFS) = 1, D(DROP_STALE) = 1);
	/* worker 1's loop takes it from the ring, parse result along */
	EXPECT(rte_ring_count(w1->from[0]), 1);
	fex_vif_reader_online(&w1->rd);
	fex_vif_reader_snapshot(&w1->rd);
	EXPECT(handoff_rx(w1, 0), 1);
	EXPECT(handoff_rx(w1, 0), 0);
	fex_vif_reader_quiescent(&w1->rd);
	fex_vif_reader_offline(&w1->rd);
	EXPECT(txb(w1, P11)->n, 1);
	CHECK_TX(w1, P11, 0, 11, 1, true);	/* native VLAN: stripped there */
	DP_EXPECT(w1, 0);
	test_end();
}

static void
test_vif_usable(void)
{
	struct fex_profile p = prof("in", 10);

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(8, P8, "in", false);		/* preassociated */
	fex_vif_reader_snapshot(&w0->rd);
	OK(vif_usable(w0, 7));
	OK(!vif_usable(w0, 8));
	OK(!vif_usable(w0, 100));
	fex_vif_reader_quiescent(&w0->rd);
	VIF_EXPECT(7, 0);
	VIF_EXPECT(8, V(DROP_INACTIVE) = 1);
	DP_EXPECT(w0, D(DROP_UNKNOWN_VIF) = 1);
	test_end();
}

static void
test_unicast_here(void)
{
	struct fex_profile p = prof("in", 10);
	struct ingress_hit hit = { .key = 0, .n = 0 };
	const unsigned int tl = fex_tag_len(mode);
	struct rte_mbuf *m;

	test_begin();
	fex_vlan_set(p.vlans, 20);
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(11, P11, "in", true);
	fex_vif_reader_snapshot(&w0->rd);
	OK(unicast_here(w0, 0, fab(0, 7, 20, 1, 100), mode, vl_of(7, 20, 1), 7, &hit));
	EXPECT(hit.key, vl_of(7, 20, 1));
	EXPECT(hit.port, P7);
	EXPECT(hit.vif, 7);
	EXPECT(hit.hl, tl);
	OK(hit.meter == NULL);			/* no ingress policer */
	/* the same dvif and TCI: the verdict kept, the frame joins the run */
	OK(unicast_here(w0, 0, fab(1, 7, 20, 1, 100), mode, vl_of(7, 20, 1), 7, &hit));
	EXPECT(hit.n, 2);
	EXPECT(txb(w0, P7)->n, 0);		/* queued when the run ends */
	/* a new verdict: the run is queued first */
	OK(unicast_here(w0, 0, fab(2, 7, 10, 0, 100), mode, vl_of(7, 10, 0), 7, &hit));
	EXPECT(txb(w0, P7)->n, 2);
	EXPECT(hit.n, 1);
	EXPECT(hit.hl, tl + FEX_VLAN_LEN);	/* the native tag goes too */
	OK(unicast_here(w0, 0, fab(3, 7, 30, 0, 100), mode, vl_of(7, 30, 0), 7, &hit));
	EXPECT(hit.n, 0);
	/* another worker's VIF: not this case, nothing done or counted */
	m = fab(4, 11, 20, 0, 100);
	OK(!unicast_here(w0, 0, m, mode, vl_of(11, 20, 0), 11, &hit));
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(rte_pktmbuf_pkt_len(m), 100 + tl);
	rte_pktmbuf_free(m);
	EXPECT(txb(w0, P7)->n, 3);
	CHECK_TX(w0, P7, 0, 7, 0, false);
	CHECK_TX(w0, P7, 1, 7, 1, false);
	CHECK_TX(w0, P7, 2, 7, 2, true);
	VIF_EXPECT(7, V(DROP_VLAN) = 1);
	VIF_EXPECT(11, 0);
	DP_EXPECT(w0, 0);
	test_end();
}

/* ------------------------------------------------------------------ */
/* worker.c: the polls, on ring ethdevs                                */

struct rport {
	uint16_t id;
	struct rte_ring *rx, *tx;	/* what the port receives, sends */
};

static struct rport up_port, vm_port;

/* A started ring ethdev, once per program; ids below the fixture's. */
static void
rport_get(struct rport *r, const char *name)
{
	struct rte_eth_conf conf = { .rxmode = { .mtu = 1500 } };
	char rn[RTE_RING_NAMESIZE];
	int id;

	if (r->rx != NULL)
		return;
	snprintf(rn, sizeof(rn), "%s_rx", name);
	r->rx = rte_ring_create(rn, 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rn, sizeof(rn), "%s_tx", name);
	r->tx = rte_ring_create(rn, 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	CU_ASSERT_FATAL(r->rx != NULL && r->tx != NULL);
	id = rte_eth_from_rings(name, &r->rx, 1, &r->tx, 1, SOCKET_ID_ANY);
	CU_ASSERT_FATAL(id >= 0 && id < P7);
	r->id = (uint16_t)id;
	CU_ASSERT_FATAL(rte_eth_dev_configure(r->id, 1, 1, &conf) == 0);
	CU_ASSERT_FATAL(rte_eth_rx_queue_setup(r->id, 0, 64, SOCKET_ID_ANY, NULL, pool) == 0);
	CU_ASSERT_FATAL(rte_eth_tx_queue_setup(r->id, 0, 64, SOCKET_ID_ANY, NULL) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_start(r->id) == 0);
}

static void
rports(void)
{
	rport_get(&up_port, "tdpi_up");
	rport_get(&vm_port, "tdpi_vm");
}

static void
test_uplink_rx(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *m = NULL;
	const uint16_t uplink = dp->uplink;

	rports();
	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	dp->uplink = up_port.id;
	OK(rte_ring_enqueue(up_port.rx, fab(0, 7, 10, 0, 100)) == 0);
	fex_vif_reader_snapshot(&w0->rd);
	EXPECT(uplink_rx(w0, 0), 1);
	EXPECT(uplink_rx(w0, 0), 0);
	fex_vif_reader_quiescent(&w0->rd);
	dp->uplink = uplink;
	EXPECT(txb(w0, P7)->n, 1);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 1, D(UPLINK_RX_BYTES) = 100 + fex_tag_len(mode));
	OK(rte_ring_dequeue(up_port.tx, (void **)&m) != 0);	/* nothing sent */
	test_end();
}

/* One tag mode's loop: parse once, the common frames as runs, the
 * others routed, the burst counted. */
static void
test_ingress_burst(void)
{
	struct fex_profile p = prof("in", 10);
	struct rte_mbuf *pk[4];

	test_begin();
	profile_put(&p);
	vif_put(7, P7, "in", true);
	vif_put(11, P11, "in", true);
	fex_vif_reader_snapshot(&w0->rd);
	pk[0] = fab(0, 7, 10, 0, 100);
	pk[1] = fab(1, 7, 10, 0, 100);
	pk[2] = fab(2, 11, 10, 0, 100);		/* worker 1's: handed off */
	pk[3] = fab(3, 7, 10, 0, 100);
	ingress_burst(w0, 0, pk, 4, mode);
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(txb(w0, P7)->n, 3);
	CHECK_TX(w0, P7, 0, 7, 0, true);
	CHECK_TX(w0, P7, 1, 7, 1, true);
	CHECK_TX(w0, P7, 2, 7, 3, true);
	DP_EXPECT(w0, D(UPLINK_RX_PACKETS) = 4,
		  D(UPLINK_RX_BYTES) = 4 * (100 + fex_tag_len(mode)), D(HANDOFFS) = 1);
	test_end();
}

static void
test_vnic_rx(void)
{
	struct fex_profile p = prof("p", 10);
	struct rte_mbuf *m = NULL;
	const uint16_t uplink = dp->uplink;

	rports();
	test_begin();
	profile_put(&p);
	vif_put(7, vm_port.id, "p", true);
	dp->owner[vm_port.id] = 0;
	dp->uplink = up_port.id;
	fex_vif_reader_snapshot(&w0->rd);
	EXPECT(vnic_rx(w0, 0, vm_port.id), 0);		/* nothing waiting */
	OK(rte_ring_enqueue(vm_port.rx, vm(0, &mac[7], NO_VLAN, 0, 0, 100)) == 0);
	EXPECT(vnic_rx(w0, 0, vm_port.id), 1);
	/* a port with no VIF is not read: its frames wait in the port */
	OK(rte_ring_enqueue(vm_port.rx, vm(1, &mac[7], NO_VLAN, 0, 0, 100)) == 0);
	fex_vif_reader_quiescent(&w0->rd);
	vif_del(7);
	fex_vif_reader_snapshot(&w0->rd);
	EXPECT(vnic_rx(w0, 0, vm_port.id), 0);
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(rte_ring_count(vm_port.rx), 1);
	OK(rte_ring_dequeue(vm_port.rx, (void **)&m) == 0);
	rte_pktmbuf_free(m);
	dp->uplink = uplink;
	/* sent on the uplink, tagged */
	EXPECT(rte_ring_count(up_port.tx), 1);
	OK(rte_ring_dequeue(up_port.tx, (void **)&m) == 0);
	CHECK_UP(m, mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(m);
	DP_EXPECT(w0, D(UPLINK_TX_PACKETS) = 1,
		  D(UPLINK_TX_BYTES) = 100 + fex_tag_len(mode) + FEX_VLAN_LEN);
	VIF_EXPECT(7, V(RX_PACKETS) = 1, V(RX_BYTES) = 100);
	test_end();
}

/* An idle vNIC is polled less often: quiet after FEX_QUIET_AFTER empty
 * polls, due again after FEX_QUIET_ITERS iterations or FEX_QUIET_US,
 * whichever comes first, and busy again at the first poll with frames. */
static void
test_vnic_quiet(void)
{
	struct fex_profile p = prof("p", 10);
	const uint64_t t0 = 1000000, us = dp->hz / 1000000;
	const uint16_t uplink = dp->uplink;
	struct rte_mbuf *m = NULL;
	unsigned int i;

	rports();
	test_begin();
	/* the helpers alone, on a port no test sends on */
	OK(vnic_due(w0, t0, P9));
	for (i = 0; i < FEX_QUIET_AFTER - 1; i++) {
		vnic_polled(w0, t0, P9, 0);
		OK(vnic_due(w0, t0, P9));	/* not quiet yet */
	}
	vnic_polled(w0, t0, P9, 0);
	OK(!vnic_due(w0, t0, P9));
	OK(vnic_due(w0, t0 + FEX_QUIET_US * us, P9));	/* the time bound */
	OK(!vnic_due(w0, t0 + FEX_QUIET_US * us - us, P9));
	w0->st.iterations += FEX_QUIET_ITERS - 1;
	OK(!vnic_due(w0, t0, P9));
	w0->st.iterations++;
	OK(vnic_due(w0, t0, P9));			/* the iteration bound */
	vnic_polled(w0, t0, P9, 0);			/* still empty: quiet again */
	OK(!vnic_due(w0, t0, P9));
	vnic_polled(w0, t0, P9, 3);			/* frames: polled every pass */
	OK(vnic_due(w0, t0, P9));
	OK(vnic_due(w0, t0, P10));			/* each port its own */

	/* through vnic_rx: a quiet port's frame waits in the port until due */
	profile_put(&p);
	vif_put(7, vm_port.id, "p", true);
	dp->owner[vm_port.id] = 0;
	dp->uplink = up_port.id;
	fex_vif_reader_snapshot(&w0->rd);
	for (i = 0; i < FEX_QUIET_AFTER; i++)
		EXPECT(vnic_rx(w0, t0, vm_port.id), 0);
	OK(rte_ring_enqueue(vm_port.rx, vm(0, &mac[7], NO_VLAN, 0, 0, 100)) == 0);
	EXPECT(vnic_rx(w0, t0 + us, vm_port.id), 0);	/* quiet: not read */
	EXPECT(rte_ring_count(vm_port.rx), 1);
	EXPECT(vnic_rx(w0, t0 + FEX_QUIET_US * us, vm_port.id), 1);
	OK(vnic_due(w0, t0 + FEX_QUIET_US * us, vm_port.id));
	fex_vif_reader_quiescent(&w0->rd);
	dp->uplink = uplink;
	OK(rte_ring_dequeue(up_port.tx, (void **)&m) == 0);
	CHECK_UP(m, mode, 0, 7, 0, TCI(0, 0, 10));
	rte_pktmbuf_free(m);
	EXPECT(rte_ring_count(up_port.tx), 0);
	test_end();
}

static void
test_vf_rx(void)
{
	struct fex_profile p = prof("in", 10);

	rports();
	test_begin();
	profile_put(&p);
	vif_put(12, P12, "in", true);
	dp->is_vf[vm_port.id] = 1;
	dp->peer[vm_port.id] = P12;		/* the VF of VIF 12's vNIC */
	OK(rte_ring_enqueue(vm_port.rx, plain(0, 10, 0, 100)) == 0);
	fex_vif_reader_snapshot(&w0->rd);
	EXPECT(vf_rx(w0, 0, vm_port.id), 1);
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(txb(w0, P12)->n, 1);
	CHECK_TX(w0, P12, 0, 12, 0, true);
	/* the vNIC's VIF gone: the VF is not read */
	vif_del(12);
	OK(rte_ring_enqueue(vm_port.rx, plain(1, 10, 0, 100)) == 0);
	fex_vif_reader_snapshot(&w0->rd);
	EXPECT(vf_rx(w0, 0, vm_port.id), 0);
	fex_vif_reader_quiescent(&w0->rd);
	EXPECT(rte_ring_count(vm_port.rx), 1);
	worker_drain(w0);
	{
		struct rte_mbuf *m = NULL;

		OK(rte_ring_dequeue(vm_port.rx, (void **)&m) == 0);
		rte_pktmbuf_free(m);
	}
	test_end();
}

static const struct dp_test tests[] = {
	{ "dp_priv.h fex_dp_cnt_add", test_cnt_add, M_VN },
	{ "egress.c hdr_of", test_hdr_of, M_VN },
	{ "egress.c egress_untagged", test_egress_untagged, M_ALL },
	{ "egress.c push", test_push, M_ALL },
	{ "egress.c push_with_tci", test_push_with_tci, M_ALL },
	{ "ingress.c vl_pack, vl_hdr", test_vl, M_VN },
	{ "ingress.c txbuf_put", test_txbuf_put, M_VN },
	{ "ingress.c txbuf_put_run, hit_flush, txbuf_flush", test_txbuf_put_run, M_VN },
	{ "ingress.c deliver", test_deliver, M_TAGS },
	{ "ingress.c route, worker.c handoff_rx", test_route_handoff_rx, M_TAGS },
	{ "ingress.c vif_usable", test_vif_usable, M_VN },
	{ "ingress.c unicast_here", test_unicast_here, M_TAGS },
	{ "ingress.c ingress_burst", test_ingress_burst, M_TAGS },
	{ "worker.c uplink_rx", test_uplink_rx, M_TAGS },
	{ "worker.c vnic_rx", test_vnic_rx, M_ALL },
	{ "worker.c vnic_due, vnic_polled", test_vnic_quiet, M_VN },
	{ "worker.c vf_rx", test_vf_rx, M_VN },
};

int
main(void)
{
	return dp_test_main("test_dp_inline", "inline", tests, RTE_DIM(tests));
}
