/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The methods of SPEC §5 (one file per object: fex_ctl_profile.c,
 * fex_ctl_vif.c, fex_ctl_viflist.c; ports, stats and clusters here) and
 * what they share. Each handler parses its params, calls the action
 * (lib/vif, or ctl_vif_bind() for the VIF requests that also open a
 * port) and builds the reply. A changing method runs inside a change
 * (fex_rpc.c): its table edits are staged until the state is saved, so
 * no handler undoes anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"

/*
 * The one map from a lib/vif return code to a JSON-RPC code. The SPEC §2
 * response of the same code is lib/vif's (fex_vif_response_name); an
 * error built from a code alone answers as the first row with that code,
 * so a code and its response name cannot drift apart.
 */
static const struct {
	int rc;
	int code;
} ctl_codes[] = {
	{ -EINVAL,	FEX_CTL_E_PARAMS },
	{ -ENOENT,	FEX_CTL_E_NOT_FOUND },
	{ -ESRCH,	FEX_CTL_E_NOT_FOUND },	/* answers bad-state */
	{ -EBUSY,	FEX_CTL_E_BAD_STATE },	/* IN_USE outside VIF requests */
	{ -EADDRINUSE,	FEX_CTL_E_IN_USE },
	{ -ENOSPC,	FEX_CTL_E_RESOURCES },
	{ -ENOMEM,	FEX_CTL_E_RESOURCES },
	/* a request that is not one: what VDP calls invalid */
	{ -EINVAL,	FEX_CTL_E_METHOD },
	{ -EINVAL,	FEX_CTL_E_REQUEST },
	{ -EINVAL,	FEX_CTL_E_PARSE },
};

int
ctl_vif_error(struct fex_ctl_err *err, int rc, const char *field,
	      const char *msg, bool vdp)
{
	int code = FEX_CTL_E_FAILED;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ctl_codes); i++)
		if (ctl_codes[i].rc == rc) {
			code = ctl_codes[i].code;
			break;
		}
	/* outside VIF requests a busy object is one still used (a profile) */
	if (code == FEX_CTL_E_BAD_STATE && !vdp)
		code = FEX_CTL_E_IN_USE;
	fex_ctl_err_set(err, code, field, "%s", msg[0] != '\0' ? msg : strerror(-rc));
	if (vdp)
		snprintf(err->response, sizeof(err->response), "%s",
			 fex_vif_response_name(rc));
	return -1;
}

const char *
ctl_code_response(int code)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ctl_codes); i++)
		if (ctl_codes[i].code == code)
			return fex_vif_response_name(ctl_codes[i].rc);
	return fex_vif_response_name(-EIO);	/* any other failure: "error" */
}

int
ctl_no_memory(struct fex_ctl_err *err)
{
	fex_ctl_err_set(err, FEX_CTL_E_INTERNAL, NULL, "out of memory");
	return -1;
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

json_t *
fex_ctl_port_list(struct fex_ctl *ctl, struct fex_ctl_err *err)
{
	json_t *a, *e;
	size_t i;

	if (ctl->hooks.port_list == NULL) {
		a = json_array();
		if (a == NULL)
			ctl_no_memory(err);
		return a;
	}
	a = ctl->hooks.port_list(ctl->hooks.ctx);
	if (!json_is_array(a)) {
		json_decref(a);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
				"the port layer could not list its ports");
		return NULL;
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
	return a;
}

static int
m_port_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	    struct fex_ctl_err *err)
{
	if (no_params(params, err) < 0)
		return -1;
	*result = fex_ctl_port_list(ctl, err);
	return *result != NULL ? 0 : -1;
}

json_t *
fex_ctl_stats(struct fex_ctl *ctl, struct fex_ctl_err *err)
{
	struct fex_ctl_counters c;
	json_t *o;

	o = ctl->hooks.stats != NULL ? ctl->hooks.stats(ctl->hooks.ctx) :
		json_object();
	if (!json_is_object(o)) {
		json_decref(o);
		fex_ctl_err_set(err, FEX_CTL_E_FAILED, NULL,
				"the port layer could not report its figures");
		return NULL;
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
	return o;
}

static int
m_stats(struct fex_ctl *ctl, json_t *params, json_t **result,
	struct fex_ctl_err *err)
{
	if (no_params(params, err) < 0)
		return -1;
	*result = fex_ctl_stats(ctl, err);
	return *result != NULL ? 0 : -1;
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

static const struct fex_ctl_method methods[] = {
	{ "port.list", "{}", 0, m_port_list },
	{ "stats", "{}", 0, m_stats },
	{ "cluster.list", "{}", 0, m_cluster_list },
};

int
ctl_register_table(struct fex_ctl *ctl, const struct fex_ctl_method *tab,
		   unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = fex_ctl_register(ctl, &tab[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
ctl_register_builtin(struct fex_ctl *ctl)
{
	int rc;

	rc = ctl_profile_register(ctl);
	if (rc == 0)
		rc = ctl_vif_register(ctl);
	if (rc == 0)
		rc = ctl_viflist_register(ctl);
	if (rc == 0)
		rc = ctl_register_table(ctl, methods, RTE_DIM(methods));
	return rc;
}
