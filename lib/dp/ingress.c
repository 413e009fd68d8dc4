/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fabric -> VM (see ingress.h). Each frame from the uplink is parsed once
 * (fex_tag_parse); what the parse found travels with the frame: to the
 * VIF-list copies, and through a hand-off ring in the mbuf (hash.usr),
 * so the owner worker never parses it again.
 *
 * The common frame - unicast to an active VIF of this worker - takes the
 * verdict of the previous frame of the burst with the same dvif and
 * 802.1Q TCI (one table snapshot per burst: the answer cannot change
 * within it); the first of them goes through fex_policy_ingress_vlan().
 */
#include <rte_cycles.h>
#include <rte_prefetch.h>

#include "dp_priv.h"
#include "fex_policy.h"
#include "ingress.h"

/* The VLAN facts of a frame, as parsed, in 32 bits: they ride in the
 * mbuf (hash.usr) through a hand-off ring and in the per-burst cache. */
#define VL_VIF_MASK	0xfffu
#define VL_HAS_VLAN	0x1000u
#define VL_TCI_SHIFT	16

static inline uint32_t
vl_pack(uint16_t vif, const struct fex_tag_info *ti)
{
	return (vif & VL_VIF_MASK) | (ti->has_vlan ? VL_HAS_VLAN : 0) |
	       (uint32_t)((ti->vlan_pcp & 7) << 13 | (ti->vid & 0xfff)) << VL_TCI_SHIFT;
}

static inline void
vl_hdr(uint32_t vl, uint32_t len, struct fex_pkt_hdr *h)
{
	h->src = NULL;
	h->len = len;
	h->has_vlan = (vl & VL_HAS_VLAN) != 0;
	h->vid = (vl >> VL_TCI_SHIFT) & 0xfff;
	h->pcp = (vl >> (VL_TCI_SHIFT + 13)) & 7;
}

/* ---- the vNIC ports' tx buffers ---- */

static void
txbuf_drop(struct fex_worker *w, struct fex_txbuf *b, uint16_t from, bool stale)
{
	uint16_t i;

	if (stale)
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_STALE, b->n - from);
	else
		for (i = from; i < b->n; i++)
			fex_vif_cnt_add(&w->rd.cnt[b->vif[i]], FEX_VIF_CNT_DROP_TX_FULL, 1);
	rte_pktmbuf_free_bulk(&b->m[from], b->n - from);
	b->n = from;
}

/* Send what waits for port. What the port refuses (a guest's ring is
 * full) waits for the next passes, no spinning, and is dropped as
 * drop_tx_full once it waited FEX_TX_HOLD_US without the port taking any.
 * True while frames are still held. */
static bool
txbuf_flush(struct fex_worker *w, uint16_t port)
{
	struct fex_txbuf *b = &w->txbuf[port];
	uint16_t sent, i, left;
	uint64_t now;

	if (b->n == 0)
		return false;
	if (unlikely(b->held_since != 0) &&
	    fex_vif_of_port(w->rd.t, port) != b->vif[0]) {
		/* held while its VIF went away: the port may be closing */
		txbuf_drop(w, b, 0, true);
		b->held_since = 0;
		return false;
	}
	sent = fex_port_tx(port, 0, b->m, b->n);
	/* counted per run of one VIF (a port has one): a counter in memory
	 * added to once per frame would chain every frame to the last one */
	for (i = 0; i < sent; ) {
		const uint16_t vif = b->vif[i];
		uint64_t bytes = 0;
		uint16_t j = i;

		do
			bytes += b->len[j];
		while (++j < sent && b->vif[j] == vif);
		fex_vif_cnt_add(&w->rd.cnt[vif], FEX_VIF_CNT_TX_PACKETS, j - i);
		fex_vif_cnt_add(&w->rd.cnt[vif], FEX_VIF_CNT_TX_BYTES, bytes);
		i = j;
	}
	left = b->n - sent;
	if (likely(left == 0)) {
		b->n = 0;
		b->held_since = 0;
		return false;
	}
	now = rte_rdtsc();
	if (sent != 0 || b->held_since == 0) {
		b->held_since = now;	/* the port moves: wait again */
	} else if (now - b->held_since > w->dp->tx_hold_tsc) {
		txbuf_drop(w, b, 0, false);
		b->held_since = 0;
		return false;
	}
	if (sent != 0) {
		memmove(b->m, &b->m[sent], left * sizeof(b->m[0]));
		memmove(b->vif, &b->vif[sent], left * sizeof(b->vif[0]));
		memmove(b->len, &b->len[sent], left * sizeof(b->len[0]));
		b->n = left;
	}
	return true;
}

/* Queue n frames of VIF `vif` for its port, in order; sent whenever a
 * full burst waits. A full buffer whose port refused at the last try is
 * not tried again per frame (a guest that does not read its ring would
 * cost a library call for every frame sent to it): what finds it full is
 * dropped at once, and the pass's flush tries the port once. */
static inline void
txbuf_put_run(struct fex_worker *w, uint16_t port, uint16_t vif,
	      struct rte_mbuf **m, uint16_t n)
{
	struct fex_txbuf *b = &w->txbuf[port];

	while (n != 0) {
		uint16_t k, room, at;

		if (unlikely(b->n == FEX_BURST)) {
			if (b->held_since == 0)
				txbuf_flush(w, port);
			if (b->n == FEX_BURST) {	/* refused: no room */
				fex_vif_cnt_add(&w->rd.cnt[vif], FEX_VIF_CNT_DROP_TX_FULL, n);
				rte_pktmbuf_free_bulk(m, n);
				return;
			}
		}
		if (!b->listed) {
			b->listed = true;
			w->dirty[w->dirty_n++] = port;
		}
		at = b->n;
		room = RTE_MIN(n, (uint16_t)(FEX_BURST - at));
		for (k = 0; k < room; k++) {
			b->vif[at + k] = vif;
			b->len[at + k] = rte_pktmbuf_pkt_len(m[k]);
			b->m[at + k] = m[k];
		}
		b->n = (uint16_t)(at + room);
		m += room;
		n -= room;
		if (unlikely(b->n == FEX_BURST))
			txbuf_flush(w, port);	/* stays listed */
	}
}

static inline void
txbuf_put(struct fex_worker *w, uint16_t port, uint16_t vif, struct rte_mbuf *m)
{
	txbuf_put_run(w, port, vif, &m, 1);
}

void
fex_dp_ingress_flush(struct fex_worker *w)
{
	uint16_t i, k = 0;

	for (i = 0; i < w->dirty_n; i++) {
		uint16_t port = w->dirty[i];

		if (unlikely(txbuf_flush(w, port)))
			w->dirty[k++] = port;	/* held: try again next pass */
		else
			w->txbuf[port].listed = false;
	}
	w->dirty_n = k;
}

uint64_t
fex_dp_ingress_drain(struct fex_worker *w)
{
	uint64_t n = 0;
	uint16_t i;

	for (i = 0; i < w->dirty_n; i++) {
		struct fex_txbuf *b = &w->txbuf[w->dirty[i]];

		n += b->n;
		rte_pktmbuf_free_bulk(b->m, b->n);
		b->n = 0;
		b->held_since = 0;
		b->listed = false;
	}
	w->dirty_n = 0;
	return n;
}

/* ---- delivery ---- */

/* Ingress policy and delivery of one frame to VIF `vif`, whose port this
 * worker owns. tl: bytes of VIF tag still in front (0 when removed);
 * the VIF tag and the 802.1Q tag, if the rule strips it, go in one move. */
static inline void
deliver(struct fex_worker *w, uint64_t now, uint16_t vif, struct rte_mbuf *m,
	uint32_t vl, unsigned int tl)
{
	const struct fex_vif_table *t = w->rd.t;
	const struct fex_vif_entry *v = fex_vif_entry(t, vif);
	struct fex_vif_counters *c = &w->rd.cnt[vif];
	struct fex_pkt_action a;
	struct fex_pkt_hdr h;
	enum fex_verdict vd;

	vl_hdr(vl, rte_pktmbuf_pkt_len(m) - tl, &h);
	vd = fex_policy_ingress(v, fex_vif_profile(t, v), &t->rt[vif].ingress, now,
				&h, &a);
	if (unlikely(vd != FEX_PASS)) {
		fex_vif_cnt_add(c, (enum fex_vif_cnt)vd, 1);
		rte_pktmbuf_free(m);
		return;
	}
	if ((tl != 0 || a.strip_vlan) &&
	    unlikely(fex_tag_strip(m, tl != 0 ? w->dp->mode : FEX_TAG_NONE,
				   a.strip_vlan) != 0)) {
		/* Only a frame shared with a flood copy gets here. */
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_NO_HEADROOM, 1);
		rte_pktmbuf_free(m);
		return;
	}
	txbuf_put(w, v->port, vif, m);
}

/* A frame for `vif` (VIF tag still on): deliver it here, or hand it to
 * the worker that owns the VIF's port, tag removed, parse result along. */
static inline void
route(struct fex_worker *w, uint64_t now, uint16_t vif, struct rte_mbuf *m,
      uint32_t vl)
{
	const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);
	int owner = w->dp->owner[v->port];

	if (likely(owner == (int)w->id)) {
		deliver(w, now, vif, m, vl, fex_tag_len(w->dp->mode));
		return;
	}
	if (unlikely(owner < 0 || fex_tag_strip(m, w->dp->mode, false) != 0)) {
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_STALE, 1);
		rte_pktmbuf_free(m);
		return;
	}
	m->hash.usr = vl;
	if (unlikely(rte_ring_sp_enqueue(w->to[owner], m) != 0)) {
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_HANDOFF_FULL, 1);
		rte_pktmbuf_free(m);
		return;
	}
	fex_dp_cnt_add(&w->st, FEX_DP_HANDOFFS, 1);
}

/* Is VIF `vif` a destination now? Counts one that is not. */
static inline bool
vif_usable(struct fex_worker *w, uint16_t vif)
{
	const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);

	if (likely(fex_vif_active(w->rd.t, v)))
		return true;
	if (v->state == FEX_VIF_NONE)
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_UNKNOWN_VIF, 1);
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
		fex_dp_cnt_add(&w->st, FEX_DP_DROP_UNKNOWN_VIF, 1);
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
			fex_dp_cnt_add(&w->st, FEX_DP_DROP_NO_MBUF, 1);
			continue;
		}
		copies++;
		route(w, now, vif, c, vl_pack(vif, ti));
	}
	fex_dp_cnt_add(&w->st, FEX_DP_FLOOD_COPIES, copies);
	if (have_last)
		route(w, now, last, m, vl_pack(last, ti));
	else
		rte_pktmbuf_free(m);	/* nobody to deliver to: not a drop */
}

/* The verdict of the burst's last unicast frame, for the next ones with
 * the same dvif and TCI. */
struct ingress_hit {
	uint32_t key;		/* vl_pack() of the frame; 0: none yet */
	uint16_t port;
	uint8_t hl;		/* bytes to strip: VIF tag [+ 802.1Q tag] */
	struct fex_meter *meter;	/* ingress policer, NULL when off */
	const struct fex_profile_rt *p;
	uint16_t vif;
	uint16_t n;		/* frames of this verdict not yet queued */
	struct rte_mbuf *run[FEX_BURST];
};

/* Queue the frames the verdict collected: one append for the run, not a
 * buffer update per frame. Before any other frame is queued (order). */
static inline void
hit_flush(struct fex_worker *w, struct ingress_hit *hit)
{
	if (hit->n != 0) {
		txbuf_put_run(w, hit->port, hit->vif, hit->run, hit->n);
		hit->n = 0;
	}
}

/* The common frame: unicast, to an active VIF whose port this worker
 * owns. false: not that case (nothing done, nothing counted). */
static __rte_always_inline bool
unicast_here(struct fex_worker *w, uint64_t now, struct rte_mbuf *m,
	     enum fex_tag_mode mode, uint32_t vl,
	     uint16_t dvif, struct ingress_hit *hit)
{
	const struct fex_vif_table *t = w->rd.t;
	const unsigned int tl = fex_tag_len(mode);
	struct fex_vif_counters *c = &w->rd.cnt[dvif];
	uint32_t len = rte_pktmbuf_pkt_len(m) - tl;
	uint8_t *d;

	if (unlikely(vl != hit->key)) {
		const struct fex_vif_entry *v = fex_vif_entry(t, dvif);
		const struct fex_profile_rt *p = fex_vif_profile(t, v);
		struct fex_pkt_action a;
		struct fex_pkt_hdr h;

		if (!fex_vif_active(t, v) || w->dp->owner[v->port] != (int)w->id ||
		    !fex_tag_writable(m))
			return false;	/* counted or handed off by route() */
		hit_flush(w, hit);
		vl_hdr(vl, len, &h);
		if (unlikely(fex_policy_ingress_vlan(p, &h, &a) != FEX_PASS)) {
			fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_VLAN, 1);
			rte_pktmbuf_free(m);
			return true;
		}
		hit->key = vl;
		hit->port = v->port;
		hit->hl = (uint8_t)(tl + (a.strip_vlan ? FEX_VLAN_LEN : 0));
		hit->meter = fex_meter_profile_on(&p->ingress_meter) ?
			     &t->rt[dvif].ingress : NULL;
		hit->p = p;
		hit->vif = dvif;
	} else if (unlikely(!fex_tag_writable(m))) {
		return false;
	}
	if (hit->meter != NULL &&
	    unlikely(!fex_policy_ingress_meter(hit->p, hit->meter, now, len))) {
		fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_INGRESS_POLICER, 1);
		rte_pktmbuf_free(m);
		return true;
	}
	d = rte_pktmbuf_mtod(m, uint8_t *);
	fex_tag_move_macs(d + hit->hl, d);
	m->data_off = (uint16_t)(m->data_off + hit->hl);
	m->data_len = (uint16_t)(m->data_len - hit->hl);
	m->pkt_len -= hit->hl;
	hit->run[hit->n++] = m;
	return true;
}

/* fex_dp_ingress() for one tag mode, a constant here: the parse takes
 * its fields from the header words at fixed offsets. */
static __rte_always_inline void
ingress_burst(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
	      uint16_t n, enum fex_tag_mode mode)
{
	struct ingress_hit hit;
	uint64_t bytes = 0;
	uint16_t i;

	hit.key = 0;	/* no verdict yet (a VIF id is never 0) */
	hit.n = 0;
	for (i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct fex_tag_info ti;
		uint32_t vl;
		int rc;

		bytes += rte_pktmbuf_pkt_len(m);
		rc = fex_tag_parse(m, mode, FEX_TAG_DIR_DOWN, &ti);
		if (unlikely(rc != 0)) {
			fex_dp_cnt_add(&w->st, rc == -FEX_TAG_ERR_DIRECTION ?
				       FEX_DP_DROP_DIRECTION : FEX_DP_DROP_MALFORMED, 1);
			w->st.tag_err[-rc]++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(ti.ptr)) {
			hit_flush(w, &hit);
			flood(w, now, m, &ti);
			continue;
		}
		vl = vl_pack(ti.dvif, &ti);
		if (likely(mode != FEX_TAG_NONE &&
			   unicast_here(w, now, m, mode, vl, ti.dvif, &hit)))
			continue;
		hit_flush(w, &hit);
		if (unlikely(!vif_usable(w, ti.dvif))) {
			rte_pktmbuf_free(m);
			continue;
		}
		route(w, now, ti.dvif, m, vl);
	}
	hit_flush(w, &hit);
	fex_dp_cnt_add(&w->st, FEX_DP_UPLINK_RX_PACKETS, n);
	fex_dp_cnt_add(&w->st, FEX_DP_UPLINK_RX_BYTES, bytes);
}

void
fex_dp_ingress(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
	       uint16_t n)
{
	switch (w->dp->mode) {
	case FEX_TAG_VNTAG:
		ingress_burst(w, now, pkts, n, FEX_TAG_VNTAG);
		break;
	case FEX_TAG_ETAG:
		ingress_burst(w, now, pkts, n, FEX_TAG_ETAG);
		break;
	default:
		ingress_burst(w, now, pkts, n, FEX_TAG_NONE);
		break;
	}
}

void
fex_dp_ingress_handoff(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
		       uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t vl = m->hash.usr;
		uint16_t vif = (uint16_t)(vl & VL_VIF_MASK);
		const struct fex_vif_entry *v = fex_vif_entry(w->rd.t, vif);

		/* Re-resolve: the VIF may have moved or gone. */
		if (unlikely(w->dp->owner[v->port] != (int)w->id ||
			     !fex_vif_active(w->rd.t, v))) {
			fex_dp_cnt_add(&w->st, FEX_DP_DROP_STALE, 1);
			rte_pktmbuf_free(m);
			continue;
		}
		deliver(w, now, vif, m, vl, 0);
	}
}

void
fex_dp_ingress_vf(struct fex_worker *w, uint64_t now, uint16_t vif,
		  struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct fex_tag_info ti;
		int rc = fex_tag_parse(pkts[i], FEX_TAG_NONE, FEX_TAG_DIR_DOWN, &ti);

		if (unlikely(rc != 0)) {
			fex_dp_cnt_add(&w->st, FEX_DP_DROP_MALFORMED, 1);
			w->st.tag_err[-rc]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		deliver(w, now, vif, pkts[i], vl_pack(vif, &ti), 0);
	}
}
