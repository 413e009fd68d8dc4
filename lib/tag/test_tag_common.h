/* SPDX-License-Identifier: BSD-3-Clause */
/* What test_tag.c and test_tag_parse.c share: the mbuf pool, the MACs and
 * tag modes every test walks, and the frame builders. Test programs only;
 * each main() sets pool after fex_test_eal_init(). */
#ifndef TEST_TAG_COMMON_H
#define TEST_TAG_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "fex_tag.h"

struct rte_mbuf;
struct rte_mempool;

#define FRAME_MAX	128	/* room for any test frame */
#define NB_MODES	3	/* modes[]: none, vntag, etag */

extern struct rte_mempool *pool;
extern const uint8_t macs[FEX_TAG_MAC_LEN];		/* dst, src */
extern const enum fex_tag_mode modes[NB_MODES];

/* MACs, tag (tlen bytes, EtherType included), [0x8100 tci], type, a
 * 46-byte payload into b; returns the length. */
unsigned int build(uint8_t *b, const uint8_t *tag, unsigned int tlen, bool vlan,
		   uint16_t tci, uint16_t type);
/* The VIF tag bytes (EtherType first) of a VN-Tag word / an E-Tag. */
unsigned int vntag_bytes(uint8_t *t, uint32_t word);
unsigned int etag_bytes(uint8_t *t, uint16_t w0, uint16_t w1, uint8_t iext,
			uint8_t ext);

/* An mbuf of pool holding b (one segment); fatal assert if none. */
struct rte_mbuf *mk(const uint8_t *b, unsigned int len);
/* Does m hold exactly b, all in the first segment? */
bool same(const struct rte_mbuf *m, const uint8_t *b, unsigned int len);
/* An untagged frame, 802.1Q tagged if vlan; its bytes into exp, *len. */
struct rte_mbuf *mk_plain(bool vlan, uint16_t tci, uint8_t *exp, unsigned int *len);
/* An mbuf whose frame starts headroom bytes into the buffer (the rest of
 * the buffer filled with 0x5c). */
struct rte_mbuf *mk_headroom(const uint8_t *b, unsigned int len, uint16_t headroom);

#endif
