/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tables -> store, on the control thread: lib/ctl's store hooks (a
 * changing request is written through before it is saved and published,
 * or refused), VIF ownership under this host's lease, and the reclaim of
 * the local VIFs' keys. See fex_cluster.h for the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cluster_priv.h"

#define CLAIM_TRIES	6

/* ---------------------------------------------------------------- errors */

static bool
transport_error(int rc)
{
	return rc == -ECONNREFUSED || rc == -ETIMEDOUT || rc == -ECONNRESET ||
		rc == -EPROTO;
}

/* The store could not take a change: the request is refused. */
static int
store_failed(struct fex_cluster *c, struct fex_ctl_err *err, const char *what,
	     int rc, const char *msg)
{
	__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
	if (transport_error(rc)) {
		cluster_note_error(c, "cluster store unreachable: %s", msg);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
			"cluster store unreachable: %s; %s not done, nothing was "
			"changed (forwarding goes on with the last known profiles; "
			"retry once the store is back, see fexctl cluster status)",
			msg, what);
	} else {
		cluster_note_error(c, "cluster store refused %s: %s", what, msg);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
			"cluster store refused %s: %s; nothing was changed", what, msg);
	}
	return -1;
}

static void
wrote(struct fex_cluster *c)
{
	__atomic_fetch_add(&c->writes, 1, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- values */

int
cluster_vif_owner(const char *value, struct vif_owner *o)
{
	json_t *v = json_loads(value, 0, NULL);
	const char *h = json_string_value(json_object_get(v, "host"));
	const char *s = json_string_value(json_object_get(v, "state"));
	const char *p = json_string_value(json_object_get(v, "profile"));

	memset(o, 0, sizeof(*o));
	if (h == NULL) {
		json_decref(v);
		return -EINVAL;
	}
	snprintf(o->host, sizeof(o->host), "%s", h);
	snprintf(o->state, sizeof(o->state), "%s", s != NULL ? s : "");
	snprintf(o->profile, sizeof(o->profile), "%s", p != NULL ? p : "");
	json_decref(v);
	return 0;
}

static char *
dump(const json_t *o)
{
	return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
}

/* /fexpath/vifs/ID's value: SPEC §9's six fields. */
static char *
vif_value(const struct fex_cluster *c, unsigned int vif, const char *state,
	  const char *mac, const char *profile, const char *uuid)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "vif", (int)vif,
			      "host", c->host, "state", state, "mac", mac,
			      "profile", profile, "instance_uuid", uuid);
	char *s = o != NULL ? dump(o) : NULL;

	json_decref(o);
	return s;
}

static char *
vif_value_of(const struct fex_cluster *c, const struct fex_vif_info *v)
{
	const uint8_t *b = v->mac.addr_bytes;
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
	return vif_value(c, v->vif, fex_vif_state_name(v->state), mac, v->profile,
			 v->instance_uuid);
}

int
cluster_put_profile(struct fex_cluster *c, const struct fex_profile *p,
		    char *err, size_t errlen)
{
	json_t *o = fex_ctl_profile_json(p);
	char key[CLUSTER_KEY_MAX], *v = o != NULL ? dump(o) : NULL;
	int rc;

	json_decref(o);
	if (v == NULL)
		return -ENOMEM;
	cluster_key_profile(key, sizeof(key), p->name);
	rc = fex_etcd_put(c->etcd, key, v, strlen(v), 0, NULL, err, errlen);
	free(v);
	if (rc == 0)
		wrote(c);
	return rc;
}

/* ---------------------------------------------------------------- VIFs */

/*
 * Claim VIF vif for this host with value (SPEC §9): see fex_cluster.h.
 * associate: the request is an associate (else a preassociate, which
 * writes nothing when another host holds the VIF); was_pre: this host
 * had the VIF preassociated before the request (a migration's
 * destination). 0, or -1 with err.
 */
static int
vif_claim(struct fex_cluster *c, unsigned int vif, const char *value,
	  bool associate, bool was_pre, struct fex_ctl_err *err)
{
	const char *what = associate ? "vif.associate" : "vif.preassociate";
	char key[CLUSTER_KEY_MAX], msg[CLUSTER_ERR_LEN];
	int64_t lease, expect = -1;	/* -1: the key should not exist */
	unsigned int i;
	int rc;

	cluster_key_vif(key, sizeof(key), vif);
	rc = cluster_lease(c, &lease, msg, sizeof(msg));
	if (rc < 0)
		return store_failed(c, err, what, rc, msg);
	for (i = 0; i < CLAIM_TRIES; i++) {
		struct fex_etcd_cmp cmp = {
			.key = key,
			.target = expect < 0 ? FEX_ETCD_CREATE : FEX_ETCD_MOD,
			.result = FEX_ETCD_EQUAL,
			.value = expect < 0 ? 0 : expect,
		};
		struct fex_etcd_op put = { .type = FEX_ETCD_OP_PUT, .key = key,
					   .value = value, .value_len = strlen(value),
					   .lease = lease };
		struct fex_etcd_op get = { .type = FEX_ETCD_OP_GET, .key = key };
		struct fex_etcd_txn_result t;
		struct vif_owner ow;

		rc = fex_etcd_txn(c->etcd, &cmp, 1, &put, 1, &get, 1, &t, msg, sizeof(msg));
		if (rc == -EIO && strstr(msg, "lease not found") != NULL) {
			/* expired under us: a new one (the lease thread then
			 * claims the other VIFs again) */
			cluster_lease_lost(c, lease);
			rc = cluster_lease(c, &lease, msg, sizeof(msg));
			if (rc < 0)
				return store_failed(c, err, what, rc, msg);
			__atomic_store_n(&c->reclaim_wanted, true, __ATOMIC_RELAXED);
			continue;
		}
		if (rc < 0)
			return store_failed(c, err, what, rc, msg);
		if (t.succeeded) {
			fex_etcd_kvs_free(&t.kvs);
			wrote(c);
			return 0;
		}
		if (t.kvs.n == 0) {
			expect = -1;	/* deleted meanwhile */
			continue;
		}
		expect = t.kvs.kv[0].mod_revision;
		rc = cluster_vif_owner(t.kvs.kv[0].value, &ow);
		fex_etcd_kvs_free(&t.kvs);
		if (rc < 0 || strcmp(ow.host, c->host) == 0)
			continue;	/* ours (or garbage): replace it */
		if (!associate)
			return 0;	/* the key keeps naming the owner */
		if (strcmp(ow.state, "preassociated") == 0 || was_pre) {
			CLUSTER_LOG(INFO, "VIF %u taken over from host %s (%s there)",
				    vif, ow.host, ow.state);
			continue;
		}
		__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
		fex_ctl_err_set(err, FEX_CTL_E_BAD_STATE, "vif",
			"VIF %u is %s on host %s; a VIF is associated on one host "
			"at a time (to move it here, preassociate it here first and "
			"then associate it, as a migration does)", vif, ow.state,
			ow.host);
		snprintf(err->response, sizeof(err->response), "bad-state");
		return -1;
	}
	__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
	fex_ctl_err_set(err, FEX_CTL_E_FAILED, "vif",
		"VIF %u: its cluster store key kept changing under %s; retry", vif,
		what);
	return -1;
}

/* Delete /fexpath/vifs/vif if this host holds it. The disassociation
 * goes on whatever happens: a key left behind lapses with the lease or
 * goes at the next reclaim. */
static void
vif_release(struct fex_cluster *c, unsigned int vif)
{
	char key[CLUSTER_KEY_MAX], msg[CLUSTER_ERR_LEN];
	struct fex_etcd_txn_result t;
	struct fex_etcd_kvs r;
	struct vif_owner ow;
	int rc;

	cluster_key_vif(key, sizeof(key), vif);
	rc = fex_etcd_range(c->etcd, key, false, &r, msg, sizeof(msg));
	if (rc < 0) {
		CLUSTER_LOG(WARNING, "VIF %u disassociated here; its store key stays "
			    "until the store is back: %s", vif, msg);
		__atomic_store_n(&c->reclaim_wanted, true, __ATOMIC_RELAXED);
		return;
	}
	if (r.n == 1 && cluster_vif_owner(r.kv[0].value, &ow) == 0 &&
	    strcmp(ow.host, c->host) == 0) {
		struct fex_etcd_cmp cmp = { .key = key, .target = FEX_ETCD_MOD,
					    .result = FEX_ETCD_EQUAL,
					    .value = r.kv[0].mod_revision };
		struct fex_etcd_op del = { .type = FEX_ETCD_OP_DELETE, .key = key };

		rc = fex_etcd_txn(c->etcd, &cmp, 1, &del, 1, NULL, 0, &t, msg, sizeof(msg));
		if (rc < 0)
			__atomic_store_n(&c->reclaim_wanted, true, __ATOMIC_RELAXED);
		else if (t.succeeded)
			wrote(c);
		fex_etcd_kvs_free(&t.kvs);
	}
	fex_etcd_kvs_free(&r);
}

struct local_vifs {
	struct fex_vif_info *v;
	unsigned int n;
};

static int
local_vif_cb(const struct fex_vif_info *v, void *arg)
{
	struct local_vifs *l = arg;

	if (l->n < FEX_VIF_MAX)
		l->v[l->n++] = *v;
	return 0;
}

/* Put kv's value if the txn's compare holds. 0, or -errno (logged). */
static int
txn_put(struct fex_cluster *c, const char *key, const struct fex_etcd_cmp *cmp,
	const char *value, int64_t lease, bool *done)
{
	struct fex_etcd_op put = { .type = FEX_ETCD_OP_PUT, .key = key, .value = value,
				   .value_len = strlen(value), .lease = lease };
	struct fex_etcd_txn_result t;
	char msg[CLUSTER_ERR_LEN];
	int rc;

	rc = fex_etcd_txn(c->etcd, cmp, 1, &put, 1, NULL, 0, &t, msg, sizeof(msg));
	if (rc < 0) {
		CLUSTER_LOG(WARNING, "%s: %s", key, msg);
		if (rc == -EIO && strstr(msg, "lease not found") != NULL)
			cluster_lease_lost(c, lease);
		return rc;
	}
	*done = t.succeeded;
	if (t.succeeded)
		wrote(c);
	fex_etcd_kvs_free(&t.kvs);
	return 0;
}

int
cluster_reclaim(struct fex_cluster *c)
{
	struct local_vifs l = { .n = 0 };
	struct fex_etcd_kv **by_vif = NULL;
	char msg[CLUSTER_ERR_LEN], key[CLUSTER_KEY_MAX];
	struct fex_etcd_kvs r = { .n = 0 };
	bool *local = NULL;
	int64_t lease;
	unsigned int i, held = 0, claimed = 0, freed = 0;
	int rc;

	rc = cluster_lease(c, &lease, msg, sizeof(msg));
	if (rc == 0)
		rc = fex_etcd_range(c->etcd, FEX_CLUSTER_VIFS, true, &r, msg, sizeof(msg));
	if (rc < 0) {
		CLUSTER_LOG(WARNING, "cannot claim this host's VIFs yet: %s", msg);
		__atomic_store_n(&c->reclaim_wanted, true, __ATOMIC_RELAXED);
		return -1;
	}
	l.v = calloc(FEX_VIF_MAX, sizeof(*l.v));
	by_vif = calloc(FEX_VIF_SLOTS, sizeof(*by_vif));
	local = calloc(FEX_VIF_SLOTS, sizeof(*local));
	if (l.v == NULL || by_vif == NULL || local == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	fex_vif_foreach(c->db, local_vif_cb, &l);
	for (i = 0; i < l.n; i++)
		local[l.v[i].vif] = true;
	for (i = 0; i < r.n; i++) {
		const char *id = r.kv[i].key + strlen(FEX_CLUSTER_VIFS);
		unsigned long v = strtoul(id, NULL, 10);
		struct vif_owner ow;

		if (v < FEX_VIF_MIN || v > FEX_VIF_MAX)
			continue;
		by_vif[v] = &r.kv[i];
		if (cluster_vif_owner(r.kv[i].value, &ow) < 0 ||
		    strcmp(ow.host, c->host) != 0 || local[v])
			continue;
		/* held here in the store, gone here: let it go */
		{
			struct fex_etcd_cmp cmp = { .key = r.kv[i].key, .target = FEX_ETCD_MOD,
						    .result = FEX_ETCD_EQUAL,
						    .value = r.kv[i].mod_revision };
			struct fex_etcd_op del = { .type = FEX_ETCD_OP_DELETE,
						   .key = r.kv[i].key };
			struct fex_etcd_txn_result t;

			if (fex_etcd_txn(c->etcd, &cmp, 1, &del, 1, NULL, 0, &t, msg,
					 sizeof(msg)) == 0 && t.succeeded)
				freed++;
			fex_etcd_kvs_free(&t.kvs);
		}
	}
	for (i = 0; i < l.n && rc == 0; i++) {
		const struct fex_vif_info *v = &l.v[i];
		const struct fex_etcd_kv *kv = by_vif[v->vif];
		char *value = vif_value_of(c, v);
		struct vif_owner ow;
		bool done = false;

		if (value == NULL) {
			rc = -ENOMEM;
			break;
		}
		cluster_key_vif(key, sizeof(key), v->vif);
		if (kv == NULL) {
			struct fex_etcd_cmp cmp = { .key = key, .target = FEX_ETCD_CREATE,
						    .result = FEX_ETCD_EQUAL, .value = 0 };

			rc = txn_put(c, key, &cmp, value, lease, &done);
			claimed += done;
		} else if (cluster_vif_owner(kv->value, &ow) < 0 ||
			   strcmp(ow.host, c->host) == 0) {
			struct fex_etcd_cmp cmp = { .key = key, .target = FEX_ETCD_MOD,
						    .result = FEX_ETCD_EQUAL,
						    .value = kv->mod_revision };

			held++;
			if (kv->lease != lease || strcmp(kv->value, value) != 0)
				rc = txn_put(c, key, &cmp, value, lease, &done);
		} else if (v->state != FEX_VIF_PREASSOCIATED &&
			   strcmp(ow.state, "preassociated") != 0) {
			__atomic_fetch_add(&c->conflicts, 1, __ATOMIC_RELAXED);
			CLUSTER_LOG(WARNING, "VIF %u is %s here and %s on host %s, which "
				    "holds it in the store: disassociate it on one of them",
				    v->vif, fex_vif_state_name(v->state), ow.state, ow.host);
		}
		free(value);
	}
	if (rc == 0)
		CLUSTER_LOG(INFO, "VIFs of host %s: %u claimed, %u held already, %u let go "
			    "(lease %llx)", c->host, claimed, held, freed, (long long)lease);
out:
	if (rc < 0)
		__atomic_store_n(&c->reclaim_wanted, true, __ATOMIC_RELAXED);
	fex_etcd_kvs_free(&r);
	free(l.v);
	free(by_vif);
	free(local);
	return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- hooks */

static bool
is(const char *method, const char *name)
{
	return strcmp(method, name) == 0;
}

/* profile.delete: a VIF of another host still using it refuses it (this
 * host's own VIFs are the handler's check, with its message). */
static int
profile_users(struct fex_cluster *c, const char *name, struct fex_ctl_err *err)
{
	char msg[CLUSTER_ERR_LEN], list[160] = "";
	struct fex_etcd_kvs r;
	unsigned int n = 0;
	size_t i, off = 0;
	int rc;

	rc = fex_etcd_range(c->etcd, FEX_CLUSTER_VIFS, true, &r, msg, sizeof(msg));
	if (rc < 0)
		return store_failed(c, err, "profile.delete", rc, msg);
	for (i = 0; i < r.n; i++) {
		struct vif_owner ow;

		if (cluster_vif_owner(r.kv[i].value, &ow) < 0 ||
		    strcmp(ow.profile, name) != 0 || strcmp(ow.host, c->host) == 0)
			continue;
		if (n < 4 && off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%sVIF %s on "
						"host %s", n ? ", " : "",
						r.kv[i].key + strlen(FEX_CLUSTER_VIFS), ow.host);
		n++;
	}
	fex_etcd_kvs_free(&r);
	if (n == 0)
		return 0;
	fex_ctl_err_set(err, FEX_CTL_E_IN_USE, "name",
		"profile '%s' is used by %u VIF(s) of other hosts of the cluster "
		"(%s%s); disassociate them or move them to another profile first",
		name, n, list, n > 4 ? ", ..." : "");
	return -1;
}

struct instance {
	const char *uuid;
	unsigned int mac[6];
	uint16_t vif;
};

static int
instance_cb(const struct fex_vif_info *v, void *arg)
{
	struct instance *in = arg;
	unsigned int i;

	for (i = 0; i < 6; i++)
		if (v->mac.addr_bytes[i] != in->mac[i])
			return 0;
	if (strcasecmp(v->instance_uuid, in->uuid) != 0)
		return 0;
	in->vif = v->vif;
	return 1;
}

/* The local VIF of the request's instance_uuid and mac, or 0. */
static uint16_t
vif_of_instance(struct fex_cluster *c, const json_t *params)
{
	const char *mac = json_string_value(json_object_get(params, "mac"));
	struct instance in = {
		.uuid = json_string_value(json_object_get(params, "instance_uuid")),
	};

	if (mac == NULL || in.uuid == NULL ||
	    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x", &in.mac[0], &in.mac[1], &in.mac[2],
		   &in.mac[3], &in.mac[4], &in.mac[5]) != 6)
		return 0;
	fex_vif_foreach(c->db, instance_cb, &in);
	return in.vif;
}

static int
store_before(void *ctx, const char *method, const json_t *params,
	     struct fex_ctl_err *err)
{
	struct fex_cluster *c = ctx;
	const char *name = json_string_value(json_object_get(params, "name"));
	char key[CLUSTER_KEY_MAX], msg[CLUSTER_ERR_LEN];
	struct fex_etcd_kvs r;
	int rc;

	memset(&c->req, 0, sizeof(c->req));
	snprintf(c->req.method, sizeof(c->req.method), "%s", method);
	if (is(method, "profile.set") || is(method, "profile.delete")) {
		if (name == NULL || !fex_profile_name_ok(name))
			return 0;	/* the handler says what is wrong */
		cluster_key_profile(key, sizeof(key), name);
		rc = fex_etcd_range(c->etcd, key, false, &r, msg, sizeof(msg));
		if (rc < 0)
			return store_failed(c, err, method, rc, msg);
		if (r.n == 1) {
			c->req.mod = r.kv[0].mod_revision;
			/* merge onto the cluster's latest, not a lagging copy */
			if (is(method, "profile.set"))
				cluster_apply_profile(c, name, r.kv[0].value);
		}
		fex_etcd_kvs_free(&r);
		if (is(method, "profile.delete"))
			return profile_users(c, name, err);
	} else if (is(method, "vif.preassociate") || is(method, "vif.associate")) {
		const json_t *v = json_object_get(params, "vif");
		struct fex_vif_info info;

		/* the VIF's state before the request (a preassociated one is
		 * a migration's destination); without "vif", the VIF of that
		 * instance UUID + MAC, the one the request lands on */
		if (json_is_integer(v) && json_integer_value(v) >= FEX_VIF_MIN &&
		    json_integer_value(v) <= FEX_VIF_MAX)
			c->req.vif = (uint16_t)json_integer_value(v);
		else if (v == NULL)
			c->req.vif = vif_of_instance(c, params);
		if (c->req.vif != 0) {
			c->req.vif_had = fex_vif_get(c->db, c->req.vif, &info) == 0;
			c->req.vif_prior = c->req.vif_had ? info.state : FEX_VIF_NONE;
		}
	}
	return 0;
}

/* Write value at key if its mod_revision is still expect (0: absent). */
static int
put_if_unchanged(struct fex_cluster *c, const char *method, const char *key,
		 const char *value, int64_t expect, struct fex_ctl_err *err)
{
	struct fex_etcd_cmp cmp = { .key = key, .target = FEX_ETCD_MOD,
				    .result = FEX_ETCD_EQUAL, .value = expect };
	struct fex_etcd_op op = { .type = value != NULL ? FEX_ETCD_OP_PUT :
				  FEX_ETCD_OP_DELETE, .key = key, .value = value,
				  .value_len = value != NULL ? strlen(value) : 0 };
	struct fex_etcd_txn_result t;
	char msg[CLUSTER_ERR_LEN];
	int rc;

	rc = fex_etcd_txn(c->etcd, &cmp, 1, &op, 1, NULL, 0, &t, msg, sizeof(msg));
	if (rc < 0)
		return store_failed(c, err, method, rc, msg);
	fex_etcd_kvs_free(&t.kvs);
	if (!t.succeeded) {
		__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, "name",
			"%s not done: %s was changed in the cluster store meanwhile "
			"(by another host); nothing was changed here, retry (this host "
			"applies the cluster's latest first)", method, key);
		return -1;
	}
	wrote(c);
	return 0;
}

static int
store_write(void *ctx, const char *method, const json_t *params,
	    const json_t *result, struct fex_ctl_err *err)
{
	struct fex_cluster *c = ctx;
	char key[CLUSTER_KEY_MAX], msg[CLUSTER_ERR_LEN];
	bool same_req = strcmp(c->req.method, method) == 0;
	int rc = 0;

	(void)params;
	if (is(method, "profile.set") || is(method, "profile.delete")) {
		const char *name = json_string_value(json_object_get(result, "name"));
		char *value = NULL;

		if (name == NULL)
			return 0;
		cluster_key_profile(key, sizeof(key), name);
		if (is(method, "profile.set")) {
			json_t *o = json_copy((json_t *)result);

			json_object_del(o, "created");
			value = o != NULL ? dump(o) : NULL;
			json_decref(o);
			if (value == NULL) {
				fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL, "out of memory");
				return -1;
			}
		}
		rc = put_if_unchanged(c, method, key, value, same_req ? c->req.mod : 0, err);
		free(value);
		return rc;
	}
	if (is(method, "viflist.set") || is(method, "viflist.delete")) {
		json_int_t id = json_integer_value(json_object_get(result, "id"));
		char *value = is(method, "viflist.set") ? dump(result) : NULL;

		cluster_key_viflist(key, sizeof(key), (unsigned int)id);
		if (value != NULL)
			rc = fex_etcd_put(c->etcd, key, value, strlen(value), 0, NULL, msg,
					  sizeof(msg));
		else
			rc = fex_etcd_delete(c->etcd, key, false, NULL, NULL, msg, sizeof(msg));
		free(value);
		if (rc < 0)
			return store_failed(c, err, method, rc, msg);
		wrote(c);
		return 0;
	}
	if (is(method, "vif.preassociate") || is(method, "vif.associate")) {
		json_int_t vif = json_integer_value(json_object_get(result, "vif"));
		const char *state = json_string_value(json_object_get(result, "state"));
		char *value = vif_value(c, (unsigned int)vif, state ?: "",
			json_string_value(json_object_get(result, "mac")) ?: "",
			json_string_value(json_object_get(result, "profile")) ?: "",
			json_string_value(json_object_get(result, "instance_uuid")) ?: "");
		bool was_pre = same_req && c->req.vif == vif && c->req.vif_had &&
			c->req.vif_prior == FEX_VIF_PREASSOCIATED;

		if (value == NULL) {
			fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL, "out of memory");
			return -1;
		}
		rc = vif_claim(c, (unsigned int)vif, value, is(method, "vif.associate"),
			       was_pre, err);
		free(value);
		return rc;
	}
	if (is(method, "vif.disassociate")) {
		vif_release(c, (unsigned int)json_integer_value(json_object_get(result, "vif")));
		return 0;
	}
	return 0;
}

/*
 * An associate without an id (SPEC §8): the VIF the store holds for this
 * instance UUID + MAC (a migration's source holds it: the destination
 * takes the same id), else every id the store names is taken.
 */
static int
store_vif_pick(void *ctx, const char *instance_uuid, const uint8_t mac[6],
	       uint8_t *taken, struct fex_ctl_err *err)
{
	struct fex_cluster *c = ctx;
	char msg[CLUSTER_ERR_LEN], want[18];
	struct fex_etcd_kvs r;
	int held = 0, rc;
	size_t i;

	snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	rc = fex_etcd_range(c->etcd, FEX_CLUSTER_VIFS, true, &r, msg, sizeof(msg));
	if (rc < 0)
		return store_failed(c, err, "a VIF id", rc, msg);
	for (i = 0; i < r.n && held == 0; i++) {
		json_t *v = json_loads(r.kv[i].value, 0, NULL);
		json_int_t id = json_integer_value(json_object_get(v, "vif"));
		const char *m = json_string_value(json_object_get(v, "mac"));
		const char *u = json_string_value(json_object_get(v, "instance_uuid"));

		if (id >= FEX_VIF_MIN && id <= FEX_VIF_MAX) {
			taken[id] = 1;
			if (m != NULL && u != NULL && strcasecmp(m, want) == 0 &&
			    strcasecmp(u, instance_uuid) == 0)
				held = (int)id;
		}
		json_decref(v);
	}
	fex_etcd_kvs_free(&r);
	return held;
}

const struct fex_ctl_store cluster_store_hooks = {
	.before = store_before,
	.write = store_write,
	.vif_pick = store_vif_pick,
};
