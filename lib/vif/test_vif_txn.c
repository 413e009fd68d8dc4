/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the writer's transactions (fex_vif_db_begin / commit /
 * abort): the staged view is what the writer reads, the published table
 * (what a reader's snapshot sees, and its gen) does not move before
 * commit, commit publishes once, abort leaves no trace: not in the
 * table, not in the writer-private records, not in the meter buckets or
 * counters, not in the heap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "fex_test.h"
#include "fex_vif.h"
#include "fex_vif_priv.h"	/* vif_view(), vif_staged(): called directly */

#define HZ 1000000000ULL
#define UUID1 "4f2e9d2a-8b1c-4c55-9a0e-0123456789ab"

static struct fex_vif_db *db;
static struct fex_vif_reader rd;	/* offline between looks */
static char err[256];

static const struct rte_ether_addr mac1 = {{ 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 }};

static struct fex_profile
prof(const char *name, int cos)
{
	struct fex_profile p;

	fex_profile_defaults(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.cos = (int16_t)cos;
	p.native_vlan = 10;
	return p;
}

static struct fex_vif_assoc
assoc(uint16_t vif, uint16_t port, const char *profile)
{
	struct fex_vif_assoc a = {
		.vif = vif, .port_id = port, .port_spec = "ring:txn",
		.mac = mac1, .instance_uuid = UUID1, .profile = profile,
	};

	return a;
}

/* What the workers see: one snapshot, copied out, then offline again. */
struct look {
	const struct fex_vif_table *t;
	uint64_t gen;
	uint16_t vif_of_port2;
	int8_t cos_of_vif5;		/* -2: VIF 5 not in the table */
	bool list3;
};

static struct look
workers_see(void)
{
	struct look l;
	const struct fex_vif_entry *e;

	fex_vif_reader_online(&rd);
	l.t = fex_vif_reader_snapshot(&rd);
	l.gen = l.t->gen;
	l.vif_of_port2 = fex_vif_of_port(l.t, 2);
	e = fex_vif_entry(l.t, 5);
	l.cos_of_vif5 = e->state != FEX_VIF_NONE ? fex_vif_profile(l.t, e)->cos : -2;
	l.list3 = fex_viflist_lookup(l.t, 3) != NULL;
	fex_vif_reader_quiescent(&rd);
	fex_vif_reader_offline(&rd);
	return l;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t n = 0;
	int s;

	for (s = 0; s < RTE_MAX_HEAPS; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			n += st.heap_allocsz_bytes;
	return n;
}

static uint64_t
counter(uint16_t vif, enum fex_vif_cnt i)
{
	uint64_t c[FEX_VIF_CNT_MAX];

	CU_ASSERT_EQUAL(fex_vif_stats(db, vif, c), 0);
	return c[i];
}

static void
clean(void)
{
	fex_vif_db_abort(db);
	fex_vif_disassociate(db, 5, NULL, 0);
	fex_viflist_delete(db, 3, NULL, 0);
	fex_profile_delete(db, NULL, "a", NULL, 0);
	fex_profile_delete(db, NULL, "b", NULL, 0);
	fex_vif_uplink_set(db, true);
}

static void
test_begin_commit_rules(void)
{
	clean();
	CU_ASSERT_FALSE(fex_vif_db_in_txn(db));
	CU_ASSERT_EQUAL(fex_vif_db_commit(db), -EINVAL);
	CU_ASSERT_EQUAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_TRUE(fex_vif_db_in_txn(db));
	CU_ASSERT_EQUAL(fex_vif_db_begin(db), -EBUSY);
	/* nothing edited: commit publishes nothing */
	{
		struct look before = workers_see(), after;

		CU_ASSERT_EQUAL(fex_vif_db_commit(db), 0);
		after = workers_see();
		CU_ASSERT_PTR_EQUAL(after.t, before.t);
		CU_ASSERT_EQUAL(after.gen, before.gen);
	}
	CU_ASSERT_FALSE(fex_vif_db_in_txn(db));
	fex_vif_db_abort(db);		/* no-op */
}

/* Everything staged is read back by the writer, seen by no reader, and
 * gone after abort. */
static void
test_abort_leaves_nothing(void)
{
	struct fex_profile a = prof("a", 1), b = prof("b", 2), got;
	struct fex_vif_assoc as = assoc(5, 2, "a");
	const uint16_t members[] = { 5 };
	struct fex_vif_info vi;
	struct look before, mid, after;
	size_t heap;

	clean();
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	before = workers_see();
	heap = heap_used();

	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	a.cos = 4;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	a.cos = 5;			/* twice: the first staged copy is freed */
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 3, members, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, false), 1);
	/* a refused action inside the transaction changes nothing */
	as.vif = 6;
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), -EADDRINUSE);
	as.vif = 5;

	/* the writer reads the staged view ... */
	CU_ASSERT_EQUAL(fex_profile_get(db, "a", &got, NULL), 0);
	CU_ASSERT_EQUAL(got.cos, 5);
	CU_ASSERT_EQUAL(fex_profile_get(db, "b", NULL, NULL), 0);
	CU_ASSERT_EQUAL(fex_vif_get(db, 5, &vi), 0);
	CU_ASSERT_EQUAL(vi.state, FEX_VIF_DOWN);
	CU_ASSERT_STRING_EQUAL(vi.port_spec, "ring:txn");
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 2), 5);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 3, NULL, 0), 1);
	/* ... the workers do not */
	mid = workers_see();
	CU_ASSERT_PTR_EQUAL(mid.t, before.t);
	CU_ASSERT_EQUAL(mid.gen, before.gen);
	CU_ASSERT_EQUAL(mid.vif_of_port2, 0);
	CU_ASSERT_EQUAL(mid.cos_of_vif5, -2);
	CU_ASSERT_FALSE(mid.list3);

	fex_vif_db_abort(db);
	CU_ASSERT_FALSE(fex_vif_db_in_txn(db));
	after = workers_see();
	CU_ASSERT_PTR_EQUAL(after.t, before.t);
	CU_ASSERT_EQUAL(after.gen, before.gen);
	CU_ASSERT_EQUAL(fex_profile_get(db, "a", &got, NULL), 0);
	CU_ASSERT_EQUAL(got.cos, 1);
	CU_ASSERT_EQUAL(fex_profile_get(db, "b", NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(fex_vif_get(db, 5, &vi), -ENOENT);
	CU_ASSERT_EQUAL(fex_vif_of_port_id(db, 2), 0);
	CU_ASSERT_EQUAL(fex_viflist_get(db, 3, NULL, 0), -ENOENT);
	{
		unsigned int n = 99;

		CU_ASSERT_EQUAL(fex_profile_get(db, "a", NULL, &n), 0);
		CU_ASSERT_EQUAL(n, 0);	/* the use count is back too */
	}
	CU_ASSERT_EQUAL(heap_used(), heap);	/* every staged part freed */
	/* the uplink is up again for the writer: going down moves nothing
	 * yet (no VIF), and the next begin starts clean */
	CU_ASSERT_EQUAL(fex_vif_uplink_set(db, true), 0);
	clean();
}

/* Several actions, one commit: one new generation with all of them. */
static void
test_commit_publishes_once(void)
{
	struct fex_profile a = prof("a", 1);
	struct fex_vif_assoc as = assoc(5, 2, "a");
	const uint16_t members[] = { 5 };
	struct look before, after;
	size_t heap;

	clean();
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	before = workers_see();
	CU_ASSERT_EQUAL(before.cos_of_vif5, 1);
	heap = heap_used();

	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	a.cos = 6;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	a.cos = 7;
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_viflist_set(db, 3, members, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_db_commit(db), 0);
	after = workers_see();
	CU_ASSERT_EQUAL(after.gen, before.gen + 1);
	CU_ASSERT_EQUAL(after.cos_of_vif5, 7);
	CU_ASSERT_TRUE(after.list3);
	CU_ASSERT_EQUAL(after.vif_of_port2, 5);
	/* the profile was replaced (same size), the list is new */
	CU_ASSERT(heap_used() > heap);
	fex_viflist_delete(db, 3, NULL, 0);
	CU_ASSERT_EQUAL(heap_used(), heap);
	clean();
}

/* Buckets and counters: a VIF created in a transaction gets fresh ones at
 * commit only; abort does not touch them; a VIF that is disassociated and
 * bound again in one transaction keeps them (the workers never lost it). */
static void
test_slots(void)
{
	struct fex_profile a = prof("a", 1);
	struct fex_vif_assoc as = assoc(5, 2, "a");

	clean();
	CU_ASSERT_EQUAL_FATAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	fex_vif_cnt_add(&rd.cnt[5], FEX_VIF_CNT_RX_PACKETS, 3);	/* as a worker counts */
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);

	/* gone and back within one transaction: counters kept */
	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 5, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_db_commit(db), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);

	/* disassociated (published): the old counts stay readable ... */
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 5, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);
	/* ... an aborted associate does not reset them ... */
	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);
	fex_vif_db_abort(db);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);
	/* ... a created-and-removed one neither ... */
	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_disassociate(db, 5, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fex_vif_db_commit(db), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);
	/* ... a committed one starts from zero, as outside a transaction */
	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_EQUAL(fex_vif_associate(db, &as, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 3);
	CU_ASSERT_EQUAL(fex_vif_db_commit(db), 0);
	CU_ASSERT_EQUAL(counter(5, FEX_VIF_CNT_RX_PACKETS), 0);
	CU_ASSERT_EQUAL(workers_see().vif_of_port2, 5);
	clean();
}

/* The writer's own reads (fex_vif_priv.h): the published table until a
 * transaction edits something, then the staged one; and the log suffix
 * that says a change is not live yet. */
static void
test_view_and_staged(void)
{
	struct fex_profile a = prof("a", 1);
	const struct fex_vif_table *pub;

	clean();
	pub = db->cur;
	CU_ASSERT_PTR_EQUAL(vif_view(db), pub);
	CU_ASSERT_STRING_EQUAL(vif_staged(db), "");
	CU_ASSERT_EQUAL_FATAL(fex_vif_db_begin(db), 0);
	CU_ASSERT_STRING_EQUAL(vif_staged(db), " (staged)");
	CU_ASSERT_PTR_EQUAL(vif_view(db), pub);		/* nothing edited yet */
	CU_ASSERT_EQUAL(fex_profile_set(db, NULL, &a, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db->stage);
	CU_ASSERT_PTR_EQUAL(vif_view(db), db->stage);
	CU_ASSERT_PTR_EQUAL(db->cur, pub);		/* the workers' one */
	fex_vif_db_abort(db);
	CU_ASSERT_PTR_EQUAL(vif_view(db), pub);
	CU_ASSERT_STRING_EQUAL(vif_staged(db), "");
	clean();
}

int
main(int argc, char **argv)
{
	CU_pSuite s;
	int rc;

	RTE_SET_USED(argc);
	if (fex_test_eal_init(argv[0]) < 0)
		return EXIT_FAILURE;
	rte_log_set_level_pattern("fex.vif", RTE_LOG_WARNING);
	db = fex_vif_db_create(1, HZ, SOCKET_ID_ANY);
	if (db == NULL) {
		fprintf(stderr, "fex_vif_db_create: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (fex_vif_reader_init(db, 0, &rd) != 0)
		return EXIT_FAILURE;
	fex_vif_reader_offline(&rd);	/* the writer must not wait for us */
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("txn", NULL, NULL);
	CU_add_test(s, "begin/commit rules, empty commit", test_begin_commit_rules);
	CU_add_test(s, "abort: staged view read back, nothing published, nothing left",
		    test_abort_leaves_nothing);
	CU_add_test(s, "commit: several actions, one generation", test_commit_publishes_once);
	CU_add_test(s, "meter and counter slots: reset at commit only", test_slots);
	CU_add_test(s, "writer's view and staged suffix", test_view_and_staged);
	rc = fex_test_run();
	fex_vif_reader_fini(&rd);
	fex_vif_db_free(db);
	rte_eal_cleanup();
	return rc;
}
