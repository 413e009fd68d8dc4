/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-frame rules of SPEC §3 (fex_policy.h), called directly on
 * parsed headers: the functions egress.c and ingress.c run. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "fex_policy.h"
#include "fex_test.h"
#include "test_vif_common.h"

#define HZ 1000000000ULL
#define UUID1 "4f2e9d2a-8b1c-4c55-9a0e-0123456789ab"

static struct fex_vif_db *db;
static char err[256];

static const struct rte_ether_addr mac1 = {{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 }};
static const struct rte_ether_addr mac2 = {{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 }};

/* Every test starts from nothing. */
static int
clean(void)
{
	return tvif_clean(db);
}

/* ------------------------------------------------------------------ */
/* Per-frame policy                                                    */

struct pol {
	struct fex_vif_reader r;
	const struct fex_vif_entry *v;
	const struct fex_profile_rt *p;
	struct fex_meter *m;
};

/* Set profile "pol" to *p, VIF 7 on port 3 with MAC mac1, and look
 * them up through a reader snapshot. */
static void
pol_setup(struct pol *x, const struct fex_profile *p, bool assoc_it)
{
	struct fex_vif_assoc a = assoc(7, 3, &mac1, UUID1, "pol");

	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(assoc_it ? fex_vif_associate(db, &a, err, sizeof(err)) :
			      fex_vif_preassociate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_vif_reader_init(db, 0, &x->r), 0);
	fex_vif_reader_snapshot(&x->r);
	CU_ASSERT_EQUAL_FATAL(fex_vif_of_port(x->r.t, 3), 7);
	x->v = fex_vif_entry(x->r.t, 7);
	x->p = fex_vif_profile(x->r.t, x->v);
	x->m = &x->r.t->rt[7].egress;
}

static void
pol_done(struct pol *x)
{
	fex_vif_reader_quiescent(&x->r);
	fex_vif_reader_fini(&x->r);
	clean();
}

static enum fex_verdict
eg(struct pol *x, const struct rte_ether_addr *src, bool tagged, uint16_t vid,
   uint8_t pcp, struct fex_pkt_action *a)
{
	struct fex_pkt_hdr h = { .src = src, .len = 100, .vid = vid,
				 .has_vlan = tagged, .pcp = pcp };

	memset(a, 0xee, sizeof(*a));
	return fex_policy_egress(x->v, x->p, x->m, 0, &h, a);
}

static enum fex_verdict
ig(struct pol *x, bool tagged, uint16_t vid, struct fex_pkt_action *a)
{
	struct fex_pkt_hdr h = { .src = &mac2, .len = 100, .vid = vid,
				 .has_vlan = tagged, .pcp = 3 };

	memset(a, 0xee, sizeof(*a));
	return fex_policy_ingress(x->v, x->p, &x->r.t->rt[7].ingress, 0, &h, a);
}

static void
test_policy_inactive(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_action a;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	p.native_vlan = 10;
	pol_setup(&x, &p, false);		/* preassociated */
	CU_ASSERT_EQUAL(eg(&x, &mac1, false, 0, 0, &a), FEX_DROP_INACTIVE);
	CU_ASSERT_EQUAL(ig(&x, true, 10, &a), FEX_DROP_INACTIVE);
	pol_done(&x);

	p.enabled = false;
	pol_setup(&x, &p, true);		/* associated, disabled */
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 0, &a), FEX_DROP_INACTIVE);
	CU_ASSERT_EQUAL(ig(&x, true, 10, &a), FEX_DROP_INACTIVE);
	CU_ASSERT_FALSE(fex_vif_active(x.r.t, x.v));
	pol_done(&x);

	/* uplink down + link-down profile: down = inactive */
	p.enabled = true;
	pol_setup(&x, &p, true);
	CU_ASSERT_TRUE(fex_vif_active(x.r.t, x.v));
	fex_vif_reader_offline(&x.r);	/* the writer must not wait for us */
	fex_vif_uplink_set(db, false);
	fex_vif_reader_online(&x.r);
	fex_vif_reader_snapshot(&x.r);
	x.v = fex_vif_entry(x.r.t, 7);
	CU_ASSERT_EQUAL(x.v->state, FEX_VIF_DOWN);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 0, &a), FEX_DROP_INACTIVE);
	pol_done(&x);
}

static void
test_policy_mac_forging(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_action a;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	pol_setup(&x, &p, true);		/* allow (default) */
	CU_ASSERT_EQUAL(eg(&x, &mac2, true, 10, 0, &a), FEX_PASS);
	pol_done(&x);
	p.mac_forging = FEX_MAC_FORGING_DENY;
	pol_setup(&x, &p, true);
	CU_ASSERT_EQUAL(eg(&x, &mac2, true, 10, 0, &a), FEX_DROP_MAC_FORGED);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 0, &a), FEX_PASS);
	pol_done(&x);
}

static void
test_policy_vlan_egress(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_action a;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	fex_vlan_set(p.vlans, 4094);
	pol_setup(&x, &p, true);		/* no native VLAN */
	CU_ASSERT_EQUAL(eg(&x, &mac1, false, 0, 0, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 0, 5, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 11, 0, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 4095, 0, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 4094, 6, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.vid, 4094);
	CU_ASSERT_EQUAL(a.pcp, 6);		/* cos absent: PCP kept */
	CU_ASSERT_EQUAL(a.epcp, 6);
	CU_ASSERT_EQUAL(a.insert_vlan, 0);
	CU_ASSERT_EQUAL(a.set_tci, 0);
	CU_ASSERT_EQUAL(a.strip_vlan, 0);
	pol_done(&x);

	p.native_vlan = 20;		/* implicitly allowed */
	pol_setup(&x, &p, true);
	CU_ASSERT_EQUAL(eg(&x, &mac1, false, 0, 0, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.insert_vlan, 1);
	CU_ASSERT_EQUAL(a.set_tci, 0);
	CU_ASSERT_EQUAL(a.vid, 20);
	CU_ASSERT_EQUAL(a.pcp, 0);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 20, 2, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.insert_vlan, 0);
	CU_ASSERT_EQUAL(a.vid, 20);
	/* priority-tagged: VID rewritten to native, PCP kept */
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 0, 5, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.insert_vlan, 0);
	CU_ASSERT_EQUAL(a.set_tci, 1);
	CU_ASSERT_EQUAL(a.vid, 20);
	CU_ASSERT_EQUAL(a.pcp, 5);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 11, 0, &a), FEX_DROP_VLAN);
	pol_done(&x);
}

static void
test_policy_cos(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_action a;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	p.native_vlan = 10;
	p.cos = 4;
	pol_setup(&x, &p, true);
	CU_ASSERT_EQUAL(eg(&x, &mac1, false, 0, 0, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.insert_vlan, 1);
	CU_ASSERT_EQUAL(a.pcp, 4);
	CU_ASSERT_EQUAL(a.epcp, 4);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 1, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.set_tci, 1);
	CU_ASSERT_EQUAL(a.pcp, 4);
	CU_ASSERT_EQUAL(a.epcp, 4);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 4, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.set_tci, 0);		/* already right */
	pol_done(&x);
	p.cos = 0;
	pol_setup(&x, &p, true);
	CU_ASSERT_EQUAL(eg(&x, &mac1, true, 10, 7, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.set_tci, 1);
	CU_ASSERT_EQUAL(a.pcp, 0);
	CU_ASSERT_EQUAL(a.epcp, 0);
	pol_done(&x);
}

static void
test_policy_ingress(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_action a;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	fex_vlan_set(p.vlans, 30);
	pol_setup(&x, &p, true);		/* no native */
	CU_ASSERT_EQUAL(ig(&x, false, 0, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(ig(&x, true, 0, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(ig(&x, true, 11, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(ig(&x, true, 4095, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(ig(&x, true, 30, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.strip_vlan, 0);
	CU_ASSERT_EQUAL(a.vid, 30);
	CU_ASSERT_EQUAL(a.pcp, 3);
	pol_done(&x);

	p.native_vlan = 10;
	pol_setup(&x, &p, true);
	CU_ASSERT_EQUAL(ig(&x, true, 10, &a), FEX_PASS);	/* native: strip */
	CU_ASSERT_EQUAL(a.strip_vlan, 1);
	CU_ASSERT_EQUAL(ig(&x, true, 30, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.strip_vlan, 0);
	CU_ASSERT_EQUAL(ig(&x, false, 0, &a), FEX_PASS);	/* untagged: native */
	CU_ASSERT_EQUAL(a.strip_vlan, 0);
	CU_ASSERT_EQUAL(a.vid, 10);
	CU_ASSERT_EQUAL(ig(&x, true, 0, &a), FEX_PASS);	/* priority tag */
	CU_ASSERT_EQUAL(a.strip_vlan, 1);
	CU_ASSERT_EQUAL(ig(&x, true, 20, &a), FEX_DROP_VLAN);
	pol_done(&x);
}

static void
test_policy_policers(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_hdr h = { .src = &mac1, .len = 1500, .vid = 10, .has_vlan = 1 };
	struct fex_pkt_action a;
	unsigned int i, pass;
	struct pol x;

	clean();
	fex_vlan_set(p.vlans, 10);
	p.rate_kbps = 8;		/* 1000 B/s */
	p.rate_mode = FEX_RATE_POLICE;
	p.burst_bytes = 15000;
	p.ingress_rate_kbps = 8;
	p.ingress_burst_bytes = 3000;
	pol_setup(&x, &p, true);
	for (i = 0, pass = 0; i < 20; i++)
		pass += fex_policy_egress(x.v, x.p, x.m, 5, &h, &a) == FEX_PASS;
	CU_ASSERT_EQUAL(pass, 10);
	CU_ASSERT_EQUAL(fex_policy_egress(x.v, x.p, x.m, 5, &h, &a), FEX_DROP_POLICER);
	/* 1.5 s later: 1500 bytes more */
	CU_ASSERT_EQUAL(fex_policy_egress(x.v, x.p, x.m, 5 + 1500 * HZ / 1000, &h, &a), FEX_PASS);
	for (i = 0, pass = 0; i < 5; i++)
		pass += fex_policy_ingress(x.v, x.p, &x.r.t->rt[7].ingress, 5, &h, &a) == FEX_PASS;
	CU_ASSERT_EQUAL(pass, 2);
	CU_ASSERT_EQUAL(fex_policy_ingress(x.v, x.p, &x.r.t->rt[7].ingress, 5, &h, &a),
			FEX_DROP_INGRESS_POLICER);
	/* dropped frames do not consume tokens */
	h.vid = 11;
	CU_ASSERT_EQUAL(fex_policy_egress(x.v, x.p, x.m, 5 + 3 * HZ, &h, &a), FEX_DROP_VLAN);
	pol_done(&x);
}


/* The pieces fex_policy_egress/ingress are made of, one by one (the
 * burst-wide egress path of egress.c calls them directly). */
static void
test_policy_pieces(void)
{
	struct fex_profile p = prof("pol");
	struct fex_pkt_hdr untagged = { .src = &mac1, .len = 100 };
	struct fex_pkt_hdr tagged = { .src = &mac1, .len = 100, .vid = 30, .has_vlan = 1, .pcp = 2 };
	const struct rte_ether_addr odd = {{ 0x52, 0x54, 0x00, 0x00, 0x01, 0x01 }};
	struct fex_pkt_action a = { 0 };
	struct pol x;

	CU_ASSERT_TRUE(fex_mac_eq(&mac1, &mac1));
	CU_ASSERT_FALSE(fex_mac_eq(&mac1, &mac2));
	CU_ASSERT_FALSE(fex_mac_eq(&mac1, &odd));
	clean();
	fex_vlan_set(p.vlans, 30);
	p.native_vlan = 10;
	p.cos = 6;
	p.rate_kbps = 8;		/* 1000 B/s */
	p.rate_mode = FEX_RATE_POLICE;
	p.burst_bytes = 2000;
	p.ingress_rate_kbps = 8;
	p.ingress_burst_bytes = 2000;
	pol_setup(&x, &p, true);
	CU_ASSERT_TRUE(fex_policy_active(x.v, x.p));
	CU_ASSERT_EQUAL(fex_policy_egress_vlan(x.p, &untagged, &a), FEX_PASS);
	CU_ASSERT(a.insert_vlan == 1 && a.vid == 10 && a.pcp == 6 && a.epcp == 6);
	CU_ASSERT_EQUAL(fex_policy_egress_vlan(x.p, &tagged, &a), FEX_PASS);
	CU_ASSERT(a.set_tci == 1 && a.vid == 30 && a.pcp == 6);
	tagged.vid = 31;
	CU_ASSERT_EQUAL(fex_policy_egress_vlan(x.p, &tagged, &a), FEX_DROP_VLAN);
	CU_ASSERT_EQUAL(fex_policy_ingress_vlan(x.p, &tagged, &a), FEX_DROP_VLAN);
	tagged.vid = 10;
	CU_ASSERT_EQUAL(fex_policy_ingress_vlan(x.p, &tagged, &a), FEX_PASS);
	CU_ASSERT_EQUAL(a.strip_vlan, 1);
	/* a whole burst against the bucket at once: 2000 B fit, 2001 do not */
	CU_ASSERT_FALSE(fex_policy_egress_meter(x.p, x.m, 5, 2001));
	CU_ASSERT_TRUE(fex_policy_egress_meter(x.p, x.m, 5, 2000));
	CU_ASSERT_FALSE(fex_policy_egress_meter(x.p, x.m, 5, 1));
	CU_ASSERT_FALSE(fex_policy_egress_meter(x.p, x.m, 5, UINT64_C(1) << 33));
	CU_ASSERT_TRUE(fex_policy_ingress_meter(x.p, &x.r.t->rt[7].ingress, 5, 2000));
	CU_ASSERT_FALSE(fex_policy_ingress_meter(x.p, &x.r.t->rt[7].ingress, 5, 1));
	pol_done(&x);
	/* no rate: always green */
	p.rate_kbps = 0;
	p.burst_bytes = 0;
	p.ingress_rate_kbps = 0;
	p.ingress_burst_bytes = 0;
	p.enabled = false;
	pol_setup(&x, &p, true);
	CU_ASSERT_FALSE(fex_policy_active(x.v, x.p));
	CU_ASSERT_TRUE(fex_policy_egress_meter(x.p, x.m, 5, 1u << 30));
	CU_ASSERT_TRUE(fex_policy_ingress_meter(x.p, &x.r.t->rt[7].ingress, 5, 1u << 30));
	pol_done(&x);
}

int
main(int argc, char **argv)
{
	CU_pSuite s;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	db = fex_vif_db_create(2, HZ, SOCKET_ID_ANY);
	if (db == NULL) {
		fprintf(stderr, "fex_vif_db_create: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("policy", NULL, NULL);
	CU_add_test(s, "policy: inactive", test_policy_inactive);
	CU_add_test(s, "policy: mac forging", test_policy_mac_forging);
	CU_add_test(s, "policy: egress VLAN", test_policy_vlan_egress);
	CU_add_test(s, "policy: CoS", test_policy_cos);
	CU_add_test(s, "policy: ingress VLAN", test_policy_ingress);
	CU_add_test(s, "policy: policers", test_policy_policers);
	CU_add_test(s, "policy: the pieces", test_policy_pieces);
	{
		int rc = fex_test_run();

		fex_vif_db_free(db);
		rte_eal_cleanup();
		return rc;
	}
}
