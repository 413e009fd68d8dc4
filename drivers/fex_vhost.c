/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user vNIC ports on DPDK's vhost library (rte_vhost), as Open
 * vSwitch and VPP do it: a port is a registered socket, not an ethdev,
 * so RTE_MAX_ETHPORTS does not bound the vNICs.
 *
 * Threads
 *   - The control thread opens and closes (fex_port.c's lock held).
 *   - The library's own thread calls new_device / destroy_device /
 *     vring_state_changed. They publish with atomics: what the pollers
 *     read (vid, pool, enabled queues) is written before vid; a device
 *     that goes away is unpublished (vid = -1), then destroy_device waits
 *     for an RCU grace period, so when the library frees the device no
 *     poller is inside it. These callbacks never take fex_port.c's lock:
 *     rte_vhost_driver_unregister() runs them while that lock is held.
 *   - Pollers (fex_vhost_rx_burst / _tx_burst): one thread per lane.
 *     The guest's queue pairs are dealt to the port's lanes (a vNIC port
 *     has one lane, every queue pair the guest enables is polled).
 *
 * Guest offloads: the library dequeues in its legacy offload form (TX
 * flags); fex_vhost_finish() completes partial checksums and cuts TSO
 * frames (rte_gso for IPv4, tso6_cut for IPv6, which rte_gso lacks) so
 * every frame handed over is ready for the wire.
 */
/* rte_ipv{4,6}_udptcp_cksum_mbuf: experimental in 22.11, the checksum
 * of a chained mbuf (cut TSO segments, frames beyond one mbuf) */
#define ALLOW_EXPERIMENTAL_API

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <bsd/string.h>

#include <rte_ip.h>
#include <rte_log.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_vhost.h>

#include "fex_port_priv.h"
#include "fex_vhost.h"

RTE_LOG_REGISTER(fex_logtype_vhost, fex.vhost, INFO);
#define VH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_vhost, "vhost: " fmt "\n", ##__VA_ARGS__)

#define VH_BURST_MAX	64		/* frames per rx call */
#define VH_VRINGS	32		/* vrings followed: 16 queue pairs */
#define VH_LANES	16
#define VH_STASH	1024		/* segments of cut TSO frames waiting */
#define VH_TSO_BATCH	4		/* frames dequeued at once while TSO is seen */
#define VH_SEGS_MAX	256		/* segments one frame may be cut into */
#define VH_FDS_PER_DEV	8		/* socket, kick/call per vring, memory */
#define GUEST_TX(qp)	((qp) * 2 + 1)	/* VIRTIO_TXQ: the guest sends */
#define GUEST_RX(qp)	((qp) * 2)	/* VIRTIO_RXQ: the guest receives */
#define VH_GUEST_RX_BITS UINT32_C(0x55555555)	/* every GUEST_RX(qp) bit */

struct vh_lane {
	uint16_t stash_head, stash_n;
	uint16_t rr_rx, rr_tx;
	bool tso_seen;
	/* vring bits of the queue pairs dealt to this lane (qp % lanes) */
	uint32_t rx_mask, tx_mask;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, rx_nombuf, rx_errors;
	struct rte_mbuf *stash[VH_STASH];
} __rte_cache_aligned;

struct vh_port {
	bool used;
	bool server;
	uint8_t offloads;
	uint16_t lanes;
	char path[FEX_PORT_SOCK_LEN];
	uint32_t frame_max;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	struct rte_mempool *fallback;
	/* published by the library's thread */
	int vid;			/* -1: no guest */
	int numa;
	struct rte_mempool *pool;	/* the guest's NUMA node */
	uint32_t vring_on;		/* bit per vring the guest enabled */
	struct rte_gso_ctx gso;		/* pools set with pool */
	struct vh_lane lane[VH_LANES];
};

static struct vh_port vports[FEX_VHOST_MAX];
/* The pollers' grace period (fex_port_set_grace); one pair of words
 * written while no guest is attached (set up, shutdown). */
static void (*vh_grace)(void *arg);
static void *vh_grace_arg;

void
fex_vhost_set_grace(void (*wait)(void *arg), void *arg)
{
	vh_grace_arg = arg;
	__atomic_store_n(&vh_grace, wait, __ATOMIC_RELEASE);
}

static inline void
cnt_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* ---- offloads ---- */

#define TX_OFFLOAD_FLAGS (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IPV4 | \
			  RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM | \
			  RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)

/* Complete the L4 checksum m asks for (its field holds the guest's
 * pseudo-header sum: cleared, then the whole sum written). */
static int
csum_finish(struct rte_mbuf *m)
{
	const uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	const uint32_t off = m->l2_len + m->l3_len;
	uint16_t *field;

	if (l4 == RTE_MBUF_F_TX_TCP_CKSUM) {
		if (m->data_len < off + sizeof(struct rte_tcp_hdr))
			return -EPROTO;
		field = &rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, off)->cksum;
	} else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM) {
		if (m->data_len < off + sizeof(struct rte_udp_hdr))
			return -EPROTO;
		field = &rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, off)->dgram_cksum;
	} else if (l4 == 0) {
		return 0;
	} else {
		return -EPROTO;	/* SCTP: never offered by Linux virtio-net */
	}
	*field = 0;
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4)
		*field = rte_ipv4_udptcp_cksum_mbuf(m, rte_pktmbuf_mtod_offset(m,
					struct rte_ipv4_hdr *, m->l2_len), off);
	else if (m->ol_flags & RTE_MBUF_F_TX_IPV6)
		*field = rte_ipv6_udptcp_cksum_mbuf(m, rte_pktmbuf_mtod_offset(m,
					struct rte_ipv6_hdr *, m->l2_len), off);
	else
		return -EPROTO;
	return 0;
}

/* Append len bytes of m, from offset off, to the chain h whose last mbuf
 * is *tail, taking more mbufs from mp as each fills. */
static int
append_bytes(struct rte_mbuf *h, struct rte_mbuf **tail, const struct rte_mbuf *m,
	     uint32_t off, uint32_t len, struct rte_mempool *mp)
{
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0 && m != NULL) {
		uint32_t k;

		if (rte_pktmbuf_tailroom(*tail) == 0) {
			struct rte_mbuf *n = rte_pktmbuf_alloc(mp);

			if (n == NULL)
				return -ENOMEM;
			n->data_off = 0;	/* not a first segment: no headroom */
			(*tail)->next = n;
			*tail = n;
			h->nb_segs++;
		}
		k = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(*tail));
		k = RTE_MIN(k, (uint32_t)(m->data_len - off));
		memcpy(rte_pktmbuf_mtod_offset(*tail, uint8_t *, (*tail)->data_len),
		       rte_pktmbuf_mtod_offset(m, const uint8_t *, off), k);
		(*tail)->data_len += k;
		h->pkt_len += k;
		off += k;
		len -= k;
		if (off == m->data_len) {
			m = m->next;
			off = 0;
		}
	}
	return len == 0 ? 0 : -EPROTO;
}

/* TSO over IPv6, which rte_gso does not cut: each segment a copy of the
 * headers and its share of the payload, lengths, sequence number and
 * flags set, its checksum computed. */
static int
tso6_cut(struct rte_mbuf *m, struct rte_mempool *mp, uint32_t seg,
	 struct rte_mbuf **out, uint16_t cap)
{
	const uint32_t hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	const uint32_t mss = seg - hdr, payload = m->pkt_len - hdr;
	const uint32_t n = (payload + mss - 1) / mss;
	const struct rte_tcp_hdr *t0 = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
							       m->l2_len + m->l3_len);
	const uint32_t seq0 = rte_be_to_cpu_32(t0->sent_seq);
	uint32_t i;

	if (n > cap)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		uint32_t chunk = RTE_MIN(mss, payload - i * mss);
		struct rte_mbuf *s = rte_pktmbuf_alloc(mp), *tail = s;
		struct rte_ipv6_hdr *ip;
		struct rte_tcp_hdr *t;
		int rc;

		rc = s == NULL ? -ENOMEM : append_bytes(s, &tail, m, 0, hdr, mp);
		if (rc == 0)
			rc = append_bytes(s, &tail, m, hdr + i * mss, chunk, mp);
		if (rc < 0) {
			rte_pktmbuf_free(s);
			while (i > 0)
				rte_pktmbuf_free(out[--i]);
			return rc;
		}
		s->l2_len = m->l2_len;
		s->l3_len = m->l3_len;
		s->l4_len = m->l4_len;
		s->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv6_hdr *, s->l2_len);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(m->l4_len + chunk));
		t = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *, s->l2_len + s->l3_len);
		t->sent_seq = rte_cpu_to_be_32(seq0 + i * mss);
		if (i != n - 1)
			t->tcp_flags &= (uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		csum_finish(s);
		s->ol_flags = 0;
		out[i] = s;
	}
	return (int)n;
}

static int tso_cut(struct rte_mbuf *m, struct rte_gso_ctx *gso, uint32_t seg,
		   struct rte_mbuf **out, uint16_t cap);

int
fex_vhost_finish(struct rte_mbuf *m, struct rte_gso_ctx *gso,
		 uint32_t frame_max, struct rte_mbuf **out, uint16_t cap)
{
	const uint64_t fl = m->ol_flags;
	uint32_t seg;
	int rc;

	if (likely((fl & TX_OFFLOAD_FLAGS) == 0)) {
		out[0] = m;
		return 1;
	}
	if (fl & RTE_MBUF_F_TX_UDP_SEG)
		return -EPROTO;
	if (fl & RTE_MBUF_F_TX_TCP_SEG) {
		if (!(fl & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)) || m->tso_segsz == 0)
			return -EPROTO;
		/* one segment: the guest's MSS of payload, within frame_max */
		seg = (uint32_t)m->l2_len + m->l3_len + m->l4_len + m->tso_segsz;
		if (frame_max != 0 && seg > frame_max)
			seg = frame_max;
		if (seg < RTE_GSO_SEG_SIZE_MIN ||
		    seg <= (uint32_t)m->l2_len + m->l3_len + m->l4_len)
			return -EPROTO;
		if (m->pkt_len > seg)
			return tso_cut(m, gso, seg, out, cap);
		m->ol_flags &= ~RTE_MBUF_F_TX_TCP_SEG;	/* short enough to go whole */
	}
	rc = csum_finish(m);
	if (rc < 0)
		return rc;
	m->ol_flags &= ~TX_OFFLOAD_FLAGS;
	out[0] = m;
	return 1;
}

/* Cut a TSO frame longer than one segment of seg bytes (see above). */
static int
tso_cut(struct rte_mbuf *m, struct rte_gso_ctx *gso, uint32_t seg,
	struct rte_mbuf **out, uint16_t cap)
{
	uint32_t hdr;
	int n, i;

	if (m->ol_flags & RTE_MBUF_F_TX_IPV6) {
		n = tso6_cut(m, gso->direct_pool, seg, out, cap);
		if (n > 0)
			rte_pktmbuf_free(m);
		return n;
	}
	gso->gso_size = (uint16_t)RTE_MIN(seg, (uint32_t)UINT16_MAX);
	hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	if ((m->pkt_len - hdr + (gso->gso_size - hdr) - 1) / (gso->gso_size - hdr) > cap)
		return -ENOSPC;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
	n = rte_gso_segment(m, gso, out, cap);
	if (n <= 0)		/* 0: it would not cut what is longer than seg */
		return n == 0 || n == -EINVAL ? -EPROTO : n;
	/* the segments hold the payload by reference */
	rte_pktmbuf_free(m);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *s = out[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv4_hdr *,
								  s->l2_len);

		csum_finish(s);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		s->ol_flags &= ~TX_OFFLOAD_FLAGS;
	}
	return n;
}

/* ---- fast path ---- */

static inline struct vh_port *
vport_of(uint16_t port_id)
{
	return &vports[port_id - FEX_PORT_VHOST_BASE];
}

static inline uint16_t
stash_take(struct vh_lane *ln, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = RTE_MIN(n, ln->stash_n), i;

	for (i = 0; i < k; i++)
		pkts[i] = ln->stash[(ln->stash_head + i) % VH_STASH];
	ln->stash_head = (uint16_t)((ln->stash_head + k) % VH_STASH);
	ln->stash_n -= k;
	return k;
}

/* Whether any of the k frames asks for a checksum or a cut: most bursts
 * carry none, and go as they are (no copy of the burst, no call per
 * frame). */
static inline bool
offloads_in(struct rte_mbuf *const *pkts, uint16_t k)
{
	uint64_t fl = 0;
	uint16_t i;

	for (i = 0; i < k; i++)
		fl |= pkts[i]->ol_flags;
	return (fl & TX_OFFLOAD_FLAGS) != 0;
}

/* Finish pkts[from..from+k): what is ready stays in pkts (up to n), cut
 * segments beyond n wait in the lane's stash. Returns the new count. */
static uint16_t
finish_burst(struct vh_port *vp, struct vh_lane *ln, struct rte_mbuf **pkts,
	     uint16_t from, uint16_t k, uint16_t n)
{
	struct rte_mbuf *in[VH_BURST_MAX];
	struct rte_mbuf *segs[VH_SEGS_MAX];
	uint16_t got = from, i;
	bool tso = false;
	int r, j;

	if (likely(ln->stash_n == 0 && !offloads_in(&pkts[from], k))) {
		ln->tso_seen = false;
		return (uint16_t)(from + k);	/* ready for the wire as they are */
	}
	memcpy(in, &pkts[from], k * sizeof(in[0]));
	for (i = 0; i < k; i++) {
		struct rte_mbuf *m = in[i];

		tso |= (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0;
		r = fex_vhost_finish(m, &vp->gso, vp->frame_max, segs, RTE_DIM(segs));
		if (unlikely(r < 0)) {
			cnt_add(r == -ENOMEM ? &ln->rx_nombuf : &ln->rx_errors, 1);
			rte_pktmbuf_free(m);
			continue;
		}
		for (j = 0; j < r; j++) {
			if (got < n && ln->stash_n == 0) {
				pkts[got++] = segs[j];
			} else if (ln->stash_n < VH_STASH) {
				ln->stash[(ln->stash_head + ln->stash_n) % VH_STASH] = segs[j];
				ln->stash_n++;
			} else {
				cnt_add(&ln->rx_nombuf, 1);
				rte_pktmbuf_free(segs[j]);
			}
		}
	}
	ln->tso_seen = tso;
	return got;
}

/* The queue pair of the first vring bit set in m at bit `from` or after,
 * wrapping round; UINT32_MAX when m is 0. A bit scan: no walk over the 16
 * queue pairs, no division, per burst. */
static inline unsigned int
qp_first(uint32_t m, unsigned int from)
{
	const uint32_t after = m & ~((UINT32_C(1) << from) - 1);

	if (m == 0)
		return UINT32_MAX;
	return (unsigned int)__builtin_ctz(after != 0 ? after : m) / 2;
}

uint16_t
fex_vhost_rx_burst(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct vh_port *vp = vport_of(port_id);
	struct vh_lane *ln = &vp->lane[q];
	uint16_t got, k, want, before;
	uint32_t mine;
	unsigned int i, qp, nqp = VH_VRINGS / 2;
	int vid;

	got = ln->stash_n != 0 ? stash_take(ln, pkts, n) : 0;
	vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);
	if (vid < 0 || got == n)
		goto out;
	/* the lane's queue pairs the guest enabled, from rr_rx on */
	mine = __atomic_load_n(&vp->vring_on, __ATOMIC_RELAXED) & ln->rx_mask;
	n = RTE_MIN(n, (uint16_t)VH_BURST_MAX);
	while (mine != 0 && got < n) {
		qp = qp_first(mine, GUEST_TX(ln->rr_rx));
		mine &= ~(UINT32_C(1) << GUEST_TX(qp));
		want = n - got;
		if (ln->tso_seen && vp->offloads == FEX_VHOST_OFFLOADS_FULL)
			want = RTE_MIN(want, (uint16_t)VH_TSO_BATCH);
		before = got;
		k = rte_vhost_dequeue_burst(vid, GUEST_TX(qp), vp->pool, pkts + got, want);
		if (k != 0)
			got = finish_burst(vp, ln, pkts, before, k, n);
	}
	ln->rr_rx = (uint16_t)((ln->rr_rx + 1) % nqp);
out:
	if (got != 0) {
		uint64_t bytes = 0;

		for (i = 0; i < got; i++)
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
		cnt_add(&ln->rx_packets, got);
		cnt_add(&ln->rx_bytes, bytes);
	}
	return got;
}

uint16_t
fex_vhost_tx_burst(uint16_t port_id, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct vh_port *vp = vport_of(port_id);
	struct vh_lane *ln = &vp->lane[q];
	unsigned int i, pick, nqp = VH_VRINGS / 2;
	uint64_t bytes = 0;
	uint16_t sent;
	uint32_t on;
	int vid;

	vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);
	if (unlikely(vid < 0))
		return 0;
	on = __atomic_load_n(&vp->vring_on, __ATOMIC_RELAXED) & VH_GUEST_RX_BITS;
	/* a queue pair of this lane, else any the guest enabled (the
	 * library locks each vring, so lanes may share one); from rr_tx on */
	pick = qp_first(on & ln->tx_mask, GUEST_RX(ln->rr_tx));
	if (pick == UINT32_MAX)
		pick = qp_first(on, GUEST_RX(ln->rr_tx));
	if (unlikely(pick == UINT32_MAX))
		return 0;
	ln->rr_tx = (uint16_t)((pick + 1) % nqp);
	sent = rte_vhost_enqueue_burst(vid, GUEST_RX(pick), pkts, n);
	for (i = 0; i < sent; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	/* the library copied them into the guest's buffers */
	rte_pktmbuf_free_bulk(pkts, sent);
	cnt_add(&ln->tx_packets, sent);
	cnt_add(&ln->tx_bytes, bytes);
	return sent;
}

/* ---- the library's callbacks ---- */

static struct vh_port *
vport_of_vid(int vid)
{
	char path[FEX_PORT_SOCK_LEN];
	unsigned int i;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return NULL;
	for (i = 0; i < RTE_DIM(vports); i++)
		if (__atomic_load_n(&vports[i].used, __ATOMIC_ACQUIRE) &&
		    strcmp(vports[i].path, path) == 0)
			return &vports[i];
	return NULL;
}

static int
new_device(int vid)
{
	struct vh_port *vp = vport_of_vid(vid);
	uint64_t features = 0;
	int numa, i;

	if (vp == NULL)
		return -1;
	numa = rte_vhost_get_numa_node(vid);
	vp->numa = numa;
	vp->pool = numa >= 0 && numa < RTE_MAX_NUMA_NODES && vp->pools[numa] != NULL ?
		vp->pools[numa] : vp->fallback;
	vp->gso.direct_pool = vp->pool;
	vp->gso.indirect_pool = vp->pool;
	/* polled: the guest need not kick us */
	for (i = 0; i < rte_vhost_get_vring_num(vid); i++)
		rte_vhost_enable_guest_notification(vid, (uint16_t)i, 0);
	rte_vhost_get_negotiated_features(vid, &features);
	__atomic_store_n(&vp->vid, vid, __ATOMIC_RELEASE);
	VH_LOG(INFO, "%s: guest attached (vid %d, %u vrings, NUMA %d, csum %s, TSO4 %s, TSO6 %s)",
	       vp->path, vid, rte_vhost_get_vring_num(vid), numa,
	       features & (1ULL << VIRTIO_NET_F_CSUM) ? "on" : "off",
	       features & (1ULL << VIRTIO_NET_F_HOST_TSO4) ? "on" : "off",
	       features & (1ULL << VIRTIO_NET_F_HOST_TSO6) ? "on" : "off");
	return 0;
}

static void
destroy_device(int vid)
{
	struct vh_port *vp = vport_of_vid(vid);
	void (*grace)(void *) = __atomic_load_n(&vh_grace, __ATOMIC_ACQUIRE);

	if (vp == NULL)
		return;
	__atomic_store_n(&vp->vid, -1, __ATOMIC_RELEASE);
	/* no poller is inside the device once every poller passed a
	 * quiescent state */
	if (grace != NULL)
		grace(vh_grace_arg);
	__atomic_store_n(&vp->vring_on, 0, __ATOMIC_RELAXED);
	VH_LOG(INFO, "%s: guest gone (vid %d)", vp->path, vid);
}

static int
vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct vh_port *vp = vport_of_vid(vid);

	if (vp == NULL)
		return -1;
	if (queue_id >= VH_VRINGS) {
		if (enable)
			VH_LOG(WARNING, "%s: vring %u enabled; only the first %u queue pairs are polled",
			       vp->path, queue_id, VH_VRINGS / 2);
		return 0;
	}
	if (enable)
		__atomic_fetch_or(&vp->vring_on, 1u << queue_id, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&vp->vring_on, ~(1u << queue_id), __ATOMIC_RELEASE);
	return 0;
}

static const struct rte_vhost_device_ops vh_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.vring_state_changed = vring_state_changed,
};

/* ---- control path ---- */

/* Is somebody listening on path? A stale socket (fexpath killed) is
 * removed so the server can bind again. */
static int
path_check(const char *spec, const char *path, bool server, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return fex_fail(-EINVAL, err, errlen, "%s: %s exists and is not a socket; remove it or pick another path",
				     spec, path);
	if (!server)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return fex_fail(-errno, err, errlen, "%s: socket: %s", spec, strerror(errno));
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0)
		return fex_fail(-EADDRINUSE, err, errlen, "%s: something already listens on %s",
				     spec, path);
	if (unlink(path) < 0)
		return fex_fail(-errno, err, errlen, "%s: cannot remove the stale socket %s: %s",
				     spec, path, strerror(errno));
	VH_LOG(INFO, "%s: removed the stale socket %s", spec, path);
	return 0;
}

/* A guest costs file descriptors (socket, kick and call per vring,
 * memory regions): say so before the library fails obscurely. */
static int
fds_check(const char *spec, char *err, size_t errlen)
{
	struct rlimit rl;
	unsigned int i, used = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	for (i = 0; i < RTE_DIM(vports); i++)
		used += vports[i].used;
	if ((uint64_t)(used + 1) * VH_FDS_PER_DEV + 64 > rl.rlim_cur)
		return fex_fail(-ENOSPC, err, errlen,
				     "%s: out of file descriptors: %u vhost ports open, each guest needs about %u and the limit is %llu (ulimit -n; fexpath raises it to the hard limit)",
				     spec, used, VH_FDS_PER_DEV, (unsigned long long)rl.rlim_cur);
	return 0;
}

int
fex_vhost_open(unsigned int slot, const char *spec, const struct fex_port_spec *ps,
	       const struct fex_port_conf *conf, char *err, size_t errlen)
{
	struct vh_port *vp = &vports[slot];
	uint64_t off = (1ULL << VIRTIO_NET_F_GSO) | (1ULL << VIRTIO_NET_F_HOST_UFO) |
		(1ULL << VIRTIO_NET_F_HOST_ECN) |
		(1ULL << VIRTIO_NET_F_GUEST_UFO) | (1ULL << VIRTIO_NET_F_GUEST_ECN) |
		(1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6);
	bool server = ps->kind == FEX_PORT_VHOST_SERVER;
	unsigned int i;
	int rc;

	rc = path_check(spec, ps->arg, server, err, errlen);
	if (rc == 0)
		rc = fds_check(spec, err, errlen);
	if (rc < 0)
		return rc;
	memset(vp, 0, offsetof(struct vh_port, lane));
	for (i = 0; i < VH_LANES; i++)
		memset(&vp->lane[i], 0, offsetof(struct vh_lane, stash));
	vp->vid = -1;
	vp->numa = -1;
	vp->server = server;
	vp->offloads = ps->offloads;
	vp->lanes = conf->nb_rxq == 0 ? 1 : (uint16_t)RTE_MIN(conf->nb_rxq, VH_LANES);
	for (i = 0; i < VH_VRINGS / 2; i++) {
		vp->lane[i % vp->lanes].rx_mask |= UINT32_C(1) << GUEST_TX(i);
		vp->lane[i % vp->lanes].tx_mask |= UINT32_C(1) << GUEST_RX(i);
	}
	vp->frame_max = conf->frame_max;
	strlcpy(vp->path, ps->arg, sizeof(vp->path));
	memcpy(vp->pools, conf->pools, sizeof(vp->pools));
	vp->fallback = conf->pool;
	for (i = 0; vp->fallback == NULL && i < RTE_MAX_NUMA_NODES; i++)
		vp->fallback = conf->pools[i];
	vp->pool = vp->fallback;
	vp->gso.direct_pool = vp->pool;
	vp->gso.indirect_pool = vp->pool;
	vp->gso.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	vp->gso.gso_size = RTE_ETHER_MAX_LEN;
	vp->gso.flag = 0;		/* IPv4 ids count up, as the guest's would */
	__atomic_store_n(&vp->used, true, __ATOMIC_RELEASE);

	if (ps->offloads != FEX_VHOST_OFFLOADS_FULL)
		off |= (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6);
	if (ps->offloads == FEX_VHOST_OFFLOADS_NONE)
		off |= 1ULL << VIRTIO_NET_F_CSUM;
	if (rte_vhost_driver_register(vp->path, server ? 0 : RTE_VHOST_USER_CLIENT) != 0) {
		rc = fex_fail(-ENOSPC, err, errlen,
				   "%s: the vhost library refused the socket (already registered, or all of its %d sockets in use; see the log)",
				   spec, 1024);
		goto out_unused;
	}
	if (rte_vhost_driver_disable_features(vp->path, off) != 0 ||
	    rte_vhost_driver_callback_register(vp->path, &vh_ops) != 0) {
		rc = fex_fail(-EINVAL, err, errlen, "%s: cannot set up the vhost socket (see the log)",
				   spec);
		goto out_unregister;
	}
	if (rte_vhost_driver_start(vp->path) != 0) {
		rc = fex_fail(-EIO, err, errlen, server ?
				   "%s: cannot listen on %s (see the log)" :
				   "%s: cannot connect to %s (see the log)", spec, vp->path);
		goto out_unregister;
	}
	VH_LOG(INFO, "%s: %s %s, offloads %s", spec, server ? "listening on" : "connecting to",
	       vp->path, ps->offloads == FEX_VHOST_OFFLOADS_FULL ? "checksum + TSO4/6" :
	       ps->offloads == FEX_VHOST_OFFLOADS_CSUM ? "checksum" : "none");
	return 0;

out_unregister:
	rte_vhost_driver_unregister(vp->path);
out_unused:
	__atomic_store_n(&vp->used, false, __ATOMIC_RELEASE);
	return rc;
}

void
fex_vhost_close(unsigned int slot)
{
	struct vh_port *vp = &vports[slot];
	struct rte_mbuf *m[64];
	unsigned int i;
	uint16_t k;

	if (!vp->used)
		return;
	if (rte_vhost_driver_unregister(vp->path) != 0)
		VH_LOG(WARNING, "%s: unregister failed", vp->path);
	for (i = 0; i < VH_LANES; i++)
		while ((k = stash_take(&vp->lane[i], m, RTE_DIM(m))) != 0)
			rte_pktmbuf_free_bulk(m, k);
	__atomic_store_n(&vp->vid, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&vp->used, false, __ATOMIC_RELEASE);
	vp->path[0] = '\0';
}

int
fex_vhost_link_up(unsigned int slot)
{
	return __atomic_load_n(&vports[slot].vid, __ATOMIC_ACQUIRE) >= 0;
}

void
fex_vhost_info(unsigned int slot, struct fex_port_info *info)
{
	const struct vh_port *vp = &vports[slot];
	uint32_t on = __atomic_load_n(&vp->vring_on, __ATOMIC_RELAXED);
	unsigned int qp;

	info->link_up = fex_vhost_link_up(slot) == 1;
	info->link_speed = info->link_up ? RTE_ETH_SPEED_NUM_10G : 0;
	info->nb_rxq = 0;
	info->nb_txq = 0;
	for (qp = 0; qp < VH_VRINGS / 2; qp++) {
		info->nb_rxq += (on >> GUEST_TX(qp)) & 1;
		info->nb_txq += (on >> GUEST_RX(qp)) & 1;
	}
	info->socket_id = vp->numa;
}

void
fex_vhost_stats(unsigned int slot, struct rte_eth_stats *st)
{
	const struct vh_port *vp = &vports[slot];
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < VH_LANES; i++) {
		const struct vh_lane *ln = &vp->lane[i];

		st->ipackets += __atomic_load_n(&ln->rx_packets, __ATOMIC_RELAXED);
		st->ibytes += __atomic_load_n(&ln->rx_bytes, __ATOMIC_RELAXED);
		st->opackets += __atomic_load_n(&ln->tx_packets, __ATOMIC_RELAXED);
		st->obytes += __atomic_load_n(&ln->tx_bytes, __ATOMIC_RELAXED);
		st->rx_nombuf += __atomic_load_n(&ln->rx_nombuf, __ATOMIC_RELAXED);
		st->ierrors += __atomic_load_n(&ln->rx_errors, __ATOMIC_RELAXED);
	}
}
