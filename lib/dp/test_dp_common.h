/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What test_dp_egress.c and test_dp_ingress.c share (test programs only):
 * the stage entry points of lib/dp on real mbuf bursts, without ports, in
 * every tag format, with exact counters.
 *
 * The fixture is a struct fex_dp built by hand: two workers joined by SPSC
 * hand-off rings, port ids that name no ethdev (nothing is sent), a VIF
 * database whose reader 0 is this thread as worker 0 (offline around the
 * writer actions, so that the writer never waits for it) and reader 1 the
 * same thread as worker 1 (online only around its own calls).
 *
 * Here: the fixture and its globals, the frame builders, the checks that
 * report the caller's file and line (frames, per-VIF, per-worker and
 * tag_err counters), the writer actions, one burst through each stage,
 * test_begin()/test_end() around every test, and the suites of one
 * direction in each tag mode (dp_test_main()).
 */
#ifndef TEST_DP_COMMON_H
#define TEST_DP_COMMON_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "egress.h"
#include "ingress.h"
#include "fex_test.h"

#define HZ		1000000000ULL	/* the db's timebase: 1 tick = 1 ns */
#define NB_MBUFS	1023
#define SLOTS		FEX_BURST
#define FRAME_MAX	2048
#define NO_VLAN		(-1)
#define UUID		"4f2e9d2a-8b1c-4c55-9a0e-0123456789ab"
#define TCI(pcp, dei, vid) ((uint16_t)((pcp) << 13 | (dei) << 12 | (vid)))

/* vNIC port ids (no ethdev behind them) and their VIFs. */
#define P7	3	/* VIF 7, worker 0 */
#define P8	4	/* VIF 8, worker 0 */
#define P11	5	/* VIF 11, worker 1 */
#define P9	6	/* VIF 9, worker 0 */
#define P_NOVIF	9	/* worker 0, no VIF */
#define P10	10	/* VIF 10, worker 0 */
#define P12	12	/* VIF 12, worker 0, with its own VF P_VF */
#define P13	13	/* VIF 13, polled by no worker */
#define P_VF	20

extern struct rte_mempool *pool;
extern struct fex_vif_db *db;
extern struct fex_dp *dp;
extern struct fex_worker *w0, *w1;
extern enum fex_tag_mode mode;		/* of the running suite */
extern struct rte_ether_addr mac[16];	/* mac[v]: VIF v's MAC */

/* ------------------------------------------------------------------ */
/* Checks that report the caller's file and line                       */

bool ok_at(bool cond, const char *file, unsigned int line, const char *what);
bool expect_at(uint64_t got, uint64_t want, const char *what, const char *file,
	       unsigned int line);

#define OK(cond)		ok_at((cond), __FILE__, __LINE__, #cond)
#define EXPECT(got, want) \
	expect_at((uint64_t)(got), (uint64_t)(want), #got, __FILE__, __LINE__)

/* Every counter of a VIF (summed over the workers), of a worker, or of a
 * worker's tag errors, against a list where what is not named is 0:
 * VIF_EXPECT(7, V(RX_PACKETS) = 3, V(DROP_VLAN) = 1). */
#define V(c)	[FEX_VIF_CNT_ ## c]
#define D(c)	[FEX_DP_ ## c]
#define E(c)	[FEX_TAG_ERR_ ## c]
#define VIF_EXPECT(vif, ...) \
	vif_expect_at((vif), (const uint64_t[FEX_VIF_CNT_MAX]){ __VA_ARGS__ }, \
		      __FILE__, __LINE__)
#define DP_EXPECT(w, ...) \
	dp_expect_at((w), (const uint64_t[FEX_DP_CNT_MAX]){ __VA_ARGS__ }, \
		     __FILE__, __LINE__)
#define TAGERR_EXPECT(w, ...) \
	tagerr_expect_at((w), (const uint64_t[FEX_TAG_ERR_MAX]){ __VA_ARGS__ }, \
			 __FILE__, __LINE__)

void vif_expect_at(uint16_t vif, const uint64_t *want, const char *file,
		   unsigned int line);
void dp_expect_at(const struct fex_worker *w, const uint64_t *want,
		  const char *file, unsigned int line);
void tagerr_expect_at(const struct fex_worker *w, const uint64_t *want,
		      const char *file, unsigned int line);

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* Slot i: dst, src, [802.1Q vid/pcp/dei], IPv4 EtherType, a payload that
 * differs by slot; len bytes in all (a prefix of that for a runt). */
void eth_bytes(unsigned int i, const struct rte_ether_addr *src, int vid,
	       uint8_t pcp, uint8_t dei, uint32_t len);
/* An mbuf holding slot i, with `headroom` bytes in front (< 0: the
 * pool's default). */
struct rte_mbuf *mbuf_of(unsigned int i, int headroom);
/* A frame from a VM. */
struct rte_mbuf *vm_hr(unsigned int i, const struct rte_ether_addr *src, int vid,
		       uint8_t pcp, uint8_t dei, uint32_t len, int headroom);
struct rte_mbuf *vm(unsigned int i, const struct rte_ether_addr *src, int vid,
		    uint8_t pcp, uint8_t dei, uint32_t len);
/* A frame from the fabric without a VIF tag (a VF's, or mode none). */
struct rte_mbuf *plain(unsigned int i, int vid, uint8_t pcp, uint32_t len);
/* Push the suite's downstream VIF tag: grp 0 unicast to dvif, else a
 * flood (VN-Tag p=1, E-Tag GRP=grp) to VIF list dvif, looped from svif
 * when svif != 0 (VN-Tag l=1; E-Tag Ingress_E-CID = svif). */
struct rte_mbuf *down(struct rte_mbuf *m, uint8_t grp, uint16_t dvif, uint16_t svif);
/* A unicast frame from the fabric to dvif; slot i holds what is behind
 * the VIF tag. */
struct rte_mbuf *fab(unsigned int i, uint16_t dvif, int vid, uint8_t pcp,
		     uint32_t len);
struct rte_mbuf *flood(unsigned int i, uint8_t grp, uint16_t list, uint16_t svif,
		       int vid, uint32_t len);
/* Move everything after the first `first` bytes into a second segment. */
struct rte_mbuf *split(struct rte_mbuf *m, uint16_t first);
uint64_t sum_len(struct rte_mbuf *const *pkts, unsigned int n);

/* m is slot i as egress sends it (see test_dp_common.c). */
void check_up_at(const struct rte_mbuf *m, enum fex_tag_mode md, unsigned int i,
		 uint16_t svif, uint8_t epcp, uint16_t tci, const char *file,
		 unsigned int line);
#define CHECK_UP(m, md, i, svif, epcp, tci) \
	check_up_at((m), (md), (i), (svif), (epcp), (tci), __FILE__, __LINE__)

/* m is slot i as the VM gets it: VIF tag gone, and the 802.1Q tag too
 * when strip. */
void check_frame_at(const struct rte_mbuf *m, unsigned int i, bool strip,
		    const char *file, unsigned int line);
#define CHECK_FRAME(m, i, strip) check_frame_at((m), (i), (strip), __FILE__, __LINE__)

/* Entry k of worker w's tx buffer for port is slot i for VIF vif. */
void check_tx_at(const struct fex_worker *w, uint16_t port, unsigned int k,
		 uint16_t vif, unsigned int i, bool strip, const char *file,
		 unsigned int line);
#define CHECK_TX(w, port, k, vif, i, strip) \
	check_tx_at((w), (port), (k), (vif), (i), (strip), __FILE__, __LINE__)

/* m and o are the same frame, byte for byte, at the same place. */
void same_frame_at(const struct rte_mbuf *m, const struct rte_mbuf *o,
		   const char *file, unsigned int line);
#define SAME_FRAME(m, o) same_frame_at((m), (o), __FILE__, __LINE__)

/* ------------------------------------------------------------------ */
/* The control side (the writer) and the stages                        */

struct fex_profile prof(const char *name, uint16_t native);
void profile_put(const struct fex_profile *p);
void vif_put(uint16_t vif, uint16_t port, const char *profile, bool assoc);
void vif_del(uint16_t vif);
void viflist_put(uint16_t id, const uint16_t *vifs, unsigned int n);
void uplink_put(bool up);
enum fex_vif_state vif_state(uint16_t vif);

/* Worker 0, one burst: snapshot, stage, quiescent - as its loop does. */
uint16_t egress(uint16_t port, uint64_t now, struct rte_mbuf **pkts, uint16_t n);
void ingress(uint64_t now, struct rte_mbuf **pkts, uint16_t n);
void ingress_vf(uint64_t now, uint16_t vif, struct rte_mbuf **pkts, uint16_t n);
/* What worker 0 handed worker 1 (its hand-off ring, in order). */
uint16_t ring_take(struct rte_mbuf **pkts);
/* Worker 1 takes those frames, online only for that. */
void handoff(uint64_t now, struct rte_mbuf **pkts, uint16_t n);
const struct fex_txbuf *txb(const struct fex_worker *w, uint16_t port);
/* Free what waits in w's tx buffers and hand-off rings; a port with
 * frames must be on the dirty list. */
void worker_drain(struct fex_worker *w);

/* Every test starts from nothing: no VIF, list or profile, uplink up,
 * the suite's tag mode, no uplink MTU, no VF, zero worker counters. */
void test_begin(void);
/* Every test ends with nothing left: what the stages kept is freed, the
 * tag error detail adds up, and no mbuf is missing from the pool. */
void test_end(void);

/* ------------------------------------------------------------------ */
/* Suites                                                              */

#define M_VN	(1u << FEX_TAG_VNTAG)
#define M_ET	(1u << FEX_TAG_ETAG)
#define M_NONE	(1u << FEX_TAG_NONE)
#define M_TAGS	(M_VN | M_ET)
#define M_ALL	(M_TAGS | M_NONE)

struct dp_test {
	const char *name;
	CU_TestFunc fn;
	unsigned int modes;
};

/* main() of a test program: EAL, the fixture, one suite of dir's tests
 * (those of the mode) per tag mode - VN-Tag, E-Tag, none - and the run;
 * returns the exit status. */
int dp_test_main(const char *prog, const char *dir, const struct dp_test *tests,
		 unsigned int n);

#endif
