/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM -> fabric (see egress.h). Two ways through, same rules:
 *   - the common burst: every frame untagged, from the VIF's MAC (when
 *     mac_forging is deny), with room for the tags, within the uplink
 *     MTU and the policer green for the whole burst. The VLAN/CoS rule is
 *     decided once for the burst and one header (VIF tag + 802.1Q) is
 *     built once and written in front of every frame;
 *   - otherwise frame by frame.
 */
#include <rte_ethdev.h>

#include "dp_priv.h"
#include "egress.h"
#include "fex_policy.h"

/* A runt has no source MAC: a fixed one (never a VIF's) rather than
 * bytes past its end decides its drop counter. */
static const struct rte_ether_addr runt_src;	/* 00:00:00:00:00:00 */

static inline void
hdr_of(const struct rte_mbuf *m, struct fex_pkt_hdr *h)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	h->src = likely(m->data_len >= RTE_ETHER_HDR_LEN) ?
		(const struct rte_ether_addr *)(p + RTE_ETHER_ADDR_LEN) : &runt_src;
	h->len = rte_pktmbuf_pkt_len(m);
	h->has_vlan = 0;
	h->vid = 0;
	h->pcp = 0;
	if (likely(m->data_len >= RTE_ETHER_HDR_LEN + FEX_VLAN_LEN) &&
	    fex_tag_rd16(p + FEX_TAG_MAC_LEN) == FEX_ETHER_TYPE_VLAN) {
		uint16_t tci = fex_tag_rd16(p + FEX_TAG_MAC_LEN + 2);

		h->has_vlan = 1;
		h->vid = tci & 0xfff;
		h->pcp = tci >> 13;
	}
}

/* The common burst (see the top). Returns n with every frame tagged, or
 * 0 with nothing changed and nothing counted but a policer refill. */
static inline uint16_t
egress_untagged(struct fex_worker *w, uint64_t now, const struct fex_vif_entry *v,
		const struct fex_profile_rt *p, struct fex_meter *m,
		enum fex_tag_mode mode, uint32_t frame_max, struct rte_mbuf **pkts,
		uint16_t n, uint16_t svif, uint64_t bytes)
{
	const unsigned int add = fex_tag_len(mode) + FEX_VLAN_LEN;
	const struct fex_pkt_hdr untagged = { .src = &v->mac };
	struct fex_pkt_action a;
	uint32_t longest = 0;
	uint8_t hdr[16];
	bool ok = true;
	uint16_t i;

	if (unlikely(fex_policy_egress_vlan(p, &untagged, &a) != FEX_PASS))
		return 0;
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *mb = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(mb, const uint8_t *);

		/* the type is read only from frames that have one */
		ok = ok && fex_tag_push_ready(mb, add) &&
		     fex_tag_rd16(d + FEX_TAG_MAC_LEN) != FEX_ETHER_TYPE_VLAN;
		if (p->mac_deny)
			ok = ok && fex_mac_eq((const struct rte_ether_addr *)
					      (d + RTE_ETHER_ADDR_LEN), &v->mac);
		longest = RTE_MAX(longest, rte_pktmbuf_pkt_len(mb));
	}
	ok = ok && (frame_max == 0 || longest + add <= frame_max);
	/* Every frame of a burst is checked at the same `now`: the bucket
	 * holding the whole burst is each frame's green verdict. When it does
	 * not, only the refill happened and the per-frame path decides. */
	if (!ok || !fex_policy_egress_meter(p, m, now, bytes))
		return 0;
	fex_tag_write_up(hdr, mode, svif, a.epcp);
	fex_tag_wr16(hdr + add - FEX_VLAN_LEN, FEX_ETHER_TYPE_VLAN);
	fex_tag_wr16(hdr + add - 2, (uint16_t)((a.pcp & 7) << 13 | a.vid));
	fex_tag_push_hdr_burst(pkts, n, hdr, add);
	for (i = 0; i < n; i++) {
		w->eg_len[i] = rte_pktmbuf_pkt_len(pkts[i]);
		w->eg_vmlen[i] = w->eg_len[i] - add;
	}
	return n;
}

/* A tagged frame whose TCI changes (CoS rewrite, or a priority tag that
 * takes the native VID): rewrite it, keep DEI, then push the VIF tag. */
static inline int
push_with_tci(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t svif,
	      const struct fex_pkt_action *a)
{
	uint8_t *tci;
	int rc;

	if (unlikely(!fex_tag_writable(m)))
		return -EBUSY;
	tci = fex_vlan_tci(m, FEX_TAG_NONE, &rc);
	if (unlikely(tci == NULL))
		return rc;
	fex_tag_wr16(tci, (uint16_t)((fex_tag_rd16(tci) & 0x1000) |
				     ((a->pcp & 7) << 13) | (a->vid & 0xfff)));
	return fex_tag_push(m, mode, svif, a->epcp);
}

static inline int
push(struct rte_mbuf *m, enum fex_tag_mode mode, uint16_t svif,
     const struct fex_pkt_action *a)
{
	if (a->insert_vlan)
		return fex_tag_push_vlan(m, mode, svif, a->epcp, a->vid, a->pcp);
	if (unlikely(a->set_tci))
		return push_with_tci(m, mode, svif, a);
	return fex_tag_push(m, mode, svif, a->epcp);
}

uint16_t
fex_dp_egress(struct fex_worker *w, uint64_t now, uint16_t port,
	      struct rte_mbuf **pkts, uint16_t n)
{
	struct fex_dp *dp = w->dp;
	const struct fex_vif_table *t = w->rd.t;
	const uint16_t svif = fex_vif_of_port(t, port);
	const struct fex_vif_entry *v = fex_vif_entry(t, svif);
	const struct fex_profile_rt *p = fex_vif_profile(t, v);
	struct fex_meter *m = &t->rt[svif].egress;
	struct fex_vif_counters *c = &w->rd.cnt[svif];
	/* A vNIC with a VF of its own sends untagged (the adapter tags), and
	 * its frames do not cross the uplink. */
	const bool own_vf = dp->peer[port] != FEX_NO_PORT;
	const enum fex_tag_mode mode = own_vf ? FEX_TAG_NONE : dp->mode;
	const uint32_t frame_max = own_vf ? 0 : dp->uplink_frame_max;
	uint32_t drops[FEX_VIF_CNT_MAX] = { 0 };
	struct rte_mbuf *drop[FEX_BURST];
	uint16_t i, out = 0, nd = 0;
	uint64_t bytes = 0;
	unsigned int k;

	w->eg_svif = svif;
	if (unlikely(svif == 0)) {
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_NO_VIF, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_PACKETS, n);
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_BYTES, bytes);
	if (unlikely(!fex_policy_active(v, p))) {
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_INACTIVE, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return 0;
	}
	if (likely(egress_untagged(w, now, v, p, m, mode, frame_max, pkts, n, svif,
					  bytes)))
		return n;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *mb = pkts[i];
		struct fex_pkt_action a;
		struct fex_pkt_hdr h;
		enum fex_verdict vd;

		hdr_of(mb, &h);
		vd = fex_policy_egress(v, p, m, now, &h, &a);
		if (unlikely(vd != FEX_PASS)) {
			drops[vd]++;
		} else if (unlikely(mb->data_len < RTE_ETHER_HDR_LEN)) {
			fex_dp_cnt_add(&w->st, FEX_DP_DROP_RUNT, 1);
		} else if (unlikely(push(mb, mode, svif, &a) != 0)) {
			drops[FEX_VIF_CNT_DROP_NO_HEADROOM]++;
		} else if (unlikely(frame_max != 0 &&
				    rte_pktmbuf_pkt_len(mb) > frame_max)) {
			/* the uplink would lose it silently further on */
			drops[FEX_VIF_CNT_DROP_OVERSIZE]++;
		} else {
			w->eg_len[out] = rte_pktmbuf_pkt_len(mb);
			w->eg_vmlen[out] = h.len;
			pkts[out++] = mb;
			continue;
		}
		drop[nd++] = mb;
	}
	if (unlikely(nd != 0)) {
		for (k = FEX_VIF_CNT_DROP_INACTIVE; k < FEX_VIF_CNT_MAX; k++)
			if (drops[k] != 0)
				fex_vif_cnt_add(c, (enum fex_vif_cnt)k, drops[k]);
		rte_pktmbuf_free_bulk(drop, nd);
	}
	return out;
}

void
fex_dp_egress_send(struct fex_worker *w, uint16_t port, struct rte_mbuf **pkts,
		   uint16_t n)
{
	struct fex_dp *dp = w->dp;
	const uint16_t vf = dp->peer[port];
	uint64_t bytes = 0;
	uint16_t sent, i;

	if (n == 0)
		return;
	if (unlikely(vf != FEX_NO_PORT)) {
		sent = fex_port_tx(vf, 0, pkts, n);
	} else {
		sent = fex_port_tx(dp->uplink, (uint16_t)w->id, pkts, n);
		for (i = 0; i < sent; i++)
			bytes += w->eg_len[i];
		fex_dp_cnt_add(&w->st, FEX_DP_UPLINK_TX_PACKETS, sent);
		fex_dp_cnt_add(&w->st, FEX_DP_UPLINK_TX_BYTES, bytes);
		if (unlikely(sent < n))
			fex_dp_cnt_add(&w->st, FEX_DP_DROP_UPLINK_TX_FULL, n - sent);
	}
	if (unlikely(sent < n)) {
		fex_vif_cnt_add(&w->rd.cnt[w->eg_svif], FEX_VIF_CNT_DROP_TX_FULL,
				n - sent);
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
}
