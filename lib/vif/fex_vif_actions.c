/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer actions on profiles, VIFs, the uplink and VIF lists, and
 * the writer-side reads (get, foreach, stats). Each action checks
 * everything first, then edits the table vif_table_begin() gives it
 * (published at once, or staged in a transaction) and records the
 * writer-private part; a failed allocation leaves everything as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_malloc.h>

#include "fex_vif_priv.h"

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
			return fex_fail(-ENOSPC, err, errlen,
					"profile: already %d profiles, the most there can be",
					FEX_PROFILE_MAX - 1);
		fresh = true;
	} else if (p->max_ports < db->profiles[idx].n_vifs) {
		return fex_fail(-EBUSY, err, errlen,
				"max_ports: %u is below the %u VIFs using profile \"%s\"",
				p->max_ports, db->profiles[idx].n_vifs, p->name);
	}
	/* uplink_fail_action matters now if the uplink is down */
	moves = !fresh && !db->uplink_up &&
		p->uplink_fail_action != db->profiles[idx].cfg.uplink_fail_action;
	t = vif_table_begin(db);
	if (t == NULL)
		goto out_nomem;
	/* every allocation first: a failure leaves the table as it was */
	prof = vif_table_edit_prof(db, t);
	rt = vif_profile_rt_build(db, p, (uint16_t)idx, (uint32_t)t->gen);
	if (moves && prof != NULL)
		m = vif_table_edit_map(db, t);
	if (prof == NULL || rt == NULL || (moves && m == NULL) ||
	    vif_journal_add(db, true, (uint16_t)idx) < 0) {
		vif_profile_rt_free(rt);
		goto out_free_table;
	}
	vif_prof_put(db, prof, idx, rt);
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
	vif_table_apply(db, t);
	db->profiles[idx].used = true;
	db->profiles[idx].cfg = *p;
	VIF_LOG(INFO, "profile %s %s%s", p->name, fresh ? "created" : "modified",
		vif_staged(db));
	return 0;

out_free_table:
	vif_table_discard(db, t);
out_nomem:
	return fex_fail(-ENOMEM, err, errlen, "profile: out of memory");
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
		return fex_fail(-ENOENT, err, errlen,
				"name: no profile \"%.40s\" in cluster default",
				name != NULL ? name : "");
	if (db->profiles[idx].n_vifs > 0)
		return fex_fail(-EBUSY, err, errlen,
				"profile \"%s\" is used by %u VIFs: disassociate them first",
				name, db->profiles[idx].n_vifs);
	t = vif_table_begin(db);
	prof = t != NULL ? vif_table_edit_prof(db, t) : NULL;
	if (prof == NULL || vif_journal_add(db, true, (uint16_t)idx) < 0) {
		if (t != NULL)
			vif_table_discard(db, t);
		return fex_fail(-ENOMEM, err, errlen, "profile: out of memory");
	}
	vif_prof_put(db, prof, idx, NULL);
	vif_table_apply(db, t);
	db->profiles[idx].used = false;
	VIF_LOG(INFO, "profile %s deleted%s", name, vif_staged(db));
	return 0;
}

/* ------------------------------------------------------------------ */
/* VIFs                                                                */

static int
assoc_check(const struct fex_vif_assoc *a, char *err, size_t errlen)
{
	int rc;

	if (a->vif < FEX_VIF_MIN || a->vif > FEX_VIF_MAX)
		return fex_fail(-EINVAL, err, errlen, "vif: %u out of range: %d-%d",
				a->vif, FEX_VIF_MIN, FEX_VIF_MAX);
	if (a->port_id >= FEX_PORT_MAX)
		return fex_fail(-EINVAL, err, errlen,
				"port: port id %u out of range: 0-%d",
				a->port_id, FEX_PORT_MAX - 1);
	if (a->port_spec == NULL || a->port_spec[0] == '\0' ||
	    strnlen(a->port_spec, FEX_PORT_SPEC_MAX + 1) > FEX_PORT_SPEC_MAX)
		return fex_fail(-EINVAL, err, errlen,
				"port: spec must be 1-%d bytes (e.g. vhost:/run/vm1.sock)",
				FEX_PORT_SPEC_MAX);
	if (!rte_is_valid_assigned_ether_addr(&a->mac))
		return fex_fail(-EINVAL, err, errlen,
				"mac: must be a unicast, non-zero MAC address");
	if (!fex_uuid_ok(a->instance_uuid))
		return fex_fail(-EINVAL, err, errlen,
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
		return fex_fail(-ENOENT, err, errlen,
				"profile: no profile \"%.40s\" in cluster default",
				a->profile != NULL ? a->profile : "");
	old = vif_view(db)->vif[a->vif];	/* the map may be edited in place */
	same = e->state != FEX_VIF_NONE && fex_mac_eq(&e->mac, &a->mac) &&
	       strcasecmp(db->vifp[a->vif].uuid, a->instance_uuid) == 0;
	if (e->state == FEX_VIF_PREASSOCIATED && !same)
		return fex_fail(-EBUSY, err, errlen,
				"vif %u is preassociated with another MAC or instance: disassociate it first",
				a->vif);
	if (e->state == FEX_VIF_ASSOCIATED || e->state == FEX_VIF_DOWN) {
		if (!assoc)
			return fex_fail(-EBUSY, err, errlen,
					"vif %u is %s: a forwarding VIF cannot be preassociated",
					a->vif, fex_vif_state_name(e->state));
		if (!same || e->port != a->port_id)
			return fex_fail(-EBUSY, err, errlen,
					"vif %u is %s with another port, MAC or instance: disassociate it first",
					a->vif, fex_vif_state_name(e->state));
	}
	owner = vif_view(db)->port_vif[a->port_id];
	if (owner != 0 && owner != a->vif)
		return fex_fail(-EADDRINUSE, err, errlen,
				"port: %s (port id %u) is already bound to vif %u",
				a->port_spec, a->port_id, owner);
	if ((e->state == FEX_VIF_NONE || e->profile != idx) &&
	    db->profiles[idx].n_vifs >= db->profiles[idx].cfg.max_ports)
		return fex_fail(-ENOSPC, err, errlen,
				"profile \"%s\" already has max_ports=%u VIFs",
				db->profiles[idx].cfg.name,
				db->profiles[idx].cfg.max_ports);

	t = vif_table_begin(db);
	m = t != NULL ? vif_table_edit_map(db, t) : NULL;
	if (m == NULL ||
	    (e->state != FEX_VIF_NONE && vif_journal_add(db, true, e->profile) < 0) ||
	    vif_journal_add(db, true, (uint16_t)idx) < 0 ||
	    vif_journal_add(db, false, a->vif) < 0) {
		if (t != NULL)
			vif_table_discard(db, t);
		return fex_fail(-ENOMEM, err, errlen, "vif: out of memory");
	}
	ne = &m->vif[a->vif];
	if (e->state != FEX_VIF_NONE && e->port != a->port_id)
		m->port_vif[e->port] = 0;
	m->port_vif[a->port_id] = a->vif;
	if (e->state == FEX_VIF_NONE)
		vif_slot_reset_or_defer(db, a->vif);
	else
		db->profiles[e->profile].n_vifs--;
	ne->mac = a->mac;
	ne->port = a->port_id;
	ne->profile = (uint16_t)idx;
	ne->state = assoc ? assoc_state(db, &db->profiles[idx].cfg) :
		FEX_VIF_PREASSOCIATED;
	ne->pad = 0;
	ne->gen = (uint32_t)t->gen;
	vif_table_apply(db, t);
	db->profiles[idx].n_vifs++;
	snprintf(db->vifp[a->vif].port_spec, sizeof(db->vifp[a->vif].port_spec),
		 "%s", a->port_spec);
	snprintf(db->vifp[a->vif].uuid, sizeof(db->vifp[a->vif].uuid), "%s",
		 a->instance_uuid);
	VIF_LOG(INFO, "vif %u %s: port %s, profile %s%s", a->vif,
		fex_vif_state_name(ne->state), a->port_spec, a->profile,
		vif_staged(db));
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
		return fex_fail(-EINVAL, err, errlen, "vif: %u out of range: %d-%d",
				vif, FEX_VIF_MIN, FEX_VIF_MAX);
	e = &vif_view(db)->vif[vif];
	if (e->state == FEX_VIF_NONE)
		return fex_fail(-ESRCH, err, errlen,
				"vif %u is not preassociated or associated", vif);
	prof = e->profile;
	t = vif_table_begin(db);
	m = t != NULL ? vif_table_edit_map(db, t) : NULL;
	if (m == NULL || vif_journal_add(db, true, prof) < 0) {
		if (t != NULL)
			vif_table_discard(db, t);
		return fex_fail(-ENOMEM, err, errlen, "vif: out of memory");
	}
	m->port_vif[m->vif[vif].port] = 0;
	memset(&m->vif[vif], 0, sizeof(m->vif[vif]));
	m->vif[vif].gen = (uint32_t)t->gen;
	/* created and removed in one transaction: its slot stays as it was */
	db->txn_reset[vif >> 6] &= ~(UINT64_C(1) << (vif & 63));
	vif_table_apply(db, t);
	db->profiles[prof].n_vifs--;
	VIF_LOG(INFO, "vif %u disassociated%s", vif, vif_staged(db));
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
	t = vif_table_begin(db);
	m = t != NULL ? vif_table_edit_map(db, t) : NULL;
	if (m == NULL) {
		if (t != NULL)
			vif_table_discard(db, t);
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
	vif_table_apply(db, t);
	VIF_LOG(INFO, "uplink %s: %d VIFs %s%s", up ? "up" : "down", moved,
		up ? "associated again" : "down", vif_staged(db));
	return moved;
}

static void
vif_info(const struct fex_vif_db *db, uint16_t vif, struct fex_vif_info *out)
{
	const struct fex_vif_entry *e = &vif_view(db)->vif[vif];

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
	if (vif_view(db)->vif[vif].state == FEX_VIF_NONE)
		return -ENOENT;
	vif_info(db, vif, out);
	return 0;
}

uint16_t
fex_vif_of_port_id(struct fex_vif_db *db, uint16_t port_id)
{
	return fex_vif_of_port(vif_view(db), port_id);
}

int
fex_vif_foreach(struct fex_vif_db *db,
		int (*cb)(const struct fex_vif_info *v, void *arg), void *arg)
{
	struct fex_vif_info info;
	uint16_t i;
	int rc;

	for (i = FEX_VIF_MIN; i <= FEX_VIF_MAX; i++) {
		if (vif_view(db)->vif[i].state == FEX_VIF_NONE)
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
		return fex_fail(-EINVAL, err, errlen, "id: %u out of range: 1-%d",
				id, FEX_VIFLIST_MAX);
	if (n > FEX_VIF_MAX || (n > 0 && vifs == NULL))
		return fex_fail(-EINVAL, err, errlen, "vifs: at most %d members",
				FEX_VIF_MAX);
	for (i = 0; i < n; i++) {
		uint16_t v = vifs[i];

		if (v < FEX_VIF_MIN || v > FEX_VIF_MAX)
			return fex_fail(-EINVAL, err, errlen,
					"vifs: member %u out of range: %d-%d", v,
					FEX_VIF_MIN, FEX_VIF_MAX);
		if (seen[v >> 6] & (UINT64_C(1) << (v & 63)))
			return fex_fail(-EINVAL, err, errlen,
					"vifs: member %u listed twice", v);
		seen[v >> 6] |= UINT64_C(1) << (v & 63);
	}
	l = rte_malloc_socket("fex_viflist", sizeof(*l) + n * sizeof(l->vif[0]),
			      0, db->socket);
	if (l == NULL)
		return fex_fail(-ENOMEM, err, errlen, "viflist: out of memory");
	l->n = (uint16_t)n;
	if (n > 0)
		memcpy(l->vif, vifs, n * sizeof(l->vif[0]));
	t = vif_table_begin(db);
	dir = t != NULL ? vif_table_edit_lists(db, t) : NULL;
	if (dir == NULL) {
		rte_free(l);
		if (t != NULL)
			vif_table_discard(db, t);
		return fex_fail(-ENOMEM, err, errlen, "viflist: out of memory");
	}
	vif_list_put(db, dir, id, l);
	vif_table_apply(db, t);
	return 0;
}

int
fex_viflist_get(struct fex_vif_db *db, uint16_t id, uint16_t *vifs,
		unsigned int max)
{
	const struct fex_viflist *l;

	if (id < 1 || id > FEX_VIFLIST_MAX)
		return -EINVAL;
	l = vif_view(db)->viflist[id];
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
		return fex_fail(-EINVAL, err, errlen, "id: %u out of range: 1-%d",
				id, FEX_VIFLIST_MAX);
	if (vif_view(db)->viflist[id] == NULL)
		return fex_fail(-ENOENT, err, errlen, "id: no VIF list %u", id);
	t = vif_table_begin(db);
	dir = t != NULL ? vif_table_edit_lists(db, t) : NULL;
	if (dir == NULL) {
		if (t != NULL)
			vif_table_discard(db, t);
		return fex_fail(-ENOMEM, err, errlen, "viflist: out of memory");
	}
	vif_list_put(db, dir, id, NULL);
	vif_table_apply(db, t);
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
		const struct fex_viflist *l = vif_view(db)->viflist[i];

		if (l == NULL)
			continue;
		rc = cb(i, l->vif, l->n, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}
