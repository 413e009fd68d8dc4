/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore loop. One iteration: take the VIF table snapshot, receive a
 * burst from the uplink (fabric -> VM), drain the hand-off rings from the
 * other workers, receive a burst from every owned vNIC port (VM ->
 * fabric), flush what waits for the vNIC ports, report a quiescent state.
 * Fast-path code never allocates (flood copies excepted), locks or prints;
 * every frame that is not sent is counted under a named drop reason.
 */
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "fex_dp.h"

static inline void
cnt_add(struct fex_dp_stats *st, enum fex_dp_cnt i, uint64_t n)
{
	/* Single writer; a relaxed store keeps the stats reader race-free. */
	__atomic_store_n(&st->c[i], st->c[i] + n, __ATOMIC_RELAXED);
}

static inline void
vif_cnt_sub(struct fex_vif_counters *c, enum fex_vif_cnt i, uint64_t n)
{
	__atomic_store_n(&c->c[i], c->c[i] - n, __ATOMIC_RELAXED);
}

/* ---- fabric -> VM ---- */

/* Send what waits for one vNIC port. Frames the port refuses are taken
 * back from tx_packets/tx_bytes and counted as drop_tx_full. */
static void
txbuf_flush(struct fex_worker *w, uint16_t port)
{
	struct fex_txbuf *b = &w->txbuf[port];
	uint16_t sent, i;

	if (b->n == 0)
		return;
	sent = rte_eth_tx_burst(port, 0, b->m, b->n);
	for (i = sent; i < b->n; i++) {
		struct fex_vif_counters *c = &w->rd.cnt[b->m[i]->hash.usr];

		vif_cnt_sub(c, FEX_VIF_CNT_TX_PACKETS, 1);
		vif_cnt_sub(c, FEX_VIF_CNT_TX_BYTES, rte_pktmbuf_pkt_len(b->m[i]));
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_TX_FULL, 1);
	}
	if (unlikely(sent < b->n))
		rte_pktmbuf_free_bulk(&b->m[sent], b->n - sent);
	b->n = 0;
}

static inline void
txbuf_put(struct fex_worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct fex_txbuf *b = &w->txbuf[port];

	if (b->n == 0)
		w->dirty[w->dirty_n++] = port;
	b->m[b->n++] = m;
	if (unlikely(b->n == FEX_BURST))
		txbuf_flush(w, port);	/* stays on the dirty list, empty */
}

static void
txbuf_flush_all(struct fex_worker *w)
{
	uint16_t i;

	for (i = 0; i < w->dirty_n; i++)
		txbuf_flush(w, w->dirty[i]);
	w->dirty_n = 0;
}

/* Ingress policy and delivery of one frame to VIF `vif`, whose port this
 * worker owns. `vlan` tells whether the VIF tag was already removed
 * (tagged == false) or still sits in front (tagged == true, local case:
 * tag and 802.1Q tag go in one move). */
static inline void
deliver(struct fex_worker *w, uint64_t now, uint16_t vif, struct rte_mbuf *m,
	const struct fex_tag_info *ti, bool tagged)
{
	const struct fex_vif_table *t = w->rd.t;
	const struct fex_vif_entry *v = fex_vif_entry(t, vif);
	struct fex_vif_counters *c = &w->rd.cnt[vif];
	struct fex_pkt_hdr h;
	struct fex_pkt_action a;
	enum fex_verdict vd;
	enum fex_tag_mode mode = tagged ? w->dp->mode : FEX_TAG_NONE;
	uint32_t len;

	h.src = NULL;
	h.has_vlan = ti->has_vlan;
	h.vid = ti->vid;
	h.pcp = ti->vlan_pcp;
	h.len = rte_pktmbuf_pkt_len(m) - (tagged ? fex_tag_len(w->dp->mode) : 0);
	vd = fex_vif_ingress_check(v, fex_vif_profile(t, v), &t->rt[vif].ingress,
				   now, &h, &a);
	if (unlikely(vd != FEX_PASS)) {
		fex_vif_cnt_add(c, (enum fex_vif_cnt)vd, 1);
		rte_pktmbuf_free(m);
		return;
	}
	if ((tagged || a.strip_vlan) &&
	    unlikely(fex_tag_strip(m, mode, a.strip_vlan) != 0)) {
		/* Only a frame shared with a flood copy gets here. */
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_NO_HEADROOM, 1);
		rte_pktmbuf_free(m);
		return;
	}
	len = rte_pktmbuf_pkt_len(m);
	m->hash.usr = vif;
	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_PACKETS, 1);
	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_BYTES, len);
	txbuf_put(w, v->port, m);
}

/* A frame for `vif` (VIF tag still on when tagged): deliver it here, or
 * hand it to the worker that owns the VIF's port (tag removed first). */
static inline void
route(struct fex_worker *w, uint64_t now, uint16_t vif, struct rte_mbuf *m,
      const struct fex_tag_info *ti)
{
	const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);
	int owner = w->dp->owner[v->port];

	if (likely(owner == (int)w->id)) {
		deliver(w, now, vif, m, ti, true);
		return;
	}
	if (unlikely(owner < 0 || fex_tag_strip(m, w->dp->mode, false) != 0)) {
		cnt_add(&w->st, FEX_DP_DROP_STALE, 1);
		rte_pktmbuf_free(m);
		return;
	}
	m->hash.usr = vif;
	if (unlikely(rte_ring_sp_enqueue(w->to[owner], m) != 0)) {
		cnt_add(&w->st, FEX_DP_DROP_HANDOFF_FULL, 1);
		rte_pktmbuf_free(m);
		return;
	}
	cnt_add(&w->st, FEX_DP_HANDOFFS, 1);
}

/* Is VIF `vif` a destination now? Counts inactive ones on the VIF. */
static inline bool
vif_usable(struct fex_worker *w, uint16_t vif)
{
	const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);

	if (likely(fex_vif_active(w->rd.t, v)))
		return true;
	if (v->state == FEX_VIF_NONE)
		cnt_add(&w->st, FEX_DP_DROP_UNKNOWN_VIF, 1);
	else
		fex_vif_cnt_add(&w->rd.cnt[vif], FEX_VIF_CNT_DROP_INACTIVE, 1);
	return false;
}

/* A flood frame: one copy per active member but the looped source. */
static void
flood(struct fex_worker *w, uint64_t now, struct rte_mbuf *m,
      const struct fex_tag_info *ti)
{
	const struct fex_viflist *l = fex_viflist_lookup(w->rd.t, ti->dvif);
	uint16_t i, last = 0, copies = 0;
	bool have_last = false;

	if (unlikely(l == NULL)) {
		cnt_add(&w->st, FEX_DP_DROP_UNKNOWN_VIF, 1);
		rte_pktmbuf_free(m);
		return;
	}
	for (i = 0; i < l->n; i++) {
		uint16_t vif = l->vif[i];
		struct rte_mbuf *c;

		if (ti->looped && vif == ti->svif)
			continue;	/* the sender: pruned, not a drop */
		if (!fex_vif_active(w->rd.t, fex_vif_entry(w->rd.t, vif)))
			continue;	/* members need not be up */
		if (!have_last) {
			last = vif;
			have_last = true;
			continue;
		}
		/* A private copy: each member's strip edits its own headers. */
		c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (unlikely(c == NULL)) {
			cnt_add(&w->st, FEX_DP_DROP_NO_MBUF, 1);
			continue;
		}
		copies++;
		route(w, now, vif, c, ti);
	}
	cnt_add(&w->st, FEX_DP_FLOOD_COPIES, copies);
	if (have_last)
		route(w, now, last, m, ti);
	else
		rte_pktmbuf_free(m);	/* nobody to deliver to: not a drop */
}

/* What the last unicast frame's VIF and VLAN resolved to; the next frames
 * of the burst with the same dvif and 802.1Q TCI reuse it (one table
 * snapshot per burst, so the answer cannot change within it). */
struct ingress_hit {
	uint32_t key;		/* dvif << 17 | 0x10000 | TCI (0: none yet) */
	uint16_t port;
	uint8_t hl;		/* bytes to strip: VIF tag [+ 802.1Q tag] */
	struct fex_meter *meter;	/* ingress policer, NULL when off */
	const struct fex_meter_profile *mp;
};

/* The common frame: unicast to an active VIF whose port this worker owns.
 * Same policy as deliver() (the first frame of a VIF and VLAN goes through
 * fex_vif_ingress_check()), without the per-frame parse into a struct,
 * lookups and re-checks. false: the frame is untouched, for the general
 * path. */
static inline bool
ingress_unicast(struct fex_worker *w, uint64_t now, struct rte_mbuf *m,
		struct ingress_hit *hit)
{
	const struct fex_vif_table *t = w->rd.t;
	const unsigned int tl = fex_tag_len(w->dp->mode);
	struct fex_vif_counters *c;
	uint32_t vlan, key, len;
	uint16_t dvif;
	uint8_t *p;

	dvif = fex_tag_parse_unicast(m, w->dp->mode, &vlan);
	if (unlikely(dvif == 0 || !fex_tag_writable(m)))
		return false;
	key = (uint32_t)dvif << 17 | vlan;
	len = rte_pktmbuf_pkt_len(m) - tl;
	c = &w->rd.cnt[dvif];
	if (unlikely(key != hit->key)) {
		const struct fex_vif_entry *v = fex_vif_entry(t, dvif);
		const struct fex_profile_rt *pr = fex_vif_profile(t, v);
		struct fex_pkt_hdr h;
		struct fex_pkt_action a;
		enum fex_verdict vd;

		if (!fex_vif_active(t, v) || w->dp->owner[v->port] != (int)w->id)
			return false;	/* counted or handed off there */
		h.src = NULL;
		h.has_vlan = vlan != 0;
		h.vid = vlan & 0xfff;
		h.pcp = (vlan >> 13) & 7;
		h.len = len;
		vd = fex_vif_ingress_check(v, pr, &t->rt[dvif].ingress, now, &h, &a);
		if (unlikely(vd != FEX_PASS)) {
			fex_vif_cnt_add(c, (enum fex_vif_cnt)vd, 1);
			rte_pktmbuf_free(m);
			return true;
		}
		hit->key = key;
		hit->port = v->port;
		hit->hl = (uint8_t)(tl + (a.strip_vlan ? FEX_VLAN_LEN : 0));
		hit->meter = fex_meter_profile_on(&pr->ingress_meter) ?
			     &t->rt[dvif].ingress : NULL;
		hit->mp = &pr->ingress_meter;
	} else if (hit->meter != NULL &&
		   unlikely(fex_meter_check(hit->meter, hit->mp, now, len) !=
			    RTE_COLOR_GREEN)) {
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_INGRESS_POLICER, 1);
		rte_pktmbuf_free(m);
		return true;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	fex_tag_move_macs(p + hit->hl, p);
	m->data_off = (uint16_t)(m->data_off + hit->hl);
	m->data_len = (uint16_t)(m->data_len - hit->hl);
	m->pkt_len -= hit->hl;
	m->hash.usr = dvif;
	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_PACKETS, 1);
	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_BYTES, rte_pktmbuf_pkt_len(m));
	txbuf_put(w, hit->port, m);
	return true;
}

/* Fabric -> VM for a received burst: parse, look up, replicate, hand
 * off or put in the vNIC ports' tx buffers (sent by txbuf_flush_all). */
static inline void
ingress_burst(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
	      uint16_t n)
{
	struct fex_dp *dp = w->dp;
	struct ingress_hit hit = { .key = 0 };
	uint16_t i;
	uint64_t bytes = 0;

	for (i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct fex_tag_info ti;
		int rc;

		bytes += rte_pktmbuf_pkt_len(m);
		if (likely(ingress_unicast(w, now, m, &hit)))
			continue;
		rc = fex_tag_parse(m, dp->mode, FEX_TAG_DIR_DOWN, &ti);
		if (unlikely(rc != 0)) {
			cnt_add(&w->st, rc == -FEX_TAG_ERR_DIRECTION ?
				FEX_DP_DROP_DIRECTION : FEX_DP_DROP_MALFORMED, 1);
			w->st.tag_err[-rc]++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(ti.ptr)) {
			flood(w, now, m, &ti);
			continue;
		}
		if (unlikely(!vif_usable(w, ti.dvif))) {
			rte_pktmbuf_free(m);
			continue;
		}
		route(w, now, ti.dvif, m, &ti);
	}
	cnt_add(&w->st, FEX_DP_UPLINK_RX_PACKETS, n);
	cnt_add(&w->st, FEX_DP_UPLINK_RX_BYTES, bytes);
}

static inline void
uplink_rx(struct fex_worker *w, uint64_t now, uint16_t *moved)
{
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t n;

	n = rte_eth_rx_burst(w->dp->uplink, (uint16_t)w->id, pkts, FEX_BURST);
	if (n == 0)
		return;
	*moved += n;
	ingress_burst(w, now, pkts, n);
}

/* Frames other workers received for our vNICs (VIF tag already off). */
static inline void
handoff_rx(struct fex_worker *w, uint64_t now, uint16_t *moved)
{
	struct rte_mbuf *pkts[FEX_BURST];
	unsigned int j, n, i;

	for (j = 0; j < w->dp->nb_workers; j++) {
		if (w->from[j] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(w->from[j], (void **)pkts,
					      FEX_BURST, NULL);
		*moved += n;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint16_t vif = (uint16_t)m->hash.usr;
			const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);
			struct fex_tag_info ti;

			/* Re-resolve: the VIF may have moved or gone. */
			if (unlikely(w->dp->owner[v->port] != (int)w->id ||
				     !fex_vif_active(w->rd.t, v) ||
				     fex_tag_parse(m, FEX_TAG_NONE, FEX_TAG_DIR_DOWN,
						   &ti) != 0)) {
				cnt_add(&w->st, FEX_DP_DROP_STALE, 1);
				rte_pktmbuf_free(m);
				continue;
			}
			deliver(w, now, vif, m, &ti, false);
		}
	}
}

/* ---- VM -> fabric ---- */

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

/* VM -> fabric for a burst received on vNIC `port`: policy and tag push.
 * The frames to send to the uplink are moved to the front of pkts and
 * counted in the return value, their bytes in *bytes; the others are
 * counted and freed. *svif is the port's VIF (0: none, all dropped). */
/* The common case in two tight passes: every frame of the burst untagged,
 * from the VIF's MAC, room for the tags, the policer green for the whole
 * burst. They all get the same header (VIF tag + native VLAN with CoS),
 * built once. Returns n, or 0 with nothing changed (egress_burst() then
 * decides frame by frame). */
static inline uint16_t
egress_untagged(struct fex_worker *w, uint64_t now, uint16_t port,
		enum fex_tag_mode mode, uint32_t frame_max, struct rte_mbuf **pkts,
		uint16_t n, uint16_t *svif_out, uint64_t *bytes_out)
{
	const unsigned int add = fex_tag_len(mode) + FEX_VLAN_LEN;
	struct fex_vif_egress_plan pl;
	uint8_t hdr[16];
	uint64_t bytes = 0;
	uint32_t longest = 0;
	bool ok = true;
	uint16_t i;

	if (unlikely(!fex_vif_egress_plan(&w->rd, port, &pl)))
		return 0;
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		/* the type is read only from frames that have one */
		ok = ok && fex_tag_push_ready(m, add) &&
		     fex_tag_rd16(p + FEX_TAG_MAC_LEN) != FEX_ETHER_TYPE_VLAN;
		if (pl.mac_deny)
			ok = ok && fex_mac_eq((const struct rte_ether_addr *)
					      (p + RTE_ETHER_ADDR_LEN), &pl.v->mac);
		bytes += rte_pktmbuf_pkt_len(m);
		longest = RTE_MAX(longest, rte_pktmbuf_pkt_len(m));
	}
	ok = ok && (frame_max == 0 || longest + add <= frame_max);
	if (!ok || !fex_vif_egress_commit(&w->rd, &pl, now, n, bytes))
		return 0;
	fex_tag_write_up(hdr, mode, pl.vif, pl.pcp);
	fex_tag_wr16(hdr + add - FEX_VLAN_LEN, FEX_ETHER_TYPE_VLAN);
	fex_tag_wr16(hdr + add - 2, (uint16_t)((pl.pcp & 7) << 13 | pl.vid));
	fex_tag_push_hdr_burst(pkts, n, hdr, add);
	*svif_out = pl.vif;
	*bytes_out = bytes + (uint64_t)n * add;
	return n;
}

static const struct rte_ether_addr runt_src;	/* 00:00:00:00:00:00 */

static inline uint16_t
egress_burst(struct fex_worker *w, uint64_t now, uint16_t port,
	     struct rte_mbuf **pkts, uint16_t n, uint16_t *svif_out,
	     uint64_t *bytes_out)
{
	struct fex_dp *dp = w->dp;
	struct rte_mbuf *drop[FEX_BURST];
	struct fex_pkt_hdr h[FEX_BURST];
	struct fex_pkt_action act[FEX_BURST];
	uint8_t verdict[FEX_BURST];
	uint16_t i, svif, out = 0, nd = 0;
	struct fex_vif_counters *c;
	uint64_t bytes = 0;
	/* A vNIC with a VF of its own sends untagged: the adapter tags. */
	enum fex_tag_mode mode = dp->peer[port] == FEX_NO_PORT ? dp->mode :
				 FEX_TAG_NONE;
	/* the uplink's limit; a VF's frames do not cross it */
	uint32_t frame_max = dp->peer[port] == FEX_NO_PORT ? dp->uplink_frame_max : 0;

	out = egress_untagged(w, now, port, mode, frame_max, pkts, n, svif_out,
			      bytes_out);
	if (likely(out != 0))
		return out;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		/* A runt has no source MAC: a fixed one (never a VIF's)
		 * rather than bytes past its end decides its drop counter. */
		h[i].src = likely(m->data_len >= RTE_ETHER_HDR_LEN) ?
			(const struct rte_ether_addr *)(p + RTE_ETHER_ADDR_LEN) :
			&runt_src;
		h[i].len = rte_pktmbuf_pkt_len(m);
		h[i].has_vlan = 0;
		h[i].vid = 0;
		h[i].pcp = 0;
		if (likely(m->data_len >= RTE_ETHER_HDR_LEN + FEX_VLAN_LEN) &&
		    fex_tag_rd16(p + FEX_TAG_MAC_LEN) == FEX_ETHER_TYPE_VLAN) {
			uint16_t tci = fex_tag_rd16(p + FEX_TAG_MAC_LEN + 2);

			h[i].has_vlan = 1;
			h[i].vid = tci & 0xfff;
			h[i].pcp = tci >> 13;
		}
	}
	fex_vif_egress_burst(&w->rd, port, now, h, act, verdict, n, &svif);
	*svif_out = svif;
	*bytes_out = 0;
	if (unlikely(svif == 0)) {
		cnt_add(&w->st, FEX_DP_DROP_NO_VIF, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return 0;
	}
	c = &w->rd.cnt[svif];
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct fex_pkt_action *a = &act[i];
		int rc;

		if (unlikely(verdict[i] != FEX_PASS)) {
			drop[nd++] = m;	/* counted by fex_vif_egress_burst */
			continue;
		}
		if (unlikely(m->data_len < RTE_ETHER_HDR_LEN)) {
			cnt_add(&w->st, FEX_DP_DROP_RUNT, 1);
			drop[nd++] = m;
			continue;
		}
		if (a->insert_vlan)
			rc = fex_tag_push_vlan(m, mode, svif, a->epcp, a->vid, a->pcp);
		else if (unlikely(a->set_tci))
			rc = push_with_tci(m, mode, svif, a);
		else
			rc = fex_tag_push(m, mode, svif, a->epcp);
		if (unlikely(rc != 0)) {
			fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_NO_HEADROOM, 1);
			drop[nd++] = m;
			continue;
		}
		/* The uplink would lose it silently further on (SPEC §4). */
		if (unlikely(frame_max != 0 && rte_pktmbuf_pkt_len(m) > frame_max)) {
			fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_OVERSIZE, 1);
			drop[nd++] = m;
			continue;
		}
		bytes += rte_pktmbuf_pkt_len(m);
		pkts[out++] = m;
	}
	if (unlikely(nd != 0))
		rte_pktmbuf_free_bulk(drop, nd);
	*bytes_out = bytes;
	return out;
}

/* VF-per-vNIC: egress frames go to the VIF's own VF, untagged. */
static void
vf_tx(struct fex_worker *w, uint16_t vf, uint16_t svif, struct rte_mbuf **pkts,
      uint16_t n)
{
	uint16_t sent = rte_eth_tx_burst(vf, 0, pkts, n);

	if (unlikely(sent < n)) {
		fex_vif_cnt_add(&w->rd.cnt[svif], FEX_VIF_CNT_DROP_TX_FULL, n - sent);
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
}

/* VF-per-vNIC: what the VF receives is for its VIF alone (the adapter
 * removed the tag); the ingress policy runs as for the uplink. */
static void
vf_rx(struct fex_worker *w, uint64_t now, uint16_t vf, uint16_t *moved)
{
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t vif = fex_vif_of_port(w->rd.t, w->dp->peer[vf]);
	uint16_t n, i;

	if (unlikely(vif == 0))
		return;	/* VIF not published yet, or being removed */
	n = rte_eth_rx_burst(vf, 0, pkts, FEX_BURST);
	*moved += n;
	for (i = 0; i < n; i++) {
		struct fex_tag_info ti;
		int rc = fex_tag_parse(pkts[i], FEX_TAG_NONE, FEX_TAG_DIR_DOWN, &ti);

		if (unlikely(rc != 0)) {
			cnt_add(&w->st, FEX_DP_DROP_MALFORMED, 1);
			w->st.tag_err[-rc]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		deliver(w, now, vif, pkts[i], &ti, false);
	}
}

static inline void
vnic_rx(struct fex_worker *w, uint64_t now, uint16_t port, uint16_t *moved)
{
	struct fex_dp *dp = w->dp;
	struct rte_mbuf *pkts[FEX_BURST];
	uint16_t n, i, svif, out, sent;
	uint64_t bytes;

	/* A port whose VIF is not in the table yet (being associated) or
	 * any more (being removed) is left alone: its frames wait in the
	 * port rather than being dropped for want of a VIF. */
	if (unlikely(fex_vif_of_port(w->rd.t, port) == 0))
		return;
	n = rte_eth_rx_burst(port, 0, pkts, FEX_BURST);
	if (n == 0)
		return;
	*moved += n;
	out = egress_burst(w, now, port, pkts, n, &svif, &bytes);
	if (out == 0)
		return;
	if (unlikely(dp->peer[port] != FEX_NO_PORT)) {
		vf_tx(w, dp->peer[port], svif, pkts, out);
		return;
	}
	sent = rte_eth_tx_burst(dp->uplink, (uint16_t)w->id, pkts, out);
	if (unlikely(sent < out)) {
		for (i = sent; i < out; i++)
			bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		fex_vif_cnt_add(&w->rd.cnt[svif], FEX_VIF_CNT_DROP_TX_FULL, out - sent);
		cnt_add(&w->st, FEX_DP_DROP_UPLINK_TX_FULL, out - sent);
		rte_pktmbuf_free_bulk(&pkts[sent], out - sent);
	}
	cnt_add(&w->st, FEX_DP_UPLINK_TX_PACKETS, sent);
	cnt_add(&w->st, FEX_DP_UPLINK_TX_BYTES, bytes);
}

/* ---- the same stages without ports (fuzz harness, tests) ---- */

void
fex_worker_ingress(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
		   uint16_t n)
{
	ingress_burst(w, now, pkts, n);
	txbuf_flush_all(w);
}

uint16_t
fex_worker_egress(struct fex_worker *w, uint64_t now, uint16_t port,
		  struct rte_mbuf **pkts, uint16_t n, uint16_t *svif)
{
	uint64_t bytes;

	return egress_burst(w, now, port, pkts, n, svif, &bytes);
}

/* ---- the loop ---- */

static void
idle_pause(struct fex_worker *w)
{
	fex_vif_reader_offline(&w->rd);
	usleep(w->dp->idle_sleep_us);
	fex_vif_reader_online(&w->rd);
}

int
fex_worker_loop(void *worker_arg)
{
	struct fex_worker *w = worker_arg;
	struct fex_dp *dp = w->dp;
	unsigned int idle = 0;

	while (!__atomic_load_n(&dp->stop, __ATOMIC_RELAXED)) {
		const struct fex_poll_list *pl;
		uint64_t start = rte_rdtsc();
		uint16_t moved = 0, i;

		fex_vif_reader_snapshot(&w->rd);
		if (unlikely(w->rd.t->gen != w->st.table_gen)) {
			/* when a change reached the data path (stats, bench) */
			__atomic_store_n(&w->st.table_gen_tsc, start, __ATOMIC_RELAXED);
			__atomic_store_n(&w->st.table_gen, w->rd.t->gen, __ATOMIC_RELEASE);
		}
		pl = __atomic_load_n(&w->plist, __ATOMIC_ACQUIRE);
		if (w->has_uplink_queue)
			uplink_rx(w, start, &moved);
		if (dp->nb_workers > 1)
			handoff_rx(w, start, &moved);
		for (i = 0; i < pl->n; i++) {
			uint16_t port = pl->port[i];

			if (unlikely(dp->is_vf[port]))
				vf_rx(w, start, port, &moved);
			else
				vnic_rx(w, start, port, &moved);
		}
		txbuf_flush_all(w);
		fex_vif_reader_quiescent(&w->rd);

		w->st.iterations++;
		if (moved != 0) {
			w->st.busy_tsc += rte_rdtsc() - start;
			w->st.busy_packets += moved;
			idle = 0;
		} else if (dp->idle_sleep_us != 0 && ++idle >= 64) {
			idle_pause(w);
		}
	}
	return 0;
}
