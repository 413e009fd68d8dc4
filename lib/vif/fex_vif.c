/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VIF and port-profile tables. The control thread is the only writer:
 * every action copies the parts of the published table it changes,
 * publishes the new table, waits for a grace period and frees what the
 * old table alone referenced. Writer-private data (profile parameters,
 * port specs, UUIDs, use counts) never reaches the workers.
 *
 * Inside a transaction (fex_vif_db_begin()) the actions edit one staged
 * table instead, which fex_vif_db_commit() publishes once and
 * fex_vif_db_abort() drops. Writer-private slots an action changes are
 * journaled first, so that abort can put them back; meter buckets and
 * counters of a VIF created in the transaction are reset at commit.
 */
#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "fex_vif.h"

RTE_LOG_REGISTER(fex_logtype_vif, fex.vif, INFO);
#define VIF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_vif, "vif: " fmt "\n", ##__VA_ARGS__)

/* Profile index 0 is a built-in disabled profile that every VIF entry in
 * state none points to, so the fast path never meets a NULL profile. */
#define PROFILE_NONE 0

const char *const fex_vif_counter_names[FEX_VIF_CNT_MAX] = {
	[FEX_VIF_CNT_RX_PACKETS] = "rx_packets",
	[FEX_VIF_CNT_RX_BYTES] = "rx_bytes",
	[FEX_VIF_CNT_TX_PACKETS] = "tx_packets",
	[FEX_VIF_CNT_TX_BYTES] = "tx_bytes",
	[FEX_VIF_CNT_DROP_INACTIVE] = "drop_inactive",
	[FEX_VIF_CNT_DROP_MAC_FORGED] = "drop_mac_forged",
	[FEX_VIF_CNT_DROP_VLAN] = "drop_vlan",
	[FEX_VIF_CNT_DROP_POLICER] = "drop_policer",
	[FEX_VIF_CNT_DROP_INGRESS_POLICER] = "drop_ingress_policer",
	[FEX_VIF_CNT_DROP_NO_HEADROOM] = "drop_no_headroom",
	[FEX_VIF_CNT_DROP_TX_FULL] = "drop_tx_full",
	[FEX_VIF_CNT_DROP_OVERSIZE] = "drop_oversize",
};

/* The VIF part of a table: port map and entries, copied together. */
struct vif_map {
	uint16_t port_vif[RTE_MAX_ETHPORTS];	/* first: the table points here */
	struct fex_vif_entry vif[FEX_VIF_SLOTS];
};

static struct vif_map *
map_of(const struct fex_vif_table *t)
{
	RTE_BUILD_BUG_ON(offsetof(struct vif_map, port_vif) != 0);
	return (struct vif_map *)(uintptr_t)t->port_vif;
}

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

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static int __rte_format_printf(4, 5)
fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Names and parsing                                                   */

const char *const fex_mac_forging_names[] = { "allow", "deny", NULL };
const char *const fex_uplink_fail_names[] = { "link-down", "warning", NULL };
const char *const fex_io_perf_names[] = { "none", "high", NULL };
const char *const fex_vif_state_names[] = {
	"none", "preassociated", "associated", "down", NULL
};
/* entries before the NULL */
#define NAMES_N(a) (RTE_DIM(a) - 1)

static int
name_parse(const char *s, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *
fex_mac_forging_name(enum fex_mac_forging v)
{
	return (unsigned int)v < NAMES_N(fex_mac_forging_names) ? fex_mac_forging_names[v] : "?";
}

int
fex_mac_forging_parse(const char *s)
{
	return name_parse(s, fex_mac_forging_names, NAMES_N(fex_mac_forging_names));
}

const char *
fex_uplink_fail_name(enum fex_uplink_fail v)
{
	return (unsigned int)v < NAMES_N(fex_uplink_fail_names) ? fex_uplink_fail_names[v] : "?";
}

int
fex_uplink_fail_parse(const char *s)
{
	return name_parse(s, fex_uplink_fail_names, NAMES_N(fex_uplink_fail_names));
}

const char *
fex_io_perf_name(enum fex_io_perf v)
{
	return (unsigned int)v < NAMES_N(fex_io_perf_names) ? fex_io_perf_names[v] : "?";
}

int
fex_io_perf_parse(const char *s)
{
	return name_parse(s, fex_io_perf_names, NAMES_N(fex_io_perf_names));
}

const char *
fex_vif_state_name(enum fex_vif_state s)
{
	return (unsigned int)s < NAMES_N(fex_vif_state_names) ? fex_vif_state_names[s] : "?";
}

const char *
fex_vif_response_name(int rc)
{
	switch (rc) {
	case 0:
		return "success";
	case -EINPROGRESS:
		return "in-progress";
	case -EINVAL:
	case -ENOENT:
		return "invalid";
	case -EBUSY:
	case -ESRCH:
	case -EADDRINUSE:
		return "bad-state";
	case -ENOSPC:
	case -ENOMEM:
		return "insufficient-resources";
	default:
		return "error";
	}
}

static int
vid_parse(const char **s, uint16_t *vid)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	errno = 0;
	v = strtoul(*s, &end, 10);
	if (errno != 0 || v < FEX_VLAN_MIN || v > FEX_VLAN_MAX)
		return -EINVAL;
	*s = end;
	*vid = (uint16_t)v;
	return 0;
}

int
fex_vlan_list_parse(const char *s, uint64_t *bm, char *err, size_t errlen)
{
	const char *p = s;
	uint16_t lo, hi, v;

	memset(bm, 0, FEX_VLAN_WORDS * sizeof(*bm));
	if (s == NULL)
		return fail(err, errlen, -EINVAL, "vlans: missing list");
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		while (*p == ' ')
			p++;
		if (vid_parse(&p, &lo) < 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (vid_parse(&p, &hi) < 0 || hi < lo)
				goto bad;
		}
		for (v = lo; v <= hi; v++)
			fex_vlan_set(bm, v);
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	return fail(err, errlen, -EINVAL,
		    "vlans: bad list at \"%.16s\": expected VLAN ids 1-4094 or ranges lo-hi, comma-separated (e.g. 10,20,100-200)",
		    p);
}

int
fex_vlan_list_format(const uint64_t *bm, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int v = FEX_VLAN_MIN, hi;
	int n;

	if (len > 0)
		buf[0] = '\0';
	while (v <= FEX_VLAN_MAX) {
		if (!fex_vlan_test(bm, (uint16_t)v)) {
			v++;
			continue;
		}
		for (hi = v; hi + 1 <= FEX_VLAN_MAX && fex_vlan_test(bm, (uint16_t)(hi + 1)); hi++)
			;
		if (hi == v)
			n = snprintf(used < len ? buf + used : NULL,
				     used < len ? len - used : 0, "%s%u",
				     used ? "," : "", v);
		else
			n = snprintf(used < len ? buf + used : NULL,
				     used < len ? len - used : 0, "%s%u-%u",
				     used ? "," : "", v, hi);
		used += (size_t)n;
		v = hi + 1;
	}
	return (int)used;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

void
fex_profile_defaults(struct fex_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->native_vlan = 0;
	p->cos = FEX_COS_LEAVE;
	p->mac_forging = FEX_MAC_FORGING_ALLOW;
	p->uplink_fail_action = FEX_UPLINK_FAIL_LINK_DOWN;
	p->max_ports = FEX_MAX_PORTS_DEFAULT;
	p->io_performance = FEX_IO_PERF_NONE;
	p->enabled = true;
}

bool
fex_profile_name_ok(const char *s)
{
	size_t i;

	for (i = 0; i <= FEX_PROFILE_NAME_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return i > 0;
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return false;
}

int
fex_cluster_check(const char *cluster, char *err, size_t errlen)
{
	if (cluster == NULL || strcmp(cluster, FEX_CLUSTER_DEFAULT) == 0)
		return 0;
	return fail(err, errlen, -EINVAL,
		    "cluster: unknown cluster \"%.40s\": the only cluster is \"default\"",
		    cluster);
}

int
fex_profile_validate(const struct fex_profile *p, char *err, size_t errlen)
{
	struct fex_meter_params mp;
	const char *d;
	int rc;

	if (!fex_profile_name_ok(p->name))
		return fail(err, errlen, -EINVAL,
			    "name: must be 1-%d characters of [A-Za-z0-9._-]",
			    FEX_PROFILE_NAME_MAX);
	if (memchr(p->description, '\0', sizeof(p->description)) == NULL)
		return fail(err, errlen, -EINVAL,
			    "description: at most %d bytes", FEX_PROFILE_DESC_MAX);
	for (d = p->description; *d != '\0'; d++)
		if ((unsigned char)*d < 0x20 || *d == 0x7f)
			return fail(err, errlen, -EINVAL,
				    "description: control characters are not allowed (up to %d printable bytes)",
				    FEX_PROFILE_DESC_MAX);
	if (fex_vlan_test(p->vlans, 0) || fex_vlan_test(p->vlans, 4095))
		return fail(err, errlen, -EINVAL,
			    "vlans: VLAN %d out of range: allowed VLAN ids are %d-%d",
			    fex_vlan_test(p->vlans, 0) ? 0 : 4095,
			    FEX_VLAN_MIN, FEX_VLAN_MAX);
	if (p->native_vlan > FEX_VLAN_MAX)
		return fail(err, errlen, -EINVAL,
			    "native_vlan: %u out of range: 0 (none) or %d-%d",
			    p->native_vlan, FEX_VLAN_MIN, FEX_VLAN_MAX);
	if (p->cos != FEX_COS_LEAVE && (p->cos < 0 || p->cos > 7))
		return fail(err, errlen, -EINVAL,
			    "cos: %d out of range: 0-7, or absent to leave the PCP as is",
			    p->cos);
	mp.rate_kbps = p->rate_kbps;
	mp.burst_bytes = p->burst_bytes;
	rc = fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, errlen);
	if (rc < 0)
		return rc;
	mp.rate_kbps = p->ingress_rate_kbps;
	mp.burst_bytes = p->ingress_burst_bytes;
	rc = fex_meter_params_check(&mp, "ingress_rate_kbps",
				    "ingress_burst_bytes", err, errlen);
	if (rc < 0)
		return rc;
	if ((unsigned int)p->mac_forging > FEX_MAC_FORGING_DENY)
		return fail(err, errlen, -EINVAL,
			    "mac_forging: must be \"allow\" or \"deny\"");
	if ((unsigned int)p->uplink_fail_action > FEX_UPLINK_FAIL_WARNING)
		return fail(err, errlen, -EINVAL,
			    "uplink_fail_action: must be \"link-down\" or \"warning\"");
	if (p->max_ports < 1 || p->max_ports > FEX_MAX_PORTS_MAX)
		return fail(err, errlen, -EINVAL,
			    "max_ports: %u out of range: 1-%d", p->max_ports,
			    FEX_MAX_PORTS_MAX);
	if ((unsigned int)p->io_performance > FEX_IO_PERF_HIGH)
		return fail(err, errlen, -EINVAL,
			    "io_performance: must be \"none\" or \"high\"");
	return 0;
}

bool
fex_uuid_ok(const char *s)
{
	int i;

	if (s == NULL)
		return false;
	for (i = 0; i < FEX_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[FEX_UUID_LEN] == '\0';
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

static struct fex_profile_rt *
profile_rt_build(struct fex_vif_db *db, const struct fex_profile *cfg,
		 uint16_t index, uint32_t gen)
{
	struct fex_meter_params mp;
	struct fex_profile_rt *p;

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
	mp.rate_kbps = cfg->ingress_rate_kbps;
	mp.burst_bytes = cfg->ingress_burst_bytes;
	fex_meter_profile_init(&p->ingress_meter, &mp, db->hz);
	memcpy(p->vlans, cfg->vlans, sizeof(p->vlans));
	if (cfg->native_vlan != 0)
		fex_vlan_set(p->vlans, cfg->native_vlan);
	p->check = fex_profile_rt_check(p);
	return p;
}

static void
profile_rt_free(const struct fex_profile_rt *p)
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
static void
table_free_diff(struct fex_vif_table *a, const struct fex_vif_table *b)
{
	unsigned int i;

	if (a == NULL)
		return;
	if (b == NULL || a->port_vif != b->port_vif)
		rte_free(map_of(a));
	if (b == NULL || a->prof != b->prof) {
		for (i = 0; i < FEX_PROFILE_MAX; i++)
			if (b == NULL || a->prof[i] != b->prof[i])
				profile_rt_free(a->prof[i]);
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

/* The table control-side reads see: the staged one in a transaction
 * that has edited something, else the published one. */
static const struct fex_vif_table *
view(const struct fex_vif_db *db)
{
	return db->stage != NULL ? db->stage : db->cur;
}

/* The table an action edits: a new one sharing every part with the
 * published one, or, in a transaction, the staged table (created by the
 * first action that edits). */
static struct fex_vif_table *
table_begin(struct fex_vif_db *db)
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
static struct vif_map *
table_edit_map(struct fex_vif_db *db, struct fex_vif_table *t)
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

static const struct fex_profile_rt **
table_edit_prof(struct fex_vif_db *db, struct fex_vif_table *t)
{
	const struct fex_profile_rt **a;

	if (t->prof != db->cur->prof)
		return (const struct fex_profile_rt **)(uintptr_t)t->prof;
	a = part_copy(db, t->prof, sizeof(*a) * FEX_PROFILE_MAX);
	if (a != NULL)
		t->prof = a;
	return a;
}

static const struct fex_viflist **
table_edit_lists(struct fex_vif_db *db, struct fex_vif_table *t)
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
static void
table_discard(struct fex_vif_db *db, struct fex_vif_table *t)
{
	if (t != db->stage)
		table_free_diff(t, db->cur);
}

/* Store rt in slot idx of t's own profile array. An entry that only the
 * staged table held (built earlier in the transaction, never published)
 * is freed now: no reader has seen it and no publish will free it. */
static void
prof_put(struct fex_vif_db *db, const struct fex_profile_rt **prof, int idx,
	 const struct fex_profile_rt *rt)
{
	if (prof[idx] != db->cur->prof[idx])
		profile_rt_free(prof[idx]);
	prof[idx] = rt;
}

/* The same for VIF list id. */
static void
list_put(struct fex_vif_db *db, const struct fex_viflist **dir, uint16_t id,
	 const struct fex_viflist *l)
{
	if (dir[id] != db->cur->viflist[id])
		rte_free((void *)(uintptr_t)dir[id]);
	dir[id] = l;
}

/* Busy-wait this many rounds for a grace period before yielding. */
#define GRACE_SPINS 2000

static void
grace_period(struct fex_vif_db *db)
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

static void
table_publish(struct fex_vif_db *db, struct fex_vif_table *next)
{
	struct fex_vif_table *old;

	db->gen = next->gen;
	old = __atomic_exchange_n(&db->cur, next, __ATOMIC_RELEASE);
	grace_period(db);
	table_free_diff(old, next);
}

/* The end of a successful action on t: publish it now, or leave it
 * staged until fex_vif_db_commit(). */
static void
table_apply(struct fex_vif_db *db, struct fex_vif_table *t)
{
	if (t != db->stage)
		table_publish(db, t);
}

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
	fex_meter_fill(&db->rt[vif].ingress);
	for (w = 0; w < db->workers; w++)
		for (k = 0; k < FEX_VIF_CNT_MAX; k++)
			__atomic_store_n(&db->cnt[w][vif].c[k], 0, __ATOMIC_RELAXED);
}

/* A VIF is created (from state none) in the table being edited: reset
 * its slot now, or, in a transaction, at commit (abort leaves it as is). */
static void
slot_reset_or_defer(struct fex_vif_db *db, uint16_t vif)
{
	if (db->txn)
		db->txn_reset[vif >> 6] |= UINT64_C(1) << (vif & 63);
	else
		slot_reset(db, vif);
}

/* Remember writer-private slot idx (a profile or a VIF's strings) as it
 * is, so that abort can put it back. Outside a transaction: nothing.
 * 0 or -ENOMEM (then nothing was recorded). */
static int
journal_add(struct fex_vif_db *db, bool is_profile, uint16_t idx)
{
	struct txn_rec *r;

	if (!db->txn)
		return 0;
	if (db->nb_journal == db->journal_cap) {
		unsigned int cap = db->journal_cap != 0 ? db->journal_cap * 2 : 8;

		r = realloc(db->journal, cap * sizeof(*r));
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

/* Log suffix of a writer action: inside a transaction it is not live. */
static const char *
staged(const struct fex_vif_db *db)
{
	return db->txn ? " (staged)" : "";
}

static void
txn_close(struct fex_vif_db *db)
{
	db->txn = false;
	db->stage = NULL;
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
		table_publish(db, t);
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
		table_free_diff(db->stage, db->cur);
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
	prof[PROFILE_NONE] = profile_rt_build(db, &none, PROFILE_NONE, 0);
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
	table_free_diff(db->cur, NULL);
	free(db->journal);
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

/* ------------------------------------------------------------------ */
/* Profiles                                                            */

static int
profile_find(const struct fex_vif_db *db, const char *name)
{
	int i;

	if (name == NULL)
		return -ENOENT;
	for (i = PROFILE_NONE + 1; i < FEX_PROFILE_MAX; i++)
		if (db->profiles[i].used &&
		    strcmp(db->profiles[i].cfg.name, name) == 0)
			return i;
	return -ENOENT;
}

/* The state a VIF bound to profile p takes when it forwards. */
static uint8_t
assoc_state(const struct fex_vif_db *db, const struct fex_profile *p)
{
	return !db->uplink_up && p->uplink_fail_action == FEX_UPLINK_FAIL_LINK_DOWN ?
		FEX_VIF_DOWN : FEX_VIF_ASSOCIATED;
}

int
fex_profile_set(struct fex_vif_db *db, const char *cluster,
		const struct fex_profile *p, char *err, size_t errlen)
{
	const struct fex_profile_rt **prof;
	struct fex_profile_rt *rt;
	struct fex_vif_table *t;
	struct vif_map *m = NULL;
	int idx, rc, i;
	bool fresh = false, moves;

	rc = fex_cluster_check(cluster, err, errlen);
	if (rc < 0)
		return rc;
	rc = fex_profile_validate(p, err, errlen);
	if (rc < 0)
		return rc;
	idx = profile_find(db, p->name);
	if (idx < 0) {
		for (idx = PROFILE_NONE + 1; idx < FEX_PROFILE_MAX; idx++)
			if (!db->profiles[idx].used)
				break;
		if (idx == FEX_PROFILE_MAX)
			return fail(err, errlen, -ENOSPC,
				    "profile: already %d profiles, the most there can be",
				    FEX_PROFILE_MAX - 1);
		fresh = true;
	} else if (p->max_ports < db->profiles[idx].n_vifs) {
		return fail(err, errlen, -EBUSY,
			    "max_ports: %u is below the %u VIFs using profile \"%s\"",
			    p->max_ports, db->profiles[idx].n_vifs, p->name);
	}
	/* uplink_fail_action matters now if the uplink is down */
	moves = !fresh && !db->uplink_up &&
		p->uplink_fail_action != db->profiles[idx].cfg.uplink_fail_action;
	t = table_begin(db);
	if (t == NULL)
		goto out_nomem;
	/* every allocation first: a failure leaves the table as it was */
	prof = table_edit_prof(db, t);
	rt = profile_rt_build(db, p, (uint16_t)idx, (uint32_t)t->gen);
	if (moves && prof != NULL)
		m = table_edit_map(db, t);
	if (prof == NULL || rt == NULL || (moves && m == NULL) ||
	    journal_add(db, true, (uint16_t)idx) < 0) {
		profile_rt_free(rt);
		goto out_free_table;
	}
	prof_put(db, prof, idx, rt);
	if (moves) {
		for (i = FEX_VIF_MIN; i <= FEX_VIF_MAX; i++) {
			struct fex_vif_entry *e = &m->vif[i];

			if (e->profile != idx ||
			    (e->state != FEX_VIF_ASSOCIATED && e->state != FEX_VIF_DOWN))
				continue;
			e->state = assoc_state(db, p);
			e->gen = (uint32_t)t->gen;
		}
	}
	table_apply(db, t);
	db->profiles[idx].used = true;
	db->profiles[idx].cfg = *p;
	VIF_LOG(INFO, "profile %s %s%s", p->name, fresh ? "created" : "modified",
		staged(db));
	return 0;

out_free_table:
	table_discard(db, t);
out_nomem:
	return fail(err, errlen, -ENOMEM, "profile: out of memory");
}

int
fex_profile_get(struct fex_vif_db *db, const char *name,
		struct fex_profile *out, unsigned int *n_vifs)
{
	int idx = profile_find(db, name);

	if (idx < 0)
		return idx;
	if (out != NULL)
		*out = db->profiles[idx].cfg;
	if (n_vifs != NULL)
		*n_vifs = db->profiles[idx].n_vifs;
	return 0;
}

static int
cmp_profile_name(const void *a, const void *b)
{
	const struct profile_slot *x = *(const struct profile_slot *const *)a;
	const struct profile_slot *y = *(const struct profile_slot *const *)b;

	return strcmp(x->cfg.name, y->cfg.name);
}

int
fex_profile_foreach(struct fex_vif_db *db,
		    int (*cb)(const struct fex_profile *p, unsigned int n_vifs,
			      void *arg),
		    void *arg)
{
	const struct profile_slot **v;
	unsigned int i, n = 0;
	int rc = 0;

	v = malloc(sizeof(*v) * FEX_PROFILE_MAX);
	if (v == NULL)
		return -ENOMEM;
	for (i = PROFILE_NONE + 1; i < FEX_PROFILE_MAX; i++)
		if (db->profiles[i].used)
			v[n++] = &db->profiles[i];
	qsort(v, n, sizeof(*v), cmp_profile_name);
	for (i = 0; i < n && rc == 0; i++)
		rc = cb(&v[i]->cfg, v[i]->n_vifs, arg);
	free(v);
	return rc;
}

int
fex_profile_delete(struct fex_vif_db *db, const char *cluster,
		   const char *name, char *err, size_t errlen)
{
	const struct fex_profile_rt **prof;
	struct fex_vif_table *t;
	int idx, rc;

	rc = fex_cluster_check(cluster, err, errlen);
	if (rc < 0)
		return rc;
	idx = profile_find(db, name);
	if (idx < 0)
		return fail(err, errlen, -ENOENT,
			    "name: no profile \"%.40s\" in cluster default",
			    name != NULL ? name : "");
	if (db->profiles[idx].n_vifs > 0)
		return fail(err, errlen, -EBUSY,
			    "profile \"%s\" is used by %u VIFs: disassociate them first",
			    name, db->profiles[idx].n_vifs);
	t = table_begin(db);
	prof = t != NULL ? table_edit_prof(db, t) : NULL;
	if (prof == NULL || journal_add(db, true, (uint16_t)idx) < 0) {
		if (t != NULL)
			table_discard(db, t);
		return fail(err, errlen, -ENOMEM, "profile: out of memory");
	}
	prof_put(db, prof, idx, NULL);
	table_apply(db, t);
	db->profiles[idx].used = false;
	VIF_LOG(INFO, "profile %s deleted%s", name, staged(db));
	return 0;
}

/* ------------------------------------------------------------------ */
/* VIFs                                                                */

static int
assoc_check(const struct fex_vif_assoc *a, char *err, size_t errlen)
{
	int rc;

	if (a->vif < FEX_VIF_MIN || a->vif > FEX_VIF_MAX)
		return fail(err, errlen, -EINVAL, "vif: %u out of range: %d-%d",
			    a->vif, FEX_VIF_MIN, FEX_VIF_MAX);
	if (a->port_id >= RTE_MAX_ETHPORTS)
		return fail(err, errlen, -EINVAL,
			    "port: ethdev port id %u out of range: 0-%d",
			    a->port_id, RTE_MAX_ETHPORTS - 1);
	if (a->port_spec == NULL || a->port_spec[0] == '\0' ||
	    strnlen(a->port_spec, FEX_PORT_SPEC_MAX + 1) > FEX_PORT_SPEC_MAX)
		return fail(err, errlen, -EINVAL,
			    "port: spec must be 1-%d bytes (e.g. vhost:/run/vm1.sock)",
			    FEX_PORT_SPEC_MAX);
	if (!rte_is_valid_assigned_ether_addr(&a->mac))
		return fail(err, errlen, -EINVAL,
			    "mac: must be a unicast, non-zero MAC address");
	if (!fex_uuid_ok(a->instance_uuid))
		return fail(err, errlen, -EINVAL,
			    "instance_uuid: must be a UUID, 8-4-4-4-12 hex digits");
	rc = fex_cluster_check(a->cluster, err, errlen);
	if (rc < 0)
		return rc;
	return 0;
}

static int
vif_bind(struct fex_vif_db *db, const struct fex_vif_assoc *a, bool assoc,
	 char *err, size_t errlen)
{
	struct fex_vif_entry old, *ne;
	const struct fex_vif_entry *e = &old;
	struct fex_vif_table *t;
	struct vif_map *m;
	uint16_t owner;
	bool same;
	int idx, rc;

	rc = assoc_check(a, err, errlen);
	if (rc < 0)
		return rc;
	idx = profile_find(db, a->profile);
	if (idx < 0)
		return fail(err, errlen, -ENOENT,
			    "profile: no profile \"%.40s\" in cluster default",
			    a->profile != NULL ? a->profile : "");
	old = view(db)->vif[a->vif];	/* the map may be edited in place */
	same = e->state != FEX_VIF_NONE && fex_mac_eq(&e->mac, &a->mac) &&
	       strcasecmp(db->vifp[a->vif].uuid, a->instance_uuid) == 0;
	if (e->state == FEX_VIF_PREASSOCIATED && !same)
		return fail(err, errlen, -EBUSY,
			    "vif %u is preassociated with another MAC or instance: disassociate it first",
			    a->vif);
	if (e->state == FEX_VIF_ASSOCIATED || e->state == FEX_VIF_DOWN) {
		if (!assoc)
			return fail(err, errlen, -EBUSY,
				    "vif %u is %s: a forwarding VIF cannot be preassociated",
				    a->vif, fex_vif_state_name(e->state));
		if (!same || e->port != a->port_id)
			return fail(err, errlen, -EBUSY,
				    "vif %u is %s with another port, MAC or instance: disassociate it first",
				    a->vif, fex_vif_state_name(e->state));
	}
	owner = view(db)->port_vif[a->port_id];
	if (owner != 0 && owner != a->vif)
		return fail(err, errlen, -EADDRINUSE,
			    "port: %s (port id %u) is already bound to vif %u",
			    a->port_spec, a->port_id, owner);
	if ((e->state == FEX_VIF_NONE || e->profile != idx) &&
	    db->profiles[idx].n_vifs >= db->profiles[idx].cfg.max_ports)
		return fail(err, errlen, -ENOSPC,
			    "profile \"%s\" already has max_ports=%u VIFs",
			    db->profiles[idx].cfg.name,
			    db->profiles[idx].cfg.max_ports);

	t = table_begin(db);
	m = t != NULL ? table_edit_map(db, t) : NULL;
	if (m == NULL ||
	    (e->state != FEX_VIF_NONE && journal_add(db, true, e->profile) < 0) ||
	    journal_add(db, true, (uint16_t)idx) < 0 ||
	    journal_add(db, false, a->vif) < 0) {
		if (t != NULL)
			table_discard(db, t);
		return fail(err, errlen, -ENOMEM, "vif: out of memory");
	}
	ne = &m->vif[a->vif];
	if (e->state != FEX_VIF_NONE && e->port != a->port_id)
		m->port_vif[e->port] = 0;
	m->port_vif[a->port_id] = a->vif;
	if (e->state == FEX_VIF_NONE)
		slot_reset_or_defer(db, a->vif);
	else
		db->profiles[e->profile].n_vifs--;
	ne->mac = a->mac;
	ne->port = a->port_id;
	ne->profile = (uint16_t)idx;
	ne->state = assoc ? assoc_state(db, &db->profiles[idx].cfg) :
		FEX_VIF_PREASSOCIATED;
	ne->pad = 0;
	ne->gen = (uint32_t)t->gen;
	table_apply(db, t);
	db->profiles[idx].n_vifs++;
	snprintf(db->vifp[a->vif].port_spec, sizeof(db->vifp[a->vif].port_spec),
		 "%s", a->port_spec);
	snprintf(db->vifp[a->vif].uuid, sizeof(db->vifp[a->vif].uuid), "%s",
		 a->instance_uuid);
	VIF_LOG(INFO, "vif %u %s: port %s, profile %s%s", a->vif,
		fex_vif_state_name(ne->state), a->port_spec, a->profile,
		staged(db));
	return 0;
}

int
fex_vif_preassociate(struct fex_vif_db *db, const struct fex_vif_assoc *a,
		     char *err, size_t errlen)
{
	return vif_bind(db, a, false, err, errlen);
}

int
fex_vif_associate(struct fex_vif_db *db, const struct fex_vif_assoc *a,
		  char *err, size_t errlen)
{
	return vif_bind(db, a, true, err, errlen);
}

int
fex_vif_disassociate(struct fex_vif_db *db, uint16_t vif, char *err,
		     size_t errlen)
{
	const struct fex_vif_entry *e;
	struct fex_vif_table *t;
	struct vif_map *m;
	uint16_t prof;

	if (vif < FEX_VIF_MIN || vif > FEX_VIF_MAX)
		return fail(err, errlen, -EINVAL, "vif: %u out of range: %d-%d",
			    vif, FEX_VIF_MIN, FEX_VIF_MAX);
	e = &view(db)->vif[vif];
	if (e->state == FEX_VIF_NONE)
		return fail(err, errlen, -ESRCH,
			    "vif %u is not preassociated or associated", vif);
	prof = e->profile;
	t = table_begin(db);
	m = t != NULL ? table_edit_map(db, t) : NULL;
	if (m == NULL || journal_add(db, true, prof) < 0) {
		if (t != NULL)
			table_discard(db, t);
		return fail(err, errlen, -ENOMEM, "vif: out of memory");
	}
	m->port_vif[m->vif[vif].port] = 0;
	memset(&m->vif[vif], 0, sizeof(m->vif[vif]));
	m->vif[vif].gen = (uint32_t)t->gen;
	/* created and removed in one transaction: its slot stays as it was */
	db->txn_reset[vif >> 6] &= ~(UINT64_C(1) << (vif & 63));
	table_apply(db, t);
	db->profiles[prof].n_vifs--;
	VIF_LOG(INFO, "vif %u disassociated%s", vif, staged(db));
	return 0;
}

int
fex_vif_uplink_set(struct fex_vif_db *db, bool up)
{
	struct fex_vif_table *t;
	struct vif_map *m;
	int i, moved = 0;

	if (db->uplink_up == up)
		return 0;
	db->uplink_up = up;
	t = table_begin(db);
	m = t != NULL ? table_edit_map(db, t) : NULL;
	if (m == NULL) {
		if (t != NULL)
			table_discard(db, t);
		db->uplink_up = !up;
		return -ENOMEM;
	}
	for (i = FEX_VIF_MIN; i <= FEX_VIF_MAX; i++) {
		struct fex_vif_entry *e = &m->vif[i];
		uint8_t s;

		if (e->state != FEX_VIF_ASSOCIATED && e->state != FEX_VIF_DOWN)
			continue;
		s = assoc_state(db, &db->profiles[e->profile].cfg);
		if (s != e->state) {
			e->state = s;
			e->gen = (uint32_t)t->gen;
			moved++;
		}
	}
	table_apply(db, t);
	VIF_LOG(INFO, "uplink %s: %d VIFs %s%s", up ? "up" : "down", moved,
		up ? "associated again" : "down", staged(db));
	return moved;
}

static void
vif_info(const struct fex_vif_db *db, uint16_t vif, struct fex_vif_info *out)
{
	const struct fex_vif_entry *e = &view(db)->vif[vif];

	memset(out, 0, sizeof(*out));
	out->vif = vif;
	out->state = (enum fex_vif_state)e->state;
	out->port_id = e->port;
	out->mac = e->mac;
	memcpy(out->port_spec, db->vifp[vif].port_spec, sizeof(out->port_spec));
	memcpy(out->instance_uuid, db->vifp[vif].uuid, sizeof(out->instance_uuid));
	memcpy(out->profile, db->profiles[e->profile].cfg.name, sizeof(out->profile));
}

int
fex_vif_get(struct fex_vif_db *db, uint16_t vif, struct fex_vif_info *out)
{
	if (vif < FEX_VIF_MIN || vif > FEX_VIF_MAX)
		return -EINVAL;
	if (view(db)->vif[vif].state == FEX_VIF_NONE)
		return -ENOENT;
	vif_info(db, vif, out);
	return 0;
}

uint16_t
fex_vif_of_port_id(struct fex_vif_db *db, uint16_t port_id)
{
	return fex_vif_of_port(view(db), port_id);
}

int
fex_vif_foreach(struct fex_vif_db *db,
		int (*cb)(const struct fex_vif_info *v, void *arg), void *arg)
{
	struct fex_vif_info info;
	uint16_t i;
	int rc;

	for (i = FEX_VIF_MIN; i <= FEX_VIF_MAX; i++) {
		if (view(db)->vif[i].state == FEX_VIF_NONE)
			continue;
		vif_info(db, i, &info);
		rc = cb(&info, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
fex_vif_stats(struct fex_vif_db *db, uint16_t vif, uint64_t *out)
{
	unsigned int w, k;

	if (vif < FEX_VIF_MIN || vif > FEX_VIF_MAX)
		return -EINVAL;
	memset(out, 0, sizeof(*out) * FEX_VIF_CNT_MAX);
	for (w = 0; w < db->workers; w++)
		for (k = 0; k < FEX_VIF_CNT_MAX; k++)
			out[k] += __atomic_load_n(&db->cnt[w][vif].c[k],
						  __ATOMIC_RELAXED);
	return 0;
}

/* ------------------------------------------------------------------ */
/* VIF lists                                                           */

int
fex_viflist_set(struct fex_vif_db *db, uint16_t id, const uint16_t *vifs,
		unsigned int n, char *err, size_t errlen)
{
	uint64_t seen[FEX_VIF_SLOTS / 64] = { 0 };
	const struct fex_viflist **dir;
	struct fex_viflist *l;
	struct fex_vif_table *t;
	unsigned int i;

	if (id < 1 || id > FEX_VIFLIST_MAX)
		return fail(err, errlen, -EINVAL, "id: %u out of range: 1-%d",
			    id, FEX_VIFLIST_MAX);
	if (n > FEX_VIF_MAX || (n > 0 && vifs == NULL))
		return fail(err, errlen, -EINVAL, "vifs: at most %d members",
			    FEX_VIF_MAX);
	for (i = 0; i < n; i++) {
		uint16_t v = vifs[i];

		if (v < FEX_VIF_MIN || v > FEX_VIF_MAX)
			return fail(err, errlen, -EINVAL,
				    "vifs: member %u out of range: %d-%d", v,
				    FEX_VIF_MIN, FEX_VIF_MAX);
		if (seen[v >> 6] & (UINT64_C(1) << (v & 63)))
			return fail(err, errlen, -EINVAL,
				    "vifs: member %u listed twice", v);
		seen[v >> 6] |= UINT64_C(1) << (v & 63);
	}
	l = rte_malloc_socket("fex_viflist", sizeof(*l) + n * sizeof(l->vif[0]),
			      0, db->socket);
	if (l == NULL)
		return fail(err, errlen, -ENOMEM, "viflist: out of memory");
	l->n = (uint16_t)n;
	if (n > 0)
		memcpy(l->vif, vifs, n * sizeof(l->vif[0]));
	t = table_begin(db);
	dir = t != NULL ? table_edit_lists(db, t) : NULL;
	if (dir == NULL) {
		rte_free(l);
		if (t != NULL)
			table_discard(db, t);
		return fail(err, errlen, -ENOMEM, "viflist: out of memory");
	}
	list_put(db, dir, id, l);
	table_apply(db, t);
	return 0;
}

int
fex_viflist_get(struct fex_vif_db *db, uint16_t id, uint16_t *vifs,
		unsigned int max)
{
	const struct fex_viflist *l;

	if (id < 1 || id > FEX_VIFLIST_MAX)
		return -EINVAL;
	l = view(db)->viflist[id];
	if (l == NULL)
		return -ENOENT;
	if (vifs != NULL)
		memcpy(vifs, l->vif, RTE_MIN(max, (unsigned int)l->n) * sizeof(*vifs));
	return l->n;
}

int
fex_viflist_delete(struct fex_vif_db *db, uint16_t id, char *err,
		   size_t errlen)
{
	const struct fex_viflist **dir;
	struct fex_vif_table *t;

	if (id < 1 || id > FEX_VIFLIST_MAX)
		return fail(err, errlen, -EINVAL, "id: %u out of range: 1-%d",
			    id, FEX_VIFLIST_MAX);
	if (view(db)->viflist[id] == NULL)
		return fail(err, errlen, -ENOENT, "id: no VIF list %u", id);
	t = table_begin(db);
	dir = t != NULL ? table_edit_lists(db, t) : NULL;
	if (dir == NULL) {
		if (t != NULL)
			table_discard(db, t);
		return fail(err, errlen, -ENOMEM, "viflist: out of memory");
	}
	list_put(db, dir, id, NULL);
	table_apply(db, t);
	return 0;
}

int
fex_viflist_foreach(struct fex_vif_db *db,
		    int (*cb)(uint16_t id, const uint16_t *vifs, unsigned int n,
			      void *arg),
		    void *arg)
{
	uint16_t i;
	int rc;

	for (i = 1; i <= FEX_VIFLIST_MAX; i++) {
		const struct fex_viflist *l = view(db)->viflist[i];

		if (l == NULL)
			continue;
		rc = cb(i, l->vif, l->n, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}
