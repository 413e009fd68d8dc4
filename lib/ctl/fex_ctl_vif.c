/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vif.preassociate / associate / disassociate / list / stats (SPEC §2,
 * §5): the VIF requests open the vNIC port through the application's
 * hook (ctl_vif_bind()); a port opened or let go by a change is listed
 * with ctl_port_opened() / ctl_port_released(), the table edits are
 * staged by the change (fex_rpc.c). And the VIFs' part of the state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"

/* The states a saved VIF may have: lib/vif's names but "none". */
static const char *const *const vif_state_names = fex_vif_state_names + FEX_VIF_PREASSOCIATED;

static void
mac_format(const struct rte_ether_addr *mac, char *buf, size_t len)
{
	const uint8_t *b = mac->addr_bytes;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
}

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

/* A VIF request's params (vif_fields, plus "state" when from a file);
 * a.vif 0: no id given (vif_auto() picks one). */
struct vif_req {
	struct fex_vif_assoc a;
	char spec[FEX_PORT_SPEC_MAX + 1];
	char uuid[FEX_UUID_LEN + 1];
	char profile[FEX_PROFILE_NAME_MAX + 1];
};

static int
vif_parse(const json_t *params, const char *const *fields, bool need_vif,
	  struct vif_req *r, struct fex_ctl_err *err)
{
	const char *spec, *uuid, *profile;
	uint64_t id = 0;

	memset(r, 0, sizeof(*r));
	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0 ||
	    param_uint(params, "vif", need_vif, FEX_VIF_MIN, FEX_VIF_MAX, "VIF id",
		       &id, err) < 0 ||
	    param_str(params, "port", true, FEX_PORT_SPEC_MAX, false, &spec,
		      err) < 0 ||
	    param_mac(params, "mac", true, r->a.mac.addr_bytes, err) < 0 ||
	    param_name(params, "profile", true, &profile, err) < 0 ||
	    param_str(params, "instance_uuid", true, FEX_UUID_LEN, false, &uuid,
		      err) < 0)
		return -1;
	if (!fex_uuid_ok(uuid)) {
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
ctl_vif_bind(struct fex_ctl *ctl, enum fex_vif_state state,
	     struct fex_vif_assoc *a, struct fex_vif_info *info,
	     struct fex_ctl_err *err)
{
	struct fex_vif_info old;
	char msg[CTL_MSG_LEN] = "";
	bool had, new_port = false;
	int rc;

	had = fex_vif_get(ctl->db, a->vif, &old) == 0;
	if (had && strcmp(old.port_spec, a->port_spec) == 0) {
		a->port_id = old.port_id;
	} else {
		struct port_user u = { .spec = a->port_spec };

		fex_vif_foreach(ctl->db, port_user_cb, &u);
		if (u.vif != 0) {
			fex_ctl_err_set(err, FEX_CTL_E_IN_USE, "port",
				"port '%s' is already used by VIF %u; disassociate "
				"VIF %u or name another port", a->port_spec, u.vif, u.vif);
			return -1;
		}
		if (had && old.state != FEX_VIF_PREASSOCIATED) {
			fex_ctl_err_set(err, FEX_CTL_E_BAD_STATE, "port",
				"VIF %u is %s on port '%s'; disassociate it before "
				"binding it to port '%s'", a->vif,
				fex_vif_state_name(old.state), old.port_spec, a->port_spec);
			return -1;
		}
		if (ctl->hooks.port_attach == NULL &&
		    ctl->hooks.port_attach_vif == NULL) {
			fex_ctl_err_set(err, FEX_CTL_E_FAILED, "port",
				"cannot open port '%s': no port layer in this "
				"process", a->port_spec);
			return -1;
		}
		if (ctl->hooks.port_attach_vif != NULL)
			rc = ctl->hooks.port_attach_vif(ctl->hooks.ctx, a->port_spec,
							a->profile, &a->port_id,
							msg, sizeof(msg));
		else
			rc = ctl->hooks.port_attach(ctl->hooks.ctx, a->port_spec,
						    &a->port_id, msg, sizeof(msg));
		if (rc < 0) {
			/* out of ports, VFs or memory: RESOURCES, insufficient-resources */
			bool out_of = rc == -ENOSPC || rc == -ENOMEM;

			fex_ctl_err_set(err, out_of ? FEX_CTL_E_RESOURCES : FEX_CTL_E_FAILED,
				"port", "cannot open port '%s': %s", a->port_spec,
				msg[0] != '\0' ? msg : strerror(-rc));
			return -1;
		}
		new_port = true;
	}
	msg[0] = '\0';
	rc = vif_action(ctl, state, a, msg, sizeof(msg));
	if (rc == 0 && new_port && ctl_port_opened(ctl, a->port_id) < 0)
		rc = -ENOMEM;
	if (rc < 0) {
		if (new_port)
			ctl_port_detach(ctl, a->port_id);
		return ctl_vif_error(err, rc, rc == -ENOENT ? "profile" :
				 rc == -ENOSPC ? "profile" : NULL, msg, true);
	}
	/* the port is listed: from here a failure closes it with the change */
	if (had && new_port && ctl_port_released(ctl, old.port_id) < 0)
		return ctl_no_memory(err);
	if (fex_vif_get(ctl->db, a->vif, info) < 0)
		return ctl_no_memory(err);
	return 0;
}

int
fex_ctl_vif_associate(struct fex_ctl *ctl, const struct fex_vif_assoc *a,
		      struct fex_vif_info *info, struct fex_ctl_err *err)
{
	struct fex_vif_assoc b = *a;
	struct fex_vif_info got;
	int rc;

	if (a->port_spec == NULL || a->port_spec[0] == '\0' ||
	    a->profile == NULL || a->instance_uuid == NULL) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, a->port_spec == NULL ||
				a->port_spec[0] == '\0' ? "port" :
				a->profile == NULL ? "profile" : "instance_uuid",
				"vif.associate needs a port, a profile and an "
				"instance_uuid");
		return -1;
	}
	if (ctl_change_start(ctl, "vif.associate", err) < 0)
		return -1;
	rc = ctl_vif_bind(ctl, FEX_VIF_ASSOCIATED, &b, info != NULL ? info : &got,
			  err);
	return ctl_change_end(ctl, "vif.associate", rc == 0, err);
}

/*
 * No "vif" in the request (SPEC §8): the VIF this instance UUID and MAC
 * have already (a preassociate then an associate land on one VIF), else,
 * on a host of a cluster, the one the store holds for them, else the
 * lowest id neither this host nor the store uses.
 */
struct vif_pick {
	const struct fex_vif_assoc *a;
	uint16_t same;
	uint8_t used[FEX_VIF_MAX + 1];
};

static int
vif_pick_cb(const struct fex_vif_info *v, void *arg)
{
	struct vif_pick *p = arg;

	if (fex_mac_eq(&v->mac, &p->a->mac) &&
	    strcasecmp(v->instance_uuid, p->a->instance_uuid) == 0) {
		p->same = v->vif;
		return 1;
	}
	p->used[v->vif] = 1;
	return 0;
}

static int
vif_auto(struct fex_ctl *ctl, struct fex_vif_assoc *a, struct fex_ctl_err *err)
{
	struct vif_pick p = { .a = a };
	int held;
	unsigned int id;

	if (fex_vif_foreach(ctl->db, vif_pick_cb, &p) < 0)
		return ctl_no_memory(err);
	if (p.same != 0) {
		a->vif = p.same;
		return 0;
	}
	if (ctl->store.vif_pick != NULL) {
		held = ctl->store.vif_pick(ctl->store.ctx, a->instance_uuid,
					   a->mac.addr_bytes, p.used, err);
		if (held < 0)
			return -1;
		if (held >= FEX_VIF_MIN && held <= FEX_VIF_MAX) {
			a->vif = (uint16_t)held;
			return 0;
		}
	}
	for (id = FEX_VIF_MIN; id <= FEX_VIF_MAX; id++)
		if (!p.used[id]) {
			a->vif = (uint16_t)id;
			return 0;
		}
	fex_ctl_err_set(err, FEX_CTL_E_RESOURCES, "vif",
		"no free VIF id: all of %d..%d are in use%s; disassociate one or "
		"name an id", FEX_VIF_MIN, FEX_VIF_MAX,
		ctl->store.vif_pick != NULL ? " on the cluster" : "");
	return -1;
}

static int
vif_request(struct fex_ctl *ctl, json_t *params, enum fex_vif_state state,
	    json_t **result, struct fex_ctl_err *err)
{
	struct fex_vif_info info;
	struct vif_req r;

	if (vif_parse(params, vif_fields, false, &r, err) < 0 ||
	    (r.a.vif == 0 && vif_auto(ctl, &r.a, err) < 0) ||
	    ctl_vif_bind(ctl, state, &r.a, &info, err) < 0)
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
	char msg[CTL_MSG_LEN] = "";
	json_t *old_json;
	uint16_t vif;
	int rc;

	if (vif_id(params, true, &vif, err) < 0)
		return -1;
	if (fex_vif_get(ctl->db, vif, &old) < 0) {
		/* lib/vif's answer for it: not found, VDP bad-state */
		snprintf(msg, sizeof(msg), "VIF %u does not exist; see vif.list", vif);
		return ctl_vif_error(err, -ESRCH, "vif", msg, true);
	}
	rc = fex_vif_disassociate(ctl->db, vif, msg, sizeof(msg));
	if (rc < 0)
		return ctl_vif_error(err, rc, "vif", msg, true);
	/* the port stays open until the workers no longer see the VIF */
	old_json = vif_json(&old);
	if (old_json == NULL || ctl_port_released(ctl, old.port_id) < 0) {
		json_decref(old_json);
		return ctl_no_memory(err);
	}
	*result = json_pack("{s:i, s:s, s:s, s:o}", "vif", (int)vif,
			    "state", fex_vif_state_name(FEX_VIF_NONE), "port", old.port_spec,
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
		return ctl_no_memory(err);
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

json_t *
fex_ctl_vif_stats(struct fex_ctl *ctl, struct fex_ctl_err *err)
{
	struct stats_walk w = { .ctl = ctl };

	w.a = json_array();
	if (w.a == NULL || fex_vif_foreach(ctl->db, vif_stats_cb, &w) < 0) {
		json_decref(w.a);
		ctl_no_memory(err);
		return NULL;
	}
	return w.a;
}

static int
m_vif_stats(struct fex_ctl *ctl, json_t *params, json_t **result,
	    struct fex_ctl_err *err)
{
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
		return *result != NULL ? 0 : ctl_no_memory(err);
	}
	*result = fex_ctl_vif_stats(ctl, err);
	return *result != NULL ? 0 : -1;
}

#define VIF_USAGE "{vif?, port, mac, profile, instance_uuid, cluster?}"

static const struct fex_ctl_method methods[] = {
	{ "vif.preassociate", VIF_USAGE, FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_preassociate },
	{ "vif.associate", VIF_USAGE, FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_associate },
	{ "vif.disassociate", "{vif, cluster?}", FEX_CTL_MUTATES | FEX_CTL_VDP,
	  m_vif_disassociate },
	{ "vif.list", "{cluster?}", 0, m_vif_list },
	{ "vif.stats", "{vif?, cluster?}", 0, m_vif_stats },
};

int
ctl_vif_register(struct fex_ctl *ctl)
{
	return ctl_register_table(ctl, methods, RTE_DIM(methods));
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

json_t *
ctl_vif_dump(struct fex_ctl *ctl)
{
	json_t *a = json_array();

	if (a != NULL && fex_vif_foreach(ctl->db, dump_vif_cb, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int
ctl_vif_restore(struct fex_ctl *ctl, const json_t *e, struct fex_ctl_err *err)
{
	static const char *const fields[] = {
		"vif", "port", "mac", "profile", "instance_uuid", "cluster",
		"state", NULL };
	struct fex_vif_info info;
	struct vif_req r;
	unsigned int st;

	if (vif_parse(e, fields, true, &r, err) < 0 ||
	    param_enum(e, "state", true, vif_state_names, &st, err) < 0)
		return -1;
	return ctl_vif_bind(ctl, st == 0 ? FEX_VIF_PREASSOCIATED :
			    FEX_VIF_ASSOCIATED, &r.a, &info, err);	/* down: associate */
}
