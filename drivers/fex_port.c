/* SPDX-License-Identifier: BSD-3-Clause */
/* The open ports: a parsed spec probed (hot-plug), configured and
 * started as an ethdev port, or registered with the vhost library
 * (fex_vhost.c, ids from FEX_PORT_VHOST_BASE); the table of open ports
 * and its lock; close, list, info, link, stats and MTU; the ring:NAME
 * pairs. Specs are parsed and checked in fex_port_spec.c. See
 * fex_port.h. */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bsd/string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fex_port.h"
#include "fex_port_priv.h"
#include "fex_vhost.h"

RTE_LOG_REGISTER(fex_logtype_port, fex.port, INFO);
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_port, "port: " fmt "\n", ##__VA_ARGS__)

#define DEFAULT_DESC 1024

/* ---- the table of open ports ---- */

struct port_ent {
	bool used;
	struct fex_port_spec ps;
	char spec[FEX_PORT_SPEC_LEN];
	char name[64];
	uint16_t nb_rxq, nb_txq, nb_rxd, nb_txd;
	int socket_id;
	int ring_side;			/* ring: 0 or 1 */
	uint16_t mtu_set;		/* fex_port_mtu_set() on a port with no MTU of its own */
};

/* ring:NAME is two rings per queue, a->b and b->a; side 0 receives on
 * "a", side 1 on "b". The pair lives while either side is open. */
struct ring_pair {
	char name[FEX_PORT_RING_LEN];
	unsigned int nb;
	struct rte_ring *r[2][RTE_PMD_RING_MAX_RX_RINGS];
	bool side_open[2];
};

static pthread_mutex_t port_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port_ent ports[FEX_PORT_MAX];
static struct ring_pair rings[RTE_MAX_ETHPORTS];
static unsigned int dev_seq;

static inline bool
is_vhost(enum fex_port_kind kind)
{
	return kind == FEX_PORT_VHOST || kind == FEX_PORT_VHOST_SERVER;
}

/* vhost ports are not ethdevs: their own ids, their own limit */
static int
open_vhost_locked(const char *spec, const struct fex_port_spec *ps,
		  const struct fex_port_conf *conf, struct port_ent *e,
		  uint16_t *port_id, char *err, size_t errlen)
{
	unsigned int id;
	int rc;

	for (id = FEX_PORT_VHOST_BASE; id < FEX_PORT_MAX; id++)
		if (!ports[id].used)
			break;
	if (id == FEX_PORT_MAX)
		return fex_fail(-ENOSPC, err, errlen,
				     "%s: all %d vhost ports of fexpath (FEX_VHOST_MAX) are open; close one first",
				     spec, FEX_VHOST_MAX);
	rc = fex_vhost_open(id - FEX_PORT_VHOST_BASE, spec, ps, conf, err, errlen);
	if (rc < 0)
		return rc;
	snprintf(e->name, sizeof(e->name), "vhost%u", id - FEX_PORT_VHOST_BASE);
	e->nb_rxq = (uint16_t)RTE_MAX(1, conf->nb_rxq);
	e->nb_txq = (uint16_t)RTE_MAX(1, conf->nb_txq);
	e->socket_id = -1;
	e->used = true;
	ports[id] = *e;
	*port_id = (uint16_t)id;
	return 0;
}

static struct ring_pair *
ring_pair_find_locked(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(rings); i++)
		if (rings[i].nb > 0 && strcmp(rings[i].name, name) == 0)
			return &rings[i];
	return NULL;
}

static void
ring_pair_free_locked(struct ring_pair *rp)
{
	struct rte_mbuf *m;
	unsigned int d, q;

	for (d = 0; d < 2; d++)
		for (q = 0; q < rp->nb; q++) {
			if (rp->r[d][q] == NULL)
				continue;
			while (rte_ring_dequeue(rp->r[d][q], (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(rp->r[d][q]);
		}
	memset(rp, 0, sizeof(*rp));
}

/* Take a free side of ring pair name, creating it with nb rings of
 * size slots each way. */
static int
ring_pair_get_locked(const char *name, unsigned int nb, unsigned int size,
		     int socket, struct ring_pair **rpp, int *side,
		     char *err, size_t errlen)
{
	struct ring_pair *rp = ring_pair_find_locked(name);
	char rname[RTE_RING_NAMESIZE];
	unsigned int i, d, q;

	if (rp != NULL) {
		if (rp->side_open[0] && rp->side_open[1])
			return fex_fail(-EBUSY, err, errlen,
					     "ring:%s already has both ends open; a ring has two ends", name);
		*side = rp->side_open[0] ? 1 : 0;
		rp->side_open[*side] = true;
		*rpp = rp;
		return 0;
	}
	for (i = 0; i < RTE_DIM(rings); i++)
		if (rings[i].nb == 0)
			break;
	if (i == RTE_DIM(rings))
		return fex_fail(-ENOSPC, err, errlen, "ring:%s: too many rings", name);
	rp = &rings[i];
	strlcpy(rp->name, name, sizeof(rp->name));
	for (d = 0; d < 2; d++)
		for (q = 0; q < nb; q++) {
			snprintf(rname, sizeof(rname), "fx%c%u_%.20s", 'a' + d, q, name);
			rp->r[d][q] = rte_ring_create(rname, size, socket,
						      RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (rp->r[d][q] == NULL) {
				int rc = -rte_errno;

				rp->nb = nb;
				ring_pair_free_locked(rp);
				return fex_fail(rc, err, errlen, "ring:%s: cannot create ring %s: %s",
						     name, rname, rte_strerror(-rc));
			}
		}
	rp->nb = nb;
	rp->side_open[0] = true;
	*side = 0;
	*rpp = rp;
	return 0;
}

static void
ring_pair_put_locked(const char *name, int side)
{
	struct ring_pair *rp = ring_pair_find_locked(name);

	if (rp == NULL)
		return;
	rp->side_open[side] = false;
	if (!rp->side_open[0] && !rp->side_open[1])
		ring_pair_free_locked(rp);
}

/* Is a port with the same device already open? ring and null may repeat. */
static int
find_dup_locked(const struct fex_port_spec *ps)
{
	unsigned int i;

	if (ps->kind == FEX_PORT_RING || ps->kind == FEX_PORT_NULL)
		return -1;
	for (i = 0; i < RTE_DIM(ports); i++) {
		const struct fex_port_spec *o = &ports[i].ps;

		if (!ports[i].used)
			continue;
		if (ps->kind == FEX_PORT_PCAP && o->kind == FEX_PORT_PCAP) {
			if (ps->tx[0] != '\0' && strcmp(ps->tx, o->tx) == 0)
				return (int)i;
			continue;
		}
		if ((o->kind == FEX_PORT_VHOST || o->kind == FEX_PORT_VHOST_SERVER) &&
		    (ps->kind == FEX_PORT_VHOST || ps->kind == FEX_PORT_VHOST_SERVER) &&
		    strcmp(ps->arg, o->arg) == 0)
			return (int)i;
		if (o->kind == ps->kind && strcmp(ps->arg, o->arg) == 0)
			return (int)i;
	}
	return -1;
}

static struct rte_device *
port_device(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) != 0)
		return NULL;
	return info.device;
}

/* Undo a probe: close the port if it exists and remove its device. */
static void
unprobe(const char *name)
{
	struct rte_device *dev;
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(name, &pid) != 0)
		return;
	dev = port_device(pid);
	rte_eth_dev_close(pid);
	if (dev != NULL)
		rte_dev_remove(dev);
}

static struct rte_mempool *
pick_pool(const struct fex_port_conf *conf, int socket)
{
	if (socket >= 0 && socket < RTE_MAX_NUMA_NODES && conf->pools[socket] != NULL)
		return conf->pools[socket];
	if (conf->pool != NULL)
		return conf->pool;
	for (socket = 0; socket < RTE_MAX_NUMA_NODES; socket++)
		if (conf->pools[socket] != NULL)
			return conf->pools[socket];
	return NULL;
}

/* Configure queues, start, promiscuous on; fills e's counts. */
static int
port_setup(const char *spec, uint16_t pid, const struct fex_port_conf *conf,
	   struct port_ent *e, char *err, size_t errlen)
{
	struct rte_eth_conf pconf;
	struct rte_eth_dev_info info;
	struct rte_mempool *mp;
	uint16_t nrxq = conf->nb_rxq, ntxq = conf->nb_txq;
	uint16_t nrxd = conf->nb_rxd ? conf->nb_rxd : DEFAULT_DESC;
	uint16_t ntxd = conf->nb_txd ? conf->nb_txd : DEFAULT_DESC;
	int socket, rc;
	uint16_t q;

	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0)
		return fex_fail(rc, err, errlen, "%s: cannot read device info: %s", spec,
				     rte_strerror(-rc));
	if (nrxq > info.max_rx_queues || ntxq > info.max_tx_queues) {
		if (!conf->clamp_queues)
			return fex_fail(-EINVAL, err, errlen,
					     "%s: device has at most %u rx and %u tx queues, %u and %u asked; ask fewer or allow clamping",
					     spec, info.max_rx_queues, info.max_tx_queues, nrxq, ntxq);
		nrxq = RTE_MIN(nrxq, info.max_rx_queues);
		ntxq = RTE_MIN(ntxq, info.max_tx_queues);
		PORT_LOG(WARNING, "%s: clamped to %u rx and %u tx queues (device maximum)",
			 spec, nrxq, ntxq);
	}
	memset(&pconf, 0, sizeof(pconf));
	if (nrxq > 1 && info.flow_type_rss_offloads != 0) {
		pconf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		pconf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		pconf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(pid, nrxq, ntxq, &pconf);
	if (rc != 0)
		return fex_fail(rc, err, errlen, "%s: cannot configure %u rx / %u tx queues: %s",
				     spec, nrxq, ntxq, rte_strerror(-rc));
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrxd, &ntxd);
	if (rc != 0)
		return fex_fail(rc, err, errlen, "%s: cannot fit %u/%u descriptors: %s", spec,
				     nrxd, ntxd, rte_strerror(-rc));
	socket = rte_eth_dev_socket_id(pid);
	if (socket < 0)
		socket = (int)rte_socket_id();
	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES)
		socket = 0;
	mp = pick_pool(conf, socket);
	if (mp == NULL)
		return fex_fail(-EINVAL, err, errlen, "%s: no mbuf pool given", spec);
	for (q = 0; q < nrxq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nrxd, socket, NULL, mp);
		if (rc != 0)
			return fex_fail(rc, err, errlen, "%s: rx queue %u: %s", spec, q,
					     rte_strerror(-rc));
	}
	for (q = 0; q < ntxq; q++) {
		rc = rte_eth_tx_queue_setup(pid, q, ntxd, socket, NULL);
		if (rc != 0)
			return fex_fail(rc, err, errlen, "%s: tx queue %u: %s", spec, q,
					     rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(pid);
	if (rc != 0)
		return fex_fail(rc, err, errlen, "%s: cannot start: %s", spec, rte_strerror(-rc));
	rc = rte_eth_promiscuous_enable(pid);
	if (rc != 0 && rc != -ENOTSUP)
		PORT_LOG(WARNING, "%s: promiscuous mode not enabled: %s", spec,
			 rte_strerror(-rc));
	e->nb_rxq = nrxq;
	e->nb_txq = ntxq;
	e->nb_rxd = nrxd;
	e->nb_txd = ntxd;
	e->socket_id = socket;
	return 0;
}

static unsigned int
pow2_at_least(unsigned int v)
{
	unsigned int p = 64;

	while (p < v && p < (1u << 16))
		p <<= 1;
	return p;
}

static int
open_ring_locked(const char *spec, const struct fex_port_spec *ps,
		 const struct fex_port_conf *conf, unsigned int seq, char *name,
		 size_t nlen, int *side, char *err, size_t errlen)
{
	struct ring_pair *rp = NULL;
	unsigned int nb = RTE_MAX(conf->nb_rxq, conf->nb_txq);
	unsigned int size = pow2_at_least(RTE_MAX(conf->nb_rxd, conf->nb_txd) ?
					  RTE_MAX(conf->nb_rxd, conf->nb_txd) : DEFAULT_DESC);
	char short_name[32];
	int socket = (int)rte_socket_id();
	int rc;

	if (socket < 0)
		socket = SOCKET_ID_ANY;
	nb = RTE_MIN(nb, (unsigned int)RTE_PMD_RING_MAX_RX_RINGS);
	rc = ring_pair_get_locked(ps->arg, nb, size, socket, &rp, side, err, errlen);
	if (rc < 0)
		return rc;
	snprintf(short_name, sizeof(short_name), "fex%u", seq);
	snprintf(name, nlen, "net_ring_%s", short_name);
	rc = rte_eth_from_rings(short_name, rp->r[*side], rp->nb, rp->r[!*side], rp->nb,
				socket < 0 ? 0 : (unsigned int)socket);
	if (rc < 0) {
		rc = -rte_errno;
		ring_pair_put_locked(ps->arg, *side);
		return fex_fail(rc, err, errlen, "%s: cannot create the ring port: %s", spec,
				     rte_strerror(-rc));
	}
	return 0;
}

int
fex_port_open(const char *spec, const struct fex_port_conf *conf,
	      uint16_t *port_id, char *err, size_t errlen)
{
	struct fex_port_spec ps;
	struct port_ent e;
	char devargs[FEX_PORT_SPEC_LEN + 128];
	char args[FEX_PORT_SPEC_LEN + 64];
	uint16_t pid;
	unsigned int seq;
	int rc, dup;

	rc = fex_port_spec_parse(spec, &ps, err, errlen);
	if (rc < 0)
		return rc;
	if (conf == NULL || conf->nb_rxq == 0 || conf->nb_txq == 0)
		return fex_fail(-EINVAL, err, errlen, "%s: need at least 1 rx and 1 tx queue", spec);
	if (pick_pool(conf, 0) == NULL)
		return fex_fail(-EINVAL, err, errlen, "%s: no mbuf pool given", spec);
	memset(&e, 0, sizeof(e));
	e.ps = ps;
	snprintf(e.spec, sizeof(e.spec), "%s", spec);

	pthread_mutex_lock(&port_lock);
	dup = find_dup_locked(&ps);
	if (dup >= 0) {
		rc = fex_fail(-EEXIST, err, errlen, "%s: already open as port %d ('%s')", spec,
				   dup, ports[dup].spec);
		goto out_unlock;
	}
	rc = fex_port_precheck(spec, &ps, err, errlen);
	if (rc < 0)
		goto out_unlock;
	if (is_vhost(ps.kind)) {
		rc = open_vhost_locked(spec, &ps, conf, &e, port_id, err, errlen);
		if (rc < 0)
			goto out_unlock;
		PORT_LOG(INFO, "%s: port %u (%s, vhost library)", spec, *port_id, e.name);
		pthread_mutex_unlock(&port_lock);
		return 0;
	}
	/* Checked here: past the limit the drivers only say "Operation not
	 * permitted" (the EAL log has "Reached maximum number of Ethernet
	 * ports"). */
	if (rte_eth_dev_count_total() >= RTE_MAX_ETHPORTS) {
		rc = fex_fail(-ENOSPC, err, errlen,
				   "%s: no free ethdev port: all %d of this DPDK build (RTE_MAX_ETHPORTS) are in use; close a port first",
				   spec, RTE_MAX_ETHPORTS);
		goto out_unlock;
	}
	seq = dev_seq++;
	if (ps.kind == FEX_PORT_RING) {
		rc = open_ring_locked(spec, &ps, conf, seq, e.name, sizeof(e.name),
				      &e.ring_side, err, errlen);
		if (rc < 0)
			goto out_unlock;
	} else if (ps.kind == FEX_PORT_PCI) {
		strlcpy(e.name, ps.arg, sizeof(e.name));
		rc = rte_dev_probe(ps.arg);
		if (rc < 0 && rc != -EEXIST) {
			rc = fex_fail(rc, err, errlen,
					   "%s: probe failed: %s (is EAL started with --no-pci or a block list? see the EAL log)",
					   spec, rte_strerror(-rc));
			goto out_unlock;
		}
	} else {
		fex_port_vdev_args(&ps, seq, RTE_MAX(conf->nb_rxq, conf->nb_txq),
				   e.name, sizeof(e.name), args, sizeof(args));
		snprintf(devargs, sizeof(devargs), "%s%s%s", e.name, args[0] ? "," : "", args);
		rc = rte_dev_probe(devargs);
		if (rc < 0) {
			rc = fex_fail(rc, err, errlen, "%s: cannot create %s: %s (see the driver log)",
					   spec, devargs, rte_strerror(-rc));
			goto out_unlock;
		}
	}
	if (rte_eth_dev_get_port_by_name(e.name, &pid) != 0) {
		rc = fex_fail(-ENODEV, err, errlen, "%s: device %s has no ethdev port", spec, e.name);
		goto out_unprobe;
	}
	rc = port_setup(spec, pid, conf, &e, err, errlen);
	if (rc < 0)
		goto out_unprobe;
	e.used = true;
	ports[pid] = e;
	*port_id = pid;
	PORT_LOG(INFO, "%s: port %u (%s) up with %u rx / %u tx queues on socket %d",
		 spec, pid, e.name, e.nb_rxq, e.nb_txq, e.socket_id);
	pthread_mutex_unlock(&port_lock);
	return 0;

out_unprobe:
	unprobe(e.name);
	if (ps.kind == FEX_PORT_RING)
		ring_pair_put_locked(ps.arg, e.ring_side);
out_unlock:
	pthread_mutex_unlock(&port_lock);
	PORT_LOG(ERR, "%s", err != NULL && errlen > 0 ? err : spec);
	return rc;
}

static int
close_locked(uint16_t port_id)
{
	struct port_ent *e;
	struct rte_device *dev;
	int rc;

	if (port_id >= RTE_DIM(ports) || !ports[port_id].used)
		return -ENOENT;
	e = &ports[port_id];
	if (is_vhost(e->ps.kind)) {
		fex_vhost_close(port_id - FEX_PORT_VHOST_BASE);
		PORT_LOG(INFO, "%s: port %u closed", e->spec, port_id);
		memset(e, 0, sizeof(*e));
		return 0;
	}
	dev = port_device(port_id);
	rc = rte_eth_dev_stop(port_id);
	if (rc != 0)
		PORT_LOG(WARNING, "%s: stop: %s", e->spec, rte_strerror(-rc));
	rc = rte_eth_dev_close(port_id);
	if (rc != 0)
		PORT_LOG(WARNING, "%s: close: %s", e->spec, rte_strerror(-rc));
	if (dev != NULL) {
		rc = rte_dev_remove(dev);
		if (rc != 0)
			PORT_LOG(WARNING, "%s: remove %s: %s", e->spec, e->name,
				 rte_strerror(-rc));
	}
	if (e->ps.kind == FEX_PORT_RING)
		ring_pair_put_locked(e->ps.arg, e->ring_side);
	PORT_LOG(INFO, "%s: port %u closed", e->spec, port_id);
	memset(e, 0, sizeof(*e));
	return 0;
}

int
fex_port_close(uint16_t port_id)
{
	int rc;

	pthread_mutex_lock(&port_lock);
	rc = close_locked(port_id);
	pthread_mutex_unlock(&port_lock);
	return rc;
}

void
fex_port_close_all(void)
{
	uint16_t i;

	pthread_mutex_lock(&port_lock);
	for (i = 0; i < RTE_DIM(ports); i++)
		if (ports[i].used)
			close_locked(i);
	pthread_mutex_unlock(&port_lock);
}

/* ---- MTU ---- */

/* The af_packet PMD's own bound (its mtu_set): a frame must fit one slot
 * of the mmap ring, 2048 B by default (framesz), less the tpacket2 header
 * (TPACKET2_HDRLEN = 52). */
#define AF_PACKET_MTU_MAX (2048 - 52)

static int
iface_mtu_ioctl(const char *ifname, unsigned long req, int *mtu)
{
	struct ifreq ifr;
	int s, rc = 0;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_mtu = *mtu;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return -errno;
	if (ioctl(s, req, &ifr) < 0)
		rc = -errno;
	else
		*mtu = ifr.ifr_mtu;
	close(s);
	return rc;
}

static uint32_t
mtu_get_locked(uint16_t pid)
{
	const struct port_ent *e = &ports[pid];
	uint16_t mtu = 0;
	int kmtu = 0;

	switch (e->ps.kind) {
	case FEX_PORT_AF_PACKET:
		/* The kernel interface is the wire; the PMD never asks it. */
		if (iface_mtu_ioctl(e->ps.arg, SIOCGIFMTU, &kmtu) < 0)
			return 0;
		return (uint32_t)RTE_MIN(kmtu, AF_PACKET_MTU_MAX);
	case FEX_PORT_TAP:
		if (iface_mtu_ioctl(e->ps.arg, SIOCGIFMTU, &kmtu) < 0)
			return 0;
		return (uint32_t)kmtu;
	case FEX_PORT_PCI:
		return rte_eth_dev_get_mtu(pid, &mtu) == 0 ? mtu : 0;
	default:
		/* Software ports (pcap, ring, null, memif, vhost) carry any
		 * length; only a limit asked for applies. */
		return e->mtu_set;
	}
}

int
fex_port_mtu_set(uint16_t port_id, uint16_t mtu, char *err, size_t errlen)
{
	struct port_ent *e;
	int rc = 0, kmtu = mtu;

	pthread_mutex_lock(&port_lock);
	if (port_id >= RTE_DIM(ports) || !ports[port_id].used) {
		pthread_mutex_unlock(&port_lock);
		return fex_fail(-ENOENT, err, errlen, "port %u is not open", port_id);
	}
	e = &ports[port_id];
	switch (e->ps.kind) {
	case FEX_PORT_AF_PACKET:
		/* Set on the interface itself: the PMD refuses anything above
		 * its ring slot, even where the interface is the limit. */
		rc = iface_mtu_ioctl(e->ps.arg, SIOCSIFMTU, &kmtu);
		if (rc < 0) {
			fex_fail(rc, err, errlen, "%s: cannot set the MTU of %s to %u: %s",
				      e->spec, e->ps.arg, mtu, strerror(-rc));
			break;
		}
		if (mtu > AF_PACKET_MTU_MAX)
			PORT_LOG(NOTICE, "%s: MTU %u set on %s; af_packet carries frames of up to %u B of payload (its 2048 B ring slots)",
				 e->spec, mtu, e->ps.arg, AF_PACKET_MTU_MAX);
		break;
	case FEX_PORT_TAP:
	case FEX_PORT_PCI:
		rc = rte_eth_dev_set_mtu(port_id, mtu);
		if (rc < 0)
			fex_fail(rc, err, errlen, "%s: cannot set MTU %u: %s", e->spec, mtu,
				      rte_strerror(-rc));
		break;
	default:
		/* Nothing on a wire to set: the limit is fexpath's own. */
		e->mtu_set = mtu;
		break;
	}
	pthread_mutex_unlock(&port_lock);
	if (rc == 0)
		PORT_LOG(INFO, "%s: MTU %u", ports[port_id].spec, mtu);
	return rc;
}

static void
info_fill_locked(uint16_t pid, struct fex_port_info *info)
{
	const struct port_ent *e = &ports[pid];
	struct rte_eth_link link;

	memset(info, 0, sizeof(*info));
	info->port_id = pid;
	info->kind = e->ps.kind;
	snprintf(info->spec, sizeof(info->spec), "%s", e->spec);
	snprintf(info->name, sizeof(info->name), "%s", e->name);
	info->nb_rxq = e->nb_rxq;
	info->nb_txq = e->nb_txq;
	info->nb_rxd = e->nb_rxd;
	info->nb_txd = e->nb_txd;
	info->socket_id = e->socket_id;
	info->mtu = mtu_get_locked(pid);
	if (is_vhost(e->ps.kind))
		fex_vhost_info(pid - FEX_PORT_VHOST_BASE, info);
	else if (rte_eth_link_get_nowait(pid, &link) == 0) {
		info->link_up = link.link_status == RTE_ETH_LINK_UP;
		info->link_speed = link.link_speed;
	}
}

int
fex_port_info_get(uint16_t port_id, struct fex_port_info *info)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&port_lock);
	if (port_id < RTE_DIM(ports) && ports[port_id].used) {
		info_fill_locked(port_id, info);
		rc = 0;
	}
	pthread_mutex_unlock(&port_lock);
	return rc;
}

unsigned int
fex_port_list(struct fex_port_info *out, unsigned int max)
{
	unsigned int n = 0;
	uint16_t i;

	pthread_mutex_lock(&port_lock);
	for (i = 0; i < RTE_DIM(ports); i++) {
		if (!ports[i].used)
			continue;
		if (n < max)
			info_fill_locked(i, &out[n]);
		n++;
	}
	pthread_mutex_unlock(&port_lock);
	return n;
}

int
fex_port_spec_get(uint16_t port_id, char *buf, size_t len)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&port_lock);
	if (port_id < RTE_DIM(ports) && ports[port_id].used)
		rc = (size_t)snprintf(buf, len, "%s", ports[port_id].spec) < len ? 0 : -ENOSPC;
	pthread_mutex_unlock(&port_lock);
	return rc;
}

int
fex_port_find(const char *spec)
{
	int rc = -ENOENT;
	uint16_t i;

	pthread_mutex_lock(&port_lock);
	for (i = 0; i < RTE_DIM(ports); i++)
		if (ports[i].used && strcmp(ports[i].spec, spec) == 0) {
			rc = i;
			break;
		}
	pthread_mutex_unlock(&port_lock);
	return rc;
}

int
fex_port_link_up(uint16_t port_id)
{
	struct rte_eth_link link;
	int rc;

	if (port_id >= FEX_PORT_VHOST_BASE)
		return port_id < FEX_PORT_MAX && ports[port_id].used ?
			fex_vhost_link_up(port_id - FEX_PORT_VHOST_BASE) : -ENODEV;
	rc = rte_eth_link_get_nowait(port_id, &link);
	if (rc != 0)
		return rc;
	return link.link_status == RTE_ETH_LINK_UP;
}

int
fex_port_stats_get(uint16_t port_id, struct rte_eth_stats *st)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&port_lock);
	if (port_id < RTE_DIM(ports) && ports[port_id].used) {
		if (is_vhost(ports[port_id].ps.kind)) {
			fex_vhost_stats(port_id - FEX_PORT_VHOST_BASE, st);
			rc = 0;
		} else {
			rc = rte_eth_stats_get(port_id, st);
		}
	}
	pthread_mutex_unlock(&port_lock);
	return rc;
}

void
fex_port_set_grace(void (*wait)(void *arg), void *arg)
{
	fex_vhost_set_grace(wait, arg);
}
