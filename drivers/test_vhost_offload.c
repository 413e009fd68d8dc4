/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest offloads finished before tagging (SPEC §4): fex_vhost_finish() on
 * frames shaped as the vhost library dequeues them from a Linux guest
 * (legacy offload flags, chained mbufs): TSO cut into segments within
 * the guest's MSS and the uplink's limit, each with correct checksums and
 * the payload in order; partial checksums completed over IPv4 and IPv6;
 * what cannot be finished refused, nothing leaked. */
#define ALLOW_EXPERIMENTAL_API	/* rte_ipv4_udptcp_cksum_mbuf_verify */

#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "fex_test.h"
#include "fex_vhost.h"

#define HDR_V4 (RTE_ETHER_HDR_LEN + 20 + 20)
#define SEQ0 1000u

static struct rte_mempool *pool;

static uint8_t
pattern(uint32_t off)
{
	return (uint8_t)(off * 7 + (off >> 8));
}

/* A guest frame: Ethernet, IPv4 or IPv6, TCP or UDP, payload bytes of
 * pattern(), in mbufs of at most 1500 data bytes each (the library
 * chains a large frame). */
static struct rte_mbuf *
guest_frame(bool v6, uint8_t proto, uint32_t payload)
{
	const uint32_t l3 = v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	const uint32_t l4 = proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
		sizeof(struct rte_udp_hdr);
	const uint32_t total = RTE_ETHER_HDR_LEN + l3 + l4 + payload;
	uint8_t *buf = calloc(1, total);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	eth->ether_type = rte_cpu_to_be_16(v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	eth->src_addr = (struct rte_ether_addr){{ 0x02, 0, 0, 0, 0, 1 }};
	eth->dst_addr = (struct rte_ether_addr){{ 0x02, 0, 0, 0, 0, 2 }};
	if (v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(l4 + payload));
		ip->proto = proto;
		ip->hop_limits = 64;
		ip->src_addr[0] = 0xfd;
		ip->src_addr[15] = 1;
		ip->dst_addr[0] = 0xfd;
		ip->dst_addr[15] = 2;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)RTE_MIN(l3 + l4 + payload, 65535u));
		ip->packet_id = rte_cpu_to_be_16(100);
		ip->time_to_live = 64;
		ip->next_proto_id = proto;
		ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(buf + RTE_ETHER_HDR_LEN + l3);

		t->src_port = rte_cpu_to_be_16(40000);
		t->dst_port = rte_cpu_to_be_16(5201);
		t->sent_seq = rte_cpu_to_be_32(SEQ0);
		t->data_off = 5 << 4;
		t->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		t->rx_win = rte_cpu_to_be_16(512);
		t->cksum = 0x1234;	/* a partial sum: whatever the guest left */
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(buf + RTE_ETHER_HDR_LEN + l3);

		u->src_port = rte_cpu_to_be_16(40000);
		u->dst_port = rte_cpu_to_be_16(5201);
		u->dgram_len = rte_cpu_to_be_16((uint16_t)(l4 + payload));
		u->dgram_cksum = 0x1234;
	}
	for (i = 0; i < payload; i++)
		buf[RTE_ETHER_HDR_LEN + l3 + l4 + i] = pattern(i);
	while (off < total) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint32_t k = RTE_MIN(total - off, 1500u);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)k), buf + off, k);
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += k;
		}
		last = m;
		off += k;
	}
	free(buf);
	head->l2_len = RTE_ETHER_HDR_LEN;
	head->l3_len = l3;
	head->l4_len = l4;
	head->ol_flags = (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		(proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM);
	return head;
}

static struct rte_mbuf *
tso_frame(uint32_t payload, uint16_t mss)
{
	struct rte_mbuf *m = guest_frame(false, IPPROTO_TCP, payload);

	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = mss;
	return m;
}

static struct rte_gso_ctx
gso_ctx(struct rte_mempool *mp)
{
	return (struct rte_gso_ctx){ .direct_pool = mp, .indirect_pool = mp,
		.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO, .gso_size = 1514 };
}

static bool
ipv4_cksum_ok(struct rte_ipv4_hdr *ip)
{
	uint16_t was = ip->hdr_checksum, want;

	ip->hdr_checksum = 0;
	want = rte_ipv4_cksum(ip);
	ip->hdr_checksum = was;
	return was == want;
}

/* Every segment of a cut TSO frame: within limit, right lengths and
 * checksums, sequence numbers and payload in order, PSH on the last. */
static void
check_segments(struct rte_mbuf **seg, int n, uint32_t payload, uint32_t limit)
{
	uint32_t next = 0;
	uint8_t data[2048];
	int i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *s = seg[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv4_hdr *,
								  RTE_ETHER_HDR_LEN);
		struct rte_tcp_hdr *t = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *,
								RTE_ETHER_HDR_LEN + 20);
		uint32_t len = s->pkt_len - HDR_V4, k;
		const uint8_t *p;

		CU_ASSERT(s->pkt_len <= limit);
		CU_ASSERT(len > 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), s->pkt_len - RTE_ETHER_HDR_LEN);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->packet_id), 100 + i);
		CU_ASSERT(ipv4_cksum_ok(ip));
		CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_mbuf_verify(s, ip, RTE_ETHER_HDR_LEN + 20), 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(t->sent_seq), SEQ0 + next);
		CU_ASSERT_EQUAL((t->tcp_flags & RTE_TCP_PSH_FLAG) != 0, i == n - 1);
		CU_ASSERT_EQUAL(s->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_L4_MASK), 0);
		p = rte_pktmbuf_read(s, HDR_V4, RTE_MIN(len, (uint32_t)sizeof(data)), data);
		for (k = 0; p != NULL && k < len; k++)
			if (p[k] != pattern(next + k))
				break;
		CU_ASSERT_EQUAL(k, len);
		next += len;
	}
	CU_ASSERT_EQUAL(next, payload);
}

static void
free_all(struct rte_mbuf **m, int n)
{
	int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
}

static void
test_tso_mss(void)
{
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *out[64];
	int n;

	/* 20000 B of payload, MSS 1448: 14 segments of at most 1502 B */
	n = fex_vhost_finish(tso_frame(20000, 1448), &g, 0, out, RTE_DIM(out));
	CU_ASSERT_EQUAL(n, 14);
	if (n > 0) {
		check_segments(out, n, 20000, HDR_V4 + 1448);
		CU_ASSERT_EQUAL(out[0]->pkt_len, HDR_V4 + 1448);
		free_all(out, n);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_tso_uplink_limit(void)
{
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *out[64];
	int n;

	/* the uplink takes 1000 B once tagged: cut shorter than the MSS */
	n = fex_vhost_finish(tso_frame(20000, 1448), &g, 1000, out, RTE_DIM(out));
	CU_ASSERT_EQUAL(n, (20000 + (1000 - HDR_V4) - 1) / (1000 - HDR_V4));
	if (n > 0) {
		check_segments(out, n, 20000, 1000);
		free_all(out, n);
	}
	/* a 64 KB guest frame (the most TSO gives) */
	n = fex_vhost_finish(tso_frame(65000, 1448), &g, 0, out, RTE_DIM(out));
	CU_ASSERT_EQUAL(n, (65000 + 1447) / 1448);
	if (n > 0) {
		check_segments(out, n, 65000, HDR_V4 + 1448);
		free_all(out, n);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

/* TSO over IPv6 (cut by copy: rte_gso has no IPv6) */
static void
test_tso6(void)
{
	const uint32_t hdr = RTE_ETHER_HDR_LEN + 40 + 20;
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *m, *out[64];
	uint8_t data[9100];
	uint32_t next = 0, limit;
	int n, i, k;

	for (limit = 0; limit <= 1000; limit += 1000) {	/* the MSS, then the uplink */
		m = guest_frame(true, IPPROTO_TCP, 30000);
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = 1428;
		n = fex_vhost_finish(m, &g, limit, out, RTE_DIM(out));
		CU_ASSERT_EQUAL(n, (int)((30000 + (limit ? limit - hdr : 1428) - 1) /
					 (limit ? limit - hdr : 1428)));
		for (i = 0, next = 0; i < n; i++) {
			struct rte_mbuf *s = out[i];
			struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv6_hdr *, 14);
			struct rte_tcp_hdr *t = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *, 54);
			uint32_t len = s->pkt_len - hdr;
			const uint8_t *p;

			CU_ASSERT(s->pkt_len <= (limit ? limit : hdr + 1428));
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 20 + len);
			CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_mbuf_verify(s, ip, 54), 0);
			CU_ASSERT_EQUAL(rte_be_to_cpu_32(t->sent_seq), SEQ0 + next);
			CU_ASSERT_EQUAL((t->tcp_flags & RTE_TCP_PSH_FLAG) != 0, i == n - 1);
			CU_ASSERT_EQUAL(s->ol_flags, 0);
			p = rte_pktmbuf_read(s, hdr, len, data);
			for (k = 0; p != NULL && k < (int)len; k++)
				if (p[k] != pattern(next + k))
					break;
			CU_ASSERT_EQUAL(k, (int)len);
			next += len;
		}
		CU_ASSERT_EQUAL(next, 30000);
		free_all(out, n);
	}
	/* a jumbo MSS: each segment spans several mbufs */
	m = guest_frame(true, IPPROTO_TCP, 30000);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = 8928;
	n = fex_vhost_finish(m, &g, 0, out, RTE_DIM(out));
	CU_ASSERT_EQUAL(n, 4);
	for (i = 0; i < n; i++) {
		CU_ASSERT(out[i]->nb_segs > 1 || i == n - 1);
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_mbuf_verify(out[i],
			rte_pktmbuf_mtod_offset(out[i], struct rte_ipv6_hdr *, 14), 54), 0);
	}
	free_all(out, n);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_tso_short(void)
{
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *m = tso_frame(1000, 1448), *out[4];
	int n;

	/* no cut needed: the frame itself, its checksum completed */
	n = fex_vhost_finish(m, &g, 0, out, RTE_DIM(out));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_EQUAL(out[0], m);
	if (n == 1) {
		check_segments(out, 1, 1000, 1514);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_partial_checksums(void)
{
	static const struct { bool v6; uint8_t proto; } c[] = {
		{ false, IPPROTO_TCP }, { false, IPPROTO_UDP },
		{ true, IPPROTO_TCP }, { true, IPPROTO_UDP },
	};
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *out[4];
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		/* 3000 B: the sum runs over a chain of mbufs */
		struct rte_mbuf *m = guest_frame(c[i].v6, c[i].proto, 3000);
		int n = fex_vhost_finish(m, &g, 0, out, RTE_DIM(out));

		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_PTR_EQUAL(out[0], m);
		CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
		if (c[i].v6) {
			CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_mbuf_verify(m,
				rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14), 14 + 40), 0);
		} else {
			CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_mbuf_verify(m,
				rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14), 14 + 20), 0);
		}
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

static void
test_untouched(void)
{
	struct rte_gso_ctx g = gso_ctx(pool);
	struct rte_mbuf *m = guest_frame(false, IPPROTO_TCP, 100), *out[2];
	uint8_t before[154];

	/* no offload asked: the frame goes as the guest made it */
	m->ol_flags = 0;
	memcpy(before, rte_pktmbuf_mtod(m, void *), sizeof(before));
	CU_ASSERT_EQUAL(fex_vhost_finish(m, &g, 0, out, RTE_DIM(out)), 1);
	CU_ASSERT_PTR_EQUAL(out[0], m);
	CU_ASSERT_EQUAL(memcmp(before, rte_pktmbuf_mtod(m, void *), sizeof(before)), 0);
	rte_pktmbuf_free(m);
}

static void
test_refused(void)
{
	struct rte_mempool *tiny = rte_pktmbuf_pool_create("tiny_gso", 8, 0, 0,
							   RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct rte_gso_ctx g = gso_ctx(pool), gt;
	struct rte_mbuf *m, *out[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tiny);
	/* UFO is not offered */
	m = guest_frame(false, IPPROTO_UDP, 4000);
	m->ol_flags |= RTE_MBUF_F_TX_UDP_SEG;
	m->tso_segsz = 1472;
	CU_ASSERT_EQUAL(fex_vhost_finish(m, &g, 0, out, RTE_DIM(out)), -EPROTO);
	rte_pktmbuf_free(m);
	/* more segments than room */
	m = tso_frame(20000, 1448);
	CU_ASSERT_EQUAL(fex_vhost_finish(m, &g, 0, out, 4), -ENOSPC);
	rte_pktmbuf_free(m);
	/* no mbufs for the segments: refused, nothing taken from the pool */
	gt = gso_ctx(tiny);
	m = tso_frame(20000, 1448);
	CU_ASSERT_EQUAL(fex_vhost_finish(m, &gt, 0, out, RTE_DIM(out)), -ENOMEM);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(tiny), 0);
	rte_pktmbuf_free(m);
	m = guest_frame(true, IPPROTO_TCP, 20000);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = 1428;
	CU_ASSERT_EQUAL(fex_vhost_finish(m, &gt, 0, out, RTE_DIM(out)), -ENOMEM);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(tiny), 0);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
	rte_mempool_free(tiny);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	pool = fex_test_pool(4096);
	if (pool == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("vhost offloads", NULL, NULL);
	CU_add_test(s, "TSO cut to the guest's MSS", test_tso_mss);
	CU_add_test(s, "TSO cut to the uplink's limit, 64 KB frames", test_tso_uplink_limit);
	CU_add_test(s, "TSO over IPv6 cut by copy, jumbo MSS over mbuf chains", test_tso6);
	CU_add_test(s, "TSO frame short enough to go whole", test_tso_short);
	CU_add_test(s, "partial checksums over IPv4 and IPv6, TCP and UDP", test_partial_checksums);
	CU_add_test(s, "no offload: untouched", test_untouched);
	CU_add_test(s, "refused: UFO, no room, no mbufs", test_refused);
	return fex_test_run();
}
