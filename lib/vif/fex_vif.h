/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex_vif: port profiles, VIFs, VIF lists and the per-frame policy of
 * SPEC §3, published to the workers through RCU (rte_rcu_qsbr).
 *
 * Threads
 *   - ONE writer: the control thread. Every function below marked
 *     "writer" must be called from that single thread only (they are not
 *     MT safe against each other). They copy the published table, edit
 *     the copy, publish it with an atomic exchange, wait for a grace
 *     period (rte_rcu_qsbr_synchronize) and free the old copy, so they
 *     block until every online reader has reported a quiescent state.
 *   - Transactions (the writer's "save, then publish"): between
 *     fex_vif_db_begin() and fex_vif_db_commit() / fex_vif_db_abort()
 *     the writer actions edit one staged table and do not block; every
 *     writer-side read (fex_profile_get(), fex_vif_get(), the *_foreach
 *     and *_get functions) sees the staged view, the readers still see
 *     the published table. Commit publishes the staged table at once
 *     (one generation, one grace period); abort drops it and puts every
 *     writer-private record back, so the published table, its `gen`,
 *     the meter buckets and the counters are as if nothing happened.
 *   - W readers: the workers, ids 0..W-1 (W <= FEX_WORKERS_MAX, given to
 *     fex_vif_db_create()). A reader takes ONE snapshot per burst
 *     (fex_vif_reader_snapshot()), uses it for the whole burst, then calls
 *     fex_vif_reader_quiescent(); after that the snapshot must not be used.
 *     An idle reader goes offline (fex_vif_reader_offline()) so that
 *     it does not hold up the writer.
 *
 * State that outlives a table swap lives in stable per-VIF slots, not in
 * the table: the meter buckets (egress and ingress) and the counters.
 * Meter state of a VIF is written only by the worker that owns the VIF's
 * port (single writer; moving a port to another worker must be separated
 * by a grace period, which every writer action here provides). Counters
 * are per worker (cnt[worker][vif]): no atomics on the fast path; a reader
 * of statistics sums the copies (fex_vif_stats()).
 *
 * Errors: control functions return 0 or -errno and, when given a buffer,
 * write a message a person can act on (it names the field and the allowed
 * values). Constructors return NULL and set rte_errno.
 *
 * VIF state machine (vif.preassociate / vif.associate / vif.disassociate,
 * the 802.1Qbh port-profile requests). "same" = same MAC and same
 * instance UUID as recorded for the VIF.
 *
 *   request        current state            result
 *   -------------  -----------------------  ----------------------------
 *   preassociate   none                     -> preassociated     success
 *   preassociate   preassociated, same      update port/profile  success
 *   preassociate   preassociated, not same  -EBUSY               bad-state
 *   preassociate   associated | down        -EBUSY               bad-state
 *   associate      none                     -> associated (*)    success
 *   associate      preassociated, same      -> associated (*)    success
 *   associate      preassociated, not same  -EBUSY               bad-state
 *   associate      associated|down, same    update port/profile  success
 *                  MAC, UUID and port
 *   associate      associated|down, other   -EBUSY               bad-state
 *                  port, MAC or UUID
 *   disassociate   preassociated|associated|down -> none         success
 *   disassociate   none                     -ESRCH               bad-state
 *   any            vif id not 1..4095, bad  -EINVAL              invalid
 *                  MAC/UUID/port id/cluster,
 *                  unknown profile (-ENOENT)                     invalid
 *   pre/associate  port already bound to    -EADDRINUSE          bad-state
 *                  another VIF
 *   pre/associate  profile has max_ports    -ENOSPC              insufficient-
 *                  VIFs already (a VIF in any state counts)      resources
 *   pre/associate  out of memory            -ENOMEM              insufficient-
 *                                                                resources
 *   (*) "down" instead of "associated" when the uplink is down and the
 *       profile's uplink_fail_action is link-down.
 *   in-progress is never returned: every action completes before it
 *   returns (-EINPROGRESS maps to it for callers that queue work).
 *
 * Uplink state (fex_vif_uplink_set()): on link loss every associated VIF
 * whose profile says link-down goes to down; on link recovery they go
 * back to associated. A profile change of uplink_fail_action while the
 * uplink is down moves its VIFs accordingly.
 *
 * Per-frame policy (SPEC §3), in this order:
 *   egress (VM -> fabric): not associated or profile disabled ->
 *     drop_inactive; mac_forging deny and src != VIF MAC -> drop_mac_forged;
 *     untagged or priority-tagged (VID 0): native VLAN (none -> drop_vlan),
 *     untagged gets an 802.1Q tag inserted, priority-tagged gets its VID
 *     rewritten; tagged: VID must be allowed (drop_vlan); CoS (if set)
 *     replaces the PCP, E-PCP = the resulting PCP; policer (non-green ->
 *     drop_policer).
 *   ingress (fabric -> VM, tag already parsed and removed by the caller):
 *     not associated or profile disabled -> drop_inactive; tagged with
 *     the native VID -> strip the 802.1Q tag; tagged with another allowed
 *     VID -> keep; other VID -> drop_vlan; untagged -> accepted (as the
 *     native VLAN) only when a native VLAN is set, else drop_vlan;
 *     ingress policer if set (non-green -> drop_ingress_policer).
 *   The native VLAN is always allowed (implicitly part of `vlans`).
 */
#ifndef FEX_VIF_H
#define FEX_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include "fex_meter.h"

#define FEX_WORKERS_MAX		16
#define FEX_VIF_MIN		1
#define FEX_VIF_MAX		4095	/* highest VIF id */
#define FEX_VIF_SLOTS		4096	/* ids 0..4095; 0 = "no VIF" */
#define FEX_VIFLIST_MAX		16383	/* highest VIF-list id */
#define FEX_PROFILE_MAX		4096	/* profiles at once */
#define FEX_PROFILE_NAME_MAX	31	/* chars, [A-Za-z0-9._-] */
#define FEX_PROFILE_DESC_MAX	255	/* bytes, no control characters */
#define FEX_PORT_SPEC_MAX	255	/* bytes */
#define FEX_UUID_LEN		36	/* 8-4-4-4-12 hex */
#define FEX_VLAN_MIN		1
#define FEX_VLAN_MAX		4094
#define FEX_VLAN_WORDS		(4096 / 64)
#define FEX_MAX_PORTS_DEFAULT	64
#define FEX_MAX_PORTS_MAX	4096
#define FEX_CLUSTER_DEFAULT	"default"

/* ---------------------------------------------------------------- */
/* Port profiles (SPEC §2)                                           */

enum fex_mac_forging { FEX_MAC_FORGING_ALLOW, FEX_MAC_FORGING_DENY };
enum fex_uplink_fail { FEX_UPLINK_FAIL_LINK_DOWN, FEX_UPLINK_FAIL_WARNING };
enum fex_io_perf { FEX_IO_PERF_NONE, FEX_IO_PERF_HIGH };

#define FEX_COS_LEAVE	(-1)	/* cos absent: PCP left as is */

/**
 * A port profile as users see it. Defaults (fex_profile_defaults()):
 * description "", no VLANs, native_vlan 0 (none), cos absent, rate_kbps 0
 * (line rate), burst_bytes 0 (default burst, see fex_meter.h), ingress
 * rate 0 / burst 0, mac_forging allow, uplink_fail_action link-down,
 * max_ports 64, io_performance none, enabled true.
 */
struct fex_profile {
	char name[FEX_PROFILE_NAME_MAX + 1];
	char description[FEX_PROFILE_DESC_MAX + 1];
	uint64_t vlans[FEX_VLAN_WORDS];	/**< bit v = VLAN v allowed, 1..4094 */
	uint16_t native_vlan;		/**< 0 = none, else 1..4094 */
	int16_t cos;			/**< 0..7 or FEX_COS_LEAVE */
	uint64_t rate_kbps;		/**< egress; 0 = line rate */
	uint32_t burst_bytes;		/**< 0 = default */
	uint64_t ingress_rate_kbps;	/**< 0 = no ingress policer */
	uint32_t ingress_burst_bytes;	/**< 0 = default */
	enum fex_mac_forging mac_forging;
	enum fex_uplink_fail uplink_fail_action;
	uint16_t max_ports;		/**< 1..4096 */
	enum fex_io_perf io_performance;
	bool enabled;
};

/** Fill every field with its default and name "" (to be set).
 *  Thread safety: MT safe. */
void fex_profile_defaults(struct fex_profile *p);

/** 1-31 characters of [A-Za-z0-9._-] (a profile name). MT safe. */
bool fex_profile_name_ok(const char *s);

/** Validate every field; message names the field and its range.
 *  Returns 0 or -EINVAL. Thread safety: MT safe. */
int fex_profile_validate(const struct fex_profile *p, char *err, size_t errlen);

/** Check a cluster name: NULL or "default" -> 0, else -EINVAL + message.
 *  Thread safety: MT safe. */
int fex_cluster_check(const char *cluster, char *err, size_t errlen);

/* VLAN bitmap helpers. Thread safety: MT safe on distinct bitmaps. */
static inline bool
fex_vlan_test(const uint64_t *bm, uint16_t vid)
{
	return (bm[(vid >> 6) & (FEX_VLAN_WORDS - 1)] >> (vid & 63)) & 1;
}

static inline void
fex_vlan_set(uint64_t *bm, uint16_t vid)
{
	bm[(vid >> 6) & (FEX_VLAN_WORDS - 1)] |= UINT64_C(1) << (vid & 63);
}

/** Parse "10,20,100-200" into bm (cleared first). "" = no VLAN.
 *  Returns 0 or -EINVAL with a message. Thread safety: MT safe. */
int fex_vlan_list_parse(const char *s, uint64_t *bm, char *err, size_t errlen);
/** Format bm as "10,20,100-200" (ranges collapsed). Returns the length
 *  that the full string needs (snprintf-like). Thread safety: MT safe. */
int fex_vlan_list_format(const uint64_t *bm, char *buf, size_t len);

/* Enum <-> JSON/CLI names ("allow", "deny", "link-down", "warning",
 * "none", "high"). *_parse returns the value or -EINVAL. MT safe. */
const char *fex_mac_forging_name(enum fex_mac_forging v);
int fex_mac_forging_parse(const char *s);
const char *fex_uplink_fail_name(enum fex_uplink_fail v);
int fex_uplink_fail_parse(const char *s);
const char *fex_io_perf_name(enum fex_io_perf v);
int fex_io_perf_parse(const char *s);

/* ---------------------------------------------------------------- */
/* Counters                                                          */

/** Per-VIF counters; indices into fex_vif_counter_names[]. */
enum fex_vif_cnt {
	FEX_VIF_CNT_RX_PACKETS,		/* from the VM (every frame taken) */
	FEX_VIF_CNT_RX_BYTES,
	FEX_VIF_CNT_TX_PACKETS,		/* to the VM (handed to the port) */
	FEX_VIF_CNT_TX_BYTES,
	FEX_VIF_CNT_DROP_INACTIVE,
	FEX_VIF_CNT_DROP_MAC_FORGED,
	FEX_VIF_CNT_DROP_VLAN,
	FEX_VIF_CNT_DROP_POLICER,
	FEX_VIF_CNT_DROP_INGRESS_POLICER,
	FEX_VIF_CNT_DROP_NO_HEADROOM,	/* counted by the caller (tag push) */
	FEX_VIF_CNT_DROP_TX_FULL,	/* counted by the caller (tx burst) */
	FEX_VIF_CNT_DROP_OVERSIZE,	/* counted by the caller: over the uplink MTU once tagged */
	FEX_VIF_CNT_MAX
};

/** "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drop_inactive",
 *  "drop_mac_forged", "drop_vlan", "drop_policer", "drop_ingress_policer",
 *  "drop_no_headroom", "drop_tx_full". */
extern const char *const fex_vif_counter_names[FEX_VIF_CNT_MAX];

struct fex_vif_counters {
	uint64_t c[FEX_VIF_CNT_MAX];
};

/** Add n to one counter of the calling worker (single writer per copy;
 *  a relaxed atomic store = a plain store on x86, and race-free for the
 *  statistics reader). */
static inline void
fex_vif_cnt_add(struct fex_vif_counters *c, enum fex_vif_cnt i, uint64_t n)
{
	__atomic_store_n(&c->c[i], c->c[i] + n, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- */
/* The published table (read by workers)                             */

enum fex_vif_state {
	FEX_VIF_NONE = 0,
	FEX_VIF_PREASSOCIATED,
	FEX_VIF_ASSOCIATED,
	FEX_VIF_DOWN,
};

/** A profile as the fast path needs it: converted once, immutable. */
struct fex_profile_rt {
	uint8_t enabled;
	uint8_t mac_deny;		/* mac_forging deny */
	int8_t cos;			/* 0..7 or FEX_COS_LEAVE */
	uint8_t link_down;		/* uplink_fail_action link-down */
	uint16_t native_vlan;		/* 0 = none */
	uint16_t index;			/* slot in fex_vif_table.prof */
	uint32_t gen;			/* table generation that built it */
	uint32_t check;			/* fex_profile_rt_check() of the rest */
	struct fex_meter_profile meter;		/* egress */
	struct fex_meter_profile ingress_meter;
	uint64_t vlans[FEX_VLAN_WORDS];	/* allowed, native included */
};

/** One VIF in the published table: 16 bytes, 4 per cache line. */
struct fex_vif_entry {
	struct rte_ether_addr mac;
	uint16_t port;			/* ethdev port id */
	uint16_t profile;		/* index into fex_vif_table.prof */
	uint8_t state;			/* enum fex_vif_state */
	uint8_t pad;
	uint32_t gen;			/* table generation that wrote it */
};

/** A VIF list (downstream flood): members, VIF ids 1..4095. */
struct fex_viflist {
	uint16_t n;
	uint16_t vif[];
};

/** Per-VIF state that survives table swaps (one slot per VIF id). */
struct fex_vif_rt {
	struct fex_meter egress;	/* written by the owner worker only */
	struct fex_meter ingress;	/* written by the owner worker only */
};

/**
 * The table workers read. Immutable once published. Parts unchanged by
 * an update are shared between the old and the new table.
 */
struct fex_vif_table {
	uint64_t gen;				/* bumped on every publish */
	const uint16_t *port_vif;		/* [RTE_MAX_ETHPORTS] -> VIF id, 0 none */
	const struct fex_vif_entry *vif;	/* [FEX_VIF_SLOTS]; [0] = none */
	const struct fex_profile_rt *const *prof; /* [FEX_PROFILE_MAX] */
	const struct fex_viflist *const *viflist; /* [FEX_VIFLIST_MAX + 1] */
	struct fex_vif_rt *rt;			/* stable slots [FEX_VIF_SLOTS] */
};

/** Checksum of a runtime profile's contents (everything but `check`);
 *  used by tests to prove readers never see a half-built profile.
 *  Thread safety: MT safe. */
uint32_t fex_profile_rt_check(const struct fex_profile_rt *p);

/* ---------------------------------------------------------------- */
/* Database: creation, writer actions                                */

struct fex_vif_db;

/**
 * Create the database for `workers` readers (1..FEX_WORKERS_MAX), meter
 * timebase `hz` (rte_get_tsc_hz() in the app), memory on `socket`
 * (SOCKET_ID_ANY ok). EAL must be up. Starts with an empty published
 * table and the uplink up. NULL + rte_errno (EINVAL, ENOMEM) on error.
 * Thread safety: call once, before readers start.
 */
struct fex_vif_db *fex_vif_db_create(unsigned int workers, uint64_t hz,
				     int socket);

/** Free everything. Readers must have stopped (fex_vif_reader_fini()).
 *  Thread safety: writer, with no reader running. NULL is a no-op. */
void fex_vif_db_free(struct fex_vif_db *db);

/** The QSBR variable (e.g. to share with other tables of the same
 *  workers). Thread safety: MT safe. */
struct rte_rcu_qsbr *fex_vif_db_qsv(struct fex_vif_db *db);

/**
 * Open a transaction: until fex_vif_db_commit() or fex_vif_db_abort(),
 * the writer actions below edit a staged table (made by the first action
 * that edits) instead of publishing; they neither block nor change what
 * the readers see. An action that fails inside a transaction leaves the
 * staged view as it was. A VIF created (from state none) gets fresh
 * meter buckets and zero counters at commit, not before.
 * Returns 0, or -EBUSY if a transaction is open already (no nesting).
 * Thread safety: writer only.
 */
int fex_vif_db_begin(struct fex_vif_db *db);

/**
 * Publish what the transaction staged: one table, one generation (none
 * if nothing was edited), one grace period. A VIF that was disassociated
 * and bound again within the transaction never left the readers' view:
 * it keeps its buckets and counters. Returns 0, or -EINVAL when no
 * transaction is open. Thread safety: writer only; blocks for one grace
 * period when something was staged.
 */
int fex_vif_db_commit(struct fex_vif_db *db);

/**
 * Drop what the transaction staged: the profiles, VIFs, VIF lists and
 * uplink state read back as at fex_vif_db_begin(); the published table
 * (and its gen), meter buckets and counters were never touched. No-op
 * without a transaction. Thread safety: writer only; never blocks.
 */
void fex_vif_db_abort(struct fex_vif_db *db);

/** true between fex_vif_db_begin() and commit/abort.
 *  Thread safety: writer only. */
bool fex_vif_db_in_txn(const struct fex_vif_db *db);

/**
 * Create or modify (live) a profile in `cluster` (NULL = "default").
 * Modifying keeps VIFs, meter buckets and counters. Refused: invalid
 * field (-EINVAL), other cluster (-EINVAL), max_ports below the number of
 * VIFs using it (-EBUSY), FEX_PROFILE_MAX profiles (-ENOSPC), -ENOMEM.
 * Thread safety: writer only; blocks for one grace period (outside a
 * transaction; the same for every action marked "blocks" below).
 */
int fex_profile_set(struct fex_vif_db *db, const char *cluster,
		    const struct fex_profile *p, char *err, size_t errlen);

/** Copy profile `name` into *out and, if n_vifs, the number of VIFs using
 *  it. -ENOENT if unknown. Thread safety: writer thread only. */
int fex_profile_get(struct fex_vif_db *db, const char *name,
		    struct fex_profile *out, unsigned int *n_vifs);

/** Call cb for every profile in name order; stops at and returns the
 *  first nonzero cb result, else 0. cb may call writer actions.
 *  Thread safety: writer thread only. */
int fex_profile_foreach(struct fex_vif_db *db,
			int (*cb)(const struct fex_profile *p,
				  unsigned int n_vifs, void *arg),
			void *arg);

/** Delete a profile: -ENOENT unknown, -EBUSY while VIFs use it,
 *  -EINVAL other cluster. Thread safety: writer only; blocks. */
int fex_profile_delete(struct fex_vif_db *db, const char *cluster,
		       const char *name, char *err, size_t errlen);

/** Arguments of vif.preassociate / vif.associate. */
struct fex_vif_assoc {
	uint16_t vif;			/* 1..4095 */
	uint16_t port_id;		/* ethdev port id, < RTE_MAX_ETHPORTS */
	const char *port_spec;		/* stored, 1..255 bytes */
	struct rte_ether_addr mac;	/* unicast, not zero */
	const char *instance_uuid;	/* 8-4-4-4-12 hex */
	const char *profile;
	const char *cluster;		/* NULL = "default" */
};

/** See the transition table above. Thread safety: writer only; blocks. */
int fex_vif_preassociate(struct fex_vif_db *db, const struct fex_vif_assoc *a,
			 char *err, size_t errlen);
int fex_vif_associate(struct fex_vif_db *db, const struct fex_vif_assoc *a,
		      char *err, size_t errlen);
int fex_vif_disassociate(struct fex_vif_db *db, uint16_t vif,
			 char *err, size_t errlen);

/** 802.1Qbh response name for a return code of the actions above:
 *  "success", "in-progress", "invalid", "bad-state",
 *  "insufficient-resources", "error". Thread safety: MT safe. */
const char *fex_vif_response_name(int rc);

/** "none", "preassociated", "associated", "down". MT safe. */
const char *fex_vif_state_name(enum fex_vif_state s);

/** Uplink link state change (true = up). Moves VIFs of link-down
 *  profiles between associated and down. Returns the number of VIFs
 *  moved or -errno. Thread safety: writer only; blocks. */
int fex_vif_uplink_set(struct fex_vif_db *db, bool up);

struct fex_vif_info {
	uint16_t vif;
	enum fex_vif_state state;
	uint16_t port_id;
	char port_spec[FEX_PORT_SPEC_MAX + 1];
	struct rte_ether_addr mac;
	char instance_uuid[FEX_UUID_LEN + 1];
	char profile[FEX_PROFILE_NAME_MAX + 1];
};

/** VIF `vif` into *out; -ENOENT if none, -EINVAL if out of range.
 *  Thread safety: writer thread only. */
int fex_vif_get(struct fex_vif_db *db, uint16_t vif, struct fex_vif_info *out);

/** VIF bound to an ethdev port: its id, or 0. Writer thread only. */
uint16_t fex_vif_of_port_id(struct fex_vif_db *db, uint16_t port_id);

/** cb for every VIF in id order (stops at first nonzero, returned);
 *  cb may call writer actions.
 *  Thread safety: writer thread only. */
int fex_vif_foreach(struct fex_vif_db *db,
		    int (*cb)(const struct fex_vif_info *v, void *arg),
		    void *arg);

/** Counters of VIF `vif` summed over the workers into out (FEX_VIF_CNT_MAX
 *  entries). Reads racing with workers are atomic per counter (each value
 *  is exact at some instant). -EINVAL out of range. Works for any id in
 *  range (zeros for a VIF never used). Counters restart at 0 when a VIF
 *  is created (from state none) and survive profile changes.
 *  Thread safety: MT safe with readers; call from one thread. */
int fex_vif_stats(struct fex_vif_db *db, uint16_t vif, uint64_t *out);

/** Set VIF list `id` (1..16383) to the n members (VIF ids 1..4095, no
 *  duplicates, n <= 4095). Members need not exist yet: replication
 *  skips VIFs that are not active. Thread safety: writer only; blocks. */
int fex_viflist_set(struct fex_vif_db *db, uint16_t id, const uint16_t *vifs,
		    unsigned int n, char *err, size_t errlen);
/** Copy up to max members of list id into vifs; returns the member count
 *  (may exceed max) or -ENOENT / -EINVAL. Writer thread only. */
int fex_viflist_get(struct fex_vif_db *db, uint16_t id, uint16_t *vifs,
		    unsigned int max);
/** -ENOENT if absent. Writer only; blocks. */
int fex_viflist_delete(struct fex_vif_db *db, uint16_t id, char *err,
		       size_t errlen);
/** cb per list in id order; cb may call writer actions.
 *  Writer thread only. */
int fex_viflist_foreach(struct fex_vif_db *db,
			int (*cb)(uint16_t id, const uint16_t *vifs,
				  unsigned int n, void *arg),
			void *arg);

/* ---------------------------------------------------------------- */
/* Readers (workers)                                                 */

/** A worker's handle; fill with fex_vif_reader_init(), owned by it. */
struct fex_vif_reader {
	const struct fex_vif_table *t;	/* current snapshot (per burst) */
	struct fex_vif_table *const *cur;
	struct rte_rcu_qsbr *qsv;
	struct fex_vif_counters *cnt;	/* this worker's [FEX_VIF_SLOTS] */
	unsigned int id;
};

/**
 * Register worker `worker` (0..workers-1) and put it online.
 * Returns 0, -EINVAL. Thread safety: MT safe; called by the worker.
 */
int fex_vif_reader_init(struct fex_vif_db *db, unsigned int worker,
			struct fex_vif_reader *r);
/** Offline + unregister. Thread safety: the reader's own thread. */
void fex_vif_reader_fini(struct fex_vif_reader *r);
/** Idle: the writer no longer waits for this reader. Own thread. */
void fex_vif_reader_offline(struct fex_vif_reader *r);
/** Back from idle; take a new snapshot afterwards. Own thread. */
void fex_vif_reader_online(struct fex_vif_reader *r);

/** Take the burst's snapshot. Thread safety: the reader's own thread. */
static inline const struct fex_vif_table *
fex_vif_reader_snapshot(struct fex_vif_reader *r)
{
	r->t = __atomic_load_n(r->cur, __ATOMIC_ACQUIRE);
	return r->t;
}

/** End of burst: the snapshot is released. Own thread. */
static inline void
fex_vif_reader_quiescent(struct fex_vif_reader *r)
{
	rte_rcu_qsbr_quiescent(r->qsv, r->id);
}

/** VIF bound to ethdev port (0 = none). */
static inline uint16_t
fex_vif_of_port(const struct fex_vif_table *t, uint16_t port)
{
	return likely(port < RTE_MAX_ETHPORTS) ? t->port_vif[port] : 0;
}

/** Entry of VIF id (entry 0, state none, for out-of-range ids). */
static inline const struct fex_vif_entry *
fex_vif_entry(const struct fex_vif_table *t, uint16_t vif)
{
	return &t->vif[likely(vif < FEX_VIF_SLOTS) ? vif : 0];
}

static inline const struct fex_profile_rt *
fex_vif_profile(const struct fex_vif_table *t, const struct fex_vif_entry *v)
{
	return t->prof[v->profile];
}

/** true when the VIF forwards (associated and its profile enabled). */
static inline bool
fex_vif_active(const struct fex_vif_table *t, const struct fex_vif_entry *v)
{
	return v->state == FEX_VIF_ASSOCIATED && t->prof[v->profile]->enabled;
}

/** VIF list (NULL when absent or id out of range). */
static inline const struct fex_viflist *
fex_viflist_lookup(const struct fex_vif_table *t, uint16_t id)
{
	return likely(id <= FEX_VIFLIST_MAX) ? t->viflist[id] : NULL;
}

/* ---------------------------------------------------------------- */
/* Per-frame policy (SPEC §3) on a parsed header                     */

/** What the policy needs to know about a frame (parsed by the caller). */
struct fex_pkt_hdr {
	const struct rte_ether_addr *src;	/* source MAC */
	uint32_t len;		/* bytes the policer counts (frame length) */
	uint16_t vid;		/* 802.1Q VID when has_vlan */
	uint8_t has_vlan;	/* the frame carries an 802.1Q tag */
	uint8_t pcp;		/* its PCP (0 when untagged) */
};

/** What to do with a frame that passes. */
struct fex_pkt_action {
	uint16_t vid;		/* VID the frame carries after the action */
	uint8_t pcp;		/* PCP of the 802.1Q tag after the action */
	uint8_t epcp;		/* egress: E-PCP for an E-Tag (= pcp) */
	uint8_t insert_vlan;	/* egress: push an 802.1Q tag (vid, pcp) */
	uint8_t set_tci;	/* egress: rewrite the present tag to (vid, pcp) */
	uint8_t strip_vlan;	/* ingress: remove the 802.1Q tag */
	uint8_t pad;
};

/** Verdict: FEX_PASS or a drop reason whose value is its counter index. */
enum fex_verdict {
	FEX_PASS = 0,
	FEX_DROP_INACTIVE = FEX_VIF_CNT_DROP_INACTIVE,
	FEX_DROP_MAC_FORGED = FEX_VIF_CNT_DROP_MAC_FORGED,
	FEX_DROP_VLAN = FEX_VIF_CNT_DROP_VLAN,
	FEX_DROP_POLICER = FEX_VIF_CNT_DROP_POLICER,
	FEX_DROP_INGRESS_POLICER = FEX_VIF_CNT_DROP_INGRESS_POLICER,
	/* not a VIF counter: the caller counts it per uplink
	 * (drop_unknown_vif) */
	FEX_DROP_UNKNOWN_VIF = FEX_VIF_CNT_MAX,
};

/* a may point into a frame at any offset (an odd data_off): memcpy loads,
 * the same two instructions on x86, no misaligned access in C terms. */
static inline bool
fex_mac_eq(const struct rte_ether_addr *a, const struct rte_ether_addr *b)
{
	uint32_t x0, y0;
	uint16_t x1, y1;

	memcpy(&x0, (const uint8_t *)a, 4);
	memcpy(&x1, (const uint8_t *)a + 4, 2);
	memcpy(&y0, (const uint8_t *)b, 4);
	memcpy(&y1, (const uint8_t *)b + 4, 2);
	return ((x0 ^ y0) | (uint32_t)(x1 ^ y1)) == 0;
}

/* Egress policy of one frame of an active VIF, profile fields hoisted by
 * the caller (one load per burst, not per frame). Not for direct use. */
static __rte_always_inline enum fex_verdict
egress_one(const struct rte_ether_addr *vmac, const uint64_t *vlans,
	   uint16_t native, int cos, bool mac_deny,
	   const struct fex_meter_profile *mp, struct fex_meter *m,
	   uint64_t now, const struct fex_pkt_hdr *h, struct fex_pkt_action *a)
{
	uint16_t vid = h->vid;
	uint8_t pcp = h->has_vlan ? h->pcp : 0;
	uint8_t out;

	if (mac_deny && unlikely(!fex_mac_eq(h->src, vmac)))
		return FEX_DROP_MAC_FORGED;
	if (!h->has_vlan || vid == 0) {		/* untagged, priority-tagged */
		if (unlikely(native == 0))
			return FEX_DROP_VLAN;
		vid = native;
	} else if (unlikely(!fex_vlan_test(vlans, vid))) {
		return FEX_DROP_VLAN;
	}
	out = cos >= 0 ? (uint8_t)cos : pcp;
	a->vid = vid;
	a->pcp = out;
	a->epcp = out;
	a->insert_vlan = !h->has_vlan;
	a->set_tci = h->has_vlan & ((vid != h->vid) | (out != pcp));
	a->strip_vlan = 0;
	a->pad = 0;
	if (mp != NULL &&
	    unlikely(fex_meter_check(m, mp, now, h->len) != RTE_COLOR_GREEN))
		return FEX_DROP_POLICER;
	return FEX_PASS;
}

/**
 * Egress policy of one frame from VIF entry v (profile p, meter m of the
 * VIF's slot, time now in the db's hz). Fills *a when FEX_PASS.
 * Thread safety: the VIF's owner worker (writes *m).
 */
static inline enum fex_verdict
fex_vif_egress_check(const struct fex_vif_entry *v,
		     const struct fex_profile_rt *p, struct fex_meter *m,
		     uint64_t now, const struct fex_pkt_hdr *h,
		     struct fex_pkt_action *a)
{
	if (unlikely(v->state != FEX_VIF_ASSOCIATED || !p->enabled))
		return FEX_DROP_INACTIVE;
	return egress_one(&v->mac, p->vlans, p->native_vlan, p->cos, p->mac_deny,
			  fex_meter_profile_on(&p->meter) ? &p->meter : NULL,
			  m, now, h, a);
}

/**
 * Ingress policy of one frame to VIF entry v (tag already parsed).
 * Fills *a when FEX_PASS (vid/pcp as received, strip_vlan).
 * Thread safety: the VIF's owner worker (writes *m).
 */
static inline enum fex_verdict
fex_vif_ingress_check(const struct fex_vif_entry *v,
		      const struct fex_profile_rt *p, struct fex_meter *m,
		      uint64_t now, const struct fex_pkt_hdr *h,
		      struct fex_pkt_action *a)
{
	if (unlikely(v->state != FEX_VIF_ASSOCIATED || !p->enabled))
		return FEX_DROP_INACTIVE;
	a->insert_vlan = 0;
	a->set_tci = 0;
	a->pad = 0;
	a->pcp = h->pcp;
	a->epcp = h->pcp;
	if (h->has_vlan && h->vid != 0) {
		if (unlikely(!fex_vlan_test(p->vlans, h->vid)))
			return FEX_DROP_VLAN;
		a->strip_vlan = h->vid == p->native_vlan;
		a->vid = h->vid;
	} else {	/* untagged or priority-tagged: the native VLAN */
		if (unlikely(p->native_vlan == 0))
			return FEX_DROP_VLAN;
		a->strip_vlan = h->has_vlan;
		a->vid = p->native_vlan;
	}
	if (fex_meter_profile_on(&p->ingress_meter) &&
	    unlikely(fex_meter_check(m, &p->ingress_meter, now, h->len) !=
		     RTE_COLOR_GREEN))
		return FEX_DROP_INGRESS_POLICER;
	return FEX_PASS;
}

/**
 * Egress policy over a burst of n frames that all arrived on ethdev port
 * `port` (one VIF lookup per burst). Uses the reader's snapshot r->t.
 * verdict[i] and act[i] per frame; counts rx_packets/rx_bytes for every
 * frame and the drop counter of every dropped one in the reader's
 * counters (for a port with no VIF nothing is counted here: *vif_out = 0
 * and every verdict is FEX_DROP_INACTIVE; the caller counts per port).
 * Returns the number of FEX_PASS frames; *vif_out = the source VIF (svif).
 * Thread safety: the owner worker of `port`, between snapshot and
 * quiescent.
 */
static inline uint16_t
fex_vif_egress_burst(struct fex_vif_reader *r, uint16_t port, uint64_t now,
		     const struct fex_pkt_hdr *h, struct fex_pkt_action *act,
		     uint8_t *verdict, uint16_t n, uint16_t *vif_out)
{
	const struct fex_vif_table *t = r->t;
	const uint16_t id = fex_vif_of_port(t, port);
	const struct fex_vif_entry *v = &t->vif[id];
	const struct fex_profile_rt *p = t->prof[v->profile];
	const struct fex_meter_profile *mp =
		fex_meter_profile_on(&p->meter) ? &p->meter : NULL;
	const struct rte_ether_addr vmac = v->mac;
	const uint16_t native = p->native_vlan;
	const int cos = p->cos;
	const bool mac_deny = p->mac_deny;
	struct fex_meter *m = &t->rt[id].egress;
	struct fex_vif_counters *c = &r->cnt[id];
	uint64_t bytes = 0, drops[FEX_VIF_CNT_MAX];
	uint16_t i, pass = 0;
	unsigned int k;

	*vif_out = id;
	for (i = 0; i < n; i++)
		bytes += h[i].len;
	if (unlikely(v->state != FEX_VIF_ASSOCIATED || !p->enabled)) {
		for (i = 0; i < n; i++)
			verdict[i] = FEX_DROP_INACTIVE;
		if (id != 0) {
			fex_vif_cnt_add(c, FEX_VIF_CNT_RX_PACKETS, n);
			fex_vif_cnt_add(c, FEX_VIF_CNT_RX_BYTES, bytes);
			fex_vif_cnt_add(c, FEX_VIF_CNT_DROP_INACTIVE, n);
		}
		return 0;
	}
	memset(drops, 0, sizeof(drops));
	for (i = 0; i < n; i++) {
		enum fex_verdict vd = egress_one(&vmac, p->vlans, native, cos,
						 mac_deny, mp, m, now, &h[i], &act[i]);

		verdict[i] = (uint8_t)vd;
		if (likely(vd == FEX_PASS))
			pass++;
		else
			drops[vd]++;
	}
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_PACKETS, n);
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_BYTES, bytes);
	if (unlikely(pass != n))
		for (k = FEX_VIF_CNT_DROP_INACTIVE; k <= FEX_VIF_CNT_DROP_POLICER; k++)
			if (drops[k] != 0)
				fex_vif_cnt_add(c, (enum fex_vif_cnt)k, drops[k]);
	return pass;
}

/**
 * The egress action every untagged frame of a burst from one port shares
 * (fex_vif_egress_plan()): the native VLAN and the CoS as its PCP (0 when
 * cos is absent), to be inserted as an 802.1Q tag.
 */
struct fex_vif_egress_plan {
	const struct fex_vif_entry *v;
	const struct fex_profile_rt *p;
	uint16_t vif;		/* svif */
	uint16_t vid;		/* native VLAN */
	uint8_t pcp;		/* 802.1Q PCP and E-PCP */
	uint8_t mac_deny;	/* frames must carry v->mac as source */
};

/**
 * Burst-wide egress policy, first half: true when the VIF of `port` is
 * active and its profile has a native VLAN, *pl then holding what every
 * untagged frame of the burst gets (the rules of fex_vif_egress_check(),
 * decided once). false: use fex_vif_egress_burst(). Counts nothing.
 * Thread safety: the owner worker of `port`, between snapshot and
 * quiescent.
 */
static inline bool
fex_vif_egress_plan(const struct fex_vif_reader *r, uint16_t port,
		    struct fex_vif_egress_plan *pl)
{
	const struct fex_vif_table *t = r->t;
	const uint16_t id = fex_vif_of_port(t, port);
	const struct fex_vif_entry *v = &t->vif[id];
	const struct fex_profile_rt *p = t->prof[v->profile];

	if (unlikely(id == 0 || v->state != FEX_VIF_ASSOCIATED || !p->enabled ||
		     p->native_vlan == 0))
		return false;
	pl->v = v;
	pl->p = p;
	pl->vif = id;
	pl->vid = p->native_vlan;
	pl->pcp = p->cos >= 0 ? (uint8_t)p->cos : 0;
	pl->mac_deny = p->mac_deny;
	return true;
}

/**
 * Burst-wide egress policy, second half: the caller checked that all n
 * frames (`bytes` in all) are untagged and, with pl->mac_deny, come from
 * pl->v->mac. The policer takes the whole burst at once: since every frame
 * of a burst is checked at the same `now`, that is the per-frame verdict
 * of each frame whenever the bucket holds the burst. true: every frame
 * passes, rx_packets/rx_bytes counted. false (bucket short): nothing
 * counted and the bucket only refilled, so fex_vif_egress_burst() on the
 * same burst gives exactly the per-frame verdicts.
 * Thread safety: as fex_vif_egress_plan().
 */
static inline bool
fex_vif_egress_commit(const struct fex_vif_reader *r,
		      const struct fex_vif_egress_plan *pl, uint64_t now,
		      uint16_t n, uint64_t bytes)
{
	const struct fex_vif_table *t = r->t;
	struct fex_vif_counters *c = &r->cnt[pl->vif];

	if (fex_meter_profile_on(&pl->p->meter) &&
	    (bytes > UINT32_MAX ||
	     fex_meter_check(&t->rt[pl->vif].egress, &pl->p->meter, now,
			     (uint32_t)bytes) != RTE_COLOR_GREEN))
		return false;
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_PACKETS, n);
	fex_vif_cnt_add(c, FEX_VIF_CNT_RX_BYTES, bytes);
	return true;
}

/**
 * Ingress policy of one frame for VIF `vif` (dvif or a VIF-list member)
 * with the reader's snapshot r->t: FEX_DROP_UNKNOWN_VIF (not counted
 * here) when no VIF has that id, else the verdict of
 * fex_vif_ingress_check(), a drop being counted on the VIF. tx_packets /
 * tx_bytes are counted by the caller once the frame is sent
 * (fex_vif_count_tx()). Thread safety: the owner worker of the VIF's
 * port, between snapshot and quiescent.
 */
static inline enum fex_verdict
fex_vif_ingress(struct fex_vif_reader *r, uint16_t vif, uint64_t now,
		const struct fex_pkt_hdr *h, struct fex_pkt_action *a)
{
	const struct fex_vif_table *t = r->t;
	const struct fex_vif_entry *v = fex_vif_entry(t, vif);
	enum fex_verdict vd;

	if (unlikely(v->state == FEX_VIF_NONE || vif == 0))
		return FEX_DROP_UNKNOWN_VIF;
	vd = fex_vif_ingress_check(v, t->prof[v->profile], &t->rt[vif].ingress,
				   now, h, a);
	if (unlikely(vd != FEX_PASS))
		fex_vif_cnt_add(&r->cnt[vif], (enum fex_vif_cnt)vd, 1);
	return vd;
}

/** Count frames sent to (tx) a VIF's port, or any caller-side counter
 *  (drop_no_headroom, drop_tx_full) of VIF `vif` (1..4095).
 *  Thread safety: the reader's own thread. */
static inline void
fex_vif_count(struct fex_vif_reader *r, uint16_t vif, enum fex_vif_cnt i,
	      uint64_t n)
{
	fex_vif_cnt_add(&r->cnt[vif & (FEX_VIF_SLOTS - 1)], i, n);
}

static inline void
fex_vif_count_tx(struct fex_vif_reader *r, uint16_t vif, uint64_t pkts,
		 uint64_t bytes)
{
	struct fex_vif_counters *c = &r->cnt[vif & (FEX_VIF_SLOTS - 1)];

	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_PACKETS, pkts);
	fex_vif_cnt_add(c, FEX_VIF_CNT_TX_BYTES, bytes);
}

#endif
