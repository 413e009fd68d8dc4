/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The methods of SPEC §5. Each handler parses its params, calls the
 * action (lib/vif, or ctl_vif_bind() for the VIF requests that also open
 * a port) and builds the reply. A changing method runs inside a change
 * (fex_rpc.c): its table edits are staged until the state is saved, so
 * nothing here undoes table edits; a port opened or let go is listed
 * with ctl_port_opened() / ctl_port_released(). The state document is
 * built and re-applied here too, with the same parsers and actions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"

#define MSG_LEN		384

/* ---------------------------------------------------------------- helpers */

static const char *const mac_forging_names[] = { "allow", "deny", NULL };
static const char *const uplink_fail_names[] = { "link-down", "warning", NULL };
static const char *const io_perf_names[] = { "none", "high", NULL };
static const char *const vif_state_names[] = {
	"preassociated", "associated", "down", NULL };

static void
mac_format(const struct rte_ether_addr *mac, char *buf, size_t len)
{
	const uint8_t *b = mac->addr_bytes;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
}

static bool
is_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == '-' ? s[i] != '-' :
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	}
	return true;
}

/* Map a lib/vif return code to a JSON-RPC error. */
static int
vif_error(struct fex_ctl_err *err, int rc, const char *field, const char *msg,
	  bool vdp)
{
	int code;

	switch (rc) {
	case -EINVAL:
		code = FEX_CTL_E_PARAMS;
		break;
	case -ENOENT:
		code = FEX_CTL_E_NOT_FOUND;
		break;
	case -ESRCH:
		code = FEX_CTL_E_NOT_FOUND;
		break;
	case -EBUSY:
		code = vdp ? FEX_CTL_E_BAD_STATE : FEX_CTL_E_IN_USE;
		break;
	case -EADDRINUSE:
		code = FEX_CTL_E_IN_USE;
		break;
	case -ENOSPC:
	case -ENOMEM:
		code = FEX_CTL_E_RESOURCES;
		break;
	default:
		code = FEX_CTL_E_FAILED;
		break;
	}
	fex_ctl_err_set(err, code, field, "%s", msg[0] != '\0' ? msg : strerror(-rc));
	if (vdp)
		snprintf(err->response, sizeof(err->response), "%s",
			 fex_vif_response_name(rc));
	return -1;
}

static int
no_memory(struct fex_ctl_err *err)
{
	fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL, "out of memory");
	return -1;
}

/* ---------------------------------------------------------------- profiles */

static const char *const profile_fields[] = {
	"name", "description", "vlans", "native_vlan", "cos", "rate_kbps",
	"burst_bytes", "ingress_rate_kbps", "ingress_burst_bytes",
	"mac_forging", "uplink_fail_action", "max_ports", "io_performance",
	"enabled", "cluster", NULL
};

static json_t *
profile_json(const struct fex_profile *p)
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
	if (json_object_update_new(o, json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:s, s:b}",
		      "rate_kbps", (json_int_t)p->rate_kbps,
		      "burst_bytes", (json_int_t)p->burst_bytes,
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
	rc = param_enum(params, "mac_forging", false, mac_forging_names, &e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->mac_forging = e == 0 ? FEX_MAC_FORGING_ALLOW : FEX_MAC_FORGING_DENY;
	rc = param_enum(params, "uplink_fail_action", false, uplink_fail_names,
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
	rc = param_enum(params, "io_performance", false, io_perf_names, &e, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->io_performance = e == 0 ? FEX_IO_PERF_NONE : FEX_IO_PERF_HIGH;
	rc = param_bool(params, "enabled", false, &b, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		p->enabled = b;
	if (p->native_vlan != 0 && !fex_vlan_test(p->vlans, p->native_vlan))
		fex_vlan_set(p->vlans, p->native_vlan);	/* always allowed */
	return 0;
}

/* Create or modify: the named profile (or the defaults) plus params. */
static int
ctl_profile_set(struct fex_ctl *ctl, const json_t *params, json_t **result,
		struct fex_ctl_err *err)
{
	struct fex_profile p;
	const char *name;
	char msg[MSG_LEN] = "";
	bool existed;
	int rc;

	if (param_only(params, profile_fields, err) < 0 ||
	    param_cluster(params, err) < 0 ||
	    param_name(params, "name", true, &name, err) < 0)
		return -1;
	existed = fex_profile_get(ctl->db, name, &p, NULL) == 0;
	if (!existed) {
		fex_profile_defaults(&p);
		snprintf(p.name, sizeof(p.name), "%s", name);
	}
	if (profile_parse(params, &p, err) < 0)
		return -1;
	rc = fex_profile_set(ctl->db, NULL, &p, msg, sizeof(msg));
	if (rc < 0) {
		if (rc == -EBUSY)
			return vif_error(err, rc, "max_ports", msg, false);
		return vif_error(err, rc, NULL, msg, false);
	}
	*result = profile_json(&p);
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
	*result = profile_json(&p);
	if (*result != NULL)
		json_object_set_new(*result, "vifs", json_integer(n));
	return 0;
}

static int
profile_list_cb(const struct fex_profile *p, unsigned int n_vifs, void *arg)
{
	json_t *o = profile_json(p);

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
		return no_memory(err);
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

static int
m_profile_delete(struct fex_ctl *ctl, json_t *params, json_t **result,
		 struct fex_ctl_err *err)
{
	struct fex_profile p;
	char msg[MSG_LEN] = "";
	unsigned int n;
	int rc;

	if (profile_find(ctl, params, &p, &n, err) < 0)
		return -1;
	if (n > 0) {
		struct users u = { .profile = p.name };

		fex_vif_foreach(ctl->db, users_cb, &u);
		fex_ctl_err_set(err, FEX_CTL_E_IN_USE, "name",
			"profile '%s' is used by %u VIF(s) (%s%s); disassociate "
			"them or move them to another profile first", p.name,
			u.n, u.list, u.n > 8 ? ", ..." : "");
		return -1;
	}
	rc = fex_profile_delete(ctl->db, NULL, p.name, msg, sizeof(msg));
	if (rc < 0)
		return vif_error(err, rc, "name", msg, false);
	*result = json_pack("{s:s, s:b}", "name", p.name, "deleted", 1);
	return 0;
}

/* ---------------------------------------------------------------- VIFs */

static const char *const vif_fields[] = {
	"vif", "port", "mac", "profile", "instance_uuid", "cluster", NULL
};

static json_t *
vif_json(const struct fex_vif_info *v)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	mac_format(&v->mac, mac, sizeof(mac));
	return json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:s}",
			 "vif", (int)v->vif, "state", fex_vif_state_name(v->state),
			 "port", v->port_spec, "port_id", (int)v->port_id,
			 "mac", mac, "profile", v->profile,
			 "instance_uuid", v->instance_uuid);
}

/* A VIF request's params (vif_fields, plus "state" when from a file). */
struct vif_req {
	struct fex_vif_assoc a;
	char spec[FEX_PORT_SPEC_MAX + 1];
	char uuid[FEX_UUID_LEN + 1];
	char profile[FEX_PROFILE_NAME_MAX + 1];
};

static int
vif_parse(const json_t *params, const char *const *fields, struct vif_req *r,
	  struct fex_ctl_err *err)
{
	const char *spec, *uuid, *profile;
	uint64_t id;

	memset(r, 0, sizeof(*r));
	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0 ||
	    param_uint(params, "vif", true, FEX_VIF_MIN, FEX_VIF_MAX, "VIF id",
		       &id, err) < 0 ||
	    param_str(params, "port", true, FEX_PORT_SPEC_MAX, false, &spec,
		      err) < 0 ||
	    param_mac(params, "mac", true, r->a.mac.addr_bytes, err) < 0 ||
	    param_name(params, "profile", true, &profile, err) < 0 ||
	    param_str(params, "instance_uuid", true, FEX_UUID_LEN, false, &uuid,
		      err) < 0)
		return -1;
	if (!is_uuid(uuid)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, "instance_uuid",
			"instance_uuid '%.40s' is not allowed; allowed: a UUID "
			"like 6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a", uuid);
		return -1;
	}
	r->a.vif = (uint16_t)id;
	snprintf(r->spec, sizeof(r->spec), "%s", spec);
	snprintf(r->uuid, sizeof(r->uuid), "%s", uuid);
	snprintf(r->profile, sizeof(r->profile), "%s", profile);
	r->a.port_spec = r->spec;
	r->a.instance_uuid = r->uuid;
	r->a.profile = r->profile;
	r->a.cluster = NULL;
	return 0;
}

struct port_user {
	const char *spec;
	uint16_t vif;
};

static int
port_user_cb(const struct fex_vif_info *v, void *arg)
{
	struct port_user *u = arg;

	if (strcmp(v->port_spec, u->spec) != 0)
		return 0;
	u->vif = v->vif;
	return 1;
}

static int
vif_action(struct fex_ctl *ctl, enum fex_vif_state state,
	   const struct fex_vif_assoc *a, char *msg, size_t len)
{
	if (state == FEX_VIF_PREASSOCIATED)
		return fex_vif_preassociate(ctl->db, a, msg, len);
	return fex_vif_associate(ctl->db, a, msg, len);
}

/*
 * vif.preassociate / vif.associate: attach the port unless the VIF has
 * it already, run the VIF action, detach the port again if that fails.
 * A new port is listed as opened (closed again if the change is not
 * published); a port the VIF had before and no longer uses as released
 * (closed once it is). On success *info is the VIF as it is now.
 */
static int
ctl_vif_bind(struct fex_ctl *ctl, enum fex_vif_state state, struct vif_req *r,
	     struct fex_vif_info *info, struct fex_ctl_err *err)
{
	struct fex_vif_info old;
	char msg[MSG_LEN] = "";
	bool had, new_port = false;
	int rc;

	had = fex_vif_get(ctl->db, r->a.vif, &old) == 0;
	if (had && strcmp(old.port_spec, r->spec) == 0) {
		r->a.port_id = old.port_id;
	} else {
		struct port_user u = { .spec = r->spec };

		fex_vif_foreach(ctl->db, port_user_cb, &u);
		if (u.vif != 0) {
			fex_ctl_err_set(err, FEX_CTL_E_IN_USE, "port",
				"port '%s' is already used by VIF %u; disassociate "
				"VIF %u or name another port", r->spec, u.vif, u.vif);
			snprintf(err->response, sizeof(err->response), "bad-state");
			return -1;
		}
		if (had && old.state != FEX_VIF_PREASSOCIATED) {
			fex_ctl_err_set(err, FEX_CTL_E_BAD_STATE, "port",
				"VIF %u is %s on port '%s'; disassociate it before "
				"binding it to port '%s'", r->a.vif,
				fex_vif_state_name(old.state), old.port_spec, r->spec);
			snprintf(err->response, sizeof(err->response), "bad-state");
			return -1;
		}
		if (ctl->hooks.port_attach == NULL &&
		    ctl->hooks.port_attach_vif == NULL) {
			fex_ctl_err_set(err, FEX_CTL_E_FAILED, "port",
				"cannot open port '%s': no port layer in this "
				"process", r->spec);
			snprintf(err->response, sizeof(err->response), "error");
			return -1;
		}
		if (ctl->hooks.port_attach_vif != NULL)
			rc = ctl->hooks.port_attach_vif(ctl->hooks.ctx, r->spec,
							r->profile, &r->a.port_id,
							msg, sizeof(msg));
		else
			rc = ctl->hooks.port_attach(ctl->hooks.ctx, r->spec,
						    &r->a.port_id, msg, sizeof(msg));
		if (rc < 0) {
			/* out of ports, VFs or memory: the VDP answer for it */
			bool out_of = rc == -ENOSPC || rc == -ENOMEM;

			fex_ctl_err_set(err, out_of ? FEX_CTL_E_RESOURCES : FEX_CTL_E_FAILED,
				"port", "cannot open port '%s': %s", r->spec,
				msg[0] != '\0' ? msg : strerror(-rc));
			snprintf(err->response, sizeof(err->response), "%s",
				 out_of ? "insufficient-resources" : "error");
			return -1;
		}
		new_port = true;
	}
	msg[0] = '\0';
	rc = vif_action(ctl, state, &r->a, msg, sizeof(msg));
	if (rc == 0 && new_port && ctl_port_opened(ctl, r->a.port_id) < 0)
		rc = -ENOMEM;
	if (rc < 0) {
		if (new_port)
			ctl_port_detach(ctl, r->a.port_id);
		return vif_error(err, rc, rc == -ENOENT ? "profile" :
				 rc == -ENOSPC ? "profile" : NULL, msg, true);
	}
	/* the port is listed: from here a failure closes it with the change */
	if (had && new_port && ctl_port_released(ctl, old.port_id) < 0)
		return no_memory(err);
	if (fex_vif_get(ctl->db, r->a.vif, info) < 0)
		return no_memory(err);
	return 0;
}

static int
vif_request(struct fex_ctl *ctl, json_t *params, enum fex_vif_state state,
	    json_t **result, struct fex_ctl_err *err)
{
	struct fex_vif_info info;
	struct vif_req r;

	if (vif_parse(params, vif_fields, &r, err) < 0 ||
	    ctl_vif_bind(ctl, state, &r, &info, err) < 0)
		return -1;
	*result = vif_json(&info);
	return 0;
}

static int
m_vif_preassociate(struct fex_ctl *ctl, json_t *params, json_t **result,
		   struct fex_ctl_err *err)
{
	return vif_request(ctl, params, FEX_VIF_PREASSOCIATED, result, err);
}

static int
m_vif_associate(struct fex_ctl *ctl, json_t *params, json_t **result,
		struct fex_ctl_err *err)
{
	return vif_request(ctl, params, FEX_VIF_ASSOCIATED, result, err);
}

static int
vif_id(const json_t *params, bool required, uint16_t *vif,
       struct fex_ctl_err *err)
{
	static const char *const fields[] = { "vif", "cluster", NULL };
	uint64_t id;
	int rc;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	rc = param_uint(params, "vif", required, FEX_VIF_MIN, FEX_VIF_MAX,
			"VIF id", &id, err);
	if (rc == 0)
		*vif = (uint16_t)id;
	return rc;
}

static int
m_vif_disassociate(struct fex_ctl *ctl, json_t *params, json_t **result,
		   struct fex_ctl_err *err)
{
	struct fex_vif_info old;
	char msg[MSG_LEN] = "";
	json_t *old_json;
	uint16_t vif;
	int rc;

	if (vif_id(params, true, &vif, err) < 0)
		return -1;
	if (fex_vif_get(ctl->db, vif, &old) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "vif",
			"VIF %u does not exist; see vif.list", vif);
		snprintf(err->response, sizeof(err->response), "bad-state");
		return -1;
	}
	rc = fex_vif_disassociate(ctl->db, vif, msg, sizeof(msg));
	if (rc < 0)
		return vif_error(err, rc, "vif", msg, true);
	/* the port stays open until the workers no longer see the VIF */
	old_json = vif_json(&old);
	if (old_json == NULL || ctl_port_released(ctl, old.port_id) < 0) {
		json_decref(old_json);
		return no_memory(err);
	}
	*result = json_pack("{s:i, s:s, s:s, s:o}", "vif", (int)vif,
			    "state", "none", "port", old.port_spec,
			    "previous", old_json);
	return 0;
}

static int
vif_list_cb(const struct fex_vif_info *v, void *arg)
{
	json_t *o = vif_json(v);

	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int
m_vif_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	   struct fex_ctl_err *err)
{
	static const char *const fields[] = { "cluster", NULL };
	json_t *a;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	a = json_array();
	if (a == NULL || fex_vif_foreach(ctl->db, vif_list_cb, a) < 0) {
		json_decref(a);
		return no_memory(err);
	}
	*result = a;
	return 0;
}

static json_t *
vif_stats_json(struct fex_ctl *ctl, const struct fex_vif_info *v)
{
	uint64_t c[FEX_VIF_CNT_MAX];
	json_t *o;
	unsigned int i;

	if (fex_vif_stats(ctl->db, v->vif, c) < 0)
		return NULL;
	o = json_pack("{s:i, s:s}", "vif", (int)v->vif, "state",
		      fex_vif_state_name(v->state));
	for (i = 0; o != NULL && i < FEX_VIF_CNT_MAX; i++)
		json_object_set_new(o, fex_vif_counter_names[i],
				    json_integer((json_int_t)c[i]));
	return o;
}

struct stats_walk {
	struct fex_ctl *ctl;
	json_t *a;
};

static int
vif_stats_cb(const struct fex_vif_info *v, void *arg)
{
	struct stats_walk *w = arg;
	json_t *o = vif_stats_json(w->ctl, v);

	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(w->a, o) == 0 ? 0 : -ENOMEM;
}

static int
m_vif_stats(struct fex_ctl *ctl, json_t *params, json_t **result,
	    struct fex_ctl_err *err)
{
	struct stats_walk w = { .ctl = ctl };
	struct fex_vif_info v;
	uint16_t vif;
	int rc;

	rc = vif_id(params, false, &vif, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (fex_vif_get(ctl->db, vif, &v) < 0) {
			fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "vif",
				"VIF %u does not exist; see vif.list", vif);
			return -1;
		}
		*result = vif_stats_json(ctl, &v);
		return *result != NULL ? 0 : no_memory(err);
	}
	w.a = json_array();
	if (w.a == NULL || fex_vif_foreach(ctl->db, vif_stats_cb, &w) < 0) {
		json_decref(w.a);
		return no_memory(err);
	}
	*result = w.a;
	return 0;
}

/* ---------------------------------------------------------------- VIF lists */

static json_t *
viflist_json(uint16_t id, const uint16_t *vifs, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(vifs[i]));
	return json_pack("{s:i, s:o}", "id", (int)id, "vifs", a);
}

/* The list as JSON, or NULL (absent) with *found false. */
static json_t *
viflist_current(struct fex_ctl *ctl, uint16_t id, bool *found)
{
	uint16_t vifs[FEX_VIF_MAX];
	int n = fex_viflist_get(ctl->db, id, vifs, RTE_DIM(vifs));

	*found = n >= 0;
	return n >= 0 ? viflist_json(id, vifs, (unsigned int)n) : NULL;
}

static int
viflist_id(const json_t *params, const char *const *fields, uint16_t *id,
	   struct fex_ctl_err *err)
{
	uint64_t v;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0 ||
	    param_uint(params, "id", true, 1, FEX_VIFLIST_MAX, "VIF-list id",
		       &v, err) < 0)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

static int
ctl_viflist_set(struct fex_ctl *ctl, const json_t *params, json_t **result,
		struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "vifs", "cluster", NULL };
	uint16_t vifs[FEX_VIF_MAX];
	char msg[MSG_LEN] = "";
	unsigned int n;
	uint16_t id;
	int rc;

	if (viflist_id(params, fields, &id, err) < 0 ||
	    param_uint_list(params, "vifs", true, FEX_VIF_MIN, FEX_VIF_MAX,
			    "VIF ids", vifs, RTE_DIM(vifs), &n, err) < 0)
		return -1;
	rc = fex_viflist_set(ctl->db, id, vifs, n, msg, sizeof(msg));
	if (rc < 0)
		return vif_error(err, rc, "vifs", msg, false);
	*result = viflist_json(id, vifs, n);
	return 0;
}

static int
m_viflist_set(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	return ctl_viflist_set(ctl, params, result, err);
}

static int
m_viflist_get(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "cluster", NULL };
	bool found;
	uint16_t id;

	if (viflist_id(params, fields, &id, err) < 0)
		return -1;
	*result = viflist_current(ctl, id, &found);
	if (!found) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "id",
			"VIF list %u does not exist; see viflist.list", id);
		return -1;
	}
	return *result != NULL ? 0 : no_memory(err);
}

static int
viflist_list_cb(uint16_t id, const uint16_t *vifs, unsigned int n, void *arg)
{
	json_t *o = viflist_json(id, vifs, n);

	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int
m_viflist_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	       struct fex_ctl_err *err)
{
	static const char *const fields[] = { "cluster", NULL };
	json_t *a;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	a = json_array();
	if (a == NULL || fex_viflist_foreach(ctl->db, viflist_list_cb, a) < 0) {
		json_decref(a);
		return no_memory(err);
	}
	*result = a;
	return 0;
}

static int
m_viflist_delete(struct fex_ctl *ctl, json_t *params, json_t **result,
		 struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "cluster", NULL };
	char msg[MSG_LEN] = "";
	uint16_t id;
	int rc;

	if (viflist_id(params, fields, &id, err) < 0)
		return -1;
	if (fex_viflist_get(ctl->db, id, NULL, 0) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "id",
			"VIF list %u does not exist; see viflist.list", id);
		return -1;
	}
	rc = fex_viflist_delete(ctl->db, id, msg, sizeof(msg));
	if (rc < 0)
		return vif_error(err, rc, "id", msg, false);
	*result = json_pack("{s:i, s:b}", "id", (int)id, "deleted", 1);
	return 0;
}

/* ---------------------------------------------------------------- ports, stats */

static int
no_params(const json_t *params, struct fex_ctl_err *err)
{
	static const char *const fields[] = { "cluster", NULL };

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	return 0;
}

static int
m_port_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	    struct fex_ctl_err *err)
{
	json_t *a, *e;
	size_t i;

	if (no_params(params, err) < 0)
		return -1;
	if (ctl->hooks.port_list == NULL) {
		*result = json_array();
		return *result != NULL ? 0 : no_memory(err);
	}
	a = ctl->hooks.port_list(ctl->hooks.ctx);
	if (!json_is_array(a)) {
		json_decref(a);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
				"the port layer could not list its ports");
		return -1;
	}
	json_array_foreach(a, i, e) {
		json_t *pid = json_object_get(e, "port_id");
		uint16_t vif;

		if (!json_is_integer(pid) || json_object_get(e, "vif") != NULL)
			continue;
		vif = fex_vif_of_port_id(ctl->db,
					 (uint16_t)json_integer_value(pid));
		if (vif != 0)
			json_object_set_new(e, "vif", json_integer(vif));
	}
	*result = a;
	return 0;
}

static int
m_stats(struct fex_ctl *ctl, json_t *params, json_t **result,
	struct fex_ctl_err *err)
{
	struct fex_ctl_counters c;
	json_t *o;

	if (no_params(params, err) < 0)
		return -1;
	o = ctl->hooks.stats != NULL ? ctl->hooks.stats(ctl->hooks.ctx) :
		json_object();
	if (!json_is_object(o)) {
		json_decref(o);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
				"the port layer could not report its figures");
		return -1;
	}
	fex_ctl_counters(ctl, &c);
	json_object_set_new(o, "control",
		json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I}",
			  "clients", (int)c.clients,
			  "accepted", (json_int_t)c.accepted,
			  "refused", (json_int_t)c.refused,
			  "requests", (json_int_t)c.requests,
			  "oversized", (json_int_t)c.oversized,
			  "timed_out", (json_int_t)c.timed_out,
			  "overflowed", (json_int_t)c.overflowed));
	*result = o;
	return 0;
}

static int
m_cluster_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	       struct fex_ctl_err *err)
{
	static const char *const fields[] = { NULL };

	(void)ctl;
	if (param_only(params, fields, err) < 0)
		return -1;
	*result = json_pack("[s]", FEX_CLUSTER_DEFAULT);
	return 0;
}

/* ---------------------------------------------------------------- registry */

#define PROFILE_USAGE "{name, description?, vlans?, native_vlan?, cos?, " \
	"rate_kbps?, burst_bytes?, ingress_rate_kbps?, ingress_burst_bytes?, " \
	"mac_forging?, uplink_fail_action?, max_ports?, io_performance?, " \
	"enabled?, cluster?}"
#define VIF_USAGE "{vif, port, mac, profile, instance_uuid, cluster?}"

static const struct fex_ctl_method builtin[] = {
	{ "profile.set", PROFILE_USAGE, FEX_CTL_MUTATES, m_profile_set },
	{ "profile.get", "{name, cluster?}", 0, m_profile_get },
	{ "profile.list", "{cluster?}", 0, m_profile_list },
	{ "profile.delete", "{name, cluster?}", FEX_CTL_MUTATES, m_profile_delete },
	{ "vif.preassociate", VIF_USAGE, FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_preassociate },
	{ "vif.associate", VIF_USAGE, FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_associate },
	{ "vif.disassociate", "{vif, cluster?}", FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_disassociate },
	{ "vif.list", "{cluster?}", 0, m_vif_list },
	{ "vif.stats", "{vif?, cluster?}", 0, m_vif_stats },
	{ "viflist.set", "{id, vifs, cluster?}", FEX_CTL_MUTATES, m_viflist_set },
	{ "viflist.get", "{id, cluster?}", 0, m_viflist_get },
	{ "viflist.list", "{cluster?}", 0, m_viflist_list },
	{ "viflist.delete", "{id, cluster?}", FEX_CTL_MUTATES, m_viflist_delete },
	{ "port.list", "{}", 0, m_port_list },
	{ "stats", "{}", 0, m_stats },
	{ "cluster.list", "{}", 0, m_cluster_list },
};

int
ctl_register_builtin(struct fex_ctl *ctl)
{
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_DIM(builtin); i++) {
		rc = fex_ctl_register(ctl, &builtin[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- state */

static int
dump_vif_cb(const struct fex_vif_info *v, void *arg)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	json_t *o;

	mac_format(&v->mac, mac, sizeof(mac));
	o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "vif", (int)v->vif,
		      "port", v->port_spec, "mac", mac, "profile", v->profile,
		      "instance_uuid", v->instance_uuid,
		      "state", fex_vif_state_name(v->state));
	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int
dump_profile_cb(const struct fex_profile *p, unsigned int n_vifs, void *arg)
{
	json_t *o = profile_json(p);

	(void)n_vifs;
	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

json_t *
ctl_dump_state(struct fex_ctl *ctl)
{
	json_t *profiles = json_array(), *vifs = json_array();
	json_t *lists = json_array();

	if (profiles == NULL || vifs == NULL || lists == NULL ||
	    fex_profile_foreach(ctl->db, dump_profile_cb, profiles) < 0 ||
	    fex_vif_foreach(ctl->db, dump_vif_cb, vifs) < 0 ||
	    fex_viflist_foreach(ctl->db, viflist_list_cb, lists) < 0) {
		json_decref(profiles);
		json_decref(vifs);
		json_decref(lists);
		return NULL;
	}
	return json_pack("{s:i, s:o, s:o, s:o}", "version", 1,
			 "profiles", profiles, "vifs", vifs, "viflists", lists);
}

static json_t *
state_array(json_t *doc, const char *key, const char *file, char *err,
	    size_t errlen)
{
	json_t *a = json_object_get(doc, key);

	if (a == NULL)
		return json_array();
	if (!json_is_array(a)) {
		snprintf(err, errlen, "state file %s: \"%s\" must be an array",
			 file, key);
		return NULL;
	}
	return json_incref(a);
}

int
ctl_apply_state(struct fex_ctl *ctl, json_t *doc, const char *file,
		char *errbuf, size_t errlen)
{
	static const char *const top[] = {
		"version", "profiles", "vifs", "viflists", NULL };
	static const char *const vif_state_fields[] = {
		"vif", "port", "mac", "profile", "instance_uuid", "cluster",
		"state", NULL };
	json_t *profiles = NULL, *vifs = NULL, *lists = NULL, *e, *res;
	struct fex_ctl_err err = { .code = 0 };
	struct fex_vif_info info;
	struct vif_req r;
	const char *what = "";
	unsigned int st;
	uint64_t ver;
	size_t i = 0;
	int rc = -EINVAL;

	if (!json_is_object(doc)) {
		snprintf(errbuf, errlen, "state file %s: must be a JSON object "
			 "{\"version\":1, \"profiles\":[...], \"vifs\":[...], "
			 "\"viflists\":[...]}", file);
		return -EINVAL;
	}
	if (param_only(doc, top, &err) < 0 ||
	    param_uint(doc, "version", true, 1, 1, "the state format", &ver,
		       &err) < 0) {
		snprintf(errbuf, errlen, "state file %s: %s", file, err.message);
		return -EINVAL;
	}
	profiles = state_array(doc, "profiles", file, errbuf, errlen);
	vifs = state_array(doc, "vifs", file, errbuf, errlen);
	lists = state_array(doc, "viflists", file, errbuf, errlen);
	if (profiles == NULL || vifs == NULL || lists == NULL)
		goto out;

	what = "profiles";
	json_array_foreach(profiles, i, e) {
		res = NULL;
		rc = json_is_object(e) ? ctl_profile_set(ctl, e, &res, &err) : -1;
		json_decref(res);
		if (rc < 0)
			goto out_item;
	}
	what = "vifs";
	json_array_foreach(vifs, i, e) {
		rc = -1;
		if (json_is_object(e) && vif_parse(e, vif_state_fields, &r, &err) == 0 &&
		    param_enum(e, "state", true, vif_state_names, &st, &err) == 0)
			rc = ctl_vif_bind(ctl, st == 0 ? FEX_VIF_PREASSOCIATED :
					  FEX_VIF_ASSOCIATED, &r, &info, &err);
		if (rc < 0)
			goto out_item;
	}
	what = "viflists";
	json_array_foreach(lists, i, e) {
		res = NULL;
		rc = json_is_object(e) ? ctl_viflist_set(ctl, e, &res, &err) : -1;
		json_decref(res);
		if (rc < 0)
			goto out_item;
	}
	rc = 0;
	goto out;
out_item:
	if (err.code == 0)
		fex_ctl_err_set(&err, FEX_CTL_E_PARAMS, NULL, "must be an object");
	snprintf(errbuf, errlen, "state file %s: %s[%zu]: %s", file, what, i,
		 err.message);
	rc = -EINVAL;
out:
	json_decref(profiles);
	json_decref(vifs);
	json_decref(lists);
	return rc;
}
