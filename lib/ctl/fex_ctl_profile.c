/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * profile.set / get / list / delete (SPEC §2, §5): the profile's JSON
 * shape, its parser, and the profiles' part of the state document.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"


static const char *const profile_fields[] = {
	"name", "description", "vlans", "native_vlan", "cos", "rate_kbps",
	"burst_bytes", "rate_mode", "ingress_rate_kbps", "ingress_burst_bytes",
	"mac_forging", "uplink_fail_action", "max_ports", "io_performance",
	"enabled", "cluster", NULL
};

json_t *
ctl_profile_json(const struct fex_profile *p)
{
	json_t *o, *vlans;
	unsigned int v;

	vlans = json_array();
	if (vlans == NULL)
		return NULL;
	for (v = FEX_VLAN_MIN; v <= FEX_VLAN_MAX; v++)
		if (fex_vlan_test(p->vlans, (uint16_t)v))
			json_array_append_new(vlans, json_integer(v));
	o = json_pack("{s:s, s:s, s:o, s:i}", "name", p->name,
		      "description", p->description, "vlans", vlans,
		      "native_vlan", (int)p->native_vlan);
	if (o == NULL)
		return NULL;
	if (p->cos != FEX_COS_LEAVE)
		json_object_set_new(o, "cos", json_integer(p->cos));
	if (json_object_update_new(o, json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:i, s:s, s:b}",
		      "rate_kbps", (json_int_t)p->rate_kbps,
		      "burst_bytes", (json_int_t)p->burst_bytes,
		      "rate_mode", fex_rate_mode_name(p->rate_mode),
		      "ingress_rate_kbps", (json_int_t)p->ingress_rate_kbps,
		      "ingress_burst_bytes", (json_int_t)p->ingress_burst_bytes,
		      "mac_forging", fex_mac_forging_name(p->mac_forging),
		      "uplink_fail_action", fex_uplink_fail_name(p->uplink_fail_action),
		      "max_ports", (int)p->max_ports,
		      "io_performance", fex_io_perf_name(p->io_performance),
		      "enabled", (int)p->enabled)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Apply the fields present in params to *p (the existing profile or the
 * defaults). "cos": null means "leave the PCP as is". */
static int
profile_parse(const json_t *params, struct fex_profile *p,
	      struct fex_ctl_err *err)
{
	uint16_t vl[FEX_VLAN_MAX];
	const char *s;
	uint64_t u;
	unsigned int n, i, e;
	bool b;
	json_t *cos;
	int rc;

	if (param_only(params, profile_fields, err) < 0)
		return -1;
	rc = param_str(params, "description", false, FEX_PROFILE_DESC_MAX, true,
		       &s, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		snprintf(p->description, sizeof(p->description), "%s", s);
	rc = param_uint_list(params, "vlans", false, FEX_VLAN_MIN, FEX_VLAN_MAX,
			     "VLAN ids", vl, RTE_DIM(vl), &n, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		memset(p->vlans, 0, sizeof(p->vlans));
		for (i = 0; i < n; i++)
			fex_vlan_set(p->vlans, vl[i]);
	}
	rc = param_uint(params, "native_vlan", false, 0, FEX_VLAN_MAX,
			"0 (none) or a VLAN id", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->native_vlan = (uint16_t)u;
	cos = json_object_get(params, "cos");
	if (json_is_null(cos)) {
		p->cos = FEX_COS_LEAVE;
	} else {
		rc = param_uint(params, "cos", false, 0, 7,
				"null (leave the PCP as is) or a CoS", &u, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			p->cos = (int16_t)u;
	}
	rc = param_uint(params, "rate_kbps", false, 0, UINT32_MAX * 1000ull,
			"0 (line rate) or kbit/s", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->rate_kbps = u;
	rc = param_uint(params, "burst_bytes", false, 0, UINT32_MAX,
			"0 (default) or bytes", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->burst_bytes = (uint32_t)u;
	rc = param_uint(params, "ingress_rate_kbps", false, 0, UINT32_MAX * 1000ull,
			"0 (no ingress policer) or kbit/s", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->ingress_rate_kbps = u;
	rc = param_uint(params, "ingress_burst_bytes", false, 0, UINT32_MAX,
			"0 (default) or bytes", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->ingress_burst_bytes = (uint32_t)u;
	rc = param_enum(params, "rate_mode", false, fex_rate_mode_names, &e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->rate_mode = e == 0 ? FEX_RATE_SHAPE : FEX_RATE_POLICE;
	rc = param_enum(params, "mac_forging", false, fex_mac_forging_names, &e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->mac_forging = e == 0 ? FEX_MAC_FORGING_ALLOW : FEX_MAC_FORGING_DENY;
	rc = param_enum(params, "uplink_fail_action", false, fex_uplink_fail_names,
			&e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->uplink_fail_action = e == 0 ? FEX_UPLINK_FAIL_LINK_DOWN :
			FEX_UPLINK_FAIL_WARNING;
	rc = param_uint(params, "max_ports", false, 1, FEX_MAX_PORTS_MAX,
			"VIFs using the profile at most", &u, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->max_ports = (uint16_t)u;
	rc = param_enum(params, "io_performance", false, fex_io_perf_names, &e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->io_performance = e == 0 ? FEX_IO_PERF_NONE : FEX_IO_PERF_HIGH;
	rc = param_bool(params, "enabled", false, &b, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->enabled = b;
	return 0;
}

int
fex_ctl_profile_from_json(const json_t *o, struct fex_profile *p,
			  struct fex_ctl_err *err)
{
	char msg[CTL_MSG_LEN] = "";
	const char *name;
	json_t *c;
	int rc = -1;

	if (!json_is_object(o)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, NULL,
			"a profile must be a JSON object with the profile fields");
		return -1;
	}
	c = json_copy((json_t *)o);	/* shallow: only keys are dropped */
	if (c == NULL)
		return ctl_no_memory(err);
	json_object_del(c, "vifs");	/* what profile.get / set add */
	json_object_del(c, "created");
	if (param_cluster(c, err) < 0 || param_name(c, "name", true, &name, err) < 0)
		goto out;
	fex_profile_defaults(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (profile_parse(c, p, err) < 0)
		goto out;
	if (p->native_vlan != 0 && p->native_vlan <= FEX_VLAN_MAX)
		fex_vlan_set(p->vlans, p->native_vlan);	/* as profile.set does */
	if (fex_profile_validate(p, msg, sizeof(msg)) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, NULL, "%s", msg);
		goto out;
	}
	rc = 0;
out:
	json_decref(c);
	return rc;
}

json_t *
fex_ctl_profile_json(const struct fex_profile *p)
{
	return ctl_profile_json(p);
}

/* The action of profile.set: create or modify *p, its native VLAN always
 * among the allowed ones. 0, or -1 with err. */
static int
profile_apply(struct fex_ctl *ctl, struct fex_profile *p,
	      struct fex_ctl_err *err)
{
	char msg[CTL_MSG_LEN] = "";
	int rc;

	if (p->native_vlan != 0 && p->native_vlan <= FEX_VLAN_MAX)
		fex_vlan_set(p->vlans, p->native_vlan);	/* always allowed */
	rc = fex_profile_set(ctl->db, NULL, p, msg, sizeof(msg));
	if (rc == -EBUSY)
		return ctl_vif_error(err, rc, "max_ports", msg, false);
	if (rc < 0)
		return ctl_vif_error(err, rc, NULL, msg, false);
	return 0;
}

int
fex_ctl_profile_set(struct fex_ctl *ctl, const struct fex_profile *p,
		    struct fex_ctl_err *err)
{
	struct fex_profile q = *p;
	int rc;

	if (ctl_change_start(ctl, "profile.set", err) < 0)
		return -1;
	rc = profile_apply(ctl, &q, err);
	return ctl_change_end(ctl, "profile.set", rc == 0, err);
}

/* Create or modify: the named profile (or the defaults) plus params. */
static int
ctl_profile_set(struct fex_ctl *ctl, const json_t *params, json_t **result,
		struct fex_ctl_err *err)
{
	struct fex_profile p;
	const char *name;
	bool existed;

	if (param_only(params, profile_fields, err) < 0 ||
	    param_cluster(params, err) < 0 ||
	    param_name(params, "name", true, &name, err) < 0)
		return -1;
	existed = fex_profile_get(ctl->db, name, &p, NULL) == 0;
	if (!existed) {
		fex_profile_defaults(&p);
		snprintf(p.name, sizeof(p.name), "%s", name);
	}
	if (profile_parse(params, &p, err) < 0 || profile_apply(ctl, &p, err) < 0)
		return -1;
	*result = ctl_profile_json(&p);
	if (*result != NULL)
		json_object_set_new(*result, "created", json_boolean(!existed));
	return 0;
}

static int
m_profile_set(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	return ctl_profile_set(ctl, params, result, err);
}

static int
profile_find(struct fex_ctl *ctl, const json_t *params, struct fex_profile *p,
	     unsigned int *n_vifs, struct fex_ctl_err *err)
{
	static const char *const fields[] = { "name", "cluster", NULL };
	const char *name;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0 ||
	    param_name(params, "name", true, &name, err) < 0)
		return -1;
	if (fex_profile_get(ctl->db, name, p, n_vifs) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "name",
			"profile '%s' does not exist; see profile.list", name);
		return -1;
	}
	return 0;
}

static int
m_profile_get(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	struct fex_profile p;
	unsigned int n;

	if (profile_find(ctl, params, &p, &n, err) < 0)
		return -1;
	*result = ctl_profile_json(&p);
	if (*result != NULL)
		json_object_set_new(*result, "vifs", json_integer(n));
	return 0;
}

static int
profile_list_cb(const struct fex_profile *p, unsigned int n_vifs, void *arg)
{
	json_t *o = ctl_profile_json(p);

	if (o == NULL)
		return -ENOMEM;
	json_object_set_new(o, "vifs", json_integer(n_vifs));
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int
m_profile_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	       struct fex_ctl_err *err)
{
	static const char *const fields[] = { "cluster", NULL };
	json_t *a;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	a = json_array();
	if (a == NULL || fex_profile_foreach(ctl->db, profile_list_cb, a) < 0) {
		json_decref(a);
		return ctl_no_memory(err);
	}
	*result = a;
	return 0;
}

struct users {
	const char *profile;
	char list[128];
	size_t off;
	unsigned int n;
};

static int
users_cb(const struct fex_vif_info *v, void *arg)
{
	struct users *u = arg;

	if (strcmp(v->profile, u->profile) != 0)
		return 0;
	if (u->n < 8 && u->off < sizeof(u->list))
		u->off += (size_t)snprintf(u->list + u->off, sizeof(u->list) - u->off,
					   "%s%u", u->n ? ", " : "", v->vif);
	u->n++;
	return 0;
}

/* The action of profile.delete: refused while VIFs use it. 0, or -1. */
static int
profile_remove(struct fex_ctl *ctl, const char *name, struct fex_ctl_err *err)
{
	char msg[CTL_MSG_LEN] = "";
	unsigned int n;
	int rc;

	if (fex_profile_get(ctl->db, name, NULL, &n) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "name",
			"profile '%s' does not exist; see profile.list", name);
		return -1;
	}
	if (n > 0) {
		struct users u = { .profile = name };

		fex_vif_foreach(ctl->db, users_cb, &u);
		fex_ctl_err_set(err, FEX_CTL_E_IN_USE, "name",
			"profile '%s' is used by %u VIF(s) (%s%s); disassociate "
			"them or move them to another profile first", name,
			u.n, u.list, u.n > 8 ? ", ..." : "");
		return -1;
	}
	rc = fex_profile_delete(ctl->db, NULL, name, msg, sizeof(msg));
	if (rc < 0)
		return ctl_vif_error(err, rc, "name", msg, false);
	return 0;
}

int
fex_ctl_profile_delete(struct fex_ctl *ctl, const char *name,
		       struct fex_ctl_err *err)
{
	int rc;

	if (ctl_change_start(ctl, "profile.delete", err) < 0)
		return -1;
	rc = profile_remove(ctl, name, err);
	return ctl_change_end(ctl, "profile.delete", rc == 0, err);
}

static int
m_profile_delete(struct fex_ctl *ctl, json_t *params, json_t **result,
		 struct fex_ctl_err *err)
{
	struct fex_profile p;
	unsigned int n;

	if (profile_find(ctl, params, &p, &n, err) < 0 ||
	    profile_remove(ctl, p.name, err) < 0)
		return -1;
	*result = json_pack("{s:s, s:b}", "name", p.name, "deleted", 1);
	return 0;
}

#define PROFILE_USAGE "{name, description?, vlans?, native_vlan?, cos?, " \
	"rate_kbps?, burst_bytes?, rate_mode?, ingress_rate_kbps?, ingress_burst_bytes?, " \
	"mac_forging?, uplink_fail_action?, max_ports?, io_performance?, " \
	"enabled?, cluster?}"

static const struct fex_ctl_method methods[] = {
	{ "profile.set", PROFILE_USAGE, FEX_CTL_MUTATES, m_profile_set },
	{ "profile.get", "{name, cluster?}", 0, m_profile_get },
	{ "profile.list", "{cluster?}", 0, m_profile_list },
	{ "profile.delete", "{name, cluster?}", FEX_CTL_MUTATES, m_profile_delete },
};

int
ctl_profile_register(struct fex_ctl *ctl)
{
	return ctl_register_table(ctl, methods, RTE_DIM(methods));
}

/* ---------------------------------------------------------------- state */

static int
dump_profile_cb(const struct fex_profile *p, unsigned int n_vifs, void *arg)
{
	json_t *o = ctl_profile_json(p);

	(void)n_vifs;
	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

json_t *
ctl_profile_dump(struct fex_ctl *ctl)
{
	json_t *a = json_array();

	if (a != NULL && fex_profile_foreach(ctl->db, dump_profile_cb, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int
ctl_profile_restore(struct fex_ctl *ctl, const json_t *e,
		    struct fex_ctl_err *err)
{
	json_t *res = NULL;
	int rc = ctl_profile_set(ctl, e, &res, err);

	json_decref(res);
	return rc;
}
