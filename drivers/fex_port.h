/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports: a spec string (SPEC §4) in, a configured and started ethdev
 * port out, and back again at run time (hot-plug).
 *
 *   vhost:PATH[,offloads=M]    vhost-user, fexpath is the client
 *   vhost-server:PATH[,...]    vhost-user, fexpath listens on PATH
 *                              M: full (checksum + TSO, the default),
 *                              csum, none: what the guest is offered
 *   pci:BDF                    PF or VF bound to vfio-pci ([DDDD:]BB:DD.F)
 *   af_packet:IFACE            an existing kernel interface
 *   tap:NAME                   a tap interface created by the driver
 *   memif:PATH[,server]        memif, client unless ",server"
 *   pcap:rx=FILE[,tx=FILE][,infinite] or pcap:tx=FILE
 *   ring:NAME                  one end of an in-process pipe: the first
 *                              open of NAME and the second exchange frames
 *   null  null:rx              sink; ":rx" also generates 64 B frames
 *
 * Thread safety: fex_port_spec_parse() and fex_port_pci_check() are pure
 * and reentrant. fex_port_rx() and fex_port_tx() are the fast path: one
 * thread at a time per port and queue. Every other function takes one
 * internal mutex and may be called from any thread after rte_eal_init()
 * (control thread, main); none of them is for the fast path.
 *
 * Implemented in fex_port_spec.c (fex_port_spec_parse, fex_port_pci_check,
 * fex_port_kind_name: no EAL), fex_port.c (every other function: the
 * open ports, their table and lock) and fex_vhost.c (vhost-user ports on
 * the vhost library, guest offloads).
 */
#ifndef FEX_PORT_H
#define FEX_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_ethdev.h>

struct rte_mempool;

#define FEX_PORT_SPEC_MAX 511	/* longest spec string, bytes (the one limit) */
#define FEX_PORT_SPEC_LEN (FEX_PORT_SPEC_MAX + 1)
#define FEX_PORT_ARG_LEN 256	/* longest PATH/FILE/IFACE/NAME + NUL */
#define FEX_PORT_SOCK_LEN 108	/* unix socket paths (vhost, memif) */
#define FEX_PORT_IFNAME_LEN 16	/* IFNAMSIZ: af_packet, tap */
#define FEX_PORT_RING_LEN 21	/* ring:NAME; rte_ring names are short */
/* Port ids: an ethdev port keeps its ethdev id (< RTE_MAX_ETHPORTS); a
 * vhost-user port is not an ethdev (the vhost library, fex_vhost.c) and
 * takes an id from FEX_PORT_VHOST_BASE up, so RTE_MAX_ETHPORTS does not
 * bound the vNICs (SPEC §4: at least 256). */
#define FEX_PORT_VHOST_BASE RTE_MAX_ETHPORTS
#define FEX_PORT_MAX 1024
#define FEX_VHOST_MAX (FEX_PORT_MAX - FEX_PORT_VHOST_BASE)

enum fex_vhost_offloads {
	FEX_VHOST_OFFLOADS_FULL,	/* checksum + TSO (v4), finished here */
	FEX_VHOST_OFFLOADS_CSUM,	/* partial checksums only */
	FEX_VHOST_OFFLOADS_NONE,	/* the guest finishes every frame */
};

enum fex_port_kind {
	FEX_PORT_VHOST,
	FEX_PORT_VHOST_SERVER,
	FEX_PORT_PCI,
	FEX_PORT_AF_PACKET,
	FEX_PORT_TAP,
	FEX_PORT_MEMIF,
	FEX_PORT_PCAP,
	FEX_PORT_RING,
	FEX_PORT_NULL,
	FEX_PORT_KIND_MAX,
};

struct fex_port_spec {
	enum fex_port_kind kind;
	char arg[FEX_PORT_ARG_LEN];	/* PATH, BDF (full form), IFACE, NAME, pcap rx FILE */
	char tx[FEX_PORT_ARG_LEN];	/* pcap tx FILE, "" = none */
	bool server;			/* memif: listen on PATH */
	bool infinite;			/* pcap: replay rx FILE forever */
	bool generate;			/* null: rx returns frames */
	uint8_t offloads;		/* vhost: enum fex_vhost_offloads */
};

struct fex_port_conf {
	uint16_t nb_rxq;		/* >= 1 */
	uint16_t nb_txq;		/* >= 1 */
	uint16_t nb_rxd;		/* 0: 1024 (adjusted to the device limits) */
	uint16_t nb_txd;		/* 0: 1024 (adjusted to the device limits) */
	bool clamp_queues;		/* true: fewer queues than asked is fine */
	struct rte_mempool *pool;	/* used when pools[socket] is NULL */
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES]; /* optional, per socket */
	uint32_t frame_max;		/* vhost: longest frame handed over (TSO
					 * segments are cut to fit); 0 = guest's MSS */
};

struct fex_port_info {
	uint16_t port_id;
	enum fex_port_kind kind;
	char spec[FEX_PORT_SPEC_LEN];
	char name[64];			/* ethdev / device name */
	uint16_t nb_rxq;		/* as configured (after clamping) */
	uint16_t nb_txq;
	uint16_t nb_rxd;
	uint16_t nb_txd;
	int socket_id;			/* NUMA socket the pool came from */
	bool link_up;
	uint32_t link_speed;		/* Mbps, RTE_ETH_SPEED_NUM_* */
	uint32_t mtu;			/* largest L2 payload it carries; 0 = no limit */
};

/* Parse a spec string. Pure: no EAL. Returns 0 or -EINVAL with a message
 * in err naming the wrong part and the allowed forms. */
int fex_port_spec_parse(const char *spec, struct fex_port_spec *out,
			char *err, size_t errlen);

/* Is the PCI device BDF (full form) usable by DPDK: present, bound to
 * vfio-pci, and vfio present? root prefixes /sys and /dev ("" for the
 * real ones; a directory for tests). Returns 0, -ENODEV or -EPERM
 * with the fix in err. Pure: no EAL. */
int fex_port_pci_check(const char *root, const char *bdf, char *err,
		       size_t errlen);

/* Probe the device of spec (hot-plug), configure nb_rxq/nb_txq queues
 * with the pool of the device's NUMA socket, start it, turn promiscuous
 * mode on. Returns 0 and *port_id, or -errno with a message in err.
 * fex_port_info_get() tells the queue counts actually configured. */
int fex_port_open(const char *spec, const struct fex_port_conf *conf,
		  uint16_t *port_id, char *err, size_t errlen);

/* Stop, close and remove the device of a port opened by fex_port_open(),
 * so the same spec can be opened again. The caller guarantees that no
 * thread polls the port any more. Other ports keep forwarding.
 * Returns 0 or -ENOENT (not a port of ours). */
int fex_port_close(uint16_t port_id);

/* Close every port opened by fex_port_open() (shutdown). */
void fex_port_close_all(void);

/* One open port; link state read now (no wait). 0 or -ENOENT. */
int fex_port_info_get(uint16_t port_id, struct fex_port_info *info);

/* Up to max open ports into out, by port id; returns how many are open
 * (may be more than max). */
unsigned int fex_port_list(struct fex_port_info *out, unsigned int max);

/* Copy the spec a port was opened with. 0, -ENOENT or -ENOSPC. */
int fex_port_spec_get(uint16_t port_id, char *buf, size_t len);

/* Port id of an open spec (exact string), or -ENOENT. */
int fex_port_find(const char *spec);

/* "vhost", "vhost-server", "pci", ...: the spec prefix; "?" if unknown. */
const char *fex_port_kind_name(enum fex_port_kind kind);

/* Set a port's MTU (largest L2 payload): on the interface for af_packet
 * (the PMD would cap it at its ring slot), through ethdev for tap and
 * pci; ports with no wire (pcap, ring, null, memif, vhost) just remember
 * it as their limit. 0 or -errno with a message. fex_port_info_get()
 * tells the MTU in force. */
int fex_port_mtu_set(uint16_t port_id, uint16_t mtu, char *err, size_t errlen);

/* Link state now, no wait: 1 up, 0 down, -errno. For vhost: a guest
 * driver is attached. */
int fex_port_link_up(uint16_t port_id);

/* A port's counters in ethdev's shape (vhost ports keep their own:
 * ipackets/ibytes what the guest sent, opackets/obytes what it took,
 * rx_nombuf frames lost for want of an mbuf, ierrors guest frames whose
 * offload could not be finished). 0 or -ENOENT. */
int fex_port_stats_get(uint16_t port_id, struct rte_eth_stats *st);

/* How to wait for the pollers of vhost ports to pass a quiescent state
 * (lib/dp gives its RCU grace period): a guest that goes away
 * (destroy_device, on the vhost library's thread) is unpublished, then
 * wait(arg) runs, so no poller is inside the device when the library
 * frees it. Without one (NULL), the caller guarantees nobody polls a vhost
 * port whose guest may leave. Call while no guest is attached. */
void fex_port_set_grace(void (*wait)(void *arg), void *arg);

/* ---- fast path ---- */

uint16_t fex_vhost_rx_burst(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts,
			    uint16_t n);
uint16_t fex_vhost_tx_burst(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts,
			    uint16_t n);

/* Up to n frames from queue q of a port. vhost: q is a lane (the guest's
 * queue pairs are shared among the nb_rxq lanes); what the guest's
 * offloads left unfinished (partial checksum, TSO) is finished, each
 * frame ready for the wire. */
static inline uint16_t
fex_port_rx(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	if (likely(port_id < FEX_PORT_VHOST_BASE))
		return rte_eth_rx_burst(port_id, q, pkts, n);
	return fex_vhost_rx_burst(port_id, q, pkts, n);
}

/* Send up to n frames; returns how many the port took (and now owns);
 * the rest stay the caller's. */
static inline uint16_t
fex_port_tx(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	if (likely(port_id < FEX_PORT_VHOST_BASE))
		return rte_eth_tx_burst(port_id, q, pkts, n);
	return fex_vhost_tx_burst(port_id, q, pkts, n);
}

#endif
