/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fabric -> VM: a burst from the uplink in, each frame parsed once,
 * unicast or flooded to a VIF list, routed to the owner worker or
 * delivered here through the VIF's ingress policy (VLAN, native VLAN
 * strip, ingress policer) into the vNIC ports' tx buffers, and every
 * counter of that direction (SPEC §3, rules in fex_policy.h).
 *
 * Thread safety: worker w's own thread, between its table snapshot and
 * its quiescent state.
 */
#ifndef FEX_INGRESS_H
#define FEX_INGRESS_H

#include <stdint.h>

#include <rte_mbuf.h>

struct fex_worker;

/* n frames from the uplink: every frame ends in a vNIC port's tx buffer
 * (w->txbuf, sent by fex_dp_ingress_flush()), in a hand-off ring to the
 * worker that owns its port, or counted under a drop reason and freed. */
void fex_dp_ingress(struct fex_worker *w, uint64_t now, struct rte_mbuf **pkts,
		    uint16_t n);

/* n frames another worker handed to this one (VIF tag already removed,
 * the parse result in the mbuf): re-resolved with this worker's snapshot,
 * then delivered or counted as drop_stale. */
void fex_dp_ingress_handoff(struct fex_worker *w, uint64_t now,
			    struct rte_mbuf **pkts, uint16_t n);

/* n frames a VIF's own VF received (the adapter removed the tag): for
 * VIF `vif` alone, through the same ingress policy. */
void fex_dp_ingress_vf(struct fex_worker *w, uint64_t now, uint16_t vif,
		       struct rte_mbuf **pkts, uint16_t n);

/* Send what waits in the tx buffers. Counts what each port took
 * (tx_packets/tx_bytes of the VIF) once, after the send. What a port
 * refuses stays for the next flushes; once it waited FEX_TX_HOLD_US with
 * the port taking nothing it is dropped (drop_tx_full, once), and so is
 * a frame that finds its port's buffer still full. */
void fex_dp_ingress_flush(struct fex_worker *w);

/* Free what still waits in the tx buffers (shutdown); how many. */
uint64_t fex_dp_ingress_drain(struct fex_worker *w);

#endif
