/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-frame rules of SPEC §3 on a parsed header: the one home of
 * each rule. egress.c and ingress.c run them; test_policy.c calls them
 * directly. Everything here is pure (no counters, no mbufs) except the
 * policers, which write the meter bucket of the VIF's slot.
 *
 *   egress (VM -> fabric), in this order: not associated or profile
 *     disabled -> drop_inactive; mac_forging deny and src != VIF MAC ->
 *     drop_mac_forged; untagged or priority-tagged (VID 0): native VLAN
 *     (none -> drop_vlan), untagged gets an 802.1Q tag inserted,
 *     priority-tagged gets its VID rewritten; tagged: VID must be allowed
 *     (drop_vlan); CoS (if set) replaces the PCP, E-PCP = the resulting
 *     PCP; policer (non-green -> drop_policer).
 *   ingress (fabric -> VM, VIF tag parsed): not associated or profile
 *     disabled -> drop_inactive; tagged with the native VID -> strip the
 *     802.1Q tag; tagged with another allowed VID -> keep; other VID ->
 *     drop_vlan; untagged -> accepted (as the native VLAN) only when a
 *     native VLAN is set, else drop_vlan; ingress policer if set
 *     (non-green -> drop_ingress_policer).
 *   The native VLAN is always allowed (implicitly part of `vlans`).
 *
 * Thread safety: the functions that take a meter are for the VIF's owner
 * worker (the bucket's single writer); the others are MT safe.
 */
#ifndef FEX_POLICY_H
#define FEX_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>

#include "fex_meter.h"
#include "fex_vif.h"

/** What the rules need to know about a frame (parsed by the caller). */
struct fex_pkt_hdr {
	const struct rte_ether_addr *src;	/* source MAC */
	uint32_t len;		/* bytes the policer counts (frame length) */
	uint16_t vid;		/* 802.1Q VID when has_vlan */
	uint8_t has_vlan;	/* the frame carries an 802.1Q tag */
	uint8_t pcp;		/* its PCP (0 when untagged) */
};

/** What to do with a frame that passes. */
struct fex_pkt_action {
	uint16_t vid;		/* VID the frame carries after the action */
	uint8_t pcp;		/* PCP of the 802.1Q tag after the action */
	uint8_t epcp;		/* egress: E-PCP for an E-Tag (= pcp) */
	uint8_t insert_vlan;	/* egress: push an 802.1Q tag (vid, pcp) */
	uint8_t set_tci;	/* egress: rewrite the present tag to (vid, pcp) */
	uint8_t strip_vlan;	/* ingress: remove the 802.1Q tag */
	uint8_t pad;
};

/** Verdict: FEX_PASS or a drop reason whose value is its VIF counter. */
enum fex_verdict {
	FEX_PASS = 0,
	FEX_DROP_INACTIVE = FEX_VIF_CNT_DROP_INACTIVE,
	FEX_DROP_MAC_FORGED = FEX_VIF_CNT_DROP_MAC_FORGED,
	FEX_DROP_VLAN = FEX_VIF_CNT_DROP_VLAN,
	FEX_DROP_POLICER = FEX_VIF_CNT_DROP_POLICER,
	FEX_DROP_INGRESS_POLICER = FEX_VIF_CNT_DROP_INGRESS_POLICER,
};

/** true when VIF entry v forwards: associated and its profile enabled. */
static inline bool
fex_policy_active(const struct fex_vif_entry *v, const struct fex_profile_rt *p)
{
	return v->state == FEX_VIF_ASSOCIATED && p->enabled;
}

/**
 * Egress VLAN and CoS rule (no MAC check, no policer): the 802.1Q tag a
 * frame of profile p leaves with. FEX_PASS with *a filled, or
 * FEX_DROP_VLAN. Pure.
 */
static __rte_always_inline enum fex_verdict
fex_policy_egress_vlan(const struct fex_profile_rt *p, const struct fex_pkt_hdr *h,
		       struct fex_pkt_action *a)
{
	uint16_t vid = h->vid;
	uint8_t pcp = h->has_vlan ? h->pcp : 0;
	uint8_t out;

	if (!h->has_vlan || vid == 0) {		/* untagged, priority-tagged */
		if (unlikely(p->native_vlan == 0))
			return FEX_DROP_VLAN;
		vid = p->native_vlan;
	} else if (unlikely(!fex_vlan_test(p->vlans, vid))) {
		return FEX_DROP_VLAN;
	}
	out = p->cos >= 0 ? (uint8_t)p->cos : pcp;
	a->vid = vid;
	a->pcp = out;
	a->epcp = out;
	a->insert_vlan = !h->has_vlan;
	a->set_tci = h->has_vlan & ((vid != h->vid) | (out != pcp));
	a->strip_vlan = 0;
	a->pad = 0;
	return FEX_PASS;
}

/** The egress policer: is a frame (or a burst) of len bytes green?
 *  A profile without a rate always passes, and so does a shaped one
 *  (rate_mode shape: the rate is kept by holding frames back, shaper.h).
 *  Owner worker only. */
static __rte_always_inline bool
fex_policy_egress_meter(const struct fex_profile_rt *p, struct fex_meter *m,
			uint64_t now, uint64_t len)
{
	if (!fex_meter_profile_on(&p->meter) || p->shape)
		return true;
	return len <= UINT32_MAX &&
	       fex_meter_check(m, &p->meter, now, (uint32_t)len) == RTE_COLOR_GREEN;
}

/**
 * The whole egress policy of one frame from VIF entry v (profile p,
 * meter m of the VIF's slot, time now in the db's hz). Fills *a when
 * FEX_PASS. Owner worker only (writes *m).
 */
static __rte_always_inline enum fex_verdict
fex_policy_egress(const struct fex_vif_entry *v, const struct fex_profile_rt *p,
		  struct fex_meter *m, uint64_t now, const struct fex_pkt_hdr *h,
		  struct fex_pkt_action *a)
{
	enum fex_verdict vd;

	if (unlikely(!fex_policy_active(v, p)))
		return FEX_DROP_INACTIVE;
	if (p->mac_deny && unlikely(!fex_mac_eq(h->src, &v->mac)))
		return FEX_DROP_MAC_FORGED;
	vd = fex_policy_egress_vlan(p, h, a);
	if (unlikely(vd != FEX_PASS))
		return vd;
	if (unlikely(!fex_policy_egress_meter(p, m, now, h->len)))
		return FEX_DROP_POLICER;
	return FEX_PASS;
}

/**
 * Ingress VLAN rule (no policer): FEX_PASS with *a filled (vid/pcp as
 * received, strip_vlan), or FEX_DROP_VLAN. Pure.
 */
static __rte_always_inline enum fex_verdict
fex_policy_ingress_vlan(const struct fex_profile_rt *p, const struct fex_pkt_hdr *h,
			struct fex_pkt_action *a)
{
	a->insert_vlan = 0;
	a->set_tci = 0;
	a->pad = 0;
	a->pcp = h->pcp;
	a->epcp = h->pcp;
	if (h->has_vlan && h->vid != 0) {
		if (unlikely(!fex_vlan_test(p->vlans, h->vid)))
			return FEX_DROP_VLAN;
		a->strip_vlan = h->vid == p->native_vlan;
		a->vid = h->vid;
	} else {	/* untagged or priority-tagged: the native VLAN */
		if (unlikely(p->native_vlan == 0))
			return FEX_DROP_VLAN;
		a->strip_vlan = h->has_vlan;
		a->vid = p->native_vlan;
	}
	return FEX_PASS;
}

/** The ingress policer (fabric -> VM), if the profile has one. */
static __rte_always_inline bool
fex_policy_ingress_meter(const struct fex_profile_rt *p, struct fex_meter *m,
			 uint64_t now, uint32_t len)
{
	return !fex_meter_profile_on(&p->ingress_meter) ||
	       fex_meter_check(m, &p->ingress_meter, now, len) == RTE_COLOR_GREEN;
}

/**
 * The whole ingress policy of one frame to VIF entry v (tag already
 * parsed). Fills *a when FEX_PASS. Owner worker only (writes *m).
 */
static __rte_always_inline enum fex_verdict
fex_policy_ingress(const struct fex_vif_entry *v, const struct fex_profile_rt *p,
		   struct fex_meter *m, uint64_t now, const struct fex_pkt_hdr *h,
		   struct fex_pkt_action *a)
{
	enum fex_verdict vd;

	if (unlikely(!fex_policy_active(v, p)))
		return FEX_DROP_INACTIVE;
	vd = fex_policy_ingress_vlan(p, h, a);
	if (unlikely(vd != FEX_PASS))
		return vd;
	if (unlikely(!fex_policy_ingress_meter(p, m, now, h->len)))
		return FEX_DROP_INGRESS_POLICER;
	return FEX_PASS;
}

#endif
