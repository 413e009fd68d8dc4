/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/vif's tables: profile set/get/list/delete, max_ports,
 * the VIF state machine (fex_vif.h's table), uplink down/up, VIF lists,
 * and readers checking invariants while the writer churns. Validation,
 * names and VLAN lists are test_vif.c; transactions test_vif_txn.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "fex_test.h"
#include "fex_vif.h"
#include "test_vif_common.h"

#define HZ 1000000000ULL
#define UUID1 "4f2e9d2a-8b1c-4c55-9a0e-0123456789ab"
#define UUID2 "4F2E9D2A-8B1C-4C55-9A0E-BA9876543210"

static struct fex_vif_db *db;
static char err[256];

static const struct rte_ether_addr mac1 = {{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 }};
static const struct rte_ether_addr mac2 = {{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 }};

static int
clean(void)
{
	return tvif_clean(db);
}

static int
collect_names(const struct fex_profile *p, unsigned int n, void *arg)
{
	char *out = arg;

	RTE_SET_USED(n);
	strcat(out, p->name);
	strcat(out, " ");
	return 0;
}

static void
test_profile_ops(void)
{
	struct fex_profile p = prof("web"), got;
	struct fex_vif_assoc a = assoc(1, 0, &mac1, UUID1, "web");
	unsigned int n;
	char names[128] = "";

	clean();
	CU_ASSERT_EQUAL(fex_profile_set(db, "prod", &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cluster"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "default"));
	CU_ASSERT_EQUAL(fex_profile_get(db, "web", &got, &n), -ENOENT);
	CU_ASSERT_EQUAL(fex_profile_set(db, "default", &p, err, sizeof(err)), 0);
	p = prof("db");
	p.rate_kbps = 1000;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	p = prof("app");
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_foreach(db, collect_names, names), 0);
	CU_ASSERT_STRING_EQUAL(names, "app db web ");
	CU_ASSERT_EQUAL(fex_profile_get(db, "db", &got, &n), 0);
	CU_ASSERT_EQUAL(got.rate_kbps, 1000);
	CU_ASSERT_EQUAL(n, 0);
	/* modify */
	p = prof("db");
	p.rate_kbps = 2000;
	p.native_vlan = 10;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_get(db, "db", &got, NULL), 0);
	CU_ASSERT_EQUAL(got.rate_kbps, 2000);
	CU_ASSERT_EQUAL(got.native_vlan, 10);
	/* invalid modify changes nothing */
	p.cos = 9;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_profile_get(db, "db", &got, NULL), 0);
	CU_ASSERT_EQUAL(got.cos, FEX_COS_LEAVE);
	/* delete while in use */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_get(db, "web", NULL, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(fex_profile_delete(db, NULL, "web", err, sizeof(err)), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "used by 1"));
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(-EBUSY), "bad-state");
	CU_ASSERT_EQUAL(fex_profile_delete(db, "other", "web", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_delete(db, NULL, "web", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_delete(db, NULL, "web", err, sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(fex_profile_get(db, "web", NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(fex_cluster_check("default", err, sizeof(err)), 0);
}

static void
test_max_ports(void)
{
	struct fex_profile p = prof("small");
	struct fex_vif_assoc a;
	int rc;

	clean();
	p.max_ports = 2;
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	a = assoc(1, 1, &mac1, UUID1, "small");
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	a = assoc(2, 2, &mac2, UUID2, "small");
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &a, err, sizeof(err)), 0);
	a = assoc(3, 3, &mac2, UUID2, "small");
	rc = fex_vif_associate(db, &a, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "insufficient-resources");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "max_ports=2"));
	/* re-associating a VIF already counted is not a new port */
	a = assoc(1, 1, &mac1, UUID1, "small");
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	/* lowering max_ports below the users is refused */
	p.max_ports = 1;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "max_ports"));
	p.max_ports = 3;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	a = assoc(3, 3, &mac2, UUID2, "small");
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	/* a slot freed by disassociate is usable again */
	p.max_ports = 3;
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 2, err, sizeof(err)), 0);
	a = assoc(4, 4, &mac2, UUID2, "small");
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
}

static void
test_transitions(void)
{
	struct fex_profile p = prof("t"), q = prof("u");
	struct fex_vif_assoc a = assoc(100, 5, &mac1, UUID1, "t"), b;
	struct fex_vif_info vi;
	unsigned int n;
	int rc;

	clean();
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &q, err, sizeof(err)), 0);

	/* none -> preassociated -> associated -> none */
	CU_ASSERT_EQUAL(fex_vif_get(db, 100, &vi), -ENOENT);
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_get(db, 100, &vi), 0);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_PREASSOCIATED);
	CU_ASSERT_STRING_EQUAL(vi.port_spec, "ring:test");
	CU_ASSERT_STRING_EQUAL(vi.instance_uuid, UUID1);
	CU_ASSERT_STRING_EQUAL(vi.profile, "t");
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 5), 100);
	/* preassociate again, same MAC + UUID: updates profile and port */
	b = a;
	b.profile = "u";
	b.port_id = 6;
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 5), 0);
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 6), 100);
	CU_ASSERT_EQUAL(fex_profile_get(db, "t", NULL, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(fex_profile_get(db, "u", NULL, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	/* preassociated with another MAC / UUID: bad-state */
	b = a;
	b.mac = mac2;
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &b, err, sizeof(err)), -EBUSY);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EBUSY);
	b = a;
	b.instance_uuid = UUID2;
	rc = fex_vif_associate(db, &b, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -EBUSY);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "bad-state");
	/* preassociated -> associated (port 5 again, profile t) */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_get(db, 100, &vi), 0);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_ASSOCIATED);
	CU_ASSERT_EQUAL(vi.port_id, 5);
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 6), 0);
	/* associated: associate again, same everything: success (profile change) */
	b = a;
	b.profile = "u";
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_get(db, 100, &vi), 0);
	CU_ASSERT_STRING_EQUAL(vi.profile, "u");
	/* associated: other port / MAC / UUID: bad-state; preassociate: bad-state */
	b = a;
	b.port_id = 7;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EBUSY);
	b = a;
	b.mac = mac2;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EBUSY);
	b = a;
	b.instance_uuid = UUID2;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EBUSY);
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &a, err, sizeof(err)), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "associated"));
	/* port of another VIF: bad-state */
	b = assoc(101, 5, &mac2, UUID2, "t");
	rc = fex_vif_associate(db, &b, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -EADDRINUSE);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "bad-state");
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &b, err, sizeof(err)), -EADDRINUSE);
	/* associated -> none; disassociate again: bad-state */
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 100, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_get(db, 100, &vi), -ENOENT);
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 5), 0);
	rc = fex_vif_disassociate(db, 100, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -ESRCH);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "bad-state");
	/* none -> associated directly, then preassociated -> none */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 100, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 100, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_get(db, "t", NULL, &n), 0);
	CU_ASSERT_EQUAL(n, 0);

	/* invalid arguments */
	b = a;
	b.vif = 0;
	rc = fex_vif_associate(db, &b, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "invalid");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vif"));
	b.vif = 4096;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	b.vif = 4095;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 4095, err, sizeof(err)), 0);
	b = a;
	b.profile = "nope";
	rc = fex_vif_associate(db, &b, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -ENOENT);
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(rc), "invalid");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "profile"));
	b = a;
	b.cluster = "east";
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cluster"));
	b = a;
	b.instance_uuid = "not-a-uuid";
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "instance_uuid"));
	b = a;
	memset(&b.mac, 0, sizeof(b.mac));
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	b.mac.addr_bytes[0] = 1;	/* multicast */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mac"));
	b = a;
	b.port_id = FEX_PORT_MAX;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	b = a;
	b.port_spec = "";
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 0, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_vif_get(db, 4096, &vi), -EINVAL);

	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(0), "success");
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(-EINPROGRESS), "in-progress");
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(-ENOMEM), "insufficient-resources");
	CU_ASSERT_STRING_EQUAL(fex_vif_response_name(-EIO), "error");
	CU_ASSERT_STRING_EQUAL(fex_vif_state_name(FEX_VIF_DOWN), "down");
}

static void
test_uplink(void)
{
	struct fex_profile p = prof("ld"), q = prof("warn");
	struct fex_vif_assoc a = assoc(1, 1, &mac1, UUID1, "ld");
	struct fex_vif_assoc b = assoc(2, 2, &mac2, UUID2, "warn");
	struct fex_vif_assoc c = assoc(3, 3, &mac2, UUID2, "ld");
	struct fex_vif_info vi;

	clean();
	q.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &q, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_preassociate(db, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, false), 1);
	fex_vif_get(db, 1, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_DOWN);
	fex_vif_get(db, 2, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_ASSOCIATED);
	fex_vif_get(db, 3, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_PREASSOCIATED);
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, false), 0);
	/* associate while down with link-down: down */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &c, err, sizeof(err)), 0);
	fex_vif_get(db, 3, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_DOWN);
	/* a down VIF is re-associated idempotently and stays down */
	CU_ASSERT_EQUAL(fex_vif_associate(db, &a, err, sizeof(err)), 0);
	fex_vif_get(db, 1, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_DOWN);
	/* profile switched to warning while the uplink is down */
	p.uplink_fail_action = FEX_UPLINK_FAIL_WARNING;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	fex_vif_get(db, 1, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_ASSOCIATED);
	p.uplink_fail_action = FEX_UPLINK_FAIL_LINK_DOWN;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	fex_vif_get(db, 1, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_DOWN);
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, true), 2);
	fex_vif_get(db, 1, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_ASSOCIATED);
	fex_vif_get(db, 3, &vi);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_ASSOCIATED);
	/* down VIFs can be disassociated */
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, false), 2);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 3, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, true), 1);
}

static void
test_viflist(void)
{
	const uint16_t m1[] = { 1, 2, 4095 }, dup[] = { 1, 1 }, bad[] = { 0 };
	uint16_t got[8];
	struct fex_vif_reader r;
	const struct fex_viflist *l;

	clean();
	CU_ASSERT_EQUAL(fex_viflist_set(db, 1, m1, 3, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 16383, m1, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 0, m1, 1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1-16383"));
	CU_ASSERT_EQUAL(fex_viflist_set(db, 16384, m1, 1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 2, dup, 2, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "twice"));
	CU_ASSERT_EQUAL(fex_viflist_set(db, 2, bad, 1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 1, got, RTE_DIM(got)), 3);
	CU_ASSERT_EQUAL(got[2], 4095);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 2, got, RTE_DIM(got)), -ENOENT);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 1, m1, 2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 1, got, 1), 2);

	CU_ASSERT_EQUAL_FATAL(fex_vif_reader_init(db, 0, &r), 0);
	fex_vif_reader_snapshot(&r);
	l = fex_viflist_lookup(r.t, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->n, 2);
	CU_ASSERT_PTR_NULL(fex_viflist_lookup(r.t, 2));
	CU_ASSERT_PTR_NULL(fex_viflist_lookup(r.t, 20000));
	fex_vif_reader_quiescent(&r);
	fex_vif_reader_fini(&r);

	CU_ASSERT_EQUAL(fex_viflist_delete(db, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_delete(db, 1, err, sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 1, got, 1), -ENOENT);
}

/* ------------------------------------------------------------------ */
/* Concurrency: readers check invariants while the writer churns       */

#define CC_READERS	2
#define CC_UPDATES	10000	/* at least this many updates ... */
#define CC_OVERLAPS	500	/* ... and until readers saw this many publishes */
#define CC_SECS_MAX	120	/* give up (and fail) after this */
#define CC_VIFS		64
#define CC_PROFILES	8
#define CC_IDLE_EVERY	64	/* rounds; power of 2 */

struct cc_reader {
	pthread_t th;
	unsigned int id;
	uint64_t bursts;
	uint64_t errors;
	uint64_t forwarded;
	uint64_t overlaps;	/* rounds during which the writer published */
};

static volatile int cc_stop;

static bool
cc_check_table(const struct fex_vif_table *t)
{
	unsigned int i;

	for (i = 0; i < FEX_PORT_MAX; i++) {
		uint16_t v = t->port_vif[i];

		if (v != 0 && (t->vif[v].state == FEX_VIF_NONE || t->vif[v].port != i))
			return false;
	}
	for (i = 1; i <= CC_VIFS; i++) {
		const struct fex_vif_entry *e = &t->vif[i];
		const struct fex_profile_rt *p = t->prof[e->profile];

		if (e->gen > t->gen || p == NULL)
			return false;
		if (e->state == FEX_VIF_NONE) {
			if (e->profile != 0)
				return false;
			continue;
		}
		if (e->profile == 0 || t->port_vif[e->port] != i)
			return false;
		if (p->check != fex_profile_rt_check(p) || p->gen > t->gen ||
		    p->index != e->profile)
			return false;
		/* the writer keeps native_vlan == 100 + cos and rate = 1000 * cos */
		if (p->native_vlan != 100 + p->cos ||
		    p->meter.rate_kbps != 1000u * (unsigned int)p->cos ||
		    !fex_vlan_test(p->vlans, p->native_vlan))
			return false;
	}
	return true;
}

static void *
cc_reader_main(void *arg)
{
	struct cc_reader *cr = arg;
	struct fex_vif_reader r;
	const unsigned int h[32] = { 0 };	/* a burst's worth of frames */

	if (fex_vif_reader_init(db, cr->id, &r) != 0) {
		cr->errors++;
		return NULL;
	}
	while (!__atomic_load_n(&cc_stop, __ATOMIC_RELAXED)) {
		const struct fex_vif_table *t = fex_vif_reader_snapshot(&r);
		uint64_t gen = t->gen;
		uint16_t port, svif;

		if (!cc_check_table(t))
			cr->errors++;
		/* Let the writer run while we hold the snapshot (the cores of
		 * this machine are shared, so it would otherwise publish only
		 * while we are descheduled): it publishes and must wait for us. */
		sched_yield();
		/* each reader owns the ports with port % CC_READERS == id, and
		 * reads what a worker's burst reads: the port's VIF, its entry
		 * and profile */
		for (port = (uint16_t)cr->id; port < FEX_PORT_MAX; port += CC_READERS) {
			svif = fex_vif_of_port(t, port);
			if (svif != 0 && fex_vif_active(t, fex_vif_entry(t, svif)))
				cr->forwarded += RTE_DIM(h);
		}
		/* the snapshot must not have changed under us, even when the
		 * writer published meanwhile (and waits for us to free it) */
		if (t->gen != gen || !cc_check_table(t))
			cr->errors++;
		if (__atomic_load_n(r.cur, __ATOMIC_ACQUIRE)->gen != gen)
			__atomic_store_n(&cr->overlaps, cr->overlaps + 1, __ATOMIC_RELAXED);
		fex_vif_reader_quiescent(&r);
		__atomic_store_n(&cr->bursts, cr->bursts + 1, __ATOMIC_RELAXED);
		/* now and then, idle the way a worker with nothing to do does */
		if ((cr->bursts & (CC_IDLE_EVERY - 1)) == 0) {
			fex_vif_reader_offline(&r);
			sched_yield();
			fex_vif_reader_online(&r);
		}
	}
	fex_vif_reader_fini(&r);
	return NULL;
}

static uint64_t
cc_overlaps(const struct cc_reader *cr)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < CC_READERS; i++)
		n += __atomic_load_n(&cr[i].overlaps, __ATOMIC_RELAXED);
	return n;
}

static double
cc_elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_concurrency(void)
{
	struct cc_reader cr[CC_READERS];
	struct fex_profile p;
	struct timespec t0, t1;
	unsigned int i, k, fails = 0, updates;
	uint64_t bursts = 0, errors = 0, fwd = 0, overlaps = 0;
	double secs;

	clean();
	for (k = 0; k < CC_PROFILES; k++) {
		char name[16];

		snprintf(name, sizeof(name), "cc%u", k);
		p = prof(name);
		p.cos = (int16_t)(k % 8);
		p.native_vlan = (uint16_t)(100 + p.cos);
		p.rate_kbps = 1000u * (unsigned int)p.cos;
		CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &p, err, sizeof(err)), 0);
	}
	cc_stop = 0;
	for (i = 0; i < CC_READERS; i++) {
		cr[i] = (struct cc_reader){ .id = i };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&cr[i].th, NULL, cc_reader_main, &cr[i]), 0);
	}
	/* start churning once every reader is in its loop */
	for (i = 0; i < CC_READERS; i++)
		while (__atomic_load_n(&cr[i].bursts, __ATOMIC_RELAXED) == 0)
			sched_yield();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	srand(1);
	/* What matters is that readers ran while tables were published, not
	 * how much the scheduler let them run: go on until they saw enough
	 * publishes (a busy machine takes longer, it does not fail). */
	for (i = 0; i < CC_UPDATES || cc_overlaps(cr) < CC_OVERLAPS; i++) {
		unsigned int op = (unsigned int)rand() % 4;
		uint16_t vif = (uint16_t)(1 + rand() % CC_VIFS);
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "cc%u", (unsigned int)rand() % CC_PROFILES);
		if (op == 0) {		/* modify a profile live */
			p = prof(name);
			p.cos = (int16_t)(rand() % 8);
			p.native_vlan = (uint16_t)(100 + p.cos);
			p.rate_kbps = 1000u * (unsigned int)p.cos;
			p.enabled = rand() % 4 != 0;
			rc = fex_profile_set(db, NULL, &p, err, sizeof(err));
		} else if (op == 1) {	/* associate (port may move) */
			struct fex_vif_assoc a = assoc(vif, (uint16_t)(rand() % FEX_PORT_MAX),
						       &mac1, UUID1, name);

			rc = fex_vif_associate(db, &a, err, sizeof(err));
			if (rc == -EADDRINUSE || rc == -EBUSY)
				rc = fex_vif_disassociate(db, vif, err, sizeof(err));
			if (rc == -ESRCH)
				rc = 0;
		} else if (op == 2) {	/* preassociate */
			struct fex_vif_assoc a = assoc(vif, (uint16_t)(rand() % FEX_PORT_MAX),
						       &mac1, UUID1, name);

			rc = fex_vif_preassociate(db, &a, err, sizeof(err));
			if (rc == -EADDRINUSE || rc == -EBUSY)
				rc = 0;
		} else {		/* disassociate or uplink flap */
			rc = fex_vif_disassociate(db, vif, err, sizeof(err));
			if (rc == -ESRCH)
				rc = fex_vif_uplink_set(db, rand() % 2) < 0 ? -1 : 0;
		}
		if (rc < 0) {
			if (fails++ < 5)
				printf("\n    update %u op %u: %d %s", i, op, rc, err);
		}
		if ((i & 1023) == 0 && cc_elapsed(&t0) > CC_SECS_MAX)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	updates = i;
	__atomic_store_n(&cc_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < CC_READERS; i++) {
		pthread_join(cr[i].th, NULL);
		bursts += cr[i].bursts;
		errors += cr[i].errors;
		fwd += cr[i].forwarded;
		overlaps += cr[i].overlaps;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("\n    %u updates in %.2f s (%.0f us each), %d readers: %" PRIu64
	       " burst rounds, %" PRIu64 " with a publish during the round, %" PRIu64
	       " frames passed, %" PRIu64 " invariant errors\n",
	       updates, secs, secs * 1e6 / updates, CC_READERS, bursts,
	       overlaps, fwd, errors);
	CU_ASSERT_EQUAL(fails, 0);
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT(updates >= CC_UPDATES);
	CU_ASSERT(overlaps >= CC_OVERLAPS);
	CU_ASSERT(bursts >= overlaps);
	clean();
}

int
main(int argc, char **argv)
{
	CU_pSuite s;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	db = fex_vif_db_create(4, HZ, SOCKET_ID_ANY);
	if (db == NULL) {
		fprintf(stderr, "fex_vif_db_create: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("unit", NULL, NULL);
	CU_add_test(s, "profile set/get/list/delete", test_profile_ops);
	CU_add_test(s, "max_ports", test_max_ports);
	CU_add_test(s, "VIF transitions", test_transitions);
	CU_add_test(s, "uplink down/up", test_uplink);
	CU_add_test(s, "VIF lists", test_viflist);
	CU_add_test(s, "concurrency: readers vs writer", test_concurrency);
	{
		int rc = fex_test_run();

		fex_vif_db_free(db);
		rte_eal_cleanup();
		return rc;
	}
}
