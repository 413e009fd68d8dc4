/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target of the data path: the fabric -> VM and VM -> fabric
 * stages (fex_dp_ingress + fex_dp_ingress_flush, fex_dp_egress: the code
 * the lcore loop runs) on arbitrary frames, with a real dataplane: fex_dp_create
 * with a ring uplink, vNIC ring ports attached as in production, a VIF
 * database with profiles, VIFs in every state and VIF lists. The harness
 * holds the far end of every vNIC ring, so delivered frames come back to it.
 *
 * Input: 4 control bytes, then up to FEX_BURST frames, each a 2-byte
 * big-endian length (clipped to what is left) and its bytes.
 *   [0] bits 0-1 tag mode (0 vntag, 1 etag, 2 none, 3 vntag),
 *       bit 2 egress (else ingress), bits 3-5 vNIC index (egress source),
 *       bit 6 chained mbufs, bit 7 uplink down
 *   [1] bit 7: headroom = bits 0-6 (else the pool's default)
 *   [2] segment size when chained: 1 + value (at most SEGS_MAX segments)
 *   [3] clock step (policers): value * 2^16 TSC cycles
 *
 * Checked on every input: every frame is accounted for (egress: sent +
 * drop counters = frames; ingress: delivered + drop counters = frames +
 * flood copies, up to the flood frames with no active member, which are
 * not drops), what egress sends carries the source VIF's tag, every
 * delivered mbuf is sound, and the mempool's in-use count is back to zero
 * (no leak).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/lsan_interface.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "egress.h"
#include "ingress.h"
#include "fex_port.h"

#define NB_VNIC		6
#define NB_MBUFS	4096
#define SEGS_MAX	64	/* per frame: FEX_BURST * SEGS_MAX < NB_MBUFS */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fex_dp *dp;
static struct fex_worker *w;
static uint16_t vnic[NB_VNIC];	/* dataplane side */
static uint16_t peer[NB_VNIC];	/* the "VM" side of the same ring */
static uint16_t vnic_vif[NB_VNIC] = { 1, 2, 3, 4, 5, 0 }; /* last: no VIF */
static uint64_t clock_now;
static bool uplink_down;

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_dp: %s: %s\n", what, err);
	abort();
}

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_dp: invariant broken: %s\n", what);
		abort();
	}
}

static void
profile(const char *name, const uint16_t *vlans, unsigned int nv, uint16_t native,
	int16_t cos, uint64_t rate, bool deny, bool enabled, bool warning,
	uint64_t in_rate)
{
	struct fex_profile p;
	char err[256];
	unsigned int i;

	fex_profile_defaults(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	for (i = 0; i < nv; i++)
		fex_vlan_set(p.vlans, vlans[i]);
	p.native_vlan = native;
	p.cos = cos;
	p.rate_kbps = rate;
	p.rate_mode = FEX_RATE_POLICE;	/* the shaper is a stage of its own */
	p.burst_bytes = rate ? 3000 : 0;
	p.ingress_rate_kbps = in_rate;
	p.ingress_burst_bytes = in_rate ? 3000 : 0;
	p.mac_forging = deny ? FEX_MAC_FORGING_DENY : FEX_MAC_FORGING_ALLOW;
	p.uplink_fail_action = warning ? FEX_UPLINK_FAIL_WARNING :
		FEX_UPLINK_FAIL_LINK_DOWN;
	p.enabled = enabled;
	if (fex_profile_set(dp->db, NULL, &p, err, sizeof(err)) < 0)
		die("profile.set", err);
}

static void
vif(uint16_t id, uint16_t port, const char *spec, const char *prof, bool pre)
{
	struct fex_vif_assoc a = {
		.vif = id, .port_id = port, .port_spec = spec, .profile = prof,
		.instance_uuid = "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a",
		.mac = {{ 0x02, 0, 0, 0, 0, (uint8_t)id }},
	};
	char err[256];
	int rc;

	rc = pre ? fex_vif_preassociate(dp->db, &a, err, sizeof(err)) :
		fex_vif_associate(dp->db, &a, err, sizeof(err));
	if (rc < 0)
		die("vif.associate", err);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {
		(*argv)[0], (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", (char *)"--no-shconf", (char *)"--no-telemetry",
		(char *)"-l", (char *)"0", (char *)"--log-level", (char *)"*:error",
		NULL,
	};
	static const uint16_t web[] = { 10, 20 }, open[] = { 30 }, all[] = { 10, 20, 30 };
	static const uint16_t list_all[] = { 1, 2, 3, 4, 5 }, list_one[] = { 2 };
	struct fex_dp_conf conf = {
		.mode = FEX_TAG_VNTAG, .uplink = "ring:fz_up", .nb_mbufs = NB_MBUFS,
	};
	struct fex_port_conf pc = { .nb_rxq = 1, .nb_txq = 1 };
	char err[256], spec[32];
	unsigned int i;

	(void)argc;
	/* Set-up allocations live until exit; some are only referenced from
	 * DPDK memory, which LeakSanitizer does not scan. */
	__lsan_disable();
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		die("EAL", rte_strerror(rte_errno));
	dp = fex_dp_create(&conf, err, sizeof(err));
	if (dp == NULL)
		die("fex_dp_create", err);
	w = dp->workers[0];
	pc.pool = dp->pool;
	for (i = 0; i < NB_VNIC; i++) {
		snprintf(spec, sizeof(spec), "ring:fz_vm%u", i);
		if (fex_dp_port_attach(dp, spec, &vnic[i], err, sizeof(err)) < 0)
			die("attach", err);
		if (fex_port_open(spec, &pc, &peer[i], err, sizeof(err)) < 0)
			die("peer", err);
	}
	profile("web", web, 2, 10, 3, 0, true, true, false, 0);
	profile("open", open, 1, 0, FEX_COS_LEAVE, 0, false, true, true, 0);
	profile("slow", all, 3, 20, 5, 64, false, true, false, 64);
	profile("off", web, 2, 10, FEX_COS_LEAVE, 0, false, false, false, 0);
	for (i = 0; i < NB_VNIC; i++) {
		static const char *const prof[] = { "web", "open", "slow", "off", "web" };

		if (vnic_vif[i] == 0)
			continue;
		snprintf(spec, sizeof(spec), "ring:fz_vm%u", i);
		vif(vnic_vif[i], vnic[i], spec, prof[i], vnic_vif[i] == 5);
	}
	if (fex_viflist_set(dp->db, 100, list_all, RTE_DIM(list_all), err, sizeof(err)) < 0 ||
	    fex_viflist_set(dp->db, 101, list_one, RTE_DIM(list_one), err, sizeof(err)) < 0)
		die("viflist.set", err);
	/* Tables are set: from now on this thread is worker 0. */
	if (fex_vif_reader_init(dp->db, 0, &w->rd) < 0)
		die("reader", "cannot register");
	__lsan_enable();
	return 0;
}

/* A frame as one mbuf or a chain of segments of seg bytes (more when the
 * frame would need over SEGS_MAX of them). */
static struct rte_mbuf *
frame(const uint8_t *d, size_t len, int headroom, size_t seg)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	size_t off = 0;

	seg = RTE_MAX(seg, (len + SEGS_MAX - 1) / SEGS_MAX);
	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp->pool);
		size_t room, take;

		if (m == NULL)
			die("frame", "mempool empty");
		if (headroom >= 0 && head == NULL)
			m->data_off = (uint16_t)headroom;
		room = RTE_MIN((size_t)rte_pktmbuf_tailroom(m), seg);
		take = RTE_MIN(len - off, room);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), d + off, take);
		m->data_len = (uint16_t)take;
		off += take;
		if (head == NULL) {
			head = m;
			head->pkt_len = 0;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		head->pkt_len += (uint32_t)take;
		last = m;
	} while (off < len);
	return head;
}

struct tally {
	struct fex_dp_stats dp;
	uint64_t vif[FEX_VIF_SLOTS][FEX_VIF_CNT_MAX];
};

static struct tally before, after;

static void
tally_take(struct tally *t)
{
	unsigned int i;

	fex_dp_stats_sum(dp, &t->dp);
	for (i = 1; i <= 5; i++)
		fex_vif_stats(dp->db, (uint16_t)i, t->vif[i]);
}

static uint64_t
dp_delta(enum fex_dp_cnt k)
{
	return after.dp.c[k] - before.dp.c[k];
}

static uint64_t
vif_drops(void)
{
	uint64_t n = 0;
	unsigned int i, k;

	for (i = 1; i <= 5; i++)
		for (k = FEX_VIF_CNT_DROP_INACTIVE; k < FEX_VIF_CNT_MAX; k++)
			n += after.vif[i][k] - before.vif[i][k];
	return n;
}

static void
uplink_set(bool down)
{
	if (down == uplink_down)
		return;
	/* The writer waits for readers: step out of the reader role. */
	fex_vif_reader_offline(&w->rd);
	if (fex_vif_uplink_set(dp->db, !down) < 0)
		die("uplink", "fex_vif_uplink_set failed");
	fex_vif_reader_online(&w->rd);
	uplink_down = down;
}

static void
run_egress(unsigned int idx, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t svif, out, i;
	uint64_t drops;

	out = fex_dp_egress(w, clock_now, vnic[idx], pkts, n);
	svif = w->eg_svif;
	check(svif == vnic_vif[idx], "egress: source VIF is the port's VIF");
	for (i = 0; i < out; i++) {
		struct fex_tag_info ti;

		check(rte_mbuf_check(pkts[i], 1, NULL) == 0, "egress: sound mbuf");
		if (dp->mode != FEX_TAG_NONE) {
			check(fex_tag_parse(pkts[i], dp->mode, FEX_TAG_DIR_UP, &ti) == 0,
			      "egress: frame carries an upstream tag");
			check(ti.svif == svif, "egress: tag names the source VIF");
		}
	}
	rte_pktmbuf_free_bulk(pkts, out);
	tally_take(&after);
	drops = vif_drops() + dp_delta(FEX_DP_DROP_NO_VIF) + dp_delta(FEX_DP_DROP_RUNT);
	check(out + drops == n, "egress: sent + drops = frames");
}

static void
run_ingress(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *got[FEX_BURST];
	uint64_t delivered = 0, drops, floods = 0, sum;
	unsigned int i;
	uint16_t k, r;

	for (i = 0; i < n; i++) {
		struct fex_tag_info ti;

		if (fex_tag_parse(pkts[i], dp->mode, FEX_TAG_DIR_DOWN, &ti) == 0 && ti.ptr)
			floods++;
	}
	fex_dp_ingress(w, clock_now, pkts, n);
	fex_dp_ingress_flush(w);
	for (i = 0; i < NB_VNIC; i++) {
		while ((r = rte_eth_rx_burst(peer[i], 0, got, RTE_DIM(got))) > 0) {
			for (k = 0; k < r; k++)
				check(rte_mbuf_check(got[k], 1, NULL) == 0,
				      "ingress: sound mbuf");
			/* VIF 4: profile disabled; 5: preassociated; 1 and 3:
			 * link-down profiles, down while the uplink is. */
			check(vnic_vif[i] != 0 && vnic_vif[i] != 5 && vnic_vif[i] != 4 &&
			      !(uplink_down && (vnic_vif[i] == 1 || vnic_vif[i] == 3)),
			      "ingress: only active VIFs receive");
			delivered += r;
			rte_pktmbuf_free_bulk(got, r);
		}
	}
	tally_take(&after);
	drops = vif_drops() + dp_delta(FEX_DP_DROP_UNKNOWN_VIF) +
		dp_delta(FEX_DP_DROP_MALFORMED) + dp_delta(FEX_DP_DROP_DIRECTION) +
		dp_delta(FEX_DP_DROP_STALE) + dp_delta(FEX_DP_DROP_HANDOFF_FULL) +
		dp_delta(FEX_DP_DROP_NO_MBUF);
	sum = delivered + drops;
	check(dp_delta(FEX_DP_UPLINK_RX_PACKETS) == n, "ingress: rx counted");
	check(sum + floods >= n + dp_delta(FEX_DP_FLOOD_COPIES) &&
	      sum <= n + dp_delta(FEX_DP_FLOOD_COPIES),
	      "ingress: delivered + drops = frames + flood copies");
	if (floods == 0)
		check(sum == n, "ingress: delivered + drops = frames");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fex_tag_mode modes[] = {
		FEX_TAG_VNTAG, FEX_TAG_ETAG, FEX_TAG_NONE, FEX_TAG_VNTAG,
	};
	struct rte_mbuf *pkts[FEX_BURST];
	unsigned int idx;
	int headroom;
	size_t seg, off = 4;
	uint16_t n = 0;

	if (size < 4)
		return 0;
	dp->mode = modes[data[0] & 3];
	idx = ((data[0] >> 3) & 7) % NB_VNIC;
	headroom = (data[1] & 0x80) ? (data[1] & 0x7f) : -1;
	seg = (data[0] & 0x40) ? (size_t)data[2] + 1 : SIZE_MAX;
	clock_now += (uint64_t)data[3] << 16;
	uplink_set((data[0] & 0x80) != 0);

	while (off + 2 <= size && n < FEX_BURST) {
		size_t len = ((size_t)data[off] << 8) | data[off + 1];

		off += 2;
		len = RTE_MIN(len, size - off);
		pkts[n++] = frame(data + off, len, headroom, seg);
		off += len;
	}
	if (n == 0)
		return 0;

	fex_vif_reader_snapshot(&w->rd);
	tally_take(&before);
	if (data[0] & 4)
		run_egress(idx, pkts, n);
	else
		run_ingress(pkts, n);
	fex_vif_reader_quiescent(&w->rd);
	check(rte_mempool_in_use_count(dp->pool) == 0, "no mbuf leaked");
	return 0;
}
