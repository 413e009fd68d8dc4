/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex_vif: port profiles, VIFs and VIF lists (SPEC §2), published to the
 * workers through RCU (rte_rcu_qsbr).
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
 * The per-frame rules that read these tables live in lib/dp (fex_policy.h).
 *
 * Files: fex_vif.c (the tables, copy and RCU publish, the database, the
 * readers), fex_vif_txn.c (transactions), fex_vif_actions.c (writer
 * actions, writer-side reads, stats), fex_vif_names.c (names, VLAN lists,
 * validation; no EAL); fex_vif_priv.h is shared between them.
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
#include "fex_port.h"	/* FEX_PORT_SPEC_MAX */

#define FEX_WORKERS_MAX		16
#define FEX_VIF_MIN		1
#define FEX_VIF_MAX		4095	/* highest VIF id */
#define FEX_VIF_SLOTS		4096	/* ids 0..4095; 0 = "no VIF" */
#define FEX_VIFLIST_MAX		16383	/* highest VIF-list id */
#define FEX_PROFILE_MAX		4096	/* profiles at once */
#define FEX_PROFILE_NAME_MAX	31	/* chars, [A-Za-z0-9._-] */
#define FEX_PROFILE_DESC_MAX	255	/* bytes, no control characters */
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
/* What the VM->fabric rate does to a frame over it (SPEC §2): shape = it
 * waits (the default), police = it is dropped (drop_policer). */
enum fex_rate_mode { FEX_RATE_SHAPE, FEX_RATE_POLICE };
enum fex_uplink_fail { FEX_UPLINK_FAIL_LINK_DOWN, FEX_UPLINK_FAIL_WARNING };
enum fex_io_perf { FEX_IO_PERF_NONE, FEX_IO_PERF_HIGH };

#define FEX_COS_LEAVE	(-1)	/* cos absent: PCP left as is */
/* How long a shaped VIF's queue is, in time at its rate (at least its
 * burst): frames over it are dropped as drop_shaper (non-vhost vNICs;
 * a vhost guest is held back in its own ring instead). */
#define FEX_SHAPER_QUEUE_MS	50

/**
 * A port profile as users see it. Defaults (fex_profile_defaults()):
 * description "", no VLANs, native_vlan 0 (none), cos absent, rate_kbps 0
 * (line rate), burst_bytes 0 (default burst, see fex_meter.h), ingress
 * rate 0 / burst 0, rate_mode shape, mac_forging allow,
 * uplink_fail_action link-down,
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
	enum fex_rate_mode rate_mode;	/**< shape (default) or police */
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
/* The same names as NULL-terminated lists, indexed by the enum value
 * (fex_vif_state_names by enum fex_vif_state, "none" first). */
extern const char *const fex_mac_forging_names[];
extern const char *const fex_rate_mode_names[];
extern const char *const fex_uplink_fail_names[];
extern const char *const fex_io_perf_names[];
extern const char *const fex_vif_state_names[];

/** An instance UUID: 8-4-4-4-12 hex digits, either case. MT safe. */
bool fex_uuid_ok(const char *s);

const char *fex_mac_forging_name(enum fex_mac_forging v);
const char *fex_rate_mode_name(enum fex_rate_mode v);
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
	FEX_VIF_CNT_DROP_SHAPER,	/* counted by the caller: the shaper queue full */
	FEX_VIF_CNT_MAX
};

/** "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drop_inactive",
 *  "drop_mac_forged", "drop_vlan", "drop_policer", "drop_ingress_policer",
 *  "drop_no_headroom", "drop_tx_full", "drop_oversize", "drop_shaper". */
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
	uint8_t shape;			/* rate_mode shape and a rate set */
	uint32_t shq_bytes;		/* shaper queue limit (non-vhost vNICs) */
	struct fex_meter_profile meter;		/* egress (policer or shaper) */
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
	struct fex_shaper shaper;	/* written by the owner worker only */
	struct fex_meter ingress;	/* written by the owner worker only */
};

/**
 * The table workers read. Immutable once published. Parts unchanged by
 * an update are shared between the old and the new table.
 */
struct fex_vif_table {
	uint64_t gen;				/* bumped on every publish */
	const uint16_t *port_vif;		/* [FEX_PORT_MAX] -> VIF id, 0 none */
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

/** Wait until every online reader passed a quiescent state: what was
 *  unpublished before the call is then unused. The one grace-period wait
 *  of the process (lib/dp's poll lists and pdump guard use it too);
 *  yields the CPU while it waits, as the caller may share a core.
 *  Thread safety: any thread that is not a reader. */
void fex_vif_db_grace_period(struct fex_vif_db *db);

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
	uint16_t port_id;		/* fex_port id, < FEX_PORT_MAX */
	const char *port_spec;		/* stored, 1..FEX_PORT_SPEC_MAX bytes */
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
	return likely(port < FEX_PORT_MAX) ? t->port_vif[port] : 0;
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

/* Two MACs equal? a may point into a frame at any offset (an odd data_off): memcpy loads,
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

/** VIF list (NULL when absent or id out of range). */
static inline const struct fex_viflist *
fex_viflist_lookup(const struct fex_vif_table *t, uint16_t id)
{
	return likely(id <= FEX_VIFLIST_MAX) ? t->viflist[id] : NULL;
}

#endif
