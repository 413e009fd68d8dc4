/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to drivers/: vhost-user ports on DPDK's vhost library, which
 * fex_port.c opens, closes and lists (port ids FEX_PORT_VHOST_BASE + slot),
 * and the guest-offload finishing that the unit tests call directly.
 * fex_port.h has the fast-path entry points (fex_vhost_rx_burst/_tx_burst). */
#ifndef FEX_VHOST_H
#define FEX_VHOST_H

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_mbuf.h>

#include "fex_port.h"

/* Open slot (0..FEX_VHOST_MAX-1) for a parsed vhost/vhost-server spec:
 * register the socket with the library (client mode reconnects until the
 * guest's QEMU listens), offer the features of ps->offloads, start.
 * conf->nb_rxq lanes. 0 or -errno with a message. Control thread, with
 * fex_port.c's lock held. */
int fex_vhost_open(unsigned int slot, const char *spec,
		   const struct fex_port_spec *ps, const struct fex_port_conf *conf,
		   char *err, size_t errlen);

/* Unregister (a guest still attached is destroyed first, see
 * fex_port_set_grace), free what waits in the lanes. The caller guarantees
 * that nobody polls the port any more. */
void fex_vhost_close(unsigned int slot);

/* Link, queues in use, NUMA socket (the rest of info is fex_port.c's). */
void fex_vhost_info(unsigned int slot, struct fex_port_info *info);
void fex_vhost_stats(unsigned int slot, struct rte_eth_stats *st);
int fex_vhost_link_up(unsigned int slot);
void fex_vhost_set_grace(void (*wait)(void *arg), void *arg);

/* Finish one frame as the vhost library dequeued it (offload requests in
 * ol_flags, legacy form: RTE_MBUF_F_TX_{IPV4,IPV6,TCP_CKSUM,UDP_CKSUM,
 * TCP_SEG}, l2/l3/l4_len, tso_segsz): a TSO frame is cut into segments of
 * at most the guest's MSS and at most frame_max bytes (0: no limit), each
 * with its IPv4 and TCP checksums; a partial checksum is completed. The
 * frames ready for the wire go to out (cap slots), no offload flag left.
 * Returns how many (m itself when 1 and not cut), or -ENOMEM (no mbuf for
 * a segment), -ENOSPC (more segments than cap), -EPROTO (an offload it
 * cannot finish: UFO, SCTP, headers it cannot find); on error m is still
 * the caller's. TSO over IPv4 is cut by rte_gso (segments share m's
 * payload by reference), over IPv6 by copy (rte_gso has no IPv6). */
int fex_vhost_finish(struct rte_mbuf *m, struct rte_gso_ctx *gso,
		     uint32_t frame_max, struct rte_mbuf **out, uint16_t cap);

#endif
