/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame builders shared by test_tag.c and test_tag_parse.c (see
 * test_tag_common.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fex_tag.h"
#include "fex_test.h"
#include "test_tag_common.h"

#define PAYLOAD_LEN	46

struct rte_mempool *pool;

const uint8_t macs[FEX_TAG_MAC_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* dst */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,	/* src */
};

const enum fex_tag_mode modes[NB_MODES] = {
	FEX_TAG_NONE, FEX_TAG_VNTAG, FEX_TAG_ETAG,
};

static unsigned int
put16(uint8_t *b, unsigned int n, uint16_t v)
{
	b[n] = v >> 8;
	b[n + 1] = v & 0xff;
	return n + 2;
}

/* MACs, @tag (tlen bytes, EtherType included), [0x8100 tci], type, payload. */
unsigned int
build(uint8_t *b, const uint8_t *tag, unsigned int tlen, bool vlan,
      uint16_t tci, uint16_t type)
{
	unsigned int n = 0, i;

	memcpy(b, macs, sizeof(macs));
	n += sizeof(macs);
	if (tlen != 0)
		memcpy(b + n, tag, tlen);
	n += tlen;
	if (vlan) {
		n = put16(b, n, FEX_ETHER_TYPE_VLAN);
		n = put16(b, n, tci);
	}
	n = put16(b, n, type);
	for (i = 0; i < PAYLOAD_LEN; i++)
		b[n++] = (uint8_t)(0xa0 + i);
	return n;
}

/* The VIF tag bytes (EtherType first) of a VN-Tag word. */
unsigned int
vntag_bytes(uint8_t *t, uint32_t word)
{
	put16(t, 0, FEX_ETHER_TYPE_VNTAG);
	put16(t, 2, word >> 16);
	put16(t, 4, word & 0xffff);
	return FEX_VNTAG_LEN;
}

unsigned int
etag_bytes(uint8_t *t, uint16_t w0, uint16_t w1, uint8_t iext, uint8_t ext)
{
	put16(t, 0, FEX_ETHER_TYPE_ETAG);
	put16(t, 2, w0);
	put16(t, 4, w1);
	t[6] = iext;
	t[7] = ext;
	return FEX_ETAG_LEN;
}

struct rte_mbuf *
mk(const uint8_t *b, unsigned int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, b, len);
	return m;
}

/* Does @m hold exactly @b, all in the first segment? */
bool
same(const struct rte_mbuf *m, const uint8_t *b, unsigned int len)
{
	return m->nb_segs == 1 && m->data_len == len && m->pkt_len == len &&
	       memcmp(rte_pktmbuf_mtod(m, const void *), b, len) == 0;
}

/* An untagged frame, 802.1Q tagged if @vlan. */
struct rte_mbuf *
mk_plain(bool vlan, uint16_t tci, uint8_t *exp, unsigned int *len)
{
	*len = build(exp, NULL, 0, vlan, tci, 0x0800);
	return mk(exp, *len);
}

/* An mbuf whose frame starts @headroom bytes into the buffer. */
struct rte_mbuf *
mk_headroom(const uint8_t *b, unsigned int len, uint16_t headroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memset(m->buf_addr, 0x5c, m->buf_len);
	m->data_off = headroom;
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
	return m;
}
