/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM -> fabric: one burst from one vNIC port in, the frames for the
 * uplink out - the port's VIF, MAC check, VLAN and native VLAN, CoS,
 * policer, VIF tag push, uplink MTU, and every counter of that
 * direction (SPEC §3, rules in fex_policy.h).
 *
 * Thread safety: the worker that owns `port`, between its table snapshot
 * (fex_vif_reader_snapshot()) and its quiescent state.
 */
#ifndef FEX_EGRESS_H
#define FEX_EGRESS_H

#include <stdint.h>

#include <rte_mbuf.h>

struct fex_worker;

/*
 * Policy and tag push for n (<= FEX_BURST) frames received on vNIC
 * `port`. Every frame is counted on the port's VIF (rx_packets/rx_bytes:
 * taken from the VM). Returns how many go out; they are moved to the
 * front of pkts, tagged. The others are counted under their drop reason
 * and freed. Nothing is sent.
 */
uint16_t fex_dp_egress(struct fex_worker *w, uint64_t now, uint16_t port,
		       struct rte_mbuf **pkts, uint16_t n);

/*
 * Send the frames the last fex_dp_egress() of this worker returned for
 * `port` (n of them, at the front of pkts): on the uplink (the worker's
 * tx queue), or on the VIF's own VF. Counts what the port took
 * (tx_packets/tx_bytes of the uplink) and what it refused (drop_tx_full
 * of the VIF and of the uplink), once, after the send.
 */
void fex_dp_egress_send(struct fex_worker *w, uint16_t port,
			struct rte_mbuf **pkts, uint16_t n);

#endif
