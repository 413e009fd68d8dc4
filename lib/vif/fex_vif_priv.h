/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the files of lib/vif; not installed. The writer's database
 * (struct fex_vif_db) and the helpers its files call one another with:
 *   fex_vif.c          tables: copy, edit, publish, free; the database; readers
 *   fex_vif_txn.c      the writer's transaction: slot resets, the journal
 *   fex_vif_actions.c  writer actions and writer-side reads
 *   fex_vif_names.c    names, VLAN lists, validation (no EAL, no tables)
 * Everything here is for the control thread (the single writer) only.
 */
#ifndef FEX_VIF_PRIV_H
#define FEX_VIF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>

#include <fex_fail.h>

#include "fex_vif.h"

extern int fex_logtype_vif;
#define VIF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_vif, "vif: " fmt "\n", ##__VA_ARGS__)

/* Profile index 0 is a built-in disabled profile that every VIF entry in
 * state none points to, so the fast path never meets a NULL profile. */
#define PROFILE_NONE 0

/* The VIF part of a table: port map and entries, copied together. */
struct vif_map {
	uint16_t port_vif[FEX_PORT_MAX];	/* first: the table points here */
	struct fex_vif_entry vif[FEX_VIF_SLOTS];
};

struct profile_slot {		/* writer-private */
	bool used;
	unsigned int n_vifs;	/* VIFs (any state) using it */
	struct fex_profile cfg;
};

struct vif_private {		/* writer-private */
	char port_spec[FEX_PORT_SPEC_MAX + 1];
	char uuid[FEX_UUID_LEN + 1];
};

/* A writer-private slot as it was before a transaction changed it. */
struct txn_rec {
	bool is_profile;		/* profiles[idx], else vifp[idx] */
	uint16_t idx;
	union {
		struct profile_slot profile;
		struct vif_private vif;
	} was;
};

struct fex_vif_db {
	struct fex_vif_table *cur;		/* published (RCU) */
	struct rte_rcu_qsbr *qsv;
	unsigned int workers;
	int socket;
	uint64_t hz;
	uint64_t gen;
	bool uplink_up;
	struct fex_vif_rt *rt;				/* [FEX_VIF_SLOTS] */
	struct fex_vif_counters *cnt[FEX_WORKERS_MAX];	/* [FEX_VIF_SLOTS] each */
	struct profile_slot *profiles;			/* [FEX_PROFILE_MAX] */
	struct vif_private *vifp;			/* [FEX_VIF_SLOTS] */

	/* the open transaction (fex_vif_db_begin() .. commit/abort) */
	bool txn;
	struct fex_vif_table *stage;	/* its table; NULL until the first edit */
	bool txn_uplink_up;		/* uplink_up at begin */
	uint64_t txn_reset[FEX_VIF_SLOTS / 64];	/* slots to reset at commit */
	struct txn_rec *journal;	/* oldest first */
	unsigned int nb_journal;
	unsigned int journal_cap;
};

/* ---- tables (fex_vif.c) ----
 * An action edits the table vif_table_begin() gives it: a new one
 * sharing every part with the published table, or in a transaction the
 * staged one. vif_table_edit_*() give that table its own copy of a part
 * (NULL on ENOMEM); vif_*_put() store into such a copy. The action ends
 * with vif_table_apply() (publish now, or leave staged), or, when it
 * fails before changing anything, vif_table_discard(). */

/* The table control-side reads see: the staged one in a transaction
 * that has edited something, else the published one. */
static inline const struct fex_vif_table *
vif_view(const struct fex_vif_db *db)
{
	return db->stage != NULL ? db->stage : db->cur;
}

struct fex_vif_table *vif_table_begin(struct fex_vif_db *db);
struct vif_map *vif_table_edit_map(struct fex_vif_db *db, struct fex_vif_table *t);
const struct fex_profile_rt **vif_table_edit_prof(struct fex_vif_db *db,
						  struct fex_vif_table *t);
const struct fex_viflist **vif_table_edit_lists(struct fex_vif_db *db,
						struct fex_vif_table *t);
void vif_prof_put(struct fex_vif_db *db, const struct fex_profile_rt **prof,
		  int idx, const struct fex_profile_rt *rt);
void vif_list_put(struct fex_vif_db *db, const struct fex_viflist **dir,
		  uint16_t id, const struct fex_viflist *l);
void vif_table_apply(struct fex_vif_db *db, struct fex_vif_table *t);
void vif_table_discard(struct fex_vif_db *db, struct fex_vif_table *t);
/* Publish next, wait for a grace period, free what only the old table
 * referenced. */
void vif_table_publish(struct fex_vif_db *db, struct fex_vif_table *next);
/* Free what a references and b does not (b may be NULL). */
void vif_table_free_diff(struct fex_vif_table *a, const struct fex_vif_table *b);
/* A runtime profile built from cfg in db's socket (NULL on ENOMEM), and
 * its release (poisoned first; NULL is ignored). */
struct fex_profile_rt *vif_profile_rt_build(struct fex_vif_db *db,
					    const struct fex_profile *cfg,
					    uint16_t index, uint32_t gen);
void vif_profile_rt_free(const struct fex_profile_rt *p);

/* ---- transactions (fex_vif_txn.c) ---- */

/* VIF slot vif is created: reset its meter buckets and counters now,
 * or in a transaction at commit. */
void vif_slot_reset_or_defer(struct fex_vif_db *db, uint16_t vif);
/* Journal writer-private slot idx (profiles[idx], else vifp[idx]) for
 * abort; outside a transaction nothing. 0 or -ENOMEM. */
int vif_journal_add(struct fex_vif_db *db, bool is_profile, uint16_t idx);
/* Log suffix of a writer action: inside a transaction it is not live. */
static inline const char *
vif_staged(const struct fex_vif_db *db)
{
	return db->txn ? " (staged)" : "";
}

#endif
