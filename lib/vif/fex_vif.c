/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VIF and port-profile tables. The control thread is the only writer:
 * every action copies the parts of the published table it changes,
 * publishes the new table, waits for a grace period and frees what the
 * old table alone referenced. Writer-private data (profile parameters,
 * port specs, UUIDs, use counts) never reaches the workers.
 *
 * This file: the tables (copy, edit, publish, free), the runtime
 * profiles the workers read, the database and the readers. The
 * transaction is fex_vif_txn.c, the writer actions fex_vif_actions.c, the
 * pure names and checks fex_vif_names.c; fex_vif_priv.h joins them.
 */
#include <sched.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "fex_vif_priv.h"

RTE_LOG_REGISTER(fex_logtype_vif, fex.vif, INFO);

static struct vif_map *
map_of(const struct fex_vif_table *t)
{
	RTE_BUILD_BUG_ON(offsetof(struct vif_map, port_vif) != 0);
	return (struct vif_map *)(uintptr_t)t->port_vif;
}

/* ------------------------------------------------------------------ */
/* Runtime profiles                                                    */

uint32_t
fex_profile_rt_check(const struct fex_profile_rt *p)
{
	const size_t skip = offsetof(struct fex_profile_rt, check) / 4;
	uint32_t w[sizeof(*p) / 4];
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	RTE_BUILD_BUG_ON(sizeof(*p) % 4 != 0 ||
			 offsetof(struct fex_profile_rt, check) % 4 != 0);
	memcpy(w, p, sizeof(w));
	w[skip] = 0;
	for (i = 0; i < RTE_DIM(w); i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

struct fex_profile_rt *
vif_profile_rt_build(struct fex_vif_db *db, const struct fex_profile *cfg,
		     uint16_t index, uint32_t gen)
{
	struct fex_meter_params mp;
	struct fex_profile_rt *p;
	uint64_t q;

	p = rte_zmalloc_socket("fex_profile_rt", sizeof(*p), RTE_CACHE_LINE_SIZE,
			       db->socket);
	if (p == NULL)
		return NULL;
	p->enabled = cfg->enabled;
	p->mac_deny = cfg->mac_forging == FEX_MAC_FORGING_DENY;
	p->cos = (int8_t)cfg->cos;
	p->link_down = cfg->uplink_fail_action == FEX_UPLINK_FAIL_LINK_DOWN;
	p->native_vlan = cfg->native_vlan;
	p->index = index;
	p->gen = gen;
	mp.rate_kbps = cfg->rate_kbps;
	mp.burst_bytes = cfg->burst_bytes;
	fex_meter_profile_init(&p->meter, &mp, db->hz);
	p->shape = cfg->rate_mode == FEX_RATE_SHAPE && cfg->rate_kbps != 0;
	/* a queue of FEX_SHAPER_QUEUE_MS at the rate, at least the burst */
	q = cfg->rate_kbps * 125 * FEX_SHAPER_QUEUE_MS / 1000;
	q = RTE_MAX(q, (uint64_t)p->meter.burst_bytes);
	p->shq_bytes = (uint32_t)RTE_MIN(q, (uint64_t)UINT32_MAX);
	mp.rate_kbps = cfg->ingress_rate_kbps;
	mp.burst_bytes = cfg->ingress_burst_bytes;
	fex_meter_profile_init(&p->ingress_meter, &mp, db->hz);
	memcpy(p->vlans, cfg->vlans, sizeof(p->vlans));
	if (cfg->native_vlan != 0)
		fex_vlan_set(p->vlans, cfg->native_vlan);
	p->check = fex_profile_rt_check(p);
	return p;
}

void
vif_profile_rt_free(const struct fex_profile_rt *p)
{
	struct fex_profile_rt *w = (struct fex_profile_rt *)(uintptr_t)p;

	if (w == NULL)
		return;
	w->check = ~w->check;	/* a reader that still saw it would notice */
	rte_free(w);
}

/* ------------------------------------------------------------------ */
/* Table copy, publish, free                                           */

static void *
part_copy(struct fex_vif_db *db, const void *src, size_t size)
{
	void *p = rte_malloc_socket("fex_vif_part", size, RTE_CACHE_LINE_SIZE,
				    db->socket);

	if (p != NULL)
		memcpy(p, src, size);
	return p;
}

/* Free what `a` references and `b` does not (b may be NULL). */
void
vif_table_free_diff(struct fex_vif_table *a, const struct fex_vif_table *b)
{
	unsigned int i;

	if (a == NULL)
		return;
	if (b == NULL || a->port_vif != b->port_vif)
		rte_free(map_of(a));
	if (b == NULL || a->prof != b->prof) {
		for (i = 0; i < FEX_PROFILE_MAX; i++)
			if (b == NULL || a->prof[i] != b->prof[i])
				vif_profile_rt_free(a->prof[i]);
		rte_free((void *)(uintptr_t)a->prof);
	}
	if (b == NULL || a->viflist != b->viflist) {
		for (i = 0; i <= FEX_VIFLIST_MAX; i++)
			if (b == NULL || a->viflist[i] != b->viflist[i])
				rte_free((void *)(uintptr_t)a->viflist[i]);
		rte_free((void *)(uintptr_t)a->viflist);
	}
	a->gen = UINT64_MAX;	/* poison for readers that broke the rules */
	rte_free(a);
}

/* The table an action edits: a new one sharing every part with the
 * published one, or, in a transaction, the staged table (created by the
 * first action that edits). */
struct fex_vif_table *
vif_table_begin(struct fex_vif_db *db)
{
	struct fex_vif_table *t;

	if (db->stage != NULL)
		return db->stage;
	t = rte_malloc_socket("fex_vif_table", sizeof(*t), RTE_CACHE_LINE_SIZE,
			      db->socket);
	if (t == NULL)
		return NULL;
	*t = *db->cur;
	t->gen = db->gen + 1;
	if (db->txn)
		db->stage = t;
	return t;
}

/* Give `t` its own copy of the VIF map (once). */
struct vif_map *
vif_table_edit_map(struct fex_vif_db *db, struct fex_vif_table *t)
{
	struct vif_map *m;

	if (t->port_vif != db->cur->port_vif)
		return map_of(t);
	m = part_copy(db, map_of(t), sizeof(*m));
	if (m == NULL)
		return NULL;
	t->port_vif = m->port_vif;
	t->vif = m->vif;
	return m;
}

const struct fex_profile_rt **
vif_table_edit_prof(struct fex_vif_db *db, struct fex_vif_table *t)
{
	const struct fex_profile_rt **a;

	if (t->prof != db->cur->prof)
		return (const struct fex_profile_rt **)(uintptr_t)t->prof;
	a = part_copy(db, t->prof, sizeof(*a) * FEX_PROFILE_MAX);
	if (a != NULL)
		t->prof = a;
	return a;
}

const struct fex_viflist **
vif_table_edit_lists(struct fex_vif_db *db, struct fex_vif_table *t)
{
	const struct fex_viflist **a;

	if (t->viflist != db->cur->viflist)
		return (const struct fex_viflist **)(uintptr_t)t->viflist;
	a = part_copy(db, t->viflist, sizeof(*a) * (FEX_VIFLIST_MAX + 1));
	if (a != NULL)
		t->viflist = a;
	return a;
}

/* An action failed before changing anything in t: drop t if it was made
 * for the action alone (free what it does not share); the staged table
 * of a transaction stays (the parts it copied are equal to the old). */
void
vif_table_discard(struct fex_vif_db *db, struct fex_vif_table *t)
{
	if (t != db->stage)
		vif_table_free_diff(t, db->cur);
}

/* Store rt in slot idx of t's own profile array. An entry that only the
 * staged table held (built earlier in the transaction, never published)
 * is freed now: no reader has seen it and no publish will free it. */
void
vif_prof_put(struct fex_vif_db *db, const struct fex_profile_rt **prof, int idx,
	     const struct fex_profile_rt *rt)
{
	if (prof[idx] != db->cur->prof[idx])
		vif_profile_rt_free(prof[idx]);
	prof[idx] = rt;
}

/* The same for VIF list id. */
void
vif_list_put(struct fex_vif_db *db, const struct fex_viflist **dir, uint16_t id,
	     const struct fex_viflist *l)
{
	if (dir[id] != db->cur->viflist[id])
		rte_free((void *)(uintptr_t)dir[id]);
	dir[id] = l;
}

/* Busy-wait this many rounds for a grace period before yielding. */
#define GRACE_SPINS 2000

void
fex_vif_db_grace_period(struct fex_vif_db *db)
{
	/* rte_rcu_qsbr_synchronize() for a non-reader, but inline (so that
	 * the ordering is visible to the thread sanitizer too) and yielding
	 * the CPU while it waits: the control thread may share a core. */
	uint64_t token = rte_rcu_qsbr_start(db->qsv);
	unsigned int spins = 0;

	while (rte_rcu_qsbr_check(db->qsv, token, false) == 0) {
		/* workers on their own cores answer within a burst */
		if (++spins < GRACE_SPINS)
			rte_pause();
		else
			sched_yield();
	}
}

void
vif_table_publish(struct fex_vif_db *db, struct fex_vif_table *next)
{
	struct fex_vif_table *old;

	db->gen = next->gen;
	old = __atomic_exchange_n(&db->cur, next, __ATOMIC_RELEASE);
	fex_vif_db_grace_period(db);
	vif_table_free_diff(old, next);
}

/* The end of a successful action on t: publish it now, or leave it
 * staged until fex_vif_db_commit(). */
void
vif_table_apply(struct fex_vif_db *db, struct fex_vif_table *t)
{
	if (t != db->stage)
		vif_table_publish(db, t);
}

/* ------------------------------------------------------------------ */
/* Database                                                            */

static struct fex_vif_table *
table_initial(struct fex_vif_db *db)
{
	const struct fex_profile_rt **prof;
	const struct fex_viflist **lists;
	struct fex_vif_table *t;
	struct fex_profile none;
	struct vif_map *m;

	t = rte_zmalloc_socket("fex_vif_table", sizeof(*t), RTE_CACHE_LINE_SIZE,
			       db->socket);
	m = rte_zmalloc_socket("fex_vif_part", sizeof(*m), RTE_CACHE_LINE_SIZE,
			       db->socket);
	prof = rte_zmalloc_socket("fex_vif_part", sizeof(*prof) * FEX_PROFILE_MAX,
				  RTE_CACHE_LINE_SIZE, db->socket);
	lists = rte_zmalloc_socket("fex_vif_part",
				   sizeof(*lists) * (FEX_VIFLIST_MAX + 1),
				   RTE_CACHE_LINE_SIZE, db->socket);
	fex_profile_defaults(&none);
	none.enabled = false;
	if (t == NULL || m == NULL || prof == NULL || lists == NULL)
		goto out_free_parts;
	prof[PROFILE_NONE] = vif_profile_rt_build(db, &none, PROFILE_NONE, 0);
	if (prof[PROFILE_NONE] == NULL)
		goto out_free_parts;
	t->port_vif = m->port_vif;
	t->vif = m->vif;
	t->prof = prof;
	t->viflist = lists;
	t->rt = db->rt;
	return t;

out_free_parts:
	rte_free(lists);
	rte_free(prof);
	rte_free(m);
	rte_free(t);
	return NULL;
}

struct fex_vif_db *
fex_vif_db_create(unsigned int workers, uint64_t hz, int socket)
{
	struct fex_vif_db *db;
	size_t qsz;
	unsigned int w;

	if (workers < 1 || workers > FEX_WORKERS_MAX || hz == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	db = rte_zmalloc_socket("fex_vif_db", sizeof(*db), RTE_CACHE_LINE_SIZE,
				socket);
	if (db == NULL)
		goto out_nomem;
	db->workers = workers;
	db->hz = hz;
	db->socket = socket;
	db->uplink_up = true;
	qsz = rte_rcu_qsbr_get_memsize(workers);
	db->qsv = rte_zmalloc_socket("fex_vif_qsv", qsz, RTE_CACHE_LINE_SIZE, socket);
	if (db->qsv == NULL || rte_rcu_qsbr_init(db->qsv, workers) != 0)
		goto out_free_db;
	db->rt = rte_zmalloc_socket("fex_vif_rt", sizeof(*db->rt) * FEX_VIF_SLOTS,
				    RTE_CACHE_LINE_SIZE, socket);
	if (db->rt == NULL)
		goto out_free_db;
	for (w = 0; w < workers; w++) {
		db->cnt[w] = rte_zmalloc_socket("fex_vif_cnt",
				sizeof(*db->cnt[w]) * FEX_VIF_SLOTS,
				RTE_CACHE_LINE_SIZE, socket);
		if (db->cnt[w] == NULL)
			goto out_free_db;
	}
	db->profiles = calloc(FEX_PROFILE_MAX, sizeof(*db->profiles));
	db->vifp = calloc(FEX_VIF_SLOTS, sizeof(*db->vifp));
	if (db->profiles == NULL || db->vifp == NULL)
		goto out_free_db;
	db->cur = table_initial(db);
	if (db->cur == NULL)
		goto out_free_db;
	db->profiles[PROFILE_NONE].used = true;	/* reserved, never listed */
	return db;

out_free_db:
	fex_vif_db_free(db);
out_nomem:
	rte_errno = ENOMEM;
	return NULL;
}

void
fex_vif_db_free(struct fex_vif_db *db)
{
	unsigned int w;

	if (db == NULL)
		return;
	if (db->cur != NULL)
		fex_vif_db_abort(db);
	vif_table_free_diff(db->cur, NULL);
	rte_free(db->journal);
	free(db->vifp);
	free(db->profiles);
	for (w = 0; w < FEX_WORKERS_MAX; w++)
		rte_free(db->cnt[w]);
	rte_free(db->rt);
	rte_free(db->qsv);
	rte_free(db);
}

struct rte_rcu_qsbr *
fex_vif_db_qsv(struct fex_vif_db *db)
{
	return db->qsv;
}

/* ------------------------------------------------------------------ */
/* Readers                                                             */

int
fex_vif_reader_init(struct fex_vif_db *db, unsigned int worker,
		    struct fex_vif_reader *r)
{
	if (db == NULL || r == NULL || worker >= db->workers)
		return -EINVAL;
	if (rte_rcu_qsbr_thread_register(db->qsv, worker) != 0)
		return -EINVAL;
	r->cur = &db->cur;
	r->qsv = db->qsv;
	r->cnt = db->cnt[worker];
	r->id = worker;
	rte_rcu_qsbr_thread_online(r->qsv, r->id);
	fex_vif_reader_snapshot(r);
	return 0;
}

void
fex_vif_reader_fini(struct fex_vif_reader *r)
{
	rte_rcu_qsbr_thread_offline(r->qsv, r->id);
	rte_rcu_qsbr_thread_unregister(r->qsv, r->id);
	r->t = NULL;
}

void
fex_vif_reader_offline(struct fex_vif_reader *r)
{
	rte_rcu_qsbr_thread_offline(r->qsv, r->id);
	r->t = NULL;
}

void
fex_vif_reader_online(struct fex_vif_reader *r)
{
	rte_rcu_qsbr_thread_online(r->qsv, r->id);
}
