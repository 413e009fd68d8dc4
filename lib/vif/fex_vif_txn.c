/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer's transaction (fex_vif_db_begin() .. commit / abort).
 * Inside one the actions edit one staged table instead, which
 * fex_vif_db_commit() publishes once and fex_vif_db_abort() drops.
 * Writer-private slots an action changes are journaled first, so that
 * abort can put them back; meter buckets and counters of a VIF created
 * in the transaction are reset at commit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>

#include <rte_malloc.h>

#include "fex_vif_priv.h"

/* ------------------------------------------------------------------ */
/* Transactions                                                        */

/* Fresh meter buckets and zero counters for VIF slot vif. */
static void
slot_reset(struct fex_vif_db *db, uint16_t vif)
{
	unsigned int w, k;

	/* No worker touches the slot: the VIF was absent from the table for
	 * at least one grace period (disassociate waited for it). */
	fex_meter_fill(&db->rt[vif].egress);
	fex_shaper_fill(&db->rt[vif].shaper);
	fex_meter_fill(&db->rt[vif].ingress);
	for (w = 0; w < db->workers; w++)
		for (k = 0; k < FEX_VIF_CNT_MAX; k++)
			__atomic_store_n(&db->cnt[w][vif].c[k], 0, __ATOMIC_RELAXED);
}

/* A VIF is created (from state none) in the table being edited: reset
 * its slot now, or, in a transaction, at commit (abort leaves it as is). */
void
vif_slot_reset_or_defer(struct fex_vif_db *db, uint16_t vif)
{
	if (db->txn)
		db->txn_reset[vif >> 6] |= UINT64_C(1) << (vif & 63);
	else
		slot_reset(db, vif);
}

/* Remember writer-private slot idx (a profile or a VIF's strings) as it
 * is, so that abort can put it back. Outside a transaction: nothing.
 * 0 or -ENOMEM (then nothing was recorded). */
int
vif_journal_add(struct fex_vif_db *db, bool is_profile, uint16_t idx)
{
	struct txn_rec *r;

	if (!db->txn)
		return 0;
	if (db->nb_journal == db->journal_cap) {
		unsigned int cap = db->journal_cap != 0 ? db->journal_cap * 2 : 8;

		/* DPDK heap, as the rest of the db that points to it */
		r = rte_realloc(db->journal, cap * sizeof(*r), 0);
		if (r == NULL)
			return -ENOMEM;
		db->journal = r;
		db->journal_cap = cap;
	}
	r = &db->journal[db->nb_journal++];
	r->is_profile = is_profile;
	r->idx = idx;
	if (is_profile)
		r->was.profile = db->profiles[idx];
	else
		r->was.vif = db->vifp[idx];
	return 0;
}

static void
txn_close(struct fex_vif_db *db)
{
	db->txn = false;
	db->stage = NULL;
	/* Freed with each transaction: a closed one leaves nothing behind. */
	rte_free(db->journal);
	db->journal = NULL;
	db->journal_cap = 0;
	db->nb_journal = 0;
	memset(db->txn_reset, 0, sizeof(db->txn_reset));
}

int
fex_vif_db_begin(struct fex_vif_db *db)
{
	if (db->txn)
		return -EBUSY;
	db->txn = true;
	db->stage = NULL;
	db->txn_uplink_up = db->uplink_up;
	return 0;
}

int
fex_vif_db_commit(struct fex_vif_db *db)
{
	struct fex_vif_table *t = db->stage;
	unsigned int w;
	uint16_t vif;

	if (!db->txn)
		return -EINVAL;
	if (t != NULL) {
		/* Only a VIF that the published table does not have is
		 * "created": no worker touches its slot. One disassociated
		 * and bound again in the same transaction never left the
		 * workers' view and keeps its buckets and counters. */
		for (w = 0; w < RTE_DIM(db->txn_reset); w++)
			while (db->txn_reset[w] != 0) {
				vif = (uint16_t)(w * 64 + rte_bsf64(db->txn_reset[w]));
				db->txn_reset[w] &= db->txn_reset[w] - 1;
				if (db->cur->vif[vif].state == FEX_VIF_NONE)
					slot_reset(db, vif);
			}
	}
	txn_close(db);
	if (t != NULL) {
		vif_table_publish(db, t);
		VIF_LOG(DEBUG, "staged changes published, generation %" PRIu64,
			db->gen);
	}
	return 0;
}

void
fex_vif_db_abort(struct fex_vif_db *db)
{
	unsigned int i;

	if (!db->txn)
		return;
	if (db->stage != NULL)
		vif_table_free_diff(db->stage, db->cur);
	for (i = db->nb_journal; i-- > 0;) {
		const struct txn_rec *r = &db->journal[i];

		if (r->is_profile)
			db->profiles[r->idx] = r->was.profile;
		else
			db->vifp[r->idx] = r->was.vif;
	}
	db->uplink_up = db->txn_uplink_up;
	if (db->stage != NULL)
		VIF_LOG(INFO, "staged changes dropped: the workers never saw them");
	txn_close(db);
}

bool
fex_vif_db_in_txn(const struct fex_vif_db *db)
{
	return db->txn;
}
